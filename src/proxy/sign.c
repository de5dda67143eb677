/* Request signing and verification (see rampart/sign.h). OpenSSL HMAC. */
#include "rampart/sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>

/* MAC over the canonical string; out gets 32 bytes. */
static int sign_mac(const void *key, size_t keylen, rp_str_t t, rp_str_t method, rp_str_t host,
                    rp_str_t path, rp_str_t query, unsigned char out[32])
{
    rp_buf_t b;
    rp_buf_init(&b);
    int rc = rp_buf_append_cstr(&b, "v1\n");
    rc |= rp_buf_append_str(&b, t);
    rc |= rp_buf_append(&b, "\n", 1);
    rc |= rp_buf_append_str(&b, method);
    rc |= rp_buf_append(&b, "\n", 1);
    rc |= rp_buf_append_str(&b, host);
    rc |= rp_buf_append(&b, "\n", 1);
    rc |= rp_buf_append_str(&b, path);
    if (query.n > 0) {
        rc |= rp_buf_append(&b, "?", 1);
        rc |= rp_buf_append_str(&b, query);
    }
    unsigned int len = 0;
    if (rc == 0 && !HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)b.p, b.len, out, &len))
        rc = RP_EIO;
    rp_buf_dispose(&b);
    return rc == 0 && len == 32 ? 0 : -1;
}

size_t rp_sign_value(const void *key, size_t keylen, uint64_t unix_time, rp_str_t method,
                     rp_str_t host, rp_str_t path, rp_str_t query, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    char t[24];
    int tn = snprintf(t, sizeof(t), "%llu", (unsigned long long)unix_time);
    unsigned char mac[32];
    if (cap < RP_SIGN_VALUE_MAX || tn <= 0 ||
        sign_mac(key, keylen, rp_str(t, (size_t)tn), method, host, path, query, mac) < 0)
        return 0;
    size_t n = (size_t)snprintf(out, cap, "t=%s,v1=", t);
    for (int i = 0; i < 32; i++) {
        out[n++] = hex[mac[i] >> 4];
        out[n++] = hex[mac[i] & 15];
    }
    out[n] = '\0';
    return n;
}

static int unhex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int rp_sign_verify(const void *key, size_t keylen, rp_str_t value, uint64_t now_unix,
                   uint64_t max_skew_s, rp_str_t method, rp_str_t host, rp_str_t path,
                   rp_str_t query, const char **why)
{
    /* Exactly "t=<digits>,v1=<64 hex>". */
    *why = "malformed signature";
    if (value.n < 2 || memcmp(value.p, "t=", 2) != 0)
        return -1;
    const char *comma = memchr(value.p, ',', value.n);
    if (!comma)
        return -1;
    rp_str_t t = rp_str(value.p + 2, (size_t)(comma - value.p - 2));
    rp_str_t rest = rp_str(comma + 1, value.n - (size_t)(comma + 1 - value.p));
    uint64_t ts;
    if (t.n == 0 || t.n > 19 || rp_str_to_u64(t, UINT64_MAX / 2, &ts) != 0)
        return -1;
    if (rest.n != 3 + 64 || memcmp(rest.p, "v1=", 3) != 0)
        return -1;
    unsigned char given[32];
    for (int i = 0; i < 32; i++) {
        int hi = unhex((unsigned char)rest.p[3 + 2 * i]), lo = unhex((unsigned char)rest.p[4 + 2 * i]);
        if (hi < 0 || lo < 0)
            return -1;
        given[i] = (unsigned char)(hi << 4 | lo);
    }
    if (ts + max_skew_s < now_unix) {
        *why = "signature expired";
        return -1;
    }
    if (ts > now_unix + max_skew_s) {
        *why = "signature from the future";
        return -1;
    }
    unsigned char want[32];
    if (sign_mac(key, keylen, t, method, host, path, query, want) < 0 ||
        CRYPTO_memcmp(given, want, 32) != 0) {
        *why = "signature mismatch";
        return -1;
    }
    *why = NULL;
    return 0;
}
