/*
 * config_int.h - internals of the configuration loader (not installed).
 *
 * The loader works in three steps, one file each:
 *   tree.c    libyaml events -> a small node tree that keeps every node's
 *             1-based line:col (syntax errors come from libyaml's marks);
 *   walk.c    a generic walker that applies tables of typed keys
 *             (rp__conf_key_t: name, type, bounds, default, offset) to a
 *             mapping node, reporting unknown/duplicate/mistyped keys;
 *   schema.c  Rampart's tables, list handlers and the cross-checks that
 *             need the whole tree (dangling names, duplicates, defaults
 *             that depend on other sections).
 * values.c parses durations, sizes, addresses and CIDRs; demo.c builds the
 * embedded demo and the quick-start configs through the same loader.
 */
#ifndef RAMPART_CONFIG_INT_H
#define RAMPART_CONFIG_INT_H

#include "rampart/config.h"

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* Node tree.                                                               */

typedef enum rp__cnode_kind {
    RP__CN_SCALAR = 0,
    RP__CN_SEQ = 1,
    RP__CN_MAP = 2,
} rp__cnode_kind_t;

typedef struct rp__cnode rp__cnode_t;
struct rp__cnode {
    rp__cnode_kind_t kind;
    unsigned line, col;     /* 1-based start of the node; 0 for synthetic nodes */
    char *s;                /* scalar text, NUL-terminated copy (may hold NULs) */
    size_t n;               /* scalar length */
    int plain;              /* scalar was written unquoted */
    rp__cnode_t **kids;     /* SEQ: items; MAP: key0, value0, key1, value1, ... */
    size_t nkids;
};

/* Maximum nesting of collections; deeper input is rejected so that the
 * recursive walkers and rp__cnode_free have a bounded stack. */
#define RP__CONF_MAX_DEPTH 64
/* Errors kept per load; the rest are counted into one final message. */
#define RP__CONF_MAX_ERRORS 200

/* Loader state shared by the walker, the schema and the tree builder. */
typedef struct rp__conf_ctx {
    const char *file;       /* name used in error positions */
    rp_conf_errors_t *errs; /* may be NULL: errors are then only counted */
    size_t nerr;
    int no_positions;       /* quick start: errors are not tied to lines */
} rp__conf_ctx_t;

/* Parses text into a tree. Returns the root (NULL for an empty stream or
 * after an error, which is recorded in ctx; check ctx->nerr). */
rp__cnode_t *rp__cnode_parse(rp__conf_ctx_t *ctx, const char *text, size_t len);
void rp__cnode_free(rp__cnode_t *n);
/* The value for `key` in a mapping node, or NULL. */
const rp__cnode_t *rp__cnode_get(const rp__cnode_t *map, const char *key);
/* 1 for an unquoted empty, "~" or "null" scalar (YAML's null). */
int rp__cnode_is_null(const rp__cnode_t *n);

/* Records "msg" at (line, col) / at node n (NULL: not tied to a position). */
void rp__conf_err_at(rp__conf_ctx_t *ctx, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rp__conf_err(rp__conf_ctx_t *ctx, const rp__cnode_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Copies s into buf (size cap) for quoting in a message: cut at 60 bytes
 * and with non-printable bytes shown as '?'. Returns buf. */
const char *rp__conf_show(const char *s, size_t n, char *buf, size_t cap);

/* ---------------------------------------------------------------------- */
/* Tables of typed keys.                                                    */

typedef enum rp__conf_type {
    RP__CT_UINT,     /* decimal integer in [min, max] into an unsigned field of `size` bytes */
    RP__CT_SIZE,     /* rp_conf_parse_size in [min, max] */
    RP__CT_DURATION, /* rp_conf_parse_duration_ms in [min, max], milliseconds */
    RP__CT_STRING,   /* char *, owned; no NUL, CR or LF */
    RP__CT_PATH,     /* char *, must start with '/', no spaces or controls */
    RP__CT_BOOL,     /* true/false (also yes/no, on/off) into an int */
    RP__CT_SECTION,  /* nested mapping applied to obj + off with `sub` */
    RP__CT_FUNC,     /* anything else: cb(ctx, key, value node, obj) */
} rp__conf_type_t;

#define RP__CF_REQUIRED 1u  /* a missing key is an error */
#define RP__CF_NO_RELOAD 2u /* a reload cannot change it (checked by rp_conf_reload_blocker) */

typedef struct rp__conf_key rp__conf_key_t;
typedef struct rp__conf_section rp__conf_section_t;
typedef void (*rp__conf_key_cb)(rp__conf_ctx_t *ctx, const rp__conf_key_t *k,
                                const rp__cnode_t *v, void *obj);

struct rp__conf_key {
    const char *name;
    rp__conf_type_t type;
    uint64_t min, max;
    const char *def;                 /* default as YAML text, parsed like user input; NULL: zero */
    size_t off;                      /* field offset in the object */
    size_t size;                     /* field size, for RP__CT_UINT/SIZE/DURATION */
    rp__conf_key_cb cb;              /* RP__CT_FUNC */
    const rp__conf_section_t *sub;   /* RP__CT_SECTION */
    unsigned flags;                  /* RP__CF_* */
};

struct rp__conf_section {
    const char *what;                /* "route", "listener", ... for messages */
    const rp__conf_key_t *keys;
    size_t nkeys;
};

#define RP__FIELD(type, field) offsetof(type, field), sizeof(((type *)0)->field)

/* Sets every key of sec that has a default (recursing into sections). */
void rp__conf_apply_defaults(rp__conf_ctx_t *ctx, const rp__conf_section_t *sec, void *obj);
/* Applies a mapping node to obj through sec: unknown, duplicate and
 * missing required keys are errors; a null node counts as an empty
 * mapping. Does not apply defaults. */
void rp__conf_walk(rp__conf_ctx_t *ctx, const rp__conf_section_t *sec, const rp__cnode_t *map,
                   void *obj);
/* Value helpers for handlers. Each reports its own error and returns -1. */
int rp__conf_get_uint(rp__conf_ctx_t *ctx, const char *name, const rp__cnode_t *v, uint64_t min,
                      uint64_t max, uint64_t *out);
/* A scalar without NUL/CR/LF, copied into *out (freeing the old value). */
int rp__conf_get_string(rp__conf_ctx_t *ctx, const char *name, const rp__cnode_t *v, char **out);
/* 1 when s is a non-empty HTTP token (RFC 9110 tchar). */
int rp__conf_is_token(const char *s, size_t n);

/* ---------------------------------------------------------------------- */
/* Values.                                                                  */

typedef struct rp__conf_url {
    int tls;            /* "https://" */
    int has_scheme;
    rp_str_t host;      /* without brackets */
    int host_is_v6;
    uint16_t port;
    rp_str_t path;      /* "" or starting with '/' */
} rp__conf_url_t;

/* Splits "host:port", "[v6]:port", "http://host[:port][/path]" and
 * "https://...". Returns 0, or -1 with *why set to a static reason. */
int rp__conf_parse_url(rp_str_t s, rp__conf_url_t *u, const char **why);
/* Formats a size ("8k", "1m", "1000") / duration ("10s", "250ms"). */
void rp__conf_fmt_size(uint64_t v, char *buf, size_t cap);
void rp__conf_fmt_duration(uint64_t ms, char *buf, size_t cap);

/* Parses, walks and cross-checks text as a whole config (schema.c).
 * Returns NULL when ctx collected any error. */
rp_conf_t *rp__conf_load(rp__conf_ctx_t *ctx, const char *text, size_t len);

/* Shared schema helpers (schema.c). */
/* A list value: a sequence, a single scalar standing for a one-element
 * list, or null. Returns the count and sets *items / *single, or -1. */
long rp__conf_list_items(rp__conf_ctx_t *ctx, const rp__cnode_t *v, rp__cnode_t *const **items,
                         const rp__cnode_t **single);
/* Walks a sequence of mappings into a new array of elem-sized objects. */
void *rp__conf_walk_list(rp__conf_ctx_t *ctx, const rp__cnode_t *v, const rp__conf_section_t *sec,
                         size_t elem, size_t *count);
/* The key node of `key` in a mapping (for positions), or NULL. */
const rp__cnode_t *rp__conf_key_node(const rp__cnode_t *map, const char *key);
/* A list of addresses/CIDRs (or one) appended to *out. */
void rp__conf_cidr_list(rp__conf_ctx_t *ctx, const rp__cnode_t *v, rp_cidr_t **out, size_t *n);
/* A list of strings into a new array. */
void rp__conf_strv(rp__conf_ctx_t *ctx, const char *what, const rp__cnode_t *v, char ***out, size_t *n);

/* The waf section and the routes' waf keys (schema_waf.c). */
extern const rp__conf_section_t rp__conf_waf_sec;
extern const rp__conf_section_t rp__conf_route_waf_sec;
/* Cross-checks once the whole tree is walked: list files read, rule
 * regexes compiled, rate-limit names resolved. */
void rp__conf_finish_waf(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c);
void rp__conf_free_waf(rp_conf_t *c);

/* discovery: (schema_disc.c). */
extern const rp__conf_section_t rp__conf_discovery_sec;
void rp__conf_finish_discovery(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c);
void rp__conf_free_discovery(rp_conf_t *c);

/* TLS contexts (tls.c). Each reports its own errors at `at` (the key
 * that names the files) and returns -1; on success the contexts are set
 * in the struct. rp__conf_tls_free releases them. */
int rp__conf_tls_listener(rp__conf_ctx_t *ctx, const rp__cnode_t *at, rp_conf_listener_tls_t *t);
int rp__conf_tls_upstream(rp__conf_ctx_t *ctx, const rp__cnode_t *at, rp_conf_upstream_tls_t *t);
void rp__conf_tls_free_listener(rp_conf_listener_tls_t *t);
void rp__conf_tls_free_upstream(rp_conf_upstream_tls_t *t);
/* File reads at load time (certificates, keys, CA files) are on by default;
 * the fuzzer turns them off. */
void rp__conf_set_files(int on);
int rp__conf_get_files(void);

#endif /* RAMPART_CONFIG_INT_H */
