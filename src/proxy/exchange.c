/*
 * An exchange: one request and its response, from the parsed request head
 * to the last response byte. It routes the request, answers locally (mock
 * route, health, 404) or forwards it: serialises a clean upstream head
 * (Host rewrite, prefixes, X-Forwarded-*, X-Request-Id, hop-by-hop fields
 * removed), streams the body with its framing re-encoded, parses the
 * response head, rewrites it, and streams the response back.
 *
 * Streaming is bounded: neither direction produces into an output buffer
 * holding more than RP_OUT_HIGH_WATER bytes, so a 1 GB body passes through
 * in a few dozen KiB. Re-encoding chunked bodies (instead of copying the
 * client's framing) means the upstream only ever sees framing we wrote.
 */
#include "proxy_int.h"
#include "rampart/sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------------- */
/* Helpers.                                                                 */

static size_t up_out_pending(const rp_exchange_t *ex) { return ex->up_out.len - ex->up_out_off; }
static size_t client_out_pending(const rp_conn_t *c) { return c->out.len - c->out_off; }

static rp_str_t arena_copy(rp_exchange_t *ex, rp_str_t s)
{
    char *p = rp_arena_strndup(&ex->arena, s.p ? s.p : "", s.n);
    return p ? rp_str(p, s.n) : RP_STR_NULL;
}

/* Names listed in a Connection header are hop-by-hop for this message. */
typedef struct conn_tokens {
    rp_str_t v[16];
    size_t n;
} conn_tokens_t;

static void collect_conn_tokens(const rp_http_header_t *h, size_t nh, conn_tokens_t *t)
{
    t->n = 0;
    for (size_t i = 0; i < nh; i++) {
        if (!rp_str_ieq(h[i].name, RP_STRLIT("connection")))
            continue;
        size_t pos = 0;
        rp_str_t e;
        while (t->n < RP_ARRAY_SIZE(t->v) && rp_str_next_list_elem(h[i].value, &pos, &e))
            t->v[t->n++] = e;
    }
}

static int is_conn_token(const conn_tokens_t *t, rp_str_t name)
{
    for (size_t i = 0; i < t->n; i++)
        if (rp_str_ieq(t->v[i], name))
            return 1;
    return 0;
}

/* Fields never copied from a message to the next hop: hop-by-hop ones and
 * the framing we write ourselves. */
static int skip_forward(rp_str_t name, const conn_tokens_t *t)
{
    return rp_http_is_hop_by_hop(name) || rp_str_ieq(name, RP_STRLIT("content-length")) ||
           is_conn_token(t, name);
}

/* Trailer fields that must not be forwarded (framing, routing, auth). */
static int trailer_forbidden(rp_str_t line)
{
    const char *colon = memchr(line.p, ':', line.n);
    rp_str_t name = rp_str(line.p, colon ? (size_t)(colon - line.p) : line.n);
    static const rp_str_t bad[] = { RP_STRLIT("content-length"), RP_STRLIT("host"),
                                    RP_STRLIT("content-type"), RP_STRLIT("authorization"),
                                    RP_STRLIT("cookie"), RP_STRLIT("set-cookie") };
    if (rp_http_is_hop_by_hop(name))
        return 1;
    for (size_t i = 0; i < RP_ARRAY_SIZE(bad); i++)
        if (rp_str_ieq(name, bad[i]))
            return 1;
    return 0;
}

/*
 * Sends data straight from an input buffer when nothing is queued ahead of
 * it and the socket is writable: a body passing through costs one copy
 * less. Returns the bytes sent; the caller queues the rest. *writable is
 * cleared on a short write; a hard error leaves it set so the next flush
 * of the queue meets and reports the same error.
 */
static size_t send_direct(int fd, SSL *ssl, const char *p, size_t n, int *writable)
{
    ssize_t k = rp__io_write(fd, ssl, p, n);
    if (k >= 0 && (size_t)k == n)
        return n;
    if (k >= 0 || errno == EAGAIN || errno == EWOULDBLOCK)
        *writable = 0;
    return k > 0 ? (size_t)k : 0;
}

static void emit_chunk(rp_buf_t *b, const char *p, size_t n)
{
    if (n == 0)
        return;
    rp_buf_append_hex(b, n);
    rp_buf_append(b, "\r\n", 2);
    rp_buf_append(b, p, n);
    rp_buf_append(b, "\r\n", 2);
}

/* ---------------------------------------------------------------------- */
/* Completion.                                                              */

static void exchange_free(rp_exchange_t *ex)
{
    rp_worker_t *w = ex->c->w;
    rp_buf_dispose(&ex->head);
    rp_buf_dispose(&ex->up_out);
    rp_buf_dispose(&ex->insp);
    rp_buf_dispose(&ex->d_req_body);
    rp_buf_dispose(&ex->d_resp_body);
    rp_buf_dispose(&ex->d_ibody);
    rp_arena_dispose(&ex->arena);
    rp__wrt_unref(w, ex->wrt);
    free(ex);
}

static void release_upstream(rp_exchange_t *ex, int reusable)
{
    rp_upconn_t *u = ex->up;
    if (!u)
        return;
    ex->up = NULL;
    if (!ex->t_up_end_us)
        ex->t_up_end_us = rp_now_us();
    u->ex = NULL;
    rp__upstream_release(u, reusable);
}

static void exchange_finish(rp_exchange_t *ex)
{
    rp_conn_t *c = ex->c;
    int up_reusable = ex->up_keepalive && ex->req_done && up_out_pending(ex) == 0 &&
                      ex->up && !ex->up->eof && !c->w->draining;
    if (ex->up) {
        rp__upstream_succeeded(ex->wrt, ex->up->up, ex->up->srv);
        release_upstream(ex, up_reusable);
    }
    rp__access_log(ex);
    if (ex->d_on)
        rp__disc_exchange_done(ex);
    int keepalive = ex->keepalive && !ex->close_after && ex->req_done && !c->eof;
    if (ex->status >= 500)
        c->w->stats.responses_5xx++;
    exchange_free(ex);
    rp__conn_exchange_done(c, keepalive);
}

void rp__exchange_abort(rp_exchange_t *ex)
{
    rp_conn_t *c = ex->c;
    release_upstream(ex, 0);
    if (!ex->resp_done || ex->status == 0)
        ex->status = 499; /* client went away first */
    rp__access_log(ex);
    c->ex = NULL;
    exchange_free(ex);
}

void rp__exchange_fail(rp_exchange_t *ex, int status, const char *why)
{
    rp_conn_t *c = ex->c;
    rp_worker_t *w = c->w;
    release_upstream(ex, 0);
    if (status >= 500) {
        char extra[256];
        snprintf(extra, sizeof(extra), "\"request_id\":\"%s\",\"status\":%d,\"upstream\":\"%s\"",
                 ex->reqid, status, ex->upstream_addr);
        rp_log(RP_LOG_WARN, extra, "%s", why ? why : "upstream failure");
        w->stats.responses_5xx++;
    } else {
        char extra[256];
        snprintf(extra, sizeof(extra), "\"request_id\":\"%s\",\"status\":%d,\"client_ip\":\"%s\"",
                 ex->reqid, status, ex->client_ip);
        rp_log(RP_LOG_WARN, extra, "rejected request: %s", why ? why : "");
    }
    if (!ex->resp_started) {
        ex->status = status;
        rp__respond_error(&c->out, status, why, ex->reqid, 1);
    }
    rp__access_log(ex);
    exchange_free(ex);
    /* If part of a response is out, the only honest signal left is to end
     * the connection after what was relayed, so the client sees a
     * truncated message: closing flushes, then sends FIN. */
    rp__conn_exchange_done(c, 0);
}

/* ---------------------------------------------------------------------- */
/* Local answers.                                                           */

static void respond_local(rp_exchange_t *ex, int status, const rp_conf_header_t *hdrs, size_t nh,
                          const char *body, size_t body_len)
{
    rp_conn_t *c = ex->c;
    rp_buf_t *o = &c->out;
    rp_buf_printf(o, "HTTP/1.1 %d %s\r\n", status, rp__status_reason(status));
    for (size_t i = 0; i < nh; i++)
        rp_buf_printf(o, "%s: %s\r\n", hdrs[i].name, hdrs[i].value);
    int has_body = rp_http_response_has_body(RP_STRLIT("GET"), status);
    if (has_body)
        rp_buf_printf(o, "Content-Length: %zu\r\n", body_len);
    rp_buf_printf(o, "X-Request-Id: %s\r\n", ex->reqid);
    if (!ex->keepalive || ex->close_after)
        rp_buf_append_cstr(o, "Connection: close\r\n");
    else if (ex->minor == 0)
        rp_buf_append_cstr(o, "Connection: keep-alive\r\n");
    rp_buf_append(o, "\r\n", 2);
    if (has_body && !ex->is_head)
        rp_buf_append(o, body, body_len);
    ex->status = status;
    ex->local = 1;
    ex->resp_head_done = ex->resp_done = ex->resp_started = 1;
    /* The request body, if any, is read and dropped so the connection
     * stays usable for the next request. */
    ex->discard_body = 1;
}

void rp__exchange_respond(rp_exchange_t *ex, int status, const char *body, size_t len)
{
    rp_conf_header_t h[2] = { { (char *)"Content-Type", (char *)"application/json" }, { NULL, NULL } };
    char retry[24];
    size_t nh = 1;
    if (status == 429 && ex->retry_after_s) {
        snprintf(retry, sizeof(retry), "%u", ex->retry_after_s);
        h[1].name = (char *)"Retry-After";
        h[1].value = retry;
        nh = 2;
    }
    /* Nothing of a held request goes upstream. */
    ex->hold = 0;
    ex->inspect = 0;
    ex->up_out.len = ex->up_out_off = 0;
    release_upstream(ex, 0);
    int body_pending = !ex->req_done;
    respond_local(ex, status, h, nh, body, len);
    if (body_pending && (ex->req_mode == RP_BODY_CHUNKED || ex->req_remaining > 65536)) {
        /* Do not read a large body nobody needs: answer and close. */
        ex->close_after = 1;
        ex->req_done = 1;
    }
}

static const rp_conf_header_t json_ct[] = { { (char *)"Content-Type", (char *)"application/json" } };

static void respond_json(rp_exchange_t *ex, int status, const char *json)
{
    respond_local(ex, status, json_ct, 1, json, strlen(json));
}

/* ---------------------------------------------------------------------- */
/* Upstream request head.                                                   */

static void build_upstream_head(rp_exchange_t *ex, const rp_http_request_t *req, int trusted)
{
    const rp_conf_route_t *route = ex->route;
    rp_buf_t *b = &ex->head;
    conn_tokens_t tokens;
    collect_conn_tokens(req->headers, req->num_headers, &tokens);

    /* Request line with the path rewritten. */
    rp_str_t path = req->path;
    if (route->strip_prefix) {
        rp_str_t sp = rp_str_c(route->strip_prefix);
        if (rp_str_has_prefix(path, sp)) {
            path.p += sp.n;
            path.n -= sp.n;
        }
    }
    int path_slash = path.n > 0 && path.p[0] == '/';
    const rp_conf_upstream_t *cu = &ex->wrt->rt->conf->upstreams[route->upstream_index];
    const rp_conf_sign_t *sign = &cu->sign;
    rp_buf_append_str(b, req->method);
    rp_buf_append(b, " ", 1);
    size_t target_at = b->len;
    if (cu->path_prefix) {
        /* The upstream's own prefix (an API Gateway stage) goes first. */
        rp_str_t pp = rp_str_c(cu->path_prefix);
        if (pp.n > 0 && pp.p[pp.n - 1] == '/')
            pp.n--;
        rp_buf_append_str(b, pp); /* what follows starts with '/' */
    }
    if (route->add_prefix) {
        rp_str_t ap = rp_str(route->add_prefix, strlen(route->add_prefix));
        if (ap.n > 0 && ap.p[ap.n - 1] == '/' && path_slash)
            ap.n--;
        rp_buf_append_str(b, ap);
    }
    if (!path_slash)
        rp_buf_append(b, "/", 1);
    rp_buf_append_str(b, path);
    if (req->query.n > 0 || (req->target.n > 0 && req->target.p[req->target.n - 1] == '?')) {
        rp_buf_append(b, "?", 1);
        rp_buf_append_str(b, req->query);
    }
    size_t target_end = b->len;
    rp_buf_append_cstr(b, " HTTP/1.1\r\nHost: ");
    size_t host_at = b->len;
    if (route->rewrite_host)
        rp_buf_append_cstr(b, route->rewrite_host);
    else if (cu->host)
        rp_buf_append_cstr(b, cu->host);
    else if (req->host.n > 0)
        rp_buf_append_str(b, req->host);
    else /* HTTP/1.0 without Host: name the origin, as a client would */
        rp_buf_append_cstr(b, ex->wrt->rt->conf->upstreams[route->upstream_index].servers[0].host);
    size_t host_end = b->len;
    rp_buf_append(b, "\r\n", 2);

    rp_str_t xfp = RP_STR_NULL, xfh = RP_STR_NULL;
    size_t xff_start = 0, xff_n = 0;
    for (size_t i = 0; i < req->num_headers; i++) {
        const rp_http_header_t *h = &req->headers[i];
        rp_str_t n = h->name;
        if (skip_forward(n, &tokens) || rp_str_ieq(n, RP_STRLIT("host")) ||
            rp_str_ieq(n, RP_STRLIT("expect")))
            continue;
        if (rp_str_ieq(n, RP_STRLIT("x-forwarded-for"))) {
            if (xff_n == 0)
                xff_start = i;
            xff_n++;
            continue;
        }
        if (rp_str_ieq(n, RP_STRLIT("x-forwarded-proto"))) {
            if (trusted)
                xfp = h->value;
            continue;
        }
        if (rp_str_ieq(n, RP_STRLIT("x-forwarded-host"))) {
            if (trusted)
                xfh = h->value;
            continue;
        }
        if (rp_str_ieq(n, RP_STRLIT("x-request-id")))
            continue;
        if (sign->secret && rp_str_ieq(n, rp_str_c(sign->header)))
            continue; /* only we may sign */
        int overridden = 0;
        for (size_t k = 0; k < route->nset_headers && !overridden; k++)
            overridden = rp_str_ieq(n, rp_str_c(route->set_headers[k].name));
        for (size_t k = 0; k < cu->nset_headers && !overridden; k++)
            overridden = rp_str_ieq(n, rp_str_c(cu->set_headers[k].name));
        if (overridden)
            continue;
        rp_buf_append_str(b, n);
        rp_buf_append(b, ": ", 2);
        rp_buf_append_str(b, h->value);
        rp_buf_append(b, "\r\n", 2);
    }
    /* X-Forwarded-For: what came in (every field, in order), then the peer. */
    rp_buf_append_cstr(b, "X-Forwarded-For: ");
    for (size_t i = xff_start; xff_n > 0 && i < req->num_headers; i++) {
        if (!rp_str_ieq(req->headers[i].name, RP_STRLIT("x-forwarded-for")))
            continue;
        if (req->headers[i].value.n > 0) {
            rp_buf_append_str(b, req->headers[i].value);
            rp_buf_append(b, ", ", 2);
        }
    }
    rp_buf_append_cstr(b, ex->peer_ip);
    rp_buf_append_cstr(b, "\r\nX-Forwarded-Proto: ");
    if (xfp.n)
        rp_buf_append_str(b, xfp);
    else
        rp_buf_append_cstr(b, ex->c->ssl ? "https" : "http");
    rp_buf_append_cstr(b, "\r\nX-Forwarded-Host: ");
    rp_buf_append_str(b, xfh.n ? xfh : req->host);
    rp_buf_append_cstr(b, "\r\nX-Request-Id: ");
    rp_buf_append_cstr(b, ex->reqid);
    rp_buf_append(b, "\r\n", 2);
    for (size_t k = 0; k < route->nset_headers; k++)
        rp_buf_printf(b, "%s: %s\r\n", route->set_headers[k].name, route->set_headers[k].value);
    for (size_t k = 0; k < cu->nset_headers; k++) {
        int by_route = 0;
        for (size_t j = 0; j < route->nset_headers && !by_route; j++)
            by_route = rp_str_ieq(rp_str_c(cu->set_headers[k].name), rp_str_c(route->set_headers[j].name));
        if (!by_route)
            rp_buf_printf(b, "%s: %s\r\n", cu->set_headers[k].name, cu->set_headers[k].value);
    }
    if (sign->secret) {
        /* Over the method, Host and target exactly as written above. The
         * offsets are taken now: appends may have moved the buffer. */
        char value[RP_SIGN_VALUE_MAX];
        size_t vn = rp_sign_value(sign->secret, sign->secret_len, (uint64_t)time(NULL), req->method,
                                  rp_str(b->p + host_at, host_end - host_at),
                                  rp_str(b->p + target_at, target_end - target_at), RP_STR_NULL,
                                  value, sizeof(value));
        if (vn) {
            rp_buf_append_cstr(b, sign->header);
            rp_buf_append(b, ": ", 2);
            rp_buf_append(b, value, vn);
            rp_buf_append(b, "\r\n", 2);
        }
    }
    if (ex->req_mode == RP_BODY_CL) {
        rp_buf_append_cstr(b, "Content-Length: ");
        rp_buf_append_u64(b, ex->req_remaining);
        rp_buf_append(b, "\r\n", 2);
    }
    else if (ex->req_mode == RP_BODY_CHUNKED)
        rp_buf_append_cstr(b, "Transfer-Encoding: chunked\r\n");
    rp_buf_append(b, "\r\n", 2);
}

/* ---------------------------------------------------------------------- */
/* Start.                                                                   */

static int valid_request_id(rp_str_t v)
{
    if (v.n == 0 || v.n > 64)
        return 0;
    for (size_t i = 0; i < v.n; i++) {
        unsigned char ch = (unsigned char)v.p[i];
        if (!(ch == '-' || ch == '_' || ch == '.' || (ch >= '0' && ch <= '9') ||
              (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
            return 0;
    }
    return 1;
}

static rp_str_t host_without_port(rp_str_t h)
{
    if (h.n == 0)
        return h;
    if (h.p[0] == '[') {
        const char *e = memchr(h.p, ']', h.n);
        return e ? rp_str(h.p, (size_t)(e - h.p) + 1) : h;
    }
    const char *colon = memchr(h.p, ':', h.n);
    return colon ? rp_str(h.p, (size_t)(colon - h.p)) : h;
}

void rp__exchange_start(rp_conn_t *c, rp_http_request_t *req, size_t head_len)
{
    rp_worker_t *w = c->w;
    rp_exchange_t *ex = calloc(1, sizeof(*ex));
    if (!ex) {
        c->in.start += head_len;
        rp__respond_error(&c->out, 503, "out of memory", NULL, 1);
        rp__conn_exchange_done(c, 0);
        return;
    }
    ex->c = c;
    ex->wrt = w->cur;
    ex->wrt->refs++;
    c->ex = ex;
    c->state = RP_CONN_EXCHANGE;
    const rp_runtime_t *rt = ex->wrt->rt;
    const rp_conf_t *conf = rt->conf;
    rp_arena_init(&ex->arena, 2048);
    rp_buf_init(&ex->head);
    rp_buf_init(&ex->up_out);
    ex->t_start_us = rp_now_us();
    ex->bytes_in = head_len;
    ex->method = arena_copy(ex, req->method);
    ex->host = arena_copy(ex, req->host);
    ex->path = arena_copy(ex, req->path);
    ex->query = arena_copy(ex, req->query);
    ex->minor = req->minor_version;
    ex->keepalive = req->keep_alive ? 1 : 0;
    ex->is_head = rp_str_eq(req->method, RP_STRLIT("HEAD"));
    ex->idempotent = rp_http_method_idempotent(req->method) ? 1 : 0;
    memcpy(ex->peer_ip, c->peer_ip, sizeof(ex->peer_ip));
    int trusted = rp__real_ip(conf, &c->peer, c->peer_ip, req, ex->client_ip, sizeof(ex->client_ip));
    ex->reqid[0] = '\0';
    if (trusted) {
        for (size_t i = 0; i < req->num_headers; i++) {
            if (rp_str_ieq(req->headers[i].name, RP_STRLIT("x-request-id")) &&
                valid_request_id(req->headers[i].value)) {
                memcpy(ex->reqid, req->headers[i].value.p, req->headers[i].value.n);
                ex->reqid[req->headers[i].value.n] = '\0';
                break;
            }
        }
    }
    if (!ex->reqid[0])
        rp__request_id(w, ex->reqid);

    /* Body framing. */
    if (req->flags & RP_HTTP_F_CHUNKED) {
        ex->req_mode = RP_BODY_CHUNKED;
        rp_http_chunked_init(&ex->req_chunk);
    } else if ((req->flags & RP_HTTP_F_HAS_CL) && req->content_length > 0) {
        ex->req_mode = RP_BODY_CL;
        ex->req_remaining = req->content_length;
    } else {
        ex->req_mode = RP_BODY_NONE;
        ex->req_done = 1;
    }
    int want_body = ex->req_mode != RP_BODY_NONE;
    int expect = (req->flags & RP_HTTP_F_EXPECT_CONTINUE) && ex->minor == 1 && want_body;
    size_t buffered_body = rp_iobuf_len(&c->in) - head_len;

    /* Health-check listener: answers only its path. */
    size_t li = c->l->conf_index;
    const rp_conf_listener_t *lis = li < conf->nlisteners ? &conf->listeners[li] : NULL;
    if (lis && lis->metrics_path && rp_str_eq(req->path, rp_str_c(lis->metrics_path)) &&
        (rp_str_eq(req->method, RP_STRLIT("GET")) || ex->is_head)) {
        rp_buf_t m;
        rp_buf_init(&m);
        rp__metrics_render(w->node, &m);
        static const rp_conf_header_t prom_ct[] = {
            { (char *)"Content-Type", (char *)"text/plain; version=0.0.4; charset=utf-8" }
        };
        respond_local(ex, 200, prom_ct, 1, m.p ? m.p : "", m.len);
        rp_buf_dispose(&m);
        goto local;
    }
    if (lis && lis->ingest_path) {
        rp_buf_t ib;
        rp_buf_init(&ib);
        int st = 0, m = rp__disc_ingest_match(ex, lis, req, &st, &ib);
        if (m == 1) {
            respond_local(ex, st, json_ct, 1, ib.p ? ib.p : "", ib.len);
            rp_buf_dispose(&ib);
            goto local;
        }
        if (m == 2) {
            /* Authenticated: read the body (nothing goes upstream), then
             * rp__exchange_run answers with the counts. */
            ex->discard_body = 1;
            ex->max_body = conf->discovery.ingest_max_body;
            c->in.start += head_len;
            if (ex->req_mode == RP_BODY_CL && ex->req_remaining > ex->max_body) {
                rp__exchange_fail(ex, 413, "ingest body larger than discovery.ingest_max_body");
                return;
            }
            if (expect && buffered_body == 0) {
                rp_buf_append_cstr(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
                ex->sent_continue = 1;
            }
            if (!ex->req_done)
                rp_timer_start(&w->loop, &c->timer, conf->timeouts.client_body_ms);
            return;
        }
    }
    if (lis && lis->health_path) {
        if (rp_str_eq(req->path, rp_str_c(lis->health_path)) &&
            (rp_str_eq(req->method, RP_STRLIT("GET")) || ex->is_head)) {
            if (w->draining)
                respond_json(ex, 503, "{\"status\":\"draining\"}\n");
            else
                respond_json(ex, 200, "{\"status\":\"ok\"}\n");
        } else {
            respond_json(ex, 404, "{\"error\":\"not found\"}\n");
        }
        goto local;
    }

    rp_str_t host = host_without_port(req->host);
    ex->route = rp__runtime_route(rt, li, host, req->path);
    if (!ex->route) {
        char body[128];
        snprintf(body, sizeof(body), "{\"error\":\"no route\",\"request_id\":\"%s\"}\n", ex->reqid);
        respond_json(ex, 404, body);
        goto local;
    }
    ex->max_body = ex->route->max_body;
    rp__disc_note_request(ex, req);
    if (ex->max_body && ex->req_mode == RP_BODY_CL && ex->req_remaining > ex->max_body) {
        c->in.start += head_len;
        rp__exchange_fail(ex, 413, "request body larger than the route allows");
        return;
    }
    if (rp__waf_begin(ex, req, want_body))
        goto local;
    if (ex->route->action == RP_ROUTE_RESPOND) {
        ex->inspect = ex->hold = 0; /* nothing to forward: a mock route inspects the head only */
        respond_local(ex, ex->route->status, ex->route->headers, ex->route->nheaders,
                      ex->route->body, ex->route->body_len);
        goto local;
    }

    build_upstream_head(ex, req, trusted);
    c->in.start += head_len;
    if (expect && buffered_body == 0) {
        rp_buf_append_cstr(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
        ex->sent_continue = 1;
    }
    rp_buf_append(&ex->up_out, ex->head.p, ex->head.len);
    if (!ex->hold && rp__upstream_acquire(ex) < 0)
        return; /* failed and answered */
    if (!ex->req_done)
        rp_timer_start(&w->loop, &c->timer, conf->timeouts.client_body_ms);
    return;

local:
    c->in.start += head_len;
    if (want_body && (expect || ex->req_mode == RP_BODY_CHUNKED || ex->req_remaining > 65536)) {
        /* Do not read a body nobody needs: answer and close. */
        ex->close_after = 1;
        ex->req_done = 1;
    }
    if (!ex->req_done)
        rp_timer_start(&w->loop, &c->timer, conf->timeouts.client_body_ms);
}

/* ---------------------------------------------------------------------- */
/* Request body: client -> upstream.                                        */

/* The body inspection is complete: judge; a held request then goes to the
 * upstream. Returns 1 when blocked (answered), 0 when forwarded, -1 when
 * the exchange ended. */
static int waf_verdict(rp_exchange_t *ex)
{
    if (rp__waf_body_done(ex))
        return 1;
    if (ex->hold) {
        ex->hold = 0;
        if (rp__upstream_acquire(ex) < 0)
            return -1;
    }
    return 0;
}

/* Returns 1 on progress, 0 on none, -1 when the exchange ended. */
static int pump_request_body(rp_exchange_t *ex)
{
    rp_conn_t *c = ex->c;
    rp_worker_t *w = c->w;
    int progress = 0, need_more = 0;
    while (!ex->req_done) {
        if (ex->inspect && ex->insp.len >= ex->insp_limit) {
            int r = waf_verdict(ex);
            if (r < 0)
                return -1;
            if (r > 0)
                continue; /* blocked: the rest of the body is discarded */
        }
        if (!ex->discard_body && !ex->hold && up_out_pending(ex) >= RP_OUT_HIGH_WATER)
            break;
        size_t avail = rp_iobuf_len(&c->in);
        if (avail == 0 || need_more) {
            need_more = 0;
            if (!c->readable)
                break;
            if (avail == 0 && (ex->req_mode == RP_BODY_CHUNKED || ex->req_remaining > RP_IOBUF_SIZE))
                rp__iobuf_reserve_body(w, &c->in);
            int eof = 0, drained = 0;
            int n = rp__iobuf_read(w, &c->in, c->fd, c->ssl, RP_IOBUF_SIZE, &eof, &drained);
            if (n < 0 || eof) {
                c->eof = 1;
                /* The client vanished mid-body: nothing left to answer. */
                rp__conn_close(c);
                return -1;
            }
            if (n == 0) {
                c->readable = 0;
                break;
            }
            if (drained && !c->hup)
                c->readable = 0;
            ex->bytes_in += (uint64_t)n;
            rp_timer_start(&w->loop, &c->timer, ex->wrt->rt->conf->timeouts.client_body_ms);
            progress = 1;
            continue;
        }
        const char *data = c->in.p + c->in.start;
        progress = 1;
        if (ex->req_mode == RP_BODY_CL) {
            size_t take = (size_t)RP_MIN((uint64_t)avail, ex->req_remaining);
            rp_upconn_t *u = ex->up;
            if (!ex->discard_body) {
                size_t sent = 0;
                if (u && u->connected && u->writable && up_out_pending(ex) == 0) {
                    int wr = 1;
                    sent = send_direct(u->fd, u->ssl, data, take, &wr);
                    u->writable = (unsigned)wr;
                    if (sent)
                        ex->up_written = 1;
                }
                rp_buf_append(&ex->up_out, data + sent, take - sent);
            }
            if (ex->inspect)
                rp__waf_collect(ex, data, take);
            if (ex->ingest)
                rp__disc_ingest_body(ex, data, take);
            else if (ex->d_sample && !ex->inspect)
                rp__disc_req_body(ex, data, take);
            c->in.start += take;
            ex->req_remaining -= take;
            ex->req_body_bytes += take;
            if (ex->req_remaining == 0)
                ex->req_done = 1;
            continue;
        }
        size_t consumed = 0;
        rp_str_t piece;
        int r = rp_http_chunked_next(&ex->req_chunk, data, avail, &consumed, &piece);
        c->in.start += consumed;
        if (r == RP_HTTP_CHUNK_DATA) {
            ex->req_body_bytes += piece.n;
            if (ex->max_body && ex->req_body_bytes > ex->max_body) {
                rp__exchange_fail(ex, 413, "request body larger than the route allows");
                return -1;
            }
            if (ex->inspect)
                rp__waf_collect(ex, piece.p, piece.n);
            if (ex->ingest)
                rp__disc_ingest_body(ex, piece.p, piece.n);
            else if (ex->d_sample && !ex->inspect)
                rp__disc_req_body(ex, piece.p, piece.n);
            if (!ex->discard_body)
                emit_chunk(&ex->up_out, piece.p, piece.n);
        } else if (r == RP_HTTP_CHUNK_TRAILER) {
            if (!ex->req_trailer && !ex->discard_body)
                rp_buf_append(&ex->up_out, "0\r\n", 3);
            ex->req_trailer = 1;
            if (!ex->discard_body && !trailer_forbidden(piece)) {
                rp_buf_append(&ex->up_out, piece.p, piece.n);
                rp_buf_append(&ex->up_out, "\r\n", 2);
            }
        } else if (r == RP_HTTP_CHUNK_DONE) {
            if (!ex->discard_body)
                rp_buf_append(&ex->up_out, ex->req_trailer ? "\r\n" : "0\r\n\r\n",
                              ex->req_trailer ? 2 : 5);
            ex->req_done = 1;
        } else if (r == RP_EINVAL) {
            rp__exchange_fail(ex, 400, ex->req_chunk.error ? ex->req_chunk.error : "bad chunked body");
            return -1;
        } else if (consumed < avail) {
            /* RP_EAGAIN short of the end: an incomplete trailer line is
             * kept whole in the buffer; only more input can finish it. */
            need_more = 1;
        }
    }
    if (ex->req_done && ex->inspect) {
        int r = waf_verdict(ex);
        if (r < 0)
            return -1;
        progress = 1;
    }
    if (ex->req_done && ex->up)
        rp_timer_start(&w->loop, &ex->up->timer, ex->up->connected ? rp__upstream_response_timeout(ex)
                                                                   : rp__upstream_connect_timeout(ex));
    return progress;
}

/* ---------------------------------------------------------------------- */
/* Upstream I/O.                                                            */

/* Returns 1 on progress, 0 on none, -1 when the exchange ended. */
static int flush_upstream(rp_exchange_t *ex)
{
    rp_upconn_t *u = ex->up;
    int progress = 0;
    if (!u || !u->connected)
        return 0;
    while (ex->up_out_off < ex->up_out.len) {
        if (!u->writable)
            return progress;
        ssize_t n = rp__io_write(u->fd, u->ssl, ex->up_out.p + ex->up_out_off,
                                 ex->up_out.len - ex->up_out_off);
        if (n > 0) {
            ex->up_out_off += (size_t)n;
            ex->up_written = 1;
            progress = 1;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            u->writable = 0;
            return progress;
        }
        /* Broken upstream connection while sending. */
        if (ex->resp_head_done) {
            /* It answered already (e.g. an early 413): stop sending. */
            ex->up_out.len = ex->up_out_off = 0;
            ex->close_after = 1;
            ex->req_done = 1;
            u->eof = 1;
            return 1;
        }
        rp__upstream_error(ex, 0, errno == ECONNRESET || errno == EPIPE ? "upstream reset the connection"
                                                                       : "upstream write failed");
        return -1;
    }
    ex->up_out.len = ex->up_out_off = 0;
    if (ex->up_out.cap > 4 * RP_OUT_HIGH_WATER)
        rp_buf_dispose(&ex->up_out);
    return progress;
}

/* Writes the client's response head from the upstream's. */
static void write_response_head(rp_exchange_t *ex, const rp_http_response_t *res, int interim)
{
    rp_buf_t *o = &ex->c->out;
    conn_tokens_t tokens;
    collect_conn_tokens(res->headers, res->num_headers, &tokens);
    rp_buf_append_cstr(o, "HTTP/1.1 ");
    rp_buf_append_u64(o, (uint64_t)res->status);
    rp_buf_append(o, " ", 1);
    rp_buf_append_str(o, res->reason.n ? res->reason : rp_str_c(rp__status_reason(res->status)));
    rp_buf_append(o, "\r\n", 2);
    for (size_t i = 0; i < res->num_headers; i++) {
        const rp_http_header_t *h = &res->headers[i];
        if (skip_forward(h->name, &tokens))
            continue;
        rp_buf_append_str(o, h->name);
        rp_buf_append(o, ": ", 2);
        rp_buf_append_str(o, h->value);
        rp_buf_append(o, "\r\n", 2);
    }
    if (!interim) {
        if ((res->flags & RP_HTTP_F_HAS_CL) && !(res->flags & RP_HTTP_F_CHUNKED)) {
            rp_buf_append_cstr(o, "Content-Length: ");
            rp_buf_append_u64(o, res->content_length);
            rp_buf_append(o, "\r\n", 2);
        }
        if (ex->resp_chunked_out)
            rp_buf_append_cstr(o, "Transfer-Encoding: chunked\r\n");
        if (!ex->keepalive || ex->close_after)
            rp_buf_append_cstr(o, "Connection: close\r\n");
        else if (ex->minor == 0)
            rp_buf_append_cstr(o, "Connection: keep-alive\r\n");
    }
    rp_buf_append(o, "\r\n", 2);
}

/* Handles a parsed response head. Returns 0, or -1 if the exchange ended. */
static int on_response_head(rp_exchange_t *ex, const rp_http_response_t *res)
{
    if (res->status < 200) {
        if (res->status == 101) {
            rp__exchange_fail(ex, 502, "upstream switched protocols unasked");
            return -1;
        }
        if (ex->minor == 1 && !(res->status == 100 && ex->sent_continue))
            write_response_head(ex, res, 1);
        return 0;
    }
    ex->status = res->status;
    if (ex->d_on)
        rp__disc_resp_head(ex, res);
    ex->resp_head_done = 1;
    ex->resp_started = 1;
    if (!rp_http_response_has_body(ex->method, res->status))
        ex->resp_mode = RP_BODY_NONE;
    else if (res->flags & RP_HTTP_F_CHUNKED)
        ex->resp_mode = RP_BODY_CHUNKED;
    else if (res->flags & RP_HTTP_F_HAS_CL)
        ex->resp_mode = RP_BODY_CL;
    else
        ex->resp_mode = RP_BODY_CLOSE;
    ex->resp_remaining = res->content_length;
    if (ex->resp_mode == RP_BODY_CL && ex->resp_remaining == 0)
        ex->resp_mode = RP_BODY_NONE;
    ex->up_keepalive = res->keep_alive && ex->resp_mode != RP_BODY_CLOSE;
    if (ex->resp_mode == RP_BODY_CHUNKED)
        rp_http_chunked_init(&ex->resp_chunk);
    if (ex->resp_mode == RP_BODY_CHUNKED || ex->resp_mode == RP_BODY_CLOSE) {
        if (ex->minor == 1)
            ex->resp_chunked_out = 1;
        else
            ex->close_after = 1; /* HTTP/1.0: the end is the close */
    }
    if (!ex->req_done) {
        /* Answered before the whole request was sent (e.g. an early error):
         * the connection cannot carry another request. */
        ex->close_after = 1;
    }
    write_response_head(ex, res, 0);
    if (ex->resp_mode == RP_BODY_NONE)
        ex->resp_done = 1;
    return 0;
}

/* Returns 1 on progress, 0 on none, -1 when the exchange ended. */
static int pump_response(rp_exchange_t *ex)
{
    rp_conn_t *c = ex->c;
    rp_worker_t *w = c->w;
    rp_upconn_t *u = ex->up;
    int progress = 0, force_read = 0;
    while (!ex->resp_done && u) {
        if (client_out_pending(c) >= RP_OUT_HIGH_WATER)
            break;
        size_t avail = rp_iobuf_len(&u->in);
        int need_read = avail == 0 || force_read;
        force_read = 0;
        if (!need_read && !ex->resp_head_done) {
            rp_http_header_t hs[RP_MAX_RESP_HEADERS];
            rp_http_response_t res;
            memset(&res, 0, sizeof(res));
            res.headers = hs;
            res.num_headers = RP_MAX_RESP_HEADERS;
            int r = rp_http_parse_response(u->in.p + u->in.start, avail, &res,
                                           &ex->wrt->rt->resp_limits, &ex->resp_scan);
            if (r == RP_EINVAL) {
                rp__upstream_failed(ex->wrt, u->up, u->srv, w->loop.now);
                rp__exchange_fail(ex, 502, res.error ? res.error : "malformed upstream response");
                return -1;
            }
            if (r > 0) {
                ex->resp_scan = 0;
                if (on_response_head(ex, &res) < 0)
                    return -1;
                u->in.start += (size_t)r;
                progress = 1;
                continue;
            }
            need_read = 1;
        }
        if (need_read) {
            if (!u->readable)
                break;
            if (avail == 0 && ex->resp_head_done &&
                (ex->resp_mode != RP_BODY_CL || ex->resp_remaining > RP_IOBUF_SIZE))
                rp__iobuf_reserve_body(w, &u->in);
            int eof = 0, drained = 0;
            int n = rp__iobuf_read(w, &u->in, u->fd, u->ssl, RP_MAX_RESP_HEAD, &eof, &drained);
            if (n == -2) {
                rp__exchange_fail(ex, 502, "upstream response head too large");
                return -1;
            }
            if (n < 0 || eof) {
                u->eof = 1;
                u->readable = 0;
                if (!ex->resp_head_done) {
                    rp__upstream_error(ex, 0, n < 0 ? "upstream reset the connection"
                                                    : "upstream closed the connection before responding");
                    return -1;
                }
                if (ex->resp_mode == RP_BODY_CLOSE && rp_iobuf_len(&u->in) == 0) {
                    if (ex->resp_chunked_out)
                        rp_buf_append(&c->out, "0\r\n\r\n", 5);
                    ex->resp_done = 1;
                    return 1;
                }
                if (rp_iobuf_len(&u->in) == 0) {
                    /* Truncated body: cut the client connection too. */
                    rp__exchange_fail(ex, 502, "upstream closed mid-body");
                    return -1;
                }
                continue;
            }
            if (n == 0) {
                u->readable = 0;
                break;
            }
            if (drained && !u->hup)
                u->readable = 0;
            rp_timer_start(&w->loop, &u->timer, rp__upstream_response_timeout(ex));
            progress = 1;
            continue;
        }
        /* Body bytes. */
        const char *data = u->in.p + u->in.start;
        progress = 1;
        if (ex->resp_mode == RP_BODY_CL) {
            size_t take = (size_t)RP_MIN((uint64_t)avail, ex->resp_remaining);
            size_t sent = 0;
            if (c->writable && client_out_pending(c) == 0) {
                int wr = 1;
                sent = send_direct(c->fd, c->ssl, data, take, &wr);
                c->writable = (unsigned)wr;
                ex->bytes_out += sent;
            }
            rp_buf_append(&c->out, data + sent, take - sent);
            if (ex->d_sample)
                rp__disc_resp_body(ex, data, take);
            u->in.start += take;
            ex->resp_remaining -= take;
            if (ex->resp_remaining == 0)
                ex->resp_done = 1;
        } else if (ex->resp_mode == RP_BODY_CLOSE) {
            if (ex->d_sample)
                rp__disc_resp_body(ex, data, avail);
            if (ex->resp_chunked_out)
                emit_chunk(&c->out, data, avail);
            else
                rp_buf_append(&c->out, data, avail);
            u->in.start += avail;
        } else {
            size_t consumed = 0;
            rp_str_t piece;
            int r = rp_http_chunked_next(&ex->resp_chunk, data, avail, &consumed, &piece);
            u->in.start += consumed;
            if (r == RP_HTTP_CHUNK_DATA) {
                if (ex->d_sample)
                    rp__disc_resp_body(ex, piece.p, piece.n);
                if (ex->resp_chunked_out)
                    emit_chunk(&c->out, piece.p, piece.n);
                else
                    rp_buf_append(&c->out, piece.p, piece.n);
            } else if (r == RP_HTTP_CHUNK_TRAILER) {
                if (ex->resp_chunked_out) {
                    if (!ex->resp_trailer)
                        rp_buf_append(&c->out, "0\r\n", 3);
                    ex->resp_trailer = 1;
                    if (!trailer_forbidden(piece)) {
                        rp_buf_append(&c->out, piece.p, piece.n);
                        rp_buf_append(&c->out, "\r\n", 2);
                    }
                }
            } else if (r == RP_HTTP_CHUNK_DONE) {
                if (ex->resp_chunked_out)
                    rp_buf_append(&c->out, ex->resp_trailer ? "\r\n" : "0\r\n\r\n",
                                  ex->resp_trailer ? 2 : 5);
                ex->resp_done = 1;
            } else if (r == RP_EINVAL) {
                rp__exchange_fail(ex, 502, "malformed chunked response from upstream");
                return -1;
            } else if (consumed < avail) {
                force_read = 1; /* incomplete trailer line: need more input */
            }
        }
    }
    return progress;
}

/* ---------------------------------------------------------------------- */
/* The pump.                                                                */

void rp__exchange_run(rp_exchange_t *ex)
{
    rp_conn_t *c = ex->c;
    rp_worker_t *w = c->w;
    for (int rounds = 0; rounds < 1024; rounds++) {
        int progress = 0, r;
        if (!ex->req_done) {
            if ((r = pump_request_body(ex)) < 0)
                return;
            progress |= r;
        }
        if (ex->ingest && ex->req_done && !ex->resp_started) {
            rp_buf_t ib;
            rp_buf_init(&ib);
            int st = 500;
            rp__disc_ingest_run(ex, &st, &ib);
            respond_local(ex, st, json_ct, 1, ib.p ? ib.p : "", ib.len);
            rp_buf_dispose(&ib);
            progress = 1;
        }
        if (ex->up) {
            if ((r = flush_upstream(ex)) < 0)
                return;
            progress |= r;
        }
        if (ex->up && !ex->resp_done) {
            if ((r = pump_response(ex)) < 0)
                return;
            progress |= r;
        }
        size_t before = client_out_pending(c);
        int f = rp__conn_flush(c);
        if (f < 0) {
            c->eof = 1;
            rp__conn_close(c);
            return;
        }
        if (client_out_pending(c) != before)
            progress = 1;
        if (ex->resp_done && f == 0 && (ex->req_done || ex->close_after)) {
            if (!ex->req_done)
                ex->close_after = 1;
            exchange_finish(ex);
            return;
        }
        if (!progress)
            break;
    }
    /* Waiting: make sure some timer covers the wait on the client side
     * (while the body is read, the client_body timer re-armed per read). */
    if (client_out_pending(c) > 0)
        rp_timer_start(&w->loop, &c->timer, ex->wrt->rt->conf->timeouts.send_ms);
    else if (ex->req_done)
        rp_timer_stop(&w->loop, &c->timer);
}

void rp__exchange_client_timeout(rp_exchange_t *ex)
{
    rp_conn_t *c = ex->c;
    if (!ex->req_done && client_out_pending(c) == 0) {
        c->readable = 0;
        rp__exchange_fail(ex, 408, "timed out reading the request body");
        return;
    }
    /* The client does not read what we send. */
    rp__conn_close(c);
}
