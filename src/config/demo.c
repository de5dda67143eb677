/*
 * demo.c - the built-in configs: the demo (`rampart demo`) and the quick
 * start (`rampart --listen A --upstream URL`). Both go through the same
 * loader as a file, so they obey exactly the same rules.
 */
#include "config/config_int.h"

#include <arpa/inet.h>
#include <string.h>

static const char demo_yaml[] =
    "# The embedded demo: a mock API on 127.0.0.1:8080, health on :8081.\n"
    "listeners:\n"
    "  - name: demo\n"
    "    listen: 127.0.0.1:8080\n"
    "  - name: health\n"
    "    listen: 127.0.0.1:8081\n"
    "    health: /healthz\n"
    "    metrics: /metrics\n"
    "log:\n"
    "  access_log: stdout\n"
    "waf:\n"
    "  mode: block\n"
    "  events: {log: stdout}\n"
    "routes:\n"
    "  - name: demo\n"
    "    path: /demo/demo\n"
    "    respond:\n"
    "      status: 200\n"
    "      headers: {Content-Type: application/json}\n"
    "      body: '{\"message\":\"Hello from the Rampart demo API\",\"service\":\"demo\","
    "\"protected_by\":\"rampart\"}'\n"
    "  - name: not_found\n"
    "    path: /\n"
    "    respond:\n"
    "      status: 404\n"
    "      headers: {Content-Type: application/json}\n"
    "      body: '{\"error\":\"not found\",\"hint\":\"try GET /demo/demo\"}'\n";

rp_conf_t *rp_conf_demo(rp_conf_errors_t *errs)
{
    rp__conf_ctx_t ctx = { "<demo>", errs, 0, 0 };
    return rp__conf_load(&ctx, demo_yaml, sizeof(demo_yaml) - 1);
}

/* Appends s as a YAML double-quoted scalar. */
static void yaml_quote(rp_buf_t *b, rp_str_t s)
{
    rp_buf_append(b, "\"", 1);
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\')
            rp_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            rp_buf_printf(b, "\\x%02x", c);
        else
            rp_buf_append(b, &s.p[i], 1);
    }
    rp_buf_append(b, "\"", 1);
}

rp_conf_t *rp_conf_quickstart(const char *listen, const char *upstream_url,
                              rp_conf_errors_t *errs)
{
    return rp_conf_quickstart_mode(listen, upstream_url, NULL, errs);
}

rp_conf_t *rp_conf_quickstart_mode(const char *listen, const char *upstream_url, const char *mode,
                                   rp_conf_errors_t *errs)
{
    /* Errors name the argument, not a line of the generated YAML. */
    rp__conf_ctx_t ctx = { "<command line>", errs, 0, 1 };
    rp_str_t lis = rp_str_c(listen), url = rp_str_c(upstream_url);
    rp__conf_url_t u;
    const char *why = NULL;
    char buf[80];
    if (!listen || !upstream_url) {
        rp__conf_err_at(&ctx, 0, 0, "both a listen address and an upstream URL are needed");
        return NULL;
    }
    if (rp__conf_parse_url(url, &u, &why) < 0) {
        rp__conf_err_at(&ctx, 0, 0, "invalid upstream URL '%s': %s",
                        rp__conf_show(url.p, url.n, buf, sizeof(buf)), why);
        return NULL;
    }
    /* A bare port means every IPv4 interface, as ":port" does. */
    size_t digits = 0;
    while (digits < lis.n && lis.p[digits] >= '0' && lis.p[digits] <= '9')
        digits++;

    rp_buf_t y;
    rp_buf_init(&y);
    if (mode) {
        rp_buf_append_cstr(&y, "waf:\n  mode: ");
        yaml_quote(&y, rp_str_c(mode));
        rp_buf_append_cstr(&y, "\n  events: {log: stdout}\n");
    }
    rp_buf_append_cstr(&y, "listeners:\n  - name: main\n    listen: ");
    if (lis.n > 0 && digits == lis.n) {
        rp_buf_append_cstr(&y, "\":");
        rp_buf_append_str(&y, lis);
        rp_buf_append_cstr(&y, "\"");
    } else {
        yaml_quote(&y, lis);
    }
    rp_buf_append_cstr(&y, "\nupstreams:\n  - name: origin\n    servers: [");
    /* The server without its path: the path becomes the route's add_prefix. */
    yaml_quote(&y, rp_str(url.p, (size_t)(u.path.p - url.p)));
    rp_buf_append_cstr(&y, "]\n");
    if (u.tls) {
        /* An HTTPS origin is reached by its name: Host and SNI. */
        struct in6_addr tmp;
        char host[256];
        if (u.host.n < sizeof(host)) {
            memcpy(host, u.host.p, u.host.n);
            host[u.host.n] = '\0';
            if (!u.host_is_v6 && inet_pton(AF_INET, host, &tmp) != 1) {
                rp_buf_append_cstr(&y, "    host: ");
                yaml_quote(&y, u.host);
                rp_buf_append_cstr(&y, "\n");
            }
        }
    }
    rp_buf_append_cstr(&y, "routes:\n  - name: origin\n    path: /\n    upstream: origin\n");
    if (u.path.n > 0 && !rp_str_eq(u.path, RP_STRLIT("/"))) {
        rp_buf_append_cstr(&y, "    add_prefix: ");
        yaml_quote(&y, u.path);
        rp_buf_append_cstr(&y, "\n");
    }
    rp_conf_t *c = rp__conf_load(&ctx, y.p, y.len);
    rp_buf_dispose(&y);
    return c;
}
