/*
 * test_firehose.c - Firehose HTTP endpoint deliveries.
 */
#include "test.h"
#include "ingest_test.h"

static const char *LINE = "{\"httpMethod\":\"GET\",\"path\":\"/prod/items/7\",\"stage\":\"prod\",\"status\":\"200\"}";
static const char *ENV =
    "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"timestamp\":1,\"message\":"
    "\"{\\\"httpMethod\\\":\\\"POST\\\",\\\"path\\\":\\\"/orders\\\"}\"}]}";

static coll_t C;
static rp_ingest_t IN;
static rp_ingest_dedup_t DD;

static void setup(void)
{
    memset(&C, 0, sizeof(C));
    rp_ingest_init(&IN, NULL, coll_cb, &C);
    rp_ingest_dedup_init(&DD, 4);
}

static void teardown(void)
{
    rp_ingest_dispose(&IN);
    rp_ingest_dedup_dispose(&DD);
}

static void add_record(rp_buf_t *body, const void *data, size_t n, int first)
{
    rp_buf_append_cstr(body, first ? "{\"data\":\"" : ",{\"data\":\"");
    b64(data, n, body);
    rp_buf_append_cstr(body, "\"}");
}

/* A delivery with: a bare line, a gzip'd envelope, a plain envelope, a
 * CloudWatch subscription event, broken base64, a record without data. */
static void build(rp_buf_t *body)
{
    rp_buf_append_cstr(body, "{\"requestId\":\"body-id\",\"timestamp\":1578090901599,\"records\":[");
    add_record(body, LINE, strlen(LINE), 1);
    rp_buf_t z;
    rp_buf_init(&z);
    gz(ENV, strlen(ENV), &z);
    add_record(body, z.p, z.len, 0);
    add_record(body, ENV, strlen(ENV), 0);
    rp_buf_t ev;
    rp_buf_init(&ev);
    cw_event(ENV, &ev);
    add_record(body, ev.p, ev.len, 0);
    rp_buf_append_cstr(body, ",{\"data\":\"!!!\"},{\"other\":1}]}");
    rp_buf_dispose(&z);
    rp_buf_dispose(&ev);
}

static rp_firehose_req_t req_for(rp_buf_t *body, const char *id)
{
    rp_firehose_req_t r;
    memset(&r, 0, sizeof(r));
    r.access_key = RP_STRLIT("s3cret");
    r.has_access_key = 1;
    r.expected_key = RP_STRLIT("s3cret");
    r.request_id = rp_str_c(id);
    r.body = body->p;
    r.body_len = body->len;
    r.now_ms = 1578090903599;
    return r;
}

static int resp_is(rp_buf_t *resp, const char *want)
{
    int ok = resp->len == strlen(want) && memcmp(resp->p, want, resp->len) == 0;
    if (!ok)
        fprintf(stderr, "  response: %.*s\n  wanted:   %s\n", (int)resp->len, resp->p, want);
    return ok;
}

TEST(delivery)
{
    setup();
    rp_buf_t body, resp;
    rp_buf_init(&body);
    rp_buf_init(&resp);
    build(&body);
    rp_firehose_req_t r = req_for(&body, "hdr-id");
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 200);
    CHECK(resp_is(&resp, "{\"requestId\":\"hdr-id\",\"timestamp\":1578090903599}"));
    CHECK_EQ_INT(C.n, 4);
    CHECK(strcmp(C.o[0].path, "/items/7") == 0);
    CHECK(strcmp(C.o[1].path, "/orders") == 0 && strcmp(C.o[1].method, "POST") == 0);
    CHECK_EQ_INT(IN.st.firehose_records, 6);
    CHECK_EQ_INT(IN.st.malformed_by[RP_INGEST_R_BASE64], 1);
    CHECK_EQ_INT(IN.st.malformed_by[RP_INGEST_R_ENVELOPE], 1);
    /* A retry with the same id: 200, nothing ingested again. */
    resp.len = 0;
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 200);
    CHECK_EQ_INT(C.n, 4);
    CHECK_EQ_INT(IN.st.duplicates, 1);
    CHECK(resp_is(&resp, "{\"requestId\":\"hdr-id\",\"timestamp\":1578090903599}"));
    /* Whole-body gzip; no header id: the body's is answered. */
    rp_buf_t zb;
    rp_buf_init(&zb);
    gz(body.p, body.len, &zb);
    r = req_for(&zb, "");
    r.content_encoding = RP_STRLIT("gzip");
    resp.len = 0;
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 200);
    CHECK(resp_is(&resp, "{\"requestId\":\"body-id\",\"timestamp\":1578090903599}"));
    CHECK_EQ_INT(C.n, 8);
    rp_buf_dispose(&zb);
    rp_buf_dispose(&body);
    rp_buf_dispose(&resp);
    teardown();
}

TEST(errors)
{
    setup();
    rp_buf_t body, resp;
    rp_buf_init(&body);
    rp_buf_init(&resp);
    build(&body);
    rp_firehose_req_t r = req_for(&body, "e1");
    r.has_access_key = 0;
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 401);
    CHECK(strstr(resp.p, "\"errorMessage\":") != NULL);
    r = req_for(&body, "e1");
    r.access_key = RP_STRLIT("s3cre");
    resp.len = 0;
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 403);
    r.access_key = RP_STRLIT("s3cret!");
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 403);
    CHECK_EQ_INT(C.n, 0);
    r = req_for(&body, "e1");
    r.max_body = 10;
    resp.len = 0;
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 413);
    CHECK(resp_is(&resp, "{\"requestId\":\"e1\",\"timestamp\":1578090903599,\"errorMessage\":\"request body too large\"}"));
    r = req_for(&body, "e1");
    r.content_encoding = RP_STRLIT("gzip");   /* but it is not */
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 400);
    rp_buf_t bad;
    rp_buf_init(&bad);
    rp_buf_append(&bad, body.p, body.len / 2);   /* truncated JSON */
    r = req_for(&bad, "e1");
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 400);
    bad.len = 0;
    rp_buf_append_cstr(&bad, "{\"requestId\":\"x\"}");
    r = req_for(&bad, "e1");
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 400);
    /* A failed delivery is not remembered: its retry is ingested. */
    r = req_for(&body, "e1");
    CHECK_EQ_INT(rp_ingest_firehose(&IN, &DD, &r, &resp), 200);
    CHECK_EQ_INT(IN.st.duplicates, 0);
    CHECK(C.n > 0);
    rp_buf_dispose(&bad);
    rp_buf_dispose(&body);
    rp_buf_dispose(&resp);
    teardown();
}

TEST(dedup_bounded)
{
    rp_ingest_dedup_t dd;
    rp_ingest_dedup_init(&dd, 3);
    char id[16];
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof(id), "id-%d", i);
        rp_ingest_dedup_add(&dd, rp_str_c(id));
    }
    CHECK_EQ_INT(dd.count, 3);
    CHECK(rp_ingest_dedup_seen(&dd, RP_STRLIT("id-9")));
    CHECK(rp_ingest_dedup_seen(&dd, RP_STRLIT("id-7")));
    CHECK(!rp_ingest_dedup_seen(&dd, RP_STRLIT("id-6")));
    CHECK(!rp_ingest_dedup_seen(&dd, RP_STRLIT("id-0")));
    /* Many rounds keep the index consistent with the ring. */
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof(id), "r-%d", i);
        rp_ingest_dedup_add(&dd, rp_str_c(id));
        CHECK(rp_ingest_dedup_seen(&dd, rp_str_c(id)));
        if (i >= 3) {
            snprintf(id, sizeof(id), "r-%d", i - 3);
            CHECK(!rp_ingest_dedup_seen(&dd, rp_str_c(id)));
        }
    }
    rp_ingest_dedup_dispose(&dd);
}

TEST(secret_eq)
{
    CHECK(rp_ingest_secret_eq(RP_STRLIT("abc"), RP_STRLIT("abc")));
    CHECK(!rp_ingest_secret_eq(RP_STRLIT("abd"), RP_STRLIT("abc")));
    CHECK(!rp_ingest_secret_eq(RP_STRLIT("ab"), RP_STRLIT("abc")));
    CHECK(!rp_ingest_secret_eq(RP_STRLIT("abc\0"), RP_STRLIT("abc")));
    CHECK(!rp_ingest_secret_eq(RP_STRLIT(""), RP_STRLIT("abc")));
}

int main(void)
{
    RUN(delivery);
    RUN(errors);
    RUN(dedup_bounded);
    RUN(secret_eq);
    TEST_MAIN_END();
}
