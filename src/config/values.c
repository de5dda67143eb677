/*
 * values.c - the scalar value types of the config: durations, sizes,
 * listen addresses, upstream server URLs and CIDRs. Pure functions over
 * rp_str_t; nothing here allocates.
 */
#include "config/config_int.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads a run of digits at s[*i] into *v; -1 on none or overflow. */
static int read_digits(rp_str_t s, size_t *i, uint64_t *v)
{
    size_t start = *i;
    while (*i < s.n && is_digit(s.p[*i]))
        (*i)++;
    if (*i == start || *i - start > 20)
        return -1;
    return rp_str_to_u64(rp_str(s.p + start, *i - start), UINT64_MAX, v);
}

/* Multiplies and adds with overflow checks: *acc += v * mul. */
static int mul_add(uint64_t *acc, uint64_t v, uint64_t mul)
{
    if (mul && v > UINT64_MAX / mul)
        return -1;
    if (*acc > UINT64_MAX - v * mul)
        return -1;
    *acc += v * mul;
    return 0;
}

/* "10s", "250ms", "2m", "1h", "1d", compounds like "1m30s", or a bare
 * number of seconds ("30"). Case-sensitive units, no spaces inside. */
int rp_conf_parse_duration_ms(rp_str_t s, uint64_t *out)
{
    static const struct {
        const char *unit;
        uint64_t ms;
    } units[] = {
        /* "ms" before "m" so that the longest unit wins */
        { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 },
    };
    uint64_t total = 0, v;
    size_t i = 0;
    s = rp_str_trim(s);
    if (s.n == 0)
        return -1;
    if (read_digits(s, &i, &v) < 0)
        return -1;
    if (i == s.n) { /* bare seconds */
        if (mul_add(&total, v, 1000) < 0)
            return -1;
        *out = total;
        return 0;
    }
    for (;;) {
        size_t k;
        for (k = 0; k < RP_ARRAY_SIZE(units); k++) {
            size_t un = strlen(units[k].unit);
            if (s.n - i >= un && memcmp(s.p + i, units[k].unit, un) == 0) {
                i += un;
                break;
            }
        }
        if (k == RP_ARRAY_SIZE(units) || mul_add(&total, v, units[k].ms) < 0)
            return -1;
        if (i == s.n)
            break;
        if (read_digits(s, &i, &v) < 0 || i == s.n)
            return -1; /* a number without a unit after the first pair */
    }
    *out = total;
    return 0;
}

/* "1024", "64k", "10m", "1g", "8KiB", "10MB", "512b": powers of 1024,
 * suffix case-insensitive. */
int rp_conf_parse_size(rp_str_t s, uint64_t *out)
{
    static const struct {
        const char *suffix;
        unsigned shift;
    } suffixes[] = {
        { "", 0 },    { "b", 0 },    { "k", 10 },   { "kb", 10 }, { "kib", 10 },
        { "m", 20 },  { "mb", 20 },  { "mib", 20 }, { "g", 30 },  { "gb", 30 },
        { "gib", 30 }, { "t", 40 },  { "tb", 40 },  { "tib", 40 },
    };
    uint64_t v, total = 0;
    size_t i = 0;
    s = rp_str_trim(s);
    if (read_digits(s, &i, &v) < 0)
        return -1;
    rp_str_t suf = rp_str(s.p + i, s.n - i);
    for (size_t k = 0; k < RP_ARRAY_SIZE(suffixes); k++) {
        if (rp_str_ieq(suf, rp_str_c(suffixes[k].suffix))) {
            if (mul_add(&total, v, (uint64_t)1 << suffixes[k].shift) < 0)
                return -1;
            *out = total;
            return 0;
        }
    }
    return -1;
}

/* Port 1..65535 filling the whole slice. */
static int parse_port(rp_str_t s, uint16_t *port)
{
    uint64_t v;
    if (s.n == 0 || s.n > 5 || rp_str_to_u64(s, 65535, &v) < 0 || v == 0)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* inet_pton on a slice (copied to a NUL-terminated buffer). */
static int pton(int af, rp_str_t s, void *dst)
{
    char buf[INET6_ADDRSTRLEN + 1];
    if (s.n == 0 || !s.p || s.n >= sizeof(buf) || memchr(s.p, '\0', s.n))
        return -1;
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    return inet_pton(af, buf, dst) == 1 ? 0 : -1;
}

int rp_conf_parse_listen_addr(rp_str_t s, struct sockaddr_storage *ss, socklen_t *len)
{
    rp_str_t host, port;
    uint16_t p;
    memset(ss, 0, sizeof(*ss));
    if (s.n == 0)
        return -1;
    if (s.p[0] == '[') {
        const char *close = memchr(s.p, ']', s.n);
        if (!close)
            return -1;
        host = rp_str(s.p + 1, (size_t)(close - s.p) - 1);
        size_t rest = (size_t)(close - s.p) + 1;
        if (rest >= s.n || s.p[rest] != ':')
            return -1;
        port = rp_str(s.p + rest + 1, s.n - rest - 1);
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        if (parse_port(port, &p) < 0 || pton(AF_INET6, host, &a6->sin6_addr) < 0)
            return -1;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(p);
        *len = sizeof(*a6);
        return 0;
    }
    const char *colon = memchr(s.p, ':', s.n);
    if (!colon || memchr(colon + 1, ':', s.n - (size_t)(colon - s.p) - 1))
        return -1; /* no port, or an unbracketed IPv6 address */
    host = rp_str(s.p, (size_t)(colon - s.p));
    port = rp_str(colon + 1, s.n - host.n - 1);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    if (parse_port(port, &p) < 0)
        return -1;
    if (host.n == 0 || rp_str_eq(host, RP_STRLIT("*")))
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (rp_str_ieq(host, RP_STRLIT("localhost")))
        a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (pton(AF_INET, host, &a4->sin_addr) < 0)
        return -1;
    a4->sin_family = AF_INET;
    a4->sin_port = htons(p);
    *len = sizeof(*a4);
    return 0;
}

static int is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
           c == '.' || c == '_';
}

int rp__conf_parse_url(rp_str_t s, rp__conf_url_t *u, const char **why)
{
    memset(u, 0, sizeof(*u));
    u->path = rp_str(s.p, 0);
    if (rp_str_has_prefix(s, RP_STRLIT("http://")) || rp_str_has_prefix(s, RP_STRLIT("HTTP://"))) {
        u->has_scheme = 1;
        s = rp_str(s.p + 7, s.n - 7);
    } else if (rp_str_has_prefix(s, RP_STRLIT("https://")) ||
               rp_str_has_prefix(s, RP_STRLIT("HTTPS://"))) {
        u->has_scheme = u->tls = 1;
        s = rp_str(s.p + 8, s.n - 8);
    } else if (memchr(s.p, ':', s.n) && s.n >= 3 &&
               memmem(s.p, s.n, "://", 3) != NULL) {
        *why = "unsupported scheme (use http:// or host:port)";
        return -1;
    }
    size_t a = 0;
    while (a < s.n && s.p[a] != '/' && s.p[a] != '?' && s.p[a] != '#')
        a++;
    if (a < s.n && s.p[a] != '/') {
        *why = "query strings and fragments are not allowed";
        return -1;
    }
    rp_str_t auth = rp_str(s.p, a);
    u->path = rp_str(s.p + a, s.n - a);
    if (memchr(u->path.p, '?', u->path.n) || memchr(u->path.p, '#', u->path.n)) {
        *why = "query strings and fragments are not allowed";
        return -1;
    }
    if (memchr(auth.p, '@', auth.n)) {
        *why = "credentials in the address are not supported";
        return -1;
    }
    rp_str_t port = RP_STR_NULL;
    int has_port = 0;
    if (auth.n > 0 && auth.p[0] == '[') {
        const char *close = memchr(auth.p, ']', auth.n);
        struct in6_addr tmp;
        if (!close) {
            *why = "missing ']'";
            return -1;
        }
        u->host = rp_str(auth.p + 1, (size_t)(close - auth.p) - 1);
        u->host_is_v6 = 1;
        if (pton(AF_INET6, u->host, &tmp) < 0) {
            *why = "invalid IPv6 address";
            return -1;
        }
        size_t rest = (size_t)(close - auth.p) + 1;
        if (rest < auth.n) {
            if (auth.p[rest] != ':') {
                *why = "expected ':' after ']'";
                return -1;
            }
            port = rp_str(auth.p + rest + 1, auth.n - rest - 1);
            has_port = 1;
        }
    } else {
        const char *colon = memchr(auth.p, ':', auth.n);
        u->host = rp_str(auth.p, colon ? (size_t)(colon - auth.p) : auth.n);
        if (colon) {
            port = rp_str(colon + 1, auth.n - u->host.n - 1);
            has_port = 1;
        }
        for (size_t i = 0; i < u->host.n; i++) {
            if (!is_host_char(u->host.p[i])) {
                *why = "invalid character in host";
                return -1;
            }
        }
    }
    if (u->host.n == 0) {
        *why = "missing host";
        return -1;
    }
    if (has_port) {
        if (parse_port(port, &u->port) < 0) {
            *why = "invalid port (expected 1..65535)";
            return -1;
        }
    } else if (u->has_scheme) {
        u->port = u->tls ? 443 : 80;
    } else {
        *why = "missing port (expected host:port or http://host:port)";
        return -1;
    }
    return 0;
}

int rp_cidr_parse(rp_str_t s, rp_cidr_t *out)
{
    const char *slash = memchr(s.p ? s.p : "", '/', s.n);
    rp_str_t addr = rp_str(s.p, slash ? (size_t)(slash - s.p) : s.n);
    rp_cidr_t c;
    memset(&c, 0, sizeof(c));
    if (pton(AF_INET, addr, c.addr) == 0)
        c.family = AF_INET;
    else if (pton(AF_INET6, addr, c.addr) == 0)
        c.family = AF_INET6;
    else
        return -1;
    unsigned max = c.family == AF_INET ? 32 : 128;
    c.prefix = max;
    if (slash) {
        rp_str_t ps = rp_str(slash + 1, s.n - addr.n - 1);
        uint64_t v;
        if (ps.n == 0 || ps.n > 3 || rp_str_to_u64(ps, max, &v) < 0)
            return -1;
        c.prefix = (unsigned)v;
    }
    /* Host bits must be zero: "10.0.0.1/8" is almost always a typo. */
    for (unsigned bit = c.prefix; bit < max; bit++)
        if (c.addr[bit / 8] & (0x80u >> (bit % 8)))
            return -1;
    *out = c;
    return 0;
}

static int prefix_eq(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
    unsigned whole = prefix / 8, rest = prefix % 8;
    if (whole && memcmp(a, b, whole) != 0)
        return 0;
    if (rest) {
        uint8_t mask = (uint8_t)(0xffu << (8 - rest));
        if ((a[whole] & mask) != (b[whole] & mask))
            return 0;
    }
    return 1;
}

int rp_cidr_match(const rp_cidr_t *c, const struct sockaddr *addr)
{
    static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    uint8_t a[16];
    int fam;
    if (!addr)
        return 0;
    if (addr->sa_family == AF_INET) {
        memcpy(a, &((const struct sockaddr_in *)addr)->sin_addr, 4);
        fam = AF_INET;
    } else if (addr->sa_family == AF_INET6) {
        memcpy(a, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
        fam = AF_INET6;
    } else {
        return 0;
    }
    if (c->family == AF_INET && fam == AF_INET6) {
        if (memcmp(a, v4mapped, 12) != 0)
            return 0;
        memmove(a, a + 12, 4); /* ::ffff:a.b.c.d against an IPv4 CIDR */
    } else if (c->family == AF_INET6 && fam == AF_INET) {
        memmove(a + 12, a, 4); /* a.b.c.d against ::ffff:0:0/96 and the like */
        memcpy(a, v4mapped, 12);
    }
    return prefix_eq(c->addr, a, c->prefix);
}

int rp_cidr_list_match(const rp_cidr_t *v, size_t n, const struct sockaddr *addr)
{
    for (size_t i = 0; i < n; i++)
        if (rp_cidr_match(&v[i], addr))
            return 1;
    return 0;
}

void rp__conf_fmt_size(uint64_t v, char *buf, size_t cap)
{
    if (v && v % ((uint64_t)1 << 30) == 0)
        snprintf(buf, cap, "%" PRIu64 "g", v >> 30);
    else if (v && v % ((uint64_t)1 << 20) == 0)
        snprintf(buf, cap, "%" PRIu64 "m", v >> 20);
    else if (v && v % 1024 == 0)
        snprintf(buf, cap, "%" PRIu64 "k", v >> 10);
    else
        snprintf(buf, cap, "%" PRIu64, v);
}

void rp__conf_fmt_duration(uint64_t ms, char *buf, size_t cap)
{
    if (ms && ms % 86400000 == 0)
        snprintf(buf, cap, "%" PRIu64 "d", ms / 86400000);
    else if (ms && ms % 3600000 == 0)
        snprintf(buf, cap, "%" PRIu64 "h", ms / 3600000);
    else if (ms && ms % 60000 == 0)
        snprintf(buf, cap, "%" PRIu64 "m", ms / 60000);
    else if (ms && ms % 1000 == 0)
        snprintf(buf, cap, "%" PRIu64 "s", ms / 1000);
    else
        snprintf(buf, cap, "%" PRIu64 "ms", ms);
}
