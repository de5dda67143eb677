/*
 * ssi.c - server-side includes and Edge Side Includes.
 *
 * SSI (Apache mod_include, nginx ssi, IIS) runs directives written as
 * HTML comments whose first byte is '#':
 *
 *   <!--#exec cmd="id" -->          a command (95)
 *   <!--#include virtual="/etc/passwd" -->   a file or URL (85)
 *   <!--#printenv -->               the environment (80)
 *   <!--#echo var="DOCUMENT_ROOT" -->, <!--#set var=.. value=.. -->,
 *   <!--#config errmsg=.. -->, <!--#fsize file=.. -->, <!--#if expr=.. -->
 *
 * ESI (Varnish, Akamai, Fastly, Squid) has XML tags: <esi:include src=..>
 * (an SSRF) and <esi:inline> (85), <esi:debug/> (75), <esi:vars> (60;
 * 80 with a $(HTTP_..) variable inside), <esi:choose>, <esi:when test=..>,
 * <esi:assign ..>, <esi:eval ..> and <esi:try>; and ESI variables
 * $(HTTP_COOKIE{..}), $(QUERY_STRING{..}) outside a tag (60).
 *
 * A directive needs its name from the list and, for those that take
 * them, an attribute=value; an unclosed one (no "-->" or '>') loses 15.
 * HTML comments (<!-- note -->, <!--[if IE]>, <!-- #region -->) pass.
 *
 * Cost: no allocation; each '<' or '$' is examined once with a bounded
 * look-ahead (SSI_LOOK bytes): linear in n.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define SSI_LOOK 512 /* bytes read after an opener */

typedef struct sres {
    int score;
    size_t off, len;
    const char *what;
    char name[16];
} sres_t;

static void hit(sres_t *r, int score, size_t off, size_t len, const char *what, const char *name,
                size_t nl)
{
    if (score <= r->score)
        return;
    r->score = score;
    r->off = off;
    r->len = len;
    r->what = what;
    if (nl >= sizeof(r->name))
        nl = sizeof(r->name) - 1;
    for (size_t k = 0; k < nl; k++)
        r->name[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
    r->name[nl] = '\0';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int ci_eq(const char *s, size_t n, const char *w)
{
    return rp_str_ieq(rp_str(s, n), rp_str_c(w));
}

/* The first l bytes of s equal w[0..l) (lower case), ignoring case. */
static int ci_eq_n(const char *s, const char *w, size_t l)
{
    return rp_str_ieq(rp_str(s, l), rp_str(w, l));
}

static int ci_prefix(const char *s, size_t n, const char *w)
{
    return rp_str_ihas_prefix(rp_str(s, n), rp_str_c(w));
}

typedef struct sdir {
    const char *name;
    int score;
    const char *attrs; /* attributes it needs (one of, space separated), or "" */
} sdir_t;

static const sdir_t ssi_dirs[] = {
    {"exec", 95, "cmd cgi"},
    {"include", 85, "virtual file"},
    {"printenv", 80, ""},
    {"echo", 75, "var encoding"},
    {"set", 70, "var value"},
    {"config", 70, "errmsg timefmt sizefmt echomsg"},
    {"fsize", 70, "file virtual"},
    {"flastmod", 70, "file virtual"},
    {"if", 60, "expr"},
    {"elif", 60, "expr"},
};

/* Is there one of the attribute names (space-separated list) followed by
 * '=' in s[i..lim)? */
static int has_attr(const char *s, size_t i, size_t lim, const char *list)
{
    for (size_t j = i; j < lim; j++) {
        if (!is_alpha((unsigned char)s[j]) || (j > i && !is_blank((unsigned char)s[j - 1])))
            continue;
        size_t e = j;
        while (e < lim && is_alpha((unsigned char)s[e]))
            e++;
        size_t q = e;
        while (q < lim && is_blank((unsigned char)s[q]))
            q++;
        if (q < lim && s[q] == '=') {
            const char *w = list;
            while (*w) {
                const char *sp = strchr(w, ' ');
                size_t l = sp ? (size_t)(sp - w) : strlen(w);
                if (e - j == l && ci_eq_n(s + j, w, l))
                    return 1;
                if (!sp)
                    break;
                w = sp + 1;
            }
        }
        j = e;
    }
    return 0;
}

/* <!--#name ...--> at i (s[i..i+5) is "<!--#"). Returns the end of what
 * was read. */
static size_t ssi_at(const char *s, size_t n, size_t i, sres_t *r)
{
    size_t lim = n - i > SSI_LOOK ? i + SSI_LOOK : n;
    size_t j = i + 5, ns = j;
    while (j < lim && is_alpha((unsigned char)s[j]))
        j++;
    size_t nl = j - ns;
    if (nl == 0 || (j < lim && !is_blank((unsigned char)s[j]) && s[j] != '-'))
        return i + 5;
    /* the directive ends at "-->"; its attributes stop at the next '<' too,
     * so that the regions of successive openers do not overlap */
    size_t end = j;
    while (end < lim && s[end] != '<' &&
           !(s[end] == '-' && end + 2 < n && s[end + 1] == '-' && s[end + 2] == '>'))
        end++;
    size_t close = end < lim && s[end] == '-' ? end : (size_t)-1;
    for (size_t k = 0; k < sizeof(ssi_dirs) / sizeof(ssi_dirs[0]); k++) {
        const sdir_t *d = &ssi_dirs[k];
        if (!ci_eq(s + ns, nl, d->name))
            continue;
        if (d->attrs[0] && !has_attr(s, j, end, d->attrs))
            return j;
        int sc = d->score - (close == (size_t)-1 ? 15 : 0);
        hit(r, sc, i, (close == (size_t)-1 ? end : close + 3) - i, "server-side include directive",
            s + ns, nl);
        return close == (size_t)-1 ? j : close + 3;
    }
    return j;
}

typedef struct etag {
    const char *name;
    int score;
} etag_t;

static const etag_t esi_tags[] = {
    {"include", 85}, {"inline", 85},  {"eval", 85},     {"debug", 75},
    {"vars", 60},    {"choose", 60},  {"when", 60},     {"otherwise", 55},
    {"assign", 65},  {"try", 55},     {"attempt", 55},  {"except", 55},
    {"remove", 55},  {"comment", 55}, {"function", 60}, {"text", 50},
};

/* An ESI variable $(HTTP_X..), $(QUERY_STRING..) at i ('$'). */
static int esi_var(const char *s, size_t n, size_t i)
{
    static const char *const vars[] = {"http_",          "query_string", "remote_addr",
                                       "request_method", "request_path", "esi_args"};
    if (i + 2 >= n || s[i + 1] != '(')
        return 0;
    for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++)
        if (ci_prefix(s + i + 2, n - i - 2, vars[k]) && s[i + 2] >= 'A' && s[i + 2] <= 'Z')
            return 1;
    return 0;
}

/* <esi:name ...> at i. */
static size_t esi_at(const char *s, size_t n, size_t i, sres_t *r)
{
    size_t lim = n - i > SSI_LOOK ? i + SSI_LOOK : n;
    size_t j = i + 5, ns = j;
    while (j < lim && is_alpha((unsigned char)s[j]))
        j++;
    size_t nl = j - ns;
    if (nl == 0 || (j < lim && !is_blank((unsigned char)s[j]) && s[j] != '>' && s[j] != '/'))
        return i + 5;
    size_t gt = j;
    while (gt < lim && s[gt] != '>' && s[gt] != '<')
        gt++;
    if (gt < lim && s[gt] == '<')
        gt = lim; /* not closed before the next tag */
    for (size_t k = 0; k < sizeof(esi_tags) / sizeof(esi_tags[0]); k++) {
        if (!ci_eq(s + ns, nl, esi_tags[k].name))
            continue;
        int sc = esi_tags[k].score - (gt >= lim ? 15 : 0);
        if ((k == 0 || k == 1) && !has_attr(s, j, gt, "src"))
            sc -= 25; /* include/inline without src= */
        if (k == 4) {
            /* <esi:vars>: what it expands */
            for (size_t q = gt < lim ? gt + 1 : j; q < lim && s[q] != '<'; q++)
                if (s[q] == '$' && esi_var(s, lim, q)) {
                    sc = 80;
                    break;
                }
        }
        hit(r, sc, i, (gt < lim ? gt + 1 : lim) - i, "Edge Side Includes tag", s + ns, nl);
        return gt < lim ? gt + 1 : j;
    }
    return j;
}

int rp__waf_ssi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    sres_t r;
    (void)src;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 5 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    if (!memchr(s, '<', n) && !memchr(s, '$', n))
        return 0;
    memset(&r, 0, sizeof(r));
    /* the next '<' and '$', searched again only once passed */
    size_t i = 0, a = 0, b = 0;
    int fa = 0, fb = 0;
    while (i < n && r.score < 95) {
        if (!fa || (a < n && a < i)) {
            const char *p = memchr(s + i, '<', n - i);
            a = p ? (size_t)(p - s) : n;
            fa = 1;
        }
        if (!fb || (b < n && b < i)) {
            const char *d = memchr(s + i, '$', n - i);
            b = d ? (size_t)(d - s) : n;
            fb = 1;
        }
        if (a == n && b == n)
            break;
        if (b < a) {
            if (esi_var(s, n, b)) {
                size_t e = b + 2;
                while (e < n && e - b < 64 && s[e] != ')')
                    e++;
                hit(&r, 60, b, (e < n ? e + 1 : e) - b, "ESI variable", "", 0);
            }
            i = b + 1;
            continue;
        }
        if (a + 5 <= n && memcmp(s + a, "<!--#", 5) == 0)
            i = ssi_at(s, n, a, &r);
        else if (a + 5 <= n && ci_prefix(s + a, n - a, "<esi:"))
            i = esi_at(s, n, a, &r);
        else
            i = a + 1;
    }
    if (r.score <= 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : n;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "ssi: %s%s%s%s", r.what, r.name[0] ? " (" : "",
             r.name, r.name[0] ? ")" : "");
    return m->score;
}
