/*
 * fuzz_http_chunked - the chunked decoder on arbitrary bytes.
 *
 * Decodes the input once in one buffer and again through a window that
 * grows by random amounts (unconsumed bytes stay at the window's front,
 * as in the proxy; each window is an exact-size copy). Both runs must
 * give the same data bytes, trailer lines, verdict and end offset, every
 * slice must lie inside the bytes consumed by its call, and consumed must
 * never exceed the window.
 */
#include "rampart/http.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct out {
    int rc;
    size_t end;        /* offset after the message when DONE */
    uint64_t hdata;    /* hash chain over data bytes */
    size_t ndata;
    uint64_t htrail;   /* hash chain over trailer lines */
    size_t ntrail;
} out_t;

static uint64_t mix(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    return h;
}

/* step == 0: whole input at once. */
static void decode(const uint8_t *data, size_t size, const rp_http_chunked_t *proto, fz_rng_t *rng,
                   out_t *o)
{
    rp_http_chunked_t c = *proto;
    size_t off = 0, avail = rng ? 0 : size;
    memset(o, 0, sizeof(*o));
    o->hdata = o->htrail = 1469598103934665603ull;
    for (int guard = 0;; guard++) {
        RP_BUG_ON(guard > 4 * (int)size + 16);
        char *b = fz_dup(data + off, avail - off);
        size_t consumed = 12345;
        rp_str_t piece = RP_STR_NULL;
        int rc = rp_http_chunked_next(&c, b, avail - off, &consumed, &piece);
        RP_BUG_ON(consumed > avail - off);
        if (rc == RP_HTTP_CHUNK_DATA || rc == RP_HTTP_CHUNK_TRAILER)
            RP_BUG_ON(!fz_inside(piece, b, consumed));
        if (rc == RP_HTTP_CHUNK_DATA) {
            RP_BUG_ON(piece.n == 0);
            o->hdata = mix(o->hdata, piece.p, piece.n);
            o->ndata += piece.n;
        } else if (rc == RP_HTTP_CHUNK_TRAILER) {
            /* A trailer line is a valid field line: no CR/LF inside. */
            RP_BUG_ON(memchr(piece.p, '\n', piece.n) || memchr(piece.p, '\r', piece.n));
            o->htrail = mix(o->htrail, piece.p, piece.n);
            o->htrail = mix(o->htrail, "\n", 1);
            o->ntrail++;
        }
        free(b);
        off += consumed;
        if (rc == RP_HTTP_CHUNK_DONE) {
            o->rc = rc;
            o->end = off;
            return;
        }
        if (rc == RP_EINVAL) {
            RP_BUG_ON(c.error == NULL);
            o->rc = rc;
            return;
        }
        if (rc == RP_EAGAIN) {
            if (avail == size) {
                o->rc = rc;
                return;
            }
            size_t left = size - avail;
            avail += 1 + (size_t)(fz_next(rng) % (left < 32 ? left : left / 2 + 1));
            if (avail > size)
                avail = size;
        } else {
            RP_BUG_ON(rc != RP_HTTP_CHUNK_DATA && rc != RP_HTTP_CHUNK_TRAILER);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    rp_http_chunked_t proto;
    rp_http_chunked_init(&proto);
    if (data[0] & 1) {
        proto.max_chunk_ext = 1 + (data[0] >> 3);
        proto.max_trailer_bytes = 4 + (size_t)data[0];
    }
    data++;
    size--;
    out_t whole, part;
    decode(data, size, &proto, NULL, &whole);
    fz_rng_t rng;
    fz_seed(&rng, data, size);
    for (int round = 0; round < 3; round++) {
        decode(data, size, &proto, &rng, &part);
        RP_BUG_ON(memcmp(&whole, &part, sizeof(whole)) != 0);
    }
    return 0;
}
