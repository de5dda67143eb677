/*
 * session.c - request-level: session fixation (class "session_fixation").
 *
 * An attacker fixes a victim's session by making the victim's browser
 * present a session id the attacker knows: a link to the site carrying
 * the id as a parameter (?PHPSESSID=.., ;jsessionid=..), or markup or
 * script that sets the cookie (document.cookie=".."; <meta
 * http-equiv="Set-Cookie">). Two shapes, as the OWASP CRS 943 rules:
 *
 *   - a value that sets a cookie: ".cookie" followed by "name=..;
 *     expires=/domain=/path=" (document.cookie="sid=1; domain=.x") (70),
 *     http-equiv="Set-Cookie" (80);
 *   - a top-level query, form or JSON parameter named after a session
 *     cookie, arriving from another site (a Referer whose host is not the
 *     Host's site) or with no Referer at all (a link from a mail, a
 *     redirect that strips it):
 *       . a framework's session cookie name (PHPSESSID, JSESSIONID,
 *         ASPSESSIONID*, ASP.NET_SessionId, laravel_session, connect.sid,
 *         _rails_session, ci_session, CFID/CFTOKEN..) whose value is a
 *         token (no white space): 60. These names are cookies, not API
 *         parameters; as a parameter they are the fixation vector itself,
 *         whatever the value;
 *       . "sessionid" (Django's cookie, but also a plain word) with a
 *         long random token (>= 16 bytes, letters and digits): 50, else
 *         40; the generic names (session_id, session-id, sid, _session_id)
 *         are only reported (40): Stripe and others send session_id=..
 *         back on a redirect from their site.
 *     A Referer from the same site (the Host, a subdomain of it, or a
 *     sibling under the same registrable-looking domain: www.x.com and
 *     api.x.com) clears the finding.
 *
 * Cookies and headers are not parameters: a session cookie in Cookie is
 * how sessions work. Cost: one pass over the points and the headers; no
 * allocation.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

/* Session cookie names of web frameworks (lower case). */
#define S RP_STRINIT
static const rp_str_t framework_names[] = {
    S("jsessionid"), S("phpsessid"), S("phpsession"), S("asp.net_sessionid"), S("aspsessionid"),
    S("laravel_session"), S("connect.sid"), S("_flask_session"), S("next-auth.session-token"),
    S("__host-next-auth.session-token"), S("__secure-next-auth.session-token"),
    S("meteor_login_token"), S("rack.session"), S("play_session"), S("sails.sid"), S("cakephp"),
    S("ci_session"), S("koa.sess"), S("koa:sess"), S("cfid"), S("cftoken"), S("cfsid"),
    S("zend_session_id"), S("shiny-token"), S("weblogicsession"), S("_rails_session"),
    S("jservsession"), S("jwsession"), S("sessionid"),
};

static const rp_str_t generic_names[] = {
    S("session_id"), S("session-id"), S("_session_id"), S("sid"), S("sessid"), S("session"),
};
#undef S

/* 2: a framework cookie name; 1: a generic one; 0: not a session name. */
static int session_name(rp_str_t k)
{
    if (k.n == 0)
        return 0;
    char c0 = (char)rp_lower((unsigned char)k.p[0]);
    for (size_t i = 0; i < RP_ARRAY_SIZE(framework_names); i++) {
        const rp_str_t *f = &framework_names[i];
        if (f->n == k.n && f->p[0] == c0 && rp_str_ieq(k, *f))
            return rp_str_eq(*f, RP_STRLIT("sessionid")) ? 1 : 2;
    }
    /* ASPSESSIONIDQQGGGNCG: IIS appends eight letters */
    if (rp_str_ihas_prefix(k, RP_STRLIT("aspsessionid")))
        return 2;
    for (size_t i = 0; i < RP_ARRAY_SIZE(generic_names); i++)
        if (rp_str_ieq(k, generic_names[i]))
            return 1;
    return 0;
}

/* A token: 3..1024 bytes, no white space or control bytes. */
static int token(rp_str_t v)
{
    if (v.n < 3 || v.n > 1024)
        return 0;
    for (size_t i = 0; i < v.n; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if (c <= ' ' || c == 0x7f)
            return 0;
    }
    return 1;
}

/* A long random token: >= 16 bytes of [A-Za-z0-9+/=_.%:-] with both
 * letters and digits. */
static int random_token(rp_str_t v)
{
    if (v.n < 16 || !token(v))
        return 0;
    int al = 0, dg = 0;
    for (size_t i = 0; i < v.n; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            al = 1;
        else if (c >= '0' && c <= '9')
            dg = 1;
        else if (!strchr("+/=_.%:-", c))
            return 0;
    }
    return al && dg;
}

/* The host of a Referer URL (scheme://[userinfo@]host[:port]/..), lower
 * case not applied (compared case-insensitively). */
static rp_str_t url_host(rp_str_t u)
{
    size_t i = rp_str_ifind(u, 0, RP_STRLIT("://"));
    if (i == (size_t)-1)
        return rp_str(u.p, 0);
    size_t a = i + 3, b = a;
    while (b < u.n && u.p[b] != '/' && u.p[b] != '?' && u.p[b] != '#')
        b++;
    rp_str_t h = rp_str(u.p + a, b - a);
    const char *at = memchr(h.p, '@', h.n);
    if (at)
        h = rp_str(at + 1, h.n - (size_t)(at + 1 - h.p));
    return h;
}

/* Drops a :port (not inside [IPv6]). */
static rp_str_t no_port(rp_str_t h)
{
    for (size_t i = h.n; i > 0; i--) {
        if (h.p[i - 1] == ']')
            break;
        if (h.p[i - 1] == ':')
            return rp_str(h.p, i - 1);
    }
    return h;
}

/* The "site" of a host: its last two labels, or three when the
 * second-level one is short under a two-letter top level (co.uk, com.au). */
static rp_str_t site(rp_str_t h)
{
    size_t dots[3] = { 0, 0, 0 }, nd = 0;
    for (size_t i = h.n; i > 0 && nd < 3; i--)
        if (h.p[i - 1] == '.')
            dots[nd++] = i - 1;
    if (nd < 2)
        return h;
    size_t tld = h.n - dots[0] - 1, sld = dots[0] - dots[1] - 1;
    if (tld == 2 && sld <= 3 && nd >= 3)
        return rp_str(h.p + dots[2] + 1, h.n - dots[2] - 1);
    if (tld == 2 && sld <= 3)
        return h;
    return rp_str(h.p + dots[1] + 1, h.n - dots[1] - 1);
}

/* 1 when the Referer comes from another site than Host; also 1 with no
 * Referer (*none set). */
static int off_site(const rp_waf_request_t *req, int *none)
{
    rp_str_t host = { NULL, 0 }, ref = { NULL, 0 };
    int have_ref = 0;
    for (size_t i = 0; i < req->nheaders; i++) {
        const rp_waf_header_t *h = &req->headers[i];
        if (!host.p && rp_str_ieq(h->name, RP_STRLIT("host")))
            host = rp_str_trim(h->value);
        else if (!have_ref && rp_str_ieq(h->name, RP_STRLIT("referer"))) {
            ref = rp_str_trim(h->value);
            have_ref = 1;
        }
    }
    *none = !have_ref || ref.n == 0;
    if (*none)
        return 1;
    rp_str_t rh = no_port(url_host(ref));
    if (rh.n == 0)
        return 0; /* not a URL: nothing to compare ("Referer: http") */
    host = no_port(host);
    if (host.n == 0)
        return 0;
    if (rp_str_ieq(rh, host) ||
        (rh.n > host.n && rh.p[rh.n - host.n - 1] == '.' && rp_str_ihas_suffix(rh, host)))
        return 0;
    return !rp_str_ieq(site(rh), site(host));
}

static void report(rp__waf_ctx_t *ctx, const rp_waf_point_t *pt, size_t off, size_t len,
                   int score, const char *why)
{
    rp__waf_match_t m;
    m.score = score;
    m.off = off;
    m.len = len;
    snprintf(m.evidence, sizeof(m.evidence), "session_fixation: %s", why);
    rp__waf_report(ctx, RP_WAF_SESSION, pt->path, pt->raw, pt->value, &m);
}

/* document.cookie = "sid=1; domain=..": ".cookie" then an attribute. */
static void cookie_setter(rp__waf_ctx_t *ctx, const rp_waf_point_t *pt)
{
    rp_str_t v = pt->value;
    /* "http-equiv" needs a '-', ".cookie" a '.': most values have neither */
    size_t at = memchr(v.p, '-', v.n) ? rp_str_ifind(v, 0, RP_STRLIT("http-equiv")) : (size_t)-1;
    if (at != (size_t)-1) {
        size_t k = at + 10;
        while (k < v.n && k < at + 16 &&
               !(rp_lower((unsigned char)v.p[k]) >= 'a' && rp_lower((unsigned char)v.p[k]) <= 'z'))
            k++;
        if (rp_str_ihas_prefix(rp_str(v.p + k, v.n - k), RP_STRLIT("set-cookie"))) {
            report(ctx, pt, at, k + 10 - at, 80, "<meta http-equiv=Set-Cookie> sets a cookie");
            return;
        }
    }
    const char *dot = memchr(v.p, '.', v.n);
    for (size_t from = dot ? (size_t)(dot - v.p) : v.n; from < v.n;) {
        at = rp_str_ifind(v, from, RP_STRLIT(".cookie"));
        if (at == (size_t)-1)
            return;
        from = at + 7;
        if (from < v.n && ((v.p[from] >= 'a' && v.p[from] <= 'z') || (v.p[from] >= 'A' && v.p[from] <= 'Z') || v.p[from] == '_'))
            continue; /* .cookies, .cookieName */
        /* a ';' and an attribute name with '=' within the next bytes */
        size_t end = RP_MIN(v.n, from + 160);
        size_t semi = from;
        while (semi < end && v.p[semi] != ';')
            semi++;
        if (semi >= end)
            continue;
        size_t k = semi + 1;
        while (k < end && (v.p[k] == ' ' || v.p[k] == '\t' || v.p[k] == '"' || v.p[k] == '\''))
            k++;
        rp_str_t rest = rp_str(v.p + k, end - k);
        static const rp_str_t attrs[] = { RP_STRINIT("expires"), RP_STRINIT("domain"),
                                          RP_STRINIT("path"), RP_STRINIT("max-age") };
        for (size_t a = 0; a < RP_ARRAY_SIZE(attrs); a++) {
            if (rp_str_ihas_prefix(rest, attrs[a])) {
                size_t e = k + attrs[a].n;
                while (e < end && (v.p[e] == ' ' || v.p[e] == '\t'))
                    e++;
                if (e < end && v.p[e] == '=') {
                    report(ctx, pt, at, e + 1 - at, 70,
                           "script sets a cookie with attributes (.cookie=..; domain=)");
                    return;
                }
            }
        }
    }
}

void rp__waf_session(const rp_waf_request_t *req, const struct rp__points *pts,
                     rp__waf_ctx_t *ctx)
{
    int none = 0, off = -1;
    for (size_t i = 0; i < pts->n; i++) {
        const rp_waf_point_t *pt = &pts->v[i];
        if (pt->value.n == 0 || (pt->flags & RP_WAF_PT_NUMBER))
            continue;
        if (!(pt->flags & RP_WAF_PT_KEY)) {
            if (!(pt->src & RP_WAF_SRC_HEADER) || rp_str_has_prefix(pt->path, RP_STRLIT("header.referer")))
                cookie_setter(ctx, pt);
            continue;
        }
        if (!(pt->src & (RP_WAF_SRC_QUERY | RP_WAF_SRC_BODY)) || pt->depth > 0)
            continue;
        int kind = session_name(pt->value);
        if (!kind)
            continue;
        /* top level: the path is the source prefix and the name */
        if (pt->path.n <= pt->value.n)
            continue;
        rp_str_t pre = rp_str(pt->path.p, pt->path.n - pt->value.n);
        if (!rp_str_eq(pre, RP_STRLIT("query.")) && !rp_str_eq(pre, RP_STRLIT("body.form.")) &&
            !rp_str_eq(pre, RP_STRLIT("body.json.")))
            continue;
        /* its value: the next point on the same path */
        if (i + 1 >= pts->n)
            continue;
        const rp_waf_point_t *val = &pts->v[i + 1];
        if ((val->flags & RP_WAF_PT_KEY) || !rp_str_eq(val->path, pt->path) || !token(val->value))
            continue;
        if (off < 0)
            off = off_site(req, &none);
        if (!off)
            continue;
        int sc;
        const char *why;
        if (kind == 2) {
            sc = 60;
            why = none ? "a framework session cookie name as a parameter, no Referer"
                       : "a framework session cookie name as a parameter from another site";
        } else if (rp_str_ieq(pt->value, RP_STRLIT("sessionid")) && random_token(val->value)) {
            sc = 50;
            why = "sessionid parameter with a session token from another site or no Referer";
        } else {
            sc = 40;
            why = "a session id parameter from another site or with no Referer";
        }
        report(ctx, val, 0, val->value.n, sc, why);
    }
}
