/*
 * template.c - path templates: which segments are values, what the
 * parameters are called, and the per-application path tree.
 *
 * The tree is method-independent: "/users/{userId}" is one node whatever
 * the method; endpoints (one per method) hang off the node where a path
 * ends. Literal children are found through one chained hash table per
 * application keyed by (parent, segment), so a known path costs one
 * lookup per segment and no allocation.
 *
 * A segment becomes a parameter in one of four ways:
 *   1. At once, when it looks like a value (rp__tmpl_seg_is_value): an
 *      integer, a UUID of any version, a hex id (>= 8 hex digits mixing
 *      digits and letters, or exactly 24/32/40/64 hex digits), a date
 *      (2024-06-01, ISO date-time), an e-mail address, a ULID (26
 *      Crockford base32), a KSUID (27 base62), a JWT, a prefixed id
 *      ("cus_9fK2...") or a long opaque token (>= 16 base64url characters
 *      mixing digits with upper and lower case, or lower case with >= 4
 *      digits and no word separators); and any segment with a brace,
 *      which a template could not show as a literal.
 *   2. From a source template (API Gateway resourcePath / routeKey): the
 *      hint is ground truth; its parameters keep their names ({proxy+}
 *      stays greedy) and are "open": any segment met at that position
 *      that is not a known literal goes to them, so paths without a hint
 *      map to the hinted template.
 *   3. By statistical merge (maybe_merge below): when a parent has more
 *      than merge_threshold (default 20) distinct literal children that
 *      look like values. 20 because real APIs rarely have more than a
 *      dozen fixed sub-resources under one parent, while user names,
 *      slugs or SKUs exceed it within a few dozen requests; a lower value
 *      starts to merge hand-written resource lists (/admin/...), a higher
 *      one keeps value-like literals in the inventory for longer.
 *   4. Restored from the store or from another aggregator (merge).
 *
 * Literal look-alikes stay literal: version segments (v1, v2.1), a list
 * of words that are resources rather than values (me, self, search,
 * health, ...), and anything a hint declared literal.
 *
 * Parameter names: the singular of the parent segment + "Id" in camel
 * case (users -> userId, user-groups -> userGroupId, categories ->
 * categoryId, addresses -> addressId); "id" when the parent is the root,
 * a parameter, a version or not a word; a number is appended when the
 * name is already used higher in the template (id, id2).
 */
#include "disc_int.h"

#include <stdlib.h>

/* ---------------------------------------------------------------------- */
/* Segment classification.                                                  */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_alpha(int c) { return is_lower(c) || is_upper(c); }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }

static int all_digits(rp_str_t s)
{
    if (s.n == 0)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (!is_digit((unsigned char)s.p[i]))
            return 0;
    return 1;
}

int rp__disc_is_uuid(rp_str_t s)
{
    if (s.n != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        int c = (unsigned char)s.p[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!is_hex(c)) {
            return 0;
        }
    }
    return 1;
}

static int is_hex_id(rp_str_t s)
{
    if (s.n < 8)
        return 0;
    int dig = 0, let = 0;
    for (size_t i = 0; i < s.n; i++) {
        int c = (unsigned char)s.p[i];
        if (!is_hex(c))
            return 0;
        if (is_digit(c))
            dig = 1;
        else
            let = 1;
    }
    if (dig && let)
        return 1;
    /* hashes and ObjectIds of one kind of character only */
    return s.n == 24 || s.n == 32 || s.n == 40 || s.n == 64;
}

static int two_digits(const char *p, int lo, int hi)
{
    if (!is_digit((unsigned char)p[0]) || !is_digit((unsigned char)p[1]))
        return 0;
    int v = (p[0] - '0') * 10 + (p[1] - '0');
    return v >= lo && v <= hi;
}

/* 2024-06-01, optionally followed by T/space and a time (date-time). */
static int is_date_prefix(rp_str_t s)
{
    if (s.n < 10)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!is_digit((unsigned char)s.p[i]))
            return 0;
    return s.p[4] == '-' && two_digits(s.p + 5, 1, 12) && s.p[7] == '-' &&
           two_digits(s.p + 8, 1, 31);
}

static int is_date_or_datetime(rp_str_t s)
{
    if (!is_date_prefix(s))
        return 0;
    if (s.n == 10)
        return 1;
    if (s.p[10] != 'T' && s.p[10] != 't' && s.p[10] != ' ')
        return 0;
    return s.n >= 16 && two_digits(s.p + 11, 0, 23) && s.p[13] == ':' &&
           two_digits(s.p + 14, 0, 59);
}

static int is_email(rp_str_t s)
{
    const char *at = memchr(s.p, '@', s.n);
    if (!at || at == s.p)
        return 0;
    size_t local = (size_t)(at - s.p), dom = s.n - local - 1;
    if (dom < 3 || memchr(at + 1, '@', dom))
        return 0;
    const char *dot = NULL;
    for (size_t i = 0; i < dom; i++) {
        int c = (unsigned char)at[1 + i];
        if (c == '.')
            dot = at + 1 + i;
        else if (!is_alnum(c) && c != '-')
            return 0;
    }
    return dot && dot > at + 1 && dot < s.p + s.n - 2;
}

static int is_crockford(int c)
{
    c = c >= 'a' && c <= 'z' ? c - 32 : c;
    return is_digit(c) || (is_upper(c) && c != 'I' && c != 'L' && c != 'O' && c != 'U');
}

static int is_ulid(rp_str_t s)
{
    if (s.n != 26 || s.p[0] < '0' || s.p[0] > '7')
        return 0;
    int dig = 0, let = 0;
    for (size_t i = 0; i < 26; i++) {
        int c = (unsigned char)s.p[i];
        if (!is_crockford(c))
            return 0;
        if (is_digit(c))
            dig++;
        else
            let++;
    }
    return dig >= 2 && let >= 2;
}

static int is_b64url(int c) { return is_alnum(c) || c == '-' || c == '_'; }

static int is_jwt_shape(rp_str_t s)
{
    if (s.n < 20 || s.p[0] != 'e' || s.p[1] != 'y')
        return 0;
    int dots = 0;
    for (size_t i = 0; i < s.n; i++) {
        int c = (unsigned char)s.p[i];
        if (c == '.')
            dots++;
        else if (!is_b64url(c) && c != '=')
            return 0;
    }
    return dots == 2;
}

/* Long opaque tokens: base64/base64url, KSUIDs, API keys. */
static int is_opaque(rp_str_t s)
{
    if (s.n < 16)
        return 0;
    int up = 0, lo = 0, dig = 0, sep = 0;
    for (size_t i = 0; i < s.n; i++) {
        int c = (unsigned char)s.p[i];
        if (is_upper(c))
            up++;
        else if (is_lower(c))
            lo++;
        else if (is_digit(c))
            dig++;
        else if (c == '-' || c == '_' || c == '.' || c == '~')
            sep++;
        else if (c == '+' || c == '=' || c == '%')
            ; /* base64 padding, percent-encoded '/' */
        else
            return 0;
    }
    if (dig && up && lo)
        return 1;                       /* mixed case with digits */
    if (dig >= 4 && !sep && (lo || up))
        return 1;                       /* a1b2c3d4e5f6a7b8c9 */
    return s.n == 27 && dig && (up || lo) && !sep; /* KSUID */
}

/* Prefixed ids: "cus_9fK2sd8Q", "ord-12ab34cd": a short alphabetic prefix,
 * a separator, then >= 8 alphanumerics with digits. */
static int is_prefixed_id(rp_str_t s)
{
    size_t i = 0;
    while (i < s.n && is_lower((unsigned char)s.p[i]))
        i++;
    if (i == 0 || i > 8 || i >= s.n || (s.p[i] != '_' && s.p[i] != '-'))
        return 0;
    size_t start = ++i;
    int dig = 0;
    for (; i < s.n; i++) {
        int c = (unsigned char)s.p[i];
        if (!is_alnum(c))
            return 0;
        dig += is_digit(c);
    }
    return s.n - start >= 8 && dig >= 2;
}

int rp__tmpl_seg_is_value(rp_str_t s)
{
    if (s.n == 0)
        return 0;
    /* braces would make the template ambiguous: such a segment is data */
    if (memchr(s.p, '{', s.n) || memchr(s.p, '}', s.n))
        return 1;
    if (all_digits(s))
        return 1;
    /* negative / decimal numbers are values too, but not versions (2.0
     * stays: it is checked as a look-alike below) */
    if (s.p[0] == '-' && s.n > 1 && all_digits(rp_str(s.p + 1, s.n - 1)))
        return 1;
    return rp__disc_is_uuid(s) || is_hex_id(s) || is_date_or_datetime(s) || is_email(s) || is_ulid(s) ||
           is_jwt_shape(s) || is_opaque(s) || is_prefixed_id(s);
}

/* v1, v2, V3, v1.2, v2beta, 1.0: versions stay literal. */
static int is_version(rp_str_t s)
{
    size_t i = 0;
    if (s.n >= 2 && (s.p[0] == 'v' || s.p[0] == 'V'))
        i = 1;
    if (i >= s.n || !is_digit((unsigned char)s.p[i]))
        return 0;
    int dots = 0;
    while (i < s.n && (is_digit((unsigned char)s.p[i]) || s.p[i] == '.'))
        dots += s.p[i++] == '.';
    if (s.p[0] != 'v' && s.p[0] != 'V' && dots == 0)
        return 0;
    for (; i < s.n; i++) /* v2beta, v1alpha1 */
        if (!is_alnum((unsigned char)s.p[i]))
            return 0;
    return 1;
}

/* Words that name resources or actions, never values: a statistical merge
 * leaves them literal beside the new parameter (/users/me next to
 * /users/{userId}). Sorted for bsearch. */
static const char *const lookalikes[] = {
    "_search", "account", "accounts", "active", "admin", "all", "archive", "auth", "batch",
    "bulk", "callback", "config", "count", "create", "current", "default", "delete", "details",
    "download", "edit", "export", "feed", "health", "healthz", "history", "import", "info",
    "latest", "list", "live", "livez", "login", "logout", "me", "metrics", "mine", "new", "ping",
    "profile", "public", "readyz", "ready", "recent", "refresh", "register", "reset", "search",
    "self", "settings", "stats", "status", "summary", "token", "update", "upload", "validate",
    "verify", "version", "webhook", "webhooks",
};

static int cmp_word(const void *k, const void *e)
{
    return strcmp((const char *)k, *(const char *const *)e);
}

static int is_lookalike(rp_str_t s)
{
    char w[32];
    if (s.n == 0 || s.n >= sizeof(w))
        return 0;
    rp__lower_copy(w, sizeof(w), s);
    w[s.n] = 0;
    if (is_version(s))
        return 1;
    return bsearch(w, lookalikes, RP_ARRAY_SIZE(lookalikes), sizeof(lookalikes[0]), cmp_word) !=
           NULL;
}

/* ---------------------------------------------------------------------- */
/* Splitting and parsing.                                                   */

int rp__tmpl_split(rp_str_t path, rp_str_t *segs, int max)
{
    int n = 0;
    size_t i = 0;
    while (i < path.n) {
        while (i < path.n && path.p[i] == '/')
            i++;
        if (i >= path.n)
            break;
        size_t st = i;
        while (i < path.n && path.p[i] != '/')
            i++;
        if (n >= max)
            return -1;
        size_t len = i - st;
        segs[n++] = rp_str(path.p + st, len > RP_DISC_MAX_SEG ? RP_DISC_MAX_SEG : len);
    }
    return n;
}

int rp__tmpl_parse(rp_str_t tmpl, rp_disc_seg_t *segs, int max)
{
    rp_str_t raw[RP_DISC_MAX_DEPTH];
    int n = rp__tmpl_split(tmpl, raw, max < RP_DISC_MAX_DEPTH ? max : RP_DISC_MAX_DEPTH);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        rp_str_t s = raw[i];
        segs[i].flags = 0;
        if (s.n >= 3 && s.p[0] == '{' && s.p[s.n - 1] == '}') {
            rp_str_t name = rp_str(s.p + 1, s.n - 2);
            if (memchr(name.p, '{', name.n) || memchr(name.p, '}', name.n))
                return -1;
            int greedy = name.p[name.n - 1] == '+';
            if (greedy && i != n - 1)
                return -1;       /* greedy only as the last segment */
            if (greedy && name.n < 2)
                return -1;
            segs[i].kind = greedy ? RP_NODE_GREEDY : RP_NODE_PARAM;
            segs[i].s = name;
        } else {
            if (memchr(s.p, '{', s.n) || memchr(s.p, '}', s.n))
                return -1;
            segs[i].kind = RP_NODE_LIT;
            segs[i].s = s;
        }
    }
    return n;
}

/* ---------------------------------------------------------------------- */
/* Parameter names.                                                         */

/* The singular of one lower-case word, in place; returns the new length. */
static size_t singular(char *w, size_t n)
{
    static const char *const irregular[][2] = {
        { "people", "person" }, { "children", "child" }, { "men", "man" }, { "women", "woman" },
        { "mice", "mouse" },    { "data", "data" },      { "news", "news" }, { "series", "series" },
        { "status", "status" }, { "analyses", "analysis" }, { "indices", "index" },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(irregular); i++) {
        size_t l = strlen(irregular[i][0]);
        if (n == l && memcmp(w, irregular[i][0], l) == 0) {
            size_t r = strlen(irregular[i][1]);
            memcpy(w, irregular[i][1], r);
            return r;
        }
    }
    if (n > 4 && memcmp(w + n - 3, "ies", 3) == 0) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (n > 4 && (memcmp(w + n - 4, "sses", 4) == 0 || memcmp(w + n - 4, "shes", 4) == 0 ||
                  memcmp(w + n - 4, "ches", 4) == 0))
        return n - 2;
    if (n > 3 && (memcmp(w + n - 3, "xes", 3) == 0 || memcmp(w + n - 3, "zes", 3) == 0))
        return n - 2;
    if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i')
        return n - 1;
    return n;
}

/* Name from the parent: camel case of its words, last one singular, + "Id". */
static size_t name_from_parent(const rp_disc_node_t *parent, char *out, size_t cap)
{
    static const char fallback[] = "id";
    if (!parent || !parent->parent || parent->kind != RP_NODE_LIT ||
        is_version(rp_str(parent->seg, parent->seglen)))
        goto fb;
    /* words: runs of letters separated by - _ . ; any digit: not a word */
    char words[8][24];
    size_t wl[8], nw = 0;
    const char *p = parent->seg;
    size_t n = parent->seglen, i = 0;
    while (i < n) {
        int c = (unsigned char)p[i];
        if (c == '-' || c == '_' || c == '.') {
            i++;
            continue;
        }
        if (!is_alpha(c))
            goto fb;
        if (nw == 8)
            goto fb;
        size_t l = 0;
        while (i < n && is_alpha((unsigned char)p[i])) {
            if (l < sizeof(words[0]))
                words[nw][l++] = (char)rp_lower((unsigned char)p[i]);
            i++;
        }
        wl[nw++] = l;
    }
    if (nw == 0)
        goto fb;
    wl[nw - 1] = singular(words[nw - 1], wl[nw - 1]);
    size_t o = 0;
    for (size_t k = 0; k < nw; k++) {
        for (size_t j = 0; j < wl[k] && o + 3 < cap; j++) {
            char c = words[k][j];
            out[o++] = (k > 0 && j == 0) ? (char)(c - 32) : c;
        }
    }
    if (o + 3 > cap)
        goto fb;
    out[o++] = 'I';
    out[o++] = 'd';
    out[o] = 0;
    return o;
fb:
    memcpy(out, fallback, sizeof(fallback));
    return 2;
}

static int name_used(const rp_disc_node_t *parent, const char *name, size_t n)
{
    for (const rp_disc_node_t *a = parent; a && a->parent; a = a->parent)
        if (a->kind != RP_NODE_LIT && a->seglen == n && memcmp(a->seg, name, n) == 0)
            return 1;
    return 0;
}

/* The documented name rule, unique within the template above parent. */
static size_t param_name(const rp_disc_node_t *parent, char *out, size_t cap)
{
    size_t n = name_from_parent(parent, out, cap - 4);
    if (!name_used(parent, out, n))
        return n;
    for (int k = 2; k < 100; k++) {
        size_t m = n;
        if (k >= 10)
            out[m++] = (char)('0' + k / 10);
        out[m++] = (char)('0' + k % 10);
        out[m] = 0;
        if (!name_used(parent, out, m))
            return m;
    }
    return n;
}

/* ---------------------------------------------------------------------- */
/* The tree.                                                                */

char *rp__strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

uint64_t rp__disc_hash(const void *p, size_t n)
{
    /* 8 bytes at a time, multiply-xorshift; the tail zero-padded */
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i);
        h = (h ^ w) * 0x94d049bb133111ebull;
        h ^= h >> 29;
    }
    return h;
}

static uint64_t seg_hash(rp_str_t s) { return rp__disc_hash(s.p, s.n); }

static size_t edge_bucket(const rp_disc_app_t *a, const rp_disc_node_t *parent, uint64_t h)
{
    return (size_t)(rp__mix64(h ^ (uint64_t)(uintptr_t)parent)) & a->edge_mask;
}

static rp_disc_node_t *lit_find(const rp_disc_app_t *a, const rp_disc_node_t *parent, rp_str_t s,
                                uint64_t h)
{
    if (!a->edges)
        return NULL;
    for (rp_disc_node_t *n = a->edges[edge_bucket(a, parent, h)]; n; n = n->hnext)
        if (n->parent == parent && n->hash == h && n->seglen == s.n &&
            memcmp(n->seg, s.p, s.n) == 0)
            return n;
    return NULL;
}

static void edge_link(rp_disc_app_t *a, rp_disc_node_t *n)
{
    size_t b = edge_bucket(a, n->parent, n->hash);
    n->hnext = a->edges[b];
    a->edges[b] = n;
}

static void edge_unlink(rp_disc_app_t *a, rp_disc_node_t *n)
{
    rp_disc_node_t **pp = &a->edges[edge_bucket(a, n->parent, n->hash)];
    while (*pp && *pp != n)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = n->hnext;
    n->hnext = NULL;
}

static int edges_grow(rp_disc_app_t *a)
{
    size_t ncap = a->edges ? (a->edge_mask + 1) * 2 : 64;
    rp_disc_node_t **nb = calloc(ncap, sizeof(*nb));
    if (!nb)
        return RP_ENOMEM;
    rp_disc_node_t **old = a->edges;
    size_t ocap = old ? a->edge_mask + 1 : 0;
    a->edges = nb;
    a->edge_mask = ncap - 1;
    for (size_t i = 0; i < ocap; i++) {
        rp_disc_node_t *n = old[i];
        while (n) {
            rp_disc_node_t *next = n->hnext;
            edge_link(a, n);
            n = next;
        }
    }
    free(old);
    return 0;
}

void rp__tmpl_app_init(rp_disc_app_t *a)
{
    memset(&a->root, 0, sizeof(a->root));
    a->root.depth = 0xffff;
    a->edges = NULL;
    a->edge_mask = 0;
    a->nnodes = 0;
}

static size_t node_cap(const rp_disc_t *d)
{
    return d->o.max_endpoints * 2 + 64;
}

static rp_disc_node_t *node_new(rp_disc_t *d, rp_disc_app_t *a, rp_disc_node_t *parent, int kind,
                                rp_str_t seg, unsigned flags)
{
    if (a->nnodes >= node_cap(d)) {
        d->st.capped_endpoints++;
        return NULL;
    }
    if (kind == RP_NODE_LIT && (!a->edges || (a->nnodes + 1) * 2 > a->edge_mask + 1) &&
        edges_grow(a) != 0)
        return NULL;
    rp_disc_node_t *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->seg = rp__strndup(seg.p, seg.n);
    if (!n->seg) {
        free(n);
        return NULL;
    }
    n->seglen = (uint32_t)seg.n;
    n->kind = (uint8_t)kind;
    n->flags = (uint8_t)flags;
    n->parent = parent;
    n->depth = (uint16_t)(parent->depth == 0xffff ? 0 : parent->depth + 1);
    a->nnodes++;
    if (kind == RP_NODE_LIT) {
        n->hash = seg_hash(seg);
        edge_link(a, n);
        n->sib = parent->kids;
        parent->kids = n;
        parent->nlit++;
    } else if (kind == RP_NODE_PARAM) {
        parent->param = n;
    } else {
        parent->greedy = n;
    }
    return n;
}

static rp_disc_node_t *param_new(rp_disc_t *d, rp_disc_app_t *a, rp_disc_node_t *parent,
                                 unsigned flags)
{
    char name[64];
    size_t n = param_name(parent, name, sizeof(name));
    return node_new(d, a, parent, RP_NODE_PARAM, rp_str(name, n), flags);
}

static void node_free(rp_disc_node_t *n);

/* Frees everything below n and what n holds, not n itself (the root is
 * embedded in the application). */
static void node_free_contents(rp_disc_node_t *n)
{
    rp_disc_node_t *k = n->kids;
    n->kids = NULL;
    while (k) {
        rp_disc_node_t *next = k->sib;
        node_free(k);
        k = next;
    }
    if (n->param)
        node_free(n->param);
    if (n->greedy)
        node_free(n->greedy);
    n->param = n->greedy = NULL;
    for (uint32_t i = 0; i < n->neps; i++)
        rp__ep_free(n->eps[i]);
    free(n->eps);
    free(n->seg);
    n->eps = NULL;
    n->seg = NULL;
    n->neps = 0;
}

static void node_free(rp_disc_node_t *n)
{
    node_free_contents(n);
    free(n);
}

void rp__tmpl_app_dispose(rp_disc_app_t *a)
{
    node_free_contents(&a->root);
    free(a->edges);
    a->edges = NULL;
}

static size_t node_memory(const rp_disc_node_t *n)
{
    size_t m = sizeof(*n) + n->seglen + 1 + n->neps * sizeof(void *);
    for (const rp_disc_node_t *k = n->kids; k; k = k->sib)
        m += node_memory(k);
    if (n->param)
        m += node_memory(n->param);
    if (n->greedy)
        m += node_memory(n->greedy);
    return m;
}

size_t rp__tmpl_memory(const rp_disc_app_t *a)
{
    return node_memory(&a->root) + (a->edges ? (a->edge_mask + 1) * sizeof(void *) : 0);
}

/* ---------------------------------------------------------------------- */
/* Folding: src's subtree (endpoints, children) into dst, at the same
 * depth. When src is a literal folded into a parameter, its text is
 * recorded as a value of that parameter for every endpoint below. */

typedef struct fold_ctx {
    rp_disc_t *d;
    rp_disc_app_t *a;
    int depth;                 /* the merged position */
    rp_str_t value;            /* the literal that became a parameter */
    int err;
} fold_ctx_t;

static void detach_lit(rp_disc_app_t *a, rp_disc_node_t *n)
{
    rp_disc_node_t *p = n->parent;
    rp_disc_node_t **pp = &p->kids;
    while (*pp && *pp != n)
        pp = &(*pp)->sib;
    if (*pp)
        *pp = n->sib;
    n->sib = NULL;
    p->nlit--;
    edge_unlink(a, n);
}

static void fold(fold_ctx_t *fc, rp_disc_node_t *src, rp_disc_node_t *dst);

static void adopt(fold_ctx_t *fc, rp_disc_node_t *k, rp_disc_node_t *dst)
{
    /* k is already detached from its old parent */
    rp_disc_node_t **slot = k->kind == RP_NODE_PARAM ? &dst->param : &dst->greedy;
    if (k->kind == RP_NODE_LIT) {
        rp_disc_node_t *same = lit_find(fc->a, dst, rp_str(k->seg, k->seglen), k->hash);
        if (same) {
            fold(fc, k, same);
            return;
        }
        k->parent = dst;
        edge_link(fc->a, k);
        k->sib = dst->kids;
        dst->kids = k;
        dst->nlit++;
        /* endpoints below k now have a parameter at fc->depth */
        fold(fc, k, k);
        return;
    }
    if (*slot) {
        fold(fc, k, *slot);
        return;
    }
    k->parent = dst;
    *slot = k;
    fold(fc, k, k);
}

/* src == dst: only record the folded value on the endpoints below. */
static void fold(fold_ctx_t *fc, rp_disc_node_t *src, rp_disc_node_t *dst)
{
    if (src == dst) {
        for (uint32_t i = 0; i < src->neps; i++)
            if (rp__ep_fold_value(fc->d, src->eps[i], fc->depth, fc->value,
                                  src->eps[i]->requests) != 0)
                fc->err = RP_ENOMEM;
        for (rp_disc_node_t *k = src->kids; k; k = k->sib)
            fold(fc, k, k);
        if (src->param)
            fold(fc, src->param, src->param);
        if (src->greedy)
            fold(fc, src->greedy, src->greedy);
        return;
    }
    dst->requests += src->requests;
    if (src->flags & RP_NF_HINT)
        dst->flags |= RP_NF_HINT;
    /* endpoints */
    for (uint32_t i = 0; i < src->neps; i++) {
        rp_disc_ep_t *e = src->eps[i];
        if (rp__ep_fold_value(fc->d, e, fc->depth, fc->value, e->requests) != 0)
            fc->err = RP_ENOMEM;
        rp_disc_ep_t *de = rp__ep_get(fc->d, fc->a, dst, rp_str_c(e->method), 0);
        if (de) {
            if (rp__ep_merge(fc->d, de, e) != 0)
                fc->err = RP_ENOMEM;
            rp__ep_free(e);
            fc->a->nendpoints--;
        } else {
            rp_disc_ep_t **ne = realloc(dst->eps, (dst->neps + 1) * sizeof(*ne));
            if (!ne) {
                fc->err = RP_ENOMEM;
                rp__ep_free(e);
                fc->a->nendpoints--;
                continue;
            }
            dst->eps = ne;
            e->node = dst;
            dst->eps[dst->neps++] = e;
        }
    }
    free(src->eps);
    src->eps = NULL;
    src->neps = 0;
    /* children */
    rp_disc_node_t *k = src->kids;
    while (k) {
        rp_disc_node_t *next = k->sib;
        edge_unlink(fc->a, k);
        k->sib = NULL;
        adopt(fc, k, dst);
        k = next;
    }
    src->kids = NULL;
    src->nlit = 0;
    if (src->param) {
        rp_disc_node_t *p = src->param;
        src->param = NULL;
        adopt(fc, p, dst);
    }
    if (src->greedy) {
        rp_disc_node_t *g = src->greedy;
        src->greedy = NULL;
        adopt(fc, g, dst);
    }
    /* src is empty now */
    free(src->seg);
    free(src);
    fc->a->nnodes--;
}

/* ---------------------------------------------------------------------- */
/* Statistical merge.                                                       */

/* Character classes of a segment, for "similar shapes". */
static unsigned shape(const rp_disc_node_t *n)
{
    unsigned m = 0;
    for (uint32_t i = 0; i < n->seglen; i++) {
        int c = (unsigned char)n->seg[i];
        m |= is_lower(c) ? 1u : is_upper(c) ? 2u : is_digit(c) ? 4u : (c == '-' || c == '_') ? 8u : 16u;
    }
    return m;
}

static int mergeable(const rp_disc_node_t *k)
{
    return !(k->flags & RP_NF_HINT) && !is_lookalike(rp_str(k->seg, k->seglen));
}

/* Decides whether the literal children of p are values, and if so folds
 * them into one parameter. The rule (all must hold):
 *   - p is not the root (first segments name APIs, not values);
 *   - more than merge_threshold mergeable children (hinted literals and
 *     look-alikes never count and never merge);
 *   - few requests each: on average at most 4 per child (values keep
 *     coming; a fixed set of resources is hit again and again);
 *   - no deeper structure that differs: at most a quarter of them have
 *     a parameter below (collections do, values rarely), and literal
 *     grandchildren are shared (each name under two children on average:
 *     /users/alice/orders, /users/bob/orders) or absent;
 *   - similar shapes: one character-class mix covers half of them.
 * Returns the parameter node when a merge happened, else NULL. */
static rp_disc_node_t *maybe_merge(rp_disc_t *d, rp_disc_app_t *a, rp_disc_node_t *p)
{
    if (!p->parent || p->nlit <= d->o.merge_threshold)
        return NULL;
    if (p->param && !(p->param->flags & RP_NF_OPEN) && (p->param->flags & RP_NF_HINT))
        return NULL;
    uint64_t ncand = 0, reqs = 0, with_param = 0, gsum = 0;
    unsigned shapes[16];
    uint64_t shape_n[16];
    size_t nshapes = 0;
    for (rp_disc_node_t *k = p->kids; k; k = k->sib) {
        if (!mergeable(k))
            continue;
        ncand++;
        reqs += k->requests;
        if (k->param || k->greedy)
            with_param++;
        gsum += k->nlit;
        unsigned sh = shape(k);
        size_t j = 0;
        while (j < nshapes && shapes[j] != sh)
            j++;
        if (j == nshapes && nshapes < 16) {
            shapes[nshapes] = sh;
            shape_n[nshapes++] = 0;
        }
        if (j < nshapes)
            shape_n[j]++;
    }
    if (ncand <= d->o.merge_threshold)
        return NULL;
    if (reqs > ncand * 4)
        return NULL;
    if (with_param * 4 > ncand)
        return NULL;
    uint64_t best = 0;
    for (size_t j = 0; j < nshapes; j++)
        best = RP_MAX(best, shape_n[j]);
    if (best * 2 < ncand)
        return NULL;
    if (gsum > 0) {
        /* distinct grandchild names, in a small open-addressed set; past
         * 256 distinct names the children are not values */
        uint64_t set[512];
        memset(set, 0, sizeof(set));
        uint64_t distinct = 0;
        for (rp_disc_node_t *k = p->kids; k; k = k->sib) {
            if (!mergeable(k))
                continue;
            for (rp_disc_node_t *g = k->kids; g; g = g->sib) {
                uint64_t h = g->hash | 1;
                size_t j = (size_t)rp__mix64(h) & 511;
                while (set[j] && set[j] != h)
                    j = (j + 1) & 511;
                if (!set[j]) {
                    if (++distinct > 256)
                        return NULL;
                    set[j] = h;
                }
            }
        }
        if (gsum < distinct * 2)
            return NULL;
    }
    /* merge */
    rp_disc_node_t *prm = p->param;
    if (!prm) {
        prm = param_new(d, a, p, RP_NF_OPEN);
        if (!prm)
            return NULL;
    }
    prm->flags |= RP_NF_OPEN;
    rp_disc_node_t *k = p->kids;
    while (k) {
        rp_disc_node_t *next = k->sib;
        if (mergeable(k)) {
            fold_ctx_t fc = { d, a, prm->depth, RP_STR_NULL, 0 };
            char text[RP_DISC_MAX_SEG];
            memcpy(text, k->seg, k->seglen);
            fc.value = rp_str(text, k->seglen);
            detach_lit(a, k);
            fold(&fc, k, prm);
        }
        k = next;
    }
    return prm;
}

/* ---------------------------------------------------------------------- */
/* Walking.                                                                 */

rp_disc_node_t *rp__tmpl_walk(rp_disc_t *d, rp_disc_app_t *a, const rp_str_t *segs, int nseg,
                              int create, rp_str_t *pvals, int *pdepth, int *np)
{
    rp_disc_node_t *n = &a->root;
    *np = 0;
    for (int i = 0; i < nseg; i++) {
        rp_str_t s = segs[i];
        uint64_t h = seg_hash(s);
        rp_disc_node_t *c = lit_find(a, n, s, h);
        if (c) {
            n = c;
            continue;
        }
        if (n->param && (n->param->flags & RP_NF_OPEN)) {
            c = n->param;
        } else if (n->greedy) {
            const char *end = segs[nseg - 1].p + segs[nseg - 1].n;
            pvals[*np] = rp_str(s.p, (size_t)(end - s.p));
            pdepth[(*np)++] = i;
            n = n->greedy;
            break;
        } else if (rp__tmpl_seg_is_value(s)) {
            c = n->param ? n->param : create ? param_new(d, a, n, 0) : NULL;
        } else if (!create) {
            return NULL;
        } else {
            c = node_new(d, a, n, RP_NODE_LIT, s, 0);
            if (c) {
                rp_disc_node_t *m = maybe_merge(d, a, n);
                if (m) {
                    /* c was folded away: continue at the parameter */
                    c = m;
                } else {
                    n = c;
                    continue;
                }
            }
        }
        if (!c)
            return NULL;
        pvals[*np] = s;
        pdepth[(*np)++] = i;
        n = c;
    }
    return n;
}

rp_disc_node_t *rp__tmpl_insert(rp_disc_t *d, rp_disc_app_t *a, const rp_disc_seg_t *segs,
                                int nseg, const rp_str_t *vals, rp_str_t *pvals, int *pdepth,
                                int *np)
{
    rp_disc_node_t *n = &a->root;
    *np = 0;
    for (int i = 0; i < nseg; i++) {
        rp_disc_seg_t sg = segs[i];
        unsigned fl = sg.flags;
        if (fl & RP_NF_HINT)
            fl |= sg.kind == RP_NODE_LIT ? 0 : RP_NF_OPEN;
        rp_disc_node_t *c;
        if (sg.kind == RP_NODE_LIT) {
            c = lit_find(a, n, sg.s, seg_hash(sg.s));
            if (!c && !(fl & RP_NF_HINT) && n->param &&
                (n->param->flags & (RP_NF_OPEN | RP_NF_HINT)) == RP_NF_OPEN &&
                !is_lookalike(sg.s)) {
                /* a restored literal where this tree already merged the
                 * values into a parameter: it is one of those values */
                c = n->param;
            }
            if (!c) {
                c = node_new(d, a, n, RP_NODE_LIT, sg.s, fl);
                if (c && !(fl & RP_NF_HINT)) {
                    rp_disc_node_t *m = maybe_merge(d, a, n);
                    if (m)
                        c = m;
                }
            }
            if (!c)
                return NULL;
            c->flags |= (uint8_t)(fl & RP_NF_HINT);
            if (c->kind != RP_NODE_LIT) {
                pvals[*np] = vals ? vals[i] : sg.s;
                pdepth[(*np)++] = i;
            }
            n = c;
            continue;
        }
        rp_disc_node_t **slot = sg.kind == RP_NODE_PARAM ? &n->param : &n->greedy;
        c = *slot;
        if (c) {
            /* a hint names a parameter the tree guessed: the hint wins */
            if ((fl & RP_NF_HINT) && !(c->flags & RP_NF_HINT) &&
                (c->seglen != sg.s.n || memcmp(c->seg, sg.s.p, sg.s.n) != 0)) {
                char *nm = rp__strndup(sg.s.p, sg.s.n);
                if (!nm)
                    return NULL;
                free(c->seg);
                c->seg = nm;
                c->seglen = (uint32_t)sg.s.n;
            }
            c->flags |= (uint8_t)fl;
        } else {
            c = node_new(d, a, n, sg.kind, sg.s, fl);
            if (!c)
                return NULL;
        }
        if (vals) {
            pvals[*np] = vals[i];
            pdepth[(*np)++] = i;
        }
        n = c;
        if (sg.kind == RP_NODE_GREEDY)
            break;
    }
    return n;
}

int rp__tmpl_render(const rp_disc_node_t *n, rp_buf_t *out)
{
    const rp_disc_node_t *chain[RP_DISC_MAX_DEPTH + 1];
    int k = 0;
    for (const rp_disc_node_t *x = n; x && x->parent && k <= RP_DISC_MAX_DEPTH; x = x->parent)
        chain[k++] = x;
    if (k == 0)
        return rp_buf_append(out, "/", 1);
    int rc = 0;
    while (k-- > 0) {
        const rp_disc_node_t *x = chain[k];
        rc |= rp_buf_append(out, "/", 1);
        if (x->kind != RP_NODE_LIT)
            rc |= rp_buf_append(out, "{", 1);
        rc |= rp_buf_append(out, x->seg, x->seglen);
        if (x->kind != RP_NODE_LIT)
            rc |= rp_buf_append(out, "}", 1);
    }
    return rc ? RP_ENOMEM : 0;
}

int rp__tmpl_flags(const rp_disc_node_t *n, rp_buf_t *out)
{
    char fl[RP_DISC_MAX_DEPTH + 1];
    int k = 0;
    for (const rp_disc_node_t *x = n; x && x->parent && k <= RP_DISC_MAX_DEPTH; x = x->parent)
        fl[k++] = (char)(x->kind | (x->flags << 4));
    while (k-- > 0)
        if (rp_buf_append(out, &fl[k], 1) != 0)
            return RP_ENOMEM;
    return 0;
}
