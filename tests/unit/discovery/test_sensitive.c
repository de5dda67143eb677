/*
 * test_sensitive.c - sensitive data kinds: valid and invalid checksums,
 * look-alikes that must stay quiet, field names, and that endpoints get
 * the kind bits (never the values).
 */
#include "discovery/disc_int.h"
#include "disctest.h"

#define K(s) rp__sensitive_value(rp_str_c(s))

TEST(cards)
{
    CHECK_EQ_INT(K("4111111111111111"), RP_DISC_S_CARD);
    CHECK_EQ_INT(K("4111 1111 1111 1111"), RP_DISC_S_CARD);
    CHECK_EQ_INT(K("4111-1111-1111-1111"), RP_DISC_S_CARD);
    CHECK_EQ_INT(K("5555555555554444"), RP_DISC_S_CARD);
    CHECK_EQ_INT(K("378282246310005"), RP_DISC_S_CARD);     /* Amex, 15 */
    CHECK_EQ_INT(K("6011111111111117"), RP_DISC_S_CARD);
    CHECK_EQ_INT(K("4111111111111112"), 0);                 /* Luhn fails */
    CHECK_EQ_INT(K("1234567812345670"), 0);                 /* Luhn ok, no issuer */
    CHECK_EQ_INT(K("4444444444444444"), 0);                 /* one digit repeated */
    CHECK_EQ_INT(K("411111111111"), 0);                     /* 12 digits */
    CHECK_EQ_INT(K("4111  1111 1111 1111"), 0);             /* double separator */
    CHECK(rp__luhn_ok(rp_str_c("79927398713")));
    CHECK(!rp__luhn_ok(rp_str_c("79927398710")));
}

TEST(ibans)
{
    CHECK_EQ_INT(K("GB82WEST12345698765432"), RP_DISC_S_IBAN);
    CHECK_EQ_INT(K("GB82 WEST 1234 5698 7654 32"), RP_DISC_S_IBAN);
    CHECK_EQ_INT(K("DE89370400440532013000"), RP_DISC_S_IBAN);
    CHECK_EQ_INT(K("FR1420041010050500013M02606"), RP_DISC_S_IBAN);
    CHECK_EQ_INT(K("GB82WEST12345698765433"), 0);           /* mod 97 fails */
    CHECK_EQ_INT(K("DE8937040044053201300"), 0);            /* length for DE */
    CHECK_EQ_INT(K("XX82WEST12345698765432"), 0);           /* no such country */
}

TEST(national_ids)
{
    CHECK_EQ_INT(K("123-45-6789"), RP_DISC_S_NATIONAL_ID);
    CHECK_EQ_INT(K("000-12-3456"), 0);
    CHECK_EQ_INT(K("666-12-3456"), 0);
    CHECK_EQ_INT(K("900-12-3456"), 0);
    CHECK_EQ_INT(K("123-00-4567"), 0);
    CHECK_EQ_INT(K("123-45-0000"), 0);
    CHECK_EQ_INT(K("1 84 12 76 451 089 46"), RP_DISC_S_NATIONAL_ID);
    CHECK_EQ_INT(K("184127645108946"), RP_DISC_S_NATIONAL_ID);
    CHECK_EQ_INT(K("184127645108947"), 0);                  /* key */
    CHECK_EQ_INT(K("185052A12345633"), RP_DISC_S_NATIONAL_ID); /* Corsica 2A */
    CHECK_EQ_INT(K("385052A12345633"), 0);                  /* sex digit */
}

TEST(phones)
{
    CHECK_EQ_INT(K("+14155552671"), RP_DISC_S_PHONE);
    CHECK_EQ_INT(K("+33 6 12 34 56 78"), RP_DISC_S_PHONE);
    CHECK_EQ_INT(K("(555) 123-4567"), RP_DISC_S_PHONE);
    CHECK_EQ_INT(K("555-123-4567"), RP_DISC_S_PHONE);
    CHECK_EQ_INT(K("06 12 34 56 78"), RP_DISC_S_PHONE);
    CHECK_EQ_INT(K("2024-06-01"), 0);
    CHECK_EQ_INT(K("1.2.3.4"), 0);
    CHECK_EQ_INT(K("12345678901"), 0);                      /* no separators */
    CHECK_EQ_INT(K("+0123456789"), 0);
    CHECK_EQ_INT(K("10.0.0.1"), 0);
}

TEST(tokens)
{
    CHECK_EQ_INT(K("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
                   "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
                 RP_DISC_S_JWT);
    CHECK_EQ_INT(K("Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.sig"),
                 RP_DISC_S_JWT);
    CHECK_EQ_INT(K("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.sig"), 0);  /* no "alg" */
    CHECK_EQ_INT(K("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"), 0);    /* two parts */
    CHECK_EQ_INT(K("AKIAIOSFODNN7EXAMPLE"), RP_DISC_S_CLOUD_KEY);
    CHECK_EQ_INT(K("ASIAIOSFODNN7EXAMPLE"), RP_DISC_S_CLOUD_KEY);
    CHECK_EQ_INT(K("AKIAIOSFODNN7EXAMPL"), 0);
    CHECK_EQ_INT(K("AKIAiosfodnn7example"), 0);
    CHECK_EQ_INT(K("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), RP_DISC_S_CLOUD_KEY);
    CHECK_EQ_INT(K("ghp_short"), 0);
    CHECK_EQ_INT(K("sk_live_4eC39HqLyjWDarjtT1zdp7dc"), RP_DISC_S_CLOUD_KEY);
    CHECK_EQ_INT(K("xoxb-123456789012-abcdefABCDEF"), RP_DISC_S_CLOUD_KEY);
    CHECK_EQ_INT(K("AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"), RP_DISC_S_CLOUD_KEY);
    CHECK_EQ_INT(K("AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsH"), 0);
}

TEST(emails_and_quiet)
{
    CHECK_EQ_INT(K("alice@example.com"), RP_DISC_S_EMAIL);
    CHECK_EQ_INT(K("alice@localhost"), 0);
    CHECK_EQ_INT(K("hello world"), 0);
    CHECK_EQ_INT(K("550e8400-e29b-41d4-a716-446655440000"), 0);
    CHECK_EQ_INT(K("1700000000000"), 0);
    CHECK_EQ_INT(K(""), 0);
}

TEST(names)
{
    static const char *yes[] = { "password", "Password", "new_password", "userPassword",
                                 "passwd", "pwd", "pin", "client_secret", "api-secret",
                                 "passphrase", "cvv", "private_key" };
    static const char *no[] = { "username", "email", "spinner", "pinned", "passenger",
                                "id", "token_type", "" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(yes); i++)
        CHECK_EQ_INT(rp__sensitive_name(rp_str_c(yes[i])), RP_DISC_S_PASSWORD);
    for (size_t i = 0; i < RP_ARRAY_SIZE(no); i++)
        CHECK_EQ_INT(rp__sensitive_name(rp_str_c(no[i])), 0);
    CHECK_STR(rp_str_c(rp_disc_sensitive_name(RP_DISC_S_IBAN)), "iban");
}

/* the endpoint and parameters carry the kinds; no value is kept */
typedef struct seen {
    int found;
    unsigned ep, q, p;
} seen_t;

static int seen_cb(void *ud, const rp_disc_endpoint_t *e)
{
    seen_t *s = ud;
    s->found = 1;
    s->ep = e->sensitive;
    for (size_t i = 0; i < e->nparams; i++) {
        if (e->params[i].in_path)
            s->p |= e->params[i].sensitive;
        else
            s->q |= e->params[i].sensitive;
        if (e->params[i].nenum)
            s->q |= 0x1000;   /* no enum may hold sensitive values */
    }
    return 0;
}

TEST(endpoint_bits)
{
    rp_disc_t *d = rp_disc_new(NULL);
    for (int i = 0; i < 20; i++) {
        rp_disc_obs_t o = dt_obs("POST", "/users/bob@example.com/cards");
        o.query = RP_STRLIT("card=4111111111111111&pin=1234");
        o.req_ctype = RP_STRLIT("application/json");
        o.req_body = RP_STRLIT("{\"iban\":\"DE89370400440532013000\",\"password\":\"x\","
                               "\"phone\":\"+14155552671\"}");
        rp_disc_header_t h = { RP_STRLIT("X-Api-Key"), RP_STRLIT("AKIAIOSFODNN7EXAMPLE") };
        o.headers = &h;
        o.nheaders = 1;
        rp_disc_add(d, &o);
    }
    seen_t s = { 0, 0, 0, 0 };
    rp_disc_each_endpoint(d, NULL, 1, seen_cb, &s);
    CHECK(s.found);
    CHECK_EQ_INT(s.p, RP_DISC_S_EMAIL);
    CHECK_EQ_INT(s.q, RP_DISC_S_CARD | RP_DISC_S_PASSWORD);
    CHECK_EQ_INT(s.ep, RP_DISC_S_EMAIL | RP_DISC_S_CARD | RP_DISC_S_PASSWORD | RP_DISC_S_IBAN |
                           RP_DISC_S_PHONE | RP_DISC_S_CLOUD_KEY);
    /* the store's view: no value anywhere in the records */
    rp_buf_t b;
    rp_buf_init(&b);
    rp_disc_openapi(d, NULL, RP_DISC_JSON, &b);
    CHECK(!memmem(b.p, b.len, "4111111111111111", 16));
    CHECK(!memmem(b.p, b.len, "DE8937", 6));
    CHECK(!memmem(b.p, b.len, "AKIA", 4));
    rp_buf_dispose(&b);
    rp_disc_free(d);
}

int main(void)
{
    RUN(cards);
    RUN(ibans);
    RUN(national_ids);
    RUN(phones);
    RUN(tokens);
    RUN(emails_and_quiet);
    RUN(names);
    RUN(endpoint_bits);
    TEST_MAIN_END();
}
