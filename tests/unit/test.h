/*
 * Minimal unit-test harness: include this, write TEST(name) functions,
 * list them in main with RUN(name). Failures print file:line and the
 * expression; the binary exits non-zero if any check failed and prints
 * "N passed, N failed" for the runner.
 */
#ifndef RP_TEST_H
#define RP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rp_t_checks, rp_t_failed_checks, rp_t_cur_failed;
static int rp_t_passed, rp_t_failed;

#define TEST(name) static void test_##name(void)

#define CHECK(cond)                                                                    \
    do {                                                                               \
        rp_t_checks++;                                                                 \
        if (!(cond)) {                                                                 \
            rp_t_failed_checks++;                                                      \
            rp_t_cur_failed = 1;                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                             \
    do {                                                                               \
        long long rp_t_a = (long long)(a), rp_t_b = (long long)(b);                    \
        rp_t_checks++;                                                                 \
        if (rp_t_a != rp_t_b) {                                                        \
            rp_t_failed_checks++;                                                      \
            rp_t_cur_failed = 1;                                                       \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__,        \
                    __LINE__, #a, #b, rp_t_a, rp_t_b);                                 \
        }                                                                              \
    } while (0)

/* Compares an rp_str_t with a C string. */
#define CHECK_STR(s, cstr)                                                             \
    do {                                                                               \
        rp_str_t rp_t_s = (s);                                                         \
        const char *rp_t_c = (cstr);                                                   \
        rp_t_checks++;                                                                 \
        if (rp_t_s.n != strlen(rp_t_c) || memcmp(rp_t_s.p, rp_t_c, rp_t_s.n) != 0) {   \
            rp_t_failed_checks++;                                                      \
            rp_t_cur_failed = 1;                                                       \
            fprintf(stderr, "%s:%d: %s: got \"%.*s\", want \"%s\"\n", __FILE__,        \
                    __LINE__, #s, (int)rp_t_s.n, rp_t_s.p ? rp_t_s.p : "", rp_t_c);    \
        }                                                                              \
    } while (0)

#define RUN(name)                                                                      \
    do {                                                                               \
        rp_t_cur_failed = 0;                                                           \
        test_##name();                                                                 \
        if (rp_t_cur_failed) {                                                         \
            rp_t_failed++;                                                             \
            fprintf(stderr, "FAIL %s\n", #name);                                       \
        } else {                                                                       \
            rp_t_passed++;                                                             \
        }                                                                              \
    } while (0)

#define TEST_MAIN_END()                                                                \
    do {                                                                               \
        printf("%s: %d passed, %d failed\n", __FILE__, rp_t_passed, rp_t_failed);      \
        return rp_t_failed ? 1 : 0;                                                    \
    } while (0)

#endif
