/* Socket helpers: non-blocking listen/connect, address formatting. */
#include "rampart/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <unistd.h>

int rp_sock_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -errno;
    return 0;
}

static int sock_open_bound(const struct sockaddr *addr, socklen_t len)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (addr->sa_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, addr, len) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int rp_sock_listen(const struct sockaddr *addr, socklen_t len, int backlog)
{
    int fd = sock_open_bound(addr, len);
    if (fd < 0)
        return fd;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (listen(fd, backlog) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int rp_sock_probe_bind(const struct sockaddr *addr, socklen_t len)
{
    int fd = sock_open_bound(addr, len);
    if (fd < 0)
        return fd;
    close(fd);
    return 0;
}

int rp_sock_connect(const struct sockaddr *addr, socklen_t len)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, addr, len) < 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

size_t rp_sock_ntop(const struct sockaddr *addr, char *out, size_t cap)
{
    const char *r = NULL;
    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (addr->sa_family == AF_INET) {
        r = inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, out, (socklen_t)cap);
    } else if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)addr;
        if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr))
            r = inet_ntop(AF_INET, &a6->sin6_addr.s6_addr[12], out, (socklen_t)cap);
        else
            r = inet_ntop(AF_INET6, &a6->sin6_addr, out, (socklen_t)cap);
    }
    return r ? strlen(out) : 0;
}

size_t rp_sock_ntop_port(const struct sockaddr *addr, char *out, size_t cap)
{
    char host[INET6_ADDRSTRLEN];
    rp_sock_ntop(addr, host, sizeof(host));
    unsigned port = 0;
    int n;
    if (addr->sa_family == AF_INET6) {
        port = ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
        n = snprintf(out, cap, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
    } else {
        port = ntohs(((const struct sockaddr_in *)addr)->sin_port);
        n = snprintf(out, cap, "%s:%u", host, port);
    }
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

int rp_sock_pton(rp_str_t s, struct sockaddr_storage *ss)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    if (s.n == 0 || s.n >= sizeof(tmp))
        return -1;
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, tmp, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, tmp, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        return 0;
    }
    return -1;
}
