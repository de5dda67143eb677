/*
 * Attack-event sink: a bounded queue filled by worker threads and drained by
 * one writer thread into a JSON-lines file and a SQLite store (WAL).
 *
 * The queue is two arrays of event pointers, each sized queue_max:
 *
 *   in[]     filled by rp_event_sink_push under the mutex;
 *   batch[]  owned by the writer; swapped with in[] when the writer takes
 *            a batch (a pointer swap, no copy under the lock).
 *
 * A batch stays in batch[] until every configured destination has it: the
 * log records how many bytes of the batch's text went out (a partial write
 * resumes where it stopped, so a full disk never duplicates or tears a
 * line), the store whether its transaction committed (a failed one is
 * rolled back and replayed whole). Meanwhile push keeps filling in[] while
 * in + batch stay under queue_max, then drops. So every event accepted is
 * either written or still pending, and `written` is counted only after the
 * commit: an event counted there survives a restart.
 *
 * The writer wakes when in[] gets its first event, then gives producers
 * flush_ms (or until in[] holds a quarter of the bound) so that one write(2)
 * and one transaction carry many events; push signals the condition only at
 * those two points, so an ordinary push is a lock, a struct copy into a
 * recycled slot and an unlock.
 */
#include "rampart/events.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_MAX_DEFAULT 10000
#define QUEUE_MAX_LIMIT 10000000u /* two arrays of pointers are allocated at start */
/* Structs of written events kept for reuse: push then neither mallocs nor
 * (through the writer's free) makes the heap shrink and grow with each
 * batch. 1024 of them are 0.8 MB. */
#define SPARE_MAX 1024
#define FLUSH_MS_DEFAULT 200
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define BUSY_TIMEOUT_MS 50
#define DROP_WARN_EVERY_MS 1000
#define FAIL_LOG_EVERY_MS 10000

struct rp_event_sink {
    pthread_mutex_t mu;
    pthread_cond_t cv;              /* the writer waits here */
    pthread_cond_t exit_cv;         /* stop waits here for the writer to end */
    pthread_t thread;

    /* Under mu. */
    rp_event_t **in;                /* [queue_max] */
    size_t nin;
    size_t ninflight;               /* events in batch[], counted against the bound */
    uint64_t first_in_ms;           /* monotonic arrival of in[0] */
    int stopping, exited, abandoned, reopen;
    uint64_t deadline_ms;           /* monotonic; valid once stopping */
    uint64_t queued;
    rp_event_t **spare;             /* [SPARE_MAX] written events' structs, for reuse */
    size_t nspare;

    /* Read without the lock (stats, push's fast refusal). */
    size_t queue_max;
    size_t wake_at;                 /* nin that ends the batching window early */
    uint64_t flush_ms;
    _Atomic size_t npending;        /* nin + ninflight (stored under mu), for push's fast path */
    _Atomic uint64_t written, dropped, write_errors;
    _Atomic uint64_t warn_ms;       /* last "queue full" warning (monotonic ms) */
    _Atomic uint64_t dropped_warned; /* dropped at that warning */

    /* The writer's only. */
    rp_event_t **batch;             /* [queue_max] */
    size_t nbatch;
    rp_buf_t text;                  /* the batch as JSON lines, once built */
    size_t text_off;                /* bytes of text already in the log */
    int db_done;                    /* the batch is committed in the store */
    uint64_t backoff_ms;
    uint64_t fail_logged_ms;        /* last failure logged (monotonic ms) */
    uint64_t failures;              /* in the current run of failures */

    char *log_path;                 /* NULL: no log */
    int log_fd;                     /* -1: none */
    int log_is_stdout;
    char *db_path;                  /* NULL: no store */
    sqlite3 *db;
    sqlite3_stmt *ins;
    rp_event_write_hook_cb hook;
    void *hook_ud;
};

/* ---------------------------------------------------------------------- */
/* Small helpers.                                                           */

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Length of a fixed field that may fill its array without a NUL. */
#define FIELD_LEN(ev, f) strnlen((ev)->f, sizeof((ev)->f))

static void event_free(rp_event_t *ev)
{
    if (ev) {
        free(ev->json);
        free(ev);
    }
}

/* Absolute CLOCK_MONOTONIC deadline for pthread_cond_timedwait (the
 * condition is created with that clock, see sink_start). */
static struct timespec mono_deadline(uint64_t at_ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(at_ms / 1000u);
    ts.tv_nsec = (long)(at_ms % 1000u) * 1000000L;
    return ts;
}

static void wait_until(rp_event_sink_t *s, uint64_t at_ms)
{
    struct timespec ts = mono_deadline(at_ms);
    pthread_cond_timedwait(&s->cv, &s->mu, &ts);
}

int rp_events_append_json_line(rp_buf_t *b, const char *json, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)json;
    size_t i = 0;
    /* Eight bytes at a time: a byte below 0x20 sets its high bit in
     * (x - 0x20..20) & ~x & 0x80..80 (bytes >= 0x80 are masked by ~x). */
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, u + i, 8);
        if ((x - 0x2020202020202020ull) & ~x & 0x8080808080808080ull)
            break;
    }
    while (i < n && u[i] >= 0x20)
        i++;
    if (i == n) { /* the usual case: no raw control character */
        if (rp_buf_reserve(b, n + 1))
            return RP_ENOMEM;
        rp_buf_append(b, json, n);
        return rp_buf_append(b, "\n", 1);
    }
    /* A JSON lexer just good enough to know whether a byte is inside a
     * string: control bytes there become escapes (after a lone backslash
     * only "u00XX" is added, completing the escape it started), elsewhere
     * they are whitespace and become spaces. */
    int in_str = 0, esc = 0;
    if (rp_buf_reserve(b, n + 16))
        return RP_ENOMEM;
    for (i = 0; i < n; i++) {
        unsigned c = u[i];
        if (c < 0x20) {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            int rc = !in_str ? rp_buf_append(b, " ", 1)
                     : esc   ? rp_buf_append(b, e + 1, 5)
                             : rp_buf_append(b, e, 6);
            if (rc)
                return RP_ENOMEM;
            esc = 0;
            continue;
        }
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        }
        if (rp_buf_append(b, json + i, 1))
            return RP_ENOMEM;
    }
    return rp_buf_append(b, "\n", 1);
}

/* The JSON of an event pushed without one: its indexed fields. */
static int event_build_json(rp_buf_t *b, const rp_event_t *ev)
{
    static const struct {
        const char *name;
        size_t off, size;
    } fields[] = {
#define F(f) { #f, offsetof(rp_event_t, f), sizeof(((rp_event_t *)0)->f) }
        F(request_id), F(client_ip), F(route), F(method), F(host),
        F(path),       F(attacks),   F(mode),  F(action),
#undef F
    };
    time_t secs = (time_t)(ev->time_ms / 1000u);
    struct tm tm;
    char ts[80];
    gmtime_r(&secs, &tm);
    snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (unsigned)(ev->time_ms % 1000u));
    int rc = rp_buf_printf(b, "{\"time\":\"%s\",\"time_ms\":%llu", ts,
                           (unsigned long long)ev->time_ms);
    for (size_t i = 0; i < RP_ARRAY_SIZE(fields) && rc == 0; i++) {
        const char *v = (const char *)ev + fields[i].off;
        rc |= rp_buf_printf(b, ",\"%s\":\"", fields[i].name);
        rc |= rp_buf_append_json_str(b, v, strnlen(v, fields[i].size));
        rc |= rp_buf_append(b, "\"", 1);
    }
    if (rc == 0)
        rc = rp_buf_printf(b, ",\"score\":%d}", ev->score);
    return rc ? RP_ENOMEM : 0;
}

/* Reports drops not yet reported, at most once a second (force: now).
 * Called by push when it refuses an event (so a stalled writer does not
 * silence it) and by the writer after each batch (so the end of a burst is
 * reported too). */
static void drops_report(rp_event_sink_t *s, int force)
{
    uint64_t total = atomic_load(&s->dropped);
    if (total == atomic_load_explicit(&s->dropped_warned, memory_order_relaxed))
        return;
    uint64_t now = rp_now_ms();
    uint64_t last = atomic_load_explicit(&s->warn_ms, memory_order_relaxed);
    if (!force && now - last < DROP_WARN_EVERY_MS)
        return;
    if (!atomic_compare_exchange_strong(&s->warn_ms, &last, now))
        return; /* another thread reports */
    uint64_t before = atomic_exchange(&s->dropped_warned, total);
    if (total > before)
        rp_log_warn("events: queue full (%zu events): %llu events dropped since the last report, "
                    "%llu in all",
                    s->queue_max, (unsigned long long)(total - before), (unsigned long long)total);
}

/* ---------------------------------------------------------------------- */
/* The log file.                                                            */

static int log_open(const char *path, int *is_stdout)
{
    *is_stdout = strcmp(path, "stdout") == 0;
    if (*is_stdout)
        return STDOUT_FILENO;
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

static void log_close(rp_event_sink_t *s)
{
    if (s->log_fd >= 0 && !s->log_is_stdout)
        close(s->log_fd);
    s->log_fd = -1;
}

/* SIGUSR1: a new file under the same name. If it cannot be opened the old
 * descriptor stays (the rotated file still takes events). A batch cut
 * mid-line resumes at the start of that line, so the new file holds only
 * whole lines. */
static void log_reopen(rp_event_sink_t *s)
{
    if (!s->log_path || s->log_is_stdout)
        return;
    int is_stdout;
    int fd = log_open(s->log_path, &is_stdout);
    if (fd < 0) {
        rp_log_error("events: cannot reopen event log %s: %s (still writing to the old file)",
                     s->log_path, strerror(errno));
        return;
    }
    log_close(s);
    s->log_fd = fd;
    while (s->text_off > 0 && s->text_off < s->text.len && s->text.p[s->text_off - 1] != '\n')
        s->text_off--;
}

/* Builds the batch's text once; later attempts reuse it. */
static int batch_text(rp_event_sink_t *s)
{
    if (s->text.len > 0)
        return 0;
    rp_buf_t one;
    rp_buf_init(&one);
    for (size_t i = 0; i < s->nbatch; i++) {
        const rp_event_t *ev = s->batch[i];
        int rc;
        if (ev->json) {
            rc = rp_events_append_json_line(&s->text, ev->json, ev->json_len);
        } else {
            one.len = 0;
            rc = event_build_json(&one, ev) || rp_events_append_json_line(&s->text, one.p, one.len);
        }
        if (rc) {
            rp_buf_dispose(&one);
            s->text.len = 0;
            return ENOMEM;
        }
    }
    rp_buf_dispose(&one);
    return 0;
}

/* Returns 0 when the whole batch is in the file, else an errno. */
static int log_write_batch(rp_event_sink_t *s)
{
    int err = batch_text(s);
    if (err)
        return err;
    if (s->text_off == s->text.len)
        return 0;
    if (s->hook && (err = s->hook(s->hook_ud, RP_EVENT_DEST_LOG, s->nbatch)) != 0)
        return err;
    while (s->text_off < s->text.len) {
        ssize_t n = write(s->log_fd, s->text.p + s->text_off, s->text.len - s->text_off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (n == 0)
            return EIO;
        s->text_off += (size_t)n;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* The store.                                                               */

static const char schema_v1[] =
    "CREATE TABLE IF NOT EXISTS events("
    " id INTEGER PRIMARY KEY,"
    " time_ms INTEGER NOT NULL,"
    " request_id TEXT NOT NULL,"
    " client_ip TEXT NOT NULL,"
    " route TEXT NOT NULL,"
    " method TEXT NOT NULL,"
    " host TEXT NOT NULL,"
    " path TEXT NOT NULL,"
    " attacks TEXT NOT NULL,"
    " score INTEGER NOT NULL,"
    " mode TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " json TEXT NOT NULL);"
    /* Equality filters come with ORDER BY time_ms: (column, time_ms)
     * indexes answer both without a sort. */
    "CREATE INDEX IF NOT EXISTS events_time ON events(time_ms);"
    "CREATE INDEX IF NOT EXISTS events_ip ON events(client_ip, time_ms);"
    "CREATE INDEX IF NOT EXISTS events_route ON events(route, time_ms);"
    "PRAGMA user_version = 1;";

static const char insert_sql[] =
    "INSERT INTO events(time_ms, request_id, client_ip, route, method, host, path,"
    " attacks, score, mode, action, json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)";

static int db_user_version(sqlite3 *db, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Opens (creating) the store for writing: WAL, synchronous=NORMAL (a
 * committed batch survives a crash of the process; power loss may take
 * the last batches back), a short busy timeout (the writer retries with
 * its own backoff rather than sleeping inside SQLite), the schema. */
static int db_open(rp_event_sink_t *s, char *err, size_t cap)
{
    const char *path = s->db_path;
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        int sys = s->db ? sqlite3_system_errno(s->db) : 0;
        snprintf(err, cap, "events: cannot open database %s: %s%s%s%s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), sys ? " (" : "",
                 sys ? strerror(sys) : "", sys ? ")" : "");
        return -1;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* The version first: a file that is not ours is left as it was. */
    int version = 0;
    rc = db_user_version(s->db, &version);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "events: cannot open database %s: %s", path, sqlite3_errmsg(s->db));
        return -1;
    }
    if (version > RP_EVENTS_SCHEMA_VERSION) {
        snprintf(err, cap, "events: database %s has schema version %d, newer than this rampart's (%d)",
                 path, version, RP_EVENTS_SCHEMA_VERSION);
        return -1;
    }
    sqlite3_stmt *st = NULL;
    const char *mode = NULL;
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        mode = (const char *)sqlite3_column_text(st, 0);
    if (!mode || strcmp(mode, "wal") != 0) {
        snprintf(err, cap, "events: cannot open database %s: %s", path,
                 mode ? "the file system does not support WAL journal mode"
                      : sqlite3_errmsg(s->db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    /* The schema under the write lock: two processes starting on a new
     * file create it once. */
    rc = sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK && (rc = db_user_version(s->db, &version)) == SQLITE_OK) {
        if (version < RP_EVENTS_SCHEMA_VERSION)
            rc = sqlite3_exec(s->db, schema_v1, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(s->db, insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &s->ins, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "events: cannot set up database %s: %s", path, sqlite3_errmsg(s->db));
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static void db_close(rp_event_sink_t *s)
{
    sqlite3_finalize(s->ins);
    s->ins = NULL;
    if (s->db)
        sqlite3_close(s->db);
    s->db = NULL;
}

static int bind_field(sqlite3_stmt *st, int col, const char *v, size_t n)
{
    return sqlite3_bind_text(st, col, v, (int)n, SQLITE_STATIC);
}

static int db_insert(rp_event_sink_t *s, const rp_event_t *ev, rp_buf_t *one)
{
    sqlite3_stmt *st = s->ins;
    const char *json = ev->json;
    size_t json_len = ev->json_len;
    if (!json) {
        one->len = 0;
        if (event_build_json(one, ev))
            return SQLITE_NOMEM;
        json = one->p;
        json_len = one->len;
    }
    if (json_len > (size_t)INT32_MAX)
        return SQLITE_TOOBIG;
    int rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)ev->time_ms);
    rc |= bind_field(st, 2, ev->request_id, FIELD_LEN(ev, request_id));
    rc |= bind_field(st, 3, ev->client_ip, FIELD_LEN(ev, client_ip));
    rc |= bind_field(st, 4, ev->route, FIELD_LEN(ev, route));
    rc |= bind_field(st, 5, ev->method, FIELD_LEN(ev, method));
    rc |= bind_field(st, 6, ev->host, FIELD_LEN(ev, host));
    rc |= bind_field(st, 7, ev->path, FIELD_LEN(ev, path));
    rc |= bind_field(st, 8, ev->attacks, FIELD_LEN(ev, attacks));
    rc |= sqlite3_bind_int(st, 9, ev->score);
    rc |= bind_field(st, 10, ev->mode, FIELD_LEN(ev, mode));
    rc |= bind_field(st, 11, ev->action, FIELD_LEN(ev, action));
    rc |= bind_field(st, 12, json ? json : "", json_len);
    if (rc != SQLITE_OK)
        rc = SQLITE_ERROR;
    else if ((rc = sqlite3_step(st)) == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* One transaction for the batch. Returns SQLITE_OK once committed, else
 * the failing result code with the transaction rolled back. */
static int db_write_batch(rp_event_sink_t *s)
{
    if (s->db_done)
        return SQLITE_OK;
    rp_buf_t one;
    rp_buf_init(&one);
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (size_t i = 0; i < s->nbatch && rc == SQLITE_OK; i++)
        rc = db_insert(s, s->batch[i], &one);
    rp_buf_dispose(&one);
    if (rc == SQLITE_OK && s->hook)
        rc = s->hook(s->hook_ud, RP_EVENT_DEST_DB, s->nbatch);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    s->db_done = 1;
    return SQLITE_OK;
}

/* ---------------------------------------------------------------------- */
/* The writer thread.                                                       */

/* Tries the batch on each destination that does not have it yet. Returns
 * 0 when all have it; else counts and (rate-limited) logs the failures. */
static int batch_write(rp_event_sink_t *s)
{
    int log_err = 0, db_rc = SQLITE_OK;
    if (s->log_fd >= 0)
        log_err = log_write_batch(s);
    if (s->db)
        db_rc = db_write_batch(s);
    int failed = (log_err != 0) + (db_rc != SQLITE_OK);
    if (!failed) {
        if (s->failures > 0)
            rp_log_info("events: writing again after %llu failed attempt(s)",
                        (unsigned long long)s->failures);
        s->failures = 0;
        return 0;
    }
    atomic_fetch_add(&s->write_errors, (uint64_t)failed);
    uint64_t now = rp_now_ms();
    if (s->failures++ == 0 || now - s->fail_logged_ms >= FAIL_LOG_EVERY_MS) {
        s->fail_logged_ms = now;
        if (log_err)
            rp_log_error("events: writing to %s failed: %s; %zu events kept, retrying",
                         s->log_path, strerror(log_err), s->nbatch);
        if (db_rc != SQLITE_OK)
            rp_log_error("events: writing to %s failed: %s; %zu events kept, retrying",
                         s->db_path, sqlite3_errstr(db_rc), s->nbatch);
    }
    return -1;
}

/* Resets the writer's per-batch state; the events are already released. */
static void batch_reset(rp_event_sink_t *s)
{
    s->nbatch = 0;
    s->text.len = 0;
    s->text_off = 0;
    s->db_done = 0;
    if (s->text.cap > (size_t)4 << 20)
        rp_buf_dispose(&s->text);
}

/* Frees a written batch, outside the lock but for a brief one to hand up
 * to SPARE_MAX structs back to push. */
static void batch_release(rp_event_sink_t *s)
{
    for (size_t i = 0; i < s->nbatch; i++) {
        free(s->batch[i]->json);
        s->batch[i]->json = NULL;
    }
    pthread_mutex_lock(&s->mu);
    size_t k = RP_MIN(s->nbatch, SPARE_MAX - s->nspare);
    memcpy(s->spare + s->nspare, s->batch, k * sizeof(*s->batch));
    s->nspare += k;
    pthread_mutex_unlock(&s->mu);
    for (size_t i = k; i < s->nbatch; i++)
        free(s->batch[i]);
    batch_reset(s);
}

static void batch_free(rp_event_sink_t *s)
{
    for (size_t i = 0; i < s->nbatch; i++)
        event_free(s->batch[i]);
    batch_reset(s);
}

static void sink_free(rp_event_sink_t *s)
{
    for (size_t i = 0; i < s->nin; i++)
        event_free(s->in[i]);
    for (size_t i = 0; i < s->nspare; i++)
        free(s->spare[i]);
    batch_free(s);
    rp_buf_dispose(&s->text);
    log_close(s);
    db_close(s);
    free(s->in);
    free(s->batch);
    free(s->spare);
    free(s->log_path);
    free(s->db_path);
    pthread_cond_destroy(&s->cv);
    pthread_cond_destroy(&s->exit_cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* Called with mu held, at the stop deadline: whatever is left is lost. */
static void give_up(rp_event_sink_t *s)
{
    size_t lost = s->nbatch + s->nin;
    if (lost > 0) {
        rp_log_error("events: stopping with %zu events not written (destination failing)", lost);
        atomic_fetch_add(&s->dropped, (uint64_t)lost);
        atomic_fetch_add(&s->dropped_warned, (uint64_t)lost); /* reported just now */
    }
    for (size_t i = 0; i < s->nin; i++)
        event_free(s->in[i]);
    s->nin = 0;
    batch_free(s);
    s->ninflight = 0;
    atomic_store_explicit(&s->npending, 0, memory_order_relaxed);
}

static void *writer_main(void *arg)
{
    rp_event_sink_t *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->nbatch == 0) {
            while (s->nin == 0 && !s->stopping && !s->reopen)
                pthread_cond_wait(&s->cv, &s->mu);
            /* The batching window: from the first event's arrival. */
            while (s->nin > 0 && s->nin < s->wake_at && !s->stopping && !s->reopen &&
                   rp_now_ms() < s->first_in_ms + s->flush_ms)
                wait_until(s, s->first_in_ms + s->flush_ms);
            if (s->nin == 0 && s->stopping)
                break;
            rp_event_t **t = s->batch;
            s->batch = s->in;
            s->nbatch = s->nin;
            s->in = t;
            s->nin = 0;
            s->ninflight = s->nbatch;
        }
        int reopen = s->reopen;
        s->reopen = 0;
        pthread_mutex_unlock(&s->mu);

        if (reopen)
            log_reopen(s);
        int rc = s->nbatch > 0 ? batch_write(s) : 0;

        pthread_mutex_lock(&s->mu);
        if (rc == 0) {
            atomic_fetch_add(&s->written, (uint64_t)s->nbatch);
            s->ninflight = 0;
            atomic_store_explicit(&s->npending, s->nin, memory_order_relaxed);
            pthread_mutex_unlock(&s->mu);
            batch_release(s);
            drops_report(s, 0);
            pthread_mutex_lock(&s->mu);
            s->backoff_ms = 0;
            continue;
        }
        s->backoff_ms = s->backoff_ms == 0 ? BACKOFF_MIN_MS : RP_MIN(s->backoff_ms * 2, BACKOFF_MAX_MS);
        uint64_t retry_at = rp_now_ms() + s->backoff_ms;
        if (s->stopping && retry_at > s->deadline_ms)
            retry_at = s->deadline_ms;
        /* Wakes early for a reopen (rotation is how an operator frees a
         * full disk) or a stop (which shortens the wait to its deadline). */
        while (!s->reopen && rp_now_ms() < retry_at) {
            int was_stopping = s->stopping;
            wait_until(s, retry_at);
            if (!was_stopping && s->stopping && retry_at > s->deadline_ms)
                retry_at = s->deadline_ms;
        }
        if (s->reopen)
            s->backoff_ms = 0;
        pthread_mutex_unlock(&s->mu);
        drops_report(s, 0);
        pthread_mutex_lock(&s->mu);
        if (s->stopping && rp_now_ms() >= s->deadline_ms) {
            give_up(s);
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    drops_report(s, 1);
    pthread_mutex_lock(&s->mu);
    s->exited = 1;
    int abandoned = s->abandoned;
    pthread_cond_signal(&s->exit_cv);
    pthread_mutex_unlock(&s->mu);
    if (abandoned) /* stop gave up waiting and detached us: we own s now */
        sink_free(s);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Lifecycle and push.                                                      */

rp_event_sink_t *rp_event_sink_start(const rp_event_sink_opts_t *o, char *err, size_t cap)
{
    int has_log = o && o->log_path && o->log_path[0];
    int has_db = o && o->db_path && o->db_path[0];
    if (!has_log && !has_db) {
        snprintf(err, cap, "events: no destination: set an event log file, a database, or both");
        return NULL;
    }
    if (o->queue_max > QUEUE_MAX_LIMIT) {
        snprintf(err, cap, "events: queue_max %zu is above the limit (%u)", o->queue_max,
                 QUEUE_MAX_LIMIT);
        return NULL;
    }
    rp_event_sink_t *s = rp_xcalloc(1, sizeof(*s));
    s->queue_max = o->queue_max ? o->queue_max : QUEUE_MAX_DEFAULT;
    s->flush_ms = o->flush_ms ? o->flush_ms : FLUSH_MS_DEFAULT;
    s->wake_at = RP_MAX(s->queue_max / 4, 1);
    s->hook = o->test_write_hook;
    s->hook_ud = o->test_ud;
    s->log_fd = -1;
    s->in = rp_xcalloc(s->queue_max, sizeof(*s->in));
    s->batch = rp_xcalloc(s->queue_max, sizeof(*s->batch));
    s->spare = rp_xcalloc(SPARE_MAX, sizeof(*s->spare));
    rp_buf_init(&s->text);
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&s->exit_cv, NULL);

    if (has_log) {
        s->log_path = rp_xstrndup(o->log_path, strlen(o->log_path));
        s->log_fd = log_open(s->log_path, &s->log_is_stdout);
        if (s->log_fd < 0) {
            snprintf(err, cap, "events: cannot open event log %s: %s", s->log_path, strerror(errno));
            sink_free(s);
            return NULL;
        }
    }
    if (has_db) {
        s->db_path = rp_xstrndup(o->db_path, strlen(o->db_path));
        if (db_open(s, err, cap) != 0) {
            sink_free(s);
            return NULL;
        }
    }
    /* The writer takes no signals: SIGHUP/SIGUSR1 belong to the master. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&s->thread, NULL, writer_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, cap, "events: cannot start the writer thread: %s", strerror(rc));
        sink_free(s);
        return NULL;
    }
    return s;
}

static int push_refused(rp_event_sink_t *s)
{
    atomic_fetch_add(&s->dropped, 1);
    drops_report(s, 0);
    return -1;
}

int rp_event_sink_push(rp_event_sink_t *s, rp_event_t *ev)
{
    if (!ev)
        return -1;
    if (!s) {
        free(ev->json);
        ev->json = NULL;
        return -1;
    }
    /* Full: refuse before allocating (racy read; the locked check decides). */
    if (atomic_load_explicit(&s->npending, memory_order_relaxed) >= s->queue_max) {
        free(ev->json);
        ev->json = NULL;
        return push_refused(s);
    }
    uint64_t t = ev->time_ms ? ev->time_ms : wall_ms();
    rp_event_t *e = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->nspare == 0 && s->nin + s->ninflight < s->queue_max) {
        /* No struct to reuse: allocate one outside the lock. */
        pthread_mutex_unlock(&s->mu);
        e = malloc(sizeof(*e));
        if (!e) {
            free(ev->json);
            ev->json = NULL;
            return push_refused(s);
        }
        pthread_mutex_lock(&s->mu);
    }
    if (s->nin + s->ninflight >= s->queue_max || s->stopping) {
        pthread_mutex_unlock(&s->mu);
        free(e);
        free(ev->json);
        ev->json = NULL;
        return push_refused(s);
    }
    if (!e) /* the lock was held since nspare > 0 was seen */
        e = s->spare[--s->nspare];
    *e = *ev; /* ~800 bytes under the lock: cheaper than a second lock round */
    e->time_ms = t;
    if (!e->json)
        e->json_len = 0;
    ev->json = NULL;
    s->in[s->nin++] = e;
    s->queued++;
    atomic_store_explicit(&s->npending, s->nin + s->ninflight, memory_order_relaxed);
    if (s->nin == 1) {
        s->first_in_ms = rp_now_ms();
        pthread_cond_signal(&s->cv);
    } else if (s->nin == s->wake_at) {
        pthread_cond_signal(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return 0;
}

void rp_event_sink_get_stats(rp_event_sink_t *s, rp_event_sink_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    out->pending = s->nin + s->ninflight;
    out->queued = s->queued;
    pthread_mutex_unlock(&s->mu);
    out->written = atomic_load(&s->written);
    out->dropped = atomic_load(&s->dropped);
    out->write_errors = atomic_load(&s->write_errors);
}

void rp_event_sink_reopen(rp_event_sink_t *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->reopen = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void rp_event_sink_stop(rp_event_sink_t *s, uint64_t timeout_ms)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    s->deadline_ms = rp_now_ms() + timeout_ms;
    pthread_cond_signal(&s->cv);
    /* The writer ends at the deadline unless a write(2) or the hook holds
     * it; give that a little grace, then leave it the sink to free. */
    uint64_t give_up_at = s->deadline_ms + 100;
    while (!s->exited && rp_now_ms() < give_up_at) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t left = give_up_at - rp_now_ms();
        ts.tv_sec += (time_t)(left / 1000u);
        ts.tv_nsec += (long)(left % 1000u) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->exit_cv, &s->mu, &ts);
    }
    if (!s->exited) {
        s->abandoned = 1;
        pthread_mutex_unlock(&s->mu);
        rp_log_error("events: the writer is stuck in a write; leaving it to finish");
        pthread_detach(s->thread);
        return;
    }
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    sink_free(s);
}

/* ---------------------------------------------------------------------- */
/* Reading the store.                                                       */

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    size_t n = v ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, v, n);
    dst[n] = '\0';
}

long rp_events_query(const char *db_path, const rp_events_filter_t *f,
                     int (*cb)(void *ud, const rp_event_t *ev), void *ud, char *err, size_t cap)
{
    static const rp_events_filter_t none;
    if (!f)
        f = &none;
    if (!db_path || !db_path[0]) {
        snprintf(err, cap, "events: no database given");
        return -1;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long count = -1;
    int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        int sys = db ? sqlite3_system_errno(db) : 0;
        snprintf(err, cap, "events: cannot open database %s: %s%s%s%s", db_path,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), sys ? " (" : "",
                 sys ? strerror(sys) : "", sys ? ")" : "");
        goto out;
    }
    sqlite3_busy_timeout(db, 1000);
    int version = 0;
    if (db_user_version(db, &version) != SQLITE_OK) {
        snprintf(err, cap, "events: cannot read database %s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    if (version == 0) {
        snprintf(err, cap, "events: %s is not a rampart event store (no schema)", db_path);
        goto out;
    }
    if (version > RP_EVENTS_SCHEMA_VERSION) {
        snprintf(err, cap, "events: database %s has schema version %d, newer than this rampart's (%d)",
                 db_path, version, RP_EVENTS_SCHEMA_VERSION);
        goto out;
    }

    /* Only fixed SQL text here; every value is bound. */
    rp_buf_t sql;
    rp_buf_init(&sql);
    int brc = rp_buf_append_cstr(&sql, "SELECT time_ms, request_id, client_ip, route, method, host,"
                                       " path, attacks, score, mode, action, json FROM events WHERE 1");
    if (f->attack)
        brc |= rp_buf_append_cstr(&sql, " AND instr(',' || attacks || ',', ',' || ?1 || ',') > 0");
    if (f->client_ip)
        brc |= rp_buf_append_cstr(&sql, " AND client_ip = ?2");
    if (f->route)
        brc |= rp_buf_append_cstr(&sql, " AND route = ?3");
    if (f->since_ms)
        brc |= rp_buf_append_cstr(&sql, " AND time_ms >= ?4");
    if (f->until_ms)
        brc |= rp_buf_append_cstr(&sql, " AND time_ms <= ?5");
    brc |= rp_buf_append_cstr(&sql, " ORDER BY time_ms DESC, id DESC LIMIT ?6");
    brc |= rp_buf_append(&sql, "", 1);
    if (brc) {
        rp_buf_dispose(&sql);
        snprintf(err, cap, "events: out of memory");
        goto out;
    }
    rc = sqlite3_prepare_v2(db, sql.p, -1, &st, NULL);
    rp_buf_dispose(&sql);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "events: cannot read database %s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    if (f->attack)
        sqlite3_bind_text(st, 1, f->attack, -1, SQLITE_STATIC);
    if (f->client_ip)
        sqlite3_bind_text(st, 2, f->client_ip, -1, SQLITE_STATIC);
    if (f->route)
        sqlite3_bind_text(st, 3, f->route, -1, SQLITE_STATIC);
    if (f->since_ms)
        sqlite3_bind_int64(st, 4, (sqlite3_int64)RP_MIN(f->since_ms, (uint64_t)INT64_MAX));
    if (f->until_ms)
        sqlite3_bind_int64(st, 5, (sqlite3_int64)RP_MIN(f->until_ms, (uint64_t)INT64_MAX));
    uint64_t limit = f->limit ? (uint64_t)f->limit : 100u;
    sqlite3_bind_int64(st, 6, (sqlite3_int64)RP_MIN(limit, (uint64_t)INT64_MAX));

    long n = 0;
    rp_event_t ev;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&ev, 0, sizeof(ev));
        ev.time_ms = (uint64_t)sqlite3_column_int64(st, 0);
        copy_col(ev.request_id, sizeof(ev.request_id), st, 1);
        copy_col(ev.client_ip, sizeof(ev.client_ip), st, 2);
        copy_col(ev.route, sizeof(ev.route), st, 3);
        copy_col(ev.method, sizeof(ev.method), st, 4);
        copy_col(ev.host, sizeof(ev.host), st, 5);
        copy_col(ev.path, sizeof(ev.path), st, 6);
        copy_col(ev.attacks, sizeof(ev.attacks), st, 7);
        ev.score = sqlite3_column_int(st, 8);
        copy_col(ev.mode, sizeof(ev.mode), st, 9);
        copy_col(ev.action, sizeof(ev.action), st, 10);
        /* The JSON exactly as stored; the callback must not keep it. */
        ev.json = (char *)sqlite3_column_text(st, 11);
        ev.json_len = ev.json ? (size_t)sqlite3_column_bytes(st, 11) : 0;
        n++;
        if (cb && cb(ud, &ev) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, cap, "events: cannot read database %s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    count = n;
out:
    sqlite3_finalize(st);
    if (db)
        sqlite3_close(db);
    return count;
}
