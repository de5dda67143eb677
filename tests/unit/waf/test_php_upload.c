/*
 * PHP uploads through the engine: the request-level check looks at
 * multipart file names and X-Filename headers, not at other fields that
 * happen to be called "filename".
 */
#include "test.h"

#include "rampart/waf.h"

#include <string.h>

static rp_waf_t *waf;
static rp_waf_scratch_t *scratch;

static int has_php(const rp_waf_header_t *h, size_t nh, const char *ct, const char *body,
                   const char *point)
{
    rp_waf_header_t hs[4];
    size_t n = 0;
    for (size_t i = 0; i < nh && n < 3; i++)
        hs[n++] = h[i];
    if (ct)
        hs[n++] = (rp_waf_header_t){ RP_STRLIT("Content-Type"), rp_str_c(ct) };
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = body ? RP_STRLIT("POST") : RP_STRLIT("GET");
    r.path = RP_STRLIT("/upload");
    r.headers = hs;
    r.nheaders = n;
    if (body)
        r.body = rp_str_c(body);
    rp_waf_verdict_t v;
    CHECK(rp_waf_inspect(waf, scratch, &r, &v) == 0);
    for (size_t i = 0; i < v.nfindings; i++)
        if (v.findings[i].attack == RP_WAF_PHP && v.findings[i].score >= 50 &&
            (!point || strcmp(v.findings[i].point, point) == 0))
            return 1;
    return 0;
}

TEST(headers)
{
    rp_waf_header_t h[] = { { RP_STRLIT("X-Filename"), RP_STRLIT("shell.php") } };
    CHECK(has_php(h, 1, NULL, NULL, "header.x-filename"));
    rp_waf_header_t h2[] = { { RP_STRLIT("X-File-Name"), RP_STRLIT("/tmp/sess_abc123def456ghi789jkl") } };
    CHECK(has_php(h2, 1, NULL, NULL, "header.x-file-name"));
    rp_waf_header_t h3[] = { { RP_STRLIT("X-Filename"), RP_STRLIT("document.pdf") } };
    CHECK(!has_php(h3, 1, NULL, NULL, NULL));
    /* another header carrying a PHP name is not an upload */
    rp_waf_header_t h4[] = { { RP_STRLIT("Referer"), RP_STRLIT("https://example.com/index.php") } };
    CHECK(!has_php(h4, 1, NULL, NULL, NULL));
}

TEST(multipart)
{
    const char *ct = "multipart/form-data; boundary=XyZ";
    const char *bad = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"photo.php \"\r\n"
                      "Content-Type: image/jpeg\r\n\r\nplease block me\r\n--XyZ--\r\n";
    CHECK(has_php(NULL, 0, ct, bad, "body.multipart.f.filename"));
    const char *ok = "--XyZ\r\nContent-Disposition: form-data; name=\"dangerous.php\"; filename=\"safe.txt\"\r\n"
                     "Content-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n";
    CHECK(!has_php(NULL, 0, ct, ok, NULL));
}

TEST(json_field)
{
    CHECK(!has_php(NULL, 0, "application/json", "{\"filename\": \"index.php\"}", NULL));
}

int main(void)
{
    rp_waf_opts_t o;
    memset(&o, 0, sizeof(o));
    waf = rp_waf_new(&o);
    scratch = rp_waf_scratch_new();
    if (!waf || !scratch)
        return 1;
    RUN(headers);
    RUN(multipart);
    RUN(json_field);
    rp_waf_scratch_free(scratch);
    rp_waf_free(waf);
    TEST_MAIN_END();
}
