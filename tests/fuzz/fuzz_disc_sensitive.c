/*
 * fuzz_disc_sensitive - the sensitive-data, value-kind and segment
 * classifiers on arbitrary bytes (an exact-size copy, so reading past the
 * end trips ASan). Checks: only defined bits; deterministic; a card is
 * 13-19 digits passing Luhn; an IBAN passes mod 97; a value kind is one
 * bit; an integer segment is a value. A value with an auth scheme
 * ("Bearer x") is judged by its credentials.
 */
#include "discovery/disc_int.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The credentials of "Bearer x" / "Basic x" / "Token x", as
 * rp__sensitive_value reads them; else v. */
static rp_str_t credentials(rp_str_t v)
{
    static const char *const schemes[] = { "bearer ", "basic ", "token " };
    for (size_t i = 0; i < RP_ARRAY_SIZE(schemes); i++) {
        size_t l = strlen(schemes[i]);
        if (v.n > l && rp_str_ieq(rp_str(v.p, l), rp_str(schemes[i], l)))
            return rp_str_trim(rp_str(v.p + l, v.n - l));
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fz_dup(data, size);
    rp_str_t v = rp_str(in, size);
    unsigned k = rp__sensitive_value(v);
    RP_BUG_ON(k & ~0xffu);
    RP_BUG_ON(k != rp__sensitive_value(v));
    if (k & RP_DISC_S_CARD) {
        char dg[32];
        size_t n = 0;
        for (size_t i = 0; i < size; i++)
            if (in[i] >= '0' && in[i] <= '9') {
                RP_BUG_ON(n >= 19);
                dg[n++] = in[i];
            }
        RP_BUG_ON(n < 13 || !rp__luhn_ok(rp_str(dg, n)));
    }
    if (k & RP_DISC_S_IBAN)
        RP_BUG_ON(!rp__iban_ok(credentials(v)));
    unsigned nm = rp__sensitive_name(v);
    RP_BUG_ON(nm != 0 && nm != RP_DISC_S_PASSWORD);
    unsigned vk = rp__disc_value_kind(v);
    RP_BUG_ON(vk == 0 || (vk & (vk - 1)) != 0 || vk > RP_VK_STRING);
    int seg = rp__tmpl_seg_is_value(v);
    if (vk == RP_VK_INT && size > 0 && in[0] != '+')
        RP_BUG_ON(!seg);
    (void)rp__luhn_ok(v);
    (void)rp__iban_ok(v);
    rp_disc_seg_t segs[RP_DISC_MAX_DEPTH];
    int ns = rp__tmpl_parse(v, segs, RP_DISC_MAX_DEPTH);
    RP_BUG_ON(ns > RP_DISC_MAX_DEPTH);
    for (int i = 0; i < ns; i++)
        RP_BUG_ON(!fz_inside(segs[i].s, in, size) || segs[i].s.n == 0);
    free(in);
    return 0;
}
