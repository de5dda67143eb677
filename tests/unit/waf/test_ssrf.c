/*
 * SSRF / RFI detector: internal and metadata addresses in every notation,
 * userinfo tricks, dangerous schemes, RFI shapes; public URLs pass.
 */
#include "test.h"

#include "waf/waf_int.h"

/* ssrf.c: 1 when the shortcut tables agree with the host names. */
int rp__ssrf_tables_ok(void);

#define DETECT rp__waf_ssrf
#define PREFIX "ssrf"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "http://169.254.169.254/latest/meta-data/", 90, "metadata" },
    { "http://169.254.169.254/computeMetadata/v1/", 90, "metadata" },
    { "http://[fd00:ec2::254]/latest/meta-data/", 90, "metadata" },
    { "http://metadata.google.internal/computeMetadata/v1/", 90, "metadata" },
    { "http://100.100.100.200/latest/meta-data/", 90, "metadata" },
    { "http://localhost/admin", 80, "loopback" },
    { "http://LOCALHOST:8080/", 80, "loopback" },
    { "http://127.0.0.1:6379/", 80, "loopback" },
    { "http://127.1/", 80, NULL },
    { "http://0.0.0.0:22/", 80, NULL },
    { "http://2130706433/", 80, NULL },
    { "http://0177.0.0.1/", 80, NULL },
    { "http://0x7f000001/", 80, NULL },
    { "http://0x7f.0.0.1/", 80, NULL },
    { "http://2852039166/", 90, NULL },
    { "http://0xA9.0xFE.0xA9.0xFE/", 90, NULL },
    { "http://0x41414141A9FEA9FE/", 90, NULL },
    { "http://0251.00376.000251.0000376/", 90, NULL },
    { "http://169.254.43518/", 90, NULL },
    { "http://[::1]/", 80, NULL },
    { "http://[::]/", 80, NULL },
    { "http://[::ffff:127.0.0.1]/", 80, NULL },
    { "http://[0:0:0:0:0:ffff:a9fe:a9fe]/", 90, NULL },
    { "http://[fe80::1%25eth0]/", 80, NULL },
    { "http://[fe80::dead:beef%zone1]", 80, NULL },
    { "http://good.com@127.0.0.1/", 80, NULL },
    { "http://user:pass@localhost/", 80, NULL },
    { "http://google.com:80 &@127.88.23.245:22/# @google.com:80/", 80, NULL },
    { "http://10.0.0.5/internal", 60, "private" },
    { "http://192.168.1.1/", 60, "private" },
    { "http://172.16.3.4:8500/v1/kv", 60, "private" },
    { "http://host.docker.internal:2375/containers/json", 60, NULL },
    { "http://kubernetes.default.svc.cluster.local/api", 60, NULL },
    { "http:127.0.0.1", 80, NULL },
    { "http:/2852039166", 90, NULL },
    { "http://169\xe3\x80\x82" "254\xe3\x80\x82" "169\xe3\x80\x82" "254/", 90, NULL },
    { "imap://\xe2\x91\xa0\xe2\x91\xa5\xe2\x91\xa8.\xe2\x91\xa1\xe2\x91\xa4\xe2\x91\xa3.\xe2\x91\xa0\xe2\x91\xa5\xe2\x91\xa8.\xe2\x91\xa1\xe2\x91\xa4\xe2\x91\xa3", 90, NULL },
    { "http://\\l\\o\\c\\a\\l\\h\\o\\s\\t/", 80, NULL },
    { "gopher://127.0.0.1:6379/_SET%20x", 85, NULL },
    { "gopher://example.com/_x", 85, "scheme" },
    { "dict://127.0.0.1:11211/stats", 80, NULL },
    { "file:///etc/passwd", 70, "scheme" },
    { "url:file:///etc/passwd", 70, "scheme" },
    { "php://filter/convert.base64-encode/resource=index.php", 85, "scheme" },
    { "expect://id", 90, "scheme" },
    { "phar://uploads/avatar.jpg/x", 85, "scheme" },
    { "jar:http://evil.co/b.zip!/a", 70, NULL },
    { "ldap://127.0.0.1/", 80, NULL },
    { "local_file://etc/passwd", 85, NULL },
    { "http://66.240.183.75/crash.php", 70, NULL },
    { "ftp://1.1.1.1", 50, "IP literal" },
    { "https://[2001:41d0:701:1100::29c8]/gecko.php", 70, NULL },
    { "http://evil.example/shell.txt?", 55, "RFI" },
    { "http://evil.example/include.php?", 70, "RFI" },
    { "https?", 50, "RFI" },
    { "file?", 50, "RFI" },
    { "url=http://127.0.0.1/&next=1", 80, NULL },
    { "see <a href=\"http://169.254.169.254/\">x</a>", 90, NULL },
    { "169.254.169.254/latest/user-data", 80, NULL },
    { "[::ffff:a9fe:a9fe]", 50, NULL },
    { "0x7f000001/admin", 60, NULL },
    { "localhost/admin", 50, NULL },
    { "fd00:ec2::254", 50, NULL },
};

static const char *const benign[] = {
    "https://example.com/page",
    "https://cdn.example.com/a.png",
    "https://www.example.org/search?q=rampart&lang=en",
    "http://example.com/index.php",
    "https://api.github.com/repos/owner/repo/pulls/12",
    "https://hooks.slack.com/services/T000/B000/XXXX",
    "mailto:someone@example.com",
    "tel:+1-555-0100",
    "urn:isbn:0451450523",
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "127.0.0.1",
    "10.1.2.3",
    "203.0.113.7, 10.0.0.1",
    "127.1",
    "2130706433",
    "Meeting at 10:30 in room 127",
    "Note: the server at localhost is down",
    "ratio 16:9, price 12.50",
    "version 1.2.3",
    "https://en.wikipedia.org/wiki/Localhost",
    "https://example.com/redirect?to=https%3A%2F%2Fexample.org%2F",
    "Hello: world, how are you?",
    "Time: 12:45:00",
    "2024-06-11T10:20:30Z",
    "https://example.com/a?b=c&d=e",
    "ws://example.com/socket",
    "https://user@example.com/",
    "https://[2001:db8::1]:8443/",
    "key: value; other: thing",
    "http://example.com/docs/file.txt",
    "What is http? A protocol.",
    "sftp settings: host example.com",
    "see https://example.com/faq?",
};

TEST(tables)
{
    CHECK(rp__ssrf_tables_ok());
}

/* Bare values that skip the host copy and parse (bare_may_classify) and
 * those that may not: the verdicts stay those of the full path. */
TEST(bare_shortcut)
{
    static const tcase_t cases[] = {
        { "metadata", 80, "metadata" },
        { "metadata./x", 80, NULL },
        { "metadata\\", 80, NULL },
        { "\\localhost/admin", 50, NULL },
        { "lvh.me/admin", 50, NULL },
        { "2852039166", 80, NULL },
        { "\xe2\x91\xa1" "852039166", 80, NULL },
        { "0X7F.1/x", 60, NULL },
        { "localhost\\4/x", 50, NULL },
        { "LOCALHOST/x", 50, NULL },
        { "x.lvh.me./", 50, NULL },
    };
    run_attacks(cases, sizeof(cases) / sizeof(cases[0]));
    CHECK(score("hello world") == 0);
    CHECK(score("lvh.m") == 0);
    CHECK(score("localhosts/x") == 0);
    CHECK(score("2130706433-x") == 0);
    CHECK(score("2024-01-01") == 0);
}

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_BODY);
}

TEST(headers_soften_dev_urls)
{
    /* a developer's browser: Referer http://localhost:3000/ */
    CHECK(score_src("http://localhost:3000/app", RP_WAF_SRC_HEADER) < BLOCK);
    CHECK(score_src("http://localhost:3000/app", RP_WAF_SRC_HEADER) > 0);
    CHECK(score_src("http://192.168.0.10/x", RP_WAF_SRC_HEADER) < BLOCK);
    /* metadata stays an attack everywhere */
    CHECK(score_src("http://169.254.169.254/latest/", RP_WAF_SRC_HEADER) >= 90);
    CHECK(score_src("localhost", RP_WAF_SRC_HEADER) == 0);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "go to http://127.0.0.1/admin now";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 80);
    CHECK(m.off == 6);
    CHECK(strncmp(s + m.off, "http://127.0.0.1/admin", m.len) == 0);
    CHECK(strstr(m.evidence, "loopback") != NULL);
}

TEST(flags)
{
    rp__waf_match_t m;
    const char *s = "http://127.0.0.1/";
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 80);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    CHECK(det(s, 2, RP_WAF_SRC_BODY, 0, &m) == 0);
    /* cut before the host: nothing to say */
    CHECK(det(s, 7, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(embedded_nul)
{
    rp__waf_match_t m;
    const char s[] = "x\0http://127.0.0.1/";
    CHECK(det(s, sizeof(s) - 1, RP_WAF_SRC_QUERY, 0, &m) >= 80);
}

TEST(pathological)
{
    run_pathological("http://a:");
    run_pathological("::::");
    run_pathological("[::ffff:");
    run_pathological("0x7f.");
}

int main(void)
{
    RUN(tables);
    RUN(bare_shortcut);
    RUN(attacks);
    RUN(benign);
    RUN(headers_soften_dev_urls);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(embedded_nul);
    RUN(pathological);
    TEST_MAIN_END();
}
