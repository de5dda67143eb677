/*
 * test_disc_store.c - the SQLite store: save, close, reopen, load into a
 * fresh aggregator gives the same export; loading merges; saving
 * replaces an application's rows; broken files are errors.
 */
#include "discovery/disc_int.h"
#include "../discovery/disctest.h"

#include <sqlite3.h>
#include <unistd.h>

static char dir[256];

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void build(rp_disc_t *d, int scale)
{
    rp_disc_header_t hb = { RP_STRLIT("Authorization"), RP_STRLIT("Bearer abc") };
    char path[64], q[64], body[128];
    for (int i = 0; i < 10 * scale; i++) {
        snprintf(path, sizeof(path), "/v1/users/%d/orders/%d", i % 7, 1000 + i);
        snprintf(q, sizeof(q), "state=%s&n=%d", i % 2 ? "open" : "closed", i);
        snprintf(body, sizeof(body), "{\"id\":%d,\"mail\":\"a%d@b.io\",\"x\":[1,2.5]}", i, i);
        rp_disc_obs_t o = dt_obs("GET", path);
        o.query = rp_str_c(q);
        o.status = i % 5 ? 200 : 503;
        o.latency_ms = 1 + i;
        o.integration_ms = i * 0.5;
        o.resp_bytes = 100 + i;
        o.time_ms = 1700000000000 + i;
        o.source = i % 3 ? RP_STRLIT("10.0.0.1") : RP_STRLIT("10.0.0.2");
        o.headers = &hb;
        o.nheaders = 1;
        o.resp_ctype = RP_STRLIT("application/json");
        o.resp_body = rp_str_c(body);
        o.domain = RP_STRLIT("api.example.com");
        o.stage = RP_STRLIT("prod");
        rp_disc_add(d, &o);
        o = dt_obs("POST", "/pets/77");
        o.template_hint = RP_STRLIT("/pets/{petId}");
        o.app = RP_STRLIT("petstore");
        o.time_ms = 1700000000500 + i;
        rp_disc_add(d, &o);
    }
    /* many sources: the sketch goes to registers */
    for (int i = 0; i < 50; i++) {
        char src[32];
        snprintf(src, sizeof(src), "192.168.0.%d", i);
        rp_disc_obs_t o = dt_obs("GET", "/metrics");
        o.app = RP_STRLIT("petstore");
        o.source = rp_str_c(src);
        rp_disc_add(d, &o);
    }
    /* merged names */
    for (int i = 0; i < 25; i++) {
        snprintf(path, sizeof(path), "/profiles/name%c%c", 'a' + i / 26, 'a' + i % 26);
        rp_disc_obs_t o = dt_obs("GET", path);
        o.app = RP_STRLIT("petstore");
        rp_disc_add(d, &o);
    }
}

static void export_all(const rp_disc_t *d, rp_buf_t *out)
{
    rp_disc_openapi(d, "api.example.com/prod", RP_DISC_JSON, out);
    rp_disc_openapi(d, "petstore", RP_DISC_JSON, out);
}

TEST(roundtrip)
{
    char p[512], err[256] = "";
    path_of(p, sizeof(p), "rt.db");
    rp_disc_t *d = rp_disc_new(NULL);
    build(d, 1);
    rp_disc_store_t *s = rp_disc_store_open(p, err, sizeof(err));
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_EQ_INT(rp_disc_store_save(s, d), 0);
    rp_disc_store_close(s);

    s = rp_disc_store_open(p, err, sizeof(err));
    CHECK(s != NULL);
    rp_disc_t *d2 = rp_disc_new(NULL);
    CHECK_EQ_INT(rp_disc_store_load(s, d2), 0);
    rp_buf_t a, b;
    rp_buf_init(&a);
    rp_buf_init(&b);
    export_all(d, &a);
    export_all(d2, &b);
    CHECK(a.len > 1000);
    CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
    if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
        fprintf(stderr, "--- before\n%.*s\n--- after\n%.*s\n", (int)a.len, a.p, (int)b.len, b.p);
    dt_list_t *l1 = malloc(sizeof(*l1)), *l2 = malloc(sizeof(*l2));
    dt_list(d, l1);
    dt_list(d2, l2);
    CHECK_STR(rp_str_c(l2->buf), l1->buf);
    dt_find_t f;
    CHECK(dt_find(d2, "GET", "/profiles/{profileId}", &f));
    CHECK_EQ_INT(f.e.requests, 25);
    CHECK(dt_find(d2, "GET", "/metrics", &f));
    CHECK(f.e.sources >= 45 && f.e.sources <= 55);

    /* load again: counts add up */
    CHECK_EQ_INT(rp_disc_store_load(s, d2), 0);
    CHECK(dt_find(d2, "GET", "/v1/users/{userId}/orders/{orderId}", &f));
    CHECK_EQ_INT(f.e.requests, 20);
    /* ... and saving d2 replaces the rows (no doubling on the next load) */
    CHECK_EQ_INT(rp_disc_store_save(s, d2), 0);
    rp_disc_t *d3 = rp_disc_new(NULL);
    CHECK_EQ_INT(rp_disc_store_load(s, d3), 0);
    CHECK(dt_find(d3, "GET", "/v1/users/{userId}/orders/{orderId}", &f));
    CHECK_EQ_INT(f.e.requests, 20);
    CHECK(dt_find(d3, "GET", "/profiles/{profileId}", &f));
    CHECK_EQ_INT(f.e.requests, 50);
    /* the readable tables are there */
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open(p, &db), SQLITE_OK);
    sqlite3_stmt *st;
    CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT params FROM parameters WHERE path="
                                        "'/v1/users/{userId}/orders/{orderId}'", -1, &st, NULL),
                 SQLITE_OK);
    CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK(strstr((const char *)sqlite3_column_text(st, 0), "\"name\":\"state\"") != NULL);
    sqlite3_finalize(st);
    CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT count(*) FROM endpoints", -1, &st, NULL),
                 SQLITE_OK);
    CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_EQ_INT(sqlite3_column_int(st, 0), 4);
    sqlite3_finalize(st);
    sqlite3_close(db);
    rp_disc_store_close(s);
    free(l1);
    free(l2);
    rp_buf_dispose(&a);
    rp_buf_dispose(&b);
    rp_disc_free(d);
    rp_disc_free(d2);
    rp_disc_free(d3);
}

TEST(other_apps_kept)
{
    char p[512], err[256];
    path_of(p, sizeof(p), "apps.db");
    rp_disc_store_t *s = rp_disc_store_open(p, err, sizeof(err));
    rp_disc_t *d = rp_disc_new(NULL);
    build(d, 1);
    CHECK_EQ_INT(rp_disc_store_save(s, d), 0);
    /* a second aggregator that knows only petstore */
    rp_disc_t *d2 = rp_disc_new(NULL);
    rp_disc_obs_t o = dt_obs("GET", "/new");
    o.app = RP_STRLIT("petstore");
    rp_disc_add(d2, &o);
    CHECK_EQ_INT(rp_disc_store_save(s, d2), 0);
    rp_disc_t *d3 = rp_disc_new(NULL);
    CHECK_EQ_INT(rp_disc_store_load(s, d3), 0);
    dt_list_t *l = malloc(sizeof(*l));
    dt_list(d3, l);
    /* petstore replaced by d2's view, the other app untouched */
    CHECK_STR(rp_str_c(l->buf), "GET /v1/users/{userId}/orders/{orderId}\nGET /new\n");
    free(l);
    rp_disc_store_close(s);
    rp_disc_free(d);
    rp_disc_free(d2);
    rp_disc_free(d3);
}

TEST(bad_files)
{
    char p[512], err[256] = "";
    /* not a database */
    path_of(p, sizeof(p), "garbage.db");
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 200; i++)
        fputs("this is not sqlite at all\n", f);
    fclose(f);
    CHECK(rp_disc_store_open(p, err, sizeof(err)) == NULL);
    CHECK(err[0] != 0);
    /* unwritable place */
    err[0] = 0;
    CHECK(rp_disc_store_open("/nonexistent-dir/x/y.db", err, sizeof(err)) == NULL);
    CHECK(err[0] != 0);
    /* another schema version */
    path_of(p, sizeof(p), "v9.db");
    sqlite3 *db;
    sqlite3_open(p, &db);
    sqlite3_exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                     "INSERT INTO meta VALUES('schema_version','9');", NULL, NULL, NULL);
    sqlite3_close(db);
    err[0] = 0;
    CHECK(rp_disc_store_open(p, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "schema version") != NULL);
    /* a corrupt blob: that row is skipped, the others load, the result says so */
    path_of(p, sizeof(p), "blob.db");
    rp_disc_store_t *s = rp_disc_store_open(p, err, sizeof(err));
    rp_disc_t *d = rp_disc_new(NULL);
    build(d, 1);
    CHECK_EQ_INT(rp_disc_store_save(s, d), 0);
    rp_disc_store_close(s);
    sqlite3_open(p, &db);
    CHECK_EQ_INT(sqlite3_exec(db, "UPDATE counters SET state=x'52504401020aff' WHERE path='/metrics'",
                              NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    s = rp_disc_store_open(p, err, sizeof(err));
    rp_disc_t *d2 = rp_disc_new(NULL);
    CHECK_EQ_INT(rp_disc_store_load(s, d2), RP_EINVAL);
    dt_find_t fd;
    CHECK(!dt_find(d2, "GET", "/metrics", &fd));
    CHECK(dt_find(d2, "POST", "/pets/{petId}", &fd));
    rp_disc_store_close(s);
    rp_disc_free(d);
    rp_disc_free(d2);
}

/* Every truncation and many bit flips of every blob: never a crash. */
typedef struct blobs {
    rp_disc_record_t r[64];
    char *mem[64][6];
    int n;
} blobs_t;

static char *dup_s(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static int grab(void *ud, const rp_disc_record_t *r)
{
    blobs_t *b = ud;
    if (b->n >= 64)
        return 0;
    rp_disc_record_t *c = &b->r[b->n];
    *c = *r;
    char **m = b->mem[b->n++];
    m[0] = dup_s(r->app, strlen(r->app));
    m[1] = r->method ? dup_s(r->method, strlen(r->method)) : NULL;
    m[2] = r->path ? dup_s(r->path, strlen(r->path)) : NULL;
    m[3] = dup_s(r->state.p, r->state.n);
    m[4] = dup_s(r->domain, strlen(r->domain));
    m[5] = dup_s(r->stage, strlen(r->stage));
    c->app = m[0];
    c->method = m[1];
    c->path = m[2];
    c->state = rp_str(m[3], r->state.n);
    c->domain = m[4];
    c->stage = m[5];
    return 0;
}

TEST(blob_mutations)
{
    rp_disc_t *d = rp_disc_new(NULL);
    build(d, 1);
    blobs_t *b = calloc(1, sizeof(*b));
    CHECK_EQ_INT(rp_disc_each_record(d, grab, b), 0);
    CHECK(b->n >= 6);
    int rejected = 0;
    for (int i = 0; i < b->n; i++) {
        rp_disc_record_t r = b->r[i];
        rp_str_t full = r.state;
        for (size_t cut = 0; cut < full.n; cut++) {
            rp_disc_t *t = rp_disc_new(NULL);
            r.state = rp_str(full.p, cut);
            rejected += rp_disc_add_record(t, &r) == RP_EINVAL;
            rp_disc_free(t);
        }
        char *m = malloc(full.n);
        for (size_t k = 0; k < full.n; k++) {
            memcpy(m, full.p, full.n);
            m[k] ^= (char)(1u << (k % 8));
            rp_disc_t *t = rp_disc_new(NULL);
            r.state = rp_str(m, full.n);
            (void)rp_disc_add_record(t, &r);
            rp_disc_free(t);
        }
        free(m);
    }
    CHECK(rejected > 100);
    for (int i = 0; i < b->n; i++)
        for (int k = 0; k < 6; k++)
            free(b->mem[i][k]);
    free(b);
    rp_disc_free(d);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "%s/rp-disc-store-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 2;
    RUN(roundtrip);
    RUN(other_apps_kept);
    RUN(bad_files);
    RUN(blob_mutations);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    TEST_MAIN_END();
}
