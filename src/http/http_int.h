/*
 * http_int.h - internals shared by the HTTP/1.1 parsers (src/http only).
 *
 * One 256-entry table classifies every byte; the parsers' inner loops are
 * "while (rp__http_cc[c] & CLASS) p++" so the common path is one load and
 * one test per byte, with the CR that ends every line as the sentinel.
 */
#ifndef RAMPART_HTTP_INT_H
#define RAMPART_HTTP_INT_H

#include "rampart/http.h"

enum {
    RP__CC_TCHAR = 1,  /* token character (RFC 9110 5.6.2) */
    RP__CC_FVAL = 2,   /* field-value byte: HTAB, SP, VCHAR, obs-text */
    RP__CC_TARGET = 4, /* request-target byte: visible ASCII 0x21-0x7e */
    RP__CC_HOST = 8,   /* host name byte we accept: ALPHA DIGIT - . _ ~ */
    RP__CC_HEX = 16,   /* HEXDIG */
    RP__CC_DIGIT = 32, /* DIGIT */
};

extern const unsigned char rp__http_cc[256];

#define RP__CC(c, cls) (rp__http_cc[(unsigned char)(c)] & (cls))

/* Case-insensitive comparison of a slice with a literal of length n. */
static inline int rp__http_ieq_lit(rp_str_t s, const char *lit, size_t n)
{
    return rp_str_ieq(s, rp_str(lit, n));
}

/*
 * Validates one field line without its CRLF ("name: value"): name is
 * 1*tchar followed at once by ':', the value only HTAB, SP, VCHAR and
 * obs-text. Returns 0, or -1 with *why and *bad (offset in the line).
 * Used for trailer fields; the head parser has its own fused loop.
 */
int rp__http_field_line_check(const char *p, size_t n, const char **why, size_t *bad);

#endif /* RAMPART_HTTP_INT_H */
