/*
 * schema_waf.c - the `waf` section and the routes' `waf` keys: modes,
 * path overrides, exclusions, block response, body inspection limit,
 * events, IP lists (inline and files), rate limits and custom rules.
 *
 * Rule regexes are compiled here with PCRE2 (a bad pattern is a config
 * error at its position); list files are read here (a bad line is an
 * error naming the file and line), so a reload with a broken list keeps
 * the old configuration.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "config/config_int.h"
#include "rampart/waf.h"

#include <errno.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW(node, buf) rp__conf_show((node)->s, (node)->n, (buf), sizeof(buf))

static const char *const mode_names[] = { "inherit", "off", "monitoring", "safe_blocking", "block" };

static int parse_mode(rp__conf_ctx_t *ctx, const rp__cnode_t *v, int allow_inherit, rp_waf_mode_t *out)
{
    for (int m = allow_inherit ? 0 : 1; m < (int)RP_ARRAY_SIZE(mode_names); m++) {
        if (v->kind == RP__CN_SCALAR && strcmp(v->s, mode_names[m]) == 0) {
            *out = (rp_waf_mode_t)m;
            return 0;
        }
    }
    rp__conf_err(ctx, v, "mode must be off, monitoring, safe_blocking or block%s",
                 allow_inherit ? " (or inherit)" : "");
    return -1;
}

static void cb_mode(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    parse_mode(ctx, v, 0, &((rp_conf_waf_t *)obj)->mode);
}

static void cb_route_mode(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    parse_mode(ctx, v, 1, &((rp_conf_route_waf_t *)obj)->mode);
}

static int parse_overflow(rp__conf_ctx_t *ctx, const rp__cnode_t *v, int *out)
{
    static const char *const names[] = { "inspect_prefix", "reject", "pass" };
    for (int i = 0; i < 3; i++) {
        if (v->kind == RP__CN_SCALAR && strcmp(v->s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    rp__conf_err(ctx, v, "body_overflow must be inspect_prefix, reject or pass");
    return -1;
}

static void cb_overflow(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    int o;
    if (parse_overflow(ctx, v, &o) == 0)
        ((rp_conf_waf_t *)obj)->body_overflow = (rp_body_overflow_t)o;
}

static void cb_route_overflow(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                              void *obj)
{
    parse_overflow(ctx, v, &((rp_conf_route_waf_t *)obj)->body_overflow);
}

static int known_class(const char *s)
{
    return rp_waf_attack_from_name(s) >= 0;
}

/* "sqli, xss, ..." for error messages. */
static void class_list(char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int a = 0; a < RP_WAF_ATTACK__COUNT && o < cap; a++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", a ? ", " : "",
                              rp_waf_attack_name((rp_waf_attack_t)a));
}

/* --- route waf ----------------------------------------------------------- */

static void cb_path_mode(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    parse_mode(ctx, v, 0, &((rp_conf_waf_path_t *)obj)->mode);
}

static const rp__conf_key_t waf_path_keys[] = {
    { "prefix", RP__CT_PATH, 0, 0, NULL, RP__FIELD(rp_conf_waf_path_t, prefix), NULL, NULL, RP__CF_REQUIRED },
    { "mode", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_path_mode, NULL, RP__CF_REQUIRED },
};
static const rp__conf_section_t waf_path_sec = { "path override", waf_path_keys, RP_ARRAY_SIZE(waf_path_keys) };

static void cb_paths(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_route_waf_t *w = obj;
    w->paths = rp__conf_walk_list(ctx, v, &waf_path_sec, sizeof(rp_conf_waf_path_t), &w->npaths);
}

static void cb_ignore_class(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_waf_ignore_t *ig = obj;
    char *s = NULL;
    if (rp__conf_get_string(ctx, "class", v, &s) < 0)
        return;
    if (!known_class(s)) {
        char buf[80], names[256];
        class_list(names, sizeof(names));
        rp__conf_err(ctx, v, "unknown attack class '%s' (%s)", SHOW(v, buf), names);
        free(s);
        return;
    }
    free(ig->attack);
    ig->attack = s;
}

static const rp__conf_key_t ignore_keys[] = {
    { "class", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_ignore_class, NULL, 0 },
    { "point", RP__CT_STRING, 0, 0, NULL, RP__FIELD(rp_conf_waf_ignore_t, point), NULL, NULL, 0 },
};
static const rp__conf_section_t ignore_sec = { "ignore", ignore_keys, RP_ARRAY_SIZE(ignore_keys) };

static void cb_ignore(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_route_waf_t *w = obj;
    if (v->kind == RP__CN_MAP) { /* a single exclusion */
        w->ignore = rp_xcalloc(1, sizeof(rp_conf_waf_ignore_t));
        w->nignore = 1;
        rp__conf_walk(ctx, &ignore_sec, v, &w->ignore[0]);
    } else {
        w->ignore = rp__conf_walk_list(ctx, v, &ignore_sec, sizeof(rp_conf_waf_ignore_t), &w->nignore);
    }
    for (size_t i = 0; i < w->nignore; i++) {
        const rp__cnode_t *e = v->kind == RP__CN_MAP ? v : v->kind == RP__CN_SEQ ? v->kids[i] : NULL;
        if (e && !rp__cnode_get(e, "class") && !rp__cnode_get(e, "point"))
            rp__conf_err(ctx, e, "an ignore entry needs a class, a point or both");
    }
}

static void cb_route_rate_limits(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,
                                 void *obj)
{
    rp_conf_route_waf_t *w = obj;
    rp__conf_strv(ctx, "rate limit name", v, &w->rate_limits, &w->nrate_limits);
}

#define RW(f) RP__FIELD(rp_conf_route_waf_t, f)
static const rp__conf_key_t route_waf_keys[] = {
    { "mode", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_route_mode, NULL, 0 },
    { "paths", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_paths, NULL, 0 },
    { "ignore", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_ignore, NULL, 0 },
    { "block_status", RP__CT_UINT, 400, 599, NULL, RW(block_status), NULL, NULL, 0 },
    { "block_body", RP__CT_STRING, 0, 0, NULL, RW(block_body), NULL, NULL, 0 },
    { "body_limit", RP__CT_SIZE, 1, (uint64_t)1 << 30, NULL, RW(body_limit), NULL, NULL, 0 },
    { "body_overflow", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_route_overflow, NULL, 0 },
    { "rate_limits", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_route_rate_limits, NULL, 0 },
};
#undef RW
const rp__conf_section_t rp__conf_route_waf_sec = { "route waf", route_waf_keys,
                                                    RP_ARRAY_SIZE(route_waf_keys) };

/* --- global waf ----------------------------------------------------------- */


#define LIST_CB(which)                                                                         \
    static void cb_##which(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v,  \
                           void *obj)                                                          \
    {                                                                                          \
        rp_conf_waf_t *w = obj;                                                                \
        rp__conf_cidr_list(ctx, v, &w->which, &w->n##which);                                             \
    }                                                                                          \
    static void cb_##which##_files(rp__conf_ctx_t *ctx, const rp__conf_key_t *k,               \
                                   const rp__cnode_t *v, void *obj)                            \
    {                                                                                          \
        rp_conf_waf_t *w = obj;                                                                \
        rp__conf_strv(ctx, "file", v, &w->which##_files, &w->n##which##_files);                \
    }
LIST_CB(allow)
LIST_CB(deny)
LIST_CB(grey)
#undef LIST_CB

static const rp__conf_key_t ip_keys[] = {
    { "allow", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_allow, NULL, 0 },
    { "deny", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_deny, NULL, 0 },
    { "grey", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_grey, NULL, 0 },
    { "allow_files", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_allow_files, NULL, 0 },
    { "deny_files", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_deny_files, NULL, 0 },
    { "grey_files", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_grey_files, NULL, 0 },
};
static const rp__conf_section_t ip_sec = { "ip_lists", ip_keys, RP_ARRAY_SIZE(ip_keys) };

#define EV(f) RP__FIELD(rp_conf_waf_t, f)
static const rp__conf_key_t events_keys[] = {
    { "log", RP__CT_STRING, 0, 0, "off", EV(events_log), NULL, NULL, 0 },
    { "store", RP__CT_STRING, 0, 0, "off", EV(events_store), NULL, NULL, 0 },
    { "queue", RP__CT_UINT, 1, 10000000, "10000", EV(events_queue), NULL, NULL, 0 },
};
#undef EV
static const rp__conf_section_t events_sec = { "events", events_keys, RP_ARRAY_SIZE(events_keys) };

/* Rate limits: "10/s", "600/m", "36000/h" or a bare number per second. */
static void cb_rl_rate(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_rate_limit_t *rl = obj;
    char *end = NULL;
    double x = v->kind == RP__CN_SCALAR ? strtod(v->s, &end) : -1;
    double per = 1;
    if (end && *end == '/') {
        if (strcmp(end, "/s") == 0)
            per = 1;
        else if (strcmp(end, "/m") == 0)
            per = 60;
        else if (strcmp(end, "/h") == 0)
            per = 3600;
        else
            end = NULL;
    } else if (end && *end) {
        end = NULL;
    }
    if (!end || end == v->s || !(x > 0) || !isfinite(x)) {
        rp__conf_err(ctx, v, "rate must look like 10/s, 600/m or 36000/h");
        return;
    }
    rl->rate = x / per;
}

static void cb_rl_burst(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    uint64_t b;
    if (rp__conf_get_uint(ctx, "burst", v, 1, 100000000, &b) == 0)
        ((rp_conf_rate_limit_t *)obj)->burst = (double)b;
}

static void cb_rl_key(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_rate_limit_t *rl = obj;
    if (v->kind == RP__CN_SCALAR && strcmp(v->s, "ip") == 0) {
        rl->key = RP_RL_IP;
    } else if (v->kind == RP__CN_SCALAR && strcmp(v->s, "route") == 0) {
        rl->key = RP_RL_ROUTE;
    } else if (v->kind == RP__CN_SCALAR && strncmp(v->s, "header:", 7) == 0 &&
               rp__conf_is_token(v->s + 7, v->n - 7)) {
        rl->key = RP_RL_HEADER;
        free(rl->header);
        rl->header = rp_xstrndup(v->s + 7, v->n - 7);
    } else {
        rp__conf_err(ctx, v, "key must be ip, route or header:<Name>");
    }
}

#define RL(f) RP__FIELD(rp_conf_rate_limit_t, f)
static const rp__conf_key_t rl_keys[] = {
    { "name", RP__CT_STRING, 0, 0, NULL, RL(name), NULL, NULL, RP__CF_REQUIRED },
    { "key", RP__CT_FUNC, 0, 0, "ip", 0, 0, cb_rl_key, NULL, 0 },
    { "rate", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_rl_rate, NULL, RP__CF_REQUIRED },
    { "burst", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_rl_burst, NULL, 0 },
};
#undef RL
static const rp__conf_section_t rl_sec = { "rate limit", rl_keys, RP_ARRAY_SIZE(rl_keys) };

static void cb_rate_limits(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_waf_t *w = obj;
    w->rate_limits = rp__conf_walk_list(ctx, v, &rl_sec, sizeof(rp_conf_rate_limit_t), &w->nrate_limits);
    for (size_t i = 0; i < w->nrate_limits; i++) {
        w->rate_limits[i].line = v->kids[i]->line;
        w->rate_limits[i].col = v->kids[i]->col;
    }
}

/* --- rules ---------------------------------------------------------------- */

static const struct {
    const char *name;
    rp_rule_op_t op;
    int numeric;
} ops[] = {
    { "equals", RP_OP_EQUALS, 0 }, { "prefix", RP_OP_PREFIX, 0 }, { "contains", RP_OP_CONTAINS, 0 },
    { "regex", RP_OP_REGEX, 0 },   { "cidr", RP_OP_CIDR, 0 },     { "exists", RP_OP_EXISTS, 0 },
    { "gt", RP_OP_GT, 1 },         { "ge", RP_OP_GE, 1 },         { "lt", RP_OP_LT, 1 },
    { "le", RP_OP_LE, 1 },         { "eq", RP_OP_NUM_EQ, 1 },
};

static int field_ok(const char *f)
{
    static const char *const plain[] = { "method", "host", "path", "ip" };
    static const char *const prefixed[] = { "header.", "query.", "cookie.", "body.", "path." };
    for (size_t i = 0; i < RP_ARRAY_SIZE(plain); i++)
        if (strcmp(f, plain[i]) == 0)
            return 1;
    for (size_t i = 0; i < RP_ARRAY_SIZE(prefixed); i++)
        if (strncmp(f, prefixed[i], strlen(prefixed[i])) == 0 && f[strlen(prefixed[i])] != '\0')
            return 1;
    return 0;
}

/* One condition: a mapping with `field`, exactly one operator, optional
 * `not` and `nocase`. */
static void parse_cond(rp__conf_ctx_t *ctx, const rp__cnode_t *m, rp_conf_rule_cond_t *c)
{
    char buf[80];
    int nops = 0;
    if (m->kind != RP__CN_MAP) {
        rp__conf_err(ctx, m, "a condition is a mapping like {field: path, prefix: /admin}");
        return;
    }
    for (size_t i = 0; i + 1 < m->nkids; i += 2) {
        const rp__cnode_t *k = m->kids[i], *v = m->kids[i + 1];
        if (k->kind != RP__CN_SCALAR) {
            rp__conf_err(ctx, k, "mapping keys must be strings");
            continue;
        }
        if (strcmp(k->s, "field") == 0) {
            if (rp__conf_get_string(ctx, "field", v, &c->field) == 0 && !field_ok(c->field))
                rp__conf_err(ctx, v, "unknown field '%s' (method, host, path, ip, header.<name>, "
                                     "query.<name>, cookie.<name>, path.<n> or body.<point>)",
                             SHOW(v, buf));
            if (c->field && strncmp(c->field, "header.", 7) == 0)
                for (char *p = c->field; *p; p++)
                    *p = (char)rp_lower((unsigned char)*p);
            continue;
        }
        if (strcmp(k->s, "not") == 0 || strcmp(k->s, "nocase") == 0) {
            int b = -1;
            if (v->kind == RP__CN_SCALAR && strcmp(v->s, "true") == 0)
                b = 1;
            else if (v->kind == RP__CN_SCALAR && strcmp(v->s, "false") == 0)
                b = 0;
            if (b < 0)
                rp__conf_err(ctx, v, "%s must be true or false", k->s);
            else if (k->s[0] == 'n' && k->s[1] == 'o' && k->s[2] == 't')
                c->negate = b;
            else
                c->nocase = b;
            continue;
        }
        size_t o = 0;
        while (o < RP_ARRAY_SIZE(ops) && strcmp(ops[o].name, k->s) != 0)
            o++;
        if (o == RP_ARRAY_SIZE(ops)) {
            rp__conf_err(ctx, k, "unknown key '%s' in condition (field, equals, prefix, contains, "
                                 "regex, cidr, exists, gt, ge, lt, le, eq, not, nocase)", SHOW(k, buf));
            continue;
        }
        if (++nops > 1) {
            rp__conf_err(ctx, k, "a condition takes one operator");
            continue;
        }
        c->op = ops[o].op;
        if (v->kind != RP__CN_SCALAR) {
            rp__conf_err(ctx, v, "%s takes a single value", k->s);
            continue;
        }
        c->value = rp_xstrndup(v->s, v->n);
        if (ops[o].numeric) {
            char *end = NULL;
            c->num = strtod(v->s, &end);
            if (!end || end == v->s || *end || !isfinite(c->num))
                rp__conf_err(ctx, v, "%s takes a number", k->s);
        } else if (c->op == RP_OP_CIDR) {
            if (rp_cidr_parse(rp_str(v->s, v->n), &c->cidr) < 0)
                rp__conf_err(ctx, v, "invalid CIDR '%s'", SHOW(v, buf));
        } else if (c->op == RP_OP_REGEX) {
            int err = 0;
            PCRE2_SIZE off = 0;
            pcre2_code *re = pcre2_compile((PCRE2_SPTR)v->s, v->n, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                           &err, &off, NULL);
            if (!re) {
                PCRE2_UCHAR msg[160];
                pcre2_get_error_message(err, msg, sizeof(msg));
                rp__conf_err_at(ctx, v->line, v->col + (unsigned)off + (v->plain ? 0 : 1),
                                "invalid regex: %s", (const char *)msg);
            } else {
                pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
                c->re = re;
            }
        }
    }
    if (!c->field)
        rp__conf_err(ctx, m, "a condition needs a field");
    if (nops == 0)
        rp__conf_err(ctx, m, "a condition needs an operator (equals, prefix, contains, regex, "
                             "cidr, exists, gt, ge, lt, le, eq)");
    if (c->op == RP_OP_CIDR && c->field && strcmp(c->field, "ip") != 0)
        rp__conf_err(ctx, m, "cidr applies to the field ip");
}

static void cb_when(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_rule_t *r = obj;
    if (v->kind == RP__CN_MAP) {
        r->when = rp_xcalloc(1, sizeof(*r->when));
        r->nwhen = 1;
        parse_cond(ctx, v, &r->when[0]);
        return;
    }
    if (v->kind != RP__CN_SEQ || v->nkids == 0) {
        rp__conf_err(ctx, v, "when takes a list of conditions");
        return;
    }
    r->when = rp_xcalloc(v->nkids, sizeof(*r->when));
    r->nwhen = v->nkids;
    for (size_t i = 0; i < v->nkids; i++)
        parse_cond(ctx, v->kids[i], &r->when[i]);
}

static void cb_action(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    static const char *const names[] = { "block", "allow", "monitor", "tag" };
    for (int i = 0; i < 4; i++) {
        if (v->kind == RP__CN_SCALAR && strcmp(v->s, names[i]) == 0) {
            ((rp_conf_rule_t *)obj)->action = (rp_rule_action_t)i;
            return;
        }
    }
    rp__conf_err(ctx, v, "action must be block, allow, monitor or tag");
}

static void cb_rule_routes(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_rule_t *r = obj;
    rp__conf_strv(ctx, "route name", v, &r->routes, &r->nroutes);
}

#define RU(f) RP__FIELD(rp_conf_rule_t, f)
static const rp__conf_key_t rule_keys[] = {
    { "name", RP__CT_STRING, 0, 0, NULL, RU(name), NULL, NULL, RP__CF_REQUIRED },
    { "when", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_when, NULL, RP__CF_REQUIRED },
    { "action", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_action, NULL, RP__CF_REQUIRED },
    { "tag", RP__CT_STRING, 0, 0, NULL, RU(tag), NULL, NULL, 0 },
    { "routes", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_rule_routes, NULL, 0 },
};
#undef RU
static const rp__conf_section_t rule_sec = { "rule", rule_keys, RP_ARRAY_SIZE(rule_keys) };

static void cb_rules(rp__conf_ctx_t *ctx, const rp__conf_key_t *k, const rp__cnode_t *v, void *obj)
{
    rp_conf_waf_t *w = obj;
    w->rules = rp__conf_walk_list(ctx, v, &rule_sec, sizeof(rp_conf_rule_t), &w->nrules);
    for (size_t i = 0; i < w->nrules; i++) {
        w->rules[i].line = v->kids[i]->line;
        w->rules[i].col = v->kids[i]->col;
    }
}

#define WF(f) RP__FIELD(rp_conf_waf_t, f)
static const rp__conf_key_t waf_keys[] = {
    { "mode", RP__CT_FUNC, 0, 0, "monitoring", 0, 0, cb_mode, NULL, 0 },
    { "block_score", RP__CT_UINT, 1, 100, "50", WF(block_score), NULL, NULL, 0 },
    { "body_limit", RP__CT_SIZE, 1, (uint64_t)1 << 30, "1m", WF(body_limit), NULL, NULL, 0 },
    { "body_overflow", RP__CT_FUNC, 0, 0, "inspect_prefix", 0, 0, cb_overflow, NULL, 0 },
    { "block_status", RP__CT_UINT, 400, 599, "403", WF(block_status), NULL, NULL, 0 },
    { "block_body", RP__CT_STRING, 0, 0, NULL, WF(block_body), NULL, NULL, 0 },
    { "events", RP__CT_SECTION, 0, 0, NULL, 0, 0, NULL, &events_sec, 0 },
    { "ip_lists", RP__CT_SECTION, 0, 0, NULL, 0, 0, NULL, &ip_sec, 0 },
    { "rate_limits", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_rate_limits, NULL, 0 },
    { "rules", RP__CT_FUNC, 0, 0, NULL, 0, 0, cb_rules, NULL, 0 },
};
#undef WF
const rp__conf_section_t rp__conf_waf_sec = { "waf", waf_keys, RP_ARRAY_SIZE(waf_keys) };

/* --- whole-document checks ------------------------------------------------ */

/* Reads an IP list file: one address or CIDR per line, '#' comments,
 * blank lines. A bad line is an error naming the file and line. */
static void read_list_file(rp__conf_ctx_t *ctx, const rp__cnode_t *at, const char *path, rp_cidr_t **v,
                           size_t *n)
{
    if (!rp__conf_get_files())
        return;
    FILE *f = fopen(path, "r");
    if (!f) {
        rp__conf_err(ctx, at, "cannot open IP list '%s': %s", path, strerror(errno));
        return;
    }
    char line[512];
    size_t lineno = 0, cap = *n;
    int bad = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        rp_str_t s = rp_str_trim(rp_str_c(line));
        if (s.n == 0)
            continue;
        rp_cidr_t c;
        if (rp_cidr_parse(s, &c) < 0) {
            if (bad++ < 5)
                rp__conf_err(ctx, at, "%s:%zu: invalid address or CIDR '%.*s'", path, lineno,
                             (int)RP_MIN(s.n, (size_t)60), s.p);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            *v = rp_xrealloc(*v, cap * sizeof(rp_cidr_t));
        }
        (*v)[(*n)++] = c;
    }
    fclose(f);
}

void rp__conf_finish_waf(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c)
{
    rp_conf_waf_t *w = &c->waf;
    const rp__cnode_t *wn = rp__cnode_get(root, "waf");
    const rp__cnode_t *ipn = wn ? rp__cnode_get(wn, "ip_lists") : NULL;
    for (size_t i = 0; i < w->nallow_files; i++)
        read_list_file(ctx, rp__conf_key_node(ipn, "allow_files"), w->allow_files[i], &w->allow, &w->nallow);
    for (size_t i = 0; i < w->ndeny_files; i++)
        read_list_file(ctx, rp__conf_key_node(ipn, "deny_files"), w->deny_files[i], &w->deny, &w->ndeny);
    for (size_t i = 0; i < w->ngrey_files; i++)
        read_list_file(ctx, rp__conf_key_node(ipn, "grey_files"), w->grey_files[i], &w->grey, &w->ngrey);
    for (size_t i = 0; i < w->nrate_limits; i++) {
        rp_conf_rate_limit_t *rl = &w->rate_limits[i];
        if (rl->burst <= 0)
            rl->burst = rl->rate > 1 ? ceil(rl->rate) : 1;
        for (size_t j = 0; j < i; j++)
            if (rl->name && w->rate_limits[j].name && strcmp(rl->name, w->rate_limits[j].name) == 0)
                rp__conf_err_at(ctx, rl->line, rl->col, "duplicate rate limit name '%s'", rl->name);
    }
    for (size_t i = 0; i < w->nrules; i++) {
        rp_conf_rule_t *r = &w->rules[i];
        if (r->action == RP_RULE_TAG && !r->tag)
            rp__conf_err_at(ctx, r->line, r->col, "action tag needs a tag");
        for (size_t k = 0; k < r->nroutes; k++) {
            size_t q = 0;
            while (q < c->nroutes && !(c->routes[q].name && strcmp(c->routes[q].name, r->routes[k]) == 0))
                q++;
            if (q == c->nroutes)
                rp__conf_err_at(ctx, r->line, r->col, "rule '%s': unknown route '%s'",
                                r->name ? r->name : "?", r->routes[k]);
        }
    }
    const rp__cnode_t *routes = rp__cnode_get(root, "routes");
    for (size_t i = 0; i < c->nroutes; i++) {
        rp_conf_route_waf_t *rw = &c->routes[i].waf;
        const rp__cnode_t *item = routes && routes->kind == RP__CN_SEQ && i < routes->nkids ? routes->kids[i] : NULL;
        const rp__cnode_t *rwn = item ? rp__cnode_get(item, "waf") : NULL;
        if (!rwn || !rp__cnode_get(rwn, "body_overflow"))
            rw->body_overflow = -1;
        for (size_t k = 0; k < rw->nrate_limits; k++) {
            size_t q = 0;
            while (q < w->nrate_limits && strcmp(w->rate_limits[q].name, rw->rate_limits[k]) != 0)
                q++;
            if (q == w->nrate_limits)
                rp__conf_err(ctx, rp__conf_key_node(rwn, "rate_limits"), "unknown rate limit '%s'",
                             rw->rate_limits[k]);
        }
    }
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void rp__conf_free_waf(rp_conf_t *c)
{
    rp_conf_waf_t *w = &c->waf;
    free(w->block_body);
    free(w->events_log);
    free(w->events_store);
    free(w->allow);
    free(w->deny);
    free(w->grey);
    free_strv(w->allow_files, w->nallow_files);
    free_strv(w->deny_files, w->ndeny_files);
    free_strv(w->grey_files, w->ngrey_files);
    for (size_t i = 0; i < w->nrate_limits; i++) {
        free(w->rate_limits[i].name);
        free(w->rate_limits[i].header);
    }
    free(w->rate_limits);
    for (size_t i = 0; i < w->nrules; i++) {
        rp_conf_rule_t *r = &w->rules[i];
        for (size_t k = 0; k < r->nwhen; k++) {
            free(r->when[k].field);
            free(r->when[k].value);
            pcre2_code_free((pcre2_code *)r->when[k].re);
        }
        free(r->when);
        free(r->name);
        free(r->tag);
        free_strv(r->routes, r->nroutes);
    }
    free(w->rules);
    for (size_t i = 0; i < c->nroutes; i++) {
        rp_conf_route_waf_t *rw = &c->routes[i].waf;
        for (size_t k = 0; k < rw->npaths; k++)
            free(rw->paths[k].prefix);
        free(rw->paths);
        for (size_t k = 0; k < rw->nignore; k++) {
            free(rw->ignore[k].attack);
            free(rw->ignore[k].point);
        }
        free(rw->ignore);
        free(rw->block_body);
        free_strv(rw->rate_limits, rw->nrate_limits);
    }
}
