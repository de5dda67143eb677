/*
 * ingest_test.h - helpers for the ingest unit tests: a collecting
 * callback, gzip and base64 encoders (the inverse of what is tested).
 */
#ifndef RP_INGEST_TEST_H
#define RP_INGEST_TEST_H

#include "rampart/ingest.h"

#include <stdio.h>
#include <string.h>

#include <zlib.h>

typedef struct seen {
    char method[16], path[256], query[128], hint[256], stage[32], domain[128], source[64],
        ua[128], app[32];
    int status;
    double latency, integ;
    int64_t bytes, time_ms;
} seen_t;

typedef struct coll {
    seen_t o[64];
    size_t n;
    int refuse;
} coll_t;

static inline void cpy(char *dst, size_t cap, rp_str_t s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = 0;
}

static inline int coll_cb(void *ud, const rp_disc_obs_t *o)
{
    coll_t *c = ud;
    if (c->refuse)
        return 1;
    if (c->n == 64)
        return 0;
    seen_t *s = &c->o[c->n++];
    memset(s, 0, sizeof(*s));
    cpy(s->method, sizeof(s->method), o->method);
    cpy(s->path, sizeof(s->path), o->path);
    cpy(s->query, sizeof(s->query), o->query);
    cpy(s->hint, sizeof(s->hint), o->template_hint);
    cpy(s->stage, sizeof(s->stage), o->stage);
    cpy(s->domain, sizeof(s->domain), o->domain);
    cpy(s->source, sizeof(s->source), o->source);
    cpy(s->app, sizeof(s->app), o->app);
    for (size_t i = 0; i < o->nheaders; i++)
        if (rp_str_ieq(o->headers[i].name, RP_STRLIT("user-agent")))
            cpy(s->ua, sizeof(s->ua), o->headers[i].value);
    s->status = o->status;
    s->latency = o->latency_ms;
    s->integ = o->integration_ms;
    s->bytes = o->resp_bytes;
    s->time_ms = o->time_ms;
    return 0;
}

/* gzip of p into out (appended). */
static inline void gz(const void *p, size_t n, rp_buf_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    size_t bound = deflateBound(&z, n) + 32;
    rp_buf_reserve(out, bound);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->p + out->len;
    z.avail_out = (uInt)bound;
    deflate(&z, Z_FINISH);
    out->len += bound - z.avail_out;
    deflateEnd(&z);
}

static inline void b64(const void *src, size_t n, rp_buf_t *out)
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

/* {"awslogs":{"data":"<b64(gzip(envelope))>"}} */
static inline void cw_event(const char *envelope, rp_buf_t *out)
{
    rp_buf_t z, b;
    rp_buf_init(&z);
    rp_buf_init(&b);
    gz(envelope, strlen(envelope), &z);
    b64(z.p, z.len, &b);
    rp_buf_append_cstr(out, "{\"awslogs\":{\"data\":\"");
    rp_buf_append(out, b.p, b.len);
    rp_buf_append_cstr(out, "\"}}");
    rp_buf_dispose(&z);
    rp_buf_dispose(&b);
}

#endif
