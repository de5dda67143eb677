/* Unit tests for request signing: valid, tampered, expired, future,
 * malformed, and a fixed vector checked against OpenSSL's own HMAC. */
#include "rampart/sign.h"
#include "test.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>

static const char key[] = "0123456789abcdef-test-secret";
#define K key, sizeof(key) - 1

static size_t sign(uint64_t t, const char *m, const char *h, const char *p, const char *q, char *out)
{
    return rp_sign_value(K, t, rp_str_c(m), rp_str_c(h), rp_str_c(p), rp_str_c(q), out, RP_SIGN_VALUE_MAX);
}

static int verify(const char *v, uint64_t now, const char *m, const char *h, const char *p,
                  const char *q, const char **why)
{
    return rp_sign_verify(K, rp_str_c(v), now, 300, rp_str_c(m), rp_str_c(h), rp_str_c(p), rp_str_c(q), why);
}

TEST(format_and_vector)
{
    char v[RP_SIGN_VALUE_MAX];
    size_t n = sign(1700000000, "GET", "abc.execute-api.eu-west-1.amazonaws.com", "/prod/users/7", "a=1", v);
    CHECK_EQ_INT(n, strlen("t=1700000000,v1=") + 64);
    CHECK(strncmp(v, "t=1700000000,v1=", 16) == 0);
    /* Independent computation of the documented canonical string. */
    const char *canon = "v1\n1700000000\nGET\nabc.execute-api.eu-west-1.amazonaws.com\n/prod/users/7?a=1";
    unsigned char mac[32];
    unsigned len = 0;
    HMAC(EVP_sha256(), key, (int)(sizeof(key) - 1), (const unsigned char *)canon, strlen(canon), mac, &len);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    CHECK(strcmp(v + 16, hex) == 0);
}

TEST(valid_and_tampered)
{
    char v[RP_SIGN_VALUE_MAX];
    const char *why = NULL;
    sign(1000, "POST", "h.example", "/a/b", "x=1", v);
    CHECK_EQ_INT(verify(v, 1000, "POST", "h.example", "/a/b", "x=1", &why), 0);
    CHECK(why == NULL);
    CHECK_EQ_INT(verify(v, 1299, "POST", "h.example", "/a/b", "x=1", &why), 0);
    /* Each signed field matters. */
    CHECK_EQ_INT(verify(v, 1000, "GET", "h.example", "/a/b", "x=1", &why), -1);
    CHECK(strcmp(why, "signature mismatch") == 0);
    CHECK_EQ_INT(verify(v, 1000, "POST", "evil.example", "/a/b", "x=1", &why), -1);
    CHECK_EQ_INT(verify(v, 1000, "POST", "h.example", "/a/c", "x=1", &why), -1);
    CHECK_EQ_INT(verify(v, 1000, "POST", "h.example", "/a/b", "x=2", &why), -1);
    CHECK_EQ_INT(verify(v, 1000, "POST", "h.example", "/a/b", "", &why), -1);
    /* A changed timestamp breaks the MAC. */
    char w[RP_SIGN_VALUE_MAX];
    memcpy(w, v, sizeof(w));
    w[2] = '2';
    CHECK_EQ_INT(verify(w, 2000, "POST", "h.example", "/a/b", "x=1", &why), -1);
    CHECK(strcmp(why, "signature mismatch") == 0);
    /* Another key. */
    CHECK_EQ_INT(rp_sign_verify("other-key-0123456", 17, rp_str_c(v), 1000, 300, RP_STRLIT("POST"),
                                RP_STRLIT("h.example"), RP_STRLIT("/a/b"), RP_STRLIT("x=1"), &why),
                 -1);
}

TEST(replay_window)
{
    char v[RP_SIGN_VALUE_MAX];
    const char *why = NULL;
    sign(1000, "GET", "h", "/", "", v);
    CHECK_EQ_INT(verify(v, 1301, "GET", "h", "/", "", &why), -1);
    CHECK(strcmp(why, "signature expired") == 0);
    CHECK_EQ_INT(verify(v, 699, "GET", "h", "/", "", &why), -1);
    CHECK(strcmp(why, "signature from the future") == 0);
    CHECK_EQ_INT(verify(v, 700, "GET", "h", "/", "", &why), 0);
}

TEST(malformed)
{
    const char *why = NULL;
    const char *bad[] = { "", "t=", "t=1", "t=1,v1=", "x=1,v1=00", "t=abc,v1=" ,
                          "t=1000,v1=zz00000000000000000000000000000000000000000000000000000000000000",
                          "t=1000,v2=0000000000000000000000000000000000000000000000000000000000000000",
                          "t=1000,v1=00000000000000000000000000000000000000000000000000000000000000",
                          "t=1000,v1=000000000000000000000000000000000000000000000000000000000000000000" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ_INT(verify(bad[i], 1000, "GET", "h", "/", "", &why), -1);
        CHECK(why && strcmp(why, "malformed signature") == 0);
    }
}

int main(void)
{
    RUN(format_and_vector);
    RUN(valid_and_tampered);
    RUN(replay_window);
    RUN(malformed);
    TEST_MAIN_END();
}
