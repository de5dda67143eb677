/*
 * schema.c - Rampart's config schema: the tables of typed keys, the
 * handlers for values that are more than a number or a string, and the
 * checks that need the whole document (names that must exist or be
 * unique, defaults taken from other sections).
 *
 * To add a key: add a row to its section's table (and a field to the
 * struct in rampart/config.h); a handler only when no RP__CT_* type fits.
 */
#include "config/config_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW(node, buf) rp__conf_show((node)->s, (node)->n, (buf), sizeof(buf))
#define MAX_DURATION_MS ((uint64_t)365 * 86400000) /* keeps now + timeout far from overflow */

static int resolve_names = 1;

void rp__conf_set_resolve(int on)
{
    resolve_names = on;
}

int rp__conf_get_resolve(void)
{
    return resolve_names;
}

static int is_seq(const rp__cnode_t *v)
{
    return v && v->kind == RP__CN_SEQ;
}

/* A list value: a sequence, a single scalar standing for a one-element
 * list, or null for none. Returns the number of items and sets *items
 * (for a scalar, *items points at v itself). -1 (reported) otherwise. */
static long list_items(rp__conf_ctx_t *ctx, const rp__cnode_t *v, rp__cnode_t *const **items,
                       const rp__cnode_t **single)
{
    *single = NULL;
    *items = NULL;
    if (!v || rp__cnode_is_null(v))
        return 0;
    if (is_seq(v)) {
        *items = v->kids;
        return (long)v->nkids;
    }
    if (v->kind == RP__CN_SCALAR) {
        *single = v;
        return 1;
    }
    rp__conf_err(ctx, v, "expected a list");
    return -1;
}

static const rp__cnode_t *item_at(rp__cnode_t *const *items, const rp__cnode_t *single, size_t i)
{
    return single ? single : items[i];
}

/* ---------------------------------------------------------------------- */
/* Handlers.                                                                */

static void cb_workers(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_t *c = obj;
    uint64_t n;
    if (v->kind == RP__CN_SCALAR && strcmp(v->s, "auto") == 0) {
        c->workers = 0; /* the caller resolves 0 to the number of CPUs */
        return;
    }
    size_t i = v->kind == RP__CN_SCALAR && v->n > 1 && v->s[0] == '-' ? 1 : 0;
    while (v->kind == RP__CN_SCALAR && i < v->n && v->s[i] >= '0' && v->s[i] <= '9')
        i++;
    if (v->kind != RP__CN_SCALAR || v->n == 0 || i != v->n) {
        rp__conf_err(ctx, v, "expected an integer or 'auto'");
        return;
    }
    if (rp__conf_get_uint(ctx, k->name, v, k->min, k->max, &n) == 0)
        c->workers = (unsigned)n;
}

static void cb_log_level(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    char buf[80];
    int lvl = v->kind == RP__CN_SCALAR ? rp_log_level_parse(rp_str(v->s, v->n)) : -1;
    if (lvl < 0) {
        if (v->kind == RP__CN_SCALAR)
            rp__conf_err(ctx, v, "unknown log level '%s' (expected debug, info, warn or error)",
                         SHOW(v, buf));
        else
            rp__conf_err(ctx, v, "expected a string");
        return;
    }
    ((rp_conf_t *)obj)->log_level = lvl;
}

static void cb_trusted(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_t *c = obj;
    rp__cnode_t *const *items;
    const rp__cnode_t *single;
    char buf[80];
    long n = list_items(ctx, v, &items, &single);
    if (n <= 0)
        return;
    c->trusted_proxies = rp_xcalloc((size_t)n, sizeof(rp_cidr_t));
    for (size_t i = 0; i < (size_t)n; i++) {
        const rp__cnode_t *it = item_at(items, single, i);
        if (it->kind != RP__CN_SCALAR || rp__cnode_is_null(it))
            rp__conf_err(ctx, it, "expected an address or CIDR like 10.0.0.0/8");
        else if (rp_cidr_parse(rp_str(it->s, it->n), &c->trusted_proxies[c->ntrusted_proxies]) < 0)
            rp__conf_err(ctx, it, "invalid CIDR '%s' (expected 10.0.0.0/8, 127.0.0.1, ::1 or "
                                  "fd00::/8 with the host bits zero)", SHOW(it, buf));
        else
            c->ntrusted_proxies++;
    }
}

static void cb_listen(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_listener_t *l = obj;
    char buf[80];
    if (rp__conf_get_string(ctx, k->name, v, &l->listen) < 0)
        return;
    if (rp_conf_parse_listen_addr(rp_str(v->s, v->n), &l->addr, &l->addrlen) < 0)
        rp__conf_err(ctx, v, "invalid listen address '%s' (expected host:port, [v6]:port, "
                             ":port or *:port with a numeric host or localhost)", SHOW(v, buf));
}

/* Resolves a server's host into s->addr: literals directly, names with
 * getaddrinfo (first IPv4 result, else first IPv6). */
static int resolve_server(rp__conf_ctx_t *ctx, const rp__cnode_t *v, rp_conf_server_t *s)
{
    struct sockaddr_in *a4 = (struct sockaddr_in *)&s->addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&s->addr;
    char buf[80];
    if (inet_pton(AF_INET, s->host, &a4->sin_addr) == 1 || strcmp(s->host, "localhost") == 0) {
        if (strcmp(s->host, "localhost") == 0)
            a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a4->sin_family = AF_INET;
        a4->sin_port = htons(s->port);
        s->addrlen = sizeof(*a4);
        return 0;
    }
    if (inet_pton(AF_INET6, s->host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(s->port);
        s->addrlen = sizeof(*a6);
        return 0;
    }
    if (!resolve_names)
        return 0; /* fuzzing: no DNS; addrlen stays 0 */
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(s->host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        rp__conf_err(ctx, v, "cannot resolve '%s': %s",
                     rp__conf_show(s->host, strlen(s->host), buf, sizeof(buf)),
                     rc ? gai_strerror(rc) : "no address");
        return -1;
    }
    const struct addrinfo *pick = NULL;
    for (const struct addrinfo *ai = res; ai && !pick; ai = ai->ai_next)
        if (ai->ai_family == AF_INET)
            pick = ai;
    for (const struct addrinfo *ai = res; ai && !pick; ai = ai->ai_next)
        if (ai->ai_family == AF_INET6)
            pick = ai;
    if (pick && pick->ai_addrlen <= sizeof(s->addr)) {
        memcpy(&s->addr, pick->ai_addr, pick->ai_addrlen);
        s->addrlen = (socklen_t)pick->ai_addrlen;
        if (pick->ai_family == AF_INET)
            a4->sin_port = htons(s->port);
        else
            a6->sin6_port = htons(s->port);
    } else {
        rp__conf_err(ctx, v, "cannot resolve '%s': no IPv4 or IPv6 address",
                     rp__conf_show(s->host, strlen(s->host), buf, sizeof(buf)));
    }
    freeaddrinfo(res);
    return pick ? 0 : -1;
}

static void cb_servers(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_upstream_t *u = obj;
    rp__cnode_t *const *items;
    const rp__cnode_t *single;
    char buf[80];
    long n = list_items(ctx, v, &items, &single);
    if (n == 0)
        rp__conf_err(ctx, v, "an upstream needs at least one server");
    if (n <= 0)
        return;
    u->servers = rp_xcalloc((size_t)n, sizeof(rp_conf_server_t));
    for (size_t i = 0; i < (size_t)n; i++) {
        const rp__cnode_t *it = item_at(items, single, i);
        rp_conf_server_t *s = &u->servers[u->nservers];
        rp__conf_url_t url;
        const char *why = NULL;
        char *text = NULL;
        if (rp__conf_get_string(ctx, "server", it, &text) < 0)
            continue;
        if (rp__conf_parse_url(rp_str(it->s, it->n), &url, &why) < 0) {
            rp__conf_err(ctx, it, "invalid server '%s': %s", SHOW(it, buf), why);
            free(text);
            continue;
        }
        if (url.path.n > 0 && !rp_str_eq(url.path, RP_STRLIT("/"))) {
            rp__conf_err(ctx, it, "server '%s' must not have a path (use add_prefix on the route)",
                         SHOW(it, buf));
            free(text);
            continue;
        }
        u->nservers++;
        s->text = text;
        s->host = rp_xstrndup(url.host.p, url.host.n);
        s->port = url.port;
        s->tls = url.tls;
        if (url.tls) {
            rp__conf_err(ctx, it, "https upstreams are not supported yet");
            continue;
        }
        resolve_server(ctx, it, s);
    }
}

static int host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == ':' || c == '[' || c == ']';
}

/* Checks a lower-cased host pattern: "name", "name:port" or "*.suffix". */
static const char *host_problem(const char *h)
{
    if (h[0] == '\0')
        return "must not be empty";
    if (strcmp(h, "*") == 0)
        return "'*' alone is not a pattern (leave hosts out to match any host)";
    const char *p = h;
    if (h[0] == '*') {
        if (h[1] != '.' || h[2] == '\0')
            return "a wildcard must look like *.example.com";
        p = h + 2;
    }
    for (; *p; p++) {
        if (*p == '*')
            return "'*' is only allowed as a leading '*.'";
        if (!host_char(*p))
            return "invalid character";
    }
    return NULL;
}

static void cb_hosts(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_route_t *r = obj;
    rp__cnode_t *const *items;
    const rp__cnode_t *single;
    char buf[80];
    if (r->hosts) {
        rp__conf_err(ctx, v, "use either 'host' or 'hosts', not both");
        return;
    }
    if (strcmp(k->name, "host") == 0 && v->kind != RP__CN_SCALAR) {
        rp__conf_err(ctx, v, "expected a string (use 'hosts' for a list)");
        return;
    }
    long n = list_items(ctx, v, &items, &single);
    if (n <= 0)
        return;
    r->hosts = rp_xcalloc((size_t)n, sizeof(char *));
    for (size_t i = 0; i < (size_t)n; i++) {
        const rp__cnode_t *it = item_at(items, single, i);
        char *h = NULL;
        if (rp__conf_get_string(ctx, "host", it, &h) < 0)
            continue;
        for (char *p = h; *p; p++)
            *p = (char)rp_lower((unsigned char)*p);
        const char *why = host_problem(h);
        if (why) {
            rp__conf_err(ctx, it, "invalid host '%s': %s", SHOW(it, buf), why);
            free(h);
            continue;
        }
        r->hosts[r->nhosts++] = h;
    }
}

static void cb_route_listeners(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                               void *obj)
{
    rp_conf_route_t *r = obj;
    rp__cnode_t *const *items;
    const rp__cnode_t *single;
    long n = list_items(ctx, v, &items, &single);
    if (n <= 0)
        return;
    r->listeners = rp_xcalloc((size_t)n, sizeof(char *));
    for (size_t i = 0; i < (size_t)n; i++) {
        char *name = NULL;
        if (rp__conf_get_string(ctx, "listener name", item_at(items, single, i), &name) == 0)
            r->listeners[r->nlisteners++] = name;
    }
}

static void cb_rewrite_host(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                            void *obj)
{
    rp_conf_route_t *r = obj;
    char buf[80];
    char *h = NULL;
    if (rp__conf_get_string(ctx, k->name, v, &h) < 0)
        return;
    int ok = h[0] != '\0';
    for (const char *p = h; *p && ok; p++)
        ok = host_char((char)rp_lower((unsigned char)*p));
    if (!ok) {
        rp__conf_err(ctx, v, "invalid rewrite_host '%s' (expected a host name, optionally with "
                             ":port)", SHOW(v, buf));
        free(h);
        return;
    }
    free(r->rewrite_host);
    r->rewrite_host = h;
}

/* A mapping of header name -> value. `upstream`: headers sent to the
 * upstream (Host has its own key there). Framing headers are computed by
 * the proxy and cannot be set. */
static void parse_headers(rp__conf_ctx_t *ctx, const rp__cnode_t *v, rp_conf_header_t **out,
                          size_t *nout, int upstream)
{
    static const char *const framing[] = { "content-length", "transfer-encoding", "connection" };
    char buf[80];
    if (rp__cnode_is_null(v))
        return;
    if (v->kind != RP__CN_MAP) {
        rp__conf_err(ctx, v, "expected a mapping of header names to values");
        return;
    }
    *out = rp_xcalloc(v->nkids / 2 + 1, sizeof(rp_conf_header_t));
    for (size_t i = 0; i + 1 < v->nkids; i += 2) {
        const rp__cnode_t *key = v->kids[i], *val = v->kids[i + 1];
        if (key->kind != RP__CN_SCALAR || !rp__conf_is_token(key->s, key->n)) {
            if (key->kind == RP__CN_SCALAR)
                rp__conf_err(ctx, key, "invalid header name '%s'", SHOW(key, buf));
            else
                rp__conf_err(ctx, key, "mapping keys must be strings");
            continue;
        }
        int bad = 0;
        for (size_t j = 0; j < *nout && !bad; j++)
            bad = rp_str_ieq(rp_str_c((*out)[j].name), rp_str(key->s, key->n));
        if (bad) {
            rp__conf_err(ctx, key, "duplicate header '%s'", SHOW(key, buf));
            continue;
        }
        for (size_t j = 0; j < RP_ARRAY_SIZE(framing) && !bad; j++)
            bad = rp_str_ieq(rp_str_c(framing[j]), rp_str(key->s, key->n));
        if (bad || (upstream && rp_str_ieq(RP_STRLIT("host"), rp_str(key->s, key->n)))) {
            rp__conf_err(ctx, key, "header '%s' cannot be set here%s", SHOW(key, buf),
                         bad ? " (the proxy computes it)" : " (use rewrite_host)");
            continue;
        }
        char *value = NULL;
        if (rp__cnode_is_null(val))
            value = rp_xstrndup("", 0);
        else if (rp__conf_get_string(ctx, "a header value", val, &value) < 0)
            continue;
        (*out)[*nout].name = rp_xstrndup(key->s, key->n);
        (*out)[(*nout)++].value = value;
    }
}

static void cb_set_headers(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                           void *obj)
{
    rp_conf_route_t *r = obj;
    parse_headers(ctx, v, &r->set_headers, &r->nset_headers, 1);
}

static void cb_respond_headers(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                               void *obj)
{
    rp_conf_route_t *r = obj;
    parse_headers(ctx, v, &r->headers, &r->nheaders, 0);
}

/* The body is bytes: it may hold anything a YAML string can, NUL included. */
static void cb_body(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_route_t *r = obj;
    if (v->kind != RP__CN_SCALAR) {
        rp__conf_err(ctx, v, "expected a string");
        return;
    }
    size_t n = rp__cnode_is_null(v) ? 0 : v->n;
    free(r->body);
    r->body = rp_xstrndup(v->s, n);
    r->body_len = n;
}

static const rp__conf_key_t respond_keys[] = {
    { "status", RP__CT_UINT, 100, 599, "200", RP__FIELD(rp_conf_route_t, status), NULL, NULL, 0 },
    { "headers", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_respond_headers, NULL, 0 },
    { "body", RP__CT_FUNC, 0, 0, "", 0, 0, cb_body, NULL, 0 },
};
static const rp__conf_section_t respond_sec = { "respond", respond_keys, RP_ARRAY_SIZE(respond_keys) };

static void cb_respond(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_route_t *r = obj;
    r->action = RP_ROUTE_RESPOND;
    rp__conf_apply_defaults(ctx, &respond_sec, r);
    rp__conf_walk(ctx, &respond_sec, v, r);
}

/* ---------------------------------------------------------------------- */
/* Lists of objects.                                                        */

static const rp__conf_key_t listener_keys[] = {
    { "listen", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_listen, NULL, RP__CF_REQUIRED },
    { "name", RP__CT_STRING, 0, 0, NULL, RP__FIELD(rp_conf_listener_t, name), NULL, NULL, 0 },
    { "health", RP__CT_PATH, 0, 0, NULL, RP__FIELD(rp_conf_listener_t, health_path), NULL, NULL, 0 },
};
static const rp__conf_section_t listener_sec = { "listener", listener_keys, RP_ARRAY_SIZE(listener_keys) };

static const rp__conf_key_t sign_keys[] = {
    { "secret_file", RP__CT_STRING, 0, 0, NULL, RP__FIELD(rp_conf_sign_t, secret_file), NULL, NULL,
      RP__CF_REQUIRED },
    { "header", RP__CT_STRING, 0, 0, "X-Rampart-Signature", RP__FIELD(rp_conf_sign_t, header), NULL,
      NULL, 0 },
};
static const rp__conf_section_t sign_sec = { "sign", sign_keys, RP_ARRAY_SIZE(sign_keys) };

#define UP(f) RP__FIELD(rp_conf_upstream_t, f)
static const rp__conf_key_t upstream_keys[] = {
    { "name", RP__CT_STRING, 0, 0, NULL, UP(name), NULL, NULL, RP__CF_REQUIRED },
    { "servers", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_servers, NULL, RP__CF_REQUIRED },
    { "keepalive", RP__CT_UINT, 0, 10000, "32", UP(keepalive), NULL, NULL, 0 },
    { "idle_timeout", RP__CT_DURATION, 1, MAX_DURATION_MS, "30s", UP(idle_timeout_ms), NULL, NULL, 0 },
    { "max_fails", RP__CT_UINT, 0, 1000, "3", UP(max_fails), NULL, NULL, 0 },
    { "fail_timeout", RP__CT_DURATION, 1, MAX_DURATION_MS, "10s", UP(fail_timeout_ms), NULL, NULL, 0 },
    /* default: timeouts.upstream_connect / upstream_response (see finish_upstreams) */
    { "connect_timeout", RP__CT_DURATION, 1, MAX_DURATION_MS, NULL, UP(connect_timeout_ms), NULL, NULL, 0 },
    { "response_timeout", RP__CT_DURATION, 1, MAX_DURATION_MS, NULL, UP(response_timeout_ms), NULL, NULL, 0 },
    { "retries", RP__CT_UINT, 0, 10, "1", UP(retries), NULL, NULL, 0 },
    { "sign", RP__CT_SECTION, 0, 0, NULL, UP(sign), NULL, &sign_sec, 0 },
};
#undef UP
static const rp__conf_section_t upstream_sec = { "upstream", upstream_keys, RP_ARRAY_SIZE(upstream_keys) };

#define RT(f) RP__FIELD(rp_conf_route_t, f)
static const rp__conf_key_t route_keys[] = {
    { "name", RP__CT_STRING, 0, 0, NULL, RT(name), NULL, NULL, 0 },
    { "hosts", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_hosts, NULL, 0 },
    { "host", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_hosts, NULL, 0 },
    { "path", RP__CT_PATH, 0, 0, "/", RT(path), NULL, NULL, 0 },
    { "listeners", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_route_listeners, NULL, 0 },
    { "upstream", RP__CT_STRING, 0, 0, NULL, RT(upstream), NULL, NULL, 0 },
    { "rewrite_host", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_rewrite_host, NULL, 0 },
    { "strip_prefix", RP__CT_PATH, 0, 0, NULL, RT(strip_prefix), NULL, NULL, 0 },
    { "add_prefix", RP__CT_PATH, 0, 0, NULL, RT(add_prefix), NULL, NULL, 0 },
    { "set_headers", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_set_headers, NULL, 0 },
    /* default: limits.max_body (see finish_routes); 0 = unlimited */
    { "max_body", RP__CT_SIZE, 0, UINT64_MAX, NULL, RT(max_body), NULL, NULL, 0 },
    { "respond", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_respond, NULL, 0 },
};
#undef RT
static const rp__conf_section_t route_sec = { "route", route_keys, RP_ARRAY_SIZE(route_keys) };

/* Walks a sequence of mappings into a new array of `elem`-sized objects,
 * one per item (items that are not mappings stay zeroed, with an error),
 * so that item i of the YAML list is always element i. */
static void *walk_list(rp__conf_ctx_t *ctx, const rp__cnode_t *v, const rp__conf_section_t *sec,
                       size_t elem, size_t *count)
{
    *count = 0;
    if (rp__cnode_is_null(v))
        return NULL;
    if (!is_seq(v)) {
        rp__conf_err(ctx, v, "expected a list");
        return NULL;
    }
    char *arr = rp_xcalloc(v->nkids ? v->nkids : 1, elem);
    for (size_t i = 0; i < v->nkids; i++) {
        void *obj = arr + i * elem;
        rp__conf_apply_defaults(ctx, sec, obj);
        if (v->kids[i]->kind == RP__CN_MAP)
            rp__conf_walk(ctx, sec, v->kids[i], obj);
        else
            rp__conf_err(ctx, v->kids[i], "expected a mapping (a %s)", sec->what);
    }
    *count = v->nkids;
    return arr;
}

static void cb_listeners(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_t *c = obj;
    c->listeners = walk_list(ctx, v, &listener_sec, sizeof(rp_conf_listener_t), &c->nlisteners);
    for (size_t i = 0; i < c->nlisteners; i++) {
        c->listeners[i].line = v->kids[i]->line;
        c->listeners[i].col = v->kids[i]->col;
    }
}

static void cb_upstreams(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_t *c = obj;
    c->upstreams = walk_list(ctx, v, &upstream_sec, sizeof(rp_conf_upstream_t), &c->nupstreams);
    for (size_t i = 0; i < c->nupstreams; i++) {
        c->upstreams[i].line = v->kids[i]->line;
        c->upstreams[i].col = v->kids[i]->col;
    }
}

static void cb_routes(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_t *c = obj;
    c->routes = walk_list(ctx, v, &route_sec, sizeof(rp_conf_route_t), &c->nroutes);
    for (size_t i = 0; i < c->nroutes; i++) {
        c->routes[i].line = v->kids[i]->line;
        c->routes[i].col = v->kids[i]->col;
    }
}

/* ---------------------------------------------------------------------- */
/* Top level.                                                               */

static const rp__conf_key_t log_keys[] = {
    { "level", RP__CT_FUNC, 0, 0, "info", 0, 0, cb_log_level, NULL, 0 },
    { "error_log", RP__CT_STRING, 0, 0, "stderr", RP__FIELD(rp_conf_t, error_log), NULL, NULL, 0 },
    { "access_log", RP__CT_STRING, 0, 0, "stdout", RP__FIELD(rp_conf_t, access_log), NULL, NULL, 0 },
};
static const rp__conf_section_t log_sec = { "log", log_keys, RP_ARRAY_SIZE(log_keys) };

#define LIM(f) RP__FIELD(rp_conf_limits_t, f)
static const rp__conf_key_t limits_keys[] = {
    { "max_connections", RP__CT_UINT, 1, 1000000, "10000", LIM(max_connections), NULL, NULL, 0 },
    { "max_request_line", RP__CT_SIZE, 256, 1 << 20, "8k", LIM(max_request_line), NULL, NULL, 0 },
    { "max_header_bytes", RP__CT_SIZE, 1 << 10, 1 << 20, "32k", LIM(max_header_bytes), NULL, NULL, 0 },
    { "max_headers", RP__CT_UINT, 1, 1000, "100", LIM(max_headers), NULL, NULL, 0 },
    { "max_body", RP__CT_SIZE, 0, UINT64_MAX, "10m", LIM(max_body), NULL, NULL, 0 },
};
#undef LIM
static const rp__conf_section_t limits_sec = { "limits", limits_keys, RP_ARRAY_SIZE(limits_keys) };

#define TMO(name, def, f) \
    { name, RP__CT_DURATION, 1, MAX_DURATION_MS, def, RP__FIELD(rp_conf_timeouts_t, f), NULL, NULL, 0 }
static const rp__conf_key_t timeouts_keys[] = {
    TMO("client_header", "10s", client_header_ms),
    TMO("client_body", "30s", client_body_ms),
    TMO("keepalive", "75s", keepalive_ms),
    TMO("send", "30s", send_ms),
    TMO("upstream_connect", "5s", upstream_connect_ms),
    TMO("upstream_response", "60s", upstream_response_ms),
    TMO("graceful_stop", "30s", graceful_stop_ms),
};
#undef TMO
static const rp__conf_section_t timeouts_sec = { "timeouts", timeouts_keys, RP_ARRAY_SIZE(timeouts_keys) };

static const rp__conf_key_t root_keys[] = {
    /* Worker threads are started once: a reload cannot change their number. */
    { "workers", RP__CT_FUNC, 1, 256, "auto", RP__FIELD(rp_conf_t, workers), cb_workers, NULL,
      RP__CF_NO_RELOAD },
    { "log", RP__CT_SECTION, 0, 0, NULL, 0, 0, NULL, &log_sec, 0 },
    { "limits", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_t, limits), NULL, &limits_sec, 0 },
    { "timeouts", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_t, timeouts), NULL, &timeouts_sec, 0 },
    { "trusted_proxies", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_trusted, NULL, 0 },
    { "listeners", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_listeners, NULL, 0 },
    { "upstreams", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_upstreams, NULL, 0 },
    { "routes", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_routes, NULL, 0 },
};
static const rp__conf_section_t root_sec = { "config", root_keys, RP_ARRAY_SIZE(root_keys) };

/* ---------------------------------------------------------------------- */
/* Whole-document checks.                                                   */

/* The key node for `key` in a mapping (for positions), or NULL. */
static const rp__cnode_t *key_node(const rp__cnode_t *map, const char *key)
{
    size_t kn = strlen(key);
    for (size_t i = 0; map && map->kind == RP__CN_MAP && i + 1 < map->nkids; i += 2) {
        const rp__cnode_t *k = map->kids[i];
        if (k->kind == RP__CN_SCALAR && k->n == kn && memcmp(k->s, key, kn) == 0)
            return k;
    }
    return NULL;
}

/* The i-th item of list `key` in the root if it is a mapping, else NULL. */
static const rp__cnode_t *item_node(const rp__cnode_t *root, const char *key, size_t i)
{
    const rp__cnode_t *seq = rp__cnode_get(root, key);
    if (!is_seq(seq) || i >= seq->nkids || seq->kids[i]->kind != RP__CN_MAP)
        return NULL;
    return seq->kids[i];
}

/* Where to report something missing from the whole document. */
static void err_missing(rp__conf_ctx_t *ctx, const rp__cnode_t *root, const char *key,
                        const char *msg)
{
    const rp__cnode_t *v = rp__cnode_get(root, key);
    if (v)
        rp__conf_err(ctx, v, "%s", msg);
    else if (root)
        rp__conf_err(ctx, root, "%s", msg);
    else
        rp__conf_err_at(ctx, 1, 1, "%s", msg);
}

static int sockaddr_port(const struct sockaddr_storage *ss)
{
    return ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
                                    : ((const struct sockaddr_in6 *)ss)->sin6_port;
}

/* Two listen addresses conflict when bind would: same family and port, and
 * the same address or either one a wildcard. */
static int addrs_conflict(const rp_conf_listener_t *a, const rp_conf_listener_t *b)
{
    static const uint8_t zero[16];
    if (!a->addrlen || !b->addrlen || a->addr.ss_family != b->addr.ss_family ||
        sockaddr_port(&a->addr) != sockaddr_port(&b->addr))
        return 0;
    const void *x, *y;
    size_t n;
    if (a->addr.ss_family == AF_INET) {
        x = &((const struct sockaddr_in *)&a->addr)->sin_addr;
        y = &((const struct sockaddr_in *)&b->addr)->sin_addr;
        n = 4;
    } else {
        x = &((const struct sockaddr_in6 *)&a->addr)->sin6_addr;
        y = &((const struct sockaddr_in6 *)&b->addr)->sin6_addr;
        n = 16;
    }
    return memcmp(x, y, n) == 0 || memcmp(x, zero, n) == 0 || memcmp(y, zero, n) == 0;
}

static int name_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void finish_listeners(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c)
{
    char buf[80];
    if (c->nlisteners == 0)
        err_missing(ctx, root, "listeners", "no listeners");
    for (size_t i = 0; i < c->nlisteners; i++) {
        rp_conf_listener_t *l = &c->listeners[i];
        const rp__cnode_t *item = item_node(root, "listeners", i);
        if (!item)
            continue;
        if (!l->name && l->listen)
            l->name = rp_xstrndup(l->listen, strlen(l->listen));
        const rp__cnode_t *at = rp__cnode_get(item, "name");
        int named = at != NULL;
        if (!at)
            at = rp__cnode_get(item, "listen");
        for (size_t j = 0; j < i; j++) {
            /* Two unnamed listeners share a name only when they share the
             * listen text: the address conflict below says it better. */
            if (name_eq(l->name, c->listeners[j].name) &&
                (named || rp__cnode_get(item_node(root, "listeners", j), "name"))) {
                rp__conf_err(ctx, at, "duplicate listener name '%s'",
                             rp__conf_show(l->name, strlen(l->name), buf, sizeof(buf)));
                break;
            }
        }
        for (size_t j = 0; j < i; j++) {
            if (addrs_conflict(l, &c->listeners[j])) {
                rp__conf_err(ctx, rp__cnode_get(item, "listen"),
                             "listen address '%s' conflicts with listener '%s'",
                             l->listen ? rp__conf_show(l->listen, strlen(l->listen), buf, sizeof(buf)) : "?",
                             c->listeners[j].name ? c->listeners[j].name : "?");
                break;
            }
        }
    }
}

static int is_token(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              strchr("!#$%&'*+-.^_`|~", ch)))
            return 0;
    }
    return 1;
}

int rp_conf_read_secret(const char *path, unsigned char *buf, size_t cap, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -errno;
    *n = fread(buf, 1, cap, f);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -EIO;
    while (*n > 0 && (buf[*n - 1] == '\n' || buf[*n - 1] == '\r'))
        (*n)--;
    return 0;
}

/* Reads the signing secret (at load and at each reload, so a rotated
 * secret takes effect with SIGHUP). */
static void finish_sign(rp__conf_ctx_t *ctx, const rp__cnode_t *node, rp_conf_sign_t *sg)
{
    if (!node || !sg->secret_file)
        return;
    const rp__cnode_t *fnode = rp__cnode_get(node, "secret_file");
    if (!is_token(sg->header))
        rp__conf_err(ctx, rp__cnode_get(node, "header"), "signature header name must be an HTTP token");
    unsigned char buf[4097];
    size_t n = 0;
    int r = rp_conf_read_secret(sg->secret_file, buf, sizeof(buf), &n);
    if (r < 0) {
        rp__conf_err(ctx, fnode, "cannot read signing secret '%s': %s", sg->secret_file, strerror(-r));
        return;
    }
    if (n > 4096) {
        rp__conf_err(ctx, fnode, "signing secret longer than 4096 bytes");
    } else if (n < 16) {
        rp__conf_err(ctx, fnode, "signing secret must be at least 16 bytes");
    } else {
        sg->secret = rp_xmalloc(n);
        memcpy(sg->secret, buf, n);
        sg->secret_len = n;
    }
    memset(buf, 0, sizeof(buf));
}

static void finish_upstreams(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c)
{
    char buf[80];
    for (size_t i = 0; i < c->nupstreams; i++) {
        rp_conf_upstream_t *u = &c->upstreams[i];
        const rp__cnode_t *item = item_node(root, "upstreams", i);
        if (!item)
            continue;
        if (!rp__cnode_get(item, "connect_timeout"))
            u->connect_timeout_ms = c->timeouts.upstream_connect_ms;
        if (!rp__cnode_get(item, "response_timeout"))
            u->response_timeout_ms = c->timeouts.upstream_response_ms;
        finish_sign(ctx, rp__cnode_get(item, "sign"), &u->sign);
        for (size_t j = 0; j < i; j++) {
            if (name_eq(u->name, c->upstreams[j].name)) {
                rp__conf_err(ctx, rp__cnode_get(item, "name"), "duplicate upstream name '%s'",
                             rp__conf_show(u->name, strlen(u->name), buf, sizeof(buf)));
                break;
            }
        }
    }
}

static const rp_conf_listener_t *find_listener(const rp_conf_t *c, const char *name)
{
    for (size_t i = 0; i < c->nlisteners; i++)
        if (name_eq(c->listeners[i].name, name))
            return &c->listeners[i];
    return NULL;
}

static void check_route_listeners(rp__conf_ctx_t *ctx, const rp__cnode_t *item, const rp_conf_t *c)
{
    char buf[80];
    const rp__cnode_t *v = rp__cnode_get(item, "listeners");
    size_t n = is_seq(v) ? v->nkids : v && v->kind == RP__CN_SCALAR && !rp__cnode_is_null(v);
    for (size_t i = 0; i < n; i++) {
        const rp__cnode_t *it = is_seq(v) ? v->kids[i] : v;
        if (it->kind != RP__CN_SCALAR || rp__cnode_is_null(it) || memchr(it->s, '\0', it->n))
            continue; /* reported by the walker */
        const rp_conf_listener_t *l = find_listener(c, it->s);
        if (!l)
            rp__conf_err(ctx, it, "unknown listener '%s'", SHOW(it, buf));
        else if (l->health_path)
            rp__conf_err(ctx, it, "listener '%s' is a health-check listener and serves no routes",
                         SHOW(it, buf));
    }
}

static void finish_routes(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c)
{
    static const char *const proxy_only[] = { "rewrite_host", "strip_prefix", "add_prefix",
                                              "set_headers" };
    char buf[80];
    if (c->nroutes == 0)
        err_missing(ctx, root, "routes", "no routes");
    for (size_t i = 0; i < c->nroutes; i++) {
        rp_conf_route_t *r = &c->routes[i];
        const rp__cnode_t *item = item_node(root, "routes", i);
        if (!item)
            continue;
        if (!r->name) {
            char def[32];
            snprintf(def, sizeof(def), "route%zu", i + 1);
            r->name = rp_xstrndup(def, strlen(def));
        }
        for (size_t j = 0; j < i; j++) {
            if (name_eq(r->name, c->routes[j].name)) {
                const rp__cnode_t *at = rp__cnode_get(item, "name");
                rp__conf_err(ctx, at ? at : item, "duplicate route name '%s'",
                             rp__conf_show(r->name, strlen(r->name), buf, sizeof(buf)));
                break;
            }
        }
        if (!rp__cnode_get(item, "max_body"))
            r->max_body = c->limits.max_body;
        const rp__cnode_t *up = rp__cnode_get(item, "upstream");
        const rp__cnode_t *resp = key_node(item, "respond");
        if (up && resp) {
            rp__conf_err(ctx, resp, "a route takes either 'upstream' or 'respond', not both");
        } else if (!up && !resp) {
            rp__conf_err(ctx, item, "a route needs 'upstream' (proxy) or 'respond' (static "
                                    "response)");
        } else if (up && r->upstream) {
            size_t u = 0;
            while (u < c->nupstreams && !name_eq(c->upstreams[u].name, r->upstream))
                u++;
            if (u == c->nupstreams)
                rp__conf_err(ctx, up, "unknown upstream '%s'", SHOW(up, buf));
            r->upstream_index = u;
        } else if (resp) {
            for (size_t k = 0; k < RP_ARRAY_SIZE(proxy_only); k++) {
                const rp__cnode_t *kn = key_node(item, proxy_only[k]);
                if (kn)
                    rp__conf_err(ctx, kn, "'%s' only applies to routes with an upstream",
                                 proxy_only[k]);
            }
        }
        check_route_listeners(ctx, item, c);
    }
}

/* ---------------------------------------------------------------------- */
/* Entry points.                                                            */

/* Orders the errors this load added by position (a stable insertion sort:
 * at most RP__CONF_MAX_ERRORS + 1 of them); unpositioned ones go last. The
 * walk finds per-key errors first and cross-reference errors last, but a
 * reader wants them in file order. */
static void sort_errors(rp__conf_ctx_t *ctx, size_t first)
{
    rp_conf_errors_t *e = ctx->errs;
    if (!e)
        return;
    for (size_t i = first + 1; i < e->n; i++) {
        rp_conf_error_t x = e->v[i];
        uint64_t kx = ((uint64_t)(x.line ? x.line : UINT32_MAX) << 32) | x.col;
        size_t j = i;
        while (j > first) {
            const rp_conf_error_t *p = &e->v[j - 1];
            uint64_t kp = ((uint64_t)(p->line ? p->line : UINT32_MAX) << 32) | p->col;
            if (kp <= kx)
                break;
            e->v[j] = e->v[j - 1];
            j--;
        }
        e->v[j] = x;
    }
}

rp_conf_t *rp__conf_load(rp__conf_ctx_t *ctx, const char *text, size_t len)
{
    size_t before = ctx->nerr, first = ctx->errs ? ctx->errs->n : 0;
    rp__cnode_t *root = rp__cnode_parse(ctx, text ? text : "", text ? len : 0);
    if (ctx->nerr > before) {
        rp__cnode_free(root);
        return NULL;
    }
    rp_conf_t *c = rp_xcalloc(1, sizeof(*c));
    c->file = rp_xstrndup(ctx->file, strlen(ctx->file));
    rp__conf_apply_defaults(ctx, &root_sec, c);
    if (root)
        rp__conf_walk(ctx, &root_sec, root, c);
    if (!root || root->kind == RP__CN_MAP) {
        finish_listeners(ctx, root, c);
        finish_upstreams(ctx, root, c);
        finish_routes(ctx, root, c);
    }
    rp__cnode_free(root);
    if (ctx->nerr > before) {
        sort_errors(ctx, first);
        rp_conf_destroy(c);
        return NULL;
    }
    return c;
}

rp_conf_t *rp_conf_load_string(const char *name, const char *text, size_t len,
                               rp_conf_errors_t *errs)
{
    rp__conf_ctx_t ctx = { name ? name : "<string>", errs, 0, 0 };
    return rp__conf_load(&ctx, text, len);
}

rp_conf_t *rp_conf_load_file(const char *path, rp_conf_errors_t *errs)
{
    rp__conf_ctx_t ctx = { path, errs, 0, 0 };
    FILE *f = fopen(path, "rb");
    if (!f) {
        rp__conf_err_at(&ctx, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    rp_buf_t b;
    rp_buf_init(&b);
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b.len + n > ((size_t)16 << 20)) {
            rp__conf_err_at(&ctx, 0, 0, "file is larger than 16 MiB");
            break;
        }
        if (rp_buf_append(&b, chunk, n) != 0) {
            rp__conf_err_at(&ctx, 0, 0, "out of memory reading the file");
            break;
        }
    }
    if (ferror(f))
        rp__conf_err_at(&ctx, 0, 0, "cannot read: %s", strerror(errno));
    fclose(f);
    rp_conf_t *c = ctx.nerr ? NULL : rp__conf_load(&ctx, b.p, b.len);
    rp_buf_dispose(&b);
    return c;
}

static void free_headers(rp_conf_header_t *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void rp_conf_destroy(rp_conf_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nlisteners; i++) {
        free(c->listeners[i].name);
        free(c->listeners[i].listen);
        free(c->listeners[i].health_path);
    }
    free(c->listeners);
    for (size_t i = 0; i < c->nupstreams; i++) {
        rp_conf_upstream_t *u = &c->upstreams[i];
        for (size_t s = 0; s < u->nservers; s++) {
            free(u->servers[s].text);
            free(u->servers[s].host);
        }
        free(u->servers);
        free(u->name);
        free(u->sign.secret_file);
        free(u->sign.header);
        if (u->sign.secret)
            memset(u->sign.secret, 0, u->sign.secret_len);
        free(u->sign.secret);
    }
    free(c->upstreams);
    for (size_t i = 0; i < c->nroutes; i++) {
        rp_conf_route_t *r = &c->routes[i];
        free(r->name);
        free_strv(r->hosts, r->nhosts);
        free(r->path);
        free_strv(r->listeners, r->nlisteners);
        free(r->upstream);
        free(r->rewrite_host);
        free(r->strip_prefix);
        free(r->add_prefix);
        free_headers(r->set_headers, r->nset_headers);
        free_headers(r->headers, r->nheaders);
        free(r->body);
    }
    free(c->routes);
    free(c->trusted_proxies);
    free(c->error_log);
    free(c->access_log);
    free(c->file);
    free(c);
}

const char *rp_conf_reload_blocker(const rp_conf_t *old, const rp_conf_t *next)
{
    for (size_t i = 0; i < RP_ARRAY_SIZE(root_keys); i++) {
        const rp__conf_key_t *k = &root_keys[i];
        if ((k->flags & RP__CF_NO_RELOAD) &&
            memcmp((const char *)old + k->off, (const char *)next + k->off, k->size) != 0)
            return k->name;
    }
    return NULL;
}
