/*
 * fuzz_ingest_apigw - access-log chunks (JSON lines or arrays) and single
 * records. The first byte picks max_line (small values reach the cap);
 * the rest is the input, in an exact-size copy. Checks: observations are
 * well-formed (fuzz_ingest.h), the counters add up (each record is either
 * an observation or a malformed count, by reason), and a second pass over
 * the same bytes gives the same counts.
 */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    rp_ingest_opts_t o = { .max_line = (size_t)(data[0] & 0x7f) * 16 + 16,
                           .max_depth = (data[0] & 0x80) ? 4 : 32 };
    char *in = fz_copy(data + 1, size - 1);
    uint64_t nobs[2] = { 0, 0 };
    rp_ingest_stats_t st[2];
    for (int pass = 0; pass < 2; pass++) {
        rp_ingest_t ing;
        rp_ingest_init(&ing, &o, fz_obs_cb, &nobs[pass]);
        rp_ingest_apigw(&ing, in, size - 1);
        rp_ingest_apigw_record(&ing, in, size - 1);
        st[pass] = ing.st;
        uint64_t sum = 0;
        for (int r = 0; r < RP_INGEST_R__COUNT; r++)
            sum += ing.st.malformed_by[r];
        if (sum != ing.st.malformed || ing.st.records != nobs[pass] || ing.nerrors > RP_INGEST_MAX_ERRORS)
            abort();
        rp_ingest_dispose(&ing);
    }
    if (st[0].records != st[1].records || st[0].malformed != st[1].malformed)
        abort();
    free(in);
    return 0;
}
