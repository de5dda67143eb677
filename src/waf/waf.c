/*
 * The engine: options, per-thread scratch, and one inspection = points,
 * then every applicable detector on every point, then the verdict.
 *
 * A finding is kept per (attack class, point path): a value that trips
 * the SQLi detector in three contexts is one finding. The verdict keeps
 * the RP_WAF_MAX_FINDINGS highest-scoring ones and counts the rest.
 * Findings below the block score are listed (suspicious) but do not count
 * as an attack class found.
 */
#include "waf/waf_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rp_waf {
    rp_waf_opts_t opts;
    /* The per-value detectors as bits (bit k: rp__waf_detectors[k]):
     * trig[b] has the bits of the detectors with byte b among their
     * trigger bytes, untriggered those with none (they always run),
     * enabled those whose class opts.attacks turns on. */
    uint64_t trig[256];
    uint64_t untriggered;
    uint64_t enabled;
};

/* One inspection, as request-level detectors report into it. */
struct rp__waf_ctx {
    const rp_waf_t *w;
    rp_waf_verdict_t *v;
    const rp_waf_exclusion_t *ex;
    size_t nex;
};

struct rp_waf_scratch {
    rp_arena_t arena;
    rp__points_t pts;
    rp_waf_limits_t lim;
};

static const char *const attack_names[RP_WAF_ATTACK__COUNT] = {
    [RP_WAF_SQLI] = "sqli",       [RP_WAF_XSS] = "xss",         [RP_WAF_CMDI] = "cmdi",
    [RP_WAF_TRAVERSAL] = "traversal", [RP_WAF_RFI_SSRF] = "rfi_ssrf", [RP_WAF_SSTI] = "ssti",
    [RP_WAF_JNDI] = "jndi",       [RP_WAF_NOSQLI] = "nosqli",   [RP_WAF_LDAPI] = "ldapi",
    [RP_WAF_XXE] = "xxe",         [RP_WAF_CRLF] = "crlf",       [RP_WAF_PHP] = "php",
    [RP_WAF_SCANNER] = "scanner", [RP_WAF_PROTOCOL] = "protocol", [RP_WAF_XPATH] = "xpath",
    [RP_WAF_MAIL] = "mail",       [RP_WAF_SSI] = "ssi",         [RP_WAF_GRAPHQL] = "graphql",
    [RP_WAF_CODE] = "code",       [RP_WAF_PROTO_POLLUTION] = "prototype",
    [RP_WAF_SESSION] = "session_fixation",
};

const char *rp_waf_attack_name(rp_waf_attack_t a)
{
    return (unsigned)a < RP_WAF_ATTACK__COUNT ? attack_names[a] : "unknown";
}

int rp_waf_attack_from_name(const char *name)
{
    for (int a = 0; a < RP_WAF_ATTACK__COUNT; a++)
        if (name && strcmp(name, attack_names[a]) == 0)
            return a;
    return -1;
}

rp_waf_t *rp_waf_new(const rp_waf_opts_t *opts)
{
    rp_waf_t *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    if (opts)
        w->opts = *opts;
    rp__waf_limits_defaults(&w->opts.limits);
    if (w->opts.block_score <= 0)
        w->opts.block_score = 50;
    if (w->opts.attacks == 0)
        w->opts.attacks = (1u << RP_WAF_ATTACK__COUNT) - 1;
    RP_BUG_ON(rp__waf_ndetectors > 64);
    for (size_t k = 0; k < rp__waf_ndetectors; k++) {
        const rp__waf_detector_t *d = &rp__waf_detectors[k];
        uint64_t bit = 1ull << k;
        if (w->opts.attacks & (1u << d->attack))
            w->enabled |= bit;
        if (!d->trigger_bytes)
            w->untriggered |= bit;
        else
            for (const unsigned char *c = (const unsigned char *)d->trigger_bytes; *c; c++)
                w->trig[*c] |= bit;
    }
    return w;
}

void rp_waf_free(rp_waf_t *w)
{
    free(w);
}

rp_waf_scratch_t *rp_waf_scratch_new(void)
{
    rp_waf_scratch_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    rp_arena_init(&s->arena, 16384);
    return s;
}

void rp_waf_scratch_free(rp_waf_scratch_t *s)
{
    if (!s)
        return;
    rp_arena_dispose(&s->arena);
    free(s);
}

const rp_waf_point_t *rp_waf_points(const rp_waf_scratch_t *s, size_t *n)
{
    *n = s->pts.n;
    return s->pts.v;
}

/* Copies bytes for a log-safe excerpt: printable ASCII as is, the rest
 * (and backslash) as \xNN; cut at cap-1, with "..." marking a cut. */
#define P4(c) [(c)] = 1, [(c) + 1] = 1, [(c) + 2] = 1, [(c) + 3] = 1
#define P16(c) P4(c), P4((c) + 4), P4((c) + 8), P4((c) + 12)
/* Printable ASCII but the backslash: copied as is. */
static const unsigned char plain[256] = {
    P16(0x20), P16(0x30), P16(0x40), P4(0x50), P4(0x54), P4(0x58), [0x5c] = 0, [0x5d] = 1,
    [0x5e] = 1, [0x5f] = 1, P16(0x60), P4(0x70), P4(0x74), P4(0x78), [0x7c] = 1, [0x7d] = 1,
    [0x7e] = 1,
};
#undef P16
#undef P4

static void excerpt(char *out, size_t cap, const char *p, size_t n)
{
    /* a byte needing `need` output bytes fits while o + need + 4 <= cap
     * (room left for "..." and the NUL) */
    size_t o = 0, i = 0;
    while (i < n) {
        size_t j = i, end = RP_MIN(n, i + cap); /* a longer run is cut anyway */
        while (j < end && plain[(unsigned char)p[j]])
            j++;
        if (j > i) {
            /* a run of plain bytes: as many as fit, at once */
            size_t fit = o + 5 <= cap ? cap - 4 - o : 0;
            size_t k = RP_MIN(j - i, fit);
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
            if (i < j)
                goto cut;
            continue;
        }
        if (o + 8 > cap)
            goto cut;
        static const char hex[] = "0123456789abcdef";
        unsigned char ch = (unsigned char)p[i++];
        out[o] = '\\';                /* as "\\x%02x" */
        out[o + 1] = 'x';
        out[o + 2] = hex[ch >> 4];
        out[o + 3] = hex[ch & 15];
        o += 4;
    }
    out[o] = '\0';
    return;
cut:
    memcpy(out + o, "...", 3);
    out[o + 3] = '\0';
}

/* The decoded excerpt: a window around the match, starting a little
 * before it so the reader sees the context. */
static void decoded_excerpt(char *out, size_t cap, rp_str_t v, size_t off, size_t len)
{
    if (!v.p || v.n == 0) {
        out[0] = '\0';
        return;
    }
    size_t start = off > 24 ? off - 24 : 0;
    if (start > v.n)
        start = v.n;
    size_t end = v.n;
    (void)len;
    excerpt(out, cap, v.p + start, end - start);
    if (start > 0 && cap > 8) {
        /* mark the cut at the front */
        size_t l = strlen(out);
        if (l + 3 < cap) {
            memmove(out + 3, out, l + 1);
            memcpy(out, "...", 3);
        }
    }
}

void rp__waf_evidence(char *out, size_t cap, const char *prefix, const char *what)
{
    size_t o = 0;
    for (const char *p = prefix; *p && o + 1 < cap; p++)
        out[o++] = *p;
    for (const char *p = what; *p && o + 1 < cap; p++)
        out[o++] = *p;
    out[o] = '\0';
}

/* snprintf(dst, cap, "%s", src) without the formatting machinery. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t l = strnlen(src, cap - 1);
    memcpy(dst, src, l);
    dst[l] = '\0';
}

/* The per-value detectors whose trigger bytes the value holds, plus those
 * without trigger bytes: one table lookup per byte, once per point,
 * instead of a search per detector. */
static uint64_t triggered(const rp_waf_t *w, rp_str_t v)
{
    const unsigned char *u = (const unsigned char *)v.p;
    const uint64_t *t = w->trig;
    uint64_t a = 0, b = 0;
    size_t i = 0;
    for (; i + 4 <= v.n; i += 4) {
        a |= t[u[i]] | t[u[i + 1]];
        b |= t[u[i + 2]] | t[u[i + 3]];
    }
    for (; i < v.n; i++)
        a |= t[u[i]];
    return a | b | w->untriggered;
}

static void add_finding(const rp_waf_t *w, rp_waf_verdict_t *v, rp_waf_attack_t attack,
                        const char *name, rp_str_t path, rp_str_t raw, rp_str_t value,
                        const rp__waf_match_t *m)
{
    /* One finding per (class, point): keep the best score. */
    for (size_t i = 0; i < v->nfindings; i++) {
        rp_waf_finding_t *f = &v->findings[i];
        if (f->attack == attack && strlen(f->point) == RP_MIN(path.n, sizeof(f->point) - 1) &&
            memcmp(f->point, path.p, strlen(f->point)) == 0) {
            if (m->score > f->score) {
                f->score = m->score;
                copy_str(f->evidence, sizeof(f->evidence), m->evidence);
                decoded_excerpt(f->decoded, sizeof(f->decoded), value, m->off, m->len);
            }
            goto account;
        }
    }
    v->nfindings_total++;
    rp_waf_finding_t *f;
    if (v->nfindings < RP_WAF_MAX_FINDINGS) {
        f = &v->findings[v->nfindings++];
    } else {
        size_t low = 0;
        for (size_t i = 1; i < v->nfindings; i++)
            if (v->findings[i].score < v->findings[low].score)
                low = i;
        if (v->findings[low].score >= m->score)
            goto account;
        f = &v->findings[low];
    }
    memset(f, 0, sizeof(*f));
    f->attack = attack;
    f->score = m->score;
    size_t pn = RP_MIN(path.n, sizeof(f->point) - 1);
    memcpy(f->point, path.p, pn);
    f->point[pn] = '\0';
    if (raw.p)
        excerpt(f->raw, sizeof(f->raw), raw.p, raw.n);
    decoded_excerpt(f->decoded, sizeof(f->decoded), value, m->off, m->len);
    copy_str(f->evidence, sizeof(f->evidence), m->evidence[0] ? m->evidence : name);
account:
    if (m->score >= w->opts.block_score)
        v->attacks |= 1u << attack;
    if (m->score > v->score)
        v->score = m->score;
}

static int point_matches(rp_str_t path, rp_str_t pat)
{
    if (pat.n == 0)
        return 1;
    if (pat.p[pat.n - 1] == '*')
        return rp_str_has_prefix(path, rp_str(pat.p, pat.n - 1));
    return rp_str_eq(path, pat);
}

/* The classes excluded on this point (bits). */
static unsigned excluded(const rp_waf_point_t *pt, const rp_waf_exclusion_t *ex, size_t nex)
{
    unsigned bits = 0;
    for (size_t i = 0; i < nex; i++)
        if (point_matches(pt->path, ex[i].point))
            bits |= ex[i].attacks ? ex[i].attacks : ~0u;
    return bits;
}

/* Binary content (an uploaded image, a zip) is not text any attack
 * grammar applies to: a NUL in the first bytes of a longer value. */
static int looks_binary(rp_str_t v)
{
    return v.n >= 32 && memchr(v.p, '\0', RP_MIN(v.n, (size_t)512)) != NULL;
}

/* Request headers whose values are structured by the protocol (media
 * ranges, tokens, dates, lengths, opaque ids) and that no application
 * interprets as text: the injection detectors skip them, as the OWASP CRS
 * does (it inspects User-Agent and Referer among the headers). Their
 * points still exist for rules and for the protocol checks. Sorted. */
#define SH(lit) { (lit), sizeof(lit) - 1 }
static const struct {
    const char *p;
    size_t n;
} structured_headers[] = {
    SH("accept"), SH("accept-charset"), SH("accept-encoding"), SH("accept-language"),
    SH("authorization"), SH("cache-control"), SH("connection"), SH("content-length"),
    SH("content-type"), SH("dnt"), SH("host"), SH("if-match"), SH("if-modified-since"),
    SH("if-none-match"), SH("if-unmodified-since"), SH("pragma"), SH("priority"), SH("te"),
    SH("traceparent"), SH("tracestate"), SH("upgrade-insecure-requests"), SH("x-amzn-trace-id"),
    SH("x-request-id"),
};
#undef SH

static int structured_header(rp_str_t path)
{
    if (path.n < 7 || memcmp(path.p, "header.", 7) != 0)
        return 0;
    rp_str_t name = rp_str(path.p + 7, path.n - 7);
    if (name.n >= 4 && memcmp(name.p, "sec-", 4) == 0)
        return 1; /* sec-fetch-*, sec-ch-ua*: browser-set */
    /* lengths and first bytes rule out all but one or two names */
    for (size_t i = 0; i < RP_ARRAY_SIZE(structured_headers); i++)
        if (structured_headers[i].n == name.n && structured_headers[i].p[0] == name.p[0] &&
            memcmp(structured_headers[i].p, name.p, name.n) == 0)
            return 1;
    return 0;
}

int rp_waf_inspect(const rp_waf_t *w, rp_waf_scratch_t *s, const rp_waf_request_t *req,
                   rp_waf_verdict_t *v)
{
    return rp_waf_inspect_ex(w, s, req, NULL, 0, v);
}

int rp_waf_inspect_ex(const rp_waf_t *w, rp_waf_scratch_t *s, const rp_waf_request_t *req,
                      const rp_waf_exclusion_t *ex, size_t nex, rp_waf_verdict_t *v)
{
    memset(v, 0, offsetof(rp_waf_verdict_t, findings));
    rp_arena_reset(&s->arena);
    s->lim = w->opts.limits;
    memset(&s->pts, 0, sizeof(s->pts));
    s->pts.arena = &s->arena;
    s->pts.lim = &s->lim;
    int rc = rp__waf_points_build(&s->pts, req);
    v->npoints = s->pts.n;
    v->nanomalies = s->pts.nanomalies;
    for (size_t i = 0; i < s->pts.n; i++) {
        const rp_waf_point_t *pt = &s->pts.v[i];
        /* JSON numbers, booleans and null were validated by the parser:
         * no grammar an attack needs fits in them. */
        if (pt->value.n == 0 || (pt->flags & (RP_WAF_PT_NUMBER | RP_WAF_PT_STRUCTURED)) ||
            looks_binary(pt->value))
            continue;
        if ((pt->src & RP_WAF_SRC_HEADER) && pt->depth == 0 && structured_header(pt->path))
            continue;
        unsigned skip = nex ? excluded(pt, ex, nex) : 0;
        /* Ascending bits: findings come in table order. */
        for (uint64_t run = triggered(w, pt->value) & w->enabled; run; run &= run - 1) {
            const rp__waf_detector_t *d = &rp__waf_detectors[__builtin_ctzll(run)];
            if (!(d->sources & pt->src) || (skip & (1u << d->attack)))
                continue;
            rp__waf_match_t m;
            m.score = 0;
            m.off = m.len = 0;
            m.evidence[0] = '\0';
            if (d->detect(pt->value.p, pt->value.n, pt->src, pt->flags, &m) > 0) {
                if (m.off > pt->value.n)
                    m.off = pt->value.n;
                if (m.len > pt->value.n - m.off)
                    m.len = pt->value.n - m.off;
                add_finding(w, v, d->attack, d->name, pt->path, pt->raw, pt->value, &m);
            }
        }
    }
    rp__waf_ctx_t ctx = { w, v, ex, nex };
    for (size_t k = 0; k < rp__waf_nreq_detectors; k++)
        if (w->opts.attacks & rp__waf_req_detectors[k].attacks)
            rp__waf_req_detectors[k].check(req, &s->pts, &ctx);
    v->block = v->score >= w->opts.block_score;
    return rc;
}

void rp__waf_report(rp__waf_ctx_t *ctx, rp_waf_attack_t a, rp_str_t path, rp_str_t raw,
                    rp_str_t value, const rp__waf_match_t *m)
{
    if ((unsigned)a >= RP_WAF_ATTACK__COUNT || !(ctx->w->opts.attacks & (1u << a)) || m->score <= 0)
        return;
    for (size_t i = 0; i < ctx->nex; i++) {
        const rp_waf_exclusion_t *e = &ctx->ex[i];
        if (point_matches(path, e->point) && (!e->attacks || (e->attacks & (1u << a))))
            return;
    }
    rp__waf_match_t mm = *m;
    if (mm.score > 100)
        mm.score = 100;
    if (mm.off > value.n)
        mm.off = value.n;
    if (mm.len > value.n - mm.off)
        mm.len = value.n - mm.off;
    add_finding(ctx->w, ctx->v, a, rp_waf_attack_name(a), path, raw, value, &mm);
}
