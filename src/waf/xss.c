/*
 * xss.c - cross-site scripting: an HTML tokenizer and a small JavaScript
 * tokenizer that decide by structure, not by keyword lists.
 *
 * In:  one decoded value (a query parameter, a header, a JSON string...).
 * Out: a score (0 benign, 10..40 suspicious, 50..100 attack), the span
 *      that decided it and a one-line reason ("xss: <svg> with event
 *      handler onload").
 *
 * A reflected value lands in one of three places, and the value is read
 * the way a browser would read it in each:
 *
 *   1. HTML text. rp__html_tokenize follows the HTML5 tokenizer closely
 *      enough to see what a browser sees: tag open only on '<' + letter,
 *      `</`, `<!--` (with `<!-->` and `--!>`), bogus comments `<!x>` and
 *      `<?x>`, attribute names that swallow quotes, unquoted / quoted /
 *      unterminated values, '/' between attributes (`<svg/onload=..>`),
 *      raw-text elements (script, style, textarea, xmp, noscript...) whose
 *      content is text up to the matching end tag. Each tag is judged by
 *      its element and attributes: script and friends, event handlers,
 *      URL attributes whose value decodes to javascript:/vbscript:/data:
 *      html, CSS that runs script, srcdoc with markup, meta refresh...
 *   2. Inside an attribute value. A quote (or, for an unquoted value,
 *      whitespace) ends the attribute; what follows is tokenized as the
 *      attributes of the enclosing tag (`" onmouseover="alert(1)`).
 *   3. Inside a script. A small JavaScript tokenizer (identifiers, strings,
 *      templates, regexps, comments, punctuation) follows a quote breakout
 *      (`';alert(1)//`, `"-alert(1)-"`), a javascript: URL, an event
 *      handler, `${...}` and `{{...}}`, and reports calls and assignments,
 *      the member chain they go through (window["al"+"ert"] ...) and
 *      whether the text is code at all: two operands in a row
 *      ("JavaScript: The Good Parts") is prose and stops the reading.
 *
 * A whole value that is a script expression counts only for what a
 * payload needs (a dialog or eval sink at its start, an assignment to
 * location/cookie/innerHTML, obfuscated access to window or document):
 * code samples in comments ("document.querySelector('#app')",
 * "setTimeout(() => done(), 10)") stay below the block score.
 *
 * Plus three encodings that some back ends fold into ASCII: UTF-7
 * (+ADw-script+AD4-), fullwidth forms (U+FF1C) and bytes with the high bit
 * set read as US-ASCII (0xBC = '<'); and markup that makes a server or an
 * XML parser act (<!ENTITY .. SYSTEM>, xi:include, a schema on a foreign
 * host, <!--#exec -->), which no other detector claims yet.
 *
 * Scores: 85..95 script that runs (a <script> with code, a handler or
 * javascript: URL that calls something, a breakout reaching a sink);
 * 60..80 elements and constructs that load or run foreign content
 * (<object>, <base href>, meta refresh, CSS expression, bare sink calls);
 * 50..55 what only an attack sends (a dangling handler after a breakout,
 * <link> without rel, a lone <meta charset>); 20..45 what is out of
 * place but harmless alone (<iframe> of another site, <script> around
 * prose, a call after a quote in prose, <noscript>).
 *
 * No allocation (a few stack buffers, at most ~12 KiB deep), every loop
 * advances, every pass is linear in the value, and the code readings are
 * bounded (1 KiB for a handler or URL body, 4 KiB for a breakout, 8 KiB
 * for a bare expression). A value without any of the bytes that can start
 * markup or code returns after one table scan (typically 10..60 ns); the
 * passes stop once a score of XSS_ENOUGH is reached.
 */
#include "waf/waf_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---------------------------------------------------------------------- */
/* Characters.                                                              */

static inline int is_alpha(unsigned char c) { return (unsigned)((c | 32) - 'a') < 26; }
static inline int is_digit(unsigned char c) { return (unsigned)(c - '0') < 10; }
static inline int is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
static inline int is_hex(unsigned char c)
{
    return is_digit(c) || (unsigned)((c | 32) - 'a') < 6;
}
static inline int hex_val(unsigned char c) { return is_digit(c) ? c - '0' : (c | 32) - 'a' + 10; }
/* HTML whitespace: what ends a tag name or an unquoted attribute value. */
static inline int is_html_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
static inline unsigned char lc(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* s[0..n) equals the lowercase literal `lit`, ASCII case-insensitively. */
static int ieq(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n != k)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lc((unsigned char)s[i]) != (unsigned char)lit[i])
            return 0;
    return 1;
}

/* s[0..n) starts with the lowercase literal `lit`, case-insensitively. */
static int iprefix(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lc((unsigned char)s[i]) != (unsigned char)lit[i])
            return 0;
    return 1;
}

/* Case-insensitive search of a lowercase literal. */
static int icontains(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    for (size_t i = 0; i + k <= n; i++)
        if (lc((unsigned char)s[i]) == (unsigned char)lit[0] && iprefix(s + i, n - i, lit))
            return 1;
    return 0;
}

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* Copies s[0..n) lowercased into out[cap] (NUL-terminated, cut to fit). */
static void lower_copy(char *out, size_t cap, const char *s, size_t n)
{
    size_t k = n < cap - 1 ? n : cap - 1;
    for (size_t i = 0; i < k; i++)
        out[i] = (char)lc((unsigned char)s[i]);
    out[k] = 0;
}

/* ---------------------------------------------------------------------- */
/* Findings: the highest score wins, with its span and reason.              */

/* A score past which reading on cannot change the verdict: passes stop. */
#define XSS_ENOUGH 80

typedef struct xss {
    const char *s;      /* the text being read (the value, or a transcoded copy) */
    size_t n;
    size_t orig_n;      /* length of the caller's value */
    const char *variant;/* NULL, or "UTF-7" ...: spans then cover the whole value */
    unsigned src;       /* RP_WAF_SRC_* of the value */
    int document;       /* the value is a whole HTML document (<html>, <head>, <!DOCTYPE) */
    int score;
    size_t off, len;
    char ev[RP_WAF_EVIDENCE_MAX];
} xss_t;

static void hit(xss_t *x, int score, size_t off, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void hit(xss_t *x, int score, size_t off, size_t len, const char *fmt, ...)
{
    if (score <= x->score)
        return;
    if (score > 100)
        score = 100;
    x->score = score;
    if (x->variant) {
        off = 0;
        len = x->orig_n;
    } else {
        if (off > x->n)
            off = x->n;
        if (len > x->n - off)
            len = x->n - off;
    }
    x->off = off;
    x->len = len;
    size_t k = 0;
    if (x->variant) {
        int w = snprintf(x->ev, sizeof(x->ev), "xss (%s): ", x->variant);
        k = w > 0 ? (size_t)w : 0;
        if (k >= sizeof(x->ev))
            k = sizeof(x->ev) - 1;
    } else {
        memcpy(x->ev, "xss: ", 6);
        k = 5;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->ev + k, sizeof(x->ev) - k, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------------- */
/* HTML character references, as a browser decodes them in attribute      */
/* values: &#106; &#x6A; (semicolon optional), and the named references    */
/* that matter for smuggling a scheme or a call (case folded, semicolon    */
/* optional: old engines were lenient and so are we).                      */

static const struct {
    const char *name;
    unsigned cp;
} html_named[] = {
    { "tab", 9 },      { "newline", 10 }, { "colon", ':' },  { "lpar", '(' },   { "rpar", ')' },
    { "sol", '/' },    { "bsol", '\\' },  { "quot", '"' },   { "apos", '\'' },  { "lt", '<' },
    { "gt", '>' },     { "amp", '&' },    { "semi", ';' },   { "comma", ',' },  { "period", '.' },
    { "equals", '=' }, { "num", '#' },    { "excl", '!' },   { "lsqb", '[' },   { "rsqb", ']' },
    { "lbrack", '[' }, { "rbrack", ']' }, { "lcub", '{' },   { "rcub", '}' },   { "lbrace", '{' },
    { "rbrace", '}' }, { "grave", '`' },  { "plus", '+' },   { "dollar", '$' }, { "percnt", '%' },
    { "ast", '*' },    { "lowbar", '_' }, { "hyphen", '-' }, { "nbsp", 0xA0 },  { "verbar", '|' },
    { "quest", '?' },  { "commat", '@' }, { "hat", '^' },
};

/* Reads one character at s[*i] (a reference or a byte) and advances *i.
 * *ent is set when it was a reference. Non-ASCII bytes come back as they
 * are (>= 0x80); references above 0x7f come back as their code point. */
static unsigned html_char(const char *s, size_t n, size_t *i, int *ent)
{
    size_t p = *i;
    unsigned char c = (unsigned char)s[p];
    if (c != '&' || p + 1 >= n) {
        *i = p + 1;
        return c;
    }
    if (s[p + 1] == '#') {
        size_t q = p + 2;
        unsigned v = 0;
        int hex = q < n && (s[q] == 'x' || s[q] == 'X'), nd = 0;
        if (hex)
            q++;
        while (q < n && (hex ? is_hex((unsigned char)s[q]) : is_digit((unsigned char)s[q]))) {
            if (v < 0x110000)
                v = v * (hex ? 16 : 10) + (unsigned)hex_val((unsigned char)s[q]);
            q++;
            nd++;
        }
        if (nd == 0) {
            *i = p + 1;
            return c;
        }
        if (q < n && s[q] == ';')
            q++;
        *i = q;
        *ent = 1;
        return v == 0 || v >= 0x110000 ? 0xFFFD : v;
    }
    size_t q = p + 1;
    while (q < n && q - p <= 8 && is_alpha((unsigned char)s[q]))
        q++;
    size_t len = q - p - 1;
    for (size_t k = 0; len && k < RP_ARRAY_SIZE(html_named); k++) {
        /* Longest names first would matter for prefixes; none of ours is
         * a prefix of another with a different meaning except lt/gt in
         * longer words, which need the exact length here. */
        if (ieq(s + p + 1, len, html_named[k].name)) {
            if (q < n && s[q] == ';')
                q++;
            *i = q;
            *ent = 1;
            return html_named[k].cp;
        }
    }
    *i = p + 1;
    return c;
}

/* Writes code point cp as UTF-8 (ASCII as is) into out[*k..cap). */
static void put_cp(char *out, size_t cap, size_t *k, unsigned cp)
{
    unsigned char b[4];
    size_t m;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        m = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        m = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        m = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        m = 4;
    }
    if (*k + m > cap)
        return;
    memcpy(out + *k, b, m);
    *k += m;
}

/* Decodes an attribute value (references; bytes >= 0x80 copied as they
 * are) into out[cap]; returns the length (cut at cap). With pct, %XX is
 * decoded too, as a browser does for the body of a javascript: URL. */
static size_t decode_text(const char *s, size_t n, int refs, int pct, char *out, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        unsigned char c = (unsigned char)s[i];
        if (pct && c == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) &&
            is_hex((unsigned char)s[i + 2])) {
            out[k++] = (char)(hex_val((unsigned char)s[i + 1]) * 16 + hex_val((unsigned char)s[i + 2]));
            i += 3;
        } else if (refs && c == '&') {
            int ent = 0;
            size_t j = i;
            unsigned cp = html_char(s, n, &j, &ent);
            if (ent && cp >= 0x80)
                put_cp(out, cap, &k, cp);
            else if (k < cap)
                out[k++] = (char)cp;
            i = j;
        } else {
            out[k++] = (char)c;
            i++;
        }
    }
    return k;
}

/* ---------------------------------------------------------------------- */
/* URL schemes. A browser strips leading C0 controls and spaces from a URL  */
/* and removes TAB, LF and CR anywhere, so "\x01 ja\tva&#x0A;script:" is a  */
/* javascript: URL. Entities are decoded first in attribute values.        */

enum { SCH_NONE, SCH_JS, SCH_VB, SCH_LIVE, SCH_DATA };

static const char *const sch_names[] = { "", "javascript", "vbscript", "livescript", "data" };

/* Reads the scheme at s[0..n). With trim, leading controls/spaces are
 * skipped first. Returns SCH_*, *after = offset just past the ':' and
 * *obf = 1 when references or ignored controls were inside the name (no
 * one writes "ja&Tab;vascript" by accident). */
static int url_scheme(const char *s, size_t n, int trim, size_t *after, int *obf)
{
    size_t i = 0;
    int ent = 0;
    *obf = 0;
    if (trim) {
        while (i < n) {
            size_t j = i;
            int e = 0;
            unsigned c = html_char(s, n, &j, &e);
            if (c > 0x20)
                break;
            i = j;
        }
    }
    char name[12];
    size_t k = 0, skipped = 0;
    unsigned cand = 0x1e; /* bit per sch_names entry still possible */
    while (i < n) {
        size_t j = i;
        int e = 0;
        unsigned c = html_char(s, n, &j, &e);
        if (c == '\t' || c == '\n' || c == '\r') {
            /* a scheme starts with a letter; and a bound keeps the scan
             * of every candidate short */
            if (k == 0 || ++skipped > 64)
                return SCH_NONE;
            *obf = 1;
            i = j;
            continue;
        }
        if (c == ':') {
            if (e)
                *obf = 1; /* &colon; */
            i = j;
            break;
        }
        if (c >= 0x80 || !is_alpha((unsigned char)c) || k >= sizeof(name) - 1)
            return SCH_NONE;
        if (e)
            ent = 1;
        name[k++] = (char)lc((unsigned char)c);
        for (int t = 1; t <= 4; t++)
            if ((cand & (1u << t)) && (k > strlen(sch_names[t]) || sch_names[t][k - 1] != name[k - 1]))
                cand &= ~(1u << t);
        if (!cand)
            return SCH_NONE;
        i = j;
        if (i >= n)
            return SCH_NONE;
    }
    if (k == 0)
        return SCH_NONE;
    name[k] = 0;
    if (ent)
        *obf = 1;
    *after = i;
    for (int t = 1; t <= 4; t++)
        if (strcmp(name, sch_names[t]) == 0)
            return t;
    return SCH_NONE;
}

enum { DATA_OTHER, DATA_EMPTY, DATA_IMAGE, DATA_SVG, DATA_HTML };

/* The media type of a data: URL (s just past "data:"): DATA_HTML for the
 * types a browser renders as a document or runs (html, xhtml, script),
 * DATA_SVG for svg/xml (script runs in a frame, not in an <img>),
 * DATA_EMPTY when none is given. *payload = offset past ','
 * (n when there is none). */
static int data_type(const char *s, size_t n, size_t *payload)
{
    char t[48];
    size_t k = 0, i = 0;
    int gap = 0, params = 0;
    *payload = n;
    if (n > 256)
        n = 256; /* a media type is short; the payload is not read here */
    while (i < n) {
        int e = 0;
        unsigned c = html_char(s, n, &i, &e);
        if (c == ',') {
            *payload = i;
            break;
        }
        /* the URL parser removes tabs and newlines anywhere; a space is
         * allowed around the type and among parameters, but a space inside
         * the type ("Data: see the script ...") is prose, not a MIME type */
        if (c == '\t' || c == '\n' || c == '\r' || c < 0x20)
            continue;
        if (c == ' ') {
            gap = k > 0;
            continue;
        }
        if (c == ';')
            params = 1;
        else if (gap && !params)
            return DATA_OTHER;
        gap = 0;
        if (k < sizeof(t) - 1)
            t[k++] = (char)lc((unsigned char)(c < 0x80 ? c : '?'));
    }
    t[k] = 0;
    char *semi = strchr(t, ';');
    if (semi)
        *semi = 0;
    if (t[0] == 0)
        return DATA_EMPTY;
    static const char *const html[] = { "text/html", "application/xhtml+xml", "text/x-scriptlet",
                                        "application/x-shockwave-flash", NULL };
    static const char *const svg[] = { "image/svg+xml", "text/xml", "application/xml", "text/xsl", NULL };
    if (in_list(t, html) || strstr(t, "script"))
        return DATA_HTML;
    if (in_list(t, svg))
        return DATA_SVG;
    if (strncmp(t, "image/", 6) == 0)
        return DATA_IMAGE;
    return DATA_OTHER;
}

/* ---------------------------------------------------------------------- */
/* CSS. Script runs from CSS through IE's expression(), url(javascript:),  */
/* -moz-binding and behavior:; @import loads a foreign sheet. Comments,    */
/* escapes (\65 xpression, \e), quotes and whitespace are removed and case */
/* folded before looking, as the CSS parser would see past them.          */

enum { CSS_NONE, CSS_IMPORT, CSS_TRUNC, CSS_BINDING, CSS_BEHAVIOR, CSS_JSURL, CSS_EXPR };

static const char *const css_what[] = { "", "@import", "url(javascript", "-moz-binding",
                                        "behavior:url()", "url(javascript:)", "expression()" };

/* ring holds the last 32 normalized characters; r is the count so far */
static int ring_ends(const char *ring, size_t r, const char *lit)
{
    size_t k = strlen(lit);
    if (r < k)
        return 0;
    for (size_t j = 0; j < k; j++)
        if (ring[(r - k + j) & 31] != lit[j])
            return 0;
    return 1;
}

static int css_danger(const char *s, size_t n, int refs, size_t *where)
{
    char ring[32];
    size_t r = 0, i = 0;
    int worst = CSS_NONE;
    while (i < n) {
        size_t at = i;
        int e = 0;
        unsigned c;
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            const char *end = NULL;
            for (size_t j = i + 2; j + 1 < n; j++)
                if (s[j] == '*' && s[j + 1] == '/') {
                    end = s + j + 2;
                    break;
                }
            i = end ? (size_t)(end - s) : n;
            continue;
        }
        if (s[i] == '\\') {
            size_t j = i + 1;
            unsigned v = 0;
            int nd = 0;
            while (j < n && nd < 6 && is_hex((unsigned char)s[j])) {
                v = v * 16 + (unsigned)hex_val((unsigned char)s[j]);
                j++;
                nd++;
            }
            if (nd) {
                if (j < n && is_html_ws((unsigned char)s[j]))
                    j++;
                c = v;
            } else if (j < n) {
                c = (unsigned char)s[j++];
            } else {
                c = ' ';
            }
            i = j;
        } else {
            c = refs ? html_char(s, n, &i, &e) : (unsigned char)s[i++];
        }
        if (c <= 0x20 || c == '"' || c == '\'' || c >= 0x80)
            continue;
        ring[r & 31] = (char)lc((unsigned char)c);
        r++;
        int found = CSS_NONE;
        switch (ring[(r - 1) & 31]) {
        case '(':
            /* expression( only as a property value, so "regular
             * expression(s)" in prose is not CSS */
            if (ring_ends(ring, r, ":expression("))
                found = CSS_EXPR;
            else if (ring_ends(ring, r, "behavior:url("))
                found = CSS_BEHAVIOR;
            break;
        case ':':
            if (ring_ends(ring, r, "url(javascript:") || ring_ends(ring, r, "url(vbscript:") ||
                ring_ends(ring, r, "url(livescript:") || ring_ends(ring, r, "@importjavascript:"))
                found = CSS_JSURL;
            else if (ring_ends(ring, r, "-moz-binding:"))
                found = CSS_BINDING;
            break;
        case 't':
            if (ring_ends(ring, r, "@import"))
                found = CSS_IMPORT;
            else if (ring_ends(ring, r, "url(javascript") || ring_ends(ring, r, "url(vbscript"))
                found = CSS_TRUNC; /* upgraded to CSS_JSURL by the ':' */
            break;
        default:
            break;
        }
        if (found == CSS_TRUNC) {
            /* "url(javascript" only counts when the value ends there */
            size_t j = i;
            while (j < n && (unsigned char)s[j] <= 0x20)
                j++;
            if (j < n)
                found = CSS_NONE;
        }
        if (found > worst) {
            worst = found;
            *where = at;
        }
    }
    return worst;
}

/* ---------------------------------------------------------------------- */
/* JavaScript tokenizer.                                                    */

/* What a name means to the reading (a name may have several). */
enum {
    JN_KW = 1u << 0,     /* operator or statement keyword: '(' after it is not a call */
    JN_GLOBAL = 1u << 1, /* an object whose methods and properties reach the page, cookies, location */
    JN_SINK = 1u << 2,   /* runs a string as code, opens a dialog (every PoC) or loads script */
    JN_REACH = 1u << 3,  /* sends data out */
    JN_WRITE = 1u << 4,  /* a method of a global object that writes markup or navigates */
    JN_TIMER = 1u << 5,  /* takes a function or a string of code: only the string form is a sink */
    JN_SENS = 1u << 6,   /* a property of a global object worth stealing or changing */
    JN_STAGE = 1u << 7,  /* a decoder a payload uses to hide itself */
    JN_PROP = 1u << 8,   /* a property whose assignment navigates, injects markup or leaks */
};

/* A name and what it means; tables of these are sorted by strcmp. */
typedef struct name_flags {
    const char *name;
    unsigned flags;
} name_flags_t;

/* The flags of `name` in a sorted table (0 when absent): binary search. */
static unsigned name_lookup(const name_flags_t *t, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        /* strcmp's order, inline: the names are a few bytes long */
        const unsigned char *a = (const unsigned char *)name, *b = (const unsigned char *)t[mid].name;
        while (*a && *a == *b) {
            a++;
            b++;
        }
        int c = (int)*a - (int)*b;
        if (c == 0)
            return t[mid].flags;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

static const name_flags_t js_names[] = {
    { "$eval", JN_SINK },
    { "EventSource", JN_REACH },
    { "Function", JN_SINK },
    { "WebSocket", JN_REACH },
    { "XMLHttpRequest", JN_REACH },
    { "action", JN_PROP },
    { "alert", JN_SINK },
    { "assign", JN_WRITE },
    { "atob", JN_STAGE },
    { "await", JN_KW },
    { "btoa", JN_STAGE },
    { "case", JN_KW },
    { "catch", JN_KW },
    { "class", JN_KW },
    { "confirm", JN_SINK },
    { "const", JN_KW },
    { "constructor", JN_SINK },
    { "cookie", JN_SENS | JN_PROP },
    { "default", JN_KW },
    { "delete", JN_KW },
    { "do", JN_KW },
    { "document", JN_GLOBAL },
    { "documentURI", JN_SENS },
    { "domain", JN_SENS | JN_PROP },
    { "else", JN_KW },
    { "eval", JN_SINK },
    { "execCommand", JN_WRITE },
    { "execScript", JN_SINK },
    { "export", JN_KW },
    { "extends", JN_KW },
    { "fetch", JN_REACH },
    { "finally", JN_KW },
    { "for", JN_KW },
    { "formAction", JN_PROP },
    { "frames", JN_GLOBAL },
    { "fromCharCode", JN_STAGE },
    { "fromCodePoint", JN_STAGE },
    { "function", JN_KW },
    { "getScript", JN_SINK },
    { "globalEval", JN_SINK },
    { "globalThis", JN_GLOBAL },
    { "href", JN_PROP },
    { "if", JN_KW },
    { "import", JN_SINK },
    { "importScripts", JN_SINK },
    { "in", JN_KW },
    { "innerHTML", JN_PROP },
    { "insertAdjacentHTML", JN_WRITE },
    { "instanceof", JN_KW },
    { "let", JN_KW },
    { "localStorage", JN_SENS },
    { "location", JN_GLOBAL | JN_SENS | JN_PROP },
    { "msSetImmediate", JN_SINK | JN_TIMER },
    { "navigate", JN_WRITE },
    { "navigation", JN_GLOBAL },
    { "new", JN_KW },
    { "of", JN_KW },
    { "open", JN_WRITE },
    { "opener", JN_GLOBAL },
    { "outerHTML", JN_PROP },
    { "parent", JN_GLOBAL },
    { "prompt", JN_SINK },
    { "referrer", JN_SENS },
    { "replace", JN_WRITE },
    { "return", JN_KW },
    { "self", JN_GLOBAL },
    { "sendBeacon", JN_REACH },
    { "sessionStorage", JN_SENS },
    { "setImmediate", JN_SINK | JN_TIMER },
    { "setInterval", JN_SINK | JN_TIMER },
    { "setTimeout", JN_SINK | JN_TIMER },
    { "showModalDialog", JN_SINK },
    { "src", JN_PROP },
    { "srcdoc", JN_PROP },
    { "switch", JN_KW },
    { "throw", JN_KW },
    { "top", JN_GLOBAL },
    { "try", JN_KW },
    { "typeof", JN_KW },
    { "var", JN_KW },
    { "void", JN_KW },
    { "while", JN_KW },
    { "window", JN_GLOBAL },
    { "with", JN_KW },
    { "write", JN_WRITE },
    { "writeln", JN_WRITE },
    { "yield", JN_KW },
};

/* The JN_* flags of a name (0 for an ordinary one). */
static unsigned js_lookup(const char *name)
{
    return name_lookup(js_names, RP_ARRAY_SIZE(js_names), name);
}

enum { JT_EOF, JT_IDENT, JT_NUM, JT_STR, JT_TMPL, JT_REGEX, JT_PUNCT, JT_BAD };

typedef struct js_tok {
    unsigned char type;
    unsigned char nl;   /* a line break came before (automatic semicolons) */
    unsigned char cmt;  /* a comment came before */
    unsigned char esc;  /* identifier spelled with \u escapes */
    size_t pos, len;
} js_tok_t;

typedef struct js_lex {
    const char *s;
    size_t n, i;
    int operand;        /* last token ended an operand: '/' divides */
} js_lex_t;

/* Skips whitespace and comments (incl. the HTML-like `<!--` line comment). */
static void js_skip(js_lex_t *lx, js_tok_t *t)
{
    const char *s = lx->s;
    size_t n = lx->n;
    while (lx->i < n) {
        size_t i = lx->i;
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\r') {
            t->nl = 1;
            lx->i++;
        } else if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == 0) {
            lx->i++;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            lx->i += 2;
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            t->nl = 1;
            lx->i += 3;
        } else if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB &&
                   (unsigned char)s[i + 2] == 0xBF) {
            lx->i += 3;
        } else if ((c == '/' && i + 1 < n && s[i + 1] == '/') ||
                   (c == '<' && i + 3 < n && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-')) {
            const char *e = memchr(s + i, '\n', n - i);
            lx->i = e ? (size_t)(e - s) : n;
            t->cmt = 1;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            size_t j = i + 2;
            while (j < n && !(s[j] == '*' && j + 1 < n && s[j + 1] == '/')) {
                if (s[j] == '\n')
                    t->nl = 1;
                j++;
            }
            lx->i = j < n ? j + 2 : n;
            t->cmt = 1;
        } else {
            break;
        }
    }
}

static int js_ident_start(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    return is_alpha(c) || c == '_' || c == '$' || c >= 0x80 ||
           (c == '\\' && i + 1 < n && s[i + 1] == 'u');
}

/* Consumes one \uXXXX or \u{X..} escape at s[i] ('\\'); 0 if malformed. */
static size_t js_uescape(const char *s, size_t n, size_t i, unsigned *cp)
{
    size_t j = i + 2;
    unsigned v = 0;
    if (j < n && s[j] == '{') {
        size_t k = j + 1;
        while (k < n && k - j <= 7 && is_hex((unsigned char)s[k]))
            v = v * 16 + (unsigned)hex_val((unsigned char)s[k++]);
        if (k >= n || s[k] != '}' || k == j + 1)
            return 0;
        *cp = v;
        return k + 1 - i;
    }
    for (int d = 0; d < 4; d++, j++) {
        if (j >= n || !is_hex((unsigned char)s[j]))
            return 0;
        v = v * 16 + (unsigned)hex_val((unsigned char)s[j]);
    }
    *cp = v;
    return 6;
}

/* Punctuators: longest match. */
static size_t js_punct_len(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    unsigned char d = i + 1 < n ? (unsigned char)s[i + 1] : 0;
    unsigned char e = i + 2 < n ? (unsigned char)s[i + 2] : 0;
    switch (c) {
    case '.':
        return d == '.' && e == '.' ? 3 : 1;
    case '=':
        return d == '=' ? (e == '=' ? 3 : 2) : d == '>' ? 2 : 1;
    case '!':
        return d == '=' ? (e == '=' ? 3 : 2) : 1;
    case '?':
        return d == '.' ? 2 : d == '?' ? (e == '=' ? 3 : 2) : 1;
    case '<':
    case '>':
    case '*':
    case '&':
    case '|':
        /* << <<= >> >>= >>> >>>= ** **= && &&= || ||= and the op= forms */
        if (d == c) {
            if (c == '>' && e == '>')
                return i + 3 < n && s[i + 3] == '=' ? 4 : 3;
            return e == '=' ? 3 : 2;
        }
        return d == '=' ? 2 : 1;
    case '+':
    case '-':
        return d == c || d == '=' ? 2 : 1;
    case '/':
    case '%':
    case '^':
        return d == '=' ? 2 : 1;
    default:
        return 1;
    }
}

static int js_next(js_lex_t *lx, js_tok_t *t)
{
    memset(t, 0, sizeof(*t));
    js_skip(lx, t);
    const char *s = lx->s;
    size_t n = lx->n, i = lx->i;
    t->pos = i;
    if (i >= n) {
        t->type = JT_EOF;
        return JT_EOF;
    }
    unsigned char c = (unsigned char)s[i];
    if (js_ident_start(s, n, i)) {
        size_t j = i;
        while (j < n) {
            unsigned char d = (unsigned char)s[j];
            if (d == '\\') {
                unsigned cp;
                size_t m = (j + 1 < n && s[j + 1] == 'u') ? js_uescape(s, n, j, &cp) : 0;
                if (!m)
                    break;
                t->esc = 1;
                j += m;
            } else if (is_alnum(d) || d == '_' || d == '$') {
                j++;
            } else if (d >= 0x80) {
                /* U+2028/2029 and NBSP are whitespace, not identifier parts */
                if ((d == 0xE2 && j + 2 < n && (unsigned char)s[j + 1] == 0x80 &&
                     ((unsigned char)s[j + 2] & 0xFE) == 0xA8) ||
                    (d == 0xC2 && j + 1 < n && (unsigned char)s[j + 1] == 0xA0))
                    break;
                j++;
            } else {
                break;
            }
        }
        if (j == i) { /* a lone malformed "\u" */
            t->type = JT_BAD;
            t->len = 1;
            lx->i = i + 1;
            lx->operand = 0;
            return JT_BAD;
        }
        t->type = JT_IDENT;
        t->len = j - i;
        lx->i = j;
        lx->operand = 1; /* js_scan clears it after a keyword: '/' then starts a regexp */
        return JT_IDENT;
    }
    if (is_digit(c) || (c == '.' && i + 1 < n && is_digit((unsigned char)s[i + 1]))) {
        size_t j = i + 1;
        while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '.' ||
                         ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
            j++;
        t->type = JT_NUM;
        t->len = j - i;
        lx->i = j;
        lx->operand = 1;
        return JT_NUM;
    }
    if (c == '"' || c == '\'' || c == '`') {
        size_t j = i + 1;
        while (j < n && (unsigned char)s[j] != c) {
            if (s[j] == '\\')
                j++;
            else if (c != '`' && (s[j] == '\n' || s[j] == '\r'))
                break;
            j++;
        }
        if (j < n && (unsigned char)s[j] == c)
            j++;
        if (j > n)
            j = n;
        t->type = c == '`' ? JT_TMPL : JT_STR;
        t->len = j - i;
        lx->i = j;
        lx->operand = 1;
        return t->type;
    }
    if (c == '/' && !lx->operand) {
        size_t j = i + 1;
        int cls = 0, ok = 0;
        while (j < n) {
            unsigned char d = (unsigned char)s[j];
            if (d == '\n' || d == '\r')
                break;
            if (d == '\\') {
                j += 2;
                continue;
            }
            if (d == '[')
                cls = 1;
            else if (d == ']')
                cls = 0;
            else if (d == '/' && !cls) {
                ok = 1;
                j++;
                break;
            }
            j++;
        }
        if (ok) {
            while (j < n && is_alpha((unsigned char)s[j]))
                j++;
            t->type = JT_REGEX;
            t->len = j - i;
            lx->i = j;
            lx->operand = 1;
            return JT_REGEX;
        }
    }
    if (strchr("{}()[];,<>+-*/%&|^!~?:=.", c) && c) {
        size_t len = js_punct_len(s, n, i);
        t->type = JT_PUNCT;
        t->len = len;
        lx->i = i + len;
        if (c == ')' || c == ']')
            lx->operand = 1;
        else if (!(len == 2 && (c == '+' || c == '-') && (unsigned char)s[i + 1] == c))
            lx->operand = 0;
        return JT_PUNCT;
    }
    t->type = JT_BAD;
    t->len = 1;
    lx->i = i + 1;
    lx->operand = 0;
    return JT_BAD;
}

/* The name of an identifier or string token, \u and \x escapes decoded,
 * non-ASCII as '?', cut to fit out[cap]. */
static void js_name(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k + 1 < cap) {
        unsigned cp = (unsigned char)s[i];
        size_t m = 1;
        if (cp == '\\' && i + 1 < n) {
            if (s[i + 1] == 'u' && (m = js_uescape(s, n, i, &cp)) != 0) {
                /* decoded */
            } else if (s[i + 1] == 'x' && i + 3 < n && is_hex((unsigned char)s[i + 2]) &&
                       is_hex((unsigned char)s[i + 3])) {
                cp = (unsigned)(hex_val((unsigned char)s[i + 2]) * 16 + hex_val((unsigned char)s[i + 3]));
                m = 4;
            } else {
                cp = (unsigned char)s[i + 1];
                m = 2;
            }
        }
        out[k++] = (char)(cp < 0x80 && cp ? cp : '?');
        i += m;
    }
    out[k] = 0;
}

/* ---------------------------------------------------------------------- */
/* JavaScript reading: calls, assignments and member chains.               */

typedef struct js_chain {
    char root[16];      /* first identifier, "" when the chain starts with a literal */
    char last[24];      /* last property (identifier or bracketed string) */
    unsigned char on, global, props, obf, isnew, ctor;
    unsigned char computed; /* window[expr]: the name is built at run time */
    unsigned lastfl;        /* JN_* of last */
} js_chain_t;

typedef struct js_frame {
    js_chain_t saved;   /* the chain before the bracket */
    char kind;          /* 'c' call, 'g' group, 'k' if/while/for head, 'p' parameters, 'i' index, 'a' array, 'b' block */
    unsigned char ntok; /* tokens directly inside (an index of one string is a property name) */
    char str[24];       /* that string */
} js_frame_t;

typedef struct js_facts {
    unsigned calls, assigns, tagged;
    unsigned sink_calls;   /* calls that run code or open a dialog: alert eval Function ... */
    unsigned reach_calls;  /* calls through a global object or that send data: document.x() fetch() */
    unsigned write_calls;  /* document.write, window.open, location.replace ... */
    unsigned sink_assigns; /* assignments to location, cookie, innerHTML, any global's property */
    unsigned sink_tagged;  /* tagged templates calling a sink */
    unsigned obf_global;   /* comment or bracketed string in a chain from a global */
    unsigned global_refs;  /* a global with a property: document.cookie */
    unsigned global_calls; /* a call or assignment through a global */
    unsigned sens_refs;    /* document.cookie, window.location ... */
    unsigned pre;          /* statements and assignments read so far */
    unsigned sink_first;   /* the first sink call starts the first statement: "alert(1)", not "x = eval(y)" */
    unsigned stage_calls;  /* atob(), btoa(), String.fromCharCode(): payload staging */
    char stage[24];        /* the name of the last of these two */
    unsigned ctor;         /* .constructor reached (template sandbox escapes) */
    unsigned sink_refs;    /* a sink named without a call (`${alert}`) */
    char ref[16];          /* the first of those */
    unsigned juxt;         /* two operands in a row: prose, the reading stopped */
    unsigned ntok, nops;
    unsigned char first_type, first_ch;
    size_t stop;           /* where the reading ended */
    char sink[24];         /* for the evidence */
} js_facts_t;

enum {
    JS_STRICT = 1,        /* stop at the first sign of prose */
    JS_AFTER_OPERAND = 2, /* start as if a string literal was just closed */
};

enum { P_START, P_OPERAND, P_OP, P_DOT, P_NEW, P_FUNC, P_FNAME, P_KW };

static void js_scan_depth(const char *s, size_t n, int mode, js_facts_t *f, int depth);

/* 2: the callee runs code or opens a dialog; 1: it reaches out (a method
 * of a global object, fetch...); 0: an ordinary call. */
static int chain_is_sink_call(const js_chain_t *c)
{
    if (!c->on)
        return 0;
    if (c->isnew && strcmp(c->last, "Function") == 0)
        return 2;
    if (strcmp(c->last, "constructor") == 0)
        return c->props > 0 ? 2 : 0; /* x.constructor(...), not a class's constructor() */
    if (c->lastfl & JN_SINK)
        return 2;
    if (c->lastfl & JN_REACH)
        return 1;
    return c->global && c->props > 0;
}

/* setTimeout(() => x, 1) takes a function: not a sink. setTimeout("code")
 * and setTimeout(name) may run a string. lx is a copy positioned after
 * the '('. */
static int timer_takes_function(js_lex_t lx)
{
    js_tok_t a, b;
    js_next(&lx, &a);
    if (a.type == JT_PUNCT && lx.s[a.pos] == '(')
        return 1;
    if (a.type != JT_IDENT)
        return 0;
    if ((a.len == 8 && memcmp(lx.s + a.pos, "function", 8) == 0) ||
        (a.len == 5 && memcmp(lx.s + a.pos, "async", 5) == 0))
        return 1;
    js_next(&lx, &b);
    return b.type == JT_PUNCT && b.len == 2 && memcmp(lx.s + b.pos, "=>", 2) == 0;
}

static int chain_is_sink_assign(const js_chain_t *c)
{
    if (!c->on)
        return 0;
    if (c->lastfl & JN_PROP)
        return 1;
    if (c->props > 0 && strncmp(c->last, "on", 2) == 0 && strlen(c->last) > 4)
        return 1;
    return c->global;
}

static void note_sink(js_facts_t *f, const js_chain_t *c)
{
    if (f->sink[0] == 0) {
        if (c->global && c->props && strcmp(c->root, c->last) != 0)
            snprintf(f->sink, sizeof(f->sink), "%.10s.%.12s", c->root, c->last);
        else
            snprintf(f->sink, sizeof(f->sink), "%s", c->last);
    }
}

/* Looks at the `${...}` substitutions of a template token. */
static void js_template(const char *s, size_t n, js_facts_t *f, int depth)
{
    if (depth >= 2)
        return;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] != '$' || s[i + 1] != '{')
            continue;
        size_t j = i + 2, lvl = 1;
        while (j < n && lvl) {
            if (s[j] == '{')
                lvl++;
            else if (s[j] == '}')
                lvl--;
            if (lvl)
                j++;
        }
        js_facts_t g;
        js_scan_depth(s + i + 2, RP_MIN(j - (i + 2), 1024), 0, &g, depth + 1);
        f->sink_calls += g.sink_calls;
        f->reach_calls += g.reach_calls;
        f->sink_assigns += g.sink_assigns;
        if (!f->sink_refs && g.sink_refs)
            memcpy(f->ref, g.ref, sizeof(f->ref));
        f->sink_refs += g.sink_refs;
        f->ctor += g.ctor;
        f->calls += g.calls;
        if (!f->sink[0] && g.sink[0])
            memcpy(f->sink, g.sink, sizeof(f->sink));
        i = j;
    }
}

static void js_scan_depth(const char *s, size_t n, int mode, js_facts_t *f, int depth)
{
    memset(f, 0, sizeof(*f));
    js_lex_t lx = { s, n, 0, (mode & JS_AFTER_OPERAND) != 0 };
    js_frame_t st[16];
    size_t sp = 0;
    js_chain_t cur;
    memset(&cur, 0, sizeof(cur));
    int prev = (mode & JS_AFTER_OPERAND) ? P_OPERAND : P_START;
    int dot_cmt = 0;
    js_tok_t t;
    f->stop = n;
    while (js_next(&lx, &t) != JT_EOF) {
        if (f->ntok == 0) {
            f->first_type = t.type;
            f->first_ch = (unsigned char)s[t.pos];
        }
        f->ntok++;
        const char *p = s + t.pos;
        if (sp && !(t.type == JT_PUNCT && (p[0] == ')' || p[0] == ']' || p[0] == '}')) &&
            st[sp - 1].ntok < 255)
            st[sp - 1].ntok++;
        switch (t.type) {
        case JT_IDENT: {
            char nm[24];
            js_name(p, t.len, nm, sizeof(nm));
            unsigned fl = js_lookup(nm);
            if (prev == P_DOT) {
                memcpy(cur.last, nm, sizeof(cur.last));
                cur.lastfl = fl;
                if (cur.props < 255)
                    cur.props++;
                if (t.cmt || dot_cmt || t.esc)
                    cur.obf = 1;
                if (strcmp(nm, "constructor") == 0) {
                    cur.ctor = 1;
                    f->ctor++;
                }
                if (cur.global) {
                    f->global_refs++;
                    if (cur.obf)
                        f->obf_global++;
                    if (fl & JN_SENS) {
                        f->sens_refs++;
                        snprintf(f->stage, sizeof(f->stage), "%.10s.%.12s", cur.root, nm);
                    }
                }
                prev = P_OPERAND;
                break;
            }
            int kw = (fl & JN_KW) != 0;
            if (kw)
                lx.operand = 0;
            if (prev == P_OPERAND && !t.nl) {
                if (strcmp(nm, "in") == 0 || strcmp(nm, "instanceof") == 0 || strcmp(nm, "of") == 0) {
                    prev = P_OP;
                    memset(&cur, 0, sizeof(cur));
                    break;
                }
                if (!kw) {
                    f->juxt++;
                    if (mode & JS_STRICT) {
                        f->stop = t.pos;
                        return;
                    }
                }
            }
            if (strcmp(nm, "new") == 0) {
                prev = P_NEW;
                break;
            }
            if (strcmp(nm, "function") == 0) {
                prev = P_FUNC;
                break;
            }
            if (kw) {
                f->pre++;
                prev = P_KW;
                memset(&cur, 0, sizeof(cur));
                cur.root[0] = 0;
                break;
            }
            int was_new = prev == P_NEW, was_func = prev == P_FUNC;
            memset(&cur, 0, sizeof(cur));
            cur.on = 1;
            memcpy(cur.root, nm, sizeof(cur.root) - 1);
            cur.root[sizeof(cur.root) - 1] = 0;
            memcpy(cur.last, nm, sizeof(cur.last));
            cur.lastfl = fl;
            cur.global = (fl & JN_GLOBAL) != 0;
            cur.obf = t.esc;
            cur.isnew = (unsigned char)was_new;
            if ((fl & JN_SINK) && !f->sink_refs++)
                memcpy(f->ref, nm, sizeof(f->ref) - 1);
            prev = was_func ? P_FNAME : P_OPERAND;
            if (was_new && (strcmp(nm, "Function") == 0)) {
                /* `new Function` calls it even without parentheses */
                if (!f->sink_calls && !f->pre)
                    f->sink_first = 1;
                f->calls++;
                f->sink_calls++;
                note_sink(f, &cur);
            }
            break;
        }
        case JT_NUM:
        case JT_STR:
        case JT_REGEX:
            if (prev == P_OPERAND && !t.nl) {
                f->juxt++;
                if (mode & JS_STRICT) {
                    f->stop = t.pos;
                    return;
                }
            }
            if (t.type == JT_STR && sp && st[sp - 1].kind == 'i' && st[sp - 1].ntok == 1)
                js_name(p + 1, t.len >= 2 ? t.len - 2 : 0, st[sp - 1].str, sizeof(st[sp - 1].str));
            memset(&cur, 0, sizeof(cur));
            prev = P_OPERAND;
            break;
        case JT_TMPL:
            js_template(p + 1, t.len >= 2 ? t.len - 2 : 0, f, depth);
            if (prev == P_OPERAND && cur.on) {
                /* a tagged template calls its tag: alert`1`, [].sort.call`${alert}`
                 * (a template after a template is a Markdown fence) */
                f->tagged++;
                f->calls++;
                if (cur.on && (strcmp(cur.last, "call") == 0 || strcmp(cur.last, "apply") == 0) &&
                    f->sink_refs) {
                    f->sink_tagged++; /* [].sort.call`${alert}` */
                    if (!f->sink[0])
                        snprintf(f->sink, sizeof(f->sink), "%.4s`${%.10s}`", cur.last, f->ref);
                } else if (chain_is_sink_call(&cur)) {
                    f->sink_tagged++;
                    note_sink(f, &cur);
                }
            }
            memset(&cur, 0, sizeof(cur));
            prev = P_OPERAND;
            break;
        case JT_PUNCT: {
            unsigned char c = (unsigned char)p[0];
            f->nops++;
            if (c == '.' || (c == '?' && t.len == 2 && p[1] == '.')) {
                if (t.len == 3) { /* spread */
                    prev = P_OP;
                    break;
                }
                if (prev == P_OPERAND && cur.on) {
                    dot_cmt = t.cmt;
                    if (t.cmt)
                        cur.obf = 1;
                    prev = P_DOT;
                } else {
                    prev = P_OP;
                }
                break;
            }
            if (c == '(') {
                char kind = 'g';
                if (prev == P_OPERAND) {
                    kind = 'c';
                    f->calls++;
                    int sk = chain_is_sink_call(&cur);
                    if (sk == 2 && (cur.lastfl & JN_TIMER) && timer_takes_function(lx))
                        sk = 0;
                    if (sk == 2 && !f->sink_calls && !f->pre)
                        f->sink_first = 1;
                    if (sk == 2)
                        f->sink_calls++;
                    else if (sk == 1)
                        f->reach_calls++;
                    if (sk)
                        note_sink(f, &cur);
                    if (cur.on && (cur.lastfl & JN_STAGE)) {
                        f->stage_calls++;
                        snprintf(f->stage, sizeof(f->stage), "%s", cur.last);
                    }
                    if (cur.on && cur.global && cur.computed) {
                        f->obf_global++; /* top['al'+'ert'](1) */
                        note_sink(f, &cur);
                    }
                    if (cur.on && cur.global && cur.props) {
                        f->global_calls++;
                        if ((cur.lastfl & JN_WRITE))
                            f->write_calls++;
                    }
                    if (cur.ctor)
                        f->ctor++;
                } else if (prev == P_FNAME || prev == P_FUNC) {
                    kind = 'p';
                } else if (prev == P_KW) {
                    kind = 'k';
                }
                if (sp < RP_ARRAY_SIZE(st)) {
                    st[sp].saved = cur;
                    st[sp].kind = kind;
                    st[sp].ntok = 0;
                    st[sp].str[0] = 0;
                    sp++;
                }
                memset(&cur, 0, sizeof(cur));
                prev = P_OP;
                break;
            }
            if (c == '[') {
                char kind = prev == P_OPERAND ? 'i' : 'a';
                if (sp < RP_ARRAY_SIZE(st)) {
                    st[sp].saved = cur;
                    st[sp].kind = kind;
                    st[sp].ntok = 0;
                    st[sp].str[0] = 0;
                    sp++;
                }
                memset(&cur, 0, sizeof(cur));
                prev = P_OP;
                break;
            }
            if (c == ')' || c == ']') {
                if (!sp) {
                    /* closes something the page opened: `');alert(1)//` */
                    memset(&cur, 0, sizeof(cur));
                    prev = P_OPERAND;
                    break;
                }
                js_frame_t *fr = &st[--sp];
                if (fr->kind == 'c') {
                    cur = fr->saved;   /* f(x).y continues the chain */
                    prev = P_OPERAND;
                } else if (fr->kind == 'g') {
                    prev = P_OPERAND;  /* (document)["cookie"]: the inner chain goes on */
                } else if (fr->kind == 'i') {
                    cur = fr->saved;
                    if (fr->ntok == 1 && fr->str[0]) {
                        memcpy(cur.last, fr->str, sizeof(cur.last));
                        cur.lastfl = js_lookup(cur.last);
                        if (cur.props < 255)
                            cur.props++;
                        if (strcmp(cur.last, "constructor") == 0) {
                            cur.ctor = 1;
                            f->ctor++;
                        }
                        if (cur.global) {
                            cur.obf = 1;
                            f->obf_global++;
                            f->global_refs++;
                            if (cur.lastfl & JN_SENS)
                                f->sens_refs++;
                        }
                    } else {
                        memcpy(cur.last, "[]", 3);
                        cur.lastfl = 0;
                        if (cur.props < 255)
                            cur.props++;
                        cur.computed = 1;
                    }
                    prev = P_OPERAND;
                } else if (fr->kind == 'a') {
                    memset(&cur, 0, sizeof(cur));
                    cur.on = 1;    /* [].sort.call`` : a chain from a literal */
                    prev = P_OPERAND;
                } else {
                    memset(&cur, 0, sizeof(cur));
                    prev = P_OP;   /* if (...) / function f(...) : a statement follows */
                }
                break;
            }
            if (c == '{') {
                f->pre++;
                if (sp < RP_ARRAY_SIZE(st)) {
                    memset(&st[sp], 0, sizeof(st[sp]));
                    st[sp].kind = 'b';
                    sp++;
                }
                memset(&cur, 0, sizeof(cur));
                prev = P_OP;
                break;
            }
            if (c == '}') {
                if (sp)
                    sp--;
                memset(&cur, 0, sizeof(cur));
                prev = P_OP;
                break;
            }
            if ((c == '+' || c == '-') && t.len == 2 && (unsigned char)p[1] == c) {
                if (prev != P_OPERAND)
                    prev = P_OP;
                break;
            }
            /* assignment: "=" or an operator-assignment, not == => <= >= != */
            int assign = (t.len == 1 && c == '=') ||
                         (t.len >= 2 && p[t.len - 1] == '=' && c != '=' && c != '!' &&
                          !(t.len == 2 && (c == '<' || c == '>')));
            if (assign || c == ';')
                f->pre++;
            if (assign && prev == P_OPERAND && cur.on) {
                f->assigns++;
                if (chain_is_sink_assign(&cur)) {
                    f->sink_assigns++;
                    note_sink(f, &cur);
                }
                if (cur.global)
                    f->global_calls++;
            }
            memset(&cur, 0, sizeof(cur));
            prev = P_OP;
            break;
        }
        default: /* JT_BAD */
            if (mode & JS_STRICT) {
                f->juxt++;
                f->stop = t.pos;
                return;
            }
            memset(&cur, 0, sizeof(cur));
            prev = P_OP;
            break;
        }
    }
}

static void js_scan(const char *s, size_t n, int mode, js_facts_t *f)
{
    js_scan_depth(s, n, mode, f, 0);
}

/* Code runs: a call, an assignment or a tagged template. */
static int js_acts(const js_facts_t *f) { return f->calls || f->assigns || f->tagged; }
static int js_sinks(const js_facts_t *f)
{
    return f->sink_calls || f->reach_calls || f->sink_assigns || f->sink_tagged;
}

/* The body of a javascript: URL or a handler does nothing: empty, `;`,
 * `void(0)`, `void 0`, comments. */
static int js_inert(const char *s, size_t n)
{
    js_lex_t lx = { s, n, 0, 0 };
    js_tok_t t;
    int state = 0; /* 0 start, 1 after void, 2 after void( , 3 after void(0 , 4 done */
    while (js_next(&lx, &t) != JT_EOF) {
        const char *p = s + t.pos;
        if (t.type == JT_PUNCT && p[0] == ';' && (state == 0 || state == 4))
            continue;
        if (state == 0 && t.type == JT_IDENT && t.len == 4 && memcmp(p, "void", 4) == 0)
            state = 1;
        else if (state == 1 && t.type == JT_PUNCT && p[0] == '(')
            state = 2;
        else if ((state == 1 || state == 2) && t.type == JT_NUM)
            state = state == 1 ? 4 : 3;
        else if (state == 3 && t.type == JT_PUNCT && p[0] == ')')
            state = 4;
        else
            return 0;
    }
    return state == 0 || state == 4;
}

/* A call, an assignment, a tagged template or a bracketed access needs
 * one of these bytes: without them the reading can be skipped. */
static int js_may_act(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '(' || s[i] == '=' || s[i] == '`' || s[i] == '[')
            return 1;
    return 0;
}

/* Only literals, names and keywords (and ; { }): code that does nothing. */
static int js_literal(const char *s, size_t n)
{
    js_lex_t lx = { s, n, 0, 0 };
    js_tok_t t;
    while (js_next(&lx, &t) != JT_EOF) {
        if (t.type == JT_PUNCT && t.len == 1 && strchr(";{}", s[t.pos]))
            continue;
        if (t.type != JT_IDENT && t.type != JT_NUM && t.type != JT_STR)
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* HTML tokenizer.                                                          */

enum { HS_DATA, HS_TAG, HS_RAW, HS_DONE };

typedef struct html_lex {
    const char *s;
    size_t n, i;
    int state;
    int attr_pending;     /* an attribute name was emitted: '=' may follow */
    int raw_pending;      /* the current start tag opens a raw-text element */
    char raw[12];         /* that element (lowercase), while in HS_RAW */
    size_t nraw;
    int plaintext;        /* <plaintext>: text to the end */
} html_lex_t;

typedef struct html_tok {
    char type;            /* 't' 'c' 'a' 'v' '>' 'x' '!' (see rp__html_tokenize) */
    size_t pos, len;
    char quote;           /* 'v': '"', '\'' or 0 */
    int open;             /* 'v' quoted without its closing quote; '>' at the end of input; '!' unclosed */
} html_tok_t;

/* Elements whose content is text up to their end tag (the HTML5 RAWTEXT
 * and RCDATA elements, noscript as with scripting on). */
static const char *const html_raw_el[] = { "script", "style", "xmp", "iframe", "noembed", "noframes",
                                           "noscript", "textarea", "title", NULL };

static void html_lex_init(html_lex_t *lx, const char *s, size_t n)
{
    memset(lx, 0, sizeof(*lx));
    lx->s = s;
    lx->n = n;
}

/* Starts inside a tag at s[i]: reads attributes (breakout analysis). */
static void html_lex_init_attrs(html_lex_t *lx, const char *s, size_t n, size_t i)
{
    html_lex_init(lx, s, n);
    lx->i = i;
    lx->state = HS_TAG;
}

static int html_emit(html_tok_t *t, char type, size_t pos, size_t len)
{
    t->type = type;
    t->pos = pos;
    t->len = len;
    return 1;
}

/* Index of the first '>' at or after i, or n. */
static size_t find_gt(const char *s, size_t n, size_t i)
{
    const char *g = i < n ? memchr(s + i, '>', n - i) : NULL;
    return g ? (size_t)(g - s) : n;
}

/* Markup at s[i] == '<': a tag, an end tag, a comment or a bogus comment.
 * Returns 0 when the '<' is only text. */
static int html_markup(html_lex_t *lx, html_tok_t *t)
{
    const char *s = lx->s;
    size_t n = lx->n, i = lx->i;
    if (i + 1 >= n)
        return 0;
    unsigned char c = (unsigned char)s[i + 1];
    if (is_alpha(c) || (c == '/' && i + 2 < n && is_alpha((unsigned char)s[i + 2]))) {
        int close = c == '/';
        size_t b = i + 1 + (size_t)close, e = b;
        while (e < n && !is_html_ws((unsigned char)s[e]) && s[e] != '/' && s[e] != '>')
            e++;
        lx->i = e;
        lx->state = HS_TAG;
        lx->attr_pending = 0;
        lx->raw_pending = 0;
        if (!close) {
            char nm[12];
            if (e - b < sizeof(nm)) {
                lower_copy(nm, sizeof(nm), s + b, e - b);
                if (in_list(nm, html_raw_el)) {
                    lx->raw_pending = 1;
                    memcpy(lx->raw, nm, sizeof(nm));
                    lx->nraw = e - b;
                } else if (strcmp(nm, "plaintext") == 0) {
                    lx->raw_pending = 2;
                }
            }
        }
        return html_emit(t, close ? 'c' : 't', b, e - b);
    }
    if (c == '/') {
        /* "</>" is dropped, "</ x>" "</3" are bogus comments; "</" at the end is text */
        if (i + 2 >= n)
            return 0;
        size_t e = find_gt(s, n, i + 2);
        t->open = e >= n;
        lx->i = e < n ? e + 1 : n;
        return html_emit(t, '!', i, lx->i - i);
    }
    if (c == '!') {
        size_t e;
        if (i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
            size_t j = i + 4;
            if (j < n && s[j] == '>') {
                e = j + 1; /* <!--> */
            } else if (j + 1 < n && s[j] == '-' && s[j + 1] == '>') {
                e = j + 2; /* <!---> */
            } else {
                e = n;
                t->open = 1;
                for (; j + 2 < n; j++) {
                    if (s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '>') {
                        e = j + 3;
                        t->open = 0;
                        break;
                    }
                    if (j + 3 < n && s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '!' && s[j + 3] == '>') {
                        e = j + 4;
                        t->open = 0;
                        break;
                    }
                }
            }
        } else {
            size_t g = find_gt(s, n, i + 2);
            t->open = g >= n;
            e = g < n ? g + 1 : n;
        }
        lx->i = e;
        return html_emit(t, '!', i, e - i);
    }
    if (c == '?') {
        size_t g = find_gt(s, n, i + 2);
        t->open = g >= n;
        lx->i = g < n ? g + 1 : n;
        return html_emit(t, '!', i, lx->i - i);
    }
    return 0;
}

/* Raw text: up to "</name" followed by whitespace, '/' or '>' (or the
 * end of input), case-insensitively. */
static size_t html_raw_end(const html_lex_t *lx)
{
    const char *s = lx->s;
    size_t n = lx->n, i = lx->i;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt)
            return n;
        size_t j = (size_t)(lt - s);
        if (j + 1 + lx->nraw < n + 1 && j + 1 < n && s[j + 1] == '/' &&
            iprefix(s + j + 2, n - j - 2, lx->raw)) {
            size_t k = j + 2 + lx->nraw;
            if (k >= n || is_html_ws((unsigned char)s[k]) || s[k] == '/' || s[k] == '>')
                return j;
        }
        i = j + 1;
    }
    return n;
}

/* Next token; 0 at the end of input. */
static int html_next(html_lex_t *lx, html_tok_t *t)
{
    const char *s = lx->s;
    size_t n = lx->n;
    t->quote = 0;
    t->open = 0;
    for (;;) {
        size_t i = lx->i;
        switch (lx->state) {
        case HS_DONE:
            return 0;
        case HS_RAW: {
            size_t e = lx->plaintext ? n : html_raw_end(lx);
            lx->state = HS_DATA;
            lx->i = e;
            if (e > i)
                return html_emit(t, 'x', i, e - i);
            continue;
        }
        case HS_DATA: {
            if (i >= n) {
                lx->state = HS_DONE;
                return 0;
            }
            if (s[i] == '<' && html_markup(lx, t))
                return 1;
            /* text up to the next '<' that starts markup */
            size_t j = i + 1;
            for (;;) {
                const char *lt = j < n ? memchr(s + j, '<', n - j) : NULL;
                if (!lt) {
                    j = n;
                    break;
                }
                j = (size_t)(lt - s);
                if (j + 1 < n) {
                    unsigned char d = (unsigned char)s[j + 1];
                    if (is_alpha(d) || d == '!' || d == '?' || (d == '/' && j + 2 < n))
                        break;
                }
                j++;
            }
            lx->i = j;
            return html_emit(t, 'x', i, j - i);
        }
        default: /* HS_TAG */
            break;
        }
        /* inside a tag: attributes */
        if (lx->attr_pending) {
            lx->attr_pending = 0;
            size_t j = i;
            while (j < n && is_html_ws((unsigned char)s[j]))
                j++;
            if (j < n && s[j] == '=') {
                j++;
                while (j < n && is_html_ws((unsigned char)s[j]))
                    j++;
                if (j >= n) {
                    lx->i = n;
                    t->open = 1;
                    return html_emit(t, 'v', n, 0);
                }
                if (s[j] == '"' || s[j] == '\'') {
                    const char *q = memchr(s + j + 1, s[j], n - j - 1);
                    size_t e = q ? (size_t)(q - s) : n;
                    t->quote = s[j];
                    t->open = !q;
                    lx->i = q ? e + 1 : n;
                    return html_emit(t, 'v', j + 1, e - j - 1);
                }
                if (s[j] != '>') {
                    size_t e = j;
                    while (e < n && !is_html_ws((unsigned char)s[e]) && s[e] != '>')
                        e++;
                    lx->i = e;
                    return html_emit(t, 'v', j, e - j);
                }
                /* "<a href=>": no value */
            }
            lx->i = i = j;
        }
        while (i < n && (is_html_ws((unsigned char)s[i]) || (s[i] == '/' && !(i + 1 < n && s[i + 1] == '>'))))
            i++;
        if (i >= n) {
            lx->i = n;
            lx->state = HS_DONE;
            t->open = 1;
            return html_emit(t, '>', n, 0);
        }
        if (s[i] == '>' || s[i] == '/') {
            size_t len = s[i] == '/' ? 2 : 1;
            lx->i = i + len;
            lx->state = HS_DATA;
            if (lx->raw_pending == 1) {
                lx->state = HS_RAW;
            } else if (lx->raw_pending == 2) {
                lx->state = HS_RAW;
                lx->plaintext = 1;
            }
            lx->raw_pending = 0;
            return html_emit(t, '>', i, len);
        }
        /* attribute name: the first character may be '=' (a parse error
         * that browsers keep as part of the name) */
        size_t e = i + 1;
        while (e < n && !is_html_ws((unsigned char)s[e]) && s[e] != '/' && s[e] != '>' && s[e] != '=')
            e++;
        lx->i = e;
        lx->attr_pending = 1;
        return html_emit(t, 'a', i, e - i);
    }
}

/*
 * The tokens of s[0..n), at most max, in input order (positions never go
 * back; spans lie inside the input):
 *   't'  start tag: the name after '<'       ("<svg/onload=x>" -> "svg")
 *   'c'  end tag: the name after "</"
 *   'a'  attribute name (of start and end tags alike)
 *   'v'  its value, without quotes; may be empty ("<a href=" at the end)
 *   '>'  end of the tag: ">" or "/>", or empty at the end of the input
 *   'x'  text, and the content of raw-text elements (script, style...)
 *   '!'  comment, doctype, bogus comment (<!x>, <?x>, </3), "</>"
 * Every 't'/'c' is followed by its 'a'/'v' tokens and one '>'.
 */
size_t rp__html_tokenize(const char *s, size_t n, rp__html_token_t *out, size_t max)
{
    html_lex_t lx;
    html_tok_t t;
    size_t k = 0;
    if (!s)
        n = 0;
    if (n > UINT32_MAX)
        n = UINT32_MAX;
    html_lex_init(&lx, s, n);
    while (k < max && html_next(&lx, &t)) {
        out[k].type = t.type;
        out[k].pos = (uint32_t)t.pos;
        out[k].len = (uint32_t)t.len;
        k++;
    }
    return k;
}

/* ---------------------------------------------------------------------- */
/* Judging tags.                                                            */

enum {
    EL_OTHER = 0, EL_SCRIPT, EL_FRAME, EL_OBJECT, EL_BASE, EL_FORM, EL_META, EL_LINK, EL_STYLE,
    EL_ANIMATE, EL_TRICK, EL_TEMPLATE, EL_VML, EL_IMPORT, EL_IMG, EL_SVG, EL_XINCLUDE,
};

/* Elements judged by name (sorted). */
static const name_flags_t html_elements[] = {
    { "animate", EL_ANIMATE },
    { "applet", EL_OBJECT },
    { "base", EL_BASE },
    { "embed", EL_OBJECT },
    { "form", EL_FORM },
    { "frame", EL_FRAME },
    { "frameset", EL_FRAME },
    { "iframe", EL_FRAME },
    { "image", EL_IMG },
    { "img", EL_IMG },
    { "import", EL_IMPORT },
    { "link", EL_LINK },
    { "listing", EL_TRICK },
    { "math", EL_SVG },
    { "meta", EL_META },
    { "noembed", EL_TRICK },
    { "noframes", EL_TRICK },
    { "noscript", EL_TRICK },
    { "object", EL_OBJECT },
    { "plaintext", EL_TRICK },
    { "script", EL_SCRIPT },
    { "set", EL_ANIMATE },
    { "style", EL_STYLE },
    { "svg", EL_SVG },
    { "template", EL_TEMPLATE },
    { "vmlframe", EL_VML },
    { "xmp", EL_TRICK },
};

/* Attributes judged by name (sorted); A_URL: holds a URL the browser
 * loads or navigates to. */
enum {
    A_URL = 1u << 0, A_SRC = 1u << 1, A_ACTION = 1u << 2, A_HREF = 1u << 3, A_STYLE = 1u << 4,
    A_SRCDOC = 1u << 5, A_SRCSET = 1u << 6, A_HTTPEQUIV = 1u << 7, A_CONTENT = 1u << 8,
    A_CHARSET = 1u << 9, A_REL = 1u << 10, A_TYPE = 1u << 11, A_ANIMNAME = 1u << 12,
    A_SCHEMA = 1u << 13,
};

static const name_flags_t html_attrs[] = {
    { "action", A_URL | A_ACTION },
    { "archive", A_URL },
    { "attributename", A_ANIMNAME },
    { "background", A_URL },
    { "by", A_URL },
    { "charset", A_CHARSET },
    { "cite", A_URL },
    { "code", A_SRC | A_URL },
    { "codebase", A_URL },
    { "content", A_CONTENT },
    { "data", A_URL | A_SRC },
    { "datasrc", A_URL },
    { "dynsrc", A_URL },
    { "folder", A_URL },
    { "formaction", A_URL | A_ACTION },
    { "from", A_URL },
    { "href", A_URL | A_HREF },
    { "http-equiv", A_HTTPEQUIV },
    { "icon", A_URL },
    { "longdesc", A_URL },
    { "lowsrc", A_URL },
    { "manifest", A_URL },
    { "nonamespaceschemalocation", A_SCHEMA },
    { "ping", A_URL },
    { "poster", A_URL },
    { "profile", A_URL },
    { "rel", A_REL },
    { "schemalocation", A_SCHEMA },
    { "src", A_URL | A_SRC },
    { "srcdoc", A_SRCDOC },
    { "srcset", A_SRCSET },
    { "style", A_STYLE },
    { "to", A_URL },
    { "type", A_TYPE },
    { "usemap", A_URL },
    { "values", A_URL },
    { "xml:base", A_URL },
};

typedef struct tagctx {
    int el;
    int close;
    int breakout;         /* 0 a real tag; 1 after a quote; 2 after leading whitespace; 3 elsewhere in the value */
    size_t lt, end;       /* '<' (or the breakout position) and the end of the tag */
    char name[20];        /* lowercase, for the evidence */
    int prefixed;         /* x:script */
    unsigned nattr;
    int have_src, have_href, have_action, anim_href;
    rp_str_t http_equiv, content, charset, rel, type;
} tagctx_t;

static int is_handler_name(const char *s, size_t n)
{
    if (n < 5 || n > 48 || lc((unsigned char)s[0]) != 'o' || lc((unsigned char)s[1]) != 'n')
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!is_alpha((unsigned char)s[i]))
            return 0;
    return 1;
}

/* A javascript:/vbscript:/data: URL in attribute `an` of the tag. */
static void judge_url(xss_t *x, const tagctx_t *tc, const char *an, const char *v, size_t vn, size_t voff)
{
    size_t after;
    int obf;
    int sch = url_scheme(v, vn, 1, &after, &obf);
    if (sch == SCH_NONE)
        return;
    int bo = tc->breakout;
    if (sch == SCH_JS || sch == SCH_LIVE) {
        char body[1024];
        size_t bn = decode_text(v + after, vn - after, 1, 1, body, sizeof(body));
        if (js_inert(body, bn) && !obf) {
            hit(x, bo ? 20 : 30, voff, vn, "inert javascript: URL in %s", an);
            return;
        }
        js_facts_t f;
        js_scan(body, bn, 0, &f);
        int sc = bo ? 80 : 90;
        if (js_sinks(&f))
            sc += 5;
        hit(x, sc, voff, vn, "%sjavascript: URL in %s%s%s", obf ? "obfuscated " : "", an,
            f.sink[0] ? " calling " : "", f.sink);
    } else if (sch == SCH_VB) {
        hit(x, bo ? 80 : 85, voff, vn, "vbscript: URL in %s", an);
    } else {
        size_t pay;
        int dt = data_type(v + after, vn - after, &pay);
        if ((dt == DATA_HTML || dt == DATA_SVG) && tc->el != EL_IMG)
            hit(x, bo ? 75 : 85, voff, vn, "data: URL with an active type in %s", an);
        else if ((dt == DATA_EMPTY || dt == DATA_OTHER) && !bo &&
                 (tc->el == EL_SCRIPT || tc->el == EL_FRAME || tc->el == EL_OBJECT) &&
                 (strcmp(an, "src") == 0 || strcmp(an, "data") == 0))
            hit(x, 80, voff, vn, "data: URL as the %s of <%s>", an, tc->name);
    }
}

/* The host of an http(s) URL at s[0..n): *h, *hn (0 when not one). */
static void url_host(const char *s, size_t n, const char **h, size_t *hn)
{
    size_t i = 0;
    *hn = 0;
    if (iprefix(s, n, "http://"))
        i = 7;
    else if (iprefix(s, n, "https://"))
        i = 8;
    else
        return;
    size_t b = i;
    while (i < n && s[i] != '/' && s[i] != ':' && s[i] != '?' && s[i] != '#' && !is_html_ws((unsigned char)s[i]))
        i++;
    *h = s + b;
    *hn = i - b;
}

/* xsi:schemaLocation="ns url ns url": a parser that validates fetches the
 * schemas. POMs, SOAP and UBL documents carry them too, from the host of
 * their namespace; a schema on another host than its namespace is what an
 * out-of-band probe looks like. */
static void judge_schema(xss_t *x, const char *v, size_t vn, size_t voff)
{
    size_t i = 0;
    int word = 0, foreign = 0;
    const char *nh = NULL;
    size_t nhn = 0;
    while (i < vn) {
        while (i < vn && is_html_ws((unsigned char)v[i]))
            i++;
        size_t b = i;
        while (i < vn && !is_html_ws((unsigned char)v[i]))
            i++;
        if (i == b)
            break;
        const char *h = NULL;
        size_t hn = 0;
        url_host(v + b, i - b, &h, &hn);
        if (word % 2 == 0) {
            nh = h;
            nhn = hn;
        } else if (hn && nhn) {
            int same = hn == nhn;
            for (size_t k = 0; same && k < hn; k++)
                same = lc((unsigned char)h[k]) == lc((unsigned char)nh[k]);
            foreign |= !same;
        }
        word++;
    }
    if (foreign)
        hit(x, 50, voff, vn, "XML schema loaded from a foreign host (out-of-band probe)");
    else
        hit(x, 40, voff, vn, "XML schema location in markup");
}

/* One attribute: name s[npos..+nlen), value v (decoded references later),
 * has_value when '=' was there; dangling when the value is empty at the
 * end of input ("<x onend="). */
static void judge_attr(xss_t *x, tagctx_t *tc, size_t npos, size_t nlen, const html_tok_t *val)
{
    const char *s = x->s;
    const char *an = s + npos;
    tc->nattr++;
    /* every name we judge starts with a letter and is short: junk such
     * as the quotes of prose read as attributes costs nothing */
    if (!is_alpha((unsigned char)an[0]) || nlen > 48)
        return;
    char name[24];
    lower_copy(name, sizeof(name), an, nlen);
    const char *local = strrchr(name, ':');
    local = local ? local + 1 : name;
    const char *v = val ? s + val->pos : NULL;
    size_t vn = val ? val->len : 0;
    size_t voff = val ? val->pos : npos;
    int bo = tc->breakout;

    if (is_handler_name(an, nlen)) {
        if (!val || vn == 0) {
            /* "<x onend=" at the end: the page's next bytes become the code */
            int dangling = val && val->open;
            int sc = !bo ? (dangling ? 55 : 40) : (dangling && tc->nattr == 1 && bo != 3) ? 50 : 0;
            if (sc && bo)
                hit(x, sc, npos, nlen + 1, "attribute breakout with event handler %s (code to follow)",
                    name);
            else if (sc)
                hit(x, sc, tc->lt, npos + nlen - tc->lt, "<%s> with event handler %s%s", tc->name, name,
                    dangling ? " (code to follow)" : "");
            return;
        }
        char code[1024];
        size_t cn = decode_text(v, vn, 1, 0, code, sizeof(code));
        js_facts_t f;
        if (js_may_act(code, cn))
            js_scan(code, cn, 0, &f);
        else
            memset(&f, 0, sizeof(f));
        int acts = js_acts(&f) || js_sinks(&f) || f.obf_global || f.ctor;
        int sc;
        if (bo == 3)
            sc = js_sinks(&f) ? 65 : 0; /* glued to other text: only a sink counts */
        else if (acts)
            sc = (bo == 0 ? 90 : bo == 1 ? 85 : 80) + (js_sinks(&f) ? 5 : 0);
        else if (code[0] == '{' || js_literal(code, cn))
            /* does nothing: onboarding="true", onclick="return false",
             * JSX in a code sample onClick={handler} */
            sc = bo ? 0 : 40;
        else
            sc = bo ? 45 : 55;
        if (!sc)
            return;
        if (bo)
            hit(x, sc, npos, voff + vn - npos, "attribute breakout with event handler %s%s%s", name,
                f.sink[0] ? " calling " : "", f.sink);
        else
            hit(x, sc, tc->lt, voff + vn - tc->lt, "<%s> with event handler %s%s%s", tc->name, name,
                f.sink[0] ? " calling " : "", f.sink);
        return;
    }
    if (bo == 3)
        return;
    /* the local name decides for prefixed attributes: xlink:href */
    unsigned af = name_lookup(html_attrs, RP_ARRAY_SIZE(html_attrs), name);
    if (local != name)
        af |= name_lookup(html_attrs, RP_ARRAY_SIZE(html_attrs), local) & (A_HREF | A_STYLE | A_SCHEMA);
    if (!af)
        return;
    if ((af & A_STYLE) && val) {
        size_t w = 0;
        int d = css_danger(v, vn, 1, &w);
        if (d >= CSS_BINDING)
            hit(x, bo ? 80 : 85, voff, vn, "CSS %s in a style attribute", css_what[d]);
        return;
    }
    if ((af & A_SRCDOC) && val) {
        char doc[512];
        size_t dn = decode_text(v, vn, 1, 0, doc, sizeof(doc));
        for (size_t i = 0; i + 1 < dn; i++)
            if (doc[i] == '<' && (is_alpha((unsigned char)doc[i + 1]) || doc[i + 1] == '/')) {
                hit(x, bo ? 80 : 85, voff, vn, "srcdoc with markup");
                return;
            }
        hit(x, bo ? 0 : 40, voff, vn, "srcdoc attribute");
        return;
    }
    if ((af & A_SRCSET) && val) {
        size_t i = 0;
        while (i < vn) {
            judge_url(x, tc, name, v + i, vn - i, voff + i);
            const char *c = memchr(v + i, ',', vn - i);
            if (!c)
                break;
            i = (size_t)(c - v) + 1;
        }
        return;
    }
    if (af & (A_URL | A_HREF)) {
        if (af & A_HREF)
            tc->have_href = 1;
        if (af & A_SRC)
            tc->have_src = 1;
        if (af & A_ACTION)
            tc->have_action = 1;
        if (val && vn)
            judge_url(x, tc, name, v, vn, voff);
        if (val && val->open && val->quote && !bo)
            hit(x, 40, voff, vn, "unterminated %s (dangling markup)", name);
        else if (val && val->open && vn == 0 && bo == 1 && tc->nattr == 1 && (af & A_ACTION))
            hit(x, 50, npos, nlen + 1, "attribute breakout with %s (URL to follow)", name);
        return;
    }
    if (!val)
        return;
    if (af & A_HTTPEQUIV)
        tc->http_equiv = rp_str(v, vn);
    else if (af & A_CONTENT)
        tc->content = rp_str(v, vn);
    else if (af & A_CHARSET)
        tc->charset = rp_str(v, vn);
    else if (af & A_REL)
        tc->rel = rp_str(v, vn);
    else if (af & A_TYPE)
        tc->type = rp_str(v, vn);
    else if (af & A_SCHEMA)
        judge_schema(x, v, vn, voff);
    else if (af & A_ANIMNAME) {
        char an2[16];
        size_t k = decode_text(v, vn, 1, 0, an2, sizeof(an2) - 1);
        an2[k] = 0;
        if (ieq(an2, k, "href") || ieq(an2, k, "xlink:href") || is_handler_name(an2, k))
            tc->anim_href = 1;
    }
}

/* A charset a page should not be switched to: anything that is not a
 * usual ASCII-compatible one (UTF-7 is the attack). */
static int odd_charset(const char *s, size_t n)
{
    static const char *const ok[] = { "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-", "windows-125",
                                      "shift_jis", "euc-", "gb2312", "gbk", "gb18030", "big5",
                                      "koi8-", "cp125", "latin", "x-mac", "iso-2022-jp", NULL };
    while (n && is_html_ws((unsigned char)*s))
        s++, n--;
    if (!n)
        return 0;
    for (const char *const *p = ok; *p; p++)
        if (iprefix(s, n, *p))
            return 0;
    return 1;
}

/* <script type="application/ld+json"> and other data blocks: the browser
 * does not run them. */
static int script_data_block(const tagctx_t *tc)
{
    rp_str_t t = tc->type;
    if (!t.p || t.n == 0)
        return 0;
    return icontains(t.p, t.n, "json") || icontains(t.p, t.n, "template") ||
           icontains(t.p, t.n, "text/plain") || icontains(t.p, t.n, "text/html") ||
           icontains(t.p, t.n, "x-shader") || icontains(t.p, t.n, "text/markdown");
}

/* End of a start tag: the rules that need the element and all attributes. */
static void judge_tag(xss_t *x, const tagctx_t *tc)
{
    size_t at = tc->lt, len = tc->end > tc->lt ? tc->end - tc->lt : 1;
    if (tc->close || tc->breakout)
        return;
    switch (tc->el) {
    case EL_SCRIPT:
        if (tc->have_src && !script_data_block(tc)) /* else judged with its content */
            hit(x, 90, at, len, "<%s> element with src", tc->name);
        break;
    case EL_FRAME:
        /* an <iframe> of another site is what rich text embeds (videos,
         * maps); frames and framesets are never content */
        if (strcmp(tc->name, "iframe") == 0)
            hit(x, 45, at, len, "<iframe> element");
        else
            hit(x, 65, at, len, "<%s> element", tc->name);
        break;
    case EL_OBJECT:
        hit(x, 70, at, len, "<%s> element", tc->name);
        break;
    case EL_BASE:
        hit(x, tc->have_href ? 70 : 50, at, len, "<base> element%s", tc->have_href ? " with href" : "");
        break;
    case EL_FORM:
        hit(x, tc->have_action ? 60 : 30, at, len, "<form>%s", tc->have_action ? " with action" : "");
        break;
    case EL_META: {
        const rp_str_t he = tc->http_equiv, ct = tc->content, cs = tc->charset;
        if (he.p && icontains(he.p, he.n, "refresh"))
            hit(x, 75, at, len, "<meta http-equiv=refresh>");
        else if (he.p && icontains(he.p, he.n, "set-cookie"))
            hit(x, 70, at, len, "<meta http-equiv=set-cookie>");
        if (cs.p && odd_charset(cs.p, cs.n))
            hit(x, 70, at, len, "<meta> switching the charset to %.*s", (int)RP_MIN(cs.n, 16), cs.p);
        if (ct.p) {
            size_t k = 0;
            for (; k + 8 <= ct.n; k++)
                if (iprefix(ct.p + k, ct.n - k, "charset="))
                    break;
            if (k + 8 <= ct.n && odd_charset(ct.p + k + 8, ct.n - k - 8))
                hit(x, 70, at, len, "<meta> switching the charset");
            for (k = 0; k + 4 <= ct.n; k++)
                if (iprefix(ct.p + k, ct.n - k, "url=")) {
                    tagctx_t u = *tc;
                    judge_url(x, &u, "meta refresh", ct.p + k + 4, ct.n - k - 4, (size_t)(ct.p - x->s) + k + 4);
                    break;
                }
        }
        /* <meta> belongs in a document's head: fine in a whole document
         * (an email template), out of place alone in a field */
        if (x->document)
            hit(x, 20, at, len, "<meta> element");
        else if (he.p || cs.p)
            hit(x, 50, at, len, "<meta %s> outside a document", he.p ? "http-equiv" : "charset");
        else
            hit(x, 35, at, len, "<meta> outside a document");
        break;
    }
    case EL_LINK:
        /* email templates load fonts with <link rel=stylesheet>; a link
         * with no rel does nothing a page would want */
        if (tc->rel.p && icontains(tc->rel.p, tc->rel.n, "import"))
            hit(x, 75, at, len, "<link rel=import>");
        else if (tc->type.p && icontains(tc->type.p, tc->type.n, "script"))
            hit(x, 60, at, len, "<link> with a script type");
        else if (!tc->rel.p && tc->have_href)
            hit(x, 50, at, len, "<link> with href and no rel");
        else if (tc->rel.p && icontains(tc->rel.p, tc->rel.n, "stylesheet") && tc->have_href)
            hit(x, 45, at, len, "<link> loading a stylesheet");
        else if (tc->have_href)
            hit(x, 35, at, len, "<link> with href");
        break;
    case EL_XINCLUDE:
        hit(x, tc->have_href ? 60 : 40, at, len, "<%s> (XInclude) element", tc->name);
        break;
    case EL_STYLE:
        hit(x, 30, at, len, "<style> element");
        break;
    case EL_ANIMATE:
        if (tc->anim_href)
            hit(x, 50, at, len, "<%s> animating a link or handler", tc->name);
        break;
    case EL_TRICK:
        hit(x, 40, at, len, "<%s> element", tc->name);
        break;
    case EL_TEMPLATE:
        hit(x, 25, at, len, "<template> element");
        break;
    case EL_VML:
        hit(x, 70, at, len, "<%s> element", tc->name);
        break;
    case EL_IMPORT:
        hit(x, 65, at, len, "<%s> element", tc->name);
        break;
    default:
        break;
    }
}

static void tag_start(tagctx_t *tc, const char *s, const html_tok_t *t, int close)
{
    memset(tc, 0, sizeof(*tc));
    tc->close = close;
    tc->lt = t->pos - 1 - (size_t)close;
    lower_copy(tc->name, sizeof(tc->name), s + t->pos, t->len);
    const char *local = strrchr(tc->name, ':');
    if (local && local[1]) {
        tc->prefixed = 1;
        local++;
    } else {
        local = tc->name;
    }
    tc->el = EL_OTHER;
    const char *inner = strrchr(tc->name, '<');
    if (inner && inner[1])
        local = inner + 1; /* <scr<script>ipt>: what a naive filter leaves behind */
    char *plus = strchr(tc->name, '+');
    if (plus && plus > local)
        *plus = 0; /* <script+src=..>: '+' a space once the value is form-decoded */
    if (tc->prefixed && strcmp(local, "include") == 0)
        tc->el = EL_XINCLUDE; /* xi:include */
    else if (t->len < sizeof(tc->name) && local[0])
        tc->el = (int)name_lookup(html_elements, RP_ARRAY_SIZE(html_elements), local);
}

/* Content of a raw-text element. */
static void judge_raw(xss_t *x, int el, const char *name, const html_tok_t *t)
{
    const char *p = x->s + t->pos;
    if (el == EL_SCRIPT) {
        js_facts_t f;
        js_scan(p, RP_MIN(t->len, 8192), JS_STRICT, &f);
        size_t at = t->pos > 0 ? t->pos - 1 : 0;
        if (js_acts(&f) || js_sinks(&f))
            hit(x, 90, at, t->len + 1, "<%s> element with code%s%s", name, f.sink[0] ? " calling " : "",
                f.sink);
        else if (!f.juxt && f.ntok >= 3)
            hit(x, 85, at, t->len + 1, "<%s> element with code", name);
        else
            hit(x, 40, at, t->len + 1, "<%s> element around prose", name);
    } else if (el == EL_STYLE) {
        size_t w = 0;
        int d = css_danger(p, t->len, 0, &w);
        if (d >= CSS_BINDING)
            hit(x, 85, t->pos, t->len, "CSS %s in <style>", css_what[d]);
        else if (d == CSS_IMPORT)
            hit(x, 65, t->pos, t->len, "CSS @import in <style>");
        /* escapes outside strings hide property names and at-rules;
         * content:"\2022" in a string is ordinary */
        char q = 0;
        for (size_t i = 0; i < t->len; i++) {
            if (q) {
                if (p[i] == '\\')
                    i++;
                else if (p[i] == q)
                    q = 0;
            } else if (p[i] == '"' || p[i] == '\'') {
                q = p[i];
            } else if (p[i] == '\\') {
                hit(x, 50, t->pos, t->len, "escaped CSS in <style>");
                break;
            }
        }
    }
}

/* "<!ENTITY % x SYSTEM "http://...">": a markup declaration that makes
 * an XML parser fetch a URL. Not script, but markup injected to load a
 * foreign resource, as <link> or <base> are; the XXE detector may claim
 * it more precisely. */
static void entity_decl(xss_t *x, size_t pos, size_t len)
{
    const char *s = x->s + pos;
    for (size_t i = 0; i + 7 <= len; i++) {
        if (s[i] != '!' || memcmp(s + i, "!ENTITY", 7) != 0)
            continue;
        size_t j = i + 7;
        if (j >= len || !is_html_ws((unsigned char)s[j]))
            continue;
        /* !ENTITY [%] name SYSTEM|PUBLIC */
        unsigned words = 0;
        while (j < len && words < 4) {
            while (j < len && is_html_ws((unsigned char)s[j]))
                j++;
            size_t w = j;
            while (j < len && !is_html_ws((unsigned char)s[j]) && s[j] != '>' && s[j] != '"' && s[j] != '\'')
                j++;
            if (j == w)
                break;
            if ((j - w == 6 && (memcmp(s + w, "SYSTEM", 6) == 0 || memcmp(s + w, "PUBLIC", 6) == 0))) {
                hit(x, 55, pos + i, len - i, "XML external entity declaration");
                return;
            }
            words++;
        }
    }
}

/* "<!--#exec cmd=... -->": a server-side include directive, markup that
 * the web server runs. Not script either, but injected markup all the
 * same and nothing else claims it. */
static void ssi_directive(xss_t *x, size_t pos, size_t len)
{
    static const char *const dir[] = { "exec", "include", "echo", "set", "config", "printenv",
                                       "fsize", "flastmod", "if", "elif", NULL };
    const char *p = x->s + pos;
    if (len < 8 || memcmp(p, "<!--#", 5) != 0)
        return;
    char w[10];
    size_t k = 0;
    while (k < sizeof(w) - 1 && 5 + k < len && is_alpha((unsigned char)p[5 + k])) {
        w[k] = (char)lc((unsigned char)p[5 + k]);
        k++;
    }
    w[k] = 0;
    if (k && 5 + k < len && is_html_ws((unsigned char)p[5 + k]) && in_list(w, dir))
        hit(x, 55, pos, len, "server-side include directive <!--#%s", w);
}

/* The HTML pass over the whole value: every tag, comment, raw text. */
static void html_pass(xss_t *x)
{
    html_lex_t lx;
    html_tok_t t, pend = { 0 };
    tagctx_t tc;
    int have_pend = 0, in_tag = 0, raw_el = EL_OTHER;
    unsigned raw_closes = 0;
    char raw_name[20] = "", raw_open[20] = "";
    size_t first_close = 0;
    /* a <script> without src, judged with its content */
    int script = 0;
    size_t script_lt = 0, script_end = 0;
    memset(&tc, 0, sizeof(tc));
    html_lex_init(&lx, x->s, x->n);
    while (x->score < XSS_ENOUGH && html_next(&lx, &t)) {
        if (have_pend && t.type != 'v' && !tc.close) { /* end tags' attributes mean nothing */
            judge_attr(x, &tc, pend.pos, pend.len, NULL);
            have_pend = 0;
        }
        if (script && t.type != 'x') {
            /* "<script>" with nothing after it (the page's bytes become
             * the script), or "<script></script>" */
            hit(x, t.type == 'c' ? 60 : 70, script_lt, script_end - script_lt, "<%s> element",
                raw_name);
            script = 0;
        }
        switch (t.type) {
        case 't':
        case 'c':
            tag_start(&tc, x->s, &t, t.type == 'c');
            in_tag = 1;
            raw_el = EL_OTHER;
            if (t.type == 'c' && in_list(tc.name, html_raw_el)) {
                /* an end tag of a raw-text element the value did not open */
                if (strcmp(tc.name, raw_open) != 0 && !raw_closes++)
                    first_close = tc.lt;
                raw_open[0] = 0;
            }
            break;
        case 'a':
            pend = t;
            have_pend = 1;
            break;
        case 'v':
            if (have_pend && !tc.close)
                judge_attr(x, &tc, pend.pos, pend.len, &t);
            have_pend = 0;
            break;
        case '>':
            if (in_tag) {
                tc.end = t.pos + t.len;
                judge_tag(x, &tc);
                /* <script/> still opens raw text in HTML */
                if (!tc.close && !t.open) {
                    raw_el = tc.el;
                    memcpy(raw_name, tc.name, sizeof(raw_name));
                    if (in_list(tc.name, html_raw_el))
                        memcpy(raw_open, tc.name, sizeof(raw_open));
                }
                if (!tc.close && tc.el == EL_SCRIPT && script_data_block(&tc)) {
                    hit(x, 30, tc.lt, tc.end - tc.lt, "<%s> data block", tc.name);
                    raw_el = EL_OTHER;
                } else if (!tc.close && tc.el == EL_SCRIPT && !tc.have_src) {
                    script = 1;
                    script_lt = tc.lt;
                    script_end = tc.end;
                    memcpy(raw_name, tc.name, sizeof(raw_name));
                }
            }
            in_tag = 0;
            break;
        case 'x':
            if (raw_el == EL_SCRIPT || raw_el == EL_STYLE)
                judge_raw(x, raw_el, raw_name, &t);
            else if (script) /* unterminated "<script" */
                hit(x, 60, script_lt, script_end - script_lt, "<%s> element", raw_name);
            script = 0;
            raw_el = EL_OTHER;
            break;
        case '!': {
            const char *p = x->s + t.pos;
            if (iprefix(p, t.len, "<?import"))
                hit(x, 65, t.pos, t.len, "<?import> processing instruction");
            else if (iprefix(p, t.len, "<?xml-stylesheet"))
                hit(x, 40, t.pos, t.len, "<?xml-stylesheet> processing instruction");
            entity_decl(x, t.pos, t.len);
            ssi_directive(x, t.pos, t.len);
            raw_el = EL_OTHER;
            break;
        }
        default:
            break;
        }
    }
    if (script)
        hit(x, 70, script_lt, script_end - script_lt, "<%s> element", raw_name);
    /* several end tags of raw-text elements: a polyglot closing whatever
     * context it lands in (</title></textarea></script>...) */
    if (raw_closes >= 2)
        hit(x, 55, first_close, x->n - first_close, "%u end tags of raw-text elements", raw_closes);
    else if (raw_closes == 1)
        hit(x, 20, first_close, x->n - first_close, "end tag of a raw-text element");
}

/* Attributes read from s[i] as if the value had closed the attribute it
 * was in: after a quote (bo 1) or leading whitespace (bo 2). */
static void attr_breakout(xss_t *x, size_t i, int bo)
{
    html_lex_t lx;
    html_tok_t t, pend = { 0 };
    tagctx_t tc;
    int have_pend = 0;
    memset(&tc, 0, sizeof(tc));
    tc.breakout = bo;
    tc.lt = i;
    /* the attributes a breakout adds come right after it: 4 KiB bounds
     * the work (handlers further on are found by loose_handlers) */
    html_lex_init_attrs(&lx, x->s, RP_MIN(x->n, i + 4096), i);
    while (x->score < XSS_ENOUGH && html_next(&lx, &t)) {
        if (have_pend && t.type != 'v') {
            judge_attr(x, &tc, pend.pos, pend.len, NULL);
            have_pend = 0;
        }
        if (t.type == 'a') {
            pend = t;
            have_pend = 1;
        } else if (t.type == 'v') {
            if (have_pend)
                judge_attr(x, &tc, pend.pos, pend.len, &t);
            have_pend = 0;
        } else {
            break; /* '>': the rest is HTML, read by html_pass */
        }
    }
    if (have_pend)
        judge_attr(x, &tc, pend.pos, pend.len, NULL);
}

/* Event handlers glued to other text: "q=test;onfocus=eval(...)",
 * "...; onload=alert(1))". Only a handler that calls a sink counts. */
static void loose_handlers(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '=')
            continue;
        size_t e = i;
        while (e > 0 && is_html_ws((unsigned char)s[e - 1]))
            e--;
        size_t b = e;
        while (b > 0 && e - b < 64 && is_alpha((unsigned char)s[b - 1]))
            b--;
        if (b > 0 && (is_alnum((unsigned char)s[b - 1]) || s[b - 1] == '_' || s[b - 1] == '-'))
            continue;
        if (!is_handler_name(s + b, e - b))
            continue;
        size_t j = i + 1;
        while (j < n && is_html_ws((unsigned char)s[j]))
            j++;
        html_tok_t v;
        memset(&v, 0, sizeof(v));
        /* the code is read up to 1 KiB, so that "onx=' onx=' ..." stays linear */
        size_t lim = RP_MIN(n, j + 1024);
        if (j < n && (s[j] == '"' || s[j] == '\'')) {
            const char *q = j + 1 < lim ? memchr(s + j + 1, s[j], lim - j - 1) : NULL;
            v.pos = j + 1;
            v.len = (q ? (size_t)(q - s) : lim) - j - 1;
        } else {
            size_t k = j;
            while (k < lim && !is_html_ws((unsigned char)s[k]) && s[k] != '>' && s[k] != '&')
                k++;
            v.pos = j;
            v.len = k - j;
        }
        tagctx_t tc;
        memset(&tc, 0, sizeof(tc));
        tc.breakout = 3;
        tc.lt = b;
        judge_attr(x, &tc, b, e - b, &v);
    }
}

/* ---------------------------------------------------------------------- */
/* Script contexts.                                                         */

/* A quote closes the string the value was put in; what follows it must
 * read as the continuation of an expression (`;` `)` `+` `-` ...) and
 * reach a call or an assignment before reading like prose. The segment
 * ends at the next quote of the same kind, which opens a string the
 * page's own quote closes ("-alert(1)-"). */
static void js_breakout(xss_t *x, size_t q, size_t e)
{
    const char *s = x->s;
    size_t b = q < x->n && (s[q] == '"' || s[q] == '\'' || s[q] == '`') ? q + 1 : q;
    /* cheap refusal first: the code must go on with an operator */
    size_t k = b;
    while (k < e && (unsigned char)s[k] <= 0x20)
        k++;
    if (k >= e || !strchr(";,+-*/%&|^?:)]}=", s[k]))
        return;
    if (e - b > 4096)
        e = b + 4096; /* a breakout reaches its call early; bounds the work */
    js_facts_t f;
    js_scan(s + b, e - b, JS_STRICT | JS_AFTER_OPERAND, &f);
    if (f.ntok < 2 || f.first_type != JT_PUNCT || !strchr(";,+-*/%&|^?:)]}=", f.first_ch))
        return;
    if (f.first_ch == '=' && b < x->n && s[b] == '=' && b + 1 < e && s[b + 1] != '=')
        return; /* "x"=1 reads as an attribute, judged there */
    int sc = 0;
    if (js_sinks(&f) || f.global_calls)
        sc = 85;
    else if (f.obf_global || f.ctor)
        sc = 70;
    else if (f.calls)
        sc = 45; /* any function: code, but it may as well be CSS or prose */
    if (sc)
        hit(x, sc, q, e - q, "%s breakout then %s%s", q == 0 && b == 0 ? "expression" : "quote",
            f.sink[0] ? "call to " : f.calls ? "a call" : "code", f.sink);
}

/* The whole value read as a script expression ("alert(1)",
 * "document.cookie", "window['al'+'ert'](1)"). Prose stops the reading. */
static void js_bare(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n;
    size_t k = 0;
    while (k < n && (unsigned char)s[k] <= 0x20)
        k++;
    if (k >= n || !(js_ident_start(s, n, k) || s[k] == '(' || s[k] == '[' || s[k] == '.'))
        return;
    /* a payload needs its sink up front: 8 KiB is plenty, and bounds the
     * work on huge values */
    if (n > 8192)
        n = 8192;
    js_facts_t f;
    js_scan(s, n, JS_STRICT, &f);
    if (f.juxt || f.ntok == 0)
        return;
    if (!(f.first_type == JT_IDENT ||
          (f.first_type == JT_PUNCT && (f.first_ch == '(' || f.first_ch == '[' || f.first_ch == '.'))))
        return;
    /* Code samples are values too ("document.querySelector('#app')",
     * "setTimeout(() => done(), 10)"): only what a payload needs counts. */
    if (f.sink_tagged)
        hit(x, 80, 0, n, "tagged template calling %s", f.sink);
    else if (f.sink_calls && f.sink_first && strcmp(f.sink, "import") != 0)
        hit(x, f.obf_global ? 75 : 65, 0, n, "script expression calling %s", f.sink);
    else if (f.obf_global)
        hit(x, 65, 0, n, "obfuscated access to a global object");
    else if (f.sink_assigns)
        hit(x, 60, 0, n, "script expression assigning %s", f.sink);
    else if (f.write_calls)
        hit(x, 60, 0, n, "script expression calling %s", f.sink);
    else if (f.tagged && f.ntok <= 64)
        hit(x, 55, 0, n, "tagged template call");
    else if (f.stage_calls && f.calls == f.stage_calls)
        hit(x, 50, 0, n, "script expression decoding a payload (%s)", f.stage);
    else if (f.sens_refs && f.ntok <= 12)
        /* "/docs/document.cookie" names an API in a path */
        hit(x, (x->src & RP_WAF_SRC_PATH) ? 40 : 50, 0, n, "script expression reading %s", f.stage);
    else if (f.global_refs || f.global_calls)
        hit(x, 35, 0, n, "reference to a global object");
}

/* javascript:, vbscript:, data: anywhere in the value, as a URL would
 * start: at the beginning, after '=', a quote, '(' or whitespace. */
static void scheme_scan(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n;
    size_t lead = 0; /* end of the leading controls, spaces and quotes */
    unsigned seen = 0;
    while (lead < n && ((unsigned char)s[lead] <= 0x20 || s[lead] == '"' || s[lead] == '\''))
        lead++;
    /* where a scheme can start: javascript: vbscript: livescript: data:,
     * or an entity that may spell one */
    static const unsigned char starts[256] = {
        ['j'] = 1, ['J'] = 1, ['v'] = 1, ['V'] = 1, ['l'] = 1, ['L'] = 1,
        ['d'] = 1, ['D'] = 1, ['&'] = 1,
    };
    for (size_t i = 0; i < n; i++) {
        if (!starts[(unsigned char)s[i]])
            continue;
        if (i > 0) {
            unsigned char p = (unsigned char)s[i - 1];
            if (is_alnum(p) || p == '+' || p == '.' || p == '-' || p == '_' || p == '&' || p == '#' || p == ';')
                continue;
        }
        size_t after;
        int obf;
        int sch = url_scheme(s + i, n - i, 0, &after, &obf);
        if (sch == SCH_NONE)
            continue;
        int at_start = i <= lead;
        size_t body = i + after;
        /* the body ends where a URL in an attribute or CSS would end, and
         * is read up to 1 KiB: enough for any payload's start */
        size_t e = body, lim = RP_MIN(n, body + 1024);
        while (e < lim && s[e] != '"' && s[e] != '\'' && !(s[e] == ')' && i > 0 && s[i - 1] == '('))
            e++;
        if (++seen > 32)
            break;
        if (sch == SCH_JS || sch == SCH_LIVE) {
            char code[1024];
            size_t cn = decode_text(s + body, e - body, 1, 1, code, sizeof(code));
            js_facts_t f;
            js_scan(code, cn, JS_STRICT, &f);
            int sc = 0;
            if (js_sinks(&f) || f.obf_global || f.ctor)
                sc = 85;
            else if (f.calls || f.tagged)
                sc = 80;
            else if (f.assigns)
                sc = 75;
            else if (obf)
                sc = 70;
            else if (at_start && ((!f.juxt && f.ntok && f.first_type != JT_IDENT && f.first_type != JT_STR &&
                                   f.first_type != JT_NUM) ||           /* code-only punctuation */
                                  (f.juxt && f.ntok && f.first_type == JT_BAD) || /* \u escapes */
                                  (f.ntok == 0 && !js_inert(code, cn))))         /* comment tricks */
                sc = 55;
            else if (at_start && !f.juxt)
                sc = js_inert(code, cn) ? 25 : 40;
            if (sc)
                hit(x, sc, i, e - i, "%sjavascript: URL%s%s", obf ? "obfuscated " : "",
                    f.sink[0] ? " calling " : f.calls ? " with a call" : "", f.sink);
        } else if (sch == SCH_VB) {
            int sc = obf ? 70 : 0;
            if (e > body && (at_start || icontains(s + body, e - body, "msgbox") ||
                             icontains(s + body, e - body, "execute") ||
                             icontains(s + body, e - body, "createobject")))
                sc = at_start ? 70 : 65;
            if (sc)
                hit(x, sc, i, e - i, "%svbscript: URL", obf ? "obfuscated " : "");
        } else {
            size_t pay;
            int dt = data_type(s + body, e - body, &pay);
            if (dt == DATA_HTML)
                hit(x, 70, i, e - i, "data: URL with an active type");
            else if (dt == DATA_SVG)
                hit(x, 40, i, e - i, "data: URL with an SVG/XML type");
            else if (dt != DATA_IMAGE) {
                for (size_t k = body + pay; k + 1 < e; k++)
                    if (s[k] == '<' && is_alpha((unsigned char)s[k + 1])) {
                        hit(x, 60, i, e - i, "data: URL carrying markup");
                        break;
                    }
            }
        }
        i += after ? after - 1 : 0;
    }
}

/* ${...} (template literal) and {{...}} (AngularJS / client templates). */
static void template_scan(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n;
    for (size_t i = 0; i + 2 < n; i++) {
        int dollar = s[i] == '$' && s[i + 1] == '{';
        int curly = s[i] == '{' && s[i + 1] == '{';
        if (!dollar && !curly)
            continue;
        size_t b = i + 2, e = b, lvl = 1;
        if (dollar) {
            while (e < n && lvl) {
                if (s[e] == '{')
                    lvl++;
                else if (s[e] == '}')
                    lvl--;
                if (lvl)
                    e++;
            }
        } else {
            while (e + 1 < n && !(s[e] == '}' && s[e + 1] == '}'))
                e++;
            if (e + 1 >= n)
                e = n;
        }
        js_facts_t f;
        if (js_may_act(s + b, RP_MIN(e - b, 1024)))
            js_scan(s + b, RP_MIN(e - b, 1024), 0, &f);
        else
            memset(&f, 0, sizeof(f));
        if (dollar && (js_sinks(&f) || (f.ctor && f.calls)))
            hit(x, 80, i, RP_MIN(e + 1, n) - i, "${} running %s", f.sink[0] ? f.sink : "constructor");
        else if (curly && (f.ctor || js_sinks(&f)))
            hit(x, 85, i, RP_MIN(e + 2, n) - i, "template injection {{...%s...}}",
                f.ctor ? "constructor" : f.sink);
        i = e > i ? e - 1 : i;
    }
}

/* [].sort.call`${alert}1337`, alert`1`: calls without parentheses, read
 * backwards from each backtick (the prefix may not parse as a whole). */
static void tagged_scan(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n;
    unsigned seen = 0;
    for (size_t i = 1; i < n && seen < 64; i++) {
        if (s[i] != '`')
            continue;
        seen++;
        /* back over whitespace and comments to the tag */
        size_t e = i;
        int ws = 0;
        for (;;) {
            if (e > 0 && is_html_ws((unsigned char)s[e - 1])) {
                e--;
                ws = 1;
                continue;
            }
            if (e >= 4 && s[e - 1] == '/' && s[e - 2] == '*') {
                size_t k = e - 2, lim = e > 256 ? e - 256 : 0;
                while (k >= 2 && k > lim && !(s[k - 2] == '/' && s[k - 1] == '*'))
                    k--;
                if (k < 2 || k <= lim)
                    break;
                e = k - 2;
                ws = 1;
                continue;
            }
            break;
        }
        size_t b = e;
        while (b > 0 && (is_alnum((unsigned char)s[b - 1]) || s[b - 1] == '_' || s[b - 1] == '$'))
            b--;
        if (b == e || (b > 0 && s[b - 1] == '\\'))
            continue;
        char nm[24];
        memcpy(nm, s + b, RP_MIN(e - b, sizeof(nm) - 1)); /* case matters in JS */
        nm[RP_MIN(e - b, sizeof(nm) - 1)] = 0;
        /* the template itself */
        const char *close = memchr(s + i + 1, '`', n - i - 1);
        size_t te = close ? (size_t)(close - s) : n;
        js_facts_t f;
        memset(&f, 0, sizeof(f));
        js_template(s + i + 1, te - i - 1, &f, 0);
        size_t d = b;
        while (d > 0 && is_html_ws((unsigned char)s[d - 1]))
            d--;
        int member = d > 0 && s[d - 1] == '.';
        if (!ws && (js_lookup(nm) & JN_SINK) && strcmp(nm, "import") != 0)
            hit(x, 80, b, RP_MIN(te + 1, n) - b, "tagged template calling %s", nm);
        else if (member && (strcmp(nm, "call") == 0 || strcmp(nm, "apply") == 0 || strcmp(nm, "bind") == 0)) {
            if (f.sink_refs || f.sink_calls)
                hit(x, 85, b, RP_MIN(te + 1, n) - b, "tagged template .%s with a sink inside", nm);
            else
                hit(x, 60, b, RP_MIN(te + 1, n) - b, "tagged template .%s``", nm);
        }
        i = te;
    }
}

/* JSFuck and its kin: code from []()!+ alone. */
static void jsfuck_scan(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n, k = 0;
    int pair = 0, bang = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_html_ws(c))
            continue;
        if (!strchr("[]()!+", c) || !c)
            return;
        k++;
        if (c == '!')
            bang = 1;
        if (c == ']' && i > 0 && s[i - 1] == '[')
            pair = 1;
    }
    if (k >= 4 && pair && bang)
        hit(x, 65, 0, n, "JSFuck-style code of []()!+");
}

/* CSS outside any tag: "style=x:expression(...)", "background:url(javascript:..." */
static void css_bare(xss_t *x)
{
    size_t w = 0;
    int d = css_danger(x->s, x->n, 1, &w);
    if (d == CSS_EXPR || d == CSS_JSURL)
        hit(x, 75, w, x->n - w, "CSS %s", css_what[d]);
    else if (d == CSS_BINDING || d == CSS_BEHAVIOR)
        hit(x, 70, w, x->n - w, "CSS %s", css_what[d]);
    else if (d == CSS_TRUNC)
        hit(x, 55, w, x->n - w, "CSS url(javascript at the end of the value");
}

/* ---------------------------------------------------------------------- */
/* The detector.                                                            */

/* Bytes that can start markup, an attribute breakout, a script or an
 * encoding we fold. A value with none of them is done after one scan. */
enum {
    B_LT = 1u << 0, B_QUOTE = 1u << 1, B_COLON = 1u << 2, B_AMP = 1u << 3, B_BRACE = 1u << 4,
    B_PAREN = 1u << 5, B_BRACK = 1u << 6, B_EQ = 1u << 7, B_PLUS = 1u << 8, B_BTICK = 1u << 9,
    B_HI = 1u << 10, B_BSL = 1u << 11, B_EXCL = 1u << 12, B_SLASH = 1u << 13, B_DOT = 1u << 14,
};

static const uint16_t xss_bytes[256] = {
    ['<'] = B_LT,     ['"'] = B_QUOTE,  ['\''] = B_QUOTE, ['`'] = B_BTICK | B_QUOTE,
    [':'] = B_COLON,  ['&'] = B_AMP,    ['{'] = B_BRACE,  ['('] = B_PAREN,
    ['['] = B_BRACK,  ['='] = B_EQ,     ['+'] = B_PLUS,   ['\\'] = B_BSL,
    ['!'] = B_EXCL,   ['/'] = B_SLASH,  ['.'] = B_DOT,
    [0xBC] = B_HI,    [0xEF] = B_HI,
};

static void xss_run(xss_t *x, unsigned bits, int depth);

/* s has an element with its end tag (<x>...</x>). For the US-ASCII
 * reading only, where '<' and '>' can only come from 0xBC and 0xBE bytes:
 * letters stay letters, so German "für" folds to "f<r" but never to a
 * balanced pair. */
static int balanced_markup(const char *s, size_t n)
{
    html_lex_t lx;
    html_tok_t t;
    char open[16] = "";
    html_lex_init(&lx, s, n);
    while (html_next(&lx, &t)) {
        if ((t.type == 't' || t.type == 'c') && t.len < sizeof(open)) {
            char nm[16];
            lower_copy(nm, sizeof(nm), s + t.pos, t.len);
            for (size_t i = 0; nm[i]; i++)
                if (!is_alpha((unsigned char)nm[i]))
                    nm[0] = 0;
            if (t.type == 't' && nm[0] && !open[0])
                memcpy(open, nm, sizeof(open));
            else if (t.type == 'c' && open[0] && strcmp(nm, open) == 0)
                return 1;
        }
    }
    return 0;
}

/* Re-reads a transcoded copy of the value (UTF-7, fullwidth forms, high
 * bit stripped). */
static void xss_variant(xss_t *x, const char *buf, size_t bn, const char *what, int depth)
{
    xss_t y;
    memset(&y, 0, sizeof(y));
    y.s = buf;
    y.n = bn;
    y.orig_n = x->orig_n;
    y.variant = what;
    y.src = x->src;
    y.document = x->document;
    unsigned bits = 0;
    for (size_t i = 0; i < bn; i++)
        bits |= xss_bytes[(unsigned char)buf[i]];
    xss_run(&y, bits & ~(unsigned)B_HI & ~(unsigned)B_PLUS, depth + 1);
    if (y.score >= 50 && y.score > x->score) {
        x->score = y.score;
        x->off = 0;
        x->len = x->orig_n;
        memcpy(x->ev, y.ev, sizeof(x->ev));
    }
}

static int b64v(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (is_digit(c))
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* UTF-7: "+ADw-" is '<'. Decodes each +base64- run as UTF-16. */
static size_t utf7_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        if (s[i] != '+' || i + 1 >= n || b64v((unsigned char)s[i + 1]) < 0) {
            if (s[i] == '+' && i + 1 < n && s[i + 1] == '-')
                i++;
            out[k++] = s[i++];
            continue;
        }
        i++;
        unsigned acc = 0, bits = 0;
        while (i < n && b64v((unsigned char)s[i]) >= 0 && k < cap) {
            acc = (acc << 6) | (unsigned)b64v((unsigned char)s[i++]);
            bits += 6;
            if (bits >= 16) {
                bits -= 16;
                unsigned u = (acc >> bits) & 0xFFFF;
                out[k++] = (char)(u < 0x80 && u ? u : '?');
            }
        }
        if (i < n && s[i] == '-')
            i++;
    }
    return k;
}

/* Fullwidth ASCII U+FF01..U+FF5E (EF BC 81 .. EF BD 9E) to ASCII, as
 * NFKC normalisation in a back end would. */
static size_t fullwidth_fold(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        unsigned char a = (unsigned char)s[i];
        if (a == 0xEF && i + 2 < n) {
            unsigned char b = (unsigned char)s[i + 1], c = (unsigned char)s[i + 2];
            if (b == 0xBC && c >= 0x81 && c <= 0xBF) {
                out[k++] = (char)(c - 0x81 + 0x21);
                i += 3;
                continue;
            }
            if (b == 0xBD && c >= 0x80 && c <= 0x9E) {
                out[k++] = (char)(c - 0x80 + 0x60);
                i += 3;
                continue;
            }
        }
        out[k++] = (char)a;
        i++;
    }
    return k;
}

/* US-ASCII read of 8-bit text (old IE): the high bit is dropped, so 0xBC
 * is '<' and 0xBE is '>'. Lead bytes of multibyte sequences go away, and
 * so do continuation bytes that fold to a control; the others fold to
 * 0x20..0x3F, never to a letter, so ordinary non-Latin text cannot turn
 * into a tag. */
static size_t hibit_fold(const char *s, size_t n, char *out, size_t cap, int only8)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xC0 || (c >= 0x80 && c < 0xA0))
            continue;
        /* only8: the value's own '<' '>' are blanked, leaving the markup
         * that exists only in the 8-bit reading */
        out[k++] = (char)(only8 && (c == '<' || c == '>') ? ' ' : c & 0x7F);
    }
    return k;
}

/* The value starts with the name of a global object and a dot. */
static int starts_global(const char *s, size_t n)
{
    char nm[16];
    size_t i = 0;
    while (i < n && is_html_ws((unsigned char)s[i]))
        i++;
    size_t b = i;
    while (i < n && i - b < sizeof(nm) - 1 && (is_alnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$'))
        i++;
    memcpy(nm, s + b, i - b);
    nm[i - b] = 0;
    while (i < n && is_html_ws((unsigned char)s[i]))
        i++;
    return i < n && s[i] == '.' && (js_lookup(nm) & JN_GLOBAL);
}

/* The value closes the attribute it was put in: read what follows as
 * attributes, after leading whitespace (an unquoted value) and after the
 * first quote of each kind. */
static void attr_contexts(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n, lead = 0;
    while (lead < n && is_html_ws((unsigned char)s[lead]))
        lead++;
    if (lead > 0 && lead < n)
        attr_breakout(x, lead, 2);
    const char *q1 = memchr(s, '"', n), *q2 = memchr(s, '\'', n);
    if (q1)
        attr_breakout(x, (size_t)(q1 - s) + 1, 1);
    if (q2)
        attr_breakout(x, (size_t)(q2 - s) + 1, 1);
}

/* The value ends the script string it was put in: each quote starts a
 * segment that ends at the next quote of the same kind. */
static void js_contexts(xss_t *x)
{
    const char *s = x->s;
    size_t n = x->n, next[3] = { 0, 0, 0 };
    for (size_t i = 0; i < n && x->score < XSS_ENOUGH; i++) {
        int k = s[i] == '"' ? 0 : s[i] == '\'' ? 1 : s[i] == '`' ? 2 : -1;
        if (k < 0 || i < next[k])
            continue;
        const char *q = memchr(s + i + 1, s[i], n - i - 1);
        size_t e = q ? (size_t)(q - s) : n;
        js_breakout(x, i, e);
        next[k] = e;
    }
}

/* Runs the readings the bytes present call for, the cheap and decisive
 * first, and stops once the verdict cannot change. */
static void xss_run(xss_t *x, unsigned bits, int depth)
{
    const char *s = x->s;
    size_t n = x->n;
#define XSS_STEP(cond, call)                                                  \
    do {                                                                      \
        if (x->score >= XSS_ENOUGH)                                           \
            return;                                                           \
        if (cond)                                                             \
            (call);                                                           \
    } while (0)
    XSS_STEP(bits & B_LT, html_pass(x));
    XSS_STEP(bits & (B_QUOTE | B_EQ), attr_contexts(x));
    XSS_STEP(bits & B_EQ, loose_handlers(x));
    XSS_STEP(bits & B_QUOTE, js_contexts(x));
    /* a script expression context: ";alert(1)" "-alert(1)-", "alert(1)" */
    XSS_STEP(bits & (B_PAREN | B_BRACK | B_EQ | B_BTICK), js_breakout(x, 0, n));
    XSS_STEP((bits & (B_PAREN | B_BRACK | B_EQ | B_BTICK)) ||
                 ((bits & B_SLASH) && memmem(s, n, "/*", 2)) || /* document/ **\/.cookie */
                 ((bits & B_DOT) && starts_global(s, n)),          /* window.location */
             js_bare(x));
    XSS_STEP((bits & B_EXCL) && !(bits & B_LT) && memmem(s, n, "!ENTITY", 7), entity_decl(x, 0, n));
    XSS_STEP(bits & (B_COLON | B_AMP), scheme_scan(x));
    XSS_STEP(bits & B_BRACE, template_scan(x));
    XSS_STEP(bits & B_BTICK, tagged_scan(x));
    XSS_STEP((bits & B_BRACK) && (bits & B_EXCL), jsfuck_scan(x));
    XSS_STEP((bits & B_PAREN) && (bits & B_COLON), css_bare(x));
#undef XSS_STEP
    if (depth > 0 || x->score >= XSS_ENOUGH)
        return;
    /* encodings some back ends fold into ASCII: read a transcoded copy of
     * the first 4 KiB */
    char buf[4096];
    if ((bits & B_PLUS) && (memmem(s, n, "+AD", 3) || memmem(s, n, "+AC", 3))) {
        size_t bn = utf7_decode(s, n, buf, sizeof(buf));
        xss_variant(x, buf, bn, "UTF-7", depth);
    }
    if ((bits & B_HI) && memmem(s, n, "\xEF\xBC", 2)) {
        size_t bn = fullwidth_fold(s, n, buf, sizeof(buf));
        xss_variant(x, buf, bn, "fullwidth", depth);
    }
    if ((bits & B_HI) && memchr(s, 0xBC, n)) {
        size_t bn = hibit_fold(s, n, buf, sizeof(buf), 0);
        xss_variant(x, buf, bn, "US-ASCII", depth);
        if (x->score < 50)
            bn = hibit_fold(s, n, buf, sizeof(buf), 1);
        if (x->score < 50 && balanced_markup(buf, bn)) {
            hit(x, 50, 0, n, "markup hidden in 8-bit bytes (read as US-ASCII)");
        }
    }
}

int rp__waf_xss(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = 0;
    if (!s || n == 0 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++)
        bits |= xss_bytes[(unsigned char)s[i]];
    /* '.', '/' and '!' alone matter only in two spots; a path or a
     * sentence should not pay for the full reading */
    if (!(bits & ~(unsigned)(B_DOT | B_SLASH | B_EXCL | B_PLUS))) {
        int maybe = ((bits & B_PLUS) && (memmem(s, n, "+AC", 3) || memmem(s, n, "+AD", 3))) ||
                    ((bits & B_SLASH) && memmem(s, n, "/*", 2)) ||
                    ((bits & B_DOT) && starts_global(s, n)) ||
                    ((bits & B_EXCL) && memmem(s, n, "!ENTITY", 7));
        if (!maybe)
            return 0;
    }
    xss_t x;
    memset(&x, 0, sizeof(x));
    x.s = s;
    x.n = x.orig_n = n;
    x.src = src;
    if (bits & B_LT)
        x.document = icontains(s, RP_MIN(n, 2048), "<html") || icontains(s, RP_MIN(n, 2048), "<head") ||
                     icontains(s, RP_MIN(n, 256), "<!doctype");
    xss_run(&x, bits, 0);
    if (x.score <= 0)
        return 0;
    m->score = x.score;
    m->off = x.off;
    m->len = x.len;
    memcpy(m->evidence, x.ev, sizeof(m->evidence));
    m->evidence[sizeof(m->evidence) - 1] = 0;
    return m->score;
}

/* For the unit test: the name tables must be in strcmp order. */
int rp__xss_tables_sorted(void);

int rp__xss_tables_sorted(void)
{
    static const struct {
        const name_flags_t *t;
        size_t n;
    } tabs[] = {
        { js_names, RP_ARRAY_SIZE(js_names) },
        { html_elements, RP_ARRAY_SIZE(html_elements) },
        { html_attrs, RP_ARRAY_SIZE(html_attrs) },
    };
    for (size_t k = 0; k < RP_ARRAY_SIZE(tabs); k++)
        for (size_t i = 1; i < tabs[k].n; i++)
            if (strcmp(tabs[k].t[i - 1].name, tabs[k].t[i].name) >= 0)
                return 0;
    return 1;
}
