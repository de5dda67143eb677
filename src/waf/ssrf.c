/*
 * ssrf.c - server-side request forgery and remote file inclusion: URLs in
 * values that point where a server should not go.
 *
 * Every "scheme:" in the value starts a URL candidate (at most SSRF_MAX_URLS
 * of them). The authority is cut at the first '/', '?' or '\' that ends it
 * and every host a parser could pick in it is checked: the first one and
 * each one after an '@' (userinfo tricks such as
 * http://good.com@127.0.0.1/ or "google.com:80 &@127.1:22/# @google.com")
 * and the first host as well. A host is normalised into a small buffer
 * (lower case, '\' dropped, the CJK full stops and the circled letters and
 * digits folded to ASCII) and then read as:
 *
 *   - an IPv4 address in every inet_aton notation: dotted decimal, octal
 *     (0177.0.0.1), hex (0x7f000001, 0xA9.0xFE..), fewer parts (127.1,
 *     169.254.43518, 2130706433) and over-long hex keeping the low 32 bits;
 *   - an IPv6 literal ([::1], [::ffff:127.0.0.1], [0:0:0:0:0:ffff:a9fe:a9fe],
 *     [fe80::1%zone], fd00:ec2::254);
 *   - a name: localhost and its variants, *.internal, metadata.google.internal,
 *     *.svc.cluster.local, localtest.me, lvh.me.
 *
 * Classes and scores: cloud metadata (169.254.169.254, 100.100.100.200,
 * fd00:ec2::254, metadata.google.internal) 90; loopback, 0.0.0.0, ::,
 * link-local 80; private ranges 60; a numeric notation other than dotted
 * decimal 60 whatever it points to; a public IP literal host 50 (CRS 931100:
 * RFI from an address; IPv6 40). Schemes that have no business in a parameter
 * (gopher://, dict://, expect://, phar://, php://, jar:, file:/, ldap://,
 * local_file:, netdoc:) score 60..90 on their own. RFI: a URL whose path
 * ends in a script (.php, .jsp, .asp ..) scores 40, 70 with a query that
 * ends in '?' (the include's suffix cut off), 55 for another file name and '?', and a value that is a scheme
 * followed by anything and a trailing '?' (`http?`, `https://x?`) 50.
 *
 * Values without ':' are only read whole, as a bare host with an optional
 * path: a metadata address, or an internal address written in brackets or
 * in hex/octal, or an internal name followed by '/'; a plain "127.0.0.1" or
 * "10.5" is not an attack (X-Forwarded-For, versions, prices). In headers
 * (Referer: http://localhost:3000/ from a developer's browser) loopback and
 * private hosts score 40.
 *
 * Ordinary public URLs (https://example.com/page) score 0.
 *
 * Cost: no allocation; one pass to find the colons, and each of at most
 * SSRF_MAX_URLS candidates reads at most SSRF_AUTH bytes of authority
 * (SSRF_ATS hosts in it) and SSRF_PATH bytes of path: linear in n.
 */
#include "waf/waf_int.h"

#include <string.h>

#define SSRF_MAX_URLS 64   /* scheme candidates examined per value */
#define SSRF_AUTH 256      /* bytes of authority read per candidate */
#define SSRF_HOST 128      /* normalised host buffer */
#define SSRF_PATH 2048     /* bytes of path and query read per candidate */
#define SSRF_ATS 8         /* hosts after '@' checked per candidate */

typedef struct ssrf_res {
    int score;
    size_t off, len;
    const char *what;
} ssrf_res_t;

static void hit(ssrf_res_t *r, int score, size_t off, size_t len, const char *what)
{
    if (score > r->score) {
        r->score = score;
        r->off = off;
        r->len = len;
        r->what = what;
    }
}

static int is_alpha(int c)
{
    c = rp_lower(c);
    return c >= 'a' && c <= 'z';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
    return is_digit(c) || (rp_lower(c) >= 'a' && rp_lower(c) <= 'f');
}

static int hexval(int c)
{
    return is_digit(c) ? c - '0' : rp_lower(c) - 'a' + 10;
}

/* ---------------------------------------------------------------------- */
/* Host normalisation.                                                      */

/* Folds s[0..n) into out (lower case, '\' dropped, U+3002 U+FF0E U+FF61 as
 * '.', circled digits and letters as ASCII). Returns the length. */
static size_t norm_host(const unsigned char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < n && k < cap - 1) {
        unsigned c = s[i];
        if (c < 0xe2 && c != '\\') {
            out[k++] = (char)rp_lower((int)c);   /* the common case: no folding */
            i++;
            continue;
        }
        if (c == '\\') {
            i++;
            continue;
        }
        if (c == 0xe3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x82) {
            out[k++] = '.';
            i += 3;
            continue;
        }
        if (c == 0xef && i + 2 < n &&
            ((s[i + 1] == 0xbc && s[i + 2] == 0x8e) || (s[i + 1] == 0xbd && s[i + 2] == 0xa1))) {
            out[k++] = '.';
            i += 3;
            continue;
        }
        if (c == 0xe2 && i + 2 < n) {
            unsigned cp = ((c & 0x0f) << 12) | ((s[i + 1] & 0x3fu) << 6) | (s[i + 2] & 0x3fu);
            int o = 0;
            if (cp >= 0x2460 && cp <= 0x2468)
                o = '1' + (int)(cp - 0x2460);
            else if (cp == 0x24ea)
                o = '0';
            else if (cp >= 0x24d0 && cp <= 0x24e9)
                o = 'a' + (int)(cp - 0x24d0);
            else if (cp >= 0x24b6 && cp <= 0x24cf)
                o = 'a' + (int)(cp - 0x24b6);
            if (o) {
                out[k++] = (char)o;
                i += 3;
                continue;
            }
        }
        out[k++] = (char)rp_lower((int)c);
        i++;
    }
    out[k] = '\0';
    return k;
}

/* ---------------------------------------------------------------------- */
/* Addresses.                                                               */

enum { H_NONE = 0, H_PUBLIC, H_PRIVATE, H_LOOP, H_LINK, H_META };

static int classify_v4(uint32_t a)
{
    unsigned b0 = a >> 24, b1 = (a >> 16) & 0xff;
    if (a == 0xa9fea9feu || a == 0x646464c8u)
        return H_META; /* 169.254.169.254, 100.100.100.200 */
    if (a == 0xc00000c0u)
        return H_META; /* 192.0.0.192 (Oracle cloud) */
    if (b0 == 127 || a == 0)
        return H_LOOP;
    if (b0 == 169 && b1 == 254)
        return H_LINK;
    if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168) ||
        (b0 == 100 && (b1 & 0xc0) == 64) || b0 == 0)
        return H_PRIVATE;
    return H_PUBLIC;
}

/* inet_aton: 1..4 parts, each decimal, octal (leading 0) or hex (0x). The
 * last part fills the remaining bytes. *odd set for any notation other
 * than four decimal parts. Returns 1 when h is such an address. */
static int parse_v4(const char *h, size_t n, uint32_t *out, int *odd)
{
    uint64_t part[4];
    size_t np = 0, i = 0;
    *odd = 0;
    if (n == 0)
        return 0;
    while (i < n) {
        uint64_t v = 0;
        size_t st = i;
        if (np == 4)
            return 0;
        if (h[i] == '0' && i + 1 < n && (h[i + 1] == 'x' || h[i + 1] == 'X')) {
            i += 2;
            st = i;
            while (i < n && is_hex((unsigned char)h[i])) {
                v = (v << 4) | (uint64_t)hexval((unsigned char)h[i]);
                i++;
            }
            *odd = 1;
            if (i - st > 16)
                return 0;
        } else if (h[i] == '0' && i + 1 < n && is_digit((unsigned char)h[i + 1])) {
            while (i < n && h[i] >= '0' && h[i] <= '7') {
                v = (v << 3) | (uint64_t)(h[i] - '0');
                i++;
            }
            *odd = 1;
            if (i - st > 22)
                return 0;
        } else {
            while (i < n && is_digit((unsigned char)h[i])) {
                v = v * 10 + (uint64_t)(h[i] - '0');
                i++;
                if (i - st > 19)
                    return 0;
            }
            if (i == st)
                return 0;
        }
        part[np++] = v;
        if (i < n) {
            if (h[i] != '.')
                return 0;
            i++;
            if (i == n) /* trailing dot: "127.0.0.1." */
                break;
        }
    }
    if (np != 4)
        *odd = 1;
    uint32_t a = 0;
    for (size_t k = 0; k + 1 < np; k++) {
        if (part[k] > 255)
            return 0;
        a |= (uint32_t)part[k] << (24 - 8 * k);
    }
    /* the last part fills what is left; over-long values keep the low bits
     * (what several URL libraries do with 0x41414141a9fea9fe) */
    uint64_t last = part[np - 1];
    unsigned bits = 32 - 8 * (unsigned)(np - 1);
    if (bits < 32)
        last &= (1ull << bits) - 1;
    a |= (uint32_t)last;
    *out = a;
    return 1;
}

/* IPv6 text (no brackets; "%zone" allowed) into 16 bytes. */
static int parse_v6(const char *h, size_t n, unsigned char ip[16])
{
    unsigned short w[8];
    int nw = 0, gap = -1;
    size_t i = 0;
    const char *pct = memchr(h, '%', n);
    if (pct)
        n = (size_t)(pct - h);
    if (n < 2 || !memchr(h, ':', n))
        return 0;
    if (h[0] == ':') {
        if (h[1] != ':')
            return 0;
        gap = 0;
        i = 2;
    }
    while (i < n) {
        size_t st = i;
        unsigned v = 0;
        while (i < n && is_hex((unsigned char)h[i]) && i - st < 4) {
            v = (v << 4) | (unsigned)hexval((unsigned char)h[i]);
            i++;
        }
        if (i < n && h[i] == '.') {
            uint32_t a;
            int odd;
            if (nw > 6 || !parse_v4(h + st, n - st, &a, &odd))
                return 0;
            w[nw++] = (unsigned short)(a >> 16);
            w[nw++] = (unsigned short)(a & 0xffff);
            break;
        }
        if (i == st || nw == 8)
            return 0;
        w[nw++] = (unsigned short)v;
        if (i == n)
            break;
        if (h[i] != ':')
            return 0;
        i++;
        if (i < n && h[i] == ':') {
            if (gap >= 0)
                return 0;
            gap = nw;
            i++;
        } else if (i == n) {
            return 0;
        }
    }
    if (gap < 0 && nw != 8)
        return 0;
    if (gap >= 0 && nw > 7)
        return 0;
    memset(ip, 0, 16);
    int tail = gap >= 0 ? nw - gap : 0, head = gap >= 0 ? gap : nw;
    for (int k = 0; k < head; k++) {
        ip[2 * k] = (unsigned char)(w[k] >> 8);
        ip[2 * k + 1] = (unsigned char)w[k];
    }
    for (int k = 0; k < tail; k++) {
        int d = 8 - tail + k;
        ip[2 * d] = (unsigned char)(w[head + k] >> 8);
        ip[2 * d + 1] = (unsigned char)w[head + k];
    }
    return 1;
}

static int classify_v6(const unsigned char ip[16])
{
    static const unsigned char z[12] = { 0 };
    static const unsigned char ec2[16] = { 0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54 };
    if (memcmp(ip, ec2, 16) == 0)
        return H_META;
    /* ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible), :: and ::1 */
    if (memcmp(ip, z, 10) == 0 && ((ip[10] == 0xff && ip[11] == 0xff) || (ip[10] == 0 && ip[11] == 0))) {
        uint32_t a = ((uint32_t)ip[12] << 24) | ((uint32_t)ip[13] << 16) | ((uint32_t)ip[14] << 8) | ip[15];
        if (ip[10] == 0 && a <= 1)
            return H_LOOP;
        return classify_v4(a);
    }
    if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80)
        return H_LINK;
    if ((ip[0] & 0xfe) == 0xfc)
        return H_PRIVATE;
    return H_PUBLIC;
}

/* h[0..n) ends with the k bytes of suf, as a whole label unless suf
 * starts with '.'. */
static int ends_with_k(const char *h, size_t n, const char *suf, size_t k)
{
    return n >= k && memcmp(h + n - k, suf, k) == 0 &&
           (n == k || h[n - k - 1] == '.' || suf[0] == '.');
}

/* Internal host names, in the order they are tried (the first match
 * wins: metadata.google.internal is metadata, not just .internal). An
 * `exact` name is the whole host; the others end it. */
typedef struct ssrf_name {
    const char *s;
    unsigned char len, exact, cls;
} ssrf_name_t;

#define SSRF_NAME(lit, exact, cls) { (lit), sizeof(lit) - 1, (exact), (cls) }

static const ssrf_name_t names[] = {
    SSRF_NAME("metadata.google.internal", 1, H_META), SSRF_NAME("metadata", 1, H_META),
    SSRF_NAME("metadata.packet.net", 0, H_META), SSRF_NAME("metadata.azure.com", 0, H_META),
    SSRF_NAME("localhost", 0, H_LOOP), SSRF_NAME("localhost.localdomain", 0, H_LOOP),
    SSRF_NAME("localhost4", 0, H_LOOP), SSRF_NAME("localhost4.localdomain4", 0, H_LOOP),
    SSRF_NAME("localhost6", 0, H_LOOP), SSRF_NAME("localhost6.localdomain6", 0, H_LOOP),
    SSRF_NAME("ip6-localhost", 0, H_LOOP), SSRF_NAME("ip6-loopback", 0, H_LOOP),
    SSRF_NAME("ipv6-localhost", 0, H_LOOP), SSRF_NAME("ipv6-loopback", 0, H_LOOP),
    SSRF_NAME("localtest.me", 0, H_LOOP), SSRF_NAME("lvh.me", 0, H_LOOP),
    SSRF_NAME(".internal", 0, H_PRIVATE), SSRF_NAME(".svc.cluster.local", 0, H_PRIVATE),
    SSRF_NAME(".cluster.local", 0, H_PRIVATE), SSRF_NAME("kubernetes.default.svc", 0, H_PRIVATE),
};

#define SSRF_NAME_MIN 6   /* the shortest name ("lvh.me") */

/* The last bytes of the names (rp__ssrf_tables_ok checks it). */
static const unsigned char name_last[256] = {
    ['l'] = 1, ['a'] = 1, ['t'] = 1, ['m'] = 1, ['n'] = 1, ['4'] = 1, ['6'] = 1, ['k'] = 1,
    ['e'] = 1, ['c'] = 1,
};

/* The names' last two bytes: bit (b & 31) of name_tails[a & 31] for a
 * name ending in b, a (collisions only let more hosts through). */
static const uint32_t name_tails[32] = {
    0x00000000, 0x00100000, 0x00000000, 0x00400000, 0x00000000, 0x00002000, 0x00000000, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000008, 0x00000002, 0x00008000, 0x00000200, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00184020, 0x00000000, 0x00104000, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
};

/* Bytes an inet_aton number is written with (parse_v4): 1. */
static const unsigned char v4_char[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['x'] = 1, ['X'] = 1,
    ['.'] = 1,
};

/* 1 when name_last, name_tails and SSRF_NAME_MIN agree with the names
 * (tests). */
int rp__ssrf_tables_ok(void);
int rp__ssrf_tables_ok(void)
{
    for (size_t k = 0; k < RP_ARRAY_SIZE(names); k++) {
        const unsigned char *t = (const unsigned char *)names[k].s + names[k].len - 2;
        if (names[k].len < SSRF_NAME_MIN || !name_last[t[1]] ||
            !((name_tails[t[1] & 31] >> (t[0] & 31)) & 1u))
            return 0;
    }
    return 1;
}

/* Internal host names: the class of h[0..n) (trailing dots aside). */
static int classify_name(const char *h, size_t n)
{
    while (n && h[n - 1] == '.')
        n--;
    if (n < SSRF_NAME_MIN || !name_last[(unsigned char)h[n - 1]])
        return H_NONE;                    /* shorter than every name, or ends otherwise */
    for (size_t k = 0; k < RP_ARRAY_SIZE(names); k++) {
        const ssrf_name_t *nm = &names[k];
        /* the last byte first: most names fail there */
        if (h[n - 1] != nm->s[nm->len - 1])
            continue;
        if (nm->exact ? n == nm->len && memcmp(h, nm->s, n) == 0 : ends_with_k(h, n, nm->s, nm->len))
            return nm->cls;
    }
    return H_NONE;
}

/* Classifies a normalised host (brackets allowed, no port). *odd: numeric
 * notation other than dotted decimal; *lit: an IP literal. */
static int classify_host(const char *h, size_t n, int *odd, int *lit)
{
    uint32_t a;
    unsigned char ip[16];
    *odd = *lit = 0;
    if (n && h[0] == '[') {
        const char *e = memchr(h, ']', n);
        size_t k = e ? (size_t)(e - h) - 1 : n - 1;
        if (parse_v6(h + 1, k, ip)) {
            *lit = 1;
            return classify_v6(ip);
        }
        return H_NONE;
    }
    if (parse_v4(h, n, &a, odd)) {
        *lit = 1;
        return classify_v4(a);
    }
    if (parse_v6(h, n, ip)) {
        *lit = 1;
        return classify_v6(ip);
    }
    return classify_name(h, n);
}

static int class_score(int cls)
{
    switch (cls) {
    case H_META: return 90;
    case H_LOOP:
    case H_LINK: return 80;
    case H_PRIVATE: return 60;
    default: return 0;
    }
}

static const char *class_name(int cls)
{
    switch (cls) {
    case H_META: return "cloud metadata address";
    case H_LOOP: return "loopback address";
    case H_LINK: return "link-local address";
    case H_PRIVATE: return "private address";
    default: return "IP literal host";
    }
}

/* Host [s, s+n) as written (port, if any, still attached): checks it.
 * Returns the host class and sets *score. */
static int check_host(const unsigned char *s, size_t n, int header, int *score, const char **what)
{
    char h[SSRF_HOST] = { 0 };
    size_t k = norm_host(s, n, h, sizeof(h)), hn = k;
    int odd, lit, cls;

    *score = 0;
    *what = NULL;
    if (k == 0)
        return H_NONE;
    /* cut the port: after ']' for brackets; the last ':' when only one */
    if (h[0] == '[') {
        char *e = memchr(h, ']', k);
        if (e)
            hn = (size_t)(e - h) + 1;
    } else {
        char *c1 = memchr(h, ':', k);
        if (c1 && !memchr(c1 + 1, ':', k - (size_t)(c1 - h) - 1))
            hn = (size_t)(c1 - h);
    }
    cls = classify_host(h, hn, &odd, &lit);
    if (cls == H_NONE)
        return H_NONE;
    int sc = class_score(cls);
    if (header && (cls == H_LOOP || cls == H_PRIVATE))
        sc = 40;
    if (odd && sc < 60) {
        sc = 60;
        *what = "IP in obfuscated notation";
    } else if (cls == H_PUBLIC && lit) {
        sc = memchr(h, ':', hn) ? 40 : 50; /* IPv6 literals are rarer in RFI, commoner in config */
    }
    if (!*what)
        *what = class_name(cls);
    if (odd && cls != H_PUBLIC && sc < 90)
        sc += 10;
    *score = sc;
    return cls;
}

/* ---------------------------------------------------------------------- */
/* URLs.                                                                    */

typedef struct scheme_rule {
    const char *name;
    const char *after;   /* what must follow "name:" */
    int score;
} scheme_rule_t;

static const scheme_rule_t schemes[] = {
    { "gopher", "//", 85 },   { "dict", "//", 75 },       { "expect", "//", 90 },
    { "phar", "//", 85 },     { "php", "//", 85 },        { "jar", "", 70 },
    { "file", "/", 70 },      { "local_file", "", 85 },   { "netdoc", "", 75 },
    { "ldap", "//", 60 },     { "ldaps", "//", 60 },      { "tftp", "//", 60 },
    { "zip", "//", 60 },      { "glob", "//", 60 },       { "ssh2.exec", "//", 90 },
    { "ogg", "//", 50 },      { NULL, NULL, 0 },
};

static int is_scheme_char(int c)
{
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.' || c == '_';
}

static int script_ext(const unsigned char *p, size_t n)
{
    static const char *const ext[] = { "php", "php3", "php4", "php5", "phtml", "asp", "aspx",
                                       "jsp", "jspx", "cgi", "pl", "py", "sh", "cfm", NULL };
    size_t e = n;
    while (e > 0 && p[e - 1] != '.' && p[e - 1] != '/')
        e--;
    if (e == 0 || p[e - 1] != '.')
        return 0;
    for (int k = 0; ext[k]; k++) {
        size_t kl = strlen(ext[k]);
        if (n - e == kl) {
            size_t j = 0;
            while (j < kl && rp_lower(p[e + j]) == ext[k][j])
                j++;
            if (j == kl)
                return 1;
        }
    }
    return 0;
}

static int url_end(int c)
{
    return c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\t' || c == '\r' ||
           c == '\n' || c == '`' || c == ')' || c == ',';
}

/* One candidate: the scheme at [ss, colon), the rest after colon. */
static void check_url(const unsigned char *u, size_t n, size_t ss, size_t colon, int header,
                      ssrf_res_t *r)
{
    char sch[16];
    size_t sl = colon - ss, p = colon + 1;
    if (sl == 0 || sl >= sizeof(sch))
        return;
    for (size_t k = 0; k < sl; k++)
        sch[k] = (char)rp_lower(u[ss + k]);
    sch[sl] = '\0';

    for (const scheme_rule_t *sr = schemes; sr->name; sr++) {
        if (sr->name[0] != sch[0] || strcmp(sch, sr->name) != 0)
            continue;
        size_t al = strlen(sr->after);
        if (n - p >= al && memcmp(u + p, sr->after, al) == 0 && (al || p < n)) {
            /* jar: needs an inner URL or a '!' entry */
            if (strcmp(sch, "jar") == 0 && !memchr(u + p, '!', n - p) &&
                !(n - p > 4 && memchr(u + p, ':', n - p < 12 ? n - p : 12)))
                break;
            hit(r, sr->score, ss, n - ss > 64 ? 64 : n - ss, "scheme");
            break;
        }
    }

    /* authority: after "//" (or "/" / "\\" / nothing for sloppy parsers) */
    size_t a = p;
    int slashes = 0;
    while (a < n && (u[a] == '/' || u[a] == '\\') && slashes < 3) {
        a++;
        slashes++;
    }
    /* "mailto:", "tel:", "urn:", "data:" and words followed by ':' in text:
     * without slashes only http(s)/ftp and friends are read (http:127.1) */
    if (slashes == 0 && strcmp(sch, "http") != 0 && strcmp(sch, "https") != 0 &&
        strcmp(sch, "ftp") != 0 && strcmp(sch, "gopher") != 0)
        return;
    if (slashes == 0 && (a >= n || !(is_hex(u[a]) || u[a] == '[')))
        return;
    size_t e = a;
    while (e < n && e - a < SSRF_AUTH && u[e] != '/' && u[e] != '?' && u[e] != '\n' && u[e] != '"' &&
           u[e] != '\'' && u[e] != '<' && u[e] != '>')
        e++;
    /* the first host (up to '@', ':', '#', space) and each host after '@' */
    int best = 0, bestcls = H_NONE;
    const char *bestwhat = NULL;
    size_t hs = a;
    int first = 1, ats = 0;
    for (size_t i = a; i <= e; i++) {
        if (i == e || (u[i] == '@' && ats++ < SSRF_ATS)) {
            size_t he = hs;
            while (he < i && u[he] != '#' && u[he] != ' ' && u[he] != '&' && u[he] != '\t')
                he++;
            /* a userinfo "user:pass" before '@' is not a host */
            if (!(first && i < e && u[i] == '@' && memchr(u + hs, ':', i - hs) && hs < i && u[hs] != '[' &&
                  !is_digit(u[hs]))) {
                int sc;
                const char *w;
                int cls = check_host(u + hs, he - hs, header, &sc, &w);
                if (sc > best) {
                    best = sc;
                    bestcls = cls;
                    bestwhat = w;
                }
            }
            first = 0;
            hs = i + 1;
        }
    }
    /* RFI: a script path, a trailing '?' */
    size_t pe = e, lim = n - e > SSRF_PATH ? e + SSRF_PATH : n;
    while (pe < lim && !url_end(u[pe]) && u[pe] != '?' && u[pe] != '#')
        pe++;
    int script = pe > e && script_ext(u + e, pe - e);
    size_t qe = pe;
    while (qe < lim && !url_end(u[qe]))
        qe++;
    int trailq = qe > pe && u[qe - 1] == '?' && (sl >= 3);
    if (best) {
        if (bestcls == H_PUBLIC && script)
            best = 70;
        hit(r, best, ss, qe - ss > 0 ? qe - ss : 1, bestwhat);
    }
    if (e > a && (strncmp(sch, "http", 4) == 0 || strncmp(sch, "ftp", 3) == 0)) {
        if (script && trailq)
            hit(r, 70, ss, qe - ss, "RFI: script URL with trailing '?'");
        else if (trailq && pe > e && memchr(u + e, '.', pe - e))
            hit(r, 55, ss, qe - ss, "RFI: URL with trailing '?'");
        else if (script)
            hit(r, 40, ss, qe - ss, "RFI: URL to a script");
    }
}

/*
 * Can the raw host p[0..n) (before norm_host) be anything classify_host
 * knows? Without a ':' (no IPv6 literal, no port) it must be a bracketed
 * literal ('[' first), an inet_aton number (a digit first, then only
 * digits, hex letters, 'x' and dots), or a name of SSRF_NAME_MIN bytes or
 * more whose last two bytes, trailing dots aside, end a known name (the
 * raw host is never shorter than its normalised form). norm_host drops
 * '\\' and folds only sequences starting at 0xE2 or above: a byte below
 * stands for itself, lower-cased (which the tail test ignores: it reads
 * bits 0..4). Returns 0 only when the host is certainly none of them, so
 * that most words skip the copy and the parses; 1 when it may be, or
 * when a folded byte makes it unsure.
 */
static int bare_may_classify(const unsigned char *p, size_t n)
{
    size_t i = 0, j = n;
    if (memchr(p, ':', n))
        return 1;
    while (i < n && p[i] == '\\')
        i++;
    while (j > i && (p[j - 1] == '.' || p[j - 1] == '\\'))
        j--;
    if (j == i || p[i] >= 0xe2 || p[i] == '[')
        return 1;
    if (is_digit(p[i])) {
        size_t k = i;
        while (k < n && v4_char[p[k]])
            k++;
        if (k == n)
            return 1;                       /* a number */
        if (p[k] == '\\' || p[k] >= 0xe2)
            return 1;                       /* folded: unsure */
    }
    if (j - i < SSRF_NAME_MIN)
        return 0;
    unsigned char a = p[j - 1], b = p[j - 2];
    if (a >= 0x80 || b >= 0x80 || b == '\\')
        return 1;
    return name_last[rp_lower(a)] && ((name_tails[a & 31] >> (b & 31)) & 1u);
}

/* A value that is a bare host with an optional port and path. */
static void check_bare(const unsigned char *u, size_t n, int header, ssrf_res_t *r)
{
    size_t s0 = 0, e;
    while (s0 < n && (u[s0] == ' ' || u[s0] == '\t'))
        s0++;
    if (s0 >= n)
        return;
    e = s0;
    if (u[e] == '[') {
        while (e < n && u[e] != ']' && u[e] != '/')
            e++;
        if (e < n && u[e] == ']')
            e++;
    } else {
        static const unsigned char host_end[256] = { ['/'] = 1, ['?'] = 1, [' '] = 1 };
        while (e < n && !host_end[u[e]])
            e++;
    }
    if (e == s0 || e - s0 >= SSRF_HOST || !bare_may_classify(u + s0, e - s0))
        return;
    char h[SSRF_HOST] = { 0 };
    size_t k = norm_host(u + s0, e - s0, h, sizeof(h));
    int odd, lit, cls;
    size_t hn = k;
    char *c1 = h[0] == '[' ? NULL : memchr(h, ':', k);
    if (c1 && !memchr(c1 + 1, ':', k - (size_t)(c1 - h) - 1))
        hn = (size_t)(c1 - h);
    cls = classify_host(h, hn, &odd, &lit);
    int slash = e < n && u[e] == '/';
    int sc = 0;
    if (cls == H_META)
        sc = (lit && !odd && !slash) ? 50 : 80;
    else if ((cls == H_LOOP || cls == H_LINK || cls == H_PRIVATE) && (h[0] == '[' || (odd && hn > 0 && memchr(h, 'x', hn))))
        sc = 60;
    else if ((cls == H_LOOP || cls == H_PRIVATE) && !lit && slash)
        sc = 50;
    if (header && sc < 80)
        sc = sc ? 40 : 0;
    if (sc)
        hit(r, sc, s0, e - s0, class_name(cls));
}

int rp__waf_ssrf(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    const unsigned char *u = (const unsigned char *)s;
    ssrf_res_t r;
    int header = (src & RP_WAF_SRC_HEADER) != 0;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 3 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    memset(&r, 0, sizeof(r));
    const unsigned char *c = memchr(u, ':', n);
    if (!c) {
        if (n <= 2 * SSRF_HOST && !(pt_flags & RP_WAF_PT_KEY))
            check_bare(u, n, header, &r);
    } else {
        int urls = 0;
        while (c && urls < SSRF_MAX_URLS) {
            size_t colon = (size_t)(c - u), ss = colon;
            while (ss > 0 && colon - ss < 16 && is_scheme_char(u[ss - 1]))
                ss--;
            while (ss < colon && !is_alpha(u[ss]))
                ss++;
            if (ss < colon && (ss == 0 || !is_scheme_char(u[ss - 1]))) {
                check_url(u, n, ss, colon, header, &r);
                urls++;
                if (r.score >= 90)
                    break;
            }
            c = colon + 1 < n ? memchr(u + colon + 1, ':', n - colon - 1) : NULL;
        }
        /* bare "[::ffff:..]" or "fd00:ec2::254" values */
        if (r.score == 0 && (u[0] == '[' || is_hex(u[0])) && n <= 2 * SSRF_HOST &&
            !(pt_flags & RP_WAF_PT_KEY))
            check_bare(u, n, header, &r);
    }
    /* CRS 931120: "http?", "https://x?": a scheme word, no blanks, '?' last */
    if (r.score < 50 && n >= 4 && u[n - 1] == '?') {
        static const char *const w[] = { "file", "ftps", "ftp", "https", "http", NULL };
        for (int k = 0; w[k]; k++) {
            size_t l = strlen(w[k]), j = 0;
            while (j < l && j < n && rp_lower(u[j]) == w[k][j])
                j++;
            if (j == l && (n == l + 1 || u[l] == ':' || u[l] == '?') && !memchr(u, ' ', n)) {
                hit(&r, 50, 0, n, "RFI: scheme with trailing '?'");
                break;
            }
        }
    }
    if (r.score == 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : 0;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    rp__waf_evidence(m->evidence, sizeof(m->evidence), "ssrf: ", r.what ? r.what : "url");
    return m->score;
}
