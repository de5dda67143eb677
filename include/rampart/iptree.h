/*
 * rampart/iptree.h - IP prefix sets for allow/deny/grey lists.
 *
 * A tree of IPv4 and IPv6 prefixes, each carrying a 32-bit value (usually a
 * bit set of the lists it belongs to: allow=1, deny=2, grey=4). A lookup
 * returns the OR of the values of every prefix that contains the address,
 * so "is this client in deny?" is one lookup whatever the number of lists.
 *
 * Life cycle: build with rp_iptree_add() on one thread (config load), then
 * publish the tree to the workers; from then on it is immutable and any
 * number of threads may look up concurrently without locks. Adding while
 * another thread looks up is a data race (add may move the node array):
 * a reload builds a new tree and swaps the pointer.
 *
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack socket
 * reports for an IPv4 client) are IPv4 addresses here, as in nginx: a
 * lookup of one consults the IPv4 entries only, and an added IPv6 prefix
 * inside ::ffff:0:0/96 (length >= 96) is stored as the IPv4 prefix it
 * denotes. IPv6 prefixes shorter than /96 that happen to cover the mapped
 * range (::/0, ::/64...) therefore do not match IPv4 clients: list
 * 0.0.0.0/0 as well to mean "everyone".
 */
#ifndef RAMPART_IPTREE_H
#define RAMPART_IPTREE_H

#include "rampart/core.h"

#include <sys/socket.h> /* AF_INET, AF_INET6, struct sockaddr */

typedef struct rp_iptree rp_iptree_t;

/* Returns an empty tree, or NULL when out of memory. */
rp_iptree_t *rp_iptree_new(void);
/* Frees the tree (NULL is a no-op). */
void rp_iptree_free(rp_iptree_t *t);

/* Adds addr/prefix with a value. family AF_INET: addr is 4 bytes in network
 * order, prefix 0..32; AF_INET6: 16 bytes, prefix 0..128. Host bits beyond
 * the prefix are ignored. Adding a prefix already present ORs the values.
 * Returns 0, RP_EINVAL (NULL tree or addr, unknown family, prefix too long)
 * or RP_ENOMEM (the tree is unchanged). Not thread-safe: see above. */
int rp_iptree_add(rp_iptree_t *t, int family, const uint8_t *addr, unsigned prefix, uint32_t value);

/* Looks up a struct sockaddr_in or sockaddr_in6 (other families, NULL: 0).
 * Returns the OR of the values of every entry containing the address, 0
 * when none. At most 33 (IPv4) or 129 (IPv6) nodes visited whatever the
 * number of entries; no allocation, no writes: safe for concurrent
 * readers. */
uint32_t rp_iptree_lookup(const rp_iptree_t *t, const struct sockaddr *sa);
/* The same for raw bytes in network order (4 for AF_INET, 16 for
 * AF_INET6; unknown family: 0). */
uint32_t rp_iptree_lookup_raw(const rp_iptree_t *t, int family, const uint8_t *addr);

/* Number of distinct prefixes added (a mapped IPv6 prefix and the IPv4
 * prefix it denotes are the same prefix). */
size_t rp_iptree_count(const rp_iptree_t *t);
/* Bytes allocated for the tree, spare capacity included. */
size_t rp_iptree_memory(const rp_iptree_t *t);

/* Parses one list entry: "10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8",
 * "2001:db8::1/128", "::ffff:10.0.0.1"; spaces and tabs around it are
 * allowed, none inside. A bare address gets the full length (/32, /128).
 * Writes *family (AF_INET or AF_INET6), addr (4 or 16 bytes in network
 * order, the rest of the 16 zeroed; host bits are returned as written, for
 * the caller to warn about) and *prefix. Returns 0, or -1 with *why set to
 * a static message (why may be NULL). IPv4 octets with leading zeros
 * ("010.0.0.1", ambiguous: octal to some tools) and zone ids ("fe80::1%eth0")
 * are rejected. Allocates nothing. */
int rp_iptree_parse_entry(rp_str_t s, int *family, uint8_t addr[16], unsigned *prefix,
                          const char **why);

#endif /* RAMPART_IPTREE_H */
