/*
 * nosqli.c - NoSQL (MongoDB) injection: query operators where a value
 * was expected, and server-side JavaScript.
 *
 * Body parsers and query-string parsers (qs, PHP, Rails) turn
 * "user[$ne]=1" and {"user": {"$ne": 1}} into an object, and an
 * application that passes it to find() compares with an operator the
 * attacker chose. Shapes, each a real operator of MongoDB (or of the ORM
 * operator aliases, Sequelize's $like ..), matched exactly and
 * case-sensitively:
 *
 *   - a name (RP_WAF_PT_KEY) that is "$op": a JSON key
 *     (body.json.password.$ne) or a bare query key;
 *   - bracket syntax "name[$op]", "[$op]", "a[b][$op][]" in a name or a
 *     value (CRS tests put it in values and XML attributes);
 *   - an object literal inside a string: {"$where": ..}, {$ne: 1}, and
 *     the code operators unbraced: "true, $where: '1 == 1'";
 *   - JavaScript that only makes sense server-side in $where, $function,
 *     $accumulator or mapReduce: a string literal (or a leading number)
 *     closed and a statement or operator added ("';return true;var a='",
 *     "' || '1'=='1", "0;return true", "';it=new Date();do{.."),
 *     this.<field> compared or matched, while(true), mongo shell calls
 *     (db.getCollectionNames(), db.<coll>.find(); sleep(ms) alone is
 *     reported below the block score: SQL has it too).
 *
 * Operators score by what they do: $where/$function/$accumulator (code)
 * 85; comparison, logic, $regex, $exists, $expr .. 60 as a key, 70 in
 * bracket syntax, 85 in bracket syntax on a login-like field
 * (password[$ne]); updates ($set ..) and the join/write stages
 * ($lookup, $out ..) 55-60; $text 55. Keys that merely start with '$'
 * are not operators and pass: "$schema", "$id", "$ref", "$comment",
 * "$type" (JSON.NET, also a harmless Mongo operator), "$metadata", "$t",
 * "$5", OData's "$filter"/"$top"/"$skip"/"$select".
 *
 * Cost: one pass for the bracket/object shapes, one per quote kind for
 * the breakout, bounded windows; no allocation.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define JS_WINDOW 96 /* bytes after a breakout searched for a JS statement */

typedef struct nop {
    const char *name; /* without the '$' */
    int key;          /* score as a key / in an object literal */
    int login;        /* 1: a comparison that bypasses a login check */
} nop_t;

static const nop_t ops[] = {
    /* code */
    { "where", 85, 1 }, { "function", 85, 0 }, { "accumulator", 85, 0 },
    /* comparison / logic / element / evaluation */
    { "ne", 60, 1 }, { "eq", 60, 1 }, { "gt", 60, 1 }, { "gte", 60, 1 }, { "lt", 60, 1 },
    { "lte", 60, 1 }, { "in", 60, 1 }, { "nin", 60, 1 }, { "regex", 60, 1 }, { "exists", 60, 1 },
    { "not", 60, 1 }, { "or", 60, 1 }, { "and", 60, 1 }, { "nor", 60, 1 }, { "elemMatch", 60, 1 },
    { "expr", 60, 1 }, { "all", 60, 1 }, { "size", 60, 0 }, { "mod", 60, 0 }, { "jsonSchema", 60, 0 },
    { "text", 55, 0 },
    /* updates: mass assignment */
    { "set", 55, 0 }, { "unset", 55, 0 }, { "inc", 55, 0 }, { "push", 55, 0 }, { "pull", 55, 0 },
    { "addToSet", 55, 0 }, { "rename", 55, 0 }, { "setOnInsert", 55, 0 }, { "pullAll", 55, 0 },
    { "currentDate", 55, 0 },
    /* aggregation stages that read or write other collections */
    { "lookup", 60, 0 }, { "graphLookup", 60, 0 }, { "unionWith", 60, 0 }, { "out", 60, 0 },
    { "merge", 60, 0 },
    /* ORM operator aliases (Sequelize) */
    { "like", 55, 1 }, { "notLike", 55, 1 }, { "iLike", 55, 1 }, { "notILike", 55, 1 },
    { "regexp", 55, 1 }, { "notRegexp", 55, 1 }, { "notIn", 55, 1 }, { "between", 55, 1 },
    { "notBetween", 55, 1 },
    { NULL, 0, 0 },
};

static int is_idc(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The operator spelled s[0..n) (without '$'), or NULL. */
static const nop_t *find_op(const char *s, size_t n)
{
    for (const nop_t *o = ops; o->name; o++)
        if (strlen(o->name) == n && memcmp(o->name, s, n) == 0)
            return o;
    return NULL;
}

/* "$op" exactly at s[i..): the operator when the identifier after '$'
 * ends at a non-identifier byte. *end: just past it. */
static const nop_t *op_at(const char *s, size_t n, size_t i, size_t *end)
{
    if (i >= n || s[i] != '$')
        return NULL;
    size_t j = i + 1;
    while (j < n && j - i <= 16 && is_idc((unsigned char)s[j]))
        j++;
    if (j < n && is_idc((unsigned char)s[j]))
        return NULL;
    *end = j;
    return find_op(s + i + 1, j - i - 1);
}

/* A login-like field name: the comparison on it bypasses a check. */
static int login_name(const char *s, size_t n)
{
    static const char *const parts[] = { "user", "pass", "pwd", "login", "email", "mail", "token",
                                         "secret", "auth", "admin", "otp", "pin", NULL };
    static const char *const whole[] = { "id", "_id", "uid", "name", "u_id", "code", "key", NULL };
    char b[32];
    if (n == 0 || n >= sizeof(b))
        return 0;
    for (size_t i = 0; i < n; i++)
        b[i] = (char)rp_lower((unsigned char)s[i]);
    for (int i = 0; whole[i]; i++)
        if (strlen(whole[i]) == n && memcmp(whole[i], b, n) == 0)
            return 1;
    for (int i = 0; parts[i]; i++) {
        size_t k = strlen(parts[i]);
        for (size_t j = 0; j + k <= n; j++)
            if (memcmp(b + j, parts[i], k) == 0)
                return 1;
    }
    return 0;
}

typedef struct nres {
    int score;
    size_t off, len;
    char what[96];
} nres_t;

/* Keeps the best finding; its evidence is head + arg + tail. */
static void hit(nres_t *r, int score, size_t off, size_t len, const char *head, const char *arg,
                const char *tail)
{
    if (score <= r->score)
        return;
    r->score = score;
    r->off = off;
    r->len = len;
    snprintf(r->what, sizeof(r->what), "%s%s%s", head, arg ? arg : "", tail ? tail : "");
}

/*
 * Operators in bracket syntax and in object literals, one pass:
 *   name[$op]   [$op]   a[b][$op][]      (the name before the first '[')
 *   {"$op":     {'$op':   { $op :        ("$op" after '{' or ',')
 */
static void scan_ops(const char *s, size_t n, nres_t *r)
{
    size_t name_end = 0; /* the leading name, before the first '[' */
    while (name_end < n && s[name_end] != '[' && name_end < 64)
        name_end++;
    int brace = 0; /* a '{' seen: ", $op:" can be a key */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        size_t e;
        const nop_t *o;
        if (c == '{')
            brace = 1;
        if (c == '[' && i + 1 < n && s[i + 1] == '$' && (o = op_at(s, n, i + 1, &e)) != NULL &&
            e < n && s[e] == ']') {
            int login = o->login && i == name_end && login_name(s, name_end);
            int sc = login ? 85 : o->key + 10;
            hit(r, sc > 90 ? 90 : sc, i, e + 1 - i,
                "operator $", o->name,
                login ? " in bracket syntax on a login field" : " in bracket syntax");
            i = e;
        } else if (c == '{' || c == ',') {
            size_t j = i + 1;
            while (j < n && is_blank((unsigned char)s[j]))
                j++;
            char q = j < n && (s[j] == '"' || s[j] == '\'') ? s[j] : 0;
            if (q)
                j++;
            if (j >= n || s[j] != '$' || (o = op_at(s, n, j, &e)) == NULL)
                continue;
            if (q && (e >= n || s[e] != q))
                continue;
            if (q)
                e++;
            while (e < n && is_blank((unsigned char)s[e]))
                e++;
            if (e >= n || s[e] != ':')
                continue;
            /* {"a": 1, "$x": .. } needs '{' somewhere before a ',' */
            if (c == ',' && !brace && o->key < 85)
                continue;
            hit(r, o->key, i, e + 1 - i, "operator $", o->name, " as an object key");
        }
    }
}

/* Word w at s[i..) followed by a non-identifier byte. */
static int word_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    return i + k <= n && memcmp(s + i, w, k) == 0 && (i + k == n || !is_idc((unsigned char)s[i + k]));
}

static size_t skip_blank(const char *s, size_t n, size_t i)
{
    while (i < n && is_blank((unsigned char)s[i]))
        i++;
    return i;
}

/* An identifier at i: returns its end (== i when none). */
static size_t ident(const char *s, size_t n, size_t i)
{
    size_t j = i;
    if (j < n && (is_idc((unsigned char)s[j]) || s[j] == '$') && !(s[j] >= '0' && s[j] <= '9'))
        while (j < n && (is_idc((unsigned char)s[j]) || s[j] == '$'))
            j++;
    return j;
}

/*
 * A server-side JavaScript shape at i. Returns a score (0: none) and
 * sets *end and *what:
 *   return true|1|this|!0 ..     sleep(123)     while(true) / while(1)
 *   this.f == .. / this.f.match(/../)           db.coll.method( / db.method(
 *   emit(this.                   tojson( / printjson(
 */
static int js_shape(const char *s, size_t n, size_t i, size_t *end, const char **what)
{
    size_t j;
    /* every shape starts with a word: its first byte says which one to
     * try (word_at compares the whole word) */
    if (i >= n)
        return 0;
    char c0 = s[i];
    if (c0 == 'r' && word_at(s, n, i, "return")) {
        j = skip_blank(s, n, i + 6);
        if (word_at(s, n, j, "true") || word_at(s, n, j, "this") || word_at(s, n, j, "db") ||
            word_at(s, n, j, "1") || word_at(s, n, j, "sleep") ||
            (j + 1 < n && s[j] == '!' && (s[j + 1] == '0' || s[j + 1] == '1'))) {
            *end = j + 1;
            *what = "return statement";
            return 90;
        }
    }
    if (c0 == 's' && word_at(s, n, i, "sleep")) {
        j = skip_blank(s, n, i + 5);
        if (j < n && s[j] == '(') {
            j = skip_blank(s, n, j + 1);
            size_t d = j;
            while (j < n && s[j] >= '0' && s[j] <= '9')
                j++;
            j = skip_blank(s, n, j);
            if (j > d && j < n && s[j] == ')') {
                *end = j + 1;
                *what = "sleep() call";
                return 45; /* SQL has it too: the SQLi detector's */
            }
        }
    }
    if (c0 == 'w' && word_at(s, n, i, "while")) {
        j = skip_blank(s, n, i + 5);
        if (j < n && s[j] == '(') {
            j = skip_blank(s, n, j + 1);
            if (word_at(s, n, j, "true") || word_at(s, n, j, "1")) {
                *end = j + 1;
                *what = "endless loop";
                return 70;
            }
        }
    }
    if (c0 == 't' && word_at(s, n, i, "this") && i + 4 < n && s[i + 4] == '.') {
        size_t f = i + 5, fe = ident(s, n, f);
        if (fe > f) {
            j = skip_blank(s, n, fe);
            int login = login_name(s + f, fe - f);
            size_t rx = j + 7 <= n ? skip_blank(s, n, j + 7) : n;
            if (rx < n && memcmp(s + j, ".match(", 7) == 0 && s[rx] == '/') {
                *end = j + 7;
                *what = "this.<field>.match(/regex/)";
                return login ? 70 : 45;
            }
            if (j + 1 < n && ((s[j] == '=' && s[j + 1] == '=') || (s[j] == '!' && s[j + 1] == '='))) {
                /* against a literal: this.password == 'x' (not == null) */
                size_t v = j + 2;
                while (v < n && (s[v] == '=' || is_blank((unsigned char)s[v])))
                    v++;
                int lit = v < n && (s[v] == '\'' || s[v] == '"' || (s[v] >= '0' && s[v] <= '9'));
                *end = j + 2;
                *what = "this.<field> compared";
                return login && lit ? 60 : 45;
            }
        }
    }
    if (c0 == 'd' && word_at(s, n, i, "db") && i + 2 < n && s[i + 2] == '.') {
        /* the mongo shell's db object; "db.query(" in Node code is not */
        static const char *const dbm[] = { "getCollectionNames", "getCollection", "dropDatabase",
                                           "getMongo", "getSiblingDB", "adminCommand", "runCommand",
                                           "eval", "getUsers", "createUser", "dropUser",
                                           "shutdownServer", "serverStatus", "currentOp", NULL };
        static const char *const collm[] = { "find", "findOne", "insert", "insertOne", "remove",
                                             "deleteMany", "drop", "update", "updateMany",
                                             "mapReduce", "findAndModify", "renameCollection", NULL };
        size_t a = i + 3, ae = ident(s, n, a);
        if (ae > a && ae < n && s[ae] == '(') {
            for (int k = 0; dbm[k]; k++)
                if (strlen(dbm[k]) == ae - a && memcmp(s + a, dbm[k], ae - a) == 0) {
                    *end = ae + 1;
                    *what = "db.<method>() call";
                    return 70;
                }
        }
        if (ae > a && ae < n && s[ae] == '.') {
            size_t b = ae + 1, be = ident(s, n, b);
            if (be > b && be < n && s[be] == '(') {
                for (int k = 0; collm[k]; k++)
                    if (strlen(collm[k]) == be - b && memcmp(s + b, collm[k], be - b) == 0) {
                        *end = be + 1;
                        *what = "db.<collection>.<method>() call";
                        return 55;
                    }
            }
        }
    }
    if (c0 == 'e' && word_at(s, n, i, "emit")) {
        j = skip_blank(s, n, i + 4);
        if (j < n && s[j] == '(' && word_at(s, n, skip_blank(s, n, j + 1), "this")) {
            *end = j + 1;
            *what = "mapReduce emit(this..)";
            return 60;
        }
    }
    return 0;
}

/*
 * A string literal of a $where expression closed: the first quote q,
 * then ';', '||' or '&&', then JavaScript (a statement from js_shape, or
 * a quoted comparison "'1'=='1"): 90, or 85 for the comparison.
 */
static void scan_breakout(const char *s, size_t n, char q, nres_t *r)
{
    size_t i;
    if (q) {
        const char *p = memchr(s, q, n);
        if (!p)
            return;
        i = (size_t)(p - s);
    } else {
        /* a numeric $where: "0;return true", "1; sleep(5000)" */
        i = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == 0 || i >= n)
            return;
        i--;
    }
    size_t j = skip_blank(s, n, i + 1);
    if (j + 1 >= n)
        return;
    int semi = s[j] == ';';
    int logic = q && ((s[j] == '|' && s[j + 1] == '|') || (s[j] == '&' && s[j + 1] == '&'));
    if (!semi && !logic)
        return;
    j += semi ? 1 : 2;
    j = skip_blank(s, n, j);
    size_t lim = n - j > JS_WINDOW ? j + JS_WINDOW : n;
    /* ' || '1'=='1   ' && 1==1 */
    if (!semi) {
        size_t k = j;
        if (k < n && (s[k] == '\'' || s[k] == '"')) {
            const char *c = memchr(s + k + 1, s[k], n - k - 1);
            k = c ? (size_t)(c - s) + 1 : n;
        } else {
            while (k < n && is_idc((unsigned char)s[k]))
                k++;
        }
        k = skip_blank(s, n, k);
        if (k > j && k + 1 < n && (s[k] == '=' || s[k] == '!') && s[k + 1] == '=') {
            hit(r, 85, i, k + 2 - i, "string literal closed, then a JavaScript comparison", NULL, NULL);
            return;
        }
    }
    for (size_t k = j; k < lim; k++) {
        if (k > j && is_idc((unsigned char)s[k - 1]))
            continue;
        size_t e;
        const char *what;
        int sc = js_shape(s, n, k, &e, &what);
        if (sc) {
            hit(r, 90, i, e - i, "string literal closed, then JavaScript: ", what, NULL);
            return;
        }
        /* var a=' / it=new Date() / do{ / new Date: statements */
        if (semi && k == j) {
            size_t e2 = 0;
            if (word_at(s, n, k, "var") || word_at(s, n, k, "let") || word_at(s, n, k, "const")) {
                size_t v = skip_blank(s, n, k + (s[k] == 'c' ? 5 : 3)), ve = ident(s, n, v);
                size_t eq = skip_blank(s, n, ve);
                if (ve > v && eq < n && s[eq] == '=')
                    e2 = eq + 1;
            } else if (word_at(s, n, k, "do") || word_at(s, n, k, "try")) {
                size_t b = skip_blank(s, n, k + (s[k] == 'd' ? 2 : 3));
                if (b < n && s[b] == '{')
                    e2 = b + 1;
            } else {
                size_t ve = ident(s, n, k), eq = skip_blank(s, n, ve);
                if (ve > k && eq + 1 < n && s[eq] == '=' && s[eq + 1] != '=') {
                    size_t v = skip_blank(s, n, eq + 1);
                    if (word_at(s, n, v, "new") || word_at(s, n, v, "this") ||
                        word_at(s, n, v, "function"))
                        e2 = v;
                }
            }
            if (e2) {
                hit(r, 85, i, e2 - i, "string literal closed, then JavaScript: ", "a statement",
                    NULL);
                return;
            }
        }
    }
}

int rp__waf_nosqli(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    nres_t r;
    (void)src;
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 2 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    memset(&r, 0, sizeof(r));

    /* a name that is an operator */
    if ((pt_flags & RP_WAF_PT_KEY) && s[0] == '$') {
        size_t e;
        const nop_t *o = op_at(s, n, 0, &e);
        if (o && e == n)
            hit(&r, o->key, 0, n, "operator $", o->name, " as a key");
    }
    if (memchr(s, '$', n))
        scan_ops(s, n, &r);
    if (s[0] == '$' && !(pt_flags & RP_WAF_PT_KEY)) {
        /* "$where: '1 == 1'": a code operator opening the value */
        size_t e;
        const nop_t *o = op_at(s, n, 0, &e);
        e = o ? skip_blank(s, n, e) : n;
        if (o && o->key >= 85 && e < n && s[e] == ':')
            hit(&r, o->key, 0, e + 1, "operator $", o->name, " as an object key");
    }
    if (r.score < 90) {
        scan_breakout(s, n, '\'', &r);
        scan_breakout(s, n, '"', &r);
        scan_breakout(s, n, 0, &r);
    }
    if (r.score < 60 && (memchr(s, '(', n) || memchr(s, '=', n))) {
        /* JavaScript without a breakout: the value is the $where code */
        for (size_t i = 0; i < n; i++) {
            /* a shape's first byte (the cheaper test first), at a word start */
            char c = s[i];
            if (c != 'r' && c != 's' && c != 'w' && c != 't' && c != 'd' && c != 'e')
                continue;
            if (i > 0 && is_idc((unsigned char)s[i - 1]))
                continue;
            size_t e;
            const char *what;
            int sc = js_shape(s, n, i, &e, &what);
            if (sc >= 90)
                sc = 0; /* "return true" alone is prose as often as code */
            if (sc)
                hit(&r, sc, i, e - i, "JavaScript for $where: ", what, NULL);
        }
    }
    if (!r.score)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : 0;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "nosqli: %s", r.what);
    return m->score;
}
