/* Unit tests for src/net: timer heap ordering, io readiness, sockets. */
#include "rampart/net.h"
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

static int fired[64];
static int nfired;

static void record_cb(rp_loop_t *loop, rp_timer_t *t)
{
    fired[nfired++] = (int)(intptr_t)t->data;
    if (nfired == 3)
        loop->stop = 1;
}

TEST(timer_order_and_rearm)
{
    rp_loop_t loop;
    CHECK_EQ_INT(rp_loop_init(&loop), 0);
    rp_timer_t t[4];
    for (int i = 0; i < 4; i++)
        rp_timer_init(&t[i], record_cb, (void *)(intptr_t)i);
    nfired = 0;
    rp_timer_start(&loop, &t[0], 30);
    rp_timer_start(&loop, &t[1], 10);
    rp_timer_start(&loop, &t[2], 20);
    rp_timer_start(&loop, &t[3], 5);
    rp_timer_stop(&loop, &t[3]);      /* never fires */
    rp_timer_start(&loop, &t[1], 40); /* re-armed later: fires last */
    CHECK(!rp_timer_armed(&t[3]));
    rp_loop_run(&loop);
    CHECK_EQ_INT(nfired, 3);
    CHECK_EQ_INT(fired[0], 2);
    CHECK_EQ_INT(fired[1], 0);
    CHECK_EQ_INT(fired[2], 1);
    rp_loop_dispose(&loop);
}

static int heap_cb_count;
static void count_cb(rp_loop_t *loop, rp_timer_t *t) { heap_cb_count++; }

TEST(timer_heap_many)
{
    rp_loop_t loop;
    rp_loop_init(&loop);
    enum { N = 2000 };
    rp_timer_t *t = calloc(N, sizeof(*t));
    srand(7);
    for (int i = 0; i < N; i++) {
        rp_timer_init(&t[i], count_cb, NULL);
        rp_timer_start(&loop, &t[i], (uint64_t)(rand() % 1000));
    }
    for (int i = 0; i < N; i += 3)
        rp_timer_stop(&loop, &t[i]);
    /* Heap invariant: parent deadline <= child deadline. */
    int ok = 1;
    for (size_t i = 2; i <= loop.heap_len; i++)
        if (loop.heap[i / 2]->deadline > loop.heap[i]->deadline)
            ok = 0;
    CHECK(ok);
    for (size_t i = 1; i <= loop.heap_len; i++)
        CHECK(loop.heap[i]->heap_idx == i);
    free(t);
    rp_loop_dispose(&loop);
}

static void pipe_cb(rp_loop_t *loop, rp_io_t *io, unsigned ev)
{
    if (ev & RP_IO_READ) {
        char b[8];
        ssize_t n = read(io->fd, b, sizeof(b));
        *(int *)io->data = (int)n;
        loop->stop = 1;
    }
}

TEST(io_readiness)
{
    rp_loop_t loop;
    rp_loop_init(&loop);
    int fds[2];
    CHECK(pipe(fds) == 0);
    rp_sock_set_nonblock(fds[0]);
    rp_io_t io;
    int got = -1;
    CHECK_EQ_INT(rp_io_start(&loop, &io, fds[0], pipe_cb, &got), 0);
    CHECK(write(fds[1], "abc", 3) == 3);
    rp_loop_run(&loop);
    CHECK_EQ_INT(got, 3);
    rp_io_stop(&loop, &io);
    close(fds[0]);
    close(fds[1]);
    rp_loop_dispose(&loop);
}

TEST(addresses)
{
    struct sockaddr_storage ss;
    char out[64];
    CHECK_EQ_INT(rp_sock_pton(RP_STRLIT("10.1.2.3"), &ss), 0);
    ((struct sockaddr_in *)&ss)->sin_port = htons(8080);
    rp_sock_ntop_port((struct sockaddr *)&ss, out, sizeof(out));
    CHECK(strcmp(out, "10.1.2.3:8080") == 0);
    CHECK_EQ_INT(rp_sock_pton(RP_STRLIT("::1"), &ss), 0);
    ((struct sockaddr_in6 *)&ss)->sin6_port = htons(443);
    rp_sock_ntop_port((struct sockaddr *)&ss, out, sizeof(out));
    CHECK(strcmp(out, "[::1]:443") == 0);
    CHECK_EQ_INT(rp_sock_pton(RP_STRLIT("::ffff:1.2.3.4"), &ss), 0);
    rp_sock_ntop((struct sockaddr *)&ss, out, sizeof(out));
    CHECK(strcmp(out, "1.2.3.4") == 0);
    CHECK_EQ_INT(rp_sock_pton(RP_STRLIT("1.2.3"), &ss), -1);
    CHECK_EQ_INT(rp_sock_pton(RP_STRLIT("example.com"), &ss), -1);
}

TEST(listen_and_connect)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int lfd = rp_sock_listen((struct sockaddr *)&a, sizeof(a), 16);
    CHECK(lfd >= 0);
    socklen_t len = sizeof(a);
    getsockname(lfd, (struct sockaddr *)&a, &len);
    int cfd = rp_sock_connect((struct sockaddr *)&a, sizeof(a));
    CHECK(cfd >= 0);
    /* A second SO_REUSEPORT listener on the same address is allowed. */
    int lfd2 = rp_sock_listen((struct sockaddr *)&a, sizeof(a), 16);
    CHECK(lfd2 >= 0);
    close(cfd);
    close(lfd);
    close(lfd2);
}

int main(void)
{
    RUN(timer_order_and_rearm);
    RUN(timer_heap_many);
    RUN(io_readiness);
    RUN(addresses);
    RUN(listen_and_connect);
    TEST_MAIN_END();
}
