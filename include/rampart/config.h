/*
 * rampart/config.h - the validated configuration.
 *
 * A config is loaded whole from YAML (libyaml), validated whole, and only
 * then handed to the running node; a config with any error is never used.
 * Every error carries file:line:col. A loaded rp_conf_t is immutable and
 * may be read from any thread; the proxy reference-counts it so requests
 * in flight finish on the config they started with.
 */
#ifndef RAMPART_CONFIG_H
#define RAMPART_CONFIG_H

#include "rampart/core.h"

#include <netinet/in.h>
#include <stdio.h>

struct ssl_ctx_st; /* OpenSSL's SSL_CTX */
#include <sys/socket.h>

/* ---------------------------------------------------------------------- */
/* Errors.                                                                  */

typedef struct rp_conf_error {
    char *file;     /* file name as given, or "<demo>", "<command line>" */
    unsigned line;  /* 1-based; 0 when not tied to a position */
    unsigned col;   /* 1-based */
    char *msg;
} rp_conf_error_t;

typedef struct rp_conf_errors {
    rp_conf_error_t *v;
    size_t n;
} rp_conf_errors_t;

void rp_conf_errors_init(rp_conf_errors_t *e);
void rp_conf_errors_dispose(rp_conf_errors_t *e);
/* Prints "file:line:col: msg\n" for each error ("file: msg\n" when
 * line is 0). Errors of one load come sorted by position. */
void rp_conf_errors_print(const rp_conf_errors_t *e, FILE *out);

/* ---------------------------------------------------------------------- */
/* Pieces.                                                                  */

typedef struct rp_cidr {
    int family;          /* AF_INET or AF_INET6 */
    uint8_t addr[16];    /* network byte order; IPv4 uses the first 4 */
    unsigned prefix;     /* 0..32 or 0..128 */
} rp_cidr_t;

/* Parses "10.0.0.0/8", "192.168.1.7" (/32), "::1", "fd00::/8". Host bits
 * beyond the prefix must be zero. Returns 0 or -1. */
int rp_cidr_parse(rp_str_t s, rp_cidr_t *out);
/* 1 if addr (AF_INET/AF_INET6 sockaddr) is inside c. IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d) match IPv4 CIDRs. */
int rp_cidr_match(const rp_cidr_t *c, const struct sockaddr *addr);
int rp_cidr_list_match(const rp_cidr_t *v, size_t n, const struct sockaddr *addr);

typedef struct rp_conf_header {
    char *name;
    char *value;
} rp_conf_header_t;

/* A certificate chain and its key (PEM files). */
typedef struct rp_conf_cert {
    char *cert;                  /* leaf first, then intermediates */
    char *key;
} rp_conf_cert_t;

/* TLS on a listener. The SSL_CTXs are built at load time (a bad or
 * mismatched file is a config error naming it) and live as long as the
 * config: one per certificate, the first being the default; a client's
 * SNI selects the certificate whose names match it. */
typedef struct rp_conf_listener_tls {
    rp_conf_cert_t *certs;
    size_t ncerts;
    char *min_version;           /* "1.2" (default) or "1.3" */
    char *ciphers;               /* TLS 1.2 cipher list; NULL: OpenSSL's defaults minus weak ones */
    int session_tickets;         /* default on */
    uint64_t session_timeout_ms;
    struct ssl_ctx_st **ctx;     /* [ncerts]; NULL when TLS is off */
    int form;                    /* loader: 1 `certificates` list, 2 cert/key shorthand */
} rp_conf_listener_tls_t;

typedef struct rp_conf_listener {
    char *name;                  /* defaults to the address text */
    char *listen;                /* "0.0.0.0:8080", "[::1]:8080", ":8080" */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char *health_path;           /* non-NULL: a health-check-only listener
                                  * answering GET/HEAD on this path */
    char *metrics_path;          /* non-NULL: GET on this path answers Prometheus
                                  * metrics (on any listener; put it on an
                                  * internal one) */
    rp_conf_listener_tls_t tls;  /* tls.ctx != NULL: the listener speaks TLS */
    char *ingest_path;           /* non-NULL: POST {ingest_path}/apigw|cloudwatch|firehose
                                  * feeds API discovery (needs discovery.ingest) */
    unsigned line, col;
} rp_conf_listener_t;

typedef struct rp_conf_server {
    char *text;                  /* as written */
    char *host;                  /* name or literal address */
    uint16_t port;
    int tls;                     /* https:// */
    struct sockaddr_storage addr;/* literal addresses only, port set */
    socklen_t addrlen;           /* 0: host is a DNS name, resolved (and
                                  * re-resolved by TTL) while running */
} rp_conf_server_t;

/* TLS to an upstream (any https:// server). */
typedef struct rp_conf_upstream_tls {
    int verify;                  /* default on */
    char *ca_file;               /* NULL: OpenSSL's default trust store
                                  * (SSL_CERT_FILE / SSL_CERT_DIR honoured) */
    char *sni;                   /* NULL: the route's rewrite_host, else the
                                  * upstream's host, else the server name */
    char *min_version;           /* "1.2" (default) or "1.3" */
    struct ssl_ctx_st *ctx;      /* built at load when any server is https */
} rp_conf_upstream_tls_t;

typedef enum rp_apigw_endpoint {
    RP_APIGW_REGIONAL = 0,
    RP_APIGW_PRIVATE = 1,
} rp_apigw_endpoint_t;

/* Amazon API Gateway shorthand: servers, TLS name, Host and path prefix
 * are derived from these (see rp_conf_upstream_t.host / path_prefix). */
typedef struct rp_conf_apigw {
    char *api_id;                /* NULL: not an API Gateway upstream */
    char *region;
    char *stage;                 /* optional: forwarded paths get "/stage" in front */
    rp_apigw_endpoint_t endpoint;
    char *vpc_endpoint;          /* private: the interface endpoint's DNS name;
                                  * NULL: the execute-api name (private DNS) */
    unsigned port;               /* 443 */
    char *hostname;              /* derived: {api_id}.execute-api.{region}.amazonaws.com */
} rp_conf_apigw_t;

/* Origin protection (rampart/sign.h): a signed header on each request. */
typedef struct rp_conf_sign {
    char *secret_file;           /* NULL: signing off */
    char *header;                /* header name, default X-Rampart-Signature */
    unsigned char *secret;       /* the file's bytes, trailing newline cut */
    size_t secret_len;           /* at least 16 */
} rp_conf_sign_t;

typedef struct rp_conf_upstream {
    char *name;
    rp_conf_server_t *servers;
    size_t nservers;
    unsigned keepalive;          /* max idle pooled connections per worker, per server */
    uint64_t idle_timeout_ms;    /* idle pooled connection lifetime */
    unsigned max_fails;          /* consecutive failures before a server is taken out */
    uint64_t fail_timeout_ms;    /* how long it stays out */
    uint64_t connect_timeout_ms;
    uint64_t response_timeout_ms;/* from request sent to response head, and between reads */
    unsigned retries;            /* extra attempts for idempotent requests on connect failure */
    char *host;                  /* Host sent when the route does not rewrite it
                                  * (NULL: the client's); API Gateway: derived */
    char *path_prefix;           /* put in front of every forwarded path (after the
                                  * route's strip/add); API Gateway: "/stage" */
    rp_conf_header_t *set_headers; /* added to every request (route headers win) */
    size_t nset_headers;
    rp_conf_upstream_tls_t tls;
    rp_conf_apigw_t api_gateway;
    rp_conf_sign_t sign;
    unsigned line, col;
} rp_conf_upstream_t;

/* ---------------------------------------------------------------------- */
/* WAF (see examples/rampart.yaml, section waf).                             */

typedef enum rp_waf_mode {
    RP_MODE_INHERIT = 0,         /* routes and paths: take the enclosing mode */
    RP_MODE_OFF,
    RP_MODE_MONITORING,          /* inspect and record, forward everything */
    RP_MODE_SAFE_BLOCKING,       /* block attacks only from grey-listed addresses */
    RP_MODE_BLOCK,
} rp_waf_mode_t;

/* What to do with a request body longer than the inspection limit. */
typedef enum rp_body_overflow {
    RP_OVERFLOW_INSPECT_PREFIX = 0, /* inspect the first body_limit bytes, forward all */
    RP_OVERFLOW_REJECT,             /* 413 */
    RP_OVERFLOW_PASS,               /* do not inspect the body at all */
} rp_body_overflow_t;

/* Ignore findings: of one class (or all) on points matching a pattern
 * ("body.json.query", "header.x-*": a trailing '*' is a prefix match). */
typedef struct rp_conf_waf_ignore {
    char *attack;                /* class name ("sqli"), NULL: every class */
    char *point;                 /* pattern, NULL: every point */
} rp_conf_waf_ignore_t;

typedef struct rp_conf_waf_path {
    char *prefix;
    rp_waf_mode_t mode;
} rp_conf_waf_path_t;

typedef enum rp_rl_key {
    RP_RL_IP = 0,                /* the real client IP */
    RP_RL_HEADER,                /* a header's value (an API key); absent header: the IP */
    RP_RL_ROUTE,                 /* one bucket per route */
} rp_rl_key_t;

typedef struct rp_conf_rate_limit {
    char *name;
    rp_rl_key_t key;
    char *header;                /* RP_RL_HEADER */
    double rate;                 /* tokens per second */
    double burst;                /* bucket size (default: rate, at least 1) */
    unsigned line, col;
} rp_conf_rate_limit_t;

typedef enum rp_rule_op {
    RP_OP_EQUALS = 0, RP_OP_PREFIX, RP_OP_CONTAINS, RP_OP_REGEX, RP_OP_CIDR,
    RP_OP_EXISTS, RP_OP_GT, RP_OP_GE, RP_OP_LT, RP_OP_LE, RP_OP_NUM_EQ,
} rp_rule_op_t;

typedef struct rp_conf_rule_cond {
    char *field;                 /* method, host, path, ip, header.<n>, query.<n>,
                                  * cookie.<n>, or any point path (body.json.a.b) */
    rp_rule_op_t op;
    char *value;                 /* text operand */
    double num;                  /* numeric operand */
    rp_cidr_t cidr;              /* RP_OP_CIDR */
    void *re;                    /* RP_OP_REGEX: pcre2_code (compiled at load) */
    int negate;                  /* `not: true` */
    int nocase;                  /* equals/prefix/contains ignoring case */
} rp_conf_rule_cond_t;

typedef enum rp_rule_action {
    RP_RULE_BLOCK = 0, RP_RULE_ALLOW, RP_RULE_MONITOR, RP_RULE_TAG,
} rp_rule_action_t;

typedef struct rp_conf_rule {
    char *name;
    rp_conf_rule_cond_t *when;   /* all must hold */
    size_t nwhen;
    rp_rule_action_t action;
    char *tag;
    char **routes;               /* route names it applies to; none: every route */
    size_t nroutes;
    unsigned line, col;
} rp_conf_rule_t;

/* The WAF of one route (everything optional: inherits the global one). */
typedef struct rp_conf_route_waf {
    rp_waf_mode_t mode;
    rp_conf_waf_path_t *paths;   /* longest matching prefix wins */
    size_t npaths;
    rp_conf_waf_ignore_t *ignore;
    size_t nignore;
    int block_status;            /* 0: the global one */
    char *block_body;            /* NULL: the global one */
    uint64_t body_limit;         /* 0: the global one */
    int body_overflow;           /* -1: the global one, else rp_body_overflow_t */
    char **rate_limits;          /* names of waf.rate_limits applied on this route */
    size_t nrate_limits;
} rp_conf_route_waf_t;

typedef struct rp_conf_waf {
    rp_waf_mode_t mode;          /* default monitoring */
    int block_score;             /* 1..100, default 50 */
    uint64_t body_limit;         /* inspection limit, default 1 MiB */
    rp_body_overflow_t body_overflow;
    int block_status;            /* 403 */
    char *block_body;            /* NULL: {"error":"blocked","request_id":...} */
    /* events */
    char *events_log;            /* path, "stdout" or "off" (default off) */
    char *events_store;          /* SQLite path or "off" (default off) */
    unsigned events_queue;       /* default 10000 */
    /* IP lists: inline entries, and files (one entry per line, '#'
     * comments) read at load and on every reload */
    rp_cidr_t *allow, *deny, *grey;
    size_t nallow, ndeny, ngrey;
    char **allow_files, **deny_files, **grey_files;
    size_t nallow_files, ndeny_files, ngrey_files;
    rp_conf_rate_limit_t *rate_limits;
    size_t nrate_limits;
    rp_conf_rule_t *rules;
    size_t nrules;
} rp_conf_waf_t;

typedef enum rp_route_action {
    RP_ROUTE_PROXY = 0,
    RP_ROUTE_RESPOND = 1,
} rp_route_action_t;

typedef struct rp_conf_route {
    char *name;                  /* defaults to "route<N>" (1-based), unique */
    char **hosts;                /* lower-cased exact names (may carry ":port")
                                  * or "*.suffix"; none = any host */
    size_t nhosts;
    char *path;                  /* path prefix, default "/" */
    char **listeners;            /* listener names, each an existing non-health
                                  * listener; none = every non-health listener */
    size_t nlisteners;
    rp_route_action_t action;
    /* proxy */
    char *upstream;              /* name */
    size_t upstream_index;       /* index into rp_conf_t.upstreams */
    char *rewrite_host;          /* Host sent upstream; NULL keeps client's */
    char *strip_prefix;
    char *add_prefix;
    rp_conf_header_t *set_headers;  /* added (replacing same-named) upstream */
    size_t nset_headers;
    /* respond (static/mock) */
    int status;
    rp_conf_header_t *headers;   /* never Content-Length/Transfer-Encoding/Connection */
    size_t nheaders;
    char *body;                  /* respond routes: never NULL ("" by default),
                                  * NUL-terminated, may contain NULs: use body_len */
    size_t body_len;
    /* limits */
    uint64_t max_body;           /* bytes; over it: 413; 0 = unlimited */
    rp_conf_route_waf_t waf;
    unsigned line, col;
} rp_conf_route_t;

typedef struct rp_conf_limits {
    unsigned max_connections;    /* per worker */
    size_t max_request_line;     /* 414 */
    size_t max_header_bytes;     /* 431 */
    unsigned max_headers;        /* 431 */
    uint64_t max_body;           /* default for routes; 0 = unlimited */
} rp_conf_limits_t;

typedef struct rp_conf_timeouts {
    uint64_t client_header_ms;   /* 408 */
    uint64_t client_body_ms;     /* between body reads: 408 */
    uint64_t keepalive_ms;       /* idle client connection */
    uint64_t send_ms;            /* writing to a stalled client */
    uint64_t upstream_connect_ms;
    uint64_t upstream_response_ms;
    uint64_t graceful_stop_ms;   /* drain deadline on SIGTERM */
} rp_conf_timeouts_t;

/* The resolver that keeps upstream names resolved (c-ares). */
typedef struct rp_conf_dns {
    struct sockaddr_storage *servers; /* none: /etc/resolv.conf */
    size_t nservers;
    uint64_t min_ttl_ms;         /* answers are re-resolved after their TTL clamped */
    uint64_t max_ttl_ms;         /* to [min_ttl, max_ttl] */
    uint64_t timeout_ms;         /* per query attempt */
    uint64_t retry_ms;           /* after a failed lookup (last good addresses kept) */
    char *family;                /* "any" (A and AAAA), "ipv4", "ipv6" */
} rp_conf_dns_t;

/* API discovery (docs/discovery.md): the live-traffic feed, the store and
 * the /ingest endpoints. */
typedef struct rp_conf_discovery {
    int enabled;
    char *store;                 /* SQLite file; NULL: in memory only */
    unsigned min_requests;       /* requests before an endpoint is reported */
    uint64_t save_interval_ms;   /* the store is written this often (and at stop) */
    unsigned body_sample_percent;/* requests whose bodies are sampled, 0..100 */
    size_t max_body;             /* bytes of a sampled body */
    unsigned queue;              /* observation slots per worker; full: dropped, counted */
    unsigned max_apps;
    unsigned max_endpoints;      /* per application */
    /* /ingest endpoints */
    char *ingest_token_file;     /* Authorization: Bearer <token> */
    char *firehose_key_file;     /* X-Amz-Firehose-Access-Key (default: the token) */
    uint64_t ingest_max_body;    /* bytes (413 beyond) */
    unsigned char *ingest_token; /* loaded secrets */
    size_t ingest_token_len;
    unsigned char *firehose_key;
    size_t firehose_key_len;
} rp_conf_discovery_t;

typedef struct rp_conf {
    char *file;                  /* source name */
    unsigned workers;            /* 1..256; "auto" in YAML loads as 0, which the
                                  * caller resolves to nproc. A reload cannot
                                  * change it (rp_conf_reload_blocker). */
    /* logging */
    int log_level;               /* rp_log_level_t */
    char *error_log;             /* "stderr" or a path */
    char *access_log;            /* "stdout", "off" or a path */
    rp_conf_limits_t limits;
    rp_conf_timeouts_t timeouts;
    rp_cidr_t *trusted_proxies;
    size_t ntrusted_proxies;
    rp_conf_dns_t dns;
    rp_conf_waf_t waf;
    rp_conf_discovery_t discovery;
    rp_conf_listener_t *listeners;
    size_t nlisteners;
    rp_conf_upstream_t *upstreams;
    size_t nupstreams;
    rp_conf_route_t *routes;
    size_t nroutes;
} rp_conf_t;

/* ---------------------------------------------------------------------- */
/* Loading.                                                                 */

/* Loads and validates a YAML file. Returns NULL and appends to errs
 * (every error found, not only the first) when anything is wrong; errs
 * may be NULL. Host names of upstream servers are not resolved here (the
 * proxy's resolver does that while running); certificate and key files
 * are read and checked here. */
rp_conf_t *rp_conf_load_file(const char *path, rp_conf_errors_t *errs);
/* Same from a buffer; `name` is used in error positions. */
rp_conf_t *rp_conf_load_string(const char *name, const char *text, size_t len,
                               rp_conf_errors_t *errs);
/* The embedded demo: 127.0.0.1:8080, a mock route answering GET /demo/demo
 * with a small JSON document, /healthz. */
rp_conf_t *rp_conf_demo(rp_conf_errors_t *errs);
/* Quick start: every request on `listen` proxied to `upstream_url`
 * ("http[s]://host[:port][/prefix]" or "host:port"; https verifies the
 * origin against the default trust store and sends the origin's name as
 * Host and SNI; the prefix becomes the
 * route's add_prefix). `listen` is a listen address, or a bare port
 * meaning ":port". Names: listener "main", upstream and route "origin".
 * Errors carry file "<command line>" and line 0. */
rp_conf_t *rp_conf_quickstart(const char *listen, const char *upstream_url,
                              rp_conf_errors_t *errs);
/* The same with the WAF in `mode` ("off", "monitoring", "safe_blocking",
 * "block"; NULL: the default) and attack events on stderr. */
rp_conf_t *rp_conf_quickstart_mode(const char *listen, const char *upstream_url, const char *mode,
                                   rp_conf_errors_t *errs);
void rp_conf_destroy(rp_conf_t *c);
/* Reload: the name of the first key that differs between old and next but
 * cannot change without a restart ("workers"), or NULL when next may be
 * swapped in. Listener changes are the proxy's business, not checked here. */
const char *rp_conf_reload_blocker(const rp_conf_t *old, const rp_conf_t *next);

/* Reads a secret file (signing keys, tokens) into buf: at most cap bytes,
 * a trailing CR/LF cut. Returns 0, or -errno when it cannot be read. */
int rp_conf_read_secret(const char *path, unsigned char *buf, size_t cap, size_t *n);
/* Parses "10s", "250ms", "2m", "1h", "1d", compounds like "1m30s", or a
 * bare number of seconds. Returns 0 or -1 (also on overflow). */
int rp_conf_parse_duration_ms(rp_str_t s, uint64_t *out);
/* Parses "1024", "64k", "10m", "1g", "8KiB", "10MB" (powers of 1024,
 * suffix case-insensitive). Returns 0 or -1. */
int rp_conf_parse_size(rp_str_t s, uint64_t *out);
/* Parses "host:port", "[v6]:port", ":port" into a sockaddr (numeric hosts
 * only; "localhost" and "*" are accepted as 127.0.0.1 / 0.0.0.0; an empty
 * host is 0.0.0.0). Port 1..65535. Returns 0 or -1. */
int rp_conf_parse_listen_addr(rp_str_t s, struct sockaddr_storage *ss, socklen_t *len);

#endif /* RAMPART_CONFIG_H */
