/*
 * scanner.c - attack tools and vulnerability scanners, recognised by what
 * they put in a request (class RP_WAF_SCANNER, a request-level detector).
 *
 * 1. The User-Agent, read as RFC 9110 says it is built, not searched as
 *    text:
 *
 *        User-Agent = product *( RWS ( product / comment ) )
 *        product    = token [ "/" version ]       "sqlmap/1.7.2#stable"
 *        comment    = "(" parts separated by ';' or ',' ")"
 *                                                  "(compatible; Nmap Scripting Engine; ..)"
 *
 *    rp__ua_tokenize() yields the products and the comment parts. A tool
 *    matches the NAME of one of them: the product name before '/', or the
 *    first word of a comment part, compared whole and case-insensitively,
 *    or its stem before '-', '_' or '.' ("DirBuster-1.0-RC1", "w3af.org",
 *    "OpenVAS-VT"). A few tools are known by a phrase ("Nmap Scripting
 *    Engine", "Fuzz Faster U Fool", "httpx - Open-source project") that
 *    must start at an item and end at a word boundary. So "ecairn-grabber",
 *    "Mozilla/5.0 (Linux; Android 14; Pixel 8)" or a Referer/review that
 *    says "nikto" do not match: only a UA item named like the tool does.
 *    Generic HTTP client libraries (curl, python-requests, python-httpx,
 *    Go-http-client, okhttp, axios, Java, libwww-perl...) are what API
 *    clients are written with: never flagged.
 *
 *    Scores (one per tool, in the table): exploitation tools (sqlmap,
 *    Havij, commix, XSStrike, sqlninja...) 90; vulnerability scanners
 *    (Nikto, Nuclei, Acunetix, Netsparker/Invicti, WPScan, Arachni, w3af,
 *    skipfish, OpenVAS, Nessus...) 80..85; content discovery (DirBuster,
 *    gobuster, ffuf, feroxbuster, wfuzz, dirb) 75..80; fingerprinting and
 *    Internet-wide scanners (Nmap NSE, masscan, zgrab, WhatWeb) 60..75;
 *    names that are also ordinary words or products (Hydra, Medusa, ZAP,
 *    Qualys, dirb) 60..75, matched whole only (no stem: "Hydra-X1" is a
 *    phone), ZAP and Paros only as a product with a version ("ZAP/2.14").
 *
 * 2. Headers the tools add: Acunetix-Product / Acunetix-Scanning-agreement
 *    / Acunetix-User-Agreement (85), ZAP's X-ZAP-Scan-ID (80), an
 *    X-Scanner header whose value names a known tool (Netsparker).
 *
 * 3. Probe markers in any value: Acunetix's
 *    "acunetix-wvs-test-for-some-inexistent-file" and
 *    "acunetix_wvs_security_test" (85), and out-of-band interaction
 *    domains (a host under burpcollaborator.net or oastify.com, Burp
 *    Collaborator; oast.pro/.live/.site/.online/.fun/.me and interact.sh,
 *    interactsh as used by nuclei) (70): a request that carries one is a
 *    blind-injection probe whatever else it is. The domain must be a
 *    hostname suffix after a label ("x1y2.oastify.com") ending at a
 *    non-hostname byte.
 *
 * Cost: one pass over the User-Agent (at most UA_ITEMS items), the header
 * names once, and per point a memchr() walk over '.' and one over 'x' (the
 * last byte of "acunetix"); no allocation. At most MAX_REPORTS findings
 * per request.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define UA_ITEMS 64       /* UA items looked at (real UAs have < 20) */
#define UA_MAX 4096       /* bytes of a User-Agent read */
#define MAX_REPORTS 6     /* findings per request */

/* ---------------------------------------------------------------------- */
/* The tool table.                                                          */

enum {
    T_VERSION = 1u << 0,   /* only as a product with a version: "ZAP/2.14" */
    T_EXACT = 1u << 1,     /* the whole name only, no stem ("Hydra-X1" is a phone) */
};

typedef struct tool {
    const char *name;      /* lower case; a phrase when it has a space */
    int score;
    unsigned flags;
    const char *label;     /* for the evidence */
} tool_t;

static const tool_t tools[] = {
    /* exploitation */
    { "sqlmap", 90, 0, "sqlmap" },
    { "havij", 90, 0, "Havij" },
    { "commix", 90, 0, "commix" },
    { "xsstrike", 90, 0, "XSStrike" },
    { "sqlninja", 90, 0, "sqlninja" },
    { "bsqlbf", 90, 0, "bsqlbf" },
    { "pangolin", 85, 0, "Pangolin" },
    { "sql power injector", 90, 0, "SQL Power Injector" },
    { "dotdotpwn", 90, 0, "DotDotPwn" },
    { "metasploit", 85, 0, "Metasploit" },
    { "zmeu", 85, 0, "ZmEu" },
    { "morfeus fucking scanner", 85, 0, "Morfeus" },
    { "hydra", 70, T_EXACT, "THC Hydra" },
    { "medusa", 60, T_EXACT, "Medusa" },
    /* vulnerability scanners */
    { "nikto", 85, 0, "Nikto" },
    { "nuclei", 85, 0, "Nuclei" },
    { "acunetix", 85, 0, "Acunetix" },
    { "netsparker", 85, 0, "Netsparker" },
    { "invicti", 80, 0, "Invicti" },
    { "wpscan", 85, 0, "WPScan" },
    { "arachni", 85, 0, "Arachni" },
    { "w3af", 85, 0, "w3af" },
    { "skipfish", 85, 0, "skipfish" },
    { "jaeles", 85, 0, "Jaeles" },
    { "openvas", 80, 0, "OpenVAS" },
    { "nessus", 80, 0, "Nessus" },
    { "qualysguard", 75, 0, "QualysGuard" },
    { "qualys", 70, T_EXACT, "Qualys" },
    { "webinspect", 80, 0, "WebInspect" },
    { "paros", 70, T_VERSION, "Paros" },
    { "zap", 70, T_VERSION, "OWASP ZAP" },
    { "grendel-scan", 80, 0, "Grendel-Scan" },
    { "nsauditor", 75, 0, "Nsauditor" },
    { "jorgee", 80, 0, "Jorgee" },
    /* content discovery */
    { "dirbuster", 80, 0, "DirBuster" },
    { "gobuster", 80, 0, "gobuster" },
    { "ffuf", 80, 0, "ffuf" },
    { "fuzz faster u fool", 80, 0, "ffuf" },
    { "feroxbuster", 80, 0, "feroxbuster" },
    { "wfuzz", 80, 0, "Wfuzz" },
    { "dirb", 75, T_EXACT, "dirb" },
    /* fingerprinting, Internet-wide scanning */
    { "nmap scripting engine", 75, 0, "Nmap NSE" },
    { "nmap", 70, 0, "Nmap" },
    { "masscan", 70, 0, "masscan" },
    { "zgrab", 65, 0, "zgrab" },
    { "whatweb", 65, 0, "WhatWeb" },
    { "httpx - open-source project", 70, 0, "httpx (ProjectDiscovery)" },
};

/* The first two bytes of the tool names, lowercased, as a bit matrix:
 * bit (b & 31) of tool_pairs[a & 31] is set for a name starting "ab".
 * A filter (digits share bits with letters); test_scanner checks that it
 * covers the table. */
static const uint32_t tool_pairs[32] = {
    0x00000000u, 0x00040008u, 0x00080000u, 0x00008000u,
    0x00008200u, 0x00000000u, 0x00200060u, 0x00048000u,
    0x02100002u, 0x00004000u, 0x00008002u, 0x00000000u,
    0x00000000u, 0x00008022u, 0x00282220u, 0x00010000u,
    0x00000002u, 0x00200000u, 0x00000000u, 0x00020800u,
    0x00000000u, 0x00000000u, 0x00000000u, 0x00090160u,
    0x00080000u, 0x00000000u, 0x00002082u, 0x00000000u,
    0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u,
};

/* ---------------------------------------------------------------------- */
/* The User-Agent tokenizer.                                                */

static int is_space(int c)
{
    return c == ' ' || c == '\t';
}

static int is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void emit(rp__ua_item_t *out, size_t max, size_t *k, char kind, const char *s, size_t a,
                 size_t b)
{
    while (a < b && is_space((unsigned char)s[a]))
        a++;
    while (b > a && is_space((unsigned char)s[b - 1]))
        b--;
    if (a == b || *k >= max)
        return;
    out[*k].kind = kind;
    out[*k].pos = (uint32_t)a;
    out[*k].len = (uint32_t)(b - a);
    (*k)++;
}

size_t rp__ua_tokenize(const char *s, size_t n, rp__ua_item_t *out, size_t max)
{
    size_t i = 0, k = 0;
    if (n > UA_MAX)
        n = UA_MAX;
    while (i < n && k < max) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c) || c == ')' || c == ';' || c == ',') {
            i++;
        } else if (c == '(') {
            /* a comment: its parts at depth 1; nested comments stay
             * inside the part they are in; quoted-pair skips a byte */
            size_t part = ++i;
            int depth = 1;
            while (i < n && depth > 0) {
                c = (unsigned char)s[i];
                if (c == '\\' && i + 1 < n) {
                    i += 2;
                    continue;
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (--depth == 0)
                        break;
                } else if ((c == ';' || c == ',') && depth == 1) {
                    emit(out, max, &k, RP__UA_COMMENT, s, part, i);
                    part = i + 1;
                }
                i++;
            }
            emit(out, max, &k, RP__UA_COMMENT, s, part, RP_MIN(i, n));
            if (i < n)
                i++; /* the closing ')' */
        } else {
            size_t st = i;
            while (i < n && !is_space((unsigned char)s[i]) && s[i] != '(' && s[i] != ';' &&
                   s[i] != ',')
                i++;
            emit(out, max, &k, RP__UA_PRODUCT, s, st, i);
        }
    }
    return k;
}

/* ---------------------------------------------------------------------- */
/* Matching items against the table.                                        */

/* The phrase (lower case, single spaces) at s[0..n): whitespace runs in s
 * match a space; it must end at the end or before a non-alphanumeric. */
static int phrase_at(const char *s, size_t n, const char *ph)
{
    size_t i = 0;
    for (const char *p = ph; *p; p++) {
        if (*p == ' ') {
            if (i >= n || !is_space((unsigned char)s[i]))
                return 0;
            while (i < n && is_space((unsigned char)s[i]))
                i++;
            continue;
        }
        if (i >= n || rp_lower((unsigned char)s[i]) != *p)
            return 0;
        i++;
    }
    return i == n || !is_alnum((unsigned char)s[i]);
}

static int name_is(const char *s, size_t n, const char *name)
{
    size_t l = strlen(name);
    if (l != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (rp_lower((unsigned char)s[i]) != name[i])
            return 0;
    return 1;
}

/* The tool an item names (NULL: none). `rest` is the UA from the item on
 * (phrases may run over several products). */
static const tool_t *item_tool(const char *s, size_t n, const rp__ua_item_t *it)
{
    const char *p = s + it->pos;
    size_t len = it->len, nl = 0;
    /* every name and phrase has 3 bytes or more, the second not a blank:
     * its first two bytes must be the item's (lowercased) */
    if (len == 0 || it->pos + 1 >= n)
        return NULL;
    char c0 = (char)rp_lower((unsigned char)p[0]), c1 = (char)rp_lower((unsigned char)p[1]);
    if (!(tool_pairs[c0 & 31] >> (c1 & 31) & 1u))
        return NULL;
    /* the name: up to '/', a blank, ':' or '=' */
    while (nl < len && p[nl] != '/' && !is_space((unsigned char)p[nl]) && p[nl] != ':' &&
           p[nl] != '=')
        nl++;
    int versioned = nl < len && p[nl] == '/';
    size_t stem = 0;
    while (stem < nl && p[stem] != '-' && p[stem] != '_' && p[stem] != '.')
        stem++;
    const tool_t *best = NULL;
    for (size_t t = 0; t < RP_ARRAY_SIZE(tools); t++) {
        const tool_t *tl = &tools[t];
        int hit;
        if (tl->name[0] != c0 || tl->name[1] != c1)
            continue;
        if (strchr(tl->name, ' '))
            hit = phrase_at(p, n - it->pos, tl->name);
        else
            hit = name_is(p, nl, tl->name) ||
                  (stem < nl && !(tl->flags & T_EXACT) && name_is(p, stem, tl->name));
        if (hit && (tl->flags & T_VERSION) && !(versioned && it->kind == RP__UA_PRODUCT))
            hit = 0;
        if (hit && (!best || tl->score > best->score))
            best = tl;
    }
    return best;
}

/* Fills m; the evidence is "scanner: " what a. */
static void set_match(rp__waf_match_t *m, int score, size_t off, size_t len, const char *what,
                      const char *a)
{
    m->score = score;
    m->off = off;
    m->len = len;
    snprintf(m->evidence, sizeof(m->evidence), "scanner: %s%s", what, a);
}

int rp__waf_scanner_ua(const char *s, size_t n, rp__waf_match_t *m)
{
    rp__ua_item_t items[UA_ITEMS];
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (n > UA_MAX)
        n = UA_MAX;
    size_t k = rp__ua_tokenize(s, n, items, UA_ITEMS);
    const tool_t *best = NULL;
    size_t at = 0;
    for (size_t i = 0; i < k; i++) {
        const tool_t *t = item_tool(s, n, &items[i]);
        if (t && (!best || t->score > best->score)) {
            best = t;
            at = i;
        }
    }
    if (best)
        set_match(m, best->score, items[at].pos, items[at].len, best->label,
                  " User-Agent");
    return m->score;
}

/* ---------------------------------------------------------------------- */
/* Probe markers in values.                                                 */

typedef struct oob {
    const char *domain;    /* lower case, after the '.' that ends a label */
    const char *what;
} oob_t;

static const oob_t oob_domains[] = {
    { "burpcollaborator.net", "Burp Collaborator" },
    { "oastify.com", "Burp Collaborator" },
    { "oast.pro", "interactsh" },
    { "oast.live", "interactsh" },
    { "oast.site", "interactsh" },
    { "oast.online", "interactsh" },
    { "oast.fun", "interactsh" },
    { "oast.me", "interactsh" },
    { "interact.sh", "interactsh" },
};

static int is_host_char(int c)
{
    return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* An out-of-band callback host in v: the index of the domain (or -1),
 * *off at the '.' before it. */
static int find_oob(rp_str_t v, size_t *off)
{
    const char *p = v.p, *end = v.p + v.n;
    for (const char *d = memchr(p, '.', v.n); d; d = memchr(d + 1, '.', (size_t)(end - d - 1))) {
        if (d == p || !is_alnum((unsigned char)d[-1]) || end - d < 8)
            continue;
        unsigned char c1 = (unsigned char)rp_lower((unsigned char)d[1]);
        if (c1 != 'b' && c1 != 'o' && c1 != 'i')
            continue;
        for (size_t k = 0; k < RP_ARRAY_SIZE(oob_domains); k++) {
            size_t l = strlen(oob_domains[k].domain);
            if ((size_t)(end - d - 1) < l || !name_is(d + 1, l, oob_domains[k].domain))
                continue;
            const char *after = d + 1 + l;
            if (after < end && is_host_char((unsigned char)*after) && *after != '.')
                continue;
            if (after + 1 < end && *after == '.' && is_host_char((unsigned char)after[1]))
                continue;
            *off = (size_t)(d - p);
            return (int)k;
        }
        if (end - d < 8)
            break;
    }
    return -1;
}

/* The first "acunetix" in v starting at or after from (NULL: none): its
 * 'x', a rare byte, found by memchr, then the 7 bytes before it. */
static const char *find_acunetix(rp_str_t v, size_t from)
{
    if (from + 7 >= v.n)
        return NULL;
    const char *end = v.p + v.n;
    const char *x = v.p + from + 7;
    while (x < end && (x = memchr(x, 'x', (size_t)(end - x))) != NULL) {
        if (memcmp(x - 7, "acunetix", 8) == 0)
            return x - 7;
        x++;
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* The request-level check.                                                 */

typedef struct sctx {
    rp__waf_ctx_t *ctx;
    int reports;
} sctx_t;

static void report(sctx_t *c, rp_str_t path, rp_str_t raw, rp_str_t value,
                   const rp__waf_match_t *m)
{
    if (c->reports >= MAX_REPORTS)
        return;
    c->reports++;
    if (!raw.p)
        raw = RP_STRLIT("");
    if (!value.p)
        value = RP_STRLIT("");
    rp__waf_report(c->ctx, RP_WAF_SCANNER, path, raw, value, m);
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

static int header_is(rp_str_t name, const char *lower)
{
    return name_is(name.p, name.n, lower);
}

void rp__waf_scanner_check(const rp_waf_request_t *req, const struct rp__points *pts,
                           rp__waf_ctx_t *ctx)
{
    sctx_t c = { ctx, 0 };
    rp__waf_match_t m;
    char path[96];

    for (size_t i = 0; i < req->nheaders; i++) {
        const rp_waf_header_t *h = &req->headers[i];
        rp_str_t name = h->name;
        /* only these names matter: u.., x.., a.. (a cheap first test) */
        int c0 = name.n ? rp_lower((unsigned char)name.p[0]) : 0;
        if (c0 != 'u' && c0 != 'x' && c0 != 'a')
            continue;
        if (header_is(name, "user-agent") || header_is(name, "x-scanner")) {
            if (rp__waf_scanner_ua(h->value.p, h->value.n, &m) > 0)
                report(&c, header_path(path, sizeof(path), name), h->value, h->value, &m);
        } else if (name.n > 9 && rp_str_ieq(rp_str(name.p, 9), RP_STRLIT("acunetix-"))) {
            rp_str_t hp = header_path(path, sizeof(path), name);
            set_match(&m, 85, 0, h->value.n, "Acunetix header ", path + 7);
            report(&c, hp, h->value, h->value, &m);
        } else if (header_is(name, "x-zap-scan-id")) {
            rp_str_t hp = header_path(path, sizeof(path), name);
            set_match(&m, 80, 0, h->value.n, "OWASP ZAP header ", path + 7);
            report(&c, hp, h->value, h->value, &m);
        }
    }

    for (size_t i = 0; i < pts->n && c.reports < MAX_REPORTS; i++) {
        const rp_waf_point_t *pt = &pts->v[i];
        rp_str_t v = pt->value;
        if (v.n < 8)
            continue;
        /* the markers are written in lower case by the tool */
        const char *mk = find_acunetix(v, 0);
        while (mk) {
            rp_str_t rest = rp_str(mk, (size_t)(v.p + v.n - mk));
            if (rp_str_has_prefix(rest, RP_STRLIT("acunetix-wvs-test-for-some-inexistent-file")) ||
                rp_str_has_prefix(rest, RP_STRLIT("acunetix_wvs_security_test")))
                break;
            mk = find_acunetix(v, (size_t)(mk - v.p) + 8);
        }
        if (mk) {
            m.score = 85;
            m.off = (size_t)(mk - v.p);
            m.len = 8;
            snprintf(m.evidence, sizeof(m.evidence), "scanner: Acunetix probe marker in %.*s",
                     (int)RP_MIN(pt->path.n, (size_t)80), pt->path.p);
            report(&c, pt->path, pt->raw, v, &m);
            continue;
        }
        size_t off;
        int k = find_oob(v, &off);
        if (k >= 0) {
            m.score = 70;
            m.off = off + 1;
            m.len = strlen(oob_domains[k].domain);
            snprintf(m.evidence, sizeof(m.evidence), "scanner: %s domain %s in %.*s",
                     oob_domains[k].what, oob_domains[k].domain,
                     (int)RP_MIN(pt->path.n, (size_t)60), pt->path.p);
            report(&c, pt->path, pt->raw, v, &m);
        }
    }
}
