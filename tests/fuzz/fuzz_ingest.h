/*
 * fuzz_ingest.h - shared by the ingest fuzz targets: an observation
 * checker and gzip/base64 encoders to reach the inner layers.
 */
#ifndef RP_FUZZ_INGEST_H
#define RP_FUZZ_INGEST_H

#include "rampart/ingest.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* Every observation must have a method and a path starting with '/', and
 * every string must be readable (ASan checks the reads). */
static inline int fz_obs_cb(void *ud, const rp_disc_obs_t *o)
{
    volatile unsigned sum = 0;
    const rp_str_t *s[] = { &o->app, &o->domain, &o->stage, &o->method, &o->path,
                            &o->query, &o->template_hint, &o->source };
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        for (size_t k = 0; k < s[i]->n; k++)
            sum += (unsigned char)s[i]->p[k];
    for (size_t i = 0; i < o->nheaders; i++)
        for (size_t k = 0; k < o->headers[i].value.n; k++)
            sum += (unsigned char)o->headers[i].value.p[k];
    if (o->method.n == 0 || o->path.n == 0 || o->path.p[0] != '/')
        abort();
    if (o->status != 0 && (o->status < 100 || o->status > 999))
        abort();
    (*(uint64_t *)ud)++;
    return 0;
}

static inline void fz_gzip(const void *p, size_t n, rp_buf_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return;
    size_t bound = deflateBound(&z, n) + 32;
    if (rp_buf_reserve(out, bound) != 0) {
        deflateEnd(&z);
        return;
    }
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->p + out->len;
    z.avail_out = (uInt)bound;
    deflate(&z, Z_FINISH);
    out->len += bound - z.avail_out;
    deflateEnd(&z);
}

static inline void fz_b64(const void *src, size_t n, rp_buf_t *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = src;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
                      i + 2 < n ? tab[v & 63] : '=' };
        rp_buf_append(out, q, 4);
    }
}

/* An exact-size heap copy, so ASan sees reads past the end. */
static inline char *fz_copy(const uint8_t *d, size_t n)
{
    char *c = malloc(n ? n : 1);
    if (n)
        memcpy(c, d, n);
    return c;
}

#endif
