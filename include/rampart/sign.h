/*
 * rampart/sign.h - origin protection: a signed header on every forwarded
 * request, so the origin (e.g. an API Gateway Lambda authorizer) can accept
 * only traffic that came through Rampart.
 *
 * Header value:  t=<unix seconds>,v1=<64 lower-case hex>
 * where v1 = HMAC-SHA256(secret, "v1\n" t "\n" METHOD "\n" host "\n" path
 *                                 ["?" query])
 * i.e. over the method, the Host and the request-target exactly as sent
 * upstream (after Host rewrite and prefix changes). The time binds the
 * signature to a window: the verifier refuses values older or newer than
 * its skew allowance, which limits replay.
 */
#ifndef RAMPART_SIGN_H
#define RAMPART_SIGN_H

#include "rampart/core.h"

#define RP_SIGN_VALUE_MAX 96 /* "t=" 20 digits ",v1=" 64 hex, NUL */

/* Writes the header value into out (cap >= RP_SIGN_VALUE_MAX); returns its
 * length, or 0 if cap is too small. */
size_t rp_sign_value(const void *key, size_t keylen, uint64_t unix_time, rp_str_t method,
                     rp_str_t host, rp_str_t path, rp_str_t query, char *out, size_t cap);

/*
 * Verifies a header value against the request the origin received.
 * Returns 0 when valid; -1 with *why = "malformed signature", "signature
 * expired", "signature from the future" or "signature mismatch". The MAC
 * comparison takes constant time.
 */
int rp_sign_verify(const void *key, size_t keylen, rp_str_t value, uint64_t now_unix,
                   uint64_t max_skew_s, rp_str_t method, rp_str_t host, rp_str_t path,
                   rp_str_t query, const char **why);

#endif /* RAMPART_SIGN_H */
