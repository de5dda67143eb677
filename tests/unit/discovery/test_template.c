/*
 * test_template.c - path templating: value segments, names, look-alikes,
 * statistical merge at and below the threshold, source templates (hints).
 */
#include "discovery/disc_int.h"
#include "disctest.h"

/* One path alone in a fresh aggregator -> its template. */
static void one(const char *path, const char *want, int line)
{
    rp_disc_t *d = rp_disc_new(NULL);
    dt_list_t *l = malloc(sizeof(*l));
    CHECK_EQ_INT(dt_add(d, "GET", path), 0);
    char exp[512];
    snprintf(exp, sizeof(exp), "GET %s\n", want);
    dt_list(d, l);
    if (strcmp(l->buf, exp) != 0) {
        fprintf(stderr, "line %d: %s -> got %s want %s", line, path, l->buf, exp);
        CHECK(0);
    }
    free(l);
    rp_disc_free(d);
}

TEST(values_table)
{
    static const struct { const char *path, *want; } t[] = {
        { "/", "/" },
        { "/users", "/users" },
        { "/users/123", "/users/{userId}" },
        { "/users/123/orders/456", "/users/{userId}/orders/{orderId}" },
        { "//users//123/", "/users/{userId}" },
        { "/users/550e8400-e29b-41d4-a716-446655440000", "/users/{userId}" },
        { "/users/550E8400-E29B-11D4-A716-446655440000/avatar", "/users/{userId}/avatar" },
        { "/v1/users/42", "/v1/users/{userId}" },
        { "/v2/items/abc123def4", "/v2/items/{itemId}" },
        { "/categories/7", "/categories/{categoryId}" },
        { "/addresses/9", "/addresses/{addressId}" },
        { "/boxes/9", "/boxes/{boxId}" },
        { "/people/9", "/people/{personId}" },
        { "/status/9", "/status/{statusId}" },
        { "/user-groups/12", "/user-groups/{userGroupId}" },
        { "/order_items/12", "/order_items/{orderItemId}" },
        { "/reports/2024-06-01", "/reports/{reportId}" },
        { "/reports/20240601", "/reports/{reportId}" },
        { "/events/2024-06-01T10:00:00Z", "/events/{eventId}" },
        { "/users/bob@example.com", "/users/{userId}" },
        { "/objects/507f1f77bcf86cd799439011", "/objects/{objectId}" },
        { "/blobs/d41d8cd98f00b204e9800998ecf8427e", "/blobs/{blobId}" },
        { "/commits/da39a3ee5e6b4b0d3255bfef95601890afd80709", "/commits/{commitId}" },
        { "/ulids/01ARZ3NDEKTSV4RRFFQ69G5FAV", "/ulids/{ulidId}" },
        { "/ksuids/0ujtsYcgvSTl8PAuAdqWYSMnLOv", "/ksuids/{ksuidId}" },
        { "/t/dGhpcyBpcyBhIHRva2VuMTIz", "/t/{tId}" },
        { "/sessions/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc_DEF-123",
          "/sessions/{sessionId}" },
        { "/customers/cus_9s8D7f6G5h4J", "/customers/{customerId}" },
        { "/123", "/{id}" },
        { "/v1/123", "/v1/{id}" },
        { "/items/1/items/2", "/items/{itemId}/items/{itemId2}" },
        { "/a/1/b/2/c/3", "/a/{aId}/b/{bId}/c/{cId}" },
        { "/x/1/2/3", "/x/{xId}/{id}/{id2}" },
        /* look-alikes stay literal */
        { "/v1", "/v1" },
        { "/api/v2.1/users", "/api/v2.1/users" },
        { "/users/me", "/users/me" },
        { "/search", "/search" },
        { "/health", "/health" },
        { "/files/deadbeef", "/files/deadbeef" },        /* hex letters only, 8 long */
        { "/posts/hello-world", "/posts/hello-world" },  /* a slug, not a token */
        { "/posts/my-first-post-2024", "/posts/my-first-post-2024" },
        { "/files/report.pdf", "/files/report.pdf" },
        { "/api/graphql", "/api/graphql" },
        /* a brace cannot be shown as a literal in a template: it is data */
        { "/files/{name}", "/files/{fileId}" },
        { "/files/a}b", "/files/{fileId}" },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++)
        one(t[i].path, t[i].want, (int)i);
}

TEST(value_classifier)
{
    CHECK(rp__tmpl_seg_is_value(rp_str_c("0")));
    CHECK(rp__tmpl_seg_is_value(rp_str_c("-5")));
    CHECK(rp__tmpl_seg_is_value(rp_str_c("a1b2c3d4")));
    CHECK(!rp__tmpl_seg_is_value(rp_str_c("a1b2c3")));         /* < 8 hex */
    CHECK(!rp__tmpl_seg_is_value(rp_str_c("abcdefab")));       /* no digit */
    CHECK(rp__tmpl_seg_is_value(rp_str_c("abcdefabcdefabcdefabcdef"))); /* 24 hex */
    CHECK(!rp__tmpl_seg_is_value(rp_str_c("2024-13-01")));     /* month 13 */
    CHECK(!rp__tmpl_seg_is_value(rp_str_c("v1")));
    CHECK(!rp__tmpl_seg_is_value(rp_str_c("me")));
    CHECK(!rp__tmpl_seg_is_value(rp_str_c("someverylongwordwithoutdigits")));
    CHECK(!rp__tmpl_seg_is_value(rp_str_c("@handle")));
    CHECK(rp__tmpl_seg_is_value(rp_str_c("a@b.io")));
}

/* Many usernames under /users: at the threshold they stay, one more merges. */
static void names(rp_disc_t *d, int n, const char *suffix)
{
    char p[128];
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof(p), "/users/user%c%c%s", 'a' + i / 26, 'a' + i % 26, suffix);
        CHECK_EQ_INT(dt_add(d, "GET", p), 0);
    }
}

TEST(merge_at_threshold)
{
    rp_disc_t *d = rp_disc_new(NULL);
    dt_list_t *l = malloc(sizeof(*l));
    dt_add(d, "GET", "/users/me");
    names(d, 20, "");
    dt_list(d, l);
    CHECK_EQ_INT(l->count, 21);                 /* 20 literals + me: no merge */
    CHECK(strstr(l->buf, "GET /users/useraa\n") != NULL);
    names(d, 21, "");                           /* the 21st distinct one */
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "GET /users/me\nGET /users/{userId}\n");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/users/{userId}", &f));
    CHECK_EQ_INT(f.e.requests, 41);             /* 20 + 21, folded */
    CHECK_EQ_INT(f.e.nparams, 1);
    CHECK_STR(rp_str_c(f.names[0]), "userId");
    CHECK_STR(rp_str_c(f.types[0]), "string");
    /* later names go to the parameter, me stays */
    dt_add(d, "GET", "/users/zebra");
    dt_add(d, "GET", "/users/me");
    CHECK(dt_find(d, "GET", "/users/{userId}", &f));
    CHECK_EQ_INT(f.e.requests, 42);
    CHECK(dt_find(d, "GET", "/users/me", &f));
    CHECK_EQ_INT(f.e.requests, 2);
    free(l);
    rp_disc_free(d);
}

TEST(merge_deeper_structure)
{
    rp_disc_t *d = rp_disc_new(NULL);
    dt_list_t *l = malloc(sizeof(*l));
    names(d, 25, "/repos");
    names(d, 5, "/stars");
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "GET /users/{userId}/repos\nGET /users/{userId}/stars\n");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/users/{userId}/repos", &f));
    CHECK_EQ_INT(f.e.requests, 25);
    free(l);
    rp_disc_free(d);
}

TEST(no_merge_for_resources)
{
    /* 25 collections under /api, each with ids below: resources, not values */
    static const char *res[] = { "users", "orders", "items", "carts", "payments", "invoices",
                                 "products", "reviews", "coupons", "shipments", "refunds",
                                 "stores", "brands", "tags", "teams", "roles", "groups",
                                 "projects", "tasks", "notes", "files", "comments",
                                 "messages", "threads", "alerts" };
    rp_disc_t *d = rp_disc_new(NULL);
    dt_list_t *l = malloc(sizeof(*l));
    char p[128];
    for (size_t i = 0; i < RP_ARRAY_SIZE(res); i++) {
        snprintf(p, sizeof(p), "/api/%s/%zu", res[i], i + 1);
        dt_add(d, "GET", p);
    }
    dt_list(d, l);
    CHECK_EQ_INT(l->count, 25);
    CHECK(strstr(l->buf, "GET /api/users/{userId}\n") != NULL);
    CHECK(strstr(l->buf, "GET /api/comments/{commentId}\n") != NULL);
    /* 20 leaf resources hit often, then 5 more: many requests each, so
     * not values (the "few requests each" rule) */
    rp_disc_t *d2 = rp_disc_new(NULL);
    for (int round = 0; round < 10; round++)
        for (size_t i = 0; i < 20; i++) {
            snprintf(p, sizeof(p), "/admin/%s", res[i]);
            dt_add(d2, "GET", p);
        }
    for (size_t i = 0; i < RP_ARRAY_SIZE(res); i++) {
        snprintf(p, sizeof(p), "/admin/%s", res[i]);
        dt_add(d2, "GET", p);
    }
    dt_list(d2, l);
    CHECK_EQ_INT(l->count, 25);
    free(l);
    rp_disc_free(d);
    rp_disc_free(d2);
}

TEST(merge_threshold_option)
{
    rp_disc_opts_t o;
    memset(&o, 0, sizeof(o));
    o.merge_threshold = 5;
    rp_disc_t *d = rp_disc_new(&o);
    dt_list_t *l = malloc(sizeof(*l));
    names(d, 5, "");
    dt_list(d, l);
    CHECK_EQ_INT(l->count, 5);
    names(d, 6, "");
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "GET /users/{userId}\n");
    free(l);
    rp_disc_free(d);
}

TEST(hints)
{
    rp_disc_t *d = rp_disc_new(NULL);
    dt_list_t *l = malloc(sizeof(*l));
    CHECK_EQ_INT(dt_add_hint(d, "GET", "/pets/123", "/pets/{petID}"), 0);
    CHECK_EQ_INT(dt_add_hint(d, "GET", "/pets/fluffy", "/pets/{petID}"), 0);
    /* no hint, same shape: maps to the hinted template (open parameter) */
    CHECK_EQ_INT(dt_add(d, "GET", "/pets/rex"), 0);
    CHECK_EQ_INT(dt_add(d, "GET", "/pets/42"), 0);
    /* greedy */
    CHECK_EQ_INT(dt_add_hint(d, "GET", "/static/css/a/b.css", "/static/{proxy+}"), 0);
    CHECK_EQ_INT(dt_add(d, "GET", "/static/js/app.js"), 0);
    /* "$default" and "-" are no hints */
    CHECK_EQ_INT(dt_add_hint(d, "POST", "/orders/5", "$default"), 0);
    CHECK_EQ_INT(dt_add_hint(d, "POST", "/orders/6", "-"), 0);
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "POST /orders/{orderId}\nGET /pets/{petID}\n"
                                "GET /static/{proxy+}\n");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/pets/{petID}", &f));
    CHECK_EQ_INT(f.e.requests, 4);
    CHECK_EQ_INT(f.e.from_source_template, 1);
    CHECK(dt_find(d, "GET", "/static/{proxy+}", &f));
    CHECK_EQ_INT(f.e.requests, 2);
    CHECK(dt_find(d, "POST", "/orders/{orderId}", &f));
    CHECK_EQ_INT(f.e.from_source_template, 0);
    /* a hint renames a guessed parameter: the source is ground truth */
    CHECK_EQ_INT(dt_add_hint(d, "POST", "/orders/7", "/orders/{id}"), 0);
    CHECK(dt_find(d, "POST", "/orders/{id}", &f));
    CHECK_EQ_INT(f.e.requests, 3);
    /* hinted literals never merge, even past the threshold */
    char p[64], h[64];
    for (int i = 0; i < 30; i++) {
        snprintf(p, sizeof(p), "/docs/page%c%c", 'a' + i / 26, 'a' + i % 26);
        snprintf(h, sizeof(h), "/docs/page%c%c", 'a' + i / 26, 'a' + i % 26);
        dt_add_hint(d, "GET", p, h);
    }
    CHECK(dt_find(d, "GET", "/docs/pageab", &f));
    free(l);
    rp_disc_free(d);
}

TEST(hint_literal_beside_param)
{
    rp_disc_t *d = rp_disc_new(NULL);
    dt_list_t *l = malloc(sizeof(*l));
    dt_add_hint(d, "GET", "/users/me", "/users/me");
    dt_add_hint(d, "GET", "/users/alice", "/users/{username}");
    dt_add(d, "GET", "/users/me");
    dt_add(d, "GET", "/users/bob");
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "GET /users/me\nGET /users/{username}\n");
    free(l);
    rp_disc_free(d);
}

TEST(methods_share_template)
{
    rp_disc_t *d = rp_disc_new(NULL);
    dt_list_t *l = malloc(sizeof(*l));
    dt_add(d, "get", "/users/1");
    dt_add(d, "DELETE", "/users/2");
    dt_add(d, "PUT", "/users/3");
    dt_list(d, l);
    CHECK_STR(rp_str_c(l->buf), "DELETE /users/{userId}\nGET /users/{userId}\n"
                                "PUT /users/{userId}\n");
    free(l);
    rp_disc_free(d);
}

TEST(parse_templates)
{
    rp_disc_seg_t s[RP_DISC_MAX_DEPTH];
    CHECK_EQ_INT(rp__tmpl_parse(rp_str_c("/pets/{petId}/{proxy+}"), s, RP_DISC_MAX_DEPTH), 3);
    CHECK_EQ_INT(s[1].kind, RP_NODE_PARAM);
    CHECK_STR(s[1].s, "petId");
    CHECK_EQ_INT(s[2].kind, RP_NODE_GREEDY);
    CHECK_STR(s[2].s, "proxy+");
    CHECK_EQ_INT(rp__tmpl_parse(rp_str_c("/{proxy+}/x"), s, RP_DISC_MAX_DEPTH), -1);
    CHECK_EQ_INT(rp__tmpl_parse(rp_str_c("/a{b}"), s, RP_DISC_MAX_DEPTH), -1);
    CHECK_EQ_INT(rp__tmpl_parse(rp_str_c("/{}"), s, RP_DISC_MAX_DEPTH), -1);
    CHECK_EQ_INT(rp__tmpl_parse(rp_str_c("/"), s, RP_DISC_MAX_DEPTH), 0);
}

TEST(nul_bytes_rejected)
{
    rp_disc_t *d = rp_disc_new(NULL);
    rp_disc_obs_t o = dt_obs("GET", "/x");
    o.path = rp_str("/a\0b", 4);
    CHECK_EQ_INT(rp_disc_add(d, &o), RP_EINVAL);
    o.path = RP_STRLIT("/a");
    o.app = rp_str("a\0", 2);
    CHECK_EQ_INT(rp_disc_add(d, &o), RP_EINVAL);
    o.app = RP_STR_NULL;
    o.method = RP_STRLIT("G T");
    CHECK_EQ_INT(rp_disc_add(d, &o), RP_EINVAL);
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    CHECK_EQ_INT(st.rejected, 3);
    CHECK_EQ_INT(st.apps, 0);
    rp_disc_free(d);
}

TEST(deep_path_capped)
{
    rp_disc_t *d = rp_disc_new(NULL);
    char p[256] = "";
    for (int i = 0; i < 40; i++)
        strcat(p, "/a");
    CHECK_EQ_INT(dt_add(d, "GET", p), 0);
    rp_disc_stats_t st;
    rp_disc_stats(d, &st);
    CHECK_EQ_INT(st.capped_endpoints, 1);
    CHECK_EQ_INT(st.endpoints + st.candidates, 0);
    rp_disc_free(d);
}

int main(void)
{
    RUN(values_table);
    RUN(value_classifier);
    RUN(merge_at_threshold);
    RUN(merge_deeper_structure);
    RUN(no_merge_for_resources);
    RUN(merge_threshold_option);
    RUN(hints);
    RUN(hint_literal_beside_param);
    RUN(methods_share_template);
    RUN(parse_templates);
    RUN(nul_bytes_rejected);
    RUN(deep_path_capped);
    TEST_MAIN_END();
}
