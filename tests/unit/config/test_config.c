/* The config loader: a full config into the struct, every error class with
 * its exact file:line:col, several errors at once, the built-in configs.
 * Tests run from the repository root (examples/rampart.yaml). */
#include "conftest.h"

#include <arpa/inet.h>

/* A minimal valid document to prepend/append to. */
#define LIS "listeners:\n  - listen: 127.0.0.1:8080\n"
#define RESP "routes:\n  - respond: {status: 204}\n"

static const char full_yaml[] =
    "workers: 4\n"
    "log:\n"
    "  level: warn\n"
    "  error_log: /var/log/rampart/error.log\n"
    "  access_log: \"off\"\n"
    "limits:\n"
    "  max_connections: 500\n"
    "  max_request_line: 4k\n"
    "  max_header_bytes: 16k\n"
    "  max_headers: 50\n"
    "  max_body: 2m\n"
    "timeouts:\n"
    "  client_header: 5s\n"
    "  client_body: 250ms\n"
    "  keepalive: 2m\n"
    "  send: 1h\n"
    "  upstream_connect: 3s\n"
    "  upstream_response: 45\n"
    "  graceful_stop: 1m30s\n"
    "trusted_proxies: [10.0.0.0/8, 127.0.0.1, \"::1\"]\n"
    "listeners:\n"
    "  - listen: 127.0.0.1:18080\n"
    "    name: public\n"
    "  - listen: \"[::1]:18081\"\n"
    "    health: /healthz\n"
    "  - listen: :18082\n"
    "upstreams:\n"
    "  - name: api\n"
    "    servers: [\"127.0.0.1:9000\", \"http://localhost\", \"http://[::1]:9002/\"]\n"
    "    keepalive: 8\n"
    "    idle_timeout: 20s\n"
    "    max_fails: 0\n"
    "    fail_timeout: 1s\n"
    "    connect_timeout: 2s\n"
    "    retries: 3\n"
    "  - name: other\n"
    "    servers: 127.0.0.1:9100\n"
    "routes:\n"
    "  - name: api\n"
    "    hosts: [API.Example.com, \"*.example.com\"]\n"
    "    path: /v1/\n"
    "    listeners: [public]\n"
    "    upstream: other\n"
    "    rewrite_host: abc.execute-api.eu-west-1.amazonaws.com\n"
    "    strip_prefix: /v1\n"
    "    add_prefix: /prod\n"
    "    set_headers: {X-Api-Key: secret, X-Empty: }\n"
    "    max_body: 0\n"
    "  - host: www.example.com\n"
    "    respond:\n"
    "      status: 418\n"
    "      headers: {Content-Type: application/json, X-A: b}\n"
    "      body: \"{\\\"ok\\\":true}\\0x\"\n"
    "  - path: /up\n"
    "    upstream: api\n";

TEST(full_config)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load(full_yaml, &e);
    rp_conf_errors_print(&e, stderr);
    CHECK(c != NULL);
    CHECK_EQ_INT(e.n, 0);
    if (!c)
        return;
    CHECK_STR(rp_str_c(c->file), "t.yaml");
    CHECK_EQ_INT(c->workers, 4);
    CHECK_EQ_INT(c->log_level, RP_LOG_WARN);
    CHECK_STR(rp_str_c(c->error_log), "/var/log/rampart/error.log");
    CHECK_STR(rp_str_c(c->access_log), "off");
    CHECK_EQ_INT(c->limits.max_connections, 500);
    CHECK_EQ_INT(c->limits.max_request_line, 4096);
    CHECK_EQ_INT(c->limits.max_header_bytes, 16384);
    CHECK_EQ_INT(c->limits.max_headers, 50);
    CHECK_EQ_INT(c->limits.max_body, 2 << 20);
    CHECK_EQ_INT(c->timeouts.client_header_ms, 5000);
    CHECK_EQ_INT(c->timeouts.client_body_ms, 250);
    CHECK_EQ_INT(c->timeouts.keepalive_ms, 120000);
    CHECK_EQ_INT(c->timeouts.send_ms, 3600000);
    CHECK_EQ_INT(c->timeouts.upstream_connect_ms, 3000);
    CHECK_EQ_INT(c->timeouts.upstream_response_ms, 45000);
    CHECK_EQ_INT(c->timeouts.graceful_stop_ms, 90000);

    CHECK_EQ_INT(c->ntrusted_proxies, 3);
    CHECK_EQ_INT(c->trusted_proxies[0].family, AF_INET);
    CHECK_EQ_INT(c->trusted_proxies[0].prefix, 8);
    CHECK_EQ_INT(c->trusted_proxies[1].prefix, 32);
    CHECK_EQ_INT(c->trusted_proxies[2].family, AF_INET6);

    CHECK_EQ_INT(c->nlisteners, 3);
    CHECK_STR(rp_str_c(c->listeners[0].name), "public");
    CHECK_STR(rp_str_c(c->listeners[0].listen), "127.0.0.1:18080");
    CHECK(c->listeners[0].health_path == NULL);
    CHECK_EQ_INT(c->listeners[0].addr.ss_family, AF_INET);
    CHECK_EQ_INT(ntohs(((struct sockaddr_in *)&c->listeners[0].addr)->sin_port), 18080);
    CHECK_EQ_INT(c->listeners[0].line, 22);
    CHECK_EQ_INT(c->listeners[0].col, 5);
    CHECK_STR(rp_str_c(c->listeners[1].name), "[::1]:18081"); /* defaults to the listen text */
    CHECK_STR(rp_str_c(c->listeners[1].health_path), "/healthz");
    CHECK_EQ_INT(c->listeners[1].addr.ss_family, AF_INET6);
    CHECK_EQ_INT(c->listeners[1].addrlen, sizeof(struct sockaddr_in6));
    CHECK_STR(rp_str_c(c->listeners[2].name), ":18082");

    CHECK_EQ_INT(c->nupstreams, 2);
    rp_conf_upstream_t *u = &c->upstreams[0];
    CHECK_STR(rp_str_c(u->name), "api");
    CHECK_EQ_INT(u->nservers, 3);
    CHECK_STR(rp_str_c(u->servers[0].text), "127.0.0.1:9000");
    CHECK_STR(rp_str_c(u->servers[0].host), "127.0.0.1");
    CHECK_EQ_INT(u->servers[0].port, 9000);
    CHECK_EQ_INT(u->servers[0].tls, 0);
    CHECK_EQ_INT(ntohs(((struct sockaddr_in *)&u->servers[0].addr)->sin_port), 9000);
    CHECK_STR(rp_str_c(u->servers[1].host), "localhost");
    CHECK_EQ_INT(u->servers[1].port, 80);
    CHECK_EQ_INT(u->servers[1].addr.ss_family, AF_INET);
    CHECK_EQ_INT(ntohl(((struct sockaddr_in *)&u->servers[1].addr)->sin_addr.s_addr), 0x7f000001);
    CHECK_STR(rp_str_c(u->servers[2].host), "::1");
    CHECK_EQ_INT(u->servers[2].addr.ss_family, AF_INET6);
    CHECK_EQ_INT(ntohs(((struct sockaddr_in6 *)&u->servers[2].addr)->sin6_port), 9002);
    CHECK_EQ_INT(u->keepalive, 8);
    CHECK_EQ_INT(u->idle_timeout_ms, 20000);
    CHECK_EQ_INT(u->max_fails, 0);
    CHECK_EQ_INT(u->fail_timeout_ms, 1000);
    CHECK_EQ_INT(u->connect_timeout_ms, 2000);
    CHECK_EQ_INT(u->response_timeout_ms, 45000); /* from timeouts.upstream_response */
    CHECK_EQ_INT(u->retries, 3);
    CHECK_EQ_INT(u->line, 28);
    u = &c->upstreams[1];
    CHECK_EQ_INT(u->nservers, 1); /* a single string is a one-element list */
    CHECK_EQ_INT(u->keepalive, 32);
    CHECK_EQ_INT(u->idle_timeout_ms, 30000);
    CHECK_EQ_INT(u->max_fails, 3);
    CHECK_EQ_INT(u->fail_timeout_ms, 10000);
    CHECK_EQ_INT(u->connect_timeout_ms, 3000); /* from timeouts.upstream_connect */
    CHECK_EQ_INT(u->retries, 1);

    CHECK_EQ_INT(c->nroutes, 3);
    rp_conf_route_t *r = &c->routes[0];
    CHECK_STR(rp_str_c(r->name), "api");
    CHECK_EQ_INT(r->nhosts, 2);
    CHECK_STR(rp_str_c(r->hosts[0]), "api.example.com"); /* lower-cased */
    CHECK_STR(rp_str_c(r->hosts[1]), "*.example.com");
    CHECK_STR(rp_str_c(r->path), "/v1/");
    CHECK_EQ_INT(r->nlisteners, 1);
    CHECK_STR(rp_str_c(r->listeners[0]), "public");
    CHECK_EQ_INT(r->action, RP_ROUTE_PROXY);
    CHECK_STR(rp_str_c(r->upstream), "other");
    CHECK_EQ_INT(r->upstream_index, 1);
    CHECK_STR(rp_str_c(r->rewrite_host), "abc.execute-api.eu-west-1.amazonaws.com");
    CHECK_STR(rp_str_c(r->strip_prefix), "/v1");
    CHECK_STR(rp_str_c(r->add_prefix), "/prod");
    CHECK_EQ_INT(r->nset_headers, 2);
    CHECK_STR(rp_str_c(r->set_headers[0].name), "X-Api-Key");
    CHECK_STR(rp_str_c(r->set_headers[0].value), "secret");
    CHECK_STR(rp_str_c(r->set_headers[1].value), "");
    CHECK_EQ_INT(r->max_body, 0);
    CHECK(r->body == NULL);
    r = &c->routes[1];
    CHECK_STR(rp_str_c(r->name), "route2");
    CHECK_EQ_INT(r->nhosts, 1);
    CHECK_STR(rp_str_c(r->hosts[0]), "www.example.com");
    CHECK_STR(rp_str_c(r->path), "/");
    CHECK_EQ_INT(r->nlisteners, 0);
    CHECK_EQ_INT(r->action, RP_ROUTE_RESPOND);
    CHECK(r->upstream == NULL);
    CHECK_EQ_INT(r->status, 418);
    CHECK_EQ_INT(r->nheaders, 2);
    CHECK_STR(rp_str_c(r->headers[0].name), "Content-Type");
    CHECK_STR(rp_str_c(r->headers[0].value), "application/json");
    CHECK_EQ_INT(r->body_len, 13); /* {"ok":true} NUL x */
    CHECK(memcmp(r->body, "{\"ok\":true}\0x", 13) == 0);
    CHECK_EQ_INT(r->max_body, 2 << 20); /* from limits.max_body */
    CHECK_EQ_INT(r->line, 49);
    CHECK_EQ_INT(r->col, 5);
    r = &c->routes[2];
    CHECK_STR(rp_str_c(r->name), "route3");
    CHECK_EQ_INT(r->upstream_index, 0);
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
}

TEST(defaults)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load(LIS RESP, &e);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK_EQ_INT(c->workers, 0); /* auto */
    CHECK_EQ_INT(c->log_level, RP_LOG_INFO);
    CHECK_STR(rp_str_c(c->error_log), "stderr");
    CHECK_STR(rp_str_c(c->access_log), "stdout");
    CHECK_EQ_INT(c->limits.max_connections, 10000);
    CHECK_EQ_INT(c->limits.max_request_line, 8192);
    CHECK_EQ_INT(c->limits.max_header_bytes, 32768);
    CHECK_EQ_INT(c->limits.max_headers, 100);
    CHECK_EQ_INT(c->limits.max_body, 10 << 20);
    CHECK_EQ_INT(c->timeouts.client_header_ms, 10000);
    CHECK_EQ_INT(c->timeouts.client_body_ms, 30000);
    CHECK_EQ_INT(c->timeouts.keepalive_ms, 75000);
    CHECK_EQ_INT(c->timeouts.send_ms, 30000);
    CHECK_EQ_INT(c->timeouts.upstream_connect_ms, 5000);
    CHECK_EQ_INT(c->timeouts.upstream_response_ms, 60000);
    CHECK_EQ_INT(c->timeouts.graceful_stop_ms, 30000);
    CHECK_EQ_INT(c->ntrusted_proxies, 0);
    CHECK_EQ_INT(c->nupstreams, 0);
    CHECK_EQ_INT(c->nroutes, 1);
    CHECK_STR(rp_str_c(c->routes[0].name), "route1");
    CHECK_STR(rp_str_c(c->routes[0].path), "/");
    CHECK_EQ_INT(c->routes[0].status, 204);
    CHECK(c->routes[0].body != NULL);
    CHECK_EQ_INT(c->routes[0].body_len, 0);
    CHECK_EQ_INT(c->routes[0].max_body, 10 << 20);
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
}

TEST(example_file)
{
    rp_conf_errors_t e;
    rp_conf_errors_init(&e);
    rp_conf_t *c = rp_conf_load_file("examples/rampart.yaml", &e);
    rp_conf_errors_print(&e, stderr);
    CHECK(c != NULL);
    CHECK_EQ_INT(e.n, 0);
    if (c) {
        CHECK_EQ_INT(c->nlisteners, 2);
        CHECK_EQ_INT(c->nupstreams, 2);
        CHECK_EQ_INT(c->nroutes, 3);
        CHECK_EQ_INT(c->ntrusted_proxies, 3);
        CHECK_STR(rp_str_c(c->upstreams[1].host), "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com");
        CHECK_STR(rp_str_c(c->upstreams[1].path_prefix), "/prod");
        CHECK_EQ_INT(c->dns.min_ttl_ms, 5000);
        CHECK_STR(rp_str_c(c->routes[0].rewrite_host), "abc.execute-api.eu-west-1.amazonaws.com");
        CHECK_EQ_INT(c->routes[1].action, RP_ROUTE_RESPOND);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);

    rp_conf_errors_init(&e);
    CHECK(rp_conf_load_file("examples/no-such-file.yaml", &e) == NULL);
    CHECK_EQ_INT(e.n, 1);
    if (e.n) {
        CHECK_EQ_INT(e.v[0].line, 0);
        CHECK(strstr(e.v[0].msg, "cannot open") != NULL);
    }
    rp_conf_errors_dispose(&e);
}

TEST(unknown_keys)
{
    CHECK_ERR("foo: 1\n" LIS RESP, 1, 1, "unknown key 'foo' in config");
    CHECK_ERR(LIS "routes:\n  - path: /\n    bogus: 1\n    respond: {}\n", 5, 5,
              "unknown key 'bogus' in route");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n    port: 2\n" RESP, 3, 5,
              "unknown key 'port' in listener");
    CHECK_ERR(LIS "routes:\n  - respond: {code: 200}\n", 4, 15, "unknown key 'code' in respond");
    CHECK_ERR("log: {lvl: info}\n" LIS RESP, 1, 7, "unknown key 'lvl' in log");
    CHECK_ERR("timeouts:\n  idle: 5s\n" LIS RESP, 2, 3, "unknown key 'idle' in timeouts");
}

TEST(wrong_types)
{
    CHECK_ERR("limits: 5\n" LIS RESP, 1, 9, "expected a mapping");
    CHECK_ERR("listeners: {listen: 1}\n" RESP, 1, 12, "expected a list");
    CHECK_ERR("limits:\n  max_headers: ten\n" LIS RESP, 2, 16, "expected an integer");
    CHECK_ERR("limits:\n  max_headers: [1]\n" LIS RESP, 2, 16, "expected an integer");
    CHECK_ERR("timeouts:\n  keepalive: soon\n" LIS RESP, 2, 14, "expected a duration like 10s");
    CHECK_ERR("limits:\n  max_body: lots\n" LIS RESP, 2, 13, "expected a size");
    CHECK_ERR("workers: many\n" LIS RESP, 1, 10, "expected an integer or 'auto'");
    CHECK_ERR("listeners:\n  - 127.0.0.1:8080\n" RESP, 2, 5, "expected a mapping");
    CHECK_ERR(LIS "routes:\n  - name: [a]\n    respond: {}\n", 4, 11, "expected a string");
    CHECK_ERR("- a\n- b\n", 1, 1, "expected a mapping");
    CHECK_ERR("log:\n  level: loud\n" LIS RESP, 2, 10, "unknown log level 'loud'");
}

TEST(out_of_range)
{
    CHECK_ERR("workers: 300\n" LIS RESP, 1, 10, "workers must be between 1 and 256");
    CHECK_ERR("workers: 0\n" LIS RESP, 1, 10, "workers must be between 1 and 256");
    CHECK_ERR("workers: -1\n" LIS RESP, 1, 10, "workers must be between 1 and 256");
    CHECK_ERR("limits:\n  max_headers: 5000\n" LIS RESP, 2, 16,
              "max_headers must be between 1 and 1000");
    CHECK_ERR("limits:\n  max_connections: 99999999999999999999999\n" LIS RESP, 2, 20,
              "max_connections must be between 1 and 1000000");
    CHECK_ERR("limits:\n  max_request_line: 100\n" LIS RESP, 2, 21,
              "max_request_line must be between 256 and 1m");
    CHECK_ERR("limits:\n  max_header_bytes: 2m\n" LIS RESP, 2, 21,
              "max_header_bytes must be between 1k and 1m");
    CHECK_ERR("timeouts:\n  send: 0\n" LIS RESP, 2, 9, "send must be greater than 0");
    CHECK_ERR("timeouts:\n  send: 400d\n" LIS RESP, 2, 9, "send must be between 1ms and 365d");
    CHECK_ERR(LIS "routes:\n  - respond: {status: 700}\n", 4, 23, "status must be between 100 and 599");
    CHECK_ERR(LIS "upstreams:\n  - name: a\n    servers: [127.0.0.1:1]\n    retries: 11\n" RESP, 6,
              14, "retries must be between 0 and 10");
}

TEST(bad_values)
{
    CHECK_ERR("listeners:\n  - listen: 1.2.3:80\n" RESP, 2, 13, "invalid listen address '1.2.3:80'");
    CHECK_ERR("listeners:\n  - listen: example.com:80\n" RESP, 2, 13, "invalid listen address");
    CHECK_ERR("trusted_proxies: [10.0.0.0/8, 10.0.0.1/8]\n" LIS RESP, 1, 31,
              "invalid CIDR '10.0.0.1/8'");
    CHECK_ERR("trusted_proxies: [10.0.0.1/33]\n" LIS RESP, 1, 19, "invalid CIDR '10.0.0.1/33'");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n    health: healthz\n" RESP, 3, 13,
              "health must start with '/'");
    CHECK_ERR(LIS "routes:\n  - path: api\n    respond: {}\n", 4, 11, "path must start with '/'");
    CHECK_ERR(LIS "routes:\n  - path: /a b\n    respond: {}\n", 4, 11, "must not contain spaces");
    CHECK_ERR(LIS "upstreams:\n  - name: a\n    servers: [\"127.0.0.1:1\", \"h:1/x\"]\n" RESP, 5, 30,
              "must not have a path");
    CHECK_ERR(LIS "upstreams:\n  - name: a\n    servers: [\"127.0.0.1:1\"]\n    tls: {sni: x}\n" RESP,
              6, 5, "tls settings need https:// servers");
    CHECK_ERR(LIS "upstreams:\n  - name: a\n    servers: [example.com]\n" RESP, 5, 15,
              "missing port");
    CHECK_ERR(LIS "upstreams:\n  - name: a\n    servers: []\n" RESP, 5, 14,
              "at least one server");
    CHECK_ERR(LIS "routes:\n  - hosts: [\"a.*.com\"]\n    respond: {}\n", 4, 13,
              "invalid host 'a.*.com'");
    CHECK_ERR(LIS "routes:\n  - host: a\n    hosts: [b]\n    respond: {}\n", 5, 12,
              "either 'host' or 'hosts'");
    CHECK_ERR(LIS "routes:\n  - upstream: u\n    set_headers: {\"Bad Header\": x}\n" RESP, 5, 19,
              "invalid header name 'Bad Header'");
    CHECK_ERR(LIS "routes:\n  - respond:\n      headers: {X-A: \"a\\r\\nb\"}\n", 5, 22,
              "must not contain CR, LF or NUL");
    CHECK_ERR(LIS "routes:\n  - respond:\n      headers: {Content-Length: 5}\n", 5, 17,
              "header 'Content-Length' cannot be set here");
    CHECK_ERR(LIS "routes:\n  - upstream: u\n    set_headers: {host: x}\n", 5, 19, "use rewrite_host");
    CHECK_ERR(LIS "routes:\n  - strip_prefix: v1\n    respond: {}\n", 4, 19,
              "strip_prefix must start with '/'");
}

TEST(duplicates)
{
    CHECK_ERR("workers: 1\nworkers: 2\n" LIS RESP, 2, 1, "duplicate key 'workers'");
    CHECK_ERR(LIS "routes:\n  - path: /\n    path: /a\n    respond: {}\n", 5, 5,
              "duplicate key 'path'");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n    name: a\n  - listen: 127.0.0.1:2\n"
              "    name: a\n" RESP,
              5, 11, "duplicate listener name 'a'");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n  - listen: 127.0.0.1:1\n    name: b\n" RESP, 3,
              13, "listen address '127.0.0.1:1' conflicts with listener '127.0.0.1:1'");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n    name: 127.0.0.1:2\n  - listen: 127.0.0.1:2\n"
              RESP, 4, 13, "duplicate listener name '127.0.0.1:2'");
    CHECK_ERR("listeners:\n  - listen: :80\n    name: any\n  - listen: 127.0.0.1:80\n" RESP, 4, 13,
              "conflicts with listener 'any'");
    CHECK_ERR(LIS "upstreams:\n  - name: a\n    servers: [127.0.0.1:1]\n  - name: a\n"
                  "    servers: [127.0.0.1:2]\n" RESP,
              6, 11, "duplicate upstream name 'a'");
    CHECK_ERR(LIS "routes:\n  - name: route2\n    respond: {}\n  - respond: {}\n", 6, 5,
              "duplicate route name 'route2'");
    CHECK_ERR(LIS "routes:\n  - respond:\n      headers: {X-A: 1, x-a: 2}\n", 5, 25,
              "duplicate header 'x-a'");
}

TEST(dangling_names)
{
    CHECK_ERR(LIS "routes:\n  - upstream: nope\n", 4, 15, "unknown upstream 'nope'");
    CHECK_ERR(LIS "routes:\n  - listeners: [main]\n    respond: {}\n", 4, 17,
              "unknown listener 'main'");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n  - listen: 127.0.0.1:2\n    name: hc\n"
              "    health: /h\nroutes:\n  - listeners: hc\n    respond: {}\n",
              7, 16, "listener 'hc' is a health-check listener");
    CHECK_ERR(LIS "routes:\n  - path: /\n", 4, 5, "a route needs 'upstream'");
    CHECK_ERR(LIS "upstreams:\n  - name: u\n    servers: 127.0.0.1:1\nroutes:\n"
                  "  - upstream: u\n    respond: {}\n",
              8, 5, "either 'upstream' or 'respond'");
    CHECK_ERR(LIS "routes:\n  - respond: {}\n    add_prefix: /x\n", 5, 5,
              "'add_prefix' only applies to routes with an upstream");
    CHECK_ERR(LIS "upstreams:\n  - servers: 127.0.0.1:1\n" RESP, 4, 5, "missing 'name' in upstream");
    CHECK_ERR("listeners:\n  - name: x\n" RESP, 2, 5, "missing 'listen' in listener");
}

TEST(yaml_errors)
{
    CHECK_ERR("a: b: c\n", 1, 5, "invalid yaml: mapping values are not allowed");
    CHECK_ERR(LIS "routes: [\n", 4, 1, "invalid yaml:");
    CHECK_ERR("x: &a 1\ny: *a\n", 2, 4, "aliases are not supported");
    CHECK_ERR("workers: 1\n---\nworkers: 2\n", 2, 1, "multiple documents are not supported");
    CHECK_ERR("workers: \"\x01\"\n", 1, 11, "invalid yaml");
    CHECK_ERR("a:\n\tb: 1\n", 2, 1, "invalid yaml");
    CHECK_ERR("? [a]\n: 1\n" LIS RESP, 1, 3, "mapping keys must be strings");
    char deep[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(deep, "[");
    CHECK_ERR(deep, 1, 65, "nesting deeper than 64");
}

TEST(empty_and_missing)
{
    CHECK_ERR("", 1, 1, "no listeners");
    CHECK_ERR("# just a comment\n", 1, 1, "no listeners");
    CHECK_ERR("workers: 2\n" RESP, 1, 1, "no listeners");
    CHECK_ERR("listeners: []\n" RESP, 1, 12, "no listeners");
    CHECK_ERR(LIS, 1, 1, "no routes");
    CHECK_ERR(LIS "routes:\n", 3, 8, "no routes");
}

TEST(many_errors)
{
    rp_conf_errors_t e;
    const char *y = "workers: 999\n"                 /* 1 */
                    "limits:\n"                      /* 2 */
                    "  max_headers: x\n"             /* 3 */
                    "listeners:\n"                   /* 4 */
                    "  - listen: nowhere\n"          /* 5 */
                    "routes:\n"                      /* 6 */
                    "  - upstream: ghost\n"          /* 7 */
                    "    colour: blue\n";            /* 8 */
    rp_conf_t *c = load(y, &e);
    CHECK(c == NULL);
    CHECK_EQ_INT(e.n, 5);
    CHECK(has_err(&e, 1, 10, "workers must be between"));
    CHECK(has_err(&e, 3, 16, "expected an integer"));
    CHECK(has_err(&e, 5, 13, "invalid listen address 'nowhere'"));
    CHECK(has_err(&e, 7, 15, "unknown upstream 'ghost'"));
    CHECK(has_err(&e, 8, 5, "unknown key 'colour' in route"));
    /* printed as file:line:col: msg, messages start lowercase */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rp_conf_errors_print(&e, f);
    fclose(f);
    CHECK(strstr(buf, "t.yaml:1:10: workers must be between 1 and 256\n") != NULL);
    free(buf);
    for (size_t i = 0; i < e.n; i++)
        CHECK(e.v[i].msg[0] >= 'a' && e.v[i].msg[0] <= 'z');
    /* sorted by position although cross-checks run after the walk */
    for (size_t i = 1; i < e.n; i++)
        CHECK(e.v[i - 1].line < e.v[i].line ||
              (e.v[i - 1].line == e.v[i].line && e.v[i - 1].col <= e.v[i].col));
    rp_conf_errors_dispose(&e);

    /* a flood of errors is capped, with a last line saying so */
    char big[8000] = "";
    for (int i = 0; i < 300; i++)
        snprintf(big + strlen(big), sizeof(big) - strlen(big), "k%d: 1\n", i);
    CHECK(load(big, &e) == NULL);
    CHECK_EQ_INT(e.n, RP__CONF_MAX_ERRORS + 1);
    CHECK(strstr(e.v[e.n - 1].msg, "too many errors") != NULL);
    CHECK_EQ_INT(e.v[e.n - 1].line, 0);
    rp_conf_errors_dispose(&e);
    /* errs may be NULL: the result alone says whether it loaded */
    CHECK(rp_conf_load_string("t.yaml", "x: 1", 4, NULL) == NULL);
}

TEST(demo)
{
    rp_conf_errors_t e;
    rp_conf_errors_init(&e);
    rp_conf_t *c = rp_conf_demo(&e);
    rp_conf_errors_print(&e, stderr);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK_STR(rp_str_c(c->file), "<demo>");
    CHECK_EQ_INT(c->nlisteners, 2);
    CHECK_STR(rp_str_c(c->listeners[0].name), "demo");
    CHECK_STR(rp_str_c(c->listeners[0].listen), "127.0.0.1:8080");
    CHECK_STR(rp_str_c(c->listeners[1].listen), "127.0.0.1:8081");
    CHECK_STR(rp_str_c(c->listeners[1].health_path), "/healthz");
    CHECK_STR(rp_str_c(c->access_log), "stdout");
    CHECK_EQ_INT(c->nroutes, 2);
    CHECK_STR(rp_str_c(c->routes[0].path), "/demo/demo");
    CHECK_EQ_INT(c->routes[0].action, RP_ROUTE_RESPOND);
    CHECK_EQ_INT(c->routes[0].status, 200);
    CHECK_STR(rp_str_c(c->routes[0].headers[0].value), "application/json");
    CHECK(strstr(c->routes[0].body, "\"message\":\"Hello from the Rampart demo API\"") != NULL);
    CHECK_EQ_INT(c->routes[0].body_len, strlen(c->routes[0].body));
    CHECK_STR(rp_str_c(c->routes[1].path), "/");
    CHECK_EQ_INT(c->routes[1].status, 404);
    CHECK(strstr(c->routes[1].body, "try GET /demo/demo") != NULL);
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
}

TEST(quickstart)
{
    rp_conf_errors_t e;
    rp_conf_errors_init(&e);
    rp_conf_t *c = rp_conf_quickstart("127.0.0.1:8080", "http://127.0.0.1:9000/api", &e);
    rp_conf_errors_print(&e, stderr);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->nlisteners, 1);
        CHECK_STR(rp_str_c(c->listeners[0].listen), "127.0.0.1:8080");
        CHECK_EQ_INT(c->nupstreams, 1);
        CHECK_STR(rp_str_c(c->upstreams[0].name), "origin");
        CHECK_STR(rp_str_c(c->upstreams[0].servers[0].text), "http://127.0.0.1:9000");
        CHECK_EQ_INT(c->upstreams[0].servers[0].port, 9000);
        CHECK_EQ_INT(c->nroutes, 1);
        CHECK_STR(rp_str_c(c->routes[0].path), "/");
        CHECK_EQ_INT(c->routes[0].action, RP_ROUTE_PROXY);
        CHECK_STR(rp_str_c(c->routes[0].add_prefix), "/api");
    }
    rp_conf_destroy(c);

    c = rp_conf_quickstart("8081", "127.0.0.1:9000", &e);
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(rp_str_c(c->listeners[0].listen), ":8081");
        CHECK(c->routes[0].add_prefix == NULL);
        CHECK_EQ_INT(c->upstreams[0].servers[0].port, 9000);
    }
    rp_conf_destroy(c);
    CHECK_EQ_INT(e.n, 0);

    c = rp_conf_quickstart("nowhere", "ftp://x", &e);
    CHECK(c == NULL);
    CHECK_EQ_INT(e.n, 1);
    if (e.n) {
        CHECK_STR(rp_str_c(e.v[0].file), "<command line>");
        CHECK_EQ_INT(e.v[0].line, 0);
        CHECK(strstr(e.v[0].msg, "invalid upstream URL 'ftp://x'") != NULL);
    }
    rp_conf_errors_dispose(&e);

    rp_conf_errors_init(&e);
    c = rp_conf_quickstart("1.2.3:80\"", "http://127.0.0.1:1", &e);
    CHECK(c == NULL);
    CHECK_EQ_INT(e.n, 1);
    if (e.n) {
        CHECK_EQ_INT(e.v[0].line, 0);
        CHECK(strstr(e.v[0].msg, "invalid listen address") != NULL);
    }
    rp_conf_errors_dispose(&e);
}

TEST(reload_blocker)
{
    rp_conf_errors_t e;
    rp_conf_t *a = load("workers: 2\n" LIS RESP, &e);
    rp_conf_t *b = load("workers: 2\n" LIS "routes:\n  - respond: {status: 200}\n", &e);
    rp_conf_t *d = load("workers: 3\n" LIS RESP, &e);
    CHECK(a && b && d);
    if (a && b && d) {
        CHECK(rp_conf_reload_blocker(a, b) == NULL);
        CHECK_STR(rp_str_c(rp_conf_reload_blocker(a, d)), "workers");
    }
    rp_conf_destroy(a);
    rp_conf_destroy(b);
    rp_conf_destroy(d);
    rp_conf_errors_dispose(&e);
}

int main(void)
{
    RUN(full_config);
    RUN(defaults);
    RUN(example_file);
    RUN(unknown_keys);
    RUN(wrong_types);
    RUN(out_of_range);
    RUN(bad_values);
    RUN(duplicates);
    RUN(dangling_names);
    RUN(yaml_errors);
    RUN(empty_and_missing);
    RUN(many_errors);
    RUN(demo);
    RUN(quickstart);
    RUN(reload_blocker);
    TEST_MAIN_END();
}
