/*
 * bench/disc_bench.c - the discovery aggregator alone, one thread, no I/O.
 *
 *   bench/disc.sh            (builds this against build/librampart.a and runs it)
 *   build/bench-disc [--adds N]
 *
 * Workloads (deterministic inputs, so runs compare):
 *   log-known     access-log observations (no query, headers or bodies)
 *                 of 1,000 known endpoints "/api/v1/<res>/<id>/<sub>",
 *                 random ids, status, latency, integration latency,
 *                 size, source address, time: ns per rp_disc_add
 *   log-hinted    the same with an API Gateway resourcePath template
 *   live-query    live traffic: a query string of 3 parameters and an
 *                 Authorization header
 *   live-json     live traffic with a 200-byte JSON response body
 * Times are thread CPU time (per core, whatever else runs), best of 3.
 * Memory: 10,000 endpoints (each seen 20 times from 20 sources, with
 * both latencies) - rp_disc_stats().memory per 1,000 endpoints.
 */
#include "rampart/discovery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this thread: the machine may be shared, and the figure
 * wanted is per core. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static const char *const subs[] = { "orders", "items", "events", "notes", "files",
                                     "tags", "members", "invoices", "reviews", "logs" };

/* resource name r: letters only ("resab"), so it is a literal */
static void res_name(char *out, unsigned r)
{
    snprintf(out, 16, "res%c%c%c", 'a' + (r / 676) % 26, 'a' + (r / 26) % 26, 'a' + r % 26);
}

typedef struct obs_set {
    char (*path)[96];
    char (*hint)[96];
    char (*src)[24];
    rp_disc_obs_t *o;
    size_t n;
} obs_set_t;

static void make_set(obs_set_t *s, size_t n, unsigned nres, int hinted)
{
    s->n = n;
    s->path = malloc(n * sizeof(*s->path));
    s->hint = malloc(n * sizeof(*s->hint));
    s->src = malloc(n * sizeof(*s->src));
    s->o = calloc(n, sizeof(*s->o));
    for (size_t i = 0; i < n; i++) {
        unsigned r = (unsigned)(rng() % nres), sb = (unsigned)(rng() % 10);
        char rn[16];
        res_name(rn, r);
        snprintf(s->path[i], sizeof(s->path[i]), "/api/v1/%s/%u/%s", rn,
                 (unsigned)(rng() % 1000000), subs[sb]);
        snprintf(s->hint[i], sizeof(s->hint[i]), "/api/v1/%s/{id}/%s", rn, subs[sb]);
        snprintf(s->src[i], sizeof(s->src[i]), "10.%u.%u.%u", (unsigned)(rng() % 4),
                 (unsigned)(rng() % 256), (unsigned)(rng() % 256));
        rp_disc_obs_t *o = &s->o[i];
        o->domain = RP_STRLIT("abc123.execute-api.eu-west-1.amazonaws.com");
        o->stage = RP_STRLIT("prod");
        o->method = (rng() % 4) ? RP_STRLIT("GET") : RP_STRLIT("POST");
        o->path = rp_str_c(s->path[i]);
        if (hinted)
            o->template_hint = rp_str_c(s->hint[i]);
        o->status = (rng() % 20) ? 200 : 404;
        o->latency_ms = 1 + (double)(rng() % 5000) / 10;
        o->integration_ms = o->latency_ms * 0.8;
        o->resp_bytes = (int64_t)(rng() % 10000);
        o->time_ms = 1700000000000 + (int64_t)i;
        o->source = rp_str_c(s->src[i]);
    }
}

static void free_set(obs_set_t *s)
{
    free(s->path);
    free(s->hint);
    free(s->src);
    free(s->o);
}

static double run(rp_disc_t *d, obs_set_t *s, size_t adds)
{
    double t0 = now_s();
    for (size_t i = 0; i < adds; i++)
        rp_disc_add(d, &s->o[i % s->n]);
    return (now_s() - t0) * 1e9 / (double)adds;
}

static void bench(const char *name, int hinted, size_t adds, int live)
{
    rp_disc_t *d = rp_disc_new(NULL);
    obs_set_t s;
    make_set(&s, 65536, 100, hinted);
    rp_disc_header_t auth = { RP_STRLIT("Authorization"), RP_STRLIT("Bearer abcdef0123456789") };
    char (*q)[64] = NULL;
    if (live) {
        q = malloc(s.n * sizeof(*q));
        for (size_t i = 0; i < s.n; i++) {
            snprintf(q[i], sizeof(q[i]), "page=%u&sort=%s&active=%s", (unsigned)(rng() % 50),
                     rng() % 2 ? "asc" : "desc", rng() % 2 ? "true" : "false");
            s.o[i].query = rp_str_c(q[i]);
            s.o[i].headers = &auth;
            s.o[i].nheaders = 1;
            s.o[i].integration_ms = -1;
            if (live == 2) {
                s.o[i].resp_ctype = RP_STRLIT("application/json");
                s.o[i].resp_body = RP_STRLIT(
                    "{\"id\":123,\"name\":\"Widget\",\"price\":12.5,\"tags\":[\"a\",\"b\"],"
                    "\"owner\":{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"email\":"
                    "\"someone@example.com\"},\"created\":\"2024-06-01T10:00:00Z\","
                    "\"active\":true,\"notes\":null}");
            }
        }
    }
    run(d, &s, s.n);      /* warm: every endpoint known */
    /* best of three: the machine may be shared */
    double ns = run(d, &s, adds);
    for (int k = 0; k < 2; k++) {
        double x = run(d, &s, adds);
        ns = x < ns ? x : ns;
    }
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    printf("%-12s %8.1f ns/add  %9.0f adds/s  (%llu endpoints, %zu bytes)\n", name, ns, 1e9 / ns,
           (unsigned long long)(st.endpoints + st.candidates), st.memory);
    free(q);
    free_set(&s);
    rp_disc_free(d);
}

static void memory(void)
{
    rp_disc_opts_t o;
    memset(&o, 0, sizeof(o));
    o.max_endpoints = 20000;
    rp_disc_t *d = rp_disc_new(&o);
    char path[96], src[24];
    size_t n = 0;
    for (unsigned r = 0; r < 1000; r++) {
        char rn[16];
        res_name(rn, r);
        for (unsigned sb = 0; sb < 10; sb++) {
            for (unsigned k = 0; k < 20; k++) {
                snprintf(path, sizeof(path), "/api/v1/%s/%u/%s", rn, 1000 + k, subs[sb]);
                snprintf(src, sizeof(src), "10.0.%u.%u", r % 256, k);
                rp_disc_obs_t ob;
                memset(&ob, 0, sizeof(ob));
                ob.method = RP_STRLIT("GET");
                ob.path = rp_str_c(path);
                ob.domain = RP_STRLIT("api.example.com");
                ob.status = 200;
                ob.latency_ms = 10 + k;
                ob.integration_ms = 5 + k;
                ob.resp_bytes = 100;
                ob.time_ms = 1700000000000;
                ob.source = rp_str_c(src);
                rp_disc_add(d, &ob);
                n++;
            }
        }
    }
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    uint64_t eps = st.endpoints + st.candidates;
    printf("memory       %llu endpoints, %zu bytes: %.0f KiB per 1,000 endpoints "
           "(log observations: both latency histograms, sources sketch in registers)\n",
           (unsigned long long)eps, st.memory, (double)st.memory / (double)eps * 1000 / 1024);
    rp_disc_free(d);
}

int main(int argc, char **argv)
{
    size_t adds = 5000000;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--adds") == 0)
            adds = (size_t)strtoull(argv[++i], NULL, 10);
    bench("log-known", 0, adds, 0);
    bench("log-hinted", 1, adds, 0);
    bench("live-query", 0, adds / 4, 1);
    bench("live-json", 0, adds / 20, 2);
    memory();
    return 0;
}
