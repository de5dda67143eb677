/*
 * proxy_int.h - internals of the data plane, shared by the files of src/proxy only.
 *
 * Ownership and threads:
 *   rp_runtime_t  one per loaded config; immutable but for atomic server
 *                 health counters; reference-counted across threads.
 *   rp_worker_t   one per worker thread; owns its loop, its listening
 *                 sockets (SO_REUSEPORT, one per listener), its client
 *                 connections, and one rp_wrt_t per runtime still in use.
 *   rp_wrt_t      a worker's view of a runtime: upstream pools and round
 *                 robin cursors; worker-local refcount (no atomics) held
 *                 by each exchange, so requests finish on the config they
 *                 started with while new ones take the newest.
 *   rp_conn_t     a client connection; at most one rp_exchange_t at a time
 *                 (pipelined requests wait in the input buffer, which makes
 *                 responses come back in order).
 *   rp_upconn_t   an upstream connection, owned by an exchange or idle in
 *                 its server's pool.
 */
#ifndef RAMPART_PROXY_INT_H
#define RAMPART_PROXY_INT_H

#include "rampart/config.h"
#include "rampart/dns.h"
#include "rampart/events.h"
#include "rampart/http.h"
#include "rampart/iptree.h"
#include "rampart/ratelimit.h"
#include "rampart/waf.h"
#include "rampart/net.h"
#include "rampart/proxy.h"

#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>

#define RP_IOBUF_SIZE 16384
#define RP_IOBUF_BODY_SIZE 65536 /* read buffer while a large body streams */
#define RP_OUT_HIGH_WATER 65536   /* stop producing into an out buffer above this */
#define RP_MAX_REQ_HEADERS 1000
#define RP_MAX_RESP_HEAD 65536
#define RP_MAX_RESP_HEADERS 200

/* ---------------------------------------------------------------------- */
/* Intrusive doubly-linked list.                                            */

typedef struct rp_dlist {
    struct rp_dlist *prev, *next;
} rp_dlist_t;

static inline void rp_dlist_init(rp_dlist_t *h) { h->prev = h->next = h; }
static inline int rp_dlist_empty(const rp_dlist_t *h) { return h->next == h; }
static inline void rp_dlist_insert_tail(rp_dlist_t *h, rp_dlist_t *e)
{
    e->prev = h->prev;
    e->next = h;
    h->prev->next = e;
    h->prev = e;
}
static inline void rp_dlist_remove(rp_dlist_t *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->prev = e->next = e;
}
#define rp_container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* ---------------------------------------------------------------------- */
/* I/O buffer: a window [start, end) in a malloc'd block.                    */

typedef struct rp_iobuf {
    char *p;
    size_t start, end, cap;
} rp_iobuf_t;

static inline size_t rp_iobuf_len(const rp_iobuf_t *b) { return b->end - b->start; }

/* ---------------------------------------------------------------------- */
/* Runtime: a loaded config plus shared, atomic per-server health.          */

typedef struct rp_server_state {
    _Atomic unsigned fails;          /* consecutive failures */
    _Atomic uint64_t down_until_ms;  /* monotonic ms; 0 = up */
    char addr[64];                   /* "host:port" for logs, made once */
    rp_dns_name_t *dns;              /* a DNS name kept resolved by the node's resolver */
    rp_addrset_t *fixed;             /* else its one literal address */
} rp_server_state_t;

typedef struct rp_runtime {
    _Atomic long refs;
    uint64_t generation;
    rp_conf_t *conf;
    rp_http_limits_t limits;         /* client request heads */
    rp_http_limits_t resp_limits;    /* upstream response heads */
    rp_server_state_t **servers;     /* [upstream][server] */
    unsigned char *route_listener;   /* [route * nlisteners + listener] */
    char **route_sni;                /* [route]: TLS name for its upstream, or NULL */
    rp_resolver_t *resolver;         /* the node's; outlives every runtime */
    /* WAF (waf_glue.c) */
    rp_waf_t *waf;
    rp_iptree_t *ips;                /* allow/deny/grey bits; NULL without lists */
    rp_waf_exclusion_t **route_excl; /* [route] */
    size_t *route_nexcl;
    size_t **route_rl;               /* [route]: indexes into conf->waf.rate_limits */
    size_t *route_nrl;
} rp_runtime_t;

rp_runtime_t *rp__runtime_create(rp_conf_t *conf, uint64_t generation, rp_resolver_t *resolver);
void rp__runtime_ref(rp_runtime_t *rt);
void rp__runtime_unref(rp_runtime_t *rt);
/* Longest-prefix route for (listener index, host without port, path). */
const rp_conf_route_t *rp__runtime_route(const rp_runtime_t *rt, size_t listener,
                                          rp_str_t host, rp_str_t path);

/* ---------------------------------------------------------------------- */
/* Worker structures.                                                       */

typedef struct rp_worker rp_worker_t;
typedef struct rp_exchange rp_exchange_t;
typedef struct rp_node rp_node_t;

typedef struct rp_pool {
    rp_dlist_t idle;                 /* rp_upconn_t.pool_link, LIFO at tail */
    unsigned nidle;
    SSL_SESSION *sess;               /* last resumable TLS session ... */
    const char *sess_sni;            /* ... and the name it was made for */
    rp_addrset_t *addrs;             /* the server's addresses as this worker last saw them */
    size_t rr;                       /* round robin over addrs */
} rp_pool_t;

typedef struct rp_wrt {
    rp_runtime_t *rt;
    long refs;                       /* worker-local */
    rp_pool_t **pools;               /* [upstream][server] */
    size_t *rr;                      /* [upstream] round-robin cursor */
    struct rp_wrt *next;             /* retired list */
} rp_wrt_t;

typedef struct rp_wlistener {
    rp_worker_t *w;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int fd;                          /* -1 once closed */
    rp_io_t io;
    size_t conf_index;               /* index in w->cur->rt->conf->listeners */
    int keep;                        /* mark during config switch */
    struct rp_wlistener *next;
} rp_wlistener_t;

/* Counters of one worker. Only its thread writes them; the metrics
 * endpoint reads every worker's, hence atomics (an uncontended locked add
 * on the writer's side, a plain load on the reader's). */
typedef struct rp_stats {
    _Atomic uint64_t accepted, requests, responses_5xx, bad_requests, conn_limit_hits;
    _Atomic uint64_t upstream_connect_fail, upstream_timeouts, retries, log_dropped;
    _Atomic uint64_t tls_handshakes, tls_resumed, tls_handshake_failures, tls_plain_http;
    _Atomic uint64_t upstream_tls_handshakes, upstream_tls_resumed, upstream_tls_failures;
    _Atomic uint64_t waf_inspected, waf_attacks, waf_blocked, waf_denied, waf_ratelimited;
    _Atomic uint64_t waf_body_overflow;
    _Atomic uint64_t disc_queued, disc_dropped, disc_duplicates;
} rp_stats_t;

/* API discovery (disc_feed.c). */
typedef struct rp_dring rp_dring_t;
typedef struct rp_disc_feed rp_disc_feed_t;

struct rp_worker {
    int id;
    rp_node_t *node;
    pthread_t thread;
    rp_loop_t loop;
    int wake_fd;
    rp_io_t wake_io;
    rp_wrt_t *cur;
    rp_wrt_t *retired;
    rp_wlistener_t *listeners;
    rp_dlist_t conns;
    _Atomic unsigned nconns;         /* read by the metrics endpoint */
    int draining;
    rp_timer_t drain_timer;
    /* access log buffer, flushed by a timer or when full */
    rp_buf_t alog;
    rp_timer_t alog_timer;
    /* free 16 KiB buffers */
    void *free_bufs[2];              /* [0]: RP_IOBUF_SIZE, [1]: RP_IOBUF_BODY_SIZE */
    unsigned nfree_bufs[2];
    uint64_t rng[2];
    rp_waf_scratch_t *waf_scratch;
    rp_stats_t stats;
    unsigned d_counter;              /* body sampling */
    int started_ok;
};

struct rp_node {
    _Atomic(rp_runtime_t *) current;
    _Atomic uint64_t generation;     /* current->generation, readable without a reference */
    rp_resolver_t *resolver;
    rp_ratelimit_t *ratelimit;       /* token buckets, kept across reloads */
    rp_event_sink_t *events;         /* attack events; NULL when off */
    rp_disc_feed_t *disc;            /* API discovery; NULL when off */
    char name[64];                   /* host name, in events */
    _Atomic int stopping;
    rp_worker_t *workers;
    unsigned nworkers;
    int access_fd;                   /* -1: off */
    int error_fd;                    /* 2 unless error_log names a file */
    pthread_mutex_t start_mu;
    pthread_cond_t start_cv;
    unsigned started, exited;
};

typedef enum rp_conn_state {
    RP_CONN_HEAD = 0,    /* waiting for / reading a request head */
    RP_CONN_EXCHANGE,    /* an exchange is running */
    RP_CONN_CLOSING,     /* flushing output, then close */
    RP_CONN_LINGER,      /* write side shut, discarding input until EOF/timer */
} rp_conn_state_t;

typedef struct rp_conn {
    rp_worker_t *w;
    rp_wlistener_t *l;
    int fd;
    rp_io_t io;
    rp_timer_t timer;
    rp_dlist_t link;
    struct sockaddr_storage peer;
    char peer_ip[48];                /* peer address as text, made once */
    SSL *ssl;                        /* TLS listener: set from accept on */
    rp_iobuf_t in;
    rp_buf_t out;
    size_t out_off;                  /* bytes of out already written */
    size_t scan;                     /* parser resume state */
    rp_conn_state_t state;
    unsigned readable : 1, writable : 1, eof : 1, head_timer : 1, dead : 1, hup : 1,
        tls_sniffed : 1, tls_done : 1;
    unsigned depth;                  /* callbacks on the stack using c; freed at 0 */
    uint32_t nrequests;
    rp_exchange_t *ex;
} rp_conn_t;

typedef struct rp_upconn {
    rp_worker_t *w;
    rp_wrt_t *wrt;
    size_t up, srv;
    int fd;
    SSL *ssl;                        /* https upstream */
    const char *sni;                 /* the name sent and verified (conf memory); NULL: none */
    struct sockaddr_storage addr;    /* where it connects to (DNS may move servers) */
    rp_io_t io;
    rp_timer_t timer;
    rp_dlist_t pool_link;
    rp_iobuf_t in;
    unsigned connected : 1, readable : 1, writable : 1, eof : 1, reused : 1, hup : 1,
        tcp_up : 1, sess_saved : 1;
    rp_exchange_t *ex;               /* NULL when idle in the pool */
    uint32_t nrequests;
} rp_upconn_t;

enum { RP_BODY_NONE = 0, RP_BODY_CL, RP_BODY_CHUNKED, RP_BODY_CLOSE };

struct rp_exchange {
    rp_conn_t *c;
    rp_wrt_t *wrt;
    const rp_conf_route_t *route;
    rp_arena_t arena;
    /* request, copied for logging and routing */
    rp_str_t method, host, path, query;
    char reqid[65];                  /* ours: 32 hex; a trusted proxy's: up to 64 */
    char client_ip[48];
    char peer_ip[48];
    int minor;
    unsigned keepalive : 1, is_head : 1, idempotent : 1, sent_continue : 1,
        discard_body : 1, req_done : 1, resp_head_done : 1, resp_done : 1,
        resp_started : 1, resp_chunked_out : 1, req_trailer : 1, resp_trailer : 1,
        up_written : 1, close_after : 1, up_keepalive : 1, local : 1;
    /* request body, client -> upstream */
    int req_mode;
    uint64_t req_remaining;
    uint64_t req_body_bytes;
    uint64_t max_body;
    rp_http_chunked_t req_chunk;
    /* upstream */
    rp_upconn_t *up;
    unsigned attempts;
    size_t failed_srv;               /* last failed server, to avoid on retry */
    rp_buf_t head;                   /* serialised upstream request head */
    rp_buf_t up_out;
    size_t up_out_off;
    /* response, upstream -> client */
    int resp_mode;
    uint64_t resp_remaining;
    rp_http_chunked_t resp_chunk;
    size_t resp_scan;
    int status;
    /* WAF (waf_glue.c) */
    rp_waf_mode_t mode;
    unsigned inspect : 1, hold : 1, verdict_done : 1, grey : 1, insp_truncated : 1;
    int overflow;
    uint64_t insp_limit;
    rp_buf_t insp;                   /* the decoded request body, up to insp_limit */
    rp_waf_header_t *whdrs;          /* the head, copied, for the inspection at body end */
    size_t nwhdrs;
    rp_str_t wpath, wquery;
    const char *waf_action;          /* "blocked", "denied"... for the access log */
    unsigned retry_after_s;          /* 429 */
    /* accounting */
    uint64_t bytes_in, bytes_out;
    uint64_t t_start_us, t_up_start_us, t_up_end_us;
    char upstream_addr[64];
    /* API discovery (disc_feed.c): what the feed needs, noted on the way */
    unsigned d_on : 1, d_sample : 1, d_apikey : 1, d_attack : 1, d_resp_trunc : 1, d_req_trunc : 1;
    int ingest;                      /* an /ingest exchange: its kind */
    rp_str_t d_ctype, d_authz, d_app, d_cookies, d_resp_ctype, d_fh_id, d_enc;
    rp_buf_t d_req_body;             /* sampled request body (the WAF's, or collected) */
    rp_buf_t d_resp_body;            /* sampled response body */
    rp_buf_t d_ibody;                /* an /ingest request's body */
};

/* disc_feed.c */
rp_disc_feed_t *rp__disc_feed_start(const rp_conf_t *conf, unsigned nworkers);
void rp__disc_feed_stop(rp_disc_feed_t *f);
void rp__disc_feed_metrics(const rp_disc_feed_t *f, rp_buf_t *out);
/* Live traffic: notes the request's headers at its start, the response
 * head and (sampled) body bytes, and hands the whole to the feed at the
 * end (a copy into the worker's ring). */
void rp__disc_note_request(rp_exchange_t *ex, const rp_http_request_t *req);
void rp__disc_resp_head(rp_exchange_t *ex, const rp_http_response_t *res);
void rp__disc_resp_body(rp_exchange_t *ex, const char *p, size_t n);
void rp__disc_req_body(rp_exchange_t *ex, const char *p, size_t n);
void rp__disc_exchange_done(rp_exchange_t *ex);
/* /ingest: 0 not an ingest path; 1 answered at once (*status, body);
 * 2 an accepted ingest exchange whose body is to be read. */
int rp__disc_ingest_match(rp_exchange_t *ex, const rp_conf_listener_t *lis,
                          const rp_http_request_t *req, int *status, rp_buf_t *body);
void rp__disc_ingest_body(rp_exchange_t *ex, const char *p, size_t n);
void rp__disc_ingest_run(rp_exchange_t *ex, int *status, rp_buf_t *out);

/* worker.c */
void *rp__worker_main(void *arg);
void rp__worker_wake(rp_worker_t *w);
/* Buffers of RP_IOBUF_SIZE or RP_IOBUF_BODY_SIZE bytes from per-worker
 * free lists (glibc would otherwise trim and re-fault big ones on every
 * large body). Other sizes go to malloc/free. */
char *rp__worker_buf_get(rp_worker_t *w, size_t size);
void rp__worker_buf_put(rp_worker_t *w, char *p, size_t size);
void rp__wrt_unref(rp_worker_t *w, rp_wrt_t *wrt);
void rp__request_id(rp_worker_t *w, char out[33]);
/* A connection went away: a draining worker stops once it has none. */
void rp__worker_conn_gone(rp_worker_t *w);

/* conn.c */
void rp__conn_accept(rp_worker_t *w, rp_wlistener_t *l, int fd, const struct sockaddr_storage *peer);
void rp__conn_drive(rp_conn_t *c);
/* Bracket any callback that may close c and then touch it again: a closed
 * connection is only freed when the outermost bracket leaves. */
static inline void rp__conn_enter(rp_conn_t *c) { c->depth++; }
void rp__conn_leave(rp_conn_t *c);
void rp__conn_close(rp_conn_t *c);
int rp__conn_flush(rp_conn_t *c);
void rp__conn_exchange_done(rp_conn_t *c, int keepalive);
int rp__iobuf_read(rp_worker_t *w, rp_iobuf_t *b, int fd, SSL *ssl, size_t max_cap, int *eof,
                   int *drained);
void rp__iobuf_release(rp_worker_t *w, rp_iobuf_t *b);
/* Swaps an empty buffer for a RP_IOBUF_BODY_SIZE one: a large body then
 * moves in a quarter of the reads. Released (freed) when idle again. */
void rp__iobuf_reserve_body(rp_worker_t *w, rp_iobuf_t *b);

/* exchange.c */
void rp__exchange_start(rp_conn_t *c, rp_http_request_t *req, size_t head_len);
void rp__exchange_run(rp_exchange_t *ex);
void rp__exchange_abort(rp_exchange_t *ex);
void rp__exchange_client_timeout(rp_exchange_t *ex);
/* Sends an error response (JSON) if nothing was sent yet, then ends the
 * exchange and closes the client connection. */
void rp__exchange_fail(rp_exchange_t *ex, int status, const char *why);

/* upstream.c */
int rp__upstream_acquire(rp_exchange_t *ex);
void rp__upstream_release(rp_upconn_t *u, int reusable);
void rp__upstream_failed(rp_wrt_t *wrt, size_t up, size_t srv, uint64_t now_ms);
void rp__upstream_succeeded(rp_wrt_t *wrt, size_t up, size_t srv);
void rp__pools_dispose(rp_worker_t *w, rp_wrt_t *wrt);
/* Kinds of upstream trouble, for retry and status decisions. */
enum { RP_UPERR_BROKEN = 0, RP_UPERR_CONNECT, RP_UPERR_CONNECT_TIMEOUT, RP_UPERR_TIMEOUT };
/* Retries on another server when that is safe, else answers 502/504. */
void rp__upstream_error(rp_exchange_t *ex, int kind, const char *why);
uint64_t rp__upstream_connect_timeout(const rp_exchange_t *ex);
uint64_t rp__upstream_response_timeout(const rp_exchange_t *ex);

/* tls_io.c: the transport, a socket with TLS when ssl is set. Like
 * read(2)/send(2): bytes (>0), 0 at EOF (TLS close_notify or TCP EOF),
 * or -1 with errno (EAGAIN when TLS waits for the socket either way:
 * callers then wait for any readiness; EPROTO for a TLS error, whose
 * reason rp__tls_error() then gives). */
ssize_t rp__io_read(int fd, SSL *ssl, void *p, size_t n);
ssize_t rp__io_write(int fd, SSL *ssl, const void *p, size_t n);
/* The reason of the last TLS error on this thread ("wrong version
 * number", "certificate verify failed: certificate has expired"). */
const char *rp__tls_error(void);
/* Records the reason of a failed TLS call on ssl and clears the queue. */
void rp__tls_note_error(SSL *ssl);
/* Sends close_notify if the handshake finished (best effort, never waits). */
void rp__tls_shutdown(SSL *ssl);

/* access_log.c */
void rp__access_log(rp_exchange_t *ex);
void rp__access_log_flush(rp_worker_t *w);

/* waf_glue.c */
int rp__waf_runtime_init(rp_runtime_t *rt);
void rp__waf_runtime_dispose(rp_runtime_t *rt);
/* After routing: IP lists, rate limits, inspection of a body-less request,
 * set-up of body inspection. Returns 1 when the request was answered
 * (blocked, denied, rate-limited). */
int rp__waf_begin(rp_exchange_t *ex, const rp_http_request_t *req, int has_body);
/* Body bytes (decoded) as they pass. */
void rp__waf_collect(rp_exchange_t *ex, const char *p, size_t n);
/* The body is read (or the limit reached): inspect. Returns 1 when blocked. */
int rp__waf_body_done(rp_exchange_t *ex);

/* exchange.c: a local JSON response (WAF blocks, 429 with Retry-After);
 * a request held for inspection is dropped, its body discarded. */
void rp__exchange_respond(rp_exchange_t *ex, int status, const char *body, size_t len);

/* metrics.c: Prometheus text exposition of every worker's counters, the
 * resolver's and the node's. */
void rp__metrics_render(const rp_node_t *node, rp_buf_t *out);

/* respond.c */
int rp__respond_error(rp_buf_t *out, int status, const char *detail, const char *reqid, int close);
const char *rp__status_reason(int status);

/* realip.c */
/* Fills ex->client_ip: the peer, or the right-most untrusted XFF entry
 * when the peer is a trusted proxy. Returns 1 when the peer is trusted. */
int rp__real_ip(const rp_conf_t *conf, const struct sockaddr_storage *peer, const char *peer_ip,
                const rp_http_request_t *req, char *out, size_t cap);

#endif /* RAMPART_PROXY_INT_H */
