/*
 * ssti.c - server-side template injection: template syntax whose content
 * is code.
 *
 * The value is scanned for the openers of the common engines and the
 * expression up to the matching closer (at most SSTI_EXPR bytes) is read:
 *
 *   {{ .. }}  Jinja2, Twig, Nunjucks, Handlebars, Angular    {% .. %} blocks
 *   ${ .. }   Freemarker, Velocity, JSP EL, Mako, Groovy     #{ .. } EL, Ruby
 *   *{ .. }   Thymeleaf                                       <%= .. %> <% .. %> ERB, EJS, JSP
 *   __${ .. }__  Thymeleaf preprocessing                      <#assign ..> <#list ..> Freemarker
 *   #set( .. ) #foreach( .. )  Velocity
 *
 * Template syntax alone is not an attack: `{{name}}`, `Hello
 * {{ user.first_name }}`, `${price}` are what people write about templates
 * (and what i18n strings look like). The expression must look like code:
 *
 *   - dunder attributes and Python/Java/JS sinks: __class__, __mro__,
 *     __globals__, __builtins__, __import__, popen, os.system, subprocess,
 *     getRuntime, exec(, eval(, ?new(), forName, child_process, require(,
 *     .constructor, Execute (90);
 *   - arithmetic between literals ({{7*7}}, ${7*'7'}, #{3+4}): the
 *     classic probe (80);
 *   - a string literal whose attributes are read (''.__class__, ""|attr)
 *     and the attr() filter (80);
 *   - the Jinja/Flask globals read or called: config, self, request,
 *     lipsum, cycler, joiner, namespace, range, url_for,
 *     get_flashed_messages (70 with '.', '[', '(' or '|' after, else 50);
 *   - Freemarker/Velocity directives (<#assign, #set() and statement
 *     blocks ({% if/for/set/import/include/macro .. %}) (55); Thymeleaf
 *     preprocessing __${..}__ (80);
 *   - any other call inside an expression (45: reported, not blocked).
 *
 * Cost: no allocation; each opener reads its expression once and the scan
 * resumes after it, so the work is linear in n; at most SSTI_MAX_EXPR
 * expressions per value. A value without '{', '<', '#' or '_' is left at
 * once.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define SSTI_EXPR 512      /* bytes of one expression read */
#define SSTI_MAX_EXPR 64   /* expressions examined per value */

typedef struct sres {
    int score;
    size_t off, len;
    const char *what;
} sres_t;

static void hit(sres_t *r, int score, size_t off, size_t len, const char *what)
{
    if (score > r->score) {
        r->score = score;
        r->off = off;
        r->len = len;
        r->what = what;
    }
}

static int is_idc(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* e[0..k) equals lower[0..k) ignoring case. */
static int ci_same(const char *e, const char *lower, size_t k)
{
    return rp_str_ieq(rp_str(e, k), rp_str(lower, k));
}

/* Word w (lower case) in e at a word start. Returns the offset after it
 * or (size_t)-1. */
static size_t find_word(const char *e, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++) {
        if (rp_lower((unsigned char)e[i]) != w[0] || (i > 0 && is_idc((unsigned char)e[i - 1])))
            continue;
        size_t j = 1;
        while (j < k && rp_lower((unsigned char)e[i + j]) == w[j])
            j++;
        if (j == k && (i + k == n || !is_idc((unsigned char)e[i + k])))
            return i + k;
    }
    return (size_t)-1;
}

static const char *const sinks[] = {
    "__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__import__",
    "__init__", "__base__", "__bases__", "__getitem__", "__dict__", "popen", "os.system",
    "subprocess", "getruntime", "exec(", "eval(", "?new(", "forname(", "child_process",
    "require(", ".constructor", "utility.execute", "processbuilder", "system(", "passthru(",
    "shell_exec", "_memberaccess", "getclass()", "classloader", "runtime.exec", "readfile",
    "file_get_contents", "mainprogram", ".spawn(", "`id`", NULL,
};

/* The sinks' first bytes, in either case (a position with another byte
 * starts none), and their first two bytes: bit (b & 31) of
 * sink_pairs[a & 31] for a sink starting with a, b (rp_lower() changes bit 5
 * only, so the second byte needs no folding; collisions only cost a
 * comparison). rp__ssti_sinks_ok checks both against the list. */
static const unsigned char sink_first[256] = {
    ['.'] = 1, ['?'] = 1, ['_'] = 1, ['`'] = 1, ['c'] = 1, ['C'] = 1, ['e'] = 1, ['E'] = 1,
    ['f'] = 1, ['F'] = 1, ['g'] = 1, ['G'] = 1, ['m'] = 1, ['M'] = 1, ['o'] = 1, ['O'] = 1,
    ['p'] = 1, ['P'] = 1, ['r'] = 1, ['R'] = 1, ['s'] = 1, ['S'] = 1, ['u'] = 1, ['U'] = 1,
};

static const uint32_t sink_pairs[32] = {
    0x00000200, 0x00000000, 0x00000000, 0x00001100, 0x00000000, 0x01400000, 0x00008200, 0x00000020,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000002, 0x00080008, 0x00080000,
    0x00048002, 0x00000000, 0x00200020, 0x02200100, 0x00000000, 0x00100000, 0x00000000, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x80006000,
};

/* 1 when sink_first and sink_pairs cover every sink (tests). */
int rp__ssti_sinks_ok(void);
int rp__ssti_sinks_ok(void)
{
    for (int i = 0; sinks[i]; i++) {
        unsigned char a = (unsigned char)sinks[i][0], b = (unsigned char)sinks[i][1];
        if (!sink_first[a] || !sink_first[(unsigned char)(a >= 'a' && a <= 'z' ? a - 32 : a)] ||
            !((sink_pairs[a & 31] >> (b & 31)) & 1u))
            return 0;
    }
    return 1;
}

/* Does e[0..n) hold a sink (any case)? One pass: the sinks are compared
 * only where their first two bytes are. */
static int has_sink(const char *e, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {   /* every sink has two bytes at least */
        unsigned char c = (unsigned char)e[i];
        if (!sink_first[c] || !((sink_pairs[c & 31] >> ((unsigned char)e[i + 1] & 31)) & 1u))
            continue;
        for (int k = 0; sinks[k]; k++) {
            if (sinks[k][0] != rp_lower(c))
                continue;
            size_t l = strlen(sinks[k]);
            if (l <= n - i && ci_same(e + i, sinks[k], l))
                return 1;
        }
    }
    return 0;
}

typedef struct sglobal {
    const char *name;
    int access, alone;   /* scores: followed by . [ ( |, alone in the expression */
} sglobal_t;

static const sglobal_t globals[] = {
    { "config", 70, 50 },  { "self", 70, 50 },     { "request", 70, 40 },
    { "lipsum", 70, 50 },  { "cycler", 70, 50 },   { "joiner", 70, 50 },
    { "namespace", 70, 0 }, { "range", 60, 0 },    { "url_for", 60, 0 },
    { "get_flashed_messages", 70, 50 }, { "settings", 45, 0 }, { NULL, 0, 0 },
};

/* Arithmetic between literals: 7*7, 7 * '7', 3+4, 10-1. */
static int arith(const char *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)e[i]) || (i > 0 && (is_idc((unsigned char)e[i - 1]) || e[i - 1] == '.')))
            continue;
        size_t j = i;
        while (j < n && is_digit((unsigned char)e[j]))
            j++;
        while (j < n && e[j] == ' ')
            j++;
        if (j >= n || !strchr("*+-/%", e[j]) || e[j] == '\0')
            continue;
        j++;
        if (j < n && e[j] == '*') /* 7**7 */
            j++;
        while (j < n && e[j] == ' ')
            j++;
        if (j < n && (e[j] == '\'' || e[j] == '"'))
            j++;
        if (j < n && is_digit((unsigned char)e[j]))
            return 1;
    }
    return 0;
}

/* The condition of an `if` or the head of a `for` names only variables:
 * dotted identifiers, `not`/`and`/`or`/`in`, `==`/`!=` - at least one of
 * them not a constant. A probe tests a constant (`if True`, `if 7 > 1`). */
static int over_variables(const char *e, size_t n)
{
    int vars = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)e[i];
        if (c == ' ' || c == '-' || c == '+' || c == '.') {
            i++;
            continue;
        }
        if ((c == '=' || c == '!') && i + 1 < n && e[i + 1] == '=') {
            i += 2;
            continue;
        }
        if (!is_idc(c) || is_digit(c))
            return 0;
        size_t st = i;
        while (i < n && is_idc((unsigned char)e[i]))
            i++;
        size_t l = i - st;
        static const char *const words[] = { "not", "and", "or", "in", "is", "defined", NULL };
        static const char *const consts[] = { "true", "false", "none", "null", NULL };
        int skip = 0;
        for (int k = 0; consts[k]; k++)
            if (rp_str_ieq(rp_str(e + st, l), rp_str_c(consts[k])))
                return 0;
        for (int k = 0; words[k]; k++)
            if (rp_str_ieq(rp_str(e + st, l), rp_str_c(words[k])))
                skip = 1;
        if (!skip && (st == 0 || e[st - 1] != '.'))
            vars++;
    }
    return vars > 0;
}

/* Scores the expression e[0..n) (the text between opener and closer). */
static int code_score(const char *e, size_t n, int block, const char **what)
{
    size_t k;
    if (has_sink(e, n)) {
        *what = "template expression with a code sink";
        return 90;
    }
    if (arith(e, n)) {
        *what = "template arithmetic probe";
        return 80;
    }
    /* ''.x  ""|attr  '' [ */
    for (size_t i = 0; i + 2 < n; i++)
        if ((e[i] == '\'' || e[i] == '"') && e[i + 1] == e[i] && (e[i + 2] == '.' || e[i + 2] == '|' || e[i + 2] == '[')) {
            *what = "attribute of a string literal";
            return 80;
        }
    if (rp_str_ifind(rp_str(e, n), 0, RP_STRLIT("|attr")) != (size_t)-1 ||
        rp_str_ifind(rp_str(e, n), 0, RP_STRLIT("attr(")) != (size_t)-1) {
        *what = "attr() filter";
        return 80;
    }
    for (const sglobal_t *g = globals; g->name; g++) {
        if ((k = find_word(e, n, g->name)) == (size_t)-1)
            continue;
        /* the start of the expression (after blanks) or after an operator */
        size_t st = k - strlen(g->name), b = st;
        while (b > 0 && e[b - 1] == ' ')
            b--;
        if (b > 0 && (is_idc((unsigned char)e[b - 1]) || e[b - 1] == '.'))
            continue;
        while (k < n && e[k] == ' ')
            k++;
        if (k < n && (e[k] == '.' || e[k] == '[' || e[k] == '(' || e[k] == '|')) {
            *what = "template global accessed";
            return g->access;
        }
        if (k == n && b == 0 && g->alone) {
            *what = "template global";
            return g->alone;
        }
    }
    if (block) {
        static const char *const stmts[] = { "if", "for", "set", "import", "include", "extends",
                                             "macro", "call", "from", "print", "debug", "raw",
                                             "block", "filter", "with", NULL };
        size_t b = 0;
        while (b < n && (e[b] == ' ' || e[b] == '-' || e[b] == '+'))
            b++;
        for (int i = 0; stmts[i]; i++) {
            size_t l = strlen(stmts[i]);
            if (n - b >= l && rp_str_ieq(rp_str(e + b, l), rp_str(stmts[i], l)) &&
                (b + l == n || !is_idc((unsigned char)e[b + l]))) {
                *what = "template statement";
                if (i <= 1 && over_variables(e + b + l, n - b - l))
                    return 40; /* {% if user %}, {% for item in cart.items %}: a real template */
                return 55;
            }
        }
    }
    /* any call: f(...) */
    for (size_t i = 1; i < n; i++)
        if (e[i] == '(' && is_idc((unsigned char)e[i - 1])) {
            *what = "call in a template expression";
            return 45;
        }
    return 0;
}

/* Finds the closer c (1 or 2 bytes) from i, a 1-byte closer skipping
 * nested pairs; returns its offset or n. The search stops at SSTI_EXPR
 * bytes. */
static size_t find_close(const char *s, size_t n, size_t i, const char *c)
{
    size_t cl = strlen(c), lim = n - i > SSTI_EXPR ? i + SSTI_EXPR : n;
    int depth = 0;
    char op = c[0] == '}' ? '{' : c[0] == ')' ? '(' : c[0] == ']' ? '[' : c[0] == '>' ? '<' : 0;
    for (size_t j = i; j + cl <= lim; j++) {
        if (cl == 1 && s[j] == op)
            depth++;
        if (memcmp(s + j, c, cl) == 0) {
            if (cl == 1 && depth > 0) {
                depth--;
                continue;
            }
            return j;
        }
    }
    return n;
}

int rp__waf_ssti(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    sres_t r;
    int nexpr = 0;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 4 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    if (!memchr(s, '{', n) && !memchr(s, '<', n) && !memchr(s, '#', n))
        return 0;
    memset(&r, 0, sizeof(r));
    size_t i = 0;
    /* the bytes an opener starts with; the others only move the scan on */
    static const unsigned char opener[256] = {
        ['{'] = 1, ['$'] = 1, ['#'] = 1, ['*'] = 1, ['@'] = 1, ['<'] = 1, ['['] = 1,
    };
    while (i + 1 < n && nexpr < SSTI_MAX_EXPR && r.score < 90) {
        while (i + 1 < n && !opener[(unsigned char)s[i]])
            i++;
        if (i + 1 >= n)
            break;
        char c = s[i], d = s[i + 1];
        const char *close = NULL;
        size_t open = 0;
        int block = 0, thyme = 0;
        if (c == '{' && (d == '{' || d == '%')) {
            close = d == '{' ? "}}" : "%}";
            block = d == '%';
            open = 2;
        } else if ((c == '$' || c == '#' || c == '*' || c == '@') && d == '{') {
            close = "}";
            open = 2;
            thyme = c == '$' && i >= 2 && s[i - 1] == '_' && s[i - 2] == '_';
        } else if (c == '<' && d == '%') {
            close = "%>";
            open = (i + 2 < n && (s[i + 2] == '=' || s[i + 2] == '-')) ? 3 : 2;
            block = open == 2;
        } else if ((c == '<' || c == '[') && d == '#' && i + 2 < n &&
                   (find_word(s + i + 2, n - i - 2 > 8 ? 8 : n - i - 2, "assign") == 6 ||
                    find_word(s + i + 2, n - i - 2 > 8 ? 8 : n - i - 2, "list") == 4 ||
                    find_word(s + i + 2, n - i - 2 > 8 ? 8 : n - i - 2, "import") == 6)) {
            close = c == '<' ? ">" : "]";
            open = 2;
            block = 2;
        } else if (c == '#' && (find_word(s + i + 1, n - i - 1 > 9 ? 9 : n - i - 1, "set") == 3 ||
                                find_word(s + i + 1, n - i - 1 > 9 ? 9 : n - i - 1, "foreach") == 7 ||
                                find_word(s + i + 1, n - i - 1 > 9 ? 9 : n - i - 1, "evaluate") == 8)) {
            size_t p = i + 1;
            while (p < n && is_idc((unsigned char)s[p]))
                p++;
            while (p < n && s[p] == ' ')
                p++;
            if (p < n && s[p] == '(') {
                close = ")";
                open = p + 1 - i;
                block = 2;
            }
        }
        if (!close) {
            i++;
            continue;
        }
        nexpr++;
        size_t st = i + open, e = find_close(s, n, st, close);
        const char *what = NULL;
        int sc = code_score(s + st, (e < n ? e : (n - st > SSTI_EXPR ? st + SSTI_EXPR : n)) - st, block == 1, &what);
        if (e >= n && sc < 80)
            sc = 0; /* unclosed: only the strong shapes */
        if (block == 2 && sc < 55) {
            sc = 55;
            what = "Freemarker/Velocity directive";
        }
        if (thyme && e < n && e + 3 <= n && s[e + 1] == '_' && s[e + 2] == '_' && sc < 80) {
            sc = 80;
            what = "Thymeleaf preprocessing __${..}__";
        }
        if (sc)
            hit(&r, sc, i, (e < n ? e + strlen(close) : n) - i, what);
        i = e < n ? e + strlen(close) : st;
    }
    if (r.score == 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : 0;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "ssti: %s", r.what);
    return m->score;
}
