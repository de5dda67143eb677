/*
 * jndi.c - Java attacks: Log4Shell lookups, deserialization, expression
 * language (SpEL, OGNL, JSP EL) and gadget class names.
 *
 * Log4Shell. Log4j resolves "${prefix:arg}" lookups recursively before it
 * sees "jndi", so the value is run through a tiny evaluator that does what
 * Log4j does to the evasions: "${::-j}" and "${env:X:-j}" give their
 * default, "${lower:J}" / "${upper:j}" change case, "${date:'j'}" gives the
 * quoted text, an unknown lookup gives "". Nesting counts only "${" (as
 * Log4j's StrSubstitutor does), the result is evaluated again (at most
 * JNDI_PASSES times, for "$${..:-$}{jndi:..}"), and a lookup whose resolved
 * text starts with "jndi:" is the attack (90). "jndi:" followed by a
 * protocol (ldap, rmi, dns, iiop ..) next to a '$' or '{' that the decoders
 * did not turn into "${" (`$&lbrace;jndi:`) scores 80; nested lookups 60; "${env:..}" /
 * "${sys:..}" lookups alone 40 (exfiltration probes, not blocked).
 *
 * Deserialization: the stream magic AC ED 00 05 raw (90), as hex
 * "aced0005" (80) or base64 at a token start, in its three alignments
 * "rO0AB", "KztAAU", "Cs7QAF" (80).
 *
 * Expression language and class names: T(java.lang.Runtime), .getRuntime(),
 * new java.lang.ProcessBuilder, OGNL's #_memberAccess / @java.lang..@ /
 * #context, Spring4Shell's class.module.classLoader, .getClass().forName(,
 * the commons-collections gadgets (InvokerTransformer ..) after Runtime or
 * ProcessBuilder (85), a java.* path that ends in Runtime/ProcessBuilder
 * (70), and the classes an attacker instantiates (java.lang.*, java.io.*,
 * javax.script.*, org.apache.commons, com.opensymphony.xwork2 ..) as a
 * dotted name (55); a bare JSP file name (an upload: "shell.jsp", 55).
 *
 * Cost: no allocation; the evaluator writes into a JNDI_BUF stack buffer
 * (longer values: from the first "${"), every pass is linear and the
 * passes are bounded; EL, gadget and class names are found in one pass
 * (a byte table of the needles' first bytes, then the few needles that
 * start with it); the other searches are a few linear scans for short
 * fixed strings.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define JNDI_BUF 2048    /* evaluator output */
#define JNDI_DEPTH 16    /* nested "${" followed */
#define JNDI_PASSES 3    /* re-evaluations of the result */

typedef struct jres {
    int score;
    size_t off, len;
    const char *what;
} jres_t;

static void hit(jres_t *r, int score, size_t off, size_t len, const char *what)
{
    if (score > r->score) {
        r->score = score;
        r->off = off;
        r->len = len;
        r->what = what;
    }
}

static int lc(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$';
}

/* Case-insensitive search of needle (lower case) in s[from..n). Returns
 * the offset or (size_t)-1. */
static size_t ci_find(const char *s, size_t n, size_t from, const char *needle)
{
    size_t k = strlen(needle);
    unsigned char c0 = (unsigned char)needle[0];
    int alpha = c0 >= 'a' && c0 <= 'z';
    if (k == 0 || n < k)
        return (size_t)-1;
    for (size_t i = from; i + k <= n; i++) {
        /* lc(x) == c0: for a letter, (x | 0x20) == c0 says the same */
        if (alpha ? ((unsigned char)s[i] | 0x20) != c0 : (unsigned char)s[i] != c0)
            continue;
        size_t j = 1;
        while (j < k && lc((unsigned char)s[i + j]) == needle[j])
            j++;
        if (j == k)
            return i;
    }
    return (size_t)-1;
}

static int ci_prefix(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (n < k)
        return 0;
    for (size_t j = 0; j < k; j++)
        if (lc((unsigned char)s[j]) != p[j])
            return 0;
    return 1;
}

/* ---------------------------------------------------------------------- */
/* The lookup evaluator.                                                    */

typedef struct jeval {
    char *out;
    size_t len, cap;
    int jndi;        /* a lookup resolved to jndi:... */
    int lookups;     /* env/sys/... lookups seen */
    int nested;      /* a "${" inside a "${" */
    unsigned steps;  /* work done (bounded) */
} jeval_t;

static void put(jeval_t *e, const char *s, size_t n)
{
    if (n > e->cap - e->len)
        n = e->cap - e->len;
    memcpy(e->out + e->len, s, n);
    e->len += n;
}

/* Resolves the lookup text t[0..n) (already evaluated) and appends its
 * value. */
static void resolve(jeval_t *e, const char *t, size_t n)
{
    size_t i;
    if (ci_prefix(t, n, "jndi:")) {
        e->jndi = 1;
        put(e, "${", 2);
        put(e, t, n);
        put(e, "}", 1);
        return;
    }
    /* the default after ":-" wins when the lookup has one */
    for (i = 0; i + 1 < n; i++)
        if (t[i] == ':' && t[i + 1] == '-') {
            put(e, t + i + 2, n - i - 2);
            return;
        }
    const char *c = memchr(t, ':', n);
    if (!c)
        return;
    size_t pl = (size_t)(c - t), al = n - pl - 1;
    const char *a = c + 1;
    if (ci_prefix(t, pl, "lower") || ci_prefix(t, pl, "upper")) {
        int up = lc((unsigned char)t[0]) == 'u';
        for (i = 0; i < al && e->len < e->cap; i++) {
            int ch = (unsigned char)a[i];
            e->out[e->len++] = (char)(up ? ((ch >= 'a' && ch <= 'z') ? ch - 32 : ch) : lc(ch));
        }
        return;
    }
    if (ci_prefix(t, pl, "date")) {
        for (i = 0; i < al && e->len < e->cap; i++)
            if (a[i] != '\'')
                e->out[e->len++] = a[i];
        return;
    }
    if (pl >= 2 && pl <= 12)
        e->lookups++;
}

/* Evaluates s[*i..n) until an unmatched '}' (inner) or the end. */
static void eval(jeval_t *e, const char *s, size_t n, size_t *i, int depth, int inner)
{
    while (*i < n && e->steps < 8 * JNDI_BUF) {
        e->steps++;
        char ch = s[*i];
        if (ch == '$' && *i + 1 < n && s[*i + 1] == '{' && depth < JNDI_DEPTH) {
            size_t mark = e->len;
            *i += 2;
            if (depth > 0)
                e->nested = 1;
            eval(e, s, n, i, depth + 1, 1);
            if (*i < n && s[*i] == '}') {
                (*i)++;
                size_t tl = e->len - mark;
                char tmp[256] = { 0 };
                if (tl > sizeof(tmp))
                    tl = sizeof(tmp);
                memcpy(tmp, e->out + mark, tl);
                e->len = mark;
                resolve(e, tmp, tl);
            } else {
                /* unterminated: keep the text as it was */
                char tmp[256] = { 0 };
                size_t tl = e->len - mark;
                if (tl > sizeof(tmp) - 2)
                    tl = sizeof(tmp) - 2;
                memcpy(tmp, e->out + mark, tl);
                e->len = mark;
                put(e, "${", 2);
                put(e, tmp, tl);
            }
            continue;
        }
        if (ch == '}' && inner)
            return;
        if (e->len < e->cap)
            e->out[e->len++] = ch;
        (*i)++;
    }
}

static void log4shell(const char *s, size_t n, jres_t *r)
{
    char a[JNDI_BUF] = { 0 }, b[JNDI_BUF] = { 0 };
    const char *cur = s;
    size_t cn = n, start = 0;
    size_t d = ci_find(s, n, 0, "${");
    if (d == (size_t)-1)
        return;
    /* long values: evaluate from the first "${", JNDI_BUF bytes at most */
    if (n > JNDI_BUF) {
        start = d;
        cur = s + d;
        cn = n - d;
    }
    int lookups = 0, nested = 0;
    for (int pass = 0; pass < JNDI_PASSES; pass++) {
        jeval_t e;
        size_t i = 0;
        memset(&e, 0, sizeof(e));
        e.out = pass & 1 ? b : a;
        e.cap = JNDI_BUF;
        eval(&e, cur, cn, &i, 0, 0);
        lookups += e.lookups;
        nested |= e.nested;
        if (e.jndi) {
            hit(r, 90, start, n - start > 80 ? 80 : n - start, "log4shell ${jndi:} lookup");
            return;
        }
        if (e.len == cn && memcmp(e.out, cur, cn) == 0)
            break;
        cur = e.out;
        cn = e.len;
        if (ci_find(cur, cn, 0, "${") == (size_t)-1)
            break;
    }
    if (nested)
        hit(r, 60, start, n - start > 80 ? 80 : n - start, "nested ${..} lookups");
    else if (lookups) {
        size_t p = ci_find(s, n, 0, "${env:");
        if (p == (size_t)-1)
            p = ci_find(s, n, 0, "${sys:");
        if (p != (size_t)-1)
            hit(r, 40, p, 6, "${env:}/${sys:} lookup");
    }
}

/* "jndi:" + protocol: the part the decoders left around it. */
static void jndi_word(const char *s, size_t n, jres_t *r)
{
    static const char *const proto[] = { "ldap:", "ldaps:", "rmi:", "dns:", "iiop:", "corba:",
                                         "nds:", "nis:", "http:", "https:", "iiopname:", NULL };
    size_t p = 0;
    while ((p = ci_find(s, n, p, "jndi:")) != (size_t)-1) {
        size_t q = p + 5;
        for (int k = 0; proto[k]; k++) {
            if (ci_prefix(s + q, n - q, proto[k])) {
                int near = 0;
                for (size_t j = p > 32 ? p - 32 : 0; j < p; j++)
                    if (s[j] == '$' || s[j] == '{')
                        near = 1;
                hit(r, near ? 80 : 60, p, n - p > 64 ? 64 : n - p, "jndi: with a protocol");
                return;
            }
        }
        p = q;
    }
}

/* ---------------------------------------------------------------------- */
/* Deserialization and EL.                                                  */

static int tok_start(const char *s, size_t p)
{
    return p == 0 || !((s[p - 1] >= 'a' && s[p - 1] <= 'z') || (s[p - 1] >= 'A' && s[p - 1] <= 'Z') ||
                       (s[p - 1] >= '0' && s[p - 1] <= '9') || s[p - 1] == '+' || s[p - 1] == '/');
}

static void deser(const char *s, size_t n, jres_t *r)
{
    static const char magic[4] = { (char)0xac, (char)0xed, 0x00, 0x05 };
    /* One pass for the three forms; the raw magic wins over the hex form,
     * the hex form over base64, and the first of each counts. */
    size_t raw = (size_t)-1, hex = (size_t)-1, b64 = (size_t)-1;
    static const unsigned char cand[256] = {
        [0xac] = 1, ['a'] = 1, ['A'] = 1, ['r'] = 1, ['K'] = 1, ['C'] = 1,
    };
    for (size_t i = 0; i < n; i++) {
        if (!cand[(unsigned char)s[i]])
            continue;
        switch ((unsigned char)s[i]) {
        case 0xac:
            if (raw == (size_t)-1 && i + 4 <= n && memcmp(s + i, magic, 4) == 0)
                raw = i;
            break;
        case 'a':
        case 'A':
            if (hex == (size_t)-1 && i + 8 <= n && ci_prefix(s + i, n - i, "aced0005") && tok_start(s, i))
                hex = i;
            break;
        case 'r':
            if (b64 == (size_t)-1 && i + 5 <= n && memcmp(s + i, "rO0AB", 5) == 0 && tok_start(s, i))
                b64 = i;
            break;
        case 'K':
            if (b64 == (size_t)-1 && i + 6 <= n && memcmp(s + i, "KztAAU", 6) == 0 && tok_start(s, i))
                b64 = i;
            break;
        case 'C':
            if (b64 == (size_t)-1 && i + 6 <= n && memcmp(s + i, "Cs7QAF", 6) == 0 && tok_start(s, i))
                b64 = i;
            break;
        default:
            break;
        }
        if (raw != (size_t)-1)
            break;
    }
    if (raw != (size_t)-1)
        hit(r, 90, raw, 4, "java serialization magic");
    else if (hex != (size_t)-1)
        hit(r, 80, hex, 8, "java serialization magic (hex)");
    else if (b64 != (size_t)-1)
        hit(r, 80, b64, 5, "java serialization magic (base64)");
}

/* Needles of the one-pass scan, lower case, sorted by first byte. */
enum { K_EL, K_GADGET, K_CLASS, K_CLASSDOT, K_JAVA, K_RT };

typedef struct jneedle {
    const char *s;
    char kind;
    unsigned char score;
    const char *what;
} jneedle_t;

static const jneedle_t needles[] = {
    { "#_memberaccess", K_EL, 90, "OGNL #_memberAccess" },
    { "#context[", K_EL, 70, "OGNL #context" },
    { ".getclass().forname(", K_EL, 85, "getClass().forName(" },
    { "@java.lang.runtime@", K_EL, 90, "OGNL static call" },
    { "bsh.interpreter", K_CLASS, 55, "java class name" },
    { "chainedtransformer", K_GADGET, 60, "commons-collections gadget" },
    { "class.classloader", K_EL, 80, "class.classLoader" },
    { "class.module.classloader", K_EL, 90, "class.module.classLoader (Spring4Shell)" },
    { "classpathxmlapplicationcontext", K_EL, 80, "Spring XML context gadget" },
    { "clonetransformer", K_GADGET, 60, "commons-collections gadget" },
    { "com.bea.core.repackaged", K_EL, 80, "WebLogic gadget" },
    { "com.opensymphony.xwork2", K_CLASS, 55, "java class name" },
    { "com.sun.jndi", K_CLASS, 55, "java class name" },
    { "com.sun.org.apache", K_CLASS, 55, "java class name" },
    { "com.sun.rowset", K_CLASS, 55, "java class name" },
    { "constanttransformer", K_GADGET, 60, "commons-collections gadget" },
    { "default_member_access", K_EL, 85, "OGNL member access" },
    { "filesystemxmlapplicationcontext", K_EL, 80, "Spring XML context gadget" },
    { "forclosure", K_GADGET, 60, "commons-collections gadget" },
    { "getclass().getclassloader", K_EL, 85, "getClassLoader" },
    { "getruntime()", K_EL, 85, "Runtime.getRuntime()" },
    { "instantiatefactory", K_GADGET, 60, "commons-collections gadget" },
    { "instantiatetransformer", K_GADGET, 60, "commons-collections gadget" },
    { "invokertransformer", K_GADGET, 60, "commons-collections gadget" },
    { "java.", K_JAVA, 0, NULL },
    { "java.beans.", K_CLASSDOT, 55, "java class name" },
    { "java.io.", K_CLASSDOT, 55, "java class name" },
    { "java.lang.", K_CLASSDOT, 55, "java class name" },
    { "java.lang.processbuilder", K_EL, 70, "java.lang.ProcessBuilder" },
    { "java.lang.runtime", K_EL, 70, "java.lang.Runtime" },
    { "java.net.url", K_CLASS, 55, "java class name" },
    { "java.nio.", K_CLASSDOT, 55, "java class name" },
    { "java.rmi.", K_CLASSDOT, 55, "java class name" },
    { "java.util.scanner", K_CLASS, 55, "java class name" },
    { "javax.management.", K_CLASSDOT, 55, "java class name" },
    { "javax.naming.", K_CLASSDOT, 55, "java class name" },
    { "javax.script.", K_CLASSDOT, 55, "java class name" },
    { "javax.script.scriptenginemanager", K_EL, 80, "ScriptEngineManager" },
    { "new java.lang.processbuilder", K_EL, 90, "new ProcessBuilder" },
    { "ognl.ognlcontext", K_EL, 85, "OGNL context" },
    { "org.apache.commons", K_CLASS, 55, "java class name" },
    { "org.apache.xalan", K_CLASS, 55, "java class name" },
    { "org.apache.xbean", K_CLASS, 55, "java class name" },
    { "org.codehaus.groovy", K_CLASS, 55, "java class name" },
    { "org.omg.corba", K_CLASS, 55, "java class name" },
    { "org.springframework.", K_CLASSDOT, 55, "java class name" },
    { "processbuilder", K_RT, 0, NULL },
    { "prototypeclonefactory", K_GADGET, 60, "commons-collections gadget" },
    { "prototypeserializationfactory", K_GADGET, 60, "commons-collections gadget" },
    { "runtime", K_RT, 0, NULL },
    { "sun.misc.", K_CLASSDOT, 55, "java class name" },
    { "t(java.lang.", K_EL, 90, "SpEL T(java.lang..)" },
    { "whileclosure", K_GADGET, 60, "commons-collections gadget" },
};

/* The first bytes of the needles (a byte elsewhere skips the position). */
static const unsigned char first_byte[256] = {
    ['#'] = 1, ['.'] = 1, ['@'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['f'] = 1, ['g'] = 1,
    ['i'] = 1, ['j'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['w'] = 1,
};

/* first_byte in either case (the test checks it matches). */
static const unsigned char first_ci[256] = {
    ['#'] = 1, ['.'] = 1, ['@'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['f'] = 1, ['g'] = 1,
    ['i'] = 1, ['j'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['w'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['F'] = 1, ['G'] = 1, ['I'] = 1, ['J'] = 1,
    ['N'] = 1, ['O'] = 1, ['P'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['W'] = 1,
};

/* The needles' first two bytes: bit (b & 31) of pairs[a & 31] is set for
 * each needle starting with a, b (collisions only cost a comparison; the
 * test checks every needle is covered). */
static const uint32_t pairs[32] = {
    0x00000400, 0x00000000, 0x00080000, 0x80009108, 0x00000020, 0x00000000, 0x00008200, 0x00000020,
    0x00000000, 0x00004000, 0x00000002, 0x00000000, 0x00000000, 0x00000000, 0x000000a0, 0x00040080,
    0x00040000, 0x00000000, 0x00200000, 0x00200000, 0x00000100, 0x00000000, 0x00000000, 0x00000100,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
};

/* One pass over s: at each position whose byte starts a needle, the
 * needles with that first byte are compared. */
static void el_and_classes(const char *s, size_t n, jres_t *r)
{
    int rt = 0;
    size_t java_end = 0;
    for (size_t i = 0; i < n; i++) {
        if (!first_ci[(unsigned char)s[i]])
            continue;
        int c = lc((unsigned char)s[i]);
        if (!first_byte[c] || i + 1 >= n ||
            !((pairs[c & 31] >> (lc((unsigned char)s[i + 1]) & 31)) & 1u))
            continue;                    /* every needle has two bytes at least */
        /* the needles starting with c: a run in the sorted table */
        size_t lo = 0, hi = RP_ARRAY_SIZE(needles);
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if ((unsigned char)needles[mid].s[0] < (unsigned char)c)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < RP_ARRAY_SIZE(needles) && needles[k].s[0] == c; k++) {
            const jneedle_t *nd = &needles[k];
            if (!ci_prefix(s + i, n - i, nd->s))
                continue;
            size_t kl = strlen(nd->s), e = i + kl;
            switch (nd->kind) {
            case K_RT:
                rt = 1;
                break;
            case K_EL:
                hit(r, nd->score, i, kl, nd->what);
                break;
            case K_GADGET:
                /* after Runtime / ProcessBuilder (CRS 944120/944240): 85 */
                hit(r, rt ? 85 : nd->score, i, kl, nd->what);
                break;
            case K_CLASS:
            case K_CLASSDOT:
                /* a class name: starts a token; "java.lang." needs a name after */
                if ((i == 0 || (!is_ident((unsigned char)s[i - 1]) && s[i - 1] != '/' && s[i - 1] != '.')) &&
                    (nd->kind == K_CLASS || (e < n && is_ident((unsigned char)s[e]))))
                    hit(r, nd->score, i, kl, nd->what);
                break;
            case K_JAVA:
                /* java.<..>.Runtime / ProcessBuilder as one dotted name (944110/944250) */
                if (i >= java_end && tok_start(s, i)) {
                    size_t x = e, lim = n - e > 256 ? e + 256 : n;
                    while (x < lim && (is_ident((unsigned char)s[x]) || s[x] == '.'))
                        x++;
                    java_end = x;
                    if (ci_find(s + i, x - i, 5, "runtime") != (size_t)-1 ||
                        ci_find(s + i, x - i, 5, "processbuilder") != (size_t)-1)
                        hit(r, 70, i, x - i, "java.*.Runtime/ProcessBuilder");
                }
                break;
            default:
                break;
            }
        }
        if (r->score >= 90)
            return;
    }
}

/* 1 when the needle table is sorted by first byte and first_byte / pairs
 * cover every needle (tests). */
int rp__jndi_needles_sorted(void);
int rp__jndi_needles_sorted(void)
{
    for (size_t k = 1; k < RP_ARRAY_SIZE(needles); k++)
        if ((unsigned char)needles[k - 1].s[0] > (unsigned char)needles[k].s[0])
            return 0;
    for (int c = 0; c < 256; c++)
        if (first_ci[c] != first_byte[lc(c)])
            return 0;
    for (size_t k = 0; k < RP_ARRAY_SIZE(needles); k++) {
        const unsigned char *t = (const unsigned char *)needles[k].s;
        if (!first_byte[t[0]] || t[1] == '\0' || !((pairs[t[0] & 31] >> (t[1] & 31)) & 1u))
            return 0;
    }
    return 1;
}

/* A JSP file name (upload headers, multipart filename): "shell.jsp",
 * "a.jspx..", "shell. jsp " - a bare name, no path or URL (CRS 944140). */
static void jsp_name(const char *s, size_t n, jres_t *r)
{
    size_t e = n;
    if (n > 255)
        return;
    while (e > 0 && (s[e - 1] == '.' || s[e - 1] == ' '))
        e--;
    size_t x = e;
    while (x > 0 && s[x - 1] != '.' && s[x - 1] != ' ' && e - x < 5)
        x--;
    if (!((e - x == 3 && ci_prefix(s + x, 3, "jsp")) || (e - x == 4 && ci_prefix(s + x, 4, "jspx"))))
        return;
    while (x > 0 && s[x - 1] == ' ')
        x--;
    if (x < 2 || s[x - 1] != '.')
        return;
    /* a bare name: no path or URL (the cheap tests above come first) */
    if (memchr(s, '/', n) || memchr(s, '\\', n) || memchr(s, ':', n) || memchr(s, '=', n) ||
        memchr(s, '?', n))
        return;
    hit(r, 55, 0, n, "JSP file name");
}

int rp__waf_jndi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    jres_t r;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 4 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    memset(&r, 0, sizeof(r));
    int dollar = memchr(s, '$', n) != NULL, dot = memchr(s, '.', n) != NULL;
    if (dollar)
        log4shell(s, n, &r);
    if (r.score < 90 && memchr(s, ':', n))
        jndi_word(s, n, &r);
    if (r.score < 90)
        deser(s, n, &r);
    if (r.score < 90 && (dot || memchr(s, '(', n)))
        el_and_classes(s, n, &r);
    if (r.score < 55 && dot)
        jsp_name(s, n, &r);
    if (r.score == 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : 0;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "jndi: %s", r.what);
    return m->score;
}
