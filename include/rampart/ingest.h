/*
 * rampart/ingest.h - API Gateway access logs, CloudWatch Logs subscription
 * events and Firehose HTTP endpoint deliveries -> discovery observations.
 *
 * Pure functions over bytes (no sockets, no clock reads: the caller gives
 * "now" where a response needs it). Every record that parses becomes one
 * rp_disc_obs_t handed to the caller's callback (valid only during the
 * call: rp_disc_add copies what it keeps); every record that does not is
 * counted with a reason and skipped, and the good ones around it are kept.
 * Memory: a few reusable buffers and arenas per rp_ingest_t, reset between
 * records; decompression is capped (output bytes and ratio).
 *
 * Formats: /work/shared/reference/aws.md sections 1-3 (docs/discovery.md).
 */
#ifndef RAMPART_INGEST_H
#define RAMPART_INGEST_H

#include "rampart/core.h"
#include "rampart/discovery.h"

#include <stdint.h>

/* Why a record was skipped (rp_ingest_stats_t.malformed_by). */
#define RP_INGEST_REASONS(XX)                                                 \
    XX(JSON, "json_syntax")         /* not valid JSON */                       \
    XX(TRUNCATED, "json_truncated") /* valid JSON cut short */                 \
    XX(TOO_DEEP, "json_too_deep")                                             \
    XX(NOT_OBJECT, "not_object")    /* a record that is not a JSON object */   \
    XX(NO_METHOD, "no_method")                                                \
    XX(NO_PATH, "no_path")                                                    \
    XX(TOO_LONG, "too_long")        /* a line beyond max_line */               \
    XX(BASE64, "bad_base64")                                                  \
    XX(GZIP, "bad_gzip")                                                      \
    XX(GZIP_CAP, "gzip_too_large")  /* output or ratio cap */                  \
    XX(ENVELOPE, "bad_envelope")    /* CloudWatch envelope / Firehose body */  \
    XX(MESSAGE, "bad_message")      /* a logEvents[].message that is no record */ \
    XX(LAYERS, "too_many_layers")                                             \
    XX(REJECTED, "rejected")        /* the callback refused it (memory) */

typedef enum rp_ingest_reason {
#define XX(name, text) RP_INGEST_R_##name,
    RP_INGEST_REASONS(XX)
#undef XX
    RP_INGEST_R__COUNT
} rp_ingest_reason_t;

const char *rp_ingest_reason_name(rp_ingest_reason_t r);

typedef struct rp_ingest_stats {
    uint64_t records;          /* observations handed to the callback */
    uint64_t malformed;        /* records skipped, all reasons */
    uint64_t malformed_by[RP_INGEST_R__COUNT];
    uint64_t control;          /* CloudWatch CONTROL_MESSAGE envelopes (not traffic) */
    uint64_t envelopes;        /* CloudWatch DATA_MESSAGE envelopes */
    uint64_t firehose_records; /* records[] of Firehose deliveries */
    uint64_t duplicates;       /* Firehose deliveries answered from the request-id memory */
    uint64_t bytes;            /* input bytes seen (before decompression) */
    uint64_t inflated;         /* bytes out of gunzip */
} rp_ingest_stats_t;

/* The callback: 0 to go on; non-zero counts the record as REJECTED. */
typedef int (*rp_ingest_obs_cb)(void *ud, const rp_disc_obs_t *obs);

typedef struct rp_ingest_opts {
    size_t max_line;        /* bytes of one access-log record (default 64 KiB) */
    size_t max_inflate;     /* bytes out of one gzip stream (default 64 MiB) */
    unsigned max_ratio;     /* output/input beyond which gunzip stops (default 200),
                             * checked once the output passes 1 MiB */
    size_t max_depth;       /* JSON nesting (default 32) */
    const char *app;        /* application id given to every observation (NULL: none) */
} rp_ingest_opts_t;

#define RP_INGEST_MAX_ERRORS 4

typedef struct rp_ingest {
    rp_ingest_opts_t opts;
    rp_ingest_obs_cb cb;
    void *ud;
    rp_ingest_stats_t st;
    /* The first few reasons since the last rp_ingest_clear_errors, as text
     * ("record 3: json_syntax at byte 17"), for HTTP responses. */
    char errors[RP_INGEST_MAX_ERRORS][96];
    size_t nerrors;
    uint64_t seq;           /* record number within the current input */
    /* Reusable memory (internal). */
    rp_arena_t rec;         /* one record's copies; reset per record */
    rp_arena_t scratch;     /* the JSON parser's, for records */
    rp_arena_t scratch2;    /* the JSON parser's, for envelopes and bodies */
    rp_buf_t b64[2];        /* base64 output, per layer */
    rp_buf_t gz[3];         /* gunzip output, per layer */
    int layer;              /* decoding layers entered (gzip, envelope) */
    int in_envelope;        /* parsing an envelope: records are records only */
} rp_ingest_t;

/* opts may be NULL (defaults). cb receives every observation. */
void rp_ingest_init(rp_ingest_t *in, const rp_ingest_opts_t *opts, rp_ingest_obs_cb cb, void *ud);
void rp_ingest_dispose(rp_ingest_t *in);
void rp_ingest_clear_errors(rp_ingest_t *in);
/* Appends {"accepted":N,"malformed":M,"errors":[...]} for the given
 * counts (deltas of st taken by the caller) and the remembered errors. */
int rp_ingest_result_json(const rp_ingest_t *in, uint64_t accepted, uint64_t malformed,
                          rp_buf_t *out);

/* One API Gateway access-log record (a JSON object). Returns 0 when it
 * became an observation, else the rp_ingest_reason_t + 1 it was skipped
 * for (already counted). */
int rp_ingest_apigw_record(rp_ingest_t *in, const char *p, size_t n);

/* A chunk of access-log records: a JSON array of records, or records one
 * per line (JSON lines; blank lines ignored). Lines that are CloudWatch
 * subscription events or envelopes are handled as such. Returns the
 * number of observations made. */
uint64_t rp_ingest_apigw(rp_ingest_t *in, const char *p, size_t n);

/* Bytes of unknown shape (an HTTP body, a Firehose record, a file):
 * gzip'd (sniffed by magic) or not, a CloudWatch subscription event, an
 * envelope, or access-log records (JSON lines or an array). Returns 0 or
 * the reason + 1 of the first failure (all failures are counted). */
int rp_ingest_auto(rp_ingest_t *in, const char *p, size_t n);

/* One line of a log file: an access-log record, a JSON array of them, a
 * CloudWatch subscription event or a (plain) envelope, sniffed. */
void rp_ingest_line(rp_ingest_t *in, const char *p, size_t n);

/* A CloudWatch Logs subscription event {"awslogs":{"data":"<b64 gzip>"}}
 * (what a forwarder Lambda receives), or the envelope itself, plain or
 * gzip'd. Returns 0, or the reason + 1 the event as a whole was refused. */
int rp_ingest_cloudwatch(rp_ingest_t *in, const char *p, size_t n);

/* gunzip (multi-member) of src into out (appended), within the caps.
 * Returns 0, RP_INGEST_R_GZIP + 1 or RP_INGEST_R_GZIP_CAP + 1. */
int rp_ingest_gunzip(const rp_ingest_opts_t *opts, const unsigned char *src, size_t n,
                     rp_buf_t *out);
/* base64 (standard or URL-safe alphabet, padding optional, whitespace
 * ignored) of src appended to out. Returns 0 or -1. */
int rp_ingest_base64(const char *src, size_t n, rp_buf_t *out);

/* ---------------------------------------------------------------------- */
/* Firehose HTTP endpoint deliveries.                                       */

/* Recently seen X-Amz-Firehose-Request-Id values (hashes), bounded: a
 * ring of the last `cap` ids with an open-addressed index. */
typedef struct rp_ingest_dedup {
    uint64_t *ring;
    uint64_t *index;   /* 2 * cap slots, 0 = empty */
    size_t cap, next, count;
} rp_ingest_dedup_t;

int rp_ingest_dedup_init(rp_ingest_dedup_t *dd, size_t cap);
void rp_ingest_dedup_dispose(rp_ingest_dedup_t *dd);
int rp_ingest_dedup_seen(const rp_ingest_dedup_t *dd, rp_str_t id);
void rp_ingest_dedup_add(rp_ingest_dedup_t *dd, rp_str_t id);

typedef struct rp_firehose_req {
    rp_str_t access_key;       /* X-Amz-Firehose-Access-Key as received */
    int has_access_key;
    rp_str_t expected_key;     /* the configured key (empty: no check) */
    rp_str_t request_id;       /* X-Amz-Firehose-Request-Id */
    rp_str_t content_encoding; /* "gzip" or empty */
    const char *body;
    size_t body_len;
    size_t max_body;           /* bytes after decompression (default 64 MiB) */
    int64_t now_ms;            /* for the response's timestamp */
} rp_firehose_req_t;

/* Handles one delivery: checks the key (constant time), de-duplicates by
 * request id (dd may be NULL), ingests the records, and writes the
 * response body Firehose expects into resp. Returns the HTTP status:
 * 200, 400 (not a delivery), 401 (no key), 403 (wrong key), 413 (too
 * large), 500 (out of memory). */
int rp_ingest_firehose(rp_ingest_t *in, rp_ingest_dedup_t *dd, const rp_firehose_req_t *req,
                       rp_buf_t *resp);

/* Constant-time comparison of a secret (time depends on expected's length
 * only). Returns 1 when equal. */
int rp_ingest_secret_eq(rp_str_t got, rp_str_t expected);

#endif /* RAMPART_INGEST_H */
