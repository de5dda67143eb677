/*
 * Character classes and small HTTP predicates shared by the parsers and
 * the proxy: tchar, hop-by-hop names, idempotent methods, bodiless
 * responses.
 */
#include "http/http_int.h"

/* Bits: 1 tchar, 2 field-value, 4 target, 8 host, 16 hex, 32 digit.
 * Generated once from the RFC 9110 grammar; see http_int.h. */
const unsigned char rp__http_cc[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0,  2,  0,  0,  0,  0,  0,  0,  /* 0x00 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x10 */
     2,  7,  6,  7,  7,  7,  7,  7,  6,  6,  7,  7,  6, 15, 15,  6,  /* 0x20 */
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63,  6,  6,  6,  6,  6,  6,  /* 0x30 */
     6, 31, 31, 31, 31, 31, 31, 15, 15, 15, 15, 15, 15, 15, 15, 15,  /* 0x40 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,  6,  6,  6,  7, 15,  /* 0x50 */
     7, 31, 31, 31, 31, 31, 31, 15, 15, 15, 15, 15, 15, 15, 15, 15,  /* 0x60 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,  6,  7,  6, 15,  0,  /* 0x70 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0x80 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0x90 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0xa0 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0xb0 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0xc0 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0xd0 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0xe0 */
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  /* 0xf0 */
};

int rp_http_is_tchar(unsigned char c)
{
    return RP__CC(c, RP__CC_TCHAR) != 0;
}

int rp__http_field_line_check(const char *p, size_t n, const char **why, size_t *bad)
{
    size_t i = 0;
    while (i < n && RP__CC(p[i], RP__CC_TCHAR))
        i++;
    if (i == n || p[i] != ':') {
        if (i < n && (p[i] == ' ' || p[i] == '\t'))
            *why = i == 0 ? "obsolete line folding" : "whitespace before colon";
        else
            *why = i == 0 ? "empty or invalid field name" : "invalid character in field name";
        *bad = i;
        return -1;
    }
    if (i == 0) {
        *why = "empty field name";
        *bad = 0;
        return -1;
    }
    for (i++; i < n; i++) {
        if (!RP__CC(p[i], RP__CC_FVAL)) {
            *why = "invalid character in field value";
            *bad = i;
            return -1;
        }
    }
    return 0;
}

int rp_http_is_hop_by_hop(rp_str_t name)
{
    switch (name.n) {
    case 2:
        return rp__http_ieq_lit(name, "te", 2);
    case 7:
        return rp__http_ieq_lit(name, "trailer", 7) || rp__http_ieq_lit(name, "upgrade", 7);
    case 10:
        return rp__http_ieq_lit(name, "connection", 10) || rp__http_ieq_lit(name, "keep-alive", 10);
    case 16:
        return rp__http_ieq_lit(name, "proxy-connection", 16);
    case 17:
        return rp__http_ieq_lit(name, "transfer-encoding", 17);
    default:
        return 0;
    }
}

/* Methods are case-sensitive (RFC 9110 9.1): "get" is not GET. */
int rp_http_method_idempotent(rp_str_t m)
{
    return rp_str_eq(m, RP_STRLIT("GET")) || rp_str_eq(m, RP_STRLIT("HEAD")) ||
           rp_str_eq(m, RP_STRLIT("OPTIONS")) || rp_str_eq(m, RP_STRLIT("TRACE")) ||
           rp_str_eq(m, RP_STRLIT("PUT")) || rp_str_eq(m, RP_STRLIT("DELETE"));
}

int rp_http_response_has_body(rp_str_t method, int status)
{
    if (rp_str_eq(method, RP_STRLIT("HEAD")))
        return 0;
    if ((status >= 100 && status < 200) || status == 204 || status == 304)
        return 0;
    return 1;
}
