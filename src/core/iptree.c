/*
 * IP prefix tree: one path-compressed binary trie per address family.
 *
 * Every node holds a prefix (key, bits). A child extends its parent's
 * prefix by at least one bit, and child[b] holds the prefixes whose bit
 * number `parent.bits` is b (bits are numbered from the most significant
 * bit of the address). Nodes that were added carry is_entry and the OR of
 * their values; the others are glue nodes, made where two prefixes part
 * ways, with value 0. Each add creates at most two nodes, so n entries take
 * fewer than 2n nodes whatever their lengths, and a lookup visits at most
 * one node per address bit (plus one).
 *
 * Lookup walks from the root while the node's prefix contains the address,
 * ORing the values: an address outside a node is outside all of its
 * descendants, so the walk stops at the first mismatch.
 *
 * Keys are two 64-bit words, most significant bits first (an IPv4 address
 * sits in the top half of word 0), so "how many leading bits agree" is two
 * XORs and a count-leading-zeros. Nodes live in one array addressed by
 * 32-bit indices (0 = none): 32 bytes a node, two to a cache line, and
 * a single allocation to free.
 *
 * Big IPv4 lists get a shortcut: once the IPv4 trie passes
 * IPT_V4_TABLE_MIN_NODES nodes, a table indexed by the address's first 16
 * bits gives the OR of the values of the shorter prefixes containing that
 * /16 and the node where the walk resumes (the first node of length >= 16
 * on the path). A lookup then costs one table read plus a walk of the few
 * nodes below its /16 instead of ~17 dependent cache misses from the root:
 * about 4x faster with 100,000 random /32s, for 512 KiB. IPv6 lists cluster
 * in 2000::/3 where a first-bits table would not spread them: no table.
 */
#include "rampart/iptree.h"

#include <netinet/in.h>
#include <stdlib.h>

typedef struct ipt_node {
    uint64_t key[2];   /* prefix, bits beyond `bits` zero */
    uint32_t child[2]; /* node indices, 0 = none */
    uint32_t value;    /* OR of the values added for exactly this prefix */
    uint8_t bits;      /* prefix length, 0..128 */
    uint8_t is_entry;  /* 1 when added, 0 for a glue node */
} ipt_node_t;

enum { IPT_V4 = 0, IPT_V6 = 1 };

/* One /16 of the IPv4 shortcut table. */
typedef struct ipt_v4_slot {
    uint32_t value; /* OR of the values of prefixes shorter than /16 containing it */
    uint32_t node;  /* where the walk resumes, 0 = nothing more can match */
} ipt_v4_slot_t;

struct rp_iptree {
    ipt_node_t *nodes; /* nodes[0] is unused so that index 0 means none */
    size_t len;        /* nodes in use, including nodes[0] */
    size_t cap;
    uint32_t root[2]; /* IPT_V4, IPT_V6 */
    size_t count;     /* distinct prefixes added */
    size_t v4_nodes;  /* nodes in the IPv4 trie */
    ipt_v4_slot_t *v4_table; /* NULL until v4_nodes >= IPT_V4_TABLE_MIN_NODES */
};

#define IPT_INITIAL_CAP 64
#define IPT_MAX_NODES ((size_t)UINT32_MAX)
#define IPT_V4_TABLE_BITS 16
#define IPT_V4_TABLE_MIN_NODES 2048

/* ---------------------------------------------------------------------- */
/* Keys.                                                                    */

/* A word with the `bits` (0..64) most significant bits set. */
static inline uint64_t ipt_mask64(unsigned bits)
{
    return bits == 0 ? 0 : bits >= 64 ? ~(uint64_t)0 : ~(uint64_t)0 << (64 - bits);
}

static void ipt_key_mask(uint64_t k[2], unsigned bits)
{
    k[0] &= ipt_mask64(bits > 64 ? 64 : bits);
    k[1] &= ipt_mask64(bits > 64 ? bits - 64 : 0);
}

/* Bit i (0 = most significant). i == 128 reads bit 0 of word 0, harmlessly:
 * it is only asked of full-length nodes, which have no children. */
static inline unsigned ipt_key_bit(const uint64_t k[2], unsigned i)
{
    return (unsigned)(k[(i >> 6) & 1] >> (63 - (i & 63))) & 1u;
}

/* Number of leading bits on which a and b agree, 0..128. */
static inline unsigned ipt_key_common(const uint64_t a[2], const uint64_t b[2])
{
    uint64_t x = a[0] ^ b[0];
    if (x)
        return (unsigned)__builtin_clzll(x);
    x = a[1] ^ b[1];
    if (x)
        return 64 + (unsigned)__builtin_clzll(x);
    return 128;
}

static inline uint64_t ipt_load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static inline void ipt_key_v4(uint64_t k[2], const uint8_t *a)
{
    k[0] = ((uint64_t)a[0] << 56) | ((uint64_t)a[1] << 48) | ((uint64_t)a[2] << 40) |
           ((uint64_t)a[3] << 32);
    k[1] = 0;
}

/* ::ffff:a.b.c.d */
static inline int ipt_is_v4_mapped(const uint8_t *a)
{
    static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(a, pfx, sizeof(pfx)) == 0;
}

/* ---------------------------------------------------------------------- */
/* Building.                                                                */

rp_iptree_t *rp_iptree_new(void)
{
    rp_iptree_t *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->nodes = malloc(IPT_INITIAL_CAP * sizeof(*t->nodes));
    if (!t->nodes) {
        free(t);
        return NULL;
    }
    t->cap = IPT_INITIAL_CAP;
    t->len = 1; /* nodes[0]: the "none" index */
    memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
    return t;
}

void rp_iptree_free(rp_iptree_t *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t->v4_table);
    free(t);
}

/* Makes room for n more nodes, so that pointers into the array stay valid
 * during one add. Grows by half: big lists are loaded once, and doubling
 * would leave up to half of a large array unused. */
static int ipt_reserve(rp_iptree_t *t, size_t n)
{
    if (t->cap - t->len >= n)
        return 0;
    if (t->len + n > IPT_MAX_NODES)
        return RP_ENOMEM;
    size_t cap = t->cap + t->cap / 2;
    if (cap < t->len + n)
        cap = t->len + n;
    if (cap > IPT_MAX_NODES)
        cap = IPT_MAX_NODES;
    ipt_node_t *nodes = realloc(t->nodes, cap * sizeof(*nodes));
    if (!nodes)
        return RP_ENOMEM;
    t->nodes = nodes;
    t->cap = cap;
    return 0;
}

/* Appends a node; room was reserved. */
static uint32_t ipt_new_node(rp_iptree_t *t, const uint64_t key[2], unsigned bits,
                             uint32_t value, int is_entry)
{
    RP_BUG_ON(t->len >= t->cap);
    uint32_t i = (uint32_t)t->len++;
    ipt_node_t *n = &t->nodes[i];
    n->key[0] = key[0];
    n->key[1] = key[1];
    n->child[0] = n->child[1] = 0;
    n->value = value;
    n->bits = (uint8_t)bits;
    n->is_entry = (uint8_t)is_entry;
    return i;
}

static void ipt_insert(rp_iptree_t *t, int fam, const uint64_t k[2], unsigned prefix,
                       uint32_t value);
static void ipt_v4_table_update(rp_iptree_t *t, uint64_t k0, unsigned prefix);
static void ipt_v4_table_build(rp_iptree_t *t);

int rp_iptree_add(rp_iptree_t *t, int family, const uint8_t *addr, unsigned prefix, uint32_t value)
{
    if (!t || !addr)
        return RP_EINVAL;
    uint64_t k[2];
    int fam;
    if (family == AF_INET) {
        if (prefix > 32)
            return RP_EINVAL;
        fam = IPT_V4;
        ipt_key_v4(k, addr);
    } else if (family == AF_INET6) {
        if (prefix > 128)
            return RP_EINVAL;
        if (prefix >= 96 && ipt_is_v4_mapped(addr)) {
            fam = IPT_V4;
            ipt_key_v4(k, addr + 12);
            prefix -= 96;
        } else {
            fam = IPT_V6;
            k[0] = ipt_load_be64(addr);
            k[1] = ipt_load_be64(addr + 8);
        }
    } else {
        return RP_EINVAL;
    }
    ipt_key_mask(k, prefix);
    if (ipt_reserve(t, 2) != 0)
        return RP_ENOMEM;
    size_t len0 = t->len;
    ipt_insert(t, fam, k, prefix, value);
    if (fam == IPT_V4) {
        t->v4_nodes += t->len - len0;
        if (t->v4_table)
            ipt_v4_table_update(t, k[0], prefix);
        else if (t->v4_nodes >= IPT_V4_TABLE_MIN_NODES)
            ipt_v4_table_build(t);
    }
    return 0;
}

/* Inserts key/bits below t->root[fam]; room for two nodes was reserved. */
static void ipt_insert(rp_iptree_t *t, int fam, const uint64_t k[2], unsigned prefix,
                       uint32_t value)
{
    /* slot: the link to rewrite, in t->root or in a node (stable: no
     * reallocation happens below). */
    uint32_t *slot = &t->root[fam];
    for (;;) {
        uint32_t i = *slot;
        if (i == 0) {
            *slot = ipt_new_node(t, k, prefix, value, 1);
            t->count++;
            return;
        }
        ipt_node_t *n = &t->nodes[i];
        unsigned common = ipt_key_common(k, n->key);
        common = RP_MIN(common, RP_MIN(prefix, (unsigned)n->bits));
        if (common == n->bits) {
            /* n's prefix contains the new one. */
            if (n->bits == prefix) {
                n->value |= value;
                if (!n->is_entry) {
                    n->is_entry = 1;
                    t->count++;
                }
                return;
            }
            slot = &n->child[ipt_key_bit(k, n->bits)];
            continue;
        }
        if (common == prefix) {
            /* The new prefix contains n: it goes above n. */
            uint32_t j = ipt_new_node(t, k, prefix, value, 1);
            t->nodes[j].child[ipt_key_bit(t->nodes[i].key, prefix)] = i;
            *slot = j;
            t->count++;
            return;
        }
        /* They part ways after `common` bits: a glue node with both below. */
        uint64_t g[2] = { k[0], k[1] };
        ipt_key_mask(g, common);
        uint32_t gi = ipt_new_node(t, g, common, 0, 0);
        uint32_t li = ipt_new_node(t, k, prefix, value, 1);
        t->nodes[gi].child[ipt_key_bit(k, common)] = li;
        t->nodes[gi].child[ipt_key_bit(t->nodes[i].key, common)] = i;
        *slot = gi;
        t->count++;
        return;
    }
}

/* Recomputes the shortcut for the /16 `idx`: walks from the root over the
 * nodes shorter than /16, which only test the first 16 bits. */
static void ipt_v4_slot_fill(rp_iptree_t *t, uint32_t idx)
{
    uint64_t k[2] = { (uint64_t)idx << 48, 0 };
    uint32_t acc = 0, i = t->root[IPT_V4];
    while (i != 0) {
        const ipt_node_t *n = &t->nodes[i];
        if (n->bits >= IPT_V4_TABLE_BITS)
            break; /* the lookup checks it and goes on */
        if (ipt_key_common(k, n->key) < n->bits) {
            i = 0;
            break;
        }
        acc |= n->value;
        i = n->child[ipt_key_bit(k, n->bits)];
    }
    t->v4_table[idx].value = acc;
    t->v4_table[idx].node = i;
}

/* An add changes the walk only for the /16s inside the added prefix (glue
 * nodes carry no value and leave the other paths' outcome unchanged). */
static void ipt_v4_table_update(rp_iptree_t *t, uint64_t k0, unsigned prefix)
{
    uint32_t first = (uint32_t)(k0 >> (64 - IPT_V4_TABLE_BITS));
    uint32_t n = prefix >= IPT_V4_TABLE_BITS ? 1u : 1u << (IPT_V4_TABLE_BITS - prefix);
    for (uint32_t i = 0; i < n; i++)
        ipt_v4_slot_fill(t, first + i);
}

/* Builds the shortcut table; without memory the tree simply goes on
 * without it (the table is an optimisation, not an error). */
static void ipt_v4_table_build(rp_iptree_t *t)
{
    t->v4_table = malloc(((size_t)1 << IPT_V4_TABLE_BITS) * sizeof(*t->v4_table));
    if (!t->v4_table)
        return;
    for (uint32_t i = 0; i < (1u << IPT_V4_TABLE_BITS); i++)
        ipt_v4_slot_fill(t, i);
}

/* ---------------------------------------------------------------------- */
/* Lookup.                                                                  */

static uint32_t ipt_lookup_key(const rp_iptree_t *t, int fam, const uint64_t k[2])
{
    const ipt_node_t *nodes = t->nodes;
    uint32_t acc = 0;
    uint32_t i = t->root[fam];
    if (fam == IPT_V4 && t->v4_table) {
        const ipt_v4_slot_t *s = &t->v4_table[k[0] >> (64 - IPT_V4_TABLE_BITS)];
        acc = s->value;
        i = s->node;
    }
    while (i != 0) {
        const ipt_node_t *n = &nodes[i];
        if (ipt_key_common(k, n->key) < n->bits)
            break;
        acc |= n->value;
        i = n->child[ipt_key_bit(k, n->bits)];
    }
    return acc;
}

uint32_t rp_iptree_lookup_raw(const rp_iptree_t *t, int family, const uint8_t *addr)
{
    if (!t || !addr)
        return 0;
    uint64_t k[2];
    if (family == AF_INET) {
        ipt_key_v4(k, addr);
        return ipt_lookup_key(t, IPT_V4, k);
    }
    if (family != AF_INET6)
        return 0;
    if (ipt_is_v4_mapped(addr)) {
        ipt_key_v4(k, addr + 12);
        return ipt_lookup_key(t, IPT_V4, k);
    }
    k[0] = ipt_load_be64(addr);
    k[1] = ipt_load_be64(addr + 8);
    return ipt_lookup_key(t, IPT_V6, k);
}

uint32_t rp_iptree_lookup(const rp_iptree_t *t, const struct sockaddr *sa)
{
    if (!sa)
        return 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
        return rp_iptree_lookup_raw(t, AF_INET, (const uint8_t *)&sin->sin_addr);
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;
        return rp_iptree_lookup_raw(t, AF_INET6, (const uint8_t *)&sin6->sin6_addr);
    }
    return 0;
}

size_t rp_iptree_count(const rp_iptree_t *t)
{
    return t ? t->count : 0;
}

size_t rp_iptree_memory(const rp_iptree_t *t)
{
    if (!t)
        return 0;
    return sizeof(*t) + t->cap * sizeof(*t->nodes) +
           (t->v4_table ? ((size_t)1 << IPT_V4_TABLE_BITS) * sizeof(*t->v4_table) : 0);
}

/* ---------------------------------------------------------------------- */
/* Parsing list entries.                                                    */

/* Dotted quad, exactly four decimal octets 0..255 without leading zeros.
 * (inet_pton would need a NUL-terminated copy and, in some libcs, accepts
 * leading zeros.) */
static int ipt_parse_v4(rp_str_t s, uint8_t out[4])
{
    size_t pos = 0;
    for (int octet = 0; octet < 4; octet++) {
        if (octet > 0) {
            if (pos >= s.n || s.p[pos] != '.')
                return -1;
            pos++;
        }
        size_t start = pos;
        unsigned v = 0;
        while (pos < s.n && s.p[pos] >= '0' && s.p[pos] <= '9' && pos - start < 3) {
            v = v * 10 + (unsigned)(s.p[pos] - '0');
            pos++;
        }
        size_t ndig = pos - start;
        if (ndig == 0 || v > 255 || (ndig > 1 && s.p[start] == '0'))
            return -1;
        out[octet] = (uint8_t)v;
    }
    return pos == s.n ? 0 : -1;
}

static int ipt_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)rp_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* RFC 4291 section 2.2 text forms: eight groups of 1-4 hex digits, one
 * "::" standing for one or more zero groups, and an optional dotted quad in
 * place of the last two groups. */
static int ipt_parse_v6(rp_str_t s, uint8_t out[16])
{
    uint16_t groups[8];
    int ngroups = 0, gap = -1; /* gap: index where "::" was seen */
    size_t pos = 0;
    if (s.n >= 2 && s.p[0] == ':' && s.p[1] == ':') {
        gap = 0;
        pos = 2;
        if (pos == s.n)
            goto done;
    } else if (s.n >= 1 && s.p[0] == ':') {
        return -1;
    }
    for (;;) {
        /* One group, or the final dotted quad. */
        size_t start = pos;
        unsigned v = 0;
        while (pos < s.n && ipt_hexval(s.p[pos]) >= 0 && pos - start < 5) {
            v = (v << 4) | (unsigned)ipt_hexval(s.p[pos]);
            pos++;
        }
        if (pos < s.n && s.p[pos] == '.') {
            if (ngroups > 6)
                return -1;
            uint8_t q[4];
            if (ipt_parse_v4(rp_str(s.p + start, s.n - start), q) != 0)
                return -1;
            groups[ngroups++] = (uint16_t)((q[0] << 8) | q[1]);
            groups[ngroups++] = (uint16_t)((q[2] << 8) | q[3]);
            break; /* the quad ran to the end */
        }
        if (pos == start || pos - start > 4 || ngroups == 8)
            return -1;
        groups[ngroups++] = (uint16_t)v;
        if (pos == s.n)
            break;
        if (s.p[pos] != ':')
            return -1;
        pos++;
        if (pos < s.n && s.p[pos] == ':') {
            if (gap >= 0)
                return -1; /* a second "::" */
            gap = ngroups;
            pos++;
            if (pos == s.n)
                break;
        } else if (pos == s.n) {
            return -1; /* trailing single ':' */
        }
    }
done:
    if (gap < 0 && ngroups != 8)
        return -1;
    if (gap >= 0 && ngroups > 7)
        return -1; /* "::" must stand for at least one group */
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : ngroups - gap; /* groups after "::" */
    int head = ngroups - tail;
    for (int i = 0; i < head; i++) {
        out[2 * i] = (uint8_t)(groups[i] >> 8);
        out[2 * i + 1] = (uint8_t)groups[i];
    }
    for (int i = 0; i < tail; i++) {
        int dst = 8 - tail + i;
        out[2 * dst] = (uint8_t)(groups[head + i] >> 8);
        out[2 * dst + 1] = (uint8_t)groups[head + i];
    }
    return 0;
}

int rp_iptree_parse_entry(rp_str_t s, int *family, uint8_t addr[16], unsigned *prefix,
                          const char **why)
{
    const char *unused;
    if (!why)
        why = &unused;
    s = rp_str_trim(s);
    if (s.n == 0) {
        *why = "empty entry";
        return -1;
    }
    const char *slash = memchr(s.p, '/', s.n);
    rp_str_t a = slash ? rp_str(s.p, (size_t)(slash - s.p)) : s;
    if (a.n == 0) {
        *why = "missing address before '/'";
        return -1;
    }
    uint8_t tmp[16] = { 0 };
    int fam;
    unsigned max;
    if (memchr(a.p, ':', a.n)) {
        if (memchr(a.p, '%', a.n)) {
            *why = "IPv6 zone ids (%...) are not allowed";
            return -1;
        }
        if (ipt_parse_v6(a, tmp) != 0) {
            *why = "not an IPv6 address";
            return -1;
        }
        fam = AF_INET6;
        max = 128;
    } else {
        if (ipt_parse_v4(a, tmp) != 0) {
            *why = "not an IPv4 address (a.b.c.d, octets 0-255 without leading zeros)";
            return -1;
        }
        fam = AF_INET;
        max = 32;
    }
    unsigned len = max;
    if (slash) {
        rp_str_t p = rp_str(slash + 1, s.n - a.n - 1);
        uint64_t v;
        if (p.n == 0) {
            *why = "missing prefix length after '/'";
            return -1;
        }
        if (p.n > 3 || rp_str_to_u64(p, UINT64_MAX, &v) != 0) {
            *why = "prefix length is not a number";
            return -1;
        }
        if (v > max) {
            *why = max == 32 ? "IPv4 prefix length must be 0-32" : "IPv6 prefix length must be 0-128";
            return -1;
        }
        len = (unsigned)v;
    }
    if (family)
        *family = fam;
    if (addr)
        memcpy(addr, tmp, 16);
    if (prefix)
        *prefix = len;
    return 0;
}
