/*
 * confusion.c - request-level: framing that makes two HTTP parsers see two
 * different requests (class "protocol").
 *
 * The WAF and the application each parse the head; where their parsers
 * disagree an attacker hides a payload from one of them. Three shapes the
 * OWASP CRS 921 rules know, checked on the request as a whole:
 *
 *   - a media type inside the Content-Type parameters
 *     ("application/x-www-form-urlencoded; boundary=\"application/json\""):
 *     a framework that searches the header for "json" or "xml" parses the
 *     body with another parser than the one the WAF chose (921421/921422).
 *     The parameters that legitimately name a media type (type=,
 *     start-info=, protocol= of multipart/related, multipart/signed,
 *     application/xop+xml) pass;
 *   - RFC 2109 cookies: a "$Version" cookie makes Tomcat/Jetty-style
 *     parsers honour quoted values, so `session="a; PHPSESSID=x"` is one
 *     cookie there and two for everyone else (cookie smuggling, 921250);
 *   - Apache mod_proxy's "unix:" socket syntax in the path or query,
 *     "unix:AAAA..|http://host/" (CVE-2021-40438 SSRF, 921240).
 *
 * Cost: the Content-Type and Cookie headers are read once each, the path
 * and query points once; no allocation.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

static int tchar(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* s equals the literal w, in any case */
#define ieq(s, w) rp_str_ieq((s), RP_STRLIT(w))

/* s is exactly a media type: token "/" token. */
static int media_type(rp_str_t s)
{
    s = rp_str_trim(s);
    const char *sl = memchr(s.p, '/', s.n);
    if (!sl || sl == s.p || sl == s.p + s.n - 1)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.p + i != sl && !tchar((unsigned char)s.p[i]))
            return 0;
    return 1;
}

/* The media types a body-parser switch is made of: JSON and XML. */
static int parser_type(rp_str_t s)
{
    return rp_str_ifind(s, 0, RP_STRLIT("json")) != (size_t)-1 ||
           rp_str_ifind(s, 0, RP_STRLIT("xml")) != (size_t)-1;
}

static void report(rp__waf_ctx_t *ctx, rp_str_t path, rp_str_t value, size_t off, size_t len,
                   int score, const char *why)
{
    rp__waf_match_t m;
    m.score = score;
    m.off = off;
    m.len = len;
    snprintf(m.evidence, sizeof(m.evidence), "%s", why);
    rp__waf_report(ctx, RP_WAF_PROTOCOL, path, value, value, &m);
}

static void content_type(rp__waf_ctx_t *ctx, rp_str_t ct)
{
    const char *semi = memchr(ct.p, ';', ct.n);
    rp_str_t main = rp_str_trim(semi ? rp_str(ct.p, (size_t)(semi - ct.p)) : ct);
    /* parameters that name a media type by design */
    int typed = rp_str_ihas_prefix(main, RP_STRLIT("multipart/")) ||
                ieq(main, "application/xop+xml") ||
                ieq(main, "message/external-body");
    size_t i = semi ? (size_t)(semi - ct.p) + 1 : ct.n;
    while (i < ct.n) {
        /* name = value | "quoted" */
        while (i < ct.n && (ct.p[i] == ' ' || ct.p[i] == '\t' || ct.p[i] == ';'))
            i++;
        size_t ns = i;
        while (i < ct.n && ct.p[i] != '=' && ct.p[i] != ';')
            i++;
        rp_str_t name = rp_str_trim(rp_str(ct.p + ns, i - ns));
        if (i >= ct.n || ct.p[i] != '=')
            continue;
        i++;
        while (i < ct.n && (ct.p[i] == ' ' || ct.p[i] == '\t'))
            i++;
        size_t vs = i;
        rp_str_t val;
        if (i < ct.n && ct.p[i] == '"') {
            vs = ++i;
            while (i < ct.n && ct.p[i] != '"')
                i += ct.p[i] == '\\' && i + 1 < ct.n ? 2 : 1;
            val = rp_str(ct.p + vs, RP_MIN(i, ct.n) - vs);
            if (i < ct.n)
                i++;
        } else {
            while (i < ct.n && ct.p[i] != ';')
                i++;
            val = rp_str_trim(rp_str(ct.p + vs, i - vs));
        }
        if (!media_type(val))
            continue;
        if (typed && (ieq(name, "type") || ieq(name, "start-info") || ieq(name, "protocol")))
            continue;
        char why[RP_WAF_EVIDENCE_MAX];
        snprintf(why, sizeof(why), "protocol: media type %.*s in the Content-Type parameter %.*s",
                 (int)RP_MIN(val.n, (size_t)40), val.p, (int)RP_MIN(name.n, (size_t)24), name.p);
        report(ctx, RP_STRLIT("header.content-type"), ct, (size_t)(val.p - ct.p), val.n,
               parser_type(val) ? 75 : 55, why);
        return;
    }
}

/* Cookie: $Version=1; name="a; b=c" */
static void cookie_version(rp__waf_ctx_t *ctx, rp_str_t c)
{
    rp_str_t t = rp_str_trim(c);
    if (!rp_str_ihas_prefix(t, RP_STRLIT("$version")))
        return;
    size_t k = 8;
    while (k < t.n && (t.p[k] == ' ' || t.p[k] == '\t'))
        k++;
    if (k >= t.n || t.p[k] != '=')
        return;
    /* a quoted value (="..." or =\"...\") holding a ';': another cookie
     * inside it for one parser, beside it for the other */
    int smuggle = 0;
    for (size_t i = k; i < t.n && !smuggle; i++) {
        if (t.p[i] != '=')
            continue;
        size_t j = i + 1;
        if (j < t.n && t.p[j] == '\\')
            j++;
        if (j >= t.n || t.p[j] != '"')
            continue;
        for (j++; j < t.n && t.p[j] != '"'; j++) {
            if (t.p[j] == ';') {
                smuggle = 1;
                break;
            }
        }
        i = j;
    }
    report(ctx, RP_STRLIT("header.cookie"), c, (size_t)(t.p - c.p), t.n, smuggle ? 80 : 55,
           smuggle ? "protocol: RFC 2109 $Version cookie with a quoted ';' (cookie smuggling)"
                   : "protocol: RFC 2109 $Version cookie (parsers disagree on quoting)");
}

/* unix:...| in a path or query value: mod_proxy's socket syntax. */
static void proxy_unix(rp__waf_ctx_t *ctx, const rp_waf_point_t *pt)
{
    size_t at = rp_str_ifind(pt->value, 0, RP_STRLIT("unix:"));
    if (at == (size_t)-1)
        return;
    const char *bar = memchr(pt->value.p + at, '|', pt->value.n - at);
    if (!bar)
        return;
    rp__waf_match_t m;
    m.score = 85;
    m.off = at;
    m.len = (size_t)(bar - pt->value.p) + 1 - at;
    snprintf(m.evidence, sizeof(m.evidence),
             "protocol: mod_proxy unix: socket target with '|' (CVE-2021-40438)");
    rp__waf_report(ctx, RP_WAF_PROTOCOL, pt->path, pt->raw, pt->value, &m);
}

void rp__waf_confusion(const rp_waf_request_t *req, const struct rp__points *pts,
                       rp__waf_ctx_t *ctx)
{
    int seen_ct = 0;
    for (size_t i = 0; i < req->nheaders; i++) {
        const rp_waf_header_t *h = &req->headers[i];
        if (!seen_ct && ieq(h->name, "content-type")) {
            seen_ct = 1;
            content_type(ctx, h->value);
        } else if (ieq(h->name, "cookie")) {
            cookie_version(ctx, h->value);
        }
    }
    int found = 0;
    for (size_t i = 0; i < pts->n && !found; i++) {
        const rp_waf_point_t *pt = &pts->v[i];
        if (!(pt->src & (RP_WAF_SRC_PATH | RP_WAF_SRC_QUERY)) || pt->value.n < 6 ||
            !memchr(pt->value.p, '|', pt->value.n))
            continue;
        proxy_unix(ctx, pt);
        found = rp_str_ifind(pt->value, 0, RP_STRLIT("unix:")) != (size_t)-1;
    }
}
