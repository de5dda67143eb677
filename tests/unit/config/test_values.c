/* Value parsers of the config: durations, sizes, listen addresses, server
 * URLs, CIDR parse and match. Table-driven. */
#include "config/config_int.h"
#include "test.h"

#include <arpa/inet.h>

TEST(durations)
{
    static const struct {
        const char *in;
        int ok;
        uint64_t ms;
    } t[] = {
        { "10s", 1, 10000 },  { "250ms", 1, 250 },     { "2m", 1, 120000 },
        { "1h", 1, 3600000 }, { "1d", 1, 86400000 },   { "30", 1, 30000 },
        { "0", 1, 0 },        { "1m30s", 1, 90000 },   { "1h1m1s1ms", 1, 3661001 },
        { " 5s ", 1, 5000 },  { "", 0, 0 },            { "s", 0, 0 },
        { "10", 1, 10000 },   { "10x", 0, 0 },         { "-1s", 0, 0 },
        { "1.5s", 0, 0 },     { "10 s", 0, 0 },        { "1m30", 0, 0 },
        { "10S", 0, 0 },      { "99999999999999999999", 0, 0 },
        { "18446744073709551615ms", 1, UINT64_MAX },   { "18446744073709551615s", 0, 0 },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++) {
        uint64_t v = 12345;
        int rc = rp_conf_parse_duration_ms(rp_str_c(t[i].in), &v);
        if ((rc == 0) != t[i].ok || (t[i].ok && v != t[i].ms))
            fprintf(stderr, "duration '%s': rc=%d v=%llu\n", t[i].in, rc, (unsigned long long)v);
        CHECK_EQ_INT(rc == 0, t[i].ok);
        if (t[i].ok)
            CHECK(v == t[i].ms);
    }
}

TEST(sizes)
{
    static const struct {
        const char *in;
        int ok;
        uint64_t v;
    } t[] = {
        { "1024", 1, 1024 },          { "64k", 1, 65536 },         { "10m", 1, 10485760 },
        { "1g", 1, 1073741824 },      { "8KiB", 1, 8192 },         { "10MB", 1, 10485760 },
        { "512b", 1, 512 },           { "0", 1, 0 },               { "1K", 1, 1024 },
        { "2t", 1, 2199023255552ull }, { "", 0, 0 },               { "k", 0, 0 },
        { "10 m", 0, 0 },             { "-1", 0, 0 },              { "1.5m", 0, 0 },
        { "10x", 0, 0 },              { "17179869184g", 0, 0 },     { "16777215t", 1, 16777215ull << 40 },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++) {
        uint64_t v = 0;
        int rc = rp_conf_parse_size(rp_str_c(t[i].in), &v);
        if ((rc == 0) != t[i].ok)
            fprintf(stderr, "size '%s': rc=%d\n", t[i].in, rc);
        CHECK_EQ_INT(rc == 0, t[i].ok);
        if (t[i].ok)
            CHECK(v == t[i].v);
    }
}

TEST(listen_addrs)
{
    static const struct {
        const char *in;
        int family; /* 0: error */
        const char *addr;
        unsigned port;
    } t[] = {
        { "127.0.0.1:8080", AF_INET, "127.0.0.1", 8080 },
        { ":80", AF_INET, "0.0.0.0", 80 },
        { "*:443", AF_INET, "0.0.0.0", 443 },
        { "localhost:9", AF_INET, "127.0.0.1", 9 },
        { "0.0.0.0:65535", AF_INET, "0.0.0.0", 65535 },
        { "[::1]:8080", AF_INET6, "::1", 8080 },
        { "[::]:80", AF_INET6, "::", 80 },
        { "::1:80", 0, NULL, 0 },
        { "127.0.0.1", 0, NULL, 0 },
        { "127.0.0.1:", 0, NULL, 0 },
        { "127.0.0.1:0", 0, NULL, 0 },
        { "127.0.0.1:65536", 0, NULL, 0 },
        { "1.2.3:80", 0, NULL, 0 },
        { "example.com:80", 0, NULL, 0 },
        { "[::1]", 0, NULL, 0 },
        { "[::1]:x", 0, NULL, 0 },
        { "[1.2.3.4]:80", 0, NULL, 0 },
        { "", 0, NULL, 0 },
        { "8080", 0, NULL, 0 },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++) {
        struct sockaddr_storage ss;
        socklen_t len = 0;
        int rc = rp_conf_parse_listen_addr(rp_str_c(t[i].in), &ss, &len);
        if ((rc == 0) != (t[i].family != 0))
            fprintf(stderr, "listen '%s': rc=%d\n", t[i].in, rc);
        CHECK_EQ_INT(rc == 0, t[i].family != 0);
        if (rc != 0 || !t[i].family)
            continue;
        char buf[64];
        CHECK_EQ_INT(ss.ss_family, t[i].family);
        if (t[i].family == AF_INET) {
            const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
            CHECK_EQ_INT(len, sizeof(*a));
            CHECK_EQ_INT(ntohs(a->sin_port), t[i].port);
            inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
        } else {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
            CHECK_EQ_INT(len, sizeof(*a));
            CHECK_EQ_INT(ntohs(a->sin6_port), t[i].port);
            inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
        }
        CHECK_STR(rp_str_c(buf), t[i].addr);
    }
}

TEST(server_urls)
{
    static const struct {
        const char *in;
        int ok, tls;
        const char *host;
        unsigned port;
        const char *path;
    } t[] = {
        { "127.0.0.1:9000", 1, 0, "127.0.0.1", 9000, "" },
        { "http://backend.internal:9001", 1, 0, "backend.internal", 9001, "" },
        { "http://example.com", 1, 0, "example.com", 80, "" },
        { "https://example.com", 1, 1, "example.com", 443, "" },
        { "http://h:81/api/v1", 1, 0, "h", 81, "/api/v1" },
        { "http://[::1]:8080/", 1, 0, "::1", 8080, "/" },
        { "[::1]:80", 1, 0, "::1", 80, "" },
        { "example.com", 0, 0, NULL, 0, NULL },
        { "ftp://x:21", 0, 0, NULL, 0, NULL },
        { "http://:80", 0, 0, NULL, 0, NULL },
        { "http://u:p@h:80", 0, 0, NULL, 0, NULL },
        { "http://h:80?x=1", 0, 0, NULL, 0, NULL },
        { "http://h:0", 0, 0, NULL, 0, NULL },
        { "http://h:99999", 0, 0, NULL, 0, NULL },
        { "http://[::1", 0, 0, NULL, 0, NULL },
        { "http://h h:80", 0, 0, NULL, 0, NULL },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++) {
        rp__conf_url_t u;
        const char *why = NULL;
        int rc = rp__conf_parse_url(rp_str_c(t[i].in), &u, &why);
        if ((rc == 0) != t[i].ok)
            fprintf(stderr, "url '%s': rc=%d\n", t[i].in, rc);
        CHECK_EQ_INT(rc == 0, t[i].ok);
        if (rc != 0) {
            CHECK(why != NULL);
            continue;
        }
        CHECK_EQ_INT(u.tls, t[i].tls);
        CHECK_STR(u.host, t[i].host);
        CHECK_EQ_INT(u.port, t[i].port);
        CHECK_STR(u.path, t[i].path);
    }
}

static struct sockaddr_storage sa(const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, ip, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
        ss.ss_family = AF_INET;
    else if (inet_pton(AF_INET6, ip, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
        ss.ss_family = AF_INET6;
    return ss;
}

TEST(cidr_parse)
{
    static const struct {
        const char *in;
        int ok, family;
        unsigned prefix;
    } t[] = {
        { "10.0.0.0/8", 1, AF_INET, 8 },     { "192.168.1.7", 1, AF_INET, 32 },
        { "192.168.1.7/32", 1, AF_INET, 32 }, { "0.0.0.0/0", 1, AF_INET, 0 },
        { "::1", 1, AF_INET6, 128 },         { "fd00::/8", 1, AF_INET6, 8 },
        { "::/0", 1, AF_INET6, 0 },          { "::1/128", 1, AF_INET6, 128 },
        { "10.0.0.1/8", 0, 0, 0 },           { "10.0.0.1/33", 0, 0, 0 },
        { "10.0.0.0/", 0, 0, 0 },            { "10.0.0.0/x", 0, 0, 0 },
        { "10.0.0.0/-1", 0, 0, 0 },          { "1.2.3.4/0", 0, 0, 0 },
        { "::1/129", 0, 0, 0 },              { "fd00::1/8", 0, 0, 0 },
        { "10.0.0", 0, 0, 0 },               { "", 0, 0, 0 },
        { "example.com", 0, 0, 0 },          { "10.0.0.0/0008", 0, 0, 0 },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++) {
        rp_cidr_t c;
        int rc = rp_cidr_parse(rp_str_c(t[i].in), &c);
        if ((rc == 0) != t[i].ok)
            fprintf(stderr, "cidr '%s': rc=%d\n", t[i].in, rc);
        CHECK_EQ_INT(rc == 0, t[i].ok);
        if (rc == 0 && t[i].ok) {
            CHECK_EQ_INT(c.family, t[i].family);
            CHECK_EQ_INT(c.prefix, t[i].prefix);
        }
    }
}

TEST(cidr_match)
{
    static const struct {
        const char *cidr, *ip;
        int match;
    } t[] = {
        { "10.0.0.0/8", "10.1.2.3", 1 },
        { "10.0.0.0/8", "11.0.0.0", 0 },
        { "10.0.0.0/8", "::ffff:10.9.9.9", 1 }, /* v4-mapped peer vs IPv4 CIDR */
        { "10.0.0.0/8", "::ffff:11.0.0.1", 0 },
        { "10.0.0.0/8", "::10.9.9.9", 0 },      /* not mapped */
        { "0.0.0.0/0", "1.2.3.4", 1 },
        { "0.0.0.0/0", "::ffff:1.2.3.4", 1 },
        { "0.0.0.0/0", "::1", 0 },
        { "127.0.0.1", "127.0.0.1", 1 },
        { "127.0.0.1", "127.0.0.2", 0 },
        { "192.168.0.0/23", "192.168.1.255", 1 },
        { "192.168.0.0/23", "192.168.2.0", 0 },
        { "::1", "::1", 1 },
        { "::1", "::2", 0 },
        { "::1/128", "127.0.0.1", 0 },
        { "::/0", "2001:db8::1", 1 },
        { "fd00::/8", "fdff::1", 1 },
        { "fd00::/8", "fe00::1", 0 },
        { "2001:db8::/33", "2001:db8:7fff::1", 1 },
        { "2001:db8::/33", "2001:db8:8000::1", 0 },
        { "::ffff:0:0/96", "1.2.3.4", 1 },      /* IPv4 peer vs the mapped range */
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++) {
        rp_cidr_t c;
        struct sockaddr_storage ss = sa(t[i].ip);
        CHECK_EQ_INT(rp_cidr_parse(rp_str_c(t[i].cidr), &c), 0);
        int m = rp_cidr_match(&c, (const struct sockaddr *)&ss);
        if (m != t[i].match)
            fprintf(stderr, "match %s in %s: got %d\n", t[i].ip, t[i].cidr, m);
        CHECK_EQ_INT(m, t[i].match);
    }
    rp_cidr_t list[2];
    struct sockaddr_storage a = sa("172.16.5.5"), b = sa("8.8.8.8");
    CHECK_EQ_INT(rp_cidr_parse(RP_STRLIT("10.0.0.0/8"), &list[0]), 0);
    CHECK_EQ_INT(rp_cidr_parse(RP_STRLIT("172.16.0.0/12"), &list[1]), 0);
    CHECK_EQ_INT(rp_cidr_list_match(list, 2, (const struct sockaddr *)&a), 1);
    CHECK_EQ_INT(rp_cidr_list_match(list, 2, (const struct sockaddr *)&b), 0);
    CHECK_EQ_INT(rp_cidr_list_match(list, 0, (const struct sockaddr *)&a), 0);
}

TEST(formatting)
{
    char buf[32];
    rp__conf_fmt_size(1 << 20, buf, sizeof(buf));
    CHECK_STR(rp_str_c(buf), "1m");
    rp__conf_fmt_size(256, buf, sizeof(buf));
    CHECK_STR(rp_str_c(buf), "256");
    rp__conf_fmt_duration(90000, buf, sizeof(buf));
    CHECK_STR(rp_str_c(buf), "90s");
    rp__conf_fmt_duration(250, buf, sizeof(buf));
    CHECK_STR(rp_str_c(buf), "250ms");
}

int main(void)
{
    RUN(durations);
    RUN(sizes);
    RUN(listen_addrs);
    RUN(server_urls);
    RUN(cidr_parse);
    RUN(cidr_match);
    RUN(formatting);
    TEST_MAIN_END();
}
