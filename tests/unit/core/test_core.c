/* Unit tests for src/core: slices, lists, arena, buffers, JSON escaping. */
#include "rampart/core.h"
#include "test.h"

TEST(str_basics)
{
    CHECK(rp_str_ieq(RP_STRLIT("Content-Length"), RP_STRLIT("content-length")));
    CHECK(!rp_str_ieq(RP_STRLIT("Content-Length"), RP_STRLIT("content-lengt")));
    CHECK(rp_str_has_prefix(RP_STRLIT("/v1/users"), RP_STRLIT("/v1")));
    CHECK(!rp_str_has_prefix(RP_STRLIT("/v"), RP_STRLIT("/v1")));
    CHECK(rp_str_ihas_suffix(RP_STRLIT("API.Example.com"), RP_STRLIT(".example.COM")));
    CHECK_STR(rp_str_trim(RP_STRLIT(" \t x y \t")), "x y");
    CHECK_STR(rp_str_trim(RP_STRLIT("   ")), "");
}

/* Case folding is ASCII letters only: every pair of bytes agrees with
 * rp_lower(), so '@' and '`' ([ and {, bytes >= 0x80) stay distinct. */
TEST(str_ieq_every_byte_pair)
{
    for (int x = 0; x < 256; x++)
        for (int y = 0; y < 256; y++) {
            char a = (char)x, b = (char)y;
            int want = rp_lower(x) == rp_lower(y);
            if (rp_str_ieq(rp_str(&a, 1), rp_str(&b, 1)) != want) {
                CHECK_EQ_INT(x * 256 + y, -1);
                return;
            }
        }
}

/* rp_str_ifind against the plain definition, on random short strings
 * over a small alphabet (so matches are frequent) and every `from`. */
static size_t ifind_ref(rp_str_t s, size_t from, rp_str_t w)
{
    for (size_t i = from; i + w.n <= s.n && from <= s.n; i++) {
        size_t j = 0;
        while (j < w.n && rp_lower((unsigned char)s.p[i + j]) == (unsigned char)w.p[j])
            j++;
        if (j == w.n)
            return i;
    }
    return (size_t)-1;
}

TEST(str_ifind)
{
    CHECK_EQ_INT(rp_str_ifind(RP_STRLIT("a ${JNDI:x"), 0, RP_STRLIT("${jndi:")), 2);
    CHECK_EQ_INT(rp_str_ifind(RP_STRLIT("ScRiPt script"), 1, RP_STRLIT("script")), 7);
    CHECK(rp_str_ifind(RP_STRLIT("abc"), 4, RP_STRLIT("a")) == (size_t)-1);
    CHECK(rp_str_ihas_prefix(RP_STRLIT("Multipart/Form"), RP_STRLIT("multipart/")));
    CHECK(!rp_str_ihas_prefix(RP_STRLIT("Multi"), RP_STRLIT("multipart/")));
    static const char alpha[] = "aAbB-:@`";
    unsigned seed = 1;
    for (int it = 0; it < 200000; it++) {
        char a[12], b[4];
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % 12, k = 1 + (seed >> 8) % 3;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = alpha[(seed >> 16) % 8];
        }
        for (size_t i = 0; i < k; i++) {
            seed = seed * 1103515245u + 12345u;
            b[i] = "ab-:`"[(seed >> 16) % 5]; /* a needle is lower case */
        }
        for (size_t from = 0; from <= n + 1; from++)
            if (rp_str_ifind(rp_str(a, n), from, rp_str(b, k)) !=
                ifind_ref(rp_str(a, n), from, rp_str(b, k))) {
                CHECK_EQ_INT(it, -1);
                return;
            }
    }
}

TEST(str_to_u64)
{
    uint64_t v = 0;
    CHECK_EQ_INT(rp_str_to_u64(RP_STRLIT("0"), UINT64_MAX, &v), 0);
    CHECK_EQ_INT(v, 0);
    CHECK_EQ_INT(rp_str_to_u64(RP_STRLIT("18446744073709551615"), UINT64_MAX, &v), 0);
    CHECK(v == UINT64_MAX);
    CHECK_EQ_INT(rp_str_to_u64(RP_STRLIT("18446744073709551616"), UINT64_MAX, &v), -1);
    CHECK_EQ_INT(rp_str_to_u64(RP_STRLIT("101"), 100, &v), -1);
    CHECK_EQ_INT(rp_str_to_u64(RP_STRLIT(""), 100, &v), -1);
    CHECK_EQ_INT(rp_str_to_u64(RP_STRLIT("+1"), 100, &v), -1);
    CHECK_EQ_INT(rp_str_to_u64(RP_STRLIT("1 "), 100, &v), -1);
}

TEST(list_elements)
{
    rp_str_t list = RP_STRLIT(" a , ,b,,  c d ,");
    size_t pos = 0;
    rp_str_t e;
    CHECK(rp_str_next_list_elem(list, &pos, &e));
    CHECK_STR(e, "a");
    CHECK(rp_str_next_list_elem(list, &pos, &e));
    CHECK_STR(e, "b");
    CHECK(rp_str_next_list_elem(list, &pos, &e));
    CHECK_STR(e, "c d");
    CHECK(!rp_str_next_list_elem(list, &pos, &e));
}

TEST(arena)
{
    rp_arena_t a;
    rp_arena_init(&a, 256);
    char *p1 = rp_arena_alloc(&a, 10);
    char *p2 = rp_arena_alloc(&a, 10);
    CHECK(p1 && p2 && p1 != p2);
    CHECK(((uintptr_t)p1 & 15) == 0 && ((uintptr_t)p2 & 15) == 0);
    memset(p1, 'x', 10);
    /* Big allocation gets its own block and does not disturb small ones. */
    char *big = rp_arena_alloc(&a, 10000);
    CHECK(big != NULL);
    memset(big, 'y', 10000);
    char *p3 = rp_arena_alloc(&a, 16);
    CHECK(p3 != NULL);
    CHECK(p1[9] == 'x');
    char *s = rp_arena_strndup(&a, "hello", 5);
    CHECK(s && strcmp(s, "hello") == 0);
    /* Many allocations across blocks. */
    for (int i = 0; i < 1000; i++)
        CHECK(rp_arena_alloc(&a, 100) != NULL);
    rp_arena_reset(&a);
    CHECK(a.head != NULL && a.total == 256);
    rp_arena_dispose(&a);
    CHECK(a.head == NULL);
}

static int cleanup_order[4];
static int cleanup_n;
static void cleanup_cb(void *d) { cleanup_order[cleanup_n++] = *(int *)d; }

TEST(arena_cleanups_reverse_order)
{
    rp_arena_t a;
    rp_arena_init(&a, 1024);
    static int one = 1, two = 2;
    cleanup_n = 0;
    rp_arena_add_cleanup(&a, cleanup_cb, &one);
    rp_arena_add_cleanup(&a, cleanup_cb, &two);
    rp_arena_dispose(&a);
    CHECK_EQ_INT(cleanup_n, 2);
    CHECK_EQ_INT(cleanup_order[0], 2);
    CHECK_EQ_INT(cleanup_order[1], 1);
}

TEST(buf_printf_and_consume)
{
    rp_buf_t b;
    rp_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        rp_buf_printf(&b, "%04d,", i);
    CHECK_EQ_INT(b.len, 5000);
    CHECK(memcmp(b.p, "0000,0001,", 10) == 0);
    rp_buf_consume(&b, 4995);
    CHECK_EQ_INT(b.len, 5);
    CHECK(memcmp(b.p, "0999,", 5) == 0);
    rp_buf_dispose(&b);
}

TEST(buf_numbers)
{
    rp_buf_t b;
    rp_buf_init(&b);
    rp_buf_append_u64(&b, 0);
    rp_buf_append(&b, ",", 1);
    rp_buf_append_u64(&b, UINT64_MAX);
    rp_buf_append(&b, ",", 1);
    rp_buf_append_hex(&b, 0);
    rp_buf_append(&b, ",", 1);
    rp_buf_append_hex(&b, 0x1fa0);
    CHECK_STR(rp_str(b.p, b.len), "0,18446744073709551615,0,1fa0");
    rp_buf_dispose(&b);
}

TEST(json_escape)
{
    rp_buf_t b;
    rp_buf_init(&b);
    const char in[] = "a\"b\\c\n\x01\x7f\xff\xc3\xa9";
    rp_buf_append_json_str(&b, in, sizeof(in) - 1);
    CHECK_STR(rp_str(b.p, b.len), "a\\\"b\\\\c\\n\\u0001\\u007f\\u00ff\xc3\xa9");
    rp_buf_dispose(&b);
    /* Overlong encoding and surrogates are not valid UTF-8. */
    rp_buf_init(&b);
    rp_buf_append_json_str(&b, "\xc0\xaf\xed\xa0\x80", 5);
    CHECK_STR(rp_str(b.p, b.len), "\\u00c0\\u00af\\u00ed\\u00a0\\u0080");
    rp_buf_dispose(&b);
}

TEST(errors)
{
    CHECK(strcmp(rp_strerror(RP_EAGAIN), "need more input") == 0);
    CHECK(strcmp(rp_strerror(RP_EINVAL), "malformed input") == 0);
    CHECK(strcmp(rp_strerror(12345), "unknown error") == 0);
    CHECK_EQ_INT(rp_log_level_parse(RP_STRLIT("WARN")), RP_LOG_WARN);
    CHECK_EQ_INT(rp_log_level_parse(RP_STRLIT("loud")), -1);
}

TEST(clock_and_time)
{
    uint64_t a = rp_now_ms(), b = rp_now_ms();
    CHECK(b >= a);
    char ts[40];
    size_t n = rp_time_rfc3339(ts, sizeof(ts));
    CHECK_EQ_INT(n, 24);
    CHECK(ts[4] == '-' && ts[10] == 'T' && ts[23] == 'Z');
}

int main(void)
{
    RUN(str_basics);
    RUN(str_ieq_every_byte_pair);
    RUN(str_ifind);
    RUN(str_to_u64);
    RUN(list_elements);
    RUN(arena);
    RUN(arena_cleanups_reverse_order);
    RUN(buf_printf_and_consume);
    RUN(buf_numbers);
    RUN(json_escape);
    RUN(errors);
    RUN(clock_and_time);
    TEST_MAIN_END();
}
