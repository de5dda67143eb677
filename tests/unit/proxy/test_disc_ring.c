/*
 * test_disc_ring.c - the discovery feed's per-worker ring (disc_feed.c,
 * included for its static functions): records survive the copy whole,
 * wrap around the end, a full ring refuses (counted by the caller), and a
 * producer and a consumer on two threads lose or mangle nothing.
 */
#include "test.h"

#include "proxy/disc_feed.c"

typedef struct tally {
    uint64_t req[8];
    uint64_t total;
    int bad;
} tally_t;

static int count_cb(void *ud, const rp_disc_endpoint_t *e)
{
    tally_t *t = ud;
    if (strncmp(e->path, "/p", 2) == 0 && e->path[2] >= '0' && e->path[2] <= '7' && !e->path[3])
        t->req[e->path[2] - '0'] += e->requests;
    else
        t->bad = 1;
    t->total += e->requests;
    return 0;
}

static void make_obs(rp_disc_obs_t *o, rp_disc_header_t *h, char *path, size_t i, const char *body)
{
    memset(o, 0, sizeof(*o));
    snprintf(path, 8, "/p%zu", i % 8);
    o->app = RP_STRLIT("t");
    o->method = RP_STRLIT("GET");
    o->path = rp_str_c(path);
    o->query = RP_STRLIT("a=1");
    o->status = 200;
    o->latency_ms = 1.5;
    o->integration_ms = -1;
    o->resp_bytes = -1;
    o->time_ms = 1700000000000LL + (int64_t)i;
    o->source = RP_STRLIT("10.0.0.1");
    o->resp_ctype = RP_STRLIT("application/json");
    o->resp_body = rp_str_c(body);
    h[0] = (rp_disc_header_t){ RP_STRLIT("authorization"), RP_STRLIT("Bearer -") };
    o->headers = h;
    o->nheaders = 1;
}

TEST(push_drain_wrap_full)
{
    rp_dring_t r;
    memset(&r, 0, sizeof(r));
    r.cap = 4096;
    r.buf = malloc(r.cap);
    rp_disc_opts_t opts = { .min_requests = 1 };
    rp_disc_t *d = rp_disc_new(&opts);
    char path[8], body[600];
    memset(body, 'x', sizeof(body) - 1);
    body[0] = '"';
    body[sizeof(body) - 2] = '"';
    body[sizeof(body) - 1] = 0;
    rp_disc_obs_t o;
    rp_disc_header_t h[1];
    uint64_t pushed = 0, refused = 0, drained = 0;
    /* Fill until refused, drain, repeat: offsets move round the ring. */
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < 64; i++) {
            make_obs(&o, h, path, pushed, body);
            if (ring_push(&r, &o) == 0)
                pushed++;
            else
                refused++;
        }
        drained += ring_drain(&r, d);
    }
    CHECK(refused > 0);
    CHECK_EQ_INT(drained, pushed);
    CHECK_EQ_INT(atomic_load(&r.head), atomic_load(&r.tail));
    /* A record over half the ring is refused outright. */
    char big[3000];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    make_obs(&o, h, path, 0, big);
    CHECK_EQ_INT(ring_push(&r, &o), -1);
    tally_t t;
    memset(&t, 0, sizeof(t));
    rp_disc_each_endpoint(d, NULL, 1, count_cb, &t);
    CHECK(!t.bad);
    CHECK_EQ_INT(t.total, pushed);
    rp_disc_free(d);
    free(r.buf);
}

typedef struct prod {
    rp_dring_t *r;
    uint64_t n, pushed, refused;
} prod_t;

static void *producer(void *arg)
{
    prod_t *p = arg;
    char path[8], body[64];
    rp_disc_obs_t o;
    rp_disc_header_t h[1];
    for (uint64_t i = 0; i < p->n; i++) {
        snprintf(body, sizeof(body), "{\"n\":%llu}", (unsigned long long)i);
        make_obs(&o, h, path, (size_t)i, body);
        while (ring_push(p->r, &o) != 0)
            p->refused++;   /* spin: the consumer makes room */
        p->pushed++;
    }
    return NULL;
}

TEST(two_threads)
{
    rp_dring_t r;
    memset(&r, 0, sizeof(r));
    r.cap = 8192;
    r.buf = malloc(r.cap);
    rp_disc_opts_t opts = { .min_requests = 1 };
    rp_disc_t *d = rp_disc_new(&opts);
    prod_t p = { &r, 100000, 0, 0 };
    pthread_t th;
    pthread_create(&th, NULL, producer, &p);
    uint64_t drained = 0;
    for (;;) {
        drained += ring_drain(&r, d);
        if (drained == p.n)
            break;
    }
    pthread_join(th, NULL);
    CHECK_EQ_INT(drained, p.n);
    tally_t t;
    memset(&t, 0, sizeof(t));
    rp_disc_each_endpoint(d, NULL, 1, count_cb, &t);
    CHECK(!t.bad);
    for (int k = 0; k < 8; k++)
        CHECK_EQ_INT(t.req[k], p.n / 8);
    rp_disc_free(d);
    free(r.buf);
}

int main(void)
{
    RUN(push_drain_wrap_full);
    RUN(two_threads);
    TEST_MAIN_END();
}
