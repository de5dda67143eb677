/*
 * graphql.c - GraphQL executable documents: a lexer, a parser, and the
 * request-level check of what a document asks for.
 *
 * The grammar is the executable part of the October 2021 specification:
 *
 *   Document      Definition+       (commas, whitespace, BOM, # comments ignored)
 *   Definition    SelectionSet
 *               | (query|mutation|subscription) Name? VariableDefs? Directives? SelectionSet
 *               | fragment Name on Name Directives? SelectionSet
 *   VariableDefs  ( ($Name : Type (= ConstValue)? Directives?)+ )
 *   Type          Name | [ Type ]   then !?
 *   SelectionSet  { Selection+ }
 *   Selection     (Alias :)? Name Arguments? Directives? SelectionSet?
 *               | ... Name Directives?                     fragment spread
 *               | ... (on Name)? Directives? SelectionSet  inline fragment
 *   Arguments     ( (Name : Value)+ )
 *   Directives    (@ Name Arguments?)*
 *   Value         $Name | Int | Float | "String" | """Block""" | true | false
 *               | null | Enum | [ Value* ] | { (Name : Value)* }
 *
 * Type-system definitions (type, schema, extend ...) are not executable
 * and make the document malformed, as a server would answer.
 *
 * What it gives:
 *   - every string argument value (and variable default) to a callback,
 *     with the path where it stands, so that points.c turns them into
 *     points the per-value detectors inspect;
 *   - statistics (rp__gql_stats_t): depth, fields and aliases with the
 *     fragments expanded (a fragment graph in caller memory, walked
 *     without recursion; cycles found on the way), directives per
 *     location and in all, introspection fields;
 *   - for a malformed document, where and why.
 *
 * Bounds: the recursive descent enters at most RP_GQL_MAX_NEST levels (the
 * C stack stays small), the lexer hands out at most RP_GQL_MAX_TOKENS
 * tokens, each byte is read a bounded number of times, nothing is
 * allocated: the fragment graph lives in arrays the caller gives (a graph
 * larger than them is itself reported).
 *
 * The check (rp__waf_graphql) turns the statistics of the documents
 * points.c kept into findings of class graphql, each at its own synthetic
 * point: DOC#introspection, DOC#depth, DOC#aliases, DOC#fields,
 * DOC#directives, DOC#cycle, DOC#fragments, and BODY#batch (DOC is the
 * document's path, "body.graphql" or "body.json.query|graphql"), so an
 * exclusion can allow one of them (introspection for a developer network)
 * and keep the others.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define GQL_SAT (1u << 30) /* statistics saturate here */

enum { T_EOF = 0, T_PUNCT, T_SPREAD, T_NAME, T_INT, T_FLOAT, T_STRING, T_BLOCK, T_BAD };

static int is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(int c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static uint32_t sat_add(uint32_t a, uint32_t b)
{
    return a >= GQL_SAT - RP_MIN(b, GQL_SAT) ? GQL_SAT : a + b;
}

/* Records the first error; returns the (negative) code. */
static int fail(rp__gql_t *g, size_t off, const char *why, int code)
{
    if (g->rc == 0) {
        g->rc = code;
        g->err = why;
        g->err_off = RP_MIN(off, g->n);
        g->tt = T_BAD;
    }
    return g->rc;
}

/* ---------------------------------------------------------------------- */
/* Lexer.                                                                   */

/* Skips what the grammar ignores from i; returns the next significant
 * offset (n at the end). */
static size_t skip_ignored(const char *s, size_t n, size_t i)
{
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
            i++;
        } else if (c == '#') {
            while (i < n && s[i] != '\n' && s[i] != '\r')
                i++;
        } else if (c == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbb &&
                   (unsigned char)s[i + 2] == 0xbf) {
            i += 3; /* U+FEFF */
        } else {
            break;
        }
    }
    return i;
}

/* A number from i: returns its end, or 0 when malformed; *is_float. */
static size_t lex_number(const char *s, size_t n, size_t i, int *is_float)
{
    size_t j = i;
    *is_float = 0;
    if (s[j] == '-')
        j++;
    if (j >= n || !is_digit(s[j]))
        return 0;
    if (s[j] == '0') {
        j++;
        if (j < n && is_digit(s[j]))
            return 0; /* leading zero */
    } else {
        while (j < n && is_digit(s[j]))
            j++;
    }
    if (j < n && s[j] == '.') {
        j++;
        if (j >= n || !is_digit(s[j]))
            return 0;
        while (j < n && is_digit(s[j]))
            j++;
        *is_float = 1;
    }
    if (j < n && (s[j] | 0x20) == 'e') {
        j++;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j >= n || !is_digit(s[j]))
            return 0;
        while (j < n && is_digit(s[j]))
            j++;
        *is_float = 1;
    }
    if (j < n && (s[j] == '.' || is_name_start(s[j])))
        return 0;
    return j;
}

/* A \u escape at s[j] == '\\', s[j+1] == 'u': returns its length, 0 when
 * malformed; *cp its code point. */
static size_t lex_unicode(const char *s, size_t n, size_t j, uint32_t *cp)
{
    uint32_t v = 0;
    if (j + 2 < n && s[j + 2] == '{') {
        size_t k = j + 3, nd = 0;
        while (k < n && hexval(s[k]) >= 0) {
            v = v * 16 + (uint32_t)hexval(s[k]);
            if (v > 0x10ffff)
                return 0;
            k++;
            nd++;
        }
        if (nd == 0 || k >= n || s[k] != '}')
            return 0;
        *cp = v;
        return k + 1 - j;
    }
    if (j + 5 >= n)
        return 0;
    for (size_t k = j + 2; k < j + 6; k++) {
        int h = hexval(s[k]);
        if (h < 0)
            return 0;
        v = v * 16 + (uint32_t)h;
    }
    *cp = v;
    return 6;
}

/* A string from s[i] == '"': returns its end, or 0 with *why. */
static size_t lex_string(const char *s, size_t n, size_t i, int *block, const char **why)
{
    size_t j;
    if (i + 2 < n && s[i + 1] == '"' && s[i + 2] == '"') {
        *block = 1;
        for (j = i + 3; j < n; j++) {
            unsigned char c = (unsigned char)s[j];
            if (c == '\\' && j + 3 < n && s[j + 1] == '"' && s[j + 2] == '"' && s[j + 3] == '"') {
                j += 3;
            } else if (c == '"' && j + 2 < n && s[j + 1] == '"' && s[j + 2] == '"') {
                return j + 3;
            } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                *why = "control character in a block string";
                return 0;
            }
        }
        *why = "unterminated block string";
        return 0;
    }
    *block = 0;
    for (j = i + 1; j < n;) {
        unsigned char c = (unsigned char)s[j];
        if (c == '"')
            return j + 1;
        if (c == '\n' || c == '\r') {
            *why = "line break in a string";
            return 0;
        }
        if (c < 0x20 && c != '\t') {
            *why = "control character in a string";
            return 0;
        }
        if (c != '\\') {
            j++;
            continue;
        }
        if (j + 1 >= n)
            break;
        char e = s[j + 1];
        if (e == 'u') {
            uint32_t cp;
            size_t l = lex_unicode(s, n, j, &cp);
            if (!l) {
                *why = "bad \\u escape";
                return 0;
            }
            j += l;
        } else if (strchr("\"\\/bfnrt", e) && e) {
            j += 2;
        } else {
            *why = "bad escape in a string";
            return 0;
        }
    }
    *why = "unterminated string";
    return 0;
}

/* The next token into g->tt/toff/tlen. Returns g->rc. */
static int lex(rp__gql_t *g)
{
    const char *s = g->s;
    size_t n = g->n, i;
    if (g->rc)
        return g->rc;
    i = skip_ignored(s, n, g->pos);
    g->toff = i;
    g->tlen = 0;
    if (i >= n) {
        g->tt = T_EOF;
        g->pos = n;
        return 0;
    }
    if (++g->ntok > RP_GQL_MAX_TOKENS)
        return fail(g, i, "too many tokens", RP_GQL_LIMIT);
    unsigned char c = (unsigned char)s[i];
    size_t end = 0;
    if (strchr("!$&():=@[]{|}", c) && c) {
        g->tt = T_PUNCT;
        end = i + 1;
    } else if (c == '.') {
        if (!(i + 2 < n && s[i + 1] == '.' && s[i + 2] == '.'))
            return fail(g, i, "'.' outside '...'", RP_GQL_SYNTAX);
        g->tt = T_SPREAD;
        end = i + 3;
    } else if (is_name_start(c)) {
        end = i + 1;
        while (end < n && is_name_char(s[end]))
            end++;
        g->tt = T_NAME;
    } else if (c == '-' || is_digit(c)) {
        int fl;
        end = lex_number(s, n, i, &fl);
        if (!end)
            return fail(g, i, "malformed number", RP_GQL_SYNTAX);
        g->tt = fl ? T_FLOAT : T_INT;
    } else if (c == '"') {
        int block;
        const char *why = NULL;
        end = lex_string(s, n, i, &block, &why);
        if (!end)
            return fail(g, i, why, RP_GQL_SYNTAX);
        g->tt = block ? T_BLOCK : T_STRING;
    } else {
        return fail(g, i, "unexpected character", RP_GQL_SYNTAX);
    }
    g->tlen = end - i;
    g->pos = end;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* String values.                                                           */

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp >= 0xd800 && cp <= 0xdfff)
        cp = 0xfffd;
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A regular string's escapes undone. Every escape is at least as long
 * as what it stands for (a surrogate pair: 12 bytes for 4), so out needs
 * n bytes. Malformed escapes (the lexer refuses them) are copied. */
static size_t unescape(const char *s, size_t n, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        const char *bs = memchr(s + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
        memcpy(out + o, s + i, run);
        o += run;
        i += run;
        if (i >= n)
            break;
        if (i + 1 >= n) {
            out[o++] = s[i++];
            break;
        }
        char e = s[i + 1], r = 0;
        switch (e) {
        case '"': r = '"'; break;
        case '\\': r = '\\'; break;
        case '/': r = '/'; break;
        case 'b': r = '\b'; break;
        case 'f': r = '\f'; break;
        case 'n': r = '\n'; break;
        case 'r': r = '\r'; break;
        case 't': r = '\t'; break;
        default: break;
        }
        if (r) {
            out[o++] = r;
            i += 2;
            continue;
        }
        uint32_t cp;
        size_t l = e == 'u' ? lex_unicode(s, n, i, &cp) : 0;
        if (!l) {
            out[o++] = s[i++];
            continue;
        }
        if (l == 6 && cp >= 0xd800 && cp <= 0xdbff && i + 11 < n && s[i + 6] == '\\' &&
            s[i + 7] == 'u') {
            uint32_t lo;
            size_t l2 = lex_unicode(s, n, i + 6, &lo);
            if (l2 == 6 && lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                l = 12;
            }
        }
        o += put_utf8(out + o, cp);
        i += l;
    }
    return o;
}

/* The end of the line starting at i (before its terminator) and, in
 * *next, where the following line starts. */
static size_t line_end(const char *s, size_t n, size_t i, size_t *next)
{
    while (i < n && s[i] != '\n' && s[i] != '\r')
        i++;
    *next = i;
    if (i < n)
        *next = i + (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1);
    return i;
}

static size_t indent_of(const char *s, size_t a, size_t b)
{
    size_t k = a;
    while (k < b && (s[k] == ' ' || s[k] == '\t'))
        k++;
    return k - a;
}

/* BlockStringValue(): \""" undone, the common indentation of the lines
 * after the first removed, blank first and last lines dropped, lines
 * joined with \n. Two passes over the text, output at most n bytes. */
static size_t block_value(const char *s, size_t n, char *out)
{
    size_t common = (size_t)-1, first_nb = (size_t)-1, last_nb = 0, idx = 0, i = 0, next;
    /* pass 1: the common indentation, the first and last non-blank lines */
    for (;;) {
        size_t e = line_end(s, n, i, &next);
        size_t ind = indent_of(s, i, e);
        if (ind < e - i) {
            if (idx > 0 && ind < common)
                common = ind;
            if (first_nb == (size_t)-1)
                first_nb = idx;
            last_nb = idx;
        }
        if (e >= n)
            break;
        i = next;
        idx++;
    }
    if (first_nb == (size_t)-1)
        return 0;
    if (common == (size_t)-1)
        common = 0;
    /* pass 2: write the lines kept */
    size_t o = 0;
    i = 0;
    idx = 0;
    for (;;) {
        size_t e = line_end(s, n, i, &next);
        if (idx >= first_nb && idx <= last_nb) {
            size_t a = i;
            if (idx > 0)
                a += RP_MIN(common, e - i);
            if (idx > first_nb)
                out[o++] = '\n';
            while (a < e) {
                if (s[a] == '\\' && a + 3 < e && s[a + 1] == '"' && s[a + 2] == '"' &&
                    s[a + 3] == '"') {
                    memcpy(out + o, "\"\"\"", 3);
                    o += 3;
                    a += 4;
                } else {
                    out[o++] = s[a++];
                }
            }
        }
        if (e >= n || idx >= last_nb)
            break;
        i = next;
        idx++;
    }
    return o;
}

size_t rp__gql_string_value(rp_str_t raw, int block, char *out)
{
    if (raw.n == 0)
        return 0;
    return block ? block_value(raw.p, raw.n, out) : unescape(raw.p, raw.n, out);
}

/* ---------------------------------------------------------------------- */
/* Parser: recursive descent, each level counted against RP_GQL_MAX_NEST. */

static int is_punct(const rp__gql_t *g, char c)
{
    return g->tt == T_PUNCT && g->s[g->toff] == c;
}

static int tok_is(const rp__gql_t *g, const char *word)
{
    size_t l = strlen(word);
    return g->tt == T_NAME && g->tlen == l && memcmp(g->s + g->toff, word, l) == 0;
}

static int expect(rp__gql_t *g, char c, const char *why)
{
    if (!is_punct(g, c))
        return fail(g, g->toff, why, RP_GQL_SYNTAX);
    return lex(g);
}

static int expect_name(rp__gql_t *g, const char *why)
{
    if (g->tt != T_NAME)
        return fail(g, g->toff, why, RP_GQL_SYNTAX);
    return 0;
}

static int enter(rp__gql_t *g)
{
    if (++g->nest > RP_GQL_MAX_NEST)
        return fail(g, g->toff, "nested too deep", RP_GQL_LIMIT);
    return 0;
}

/* Appends pre, the current token (a name, cut to RP_GQL_NAME_CAP) and
 * post to the path when it fits; returns the length to restore. */
static size_t path_push(rp__gql_t *g, const char *pre, const char *post)
{
    size_t keep = g->plen, lp = strlen(pre), lq = strlen(post);
    size_t ln = RP_MIN(g->tlen, (size_t)RP_GQL_NAME_CAP);
    if (g->tt != T_NAME)
        ln = 0;
    if (keep + lp + ln + lq > sizeof(g->path))
        return keep;
    memcpy(g->path + g->plen, pre, lp);
    memcpy(g->path + g->plen + lp, g->s + g->toff, ln);
    memcpy(g->path + g->plen + lp + ln, post, lq);
    g->plen += lp + ln + lq;
    return keep;
}

static void path_lit(rp__gql_t *g, const char *lit)
{
    size_t l = strlen(lit);
    if (g->plen + l <= sizeof(g->path)) {
        memcpy(g->path + g->plen, lit, l);
        g->plen += l;
    }
}

static int value(rp__gql_t *g, int is_const)
{
    size_t keep = g->plen;
    switch (g->tt) {
    case T_INT:
    case T_FLOAT:
    case T_NAME: /* true, false, null, an enum value */
        return lex(g);
    case T_STRING:
    case T_BLOCK: {
        size_t q = g->tt == T_BLOCK ? 3 : 1;
        g->st.strings++;
        if (g->on_string &&
            g->on_string(g->ud, rp_str(g->path, g->plen),
                         rp_str(g->s + g->toff + q, g->tlen - 2 * q), g->tt == T_BLOCK) != 0)
            g->on_string = NULL;
        return lex(g);
    }
    case T_PUNCT:
        break;
    default:
        return fail(g, g->toff, "expected a value", RP_GQL_SYNTAX);
    }
    char c = g->s[g->toff];
    if (c == '$') {
        if (is_const)
            return fail(g, g->toff, "variable in a constant value", RP_GQL_SYNTAX);
        if (lex(g) || expect_name(g, "expected a variable name"))
            return g->rc;
        return lex(g);
    }
    if (c == '[') {
        if (enter(g) || lex(g))
            return g->rc;
        path_lit(g, "[]");
        while (!is_punct(g, ']')) {
            if (g->tt == T_EOF)
                return fail(g, g->toff, "unclosed list", RP_GQL_SYNTAX);
            if (value(g, is_const))
                return g->rc;
        }
        g->plen = keep;
        g->nest--;
        return lex(g);
    }
    if (c == '{') {
        if (enter(g) || lex(g))
            return g->rc;
        while (!is_punct(g, '}')) {
            if (expect_name(g, "expected a field name in an object value"))
                return g->rc;
            path_push(g, ".", "");
            if (lex(g) || expect(g, ':', "expected ':' in an object value") || value(g, is_const))
                return g->rc;
            g->plen = keep;
        }
        g->nest--;
        return lex(g);
    }
    return fail(g, g->toff, "expected a value", RP_GQL_SYNTAX);
}

/* ( Name : Value ... ), the current token '('. */
static int arguments(rp__gql_t *g, int is_const)
{
    if (lex(g))
        return g->rc;
    if (is_punct(g, ')'))
        return fail(g, g->toff, "empty arguments", RP_GQL_SYNTAX);
    while (!is_punct(g, ')')) {
        if (expect_name(g, "expected an argument name"))
            return g->rc;
        size_t keep = path_push(g, "(", ")");
        if (lex(g) || expect(g, ':', "expected ':' after an argument name") || value(g, is_const))
            return g->rc;
        g->plen = keep;
    }
    return lex(g);
}

static int directives(rp__gql_t *g, int is_const)
{
    uint32_t count = 0;
    while (is_punct(g, '@')) {
        if (lex(g) || expect_name(g, "expected a directive name"))
            return g->rc;
        size_t keep = path_push(g, "@", "");
        if (lex(g) || (is_punct(g, '(') && arguments(g, is_const)))
            return g->rc;
        g->plen = keep;
        count++;
        g->st.directives_all = sat_add(g->st.directives_all, 1);
    }
    if (count > g->st.directives)
        g->st.directives = count;
    return 0;
}

static int type_ref(rp__gql_t *g)
{
    if (is_punct(g, '[')) {
        if (enter(g) || lex(g) || type_ref(g) || expect(g, ']', "expected ']' in a type"))
            return g->rc;
        g->nest--;
    } else {
        if (expect_name(g, "expected a type") || lex(g))
            return g->rc;
    }
    if (is_punct(g, '!'))
        return lex(g);
    return 0;
}

static void spread(rp__gql_t *g, uint32_t depth)
{
    g->st.spreads = sat_add(g->st.spreads, 1);
    if (!g->defs || g->cur == &g->spare)
        return;
    if (g->nspreads >= g->spreads_cap) {
        g->st.too_many = 1;
        return;
    }
    rp__gql_spread_t *sp = &g->spreads[g->nspreads++];
    sp->name = rp_str(g->s + g->toff, g->tlen);
    sp->depth = depth;
    sp->target = -1;
    g->cur->nspreads++;
}

static int selection_set(rp__gql_t *g, uint32_t depth);

static int field(rp__gql_t *g, uint32_t depth)
{
    size_t name_off = g->toff, name_len = g->tlen;
    if (lex(g))
        return g->rc;
    if (is_punct(g, ':')) {
        if (lex(g) || expect_name(g, "expected a field name after an alias"))
            return g->rc;
        name_off = g->toff;
        name_len = g->tlen;
        g->cur->aliases = sat_add(g->cur->aliases, 1);
        g->st.aliases = sat_add(g->st.aliases, 1);
        if (lex(g))
            return g->rc;
    }
    g->cur->fields = sat_add(g->cur->fields, 1);
    g->st.fields = sat_add(g->st.fields, 1);
    if (depth > g->cur->depth)
        g->cur->depth = depth;
    if (depth > g->st.depth) {
        g->st.depth = depth;
        g->st.deep_off = name_off;
    }
    if (name_len >= 6 && g->s[name_off] == '_' && g->s[name_off + 1] == '_' &&
        !g->st.introspection) {
        rp_str_t nm = rp_str(g->s + name_off, name_len);
        if (rp_str_eq(nm, RP_STRLIT("__schema")))
            g->st.introspection = "__schema";
        else if (rp_str_eq(nm, RP_STRLIT("__type")))
            g->st.introspection = "__type";
        if (g->st.introspection)
            g->st.introspection_off = name_off;
    }
    /* the path names the field, not its alias: the schema's name */
    size_t keep = g->plen, ln = RP_MIN(name_len, (size_t)RP_GQL_NAME_CAP);
    if (g->plen + 1 + ln <= sizeof(g->path)) {
        g->path[g->plen++] = '.';
        memcpy(g->path + g->plen, g->s + name_off, ln);
        g->plen += ln;
    }
    if (is_punct(g, '(') && arguments(g, 0))
        return g->rc;
    if (directives(g, 0))
        return g->rc;
    if (is_punct(g, '{') && selection_set(g, depth + 1))
        return g->rc;
    g->plen = keep;
    return 0;
}

/* { Selection+ }, the current token '{'; depth: the level of its fields. */
static int selection_set(rp__gql_t *g, uint32_t depth)
{
    if (enter(g) || lex(g))
        return g->rc;
    if (is_punct(g, '}'))
        return fail(g, g->toff, "empty selection set", RP_GQL_SYNTAX);
    while (!is_punct(g, '}')) {
        if (g->tt == T_SPREAD) {
            if (lex(g))
                return g->rc;
            if (g->tt == T_NAME && !tok_is(g, "on")) {
                spread(g, depth);
                if (lex(g) || directives(g, 0))
                    return g->rc;
                continue;
            }
            if (tok_is(g, "on") && (lex(g) || expect_name(g, "expected a type after 'on'") ||
                                    lex(g)))
                return g->rc;
            if (directives(g, 0))
                return g->rc;
            if (!is_punct(g, '{'))
                return fail(g, g->toff, "expected '{' after an inline fragment", RP_GQL_SYNTAX);
            if (selection_set(g, depth))
                return g->rc;
        } else if (g->tt == T_NAME) {
            if (field(g, depth))
                return g->rc;
        } else if (g->tt == T_EOF) {
            return fail(g, g->toff, "unclosed selection set", RP_GQL_SYNTAX);
        } else {
            return fail(g, g->toff, "expected a field", RP_GQL_SYNTAX);
        }
    }
    g->nest--;
    return lex(g);
}

/* A new definition: the graph's next node, or a spare one when full. */
static void new_def(rp__gql_t *g, rp_str_t name, int is_frag)
{
    rp__gql_def_t *d = &g->spare;
    if (g->defs && g->ndefs < g->defs_cap)
        d = &g->defs[g->ndefs++];
    else if (g->defs)
        g->st.too_many = 1;
    memset(d, 0, sizeof(*d));
    d->name = name;
    d->is_frag = (uint8_t)is_frag;
    d->first = (uint32_t)g->nspreads;
    d->parent = -1;
    g->cur = d;
    if (is_frag)
        g->st.frags++;
    else
        g->st.ops++;
}

static int operation(rp__gql_t *g)
{
    new_def(g, RP_STR_NULL, 0);
    g->plen = 0;
    if (g->tt == T_NAME) {
        if (lex(g))
            return g->rc;
        if (g->tt == T_NAME && lex(g))
            return g->rc;
        if (is_punct(g, '(')) {
            if (lex(g))
                return g->rc;
            if (is_punct(g, ')'))
                return fail(g, g->toff, "empty variable definitions", RP_GQL_SYNTAX);
            while (!is_punct(g, ')')) {
                if (expect(g, '$', "expected a variable") ||
                    expect_name(g, "expected a variable name"))
                    return g->rc;
                size_t keep = path_push(g, ".$", "");
                if (lex(g) || expect(g, ':', "expected ':' after a variable") || type_ref(g))
                    return g->rc;
                if (is_punct(g, '=') && (lex(g) || value(g, 1)))
                    return g->rc;
                if (directives(g, 1))
                    return g->rc;
                g->plen = keep;
            }
            if (lex(g))
                return g->rc;
        }
        if (directives(g, 0))
            return g->rc;
    }
    if (!is_punct(g, '{'))
        return fail(g, g->toff, "expected '{' to open an operation", RP_GQL_SYNTAX);
    return selection_set(g, 1);
}

static int fragment(rp__gql_t *g)
{
    if (lex(g) || expect_name(g, "expected a fragment name"))
        return g->rc;
    if (tok_is(g, "on"))
        return fail(g, g->toff, "a fragment cannot be named 'on'", RP_GQL_SYNTAX);
    new_def(g, rp_str(g->s + g->toff, g->tlen), 1);
    g->plen = 0;
    path_push(g, "...", "");
    if (lex(g))
        return g->rc;
    if (!tok_is(g, "on"))
        return fail(g, g->toff, "expected 'on' after a fragment name", RP_GQL_SYNTAX);
    if (lex(g) || expect_name(g, "expected a type after 'on'") || lex(g) || directives(g, 0))
        return g->rc;
    if (!is_punct(g, '{'))
        return fail(g, g->toff, "expected '{' to open a fragment", RP_GQL_SYNTAX);
    return selection_set(g, 1);
}

/* ---------------------------------------------------------------------- */
/* The fragment graph.                                                      */

#define NAME_TABLE 512 /* >= 2 * RP_GQL_MAX_DEFS */

static uint32_t name_hash(rp_str_t s)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s.n; i++)
        h = (h ^ (unsigned char)s.p[i]) * 16777619u;
    return h;
}

/* Adds t's expansion to u (t is on the edge e from u). */
static void fold(rp__gql_def_t *u, const rp__gql_spread_t *e, const rp__gql_def_t *t)
{
    uint32_t d = e->depth ? e->depth - 1 : 0;
    if (sat_add(d, t->depth) > u->depth)
        u->depth = sat_add(d, t->depth);
    u->fields = sat_add(u->fields, t->fields);
    u->aliases = sat_add(u->aliases, t->aliases);
}

/* Resolves the spreads, then walks the graph depth-first without
 * recursion (each node's cursor and parent are its stack frame): a spread
 * to a node still on the path is a cycle (not followed); every other
 * spread folds its fragment's expansion into the node. Each node and
 * spread is visited once. */
static void analyse(rp__gql_t *g)
{
    uint16_t tab[NAME_TABLE];
    size_t nd = RP_MIN(g->ndefs, (size_t)RP_GQL_MAX_DEFS);
    memset(tab, 0xff, sizeof(tab));
    for (size_t i = 0; i < nd; i++) {
        if (!g->defs[i].is_frag)
            continue;
        uint32_t j = name_hash(g->defs[i].name) & (NAME_TABLE - 1);
        while (tab[j] != 0xffff && !rp_str_eq(g->defs[tab[j]].name, g->defs[i].name))
            j = (j + 1) & (NAME_TABLE - 1);
        if (tab[j] == 0xffff)
            tab[j] = (uint16_t)i; /* a repeated name: the first one */
    }
    for (size_t k = 0; k < g->nspreads; k++) {
        rp__gql_spread_t *sp = &g->spreads[k];
        uint32_t j = name_hash(sp->name) & (NAME_TABLE - 1);
        while (tab[j] != 0xffff && !rp_str_eq(g->defs[tab[j]].name, sp->name))
            j = (j + 1) & (NAME_TABLE - 1);
        sp->target = tab[j] == 0xffff ? -1 : (int32_t)tab[j];
    }
    enum { WHITE = 0, GREY, BLACK };
    for (size_t r = 0; r < nd; r++) {
        if (g->defs[r].color != WHITE)
            continue;
        int32_t cur = (int32_t)r;
        g->defs[r].color = GREY;
        g->defs[r].cursor = g->defs[r].first;
        g->defs[r].parent = -1;
        while (cur >= 0) {
            rp__gql_def_t *u = &g->defs[cur];
            if (u->cursor < u->first + u->nspreads) {
                const rp__gql_spread_t *e = &g->spreads[u->cursor++];
                if (e->target < 0)
                    continue;
                rp__gql_def_t *t = &g->defs[e->target];
                if (t->color == GREY) {
                    if (!g->st.cycle.n)
                        g->st.cycle = t->name;
                } else if (t->color == WHITE) {
                    t->color = GREY;
                    t->cursor = t->first;
                    t->parent = cur;
                    cur = e->target;
                } else {
                    fold(u, e, t);
                }
                continue;
            }
            u->color = BLACK;
            cur = u->parent;
            if (cur >= 0) {
                rp__gql_def_t *p = &g->defs[cur];
                fold(p, &g->spreads[p->cursor - 1], u);
            }
        }
    }
    /* the document: its operations expanded (what the server executes) */
    uint32_t fields = 0, aliases = 0;
    for (size_t i = 0; i < nd; i++) {
        const rp__gql_def_t *d = &g->defs[i];
        if (d->depth > g->st.depth)
            g->st.depth = d->depth;
        if (!d->is_frag) {
            fields = sat_add(fields, d->fields);
            aliases = sat_add(aliases, d->aliases);
        }
    }
    g->st.fields = RP_MAX(g->st.fields, fields);
    g->st.aliases = RP_MAX(g->st.aliases, aliases);
}

int rp__gql_parse(rp__gql_t *g, const char *s, size_t n)
{
    g->s = s;
    g->n = n;
    g->pos = g->ntok = 0;
    g->rc = 0;
    g->nest = 0;
    g->ndefs = g->nspreads = 0;
    g->plen = 0;
    g->cur = &g->spare;
    memset(&g->st, 0, sizeof(g->st));
    memset(&g->spare, 0, sizeof(g->spare));
    if (g->defs && (!g->spreads || !g->spreads_cap))
        g->defs = NULL;
    if (g->defs_cap > RP_GQL_MAX_DEFS)
        g->defs_cap = RP_GQL_MAX_DEFS;
    if (lex(g) == 0 && g->tt == T_EOF)
        fail(g, 0, "empty document", RP_GQL_SYNTAX);
    while (g->rc == 0 && g->tt != T_EOF) {
        if (is_punct(g, '{') || tok_is(g, "query") || tok_is(g, "mutation") ||
            tok_is(g, "subscription"))
            operation(g);
        else if (tok_is(g, "fragment"))
            fragment(g);
        else
            fail(g, g->toff, "expected an operation or a fragment", RP_GQL_SYNTAX);
    }
    if (g->defs)
        analyse(g);
    return g->rc;
}

int rp__gql_looks_document(const char *s, size_t n)
{
    rp__gql_t g;
    memset(&g, 0, sizeof(g));
    g.s = s;
    g.n = n;
    if (lex(&g) || g.tt == T_EOF)
        return 0;
    if (is_punct(&g, '{'))
        return 1;
    int frag = tok_is(&g, "fragment");
    if (!frag && !tok_is(&g, "query") && !tok_is(&g, "mutation") && !tok_is(&g, "subscription"))
        return 0;
    if (lex(&g))
        return 0;
    if (frag)
        return g.tt == T_NAME && !tok_is(&g, "on") && lex(&g) == 0 && tok_is(&g, "on");
    if (g.tt == T_NAME && lex(&g))
        return 0;
    return is_punct(&g, '{') || is_punct(&g, '(') || is_punct(&g, '@');
}

/* ---------------------------------------------------------------------- */
/* Findings.                                                                */

typedef struct judged {
    const char *metric;     /* the synthetic point's suffix */
    int score;
    size_t off;
    char evidence[RP_WAF_EVIDENCE_MAX];
} judged_t;

static int over(uint32_t v, uint32_t limit)
{
    return v > limit ? (v >= 2 * limit ? RP_GQL_SCORE_ABUSE_2X : RP_GQL_SCORE_ABUSE) : 0;
}

static size_t judge(const rp__gql_stats_t *st, judged_t *out)
{
    size_t k = 0;
    int sc;
    if (st->introspection) {
        out[k] = (judged_t){ "introspection", RP_GQL_SCORE_INTROSPECTION, st->introspection_off, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX, "graphql: introspection query (%s)",
                 st->introspection);
    }
    if (st->cycle.n) {
        out[k] = (judged_t){ "cycle", RP_GQL_SCORE_CYCLE, 0, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX,
                 "graphql: fragment cycle (%.*s spreads itself)",
                 (int)RP_MIN(st->cycle.n, (size_t)RP_GQL_NAME_CAP), st->cycle.p);
    }
    if ((sc = over(st->depth, RP_GQL_MAX_DEPTH))) {
        out[k] = (judged_t){ "depth", sc, st->deep_off, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX,
                 "graphql: selection depth %u (max %d)", st->depth, RP_GQL_MAX_DEPTH);
    }
    if ((sc = over(st->aliases, RP_GQL_MAX_ALIASES))) {
        out[k] = (judged_t){ "aliases", sc, 0, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX, "graphql: %u%s aliases (max %d)",
                 st->aliases, st->aliases >= GQL_SAT ? " or more" : "", RP_GQL_MAX_ALIASES);
    }
    if ((sc = over(st->fields, RP_GQL_MAX_FIELDS))) {
        out[k] = (judged_t){ "fields", sc, 0, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX,
                 "graphql: %u%s fields, fragments expanded (max %d)", st->fields,
                 st->fields >= GQL_SAT ? " or more" : "", RP_GQL_MAX_FIELDS);
    }
    if ((sc = over(st->directives, RP_GQL_MAX_DIRECTIVES))) {
        out[k] = (judged_t){ "directives", sc, 0, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX,
                 "graphql: %u directives on one location (max %d)", st->directives,
                 RP_GQL_MAX_DIRECTIVES);
    } else if ((sc = over(st->directives_all, RP_GQL_MAX_DIRECTIVES_ALL))) {
        out[k] = (judged_t){ "directives", sc, 0, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX,
                 "graphql: %u directives in the document (max %d)", st->directives_all,
                 RP_GQL_MAX_DIRECTIVES_ALL);
    }
    if (st->too_many) {
        out[k] = (judged_t){ "fragments", RP_GQL_SCORE_ABUSE, 0, "" };
        snprintf(out[k++].evidence, RP_WAF_EVIDENCE_MAX,
                 "graphql: more than %d definitions or %d fragment spreads", RP_GQL_MAX_DEFS,
                 RP_GQL_MAX_SPREADS);
    }
    return k;
}

#define JUDGED_MAX 8

int rp__gql_worst(const rp__gql_stats_t *st)
{
    judged_t j[JUDGED_MAX];
    size_t k = judge(st, j);
    int w = 0;
    for (size_t i = 0; i < k; i++)
        w = RP_MAX(w, j[i].score);
    return w;
}

/* path + "#" + metric, into buf. */
static rp_str_t metric_path(char *buf, size_t cap, rp_str_t path, const char *metric)
{
    size_t lm = strlen(metric), lp = RP_MIN(path.n, cap - lm - 1);
    memcpy(buf, path.p, lp);
    buf[lp] = '#';
    memcpy(buf + lp + 1, metric, lm);
    return rp_str(buf, lp + 1 + lm);
}

void rp__waf_graphql(const rp_waf_request_t *req, const struct rp__points *pts, rp__waf_ctx_t *ctx)
{
    char buf[160];
    rp__waf_match_t m;
    RP_UNUSED(req);
    for (size_t i = 0; i < pts->gql.nkept && i < RP__GQL_KEPT; i++) {
        const rp__gql_doc_t *d = &pts->gql.kept[i];
        judged_t j[JUDGED_MAX];
        size_t k = judge(&d->st, j);
        for (size_t x = 0; x < k; x++) {
            m.score = j[x].score;
            m.off = j[x].off;
            m.len = 0;
            memcpy(m.evidence, j[x].evidence, sizeof(m.evidence));
            rp__waf_report(ctx, RP_WAF_GRAPHQL, metric_path(buf, sizeof(buf), d->path, j[x].metric),
                           d->text, d->text, &m);
        }
    }
    if (pts->gql.batch > RP_GQL_MAX_BATCH) {
        m.score = over(pts->gql.batch, RP_GQL_MAX_BATCH);
        m.off = m.len = 0;
        snprintf(m.evidence, sizeof(m.evidence), "graphql: batch of %u operations (max %d)",
                 pts->gql.batch, RP_GQL_MAX_BATCH);
        rp__waf_report(ctx, RP_WAF_GRAPHQL, metric_path(buf, sizeof(buf), pts->gql.batch_path, "batch"),
                       RP_STRLIT(""), RP_STRLIT(""), &m);
    }
}
