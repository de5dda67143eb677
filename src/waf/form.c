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
        while (i < s.n && s.p[i] != ';')
            i++;
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

/* Bytes that may appear in a parameter name of a form we sniff. */
static int name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '%' || c == '$' ||
           c == ':' || c == '@' || c == '~' || c == '+' || c == '*' || c == '!';
}

int rp__form_plausible(const char *s, size_t n)
{
    rp_str_t str = rp_str(s, n);
    size_t pos = 0, npairs = 0, neq = 0;
    rp__kv_t kv;
    if (n < 2)
        return 0;
    while (rp__form_next(str, &pos, 0, &kv)) {
        if (kv.key.n == 0)
            return 0;
        for (size_t i = 0; i < kv.key.n; i++)
            if (!name_char((unsigned char)kv.key.p[i]))
                return 0;
        /* Values of a real form are encoded: raw blanks, quotes, '<',
         * line breaks or a second '=' mean prose, code or base64 padding
         * ("sid=x=y==") that merely contains '='. */
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
