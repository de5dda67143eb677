/*
 * The WAF in the data plane: what happens to a request between routing
 * and the upstream.
 *
 *   1. IP lists: deny -> 403 before anything else (in every mode but off
 *      too: a deny list is not detection); allow -> no inspection.
 *   2. Rate limits of the route -> 429 with Retry-After.
 *   3. Mode off -> forward.
 *   4. Inspection (the engine on the head, and on the body up to the
 *      inspection limit), then custom rules on the decoded points, in
 *      file order: the first allow/block rule decides; monitor/tag rules
 *      only mark the event.
 *   5. Verdict: block mode blocks what the engine or a block rule flags;
 *      safe_blocking only for grey-listed clients; monitoring never (the
 *      event says what would have happened).
 *
 * A request with a body is held in blocking modes: its head and body wait
 * in ex->up_out (no upstream connection is made) until the body is read
 * or the inspection limit is reached, so nothing of a blocked request
 * reaches the origin. In monitoring the body streams while a copy (up to
 * the limit) is kept for inspection at its end.
 *
 * All of this runs on the worker's loop, CPU only: no I/O but the event
 * push, which only takes a short mutex.
 */
#include "proxy_int.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

enum { IP_ALLOW = 1, IP_DENY = 2, IP_GREY = 4 };

static const char *const mode_names[] = { "inherit", "off", "monitoring", "safe_blocking", "block" };

/* ---------------------------------------------------------------------- */
/* Runtime tables.                                                          */

static void add_cidrs(rp_iptree_t *t, const rp_cidr_t *v, size_t n, uint32_t bit)
{
    for (size_t i = 0; i < n; i++)
        rp_iptree_add(t, v[i].family, v[i].addr, v[i].prefix, bit);
}

int rp__waf_runtime_init(rp_runtime_t *rt)
{
    const rp_conf_t *conf = rt->conf;
    const rp_conf_waf_t *cw = &conf->waf;
    rp_waf_opts_t o;
    memset(&o, 0, sizeof(o));
    o.block_score = cw->block_score;
    rt->waf = rp_waf_new(&o);
    if (!rt->waf)
        return RP_ENOMEM;
    if (cw->nallow + cw->ndeny + cw->ngrey > 0) {
        rt->ips = rp_iptree_new();
        if (!rt->ips)
            return RP_ENOMEM;
        add_cidrs(rt->ips, cw->allow, cw->nallow, IP_ALLOW);
        add_cidrs(rt->ips, cw->deny, cw->ndeny, IP_DENY);
        add_cidrs(rt->ips, cw->grey, cw->ngrey, IP_GREY);
    }
    size_t nr = conf->nroutes ? conf->nroutes : 1;
    rt->route_excl = rp_xcalloc(nr, sizeof(*rt->route_excl));
    rt->route_nexcl = rp_xcalloc(nr, sizeof(*rt->route_nexcl));
    rt->route_rl = rp_xcalloc(nr, sizeof(*rt->route_rl));
    rt->route_nrl = rp_xcalloc(nr, sizeof(*rt->route_nrl));
    for (size_t r = 0; r < conf->nroutes; r++) {
        const rp_conf_route_waf_t *rw = &conf->routes[r].waf;
        if (rw->nignore) {
            rt->route_excl[r] = rp_xcalloc(rw->nignore, sizeof(rp_waf_exclusion_t));
            for (size_t i = 0; i < rw->nignore; i++) {
                int a = rw->ignore[i].attack ? rp_waf_attack_from_name(rw->ignore[i].attack) : -1;
                rt->route_excl[r][i].attacks = a >= 0 ? 1u << a : 0;
                rt->route_excl[r][i].point = rp_str_c(rw->ignore[i].point);
            }
            rt->route_nexcl[r] = rw->nignore;
        }
        if (rw->nrate_limits) {
            rt->route_rl[r] = rp_xcalloc(rw->nrate_limits, sizeof(size_t));
            for (size_t i = 0; i < rw->nrate_limits; i++)
                for (size_t q = 0; q < cw->nrate_limits; q++)
                    if (strcmp(cw->rate_limits[q].name, rw->rate_limits[i]) == 0)
                        rt->route_rl[r][rt->route_nrl[r]++] = q;
        }
    }
    return 0;
}

void rp__waf_runtime_dispose(rp_runtime_t *rt)
{
    rp_waf_free(rt->waf);
    rp_iptree_free(rt->ips);
    for (size_t r = 0; r < rt->conf->nroutes; r++) {
        if (rt->route_excl)
            free(rt->route_excl[r]);
        if (rt->route_rl)
            free(rt->route_rl[r]);
    }
    free(rt->route_excl);
    free(rt->route_nexcl);
    free(rt->route_rl);
    free(rt->route_nrl);
}

/* ---------------------------------------------------------------------- */
/* Helpers.                                                                 */

static rp_waf_mode_t effective_mode(const rp_conf_t *conf, const rp_conf_route_t *route, rp_str_t path)
{
    const rp_conf_route_waf_t *rw = &route->waf;
    size_t best = 0;
    rp_waf_mode_t m = RP_MODE_INHERIT;
    for (size_t i = 0; i < rw->npaths; i++) {
        rp_str_t p = rp_str_c(rw->paths[i].prefix);
        if (p.n >= best && rp_str_has_prefix(path, p)) {
            best = p.n;
            m = rw->paths[i].mode;
        }
    }
    if (m == RP_MODE_INHERIT)
        m = rw->mode;
    if (m == RP_MODE_INHERIT)
        m = conf->waf.mode;
    return m == RP_MODE_INHERIT ? RP_MODE_MONITORING : m;
}

static uint32_t ip_bits(const rp_runtime_t *rt, const char *ip)
{
    struct sockaddr_storage ss;
    if (!rt->ips || rp_sock_pton(rp_str_c(ip), &ss) < 0)
        return 0;
    return rp_iptree_lookup(rt->ips, (const struct sockaddr *)&ss);
}

static const rp_http_header_t *find_header(const rp_http_request_t *req, const char *name)
{
    for (size_t i = 0; i < req->num_headers; i++)
        if (rp_str_ieq(req->headers[i].name, rp_str_c(name)))
            return &req->headers[i];
    return NULL;
}

/* The block response: the route's or the global body, with the request id
 * in the default one. */
static void respond_block(rp_exchange_t *ex, int status)
{
    const rp_conf_t *conf = ex->wrt->rt->conf;
    const rp_conf_route_waf_t *rw = &ex->route->waf;
    const char *custom = rw->block_body ? rw->block_body : conf->waf.block_body;
    char body[256];
    if (!custom) {
        snprintf(body, sizeof(body), "{\"error\":\"%s\",\"request_id\":\"%s\"}\n",
                 status == 429 ? "too many requests" : "blocked", ex->reqid);
        custom = body;
    }
    rp__exchange_respond(ex, status, custom, strlen(custom));
}

/* ---------------------------------------------------------------------- */
/* Events.                                                                  */

static void json_kv(rp_buf_t *b, const char *k, rp_str_t v)
{
    rp_buf_printf(b, ",\"%s\":", k);
    rp_buf_append(b, "\"", 1);
    rp_buf_append_json_str(b, v.p ? v.p : "", v.n);
    rp_buf_append(b, "\"", 1);
}

static void emit_event(rp_exchange_t *ex, const rp_waf_verdict_t *v, const char *action,
                       const char *rule, const char *tags)
{
    rp_node_t *node = ex->c->w->node;
    if (!node->events)
        return;
    rp_event_t ev;
    memset(&ev, 0, sizeof(ev));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ev.time_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    snprintf(ev.request_id, sizeof(ev.request_id), "%s", ex->reqid);
    snprintf(ev.client_ip, sizeof(ev.client_ip), "%s", ex->client_ip);
    snprintf(ev.route, sizeof(ev.route), "%s", ex->route ? ex->route->name : "");
    snprintf(ev.method, sizeof(ev.method), "%.*s", (int)RP_MIN(ex->method.n, (size_t)15), ex->method.p);
    snprintf(ev.host, sizeof(ev.host), "%.*s", (int)RP_MIN(ex->host.n, (size_t)127), ex->host.p);
    snprintf(ev.path, sizeof(ev.path), "%.*s", (int)RP_MIN(ex->path.n, (size_t)255), ex->path.p);
    snprintf(ev.mode, sizeof(ev.mode), "%s", mode_names[ex->mode]);
    snprintf(ev.action, sizeof(ev.action), "%s", action);
    ev.score = v ? v->score : 0;
    size_t ao = 0;
    for (int a = 0; v && a < RP_WAF_ATTACK__COUNT; a++)
        if (v->attacks & (1u << a))
            ao += (size_t)snprintf(ev.attacks + ao, sizeof(ev.attacks) - RP_MIN(ao, sizeof(ev.attacks)),
                                   "%s%s", ao ? "," : "", rp_waf_attack_name((rp_waf_attack_t)a));
    rp_buf_t b;
    rp_buf_init(&b);
    char t[40];
    rp_time_rfc3339(t, sizeof(t));
    rp_buf_printf(&b, "{\"time\":\"%s\",\"request_id\":\"%s\",\"node\":\"%s\"", t, ex->reqid, node->name);
    json_kv(&b, "client_ip", rp_str_c(ex->client_ip));
    json_kv(&b, "peer", rp_str_c(ex->peer_ip));
    json_kv(&b, "route", rp_str_c(ev.route));
    json_kv(&b, "method", ex->method);
    json_kv(&b, "host", ex->host);
    json_kv(&b, "path", ex->path);
    json_kv(&b, "query", ex->query);
    rp_buf_printf(&b, ",\"mode\":\"%s\",\"action\":\"%s\",\"score\":%d,\"attacks\":[", ev.mode, action,
                  ev.score);
    for (int a = 0, first = 1; v && a < RP_WAF_ATTACK__COUNT; a++) {
        if (!(v->attacks & (1u << a)))
            continue;
        rp_buf_printf(&b, "%s\"%s\"", first ? "" : ",", rp_waf_attack_name((rp_waf_attack_t)a));
        first = 0;
    }
    rp_buf_append_cstr(&b, "]");
    if (rule)
        json_kv(&b, "rule", rp_str_c(rule));
    if (tags && *tags)
        json_kv(&b, "tags", rp_str_c(tags));
    rp_buf_append_cstr(&b, ",\"findings\":[");
    for (size_t i = 0; v && i < v->nfindings; i++) {
        const rp_waf_finding_t *f = &v->findings[i];
        rp_buf_printf(&b, "%s{\"attack\":\"%s\",\"score\":%d", i ? "," : "", rp_waf_attack_name(f->attack),
                      f->score);
        json_kv(&b, "point", rp_str_c(f->point));
        json_kv(&b, "raw", rp_str_c(f->raw));
        json_kv(&b, "decoded", rp_str_c(f->decoded));
        json_kv(&b, "evidence", rp_str_c(f->evidence));
        rp_buf_append_cstr(&b, "}");
    }
    rp_buf_append_cstr(&b, "]}");
    ev.json = b.p; /* ownership passes to the sink */
    ev.json_len = b.len;
    rp_event_sink_push(node->events, &ev);
}

/* ---------------------------------------------------------------------- */
/* Custom rules.                                                            */

static int cond_value_match(const rp_conf_rule_cond_t *c, rp_str_t v)
{
    switch (c->op) {
    case RP_OP_EXISTS:
        return 1;
    case RP_OP_EQUALS:
        return c->nocase ? rp_str_ieq(v, rp_str_c(c->value)) : rp_str_eq(v, rp_str_c(c->value));
    case RP_OP_PREFIX: {
        rp_str_t p = rp_str_c(c->value);
        return v.n >= p.n && (c->nocase ? rp_str_ieq(rp_str(v.p, p.n), p) : memcmp(v.p, p.p, p.n) == 0);
    }
    case RP_OP_CONTAINS: {
        rp_str_t p = rp_str_c(c->value);
        if (p.n == 0)
            return 1;
        for (size_t i = 0; i + p.n <= v.n; i++)
            if (c->nocase ? rp_str_ieq(rp_str(v.p + i, p.n), p) : memcmp(v.p + i, p.p, p.n) == 0)
                return 1;
        return 0;
    }
    case RP_OP_REGEX: {
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        if (!md)
            return 0;
        int r = pcre2_match((const pcre2_code *)c->re, (PCRE2_SPTR)(v.p ? v.p : ""), v.n, 0, 0, md, NULL);
        pcre2_match_data_free(md);
        return r >= 0;
    }
    case RP_OP_GT:
    case RP_OP_GE:
    case RP_OP_LT:
    case RP_OP_LE:
    case RP_OP_NUM_EQ: {
        char buf[64];
        if (v.n == 0 || v.n >= sizeof(buf))
            return 0;
        memcpy(buf, v.p, v.n);
        buf[v.n] = '\0';
        char *end = NULL;
        double x = strtod(buf, &end);
        if (!end || *end || !isfinite(x))
            return 0;
        return c->op == RP_OP_GT ? x > c->num : c->op == RP_OP_GE ? x >= c->num
             : c->op == RP_OP_LT ? x < c->num : c->op == RP_OP_LE ? x <= c->num : x == c->num;
    }
    case RP_OP_CIDR:
        return 0; /* only on the ip field */
    }
    return 0;
}

static int cond_holds(const rp_exchange_t *ex, const rp_conf_rule_cond_t *c, const rp_waf_point_t *pts,
                      size_t npts)
{
    int hit = 0;
    const char *f = c->field;
    if (strcmp(f, "ip") == 0) {
        struct sockaddr_storage ss;
        if (c->op == RP_OP_CIDR)
            hit = rp_sock_pton(rp_str_c(ex->client_ip), &ss) == 0 &&
                  rp_cidr_match(&c->cidr, (const struct sockaddr *)&ss);
        else
            hit = cond_value_match(c, rp_str_c(ex->client_ip));
    } else if (strcmp(f, "method") == 0) {
        hit = cond_value_match(c, ex->method);
    } else if (strcmp(f, "host") == 0) {
        hit = cond_value_match(c, ex->host);
    } else if (strcmp(f, "path") == 0) {
        hit = cond_value_match(c, ex->path);
    } else {
        rp_str_t want = rp_str_c(f);
        for (size_t i = 0; i < npts && !hit; i++)
            if (!(pts[i].flags & RP_WAF_PT_KEY) && rp_str_eq(pts[i].path, want))
                hit = cond_value_match(c, pts[i].value);
    }
    return c->negate ? !hit : hit;
}

/* Evaluates the rules in order. Returns the deciding rule (allow/block)
 * or NULL; monitor/tag rules that hold are noted in *noted / tags. */
static const rp_conf_rule_t *eval_rules(const rp_exchange_t *ex, const rp_waf_point_t *pts, size_t npts,
                                        const rp_conf_rule_t **noted, char *tags, size_t tcap)
{
    const rp_conf_waf_t *cw = &ex->wrt->rt->conf->waf;
    size_t to = strlen(tags);
    for (size_t i = 0; i < cw->nrules; i++) {
        const rp_conf_rule_t *r = &cw->rules[i];
        if (r->nroutes) {
            int on = 0;
            for (size_t k = 0; k < r->nroutes && !on; k++)
                on = strcmp(r->routes[k], ex->route->name) == 0;
            if (!on)
                continue;
        }
        int all = 1;
        for (size_t k = 0; k < r->nwhen && all; k++)
            all = cond_holds(ex, &r->when[k], pts, npts);
        if (!all)
            continue;
        if (r->action == RP_RULE_ALLOW || r->action == RP_RULE_BLOCK)
            return r;
        if (!*noted)
            *noted = r;
        if (r->action == RP_RULE_TAG && r->tag && to + strlen(r->tag) + 2 < tcap)
            to += (size_t)snprintf(tags + to, tcap - to, "%s%s", to ? "," : "", r->tag);
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Inspection.                                                              */

/* Runs the engine and the rules; decides. Returns 1 when the request was
 * answered (blocked), 0 to go on. */
static int judge(rp_exchange_t *ex, const rp_waf_request_t *wr)
{
    rp_worker_t *w = ex->c->w;
    rp_runtime_t *rt = ex->wrt->rt;
    size_t r = (size_t)(ex->route - rt->conf->routes);
    rp_waf_verdict_t v;
    rp_waf_inspect_ex(rt->waf, w->waf_scratch, wr, rt->route_excl[r], rt->route_nexcl[r], &v);
    ex->verdict_done = 1;
    w->stats.waf_inspected++;
    size_t npts;
    const rp_waf_point_t *pts = rp_waf_points(w->waf_scratch, &npts);
    const rp_conf_rule_t *noted = NULL;
    char tags[128] = "";
    const rp_conf_rule_t *rule = rt->conf->waf.nrules ? eval_rules(ex, pts, npts, &noted, tags, sizeof(tags))
                                                      : NULL;
    int attack = v.block;
    int block = 0;
    if (rule && rule->action == RP_RULE_ALLOW) {
        attack = 0;
    } else if (rule && rule->action == RP_RULE_BLOCK) {
        block = 1;
    } else if (attack) {
        block = ex->mode == RP_MODE_BLOCK || (ex->mode == RP_MODE_SAFE_BLOCKING && ex->grey);
    }
    if (!attack && !block && !noted && !(rule && rule->action == RP_RULE_ALLOW && v.attacks))
        return 0;
    const char *action = block ? "blocked" : attack ? "monitored" : "passed";
    const char *rname = rule ? rule->name : noted ? noted->name : NULL;
    if (attack) {
        w->stats.waf_attacks++;
        ex->d_attack = 1;
    }
    emit_event(ex, &v, action, rname, tags);
    if (!block)
        return 0;
    w->stats.waf_blocked++;
    ex->waf_action = "blocked";
    const rp_conf_route_waf_t *rw = &ex->route->waf;
    respond_block(ex, rw->block_status ? rw->block_status : rt->conf->waf.block_status);
    return 1;
}

static void fill_request(rp_waf_request_t *wr, rp_waf_header_t *hdrs, const rp_http_request_t *req)
{
    memset(wr, 0, sizeof(*wr));
    wr->method = req->method;
    wr->path = req->path;
    wr->query = req->query;
    for (size_t i = 0; i < req->num_headers; i++) {
        hdrs[i].name = req->headers[i].name;
        hdrs[i].value = req->headers[i].value;
    }
    wr->headers = hdrs;
    wr->nheaders = req->num_headers;
}

int rp__waf_begin(rp_exchange_t *ex, const rp_http_request_t *req, int has_body)
{
    rp_worker_t *w = ex->c->w;
    rp_runtime_t *rt = ex->wrt->rt;
    const rp_conf_t *conf = rt->conf;
    const rp_conf_route_t *route = ex->route;
    size_t ri = (size_t)(route - conf->routes);
    ex->mode = effective_mode(conf, route, ex->path);

    uint32_t bits = ip_bits(rt, ex->client_ip);
    if (bits & IP_DENY) {
        w->stats.waf_denied++;
        ex->waf_action = "denied";
        emit_event(ex, NULL, "denied", NULL, NULL);
        respond_block(ex, conf->waf.block_status);
        return 1;
    }
    if (bits & IP_ALLOW)
        return 0;
    ex->grey = (bits & IP_GREY) != 0;

    for (size_t i = 0; i < rt->route_nrl[ri]; i++) {
        const rp_conf_rate_limit_t *rl = &conf->waf.rate_limits[rt->route_rl[ri][i]];
        char key[320];
        int kn;
        const rp_http_header_t *h = rl->key == RP_RL_HEADER ? find_header(req, rl->header) : NULL;
        if (rl->key == RP_RL_ROUTE)
            kn = snprintf(key, sizeof(key), "%s|r|%s", rl->name, route->name);
        else if (h)
            kn = snprintf(key, sizeof(key), "%s|h|%.*s", rl->name, (int)RP_MIN(h->value.n, (size_t)256),
                          h->value.p);
        else
            kn = snprintf(key, sizeof(key), "%s|i|%s", rl->name, ex->client_ip);
        uint64_t retry_ms = 0;
        if (!rp_ratelimit_take(w->node->ratelimit, rp_str(key, (size_t)RP_MIN(kn, (int)sizeof(key) - 1)),
                               rl->rate, rl->burst, 1, w->loop.now, &retry_ms)) {
            w->stats.waf_ratelimited++;
            ex->waf_action = "ratelimited";
            ex->retry_after_s = (unsigned)((retry_ms + 999) / 1000);
            emit_event(ex, NULL, "ratelimited", rl->name, NULL);
            respond_block(ex, 429);
            return 1;
        }
    }
    if (ex->mode == RP_MODE_OFF)
        return 0;

    const rp_conf_route_waf_t *rw = &route->waf;
    uint64_t limit = rw->body_limit ? rw->body_limit : conf->waf.body_limit;
    int overflow = rw->body_overflow >= 0 ? rw->body_overflow : (int)conf->waf.body_overflow;
    rp_waf_header_t hdrs[RP_MAX_REQ_HEADERS];
    if (!has_body) {
        rp_waf_request_t wr;
        fill_request(&wr, hdrs, req);
        return judge(ex, &wr);
    }
    int too_big = ex->req_mode == RP_BODY_CL && ex->req_remaining > limit;
    if (too_big)
        w->stats.waf_body_overflow++;
    if (too_big && overflow == RP_OVERFLOW_REJECT) {
        ex->waf_action = "too_large";
        rp__exchange_respond(ex, 413, "{\"error\":\"request body larger than the inspection limit\"}\n", 57);
        return 1;
    }
    if (too_big && overflow == RP_OVERFLOW_PASS) {
        rp_waf_request_t wr;
        fill_request(&wr, hdrs, req);
        return judge(ex, &wr); /* the head only */
    }
    /* Keep the head for the inspection at the end of the body: the parser's
     * slices point into the input buffer, which moves. */
    ex->whdrs = rp_arena_alloc(&ex->arena, (req->num_headers + 1) * sizeof(rp_waf_header_t));
    for (size_t i = 0; i < req->num_headers; i++) {
        ex->whdrs[i].name = rp_str(rp_arena_strndup(&ex->arena, req->headers[i].name.p, req->headers[i].name.n),
                                   req->headers[i].name.n);
        ex->whdrs[i].value = rp_str(rp_arena_strndup(&ex->arena, req->headers[i].value.p,
                                                     req->headers[i].value.n),
                                    req->headers[i].value.n);
    }
    ex->nwhdrs = req->num_headers;
    ex->wquery = rp_str(rp_arena_strndup(&ex->arena, req->query.p ? req->query.p : "", req->query.n), req->query.n);
    ex->wpath = rp_str(rp_arena_strndup(&ex->arena, req->path.p ? req->path.p : "", req->path.n), req->path.n);
    ex->inspect = 1;
    ex->insp_limit = limit;
    ex->overflow = overflow;
    ex->hold = ex->mode == RP_MODE_BLOCK || (ex->mode == RP_MODE_SAFE_BLOCKING && ex->grey) ||
               conf->waf.nrules > 0;
    return 0;
}

void rp__waf_collect(rp_exchange_t *ex, const char *p, size_t n)
{
    size_t room = ex->insp.len < ex->insp_limit ? (size_t)(ex->insp_limit - ex->insp.len) : 0;
    if (n > room) {
        ex->insp_truncated = 1;
        n = room;
    }
    if (n)
        rp_buf_append(&ex->insp, p, n);
}

int rp__waf_body_done(rp_exchange_t *ex)
{
    rp_waf_request_t wr;
    memset(&wr, 0, sizeof(wr));
    wr.method = ex->method;
    wr.path = ex->wpath;
    wr.query = ex->wquery;
    wr.headers = ex->whdrs;
    wr.nheaders = ex->nwhdrs;
    wr.body = rp_str(ex->insp.p ? ex->insp.p : "", ex->insp.len);
    wr.body_truncated = ex->insp_truncated;
    if (ex->insp_truncated)
        ex->c->w->stats.waf_body_overflow++;
    ex->inspect = 0;
    int blocked = judge(ex, &wr);
    if (ex->d_sample && !ex->d_req_body.len) {
        /* Discovery samples this body: hand the buffer over, no copy. */
        ex->d_req_body = ex->insp;
        ex->d_req_trunc = ex->insp_truncated;
        rp_buf_init(&ex->insp);
    } else {
        rp_buf_dispose(&ex->insp);
    }
    return blocked;
}
