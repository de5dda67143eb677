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
 * (the byte pairs at even offsets against the needles' leading pairs,
 * then the few needles that start where a pair fits); the other forms
 * are found with memchr from a byte they must hold (':' of "jndi:", the
 * magic's 0xAC, '5', 'A'), after one pass that says which bytes the
 * value has.
 */
#include "waf/waf_int.h"

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

static int is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$';
}

/* s[0..k) equals lower[0..k) ignoring case. */
static int ci_same(const char *s, const char *lower, size_t k)
{
    return rp_str_ieq(rp_str(s, k), rp_str(lower, k));
}

static int ci_prefix(const char *s, size_t n, const char *p)
{
    return rp_str_ihas_prefix(rp_str(s, n), rp_str_c(p));
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
        int up = rp_lower((unsigned char)t[0]) == 'u';
        for (i = 0; i < al && e->len < e->cap; i++) {
            int ch = (unsigned char)a[i];
            e->out[e->len++] = (char)(up ? ((ch >= 'a' && ch <= 'z') ? ch - 32 : ch) : rp_lower(ch));
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
    size_t d = rp_str_ifind(rp_str(s, n), 0, RP_STRLIT("${"));
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
        if (rp_str_ifind(rp_str(cur, cn), 0, RP_STRLIT("${")) == (size_t)-1)
            break;
    }
    if (nested)
        hit(r, 60, start, n - start > 80 ? 80 : n - start, "nested ${..} lookups");
    else if (lookups) {
        size_t p = rp_str_ifind(rp_str(s, n), 0, RP_STRLIT("${env:"));
        if (p == (size_t)-1)
            p = rp_str_ifind(rp_str(s, n), 0, RP_STRLIT("${sys:"));
        if (p != (size_t)-1)
            hit(r, 40, p, 6, "${env:}/${sys:} lookup");
    }
}

/* "jndi:" + protocol: the part the decoders left around it. Each "jndi:"
 * is found from its ':' (memchr jumps between colons; in order, so the
 * first "jndi:" with a protocol wins as a left-to-right search would). */
static void jndi_word(const char *s, size_t n, jres_t *r)
{
    static const char *const proto[] = { "ldap:", "ldaps:", "rmi:", "dns:", "iiop:", "corba:",
                                         "nds:", "nis:", "http:", "https:", "iiopname:", NULL };
    const char *c = n > 4 ? memchr(s + 4, ':', n - 4) : NULL;
    while (c) {
        size_t q = (size_t)(c - s) + 1, p = q - 5;
        if (ci_prefix(s + p, 4, "jndi")) {
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
        }
        c = q < n ? memchr(s + q, ':', n - q) : NULL;
    }
}

/* ---------------------------------------------------------------------- */
/* Deserialization and EL.                                                  */

static int tok_start(const char *s, size_t p)
{
    return p == 0 || !((s[p - 1] >= 'a' && s[p - 1] <= 'z') || (s[p - 1] >= 'A' && s[p - 1] <= 'Z') ||
                       (s[p - 1] >= '0' && s[p - 1] <= '9') || s[p - 1] == '+' || s[p - 1] == '/');
}

/* The bytes the searches below start from, as bits. */
enum { P_DOLLAR = 1, P_DOT = 2, P_COLON = 4, P_PAREN = 8, P_AC = 16, P_FIVE = 32, P_A = 64 };

#define PRESENT_TABLE_MAX 64   /* longer values: a memchr per byte kind */

/* Which of those bytes s holds. A short value is read once through a
 * table (seven memchr calls cost more there); a long one by memchr,
 * which reads many bytes per instruction. */
static unsigned present(const char *s, size_t n)
{
    static const unsigned char bit[256] = {
        ['$'] = P_DOLLAR, ['.'] = P_DOT, [':'] = P_COLON, ['('] = P_PAREN,
        [0xac] = P_AC,    ['5'] = P_FIVE, ['A'] = P_A,
    };
    const unsigned char *u = (const unsigned char *)s;
    unsigned a = 0, b = 0;
    if (n <= PRESENT_TABLE_MAX) {
        size_t i = 0;
        for (; i + 2 <= n; i += 2) {
            a |= bit[u[i]];
            b |= bit[u[i + 1]];
        }
        if (i < n)
            a |= bit[u[i]];
        return a | b;
    }
    static const unsigned char kinds[] = { '$', '.', ':', '(', 0xac, '5', 'A' };
    for (size_t k = 0; k < sizeof(kinds); k++)
        if (memchr(s, kinds[k], n))
            a |= bit[kinds[k]];
    return a;
}

/* The offset of the first byte c in s[from..n), or n. */
static size_t next_of(const char *s, size_t n, size_t from, int c)
{
    const char *p = from < n ? memchr(s + from, c, n - from) : NULL;
    return p ? (size_t)(p - s) : n;
}

/*
 * The stream magic AC ED 00 05: raw, as hex "aced0005" (any case) or as
 * base64 at a token start in its three alignments. The raw form wins over
 * the hex one, the hex one over base64, and the first of each counts.
 * Each form is found by memchr from a byte it always has: 0xAC for the
 * raw one, its last '5' for the hex one, and for base64 an 'A' ("rO0AB"
 * and "KztAAU" have one at offset 3, "Cs7QAF" at offset 4): anchors in
 * ascending order give the candidates in ascending order, so the first
 * match is the one a left-to-right scan would find.
 */
static void deser(const char *s, size_t n, unsigned bytes, jres_t *r)
{
    static const char magic[4] = { (char)0xac, (char)0xed, 0x00, 0x05 };
    if (bytes & P_AC)
        for (size_t i = next_of(s, n, 0, 0xac); i < n; i = next_of(s, n, i + 1, 0xac))
            if (i + 4 <= n && memcmp(s + i, magic, 4) == 0) {
                hit(r, 90, i, 4, "java serialization magic");
                return;
            }
    if (bytes & P_FIVE)
        for (size_t p = next_of(s, n, 7, '5'); p < n; p = next_of(s, n, p + 1, '5')) {
            size_t i = p - 7;
            if (ci_prefix(s + i, 8, "aced0005") && tok_start(s, i)) {
                hit(r, 80, i, 8, "java serialization magic (hex)");
                return;
            }
        }
    if (bytes & P_A)
        for (size_t p = next_of(s, n, 3, 'A'); p < n; p = next_of(s, n, p + 1, 'A')) {
            size_t i = p - 4;
            if (p >= 4 && i + 6 <= n && memcmp(s + i, "Cs7QAF", 6) == 0 && tok_start(s, i)) {
                hit(r, 80, i, 5, "java serialization magic (base64)");
                return;
            }
            i = p - 3;
            if (((i + 5 <= n && memcmp(s + i, "rO0AB", 5) == 0) ||
                 (i + 6 <= n && memcmp(s + i, "KztAAU", 6) == 0)) && tok_start(s, i)) {
                hit(r, 80, i, 5, "java serialization magic (base64)");
                return;
            }
        }
}

/* Needles of the one-pass scan, lower case, sorted by first byte. */
enum { K_EL, K_GADGET, K_CLASS, K_CLASSDOT, K_JAVA, K_RT };

typedef struct jneedle {
    const char *s;
    unsigned char len;   /* strlen(s) */
    char kind;
    unsigned char score;
    const char *what;
} jneedle_t;

#define JN(lit) (lit), sizeof(lit) - 1

static const jneedle_t needles[] = {
    { JN("#_memberaccess"), K_EL, 90, "OGNL #_memberAccess" },
    { JN("#context["), K_EL, 70, "OGNL #context" },
    { JN(".getclass().forname("), K_EL, 85, "getClass().forName(" },
    { JN("@java.lang.runtime@"), K_EL, 90, "OGNL static call" },
    { JN("bsh.interpreter"), K_CLASS, 55, "java class name" },
    { JN("chainedtransformer"), K_GADGET, 60, "commons-collections gadget" },
    { JN("class.classloader"), K_EL, 80, "class.classLoader" },
    { JN("class.module.classloader"), K_EL, 90, "class.module.classLoader (Spring4Shell)" },
    { JN("classpathxmlapplicationcontext"), K_EL, 80, "Spring XML context gadget" },
    { JN("clonetransformer"), K_GADGET, 60, "commons-collections gadget" },
    { JN("com.bea.core.repackaged"), K_EL, 80, "WebLogic gadget" },
    { JN("com.opensymphony.xwork2"), K_CLASS, 55, "java class name" },
    { JN("com.sun.jndi"), K_CLASS, 55, "java class name" },
    { JN("com.sun.org.apache"), K_CLASS, 55, "java class name" },
    { JN("com.sun.rowset"), K_CLASS, 55, "java class name" },
    { JN("constanttransformer"), K_GADGET, 60, "commons-collections gadget" },
    { JN("default_member_access"), K_EL, 85, "OGNL member access" },
    { JN("filesystemxmlapplicationcontext"), K_EL, 80, "Spring XML context gadget" },
    { JN("forclosure"), K_GADGET, 60, "commons-collections gadget" },
    { JN("getclass().getclassloader"), K_EL, 85, "getClassLoader" },
    { JN("getruntime()"), K_EL, 85, "Runtime.getRuntime()" },
    { JN("instantiatefactory"), K_GADGET, 60, "commons-collections gadget" },
    { JN("instantiatetransformer"), K_GADGET, 60, "commons-collections gadget" },
    { JN("invokertransformer"), K_GADGET, 60, "commons-collections gadget" },
    { JN("java."), K_JAVA, 0, NULL },
    { JN("java.beans."), K_CLASSDOT, 55, "java class name" },
    { JN("java.io."), K_CLASSDOT, 55, "java class name" },
    { JN("java.lang."), K_CLASSDOT, 55, "java class name" },
    { JN("java.lang.processbuilder"), K_EL, 70, "java.lang.ProcessBuilder" },
    { JN("java.lang.runtime"), K_EL, 70, "java.lang.Runtime" },
    { JN("java.net.url"), K_CLASS, 55, "java class name" },
    { JN("java.nio."), K_CLASSDOT, 55, "java class name" },
    { JN("java.rmi."), K_CLASSDOT, 55, "java class name" },
    { JN("java.util.scanner"), K_CLASS, 55, "java class name" },
    { JN("javax.management."), K_CLASSDOT, 55, "java class name" },
    { JN("javax.naming."), K_CLASSDOT, 55, "java class name" },
    { JN("javax.script."), K_CLASSDOT, 55, "java class name" },
    { JN("javax.script.scriptenginemanager"), K_EL, 80, "ScriptEngineManager" },
    { JN("new java.lang.processbuilder"), K_EL, 90, "new ProcessBuilder" },
    { JN("ognl.ognlcontext"), K_EL, 85, "OGNL context" },
    { JN("org.apache.commons"), K_CLASS, 55, "java class name" },
    { JN("org.apache.xalan"), K_CLASS, 55, "java class name" },
    { JN("org.apache.xbean"), K_CLASS, 55, "java class name" },
    { JN("org.codehaus.groovy"), K_CLASS, 55, "java class name" },
    { JN("org.omg.corba"), K_CLASS, 55, "java class name" },
    { JN("org.springframework."), K_CLASSDOT, 55, "java class name" },
    { JN("processbuilder"), K_RT, 0, NULL },
    { JN("prototypeclonefactory"), K_GADGET, 60, "commons-collections gadget" },
    { JN("prototypeserializationfactory"), K_GADGET, 60, "commons-collections gadget" },
    { JN("runtime"), K_RT, 0, NULL },
    { JN("sun.misc."), K_CLASSDOT, 55, "java class name" },
    { JN("t(java.lang."), K_EL, 90, "SpEL T(java.lang..)" },
    { JN("whileclosure"), K_GADGET, 60, "commons-collections gadget" },
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

/* The needles' first two bytes and their second and third, folded
 * like pairs: bit (b & 31) of pairs01[a & 31] for a needle holding a, b
 * at offset 0 or 1 (rp__jndi_needles_sorted checks it). */
static const uint32_t pairs01[32] = {
    0x00000400, 0x00400000, 0x00080000, 0x80009108, 0x00000020, 0x00900040, 0x00008200, 0x00004020,
    0x00000602, 0x00005000, 0x00000002, 0x00000000, 0x00008002, 0x00000000, 0x004800a0, 0x00046080,
    0x00040000, 0x00000000, 0x00208080, 0x00200100, 0x00000100, 0x00004000, 0x00000000, 0x00000100,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00002000,
};

#define NEEDLE_MIN 5   /* the shortest needle ("java.") */

/* The needles at s[i..) (whose first byte and pair passed the filters),
 * in table order. *rt: Runtime/ProcessBuilder seen before; *java_end:
 * the end of the last java.* name read. */
static void needles_at(const char *s, size_t n, size_t i, int *rt, size_t *java_end, jres_t *r)
{
    int c = rp_lower((unsigned char)s[i]);
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
        size_t kl = nd->len, e = i + kl;
        /* the second byte first: most needles of a run differ there */
        if (kl > n - i || rp_lower((unsigned char)s[i + 1]) != nd->s[1] ||
            !ci_same(s + i + 2, nd->s + 2, kl - 2))
            continue;
        switch (nd->kind) {
        case K_RT:
            *rt = 1;
            break;
        case K_EL:
            hit(r, nd->score, i, kl, nd->what);
            break;
        case K_GADGET:
            /* after Runtime / ProcessBuilder (CRS 944120/944240): 85 */
            hit(r, *rt ? 85 : nd->score, i, kl, nd->what);
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
            if (i >= *java_end && tok_start(s, i)) {
                size_t x = e, lim = n - e > 256 ? e + 256 : n;
                while (x < lim && (is_ident((unsigned char)s[x]) || s[x] == '.'))
                    x++;
                *java_end = x;
                if (rp_str_ifind(rp_str(s + i, x - i), 5, RP_STRLIT("runtime")) != (size_t)-1 ||
                    rp_str_ifind(rp_str(s + i, x - i), 5, RP_STRLIT("processbuilder")) !=
                        (size_t)-1)
                    hit(r, 70, i, x - i, "java.*.Runtime/ProcessBuilder");
            }
            break;
        default:
            break;
        }
    }
}

/* Does s[i..) pass the first byte and pair filters of the needles?
 * rp_lower() changes bit 5 only, so x & 31 == rp_lower(x) & 31: the pair
 * test needs no case folding. */
static int needle_cand(const char *s, size_t n, size_t i)
{
    return i + 1 < n && first_ci[(unsigned char)s[i]] &&
           ((pairs[(unsigned char)s[i] & 31] >> ((unsigned char)s[i + 1] & 31)) & 1u);
}

/* One pass over s. A needle (NEEDLE_MIN bytes or more) at p has its
 * first two bytes at an even offset when p is even, its second and third
 * when p is odd: so only the pairs at even offsets are read (pairs01),
 * and a hit at i tries the positions i - 1 and i, in order. */
static void el_and_classes(const char *s, size_t n, jres_t *r)
{
    int rt = 0;
    size_t java_end = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (!((pairs01[(unsigned char)s[i] & 31] >> ((unsigned char)s[i + 1] & 31)) & 1u))
            continue;
        for (size_t p = i ? i - 1 : 0; p <= i; p++) {
            if (!needle_cand(s, n, p))
                continue;
            needles_at(s, n, p, &rt, &java_end, r);
            if (r->score >= 90)
                return;
        }
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
        if (first_ci[c] != first_byte[rp_lower(c)])
            return 0;
    for (size_t k = 0; k < RP_ARRAY_SIZE(needles); k++) {
        const unsigned char *t = (const unsigned char *)needles[k].s;
        if (!first_byte[t[0]] || needles[k].len < NEEDLE_MIN || needles[k].len != strlen(needles[k].s) ||
            !((pairs[t[0] & 31] >> (t[1] & 31)) & 1u) || !((pairs01[t[0] & 31] >> (t[1] & 31)) & 1u) ||
            !((pairs01[t[1] & 31] >> (t[2] & 31)) & 1u))
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
    unsigned bytes = present(s, n);
    if (bytes & P_DOLLAR)
        log4shell(s, n, &r);
    if (r.score < 90 && (bytes & P_COLON))
        jndi_word(s, n, &r);
    if (r.score < 90)
        deser(s, n, bytes, &r);
    if (r.score < 90 && (bytes & (P_DOT | P_PAREN)))
        el_and_classes(s, n, &r);
    if (r.score < 55 && (bytes & P_DOT))
        jsp_name(s, n, &r);
    if (r.score == 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : 0;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    rp__waf_evidence(m->evidence, sizeof(m->evidence), "jndi: ", r.what);
    return m->score;
}
