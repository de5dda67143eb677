/*
 * fuzz_ingest_cloudwatch - CloudWatch Logs subscription events. The first
 * byte picks how the rest is presented, so that mutations reach every
 * layer: 0 as is (wrapper, plain or gzip'd envelope), 1 gzip'd, 2 as the
 * envelope inside {"awslogs":{"data": base64(gzip(rest))}}, 3 as one line
 * of a log file. Checks as fuzz_ingest_apigw, plus: CONTROL_MESSAGE
 * envelopes never produce observations.
 */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] & 3;
    rp_ingest_opts_t o = { .max_inflate = 1u << 20, .max_ratio = (data[0] & 4) ? 4 : 200 };
    rp_buf_t b, z;
    rp_buf_init(&b);
    rp_buf_init(&z);
    if (mode == 1) {
        fz_gzip(data + 1, size - 1, &b);
    } else if (mode == 2) {
        fz_gzip(data + 1, size - 1, &z);
        rp_buf_append_cstr(&b, "{\"awslogs\":{\"data\":\"");
        fz_b64(z.p, z.len, &b);
        rp_buf_append_cstr(&b, "\"}}");
    } else {
        rp_buf_append(&b, data + 1, size - 1);
    }
    char *in = fz_copy((const uint8_t *)b.p, b.len);
    uint64_t nobs = 0;
    rp_ingest_t ing;
    rp_ingest_init(&ing, &o, fz_obs_cb, &nobs);
    if (mode == 3)
        rp_ingest_line(&ing, in, b.len);
    else
        rp_ingest_cloudwatch(&ing, in, b.len);
    uint64_t sum = 0;
    for (int r = 0; r < RP_INGEST_R__COUNT; r++)
        sum += ing.st.malformed_by[r];
    if (sum != ing.st.malformed || ing.st.records != nobs)
        abort();
    if (ing.st.control && !ing.st.envelopes && nobs)
        abort();
    if (ing.layer != 0 || ing.in_envelope != 0)
        abort();
    rp_ingest_dispose(&ing);
    free(in);
    rp_buf_dispose(&b);
    rp_buf_dispose(&z);
    return 0;
}
