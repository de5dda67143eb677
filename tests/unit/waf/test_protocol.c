/*
 * Protocol anomalies: each its own low-severity finding (under the block
 * score), with evidence that names it; well-formed requests have none.
 * Through the whole engine (rp_waf_inspect).
 */
#include "test.h"

#include "waf/waf_int.h"

static rp_waf_t *waf;
static rp_waf_scratch_t *scr;
static rp_waf_verdict_t v;

#define H(n, val) { RP_STRLIT(n), RP_STRLIT(val) }

static const rp_waf_header_t std_h[] = {
    H("Host", "api.example.com"),
    H("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"),
    H("Accept", "application/json"),
};

/* Inspects; checks every protocol finding is low-severity and well-formed;
 * returns the number of protocol findings. */
static size_t run(const char *method, rp_str_t path, rp_str_t query, const rp_waf_header_t *h,
                  size_t nh, rp_str_t body)
{
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = rp_str_c(method);
    r.path = path;
    r.query = query;
    r.headers = h;
    r.nheaders = nh;
    r.body = body;
    CHECK(rp_waf_inspect(waf, scr, &r, &v) == 0);
    size_t n = 0;
    for (size_t i = 0; i < v.nfindings; i++) {
        const rp_waf_finding_t *f = &v.findings[i];
        if (f->attack != RP_WAF_PROTOCOL)
            continue;
        n++;
        CHECK(f->score >= 20 && f->score < 50);
        CHECK(strncmp(f->evidence, "protocol: ", 10) == 0);
    }
    CHECK(!(v.attacks & (1u << RP_WAF_PROTOCOL)));
    return n;
}

static size_t simple(const char *method, const char *path, const char *query)
{
    return run(method, rp_str_c(path), rp_str_c(query ? query : ""), std_h,
               RP_ARRAY_SIZE(std_h), RP_STR_NULL);
}

/* The protocol finding whose evidence contains `what` (its score), or 0;
 * prints the findings when absent. */
static int has(const char *what, const char *point)
{
    for (size_t i = 0; i < v.nfindings; i++) {
        const rp_waf_finding_t *f = &v.findings[i];
        if (f->attack == RP_WAF_PROTOCOL && strstr(f->evidence, what) &&
            (!point || strcmp(f->point, point) == 0))
            return f->score;
    }
    fprintf(stderr, "    no \"%s\" at %s; findings:\n", what, point ? point : "*");
    for (size_t i = 0; i < v.nfindings; i++)
        fprintf(stderr, "      %s %d %s: %s\n", rp_waf_attack_name(v.findings[i].attack),
                v.findings[i].score, v.findings[i].point, v.findings[i].evidence);
    return 0;
}

TEST(methods)
{
    static const char *const ok[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(ok); i++)
        CHECK_EQ_INT(simple(ok[i], "/v1/items", NULL), 0);
    simple("PROPFIND", "/dav", NULL);
    CHECK(has("method PROPFIND not used by APIs", "request.method") == 30);
    simple("TRACE", "/", NULL);
    CHECK(has("method TRACE", NULL) == 40);
    simple("TRACK", "/", NULL);
    CHECK(has("method TRACK", NULL) == 40);
    simple("CONNECT", "/", NULL);
    CHECK(has("tunnel", NULL) == 40);
    simple("get", "/", NULL);
    CHECK(has("method get is not upper case", NULL) == 35);
    simple("FOO", "/", NULL);
    CHECK(has("unknown method FOO", NULL) == 35);
    simple("|GET", "/", NULL); /* '|' is a tchar */
    CHECK(has("unknown method |GET", NULL) == 35);
    simple("GE T", "/", NULL);
    CHECK(has("method GE T is not a token", NULL) == 45);
    simple("G\x01T", "/", NULL);
    CHECK(has("method G?T is not a token", NULL) == 45);
    /* no method (a log record): nothing */
    CHECK_EQ_INT(simple("", "/", NULL), 0);
}

TEST(counts)
{
    /* 1200 values of one name: parameters, not points overflow */
    static char q[1200 * 4 + 1];
    size_t n = 0;
    for (int i = 0; i < 1200; i++) {
        memcpy(q + n, "a=1&", 4);
        n += 4;
    }
    run("GET", RP_STRLIT("/"), rp_str(q, n - 1), std_h, RP_ARRAY_SIZE(std_h), RP_STR_NULL);
    CHECK(has("1200 parameters", "request.params") == 35);
    /* 500 is fine */
    CHECK_EQ_INT(run("GET", RP_STRLIT("/"), rp_str(q, 500 * 4 - 1), std_h, RP_ARRAY_SIZE(std_h),
                     RP_STR_NULL), 0);
    /* distinct names past max_points */
    static char q2[3000 * 10];
    n = 0;
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(q2 + n, sizeof(q2) - n, "k%d=1&", i);
    run("GET", RP_STRLIT("/"), rp_str(q2, n - 1), std_h, RP_ARRAY_SIZE(std_h), RP_STR_NULL);
    CHECK(has("more than 2048 points", "request.points") == 40);
    /* headers */
    rp_waf_header_t hs[130];
    hs[0] = (rp_waf_header_t)H("Host", "a");
    for (size_t i = 1; i < RP_ARRAY_SIZE(hs); i++)
        hs[i] = (rp_waf_header_t)H("X-A", "1");
    run("GET", RP_STRLIT("/"), RP_STR_NULL, hs, RP_ARRAY_SIZE(hs), RP_STR_NULL);
    CHECK(has("130 headers", "request.headers") == 30);
    CHECK_EQ_INT(run("GET", RP_STRLIT("/"), RP_STR_NULL, hs, 100, RP_STR_NULL), 0);
}

TEST(encodings)
{
    simple("GET", "/", "q=%zz");
    CHECK(has("invalid percent-encoding in query.q", "query.q") == 30);
    simple("GET", "/", "q=100%");
    CHECK(has("invalid percent-encoding in query.q", NULL) == 30);
    simple("GET", "/a%c0%afb", NULL);
    CHECK(has("overlong UTF-8 in path", NULL) == 40);
    simple("GET", "/", "f=%e0%80%af");
    CHECK(has("overlong UTF-8 in query.f", NULL) == 40);
    simple("GET", "/", "q=%ff");
    CHECK(has("invalid UTF-8 in query.q", NULL) == 30);
    simple("GET", "/", "q=%uff0f");
    CHECK(has("full-width %u-encoding in query.q", NULL) == 40);
    simple("GET", "/", "a=%zz&b=%zz&c=%zz");
    CHECK(has("invalid percent-encoding in query.a (3 values)", NULL) == 30);
    /* valid UTF-8, raw or encoded; %u that is not full-width */
    CHECK_EQ_INT(simple("GET", "/caf%C3%A9", "q=%E6%97%A5%E6%9C%AC&r=\xc3\xa9t\xc3\xa9"), 0);
    CHECK_EQ_INT(simple("GET", "/", "q=%u00e9"), 0);
    CHECK_EQ_INT(simple("GET", "/", "q=%F0%9F%98%80"), 0);
}

TEST(sizes_and_nul)
{
    static char big[20000];
    memset(big, 'x', sizeof(big));
    memcpy(big, "q=", 2);
    run("GET", RP_STRLIT("/"), rp_str(big, 9002), std_h, RP_ARRAY_SIZE(std_h), RP_STR_NULL);
    CHECK(has("value of 9000 bytes in query.q", "query.q") == 30);
    CHECK_EQ_INT(run("GET", RP_STRLIT("/"), rp_str(big, 8002), std_h, RP_ARRAY_SIZE(std_h),
                     RP_STR_NULL), 0);
    rp_waf_header_t h[] = { H("Host", "a"), { RP_STRLIT("X-Big"), rp_str(big, sizeof(big)) } };
    run("GET", RP_STRLIT("/"), RP_STR_NULL, h, 2, RP_STR_NULL);
    CHECK(has("value of 20000 bytes in header.x-big", "header.x-big") == 30);
    static char p[3000];
    memset(p, 'a', sizeof(p));
    p[0] = '/';
    run("GET", rp_str(p, sizeof(p)), RP_STR_NULL, std_h, RP_ARRAY_SIZE(std_h), RP_STR_NULL);
    CHECK(has("path of 3000 bytes", "path") == 30);
    simple("GET", "/", "q=a%00b");
    CHECK(has("NUL byte in query.q", "query.q") == 45);
    simple("GET", "/etc/passwd%00.png", NULL);
    CHECK(has("NUL byte in path", NULL) == 45);
    rp_waf_header_t hn[] = { H("Host", "a"), { RP_STRLIT("X-N"), RP_STRLIT("a\0b") } };
    run("GET", RP_STRLIT("/"), RP_STR_NULL, hn, 2, RP_STR_NULL);
    CHECK(has("NUL byte in header.x-n", NULL) == 45);
}

TEST(bodies)
{
    rp_waf_header_t hj[] = { H("Host", "a"), H("Content-Type", "application/json") };
    run("POST", RP_STRLIT("/v1/items"), RP_STR_NULL, hj, 2, RP_STRLIT("{\"a\": 1, \"b\": [1, 2"));
    CHECK(has("body is not the JSON its Content-Type says", "body.json") == 35);
    CHECK_EQ_INT(run("POST", RP_STRLIT("/v1/items"), RP_STR_NULL, hj, 2,
                     RP_STRLIT("{\"name\": \"Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e\", \"tags\": [\"a\"]}")), 0);
    rp_waf_header_t hx[] = { H("Host", "a"), H("Content-Type", "application/xml") };
    run("POST", RP_STRLIT("/"), RP_STR_NULL, hx, 2, RP_STRLIT("<a><b></a>"));
    CHECK(has("body is not the XML", "body.xml") == 35);
    rp_waf_header_t hf[] = { H("Host", "a"), H("Content-Type", "application/x-www-form-urlencoded") };
    run("POST", RP_STRLIT("/"), RP_STR_NULL, hf, 2, RP_STRLIT("a=1&b=%G1"));
    CHECK(has("invalid percent-encoding in body.form.b", NULL) == 30);
    CHECK_EQ_INT(run("POST", RP_STRLIT("/login"), RP_STR_NULL, hf, 2,
                     RP_STRLIT("user=jane%40example.com&password=p%26ss+w0rd")), 0);
    rp_waf_header_t hm[] = { H("Host", "a"), H("Content-Type", "multipart/form-data") };
    run("POST", RP_STRLIT("/"), RP_STR_NULL, hm, 2, RP_STRLIT("--x\r\nfoo"));
    CHECK(has("malformed multipart body", "body.multipart") == 35);
    rp_waf_header_t hg[] = { H("Host", "a"), H("Content-Type", "application/json"),
                             H("Content-Encoding", "br") };
    run("POST", RP_STRLIT("/"), RP_STR_NULL, hg, 3, RP_STRLIT("\x1b\x00\x00"));
    CHECK(has("Content-Encoding could not be undone", "body") == 35);
    /* GET with a body, a body without Content-Type */
    run("GET", RP_STRLIT("/"), RP_STR_NULL, std_h, RP_ARRAY_SIZE(std_h), RP_STRLIT("x=1"));
    CHECK(has("GET request with a body", "request.body") == 25);
    CHECK(has("body without Content-Type", "header.content-type") == 20);
}

TEST(headers)
{
    rp_waf_header_t h1[] = { H("User-Agent", "curl/8.5.0"), H("Accept", "*/*") };
    run("GET", RP_STRLIT("/"), RP_STR_NULL, h1, 2, RP_STR_NULL);
    CHECK(has("no Host header", "header.host") == 20);
    CHECK_EQ_INT(run("GET", RP_STRLIT("/"), RP_STR_NULL, NULL, 0, RP_STR_NULL), 0);
    rp_waf_header_t h2[] = { H("Host", "a.example"), H("Host", "b.example") };
    run("GET", RP_STRLIT("/"), RP_STR_NULL, h2, 2, RP_STR_NULL);
    CHECK(has("2 Host headers", NULL) == 40);
    rp_waf_header_t h3[] = { H("Host", " ") };
    run("GET", RP_STRLIT("/"), RP_STR_NULL, h3, 1, RP_STR_NULL);
    CHECK(has("empty Host header", NULL) == 25);
    rp_waf_header_t h4[] = { H("Host", "10.0.0.1:8080") };
    run("GET", RP_STRLIT("/"), RP_STR_NULL, h4, 1, RP_STR_NULL);
    CHECK(has("Host is a numeric IP address", NULL) == 20);
    rp_waf_header_t h5[] = { H("Host", "a"), H("Content-Length", "12abc"),
                             H("Content-Type", "text/plain"), H("Content-Type", "application/json") };
    run("POST", RP_STRLIT("/"), RP_STR_NULL, h5, 4, RP_STRLIT("hello"));
    CHECK(has("Content-Length is not a number", NULL) == 40);
    CHECK(has("2 Content-Type headers", NULL) == 30);
    rp_waf_header_t h6[] = { H("Host", "a"), H("Content-Length", "5"), H("Content-Length", "6") };
    run("POST", RP_STRLIT("/"), RP_STR_NULL, h6, 3, RP_STR_NULL);
    CHECK(has("Content-Length headers that differ", NULL) == 45);
    rp_waf_header_t h7[] = { H("Host", "a"), H("User-Agent", ""), H("Accept", "") };
    run("GET", RP_STRLIT("/"), RP_STR_NULL, h7, 3, RP_STR_NULL);
    CHECK(has("empty user-agent header", NULL) == 20);
    CHECK(has("empty accept header", NULL) == 20);
    /* Latin-1 and '%' in headers and cookies are not anomalies */
    rp_waf_header_t h8[] = { H("Host", "shop.example.com:443"), H("X-Name", "Jos\xe9 M\xfcller"),
                             H("Cookie", "promo=100%; name=Jos\xe9; sid=abc"),
                             H("Content-Length", "0") };
    CHECK_EQ_INT(run("GET", RP_STRLIT("/"), RP_STR_NULL, h8, 4, RP_STR_NULL), 0);
}

TEST(exclusions_and_disabled)
{
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = RP_STRLIT("PROPFIND");
    r.path = RP_STRLIT("/dav");
    r.headers = std_h;
    r.nheaders = RP_ARRAY_SIZE(std_h);
    rp_waf_exclusion_t ex = { 1u << RP_WAF_PROTOCOL, RP_STRLIT("request.*") };
    CHECK(rp_waf_inspect_ex(waf, scr, &r, &ex, 1, &v) == 0);
    CHECK_EQ_INT(v.nfindings, 0);
    rp_waf_opts_t o;
    memset(&o, 0, sizeof(o));
    o.attacks = 1u << RP_WAF_SCANNER;
    rp_waf_t *w2 = rp_waf_new(&o);
    CHECK(rp_waf_inspect(w2, scr, &r, &v) == 0);
    CHECK_EQ_INT(v.nfindings, 0);
    rp_waf_free(w2);
}

TEST(many_anomalies_bounded)
{
    /* thousands of anomalies: a bounded number of findings */
    static char q[60000];
    size_t n = 0;
    for (int i = 0; n + 16 < sizeof(q); i++)
        n += (size_t)snprintf(q + n, sizeof(q) - n, "k%d=%%zz%%00&", i);
    rp_waf_header_t h[] = { H("Host", "a"), H("Host", "b"), H("Content-Length", "x") };
    run("TRACE", RP_STRLIT("/%c0%af%00"), rp_str(q, n), h, 3, RP_STRLIT("body"));
    CHECK(v.nfindings <= RP_WAF_MAX_FINDINGS);
    CHECK(v.nfindings >= 5);
}

int main(void)
{
    waf = rp_waf_new(NULL);
    scr = rp_waf_scratch_new();
    RUN(methods);
    RUN(counts);
    RUN(encodings);
    RUN(sizes_and_nul);
    RUN(bodies);
    RUN(headers);
    RUN(exclusions_and_disabled);
    RUN(many_anomalies_bounded);
    rp_waf_scratch_free(scr);
    rp_waf_free(waf);
    TEST_MAIN_END();
}
