/*
 * SSTI detector: template syntax of the common engines with code inside;
 * plain placeholders in text pass.
 */
#include "test.h"

#include "waf/waf_int.h"

/* ssti.c: 1 when the sink filter tables cover every sink. */
int rp__ssti_sinks_ok(void);

#define DETECT rp__waf_ssti
#define PREFIX "ssti"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "{{7*7}}", 80, "arithmetic" },
    { "{{ 7 * 7 }}", 80, "arithmetic" },
    { "{{7*'7'}}", 80, "arithmetic" },
    { "${7*7}", 80, "arithmetic" },
    { "#{7*7}", 80, "arithmetic" },
    { "<%= 7*7 %>", 80, "arithmetic" },
    { "*{7*7}", 80, "arithmetic" },
    { "{{''.__class__.__mro__[1].__subclasses__()}}", 90, "sink" },
    { "{{ ''.__class__ }}", 90, NULL },
    { "{{config}}", 50, "global" },
    { "{{config.items()}}", 70, "global" },
    { "{{self.__init__.__globals__.__builtins__}}", 90, NULL },
    { "{{ request.application.__globals__.__builtins__.__import__('os').popen('id').read() }}", 90, NULL },
    { "{{lipsum.__globals__.os.popen('id').read()}}", 90, NULL },
    { "{{cycler.__init__.__globals__.os.popen('id').read()}}", 90, NULL },
    { "{{joiner.__init__}}", 90, NULL },
    { "{{ range.constructor(\"return global.process\")() }}", 90, NULL },
    { "{{request|attr('application')}}", 80, NULL },
    { "{{ lipsum }}", 50, NULL },
    { "{% if True %}49{% endif %}", 55, "statement" },
    { "{% import os %}{{ os.system('id') }}", 90, NULL },
    { "{% set x = 1 %}", 55, NULL },
    { "<%= system('id') %>", 90, NULL },
    { "<% system('id') %>", 90, NULL },
    { "<%= `id` %>", 90, NULL },
    { "${\"freemarker.template.utility.Execute\"?new()(\"id\")}", 90, NULL },
    { "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}", 90, NULL },
    { "<#assign x = 1>", 55, "directive" },
    { "#set($x = $class.inspect(\"java.lang.Runtime\").type.getRuntime().exec(\"id\"))", 90, NULL },
    { "#set($a = 1)", 55, NULL },
    { "__${T(java.lang.Runtime).getRuntime().exec('id')}__::.x", 90, NULL },
    { "__${7*7}__", 80, NULL },
    { "__${x}__::.x", 80, "Thymeleaf" },
    { "#{runtime.exec('id')}", 90, NULL },
    { "#{require.main.constructor._load('child_process').spawn('id')}", 90, NULL },
    { "${product.getClass().forName('java.lang.Runtime')}", 90, NULL },
    { "Hi {{7*7}} there", 80, NULL },
    { "{{ get_flashed_messages.__globals__ }}", 90, NULL },
};

static const char *const benign[] = {
    "{{name}}",
    "{% if user %}Hi {{ user }}{% endif %}",
    "{% for item in cart.items %}{{ item.name }}{% endfor %}",
    "{% if not user.premium and trial %}Upgrade{% endif %}",
    "Hello {{ user.first_name }}",
    "${price}",
    "Total ${price} for ${qty} items",
    "#{name}",
    "<%=title%>",
    "{{username}}",
    "Dear {{ customer.name }}, your order {{ order.id }} shipped",
    "{{ item.price | currency }}",
    "Use {{ }} for placeholders",
    "{ \"a\": { \"b\": 1 } }",
    "{{ t('welcome_message') }}",
    "math: 7*7 = 49",
    "a {{b}} c {{d}} e",
    "100% sure <%",
    "#1 in sales",
    "<b>bold</b> and <i>it</i>",
    "C# is a language; F# too",
    "price: $ {amount}",
    "{{ config_name }}",
    "{{ self_service_url }}",
    "{{ request_id }}",
    "{{ user.config }}",
    "Call us at 555-0100 {ext 12}",
    "{% raw",
    "The set is {1, 2, 3}",
    "#set is a Velocity directive",
    "50% off {{ product }}",
    "__init__ is Python's constructor",
    "${HOME}/bin",
    "{{ date }} - {{ 2024 }}",
    "Grade {{ grade }}/10",
};

TEST(sinks_table)
{
    CHECK(rp__ssti_sinks_ok());
}

/* Sinks in either case, at the start, the end and the middle of an
 * expression, and the shortest ones. */
TEST(sinks_found)
{
    static const tcase_t cases[] = {
        { "{{`id`}}", 90, "sink" },
        { "{{x.__CLASS__}}", 90, "sink" },
        { "${T(java.lang.Runtime).getRuntime().exec('id')}", 90, "sink" },
        { "{{ POPEN }}", 90, "sink" },
        { "{{a.spawn('x')}}", 90, "sink" },
        { "{{?new()}}", 90, "sink" },
    };
    run_attacks(cases, sizeof(cases) / sizeof(cases[0]));
    CHECK(score("{{ open }}") < 90);
    CHECK(score("{{ popem }}") < 90);
}

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_BODY);
}

TEST(calls_are_reported)
{
    int sc = score("{{ format_date(order.created) }}");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "Hi {{7*7}} there";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 80);
    CHECK(m.off == 3 && m.len == 7);
}

TEST(flags)
{
    rp__waf_match_t m;
    const char *s = "{{7*7}}";
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 80);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    /* unclosed: only the strong shapes */
    CHECK(score("{{ name") == 0);
    CHECK(score("{{ ''.__class__") >= 90);
}

TEST(pathological)
{
    run_pathological("{{");
    run_pathological("{{{{}}");
    run_pathological("<%");
    run_pathological("#set");
    run_pathological("${${");
}

int main(void)
{
    RUN(sinks_table);
    RUN(sinks_found);
    RUN(attacks);
    RUN(benign);
    RUN(calls_are_reported);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(pathological);
    TEST_MAIN_END();
}
