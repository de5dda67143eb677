/*
 * rampart/dns.h - an asynchronous resolver (c-ares) that keeps upstream
 * host names resolved while the proxy runs.
 *
 * The resolver owns one thread. Callers watch a host:port and get an entry
 * whose address set the thread refreshes after each answer's TTL (clamped
 * to [min_ttl, max_ttl]); a failed lookup keeps the last good set and is
 * retried after retry_ms. Workers read a per-name generation number (one
 * atomic load) on every request and fetch the new set only when it moved.
 *
 * Threads: every function here may be called from any thread, except that
 * rp_resolver_stop must not race with calls on the same resolver. No
 * function does network I/O on the caller's thread.
 */
#ifndef RAMPART_DNS_H
#define RAMPART_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* An immutable set of addresses for one name:port, shared by reference
 * count. Once published a set never changes; a new answer builds a new
 * set. */
typedef struct rp_addrset {
    _Atomic long refs;
    uint64_t gen;                   /* 1,2,3... per name; changes whenever the set changes */
    size_t n;                       /* may be 0 (never resolved successfully yet) */
    struct sockaddr_storage addr[]; /* port set; IPv4 first then IPv6, each sorted, de-duplicated */
} rp_addrset_t;

void rp_addrset_ref(rp_addrset_t *s);
/* Frees the set when the last reference goes. NULL is ignored. */
void rp_addrset_unref(rp_addrset_t *s);
/* 1 if a (family + address + port) is in s, else 0. */
int rp_addrset_contains(const rp_addrset_t *s, const struct sockaddr *a);

typedef struct rp_resolver_opts {
    /* Port set on each (AF_INET/AF_INET6); 0 servers = system config
     * (/etc/resolv.conf, its search list and /etc/hosts). With explicit
     * servers names are looked up as given: no search list. */
    const struct sockaddr_storage *servers;
    size_t nservers;
    /* Re-resolve after clamp(record TTL, min, max); min <= max, max > 0.
     * Whatever the options, a name is never looked up more often than
     * every RP_DNS_MIN_INTERVAL_MS. */
    uint64_t min_ttl_ms, max_ttl_ms;
    uint64_t timeout_ms;  /* per lookup attempt (c-ares timeout), 2 tries; 0 = 2000 */
    uint64_t retry_ms;    /* after a failed lookup, try again after this */
    int family;           /* AF_UNSPEC (A and AAAA), AF_INET or AF_INET6 */
} rp_resolver_opts_t;

#define RP_DNS_MIN_INTERVAL_MS 50

typedef struct rp_resolver rp_resolver_t;
typedef struct rp_dns_name rp_dns_name_t;

typedef struct rp_resolver_stats {
    uint64_t lookups;   /* lookups started */
    uint64_t failures;  /* lookups that ended without addresses */
    uint64_t changes;   /* address sets published (first answers included) */
    size_t names;       /* names currently watched */
} rp_resolver_stats_t;

/* Starts the resolver's own thread. Returns NULL and fills err (cap bytes)
 * on failure (bad options, c-ares or thread start-up). */
rp_resolver_t *rp_resolver_start(const rp_resolver_opts_t *o, char *err, size_t cap);
/* Replaces the options (config reload). A new c-ares channel is built here
 * when the servers or the timeout changed and swapped in by the thread;
 * lookups in flight on the old channel are restarted on the new one.
 * Names keep their addresses; when the servers or the family changed every
 * name is looked up again at once, otherwise the next lookups are
 * rescheduled with the new TTL bounds. Returns 0, or -1 with err (and the
 * old options stay). */
int rp_resolver_configure(rp_resolver_t *r, const rp_resolver_opts_t *o, char *err, size_t cap);
/* Stops the thread, frees everything. Names still held are invalid
 * afterwards; address sets the caller still references stay valid until
 * unref'd. NULL is ignored. */
void rp_resolver_stop(rp_resolver_t *r);

/* Watches host:port (host is a DNS name, not a literal address). The same
 * host+port (host compared case-insensitively) returns the same entry with
 * its reference count raised. A new entry is looked up at once (the thread
 * is woken). Returns NULL on out-of-memory. */
rp_dns_name_t *rp_resolver_watch(rp_resolver_t *r, const char *host, uint16_t port);
/* Drops a reference; at 0 the entry is no longer looked up and is freed by
 * the resolver thread. NULL is ignored. */
void rp_dns_name_release(rp_resolver_t *r, rp_dns_name_t *n);
/* The current generation (0 before the first successful answer): a single
 * atomic load, cheap enough for every request. */
uint64_t rp_dns_name_gen(const rp_dns_name_t *n);
/* The current address set with a reference taken (the caller unrefs).
 * Never NULL: an empty set with gen 0 before the first successful answer.
 * Its gen may be newer than a gen read just before. */
rp_addrset_t *rp_dns_name_addrs(rp_dns_name_t *n);
/* Text of the last lookup error for this name ("" if the last lookup
 * worked or none finished yet), NUL-terminated into out. */
void rp_dns_name_last_error(rp_dns_name_t *n, char *out, size_t cap);
/* Waits until every watched name has completed its first lookup (success
 * or failure) or timeout_ms passes. Returns the number of names whose first
 * lookup has still not completed (0 = all answered or failed; check
 * rp_dns_name_gen() == 0 for names that have no address). */
size_t rp_resolver_wait_initial(rp_resolver_t *r, uint64_t timeout_ms);
void rp_resolver_get_stats(rp_resolver_t *r, rp_resolver_stats_t *out);

#endif /* RAMPART_DNS_H */
