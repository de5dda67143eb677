/* Growable byte buffer. Doubles capacity; never aborts on ENOMEM. */
#include "rampart/core.h"

#include <stdio.h>
#include <stdlib.h>

void rp_buf_dispose(rp_buf_t *b)
{
    free(b->p);
    rp_buf_init(b);
}

int rp_buf_reserve(rp_buf_t *b, size_t n)
{
    if (b->cap - b->len >= n)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2)
            return RP_ENOMEM;
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p)
        return RP_ENOMEM;
    b->p = p;
    b->cap = cap;
    return 0;
}

int rp__buf_append_slow(rp_buf_t *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (rp_buf_reserve(b, n))
        return RP_ENOMEM;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

int rp_buf_append_cstr(rp_buf_t *b, const char *s)
{
    return rp_buf_append(b, s, strlen(s));
}

int rp_buf_printf(rp_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return RP_EINVAL;
    if ((size_t)n >= b->cap - b->len) {
        if (rp_buf_reserve(b, (size_t)n + 1))
            return RP_ENOMEM;
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    unsigned cp = c & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int rp_buf_append_json_str(rp_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (rp_buf_reserve(b, n + 16))
        return RP_ENOMEM;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && u[run] >= 0x20 && u[run] < 0x7f && u[run] != '"' && u[run] != '\\')
            run++;
        if (run > i) {
            if (rp_buf_append(b, s + i, run - i))
                return RP_ENOMEM;
            i = run;
            continue;
        }
        unsigned c = u[i];
        char esc[8];
        size_t elen = 2;
        esc[0] = '\\';
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
        } else if (c == '\n') {
            esc[1] = 'n';
        } else if (c == '\r') {
            esc[1] = 'r';
        } else if (c == '\t') {
            esc[1] = 't';
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        } else {
            size_t l = utf8_seq_len(u + i, n - i);
            if (l > 1) {
                if (rp_buf_append(b, s + i, l))
                    return RP_ENOMEM;
                i += l;
                continue;
            }
            /* Invalid UTF-8 byte: shown as \u00XX so the line stays valid. */
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        if (rp_buf_append(b, esc, elen))
            return RP_ENOMEM;
        i++;
    }
    return 0;
}

void rp_buf_consume(rp_buf_t *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
}

int rp_buf_append_u64(rp_buf_t *b, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return rp_buf_append(b, tmp + i, sizeof(tmp) - i);
}

int rp_buf_append_hex(rp_buf_t *b, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    size_t i = sizeof(tmp);
    do {
        tmp[--i] = hex[v & 15];
        v >>= 4;
    } while (v);
    return rp_buf_append(b, tmp + i, sizeof(tmp) - i);
}
