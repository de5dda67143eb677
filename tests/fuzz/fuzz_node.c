/*
 * fuzz_node - the node.c detectors (code injection, prototype pollution,
 * data: URIs) on arbitrary bytes.
 *
 * The input, in an exact-size copy (so reading one byte past the end trips
 * ASan), goes through rp__waf_code, rp__waf_proto and rp__waf_datauri. The
 * first byte, when there is one, picks the point's source and flags; the
 * rest is the value. Checks, for each: the score is 0..100 and equals
 * m.score; the evidence is NUL-terminated, starts with the class name and
 * is empty exactly when the score is 0; off + len <= n; the verdict is
 * deterministic; a JSON number is never flagged; a flagged value holds one
 * of the detector's trigger bytes (fuzz_check_match of fuzz_detector.h).
 */
#include "fuzz_detector.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_all(const char *s, size_t n, unsigned src, unsigned flags)
{
    fuzz_check_match(rp__waf_code, "code: ", s, n, src, flags);
    fuzz_check_match(rp__waf_proto, "prototype: ", s, n, src, flags);
    fuzz_check_match(rp__waf_datauri, "rfi_ssrf: ", s, n, src, flags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned srcs[] = { RP_WAF_SRC_QUERY, RP_WAF_SRC_PATH, RP_WAF_SRC_HEADER,
                                     RP_WAF_SRC_COOKIE, RP_WAF_SRC_BODY };
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
    unsigned src = srcs[(sel >> 4) % 5];
    check_all(s, size, src, 0);
    check_all(s, size, src, (sel & 1) ? RP_WAF_PT_KEY : RP_WAF_PT_DECODED);
    check_all(s, size, src, RP_WAF_PT_NUMBER);
    free(s);
    return 0;
}
