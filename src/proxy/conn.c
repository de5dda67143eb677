/*
 * Client connections: read and parse request heads, hand each request to
 * an exchange, keep-alive and pipelining (one exchange at a time; the next
 * request waits in the input buffer, so responses stay in order), the
 * header/keep-alive/body/send timeouts, and the close paths.
 */
#include "proxy_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINGER_MS 2000

/* ---------------------------------------------------------------------- */
/* Buffers.                                                                 */

/* Reads once into b, growing it up to max_cap. Returns bytes read (>0),
 * 0 on EAGAIN (with *eof unchanged), -1 on error, -2 when b is full at
 * max_cap; sets *eof on EOF. A read shorter than the room offered means
 * the socket was drained: with edge-triggered epoll a later arrival raises
 * a new event, so *drained tells the caller it may skip the read that
 * would only return EAGAIN. */
int rp__iobuf_read(rp_worker_t *w, rp_iobuf_t *b, int fd, SSL *ssl, size_t max_cap, int *eof,
                   int *drained)
{
    if (!b->p) {
        b->p = rp__worker_buf_get(w, RP_IOBUF_SIZE);
        if (!b->p)
            return -1;
        b->cap = RP_IOBUF_SIZE;
        b->start = b->end = 0;
    }
    if (b->start == b->end)
        b->start = b->end = 0;
    if (b->end == b->cap && b->start > 0) {
        memmove(b->p, b->p + b->start, b->end - b->start);
        b->end -= b->start;
        b->start = 0;
    }
    if (b->end == b->cap) {
        if (b->cap >= max_cap)
            return -2; /* full: caller decides (head too large) */
        size_t ncap = RP_MIN(b->cap * 2, max_cap);
        char *np = malloc(ncap);
        if (!np)
            return -1;
        memcpy(np, b->p, b->end);
        rp__worker_buf_put(w, b->p, b->cap);
        b->p = np;
        b->cap = ncap;
    }
    size_t room = b->cap - b->end;
    ssize_t n = rp__io_read(fd, ssl, b->p + b->end, room);
    if (n > 0) {
        b->end += (size_t)n;
        /* TLS hands out a record at a time: a short read says nothing
         * about what is still in the socket. */
        *drained = !ssl && (size_t)n < room;
        return (int)n;
    }
    if (n == 0) {
        *eof = 1;
        return 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return 0;
    return -1;
}

void rp__iobuf_release(rp_worker_t *w, rp_iobuf_t *b)
{
    if (!b->p || b->start != b->end)
        return;
    rp__worker_buf_put(w, b->p, b->cap);
    b->p = NULL;
    b->start = b->end = b->cap = 0;
}

void rp__iobuf_reserve_body(rp_worker_t *w, rp_iobuf_t *b)
{
    /* Only an empty buffer is swapped, so no bytes move. */
    if (b->start != b->end || b->cap >= RP_IOBUF_BODY_SIZE)
        return;
    char *p = rp__worker_buf_get(w, RP_IOBUF_BODY_SIZE);
    if (!p)
        return; /* the small buffer still works, only slower */
    rp__iobuf_release(w, b);
    b->p = p;
    b->cap = RP_IOBUF_BODY_SIZE;
    b->start = b->end = 0;
}

static void iobuf_free(rp_worker_t *w, rp_iobuf_t *b)
{
    b->start = b->end;
    rp__iobuf_release(w, b);
}

/* ---------------------------------------------------------------------- */

static void conn_io_cb(rp_loop_t *loop, rp_io_t *io, unsigned events);
static void conn_timer_cb(rp_loop_t *loop, rp_timer_t *t);

void rp__conn_accept(rp_worker_t *w, rp_wlistener_t *l, int fd, const struct sockaddr_storage *peer)
{
    rp_conn_t *c = calloc(1, sizeof(*c));
    if (!c) {
        close(fd);
        return;
    }
    c->w = w;
    c->l = l;
    c->fd = fd;
    c->peer = *peer;
    rp_sock_ntop((const struct sockaddr *)peer, c->peer_ip, sizeof(c->peer_ip));
    rp_buf_init(&c->out);
    rp_timer_init(&c->timer, conn_timer_cb, c);
    rp_dlist_insert_tail(&w->conns, &c->link);
    w->nconns++;
    const rp_conf_t *conf = w->cur->rt->conf;
    if (l->conf_index < conf->nlisteners && conf->listeners[l->conf_index].tls.ctx) {
        c->ssl = SSL_new(conf->listeners[l->conf_index].tls.ctx[0]);
        if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
            rp__tls_note_error(NULL);
            rp__conn_close(c);
            return;
        }
        SSL_set_accept_state(c->ssl);
    }
    if (rp_io_start(&w->loop, &c->io, fd, conn_io_cb, c) < 0) {
        rp__conn_close(c);
        return;
    }
    /* The first request must arrive within the header timeout. */
    rp_timer_start(&w->loop, &c->timer, w->cur->rt->conf->timeouts.client_header_ms);
    c->head_timer = 1;
    /* Edge-triggered: data may already be there. */
    c->readable = 1;
    c->writable = 1;
    rp__conn_drive(c);
}

void rp__conn_close(rp_conn_t *c)
{
    rp_worker_t *w = c->w;
    if (c->ex)
        rp__exchange_abort(c->ex);
    rp_timer_stop(&w->loop, &c->timer);
    rp_io_stop(&w->loop, &c->io);
    if (c->ssl) {
        if (c->state != RP_CONN_LINGER)
            rp__tls_shutdown(c->ssl);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    close(c->fd);
    iobuf_free(w, &c->in);
    rp_buf_dispose(&c->out);
    rp_dlist_remove(&c->link);
    w->nconns--;
    c->dead = 1;
    if (c->depth > 0)
        return; /* freed by rp__conn_leave when the stack unwinds */
    rp_loop_defer_free(&w->loop, c);
    rp__worker_conn_gone(w);
}

void rp__conn_leave(rp_conn_t *c)
{
    if (--c->depth == 0 && c->dead) {
        rp_worker_t *w = c->w;
        rp_loop_defer_free(&w->loop, c);
        rp__worker_conn_gone(w);
    }
}

/* Writes pending output. Returns 0 when all is written, 1 when some is
 * left (socket full), -1 on error. */
int rp__conn_flush(rp_conn_t *c)
{
    while (c->out_off < c->out.len) {
        if (!c->writable)
            return 1;
        ssize_t n = rp__io_write(c->fd, c->ssl, c->out.p + c->out_off, c->out.len - c->out_off);
        if (n > 0) {
            c->out_off += (size_t)n;
            if (c->ex)
                c->ex->bytes_out += (uint64_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->writable = 0;
            return 1;
        }
        return -1;
    }
    c->out.len = 0;
    c->out_off = 0;
    if (c->out.cap > 4 * RP_OUT_HIGH_WATER)
        rp_buf_dispose(&c->out);
    return 0;
}

/* Flush what is queued, then close (after lingering): bounded by `send`. */
static void conn_set_closing(rp_conn_t *c)
{
    c->state = RP_CONN_CLOSING;
    rp_timer_start(&c->w->loop, &c->timer, c->w->cur->rt->conf->timeouts.send_ms);
}

static void conn_start_linger(rp_conn_t *c)
{
    /* Stop sending, keep reading (and dropping) what the client still
     * sends so the kernel does not reset the connection before our error
     * response is read. */
    rp__tls_shutdown(c->ssl);
    shutdown(c->fd, SHUT_WR);
    c->state = RP_CONN_LINGER;
    rp_timer_start(&c->w->loop, &c->timer, LINGER_MS);
}

/* Queues a locally generated error, then flush-and-close. */
static void conn_reject(rp_conn_t *c, int status, const char *why, size_t pos)
{
    rp_worker_t *w = c->w;
    char peer[64];
    rp_sock_ntop_port((const struct sockaddr *)&c->peer, peer, sizeof(peer));
    char extra[160];
    snprintf(extra, sizeof(extra), "\"peer\":\"%s\",\"status\":%d,\"offset\":%zu", peer, status, pos);
    rp_log(RP_LOG_WARN, extra, "rejected request: %s", why ? why : "malformed");
    w->stats.bad_requests++;
    char id[33];
    rp__request_id(w, id);
    rp__respond_error(&c->out, status, why, id, 1);
    conn_set_closing(c);
}

/* Before the TLS handshake: a plain HTTP request on a TLS port gets a
 * plain-text 400 saying so (as nginx does) instead of a TLS alert the
 * client cannot read. Returns 1 to go on with TLS, 0 when nothing has
 * arrived yet, -1 when the connection is done. */
static int conn_tls_sniff(rp_conn_t *c)
{
    unsigned char b;
    ssize_t n;
    do {
        n = recv(c->fd, &b, 1, MSG_PEEK);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        c->readable = 0;
        return 0;
    }
    if (n <= 0) {
        rp__conn_close(c);
        return -1;
    }
    c->tls_sniffed = 1;
    if (b == 0x16)
        return 1; /* a TLS handshake record */
    c->w->stats.tls_handshake_failures++;
    if (b >= 'A' && b <= 'Z') {
        c->w->stats.tls_plain_http++;
        SSL_free(c->ssl);
        c->ssl = NULL;
        conn_reject(c, 400, "plain HTTP request sent to a TLS port", 0);
        return -1;
    }
    rp_log_info("TLS handshake from %s failed: not a TLS client hello", c->peer_ip);
    rp__conn_close(c);
    return -1;
}

/* Counts a finished or failed handshake, once. */
static void conn_tls_progress(rp_conn_t *c, int failed)
{
    rp_worker_t *w = c->w;
    if (failed && !SSL_is_init_finished(c->ssl)) {
        c->tls_done = 1;
        w->stats.tls_handshake_failures++;
        rp_log_info("TLS handshake from %s failed: %s", c->peer_ip, rp__tls_error());
    } else if (SSL_is_init_finished(c->ssl)) {
        c->tls_done = 1;
        w->stats.tls_handshakes++;
        if (SSL_session_reused(c->ssl))
            w->stats.tls_resumed++;
    }
}

/* Parses the next request head out of c->in. Returns 1 if an exchange was
 * started, 0 if more input is needed, -1 if the connection is done. */
static int conn_parse_head(rp_conn_t *c)
{
    rp_worker_t *w = c->w;
    rp_runtime_t *rt = w->cur->rt;
    rp_http_header_t headers[RP_MAX_REQ_HEADERS];
    rp_http_request_t req;
    for (;;) {
        memset(&req, 0, sizeof(req));
        req.headers = headers;
        req.num_headers = rt->limits.max_headers;
        int r = rp_http_parse_request(c->in.p + c->in.start, rp_iobuf_len(&c->in), &req, &rt->limits,
                                      &c->scan);
        if (r > 0) {
            c->scan = 0;
            c->head_timer = 0;
            rp_timer_stop(&w->loop, &c->timer);
            c->nrequests++;
            w->stats.requests++;
            rp__exchange_start(c, &req, (size_t)r);
            return 1;
        }
        if (r == RP_EINVAL) {
            conn_reject(c, req.error_status ? req.error_status : 400, req.error, req.error_pos);
            return -1;
        }
        /* Need more: read. */
        if (!c->readable)
            return 0;
        if (c->ssl && !c->tls_sniffed) {
            int s = conn_tls_sniff(c);
            if (s <= 0)
                return s;
        }
        int eof = 0, drained = 0;
        size_t max_cap = rt->limits.max_header_bytes + rt->limits.max_request_line + 1024;
        int n = rp__iobuf_read(w, &c->in, c->fd, c->ssl, RP_MAX(max_cap, (size_t)RP_IOBUF_SIZE), &eof,
                               &drained);
        if (c->ssl && !c->tls_done)
            conn_tls_progress(c, n < 0);
        if (n == -2) {
            conn_reject(c, 431, "request head too large", rp_iobuf_len(&c->in));
            return -1;
        }
        if (n < 0 || eof) {
            if (eof && rp_iobuf_len(&c->in) > 0) {
                /* Half a request then EOF: nothing to answer to. */
                rp_log_debug("client closed mid-head");
            }
            rp__conn_close(c);
            return -1;
        }
        if (n == 0) {
            c->readable = 0;
            rp__iobuf_release(w, &c->in);
            return 0;
        }
        if (drained && !c->hup)
            c->readable = 0;
        if (!c->head_timer) {
            /* First bytes of a request after keep-alive idle: the whole
             * head must now arrive within client_header (slowloris). */
            rp_timer_start(&w->loop, &c->timer, rt->conf->timeouts.client_header_ms);
            c->head_timer = 1;
        }
    }
}

void rp__conn_drive(rp_conn_t *c)
{
    rp__conn_enter(c);
    for (int guard = 0; guard < 64 && !c->dead; guard++) {
        switch (c->state) {
        case RP_CONN_HEAD:
            if (rp__conn_flush(c) < 0) {
                rp__conn_close(c);
                break;
            }
            if (conn_parse_head(c) > 0)
                continue; /* exchange started: run it */
            if (!c->dead && c->state != RP_CONN_HEAD)
                continue; /* rejected: flush the error response now */
            break;
        case RP_CONN_EXCHANGE:
            rp__exchange_run(c->ex);
            if (!c->dead && c->state == RP_CONN_HEAD && rp_iobuf_len(&c->in) > 0)
                continue; /* pipelined request waiting */
            if (!c->dead && c->state == RP_CONN_CLOSING)
                continue;
            break;
        case RP_CONN_CLOSING: {
            int f = rp__conn_flush(c);
            if (f < 0) {
                rp__conn_close(c);
            } else if (f == 0) {
                /* Unread input at close() makes the kernel send a reset,
                 * which can destroy the response before the client reads
                 * it: unless the client already closed, linger. */
                if (!c->eof)
                    conn_start_linger(c);
                else
                    rp__conn_close(c);
                if (!c->dead)
                    continue;
            }
            break;
        }
        case RP_CONN_LINGER: {
            char tmp[4096];
            for (;;) {
                ssize_t n = read(c->fd, tmp, sizeof(tmp));
                if (n > 0)
                    continue;
                if (n < 0 && errno == EINTR)
                    continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                    break;
                rp__conn_close(c);
                break;
            }
            break;
        }
        }
        break;
    }
    rp__conn_leave(c);
}

void rp__conn_exchange_done(rp_conn_t *c, int keepalive)
{
    rp_worker_t *w = c->w;
    c->ex = NULL;
    if (!keepalive || w->draining) {
        conn_set_closing(c);
        return;
    }
    c->state = RP_CONN_HEAD;
    c->scan = 0;
    if (rp_iobuf_len(&c->in) > 0) {
        rp_timer_start(&w->loop, &c->timer, w->cur->rt->conf->timeouts.client_header_ms);
        c->head_timer = 1;
    } else {
        /* Idle keep-alive connections hold no buffers: 10,000 of them cost
         * little more than their rp_conn_t. */
        rp__iobuf_release(w, &c->in);
        if (c->out.len == 0)
            rp_buf_dispose(&c->out);
        rp_timer_start(&w->loop, &c->timer, w->cur->rt->conf->timeouts.keepalive_ms);
        c->head_timer = 0;
    }
}

static void conn_io_cb(rp_loop_t *loop, rp_io_t *io, unsigned events)
{
    rp_conn_t *c = io->data;
    if (events & RP_IO_READ)
        c->readable = 1;
    if (events & RP_IO_WRITE)
        c->writable = 1;
    if (c->ssl && c->state != RP_CONN_LINGER)
        c->readable = c->writable = 1; /* TLS may wait on either direction */
    if (events & RP_IO_HUP)
        c->hup = 1; /* the peer's FIN is queued: read until EOF, no edge will come */
    rp__conn_drive(c);
}

static void conn_timer_cb(rp_loop_t *loop, rp_timer_t *t)
{
    rp_conn_t *c = t->data;
    rp__conn_enter(c);
    switch (c->state) {
    case RP_CONN_HEAD:
        if (c->head_timer && (rp_iobuf_len(&c->in) > 0 || c->nrequests == 0)) {
            if (rp_iobuf_len(&c->in) == 0) {
                /* Connected and sent nothing: just close. */
                rp__conn_close(c);
                break;
            }
            conn_reject(c, 408, "timed out reading the request head", 0);
            c->readable = 0; /* do not linger on a slow client */
            rp__conn_drive(c);
        } else {
            rp__conn_close(c); /* idle keep-alive */
        }
        break;
    case RP_CONN_EXCHANGE:
        rp__exchange_client_timeout(c->ex);
        if (!c->dead)
            rp__conn_drive(c);
        break;
    case RP_CONN_CLOSING:
    case RP_CONN_LINGER:
        rp__conn_close(c);
        break;
    }
    rp__conn_leave(c);
}
