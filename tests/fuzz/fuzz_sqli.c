/*
 * fuzz_sqli - the SQL lexer and the injection detector on arbitrary bytes.
 *
 * The input, in an exact-size copy (so reading one byte past the end trips
 * ASan), goes through rp__sql_tokenize in each context (bare, ' and ") and
 * through rp__waf_sqli. Checks:
 *   - tokens lie inside the input, in increasing order, never overlapping,
 *     each at least one byte long (the context prefix may be empty), and
 *     the count never exceeds the array;
 *   - a smaller output array gives a prefix of the same tokens;
 *   - the score is 0..100 and equals m.score; the evidence is
 *     NUL-terminated and empty exactly when the score is 0; off + len <= n;
 *   - the verdict is deterministic (a second call agrees), and a JSON
 *     number point is never flagged.
 */
#include "waf/waf_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXTOK 512

static void check_tokens(const char *s, size_t n, char ctx)
{
    static rp__sql_token_t t[MAXTOK], u[MAXTOK];
    size_t k = rp__sql_tokenize(s, n, ctx, t, MAXTOK), end = 0;
    size_t half = k / 2, k2;

    RP_BUG_ON(k > MAXTOK);
    for (size_t i = 0; i < k; i++) {
        RP_BUG_ON(t[i].type == '\0');
        RP_BUG_ON(t[i].pos < end);
        RP_BUG_ON((size_t)t[i].pos + t[i].len > n);
        RP_BUG_ON(t[i].len == 0 && !(i == 0 && ctx));
        end = (size_t)t[i].pos + t[i].len;
    }
    if (ctx)
        RP_BUG_ON(k == 0 || t[0].type != 's' || t[0].pos != 0);
    /* fewer slots: the same tokens, cut short */
    k2 = rp__sql_tokenize(s, n, ctx, u, half);
    RP_BUG_ON(k2 != half);
    for (size_t i = 0; i < k2; i++)
        RP_BUG_ON(u[i].type != t[i].type || u[i].pos != t[i].pos || u[i].len != t[i].len);
}

static void check_match(const char *s, size_t n, unsigned flags)
{
    rp__waf_match_t m, m2;
    int sc;

    memset(&m, 0xa5, sizeof(m));
    sc = rp__waf_sqli(s, n, RP_WAF_SRC_QUERY, flags, &m);
    RP_BUG_ON(sc < 0 || sc > 100);
    RP_BUG_ON(sc != m.score);
    RP_BUG_ON(memchr(m.evidence, '\0', sizeof(m.evidence)) == NULL);
    RP_BUG_ON((sc == 0) != (m.evidence[0] == '\0'));
    RP_BUG_ON(m.off > n || m.len > n - m.off);
    if (flags & RP_WAF_PT_NUMBER)
        RP_BUG_ON(sc != 0);
    memset(&m2, 0x5a, sizeof(m2));
    RP_BUG_ON(rp__waf_sqli(s, n, RP_WAF_SRC_QUERY, flags, &m2) != sc);
    RP_BUG_ON(m2.off != m.off || m2.len != m.len || strcmp(m2.evidence, m.evidence) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    if (size)
        memcpy(s, data, size);
    check_tokens(s, size, 0);
    check_tokens(s, size, '\'');
    check_tokens(s, size, '"');
    check_match(s, size, 0);
    check_match(s, size, RP_WAF_PT_KEY);
    check_match(s, size, RP_WAF_PT_NUMBER);
    free(s);
    return 0;
}
