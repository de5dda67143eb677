/*
 * DNS resolver: one thread drives a c-ares channel and keeps every watched
 * host:port resolved, publishing immutable address sets that workers pick
 * up by generation number.
 *
 * Why a thread of its own and poll(2) rather than an rp_loop: c-ares wants
 * level-triggered read and write interest that it toggles per socket
 * (ARES_OPT_SOCK_STATE_CB), which rp_loop does not offer (edge-triggered,
 * or level-triggered read only), and the resolver must never stall a
 * worker. The number of names is small (one per upstream host), so the
 * thread finds the next due lookup by a linear scan instead of a heap.
 *
 * Locking: r->mu guards the name list, reference counts, published sets,
 * error texts, options and stats. Fields marked "thread" are touched only
 * by the resolver thread. Only the resolver thread unlinks and frees names
 * (rp_dns_name_release just marks them), so the thread may drop the lock
 * around c-ares calls (whose callbacks take it) while holding a name
 * pointer. c-ares callbacks never free names: they only clear `inflight`,
 * and the sweep at the top of each iteration reaps released names.
 */
#include "rampart/dns.h"
#include "rampart/core.h"
#include "rampart/net.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define DNS_ERR_MAX 128
#define DNS_DEFAULT_TIMEOUT_MS 2000
#define DNS_MAX_POLL_MS 60000

struct rp_dns_name {
    rp_resolver_t *r;
    rp_dns_name_t *next;     /* r->names: linked under r->mu, unlinked by the thread */
    char *host;              /* immutable */
    uint16_t port;           /* immutable */
    /* Under r->mu. */
    long refs;               /* 0 = released: the thread frees it when idle */
    rp_addrset_t *set;       /* never NULL */
    int answered;            /* the first lookup completed (success or failure) */
    char err[DNS_ERR_MAX];   /* "" after a good answer */
    /* Stored after the set is swapped (under r->mu); loaded without it. */
    _Atomic uint64_t gen;
    /* Thread (some also read by the thread under r->mu). */
    int inflight;            /* an ares_getaddrinfo is pending */
    int redo;                /* look up again as soon as the pending one ends */
    int last_ok;             /* the last completed lookup gave addresses */
    uint64_t last_at;        /* when it completed (rp_now_ms), 0 = never */
    uint64_t last_ttl_ms;    /* record TTL of the last good answer */
    uint64_t due;            /* next lookup (rp_now_ms clock) */
};

struct rp_resolver {
    pthread_t thread;
    int wakefd;                   /* eventfd: names added, options, stop */
    pthread_mutex_t mu;
    pthread_cond_t cv;            /* broadcast when a first lookup ends */
    pthread_mutex_t cfg_mu;       /* one rp_resolver_configure at a time */
    /* Under mu. */
    rp_dns_name_t *names;
    size_t nnames;                /* with refs > 0 */
    rp_resolver_opts_t opts;      /* opts.servers points at `servers` */
    struct sockaddr_storage *servers;
    ares_channel pending;         /* built by configure, swapped in by the thread */
    int opts_changed, reresolve, stopping;
    rp_resolver_stats_t stats;
    /* Thread. */
    ares_channel ch;
    struct pollfd *socks;         /* c-ares sockets and the interest it wants */
    size_t nsocks, socks_cap;
    struct pollfd *pfd;           /* poll array: wakefd + socks */
    size_t pfd_cap;
};

/* ---------------------------------------------------------------------- */
/* Address sets.                                                            */

void rp_addrset_ref(rp_addrset_t *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void rp_addrset_unref(rp_addrset_t *s)
{
    if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
        free(s);
}

static rp_addrset_t *addrset_new(size_t n)
{
    rp_addrset_t *s = calloc(1, sizeof(*s) + n * sizeof(s->addr[0]));
    if (s)
        atomic_init(&s->refs, 1);
    return s;
}

static uint16_t addr_port(const struct sockaddr *a)
{
    if (a->sa_family == AF_INET)
        return ((const struct sockaddr_in *)(const void *)a)->sin_port;
    return ((const struct sockaddr_in6 *)(const void *)a)->sin6_port;
}

/* Orders IPv4 before IPv6, then by address bytes, scope and port. The sets
 * are kept in this order, so equality is an element-wise comparison. */
static int addr_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return a->ss_family == AF_INET ? -1 : 1;
    int c;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        c = memcmp(&x->sin_addr, &y->sin_addr, sizeof(x->sin_addr));
    } else {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        c = memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
        if (c == 0 && x->sin6_scope_id != y->sin6_scope_id)
            c = x->sin6_scope_id < y->sin6_scope_id ? -1 : 1;
    }
    if (c == 0) {
        uint16_t pa = ntohs(addr_port((const void *)a)), pb = ntohs(addr_port((const void *)b));
        c = pa < pb ? -1 : pa > pb;
    }
    return c;
}

static int addr_qsort_cmp(const void *a, const void *b) { return addr_cmp(a, b); }

int rp_addrset_contains(const rp_addrset_t *s, const struct sockaddr *a)
{
    if (!s || !a || (a->sa_family != AF_INET && a->sa_family != AF_INET6))
        return 0;
    /* Linear: sets hold a handful of addresses. */
    for (size_t i = 0; i < s->n; i++) {
        const struct sockaddr_storage *e = &s->addr[i];
        if (e->ss_family != a->sa_family || addr_port((const void *)e) != addr_port(a))
            continue;
        if (a->sa_family == AF_INET) {
            const struct sockaddr_in *x = (const void *)e, *y = (const void *)a;
            if (memcmp(&x->sin_addr, &y->sin_addr, sizeof(x->sin_addr)) == 0)
                return 1;
        } else {
            const struct sockaddr_in6 *x = (const void *)e, *y = (const void *)a;
            if (memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0)
                return 1;
        }
    }
    return 0;
}

static int addrset_equal(const rp_addrset_t *a, const rp_addrset_t *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (addr_cmp(&a->addr[i], &b->addr[i]) != 0)
            return 0;
    return 1;
}

/* Builds the sorted, de-duplicated set of a c-ares answer with `port` on
 * every address, and the smallest TTL of its addresses and CNAMEs (s).
 * Returns NULL when out of memory; the set may be empty. */
static rp_addrset_t *addrset_from_answer(const struct ares_addrinfo *res, uint16_t port,
                                         uint64_t *ttl_s)
{
    size_t cnt = 0;
    long ttl = -1;
    for (const struct ares_addrinfo_node *a = res ? res->nodes : NULL; a; a = a->ai_next)
        cnt++;
    rp_addrset_t *s = addrset_new(cnt);
    if (!s)
        return NULL;
    for (const struct ares_addrinfo_node *a = res ? res->nodes : NULL; a; a = a->ai_next) {
        struct sockaddr_storage *d = &s->addr[s->n];
        if (a->ai_family == AF_INET && a->ai_addrlen >= sizeof(struct sockaddr_in)) {
            /* Copy field by field: padding and flow info stay zero. */
            struct sockaddr_in *v4 = (void *)d;
            v4->sin_family = AF_INET;
            v4->sin_port = htons(port);
            v4->sin_addr = ((const struct sockaddr_in *)(const void *)a->ai_addr)->sin_addr;
        } else if (a->ai_family == AF_INET6 && a->ai_addrlen >= sizeof(struct sockaddr_in6)) {
            const struct sockaddr_in6 *src = (const void *)a->ai_addr;
            struct sockaddr_in6 *v6 = (void *)d;
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons(port);
            v6->sin6_addr = src->sin6_addr;
            v6->sin6_scope_id = src->sin6_scope_id;
        } else {
            continue;
        }
        s->n++;
        if (ttl < 0 || a->ai_ttl < ttl)
            ttl = a->ai_ttl;
    }
    /* A CNAME expiring earlier ends the whole chain's validity. */
    for (const struct ares_addrinfo_cname *c = res ? res->cnames : NULL; c && s->n; c = c->next)
        if (c->ttl < ttl)
            ttl = c->ttl;
    if (s->n > 1) {
        qsort(s->addr, s->n, sizeof(s->addr[0]), addr_qsort_cmp);
        size_t w = 1;
        for (size_t i = 1; i < s->n; i++)
            if (addr_cmp(&s->addr[i], &s->addr[w - 1]) != 0)
                s->addr[w++] = s->addr[i];
        s->n = w;
    }
    *ttl_s = ttl > 0 ? (uint64_t)ttl : 0;
    return s;
}

/* ---------------------------------------------------------------------- */
/* Options and channels.                                                    */

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_status = ARES_ENOTINITIALIZED;

static void ares_once_init(void) { ares_init_status = ares_library_init(ARES_LIB_INIT_ALL); }

static int opts_check(const rp_resolver_opts_t *o, char *err, size_t cap)
{
    if (o->family != AF_UNSPEC && o->family != AF_INET && o->family != AF_INET6) {
        snprintf(err, cap, "dns: unknown address family %d", o->family);
        return -1;
    }
    if (o->max_ttl_ms == 0 || o->min_ttl_ms > o->max_ttl_ms) {
        snprintf(err, cap, "dns: need 0 < max_ttl (%llu ms) and min_ttl (%llu ms) <= max_ttl",
                 (unsigned long long)o->max_ttl_ms, (unsigned long long)o->min_ttl_ms);
        return -1;
    }
    if (o->nservers && !o->servers) {
        snprintf(err, cap, "dns: %zu servers but no array", o->nservers);
        return -1;
    }
    for (size_t i = 0; i < o->nservers; i++) {
        int f = o->servers[i].ss_family;
        if (f != AF_INET && f != AF_INET6) {
            snprintf(err, cap, "dns: server %zu is not an IPv4 or IPv6 address", i + 1);
            return -1;
        }
    }
    return 0;
}

static int timeout_of(const rp_resolver_opts_t *o)
{
    if (o->timeout_ms == 0)
        return DNS_DEFAULT_TIMEOUT_MS;
    return o->timeout_ms > INT_MAX ? INT_MAX : (int)o->timeout_ms;
}

static int servers_equal(const struct sockaddr_storage *a, size_t na,
                         const struct sockaddr_storage *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (addr_cmp(&a[i], &b[i]) != 0)
            return 0;
    return 1;
}

static void sock_state_cb(void *data, ares_socket_t fd, int readable, int writable);

/* Builds a channel for o (reads /etc/resolv.conf; no network I/O). The
 * caller's thread may build it: the resolver thread is the only one that
 * ever runs queries on it. */
static ares_channel channel_create(rp_resolver_t *r, const rp_resolver_opts_t *o, char *err,
                                   size_t cap)
{
    struct ares_options ao;
    memset(&ao, 0, sizeof(ao));
    int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
    ao.timeout = timeout_of(o);
    ao.tries = 2;
    ao.sock_state_cb = sock_state_cb;
    ao.sock_state_cb_data = r;
    if (o->nservers) {
        /* Explicit servers: names are taken as given, no search list. */
        mask |= ARES_OPT_DOMAINS;
        ao.domains = NULL;
        ao.ndomains = 0;
    }
    ares_channel ch = NULL;
    int st = ares_init_options(&ch, &ao, mask);
    if (st != ARES_SUCCESS) {
        snprintf(err, cap, "dns: c-ares init: %s", ares_strerror(st));
        return NULL;
    }
    if (o->nservers == 0)
        return ch;
    struct ares_addr_port_node *nodes = calloc(o->nservers, sizeof(*nodes));
    if (!nodes) {
        ares_destroy(ch);
        snprintf(err, cap, "dns: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < o->nservers; i++) {
        const struct sockaddr_storage *ss = &o->servers[i];
        struct ares_addr_port_node *nd = &nodes[i];
        nd->next = i + 1 < o->nservers ? &nodes[i + 1] : NULL;
        nd->family = ss->ss_family;
        if (ss->ss_family == AF_INET)
            memcpy(&nd->addr.addr4, &((const struct sockaddr_in *)(const void *)ss)->sin_addr,
                   sizeof(nd->addr.addr4));
        else
            memcpy(&nd->addr.addr6, &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr,
                   sizeof(nd->addr.addr6));
        uint16_t port = ntohs(addr_port((const void *)ss));
        nd->udp_port = nd->tcp_port = port ? port : 53;
    }
    st = ares_set_servers_ports(ch, nodes);
    free(nodes);
    if (st != ARES_SUCCESS) {
        ares_destroy(ch);
        snprintf(err, cap, "dns: c-ares servers: %s", ares_strerror(st));
        return NULL;
    }
    return ch;
}

/* Copies o's server array (the caller's may go away after the call). */
static int opts_copy_servers(const rp_resolver_opts_t *o, struct sockaddr_storage **out,
                             char *err, size_t cap)
{
    *out = NULL;
    if (o->nservers == 0)
        return 0;
    *out = malloc(o->nservers * sizeof(**out));
    if (!*out) {
        snprintf(err, cap, "dns: out of memory");
        return -1;
    }
    memcpy(*out, o->servers, o->nservers * sizeof(**out));
    return 0;
}

/* ---------------------------------------------------------------------- */
/* The resolver thread.                                                     */

static void wake(rp_resolver_t *r)
{
    uint64_t one = 1;
    /* Only fails when the counter would overflow: it is awake anyway. */
    ssize_t w = write(r->wakefd, &one, sizeof(one));
    RP_UNUSED(w);
}

/* c-ares tells us which sockets it wants watched and for what. */
static void sock_state_cb(void *data, ares_socket_t fd, int readable, int writable)
{
    rp_resolver_t *r = data;
    short ev = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
    for (size_t i = 0; i < r->nsocks; i++) {
        if (r->socks[i].fd != fd)
            continue;
        if (ev)
            r->socks[i].events = ev;
        else
            r->socks[i] = r->socks[--r->nsocks];
        return;
    }
    if (!ev)
        return;
    if (r->nsocks == r->socks_cap) {
        size_t c = r->socks_cap ? r->socks_cap * 2 : 8;
        struct pollfd *p = realloc(r->socks, c * sizeof(*p));
        if (!p)
            return; /* unwatched: its queries end by c-ares timeout */
        r->socks = p;
        r->socks_cap = c;
    }
    r->socks[r->nsocks++] = (struct pollfd){ .fd = fd, .events = ev, .revents = 0 };
}

static uint64_t next_delay(const rp_dns_name_t *n, const rp_resolver_opts_t *o)
{
    uint64_t d = o->retry_ms;
    if (n->last_ok)
        d = RP_MIN(RP_MAX(n->last_ttl_ms, o->min_ttl_ms), o->max_ttl_ms);
    return RP_MAX(d, (uint64_t)RP_DNS_MIN_INTERVAL_MS);
}

static void log_change(const rp_dns_name_t *n, const rp_addrset_t *s, uint64_t ttl_s)
{
    char list[512], a[INET6_ADDRSTRLEN + 8];
    size_t len = 0;
    list[0] = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t al = rp_sock_ntop((const void *)&s->addr[i], a, sizeof(a));
        if (len + al + 32 > sizeof(list)) {
            snprintf(list + len, sizeof(list) - len, " and %zu more", s->n - i);
            break;
        }
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", a);
    }
    rp_log_info("dns: %s now %s (ttl %llus)", n->host, list, (unsigned long long)ttl_s);
}

/* The end of one lookup. Runs on the resolver thread (from ares_process_fd,
 * ares_getaddrinfo for /etc/hosts answers, or ares_destroy). */
static void lookup_cb(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    rp_dns_name_t *n = arg;
    rp_resolver_t *r = n->r;
    uint64_t now = rp_now_ms();
    n->inflight = 0;
    if (status == ARES_EDESTRUCTION) {
        /* Channel replaced (configure) or resolver stopping: not a failure;
         * the new channel looks it up again at once. */
        n->due = now;
        n->redo = 0;
        ares_freeaddrinfo(res);
        return;
    }
    uint64_t ttl_s = 0;
    rp_addrset_t *s = NULL;
    const char *why = NULL;
    if (status != ARES_SUCCESS) {
        why = ares_strerror(status);
    } else if (!(s = addrset_from_answer(res, n->port, &ttl_s))) {
        why = "out of memory";
    } else if (s->n == 0) {
        why = "no addresses in the answer";
        free(s);
        s = NULL;
    }
    ares_freeaddrinfo(res);

    int changed = 0, log_fail = 0, recovered = 0;
    pthread_mutex_lock(&r->mu);
    if (s) {
        if (!addrset_equal(s, n->set)) {
            rp_addrset_t *old = n->set;
            s->gen = old->gen + 1;
            n->set = s;
            /* After the swap: a worker that sees the new gen finds the new set. */
            atomic_store_explicit(&n->gen, s->gen, memory_order_release);
            rp_addrset_unref(old);
            r->stats.changes++;
            changed = 1;
        } else {
            free(s);
            s = NULL;
        }
        recovered = !n->last_ok && n->last_at != 0;
        n->err[0] = 0;
        n->last_ok = 1;
        n->last_ttl_ms = ttl_s * 1000;
    } else {
        r->stats.failures++;
        /* One warning per state change: a new failure, or another error. */
        log_fail = n->last_ok || n->last_at == 0 || strcmp(n->err, why) != 0;
        snprintf(n->err, sizeof(n->err), "%s", why);
        n->last_ok = 0;
    }
    n->last_at = now;
    n->due = n->redo ? now : now + next_delay(n, &r->opts);
    n->redo = 0;
    if (!n->answered) {
        n->answered = 1;
        pthread_cond_broadcast(&r->cv);
    }
    uint64_t delay = next_delay(n, &r->opts);
    pthread_mutex_unlock(&r->mu);

    /* The published set is freed only by this thread: safe to read here. */
    if (changed)
        log_change(n, n->set, ttl_s);
    else if (recovered)
        rp_log_info("dns: %s resolves again, addresses unchanged", n->host);
    if (log_fail)
        rp_log_warn("dns: lookup of %s failed: %s (keeping %zu known addresses, retry in %llums)",
                    n->host, why, n->set->n, (unsigned long long)delay);
    else if (why)
        rp_log_debug("dns: lookup of %s failed again: %s", n->host, why);
}

static void name_free(rp_dns_name_t *n)
{
    rp_addrset_unref(n->set);
    free(n->host);
    free(n);
}

/* Applies what configure and release left for the thread. Under r->mu. */
static void sweep(rp_resolver_t *r, uint64_t now)
{
    rp_dns_name_t **pp = &r->names;
    while (*pp) {
        rp_dns_name_t *n = *pp;
        if (n->refs == 0 && !n->inflight) {
            *pp = n->next;
            name_free(n);
            continue;
        }
        if (r->opts_changed) {
            if (r->reresolve && n->inflight)
                n->redo = 1;
            else if (r->reresolve)
                n->due = now;
            else if (!n->inflight && n->last_at)
                n->due = n->last_at + next_delay(n, &r->opts);
        }
        pp = &n->next;
    }
    r->opts_changed = r->reresolve = 0;
}

/* Starts the lookups that are due; returns the earliest next due time.
 * Under r->mu, dropped around ares_getaddrinfo (its callback may run at
 * once and takes the lock). */
static uint64_t start_due(rp_resolver_t *r, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    struct ares_addrinfo_hints hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = r->opts.family;
    hints.ai_flags = ARES_AI_NOSORT; /* we sort; no connect() probes */
    for (rp_dns_name_t *n = r->names; n; n = n->next) {
        if (n->refs == 0 || n->inflight)
            continue;
        if (n->due <= now) {
            n->inflight = 1;
            r->stats.lookups++;
            pthread_mutex_unlock(&r->mu);
            ares_getaddrinfo(r->ch, n->host, NULL, &hints, lookup_cb, n);
            pthread_mutex_lock(&r->mu);
            if (n->inflight)
                continue;
        }
        next = RP_MIN(next, n->due);
    }
    return next;
}

static void *resolver_main(void *arg)
{
    rp_resolver_t *r = arg;
    for (;;) {
        uint64_t now = rp_now_ms();
        pthread_mutex_lock(&r->mu);
        if (r->stopping) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        if (r->pending) {
            ares_channel old = r->ch;
            r->ch = r->pending;
            r->pending = NULL;
            pthread_mutex_unlock(&r->mu);
            ares_destroy(old); /* lookups in flight end with ARES_EDESTRUCTION */
            r->nsocks = 0;
            pthread_mutex_lock(&r->mu);
        }
        sweep(r, now);
        uint64_t next = start_due(r, now);
        pthread_mutex_unlock(&r->mu);

        now = rp_now_ms();
        uint64_t wait = next <= now ? 0 : RP_MIN(next - now, (uint64_t)DNS_MAX_POLL_MS);
        struct timeval tv, *tvp = ares_timeout(r->ch, NULL, &tv);
        if (tvp) {
            uint64_t ams = (uint64_t)tvp->tv_sec * 1000 + ((uint64_t)tvp->tv_usec + 999) / 1000;
            wait = RP_MIN(wait, ams);
        }
        size_t npfd = 1;
        if (1 + r->nsocks > r->pfd_cap) {
            struct pollfd *p = realloc(r->pfd, (1 + r->nsocks) * sizeof(*p));
            if (p) {
                r->pfd = p;
                r->pfd_cap = 1 + r->nsocks;
            }
        }
        r->pfd[0] = (struct pollfd){ .fd = r->wakefd, .events = POLLIN, .revents = 0 };
        for (size_t i = 0; i < r->nsocks && npfd < r->pfd_cap; i++) {
            r->pfd[npfd] = r->socks[i];
            r->pfd[npfd++].revents = 0;
        }
        int k = poll(r->pfd, (nfds_t)npfd, (int)wait);
        if (k < 0)
            continue; /* EINTR; nothing else is expected */
        if (r->pfd[0].revents & POLLIN) {
            uint64_t v;
            ssize_t rd = read(r->wakefd, &v, sizeof(v));
            RP_UNUSED(rd);
        }
        int any = 0;
        /* From the copy: callbacks may change r->socks meanwhile. */
        for (size_t i = 1; i < npfd; i++) {
            short re = r->pfd[i].revents;
            if (!re)
                continue;
            ares_socket_t rfd = (re & (POLLIN | POLLERR | POLLHUP)) ? r->pfd[i].fd : ARES_SOCKET_BAD;
            ares_socket_t wfd = (re & (POLLOUT | POLLERR | POLLHUP)) ? r->pfd[i].fd : ARES_SOCKET_BAD;
            ares_process_fd(r->ch, rfd, wfd);
            any = 1;
        }
        if (!any)
            ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts */
    }
    ares_destroy(r->ch);
    r->ch = NULL;
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Public API.                                                              */

static void resolver_free(rp_resolver_t *r)
{
    /* Channels first: destroying one ends its lookups, which touch names. */
    if (r->pending)
        ares_destroy(r->pending);
    if (r->ch)
        ares_destroy(r->ch);
    while (r->names) {
        rp_dns_name_t *n = r->names;
        r->names = n->next;
        name_free(n);
    }
    if (r->wakefd >= 0)
        close(r->wakefd);
    pthread_mutex_destroy(&r->mu);
    pthread_mutex_destroy(&r->cfg_mu);
    pthread_cond_destroy(&r->cv);
    free(r->servers);
    free(r->socks);
    free(r->pfd);
    free(r);
}

rp_resolver_t *rp_resolver_start(const rp_resolver_opts_t *o, char *err, size_t cap)
{
    pthread_once(&ares_once, ares_once_init);
    if (ares_init_status != ARES_SUCCESS) {
        snprintf(err, cap, "dns: c-ares library init: %s", ares_strerror(ares_init_status));
        return NULL;
    }
    if (opts_check(o, err, cap) < 0)
        return NULL;
    rp_resolver_t *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(err, cap, "dns: out of memory");
        return NULL;
    }
    r->wakefd = -1;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&r->mu, NULL);
    pthread_mutex_init(&r->cfg_mu, NULL);
    r->pfd = malloc(sizeof(*r->pfd));
    if (!r->pfd) {
        snprintf(err, cap, "dns: out of memory");
        resolver_free(r);
        return NULL;
    }
    r->pfd_cap = 1;
    if (opts_copy_servers(o, &r->servers, err, cap) < 0) {
        resolver_free(r);
        return NULL;
    }
    r->opts = *o;
    r->opts.servers = r->servers;
    r->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (r->wakefd < 0) {
        snprintf(err, cap, "dns: eventfd: %s", strerror(errno));
        resolver_free(r);
        return NULL;
    }
    if (!(r->ch = channel_create(r, o, err, cap))) {
        resolver_free(r);
        return NULL;
    }
    /* Signals go to the threads that handle them, never here. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int e = pthread_create(&r->thread, NULL, resolver_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e != 0) {
        snprintf(err, cap, "dns: thread: %s", strerror(e));
        resolver_free(r);
        return NULL;
    }
    return r;
}

int rp_resolver_configure(rp_resolver_t *r, const rp_resolver_opts_t *o, char *err, size_t cap)
{
    if (opts_check(o, err, cap) < 0)
        return -1;
    struct sockaddr_storage *servers;
    if (opts_copy_servers(o, &servers, err, cap) < 0)
        return -1;
    pthread_mutex_lock(&r->cfg_mu);
    pthread_mutex_lock(&r->mu);
    int new_servers = !servers_equal(r->servers, r->opts.nservers, o->servers, o->nservers);
    int new_channel = new_servers || timeout_of(&r->opts) != timeout_of(o);
    int new_family = r->opts.family != o->family;
    pthread_mutex_unlock(&r->mu);

    ares_channel ch = NULL;
    if (new_channel && !(ch = channel_create(r, o, err, cap))) {
        pthread_mutex_unlock(&r->cfg_mu);
        free(servers);
        return -1;
    }
    pthread_mutex_lock(&r->mu);
    struct sockaddr_storage *old_servers = r->servers;
    ares_channel old_pending = NULL;
    r->servers = servers;
    r->opts = *o;
    r->opts.servers = servers;
    if (ch) {
        old_pending = r->pending; /* never used: no queries, no sockets */
        r->pending = ch;
    }
    r->opts_changed = 1;
    r->reresolve |= new_servers || new_family;
    pthread_mutex_unlock(&r->mu);
    pthread_mutex_unlock(&r->cfg_mu);
    if (old_pending)
        ares_destroy(old_pending);
    free(old_servers);
    wake(r);
    return 0;
}

void rp_resolver_stop(rp_resolver_t *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    wake(r);
    pthread_join(r->thread, NULL);
    resolver_free(r);
}

rp_dns_name_t *rp_resolver_watch(rp_resolver_t *r, const char *host, uint16_t port)
{
    if (!r || !host)
        return NULL;
    rp_dns_name_t *n;
    pthread_mutex_lock(&r->mu);
    for (n = r->names; n; n = n->next) {
        if (n->refs > 0 && n->port == port && strcasecmp(n->host, host) == 0) {
            n->refs++;
            pthread_mutex_unlock(&r->mu);
            return n;
        }
    }
    n = calloc(1, sizeof(*n));
    if (n)
        n->host = strdup(host);
    if (n && n->host)
        n->set = addrset_new(0);
    if (!n || !n->host || !n->set) {
        pthread_mutex_unlock(&r->mu);
        if (n)
            free(n->host);
        free(n);
        return NULL;
    }
    n->r = r;
    n->port = port;
    n->refs = 1;
    atomic_init(&n->gen, 0);
    n->due = 0;
    n->next = r->names;
    r->names = n;
    r->nnames++;
    pthread_mutex_unlock(&r->mu);
    wake(r);
    return n;
}

void rp_dns_name_release(rp_resolver_t *r, rp_dns_name_t *n)
{
    if (!n)
        return;
    RP_BUG_ON(n->r != r);
    pthread_mutex_lock(&r->mu);
    RP_BUG_ON(n->refs <= 0);
    int last = --n->refs == 0;
    if (last) {
        r->nnames--;
        pthread_cond_broadcast(&r->cv); /* one name fewer to wait for */
    }
    pthread_mutex_unlock(&r->mu);
    if (last)
        wake(r); /* so the thread frees it */
}

uint64_t rp_dns_name_gen(const rp_dns_name_t *n)
{
    return atomic_load_explicit(&n->gen, memory_order_acquire);
}

rp_addrset_t *rp_dns_name_addrs(rp_dns_name_t *n)
{
    pthread_mutex_lock(&n->r->mu);
    rp_addrset_t *s = n->set;
    rp_addrset_ref(s);
    pthread_mutex_unlock(&n->r->mu);
    return s;
}

void rp_dns_name_last_error(rp_dns_name_t *n, char *out, size_t cap)
{
    if (cap == 0)
        return;
    pthread_mutex_lock(&n->r->mu);
    snprintf(out, cap, "%s", n->err);
    pthread_mutex_unlock(&n->r->mu);
}

static size_t count_unanswered(const rp_resolver_t *r)
{
    size_t k = 0;
    for (const rp_dns_name_t *n = r->names; n; n = n->next)
        k += n->refs > 0 && !n->answered;
    return k;
}

size_t rp_resolver_wait_initial(rp_resolver_t *r, uint64_t timeout_ms)
{
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    timeout_ms = RP_MIN(timeout_ms, (uint64_t)86400000);
    dl.tv_sec += (time_t)(timeout_ms / 1000);
    dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->mu);
    size_t k;
    while ((k = count_unanswered(r)) > 0 && !r->stopping)
        if (pthread_cond_timedwait(&r->cv, &r->mu, &dl) == ETIMEDOUT) {
            k = count_unanswered(r);
            break;
        }
    pthread_mutex_unlock(&r->mu);
    return k;
}

void rp_resolver_get_stats(rp_resolver_t *r, rp_resolver_stats_t *out)
{
    pthread_mutex_lock(&r->mu);
    *out = r->stats;
    out->names = r->nnames;
    pthread_mutex_unlock(&r->mu);
}
