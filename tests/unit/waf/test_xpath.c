/*
 * XPath injection detector: a string literal closed and XPath syntax
 * added, axis steps, functions over paths; URL and file paths, globs and
 * plain quotes in prose pass.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_xpath
#define PREFIX "xpath"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "' or count(/*)=1 or 'a'='b", 90, "function over a path" },
    { "'] | //user/*[contains(*,'", 90, NULL },
    { "' and substring(name(/*[1]),1,1)='a", 90, NULL },
    { "' or string-length(name(/*[1]))=4 or '", 90, NULL },
    { "x' or name()='username' or 'x'='y", 85, "XPath function" },
    { "' or contains(password,'a') or '", 85, NULL },
    { "\" or count(//user)>0 or \"a\"=\"b", 90, NULL },
    { "')] | //* | a[('", 90, NULL },
    { "' or ancestor::*[1] or '", 90, "axis" },
    { "1' and starts-with(//user[1]/password,'a') and '1'='1", 90, NULL },
    { "' or doc('http://evil.example/x')/a or '", 85, NULL },
    { "//*", 55, "root" },
    { "/child::node()", 75, "axis" },
    { "count(/*)", 70, "path" },
    { "name(/*)", 70, NULL },
    { "string-length(name(/*[1]))", 70, NULL },
    { "ancestor::div", 60, "axis" },
    { "/self::node()", 75, NULL },
    { "self::*", 60, NULL },
    { "following-sibling::*", 60, NULL },
    { "//user/following-sibling::*[1]", 75, NULL },
    { "/*[1]", 55, NULL },
    { "1 or count(//*)=1", 70, NULL },
    { "string-length(password)", 50, "XPath-only" },
};

static const char *const benign[] = {
    "/api/v1/users",
    "a/b/c",
    "docs//x",
    "//example.com/path/to/page",
    "https://example.com/a/b?c=d",
    "/usr/lib/*.so",
    "src/**/*.c",
    "/* a C comment */",
    "// a JS comment",
    "it's fine",
    "O'Reilly and friends",
    "5' or 6' tall",
    "rock 'n' roll",
    "' or '1'='1",
    "SELECT count(*) FROM users",
    "(select count(*),concat(floor(rand(0)*2),0x3a) from t)",
    "=SUM(A1:A3)",
    "round(3.5)",
    "std::vector<int>",
    "parent::__construct();",
    "self::$instance",
    "self::VERSION",
    "parent::foo",
    "' or substring(version(),1,1)='5",
    "' and ascii(substring(user(),1,1))>64 and '1'='1",
    "use self::config::Settings;",
    "{\"a\": \"b\", \"c\": [1, 2]}",
    "user@example.com",
    "He said \"hi\" and left (later)",
    "The 'name' field (required)",
    "div > p:nth-child(2)",
    "a[href='x']",
    "$.store.book[*].author",
    "$..book[?(@.price < 10)]",
    "C:\\Users\\me\\file.txt",
    "The count (of items) is 5",
    "not (yet)",
    "true",
    "10\" | 12\" screens",
    "It's 'text' or 'comment' (see notes)",
    "/",
    "//",
    "/*",
    "string-length()",
    "Price: 5' x 3' rug | free shipping",
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

TEST(suspicious)
{
    /* a path with a predicate: logged, not blocked */
    int sc = score("//book[@id='1']");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "abc' or count(/*)=1 or 'a'='b";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 90);
    CHECK(m.off == 3);
    CHECK(strncmp(m.evidence, "xpath: string literal closed", 28) == 0);
}

TEST(flags)
{
    rp__waf_match_t m;
    CHECK(det("//*", 3, RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(pathological)
{
    run_pathological("'");
    run_pathological("' or ");
    run_pathological("count(");
    run_pathological("//*");
    run_pathological("a::");
    run_pathological("child::");
    run_pathological("name(/");
    run_pathological("    ");
    run_pathological("'aaaa");
    run_pathological("a ");
    run_pathological("' or name( ");
}

int main(void)
{
    RUN(attacks);
    RUN(benign);
    RUN(suspicious);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(pathological);
    TEST_MAIN_END();
}
