/*
 * rampart/events.h - the WAF's attack-event sink and the store it feeds.
 *
 * Worker threads push events; a writer thread appends them in batches to a
 * JSON-lines file and to a SQLite database (WAL). Pushing never waits for
 * I/O: it takes a short mutex and copies one struct. When a destination
 * fails (full disk, locked database) the batch stays queued and is retried
 * with backoff (100 ms doubling to 5 s); once the queue bound is reached new
 * events are dropped and counted, so traffic never waits for the disk.
 *
 * Threads: push, get_stats and reopen may be called from any thread;
 * start and stop from one controlling thread. rp_events_query opens its own
 * read-only connection and may run beside a live sink (WAL readers do not
 * block the writer).
 */
#ifndef RAMPART_EVENTS_H
#define RAMPART_EVENTS_H

#include "rampart/core.h"

#include <stddef.h>
#include <stdint.h>

/* Where `rampart events` looks when no --db is given. */
#define RP_EVENTS_DB_DEFAULT "/var/lib/rampart/events.db"
/* PRAGMA user_version of the store this code writes and reads. */
#define RP_EVENTS_SCHEMA_VERSION 1

/* One attack event. The fixed fields are NUL-terminated (a field that fills
 * its array without a NUL is read up to the array's end); they are indexed
 * columns of the store. `json` is the whole event as the WAF serialised it. */
typedef struct rp_event {
    uint64_t time_ms;            /* Unix ms; 0 at push: the sink stamps the time */
    char request_id[65];
    char client_ip[48];
    char route[64];
    char method[16];
    char host[128];
    char path[256];
    char attacks[128];           /* "sqli,xss" */
    int score;
    char mode[16];               /* off | monitoring | safe_blocking | block */
    char action[16];             /* blocked | passed | monitored | ratelimited | denied ... */
    char *json;                  /* one JSON object (no newline), malloc'd; NULL: the
                                    writer builds one from the fields above */
    size_t json_len;
} rp_event_t;

/* Destinations, as passed to the test hook. */
typedef enum rp_event_dest {
    RP_EVENT_DEST_LOG = 1,
    RP_EVENT_DEST_DB = 2,
} rp_event_dest_t;

/*
 * Test hook (NULL in production). The writer thread calls it before each
 * attempt to write a batch of n events to dest: for the log just before the
 * write(2), for the store after the rows are inserted and just before
 * COMMIT. It may sleep to simulate a stalled disk. A non-zero return fails
 * the attempt as if the destination had returned it: an errno for the log
 * (ENOSPC, EIO), a SQLite result code for the store (SQLITE_FULL,
 * SQLITE_BUSY); the store's transaction is then rolled back.
 */
typedef int (*rp_event_write_hook_cb)(void *ud, rp_event_dest_t dest, size_t n);

typedef struct rp_event_sink_opts {
    const char *log_path;        /* JSON-lines file (NULL: none); "stdout" allowed */
    const char *db_path;         /* SQLite file (NULL: none) */
    size_t queue_max;            /* events waiting at most (0: 10000, at most 10,000,000);
                                    more are dropped and counted */
    uint64_t flush_ms;           /* the writer batches for at most this long (0: 200) */
    rp_event_write_hook_cb test_write_hook;
    void *test_ud;
} rp_event_sink_opts_t;

typedef struct rp_event_sink rp_event_sink_t;

typedef struct rp_event_sink_stats {
    uint64_t queued;             /* accepted into the queue */
    uint64_t written;            /* committed to every configured destination */
    uint64_t dropped;            /* refused: queue full (or lost at a stop that timed out) */
    uint64_t write_errors;       /* failed write attempts (disk full, database locked...) */
    size_t pending;              /* in the queue now, the batch being written included */
} rp_event_sink_stats_t;

/* Opens the destinations (creating the file and the store's schema) and
 * starts the writer thread. Returns NULL with a message in err (naming the
 * file) when a destination cannot be opened or none is configured. The
 * paths are copied. */
rp_event_sink_t *rp_event_sink_start(const rp_event_sink_opts_t *o, char *err, size_t cap);

/* Queues *ev. Never blocks on I/O (a short mutex at most): takes ownership
 * of ev->json on success and on failure (frees it, sets ev->json = NULL).
 * Returns 0, or -1 when the queue is full (counted in dropped; a warning is
 * logged at most once per second with the count). */
int rp_event_sink_push(rp_event_sink_t *s, rp_event_t *ev);

void rp_event_sink_get_stats(rp_event_sink_t *s, rp_event_sink_stats_t *out);

/* Writes what is queued (trying for at most timeout_ms), stops the thread,
 * frees. Events still unwritten at the deadline are counted as lost in the
 * error log. If the writer is stuck in a write past the deadline it is
 * left to finish and free the sink itself; stop returns anyway. */
void rp_event_sink_stop(rp_event_sink_t *s, uint64_t timeout_ms);

/* Reopens the log file (SIGUSR1 rotation) before the next write, and
 * retries a failing batch at once. Safe from any thread (not from a signal
 * handler: it takes the mutex). */
void rp_event_sink_reopen(rp_event_sink_t *s);

/* Appends json to b as exactly one line ending in '\n', bytes unchanged
 * unless the text holds raw control characters (invalid JSON, or a line
 * break between tokens): inside strings they become \u00XX escapes,
 * between tokens spaces. Returns 0 or RP_ENOMEM. */
int rp_events_append_json_line(rp_buf_t *b, const char *json, size_t n);

/* ---------------------------------------------------------------------- */
/* Reading the store (`rampart events`, tests, the admin API).              */

typedef struct rp_events_filter {
    const char *attack;          /* a class among the comma-separated attacks, or NULL */
    const char *client_ip;       /* exact, or NULL */
    const char *route;           /* exact, or NULL */
    uint64_t since_ms, until_ms; /* inclusive bounds on time_ms; 0: open */
    size_t limit;                /* 0: 100 */
} rp_events_filter_t;

/* Calls cb for each matching event, newest first (time_ms, then insertion
 * order). ev and ev->json are valid during the call only. A non-zero return
 * from cb stops the iteration. Returns the number of events passed to cb,
 * or -1 with err (naming the file) when the store cannot be opened or read. */
long rp_events_query(const char *db_path, const rp_events_filter_t *f,
                     int (*cb)(void *ud, const rp_event_t *ev), void *ud, char *err, size_t cap);

#endif /* RAMPART_EVENTS_H */
