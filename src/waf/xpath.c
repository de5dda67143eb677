/*
 * xpath.c - XPath injection: values that leave the string literal of an
 * XPath query, or that are XPath location paths with functions and axes.
 *
 * An application builds "//user[name/text()='" VALUE "']". The value is
 * lexed with the XPath 1.0 expression lexer (names, '::', '(', ')', '[',
 * ']', '@', ',', '|', '/', '//', '.', '..', '*', operators, literals,
 * numbers, $variables; anything else is "other") and two readings are
 * scored:
 *
 *   breakout: the text after the first ' (and, separately, after the
 *     first ") begins with what may follow a closed literal - 'or', 'and',
 *     ']', ')', '|', ',', a comparison - and then holds XPath-specific
 *     syntax: a core library function or node type called, an axis step,
 *     a path from the root (/\*, //name), a union with a path. 85, or 90
 *     with a path from the root / an axis / a function over a path.
 *     "' or '1'='1" has none of it: that is the SQLi detector's.
 *
 *   bare: the value as an expression (numeric contexts, whole queries):
 *     an axis step "ancestor::*", "/child::node()" (60; 75 after '/'), a
 *     function applied to a path "count(/\*)", "name(/\*[1])" (70), a
 *     path from the root with a wildcard "//\*", "/\*[1]" (55), a function
 *     only XPath has (string-length(, normalize-space(, ..) called with
 *     an argument (50).
 *
 * URL and file paths ("/api/v1/users", "a/b/c", "docs//x", "src/\*.c")
 * have no literal breakout, no axis, no function: they pass. A name
 * followed by '::' is an axis step only when the name is one of the 13
 * axes and a node test follows (PHP "parent::__construct()" and Rust
 * "self::a::b" are not steps).
 *
 * Cost: each reading lexes the value once (three passes at most), no
 * allocation, constant state.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

/* Token types. */
enum {
    T_END = 0,
    T_NAME,   /* NCName / QName / prefix:* */
    T_STAR,   /* '*' as a name test or the multiply operator */
    T_SLASH,  /* '/' */
    T_DSLASH, /* '//' */
    T_LB, T_RB, T_LP, T_RP, /* [ ] ( ) */
    T_AT, T_COMMA, T_PIPE, T_DOT, T_DDOT, T_AXSEP, /* @ , | . .. :: */
    T_OP,     /* = != < <= > >= + - */
    T_LIT,    /* 'x' "x" (an unterminated one runs to the end) */
    T_NUM,
    T_VAR,    /* $name */
    T_OTHER,  /* not XPath */
};

typedef struct xtok {
    int type;
    size_t pos, len;
} xtok_t;

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_namec(int c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.';
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The token at *i (blanks skipped); advances *i past it. */
static xtok_t lex(const char *s, size_t n, size_t *i)
{
    xtok_t t = { T_END, 0, 0 };
    size_t p = *i;
    while (p < n && is_blank((unsigned char)s[p]))
        p++;
    t.pos = p;
    if (p >= n) {
        *i = p;
        return t;
    }
    unsigned char c = (unsigned char)s[p];
    size_t q = p + 1;
    if (is_alpha(c)) {
        while (q < n && is_namec((unsigned char)s[q]))
            q++;
        /* QName prefix:local or prefix:* (not '::') */
        if (q + 1 < n && s[q] == ':' && s[q + 1] != ':') {
            if (is_alpha((unsigned char)s[q + 1])) {
                q += 2;
                while (q < n && is_namec((unsigned char)s[q]))
                    q++;
            } else if (s[q + 1] == '*') {
                q += 2;
            }
        }
        t.type = T_NAME;
    } else if (is_digit(c) || (c == '.' && q < n && is_digit((unsigned char)s[q]))) {
        while (q < n && (is_digit((unsigned char)s[q]) || s[q] == '.'))
            q++;
        t.type = T_NUM;
    } else if (c == '\'' || c == '"') {
        while (q < n && (unsigned char)s[q] != c)
            q++;
        if (q < n)
            q++;
        t.type = T_LIT;
    } else if (c == '$' && q < n && is_alpha((unsigned char)s[q])) {
        while (q < n && is_namec((unsigned char)s[q]))
            q++;
        t.type = T_VAR;
    } else if (c == '/') {
        t.type = T_SLASH;
        if (q < n && s[q] == '/') {
            q++;
            t.type = T_DSLASH;
        }
    } else if (c == '.') {
        t.type = T_DOT;
        if (q < n && s[q] == '.') {
            q++;
            t.type = T_DDOT;
        }
    } else if (c == ':' && q < n && s[q] == ':') {
        q++;
        t.type = T_AXSEP;
    } else if (c == '!' && q < n && s[q] == '=') {
        q++;
        t.type = T_OP;
    } else if (c == '<' || c == '>') {
        if (q < n && s[q] == '=')
            q++;
        t.type = T_OP;
    } else {
        switch (c) {
        case '*': t.type = T_STAR; break;
        case '[': t.type = T_LB; break;
        case ']': t.type = T_RB; break;
        case '(': t.type = T_LP; break;
        case ')': t.type = T_RP; break;
        case '@': t.type = T_AT; break;
        case ',': t.type = T_COMMA; break;
        case '|': t.type = T_PIPE; break;
        case '=': case '+': case '-': t.type = T_OP; break;
        default: t.type = T_OTHER; break;
        }
    }
    t.len = q - p;
    *i = q;
    return t;
}

static int tok_is(const char *s, xtok_t t, const char *w)
{
    size_t k = strlen(w);
    return t.type == T_NAME && t.len == k && memcmp(s + t.pos, w, k) == 0;
}

static int in_list(const char *s, xtok_t t, const char *const *list)
{
    if (t.type != T_NAME)
        return 0;
    /* the first byte first: most words of a list fail there */
    for (int i = 0; list[i]; i++)
        if (list[i][0] == s[t.pos] && tok_is(s, t, list[i]))
            return 1;
    return 0;
}

static const char *const axes[] = {
    "ancestor", "ancestor-or-self", "attribute", "child", "descendant", "descendant-or-self",
    "following", "following-sibling", "namespace", "parent", "preceding", "preceding-sibling",
    "self", NULL,
};

static const char *const node_types[] = { "node", "text", "comment", "processing-instruction", NULL };

/* The XPath 1.0 core library (and the XPath 2.0 functions payloads use
 * to read documents out of band). */
static const char *const functions[] = {
    "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat",
    "starts-with", "contains", "substring-before", "substring-after", "substring",
    "string-length", "normalize-space", "translate", "boolean", "not", "true", "false", "lang",
    "number", "sum", "floor", "ceiling", "round", "doc", "doc-available", "lower-case",
    "upper-case", "encode-for-uri", "codepoints-to-string", "string-to-codepoints", "matches",
    "unparsed-text", "document", NULL,
};

/* Functions no other common language spells this way. */
static const char *const xfunctions[] = {
    "local-name", "namespace-uri", "starts-with", "substring-before", "substring-after",
    "string-length", "normalize-space", "doc-available", "codepoints-to-string",
    "string-to-codepoints", "unparsed-text", "encode-for-uri", NULL,
};

/* Core functions SQL has too: after a breakout they say nothing about
 * XPath unless applied to a path ("' or substring(version(),1,1)='5"). */
static const char *const sql_shared[] = { "count", "sum", "floor", "ceiling", "round", "concat",
                                          "substring", "not", "true", "false", NULL };

/* Axes that are also PHP/Rust/C++ scope names (self::X, parent::x):
 * steps only after '/' or with a wildcard or node-type test. */
static const char *const scope_axes[] = { "self", "parent", "child", "attribute", "namespace", NULL };

/* Calls that, as an argument, make the outer call XPath: they read the
 * document ("concat(floor(rand()))" is SQL as much as XPath). */
static const char *const inner[] = { "name", "position", "last", "count", "doc", NULL };

/* What one reading found. */
enum {
    F_FUNC = 1u << 0,      /* a core function / node type called */
    F_FUNC_PATH = 1u << 1, /* ... whose argument is a path or another such call */
    F_AXIS = 1u << 2,      /* an axis step */
    F_AXIS_PATH = 1u << 3, /* ... after '/' */
    F_ROOT = 1u << 4,      /* a path from the root with a wildcard or predicate */
    F_UNION = 1u << 5,     /* '|' then a path */
    F_XFUNC = 1u << 6,     /* an XPath-only function with an argument */
    F_DESC = 1u << 7,      /* '//' name or '/' name at an expression start */
    F_PRED = 1u << 8,      /* ... with a predicate: //user[..] */
};

typedef struct xres {
    unsigned f;
    size_t first, last; /* span of the XPath syntax found */
} xres_t;

static void mark(xres_t *r, unsigned f, xtok_t t)
{
    if (!r->f)
        r->first = t.pos;
    r->f |= f;
    if (t.pos + t.len > r->last)
        r->last = t.pos + t.len;
}

/* Does a token start an operand where an expression begins? */
static int expr_start(int prev)
{
    return prev == T_END || prev == T_LP || prev == T_LB || prev == T_COMMA || prev == T_PIPE ||
           prev == T_OP;
}

/* Does the argument starting at token a look like a path or a call? */
static int path_arg(const char *s, size_t n, xtok_t a, size_t after)
{
    if (a.type == T_SLASH || a.type == T_DSLASH || a.type == T_AT || a.type == T_DOT ||
        a.type == T_DDOT)
        return 1;
    if (a.type == T_NAME) {
        size_t j = after;
        xtok_t b = lex(s, n, &j);
        if (b.type == T_LP && (in_list(s, a, inner) || in_list(s, a, node_types) ||
                               in_list(s, a, xfunctions)))
            return 1;
        if (b.type == T_AXSEP && in_list(s, a, axes))
            return 1;
    }
    return 0;
}

/*
 * Lexes s[from..n) as an XPath expression and records its features.
 * `stop_other`: end at the first non-XPath token (a breakout must stay
 * valid XPath); else skip it and go on. prev0: the token before from.
 */
static void scan(const char *s, size_t n, size_t from, int prev0, int stop_other, xres_t *r)
{
    size_t i = from, jc = 0;
    int prev = prev0, cached = 0;
    xtok_t nxc = { T_END, 0, 0 };
    memset(r, 0, sizeof(*r));
    for (;;) {
        /* the look-ahead token of the last round is this one */
        xtok_t t;
        if (cached) {
            t = nxc;
            i = jc;
            cached = 0;
        } else {
            t = lex(s, n, &i);
        }
        if (t.type == T_END)
            break;
        if (t.type == T_OTHER) {
            if (stop_other)
                break;
            prev = T_END;
            continue;
        }
        size_t j = i;
        xtok_t nx = lex(s, n, &j);
        nxc = nx;
        jc = j;
        cached = 1;
        if (t.type == T_NAME && nx.type == T_LP) {
            int nt = in_list(s, t, node_types), fn = in_list(s, t, functions);
            if (nt || fn) {
                size_t k = j;
                xtok_t a = lex(s, n, &k);
                if (nt) {
                    /* node() text() comment() processing-instruction('x') */
                    if (a.type == T_RP || (a.type == T_LIT && lex(s, n, &k).type == T_RP))
                        mark(r, F_FUNC, t);
                } else if (a.type != T_END) {
                    if (path_arg(s, n, a, k))
                        mark(r, F_FUNC | F_FUNC_PATH, t);
                    else if (a.type != T_OTHER && !in_list(s, t, sql_shared))
                        mark(r, F_FUNC, t);
                    if (a.type != T_RP && a.type != T_OTHER && in_list(s, t, xfunctions))
                        mark(r, F_XFUNC, t);
                }
            }
        } else if (t.type == T_NAME && nx.type == T_AXSEP && in_list(s, t, axes)) {
            /* a node test must follow, and no '(' / '::' after a name test */
            size_t k = j;
            xtok_t nt = lex(s, n, &k);
            size_t k2 = k;
            xtok_t after = lex(s, n, &k2);
            int ok = 0, slash = prev == T_SLASH || prev == T_DSLASH;
            if (nt.type == T_STAR ||
                (nt.type == T_NAME && in_list(s, nt, node_types) && after.type == T_LP))
                ok = 1;
            else if (nt.type == T_NAME && after.type != T_LP && after.type != T_AXSEP &&
                     after.type != T_OTHER && after.type != T_VAR && after.type != T_NAME)
                ok = slash || !in_list(s, t, scope_axes);
            if (ok) {
                mark(r, F_AXIS, t);
                if (prev == T_SLASH || prev == T_DSLASH)
                    mark(r, F_AXIS_PATH, t);
            }
        } else if ((t.type == T_SLASH || t.type == T_DSLASH) && expr_start(prev)) {
            /* a path from the root: '/\*', '//\*', '/x[..]', '//x' */
            if (nx.type == T_STAR) {
                /* '//\*' anywhere; '/\*' ("/\* comment", "/\*.c") only
                 * before a predicate or inside an expression */
                size_t k = j;
                xtok_t a = lex(s, n, &k);
                int after = a.type == T_END || a.type == T_LB || a.type == T_SLASH ||
                            a.type == T_DSLASH || a.type == T_RP || a.type == T_RB ||
                            a.type == T_PIPE || a.type == T_OP || a.type == T_COMMA;
                if (after && (t.type == T_DSLASH || a.type == T_LB || prev != T_END))
                    mark(r, F_ROOT, t);
            } else if (nx.type == T_NAME || nx.type == T_AT) {
                size_t k = j;
                xtok_t a = lex(s, n, &k);
                if (a.type == T_LB)
                    mark(r, F_PRED, t);
                else if (prev != T_END || t.type == T_DSLASH)
                    mark(r, F_DESC, t);
            }
            if (prev == T_PIPE && (nx.type == T_STAR || nx.type == T_NAME || nx.type == T_AT))
                mark(r, F_UNION, t);
        } else if (t.type == T_STAR && nx.type == T_LB && (prev == T_SLASH || prev == T_DSLASH)) {
            mark(r, F_ROOT, t);
        }
        prev = t.type;
    }
}

/* After a quote closed the literal: may this token come next? */
static int after_literal(const char *s, xtok_t t)
{
    return t.type == T_RB || t.type == T_RP || t.type == T_PIPE || t.type == T_OP ||
           t.type == T_COMMA || tok_is(s, t, "or") || tok_is(s, t, "and") ||
           tok_is(s, t, "div") || tok_is(s, t, "mod");
}

int rp__waf_xpath(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    (void)src;
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 3 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    /* Every scored feature needs a '(' (a call: F_FUNC, F_FUNC_PATH,
     * F_XFUNC), "::" (an axis: F_AXIS) or a '/' with a '*' (F_ROOT), a '['
     * (F_PRED) or a '|' (F_UNION); F_DESC alone ('/' name) is never
     * scored. So "/api/v1/users" and "a/b/c" leave here (the engine's
     * trigger bytes "(:*[|" already dropped values without any of them). */
    if (!memchr(s, '(', n)) {
        const char *c = memchr(s, ':', n);
        while (c && !(c + 1 < s + n && c[1] == ':'))
            c = c + 1 < s + n ? memchr(c + 1, ':', (size_t)(s + n - c - 1)) : NULL;
        if (!c && !(memchr(s, '/', n) &&
                    (memchr(s, '*', n) || memchr(s, '[', n) || memchr(s, '|', n))))
            return 0;
    }

    int score = 0;
    size_t off = 0, end = 0;
    const char *what = NULL;
    xres_t r;

    /* breakout from '..' and from ".." */
    for (int q = 0; q < 2; q++) {
        const char *p = memchr(s, q ? '"' : '\'', n);
        if (!p)
            continue;
        size_t i = (size_t)(p - s) + 1, j = i;
        xtok_t t = lex(s, n, &j);
        if (!after_literal(s, t))
            continue;
        scan(s, n, i, T_LIT, 1, &r);
        unsigned f = r.f & ~F_DESC;
        if (!f)
            continue;
        int sc = (f & (F_ROOT | F_PRED | F_AXIS | F_FUNC_PATH | F_UNION)) ? 90 : 85;
        if (sc > score) {
            score = sc;
            off = (size_t)(p - s);
            end = r.last;
            what = (f & F_AXIS)        ? "string literal closed, then an axis step"
                   : (f & F_FUNC_PATH) ? "string literal closed, then a function over a path"
                   : (f & (F_ROOT | F_PRED)) ? "string literal closed, then a path from the root"
                   : (f & F_UNION)     ? "string literal closed, then a union with a path"
                                       : "string literal closed, then an XPath function";
        }
    }

    /* the value as an expression */
    if (score < 90) {
        scan(s, n, 0, T_END, 0, &r);
        int sc = 0;
        const char *w = NULL;
        if (r.f & F_AXIS_PATH) {
            sc = 75;
            w = "location path with an axis step";
        } else if (r.f & F_FUNC_PATH) {
            sc = 70;
            w = "XPath function applied to a path";
        } else if (r.f & F_AXIS) {
            sc = 60;
            w = "axis step";
        } else if (r.f & F_ROOT) {
            sc = 55;
            w = "path from the root with a wildcard or predicate";
        } else if (r.f & F_XFUNC) {
            sc = 50;
            w = "XPath-only function called";
        } else if (r.f & F_PRED) {
            sc = 45;
            w = "path from the root with a predicate";
        }
        if (sc > score) {
            score = sc;
            off = r.first;
            end = r.last;
            what = w;
        }
    }
    if (!score)
        return 0;
    m->score = score;
    m->off = off < n ? off : 0;
    m->len = end > m->off && end <= n ? end - m->off : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "xpath: %s", what);
    return score;
}
