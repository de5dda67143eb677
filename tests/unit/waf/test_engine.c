/*
 * Unit tests for the engine loop (waf.c): how findings are recorded
 * (excerpts cut and escaped), which detectors a value reaches (trigger
 * bytes, structured headers, JSON numbers), and that a detector's trigger
 * bytes never hide a finding it would make.
 */
#include "test.h"

#include "waf/waf_int.h"

#include <string.h>

static rp_waf_t *waf;
static rp_waf_scratch_t *scr;

static rp_waf_request_t get(const char *path, const char *query, const rp_waf_header_t *h,
                            size_t nh)
{
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = RP_STRLIT("GET");
    r.path = rp_str_c(path);
    r.query = rp_str_c(query);
    r.headers = h;
    r.nheaders = nh;
    return r;
}

static const rp_waf_finding_t *finding(const rp_waf_verdict_t *v, rp_waf_attack_t a)
{
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].attack == a)
            return &v->findings[i];
    return NULL;
}

/* A long payload: the raw excerpt is cut with "..." inside its buffer,
 * non-printable bytes and the backslash come out as \xNN. */
TEST(excerpt_cut_and_escaped)
{
    char q[600];
    int n = snprintf(q, sizeof(q), "q=%%01\\zz%%27%%20union%%20select%%20");
    while (n < 560)
        q[n++] = 'a';
    q[n] = '\0';
    rp_waf_request_t r = get("/", q, NULL, 0);
    rp_waf_verdict_t v;
    CHECK(rp_waf_inspect(waf, scr, &r, &v) == 0);
    const rp_waf_finding_t *f = finding(&v, RP_WAF_SQLI);
    CHECK(f != NULL);
    if (!f)
        return;
    size_t l = strlen(f->raw);
    CHECK(l <= RP_WAF_PAYLOAD_MAX && l >= RP_WAF_PAYLOAD_MAX - 8);
    CHECK(strcmp(f->raw + l - 3, "...") == 0);
    CHECK(strncmp(f->raw, "%01\\x5czz%27", 12) == 0); /* raw: as sent, '\\' escaped */
    CHECK(strncmp(f->decoded, "\\x01", 4) == 0);          /* decoded: %01 is a control */
    for (size_t i = 0; f->decoded[i]; i++)
        CHECK(f->decoded[i] >= 0x20 && f->decoded[i] < 0x7f);
}

/* Every per-value detector with trigger bytes: a value it flags holds one
 * of them, so the engine's skip loses nothing (the fuzz targets check the
 * same on random input). Here: attack strings of each class. */
TEST(trigger_bytes_hold_for_attacks)
{
    static const char *const values[] = {
        "1' or '1'='1", "<script>alert(1)</script>", ";cat /etc/passwd", "../../etc/passwd",
        "http://169.254.169.254/latest/meta-data/", "${jndi:ldap://x/a}", "{{7*7}}",
        "a\r\nSet-Cookie: x=y", "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>",
        "{\"$where\":\"sleep(1)\"}", "0;return true", "*)(uid=*))(|(uid=*", "' or count(/*)=1 or '",
        "<?php system($_GET['c']); ?>", "<!--#exec cmd=\"ls\" -->", "x\r\nRCPT TO: a@b",
        "require('child_process').exec('id')", "__proto__[admin]=1",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    };
    for (size_t k = 0; k < rp__waf_ndetectors; k++) {
        const rp__waf_detector_t *d = &rp__waf_detectors[k];
        if (!d->trigger_bytes)
            continue;
        for (size_t i = 0; i < RP_ARRAY_SIZE(values); i++) {
            rp__waf_match_t m;
            memset(&m, 0, sizeof(m));
            size_t n = strlen(values[i]);
            if (d->detect(values[i], n, RP_WAF_SRC_QUERY, 0, &m) > 0)
                CHECK(strpbrk(values[i], d->trigger_bytes) != NULL);
        }
    }
}

/* A value without any trigger byte of a detector still reaches the
 * detectors that have none (here: SQL, which flags words alone). */
TEST(untriggered_detectors_run)
{
    rp_waf_request_t r = get("/", "q=union%20select%20password%20from%20users", NULL, 0);
    rp_waf_verdict_t v;
    CHECK(rp_waf_inspect(waf, scr, &r, &v) == 0);
    CHECK(finding(&v, RP_WAF_SQLI) != NULL);
}

/* Structured request headers are not inspected; User-Agent and unknown
 * headers are, in any case of the name. */
TEST(structured_headers_skipped)
{
    static const char attack[] = "<script>alert(document.cookie)</script>";
    const char *names[] = { "Accept", "content-type", "X-Request-Id", "Sec-Fetch-Mode",
                            "User-Agent", "X-Note", "Hostx", "Te" };
    const int inspected[] = { 0, 0, 0, 0, 1, 1, 1, 0 };
    for (size_t i = 0; i < RP_ARRAY_SIZE(names); i++) {
        rp_waf_header_t h = { rp_str_c(names[i]), rp_str_c(attack) };
        rp_waf_request_t r = get("/", "", &h, 1);
        rp_waf_verdict_t v;
        CHECK(rp_waf_inspect(waf, scr, &r, &v) == 0);
        CHECK_EQ_INT(finding(&v, RP_WAF_XSS) != NULL, inspected[i]);
    }
}

int main(void)
{
    waf = rp_waf_new(NULL);
    scr = rp_waf_scratch_new();
    RUN(excerpt_cut_and_escaped);
    RUN(trigger_bytes_hold_for_attacks);
    RUN(untriggered_detectors_run);
    RUN(structured_headers_skipped);
    rp_waf_scratch_free(scr);
    rp_waf_free(waf);
    TEST_MAIN_END();
}
