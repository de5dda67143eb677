/*
 * rampart/net.h - the event loop (epoll, edge-triggered), timers, sockets.
 *
 * One loop per worker thread, never shared: nothing here locks. Callbacks
 * run on the loop's thread. Timers live in a binary min-heap keyed by
 * deadline (ms, monotonic), re-armed in O(log n).
 */
#ifndef RAMPART_NET_H
#define RAMPART_NET_H

#include "rampart/core.h"

#include <netinet/in.h>
#include <sys/socket.h>

typedef struct rp_loop rp_loop_t;
typedef struct rp_io rp_io_t;
typedef struct rp_timer rp_timer_t;

/* Event bits passed to io callbacks. */
enum { RP_IO_READ = 1, RP_IO_WRITE = 2, RP_IO_HUP = 4, RP_IO_ERR = 8 };

typedef void (*rp_io_cb)(rp_loop_t *loop, rp_io_t *io, unsigned events);
typedef void (*rp_timer_cb)(rp_loop_t *loop, rp_timer_t *t);

struct rp_io {
    int fd;
    rp_io_cb cb;
    void *data;
};

struct rp_timer {
    uint64_t deadline;  /* absolute, rp_loop_now() clock */
    size_t heap_idx;    /* 0 = not armed; else 1-based heap slot */
    rp_timer_cb cb;
    void *data;
};

struct rp_loop {
    int epfd;
    int stop;
    uint64_t now;          /* cached monotonic ms, refreshed each iteration */
    rp_timer_t **heap;     /* 1-based min-heap */
    size_t heap_len, heap_cap;
    void **defer;          /* objects freed after the current batch */
    size_t defer_len, defer_cap;
};

int rp_loop_init(rp_loop_t *loop);
void rp_loop_dispose(rp_loop_t *loop);
/* Runs until loop->stop is set (by a callback). */
void rp_loop_run(rp_loop_t *loop);
static inline uint64_t rp_loop_now(const rp_loop_t *loop) { return loop->now; }
/* Frees p (malloc'd) once the events already fetched have been dispatched:
 * an object holding an rp_io_t may be closed by one callback while another
 * event for it waits later in the same epoll batch. Call rp_io_stop first
 * (it clears the callback, so the late event is ignored). */
void rp_loop_defer_free(rp_loop_t *loop, void *p);

/* Registers fd for edge-triggered read+write+hup readiness (once). */
int rp_io_start(rp_loop_t *loop, rp_io_t *io, int fd, rp_io_cb cb, void *data);
/* Level-triggered read interest only (listening sockets, eventfds). */
int rp_io_start_lt(rp_loop_t *loop, rp_io_t *io, int fd, rp_io_cb cb, void *data);
void rp_io_stop(rp_loop_t *loop, rp_io_t *io);

static inline void rp_timer_init(rp_timer_t *t, rp_timer_cb cb, void *data)
{
    t->deadline = 0;
    t->heap_idx = 0;
    t->cb = cb;
    t->data = data;
}
static inline int rp_timer_armed(const rp_timer_t *t) { return t->heap_idx != 0; }
/* Arms (or re-arms) t to fire `ms` from now. Returns 0 or RP_ENOMEM. */
int rp_timer_start(rp_loop_t *loop, rp_timer_t *t, uint64_t ms);
void rp_timer_stop(rp_loop_t *loop, rp_timer_t *t);

/* ---------------------------------------------------------------------- */
/* Sockets.                                                                 */

int rp_sock_set_nonblock(int fd);
/* socket+SO_REUSEADDR+SO_REUSEPORT+bind+listen, non-blocking. Returns fd
 * or -errno. */
int rp_sock_listen(const struct sockaddr *addr, socklen_t len, int backlog);
/* Checks that addr can be bound by us (bind without listen, then close). */
int rp_sock_probe_bind(const struct sockaddr *addr, socklen_t len);
/* Non-blocking connect: returns fd (connection in progress or done) or
 * -errno. */
int rp_sock_connect(const struct sockaddr *addr, socklen_t len);
/* Formats "1.2.3.4" / "::1" (no port) into out; returns length. */
size_t rp_sock_ntop(const struct sockaddr *addr, char *out, size_t cap);
/* Formats "1.2.3.4:80" / "[::1]:80". */
size_t rp_sock_ntop_port(const struct sockaddr *addr, char *out, size_t cap);
/* Parses a numeric IPv4/IPv6 address text into a sockaddr (port 0). */
int rp_sock_pton(rp_str_t s, struct sockaddr_storage *ss);

#endif /* RAMPART_NET_H */
