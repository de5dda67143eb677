/*
 * Event loop: epoll (edge-triggered for connections, level-triggered for
 * listeners and wake-up fds) and a binary min-heap of timers.
 *
 * Each iteration: refresh the cached clock, wait until the earliest timer
 * (at most 1 s), dispatch I/O, then fire expired timers. A callback may stop,
 * free or re-arm any timer or io, including its own.
 */
#include "rampart/net.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

int rp_loop_init(rp_loop_t *loop)
{
    memset(loop, 0, sizeof(*loop));
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0)
        return RP_EIO;
    loop->now = rp_now_ms();
    return 0;
}

static void run_deferred(rp_loop_t *loop)
{
    for (size_t i = 0; i < loop->defer_len; i++)
        free(loop->defer[i]);
    loop->defer_len = 0;
}

void rp_loop_defer_free(rp_loop_t *loop, void *p)
{
    if (loop->defer_len == loop->defer_cap) {
        size_t cap = loop->defer_cap ? loop->defer_cap * 2 : 64;
        void **d = realloc(loop->defer, cap * sizeof(*d));
        if (!d) {
            /* Cannot defer: the object leaks rather than risk a
             * use-after-free. Only under memory exhaustion. */
            return;
        }
        loop->defer = d;
        loop->defer_cap = cap;
    }
    loop->defer[loop->defer_len++] = p;
}

void rp_loop_dispose(rp_loop_t *loop)
{
    run_deferred(loop);
    free(loop->defer);
    loop->defer = NULL;
    loop->defer_cap = 0;
    if (loop->epfd >= 0)
        close(loop->epfd);
    loop->epfd = -1;
    free(loop->heap);
    loop->heap = NULL;
    loop->heap_len = loop->heap_cap = 0;
}

static int io_ctl(rp_loop_t *loop, rp_io_t *io, int fd, uint32_t ev, rp_io_cb cb, void *data)
{
    struct epoll_event e;
    io->fd = fd;
    io->cb = cb;
    io->data = data;
    e.events = ev;
    e.data.ptr = io;
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
        return -errno;
    return 0;
}

int rp_io_start(rp_loop_t *loop, rp_io_t *io, int fd, rp_io_cb cb, void *data)
{
    return io_ctl(loop, io, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, cb, data);
}

int rp_io_start_lt(rp_loop_t *loop, rp_io_t *io, int fd, rp_io_cb cb, void *data)
{
    return io_ctl(loop, io, fd, EPOLLIN, cb, data);
}

void rp_io_stop(rp_loop_t *loop, rp_io_t *io)
{
    if (io->fd >= 0)
        epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
    io->cb = NULL;
}

/* ---------------------------------------------------------------------- */
/* Timer heap (1-based: children of i are 2i and 2i+1).                     */

static void heap_set(rp_loop_t *loop, size_t i, rp_timer_t *t)
{
    loop->heap[i] = t;
    t->heap_idx = i;
}

static void heap_up(rp_loop_t *loop, size_t i)
{
    rp_timer_t *t = loop->heap[i];
    while (i > 1 && loop->heap[i / 2]->deadline > t->deadline) {
        heap_set(loop, i, loop->heap[i / 2]);
        i /= 2;
    }
    heap_set(loop, i, t);
}

static void heap_down(rp_loop_t *loop, size_t i)
{
    rp_timer_t *t = loop->heap[i];
    for (;;) {
        size_t c = 2 * i;
        if (c > loop->heap_len)
            break;
        if (c + 1 <= loop->heap_len && loop->heap[c + 1]->deadline < loop->heap[c]->deadline)
            c++;
        if (loop->heap[c]->deadline >= t->deadline)
            break;
        heap_set(loop, i, loop->heap[c]);
        i = c;
    }
    heap_set(loop, i, t);
}

int rp_timer_start(rp_loop_t *loop, rp_timer_t *t, uint64_t ms)
{
    uint64_t deadline = loop->now + ms;
    if (t->heap_idx) {
        uint64_t old = t->deadline;
        t->deadline = deadline;
        if (deadline < old)
            heap_up(loop, t->heap_idx);
        else if (deadline > old)
            heap_down(loop, t->heap_idx);
        return 0;
    }
    if (loop->heap_len + 1 >= loop->heap_cap) {
        size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 256;
        rp_timer_t **h = realloc(loop->heap, cap * sizeof(*h));
        if (!h)
            return RP_ENOMEM;
        loop->heap = h;
        loop->heap_cap = cap;
    }
    t->deadline = deadline;
    loop->heap_len++;
    heap_set(loop, loop->heap_len, t);
    heap_up(loop, loop->heap_len);
    return 0;
}

void rp_timer_stop(rp_loop_t *loop, rp_timer_t *t)
{
    size_t i = t->heap_idx;
    if (!i)
        return;
    t->heap_idx = 0;
    rp_timer_t *last = loop->heap[loop->heap_len--];
    if (last == t)
        return;
    heap_set(loop, i, last);
    if (i > 1 && loop->heap[i / 2]->deadline > last->deadline)
        heap_up(loop, i);
    else
        heap_down(loop, i);
}

static void run_timers(rp_loop_t *loop)
{
    while (loop->heap_len > 0 && loop->heap[1]->deadline <= loop->now) {
        rp_timer_t *t = loop->heap[1];
        rp_timer_stop(loop, t);
        t->cb(loop, t);
    }
}

void rp_loop_run(rp_loop_t *loop)
{
    struct epoll_event events[256];
    while (!loop->stop) {
        loop->now = rp_now_ms();
        int timeout = 1000;
        if (loop->heap_len > 0) {
            uint64_t d = loop->heap[1]->deadline;
            timeout = d <= loop->now ? 0 : (int)RP_MIN(d - loop->now, 1000u);
        }
        int n = epoll_wait(loop->epfd, events, (int)RP_ARRAY_SIZE(events), timeout);
        loop->now = rp_now_ms();
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; i++) {
            rp_io_t *io = events[i].data.ptr;
            uint32_t e = events[i].events;
            unsigned ev = 0;
            if (e & EPOLLIN)
                ev |= RP_IO_READ;
            if (e & EPOLLOUT)
                ev |= RP_IO_WRITE;
            if (e & (EPOLLHUP | EPOLLRDHUP))
                ev |= RP_IO_HUP | RP_IO_READ;
            if (e & EPOLLERR)
                ev |= RP_IO_ERR | RP_IO_READ | RP_IO_WRITE;
            if (io->cb)
                io->cb(loop, io, ev);
        }
        run_timers(loop);
        run_deferred(loop);
    }
}
