/*
 * test_infer.c - value kinds, widening, enums, required/optional for
 * query and path parameters, merged across samples and aggregators.
 */
#include "discovery/disc_int.h"
#include "disctest.h"

#define VK(s) rp__disc_value_kind(rp_str_c(s))

TEST(kinds)
{
    CHECK_EQ_INT(VK("42"), RP_VK_INT);
    CHECK_EQ_INT(VK("-7"), RP_VK_INT);
    CHECK_EQ_INT(VK("3.14"), RP_VK_NUM);
    CHECK_EQ_INT(VK("1e10"), RP_VK_NUM);
    CHECK_EQ_INT(VK("12345678901234567890"), RP_VK_NUM);   /* too big for int64 */
    CHECK_EQ_INT(VK("1."), RP_VK_NUM);
    CHECK_EQ_INT(VK("."), RP_VK_STRING);
    CHECK_EQ_INT(VK("1e"), RP_VK_STRING);
    CHECK_EQ_INT(VK("true"), RP_VK_BOOL);
    CHECK_EQ_INT(VK("FALSE"), RP_VK_BOOL);
    CHECK_EQ_INT(VK("yes"), RP_VK_STRING);
    CHECK_EQ_INT(VK("550e8400-e29b-41d4-a716-446655440000"), RP_VK_UUID);
    CHECK_EQ_INT(VK("550e8400-e29b-41d4-a716-44665544000"), RP_VK_STRING);
    CHECK_EQ_INT(VK("2024-06-01"), RP_VK_DATE);
    CHECK_EQ_INT(VK("2024-02-30"), RP_VK_DATE);   /* day range only: 01..31 */
    CHECK_EQ_INT(VK("2024-13-01"), RP_VK_STRING);
    CHECK_EQ_INT(VK("2024-06-01T10:20:30Z"), RP_VK_DATETIME);
    CHECK_EQ_INT(VK("2024-06-01T10:20:30.123+02:00"), RP_VK_DATETIME);
    CHECK_EQ_INT(VK("2024-06-01T10:20:30"), RP_VK_STRING);     /* no offset */
    CHECK_EQ_INT(VK("2024-06-01T25:00:00Z"), RP_VK_STRING);
    CHECK_EQ_INT(VK("bob@example.com"), RP_VK_EMAIL);
    CHECK_EQ_INT(VK("bob@example"), RP_VK_STRING);
    CHECK_EQ_INT(VK("bob@@example.com"), RP_VK_STRING);
    CHECK_EQ_INT(VK(""), RP_VK_STRING);
}

static void q(rp_disc_t *d, const char *query)
{
    rp_disc_obs_t o = dt_obs("GET", "/search");
    o.query = rp_str_c(query);
    rp_disc_add(d, &o);
}

static int pidx(const dt_find_t *f, const char *name)
{
    for (size_t i = 0; i < f->e.nparams && i < 16; i++)
        if (strcmp(f->names[i], name) == 0)
            return (int)i;
    return -1;
}

TEST(query_types)
{
    rp_disc_t *d = rp_disc_new(NULL);
    for (int i = 0; i < 40; i++) {
        char b[256];
        snprintf(b, sizeof(b),
                 "page=%d&price=%s&flag=%s&id=550e8400-e29b-41d4-a716-4466554400%02d&"
                 "since=2024-06-%02d&at=2024-06-01T10:00:%02dZ&mail=u%d%%40x.io&sort=%s&"
                 "mixed=%s&free=text%d%s",
                 i, i % 2 ? "1.5" : "2", i % 3 ? "true" : "false", i, 1 + i % 28, i % 60, i,
                 i % 3 == 0 ? "asc" : i % 3 == 1 ? "desc" : "relevance", i % 2 ? "1" : "x", i,
                 i % 4 ? "&opt=1" : "");
        q(d, b);
    }
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/search", &f));
    CHECK_EQ_INT(f.e.nparams, 11);
    /* sorted by name */
    CHECK_STR(rp_str_c(f.names[0]), "at");
    CHECK_STR(rp_str_c(f.names[10]), "sort");
    int i;
    CHECK((i = pidx(&f, "page")) >= 0 && strcmp(f.types[i], "integer") == 0);
    CHECK((i = pidx(&f, "price")) >= 0 && strcmp(f.types[i], "number") == 0);
    CHECK((i = pidx(&f, "flag")) >= 0 && strcmp(f.types[i], "boolean") == 0);
    CHECK((i = pidx(&f, "id")) >= 0 && strcmp(f.formats[i], "uuid") == 0);
    CHECK((i = pidx(&f, "since")) >= 0 && strcmp(f.formats[i], "date") == 0);
    CHECK((i = pidx(&f, "at")) >= 0 && strcmp(f.formats[i], "date-time") == 0);
    CHECK((i = pidx(&f, "mail")) >= 0 && strcmp(f.formats[i], "email") == 0);
    CHECK(i >= 0 && f.params[i].sensitive == RP_DISC_S_EMAIL && f.nenum[i] == 0);
    CHECK((i = pidx(&f, "sort")) >= 0 && strcmp(f.types[i], "string") == 0 && f.nenum[i] == 3);
    CHECK(i >= 0 && strcmp(f.enum0[i], "asc") == 0);
    CHECK((i = pidx(&f, "mixed")) >= 0 && strcmp(f.types[i], "string") == 0);
    CHECK((i = pidx(&f, "free")) >= 0 && f.nenum[i] == 0);        /* 40 distinct > 16 */
    CHECK(i >= 0 && f.params[i].required == 1);
    CHECK((i = pidx(&f, "opt")) >= 0 && f.params[i].required == 0);
    CHECK(i >= 0 && f.params[i].count == 30);
    rp_disc_free(d);
}

TEST(enum_needs_many_requests)
{
    rp_disc_t *d = rp_disc_new(NULL);
    q(d, "sort=asc");
    q(d, "sort=desc");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/search", &f));
    CHECK_EQ_INT(f.nenum[0], 0);            /* 2 requests: too few to call it an enum */
    for (int i = 0; i < 10; i++)
        q(d, i % 2 ? "sort=asc" : "sort=desc");
    CHECK(dt_find(d, "GET", "/search", &f));
    CHECK_EQ_INT(f.nenum[0], 2);
    rp_disc_free(d);
}

TEST(widening_and_merge)
{
    rp_disc_t *a = rp_disc_new(NULL), *b = rp_disc_new(NULL);
    q(a, "n=1");
    q(b, "n=2.5");
    q(b, "n=3");
    CHECK_EQ_INT(rp_disc_merge(a, b), 0);
    dt_find_t f;
    CHECK(dt_find(a, "GET", "/search", &f));
    CHECK_STR(rp_str_c(f.types[0]), "number");
    CHECK_EQ_INT(f.params[0].required, 1);
    q(a, "n=abc");
    CHECK(dt_find(a, "GET", "/search", &f));
    CHECK_STR(rp_str_c(f.types[0]), "string");
    q(a, "other=1");   /* n missing once: optional now */
    CHECK(dt_find(a, "GET", "/search", &f));
    CHECK_EQ_INT(f.params[0].required, 0);
    rp_disc_free(a);
    rp_disc_free(b);
}

TEST(query_decoding)
{
    rp_disc_t *d = rp_disc_new(NULL);
    q(d, "a%20b=1&&=x&c&d=2&d=3&e=%ZZ&f=a+b");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/search", &f));
    CHECK_EQ_INT(f.e.nparams, 5);
    CHECK_STR(rp_str_c(f.names[0]), "a b");
    int i = pidx(&f, "d");
    CHECK(i >= 0 && f.params[i].count == 1);   /* repeated name: one request */
    CHECK(i >= 0 && strcmp(f.types[i], "integer") == 0);
    CHECK(pidx(&f, "c") >= 0);
    rp_disc_free(d);
}

TEST(path_params)
{
    rp_disc_t *d = rp_disc_new(NULL);
    for (int i = 0; i < 10; i++) {
        char p[128];
        snprintf(p, sizeof(p), "/orgs/%d/members/550e8400-e29b-41d4-a716-4466554400%02d", i, i);
        dt_add(d, "GET", p);
    }
    dt_add_hint(d, "GET", "/pets/2024-06-01", "/pets/{day}");
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/orgs/{orgId}/members/{memberId}", &f));
    CHECK_EQ_INT(f.e.nparams, 2);
    CHECK_STR(rp_str_c(f.names[0]), "orgId");
    CHECK_STR(rp_str_c(f.types[0]), "integer");
    CHECK_STR(rp_str_c(f.names[1]), "memberId");
    CHECK_STR(rp_str_c(f.formats[1]), "uuid");
    CHECK(f.params[0].in_path && f.params[0].required && f.params[0].count == 10);
    CHECK(dt_find(d, "GET", "/pets/{day}", &f));
    CHECK_STR(rp_str_c(f.formats[0]), "date");
    rp_disc_free(d);
}

TEST(folded_values_typed)
{
    /* merged literals become values of the parameter: typed and counted */
    rp_disc_t *d = rp_disc_new(NULL);
    char p[64];
    for (int i = 0; i < 21; i++) {
        snprintf(p, sizeof(p), "/tags/tag%c%c", 'a' + i / 26, 'a' + i % 26);
        dt_add(d, "GET", p);
    }
    dt_find_t f;
    CHECK(dt_find(d, "GET", "/tags/{tagId}", &f));
    CHECK_EQ_INT(f.params[0].count, 21);
    CHECK_STR(rp_str_c(f.types[0]), "string");
    CHECK_EQ_INT(f.nenum[0], 0);
    rp_disc_free(d);
}

int main(void)
{
    RUN(kinds);
    RUN(query_types);
    RUN(enum_needs_many_requests);
    RUN(widening_and_merge);
    RUN(query_decoding);
    RUN(path_params);
    RUN(folded_values_typed);
    TEST_MAIN_END();
}
