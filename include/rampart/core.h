/*
 * rampart/core.h - string slices, arenas, buffers, errors, logging, clock.
 *
 * The lowest layer: knows nothing about HTTP or sockets. Everything here is
 * safe to call from any worker thread; nothing here takes a lock except the
 * log writer's line-at-a-time write(2).
 */
#ifndef RAMPART_CORE_H
#define RAMPART_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

#define RP_VERSION "0.1.0"

/* ---------------------------------------------------------------------- */
/* String slice: a pointer and a length, never NUL-terminated by contract.  */

typedef struct rp_str {
    const char *p;
    size_t n;
} rp_str_t;

#define RP_STRLIT(s) ((rp_str_t){ (s), sizeof(s) - 1 })
/* The same as an initializer, for static tables of literals. */
#define RP_STRINIT(s) { (s), sizeof(s) - 1 }
#define RP_STR_NULL ((rp_str_t){ NULL, 0 })
#define RP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RP_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RP_MAX(a, b) ((a) > (b) ? (a) : (b))
#define RP_UNUSED(x) ((void)(x))

static inline rp_str_t rp_str(const char *p, size_t n) { return (rp_str_t){ p, n }; }
static inline rp_str_t rp_str_c(const char *s) { return (rp_str_t){ s, s ? strlen(s) : 0 }; }
static inline int rp_str_eq(rp_str_t a, rp_str_t b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}
/* ASCII case-insensitive equality (header names, methods, tokens). */
int rp_str_ieq(rp_str_t a, rp_str_t b);
/* Inline: with a literal prefix the compare is a few instructions. */
static inline int rp_str_has_prefix(rp_str_t s, rp_str_t prefix)
{
    return s.n >= prefix.n && (prefix.n == 0 || memcmp(s.p, prefix.p, prefix.n) == 0);
}
int rp_str_ihas_suffix(rp_str_t s, rp_str_t suffix);
static inline int rp_str_ihas_prefix(rp_str_t s, rp_str_t prefix)
{
    return s.n >= prefix.n && rp_str_ieq(rp_str(s.p, prefix.n), prefix);
}
/* The first offset >= from where `lower` (lower case) appears in s in any
 * case, or (size_t)-1. */
size_t rp_str_ifind(rp_str_t s, size_t from, rp_str_t lower);
/* Strips leading/trailing SP and HTAB. */
rp_str_t rp_str_trim(rp_str_t s);
/* Parses a non-negative decimal integer that fills the whole slice.
 * Returns 0 on success, -1 on empty, non-digit or overflow past max. */
int rp_str_to_u64(rp_str_t s, uint64_t max, uint64_t *out);
/* Iterates a comma-separated list (HTTP #rule): returns the next trimmed
 * element in *elem, advancing *pos; returns 0 when the list is exhausted.
 * Empty elements are skipped as RFC 9110 section 5.6.1 requires. */
int rp_str_next_list_elem(rp_str_t list, size_t *pos, rp_str_t *elem);
static inline int rp_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* ---------------------------------------------------------------------- */
/* Errors: one X-macro list, negative values, rp_strerror() for text.       */

#define RP_ERRNO_MAP(XX)                                           \
    XX(OK, 0, "success")                                          \
    XX(EAGAIN, -2, "need more input")                             \
    XX(EINVAL, -1, "malformed input")                             \
    XX(ENOMEM, -12, "out of memory")                              \
    XX(ENOENT, -20, "not found")                                  \
    XX(ETOOBIG, -21, "too large")                                 \
    XX(ECONFIG, -22, "configuration error")                       \
    XX(EIO, -23, "input/output error")                            \
    XX(ETIMEDOUT, -24, "timed out")                               \
    XX(ECONNREFUSED, -25, "connection refused")                   \
    XX(ECLOSED, -26, "connection closed")

typedef enum rp_err {
#define XX(name, val, msg) RP_##name = (val),
    RP_ERRNO_MAP(XX)
#undef XX
} rp_err_t;

const char *rp_strerror(int err);

/* ---------------------------------------------------------------------- */
/* Assertions that mean something: a broken invariant is a bug, abort.      */

void rp__bug(const char *file, int line, const char *cond) __attribute__((noreturn));
#define RP_BUG_ON(cond)                                       \
    do {                                                      \
        if (__builtin_expect(!!(cond), 0))                    \
            rp__bug(__FILE__, __LINE__, #cond);               \
    } while (0)

/* Allocation for start-up and long-lived objects: aborts on failure
 * (the config loader and main thread only; the request path uses
 * rp_arena_* and the try_ variants which return NULL). */
void *rp_xmalloc(size_t n);
void *rp_xcalloc(size_t nmemb, size_t n);
void *rp_xrealloc(void *p, size_t n);
char *rp_xstrndup(const char *s, size_t n);

/* ---------------------------------------------------------------------- */
/* Arena: bump allocator in chained blocks, freed at once. Per request.     */

typedef struct rp_arena_block rp_arena_block_t;
typedef struct rp_arena_cleanup rp_arena_cleanup_t;

typedef struct rp_arena {
    rp_arena_block_t *head;    /* current block (first in chain) */
    rp_arena_cleanup_t *cleanups;
    size_t block_size;         /* size of ordinary blocks */
    size_t total;              /* bytes obtained from malloc, for limits */
} rp_arena_t;

void rp_arena_init(rp_arena_t *a, size_t block_size);
/* Returns NULL when malloc fails: callers on the request path answer 503. */
void *rp_arena_alloc(rp_arena_t *a, size_t n);
void *rp_arena_calloc(rp_arena_t *a, size_t n);
char *rp_arena_strndup(rp_arena_t *a, const char *s, size_t n);
/* Registers cb(data) to run at reset/dispose, in reverse order. */
int rp_arena_add_cleanup(rp_arena_t *a, void (*cb)(void *), void *data);
/* Frees everything but keeps the first block for reuse. */
void rp_arena_reset(rp_arena_t *a);
void rp_arena_dispose(rp_arena_t *a);

/* ---------------------------------------------------------------------- */
/* Growable byte buffer (malloc-backed). Used for serialisation and I/O.    */

typedef struct rp_buf {
    char *p;
    size_t len;
    size_t cap;
} rp_buf_t;

static inline void rp_buf_init(rp_buf_t *b) { b->p = NULL; b->len = b->cap = 0; }
void rp_buf_dispose(rp_buf_t *b);
/* Ensures room for n more bytes. Returns 0 or RP_ENOMEM. */
int rp_buf_reserve(rp_buf_t *b, size_t n);
int rp__buf_append_slow(rp_buf_t *b, const void *p, size_t n);
/* Inline when the bytes fit: heads are built from many small appends. */
static inline int rp_buf_append(rp_buf_t *b, const void *p, size_t n)
{
    if (n > 0 && b->cap - b->len >= n) {
        memcpy(b->p + b->len, p, n);
        b->len += n;
        return 0;
    }
    return rp__buf_append_slow(b, p, n);
}
static inline int rp_buf_append_str(rp_buf_t *b, rp_str_t s) { return rp_buf_append(b, s.p, s.n); }
int rp_buf_append_cstr(rp_buf_t *b, const char *s);
int rp_buf_printf(rp_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as the inside of a JSON string (quotes not included):
 * escapes ", \, control characters and bytes that are not valid UTF-8. */
int rp_buf_append_json_str(rp_buf_t *b, const char *s, size_t n);
/* Appends v in decimal / lower-case hex (no printf on hot paths). */
int rp_buf_append_u64(rp_buf_t *b, uint64_t v);
int rp_buf_append_hex(rp_buf_t *b, uint64_t v);
/* Removes the first n bytes. */
void rp_buf_consume(rp_buf_t *b, size_t n);

/* ---------------------------------------------------------------------- */
/* Clock.                                                                   */

/* Monotonic milliseconds and microseconds. */
uint64_t rp_now_ms(void);
uint64_t rp_now_us(void);
/* Wall-clock time as RFC 3339 UTC with milliseconds, into out (>= 32 bytes). */
size_t rp_time_rfc3339(char *out, size_t cap);

/* ---------------------------------------------------------------------- */
/* Logging: JSON lines on a file descriptor (stderr by default).            */

typedef enum rp_log_level {
    RP_LOG_DEBUG = 0,
    RP_LOG_INFO = 1,
    RP_LOG_WARN = 2,
    RP_LOG_ERROR = 3,
} rp_log_level_t;

void rp_log_set_level(rp_log_level_t lvl);
rp_log_level_t rp_log_get_level(void);
/* Parses "debug"/"info"/"warn"/"error"; returns -1 if unknown. */
int rp_log_level_parse(rp_str_t s);
/* The error log's fd; the caller owns it (stderr when never set). */
void rp_log_set_fd(int fd);
/* Writes {"time":..,"level":..,"msg":"..."} with optional extra JSON fields
 * (a pre-formatted fragment like "\"peer\":\"1.2.3.4\"", may be NULL). */
void rp_log(rp_log_level_t lvl, const char *extra_json, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define rp_log_debug(...) \
    do { if (rp_log_get_level() <= RP_LOG_DEBUG) rp_log(RP_LOG_DEBUG, NULL, __VA_ARGS__); } while (0)
#define rp_log_info(...) rp_log(RP_LOG_INFO, NULL, __VA_ARGS__)
#define rp_log_warn(...) rp_log(RP_LOG_WARN, NULL, __VA_ARGS__)
#define rp_log_error(...) rp_log(RP_LOG_ERROR, NULL, __VA_ARGS__)

/* ---------------------------------------------------------------------- */
/* Small utilities.                                                         */

/* Fills out with n random bytes (getrandom, falling back to /dev/urandom). */
int rp_random_bytes(void *out, size_t n);
/* 64-bit FNV-1a. */
uint64_t rp_hash64(const void *p, size_t n);

#endif /* RAMPART_CORE_H */
