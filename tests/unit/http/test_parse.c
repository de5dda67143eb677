/*
 * Request/response head parser: accepted shapes, every refusal with its
 * status, limits at their boundaries, pipelining and incremental input.
 */
#include "test.h"

#include "rampart/http.h"

#define NH 32

static rp_http_header_t hs[NH];
static rp_http_request_t req;
static rp_http_response_t res;

/* Parses raw[0..len) in one call with the given limits (NULL: defaults). */
static int preq_lim(const char *raw, size_t len, const rp_http_limits_t *lim, size_t cap)
{
    size_t scan = 0;
    memset(&req, 0, sizeof(req));
    req.headers = hs;
    req.num_headers = cap;
    return rp_http_parse_request(raw, len, &req, lim, &scan);
}

static int preq_n(const char *raw, size_t len)
{
    return preq_lim(raw, len, NULL, NH);
}

static int pres_n(const char *raw, size_t len)
{
    size_t scan = 0;
    memset(&res, 0, sizeof(res));
    res.headers = hs;
    res.num_headers = NH;
    return rp_http_parse_response(raw, len, &res, NULL, &scan);
}

#define PREQ(lit) preq_n((lit), sizeof(lit) - 1)
#define PRES(lit) pres_n((lit), sizeof(lit) - 1)

/* A request with the given extra field lines (each ending in CRLF). */
#define REQ(fields) "POST /p HTTP/1.1\r\nHost: h\r\n" fields "\r\n"

#define REJECT(lit, status)                                                     \
    do {                                                                        \
        CHECK_EQ_INT(PREQ(lit), -1);                                            \
        CHECK_EQ_INT(req.error_status, (status));                               \
        CHECK(req.error != NULL);                                               \
        CHECK(req.error_pos <= sizeof(lit) - 1);                                \
    } while (0)

#define ACCEPT(lit)                                                             \
    do {                                                                        \
        int rp_r = PREQ(lit);                                                   \
        if (rp_r < 0)                                                           \
            fprintf(stderr, "refused: %s\n", req.error);                        \
        CHECK_EQ_INT(rp_r, (int)(sizeof(lit) - 1));                             \
    } while (0)

#define REJECT_RES(lit)                                                         \
    do {                                                                        \
        CHECK_EQ_INT(PRES(lit), -1);                                            \
        CHECK_EQ_INT(res.error_status, 502);                                    \
        CHECK(res.error != NULL);                                               \
    } while (0)

/* ---------------------------------------------------------------------- */

TEST(get_simple)
{
    static const char r[] = "GET /a/b?x=1&y HTTP/1.1\r\nHost: example.com:8080\r\n"
                            "User-Agent:  curl/8 \t\r\nAccept: */*\r\n\r\n";
    CHECK_EQ_INT(PREQ(r), (int)sizeof(r) - 1);
    CHECK_STR(req.method, "GET");
    CHECK_STR(req.target, "/a/b?x=1&y");
    CHECK_STR(req.path, "/a/b");
    CHECK_STR(req.query, "x=1&y");
    CHECK_STR(req.host, "example.com:8080");
    CHECK_EQ_INT(req.minor_version, 1);
    CHECK_EQ_INT(req.num_headers, 3);
    CHECK_STR(req.headers[1].name, "User-Agent");
    CHECK_STR(req.headers[1].value, "curl/8");
    CHECK_STR(req.headers[2].value, "*/*");
    CHECK_EQ_INT(req.flags, 0);
    CHECK_EQ_INT(req.keep_alive, 1);
    /* Results point into the input. */
    CHECK(req.path.p >= r && req.path.p + req.path.n <= r + sizeof(r));
}

TEST(post_cl_and_chunked)
{
    ACCEPT(REQ("Content-Length: 42\r\n"));
    CHECK(req.flags & RP_HTTP_F_HAS_CL);
    CHECK_EQ_INT(req.content_length, 42);
    CHECK_STR(req.query, "");
    ACCEPT(REQ("Transfer-Encoding: chunked\r\n"));
    CHECK(req.flags & RP_HTTP_F_CHUNKED);
    CHECK(!(req.flags & RP_HTTP_F_HAS_CL));
    ACCEPT(REQ("Transfer-Encoding: ChUnKeD\r\n"));
    ACCEPT(REQ("Transfer-Encoding: chunked, \r\n"));
    ACCEPT(REQ("Transfer-Encoding: , chunked\r\n"));
    ACCEPT(REQ("Content-Length: 0\r\n"));
    ACCEPT(REQ("Content-Length: 9223372036854775807\r\n"));
    CHECK_EQ_INT(req.content_length, INT64_MAX);
    ACCEPT(REQ("Content-Length: 007\r\n"));
    CHECK_EQ_INT(req.content_length, 7);
}

TEST(absolute_form)
{
    ACCEPT("GET http://Example.org:81/x/y?q=1 HTTP/1.1\r\nHost: other\r\n\r\n");
    CHECK_STR(req.host, "Example.org:81");
    CHECK_STR(req.path, "/x/y");
    CHECK_STR(req.query, "q=1");
    ACCEPT("GET HTTPS://h HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK_STR(req.host, "h");
    CHECK_STR(req.path, "/");
    CHECK_STR(req.query, "");
    ACCEPT("GET http://h?a HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK_STR(req.path, "/");
    CHECK_STR(req.query, "a");
    /* Host is still required in 1.1, authority must be a host. */
    REJECT("GET http://h/ HTTP/1.1\r\n\r\n", 400);
    REJECT("GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET ftp://h/x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET h/x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

TEST(options_connect)
{
    ACCEPT("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK_STR(req.path, "*");
    REJECT("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", 501);
}

TEST(http10)
{
    ACCEPT("GET / HTTP/1.0\r\n\r\n");
    CHECK_EQ_INT(req.minor_version, 0);
    CHECK_EQ_INT(req.keep_alive, 0);
    CHECK_EQ_INT(req.host.n, 0);
    ACCEPT("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    CHECK_EQ_INT(req.keep_alive, 1);
    ACCEPT("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
    CHECK(!(req.flags & RP_HTTP_F_EXPECT_CONTINUE));
    REJECT("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
}

TEST(connection_expect_upgrade)
{
    ACCEPT(REQ("Connection: close\r\n"));
    CHECK(req.flags & RP_HTTP_F_CONN_CLOSE);
    CHECK_EQ_INT(req.keep_alive, 0);
    ACCEPT(REQ("Connection: Upgrade, foo\r\nUpgrade: websocket\r\n"));
    CHECK(req.flags & RP_HTTP_F_CONN_TOKENS);
    CHECK(req.flags & RP_HTTP_F_UPGRADE);
    CHECK_EQ_INT(req.keep_alive, 1);
    ACCEPT(REQ("connection: keep-alive, CLOSE\r\n"));
    CHECK_EQ_INT(req.keep_alive, 0);
    ACCEPT(REQ("Expect: 100-Continue\r\nContent-Length: 3\r\n"));
    CHECK(req.flags & RP_HTTP_F_EXPECT_CONTINUE);
    ACCEPT(REQ("Expect: something-else\r\n"));
    CHECK(!(req.flags & RP_HTTP_F_EXPECT_CONTINUE));
}

TEST(pipelined)
{
    static const char r[] = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                            "GET /2 HTTP/1.1\r\nHost: b\r\n\r\nGET /3";
    size_t first = strlen("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
    int n = PREQ(r);
    CHECK_EQ_INT(n, first);
    CHECK_STR(req.path, "/1");
    int m = preq_n(r + n, sizeof(r) - 1 - (size_t)n);
    CHECK_EQ_INT(m, first);
    CHECK_STR(req.path, "/2");
    CHECK_STR(req.host, "b");
    CHECK_EQ_INT(preq_n(r + n + m, sizeof(r) - 1 - (size_t)(n + m)), -2);
}

/* Feeds every prefix of raw in turn with one scan state, then checks the
 * verdict equals the one-shot verdict. */
static void check_incremental(const char *raw, size_t len, size_t step)
{
    int whole = preq_n(raw, len);
    int status = req.error_status;
    size_t nh = req.num_headers;
    size_t scan = 0;
    int r = -2;
    size_t n;
    for (n = step < len ? step : len;; n = n + step < len ? n + step : len) {
        memset(&req, 0, sizeof(req));
        req.headers = hs;
        req.num_headers = NH;
        r = rp_http_parse_request(raw, n, &req, NULL, &scan);
        if (r != -2 || n == len)
            break;
    }
    CHECK_EQ_INT(r, whole);
    if (whole > 0) {
        CHECK_EQ_INT(n, len);
        CHECK_EQ_INT(req.num_headers, nh);
    } else {
        CHECK_EQ_INT(req.error_status, status);
    }
}

TEST(incremental)
{
    static const char r[] = "\r\nPOST /upload?id=7 HTTP/1.1\r\nHost: h\r\n"
                            "Content-Length: 5\r\nX-A:  a b \r\n\r\n";
    size_t len = sizeof(r) - 1;
    int whole = PREQ(r);
    CHECK_EQ_INT(whole, len);
    for (size_t step = 1; step < len; step++)
        check_incremental(r, len, step);
    /* Two-piece splits at every point, resuming with the same scan. */
    for (size_t k = 0; k <= len; k++) {
        size_t scan = 0;
        memset(&req, 0, sizeof(req));
        req.headers = hs;
        req.num_headers = NH;
        int a = rp_http_parse_request(r, k, &req, NULL, &scan);
        CHECK_EQ_INT(a, k == len ? whole : -2);
        if (k < len)
            CHECK_EQ_INT(req.num_headers, NH); /* capacity preserved on -2 */
        req.num_headers = NH;
        CHECK_EQ_INT(rp_http_parse_request(r, len, &req, NULL, &scan), whole);
        CHECK_STR(req.path, "/upload");
        CHECK_EQ_INT(req.content_length, 5);
        CHECK_STR(req.headers[2].value, "a b");
    }
    /* Errors found incrementally match the one-shot ones. */
    static const char bad[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\nY: b\r\n\r\n";
    check_incremental(bad, sizeof(bad) - 1, 1);
    static const char bad2[] = "GET / HTTP/1.1\r\nHost: h\r\nX : a\r\n\r\n";
    check_incremental(bad2, sizeof(bad2) - 1, 3);
}

TEST(leading_crlf)
{
    ACCEPT("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    ACCEPT("\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK_STR(req.method, "GET");
    REJECT("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    CHECK_EQ_INT(PREQ("\r"), -2);
    CHECK_EQ_INT(PREQ("\r\n"), -2);
    CHECK_EQ_INT(PREQ(""), -2);
}

/* Builds "GET /aaa...a HTTP/1.1\r\n" with a line of exactly `line` bytes
 * (without CRLF) followed by "Host: h\r\n\r\n". */
static size_t build_line(char *out, size_t line)
{
    size_t fixed = strlen("GET / HTTP/1.1");
    size_t n = 0;
    memcpy(out, "GET /", 5);
    n = 5;
    for (size_t i = 0; i < line - fixed; i++)
        out[n++] = 'a';
    memcpy(out + n, " HTTP/1.1\r\nHost: h\r\n\r\n", 22);
    return n + 22;
}

TEST(limit_414)
{
    static char buf[512];
    rp_http_limits_t lim;
    rp_http_limits_default(&lim);
    CHECK_EQ_INT(lim.max_request_line, 8192);
    CHECK_EQ_INT(lim.max_header_bytes, 32768);
    lim.max_request_line = 100;
    size_t n = build_line(buf, 100);
    CHECK_EQ_INT(preq_lim(buf, n, &lim, NH), (int)n);
    n = build_line(buf, 101);
    CHECK_EQ_INT(preq_lim(buf, n, &lim, NH), -1);
    CHECK_EQ_INT(req.error_status, 414);
    /* Detected before the head is complete: 101 line bytes, no LF yet. */
    CHECK_EQ_INT(preq_lim(buf, 101, &lim, NH), -1);
    CHECK_EQ_INT(req.error_status, 414);
    /* 100 line bytes + CR could still be fine. */
    n = build_line(buf, 100);
    CHECK_EQ_INT(preq_lim(buf, 101, &lim, NH), -2);
    CHECK_EQ_INT(preq_lim(buf, 100, &lim, NH), -2);
    /* Default limit. */
    static char big[9000];
    memcpy(big, "GET /", 5);
    memset(big + 5, 'a', sizeof(big) - 5);
    CHECK_EQ_INT(preq_n(big, sizeof(big)), -1);
    CHECK_EQ_INT(req.error_status, 414);
}

TEST(limit_431)
{
    static char buf[4096];
    rp_http_limits_t lim;
    rp_http_limits_default(&lim);
    lim.max_header_bytes = 200;
    /* Head of exactly 200 bytes: request line + Host + X: padding. */
    const char *pre = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
    size_t pl = strlen(pre);
    size_t pad = 200 - pl - 4;
    memcpy(buf, pre, pl);
    memset(buf + pl, 'v', pad);
    memcpy(buf + pl + pad, "\r\n\r\n", 4);
    CHECK_EQ_INT(preq_lim(buf, 200, &lim, NH), 200);
    memcpy(buf + pl, "v", 1);
    memset(buf + pl, 'v', pad + 1);
    memcpy(buf + pl + pad + 1, "\r\n\r\n", 4);
    CHECK_EQ_INT(preq_lim(buf, 201, &lim, NH), -1);
    CHECK_EQ_INT(req.error_status, 431);
    /* Incomplete but already over the limit. */
    CHECK_EQ_INT(preq_lim(buf, 200, &lim, NH), -1);
    CHECK_EQ_INT(req.error_status, 431);
    CHECK_EQ_INT(preq_lim(buf, 199, &lim, NH), -2);

    /* Field count: max_headers and the caller's capacity. */
    static const char three[] = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n";
    rp_http_limits_default(&lim);
    lim.max_headers = 3;
    CHECK_EQ_INT(preq_lim(three, sizeof(three) - 1, &lim, NH), (int)sizeof(three) - 1);
    lim.max_headers = 2;
    CHECK_EQ_INT(preq_lim(three, sizeof(three) - 1, &lim, NH), -1);
    CHECK_EQ_INT(req.error_status, 431);
    CHECK_EQ_INT(preq_lim(three, sizeof(three) - 1, NULL, 2), -1);
    CHECK_EQ_INT(req.error_status, 431);
    CHECK_EQ_INT(preq_lim(three, sizeof(three) - 1, NULL, 3), (int)sizeof(three) - 1);
}

TEST(framing_refusals)
{
    /* Both CL and TE. */
    REJECT(REQ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"), 400);
    /* Duplicate CL: differing refused, identical folded. */
    REJECT(REQ("Content-Length: 5\r\nContent-Length: 6\r\n"), 400);
    ACCEPT(REQ("Content-Length: 5\r\nContent-Length: 5\r\n"));
    CHECK_EQ_INT(req.content_length, 5);
    CHECK(req.flags & RP_HTTP_F_HAS_CL);
    /* Malformed CL values. */
    REJECT(REQ("Content-Length: 5, 5\r\n"), 400);
    REJECT(REQ("Content-Length: 5,5\r\n"), 400);
    REJECT(REQ("Content-Length: -1\r\n"), 400);
    REJECT(REQ("Content-Length: +5\r\n"), 400);
    REJECT(REQ("Content-Length: \r\n"), 400);
    REJECT(REQ("Content-Length: 0x5\r\n"), 400);
    REJECT(REQ("Content-Length: 1 0\r\n"), 400);
    REJECT(REQ("Content-Length: 5.0\r\n"), 400);
    REJECT(REQ("Content-Length: 9223372036854775808\r\n"), 400);
    REJECT(REQ("Content-Length: 18446744073709551616\r\n"), 400);
    /* TE other than a single final chunked. */
    REJECT(REQ("Transfer-Encoding: gzip\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: gzip, chunked\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: chunked, gzip\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: identity\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: chunked, chunked\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: chunked;foo\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: xchunked\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: chunked\x0b\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: \"chunked\"\r\n"), 400);
    REJECT(REQ("Transfer-Encoding: \r\n"), 400);
    REJECT(REQ("Transfer-Encoding: ,\r\n"), 400);
    /* Look-alike framing names. */
    REJECT(REQ("Content_Length: 5\r\n"), 400);
    REJECT(REQ("Transfer_Encoding: chunked\r\n"), 400);
    REJECT(REQ("Transfer--Encoding: chunked\r\n"), 400);
    REJECT(REQ("-Content-Length: 5\r\n"), 400);
    ACCEPT(REQ("Content-Lengths: 5\r\n"));
    ACCEPT(REQ("content-LENGTH: 5\r\n"));
    /* Bodies on GET/HEAD. */
    REJECT("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n", 400);
    REJECT("HEAD / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
    ACCEPT("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

TEST(field_syntax_refusals)
{
    /* obs-fold. */
    REJECT(REQ("X-A: a\r\n b\r\n"), 400);
    REJECT(REQ("X-A: a\r\n\tb\r\n"), 400);
    REJECT("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400);
    /* Whitespace before the colon. */
    REJECT(REQ("X-A : a\r\n"), 400);
    REJECT(REQ("X-A\t: a\r\n"), 400);
    REJECT(REQ("Transfer-Encoding : chunked\r\n"), 400);
    /* Control characters in names and values. */
    REJECT(REQ("X\x01-A: a\r\n"), 400);
    REJECT(REQ("\x01X-A: a\r\n"), 400);
    REJECT(REQ("X-A: a\x01\r\n"), 400);
    REJECT(REQ("X-A: a\x7f\r\n"), 400);
    REJECT(REQ("X-A: \x1b[0m\r\n"), 400);
    REJECT(REQ("X-A: a\0b\r\n"), 400);
    REJECT(REQ("X\0A: a\r\n"), 400);
    /* obs-text and HTAB are fine in values. */
    ACCEPT(REQ("X-A: caf\xc3\xa9\tx\r\n"));
    CHECK_STR(req.headers[1].value, "caf\xc3\xa9\tx");
    ACCEPT(REQ("X-A:\r\n"));
    CHECK_STR(req.headers[1].value, "");
    /* Non-token characters in names, empty names. */
    REJECT(REQ("X(A): a\r\n"), 400);
    REJECT(REQ("X@A: a\r\n"), 400);
    REJECT(REQ("X A: a\r\n"), 400);
    REJECT(REQ("X\xc3\xa9: a\r\n"), 400);
    REJECT(REQ(": a\r\n"), 400);
    REJECT(REQ("X-A a\r\n"), 400);
    ACCEPT(REQ("My_Header.!#$%&'*+^`|~09: a\r\n"));
    /* Bare LF / bare CR. */
    REJECT("GET / HTTP/1.1\nHost: h\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: h\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: h\r\n\n", 400);
    REJECT(REQ("X-A: a\nb\r\n"), 400);
    REJECT(REQ("X-A: a\rb\r\n"), 400);
    REJECT(REQ("X-A: a\r\r\n"), 400);
    REJECT(REQ("\rX-A: a\r\n"), 400);
    REJECT("GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\r\nHost: h\r\n\r\n", 400);
    /* Bare LF is refused before the head is complete. */
    CHECK_EQ_INT(PREQ("GET / HTTP/1.1\r\nHost: h\n"), -1);
    CHECK_EQ_INT(req.error_status, 400);
}

TEST(request_line_refusals)
{
    REJECT("GET /\r\n\r\n", 400);                   /* HTTP/0.9 */
    REJECT("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505);
    REJECT("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505);
    REJECT("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505);
    REJECT("GET / HTTP/3.1\r\nHost: h\r\n\r\n", 505);
    REJECT("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505);
    REJECT("GET / HTTP/2\r\nHost: h\r\n\r\n", 400);
    REJECT("GET / http/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET /  HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET /\tHTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT(" GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("G\x01T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET /a\x80 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET /a\0 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    REJECT("GET HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    /* Refused as soon as the first line is complete. */
    REJECT("GET /\r\n", 400);
    REJECT("GET / HTTP/2.0\r\n", 505);
    REJECT("GET /a\x01 HTTP/1.1\r\n", 400);
    REJECT("CONNECT h:443 HTTP/1.1\r\n", 501);
    REJECT("GET / HTTP/1.1\r\r\n", 400);
    ACCEPT("get /%20?a=%0d HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK_STR(req.method, "get");
}

TEST(host_rules)
{
    REJECT("GET / HTTP/1.1\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: \r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a:\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a:x\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: a,b\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400);
    REJECT("GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n", 400);
    ACCEPT("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
    CHECK_STR(req.host, "[::1]:8080");
    ACCEPT("GET / HTTP/1.1\r\nHost: my_host.internal:65535\r\n\r\n");
    ACCEPT("GET / HTTP/1.1\r\nHost:  10.0.0.1  \r\n\r\n");
    CHECK_STR(req.host, "10.0.0.1");
}

TEST(response)
{
    static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-A: b\r\n\r\nbody";
    CHECK_EQ_INT(PRES(r), (int)sizeof(r) - 5);
    CHECK_EQ_INT(res.status, 200);
    CHECK_STR(res.reason, "OK");
    CHECK_EQ_INT(res.minor_version, 1);
    CHECK_EQ_INT(res.num_headers, 2);
    CHECK_EQ_INT(res.content_length, 12);
    CHECK_EQ_INT(res.keep_alive, 1);
    CHECK(PRES("HTTP/1.1 204\r\n\r\n") > 0);
    CHECK_STR(res.reason, "");
    CHECK_EQ_INT(res.status, 204);
    CHECK(PRES("HTTP/1.1 204 \r\n\r\n") > 0);
    CHECK(PRES("HTTP/1.0 404 Not  Found \xe9\r\n\r\n") > 0);
    CHECK_STR(res.reason, "Not  Found \xe9");
    CHECK_EQ_INT(res.keep_alive, 0);
    CHECK(PRES("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n") > 0);
    CHECK_EQ_INT(res.keep_alive, 1);
    CHECK(PRES("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n") > 0);
    CHECK(res.flags & RP_HTTP_F_CHUNKED);
    CHECK_EQ_INT(res.keep_alive, 0);
    CHECK(PRES("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n") > 0);
    CHECK(res.flags & RP_HTTP_F_UPGRADE);
    CHECK(PRES("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n") > 0);
    CHECK(PRES("HTTP/1.1 200 OK\r\n\r\n") > 0);
    CHECK_EQ_INT(PRES("HTTP/1.1 200 OK\r\n"), -2);

    REJECT_RES("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n");
    REJECT_RES("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 OK\r\nX : a\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 OK\r\nX: a\x01\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 OK\nX: a\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 O\rK\r\n\r\n");
    REJECT_RES("HTTP/1.1 200 O\x01K\r\n\r\n");
    REJECT_RES("HTTP/1.1 099 OK\r\n\r\n");
    REJECT_RES("HTTP/1.1 20 OK\r\n\r\n");
    REJECT_RES("HTTP/1.1 2000 OK\r\n\r\n");
    REJECT_RES("HTTP/1.1  200 OK\r\n\r\n");
    REJECT_RES("HTTP/1.2 200 OK\r\n\r\n");
    REJECT_RES("HTTP/2 200 OK\r\n\r\n");
    REJECT_RES("HTTP/1.1\r\n\r\n");
    REJECT_RES("ICY 200 OK\r\n\r\n");
    REJECT_RES("\r\nHTTP/1.1 200 OK\r\n\r\n");
    REJECT_RES("HTTP/1.1 20 OK\r\n");      /* refused before the head ends */
    REJECT_RES("HTTP/1.1 200 OK \r x\r\n");
    REJECT_RES("HTTP/1.1 200 OK\r\nContent_Length: 3\r\n\r\n");
}

TEST(response_incremental)
{
    static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX: y\r\n\r\n";
    size_t len = sizeof(r) - 1;
    for (size_t k = 0; k < len; k++) {
        size_t scan = 0;
        memset(&res, 0, sizeof(res));
        res.headers = hs;
        res.num_headers = NH;
        CHECK_EQ_INT(rp_http_parse_response(r, k, &res, NULL, &scan), -2);
        res.num_headers = NH;
        CHECK_EQ_INT(rp_http_parse_response(r, len, &res, NULL, &scan), (int)len);
        CHECK_EQ_INT(res.content_length, 3);
    }
}

TEST(helpers)
{
    CHECK(rp_http_is_tchar('a') && rp_http_is_tchar('~') && rp_http_is_tchar('!'));
    CHECK(!rp_http_is_tchar(':') && !rp_http_is_tchar(' ') && !rp_http_is_tchar(0x80) &&
          !rp_http_is_tchar('"') && !rp_http_is_tchar(0x7f) && !rp_http_is_tchar(0));
    CHECK(rp_http_is_hop_by_hop(RP_STRLIT("Connection")));
    CHECK(rp_http_is_hop_by_hop(RP_STRLIT("KEEP-ALIVE")));
    CHECK(rp_http_is_hop_by_hop(RP_STRLIT("proxy-connection")));
    CHECK(rp_http_is_hop_by_hop(RP_STRLIT("TE")));
    CHECK(rp_http_is_hop_by_hop(RP_STRLIT("Trailer")));
    CHECK(rp_http_is_hop_by_hop(RP_STRLIT("transfer-encoding")));
    CHECK(rp_http_is_hop_by_hop(RP_STRLIT("Upgrade")));
    CHECK(!rp_http_is_hop_by_hop(RP_STRLIT("Trailers")));
    CHECK(!rp_http_is_hop_by_hop(RP_STRLIT("Content-Length")));
    CHECK(!rp_http_is_hop_by_hop(RP_STRLIT("")));
    CHECK(rp_http_method_idempotent(RP_STRLIT("GET")));
    CHECK(rp_http_method_idempotent(RP_STRLIT("DELETE")));
    CHECK(rp_http_method_idempotent(RP_STRLIT("TRACE")));
    CHECK(!rp_http_method_idempotent(RP_STRLIT("POST")));
    CHECK(!rp_http_method_idempotent(RP_STRLIT("PATCH")));
    CHECK(!rp_http_method_idempotent(RP_STRLIT("get")));
    CHECK(!rp_http_response_has_body(RP_STRLIT("HEAD"), 200));
    CHECK(!rp_http_response_has_body(RP_STRLIT("GET"), 100));
    CHECK(!rp_http_response_has_body(RP_STRLIT("GET"), 101));
    CHECK(!rp_http_response_has_body(RP_STRLIT("GET"), 204));
    CHECK(!rp_http_response_has_body(RP_STRLIT("GET"), 304));
    CHECK(rp_http_response_has_body(RP_STRLIT("GET"), 200));
    CHECK(rp_http_response_has_body(RP_STRLIT("POST"), 404));
}

int main(void)
{
    RUN(get_simple);
    RUN(post_cl_and_chunked);
    RUN(absolute_form);
    RUN(options_connect);
    RUN(http10);
    RUN(connection_expect_upgrade);
    RUN(pipelined);
    RUN(incremental);
    RUN(leading_crlf);
    RUN(limit_414);
    RUN(limit_431);
    RUN(framing_refusals);
    RUN(field_syntax_refusals);
    RUN(request_line_refusals);
    RUN(host_rules);
    RUN(response);
    RUN(response_incremental);
    RUN(helpers);
    TEST_MAIN_END();
}
