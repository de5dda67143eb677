/*
 * fuzz_http_response - rp_http_parse_response on arbitrary bytes, with the
 * same checks as fuzz_http_request: result range, slices inside the head,
 * and identical verdicts for whole and split input.
 */
#include "rampart/http.h"

#include "fuzz_split.h"

#define NH 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct verdict {
    int r, status, code;
    size_t nh;
    unsigned flags;
    uint64_t cl;
    int keep_alive;
} verdict_t;

static void run(const char *b, size_t n, const rp_http_limits_t *lim, size_t *scan,
                rp_http_header_t *hs, verdict_t *v)
{
    rp_http_response_t s;
    memset(&s, 0, sizeof(s));
    s.headers = hs;
    s.num_headers = NH;
    int r = rp_http_parse_response(b, n, &s, lim, scan);
    RP_BUG_ON(r != -1 && r != -2 && (r <= 0 || (size_t)r > n));
    memset(v, 0, sizeof(*v));
    v->r = r;
    if (r == -1) {
        RP_BUG_ON(s.error == NULL || s.error_status != 502 || s.error_pos > n);
        v->status = 502;
    }
    if (r <= 0)
        return;
    RP_BUG_ON(s.status < 100 || s.status > 999);
    RP_BUG_ON(!fz_inside(s.reason, b, (size_t)r));
    RP_BUG_ON(s.num_headers > NH);
    for (size_t i = 0; i < s.num_headers; i++) {
        RP_BUG_ON(s.headers[i].name.n == 0 || !fz_inside(s.headers[i].name, b, (size_t)r));
        RP_BUG_ON(!fz_inside(s.headers[i].value, b, (size_t)r));
    }
    RP_BUG_ON((s.flags & RP_HTTP_F_CHUNKED) && (s.flags & RP_HTTP_F_HAS_CL));
    v->code = s.status;
    v->nh = s.num_headers;
    v->flags = s.flags;
    v->cl = s.content_length;
    v->keep_alive = s.keep_alive;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rp_http_limits_t lim;
    if (!fz_take_limits(&data, &size, &lim))
        return 0;

    rp_http_header_t hs[NH];
    verdict_t whole, part;
    size_t scan = 0;
    char *b = fz_dup(data, size);
    run(b, size, &lim, &scan, hs, &whole);
    free(b);

    fz_rng_t rng;
    fz_seed(&rng, data, size);
    size_t n = 0;
    scan = 0;
    for (;;) {
        n = fz_grow(&rng, n, size);
        b = fz_dup(data, n);
        run(b, n, &lim, &scan, hs, &part);
        free(b);
        if (part.r != -2 || n == size)
            break;
    }
    RP_BUG_ON(memcmp(&part, &whole, sizeof(part)) != 0);
    return 0;
}
