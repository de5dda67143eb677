/*
 * test_config_discovery.c - the `discovery` section and listener `ingest`.
 */
#include "conftest.h"

#include <stdio.h>
#include <unistd.h>

#define RESP "routes:\n  - respond: {status: 204}\n"

TEST(defaults_and_values)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load("listeners: [{listen: 127.0.0.1:1}]\n" RESP, &e);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->discovery.enabled, 0);
        CHECK_EQ_INT(c->discovery.min_requests, 5);
        CHECK_EQ_INT(c->discovery.save_interval_ms, 30000);
        CHECK_EQ_INT(c->discovery.queue, 4096);
        CHECK_EQ_INT(c->discovery.ingest_max_body, 64u << 20);
        CHECK(c->discovery.store == NULL);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
    char path[] = "/tmp/rp-tok-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, "0123456789abcdef0123\n", 21) == 21);
    close(fd);
    char yaml[512];
    snprintf(yaml, sizeof(yaml),
             "discovery:\n  enabled: true\n  store: /tmp/x.db\n  min_requests: 2\n  save_interval: 5s\n"
             "  ingest_token_file: %s\nlisteners:\n  - listen: 127.0.0.1:1\n    ingest: /ingest\n" RESP, path);
    c = load(yaml, &e);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->discovery.enabled, 1);
        CHECK_EQ_INT(c->discovery.min_requests, 2);
        CHECK_EQ_INT(c->discovery.save_interval_ms, 5000);
        CHECK_EQ_INT(c->discovery.ingest_token_len, 20);
        CHECK(c->listeners[0].ingest_path && strcmp(c->listeners[0].ingest_path, "/ingest") == 0);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
    unlink(path);
}

TEST(errors_with_positions)
{
    CHECK_ERR("discovery:\n  min_requests: 0\nlisteners: [{listen: 127.0.0.1:1}]\n", 2, 17, "min_requests");
    CHECK_ERR("discovery:\n  bogus: 1\nlisteners: [{listen: 127.0.0.1:1}]\n", 2, 3, "bogus");
    CHECK_ERR("discovery:\n  body_sample_percent: 101\nlisteners: [{listen: 127.0.0.1:1}]\n", 2, 24, "body_sample_percent");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n    ingest: /ingest\n" RESP, 3, 5, "discovery.enabled");
    CHECK_ERR("discovery: {enabled: true}\nlisteners:\n  - listen: 127.0.0.1:1\n    ingest: /ingest\n" RESP, 4, 5,
              "ingest_token_file");
    CHECK_ERR("discovery:\n  enabled: true\n  ingest_token_file: /nonexistent/tok\nlisteners: [{listen: 127.0.0.1:1}]\n" RESP,
              3, 3, "cannot read ingest token");
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:1\n    ingest: no-slash\n", 3, 13, "ingest");
}

int main(void)
{
    RUN(defaults_and_values);
    RUN(errors_with_positions);
    TEST_MAIN_END();
}
