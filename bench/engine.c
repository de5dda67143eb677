/*
 * bench/engine.c - the detection engine alone, one thread, no I/O.
 *
 *   build/bench-engine [--seconds S] [--workload get|json1k|json64k|attack|all] [--iterations N]
 *
 * Workloads (built in memory, deterministic):
 *   get      a typical API GET: 3 query parameters, 11 headers (browser-like
 *            User-Agent, Accept*, Authorization bearer JWT, cookies, X-Request-Id)
 *   json1k   POST of a ~1 KiB JSON order (nested object, array, prose)
 *   json64k  POST of a ~64 KiB JSON document (an array of such records)
 *   attack   a GET whose query carries a SQLi and an XSS payload
 * For each: inspections per second, microseconds per inspection, MB/s of
 * request bytes, and the verdict (as a sanity check: only `attack` may be
 * blocked). --iterations N runs exactly N inspections per workload and
 * prints nothing timed (for callgrind: instructions per request =
 * Ir / N after subtracting a run with N=0... see bench/engine.sh).
 */
#include "rampart/waf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct workload {
    const char *name;
    rp_waf_request_t req;
    rp_waf_header_t hdrs[16];
    rp_buf_t body;
    size_t bytes; /* request size on the wire, roughly */
} workload_t;

static const char *const words[] = {
    "select", "the", "plan", "that", "fits", "your", "team", "and", "drop", "us", "a", "line",
    "or", "order", "from", "our", "union", "station", "store", "l'été", "O'Reilly", "délai",
    "Größe", "señor", "where", "you", "want", "it", "<b>bold</b>", "1-2", "x<5", "rock & roll",
};

static void common_headers(workload_t *w, size_t *n)
{
    static const char *const h[][2] = {
        { "Host", "api.example.com" },
        { "User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36" },
        { "Accept", "application/json, text/plain, */*" },
        { "Accept-Language", "en-US,en;q=0.9,fr;q=0.8" },
        { "Accept-Encoding", "gzip, deflate, br" },
        { "Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwi"
                           "bmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36P"
                           "Ok6yJV_adQssw5c" },
        { "Cookie", "session=3f2a9c0d8e7b6a5f4e3d2c1b0a998877; theme=dark; _ga=GA1.2.1234567890.1700000000" },
        { "X-Request-Id", "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f" },
        { "Referer", "https://app.example.com/orders?page=2" },
        { "Origin", "https://app.example.com" },
        { "Connection", "keep-alive" },
    };
    for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
        w->hdrs[*n].name = rp_str_c(h[i][0]);
        w->hdrs[*n].value = rp_str_c(h[i][1]);
        w->bytes += strlen(h[i][0]) + strlen(h[i][1]) + 4;
        (*n)++;
    }
}

static void json_record(rp_buf_t *b, unsigned seed)
{
    rp_buf_printf(b, "{\"id\":%u,\"customer\":{\"name\":\"Jane O'Brien\",\"email\":\"jane.obrien%u@example.com\","
                     "\"phone\":\"+33 6 12 34 56 78\"},\"items\":[",
                  seed, seed);
    for (unsigned i = 0; i < 4; i++)
        rp_buf_printf(b, "%s{\"sku\":\"SKU-%05u\",\"qty\":%u,\"price\":%u.99,\"gift\":%s}", i ? "," : "",
                      seed * 7 + i, i + 1, 10 + i, i % 2 ? "true" : "false");
    rp_buf_append_cstr(b, "],\"note\":\"");
    for (unsigned i = 0; i < 40; i++) {
        rp_buf_append_cstr(b, words[(seed + i * 7) % (sizeof(words) / sizeof(words[0]))]);
        rp_buf_append_cstr(b, " ");
    }
    rp_buf_printf(b, "\",\"shipping\":{\"street\":\"%u rue de la Paix\",\"city\":\"Paris\",\"zip\":\"75002\"},"
                     "\"created_at\":\"2026-11-23T04:%02u:00Z\",\"tags\":[\"new\",\"priority\",null],"
                     "\"coupon\":null,\"total\":123.45}",
                  seed % 100, seed % 60);
}

static void make_workloads(workload_t *w)
{
    memset(w, 0, 4 * sizeof(*w));
    size_t n;
    /* get */
    w[0].name = "get";
    w[0].req.method = RP_STRLIT("GET");
    w[0].req.path = RP_STRLIT("/api/v1/users/12345/orders");
    w[0].req.query = RP_STRLIT("status=shipped&page=2&sort=-created_at");
    n = 0;
    common_headers(&w[0], &n);
    w[0].req.headers = w[0].hdrs;
    w[0].req.nheaders = n;
    w[0].bytes += 80;
    /* json1k */
    w[1].name = "json1k";
    w[1].req.method = RP_STRLIT("POST");
    w[1].req.path = RP_STRLIT("/api/v1/orders");
    n = 0;
    common_headers(&w[1], &n);
    w[1].hdrs[n].name = RP_STRLIT("Content-Type");
    w[1].hdrs[n++].value = RP_STRLIT("application/json");
    w[1].req.headers = w[1].hdrs;
    w[1].req.nheaders = n;
    rp_buf_init(&w[1].body);
    json_record(&w[1].body, 1);
    w[1].req.body = rp_str(w[1].body.p, w[1].body.len);
    w[1].bytes += w[1].body.len + 60;
    /* json64k */
    w[2].name = "json64k";
    w[2].req = w[1].req;
    memcpy(w[2].hdrs, w[1].hdrs, sizeof(w[1].hdrs));
    w[2].req.headers = w[2].hdrs;
    rp_buf_init(&w[2].body);
    rp_buf_append_cstr(&w[2].body, "{\"orders\":[");
    for (unsigned i = 0; w[2].body.len < 64 * 1024 - 1200; i++) {
        if (i)
            rp_buf_append_cstr(&w[2].body, ",");
        json_record(&w[2].body, i + 2);
    }
    rp_buf_append_cstr(&w[2].body, "]}");
    w[2].req.body = rp_str(w[2].body.p, w[2].body.len);
    w[2].bytes = w[1].bytes - w[1].body.len + w[2].body.len;
    /* attack */
    w[3].name = "attack";
    w[3].req = w[0].req;
    memcpy(w[3].hdrs, w[0].hdrs, sizeof(w[0].hdrs));
    w[3].req.headers = w[3].hdrs;
    w[3].req.query = RP_STRLIT("id=1%27%20OR%20%271%27%3D%271&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    w[3].bytes = w[0].bytes;
}

int main(int argc, char **argv)
{
    double seconds = 2.0;
    long iterations = -1;
    const char *only = "all";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc)
            iterations = atol(argv[++i]);
        else if (strcmp(argv[i], "--workload") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--seconds S] [--iterations N] [--workload get|json1k|json64k|attack|all]\n",
                    argv[0]);
            return 2;
        }
    }
    workload_t w[4];
    make_workloads(w);
    rp_waf_t *waf = rp_waf_new(NULL);
    rp_waf_scratch_t *s = rp_waf_scratch_new();
    if (!waf || !s)
        return 1;
    if (iterations < 0)
        printf("%-8s %10s %12s %10s %9s  %s\n", "workload", "bytes", "inspect/s", "us/insp", "MB/s", "verdict");
    for (int k = 0; k < 4; k++) {
        if (strcmp(only, "all") != 0 && strcmp(only, w[k].name) != 0)
            continue;
        rp_waf_verdict_t v;
        if (iterations >= 0) {
            for (long i = 0; i < iterations; i++)
                rp_waf_inspect(waf, s, &w[k].req, &v);
            continue;
        }
        for (int i = 0; i < 50; i++) /* warm up */
            rp_waf_inspect(waf, s, &w[k].req, &v);
        long n = 0;
        double t0 = now_s(), t;
        do {
            for (int i = 0; i < 64; i++)
                rp_waf_inspect(waf, s, &w[k].req, &v);
            n += 64;
            t = now_s();
        } while (t - t0 < seconds);
        double per = (t - t0) / (double)n;
        printf("%-8s %10zu %12.0f %10.2f %9.1f  %s score %d, %zu points\n", w[k].name, w[k].bytes, 1.0 / per,
               per * 1e6, (double)w[k].bytes / per / 1e6, v.block ? "BLOCK" : "pass", v.score, v.npoints);
    }
    rp_waf_scratch_free(s);
    rp_waf_free(waf);
    for (int k = 1; k < 3; k++)
        rp_buf_dispose(&w[k].body);
    return 0;
}
