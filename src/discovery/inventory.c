/*
 * inventory.c - the aggregator: observations in, applications and
 * endpoints with their counters out.
 *
 * Applications are keyed by the sender's application id, else
 * "domain/stage", else the domain, else "default" (an open-addressed
 * table by key hash). Endpoints are (application, method, template):
 * the template is a node of the application's path tree (template.c),
 * the method one of the node's endpoints.
 *
 * The hot path - a known endpoint, no body, no query - is: one app
 * lookup (hash of the key pieces, no formatting), one hash lookup per
 * path segment, a linear scan of the node's methods, then counters: a
 * status slot, two histogram buckets, a sketch update. No allocation.
 */
#include "disc_int.h"

#include <math.h>
#include <stdlib.h>

/* ---------------------------------------------------------------------- */
/* Histograms and sketches.                                                 */

uint64_t rp__mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

_Static_assert(RP_HIST_SUB == 8, "rp__hist_index reads 3 mantissa bits");

int rp__hist_index(double v)
{
    if (!(v >= 0x1p-6))
        return 0;
    if (v >= 0x1p20)
        return RP_HIST_N - 1;
    /* the binary exponent and the top 3 bits of the mantissa, read from
     * the IEEE 754 double: the power of two and the eighth within it */
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    int sub = (int)((bits >> 49) & 7);
    int idx = 1 + (e - RP_HIST_MIN_EXP) * RP_HIST_SUB + sub;
    if (idx < 1)
        idx = 1;
    if (idx > RP_HIST_N - 1)
        idx = RP_HIST_N - 1;
    return idx;
}

double rp__hist_bucket_mid(int i)
{
    if (i <= 0)
        return 0x1p-7;
    int e = (i - 1) / RP_HIST_SUB + RP_HIST_MIN_EXP;
    int sub = (i - 1) % RP_HIST_SUB;
    double lo = ldexp(1.0 + (double)sub / RP_HIST_SUB, e);
    double hi = ldexp(1.0 + (double)(sub + 1) / RP_HIST_SUB, e);
    return (lo + hi) / 2;
}

/* Makes bucket idx part of the window. */
static int hist_cover(rp_hist_t *h, int idx)
{
    if (h->len && idx >= h->lo && idx < h->lo + h->len)
        return 0;
    int lo = h->len ? RP_MIN(h->lo, idx) : idx;
    int hi = h->len ? RP_MAX(h->lo + h->len, idx + 1) : idx + 1;
    /* some slack on the side that grew, so a drifting latency does not
     * reallocate on every new bucket */
    if (idx < h->lo || !h->len)
        lo = RP_MAX(0, lo - 4);
    if (!h->len || idx >= h->lo + h->len)
        hi = RP_MIN(RP_HIST_N, hi + 4);
    uint32_t *nc = calloc((size_t)(hi - lo), sizeof(*nc));
    if (!nc)
        return RP_ENOMEM;
    if (h->len)
        memcpy(nc + (h->lo - lo), h->c, h->len * sizeof(*nc));
    free(h->c);
    h->c = nc;
    h->lo = (uint16_t)lo;
    h->len = (uint16_t)(hi - lo);
    return 0;
}

int rp__hist_add_n(rp_hist_t *h, int idx, uint64_t n)
{
    if (idx < 0 || idx >= RP_HIST_N || n == 0)
        return 0;
    if (hist_cover(h, idx) != 0)
        return RP_ENOMEM;
    uint64_t c = (uint64_t)h->c[idx - h->lo] + n;
    h->c[idx - h->lo] = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
    h->n += n;
    return 0;
}

int rp__hist_add(rp_hist_t *h, double v)
{
    int idx = rp__hist_index(v);
    if (h->len && idx >= h->lo && idx < h->lo + h->len) {
        h->c[idx - h->lo]++;
        h->n++;
        return 0;
    }
    return rp__hist_add_n(h, idx, 1);
}

int rp__hist_merge(rp_hist_t *d, const rp_hist_t *s)
{
    for (int i = 0; i < s->len; i++)
        if (s->c[i] && rp__hist_add_n(d, s->lo + i, s->c[i]) != 0)
            return RP_ENOMEM;
    return 0;
}

void rp__hist_dispose(rp_hist_t *h)
{
    free(h->c);
    memset(h, 0, sizeof(*h));
}

double rp__hist_quantile(const rp_hist_t *h, double q)
{
    if (!h || h->n == 0)
        return -1;
    /* the smallest value with at least ceil(q n) values at or below it */
    uint64_t rank = (uint64_t)ceil(q * (double)h->n);
    if (rank < 1)
        rank = 1;
    uint64_t acc = 0;
    for (int i = 0; i < h->len; i++) {
        acc += h->c[i];
        if (acc >= rank)
            return rp__hist_bucket_mid(h->lo + i);
    }
    return rp__hist_bucket_mid(h->lo + h->len - 1);
}

static void hll_add(uint8_t *regs, uint64_t h)
{
    unsigned idx = (unsigned)(h & 255);
    uint64_t w = h >> 8;
    uint8_t rank = w ? (uint8_t)(__builtin_ctzll(w) + 1) : 57;
    if (regs[idx] < rank)
        regs[idx] = rank;
}

static int distinct_upgrade(rp_distinct_t *s)
{
    s->regs = calloc(256, 1);
    if (!s->regs)
        return RP_ENOMEM;
    for (unsigned i = 0; i < s->n; i++)
        hll_add(s->regs, s->h[i]);
    return 0;
}

int rp__distinct_add(rp_distinct_t *s, uint64_t h)
{
    if (s->regs) {
        hll_add(s->regs, h);
        return 0;
    }
    for (unsigned i = 0; i < s->n; i++)
        if (s->h[i] == h)
            return 0;
    if (s->n < RP_DISTINCT_EXACT) {
        s->h[s->n++] = h;
        return 0;
    }
    if (distinct_upgrade(s) != 0)
        return RP_ENOMEM;
    hll_add(s->regs, h);
    return 0;
}

uint64_t rp__distinct_count(const rp_distinct_t *s)
{
    if (!s->regs)
        return s->n;
    double sum = 0;
    unsigned zeros = 0;
    for (unsigned i = 0; i < 256; i++) {
        sum += ldexp(1.0, -(int)s->regs[i]);
        zeros += s->regs[i] == 0;
    }
    double m = 256, alpha = 0.7213 / (1 + 1.079 / m);
    double est = alpha * m * m / sum;
    if (est <= 2.5 * m && zeros)
        est = m * log(m / zeros);   /* linear counting for small ranges */
    return (uint64_t)(est + 0.5);
}

int rp__distinct_merge(rp_distinct_t *d, const rp_distinct_t *s)
{
    if (!s->regs) {
        for (unsigned i = 0; i < s->n; i++)
            if (rp__distinct_add(d, s->h[i]) != 0)
                return RP_ENOMEM;
        return 0;
    }
    if (!d->regs && distinct_upgrade(d) != 0)
        return RP_ENOMEM;
    for (unsigned i = 0; i < 256; i++)
        if (d->regs[i] < s->regs[i])
            d->regs[i] = s->regs[i];
    return 0;
}

void rp__distinct_dispose(rp_distinct_t *s)
{
    free(s->regs);
    s->regs = NULL;
    s->n = 0;
}

/* ---------------------------------------------------------------------- */
/* Helpers.                                                                 */

size_t rp__lower_copy(char *out, size_t cap, rp_str_t s)
{
    size_t n = s.n < cap ? s.n : cap;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)rp_lower((unsigned char)s.p[i]);
    return n;
}

static const rp_disc_opts_t defaults = {
    .min_requests = 5,
    .merge_threshold = 20,
    .max_apps = 256,
    .max_endpoints = 5000,
    .max_params = 128,
    .max_values = 16,
    .max_schema_nodes = 512,
    .max_body = 64 * 1024,
};

rp_disc_t *rp_disc_new(const rp_disc_opts_t *opts)
{
    rp_disc_t *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->o = defaults;
    if (opts) {
        d->o = *opts;
        /* zero means "the default" for every field but min_requests */
        if (!d->o.merge_threshold)
            d->o.merge_threshold = defaults.merge_threshold;
        if (!d->o.max_apps)
            d->o.max_apps = defaults.max_apps;
        if (!d->o.max_endpoints)
            d->o.max_endpoints = defaults.max_endpoints;
        if (!d->o.max_params)
            d->o.max_params = defaults.max_params;
        if (!d->o.max_values)
            d->o.max_values = defaults.max_values;
        if (!d->o.max_schema_nodes)
            d->o.max_schema_nodes = defaults.max_schema_nodes;
        if (!d->o.max_body)
            d->o.max_body = defaults.max_body;
    }
    if (d->o.max_values > 255)
        d->o.max_values = 255;
    rp_arena_init(&d->scratch, 16 * 1024);
    return d;
}

static void app_free(rp_disc_app_t *a)
{
    rp__tmpl_app_dispose(a);
    free(a->key);
    free(a->domain);
    free(a->stage);
    free(a->apikey_name);
    free(a->cookie_name);
    free(a);
}

void rp_disc_free(rp_disc_t *d)
{
    if (!d)
        return;
    if (d->apps)
        for (size_t i = 0; i <= d->app_mask; i++)
            if (d->apps[i])
                app_free(d->apps[i]);
    free(d->apps);
    rp_arena_dispose(&d->scratch);
    free(d);
}

/* ---------------------------------------------------------------------- */
/* Applications.                                                            */

/* The key is k1, or k1 "/" k2 when k2 is not empty. */
static uint64_t key_hash(rp_str_t k1, rp_str_t k2)
{
    /* the hash of the key as one string (k1 "/" k2), over its first
     * 512 bytes: the same whether the key comes in pieces or whole */
    if (!k2.n)
        return rp__disc_hash(k1.p, RP_MIN(k1.n, 512));
    char buf[512];
    size_t n = RP_MIN(k1.n, sizeof(buf));
    memcpy(buf, k1.p, n);
    if (n < sizeof(buf))
        buf[n++] = '/';
    size_t m = RP_MIN(k2.n, sizeof(buf) - n);
    memcpy(buf + n, k2.p, m);
    return rp__disc_hash(buf, n + m);
}

static int key_eq(const rp_disc_app_t *a, rp_str_t k1, rp_str_t k2)
{
    size_t n = k1.n + (k2.n ? 1 + k2.n : 0);
    if (a->keylen != n || memcmp(a->key, k1.p, k1.n) != 0)
        return 0;
    return k2.n == 0 || (a->key[k1.n] == '/' && memcmp(a->key + k1.n + 1, k2.p, k2.n) == 0);
}

static rp_disc_app_t **app_slot(const rp_disc_t *d, rp_str_t k1, rp_str_t k2)
{
    if (!d->apps)
        return NULL;
    size_t i = (size_t)key_hash(k1, k2) & d->app_mask;
    while (d->apps[i]) {
        if (key_eq(d->apps[i], k1, k2))
            return &d->apps[i];
        i = (i + 1) & d->app_mask;
    }
    return &d->apps[i];
}

static int apps_grow(rp_disc_t *d)
{
    size_t ncap = d->apps ? (d->app_mask + 1) * 2 : 16;
    rp_disc_app_t **na = calloc(ncap, sizeof(*na));
    if (!na)
        return RP_ENOMEM;
    rp_disc_app_t **old = d->apps;
    size_t ocap = old ? d->app_mask + 1 : 0;
    d->apps = na;
    d->app_mask = ncap - 1;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i])
            continue;
        rp_str_t k = rp_str(old[i]->key, old[i]->keylen);
        *app_slot(d, k, RP_STR_NULL) = old[i];
    }
    free(old);
    return 0;
}

const rp_disc_app_t *rp__disc_app_find(const rp_disc_t *d, const char *key)
{
    rp_disc_app_t **s = app_slot(d, rp_str_c(key), RP_STR_NULL);
    return s ? *s : NULL;
}

int rp__disc_set_str(char **dst, rp_str_t s)
{
    if (*dst || s.n == 0)
        return 0;
    *dst = rp__strndup(s.p, s.n);
    return *dst ? 0 : RP_ENOMEM;
}

/* Finds or creates the app; NULL with *rc = 0 when capped. */
rp_disc_app_t *rp__disc_app_get(rp_disc_t *d, rp_str_t k1, rp_str_t k2, rp_str_t domain,
                              rp_str_t stage, int *rc)
{
    *rc = 0;
    rp_disc_app_t **s = app_slot(d, k1, k2);
    rp_disc_app_t *found = s ? *s : NULL;
    if (found)
        return found;
    if (d->napps >= d->o.max_apps) {
        d->st.capped_apps++;
        return NULL;
    }
    if ((!d->apps || (d->napps + 1) * 2 > d->app_mask + 1) && apps_grow(d) != 0) {
        *rc = RP_ENOMEM;
        return NULL;
    }
    rp_disc_app_t *a = calloc(1, sizeof(*a));
    if (!a) {
        *rc = RP_ENOMEM;
        return NULL;
    }
    a->keylen = k1.n + (k2.n ? 1 + k2.n : 0);
    a->key = malloc(a->keylen + 1);
    if (!a->key) {
        free(a);
        *rc = RP_ENOMEM;
        return NULL;
    }
    memcpy(a->key, k1.p, k1.n);
    if (k2.n) {
        a->key[k1.n] = '/';
        memcpy(a->key + k1.n + 1, k2.p, k2.n);
    }
    a->key[a->keylen] = 0;
    rp__tmpl_app_init(a);
    if (rp__disc_set_str(&a->domain, domain) != 0 || rp__disc_set_str(&a->stage, stage) != 0) {
        app_free(a);
        *rc = RP_ENOMEM;
        return NULL;
    }
    *app_slot(d, k1, k2) = a;
    d->napps++;
    return a;
}

static int dash_or_empty(rp_str_t s) { return s.n == 0 || (s.n == 1 && s.p[0] == '-'); }

static void app_key_of(const rp_disc_obs_t *o, rp_str_t *k1, rp_str_t *k2)
{
    *k2 = RP_STR_NULL;
    if (!dash_or_empty(o->app)) {
        *k1 = o->app;
    } else if (!dash_or_empty(o->domain)) {
        *k1 = o->domain;
        if (!dash_or_empty(o->stage))
            *k2 = o->stage;
    } else {
        *k1 = RP_STRLIT("default");
    }
}

/* ---------------------------------------------------------------------- */
/* Endpoints.                                                               */

rp_disc_ep_t *rp__ep_get(rp_disc_t *d, rp_disc_app_t *a, rp_disc_node_t *n, rp_str_t method,
                         int create)
{
    for (uint32_t i = 0; i < n->neps; i++) {
        rp_disc_ep_t *e = n->eps[i];
        if (e->mlen == method.n && memcmp(e->method, method.p, method.n) == 0)
            return e;
    }
    if (!create)
        return NULL;
    if (a->nendpoints >= d->o.max_endpoints) {
        d->st.capped_endpoints++;
        return NULL;
    }
    rp_disc_ep_t **ne = realloc(n->eps, (n->neps + 1) * sizeof(*ne));
    if (!ne)
        return NULL;
    n->eps = ne;
    rp_disc_ep_t *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    size_t ml = method.n < sizeof(e->method) - 1 ? method.n : sizeof(e->method) - 1;
    memcpy(e->method, method.p, ml);
    e->mlen = (uint8_t)ml;
    e->node = n;
    e->resp_max = -1;
    n->eps[n->neps++] = e;
    a->nendpoints++;
    return e;
}

void rp__ep_free(rp_disc_ep_t *e)
{
    if (!e)
        return;
    rp__hist_dispose(&e->lat);
    rp__hist_dispose(&e->ilat);
    rp__distinct_dispose(&e->sources);
    for (size_t i = 0; i < e->npparams; i++)
        rp__pstat_dispose(&e->pparams[i]);
    free(e->pparams);
    for (size_t i = 0; i < e->nqparams; i++)
        rp__pstat_dispose(&e->qparams[i]);
    free(e->qparams);
    for (unsigned i = 0; i < e->nreq_ct; i++)
        free(e->req_ct[i]);
    for (unsigned i = 0; i < e->nresp_ct; i++)
        free(e->resp_ct[i]);
    for (size_t i = 0; i < e->nbodies; i++) {
        free(e->bodies[i].ctype);
        rp__schema_free(e->bodies[i].root);
    }
    free(e->bodies);
    free(e);
}

rp_disc_pstat_t *rp__pparam_get(rp_disc_t *d, rp_disc_ep_t *e, int depth)
{
    for (size_t i = 0; i < e->npparams; i++)
        if (e->pparams[i].depth == depth)
            return &e->pparams[i];
    if (e->npparams + e->nqparams >= d->o.max_params) {
        d->st.capped_params++;
        return NULL;
    }
    rp_disc_pstat_t *np = realloc(e->pparams, (e->npparams + 1) * sizeof(*np));
    if (!np)
        return NULL;
    e->pparams = np;
    rp_disc_pstat_t *p = &np[e->npparams++];
    memset(p, 0, sizeof(*p));
    p->depth = depth;
    return p;
}

rp_disc_pstat_t *rp__qparam_get(rp_disc_t *d, rp_disc_ep_t *e, rp_str_t name, int create)
{
    for (size_t i = 0; i < e->nqparams; i++)
        if (strlen(e->qparams[i].name) == name.n && memcmp(e->qparams[i].name, name.p, name.n) == 0)
            return &e->qparams[i];
    if (!create || memchr(name.p, 0, name.n))
        return NULL;
    if (e->npparams + e->nqparams >= d->o.max_params) {
        d->st.capped_params++;
        return NULL;
    }
    rp_disc_pstat_t *np = realloc(e->qparams, (e->nqparams + 1) * sizeof(*np));
    if (!np)
        return NULL;
    e->qparams = np;
    rp_disc_pstat_t *p = &np[e->nqparams];
    memset(p, 0, sizeof(*p));
    p->depth = -1;
    p->name = rp__strndup(name.p, name.n);
    if (!p->name)
        return NULL;
    e->nqparams++;
    return p;
}

int rp__ep_fold_value(rp_disc_t *d, rp_disc_ep_t *e, int depth, rp_str_t value, uint64_t n)
{
    if (value.n == 0 || n == 0)
        return 0;
    rp_disc_pstat_t *p = rp__pparam_get(d, e, depth);
    if (!p)
        return 0;
    return rp__pstat_add(d, p, value, n);
}

void rp__status_add(rp_disc_ep_t *e, int status, uint64_t n)
{
    for (uint32_t i = 0; i < e->nstatus; i++)
        if (e->status[i] == status) {
            e->status_count[i] += n;
            return;
        }
    if (e->nstatus < RP_DISC_NSTATUS) {
        e->status[e->nstatus] = status;
        e->status_count[e->nstatus++] = n;
    }
}

int rp__ctype_add(char **arr, uint8_t *n, rp_str_t ct)
{
    for (unsigned i = 0; i < *n; i++)
        if (strlen(arr[i]) == ct.n && memcmp(arr[i], ct.p, ct.n) == 0)
            return 0;
    if (*n >= RP_DISC_MAX_CTYPES || memchr(ct.p, 0, ct.n))
        return 0;
    char *s = rp__strndup(ct.p, ct.n);
    if (!s)
        return RP_ENOMEM;
    arr[(*n)++] = s;
    return 0;
}

rp_disc_body_t *rp__body_get(rp_disc_ep_t *e, int resp, int sclass, rp_str_t ct)
{
    for (size_t i = 0; i < e->nbodies; i++) {
        rp_disc_body_t *b = &e->bodies[i];
        if (b->resp == resp && b->sclass == sclass && strlen(b->ctype) == ct.n &&
            memcmp(b->ctype, ct.p, ct.n) == 0)
            return b;
    }
    if (e->nbodies >= RP_DISC_MAX_BODIES)
        return NULL;
    rp_disc_body_t *nb = realloc(e->bodies, (e->nbodies + 1) * sizeof(*nb));
    if (!nb)
        return NULL;
    e->bodies = nb;
    rp_disc_body_t *b = &nb[e->nbodies];
    memset(b, 0, sizeof(*b));
    b->resp = (uint8_t)resp;
    b->sclass = (uint8_t)sclass;
    b->ctype = rp__strndup(ct.p, ct.n);
    if (!b->ctype)
        return NULL;
    e->nbodies++;
    return b;
}

int rp__ep_merge(rp_disc_t *d, rp_disc_ep_t *dst, const rp_disc_ep_t *src)
{
    int rc = 0;
    dst->requests += src->requests;
    dst->attacks += src->attacks;
    dst->hinted |= src->hinted;
    if (src->first_ms && (!dst->first_ms || src->first_ms < dst->first_ms))
        dst->first_ms = src->first_ms;
    if (src->last_ms > dst->last_ms)
        dst->last_ms = src->last_ms;
    for (uint32_t i = 0; i < src->nstatus; i++)
        rp__status_add(dst, src->status[i], src->status_count[i]);
    rc |= rp__hist_merge(&dst->lat, &src->lat);
    rc |= rp__hist_merge(&dst->ilat, &src->ilat);
    dst->resp_n += src->resp_n;
    dst->resp_sum += src->resp_sum;
    if (src->resp_max > dst->resp_max)
        dst->resp_max = src->resp_max;
    rc |= rp__distinct_merge(&dst->sources, &src->sources);
    dst->sensitive |= src->sensitive;
    dst->auth |= src->auth;
    for (size_t i = 0; i < src->npparams; i++) {
        rp_disc_pstat_t *p = rp__pparam_get(d, dst, src->pparams[i].depth);
        if (p)
            rc |= rp__pstat_merge(d, p, &src->pparams[i]);
    }
    for (size_t i = 0; i < src->nqparams; i++) {
        rp_disc_pstat_t *p = rp__qparam_get(d, dst, rp_str_c(src->qparams[i].name), 1);
        if (p)
            rc |= rp__pstat_merge(d, p, &src->qparams[i]);
    }
    for (unsigned i = 0; i < src->nreq_ct; i++)
        rc |= rp__ctype_add(dst->req_ct, &dst->nreq_ct, rp_str_c(src->req_ct[i]));
    for (unsigned i = 0; i < src->nresp_ct; i++)
        rc |= rp__ctype_add(dst->resp_ct, &dst->nresp_ct, rp_str_c(src->resp_ct[i]));
    for (size_t i = 0; i < src->nbodies; i++) {
        const rp_disc_body_t *sb = &src->bodies[i];
        rp_disc_body_t *db = rp__body_get(dst, sb->resp, sb->sclass, rp_str_c(sb->ctype));
        if (!db)
            continue;
        db->samples += sb->samples;
        rc |= rp__schema_merge(d, &db->root, &db->nodes, sb->root);
    }
    return rc ? RP_ENOMEM : 0;
}

/* ---------------------------------------------------------------------- */
/* Learning one observation.                                                */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes (and '+' -> ' ' when plus) into out; cut at cap. */
static size_t url_decode(char *out, size_t cap, rp_str_t s, int plus)
{
    size_t o = 0;
    for (size_t i = 0; i < s.n && o < cap; i++) {
        int c = (unsigned char)s.p[i];
        if (c == '%' && i + 2 < s.n + 0 && hexval((unsigned char)s.p[i + 1]) >= 0 &&
            hexval((unsigned char)s.p[i + 2]) >= 0) {
            c = hexval((unsigned char)s.p[i + 1]) * 16 + hexval((unsigned char)s.p[i + 2]);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        out[o++] = (char)c;
    }
    return o;
}

static int learn_query(rp_disc_t *d, rp_disc_ep_t *e, rp_str_t q)
{
    rp_disc_pstat_t *seen[64];
    size_t nseen = 0;
    size_t i = 0;
    while (i < q.n) {
        size_t st = i;
        while (i < q.n && q.p[i] != '&')
            i++;
        rp_str_t pair = rp_str(q.p + st, i - st);
        i++;
        if (pair.n == 0)
            continue;
        const char *eq = memchr(pair.p, '=', pair.n);
        rp_str_t rn = eq ? rp_str(pair.p, (size_t)(eq - pair.p)) : pair;
        rp_str_t rv = eq ? rp_str(eq + 1, (size_t)(pair.p + pair.n - eq - 1)) : RP_STR_NULL;
        char nb[128], vb[512];
        rp_str_t name = rp_str(nb, url_decode(nb, sizeof(nb), rn, 1));
        rp_str_t val = rp_str(vb, url_decode(vb, sizeof(vb), rv, 1));
        if (name.n == 0)
            continue;
        rp_disc_pstat_t *p = rp__qparam_get(d, e, name, 1);
        if (!p)
            continue;
        int dup = 0;
        for (size_t k = 0; k < nseen; k++)
            dup |= seen[k] == p;
        if (p->count == 0)
            p->sensitive |= rp__sensitive_name(name);
        if (dup) {
            /* a repeated name (a=1&a=2): its value counts, the request once */
            if (rp__pstat_add(d, p, val, 1) != 0)
                return RP_ENOMEM;
            p->count--;
        } else {
            if (nseen < RP_ARRAY_SIZE(seen))
                seen[nseen++] = p;
            if (rp__pstat_add(d, p, val, 1) != 0)
                return RP_ENOMEM;
        }
        e->sensitive |= p->sensitive;
    }
    return 0;
}

static int is_session_cookie(rp_str_t name)
{
    char w[48];
    if (name.n == 0 || name.n >= sizeof(w))
        return 0;
    size_t n = rp__lower_copy(w, sizeof(w) - 1, name);
    w[n] = 0;
    return strstr(w, "sess") || strcmp(w, "sid") == 0 || strcmp(w, "connect.sid") == 0 ||
           strcmp(w, "auth") == 0 || strstr(w, "auth_token") || strcmp(w, "token") == 0 ||
           strstr(w, "access_token") || strcmp(w, "jwt") == 0;
}

static int learn_headers(rp_disc_t *d, rp_disc_app_t *a, rp_disc_ep_t *e, const rp_disc_obs_t *o)
{
    for (size_t i = 0; i < o->nheaders; i++) {
        rp_str_t n = o->headers[i].name, v = rp_str_trim(o->headers[i].value);
        if (n.n == 13 && rp_str_ieq(n, RP_STRLIT("authorization"))) {
            if (v.n > 7 && rp_str_ieq(rp_str(v.p, 7), RP_STRLIT("bearer ")))
                e->auth |= RP_DISC_AUTH_BEARER;
            else if (v.n > 6 && rp_str_ieq(rp_str(v.p, 6), RP_STRLIT("basic ")))
                e->auth |= RP_DISC_AUTH_BASIC;
            e->sensitive |= rp__sensitive_value(v);
        } else if (rp_str_ieq(n, RP_STRLIT("x-api-key")) || rp_str_ieq(n, RP_STRLIT("api-key")) ||
                   rp_str_ieq(n, RP_STRLIT("apikey")) || rp_str_ieq(n, RP_STRLIT("x-apikey"))) {
            e->auth |= RP_DISC_AUTH_APIKEY;
            if (!a->apikey_name) {
                char lb[16];
                size_t ln = rp__lower_copy(lb, sizeof(lb), n);
                if (rp__disc_set_str(&a->apikey_name, rp_str(lb, ln)) != 0)
                    return RP_ENOMEM;
            }
            e->sensitive |= rp__sensitive_value(v);
        } else if (n.n == 6 && rp_str_ieq(n, RP_STRLIT("cookie"))) {
            size_t pos = 0;
            while (pos < v.n) {
                size_t st = pos;
                while (pos < v.n && v.p[pos] != ';')
                    pos++;
                rp_str_t c = rp_str_trim(rp_str(v.p + st, pos - st));
                pos++;
                const char *eq = memchr(c.p, '=', c.n);
                if (!eq)
                    continue;
                rp_str_t cn = rp_str(c.p, (size_t)(eq - c.p));
                rp_str_t cv = rp_str(eq + 1, (size_t)(c.p + c.n - eq - 1));
                if (is_session_cookie(cn)) {
                    e->auth |= RP_DISC_AUTH_COOKIE;
                    if (!a->cookie_name && !memchr(cn.p, 0, cn.n) &&
                        rp__disc_set_str(&a->cookie_name, cn) != 0)
                        return RP_ENOMEM;
                }
                e->sensitive |= rp__sensitive_value(cv);
            }
        }
    }
    a->auth |= e->auth;
    return 0;
}

/* "Application/JSON; charset=utf-8" -> "application/json" */
static rp_str_t ctype_norm(rp_str_t ct, char *buf, size_t cap)
{
    const char *semi = memchr(ct.p, ';', ct.n);
    rp_str_t t = rp_str_trim(semi ? rp_str(ct.p, (size_t)(semi - ct.p)) : ct);
    return rp_str(buf, rp__lower_copy(buf, cap, t));
}

static int is_json_ctype(rp_str_t ct, rp_str_t body)
{
    if (ct.n == 0) {
        size_t i = 0;
        while (i < body.n && (body.p[i] == ' ' || body.p[i] == '\n' || body.p[i] == '\r' ||
                              body.p[i] == '\t'))
            i++;
        return i < body.n && (body.p[i] == '{' || body.p[i] == '[');
    }
    return rp_str_eq(ct, RP_STRLIT("application/json")) ||
           rp_str_ihas_suffix(ct, RP_STRLIT("+json")) || rp_str_eq(ct, RP_STRLIT("text/json"));
}

static int learn_body(rp_disc_t *d, rp_disc_ep_t *e, int resp, int status, rp_str_t ctype,
                      rp_str_t body, int truncated)
{
    char cb[96];
    rp_str_t ct = ctype_norm(ctype, cb, sizeof(cb));
    if (ct.n && rp__ctype_add(resp ? e->resp_ct : e->req_ct, resp ? &e->nresp_ct : &e->nreq_ct, ct))
        return RP_ENOMEM;
    if (body.n == 0 || !is_json_ctype(ct, body))
        return 0;
    if (ct.n == 0)
        ct = RP_STRLIT("application/json");
    int sclass = resp && status >= 100 && status < 600 ? status / 100 : 0;
    rp_disc_body_t *b = rp__body_get(e, resp, sclass, ct);
    if (!b)
        return 0;
    unsigned sens = 0;
    int rc = rp__schema_learn(d, b, body, truncated, &sens);
    e->sensitive |= sens;
    return rc;
}

static rp_str_t upper_method(rp_str_t m, char *buf, size_t cap)
{
    size_t n = m.n < cap ? m.n : cap;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)m.p[i];
        buf[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    return rp_str(buf, n);
}

static int valid_hint(rp_str_t h)
{
    return h.n > 0 && h.p[0] == '/' && !(h.n == 1 && h.p[0] == '-');
}

static int has_nul(rp_str_t s) { return s.n && memchr(s.p, 0, s.n) != NULL; }

int rp_disc_add(rp_disc_t *d, const rp_disc_obs_t *o)
{
    /* NUL bytes have no place in these and would cut the names we keep */
    if (o->method.n == 0 || o->path.n == 0 || o->method.n > 23 || has_nul(o->path)) {
        d->st.rejected++;
        return RP_EINVAL;
    }
    char mb[24];
    rp_str_t method = upper_method(o->method, mb, sizeof(mb));
    for (size_t i = 0; i < method.n; i++)
        if ((unsigned char)mb[i] <= ' ' || (unsigned char)mb[i] >= 0x7f) {
            d->st.rejected++;
            return RP_EINVAL;
        }
    rp_str_t k1, k2;
    app_key_of(o, &k1, &k2);
    int rc;
    rp_disc_app_t *a;
    if (o->attack) {
        /* counted, never learned from: no app, node or endpoint is made */
        d->st.attacks++;
        rp_disc_app_t **s = app_slot(d, k1, k2);
        a = s ? *s : NULL;
    } else {
        d->st.observations++;
        if (d->last_app && key_eq(d->last_app, k1, k2)) {
            a = d->last_app;   /* its key has no NUL: checked when it was made */
        } else {
            if (has_nul(o->app) || has_nul(o->domain) || has_nul(o->stage)) {
                d->st.observations--;
                d->st.rejected++;
                return RP_EINVAL;
            }
            a = rp__disc_app_get(d, k1, k2, dash_or_empty(o->domain) ? RP_STR_NULL : o->domain,
                                 dash_or_empty(o->stage) ? RP_STR_NULL : o->stage, &rc);
            if (!a)
                return rc;
            d->last_app = a;
        }
    }
    if (!a)
        return 0;

    rp_str_t segs[RP_DISC_MAX_DEPTH], pvals[RP_DISC_MAX_DEPTH];
    int pdepth[RP_DISC_MAX_DEPTH], np = 0;
    int nseg = rp__tmpl_split(o->path, segs, RP_DISC_MAX_DEPTH);
    if (nseg < 0) {
        if (!o->attack)
            d->st.capped_endpoints++;
        return 0;
    }
    rp_disc_node_t *n = NULL;
    int hinted = 0;
    if (valid_hint(o->template_hint) && !has_nul(o->template_hint) && !o->attack) {
        rp_disc_seg_t ts[RP_DISC_MAX_DEPTH];
        int nt = rp__tmpl_parse(o->template_hint, ts, RP_DISC_MAX_DEPTH);
        if (nt >= 0) {
            rp_str_t vals[RP_DISC_MAX_DEPTH];
            int aligned = nt == nseg;
            if (nt > 0 && ts[nt - 1].kind == RP_NODE_GREEDY && nseg >= nt) {
                aligned = 1;
                const char *end = segs[nseg - 1].p + segs[nseg - 1].n;
                for (int i = 0; i < nt; i++)
                    vals[i] = segs[i];
                vals[nt - 1] = rp_str(segs[nt - 1].p, (size_t)(end - segs[nt - 1].p));
            } else if (aligned) {
                for (int i = 0; i < nt; i++)
                    vals[i] = segs[i];
            }
            for (int i = 0; i < nt; i++)
                ts[i].flags = RP_NF_HINT;
            n = rp__tmpl_insert(d, a, ts, nt, aligned ? vals : NULL, pvals, pdepth, &np);
            if (!n)
                return 0;
            hinted = 1;
        }
    }
    if (!hinted) {
        n = rp__tmpl_walk(d, a, segs, nseg, !o->attack, pvals, pdepth, &np);
        if (!n)
            return 0;
    }
    rp_disc_ep_t *e = rp__ep_get(d, a, n, method, !o->attack);
    if (!e)
        return 0;
    if (o->attack) {
        e->attacks++;
        return 0;
    }

    /* counters: the hot path */
    e->hinted |= hinted;
    e->requests++;
    a->requests++;
    for (rp_disc_node_t *x = n; x; x = x->parent)
        x->requests++;
    if (o->time_ms > 0) {
        if (!e->first_ms || o->time_ms < e->first_ms)
            e->first_ms = o->time_ms;
        if (o->time_ms > e->last_ms)
            e->last_ms = o->time_ms;
    }
    if (o->status > 0)
        rp__status_add(e, o->status, 1);
    if (o->latency_ms >= 0 && rp__hist_add(&e->lat, o->latency_ms) != 0)
        return RP_ENOMEM;
    if (o->integration_ms >= 0 && rp__hist_add(&e->ilat, o->integration_ms) != 0)
        return RP_ENOMEM;
    if (o->resp_bytes >= 0) {
        e->resp_n++;
        e->resp_sum += (double)o->resp_bytes;
        if (o->resp_bytes > e->resp_max)
            e->resp_max = o->resp_bytes;
    }
    if (o->source.n && rp__distinct_add(&e->sources, rp__mix64(rp__disc_hash(o->source.p, o->source.n))))
        return RP_ENOMEM;

    /* parameters */
    for (int i = 0; i < np; i++) {
        rp_disc_pstat_t *p = rp__pparam_get(d, e, pdepth[i]);
        if (p) {
            if (rp__pstat_add(d, p, pvals[i], 1) != 0)
                return RP_ENOMEM;
            e->sensitive |= p->sensitive;
        }
    }
    if (o->query.n && learn_query(d, e, o->query) != 0)
        return RP_ENOMEM;
    if (o->nheaders && learn_headers(d, a, e, o) != 0)
        return RP_ENOMEM;
    if ((o->req_ctype.n || o->req_body.n) &&
        learn_body(d, e, 0, o->status, o->req_ctype, o->req_body, o->req_body_truncated) != 0)
        return RP_ENOMEM;
    if ((o->resp_ctype.n || o->resp_body.n) &&
        learn_body(d, e, 1, o->status, o->resp_ctype, o->resp_body, o->resp_body_truncated) != 0)
        return RP_ENOMEM;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Merging aggregators.                                                     */

/* The template of n as segments (names and flags from the tree). */
static int node_segs(const rp_disc_node_t *n, rp_disc_seg_t *segs)
{
    const rp_disc_node_t *chain[RP_DISC_MAX_DEPTH + 1];
    int k = 0;
    for (const rp_disc_node_t *x = n; x && x->parent && k < RP_DISC_MAX_DEPTH; x = x->parent)
        chain[k++] = x;
    for (int i = 0; i < k; i++) {
        const rp_disc_node_t *x = chain[k - 1 - i];
        segs[i].s = rp_str(x->seg, x->seglen);
        segs[i].kind = x->kind;
        segs[i].flags = x->flags;
    }
    return k;
}

typedef struct merge_ctx {
    rp_disc_t *dst;
    rp_disc_app_t *da;
    int rc;
} merge_ctx_t;

static void merge_node(merge_ctx_t *mc, const rp_disc_node_t *n)
{
    for (uint32_t i = 0; i < n->neps && !mc->rc; i++) {
        const rp_disc_ep_t *se = n->eps[i];
        rp_disc_seg_t segs[RP_DISC_MAX_DEPTH];
        rp_str_t pv[RP_DISC_MAX_DEPTH];
        int pd[RP_DISC_MAX_DEPTH], np;
        int ns = node_segs(n, segs);
        rp_disc_node_t *dn = rp__tmpl_insert(mc->dst, mc->da, segs, ns, NULL, pv, pd, &np);
        if (!dn)
            continue;
        rp_disc_ep_t *de = rp__ep_get(mc->dst, mc->da, dn, rp_str_c(se->method), 1);
        if (!de)
            continue;
        for (rp_disc_node_t *x = dn; x; x = x->parent)
            x->requests += se->requests;
        mc->da->requests += se->requests;
        if (rp__ep_merge(mc->dst, de, se) != 0)
            mc->rc = RP_ENOMEM;
        /* literals of src that are parameter values here */
        for (int k = 0; k < np; k++)
            if (segs[pd[k]].kind == RP_NODE_LIT &&
                rp__ep_fold_value(mc->dst, de, pd[k], pv[k], se->requests) != 0)
                mc->rc = RP_ENOMEM;
    }
    for (const rp_disc_node_t *k = n->kids; k; k = k->sib)
        merge_node(mc, k);
    if (n->param)
        merge_node(mc, n->param);
    if (n->greedy)
        merge_node(mc, n->greedy);
}

int rp_disc_merge(rp_disc_t *dst, const rp_disc_t *src)
{
    dst->st.observations += src->st.observations;
    dst->st.rejected += src->st.rejected;
    dst->st.attacks += src->st.attacks;
    if (!src->apps)
        return 0;
    for (size_t i = 0; i <= src->app_mask; i++) {
        const rp_disc_app_t *sa = src->apps[i];
        if (!sa)
            continue;
        int rc;
        rp_disc_app_t *da = rp__disc_app_get(dst, rp_str(sa->key, sa->keylen), RP_STR_NULL,
                                    rp_str_c(sa->domain), rp_str_c(sa->stage), &rc);
        if (!da) {
            if (rc)
                return rc;
            continue;
        }
        da->auth |= sa->auth;
        if ((sa->apikey_name && rp__disc_set_str(&da->apikey_name, rp_str_c(sa->apikey_name))) ||
            (sa->cookie_name && rp__disc_set_str(&da->cookie_name, rp_str_c(sa->cookie_name))))
            return RP_ENOMEM;
        merge_ctx_t mc = { dst, da, 0 };
        merge_node(&mc, &sa->root);
        if (mc.rc)
            return mc.rc;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Read side.                                                               */

typedef struct stat_ctx {
    const rp_disc_t *d;
    uint64_t endpoints, candidates;
    size_t memory;
} stat_ctx_t;

static size_t pstat_memory(const rp_disc_pstat_t *p)
{
    size_t m = sizeof(*p) + (p->name ? strlen(p->name) + 1 : 0);
    for (unsigned i = 0; i < p->nvals; i++)
        m += strlen(p->vals[i]) + 1;
    if (p->vals)
        m += 255 * (sizeof(char *) + sizeof(uint32_t)) / 16;
    return m;
}

static size_t ep_memory(const rp_disc_ep_t *e)
{
    size_t m = sizeof(*e);
    m += (e->lat.len + e->ilat.len) * sizeof(uint32_t);
    m += e->sources.regs ? 256 : 0;
    for (size_t i = 0; i < e->npparams; i++)
        m += pstat_memory(&e->pparams[i]);
    for (size_t i = 0; i < e->nqparams; i++)
        m += pstat_memory(&e->qparams[i]);
    for (unsigned i = 0; i < e->nreq_ct; i++)
        m += strlen(e->req_ct[i]) + 1;
    for (unsigned i = 0; i < e->nresp_ct; i++)
        m += strlen(e->resp_ct[i]) + 1;
    for (size_t i = 0; i < e->nbodies; i++)
        m += sizeof(rp_disc_body_t) + strlen(e->bodies[i].ctype) + 1 +
             rp__schema_memory(e->bodies[i].root);
    return m;
}

static void stat_node(stat_ctx_t *sc, const rp_disc_node_t *n)
{
    for (uint32_t i = 0; i < n->neps; i++) {
        if (n->eps[i]->requests >= sc->d->o.min_requests)
            sc->endpoints++;
        else
            sc->candidates++;
        sc->memory += ep_memory(n->eps[i]);
    }
    for (const rp_disc_node_t *k = n->kids; k; k = k->sib)
        stat_node(sc, k);
    if (n->param)
        stat_node(sc, n->param);
    if (n->greedy)
        stat_node(sc, n->greedy);
}

void rp_disc_stats(const rp_disc_t *d, rp_disc_stats_t *st)
{
    *st = d->st;
    stat_ctx_t sc = { d, 0, 0, sizeof(*d) + d->scratch.total };
    if (d->apps) {
        sc.memory += (d->app_mask + 1) * sizeof(void *);
        for (size_t i = 0; i <= d->app_mask; i++) {
            const rp_disc_app_t *a = d->apps[i];
            if (!a)
                continue;
            sc.memory += sizeof(*a) + a->keylen + 1 + rp__tmpl_memory(a);
            stat_node(&sc, &a->root);
        }
    }
    st->apps = d->napps;
    st->endpoints = sc.endpoints;
    st->candidates = sc.candidates;
    st->memory = sc.memory;
}

typedef struct collect_ctx {
    const rp_disc_t *d;
    const rp_disc_app_t *a;
    int with_candidates;
    rp_disc_epref_t *v;
    size_t n, cap;
    rp_buf_t *paths;
    int rc;
} collect_ctx_t;

static void collect_node(collect_ctx_t *cc, const rp_disc_node_t *n)
{
    for (uint32_t i = 0; i < n->neps && !cc->rc; i++) {
        const rp_disc_ep_t *e = n->eps[i];
        if (!cc->with_candidates && e->requests < cc->d->o.min_requests)
            continue;
        if (cc->n == cc->cap) {
            size_t nc = cc->cap ? cc->cap * 2 : 64;
            rp_disc_epref_t *nv = realloc(cc->v, nc * sizeof(*nv));
            if (!nv) {
                cc->rc = RP_ENOMEM;
                return;
            }
            cc->v = nv;
            cc->cap = nc;
        }
        size_t off = cc->paths->len;
        if (rp__tmpl_render(n, cc->paths) != 0 || rp_buf_append(cc->paths, "", 1) != 0) {
            cc->rc = RP_ENOMEM;
            return;
        }
        cc->v[cc->n++] = (rp_disc_epref_t){ cc->a, e, off };
    }
    for (const rp_disc_node_t *k = n->kids; k; k = k->sib)
        collect_node(cc, k);
    if (n->param)
        collect_node(cc, n->param);
    if (n->greedy)
        collect_node(cc, n->greedy);
}

/* qsort has no context argument in C11: sort indices whose entries carry
 * pointers into a stable buffer. */
typedef struct sort_ent {
    const char *app, *path, *method;
    rp_disc_epref_t ref;
} sort_ent_t;

static int cmp_ent(const void *x, const void *y)
{
    const sort_ent_t *a = x, *b = y;
    int c = strcmp(a->app, b->app);
    if (!c)
        c = strcmp(a->path, b->path);
    if (!c)
        c = strcmp(a->method, b->method);
    return c;
}

int rp__disc_collect(const rp_disc_t *d, const char *app, int with_candidates,
                     rp_disc_epref_t **out, size_t *n, rp_buf_t *paths)
{
    collect_ctx_t cc = { d, NULL, with_candidates, NULL, 0, 0, paths, 0 };
    *out = NULL;
    *n = 0;
    if (d->apps) {
        for (size_t i = 0; i <= d->app_mask; i++) {
            const rp_disc_app_t *a = d->apps[i];
            if (!a || (app && strcmp(a->key, app) != 0))
                continue;
            cc.a = a;
            collect_node(&cc, &a->root);
        }
    }
    if (cc.rc) {
        free(cc.v);
        return cc.rc;
    }
    if (cc.n) {
        sort_ent_t *se = malloc(cc.n * sizeof(*se));
        if (!se) {
            free(cc.v);
            return RP_ENOMEM;
        }
        for (size_t i = 0; i < cc.n; i++)
            se[i] = (sort_ent_t){ cc.v[i].app->key, paths->p + cc.v[i].path_off,
                                  cc.v[i].ep->method, cc.v[i] };
        qsort(se, cc.n, sizeof(*se), cmp_ent);
        for (size_t i = 0; i < cc.n; i++)
            cc.v[i] = se[i].ref;
        free(se);
    }
    *out = cc.v;
    *n = cc.n;
    return 0;
}

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_param(const void *x, const void *y)
{
    const rp_disc_param_t *a = x, *b = y;
    if (a->in_path != b->in_path)
        return b->in_path - a->in_path;
    return a->in_path ? 0 : strcmp(a->name, b->name);
}

int rp__ep_view(const rp_disc_t *d, const rp_disc_app_t *a, const rp_disc_ep_t *e,
                const char *path, rp_disc_endpoint_t *v)
{
    memset(v, 0, sizeof(*v));
    v->app = a->key;
    v->method = e->method;
    v->path = path;
    v->from_source_template = e->hinted;
    v->candidate = e->requests < d->o.min_requests;
    v->requests = e->requests;
    v->first_ms = e->first_ms;
    v->last_ms = e->last_ms;
    v->sources = rp__distinct_count(&e->sources);
    v->p50_ms = rp__hist_quantile(&e->lat, 0.50);
    v->p95_ms = rp__hist_quantile(&e->lat, 0.95);
    v->p99_ms = rp__hist_quantile(&e->lat, 0.99);
    v->ip50_ms = rp__hist_quantile(&e->ilat, 0.50);
    v->ip95_ms = rp__hist_quantile(&e->ilat, 0.95);
    v->ip99_ms = rp__hist_quantile(&e->ilat, 0.99);
    v->resp_bytes_avg = e->resp_n ? e->resp_sum / (double)e->resp_n : -1;
    v->resp_bytes_max = e->resp_max;
    v->nstatus = e->nstatus;
    v->status = e->status;
    v->status_count = e->status_count;
    v->sensitive = e->sensitive;
    v->auth = e->auth;
    v->attacks = e->attacks;
    v->req_ctypes = (const char *const *)e->req_ct;
    v->nreq_ctypes = e->nreq_ct;
    v->resp_ctypes = (const char *const *)e->resp_ct;
    v->nresp_ctypes = e->nresp_ct;
    /* status codes sorted: sort a copy kept with the params block */
    /* parameters: path ones from the tree, in template order */
    const rp_disc_node_t *chain[RP_DISC_MAX_DEPTH + 1];
    int k = 0;
    for (const rp_disc_node_t *x = e->node; x && x->parent && k <= RP_DISC_MAX_DEPTH; x = x->parent)
        chain[k++] = x;
    size_t np = 0;
    for (int i = 0; i < k; i++)
        np += chain[i]->kind != RP_NODE_LIT;
    size_t total = np + e->nqparams;
    size_t nenum_total = 0;
    for (size_t i = 0; i < e->nqparams; i++)
        nenum_total += e->qparams[i].nvals;
    for (size_t i = 0; i < e->npparams; i++)
        nenum_total += e->pparams[i].nvals;
    /* one block: params, enum pointers, sorted status copies */
    size_t sz = total * sizeof(rp_disc_param_t) + nenum_total * sizeof(char *) +
                e->nstatus * (sizeof(int) + sizeof(uint64_t)) + 16;
    char *blk = calloc(1, sz);
    if (!blk)
        return RP_ENOMEM;
    rp_disc_param_t *ps = (rp_disc_param_t *)(void *)blk;
    const char **enums = (const char **)(void *)(blk + total * sizeof(rp_disc_param_t));
    uint64_t *scount = (uint64_t *)(void *)(enums + nenum_total);
    int *scode = (int *)(void *)(scount + e->nstatus);
    size_t o = 0, eo = 0;
    for (int i = k - 1; i >= 0; i--) {
        const rp_disc_node_t *x = chain[i];
        if (x->kind == RP_NODE_LIT)
            continue;
        rp_disc_param_t *p = &ps[o++];
        p->name = x->seg;
        p->in_path = 1;
        p->required = 1;
        p->type = "string";
        const rp_disc_pstat_t *st = NULL;
        for (size_t j = 0; j < e->npparams; j++)
            if (e->pparams[j].depth == x->depth)
                st = &e->pparams[j];
        if (st && x->kind == RP_NODE_PARAM) {
            rp__pstat_describe(st, d->o.max_values, &p->type, &p->format, &p->nenum);
            p->count = st->count;
            p->sensitive = st->sensitive;
        } else if (st) {
            p->count = st->count;
            p->sensitive = st->sensitive;
        }
        if (p->nenum) {
            for (size_t j = 0; j < p->nenum; j++)
                enums[eo + j] = st->vals[j];
            qsort(enums + eo, p->nenum, sizeof(char *), cmp_cstr);
            p->enum_values = enums + eo;
            eo += p->nenum;
        }
    }
    for (size_t i = 0; i < e->nqparams; i++) {
        const rp_disc_pstat_t *st = &e->qparams[i];
        rp_disc_param_t *p = &ps[o++];
        p->name = st->name;
        p->in_path = 0;
        p->required = st->count >= e->requests;
        rp__pstat_describe(st, d->o.max_values, &p->type, &p->format, &p->nenum);
        p->count = st->count;
        p->sensitive = st->sensitive;
        if (p->nenum) {
            for (size_t j = 0; j < p->nenum; j++)
                enums[eo + j] = st->vals[j];
            qsort(enums + eo, p->nenum, sizeof(char *), cmp_cstr);
            p->enum_values = enums + eo;
            eo += p->nenum;
        }
    }
    /* query parameters sorted by name after the path ones (stable: path
     * ones compare equal among themselves, and qsort is not stable, so
     * sort only the query part) */
    if (e->nqparams > 1)
        qsort(ps + np, e->nqparams, sizeof(*ps), cmp_param);
    v->params = ps;
    v->nparams = total;
    /* status codes ascending */
    for (uint32_t i = 0; i < e->nstatus; i++) {
        uint32_t j = i;
        while (j > 0 && scode[j - 1] > e->status[i]) {
            scode[j] = scode[j - 1];
            scount[j] = scount[j - 1];
            j--;
        }
        scode[j] = e->status[i];
        scount[j] = e->status_count[i];
    }
    v->status = scode;
    v->status_count = scount;
    return 0;
}

void rp__ep_view_dispose(rp_disc_endpoint_t *v)
{
    free((void *)v->params);
    v->params = NULL;
}

int rp_disc_each_endpoint(const rp_disc_t *d, const char *app, int with_candidates,
                          rp_disc_endpoint_cb cb, void *ud)
{
    rp_buf_t paths;
    rp_buf_init(&paths);
    rp_disc_epref_t *v;
    size_t n;
    int rc = rp__disc_collect(d, app, with_candidates, &v, &n, &paths);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        rp_disc_endpoint_t ev;
        rc = rp__ep_view(d, v[i].app, v[i].ep, paths.p + v[i].path_off, &ev);
        if (rc)
            break;
        rc = cb(ud, &ev);
        rp__ep_view_dispose(&ev);
    }
    free(v);
    rp_buf_dispose(&paths);
    return rc;
}

typedef struct app_ent {
    const rp_disc_app_t *a;
    uint64_t endpoints;
} app_ent_t;

static int cmp_app(const void *x, const void *y)
{
    return strcmp(((const app_ent_t *)x)->a->key, ((const app_ent_t *)y)->a->key);
}

static uint64_t count_eps(const rp_disc_t *d, const rp_disc_node_t *n)
{
    uint64_t c = 0;
    for (uint32_t i = 0; i < n->neps; i++)
        c += n->eps[i]->requests >= d->o.min_requests;
    for (const rp_disc_node_t *k = n->kids; k; k = k->sib)
        c += count_eps(d, k);
    if (n->param)
        c += count_eps(d, n->param);
    if (n->greedy)
        c += count_eps(d, n->greedy);
    return c;
}

int rp_disc_each_app(const rp_disc_t *d, rp_disc_app_cb cb, void *ud)
{
    if (!d->napps)
        return 0;
    app_ent_t *v = malloc(d->napps * sizeof(*v));
    if (!v)
        return RP_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i <= d->app_mask; i++)
        if (d->apps[i])
            v[n++] = (app_ent_t){ d->apps[i], count_eps(d, &d->apps[i]->root) };
    qsort(v, n, sizeof(*v), cmp_app);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = cb(ud, v[i].a->key, v[i].endpoints, v[i].a->requests);
    free(v);
    return rc;
}
