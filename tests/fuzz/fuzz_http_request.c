/*
 * fuzz_http_request - rp_http_parse_request on arbitrary bytes.
 *
 * The first byte picks the limits (defaults or tiny ones, so 414/431
 * paths are reached); the rest is the input. Checks:
 *   - the return is -1, -2 or 0 < r <= len, with a sane error on -1;
 *   - every returned slice lies inside the consumed head;
 *   - feeding growing prefixes (random split points, each prefix in an
 *     exact-size allocation) with one scan state gives the same verdict,
 *     status and fields as one call over the whole input.
 */
#include "rampart/http.h"

#include "fuzz_split.h"

#define NH 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct verdict {
    int r, status;
    size_t nh;
    unsigned flags;
    uint64_t cl;
    int keep_alive, minor;
} verdict_t;

static void check_result(int r, const rp_http_request_t *q, const char *b, size_t n)
{
    RP_BUG_ON(r != -1 && r != -2 && (r <= 0 || (size_t)r > n));
    if (r == -1) {
        RP_BUG_ON(q->error == NULL);
        RP_BUG_ON(q->error_pos > n);
        RP_BUG_ON(q->error_status != 400 && q->error_status != 414 && q->error_status != 431 &&
                  q->error_status != 501 && q->error_status != 505);
    }
    if (r <= 0)
        return;
    size_t end = (size_t)r;
    RP_BUG_ON(q->method.n == 0 || !fz_inside(q->method, b, end));
    RP_BUG_ON(q->target.n == 0 || !fz_inside(q->target, b, end));
    /* absolute-form without a path gives the static "/" */
    RP_BUG_ON(!fz_inside(q->path, b, end) && !(q->path.n == 1 && q->path.p[0] == '/'));
    RP_BUG_ON(!fz_inside(q->query, b, end));
    RP_BUG_ON(!fz_inside(q->host, b, end));
    RP_BUG_ON(q->minor_version != 0 && q->minor_version != 1);
    RP_BUG_ON(q->minor_version == 1 && q->host.n == 0);
    RP_BUG_ON(q->num_headers > NH);
    for (size_t i = 0; i < q->num_headers; i++) {
        RP_BUG_ON(q->headers[i].name.n == 0 || !fz_inside(q->headers[i].name, b, end));
        RP_BUG_ON(!fz_inside(q->headers[i].value, b, end));
        for (size_t j = 0; j < q->headers[i].name.n; j++)
            RP_BUG_ON(!rp_http_is_tchar((unsigned char)q->headers[i].name.p[j]));
        for (size_t j = 0; j < q->headers[i].value.n; j++) {
            unsigned char c = (unsigned char)q->headers[i].value.p[j];
            RP_BUG_ON(c < 0x20 && c != '\t');
            RP_BUG_ON(c == 0x7f);
        }
    }
    RP_BUG_ON((q->flags & RP_HTTP_F_CHUNKED) && (q->flags & RP_HTTP_F_HAS_CL));
    RP_BUG_ON(q->content_length > (uint64_t)INT64_MAX);
}

static void run(const char *b, size_t n, const rp_http_limits_t *lim, size_t *scan,
                rp_http_header_t *hs, verdict_t *v)
{
    rp_http_request_t q;
    memset(&q, 0, sizeof(q));
    q.headers = hs;
    q.num_headers = NH;
    memset(v, 0, sizeof(*v)); /* padding too: verdicts are memcmp'd */
    v->r = rp_http_parse_request(b, n, &q, lim, scan);
    check_result(v->r, &q, b, n);
    v->status = v->r == -1 ? q.error_status : 0;
    v->nh = v->r > 0 ? q.num_headers : 0;
    v->flags = v->r > 0 ? q.flags : 0;
    v->cl = v->r > 0 ? q.content_length : 0;
    v->keep_alive = v->r > 0 ? q.keep_alive : 0;
    v->minor = v->r > 0 ? q.minor_version : 0;
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
    for (int round = 0; round < 2; round++) {
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
    }
    return 0;
}
