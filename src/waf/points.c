/*
 * points.c - a request in, its points out.
 *
 * A point is one value the request carries, with the path that reaches
 * it, after decoding (see rampart/waf.h). Sections, in this order:
 *
 *   path            the whole decoded path, then path.0, path.1, ... (one
 *                   per non-empty segment) and path.N;name for matrix
 *                   parameters                                 (SRC_PATH)
 *   query.NAME      one value point per pair, one KEY point per distinct
 *                   name; a[b][c] -> query.a.b.c, a[] -> query.a[]
 *                                                              (SRC_QUERY)
 *   header.NAME     every header but Cookie, name lower-cased  (SRC_HEADER)
 *   cookie.NAME     from the Cookie headers, KEY points too    (SRC_COOKIE)
 *   body...         by Content-Type (after Content-Encoding):  (SRC_BODY)
 *                   body.form.NAME, body.json.a.b / body.json.items[].x /
 *                   body.json (scalar root), body.multipart.NAME (+ .filename,
 *                   + .SUB when the part is JSON/XML/form), body.xml.a/b,
 *                   body.xml.a/b@attr, body.xml?pi, body.xml!doctype,
 *                   body.xml!entity.NAME, body.graphql (+ arguments, below),
 *                   else body.text
 *
 * GraphQL documents (graphql.c) are parsed where they come: a body of
 * type application/graphql ("body.graphql"), and the "query" member of a
 * JSON body's root object, or of each object of a root array (a batch),
 * when it starts as a document does ("body.json.query|graphql",
 * "body.json[].query|graphql"; "variables" and "operationName" are plain
 * JSON points already), and likewise a top-level "query" parameter of the
 * query string or an urlencoded body (GraphQL over GET:
 * "query.query|graphql", "body.form.query|graphql"). The document stays a point of its own; each
 * string argument value (and variable default) becomes one more point,
 * its GraphQL escapes undone (block strings dedented), at DOC + the
 * field path from the operation's root + the argument:
 *     DOC.user(id)                  user(id: "..")
 *     DOC.user.posts(filter).title  posts(filter: {title: ".."}) inside user
 *     DOC.search(tags)[]            a list item
 *     DOC.user@include(if)          a directive's argument
 *     DOC...F.user(id)              inside fragment F
 *     DOC.$name                     a variable's default value
 * (field names, not aliases; at most RP_GQL_PATH_CAP bytes of it). A
 * malformed document adds an anomaly point at DOC with the text from the
 * error on. The statistics of the documents worth a finding (depth,
 * aliases, introspection..., see graphql.c) and the largest batch are
 * kept in pts->gql for the request-level check.
 *
 * Every string value is decoded recursively: percent-decoding repeated
 * while it changes anything (the first pass of query/form values also
 * turns '+' into a space), HTML character references and JS escapes when
 * present, overlong UTF-8 forms folded, up to max_depth passes. Then its
 * inside is looked at, each a nesting level deeper (up to max_depth):
 * base64 text becomes PATH|base64, a JSON object/array PATH|json.KEY...,
 * an urlencoded form PATH|form.NAME. So "body.json.data|base64|json.cmd".
 *
 * What cannot be decoded is kept, flagged RP_WAF_PT_ANOMALY and counted:
 * a value with malformed %-escapes or invalid UTF-8 is flagged itself;
 * a body that does not parse as its type adds a point (at "body.json",
 * "body.xml", "body.multipart" or "body") holding the raw text that was
 * not decoded, so the detectors still see every byte. When max_points is
 * reached (pts->overflow), the section being decoded and every later one
 * each get one anomaly point with their remaining raw text instead of
 * being decoded: an attacker cannot push a payload past inspection by
 * sending many parameters first.
 *
 * Memory: the point array, paths and decoded values come from pts->arena;
 * a value that needed no decoding is a slice of the request (raw == value).
 */
#include "rampart/json.h"
#include "waf/decode_int.h"

#define PATH_CAP 1024 /* bytes of a point path (longer: not extended) */
#define SEG_CAP 128   /* bytes of one name in a path */
#define MAX_NEST 16   /* nesting levels whatever max_depth says: bounds the C stack */

void rp__waf_limits_defaults(rp_waf_limits_t *lim)
{
    if (!lim->max_depth)
        lim->max_depth = 5;
    if (!lim->max_points)
        lim->max_points = 2048;
    if (!lim->max_json_depth)
        lim->max_json_depth = 64;
    if (!lim->max_value)
        lim->max_value = 64 * 1024;
    if (!lim->max_decompressed)
        lim->max_decompressed = 4 * 1024 * 1024;
    if (!lim->max_ratio)
        lim->max_ratio = 100;
}

/* ---------------------------------------------------------------------- */
/* The point array.                                                         */

static size_t max_points_of(const rp__points_t *pts)
{
    return pts->lim && pts->lim->max_points ? pts->lim->max_points : 2048;
}

static size_t max_value_of(const rp__points_t *pts)
{
    return pts->lim && pts->lim->max_value ? pts->lim->max_value : 64 * 1024;
}

static rp_str_t cut(rp_str_t s, size_t max)
{
    if (s.n > max)
        s.n = max;
    return s;
}

/* Appends a point whose path is already stable memory; no limit check.
 * Inlined: slices passed through the stack by value cost a store-
 * forwarding stall per point, more than all the rest of the work. */
static inline __attribute__((always_inline)) rp_waf_point_t *
push(rp__points_t *pts, rp_str_t path, rp_str_t raw, rp_str_t value, unsigned src, unsigned flags,
     unsigned depth)
{
    if (pts->n == pts->cap) {
        size_t cap = pts->cap ? pts->cap * 2 : 32;
        rp_waf_point_t *v = rp_arena_alloc(pts->arena, cap * sizeof(*v));
        if (!v)
            return NULL;
        if (pts->n)
            memcpy(v, pts->v, pts->n * sizeof(*v));
        pts->v = v;
        pts->cap = cap;
    }
    rp_waf_point_t *p = &pts->v[pts->n++];
    p->path = path;
    p->raw = raw;
    p->value = value;
    p->src = src;
    p->flags = flags;
    p->depth = depth;
    if (flags & RP_WAF_PT_ANOMALY)
        pts->nanomalies++;
    return p;
}

/* A copy of path in the arena, or the previous point's path when equal
 * (a KEY point and the value after it share one). */
static int stable_path(rp__points_t *pts, rp_str_t path, rp_str_t *out)
{
    if (pts->n) {
        rp_str_t last = pts->v[pts->n - 1].path;
        if (rp_str_eq(last, path)) {
            *out = last;
            return 0;
        }
    }
    char *p = rp_arena_alloc(pts->arena, path.n ? path.n : 1);
    if (!p)
        return -1;
    if (path.n)
        memcpy(p, path.p, path.n);
    *out = rp_str(p, path.n);
    return 0;
}

rp_waf_point_t *rp__points_add(rp__points_t *pts, rp_str_t path, rp_str_t raw, rp_str_t value,
                               unsigned src, unsigned flags, unsigned depth)
{
    rp_str_t sp;
    size_t maxv = max_value_of(pts);
    if (pts->n >= max_points_of(pts)) {
        if (!pts->overflow) {
            pts->overflow = 1;
            raw = cut(raw, maxv);
            if (stable_path(pts, path, &sp) == 0)
                push(pts, sp, raw, raw, src, flags | RP_WAF_PT_ANOMALY, depth);
        }
        return NULL;
    }
    if (stable_path(pts, path, &sp) < 0)
        return NULL;
    return push(pts, sp, cut(raw, maxv), cut(value, maxv), src, flags, depth);
}

/* ---------------------------------------------------------------------- */
/* The builder.                                                             */

#define KEYS_INLINE 16

/* Names already given a KEY point: a few inline, a hash set beyond. */
typedef struct keyset {
    uint64_t small[KEYS_INLINE];
    uint64_t *h;      /* open addressing, 0: empty slot */
    size_t cap, n;
} keyset_t;

typedef struct pb {
    rp__points_t *pts;
    rp_arena_t *a;
    rp_waf_limits_t lim;
    size_t maxp;
    int err;                 /* RP_ENOMEM once memory ran out */
    int full;                /* the current section hit max_points */
    unsigned src;            /* RP_WAF_SRC_* of the current section */
    char path[PATH_CAP + SEG_CAP + 8];
    size_t plen;
    /* The section being decoded, for the overflow point. */
    rp_str_t sec;            /* its raw text */
    size_t sec_plen;         /* its path: a prefix of every path inside it */
    const char *top;         /* where the current top-level item starts in sec */
    keyset_t keys;
    char *pool;              /* arena memory for paths, handed out in order */
    size_t pool_left;
    size_t inflated;         /* bytes gzip/deflate gave so far: max_decompressed in all */
    rp__gql_def_t *gdefs;    /* the GraphQL fragment graph (arena), grown as documents need */
    rp__gql_spread_t *gspreads;
    size_t gdefs_cap, gspreads_cap;
} pb_t;

/* How the first decoding pass treats a value. */
enum { HOW_TEXT = 0, HOW_PCT, HOW_FORM };

static void path_set(pb_t *b, const char *s, size_t n)
{
    n = RP_MIN(n, (size_t)PATH_CAP);
    memcpy(b->path, s, n);
    b->plen = n;
}

/* Appends sep (when not 0) and s cut to SEG_CAP, if the path has room. */
static void path_seg(pb_t *b, char sep, const char *s, size_t n)
{
    n = RP_MIN(n, (size_t)SEG_CAP);
    if (b->plen + 1 + n > PATH_CAP)
        return;
    if (sep)
        b->path[b->plen++] = sep;
    if (n)
        memcpy(b->path + b->plen, s, n);
    b->plen += n;
}

/* A literal: its length known at compile time, no strlen per call. */
#define path_lit(b, lit) path_seg((b), 0, (lit), sizeof(lit) - 1)

/* One word of lower_copy(): +0x20 on the bytes in 'A'..'Z'. */
static inline void lower8(char *out, const char *s)
{
    uint64_t v, low;
    memcpy(&v, s, 8);
    low = v & 0x7f7f7f7f7f7f7f7full;
    uint64_t ge_a = low + 0x3f3f3f3f3f3f3f3full;   /* high bit: >= 'A' */
    uint64_t gt_z = low + 0x2525252525252525ull;   /* high bit: > 'Z' */
    v |= (ge_a & ~gt_z & ~v & 0x8080808080808080ull) >> 2;
    memcpy(out, &v, 8);
}

/* lower8() on four bytes. */
static inline void lower4(char *out, const char *s)
{
    uint32_t v, low;
    memcpy(&v, s, 4);
    low = v & 0x7f7f7f7fu;
    uint32_t ge_a = low + 0x3f3f3f3fu, gt_z = low + 0x25252525u;
    v |= (ge_a & ~gt_z & ~v & 0x80808080u) >> 2;
    memcpy(out, &v, 4);
}

/* Copies n bytes of s to out with 'A'..'Z' lower-cased (as rp_lower),
 * eight bytes per step, the last step overlapping the one before. */
static inline void lower_copy(char *out, const char *s, size_t n)
{
    if (n < 8) {
        if (n >= 4) {   /* "Host", "Accept": two words, overlapping */
            lower4(out, s);
            lower4(out + n - 4, s + n - 4);
            return;
        }
        for (size_t i = 0; i < n; i++)
            out[i] = (char)rp_lower((unsigned char)s[i]);
        return;
    }
    for (size_t i = 0; i + 8 < n; i += 8)
        lower8(out + i, s + i);
    lower8(out + n - 8, s + n - 8);
}

/* s equals the lower-case literal lit; s already lower-cased. */
#define IS_LIT(s, n, lit) ((n) == sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

static rp_str_t cur_path(const pb_t *b) { return rp_str(b->path, b->plen); }

/* Starts a section whose path is the current one. */
static void section(pb_t *b, unsigned src, rp_str_t raw)
{
    b->sec_plen = b->plen;
    b->src = src;
    b->sec = raw;
    b->top = raw.p;
    b->full = 0;
}

static void *balloc(pb_t *b, size_t n)
{
    void *p = rp_arena_alloc(b->a, n ? n : 1);
    if (!p)
        b->err = RP_ENOMEM;
    return p;
}

static rp_str_t bdup(pb_t *b, rp_str_t s)
{
    char *p = balloc(b, s.n);
    if (!p)
        return rp_str(s.p, 0);
    if (s.n)
        memcpy(p, s.p, s.n);
    return rp_str(p, s.n);
}

/* max_points reached inside the current section: one anomaly point with
 * the section's raw text from the current top-level item on. */
static void overflow(pb_t *b)
{
    rp__points_t *pts = b->pts;
    b->full = 1;
    pts->overflow = 1;
    const char *from = b->sec.p;
    if (b->top && b->top >= b->sec.p && b->top <= b->sec.p + b->sec.n)
        from = b->top;
    rp_str_t rest = cut(rp_str(from, b->sec.n - (size_t)(from - b->sec.p)), b->lim.max_value);
    rp_str_t sp;
    if (stable_path(pts, rp_str(b->path, RP_MIN(b->sec_plen, b->plen)), &sp) < 0 ||
        !push(pts, sp, rest, rest, b->src, RP_WAF_PT_ANOMALY, 0))
        b->err = RP_ENOMEM;
}

/* Adds a point at the current path. Returns 0, or -1 when the section
 * must stop (points limit or memory). */
static inline __attribute__((always_inline)) int add(pb_t *b, rp_str_t raw, rp_str_t value,
                                                      unsigned flags, unsigned depth)
{
    if (b->err || b->full)
        return -1;
    if (b->pts->n >= b->maxp) {
        overflow(b);
        return -1;
    }
    raw = cut(raw, b->lim.max_value);
    value = cut(value, b->lim.max_value);
    /* The path: the previous point's when equal (a KEY point and its
     * value), else a copy from the pool. */
    rp__points_t *pts = b->pts;
    rp_str_t sp;
    if (pts->n && pts->v[pts->n - 1].path.n == b->plen &&
        memcmp(pts->v[pts->n - 1].path.p, b->path, b->plen) == 0) {
        sp = pts->v[pts->n - 1].path;
    } else {
        if (b->pool_left < b->plen) {
            size_t sz = RP_MAX((size_t)2048, b->plen);
            if (!(b->pool = rp_arena_alloc(b->a, sz))) {
                b->err = RP_ENOMEM;
                return -1;
            }
            b->pool_left = sz;
        }
        memcpy(b->pool, b->path, b->plen);
        sp = rp_str(b->pool, b->plen);
        b->pool += b->plen;
        b->pool_left -= b->plen;
    }
    if (!push(pts, sp, raw, value, b->src, flags, depth)) {
        b->err = RP_ENOMEM;
        return -1;
    }
    return 0;
}

/* An anomaly point at `path` (the section's own when NULL) holding raw. */
static int add_anomaly(pb_t *b, const char *path, rp_str_t raw, unsigned depth)
{
    size_t keep = b->plen;
    char save[PATH_CAP + SEG_CAP + 8];
    memcpy(save, b->path, keep);
    if (path)
        path_set(b, path, strlen(path));
    raw = cut(raw, b->lim.max_value);
    int r = add(b, raw, raw, RP_WAF_PT_ANOMALY, depth);
    memcpy(b->path, save, keep);
    b->plen = keep;
    return r;
}

/* A quick 64-bit hash, eight bytes per step (collisions only cost a
 * missing KEY point). */
static uint64_t hash_more(uint64_t h, rp_str_t s)
{
    const unsigned char *p = (const unsigned char *)s.p;
    size_t n = s.n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n && s.n >= 8) {
        /* the same value from one load ending at the end, shifted */
        memcpy(&w, p + n - 8, 8);
        w >>= 8 * (8 - n);
        n = 0;
    }
#endif
    for (size_t i = 0; i < n; i++)   /* the last n < 8 bytes, p[0] lowest */
        w |= (uint64_t)p[i] << (8 * i);
    h = (h ^ w ^ ((uint64_t)s.n << 56)) * 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 31);
}

/* The identity of a KEY point: its path, which mostly ends with the name
 * itself ("body.json.user.id" for "id"); the name is hashed as well only
 * when the path does not show it whole (cut, or "a[b]" written "a.b"). */
static uint64_t hash_kv(rp_str_t path, rp_str_t name)
{
    uint64_t h = hash_more(0x243f6a8885a308d3ull, path);
    if (!(name.n <= path.n && name.n <= SEG_CAP &&
          (name.n == 0 || memcmp(path.p + path.n - name.n, name.p, name.n) == 0)))
        h = hash_more(h, name);
    return h ? h : 1;
}

/* 1 when (path, name) was seen before; else remembers it and returns 0. */
static int key_seen(pb_t *b, rp_str_t path, rp_str_t name)
{
    keyset_t *ks = &b->keys;
    uint64_t h = hash_kv(path, name);
    if (!ks->h) {
        for (size_t i = 0; i < ks->n; i++)
            if (ks->small[i] == h)
                return 1;
        if (ks->n < KEYS_INLINE) {
            ks->small[ks->n++] = h;
            return 0;
        }
    }
    if (ks->n * 2 >= ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 64;
        uint64_t *t = rp_arena_calloc(b->a, cap * sizeof(*t));
        if (!t) {
            b->err = RP_ENOMEM;
            return 1;
        }
        const uint64_t *from = ks->h ? ks->h : ks->small;
        size_t nfrom = ks->h ? ks->cap : ks->n;
        for (size_t i = 0; i < nfrom; i++) {
            if (!from[i])
                continue;
            size_t j = from[i] & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = from[i];
        }
        ks->h = t;
        ks->cap = cap;
    }
    size_t j = h & (ks->cap - 1);
    while (ks->h[j]) {
        if (ks->h[j] == h)
            return 1;
        j = (j + 1) & (ks->cap - 1);
    }
    ks->h[j] = h;
    ks->n++;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Decoding one value.                                                      */

enum {
    B_PCT = RP__SB_PCT,
    B_AMP = RP__SB_AMP,
    B_BSL = RP__SB_BSL,
    B_PLUS = RP__SB_PLUS,
    B_HIGH = RP__SB_HIGH,
    B_EQ = RP__SB_EQ,
    /* decode_value: the bits describe the value before the overlong
     * UTF-8 folding, which rewrote it (B_EQ is still what decides the
     * form check, as it always did) */
    B_STALE = 1u << 7,
    /* bytes outside both base64 alphabets */
    B_NOT_B64 = B_PCT | B_AMP | B_BSL | B_HIGH,
};

static inline unsigned scan_bits(rp_str_t s) { return rp__scan_specials(s.p, s.n); }

/* A JS/CSS escape worth decoding: \uXXXX, \u{..}, \xXX or \digit. Simple
 * escapes alone ("C:\temp") are left alone. */
static int has_js_escape(rp_str_t s)
{
    for (const char *q = memchr(s.p, '\\', s.n); q; ) {
        size_t i = (size_t)(q - s.p);
        if (i + 1 < s.n) {
            char c = s.p[i + 1];
            if (c == 'u' || c == 'x' || (c >= '0' && c <= '9'))
                return 1;
        }
        if (i + 2 >= s.n)
            break;
        q = memchr(s.p + i + 2, '\\', s.n - i - 2);
    }
    return 0;
}

/* RP_WAF_PT_DECODED when the value is not the raw text (both cut to
 * max_value already). */
static inline unsigned decoded_flag(rp_str_t cur, rp_str_t raw)
{
    return (cur.p != raw.p || cur.n != raw.n) && !rp_str_eq(cur, raw) ? RP_WAF_PT_DECODED : 0;
}

/* decode_value() for a value with something to decode; bits: its scan. */
static int decode_layers(pb_t *b, rp_str_t raw, rp_str_t cur, int how, unsigned bits,
                         rp_str_t *out, unsigned *flags, unsigned *bits_out)
{
    char *buf = NULL;
    int first = how != HOW_TEXT;
    unsigned pass;
    for (pass = 0; pass < b->lim.max_depth; pass++) {
        int ch = 0, bad = 0;
        int want_pct = (bits & B_PCT) || (first && how == HOW_FORM && (bits & B_PLUS));
        int want_html = (bits & B_AMP) != 0;
        int want_js = (bits & B_BSL) && has_js_escape(cur);
        if (!want_pct && !want_html && !want_js)
            break;
        if (!buf && !(buf = balloc(b, cur.n)))
            return -1;
        size_t n = 0;
        if (want_pct) {
            n = rp__pct_decode_ex(cur.p, cur.n, buf, first && how == HOW_FORM, &ch, &bad);
            if (bad && first)
                *flags |= RP_WAF_PT_ANOMALY;
        }
        if (!ch && want_html)
            n = rp__html_unescape(cur.p, cur.n, buf, &ch);
        if (!ch && want_js)
            n = rp__js_unescape(cur.p, cur.n, buf, &ch);
        first = 0;
        if (!ch)
            break;
        cur = rp_str(buf, n);
        bits = scan_bits(cur);
    }
    /* Every pass changed something: layers beyond the limit remain. */
    if (pass == b->lim.max_depth && (bits & (B_PCT | B_AMP | B_BSL)))
        *flags |= RP_WAF_PT_ANOMALY;
    if (bits & B_HIGH) {
        unsigned u = rp__utf8_check(cur.p, cur.n);
        if (u & RP__UTF8_OVERLONG) {
            if (!buf && !(buf = balloc(b, cur.n)))
                return -1;
            cur = rp_str(buf, rp__utf8_unoverlong(cur.p, cur.n, buf));
            u = rp__utf8_check(cur.p, cur.n);
            *flags |= RP_WAF_PT_ANOMALY;
            bits |= B_STALE;
        }
        if (u)
            *flags |= RP_WAF_PT_ANOMALY;
    }
    *flags |= decoded_flag(cur, cut(raw, b->lim.max_value));
    *out = cur;
    if (bits_out)
        *bits_out = bits;
    return 0;
}

/*
 * Decodes val (raw: the original bytes) as described at the top: the result
 * in *out, RP_WAF_PT_DECODED / RP_WAF_PT_ANOMALY in *flags, the value's
 * RP__SB_* bits in *bits_out (when not NULL). Returns 0, or -1 when memory
 * ran out. Inlined: most values need no decoding, and for them this is
 * one scan and a compare.
 */
static inline __attribute__((always_inline)) int
decode_value(pb_t *b, rp_str_t raw, rp_str_t val, int how, rp_str_t *out, unsigned *flags,
             unsigned *bits_out)
{
    rp_str_t cur = cut(val, b->lim.max_value);
    unsigned bits = scan_bits(cur);
    if (bits & ~B_EQ)
        return decode_layers(b, raw, cur, how, bits, out, flags, bits_out);
    /* nothing to decode: the common case */
    *flags |= decoded_flag(cur, cut(raw, b->lim.max_value));
    *out = cur;
    if (bits_out)
        *bits_out = bits;
    return 0;
}

static void json_walk(pb_t *b, rp_str_t s, unsigned depth, int top);
static int gql_walk(pb_t *b, rp_str_t doc, unsigned depth);
static void mark_structured(pb_t *b, size_t at, rp_str_t doc);
static void form_walk(pb_t *b, rp_str_t s, int semicolon, unsigned depth, int top);
static int json_valid(pb_t *b, rp_str_t s);

static rp_str_t trim_ws(rp_str_t s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' ||
                   s.p[s.n - 1] == '\n'))
        s.n--;
    return s;
}

static int looks_json(rp_str_t s)
{
    s = trim_ws(s);
    return s.n >= 2 && ((s.p[0] == '{' && s.p[s.n - 1] == '}') ||
                        (s.p[0] == '[' && s.p[s.n - 1] == ']'));
}

/* Base64 text (or "Scheme base64" as in Authorization) at the current
 * path: PATH|base64 with the decoded text, decoded further. */
static void nested_base64(pb_t *b, rp_str_t v, unsigned depth)
{
    char *out = balloc(b, v.n / 4 * 3 + 3);
    if (!out)
        return;
    size_t n = rp__base64_decode(v.p, v.n, out);
    if (n == (size_t)-1)
        return;
    rp_str_t dec = rp_str(out, n);
    size_t budget = b->lim.max_decompressed - RP_MIN(b->inflated, b->lim.max_decompressed);
    unsigned flags = 0;
    if (rp__looks_compressed(dec.p, dec.n) && budget) {
        rp_str_t inf;
        int r = rp__inflate(dec.p, dec.n, dec.n >= 2 && (unsigned char)dec.p[0] == 0x1f,
                            RP_MIN(b->lim.max_value, budget), b->lim.max_ratio, b->a, &inf);
        if (r == RP_ENOMEM) {
            b->err = RP_ENOMEM;
            return;
        }
        b->inflated += inf.n;
        if (inf.n)
            dec = inf;
        if (r < 0)
            flags |= RP_WAF_PT_ANOMALY;   /* corrupt, or cut at a limit */
    }
    size_t keep = b->plen;
    path_lit(b, "|base64");
    rp_str_t val;
    if (decode_value(b, dec, dec, HOW_TEXT, &val, &flags, NULL) == 0 &&
        add(b, v, val, flags | RP_WAF_PT_DECODED, depth) == 0) {
        /* decoded further below: the nested value's own inside */
        if (depth < b->lim.max_depth && depth < MAX_NEST) {
            if (looks_json(val) && json_valid(b, val)) {
                path_lit(b, "|json");
                json_walk(b, val, depth + 1, 0);
            } else if (memchr(val.p, '=', val.n) && rp__form_plausible(val.p, val.n)) {
                path_lit(b, "|form");
                form_walk(b, val, 0, depth + 1, 0);
            }
        }
    }
    b->plen = keep;
}

/*
 * Adds the point for a string value at the current path (raw: as in the
 * request or the enclosing decoded value; val: after the syntax's own
 * unescaping, e.g. JSON's), then what is inside it. `nest`: look inside.
 */
static int add_string(pb_t *b, rp_str_t raw, rp_str_t val, int how, unsigned flags,
                      unsigned depth, int nest)
{
    rp_str_t v;
    unsigned bits;
    if (b->err || b->full)
        return -1;
    if (decode_value(b, raw, val, how, &v, &flags, &bits) < 0)
        return -1;
    if (add(b, cut(raw, b->lim.max_value), v, flags, depth) < 0)
        return -1;
    if (!nest || (flags & RP_WAF_PT_KEY) || depth >= b->lim.max_depth || depth >= MAX_NEST ||
        v.n < 2)
        return 0;
    size_t keep = b->plen;
    char c0 = v.p[0];
    /* base64 only when no byte rules it out: the scan decode_value made
     * says so for most values at no cost */
    if (v.n >= 16 && ((bits & B_STALE) || !(bits & B_NOT_B64)) &&
        rp__base64_plausible(v.p, v.n)) {
        nested_base64(b, v, depth + 1);
    } else if ((c0 == '{' || c0 == '[' || c0 == ' ' || c0 == '\t' || c0 == '\r' || c0 == '\n') &&
               looks_json(v) && json_valid(b, v)) {
        path_lit(b, "|json");
        json_walk(b, v, depth + 1, 0);
    } else if ((bits & B_EQ) && rp__form_plausible(v.p, v.n)) {
        path_lit(b, "|form");
        form_walk(b, v, 0, depth + 1, 0);
    }
    b->plen = keep;
    return b->err || b->full ? -1 : 0;
}

/* ---------------------------------------------------------------------- */
/* JSON.                                                                    */

#define JW_SMALL 64

typedef struct jw {
    pb_t *b;
    unsigned depth;       /* point depth */
    int top;              /* the section's top level: track b->top */
    size_t *frames;       /* path length at each open container */
    size_t nf, fcap;
    size_t small[JW_SMALL];
    const char *last_end; /* just past the last token reported */
    const char *last_ok;  /* just past the last token that became a point */
    char root;            /* 'o' / 'a': the root is an object / an array */
    int gql_key;          /* the value next is a root "query" member */
    uint32_t gql_ops;     /* GraphQL documents in the root array's objects */
} jw_t;

static int noop_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    RP_UNUSED(ud);
    RP_UNUSED(ev);
    RP_UNUSED(value);
    RP_UNUSED(raw);
    return 0;
}

static int json_valid(pb_t *b, rp_str_t s)
{
    int r = rp_json_parse(s.p, s.n, b->lim.max_json_depth, b->a, noop_cb, NULL, NULL);
    if (r == RP_JSON_NOMEM)
        b->err = RP_ENOMEM;
    return r == RP_JSON_OK;
}

static int jw_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    jw_t *w = ud;
    pb_t *b = w->b;
    int is_str = ev == RP_JSON_STRING || ev == RP_JSON_KEY, r;
    /* Should the points run out here, what was not turned into points
     * yet starts after the last token that was. */
    if (w->top)
        b->top = w->last_ok;
    w->last_end = raw.p + raw.n + (is_str ? 1 : 0);
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN:
        if (w->nf == w->fcap) {
            /* deeper than JW_SMALL: max_json_depth allows it */
            size_t cap = w->fcap * 2;
            size_t *f = balloc(b, cap * sizeof(*f));
            if (!f)
                return -1;
            memcpy(f, w->frames, w->nf * sizeof(*f));
            w->frames = f;
            w->fcap = cap;
        }
        if (w->nf == 0 && !w->root)
            w->root = ev == RP_JSON_ARRAY_BEGIN ? 'a' : 'o';
        w->frames[w->nf++] = b->plen;
        if (ev == RP_JSON_ARRAY_BEGIN)
            path_seg(b, 0, "[]", 2);
        return 0;
    case RP_JSON_OBJECT_END:
    case RP_JSON_ARRAY_END:
        if (w->nf)
            b->plen = w->frames[--w->nf];
        return 0;
    case RP_JSON_KEY: {
        if (w->nf)
            b->plen = w->frames[w->nf - 1];
        /* a GraphQL request: {"query": ..} or [{"query": ..}, ..] */
        w->gql_key = w->top && w->depth == 0 &&
                     ((w->nf == 1 && w->root == 'o') || (w->nf == 2 && w->root == 'a')) &&
                     rp_str_eq(value, RP_STRLIT("query"));
        path_seg(b, '.', value.p, value.n);
        if (key_seen(b, cur_path(b), value)) {
            w->last_ok = w->last_end;
            return b->err ? -1 : 0;
        }
        if (value.p != raw.p)
            value = bdup(b, value);
        r = add_string(b, raw, value, HOW_TEXT, RP_WAF_PT_KEY, w->depth, 0);
        break;
    }
    case RP_JSON_STRING:
        /* unescaped text lives in the parser's scratch: keep a copy */
        if (value.p != raw.p)
            value = bdup(b, value);
        size_t at = b->pts->n;
        r = add_string(b, raw, value, HOW_TEXT, 0, w->depth, 1);
        if (r == 0 && w->gql_key && rp__gql_looks_document(value.p, value.n)) {
            size_t keep = b->plen;
            w->gql_ops += w->root == 'a';
            path_lit(b, "|graphql");
            if (gql_walk(b, value, w->depth + 1))
                mark_structured(b, at, value);
            b->plen = keep;
            r = b->err || b->full ? -1 : 0;
        }
        w->gql_key = 0;
        break;
    default:
        r = add(b, raw, raw, RP_WAF_PT_NUMBER, w->depth);
        break;
    }
    if (r == 0)
        w->last_ok = w->last_end;
    return r;
}

/* JSON text s at the current path (which is restored). A document that
 * does not parse adds an anomaly point there with the text not decoded. */
static void json_walk(pb_t *b, rp_str_t s, unsigned depth, int top)
{
    jw_t w;
    size_t keep = b->plen;
    memset(&w, 0, sizeof(w));
    w.b = b;
    w.depth = depth;
    w.top = top;
    w.frames = w.small;
    w.fcap = JW_SMALL;
    w.last_end = w.last_ok = s.p;
    int r = rp_json_parse(s.p, s.n, b->lim.max_json_depth, b->a, jw_cb, &w, NULL);
    b->plen = keep;
    if (r == RP_JSON_NOMEM)
        b->err = RP_ENOMEM;
    if (w.gql_ops > b->pts->gql.batch) {
        b->pts->gql.batch = w.gql_ops;
        b->pts->gql.batch_path = bdup(b, cur_path(b));
    }
    if (r == RP_JSON_SYNTAX || r == RP_JSON_TOO_DEEP) {
        const char *from = w.last_end;
        if (from < s.p || from > s.p + s.n)
            from = s.p;
        rp_str_t rest = rp_str(from, s.n - (size_t)(from - s.p));
        add(b, cut(rest, b->lim.max_value), cut(rest, b->lim.max_value), RP_WAF_PT_ANOMALY, depth);
    }
}

/* ---------------------------------------------------------------------- */
/* GraphQL.                                                                 */

typedef struct gw {
    pb_t *b;
    size_t base;          /* path length of the document's path */
    unsigned depth;
} gw_t;

/* A string argument: a point at the document's path + its own. */
static int gw_string_cb(void *ud, rp_str_t rel, rp_str_t raw, int block)
{
    gw_t *w = ud;
    pb_t *b = w->b;
    if (b->err || b->full)
        return -1;
    b->plen = w->base;
    if (b->plen < PATH_CAP) {
        size_t n = RP_MIN(rel.n, (size_t)PATH_CAP - b->plen);
        memcpy(b->path + b->plen, rel.p, n);
        b->plen += n;
    }
    rp_str_t val = raw;
    if (block || memchr(raw.p, '\\', raw.n)) {
        char *out = balloc(b, raw.n);
        if (!out)
            return -1;
        val = rp_str(out, rp__gql_string_value(raw, block, out));
    }
    int r = add_string(b, raw, val, HOW_TEXT, 0, w->depth, 1);
    b->plen = w->base;
    return r;
}

/* Keeps the statistics of a document worth a finding: the first ones,
 * or in place of one that calls for less. */
static void gql_keep(pb_t *b, rp_str_t doc, const rp__gql_stats_t *st)
{
    int worst = rp__gql_worst(st);
    if (worst == 0)
        return;
    rp__points_t *pts = b->pts;
    rp__gql_doc_t *slot = NULL;
    if (pts->gql.nkept < RP__GQL_KEPT) {
        slot = &pts->gql.kept[pts->gql.nkept++];
    } else {
        int low = worst;
        for (size_t i = 0; i < RP__GQL_KEPT; i++) {
            int w = rp__gql_worst(&pts->gql.kept[i].st);
            if (w < low) {
                low = w;
                slot = &pts->gql.kept[i];
            }
        }
        if (!slot)
            return;
    }
    slot->path = bdup(b, cur_path(b));
    slot->text = doc;
    slot->st = *st;
}

/* A GraphQL document at the current path (restored): its string
 * arguments as points at `depth`, an anomaly point when malformed. */
/* The document point added at index `at` parsed as GraphQL: its strings
 * are points of their own, the rest is syntax (names cannot carry an
 * injection), so the per-value detectors skip it. */
static void mark_structured(pb_t *b, size_t at, rp_str_t doc)
{
    if (at < b->pts->n && b->pts->v[at].value.n == doc.n)
        b->pts->v[at].flags |= RP_WAF_PT_STRUCTURED;
}

/* Parses doc as GraphQL, adding its argument points; 1 when it parsed. */
static int gql_walk(pb_t *b, rp_str_t doc, unsigned depth)
{
    /* The fragment graph only when there are spreads, as large as the
     * document can need (a definition per '{' at most, a spread per
     * "..."), within the RP_GQL_MAX_* caps; reused by later documents. */
    size_t nspreads = 0, nbraces = 0;
    const char *q = doc.p, *end = doc.p + doc.n;
    while ((q = memchr(q, '.', (size_t)(end - q)))) {
        if (end - q >= 3 && q[1] == '.' && q[2] == '.') {
            nspreads++;
            q += 3;
        } else {
            q++;
        }
    }
    for (q = doc.p; nspreads && (q = memchr(q, '{', (size_t)(end - q))); q++)
        nbraces++;
    nspreads = RP_MIN(nspreads, (size_t)RP_GQL_MAX_SPREADS);
    nbraces = RP_MIN(nbraces, (size_t)RP_GQL_MAX_DEFS);
    if (nspreads && (nspreads > b->gspreads_cap || nbraces > b->gdefs_cap)) {
        size_t nd = RP_MAX(nbraces, b->gdefs_cap), ns = RP_MAX(nspreads, b->gspreads_cap);
        b->gdefs = balloc(b, nd * sizeof(*b->gdefs));
        b->gspreads = balloc(b, ns * sizeof(*b->gspreads));
        b->gdefs_cap = b->gspreads_cap = 0;
        if (!b->gdefs || !b->gspreads)
            return 0;
        b->gdefs_cap = nd;
        b->gspreads_cap = ns;
    }
    rp__gql_t g;
    gw_t w = { b, b->plen, depth };
    memset(&g, 0, sizeof(g));
    g.on_string = depth <= b->lim.max_depth && depth <= MAX_NEST ? gw_string_cb : NULL;
    g.ud = &w;
    if (nspreads) {
        g.defs = b->gdefs;
        g.defs_cap = nbraces;
        g.spreads = b->gspreads;
        g.spreads_cap = nspreads;
    }
    int r = rp__gql_parse(&g, doc.p, doc.n);
    b->plen = w.base;
    b->pts->gql.ndocs++;
    gql_keep(b, doc, &g.st);
    if (r != RP_GQL_OK && !b->err && !b->full) {
        size_t off = RP_MIN(g.err_off, doc.n);
        rp_str_t rest = cut(rp_str(doc.p + off, doc.n - off), b->lim.max_value);
        add(b, rest, rest, RP_WAF_PT_ANOMALY, RP_MIN(depth, b->lim.max_depth));
    }
    return r == RP_GQL_OK && !b->err && !b->full;
}

/* ---------------------------------------------------------------------- */
/* Forms, cookies, path.                                                    */

/* One name=value pair at the current path + "." + name: the KEY point
 * (first time only) and the value point. */
static int add_pair(pb_t *b, const rp__kv_t *kv, int how, int brackets, unsigned depth)
{
    rp_str_t name;
    unsigned kflags = RP_WAF_PT_KEY;
    size_t keep = b->plen;
    if (decode_value(b, kv->key, kv->key, how, &name, &kflags, NULL) < 0)
        return -1;
    if (brackets) {
        char seg[SEG_CAP];
        size_t n = rp__form_name_path(name.p, name.n, seg, sizeof(seg));
        path_seg(b, '.', seg, n);
    } else {
        path_seg(b, '.', name.p, name.n);
    }
    int r = 0;
    if (!key_seen(b, cur_path(b), name))
        r = add(b, cut(kv->key, b->lim.max_value), name, kflags, depth);
    size_t at = b->pts->n;
    if (r == 0 && !b->err)
        r = add_string(b, kv->vraw, kv->value, how, 0, depth, 1);
    /* GraphQL over GET (and urlencoded POST): a top-level "query" whose
     * decoded value starts as a document is one, as in a JSON body */
    if (r == 0 && how == HOW_FORM && depth == 0 && at < b->pts->n &&
        (b->src & (RP_WAF_SRC_QUERY | RP_WAF_SRC_BODY)) && rp_str_eq(name, RP_STRLIT("query"))) {
        rp_str_t doc = b->pts->v[at].value;
        if (rp__gql_looks_document(doc.p, doc.n)) {
            path_lit(b, "|graphql");
            if (gql_walk(b, doc, depth + 1))
                mark_structured(b, at, doc);
            r = b->err || b->full ? -1 : 0;
        }
    }
    b->plen = keep;
    return b->err ? -1 : r;
}

static void form_walk(pb_t *b, rp_str_t s, int semicolon, unsigned depth, int top)
{
    size_t pos = 0;
    rp__kv_t kv;
    while (rp__form_next(s, &pos, semicolon, &kv)) {
        if (top)
            b->top = kv.raw.p;
        if (add_pair(b, &kv, HOW_FORM, 1, depth) < 0)
            return;
    }
}

static void cookie_walk(pb_t *b, rp_str_t s)
{
    size_t pos = 0;
    rp__kv_t kv;
    while (rp__cookie_next(s, &pos, &kv)) {
        b->top = kv.raw.p;
        if (add_pair(b, &kv, HOW_PCT, 0, 0) < 0)
            return;
    }
}

static size_t u_to_a(size_t v, char *out)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static void path_walk(pb_t *b, rp_str_t p)
{
    path_set(b, "path", 4);
    section(b, RP_WAF_SRC_PATH, p);
    if (add_string(b, p, p, HOW_PCT, 0, 0, 0) < 0)
        return;
    size_t i = 0, idx = 0;
    while (i < p.n) {
        size_t s = i;
        while (i < p.n && p.p[i] != '/')
            i++;
        rp_str_t seg = rp_str(p.p + s, i - s);
        if (i < p.n)
            i++;
        if (seg.n == 0)
            continue;
        b->top = seg.p;
        char num[24];
        size_t numlen = u_to_a(idx++, num);
        path_set(b, "path.", 5);
        path_seg(b, 0, num, numlen);
        size_t base = b->plen;
        const char *semi = memchr(seg.p, ';', seg.n);
        rp_str_t name = semi ? rp_str(seg.p, (size_t)(semi - seg.p)) : seg;
        if (add_string(b, name, name, HOW_PCT, 0, 0, 1) < 0)
            return;
        if (!semi)
            continue;
        /* matrix parameters: path.N;name = value */
        rp_str_t params = rp_str(semi + 1, seg.n - name.n - 1);
        size_t pos = 0;
        rp__kv_t kv;
        while (rp__form_next(params, &pos, 1, &kv)) {
            rp_str_t k;
            unsigned kf = 0;
            if (decode_value(b, kv.key, kv.key, HOW_PCT, &k, &kf, NULL) < 0)
                return;
            b->plen = base;
            path_seg(b, ';', k.p, k.n);
            if (add_string(b, kv.value, kv.value, HOW_PCT, 0, 0, 1) < 0)
                return;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* XML.                                                                     */

typedef struct xw {
    pb_t *b;
    unsigned depth;
    rp_str_t doc;
    size_t base;     /* path length of the prefix ("body.xml") */
} xw_t;

static int inside(rp_str_t s, rp_str_t doc)
{
    return s.p >= doc.p && s.p + s.n <= doc.p + doc.n;
}

static int xw_cb(void *ud, rp__xml_event_t ev, rp_str_t path, rp_str_t raw, rp_str_t value)
{
    xw_t *w = ud;
    pb_t *b = w->b;
    b->plen = w->base;
    if (path.n && path.p[0] != '?' && path.p[0] != '!')
        path_seg(b, '.', path.p, RP_MIN(path.n, (size_t)PATH_CAP));
    else
        path_seg(b, 0, path.p, RP_MIN(path.n, (size_t)PATH_CAP));
    /* expat's memory is gone after the call: keep copies of what is not
     * a slice of the document */
    if (!inside(value, w->doc)) {
        int same = raw.p == value.p && raw.n == value.n;
        value = bdup(b, cut(value, b->lim.max_value));
        if (same)
            raw = value;
    }
    if (!inside(raw, w->doc))
        raw = bdup(b, cut(raw, b->lim.max_value));
    if (b->err)
        return -1;
    int nest = ev == RP__XML_TEXT || ev == RP__XML_ATTR;
    return add_string(b, raw, value, HOW_TEXT, 0, w->depth, nest) < 0 ? -1 : 0;
}

static void xml_walk(pb_t *b, rp_str_t s, unsigned depth)
{
    xw_t w = { b, depth, s, b->plen };
    size_t keep = b->plen;
    char prefix[PATH_CAP + SEG_CAP + 8];
    memcpy(prefix, b->path, keep);
    size_t err = 0;
    int r = rp__xml_parse(s.p, s.n, b->lim.max_json_depth, b->lim.max_value, xw_cb, &w, &err);
    memcpy(b->path, prefix, keep);
    b->plen = keep;
    if (r == -4)
        b->err = RP_ENOMEM;
    else if (r == -1 || r == -2)
        add(b, cut(s, b->lim.max_value), cut(s, b->lim.max_value), RP_WAF_PT_ANOMALY, depth);
}

/* ---------------------------------------------------------------------- */
/* Bodies.                                                                  */

enum { K_OTHER = 0, K_FORM, K_JSON, K_NDJSON, K_MULTIPART, K_XML, K_GRAPHQL };

static int body_kind(rp_str_t ct)
{
    if (ct.n == 0)
        return K_OTHER;
    const char *semi = memchr(ct.p, ';', ct.n);
    rp_str_t mt = rp_str_trim(semi ? rp_str(ct.p, (size_t)(semi - ct.p)) : ct);
    const char *sl = memchr(mt.p, '/', mt.n);
    if (!sl)
        return K_OTHER;
    rp_str_t type = rp_str(mt.p, (size_t)(sl - mt.p));
    rp_str_t sub = rp_str(sl + 1, mt.n - type.n - 1);
    /* Compared lower-cased, once: the start of the media type (enough for
     * every whole name below: the longest is 33 bytes) and the end of the
     * subtype (enough for every subtype name and suffix: 11 bytes at most). */
    char m[33], e[11];
    size_t en = RP_MIN(sub.n, sizeof(e));
    const char *ue = e + en;   /* the subtype ends here */
    lower_copy(m, mt.p, RP_MIN(mt.n, sizeof(m)));
    lower_copy(e, sub.p + sub.n - en, en);
#define MT_IS(lit) IS_LIT(m, mt.n, lit)
#define SUB_IS(lit) IS_LIT(ue - RP_MIN(sub.n, sizeof(lit) - 1), sub.n, lit)
#define SUB_ENDS(lit) (sub.n >= sizeof(lit) - 1 && memcmp(ue - (sizeof(lit) - 1), lit, sizeof(lit) - 1) == 0)
    int kind = K_OTHER;
    if (MT_IS("application/x-www-form-urlencoded"))
        kind = K_FORM;
    else if (IS_LIT(m, type.n, "multipart"))
        kind = K_MULTIPART;
    else if (MT_IS("application/graphql"))
        kind = K_GRAPHQL;
    else if (SUB_IS("x-ndjson") || SUB_IS("ndjson") || SUB_IS("jsonl") || SUB_IS("x-jsonlines") ||
             SUB_IS("json-seq"))
        kind = K_NDJSON;
    else if (SUB_IS("json") || SUB_ENDS("+json") || SUB_IS("x-json") || SUB_IS("csp-report"))
        kind = K_JSON;
    else if (SUB_IS("xml") || SUB_ENDS("+xml"))
        kind = K_XML;
#undef MT_IS
#undef SUB_IS
#undef SUB_ENDS
    return kind;
}

/* One JSON document per line (application/x-ndjson, json-seq's RS too). */
static void ndjson_walk(pb_t *b, rp_str_t s, unsigned depth)
{
    size_t i = 0;
    while (i < s.n && !b->err && !b->full) {
        size_t st = i;
        while (i < s.n && s.p[i] != '\n')
            i++;
        rp_str_t line = rp_str(s.p + st, i - st);
        if (i < s.n)
            i++;
        while (line.n && (line.p[0] == 0x1e || line.p[0] == ' ' || line.p[0] == '\t')) {
            line.p++;
            line.n--;
        }
        line = trim_ws(line);
        if (line.n) {
            b->top = line.p;
            json_walk(b, line, depth, 1);
        }
    }
}

static void multipart_walk(pb_t *b, rp_str_t body, rp_str_t ctype);

/* Content of a known kind at the current path; `tag` appends ".json",
 * ".form", ".xml" (the body itself) or nothing (a multipart part). */
static void typed_walk(pb_t *b, int kind, rp_str_t s, rp_str_t ctype, int tag)
{
    size_t keep = b->plen;
    switch (kind) {
    case K_FORM:
        if (tag)
            path_lit(b, ".form");
        form_walk(b, s, 0, 0, 1); /* only '&' separates, as WHATWG URL and today's frameworks do */
        break;
    case K_JSON:
        if (tag)
            path_lit(b, ".json");
        json_walk(b, s, 0, 1);
        break;
    case K_NDJSON:
        if (tag)
            path_lit(b, ".json");
        ndjson_walk(b, s, 0);
        break;
    case K_XML:
        if (tag)
            path_lit(b, ".xml");
        xml_walk(b, s, 0);
        break;
    case K_MULTIPART:
        if (tag)
            path_lit(b, ".multipart");
        multipart_walk(b, s, ctype);
        break;
    case K_GRAPHQL:
        /* the document itself, then its arguments */
        if (tag)
            path_lit(b, ".graphql");
    {
        size_t at = b->pts->n;
        if (add_string(b, s, s, HOW_TEXT, 0, 0, 0) == 0 && gql_walk(b, s, 0))
            mark_structured(b, at, s);
    }
        break;
    default:
        break;
    }
    b->plen = keep;
}

/* Unknown type: JSON if it parses, a form if it looks like one, else text. */
static void sniff_walk(pb_t *b, rp_str_t s)
{
    size_t keep = b->plen;
    if (looks_json(s) && json_valid(b, s)) {
        typed_walk(b, K_JSON, s, RP_STR_NULL, 1);
    } else if (memchr(s.p, '=', s.n) && rp__form_plausible(s.p, s.n)) {
        typed_walk(b, K_FORM, s, RP_STR_NULL, 1);
    } else {
        path_lit(b, ".text");
        add_string(b, s, s, HOW_TEXT, 0, 0, 1);
    }
    b->plen = keep;
}

static int text_like(rp_str_t ct)
{
    return ct.n == 0 || rp_str_has_prefix(ct, RP_STRLIT("text/")) ||
           rp_str_has_prefix(ct, RP_STRLIT("TEXT/"));
}

static void multipart_walk(pb_t *b, rp_str_t body, rp_str_t ctype)
{
    rp_str_t boundary;
    size_t base = b->plen;
    if (rp__multipart_boundary(ctype, &boundary) < 0) {
        add(b, cut(body, b->lim.max_value), cut(body, b->lim.max_value), RP_WAF_PT_ANOMALY, 0);
        return;
    }
    rp__multipart_t m;
    rp__mp_part_t part;
    int truncated = 0;
    rp__multipart_init(&m, boundary, body);
    while (!b->err && !b->full && rp__multipart_next(&m, &part)) {
        b->top = part.headers.p;
        b->plen = base;
        rp_str_t name;
        unsigned nf = RP_WAF_PT_KEY;
        if (decode_value(b, part.name, part.name, HOW_TEXT, &name, &nf, NULL) < 0)
            return;
        path_seg(b, '.', name.p, name.n);
        size_t pbase = b->plen;
        if (!key_seen(b, cur_path(b), name) &&
            add(b, cut(part.name, b->lim.max_value), name, nf, 0) < 0)
            return;
        if (part.filename.n || part.filename_star.n) {
            path_lit(b, ".filename");
            if (part.filename.n &&
                add_string(b, part.filename, part.filename, HOW_TEXT, 0, 0, 0) < 0)
                return;
            if (part.filename_star.n &&
                add_string(b, part.filename_star, part.filename_star, HOW_PCT, 0, 0, 0) < 0)
                return;
            b->plen = pbase;
        }
        int kind = body_kind(part.ctype);
        if (kind != K_OTHER && kind != K_MULTIPART) {
            typed_walk(b, kind, part.body, part.ctype, 0);
        } else if (part.has_filename && !text_like(part.ctype)) {
            /* a file: its bytes as they are, no decoding */
            rp_str_t c = cut(part.body, b->lim.max_value);
            if (add(b, c, c, 0, 0) < 0)
                return;
        } else if (add_string(b, part.body, part.body, HOW_TEXT, 0, 0, 1) < 0) {
            return;
        }
        b->plen = base;
        if (part.flags & RP__MP_TRUNCATED) {
            truncated = 1;
            add(b, rp_str(part.headers.p, (size_t)(body.p + body.n - part.headers.p)),
                rp_str(part.headers.p, (size_t)(body.p + body.n - part.headers.p)),
                RP_WAF_PT_ANOMALY, 0);
        } else if (part.flags & (RP__MP_BAD_HEADERS | RP__MP_NO_NAME)) {
            add(b, part.headers, part.headers, RP_WAF_PT_ANOMALY, 0);
        }
    }
    b->plen = base;
    if (b->err || b->full)
        return;
    if (m.anomalies & RP__MP_NO_DELIMITER)
        add_anomaly(b, NULL, body, 0);
    if ((m.anomalies & RP__MP_NO_CLOSE) && !truncated)
        add_anomaly(b, NULL, rp_str(body.p + body.n, 0), 0);
    if (m.anomalies & RP__MP_JUNK)
        add_anomaly(b, NULL, body, 0);
    if (m.anomalies & RP__MP_PREAMBLE) {
        if (trim_ws(m.preamble).n && !(m.anomalies & RP__MP_NO_DELIMITER))
            add_anomaly(b, NULL, m.preamble, 0);
        if (trim_ws(m.epilogue).n)
            add_anomaly(b, NULL, m.epilogue, 0);
    }
}

/* Content-Encoding: undo each coding, last applied first. Returns the
 * decoded body, or the body itself with an anomaly point when a coding
 * is unknown, corrupt or over the limits. */
static int body_decode(pb_t *b, rp_str_t ce, rp_str_t *body)
{
    rp_str_t codings[4];
    size_t nc = 0, pos = 0;
    rp_str_t e;
    while (rp_str_next_list_elem(ce, &pos, &e)) {
        if (rp_str_ieq(e, RP_STRLIT("identity")))
            continue;
        if (nc == RP_ARRAY_SIZE(codings))
            return add_anomaly(b, "body", *body, 0), -1;
        codings[nc++] = e;
    }
    while (nc > 0) {
        e = codings[--nc];
        int gz = rp_str_ieq(e, RP_STRLIT("gzip")) || rp_str_ieq(e, RP_STRLIT("x-gzip"));
        if (!gz && !rp_str_ieq(e, RP_STRLIT("deflate"))) {
            add_anomaly(b, "body", *body, 0);
            return -1;   /* br, zstd, compress: we cannot look inside */
        }
        rp_str_t out;
        size_t budget = b->lim.max_decompressed - RP_MIN(b->inflated, b->lim.max_decompressed);
        int r = rp__inflate(body->p, body->n, gz, budget, b->lim.max_ratio, b->a, &out);
        b->inflated += out.n;
        if (r == RP_ENOMEM) {
            b->err = RP_ENOMEM;
            return -1;
        }
        if (r < 0) {
            /* corrupt (-1) or a bomb (-2): what came out is still inspected */
            add_anomaly(b, "body", *body, 0);
            if (out.n == 0)
                return -1;
        }
        *body = out;
    }
    return 0;
}

static void body_walk(pb_t *b, const rp_waf_request_t *req, rp_str_t ctype, rp_str_t cenc)
{
    rp_str_t body = req->body;
    path_set(b, "body", 4);
    section(b, RP_WAF_SRC_BODY, body);
    if (cenc.n && body_decode(b, cenc, &body) < 0)
        return;
    section(b, RP_WAF_SRC_BODY, body);
    int kind = ctype.n ? body_kind(ctype) : K_OTHER;
    if (kind == K_OTHER)
        sniff_walk(b, body);
    else
        typed_walk(b, kind, body, ctype, 1);
}

/* ---------------------------------------------------------------------- */

/* Sets the path "header." + the name lower-cased (cut to SEG_CAP) and
 * returns that lower-cased name, which the caller classifies with plain
 * compares: one pass over the name for both. */
static rp_str_t header_path(pb_t *b, rp_str_t name)
{
    size_t n = RP_MIN(name.n, (size_t)SEG_CAP);
    path_set(b, "header.", 7);
    lower_copy(b->path + b->plen, name.p, n);
    b->plen += n;
    return rp_str(b->path + 7, n);
}

/* A header other than Cookie; the path is set (header_path). lname: its
 * name lower-cased. */
static void header_walk(pb_t *b, const rp_waf_header_t *h, rp_str_t lname)
{
    section(b, RP_WAF_SRC_HEADER, h->value);
    if (add_string(b, h->value, h->value, HOW_TEXT, 0, 0, 1) < 0)
        return;
    /* Authorization: Basic base64(user:password) */
    if (h->value.n > 6 && (h->value.p[0] | 0x20) == 'b' &&
        rp_str_ieq(rp_str(h->value.p, 6), RP_STRLIT("basic ")) &&
        (IS_LIT(lname.p, h->name.n, "authorization") ||
         IS_LIT(lname.p, h->name.n, "proxy-authorization"))) {
        rp_str_t cred = rp_str_trim(rp_str(h->value.p + 6, h->value.n - 6));
        if (cred.n && cred.n <= b->lim.max_value)
            nested_base64(b, cred, 1);
    }
}

int rp__waf_points_build(rp__points_t *pts, const rp_waf_request_t *req)
{
    pb_t pb, *b = &pb;
    /* not zeroed whole: the path buffers are large and always set first */
    b->err = b->full = 0;
    b->plen = 0;
    b->keys.h = NULL;
    b->keys.cap = b->keys.n = 0;
    b->pool = NULL;
    b->pool_left = 0;
    b->inflated = 0;
    b->gdefs = NULL;
    b->gspreads = NULL;
    b->gdefs_cap = b->gspreads_cap = 0;
    b->lim = (rp_waf_limits_t){ 0 };
    b->pts = pts;
    b->a = pts->arena;
    if (pts->lim)
        b->lim = *pts->lim;
    rp__waf_limits_defaults(&b->lim);
    b->maxp = b->lim.max_points;
    if (!pts->v)
        pts->cap = 0;

    /* path */
    if (req->path.n)
        path_walk(b, req->path);

    /* query */
    if (req->query.n && !b->err) {
        path_set(b, "query", 5);
        section(b, RP_WAF_SRC_QUERY, req->query);
        form_walk(b, req->query, 0, 0, 1);
    }

    /* headers and cookies */
    rp_str_t ctype = RP_STR_NULL, cenc = RP_STR_NULL;
    int have_ct = 0, have_ce = 0;
    for (size_t i = 0; i < req->nheaders && !b->err; i++) {
        const rp_waf_header_t *h = &req->headers[i];
        /* (names of 6..19 bytes are whole in lname: SEG_CAP is more) */
        rp_str_t lname = header_path(b, h->name);
        if (IS_LIT(lname.p, h->name.n, "cookie")) {
            path_set(b, "cookie", 6);
            section(b, RP_WAF_SRC_COOKIE, h->value);
            cookie_walk(b, h->value);
            continue;
        }
        if (!have_ct && IS_LIT(lname.p, h->name.n, "content-type")) {
            ctype = rp_str_trim(h->value);
            have_ct = 1;
        } else if (!have_ce && IS_LIT(lname.p, h->name.n, "content-encoding")) {
            cenc = h->value;
            have_ce = 1;
        }
        header_walk(b, h, lname);
    }

    /* body */
    if (req->body.n && !b->err)
        body_walk(b, req, ctype, cenc);
    return b->err;
}
