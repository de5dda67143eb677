/*
 * test_inventory.c - the aggregator: applications, counters, percentiles,
 * distinct sources, auth, merge, caps and their counters, candidates.
 */
#include "discovery/disc_int.h"
#include "disctest.h"

#include <math.h>

static int near(double got, double want, double rel)
{
    return fabs(got - want) <= rel * want;
}

TEST(apps_keyed)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_obs_t o = dt_obs("GET", "/a");
    rp_disc_add(d, &o);                              /* default */
    o.domain = RP_STRLIT("api.example.com");
    rp_disc_add(d, &o);                              /* domain */
    o.stage = RP_STRLIT("prod");
    rp_disc_add(d, &o);                              /* domain/stage */
    rp_disc_add(d, &o);
    o.app = RP_STRLIT("shop");
    rp_disc_add(d, &o);                              /* app id wins */
    o.app = RP_STRLIT("-");
    o.domain = RP_STRLIT("-");
    rp_disc_add(d, &o);                              /* "-" is unknown: default */
    char got[512] = "";
    struct { char *p; } u = { got };
    CHECK_EQ_INT(rp_disc_each_app(d, dt_app_list_cb, &u), 0);
    /* endpoints counted from min_requests (5) on: none yet */
    CHECK_STR(rp_str_c(got), "api.example.com 0 1\napi.example.com/prod 0 2\ndefault 0 2\n"
                             "shop 0 1\n");
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    CHECK_EQ_INT(st.apps, 4);
    CHECK_EQ_INT(st.observations, 6);
    /* min_requests 5 by default: all candidates */
    CHECK_EQ_INT(st.candidates, 4);
    CHECK_EQ_INT(st.endpoints, 0);
    rp_disc_free(d);
}

TEST(counters)
{
    rp_disc_t *d = rp_disc_new(NULL);
    for (int i = 1; i <= 100; i++) {
        rp_disc_obs_t o = dt_obs("GET", "/users/7");
        o.status = i % 10 == 0 ? 404 : 200;
        o.latency_ms = i;              /* 1..100 ms */
        o.integration_ms = i / 2.0;
        o.resp_bytes = i * 10;
        o.time_ms = 1700000000000 + i;
        char src[32];
        snprintf(src, sizeof(src), "10.0.0.%d", i % 7);
        o.source = rp_str_c(src);
        CHECK_EQ_INT(rp_disc_add(d, &o), 0);
    }
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/users/{userId}", &f));
    CHECK_EQ_INT(f.e.requests, 100);
    CHECK_EQ_INT(f.e.candidate, 0);
    CHECK_EQ_INT(f.e.first_ms, 1700000000001);
    CHECK_EQ_INT(f.e.last_ms, 1700000000100);
    CHECK_EQ_INT(f.e.nstatus, 2);
    CHECK_EQ_INT(f.status[0], 200);
    CHECK_EQ_INT(f.status_count[0], 90);
    CHECK_EQ_INT(f.status[1], 404);
    CHECK_EQ_INT(f.status_count[1], 10);
    CHECK(near(f.e.p50_ms, 50, 0.0625));
    CHECK(near(f.e.p95_ms, 95, 0.0625));
    CHECK(near(f.e.p99_ms, 99, 0.0625));
    CHECK(near(f.e.ip50_ms, 25, 0.0625));
    CHECK(near(f.e.resp_bytes_avg, 505, 1e-9));
    CHECK_EQ_INT(f.e.resp_bytes_max, 1000);
    CHECK_EQ_INT(f.e.sources, 7);
    CHECK_EQ_INT(f.e.nparams, 1);
    CHECK_STR(rp_str_c(f.types[0]), "integer");
    CHECK_EQ_INT(f.params[0].required, 1);
    rp_disc_free(d);
}

TEST(unknown_latency)
{
    rp_disc_t *d = rp_disc_new(NULL);
    dt_add(d, "GET", "/x");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/x", &f));
    CHECK(f.e.p50_ms < 0 && f.e.ip99_ms < 0 && f.e.resp_bytes_avg < 0);
    CHECK_EQ_INT(f.e.sources, 0);
    CHECK_EQ_INT(f.e.candidate, 1);
    rp_disc_free(d);
}

TEST(histogram_error_bound)
{
    rp_hist_t h;
    for (double v = 0.02; v < 500000; v *= 1.013) {
        memset(&h, 0, sizeof(h));
        rp__hist_add(&h, v);
        double q = rp__hist_quantile(&h, 0.5);
        rp__hist_dispose(&h);
        if (!near(q, v, 1.0 / 16 + 1e-12)) {
            fprintf(stderr, "v=%g q=%g\n", v, q);
            CHECK(0);
            break;
        }
    }
}

TEST(distinct_sketch)
{
    rp_distinct_t a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    for (uint64_t i = 0; i < 5000; i++)
        rp__distinct_add(&a, rp__mix64(i));
    for (uint64_t i = 2500; i < 10000; i++)
        rp__distinct_add(&b, rp__mix64(i));
    uint64_t ca = rp__distinct_count(&a);
    CHECK(near((double)ca, 5000, 0.2));
    CHECK_EQ_INT(rp__distinct_merge(&a, &b), 0);
    CHECK(near((double)rp__distinct_count(&a), 10000, 0.2));
    /* small sets are exact */
    rp_distinct_t c;
    memset(&c, 0, sizeof(c));
    for (int k = 0; k < 3; k++)
        for (uint64_t i = 0; i < 8; i++)
            rp__distinct_add(&c, rp__mix64(i));
    CHECK_EQ_INT(rp__distinct_count(&c), 8);
    rp__distinct_dispose(&a);
    rp__distinct_dispose(&b);
    rp__distinct_dispose(&c);
}

TEST(rejected_and_attacks)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_obs_t o = dt_obs("", "/x");
    CHECK_EQ_INT(rp_disc_add(d, &o), RP_EINVAL);
    o = dt_obs("GET", "");
    CHECK_EQ_INT(rp_disc_add(d, &o), RP_EINVAL);
    /* an attack on an unknown path teaches nothing */
    o = dt_obs("GET", "/etc/passwd");
    o.attack = 1;
    CHECK_EQ_INT(rp_disc_add(d, &o), 0);
    /* on a known endpoint it is counted there, not as a request */
    dt_add(d, "GET", "/users/1");
    o = dt_obs("GET", "/users/2");
    o.query = RP_STRLIT("q=1'or'1'='1");
    o.attack = 1;
    CHECK_EQ_INT(rp_disc_add(d, &o), 0);
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    CHECK_EQ_INT(st.rejected, 2);
    CHECK_EQ_INT(st.attacks, 2);
    CHECK_EQ_INT(st.observations, 1);
    dt_list_t *l = malloc(sizeof(*l));
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "GET /users/{userId}\n");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/users/{userId}", &f));
    CHECK_EQ_INT(f.e.requests, 1);
    CHECK_EQ_INT(f.e.attacks, 1);
    CHECK_EQ_INT(f.e.nparams, 1);      /* the attack's query was not learned */
    free(l);
    rp_disc_free(d);
}

TEST(candidates)
{
    rp_disc_opts_t op;
    memset(&op, 0, sizeof(op));
    op.min_requests = 3;
    rp_disc_t *d = rp_disc_new(&op);
    dt_add(d, "GET", "/a");
    dt_add(d, "GET", "/a");
    dt_add(d, "GET", "/b");
    dt_add(d, "GET", "/b");
    dt_add(d, "GET", "/b");
    dt_list_t *l = malloc(sizeof(*l));
    l->n = 0;
    l->count = 0;
    l->buf[0] = 0;
    rp_disc_each_endpoint(d, NULL, 0, dt_list_cb, l);
    CHECK_STR(rp_str_c(l->buf), "GET /b\n");
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "GET /a\nGET /b\n");
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    CHECK_EQ_INT(st.endpoints, 1);
    CHECK_EQ_INT(st.candidates, 1);
    free(l);
    rp_disc_free(d);
}

TEST(caps)
{
    rp_disc_opts_t op;
    memset(&op, 0, sizeof(op));
    op.max_apps = 2;
    op.max_endpoints = 3;
    op.max_params = 2;
    op.max_values = 2;
    rp_disc_t *d = rp_disc_new(&op);
    rp_disc_obs_t o = dt_obs("GET", "/a");
    o.app = RP_STRLIT("one");
    rp_disc_add(d, &o);
    o.app = RP_STRLIT("two");
    rp_disc_add(d, &o);
    o.app = RP_STRLIT("three");
    CHECK_EQ_INT(rp_disc_add(d, &o), 0);
    dt_add(d, "GET", "/x"); /* default: a third app, capped too */
    o.app = RP_STRLIT("one");
    o.path = RP_STRLIT("/b");
    rp_disc_add(d, &o);
    o.path = RP_STRLIT("/c");
    rp_disc_add(d, &o);
    o.path = RP_STRLIT("/d");
    rp_disc_add(d, &o);   /* 4th endpoint of app one */
    o.method = RP_STRLIT("POST");
    o.path = RP_STRLIT("/a");
    rp_disc_add(d, &o);   /* 5th */
    o.method = RP_STRLIT("GET");
    o.query = RP_STRLIT("p=1&q=2&r=3");
    rp_disc_add(d, &o);   /* r is over max_params */
    o.query = RP_STRLIT("p=a");
    rp_disc_add(d, &o);
    o.query = RP_STRLIT("p=b");
    rp_disc_add(d, &o);
    o.query = RP_STRLIT("p=c");
    rp_disc_add(d, &o);   /* third distinct value of p: values capped */
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    CHECK_EQ_INT(st.apps, 2);
    CHECK_EQ_INT(st.capped_apps, 2);
    CHECK_EQ_INT(st.capped_endpoints, 2);
    CHECK_EQ_INT(st.capped_params, 1);
    CHECK_EQ_INT(st.capped_values, 1);
    CHECK(st.memory > 0);
    rp_disc_free(d);
}

TEST(auth_and_ctypes)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_header_t h[4] = {
        { RP_STRLIT("Authorization"), RP_STRLIT("Bearer abc.def") },
        { RP_STRLIT("X-Api-Key"), RP_STRLIT("k1") },
        { RP_STRLIT("Cookie"), RP_STRLIT("theme=dark; sessionid=xyz") },
        { RP_STRLIT("User-Agent"), RP_STRLIT("curl") },
    };
    rp_disc_obs_t o = dt_obs("POST", "/login");
    o.headers = h;
    o.nheaders = 4;
    o.req_ctype = RP_STRLIT("Application/JSON; charset=utf-8");
    o.resp_ctype = RP_STRLIT("text/html");
    rp_disc_add(d, &o);
    rp_disc_header_t hb = { RP_STRLIT("authorization"), RP_STRLIT("Basic dTpw") };
    o = dt_obs("GET", "/b");
    o.headers = &hb;
    o.nheaders = 1;
    rp_disc_add(d, &o);
    dt_find_t f;
    CHECK(dt_find(d, "POST", "/login", &f));
    CHECK_EQ_INT(f.e.auth, RP_DISC_AUTH_BEARER | RP_DISC_AUTH_APIKEY | RP_DISC_AUTH_COOKIE);
    CHECK_EQ_INT(f.e.nreq_ctypes, 1);
    CHECK_EQ_INT(f.e.nresp_ctypes, 1);
    CHECK(dt_find(d, "GET", "/b", &f));
    CHECK_EQ_INT(f.e.auth, RP_DISC_AUTH_BASIC);
    rp_disc_free(d);
}

static void feed(rp_disc_t *d, int from, int to)
{
    for (int i = from; i < to; i++) {
        rp_disc_obs_t o = dt_obs("GET", "/users/1");
        o.latency_ms = 10 + i % 3;
        o.time_ms = 1000 + i;
        o.status = i % 2 ? 200 : 500;
        char s[16];
        snprintf(s, sizeof(s), "s%d", i);
        o.source = rp_str_c(s);
        rp_disc_add(d, &o);
    }
}

TEST(merge)
{
    rp_disc_t *a = rp_disc_new(NULL), *b = rp_disc_new(NULL), *all = rp_disc_new(NULL);
    feed(a, 0, 50);
    feed(b, 50, 120);
    feed(all, 0, 120);
    dt_add(b, "PUT", "/other");
    dt_add_hint(b, "GET", "/pets/5", "/pets/{petId}");
    CHECK_EQ_INT(rp_disc_merge(a, b), 0);
    dt_find_t fa, fall;
    CHECK(dt_find(a, "GET", "/users/{userId}", &fa));
    CHECK(dt_find(all, "GET", "/users/{userId}", &fall));
    CHECK_EQ_INT(fa.e.requests, 120);
    CHECK_EQ_INT(fa.e.first_ms, 1000);
    CHECK_EQ_INT(fa.e.last_ms, 1119);
    CHECK_EQ_INT(fa.status_count[0], fall.status_count[0]);
    CHECK(fa.e.p50_ms == fall.e.p50_ms && fa.e.p99_ms == fall.e.p99_ms);
    CHECK_EQ_INT(fa.e.sources, fall.e.sources);
    CHECK(dt_find(a, "PUT", "/other", &fa));
    CHECK(dt_find(a, "GET", "/pets/{petId}", &fa));
    CHECK_EQ_INT(fa.e.from_source_template, 1);
    /* b unchanged */
    CHECK(dt_find(b, "GET", "/users/{userId}", &fa));
    CHECK_EQ_INT(fa.e.requests, 70);
    rp_disc_stats_t st;
    rp_disc_stats(a, &st);
    CHECK_EQ_INT(st.observations, 50 + 72);
    rp_disc_free(a);
    rp_disc_free(b);
    rp_disc_free(all);
}

TEST(merge_refolds)
{
    /* each side saw 15 names (below the threshold); together 30 -> merged */
    rp_disc_t *a = rp_disc_new(NULL), *b = rp_disc_new(NULL);
    char p[64];
    for (int i = 0; i < 30; i++) {
        snprintf(p, sizeof(p), "/users/name%c%c", 'a' + i / 26, 'a' + i % 26);
        dt_add(i < 15 ? a : b, "GET", p);
    }
    CHECK_EQ_INT(rp_disc_merge(a, b), 0);
    dt_list_t *l = malloc(sizeof(*l));
    dt_list(a, l);
    CHECK_STR(rp_str_c(l->buf), "GET /users/{userId}\n");
    dt_find_t f;
    CHECK(dt_find(a, "GET", "/users/{userId}", &f));
    CHECK_EQ_INT(f.e.requests, 30);
    free(l);
    rp_disc_free(a);
    rp_disc_free(b);
}

int main(void)
{
    RUN(apps_keyed);
    RUN(counters);
    RUN(unknown_latency);
    RUN(histogram_error_bound);
    RUN(distinct_sketch);
    RUN(rejected_and_attacks);
    RUN(candidates);
    RUN(caps);
    RUN(auth_and_ctypes);
    RUN(merge);
    RUN(merge_refolds);
    TEST_MAIN_END();
}
