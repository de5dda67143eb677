/*
 * rampart/discovery.h - API discovery: observations in, an inventory out.
 *
 * A pure library (no sockets, no threads, no clock reads: times come in
 * the observations). Sources - the proxy's live traffic, API Gateway
 * access logs from files, CloudWatch Logs subscriptions and Firehose
 * deliveries (src/ingest/) - turn what they see into rp_disc_obs_t and
 * hand them to an aggregator (rp_disc_t), one writer at a time. The
 * aggregator keeps, per application, endpoints as path templates
 * ("/users/{id}/orders/{orderId}"), with methods, status codes, latency
 * percentiles, sizes, parameters with inferred types, JSON body schemas,
 * auth schemes and the kinds of sensitive data seen (never the values).
 * Memory is bounded by the caps in rp_disc_opts_t; what a cap turned
 * away is counted in rp_disc_stats_t.
 *
 * The store (src/store/disc_store.c, SQLite) saves and reloads an
 * aggregator, merging into what is already stored; the OpenAPI export
 * writes one application as OpenAPI 3.1 (JSON or YAML).
 */
#ifndef RAMPART_DISCOVERY_H
#define RAMPART_DISCOVERY_H

#include "rampart/core.h"

#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* Observations.                                                            */

typedef struct rp_disc_header {
    rp_str_t name;    /* any case */
    rp_str_t value;
} rp_disc_header_t;

/* One request/response as a source saw it. Every string may be empty
 * (unknown); numbers use the stated "unknown" value. Nothing is kept by
 * reference after rp_disc_add returns. */
typedef struct rp_disc_obs {
    rp_str_t app;             /* application id: X-Rampart-Application, the route's, or empty */
    rp_str_t domain;          /* API Gateway domainName, else the Host */
    rp_str_t stage;           /* API Gateway stage, else empty */
    rp_str_t method;          /* "GET" */
    rp_str_t path;            /* as requested, without the query; for API Gateway logs
                               * the /stage prefix already stripped */
    rp_str_t query;           /* raw query string, without '?' */
    rp_str_t template_hint;   /* ground truth when the source knows it: API Gateway
                               * resourcePath ("/pets/{petId}") or the path part of a
                               * routeKey ("GET /pets/{petID}" -> "/pets/{petID}");
                               * empty, "$default" or "-" when unknown */
    int status;               /* HTTP status, 0 unknown */
    double latency_ms;        /* whole response latency, < 0 unknown */
    double integration_ms;    /* API Gateway integrationLatency, < 0 unknown */
    int64_t resp_bytes;       /* response size, < 0 unknown */
    int64_t time_ms;          /* Unix time of the request, milliseconds */
    rp_str_t source;          /* client address: counted (distinct sources), not stored */
    const rp_disc_header_t *headers;  /* request headers (live traffic; logs: User-Agent) */
    size_t nheaders;
    rp_str_t req_ctype;       /* request Content-Type */
    rp_str_t req_body;        /* sampled request body (may be empty or cut) */
    int req_body_truncated;
    rp_str_t resp_ctype;      /* response Content-Type */
    rp_str_t resp_body;       /* sampled response body (may be empty or cut) */
    int resp_body_truncated;
    int attack;               /* the WAF flagged this request: counted, not learned from */
} rp_disc_obs_t;

/* ---------------------------------------------------------------------- */
/* Aggregator.                                                              */

typedef struct rp_disc_opts {
    unsigned min_requests;     /* an endpoint is reported from this many requests on;
                                * below, it is a candidate (default 5) */
    unsigned merge_threshold;  /* distinct literal segments at one position under one
                                * parent before they merge into a parameter (default 20) */
    size_t max_apps;           /* default 256 */
    size_t max_endpoints;      /* per application, candidates included (default 5000) */
    size_t max_params;         /* per endpoint (default 128) */
    size_t max_values;         /* distinct values tracked per parameter, for enums (default 16) */
    size_t max_schema_nodes;   /* JSON schema nodes per body schema (default 512) */
    size_t max_body;           /* bytes of a body inspected (default 64 KiB) */
} rp_disc_opts_t;

typedef struct rp_disc rp_disc_t;

rp_disc_t *rp_disc_new(const rp_disc_opts_t *opts);   /* NULL: defaults */
void rp_disc_free(rp_disc_t *d);

/* Learns one observation. Returns 0, RP_EINVAL for an observation without
 * a method or a path, with a method longer than 23 bytes or with control
 * bytes in it, or with a NUL byte in the path, app, domain or stage
 * (counted as rejected), RP_ENOMEM. */
int rp_disc_add(rp_disc_t *d, const rp_disc_obs_t *obs);

/* Adds everything src learned into dst (per-worker aggregators merged
 * into the node's). src is left unchanged. */
int rp_disc_merge(rp_disc_t *dst, const rp_disc_t *src);

typedef struct rp_disc_stats {
    uint64_t observations;     /* rp_disc_add calls that counted */
    uint64_t rejected;         /* observations without method/path */
    uint64_t attacks;          /* observations flagged by the WAF, not learned from */
    uint64_t apps, endpoints, candidates;
    uint64_t capped_apps, capped_endpoints, capped_params, capped_values, capped_schema;
    size_t memory;             /* bytes held, approximately */
} rp_disc_stats_t;

void rp_disc_stats(const rp_disc_t *d, rp_disc_stats_t *st);

/* Sensitive data kinds (bits of rp_disc_endpoint_t.sensitive). */
enum {
    RP_DISC_S_EMAIL = 1u << 0,
    RP_DISC_S_PHONE = 1u << 1,
    RP_DISC_S_CARD = 1u << 2,       /* payment card number, Luhn-checked */
    RP_DISC_S_IBAN = 1u << 3,       /* checksum-checked */
    RP_DISC_S_NATIONAL_ID = 1u << 4,/* US SSN, FR NIR, ... */
    RP_DISC_S_JWT = 1u << 5,
    RP_DISC_S_CLOUD_KEY = 1u << 6,  /* AWS access key ids, GCP/Azure/Stripe/GitHub tokens */
    RP_DISC_S_PASSWORD = 1u << 7,   /* by field name */
};
/* "email", "phone", ... for one bit. */
const char *rp_disc_sensitive_name(unsigned bit);

/* One endpoint, as the read side sees it (valid during the callback). */
typedef struct rp_disc_endpoint {
    const char *app;           /* application key: app id, else "domain/stage", else "default" */
    const char *method;
    const char *path;          /* the template: "/users/{id}/orders/{orderId}" */
    int from_source_template;  /* the template came from the source (API Gateway) */
    int candidate;             /* fewer than min_requests */
    uint64_t requests;
    int64_t first_ms, last_ms;
    uint64_t sources;          /* distinct client addresses (estimate) */
    double p50_ms, p95_ms, p99_ms;        /* latency, < 0 unknown */
    double ip50_ms, ip95_ms, ip99_ms;     /* integration latency, < 0 unknown */
    double resp_bytes_avg;                /* < 0 unknown */
    int64_t resp_bytes_max;
    size_t nstatus;
    const int *status;                    /* status codes seen ... */
    const uint64_t *status_count;         /* ... and how often */
    unsigned sensitive;                   /* RP_DISC_S_* bits */
    unsigned auth;                        /* RP_DISC_AUTH_* bits */
    size_t nparams;                       /* path + query parameters (see rp_disc_param_t) */
    /* Added (compatible): the parameters themselves, path ones first in
     * template order then query ones sorted by name; the content types
     * seen (request, then response; lower-case, without parameters). */
    const struct rp_disc_param *params;
    size_t nreq_ctypes, nresp_ctypes;
    const char *const *req_ctypes;
    const char *const *resp_ctypes;
    uint64_t attacks;                     /* WAF-flagged requests (not learned from) */
} rp_disc_endpoint_t;

/* One parameter of an endpoint (valid during the endpoint callback). */
typedef struct rp_disc_param {
    const char *name;
    int in_path;              /* 1: path parameter, 0: query parameter */
    int required;             /* path: always; query: present in every request */
    const char *type;         /* "integer", "number", "boolean", "string" */
    const char *format;       /* "uuid", "date", "date-time", "email" or NULL */
    size_t nenum;             /* > 0: a small value set seen over many requests */
    const char *const *enum_values;   /* sorted */
    uint64_t count;           /* requests in which it was present */
    unsigned sensitive;       /* RP_DISC_S_* bits */
} rp_disc_param_t;

enum {
    RP_DISC_AUTH_BEARER = 1u << 0,
    RP_DISC_AUTH_BASIC = 1u << 1,
    RP_DISC_AUTH_APIKEY = 1u << 2,   /* x-api-key or similar header */
    RP_DISC_AUTH_COOKIE = 1u << 3,   /* session cookie */
};

/* Calls cb for each endpoint of app (NULL: all applications), sorted by
 * application, path, method; candidates only when with_candidates. A
 * non-zero return from cb stops the walk and is returned. */
typedef int (*rp_disc_endpoint_cb)(void *ud, const rp_disc_endpoint_t *e);
int rp_disc_each_endpoint(const rp_disc_t *d, const char *app, int with_candidates,
                          rp_disc_endpoint_cb cb, void *ud);

/* Application keys (sorted), for the CLI and the admin API. */
typedef int (*rp_disc_app_cb)(void *ud, const char *app, uint64_t endpoints, uint64_t requests);
int rp_disc_each_app(const rp_disc_t *d, rp_disc_app_cb cb, void *ud);

/* ---------------------------------------------------------------------- */
/* Export.                                                                  */

enum { RP_DISC_JSON = 0, RP_DISC_YAML = 1 };

/* Writes app (NULL: the only one; several: an error unless one is named)
 * as an OpenAPI 3.1 document into out. Candidates are left out. Returns 0,
 * RP_ENOENT for an unknown application, RP_ENOMEM. */
int rp_disc_openapi(const rp_disc_t *d, const char *app, int format, rp_buf_t *out);

/* ---------------------------------------------------------------------- */
/* Store (src/store/disc_store.c): SQLite in WAL mode. Loading merges the
 * stored inventory into d (counts add up, first/last seen widen, schemas
 * and types merge); saving upserts d's state (the rows of d's applications
 * and endpoints replaced by d's, others kept). A node loads at start and
 * saves periodically; `rampart discover --store` loads, adds, saves. */

typedef struct rp_disc_store rp_disc_store_t;

rp_disc_store_t *rp_disc_store_open(const char *path, char *err, size_t errlen);
void rp_disc_store_close(rp_disc_store_t *s);
int rp_disc_store_save(rp_disc_store_t *s, const rp_disc_t *d);
int rp_disc_store_load(rp_disc_store_t *s, rp_disc_t *d);

/* ---------------------------------------------------------------------- */
/* Added (compatible): the serialised form the store keeps, one record per
 * application and per endpoint. state is an opaque, versioned, bounds-
 * checked binary blob (counters, histograms, sketches, parameters,
 * schemas); json is a readable summary (parameters, schemas) for people
 * and SQL queries, never read back. */
typedef struct rp_disc_record {
    const char *app;
    const char *domain, *stage;   /* the application's, may be "" */
    const char *method;           /* NULL for an application record */
    const char *path;             /* the template */
    uint64_t requests;
    int64_t first_ms, last_ms;
    unsigned sensitive;
    rp_str_t state;
    rp_str_t params_json;         /* JSON array of parameters */
    rp_str_t schemas_json;        /* JSON object of body schemas */
} rp_disc_record_t;

typedef int (*rp_disc_record_cb)(void *ud, const rp_disc_record_t *r);
/* Walks the applications (method NULL) and endpoints of d, candidates
 * included, sorted. */
int rp_disc_each_record(const rp_disc_t *d, rp_disc_record_cb cb, void *ud);
/* Merges one record (as walked above) into d. Returns RP_EINVAL for a blob
 * that does not decode (nothing is added then), RP_ENOMEM. */
int rp_disc_add_record(rp_disc_t *d, const rp_disc_record_t *r);

#endif /* RAMPART_DISCOVERY_H */
