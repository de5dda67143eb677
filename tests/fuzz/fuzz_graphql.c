/*
 * fuzz_graphql - the GraphQL lexer and parser (graphql.c) on arbitrary
 * bytes.
 *
 * The first byte, when there is one, picks the fragment graph's size (none,
 * tiny, or the full RP_GQL_MAX_DEFS / RP_GQL_MAX_SPREADS); the rest is the
 * document, in an exact-size copy (reading one byte past the end trips
 * ASan). Checks:
 *   - the return is OK, SYNTAX or LIMIT; a failure has a reason and an
 *     offset within the document;
 *   - every string handed out lies inside the document, its path is
 *     within RP_GQL_PATH_CAP, its value (decoded into an exact-size
 *     buffer) is no longer than its raw text;
 *   - the statistics are sane (the cycle's name inside the document,
 *     at most the graph's capacity analysed) and the worst score 0..100;
 *   - the same document gives the same answer a second time;
 *   - every document that parses is recognised by rp__gql_looks_document.
 */
#include "waf/waf_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fz {
    const char *doc;
    size_t n;
    uint64_t digest;
    size_t calls;
} fz_t;

static int string_cb(void *ud, rp_str_t path, rp_str_t raw, int block)
{
    fz_t *f = ud;
    RP_BUG_ON(path.n > RP_GQL_PATH_CAP);
    RP_BUG_ON(raw.n > f->n || raw.p < f->doc || raw.p + raw.n > f->doc + f->n);
    char *out = malloc(raw.n ? raw.n : 1);
    RP_BUG_ON(!out);
    size_t n = rp__gql_string_value(raw, block, out);
    RP_BUG_ON(n > raw.n);
    f->digest = f->digest * 31 + rp_hash64(out, n) + rp_hash64(path.p, path.n);
    free(out);
    f->calls++;
    return f->calls > 1000; /* stops the calls, not the parse */
}

static int run(const char *doc, size_t n, rp__gql_def_t *defs, size_t ndefs,
               rp__gql_spread_t *spreads, size_t nspreads, rp__gql_t *g, fz_t *f)
{
    memset(g, 0, sizeof(*g));
    memset(f, 0, sizeof(*f));
    f->doc = doc;
    f->n = n;
    g->on_string = string_cb;
    g->ud = f;
    g->defs = defs;
    g->defs_cap = ndefs;
    g->spreads = spreads;
    g->spreads_cap = nspreads;
    int r = rp__gql_parse(g, doc, n);
    RP_BUG_ON(r != RP_GQL_OK && r != RP_GQL_SYNTAX && r != RP_GQL_LIMIT);
    RP_BUG_ON(r != RP_GQL_OK && (!g->err || g->err_off > n));
    const rp__gql_stats_t *st = &g->st;
    RP_BUG_ON(st->cycle.n && (st->cycle.p < doc || st->cycle.p + st->cycle.n > doc + n));
    RP_BUG_ON(st->introspection && st->introspection_off >= n);
    RP_BUG_ON(st->deep_off > n);
    RP_BUG_ON(!defs && (st->cycle.n || st->too_many));
    int w = rp__gql_worst(st);
    RP_BUG_ON(w < 0 || w > 100);
    RP_BUG_ON(st->introspection && w < RP_GQL_SCORE_INTROSPECTION);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rp__gql_def_t defs[RP_GQL_MAX_DEFS];
    static rp__gql_spread_t spreads[RP_GQL_MAX_SPREADS];
    unsigned sel = size ? data[0] : 0;
    if (size) {
        data++;
        size--;
    }
    char *doc = malloc(size ? size : 1);
    if (!doc)
        return 0;
    if (size)
        memcpy(doc, data, size);
    size_t nd = 0, ns = 0;
    switch (sel % 3) {
    case 1:
        nd = 1 + (sel >> 2) % 4;
        ns = 1 + (sel >> 4) % 8;
        break;
    case 2:
        nd = RP_GQL_MAX_DEFS;
        ns = RP_GQL_MAX_SPREADS;
        break;
    default:
        break;
    }
    rp__gql_t g1, g2;
    fz_t f1, f2;
    int r1 = run(doc, size, nd ? defs : NULL, nd, spreads, ns, &g1, &f1);
    int r2 = run(doc, size, nd ? defs : NULL, nd, spreads, ns, &g2, &f2);
    RP_BUG_ON(r1 != r2 || f1.digest != f2.digest || f1.calls != f2.calls);
    RP_BUG_ON(memcmp(&g1.st, &g2.st, sizeof(g1.st)) != 0);
    RP_BUG_ON(r1 != RP_GQL_OK && g1.err_off != g2.err_off);
    int looks = rp__gql_looks_document(doc, size);
    RP_BUG_ON(looks != 0 && looks != 1);
    /* a document that parses starts as one */
    RP_BUG_ON(r1 == RP_GQL_OK && !looks);
    free(doc);
    return 0;
}
