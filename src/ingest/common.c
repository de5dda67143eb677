/*
 * common.c - the ingest context, reasons, base64, gunzip, sniffing,
 * secrets and the Firehose request-id memory.
 */
#include "ingest_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static const char *const reason_names[] = {
#define XX(name, text) text,
    RP_INGEST_REASONS(XX)
#undef XX
};

const char *rp_ingest_reason_name(rp_ingest_reason_t r)
{
    return (unsigned)r < RP_INGEST_R__COUNT ? reason_names[r] : "unknown";
}

void rp_ingest_init(rp_ingest_t *in, const rp_ingest_opts_t *opts, rp_ingest_obs_cb cb, void *ud)
{
    memset(in, 0, sizeof(*in));
    if (opts)
        in->opts = *opts;
    if (!in->opts.max_line)
        in->opts.max_line = 64 * 1024;
    if (!in->opts.max_inflate)
        in->opts.max_inflate = 64u * 1024 * 1024;
    if (!in->opts.max_ratio)
        in->opts.max_ratio = 200;
    if (!in->opts.max_depth)
        in->opts.max_depth = 32;
    in->cb = cb;
    in->ud = ud;
    rp_arena_init(&in->rec, 4096);
    rp_arena_init(&in->scratch, 4096);
    rp_arena_init(&in->scratch2, 4096);
    for (size_t i = 0; i < RP_ARRAY_SIZE(in->b64); i++)
        rp_buf_init(&in->b64[i]);
    for (size_t i = 0; i < RP_ARRAY_SIZE(in->gz); i++)
        rp_buf_init(&in->gz[i]);
}

void rp_ingest_dispose(rp_ingest_t *in)
{
    rp_arena_dispose(&in->rec);
    rp_arena_dispose(&in->scratch);
    rp_arena_dispose(&in->scratch2);
    for (size_t i = 0; i < RP_ARRAY_SIZE(in->b64); i++)
        rp_buf_dispose(&in->b64[i]);
    for (size_t i = 0; i < RP_ARRAY_SIZE(in->gz); i++)
        rp_buf_dispose(&in->gz[i]);
}

void rp_ingest_clear_errors(rp_ingest_t *in)
{
    in->nerrors = 0;
    in->seq = 0;
}

int rp__ingest_fail(rp_ingest_t *in, rp_ingest_reason_t r, size_t pos)
{
    in->st.malformed++;
    in->st.malformed_by[r]++;
    if (in->nerrors < RP_INGEST_MAX_ERRORS) {
        if (pos)
            snprintf(in->errors[in->nerrors], sizeof(in->errors[0]), "record %llu: %s at byte %zu",
                     (unsigned long long)in->seq, rp_ingest_reason_name(r), pos);
        else
            snprintf(in->errors[in->nerrors], sizeof(in->errors[0]), "record %llu: %s",
                     (unsigned long long)in->seq, rp_ingest_reason_name(r));
        in->nerrors++;
    }
    return (int)r + 1;
}

rp_ingest_reason_t rp__ingest_json_reason(int rc, size_t err_pos, size_t n)
{
    switch (rc) {
    case RP_JSON_TOO_DEEP:
        return RP_INGEST_R_TOO_DEEP;
    case RP_JSON_NOMEM:
        return RP_INGEST_R_REJECTED;
    case RP_JSON_SYNTAX:
        return err_pos >= n ? RP_INGEST_R_TRUNCATED : RP_INGEST_R_JSON;
    default:
        return RP_INGEST_R_NOT_OBJECT;
    }
}

int rp_ingest_result_json(const rp_ingest_t *in, uint64_t accepted, uint64_t malformed,
                          rp_buf_t *out)
{
    int rc = rp_buf_append_cstr(out, "{\"accepted\":");
    rc |= rp_buf_append_u64(out, accepted);
    rc |= rp_buf_append_cstr(out, ",\"malformed\":");
    rc |= rp_buf_append_u64(out, malformed);
    rc |= rp_buf_append_cstr(out, ",\"errors\":[");
    for (size_t i = 0; i < in->nerrors; i++) {
        rc |= rp_buf_append_cstr(out, i ? ",\"" : "\"");
        rc |= rp_buf_append_json_str(out, in->errors[i], strlen(in->errors[i]));
        rc |= rp_buf_append_cstr(out, "\"");
    }
    rc |= rp_buf_append_cstr(out, "]}");
    return rc ? RP_ENOMEM : 0;
}

/* ---------------------------------------------------------------------- */
/* base64                                                                   */

/* 1..64: the value + 1; 0: foreign; WS: skipped; PAD: '='. */
enum { B64_WS = 254, B64_PAD = 255 };
static const unsigned char b64val[256] = {
    ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
    ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
    ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
    ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
    ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
    ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
    ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
    ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
    ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
    ['-'] = 63, ['_'] = 64,   /* URL-safe alphabet */
    [' '] = B64_WS, ['\t'] = B64_WS, ['\r'] = B64_WS, ['\n'] = B64_WS, ['='] = B64_PAD,
};

int rp_ingest_base64(const char *src, size_t n, rp_buf_t *out)
{
    if (rp_buf_reserve(out, n / 4 * 3 + 3) != 0)
        return -1;
    unsigned char *o = (unsigned char *)out->p + out->len;
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = b64val[(unsigned char)src[i]];
        if (v == B64_WS)
            continue;
        if (v == B64_PAD) {
            pad++;
            continue;
        }
        if (v == 0 || pad)
            return -1;   /* foreign byte, or data after padding */
        acc = acc << 6 | (v - 1);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = (unsigned char)(acc >> bits);
        }
    }
    /* 6 leftover bits cannot end a valid encoding; padding at most 2. */
    if (bits >= 6 || pad > 2)
        return -1;
    out->len = (size_t)((char *)o - out->p);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* gunzip: zlib, one member after the other; trailing zero bytes (tape
 * padding) tolerated, anything else after a member must be another one. */

int rp_ingest_gunzip(const rp_ingest_opts_t *opts, const unsigned char *src, size_t n, rp_buf_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return RP_INGEST_R_GZIP + 1;
    size_t start = out->len, pos = 0;
    int result = 0;
    size_t cap = opts->max_inflate;
    for (;;) {
        z.next_in = (Bytef *)(uintptr_t)(src + pos);
        z.avail_in = (uInt)RP_MIN(n - pos, (size_t)UINT32_MAX);
        int zr;
        do {
            if (out->cap - out->len < 16384 && rp_buf_reserve(out, out->len - start < 65536 ? 16384 : out->len - start) != 0) {
                result = RP_INGEST_R_GZIP_CAP + 1;
                goto done;
            }
            size_t room = out->cap - out->len;
            z.next_out = (Bytef *)out->p + out->len;
            z.avail_out = (uInt)RP_MIN(room, (size_t)UINT32_MAX);
            zr = inflate(&z, Z_NO_FLUSH);
            out->len += RP_MIN(room, (size_t)UINT32_MAX) - z.avail_out;
            size_t got = out->len - start;
            if (got > cap || (got > (1u << 20) && got / ((size_t)(z.next_in - src) + 1) > opts->max_ratio)) {
                result = RP_INGEST_R_GZIP_CAP + 1;
                goto done;
            }
            if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
                result = RP_INGEST_R_GZIP + 1;
                goto done;
            }
            if (zr == Z_BUF_ERROR && z.avail_in == 0) {
                result = RP_INGEST_R_GZIP + 1;   /* truncated */
                goto done;
            }
        } while (zr != Z_STREAM_END);
        pos = (size_t)(z.next_in - src);
        /* Another member? */
        size_t k = pos;
        while (k < n && src[k] == 0)
            k++;
        if (k == n)
            break;
        if (n - pos < 2 || src[pos] != 0x1f || src[pos + 1] != 0x8b) {
            result = RP_INGEST_R_GZIP + 1;
            goto done;
        }
        if (inflateReset(&z) != Z_OK) {
            result = RP_INGEST_R_GZIP + 1;
            goto done;
        }
    }
done:
    inflateEnd(&z);
    if (result)
        out->len = start;
    return result;
}

/* ---------------------------------------------------------------------- */
/* Sniffing                                                                 */

rp_str_t rp__ingest_first_key(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i >= n || p[i] != '{')
        return RP_STR_NULL;
    for (i++; i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'); i++)
        ;
    if (i >= n || p[i] != '"')
        return RP_STR_NULL;
    size_t s = ++i;
    while (i < n && p[i] != '"' && p[i] != '\\')
        i++;
    if (i >= n || p[i] != '"')
        return RP_STR_NULL;
    return rp_str(p + s, i - s);
}

static int is_envelope_key(rp_str_t k)
{
    static const char *const keys[] = { "awslogs", "owner", "logGroup", "logStream",
                                        "subscriptionFilters", "messageType", "logEvents" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(keys); i++)
        if (rp_str_eq(k, rp_str_c(keys[i])))
            return 1;
    return 0;
}

int rp__ingest_sniff(rp_ingest_t *in, const char *p, size_t n)
{
    if (n >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b) {
        if (in->layer >= RP_INGEST_MAX_LAYERS) {
            in->seq++;
            return rp__ingest_fail(in, RP_INGEST_R_LAYERS, 0);
        }
        rp_buf_t *b = &in->gz[in->layer];
        b->len = 0;
        int rc = rp_ingest_gunzip(&in->opts, (const unsigned char *)p, n, b);
        if (rc) {
            in->seq++;
            return rp__ingest_fail(in, (rp_ingest_reason_t)(rc - 1), 0);
        }
        in->st.inflated += b->len;
        in->layer++;
        rc = rp__ingest_sniff(in, b->p, b->len);
        in->layer--;
        return rc;
    }
    if (is_envelope_key(rp__ingest_first_key(p, n))) {
        if (in->layer >= RP_INGEST_MAX_LAYERS) {
            in->seq++;
            return rp__ingest_fail(in, RP_INGEST_R_LAYERS, 0);
        }
        in->layer++;
        int rc = rp_ingest_cloudwatch(in, p, n);
        in->layer--;
        return rc;
    }
    uint64_t bad = in->st.malformed;
    rp_ingest_apigw(in, p, n);
    return in->st.malformed == bad ? 0 : RP_INGEST_R_JSON + 1;
}

int rp_ingest_auto(rp_ingest_t *in, const char *p, size_t n)
{
    return rp__ingest_sniff(in, p, n);
}

/* ---------------------------------------------------------------------- */
/* Secrets and request ids                                                  */

int rp_ingest_secret_eq(rp_str_t got, rp_str_t expected)
{
    /* Time depends on expected.n only: every byte of expected is compared,
     * against got's byte or a constant past got's end. */
    unsigned diff = got.n != expected.n;
    for (size_t i = 0; i < expected.n; i++) {
        unsigned char g = i < got.n ? (unsigned char)got.p[i] : 0;
        diff |= (unsigned)(g ^ (unsigned char)expected.p[i]);
    }
    return diff == 0;
}

int rp_ingest_dedup_init(rp_ingest_dedup_t *dd, size_t cap)
{
    memset(dd, 0, sizeof(*dd));
    if (cap == 0)
        cap = 1024;
    dd->ring = calloc(cap, sizeof(uint64_t));
    dd->index = calloc(cap * 2, sizeof(uint64_t));
    if (!dd->ring || !dd->index) {
        rp_ingest_dedup_dispose(dd);
        return RP_ENOMEM;
    }
    dd->cap = cap;
    return 0;
}

void rp_ingest_dedup_dispose(rp_ingest_dedup_t *dd)
{
    free(dd->ring);
    free(dd->index);
    memset(dd, 0, sizeof(*dd));
}

static uint64_t id_hash(rp_str_t id)
{
    uint64_t h = rp_hash64(id.p, id.n);
    return h ? h : 1;
}

/* Linear probing over 2*cap slots; deletion by backward shift keeps
 * probe chains intact. */
static size_t probe(const rp_ingest_dedup_t *dd, uint64_t h)
{
    size_t m = dd->cap * 2, i = (size_t)(h % m);
    while (dd->index[i] != 0 && dd->index[i] != h)
        i = (i + 1) % m;
    return i;
}

int rp_ingest_dedup_seen(const rp_ingest_dedup_t *dd, rp_str_t id)
{
    if (!dd || !dd->cap || id.n == 0)
        return 0;
    uint64_t h = id_hash(id);
    return dd->index[probe(dd, h)] == h;
}

static void index_remove(rp_ingest_dedup_t *dd, uint64_t h)
{
    size_t m = dd->cap * 2, i = probe(dd, h);
    if (dd->index[i] != h)
        return;
    dd->index[i] = 0;
    for (size_t j = (i + 1) % m; dd->index[j] != 0; j = (j + 1) % m) {
        uint64_t v = dd->index[j];
        size_t home = (size_t)(v % m);
        /* Move v back into the hole when the hole lies on its probe path. */
        int move = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (move) {
            dd->index[i] = v;
            dd->index[j] = 0;
            i = j;
        }
    }
}

void rp_ingest_dedup_add(rp_ingest_dedup_t *dd, rp_str_t id)
{
    if (!dd || !dd->cap || id.n == 0 || rp_ingest_dedup_seen(dd, id))
        return;
    uint64_t h = id_hash(id);
    if (dd->count == dd->cap) {
        index_remove(dd, dd->ring[dd->next]);
        dd->count--;
    }
    dd->ring[dd->next] = h;
    dd->next = (dd->next + 1) % dd->cap;
    dd->count++;
    dd->index[probe(dd, h)] = h;
}
