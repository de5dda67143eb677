/*
 * fuzz_scanner - the User-Agent tokenizer and scanner check on arbitrary
 * bytes, and the request-level detectors (scanner, protocol) through the
 * whole engine.
 *
 * Input: one selector byte, then the data.
 *   selector even: the data is a User-Agent value (exact-size copy).
 *     Checks: every item lies inside the value, is non-empty, does not
 *     start or end with a blank, items are in order and do not overlap,
 *     at most max are written; rp__waf_scanner_ua's score is 0..100 and
 *     equals m.score, its evidence is NUL-terminated, starts with
 *     "scanner" and is empty exactly when the score is 0, off + len <= n,
 *     and the answer is deterministic.
 *   selector odd: the data is a request
 *       METHOD path[?query]\n  Name: value\n ... (up to 16)  \n  body
 *     each part in an exact-size copy, inspected with rp_waf_inspect
 *     (limits tiny when bit 1 is set). Checks: every finding has a score
 *     1..100 and a NUL-terminated evidence; scanner findings start with
 *     "scanner:", protocol ones with "protocol:" and stay under 50; the
 *     verdict is the same a second time.
 */
#include "waf/waf_int.h"

#include "fuzz_split.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXH 16

static void check_ua(const char *s, size_t n)
{
    rp__ua_item_t it[8];
    size_t k = rp__ua_tokenize(s, n, it, 8);
    RP_BUG_ON(k > 8);
    size_t prev_end = 0;
    for (size_t i = 0; i < k; i++) {
        RP_BUG_ON(it[i].kind != RP__UA_PRODUCT && it[i].kind != RP__UA_COMMENT);
        RP_BUG_ON(it[i].len == 0 || it[i].pos > n || it[i].len > n - it[i].pos);
        RP_BUG_ON(it[i].pos < prev_end);
        RP_BUG_ON(s[it[i].pos] == ' ' || s[it[i].pos] == '\t');
        RP_BUG_ON(s[it[i].pos + it[i].len - 1] == ' ' || s[it[i].pos + it[i].len - 1] == '\t');
        prev_end = it[i].pos + it[i].len;
    }
    rp__waf_match_t m, m2;
    memset(&m, 0xa5, sizeof(m));
    int sc = rp__waf_scanner_ua(s, n, &m);
    RP_BUG_ON(sc < 0 || sc > 100);
    RP_BUG_ON(sc != m.score);
    RP_BUG_ON(memchr(m.evidence, '\0', sizeof(m.evidence)) == NULL);
    RP_BUG_ON((sc == 0) != (m.evidence[0] == '\0'));
    RP_BUG_ON(sc != 0 && strncmp(m.evidence, "scanner", 7) != 0);
    RP_BUG_ON(m.off > n || m.len > n - m.off);
    memset(&m2, 0x5a, sizeof(m2));
    RP_BUG_ON(rp__waf_scanner_ua(s, n, &m2) != sc);
    RP_BUG_ON(m2.off != m.off || m2.len != m.len || strcmp(m2.evidence, m.evidence) != 0);
}

static void check_verdict(const rp_waf_verdict_t *v)
{
    RP_BUG_ON(v->nfindings > RP_WAF_MAX_FINDINGS || v->nfindings > v->nfindings_total);
    for (size_t i = 0; i < v->nfindings; i++) {
        const rp_waf_finding_t *f = &v->findings[i];
        RP_BUG_ON(f->score < 1 || f->score > 100);
        RP_BUG_ON(memchr(f->evidence, '\0', sizeof(f->evidence)) == NULL);
        RP_BUG_ON(memchr(f->point, '\0', sizeof(f->point)) == NULL);
        if (f->attack == RP_WAF_SCANNER)
            RP_BUG_ON(strncmp(f->evidence, "scanner:", 8) != 0);
        if (f->attack == RP_WAF_PROTOCOL)
            RP_BUG_ON(strncmp(f->evidence, "protocol:", 9) != 0 || f->score >= 50);
    }
}

static void check_request(const uint8_t *data, size_t size, int tiny)
{
    rp_waf_opts_t o;
    memset(&o, 0, sizeof(o));
    if (tiny) {
        o.limits.max_points = 8;
        o.limits.max_value = 64;
        o.limits.max_depth = 2;
    }
    rp_waf_t *w = rp_waf_new(&o);
    rp_waf_scratch_t *s = rp_waf_scratch_new();
    RP_BUG_ON(!w || !s);

    const uint8_t *p = data, *end = data + size;
    const uint8_t *nl = memchr(p, '\n', size);
    const uint8_t *le = nl ? nl : end;
    const uint8_t *sp = memchr(p, ' ', (size_t)(le - p));
    const uint8_t *ms = sp ? sp : p;
    char *method = fz_dup(p, (size_t)(ms - p));
    size_t methodn = (size_t)(ms - p);
    const uint8_t *ps = sp ? sp + 1 : p;
    const uint8_t *q = memchr(ps, '?', (size_t)(le - ps));
    size_t pathn = (size_t)((q ? q : le) - ps);
    char *path = fz_dup(ps, pathn);
    size_t queryn = q ? (size_t)(le - q - 1) : 0;
    char *query = fz_dup(q ? q + 1 : le, queryn);
    p = nl ? nl + 1 : end;
    rp_waf_header_t h[MAXH];
    char *hbuf[2 * MAXH];
    size_t nh = 0;
    while (p < end && *p != '\n' && nh < MAXH) {
        nl = memchr(p, '\n', (size_t)(end - p));
        le = nl ? nl : end;
        const uint8_t *colon = memchr(p, ':', (size_t)(le - p));
        const uint8_t *ne = colon ? colon : le;
        const uint8_t *vs = colon ? colon + 1 : le;
        while (vs < le && *vs == ' ')
            vs++;
        hbuf[2 * nh] = fz_dup(p, (size_t)(ne - p));
        hbuf[2 * nh + 1] = fz_dup(vs, (size_t)(le - vs));
        h[nh].name = rp_str(hbuf[2 * nh], (size_t)(ne - p));
        h[nh].value = rp_str(hbuf[2 * nh + 1], (size_t)(le - vs));
        nh++;
        p = nl ? nl + 1 : end;
    }
    if (p < end && *p == '\n')
        p++;
    size_t bodyn = (size_t)(end - p);
    char *body = fz_dup(p, bodyn);

    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = rp_str(method, methodn);
    r.path = rp_str(path, pathn);
    r.query = rp_str(query, queryn);
    r.headers = h;
    r.nheaders = nh;
    r.body = rp_str(body, bodyn);
    static rp_waf_verdict_t v1, v2;
    RP_BUG_ON(rp_waf_inspect(w, s, &r, &v1) != 0);
    check_verdict(&v1);
    RP_BUG_ON(rp_waf_inspect(w, s, &r, &v2) != 0);
    RP_BUG_ON(v1.nfindings != v2.nfindings || v1.score != v2.score || v1.attacks != v2.attacks);
    for (size_t i = 0; i < v1.nfindings; i++)
        RP_BUG_ON(v1.findings[i].score != v2.findings[i].score ||
                  strcmp(v1.findings[i].evidence, v2.findings[i].evidence) != 0);

    for (size_t i = 0; i < 2 * nh; i++)
        free(hbuf[i]);
    free(method);
    free(path);
    free(query);
    free(body);
    rp_waf_scratch_free(s);
    rp_waf_free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    if (sel & 1) {
        check_request(data, size, (sel & 2) != 0);
        return 0;
    }
    char *s = fz_dup(data, size);
    check_ua(s, size);
    free(s);
    return 0;
}
