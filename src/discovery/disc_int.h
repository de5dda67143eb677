/*
 * disc_int.h - internals of the discovery library, shared by its files.
 *
 *   template.c   segment classification, parameter names, the path tree
 *                (per application, method-independent), statistical merge
 *   infer.c      value kinds, parameter statistics and type inference
 *   schema.c     JSON body schemas, merged across samples
 *   sensitive.c  sensitive data kinds (never the values)
 *   inventory.c  the aggregator: apps, endpoints, counters, read side,
 *                serialised records for the store
 *   openapi.c    OpenAPI 3.1 export (JSON, YAML)
 *
 * Ownership: everything hangs off rp_disc_t and is malloc'd; the only
 * per-observation memory is a scratch arena reset after each body parse.
 */
#ifndef RP_DISC_INT_H
#define RP_DISC_INT_H

#include "rampart/core.h"
#include "rampart/discovery.h"
#include "rampart/json.h"

#include <stdint.h>

#define RP_DISC_MAX_DEPTH 32      /* path segments; deeper paths are capped */
#define RP_DISC_MAX_SEG 256       /* bytes of one segment kept */
#define RP_DISC_NSTATUS 12        /* distinct status codes per endpoint */
#define RP_DISC_MAX_BODIES 8      /* (direction, status class, ctype) schemas per endpoint */
#define RP_DISC_MAX_CTYPES 6      /* content types per direction per endpoint */
#define RP_DISC_MAX_VALUE 64      /* longest value kept for an enum */

/* ---------------------------------------------------------------------- */
/* Small mergeable statistics (inventory.c).                                */

/* Log-linear latency histogram: 8 linear sub-buckets per power of two
 * from 2^-6 ms to 2^20 ms. A value is reported as its bucket's midpoint:
 * relative error <= 1/16 (6.25 %) inside the range; values below are
 * counted in bucket 0, above in the last one. Only the window of buckets
 * between the smallest and largest value seen is held (one endpoint's
 * latencies span a few octaves: ~100-200 bytes instead of 836); the
 * window grows - an allocation - only when a new extreme arrives.
 * Merge = add counts. */
#define RP_HIST_SUB 8
#define RP_HIST_MIN_EXP (-6)
#define RP_HIST_MAX_EXP 20
#define RP_HIST_N (1 + (RP_HIST_MAX_EXP - RP_HIST_MIN_EXP) * RP_HIST_SUB)
typedef struct rp_hist {
    uint64_t n;
    uint32_t *c;               /* counts of buckets lo .. lo + len - 1 */
    uint16_t lo, len;
} rp_hist_t;
int rp__hist_add(rp_hist_t *h, double v);
int rp__hist_add_n(rp_hist_t *h, int idx, uint64_t n);
int rp__hist_merge(rp_hist_t *d, const rp_hist_t *s);
void rp__hist_dispose(rp_hist_t *h);
double rp__hist_quantile(const rp_hist_t *h, double q);
double rp__hist_bucket_mid(int i);
int rp__hist_index(double v);

/* Distinct count: exact (up to 8 64-bit hashes inline), then a
 * HyperLogLog with 256 one-byte registers (standard error 1.04/16 =
 * 6.5 %). Merge = union. */
#define RP_DISTINCT_EXACT 8
typedef struct rp_distinct {
    uint8_t n;                 /* exact hashes held while regs == NULL */
    uint64_t h[RP_DISTINCT_EXACT];
    uint8_t *regs;             /* 256 registers once past the exact cap */
} rp_distinct_t;
int rp__distinct_add(rp_distinct_t *s, uint64_t h);
uint64_t rp__distinct_count(const rp_distinct_t *s);
int rp__distinct_merge(rp_distinct_t *d, const rp_distinct_t *s);
void rp__distinct_dispose(rp_distinct_t *s);
uint64_t rp__mix64(uint64_t x);
/* A fast non-cryptographic hash (8 bytes at a time). */
uint64_t rp__disc_hash(const void *p, size_t n);

/* ---------------------------------------------------------------------- */
/* Value kinds and parameters (infer.c).                                    */

enum {
    RP_VK_INT = 1u << 0,
    RP_VK_NUM = 1u << 1,      /* a decimal number that is not an integer */
    RP_VK_BOOL = 1u << 2,
    RP_VK_UUID = 1u << 3,
    RP_VK_DATE = 1u << 4,
    RP_VK_DATETIME = 1u << 5,
    RP_VK_EMAIL = 1u << 6,
    RP_VK_STRING = 1u << 7,   /* anything else */
};
unsigned rp__disc_value_kind(rp_str_t v);

typedef struct rp_disc_pstat {
    char *name;               /* query parameters; NULL for path ones (named by the tree) */
    int depth;                /* path parameters: segment index; -1 for query */
    unsigned kinds;           /* RP_VK_* seen */
    unsigned sensitive;
    uint64_t count;           /* requests in which it was present */
    uint8_t nvals;            /* distinct values kept (enum candidates) */
    uint8_t novals;           /* values no longer tracked: too many, too long, sensitive */
    char **vals;              /* nvals strings, max_values slots */
    uint32_t *vhash;
} rp_disc_pstat_t;

struct rp_disc;
/* Records one value; n > 1 counts it as seen n times (folding). */
int rp__pstat_add(struct rp_disc *d, rp_disc_pstat_t *p, rp_str_t v, uint64_t n);
int rp__pstat_merge(struct rp_disc *d, rp_disc_pstat_t *dst, const rp_disc_pstat_t *src);
void rp__pstat_dispose(rp_disc_pstat_t *p);
/* Final type/format/enum for the read side (enum pointers into p). */
void rp__pstat_describe(const rp_disc_pstat_t *p, size_t max_values, const char **type,
                        const char **format, size_t *nenum);

/* ---------------------------------------------------------------------- */
/* JSON schemas (schema.c).                                                 */

enum {
    RP_ST_NULL = 1u << 0,
    RP_ST_BOOL = 1u << 1,
    RP_ST_INT = 1u << 2,
    RP_ST_NUM = 1u << 3,
    RP_ST_STRING = 1u << 4,
    RP_ST_OBJECT = 1u << 5,
    RP_ST_ARRAY = 1u << 6,
};
enum {
    RP_SF_UUID = 1u << 0,
    RP_SF_EMAIL = 1u << 1,
    RP_SF_DATETIME = 1u << 2,
    RP_SF_DATE = 1u << 3,
};

typedef struct rp_disc_schema rp_disc_schema_t;
typedef struct rp_disc_sprop {
    char *name;
    uint64_t count;            /* objects of the parent that had it */
    uint64_t mark;             /* parse: the object occurrence that last counted it */
    rp_disc_schema_t *s;       /* NULL when the node cap was hit */
} rp_disc_sprop_t;

struct rp_disc_schema {
    unsigned types;            /* RP_ST_* */
    unsigned formats;          /* RP_SF_* that every string matched */
    uint64_t nstrings;         /* strings seen (formats meaningful when > 0) */
    uint64_t nobjects;         /* times seen as an object */
    unsigned sensitive;        /* RP_DISC_S_* in values (or the field name) */
    size_t nprops, capprops;
    rp_disc_sprop_t *props;    /* sorted by name */
    rp_disc_schema_t *items;   /* arrays */
};

typedef struct rp_disc_body {
    uint8_t resp;              /* 0 request, 1 response */
    uint8_t sclass;            /* response status class 1..5, 0 unknown */
    char *ctype;
    uint64_t samples;
    size_t nodes;              /* schema nodes held (<= max_schema_nodes) */
    rp_disc_schema_t *root;
} rp_disc_body_t;

/* Parses a JSON body and merges its schema into b; marks sensitive kinds
 * in *sens. Returns 0 (also for a body that does not parse: it is just
 * not learned from), RP_ENOMEM. */
int rp__schema_learn(struct rp_disc *d, rp_disc_body_t *b, rp_str_t body, int truncated,
                     unsigned *sens);
/* Merges src into *dst (allocated when NULL), counting nodes against the cap. */
int rp__schema_merge(struct rp_disc *d, rp_disc_schema_t **dst, size_t *nodes,
                     const rp_disc_schema_t *src);
void rp__schema_free(rp_disc_schema_t *s);
size_t rp__schema_memory(const rp_disc_schema_t *s);
/* Writes s as a JSON Schema (OpenAPI 3.1 dialect) object. */
int rp__schema_write_json(const rp_disc_schema_t *s, rp_buf_t *out);

/* ---------------------------------------------------------------------- */
/* Sensitive data (sensitive.c).                                            */

unsigned rp__sensitive_value(rp_str_t v);
unsigned rp__sensitive_name(rp_str_t name);
int rp__luhn_ok(rp_str_t digits);
int rp__iban_ok(rp_str_t s);

/* ---------------------------------------------------------------------- */
/* The path tree and endpoints.                                             */

typedef struct rp_disc_ep rp_disc_ep_t;
typedef struct rp_disc_node rp_disc_node_t;
typedef struct rp_disc_app rp_disc_app_t;

enum {
    RP_NODE_LIT = 0,
    RP_NODE_PARAM = 1,
    RP_NODE_GREEDY = 2,       /* {proxy+}: matches the rest of the path */
};
enum {
    RP_NF_HINT = 1u << 0,     /* from a source template (ground truth) */
    RP_NF_OPEN = 1u << 1,     /* a param that takes any unknown literal here
                               * (hinted, or made by statistical merge) */
};

struct rp_disc_node {
    rp_disc_node_t *parent;
    rp_disc_node_t *hnext;     /* chain in the app's edge table (literals) */
    rp_disc_node_t *kids;      /* literal children */
    rp_disc_node_t *sib;
    rp_disc_node_t *param;     /* the parameter child, if any */
    rp_disc_node_t *greedy;    /* the greedy child, if any */
    char *seg;                 /* literal text, or the parameter's name */
    uint32_t seglen;
    uint8_t kind, flags;
    uint16_t depth;            /* segment index of this node (root: -1 -> 0xffff) */
    uint32_t nlit;             /* literal children */
    uint64_t hash;             /* hash of seg (literals) */
    uint64_t requests;         /* requests that ended at or below this node */
    rp_disc_ep_t **eps;        /* endpoints here, one per method */
    uint32_t neps;
};

struct rp_disc_ep {
    rp_disc_node_t *node;
    char method[24];
    uint8_t mlen;
    int hinted;                /* template came from the source */
    uint64_t requests, attacks;
    int64_t first_ms, last_ms;
    int status[RP_DISC_NSTATUS];
    uint64_t status_count[RP_DISC_NSTATUS];
    uint32_t nstatus;
    rp_hist_t lat, ilat;
    uint64_t resp_n;
    double resp_sum;
    int64_t resp_max;
    rp_distinct_t sources;
    unsigned sensitive, auth;
    rp_disc_pstat_t *pparams;  /* path parameters (by depth) */
    size_t npparams;
    rp_disc_pstat_t *qparams;  /* query parameters (by name) */
    size_t nqparams;
    char *req_ct[RP_DISC_MAX_CTYPES];
    char *resp_ct[RP_DISC_MAX_CTYPES];
    uint8_t nreq_ct, nresp_ct;
    rp_disc_body_t *bodies;    /* up to RP_DISC_MAX_BODIES */
    size_t nbodies;
};

struct rp_disc_app {
    char *key;
    size_t keylen;
    char *domain, *stage;
    rp_disc_node_t root;
    rp_disc_node_t **edges;    /* hash table of literal edges, chained */
    size_t edge_mask, nnodes;
    size_t nendpoints;
    uint64_t requests;
    char *apikey_name;         /* first API key header seen (for securitySchemes) */
    char *cookie_name;         /* first session cookie seen */
    unsigned auth;
};

struct rp_disc {
    rp_disc_opts_t o;
    rp_disc_app_t *last_app;   /* the previous observation's (logs come in runs) */
    rp_disc_stats_t st;
    rp_disc_app_t **apps;      /* open addressing by key hash */
    size_t app_mask, napps;
    rp_arena_t scratch;        /* body parsing */
};

/* One path segment as templating sees it: the text and, for a template
 * (hint, store), whether it is a parameter and its flags. */
typedef struct rp_disc_seg {
    rp_str_t s;
    uint8_t kind, flags;
} rp_disc_seg_t;

/* Splits a path into segments (empty segments dropped). Returns the count,
 * or -1 when deeper than RP_DISC_MAX_DEPTH. */
int rp__tmpl_split(rp_str_t path, rp_str_t *segs, int max);
/* Parses a template ("/pets/{petId}/{proxy+}") into segments. */
int rp__tmpl_parse(rp_str_t tmpl, rp_disc_seg_t *segs, int max);
/* 8-4-4-4-12 hex digits (any case). */
int rp__disc_is_uuid(rp_str_t s);
/* Is this segment a value (a parameter at once)? */
int rp__tmpl_seg_is_value(rp_str_t s);
/* Finds the node for an observed path (creating what is missing, subject
 * to caps). pvals[i]/pdepth[i] receive the path-parameter values met,
 * *np their count. Returns NULL when a cap turned it away (counted). */
rp_disc_node_t *rp__tmpl_walk(rp_disc_t *d, rp_disc_app_t *a, const rp_str_t *segs, int nseg,
                              int create, rp_str_t *pvals, int *pdepth, int *np);
/* Same for a template: hinted (ground truth) or restored (store, merge). */
rp_disc_node_t *rp__tmpl_insert(rp_disc_t *d, rp_disc_app_t *a, const rp_disc_seg_t *segs,
                                int nseg, const rp_str_t *vals, rp_str_t *pvals, int *pdepth,
                                int *np);
/* Writes the template of n into out ("/" for the root). */
int rp__tmpl_render(const rp_disc_node_t *n, rp_buf_t *out);
/* Writes the segment kinds/flags of n's template (one byte each). */
int rp__tmpl_flags(const rp_disc_node_t *n, rp_buf_t *out);
void rp__tmpl_app_init(rp_disc_app_t *a);
void rp__tmpl_app_dispose(rp_disc_app_t *a);
size_t rp__tmpl_memory(const rp_disc_app_t *a);

/* Endpoints (inventory.c), used by templating when folding. */
rp_disc_ep_t *rp__ep_get(rp_disc_t *d, rp_disc_app_t *a, rp_disc_node_t *n, rp_str_t method,
                         int create);
int rp__ep_merge(rp_disc_t *d, rp_disc_ep_t *dst, const rp_disc_ep_t *src);
void rp__ep_free(rp_disc_ep_t *e);
/* Records `value` seen n times for the path parameter at depth (folding a
 * literal into a parameter). */
int rp__ep_fold_value(rp_disc_t *d, rp_disc_ep_t *e, int depth, rp_str_t value, uint64_t n);

/* Read side (inventory.c): the endpoints of one application (NULL: all),
 * sorted by application, template, method; with their rendered templates
 * ("\0"-separated in *paths, offsets in the entries). */
typedef struct rp_disc_epref {
    const rp_disc_app_t *app;
    const rp_disc_ep_t *ep;
    size_t path_off;
} rp_disc_epref_t;
int rp__disc_collect(const rp_disc_t *d, const char *app, int with_candidates,
                     rp_disc_epref_t **out, size_t *n, rp_buf_t *paths);
const rp_disc_app_t *rp__disc_app_find(const rp_disc_t *d, const char *key);
/* Fills v (and params, which the caller frees with rp__ep_view_dispose). */
int rp__ep_view(const rp_disc_t *d, const rp_disc_app_t *a, const rp_disc_ep_t *e,
                const char *path, rp_disc_endpoint_t *v);
void rp__ep_view_dispose(rp_disc_endpoint_t *v);

/* Shared with record.c (inventory.c). */
rp_disc_app_t *rp__disc_app_get(rp_disc_t *d, rp_str_t k1, rp_str_t k2, rp_str_t domain,
                                rp_str_t stage, int *rc);
int rp__disc_set_str(char **dst, rp_str_t s);
rp_disc_pstat_t *rp__pparam_get(rp_disc_t *d, rp_disc_ep_t *e, int depth);
rp_disc_pstat_t *rp__qparam_get(rp_disc_t *d, rp_disc_ep_t *e, rp_str_t name, int create);
void rp__status_add(rp_disc_ep_t *e, int status, uint64_t n);
int rp__ctype_add(char **arr, uint8_t *n, rp_str_t ct);
rp_disc_body_t *rp__body_get(rp_disc_ep_t *e, int resp, int sclass, rp_str_t ct);

/* Lower-cases into out (cap bytes), returns the length (cut at cap). */
size_t rp__lower_copy(char *out, size_t cap, rp_str_t s);
char *rp__strndup(const char *s, size_t n);

#endif /* RP_DISC_INT_H */
