/*
 * fuzz_xpath - the XPath injection detector on arbitrary bytes.
 *
 * The input, in an exact-size copy (so reading one byte past the end trips
 * ASan), goes through rp__waf_xpath. The first byte, when there is one, picks
 * the point's source and flags; the rest is the value. Checks: the score
 * is 0..100 and equals m.score; the evidence is NUL-terminated, starts
 * with "xpath" and is empty exactly when the score is 0; off + len <= n; the
 * verdict is deterministic; a JSON number is never flagged.
 */
#include "fuzz_detector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_detector(rp__waf_xpath, "xpath", data, size);
}
