/*
 * disc_feed.c - the node's API discovery: the live-traffic feed, the
 * discovery thread and the /ingest endpoints.
 *
 * Workers never touch the aggregator. Each has a single-producer,
 * single-consumer byte ring: at the end of an exchange the worker copies
 * what discovery needs (method, host, path, query, a few request headers
 * reduced to what they say - content type, the Authorization scheme, an
 * x-api-key's presence, cookie names, X-Rampart-Application -, status,
 * latency, and for a sampled share of requests the first bytes of the
 * bodies) into one contiguous record: one memcpy per field, no allocation,
 * no lock. A full ring drops the record and counts it
 * (rampart_discovery_dropped_total). The discovery thread owns the
 * aggregator: it drains the rings, loads the store at start and saves it
 * every save_interval and at stop.
 *
 * The /ingest endpoints (API Gateway access logs, CloudWatch Logs
 * subscription events, Firehose deliveries) parse on the worker with
 * src/ingest/ and push their observations through the same ring.
 */
#include "proxy_int.h"

#include "rampart/discovery.h"
#include "rampart/ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Strings of a record, in order; then 2 per header. */
enum { S_APP, S_DOMAIN, S_STAGE, S_METHOD, S_PATH, S_QUERY, S_HINT, S_SOURCE, S_REQ_CT, S_REQ_BODY,
       S_RESP_CT, S_RESP_BODY, S__N };
#define MAX_HDRS 6
#define WRAP 0xffffffffu

typedef struct drec {
    uint32_t len;             /* whole record, 8-aligned; WRAP: skip to the ring's start */
    uint16_t nhdr;
    uint8_t flags;            /* 1 req truncated, 2 resp truncated, 4 attack */
    uint8_t pad;
    int32_t status;
    uint32_t slen[S__N + 2 * MAX_HDRS];
    double latency_ms, integration_ms;
    int64_t resp_bytes, time_ms;
    char data[];
} drec_t;

struct rp_dring {
    char *buf;
    size_t cap;
    _Atomic size_t head;      /* consumer */
    _Atomic size_t tail;      /* producer */
};

struct rp_disc_feed {
    rp_disc_t *d;
    rp_disc_store_t *store;
    rp_dring_t *rings;
    unsigned nrings;
    uint64_t save_interval_ms;
    pthread_t thread;
    pthread_mutex_t mu;       /* stop flag, dedup */
    pthread_cond_t cv;
    int stop;
    rp_ingest_dedup_t dedup;  /* Firehose request ids, shared by the workers */
    _Atomic uint64_t observations, endpoints, candidates, saves, save_errors;
};

/* ---------------------------------------------------------------------- */
/* Ring                                                                     */

static size_t rec_size(const rp_disc_obs_t *o, size_t nhdr, uint32_t *slen)
{
    const rp_str_t *s[S__N] = { &o->app, &o->domain, &o->stage, &o->method, &o->path, &o->query,
                                &o->template_hint, &o->source, &o->req_ctype, &o->req_body,
                                &o->resp_ctype, &o->resp_body };
    size_t total = sizeof(drec_t);
    for (size_t i = 0; i < S__N; i++) {
        slen[i] = (uint32_t)RP_MIN(s[i]->n, (size_t)UINT32_MAX / 4);
        total += slen[i];
    }
    for (size_t i = 0; i < nhdr; i++) {
        slen[S__N + 2 * i] = (uint32_t)RP_MIN(o->headers[i].name.n, (size_t)256);
        slen[S__N + 2 * i + 1] = (uint32_t)RP_MIN(o->headers[i].value.n, (size_t)4096);
        total += slen[S__N + 2 * i] + slen[S__N + 2 * i + 1];
    }
    return (total + 7) & ~(size_t)7;
}

/* Copies o into the worker's ring. Returns 0, or -1 when it does not fit. */
static int ring_push(rp_dring_t *r, const rp_disc_obs_t *o)
{
    uint32_t slen[S__N + 2 * MAX_HDRS];
    memset(slen, 0, sizeof(slen));
    size_t nhdr = RP_MIN(o->nheaders, (size_t)MAX_HDRS);
    size_t need = rec_size(o, nhdr, slen);
    size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t off = t % r->cap, to_end = r->cap - off;
    size_t skip = need > to_end ? to_end : 0;
    if (need > r->cap / 2 || r->cap - (t - h) < need + skip)
        return -1;
    if (skip) {
        uint32_t w = WRAP;
        memcpy(r->buf + off, &w, sizeof(w));
        t += skip;
        off = 0;
    }
    drec_t *d = (drec_t *)(void *)(r->buf + off);
    d->len = (uint32_t)need;
    d->nhdr = (uint16_t)nhdr;
    d->flags = (uint8_t)((o->req_body_truncated ? 1 : 0) | (o->resp_body_truncated ? 2 : 0) |
                         (o->attack ? 4 : 0));
    d->status = o->status;
    memcpy(d->slen, slen, sizeof(slen));
    d->latency_ms = o->latency_ms;
    d->integration_ms = o->integration_ms;
    d->resp_bytes = o->resp_bytes;
    d->time_ms = o->time_ms;
    const rp_str_t *s[S__N] = { &o->app, &o->domain, &o->stage, &o->method, &o->path, &o->query,
                                &o->template_hint, &o->source, &o->req_ctype, &o->req_body,
                                &o->resp_ctype, &o->resp_body };
    char *p = d->data;
    for (size_t i = 0; i < S__N; i++) {
        if (slen[i])
            memcpy(p, s[i]->p, slen[i]);
        p += slen[i];
    }
    for (size_t i = 0; i < nhdr; i++) {
        memcpy(p, o->headers[i].name.p, slen[S__N + 2 * i]);
        p += slen[S__N + 2 * i];
        memcpy(p, o->headers[i].value.p, slen[S__N + 2 * i + 1]);
        p += slen[S__N + 2 * i + 1];
    }
    atomic_store_explicit(&r->tail, t + need, memory_order_release);
    return 0;
}

/* Adds every record of the ring to d. */
static uint64_t ring_drain(rp_dring_t *r, rp_disc_t *d)
{
    size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    uint64_t n = 0;
    while (h != t) {
        size_t off = h % r->cap;
        uint32_t len;
        memcpy(&len, r->buf + off, sizeof(len));
        if (len == WRAP || r->cap - off < sizeof(drec_t)) {
            h += r->cap - off;
            continue;
        }
        const drec_t *rec = (const drec_t *)(const void *)(r->buf + off);
        rp_disc_obs_t o;
        rp_disc_header_t hdr[MAX_HDRS];
        memset(&o, 0, sizeof(o));
        rp_str_t *s[S__N] = { &o.app, &o.domain, &o.stage, &o.method, &o.path, &o.query,
                              &o.template_hint, &o.source, &o.req_ctype, &o.req_body,
                              &o.resp_ctype, &o.resp_body };
        const char *p = rec->data;
        for (size_t i = 0; i < S__N; i++) {
            *s[i] = rp_str(p, rec->slen[i]);
            p += rec->slen[i];
        }
        for (size_t i = 0; i < rec->nhdr && i < MAX_HDRS; i++) {
            hdr[i].name = rp_str(p, rec->slen[S__N + 2 * i]);
            p += rec->slen[S__N + 2 * i];
            hdr[i].value = rp_str(p, rec->slen[S__N + 2 * i + 1]);
            p += rec->slen[S__N + 2 * i + 1];
        }
        o.headers = hdr;
        o.nheaders = rec->nhdr;
        o.status = rec->status;
        o.latency_ms = rec->latency_ms;
        o.integration_ms = rec->integration_ms;
        o.resp_bytes = rec->resp_bytes;
        o.time_ms = rec->time_ms;
        o.req_body_truncated = rec->flags & 1;
        o.resp_body_truncated = (rec->flags >> 1) & 1;
        o.attack = (rec->flags >> 2) & 1;
        rp_disc_add(d, &o);
        n++;
        h += rec->len;
        atomic_store_explicit(&r->head, h, memory_order_release);
    }
    return n;
}

/* ---------------------------------------------------------------------- */
/* The discovery thread                                                     */

static void feed_publish(rp_disc_feed_t *f)
{
    rp_disc_stats_t st;
    rp_disc_stats(f->d, &st);
    atomic_store(&f->endpoints, st.endpoints);
    atomic_store(&f->candidates, st.candidates);
}

static void feed_save(rp_disc_feed_t *f)
{
    if (!f->store)
        return;
    if (rp_disc_store_save(f->store, f->d) != 0) {
        atomic_fetch_add(&f->save_errors, 1);
        rp_log_warn("discovery: cannot save the inventory to the store");
    } else {
        atomic_fetch_add(&f->saves, 1);
    }
}

static void *feed_main(void *arg)
{
    rp_disc_feed_t *f = arg;
    uint64_t last_save = rp_now_ms();
    pthread_mutex_lock(&f->mu);
    while (!f->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&f->cv, &f->mu, &ts);
        pthread_mutex_unlock(&f->mu);
        uint64_t n = 0;
        for (unsigned i = 0; i < f->nrings; i++)
            n += ring_drain(&f->rings[i], f->d);
        if (n) {
            atomic_fetch_add(&f->observations, n);
            feed_publish(f);
        }
        uint64_t now = rp_now_ms();
        if (now - last_save >= f->save_interval_ms) {
            feed_save(f);
            last_save = now;
        }
        pthread_mutex_lock(&f->mu);
    }
    pthread_mutex_unlock(&f->mu);
    uint64_t n = 0;
    for (unsigned i = 0; i < f->nrings; i++)
        n += ring_drain(&f->rings[i], f->d);
    atomic_fetch_add(&f->observations, n);
    feed_publish(f);
    feed_save(f);
    return NULL;
}

rp_disc_feed_t *rp__disc_feed_start(const rp_conf_t *conf, unsigned nworkers)
{
    const rp_conf_discovery_t *dc = &conf->discovery;
    rp_disc_feed_t *f = rp_xcalloc(1, sizeof(*f));
    rp_disc_opts_t o;
    memset(&o, 0, sizeof(o));
    o.min_requests = dc->min_requests;
    o.max_apps = dc->max_apps;
    o.max_endpoints = dc->max_endpoints;
    o.max_body = dc->max_body;
    f->d = rp_disc_new(&o);
    if (!f->d) {
        free(f);
        return NULL;
    }
    if (dc->store) {
        char err[256] = "";
        f->store = rp_disc_store_open(dc->store, err, sizeof(err));
        if (!f->store) {
            rp_log_error("discovery: cannot open the store %s: %s", dc->store, err);
            rp_disc_free(f->d);
            free(f);
            return NULL;
        }
        if (rp_disc_store_load(f->store, f->d) != 0)
            rp_log_warn("discovery: cannot load the inventory from %s; starting empty", dc->store);
    }
    feed_publish(f);
    f->save_interval_ms = dc->save_interval_ms;
    f->nrings = nworkers;
    f->rings = rp_xcalloc(nworkers, sizeof(rp_dring_t));
    size_t cap = (size_t)dc->queue * 1024;
    for (unsigned i = 0; i < nworkers; i++) {
        f->rings[i].buf = rp_xmalloc(cap);
        f->rings[i].cap = cap;
    }
    rp_ingest_dedup_init(&f->dedup, 4096);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    if (pthread_create(&f->thread, NULL, feed_main, f) != 0) {
        rp_log_error("discovery: cannot start its thread");
        rp__disc_feed_stop(f);
        return NULL;
    }
    return f;
}

void rp__disc_feed_stop(rp_disc_feed_t *f)
{
    if (!f)
        return;
    if (f->thread) {
        pthread_mutex_lock(&f->mu);
        f->stop = 1;
        pthread_cond_signal(&f->cv);
        pthread_mutex_unlock(&f->mu);
        pthread_join(f->thread, NULL);
    }
    if (f->store)
        rp_disc_store_close(f->store);
    rp_disc_free(f->d);
    for (unsigned i = 0; i < f->nrings; i++)
        free(f->rings[i].buf);
    free(f->rings);
    rp_ingest_dedup_dispose(&f->dedup);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
}

void rp__disc_feed_metrics(const rp_disc_feed_t *f, rp_buf_t *out)
{
    if (!f)
        return;
    rp_buf_printf(out,
                  "# HELP rampart_discovery_observations_total Observations learned by API discovery.\n"
                  "# TYPE rampart_discovery_observations_total counter\n"
                  "rampart_discovery_observations_total %llu\n"
                  "# HELP rampart_discovery_endpoints Endpoints in the API inventory (candidates apart).\n"
                  "# TYPE rampart_discovery_endpoints gauge\n"
                  "rampart_discovery_endpoints %llu\n"
                  "# HELP rampart_discovery_candidates Endpoints seen fewer than min_requests times.\n"
                  "# TYPE rampart_discovery_candidates gauge\n"
                  "rampart_discovery_candidates %llu\n"
                  "# HELP rampart_discovery_store_saves_total Inventory saves to the store.\n"
                  "# TYPE rampart_discovery_store_saves_total counter\n"
                  "rampart_discovery_store_saves_total %llu\n"
                  "# HELP rampart_discovery_store_errors_total Inventory saves that failed.\n"
                  "# TYPE rampart_discovery_store_errors_total counter\n"
                  "rampart_discovery_store_errors_total %llu\n",
                  (unsigned long long)atomic_load(&f->observations),
                  (unsigned long long)atomic_load(&f->endpoints),
                  (unsigned long long)atomic_load(&f->candidates),
                  (unsigned long long)atomic_load(&f->saves),
                  (unsigned long long)atomic_load(&f->save_errors));
}

/* ---------------------------------------------------------------------- */
/* Live traffic (worker side)                                               */

static rp_str_t arena_dup(rp_exchange_t *ex, rp_str_t s)
{
    char *p = s.n ? rp_arena_strndup(&ex->arena, s.p, s.n) : NULL;
    return p ? rp_str(p, s.n) : RP_STR_NULL;
}

void rp__disc_note_request(rp_exchange_t *ex, const rp_http_request_t *req)
{
    rp_worker_t *w = ex->c->w;
    const rp_conf_discovery_t *dc = &ex->wrt->rt->conf->discovery;
    if (!w->node->disc || !dc->enabled)
        return;
    ex->d_on = 1;
    /* Sampling: a cheap counter, body_sample_percent of every 100. */
    w->d_counter = (w->d_counter + 1) % 100;
    ex->d_sample = w->d_counter < dc->body_sample_percent && dc->max_body > 0;
    char cookies[256];
    size_t nc = 0;
    for (size_t i = 0; i < req->num_headers; i++) {
        rp_str_t n = req->headers[i].name, v = req->headers[i].value;
        if (rp_str_ieq(n, RP_STRLIT("content-type"))) {
            ex->d_ctype = arena_dup(ex, v);
        } else if (rp_str_ieq(n, RP_STRLIT("authorization"))) {
            /* The scheme only, never a credential: "Bearer -" (the
             * aggregator reads "<scheme> <credentials>"). */
            size_t k = 0;
            while (k < v.n && v.p[k] != ' ' && k < 32)
                k++;
            char sch[40];
            memcpy(sch, v.p, k);
            memcpy(sch + k, " -", 2);
            ex->d_authz = arena_dup(ex, rp_str(sch, k + 2));
        } else if (rp_str_ieq(n, RP_STRLIT("x-api-key"))) {
            ex->d_apikey = 1;
        } else if (rp_str_ieq(n, RP_STRLIT("x-rampart-application"))) {
            ex->d_app = arena_dup(ex, rp_str(v.p, RP_MIN(v.n, (size_t)128)));
        } else if (rp_str_ieq(n, RP_STRLIT("cookie"))) {
            /* Names only: "a=; b=". */
            size_t k = 0;
            while (k < v.n) {
                while (k < v.n && (v.p[k] == ' ' || v.p[k] == ';'))
                    k++;
                size_t s = k;
                while (k < v.n && v.p[k] != '=' && v.p[k] != ';')
                    k++;
                if (k > s && nc + (k - s) + 3 < sizeof(cookies)) {
                    memcpy(cookies + nc, v.p + s, k - s);
                    nc += k - s;
                    memcpy(cookies + nc, "=; ", 3);
                    nc += 3;
                }
                while (k < v.n && v.p[k] != ';')
                    k++;
            }
        }
    }
    if (nc)
        ex->d_cookies = arena_dup(ex, rp_str(cookies, nc - 2));
}

void rp__disc_resp_head(rp_exchange_t *ex, const rp_http_response_t *res)
{
    for (size_t i = 0; i < res->num_headers; i++)
        if (rp_str_ieq(res->headers[i].name, RP_STRLIT("content-type"))) {
            ex->d_resp_ctype = arena_dup(ex, res->headers[i].value);
            break;
        }
}

void rp__disc_resp_body(rp_exchange_t *ex, const char *p, size_t n)
{
    size_t max = ex->wrt->rt->conf->discovery.max_body;
    if (ex->d_resp_body.len >= max) {
        if (n)
            ex->d_resp_trunc = 1;
        return;
    }
    size_t take = RP_MIN(n, max - ex->d_resp_body.len);
    if (take < n)
        ex->d_resp_trunc = 1;
    rp_buf_append(&ex->d_resp_body, p, take);
}

void rp__disc_req_body(rp_exchange_t *ex, const char *p, size_t n)
{
    size_t max = ex->wrt->rt->conf->discovery.max_body;
    size_t take = ex->d_req_body.len < max ? RP_MIN(n, max - ex->d_req_body.len) : 0;
    if (take < n)
        ex->d_req_trunc = 1;
    if (take)
        rp_buf_append(&ex->d_req_body, p, take);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rp__disc_exchange_done(rp_exchange_t *ex)
{
    rp_worker_t *w = ex->c->w;
    rp_disc_feed_t *f = w->node->disc;
    if (!f || ex->ingest || (unsigned)w->id >= f->nrings)
        return;
    rp_disc_obs_t o;
    rp_disc_header_t h[MAX_HDRS];
    size_t nh = 0;
    memset(&o, 0, sizeof(o));
    o.app = ex->d_app.n ? ex->d_app : RP_STR_NULL;
    o.domain = ex->host;
    o.method = ex->method;
    o.path = ex->path;
    o.query = ex->query;
    o.status = ex->status;
    o.latency_ms = (double)(rp_now_us() - ex->t_start_us) / 1000.0;
    o.integration_ms = ex->t_up_end_us && ex->t_up_start_us
                           ? (double)(ex->t_up_end_us - ex->t_up_start_us) / 1000.0 : -1;
    o.resp_bytes = -1;
    o.time_ms = wall_ms();
    o.source = rp_str_c(ex->client_ip);
    o.req_ctype = ex->d_ctype;
    o.resp_ctype = ex->d_resp_ctype;
    if (ex->d_sample) {
        size_t max = ex->wrt->rt->conf->discovery.max_body;
        o.req_body = rp_str(ex->d_req_body.p, RP_MIN(ex->d_req_body.len, max));
        o.req_body_truncated = ex->d_req_body.len > max || ex->d_req_trunc;
        o.resp_body = rp_str(ex->d_resp_body.p, ex->d_resp_body.len);
        o.resp_body_truncated = ex->d_resp_trunc;
    }
    o.attack = ex->d_attack;
    if (ex->d_ctype.n)
        h[nh++] = (rp_disc_header_t){ RP_STRLIT("content-type"), ex->d_ctype };
    if (ex->d_authz.n)
        h[nh++] = (rp_disc_header_t){ RP_STRLIT("authorization"), ex->d_authz };
    if (ex->d_apikey)
        h[nh++] = (rp_disc_header_t){ RP_STRLIT("x-api-key"), RP_STRLIT("") };
    if (ex->d_cookies.n)
        h[nh++] = (rp_disc_header_t){ RP_STRLIT("cookie"), ex->d_cookies };
    o.headers = h;
    o.nheaders = nh;
    if (ring_push(&f->rings[w->id], &o) != 0)
        w->stats.disc_dropped++;
    else
        w->stats.disc_queued++;
}

/* ---------------------------------------------------------------------- */
/* /ingest endpoints (worker side)                                          */

enum { ING_APIGW = 1, ING_CLOUDWATCH, ING_FIREHOSE };

typedef struct ing_ctx {
    rp_worker_t *w;
    rp_disc_feed_t *f;
    uint64_t dropped;
} ing_ctx_t;

static int ing_cb(void *ud, const rp_disc_obs_t *o)
{
    ing_ctx_t *c = ud;
    rp_dring_t *r = &c->f->rings[c->w->id];
    /* Ingest is not the proxy's hot path: wait a little for the discovery
     * thread to make room rather than drop (at most ~100 ms per record run). */
    for (int tries = 0; tries < 200; tries++) {
        if (ring_push(r, o) == 0) {
            c->w->stats.disc_queued++;
            return 0;
        }
        pthread_mutex_lock(&c->f->mu);
        pthread_cond_signal(&c->f->cv);
        pthread_mutex_unlock(&c->f->mu);
        usleep(500);
    }
    c->w->stats.disc_dropped++;
    c->dropped++;
    return 0;
}

static rp_str_t hdr(const rp_http_request_t *req, const char *name)
{
    for (size_t i = 0; i < req->num_headers; i++)
        if (rp_str_ieq(req->headers[i].name, rp_str_c(name)))
            return req->headers[i].value;
    return RP_STR_NULL;
}

static int has_hdr(const rp_http_request_t *req, const char *name)
{
    for (size_t i = 0; i < req->num_headers; i++)
        if (rp_str_ieq(req->headers[i].name, rp_str_c(name)))
            return 1;
    return 0;
}

int rp__disc_ingest_match(rp_exchange_t *ex, const rp_conf_listener_t *lis, const rp_http_request_t *req,
                          int *status, rp_buf_t *body)
{
    if (!lis || !lis->ingest_path)
        return 0;
    rp_str_t pre = rp_str_c(lis->ingest_path), path = req->path;
    if (!rp_str_has_prefix(path, pre))
        return 0;
    rp_str_t rest = rp_str(path.p + pre.n, path.n - pre.n);
    int kind = rp_str_eq(rest, RP_STRLIT("/apigw")) ? ING_APIGW
               : rp_str_eq(rest, RP_STRLIT("/cloudwatch")) ? ING_CLOUDWATCH
               : rp_str_eq(rest, RP_STRLIT("/firehose")) ? ING_FIREHOSE : 0;
    const rp_conf_discovery_t *dc = &ex->wrt->rt->conf->discovery;
    rp_disc_feed_t *f = ex->c->w->node->disc;
    if (!kind) {
        *status = 404;
        rp_buf_append_cstr(body, "{\"error\":\"unknown ingest endpoint (apigw, cloudwatch, firehose)\"}\n");
        return 1;
    }
    if (!rp_str_eq(req->method, RP_STRLIT("POST"))) {
        *status = 405;
        rp_buf_append_cstr(body, "{\"error\":\"POST only\"}\n");
        return 1;
    }
    if (!f) {
        *status = 503;
        rp_buf_append_cstr(body, "{\"error\":\"discovery is not running (it starts with the node)\"}\n");
        return 1;
    }
    if (kind == ING_FIREHOSE) {
        rp_str_t key = dc->firehose_key ? rp_str((const char *)dc->firehose_key, dc->firehose_key_len)
                                        : rp_str((const char *)dc->ingest_token, dc->ingest_token_len);
        int has = has_hdr(req, "x-amz-firehose-access-key");
        rp_str_t got = hdr(req, "x-amz-firehose-access-key");
        if (!has || !key.n || !rp_ingest_secret_eq(got, key)) {
            rp_firehose_req_t fr;
            memset(&fr, 0, sizeof(fr));
            fr.has_access_key = has;
            fr.access_key = got;
            fr.expected_key = key.n ? key : RP_STRLIT("\x01no key configured");
            fr.request_id = hdr(req, "x-amz-firehose-request-id");
            fr.now_ms = wall_ms();
            rp_ingest_t in;
            rp_ingest_init(&in, NULL, NULL, NULL);
            *status = rp_ingest_firehose(&in, NULL, &fr, body);
            rp_ingest_dispose(&in);
            return 1;
        }
        ex->d_fh_id = arena_dup(ex, hdr(req, "x-amz-firehose-request-id"));
    } else {
        rp_str_t a = hdr(req, "authorization"), tok = rp_str((const char *)dc->ingest_token, dc->ingest_token_len);
        int ok = tok.n && a.n > 7 && rp_str_ieq(rp_str(a.p, 7), RP_STRLIT("Bearer ")) &&
                 rp_ingest_secret_eq(rp_str_trim(rp_str(a.p + 7, a.n - 7)), tok);
        if (!ok) {
            *status = 401;
            rp_buf_append_cstr(body, "{\"error\":\"missing or wrong Authorization: Bearer token\"}\n");
            return 1;
        }
    }
    ex->d_enc = arena_dup(ex, hdr(req, "content-encoding"));
    /* The forwarder names the application the records belong to. */
    rp_str_t app = rp_str_trim(hdr(req, "x-rampart-application"));
    if (app.n && app.n <= 128)
        ex->d_app = arena_dup(ex, app);
    ex->ingest = kind;
    return 2;
}

void rp__disc_ingest_body(rp_exchange_t *ex, const char *p, size_t n)
{
    rp_buf_append(&ex->d_ibody, p, n);
}

void rp__disc_ingest_run(rp_exchange_t *ex, int *status, rp_buf_t *out)
{
    rp_worker_t *w = ex->c->w;
    rp_disc_feed_t *f = w->node->disc;
    const rp_conf_discovery_t *dc = &ex->wrt->rt->conf->discovery;
    ing_ctx_t ic = { w, f, 0 };
    rp_ingest_t in;
    rp_ingest_opts_t io;
    memset(&io, 0, sizeof(io));
    io.app = ex->d_app.n ? ex->d_app.p : NULL;   /* NUL-terminated (arena copy) */
    rp_ingest_init(&in, &io, ing_cb, &ic);
    const char *body = ex->d_ibody.p ? ex->d_ibody.p : "";
    size_t blen = ex->d_ibody.len;
    if (ex->ingest == ING_FIREHOSE) {
        rp_firehose_req_t fr;
        memset(&fr, 0, sizeof(fr));
        fr.request_id = ex->d_fh_id;
        fr.content_encoding = ex->d_enc;
        fr.body = body;
        fr.body_len = blen;
        fr.max_body = dc->ingest_max_body;
        fr.now_ms = wall_ms();
        /* The request-id memory is shared by the workers: a retry of a
         * delivery already ingested is answered 200 at once. */
        pthread_mutex_lock(&f->mu);
        int dup = rp_ingest_dedup_seen(&f->dedup, fr.request_id);
        pthread_mutex_unlock(&f->mu);
        if (dup) {
            *status = 200;
            rp_buf_append_cstr(out, "{\"requestId\":\"");
            rp_buf_append_json_str(out, fr.request_id.p, fr.request_id.n);
            rp_buf_printf(out, "\",\"timestamp\":%lld}", (long long)fr.now_ms);
            w->stats.disc_duplicates++;
            rp_ingest_dispose(&in);
            return;
        }
        *status = rp_ingest_firehose(&in, NULL, &fr, out);
        if (*status == 200) {
            pthread_mutex_lock(&f->mu);
            rp_ingest_dedup_add(&f->dedup, fr.request_id);
            pthread_mutex_unlock(&f->mu);
        }
        rp_ingest_dispose(&in);
        return;
    }
    rp_buf_t unz;
    rp_buf_init(&unz);
    if (ex->d_enc.n) {
        if (!rp_str_ieq(ex->d_enc, RP_STRLIT("gzip"))) {
            *status = 415;
            rp_buf_append_cstr(out, "{\"error\":\"unsupported Content-Encoding\"}\n");
            rp_ingest_dispose(&in);
            return;
        }
        rp_ingest_opts_t o = in.opts;
        o.max_inflate = dc->ingest_max_body;
        int zr = rp_ingest_gunzip(&o, (const unsigned char *)body, blen, &unz);
        if (zr) {
            *status = zr == RP_INGEST_R_GZIP_CAP + 1 ? 413 : 400;
            rp_buf_append_cstr(out, zr == RP_INGEST_R_GZIP_CAP + 1 ? "{\"error\":\"body too large after gunzip\"}\n"
                                                                    : "{\"error\":\"body is not valid gzip\"}\n");
            rp_ingest_dispose(&in);
            return;
        }
        body = unz.p ? unz.p : "";
        blen = unz.len;
    }
    if (ex->ingest == ING_CLOUDWATCH) {
        /* One event, or several one per line. */
        size_t i = 0;
        while (i < blen) {
            const char *nl = memchr(body + i, '\n', blen - i);
            size_t e = nl ? (size_t)(nl - body) : blen;
            rp_str_t line = rp_str_trim(rp_str(body + i, e - i));
            if (line.n)
                rp_ingest_cloudwatch(&in, line.p, line.n);
            i = e + 1;
        }
    } else {
        rp_ingest_auto(&in, body, blen);
    }
    uint64_t acc = in.st.records - ic.dropped;
    *status = acc > 0 || in.st.malformed == 0 ? 200 : 400;
    rp_ingest_result_json(&in, acc, in.st.malformed, out);
    if (out->len && out->p[out->len - 1] == '}') {
        out->len--;
        rp_buf_printf(out, ",\"dropped\":%llu,\"control_messages\":%llu}\n",
                      (unsigned long long)ic.dropped, (unsigned long long)in.st.control);
    }
    rp_buf_dispose(&unz);
    rp_ingest_dispose(&in);
}
