/*
 * test_groundtruth.c - a known API (60+ endpoints: nested ids, UUIDs,
 * ObjectIds, dates, emails, tokens, versions, literal look-alikes, one
 * free-text name parameter) driven with random traffic, without source
 * templates: the discovered templates (parameter names aside) must match
 * the ground truth with precision and recall >= 0.98. The same at the
 * library level as the ingest helper's end-to-end test.
 */
#include "discovery/disc_int.h"
#include "disctest.h"

/* Templates: {i} integer, {u} UUID, {o} ObjectId, {d} date, {e} email,
 * {t} opaque token, {l} ULID, {n} a name (letters), {s} a hex hash. */
static const struct { const char *method, *tmpl; } api[] = {
    { "GET", "/v1/users" },
    { "POST", "/v1/users" },
    { "GET", "/v1/users/{i}" },
    { "PUT", "/v1/users/{i}" },
    { "DELETE", "/v1/users/{i}" },
    { "GET", "/v1/users/me" },
    { "GET", "/v1/users/search" },
    { "GET", "/v1/users/{i}/orders" },
    { "POST", "/v1/users/{i}/orders" },
    { "GET", "/v1/users/{i}/orders/{u}" },
    { "PATCH", "/v1/users/{i}/orders/{u}" },
    { "GET", "/v1/users/{i}/orders/{u}/items" },
    { "GET", "/v1/users/{i}/orders/{u}/items/{i}" },
    { "GET", "/v2/users/{i}" },
    { "GET", "/v2/users/me" },
    { "GET", "/v2/users/{i}/profile" },
    { "GET", "/v1/products" },
    { "GET", "/v1/products/{o}" },
    { "GET", "/v1/products/{o}/reviews" },
    { "POST", "/v1/products/{o}/reviews" },
    { "GET", "/v1/products/{o}/reviews/{i}" },
    { "GET", "/v1/products/latest" },
    { "GET", "/v1/products/export" },
    { "GET", "/v1/orgs/{u}" },
    { "GET", "/v1/orgs/{u}/members" },
    { "GET", "/v1/orgs/{u}/members/{e}" },
    { "DELETE", "/v1/orgs/{u}/members/{e}" },
    { "GET", "/v1/orgs/{u}/projects/{i}/tasks" },
    { "GET", "/v1/orgs/{u}/projects/{i}/tasks/{i}" },
    { "GET", "/v1/orgs/{u}/settings" },
    { "GET", "/v1/reports/{d}" },
    { "GET", "/v1/reports/{d}/summary" },
    { "GET", "/v1/sessions/{t}" },
    { "DELETE", "/v1/sessions/{t}" },
    { "GET", "/v1/invoices/{l}" },
    { "GET", "/v1/invoices/{l}/pdf" },
    { "GET", "/v1/commits/{s}" },
    { "GET", "/v1/tags" },
    { "GET", "/v1/tags/{n}" },
    { "GET", "/v1/tags/{n}/posts" },
    { "GET", "/v1/categories" },
    { "GET", "/v1/categories/{i}" },
    { "GET", "/v1/categories/{i}/children" },
    { "GET", "/v1/carts/{u}" },
    { "POST", "/v1/carts/{u}/checkout" },
    { "GET", "/v1/payments/{i}" },
    { "POST", "/v1/payments/{i}/refund" },
    { "GET", "/v1/shipments/{i}/tracking" },
    { "GET", "/v1/stores/{i}/inventory/{o}" },
    { "GET", "/v1/admin/stats" },
    { "GET", "/v1/admin/users/{i}/audit" },
    { "POST", "/v1/auth/login" },
    { "POST", "/v1/auth/logout" },
    { "POST", "/v1/auth/refresh" },
    { "GET", "/v1/webhooks" },
    { "GET", "/v1/webhooks/{i}" },
    { "GET", "/health" },
    { "GET", "/search" },
    { "GET", "/v1/search" },
    { "GET", "/v3/status" },
    { "GET", "/v1/files/{u}/versions/{i}" },
    { "GET", "/v1/threads/{i}/messages/{i}/reactions" },
};

static uint64_t rs = 42;
static uint64_t rnd(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void value(char kind, char *o, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static const char b62[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static const char *const first[] = { "alice", "bob", "carol", "dave", "erin", "frank",
                                         "grace", "heidi", "ivan", "judy", "mallory", "oscar" };
    static const char *const words[] = { "news", "rust", "golang", "travel", "food", "music",
                                         "sport", "design", "cloud", "linux", "ai", "data" };
    size_t i;
    switch (kind) {
    case 'i':
        snprintf(o, cap, "%llu", (unsigned long long)(1 + rnd() % 100000));
        break;
    case 'u':
        for (i = 0; i < 36; i++)
            o[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : hex[rnd() % 16];
        o[36] = 0;
        break;
    case 'o':
        for (i = 0; i < 24; i++)
            o[i] = hex[rnd() % 16];
        o[24] = 0;
        break;
    case 's':
        for (i = 0; i < 40; i++)
            o[i] = hex[rnd() % 16];
        o[40] = 0;
        break;
    case 'd':
        snprintf(o, cap, "2024-%02d-%02d", (int)(1 + rnd() % 12), (int)(1 + rnd() % 28));
        break;
    case 'e':
        snprintf(o, cap, "%s.%llu@example.com", first[rnd() % 12],
                 (unsigned long long)(rnd() % 1000));
        break;
    case 't':
        for (i = 0; i < 32; i++)
            o[i] = b62[rnd() % 62];
        o[0] = 'A';
        o[1] = 'z';
        o[2] = '9';
        o[32] = 0;
        break;
    case 'l':
        o[0] = '0' + (char)(rnd() % 8);
        for (i = 1; i < 26; i++)
            o[i] = b32[rnd() % 32];
        o[1] = '1';
        o[2] = 'A';
        o[3] = '2';
        o[4] = 'B';
        o[26] = 0;
        break;
    case 'n':
        /* free-text names: letters only, high cardinality */
        snprintf(o, cap, "%s%s", words[rnd() % 12], words[rnd() % 12]);
        break;
    default:
        o[0] = 0;
    }
}

static void instantiate(const char *tmpl, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 80 < cap;) {
        if (*p == '{') {
            char v[80];
            value(p[1], v, sizeof(v));
            size_t l = strlen(v);
            memcpy(out + o, v, l);
            o += l;
            p += 3;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = 0;
}

/* "{anything}" -> "{}" */
static void norm(const char *in, char *out)
{
    while (*in) {
        if (*in == '{') {
            while (*in && *in != '}')
                in++;
            *out++ = '{';
            *out++ = '}';
            if (*in)
                in++;
        } else {
            *out++ = *in++;
        }
    }
    *out = 0;
}

typedef struct found {
    char keys[256][160];
    int n;
} found_t;

static int found_cb(void *ud, const rp_disc_endpoint_t *e)
{
    found_t *f = ud;
    if (f->n < 256) {
        char nt[128];
        norm(e->path, nt);
        snprintf(f->keys[f->n++], sizeof(f->keys[0]), "%s %s", e->method, nt);
    }
    return 0;
}

TEST(precision_recall)
{
    rp_disc_t *d = rp_disc_new(NULL);
    char path[256];
    size_t n = RP_ARRAY_SIZE(api);
    for (int r = 0; r < 20000; r++) {
        size_t k = (size_t)(rnd() % n);
        instantiate(api[k].tmpl, path, sizeof(path));
        rp_disc_obs_t o = dt_obs(api[k].method, path);
        o.latency_ms = 10;
        CHECK_EQ_INT(rp_disc_add(d, &o), 0);
    }
    found_t *f = calloc(1, sizeof(*f));
    rp_disc_each_endpoint(d, NULL, 0, found_cb, f);
    int tp = 0;
    for (int i = 0; i < f->n; i++) {
        int hit = 0;
        for (size_t k = 0; k < n && !hit; k++) {
            char nt[128], key[160];
            norm(api[k].tmpl, nt);
            snprintf(key, sizeof(key), "%s %s", api[k].method, nt);
            hit = strcmp(key, f->keys[i]) == 0;
        }
        tp += hit;
        if (!hit)
            fprintf(stderr, "not in the ground truth: %s\n", f->keys[i]);
    }
    double precision = f->n ? (double)tp / f->n : 0, recall = (double)tp / (double)n;
    printf("ground truth: %zu endpoints, discovered %d, precision %.3f recall %.3f\n", n, f->n,
           precision, recall);
    CHECK(precision >= 0.98);
    CHECK(recall >= 0.98);
    free(f);
    rp_disc_free(d);
}

int main(void)
{
    RUN(precision_recall);
    TEST_MAIN_END();
}
