/*
 * The JSON SAX parser: events, unescaping, strictness, limits.
 */
#include "test.h"

#include "rampart/json.h"

#include <stdint.h>

/* Events rendered as text: { } [ ] K:name S:text N:num T F Z (null). */
typedef struct rec {
    char out[8192];
    size_t n;
    int stop_after;   /* abort at this event number (0: never) */
    int count;
    int slices_ok;    /* every unescaped-free string came as an input slice */
    const char *in;
    size_t in_n;
} rec_t;

static void put(rec_t *r, const char *s, size_t n)
{
    if (r->n && r->n < sizeof(r->out) - 1)
        r->out[r->n++] = ' ';
    size_t k = n < sizeof(r->out) - 1 - r->n ? n : sizeof(r->out) - 1 - r->n;
    memcpy(r->out + r->n, s, k);
    r->n += k;
    r->out[r->n] = 0;
}

static int rec_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    rec_t *r = ud;
    char tmp[4096];
    int len = 0;
    r->count++;
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN: len = snprintf(tmp, sizeof(tmp), "{"); break;
    case RP_JSON_OBJECT_END: len = snprintf(tmp, sizeof(tmp), "}"); break;
    case RP_JSON_ARRAY_BEGIN: len = snprintf(tmp, sizeof(tmp), "["); break;
    case RP_JSON_ARRAY_END: len = snprintf(tmp, sizeof(tmp), "]"); break;
    case RP_JSON_KEY: len = snprintf(tmp, sizeof(tmp), "K:%.*s", (int)value.n, value.p); break;
    case RP_JSON_STRING: len = snprintf(tmp, sizeof(tmp), "S:%.*s", (int)value.n, value.p); break;
    case RP_JSON_NUMBER: len = snprintf(tmp, sizeof(tmp), "N:%.*s", (int)value.n, value.p); break;
    case RP_JSON_TRUE: len = snprintf(tmp, sizeof(tmp), "T"); break;
    case RP_JSON_FALSE: len = snprintf(tmp, sizeof(tmp), "F"); break;
    case RP_JSON_NULL: len = snprintf(tmp, sizeof(tmp), "Z"); break;
    }
    if (ev == RP_JSON_KEY || ev == RP_JSON_STRING) {
        /* raw lies inside the input; no escapes means no copy */
        if (!(raw.p >= r->in && raw.p + raw.n <= r->in + r->in_n))
            r->slices_ok = 0;
        if (!memchr(raw.p, '\\', raw.n) && value.p != raw.p)
            r->slices_ok = 0;
    }
    put(r, tmp, (size_t)(len < (int)sizeof(tmp) ? len : (int)sizeof(tmp) - 1));
    return r->stop_after && r->count >= r->stop_after;
}

static rp_arena_t arena;

static int parse(const char *s, size_t n, size_t depth, rec_t *r, size_t *err)
{
    memset(r, 0, sizeof(*r));
    r->slices_ok = 1;
    r->in = s;
    r->in_n = n;
    return rp_json_parse(s, n, depth, &arena, rec_cb, r, err);
}

#define P(s, rec, err) parse((s), strlen(s), 64, (rec), (err))

TEST(basic_events)
{
    rec_t r;
    size_t err = 99;
    CHECK_EQ_INT(P(" {\"a\": [1, -2.5e+3, true, false, null, \"x\"], \"b\": {}} ", &r, &err), RP_JSON_OK);
    CHECK(strcmp(r.out, "{ K:a [ N:1 N:-2.5e+3 T F Z S:x ] K:b { } }") == 0);
    CHECK_EQ_INT(err, 0);
    CHECK(r.slices_ok);
}

TEST(scalar_roots)
{
    rec_t r;
    CHECK_EQ_INT(P("\"hi\"", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "S:hi") == 0);
    CHECK_EQ_INT(P(" 0 ", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "N:0") == 0);
    CHECK_EQ_INT(P("null", &r, NULL), RP_JSON_OK);
    CHECK_EQ_INT(P("[]", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "[ ]") == 0);
}

TEST(escapes)
{
    rec_t r;
    CHECK_EQ_INT(P("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"]", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "[ S:a\"b\\c/d\b\f\n\r\t ]") == 0);
    /* \u: BMP, surrogate pair, lone surrogates, NUL */
    CHECK_EQ_INT(P("\"\\u0027\\u00e9\\u20AC\"", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "S:'\xc3\xa9\xe2\x82\xac") == 0);
    CHECK_EQ_INT(P("\"\\ud83d\\ude00\"", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "S:\xf0\x9f\x98\x80") == 0);
    CHECK_EQ_INT(P("\"\\ud83dx\"", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "S:\xef\xbf\xbdx") == 0);
    CHECK_EQ_INT(P("\"\\ude00\\ud83d\"", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "S:\xef\xbf\xbd\xef\xbf\xbd") == 0);
    CHECK_EQ_INT(P("\"\\ud83d\\u0041\"", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "S:\xef\xbf\xbd" "A") == 0);
    /* a key with escapes, and a long escaped string (buffer growth) */
    char big[3000];
    size_t o = 0;
    big[o++] = '"';
    for (int i = 0; i < 500; i++) {
        memcpy(big + o, "ab\\n", 4);
        o += 4;
    }
    big[o++] = '"';
    rec_t r2;
    CHECK_EQ_INT(parse(big, o, 64, &r2, NULL), RP_JSON_OK);
    CHECK_EQ_INT(strlen(r2.out), 2 + 1500);
    CHECK(memcmp(r2.out, "S:ab\nab\n", 8) == 0);
}

TEST(raw_is_escaped_text)
{
    /* raw for strings: between the quotes, still escaped */
    const char *in = "{\"k\\u0041\":\"v\\n\"}";
    rec_t r;
    CHECK_EQ_INT(P(in, &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "{ K:kA S:v\n }") == 0);
    CHECK(r.slices_ok);
}

TEST(invalid_utf8_passes)
{
    rec_t r;
    CHECK_EQ_INT(P("[\"\xc0\xaf\xff\"]", &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "[ S:\xc0\xaf\xff ]") == 0);
}

TEST(numbers)
{
    static const char *ok[] = { "0", "-0", "1", "10", "-12.5", "1e5", "1E-5", "1.0e+10", "0.5",
                                "123456789012345678901234567890" };
    static const char *bad[] = { "01", "+1", ".5", "1.", "1e", "1e+", "-", "--1", "0x10", "1.5.2",
                                 "Infinity", "NaN", "-01", "1 2" };
    rec_t r;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int rc = P(ok[i], &r, NULL);
        CHECK_EQ_INT(rc, RP_JSON_OK);
        if (rc != RP_JSON_OK)
            fprintf(stderr, "  for %s\n", ok[i]);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = P(bad[i], &r, NULL);
        CHECK_EQ_INT(rc, RP_JSON_SYNTAX);
        if (rc != RP_JSON_SYNTAX)
            fprintf(stderr, "  for %s\n", bad[i]);
    }
}

TEST(syntax_errors_and_positions)
{
    struct { const char *in; size_t pos; } cases[] = {
        { "", 0 },
        { "   ", 3 },
        { "{", 1 },
        { "{\"a\"}", 4 },
        { "{\"a\":1,}", 7 },
        { "[1,]", 3 },
        { "[1 2]", 3 },
        { "{'a':1}", 1 },
        { "{\"a\":1} x", 8 },
        { "[1]]", 3 },
        { "\"abc", 4 },
        { "\"a\x01\"", 2 },
        { "\"a\\x41\"", 2 },
        { "\"\\u12G4\"", 1 },
        { "tru", 0 },
        { "nul", 0 },
        { "[true false]", 6 },
        { "// c\n1", 0 },
        { "{\"a\" 1}", 5 },
        { "[\"a\"\n,\n]", 7 },
        { "\"a\\", 3 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rec_t r;
        size_t err = 12345;
        int rc = P(cases[i].in, &r, &err);
        CHECK_EQ_INT(rc, RP_JSON_SYNTAX);
        CHECK_EQ_INT(err, cases[i].pos);
        if (rc != RP_JSON_SYNTAX || err != cases[i].pos)
            fprintf(stderr, "  case %zu: %s\n", i, cases[i].in);
    }
}

static int count_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    RP_UNUSED(ev);
    RP_UNUSED(raw);
    *(size_t *)ud += value.n;
    return 0;
}

TEST(depth_limit)
{
    char buf[300];
    for (int i = 0; i < 100; i++) {
        buf[i] = '[';
        buf[199 - i] = ']';
    }
    rec_t r;
    size_t err = 0;
    CHECK_EQ_INT(parse(buf, 200, 100, &r, &err), RP_JSON_OK);
    CHECK_EQ_INT(parse(buf, 200, 99, &r, &err), RP_JSON_TOO_DEEP);
    CHECK_EQ_INT(err, 99);
    CHECK_EQ_INT(parse(buf, 200, 0, &r, &err), RP_JSON_TOO_DEEP);
    CHECK_EQ_INT(err, 0);
    CHECK_EQ_INT(parse("1", 1, 0, &r, &err), RP_JSON_OK);
    /* objects and arrays mixed, deeper than the on-stack bitmap */
    size_t n = 10000, o = 0;
    char *deep = malloc(n * 6);
    for (size_t i = 0; i < n; i++) {
        if (i % 2) {
            memcpy(deep + o, "{\"k\":", 5);
            o += 5;
        } else {
            deep[o++] = '[';
        }
    }
    deep[o++] = '1';
    for (size_t i = n; i-- > 0;)
        deep[o++] = i % 2 ? '}' : ']';
    rp_arena_t a;
    rp_arena_init(&a, 4096);
    size_t total = 0;
    CHECK_EQ_INT(rp_json_parse(deep, o, n, &a, count_cb, &total, NULL), RP_JSON_OK);
    CHECK_EQ_INT(total, n / 2 + 1);   /* the "k" keys and the "1" */
    CHECK_EQ_INT(rp_json_parse(deep, o, n - 1, &a, count_cb, &total, NULL), RP_JSON_TOO_DEEP);
    rp_arena_dispose(&a);
    free(deep);
}

TEST(abort)
{
    rec_t r;
    memset(&r, 0, sizeof(r));
    r.stop_after = 3;
    r.in = "[1,2,3]";
    r.in_n = 7;
    CHECK_EQ_INT(rp_json_parse(r.in, r.in_n, 8, &arena, rec_cb, &r, NULL), RP_JSON_ABORTED);
    CHECK(strcmp(r.out, "[ N:1 N:2") == 0);
}

TEST(no_read_past_n)
{
    /* the slice ends inside a literal / number / string */
    const char *in = "[true,123,\"abc\"]";
    rec_t r;
    CHECK_EQ_INT(parse(in, 3, 8, &r, NULL), RP_JSON_SYNTAX);
    CHECK_EQ_INT(parse(in, 8, 8, &r, NULL), RP_JSON_SYNTAX);
    CHECK_EQ_INT(parse(in, 13, 8, &r, NULL), RP_JSON_SYNTAX);
    CHECK_EQ_INT(parse("1234", 2, 8, &r, NULL), RP_JSON_OK);
    CHECK(strcmp(r.out, "N:12") == 0);
}

/* Speed (reported, not asserted): a 64 KiB document of plain ASCII. */
TEST(speed_report)
{
    size_t cap = 64 * 1024, o = 0;
    char *doc = malloc(cap + 256);
    o += (size_t)snprintf(doc + o, cap - o, "{\"items\":[");
    int i = 0;
    while (o < cap - 200) {
        o += (size_t)snprintf(doc + o, cap + 256 - o,
                              "%s{\"id\":%d,\"name\":\"item number %d\",\"desc\":\"a plain ascii "
                              "description of the item that goes on for a while\",\"ok\":true}",
                              i ? "," : "", i, i);
        i++;
    }
    o += (size_t)snprintf(doc + o, cap + 256 - o, "]}");
    size_t total = 0;
    rp_arena_t a;
    rp_arena_init(&a, 4096);
    uint64_t t0 = rp_now_us();
    int iters = 2000;
    for (int k = 0; k < iters; k++) {
        CHECK_EQ_INT(rp_json_parse(doc, o, 64, &a, count_cb, &total, NULL), RP_JSON_OK);
        rp_arena_reset(&a);
    }
    uint64_t t1 = rp_now_us();
    if (t1 > t0)
        printf("json: %zu bytes x %d in %llu us: %.0f MB/s\n", o, iters,
               (unsigned long long)(t1 - t0), (double)o * iters / (double)(t1 - t0));
    rp_arena_dispose(&a);
    free(doc);
}

int main(void)
{
    rp_arena_init(&arena, 4096);
    RUN(basic_events);
    RUN(scalar_roots);
    RUN(escapes);
    RUN(raw_is_escaped_text);
    RUN(invalid_utf8_passes);
    RUN(numbers);
    RUN(syntax_errors_and_positions);
    RUN(depth_limit);
    RUN(abort);
    RUN(no_read_past_n);
    RUN(speed_report);
    rp_arena_dispose(&arena);
    TEST_MAIN_END();
}
