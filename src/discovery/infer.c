/*
 * infer.c - parameter types from the values seen.
 *
 * Each value is classified into one kind (RP_VK_*); a parameter keeps the
 * union of the kinds it saw, so merging samples or aggregators is an OR.
 * The type reported widens: integer alone -> integer; integer + number ->
 * number; boolean alone -> boolean; uuid / date / date-time / email alone
 * -> string with that format; any other mix, or any plain string ->
 * string. A string parameter whose distinct values stayed within
 * max_values over at least 4 requests per distinct value (and >= 10
 * requests) is an enum. Values are kept only for that purpose: never
 * longer than RP_DISC_MAX_VALUE, never once a value looked sensitive.
 */
#include "disc_int.h"

#include <stdlib.h>

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)p[i]))
            return 0;
    return 1;
}

static unsigned number_kind(rp_str_t v)
{
    size_t i = 0;
    if (i < v.n && (v.p[i] == '-' || v.p[i] == '+'))
        i++;
    size_t st = i;
    while (i < v.n && is_digit((unsigned char)v.p[i]))
        i++;
    size_t intd = i - st;
    if (i == v.n)
        return intd > 0 && intd <= 18 ? RP_VK_INT : intd > 0 ? RP_VK_NUM : 0;
    size_t frac = 0;
    if (v.p[i] == '.') {
        i++;
        size_t fs = i;
        while (i < v.n && is_digit((unsigned char)v.p[i]))
            i++;
        frac = i - fs;
    }
    if (intd == 0 && frac == 0)
        return 0;
    if (i < v.n && (v.p[i] == 'e' || v.p[i] == 'E')) {
        i++;
        if (i < v.n && (v.p[i] == '-' || v.p[i] == '+'))
            i++;
        size_t es = i;
        while (i < v.n && is_digit((unsigned char)v.p[i]))
            i++;
        if (i == es)
            return 0;
    }
    return i == v.n ? RP_VK_NUM : 0;
}

static int range2(const char *p, int lo, int hi)
{
    if (!digits(p, 2))
        return 0;
    int v = (p[0] - '0') * 10 + p[1] - '0';
    return v >= lo && v <= hi;
}

/* RFC 3339 full-date: 2024-06-01 */
static int date(rp_str_t v)
{
    return v.n >= 10 && digits(v.p, 4) && v.p[4] == '-' && range2(v.p + 5, 1, 12) &&
           v.p[7] == '-' && range2(v.p + 8, 1, 31);
}

/* RFC 3339 date-time: 2024-06-01T10:20:30(.123)?(Z|+01:00) */
static int datetime(rp_str_t v)
{
    if (!date(v) || v.n < 20 || (v.p[10] != 'T' && v.p[10] != 't' && v.p[10] != ' '))
        return 0;
    const char *p = v.p + 11;
    if (!range2(p, 0, 23) || p[2] != ':' || !range2(p + 3, 0, 59) || p[5] != ':' ||
        !range2(p + 6, 0, 60))
        return 0;
    size_t i = 19;
    if (i < v.n && v.p[i] == '.') {
        i++;
        size_t fs = i;
        while (i < v.n && is_digit((unsigned char)v.p[i]))
            i++;
        if (i == fs)
            return 0;
    }
    if (i < v.n && (v.p[i] == 'Z' || v.p[i] == 'z'))
        return i + 1 == v.n;
    if (i < v.n && (v.p[i] == '+' || v.p[i] == '-'))
        return i + 6 == v.n && range2(v.p + i + 1, 0, 23) && v.p[i + 3] == ':' &&
               range2(v.p + i + 4, 0, 59);
    return 0;
}

static int email(rp_str_t v)
{
    const char *at = memchr(v.p, '@', v.n);
    if (!at || at == v.p || v.n > 254)
        return 0;
    for (const char *c = v.p; c < at; c++) {
        int ch = (unsigned char)*c;
        if (ch <= ' ' || ch == '(' || ch == ')' || ch == ',' || ch == ':' || ch == ';' ||
            ch == '<' || ch == '>' || ch == '[' || ch == ']' || ch == '"' || ch >= 0x7f)
            return 0;
    }
    size_t dn = v.n - (size_t)(at - v.p) - 1;
    const char *d = at + 1;
    if (dn < 3)
        return 0;
    int dot = 0;
    for (size_t i = 0; i < dn; i++) {
        int ch = (unsigned char)d[i];
        if (ch == '.') {
            if (i == 0 || i == dn - 1 || d[i - 1] == '.')
                return 0;
            dot = 1;
        } else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
                     ch == '-')) {
            return 0;
        }
    }
    return dot;
}

unsigned rp__disc_value_kind(rp_str_t v)
{
    if (v.n == 0)
        return RP_VK_STRING;
    unsigned k = number_kind(v);
    if (k)
        return k;
    if ((v.n == 4 && rp_str_ieq(v, RP_STRLIT("true"))) ||
        (v.n == 5 && rp_str_ieq(v, RP_STRLIT("false"))))
        return RP_VK_BOOL;
    if (rp__disc_is_uuid(v))
        return RP_VK_UUID;
    if (v.n == 10 && date(v))
        return RP_VK_DATE;
    if (datetime(v))
        return RP_VK_DATETIME;
    if (email(v))
        return RP_VK_EMAIL;
    return RP_VK_STRING;
}

/* ---------------------------------------------------------------------- */

static void drop_values(rp_disc_pstat_t *p)
{
    for (unsigned i = 0; i < p->nvals; i++)
        free(p->vals[i]);
    free(p->vals);
    free(p->vhash);
    p->vals = NULL;
    p->vhash = NULL;
    p->nvals = 0;
    p->novals = 1;
}

static int keep_value(rp_disc_t *d, rp_disc_pstat_t *p, rp_str_t v)
{
    if (p->novals)
        return 0;
    if (v.n > RP_DISC_MAX_VALUE || d->o.max_values == 0 || (v.n && memchr(v.p, 0, v.n))) {
        drop_values(p);
        return 0;
    }
    uint32_t h = (uint32_t)rp__disc_hash(v.p, v.n);
    for (unsigned i = 0; i < p->nvals; i++)
        if (p->vhash[i] == h && strlen(p->vals[i]) == v.n && memcmp(p->vals[i], v.p, v.n) == 0)
            return 0;
    if (p->nvals >= d->o.max_values || p->nvals >= 255) {
        d->st.capped_values++;
        drop_values(p);
        return 0;
    }
    if (!p->vals) {
        size_t cap = d->o.max_values < 255 ? d->o.max_values : 255;
        p->vals = calloc(cap, sizeof(char *));
        p->vhash = calloc(cap, sizeof(uint32_t));
        if (!p->vals || !p->vhash) {
            drop_values(p);
            return RP_ENOMEM;
        }
    }
    char *s = rp__strndup(v.p, v.n);
    if (!s)
        return RP_ENOMEM;
    p->vals[p->nvals] = s;
    p->vhash[p->nvals++] = h;
    return 0;
}

int rp__pstat_add(rp_disc_t *d, rp_disc_pstat_t *p, rp_str_t v, uint64_t n)
{
    unsigned k = rp__disc_value_kind(v);
    p->kinds |= k;
    p->count += n;
    unsigned s = rp__sensitive_value(v);
    if (s) {
        p->sensitive |= s;
        if (!p->novals)
            drop_values(p);
        return 0;
    }
    /* enum candidates: plain strings only (integers, uuids... are not) */
    if (k == RP_VK_STRING || k == RP_VK_BOOL)
        return keep_value(d, p, v);
    return 0;
}

int rp__pstat_merge(rp_disc_t *d, rp_disc_pstat_t *dst, const rp_disc_pstat_t *src)
{
    dst->kinds |= src->kinds;
    dst->sensitive |= src->sensitive;
    dst->count += src->count;
    if (src->novals) {
        if (!dst->novals)
            drop_values(dst);
        return 0;
    }
    for (unsigned i = 0; i < src->nvals; i++)
        if (keep_value(d, dst, rp_str_c(src->vals[i])) != 0)
            return RP_ENOMEM;
    return 0;
}

void rp__pstat_dispose(rp_disc_pstat_t *p)
{
    for (unsigned i = 0; i < p->nvals; i++)
        free(p->vals[i]);
    free(p->vals);
    free(p->vhash);
    free(p->name);
    memset(p, 0, sizeof(*p));
}

void rp__pstat_describe(const rp_disc_pstat_t *p, size_t max_values, const char **type,
                        const char **format, size_t *nenum)
{
    unsigned k = p->kinds;
    *format = NULL;
    *nenum = 0;
    if (k == RP_VK_INT) {
        *type = "integer";
    } else if (k && (k & ~(unsigned)(RP_VK_INT | RP_VK_NUM)) == 0) {
        *type = "number";
    } else if (k == RP_VK_BOOL) {
        *type = "boolean";
    } else {
        *type = "string";
        if (k == RP_VK_UUID)
            *format = "uuid";
        else if (k == RP_VK_DATE)
            *format = "date";
        else if (k == RP_VK_DATETIME)
            *format = "date-time";
        else if (k == RP_VK_EMAIL)
            *format = "email";
        else if (!p->novals && p->nvals > 0 && p->nvals <= max_values && p->count >= 10 &&
                 p->count >= (uint64_t)p->nvals * 4 && (k & RP_VK_STRING))
            *nenum = p->nvals;
    }
}
