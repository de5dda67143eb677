/*
 * Helpers shared by the HTTP fuzz targets: a tiny deterministic PRNG
 * seeded from the input (so a crash reproduces from its file alone) and
 * exact-size copies, so reading one byte past a prefix trips ASan.
 */
#ifndef RP_FUZZ_SPLIT_H
#define RP_FUZZ_SPLIT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rampart/http.h"

typedef struct fz_rng {
    uint64_t s;
} fz_rng_t;

static inline uint64_t fz_next(fz_rng_t *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void fz_seed(fz_rng_t *r, const uint8_t *d, size_t n)
{
    r->s = rp_hash64(d, n);
}

/* A malloc'd copy of exactly n bytes (malloc(0) avoided). */
static inline char *fz_dup(const uint8_t *d, size_t n)
{
    char *p = malloc(n ? n : 1);
    RP_BUG_ON(p == NULL);
    if (n)
        memcpy(p, d, n);
    return p;
}

/* Slice s lies inside [b, b + n). Empty slices may sit at b + n. */
/* Next prefix length when feeding an input of `size` bytes incrementally:
 * grows n by a random step (small near the end), never past size. */
static inline size_t fz_grow(fz_rng_t *rng, size_t n, size_t size)
{
    size_t left = size - n;
    n += left ? 1 + (size_t)(fz_next(rng) % (left < 64 ? left : left / 2 + 1)) : 0;
    return n > size ? size : n;
}

/* Takes the first input byte as the limits selector: odd bytes give tiny
 * limits so the 414/431 paths are reached, even ones the defaults.
 * Returns 0 when the input is empty (nothing to run). */
static inline int fz_take_limits(const uint8_t **data, size_t *size, rp_http_limits_t *lim)
{
    if (*size < 1)
        return 0;
    rp_http_limits_default(lim);
    uint8_t sel = (*data)[0];
    if (sel & 1) {
        lim->max_request_line = 16 + (sel >> 2);
        lim->max_header_bytes = 64 + (size_t)sel * 2;
        lim->max_headers = 4;
    }
    (*data)++;
    (*size)--;
    return 1;
}

static inline int fz_inside(rp_str_t s, const char *b, size_t n)
{
    if (s.n == 0)
        return s.p == NULL || (s.p >= b && s.p <= b + n);
    return s.p >= b && s.p + s.n <= b + n;
}

#endif
