/*
 * test_schema.c - JSON body schemas: types, required, nullable, formats,
 * arrays, merge across samples, per content type and status class, the
 * node cap and its counter, broken and truncated bodies.
 */
#include "discovery/disc_int.h"
#include "disctest.h"

/* Learns bodies into one body schema and writes it. */
static void learn(rp_disc_t *d, rp_disc_body_t *b, const char *const *bodies, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned s = 0;
        CHECK_EQ_INT(rp__schema_learn(d, b, rp_str_c(bodies[i]), 0, &s), 0);
    }
}

static void expect(const rp_disc_body_t *b, const char *want, int line)
{
    rp_buf_t o;
    rp_buf_init(&o);
    CHECK_EQ_INT(rp__schema_write_json(b->root, &o), 0);
    if (o.len != strlen(want) || memcmp(o.p, want, o.len) != 0) {
        fprintf(stderr, "line %d:\n got %.*s\nwant %s\n", line, (int)o.len, o.p, want);
        CHECK(0);
    }
    rp_buf_dispose(&o);
}

static void body_free(rp_disc_body_t *b)
{
    rp__schema_free(b->root);
    memset(b, 0, sizeof(*b));
}

TEST(objects_required_nullable)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_body_t b;
    memset(&b, 0, sizeof(b));
    static const char *const s[] = {
        "{\"id\":1,\"name\":\"a\",\"nick\":null,\"tags\":[\"x\"],\"score\":1}",
        "{\"id\":2,\"name\":\"b\",\"nick\":\"bb\",\"tags\":[],\"score\":2.5,\"extra\":true}",
    };
    learn(d, &b, s, 2);
    expect(&b,
           "{\"type\":\"object\",\"properties\":{\"extra\":{\"type\":\"boolean\"},\"id\":{"
           "\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"nick\":{\"type\":[\"null\","
           "\"string\"]},\"score\":{\"type\":\"number\"},\"tags\":{\"type\":\"array\",\"items\":"
           "{\"type\":\"string\"}}},\"required\":[\"id\",\"name\",\"nick\",\"score\",\"tags\"]}",
           __LINE__);
    CHECK_EQ_INT(b.samples, 2);
    body_free(&b);
    rp_disc_free(d);
}

TEST(formats)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_body_t b;
    memset(&b, 0, sizeof(b));
    static const char *const s[] = {
        "{\"u\":\"550e8400-e29b-41d4-a716-446655440000\",\"e\":\"a@b.io\","
        "\"t\":\"2024-06-01T10:00:00Z\",\"d\":\"2024-06-01\",\"m\":\"a@b.io\"}",
        "{\"u\":\"6ba7b810-9dad-11d1-80b4-00c04fd430c8\",\"e\":\"c@d.io\","
        "\"t\":\"2024-06-02T10:00:00+01:00\",\"d\":\"2024-06-02\",\"m\":\"not mail\"}",
    };
    learn(d, &b, s, 2);
    expect(&b,
           "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\"},"
           "\"e\":{\"type\":\"string\",\"format\":\"email\",\"x-rampart-sensitive\":[\"email\"]},"
           "\"m\":{\"type\":\"string\",\"x-rampart-sensitive\":[\"email\"]},"
           "\"t\":{\"type\":\"string\",\"format\":\"date-time\"},\"u\":{\"type\":\"string\","
           "\"format\":\"uuid\"}},\"required\":[\"d\",\"e\",\"m\",\"t\",\"u\"]}",
           __LINE__);
    body_free(&b);
    rp_disc_free(d);
}

TEST(arrays_of_objects)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_body_t b;
    memset(&b, 0, sizeof(b));
    static const char *const s[] = {
        "[{\"a\":1,\"b\":2},{\"a\":3}]",
        "[]",
        "[{\"a\":1,\"a\":2}]",       /* a duplicate key counts once */
    };
    learn(d, &b, s, 3);
    expect(&b,
           "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
           "\"integer\"},\"b\":{\"type\":\"integer\"}},\"required\":[\"a\"]}}",
           __LINE__);
    body_free(&b);
    rp_disc_free(d);
}

TEST(broken_bodies_teach_nothing)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_body_t b;
    memset(&b, 0, sizeof(b));
    unsigned sens = 0;
    CHECK_EQ_INT(rp__schema_learn(d, &b, rp_str_c("{\"a\":1,"), 0, &sens), 0);
    CHECK_EQ_INT(rp__schema_learn(d, &b, rp_str_c("{\"a\":1}"), 1, &sens), 0); /* truncated */
    CHECK_EQ_INT(rp__schema_learn(d, &b, rp_str_c("nope"), 0, &sens), 0);
    CHECK(b.root == NULL);
    CHECK_EQ_INT(b.samples, 0);
    /* deeper than the parser allows: not learned either */
    char deep[300];
    memset(deep, '[', 150);
    memset(deep + 150, ']', 150);
    CHECK_EQ_INT(rp__schema_learn(d, &b, rp_str(deep, 300), 0, &sens), 0);
    CHECK(b.root == NULL);
    body_free(&b);
    rp_disc_free(d);
}

TEST(node_cap)
{
    rp_disc_opts_t o;
    memset(&o, 0, sizeof(o));
    o.max_schema_nodes = 4;
    rp_disc_t *d = rp_disc_new(&o);
    rp_disc_body_t b;
    memset(&b, 0, sizeof(b));
    static const char *const s[] = { "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}" };
    learn(d, &b, s, 1);
    CHECK(b.nodes <= 4);
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    CHECK(st.capped_schema >= 1);
    /* the output is still a valid schema */
    rp_buf_t out;
    rp_buf_init(&out);
    CHECK_EQ_INT(rp__schema_write_json(b.root, &out), 0);
    CHECK(out.len > 0 && out.p[0] == '{' && out.p[out.len - 1] == '}');
    rp_buf_dispose(&out);
    body_free(&b);
    rp_disc_free(d);
}

TEST(per_ctype_and_status)
{
    rp_disc_t *d = rp_disc_new(NULL);
    for (int i = 0; i < 5; i++) {
        rp_disc_obs_t o = dt_obs("POST", "/items");
        o.status = i < 3 ? 201 : 422;
        o.req_ctype = RP_STRLIT("application/json");
        o.req_body = RP_STRLIT("{\"name\":\"x\",\"password\":\"p\"}");
        o.resp_ctype = i < 3 ? RP_STRLIT("application/json") : RP_STRLIT("application/problem+json");
        o.resp_body = i < 3 ? RP_STRLIT("{\"id\":1}") : RP_STRLIT("{\"title\":\"bad\"}");
        rp_disc_add(d, &o);
    }
    rp_buf_t b;
    rp_buf_init(&b);
    CHECK_EQ_INT(rp_disc_openapi(d, NULL, RP_DISC_JSON, &b), 0);
    CHECK(memmem(b.p, b.len, "\"201\":{\"description\":\"Created\",\"content\":{\"application/json\":"
                             "{\"schema\":{\"type\":\"object\",\"properties\":{\"id\":", 98) != NULL);
    const char *want422 = "\"422\":{\"description\":\"Unprocessable Content\",\"content\":{"
                          "\"application/problem+json\":{\"schema\":{\"type\":\"object\","
                          "\"properties\":{\"title\":";
    CHECK(memmem(b.p, b.len, want422, strlen(want422)) != NULL);
    CHECK(memmem(b.p, b.len, "\"x-rampart-sensitive\":[\"password\"]", 34) != NULL);
    rp_buf_dispose(&b);
    rp_disc_free(d);
}

TEST(merge_schemas)
{
    rp_disc_t *a = rp_disc_new(NULL), *b = rp_disc_new(NULL);
    rp_disc_obs_t o = dt_obs("POST", "/x");
    o.req_ctype = RP_STRLIT("application/json");
    o.req_body = RP_STRLIT("{\"a\":1,\"b\":\"s\"}");
    rp_disc_add(a, &o);
    o.req_body = RP_STRLIT("{\"a\":2.5}");
    rp_disc_add(b, &o);
    CHECK_EQ_INT(rp_disc_merge(a, b), 0);
    rp_buf_t out;
    rp_buf_init(&out);
    rp_disc_openapi(a, NULL, RP_DISC_JSON, &out);
    /* candidates are left out of the export: lower min_requests instead */
    rp_buf_dispose(&out);
    rp_disc_opts_t op;
    memset(&op, 0, sizeof(op));
    op.min_requests = 1;
    rp_disc_t *c = rp_disc_new(&op);
    CHECK_EQ_INT(rp_disc_merge(c, a), 0);
    rp_buf_init(&out);
    rp_disc_openapi(c, NULL, RP_DISC_JSON, &out);
    const char *want = "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},"
                       "\"b\":{\"type\":\"string\"}},\"required\":[\"a\"]}";
    CHECK(memmem(out.p, out.len, want, strlen(want)) != NULL);
    rp_buf_dispose(&out);
    rp_disc_free(a);
    rp_disc_free(b);
    rp_disc_free(c);
}

int main(void)
{
    RUN(objects_required_nullable);
    RUN(formats);
    RUN(arrays_of_objects);
    RUN(broken_bodies_teach_nothing);
    RUN(node_cap);
    RUN(per_ctype_and_status);
    RUN(merge_schemas);
    TEST_MAIN_END();
}
