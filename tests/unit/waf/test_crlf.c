/*
 * CRLF injection detector: a line break followed by a header, a status
 * line or a request line in the values an application copies into HTTP
 * heads; multi-line text in bodies passes. Also the request-level
 * protocol-confusion checks (confusion.c) through the engine.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_crlf
#define PREFIX "crlf"
#include "waf/detector_test.h"

/* Query values (run_attacks uses RP_WAF_SRC_QUERY). */
static const tcase_t attacks[] = {
    { "foobar\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>x</html>", 90, "status line" },
    { "foobar\r\nContent-Length: 02343432423<html>ftw</html>", 85, "Content-Length" },
    { "\r\nSet-Cookie: session=attacker", 85, "Set-Cookie" },
    { "/home\r\nLocation: http://evil.example/", 85, "Location" },
    { "x\nrefresh: 0; url=http://evil", 85, "refresh" },
    { "x\r\nTransfer-Encoding: chunked", 85, "Transfer-Encoding" },
    { "\r\nRemote-addr: foo.bar.com", 70, "Remote-addr" },
    { "a\r\nX-Forwarded-For: 127.0.0.1", 80, "X-Forwarded-For" },
    { "a\r\nX-Custom-Thing: 1", 70, "X-Custom-Thing" },
    { "Headerdata\rInjectedHeader: response_splitting_code", 70, "InjectedHeader" },
    { "aaa\nGET / HTTP/1.1", 90, "request line" },
    { "aaa\rHEAD http://example.com/ HTTP/1.1", 90, "request line" },
    { "\nPOST / HTTP/1.1", 90, NULL },
    { "GET http://www.foo.bar HTTP/1.2", 60, "request line in a value" },
    { "GET http://www.foo.bar HTTP/3.2", 60, NULL },
    { "barGET /a.html HTTP/1.1\r\nSomething: GET /b.html HTTP/1.1\r\nHost: foo.com\r\n\r\n", 90, "followed by header" },
    { "munchmuch\r\n\r\n<HTML><title></title></HTML>", 85, "response body" },
    { "x\r\nContent-Type: text/html\r\n\r\nhello", 85, NULL },
    { "foo<meta http-equiv=\"Refresh\" content=\"0; url=http://www.hacker.com/\">", 70, "meta http-equiv" },
    { "<meta http-equiv='Set-Cookie' content='sid=1'>", 70, NULL },
    { "x%0d%0a\\r\\nSet-Cookie: a=b", 50, NULL },
    { "x\\r\\nSet-Cookie: a=b", 65, "escaped" },
    { "HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK", 90, NULL },
};

/* Query values that pass. */
static const char *const benign_query[] = {
    "hello world",
    "line one\r\nline two",
    "221B Baker St\r\nLondon NW1",
    "GET /foo without a version",
    "aaa\r\nGet /foo\r",
    "aaa\r\nGet foo bar",
    "soundtrack Gympl\r\nanything",
    "budget foo)</bar>\n",
    "get it\n",
    "get it HTTP/2 style",
    "Use HTTP/1.1 or HTTP/2",
    "the GET /users endpoint",
    "C:\\new\\report.txt",
    "price: 10\r\n",
    "a\r\n\r\nplain text after a blank line",
    "{\"a\":\"x\\ny\"}",
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">",
    "<meta http-equiv=\"refresh\" content=\"30\">",
    "ratio 16:9",
    "Note: please call",
    "x\r\nNote: please call",
};

/* Body fields: multi-line text people write. */
static const char *const benign_body[] = {
    "Hi team,\nNote: please call me back.\nThanks",
    "Event details:\r\nLocation: Berlin\r\nDate: Friday\r\nHost: Anna",
    "Steps to reproduce\n1. open the page\n2. click save",
    "Address:\r\n221B Baker Street\r\nLondon",
    "Headers I send:\nContent-Type: application/json\nAuthorization: Bearer x",
    "```\ncurl -H 'Content-Type: application/json' https://api.example.com\n```",
    "# Title\n\n- item: one\n- item: two\n\n<b>bold</b>",
    "Follow-up: tomorrow\nCheck-in: 3pm\nE-mail: a@b.c",
    "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nHello Bob",
    "Dear Sir,\r\n\r\n<p>Thanks</p>",
    "Q: what is HTTP/2?\nA: a protocol",
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><p>Newsletter</p>",
    "a\r\nContent-Type: text/html",
};

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign_query, RP_ARRAY_SIZE(benign_query), RP_WAF_SRC_QUERY);
    run_benign(benign_query, RP_ARRAY_SIZE(benign_query), RP_WAF_SRC_BODY);
    run_benign(benign_body, RP_ARRAY_SIZE(benign_body), RP_WAF_SRC_BODY);
}

/* Bodies hold multi-line text: only the strong shapes block there. */
TEST(body_fields)
{
    CHECK(score_src("\r\nContent-Length: 0", RP_WAF_SRC_BODY) >= 60);           /* opens the value */
    CHECK(score_src("\nPOST / HTTP/1.1", RP_WAF_SRC_BODY) >= 80);
    CHECK(score_src("aaa\nGET / HTTP/1.1", RP_WAF_SRC_BODY) >= 50);
    CHECK(score_src("aaa\rHEAD http://example.com/ HTTP/1.1", RP_WAF_SRC_BODY) >= 70); /* bare CR */
    CHECK(score_src("foobar\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html", RP_WAF_SRC_BODY) >= 75);
    CHECK(score_src("barGET /a.html HTTP/1.1\r\nSomething: x\r\nHost: foo.com\r\n", RP_WAF_SRC_BODY) >= 75);
    CHECK(score_src("<a probe=\"x\rSet-Cookie: a=b\">", RP_WAF_SRC_BODY) >= 50);  /* bare CR */
    CHECK(score_src("<meta http-equiv=\"refresh\" content=\"0; url=http://x/\">", RP_WAF_SRC_BODY) >= 60);
    /* suspicious, not blocked */
    int sc = score_src("a\r\nSet-Cookie: x=1", RP_WAF_SRC_BODY);
    CHECK(sc > 0 && sc < BLOCK);
    /* no request line without a line break in a body */
    CHECK(score_src("GET http://www.foo.bar HTTP/1.2", RP_WAF_SRC_BODY) == 0);
    /* escapes are text in a body */
    CHECK(score_src("x\\r\\nSet-Cookie: a=b", RP_WAF_SRC_BODY) == 0);
}

/* Names, paths, headers, cookies. */
TEST(sources_and_flags)
{
    rp__waf_match_t m;
    const char *k = "parameter\r\n";
    CHECK(det(k, strlen(k), RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) >= 70);
    CHECK(strstr(m.evidence, "parameter name") != NULL);
    CHECK(det(k, strlen(k), RP_WAF_SRC_QUERY, 0, &m) == 0);
    /* JSON keys may be text with line breaks: reported, not blocked */
    int sc = det(k, strlen(k), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m);
    CHECK(sc > 0 && sc < BLOCK);
    const char *p = "/foo\nbar";
    CHECK(det(p, strlen(p), RP_WAF_SRC_PATH, 0, &m) >= 70);
    CHECK(strstr(m.evidence, "path") != NULL);
    CHECK(score_src("/index.php/PHP_VALUE\nsession.auto_start=1", RP_WAF_SRC_PATH) >= 70);
    CHECK(score_src("munchmuch\r\n\r\n<HTML>", RP_WAF_SRC_COOKIE) >= 85);
    CHECK(score_src("Headerdata\rInjectedHeader: x", RP_WAF_SRC_HEADER) >= 70);
    const char *v = "x\r\nSet-Cookie: a=b";
    CHECK(det(v, strlen(v), RP_WAF_SRC_QUERY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_QUERY, 0, &m) == 0);
    /* an empty header value is a weaker sign */
    sc = score("\n\rlocation:\n\r");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "foobar\r\nSet-Cookie: a=b";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 85);
    CHECK(m.off == 8 && m.len == strlen(s) - 8);
    CHECK(strcmp(m.evidence, "crlf: line break then header Set-Cookie") == 0);
}

TEST(pathological)
{
    run_pathological("\r\n");
    run_pathological("\r");
    run_pathological("a\r\nX-A: b");
    run_pathological("GET / HTTP/1.1\n");
    run_pathological("\\r\\n");
    run_pathological("<meta http-equiv=refresh ");
    run_pathological("GET ");
    run_pathological("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: ");
}

/* ---------------------------------------------------------------------- */
/* Through the engine: CRLF and the request-level protocol checks.          */

static rp_waf_t *waf;
static rp_waf_scratch_t *scr;

typedef struct rq {
    rp_waf_request_t r;
    rp_waf_header_t h[8];
} rq_t;

static void rq_init(rq_t *q, const char *path, const char *query)
{
    memset(q, 0, sizeof(*q));
    q->r.method = RP_STRLIT("GET");
    q->r.path = rp_str_c(path);
    q->r.query = query ? rp_str_c(query) : RP_STR_NULL;
    q->r.headers = q->h;
}

static void rq_hdr(rq_t *q, const char *name, const char *value)
{
    q->h[q->r.nheaders++] = (rp_waf_header_t){ rp_str_c(name), rp_str_c(value) };
}

/* The finding of class a in v, or NULL. */
static const rp_waf_finding_t *finding(const rp_waf_verdict_t *v, rp_waf_attack_t a)
{
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].attack == a)
            return &v->findings[i];
    return NULL;
}

/* The highest-scoring finding of class a at a blocking score: protocol.c
 * adds low-severity protocol findings (a body without Content-Type...) to
 * the same requests; parser confusion is what blocks. */
static const rp_waf_finding_t *blocking(const rp_waf_verdict_t *v, rp_waf_attack_t a)
{
    const rp_waf_finding_t *best = NULL;
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].attack == a && v->findings[i].score >= 50 &&
            (!best || v->findings[i].score > best->score))
            best = &v->findings[i];
    return best;
}

static int inspect(const rq_t *q, rp_waf_verdict_t *v)
{
    CHECK(rp_waf_inspect(waf, scr, &q->r, v) == 0);
    return v->block;
}

TEST(engine_crlf)
{
    rq_t q;
    rp_waf_verdict_t v;
    rq_init(&q, "/", "lang=foobar%0d%0aSet-Cookie:%20a=b");
    CHECK(inspect(&q, &v));
    const rp_waf_finding_t *f = finding(&v, RP_WAF_CRLF);
    CHECK(f && f->score >= 85 && strcmp(f->point, "query.lang") == 0);
    CHECK(v.attacks & (1u << RP_WAF_CRLF));

    rq_init(&q, "/get", "parameter%0d%0a=test");
    CHECK(inspect(&q, &v) && finding(&v, RP_WAF_CRLF));

    rq_init(&q, "/foo%0abar", NULL);
    CHECK(inspect(&q, &v) && finding(&v, RP_WAF_CRLF));

    rq_init(&q, "/", "address=221B+Baker+St%0D%0ALondon");
    CHECK(!inspect(&q, &v) && !finding(&v, RP_WAF_CRLF));
}

TEST(engine_protocol)
{
    rq_t q;
    rp_waf_verdict_t v;
    const rp_waf_finding_t *f;

    rq_init(&q, "/post", NULL);
    q.r.method = RP_STRLIT("POST");
    rq_hdr(&q, "Content-Type", "application/x-www-form-urlencoded;boundary=\"application/json\"");
    CHECK(inspect(&q, &v));
    f = blocking(&v, RP_WAF_PROTOCOL);
    CHECK(f && f->score >= 75 && strcmp(f->point, "header.content-type") == 0);
    CHECK(f && strstr(f->evidence, "application/json") != NULL);

    static const char *const ok_types[] = {
        "application/json",
        "text/html; charset=UTF-8",
        "multipart/form-data; boundary=----webkitformboundary12w4lszoxn26vnd",
        "multipart/related; type=\"application/xop+xml\"; start=\"<root>\"; start-info=\"text/xml\"",
        "application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"",
        "multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256",
        "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"",
        "application/soap+xml; action=\"urn:x/y\"",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(ok_types); i++) {
        rq_init(&q, "/post", NULL);
        rq_hdr(&q, "Content-Type", ok_types[i]);
        inspect(&q, &v);
        CHECK(!blocking(&v, RP_WAF_PROTOCOL));
        if (blocking(&v, RP_WAF_PROTOCOL))
            fprintf(stderr, "    flagged: %s\n", ok_types[i]);
    }
    /* another media type: reported, blocked at a lower score */
    rq_init(&q, "/post", NULL);
    rq_hdr(&q, "Content-Type", "application/x-www-form-urlencoded;boundary=\"image/jpeg\"");
    inspect(&q, &v);
    f = blocking(&v, RP_WAF_PROTOCOL);
    CHECK(f && f->score >= 50 && f->score < 75);

    rq_init(&q, "/", NULL);
    rq_hdr(&q, "Cookie", "$Version=1; session=\"deadbeef; PHPSESSID=secret; dummy=qaz\"");
    CHECK(inspect(&q, &v));
    f = blocking(&v, RP_WAF_PROTOCOL);
    CHECK(f && f->score >= 80 && strstr(f->evidence, "smuggling"));
    rq_init(&q, "/", NULL);
    rq_hdr(&q, "Cookie", "$Version=1; session=\\\"deadbeef; PHPSESSID=secret; dummy=qaz\\\"");
    CHECK(inspect(&q, &v) && blocking(&v, RP_WAF_PROTOCOL));
    rq_init(&q, "/", NULL);
    rq_hdr(&q, "Cookie", "MyVersion=1; PHPSESSID=secret");
    inspect(&q, &v);
    CHECK(!blocking(&v, RP_WAF_PROTOCOL));

    rq_init(&q, "/", "unix:AAAAAAAAA|http://coreruleset.org/");
    CHECK(inspect(&q, &v));
    f = blocking(&v, RP_WAF_PROTOCOL);
    CHECK(f && strstr(f->evidence, "mod_proxy"));
    rq_init(&q, "/", "unix%3AAAAAAAAAA|http://coreruleset.org/");
    CHECK(inspect(&q, &v) && blocking(&v, RP_WAF_PROTOCOL));
    rq_init(&q, "/", "os=unix&filter=a|b");
    inspect(&q, &v);
    CHECK(!blocking(&v, RP_WAF_PROTOCOL));
}

int main(void)
{
    waf = rp_waf_new(NULL);
    scr = rp_waf_scratch_new();
    RUN(attacks);
    RUN(benign);
    RUN(body_fields);
    RUN(sources_and_flags);
    RUN(span_and_evidence);
    RUN(pathological);
    RUN(engine_crlf);
    RUN(engine_protocol);
    rp_waf_scratch_free(scr);
    rp_waf_free(waf);
    TEST_MAIN_END();
}
