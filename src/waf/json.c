/*
 * json.c - a strict RFC 8259 SAX parser (rampart/json.h).
 *
 * One pass, no recursion: an explicit stack of container kinds (one bit
 * per level: object or array) drives a small state machine written with
 * gotos. Strings are scanned eight bytes at a time for the three bytes
 * that end a plain run ('"', '\\' and controls below 0x20); a string
 * without escapes reaches the callback as a slice of the input, one with
 * escapes is decoded into a buffer taken from the scratch arena and
 * reused (grown when needed) for every later escaped string of the parse.
 *
 * What is refused: anything the RFC grammar does not allow (leading
 * zeros, "+1", ".5", "1.", bare control characters in strings, unknown
 * escapes, single quotes, comments, trailing commas, trailing garbage).
 * What is tolerated: invalid UTF-8 inside strings (passed through: the
 * engine must see it) and lone surrogate escapes (decoded to U+FFFD).
 */
#include "rampart/json.h"

#include "waf/decode_int.h"

/* Character classes for the scalar paths. */
#define C_WS 1u    /* JSON whitespace */
#define C_STR 2u   /* ends a plain string run: '"', '\\', < 0x20 */
#define C_DIGIT 4u

static const unsigned char cls[256] = {
    ['\t'] = C_WS | C_STR, ['\n'] = C_WS | C_STR, ['\r'] = C_WS | C_STR, [' '] = C_WS,
    [0] = C_STR, [1] = C_STR, [2] = C_STR, [3] = C_STR, [4] = C_STR, [5] = C_STR,
    [6] = C_STR, [7] = C_STR, [8] = C_STR, [11] = C_STR, [12] = C_STR, [14] = C_STR,
    [15] = C_STR, [16] = C_STR, [17] = C_STR, [18] = C_STR, [19] = C_STR, [20] = C_STR,
    [21] = C_STR, [22] = C_STR, [23] = C_STR, [24] = C_STR, [25] = C_STR, [26] = C_STR,
    [27] = C_STR, [28] = C_STR, [29] = C_STR, [30] = C_STR, [31] = C_STR,
    ['"'] = C_STR, ['\\'] = C_STR,
    ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
    ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Returns the first byte at or after p that ends a plain string run, or
 * end. Eight bytes per step: a word has such a byte iff it has a byte
 * equal to '"' or '\\' or below 0x20 (exact SWAR tests, no false
 * negatives; the byte loop then finds which one). */
static const unsigned char *scan_plain(const unsigned char *p, const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
        uint64_t t = (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v)) & HIGHS;
        if (t) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* the lowest flagged byte is exact (a borrow only flags bytes
             * above a real match): it is the first one */
            return p + __builtin_ctzll(t) / 8;
#else
            break;
#endif
        }
        p += 8;
    }
    while (p < end && !(cls[*p] & C_STR))
        p++;
    return p;
}

static int hex4(const unsigned char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

typedef struct jbuf {
    char *p;
    size_t cap;
    rp_arena_t *a;
} jbuf_t;

/* Makes room for `need` bytes (the decoded string so far is kept). */
static int jbuf_reserve(jbuf_t *b, size_t used, size_t need)
{
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *np = b->a ? rp_arena_alloc(b->a, cap) : NULL;
    if (!np)
        return -1;
    if (used)
        memcpy(np, b->p, used);
    b->p = np;
    b->cap = cap;
    return 0;
}

/*
 * Parses the string whose opening quote is at *pp - 1. On success *pp is
 * past the closing quote, *raw the text between the quotes and *val the
 * decoded text. Returns 0, RP_JSON_SYNTAX (*pp at the offending byte) or
 * RP_JSON_NOMEM.
 */
static int parse_string(const unsigned char **pp, const unsigned char *end, jbuf_t *buf,
                        rp_str_t *raw, rp_str_t *val)
{
    const unsigned char *start = *pp, *p = scan_plain(start, end);
    if (p < end && *p == '"') {
        *raw = *val = rp_str((const char *)start, (size_t)(p - start));
        *pp = p + 1;
        return 0;
    }
    /* Escapes (or an error): decode into the buffer. The output is never
     * longer than the input, so the remaining input bounds what we need;
     * grow by doubling as the string proves longer. */
    size_t o = 0;
    for (;;) {
        if (p >= end || *p < 0x20) {
            *pp = p;
            return RP_JSON_SYNTAX;
        }
        size_t run = (size_t)(p - start);
        if (jbuf_reserve(buf, o, o + run + 4) < 0 || !buf->p)
            return RP_JSON_NOMEM;
        if (run)
            memcpy(buf->p + o, start, run);
        o += run;
        if (*p == '"')
            break;
        /* *p == '\\' */
        if (end - p < 2) {
            *pp = end;
            return RP_JSON_SYNTAX;
        }
        unsigned char e = p[1];
        char *out = buf->p + o;
        switch (e) {
        case '"': case '\\': case '/':
            *out = (char)e; o++; p += 2; break;
        case 'b': *out = '\b'; o++; p += 2; break;
        case 'f': *out = '\f'; o++; p += 2; break;
        case 'n': *out = '\n'; o++; p += 2; break;
        case 'r': *out = '\r'; o++; p += 2; break;
        case 't': *out = '\t'; o++; p += 2; break;
        case 'u': {
            uint32_t cp, lo;
            if (end - p < 6 || hex4(p + 2, &cp) < 0) {
                *pp = p;
                return RP_JSON_SYNTAX;
            }
            p += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                /* A high surrogate needs a low one right after it. */
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, &lo) == 0 &&
                    lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                } else {
                    cp = RP__UTF8_REPLACEMENT;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = RP__UTF8_REPLACEMENT;
            }
            o += rp__utf8_put(out, cp);
            break;
        }
        default:
            *pp = p;
            return RP_JSON_SYNTAX;
        }
        start = p;
        p = scan_plain(p, end);
    }
    *raw = rp_str((const char *)*pp, (size_t)(p - *pp));
    *val = rp_str(buf->p, o);
    *pp = p + 1;
    return 0;
}

/* Number per RFC 8259 section 6; *pp at its first byte. Returns the end,
 * or NULL when malformed (*pp then at the offending byte). */
static const unsigned char *parse_number(const unsigned char **pp, const unsigned char *end)
{
    const unsigned char *p = *pp;
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
    } else if (p < end && *p >= '1' && *p <= '9') {
        while (p < end && (cls[*p] & C_DIGIT))
            p++;
    } else {
        *pp = p;
        return NULL;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !(cls[*p] & C_DIGIT)) {
            *pp = p;
            return NULL;
        }
        while (p < end && (cls[*p] & C_DIGIT))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !(cls[*p] & C_DIGIT)) {
            *pp = p;
            return NULL;
        }
        while (p < end && (cls[*p] & C_DIGIT))
            p++;
    }
    return p;
}

#define SKIP_WS(p, end)                               \
    while ((p) < (end) && (cls[*(p)] & C_WS))         \
        (p)++

#define EMIT(ev, v, r)                                \
    do {                                              \
        if (cb(ud, (ev), (v), (r)) != 0) {            \
            rc = RP_JSON_ABORTED;                     \
            goto out;                                 \
        }                                             \
    } while (0)

#define FAIL(code, at)                                \
    do {                                              \
        rc = (code);                                  \
        errp = (at);                                  \
        goto out;                                     \
    } while (0)

/* Bits of the container stack held on the C stack; deeper documents use
 * a stack from the scratch arena. */
#define SMALL_STACK_WORDS 64

int rp_json_parse(const char *s, size_t n, size_t max_depth, rp_arena_t *scratch, rp_json_cb cb,
                  void *ud, size_t *err_pos)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *errp = NULL;
    uint64_t small[SMALL_STACK_WORDS], *stack = small;
    size_t depth = 0;
    jbuf_t buf = { NULL, 0, scratch };
    rp_str_t raw, val;
    int rc = RP_JSON_OK;

    /* A level needs at least one input byte: no deeper stack is useful. */
    if (max_depth > n)
        max_depth = n;
    if (max_depth >= SMALL_STACK_WORDS * 64) {
        stack = scratch ? rp_arena_alloc(scratch, (max_depth / 64 + 1) * sizeof(uint64_t)) : NULL;
        if (!stack)
            return RP_JSON_NOMEM;
    }

value:
    SKIP_WS(p, end);
    if (p >= end)
        FAIL(RP_JSON_SYNTAX, p);
    switch (*p) {
    case '{':
        if (depth >= max_depth)
            FAIL(RP_JSON_TOO_DEEP, p);
        if (depth % 64 == 0)
            stack[depth / 64] = 0;   /* levels are pushed in order: a word is new here */
        stack[depth / 64] |= 1ull << (depth % 64);
        depth++;
        EMIT(RP_JSON_OBJECT_BEGIN, rp_str((const char *)p, 0), rp_str((const char *)p, 1));
        p++;
        SKIP_WS(p, end);
        if (p < end && *p == '}') {
            depth--;
            EMIT(RP_JSON_OBJECT_END, rp_str((const char *)p, 0), rp_str((const char *)p, 1));
            p++;
            goto after;
        }
        goto key;
    case '[':
        if (depth >= max_depth)
            FAIL(RP_JSON_TOO_DEEP, p);
        if (depth % 64 == 0)
            stack[depth / 64] = 0;
        stack[depth / 64] &= ~(1ull << (depth % 64));
        depth++;
        EMIT(RP_JSON_ARRAY_BEGIN, rp_str((const char *)p, 0), rp_str((const char *)p, 1));
        p++;
        SKIP_WS(p, end);
        if (p < end && *p == ']') {
            depth--;
            EMIT(RP_JSON_ARRAY_END, rp_str((const char *)p, 0), rp_str((const char *)p, 1));
            p++;
            goto after;
        }
        goto value;
    case '"': {
        p++;
        int r = parse_string(&p, end, &buf, &raw, &val);
        if (r == RP_JSON_NOMEM)
            FAIL(r, p);
        if (r < 0)
            FAIL(r, p);
        EMIT(RP_JSON_STRING, val, raw);
        goto after;
    }
    case 't':
        if (end - p < 4 || memcmp(p, "true", 4) != 0)
            FAIL(RP_JSON_SYNTAX, p);
        raw = rp_str((const char *)p, 4);
        EMIT(RP_JSON_TRUE, raw, raw);
        p += 4;
        goto after;
    case 'f':
        if (end - p < 5 || memcmp(p, "false", 5) != 0)
            FAIL(RP_JSON_SYNTAX, p);
        raw = rp_str((const char *)p, 5);
        EMIT(RP_JSON_FALSE, raw, raw);
        p += 5;
        goto after;
    case 'n':
        if (end - p < 4 || memcmp(p, "null", 4) != 0)
            FAIL(RP_JSON_SYNTAX, p);
        raw = rp_str((const char *)p, 4);
        EMIT(RP_JSON_NULL, raw, raw);
        p += 4;
        goto after;
    default: {
        const unsigned char *q = p, *e = parse_number(&q, end);
        if (!e)
            FAIL(RP_JSON_SYNTAX, q);
        raw = rp_str((const char *)p, (size_t)(e - p));
        EMIT(RP_JSON_NUMBER, raw, raw);
        p = e;
        goto after;
    }
    }

key:
    /* p at the first non-blank byte where a member name must start. */
    if (p >= end || *p != '"')
        FAIL(RP_JSON_SYNTAX, p);
    p++;
    {
        int r = parse_string(&p, end, &buf, &raw, &val);
        if (r < 0)
            FAIL(r, p);
    }
    EMIT(RP_JSON_KEY, val, raw);
    SKIP_WS(p, end);
    if (p >= end || *p != ':')
        FAIL(RP_JSON_SYNTAX, p);
    p++;
    goto value;

after:
    /* A value just ended; what may follow depends on the container. */
    SKIP_WS(p, end);
    if (depth == 0) {
        if (p != end)
            FAIL(RP_JSON_SYNTAX, p);
        goto out;
    }
    if (p >= end)
        FAIL(RP_JSON_SYNTAX, p);
    if (stack[(depth - 1) / 64] & (1ull << ((depth - 1) % 64))) {
        if (*p == ',') {
            p++;
            SKIP_WS(p, end);
            goto key;
        }
        if (*p == '}') {
            depth--;
            EMIT(RP_JSON_OBJECT_END, rp_str((const char *)p, 0), rp_str((const char *)p, 1));
            p++;
            goto after;
        }
    } else {
        if (*p == ',') {
            p++;
            goto value;
        }
        if (*p == ']') {
            depth--;
            EMIT(RP_JSON_ARRAY_END, rp_str((const char *)p, 0), rp_str((const char *)p, 1));
            p++;
            goto after;
        }
    }
    FAIL(RP_JSON_SYNTAX, p);

out:
    if (err_pos) {
        if (rc == RP_JSON_OK)
            *err_pos = 0;
        else
            *err_pos = (size_t)((errp ? errp : p) - (const unsigned char *)s);
    }
    return rc;
}
