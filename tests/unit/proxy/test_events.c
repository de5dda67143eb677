/* Unit tests for the attack-event sink and store: both destinations and
 * every query filter, ordering, a stalled writer (push never waits, the
 * bound drops and counts), recovery from a full disk (real ENOSPC through
 * /dev/full), SQLITE_FULL and a real SQLITE_BUSY, stop flushing, restart,
 * concurrent producers, JSON with control characters, start-up errors, and
 * the `rampart events` command (its --since parser included, hence the
 * .c include: it is not part of the library). */
#include "rampart/events.h"
#include "test.h"

#include "cli/events.c"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define T0 1700000000000ull /* 2023-11-14T22:13:20Z */

static char dir[64];

static const char *tpath(const char *name)
{
    static char bufs[4][128];
    static int next;
    char *b = bufs[next++ & 3];
    snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
    return b;
}

static void rm_store(const char *name)
{
    char p[160];
    const char *sfx[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/%s%s", dir, name, sfx[i]);
        unlink(p);
    }
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void set_field(char *dst, size_t cap, const char *v)
{
    snprintf(dst, cap, "%s", v);
}
#define SET(ev, f, v) set_field((ev).f, sizeof((ev).f), (v))

/* An event numbered n; its JSON is {"n":n,"id":"r<n>"}. */
static rp_event_t mk(int n, uint64_t t, const char *ip, const char *route, const char *attacks)
{
    rp_event_t ev;
    memset(&ev, 0, sizeof(ev));
    ev.time_ms = t;
    snprintf(ev.request_id, sizeof(ev.request_id), "r%d", n);
    SET(ev, client_ip, ip);
    SET(ev, route, route);
    SET(ev, method, "POST");
    SET(ev, host, "api.example");
    snprintf(ev.path, sizeof(ev.path), "/items/%d", n);
    SET(ev, attacks, attacks);
    ev.score = n * 10;
    SET(ev, mode, "block");
    SET(ev, action, "blocked");
    char j[128];
    int len = snprintf(j, sizeof(j), "{\"n\":%d,\"id\":\"r%d\"}", n, n);
    ev.json = rp_xstrndup(j, (size_t)len);
    ev.json_len = (size_t)len;
    return ev;
}

static int push(rp_event_sink_t *s, rp_event_t ev)
{
    return rp_event_sink_push(s, &ev);
}

static rp_event_sink_stats_t stats(rp_event_sink_t *s)
{
    rp_event_sink_stats_t st;
    rp_event_sink_get_stats(s, &st);
    return st;
}

/* Polls until written >= n (or timeout): the writer is asynchronous. */
static int wait_written(rp_event_sink_t *s, uint64_t n, unsigned timeout_ms)
{
    for (unsigned t = 0; t < timeout_ms; t += 5) {
        if (stats(s).written >= n)
            return 1;
        sleep_ms(5);
    }
    return stats(s).written >= n;
}

static int wait_errors(rp_event_sink_t *s, uint64_t n, unsigned timeout_ms)
{
    for (unsigned t = 0; t < timeout_ms; t += 5) {
        if (stats(s).write_errors >= n)
            return 1;
        sleep_ms(5);
    }
    return 0;
}

static rp_event_sink_t *start(const char *log, const char *db, size_t qmax, uint64_t flush)
{
    rp_event_sink_opts_t o = { .log_path = log, .db_path = db, .queue_max = qmax, .flush_ms = flush };
    char err[256] = "";
    rp_event_sink_t *s = rp_event_sink_start(&o, err, sizeof(err));
    if (!s)
        fprintf(stderr, "start: %s\n", err);
    return s;
}

/* Query results as "r5,r4,..." (request ids in the order returned). */
typedef struct ids {
    char s[4096];
    size_t n;
} ids_t;

static int ids_cb(void *ud, const rp_event_t *ev)
{
    ids_t *r = ud;
    size_t len = strlen(r->s);
    snprintf(r->s + len, sizeof(r->s) - len, "%s%s", len ? "," : "", ev->request_id);
    r->n++;
    return 0;
}

static const char *query_ids(const char *db, const rp_events_filter_t *f)
{
    static ids_t r;
    char err[256];
    memset(&r, 0, sizeof(r));
    long n = rp_events_query(db, f, ids_cb, &r, err, sizeof(err));
    if (n < 0) {
        fprintf(stderr, "query: %s\n", err);
        return "(error)";
    }
    return r.s;
}

static long query_count(const char *db)
{
    rp_events_filter_t f = { .limit = 1000000 };
    char err[256];
    return rp_events_query(db, &f, NULL, NULL, err, sizeof(err));
}

/* Reads a whole file (NUL-terminated; *len without the NUL). */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *len = 0;
        return rp_xstrndup("", 0);
    }
    rp_buf_t b;
    rp_buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        rp_buf_append(&b, chunk, n);
    fclose(fp);
    rp_buf_append(&b, "", 1);
    *len = b.len - 1;
    return b.p;
}

static size_t count_lines(const char *path)
{
    size_t len, n = 0;
    char *p = slurp(path, &len);
    for (size_t i = 0; i < len; i++)
        n += p[i] == '\n';
    free(p);
    return n;
}

/* The test hook: stalls while `stall` is set (at most 10 s), fails the
 * next fail_log / fail_db attempts. */
typedef struct hook {
    _Atomic int stall, fail_log, fail_db, calls, failed;
} hook_t;

/* Takes one from *n if positive; says whether it did. */
static int take(_Atomic int *n)
{
    int v = atomic_load(n);
    while (v > 0 && !atomic_compare_exchange_weak(n, &v, v - 1))
        ;
    return v > 0;
}

static int hook_cb(void *ud, rp_event_dest_t dest, size_t n)
{
    hook_t *h = ud;
    atomic_fetch_add(&h->calls, 1);
    for (int i = 0; i < 10000 && atomic_load(&h->stall); i++)
        sleep_ms(1);
    if (dest == RP_EVENT_DEST_LOG && take(&h->fail_log)) {
        atomic_fetch_add(&h->failed, 1);
        return ENOSPC;
    }
    if (dest == RP_EVENT_DEST_DB && take(&h->fail_db)) {
        atomic_fetch_add(&h->failed, 1);
        return SQLITE_FULL;
    }
    return 0;
}

static rp_event_sink_t *start_hooked(const char *log, const char *db, size_t qmax, hook_t *h)
{
    rp_event_sink_opts_t o = { .log_path = log, .db_path = db, .queue_max = qmax, .flush_ms = 10,
                               .test_write_hook = hook_cb, .test_ud = h };
    char err[256] = "";
    rp_event_sink_t *s = rp_event_sink_start(&o, err, sizeof(err));
    if (!s)
        fprintf(stderr, "start: %s\n", err);
    return s;
}

/* ---------------------------------------------------------------------- */

TEST(both_destinations_and_filters)
{
    rm_store("f.db");
    unlink(tpath("f.log"));
    rp_event_sink_t *s = start(tpath("f.log"), tpath("f.db"), 0, 20);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ_INT(push(s, mk(0, T0 + 0, "10.0.0.1", "api", "sqli")), 0);
    CHECK_EQ_INT(push(s, mk(1, T0 + 1000, "10.0.0.2", "api", "xss")), 0);
    CHECK_EQ_INT(push(s, mk(2, T0 + 2000, "10.0.0.1", "admin", "sqli,xss")), 0);
    CHECK_EQ_INT(push(s, mk(3, T0 + 3000, "10.0.0.3", "admin", "nosqli")), 0);
    CHECK_EQ_INT(push(s, mk(4, T0 + 4000, "10.0.0.1", "api", "cmdi")), 0);
    CHECK_EQ_INT(push(s, mk(5, T0 + 5000, "2001:db8::1", "api", "xss,sqli")), 0);
    CHECK(wait_written(s, 6, 3000));
    rp_event_sink_stop(s, 2000);

    /* The log: one line per event, in push order, the JSON as given. */
    size_t len;
    char *log = slurp(tpath("f.log"), &len);
    CHECK(strncmp(log, "{\"n\":0,\"id\":\"r0\"}\n{\"n\":1,\"id\":\"r1\"}\n", 36) == 0);
    CHECK_EQ_INT(count_lines(tpath("f.log")), 6);
    free(log);

    const char *db = tpath("f.db");
    rp_events_filter_t f = { 0 };
    CHECK(strcmp(query_ids(db, &f), "r5,r4,r3,r2,r1,r0") == 0);
    f = (rp_events_filter_t){ .attack = "sqli" }; /* a class, not a substring: not nosqli */
    CHECK(strcmp(query_ids(db, &f), "r5,r2,r0") == 0);
    f = (rp_events_filter_t){ .attack = "xss" };
    CHECK(strcmp(query_ids(db, &f), "r5,r2,r1") == 0);
    f = (rp_events_filter_t){ .attack = "sql" };
    CHECK(strcmp(query_ids(db, &f), "") == 0);
    f = (rp_events_filter_t){ .attack = "%" }; /* no LIKE wildcards */
    CHECK(strcmp(query_ids(db, &f), "") == 0);
    f = (rp_events_filter_t){ .client_ip = "10.0.0.1" };
    CHECK(strcmp(query_ids(db, &f), "r4,r2,r0") == 0);
    f = (rp_events_filter_t){ .client_ip = "2001:db8::1" };
    CHECK(strcmp(query_ids(db, &f), "r5") == 0);
    f = (rp_events_filter_t){ .client_ip = "10.0.0" };
    CHECK(strcmp(query_ids(db, &f), "") == 0);
    f = (rp_events_filter_t){ .route = "admin" };
    CHECK(strcmp(query_ids(db, &f), "r3,r2") == 0);
    f = (rp_events_filter_t){ .since_ms = T0 + 2000 };
    CHECK(strcmp(query_ids(db, &f), "r5,r4,r3,r2") == 0);
    f = (rp_events_filter_t){ .until_ms = T0 + 1000 };
    CHECK(strcmp(query_ids(db, &f), "r1,r0") == 0);
    f = (rp_events_filter_t){ .since_ms = T0 + 1000, .until_ms = T0 + 3000 };
    CHECK(strcmp(query_ids(db, &f), "r3,r2,r1") == 0);
    f = (rp_events_filter_t){ .client_ip = "10.0.0.1", .route = "api", .attack = "sqli" };
    CHECK(strcmp(query_ids(db, &f), "r0") == 0);
    f = (rp_events_filter_t){ .limit = 2 };
    CHECK(strcmp(query_ids(db, &f), "r5,r4") == 0);
    f = (rp_events_filter_t){ .route = "api", .limit = 1, .since_ms = T0 + 500 };
    CHECK(strcmp(query_ids(db, &f), "r5") == 0);
}

typedef struct fields_out {
    rp_event_t ev;
    char json[256];
} fields_out_t;

static int fields_cb(void *ud, const rp_event_t *ev)
{
    fields_out_t *o = ud;
    o->ev = *ev;
    o->ev.json = NULL;
    snprintf(o->json, sizeof(o->json), "%.*s", (int)ev->json_len, ev->json);
    return 1; /* the first one is enough: stops */
}

TEST(fields_round_trip)
{
    rp_events_filter_t f = { .client_ip = "10.0.0.3" };
    fields_out_t o;
    char err[256];
    memset(&o, 0, sizeof(o));
    CHECK_EQ_INT(rp_events_query(tpath("f.db"), &f, fields_cb, &o, err, sizeof(err)), 1);
    CHECK_EQ_INT(o.ev.time_ms, T0 + 3000);
    CHECK(strcmp(o.ev.request_id, "r3") == 0);
    CHECK(strcmp(o.ev.route, "admin") == 0);
    CHECK(strcmp(o.ev.method, "POST") == 0);
    CHECK(strcmp(o.ev.host, "api.example") == 0);
    CHECK(strcmp(o.ev.path, "/items/3") == 0);
    CHECK(strcmp(o.ev.attacks, "nosqli") == 0);
    CHECK_EQ_INT(o.ev.score, 30);
    CHECK(strcmp(o.ev.mode, "block") == 0);
    CHECK(strcmp(o.ev.action, "blocked") == 0);
    CHECK(strcmp(o.json, "{\"n\":3,\"id\":\"r3\"}") == 0);
    /* A callback that stops: all rows seen up to it are counted. */
    f = (rp_events_filter_t){ 0 };
    CHECK_EQ_INT(rp_events_query(tpath("f.db"), &f, fields_cb, &o, err, sizeof(err)), 1);
    CHECK(strcmp(o.ev.request_id, "r5") == 0);
}

TEST(ordering)
{
    rm_store("o.db");
    rp_event_sink_t *s = start(NULL, tpath("o.db"), 0, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    /* Newest first by time_ms, then the later insert first. */
    push(s, mk(1, T0 + 3, "1.1.1.1", "r", "xss"));
    push(s, mk(2, T0 + 1, "1.1.1.1", "r", "xss"));
    push(s, mk(3, T0 + 2, "1.1.1.1", "r", "xss"));
    push(s, mk(4, T0 + 1, "1.1.1.1", "r", "xss"));
    rp_event_sink_stop(s, 2000);
    rp_events_filter_t f = { 0 };
    CHECK(strcmp(query_ids(tpath("o.db"), &f), "r1,r3,r4,r2") == 0);
    /* time_ms 0 at push: stamped with the current time. */
    s = start(NULL, tpath("o.db"), 0, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    uint64_t before = (uint64_t)time(NULL) * 1000u;
    push(s, mk(5, 0, "1.1.1.1", "r", "xss"));
    rp_event_sink_stop(s, 2000);
    f.since_ms = before - 1000;
    CHECK(strcmp(query_ids(tpath("o.db"), &f), "r5") == 0);
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

TEST(overflow_under_stall)
{
    rm_store("s.db");
    unlink(tpath("s.log"));
    hook_t h = { 0 };
    atomic_store(&h.stall, 1);
    rp_event_sink_t *s = start_hooked(tpath("s.log"), tpath("s.db"), 1000, &h);
    CHECK(s != NULL);
    if (!s)
        return;
    /* Let the writer take a first batch and stall inside the hook. */
    push(s, mk(0, T0, "1.1.1.1", "r", "xss"));
    for (int i = 0; i < 2000 && atomic_load(&h.calls) == 0; i++)
        sleep_ms(1);
    CHECK(atomic_load(&h.calls) > 0);

    enum { N = 100000 };
    int accepted = 1, refused = 0;
    rp_event_t ev = mk(1, T0, "1.1.1.1", "r", "xss");
    free(ev.json);
    uint64_t t0 = mono_ns();
    for (int i = 1; i < N; i++) {
        ev.json = malloc(32);
        ev.json_len = (size_t)snprintf(ev.json, 32, "{\"n\":%d}", i);
        if (rp_event_sink_push(s, &ev) == 0)
            accepted++;
        else
            refused++;
        CHECK(ev.json == NULL); /* ownership taken both ways */
    }
    uint64_t el = mono_ns() - t0;
    printf("overflow_under_stall: %d pushes in %.1f ms, %.0f ns/push (%d accepted, %d refused)\n",
           N - 1, (double)el / 1e6, (double)el / (N - 1), accepted, refused);
    /* Liveness, not speed: the stall lasts until released (10 s at most);
     * pushes that waited for it could not finish in 3 s. */
    CHECK(el < 3000000000ull);
    rp_event_sink_stats_t st = stats(s);
    CHECK_EQ_INT(st.queued, 1000);
    CHECK_EQ_INT(st.dropped, N - 1000);
    CHECK_EQ_INT(st.pending, 1000);
    CHECK_EQ_INT(st.written, 0);
    CHECK_EQ_INT(accepted, 1000);

    atomic_store(&h.stall, 0);
    CHECK(wait_written(s, 1000, 5000));
    /* Room again once written. */
    CHECK_EQ_INT(push(s, mk(7, T0, "1.1.1.1", "r", "xss")), 0);
    rp_event_sink_stop(s, 2000);
    CHECK_EQ_INT(query_count(tpath("s.db")), 1001);
    CHECK_EQ_INT(count_lines(tpath("s.log")), 1001);
}

TEST(recovery_after_enospc)
{
    /* A real full disk: the log is a symlink to /dev/full (write(2) fails
     * with ENOSPC), then to a regular file and the sink reopens it. */
    rm_store("e.db");
    unlink(tpath("e.log"));
    unlink(tpath("e.real"));
    if (symlink("/dev/full", tpath("e.log")) != 0) {
        fprintf(stderr, "symlink: %s\n", strerror(errno));
        CHECK(0);
        return;
    }
    rp_event_sink_t *s = start(tpath("e.log"), tpath("e.db"), 100, 10);
    CHECK(s != NULL);
    if (!s)
        return;
    for (int i = 0; i < 50; i++)
        CHECK_EQ_INT(push(s, mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "xss")), 0);
    CHECK(wait_errors(s, 1, 3000));
    rp_event_sink_stats_t st = stats(s);
    CHECK_EQ_INT(st.written, 0);
    CHECK_EQ_INT(st.pending, 50);
    /* The store has the failing batch already (committed once, not
     * replayed); later batches wait behind it. */
    long in_db = query_count(tpath("e.db"));
    CHECK(in_db > 0 && in_db <= 50);
    /* Up to the bound while failing, then drops. */
    for (int i = 50; i < 110; i++)
        push(s, mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "xss"));
    st = stats(s);
    CHECK_EQ_INT(st.queued, 100);
    CHECK_EQ_INT(st.dropped, 10);

    /* The operator frees space (here: a new file) and rotates. */
    unlink(tpath("e.log"));
    int fd = open(tpath("e.log"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    close(fd);
    rp_event_sink_reopen(s);
    CHECK(wait_written(s, 100, 5000));
    rp_event_sink_stop(s, 2000);
    /* None lost below the bound, none twice. */
    CHECK_EQ_INT(count_lines(tpath("e.log")), 100);
    CHECK_EQ_INT(query_count(tpath("e.db")), 100);
    size_t len;
    char *log = slurp(tpath("e.log"), &len);
    CHECK(strncmp(log, "{\"n\":0,\"id\":\"r0\"}\n{\"n\":1,", 25) == 0);
    free(log);
}

TEST(recovery_after_sqlite_full)
{
    rm_store("q.db");
    unlink(tpath("q.log"));
    hook_t h = { 0 };
    atomic_store(&h.fail_db, 1000000); /* full until the test says otherwise */
    rp_event_sink_t *s = start_hooked(tpath("q.log"), tpath("q.db"), 100, &h);
    CHECK(s != NULL);
    if (!s)
        return;
    for (int i = 0; i < 60; i++)
        push(s, mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "sqli"));
    CHECK(wait_errors(s, 1, 3000));
    for (int i = 60; i < 110; i++)
        push(s, mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "sqli"));
    rp_event_sink_stats_t st = stats(s);
    CHECK_EQ_INT(st.queued, 100);
    CHECK_EQ_INT(st.dropped, 10);
    CHECK_EQ_INT(st.written, 0);
    atomic_store(&h.fail_db, 0); /* space again */
    CHECK(wait_written(s, 100, 8000));
    st = stats(s);
    rp_event_sink_stop(s, 2000);
    CHECK_EQ_INT(st.written, 100);
    CHECK_EQ_INT(st.write_errors, atomic_load(&h.failed));
    /* Rolled back and replayed whole: each event once, in both places. */
    CHECK_EQ_INT(query_count(tpath("q.db")), 100);
    CHECK_EQ_INT(count_lines(tpath("q.log")), 100);
    rp_events_filter_t f = { .limit = 3 };
    CHECK(strcmp(query_ids(tpath("q.db"), &f), "r99,r98,r97") == 0);
}

TEST(recovery_after_sqlite_busy)
{
    /* A real lock: another connection holds the write lock. */
    rm_store("b.db");
    rp_event_sink_t *s = start(NULL, tpath("b.db"), 100, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    sqlite3 *other = NULL;
    CHECK_EQ_INT(sqlite3_open(tpath("b.db"), &other), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    for (int i = 0; i < 10; i++)
        push(s, mk(i, T0, "1.1.1.1", "r", "sqli"));
    CHECK(wait_errors(s, 1, 3000));
    CHECK_EQ_INT(stats(s).written, 0);
    CHECK_EQ_INT(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    CHECK(wait_written(s, 10, 5000));
    rp_event_sink_stop(s, 2000);
    CHECK_EQ_INT(query_count(tpath("b.db")), 10);
}

TEST(stop_flushes)
{
    rm_store("p.db");
    unlink(tpath("p.log"));
    /* A batching window far longer than the test: stop must not wait it. */
    rp_event_sink_t *s = start(tpath("p.log"), tpath("p.db"), 0, 60000);
    CHECK(s != NULL);
    if (!s)
        return;
    for (int i = 0; i < 100; i++)
        push(s, mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "xss"));
    CHECK_EQ_INT(stats(s).written, 0);
    uint64_t t0 = rp_now_ms();
    rp_event_sink_stop(s, 5000);
    CHECK(rp_now_ms() - t0 < 2000);
    CHECK_EQ_INT(query_count(tpath("p.db")), 100);
    CHECK_EQ_INT(count_lines(tpath("p.log")), 100);
}

TEST(stop_gives_up_at_deadline)
{
    /* A store that keeps failing: stop returns at its deadline and counts
     * what it could not write as dropped. */
    rm_store("d.db");
    hook_t h = { 0 };
    atomic_store(&h.fail_db, 1000000);
    rp_event_sink_t *s = start_hooked(NULL, tpath("d.db"), 100, &h);
    CHECK(s != NULL);
    if (!s)
        return;
    for (int i = 0; i < 5; i++)
        push(s, mk(i, T0, "1.1.1.1", "r", "xss"));
    CHECK(wait_errors(s, 1, 3000));
    uint64_t t0 = rp_now_ms();
    rp_event_sink_stop(s, 150);
    uint64_t el = rp_now_ms() - t0;
    CHECK(el >= 100 && el < 1000);
    CHECK_EQ_INT(query_count(tpath("d.db")), 0);

    /* A writer stuck in a write: stop returns, the writer frees the sink
     * when the write ends. */
    static hook_t h2; /* the detached writer may call the hook after we return */
    atomic_store(&h2.stall, 1);
    rm_store("d.db");
    s = start_hooked(NULL, tpath("d.db"), 100, &h2);
    CHECK(s != NULL);
    if (!s)
        return;
    push(s, mk(1, T0, "1.1.1.1", "r", "xss"));
    for (int i = 0; i < 2000 && atomic_load(&h2.calls) == 0; i++)
        sleep_ms(1);
    t0 = rp_now_ms();
    rp_event_sink_stop(s, 50);
    el = rp_now_ms() - t0;
    CHECK(el < 1000);
    atomic_store(&h2.stall, 0);
    /* The writer finishes the write and frees the sink itself. */
    for (int i = 0; i < 600 && query_count(tpath("d.db")) != 1; i++)
        sleep_ms(5);
    CHECK_EQ_INT(query_count(tpath("d.db")), 1);
    sleep_ms(20);
}

TEST(restart_reads_previous)
{
    rm_store("r.db");
    rp_event_sink_t *s = start(NULL, tpath("r.db"), 0, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    for (int i = 0; i < 5; i++)
        push(s, mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "xss"));
    CHECK(wait_written(s, 5, 3000));
    rp_event_sink_stop(s, 2000);
    s = start(NULL, tpath("r.db"), 0, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    rp_events_filter_t f = { 0 };
    CHECK(strcmp(query_ids(tpath("r.db"), &f), "r4,r3,r2,r1,r0") == 0);
    for (int i = 5; i < 8; i++)
        push(s, mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "xss"));
    rp_event_sink_stop(s, 2000);
    CHECK(strcmp(query_ids(tpath("r.db"), &f), "r7,r6,r5,r4,r3,r2,r1,r0") == 0);
}

typedef struct pusher {
    rp_event_sink_t *s;
    int id, refused;
} pusher_t;

enum { PUSHERS = 4, PER_PUSHER = 5000 };

static void *pusher_main(void *arg)
{
    pusher_t *p = arg;
    for (int i = 0; i < PER_PUSHER; i++) {
        rp_event_t ev = mk(i, T0, "1.1.1.1", "r", "xss");
        snprintf(ev.request_id, sizeof(ev.request_id), "t%d-%d", p->id, i);
        if (rp_event_sink_push(p->s, &ev) != 0)
            p->refused++;
    }
    return NULL;
}

typedef struct seq_check {
    int last[PUSHERS];
    int count[PUSHERS];
    int bad;
} seq_check_t;

static int seq_cb(void *ud, const rp_event_t *ev)
{
    seq_check_t *c = ud;
    int t, i;
    if (sscanf(ev->request_id, "t%d-%d", &t, &i) != 2 || t < 0 || t >= PUSHERS) {
        c->bad++;
        return 0;
    }
    /* Same time_ms everywhere: newest first means each producer's
     * sequence comes back strictly decreasing. */
    if (c->count[t] > 0 && i >= c->last[t])
        c->bad++;
    c->last[t] = i;
    c->count[t]++;
    return 0;
}

TEST(concurrent_pushers)
{
    rm_store("c.db");
    unlink(tpath("c.log"));
    rp_event_sink_t *s = start(tpath("c.log"), tpath("c.db"), 100000, 20);
    CHECK(s != NULL);
    if (!s)
        return;
    pthread_t th[PUSHERS];
    pusher_t p[PUSHERS];
    for (int i = 0; i < PUSHERS; i++) {
        p[i] = (pusher_t){ .s = s, .id = i };
        pthread_create(&th[i], NULL, pusher_main, &p[i]);
    }
    for (int i = 0; i < PUSHERS; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_INT(p[i].refused, 0);
    }
    CHECK(wait_written(s, PUSHERS * PER_PUSHER, 10000));
    rp_event_sink_stats_t st = stats(s);
    rp_event_sink_stop(s, 5000);
    CHECK_EQ_INT(st.queued, PUSHERS * PER_PUSHER);
    CHECK_EQ_INT(st.written, PUSHERS * PER_PUSHER);
    CHECK_EQ_INT(st.dropped, 0);
    CHECK_EQ_INT(st.pending, 0);
    seq_check_t c;
    memset(&c, 0, sizeof(c));
    rp_events_filter_t f = { .limit = PUSHERS * PER_PUSHER + 10 };
    char err[256];
    CHECK_EQ_INT(rp_events_query(tpath("c.db"), &f, seq_cb, &c, err, sizeof(err)), PUSHERS * PER_PUSHER);
    CHECK_EQ_INT(c.bad, 0);
    for (int i = 0; i < PUSHERS; i++)
        CHECK_EQ_INT(c.count[i], PER_PUSHER);
    CHECK_EQ_INT(count_lines(tpath("c.log")), PUSHERS * PER_PUSHER);
}

typedef struct json_out {
    char json[4][128];
    size_t len[4];
    int n;
} json_out_t;

static int json_cb(void *ud, const rp_event_t *ev)
{
    json_out_t *o = ud;
    if (o->n < 4 && ev->json_len < sizeof(o->json[0])) {
        memcpy(o->json[o->n], ev->json, ev->json_len);
        o->len[o->n] = ev->json_len;
    }
    o->n++;
    return 0;
}

TEST(json_with_control_characters)
{
    /* Escaped control characters (valid JSON), raw ones inside strings and
     * between tokens, a NUL byte: the store keeps the bytes as given; the
     * log keeps one event per line. */
    static const char j0[] = "{\"p\":\"/a\\u0001b\\n\\t\\\"c\\\\\",\"k\":\"\xc3\xa9\"}";
    static const char j1[] = "{\"a\":1,\n\"p\":\"x\x1b[31my\"}";
    static const char j2[] = "{\"p\":\"a\0b\\\x0a\"}";
    const char *js[] = { j0, j1, j2 };
    size_t jl[] = { sizeof(j0) - 1, sizeof(j1) - 1, sizeof(j2) - 1 };
    rm_store("j.db");
    unlink(tpath("j.log"));
    rp_event_sink_t *s = start(tpath("j.log"), tpath("j.db"), 0, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    for (int i = 0; i < 3; i++) {
        rp_event_t ev = mk(i, T0 + (uint64_t)i, "1.1.1.1", "r", "xss");
        free(ev.json);
        ev.json = malloc(jl[i]);
        memcpy(ev.json, js[i], jl[i]);
        ev.json_len = jl[i];
        SET(ev, path, "/p\x1b[2J\n");
        push(s, ev);
    }
    rp_event_sink_stop(s, 2000);

    json_out_t o;
    memset(&o, 0, sizeof(o));
    rp_events_filter_t f = { 0 };
    char err[256];
    CHECK_EQ_INT(rp_events_query(tpath("j.db"), &f, json_cb, &o, err, sizeof(err)), 3);
    for (int i = 0; i < 3; i++) { /* newest first */
        CHECK_EQ_INT(o.len[2 - i], jl[i]);
        CHECK(memcmp(o.json[2 - i], js[i], jl[i]) == 0);
    }

    size_t len;
    char *log = slurp(tpath("j.log"), &len);
    const char *want = "{\"p\":\"/a\\u0001b\\n\\t\\\"c\\\\\",\"k\":\"\xc3\xa9\"}\n"
                       "{\"a\":1, \"p\":\"x\\u001b[31my\"}\n"
                       "{\"p\":\"a\\u0000b\\u000a\"}\n";
    CHECK_EQ_INT(len, strlen(want));
    CHECK(memcmp(log, want, strlen(want)) == 0);
    free(log);
}

TEST(json_built_when_missing)
{
    rm_store("n.db");
    rp_event_sink_t *s = start(NULL, tpath("n.db"), 0, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    rp_event_t ev = mk(1, 1714564800123ull, "1.2.3.4", "api", "sqli");
    free(ev.json);
    ev.json = NULL;
    SET(ev, path, "/a\"b");
    push(s, ev);
    rp_event_sink_stop(s, 2000);
    fields_out_t o;
    memset(&o, 0, sizeof(o));
    rp_events_filter_t f = { 0 };
    char err[256];
    CHECK_EQ_INT(rp_events_query(tpath("n.db"), &f, fields_cb, &o, err, sizeof(err)), 1);
    CHECK(strstr(o.json, "{\"time\":\"2024-05-01T12:00:00.123Z\",\"time_ms\":1714564800123,") == o.json);
    CHECK(strstr(o.json, "\"request_id\":\"r1\"") != NULL);
    CHECK(strstr(o.json, "\"path\":\"/a\\\"b\"") != NULL);
    CHECK(strstr(o.json, "\"score\":10}") != NULL);
}

TEST(json_line)
{
    rp_buf_t b;
    rp_buf_init(&b);
    CHECK_EQ_INT(rp_events_append_json_line(&b, "{}", 2), 0);
    CHECK_STR(rp_str(b.p, b.len), "{}\n");
    b.len = 0;
    /* A lone backslash then a raw newline: the escape is completed. */
    rp_events_append_json_line(&b, "{\"a\":\"x\\\ny\"}", 12);
    CHECK_STR(rp_str(b.p, b.len), "{\"a\":\"x\\u000ay\"}\n");
    b.len = 0;
    /* A quote escaped inside a string does not end it. */
    rp_events_append_json_line(&b, "{\"a\":\"\\\"\t\"}\r", 12);
    CHECK_STR(rp_str(b.p, b.len), "{\"a\":\"\\\"\\u0009\"} \n");
    b.len = 0;
    /* Past the 8-byte fast scan; bytes >= 0x80 are not control bytes. */
    rp_events_append_json_line(&b, "{\"k\":\"\xc3\xa9\xff\x80 0123456789abcdefghijkl\x1fz\"}", 37);
    CHECK_STR(rp_str(b.p, b.len), "{\"k\":\"\xc3\xa9\xff\x80 0123456789abcdefghijkl\\u001fz\"}\n");
    b.len = 0;
    rp_events_append_json_line(&b, "{\"k\":\"\xc3\xa9\xff\x80 0123456789abcdefghijkl~z\"}", 37);
    CHECK_STR(rp_str(b.p, b.len), "{\"k\":\"\xc3\xa9\xff\x80 0123456789abcdefghijkl~z\"}\n");
    rp_buf_dispose(&b);
}

TEST(start_errors)
{
    char err[256] = "";
    rp_event_sink_opts_t o = { 0 };
    CHECK(rp_event_sink_start(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "no destination") != NULL);
    CHECK(rp_event_sink_start(NULL, err, sizeof(err)) == NULL);
    o = (rp_event_sink_opts_t){ .log_path = "stdout", .queue_max = (size_t)1 << 40 };
    CHECK(rp_event_sink_start(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "queue_max") != NULL);

    o = (rp_event_sink_opts_t){ .db_path = "/nonexistent-rampart-dir/events.db" };
    CHECK(rp_event_sink_start(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "/nonexistent-rampart-dir/events.db") != NULL);
    o = (rp_event_sink_opts_t){ .log_path = "/nonexistent-rampart-dir/events.log" };
    CHECK(rp_event_sink_start(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "/nonexistent-rampart-dir/events.log") != NULL);
    CHECK(strstr(err, "No such file") != NULL);

    /* Not a database. */
    FILE *fp = fopen(tpath("x.db"), "w");
    fputs("this is not sqlite, just a file of text that is long enough to have a header....\n", fp);
    fclose(fp);
    o = (rp_event_sink_opts_t){ .db_path = tpath("x.db") };
    CHECK(rp_event_sink_start(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, tpath("x.db")) != NULL);
    rm_store("x.db");

    /* A store from a newer rampart. */
    sqlite3 *db = NULL;
    sqlite3_open(tpath("v.db"), &db);
    sqlite3_exec(db, "CREATE TABLE events(x); PRAGMA user_version=99;", NULL, NULL, NULL);
    sqlite3_close(db);
    o = (rp_event_sink_opts_t){ .db_path = tpath("v.db") };
    CHECK(rp_event_sink_start(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "newer") != NULL);
    rp_events_filter_t f = { 0 };
    CHECK_EQ_INT(rp_events_query(tpath("v.db"), &f, NULL, NULL, err, sizeof(err)), -1);
    CHECK(strstr(err, "newer") != NULL);
    rm_store("v.db");

    /* Queries: a missing file, a database that is not a store. */
    CHECK_EQ_INT(rp_events_query(tpath("missing.db"), &f, NULL, NULL, err, sizeof(err)), -1);
    CHECK(strstr(err, tpath("missing.db")) != NULL);
    sqlite3_open(tpath("other.db"), &db);
    sqlite3_exec(db, "CREATE TABLE foo(x);", NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK_EQ_INT(rp_events_query(tpath("other.db"), &f, NULL, NULL, err, sizeof(err)), -1);
    CHECK(strstr(err, "not a rampart event store") != NULL);
    rm_store("other.db");
}

TEST(since_parser)
{
    const uint64_t now = 1714564800000ull; /* 2024-05-01T12:00:00Z */
    uint64_t v = 0;
    CHECK_EQ_INT(parse_since("90s", now, &v), 0);
    CHECK_EQ_INT(v, now - 90000);
    CHECK_EQ_INT(parse_since("15m", now, &v), 0);
    CHECK_EQ_INT(v, now - 900000);
    CHECK_EQ_INT(parse_since("2h", now, &v), 0);
    CHECK_EQ_INT(v, now - 7200000);
    CHECK_EQ_INT(parse_since("7d", now, &v), 0);
    CHECK_EQ_INT(v, now - 7 * 86400000ull);
    CHECK_EQ_INT(parse_since("1w", now, &v), 0);
    CHECK_EQ_INT(v, now - 7 * 86400000ull);
    CHECK_EQ_INT(parse_since("1h30m", now, &v), 0);
    CHECK_EQ_INT(v, now - 5400000);
    CHECK_EQ_INT(parse_since("500ms", now, &v), 0);
    CHECK_EQ_INT(v, now - 500);
    CHECK_EQ_INT(parse_since("1m500ms", now, &v), 0);
    CHECK_EQ_INT(v, now - 60500);
    CHECK_EQ_INT(parse_since("100000d", now, &v), 0); /* before 1970: everything */
    CHECK_EQ_INT(v, 1);

    CHECK_EQ_INT(parse_since("2024-05-01", now, &v), 0);
    CHECK_EQ_INT(v, 1714521600000ull);
    CHECK_EQ_INT(parse_since("2024-05-01T12:00:00Z", now, &v), 0);
    CHECK_EQ_INT(v, 1714564800000ull);
    CHECK_EQ_INT(parse_since("2024-05-01T12:00:00", now, &v), 0); /* no zone: UTC */
    CHECK_EQ_INT(v, 1714564800000ull);
    CHECK_EQ_INT(parse_since("2024-05-01 12:00", now, &v), 0);
    CHECK_EQ_INT(v, 1714564800000ull);
    CHECK_EQ_INT(parse_since("2024-05-01T14:00+02:00", now, &v), 0);
    CHECK_EQ_INT(v, 1714564800000ull);
    CHECK_EQ_INT(parse_since("2024-05-01T07:30:00-0430", now, &v), 0);
    CHECK_EQ_INT(v, 1714564800000ull);
    CHECK_EQ_INT(parse_since("2024-05-01T12:00:00.25Z", now, &v), 0);
    CHECK_EQ_INT(v, 1714564800250ull);
    CHECK_EQ_INT(parse_since("2024-02-29", now, &v), 0);
    CHECK_EQ_INT(v, 1709164800000ull);
    CHECK_EQ_INT(parse_since("1970-01-01T00:00:00Z", now, &v), 0);
    CHECK_EQ_INT(v, 0);

    const char *bad[] = { "", "90", "2024", "2h-", "1x", "h", "-5m", "5 m", "2023-02-29",
                          "2024-13-01", "2024-00-10", "2024-05-32", "2024-05-01T25:00",
                          "2024-05-01T12:60", "2024-05-01T12:00:00+2", "2024-05-01T12:00:00.Z",
                          "2024-05-01Z1", "24-05-01", "2024/05/01", "99999999999999999999s",
                          "999999999999999999w" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(bad); i++) {
        int rc = parse_since(bad[i], now, &v);
        if (rc != -1)
            fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
        CHECK_EQ_INT(rc, -1);
    }
}

/* Runs rp__cli_events with stdout and stderr in files; returns its status. */
static int run_cli(const char *out, const char *errf, int argc, char **argv)
{
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = rp__cli_events(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    close(fo);
    close(fe);
    return rc;
}

TEST(cli_events)
{
    rm_store("cli.db");
    rp_event_sink_t *s = start(NULL, tpath("cli.db"), 0, 5);
    CHECK(s != NULL);
    if (!s)
        return;
    push(s, mk(1, T0, "10.0.0.1", "api", "sqli"));
    rp_event_t ev = mk(2, T0 + 1000, "10.0.0.2", "api", "xss");
    SET(ev, path, "/x\x1b]0;pwned\x07\x1b[2J\x9b" "31m");
    push(s, ev);
    rp_event_sink_stop(s, 2000);

    char db[128];
    snprintf(db, sizeof(db), "%s", tpath("cli.db"));
    const char *out = tpath("cli.out"), *errf = tpath("cli.err");
    char o1[128], o2[128];
    snprintf(o1, sizeof(o1), "%s", out);
    snprintf(o2, sizeof(o2), "%s", errf);
    size_t len;

    char *a1[] = { "--db", db };
    CHECK_EQ_INT(run_cli(o1, o2, 2, a1), 0);
    char *text = slurp(o1, &len);
    CHECK(strncmp(text, "TIME", 4) == 0);
    CHECK(strstr(text, "2023-11-14T22:13:21.000Z r2") != NULL);
    CHECK(strstr(text, "POST /x?]0;pwned??[2J?31m") != NULL);
    CHECK(strstr(text, "blocked\n") != NULL);
    for (size_t i = 0; i < len; i++)
        CHECK(text[i] == '\n' || ((unsigned char)text[i] >= 0x20 && (unsigned char)text[i] < 0x7f));
    CHECK(strstr(text, "r2") < strstr(text, "r1")); /* newest first */
    free(text);

    char *a2[] = { "--db", db, "--json", "--attack", "sqli", "--since", "2023-11-14T22:13:20Z" };
    CHECK_EQ_INT(run_cli(o1, o2, 7, a2), 0);
    text = slurp(o1, &len);
    CHECK(strcmp(text, "{\"n\":1,\"id\":\"r1\"}\n") == 0);
    free(text);

    char *a3[] = { "--db", db, "--ip", "10.9.9.9" };
    CHECK_EQ_INT(run_cli(o1, o2, 4, a3), 0);
    text = slurp(o2, &len);
    CHECK(strstr(text, "no matching events") != NULL);
    free(text);

    char nope[128];
    snprintf(nope, sizeof(nope), "%s", tpath("nope.db"));
    char *a4[] = { "--db", nope };
    CHECK_EQ_INT(run_cli(o1, o2, 2, a4), 2);
    text = slurp(o2, &len);
    CHECK(strstr(text, "cannot open database") != NULL && strstr(text, "nope.db") != NULL);
    free(text);

    char *a5[] = { "--since", "yesterday" };
    CHECK_EQ_INT(run_cli(o1, o2, 2, a5), 2);
    char *a6[] = { "--limit", "0" };
    CHECK_EQ_INT(run_cli(o1, o2, 2, a6), 2);
    char *a7[] = { "--bogus" };
    CHECK_EQ_INT(run_cli(o1, o2, 1, a7), 2);
    char *a8[] = { "--db" };
    CHECK_EQ_INT(run_cli(o1, o2, 1, a8), 2);
    char *a9[] = { "--help" };
    CHECK_EQ_INT(run_cli(o1, o2, 1, a9), 0);
    text = slurp(o1, &len);
    CHECK(strstr(text, "usage: rampart events") != NULL);
    free(text);
    unlink(o1);
    unlink(o2);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/rp-events-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(both_destinations_and_filters);
    RUN(fields_round_trip);
    RUN(ordering);
    RUN(overflow_under_stall);
    RUN(recovery_after_enospc);
    RUN(recovery_after_sqlite_full);
    RUN(recovery_after_sqlite_busy);
    RUN(stop_flushes);
    RUN(stop_gives_up_at_deadline);
    RUN(restart_reads_previous);
    RUN(concurrent_pushers);
    RUN(json_with_control_characters);
    RUN(json_built_when_missing);
    RUN(json_line);
    RUN(start_errors);
    RUN(since_parser);
    RUN(cli_events);

    const char *stores[] = { "f.db", "o.db", "s.db", "e.db", "q.db", "b.db", "p.db", "d.db",
                             "r.db", "c.db", "j.db", "n.db", "cli.db" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(stores); i++)
        rm_store(stores[i]);
    const char *files[] = { "f.log", "s.log", "e.log", "q.log", "p.log", "c.log", "j.log" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(files); i++)
        unlink(tpath(files[i]));
    if (rmdir(dir) != 0)
        fprintf(stderr, "rmdir %s: %s\n", dir, strerror(errno));
    TEST_MAIN_END();
}
