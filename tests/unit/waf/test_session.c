/*
 * session.c (session fixation) and rfiparam.c (URLs in known RFI
 * parameters): request-level detectors, through the whole engine
 * (rp_waf_inspect).
 */
#include "test.h"

#include "waf/waf_int.h"

static rp_waf_t *waf;
static rp_waf_scratch_t *scr;
static rp_waf_verdict_t v;

/* Inspects GET path?query (or POST with a body) with Host and an optional
 * Referer; returns the best score of class a (0: none). */
static int run(rp_waf_attack_t a, const char *query, const char *host, const char *referer,
               const char *ctype, const char *body)
{
    rp_waf_header_t h[4];
    size_t nh = 0;
    h[nh++] = (rp_waf_header_t){ RP_STRLIT("Host"), rp_str_c(host) };
    h[nh++] = (rp_waf_header_t){ RP_STRLIT("User-Agent"), RP_STRLIT("Mozilla/5.0 (X11; Linux x86_64)") };
    if (referer)
        h[nh++] = (rp_waf_header_t){ RP_STRLIT("Referer"), rp_str_c(referer) };
    if (ctype)
        h[nh++] = (rp_waf_header_t){ RP_STRLIT("Content-Type"), rp_str_c(ctype) };
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = body ? RP_STRLIT("POST") : RP_STRLIT("GET");
    r.path = RP_STRLIT("/login");
    r.query = rp_str_c(query ? query : "");
    r.headers = h;
    r.nheaders = nh;
    r.body = body ? rp_str_c(body) : RP_STR_NULL;
    CHECK(rp_waf_inspect(waf, scr, &r, &v) == 0);
    int best = 0;
    for (size_t i = 0; i < v.nfindings; i++) {
        const rp_waf_finding_t *f = &v.findings[i];
        if (f->attack != a)
            continue;
        CHECK(strncmp(f->evidence, rp_waf_attack_name(a), strlen(rp_waf_attack_name(a))) == 0);
        if (f->score > best)
            best = f->score;
    }
    return best;
}

static int sess(const char *query, const char *host, const char *referer)
{
    return run(RP_WAF_SESSION, query, host, referer, NULL, NULL);
}

TEST(session_parameters)
{
    /* framework cookie names as parameters, off-site or no Referer */
    CHECK(sess("jsessionid=74B0CB414BD77D17B5680A6386EF1666", "localhost", "http://www.attackersite.com/test") >= 60);
    CHECK(sess("jsessionid=74B0CB414BD77D17B5680A6386EF1666", "localhost", NULL) >= 60);
    CHECK(sess("PHPSESSid=abc123", "phpapp.com", "https://attacker.net/") >= 60);
    CHECK(sess("phpsessid=x1y2z3", "localhost", "https://localhost.attackersite.com/") >= 60);
    CHECK(sess("connect.sid=s%3Aj8jK9_xPq2", "nodeapp.io", "http://phishing-site.com/") >= 60);
    CHECK(sess("ASPSESSIONIDQQGGGNCG=GKFPMNABCDLMNOP", "aspapp.com", NULL) >= 60);
    CHECK(sess("sessionid=abcdefghijklmnopqrstuvwxyz0123456789", "myapp.com", "https://attacker.net/") >= 50);
    CHECK(run(RP_WAF_SESSION, NULL, "phpapp.com", "http://attacker.example/", "application/json",
              "{ \"phpsession\":\"foo\" }") >= 60);
    CHECK(run(RP_WAF_SESSION, NULL, "x.com", NULL, "application/x-www-form-urlencoded",
              "laravel_session=eyJpdiI6IktmYw&user=a") >= 60);

    /* same site: the Host, a subdomain of it, a sibling */
    CHECK(sess("jsessionid=74B0CB414BD77D17B5680A6386EF1666", "localhost", "http://localhost/test") == 0);
    CHECK(sess("jsessionid=abc123", "example.com", "http://example.com/another-page") == 0);
    CHECK(sess("jsessionid=abc123", "api.example.com", "https://www.example.com/") == 0);
    CHECK(sess("jsessionid=abc123", "shop.example.co.uk:8443", "https://www.example.co.uk/x") == 0);
    CHECK(sess("sessionid=abc123", "myapp.com", "https://myapp.com/previous-page") == 0);
    /* generic names and short values: reported at most */
    CHECK(sess("sessionid=abc123", "myapp.com", "https://attacker.net/") < 50);
    CHECK(sess("session_id=cs_test_a1b2c3d4e5f6g7h8i9j0", "shop.com", "https://checkout.stripe.com/") < 50);
    CHECK(sess("sid=12345678901234567890abc", "shop.com", NULL) < 50);
    /* not parameters: nested keys, prose values, cookies */
    CHECK(sess("user[jsessionid]=abc123", "x.com", NULL) == 0);
    CHECK(sess("jsessionid=two%20words", "x.com", NULL) == 0);
    CHECK(sess("username=test&password=test123", "myapp.com", "http://attacker.com/") == 0);
    CHECK(run(RP_WAF_SESSION, NULL, "x.com", NULL, "application/json",
              "{\"user\":{\"jsessionid\":\"abc123\"}}") == 0);
}

TEST(cookie_setters)
{
    CHECK(sess("bar=blah%3Cscript%3Edocument.cookie%3D%22sessionid%3D1234%3B%20domain%3D.example.dom%22%3B%3C%2Fscript%3E",
               "localhost", "http://localhost/") >= 70);
    CHECK(sess("test=.cookie;expires=", "localhost", "http") >= 70);
    CHECK(sess("x=%3Cmeta%20http-equiv%3D%22Set-Cookie%22%20content%3D%22sid%3D1%22%3E", "localhost", NULL) >= 80);
    CHECK(sess("q=how%20do%20I%20clear%20document.cookie%20in%20Safari", "localhost", NULL) == 0);
    CHECK(sess("q=document.cookies%3B%20path%3D%2F", "localhost", NULL) == 0);
    CHECK(sess("q=the%20fortune.cookie%20said%3B%20nothing", "localhost", NULL) == 0);
}

TEST(rfi_params)
{
    CHECK(run(RP_WAF_RFI_SSRF, "_CONF[path]=https://foo.bar", "x.com", NULL, NULL, NULL) >= 85);
    CHECK(run(RP_WAF_RFI_SSRF, "mosConfig_absolute_path=https://foo.bar", "x.com", NULL, NULL, NULL) >= 85);
    CHECK(run(RP_WAF_RFI_SSRF, "GALLERY_BASEDIR=ftp://evil/x", "x.com", NULL, NULL, NULL) >= 85);
    CHECK(run(RP_WAF_RFI_SSRF, "mosConfig_absolute_path=/var/www", "x.com", NULL, NULL, NULL) < 50);
    CHECK(run(RP_WAF_RFI_SSRF, "path=https://foo.bar", "x.com", NULL, NULL, NULL) < 50);
}

int main(void)
{
    waf = rp_waf_new(NULL);
    scr = rp_waf_scratch_new();
    RUN(session_parameters);
    RUN(cookie_setters);
    RUN(rfi_params);
    rp_waf_scratch_free(scr);
    rp_waf_free(waf);
    TEST_MAIN_END();
}
