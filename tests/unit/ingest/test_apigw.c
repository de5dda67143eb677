/*
 * test_apigw.c - API Gateway access-log records -> observations.
 */
#include "test.h"
#include "ingest_test.h"

#include <stdlib.h>

#define REST                                                                                   \
    "{\"requestId\":\"c6af9ac6-7b61-11e6-9a41-93e8deadbeef\",\"httpMethod\":\"GET\","          \
    "\"path\":\"/prod/users/42\",\"protocol\":\"HTTP/1.1\",\"status\":\"200\","                \
    "\"responseLength\":\"123\",\"requestTime\":\"10/Oct/2023:13:55:36 +0000\","               \
    "\"requestTimeEpoch\":\"1696946136000\",\"responseLatency\":\"17\","                       \
    "\"integrationLatency\":\"15\",\"integrationStatus\":\"200\",\"errorMessage\":\"-\","      \
    "\"stage\":\"prod\",\"domainName\":\"abc123.execute-api.eu-west-1.amazonaws.com\","         \
    "\"sourceIp\":\"203.0.113.7\",\"userAgent\":\"curl/8.0\",\"resourcePath\":\"/users/{id}\"}"

static coll_t C;
static rp_ingest_t IN;

static void setup(void)
{
    memset(&C, 0, sizeof(C));
    rp_ingest_init(&IN, NULL, coll_cb, &C);
}

static int rec(const char *s) { return rp_ingest_apigw_record(&IN, s, strlen(s)); }

TEST(rest_record)
{
    setup();
    CHECK_EQ_INT(rec(REST), 0);
    CHECK_EQ_INT(C.n, 1);
    seen_t *s = &C.o[0];
    CHECK(strcmp(s->method, "GET") == 0);
    CHECK(strcmp(s->path, "/users/42") == 0);     /* stage stripped */
    CHECK(strcmp(s->hint, "/users/{id}") == 0);
    CHECK(strcmp(s->stage, "prod") == 0);
    CHECK(strcmp(s->domain, "abc123.execute-api.eu-west-1.amazonaws.com") == 0);
    CHECK(strcmp(s->source, "203.0.113.7") == 0);
    CHECK(strcmp(s->ua, "curl/8.0") == 0);
    CHECK_EQ_INT(s->status, 200);
    CHECK(s->latency == 17 && s->integ == 15);
    CHECK_EQ_INT(s->bytes, 123);
    CHECK_EQ_INT(s->time_ms, 1696946136000LL);
    CHECK_EQ_INT(IN.st.records, 1);
    CHECK_EQ_INT(IN.st.malformed, 0);
    rp_ingest_dispose(&IN);
}

TEST(http_api_routekey_and_defaults)
{
    setup();
    /* The HTTP API default format: no path; routeKey gives the template. */
    CHECK_EQ_INT(rec("{\"requestId\":\"x\",\"ip\":\"198.51.100.1\",\"requestTime\":\"10/Oct/2023:13:55:36 +0200\","
                     "\"httpMethod\":\"POST\",\"routeKey\":\"POST /pets/{petID}\",\"status\":\"201\","
                     "\"protocol\":\"HTTP/1.1\",\"responseLength\":\"-\"}"), 0);
    CHECK_EQ_INT(C.n, 1);
    CHECK(strcmp(C.o[0].path, "/pets/{petID}") == 0);
    CHECK(strcmp(C.o[0].hint, "/pets/{petID}") == 0);
    CHECK(strcmp(C.o[0].source, "198.51.100.1") == 0);
    CHECK_EQ_INT(C.o[0].status, 201);
    CHECK_EQ_INT(C.o[0].bytes, -1);
    CHECK(C.o[0].latency < 0);
    CHECK_EQ_INT(C.o[0].time_ms, 1696946136000LL - 7200000LL);   /* CLF with offset */
    /* $default: no hint; the literal path stays. */
    CHECK_EQ_INT(rec("{\"httpMethod\":\"GET\",\"path\":\"/a/b\",\"routeKey\":\"$default\",\"stage\":\"$default\"}"), 0);
    CHECK(strcmp(C.o[1].hint, "") == 0);
    CHECK(strcmp(C.o[1].path, "/a/b") == 0);
    /* Method from routeKey when httpMethod is "-". */
    CHECK_EQ_INT(rec("{\"httpMethod\":\"-\",\"path\":\"/x\",\"routeKey\":\"DELETE /x\"}"), 0);
    CHECK(strcmp(C.o[2].method, "DELETE") == 0);
    /* requestTimeEpoch in seconds. */
    CHECK_EQ_INT(rec("{\"httpMethod\":\"GET\",\"path\":\"/s\",\"requestTimeEpoch\":\"1696946136\"}"), 0);
    CHECK_EQ_INT(C.o[3].time_ms, 1696946136000LL);
    /* Numbers unquoted, extra nested fields, escapes in values, "" unknown. */
    CHECK_EQ_INT(rec("{\"extra\":{\"a\":[1,{\"path\":\"/no\"}]},\"httpMethod\":\"GET\",\"status\":404,"
                     "\"path\":\"/caf\\u00e9/\\\"q\\\"\",\"responseLatency\":\"2.5\",\"userAgent\":\"\"}"), 0);
    CHECK(strcmp(C.o[4].path, "/caf\xc3\xa9/\"q\"") == 0);
    CHECK_EQ_INT(C.o[4].status, 404);
    CHECK(C.o[4].latency == 2.5);
    CHECK(strcmp(C.o[4].ua, "") == 0);
    rp_ingest_dispose(&IN);
}

TEST(stage_prefix_only_when_equal)
{
    setup();
    rec("{\"httpMethod\":\"GET\",\"path\":\"/production/x\",\"stage\":\"prod\"}");
    rec("{\"httpMethod\":\"GET\",\"path\":\"/prod\",\"stage\":\"prod\"}");
    rec("{\"httpMethod\":\"GET\",\"path\":\"/v1/x\",\"stage\":\"prod\"}");
    rec("{\"httpMethod\":\"GET\",\"path\":\"/prod/x?a=1&b=2\",\"stage\":\"prod\"}");
    CHECK_EQ_INT(C.n, 4);
    CHECK(strcmp(C.o[0].path, "/production/x") == 0);
    CHECK(strcmp(C.o[1].path, "/") == 0);
    CHECK(strcmp(C.o[2].path, "/v1/x") == 0);
    CHECK(strcmp(C.o[3].path, "/x") == 0);
    CHECK(strcmp(C.o[3].query, "a=1&b=2") == 0);
    rp_ingest_dispose(&IN);
}

TEST(malformed_records)
{
    setup();
    CHECK_EQ_INT(rec("{\"httpMethod\":\"GET\""), RP_INGEST_R_TRUNCATED + 1);
    CHECK_EQ_INT(rec("{\"httpMethod\":\"GET\",}"), RP_INGEST_R_JSON + 1);
    CHECK_EQ_INT(rec("[1,2]"), RP_INGEST_R_NOT_OBJECT + 1);
    CHECK_EQ_INT(rec("\"str\""), RP_INGEST_R_NOT_OBJECT + 1);
    CHECK_EQ_INT(rec("{\"path\":\"/x\"}"), RP_INGEST_R_NO_METHOD + 1);
    CHECK_EQ_INT(rec("{\"httpMethod\":\"GET\",\"path\":\"-\"}"), RP_INGEST_R_NO_PATH + 1);
    CHECK_EQ_INT(rec("{\"httpMethod\":\"GET\",\"path\":\"x\"}"), RP_INGEST_R_NO_PATH + 1);
    CHECK_EQ_INT(rec("{\"httpMethod\":\"GET\",\"path\":\"/x\",\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"),
                 RP_INGEST_R_TOO_DEEP + 1);
    CHECK_EQ_INT(C.n, 0);
    CHECK_EQ_INT(IN.st.malformed, 8);
    CHECK_EQ_INT(IN.st.malformed_by[RP_INGEST_R_NO_PATH], 2);
    CHECK_EQ_INT(IN.nerrors, RP_INGEST_MAX_ERRORS);
    CHECK(strstr(IN.errors[0], "json_truncated") != NULL);
    /* A refusing sink counts the record as rejected. */
    C.refuse = 1;
    CHECK_EQ_INT(rec(REST), RP_INGEST_R_REJECTED + 1);
    CHECK_EQ_INT(IN.st.records, 0);
    rp_ingest_dispose(&IN);
}

TEST(huge_line)
{
    rp_ingest_opts_t o = { .max_line = 1024 };
    memset(&C, 0, sizeof(C));
    rp_ingest_init(&IN, &o, coll_cb, &C);
    size_t n = 1u << 20;
    char *big = malloc(n + 64);
    int k = snprintf(big, 64, "{\"httpMethod\":\"GET\",\"path\":\"/");
    memset(big + k, 'a', n - (size_t)k - 2);
    memcpy(big + n - 2, "\"}", 2);
    CHECK_EQ_INT(rp_ingest_apigw_record(&IN, big, n), RP_INGEST_R_TOO_LONG + 1);
    /* Within lines: the huge one skipped, its neighbours kept. */
    rp_buf_t b;
    rp_buf_init(&b);
    rp_buf_append_cstr(&b, "{\"httpMethod\":\"GET\",\"path\":\"/1\"}\n");
    rp_buf_append(&b, big, n);
    rp_buf_append_cstr(&b, "\n{\"httpMethod\":\"GET\",\"path\":\"/2\"}\n");
    CHECK_EQ_INT(rp_ingest_apigw(&IN, b.p, b.len), 2);
    CHECK_EQ_INT(IN.st.malformed_by[RP_INGEST_R_TOO_LONG], 2);
    rp_buf_dispose(&b);
    free(big);
    rp_ingest_dispose(&IN);
}

TEST(chunks_lines_and_arrays)
{
    setup();
    const char *lines = "{\"httpMethod\":\"GET\",\"path\":\"/a\"}\r\n\n   \n"
                        "{\"httpMethod\":\"GET\",\"path\":\"/b\"\n"    /* truncated */
                        "garbage\n"
                        "{\"httpMethod\":\"PUT\",\"path\":\"/c\"}";   /* no final newline */
    CHECK_EQ_INT(rp_ingest_apigw(&IN, lines, strlen(lines)), 2);
    CHECK_EQ_INT(IN.st.malformed, 2);
    CHECK(strcmp(C.o[1].path, "/c") == 0);
    const char *arr = " [ {\"httpMethod\":\"GET\",\"path\":\"/d\",\"x\":\"]}[{,\\\"\"},"
                      "{\"httpMethod\":\"GET\",\"path\":},"
                      "{\"httpMethod\":\"GET\",\"path\":\"/e\",\"n\":[1,{\"y\":2}]} ]";
    CHECK_EQ_INT(rp_ingest_apigw(&IN, arr, strlen(arr)), 2);
    CHECK_EQ_INT(IN.st.malformed, 3);
    CHECK(strcmp(C.o[2].path, "/d") == 0 && strcmp(C.o[3].path, "/e") == 0);
    /* A truncated array keeps what came before the cut. */
    const char *cut = "[{\"httpMethod\":\"GET\",\"path\":\"/f\"},{\"httpMethod\":\"GET\",\"pa";
    CHECK_EQ_INT(rp_ingest_apigw(&IN, cut, strlen(cut)), 1);
    CHECK_EQ_INT(IN.st.malformed, 4);
    CHECK_EQ_INT(rp_ingest_apigw(&IN, "[]", 2), 0);
    CHECK_EQ_INT(IN.st.malformed, 4);
    rp_ingest_dispose(&IN);
}

TEST(app_option_and_result_json)
{
    rp_ingest_opts_t o = { .app = "shop" };
    memset(&C, 0, sizeof(C));
    rp_ingest_init(&IN, &o, coll_cb, &C);
    rec(REST);
    rec("nope");
    CHECK(strcmp(C.o[0].app, "shop") == 0);
    rp_buf_t b;
    rp_buf_init(&b);
    rp_ingest_result_json(&IN, 1, 1, &b);
    CHECK(b.len && strncmp(b.p, "{\"accepted\":1,\"malformed\":1,\"errors\":[\"record 2: json_syntax\"]}", b.len) == 0);
    rp_buf_dispose(&b);
    rp_ingest_dispose(&IN);
}

int main(void)
{
    RUN(rest_record);
    RUN(http_api_routekey_and_defaults);
    RUN(stage_prefix_only_when_equal);
    RUN(malformed_records);
    RUN(huge_line);
    RUN(chunks_lines_and_arrays);
    RUN(app_option_and_result_json);
    TEST_MAIN_END();
}
