/*
 * Scanner detector: tool User-Agents (by UA item, not by substring),
 * scanner headers, probe markers and callback domains, through the
 * per-value UA function and through the whole engine.
 */
#include "test.h"

#include "waf/scanner.c" /* the tool table and its filter */

static int ua_detect(const char *s, size_t n, unsigned src, unsigned flags, rp__waf_match_t *m)
{
    (void)src;
    (void)flags;
    return rp__waf_scanner_ua(s, n, m);
}

#define DETECT ua_detect
#define PREFIX "scanner"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    /* the CRS 913100 tests */
    { "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1; SV1; .NET CLR 2.0.50727) Havij", 90, "Havij" },
    { "Arachni/0.2.1", 80, "Arachni" },
    { "nuclei", 80, "Nuclei" },
    { "nessus", 80, "Nessus" },
    { "Mozilla/5.0 zgrab/0.x", 60, "zgrab" },
    /* the tools' own defaults */
    { "sqlmap/1.7.2#stable (https://sqlmap.org)", 90, "sqlmap" },
    { "sqlmap/1.0-dev-nongit-20150902 (http://sqlmap.org)", 90, "sqlmap" },
    { "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)", 85, "Nikto" },
    { "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", 75, "Nmap NSE" },
    { "masscan/1.3 (https://github.com/robertdavidgraham/masscan)", 70, "masscan" },
    { "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)", 85, "Nuclei" },
    { "httpx - Open-source project (github.com/projectdiscovery/httpx)", 70, "httpx" },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36 Netsparker", 85, "Netsparker" },
    { "WPScan v3.8.22 (https://wpscan.com/wordpress-security-scanner)", 85, "WPScan" },
    { "DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)", 80, "DirBuster" },
    { "gobuster/3.6", 80, "gobuster" },
    { "Fuzz Faster U Fool v2.1.0-dev", 80, "ffuf" },
    { "feroxbuster/2.10.1", 80, "feroxbuster" },
    { "Wfuzz/3.1.0", 80, "Wfuzz" },
    { "Mozilla/5.0 [en] (X11, U; OpenVAS-VT 21.4.3)", 80, "OpenVAS" },
    { "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0) w3af.org", 85, "w3af" },
    { "Mozilla/4.0 (Hydra)", 70, "Hydra" },
    { "commix/v3.9-stable (https://commixproject.com)", 90, "commix" },
    { "WhatWeb/0.5.5", 60, "WhatWeb" },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) ZAP/2.14.0", 70, "ZAP" },
    { "Mozilla/5.0 (compatible; Jaeles)", 85, "Jaeles" },
    { "Acunetix Web Vulnerability Scanner", 85, "Acunetix" },
    { "Mozilla/5.0 SQLMAP", 90, "sqlmap" },
    { "  sqlmap  ", 90, "sqlmap" },
};

static const char *const benign[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "MyShop/5.2.1 (iPhone; iOS 17.4; Scale/3.00) CFNetwork/1494.0.7 Darwin/23.4.0",
    "okhttp/4.12.0",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "python-httpx/0.27.0",
    "Go-http-client/1.1",
    "Go-http-client/2.0",
    "axios/1.6.8",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "Java/17.0.2",
    "Apache-HttpClient/4.5.14 (Java/17.0.10)",
    "aws-sdk-go-v2/1.25.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64",
    "PostmanRuntime/7.37.3",
    "insomnia/8.6.1",
    "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    "GitHub-Hookshot/a1b2c3d",
    "Slackbot 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "urlgrabber/3.10 yum/3.4.3",
    "mozilla/5.0 ecairn-grabber/1.0 (+http://ecairn.com/grabber)",
    "Zapier",
    "Zapier/1.0",
    "ZAP",
    "Mozilla/5.0 (Linux; Android 12; Hydra-X1 Build/SP1A)",
    "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "kube-probe/1.29",
    "ELB-HealthChecker/2.0",
    "Wget/1.21.4",
    "libwww-perl/6.72",
    "Dart/3.3 (dart:io)",
    "",
    "()",
    "(((((",
    "a/b/c/d (;;;;) ,,,",
    "sqlmapper/1.0",
    "my-nikto-review-app/1.0",
    "Mozilla/5.0 (compatible; review of nikto and sqlmap tools)",
};

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_HEADER);
}

TEST(tokenizer)
{
    rp__ua_item_t it[16];
    const char *ua = "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org) Foo/1 (a (b; c) d)";
    size_t n = rp__ua_tokenize(ua, strlen(ua), it, 16);
    CHECK_EQ_INT(n, 6);
    CHECK(it[0].kind == RP__UA_PRODUCT);
    CHECK_STR(rp_str(ua + it[0].pos, it[0].len), "Mozilla/5.0");
    CHECK(it[1].kind == RP__UA_COMMENT);
    CHECK_STR(rp_str(ua + it[1].pos, it[1].len), "compatible");
    CHECK_STR(rp_str(ua + it[2].pos, it[2].len), "Nmap Scripting Engine");
    CHECK_STR(rp_str(ua + it[3].pos, it[3].len), "https://nmap.org");
    CHECK(it[4].kind == RP__UA_PRODUCT);
    CHECK_STR(rp_str(ua + it[4].pos, it[4].len), "Foo/1");
    CHECK(it[5].kind == RP__UA_COMMENT);
    CHECK_STR(rp_str(ua + it[5].pos, it[5].len), "a (b; c) d");
    /* unterminated comment, max respected */
    n = rp__ua_tokenize("x (a; b", 7, it, 16);
    CHECK_EQ_INT(n, 3);
    CHECK_STR(rp_str("x (a; b" + it[2].pos, it[2].len), "b");
    CHECK_EQ_INT(rp__ua_tokenize("a b c d e", 9, it, 2), 2);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "Mozilla/5.0 (compatible; Nikto/2.1.6)";
    CHECK(det(s, strlen(s), RP_WAF_SRC_HEADER, 0, &m) >= 85);
    CHECK(m.off == 25 && m.len == 11);
    CHECK(strcmp(m.evidence, "scanner: Nikto User-Agent") == 0);
}

TEST(pathological)
{
    run_pathological("sqlmap ");
    run_pathological("(");
    run_pathological("(a;");
    run_pathological("a/b ");
    run_pathological("fuzz faster u ");
}

/* ---------------------------------------------------------------------- */
/* Through the engine.                                                      */

static rp_waf_t *waf;
static rp_waf_scratch_t *scr;

static const rp_waf_finding_t *inspect(rp_waf_verdict_t *v, const char *method, const char *path,
                                       const char *query, const rp_waf_header_t *h, size_t nh,
                                       const char *body)
{
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = rp_str_c(method);
    r.path = rp_str_c(path);
    r.query = rp_str_c(query ? query : "");
    r.headers = h;
    r.nheaders = nh;
    r.body = rp_str_c(body ? body : "");
    CHECK(rp_waf_inspect(waf, scr, &r, v) == 0);
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].attack == RP_WAF_SCANNER)
            return &v->findings[i];
    return NULL;
}

#define H(n, v) { RP_STRLIT(n), RP_STRLIT(v) }

TEST(engine_user_agent)
{
    rp_waf_verdict_t v;
    rp_waf_header_t h[] = { H("Host", "api.example.com"), H("User-Agent", "sqlmap/1.7.2#stable (https://sqlmap.org)") };
    const rp_waf_finding_t *f = inspect(&v, "GET", "/v1/users", "id=1", h, 2, NULL);
    CHECK(f && f->score >= 90 && strcmp(f->point, "header.user-agent") == 0);
    CHECK(v.block && (v.attacks & (1u << RP_WAF_SCANNER)));
    /* the name in a review, a Referer or a query is not a User-Agent */
    rp_waf_header_t h2[] = { H("Host", "api.example.com"),
                             H("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"),
                             H("Referer", "https://blog.example.com/nikto-vs-nuclei?tool=sqlmap"),
                             H("Content-Type", "application/json") };
    f = inspect(&v, "POST", "/v1/reviews", "q=sqlmap+nikto", h2, 4,
                "{\"text\":\"I ran Nikto and sqlmap against staging; Acunetix found more.\"}");
    CHECK(f == NULL);
}

TEST(engine_headers)
{
    rp_waf_verdict_t v;
    rp_waf_header_t h[] = { H("Host", "a"), H("Acunetix-Product", "WVS/5.0 (Acunetix Web Vulnerability Scanner - NORMAL)") };
    const rp_waf_finding_t *f = inspect(&v, "GET", "/", NULL, h, 2, NULL);
    CHECK(f && f->score >= 85 && strstr(f->evidence, "Acunetix header"));
    rp_waf_header_t h2[] = { H("Host", "a"), H("X-ZAP-Scan-ID", "40012") };
    f = inspect(&v, "GET", "/", NULL, h2, 2, NULL);
    CHECK(f && f->score >= 80 && strstr(f->evidence, "ZAP"));
    rp_waf_header_t h3[] = { H("Host", "a"), H("X-Scanner", "Netsparker") };
    f = inspect(&v, "GET", "/", NULL, h3, 2, NULL);
    CHECK(f && f->score >= 80);
    /* an X-Scanner header of a barcode app */
    rp_waf_header_t h4[] = { H("Host", "a"), H("X-Scanner", "Zebra DS2208") };
    CHECK(inspect(&v, "GET", "/", NULL, h4, 2, NULL) == NULL);
}

TEST(engine_probes)
{
    rp_waf_verdict_t v;
    rp_waf_header_t h[] = { H("Host", "a") };
    const rp_waf_finding_t *f =
        inspect(&v, "GET", "/acunetix-wvs-test-for-some-inexistent-file", NULL, h, 1, NULL);
    CHECK(f && f->score >= 85);
    f = inspect(&v, "GET", "/search", "q=%22acunetix_wvs_security_test%22", h, 1, NULL);
    CHECK(f && f->score >= 85 && strcmp(f->point, "query.q") == 0);
    f = inspect(&v, "GET", "/fetch", "url=http://x7k2p9.oastify.com/a", h, 1, NULL);
    CHECK(f && f->score >= 70 && strstr(f->evidence, "Burp Collaborator"));
    f = inspect(&v, "GET", "/fetch", "url=https://abc.BurpCollaborator.net", h, 1, NULL);
    CHECK(f && f->score >= 70);
    f = inspect(&v, "GET", "/", "u=cq1a2b3c4d5e6f.oast.fun", h, 1, NULL);
    CHECK(f && strstr(f->evidence, "interactsh"));
    /* the names as words, or inside other hosts */
    CHECK(inspect(&v, "GET", "/", "q=what+is+oastify.com", h, 1, NULL) == NULL);
    CHECK(inspect(&v, "GET", "/", "u=a.oastify.community.example", h, 1, NULL) == NULL);
    CHECK(inspect(&v, "GET", "/", "u=a.oast.proxy.example.com", h, 1, NULL) == NULL);
    CHECK(inspect(&v, "GET", "/", "q=acunetix+review", h, 1, NULL) == NULL);
    /* disabled class: nothing */
    rp_waf_opts_t o;
    memset(&o, 0, sizeof(o));
    o.attacks = 1u << RP_WAF_SQLI;
    rp_waf_t *w2 = rp_waf_new(&o);
    rp_waf_t *keep = waf;
    waf = w2;
    rp_waf_header_t h2[] = { H("Host", "a"), H("User-Agent", "sqlmap/1.7") };
    CHECK(inspect(&v, "GET", "/", NULL, h2, 2, NULL) == NULL);
    waf = keep;
    rp_waf_free(w2);
    /* excluded on that point */
    rp_waf_exclusion_t ex = { 1u << RP_WAF_SCANNER, RP_STRLIT("header.user-agent") };
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = RP_STRLIT("GET");
    r.path = RP_STRLIT("/");
    r.headers = h2;
    r.nheaders = 2;
    CHECK(rp_waf_inspect_ex(waf, scr, &r, &ex, 1, &v) == 0);
    CHECK(!(v.attacks & (1u << RP_WAF_SCANNER)));
}

TEST(tool_filter)
{
    /* every tool name passes the two-byte filter of item_tool */
    for (size_t t = 0; t < RP_ARRAY_SIZE(tools); t++) {
        const char *nm = tools[t].name;
        CHECK(strlen(nm) >= 3 && nm[1] != ' ');
        CHECK(tool_pairs[nm[0] & 31] >> (nm[1] & 31) & 1u);
    }
}

TEST(engine_big)
{
    /* 1 MiB of dots and "oast" in a body, a 1 MiB User-Agent: fast */
    static char big[1 << 20], ua[1 << 20];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = "a.oast."[i % 7];
    big[sizeof(big) - 1] = '\0';
    for (size_t i = 0; i < sizeof(ua); i++)
        ua[i] = "(a; sqlmap"[i % 10];
    ua[sizeof(ua) - 1] = '\0';
    rp_waf_header_t h[] = { H("Host", "a"), { RP_STRLIT("User-Agent"), rp_str_c(ua) },
                            H("Content-Type", "text/plain") };
    rp_waf_verdict_t v;
    (void)inspect(&v, "POST", "/", NULL, h, 3, big);
    CHECK(v.nfindings <= RP_WAF_MAX_FINDINGS);
}

int main(void)
{
    waf = rp_waf_new(NULL);
    scr = rp_waf_scratch_new();
    RUN(attacks);
    RUN(benign);
    RUN(tokenizer);
    RUN(span_and_evidence);
    RUN(pathological);
    RUN(engine_user_agent);
    RUN(engine_headers);
    RUN(engine_probes);
    RUN(tool_filter);
    RUN(engine_big);
    rp_waf_scratch_free(scr);
    rp_waf_free(waf);
    TEST_MAIN_END();
}
