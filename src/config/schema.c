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

long rp__conf_list_items(rp__conf_ctx_t *ctx, const rp__cnode_t *v, rp__cnode_t *const **items,
                         const rp__cnode_t **single)
{
    return list_items(ctx, v, items, single);
}

void rp__conf_strv(rp__conf_ctx_t *ctx, const char *what, const rp__cnode_t *v, char ***out, size_t *n)
{
    rp__cnode_t *const *items;
    const rp__cnode_t *single;
    long k = list_items(ctx, v, &items, &single);
    if (k <= 0)
        return;
    *out = rp_xcalloc((size_t)k, sizeof(char *));
    for (size_t i = 0; i < (size_t)k; i++) {
        char *str = NULL;
        if (rp__conf_get_string(ctx, what, item_at(items, single, i), &str) == 0)
            (*out)[(*n)++] = str;
    }
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

void rp__conf_cidr_list(rp__conf_ctx_t *ctx, const rp__cnode_t *v, rp_cidr_t **out, size_t *n)
{
    rp__cnode_t *const *items;
    const rp__cnode_t *single;
    char buf[80];
    long k = list_items(ctx, v, &items, &single);
    if (k <= 0)
        return;
    *out = rp_xcalloc((size_t)k, sizeof(rp_cidr_t));
    for (size_t i = 0; i < (size_t)k; i++) {
        const rp__cnode_t *it = item_at(items, single, i);
        if (it->kind != RP__CN_SCALAR || rp__cnode_is_null(it))
            rp__conf_err(ctx, it, "expected an address or CIDR like 10.0.0.0/8");
        else if (rp_cidr_parse(rp_str(it->s, it->n), &(*out)[*n]) < 0)
            rp__conf_err(ctx, it, "invalid CIDR '%s' (expected 10.0.0.0/8, 127.0.0.1, ::1 or "
                                  "fd00::/8 with the host bits zero)", SHOW(it, buf));
        else
            (*n)++;
    }
}

static void cb_trusted(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_t *c = obj;
    rp__conf_cidr_list(ctx, v, &c->trusted_proxies, &c->ntrusted_proxies);
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

/* A numeric IPv4/IPv6 host text into ss with port. Returns 0 or -1. */
static int numeric_addr(const char *host, uint16_t port, struct sockaddr_storage *ss)
{
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(port);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(port);
        return 0;
    }
    return -1;
}

/* Literal addresses go straight into s->addr ("localhost" counts as
 * 127.0.0.1); names are left to the proxy's resolver (addrlen 0). */
static void server_literal(rp_conf_server_t *s)
{
    const char *host = strcmp(s->host, "localhost") == 0 ? "127.0.0.1" : s->host;
    if (numeric_addr(host, s->port, &s->addr) == 0)
        s->addrlen = s->addr.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
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
        if (!s->host[0]) {
            rp__conf_err(ctx, it, "server '%s' needs a host", SHOW(it, buf));
            continue;
        }
        server_literal(s);
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

/* A Host value sent upstream: a host name, optionally with :port. */
static void parse_host_value(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                             char **out)
{
    char buf[80];
    char *h = NULL;
    if (rp__conf_get_string(ctx, k->name, v, &h) < 0)
        return;
    int ok = h[0] != '\0';
    for (const char *p = h; *p && ok; p++)
        ok = host_char((char)rp_lower((unsigned char)*p));
    if (!ok) {
        rp__conf_err(ctx, v, "invalid %s '%s' (expected a host name, optionally with :port)",
                     k->name, SHOW(v, buf));
        free(h);
        return;
    }
    free(*out);
    *out = h;
}

static void cb_rewrite_host(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                            void *obj)
{
    parse_host_value(ctx, k, v, &((rp_conf_route_t *)obj)->rewrite_host);
}

static void cb_upstream_host(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                             void *obj)
{
    parse_host_value(ctx, k, v, &((rp_conf_upstream_t *)obj)->host);
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

static void cb_upstream_set_headers(rp__conf_ctx_t *ctx, const rp__conf_key_t *k,
                                   const rp__cnode_t *v, void *obj)
{
    rp_conf_upstream_t *u = obj;
    parse_headers(ctx, v, &u->set_headers, &u->nset_headers, 1);
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

static const rp__conf_key_t cert_keys[] = {
    { "cert", RP__CT_STRING, 0, 0, NULL, RP__FIELD(rp_conf_cert_t, cert), NULL, NULL, RP__CF_REQUIRED },
    { "key", RP__CT_STRING, 0, 0, NULL, RP__FIELD(rp_conf_cert_t, key), NULL, NULL, RP__CF_REQUIRED },
};
static const rp__conf_section_t cert_sec = { "certificate", cert_keys, RP_ARRAY_SIZE(cert_keys) };

static void *walk_list(rp__conf_ctx_t *ctx, const rp__cnode_t *v, const rp__conf_section_t *sec,
                       size_t size, size_t *n);

static void cb_certificates(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                            void *obj)
{
    rp_conf_listener_tls_t *t = obj;
    if (t->form) {
        rp__conf_err(ctx, v, "give either 'certificates' or 'cert' and 'key', not both");
        return;
    }
    t->form = 1;
    t->certs = walk_list(ctx, v, &cert_sec, sizeof(rp_conf_cert_t), &t->ncerts);
}

/* The one-certificate shorthand: tls: { cert: ..., key: ... }. */
static void cb_tls_cert_or_key(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                               void *obj)
{
    rp_conf_listener_tls_t *t = obj;
    if (t->form == 1) {
        rp__conf_err(ctx, v, "give either 'certificates' or 'cert' and 'key', not both");
        return;
    }
    if (!t->form) {
        t->form = 2;
        t->certs = rp_xcalloc(1, sizeof(rp_conf_cert_t));
        t->ncerts = 1;
    }
    rp__conf_get_string(ctx, k->name, v, k->name[0] == 'c' ? &t->certs[0].cert : &t->certs[0].key);
}

#define LT(f) RP__FIELD(rp_conf_listener_tls_t, f)
static const rp__conf_key_t listener_tls_keys[] = {
    { "certificates", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_certificates, NULL, 0 },
    { "cert", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_tls_cert_or_key, NULL, 0 },
    { "key", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_tls_cert_or_key, NULL, 0 },
    { "min_version", RP__CT_STRING, 0, 0, "1.2", LT(min_version), NULL, NULL, 0 },
    { "ciphers", RP__CT_STRING, 0, 0, NULL, LT(ciphers), NULL, NULL, 0 },
    { "session_tickets", RP__CT_BOOL, 0, 0, "true", LT(session_tickets), NULL, NULL, 0 },
    { "session_timeout", RP__CT_DURATION, 1000, 86400000, "1h", LT(session_timeout_ms), NULL, NULL, 0 },
};
#undef LT
static const rp__conf_section_t listener_tls_sec = { "tls", listener_tls_keys,
                                                     RP_ARRAY_SIZE(listener_tls_keys) };

static const rp__conf_key_t listener_keys[] = {
    { "listen", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_listen, NULL, RP__CF_REQUIRED },
    { "name", RP__CT_STRING, 0, 0, NULL, RP__FIELD(rp_conf_listener_t, name), NULL, NULL, 0 },
    { "health", RP__CT_PATH, 0, 0, NULL, RP__FIELD(rp_conf_listener_t, health_path), NULL, NULL, 0 },
    { "metrics", RP__CT_PATH, 0, 0, NULL, RP__FIELD(rp_conf_listener_t, metrics_path), NULL, NULL, 0 },
    { "tls", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_listener_t, tls), NULL, &listener_tls_sec, 0 },
    { "ingest", RP__CT_PATH, 0, 0, NULL, RP__FIELD(rp_conf_listener_t, ingest_path), NULL, NULL, 0 },
};
static const rp__conf_section_t listener_sec = { "listener", listener_keys, RP_ARRAY_SIZE(listener_keys) };

static const rp__conf_key_t sign_keys[] = {
    { "secret_file", RP__CT_STRING, 0, 0, NULL, RP__FIELD(rp_conf_sign_t, secret_file), NULL, NULL,
      RP__CF_REQUIRED },
    { "header", RP__CT_STRING, 0, 0, "X-Rampart-Signature", RP__FIELD(rp_conf_sign_t, header), NULL,
      NULL, 0 },
};
static const rp__conf_section_t sign_sec = { "sign", sign_keys, RP_ARRAY_SIZE(sign_keys) };

#define UT(f) RP__FIELD(rp_conf_upstream_tls_t, f)
static const rp__conf_key_t upstream_tls_keys[] = {
    { "verify", RP__CT_BOOL, 0, 0, "true", UT(verify), NULL, NULL, 0 },
    { "ca_file", RP__CT_STRING, 0, 0, NULL, UT(ca_file), NULL, NULL, 0 },
    { "sni", RP__CT_STRING, 0, 0, NULL, UT(sni), NULL, NULL, 0 },
    { "min_version", RP__CT_STRING, 0, 0, "1.2", UT(min_version), NULL, NULL, 0 },
};
#undef UT
static const rp__conf_section_t upstream_tls_sec = { "tls", upstream_tls_keys,
                                                     RP_ARRAY_SIZE(upstream_tls_keys) };

static void cb_apigw_endpoint(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                              void *obj)
{
    rp_conf_apigw_t *a = obj;
    if (v->kind == RP__CN_SCALAR && strcmp(v->s, "regional") == 0)
        a->endpoint = RP_APIGW_REGIONAL;
    else if (v->kind == RP__CN_SCALAR && strcmp(v->s, "private") == 0)
        a->endpoint = RP_APIGW_PRIVATE;
    else
        rp__conf_err(ctx, v, "endpoint must be regional or private");
}

#define AG(f) RP__FIELD(rp_conf_apigw_t, f)
static const rp__conf_key_t apigw_keys[] = {
    { "api_id", RP__CT_STRING, 0, 0, NULL, AG(api_id), NULL, NULL, RP__CF_REQUIRED },
    { "region", RP__CT_STRING, 0, 0, NULL, AG(region), NULL, NULL, RP__CF_REQUIRED },
    { "stage", RP__CT_STRING, 0, 0, NULL, AG(stage), NULL, NULL, 0 },
    { "endpoint", RP__CT_FUNC, 0, 0, "regional", 0, 0, cb_apigw_endpoint, NULL, 0 },
    { "vpc_endpoint", RP__CT_STRING, 0, 0, NULL, AG(vpc_endpoint), NULL, NULL, 0 },
    { "port", RP__CT_UINT, 1, 65535, "443", AG(port), NULL, NULL, 0 },
};
#undef AG
static const rp__conf_section_t apigw_sec = { "api_gateway", apigw_keys, RP_ARRAY_SIZE(apigw_keys) };

#define UP(f) RP__FIELD(rp_conf_upstream_t, f)
static const rp__conf_key_t upstream_keys[] = {
    { "name", RP__CT_STRING, 0, 0, NULL, UP(name), NULL, NULL, RP__CF_REQUIRED },
    /* required unless api_gateway derives them (see finish_upstreams) */
    { "servers", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_servers, NULL, 0 },
    { "api_gateway", RP__CT_SECTION, 0, 0, NULL, UP(api_gateway), NULL, &apigw_sec, 0 },
    { "host", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_upstream_host, NULL, 0 },
    { "path_prefix", RP__CT_PATH, 0, 0, NULL, UP(path_prefix), NULL, NULL, 0 },
    { "set_headers", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_upstream_set_headers, NULL, 0 },
    { "tls", RP__CT_SECTION, 0, 0, NULL, UP(tls), NULL, &upstream_tls_sec, 0 },
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
    { "waf", RP__CT_SECTION, 0, 0, NULL, RT(waf), NULL, &rp__conf_route_waf_sec, 0 },
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

void *rp__conf_walk_list(rp__conf_ctx_t *ctx, const rp__cnode_t *v, const rp__conf_section_t *sec,
                         size_t elem, size_t *count)
{
    return walk_list(ctx, v, sec, elem, count);
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

/* "10.0.0.2", "10.0.0.2:5353", "fd00::2", "[fd00::2]:53" */
static int parse_dns_server(const rp__cnode_t *it, struct sockaddr_storage *ss)
{
    char host[64];
    rp__conf_url_t url;
    const char *why = NULL;
    if (it->kind != RP__CN_SCALAR || it->n == 0 || it->n >= sizeof(host))
        return -1;
    if (numeric_addr(it->s, 53, ss) == 0)
        return 0;
    if (rp__conf_parse_url(rp_str(it->s, it->n), &url, &why) < 0 || url.has_scheme ||
        url.path.n > 0 || url.host.n >= sizeof(host))
        return -1;
    memcpy(host, url.host.p, url.host.n);
    host[url.host.n] = '\0';
    return numeric_addr(host, url.port, ss);
}

static void cb_dns_servers(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                           void *obj)
{
    rp_conf_dns_t *d = obj;
    rp__cnode_t *const *items;
    const rp__cnode_t *single;
    char buf[80];
    long n = list_items(ctx, v, &items, &single);
    if (n <= 0)
        return;
    d->servers = rp_xcalloc((size_t)n, sizeof(*d->servers));
    for (size_t i = 0; i < (size_t)n; i++) {
        const rp__cnode_t *it = item_at(items, single, i);
        if (parse_dns_server(it, &d->servers[d->nservers]) < 0) {
            rp__conf_err(ctx, it, "invalid DNS server '%s' (expected a numeric address, "
                                  "optionally with :port)", it->kind == RP__CN_SCALAR ? SHOW(it, buf) : "");
            continue;
        }
        d->nservers++;
    }
}

static void cb_dns_family(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                          void *obj)
{
    rp_conf_dns_t *d = obj;
    if (v->kind != RP__CN_SCALAR ||
        (strcmp(v->s, "any") != 0 && strcmp(v->s, "ipv4") != 0 && strcmp(v->s, "ipv6") != 0)) {
        rp__conf_err(ctx, v, "family must be any, ipv4 or ipv6");
        return;
    }
    free(d->family);
    d->family = rp_xstrndup(v->s, v->n);
}

#define DNS(f) RP__FIELD(rp_conf_dns_t, f)
static const rp__conf_key_t dns_keys[] = {
    { "servers", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_dns_servers, NULL, 0 },
    { "min_ttl", RP__CT_DURATION, 100, 86400000, "5s", DNS(min_ttl_ms), NULL, NULL, 0 },
    { "max_ttl", RP__CT_DURATION, 100, 86400000, "5m", DNS(max_ttl_ms), NULL, NULL, 0 },
    { "timeout", RP__CT_DURATION, 100, 60000, "2s", DNS(timeout_ms), NULL, NULL, 0 },
    { "retry", RP__CT_DURATION, 100, 3600000, "5s", DNS(retry_ms), NULL, NULL, 0 },
    { "family", RP__CT_FUNC, 0, 0, "any", 0, 0, cb_dns_family, NULL, 0 },
};
#undef DNS
static const rp__conf_section_t dns_sec = { "dns", dns_keys, RP_ARRAY_SIZE(dns_keys) };

static const rp__conf_key_t root_keys[] = {
    /* Worker threads are started once: a reload cannot change their number. */
    { "workers", RP__CT_FUNC, 1, 256, "auto", RP__FIELD(rp_conf_t, workers), cb_workers, NULL,
      RP__CF_NO_RELOAD },
    { "log", RP__CT_SECTION, 0, 0, NULL, 0, 0, NULL, &log_sec, 0 },
    { "limits", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_t, limits), NULL, &limits_sec, 0 },
    { "timeouts", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_t, timeouts), NULL, &timeouts_sec, 0 },
    { "trusted_proxies", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_trusted, NULL, 0 },
    { "dns", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_t, dns), NULL, &dns_sec, 0 },
    { "waf", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_t, waf), NULL, &rp__conf_waf_sec, 0 },
    { "discovery", RP__CT_SECTION, 0, 0, NULL, RP__FIELD(rp_conf_t, discovery), NULL,
      &rp__conf_discovery_sec, 0 },
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

const rp__cnode_t *rp__conf_key_node(const rp__cnode_t *map, const char *key)
{
    return key_node(map, key);
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
        const rp__cnode_t *tls = key_node(item, "tls");
        const rp__cnode_t *tlsv = rp__cnode_get(item, "tls");
        if (tls && (tlsv->kind == RP__CN_MAP || rp__cnode_is_null(tlsv))) {
            if (l->health_path)
                rp__conf_err(ctx, tls, "health-check listeners speak plain HTTP (load balancer "
                                       "health checks); remove tls");
            else
                rp__conf_tls_listener(ctx, tls, &l->tls);
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

static int dns_label_ok(const char *s, int dots_ok)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        char ch = *s;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || (dots_ok && ch == '.')))
            return 0;
    }
    return 1;
}

/* API Gateway: servers, Host, SNI and path prefix from api_id/region/stage.
 *   regional  https://{id}.execute-api.{region}.amazonaws.com
 *   private   https://{vpc_endpoint} (or the execute-api name when private
 *             DNS resolves it inside the VPC), Host and SNI the execute-api
 *             name, plus x-apigw-api-id. */
static void finish_apigw(rp__conf_ctx_t *ctx, const rp__cnode_t *item, rp_conf_upstream_t *u)
{
    const rp__cnode_t *node = key_node(item, "api_gateway");
    rp_conf_apigw_t *a = &u->api_gateway;
    char name[256];
    if (!node) {
        if (!rp__cnode_get(item, "servers"))
            rp__conf_err(ctx, item, "missing 'servers' in upstream (or 'api_gateway')");
        return;
    }
    const rp__cnode_t *v = rp__cnode_get(item, "api_gateway");
    size_t before = ctx->nerr;
    if (!a->api_id || !a->region)
        return; /* reported by the walker */
    if (rp__cnode_get(item, "servers")) {
        rp__conf_err(ctx, key_node(item, "servers"),
                     "an api_gateway upstream derives its servers; remove 'servers'");
        return;
    }
    if (!dns_label_ok(a->api_id, 0) || strlen(a->api_id) > 63)
        rp__conf_err(ctx, rp__cnode_get(v, "api_id"), "api_id must be the API's id (lower-case "
                                                        "letters and digits, e.g. a1b2c3d4e5)");
    if (!dns_label_ok(a->region, 0) || !strchr(a->region, '-'))
        rp__conf_err(ctx, rp__cnode_get(v, "region"), "region must look like eu-west-1");
    if (a->stage && (!rp__conf_is_token(a->stage, strlen(a->stage)) || strchr(a->stage, '/')))
        rp__conf_err(ctx, rp__cnode_get(v, "stage"), "stage must be a stage name like prod");
    if (a->vpc_endpoint && a->endpoint != RP_APIGW_PRIVATE)
        rp__conf_err(ctx, key_node(v, "vpc_endpoint"), "vpc_endpoint applies to endpoint: private");
    if (a->vpc_endpoint && !dns_label_ok(a->vpc_endpoint, 1))
        rp__conf_err(ctx, rp__cnode_get(v, "vpc_endpoint"),
                     "vpc_endpoint must be the endpoint's DNS name "
                     "(vpce-...execute-api.<region>.vpce.amazonaws.com)");
    if (ctx->nerr > before)
        return;
    snprintf(name, sizeof(name), "%s.execute-api.%s.amazonaws.com", a->api_id, a->region);
    a->hostname = rp_xstrndup(name, strlen(name));
    const char *connect = a->endpoint == RP_APIGW_PRIVATE && a->vpc_endpoint ? a->vpc_endpoint : name;
    char text[300];
    snprintf(text, sizeof(text), "https://%s:%u", connect, a->port);
    u->servers = rp_xcalloc(1, sizeof(rp_conf_server_t));
    u->nservers = 1;
    u->servers[0].text = rp_xstrndup(text, strlen(text));
    u->servers[0].host = rp_xstrndup(connect, strlen(connect));
    u->servers[0].port = (uint16_t)a->port;
    u->servers[0].tls = 1;
    if (!u->host)
        u->host = rp_xstrndup(name, strlen(name));
    if (!u->tls.sni)
        u->tls.sni = rp_xstrndup(name, strlen(name));
    if (a->stage && !u->path_prefix) {
        snprintf(text, sizeof(text), "/%s", a->stage);
        u->path_prefix = rp_xstrndup(text, strlen(text));
    }
    int user_set = 0;
    for (size_t i = 0; i < u->nset_headers; i++)
        user_set |= rp_str_ieq(rp_str_c(u->set_headers[i].name), RP_STRLIT("x-apigw-api-id"));
    if (a->endpoint == RP_APIGW_PRIVATE && !user_set) {
        size_t n = u->nset_headers;
        u->set_headers = rp_xrealloc(u->set_headers, (n + 1) * sizeof(rp_conf_header_t));
        u->set_headers[n].name = rp_xstrndup("x-apigw-api-id", 14);
        u->set_headers[n].value = rp_xstrndup(a->api_id, strlen(a->api_id));
        u->nset_headers = n + 1;
    }
}

static void finish_upstreams(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c)
{
    char buf[80];
    for (size_t i = 0; i < c->nupstreams; i++) {
        rp_conf_upstream_t *u = &c->upstreams[i];
        const rp__cnode_t *item = item_node(root, "upstreams", i);
        if (!item)
            continue;
        finish_apigw(ctx, item, u);
        int any_tls = 0;
        for (size_t s = 0; s < u->nservers; s++)
            any_tls |= u->servers[s].tls;
        const rp__cnode_t *tls = key_node(item, "tls");
        if (any_tls)
            rp__conf_tls_upstream(ctx, tls ? tls : item, &u->tls);
        else if (tls && u->nservers > 0)
            rp__conf_err(ctx, tls, "tls settings need https:// servers");
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
        if (c->dns.min_ttl_ms > c->dns.max_ttl_ms) {
            const rp__cnode_t *d = rp__cnode_get(root, "dns");
            const rp__cnode_t *at = d ? key_node(d, "min_ttl") : NULL;
            rp__conf_err(ctx, at ? at : d ? key_node(d, "max_ttl") : NULL,
                         "dns.min_ttl must not exceed dns.max_ttl");
        }
        finish_listeners(ctx, root, c);
        finish_upstreams(ctx, root, c);
        finish_routes(ctx, root, c);
        rp__conf_finish_waf(ctx, root, c);
        rp__conf_finish_discovery(ctx, root, c);
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
    rp__conf_free_waf(c);
    rp__conf_free_discovery(c);
    for (size_t i = 0; i < c->nlisteners; i++) {
        rp_conf_listener_t *l = &c->listeners[i];
        free(l->ingest_path);
        free(l->name);
        free(l->listen);
        free(l->health_path);
        free(l->metrics_path);
        rp__conf_tls_free_listener(&l->tls);
        for (size_t k = 0; k < l->tls.ncerts; k++) {
            free(l->tls.certs[k].cert);
            free(l->tls.certs[k].key);
        }
        free(l->tls.certs);
        free(l->tls.min_version);
        free(l->tls.ciphers);
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
        free(u->host);
        free(u->path_prefix);
        free_headers(u->set_headers, u->nset_headers);
        rp__conf_tls_free_upstream(&u->tls);
        free(u->tls.ca_file);
        free(u->tls.sni);
        free(u->tls.min_version);
        free(u->api_gateway.api_id);
        free(u->api_gateway.region);
        free(u->api_gateway.stage);
        free(u->api_gateway.vpc_endpoint);
        free(u->api_gateway.hostname);
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
    free(c->dns.servers);
    free(c->dns.family);
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
