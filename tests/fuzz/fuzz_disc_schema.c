/*
 * fuzz_disc_schema - JSON bodies into the schema merger.
 *
 * Byte 0 picks the node cap (1..64); the rest is bodies separated by NUL
 * bytes, each learned into one body schema (every third as truncated).
 * Checks: nodes never exceed the cap; the schema written is JSON that
 * rp_json_parse accepts; learning the same bodies again in another
 * aggregator and merging gives the same schema text as learning them
 * twice in one (merge is the same as learning).
 */
#include "discovery/disc_int.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int nop_json(void *ud, rp_json_event_t ev, rp_str_t v, rp_str_t raw) { return 0; }

static void learn_all(rp_disc_t *d, rp_disc_body_t *b, const char *in, size_t n)
{
    size_t i = 0, k = 0;
    while (i <= n) {
        size_t st = i;
        while (i < n && in[i] != 0)
            i++;
        unsigned sens = 0;
        int rc = rp__schema_learn(d, b, rp_str(in + st, i - st), (k++ % 3) == 2, &sens);
        RP_BUG_ON(rc != 0 && rc != RP_ENOMEM);
        RP_BUG_ON(sens & ~0xffu);
        i++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    rp_disc_opts_t o;
    memset(&o, 0, sizeof(o));
    o.max_schema_nodes = 1 + (data[0] & 63);
    char *in = fz_dup(data + 1, size - 1);
    size_t n = size - 1;

    rp_disc_t *d = rp_disc_new(&o);
    rp_disc_body_t b1;
    memset(&b1, 0, sizeof(b1));
    learn_all(d, &b1, in, n);
    learn_all(d, &b1, in, n);
    RP_BUG_ON(b1.nodes > o.max_schema_nodes);

    rp_buf_t w1;
    rp_buf_init(&w1);
    RP_BUG_ON(rp__schema_write_json(b1.root, &w1) != 0);
    rp_arena_t a;
    rp_arena_init(&a, 1024);
    RP_BUG_ON(rp_json_parse(w1.p, w1.len, 256, &a, nop_json, NULL, NULL) != RP_JSON_OK);

    /* learned once here and once there, merged: the same schema when no
     * cap was hit (with a cap, which nodes survive may differ) */
    rp_disc_opts_t big = o;
    big.max_schema_nodes = 100000;
    rp_disc_t *x = rp_disc_new(&big), *y = rp_disc_new(&big);
    rp_disc_body_t bx, by, bb;
    memset(&bx, 0, sizeof(bx));
    memset(&by, 0, sizeof(by));
    memset(&bb, 0, sizeof(bb));
    learn_all(x, &bx, in, n);
    learn_all(y, &by, in, n);
    learn_all(x, &bb, in, n);
    learn_all(x, &bb, in, n);
    RP_BUG_ON(rp__schema_merge(x, &bx.root, &bx.nodes, by.root) != 0);
    rp_buf_t w2, w3;
    rp_buf_init(&w2);
    rp_buf_init(&w3);
    rp__schema_write_json(bx.root, &w2);
    rp__schema_write_json(bb.root, &w3);
    RP_BUG_ON(w2.len != w3.len || memcmp(w2.p, w3.p, w2.len) != 0);
    rp_buf_dispose(&w2);
    rp_buf_dispose(&w3);
    rp__schema_free(bx.root);
    rp__schema_free(by.root);
    rp__schema_free(bb.root);
    rp_disc_free(x);
    rp_disc_free(y);

    rp_arena_dispose(&a);
    rp_buf_dispose(&w1);
    rp__schema_free(b1.root);
    rp_disc_free(d);
    free(in);
    return 0;
}
