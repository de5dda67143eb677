/*
 * record.c - an aggregator as records, and records back into one.
 *
 * The store keeps one row per application and per endpoint. The state
 * blob is the whole endpoint (or application) in a compact binary form:
 *
 *   "RPD" version(1) kind(1: app, 2: endpoint) then fields as LEB128
 *   varints (signed ones zigzagged), doubles as 8 little-endian bytes,
 *   strings as varint length + bytes, histograms sparse (bucket, count),
 *   the distinct sketch as its exact hashes or its 256 registers, schemas
 *   as a pre-order tree.
 *
 * Decoding is bounds-checked everywhere, depth-limited, and builds a
 * temporary endpoint that is merged only when the whole blob decoded: a
 * corrupt row adds nothing (RP_EINVAL). The template itself travels as
 * the record's path; the blob carries each segment's kind and flags
 * (hinted, open) so a reload makes the same tree.
 */
#include "disc_int.h"

#include <stdio.h>
#include <stdlib.h>

#define REC_VERSION 1
#define REC_MAX_STR 4096

/* ---------------------------------------------------------------------- */
/* Writer.                                                                  */

typedef struct w {
    rp_buf_t *b;
    int rc;
} w_t;

static void w_u(w_t *w, uint64_t v)
{
    unsigned char t[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        t[n++] = (unsigned char)(c | (v ? 0x80 : 0));
    } while (v);
    w->rc |= rp_buf_append(w->b, t, n);
}

static void w_i(w_t *w, int64_t v) { w_u(w, ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63))); }

static void w_d(w_t *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    unsigned char t[8];
    for (int i = 0; i < 8; i++)
        t[i] = (unsigned char)(u >> (8 * i));
    w->rc |= rp_buf_append(w->b, t, 8);
}

static void w_s(w_t *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    w_u(w, n);
    if (n)
        w->rc |= rp_buf_append(w->b, s, n);
}

static void w_hist(w_t *w, const rp_hist_t *h)
{
    size_t nz = 0;
    for (int i = 0; i < h->len; i++)
        nz += h->c[i] != 0;
    w_u(w, nz);
    for (int i = 0; i < h->len; i++)
        if (h->c[i]) {
            w_u(w, (uint64_t)h->lo + (uint64_t)i);
            w_u(w, h->c[i]);
        }
}

static void w_pstat(w_t *w, const rp_disc_pstat_t *p)
{
    w_s(w, p->name);
    w_i(w, p->depth);
    w_u(w, p->kinds);
    w_u(w, p->sensitive);
    w_u(w, p->count);
    w_u(w, p->novals);
    w_u(w, p->nvals);
    for (unsigned i = 0; i < p->nvals; i++)
        w_s(w, p->vals[i]);
}

static void w_schema(w_t *w, const rp_disc_schema_t *s)
{
    if (!s) {
        w_u(w, 0);
        return;
    }
    w_u(w, 1);
    w_u(w, s->types);
    w_u(w, s->formats);
    w_u(w, s->nstrings);
    w_u(w, s->nobjects);
    w_u(w, s->sensitive);
    w_u(w, s->nprops);
    for (size_t i = 0; i < s->nprops; i++) {
        w_s(w, s->props[i].name);
        w_u(w, s->props[i].count);
        w_schema(w, s->props[i].s);
    }
    w_schema(w, s->items);
}

static void w_head(w_t *w, int kind)
{
    w->rc |= rp_buf_append(w->b, "RPD", 3);
    unsigned char v[2] = { REC_VERSION, (unsigned char)kind };
    w->rc |= rp_buf_append(w->b, v, 2);
}

static int enc_app(const rp_disc_app_t *a, rp_buf_t *b)
{
    w_t w = { b, 0 };
    w_head(&w, 1);
    w_s(&w, a->domain);
    w_s(&w, a->stage);
    w_s(&w, a->apikey_name);
    w_s(&w, a->cookie_name);
    w_u(&w, a->auth);
    return w.rc ? RP_ENOMEM : 0;
}

static int enc_ep(const rp_disc_ep_t *e, rp_buf_t *b)
{
    w_t w = { b, 0 };
    w_head(&w, 2);
    rp_buf_t fl;
    rp_buf_init(&fl);
    w.rc |= rp__tmpl_flags(e->node, &fl);
    w_u(&w, fl.len);
    w.rc |= rp_buf_append(b, fl.p, fl.len);
    rp_buf_dispose(&fl);
    w_u(&w, (uint64_t)e->hinted);
    w_u(&w, e->requests);
    w_u(&w, e->attacks);
    w_i(&w, e->first_ms);
    w_i(&w, e->last_ms);
    w_u(&w, e->nstatus);
    for (uint32_t i = 0; i < e->nstatus; i++) {
        w_i(&w, e->status[i]);
        w_u(&w, e->status_count[i]);
    }
    w_hist(&w, &e->lat);
    w_hist(&w, &e->ilat);
    w_u(&w, e->resp_n);
    w_d(&w, e->resp_sum);
    w_i(&w, e->resp_max);
    if (e->sources.regs) {
        w_u(&w, 1);
        w.rc |= rp_buf_append(b, e->sources.regs, 256);
    } else {
        w_u(&w, 0);
        w_u(&w, e->sources.n);
        for (unsigned i = 0; i < e->sources.n; i++)
            w_u(&w, e->sources.h[i]);
    }
    w_u(&w, e->sensitive);
    w_u(&w, e->auth);
    w_u(&w, e->npparams);
    for (size_t i = 0; i < e->npparams; i++)
        w_pstat(&w, &e->pparams[i]);
    w_u(&w, e->nqparams);
    for (size_t i = 0; i < e->nqparams; i++)
        w_pstat(&w, &e->qparams[i]);
    w_u(&w, e->nreq_ct);
    for (unsigned i = 0; i < e->nreq_ct; i++)
        w_s(&w, e->req_ct[i]);
    w_u(&w, e->nresp_ct);
    for (unsigned i = 0; i < e->nresp_ct; i++)
        w_s(&w, e->resp_ct[i]);
    w_u(&w, e->nbodies);
    for (size_t i = 0; i < e->nbodies; i++) {
        const rp_disc_body_t *bd = &e->bodies[i];
        w_u(&w, bd->resp);
        w_u(&w, bd->sclass);
        w_s(&w, bd->ctype);
        w_u(&w, bd->samples);
        w_schema(&w, bd->root);
    }
    return w.rc ? RP_ENOMEM : 0;
}

/* ---------------------------------------------------------------------- */
/* Reader.                                                                  */

typedef struct r {
    const unsigned char *p;
    size_t n, pos;
    int err;
} r_t;

static uint64_t r_u(r_t *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->pos >= r->n) {
            r->err = 1;
            return 0;
        }
        unsigned char c = r->p[r->pos++];
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->err = 1;
    return 0;
}

static uint64_t r_max(r_t *r, uint64_t max)
{
    uint64_t v = r_u(r);
    if (v > max)
        r->err = 1;
    return r->err ? 0 : v;
}

static int64_t r_i(r_t *r)
{
    uint64_t u = r_u(r);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static double r_d(r_t *r)
{
    if (r->n - r->pos < 8 || r->pos > r->n) {
        r->err = 1;
        return 0;
    }
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
    r->pos += 8;
    double v;
    memcpy(&v, &u, 8);
    return v;
}

/* A string as a slice into the blob (no NUL inside). */
static rp_str_t r_s(r_t *r)
{
    uint64_t n = r_max(r, REC_MAX_STR);
    if (r->err || r->n - r->pos < n) {
        r->err = 1;
        return RP_STR_NULL;
    }
    rp_str_t s = rp_str((const char *)r->p + r->pos, (size_t)n);
    r->pos += (size_t)n;
    if (memchr(s.p, 0, s.n))
        r->err = 1;
    return s;
}

static int r_head(r_t *r, int kind)
{
    if (r->n < 5 || memcmp(r->p, "RPD", 3) != 0 || r->p[3] != REC_VERSION || r->p[4] != kind)
        return -1;
    r->pos = 5;
    return 0;
}

static int r_hist(r_t *r, rp_hist_t *h)
{
    uint64_t nz = r_max(r, RP_HIST_N);
    for (uint64_t i = 0; i < nz && !r->err; i++) {
        uint64_t idx = r_max(r, RP_HIST_N - 1);
        uint64_t c = r_max(r, UINT32_MAX);
        if (!r->err && rp__hist_add_n(h, (int)idx, c) != 0)
            return RP_ENOMEM;
    }
    return 0;
}

static int r_pstat(rp_disc_t *d, r_t *r, rp_disc_pstat_t *p, int query)
{
    rp_str_t name = r_s(r);
    if (query) {
        if (name.n == 0)
            r->err = 1;
        p->name = rp__strndup(name.p, name.n);
        if (!p->name)
            return RP_ENOMEM;
    }
    int64_t depth = r_i(r);
    if (query ? depth != -1 : (depth < 0 || depth >= RP_DISC_MAX_DEPTH))
        r->err = 1;
    p->depth = (int)depth;
    p->kinds = (unsigned)r_max(r, 0xff);
    p->sensitive = (unsigned)r_max(r, 0xff);
    p->count = r_u(r);
    p->novals = (uint8_t)r_max(r, 1);
    uint64_t nv = r_max(r, 255);
    if (r->err || nv == 0)
        return 0;
    /* saved with a larger max_values: the values do not fit, drop them */
    int keep = nv <= d->o.max_values && !p->novals;
    if (keep) {
        p->vals = calloc(d->o.max_values, sizeof(char *));
        p->vhash = calloc(d->o.max_values, sizeof(uint32_t));
        if (!p->vals || !p->vhash)
            return RP_ENOMEM;
    }
    for (uint64_t i = 0; i < nv && !r->err; i++) {
        rp_str_t v = r_s(r);
        if (v.n > RP_DISC_MAX_VALUE) {
            r->err = 1;
            break;
        }
        if (!keep)
            continue;
        p->vals[p->nvals] = rp__strndup(v.p, v.n);
        if (!p->vals[p->nvals])
            return RP_ENOMEM;
        p->vhash[p->nvals++] = (uint32_t)rp__disc_hash(v.p, v.n);
    }
    if (!keep)
        p->novals = 1;
    return 0;
}

static rp_disc_schema_t *r_schema(r_t *r, int depth, size_t *nodes, size_t max, int *oom)
{
    uint64_t present = r_max(r, 1);
    if (r->err || !present)
        return NULL;
    if (depth > 40 || *nodes >= max) {
        r->err = 1;
        return NULL;
    }
    rp_disc_schema_t *s = calloc(1, sizeof(*s));
    if (!s) {
        *oom = 1;
        return NULL;
    }
    (*nodes)++;
    s->types = (unsigned)r_max(r, 0x7f);
    s->formats = (unsigned)r_max(r, 0xf);
    s->nstrings = r_u(r);
    s->nobjects = r_u(r);
    s->sensitive = (unsigned)r_max(r, 0xff);
    uint64_t np = r_max(r, max);
    if (np && !r->err) {
        s->props = calloc((size_t)np, sizeof(*s->props));
        if (!s->props) {
            *oom = 1;
            return s;
        }
        s->capprops = (size_t)np;
        for (uint64_t i = 0; i < np && !r->err && !*oom; i++) {
            rp_str_t name = r_s(r);
            if (r->err)
                break;
            /* sorted, unique names: the order the merge relies on */
            if (i > 0) {
                const char *prev = s->props[i - 1].name;
                size_t pl = strlen(prev), m = pl < name.n ? pl : name.n;
                int c = m ? memcmp(prev, name.p, m) : 0;
                if (c > 0 || (c == 0 && pl >= name.n))
                    r->err = 1;
            }
            if (r->err)
                break;
            rp_disc_sprop_t *p = &s->props[s->nprops];
            p->name = rp__strndup(name.p, name.n);
            if (!p->name) {
                *oom = 1;
                break;
            }
            s->nprops++;
            p->count = r_u(r);
            p->s = r_schema(r, depth + 1, nodes, max, oom);
        }
    }
    s->items = r_schema(r, depth + 1, nodes, max, oom);
    return s;
}

static int dec_ep(rp_disc_t *d, r_t *r, rp_disc_ep_t *e, unsigned char *flags, size_t *nflags)
{
    int rc = 0;
    uint64_t nf = r_max(r, RP_DISC_MAX_DEPTH);
    if (r->err || r->n - r->pos < nf)
        return r->err = 1, 0;
    memcpy(flags, r->p + r->pos, (size_t)nf);
    r->pos += (size_t)nf;
    *nflags = (size_t)nf;
    e->hinted = (int)r_max(r, 1);
    e->requests = r_u(r);
    e->attacks = r_u(r);
    e->first_ms = r_i(r);
    e->last_ms = r_i(r);
    uint64_t ns = r_max(r, RP_DISC_NSTATUS);
    for (uint64_t i = 0; i < ns && !r->err; i++) {
        int64_t st = r_i(r);
        uint64_t c = r_u(r);
        if (st < 0 || st > 9999)
            r->err = 1;
        else
            rp__status_add(e, (int)st, c);
    }
    if ((rc = r_hist(r, &e->lat)) || (rc = r_hist(r, &e->ilat)))
        return rc;
    e->resp_n = r_u(r);
    e->resp_sum = r_d(r);
    e->resp_max = r_i(r);
    if (r_max(r, 1)) {
        if (r->n - r->pos < 256 || r->err)
            return r->err = 1, 0;
        e->sources.regs = malloc(256);
        if (!e->sources.regs)
            return RP_ENOMEM;
        memcpy(e->sources.regs, r->p + r->pos, 256);
        for (int i = 0; i < 256; i++)
            if (e->sources.regs[i] > 57)
                r->err = 1;
        r->pos += 256;
    } else {
        uint64_t n = r_max(r, RP_DISTINCT_EXACT);
        for (uint64_t i = 0; i < n && !r->err; i++)
            rp__distinct_add(&e->sources, r_u(r));
    }
    e->sensitive = (unsigned)r_max(r, 0xff);
    e->auth = (unsigned)r_max(r, 0xf);
    uint64_t npp = r_max(r, 4096);
    if (npp && !r->err) {
        e->pparams = calloc((size_t)npp, sizeof(*e->pparams));
        if (!e->pparams)
            return RP_ENOMEM;
        for (uint64_t i = 0; i < npp && !r->err; i++) {
            e->npparams++;
            if ((rc = r_pstat(d, r, &e->pparams[i], 0)))
                return rc;
        }
    }
    uint64_t nqp = r_max(r, 4096);
    if (nqp && !r->err) {
        e->qparams = calloc((size_t)nqp, sizeof(*e->qparams));
        if (!e->qparams)
            return RP_ENOMEM;
        for (uint64_t i = 0; i < nqp && !r->err; i++) {
            e->nqparams++;
            if ((rc = r_pstat(d, r, &e->qparams[i], 1)))
                return rc;
        }
    }
    for (int dir = 0; dir < 2; dir++) {
        uint64_t nc = r_max(r, RP_DISC_MAX_CTYPES);
        for (uint64_t i = 0; i < nc && !r->err; i++) {
            rp_str_t ct = r_s(r);
            if (!r->err && rp__ctype_add(dir ? e->resp_ct : e->req_ct,
                                         dir ? &e->nresp_ct : &e->nreq_ct, ct))
                return RP_ENOMEM;
        }
    }
    uint64_t nb = r_max(r, RP_DISC_MAX_BODIES);
    for (uint64_t i = 0; i < nb && !r->err; i++) {
        int resp = (int)r_max(r, 1);
        int sclass = (int)r_max(r, 5);
        rp_str_t ct = r_s(r);
        uint64_t samples = r_u(r);
        if (r->err)
            break;
        rp_disc_body_t *bd = rp__body_get(e, resp, sclass, ct);
        if (!bd)
            return r->err = 1, 0;
        bd->samples += samples;
        int oom = 0;
        size_t nodes = 0;
        rp_disc_schema_t *s = r_schema(r, 0, &nodes, 65536, &oom);
        if (oom) {
            rp__schema_free(s);
            return RP_ENOMEM;
        }
        if (bd->root) {
            rp__schema_free(s);
            r->err = 1; /* two bodies with the same key */
        } else {
            bd->root = s;
            bd->nodes = nodes;
        }
    }
    if (r->pos != r->n)
        r->err = 1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Readable summaries.                                                      */

static int params_json(const rp_disc_endpoint_t *v, rp_buf_t *o)
{
    int rc = rp_buf_append_cstr(o, "[");
    for (size_t i = 0; i < v->nparams; i++) {
        const rp_disc_param_t *p = &v->params[i];
        rc |= rp_buf_append_cstr(o, i ? ",{\"name\":\"" : "{\"name\":\"");
        rc |= rp_buf_append_json_str(o, p->name, strlen(p->name));
        rc |= rp_buf_append_cstr(o, p->in_path ? "\",\"in\":\"path\"" : "\",\"in\":\"query\"");
        rc |= rp_buf_append_cstr(o, p->required ? ",\"required\":true" : ",\"required\":false");
        rc |= rp_buf_append_cstr(o, ",\"type\":\"");
        rc |= rp_buf_append_cstr(o, p->type);
        rc |= rp_buf_append_cstr(o, "\"");
        if (p->format) {
            rc |= rp_buf_append_cstr(o, ",\"format\":\"");
            rc |= rp_buf_append_cstr(o, p->format);
            rc |= rp_buf_append_cstr(o, "\"");
        }
        rc |= rp_buf_append_cstr(o, ",\"count\":");
        rc |= rp_buf_append_u64(o, p->count);
        rc |= rp_buf_append_cstr(o, ",\"sensitive\":");
        rc |= rp_buf_append_u64(o, p->sensitive);
        rc |= rp_buf_append_cstr(o, "}");
    }
    return rc | rp_buf_append_cstr(o, "]");
}

static int schemas_json(const rp_disc_ep_t *e, rp_buf_t *o)
{
    int rc = rp_buf_append_cstr(o, "{");
    for (size_t i = 0; i < e->nbodies; i++) {
        const rp_disc_body_t *b = &e->bodies[i];
        char key[160], cls[16] = "";
        if (b->resp && b->sclass)
            snprintf(cls, sizeof(cls), "%dxx", b->sclass);
        snprintf(key, sizeof(key), "%s%s%s %s", b->resp ? "response" : "request",
                 cls[0] ? " " : "", cls, b->ctype);
        rc |= rp_buf_append_cstr(o, i ? ",\"" : "\"");
        rc |= rp_buf_append_json_str(o, key, strlen(key));
        rc |= rp_buf_append_cstr(o, "\":");
        rc |= rp__schema_write_json(b->root, o);
    }
    return rc | rp_buf_append_cstr(o, "}");
}

/* ---------------------------------------------------------------------- */

static int cmp_app(const void *x, const void *y)
{
    return strcmp((*(const rp_disc_app_t *const *)x)->key, (*(const rp_disc_app_t *const *)y)->key);
}

int rp_disc_each_record(const rp_disc_t *d, rp_disc_record_cb cb, void *ud)
{
    if (!d->napps)
        return 0;
    const rp_disc_app_t **apps = malloc(d->napps * sizeof(*apps));
    if (!apps)
        return RP_ENOMEM;
    size_t na = 0;
    for (size_t i = 0; i <= d->app_mask; i++)
        if (d->apps[i])
            apps[na++] = d->apps[i];
    qsort(apps, na, sizeof(*apps), cmp_app);
    int rc = 0;
    rp_buf_t st, pj, sj, paths;
    rp_buf_init(&st);
    rp_buf_init(&pj);
    rp_buf_init(&sj);
    rp_buf_init(&paths);
    for (size_t i = 0; i < na && !rc; i++) {
        const rp_disc_app_t *a = apps[i];
        st.len = 0;
        if ((rc = enc_app(a, &st)))
            break;
        rp_disc_record_t r = { a->key, a->domain ? a->domain : "", a->stage ? a->stage : "",
                               NULL, NULL, a->requests, 0, 0, 0,
                               rp_str(st.p, st.len), RP_STRLIT("[]"), RP_STRLIT("{}") };
        if ((rc = cb(ud, &r)))
            break;
        rp_disc_epref_t *v;
        size_t n;
        paths.len = 0;
        if ((rc = rp__disc_collect(d, a->key, 1, &v, &n, &paths)))
            break;
        for (size_t k = 0; k < n && !rc; k++) {
            const rp_disc_ep_t *e = v[k].ep;
            rp_disc_endpoint_t ev;
            st.len = pj.len = sj.len = 0;
            const char *path = paths.p + v[k].path_off;
            if ((rc = rp__ep_view(d, a, e, path, &ev)))
                break;
            rc = enc_ep(e, &st) | params_json(&ev, &pj) | schemas_json(e, &sj);
            rp__ep_view_dispose(&ev);
            if (rc) {
                rc = RP_ENOMEM;
                break;
            }
            rp_disc_record_t er = { a->key, a->domain ? a->domain : "",
                                    a->stage ? a->stage : "", e->method, path, e->requests,
                                    e->first_ms, e->last_ms, e->sensitive,
                                    rp_str(st.p, st.len), rp_str(pj.p, pj.len),
                                    rp_str(sj.p, sj.len) };
            rc = cb(ud, &er);
        }
        free(v);
    }
    rp_buf_dispose(&st);
    rp_buf_dispose(&pj);
    rp_buf_dispose(&sj);
    rp_buf_dispose(&paths);
    free(apps);
    return rc;
}

static int add_app(rp_disc_t *d, const rp_disc_record_t *r, rp_disc_app_t **out)
{
    r_t rd = { (const unsigned char *)r->state.p, r->state.n, 0, 0 };
    *out = NULL;
    if (r_head(&rd, 1) != 0)
        return RP_EINVAL;
    rp_str_t dom = r_s(&rd), stg = r_s(&rd), ak = r_s(&rd), ck = r_s(&rd);
    unsigned auth = (unsigned)r_max(&rd, 0xf);
    if (rd.err || rd.pos != rd.n || !r->app || !r->app[0] || strlen(r->app) > REC_MAX_STR)
        return RP_EINVAL;
    int rc;
    rp_disc_app_t *a = rp__disc_app_get(d, rp_str_c(r->app), RP_STR_NULL, dom, stg, &rc);
    if (!a)
        return rc;
    a->auth |= auth;
    if (rp__disc_set_str(&a->apikey_name, ak) || rp__disc_set_str(&a->cookie_name, ck))
        return RP_ENOMEM;
    *out = a;
    return 0;
}

int rp_disc_add_record(rp_disc_t *d, const rp_disc_record_t *r)
{
    if (!r->method) {
        rp_disc_app_t *a;
        return add_app(d, r, &a);
    }
    if (!r->app || !r->app[0] || !r->path || !r->method[0] || strlen(r->method) > 23)
        return RP_EINVAL;
    rp_disc_seg_t segs[RP_DISC_MAX_DEPTH];
    int ns = rp__tmpl_parse(rp_str_c(r->path), segs, RP_DISC_MAX_DEPTH);
    if (ns < 0)
        return RP_EINVAL;
    r_t rd = { (const unsigned char *)r->state.p, r->state.n, 0, 0 };
    if (r_head(&rd, 2) != 0)
        return RP_EINVAL;
    rp_disc_ep_t *tmp = calloc(1, sizeof(*tmp));
    if (!tmp)
        return RP_ENOMEM;
    tmp->resp_max = -1;
    unsigned char flags[RP_DISC_MAX_DEPTH];
    size_t nflags = 0;
    int rc = dec_ep(d, &rd, tmp, flags, &nflags);
    if (!rc && (rd.err || nflags != (size_t)ns))
        rc = RP_EINVAL;
    for (int i = 0; i < ns && !rc; i++) {
        unsigned kind = flags[i] & 0xf, fl = flags[i] >> 4;
        if (kind != segs[i].kind || fl > (RP_NF_HINT | RP_NF_OPEN))
            rc = RP_EINVAL;
        segs[i].flags = (uint8_t)fl;
    }
    if (!rc) {
        int rc2;
        rp_disc_app_t *a = rp__disc_app_get(d, rp_str_c(r->app), RP_STR_NULL,
                                            rp_str_c(r->domain), rp_str_c(r->stage), &rc2);
        rc = rc2;
        if (a) {
            rp_str_t pv[RP_DISC_MAX_DEPTH];
            int pd[RP_DISC_MAX_DEPTH], np = 0;
            rp_disc_node_t *n = rp__tmpl_insert(d, a, segs, ns, NULL, pv, pd, &np);
            rp_disc_ep_t *e = n ? rp__ep_get(d, a, n, rp_str_c(r->method), 1) : NULL;
            if (e) {
                for (rp_disc_node_t *x = n; x; x = x->parent)
                    x->requests += tmp->requests;
                a->requests += tmp->requests;
                rc = rp__ep_merge(d, e, tmp);
                for (int k = 0; k < np && !rc; k++)
                    if (segs[pd[k]].kind == RP_NODE_LIT)
                        rc = rp__ep_fold_value(d, e, pd[k], pv[k], tmp->requests);
            }
        }
    }
    rp__ep_free(tmp);
    return rc;
}
