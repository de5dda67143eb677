/*
 * decode.c - the value decoders: percent (with %uXXXX), HTML character
 * references, JavaScript/CSS escapes, base64, UTF-8 checks, and
 * gzip/deflate with output and ratio caps.
 *
 * The text decoders never write more than they read and read each input
 * byte before the output position can reach it, so they may decode in
 * place (out == s). They are lenient the way browsers and frameworks are
 * (an escape that does not parse is kept as it is): the engine wants to
 * see what the application will see, and a little more.
 */
#include "waf/decode_int.h"

#include <zlib.h>

/* 1 + the value of a hex digit, 0 for any other byte (a table: escapes
 * are most of what encoded attack payloads are made of). */
static const unsigned char hex1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline int hexval(unsigned char c) { return (int)hex1[c] - 1; }

static inline int is_hex(unsigned char c) { return hex1[c] != 0; }

/* Maps surrogates and out-of-range values to U+FFFD. */
static inline uint32_t cp_sane(uint32_t cp)
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return RP__UTF8_REPLACEMENT;
    return cp;
}

/* ---------------------------------------------------------------------- */
/* Which decoders a value needs.                                            */

static const unsigned char byte_bits[256] = {
    ['%'] = RP__SB_PCT, ['&'] = RP__SB_AMP, ['\\'] = RP__SB_BSL, ['+'] = RP__SB_PLUS,
    ['='] = RP__SB_EQ,
#define H4(x) \
    [(x)] = RP__SB_HIGH, [(x) + 1] = RP__SB_HIGH, [(x) + 2] = RP__SB_HIGH, [(x) + 3] = RP__SB_HIGH
#define H16(x) H4(x), H4((x) + 4), H4((x) + 8), H4((x) + 12)
    H16(0x80), H16(0x90), H16(0xa0), H16(0xb0), H16(0xc0), H16(0xd0), H16(0xe0), H16(0xf0),
#undef H16
#undef H4
};

static unsigned bytes_bits(const unsigned char *p, size_t n)
{
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++)
        bits |= byte_bits[p[i]];
    return bits;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* High bits set where a byte of v equals c; zero iff none does. */
static inline uint64_t has_byte(uint64_t v, uint64_t c)
{
    uint64_t x = v ^ (ONES * c);
    return (x - ONES) & ~x & HIGHS;
}

static inline uint64_t special8(uint64_t v)
{
    return has_byte(v, '%') | has_byte(v, '&') | has_byte(v, '\\') | has_byte(v, '+') |
           has_byte(v, '=') | (v & HIGHS);
}

unsigned rp__scan_specials_scalar(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n >= 8) {
        uint64_t acc = 0, v;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&v, p + i, 8);
            acc |= special8(v);
        }
        memcpy(&v, p + n - 8, 8);   /* the tail, overlapping */
        acc |= special8(v);
        if (!acc)
            return 0;
    }
    return bytes_bits(p, n);
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* One accumulator per class, so the answer comes out of the vector pass
 * whole: no second, byte-by-byte pass over values that have a special
 * byte (most header values have '=' or '+', and then that second pass
 * cost more than the first). */
typedef struct sb_acc {
    __m128i pct, amp, bsl, plus, eq, high;
} sb_acc_t;

static inline void sb_add(sb_acc_t *a, __m128i v)
{
    a->pct = _mm_or_si128(a->pct, _mm_cmpeq_epi8(v, _mm_set1_epi8('%')));
    a->amp = _mm_or_si128(a->amp, _mm_cmpeq_epi8(v, _mm_set1_epi8('&')));
    a->bsl = _mm_or_si128(a->bsl, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    a->plus = _mm_or_si128(a->plus, _mm_cmpeq_epi8(v, _mm_set1_epi8('+')));
    a->eq = _mm_or_si128(a->eq, _mm_cmpeq_epi8(v, _mm_set1_epi8('=')));
    a->high = _mm_or_si128(a->high, v);   /* high bit: a byte >= 0x80 */
}

unsigned rp__scan_specials(const char *s, size_t n)
{
    if (n < 8)
        return bytes_bits((const unsigned char *)s, n);
    sb_acc_t a;
    a.pct = a.amp = a.bsl = a.plus = a.eq = a.high = _mm_setzero_si128();
    if (n < 16) {
        /* two 8-byte loads, overlapping when n < 16: one vector step */
        __m128i lo = _mm_loadl_epi64((const __m128i *)(const void *)s);
        __m128i hi = _mm_loadl_epi64((const __m128i *)(const void *)(s + n - 8));
        sb_add(&a, _mm_unpacklo_epi64(lo, hi));
    } else {
        for (size_t i = 0; i + 16 <= n; i += 16)
            sb_add(&a, _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        if (n % 16)   /* the tail, overlapping */
            sb_add(&a, _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)));
    }
    return (_mm_movemask_epi8(a.pct) ? RP__SB_PCT : 0u) |
           (_mm_movemask_epi8(a.amp) ? RP__SB_AMP : 0u) |
           (_mm_movemask_epi8(a.bsl) ? RP__SB_BSL : 0u) |
           (_mm_movemask_epi8(a.plus) ? RP__SB_PLUS : 0u) |
           (_mm_movemask_epi8(a.eq) ? RP__SB_EQ : 0u) |
           (_mm_movemask_epi8(a.high) ? RP__SB_HIGH : 0u);
}
#else
unsigned rp__scan_specials(const char *s, size_t n)
{
    return rp__scan_specials_scalar(s, n);
}
#endif

/* ---------------------------------------------------------------------- */
/* Percent decoding.                                                        */

/* Reads %uXXXX at s[i] (s[i] == '%'); returns the code units' value or -1. */
static long pct_u(const char *s, size_t n, size_t i)
{
    if (n - i < 6 || (s[i + 1] != 'u' && s[i + 1] != 'U'))
        return -1;
    long v = 0;
    for (size_t k = 2; k < 6; k++) {
        int d = hexval((unsigned char)s[i + k]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* The first offset at or after i where s holds a or b, or n: sixteen
 * bytes per step with SSE2 (form values have long runs between their
 * '+' and '%'). Reads nothing before i (in-place decoding wrote there). */
static size_t find2(const char *s, size_t i, size_t n, char a, char b)
{
#if defined(__SSE2__)
    __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < n && s[i] != a && s[i] != b)
        i++;
    return i;
}

size_t rp__pct_decode_ex(const char *s, size_t n, char *out, int plus_space, int *changed,
                         int *bad)
{
    size_t i = 0, o = 0;
    int ch = 0, b = 0;
    while (i < n) {
        /* Copy the run up to the next byte that may need work. */
        size_t j;
        if (plus_space) {
            j = find2(s, i, n, '%', '+');
        } else {
            const char *q = memchr(s + i, '%', n - i);
            j = q ? (size_t)(q - s) : n;
        }
        if (j > i) {
            if (out + o != s + i)
                memmove(out + o, s + i, j - i);
            o += j - i;
            i = j;
            if (i >= n)
                break;
        }
        if (s[i] == '+') {
            out[o++] = ' ';
            i++;
            ch = 1;
            continue;
        }
        /* s[i] == '%' */
        if (n - i >= 3 && is_hex((unsigned char)s[i + 1]) && is_hex((unsigned char)s[i + 2])) {
            out[o++] = (char)((unsigned)hexval((unsigned char)s[i + 1]) << 4 |
                              (unsigned)hexval((unsigned char)s[i + 2]));
            i += 3;
            ch = 1;
            continue;
        }
        long u = pct_u(s, n, i);
        if (u >= 0) {
            uint32_t cp = (uint32_t)u;
            size_t used = 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo = (n - i >= 12 && s[i + 6] == '%') ? pct_u(s, n, i + 6) : -1;
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    used = 12;
                }
            }
            o += rp__utf8_put(out + o, cp_sane(cp));
            i += used;
            ch = 1;
            continue;
        }
        out[o++] = '%';
        i++;
        b = 1;
    }
    if (changed && ch)
        *changed = 1;
    if (bad && b)
        *bad = 1;
    return o;
}

size_t rp__pct_decode(const char *s, size_t n, char *out, int plus_space, int *changed)
{
    return rp__pct_decode_ex(s, n, out, plus_space, changed, NULL);
}

/* ---------------------------------------------------------------------- */
/* HTML character references.                                               */

typedef struct entity {
    const char *name;
    unsigned char len;
    unsigned char legacy;   /* decoded even without ';' when followed by more letters */
    const char *utf8;
} entity_t;

#define E(n, leg, v) { n, sizeof(n) - 1, leg, v }
/* One array per name length (a name in the wrong one would never match:
 * test_decode decodes every name), each in no particular order: a lookup
 * compares only names of the right length, where one table walked whole
 * cost more than the rest of the decoding. Every replacement is shorter
 * than "&name", so decoding never grows the text. */
static const entity_t ent2[] = {
    E("lt", 1, "<"), E("LT", 1, "<"), E("gt", 1, ">"), E("GT", 1, ">")
};
static const entity_t ent3[] = {
    E("amp", 1, "&"), E("AMP", 1, "&"), E("Tab", 0, "\t"), E("tab", 0, "\t"), E("sol", 0, "/"),
    E("num", 0, "#"), E("Hat", 0, "^"), E("ast", 0, "*"), E("reg", 1, "\xc2\xae"),
    E("shy", 1, "\xc2\xad"), E("zwj", 0, "\xe2\x80\x8d")
};
static const entity_t ent4[] = {
    E("quot", 1, "\""), E("QUOT", 1, "\""), E("apos", 0, "'"), E("nbsp", 1, "\xc2\xa0"),
    E("lpar", 0, "("), E("rpar", 0, ")"), E("bsol", 0, "\\"), E("lsqb", 0, "["), E("rsqb", 0, "]"),
    E("lcub", 0, "{"), E("rcub", 0, "}"), E("semi", 0, ";"), E("excl", 0, "!"), E("vert", 0, "|"),
    E("plus", 0, "+"), E("dash", 0, "-"), E("copy", 1, "\xc2\xa9"), E("zwnj", 0, "\xe2\x80\x8c")
};
static const entity_t ent5[] = {
    E("colon", 0, ":"), E("comma", 0, ","), E("quest", 0, "?"), E("grave", 0, "`"),
    E("laquo", 1, "\xc2\xab"), E("raquo", 1, "\xc2\xbb"), E("lsquo", 0, "\xe2\x80\x98"),
    E("rsquo", 0, "\xe2\x80\x99"), E("ldquo", 0, "\xe2\x80\x9c"), E("rdquo", 0, "\xe2\x80\x9d")
};
static const entity_t ent6[] = {
    E("lbrack", 0, "["), E("rbrack", 0, "]"), E("lbrace", 0, "{"), E("rbrace", 0, "}"),
    E("period", 0, "."), E("equals", 0, "="), E("dollar", 0, "$"), E("percnt", 0, "%"),
    E("midast", 0, "*"), E("commat", 0, "@"), E("lowbar", 0, "_"), E("verbar", 0, "|"),
    E("hyphen", 0, "-")
};
static const entity_t ent7[] = {
    E("NewLine", 0, "\n"), E("newline", 0, "\n")
};
static const entity_t ent8[] = {
    E("UnderBar", 0, "_")
};
static const entity_t ent12[] = {
    E("VerticalLine", 0, "|")
};
static const entity_t ent16[] = {
    E("NonBreakingSpace", 0, "\xc2\xa0"), E("DiacriticalGrave", 0, "`")
};
#undef E

#define ENTITY_NAME_MAX 16   /* "NonBreakingSpace" */
#define LEGACY_NAME_MAX 5    /* "laquo" */

#define BY_LEN(n) [n] = { ent##n, RP_ARRAY_SIZE(ent##n) }
static const struct {
    const entity_t *v;
    size_t n;
} entities_by_len[ENTITY_NAME_MAX + 1] = {
    BY_LEN(2), BY_LEN(3), BY_LEN(4), BY_LEN(5), BY_LEN(6), BY_LEN(7), BY_LEN(8), BY_LEN(12),
    BY_LEN(16)
};
#undef BY_LEN

static const entity_t *entity_find(const char *p, size_t len, int legacy_only)
{
    if (len > ENTITY_NAME_MAX)
        return NULL;
    const entity_t *e = entities_by_len[len].v;
    for (size_t k = 0; k < entities_by_len[len].n; k++, e++) {
        if (e->name[0] == p[0] && e->len == len && (!legacy_only || e->legacy) &&
            memcmp(e->name, p, len) == 0)
            return e;
    }
    return NULL;
}

static inline int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Decodes the reference at s[i] == '&'. Returns the bytes consumed (0:
 * not a reference) and writes the replacement to out (*olen bytes). */
static size_t html_ref(const char *s, size_t n, size_t i, char *out, size_t *olen)
{
    size_t j = i + 1;
    if (j < n && s[j] == '#') {
        j++;
        int hex = j < n && (s[j] == 'x' || s[j] == 'X');
        if (hex)
            j++;
        size_t d0 = j;
        uint32_t cp = 0;
        while (j < n) {
            unsigned char c = (unsigned char)s[j];
            int d = hex ? hexval(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
            if (d < 0)
                break;
            if (cp <= 0x10FFFF)
                cp = cp * (hex ? 16 : 10) + (uint32_t)d;
            j++;
        }
        if (j == d0)
            return 0;
        if (j < n && s[j] == ';')
            j++;
        if (cp == 0)
            cp = RP__UTF8_REPLACEMENT;
        *olen = rp__utf8_put(out, cp_sane(cp));
        return j - i;
    }
    size_t k = j;
    while (k < n && k - j <= ENTITY_NAME_MAX && is_alnum((unsigned char)s[k]))
        k++;
    if (k == j)
        return 0;
    const entity_t *e = k - j <= ENTITY_NAME_MAX ? entity_find(s + j, k - j, 0) : NULL;
    if (e) {
        if (k < n && s[k] == ';')
            k++;
    } else {
        /* "&ltscript": the longest legacy name that prefixes the run
         * (a few lookups per '&' at most, whatever follows). */
        for (size_t len = RP_MIN(k - j - 1, (size_t)LEGACY_NAME_MAX); len >= 2 && !e; len--)
            e = entity_find(s + j, len, 1);
        if (!e)
            return 0;
        k = j + e->len;
    }
    size_t len = strlen(e->utf8);
    memcpy(out, e->utf8, len);
    *olen = len;
    return k - i;
}

size_t rp__html_unescape(const char *s, size_t n, char *out, int *changed)
{
    size_t i = 0, o = 0;
    int ch = 0;
    while (i < n) {
        const char *q = memchr(s + i, '&', n - i);
        size_t j = q ? (size_t)(q - s) : n;
        if (j > i) {
            if (out + o != s + i)
                memmove(out + o, s + i, j - i);
            o += j - i;
            i = j;
            if (i >= n)
                break;
        }
        char rep[4];
        size_t rlen = 0, used = html_ref(s, n, i, rep, &rlen);
        if (used == 0) {
            out[o++] = '&';
            i++;
            continue;
        }
        memcpy(out + o, rep, rlen);
        o += rlen;
        i += used;
        ch = 1;
    }
    if (changed && ch)
        *changed = 1;
    return o;
}

/* ---------------------------------------------------------------------- */
/* JavaScript and CSS escapes.                                              */

/* Decodes the escape at s[i] == '\\'; returns the bytes consumed (at
 * least 1) and writes the replacement (*olen bytes, at most consumed). */
static size_t js_escape(const char *s, size_t n, size_t i, char *out, size_t *olen)
{
    if (i + 1 >= n) {
        out[0] = '\\';
        *olen = 1;
        return 1;
    }
    unsigned char c = (unsigned char)s[i + 1];
    uint32_t cp;
    switch (c) {
    case 'n': out[0] = '\n'; *olen = 1; return 2;
    case 't': out[0] = '\t'; *olen = 1; return 2;
    case 'r': out[0] = '\r'; *olen = 1; return 2;
    case 'b': out[0] = '\b'; *olen = 1; return 2;
    case 'f': out[0] = '\f'; *olen = 1; return 2;
    case 'v': out[0] = '\v'; *olen = 1; return 2;
    case 'x':
        if (n - i >= 4 && is_hex((unsigned char)s[i + 2]) && is_hex((unsigned char)s[i + 3])) {
            cp = (uint32_t)hexval((unsigned char)s[i + 2]) << 4 |
                 (uint32_t)hexval((unsigned char)s[i + 3]);
            *olen = rp__utf8_put(out, cp);
            return 4;
        }
        break;
    case 'u':
        if (n - i >= 6 && is_hex((unsigned char)s[i + 2]) && is_hex((unsigned char)s[i + 3]) &&
            is_hex((unsigned char)s[i + 4]) && is_hex((unsigned char)s[i + 5])) {
            cp = 0;
            for (size_t k = 2; k < 6; k++)
                cp = cp << 4 | (uint32_t)hexval((unsigned char)s[i + k]);
            size_t used = 6;
            if (cp >= 0xD800 && cp <= 0xDBFF && n - i >= 12 && s[i + 6] == '\\' &&
                s[i + 7] == 'u') {
                uint32_t lo = 0;
                size_t k;
                for (k = 8; k < 12 && is_hex((unsigned char)s[i + k]); k++)
                    lo = lo << 4 | (uint32_t)hexval((unsigned char)s[i + k]);
                if (k == 12 && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    used = 12;
                }
            }
            *olen = rp__utf8_put(out, cp_sane(cp));
            return used;
        }
        if (n - i >= 4 && s[i + 2] == '{') {
            /* ES2015 \u{1F600} */
            size_t k = i + 3;
            cp = 0;
            while (k < n && k - i < 12 && is_hex((unsigned char)s[k])) {
                if (cp <= 0x10FFFF)
                    cp = cp << 4 | (uint32_t)hexval((unsigned char)s[k]);
                k++;
            }
            if (k > i + 3 && k < n && s[k] == '}') {
                *olen = rp__utf8_put(out, cp_sane(cp));
                return k + 1 - i;
            }
        }
        break;
    default:
        break;
    }
    if (is_hex(c)) {
        /* Digits: JS octal (\0 .. \377) or a CSS escape (1-6 hex digits
         * and one optional blank). Undecidable in general ("\41" is '!'
         * in JS, 'A' in CSS): octal when the run is only 1-3 octal digits
         * ("\047 or 1=1"); CSS when that gives an ASCII character ("\3c",
         * "\00003c"); else octal when the run starts with octal digits
         * ("\74b" is "<b"); else CSS. */
        size_t k = i + 1, od = 0;
        while (k < n && k - i <= 6 && is_hex((unsigned char)s[k]))
            k++;
        size_t nd = k - i - 1;
        while (od < nd && od < 3 && s[i + 1 + od] >= '0' && s[i + 1 + od] <= '7')
            od++;
        uint32_t css = 0;
        for (size_t m = i + 1; m < k; m++)
            css = css << 4 | (uint32_t)hexval((unsigned char)s[m]);
        int blank = k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n');
        int use_octal = od > 0 && (od == nd || css >= 0x80);
        if (use_octal) {
            cp = 0;
            size_t m;
            for (m = 0; m < od; m++) {
                uint32_t v = cp * 8 + (uint32_t)(s[i + 1 + m] - '0');
                if (v > 0377)
                    break;   /* "\777" is "\77" then '7' */
                cp = v;
            }
            *olen = rp__utf8_put(out, cp);
            return 1 + m;
        }
        if (blank)
            k++;
        *olen = rp__utf8_put(out, css == 0 ? RP__UTF8_REPLACEMENT : cp_sane(css));
        return k - i;
    }
    /* \\ \' \" \/ stand for the character. Any other escape ("\.",
     * "\w") is kept as written: dropping the backslash would turn the
     * Windows path "..\\..\\win.ini" into "....win.ini" and hide it. */
    if (c == '\\' || c == '\'' || c == '"' || c == '/') {
        out[0] = (char)c;
        *olen = 1;
        return 2;
    }
    out[0] = '\\';
    *olen = 1;
    return 1;
}

size_t rp__js_unescape(const char *s, size_t n, char *out, int *changed)
{
    size_t i = 0, o = 0;
    int ch = 0;
    while (i < n) {
        const char *q = memchr(s + i, '\\', n - i);
        size_t j = q ? (size_t)(q - s) : n;
        if (j > i) {
            if (out + o != s + i)
                memmove(out + o, s + i, j - i);
            o += j - i;
            i = j;
            if (i >= n)
                break;
        }
        char rep[4];
        size_t rlen = 0, used = js_escape(s, n, i, rep, &rlen);
        if (rlen == 1 && used == 1 && rep[0] == '\\') {
            out[o++] = '\\';
            i++;
            continue;
        }
        memcpy(out + o, rep, rlen);
        o += rlen;
        i += used;
        ch = 1;
    }
    if (changed && ch)
        *changed = 1;
    return o;
}

/* ---------------------------------------------------------------------- */
/* Base64.                                                                  */

/* 0..63, 64 for '=', 0xff for anything else. Both alphabets. */
static const unsigned char b64v[256] = {
    ['A'] = 0, ['B'] = 1, ['C'] = 2, ['D'] = 3, ['E'] = 4, ['F'] = 5, ['G'] = 6, ['H'] = 7,
    ['I'] = 8, ['J'] = 9, ['K'] = 10, ['L'] = 11, ['M'] = 12, ['N'] = 13, ['O'] = 14,
    ['P'] = 15, ['Q'] = 16, ['R'] = 17, ['S'] = 18, ['T'] = 19, ['U'] = 20, ['V'] = 21,
    ['W'] = 22, ['X'] = 23, ['Y'] = 24, ['Z'] = 25, ['a'] = 26, ['b'] = 27, ['c'] = 28,
    ['d'] = 29, ['e'] = 30, ['f'] = 31, ['g'] = 32, ['h'] = 33, ['i'] = 34, ['j'] = 35,
    ['k'] = 36, ['l'] = 37, ['m'] = 38, ['n'] = 39, ['o'] = 40, ['p'] = 41, ['q'] = 42,
    ['r'] = 43, ['s'] = 44, ['t'] = 45, ['u'] = 46, ['v'] = 47, ['w'] = 48, ['x'] = 49,
    ['y'] = 50, ['z'] = 51, ['0'] = 52, ['1'] = 53, ['2'] = 54, ['3'] = 55, ['4'] = 56,
    ['5'] = 57, ['6'] = 58, ['7'] = 59, ['8'] = 60, ['9'] = 61, ['+'] = 62, ['-'] = 62,
    ['/'] = 63, ['_'] = 63, ['='] = 64,
};

/* The value of c, or 0xff. 'A' maps to 0, so the table's zero default
 * cannot mark invalid bytes: check membership explicitly. */
static inline unsigned b64_of(unsigned char c)
{
    if (c == 'A')
        return 0;
    return b64v[c] ? b64v[c] : 0xff;
}

/* Checks shape: alphabet (one of the two, not mixed), '=' only as 1-2
 * bytes of final padding, a length that can be base64. Returns the number
 * of data characters (padding excluded) or (size_t)-1. */
static size_t b64_shape(const char *s, size_t n)
{
    size_t m = n;
    while (m > 0 && s[m - 1] == '=' && n - m < 2)
        m--;
    if (m < n && n % 4 != 0)
        return (size_t)-1;
    if (m % 4 == 1)
        return (size_t)-1;
    int std = 0, url = 0;
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned v = b64_of(c);
        if (v >= 64)
            return (size_t)-1;
        if (c == '+' || c == '/')
            std = 1;
        else if (c == '-' || c == '_')
            url = 1;
    }
    if (std && url)
        return (size_t)-1;
    return m;
}

/* Decodes m data characters already checked (b64_shape: no padding, no
 * byte outside the alphabets), so the table's values serve as they are. */
static size_t b64_decode_data(const char *s, size_t m, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0;
    for (; i + 4 <= m; i += 4) {
        uint32_t v = (uint32_t)b64v[u[i]] << 18 | (uint32_t)b64v[u[i + 1]] << 12 |
                     (uint32_t)b64v[u[i + 2]] << 6 | b64v[u[i + 3]];
        out[o++] = (char)(v >> 16);
        out[o++] = (char)(v >> 8);
        out[o++] = (char)v;
    }
    size_t rest = m - i;
    if (rest >= 2) {
        uint32_t v = (uint32_t)b64v[u[i]] << 18 | (uint32_t)b64v[u[i + 1]] << 12;
        if (rest == 3)
            v |= (uint32_t)b64v[u[i + 2]] << 6;
        out[o++] = (char)(v >> 16);
        if (rest == 3)
            out[o++] = (char)(v >> 8);
    }
    return o;
}

size_t rp__base64_decode(const char *s, size_t n, char *out)
{
    size_t m = b64_shape(s, n);
    if (m == (size_t)-1)
        return (size_t)-1;
    return b64_decode_data(s, m, out);
}

int rp__looks_compressed(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 3 && u[0] == 0x1f && u[1] == 0x8b && u[2] == 8)
        return 1;
    return n >= 2 && (u[0] & 0x0f) == 8 && (u[0] >> 4) <= 7 && ((u[0] << 8) | u[1]) % 31 == 0;
}

/* Classes of the bytes of both base64 alphabets (0: not one of them). */
enum {
    K_B64 = 1, K_LOWER = 2, K_UPPER = 4, K_DIGIT = 8, K_HEX = 16,
    K_STD = 32,   /* '+' '/': the standard alphabet */
    K_URL = 64,   /* '-' '_': the URL one */
    K_PAD = 128,  /* '=' */
};
#define LO (K_B64 | K_LOWER)
#define UP (K_B64 | K_UPPER)
#define DI (K_B64 | K_DIGIT | K_HEX)
static const unsigned char b64_class[256] = {
    ['a'] = LO | K_HEX, ['b'] = LO | K_HEX, ['c'] = LO | K_HEX, ['d'] = LO | K_HEX,
    ['e'] = LO | K_HEX, ['f'] = LO | K_HEX, ['g'] = LO, ['h'] = LO, ['i'] = LO, ['j'] = LO,
    ['k'] = LO, ['l'] = LO, ['m'] = LO, ['n'] = LO, ['o'] = LO, ['p'] = LO, ['q'] = LO,
    ['r'] = LO, ['s'] = LO, ['t'] = LO, ['u'] = LO, ['v'] = LO, ['w'] = LO, ['x'] = LO,
    ['y'] = LO, ['z'] = LO,
    ['A'] = UP | K_HEX, ['B'] = UP | K_HEX, ['C'] = UP | K_HEX, ['D'] = UP | K_HEX,
    ['E'] = UP | K_HEX, ['F'] = UP | K_HEX, ['G'] = UP, ['H'] = UP, ['I'] = UP, ['J'] = UP,
    ['K'] = UP, ['L'] = UP, ['M'] = UP, ['N'] = UP, ['O'] = UP, ['P'] = UP, ['Q'] = UP,
    ['R'] = UP, ['S'] = UP, ['T'] = UP, ['U'] = UP, ['V'] = UP, ['W'] = UP, ['X'] = UP,
    ['Y'] = UP, ['Z'] = UP,
    ['0'] = DI, ['1'] = DI, ['2'] = DI, ['3'] = DI, ['4'] = DI, ['5'] = DI, ['6'] = DI,
    ['7'] = DI, ['8'] = DI, ['9'] = DI,
    ['+'] = K_B64 | K_STD, ['/'] = K_B64 | K_STD, ['_'] = K_B64 | K_URL,
    ['-'] = K_B64 | K_URL | K_HEX, ['='] = K_B64 | K_PAD,
};
#undef LO
#undef UP
#undef DI

/* Bytes of the decoded prefix looked at by the plausibility test. */
#define B64_PROBE 192

/* The first pass of the plausibility test: the cheap rejections, a byte
 * outside the alphabets (text with blanks or dots, most values, stops at
 * once), text of one class only ("ABCDEFGHIJKLMNOP", all digits), hex
 * with dashes (digests, UUIDs). Returns 0 for those, else the K_* classes
 * present, from which b64_plausible_rest() also reads the shape. */
static unsigned b64_classes_scalar(const char *s, size_t n)
{
    unsigned any = 0, all = K_HEX;
    for (size_t i = 0; i < n; i++) {
        unsigned c = b64_class[(unsigned char)s[i]];
        if (!c)
            return 0;
        any |= c;
        all &= c;
    }
    if (((any & K_LOWER) != 0) + ((any & K_UPPER) != 0) + ((any & K_DIGIT) != 0) < 2 ||
        (all & K_HEX))
        return 0;
    return any;
}

#if defined(__SSE2__)
/* bytes of v in [lo, hi] (ASCII bounds: bytes >= 0x80 compare negative
 * and never match) */
static inline __m128i in_range(__m128i v, char lo, char hi)
{
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1))));
}

/* b64_classes_scalar() sixteen bytes per step; n >= 16. Long tokens of
 * the alphabet (ids, hex digests, numbers) are common, and were the cost
 * of the byte loop. */
static unsigned b64_classes(const char *s, size_t n)
{
    __m128i lower_any = _mm_setzero_si128(), upper_any = lower_any, digit_any = lower_any;
    __m128i std_any = lower_any, url_any = lower_any, pad_any = lower_any;
    __m128i hex_all = _mm_set1_epi8((char)0xff);
    size_t i = 0;
    for (;;) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i lower = in_range(v, 'a', 'z'), upper = in_range(v, 'A', 'Z');
        __m128i digit = in_range(v, '0', '9'), dash = _mm_cmpeq_epi8(v, _mm_set1_epi8('-'));
        __m128i std = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')),
                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
        __m128i url = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')), dash);
        __m128i pad = _mm_cmpeq_epi8(v, _mm_set1_epi8('='));
        __m128i ok = _mm_or_si128(_mm_or_si128(lower, upper), _mm_or_si128(digit, pad));
        if (_mm_movemask_epi8(_mm_or_si128(ok, _mm_or_si128(std, url))) != 0xffff)
            return 0;
        lower_any = _mm_or_si128(lower_any, lower);
        upper_any = _mm_or_si128(upper_any, upper);
        digit_any = _mm_or_si128(digit_any, digit);
        std_any = _mm_or_si128(std_any, std);
        url_any = _mm_or_si128(url_any, url);
        pad_any = _mm_or_si128(pad_any, pad);
        /* hex: digits, '-', a-f either case (v | 0x20 folds only A-F onto a-f) */
        __m128i hexl = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'f');
        hex_all = _mm_and_si128(hex_all, _mm_or_si128(_mm_or_si128(digit, dash), hexl));
        if (i + 16 >= n)
            break;
        i = RP_MIN(i + 16, n - 16);   /* the last step overlaps the one before */
    }
    unsigned any = (_mm_movemask_epi8(lower_any) ? K_LOWER : 0u) |
                   (_mm_movemask_epi8(upper_any) ? K_UPPER : 0u) |
                   (_mm_movemask_epi8(digit_any) ? K_DIGIT : 0u);
    if (any == K_LOWER || any == K_UPPER || any == K_DIGIT || any == 0 ||
        _mm_movemask_epi8(hex_all) == 0xffff)
        return 0;
    return any | K_B64 | (_mm_movemask_epi8(std_any) ? K_STD : 0u) |
           (_mm_movemask_epi8(url_any) ? K_URL : 0u) | (_mm_movemask_epi8(pad_any) ? K_PAD : 0u);
}
#else
static unsigned b64_classes(const char *s, size_t n)
{
    return b64_classes_scalar(s, n);
}
#endif

/* The rest of the test, for s whose bytes are all in the alphabets with
 * the classes `any`: b64_shape() without its byte loop (what it checks
 * byte by byte, `any` says), then the decoded prefix must look like text
 * or compressed data. */
static int b64_plausible_rest(const char *s, size_t n, unsigned any)
{
    size_t m = n;
    while (m > 0 && s[m - 1] == '=' && n - m < 2)
        m--;
    if ((m < n && n % 4 != 0) || m % 4 == 1)
        return 0;
    /* '=' only as the padding; one alphabet, not both */
    if (((any & K_PAD) && memchr(s, '=', m)) || ((any & K_STD) && (any & K_URL)))
        return 0;
    /* The probe: whole quanta (n >= 16 leaves m >= 14: at least three),
     * decoded as the test below reaches them, 18 bytes at a time (random
     * bytes fail it within about as many). */
    char buf[B64_PROBE / 4 * 3];
    size_t probe = RP_MIN(m, (size_t)B64_PROBE) & ~(size_t)3;
    size_t len = probe / 4 * 3;
    size_t dec = b64_decode_data(s, RP_MIN((size_t)24, probe), buf);
#define DECODE_AHEAD(upto)                                                          \
    while (dec < (upto))                                                            \
        dec += b64_decode_data(s + dec / 3 * 4, RP_MIN((size_t)24, probe - dec / 3 * 4), \
                               buf + dec)
    if (rp__looks_compressed(buf, RP_MIN(dec, len)))   /* reads 3 bytes; dec >= 9 */
        return 1;
    /* Mostly text: printable ASCII, blanks, or valid UTF-8 sequences; at
     * most 5% of the bytes rejected, so the test ends at the byte that
     * makes it more (random bytes, most tokens, within a few). */
    size_t good = 0, bad = 0;
    for (size_t i = 0; i < len;) {
        DECODE_AHEAD(RP_MIN(i + 4, len));   /* a UTF-8 sequence is 4 bytes at most */
        unsigned char c = (unsigned char)buf[i];
        if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r') {
            good++;
            i++;
            continue;
        }
        size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        if (k && i + k <= len && rp__utf8_check(buf + i, k) == 0) {
            good += k;
            i += k;
            continue;
        }
        if (k && i + k > len) {   /* cut by the probe */
            good += len - i;
            break;
        }
        i++;
        if (++bad * 100 > len * 5)   /* good ends below 95% of len */
            return 0;
    }
    return len > 0 && good * 100 >= len * 95;
#undef DECODE_AHEAD
}

int rp__base64_plausible(const char *s, size_t n)
{
    unsigned any = n >= 16 ? b64_classes(s, n) : 0;
    return any && b64_plausible_rest(s, n, any);
}

int rp__base64_plausible_scalar(const char *s, size_t n)
{
    unsigned any = n >= 16 ? b64_classes_scalar(s, n) : 0;
    return any && b64_plausible_rest(s, n, any);
}

/* ---------------------------------------------------------------------- */
/* UTF-8.                                                                   */

unsigned rp__utf8_check(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned r = 0;
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path, eight at a time. */
        while (n - i >= 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (v & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        uint32_t cp, min;
        if (c >= 0xC0 && c <= 0xDF) {
            k = 2; cp = c & 0x1F; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 3; cp = c & 0x0F; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF7) {
            k = 4; cp = c & 0x07; min = 0x10000;
        } else {
            r |= RP__UTF8_INVALID;
            i++;
            continue;
        }
        size_t m = 1;
        while (m < k && i + m < n && (s[i + m] & 0xC0) == 0x80) {
            cp = cp << 6 | (s[i + m] & 0x3F);
            m++;
        }
        if (m < k) {
            r |= RP__UTF8_INVALID;
            i += m;
            continue;
        }
        if (cp < min) {
            r |= RP__UTF8_INVALID | RP__UTF8_OVERLONG;
        } else if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            r |= RP__UTF8_INVALID;
        }
        i += k;
    }
    return r;
}

size_t rp__utf8_unoverlong(const char *str, size_t n, char *out)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k = 0;
        uint32_t cp = 0, min = 0;
        if (c >= 0xC0 && c <= 0xDF) {
            k = 2; cp = c & 0x1F; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 3; cp = c & 0x0F; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF7) {
            k = 4; cp = c & 0x07; min = 0x10000;
        }
        if (k && i + k <= n) {
            size_t m = 1;
            while (m < k && (s[i + m] & 0xC0) == 0x80) {
                cp = cp << 6 | (s[i + m] & 0x3F);
                m++;
            }
            if (m == k && cp < min) {
                o += rp__utf8_put(out + o, cp);
                i += k;
                continue;
            }
        }
        out[o++] = (char)c;
        i++;
    }
    return o;
}

/* ---------------------------------------------------------------------- */
/* gzip / deflate.                                                          */

static voidpf z_arena_alloc(voidpf opaque, uInt items, uInt size)
{
    if (size && items > (uInt)-1 / size)
        return Z_NULL;
    return rp_arena_alloc(opaque, (size_t)items * size);
}

static void z_arena_free(voidpf opaque, voidpf p)
{
    RP_UNUSED(opaque);
    RP_UNUSED(p);   /* freed with the arena */
}

int rp__inflate(const char *s, size_t n, int gzip, size_t max_out, unsigned max_ratio,
                rp_arena_t *arena, rp_str_t *out)
{
    *out = rp_str(s, 0);
    /* The cap: max_out, and max_ratio times the input (overflow-safe). */
    size_t limit = max_out;
    if (max_ratio && n <= SIZE_MAX / max_ratio && n * max_ratio < limit)
        limit = n * max_ratio;
    if (n == 0)
        return -1;

    z_stream z;
    memset(&z, 0, sizeof(z));
    z.zalloc = z_arena_alloc;
    z.zfree = z_arena_free;
    z.opaque = arena;
    int wbits;
    if (gzip)
        wbits = 15 + 16;
    else
        wbits = rp__looks_compressed(s, n) ? 15 : -15;   /* zlib header, else raw deflate */
    if (inflateInit2(&z, wbits) != Z_OK)
        return RP_ENOMEM;

    size_t cap = RP_MIN(limit, RP_MAX((size_t)4096, n * 4));
    char *buf = rp_arena_alloc(arena, cap ? cap : 1);
    if (!buf) {
        inflateEnd(&z);
        return RP_ENOMEM;
    }
    size_t used = 0;
    const unsigned char *in = (const unsigned char *)s;
    size_t in_left = n;
    int rc = 0;
    for (;;) {
        if (used == cap) {
            if (cap >= limit) {
                rc = -2;
                break;
            }
            size_t ncap = cap > limit / 2 ? limit : cap * 2;
            char *nb = rp_arena_alloc(arena, ncap);
            if (!nb) {
                rc = RP_ENOMEM;
                break;
            }
            memcpy(nb, buf, used);
            buf = nb;
            cap = ncap;
        }
        /* zlib counts in uInt: feed at most 1 GiB per call. */
        uInt ain = (uInt)RP_MIN(in_left, (size_t)1 << 30);
        uInt aout = (uInt)RP_MIN(cap - used, (size_t)1 << 30);
        z.next_in = (Bytef *)(uintptr_t)in;
        z.avail_in = ain;
        z.next_out = (Bytef *)buf + used;
        z.avail_out = aout;
        int zr = inflate(&z, Z_NO_FLUSH);
        size_t took = ain - z.avail_in, made = aout - z.avail_out;
        in += took;
        in_left -= took;
        used += made;
        if (zr == Z_STREAM_END) {
            /* Concatenated gzip members are one body (RFC 1952 2.2). */
            if (gzip && in_left >= 3 && in[0] == 0x1f && in[1] == 0x8b) {
                if (inflateReset(&z) != Z_OK) {
                    rc = -1;
                    break;
                }
                continue;
            }
            break;
        }
        if (zr == Z_BUF_ERROR && in_left == 0 && z.avail_in == 0 && used < cap) {
            rc = -1;   /* input ended inside the stream */
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = zr == Z_MEM_ERROR ? RP_ENOMEM : -1;
            break;
        }
        if (took == 0 && made == 0 && used < cap) {
            rc = -1;   /* no progress possible */
            break;
        }
    }
    inflateEnd(&z);
    *out = rp_str(buf, used);
    return rc;
}
