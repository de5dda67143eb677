/*
 * Worker thread: one epoll loop, its own SO_REUSEPORT listening sockets,
 * its client connections. The master talks to it through an eventfd: "a
 * new runtime is current" or "stop". Nothing here locks.
 */
#include "proxy_int.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* ---------------------------------------------------------------------- */
/* Buffers: a free list of RP_IOBUF_SIZE blocks, so idle connections hold  */
/* no buffer and busy ones do not go to malloc for each request.            */

static const unsigned max_free_bufs[2] = { 256, 32 };

static int buf_class(size_t size)
{
    return size == RP_IOBUF_SIZE ? 0 : size == RP_IOBUF_BODY_SIZE ? 1 : -1;
}

char *rp__worker_buf_get(rp_worker_t *w, size_t size)
{
    int k = buf_class(size);
    if (k >= 0 && w->free_bufs[k]) {
        char *p = w->free_bufs[k];
        w->free_bufs[k] = *(void **)p;
        w->nfree_bufs[k]--;
        return p;
    }
    return malloc(size);
}

void rp__worker_buf_put(rp_worker_t *w, char *p, size_t size)
{
    int k = buf_class(size);
    if (k < 0 || w->nfree_bufs[k] >= max_free_bufs[k]) {
        free(p);
        return;
    }
    *(void **)p = w->free_bufs[k];
    w->free_bufs[k] = p;
    w->nfree_bufs[k]++;
}

/* xorshift128+: request ids need uniqueness, not secrecy. */
void rp__request_id(rp_worker_t *w, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    for (int k = 0; k < 2; k++) {
        uint64_t s1 = w->rng[0];
        const uint64_t s0 = w->rng[1];
        w->rng[0] = s0;
        s1 ^= s1 << 23;
        w->rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
        uint64_t v = w->rng[1] + s0;
        for (int i = 0; i < 16; i++) {
            out[k * 16 + i] = hex[v & 15];
            v >>= 4;
        }
    }
    out[32] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Runtime views.                                                           */

static rp_wrt_t *wrt_create(rp_runtime_t *rt)
{
    const rp_conf_t *conf = rt->conf;
    rp_wrt_t *wrt = rp_xcalloc(1, sizeof(*wrt));
    wrt->rt = rt;
    wrt->refs = 1;
    wrt->pools = rp_xcalloc(conf->nupstreams ? conf->nupstreams : 1, sizeof(*wrt->pools));
    wrt->rr = rp_xcalloc(conf->nupstreams ? conf->nupstreams : 1, sizeof(*wrt->rr));
    for (size_t u = 0; u < conf->nupstreams; u++) {
        wrt->pools[u] = rp_xcalloc(conf->upstreams[u].nservers, sizeof(rp_pool_t));
        for (size_t s = 0; s < conf->upstreams[u].nservers; s++)
            rp_dlist_init(&wrt->pools[u][s].idle);
    }
    return wrt;
}

static void wrt_destroy(rp_worker_t *w, rp_wrt_t *wrt)
{
    rp__pools_dispose(w, wrt);
    for (size_t u = 0; u < wrt->rt->conf->nupstreams; u++)
        free(wrt->pools[u]);
    free(wrt->pools);
    free(wrt->rr);
    rp__runtime_unref(wrt->rt);
    free(wrt);
}

void rp__wrt_unref(rp_worker_t *w, rp_wrt_t *wrt)
{
    if (--wrt->refs > 0)
        return;
    /* Unlink from the retired list. */
    for (rp_wrt_t **pp = &w->retired; *pp; pp = &(*pp)->next) {
        if (*pp == wrt) {
            *pp = wrt->next;
            break;
        }
    }
    wrt_destroy(w, wrt);
}

/* ---------------------------------------------------------------------- */
/* Listeners.                                                               */

static void listener_cb(rp_loop_t *loop, rp_io_t *io, unsigned events)
{
    rp_wlistener_t *l = io->data;
    rp_worker_t *w = l->w;
    /* Level-triggered: accept a bounded batch, come back next iteration. */
    for (int i = 0; i < 64 && l->fd >= 0; i++) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                rp_log_warn("worker %d: accept: out of file descriptors", w->id);
            return;
        }
        w->stats.accepted++;
        if (w->nconns >= w->cur->rt->conf->limits.max_connections) {
            w->stats.conn_limit_hits++;
            close(fd);
            continue;
        }
        rp__conn_accept(w, l, fd, &peer);
    }
}

static void listener_close(rp_worker_t *w, rp_wlistener_t *l)
{
    if (l->fd < 0)
        return;
    rp_io_stop(&w->loop, &l->io);
    close(l->fd);
    l->fd = -1;
}

/* Makes the worker's listening sockets match rt: keeps sockets whose
 * address is unchanged, opens new ones, closes removed ones. Structures of
 * closed listeners stay allocated (connections point to them) until exit. */
static int listeners_sync(rp_worker_t *w, rp_runtime_t *rt)
{
    const rp_conf_t *conf = rt->conf;
    for (rp_wlistener_t *l = w->listeners; l; l = l->next)
        l->keep = 0;
    int rc = 0;
    for (size_t i = 0; i < conf->nlisteners; i++) {
        const rp_conf_listener_t *cl = &conf->listeners[i];
        rp_wlistener_t *l;
        for (l = w->listeners; l; l = l->next)
            if (l->fd >= 0 && l->addrlen == cl->addrlen && memcmp(&l->addr, &cl->addr, cl->addrlen) == 0)
                break;
        if (!l) {
            int fd = rp_sock_listen((const struct sockaddr *)&cl->addr, cl->addrlen, 4096);
            if (fd < 0) {
                rp_log_error("worker %d: cannot listen on %s: %s", w->id, cl->listen, strerror(-fd));
                rc = -1;
                continue;
            }
            l = rp_xcalloc(1, sizeof(*l));
            l->w = w;
            l->addr = cl->addr;
            l->addrlen = cl->addrlen;
            l->fd = fd;
            l->next = w->listeners;
            w->listeners = l;
            if (rp_io_start_lt(&w->loop, &l->io, fd, listener_cb, l) < 0) {
                listener_close(w, l);
                rc = -1;
                continue;
            }
        }
        l->keep = 1;
        l->conf_index = i;
    }
    for (rp_wlistener_t *l = w->listeners; l; l = l->next)
        if (!l->keep)
            listener_close(w, l);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Config switch and stop.                                                  */

static void worker_switch(rp_worker_t *w, rp_runtime_t *rt)
{
    rp_wrt_t *old = w->cur;
    w->cur = wrt_create(rt);
    listeners_sync(w, rt);
    if (old) {
        old->next = w->retired;
        w->retired = old;
        rp__wrt_unref(w, old);
    }
}

static void worker_check_drained(rp_worker_t *w)
{
    if (w->draining && w->nconns == 0)
        w->loop.stop = 1;
}

static void drain_timer_cb(rp_loop_t *loop, rp_timer_t *t)
{
    rp_worker_t *w = t->data;
    /* Deadline passed: close what is left. */
    while (!rp_dlist_empty(&w->conns)) {
        rp_conn_t *c = rp_container_of(w->conns.next, rp_conn_t, link);
        rp__conn_close(c);
    }
    loop->stop = 1;
}

static void worker_start_drain(rp_worker_t *w)
{
    if (w->draining)
        return;
    w->draining = 1;
    for (rp_wlistener_t *l = w->listeners; l; l = l->next)
        listener_close(w, l);
    /* Idle keep-alive connections go now; busy ones after their response. */
    rp_dlist_t *e = w->conns.next;
    while (e != &w->conns) {
        rp_conn_t *c = rp_container_of(e, rp_conn_t, link);
        e = e->next;
        if (c->state == RP_CONN_HEAD && rp_iobuf_len(&c->in) == 0)
            rp__conn_close(c);
    }
    rp_timer_init(&w->drain_timer, drain_timer_cb, w);
    rp_timer_start(&w->loop, &w->drain_timer, w->cur->rt->conf->timeouts.graceful_stop_ms);
    worker_check_drained(w);
}

static void wake_cb(rp_loop_t *loop, rp_io_t *io, unsigned events)
{
    rp_worker_t *w = io->data;
    uint64_t v;
    while (read(w->wake_fd, &v, sizeof(v)) > 0) {
    }
    rp_runtime_t *rt = atomic_load(&w->node->current);
    if (!w->draining && rt != w->cur->rt) {
        rp__runtime_ref(rt);
        worker_switch(w, rt);
    }
    if (atomic_load(&w->node->stopping))
        worker_start_drain(w);
}

void rp__worker_wake(rp_worker_t *w)
{
    uint64_t one = 1;
    ssize_t n = write(w->wake_fd, &one, sizeof(one));
    (void)n;
}

static void alog_timer_cb(rp_loop_t *loop, rp_timer_t *t)
{
    rp__access_log_flush(t->data);
}

/* Called by conn.c whenever a connection goes away. */
void rp__worker_conn_gone(rp_worker_t *w)
{
    worker_check_drained(w);
}

void *rp__worker_main(void *arg)
{
    rp_worker_t *w = arg;
    rp_node_t *node = w->node;
    int ok = 0;
    rp_dlist_init(&w->conns);
    rp_buf_init(&w->alog);
    rp_timer_init(&w->alog_timer, alog_timer_cb, w);
    rp_random_bytes(w->rng, sizeof(w->rng));
    w->rng[0] |= 1;
    w->waf_scratch = rp_waf_scratch_new();
    if (w->waf_scratch && rp_loop_init(&w->loop) == 0) {
        w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (w->wake_fd >= 0 && rp_io_start_lt(&w->loop, &w->wake_io, w->wake_fd, wake_cb, w) == 0) {
            rp_runtime_t *rt = atomic_load(&node->current);
            rp__runtime_ref(rt);
            w->cur = wrt_create(rt);
            ok = listeners_sync(w, rt) == 0;
        }
    }
    pthread_mutex_lock(&node->start_mu);
    w->started_ok = ok;
    node->started++;
    pthread_cond_broadcast(&node->start_cv);
    pthread_mutex_unlock(&node->start_mu);

    if (ok) {
        /* A stop may have been requested before the eventfd existed. */
        if (atomic_load(&node->stopping))
            worker_start_drain(w);
        rp_loop_run(&w->loop);
    }

    /* Tear down: connections, listeners, runtime views, buffers. */
    while (!rp_dlist_empty(&w->conns))
        rp__conn_close(rp_container_of(w->conns.next, rp_conn_t, link));
    rp__access_log_flush(w);
    rp_buf_dispose(&w->alog);
    while (w->listeners) {
        rp_wlistener_t *l = w->listeners;
        w->listeners = l->next;
        listener_close(w, l);
        free(l);
    }
    if (w->cur)
        rp__wrt_unref(w, w->cur);
    while (w->retired) {
        rp_wrt_t *r = w->retired;
        w->retired = r->next;
        wrt_destroy(w, r);
    }
    for (int k = 0; k < 2; k++) {
        while (w->free_bufs[k]) {
            void *p = w->free_bufs[k];
            w->free_bufs[k] = *(void **)p;
            free(p);
        }
    }
    if (w->wake_fd >= 0)
        close(w->wake_fd);
    rp_loop_dispose(&w->loop);
    rp_waf_scratch_free(w->waf_scratch);
    w->waf_scratch = NULL;

    pthread_mutex_lock(&node->start_mu);
    node->exited++;
    pthread_cond_broadcast(&node->start_cv);
    pthread_mutex_unlock(&node->start_mu);
    return NULL;
}
