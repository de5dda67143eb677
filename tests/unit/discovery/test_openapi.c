/*
 * test_openapi.c - the OpenAPI 3.1 export: structure, determinism, JSON
 * that rp_json_parse accepts, YAML that libyaml accepts.
 *
 * RP_OPENAPI_OUT=dir writes the documents there (openapi.json,
 * openapi.yaml) for an external validator.
 */
#include "discovery/disc_int.h"
#include "disctest.h"

#include <yaml.h>

static void build(rp_disc_t *d)
{
    rp_disc_header_t hb[2] = {
        { RP_STRLIT("Authorization"), RP_STRLIT("Bearer t0k3n") },
        { RP_STRLIT("Cookie"), RP_STRLIT("sid=abc") },
    };
    for (int i = 0; i < 12; i++) {
        char path[64], q[128], body[256];
        snprintf(path, sizeof(path), "/v1/users/%d", 100 + i);
        snprintf(q, sizeof(q), "fields=%s&limit=%d%s", i % 2 ? "name" : "email", 10 + i,
                 i % 3 ? "" : "&verbose=true");
        snprintf(body, sizeof(body),
                 "{\"id\":%d,\"email\":\"u%d@example.com\",\"created\":"
                 "\"2024-06-01T10:00:00Z\",\"tags\":[\"a\",\"b\"],\"nick\":%s}",
                 100 + i, i, i % 2 ? "null" : "\"x\"");
        rp_disc_obs_t o = dt_obs("GET", path);
        o.query = rp_str_c(q);
        o.status = i == 11 ? 404 : 200;
        o.latency_ms = 5 + i;
        o.resp_ctype = RP_STRLIT("application/json");
        o.resp_body = rp_str_c(body);
        o.headers = hb;
        o.nheaders = 2;
        o.domain = RP_STRLIT("api.example.com");
        o.stage = RP_STRLIT("prod");
        CHECK_EQ_INT(rp_disc_add(d, &o), 0);

        snprintf(body, sizeof(body), "{\"name\":\"n%d\",\"password\":\"secret%d\"}", i, i);
        o = dt_obs("POST", "/v1/users");
        o.status = 201;
        o.req_ctype = RP_STRLIT("application/json");
        o.req_body = rp_str_c(body);
        o.domain = RP_STRLIT("api.example.com");
        o.stage = RP_STRLIT("prod");
        rp_disc_header_t hk = { RP_STRLIT("X-API-Key"), RP_STRLIT("k") };
        o.headers = &hk;
        o.nheaders = 1;
        CHECK_EQ_INT(rp_disc_add(d, &o), 0);

        o = dt_obs("GET", "/v1/files/static/css/site.css");
        o.template_hint = RP_STRLIT("/v1/files/{proxy+}");
        o.status = 200;
        o.integration_ms = 3;
        o.domain = RP_STRLIT("api.example.com");
        o.stage = RP_STRLIT("prod");
        CHECK_EQ_INT(rp_disc_add(d, &o), 0);

        o = dt_obs("PROPFIND", "/v1/dav");
        o.domain = RP_STRLIT("api.example.com");
        o.stage = RP_STRLIT("prod");
        o.status = 0;
        CHECK_EQ_INT(rp_disc_add(d, &o), 0);
    }
    /* a candidate: left out */
    rp_disc_obs_t o = dt_obs("DELETE", "/v1/users/5");
    o.domain = RP_STRLIT("api.example.com");
    o.stage = RP_STRLIT("prod");
    rp_disc_add(d, &o);
}

static int count_cb(void *ud, rp_json_event_t ev, rp_str_t v, rp_str_t raw)
{
    (*(size_t *)ud)++;
    return 0;
}

static void dump(const char *name, const rp_buf_t *b)
{
    const char *dir = getenv("RP_OPENAPI_OUT");
    if (!dir)
        return;
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fwrite(b->p, 1, b->len, f);
        fclose(f);
    }
}

static int has(const rp_buf_t *b, const char *s)
{
    if (!memmem(b->p, b->len, s, strlen(s))) {
        fprintf(stderr, "missing: %s\n", s);
        return 0;
    }
    return 1;
}

TEST(json_structure)
{
    rp_disc_t *d = rp_disc_new(NULL);
    build(d);
    rp_buf_t b;
    rp_buf_init(&b);
    CHECK_EQ_INT(rp_disc_openapi(d, NULL, RP_DISC_JSON, &b), 0);
    dump("openapi.json", &b);
    rp_arena_t a;
    rp_arena_init(&a, 4096);
    size_t events = 0;
    CHECK_EQ_INT(rp_json_parse(b.p, b.len, 64, &a, count_cb, &events, NULL), RP_JSON_OK);
    CHECK(events > 100);
    CHECK(has(&b, "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"api.example.com/prod\""));
    CHECK(has(&b, "\"servers\":[{\"url\":\"https://api.example.com/prod\"}]"));
    CHECK(has(&b, "\"/v1/users/{userId}\":{\"get\":{\"parameters\":[{\"name\":\"userId\","
                  "\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"integer\"}}"));
    CHECK(has(&b, "{\"name\":\"fields\",\"in\":\"query\",\"required\":true,\"schema\":"
                  "{\"type\":\"string\",\"enum\":[\"email\",\"name\"]}}"));
    CHECK(has(&b, "{\"name\":\"limit\",\"in\":\"query\",\"required\":true,\"schema\":"
                  "{\"type\":\"integer\"}}"));
    CHECK(has(&b, "{\"name\":\"verbose\",\"in\":\"query\",\"required\":false,\"schema\":"
                  "{\"type\":\"boolean\"}}"));
    CHECK(has(&b, "\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":"
                  "{\"schema\":{\"type\":\"object\",\"properties\":{\"created\":{\"type\":"
                  "\"string\",\"format\":\"date-time\"},\"email\":{\"type\":\"string\","
                  "\"format\":\"email\",\"x-rampart-sensitive\":[\"email\"]},\"id\":{\"type\":"
                  "\"integer\"},\"nick\":{\"type\":[\"null\",\"string\"]},\"tags\":{\"type\":"
                  "\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"created\","
                  "\"email\",\"id\",\"nick\",\"tags\"]}}}"));
    CHECK(has(&b, "\"404\":{\"description\":\"Not Found\""));
    CHECK(has(&b, "\"security\":[{\"bearerAuth\":[]},{\"cookieAuth\":[]}]"));
    CHECK(has(&b, "\"requestBody\":{\"content\":{\"application/json\":{\"schema\":"));
    CHECK(has(&b, "\"password\":{\"type\":\"string\",\"x-rampart-sensitive\":[\"password\"]}"));
    CHECK(has(&b, "\"201\":{\"description\":\"Created\""));
    CHECK(has(&b, "\"/v1/files/{proxy+}\":{\"get\":{\"parameters\":[{\"name\":\"proxy+\","
                  "\"in\":\"path\",\"required\":true"));
    CHECK(has(&b, "\"x-rampart-source-template\":true"));
    CHECK(has(&b, "\"x-rampart-integration-latency-ms\":{\"p50\":"));
    CHECK(has(&b, "\"/v1/dav\":{\"x-rampart-other-methods\":[\"PROPFIND\"]}"));
    CHECK(has(&b, "\"components\":{\"securitySchemes\":{\"apiKeyAuth\":{\"type\":\"apiKey\","
                  "\"in\":\"header\",\"name\":\"x-api-key\"},\"bearerAuth\":{\"type\":\"http\","
                  "\"scheme\":\"bearer\"},\"cookieAuth\":{\"type\":\"apiKey\",\"in\":\"cookie\","
                  "\"name\":\"sid\"}}}"));
    CHECK(has(&b, "\"x-rampart-requests\":12"));
    CHECK(has(&b, "\"x-rampart-requests\":12,\"x-rampart-sources\":0,"
                  "\"x-rampart-sensitive\":[\"password\"]}"));
    CHECK(!memmem(b.p, b.len, "delete", 6));          /* the candidate */
    /* deterministic */
    rp_buf_t b2;
    rp_buf_init(&b2);
    CHECK_EQ_INT(rp_disc_openapi(d, "api.example.com/prod", RP_DISC_JSON, &b2), 0);
    CHECK(b.len == b2.len && memcmp(b.p, b2.p, b.len) == 0);
    rp_buf_dispose(&b2);
    rp_buf_dispose(&b);
    rp_arena_dispose(&a);
    rp_disc_free(d);
}

TEST(yaml_parses)
{
    rp_disc_t *d = rp_disc_new(NULL);
    build(d);
    rp_buf_t b;
    rp_buf_init(&b);
    CHECK_EQ_INT(rp_disc_openapi(d, NULL, RP_DISC_YAML, &b), 0);
    dump("openapi.yaml", &b);
    CHECK(b.len > 0 && memcmp(b.p, "\"openapi\": \"3.1.0\"\n", 19) == 0);
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)b.p, b.len);
    int ok = 1, done = 0, scalars = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "yaml: %s at line %zu\n", p.problem, p.problem_mark.line + 1);
            ok = 0;
            break;
        }
        scalars += ev.type == YAML_SCALAR_EVENT;
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    CHECK(ok);
    CHECK(scalars > 100);
    rp_buf_dispose(&b);
    rp_disc_free(d);
}

TEST(apps_selection)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_buf_t b;
    rp_buf_init(&b);
    CHECK_EQ_INT(rp_disc_openapi(d, NULL, RP_DISC_JSON, &b), RP_ENOENT);
    rp_disc_obs_t o = dt_obs("GET", "/a");
    o.app = RP_STRLIT("one");
    rp_disc_add(d, &o);
    o.app = RP_STRLIT("two");
    rp_disc_add(d, &o);
    CHECK_EQ_INT(rp_disc_openapi(d, NULL, RP_DISC_JSON, &b), RP_EINVAL);
    CHECK_EQ_INT(rp_disc_openapi(d, "three", RP_DISC_JSON, &b), RP_ENOENT);
    CHECK_EQ_INT(rp_disc_openapi(d, "two", RP_DISC_JSON, &b), 0);
    /* only a candidate: paths is empty, still a document */
    CHECK(has(&b, "\"paths\":{}"));
    CHECK(!memmem(b.p, b.len, "servers", 7));
    rp_buf_dispose(&b);
    rp_disc_free(d);
}

int main(void)
{
    RUN(json_structure);
    RUN(yaml_parses);
    RUN(apps_selection);
    TEST_MAIN_END();
}
