/*
 * form.c - query strings, application/x-www-form-urlencoded bodies and
 * Cookie headers, split into name/value pairs (still encoded: points.c
 * decodes them), and the bracket syntax of parameter names.
 */
#include "waf/decode_int.h"

#include <string.h>

int rp__form_next(rp_str_t s, size_t *pos, int semicolon, rp__kv_t *kv)
{
    while (*pos < s.n) {
        size_t start = *pos, i = start;
        if (!semicolon) {
            const char *amp = memchr(s.p + i, '&', s.n - i);
            i = amp ? (size_t)(amp - s.p) : s.n;
        } else {
            while (i < s.n && s.p[i] != '&' && s.p[i] != ';')
                i++;
        }
        *pos = i < s.n ? i + 1 : i;
        if (i == start)
            continue;   /* "a=1&&b=2", a trailing '&' */
        rp_str_t pair = rp_str(s.p + start, i - start);
        const char *eq = memchr(pair.p, '=', pair.n);
        kv->raw = pair;
        if (eq) {
            kv->key = rp_str(pair.p, (size_t)(eq - pair.p));
            kv->value = rp_str(eq + 1, pair.n - kv->key.n - 1);
            kv->vraw = kv->value;
            kv->has_eq = 1;
        } else {
            kv->key = pair;
            kv->value = kv->vraw = rp_str(pair.p + pair.n, 0);
            kv->has_eq = 0;
        }
        return 1;
    }
    return 0;
}

static inline int is_blank(char c) { return c == ' ' || c == '\t'; }

int rp__cookie_next(rp_str_t s, size_t *pos, rp__kv_t *kv)
{
    while (*pos < s.n) {
        size_t start = *pos, i = start;
        const char *semi = memchr(s.p + i, ';', s.n - i);
        i = semi ? (size_t)(semi - s.p) : s.n;
        *pos = i < s.n ? i + 1 : i;
        size_t a = start, b = i;
        while (a < b && is_blank(s.p[a]))
            a++;
        while (b > a && is_blank(s.p[b - 1]))
            b--;
        if (a == b)
            continue;
        rp_str_t pair = rp_str(s.p + a, b - a);
        const char *eq = memchr(pair.p, '=', pair.n);
        kv->raw = pair;
        if (!eq) {
            kv->key = pair;
            kv->value = kv->vraw = rp_str(pair.p + pair.n, 0);
            kv->has_eq = 0;
            return 1;
        }
        rp_str_t k = rp_str(pair.p, (size_t)(eq - pair.p));
        rp_str_t v = rp_str(eq + 1, pair.n - k.n - 1);
        while (k.n && is_blank(k.p[k.n - 1]))
            k.n--;
        while (v.n && is_blank(v.p[0])) {
            v.p++;
            v.n--;
        }
        kv->vraw = v;
        if (v.n >= 2 && v.p[0] == '"' && v.p[v.n - 1] == '"') {
            v.p++;
            v.n -= 2;
        }
        kv->key = k;
        kv->value = v;
        kv->has_eq = 1;
        return 1;
    }
    return 0;
}

/* Byte classes of the form sniffing test. */
enum {
    FP_NAME = 1,   /* may appear in a parameter name of a form we sniff */
    FP_BAD = 2,    /* may not appear in a value (see below) */
};

#define NM FP_NAME
static const unsigned char fp_class[256] = {
    ['a'] = NM, ['b'] = NM, ['c'] = NM, ['d'] = NM, ['e'] = NM, ['f'] = NM, ['g'] = NM,
    ['h'] = NM, ['i'] = NM, ['j'] = NM, ['k'] = NM, ['l'] = NM, ['m'] = NM, ['n'] = NM,
    ['o'] = NM, ['p'] = NM, ['q'] = NM, ['r'] = NM, ['s'] = NM, ['t'] = NM, ['u'] = NM,
    ['v'] = NM, ['w'] = NM, ['x'] = NM, ['y'] = NM, ['z'] = NM,
    ['A'] = NM, ['B'] = NM, ['C'] = NM, ['D'] = NM, ['E'] = NM, ['F'] = NM, ['G'] = NM,
    ['H'] = NM, ['I'] = NM, ['J'] = NM, ['K'] = NM, ['L'] = NM, ['M'] = NM, ['N'] = NM,
    ['O'] = NM, ['P'] = NM, ['Q'] = NM, ['R'] = NM, ['S'] = NM, ['T'] = NM, ['U'] = NM,
    ['V'] = NM, ['W'] = NM, ['X'] = NM, ['Y'] = NM, ['Z'] = NM,
    ['0'] = NM, ['1'] = NM, ['2'] = NM, ['3'] = NM, ['4'] = NM, ['5'] = NM, ['6'] = NM,
    ['7'] = NM, ['8'] = NM, ['9'] = NM,
    ['_'] = NM, ['-'] = NM, ['.'] = NM, ['['] = NM, [']'] = NM, ['%'] = NM, ['$'] = NM,
    [':'] = NM, ['@'] = NM, ['~'] = NM, ['+'] = NM, ['*'] = NM, ['!'] = NM,
    /* values of a real form are encoded: raw blanks, quotes, '<', line
     * breaks or a second '=' mean prose, code or base64 padding
     * ("sid=x=y==") that merely contains '=' */
    [0] = FP_BAD, [1] = FP_BAD, [2] = FP_BAD, [3] = FP_BAD, [4] = FP_BAD, [5] = FP_BAD,
    [6] = FP_BAD, [7] = FP_BAD, [8] = FP_BAD, [9] = FP_BAD, [10] = FP_BAD, [11] = FP_BAD,
    [12] = FP_BAD, [13] = FP_BAD, [14] = FP_BAD, [15] = FP_BAD, [16] = FP_BAD, [17] = FP_BAD,
    [18] = FP_BAD, [19] = FP_BAD, [20] = FP_BAD, [21] = FP_BAD, [22] = FP_BAD, [23] = FP_BAD,
    [24] = FP_BAD, [25] = FP_BAD, [26] = FP_BAD, [27] = FP_BAD, [28] = FP_BAD, [29] = FP_BAD,
    [30] = FP_BAD, [31] = FP_BAD, [' '] = FP_BAD, ['"'] = FP_BAD, ['<'] = FP_BAD,
    ['>'] = FP_BAD, ['\\'] = FP_BAD, ['`'] = FP_BAD, ['='] = FP_BAD,
};
#undef NM

/*
 * One pass over the bytes, no pair splitting first: the answer is a
 * property of every pair (separated by '&', empty ones skipped), so it
 * can stop at the first byte that breaks it, which for most values that
 * merely contain '=' (header values, prose, code) comes within a few
 * bytes.
 */
int rp__form_plausible(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, npairs = 0, neq = 0;
    if (n < 2)
        return 0;
    while (i < n) {
        if (p[i] == '&') {
            i++;
            continue;
        }
        /* a pair: the name up to '=' or '&', not empty */
        if (p[i] == '=')
            return 0;
        for (; i < n && p[i] != '=' && p[i] != '&'; i++)
            if (!(fp_class[p[i]] & FP_NAME))
                return 0;
        npairs++;
        if (i < n && p[i] == '=') {
            neq++;
            for (i++; i < n && p[i] != '&'; i++)
                if (fp_class[p[i]] & FP_BAD)
                    return 0;
        }
    }
    return npairs > 0 && neq > 0;
}

size_t rp__form_name_path(const char *name, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    const char *br = memchr(name, '[', n);
    /* Not bracket syntax, or no base name ("[a]=1"): as it is. */
    if (!br || br == name) {
        size_t k = RP_MIN(n, cap);
        memcpy(out, name, k);
        return k;
    }
    size_t base = (size_t)(br - name);
    size_t k = RP_MIN(base, cap);
    memcpy(out, name, k);
    o = k;
    size_t i = base;
    while (i < n && name[i] == '[') {
        const char *close = memchr(name + i + 1, ']', n - i - 1);
        if (!close)
            break;
        size_t inner = (size_t)(close - (name + i + 1));
        if (inner == 0) {
            if (cap - o >= 2) {
                out[o++] = '[';
                out[o++] = ']';
            }
        } else if (cap - o >= 1 + inner) {
            out[o++] = '.';
            memcpy(out + o, name + i + 1, inner);
            o += inner;
        }
        i = (size_t)(close - name) + 1;
    }
    /* Whatever does not follow the syntax ("a[b]c", "a[b"): literal. */
    if (i < n) {
        k = RP_MIN(n - i, cap - o);
        memcpy(out + o, name + i, k);
        o += k;
    }
    return o;
}
