/* Unit tests for src/net/dns.c: the resolver against a tiny UDP DNS server
 * running in this process (A records from a table the test changes, AAAA
 * answered empty, unknown names NXDOMAIN, a switch that drops queries).
 * Timing: every wait polls until a deadline; only generous upper bounds. */
#include "rampart/dns.h"
#include "rampart/net.h"
#include "test.h"

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <unistd.h>

/* ---------------------------------------------------------------------- */
/* Fake DNS server.                                                         */

#define FAKE_NAMES 16
#define FAKE_ADDRS 8

typedef struct fake_entry {
    char name[64];
    uint32_t addr[FAKE_ADDRS]; /* network order */
    int naddr;
    uint32_t ttl;
    int used;
} fake_entry_t;

typedef struct fake_count {
    char name[64];
    unsigned n;
} fake_count_t;

typedef struct fake_dns {
    int fd;
    uint16_t port;
    pthread_t thread;
    pthread_mutex_t mu;
    atomic_int stop, drop;
    fake_entry_t tab[FAKE_NAMES];
    fake_count_t queries[FAKE_NAMES * 2]; /* A queries per name, answered or not */
} fake_dns_t;

static void fake_count_query(fake_dns_t *f, const char *name)
{
    for (size_t i = 0; i < RP_ARRAY_SIZE(f->queries); i++) {
        fake_count_t *c = &f->queries[i];
        if (c->name[0] == 0)
            snprintf(c->name, sizeof(c->name), "%s", name);
        if (strcmp(c->name, name) == 0) {
            c->n++;
            return;
        }
    }
}

static unsigned fake_queries(fake_dns_t *f, const char *name)
{
    unsigned n = 0;
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < RP_ARRAY_SIZE(f->queries); i++)
        if (strcmp(f->queries[i].name, name) == 0)
            n = f->queries[i].n;
    pthread_mutex_unlock(&f->mu);
    return n;
}

/* Answers one query in q (n bytes) into out; returns the reply length or 0
 * to ignore it. */
static size_t fake_answer(fake_dns_t *f, const unsigned char *q, size_t n, unsigned char *out,
                          size_t cap)
{
    if (n < 12 || (q[2] & 0x80) || q[4] != 0 || q[5] != 1)
        return 0;
    char name[256];
    size_t nl = 0, off = 12;
    while (off < n && q[off] != 0) {
        size_t l = q[off++];
        if (l > 63 || off + l > n || nl + l + 2 > sizeof(name))
            return 0;
        if (nl)
            name[nl++] = '.';
        for (size_t i = 0; i < l; i++)
            name[nl++] = (char)rp_lower(q[off + i]);
        off += l;
    }
    name[nl] = 0;
    if (off + 5 > n)
        return 0;
    off++; /* root label */
    unsigned qtype = (unsigned)q[off] << 8 | q[off + 1];
    off += 4;
    if (off + 12 + FAKE_ADDRS * 16 > cap)
        return 0;

    pthread_mutex_lock(&f->mu);
    if (qtype == 1)
        fake_count_query(f, name);
    const fake_entry_t *e = NULL;
    for (size_t i = 0; i < FAKE_NAMES; i++)
        if (f->tab[i].used && strcmp(f->tab[i].name, name) == 0)
            e = &f->tab[i];
    memcpy(out, q, off); /* id, then the question as asked */
    out[2] = (unsigned char)(0x80 | (q[2] & 0x01)); /* QR, RD as asked */
    out[3] = (unsigned char)(0x80 | (e ? 0 : 3));   /* RA, NOERROR or NXDOMAIN */
    memset(out + 6, 0, 6);
    size_t len = off;
    if (e && qtype == 1) {
        out[7] = (unsigned char)e->naddr;
        for (int i = 0; i < e->naddr; i++) {
            static const unsigned char hdr[] = { 0xc0, 0x0c, 0, 1, 0, 1 };
            memcpy(out + len, hdr, sizeof(hdr));
            len += sizeof(hdr);
            uint32_t ttl = htonl(e->ttl);
            memcpy(out + len, &ttl, 4);
            len += 4;
            out[len++] = 0;
            out[len++] = 4;
            memcpy(out + len, &e->addr[i], 4);
            len += 4;
        }
    }
    pthread_mutex_unlock(&f->mu);
    return len;
}

static void *fake_main(void *arg)
{
    fake_dns_t *f = arg;
    unsigned char q[512], out[1024];
    while (!atomic_load(&f->stop)) {
        struct pollfd p = { .fd = f->fd, .events = POLLIN, .revents = 0 };
        if (poll(&p, 1, 20) <= 0)
            continue;
        struct sockaddr_storage from;
        socklen_t fl = sizeof(from);
        ssize_t n = recvfrom(f->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
        if (n <= 0)
            continue;
        if (atomic_load(&f->drop)) {
            if (n > 12) {
                pthread_mutex_lock(&f->mu);
                fake_count_query(f, "(dropped)");
                pthread_mutex_unlock(&f->mu);
            }
            continue;
        }
        size_t len = fake_answer(f, q, (size_t)n, out, sizeof(out));
        if (len)
            sendto(f->fd, out, len, 0, (struct sockaddr *)&from, fl);
    }
    return NULL;
}

static void fake_start(fake_dns_t *f)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->mu, NULL);
    f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof(a);
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(f->fd, (struct sockaddr *)&a, &al) < 0) {
        perror("fake dns");
        exit(2);
    }
    f->port = ntohs(a.sin_port);
    pthread_create(&f->thread, NULL, fake_main, f);
}

static void fake_stop(fake_dns_t *f)
{
    atomic_store(&f->stop, 1);
    pthread_join(f->thread, NULL);
    close(f->fd);
    pthread_mutex_destroy(&f->mu);
}

/* Sets name's A records to the comma-separated IPv4 list (up to 8). */
static void fake_set(fake_dns_t *f, const char *name, uint32_t ttl, const char *list)
{
    pthread_mutex_lock(&f->mu);
    fake_entry_t *e = NULL;
    for (size_t i = 0; i < FAKE_NAMES && !e; i++)
        if (f->tab[i].used && strcasecmp(f->tab[i].name, name) == 0)
            e = &f->tab[i];
    for (size_t i = 0; i < FAKE_NAMES && !e; i++)
        if (!f->tab[i].used)
            e = &f->tab[i];
    if (!e) {
        fprintf(stderr, "fake dns: table full\n");
        exit(2);
    }
    memset(e, 0, sizeof(*e));
    e->used = 1;
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->ttl = ttl;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t && e->naddr < FAKE_ADDRS; t = strtok_r(NULL, ",", &save))
        inet_pton(AF_INET, t, &e->addr[e->naddr++]);
    pthread_mutex_unlock(&f->mu);
}

static void fake_remove(fake_dns_t *f, const char *name)
{
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < FAKE_NAMES; i++)
        if (f->tab[i].used && strcasecmp(f->tab[i].name, name) == 0)
            f->tab[i].used = 0;
    pthread_mutex_unlock(&f->mu);
}

/* ---------------------------------------------------------------------- */
/* Helpers.                                                                 */

static fake_dns_t srv1, srv2;

/* Polls cond every 5 ms until it holds or ms pass; CHECK it afterwards. */
#define WAIT_FOR(cond, ms)                                                 \
    do {                                                                   \
        uint64_t wf_dl_ = rp_now_ms() + (ms);                              \
        while (!(cond) && rp_now_ms() < wf_dl_)                            \
            usleep(5000);                                                  \
    } while (0)

static struct sockaddr_storage sa4(const char *ip, uint16_t port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    inet_pton(AF_INET, ip, &a->sin_addr);
    return ss;
}

static struct sockaddr_storage sa6(const char *ip, uint16_t port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, ip, &a->sin6_addr);
    return ss;
}

static struct sockaddr_storage server_addr(const fake_dns_t *f) { return sa4("127.0.0.1", f->port); }

static rp_resolver_opts_t base_opts(const struct sockaddr_storage *server)
{
    rp_resolver_opts_t o;
    memset(&o, 0, sizeof(o));
    o.servers = server;
    o.nservers = 1;
    o.min_ttl_ms = 200;
    o.max_ttl_ms = 400;
    o.timeout_ms = 150;
    o.retry_ms = 100;
    o.family = AF_INET;
    return o;
}

static int has_addr(rp_dns_name_t *n, const char *ip, uint16_t port)
{
    rp_addrset_t *s = rp_dns_name_addrs(n);
    struct sockaddr_storage a = sa4(ip, port);
    int r = rp_addrset_contains(s, (struct sockaddr *)&a);
    rp_addrset_unref(s);
    return r;
}

static size_t addr_count(rp_dns_name_t *n)
{
    rp_addrset_t *s = rp_dns_name_addrs(n);
    size_t k = s->n;
    rp_addrset_unref(s);
    return k;
}

static int error_has(rp_dns_name_t *n, const char *needle)
{
    char e[128];
    rp_dns_name_last_error(n, e, sizeof(e));
    return needle[0] ? strstr(e, needle) != NULL : e[0] == 0;
}

static uint64_t failures(rp_resolver_t *r)
{
    rp_resolver_stats_t st;
    rp_resolver_get_stats(r, &st);
    return st.failures;
}

/* ---------------------------------------------------------------------- */
/* Tests.                                                                   */

TEST(addrset_contains)
{
    rp_addrset_t *s = calloc(1, sizeof(*s) + 3 * sizeof(s->addr[0]));
    atomic_init(&s->refs, 1);
    s->n = 3;
    s->addr[0] = sa4("10.0.0.1", 80);
    s->addr[1] = sa4("10.0.0.2", 80);
    s->addr[2] = sa6("2001:db8::1", 80);
    struct sockaddr_storage a;
    a = sa4("10.0.0.2", 80);
    CHECK(rp_addrset_contains(s, (struct sockaddr *)&a));
    a = sa4("10.0.0.2", 81);
    CHECK(!rp_addrset_contains(s, (struct sockaddr *)&a));
    a = sa4("10.0.0.3", 80);
    CHECK(!rp_addrset_contains(s, (struct sockaddr *)&a));
    a = sa6("2001:db8::1", 80);
    CHECK(rp_addrset_contains(s, (struct sockaddr *)&a));
    a = sa6("2001:db8::2", 80);
    CHECK(!rp_addrset_contains(s, (struct sockaddr *)&a));
    a = sa6("::ffff:10.0.0.1", 80); /* v4-mapped is another family */
    CHECK(!rp_addrset_contains(s, (struct sockaddr *)&a));
    rp_addrset_ref(s);
    rp_addrset_unref(s);
    CHECK_EQ_INT(atomic_load(&s->refs), 1);
    rp_addrset_unref(s); /* freed: ASan reports a leak otherwise */
    rp_addrset_unref(NULL);
}

TEST(bad_options)
{
    char err[128] = "";
    struct sockaddr_storage sv = server_addr(&srv1);
    rp_resolver_opts_t o = base_opts(&sv);
    o.min_ttl_ms = 500;
    o.max_ttl_ms = 100;
    CHECK(rp_resolver_start(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "min_ttl") != NULL);
    o = base_opts(&sv);
    o.family = 12345;
    err[0] = 0;
    CHECK(rp_resolver_start(&o, err, sizeof(err)) == NULL);
    CHECK(err[0] != 0);
    struct sockaddr_storage bad;
    memset(&bad, 0, sizeof(bad));
    o = base_opts(&bad);
    err[0] = 0;
    CHECK(rp_resolver_start(&o, err, sizeof(err)) == NULL);
    CHECK(err[0] != 0);
}

/* First answer: every A record, sorted, de-duplicated, port set, gen 1, a
 * log line; the same host+port shares one entry; release. Then the max TTL
 * clamp: a 3600 s record is looked up again within max_ttl, an unchanged
 * answer keeps the same set and gen, a changed one publishes gen 2. */
TEST(first_lookup_entries_max_clamp)
{
    char err[128];
    struct sockaddr_storage sv = server_addr(&srv1);
    rp_resolver_opts_t o = base_opts(&sv);
    FILE *logf = tmpfile();
    rp_log_set_fd(fileno(logf));
    fake_set(&srv1, "api.rp.test", 3600, "10.0.0.2,10.0.0.1,10.0.0.2");
    rp_resolver_t *r = rp_resolver_start(&o, err, sizeof(err));
    CHECK(r != NULL);
    if (!r)
        return;
    rp_dns_name_t *a = rp_resolver_watch(r, "api.rp.test", 8080);
    rp_dns_name_t *b = rp_resolver_watch(r, "API.rp.test", 8080);
    rp_dns_name_t *c = rp_resolver_watch(r, "api.rp.test", 9090);
    CHECK(a != NULL && a == b);
    CHECK(c != NULL && c != a);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 3000), 0);
    CHECK_EQ_INT(rp_dns_name_gen(a), 1);
    CHECK_EQ_INT(rp_dns_name_gen(c), 1);
    rp_addrset_t *s = rp_dns_name_addrs(a);
    CHECK_EQ_INT(s->gen, 1);
    CHECK_EQ_INT(s->n, 2);
    if (s->n == 2) {
        struct sockaddr_storage x = sa4("10.0.0.1", 8080), y = sa4("10.0.0.2", 8080);
        CHECK(memcmp(&s->addr[0], &x, sizeof(x)) == 0);
        CHECK(memcmp(&s->addr[1], &y, sizeof(y)) == 0);
    }
    CHECK(has_addr(c, "10.0.0.1", 9090));
    CHECK(!has_addr(c, "10.0.0.1", 8080));
    CHECK(error_has(a, ""));
    rp_resolver_stats_t st;
    rp_resolver_get_stats(r, &st);
    CHECK_EQ_INT(st.names, 2);
    CHECK_EQ_INT(st.changes, 2);
    CHECK_EQ_INT(st.failures, 0);
    CHECK(st.lookups >= 2);

    /* Max clamp: 3600 s becomes 400 ms; same answer keeps set and gen. */
    unsigned q0 = fake_queries(&srv1, "api.rp.test");
    WAIT_FOR(fake_queries(&srv1, "api.rp.test") >= q0 + 3, 3000);
    CHECK(fake_queries(&srv1, "api.rp.test") >= q0 + 3);
    CHECK_EQ_INT(rp_dns_name_gen(a), 1);
    rp_addrset_t *s2 = rp_dns_name_addrs(a);
    CHECK(s2 == s);
    rp_addrset_unref(s2);

    fake_set(&srv1, "api.rp.test", 3600, "10.0.0.3");
    WAIT_FOR(rp_dns_name_gen(a) == 2, 3000);
    CHECK_EQ_INT(rp_dns_name_gen(a), 2);
    CHECK(has_addr(a, "10.0.0.3", 8080));
    CHECK_EQ_INT(addr_count(a), 1);
    CHECK_EQ_INT(s->n, 2); /* the old set is intact while referenced */
    rp_addrset_unref(s);

    rp_dns_name_release(r, b);
    rp_resolver_get_stats(r, &st);
    CHECK_EQ_INT(st.names, 2);
    CHECK_EQ_INT(rp_dns_name_gen(a), 2); /* still held once */
    rp_dns_name_release(r, a);
    rp_resolver_get_stats(r, &st);
    CHECK_EQ_INT(st.names, 1);
    rp_dns_name_t *d = rp_resolver_watch(r, "api.rp.test", 8080);
    CHECK(d != NULL);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 3000), 0);
    CHECK_EQ_INT(rp_dns_name_gen(d), 1); /* a new entry starts again at 1 */
    rp_dns_name_release(r, d);
    rp_dns_name_release(r, c);
    rp_resolver_get_stats(r, &st);
    CHECK_EQ_INT(st.names, 0);
    rp_resolver_stop(r);

    rp_log_set_fd(2);
    char logbuf[8192];
    size_t ln = fread(logbuf, 1, sizeof(logbuf) - 1, (rewind(logf), logf));
    logbuf[ln] = 0;
    CHECK(strstr(logbuf, "dns: api.rp.test now 10.0.0.1, 10.0.0.2 (ttl 3600s)") != NULL);
    CHECK(strstr(logbuf, "dns: api.rp.test now 10.0.0.3 (ttl 3600s)") != NULL);
    fclose(logf);
}

/* Min TTL clamp: a TTL-0 record is looked up every min_ttl (200 ms), not
 * continuously, and a changed answer shows up. */
TEST(min_clamp)
{
    char err[128];
    struct sockaddr_storage sv = server_addr(&srv1);
    rp_resolver_opts_t o = base_opts(&sv);
    fake_set(&srv1, "short.rp.test", 0, "10.0.1.1");
    rp_resolver_t *r = rp_resolver_start(&o, err, sizeof(err));
    CHECK(r != NULL);
    if (!r)
        return;
    rp_dns_name_t *n = rp_resolver_watch(r, "short.rp.test", 443);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 3000), 0);
    CHECK(has_addr(n, "10.0.1.1", 443));
    uint64_t t0 = rp_now_ms();
    unsigned q0 = fake_queries(&srv1, "short.rp.test");
    fake_set(&srv1, "short.rp.test", 0, "10.0.1.2");
    WAIT_FOR(rp_dns_name_gen(n) == 2, 3000);
    CHECK_EQ_INT(rp_dns_name_gen(n), 2);
    CHECK(has_addr(n, "10.0.1.2", 443));
    usleep(300000);
    /* At most one lookup per 200 ms (+2 for the edges): a slow machine
     * only makes fewer. */
    uint64_t el = rp_now_ms() - t0;
    unsigned q = fake_queries(&srv1, "short.rp.test") - q0;
    CHECK(q <= el / 200 + 2);
    rp_dns_name_release(r, n);
    rp_resolver_stop(r);
}

/* Failures keep the last good set: NXDOMAIN, then a dead server (timeout);
 * then recovery. */
TEST(failures_keep_last_good)
{
    char err[128];
    struct sockaddr_storage sv = server_addr(&srv1);
    rp_resolver_opts_t o = base_opts(&sv);
    fake_set(&srv1, "gone.rp.test", 0, "10.1.1.1");
    rp_resolver_t *r = rp_resolver_start(&o, err, sizeof(err));
    CHECK(r != NULL);
    if (!r)
        return;
    rp_dns_name_t *n = rp_resolver_watch(r, "gone.rp.test", 80);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 3000), 0);
    CHECK_EQ_INT(rp_dns_name_gen(n), 1);

    fake_remove(&srv1, "gone.rp.test");
    WAIT_FOR(failures(r) >= 2, 3000); /* and a retry after retry_ms */
    CHECK(failures(r) >= 2);
    CHECK(error_has(n, "not found"));
    CHECK_EQ_INT(rp_dns_name_gen(n), 1);
    CHECK(has_addr(n, "10.1.1.1", 80));

    fake_set(&srv1, "gone.rp.test", 0, "10.1.1.1");
    WAIT_FOR(error_has(n, ""), 3000);
    CHECK(error_has(n, ""));
    CHECK_EQ_INT(rp_dns_name_gen(n), 1); /* same answer as before */

    atomic_store(&srv1.drop, 1);
    uint64_t f0 = failures(r);
    WAIT_FOR(failures(r) > f0, 4000);
    CHECK(failures(r) > f0);
    CHECK(error_has(n, "imeout"));
    CHECK_EQ_INT(rp_dns_name_gen(n), 1);
    CHECK(has_addr(n, "10.1.1.1", 80));

    fake_set(&srv1, "gone.rp.test", 0, "10.1.1.2");
    atomic_store(&srv1.drop, 0);
    WAIT_FOR(rp_dns_name_gen(n) == 2, 3000);
    CHECK_EQ_INT(rp_dns_name_gen(n), 2);
    CHECK(error_has(n, ""));
    CHECK(has_addr(n, "10.1.1.2", 80));
    rp_dns_name_release(r, n);
    rp_resolver_stop(r);
}

/* wait_initial counts names whose first lookup has not ended; a failure
 * ends it. */
TEST(wait_initial)
{
    char err[128];
    struct sockaddr_storage sv = server_addr(&srv1);
    rp_resolver_opts_t o = base_opts(&sv);
    rp_resolver_t *r = rp_resolver_start(&o, err, sizeof(err));
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 0), 0); /* nothing watched */
    rp_dns_name_t *nx = rp_resolver_watch(r, "nothing.rp.test", 80);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 3000), 0);
    CHECK_EQ_INT(rp_dns_name_gen(nx), 0);
    CHECK_EQ_INT(addr_count(nx), 0);
    CHECK(error_has(nx, "not found"));

    atomic_store(&srv1.drop, 1);
    fake_set(&srv1, "late.rp.test", 60, "10.2.2.2");
    rp_dns_name_t *late = rp_resolver_watch(r, "late.rp.test", 80);
    /* Two attempts of 150 ms and more must time out first. */
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 0), 1);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 4000), 0);
    CHECK_EQ_INT(rp_dns_name_gen(late), 0);
    CHECK(error_has(late, "imeout"));
    atomic_store(&srv1.drop, 0);
    WAIT_FOR(rp_dns_name_gen(late) == 1, 3000);
    CHECK(has_addr(late, "10.2.2.2", 80));
    rp_dns_name_release(r, nx);
    rp_dns_name_release(r, late);
    rp_resolver_stop(r);
}

/* configure() moves to another server: the name is looked up there at once
 * and keeps its old set until the answer; bad options are refused. */
TEST(configure_switches_servers)
{
    char err[128];
    struct sockaddr_storage sv1 = server_addr(&srv1), sv2 = server_addr(&srv2);
    rp_resolver_opts_t o = base_opts(&sv1);
    o.min_ttl_ms = o.max_ttl_ms = 5000; /* no re-resolving on its own */
    fake_set(&srv1, "move.rp.test", 60, "10.3.3.1");
    fake_set(&srv2, "move.rp.test", 60, "10.3.3.2,10.3.3.3");
    rp_resolver_t *r = rp_resolver_start(&o, err, sizeof(err));
    CHECK(r != NULL);
    if (!r)
        return;
    rp_dns_name_t *n = rp_resolver_watch(r, "move.rp.test", 80);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 3000), 0);
    CHECK(has_addr(n, "10.3.3.1", 80));

    rp_resolver_opts_t bad = base_opts(&sv2);
    bad.max_ttl_ms = 0;
    err[0] = 0;
    CHECK_EQ_INT(rp_resolver_configure(r, &bad, err, sizeof(err)), -1);
    CHECK(err[0] != 0);

    o.servers = &sv2;
    CHECK_EQ_INT(rp_resolver_configure(r, &o, err, sizeof(err)), 0);
    WAIT_FOR(rp_dns_name_gen(n) == 2, 3000);
    CHECK_EQ_INT(rp_dns_name_gen(n), 2);
    CHECK(has_addr(n, "10.3.3.2", 80));
    CHECK(has_addr(n, "10.3.3.3", 80));
    CHECK(!has_addr(n, "10.3.3.1", 80));
    CHECK(fake_queries(&srv2, "move.rp.test") >= 1);

    /* Same servers, shorter max TTL: rescheduled, not re-resolved at once. */
    o.min_ttl_ms = 100;
    o.max_ttl_ms = 200;
    unsigned q0 = fake_queries(&srv2, "move.rp.test");
    CHECK_EQ_INT(rp_resolver_configure(r, &o, err, sizeof(err)), 0);
    WAIT_FOR(fake_queries(&srv2, "move.rp.test") >= q0 + 2, 3000);
    CHECK(fake_queries(&srv2, "move.rp.test") >= q0 + 2);
    rp_dns_name_release(r, n);
    rp_resolver_stop(r);
}

/* AF_UNSPEC asks A and AAAA: an empty AAAA answer is fine. configure()
 * restarts lookups stuck on the old servers at once (their c-ares timeout
 * is 2 s x 3 here). Stopping with lookups in flight, and releasing a name
 * mid-lookup, leak nothing. */
TEST(unspec_configure_and_stop_in_flight)
{
    char err[128];
    struct sockaddr_storage sv1 = server_addr(&srv1), sv2 = server_addr(&srv2);
    rp_resolver_opts_t o = base_opts(&sv2);
    o.family = AF_UNSPEC;
    o.timeout_ms = 2000;
    fake_set(&srv2, "dual.rp.test", 60, "10.4.4.4");
    fake_set(&srv1, "y.rp.test", 60, "10.5.5.5");
    fake_set(&srv1, "dual.rp.test", 60, "10.4.4.4"); /* re-resolved there too */
    rp_resolver_t *r = rp_resolver_start(&o, err, sizeof(err));
    CHECK(r != NULL);
    if (!r)
        return;
    rp_dns_name_t *n = rp_resolver_watch(r, "dual.rp.test", 80);
    CHECK_EQ_INT(rp_resolver_wait_initial(r, 3000), 0);
    CHECK_EQ_INT(rp_dns_name_gen(n), 1);
    CHECK(has_addr(n, "10.4.4.4", 80));
    CHECK_EQ_INT(addr_count(n), 1);

    atomic_store(&srv2.drop, 1);
    rp_dns_name_t *x = rp_resolver_watch(r, "x.rp.test", 80);
    rp_dns_name_t *y = rp_resolver_watch(r, "y.rp.test", 80);
    WAIT_FOR(fake_queries(&srv2, "(dropped)") >= 2, 2000);
    rp_dns_name_release(r, x); /* in flight: freed when its lookup ends */
    o.servers = &sv1;
    CHECK_EQ_INT(rp_resolver_configure(r, &o, err, sizeof(err)), 0);
    WAIT_FOR(rp_dns_name_gen(y) == 1, 3000);
    CHECK_EQ_INT(rp_dns_name_gen(y), 1);
    CHECK(has_addr(y, "10.5.5.5", 80));
    CHECK(failures(r) == 0); /* a replaced channel is not a failed lookup */
    atomic_store(&srv2.drop, 0);

    atomic_store(&srv1.drop, 1);
    unsigned d0 = fake_queries(&srv1, "(dropped)");
    rp_dns_name_t *z = rp_resolver_watch(r, "z.rp.test", 80);
    WAIT_FOR(fake_queries(&srv1, "(dropped)") > d0, 2000);
    rp_dns_name_release(r, n);
    rp_resolver_stop(r); /* y and z still held, z in flight */
    RP_UNUSED(z);
    atomic_store(&srv1.drop, 0);
}

int main(void)
{
    rp_log_set_level(RP_LOG_INFO);
    fake_start(&srv1);
    fake_start(&srv2);
    RUN(addrset_contains);
    RUN(bad_options);
    RUN(first_lookup_entries_max_clamp);
    RUN(min_clamp);
    RUN(failures_keep_last_good);
    RUN(wait_initial);
    RUN(configure_switches_servers);
    RUN(unspec_configure_and_stop_in_flight);
    fake_stop(&srv1);
    fake_stop(&srv2);
    TEST_MAIN_END();
}
