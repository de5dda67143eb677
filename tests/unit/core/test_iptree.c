/* Unit tests for src/core/iptree.c: the prefix tree against a brute-force
 * reference, IPv4-mapped addresses, entry parsing, a 100,000-entry list. */
#include "rampart/iptree.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------- */
/* Brute-force reference: a flat list, every entry tested on every lookup. */

typedef struct ref_entry {
    int family; /* AF_INET or AF_INET6, after mapping normalisation */
    uint8_t addr[16];
    unsigned prefix;
    uint32_t value;
} ref_entry_t;

static int prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, b, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t m = (uint8_t)(0xff << (8 - rest));
    return (a[full] & m) == (b[full] & m);
}

static const uint8_t mapped_pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Applies the documented rule: mapped IPv6 prefixes of length >= 96 are
 * the IPv4 prefixes they denote. */
static void ref_normalise(int *family, const uint8_t **addr, unsigned *prefix)
{
    if (*family == AF_INET6 && *prefix >= 96 && memcmp(*addr, mapped_pfx, 12) == 0) {
        *family = AF_INET;
        *addr += 12;
        *prefix -= 96;
    }
}

static uint32_t ref_lookup(const ref_entry_t *e, size_t n, int family, const uint8_t *addr)
{
    if (family == AF_INET6 && memcmp(addr, mapped_pfx, 12) == 0) {
        family = AF_INET;
        addr += 12;
    }
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i].family == family && prefix_match(e[i].addr, addr, e[i].prefix))
            acc |= e[i].value;
    return acc;
}

static size_t ref_count(const ref_entry_t *e, size_t n)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = e[j].family == e[i].family && e[j].prefix == e[i].prefix &&
                   prefix_match(e[j].addr, e[i].addr, e[i].prefix);
        distinct += !seen;
    }
    return distinct;
}

static void random_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
}

/* A random prefix length biased to the interesting ends. */
static unsigned random_prefix(unsigned max)
{
    switch (rng() % 8) {
    case 0:
        return 0 + (unsigned)(rng() % 2);
    case 1:
        return max;
    case 2:
        return max - (unsigned)(rng() % 3);
    default:
        return (unsigned)(rng() % (max + 1));
    }
}

/* Random entries clustered under a few roots so that they overlap and
 * nest, with host bits left set. The bigger rounds pass the size at which
 * IPv4 lookups start from the /16 shortcut table, and keep adding (short
 * prefixes too) after it was built. */
TEST(random_against_reference)
{
    enum { NMAX = 6000 }; /* ~4000 IPv4 entries: > 2048 nodes */
    static ref_entry_t ref[NMAX];
    static const int sizes[] = { 50, 600, 600, NMAX, NMAX };
    for (size_t round = 0; round < RP_ARRAY_SIZE(sizes); round++) {
        const int N = sizes[round], Q = N == NMAX ? 6000 : 20000;
        rp_iptree_t *t = rp_iptree_new();
        CHECK(t != NULL);
        if (!t)
            return;
        /* Few roots for small lists (dense overlaps); more for big ones,
         * with mostly long prefixes, so that the OR of the containing
         * entries' values does not saturate to all ones. */
        enum { MAXROOTS = 64 };
        uint8_t roots[MAXROOTS][16];
        const int nroots = N == NMAX ? MAXROOTS : 4;
        for (int r = 0; r < nroots; r++)
            random_bytes(roots[r], 16);
        memcpy(roots[3], mapped_pfx, 12); /* some IPv6 entries in the mapped range */
        size_t n = 0;
        for (int i = 0; i < N; i++) {
            int fam = (rng() % 3 == 0) ? AF_INET6 : AF_INET;
            uint8_t a[16];
            memcpy(a, roots[rng() % (uint64_t)nroots], 16);
            /* keep a random-length stem of the root, randomise the rest */
            unsigned keep = (unsigned)(rng() % (fam == AF_INET ? 33 : 129));
            for (unsigned b = keep; b < 128; b++)
                if (rng() & 1)
                    a[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
            unsigned max = fam == AF_INET ? 32 : 128;
            unsigned p = random_prefix(max);
            if (N == NMAX && rng() % 10 != 0)
                p = max / 2 + (unsigned)(rng() % (max / 2 + 1));
            uint32_t v = (uint32_t)1 << (rng() % 32);
            CHECK_EQ_INT(rp_iptree_add(t, fam, a, p, v), 0);
            const uint8_t *na = a;
            ref_normalise(&fam, &na, &p);
            ref[n].family = fam;
            memset(ref[n].addr, 0, 16);
            memcpy(ref[n].addr, na, fam == AF_INET ? 4 : 16);
            ref[n].prefix = p;
            ref[n].value = v;
            n++;
        }
        CHECK_EQ_INT(rp_iptree_count(t), ref_count(ref, n));
        int bad = 0;
        for (int q = 0; q < Q; q++) {
            uint8_t a[16];
            int fam;
            const ref_entry_t *e = &ref[rng() % n];
            switch (rng() % 4) {
            case 0: /* fully random */
                fam = (rng() & 1) ? AF_INET6 : AF_INET;
                random_bytes(a, 16);
                break;
            case 1: /* an IPv4 entry seen through a mapped address */
                fam = AF_INET6;
                memcpy(a, mapped_pfx, 12);
                memcpy(a + 12, e->family == AF_INET ? e->addr : e->addr + 12, 4);
                a[15] ^= (uint8_t)(rng() % 4);
                break;
            default: /* near an entry: flip one random bit */
                fam = e->family;
                memcpy(a, e->addr, 16);
                {
                    unsigned b = (unsigned)(rng() % (fam == AF_INET ? 32 : 128));
                    a[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
                }
                break;
            }
            uint32_t want = ref_lookup(ref, n, fam, a);
            uint32_t got = rp_iptree_lookup_raw(t, fam, a);
            if (want != got && bad++ < 5)
                CHECK_EQ_INT(got, want);
        }
        CHECK_EQ_INT(bad, 0);
        rp_iptree_free(t);
    }
}

TEST(basics_and_edges)
{
    rp_iptree_t *t = rp_iptree_new();
    CHECK(t != NULL);
    if (!t)
        return;
    uint8_t a[16] = { 0 };
    CHECK_EQ_INT(rp_iptree_count(t), 0);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET, a), 0);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, a), 0);

    /* Invalid arguments. */
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, a, 33, 1), RP_EINVAL);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET6, a, 129, 1), RP_EINVAL);
    CHECK_EQ_INT(rp_iptree_add(t, AF_UNIX, a, 8, 1), RP_EINVAL);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, NULL, 8, 1), RP_EINVAL);
    CHECK_EQ_INT(rp_iptree_add(NULL, AF_INET, a, 8, 1), RP_EINVAL);
    CHECK_EQ_INT(rp_iptree_count(t), 0);

    /* /0 of each family, and the same prefix twice ORs. */
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, a, 0, 1), 0);
    uint8_t ten[4] = { 10, 9, 8, 7 }; /* host bits set */
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, ten, 8, 2), 0);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, (const uint8_t[]){ 10, 0, 0, 0 }, 8, 4), 0);
    CHECK_EQ_INT(rp_iptree_count(t), 2);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET, (const uint8_t[]){ 10, 200, 1, 1 }), 7);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET, (const uint8_t[]){ 11, 0, 0, 1 }), 1);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, a), 0); /* v4 /0 is not v6 */
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET6, a, 0, 8), 0);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, (const uint8_t[16]){ 0x20, 1 }), 8);

    /* Full-length /32 and /128, and a value of 0 still counts. */
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, (const uint8_t[]){ 10, 1, 2, 3 }, 32, 16), 0);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET, (const uint8_t[]){ 10, 1, 2, 3 }), 23);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET, (const uint8_t[]){ 10, 1, 2, 2 }), 7);
    uint8_t one[16] = { 0 };
    one[15] = 1;
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET6, one, 128, 32), 0);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, one), 40);
    one[15] = 2;
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, one), 8);
    size_t before = rp_iptree_count(t);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, (const uint8_t[]){ 192, 168, 0, 0 }, 16, 0), 0);
    CHECK_EQ_INT(rp_iptree_count(t), before + 1);
    CHECK(rp_iptree_memory(t) > 0);

    /* lookup() on sockaddrs, and unknown families. */
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr);
    CHECK_EQ_INT(rp_iptree_lookup(t, (struct sockaddr *)&sin), 23);
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:10.1.2.3", &sin6.sin6_addr);
    CHECK_EQ_INT(rp_iptree_lookup(t, (struct sockaddr *)&sin6), 23);
    inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
    CHECK_EQ_INT(rp_iptree_lookup(t, (struct sockaddr *)&sin6), 8);
    sin6.sin6_family = AF_UNIX;
    CHECK_EQ_INT(rp_iptree_lookup(t, (struct sockaddr *)&sin6), 0);
    CHECK_EQ_INT(rp_iptree_lookup(t, NULL), 0);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_UNIX, a), 0);
    rp_iptree_free(t);
    rp_iptree_free(NULL);
}

TEST(mapped_addresses)
{
    rp_iptree_t *t = rp_iptree_new();
    CHECK(t != NULL);
    if (!t)
        return;
    uint8_t m[16];
    /* An IPv6-written mapped prefix is the IPv4 prefix it denotes. */
    inet_pton(AF_INET6, "::ffff:192.0.2.0", m);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET6, m, 120, 1), 0);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET, (const uint8_t[]){ 192, 0, 2, 0 }, 24, 2), 0);
    CHECK_EQ_INT(rp_iptree_count(t), 1);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET, (const uint8_t[]){ 192, 0, 2, 77 }), 3);
    inet_pton(AF_INET6, "::ffff:192.0.2.77", m);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, m), 3);
    /* ::ffff:0:0/96 is IPv4 0.0.0.0/0. */
    inet_pton(AF_INET6, "::ffff:0:0", m);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET6, m, 96, 4), 0);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET, (const uint8_t[]){ 8, 8, 8, 8 }), 4);
    /* An IPv6 /0 does not cover mapped addresses (they are IPv4). */
    uint8_t z[16] = { 0 };
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET6, z, 0, 8), 0);
    inet_pton(AF_INET6, "::ffff:8.8.8.8", m);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, m), 4);
    /* A mapped prefix shorter than /96 stays IPv6. */
    inet_pton(AF_INET6, "::ffff:0:0", m);
    CHECK_EQ_INT(rp_iptree_add(t, AF_INET6, m, 95, 16), 0);
    inet_pton(AF_INET6, "::fffe:1:2", m);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, m), 24);
    /* IPv4-compatible (::a.b.c.d, deprecated) is not mapped: only ::/0. */
    inet_pton(AF_INET6, "::192.0.2.77", m);
    CHECK_EQ_INT(rp_iptree_lookup_raw(t, AF_INET6, m), 8);
    rp_iptree_free(t);
}

/* ---------------------------------------------------------------------- */
/* Parsing.                                                                 */

static int parse(const char *s, int *fam, uint8_t a[16], unsigned *p)
{
    const char *why = NULL;
    int rc = rp_iptree_parse_entry(rp_str_c(s), fam, a, p, &why);
    if (rc != 0 && !why)
        return -2; /* a failure must say why */
    return rc;
}

/* Parses s, prints the result back with inet_ntop and compares. */
static int parse_roundtrip(const char *s, const char *want_addr, unsigned want_prefix)
{
    int fam = 0;
    uint8_t a[16];
    unsigned p = 999;
    if (parse(s, &fam, a, &p) != 0)
        return 0;
    char buf[INET6_ADDRSTRLEN];
    if (!inet_ntop(fam, a, buf, sizeof(buf)))
        return 0;
    if (strcmp(buf, want_addr) != 0 || p != want_prefix) {
        fprintf(stderr, "  parse \"%s\": got %s/%u, want %s/%u\n", s, buf, p, want_addr,
                want_prefix);
        return 0;
    }
    return 1;
}

TEST(parse_entries)
{
    CHECK(parse_roundtrip("10.0.0.0/8", "10.0.0.0", 8));
    CHECK(parse_roundtrip("192.168.1.7", "192.168.1.7", 32));
    CHECK(parse_roundtrip("  \t0.0.0.0/0 ", "0.0.0.0", 0));
    CHECK(parse_roundtrip("255.255.255.255/32", "255.255.255.255", 32));
    CHECK(parse_roundtrip("10.1.2.3/8", "10.1.2.3", 8)); /* host bits kept */
    CHECK(parse_roundtrip("::1", "::1", 128));
    CHECK(parse_roundtrip("::", "::", 128));
    CHECK(parse_roundtrip("::/0", "::", 0));
    CHECK(parse_roundtrip("fd00::/8", "fd00::", 8));
    CHECK(parse_roundtrip("2001:db8::1/128", "2001:db8::1", 128));
    CHECK(parse_roundtrip("2001:DB8:0:0:0:0:0:1", "2001:db8::1", 128));
    CHECK(parse_roundtrip("1:2:3:4:5:6:7:8/64", "1:2:3:4:5:6:7:8", 64));
    CHECK(parse_roundtrip("1::", "1::", 128));
    CHECK(parse_roundtrip("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", 128));
    CHECK(parse_roundtrip("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", 128));
    CHECK(parse_roundtrip("::ffff:10.0.0.1", "::ffff:10.0.0.1", 128));
    CHECK(parse_roundtrip("64:ff9b::192.0.2.33/96", "64:ff9b::c000:221", 96));
    CHECK(parse_roundtrip("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", 128));
    CHECK(parse_roundtrip("fe80::1/010", "fe80::1", 10));

    /* The result is usable as is. */
    int fam;
    uint8_t a[16];
    unsigned p;
    CHECK_EQ_INT(parse("10.0.0.0/8", &fam, a, &p), 0);
    CHECK_EQ_INT(fam, AF_INET);
    CHECK_EQ_INT(parse("fd00::/8", &fam, a, &p), 0);
    CHECK_EQ_INT(fam, AF_INET6);

    static const char *const bad[] = {
        "", "   ", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8",
        "10.0.0.0/8/8", "10.0.0.0/ 8", "10.0.0.0 /8", "10.0.0", "10.0.0.0.0", "10.0.0.256",
        "010.0.0.1", "10.00.0.1", "1.2.3.4.", ".1.2.3.4", "1..2.3", "a.b.c.d", "1.2.3.4x",
        "10.0.0.0/8x", "10.0.0.0/1000", "::/129", ":::", "1:::2", "1::2::3", ":1::2", "1::2:",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
        "12345::", "g::1", "fe80::1%eth0", "::ffff:1.2.3", "::ffff:1.2.3.4:5",
        "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "10.0.0.1 10.0.0.2", "::1/64/",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(bad); i++) {
        int rc = parse(bad[i], &fam, a, &p);
        if (rc != -1)
            fprintf(stderr, "  \"%s\" parsed (rc %d)\n", bad[i], rc);
        CHECK_EQ_INT(rc, -1);
    }
    /* Embedded NUL: not a C string. */
    CHECK_EQ_INT(rp_iptree_parse_entry(rp_str("1.2.3.4\0", 8), &fam, a, &p, NULL), -1);
    const char *why = NULL;
    CHECK_EQ_INT(rp_iptree_parse_entry(RP_STRLIT("10.0.0.0/40"), &fam, a, &p, &why), -1);
    CHECK(why && strstr(why, "0-32"));
}

/* Every inet_pton-valid IPv6 text form that the random generator produces
 * is parsed the same way by our parser. */
TEST(parse_v6_matches_inet)
{
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        uint8_t a[16], b[16];
        random_bytes(a, 16);
        /* zero runs make "::" appear in different places */
        int z0 = (int)(rng() % 8), zl = (int)(rng() % 9);
        for (int g = z0; g < z0 + zl && g < 8; g++)
            a[2 * g] = a[2 * g + 1] = 0;
        if (rng() % 8 == 0)
            memcpy(a, mapped_pfx, 12);
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a, buf, sizeof(buf));
        int fam;
        unsigned p;
        if (rp_iptree_parse_entry(rp_str_c(buf), &fam, b, &p, NULL) != 0 || fam != AF_INET6 ||
            memcmp(a, b, 16) != 0 || p != 128) {
            if (bad++ < 5)
                fprintf(stderr, "  %s misparsed\n", buf);
        }
    }
    CHECK_EQ_INT(bad, 0);
}

/* ---------------------------------------------------------------------- */
/* Big lists.                                                               */

static void addr_v4(uint8_t a[4], uint32_t v)
{
    a[0] = (uint8_t)(v >> 24);
    a[1] = (uint8_t)(v >> 16);
    a[2] = (uint8_t)(v >> 8);
    a[3] = (uint8_t)v;
}

/* Millions of lookups per second over queries, half of them listed. */
static double measure_lookups(const rp_iptree_t *t, const uint8_t (*q)[4], size_t nq, uint32_t *sink)
{
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now_s();
        uint32_t acc = 0;
        for (size_t i = 0; i < nq; i++)
            acc += rp_iptree_lookup_raw(t, AF_INET, q[i]);
        double dt = now_s() - t0;
        *sink += acc;
        if (dt > 0 && (double)nq / dt > best)
            best = (double)nq / dt;
    }
    return best;
}

TEST(hundred_thousand_entries)
{
    enum { NV4 = 100000, NV6 = 10000, NQ = 200000 };
    uint32_t *v4 = malloc(NV4 * sizeof(*v4));
    uint8_t(*v6)[16] = malloc(NV6 * sizeof(*v6));
    uint8_t(*q)[4] = malloc(NQ * sizeof(*q));
    rp_iptree_t *big = rp_iptree_new(), *small = rp_iptree_new();
    CHECK(v4 && v6 && q && big && small);
    if (!v4 || !v6 || !q || !big || !small)
        goto out;
    for (int i = 0; i < NV4; i++) {
        uint8_t a[4];
        v4[i] = (uint32_t)rng() | 1u; /* odd: never equal to a miss below */
        addr_v4(a, v4[i]);
        CHECK_EQ_INT(rp_iptree_add(big, AF_INET, a, 32, 2), 0);
        if (i < 100)
            CHECK_EQ_INT(rp_iptree_add(small, AF_INET, a, 32, 2), 0);
    }
    for (int i = 0; i < NV6; i++) {
        random_bytes(v6[i], 16);
        v6[i][0] = 0x20; /* 2000::/8, never mapped */
        CHECK_EQ_INT(rp_iptree_add(big, AF_INET6, v6[i], 64, 1), 0);
    }
    size_t cnt = rp_iptree_count(big);
    CHECK(cnt <= NV4 + NV6 && cnt > NV4 + NV6 - 10); /* rare random duplicates */
    printf("  iptree: %zu IPv4 /32 + %d IPv6 /64 entries: %zu distinct, %.1f MiB (%.1f bytes/entry)\n",
           (size_t)NV4, NV6, cnt, (double)rp_iptree_memory(big) / (1 << 20),
           (double)rp_iptree_memory(big) / (double)cnt);

    /* Every entry is found; addresses next to them are not. */
    int bad = 0;
    for (int i = 0; i < NV4; i++) {
        uint8_t a[4];
        addr_v4(a, v4[i]);
        bad += rp_iptree_lookup_raw(big, AF_INET, a) != 2;
        addr_v4(a, v4[i] & ~1u);
        bad += rp_iptree_lookup_raw(big, AF_INET, a) != 0;
    }
    for (int i = 0; i < NV6; i++) {
        uint8_t a[16];
        memcpy(a, v6[i], 16);
        a[15] ^= 0xff; /* host part: still inside the /64 */
        bad += rp_iptree_lookup_raw(big, AF_INET6, a) != 1;
        a[7] ^= 1; /* outside (unless another random /64 is there: ~never) */
        bad += rp_iptree_lookup_raw(big, AF_INET6, a) != 0;
    }
    CHECK_EQ_INT(bad, 0);

    /* Lookup speed with 100 and with 100,000 entries: printed, not
     * asserted. Half the queries are listed addresses, half misses. */
    for (int i = 0; i < NQ; i++) {
        uint32_t v = (i & 1) ? v4[rng() % 100] : (uint32_t)rng() & ~1u;
        addr_v4(q[i], v);
    }
    uint32_t sink = 0;
    double small_rate = measure_lookups(small, (const uint8_t(*)[4])q, NQ, &sink);
    for (int i = 1; i < NQ; i += 2)
        addr_v4(q[i], v4[rng() % NV4]);
    double big_rate = measure_lookups(big, (const uint8_t(*)[4])q, NQ, &sink);
    printf("  iptree: IPv4 lookups/s: %.2fM with 100 entries, %.2fM with %zu (sink %u)\n",
           small_rate / 1e6, big_rate / 1e6, cnt, sink & 1);
out:
    rp_iptree_free(big);
    rp_iptree_free(small);
    free(v4);
    free(v6);
    free(q);
}

int main(void)
{
    RUN(random_against_reference);
    RUN(basics_and_edges);
    RUN(mapped_addresses);
    RUN(parse_entries);
    RUN(parse_v6_matches_inet);
    RUN(hundred_thousand_entries);
    TEST_MAIN_END();
}
