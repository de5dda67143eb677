/*
 * Path traversal detector: escapes above the root (../, ..\, encoded and
 * overlong dots and slashes, NUL), sensitive files; paths in documents
 * and links in HTML text pass.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_traversal
#define PREFIX "traversal"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "../../etc/passwd", 95, "etc/passwd" },
    { "../../../etc/shadow", 95, NULL },
    { "..\\..\\..\\windows\\win.ini", 95, "win.ini" },
    { "../../../../../boot.ini\x01", 95, NULL },
    { ".../.../WINDOWS/win.ini", 95, NULL },
    { "0x2e0x2e/0x2e0x2e/etc/passwd", 95, NULL },
    { "..\xc0\xaf..\xc0\xaf" "etc/passwd", 95, NULL },
    { "\xc0\xae\xc0\xae/\xc0\xae\xc0\xae/etc/passwd", 95, NULL },
    { "..\xc1\x9c..\xc1\x9c" "boot.ini", 95, NULL },
    { "\xef\xbc\x8e\xef\xbc\x8e/\xef\xbc\x8e\xef\xbc\x8e/etc/passwd", 95, NULL },
    { "..;/..;/etc/passwd", 95, NULL },
    { "/var/www/../../../etc/passwd", 95, NULL },
    { "../.htaccess", 95, ".htaccess" },
    { "../../.git/config", 95, ".git" },
    { "../.env", 95, NULL },
    { "../../web.config", 95, "web.config" },
    { "../../../proc/self/environ", 95, "proc/self" },
    { "../../home/u/.ssh/id_rsa", 95, NULL },
    { "../../../../a/b/c", 80, "above the root" },
    { "../../assets/app.js", 80, NULL },
    { "..\\..\\x", 85, NULL },
    { "..\\pineapple", 60, NULL },
    { "..\x01.7z", 60, NULL },
    { "..;.\\.;\\.", 60, NULL },
    { "/etc/passwd", 75, "etc/passwd" },
    { "/etc/passwd\x00", 75, NULL },
    { "/etc//passwd", 75, NULL },
    { "/etc/./shadow", 75, NULL },
    { "/proc/self/environ", 75, NULL },
    { "C:\\Windows\\win.ini", 75, NULL },
    { "c:\\boot.ini", 75, NULL },
    { ".git/config", 75, NULL },
    { "/var/www/html/.env", 75, NULL },
    { "/.htpasswd", 75, NULL },
    { "~/.ssh/id_rsa", 75, NULL },
    { "/@fs/etc/passwd", 75, NULL },
    { "/.claude/settings.json", 75, NULL },
    { "/wp-content/debug.log", 75, NULL },
    { "cat /etc/passwd", 60, NULL },
    { "include ../../../../etc/passwd please", 95, NULL },
    { "/get/proc/interrupts", 75, NULL },
};

static const char *const benign[] = {
    "docs/guide/install.md",
    "<img src=\"../images/logo.png\"> see the logo",
    "<a href=\"../../index.html\">home</a> and more text here",
    "See ../../README.md for details on the setup of the whole project",
    "../images/logo.png",
    "./src/main.c",
    "/api/v1/users/42",
    "/get/..",
    "/get/foo../1234",
    "/get/..foo",
    "/jquery.history.min.js",
    "/api/continue/session",
    "/css/style.css",
    "/node_modules/@osd/ui-framework/dist/kui_light.css",
    "firstname.dockery@host.tld",
    ">/test.environment",
    "history.history",
    "edit /etc/hosts to add the alias, then restart the service and check the logs again",
    "1.2.3",
    "version 2.0.1 released",
    "a/b/c/d",
    "https://example.com/a/b/../c",
    "The file is at C:\\Users\\bob\\report.docx",
    "...",
    "Wait... what?",
    "...and then",
    "e.g. foo/bar",
    "/home/bob/projects",
    "file.txt",
    "report.final.v2.pdf",
    "/environment/settings",
    "environment.env.example in the repo root is documented in the readme file",
    "..",
    "./..",
    "a/../b",
    "/static/js/app.min.js",
    "photos/2024/summer/beach.jpg",
    "..foo/bar",
    "Dots: .. and ... everywhere",
    "/api/git/commits",
    "C# .NET 8 and node.js",
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

TEST(text_never_blocks_alone)
{
    /* escaping in prose is reported below the threshold */
    int sc = score("See ../../../README.md for the details of the project and more");
    CHECK(sc > 0 && sc < BLOCK);
    sc = score("edit /etc/passwd to add the user, then log out and in again please");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "x ../../etc/passwd y z w";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 95);
    CHECK(m.off == 2);
    CHECK(strstr(m.evidence, "etc/passwd") != NULL);
}

TEST(flags)
{
    rp__waf_match_t m;
    const char *s = "../../etc/passwd";
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 95);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    CHECK(score("no path here") == 0);
}

TEST(pathological)
{
    run_pathological("../");
    run_pathological("..\\");
    run_pathological("/");
    run_pathological("a/");
    run_pathological("\xc0\xae");
    run_pathological("0x2e");
    run_pathological("/etc/");
}

TEST(table_sorted)
{
    CHECK(rp__traversal_table_sorted());
}

int main(void)
{
    RUN(table_sorted);
    RUN(attacks);
    RUN(benign);
    RUN(text_never_blocks_alone);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(pathological);
    TEST_MAIN_END();
}
