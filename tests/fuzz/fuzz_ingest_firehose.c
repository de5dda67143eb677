/*
 * fuzz_ingest_firehose - Firehose HTTP endpoint deliveries. The first
 * byte: bit 0 gzip the body (Content-Encoding: gzip), bit 1 build the body
 * from the rest split at '\n' into base64 records (else the rest is the
 * body), bit 2 a wrong access key, bit 3 deliver twice with the same id.
 * Checks: the status is one Firehose understands, the response is a JSON
 * object that starts with the request id, a wrong key ingests nothing, a
 * repeated successful delivery ingests nothing new.
 */
#include "fuzz_ingest.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned f = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    rp_buf_t body, z;
    rp_buf_init(&body);
    rp_buf_init(&z);
    if (f & 2) {
        rp_buf_append_cstr(&body, "{\"requestId\":\"b\",\"timestamp\":1,\"records\":[");
        size_t i = 0;
        int first = 1;
        while (i <= n) {
            const uint8_t *nl = memchr(p + i, '\n', n - i);
            size_t e = nl ? (size_t)(nl - p) : n;
            rp_buf_append_cstr(&body, first ? "{\"data\":\"" : ",{\"data\":\"");
            fz_b64(p + i, e - i, &body);
            rp_buf_append_cstr(&body, "\"}");
            first = 0;
            i = e + 1;
        }
        rp_buf_append_cstr(&body, "]}");
    } else {
        rp_buf_append(&body, p, n);
    }
    rp_buf_t *send = &body;
    if (f & 1) {
        fz_gzip(body.p, body.len, &z);
        send = &z;
    }
    char *in = fz_copy((const uint8_t *)send->p, send->len);
    uint64_t nobs = 0;
    rp_ingest_opts_t o = { .max_inflate = 1u << 20 };
    rp_ingest_t ing;
    rp_ingest_init(&ing, &o, fz_obs_cb, &nobs);
    rp_ingest_dedup_t dd;
    rp_ingest_dedup_init(&dd, 8);
    rp_firehose_req_t r;
    memset(&r, 0, sizeof(r));
    r.expected_key = RP_STRLIT("key");
    r.access_key = (f & 4) ? RP_STRLIT("kex") : RP_STRLIT("key");
    r.has_access_key = 1;
    r.request_id = RP_STRLIT("rid");
    r.content_encoding = (f & 1) ? RP_STRLIT("gzip") : RP_STR_NULL;
    r.body = in;
    r.body_len = send->len;
    r.max_body = 1u << 20;
    r.now_ms = 1;
    rp_buf_t resp;
    rp_buf_init(&resp);
    int st = rp_ingest_firehose(&ing, &dd, &r, &resp);
    if (st != 200 && st != 400 && st != 403 && st != 413 && st != 500)
        abort();
    if (resp.len < 16 || memcmp(resp.p, "{\"requestId\":\"rid\"", 18) != 0 || resp.p[resp.len - 1] != '}')
        abort();
    if ((f & 4) && nobs)
        abort();
    if (f & 8) {
        uint64_t before = nobs;
        resp.len = 0;
        int st2 = rp_ingest_firehose(&ing, &dd, &r, &resp);
        if (st == 200 && (st2 != 200 || nobs != before))
            abort();
    }
    rp_buf_dispose(&resp);
    rp_ingest_dedup_dispose(&dd);
    rp_ingest_dispose(&ing);
    free(in);
    rp_buf_dispose(&body);
    rp_buf_dispose(&z);
    return 0;
}
