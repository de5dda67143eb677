/*
 * Upstream servers: round-robin choice skipping servers that passive
 * health took out, keep-alive pools (per worker, per runtime, per server;
 * LIFO so the warmest connection is reused), non-blocking connects with a
 * timeout, and the retry rules:
 *
 *   - a failed or timed-out connect sent nothing, so the request is tried
 *     on another server (up to `retries` times) whatever its method;
 *   - a reused pooled connection that turns out dead before any response
 *     byte (the origin closed it while idle) is retried on a fresh
 *     connection when the request is idempotent and has no body;
 *   - anything else is answered 502 (504 for timeouts).
 */
#include "proxy_int.h"

#include <errno.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const rp_conf_upstream_t *ex_upstream(const rp_exchange_t *ex)
{
    return &ex->wrt->rt->conf->upstreams[ex->route->upstream_index];
}

uint64_t rp__upstream_connect_timeout(const rp_exchange_t *ex)
{
    return ex_upstream(ex)->connect_timeout_ms;
}

uint64_t rp__upstream_response_timeout(const rp_exchange_t *ex)
{
    return ex_upstream(ex)->response_timeout_ms;
}

void rp__upstream_failed(rp_wrt_t *wrt, size_t up, size_t srv, uint64_t now_ms)
{
    const rp_conf_upstream_t *cu = &wrt->rt->conf->upstreams[up];
    rp_server_state_t *st = &wrt->rt->servers[up][srv];
    if (cu->max_fails == 0)
        return;
    unsigned f = atomic_fetch_add(&st->fails, 1) + 1;
    if (f >= cu->max_fails) {
        atomic_store(&st->fails, 0);
        atomic_store(&st->down_until_ms, now_ms + cu->fail_timeout_ms);
        rp_log_warn("upstream %s: server %s marked down for %llu ms after %u failures", cu->name,
                    cu->servers[srv].text, (unsigned long long)cu->fail_timeout_ms, f);
    }
}

void rp__upstream_succeeded(rp_wrt_t *wrt, size_t up, size_t srv)
{
    rp_server_state_t *st = &wrt->rt->servers[up][srv];
    if (atomic_load_explicit(&st->fails, memory_order_relaxed) != 0)
        atomic_store(&st->fails, 0);
    if (atomic_load_explicit(&st->down_until_ms, memory_order_relaxed) != 0)
        atomic_store(&st->down_until_ms, 0);
}

/* Next server by round robin, skipping down ones and `avoid` (the one that
 * just failed) while there is a choice. When all are down, try one anyway:
 * refusing outright would turn a blip into fail_timeout of errors. */
static size_t pick_server(rp_wrt_t *wrt, size_t up, size_t avoid, int have_avoid, uint64_t now)
{
    const rp_conf_upstream_t *cu = &wrt->rt->conf->upstreams[up];
    size_t n = cu->nservers;
    RP_BUG_ON(n == 0); /* the config loader requires at least one server */
    size_t start = wrt->rr[up]++;
    for (size_t i = 0; i < n; i++) {
        size_t s = (start + i) % n;
        if (have_avoid && n > 1 && s == avoid)
            continue;
        if (atomic_load_explicit(&wrt->rt->servers[up][s].down_until_ms, memory_order_relaxed) > now)
            continue;
        return s;
    }
    size_t s = start % n;
    if (have_avoid && n > 1 && s == avoid)
        s = (s + 1) % n;
    return s;
}

static void upconn_close(rp_upconn_t *u)
{
    rp_worker_t *w = u->w;
    rp_timer_stop(&w->loop, &u->timer);
    rp_io_stop(&w->loop, &u->io);
    if (u->ssl) {
        rp__tls_shutdown(u->ssl);
        SSL_free(u->ssl);
        u->ssl = NULL;
    }
    close(u->fd);
    u->in.start = u->in.end;
    rp__iobuf_release(w, &u->in);
    rp_loop_defer_free(&w->loop, u);
}

static void pool_remove(rp_upconn_t *u)
{
    rp_pool_t *pool = &u->wrt->pools[u->up][u->srv];
    rp_dlist_remove(&u->pool_link);
    pool->nidle--;
}

static void upconn_timer_cb(rp_loop_t *loop, rp_timer_t *t)
{
    rp_upconn_t *u = t->data;
    rp_exchange_t *ex = u->ex;
    if (!ex) {
        pool_remove(u); /* idle too long */
        upconn_close(u);
        return;
    }
    rp_conn_t *c = ex->c;
    rp__conn_enter(c);
    if (!u->connected)
        rp__upstream_error(ex, RP_UPERR_CONNECT_TIMEOUT,
                           u->tcp_up ? "upstream TLS handshake timed out" : "upstream connect timed out");
    else
        rp__upstream_error(ex, RP_UPERR_TIMEOUT, "upstream response timed out");
    if (!c->dead)
        rp__conn_drive(c);
    rp__conn_leave(c);
}

/* An idle pooled connection became readable: over TLS that may be a late
 * session ticket (consumed, the connection stays), otherwise the origin
 * closed it or sent something unasked, and it cannot be reused. */
static int idle_still_good(rp_upconn_t *u, unsigned events)
{
    if (events & (RP_IO_HUP | RP_IO_ERR))
        return 0;
    if (!(events & RP_IO_READ))
        return 1;
    if (!u->ssl)
        return 0;
    char b;
    ssize_t n = rp__io_read(u->fd, u->ssl, &b, 1);
    return n < 0 && errno == EAGAIN;
}

/* Advances the TLS handshake. Returns 1 when done, 0 while waiting, -1
 * after reporting the failure on ex. */
static int upconn_handshake(rp_upconn_t *u, rp_exchange_t *ex)
{
    rp_worker_t *w = u->w;
    int r = SSL_do_handshake(u->ssl);
    if (r == 1) {
        w->stats.upstream_tls_handshakes++;
        if (SSL_session_reused(u->ssl))
            w->stats.upstream_tls_resumed++;
        return 1;
    }
    int err = SSL_get_error(u->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return 0;
    int closed = err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0;
    rp__tls_note_error(u->ssl);
    w->stats.upstream_tls_failures++;
    char why[300];
    snprintf(why, sizeof(why), "upstream TLS handshake with %s (%s) failed: %s", ex->upstream_addr,
             u->sni ? u->sni : "no SNI",
             closed ? "connection closed during the handshake" : rp__tls_error());
    rp__upstream_error(ex, RP_UPERR_CONNECT, why);
    return -1;
}

static void upconn_io_cb(rp_loop_t *loop, rp_io_t *io, unsigned events)
{
    rp_upconn_t *u = io->data;
    rp_exchange_t *ex = u->ex;
    if (!ex) {
        if (!idle_still_good(u, events)) {
            pool_remove(u);
            upconn_close(u);
        }
        return;
    }
    if (events & RP_IO_READ)
        u->readable = 1;
    if (events & RP_IO_WRITE)
        u->writable = 1;
    if (events & RP_IO_HUP)
        u->hup = 1;
    if (u->ssl)
        u->readable = u->writable = 1; /* TLS may wait on either direction */
    rp_conn_t *c = ex->c;
    if (!u->connected) {
        if (!u->tcp_up) {
            if (!(events & (RP_IO_WRITE | RP_IO_ERR | RP_IO_HUP)))
                return;
            int err = 0;
            socklen_t len = sizeof(err);
            if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
            if (err) {
                char why[128];
                snprintf(why, sizeof(why), "upstream connect failed: %s", strerror(err));
                rp__conn_enter(c);
                rp__upstream_error(ex, RP_UPERR_CONNECT, why);
                if (!c->dead)
                    rp__conn_drive(c);
                rp__conn_leave(c);
                return;
            }
            u->tcp_up = 1;
        }
        if (u->ssl) {
            rp__conn_enter(c);
            int h = upconn_handshake(u, ex);
            if (h < 0 && !c->dead)
                rp__conn_drive(c);
            rp__conn_leave(c);
            if (h <= 0)
                return;
        }
        u->connected = 1;
        rp_timer_start(loop, &u->timer, rp__upstream_response_timeout(ex));
    }
    rp__conn_drive(c);
}

/* The server's addresses as this worker uses them: refreshed when the
 * resolver published a new set (one atomic load per call otherwise), and
 * then idle connections to addresses no longer in the set are closed. */
static rp_addrset_t *pool_addrs(rp_wrt_t *wrt, size_t up, size_t srv)
{
    rp_server_state_t *st = &wrt->rt->servers[up][srv];
    rp_pool_t *pool = &wrt->pools[up][srv];
    if (!st->dns) {
        if (!pool->addrs) {
            rp_addrset_ref(st->fixed);
            pool->addrs = st->fixed;
        }
        return pool->addrs;
    }
    if (pool->addrs && pool->addrs->gen == rp_dns_name_gen(st->dns))
        return pool->addrs;
    rp_addrset_t *next = rp_dns_name_addrs(st->dns);
    if (pool->addrs)
        rp_addrset_unref(pool->addrs);
    pool->addrs = next;
    rp_dlist_t *e = pool->idle.next;
    while (e != &pool->idle) {
        rp_upconn_t *u = rp_container_of(e, rp_upconn_t, pool_link);
        e = e->next;
        if (!rp_addrset_contains(next, (const struct sockaddr *)&u->addr)) {
            pool_remove(u);
            upconn_close(u);
        }
    }
    return next;
}

/* The TLS name for this exchange's upstream connection: the upstream's
 * `sni`, else the Host the route rewrites to, else the upstream's host,
 * else the server's own name (none for an address literal). */
static const char *exchange_sni(const rp_exchange_t *ex, const rp_conf_server_t *cs)
{
    const char *sni = ex->wrt->rt->route_sni[ex->route - ex->wrt->rt->conf->routes];
    if (sni)
        return sni;
    return cs->addrlen == 0 ? cs->host : NULL;
}

static int sni_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Sets up TLS on a new upstream socket. Returns 0 or -1. */
static int upconn_tls_start(rp_upconn_t *u, const rp_conf_upstream_t *cu, const rp_conf_server_t *cs,
                            rp_pool_t *pool)
{
    u->ssl = SSL_new(cu->tls.ctx);
    if (!u->ssl || SSL_set_fd(u->ssl, u->fd) != 1)
        return -1;
    SSL_set_connect_state(u->ssl);
    if (u->sni && SSL_set_tlsext_host_name(u->ssl, u->sni) != 1)
        return -1;
    if (cu->tls.verify) {
        /* The certificate must name what we asked for: the SNI, or the
         * server's address when there is none. */
        int ok = u->sni ? SSL_set1_host(u->ssl, u->sni)
                        : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(u->ssl), cs->host);
        if (ok != 1)
            return -1;
    }
    if (pool->sess && sni_eq(pool->sess_sni, u->sni))
        SSL_set_session(u->ssl, pool->sess);
    return 0;
}

/* Keeps the connection's TLS session for the next connection to the same
 * server and name (after a response: TLS 1.3 tickets have arrived). */
static void pool_save_session(rp_pool_t *pool, rp_upconn_t *u)
{
    if (!u->ssl || u->sess_saved)
        return;
    SSL_SESSION *sess = SSL_get1_session(u->ssl);
    if (!sess)
        return;
    if (!SSL_SESSION_is_resumable(sess) || sess == pool->sess) {
        SSL_SESSION_free(sess);
        return;
    }
    u->sess_saved = 1;
    SSL_SESSION_free(pool->sess);
    pool->sess = sess;
    pool->sess_sni = u->sni;
}

int rp__upstream_acquire(rp_exchange_t *ex)
{
    rp_worker_t *w = ex->c->w;
    rp_wrt_t *wrt = ex->wrt;
    size_t up = ex->route->upstream_index;
    const rp_conf_upstream_t *cu = &wrt->rt->conf->upstreams[up];
    size_t srv = pick_server(wrt, up, ex->failed_srv, ex->attempts > 0, w->loop.now);
    const rp_conf_server_t *cs = &cu->servers[srv];
    rp_pool_t *pool = &wrt->pools[up][srv];
    const char *sni = cs->tls ? exchange_sni(ex, cs) : NULL;
    rp_upconn_t *u = NULL;

    memcpy(ex->upstream_addr, wrt->rt->servers[up][srv].addr, sizeof(ex->upstream_addr));
    if (!ex->t_up_start_us)
        ex->t_up_start_us = rp_now_us();
    pool_addrs(wrt, up, srv); /* drops idle connections to addresses DNS removed */
    /* The warmest idle connection made for the same TLS name. */
    for (rp_dlist_t *e = pool->idle.prev; e != &pool->idle; e = e->prev) {
        rp_upconn_t *cand = rp_container_of(e, rp_upconn_t, pool_link);
        if (sni_eq(cand->sni, sni)) {
            u = cand;
            break;
        }
    }
    if (u) {
        pool_remove(u);
        if (wrt->rt->servers[up][srv].dns)
            rp_sock_ntop_port((const struct sockaddr *)&u->addr, ex->upstream_addr,
                              sizeof(ex->upstream_addr));
        u->reused = 1;
        u->ex = ex;
        u->readable = 0; /* idle conns have nothing to read: it would have closed them */
        u->writable = 1;
        u->nrequests++;
        ex->up = u;
        rp_timer_start(&w->loop, &u->timer, cu->response_timeout_ms);
        return 0;
    }
    rp_addrset_t *addrs = pool_addrs(wrt, up, srv);
    char why[300];
    int fd;
    const struct sockaddr_storage *addr = NULL;
    if (addrs->n == 0) {
        char last[160];
        rp_dns_name_last_error(wrt->rt->servers[up][srv].dns, last, sizeof(last));
        snprintf(why, sizeof(why), "upstream %s has no address yet%s%s", cs->host,
                 last[0] ? ": " : "", last);
        fd = -EHOSTUNREACH;
    } else {
        addr = &addrs->addr[pool->rr++ % addrs->n];
        socklen_t alen = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                     : sizeof(struct sockaddr_in);
        if (wrt->rt->servers[up][srv].dns)
            rp_sock_ntop_port((const struct sockaddr *)addr, ex->upstream_addr,
                              sizeof(ex->upstream_addr));
        fd = rp_sock_connect((const struct sockaddr *)addr, alen);
        snprintf(why, sizeof(why), "upstream connect failed: %s", strerror(fd < 0 ? -fd : 0));
    }
    if (fd < 0) {
        w->stats.upstream_connect_fail++;
        rp__upstream_failed(wrt, up, srv, w->loop.now);
        ex->failed_srv = srv;
        if (ex->attempts < cu->retries && !ex->resp_started) {
            ex->attempts++;
            w->stats.retries++;
            return rp__upstream_acquire(ex);
        }
        rp__exchange_fail(ex, 502, why);
        return -1;
    }
    u = calloc(1, sizeof(*u));
    if (!u) {
        close(fd);
        rp__exchange_fail(ex, 503, "out of memory");
        return -1;
    }
    u->w = w;
    u->wrt = wrt;
    u->up = up;
    u->srv = srv;
    u->fd = fd;
    u->ex = ex;
    u->sni = sni;
    memcpy(&u->addr, addr, sizeof(u->addr));
    u->nrequests = 1;
    rp_dlist_init(&u->pool_link);
    rp_timer_init(&u->timer, upconn_timer_cb, u);
    if (cs->tls && upconn_tls_start(u, cu, cs, pool) < 0) {
        rp__tls_note_error(NULL);
        SSL_free(u->ssl);
        close(fd);
        free(u);
        rp__exchange_fail(ex, 502, "cannot set up TLS to the upstream");
        return -1;
    }
    if (rp_io_start(&w->loop, &u->io, fd, upconn_io_cb, u) < 0) {
        SSL_free(u->ssl);
        close(fd);
        free(u);
        rp__exchange_fail(ex, 502, "cannot watch upstream socket");
        return -1;
    }
    ex->up = u;
    rp_timer_start(&w->loop, &u->timer, cu->connect_timeout_ms);
    return 0;
}

void rp__upstream_release(rp_upconn_t *u, int reusable)
{
    rp_worker_t *w = u->w;
    const rp_conf_upstream_t *cu = &u->wrt->rt->conf->upstreams[u->up];
    rp_pool_t *pool = &u->wrt->pools[u->up][u->srv];
    u->ex = NULL;
    if (reusable) {
        pool_save_session(pool, u);
        reusable = rp_addrset_contains(pool_addrs(u->wrt, u->up, u->srv),
                                       (const struct sockaddr *)&u->addr);
    }
    if (!reusable || pool->nidle >= cu->keepalive || rp_iobuf_len(&u->in) != 0 || w->draining) {
        upconn_close(u);
        return;
    }
    rp__iobuf_release(w, &u->in);
    rp_dlist_insert_tail(&pool->idle, &u->pool_link);
    pool->nidle++;
    rp_timer_start(&w->loop, &u->timer, cu->idle_timeout_ms);
}

void rp__pools_dispose(rp_worker_t *w, rp_wrt_t *wrt)
{
    const rp_conf_t *conf = wrt->rt->conf;
    for (size_t up = 0; up < conf->nupstreams; up++) {
        for (size_t s = 0; s < conf->upstreams[up].nservers; s++) {
            rp_pool_t *pool = &wrt->pools[up][s];
            while (!rp_dlist_empty(&pool->idle)) {
                rp_upconn_t *u = rp_container_of(pool->idle.next, rp_upconn_t, pool_link);
                pool_remove(u);
                upconn_close(u);
            }
            SSL_SESSION_free(pool->sess);
            pool->sess = NULL;
            if (pool->addrs)
                rp_addrset_unref(pool->addrs);
            pool->addrs = NULL;
        }
    }
}

void rp__upstream_error(rp_exchange_t *ex, int kind, const char *why)
{
    rp_worker_t *w = ex->c->w;
    rp_upconn_t *u = ex->up;
    const rp_conf_upstream_t *cu = ex_upstream(ex);
    size_t srv = u ? u->srv : ex->failed_srv;
    int retry = 0, stale = 0;
    if (kind == RP_UPERR_CONNECT || kind == RP_UPERR_CONNECT_TIMEOUT) {
        w->stats.upstream_connect_fail++;
        rp__upstream_failed(ex->wrt, ex->route->upstream_index, srv, w->loop.now);
        retry = ex->attempts < cu->retries;
    } else if (kind == RP_UPERR_BROKEN && u && u->reused && ex->req_mode == RP_BODY_NONE &&
               ex->idempotent) {
        retry = stale = 1;
    } else {
        if (kind == RP_UPERR_TIMEOUT)
            w->stats.upstream_timeouts++;
        rp__upstream_failed(ex->wrt, ex->route->upstream_index, srv, w->loop.now);
    }
    if (retry && !ex->resp_started) {
        if (u) {
            ex->up = NULL;
            u->ex = NULL;
            upconn_close(u);
        }
        if (stale) {
            ex->up_out.len = ex->up_out_off = 0;
            rp_buf_append(&ex->up_out, ex->head.p, ex->head.len);
        } else {
            ex->failed_srv = srv;
            ex->attempts++;
            w->stats.retries++;
            rp_log_info("retrying request %s on another server: %s", ex->reqid, why);
        }
        rp__upstream_acquire(ex);
        return;
    }
    rp__exchange_fail(ex, kind == RP_UPERR_CONNECT_TIMEOUT || kind == RP_UPERR_TIMEOUT ? 504 : 502, why);
}
