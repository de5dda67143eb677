/*
 * fuzz_php - the PHP injection detector (and the upload file name check) on
 * arbitrary bytes.
 *
 * The input, in an exact-size copy (so reading one byte past the end trips
 * ASan), goes through rp__waf_php. The first byte, when there is one, picks
 * the point's source and flags; the rest is the value. Checks: the score
 * is 0..100 and equals m.score; the evidence is NUL-terminated, starts
 * with "php" and is empty exactly when the score is 0; off + len <= n; the
 * verdict is deterministic; a JSON number is never flagged.
 */
#include "fuzz_detector.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
    fuzz_detector_value(rp__waf_php, "php", sel, s, size);
    {
        rp__waf_match_t m;
        int sc = rp__php_filename(s, size, &m);
        RP_BUG_ON(sc < 0 || sc > 100 || sc != m.score);
        RP_BUG_ON((sc == 0) != (m.evidence[0] == '\0'));
        RP_BUG_ON(m.off > size || m.len > size - m.off);
    }
    free(s);
    return 0;
}
