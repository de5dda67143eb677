/*
 * fuzz_detector.h - the shared body of the per-value detector fuzz targets.
 *
 * The input, in an exact-size copy (so reading one byte past the end trips
 * ASan), goes through the detector. The first byte, when there is one,
 * picks the point's source and flags; the rest is the value. Checks: the
 * score is 0..100 and equals m.score; the evidence is NUL-terminated,
 * starts with the class prefix and is empty exactly when the score is 0;
 * off + len <= n; the verdict is deterministic; a JSON number is never
 * flagged; a flagged value holds one of the detector's trigger bytes (the
 * engine skips the detector on values without any: that shortcut must
 * never change a verdict).
 */
#ifndef RP_FUZZ_DETECTOR_H
#define RP_FUZZ_DETECTOR_H

#include "waf/waf_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The detector's trigger bytes in the engine's table, or NULL. */
static const char *fuzz_triggers(rp__waf_detect_fn det)
{
    for (size_t k = 0; k < rp__waf_ndetectors; k++)
        if (rp__waf_detectors[k].detect == det)
            return rp__waf_detectors[k].trigger_bytes;
    return NULL;
}

static int fuzz_holds_any(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] && strchr(set, s[i]))
            return 1;
    return 0;
}

static void fuzz_check_match(rp__waf_detect_fn det, const char *prefix, const char *s, size_t n,
                             unsigned src, unsigned flags)
{
    rp__waf_match_t m, m2;
    int sc;

    memset(&m, 0xa5, sizeof(m));
    sc = det(s, n, src, flags, &m);
    RP_BUG_ON(sc < 0 || sc > 100);
    RP_BUG_ON(sc != m.score);
    RP_BUG_ON(memchr(m.evidence, '\0', sizeof(m.evidence)) == NULL);
    RP_BUG_ON((sc == 0) != (m.evidence[0] == '\0'));
    RP_BUG_ON(sc != 0 && strncmp(m.evidence, prefix, strlen(prefix)) != 0);
    RP_BUG_ON(m.off > n || m.len > n - m.off);
    if (flags & RP_WAF_PT_NUMBER)
        RP_BUG_ON(sc != 0);
    const char *trig = fuzz_triggers(det);
    if (sc != 0 && trig)
        RP_BUG_ON(!fuzz_holds_any(s, n, trig));
    memset(&m2, 0x5a, sizeof(m2));
    RP_BUG_ON(det(s, n, src, flags, &m2) != sc);
    RP_BUG_ON(m2.off != m.off || m2.len != m.len || strcmp(m2.evidence, m.evidence) != 0);
}

/* The value checks of fuzz_detector() on a decoded input (sel: its first
 * byte), for targets that check more than the detector. */
static void fuzz_detector_value(rp__waf_detect_fn det, const char *prefix, unsigned sel,
                                const char *s, size_t size)
{
    static const unsigned srcs[] = { RP_WAF_SRC_QUERY, RP_WAF_SRC_PATH, RP_WAF_SRC_HEADER,
                                     RP_WAF_SRC_COOKIE, RP_WAF_SRC_BODY };
    unsigned src = srcs[(sel >> 4) % 5];
    fuzz_check_match(det, prefix, s, size, src, 0);
    fuzz_check_match(det, prefix, s, size, src, (sel & 1) ? RP_WAF_PT_KEY : RP_WAF_PT_DECODED);
    fuzz_check_match(det, prefix, s, size, src, RP_WAF_PT_NUMBER);
}

static int fuzz_detector(rp__waf_detect_fn det, const char *prefix, const uint8_t *data,
                         size_t size)
{
    unsigned sel = size ? data[0] : 0;
    if (size) {
        data++;
        size--;
    }
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    if (size)
        memcpy(s, data, size);
    fuzz_detector_value(det, prefix, sel, s, size);
    free(s);
    return 0;
}

#endif /* RP_FUZZ_DETECTOR_H */
