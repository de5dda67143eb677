/*
 * fuzz_xss - the HTML tokenizer and the XSS detector on arbitrary bytes.
 *
 * The input, in an exact-size copy (so reading one byte past the end trips
 * ASan), goes through rp__html_tokenize and rp__waf_xss. The first byte,
 * when there is one, picks the output array size and the point's source
 * and flags; the rest is the value. Checks:
 *   - tokens are of the documented types, lie inside the input, start in
 *     non-decreasing order, and never exceed the array; only an empty
 *     attribute value or the end of a tag at the end of input is empty;
 *   - the token grammar holds: after a tag open ('t'/'c') come attribute
 *     names and values until the tag's end ('>'), a value ('v') always
 *     follows a name ('a');
 *   - a smaller output array gives a prefix of the same tokens;
 *   - the score is 0..100 and equals m.score; the evidence is
 *     NUL-terminated, starts with "xss" and is empty exactly when the score
 *     is 0; off + len <= n;
 *   - the verdict is deterministic, and a JSON number is never flagged.
 */
#include "fuzz_detector.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXTOK 1024

static void check_tokens(const char *s, size_t n, size_t max)
{
    static rp__html_token_t t[MAXTOK], u[MAXTOK];
    size_t k = rp__html_tokenize(s, n, t, max);
    int in_tag = 0;
    char prev = 0;

    RP_BUG_ON(k > max);
    for (size_t i = 0; i < k; i++) {
        char ty = t[i].type;
        RP_BUG_ON(ty == '\0' || strchr("tcav>x!", ty) == NULL);
        RP_BUG_ON((size_t)t[i].pos + t[i].len > n);
        RP_BUG_ON(i > 0 && t[i].pos < t[i - 1].pos);
        if (t[i].len == 0)
            RP_BUG_ON(ty != 'v' && !(ty == '>' && t[i].pos == n));
        if (ty == 't' || ty == 'c' || ty == 'x' || ty == '!')
            RP_BUG_ON(in_tag);
        if (ty == 'a' || ty == '>')
            RP_BUG_ON(!in_tag);
        if (ty == 'v')
            RP_BUG_ON(!in_tag || prev != 'a');
        if (ty == 't' || ty == 'c')
            in_tag = 1;
        else if (ty == '>')
            in_tag = 0;
        prev = ty;
    }
    /* a tag open before the end of the array always gets its '>' */
    if (k < max)
        RP_BUG_ON(in_tag);
    /* fewer slots: the same tokens, cut short */
    size_t half = k / 2, k2 = rp__html_tokenize(s, n, u, half);
    RP_BUG_ON(k2 != half);
    for (size_t i = 0; i < k2; i++)
        RP_BUG_ON(u[i].type != t[i].type || u[i].pos != t[i].pos || u[i].len != t[i].len);
}

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
    size_t max = (sel & 0x80) ? (size_t)(sel & 0x0f) : MAXTOK;
    check_tokens(s, size, max);
    fuzz_detector_value(rp__waf_xss, "xss", sel, s, size);
    free(s);
    return 0;
}
