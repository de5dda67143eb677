/*
 * fuzz_confusion - the request-level protocol-confusion checks through the
 * whole engine.
 *
 * The input is split at the first two NUL bytes into a Content-Type
 * value, a Cookie value and a query string (each an exact-size copy, so
 * reading past one trips ASan); the request is inspected with every
 * detector. Checks: the verdict is well-formed (score 0..100, findings
 * within bounds, evidence NUL-terminated, every protocol finding's
 * evidence starts with "protocol") and deterministic.
 */
#include "waf/waf_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *part(const uint8_t **d, size_t *n, size_t *len)
{
    const uint8_t *z = memchr(*d, 0, *n);
    size_t l = z ? (size_t)(z - *d) : *n;
    char *p = malloc(l ? l : 1);
    RP_BUG_ON(p == NULL);
    if (l)
        memcpy(p, *d, l);
    *len = l;
    *d += z ? l + 1 : l;
    *n -= z ? l + 1 : l;
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rp_waf_t *waf;
    static rp_waf_scratch_t *scr;
    if (!waf) {
        waf = rp_waf_new(NULL);
        scr = rp_waf_scratch_new();
        RP_BUG_ON(!waf || !scr);
    }
    size_t nct, nck, nq;
    char *ct = part(&data, &size, &nct);
    char *ck = part(&data, &size, &nck);
    char *q = part(&data, &size, &nq);
    rp_waf_header_t h[2] = { { RP_STRLIT("Content-Type"), rp_str(ct, nct) },
                             { RP_STRLIT("Cookie"), rp_str(ck, nck) } };
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = RP_STRLIT("POST");
    r.path = RP_STRLIT("/p");
    r.query = rp_str(q, nq);
    r.headers = h;
    r.nheaders = 2;
    rp_waf_verdict_t v, v2;
    RP_BUG_ON(rp_waf_inspect(waf, scr, &r, &v) != 0);
    RP_BUG_ON(v.score < 0 || v.score > 100 || v.nfindings > RP_WAF_MAX_FINDINGS);
    for (size_t i = 0; i < v.nfindings; i++) {
        const rp_waf_finding_t *f = &v.findings[i];
        RP_BUG_ON(f->score < 1 || f->score > 100);
        RP_BUG_ON(memchr(f->evidence, '\0', sizeof(f->evidence)) == NULL);
        RP_BUG_ON(f->attack == RP_WAF_PROTOCOL && strncmp(f->evidence, "protocol", 8) != 0);
    }
    RP_BUG_ON(rp_waf_inspect(waf, scr, &r, &v2) != 0);
    RP_BUG_ON(v2.score != v.score || v2.attacks != v.attacks || v2.nfindings != v.nfindings);
    free(ct);
    free(ck);
    free(q);
    return 0;
}
