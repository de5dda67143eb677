/*
 * protocol.c - protocol anomalies of a request (class RP_WAF_PROTOCOL, a
 * request-level detector).
 *
 * Each anomaly is its own LOW-severity finding (20..45, under the default
 * block score 50): a well-formed client never produces one, but none is an
 * attack by itself, so a policy may log them, count them per client, or
 * block some. The evidence names the anomaly ("protocol: method PROPFIND
 * not used by APIs", "protocol: 1200 parameters", "protocol: invalid
 * percent-encoding in query.x"). What is checked, with the threshold and
 * where it comes from (CRS = OWASP CRS rule, PL1 unless said):
 *
 *   request.method   not a token (CRS 920100) 45; TRACE, TRACK, DEBUG
 *                    (reflect the request, cross-site tracing) and CONNECT
 *                    (a tunnel) 40; WebDAV methods (PROPFIND, MKCOL, ...)
 *                    30; any other method, or a standard one not in upper
 *                    case ("get": methods are case-sensitive) 35. APIs use
 *                    GET HEAD POST PUT PATCH DELETE OPTIONS (CRS 911100).
 *   request.params   more than 1000 parameters (query + form + multipart
 *                    fields + JSON leaves; PHP's max_input_vars default) 35
 *   request.points   max_points reached: the rest was not decoded 40
 *   request.headers  more than 100 headers (Apache LimitRequestFields) 30
 *   header.host      none while there are headers (CRS 920280; a request
 *                    without any header is a log record, not a wire
 *                    request) 20; empty (920290) 25; several 40; a numeric
 *                    IPv4 or an IPv6 literal (920350) 20
 *   header.content-length  not digits (920160) 40; several that differ 45
 *   header.content-type    several (920620) 30; missing with a body
 *                    (920340; only when the request has headers) 20
 *   header.user-agent, header.accept  present but empty (920330, 920310) 20
 *   request.body     GET or HEAD with a body (920170) 25
 *   path             longer than 2 KiB 30
 *   query.X, cookie.X  a value over 8 KiB 30 ("at least" when the point
 *                    was cut at max_value)
 *   header.X         a value over 16 KiB (Cookie: per cookie, above) 30;
 *                    a NUL byte (920270) 45
 *   path, query, form, cookie values: a NUL byte once decoded (920270) 45
 *   undecodable values: the builder's RP_WAF_PT_ANOMALY points straight
 *                    from the request (depth 0: what base64 or JSON inside
 *                    a value held is not the client's protocol), by kind;
 *                    the first point of each kind is reported, with the
 *                    count: invalid %-escapes in path/query/form (920220,
 *                    920240) 30; %uFFxx full-width forms (920260; these
 *                    decode, so every decoded path/query/form value is
 *                    scanned for them) 40; overlong UTF-8 (920250), also in
 *                    cookies, 40; invalid UTF-8 in path/query/form/JSON 30;
 *                    an escape left after max_depth decoding passes 40; a
 *                    body that does not parse as the JSON or XML its
 *                    Content-Type announces 35; a malformed multipart body
 *                    35; a Content-Encoding that cannot be undone 35;
 *                    anything else 25 (not when max_points overflowed:
 *                    those points are the overflow's)
 *
 * Invalid UTF-8 in headers, cookies and text bodies is not reported:
 * Latin-1 there is old but legitimate; nor is a '%' in a cookie ("100%"),
 * which need not be percent-encoded. Cost: one pass over the headers
 * and one over the points (a memchr for NUL in the text values), plus a
 * byte scan of the raw path/query/form values that were decoded or are
 * anomalies; no allocation; at most MAX_REPORTS
 * findings per request.
 */
#include "waf/decode_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_PARAMS 1000          /* PHP max_input_vars */
#define MAX_HEADERS 100          /* Apache LimitRequestFields */
#define MAX_PATH (2 * 1024)
#define MAX_QUERY_VALUE (8 * 1024)
#define MAX_HEADER_VALUE (16 * 1024)
#define MAX_REPORTS 10

typedef struct pctx {
    rp__waf_ctx_t *ctx;
    int reports;
} pctx_t;

/* Reports one anomaly; evidence printf-style after "protocol: ". */
static void __attribute__((format(printf, 7, 8)))
report(pctx_t *c, rp_str_t path, rp_str_t raw, rp_str_t value, int score, size_t off,
       const char *fmt, ...)
{
    if (c->reports >= MAX_REPORTS)
        return;
    c->reports++;
    /* the engine's excerpts do pointer arithmetic on these: never NULL */
    if (!raw.p)
        raw = RP_STRLIT("");
    if (!value.p)
        value = RP_STRLIT("");
    rp__waf_match_t m;
    m.score = score;
    m.off = off;
    m.len = 0;
    int n = snprintf(m.evidence, sizeof(m.evidence), "protocol: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m.evidence + n, sizeof(m.evidence) - (size_t)n, fmt, ap);
    va_end(ap);
    rp__waf_report(c->ctx, RP_WAF_PROTOCOL, path, raw, value, &m);
}

/* Printable copy of s for the evidence (at most cap-1 bytes; others '?'). */
static const char *printable(char *buf, size_t cap, rp_str_t s)
{
    size_t n = RP_MIN(s.n, cap - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        buf[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    buf[n] = '\0';
    return buf;
}

#define PATHF(s_) (int)RP_MIN((s_).n, (size_t)72), (s_).p

/* s equals the literal lit, in any case */
#define ieq(s, lit) rp_str_ieq((s), RP_STRLIT(lit))

/* ---------------------------------------------------------------------- */
/* Method.                                                                  */

static int in_list(rp_str_t m, const rp_str_t *l, size_t n, int ci)
{
    for (size_t i = 0; i < n; i++)
        if (ci ? rp_str_ieq(m, l[i]) : rp_str_eq(m, l[i]))
            return 1;
    return 0;
}

static int is_tchar(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void check_method(pctx_t *c, rp_str_t m)
{
#define S RP_STRINIT
    static const rp_str_t api[] = { S("GET"), S("HEAD"), S("POST"), S("PUT"),
                                    S("PATCH"), S("DELETE"), S("OPTIONS") };
    static const rp_str_t diag[] = { S("TRACE"), S("TRACK"), S("DEBUG") };
    static const rp_str_t dav[] = {
        S("PROPFIND"), S("PROPPATCH"), S("MKCOL"), S("COPY"), S("MOVE"), S("LOCK"),
        S("UNLOCK"), S("SEARCH"), S("REPORT"), S("MKACTIVITY"), S("CHECKOUT"), S("CHECKIN"),
        S("MERGE"), S("VERSION-CONTROL"), S("MKWORKSPACE"), S("UPDATE"), S("LABEL"),
        S("BASELINE-CONTROL"), S("MKCALENDAR"), S("ACL"), S("ORDERPATCH"), S("BIND"),
        S("UNBIND"), S("REBIND"), S("UNCHECKOUT"), S("MKREDIRECTREF"), S("UPDATEREDIRECTREF"),
    };
#undef S
    rp_str_t path = RP_STRLIT("request.method");
    char buf[40];
    if (m.n == 0 || in_list(m, api, RP_ARRAY_SIZE(api), 0))
        return;
    for (size_t i = 0; i < m.n; i++)
        if (!is_tchar((unsigned char)m.p[i])) {
            report(c, path, m, m, 45, i, "method %s is not a token", printable(buf, 33, m));
            return;
        }
    printable(buf, 33, m);
    if (in_list(m, diag, RP_ARRAY_SIZE(diag), 1))
        report(c, path, m, m, 40, 0, "method %s reflects the request (diagnostic)", buf);
    else if (ieq(m, "CONNECT"))
        report(c, path, m, m, 40, 0, "method %s asks for a tunnel", buf);
    else if (in_list(m, api, RP_ARRAY_SIZE(api), 1))
        report(c, path, m, m, 35, 0, "method %s is not upper case", buf);
    else if (in_list(m, dav, RP_ARRAY_SIZE(dav), 1))
        report(c, path, m, m, 30, 0, "method %s not used by APIs (WebDAV)", buf);
    else
        report(c, path, m, m, 35, 0, "unknown method %s", buf);
}

/* ---------------------------------------------------------------------- */
/* Headers.                                                                 */

static int all_digits(rp_str_t s)
{
    if (s.n == 0)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
    return 1;
}

/* "1.2.3.4" or "1.2.3.4:80". */
static int is_ipv4_host(rp_str_t s)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t st = i;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9' && i - st < 3)
            i++;
        if (i == st)
            return 0;
        if (part < 3) {
            if (i >= s.n || s.p[i] != '.')
                return 0;
            i++;
        }
    }
    if (i == s.n)
        return 1;
    return s.p[i] == ':' && all_digits(rp_str(s.p + i + 1, s.n - i - 1));
}

static int blank(rp_str_t s)
{
    return rp_str_trim(s).n == 0;
}

/* "header.<name in lower case>" into path (cut to cap - 1 bytes). */
static rp_str_t header_path(char *path, size_t cap, rp_str_t name)
{
    size_t n = 0;
    static const char pre[] = "header.";
    for (; n + 1 < cap && n < sizeof(pre) - 1; n++)
        path[n] = pre[n];
    for (size_t j = 0; j < name.n && n + 1 < cap; j++)
        path[n++] = (char)rp_lower((unsigned char)name.p[j]);
    path[n] = '\0';
    return rp_str(path, n);
}

static void check_headers(pctx_t *c, const rp_waf_request_t *req)
{
    size_t nhost = 0, nct = 0, ncl = 0;
    const rp_waf_header_t *host = NULL, *cl = NULL, *ct2 = NULL;
    int cl_differ = 0;
    char path[80];
    for (size_t i = 0; i < req->nheaders; i++) {
        const rp_waf_header_t *h = &req->headers[i];
        /* the names compared below start with h, c, u or a */
        int c0 = h->name.n ? rp_lower((unsigned char)h->name.p[0]) : 0;
        if (c0 == 'h' && ieq(h->name, "host")) {
            if (nhost++ == 0)
                host = h;
        } else if (c0 == 'c' && ieq(h->name, "content-type")) {
            if (nct++ == 1)
                ct2 = h;
        } else if (c0 == 'c' && ieq(h->name, "content-length")) {
            rp_str_t v = rp_str_trim(h->value);
            if (ncl++ == 0)
                cl = h;
            else if (!rp_str_eq(v, rp_str_trim(cl->value)))
                cl_differ = 1;
            if (!all_digits(v))
                report(c, header_path(path, sizeof(path), h->name), h->value, h->value, 40, 0,
                       "Content-Length is not a number");
        } else if ((c0 == 'u' || c0 == 'a') &&
                   (ieq(h->name, "user-agent") || ieq(h->name, "accept")) && blank(h->value)) {
            report(c, header_path(path, sizeof(path), h->name), h->value, h->value, 20, 0,
                   "empty %s header", path + 7);
        }
        if (h->value.n > MAX_HEADER_VALUE && !ieq(h->name, "cookie"))
            report(c, header_path(path, sizeof(path), h->name), h->value, h->value, 30, 0,
                   "value of %zu bytes in %s", h->value.n, path);
        const char *z = memchr(h->value.p, '\0', h->value.n);
        if (z)
            report(c, header_path(path, sizeof(path), h->name), h->value, h->value, 45,
                   (size_t)(z - h->value.p), "NUL byte in %s", path);
    }
    if (req->nheaders > MAX_HEADERS)
        report(c, RP_STRLIT("request.headers"), RP_STR_NULL, RP_STR_NULL, 30, 0, "%zu headers",
               req->nheaders);
    rp_str_t hh = RP_STRLIT("header.host");
    if (nhost == 0 && req->nheaders > 0)
        report(c, hh, RP_STR_NULL, RP_STR_NULL, 20, 0, "no Host header");
    else if (nhost > 1)
        report(c, hh, host->value, host->value, 40, 0, "%zu Host headers", nhost);
    else if (host && blank(host->value))
        report(c, hh, host->value, host->value, 25, 0, "empty Host header");
    else if (host && (is_ipv4_host(rp_str_trim(host->value)) ||
                      rp_str_has_prefix(rp_str_trim(host->value), RP_STRLIT("["))))
        report(c, hh, host->value, host->value, 20, 0, "Host is a numeric IP address");
    if (cl_differ)
        report(c, RP_STRLIT("header.content-length"), cl->value, cl->value, 45, 0,
               "%zu Content-Length headers that differ", ncl);
    if (nct > 1)
        report(c, RP_STRLIT("header.content-type"), ct2->value, ct2->value, 30, 0,
               "%zu Content-Type headers", nct);
    if (req->body.n) {
        rp_str_t rb = RP_STRLIT("request.body");
        rp_str_t b = rp_str(req->body.p, RP_MIN(req->body.n, (size_t)64));
        if (ieq(req->method, "GET") || ieq(req->method, "HEAD"))
            report(c, rb, b, b, 25, 0, "%s request with a body",
                   ieq(req->method, "GET") ? "GET" : "HEAD");
        if (nct == 0 && req->nheaders > 0)
            report(c, RP_STRLIT("header.content-type"), b, b, 20, 0, "body without Content-Type");
    }
}

/* ---------------------------------------------------------------------- */
/* Points: sizes, NUL bytes, undecodable values.                            */

enum {
    A_PCT,        /* invalid %-escape */
    A_FULLWIDTH,  /* %uFFxx */
    A_OVERLONG,   /* overlong UTF-8 */
    A_UTF8,       /* invalid UTF-8 */
    A_LAYERS,     /* still encoded after max_depth passes */
    A_JSON,       /* body announced as JSON does not parse */
    A_XML,        /* ... as XML */
    A_MULTIPART,  /* malformed multipart */
    A_CODING,     /* Content-Encoding not undone */
    A_OTHER,
    A__COUNT
};

static const struct {
    int score;
    const char *what;   /* "%s" = the point's path */
} akind[A__COUNT] = {
    [A_PCT] = { 30, "invalid percent-encoding in" },
    [A_FULLWIDTH] = { 40, "full-width %u-encoding in" },
    [A_OVERLONG] = { 40, "overlong UTF-8 in" },
    [A_UTF8] = { 30, "invalid UTF-8 in" },
    [A_LAYERS] = { 40, "too many layers of encoding in" },
    [A_JSON] = { 35, "body is not the JSON its Content-Type says:" },
    [A_XML] = { 35, "body is not the XML its Content-Type says:" },
    [A_MULTIPART] = { 35, "malformed multipart body at" },
    [A_CODING] = { 35, "Content-Encoding could not be undone at" },
    [A_OTHER] = { 25, "undecodable value in" },
};

static int hexd(int c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Percent-encoded syntax: path, query and urlencoded form values. */
static int pct_syntax(const rp_waf_point_t *pt)
{
    return (pt->src & (RP_WAF_SRC_PATH | RP_WAF_SRC_QUERY)) ||
           rp_str_has_prefix(pt->path, RP_STRLIT("body.form."));
}

/* Reads raw with one layer of %-decoding and classifies what is wrong:
 * A_PCT, A_FULLWIDTH, A_OVERLONG, A_UTF8 or -1; *at: where. */
static int raw_fault(rp_str_t raw, int pct, size_t *at)
{
    /* UTF-8 state: the lead byte and the continuation bytes still due */
    int need = 0, fault = -1;
    unsigned char lead = 0;
    for (size_t i = 0; i < raw.n; i++) {
        unsigned char b = (unsigned char)raw.p[i];
        size_t here = i;
        if (pct && b == '%') {
            if (i + 2 < raw.n && hexd((unsigned char)raw.p[i + 1]) &&
                hexd((unsigned char)raw.p[i + 2])) {
                unsigned v = 0;
                for (int k = 1; k <= 2; k++) {
                    int d = (unsigned char)raw.p[i + k];
                    v = v * 16 + (unsigned)(d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
                }
                b = (unsigned char)v;
                i += 2;
            } else if (i + 5 < raw.n && (raw.p[i + 1] | 0x20) == 'u' &&
                       hexd((unsigned char)raw.p[i + 2]) && hexd((unsigned char)raw.p[i + 3]) &&
                       hexd((unsigned char)raw.p[i + 4]) && hexd((unsigned char)raw.p[i + 5])) {
                if ((raw.p[i + 2] | 0x20) == 'f' && (raw.p[i + 3] | 0x20) == 'f') {
                    *at = i;
                    return A_FULLWIDTH;
                }
                i += 5;
                need = 0;
                continue;
            } else {
                /* '%' without two hex digits: kept as a literal '%' */
                if (fault < 0) {
                    fault = A_PCT;
                    *at = here;
                }
                need = 0;
                continue;
            }
        }
        if (need) {
            if (b >= 0x80 && b <= 0xBF) {
                if (lead) {
                    /* the first continuation byte: overlong and out-of-range forms */
                    if (lead == 0xC0 || lead == 0xC1 || (lead == 0xE0 && b < 0xA0) ||
                        (lead == 0xF0 && b < 0x90)) {
                        *at = here;
                        return A_OVERLONG;
                    }
                    if ((lead == 0xED && b >= 0xA0) || (lead == 0xF4 && b >= 0x90)) {
                        if (fault < 0 || fault == A_PCT) {
                            fault = A_UTF8;
                            *at = here;
                        }
                    }
                    lead = 0;
                }
                need--;
                continue;
            }
            if (fault < 0 || fault == A_PCT) {
                fault = A_UTF8;
                *at = here;
            }
            need = 0; /* b starts something new */
        }
        if (b < 0x80)
            continue;
        lead = b;
        if (b >= 0xC0 && b <= 0xDF)
            need = 1;
        else if (b >= 0xE0 && b <= 0xEF)
            need = 2;
        else if (b >= 0xF0 && b <= 0xF4)
            need = 3;
        else if (fault < 0 || fault == A_PCT) {
            fault = A_UTF8; /* a stray continuation byte, F5..FF */
            *at = here;
        }
    }
    if (need && (fault < 0 || fault == A_PCT)) {
        fault = A_UTF8;
        *at = raw.n;
    }
    return fault;
}

/* A '%' followed by 'u' or 'U' in raw: what a %uFFxx needs. */
static int pct_u(rp_str_t raw)
{
    const char *p = raw.p, *end = raw.p + raw.n;
    while (p < end && (p = memchr(p, '%', (size_t)(end - p))) != NULL) {
        if (p + 1 < end && (p[1] | 0x20) == 'u')
            return 1;
        p++;
    }
    return 0;
}

/* Why an anomaly point could not be decoded. */
static int classify(const rp_waf_point_t *pt, const rp__points_t *pts, size_t *at)
{
    *at = 0;
    if (pt->src & RP_WAF_SRC_BODY) {
        if (rp_str_eq(pt->path, RP_STRLIT("body")))
            return A_CODING;
        if (rp_str_eq(pt->path, RP_STRLIT("body.json")) && pt->raw.p == pt->value.p)
            return A_JSON;
        if (rp_str_eq(pt->path, RP_STRLIT("body.xml")) && pt->raw.p == pt->value.p)
            return A_XML;
        if (rp_str_eq(pt->path, RP_STRLIT("body.multipart")))
            return A_MULTIPART;
    }
    int pct = pct_syntax(pt);
    if (pt->depth == 0 && (pct || (pt->src & RP_WAF_SRC_COOKIE))) {
        int f = raw_fault(pt->raw, 1, at);
        if (f == A_PCT && !pct)
            return -1; /* "100%" in a cookie: cookies need not be %-encoded */
        if (f >= 0 && (pct || f == A_OVERLONG || f == A_FULLWIDTH))
            return f;
    }
    if (pt->value.n && rp__utf8_check(pt->value.p, pt->value.n)) {
        if (pct || rp_str_has_prefix(pt->path, RP_STRLIT("body.json")))
            return A_UTF8;
        return -1; /* Latin-1 in a header, cookie or text: legitimate */
    }
    /* still an escape after max_depth passes */
    for (size_t i = 0; i + 2 < pt->value.n; i++) {
        const char *q = pt->value.p + i;
        if ((q[0] == '%' && hexd((unsigned char)q[1]) && hexd((unsigned char)q[2])) ||
            (q[0] == '&' && q[1] == '#') || (q[0] == '\\' && (q[1] == 'u' || q[1] == 'x'))) {
            *at = i;
            return A_LAYERS;
        }
    }
    return pts->overflow ? -1 : A_OTHER; /* overflow points: reported as such */
}

static void check_points(pctx_t *c, const rp_waf_request_t *req, const rp__points_t *pts)
{
    size_t nparams = 0, count[A__COUNT] = { 0 }, first[A__COUNT], at[A__COUNT];
    size_t maxv = pts->lim && pts->lim->max_value ? pts->lim->max_value : 64 * 1024;
    for (size_t i = 0; i < pts->n; i++) {
        const rp_waf_point_t *pt = &pts->v[i];
        int top = pt->depth == 0 && !(pt->flags & RP_WAF_PT_KEY);
        if (top && ((pt->src & RP_WAF_SRC_QUERY) ||
                    ((pt->src & RP_WAF_SRC_BODY) && !(pt->flags & RP_WAF_PT_ANOMALY) &&
                     (rp_str_has_prefix(pt->path, RP_STRLIT("body.form.")) ||
                      rp_str_has_prefix(pt->path, RP_STRLIT("body.json")) ||
                      rp_str_has_prefix(pt->path, RP_STRLIT("body.multipart."))))))
            nparams++;
        /* oversized query and cookie values (points are cut at max_value) */
        if (top && (pt->src & (RP_WAF_SRC_QUERY | RP_WAF_SRC_COOKIE)) &&
            pt->raw.n > MAX_QUERY_VALUE && !(pt->flags & RP_WAF_PT_ANOMALY))
            report(c, pt->path, pt->raw, pt->value, 30, 0, "value of %s%zu bytes in %.*s",
                   pt->raw.n >= maxv ? "at least " : "", pt->raw.n, PATHF(pt->path));
        /* NUL bytes once decoded, where text is expected */
        if (pt->depth == 0 && pt->value.n &&
            ((pt->src & (RP_WAF_SRC_PATH | RP_WAF_SRC_QUERY | RP_WAF_SRC_COOKIE)) ||
             rp_str_has_prefix(pt->path, RP_STRLIT("body.form.")))) {
            const char *z = memchr(pt->value.p, '\0', pt->value.n);
            if (z)
                report(c, pt->path, pt->raw, pt->value, 45, (size_t)(z - pt->value.p),
                       "NUL byte in %.*s", PATHF(pt->path));
        }
        /* what was inside a decoded value (base64 of binary, say) is not
         * the client's protocol */
        size_t where;
        if (!(pt->flags & RP_WAF_PT_ANOMALY)) {
            /* %uFFxx decodes fine (to a full-width form that some
             * back-ends fold to ASCII): only a raw scan sees it */
            if (pt->depth == 0 && (pt->flags & RP_WAF_PT_DECODED) && pct_syntax(pt) &&
                pct_u(pt->raw) && raw_fault(pt->raw, 1, &where) == A_FULLWIDTH &&
                count[A_FULLWIDTH]++ == 0) {
                first[A_FULLWIDTH] = i;
                at[A_FULLWIDTH] = where;
            }
            continue;
        }
        if (pt->depth > 0)
            continue;
        int k = classify(pt, pts, &where);
        if (k < 0)
            continue;
        if (count[k]++ == 0) {
            first[k] = i;
            at[k] = where;
        }
    }
    if (req->path.n > MAX_PATH)
        report(c, RP_STRLIT("path"), rp_str(req->path.p, RP_MIN(req->path.n, (size_t)256)),
               RP_STR_NULL, 30, 0, "path of %zu bytes", req->path.n);
    if (nparams > MAX_PARAMS)
        report(c, RP_STRLIT("request.params"), RP_STR_NULL, RP_STR_NULL, 35, 0, "%zu parameters",
               nparams);
    if (pts->overflow)
        report(c, RP_STRLIT("request.points"), RP_STR_NULL, RP_STR_NULL, 40, 0,
               "more than %zu points: the rest was not decoded",
               pts->lim && pts->lim->max_points ? pts->lim->max_points : (size_t)2048);
    for (int k = 0; k < A__COUNT; k++) {
        if (!count[k])
            continue;
        const rp_waf_point_t *pt = &pts->v[first[k]];
        if (count[k] == 1)
            report(c, pt->path, pt->raw, pt->raw, akind[k].score, at[k], "%s %.*s",
                   akind[k].what, PATHF(pt->path));
        else
            report(c, pt->path, pt->raw, pt->raw, akind[k].score, at[k], "%s %.*s (%zu values)",
                   akind[k].what, PATHF(pt->path), count[k]);
    }
}

void rp__waf_protocol_check(const rp_waf_request_t *req, const struct rp__points *pts,
                            rp__waf_ctx_t *ctx)
{
    pctx_t c = { ctx, 0 };
    check_method(&c, req->method);
    check_headers(&c, req);
    check_points(&c, req, pts);
}
