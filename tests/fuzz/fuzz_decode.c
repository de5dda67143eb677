/*
 * fuzz_decode - every value decoder of decode.c on arbitrary bytes.
 *
 * The first byte picks what else runs (inflate flavour and caps); the
 * rest is the value, in an exact-size copy. Checks:
 *   - percent, HTML and JS decoding never grow the text, give the same
 *     result in place as out of place, and say "changed" iff the output
 *     differs from the input;
 *   - base64: decoding fits n*3/4+3 bytes; a plausible value decodes;
 *     the plausibility test's SSE2 path, its portable one and a plain
 *     reference agree;
 *   - UTF-8: folding overlong forms never grows the text, and the result
 *     has no overlong forms left that it could fold;
 *   - the SSE2 and the portable scanners agree;
 *   - inflate (gzip, zlib/raw) respects max_out and the ratio and
 *     returns a documented code.
 */
#include "waf/decode_int.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef size_t (*dec_fn)(const char *, size_t, char *, int *);

static size_t pct1(const char *s, size_t n, char *o, int *c) { return rp__pct_decode(s, n, o, 1, c); }
static size_t pct0(const char *s, size_t n, char *o, int *c) { return rp__pct_decode(s, n, o, 0, c); }

static void text_decoder(dec_fn f, const char *in, size_t n)
{
    char *out = malloc(n ? n : 1), *inplace = fz_dup((const uint8_t *)in, n);
    int ch = 0, ch2 = 0;
    size_t k = f(in, n, out, &ch);
    size_t k2 = f(inplace, n, inplace, &ch2);
    RP_BUG_ON(k > n || k2 != k || ch != ch2);
    RP_BUG_ON(k && memcmp(out, inplace, k) != 0);
    RP_BUG_ON(!ch && (k != n || (n && memcmp(out, in, n) != 0)));
    free(out);
    free(inplace);
}

/* The base64 plausibility test as first written (a class pass, the
 * shape through rp__base64_decode, the whole decoded prefix looked at):
 * rp__base64_plausible and its scalar path must agree with it. */
static int ref_base64_plausible(const char *s, size_t n)
{
    if (n < 16)
        return 0;
    int lower = 0, upper = 0, digit = 0, all_hex = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int l = c >= 'a' && c <= 'z', u = c >= 'A' && c <= 'Z', d = c >= '0' && c <= '9';
        if (!l && !u && !d && (!c || !strchr("+/_-=", c)))
            return 0;
        lower |= l;
        upper |= u;
        digit |= d;
        all_hex &= d || c == '-' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    }
    if (lower + upper + digit < 2 || all_hex)
        return 0;
    char *out = malloc(n / 4 * 3 + 3);
    size_t k = rp__base64_decode(s, n, out), m = n, good = 0;
    while (m > 0 && s[m - 1] == '=' && n - m < 2)
        m--;
    size_t probe = (m < 192 ? m : 192) & ~(size_t)3, len = probe / 4 * 3;
    int r = 0;
    if (k != (size_t)-1 && rp__looks_compressed(out, len)) {
        r = 1;
    } else if (k != (size_t)-1) {
        for (size_t i = 0; i < len;) {
            unsigned char c = (unsigned char)out[i];
            if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r') {
                good++;
                i++;
                continue;
            }
            size_t q = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
            if (q && i + q <= len && rp__utf8_check(out + i, q) == 0) {
                good += q;
                i += q;
            } else if (q && i + q > len) {
                good += len - i;
                break;
            } else {
                i++;
            }
        }
        r = len > 0 && good * 100 >= len * 95;
    }
    free(out);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    char *in = fz_dup(data + 1, size - 1);
    size_t n = size - 1;

    text_decoder(pct1, in, n);
    text_decoder(pct0, in, n);
    text_decoder(rp__html_unescape, in, n);
    text_decoder(rp__js_unescape, in, n);

    int ch = 0, bad = 0;
    char *out = malloc(n + 3);   /* percent: n bytes; base64: n*3/4+3 */
    (void)rp__pct_decode_ex(in, n, out, sel & 1, &ch, &bad);
    size_t k = rp__base64_decode(in, n, out);
    RP_BUG_ON(k != (size_t)-1 && k > n / 4 * 3 + 3);
    int plausible = rp__base64_plausible(in, n);
    if (plausible)
        RP_BUG_ON(k == (size_t)-1);
    RP_BUG_ON(plausible != rp__base64_plausible_scalar(in, n));
    RP_BUG_ON(plausible != ref_base64_plausible(in, n));
    free(out);

    unsigned u = rp__utf8_check(in, n);
    char *fold = malloc(n ? n : 1);
    k = rp__utf8_unoverlong(in, n, fold);
    RP_BUG_ON(k > n);
    if (!(u & RP__UTF8_OVERLONG))
        RP_BUG_ON(k != n || (n && memcmp(fold, in, n) != 0));
    if (!u)
        RP_BUG_ON(k != n);
    /* folding again changes nothing */
    char *again = malloc(k ? k : 1);
    RP_BUG_ON(rp__utf8_unoverlong(fold, k, again) != k || (k && memcmp(again, fold, k) != 0));
    free(again);
    free(fold);

    RP_BUG_ON(rp__scan_specials(in, n) != rp__scan_specials_scalar(in, n));
    (void)rp__looks_compressed(in, n);

    /* inflate: the arena is the only memory it uses */
    rp_arena_t a;
    rp_arena_init(&a, 4096);
    size_t max_out = (sel & 2) ? 1 + (size_t)(sel >> 2) * 64 : 1u << 20;
    unsigned ratio = (sel & 4) ? 1 + (sel >> 4) : 100;
    rp_str_t res;
    int r = rp__inflate(in, n, (sel >> 3) & 1, max_out, ratio, &a, &res);
    RP_BUG_ON(r != 0 && r != -1 && r != -2);
    RP_BUG_ON(res.n > max_out || (ratio && res.n > n * ratio));
    rp_arena_dispose(&a);
    free(in);
    return 0;
}
