/*
 * test_cloudwatch.c - CloudWatch Logs subscription events, base64, gunzip.
 */
#include "test.h"
#include "ingest_test.h"

#include <stdlib.h>

#define MSG(path) "{\\\"httpMethod\\\":\\\"GET\\\",\\\"path\\\":\\\"/prod" path "\\\",\\\"stage\\\":\\\"prod\\\",\\\"status\\\":\\\"200\\\"}"

static const char *ENV_DATA =
    "{\"owner\":\"123456789012\",\"logGroup\":\"/aws/apigateway/x\",\"logStream\":\"s\","
    "\"subscriptionFilters\":[\"f\"],\"messageType\":\"DATA_MESSAGE\",\"logEvents\":["
    "{\"id\":\"1\",\"timestamp\":1432826855000,\"message\":\"" MSG("/users/1") "\"},"
    "{\"id\":\"2\",\"timestamp\":1432826855001,\"message\":\"not json\"},"
    "{\"id\":\"3\",\"timestamp\":1432826855002,\"message\":\"" MSG("/users/2") "\"}]}";

static const char *ENV_LATE_TYPE =
    "{\"logEvents\":[{\"message\":\"" MSG("/a") "\",\"timestamp\":5}],"
    "\"messageType\":\"DATA_MESSAGE\"}";

static const char *ENV_CONTROL =
    "{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\",\"logStream\":\"\","
    "\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1,"
    "\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Firehose.\"}]}";

static coll_t C;
static rp_ingest_t IN;

static void setup(void)
{
    memset(&C, 0, sizeof(C));
    rp_ingest_init(&IN, NULL, coll_cb, &C);
}

TEST(data_message)
{
    setup();
    rp_buf_t ev;
    rp_buf_init(&ev);
    cw_event(ENV_DATA, &ev);
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), 0);
    CHECK_EQ_INT(C.n, 2);
    CHECK(strcmp(C.o[0].path, "/users/1") == 0);
    CHECK(strcmp(C.o[1].path, "/users/2") == 0);
    CHECK_EQ_INT(C.o[0].time_ms, 1432826855000LL);   /* from the event */
    CHECK_EQ_INT(IN.st.envelopes, 1);
    CHECK_EQ_INT(IN.st.malformed_by[RP_INGEST_R_MESSAGE], 1);
    /* The same event as a line of a log file. */
    rp_ingest_line(&IN, ev.p, ev.len);
    CHECK_EQ_INT(C.n, 4);
    /* messageType after logEvents. */
    ev.len = 0;
    cw_event(ENV_LATE_TYPE, &ev);
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), 0);
    CHECK_EQ_INT(C.n, 5);
    CHECK(strcmp(C.o[4].path, "/a") == 0);
    CHECK_EQ_INT(C.o[4].time_ms, 5);
    /* A plain envelope and a gzip'd one. */
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ENV_DATA, strlen(ENV_DATA)), 0);
    ev.len = 0;
    gz(ENV_DATA, strlen(ENV_DATA), &ev);
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), 0);
    CHECK_EQ_INT(C.n, 9);
    rp_buf_dispose(&ev);
    rp_ingest_dispose(&IN);
}

TEST(control_message)
{
    setup();
    rp_buf_t ev;
    rp_buf_init(&ev);
    cw_event(ENV_CONTROL, &ev);
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), 0);
    CHECK_EQ_INT(C.n, 0);
    CHECK_EQ_INT(IN.st.control, 1);
    CHECK_EQ_INT(IN.st.malformed, 0);
    CHECK_EQ_INT(IN.st.records, 0);
    rp_buf_dispose(&ev);
    rp_ingest_dispose(&IN);
}

TEST(multi_member_gzip)
{
    setup();
    /* Two gzip members that together make one envelope. */
    size_t n = strlen(ENV_DATA), half = n / 2;
    rp_buf_t z, b, ev;
    rp_buf_init(&z);
    rp_buf_init(&b);
    rp_buf_init(&ev);
    gz(ENV_DATA, half, &z);
    gz(ENV_DATA + half, n - half, &z);
    rp_buf_t out;
    rp_buf_init(&out);
    CHECK_EQ_INT(rp_ingest_gunzip(&IN.opts, (unsigned char *)z.p, z.len, &out), 0);
    CHECK_EQ_INT(out.len, n);
    CHECK(memcmp(out.p, ENV_DATA, n) == 0);
    b64(z.p, z.len, &b);
    rp_buf_append_cstr(&ev, "{\"awslogs\":{\"data\":\"");
    rp_buf_append(&ev, b.p, b.len);
    rp_buf_append_cstr(&ev, "\"}}");
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), 0);
    CHECK_EQ_INT(C.n, 2);
    /* Trailing zero padding is tolerated, trailing garbage is not. */
    out.len = 0;
    rp_buf_append(&z, "\0\0\0", 3);
    CHECK_EQ_INT(rp_ingest_gunzip(&IN.opts, (unsigned char *)z.p, z.len, &out), 0);
    out.len = 0;
    rp_buf_append(&z, "xyz", 3);
    CHECK_EQ_INT(rp_ingest_gunzip(&IN.opts, (unsigned char *)z.p, z.len, &out), RP_INGEST_R_GZIP + 1);
    CHECK_EQ_INT(out.len, 0);
    rp_buf_dispose(&out);
    rp_buf_dispose(&z);
    rp_buf_dispose(&b);
    rp_buf_dispose(&ev);
    rp_ingest_dispose(&IN);
}

TEST(broken_base64_and_gzip)
{
    setup();
    const char *bad64 = "{\"awslogs\":{\"data\":\"H4sI*AAA\"}}";
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, bad64, strlen(bad64)), RP_INGEST_R_BASE64 + 1);
    const char *notgz = "{\"awslogs\":{\"data\":\"aGVsbG8gd29ybGQ=\"}}";
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, notgz, strlen(notgz)), RP_INGEST_R_GZIP + 1);
    /* A truncated gzip stream. */
    rp_buf_t z, ev;
    rp_buf_init(&z);
    rp_buf_init(&ev);
    gz(ENV_DATA, strlen(ENV_DATA), &z);
    z.len -= 10;
    rp_buf_t b;
    rp_buf_init(&b);
    b64(z.p, z.len, &b);
    rp_buf_append_cstr(&ev, "{\"awslogs\":{\"data\":\"");
    rp_buf_append(&ev, b.p, b.len);
    rp_buf_append_cstr(&ev, "\"}}");
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), RP_INGEST_R_GZIP + 1);
    /* Truncated wrapper JSON, no data, a non-envelope inside. */
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, "{\"awslogs\":{\"da", 15), RP_INGEST_R_TRUNCATED + 1);
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, "{\"awslogs\":{}}", 14), RP_INGEST_R_ENVELOPE + 1);
    ev.len = 0;
    cw_event("{\"messageType\":\"OTHER\",\"logEvents\":[]}", &ev);
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), RP_INGEST_R_ENVELOPE + 1);
    ev.len = 0;
    cw_event("{\"logEvents\":[{\"message\":\"{}\"}]}", &ev);   /* no messageType */
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), RP_INGEST_R_ENVELOPE + 1);
    ev.len = 0;
    cw_event("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"message\":\"{}\"}", &ev);
    CHECK_EQ_INT(rp_ingest_cloudwatch(&IN, ev.p, ev.len), RP_INGEST_R_TRUNCATED + 1);
    CHECK_EQ_INT(C.n, 0);
    CHECK_EQ_INT(IN.st.records, 0);
    rp_buf_dispose(&z);
    rp_buf_dispose(&b);
    rp_buf_dispose(&ev);
    rp_ingest_dispose(&IN);
}

TEST(base64_variants)
{
    rp_buf_t o;
    rp_buf_init(&o);
    CHECK_EQ_INT(rp_ingest_base64("aGk=", 4, &o), 0);
    CHECK(o.len == 2 && memcmp(o.p, "hi", 2) == 0);
    o.len = 0;
    CHECK_EQ_INT(rp_ingest_base64("aG\nk", 4, &o), 0);   /* whitespace, no padding */
    CHECK(o.len == 2 && memcmp(o.p, "hi", 2) == 0);
    o.len = 0;
    CHECK_EQ_INT(rp_ingest_base64("-_8", 3, &o), 0);     /* URL-safe */
    CHECK(o.len == 2 && (unsigned char)o.p[0] == 0xfb && (unsigned char)o.p[1] == 0xff);
    CHECK_EQ_INT(rp_ingest_base64("a", 1, &o), -1);
    CHECK_EQ_INT(rp_ingest_base64("aGk=aGk=", 8, &o), -1);
    CHECK_EQ_INT(rp_ingest_base64("aGk===", 6, &o), -1);
    CHECK_EQ_INT(rp_ingest_base64("a\x80", 2, &o), -1);
    rp_buf_dispose(&o);
}

TEST(gzip_caps)
{
    /* 32 MiB of zeros compress ~1000:1: beyond the ratio cap. */
    size_t n = 32u << 20;
    char *zeros = calloc(1, n);
    rp_buf_t z, out;
    rp_buf_init(&z);
    rp_buf_init(&out);
    gz(zeros, n, &z);
    rp_ingest_opts_t o = { .max_inflate = 64u << 20, .max_ratio = 200 };
    CHECK_EQ_INT(rp_ingest_gunzip(&o, (unsigned char *)z.p, z.len, &out), RP_INGEST_R_GZIP_CAP + 1);
    CHECK_EQ_INT(out.len, 0);
    o.max_ratio = 100000;
    o.max_inflate = 1u << 20;   /* output cap */
    CHECK_EQ_INT(rp_ingest_gunzip(&o, (unsigned char *)z.p, z.len, &out), RP_INGEST_R_GZIP_CAP + 1);
    o.max_inflate = 64u << 20;
    CHECK_EQ_INT(rp_ingest_gunzip(&o, (unsigned char *)z.p, z.len, &out), 0);
    CHECK_EQ_INT(out.len, n);
    CHECK_EQ_INT(rp_ingest_gunzip(&o, (const unsigned char *)"", 0, &out), RP_INGEST_R_GZIP + 1);
    free(zeros);
    rp_buf_dispose(&z);
    rp_buf_dispose(&out);
}

int main(void)
{
    RUN(data_message);
    RUN(control_message);
    RUN(multi_member_gzip);
    RUN(broken_base64_and_gzip);
    RUN(base64_variants);
    RUN(gzip_caps);
    TEST_MAIN_END();
}
