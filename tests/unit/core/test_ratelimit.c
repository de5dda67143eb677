/* Unit tests for src/core/ratelimit.c: bucket arithmetic on simulated
 * time, eviction and its memory bound, long keys, threads. Includes the .c
 * to check the hash against the SipHash paper and to look at shards. */
#include "../../../src/core/ratelimit.c"

#include "test.h"

#include <stdio.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static int take(rp_ratelimit_t *rl, const char *key, double rate, double burst, uint64_t now,
                uint64_t *retry)
{
    return rp_ratelimit_take(rl, rp_str_c(key), rate, burst, 1, now, retry);
}

TEST(siphash_reference)
{
    /* SipHash-2-4 test vectors from the paper (appendix A) and its
     * reference implementation: key 00..0f, messages 00..(n-1). */
    uint64_t k[2] = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
    uint8_t msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (uint8_t)i;
    CHECK(rl_siphash(k, msg, 0, 2, 4) == 0x726fdb47dd0e0e31ull);
    CHECK(rl_siphash(k, msg, 15, 2, 4) == 0xa129ca6149be45e5ull);
    CHECK(rl_siphash(k, msg, 63, 2, 4) == 0x958a324ceb064572ull);
    /* Different seeds give different hashes of the same key. */
    rp_ratelimit_t *a = rp_ratelimit_new(100), *b = rp_ratelimit_new(100);
    CHECK(a && b);
    if (a && b)
        CHECK(rl_hash(a->k0, RP_STRLIT("10.0.0.1")) != rl_hash(b->k0, RP_STRLIT("10.0.0.1")));
    rp_ratelimit_free(a);
    rp_ratelimit_free(b);
}

TEST(burst_then_limit_and_refill)
{
    rp_ratelimit_t *rl = rp_ratelimit_new(1000);
    CHECK(rl != NULL);
    if (!rl)
        return;
    uint64_t retry = 0, t = 1000000;
    /* rate 10/s, burst 5: five at once, then one per 100 ms. */
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t, &retry), 1);
    CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t, &retry), 0);
    CHECK_EQ_INT(retry, 100);
    CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t + 50, &retry), 0);
    CHECK_EQ_INT(retry, 50);
    CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t + 99, &retry), 0);
    CHECK_EQ_INT(retry, 1);
    CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t + 100, &retry), 1);
    CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t + 100, &retry), 0);
    CHECK_EQ_INT(retry, 100);
    /* A long pause refills up to the burst, not beyond. */
    t += 100000;
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t, &retry), 1);
    CHECK_EQ_INT(take(rl, "1.2.3.4", 10, 5, t, &retry), 0);
    /* Steady state over simulated time: exactly rate * time allowed. */
    int allowed = 0;
    for (uint64_t ms = 1; ms <= 10000; ms++)
        allowed += take(rl, "1.2.3.4", 10, 5, t + ms, NULL);
    CHECK_EQ_INT(allowed, 100);

    /* Independent keys: another client is untouched. */
    CHECK_EQ_INT(take(rl, "1.2.3.5", 10, 5, t, &retry), 1);
    CHECK_EQ_INT(take(rl, "", 10, 1, t, &retry), 1); /* the empty key is a key */
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STR_NULL, 10, 1, 1, t, &retry), 0);

    rp_ratelimit_stats_t st;
    rp_ratelimit_get_stats(rl, &st);
    CHECK_EQ_INT(st.keys, 3);
    CHECK_EQ_INT(st.allowed, 5 + 1 + 5 + 100 + 2);
    CHECK_EQ_INT(st.evicted, 0);
    CHECK(st.limited > 0);
    rp_ratelimit_free(rl);
    rp_ratelimit_free(NULL);
}

TEST(retry_after_exact)
{
    rp_ratelimit_t *rl = rp_ratelimit_new(1000);
    CHECK(rl != NULL);
    if (!rl)
        return;
    uint64_t retry = 0;
    /* 3/s: a token every 333.3 ms, so 334 ms. */
    CHECK_EQ_INT(take(rl, "a", 3, 1, 0, &retry), 1);
    CHECK_EQ_INT(take(rl, "a", 3, 1, 0, &retry), 0);
    CHECK_EQ_INT(retry, 334);
    CHECK_EQ_INT(take(rl, "a", 3, 1, 333, &retry), 0);
    CHECK_EQ_INT(retry, 1);
    CHECK_EQ_INT(take(rl, "a", 3, 1, 334, &retry), 1);
    /* Fractional costs and bursts. */
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("b"), 2, 2.5, 2, 0, &retry), 1);
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("b"), 2, 2.5, 2, 0, &retry), 0);
    CHECK_EQ_INT(retry, 750); /* 0.5 left, 1.5 more at 2/s */
    /* Fast rates: still at least 1 ms. */
    CHECK_EQ_INT(take(rl, "c", 1e6, 1, 0, &retry), 1);
    CHECK_EQ_INT(take(rl, "c", 1e6, 1, 0, &retry), 0);
    CHECK_EQ_INT(retry, 1);
    /* Never: cost above burst, or no refill. */
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("d"), 10, 2, 3, 0, &retry), 0);
    CHECK(retry == UINT64_MAX);
    CHECK_EQ_INT(take(rl, "e", 0, 1, 0, &retry), 1);
    CHECK_EQ_INT(take(rl, "e", 0, 1, 999999, &retry), 0);
    CHECK(retry == UINT64_MAX);
    CHECK_EQ_INT(take(rl, "f", 1e-300, 1, 0, &retry), 1);
    CHECK_EQ_INT(take(rl, "f", 1e-300, 1, 0, &retry), 0);
    CHECK(retry == UINT64_MAX);
    /* Garbage parameters count as 0. */
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("g"), NAN, 1, 1, 0, &retry), 1);
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("g"), NAN, 1, 1, 5000, &retry), 0);
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("h"), 1, NAN, 1, 0, &retry), 0);
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("h"), 1, 1, -5, 0, &retry), 1); /* cost 0 */
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("i"), INFINITY, 1, 1, 0, &retry), 1);
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("i"), INFINITY, 1, 1, 0, &retry), 0);
    CHECK_EQ_INT(retry, 1);
    CHECK_EQ_INT(rp_ratelimit_take(rl, RP_STRLIT("i"), INFINITY, 1, 1, 1, &retry), 1);
    /* Time going backwards neither refills nor breaks anything. */
    CHECK_EQ_INT(take(rl, "j", 1, 1, 10000, &retry), 1);
    CHECK_EQ_INT(take(rl, "j", 1, 1, 5000, &retry), 0);
    CHECK_EQ_INT(retry, 6000); /* counted from the caller's clock */
    CHECK_EQ_INT(take(rl, "j", 1, 1, 10999, &retry), 0);
    CHECK_EQ_INT(take(rl, "j", 1, 1, 11000, &retry), 1);

    /* Random rates, bursts and costs: a take at now + retry succeeds,
     * one at now + retry - 1 does not. */
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        char key[32];
        snprintf(key, sizeof(key), "k%d", i);
        rp_str_t k = rp_str_c(key);
        double rate = (double)(rng() % 100000) / 100.0 + 0.01;
        double burst = 1 + (double)(rng() % 1000) / 10.0;
        double cost = 0.1 + (double)(rng() % 1000) / 100.0;
        if (cost > burst)
            cost = burst;
        uint64_t t = rng() % 1000000;
        while (rp_ratelimit_take(rl, k, rate, burst, cost, t, &retry))
            ;
        if (retry == UINT64_MAX || retry == 0) {
            bad++;
            continue;
        }
        if (retry > 1 && rp_ratelimit_take(rl, k, rate, burst, cost, t + retry - 1, NULL))
            bad++;
        else if (!rp_ratelimit_take(rl, k, rate, burst, cost, t + retry, NULL))
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    rp_ratelimit_free(rl);
}

TEST(long_keys)
{
    rp_ratelimit_t *rl = rp_ratelimit_new(1000);
    CHECK(rl != NULL);
    if (!rl)
        return;
    char k1[600], k2[600];
    memset(k1, 'x', sizeof(k1));
    memcpy(k2, k1, sizeof(k2));
    static const size_t lens[] = { 72, 73, 200, 255, 256, 257, 300, 600 };
    for (size_t j = 0; j < RP_ARRAY_SIZE(lens); j++) {
        size_t n = lens[j];
        k1[n - 1] = (char)('a' + j);
        k2[n - 1] = (char)('A' + j); /* differs in the last byte only */
        uint64_t retry;
        CHECK_EQ_INT(rp_ratelimit_take(rl, rp_str(k1, n), 1, 2, 1, 0, &retry), 1);
        CHECK_EQ_INT(rp_ratelimit_take(rl, rp_str(k1, n), 1, 2, 1, 0, &retry), 1);
        CHECK_EQ_INT(rp_ratelimit_take(rl, rp_str(k1, n), 1, 2, 1, 0, &retry), 0);
        CHECK_EQ_INT(rp_ratelimit_take(rl, rp_str(k2, n), 1, 2, 1, 0, &retry), 1);
        /* a prefix of a long key is another key */
        CHECK_EQ_INT(rp_ratelimit_take(rl, rp_str(k1, n - 1), 1, 1, 1, 0, &retry), 1);
        CHECK_EQ_INT(rp_ratelimit_take(rl, rp_str(k1, n), 1, 2, 1, 0, &retry), 0);
        k1[n - 1] = k2[n - 1] = 'x';
    }
    rp_ratelimit_stats_t st;
    rp_ratelimit_get_stats(rl, &st);
    CHECK_EQ_INT(st.keys, 3 * RP_ARRAY_SIZE(lens));
    rp_ratelimit_free(rl);
}

TEST(eviction_policy)
{
    uint64_t retry;
    /* One key: a second evicts it, and it comes back full. */
    rp_ratelimit_t *rl = rp_ratelimit_new(1);
    CHECK(rl != NULL);
    if (!rl)
        return;
    CHECK_EQ_INT(take(rl, "a", 1, 1, 0, &retry), 1);
    CHECK_EQ_INT(take(rl, "a", 1, 1, 0, &retry), 0);
    CHECK_EQ_INT(take(rl, "b", 1, 1, 0, &retry), 1);
    CHECK_EQ_INT(take(rl, "a", 1, 1, 0, &retry), 1);
    rp_ratelimit_stats_t st;
    rp_ratelimit_get_stats(rl, &st);
    CHECK_EQ_INT(st.keys, 1);
    CHECK_EQ_INT(st.evicted, 2);
    rp_ratelimit_free(rl);

    /* 16 keys, one shard: a refilled bucket goes before the LRU one. */
    rl = rp_ratelimit_new(16);
    CHECK(rl != NULL);
    if (!rl)
        return;
    CHECK_EQ_INT(1u << rl->shard_bits, 1);
    char key[16];
    for (int i = 0; i < 16; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        CHECK_EQ_INT(take(rl, key, i == 5 ? 1000 : 1, 1, 0, &retry), 1); /* all empty */
    }
    CHECK_EQ_INT(take(rl, "new", 1, 1, 10, &retry), 1); /* k5 has refilled */
    CHECK_EQ_INT(take(rl, "k0", 1, 1, 10, &retry), 0);  /* the LRU one survived */
    rp_ratelimit_get_stats(rl, &st);
    CHECK_EQ_INT(st.keys, 16);
    CHECK_EQ_INT(st.evicted, 1);
    /* None refilled: the LRU goes (k1, since k0 was just used). */
    CHECK_EQ_INT(take(rl, "new2", 1, 1, 20, &retry), 1);
    CHECK_EQ_INT(take(rl, "k0", 1, 1, 20, &retry), 0);
    CHECK_EQ_INT(take(rl, "k2", 1, 1, 20, &retry), 0);
    CHECK_EQ_INT(take(rl, "k1", 1, 1, 20, &retry), 1); /* forgotten: full again */
    rp_ratelimit_free(rl);

    CHECK(rp_ratelimit_new(0) == NULL);
    CHECK(rp_ratelimit_new((size_t)1 << 40) == NULL);
}

/* A million distinct keys (a spoofing flood) through 10,000 buckets. */
TEST(eviction_bounds_memory)
{
    rp_ratelimit_t *rl = rp_ratelimit_new(10000);
    CHECK(rl != NULL);
    if (!rl)
        return;
    size_t mem0 = rp_ratelimit_memory(rl);
    char key[64];
    double t0 = now_s();
    for (uint32_t i = 0; i < 1000000; i++) {
        size_t n = (size_t)snprintf(key, sizeof(key), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
        rp_ratelimit_take(rl, rp_str(key, n), 10, 20, 1, i / 100, NULL);
    }
    double dt = now_s() - t0;
    rp_ratelimit_stats_t st;
    rp_ratelimit_get_stats(rl, &st);
    CHECK_EQ_INT(st.keys, 10000);
    CHECK_EQ_INT(st.allowed, 1000000);
    CHECK_EQ_INT(st.evicted, 1000000 - 10000);
    CHECK_EQ_INT(rp_ratelimit_memory(rl), mem0);
    printf("  ratelimit: 10,000 keys: %.2f MiB; 1M new keys (evicting): %.2fM takes/s\n",
           (double)mem0 / (1 << 20), 1e6 / dt / 1e6);

    /* Keys of 100 bytes take blocks, recycled on eviction. */
    char lk[100];
    memset(lk, 'k', sizeof(lk));
    for (uint32_t i = 0; i < 100000; i++) {
        memcpy(lk, &i, sizeof(i));
        rp_ratelimit_take(rl, rp_str(lk, sizeof(lk)), 10, 20, 1, 20000, NULL);
    }
    rp_ratelimit_get_stats(rl, &st);
    CHECK_EQ_INT(st.keys, 10000);
    size_t mem1 = rp_ratelimit_memory(rl);
    CHECK(mem1 <= mem0 + 10000 * RL_BLOCK);
    CHECK(mem1 > mem0);

    /* One hot key, already present: the common case. */
    t0 = now_s();
    uint64_t ok = 0;
    for (uint32_t i = 0; i < 1000000; i++)
        ok += (uint64_t)rp_ratelimit_take(rl, RP_STRLIT("203.0.113.7"), 1e9, 1e9, 1, 30000, NULL);
    dt = now_s() - t0;
    CHECK_EQ_INT(ok, 1000000);
    printf("  ratelimit: existing key, one thread: %.2fM takes/s\n", 1e6 / dt / 1e6);
    rp_ratelimit_free(rl);
}

/* ---------------------------------------------------------------------- */
/* Threads.                                                                 */

typedef struct hammer {
    rp_ratelimit_t *rl;
    int id;
    uint64_t stop_ms;
    uint64_t allowed_shared;
    uint64_t takes;
} hammer_t;

#define SHARED_RATE 2000.0
#define SHARED_BURST 50.0

/* Each thread its own 256 keys: the uncontended throughput. */
static void *spread_cb(void *arg)
{
    hammer_t *h = arg;
    char keys[256][24];
    size_t lens[256];
    for (int i = 0; i < 256; i++)
        lens[i] = (size_t)snprintf(keys[i], sizeof(keys[i]), "192.0.%d.%d", h->id, i);
    while (rp_now_ms() < h->stop_ms) {
        uint64_t now = rp_now_ms();
        for (int i = 0; i < 256; i++)
            rp_ratelimit_take(h->rl, rp_str(keys[i], lens[i]), 1e9, 1e9, 1, now, NULL);
        h->takes += 256;
    }
    return NULL;
}

static void *hammer_cb(void *arg)
{
    hammer_t *h = arg;
    char key[32];
    for (uint64_t n = 0;; n++) {
        uint64_t now = rp_now_ms();
        if (now >= h->stop_ms)
            break;
        h->allowed_shared += (uint64_t)rp_ratelimit_take(h->rl, RP_STRLIT("shared"), SHARED_RATE,
                                                         SHARED_BURST, 1, now, NULL);
        /* churn: distinct keys that keep every shard evicting */
        size_t kn = (size_t)snprintf(key, sizeof(key), "t%d-%llu", h->id, (unsigned long long)n);
        rp_ratelimit_take(h->rl, rp_str(key, kn), 5, 5, 1, now, NULL);
        h->takes += 2;
    }
    return NULL;
}

TEST(threads_shared_key)
{
    enum { NT = 4 };
    rp_ratelimit_t *rl = rp_ratelimit_new(4096);
    CHECK(rl != NULL);
    if (!rl)
        return;
    hammer_t h[NT];
    pthread_t th[NT];
    uint64_t start = rp_now_ms();
    for (int i = 0; i < NT; i++) {
        h[i] = (hammer_t){ .rl = rl, .id = i, .stop_ms = start + 300 };
        CHECK_EQ_INT(pthread_create(&th[i], NULL, hammer_cb, &h[i]), 0);
    }
    uint64_t allowed = 0, takes = 0;
    for (int i = 0; i < NT; i++) {
        pthread_join(th[i], NULL);
        allowed += h[i].allowed_shared;
        takes += h[i].takes;
    }
    uint64_t elapsed = rp_now_ms() - start;
    /* Every take's time lies in [start, start + elapsed]. */
    double bound = SHARED_BURST + SHARED_RATE * (double)elapsed / 1000.0;
    CHECK((double)allowed <= bound + 1e-6);
    CHECK(allowed >= (uint64_t)SHARED_BURST);
    rp_ratelimit_stats_t st;
    rp_ratelimit_get_stats(rl, &st);
    CHECK(st.keys <= 4096);
    CHECK_EQ_INT(st.allowed + st.limited, takes);
    printf("  ratelimit: %d threads, %llu ms: %.2fM takes/s in total; shared key allowed %llu "
           "(bound %.0f)\n",
           NT, (unsigned long long)elapsed, (double)takes / ((double)elapsed / 1000.0) / 1e6,
           (unsigned long long)allowed, bound);

    start = rp_now_ms();
    for (int i = 0; i < NT; i++) {
        h[i] = (hammer_t){ .rl = rl, .id = i, .stop_ms = start + 150 };
        CHECK_EQ_INT(pthread_create(&th[i], NULL, spread_cb, &h[i]), 0);
    }
    takes = 0;
    for (int i = 0; i < NT; i++) {
        pthread_join(th[i], NULL);
        takes += h[i].takes;
    }
    elapsed = rp_now_ms() - start;
    printf("  ratelimit: %d threads, distinct keys: %.2fM takes/s in total (%ld cores online)\n", NT,
           (double)takes / ((double)(elapsed ? elapsed : 1) / 1000.0) / 1e6,
           sysconf(_SC_NPROCESSORS_ONLN));
    rp_ratelimit_free(rl);
}

int main(void)
{
    RUN(siphash_reference);
    RUN(burst_then_limit_and_refill);
    RUN(retry_after_exact);
    RUN(long_keys);
    RUN(eviction_policy);
    RUN(eviction_bounds_memory);
    RUN(threads_shared_key);
    TEST_MAIN_END();
}
