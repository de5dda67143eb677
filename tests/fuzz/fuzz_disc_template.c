/*
 * fuzz_disc_template - observations from arbitrary bytes into a small,
 * tightly capped aggregator.
 *
 * Byte 0 picks merge_threshold (1..32) and min_requests; the rest is lines
 * "METHOD PATH[?QUERY][\tHINT][\tSTATUS]". Checks:
 *   - every reported template parses back as a template with the same
 *     number of segments it had, and no endpoint lies beyond the caps;
 *   - requests reported add up to the observations that counted, minus
 *     those a cap turned away (never more);
 *   - the OpenAPI export parses as JSON, the YAML export is produced;
 *   - records of the aggregator load into a fresh one without error and
 *     the request totals agree; merging into another aggregator too.
 */
#include "discovery/disc_int.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct tot {
    uint64_t requests, endpoints;
    int bad;
} tot_t;

static int tot_cb(void *ud, const rp_disc_endpoint_t *e)
{
    tot_t *t = ud;
    t->requests += e->requests;
    t->endpoints++;
    rp_disc_seg_t segs[RP_DISC_MAX_DEPTH];
    int n = rp__tmpl_parse(rp_str_c(e->path), segs, RP_DISC_MAX_DEPTH);
    if (n < 0 && strcmp(e->path, "/") != 0)
        t->bad = 1;
    size_t np = 0;
    for (int i = 0; i < n; i++)
        np += segs[i].kind != RP_NODE_LIT;
    size_t pp = 0;
    for (size_t i = 0; i < e->nparams; i++)
        pp += e->params[i].in_path;
    if (np != pp || e->nparams - pp > 8)   /* query ones are capped */
        t->bad = 2;
    return 0;
}

static int nop_json(void *ud, rp_json_event_t ev, rp_str_t v, rp_str_t raw) { return 0; }

static int rec_cb(void *ud, const rp_disc_record_t *r)
{
    int rc = rp_disc_add_record(ud, r);
    RP_BUG_ON(rc != 0 && rc != RP_ENOMEM);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    rp_disc_opts_t o;
    memset(&o, 0, sizeof(o));
    o.merge_threshold = 1 + (data[0] & 31);
    o.min_requests = data[0] >> 6;
    o.max_endpoints = 48;
    o.max_params = 8;
    o.max_values = 4;
    o.max_apps = 2;
    rp_disc_t *d = rp_disc_new(&o);
    char *in = fz_dup(data + 1, size - 1);
    size_t n = size - 1, i = 0;
    uint64_t counted = 0;
    while (i < n) {
        size_t st = i;
        while (i < n && in[i] != '\n')
            i++;
        rp_str_t line = rp_str(in + st, i - st);
        i++;
        const char *sp = memchr(line.p, ' ', line.n);
        if (!sp)
            continue;
        rp_disc_obs_t ob;
        memset(&ob, 0, sizeof(ob));
        ob.method = rp_str(line.p, (size_t)(sp - line.p));
        rp_str_t rest = rp_str(sp + 1, (size_t)(line.p + line.n - sp - 1));
        const char *tab = memchr(rest.p, '\t', rest.n);
        rp_str_t target = tab ? rp_str(rest.p, (size_t)(tab - rest.p)) : rest;
        if (tab) {
            rp_str_t h = rp_str(tab + 1, (size_t)(rest.p + rest.n - tab - 1));
            const char *t2 = memchr(h.p, '\t', h.n);
            ob.template_hint = t2 ? rp_str(h.p, (size_t)(t2 - h.p)) : h;
            if (t2)
                ob.app = rp_str(t2 + 1, (size_t)(h.p + h.n - t2 - 1));
        }
        const char *qm = memchr(target.p, '?', target.n);
        ob.path = qm ? rp_str(target.p, (size_t)(qm - target.p)) : target;
        if (qm)
            ob.query = rp_str(qm + 1, (size_t)(target.p + target.n - qm - 1));
        ob.status = 200 + (int)(line.n % 5) * 100;
        ob.latency_ms = (double)line.n;
        ob.integration_ms = -1;
        ob.resp_bytes = (int64_t)line.n;
        ob.time_ms = (int64_t)st;
        ob.source = ob.method;
        int rc = rp_disc_add(d, &ob);
        RP_BUG_ON(rc != 0 && rc != RP_EINVAL && rc != RP_ENOMEM);
        counted += rc == 0;
    }
    tot_t t = { 0, 0, 0 };
    rp_disc_each_endpoint(d, NULL, 1, tot_cb, &t);
    RP_BUG_ON(t.bad);
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    RP_BUG_ON(t.requests > counted);
    RP_BUG_ON(st.apps > 2 || t.endpoints > 2 * 48);
    RP_BUG_ON(st.endpoints + st.candidates != t.endpoints);

    if (st.apps == 1) {
        rp_buf_t b;
        rp_buf_init(&b);
        int rc = rp_disc_openapi(d, NULL, RP_DISC_JSON, &b);
        RP_BUG_ON(rc != 0 && rc != RP_ENOMEM);
        if (rc == 0) {
            rp_arena_t a;
            rp_arena_init(&a, 1024);
            RP_BUG_ON(rp_json_parse(b.p, b.len, 64, &a, nop_json, NULL, NULL) != RP_JSON_OK);
            rp_arena_dispose(&a);
        }
        b.len = 0;
        rc = rp_disc_openapi(d, NULL, RP_DISC_YAML, &b);
        RP_BUG_ON(rc != 0 && rc != RP_ENOMEM);
        rp_buf_dispose(&b);
    }
    /* records into a fresh aggregator with larger caps: same totals */
    rp_disc_opts_t o2 = o;
    o2.max_endpoints = 1000;
    o2.max_params = 64;
    rp_disc_t *d2 = rp_disc_new(&o2);
    rp_disc_each_record(d, rec_cb, d2);
    tot_t t2 = { 0, 0, 0 };
    rp_disc_each_endpoint(d2, NULL, 1, tot_cb, &t2);
    RP_BUG_ON(t2.requests != t.requests);
    rp_disc_t *d3 = rp_disc_new(&o2);
    RP_BUG_ON(rp_disc_merge(d3, d) != 0);
    tot_t t3 = { 0, 0, 0 };
    rp_disc_each_endpoint(d3, NULL, 1, tot_cb, &t3);
    RP_BUG_ON(t3.requests != t.requests);
    rp_disc_free(d3);
    rp_disc_free(d2);
    rp_disc_free(d);
    free(in);
    return 0;
}
