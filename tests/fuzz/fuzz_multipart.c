/*
 * fuzz_multipart - multipart/form-data (multipart.c) on arbitrary bytes.
 *
 * Input: a Content-Type value up to the first '\n', then the body (each
 * an exact-size copy). Checks: the boundary comes from inside the header
 * value; every part's slices lie inside the body and in order; the
 * iterator ends within a bounded number of steps and stays ended; the
 * flags say truncated only for the last part.
 */
#include "waf/decode_int.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ctn = nl ? (size_t)(nl - data) : size;
    char *ct = fz_dup(data, ctn);
    size_t bn = nl ? size - ctn - 1 : 0;
    char *body = fz_dup(nl ? nl + 1 : data + size, bn);
    rp_str_t b;
    if (rp__multipart_boundary(rp_str(ct, ctn), &b) == 0) {
        RP_BUG_ON(b.n == 0 || b.n > RP__MP_BOUNDARY_MAX || !fz_inside(b, ct, ctn));
        rp__multipart_t m;
        rp__mp_part_t part;
        rp__multipart_init(&m, b, rp_str(body, bn));
        size_t count = 0;
        const char *prev_end = body;
        int truncated = 0;
        while (rp__multipart_next(&m, &part)) {
            RP_BUG_ON(truncated);   /* nothing after a truncated part */
            RP_BUG_ON(++count > bn / 2 + 1);
            RP_BUG_ON(!fz_inside(part.headers, body, bn) || !fz_inside(part.body, body, bn));
            RP_BUG_ON(part.headers.n && part.headers.p < prev_end);
            RP_BUG_ON(part.body.n && part.headers.n && part.body.p < part.headers.p + part.headers.n);
            RP_BUG_ON(!fz_inside(part.name, part.headers.p, part.headers.n) && part.name.n);
            RP_BUG_ON(!fz_inside(part.filename, part.headers.p, part.headers.n) && part.filename.n);
            RP_BUG_ON(!fz_inside(part.filename_star, part.headers.p, part.headers.n) &&
                      part.filename_star.n);
            RP_BUG_ON(!fz_inside(part.ctype, part.headers.p, part.headers.n) && part.ctype.n);
            if (part.body.n)
                prev_end = part.body.p + part.body.n;
            truncated = (part.flags & RP__MP_TRUNCATED) != 0;
        }
        RP_BUG_ON(rp__multipart_next(&m, &part) != 0);
        RP_BUG_ON(!fz_inside(m.preamble, body, bn) || !fz_inside(m.epilogue, body, bn));
    }
    rp_str_t v;
    if (rp__header_param(rp_str(ct, ctn), RP_STRLIT("name"), &v))
        RP_BUG_ON(!fz_inside(v, ct, ctn));
    free(ct);
    free(body);
    return 0;
}
