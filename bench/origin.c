/* Benchmark origin: a minimal HTTP/1.1 keep-alive server for bench/proxy.sh.
 *
 *   origin PORT [THREADS]
 *
 * Listens on 127.0.0.1:PORT. Each thread owns an SO_REUSEPORT listening
 * socket and a level-triggered epoll loop. Every request (pipelined or not)
 * is answered with the same 200 application/json body of about 200 bytes.
 * Request bodies are read and discarded in full: Content-Length and chunked
 * transfer coding are both supported, so POST workloads cost the origin the
 * bytes they claim to send. "Connection: close" closes after the response.
 * Headers larger than 16 KiB or malformed framing get the connection closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define INCAP 16384
#define BODY                                                                  \
    "{\"status\":\"ok\",\"service\":\"bench-origin\",\"version\":\"1.4.2\","  \
    "\"request_id\":\"7f3c9a2e-41b8-4c2d-9e0f-5a6b7c8d9e01\",\"data\":{\"id\":" \
    "48213,\"name\":\"widget\",\"price\":19.99,\"tags\":[\"a\",\"b\",\"c\"]," \
    "\"in_stock\":true},\"took_ms\":3}"
static char resp[512];
static size_t resp_len;
static int port;

enum { S_HEAD, S_BODY, S_CSIZE, S_CDATA, S_TRAILER };

struct conn {
    int fd, state, close_after, want_out;
    size_t len, rem; /* bytes in in[]; body bytes still to skip */
    char *out;
    size_t out_len, out_cap;
    char in[INCAP];
};

/* Scans the header block [p, p+n) for the framing headers we care about. */
static int parse_head(struct conn *c, const char *p, size_t n) {
    const char *end = p + n, *line = memchr(p, '\n', n);
    if (!line) return -1;
    if (memmem(p, (size_t)(line - p), "HTTP/1.0", 8)) c->close_after = 1;
    long long cl = 0;
    int chunked = 0;
    for (line++; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        size_t ll = (size_t)(eol - line);
        if (ll > 15 && !strncasecmp(line, "content-length:", 15)) {
            cl = strtoll(line + 15, NULL, 10);
            if (cl < 0) return -1;
        } else if (ll > 18 && !strncasecmp(line, "transfer-encoding:", 18)) {
            if (memmem(line, ll, "chunked", 7)) chunked = 1;
        } else if (ll > 11 && !strncasecmp(line, "connection:", 11)) {
            if (memmem(line, ll, "close", 5)) c->close_after = 1;
            if (memmem(line, ll, "keep-alive", 10)) c->close_after = 0;
        }
        line = eol + 1;
    }
    if (chunked) c->state = S_CSIZE;
    else if (cl > 0) { c->state = S_BODY; c->rem = (size_t)cl; }
    return chunked || cl > 0 ? 0 : 1; /* 1: request complete */
}

static void respond(struct conn *c) {
    if (c->out_len + resp_len > c->out_cap) {
        c->out_cap = (c->out_len + resp_len) * 2;
        c->out = realloc(c->out, c->out_cap);
        if (!c->out) abort();
    }
    memcpy(c->out + c->out_len, resp, resp_len);
    c->out_len += resp_len;
    c->state = S_HEAD;
}

/* Consumes as much of c->in as possible. Returns -1 on a framing error. */
static int process(struct conn *c) {
    size_t pos = 0;
    while (pos < c->len) {
        char *p = c->in + pos;
        size_t n = c->len - pos;
        if (c->state == S_HEAD) {
            char *e = memmem(p, n, "\r\n\r\n", 4);
            if (!e) break;
            int r = parse_head(c, p, (size_t)(e - p) + 2);
            if (r < 0) return -1;
            pos += (size_t)(e - p) + 4;
            if (r == 1) respond(c);
        } else if (c->state == S_BODY || c->state == S_CDATA) {
            size_t k = n < c->rem ? n : c->rem;
            pos += k;
            c->rem -= k;
            if (c->rem == 0) {
                if (c->state == S_BODY) respond(c);
                else c->state = S_CSIZE;
            }
        } else { /* S_CSIZE or S_TRAILER: line based */
            char *e = memmem(p, n, "\r\n", 2);
            if (!e) break;
            if (c->state == S_CSIZE) {
                char *q;
                unsigned long long sz = strtoull(p, &q, 16);
                if (q == p) return -1;
                if (sz == 0) c->state = S_TRAILER;
                else { c->state = S_CDATA; c->rem = (size_t)sz + 2; }
            } else if (e == p) {
                respond(c);
            }
            pos += (size_t)(e - p) + 2;
        }
    }
    if (pos == 0 && c->len == INCAP) return -1; /* header too large */
    memmove(c->in, c->in + pos, c->len - pos);
    c->len -= pos;
    return 0;
}

static void drop(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->out);
    free(c);
}

/* Writes pending output; returns -1 on error, 0 otherwise. */
static int flush_out(int ep, struct conn *c) {
    size_t off = 0;
    while (off < c->out_len) {
        ssize_t w = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) break;
        if (w <= 0) return -1;
        off += (size_t)w;
    }
    memmove(c->out, c->out + off, c->out_len - off);
    c->out_len -= off;
    int want = c->out_len > 0;
    if (want != c->want_out) {
        struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = want;
    }
    return 0;
}

static void *serve(void *arg) {
    (void)arg;
    int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 4096)) {
        perror("origin: bind/listen");
        exit(1);
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) { /* accept everything pending */
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    c = calloc(1, sizeof *c);
                    if (!c) abort();
                    c->fd = fd;
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            if (evs[i].events & EPOLLOUT) {
                if (flush_out(ep, c) < 0) { drop(ep, c); continue; }
                if (c->out_len == 0 && c->close_after) { drop(ep, c); continue; }
            }
            if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
            ssize_t r = recv(c->fd, c->in + c->len, INCAP - c->len, 0);
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (r <= 0) { drop(ep, c); continue; }
            c->len += (size_t)r;
            if (process(c) < 0 || flush_out(ep, c) < 0) { drop(ep, c); continue; }
            if (c->close_after && c->out_len == 0 && c->state == S_HEAD) drop(ep, c);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    signal(SIGPIPE, SIG_IGN);
    resp_len = (size_t)snprintf(resp, sizeof resp,
                                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Content-Length: %zu\r\n\r\n%s",
                                strlen(BODY), BODY);
    pthread_t t;
    for (int i = 1; i < threads; i++) pthread_create(&t, NULL, serve, NULL);
    serve(NULL);
    return 0;
}
