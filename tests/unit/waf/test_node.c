/*
 * node.c: Node.js/Ruby/Perl code injection (rp__waf_code), prototype
 * pollution (rp__waf_proto) and data: URIs (rp__waf_datauri). Attacks
 * from the OWASP CRS 934 shapes; benign values are prose and code samples
 * that mention the same names.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT detect_fn
#define PREFIX prefix
static rp__waf_detect_fn detect_fn = rp__waf_code;
static const char *prefix = "code";
#include "waf/detector_test.h"

static void use(rp__waf_detect_fn fn, const char *p)
{
    detect_fn = fn;
    prefix = p;
}

static const tcase_t code_attacks[] = {
    { "_$$ND_FUNC$$_function(){require('child_process').exec('id')}()", 95, "node-serialize" },
    { "_$$ND_FUNC$$_", 95, NULL },
    { "__js_function", 90, "funcster" },
    { "require(\"child_process\").exec('whoami')", 90, "system module" },
    { "x=1;require('fs').readFileSync('/etc/passwd')", 90, NULL },
    { "('child_process')", 90, "child_process" },
    { "process.mainModule.require('child_process')", 90, "mainModule" },
    { "a = process.binding('spawn_sync')", 90, NULL },
    { "global.process.exit()", 90, "global" },
    { "this.constructor.constructor('return process')()", 90, "constructor.constructor" },
    { "''.constructor.constructor('alert(1)')()", 90, NULL },
    { "{\"get\":\"$3:constructor:constructor\"}", 90, "React" },
    { "{\"0\":\"$7:Module:prototype\"}", 90, NULL },
    { "process.env", 60, "process" },
    { "process[\"env\"]", 80, NULL },
    { "process[req.query.a", 80, NULL },
    { "process[mainModule", 80, NULL },
    { "require[req.query.a", 80, NULL },
    { "require.main", 80, NULL },
    { "console.info(1)", 60, "console" },
    { "console[\"info\"](1)", 60, NULL },
    { "console.info.call(this,1)", 60, NULL },
    { "module.exports=1", 60, "module.exports" },
    { "Process.spawn(\"id\")", 90, "Ruby" },
    { "Kernel.exec('id')", 90, NULL },
    { "IO.popen('id').read", 90, NULL },
    { "Open3.capture2('id')", 90, NULL },
    { "@{[system 'whoami']}", 85, "Perl" },
    { "@{ [ uc 'hello' ] }", 85, NULL },
    { "@@{[CORE::time()]}", 85, NULL },
    { "while(true)", 80, "endless loop" },
    { "while(!false)", 80, NULL },
    { "while(!-0);", 80, NULL },
    { "while(!+0);", 80, NULL },
    { "while(!\"\");", 80, NULL },
    { "while(!``);", 80, NULL },
    { "while(Infinity);", 80, NULL },
    { "while(-Infinity);", 80, NULL },
    { "while(-1);", 80, NULL },
    { "while(new Date);", 80, NULL },
    { "while(this);", 80, NULL },
    { "while(String);", 80, NULL },
    { "while(!!{});", 80, NULL },
    { "while(!![]);", 80, NULL },
    { "while(!null)", 80, NULL },
    { "while(!undefined)", 80, NULL },
    { "while(!NaN)", 80, NULL },
    { "while((true)))", 80, NULL },
    { "while (1) {}", 80, NULL },
    { "for(;;){}", 80, "for(;;)" },
    { "function() {", 60, "anonymous function" },
    { "function(a,b){return a}", 60, NULL },
};

static const char *const code_benign[] = {
    "process.",
    "console.",
    "while (foo) is bar.",
    "while(!true);",
    "while(!!\"\");",
    "while(0)",
    "while(x > 0) x--",
    "I waited a while (1 hour) for support",
    "for (i = 0; i < n; i++)",
    "The process is simple: sign up, then log in.",
    "Our process.env docs moved",            /* text around: reported, not blocked */
    "use console.log(x) to debug",
    "const total = items.reduce((sum, i) => sum + i.price, 0);",
    "window.addEventListener('load', () => init({ debug: false }));",
    "export async function fetchOrders(page = 1): Promise<Order[]> {\n  const res = await api.get(`/orders?page=${page}`);\n  return res.data;\n}",
    "users.where(active: true).order(created_at: :desc).limit(20)",
    "$total = array_sum(array_column($items, 'price'));",
    "Process spawn times are logged",
    "email me @ {work}",
    "price: $3:00 pm",
    "{\"$ref\": \"#/definitions/x\"}",
    "File.read is slow",
    "user@{[example.com]}",   /* '@' after a word: an address, not Perl */
    "module.exports == x",
    "the constructor of the prototype",
    "arr.map(function(x) { return x * 2; })",
    "function of time",
    "function (see docs) {braces}",
};

static const tcase_t proto_attacks[] = {
    { "__proto__[test]=test", 80, "__proto__" },
    { "__proto__.foo=bar", 80, NULL },
    { "{\"__proto__\":{\"isAdmin\":true}}", 80, NULL },
    { "constructor[prototype][test]", 80, "constructor.prototype" },
    { "constructor.prototype.test=test", 80, NULL },
    { "x.constructor.prototype.polluted", 80, NULL },
    { "__proto__", 60, "property path" },
};

static const char *const proto_benign[] = {
    "proto",
    "__proto__ is deprecated, use Object.getPrototypeOf",
    "the constructor and the prototype",
    "constructor",
    "prototype",
    "my__proto__x",
    "constructors.prototypes",
    "The constructor: prototype phase",
};

static const tcase_t data_attacks[] = {
    { "data:text/plain;base64,SSBsb3ZlIFBIUAo=", 60, "text media type" },
    { "data:text/plain", 60, NULL },
    { "data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWzBdKTsgPz4=", 95, "PHP" },
    { "data:application/x-httpd-php,<?php phpinfo();?>", 95, NULL },
    { "  DATA:TEXT/HTML,hello", 60, NULL },
};

static const char *const data_benign[] = {
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "data:image/svg+xml;utf8,<svg></svg>",
    "data:font/woff2;base64,d09GMgABAAAAA",
    "data: see the attached spreadsheet",
    "Data: 42",
    "metadata:text/plain",
    "data:",
    "data:text",
};

TEST(code)
{
    use(rp__waf_code, "code");
    run_attacks(code_attacks, RP_ARRAY_SIZE(code_attacks));
    run_benign(code_benign, RP_ARRAY_SIZE(code_benign), RP_WAF_SRC_QUERY);
    run_benign(code_benign, RP_ARRAY_SIZE(code_benign), RP_WAF_SRC_BODY);
    /* chains inside text are reported, not blocked */
    int sc = score("see process.env.PORT in the docs");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(proto)
{
    use(rp__waf_proto, "prototype");
    run_attacks(proto_attacks, RP_ARRAY_SIZE(proto_attacks));
    run_benign(proto_benign, RP_ARRAY_SIZE(proto_benign), RP_WAF_SRC_QUERY);
    /* in a parameter name, the segment alone is enough */
    rp__waf_match_t m;
    const char *k = "a[__proto__][x]";
    CHECK(det(k, strlen(k), RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) >= 90);
    k = "__proto__";
    CHECK(det(k, strlen(k), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 90);
    k = "a[constructor][prototype]";
    CHECK(det(k, strlen(k), RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) >= 90);
    k = "constructor";
    CHECK(det(k, strlen(k), RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) == 0);
}

TEST(datauri)
{
    use(rp__waf_datauri, "rfi_ssrf");
    run_attacks(data_attacks, RP_ARRAY_SIZE(data_attacks));
    run_benign(data_benign, RP_ARRAY_SIZE(data_benign), RP_WAF_SRC_BODY);
    int sc = score("data:application/pdf;base64,JVBERi0xLjQK");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_flags)
{
    rp__waf_match_t m;
    use(rp__waf_code, "code");
    const char *s = "x _$$ND_FUNC$$_function(){}";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 95);
    CHECK(m.off == 2 && m.len == 13);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    use(rp__waf_proto, "prototype");
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    use(rp__waf_datauri, "rfi_ssrf");
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(pathological)
{
    use(rp__waf_code, "code");
    run_pathological("process.");
    run_pathological("while(");
    run_pathological("while(!!!!((((");
    run_pathological("@{");
    run_pathological("$1:");
    run_pathological("require(");
    run_pathological("a.b.c[d");
    run_pathological("'");
    use(rp__waf_proto, "prototype");
    run_pathological("__proto__");
    run_pathological("constructor.");
    use(rp__waf_datauri, "rfi_ssrf");
    run_pathological("data:text/plain;");
}

int main(void)
{
    RUN(code);
    RUN(proto);
    RUN(datauri);
    RUN(span_and_flags);
    RUN(pathological);
    TEST_MAIN_END();
}
