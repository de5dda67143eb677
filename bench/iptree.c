/*
 * bench/iptree.c - IP list lookups alone, one thread, no I/O.
 *
 *   cc -O2 -g -std=c11 -D_GNU_SOURCE -Iinclude -o build/bench-iptree bench/iptree.c \
 *       build/librampart.a -lpthread
 *   build/bench-iptree [--lookups N]
 *
 * For IPv4 lists of 100 to 1,000,000 random /32s, a blocklist-like mix
 * (60% /32, 30% /24, 10% /16..23) and IPv6 lists of random /64s in
 * 2000::/3: build time, bytes per entry, and lookups per second over a
 * fixed set of queries, half of them listed addresses and half random.
 * Deterministic inputs, so runs compare.
 */
#include "rampart/iptree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

typedef enum { V4_HOSTS, V4_MIX, V6_64 } kind_t;
static const char *const kind_names[] = { "IPv4 /32", "IPv4 mix", "IPv6 /64" };

static void make_entry(kind_t kind, uint8_t a[16], unsigned *prefix)
{
    for (int i = 0; i < 16; i++)
        a[i] = (uint8_t)rng();
    switch (kind) {
    case V4_HOSTS:
        *prefix = 32;
        break;
    case V4_MIX: {
        unsigned r = (unsigned)(rng() % 10);
        *prefix = r < 6 ? 32 : r < 9 ? 24 : 16 + (unsigned)(rng() % 8);
        break;
    }
    case V6_64:
        a[0] = (uint8_t)(0x20 | (a[0] & 0x1f));
        *prefix = 64;
        break;
    }
}

static void run(kind_t kind, size_t n, size_t nq)
{
    int fam = kind == V6_64 ? AF_INET6 : AF_INET;
    uint8_t(*entries)[16] = malloc(n * sizeof(*entries));
    uint8_t(*q)[16] = malloc(nq * sizeof(*q));
    rp_iptree_t *t = rp_iptree_new();
    if (!entries || !q || !t) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        unsigned p;
        make_entry(kind, entries[i], &p);
        if (rp_iptree_add(t, fam, entries[i], p, 1u << (i % 3)) != 0) {
            fprintf(stderr, "add failed\n");
            exit(1);
        }
    }
    double build = now_s() - t0;
    for (size_t i = 0; i < nq; i++) {
        if (i & 1) {
            memcpy(q[i], entries[rng() % n], 16);
        } else {
            for (size_t j = 0; j < 16; j++)
                q[i][j] = (uint8_t)rng();
            if (fam == AF_INET6)
                q[i][0] = (uint8_t)(0x20 | (q[i][0] & 0x1f));
        }
    }
    double best = 0;
    size_t hits = 0;
    for (int rep = 0; rep < 3; rep++) {
        hits = 0;
        t0 = now_s();
        for (size_t i = 0; i < nq; i++)
            hits += rp_iptree_lookup_raw(t, fam, q[i]) != 0;
        double dt = now_s() - t0;
        if (dt > 0 && (double)nq / dt > best)
            best = (double)nq / dt;
    }
    printf("%-9s %9zu entries  build %7.1f ms  %6.1f MiB  %6.1f B/entry  %7.2fM lookups/s  "
           "%4.1f ns/lookup  (hits %zu%%)\n",
           kind_names[kind], n, build * 1e3, (double)rp_iptree_memory(t) / (1 << 20),
           (double)rp_iptree_memory(t) / (double)rp_iptree_count(t), best / 1e6, 1e9 / best,
           hits * 100 / nq);
    rp_iptree_free(t);
    free(entries);
    free(q);
}

int main(int argc, char **argv)
{
    size_t nq = 1000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lookups") == 0 && i + 1 < argc) {
            nq = strtoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: %s [--lookups N]\n", argv[0]);
            return 2;
        }
    }
    if (nq == 0)
        nq = 1;
    static const size_t sizes[] = { 100, 1000, 10000, 100000, 1000000 };
    for (int k = V4_HOSTS; k <= V6_64; k++)
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
            run((kind_t)k, sizes[i], nq);
    return 0;
}
