/*
 * LDAP injection detector: a value that closes the assertion it is
 * pasted into and adds filter components; whole filters, prose in
 * parentheses, wildcards and e-mail addresses pass.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_ldapi
#define PREFIX "ldapi"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "*)(uid=*))(|(uid=*", 90, "several" },
    { "admin)(&)", 85, "& | !" },
    { "*)(|(objectclass=*)", 90, NULL },
    { "x)(|(password=*))", 90, NULL },
    { "bar)(&)", 85, NULL },
    { "printer)(uid=*)", 85, "presence" },
    { "void)(objectClass=users))(&(objectClass=void)", 90, NULL },
    { "eb9adbd87d)!(sn=*", 85, NULL },
    { "*)!(sn=*", 85, NULL },
    { "aaa*aaa)(cn>=bob)", 75, "(attr=..)" },
    { "value)(gidNumber<=100", 75, NULL },
    { "john)(sn~=smith", 75, NULL },
    { "admin)(|", 80, NULL },
    { "test))(&(objectClass=*", 90, NULL },
    { "val)&(cn=admin", 75, NULL },
    { "val)|(uid=*", 85, NULL },
    { "admin)(|(password=*", 90, NULL },
    { "value)(uid=*", 85, NULL },
    { "test) ( & ", 80, NULL },
    { "test)\t(\t|", 80, NULL },
    { "session=value)(uid=*", 85, NULL },
    { "admin)(cn:dn:=x)", 75, NULL },
    { "x)(cn;lang-en=y)", 75, NULL },
    { "admin)(!(uid=nobody))", 90, NULL },
};

static const char *const benign[] = {
    "(&(objectCategory=computer)  (userAccountControl:1.2.840.113556.1.4.803:=8192))",
    "(objectSID=S-1-5-21-73586283-152049171-839522115-1111)",
    "(userAccountControl:1.2.840.113556.1.4.803:=67108864)(&(objectCategory=group)(groupType:1.2.840.113556.1.4.803:=2147483648))",
    "johndoe",
    "(a+b)*c",
    "user@example.com",
    "foo|bar",
    "(1+2)+(3+4)",
    "Hello!World",
    "12:30:45",
    "jo*",
    "*",
    "smith*",
    "(see above)",
    "Please see the FAQ (section 3) for details.",
    "a) first item b) second item",
    "1) open the box 2) take it out",
    "f(x) = (x+1)",
    "call me :) (or not)",
    "Meeting (Room 4) at 10:00",
    "[link](https://example.com/a_(b))",
    "total = sum(a) + sum(b)",
    "He left :) and came back (later)",
    "x) (a b)",
    "x) (",
    "smile :)",
    "price (USD) = 5",
};

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_BODY);
}

TEST(nul)
{
    rp__waf_match_t m;
    CHECK(det("*)\0", 3, RP_WAF_SRC_QUERY, 0, &m) >= 70);
    CHECK(strstr(m.evidence, "NUL") != NULL);
    CHECK(det("admin))\0junk", 12, RP_WAF_SRC_QUERY, 0, &m) >= 70);
    CHECK(det("admin)(uid=*)\0", 14, RP_WAF_SRC_QUERY, 0, &m) >= 85);
    CHECK(det("a\0b", 3, RP_WAF_SRC_QUERY, 0, &m) == 0);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "printer)(uid=*)";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 85);
    CHECK(m.off == 7 && m.len == 8);
}

TEST(flags)
{
    rp__waf_match_t m;
    CHECK(det("x)(uid=*)", 9, RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det("x)(uid=*)", 9, RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 85);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(pathological)
{
    run_pathological(")(");
    run_pathological(")(a=");
    run_pathological(")(&");
    run_pathological(")(cn:");
    run_pathological("x)");
    run_pathological(")(a=*)");
}

int main(void)
{
    RUN(attacks);
    RUN(benign);
    RUN(nul);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(pathological);
    TEST_MAIN_END();
}
