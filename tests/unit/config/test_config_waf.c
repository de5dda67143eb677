/* The waf section and the routes' waf keys: values into the structs,
 * defaults, list files, rule regexes compiled, every error at its place. */
#include "conftest.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define LIS "listeners:\n  - listen: 127.0.0.1:8080\n"
#define UPS "upstreams:\n  - {name: o, servers: [\"127.0.0.1:9\"]}\n"
#define RESP "routes:\n  - respond: {status: 204}\n"

TEST(defaults)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load(LIS RESP, &e);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->waf.mode, RP_MODE_MONITORING);
        CHECK_EQ_INT(c->waf.block_score, 50);
        CHECK_EQ_INT(c->waf.body_limit, 1 << 20);
        CHECK_EQ_INT(c->waf.body_overflow, RP_OVERFLOW_INSPECT_PREFIX);
        CHECK_EQ_INT(c->waf.block_status, 403);
        CHECK_STR(rp_str_c(c->waf.events_log), "off");
        CHECK_STR(rp_str_c(c->waf.events_store), "off");
        CHECK_EQ_INT(c->waf.events_queue, 10000);
        CHECK_EQ_INT(c->routes[0].waf.mode, RP_MODE_INHERIT);
        CHECK_EQ_INT(c->routes[0].waf.body_overflow, -1);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
}

TEST(full)
{
    char dir[] = "/tmp/rp-waf-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char list[256];
    snprintf(list, sizeof(list), "%s/deny.txt", dir);
    FILE *f = fopen(list, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("# comment\n192.0.2.0/24\r\n\n  2001:db8::/32   # trailing\n10.1.2.3\n", f);
    fclose(f);
    char y[2048];
    snprintf(y, sizeof(y),
             "waf:\n"
             "  mode: block\n"
             "  block_score: 70\n"
             "  body_limit: 64k\n"
             "  body_overflow: reject\n"
             "  block_status: 451\n"
             "  block_body: '{\"no\":1}'\n"
             "  events: {log: stdout, store: /tmp/x.db, queue: 7}\n"
             "  ip_lists: {allow: [10.0.0.0/8], deny: 192.0.2.77, grey: [\"::1\"], deny_files: [\"%s\"]}\n"
             "  rate_limits:\n"
             "    - {name: a, key: ip, rate: 10/s, burst: 20}\n"
             "    - {name: b, key: \"header:X-Api-Key\", rate: 600/m}\n"
             "    - {name: c, key: route, rate: 36000/h}\n"
             "  rules:\n"
             "    - name: r1\n"
             "      when: [{field: path, prefix: /admin}, {field: header.X-Debug, exists: \"1\", not: true}]\n"
             "      action: block\n"
             "    - {name: r2, when: {field: query.id, gt: 5}, action: tag, tag: big, routes: [main]}\n"
             "    - {name: r3, when: {field: ip, cidr: 10.0.0.0/8}, action: allow}\n"
             "    - {name: r4, when: {field: header.user-agent, regex: \"^curl/\", nocase: true}, action: monitor}\n"
             LIS UPS
             "routes:\n"
             "  - name: main\n"
             "    upstream: o\n"
             "    waf:\n"
             "      mode: safe_blocking\n"
             "      paths: [{prefix: /a/, mode: off}, {prefix: /a/b/, mode: block}]\n"
             "      ignore: [{class: sqli, point: body.json.q}, {point: \"header.x-*\"}]\n"
             "      rate_limits: [a, b]\n"
             "      block_status: 429\n"
             "      body_limit: 2k\n"
             "      body_overflow: pass\n",
             list);
    rp_conf_errors_t e;
    rp_conf_t *c = load(y, &e);
    rp_conf_errors_print(&e, stderr);
    CHECK(c != NULL);
    if (c) {
        const rp_conf_waf_t *w = &c->waf;
        CHECK_EQ_INT(w->mode, RP_MODE_BLOCK);
        CHECK_EQ_INT(w->block_score, 70);
        CHECK_EQ_INT(w->body_limit, 65536);
        CHECK_EQ_INT(w->body_overflow, RP_OVERFLOW_REJECT);
        CHECK_EQ_INT(w->block_status, 451);
        CHECK_STR(rp_str_c(w->block_body), "{\"no\":1}");
        CHECK_EQ_INT(w->events_queue, 7);
        CHECK_EQ_INT(w->nallow, 1);
        CHECK_EQ_INT(w->ndeny, 4); /* one inline + three from the file */
        CHECK_EQ_INT(w->ngrey, 1);
        CHECK_EQ_INT(w->nrate_limits, 3);
        CHECK(w->rate_limits[0].rate == 10 && w->rate_limits[0].burst == 20);
        CHECK(w->rate_limits[1].key == RP_RL_HEADER && strcmp(w->rate_limits[1].header, "X-Api-Key") == 0);
        CHECK(w->rate_limits[1].rate == 10 && w->rate_limits[1].burst == 10);
        CHECK(w->rate_limits[2].key == RP_RL_ROUTE && w->rate_limits[2].rate == 10);
        CHECK_EQ_INT(w->nrules, 4);
        CHECK_EQ_INT(w->rules[0].nwhen, 2);
        CHECK_STR(rp_str_c(w->rules[0].when[1].field), "header.x-debug");
        CHECK_EQ_INT(w->rules[0].when[1].negate, 1);
        CHECK_EQ_INT(w->rules[1].action, RP_RULE_TAG);
        CHECK(w->rules[1].when[0].op == RP_OP_GT && w->rules[1].when[0].num == 5);
        CHECK_EQ_INT(w->rules[2].when[0].op, RP_OP_CIDR);
        CHECK(w->rules[3].when[0].re != NULL && w->rules[3].when[0].nocase);
        const rp_conf_route_waf_t *rw = &c->routes[0].waf;
        CHECK_EQ_INT(rw->mode, RP_MODE_SAFE_BLOCKING);
        CHECK_EQ_INT(rw->npaths, 2);
        CHECK_EQ_INT(rw->paths[1].mode, RP_MODE_BLOCK);
        CHECK_EQ_INT(rw->nignore, 2);
        CHECK(rw->ignore[1].attack == NULL && strcmp(rw->ignore[1].point, "header.x-*") == 0);
        CHECK_EQ_INT(rw->nrate_limits, 2);
        CHECK_EQ_INT(rw->block_status, 429);
        CHECK_EQ_INT(rw->body_limit, 2048);
        CHECK_EQ_INT(rw->body_overflow, RP_OVERFLOW_PASS);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
    unlink(list);
    rmdir(dir);
}

TEST(errors)
{
    CHECK_ERR("waf: {mode: blocking}\n" LIS RESP, 1, 13, "mode must be off, monitoring");
    CHECK_ERR("waf: {block_score: 0}\n" LIS RESP, 1, 20, "block_score must be between 1 and 100");
    CHECK_ERR("waf: {body_overflow: drop}\n" LIS RESP, 1, 22, "body_overflow must be");
    CHECK_ERR("waf: {rate_limits: [{name: a, rate: fast}]}\n" LIS RESP, 1, 37, "rate must look like");
    CHECK_ERR("waf: {rate_limits: [{name: a, rate: 1/s, key: cookie}]}\n" LIS RESP, 1, 47,
              "key must be ip, route or header:<Name>");
    CHECK_ERR("waf: {rate_limits: [{name: a, rate: 1/s}, {name: a, rate: 2/s}]}\n" LIS RESP, 1, 43,
              "duplicate rate limit name 'a'");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: path, regex: \"a(b\"}, action: block}]}\n" LIS RESP,
              1, 56, "invalid regex");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: nope, equals: x}, action: block}]}\n" LIS RESP, 1, 39,
              "unknown field 'nope'");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: path}, action: block}]}\n" LIS RESP, 1, 31,
              "a condition needs an operator");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: path, equals: a, prefix: b}, action: block}]}\n" LIS
              RESP, 1, 56, "a condition takes one operator");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: query.n, gt: many}, action: block}]}\n" LIS RESP, 1, 52,
              "gt takes a number");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: path, cidr: 10.0.0.0/8}, action: block}]}\n" LIS RESP,
              1, 31, "cidr applies to the field ip");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: path, exists: 1}, action: kill}]}\n" LIS RESP, 1, 65,
              "action must be block, allow, monitor or tag");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: path, exists: 1}, action: tag}]}\n" LIS RESP, 1, 15,
              "action tag needs a tag");
    CHECK_ERR("waf: {rules: [{name: r, when: {field: path, exists: 1}, action: block, routes: [x]}]}\n" LIS
              RESP, 1, 15, "unknown route 'x'");
    CHECK_ERR("waf: {ip_lists: {deny: [300.1.1.1]}}\n" LIS RESP, 1, 25, "invalid CIDR '300.1.1.1'");
    CHECK_ERR("waf: {ip_lists: {deny_files: [/nonexistent/rp.txt]}}\n" LIS RESP, 1, 18,
              "cannot open IP list '/nonexistent/rp.txt'");
    CHECK_ERR(LIS "routes:\n  - respond: {}\n    waf: {mode: maybe}\n", 5, 17, "(or inherit)");
    CHECK_ERR(LIS "routes:\n  - respond: {}\n    waf: {rate_limits: [zz]}\n", 5, 11, "unknown rate limit 'zz'");
    CHECK_ERR(LIS "routes:\n  - respond: {}\n    waf: {ignore: [{class: sqlx}]}\n", 5, 28,
              "unknown attack class 'sqlx'");
    CHECK_ERR(LIS "routes:\n  - respond: {}\n    waf: {ignore: [{}]}\n", 5, 20,
              "an ignore entry needs a class, a point or both");
    CHECK_ERR(LIS "routes:\n  - respond: {}\n    waf: {paths: [{prefix: nope, mode: off}]}\n", 5, 28,
              "prefix must start with '/'");
}

TEST(quickstart_mode)
{
    rp_conf_errors_t e;
    rp_conf_errors_init(&e);
    rp_conf_t *c = rp_conf_quickstart_mode("127.0.0.1:18080", "http://127.0.0.1:9", "block", &e);
    CHECK(c != NULL);
    if (c)
        CHECK_EQ_INT(c->waf.mode, RP_MODE_BLOCK);
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
    rp_conf_errors_init(&e);
    CHECK(rp_conf_quickstart_mode("127.0.0.1:18080", "http://127.0.0.1:9", "paranoid", &e) == NULL);
    CHECK(e.n > 0 && strstr(e.v[0].msg, "mode must be") != NULL);
    rp_conf_errors_dispose(&e);
}

int main(void)
{
    RUN(defaults);
    RUN(full);
    RUN(errors);
    RUN(quickstart_mode);
    TEST_MAIN_END();
}
