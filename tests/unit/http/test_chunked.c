/*
 * Chunked decoder: data and trailers out, every framing error refused,
 * identical results for any split of the input.
 */
#include "test.h"

#include "rampart/http.h"

typedef struct result {
    int rc;              /* DONE, -1, or -2 if input ran out */
    char data[4096];
    size_t ndata;
    char trailers[1024]; /* trailer lines joined with '|' */
    size_t ntrailers;
    size_t end;          /* offset just after the message when DONE */
    const char *error;
} result_t;

/*
 * Decodes in[0..len) presenting at most `step` new bytes per call, the way
 * a proxy reads: unconsumed bytes stay at the front of the window.
 */
static void decode(const char *in, size_t len, size_t step, rp_http_chunked_t *c, result_t *r)
{
    size_t off = 0, avail = step < len ? step : len;
    memset(r, 0, sizeof(*r));
    for (;;) {
        size_t consumed = 0;
        rp_str_t piece;
        int rc = rp_http_chunked_next(c, in + off, avail - off, &consumed, &piece);
        CHECK(consumed <= avail - off);
        off += consumed;
        if (rc == RP_HTTP_CHUNK_DATA) {
            CHECK(piece.n > 0);
            CHECK(piece.p >= in && piece.p + piece.n <= in + off);
            memcpy(r->data + r->ndata, piece.p, piece.n);
            r->ndata += piece.n;
        } else if (rc == RP_HTTP_CHUNK_TRAILER) {
            if (r->ntrailers++)
                r->trailers[strlen(r->trailers)] = '|';
            strncat(r->trailers, piece.p, piece.n);
        } else if (rc == RP_HTTP_CHUNK_DONE) {
            r->rc = rc;
            r->end = off;
            return;
        } else if (rc == RP_EINVAL) {
            r->rc = rc;
            r->error = c->error;
            CHECK(c->error != NULL);
            return;
        } else {
            CHECK_EQ_INT(rc, RP_EAGAIN);
            if (avail == len) {
                r->rc = RP_EAGAIN;
                return;
            }
            avail = avail + step < len ? avail + step : len;
        }
    }
}

static void decode_all(const char *in, size_t len, result_t *r)
{
    rp_http_chunked_t c;
    rp_http_chunked_init(&c);
    decode(in, len, len ? len : 1, &c, r);
}

/* Checks that every step size gives the same outcome as one shot. */
static void check_splits(const char *in, size_t len)
{
    static result_t whole, part;
    decode_all(in, len, &whole);
    for (size_t step = 1; step < len; step++) {
        rp_http_chunked_t c;
        rp_http_chunked_init(&c);
        decode(in, len, step, &c, &part);
        CHECK_EQ_INT(part.rc, whole.rc);
        CHECK_EQ_INT(part.ndata, whole.ndata);
        CHECK(memcmp(part.data, whole.data, whole.ndata) == 0);
        CHECK(strcmp(part.trailers, whole.trailers) == 0);
        CHECK_EQ_INT(part.end, whole.end);
    }
}

#define DEC(lit, r) decode_all((lit), sizeof(lit) - 1, (r))
#define BAD(lit)                                                                \
    do {                                                                        \
        static result_t rb;                                                     \
        DEC(lit, &rb);                                                          \
        CHECK_EQ_INT(rb.rc, -1);                                                \
        check_splits((lit), sizeof(lit) - 1);                                   \
    } while (0)

static result_t r;

TEST(simple)
{
    static const char in[] = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nGET /next";
    DEC(in, &r);
    CHECK_EQ_INT(r.rc, RP_HTTP_CHUNK_DONE);
    CHECK_EQ_INT(r.ndata, 11);
    CHECK(memcmp(r.data, "hello world", 11) == 0);
    CHECK_EQ_INT(r.end, sizeof(in) - 1 - strlen("GET /next"));
    check_splits(in, sizeof(in) - 1);
}

TEST(hex_and_extensions)
{
    static const char in[] = "A\r\n0123456789\r\n"
                             "1f;name\r\n0123456789abcdef0123456789abcde\r\n"
                             "3 ; a = b ; c=\"q\\\"x; y\" ;d\r\nxyz\r\n"
                             "0000000000000002;x=\"\"\r\nzz\r\n"
                             "00\r\n\r\n";
    DEC(in, &r);
    CHECK_EQ_INT(r.rc, RP_HTTP_CHUNK_DONE);
    CHECK_EQ_INT(r.ndata, 10 + 31 + 3 + 2);
    check_splits(in, sizeof(in) - 1);
}

TEST(bad_sizes)
{
    BAD("\r\nhello\r\n0\r\n\r\n");               /* empty */
    BAD("0x5\r\nhello\r\n0\r\n\r\n");
    BAD("-1\r\nx\r\n0\r\n\r\n");
    BAD("+5\r\nhello\r\n0\r\n\r\n");
    BAD(" 5\r\nhello\r\n0\r\n\r\n");
    BAD("5 \r\nhello\r\n0\r\n\r\n");
    BAD("5\t\r\nhello\r\n0\r\n\r\n");
    BAD("g\r\n");
    BAD("5g\r\n");
    BAD("00000000000000005\r\nhello\r\n0\r\n\r\n"); /* 17 digits */
    BAD("10000000000000000\r\n");                    /* 2^64: 17 digits */
    BAD("8000000000000000\r\n");                     /* 2^63: overflow */
    BAD("ffffffffffffffff\r\n");
    BAD("5\nhello\r\n0\r\n\r\n");                    /* bare LF */
    BAD("5\rhello\r\n0\r\n\r\n");                    /* bare CR */
    /* The largest size we take is 2^63 - 1. */
    DEC("7fffffffffffffff\r\nabc", &r);
    CHECK_EQ_INT(r.rc, RP_EAGAIN);
    CHECK_EQ_INT(r.ndata, 3);
}

TEST(bad_extensions)
{
    BAD("5;\r\nhello\r\n0\r\n\r\n");
    BAD("5;=x\r\nhello\r\n0\r\n\r\n");
    BAD("5;a=\r\nhello\r\n0\r\n\r\n");
    BAD("5;a \r\nhello\r\n0\r\n\r\n");
    BAD("5;a=b \r\nhello\r\n0\r\n\r\n");
    BAD("5;a=\"x\r\nhello\r\n0\r\n\r\n");
    BAD("5;a=\"x\"y\r\nhello\r\n0\r\n\r\n");
    BAD("5;a=b=c\r\nhello\r\n0\r\n\r\n");
    BAD("5;a\x01\r\nhello\r\n0\r\n\r\n");
    BAD("5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n");
    BAD("5;a\nhello\r\n0\r\n\r\n");
    /* Over-long extension. */
    static char big[2048];
    memcpy(big, "1;a=", 4);
    memset(big + 4, 'x', 1100);
    memcpy(big + 1104, "\r\nx\r\n0\r\n\r\n", 10);
    decode_all(big, 1114, &r);
    CHECK_EQ_INT(r.rc, -1);
    rp_http_chunked_t c;
    rp_http_chunked_init(&c);
    c.max_chunk_ext = 2000;
    decode(big, 1114, 1114, &c, &r);
    CHECK_EQ_INT(r.rc, RP_HTTP_CHUNK_DONE);
}

TEST(data_crlf)
{
    BAD("5\r\nhelloX\r\n0\r\n\r\n");
    BAD("5\r\nhello\n0\r\n\r\n");
    BAD("5\r\nhello\rX0\r\n\r\n");
    BAD("5\r\nhello0\r\n\r\n");
    BAD("0\r\n\rX");
    BAD("0\r\n\n");
}

TEST(trailers)
{
    static const char in[] = "3\r\nabc\r\n0\r\nX-Sum: 123\r\nX-B:\t v \r\n\r\n";
    DEC(in, &r);
    CHECK_EQ_INT(r.rc, RP_HTTP_CHUNK_DONE);
    CHECK_EQ_INT(r.ntrailers, 2);
    CHECK(strcmp(r.trailers, "X-Sum: 123|X-B:\t v ") == 0);
    CHECK_EQ_INT(r.end, sizeof(in) - 1);
    check_splits(in, sizeof(in) - 1);

    BAD("0\r\nX-A: 1\r\n b\r\n\r\n");  /* obs-fold */
    BAD("0\r\n X-A: 1\r\n\r\n");
    BAD("0\r\nX-A : 1\r\n\r\n");
    BAD("0\r\nX A: 1\r\n\r\n");
    BAD("0\r\n: 1\r\n\r\n");
    BAD("0\r\nX-A 1\r\n\r\n");
    BAD("0\r\nX-A: \x01\r\n\r\n");
    BAD("0\r\nX-A: a\rb\r\n\r\n");
    BAD("0\r\nX-A: 1\n\r\n");

    /* Incomplete trailer line: -2 with the line left unconsumed. */
    static const char part[] = "0\r\nX-A: 1";
    rp_http_chunked_t c;
    rp_http_chunked_init(&c);
    size_t consumed;
    rp_str_t d;
    CHECK_EQ_INT(rp_http_chunked_next(&c, part, sizeof(part) - 1, &consumed, &d), RP_EAGAIN);
    CHECK_EQ_INT(consumed, 3);
    static const char rest[] = "X-A: 12\r\n\r\n";
    CHECK_EQ_INT(rp_http_chunked_next(&c, rest, sizeof(rest) - 1, &consumed, &d), RP_HTTP_CHUNK_TRAILER);
    CHECK_STR(d, "X-A: 12");
    CHECK_EQ_INT(consumed, 9);
    CHECK_EQ_INT(rp_http_chunked_next(&c, rest + 9, 2, &consumed, &d), RP_HTTP_CHUNK_DONE);
    CHECK_EQ_INT(consumed, 2);
    /* Sticky end state. */
    CHECK_EQ_INT(rp_http_chunked_next(&c, "x", 1, &consumed, &d), RP_HTTP_CHUNK_DONE);
    CHECK_EQ_INT(consumed, 0);
}

TEST(trailer_limit)
{
    static const char in[] = "0\r\nX-A: 0123456789\r\nX-B: 0123456789\r\n\r\n";
    rp_http_chunked_t c;
    rp_http_chunked_init(&c);
    c.max_trailer_bytes = 30;
    decode(in, sizeof(in) - 1, sizeof(in) - 1, &c, &r);
    CHECK_EQ_INT(r.rc, -1);
    CHECK_EQ_INT(r.ntrailers, 1);
    rp_http_chunked_init(&c);
    c.max_trailer_bytes = 15;
    decode(in, sizeof(in) - 1, 4, &c, &r); /* partial line over the limit */
    CHECK_EQ_INT(r.rc, -1);
    rp_http_chunked_init(&c);
    c.max_trailer_bytes = 36; /* 17 + 17 + 2 */
    decode(in, sizeof(in) - 1, sizeof(in) - 1, &c, &r);
    CHECK_EQ_INT(r.rc, RP_HTTP_CHUNK_DONE);
    rp_http_chunked_init(&c);
    c.max_trailer_bytes = 35;
    decode(in, sizeof(in) - 1, sizeof(in) - 1, &c, &r);
    CHECK_EQ_INT(r.rc, -1);
}

TEST(incremental_data)
{
    /* Data returned as it arrives; consumed == len on -2. */
    rp_http_chunked_t c;
    rp_http_chunked_init(&c);
    size_t consumed;
    rp_str_t d;
    CHECK_EQ_INT(rp_http_chunked_next(&c, "a", 1, &consumed, &d), RP_EAGAIN);
    CHECK_EQ_INT(consumed, 1);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "\r", 1, &consumed, &d), RP_EAGAIN);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "\n0123", 5, &consumed, &d), RP_HTTP_CHUNK_DATA);
    CHECK_EQ_INT(consumed, 5);
    CHECK_STR(d, "0123");
    CHECK_EQ_INT(c.remaining, 6);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "456789\r\n0\r\n\r\n", 13, &consumed, &d), RP_HTTP_CHUNK_DATA);
    CHECK_STR(d, "456789");
    CHECK_EQ_INT(consumed, 6);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "\r\n0\r\n\r\n", 7, &consumed, &d), RP_HTTP_CHUNK_DONE);
    CHECK_EQ_INT(consumed, 7);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "", 0, &consumed, &d), RP_HTTP_CHUNK_DONE);
    /* Sticky error state. */
    rp_http_chunked_init(&c);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "z", 1, &consumed, &d), RP_EINVAL);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "5\r\n", 3, &consumed, &d), RP_EINVAL);
    CHECK_EQ_INT(rp_http_chunked_next(&c, "", 0, &consumed, &d), RP_EINVAL);
}

int main(void)
{
    RUN(simple);
    RUN(hex_and_extensions);
    RUN(bad_sizes);
    RUN(bad_extensions);
    RUN(data_crlf);
    RUN(trailers);
    RUN(trailer_limit);
    RUN(incremental_data);
    TEST_MAIN_END();
}
