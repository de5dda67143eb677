/*
 * SSI detector: server-side include directives and ESI tags; HTML
 * comments pass.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_ssi
#define PREFIX "ssi"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "<!--#exec cmd=\"id\" -->", 95, "exec" },
    { "<!--#exec cgi=\"/cgi-bin/x.cgi\"-->", 95, NULL },
    { "<!--#EXEC cmd=\"ls\"-->", 95, NULL },
    { "<!--#include virtual=\"/etc/passwd\" -->", 85, "include" },
    { "<!--#include file=\"../../web.config\"-->", 85, NULL },
    { "<!--#echo var=\"DOCUMENT_ROOT\" -->", 75, "echo" },
    { "\"-->'-->`--><!--#set var=\"qjr9\" value=\"kjkjg7sdk\"--><!--#echo var=\"qjr9\"-->", 75, NULL },
    { "<!--#config errmsg=\"File not found, informs users and password\"-->", 70, NULL },
    { "<!--#printenv -->", 80, NULL },
    { "<!--#fsize file=\"index.html\" -->", 70, NULL },
    { "<!--#if expr=\"$a = test\" -->", 60, NULL },
    { "<!--#exec cmd=\"id\"", 80, NULL },
    { "<esi:include src=\"http://evil.example/x\"/>", 85, "Edge Side" },
    { "<esi:inline name=\"/x\" fetchable=\"yes\">", 60, NULL },
    { "<esi:debug/>", 75, "debug" },
    { "<esi:vars>$(HTTP_COOKIE{session})</esi:vars>", 80, NULL },
    { "<esi:vars>hello</esi:vars>", 60, NULL },
    { "x<esi:assign name=\"a\" value=\"1\"/>", 65, NULL },
    { "<esi:when test=\"$(HTTP_HOST)=='a'\">", 60, NULL },
    { "$(HTTP_COOKIE{'PHPSESSID'})", 60, "variable" },
    { "$(QUERY_STRING{x})", 60, NULL },
};

static const char *const benign[] = {
    "<!-- note -->",
    "<!-- #region header -->",
    "<!--[if IE]><p>old</p><![endif]-->",
    "<!--#region-->",
    "<!--#exec-->",
    "<!--#include -->",
    "<!--#echo hello -->",
    "<p>Hello <b>world</b></p>",
    "I love <!--# comments",
    "esi: the ESI spec lists <esi:unknown> tags",
    "$(document).ready(fn)",
    "$(cat /etc/passwd)",
    "Price $(USD) 5",
    "a <!--#",
    "<!--#set-->",
};

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_BODY);
}

TEST(span_and_flags)
{
    rp__waf_match_t m;
    const char *s = "hi <!--#exec cmd=\"id\"--> there";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 95);
    CHECK(m.off == 3 && m.len == 21);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(pathological)
{
    run_pathological("<!--#exec ");
    run_pathological("<!--#exec cmd");
    run_pathological("<!--#include virtual=");
    run_pathological("<esi:include ");
    run_pathological("<esi:vars>$");
    run_pathological("$(HTTP_");
    run_pathological("<!--#");
}

int main(void)
{
    RUN(attacks);
    RUN(benign);
    RUN(span_and_flags);
    RUN(pathological);
    TEST_MAIN_END();
}
