/*
 * fuzz_form - query strings, forms and cookies (form.c) on arbitrary bytes.
 *
 * The whole input (an exact-size copy) goes through the form splitter
 * with and without ';', the cookie splitter, the plausibility test and
 * the bracket-name normaliser. Checks: every pair's slices lie inside the
 * input and inside the pair's raw text, the position always advances,
 * the number of pairs is bounded by the input length, names never grow
 * past the output size, the plausibility test agrees with a reference
 * written over the pair splitter.
 */
#include "waf/decode_int.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pairs(rp_str_t s, int mode)
{
    size_t pos = 0, count = 0, last = 0;
    rp__kv_t kv;
    for (;;) {
        int r = mode == 2 ? rp__cookie_next(s, &pos, &kv) : rp__form_next(s, &pos, mode, &kv);
        if (!r)
            break;
        RP_BUG_ON(pos <= last && count > 0);
        RP_BUG_ON(pos > s.n);
        last = pos;
        RP_BUG_ON(++count > s.n);
        RP_BUG_ON(kv.raw.n == 0 || !fz_inside(kv.raw, s.p, s.n));
        RP_BUG_ON(!fz_inside(kv.key, kv.raw.p, kv.raw.n));
        RP_BUG_ON(!fz_inside(kv.value, kv.raw.p, kv.raw.n));
        RP_BUG_ON(!fz_inside(kv.vraw, kv.raw.p, kv.raw.n));
        RP_BUG_ON(!fz_inside(kv.value, kv.vraw.p, kv.vraw.n));
        RP_BUG_ON(!kv.has_eq && kv.value.n != 0);
        if (mode != 2) {
            RP_BUG_ON(memchr(kv.raw.p, '&', kv.raw.n) != NULL);
            RP_BUG_ON(mode == 1 && memchr(kv.raw.p, ';', kv.raw.n) != NULL);
            RP_BUG_ON(kv.has_eq && memchr(kv.key.p, '=', kv.key.n) != NULL);
        } else {
            RP_BUG_ON(memchr(kv.raw.p, ';', kv.raw.n) != NULL);
        }
        char out[64];
        size_t n = rp__form_name_path(kv.key.p, kv.key.n, out, sizeof(out));
        RP_BUG_ON(n > sizeof(out));
    }
    RP_BUG_ON(pos != s.n);
}

/* rp__form_plausible() as it was first written, over rp__form_next()
 * pairs: the one-pass version must agree with it. */
static int ref_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '%' || c == '$' ||
           c == ':' || c == '@' || c == '~' || c == '+' || c == '*' || c == '!';
}

static int ref_form_plausible(const char *s, size_t n)
{
    size_t pos = 0, npairs = 0, neq = 0;
    rp__kv_t kv;
    if (n < 2)
        return 0;
    while (rp__form_next(rp_str(s, n), &pos, 0, &kv)) {
        if (kv.key.n == 0)
            return 0;
        for (size_t i = 0; i < kv.key.n; i++)
            if (!ref_name_char((unsigned char)kv.key.p[i]))
                return 0;
        for (size_t i = 0; i < kv.value.n; i++) {
            unsigned char c = (unsigned char)kv.value.p[i];
            if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' || c == '=')
                return 0;
        }
        npairs++;
        neq += (size_t)kv.has_eq;
    }
    return npairs > 0 && neq > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fz_dup(data, size);
    rp_str_t s = rp_str(in, size);
    pairs(s, 0);
    pairs(s, 1);
    pairs(s, 2);
    RP_BUG_ON(rp__form_plausible(in, size) != ref_form_plausible(in, size));
    char out[256];
    size_t n = rp__form_name_path(in, size, out, sizeof(out));
    RP_BUG_ON(n > sizeof(out) || (size <= sizeof(out) && n > size));
    free(in);
    return 0;
}
