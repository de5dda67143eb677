/* Unit tests for src/proxy: route choice, real client IP behind trusted
 * proxies, error responses. Includes the .c files to reach internals. */
#include "../../../src/proxy/realip.c"
#include "../../../src/proxy/respond.c"
#include "../../../src/proxy/runtime.c"
#include "test.h"

static const char *conf_yaml =
    "listeners:\n"
    "  - {listen: 127.0.0.1:18080, name: public}\n"
    "  - {listen: 127.0.0.1:18081, name: internal}\n"
    "  - {listen: 127.0.0.1:18082, health: /healthz}\n"
    "trusted_proxies: [10.0.0.0/8, \"fd00::/8\"]\n"
    "upstreams:\n"
    "  - {name: api, servers: [\"127.0.0.1:9000\"]}\n"
    "routes:\n"
    "  - {name: root, path: /, upstream: api}\n"
    "  - {name: v1, path: /v1/, upstream: api}\n"
    "  - {name: v1users, path: /v1/users, upstream: api}\n"
    "  - {name: exact-host, hosts: [api.example.com], path: /v1/, upstream: api}\n"
    "  - {name: wild, hosts: [\"*.example.org\"], path: /, upstream: api}\n"
    "  - {name: internal-only, listeners: [internal], path: /admin, upstream: api}\n";

static rp_runtime_t *load(void)
{
    rp_conf_errors_t errs;
    rp_conf_errors_init(&errs);
    rp_conf_t *c = rp_conf_load_string("test.yaml", conf_yaml, strlen(conf_yaml), &errs);
    if (!c)
        rp_conf_errors_print(&errs, stderr);
    rp_conf_errors_dispose(&errs);
    return c ? rp__runtime_create(c, 1, NULL) : NULL;
}

static const char *route_name(rp_runtime_t *rt, size_t l, const char *host, const char *path)
{
    const rp_conf_route_t *r = rp__runtime_route(rt, l, rp_str_c(host), rp_str_c(path));
    return r ? r->name : "(none)";
}

TEST(longest_prefix_and_hosts)
{
    rp_runtime_t *rt = load();
    CHECK(rt != NULL);
    if (!rt)
        return;
    CHECK(strcmp(route_name(rt, 0, "x.test", "/"), "root") == 0);
    CHECK(strcmp(route_name(rt, 0, "x.test", "/v1/orders"), "v1") == 0);
    CHECK(strcmp(route_name(rt, 0, "x.test", "/v1/users/7"), "v1users") == 0);
    /* Virtual host first: an exact host beats hostless routes, even ones
     * with a longer prefix; then the longest prefix within that host. */
    CHECK(strcmp(route_name(rt, 0, "API.example.com", "/v1/x"), "exact-host") == 0);
    CHECK(strcmp(route_name(rt, 0, "api.example.com", "/v1/users/1"), "exact-host") == 0);
    CHECK(strcmp(route_name(rt, 0, "api.example.com", "/other"), "root") == 0);
    CHECK(strcmp(route_name(rt, 0, "a.example.org", "/z"), "wild") == 0);
    CHECK(strcmp(route_name(rt, 0, "example.org", "/z"), "root") == 0);
    /* Listener restriction. */
    CHECK(strcmp(route_name(rt, 0, "x", "/admin/x"), "root") == 0);
    CHECK(strcmp(route_name(rt, 1, "x", "/admin/x"), "internal-only") == 0);
    /* The health listener has no routes. */
    CHECK(strcmp(route_name(rt, 2, "x", "/"), "(none)") == 0);
    rp__runtime_unref(rt);
}

static void make_peer(const char *ip, struct sockaddr_storage *ss)
{
    rp_sock_pton(rp_str_c(ip), ss);
}

static const char *real_ip(rp_runtime_t *rt, const char *peer, const char *xff1, const char *xff2)
{
    static char out[64];
    struct sockaddr_storage ss;
    make_peer(peer, &ss);
    rp_http_header_t hs[3];
    rp_http_request_t req;
    memset(&req, 0, sizeof(req));
    req.headers = hs;
    size_t n = 0;
    hs[n].name = RP_STRLIT("Accept");
    hs[n++].value = RP_STRLIT("*/*");
    if (xff1) {
        hs[n].name = RP_STRLIT("X-Forwarded-For");
        hs[n++].value = rp_str_c(xff1);
    }
    if (xff2) {
        hs[n].name = RP_STRLIT("x-forwarded-for");
        hs[n++].value = rp_str_c(xff2);
    }
    req.num_headers = n;
    char peer_ip[64];
    rp_sock_ntop((const struct sockaddr *)&ss, peer_ip, sizeof(peer_ip));
    rp__real_ip(rt->conf, &ss, peer_ip, &req, out, sizeof(out));
    return out;
}

TEST(real_ip_trust_rules)
{
    rp_runtime_t *rt = load();
    if (!rt)
        return;
    /* Untrusted peer: XFF ignored. */
    CHECK(strcmp(real_ip(rt, "203.0.113.9", "1.2.3.4", NULL), "203.0.113.9") == 0);
    /* Trusted peer: right-most untrusted entry. */
    CHECK(strcmp(real_ip(rt, "10.0.0.5", "1.2.3.4", NULL), "1.2.3.4") == 0);
    CHECK(strcmp(real_ip(rt, "10.0.0.5", "6.6.6.6, 1.2.3.4, 10.1.1.1", NULL), "1.2.3.4") == 0);
    /* Several fields are one list, in order. */
    CHECK(strcmp(real_ip(rt, "10.0.0.5", "6.6.6.6", "5.5.5.5, 10.9.9.9"), "5.5.5.5") == 0);
    /* Ports and brackets. */
    CHECK(strcmp(real_ip(rt, "10.0.0.5", "1.2.3.4:5555", NULL), "1.2.3.4") == 0);
    CHECK(strcmp(real_ip(rt, "10.0.0.5", "[2001:db8::1]:443", NULL), "2001:db8::1") == 0);
    /* Garbage stops the walk at the last good hop. */
    CHECK(strcmp(real_ip(rt, "10.0.0.5", "1.2.3.4, junk, 10.2.2.2", NULL), "10.2.2.2") == 0);
    /* Trusted peer with no XFF: the peer itself. */
    CHECK(strcmp(real_ip(rt, "10.0.0.5", NULL, NULL), "10.0.0.5") == 0);
    /* IPv6 trusted range. */
    CHECK(strcmp(real_ip(rt, "fd00::1", "198.51.100.7", NULL), "198.51.100.7") == 0);
    rp__runtime_unref(rt);
}

TEST(error_response_shape)
{
    rp_buf_t b;
    rp_buf_init(&b);
    rp__respond_error(&b, 413, "too \"big\"", "abc123", 1);
    rp_str_t s = rp_str(b.p, b.len);
    CHECK(rp_str_has_prefix(s, RP_STRLIT("HTTP/1.1 413 Content Too Large\r\n")));
    CHECK(memmem(b.p, b.len, "Connection: close\r\n\r\n", 21) != NULL);
    CHECK(memmem(b.p, b.len, "X-Request-Id: abc123\r\n", 22) != NULL);
    const char *body = memmem(b.p, b.len, "\r\n\r\n", 4) + 4;
    CHECK(strncmp(body, "{\"error\":\"request body too large\",\"detail\":\"too \\\"big\\\"\",\"request_id\":\"abc123\"}\n",
                  (size_t)(b.p + b.len - body)) == 0);
    /* Content-Length matches the body. */
    char cl[32];
    snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", (size_t)(b.p + b.len - body));
    CHECK(memmem(b.p, b.len, cl, strlen(cl)) != NULL);
    rp_buf_dispose(&b);
}

int main(void)
{
    RUN(longest_prefix_and_hosts);
    RUN(real_ip_trust_rules);
    RUN(error_response_shape);
    TEST_MAIN_END();
}
