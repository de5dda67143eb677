/*
 * node.c - server-side code injection in the dynamic languages that have
 * no detector of their own (JavaScript on Node.js, Ruby, Perl), JavaScript
 * prototype pollution, and data: URIs that carry a document instead of a
 * picture (the PHP data:// wrapper).
 *
 * rp__waf_code (class "code") reads the value as JavaScript-like tokens:
 * identifiers ([A-Za-z_$][A-Za-z0-9_$]*), string literals and
 * punctuation. At each identifier it reads the member chain that follows
 * (".name", "['name']", "[expr", "(") and decides on the root and its
 * members:
 *
 *   - serialized functions: _$$ND_FUNC$$_ (node-serialize), __js_function
 *     (funcster) (95, 90);
 *   - require('child_process'), ('child_process'), process.mainModule,
 *     process.binding, global.process, this.constructor.constructor,
 *     x.constructor.constructor(..), "$1:constructor:constructor" (React
 *     Server Components references) (90);
 *   - Ruby: Process.spawn, Kernel.exec/system/eval, IO.popen,
 *     Open3.popen3/capture2.. (90); Perl: @{[ .. ]} interpolation (85);
 *   - a loop whose condition is a constant truthy expression:
 *     while(!0), while(Infinity), while(new Date), for(;;) (80). The
 *     condition is evaluated, so while(!true) and while(x) pass;
 *   - a value that IS an expression on a Node.js global (it starts with
 *     the root): process.env, process[..], console.info(..),
 *     require.main, require(..), module.exports=, or an anonymous
 *     function expression function(..) { (60). The same shapes inside
 *     text (a code sample in a comment) are only reported (45).
 *
 * rp__waf_proto (class "prototype"): __proto__ as a segment of a key
 * (a[__proto__][x], __proto__.x, the JSON key "__proto__") or
 * constructor followed by prototype (constructor[prototype],
 * constructor.prototype) (90); in a value, the same paths (80), and
 * __proto__ alone as the whole value (a lodash.set path) (60).
 *
 * rp__waf_datauri (class "rfi_ssrf"): a value that starts with a data:
 * URI (data:text/plain;base64,.. data://text/plain..) whose media type is
 * not a picture, a sound, a video or a font (60); its base64 payload
 * decoding to PHP (<?php, <?=) (95). Images as data URIs (avatars) pass.
 *
 * Cost: one pass; each chain and loop condition is read with a bounded
 * look-ahead (NODE_LOOK bytes); no allocation except a small stack buffer
 * for the base64 head of a data: URI. Linear in n.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define NODE_LOOK 96       /* bytes a chain or a loop condition may span */
#define NODE_MEMBERS 4     /* members of a chain kept */
#define NODE_NAME 24       /* bytes of a member name kept */

typedef struct nres {
    int score;
    size_t off, len;
    const char *what;
} nres_t;

static void hit(nres_t *r, int score, size_t off, size_t len, const char *what)
{
    if (score > r->score) {
        r->score = score;
        r->off = off;
        r->len = len;
        r->what = what;
    }
}

static int finish(const nres_t *r, const char *cls, rp__waf_match_t *m)
{
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (r->score <= 0)
        return 0;
    m->score = r->score;
    m->off = r->off;
    m->len = r->len;
    snprintf(m->evidence, sizeof(m->evidence), "%s: %s", cls, r->what);
    return m->score;
}

static int is_ids(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static int is_idc(int c)
{
    return is_ids(c) || (c >= '0' && c <= '9');
}

static int is_sp(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static size_t skip_sp(const char *s, size_t i, size_t end)
{
    while (i < end && is_sp((unsigned char)s[i]))
        i++;
    return i;
}

/* s[a..b) equals the literal w. */
static int eq(const char *s, size_t a, size_t b, const char *w)
{
    size_t k = strlen(w);
    return b - a == k && memcmp(s + a, w, k) == 0;
}

static int in_list(const char *s, size_t a, size_t b, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (eq(s, a, b, list[i]))
            return 1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Member chains.                                                           */

typedef struct member {
    size_t a, b;      /* the name in s (quotes excluded); a == b: computed ([expr) */
    char how;         /* '.' or '[' or ':' (RSC reference) */
    int call;         /* followed by '(' (or ".call(") */
    size_t arg_a, arg_b; /* a string argument of the call, when there is one */
} member_t;

typedef struct chain {
    size_t root_a, root_b;
    int root_call;            /* root( */
    size_t rarg_a, rarg_b;    /* its string argument */
    member_t m[NODE_MEMBERS];
    size_t n;
    size_t end;               /* where the chain ends */
} chain_t;

/* A string literal argument right after '(' at s[i] == '('; on success
 * sets [*a,*b) to its content. */
static void str_arg(const char *s, size_t i, size_t end, size_t *a, size_t *b)
{
    *a = *b = 0;
    size_t j = skip_sp(s, i + 1, end);
    if (j >= end || (s[j] != '\'' && s[j] != '"' && s[j] != '`'))
        return;
    char q = s[j];
    size_t k = j + 1;
    while (k < end && s[k] != q && k - j < NODE_NAME + 8)
        k++;
    if (k < end && s[k] == q) {
        *a = j + 1;
        *b = k;
    }
}

/* Reads the chain after the root identifier s[ra..rb). */
static void read_chain(const char *s, size_t n, size_t ra, size_t rb, chain_t *c)
{
    size_t end = RP_MIN(n, rb + NODE_LOOK);
    memset(c, 0, sizeof(*c));
    c->root_a = ra;
    c->root_b = rb;
    size_t i = skip_sp(s, rb, end);
    if (i < end && s[i] == '(') {
        c->root_call = 1;
        str_arg(s, i, end, &c->rarg_a, &c->rarg_b);
        /* skip the argument to the ')' to read .exec( after require(..) */
        size_t k = i + 1;
        while (k < end && s[k] != ')')
            k++;
        i = k < end ? k + 1 : end;
    }
    while (i < end && c->n < NODE_MEMBERS) {
        i = skip_sp(s, i, end);
        if (i >= end)
            break;
        member_t *m = &c->m[c->n];
        if (s[i] == '.' && i + 1 < end && s[i + 1] != '.') {
            size_t j = skip_sp(s, i + 1, end);
            if (j >= end || !is_ids((unsigned char)s[j]))
                break;
            size_t k = j;
            while (k < end && is_idc((unsigned char)s[k]))
                k++;
            m->a = j;
            m->b = k;
            m->how = '.';
            i = k;
        } else if (s[i] == '[') {
            size_t j = skip_sp(s, i + 1, end);
            m->how = '[';
            if (j < end && (s[j] == '\'' || s[j] == '"' || s[j] == '`')) {
                char q = s[j];
                size_t k = j + 1;
                while (k < end && s[k] != q && is_idc((unsigned char)s[k]))
                    k++;
                if (k >= end || s[k] != q)
                    break;
                m->a = j + 1;
                m->b = k;
                k = skip_sp(s, k + 1, end);
                if (k < end && s[k] == ']')
                    k++;
                i = k;
            } else if (j < end && is_ids((unsigned char)s[j])) {
                /* process[req.query.a]: a computed member (an identifier
                 * path); keep its first name */
                size_t k = j;
                while (k < end && is_idc((unsigned char)s[k]))
                    k++;
                m->a = j;
                m->b = k;
                while (k < end && s[k] != ']' && (is_idc((unsigned char)s[k]) || s[k] == '.'))
                    k++;
                if (k < end && s[k] == ']')
                    k++;
                i = k;
            } else {
                break;
            }
        } else {
            break;
        }
        c->n++;
        size_t j = skip_sp(s, i, end);
        if (j < end && s[j] == '(') {
            m->call = 1;
            str_arg(s, j, end, &m->arg_a, &m->arg_b);
            i = j + 1;
            break; /* arguments are not chains of this root */
        }
        /* .call( / .apply( after a member: a call too */
        if (j + 1 < end && s[j] == '.' && (eq(s, j + 1, RP_MIN(j + 5, end), "call") ||
                                          eq(s, j + 1, RP_MIN(j + 6, end), "apply"))) {
            size_t k = j + 1;
            while (k < end && is_idc((unsigned char)s[k]))
                k++;
            k = skip_sp(s, k, end);
            if (k < end && s[k] == '(') {
                m->call = 1;
                i = k + 1;
                break;
            }
        }
    }
    c->end = i;
}

static const char *const process_strong[] = {
    "mainModule", "binding", "_linkedBinding", "dlopen", "constructor", "reallyExit",
    "getBuiltinModule", "_getActiveHandles", "openStdin", NULL,
};

static const char *const process_members[] = {
    "env", "argv", "exit", "kill", "cwd", "chdir", "execPath", "execArgv", "pid", "platform",
    "versions", "stdout", "stderr", "stdin", "umask", "setuid", "setgid", "abort", "memoryUsage",
    "global", "process", "require", "main", "emitWarning", "nextTick", NULL,
};

static const char *const console_members[] = {
    "log", "info", "debug", "error", "trace", "warn", "dir", "table", NULL,
};

static const char *const danger_modules[] = {
    "child_process", "fs", "net", "vm", "os", "dgram", "http", "cluster", "worker_threads",
    "node:child_process", "node:fs", "node:vm", "node:os", "node:net", NULL,
};

static const char *const ruby_process[] = { "spawn", "exec", "fork", "kill", "daemon", NULL };
static const char *const ruby_kernel[] = {
    "exec", "system", "spawn", "eval", "open", "fork", "syscall", "load", "require", "send", NULL,
};
static const char *const ruby_io[] = { "popen", "sysopen", "read", "readlines", "write", NULL };
static const char *const ruby_open3[] = {
    "popen3", "popen2", "popen2e", "capture2", "capture2e", "capture3", "pipeline",
    "pipeline_r", "pipeline_w", "pipeline_rw", NULL,
};

/* The value is the expression: only white space and opening brackets or
 * quotes before the root. */
static int at_start(const char *s, size_t ra)
{
    for (size_t i = 0; i < ra; i++)
        if (!is_sp((unsigned char)s[i]) && s[i] != '(' && s[i] != '\'' && s[i] != '"' && s[i] != ';')
            return 0;
    return 1;
}

static void judge_chain(const char *s, size_t n, const chain_t *c, nres_t *r)
{
    size_t ra = c->root_a, rb = c->root_b, len = c->end - ra;
    const member_t *m0 = c->n > 0 ? &c->m[0] : NULL;
    int start = at_start(s, ra);
    int loose = start ? 60 : 45;

    if (eq(s, ra, rb, "require")) {
        if (c->root_call && c->rarg_b > c->rarg_a &&
            in_list(s, c->rarg_a, c->rarg_b, danger_modules)) {
            hit(r, 90, ra, len, "require() of a system module (child_process, fs, vm..)");
        } else if (c->root_call && c->rarg_b > c->rarg_a) {
            hit(r, loose, ra, len, "require() of a module");
        } else if (m0 && (m0->how == '[' ||
                          eq(s, m0->a, m0->b, "main") || eq(s, m0->a, m0->b, "cache") ||
                          eq(s, m0->a, m0->b, "extensions") || eq(s, m0->a, m0->b, "resolve"))) {
            hit(r, start ? 80 : 45, ra, len, "require.main/cache/extensions or require[..]");
        }
        return;
    }
    if (eq(s, ra, rb, "process") && m0) {
        if (m0->b > m0->a && in_list(s, m0->a, m0->b, process_strong))
            hit(r, 90, ra, len, "process.mainModule/binding/dlopen");
        else if (m0->how == '[')
            hit(r, start ? 80 : 45, ra, len, "process[..] member read");
        else if (in_list(s, m0->a, m0->b, process_members))
            hit(r, loose, ra, len, "Node.js process object member");
        return;
    }
    if ((eq(s, ra, rb, "global") || eq(s, ra, rb, "globalThis")) && m0) {
        if (eq(s, m0->a, m0->b, "process") || eq(s, m0->a, m0->b, "require") ||
            eq(s, m0->a, m0->b, "mainModule"))
            hit(r, 90, ra, len, "global.process / global.require");
        return;
    }
    if (eq(s, ra, rb, "console") && m0 && in_list(s, m0->a, m0->b, console_members) &&
        (m0->call || m0->how == '['))
        hit(r, loose, ra, len, "call of a console method");
    if (eq(s, ra, rb, "module") && m0 && eq(s, m0->a, m0->b, "exports") && c->n == 1) {
        size_t j = skip_sp(s, c->end, n);
        if (j < n && s[j] == '=' && (j + 1 >= n || s[j + 1] != '='))
            hit(r, loose, ra, len, "assignment to module.exports");
    }
    /* Ruby, case-sensitive constants */
    if (m0 && m0->how == '.') {
        const char *const *list = NULL;
        if (eq(s, ra, rb, "Process"))
            list = ruby_process;
        else if (eq(s, ra, rb, "Kernel"))
            list = ruby_kernel;
        else if (eq(s, ra, rb, "IO") || eq(s, ra, rb, "File"))
            list = ruby_io;
        else if (eq(s, ra, rb, "Open3"))
            list = ruby_open3;
        if (list && in_list(s, m0->a, m0->b, list)) {
            /* File.read alone is too common a phrase: only with a call */
            int need_call = eq(s, ra, rb, "File") || eq(s, ra, rb, "IO");
            if (!need_call || m0->call)
                hit(r, 90, ra, len, "Ruby process or shell call (Process.spawn, Kernel.exec, IO.popen)");
        }
    }
    /* ''.constructor.constructor: reached from a literal, the chain is
     * read from the first "constructor" */
    if (eq(s, ra, rb, "constructor") && ra > 0 && s[ra - 1] == '.' && m0 &&
        eq(s, m0->a, m0->b, "constructor"))
        hit(r, 90, ra, len, "constructor.constructor (the Function constructor)");
    /* x.constructor.constructor / this.constructor.constructor: the
     * Function constructor reached from any object */
    for (size_t k = 0; k + 1 < c->n; k++)
        if (eq(s, c->m[k].a, c->m[k].b, "constructor") &&
            eq(s, c->m[k + 1].a, c->m[k + 1].b, "constructor"))
            hit(r, 90, ra, len, "constructor.constructor (the Function constructor)");
}

/* ---------------------------------------------------------------------- */
/* Constant loop conditions.                                                */

/* A constant's kind for the evaluator. */
enum { K_BAD = 0, K_NUM, K_STR, K_OBJ, K_ARR, K_BOOL, K_NULL };

typedef struct cval {
    int kind;
    int truthy;
} cval_t;

static const char *const truthy_words[] = {
    "this", "String", "Number", "Boolean", "Object", "Array", "Date", "Function", "Symbol",
    "Math", "JSON", "RegExp", "Promise", "Infinity", NULL,
};

/* Parses a constant unary expression at s[*i..end): prefix ! + -, then a
 * primary: (expr), a number, a string literal, {} [], true false null
 * undefined NaN, a global constructor or `new X`. */
static cval_t cexpr(const char *s, size_t *i, size_t end, int depth)
{
    cval_t bad = { K_BAD, 0 };
    size_t j = skip_sp(s, *i, end);
    if (j >= end || depth > 8)
        return bad;
    if (s[j] == '!' || s[j] == '+' || s[j] == '-') {
        char op = s[j];
        size_t k = j + 1;
        cval_t v = cexpr(s, &k, end, depth + 1);
        *i = k;
        if (v.kind == K_BAD)
            return bad;
        if (op == '!') {
            cval_t b = { K_BOOL, !v.truthy };
            return b;
        }
        /* unary + and -: to a number */
        cval_t num = { K_NUM, 0 };
        /* -1, +Infinity, -0, +true == 1; +"" == 0 ("x": unknown); +[] == 0; NaN */
        if (v.kind == K_NUM || v.kind == K_BOOL)
            num.truthy = v.truthy;
        else if (v.kind == K_STR && v.truthy)
            return bad;
        return num;
    }
    if (s[j] == '(') {
        size_t k = j + 1;
        cval_t v = cexpr(s, &k, end, depth + 1);
        k = skip_sp(s, k, end);
        if (v.kind == K_BAD || k >= end || s[k] != ')')
            return bad;
        *i = k + 1;
        return v;
    }
    if (s[j] >= '0' && s[j] <= '9') {
        size_t k = j;
        int nz = 0;
        while (k < end && ((s[k] >= '0' && s[k] <= '9') || s[k] == '.')) {
            nz |= s[k] >= '1' && s[k] <= '9';
            k++;
        }
        if (k < end && is_idc((unsigned char)s[k]))
            return bad;
        *i = k;
        cval_t v = { K_NUM, nz };
        return v;
    }
    if (s[j] == '"' || s[j] == '\'' || s[j] == '`') {
        size_t k = j + 1;
        while (k < end && s[k] != s[j])
            k++;
        if (k >= end)
            return bad;
        *i = k + 1;
        cval_t v = { K_STR, k > j + 1 };
        return v;
    }
    if ((s[j] == '{' || s[j] == '[') && j + 1 < end) {
        size_t k = skip_sp(s, j + 1, end);
        if (k >= end || s[k] != (s[j] == '{' ? '}' : ']'))
            return bad;
        *i = k + 1;
        cval_t v = { s[j] == '{' ? K_OBJ : K_ARR, 1 };
        return v;
    }
    if (is_ids((unsigned char)s[j])) {
        size_t k = j;
        while (k < end && is_idc((unsigned char)s[k]))
            k++;
        cval_t v = bad;
        if (eq(s, j, k, "true")) {
            v.kind = K_BOOL, v.truthy = 1;
        } else if (eq(s, j, k, "false")) {
            v.kind = K_BOOL, v.truthy = 0;
        } else if (eq(s, j, k, "null") || eq(s, j, k, "undefined")) {
            v.kind = K_NULL, v.truthy = 0;
        } else if (eq(s, j, k, "NaN")) {
            v.kind = K_NUM, v.truthy = 0;
        } else if (eq(s, j, k, "Infinity")) {
            v.kind = K_NUM, v.truthy = 1;
        } else if (eq(s, j, k, "new")) {
            size_t t = skip_sp(s, k, end);
            if (t == k || t >= end || !is_ids((unsigned char)s[t]))
                return bad;
            k = t;
            while (k < end && is_idc((unsigned char)s[k]))
                k++;
            if (k < end && s[k] == '(') {       /* new Date() */
                size_t t2 = skip_sp(s, k + 1, end);
                if (t2 >= end || s[t2] != ')')
                    return bad;
                k = t2 + 1;
            }
            v.kind = K_OBJ, v.truthy = 1;
        } else if (in_list(s, j, k, truthy_words)) {
            v.kind = K_OBJ, v.truthy = 1;
        } else {
            return bad;
        }
        *i = k;
        return v;
    }
    return bad;
}

/* "while" at s[wa..wb): a constant truthy condition in (..) follows. */
static void judge_while(const char *s, size_t n, size_t wa, size_t wb, nres_t *r)
{
    size_t end = RP_MIN(n, wb + NODE_LOOK);
    size_t i = skip_sp(s, wb, end);
    if (i >= end || s[i] != '(')
        return;
    size_t k = i + 1;
    cval_t v = cexpr(s, &k, end, 0);
    k = skip_sp(s, k, end);
    if (v.kind == K_BAD || !v.truthy || k >= end || s[k] != ')')
        return;
    hit(r, 80, wa, k + 1 - wa, "endless loop: while() over a constant truthy condition");
}

/* "for" at s[fa..fb): for(;;) */
static void judge_for(const char *s, size_t n, size_t fa, size_t fb, nres_t *r)
{
    size_t end = RP_MIN(n, fb + NODE_LOOK);
    size_t i = skip_sp(s, fb, end);
    if (i >= end || s[i] != '(')
        return;
    i = skip_sp(s, i + 1, end);
    if (i >= end || s[i] != ';')
        return;
    i = skip_sp(s, i + 1, end);
    if (i >= end || s[i] != ';')
        return;
    i = skip_sp(s, i + 1, end);
    if (i >= end || s[i] != ')')
        return;
    hit(r, 80, fa, i + 1 - fa, "endless loop: for(;;)");
}

/* "function" at s[fa..fb): an anonymous function expression,
 * function(a, b) {, as the whole value (a serialized or injected
 * function body); inside text it is a code sample and only reported. */
static void judge_function(const char *s, size_t n, size_t fa, size_t fb, nres_t *r)
{
    size_t end = RP_MIN(n, fb + NODE_LOOK);
    size_t i = skip_sp(s, fb, end);
    if (i >= end || s[i] != '(')
        return;
    /* parameters: identifiers separated by commas */
    i = skip_sp(s, i + 1, end);
    while (i < end && is_ids((unsigned char)s[i])) {
        while (i < end && is_idc((unsigned char)s[i]))
            i++;
        i = skip_sp(s, i, end);
        if (i < end && s[i] == ',')
            i = skip_sp(s, i + 1, end);
        else
            break;
    }
    if (i >= end || s[i] != ')')
        return;
    i = skip_sp(s, i + 1, end);
    if (i >= end || s[i] != '{')
        return;
    hit(r, at_start(s, fa) ? 60 : 45, fa, i + 1 - fa, "anonymous function expression function() {");
}

/* ---------------------------------------------------------------------- */
/* The code detector.                                                       */

/* "$1:constructor:constructor", "$7:Module:prototype": a React Server
 * Components reference at s[i] == '$' walking to a constructor. */
static void judge_rsc(const char *s, size_t n, size_t i, nres_t *r)
{
    size_t end = RP_MIN(n, i + NODE_LOOK);
    size_t k = i + 1;
    while (k < end && ((s[k] >= '0' && s[k] <= '9') ||
                       (rp_lower((unsigned char)s[k]) >= 'a' && rp_lower((unsigned char)s[k]) <= 'f')))
        k++;
    if (k == i + 1 || k - i > 9 || k >= end || s[k] != ':')
        return;
    while (k < end && s[k] == ':') {
        size_t a = k + 1, b = a;
        while (b < end && is_idc((unsigned char)s[b]))
            b++;
        if (b == a)
            return;
        if (eq(s, a, b, "constructor") || eq(s, a, b, "prototype") || eq(s, a, b, "__proto__")) {
            hit(r, 90, i, b - i, "React Server Components reference to constructor/prototype");
            return;
        }
        k = b;
    }
}

/* ('child_process'): the module name alone as an argument. */
static void judge_string(const char *s, size_t n, size_t q, nres_t *r)
{
    /* the name, then the closing quote (the name holds no quote) */
    size_t k = q + 14;
    if (k >= n || s[k] != s[q] || memcmp(s + q + 1, "child_process", 13) != 0)
        return;
    size_t b = q;
    while (b > 0 && is_sp((unsigned char)s[b - 1]))
        b--;
    size_t a = skip_sp(s, k + 1, n);
    if (b > 0 && s[b - 1] == '(' && a < n && s[a] == ')')
        hit(r, 90, q, k + 1 - q, "the child_process module as an argument");
}

/* @{[ .. ]}: Perl's expression interpolation in a string. */
static void judge_perl(const char *s, size_t n, size_t at, nres_t *r)
{
    size_t end = RP_MIN(n, at + NODE_LOOK);
    size_t k = skip_sp(s, at + 1, end);
    if (k >= end || s[k] != '{')
        return;
    k = skip_sp(s, k + 1, end);
    if (k >= end || s[k] != '[')
        return;
    hit(r, 85, at, k + 1 - at, "Perl @{[ .. ]} code interpolation");
}

/* Bytes the code loop looks at: 1 identifier bytes [A-Za-z0-9_$] (is_idc),
 * 2 '@' and the quotes; any other byte (0) is skipped. */
static const unsigned char code_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 2, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

int rp__waf_code(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    (void)src;
    nres_t r = { 0, 0, 0, NULL };
    if (!s || n == 0 || (pt_flags & RP_WAF_PT_NUMBER))
        return finish(&r, "code", m);
    /* x.constructor.constructor: any root may start that chain, else
     * only the roots judge_chain knows (-1: not looked for yet) */
    int ctor = -1;
    size_t i = 0;
    while (i < n) {
        while (i < n && !code_byte[(unsigned char)s[i]])
            i++;
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (code_byte[c] == 2) {
            if (c != '@')
                judge_string(s, n, i, &r);
            else if (i == 0 || !is_idc((unsigned char)s[i - 1]))
                judge_perl(s, n, i, &r);
            i++;
            continue;
        }
        if (c == '$' && i + 1 < n && s[i + 1] != '$' && !is_ids((unsigned char)s[i + 1]) &&
            (i == 0 || !is_idc((unsigned char)s[i - 1]))) {
            judge_rsc(s, n, i, &r);
            i++;
            continue;
        }
        if (!is_ids(c) || (i > 0 && code_byte[(unsigned char)s[i - 1]] == 1)) {
            /* a number, or the rest of a run: nothing in it starts a token */
            while (i < n && code_byte[(unsigned char)s[i]] == 1)
                i++;
            continue;
        }
        size_t a = i;
        while (i < n && code_byte[(unsigned char)s[i]] == 1)
            i++;
        size_t b = i;
        /* identifiers are at most a few dozen bytes: a long run is data */
        if (b - a > 64)
            continue;
        if (s[a] == '_' && b - a >= 13 && memcmp(s + a, "_$$ND_FUNC$$_", 13) == 0) {
            hit(&r, 95, a, 13, "node-serialize function marker _$$ND_FUNC$$_");
            continue;
        }
        if (s[a] == '_' && eq(s, a, b, "__js_function")) {
            hit(&r, 90, a, b - a, "funcster serialized function __js_function");
            continue;
        }
        if (s[a] == 'w' && eq(s, a, b, "while")) {
            judge_while(s, n, a, b, &r);
            continue;
        }
        if (s[a] == 'f' && eq(s, a, b, "for")) {
            judge_for(s, n, a, b, &r);
            continue;
        }
        if (s[a] == 'f' && eq(s, a, b, "function")) {
            judge_function(s, n, a, b, &r);
            continue;
        }
        /* only identifiers followed by an accessor start a chain */
        size_t j = skip_sp(s, b, RP_MIN(n, b + 8));
        if (j >= n || (s[j] != '.' && s[j] != '[' && s[j] != '('))
            continue;
        /* require process global console module, Ruby's Process Kernel IO
         * File Open3: the roots judge_chain scores without "constructor" */
        if (!strchr("rpgcmPKIFO", s[a])) {
            if (ctor < 0)
                ctor = memmem(s, n, "constructor", 11) != NULL;
            if (!ctor)
                continue;
        }
        chain_t ch;
        read_chain(s, n, a, b, &ch);
        judge_chain(s, n, &ch, &r);
    }
    return finish(&r, "code", m);
}

/* ---------------------------------------------------------------------- */
/* Prototype pollution.                                                     */

int rp__waf_proto(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    (void)src;
    nres_t r = { 0, 0, 0, NULL };
    if (!s || n < 9 || (pt_flags & RP_WAF_PT_NUMBER))
        return finish(&r, "prototype", m);
    int key = (pt_flags & RP_WAF_PT_KEY) != 0;
    /* the first bytes of __proto__ and constructor */
    static const unsigned char first[256] = { ['_'] = 1, ['c'] = 1 };
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 9 <= n; i++) {
        /* four bytes a test while none of them starts a word */
        while (i + 13 <= n && !(first[u[i]] | first[u[i + 1]] | first[u[i + 2]] | first[u[i + 3]]))
            i += 4;
        if (!first[u[i]])
            continue;
        if (i > 0 && is_idc((unsigned char)s[i - 1]))
            continue;
        if (i + 9 <= n && memcmp(s + i, "__proto__", 9) == 0 &&
            (i + 9 == n || !is_idc((unsigned char)s[i + 9]))) {
            size_t k = skip_sp(s, i + 9, n);
            /* skip a closing quote or bracket: "__proto__": / [__proto__][x] */
            while (k < n && (s[k] == '"' || s[k] == '\'' || s[k] == ']'))
                k = skip_sp(s, k + 1, n);
            int access = k < n && (s[k] == '.' || s[k] == '[' || s[k] == ':' || s[k] == '=');
            if (key)
                hit(&r, 90, i, 9, "__proto__ in a parameter name");
            else if (access)
                hit(&r, 80, i, 9, "__proto__ followed by a member or a value");
            else if (at_start(s, i) && k >= n)
                hit(&r, 60, i, 9, "__proto__ as a property path");
            else
                hit(&r, 45, i, 9, "__proto__ mentioned");
            i += 8;
            continue;
        }
        if (i + 11 <= n && memcmp(s + i, "constructor", 11) == 0 &&
            (i + 11 == n || !is_idc((unsigned char)s[i + 11]))) {
            size_t k = i + 11;
            size_t end = RP_MIN(n, k + 8);
            int sep = 0;
            while (k < end && (s[k] == '.' || s[k] == '[' || s[k] == ']' || s[k] == '"' ||
                               s[k] == '\'' || s[k] == ':')) {
                sep |= s[k] == '.' || s[k] == '[' || s[k] == ':';
                k++;
            }
            if (sep && k + 9 <= n && memcmp(s + k, "prototype", 9) == 0 &&
                (k + 9 == n || !is_idc((unsigned char)s[k + 9])))
                hit(&r, key ? 90 : 80, i, k + 9 - i, "constructor.prototype path");
            i += 10;
        }
    }
    return finish(&r, "prototype", m);
}

/* ---------------------------------------------------------------------- */
/* data: URIs.                                                              */

static int ci_prefix(const char *s, size_t n, const char *w)
{
    return rp_str_ihas_prefix(rp_str(s, n), rp_str_c(w));
}

static int mt_char(int c)
{
    return is_idc(c) || c == '-' || c == '+' || c == '.';
}

int rp__waf_datauri(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    (void)src;
    nres_t r = { 0, 0, 0, NULL };
    if (!s || (pt_flags & RP_WAF_PT_NUMBER))
        return finish(&r, "rfi_ssrf", m);
    size_t i = skip_sp(s, 0, n);
    if (!ci_prefix(s + i, n - i, "data:"))
        return finish(&r, "rfi_ssrf", m);
    size_t start = i;
    i += 5;
    if (i + 2 <= n && s[i] == '/' && s[i + 1] == '/')
        i += 2;
    /* type/subtype */
    size_t ta = i;
    while (i < n && mt_char((unsigned char)s[i]))
        i++;
    size_t tb = i;
    if (tb == ta || i >= n || s[i] != '/')
        return finish(&r, "rfi_ssrf", m);
    i++;
    size_t sa = i;
    while (i < n && mt_char((unsigned char)s[i]))
        i++;
    if (i == sa || (i < n && s[i] != ';' && s[i] != ',' && !is_sp((unsigned char)s[i])))
        return finish(&r, "rfi_ssrf", m);
    size_t mt_end = i;
    int media = ci_prefix(s + ta, tb - ta, "image") || ci_prefix(s + ta, tb - ta, "audio") ||
                ci_prefix(s + ta, tb - ta, "video") || ci_prefix(s + ta, tb - ta, "font");
    int text = (tb - ta == 4 && ci_prefix(s + ta, 4, "text")) ||
               ci_prefix(s + sa, mt_end - sa, "x-php") ||
               ci_prefix(s + sa, mt_end - sa, "x-httpd-php");
    /* the payload: base64 after ";base64," or text after "," */
    size_t comma = i;
    while (comma < n && comma - i < 128 && s[comma] != ',')
        comma++;
    if (comma < n && s[comma] == ',') {
        int b64 = comma >= 7 && ci_prefix(s + comma - 7, 7, ";base64");
        const char *p = s + comma + 1;
        size_t pn = n - comma - 1;
        char buf[96];
        size_t dn = 0;
        if (b64) {
            size_t take = RP_MIN(pn, (size_t)64);
            take -= take % 4;
            dn = rp__base64_decode(p, take, buf);
            if (dn == (size_t)-1)
                dn = 0;
            p = buf;
            pn = dn;
        }
        size_t k = skip_sp(p, 0, RP_MIN(pn, (size_t)16));
        if (ci_prefix(p + k, pn - k, "<?php") || ci_prefix(p + k, pn - k, "<?=")) {
            hit(&r, 95, start, n - start, "data: URI carrying PHP code");
            return finish(&r, "rfi_ssrf", m);
        }
    }
    if (!media && text)
        hit(&r, 60, start, mt_end - start, "data: URI with a text media type (PHP data wrapper)");
    else if (!media)
        hit(&r, 45, start, mt_end - start, "data: URI with a document media type");
    return finish(&r, "rfi_ssrf", m);
}
