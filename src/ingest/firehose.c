/*
 * firehose.c - Kinesis Data Firehose HTTP endpoint deliveries (aws.md
 * section 3).
 *
 *   POST, X-Amz-Firehose-Access-Key, X-Amz-Firehose-Request-Id,
 *   optional Content-Encoding: gzip on the whole body;
 *   {"requestId": "...", "timestamp": 1578090901599,
 *    "records": [{"data": "<base64>"}, ...]}
 *
 * A record's bytes are sniffed (rp__ingest_sniff): a gzip'd or plain
 * CloudWatch envelope, a subscription event, or access-log lines. The
 * answer is the body Firehose expects: {"requestId","timestamp"} and, on
 * errors, "errorMessage". Only 200 means delivered; a repeated request id
 * (Firehose retries with the same one) is answered 200 without ingesting
 * the records again. Bad records inside a good delivery are counted and
 * skipped, still 200: a retry would not make them better.
 */
#include "ingest_int.h"

#include <stdio.h>
#include <string.h>

typedef struct fh {
    rp_ingest_t *in;
    int depth, key1, key2;
    int has_records;
    char req_id[128];
    size_t req_id_len;
    int nomem;
} fh_t;

static int fh_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    fh_t *f = ud;
    rp_ingest_t *in = f->in;
    RP_UNUSED(raw);
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN:
        if (f->depth == 0 && ev != RP_JSON_OBJECT_BEGIN)
            return 1;
        if (f->depth == 1 && f->key1 == 2) {
            if (ev != RP_JSON_ARRAY_BEGIN)
                return 1;
            f->has_records = 1;
        }
        if (f->depth == 2 && f->key1 == 2 && ev == RP_JSON_OBJECT_BEGIN)
            f->key2 = -1;   /* a record without "data" so far */
        f->depth++;
        return 0;
    case RP_JSON_OBJECT_END:
    case RP_JSON_ARRAY_END:
        f->depth--;
        if (f->depth == 2 && f->key1 == 2 && ev == RP_JSON_OBJECT_END && f->key2 == -1) {
            in->st.firehose_records++;
            in->seq++;
            rp__ingest_fail(in, RP_INGEST_R_ENVELOPE, 0);
        }
        if (f->depth == 1)
            f->key1 = 0;
        return 0;
    case RP_JSON_KEY:
        if (f->depth == 1)
            f->key1 = rp_str_eq(value, RP_STRLIT("requestId")) ? 1
                      : rp_str_eq(value, RP_STRLIT("records")) ? 2 : 0;
        else if (f->depth == 3 && f->key1 == 2 && f->key2 == -1 && rp_str_eq(value, RP_STRLIT("data")))
            f->key2 = 1;
        return 0;
    case RP_JSON_STRING:
        if (f->depth == 0)
            return 1;
        if (f->depth == 1 && f->key1 == 1) {
            f->req_id_len = RP_MIN(value.n, sizeof(f->req_id));
            memcpy(f->req_id, value.p, f->req_id_len);
        } else if (f->depth == 3 && f->key1 == 2 && f->key2 == 1) {
            f->key2 = 0;
            in->st.firehose_records++;
            rp_buf_t *b = &in->b64[0];
            b->len = 0;
            if (rp_ingest_base64(value.p, value.n, b) != 0) {
                in->seq++;
                rp__ingest_fail(in, RP_INGEST_R_BASE64, 0);
                return 0;
            }
            rp__ingest_sniff(in, b->p, b->len);
        }
        return 0;
    default:
        return f->depth == 0;
    }
}

static void respond(rp_buf_t *resp, rp_str_t id, int64_t now_ms, const char *err)
{
    rp_buf_append_cstr(resp, "{\"requestId\":\"");
    rp_buf_append_json_str(resp, id.p, id.n);
    rp_buf_append_cstr(resp, "\",\"timestamp\":");
    rp_buf_append_u64(resp, now_ms > 0 ? (uint64_t)now_ms : 0);
    if (err) {
        rp_buf_append_cstr(resp, ",\"errorMessage\":\"");
        rp_buf_append_json_str(resp, err, strlen(err));
        rp_buf_append_cstr(resp, "\"");
    }
    rp_buf_append_cstr(resp, "}");
}

int rp_ingest_firehose(rp_ingest_t *in, rp_ingest_dedup_t *dd, const rp_firehose_req_t *req,
                       rp_buf_t *resp)
{
    rp_str_t id = req->request_id;
    if (req->expected_key.n) {
        if (!req->has_access_key) {
            respond(resp, id, req->now_ms, "missing X-Amz-Firehose-Access-Key");
            return 401;
        }
        if (!rp_ingest_secret_eq(req->access_key, req->expected_key)) {
            respond(resp, id, req->now_ms, "invalid X-Amz-Firehose-Access-Key");
            return 403;
        }
    }
    if (rp_ingest_dedup_seen(dd, id)) {
        in->st.duplicates++;
        respond(resp, id, req->now_ms, NULL);
        return 200;
    }
    size_t max_body = req->max_body ? req->max_body : 64u * 1024 * 1024;
    if (req->body_len > max_body) {
        respond(resp, id, req->now_ms, "request body too large");
        return 413;
    }
    in->st.bytes += req->body_len;
    const char *body = req->body;
    size_t blen = req->body_len;
    rp_buf_t unz;
    rp_buf_init(&unz);
    int status = 200;
    const char *err = NULL;
    char errbuf[160];
    if (req->content_encoding.n) {
        if (!rp_str_ieq(req->content_encoding, RP_STRLIT("gzip"))) {
            respond(resp, id, req->now_ms, "unsupported Content-Encoding");
            return 400;
        }
        rp_ingest_opts_t o = in->opts;
        o.max_inflate = max_body;
        int zr = rp_ingest_gunzip(&o, (const unsigned char *)body, blen, &unz);
        if (zr) {
            rp_buf_dispose(&unz);
            respond(resp, id, req->now_ms,
                    zr == RP_INGEST_R_GZIP_CAP + 1 ? "request body too large after gunzip"
                                                   : "request body is not valid gzip");
            return zr == RP_INGEST_R_GZIP_CAP + 1 ? 413 : 400;
        }
        in->st.inflated += unz.len;
        body = unz.p;
        blen = unz.len;
    }
    fh_t f;
    memset(&f, 0, sizeof(f));
    f.in = in;
    rp_arena_t scratch;
    rp_arena_init(&scratch, 4096);
    size_t pos = 0;
    int rc = rp_json_parse(body, blen, in->opts.max_depth, &scratch, fh_cb, &f, &pos);
    rp_arena_dispose(&scratch);
    if (rc == RP_JSON_NOMEM) {
        status = 500;
        err = "out of memory";
    } else if (rc != RP_JSON_OK) {
        status = 400;
        snprintf(errbuf, sizeof(errbuf), "body is not a Firehose delivery (%s at byte %zu)",
                 rc == RP_JSON_ABORTED ? "unexpected value" : "JSON syntax error", pos);
        err = errbuf;
    } else if (!f.has_records) {
        status = 400;
        err = "body has no \"records\" array";
    }
    if (!id.n)
        id = rp_str(f.req_id, f.req_id_len);
    respond(resp, id, req->now_ms, err);
    rp_buf_dispose(&unz);
    if (status == 200)
        rp_ingest_dedup_add(dd, id);
    return status;
}
