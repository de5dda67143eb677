/*
 * Runtime: a validated config made ready to serve — shared server health
 * state and the route/listener table — with a reference count so that
 * requests in flight keep the config they started with.
 */
#include "proxy_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

static rp_addrset_t *fixed_addrset(const rp_conf_server_t *cs)
{
    rp_addrset_t *set = rp_xcalloc(1, sizeof(*set) + sizeof(set->addr[0]));
    atomic_init(&set->refs, 1);
    set->gen = 1;
    set->n = cs->addrlen ? 1 : 0;
    memcpy(&set->addr[0], &cs->addr, sizeof(cs->addr));
    return set;
}

rp_runtime_t *rp__runtime_create(rp_conf_t *conf, uint64_t generation, rp_resolver_t *resolver)
{
    rp_runtime_t *rt = rp_xcalloc(1, sizeof(*rt));
    rt->resolver = resolver;
    atomic_init(&rt->refs, 1);
    rt->generation = generation;
    rt->conf = conf;
    rp_http_limits_default(&rt->limits);
    rt->limits.max_request_line = conf->limits.max_request_line;
    rt->limits.max_header_bytes = conf->limits.max_header_bytes;
    rt->limits.max_headers = RP_MIN(conf->limits.max_headers, RP_MAX_REQ_HEADERS);
    rp_http_limits_default(&rt->resp_limits);
    rt->resp_limits.max_header_bytes = RP_MAX_RESP_HEAD - 1024;
    rt->resp_limits.max_headers = RP_MAX_RESP_HEADERS;

    rt->servers = rp_xcalloc(conf->nupstreams ? conf->nupstreams : 1, sizeof(*rt->servers));
    for (size_t u = 0; u < conf->nupstreams; u++) {
        rt->servers[u] = rp_xcalloc(conf->upstreams[u].nservers, sizeof(rp_server_state_t));
        for (size_t s = 0; s < conf->upstreams[u].nservers; s++) {
            atomic_init(&rt->servers[u][s].fails, 0);
            atomic_init(&rt->servers[u][s].down_until_ms, 0);
            const rp_conf_server_t *cs = &conf->upstreams[u].servers[s];
            snprintf(rt->servers[u][s].addr, sizeof(rt->servers[u][s].addr), "%s:%u", cs->host,
                     (unsigned)cs->port);
            /* Names are watched by the resolver (the same name in the old
             * and the new config is one entry: a reload keeps its
             * addresses); literals get a set of one. */
            if (cs->addrlen == 0 && resolver)
                rt->servers[u][s].dns = rp_resolver_watch(resolver, cs->host, cs->port);
            if (!rt->servers[u][s].dns)
                rt->servers[u][s].fixed = fixed_addrset(cs);
        }
    }

    /* route_listener[r][l] = 1 when route r serves listener l. */
    size_t nl = conf->nlisteners;
    rt->route_listener = rp_xcalloc(conf->nroutes * nl + 1, 1);
    for (size_t r = 0; r < conf->nroutes; r++) {
        const rp_conf_route_t *route = &conf->routes[r];
        for (size_t l = 0; l < nl; l++) {
            const rp_conf_listener_t *lis = &conf->listeners[l];
            int on = 0;
            if (lis->health_path) {
                on = 0;
            } else if (route->nlisteners == 0) {
                on = 1;
            } else {
                for (size_t k = 0; k < route->nlisteners; k++)
                    if (lis->name && strcmp(route->listeners[k], lis->name) == 0)
                        on = 1;
            }
            rt->route_listener[r * nl + l] = (unsigned char)on;
        }
    }
    /* The TLS name each route's upstream connections use (see
     * exchange_sni in upstream.c): sni, else rewrite_host, else the
     * upstream's host, ports cut. NULL: the server's own name. */
    rt->route_sni = rp_xcalloc(conf->nroutes + 1, sizeof(char *));
    for (size_t r = 0; r < conf->nroutes; r++) {
        const rp_conf_route_t *route = &conf->routes[r];
        if (route->action != RP_ROUTE_PROXY)
            continue;
        const rp_conf_upstream_t *cu = &conf->upstreams[route->upstream_index];
        const char *name = cu->tls.sni ? cu->tls.sni : route->rewrite_host ? route->rewrite_host : cu->host;
        if (!name)
            continue;
        size_t n = strlen(name);
        if (name[0] == '[')
            continue; /* an IPv6 literal: no SNI */
        const char *colon = memchr(name, ':', n);
        if (colon && name != cu->tls.sni)
            n = (size_t)(colon - name);
        struct in6_addr tmp;
        char buf[256];
        if (n == 0 || n >= sizeof(buf))
            continue;
        memcpy(buf, name, n);
        buf[n] = '\0';
        if (inet_pton(AF_INET, buf, &tmp) == 1)
            continue; /* literal addresses are not sent as SNI */
        rt->route_sni[r] = rp_xstrndup(buf, n);
    }
    /* Out of memory here is fatal like every start-up allocation. */
    RP_BUG_ON(rp__waf_runtime_init(rt) != 0);
    return rt;
}

void rp__runtime_ref(rp_runtime_t *rt)
{
    atomic_fetch_add_explicit(&rt->refs, 1, memory_order_relaxed);
}

void rp__runtime_unref(rp_runtime_t *rt)
{
    if (atomic_fetch_sub_explicit(&rt->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t u = 0; u < rt->conf->nupstreams; u++) {
        for (size_t s = 0; s < rt->conf->upstreams[u].nservers; s++) {
            rp_server_state_t *st = &rt->servers[u][s];
            if (st->dns)
                rp_dns_name_release(rt->resolver, st->dns);
            if (st->fixed)
                rp_addrset_unref(st->fixed);
        }
        free(rt->servers[u]);
    }
    free(rt->servers);
    free(rt->route_listener);
    rp__waf_runtime_dispose(rt);
    for (size_t r = 0; r < rt->conf->nroutes; r++)
        free(rt->route_sni[r]);
    free(rt->route_sni);
    rp_conf_destroy(rt->conf);
    free(rt);
}

/* How specifically a route's hosts match: 3 exact, 2 wildcard "*.suffix",
 * 1 the route names no host (matches any), 0 no match. */
static int host_rank(const rp_conf_route_t *route, rp_str_t host)
{
    if (route->nhosts == 0)
        return 1;
    int best = 0;
    for (size_t h = 0; h < route->nhosts; h++) {
        rp_str_t p = rp_str_c(route->hosts[h]);
        if (p.n >= 2 && p.p[0] == '*' && p.p[1] == '.') {
            rp_str_t suffix = rp_str(p.p + 1, p.n - 1); /* ".example.com" */
            if (host.n > suffix.n && rp_str_ihas_suffix(host, suffix))
                best = RP_MAX(best, 2);
        } else if (rp_str_ieq(p, host)) {
            return 3;
        }
    }
    return best;
}

/*
 * Route choice, as virtual hosts then locations (nginx, Envoy): the routes
 * whose hosts match most specifically (exact, then wildcard, then routes
 * with no host) compete, and among them the longest path prefix wins; on
 * a full tie the first in the file wins.
 */
const rp_conf_route_t *rp__runtime_route(const rp_runtime_t *rt, size_t listener,
                                          rp_str_t host, rp_str_t path)
{
    const rp_conf_t *conf = rt->conf;
    const rp_conf_route_t *best = NULL;
    size_t best_len = 0;
    int best_rank = 0;
    for (size_t r = 0; r < conf->nroutes; r++) {
        const rp_conf_route_t *route = &conf->routes[r];
        if (!rt->route_listener[r * conf->nlisteners + listener])
            continue;
        size_t plen = strlen(route->path);
        if (!rp_str_has_prefix(path, rp_str(route->path, plen)))
            continue;
        int rank = host_rank(route, host);
        if (rank == 0 || rank < best_rank || (rank == best_rank && plen <= best_len))
            continue;
        best = route;
        best_len = plen;
        best_rank = rank;
    }
    return best;
}
