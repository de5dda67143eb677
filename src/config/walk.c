/*
 * walk.c - applies a table of typed keys (rp__conf_section_t) to a YAML
 * mapping node.
 *
 * One walker serves every section: it rejects unknown and duplicate keys,
 * checks each value against the key's type and bounds, stores it at the
 * key's offset, and reports required keys that are missing. Defaults are
 * YAML text in the table and go through the same parsers as user input,
 * so a default can never be something a user could not write.
 */
#include "config/config_int.h"

#include <stdlib.h>
#include <string.h>

static void store_uint(void *field, size_t size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)field = (uint8_t)v; break;
    case 2: *(uint16_t *)field = (uint16_t)v; break;
    case 4: *(uint32_t *)field = (uint32_t)v; break;
    case 8: *(uint64_t *)field = v; break;
    default: RP_BUG_ON(1);
    }
}

static int is_scalar(const rp__cnode_t *v)
{
    return v && v->kind == RP__CN_SCALAR && !rp__cnode_is_null(v);
}

int rp__conf_get_uint(rp__conf_ctx_t *ctx, const char *name, const rp__cnode_t *v, uint64_t min,
                      uint64_t max, uint64_t *out)
{
    uint64_t x;
    if (!is_scalar(v)) {
        rp__conf_err(ctx, v, "expected an integer");
        return -1;
    }
    rp_str_t s = rp_str(v->s, v->n);
    int negative = s.n > 1 && s.p[0] == '-';
    if (negative)
        s = rp_str(s.p + 1, s.n - 1);
    int bad = rp_str_to_u64(s, UINT64_MAX, &x) < 0;
    if (bad) { /* all digits but overflowing is a range error, not a type error */
        size_t i = 0;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
            i++;
        if (i != s.n || s.n == 0) {
            rp__conf_err(ctx, v, "expected an integer");
            return -1;
        }
    }
    if (bad || negative || x < min || x > max) {
        rp__conf_err(ctx, v, "%s must be between %llu and %llu", name, (unsigned long long)min,
                     (unsigned long long)max);
        return -1;
    }
    *out = x;
    return 0;
}

int rp__conf_get_string(rp__conf_ctx_t *ctx, const char *name, const rp__cnode_t *v, char **out)
{
    if (!is_scalar(v)) {
        rp__conf_err(ctx, v, "expected a string");
        return -1;
    }
    for (size_t i = 0; i < v->n; i++) {
        if (v->s[i] == '\0' || v->s[i] == '\r' || v->s[i] == '\n') {
            rp__conf_err(ctx, v, "%s must not contain CR, LF or NUL", name);
            return -1;
        }
    }
    free(*out);
    *out = rp_xstrndup(v->s, v->n);
    return 0;
}

int rp__conf_is_token(const char *s, size_t n)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c != '\0' && strchr(extra, c))))
            return 0;
    }
    return 1;
}

static void set_number(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                       void *field)
{
    uint64_t x;
    char lo[32], hi[32];
    if (k->type == RP__CT_UINT) {
        if (rp__conf_get_uint(ctx, k->name, v, k->min, k->max, &x) == 0)
            store_uint(field, k->size, x);
        return;
    }
    int dur = k->type == RP__CT_DURATION;
    if (!is_scalar(v) || (dur ? rp_conf_parse_duration_ms(rp_str(v->s, v->n), &x)
                              : rp_conf_parse_size(rp_str(v->s, v->n), &x)) < 0) {
        rp__conf_err(ctx, v, dur ? "expected a duration like 10s, 250ms, 2m or 1h"
                                 : "expected a size like 512, 64k, 10m or 1g");
        return;
    }
    if (x >= k->min && x <= k->max) {
        store_uint(field, k->size, x);
        return;
    }
    if (dur && x < k->min && k->min == 1) {
        rp__conf_err(ctx, v, "%s must be greater than 0", k->name);
        return;
    }
    if (dur) {
        rp__conf_fmt_duration(k->min, lo, sizeof(lo));
        rp__conf_fmt_duration(k->max, hi, sizeof(hi));
    } else {
        rp__conf_fmt_size(k->min, lo, sizeof(lo));
        rp__conf_fmt_size(k->max, hi, sizeof(hi));
    }
    rp__conf_err(ctx, v, "%s must be between %s and %s", k->name, lo, hi);
}

static void set_value(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    void *field = (char *)obj + k->off;
    char *s = NULL;
    switch (k->type) {
    case RP__CT_UINT:
    case RP__CT_SIZE:
    case RP__CT_DURATION:
        set_number(ctx, k, v, field);
        break;
    case RP__CT_STRING:
    case RP__CT_PATH:
        if (rp__conf_get_string(ctx, k->name, v, &s) < 0)
            break;
        if (s[0] == '\0') {
            rp__conf_err(ctx, v, "%s must not be empty", k->name);
        } else if (k->type == RP__CT_PATH && s[0] != '/') {
            rp__conf_err(ctx, v, "%s must start with '/'", k->name);
        } else {
            size_t i = 0;
            while (k->type == RP__CT_PATH && s[i] && (unsigned char)s[i] > 0x20 && s[i] != 0x7f)
                i++;
            if (k->type == RP__CT_PATH && s[i]) {
                rp__conf_err(ctx, v, "%s must not contain spaces or control characters", k->name);
            } else {
                free(*(char **)field);
                *(char **)field = s;
                s = NULL;
            }
        }
        free(s);
        break;
    case RP__CT_BOOL: {
        static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
        int val = -1;
        for (size_t i = 0; is_scalar(v) && v->plain && i < RP_ARRAY_SIZE(yes) && val < 0; i++) {
            if (rp_str_ieq(rp_str(v->s, v->n), rp_str_c(yes[i])))
                val = 1;
            else if (rp_str_ieq(rp_str(v->s, v->n), rp_str_c(no[i])))
                val = 0;
        }
        if (val < 0)
            rp__conf_err(ctx, v, "%s must be true or false", k->name);
        else
            *(int *)field = val;
        break;
    }
    case RP__CT_SECTION:
        rp__conf_walk(ctx, k->sub, v, field);
        break;
    case RP__CT_FUNC:
        k->cb(ctx, k, v, obj);
        break;
    }
}

void rp__conf_apply_defaults(rp__conf_ctx_t *ctx, const rp__conf_section_t *sec, void *obj)
{
    for (size_t i = 0; i < sec->nkeys; i++) {
        const rp__conf_key_t *k = &sec->keys[i];
        if (k->type == RP__CT_SECTION) {
            rp__conf_apply_defaults(ctx, k->sub, (char *)obj + k->off);
        } else if (k->def) {
            /* A synthetic plain scalar without a position. */
            rp__cnode_t d = { RP__CN_SCALAR, 0, 0, (char *)k->def, strlen(k->def), 1, NULL, 0 };
            set_value(ctx, k, &d, obj);
        }
    }
}

void rp__conf_walk(rp__conf_ctx_t *ctx, const rp__conf_section_t *sec, const rp__cnode_t *map,
                   void *obj)
{
    char buf[80];
    uint64_t seen = 0;
    RP_BUG_ON(sec->nkeys > 64);
    if (map && map->kind != RP__CN_MAP && !rp__cnode_is_null(map)) {
        rp__conf_err(ctx, map, "expected a mapping");
        return;
    }
    for (size_t i = 0; map && map->kind == RP__CN_MAP && i + 1 < map->nkids; i += 2) {
        const rp__cnode_t *key = map->kids[i], *val = map->kids[i + 1];
        if (key->kind != RP__CN_SCALAR) {
            rp__conf_err(ctx, key, "mapping keys must be strings");
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j += 2) {
            const rp__cnode_t *o = map->kids[j];
            dup = o->kind == RP__CN_SCALAR && o->n == key->n && memcmp(o->s, key->s, key->n) == 0;
        }
        if (dup) {
            rp__conf_err(ctx, key, "duplicate key '%s'", rp__conf_show(key->s, key->n, buf, sizeof(buf)));
            continue;
        }
        size_t k = 0;
        while (k < sec->nkeys &&
               !(strlen(sec->keys[k].name) == key->n && memcmp(sec->keys[k].name, key->s, key->n) == 0))
            k++;
        if (k == sec->nkeys) {
            rp__conf_err(ctx, key, "unknown key '%s' in %s",
                         rp__conf_show(key->s, key->n, buf, sizeof(buf)), sec->what);
            continue;
        }
        seen |= (uint64_t)1 << k;
        set_value(ctx, &sec->keys[k], val, obj);
    }
    for (size_t k = 0; k < sec->nkeys; k++)
        if ((sec->keys[k].flags & RP__CF_REQUIRED) && !(seen & ((uint64_t)1 << k)))
            rp__conf_err(ctx, map, "missing '%s' in %s", sec->keys[k].name, sec->what);
}
