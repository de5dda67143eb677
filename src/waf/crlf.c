/*
 * crlf.c - CRLF injection: HTTP response splitting, header injection and
 * request smuggling payloads carried in a value.
 *
 * A CR or LF in a value is harmless until a program copies the value into
 * an HTTP head (a redirect's Location, a Set-Cookie, a header forwarded
 * upstream, a request line built from parameters). What follows the line
 * break then decides what the attacker gets. So the value is read as
 * lines, each line classified once:
 *
 *   status line    HTTP/1.1 200 OK                      a forged response
 *   request line   GET /admin HTTP/1.1                  a smuggled request
 *   header line    Name: value, the name a token:
 *                    splitting headers (Set-Cookie, Location, Refresh,
 *                    Content-Type, Content-Length, Transfer-Encoding..),
 *                    other real header names (Host, X-Forwarded-For..),
 *                    header-shaped names (X-*, Remote-Addr, SomeHeader),
 *                    or a plain word ("Note: please call") - prose;
 *   markup         <html>, <script> after a blank line: a response body.
 *
 * and scored by where the value is. Query, path, cookie and header values
 * (and parameter names) are what applications put into heads and where
 * nobody types a line break: any of the shapes above blocks there. Body
 * fields (JSON strings, form textareas, XML text) hold multi-line text
 * legitimately, and people paste "Location: Paris" or an HTTP exchange
 * into a comment; there only a status line, a request line (with headers
 * after it), or a splitting header that opens the value (the value starts
 * with the line break) or follows a bare CR (no editor produces one) block.
 *
 * Also reported without a line break:
 *   - a request line that opens a query/path/cookie/header value
 *     ("GET http://x HTTP/1.2": 921110/921130 smuggling probes), or opens
 *     any value when header lines follow it;
 *   - CR/LF in the request path (921190) or in a parameter name (921150);
 *   - <meta http-equiv="refresh|set-cookie"> - a header injected through
 *     HTML (921130).
 *
 * Literal escapes ("\r\n" as four characters) count as a weaker break in
 * query, path, cookie and header values only: they matter when the
 * application unescapes them, which few do.
 *
 * Cost: each line is classified once with a bounded look at its start
 * (LINE_LOOK bytes), <meta tags are read at most META_LOOK bytes each; no
 * allocation; linear in n.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define LINE_LOOK 512   /* bytes of a line classified */
#define NAME_MAX_ 64    /* longest header name considered */
#define META_LOOK 512   /* bytes of a <meta ..> tag read */

typedef struct cres {
    int score;
    size_t off, len;
    char why[RP_WAF_EVIDENCE_MAX];
} cres_t;

/* Evidence is formatted only when the score improves: at most a handful
 * of times per value. */
static void hit(cres_t *r, int score, size_t off, size_t len, const char *what, const char *name,
                size_t nl)
{
    if (score <= r->score)
        return;
    r->score = score;
    r->off = off;
    r->len = len;
    if (name)
        snprintf(r->why, sizeof(r->why), "crlf: %s %.*s", what, (int)RP_MIN(nl, (size_t)48), name);
    else
        snprintf(r->why, sizeof(r->why), "crlf: %s", what);
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
    return is_alpha(c) || is_digit(c);
}

static int is_sp(int c)
{
    return c == ' ' || c == '\t';
}

/* s[0..n) equals w (lower case) ignoring case. */
static int ieq(const char *s, size_t n, const char *w)
{
    return rp_str_ieq(rp_str(s, n), rp_str_c(w));
}

/* s[0..n) starts with w (lower case) ignoring case. */
static int iprefix(const char *s, size_t n, const char *w)
{
    return rp_str_ihas_prefix(rp_str(s, n), rp_str_c(w));
}

/* ---------------------------------------------------------------------- */
/* Line shapes.                                                             */

static const char *const methods[] = {
    "get", "post", "head", "put", "delete", "options", "connect", "trace", "track", "patch",
    "propfind", "proppatch", "mkcol", "copy", "move", "lock", "unlock", "search", "purge", NULL,
};

/* Headers whose injection splits a response or reframes a request. */
static const char *const split_headers[] = {
    "set-cookie", "set-cookie2", "location", "refresh", "content-type", "content-length",
    "transfer-encoding", "content-disposition", "content-encoding", "content-security-policy",
    "access-control-allow-origin", "access-control-allow-credentials", "x-xss-protection",
    "strict-transport-security", "x-frame-options", "www-authenticate", NULL,
};

/* Other real header names (requests and responses). */
static const char *const known_headers[] = {
    "host", "cookie", "authorization", "proxy-authorization", "x-forwarded-for",
    "x-forwarded-host", "x-forwarded-proto", "x-forwarded-server", "x-real-ip", "forwarded",
    "via", "connection", "upgrade", "expect", "te", "trailer", "range", "if-match",
    "if-none-match", "if-modified-since", "user-agent", "referer", "origin", "accept",
    "accept-encoding", "accept-language", "content-language", "content-range", "etag",
    "last-modified", "expires", "pragma", "server", "vary", "retry-after", "keep-alive",
    "x-powered-by", "x-original-url", "x-rewrite-url", "x-http-method-override", "remote-addr",
    "remote-ip", "x-originating-ip", "x-client-ip", "cache-control", "link", "content-location",
    "x-content-type-options", "x-csrf-token", "x-requested-with", NULL,
};

static int in_list(const char *const *l, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    char c0 = (char)rp_lower((unsigned char)s[0]);
    for (size_t i = 0; l[i]; i++)
        if (l[i][0] == c0 && ieq(s, n, l[i]))
            return 1;
    return 0;
}

/* A known method (any case) that is s[0..n), or - for the first word of
 * a value, `suffix_ok` - its upper-case tail ("barGET": a payload glued
 * to a prefix). */
static int method_word(const char *s, size_t n, int suffix_ok)
{
    /* methods have 3..9 letters; a glued tail is upper case */
    if (n >= 3 && n <= 9 && in_list(methods, s, n))
        return 1;
    if (!suffix_ok || n < 4 || s[n - 1] < 'A' || s[n - 1] > 'Z')
        return 0;
    for (size_t i = 0; methods[i]; i++) {
        size_t k = strlen(methods[i]);
        if (n <= k)
            continue;
        const char *t = s + n - k;
        size_t j = 0;
        while (j < k && t[j] == methods[i][j] - 32)
            j++;
        if (j == k)
            return 1;
    }
    return 0;
}

/* "HTTP/" digit at s[0..n) (any case). Returns the bytes it spans
 * (HTTP/1, HTTP/1.1) or 0. */
static size_t version_at(const char *s, size_t n)
{
    if (n < 6 || !iprefix(s, n, "http/") || !is_digit((unsigned char)s[5]))
        return 0;
    size_t i = 6;
    while (i < n && is_digit((unsigned char)s[i]))
        i++;
    if (i + 1 < n && s[i] == '.' && is_digit((unsigned char)s[i + 1])) {
        i += 2;
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    }
    return i;
}

/* HTTP/1.1 200 [reason] */
static int status_line(const char *s, size_t n)
{
    size_t v = version_at(s, n);
    if (!v || v >= n || !is_sp((unsigned char)s[v]))
        return 0;
    size_t i = v;
    while (i < n && is_sp((unsigned char)s[i]))
        i++;
    return i + 3 <= n && is_digit((unsigned char)s[i]) && is_digit((unsigned char)s[i + 1]) &&
           is_digit((unsigned char)s[i + 2]) && (i + 3 == n || !is_digit((unsigned char)s[i + 3]));
}

/* METHOD target HTTP/x[.y]: the target origin-form (/..), asterisk,
 * absolute (scheme://..) or authority (host:port) - so that "get it
 * HTTP/2 style" is prose. */
static int request_line(const char *s, size_t n, int first)
{
    size_t i = 0;
    while (i < n && is_alpha((unsigned char)s[i]) && i < 24)
        i++;
    if (i < 3 || i >= n || !is_sp((unsigned char)s[i]) || !method_word(s, i, first))
        return 0;
    while (i < n && is_sp((unsigned char)s[i]))
        i++;
    size_t t = i;
    while (i < n && !is_sp((unsigned char)s[i]))
        i++;
    rp_str_t target = rp_str(s + t, i - t);
    if (target.n == 0)
        return 0;
    int ok = target.p[0] == '/' || (target.n == 1 && target.p[0] == '*') ||
             (target.n > 3 && memmem(target.p, target.n, "://", 3) != NULL);
    if (!ok) {
        /* host:port */
        const char *c = memchr(target.p, ':', target.n);
        ok = c && c > target.p && (size_t)(c - target.p) + 1 < target.n &&
             is_digit((unsigned char)c[1]);
    }
    if (!ok || i >= n)
        return 0;
    while (i < n && is_sp((unsigned char)s[i]))
        i++;
    return version_at(s + i, n - i) != 0;
}

enum { H_NONE = 0, H_WORD, H_LIKE, H_KNOWN, H_SPLIT };

/* Name: value. Returns the class of the name (H_NONE: not a header line);
 * *nlen its length, *empty when nothing follows the colon. */
static int header_line(const char *s, size_t n, size_t *nlen, int *empty)
{
    size_t i = 0;
    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return H_NONE;
    while (i < n && i <= NAME_MAX_ && (is_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
        i++;
    if (i > NAME_MAX_ || i >= n || s[i] != ':' || s[i - 1] == '-')
        return H_NONE;
    *nlen = i;
    size_t v = i + 1;
    while (v < n && is_sp((unsigned char)s[v]))
        v++;
    *empty = v >= n;
    if (in_list(split_headers, s, i))
        return H_SPLIT;
    if (in_list(known_headers, s, i))
        return H_KNOWN;
    if (i > 2 && rp_lower((unsigned char)s[0]) == 'x' && s[1] == '-')
        return H_LIKE;
    int hyphen = 0, camel = 0;
    for (size_t k = 1; k < i; k++) {
        if (s[k] == '-' && s[k - 1] != '-')
            hyphen = 1;
        if (s[k] >= 'A' && s[k] <= 'Z' && s[k - 1] >= 'a' && s[k - 1] <= 'z')
            camel = 1;
    }
    if (hyphen || (camel && s[0] >= 'A' && s[0] <= 'Z'))
        return H_LIKE;
    return H_WORD;
}

/* Markup that starts a response body: '<' then a letter, '!' or '?'. */
static int markup_line(const char *s, size_t n)
{
    return n >= 2 && s[0] == '<' && (is_alpha((unsigned char)s[1]) || s[1] == '!' || s[1] == '?');
}

/* ---------------------------------------------------------------------- */
/* <meta http-equiv=...>                                                    */

/* Value of attribute `name` (lower case) in tag t[0..n): its bytes in *v. */
static int attr_value(const char *t, size_t n, const char *name, rp_str_t *v)
{
    size_t k = strlen(name);
    for (size_t i = 1; i + k < n; i++) {
        if (!is_sp((unsigned char)t[i - 1]) && t[i - 1] != '"' && t[i - 1] != '\'' && t[i - 1] != '/')
            continue;
        if (!iprefix(t + i, n - i, name))
            continue;
        size_t j = i + k;
        while (j < n && is_sp((unsigned char)t[j]))
            j++;
        if (j >= n || t[j] != '=')
            continue;
        j++;
        while (j < n && is_sp((unsigned char)t[j]))
            j++;
        char q = j < n && (t[j] == '"' || t[j] == '\'') ? t[j] : 0;
        if (q)
            j++;
        size_t st = j;
        while (j < n && (q ? t[j] != q : !is_sp((unsigned char)t[j]) && t[j] != '>'))
            j++;
        *v = rp_str(t + st, j - st);
        return 1;
    }
    return 0;
}

static void meta_equiv(const char *s, size_t n, int wire, cres_t *r)
{
    size_t i = 0;
    while (i + 5 < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt)
            return;
        i = (size_t)(lt - s);
        if (!iprefix(s + i + 1, n - i - 1, "meta") || i + 5 >= n ||
            !(is_sp((unsigned char)s[i + 5]) || s[i + 5] == '/')) {
            i++;
            continue;
        }
        size_t end = i + 5, lim = RP_MIN(n, i + META_LOOK);
        while (end < lim && s[end] != '>')
            end++;
        rp_str_t eq;
        if (attr_value(s + i, end - i, "http-equiv", &eq)) {
            rp_str_t content = RP_STR_NULL;
            attr_value(s + i, end - i, "content", &content);
            int url = 0;
            for (size_t k = 0; k + 3 <= content.n && !url; k++)
                url = iprefix(content.p + k, 3, "url");
            if ((ieq(eq.p, eq.n, "refresh") && url) || ieq(eq.p, eq.n, "set-cookie") ||
                ieq(eq.p, eq.n, "location"))
                hit(r, wire ? 70 : 60, i, end - i, "header injected through <meta http-equiv>",
                    eq.p, eq.n);
        }
        i = end;
    }
}

/* ---------------------------------------------------------------------- */
/* The line walk.                                                           */

/* A line break run: one or more CR/LF (or, `soft`, literal \r \n escapes). */
typedef struct brk {
    int present;    /* a break precedes the line (0: the value's first line) */
    int cr;         /* it has a CR */
    int bare_cr;    /* a CR not followed by LF */
    int blank;      /* two line ends or more: a blank line */
    int soft;       /* literal escapes only */
    int at_start;   /* it opens the value */
} brk_t;

/* Literal "\r" or "\n" at s[i]. */
static int soft_at(const char *s, size_t n, size_t i)
{
    return s[i] == '\\' && i + 1 < n && (s[i + 1] == 'r' || s[i + 1] == 'n');
}

/* The offset of the first byte c at or after i, n when none. */
static size_t next_byte(const char *s, size_t n, size_t i, int c)
{
    const char *p = i < n ? memchr(s + i, c, n - i) : NULL;
    return p ? (size_t)(p - s) : n;
}

/* Reads the break run at s[i] into *b; returns the offset after it. */
static size_t read_break(const char *s, size_t n, size_t i, int soft_ok, brk_t *b)
{
    int ends = 0, hard = 0;
    memset(b, 0, sizeof(*b));
    b->present = 1;
    b->at_start = i == 0;
    while (i < n) {
        if (s[i] == '\r') {
            hard = 1;
            b->cr = 1;
            if (i + 1 < n && s[i + 1] == '\n') {
                i += 2;
            } else {
                b->bare_cr = 1;
                i++;
            }
            ends++;
        } else if (s[i] == '\n') {
            hard = 1;
            i++;
            ends++;
        } else if (soft_ok && soft_at(s, n, i)) {
            if (s[i + 1] == 'r') {
                b->cr = 1;
                i += 2;
                if (i + 1 < n && s[i] == '\\' && s[i + 1] == 'n')
                    i += 2;
            } else {
                i += 2;
            }
            ends++;
        } else {
            break;
        }
    }
    b->soft = !hard;
    b->blank = ends >= 2;
    return i;
}

int rp__waf_crlf(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    cres_t r;
    r.score = 0;
    r.off = r.len = 0;
    r.why[0] = '\0';
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n == 0 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;

    int key = (pt_flags & RP_WAF_PT_KEY) != 0;
    int wire = (src & (RP_WAF_SRC_QUERY | RP_WAF_SRC_PATH | RP_WAF_SRC_COOKIE | RP_WAF_SRC_HEADER)) != 0;
    const char *cr = memchr(s, '\r', n), *lf = memchr(s, '\n', n);
    const char *hard = cr && lf ? (cr < lf ? cr : lf) : cr ? cr : lf;
    const char *bs = wire ? memchr(s, '\\', n) : NULL;
    int soft_ok = bs != NULL;

    if (hard && (src & RP_WAF_SRC_PATH))
        hit(&r, 70, (size_t)(hard - s), 1, "CR/LF in the request path", NULL, 0);
    if (hard && key)
        hit(&r, wire ? 70 : 45, (size_t)(hard - s), 1, "CR/LF in a parameter name", NULL, 0);
    if (memchr(s, '<', n))
        meta_equiv(s, n, wire, &r);

    /* A value with no break at all: only its first line can be a
     * request line. Quick exit for the common case. */
    if (!hard && !soft_ok && !(n >= 14 && is_alpha((unsigned char)s[0])))
        goto out;

    brk_t b;
    memset(&b, 0, sizeof(b));
    size_t i = 0;
    int prev = 0;   /* the previous line: 0 other, 'R' request line, 'H' known header */
    /* the next CR, LF and literal "\r" / "\n" at or after i (n: none),
     * found by memchr and kept until passed: linear in n */
    size_t ncr = cr ? (size_t)(cr - s) : n, nlf = lf ? (size_t)(lf - s) : n;
    size_t nbs = bs ? (size_t)(bs - s) : n;
    for (;;) {
        /* the line [i, e), classified on its first LINE_LOOK bytes */
        if (ncr < i)
            ncr = next_byte(s, n, i, '\r');
        if (nlf < i)
            nlf = next_byte(s, n, i, '\n');
        size_t e = RP_MIN(ncr, nlf);
        if (soft_ok) {
            if (nbs < i)
                nbs = next_byte(s, n, i, '\\');
            while (nbs < n && !soft_at(s, n, nbs))
                nbs = next_byte(s, n, nbs + 1, '\\');
            e = RP_MIN(e, nbs);
        }
        size_t ln = RP_MIN(e - i, (size_t)LINE_LOOK);
        const char *l = s + i;
        int cur = 0;
        if (!b.present) {
            /* the first line: a request line opening the value */
            if (request_line(l, ln, 1)) {
                cur = 'R';
                if (wire)
                    hit(&r, 60, i, e - i, "request line in a value (smuggling)", NULL, 0);
            }
        } else if (!(b.soft && !wire) && ln > 0) {
            int sc = 0, empty = 0, h;
            const char *what = NULL, *name = NULL;
            size_t nl = 0;
            if (status_line(l, ln)) {
                /* after headers and a blank line: a second response */
                sc = wire ? 90 : (prev == 'H' && b.blank ? 75 : 55);
                what = "line break then an HTTP status line";
            } else if (request_line(l, ln, 0)) {
                cur = 'R';
                sc = wire ? 90 : 60;
                what = "line break then a request line (smuggling)";
            } else if ((h = header_line(l, ln, &nl, &empty)) != H_NONE) {
                static const int wire_sc[] = { 0, 40, 70, 80, 85 };
                static const int body_sc[] = { 0, 0, 0, 40, 45 };
                name = l;
                if (h >= H_KNOWN)
                    cur = 'H';
                if (prev == 'R') {
                    sc = wire ? 90 : 75;
                    what = "request line followed by header";
                } else {
                    sc = wire ? wire_sc[h] : body_sc[h];
                    if (empty)
                        sc = RP_MIN(sc, 45);
                    what = "line break then header";
                }
            } else if (b.blank && (wire ? prev == 'H' || markup_line(l, ln)
                                        : prev == 'H' && markup_line(l, ln))) {
                /* headers then a blank line, or markup after a blank line:
                 * a response body */
                sc = wire ? 85 : 45;
                what = "blank line then a response body";
            }
            if (sc > 0 && !wire) {
                /* no editor starts a field with a line break or writes a bare CR */
                if (b.at_start)
                    sc += 20;
                if (b.bare_cr)
                    sc += 15;
                sc = RP_MIN(sc, 85);
            }
            if (sc > 0 && b.soft) {
                sc -= 20;
                what = name ? "escaped line break then header" : "escaped line break then an HTTP line";
            }
            if (sc > 0)
                hit(&r, sc, i, e - i, what, name, nl);
        }
        prev = cur;
        if (e >= n)
            break;
        i = read_break(s, n, e, soft_ok, &b);
    }

out:
    if (r.score <= 0)
        return 0;
    m->score = RP_MIN(r.score, 100);
    m->off = RP_MIN(r.off, n);
    m->len = RP_MIN(r.len, n - m->off);
    snprintf(m->evidence, sizeof(m->evidence), "%s", r.why);
    return m->score;
}
