/*
 * schema.c - JSON body schemas learned from samples.
 *
 * A sample is parsed with the project's SAX parser into a temporary
 * schema, which is merged into the endpoint's only when the body parsed
 * whole (a truncated or broken body teaches nothing). A schema node keeps
 * the union of the JSON types seen (so "nullable" is the null bit beside
 * another type), for strings the formats that every string matched
 * (uuid, email, date-time, date), for objects how many times it was an
 * object and, per property, in how many of those objects it appeared:
 * required = present every time. Arrays have one item schema, the merge
 * of all their elements. Nodes per body schema are capped at
 * max_schema_nodes; what the cap turned away is counted once per sample
 * in capped_schema.
 */
#include "disc_int.h"

#include <stdlib.h>

#define SCHEMA_MAX_DEPTH 32

static unsigned string_format(rp_str_t v)
{
    switch (rp__disc_value_kind(v)) {
    case RP_VK_UUID: return RP_SF_UUID;
    case RP_VK_EMAIL: return RP_SF_EMAIL;
    case RP_VK_DATETIME: return RP_SF_DATETIME;
    case RP_VK_DATE: return RP_SF_DATE;
    default: return 0;
    }
}

void rp__schema_free(rp_disc_schema_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nprops; i++) {
        free(s->props[i].name);
        rp__schema_free(s->props[i].s);
    }
    free(s->props);
    rp__schema_free(s->items);
    free(s);
}

size_t rp__schema_memory(const rp_disc_schema_t *s)
{
    if (!s)
        return 0;
    size_t m = sizeof(*s) + s->capprops * sizeof(rp_disc_sprop_t);
    for (size_t i = 0; i < s->nprops; i++)
        m += strlen(s->props[i].name) + 1 + rp__schema_memory(s->props[i].s);
    return m + rp__schema_memory(s->items);
}

/* Finds or inserts (sorted) a property. *created tells which. */
static rp_disc_sprop_t *prop_get(rp_disc_schema_t *s, rp_str_t name, int *created)
{
    size_t lo = 0, hi = s->nprops;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *pn = s->props[mid].name;
        size_t pl = strlen(pn);
        int c = memcmp(pn, name.p, pl < name.n ? pl : name.n);
        if (c == 0)
            c = pl < name.n ? -1 : pl > name.n ? 1 : 0;
        if (c == 0) {
            *created = 0;
            return &s->props[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (memchr(name.p, 0, name.n))
        return NULL;   /* a NUL in a key: not representable, skipped */
    if (s->nprops == s->capprops) {
        size_t nc = s->capprops ? s->capprops * 2 : 4;
        rp_disc_sprop_t *np = realloc(s->props, nc * sizeof(*np));
        if (!np)
            return NULL;
        s->props = np;
        s->capprops = nc;
    }
    char *nm = rp__strndup(name.p, name.n);
    if (!nm)
        return NULL;
    memmove(&s->props[lo + 1], &s->props[lo], (s->nprops - lo) * sizeof(*s->props));
    s->props[lo] = (rp_disc_sprop_t){ nm, 0, 0, NULL };
    s->nprops++;
    *created = 1;
    return &s->props[lo];
}

/* ---------------------------------------------------------------------- */
/* One sample -> a temporary schema.                                        */

typedef struct frame {
    rp_disc_schema_t *node;    /* NULL: skipped (cap hit) */
    int is_obj;
    uint64_t serial;           /* this object occurrence */
    rp_disc_schema_t *pending; /* object: the schema of the member being read */
    int pending_skip;
} frame_t;

typedef struct build {
    rp_disc_schema_t *root;
    size_t nodes, max_nodes;
    int capped, oom;
    unsigned sens;
    uint64_t serial;
    size_t depth;
    frame_t st[SCHEMA_MAX_DEPTH + 1];
    size_t skip_depth;         /* containers opened beyond SCHEMA_MAX_DEPTH */
} build_t;

static rp_disc_schema_t *node_new(build_t *b)
{
    if (b->nodes >= b->max_nodes) {
        b->capped = 1;
        return NULL;
    }
    rp_disc_schema_t *s = calloc(1, sizeof(*s));
    if (!s) {
        b->oom = 1;
        return NULL;
    }
    b->nodes++;
    return s;
}

/* The schema the next value goes into (NULL: skip). */
static rp_disc_schema_t *target(build_t *b)
{
    if (b->depth == 0) {
        if (!b->root)
            b->root = node_new(b);
        return b->root;
    }
    frame_t *f = &b->st[b->depth - 1];
    if (!f->node)
        return NULL;
    if (f->is_obj)
        return f->pending;
    if (!f->node->items)
        f->node->items = node_new(b);
    return f->node->items;
}

static int build_cb(void *ud, rp_json_event_t ev, rp_str_t v, rp_str_t raw)
{
    build_t *b = ud;
    if (b->oom)
        return 1;
    if (b->skip_depth) {
        if (ev == RP_JSON_OBJECT_BEGIN || ev == RP_JSON_ARRAY_BEGIN)
            b->skip_depth++;
        else if (ev == RP_JSON_OBJECT_END || ev == RP_JSON_ARRAY_END)
            b->skip_depth--;
        else if (ev == RP_JSON_STRING)
            b->sens |= rp__sensitive_value(v);
        return 0;
    }
    if (ev == RP_JSON_KEY) {
        frame_t *f = &b->st[b->depth - 1];
        unsigned ns = rp__sensitive_name(v);
        b->sens |= ns;
        f->pending = NULL;
        if (!f->node)
            return 0;
        int created = 0;
        rp_disc_sprop_t *p = prop_get(f->node, v, &created);
        if (!p)
            return 0;
        if (p->mark != f->serial) {
            p->mark = f->serial;
            p->count++;
        }
        if (!p->s)
            p->s = node_new(b);
        if (p->s)
            p->s->sensitive |= ns;
        f->pending = p->s;
        return 0;
    }
    if (ev == RP_JSON_OBJECT_END || ev == RP_JSON_ARRAY_END) {
        b->depth--;
        return 0;
    }
    rp_disc_schema_t *t = target(b);
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN:
        if (b->depth >= SCHEMA_MAX_DEPTH) {
            b->skip_depth = 1;
            return 0;
        }
        if (t) {
            t->types |= ev == RP_JSON_OBJECT_BEGIN ? RP_ST_OBJECT : RP_ST_ARRAY;
            if (ev == RP_JSON_OBJECT_BEGIN)
                t->nobjects++;
        }
        b->st[b->depth++] = (frame_t){ t, ev == RP_JSON_OBJECT_BEGIN, ++b->serial, NULL, 0 };
        return 0;
    case RP_JSON_STRING: {
        unsigned s = rp__sensitive_value(v);
        b->sens |= s;
        if (!t)
            return 0;
        unsigned f = string_format(v);
        t->formats = t->nstrings ? (t->formats & f) : f;
        t->nstrings++;
        t->types |= RP_ST_STRING;
        t->sensitive |= s;
        return 0;
    }
    case RP_JSON_NUMBER:
        if (t) {
            int frac = memchr(raw.p, '.', raw.n) || memchr(raw.p, 'e', raw.n) ||
                       memchr(raw.p, 'E', raw.n);
            t->types |= frac ? RP_ST_NUM : RP_ST_INT;
        }
        return 0;
    case RP_JSON_TRUE:
    case RP_JSON_FALSE:
        if (t)
            t->types |= RP_ST_BOOL;
        return 0;
    case RP_JSON_NULL:
        if (t)
            t->types |= RP_ST_NULL;
        return 0;
    default:
        return 0;
    }
}

/* ---------------------------------------------------------------------- */
/* Merging.                                                                 */

static int merge_rec(rp_disc_t *d, rp_disc_schema_t **dst, size_t *nodes,
                     const rp_disc_schema_t *src, int *capped)
{
    if (!src)
        return 0;
    if (!*dst) {
        if (*nodes >= d->o.max_schema_nodes) {
            *capped = 1;
            return 0;
        }
        *dst = calloc(1, sizeof(**dst));
        if (!*dst)
            return RP_ENOMEM;
        (*nodes)++;
    }
    rp_disc_schema_t *t = *dst;
    t->types |= src->types;
    if (src->nstrings)
        t->formats = t->nstrings ? (t->formats & src->formats) : src->formats;
    t->nstrings += src->nstrings;
    t->nobjects += src->nobjects;
    t->sensitive |= src->sensitive;
    for (size_t i = 0; i < src->nprops; i++) {
        const rp_disc_sprop_t *sp = &src->props[i];
        int created = 0;
        rp_disc_sprop_t *dp = prop_get(t, rp_str_c(sp->name), &created);
        if (!dp)
            return RP_ENOMEM;
        dp->count += sp->count;
        /* prop_get may move props: merge through the index */
        size_t idx = (size_t)(dp - t->props);
        rp_disc_schema_t *child = t->props[idx].s;
        int rc = merge_rec(d, &child, nodes, sp->s, capped);
        t->props[idx].s = child;
        if (rc)
            return rc;
    }
    return merge_rec(d, &t->items, nodes, src->items, capped);
}

int rp__schema_merge(rp_disc_t *d, rp_disc_schema_t **dst, size_t *nodes,
                     const rp_disc_schema_t *src)
{
    int capped = 0;
    int rc = merge_rec(d, dst, nodes, src, &capped);
    if (capped)
        d->st.capped_schema++;
    return rc;
}

int rp__schema_learn(rp_disc_t *d, rp_disc_body_t *b, rp_str_t body, int truncated,
                     unsigned *sens)
{
    if (truncated || body.n == 0 || body.n > d->o.max_body)
        return 0;
    build_t *bs = calloc(1, sizeof(*bs));
    if (!bs)
        return RP_ENOMEM;
    bs->max_nodes = d->o.max_schema_nodes;
    int rc = rp_json_parse(body.p, body.n, 64, &d->scratch, build_cb, bs, NULL);
    rp_arena_reset(&d->scratch);
    int ret = 0;
    if (bs->oom) {
        ret = RP_ENOMEM;
    } else if (rc == RP_JSON_OK) {
        if (bs->capped)
            d->st.capped_schema++;
        *sens |= bs->sens;
        b->samples++;
        ret = rp__schema_merge(d, &b->root, &b->nodes, bs->root);
    }
    rp__schema_free(bs->root);
    free(bs);
    return ret;
}

/* ---------------------------------------------------------------------- */
/* Output as JSON Schema (draft 2020-12, the OpenAPI 3.1 dialect).          */

static int put(rp_buf_t *o, const char *s) { return rp_buf_append_cstr(o, s); }

static int put_sensitive(rp_buf_t *o, unsigned bits, int comma)
{
    int rc = put(o, comma ? ",\"x-rampart-sensitive\":[" : "\"x-rampart-sensitive\":[");
    int first = 1;
    for (unsigned b = 1; b && b <= RP_DISC_S_PASSWORD; b <<= 1) {
        if (!(bits & b))
            continue;
        rc |= put(o, first ? "\"" : ",\"");
        rc |= put(o, rp_disc_sensitive_name(b));
        rc |= put(o, "\"");
        first = 0;
    }
    return rc | put(o, "]");
}

int rp__schema_write_json(const rp_disc_schema_t *s, rp_buf_t *o)
{
    if (!s || s->types == 0) {
        int rc = put(o, "{");
        if (s && s->sensitive)
            rc |= put_sensitive(o, s->sensitive, 0);
        rc |= put(o, "}");
        return rc ? RP_ENOMEM : 0;
    }
    int rc = put(o, "{\"type\":");
    unsigned t = s->types;
    if ((t & RP_ST_INT) && (t & RP_ST_NUM))
        t &= ~(unsigned)RP_ST_INT;
    static const struct { unsigned bit; const char *name; } names[] = {
        { RP_ST_ARRAY, "array" },   { RP_ST_BOOL, "boolean" }, { RP_ST_INT, "integer" },
        { RP_ST_NULL, "null" },     { RP_ST_NUM, "number" },   { RP_ST_OBJECT, "object" },
        { RP_ST_STRING, "string" },
    };
    int n = 0;
    for (size_t i = 0; i < RP_ARRAY_SIZE(names); i++)
        n += (t & names[i].bit) != 0;
    if (n > 1)
        rc |= put(o, "[");
    int first = 1;
    for (size_t i = 0; i < RP_ARRAY_SIZE(names); i++) {
        if (!(t & names[i].bit))
            continue;
        rc |= put(o, first ? "\"" : ",\"");
        rc |= put(o, names[i].name);
        rc |= put(o, "\"");
        first = 0;
    }
    if (n > 1)
        rc |= put(o, "]");
    if ((t & RP_ST_STRING) && s->nstrings && s->formats) {
        const char *f = (s->formats & RP_SF_UUID)       ? "uuid"
                        : (s->formats & RP_SF_EMAIL)    ? "email"
                        : (s->formats & RP_SF_DATETIME) ? "date-time"
                                                        : "date";
        rc |= put(o, ",\"format\":\"");
        rc |= put(o, f);
        rc |= put(o, "\"");
    }
    if (t & RP_ST_OBJECT) {
        rc |= put(o, ",\"properties\":{");
        for (size_t i = 0; i < s->nprops; i++) {
            rc |= put(o, i ? ",\"" : "\"");
            rc |= rp_buf_append_json_str(o, s->props[i].name, strlen(s->props[i].name));
            rc |= put(o, "\":");
            rc |= rp__schema_write_json(s->props[i].s, o);
        }
        rc |= put(o, "}");
        int nreq = 0;
        for (size_t i = 0; i < s->nprops; i++) {
            if (s->props[i].count < s->nobjects || s->nobjects == 0)
                continue;
            rc |= put(o, nreq ? ",\"" : ",\"required\":[\"");
            rc |= rp_buf_append_json_str(o, s->props[i].name, strlen(s->props[i].name));
            rc |= put(o, "\"");
            nreq++;
        }
        if (nreq)
            rc |= put(o, "]");
    }
    if (t & RP_ST_ARRAY) {
        rc |= put(o, ",\"items\":");
        rc |= rp__schema_write_json(s->items, o);
    }
    if (s->sensitive)
        rc |= put_sensitive(o, s->sensitive, 1);
    rc |= put(o, "}");
    return rc ? RP_ENOMEM : 0;
}
