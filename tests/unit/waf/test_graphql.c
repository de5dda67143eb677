/*
 * GraphQL (graphql.c): the parser on every syntax form, malformed
 * documents and limits; string values; the points points.c makes of a
 * JSON and an application/graphql body; the findings of the request-level
 * check (introspection, depth, aliases, batch, directives, cycles); an
 * injection in an argument found at the argument's point; realistic
 * documents with string arguments that must pass.
 */
#include "test.h"

#include "waf/waf_int.h"

#include <time.h>

static rp__gql_def_t defs[RP_GQL_MAX_DEFS];
static rp__gql_spread_t spreads[RP_GQL_MAX_SPREADS];
static char listing[1 << 14];
static size_t listing_n;

static int list_cb(void *ud, rp_str_t path, rp_str_t raw, int block)
{
    char val[512];
    size_t n = rp__gql_string_value(raw, block, val);
    RP_UNUSED(ud);
    CHECK(n <= raw.n);
    listing_n += (size_t)snprintf(listing + listing_n, sizeof(listing) - listing_n, "%.*s=%.*s\n",
                                  (int)path.n, path.p, (int)n, val);
    return 0;
}

/* Parses s with the fragment graph and the listing callback. */
static int parse(rp__gql_t *g, const char *s)
{
    memset(g, 0, sizeof(*g));
    g->on_string = list_cb;
    g->defs = defs;
    g->defs_cap = RP_GQL_MAX_DEFS;
    g->spreads = spreads;
    g->spreads_cap = RP_GQL_MAX_SPREADS;
    listing_n = 0;
    listing[0] = 0;
    return rp__gql_parse(g, s, strlen(s));
}

TEST(valid_documents)
{
    static const char *const docs[] = {
        "{ a }",
        "{a}",
        "query { a }",
        "query Q { a b c }",
        "mutation M($x: Int!, $y: [String!]! = [\"a\"], $z: In = {a: 1, b: [1, 2.5e3]}) "
        "{ f(x: $x, y: $y) { id } }",
        "subscription S { onEvent(type: CREATED) { id } }",
        "query($id: ID) @live { node(id: $id) { id } }",
        "{ alias: field(a: 1, b: -2, c: 0.5, d: 1e10, e: -0.0E-3, f: true, g: false, h: null, i: ENUM) }",
        "{ f(s: \"plain\", t: \"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u{1F600}\") }",
        "{ f(s: \"\"\"block \\\"\"\" string\n  with lines\"\"\") }",
        "{ f(o: {a: {b: {c: [[1], [2, [3]]]}}}, l: []) }",
        "{ f(o: {}) }",
        "{ a @include(if: true) @skip(if: false) b @deprecated }",
        "{ ...F ... on User { id } ... @include(if: $x) { id } ... { id } }",
        "fragment F on User { id name ...G } fragment G on User @dir { email }"
        "query { user { ...F } }",
        "# comment\n{ a # trailing\n , b, , c }",
        "\xef\xbb\xbf{ a }",
        "query Q($a: [[Int!]]!) { f(a: $a) }",
        "query A { a } query B { b } mutation C { c }",
        "{ on: field  query: other fragment: x }",
        "{ f(a: \"\", b: \"\"\"\"\"\") }",
        "{ __typename user { __typename } }",
        "query Q($v: String = \"d\" @dir) { a }",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(docs); i++) {
        rp__gql_t g;
        int r = parse(&g, docs[i]);
        CHECK_EQ_INT(r, RP_GQL_OK);
        if (r != RP_GQL_OK)
            fprintf(stderr, "    doc %zu: %s at %zu: %s\n", i, g.err, g.err_off, docs[i]);
        CHECK(g.st.ops + g.st.frags >= 1);
        CHECK(!g.st.introspection);
    }
}

TEST(malformed_documents)
{
    static const struct {
        const char *doc;
        size_t off;   /* where the error is */
    } bad[] = {
        { "", 0 },
        { "   # only a comment", 0 },
        { "{", 1 },
        { "{ }", 2 },
        { "{ a", 3 },
        { "{ a(b) }", 5 },
        { "{ a() }", 4 },
        { "{ a(b: ) }", 7 },
        { "{ a(b: \"unterminated) }", 7 },
        { "{ a(b: \"line\nbreak\") }", 7 },
        { "{ a(b: \"\\q\") }", 7 },
        { "{ a(b: \"\\u12\") }", 7 },
        { "{ a(b: \"\\u{110000}\") }", 7 },
        { "{ a(b: \"\"\"open) }", 7 },
        { "{ a(b: 01) }", 7 },
        { "{ a(b: 1.) }", 7 },
        { "{ a(b: 1e) }", 7 },
        { "{ a(b: 1x) }", 7 },
        { "{ a(b: .5) }", 7 },
        { "{ a(b: [1, 2) }", 12 },
        { "{ a(b: {c 1}) }", 10 },
        { "query Q($v: Int = $w) { a }", 18 },
        { "query Q() { a }", 8 },
        { "query Q($v) { a }", 10 },
        { "fragment on on X { a }", 9 },
        { "fragment F X { a }", 11 },
        { "fragment F on X", 15 },
        { "type Query { a: Int }", 0 },
        { "laptops cheap", 0 },
        { "{ a } }", 6 },
        { "{ a: }", 5 },
        { "{ ... on }", 9 },
        { "{ a ~ }", 4 },
        { "{ a(b: \"x\x01\") }", 7 },
        { "{ a @ }", 6 },
        { "{ a(b: [}) }", 8 },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(bad); i++) {
        rp__gql_t g;
        int r = parse(&g, bad[i].doc);
        CHECK_EQ_INT(r, RP_GQL_SYNTAX);
        CHECK(g.err != NULL);
        if (r != RP_GQL_SYNTAX || g.err_off != bad[i].off)
            fprintf(stderr, "    bad %zu: r %d, \"%s\" at %zu (want %zu): %s\n", i, r,
                    g.err ? g.err : "", g.err_off, bad[i].off, bad[i].doc);
        CHECK_EQ_INT(g.err_off, bad[i].off);
    }
    /* without the terminating NUL: an exact-size copy ends mid-token */
    static const char *const cuts[] = { "{ a(b: \"x", "{ a(b: \"\"\"x\"\"", "{ a(b: 1e+", "{ a(b: \"\\u00" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(cuts); i++) {
        size_t n = strlen(cuts[i]);
        char *c = malloc(n);
        memcpy(c, cuts[i], n);
        rp__gql_t g;
        memset(&g, 0, sizeof(g));
        CHECK_EQ_INT(rp__gql_parse(&g, c, n), RP_GQL_SYNTAX);
        free(c);
    }
}

TEST(string_values)
{
    static const struct {
        const char *raw;
        int block;
        const char *want;
    } c[] = {
        { "plain", 0, "plain" },
        { "a\\\"b\\\\c\\/d", 0, "a\"b\\c/d" },
        { "\\n\\r\\t\\b\\f", 0, "\n\r\t\b\f" },
        { "caf\\u00e9", 0, "caf\xc3\xa9" },
        { "\\u0027 OR 1=1", 0, "' OR 1=1" },
        { "\\ud83d\\ude00", 0, "\xf0\x9f\x98\x80" },
        { "\\u{1F600}", 0, "\xf0\x9f\x98\x80" },
        { "\\u{41}", 0, "A" },
        { "\\ud83d", 0, "\xef\xbf\xbd" },
        { "", 0, "" },
        /* block strings: the common indentation of lines 2.. goes, blank
         * first and last lines go, escapes are not decoded but \""" */
        { "\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  ", 1,
          "Hello,\n  World!\n\nYours,\n  GraphQL." },
        { "  first\n    second\n    third", 1, "  first\nsecond\nthird" },
        { "a \\\"\"\" b \\n", 1, "a \"\"\" b \\n" },
        { "\r\n  x\r\n  y\r\n", 1, "x\ny" },
        { "   \n  \n", 1, "" },
        { "one", 1, "one" },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(c); i++) {
        char out[256];
        size_t n = rp__gql_string_value(rp_str_c(c[i].raw), c[i].block, out);
        CHECK(n <= strlen(c[i].raw));
        CHECK_STR(rp_str(out, n), c[i].want);
    }
}

TEST(argument_paths)
{
    rp__gql_t g;
    CHECK_EQ_INT(parse(&g,
                       "query Q($n: String = \"dflt\", $o: In = {k: \"v\"}) @op(a: \"o\") {\n"
                       "  user(id: \"u1\") {\n"
                       "    a: posts(filter: {title: \"t\", tags: [\"x\", \"y\"]}, n: 3) { id }\n"
                       "    bio @include(if: $n) @fmt(style: \"\"\"\n      md\n    \"\"\")\n"
                       "    ...F\n"
                       "    ... on Admin { logs(q: \"l\") }\n"
                       "  }\n"
                       "}\n"
                       "fragment F on User { friends(name: \"O\\u0027Brien\") { id } }\n"),
                 RP_GQL_OK);
    CHECK_STR(rp_str(listing, listing_n),
              ".$n=dflt\n"
              ".$o.k=v\n"
              "@op(a)=o\n"
              ".user(id)=u1\n"
              ".user.posts(filter).title=t\n"
              ".user.posts(filter).tags[]=x\n"
              ".user.posts(filter).tags[]=y\n"
              ".user.bio@fmt(style)=md\n"
              ".user.logs(q)=l\n"
              "...F.friends(name)=O'Brien\n");
    CHECK_EQ_INT(g.st.strings, 10);
    CHECK_EQ_INT(g.st.ops, 1);
    CHECK_EQ_INT(g.st.frags, 1);
    CHECK_EQ_INT(g.st.spreads, 1);
    CHECK_EQ_INT(g.st.aliases, 1);
    CHECK_EQ_INT(g.st.depth, 3);   /* user > friends (via F) > id */
    CHECK_EQ_INT(g.st.directives, 2);
    CHECK_EQ_INT(g.st.directives_all, 3);
    /* long names and deep paths stay bounded */
    char doc[8192];
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(doc + o, sizeof(doc) - o, "{ f%02d_%0100d ", i, 0);
    o += (size_t)snprintf(doc + o, sizeof(doc) - o, "(a: \"deep\")");
    for (int i = 0; i < 40; i++)
        doc[o++] = '}';
    doc[o] = 0;
    CHECK_EQ_INT(parse(&g, doc), RP_GQL_OK);
    char *eq = strchr(listing, '=');
    CHECK(eq && (size_t)(eq - listing) <= RP_GQL_PATH_CAP);
    CHECK(strncmp(listing, ".f00_000", 8) == 0);
    CHECK(eq && (size_t)(eq - listing) > RP_GQL_PATH_CAP - RP_GQL_NAME_CAP - 8);
}

TEST(nesting_and_token_limits)
{
    static char doc[1 << 20];
    rp__gql_t g;
    size_t o = 0;
    /* "{a{a{a..." : selection sets 100 deep */
    for (int i = 0; i < 100; i++) {
        doc[o++] = '{';
        doc[o++] = 'a';
    }
    for (int i = 0; i < 100; i++)
        doc[o++] = '}';
    doc[o] = 0;
    CHECK_EQ_INT(parse(&g, doc), RP_GQL_LIMIT);
    CHECK(g.st.depth >= 60);
    /* lists 100 deep in a value */
    o = (size_t)sprintf(doc, "{ f(a: ");
    for (int i = 0; i < 100; i++)
        doc[o++] = '[';
    for (int i = 0; i < 100; i++)
        doc[o++] = ']';
    strcpy(doc + o, ") }");
    CHECK_EQ_INT(parse(&g, doc), RP_GQL_LIMIT);
    /* list types 100 deep */
    o = (size_t)sprintf(doc, "query ($a: ");
    for (int i = 0; i < 100; i++)
        doc[o++] = '[';
    doc[o++] = 'I';
    for (int i = 0; i < 100; i++)
        doc[o++] = ']';
    strcpy(doc + o, ") { a }");
    CHECK_EQ_INT(parse(&g, doc), RP_GQL_LIMIT);
    /* more tokens than allowed */
    o = (size_t)sprintf(doc, "{ ");
    while (o + 4 < sizeof(doc) - 8)
        memcpy(doc + o, "a b ", 4), o += 4;
    strcpy(doc + o, "}");
    clock_t t0 = clock();
    CHECK_EQ_INT(parse(&g, doc), RP_GQL_LIMIT);
    CHECK(g.st.fields >= RP_GQL_MAX_TOKENS - 2);
    double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    CHECK(ms < 500);
    printf("  1 MiB of fields: %.1f ms\n", ms);
}

/* Pathological inputs finish fast and never read past n. */
TEST(pathological)
{
    static char big[1 << 20];
    static const char *const units[] = { "{", "[", "\"", "\\", "...", "{a:", "\"\"\"", "#",
                                         "fragment F on X { ...F } ", "{ a(b: [", "@a" };
    for (size_t u = 0; u < RP_ARRAY_SIZE(units); u++) {
        size_t ul = strlen(units[u]), n = 0;
        while (n + ul <= sizeof(big)) {
            memcpy(big + n, units[u], ul);
            n += ul;
        }
        rp__gql_t g;
        memset(&g, 0, sizeof(g));
        g.defs = defs;
        g.defs_cap = RP_GQL_MAX_DEFS;
        g.spreads = spreads;
        g.spreads_cap = RP_GQL_MAX_SPREADS;
        clock_t t0 = clock();
        int r = rp__gql_parse(&g, big, n);
        double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
        CHECK(r != RP_GQL_OK || u == 8);
        CHECK(ms < 500);
        (void)rp__gql_looks_document(big, n);
    }
    unsigned x = 777;
    for (int k = 0; k < 5000; k++) {
        char buf[96];
        size_t l = (size_t)(x % sizeof(buf));
        for (size_t i = 0; i < l; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = "{}()[]:$@!=.\" \\\nabon#,1-e"[(x >> 8) % 25];
        }
        rp__gql_t g;
        parse(&g, "{ a }");
        memset(&g, 0, sizeof(g));
        g.on_string = list_cb;
        g.defs = defs;
        g.defs_cap = 4;
        g.spreads = spreads;
        g.spreads_cap = 4;
        listing_n = 0;
        int r = rp__gql_parse(&g, buf, l);
        CHECK(r == RP_GQL_OK || r == RP_GQL_SYNTAX || r == RP_GQL_LIMIT);
        CHECK(r == RP_GQL_OK || g.err_off <= l);
        x = x * 1103515245u + 12345u;
    }
}

TEST(statistics)
{
    rp__gql_t g;
    /* introspection: __schema and __type, not __typename */
    CHECK_EQ_INT(parse(&g, "query IntrospectionQuery { __schema { types { name } } }"), RP_GQL_OK);
    CHECK(g.st.introspection && strcmp(g.st.introspection, "__schema") == 0);
    CHECK_EQ_INT(g.st.introspection_off, 27);
    CHECK_EQ_INT(parse(&g, "{ __type(name: \"User\") { fields { name } } }"), RP_GQL_OK);
    CHECK(g.st.introspection && strcmp(g.st.introspection, "__type") == 0);
    CHECK_EQ_INT(parse(&g, "{ __typename a { __typename } }"), RP_GQL_OK);
    CHECK(!g.st.introspection);
    CHECK_EQ_INT(rp__gql_worst(&g.st), 0);
    /* depth through fragments: 4 + 3 - 1 + 2 - 1 */
    CHECK_EQ_INT(parse(&g, "{ a { b { c { ...F } } } } fragment F on X { d { e { ...G } } } "
                           "fragment G on X { f { g } }"),
                 RP_GQL_OK);
    CHECK_EQ_INT(g.st.depth, 7);
    /* fields and aliases expanded: F is used 3 times */
    CHECK_EQ_INT(parse(&g, "{ a { ...F } b { ...F } c { ...F } } fragment F on X { x: y z }"),
                 RP_GQL_OK);
    CHECK_EQ_INT(g.st.fields, 3 + 3 * 2);
    CHECK_EQ_INT(g.st.aliases, 3);
    /* a fragment bomb: each level doubles */
    char doc[4096];
    size_t o = (size_t)sprintf(doc, "{ ...F0 }");
    for (int i = 0; i < 40; i++)
        o += (size_t)sprintf(doc + o, " fragment F%d on X { a: x ...F%d ...F%d }", i, i + 1, i + 1);
    sprintf(doc + o, " fragment F40 on X { z }");
    CHECK_EQ_INT(parse(&g, doc), RP_GQL_OK);
    CHECK(g.st.fields >= (1u << 30));
    CHECK(g.st.aliases >= (1u << 30));
    CHECK(!g.st.cycle.n);
    /* cycles: direct, indirect, and a spread to an unknown fragment */
    CHECK_EQ_INT(parse(&g, "{ ...A } fragment A on X { a ...A }"), RP_GQL_OK);
    CHECK_STR(g.st.cycle, "A");
    CHECK_EQ_INT(parse(&g, "{ ...A } fragment A on X { a ...B } fragment B on X { b { ...C } } "
                           "fragment C on X { c ...A }"),
                 RP_GQL_OK);
    CHECK_STR(g.st.cycle, "A");
    CHECK_EQ_INT(parse(&g, "fragment B on X { b ...C } fragment C on X { c ...B } { a }"), RP_GQL_OK);
    CHECK(g.st.cycle.n > 0);
    CHECK_EQ_INT(parse(&g, "{ ...Nope a { ...A } } fragment A on X { ...B } fragment B on X { b }"),
                 RP_GQL_OK);
    CHECK(!g.st.cycle.n);
    CHECK_EQ_INT(g.st.depth, 2);
    /* directives on one location, and in all */
    o = (size_t)sprintf(doc, "{ a ");
    for (int i = 0; i < 60; i++)
        o += (size_t)sprintf(doc + o, "@d");
    sprintf(doc + o, " }");
    CHECK_EQ_INT(parse(&g, doc), RP_GQL_OK);
    CHECK_EQ_INT(g.st.directives, 60);
    CHECK(rp__gql_worst(&g.st) >= 60);
    /* more spreads than the graph holds */
    static char big[64 * 1024];
    o = (size_t)sprintf(big, "{ a ");
    for (int i = 0; i < RP_GQL_MAX_SPREADS + 10; i++)
        o += (size_t)sprintf(big + o, "...F ");
    sprintf(big + o, "} fragment F on X { b }");
    CHECK_EQ_INT(parse(&g, big), RP_GQL_OK);
    CHECK(g.st.too_many);
    /* without a graph: no expansion, no cycle, no "too many" */
    memset(&g, 0, sizeof(g));
    const char *cyc = "{ ...A } fragment A on X { a ...A }";
    CHECK_EQ_INT(rp__gql_parse(&g, cyc, strlen(cyc)), RP_GQL_OK);
    CHECK(!g.st.cycle.n && !g.st.too_many);
}

TEST(looks_document)
{
    static const char *const yes[] = {
        "{ a }", "  \n{", "query { a }", "query Q { a }", "query Q($a: Int) { a }",
        "query ($a: Int) { a }", "mutation M @x { a }", "subscription { a }",
        "fragment F on X { a } query { ...F }", "# c\nquery Q {",
    };
    static const char *const no[] = {
        "", "laptops", "query", "query builder tutorial", "query laptops cheap", "mutation testing",
        "fragment", "fragment of a song", "fragment on X", "subscription plans", "red shoes {size 10}",
        "\"query\"", "Query { a }",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(yes); i++)
        CHECK(rp__gql_looks_document(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < RP_ARRAY_SIZE(no); i++) {
        CHECK(!rp__gql_looks_document(no[i], strlen(no[i])));
        if (rp__gql_looks_document(no[i], strlen(no[i])))
            fprintf(stderr, "    taken for a document: %s\n", no[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* Through the engine.                                                      */

static rp_waf_t *waf;
static rp_waf_scratch_t *scratch;
static rp_waf_verdict_t verdict;

static const rp_waf_verdict_t *inspect(const char *ctype, const char *body)
{
    rp_waf_header_t h[1] = { { RP_STRLIT("Content-Type"), rp_str_c(ctype) } };
    rp_waf_request_t req = { RP_STRLIT("POST"), RP_STRLIT("/graphql"), RP_STR_NULL, h, 1,
                             rp_str_c(body), 0 };
    CHECK_EQ_INT(rp_waf_inspect(waf, scratch, &req, &verdict), 0);
    return &verdict;
}

static const rp_waf_point_t *point(const char *path, size_t nth)
{
    size_t n;
    const rp_waf_point_t *p = rp_waf_points(scratch, &n);
    for (size_t i = 0; i < n; i++)
        if (rp_str_eq(p[i].path, rp_str_c(path)) && nth-- == 0)
            return &p[i];
    return NULL;
}

static const rp_waf_finding_t *finding(const rp_waf_verdict_t *v, rp_waf_attack_t a,
                                       const char *pt)
{
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].attack == a && (!pt || strcmp(v->findings[i].point, pt) == 0))
            return &v->findings[i];
    return NULL;
}

static size_t count(const rp_waf_verdict_t *v, rp_waf_attack_t a)
{
    size_t k = 0;
    for (size_t i = 0; i < v->nfindings; i++)
        k += v->findings[i].attack == a;
    return k;
}

TEST(points_json_body)
{
    inspect("application/json",
            "{\"operationName\":\"Q\",\"query\":\"query Q($id: ID!) { user(id: $id, name: "
            "\\\"Ann \\\\u00e9\\\") { posts(tags: [\\\"a\\\"]) { id } } }\",\"variables\":{\"id\":\"7\"}}");
    const rp_waf_point_t *p = point("body.json.query|graphql.user(name)", 0);
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(p->value, "Ann \xc3\xa9");
        CHECK_STR(p->raw, "Ann \\u00e9");
        CHECK_EQ_INT(p->depth, 1);
        CHECK_EQ_INT(p->src, RP_WAF_SRC_BODY);
        CHECK(p->flags & RP_WAF_PT_DECODED);
    }
    p = point("body.json.query|graphql.user.posts(tags)[]", 0);
    CHECK(p && rp_str_eq(p->value, RP_STRLIT("a")) && !(p->flags & RP_WAF_PT_DECODED));
    CHECK(point("body.json.query", 1) != NULL);          /* the document itself */
    CHECK(point("body.json.variables.id", 1) != NULL);
    CHECK(point("body.json.operationName", 1) != NULL);
    CHECK(!verdict.block && count(&verdict, RP_WAF_GRAPHQL) == 0);

    /* a batch: each document's arguments, under body.json[].query */
    inspect("application/json", "[{\"query\":\"{ a(x: \\\"1\\\") }\"},{\"query\":\"{ b(y: \\\"2\\\") }\"}]");
    CHECK(point("body.json[].query|graphql.a(x)", 0) != NULL);
    CHECK(point("body.json[].query|graphql.b(y)", 0) != NULL);
    CHECK(!verdict.block && count(&verdict, RP_WAF_GRAPHQL) == 0);

    /* "query" below the root, or not a document: a plain string */
    inspect("application/json", "{\"filter\":{\"query\":\"{ a(x: \\\"1\\\") }\"},\"query\":\"red shoes\"}");
    size_t n;
    const rp_waf_point_t *all = rp_waf_points(scratch, &n);
    for (size_t i = 0; i < n; i++)
        CHECK(!memmem(all[i].path.p, all[i].path.n, "graphql", 7));
    CHECK_EQ_INT(verdict.nanomalies, 0);

    /* a malformed document: an anomaly point with the text from the error */
    inspect("application/json", "{\"query\":\"query Q { a(x: \\\"ok\\\") b( }\"}");
    p = point("body.json.query|graphql", 0);
    CHECK(p && (p->flags & RP_WAF_PT_ANOMALY) && rp_str_eq(p->value, RP_STRLIT("}")));
    CHECK(point("body.json.query|graphql.a(x)", 0) != NULL);
    CHECK_EQ_INT(verdict.nanomalies, 1);
}

TEST(points_graphql_body)
{
    inspect("application/graphql; charset=utf-8",
            "mutation { createPost(input: {title: \"Hi\", body: \"\"\"\n    Line one\n      two\n    \"\"\"}) "
            "@log(tag: \"t\") { id } }");
    CHECK(point("body.graphql", 0) != NULL);
    const rp_waf_point_t *p = point("body.graphql.createPost(input).title", 0);
    CHECK(p && rp_str_eq(p->value, RP_STRLIT("Hi")) && p->depth == 0);
    p = point("body.graphql.createPost(input).body", 0);
    CHECK(p && rp_str_eq(p->value, RP_STRLIT("Line one\n  two")));
    CHECK(point("body.graphql.createPost@log(tag)", 0) != NULL);
    CHECK(!verdict.block && count(&verdict, RP_WAF_GRAPHQL) == 0);
    /* percent-encoding inside an argument is decoded like any value */
    inspect("application/graphql", "{ a(x: \"%3Cscript%3Ealert(1)%3C/script%3E\") }");
    CHECK(finding(&verdict, RP_WAF_XSS, "body.graphql.a(x)") != NULL);
}

TEST(injection_in_argument)
{
    const rp_waf_verdict_t *v = inspect("application/json",
                                        "{\"query\":\"{ user(name: \\\"x' OR 1=1--\\\") { id } }\"}");
    const rp_waf_finding_t *f = finding(v, RP_WAF_SQLI, "body.json.query|graphql.user(name)");
    CHECK(f && f->score >= 50);
    CHECK(v->block);
    v = inspect("application/graphql", "{ user(name: \"x' OR 1=1--\") { id } }");
    CHECK(finding(v, RP_WAF_SQLI, "body.graphql.user(name)") != NULL);
    /* hidden behind a GraphQL escape */
    v = inspect("application/graphql", "{ user(name: \"x\\u0027 UNION SELECT password FROM users--\") { id } }");
    CHECK(finding(v, RP_WAF_SQLI, "body.graphql.user(name)") != NULL);
    v = inspect("application/graphql", "{ page(html: \"\"\"\n  <img src=x onerror=alert(1)>\n\"\"\") { id } }");
    CHECK(finding(v, RP_WAF_XSS, "body.graphql.page(html)") != NULL);
    v = inspect("application/graphql", "{ file(path: \"../../../../etc/passwd\") { content } }");
    CHECK(finding(v, RP_WAF_TRAVERSAL, "body.graphql.file(path)") != NULL);
}

/* A document whose deepest field is at level k. */
static const char *nested(char *doc, int k)
{
    size_t o = 0;
    for (int i = 1; i <= k; i++)
        o += (size_t)sprintf(doc + o, "{ f%d ", i);
    for (int i = 1; i <= k; i++)
        o += (size_t)sprintf(doc + o, "} ");
    return doc;
}

static const rp_waf_verdict_t *inspect_get(const char *query, const char *cookie)
{
    rp_waf_header_t h[1] = { { RP_STRLIT("Cookie"), rp_str_c(cookie) } };
    rp_waf_request_t req = { RP_STRLIT("GET"), RP_STRLIT("/graphql"), rp_str_c(query), h,
                             cookie ? 1 : 0, RP_STR_NULL, 0 };
    CHECK_EQ_INT(rp_waf_inspect(waf, scratch, &req, &verdict), 0);
    return &verdict;
}

/* GraphQL over GET and urlencoded POST: a top-level "query" parameter
 * that starts as a document is parsed like a JSON body's. */
TEST(points_query_parameter)
{
    const rp_waf_verdict_t *v = inspect_get(
        "query=%7B%20user(id%3A%20%221%22)%20%7B%20name%20%7D%20%7D&variables=%7B%22a%22%3A1%7D", NULL);
    const rp_waf_point_t *p = point("query.query", 1);
    CHECK(p && (p->flags & RP_WAF_PT_STRUCTURED) && p->src == RP_WAF_SRC_QUERY);
    p = point("query.query|graphql.user(id)", 0);
    CHECK(p && rp_str_eq(p->value, RP_STRLIT("1")) && p->depth == 1);
    CHECK(!v->block && count(v, RP_WAF_GRAPHQL) == 0);

    /* the checks of a document apply: an injection in an argument, depth,
     * introspection */
    v = inspect_get("query=%7B%20user(name%3A%20%22x'%20OR%201%3D1--%22)%20%7B%20id%20%7D%20%7D", NULL);
    CHECK(finding(v, RP_WAF_SQLI, "query.query|graphql.user(name)") != NULL && v->block);
    v = inspect_get("query={__schema{types{name}}}", NULL);
    CHECK(finding(v, RP_WAF_GRAPHQL, NULL) != NULL);
    char q[400], doc[300];
    snprintf(q, sizeof(q), "query=%s", nested(doc, 20));
    v = inspect_get(q, NULL);
    CHECK(finding(v, RP_WAF_GRAPHQL, NULL) != NULL && v->block);

    /* urlencoded POST */
    rp_waf_header_t h[1] = { { RP_STRLIT("Content-Type"), RP_STRLIT("application/x-www-form-urlencoded") } };
    rp_waf_request_t req = { RP_STRLIT("POST"), RP_STRLIT("/graphql"), RP_STR_NULL, h, 1,
                             RP_STRLIT("query=mutation+%7B+a(x%3A+%22%3Cscript%3Ealert(1)%3C%2Fscript%3E%22)+%7D"), 0 };
    CHECK_EQ_INT(rp_waf_inspect(waf, scratch, &req, &verdict), 0);
    CHECK(finding(&verdict, RP_WAF_XSS, "body.form.query|graphql.a(x)") != NULL);

    /* not a document, not top level, another name, a cookie: plain values */
    static const char *const plain[] = { "query=red+shoes", "q=%7B%20a%20%7D", "query[x]=%7B%20a%20%7D",
                                         "Query=%7B%20a%20%7D" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(plain); i++) {
        inspect_get(plain[i], "query={ a }");
        size_t n;
        const rp_waf_point_t *all = rp_waf_points(scratch, &n);
        for (size_t k = 0; k < n; k++) {
            CHECK(!memmem(all[k].path.p, all[k].path.n, "graphql", 7));
            CHECK(!(all[k].flags & RP_WAF_PT_STRUCTURED));
        }
    }
}

TEST(findings)
{
    const rp_waf_verdict_t *v;
    const rp_waf_finding_t *f;
    /* introspection: suspicious, not blocked */
    v = inspect("application/json",
                "{\"query\":\"query IntrospectionQuery { __schema { queryType { name } types { name } } }\"}");
    f = finding(v, RP_WAF_GRAPHQL, "body.json.query|graphql#introspection");
    CHECK(f && f->score >= 40 && f->score <= 45);
    CHECK(f && strcmp(f->evidence, "graphql: introspection query (__schema)") == 0);
    CHECK(!v->block);
    v = inspect("application/graphql", "{ __typename }");
    CHECK_EQ_INT(count(v, RP_WAF_GRAPHQL), 0);

    /* depth 16 > 15 */
    char doc[8192];
    v = inspect("application/graphql", nested(doc, 16));
    f = finding(v, RP_WAF_GRAPHQL, "body.graphql#depth");
    CHECK(f && f->score >= 60 && strstr(f->evidence, "depth 16"));
    CHECK(v->block);
    /* 15 passes */
    v = inspect("application/graphql", nested(doc, 15));
    CHECK_EQ_INT(count(v, RP_WAF_GRAPHQL), 0);
    /* 16 through a fragment */
    v = inspect("application/graphql", "{ a { b { c { d { e { f { g { h { ...F } } } } } } } } } "
                                       "fragment F on X { i { j { k { l { m { n { o { p } } } } } } } }");
    CHECK(finding(v, RP_WAF_GRAPHQL, "body.graphql#depth") != NULL);
    size_t o;

    /* aliases */
    o = (size_t)sprintf(doc, "{ ");
    for (int i = 0; i < 31; i++)
        o += (size_t)sprintf(doc + o, "a%d: user(id: %d) { id } ", i, i);
    strcpy(doc + o, "}");
    v = inspect("application/graphql", doc);
    f = finding(v, RP_WAF_GRAPHQL, "body.graphql#aliases");
    CHECK(f && f->score >= 60 && strstr(f->evidence, "31 aliases"));

    /* fields */
    o = (size_t)sprintf(doc, "{ ");
    for (int i = 0; i < 1001; i++)
        o += (size_t)sprintf(doc + o, "a ");
    strcpy(doc + o, "}");
    v = inspect("application/graphql", doc);
    CHECK(finding(v, RP_WAF_GRAPHQL, "body.graphql#fields") != NULL);

    /* directive overloading */
    o = (size_t)sprintf(doc, "{ a ");
    for (int i = 0; i < 51; i++)
        o += (size_t)sprintf(doc + o, "@aa");
    strcpy(doc + o, " }");
    v = inspect("application/graphql", doc);
    f = finding(v, RP_WAF_GRAPHQL, "body.graphql#directives");
    CHECK(f && f->score >= 60);

    /* a fragment cycle */
    v = inspect("application/graphql", "{ ...A } fragment A on X { a ...B } fragment B on X { ...A }");
    f = finding(v, RP_WAF_GRAPHQL, "body.graphql#cycle");
    CHECK(f && f->score >= 80 && strstr(f->evidence, "fragment cycle"));

    /* a batch of 11 */
    o = (size_t)sprintf(doc, "[");
    for (int i = 0; i < 11; i++)
        o += (size_t)sprintf(doc + o, "%s{\"query\":\"query Q%d { a }\"}", i ? "," : "", i);
    strcpy(doc + o, "]");
    v = inspect("application/json", doc);
    f = finding(v, RP_WAF_GRAPHQL, "body.json#batch");
    CHECK(f && f->score >= 60 && strstr(f->evidence, "batch of 11"));
    CHECK(v->block);
    /* 10 pass */
    o = (size_t)sprintf(doc, "[");
    for (int i = 0; i < 10; i++)
        o += (size_t)sprintf(doc + o, "%s{\"query\":\"query Q%d { a }\"}", i ? "," : "", i);
    strcpy(doc + o, "]");
    v = inspect("application/json", doc);
    CHECK_EQ_INT(count(v, RP_WAF_GRAPHQL), 0);

    /* an exclusion allows introspection and keeps the rest */
    rp_waf_exclusion_t ex = { 1u << RP_WAF_GRAPHQL, RP_STRLIT("body.graphql#introspection") };
    rp_waf_header_t h[1] = { { RP_STRLIT("Content-Type"), RP_STRLIT("application/graphql") } };
    const char *both = "{ __schema { types { name } } ...A } fragment A on X { ...A }";
    rp_waf_request_t req = { RP_STRLIT("POST"), RP_STRLIT("/graphql"), RP_STR_NULL, h, 1,
                             rp_str_c(both), 0 };
    rp_waf_inspect_ex(waf, scratch, &req, &ex, 1, &verdict);
    CHECK(!finding(&verdict, RP_WAF_GRAPHQL, "body.graphql#introspection"));
    CHECK(finding(&verdict, RP_WAF_GRAPHQL, "body.graphql#cycle") != NULL);
}

/* Real-world documents with string arguments: nothing blocks, no graphql
 * finding. */
TEST(benign_documents)
{
    static const char *const docs[] = {
        "{ search(query: \"red running shoes size 10\", first: 20) { nodes { id name price } } }",
        "mutation { createIssue(input: {repositoryId: \"MDEwOlJlcG9zaXRvcnkxMjM=\", title: \"Crash "
        "when clicking 'Save' twice\", body: \"\"\"\n  Steps:\n  1. Open the editor\n  2. Click **Save** "
        "twice\n\n  Expected: saved once. Actual: error 500 (see logs).\n\"\"\"}) { issue { url } } }",
        "{ repository(owner: \"octocat\", name: \"Hello-World\") { issues(last: 20, states: [OPEN], "
        "labels: [\"bug\", \"help wanted\"]) { edges { node { title url } } } } }",
        "query { products(filter: {category: \"men's shoes\", priceRange: {min: 10, max: 99.5}}, "
        "sort: \"price:asc\") { id title } }",
        "mutation { addComment(input: {subjectId: \"I_kwDOA\", body: \"Looks good to me! Can you also "
        "update the docs? Thanks & regards\"}) { clientMutationId } }",
        "{ user(email: \"o'brien@example.com\") { id name } }",
        "{ posts(where: {title_contains: \"select the best option\"}) { id } }",
        "mutation { updateSettings(timezone: \"Europe/Paris\", locale: \"fr-FR\", dateFormat: "
        "\"DD/MM/YYYY\") { ok } }",
        "{ file(path: \"docs/README.md\") { content } }",
        "{ weather(city: \"S\\u00e3o Paulo\") { temp } }",
        "mutation { sendMessage(to: \"+1 (555) 123-4567\", text: \"Running 10 min late, order #1234 - "
        "sorry!\") { id } }",
        "{ search(q: \"c++ vs rust -- which is faster?\") { id } }",
        "mutation { createPage(markdown: \"\"\"\n# Title\n\n```js\nconst x = a && b;\n```\n\"\"\") { id } }",
        "query Dashboard($withDetails: Boolean!) { me { id ...UserParts orders(first: 5, status: "
        "\"shipped\") @include(if: $withDetails) { id total } } } fragment UserParts on User { name "
        "avatar(size: 64) small: avatar(size: 32) }",
        "mutation { login(username: \"jdoe\", password: \"p@ss w0rd!\") { token } }",
        "{ translate(text: \"Where is the train station?\", from: \"en\", to: \"de\") }",
        "{ events(after: \"2024-05-01T00:00:00Z\", tz: \"America/New_York\") { id start } }",
        "mutation { setNote(text: \"TODO: don't forget (a) milk, (b) eggs; call Bob @ 5pm\") { ok } }",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(docs); i++) {
        const rp_waf_verdict_t *v = inspect("application/graphql", docs[i]);
        CHECK(!v->block);
        CHECK_EQ_INT(count(v, RP_WAF_GRAPHQL), 0);
        CHECK_EQ_INT(v->nanomalies, 0);
        if (v->block || count(v, RP_WAF_GRAPHQL) || v->nanomalies)
            fprintf(stderr, "    benign %zu: score %d, %s: %s\n", i, v->score,
                    v->nfindings ? v->findings[0].evidence : "-", docs[i]);
    }
}

int main(void)
{
    waf = rp_waf_new(NULL);
    scratch = rp_waf_scratch_new();
    RUN(valid_documents);
    RUN(malformed_documents);
    RUN(string_values);
    RUN(argument_paths);
    RUN(nesting_and_token_limits);
    RUN(pathological);
    RUN(statistics);
    RUN(looks_document);
    RUN(points_json_body);
    RUN(points_query_parameter);
    RUN(points_graphql_body);
    RUN(injection_in_argument);
    RUN(findings);
    RUN(benign_documents);
    rp_waf_scratch_free(scratch);
    rp_waf_free(waf);
    TEST_MAIN_END();
}
