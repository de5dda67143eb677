/*
 * Real client address. X-Forwarded-For is believed only when the TCP peer
 * is a configured trusted proxy (an ALB, HAProxy...): then the list is
 * walked from the right, skipping trusted hops, and the first address that
 * is not trusted is the client. Anything unparseable stops the walk there
 * (the hop before it vouched for nothing more).
 */
#include "proxy_int.h"

#include <stdio.h>

static int addr_trusted(const rp_conf_t *conf, const struct sockaddr *sa)
{
    return rp_cidr_list_match(conf->trusted_proxies, conf->ntrusted_proxies, sa);
}

/* Strips an optional port / brackets from an XFF element: "1.2.3.4:80",
 * "[::1]:80", "::1". */
static rp_str_t xff_addr(rp_str_t e)
{
    if (e.n > 0 && e.p[0] == '[') {
        const char *close = memchr(e.p, ']', e.n);
        if (close)
            return rp_str(e.p + 1, (size_t)(close - e.p - 1));
        return e;
    }
    const char *colon = memchr(e.p, ':', e.n);
    if (colon && !memchr(colon + 1, ':', e.n - (size_t)(colon + 1 - e.p)))
        return rp_str(e.p, (size_t)(colon - e.p)); /* IPv4 with port */
    return e;
}

int rp__real_ip(const rp_conf_t *conf, const struct sockaddr_storage *peer, const char *peer_ip,
                const rp_http_request_t *req, char *out, size_t cap)
{
    size_t n = strlen(peer_ip);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, peer_ip, n);
    out[n] = '\0';
    if (conf->ntrusted_proxies == 0 || !addr_trusted(conf, (const struct sockaddr *)peer))
        return 0;
    /* Collect XFF elements in order across all X-Forwarded-For fields, then
     * walk them from the right. Bounded: at most 64 hops considered. */
    rp_str_t hops[64];
    size_t nh = 0;
    for (size_t i = 0; i < req->num_headers; i++) {
        if (!rp_str_ieq(req->headers[i].name, RP_STRLIT("x-forwarded-for")))
            continue;
        size_t pos = 0;
        rp_str_t e;
        while (rp_str_next_list_elem(req->headers[i].value, &pos, &e)) {
            if (nh == RP_ARRAY_SIZE(hops)) {
                memmove(hops, hops + 1, sizeof(hops) - sizeof(hops[0]));
                nh--;
            }
            hops[nh++] = e;
        }
    }
    while (nh > 0) {
        rp_str_t a = xff_addr(hops[--nh]);
        struct sockaddr_storage ss;
        if (rp_sock_pton(a, &ss) != 0)
            break;
        rp_sock_ntop((const struct sockaddr *)&ss, out, cap);
        if (!addr_trusted(conf, (const struct sockaddr *)&ss))
            break;
    }
    return 1;
}
