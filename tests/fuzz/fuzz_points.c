/*
 * fuzz_points - a whole request into points (points.c and every decoder).
 *
 * Input: one byte that picks the limits (defaults, or tiny ones so the
 * overflow, depth and size paths are reached), then a request written as
 *     path[?query]\n
 *     Name: value\n ...      (up to 16 header lines)
 *     \n
 *     body
 * Header names and values, the path, query and body are each copied to
 * exact-size buffers (reading a byte past any of them trips ASan). Checks:
 *   - rp__waf_points_build returns 0 (no ENOMEM with real memory);
 *   - every point has a non-empty path, one source bit, known flags, a
 *     value no longer than max_value, a depth within max_depth;
 *   - anomaly points are counted exactly; past max_points only anomaly
 *     points, at most one per later section (header) plus a few;
 *   - the same request gives the same points a second time.
 */
#include "waf/decode_int.h"

#include "fuzz_split.h"

static int ends_with(rp_str_t s, const char *suf)
{
    size_t l = strlen(suf);
    return s.n >= l && memcmp(s.p + s.n - l, suf, l) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXH 16

static uint64_t digest(const rp__points_t *pts)
{
    uint64_t h = pts->n;
    for (size_t i = 0; i < pts->n; i++) {
        const rp_waf_point_t *p = &pts->v[i];
        h = h * 31 + rp_hash64(p->path.p, p->path.n);
        h = h * 31 + rp_hash64(p->value.p, p->value.n);
        h = h * 31 + rp_hash64(p->raw.p, p->raw.n);
        h = h * 31 + (p->flags | p->src << 8 | p->depth << 16);
    }
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    rp_waf_limits_t lim;
    memset(&lim, 0, sizeof(lim));
    uint8_t sel = data[0];
    if (sel & 1) {
        lim.max_depth = 1 + (sel >> 1) % 4;
        lim.max_points = 1 + (sel >> 2) % 24;
        lim.max_json_depth = 1 + (sel >> 3) % 8;
        lim.max_value = 1 + (size_t)(sel >> 4) * 8;
        lim.max_decompressed = 64 + (size_t)sel * 4;
        lim.max_ratio = 1 + (sel >> 5);
    } else {
        lim.max_decompressed = 1u << 20;
    }
    rp__waf_limits_defaults(&lim);
    data++;
    size--;

    /* split: request line, headers, body */
    const uint8_t *p = data, *end = data + size;
    const uint8_t *nl = memchr(p, '\n', size);
    const uint8_t *line_end = nl ? nl : end;
    const uint8_t *q = memchr(p, '?', (size_t)(line_end - p));
    char *path = fz_dup(p, (size_t)((q ? q : line_end) - p));
    size_t pathn = (size_t)((q ? q : line_end) - p);
    size_t queryn = q ? (size_t)(line_end - q - 1) : 0;
    char *query = fz_dup(q ? q + 1 : line_end, queryn);
    p = nl ? nl + 1 : end;
    rp_waf_header_t h[MAXH];
    char *hbuf[2 * MAXH];
    size_t nh = 0;
    while (p < end && *p != '\n' && nh < MAXH) {
        nl = memchr(p, '\n', (size_t)(end - p));
        line_end = nl ? nl : end;
        const uint8_t *colon = memchr(p, ':', (size_t)(line_end - p));
        const uint8_t *ne = colon ? colon : line_end;
        const uint8_t *vs = colon ? colon + 1 : line_end;
        while (vs < line_end && *vs == ' ')
            vs++;
        hbuf[2 * nh] = fz_dup(p, (size_t)(ne - p));
        hbuf[2 * nh + 1] = fz_dup(vs, (size_t)(line_end - vs));
        h[nh].name = rp_str(hbuf[2 * nh], (size_t)(ne - p));
        h[nh].value = rp_str(hbuf[2 * nh + 1], (size_t)(line_end - vs));
        nh++;
        p = nl ? nl + 1 : end;
    }
    if (p < end && *p == '\n')
        p++;
    size_t bodyn = (size_t)(end - p);
    char *body = fz_dup(p, bodyn);

    rp_waf_request_t req = { RP_STRLIT("POST"), rp_str(path, pathn), rp_str(query, queryn), h, nh,
                             rp_str(body, bodyn), 0 };
    rp_arena_t arena;
    rp_arena_init(&arena, 8192);
    uint64_t first = 0;
    for (int round = 0; round < 2; round++) {
        rp__points_t pts;
        memset(&pts, 0, sizeof(pts));
        pts.arena = &arena;
        pts.lim = &lim;
        int rc = rp__waf_points_build(&pts, &req);
        RP_BUG_ON(rc != 0);
        size_t anomalies = 0, over = 0;
        for (size_t i = 0; i < pts.n; i++) {
            const rp_waf_point_t *pt = &pts.v[i];
            RP_BUG_ON(pt->path.n == 0 || pt->path.n > 2048);
            RP_BUG_ON(pt->src == 0 || (pt->src & (pt->src - 1)) || (pt->src & ~RP_WAF_SRC_ALL));
            RP_BUG_ON(pt->flags & ~(RP_WAF_PT_KEY | RP_WAF_PT_ANOMALY | RP_WAF_PT_DECODED |
                                    RP_WAF_PT_NUMBER | RP_WAF_PT_STRUCTURED));
            /* only a parsed GraphQL document is structure: a body or a
             * JSON member (".graphql", ".query"), or a multipart part of
             * type application/graphql (named by its field) */
            RP_BUG_ON((pt->flags & RP_WAF_PT_STRUCTURED) && !ends_with(pt->path, "graphql") &&
                      !ends_with(pt->path, "query") &&
                      !rp_str_has_prefix(pt->path, RP_STRLIT("body.multipart.")));
            RP_BUG_ON(pt->value.n > lim.max_value || pt->raw.n > lim.max_value);
            RP_BUG_ON(pt->depth > lim.max_depth);
            anomalies += (pt->flags & RP_WAF_PT_ANOMALY) != 0;
            if (i >= lim.max_points) {
                RP_BUG_ON(!(pt->flags & RP_WAF_PT_ANOMALY));
                over++;
            }
        }
        RP_BUG_ON(anomalies != pts.nanomalies);
        RP_BUG_ON(over > nh + 8);
        RP_BUG_ON(pts.n > lim.max_points && !pts.overflow);
        uint64_t d = digest(&pts);
        if (round == 0)
            first = d;
        else
            RP_BUG_ON(d != first);
        rp_arena_reset(&arena);
    }
    rp_arena_dispose(&arena);
    for (size_t i = 0; i < 2 * nh; i++)
        free(hbuf[i]);
    free(path);
    free(query);
    free(body);
    return 0;
}
