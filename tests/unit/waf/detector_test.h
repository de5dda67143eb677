/*
 * detector_test.h - the harness shared by the unit tests of the simpler
 * detectors (ssrf, jndi, ssti): define DETECT (the detector function) and
 * PREFIX (the evidence prefix) before including it. Checks the invariants
 * of every answer, runs attack and benign tables, and feeds random and
 * long repetitive values.
 */
#ifndef RP_DETECTOR_TEST_H
#define RP_DETECTOR_TEST_H

#define BLOCK 50

typedef struct tcase {
    const char *in;
    int min;           /* attacks: minimum score */
    const char *why;   /* a substring of the evidence, or NULL */
} tcase_t;

static int det(const char *s, size_t n, unsigned src, unsigned flags, rp__waf_match_t *m)
{
    int sc = DETECT(s, n, src, flags, m);
    CHECK(sc >= 0 && sc <= 100);
    CHECK(sc == m->score);
    CHECK(m->off <= n && m->len <= n - m->off);
    CHECK(memchr(m->evidence, '\0', sizeof(m->evidence)) != NULL);
    CHECK((sc == 0) == (m->evidence[0] == '\0'));
    CHECK(sc == 0 || strncmp(m->evidence, PREFIX, strlen(PREFIX)) == 0);
    return sc;
}

static inline int score_src(const char *s, unsigned src)
{
    rp__waf_match_t m;
    return det(s, strlen(s), src, 0, &m);
}

static inline int score(const char *s)
{
    return score_src(s, RP_WAF_SRC_QUERY);
}

static inline void run_attacks(const tcase_t *c, size_t nc)
{
    for (size_t i = 0; i < nc; i++) {
        rp__waf_match_t m;
        int sc = det(c[i].in, strlen(c[i].in), RP_WAF_SRC_QUERY, 0, &m);
        int ok = sc >= c[i].min && sc >= BLOCK && (!c[i].why || strstr(m.evidence, c[i].why));
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "    attack %zu: score %d (want >= %d) \"%s\" for: %s\n", i, sc, c[i].min,
                    m.evidence, c[i].in);
    }
}

static inline void run_benign(const char *const *b, size_t nb, unsigned src)
{
    for (size_t i = 0; i < nb; i++) {
        rp__waf_match_t m;
        int sc = det(b[i], strlen(b[i]), src, 0, &m);
        CHECK(sc < BLOCK);
        if (sc >= BLOCK)
            fprintf(stderr, "    benign %zu: score %d \"%s\" for: %s\n", i, sc, m.evidence, b[i]);
    }
}

/* Random bytes and long repetitive values: answers stay well-formed and
 * the time linear (each run well under a second). */
static inline void run_pathological(const char *unit)
{
    static char big[1 << 20];
    size_t ul = strlen(unit), n = 0;
    rp__waf_match_t m;
    while (n + ul <= sizeof(big)) {
        memcpy(big + n, unit, ul);
        n += ul;
    }
    (void)det(big, n, RP_WAF_SRC_BODY, 0, &m);
    unsigned x = 12345;
    for (int k = 0; k < 2000; k++) {
        char buf[96];
        size_t l = (size_t)(x % sizeof(buf));
        for (size_t i = 0; i < l; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (char)((x >> 16) & 0xff);
            if ((x >> 8) % 3 == 0)
                buf[i] = "${}:/.@#%<>[]()0x7f"[(x >> 4) % 19];
        }
        (void)det(buf, l, RP_WAF_SRC_QUERY, 0, &m);
        x = x * 1103515245u + 12345u;
    }
}

#endif /* RP_DETECTOR_TEST_H */
