/*
 * xxe.c - XML external entities, entity expansion and XInclude.
 *
 * A per-value detector: it reads the DTD syntax wherever it appears - the
 * body.xml!doctype and body.xml!entity.NAME points xml.c emits for an XML
 * body, an XML body that did not parse (kept whole as an anomaly point),
 * or an XML document inside a JSON string, a form field, a SOAP envelope
 * or an SVG upload. The grammar read is the DTD's:
 *
 *   <!DOCTYPE name [SYSTEM "uri" | PUBLIC "pubid" "uri"] [ '[' subset ']' ] >
 *   subset: <!ENTITY [%] name ("value" | SYSTEM "uri" | PUBLIC "id" "uri")
 *           [NDATA n]>, %name; references, <!ELEMENT/ATTLIST/NOTATION ..>,
 *           comments, processing instructions
 *
 * and each declaration is judged:
 *
 *   - an external entity (SYSTEM/PUBLIC): 95 when its URI has a scheme
 *     that reads files or runs code (file:, php:, expect:, jar:, netdoc:,
 *     gopher:, data:, ftp:, dict:, ldap:, phar:, zip:, glob:), 90 for an
 *     absolute path, 85 for http(s), 80 otherwise; a parameter entity
 *     (<!ENTITY % x ...>, the engine of blind XXE) 80, 90 when external;
 *     a %x; reference in the internal subset 85;
 *   - an entity whose value holds markup declarations (<!ENTITY % e
 *     "<!ENTITY &#x25; x SYSTEM '..%f;'>">) 85;
 *   - entity expansion ("billion laughs"): two or more entities whose
 *     values reference other entities at least twice, 85;
 *   - an external DTD subset (<!DOCTYPE x SYSTEM "http://evil/x.dtd">):
 *     95/90 by scheme as above, 75 for http(s), 45 for a relative file;
 *     with a formal public identifier and a DTD from a well-known
 *     publisher (W3C XHTML/SVG, Apple plists, OASIS DocBook..) 0;
 *   - XInclude: an <xi:include href=..> element 85 (90 with a file URI),
 *     the XInclude namespace alone 45.
 *
 * A plain <!DOCTYPE html>, a W3C doctype and internal entities that stand
 * for a character or a phrase (<!ENTITY nbsp "&#160;">) score 0.
 *
 * Cost: one forward pass; every declaration is parsed once and the scan
 * resumes after it; no allocation.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

typedef struct xres {
    int score;
    size_t off, len;
    char why[RP_WAF_EVIDENCE_MAX];
} xres_t;

/* What the declarations of one value add up to. */
typedef struct xstat {
    unsigned multipliers;   /* entities whose value references others twice or more */
    size_t multi_off;
} xstat_t;

typedef struct cur {
    const char *s;
    size_t n, i;
} cur_t;

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_namec(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80;
}

/* s[i..) starts with w (lower case), any case. */
static int iat(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    return i <= n && n - i >= k && rp_str_ieq(rp_str(s + i, k), rp_str(w, k));
}

/* A printable copy of s (at most cap-1 bytes) for the evidence. */
static void printable(char *out, size_t cap, rp_str_t s)
{
    size_t o = 0;
    for (size_t i = 0; i < s.n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s.p[i];
        out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[o] = '\0';
}

static void hit(xres_t *r, int score, size_t off, size_t len, const char *what, rp_str_t name,
                rp_str_t uri)
{
    if (score <= r->score)
        return;
    char nb[33], ub[49];
    printable(nb, sizeof(nb), name);
    printable(ub, sizeof(ub), uri);
    r->score = score;
    r->off = off;
    r->len = len;
    if (uri.n && name.n)
        snprintf(r->why, sizeof(r->why), "xxe: %s %s \"%s\"", what, nb, ub);
    else if (uri.n)
        snprintf(r->why, sizeof(r->why), "xxe: %s \"%s\"", what, ub);
    else if (name.n)
        snprintf(r->why, sizeof(r->why), "xxe: %s %s", what, nb);
    else
        snprintf(r->why, sizeof(r->why), "xxe: %s", what);
}

static void skip_ws(cur_t *c)
{
    while (c->i < c->n && is_ws((unsigned char)c->s[c->i]))
        c->i++;
}

static rp_str_t read_name(cur_t *c)
{
    size_t st = c->i;
    while (c->i < c->n && is_namec((unsigned char)c->s[c->i]))
        c->i++;
    return rp_str(c->s + st, c->i - st);
}

/* A quoted literal at the cursor: its content (without the quotes). 0
 * when there is none. An unterminated literal runs to the end. A literal
 * quoted \"..\" is read too: the document still JSON- or JS-escaped. */
static int read_literal(cur_t *c, rp_str_t *lit)
{
    int esc = 0;
    if (c->i + 1 < c->n && c->s[c->i] == '\\' && (c->s[c->i + 1] == '"' || c->s[c->i + 1] == '\''))
        esc = 1, c->i++;
    if (c->i >= c->n || (c->s[c->i] != '"' && c->s[c->i] != '\''))
        return 0;
    char q = c->s[c->i++];
    size_t st = c->i;
    const char *e = memchr(c->s + st, q, c->n - st);
    size_t end = e ? (size_t)(e - c->s) : c->n;
    c->i = e ? end + 1 : c->n;
    if (esc && e && end > st && c->s[end - 1] == '\\')
        end--;
    *lit = rp_str(c->s + st, end - st);
    return 1;
}

/* Keyword w (lower case) at the cursor, followed by a space or a quote. */
static int keyword(cur_t *c, const char *w)
{
    size_t k = strlen(w);
    if (!iat(c->s, c->n, c->i, w))
        return 0;
    if (c->i + k < c->n && !is_ws((unsigned char)c->s[c->i + k]) && c->s[c->i + k] != '"' &&
        c->s[c->i + k] != '\'' && c->s[c->i + k] != '\\')
        return 0;
    c->i += k;
    return 1;
}

/* To just past the '>' closing a declaration, quotes respected. */
static void skip_decl(cur_t *c)
{
    while (c->i < c->n) {
        char ch = c->s[c->i];
        if (ch == '"' || ch == '\'' ||
            (ch == '\\' && c->i + 1 < c->n && (c->s[c->i + 1] == '"' || c->s[c->i + 1] == '\''))) {
            rp_str_t lit;
            read_literal(c, &lit);
            continue;
        }
        c->i++;
        if (ch == '>')
            return;
    }
}

/* The external ID after SYSTEM/PUBLIC: *pub the public id, *sys the URI. */
static int external_id(cur_t *c, rp_str_t *pub, rp_str_t *sys)
{
    *pub = *sys = RP_STR_NULL;
    if (keyword(c, "system")) {
        skip_ws(c);
        return read_literal(c, sys);
    }
    if (keyword(c, "public")) {
        skip_ws(c);
        if (!read_literal(c, pub))
            return 0;
        skip_ws(c);
        read_literal(c, sys);
        return 1;
    }
    return 0;
}

/* How dangerous a system identifier is: 95 a scheme that reads files or
 * runs code, 90 an absolute path, 85 http(s)/ftp-like remote, 0 relative. */
static int uri_danger(rp_str_t u)
{
    static const char *const bad[] = {
        "file:", "php:", "expect:", "jar:", "netdoc:", "gopher:", "data:", "ftp:", "dict:",
        "ldap:", "phar:", "zip:", "glob:", "compress.", "jndi:", "rar:", "ogg:", "ssh2.", NULL,
    };
    while (u.n && is_ws((unsigned char)u.p[0])) {
        u.p++;
        u.n--;
    }
    for (size_t i = 0; bad[i]; i++)
        if (iat(u.p, u.n, 0, bad[i]))
            return 95;
    if (u.n && (u.p[0] == '/' || u.p[0] == '\\'))
        return 90;
    if (u.n >= 3 && ((u.p[0] | 0x20) >= 'a' && (u.p[0] | 0x20) <= 'z') && u.p[1] == ':' &&
        (u.p[2] == '\\' || u.p[2] == '/'))
        return 90; /* C:\ */
    if (iat(u.p, u.n, 0, "http:") || iat(u.p, u.n, 0, "https:"))
        return 85;
    for (size_t i = 0; i < u.n && i < 16; i++) {
        if (u.p[i] == ':')
            return 85; /* another scheme */
        if (!((u.p[i] | 0x20) >= 'a' && (u.p[i] | 0x20) <= 'z'))
            break;
    }
    return 0;
}

/* DTDs published by well-known organisations, fetched (if at all) from
 * their sites: what real documents reference. */
static int known_dtd_host(rp_str_t u)
{
    static const char *const hosts[] = {
        "http://www.w3.org/", "https://www.w3.org/", "http://www.apple.com/dtds/",
        "https://www.apple.com/dtds/", "http://www.oasis-open.org/", "http://docbook.org/",
        "http://java.sun.com/dtd/", "http://www.springframework.org/dtd/",
        "http://mybatis.org/dtd/", "https://mybatis.org/dtd/", "http://hibernate.org/dtd/",
        "http://www.hibernate.org/dtd/", "http://struts.apache.org/dtds/",
        "http://jakarta.apache.org/", "http://logging.apache.org/", NULL,
    };
    for (size_t i = 0; hosts[i]; i++)
        if (iat(u.p, u.n, 0, hosts[i]))
            return 1;
    return 0;
}

/* References to entities in an entity value: &name; (not &#..; nor the
 * five predefined) and %name;. */
static size_t entity_refs(rp_str_t v)
{
    size_t refs = 0;
    for (size_t i = 0; i + 2 < v.n; i++) {
        if (v.p[i] != '&' && v.p[i] != '%')
            continue;
        size_t j = i + 1;
        if (v.p[j] == '#')
            continue;
        while (j < v.n && is_namec((unsigned char)v.p[j]) && j - i < 64)
            j++;
        if (j >= v.n || v.p[j] != ';' || j == i + 1)
            continue;
        rp_str_t nm = rp_str(v.p + i + 1, j - i - 1);
        if (v.p[i] == '&' && (rp_str_eq(nm, RP_STRLIT("amp")) || rp_str_eq(nm, RP_STRLIT("lt")) ||
                              rp_str_eq(nm, RP_STRLIT("gt")) || rp_str_eq(nm, RP_STRLIT("quot")) ||
                              rp_str_eq(nm, RP_STRLIT("apos"))))
            continue;
        refs++;
        i = j;
    }
    return refs;
}

/* <!ENTITY ... > with the cursor just after "<!ENTITY"; `at` is where it
 * starts. */
static void entity_decl(cur_t *c, size_t at, xres_t *r, xstat_t *st)
{
    skip_ws(c);
    int param = 0;
    if (c->i < c->n && c->s[c->i] == '%') {
        param = 1;
        c->i++;
        skip_ws(c);
    }
    rp_str_t name = read_name(c);
    skip_ws(c);
    rp_str_t pub, sys, val;
    size_t len;
    if (external_id(c, &pub, &sys)) {
        int d = uri_danger(sys);
        int sc = d ? d : 80;
        if (param)
            sc = RP_MAX(sc, 90);
        skip_decl(c);
        len = c->i - at;
        hit(r, sc, at, len, param ? "external parameter entity" : "external entity", name, sys);
        return;
    }
    if (read_literal(c, &val)) {
        skip_decl(c);
        len = c->i - at;
        if (memmem(val.p, val.n, "<!", 2) != NULL) {
            hit(r, 85, at, len, "entity value declares markup", name, RP_STR_NULL);
            return;
        }
        if (param)
            hit(r, 80, at, len, "parameter entity", name, RP_STR_NULL);
        if (entity_refs(val) >= 2) {
            if (st->multipliers++ == 0)
                st->multi_off = at;
            if (st->multipliers >= 2)
                hit(r, 85, st->multi_off, c->i - st->multi_off,
                    "entity expansion (entities referencing entities, billion laughs)", RP_STR_NULL,
                    RP_STR_NULL);
        }
        return;
    }
    skip_decl(c);
}

/* The internal subset, cursor just after '['; returns at its ']' (or n). */
static void subset(cur_t *c, xres_t *r, xstat_t *st)
{
    while (c->i < c->n) {
        char ch = c->s[c->i];
        if (ch == ']')
            return;
        if (ch == '%') {
            size_t at = c->i++;
            rp_str_t nm = read_name(c);
            if (nm.n && c->i < c->n && c->s[c->i] == ';') {
                c->i++;
                hit(r, 85, at, c->i - at, "parameter entity reference", rp_str(nm.p - 1, nm.n + 2),
                    RP_STR_NULL);
            }
            continue;
        }
        if (ch != '<') {
            c->i++;
            continue;
        }
        size_t at = c->i;
        if (iat(c->s, c->n, c->i, "<!entity")) {
            c->i += 8;
            entity_decl(c, at, r, st);
        } else if (iat(c->s, c->n, c->i, "<!--")) {
            size_t e = rp_str_ifind(rp_str(c->s, c->n), c->i + 4, RP_STRLIT("-->"));
            c->i = e == (size_t)-1 ? c->n : e + 3;
        } else if (iat(c->s, c->n, c->i, "<?")) {
            size_t e = rp_str_ifind(rp_str(c->s, c->n), c->i + 2, RP_STRLIT("?>"));
            c->i = e == (size_t)-1 ? c->n : e + 2;
        } else {
            c->i++;
            skip_decl(c);
        }
    }
}

/* <!DOCTYPE ...>, cursor just after "<!DOCTYPE". */
static void doctype(cur_t *c, size_t at, xres_t *r, xstat_t *st)
{
    skip_ws(c);
    rp_str_t name = read_name(c);
    skip_ws(c);
    rp_str_t pub, sys;
    if (external_id(c, &pub, &sys) && sys.n) {
        int d = uri_danger(sys);
        int formal = pub.n >= 3 && (pub.p[0] == '-' || pub.p[0] == '+') && pub.p[1] == '/' &&
                     pub.p[2] == '/';
        int sc;
        if (d >= 90)
            sc = d;
        else if (d == 85)
            sc = known_dtd_host(sys) ? 0 : 75;
        else
            sc = formal ? 0 : 45; /* a relative DTD file */
        if (sc)
            hit(r, sc, at, c->i - at, "external DTD for", name, sys);
    }
    skip_ws(c);
    if (c->i < c->n && c->s[c->i] == '[') {
        c->i++;
        subset(c, r, st);
        if (c->i < c->n)
            c->i++; /* ']' */
    }
    skip_decl(c);
}

/* <xi:include href=..>: any prefix bound to ...XInclude, checked by name. */
static void xinclude(const char *s, size_t n, xres_t *r)
{
    size_t ns = rp_str_ifind(rp_str(s, n), 0, RP_STRLIT("w3.org/2001/xinclude"));
    size_t i = 0;
    while (i < n) {
        size_t k = rp_str_ifind(rp_str(s, n), i, RP_STRLIT(":include"));
        if (k == (size_t)-1)
            break;
        /* back to '<' over the prefix */
        size_t b = k;
        while (b > 0 && b > k - RP_MIN(k, (size_t)32) && is_namec((unsigned char)s[b - 1]) &&
               s[b - 1] != ':')
            b--;
        i = k + 8;
        if (b == 0 || s[b - 1] != '<' || b == k)
            continue;
        if (i < n && is_namec((unsigned char)s[i]))
            continue;
        /* the tag up to '>' (bounded) must have href= */
        size_t e = i, lim = RP_MIN(n, i + 1024);
        while (e < lim && s[e] != '>')
            e++;
        size_t h = rp_str_ifind(rp_str(s, e), i, RP_STRLIT("href"));
        i = RP_MAX(i, e);
        if (h == (size_t)-1)
            continue;
        cur_t c = { s, e, h + 4 };
        skip_ws(&c);
        rp_str_t uri = RP_STR_NULL;
        if (c.i < e && s[c.i] == '=') {
            c.i++;
            skip_ws(&c);
            read_literal(&c, &uri);
        }
        int d = uri_danger(uri);
        hit(r, d >= 90 ? 90 : 85, b - 1, e - b + 1, "XInclude of", RP_STR_NULL, uri);
        return;
    }
    if (ns != (size_t)-1)
        hit(r, 45, ns, 20, "XInclude namespace", RP_STR_NULL, RP_STR_NULL);
}

int rp__waf_xxe(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    xres_t r;
    xstat_t st = { 0, 0 };
    RP_UNUSED(src);
    r.score = 0;
    r.off = r.len = 0;
    r.why[0] = '\0';
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 8 || (pt_flags & RP_WAF_PT_NUMBER) || !memchr(s, '<', n))
        return 0;

    cur_t c = { s, n, 0 };
    while (c.i < n) {
        const char *lt = memchr(s + c.i, '<', n - c.i);
        if (!lt)
            break;
        size_t at = (size_t)(lt - s);
        c.i = at + 1;
        if (c.i >= n || s[c.i] != '!')
            continue;
        if (iat(s, n, at, "<!doctype")) {
            c.i = at + 9;
            doctype(&c, at, &r, &st);
        } else if (iat(s, n, at, "<!entity")) {
            c.i = at + 8;
            entity_decl(&c, at, &r, &st);
        } else if (iat(s, n, at, "<!--")) {
            size_t e = rp_str_ifind(rp_str(s, n), at + 4, RP_STRLIT("-->"));
            c.i = e == (size_t)-1 ? n : e + 3;
        }
    }
    if (rp_str_ifind(rp_str(s, n), 0, RP_STRLIT("include")) != (size_t)-1)
        xinclude(s, n, &r);

    if (r.score <= 0)
        return 0;
    m->score = RP_MIN(r.score, 100);
    m->off = RP_MIN(r.off, n);
    m->len = RP_MIN(r.len, n - m->off);
    snprintf(m->evidence, sizeof(m->evidence), "%s", r.why);
    return m->score;
}
