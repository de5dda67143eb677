/*
 * Requests into points (points.c): paths, values, flags, sources, limits.
 *
 * Each case lists every point as "path=value" with " [KADN]" for the
 * flags (Key, Anomaly, Decoded, Number) and " ^d" for the nesting depth.
 */
#include "test.h"

#include "waf/decode_int.h"

#include <zlib.h>

static rp_arena_t arena;
static rp__points_t pts;
static rp_waf_limits_t lim;
static char listing[1 << 16];

typedef struct req_b {
    rp_waf_request_t r;
    rp_waf_header_t h[16];
} req_b_t;

static void req_init(req_b_t *q, const char *path, const char *query)
{
    memset(q, 0, sizeof(*q));
    q->r.method = RP_STRLIT("POST");
    q->r.path = rp_str_c(path);
    q->r.query = rp_str_c(query);
    q->r.headers = q->h;
}

static void hdr(req_b_t *q, const char *name, const char *value)
{
    q->h[q->r.nheaders++] = (rp_waf_header_t){ rp_str_c(name), rp_str_c(value) };
}

static void body(req_b_t *q, const char *ct, const char *b, size_t n)
{
    if (ct)
        hdr(q, "Content-Type", ct);
    q->r.body = rp_str(b, n);
}

static void app(size_t *o, const char *s, size_t n)
{
    n = RP_MIN(n, sizeof(listing) - 1 - *o);
    if (n)
        memcpy(listing + *o, s, n);
    *o += n;
    listing[*o] = 0;
}

static const char *render(void)
{
    size_t o = 0;
    listing[0] = 0;
    for (size_t i = 0; i < pts.n; i++) {
        const rp_waf_point_t *p = &pts.v[i];
        char fl[8] = " [", dp[16];
        size_t f = 2;
        if (p->flags & RP_WAF_PT_KEY)
            fl[f++] = 'K';
        if (p->flags & RP_WAF_PT_ANOMALY)
            fl[f++] = 'A';
        if (p->flags & RP_WAF_PT_DECODED)
            fl[f++] = 'D';
        if (p->flags & RP_WAF_PT_NUMBER)
            fl[f++] = 'N';
        fl[f++] = ']';
        app(&o, p->path.p, p->path.n);
        app(&o, "=", 1);
        app(&o, p->value.p, p->value.n);
        if (f > 3)
            app(&o, fl, f);
        if (p->depth)
            app(&o, dp, (size_t)snprintf(dp, sizeof(dp), " ^%u", p->depth));
        app(&o, "\n", 1);
    }
    return listing;
}

static int build(const req_b_t *q)
{
    rp_arena_reset(&arena);
    memset(&pts, 0, sizeof(pts));
    pts.arena = &arena;
    pts.lim = &lim;
    int rc = rp__waf_points_build(&pts, &q->r);
    render();
    return rc;
}

/* Only the points whose path starts with prefix. */
static const char *only(const char *prefix)
{
    static char out[sizeof(listing)];
    size_t o = 0, pl = strlen(prefix);
    out[0] = 0;
    for (const char *l = listing; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) + 1 : strlen(l);
        if (strncmp(l, prefix, pl) == 0 && o + n < sizeof(out)) {
            memcpy(out + o, l, n);
            o += n;
            out[o] = 0;
        }
        l += n;
    }
    return out;
}

#define CHECK_LISTING(got, want)                                                        \
    do {                                                                                \
        const char *g_ = (got), *w_ = (want);                                           \
        CHECK(strcmp(g_, w_) == 0);                                                     \
        if (strcmp(g_, w_) != 0)                                                        \
            fprintf(stderr, "--- got:\n%s--- want:\n%s---\n", g_, w_);                  \
    } while (0)

static const rp_waf_point_t *find(const char *path, size_t nth)
{
    for (size_t i = 0; i < pts.n; i++)
        if (pts.v[i].path.n == strlen(path) && memcmp(pts.v[i].path.p, path, pts.v[i].path.n) == 0 &&
            !(pts.v[i].flags & RP_WAF_PT_KEY) && nth-- == 0)
            return &pts.v[i];
    return NULL;
}

static void reset_limits(void)
{
    memset(&lim, 0, sizeof(lim));
    rp__waf_limits_defaults(&lim);
}

/* ---------------------------------------------------------------------- */

TEST(limits_defaults)
{
    rp_waf_limits_t l = { 0 };
    rp__waf_limits_defaults(&l);
    CHECK_EQ_INT(l.max_depth, 5);
    CHECK_EQ_INT(l.max_points, 2048);
    CHECK_EQ_INT(l.max_json_depth, 64);
    CHECK_EQ_INT(l.max_value, 65536);
    CHECK_EQ_INT(l.max_decompressed, 4 << 20);
    CHECK_EQ_INT(l.max_ratio, 100);
    rp_waf_limits_t k = { .max_depth = 2, .max_points = 7 };
    rp__waf_limits_defaults(&k);
    CHECK_EQ_INT(k.max_depth, 2);
    CHECK_EQ_INT(k.max_points, 7);
    CHECK_EQ_INT(k.max_value, 65536);
}

TEST(path_segments)
{
    req_b_t q;
    req_init(&q, "//api/v1/users;jsessionid=abc;x=%27/..%2f..%2fetc/%252e%252e/..;/%c0%ae/", "");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(listing,
                  "path=//api/v1/users;jsessionid=abc;x='/../../etc/../..;/./ [AD]\n"
                  "path.0=api\n"
                  "path.1=v1\n"
                  "path.2=users\n"
                  "path.2;jsessionid=abc\n"
                  "path.2;x=' [D]\n"
                  "path.3=../../etc [D]\n"
                  "path.4=.. [D]\n"
                  "path.5=..\n"
                  "path.6=. [AD]\n");
    CHECK_EQ_INT(pts.nanomalies, 2);
    for (size_t i = 0; i < pts.n; i++)
        CHECK_EQ_INT(pts.v[i].src, RP_WAF_SRC_PATH);
}

TEST(query_pairs)
{
    req_b_t q;
    req_init(&q, "/", "id=1%2527&a[b][]=x&a[b][]=y&a[c]=z&flag&q=%u0027+or+1=1&&e=&id=2&x=%c0%af;s=1");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("query"),
                  "query.id=id [K]\n"
                  "query.id=1' [D]\n"
                  "query.a.b[]=a[b][] [K]\n"
                  "query.a.b[]=x\n"
                  "query.a.b[]=y\n"
                  "query.a.c=a[c] [K]\n"
                  "query.a.c=z\n"
                  "query.flag=flag [K]\n"
                  "query.flag=\n"
                  "query.q=q [K]\n"
                  "query.q=' or 1=1 [D]\n"
                  "query.e=e [K]\n"
                  "query.e=\n"
                  "query.id=2\n"
                  "query.x=x [K]\n"
                  "query.x=/;s=1 [AD]\n"); /* ';' does not separate (WHATWG URL) */
    const rp_waf_point_t *p = find("query.id", 0);
    CHECK(p != NULL);
    if (p)
        CHECK_STR(p->raw, "1%2527");
    /* no copy when nothing was decoded: value and raw are the request's bytes */
    p = find("query.a.b[]", 1);
    CHECK(p && p->value.p == p->raw.p && p->raw.p >= q.r.query.p &&
          p->raw.p < q.r.query.p + q.r.query.n);
    for (size_t i = 0; i < pts.n; i++)
        if (pts.v[i].path.n > 5 && memcmp(pts.v[i].path.p, "query", 5) == 0)
            CHECK_EQ_INT(pts.v[i].src, RP_WAF_SRC_QUERY);
}

TEST(query_encoded_names_and_malformed)
{
    req_b_t q;
    req_init(&q, "/", "a%5Bb%5D=1&%3Cscript%3E=x&bad=100%&u=%ff%fe&h=%26lt%3Bimg%26gt%3B&j=%5Cx3c");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("query"),
                  "query.a.b=a[b] [KD]\n"
                  "query.a.b=1\n"
                  "query.<script>=<script> [KD]\n"
                  "query.<script>=x\n"
                  "query.bad=bad [K]\n"
                  "query.bad=100% [A]\n"
                  "query.u=u [K]\n"
                  "query.u=\xff\xfe [AD]\n"
                  "query.h=h [K]\n"
                  "query.h=<img> [D]\n"
                  "query.j=j [K]\n"
                  "query.j=< [D]\n");
    CHECK_EQ_INT(pts.nanomalies, 2);
}

TEST(headers_and_cookies)
{
    req_b_t q;
    req_init(&q, "/", "");
    hdr(&q, "Host", "api.example.com");
    hdr(&q, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
    hdr(&q, "X-Forwarded-For", "1.2.3.4");
    hdr(&q, "Cookie", "sid=x=y==; tok=\"q v\";  pref=%27");
    hdr(&q, "Authorization", "Basic YWRtaW4nLS06cGFzcw==");
    hdr(&q, "Referer", "https://a.example/?q=%3Cscript%3E");
    hdr(&q, "cookie", "second=1");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(listing,
                  "path=/\n"
                  "header.host=api.example.com\n"
                  "header.user-agent=Mozilla/5.0 (X11; Linux x86_64)\n"
                  "header.x-forwarded-for=1.2.3.4\n"
                  "cookie.sid=sid [K]\n"
                  "cookie.sid=x=y==\n"
                  "cookie.tok=tok [K]\n"
                  "cookie.tok=q v [D]\n"
                  "cookie.pref=pref [K]\n"
                  "cookie.pref=' [D]\n"
                  "header.authorization=Basic YWRtaW4nLS06cGFzcw==\n"
                  "header.authorization|base64=admin'--:pass [D] ^1\n"
                  "header.referer=https://a.example/?q=<script> [D]\n"
                  "cookie.second=second [K]\n"
                  "cookie.second=1\n");
    for (size_t i = 0; i < pts.n; i++) {
        const rp_waf_point_t *p = &pts.v[i];
        if (p->path.p[0] == 'h')
            CHECK_EQ_INT(p->src, RP_WAF_SRC_HEADER);
        if (p->path.p[0] == 'c')
            CHECK_EQ_INT(p->src, RP_WAF_SRC_COOKIE);
    }
    /* raw keeps the quotes of a quoted cookie value */
    const rp_waf_point_t *p = find("cookie.tok", 0);
    CHECK(p && p->raw.n == 5 && memcmp(p->raw.p, "\"q v\"", 5) == 0);
}

TEST(json_body)
{
    const char *b = "{\"items\":[{\"name\":\"a\",\"n\":1},{\"name\":\"b\\u0027\",\"n\":2.5}],"
                    "\"user\":{\"id\":null,\"ok\":true,\"tags\":[[\"x\"]]},"
                    "\"data\":\"eyJjbWQiOiJscyAtbGEifQ==\","
                    "\"s\":\"{\\\"x\\\":[1]}\",\"f\":\"a=b&c=%27\",\"\":\"empty key\"}";
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/json; charset=utf-8", b, strlen(b));
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"),
                  "body.json.items=items [K]\n"
                  "body.json.items[].name=name [K]\n"
                  "body.json.items[].name=a\n"
                  "body.json.items[].n=n [K]\n"
                  "body.json.items[].n=1 [N]\n"
                  "body.json.items[].name=b' [D]\n"
                  "body.json.items[].n=2.5 [N]\n"
                  "body.json.user=user [K]\n"
                  "body.json.user.id=id [K]\n"
                  "body.json.user.id=null [N]\n"
                  "body.json.user.ok=ok [K]\n"
                  "body.json.user.ok=true [N]\n"
                  "body.json.user.tags=tags [K]\n"
                  "body.json.user.tags[][]=x\n"
                  "body.json.data=data [K]\n"
                  "body.json.data=eyJjbWQiOiJscyAtbGEifQ==\n"
                  "body.json.data|base64={\"cmd\":\"ls -la\"} [D] ^1\n"
                  "body.json.data|base64|json.cmd=cmd [K] ^2\n"
                  "body.json.data|base64|json.cmd=ls -la ^2\n"
                  "body.json.s=s [K]\n"
                  "body.json.s={\"x\":[1]} [D]\n"
                  "body.json.s|json.x=x [K] ^1\n"
                  "body.json.s|json.x[]=1 [N] ^1\n"
                  "body.json.f=f [K]\n"
                  "body.json.f=a=b&c=' [D]\n"
                  "body.json.f|form.a=a [K] ^1\n"
                  "body.json.f|form.a=b ^1\n"
                  "body.json.f|form.c=c [K] ^1\n"
                  "body.json.f|form.c=' ^1\n"
                  "body.json.= [K]\n"
                  "body.json.=empty key\n");
    for (size_t i = 0; i < pts.n; i++)
        if (pts.v[i].path.p[0] == 'b')
            CHECK_EQ_INT(pts.v[i].src, RP_WAF_SRC_BODY);
    const rp_waf_point_t *p = find("body.json.items[].name", 1);
    CHECK(p != NULL);
    if (p)
        CHECK_STR(p->raw, "b\\u0027");
    CHECK_EQ_INT(pts.nanomalies, 0);
}

TEST(json_roots_and_types)
{
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/vnd.api+json", "[1,{\"a\":\"x\"}]", 13);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json[]=1 [N]\nbody.json[].a=a [K]\nbody.json[].a=x\n");
    req_init(&q, "/", "");
    body(&q, "application/json", " \"<svg onload=alert(1)>\" ", 25);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json=<svg onload=alert(1)>\n");
    /* NDJSON: one document per line */
    req_init(&q, "/", "");
    body(&q, "application/x-ndjson", "{\"a\":1}\n\n{\"a\":\"2\"}\n", 19);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json.a=a [K]\nbody.json.a=1 [N]\nbody.json.a=2\n");
}

TEST(broken_json)
{
    req_b_t q;
    req_init(&q, "/", "");
    const char *b = "{\"a\":\"x\",\"b\": bad' OR 1=1--}";
    body(&q, "application/json", b, strlen(b));
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"),
                  "body.json.a=a [K]\nbody.json.a=x\nbody.json.b=b [K]\n"
                  "body.json=: bad' OR 1=1--} [A]\n");
    CHECK_EQ_INT(pts.nanomalies, 1);
    /* broken right after the first byte */
    req_init(&q, "/", "");
    body(&q, "application/json", "{'a': 1}", 8);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json='a': 1} [A]\n");   /* after the '{' it reported */
    /* truncated inside a string: the tail holds the payload */
    req_init(&q, "/", "");
    body(&q, "application/json", "{\"q\":\"' UNION SELECT", 20);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json.q=q [K]\nbody.json=:\"' UNION SELECT [A]\n");
}

TEST(json_deep_nesting)
{
    static char b[20000];
    size_t n = 0;
    for (int i = 0; i < 5000; i++)
        b[n++] = '[';
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/json", b, n);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_EQ_INT(pts.nanomalies, 1);
    const rp_waf_point_t *p = find("body.json", 0);
    CHECK(p && (p->flags & RP_WAF_PT_ANOMALY));
    if (p)
        CHECK_EQ_INT(p->raw.n, 5000 - 64);   /* the levels beyond max_json_depth */
    /* 64 levels are fine */
    n = 0;
    for (int i = 0; i < 64; i++)
        b[n++] = '[';
    b[n++] = '7';
    for (int i = 0; i < 64; i++)
        b[n++] = ']';
    req_init(&q, "/", "");
    body(&q, "application/json", b, n);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_EQ_INT(pts.nanomalies, 0);
    CHECK(pts.n == 3);   /* path, content-type, the 7 */
    /* a string nested in strings: each level decoded, up to max_depth */
    const char *nest = "{\"a\":\"{\\\"b\\\":\\\"{\\\\\\\"c\\\\\\\":\\\\\\\"d\\\\\\\"}\\\"}\"}";
    req_init(&q, "/", "");
    body(&q, "application/json", nest, strlen(nest));
    CHECK_EQ_INT(build(&q), 0);
    CHECK(strstr(listing, "body.json.a|json.b|json.c=d ^2\n") != NULL);
    lim.max_depth = 1;
    CHECK_EQ_INT(build(&q), 0);
    CHECK(strstr(listing, "body.json.a|json.b=") != NULL);
    CHECK(strstr(listing, "|json.c") == NULL);
    reset_limits();
}

TEST(key_points_distinct_names)
{
    /* names that share a path still get a KEY point each: a long name cut
     * in the path, and bracket syntax that reads like a dotted name */
    static char b[700];
    char k1[200], k2[200];
    memset(k1, 'a', 150);
    memcpy(k1 + 150, "x", 2);
    memset(k2, 'a', 150);
    memcpy(k2 + 150, "' OR 1=1--", 11);
    snprintf(b, sizeof(b), "{\"%s\":1,\"%s\":2,\"%s\":3}", k1, k2, k1);
    req_b_t q;
    req_init(&q, "/", "a[b]=1&a.b=2&a[b]=3");
    body(&q, "application/json", b, strlen(b));
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("query"), "query.a.b=a[b] [K]\nquery.a.b=1\nquery.a.b=a.b [K]\nquery.a.b=2\n"
                                 "query.a.b=3\n");
    size_t keys = 0;
    for (size_t i = 0; i < pts.n; i++)
        if ((pts.v[i].flags & RP_WAF_PT_KEY) && pts.v[i].src == RP_WAF_SRC_BODY) {
            keys++;
            CHECK_EQ_INT(pts.v[i].path.n, 10 + 128);   /* "body.json." and the cut name */
        }
    CHECK_EQ_INT(keys, 2);
    CHECK(strstr(listing, "' OR 1=1-- [K]") != NULL);
}

TEST(form_body_and_sniffing)
{
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/x-www-form-urlencoded", "comment=%3Cb%3Ehi&tags[]=a&tags[]=b", 35);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"),
                  "body.form.comment=comment [K]\nbody.form.comment=<b>hi [D]\n"
                  "body.form.tags[]=tags[] [K]\nbody.form.tags[]=a\nbody.form.tags[]=b\n");
    /* no type: JSON if it parses, a form if it looks like one, else text */
    req_init(&q, "/", "");
    body(&q, NULL, "{\"x\":1}", 7);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json.x=x [K]\nbody.json.x=1 [N]\n");
    req_init(&q, "/", "");
    body(&q, "text/plain", "a=1&b=2", 7);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.form.a=a [K]\nbody.form.a=1\nbody.form.b=b [K]\nbody.form.b=2\n");
    req_init(&q, "/", "");
    body(&q, "text/plain", "hello world; 1=1", 16);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.text=hello world; 1=1\n");
    req_init(&q, "/", "");
    body(&q, "application/octet-stream", "{\"x\":", 5);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.text={\"x\":\n");
}

TEST(multipart_body)
{
    const char *b =
        "ignored preamble\r\n"
        "--B\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n"
        "{\"x\":\"1\"}\r\n"
        "--B\nContent-Disposition: form-data; name=\"f\"; filename=\"a.jpg\"; filename*=UTF-8''a%2ephp\n"
        "Content-Type: image/jpeg\n\n<?php system($_GET['c']); ?>\n"
        "--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nhello %27\r\n"
        "--B\r\nContent-Disposition: form-data; name=\"note\"; filename=\"n.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n&lt;x&gt;\r\n"
        "--B\r\nContent-Disposition: form-data; name=\"frm\"\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n\r\nk=v\r\n"
        "--B--\r\n";
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "multipart/form-data; boundary=B", b, strlen(b));
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"),
                  "body.multipart.meta=meta [K]\n"
                  "body.multipart.meta.x=x [K]\n"
                  "body.multipart.meta.x=1\n"
                  "body.multipart.f=f [K]\n"
                  "body.multipart.f.filename=a.jpg\n"
                  "body.multipart.f.filename=a.php [D]\n"
                  "body.multipart.f=<?php system($_GET['c']); ?>\n"
                  "body.multipart.t=t [K]\n"
                  "body.multipart.t=hello ' [D]\n"
                  "body.multipart.note=note [K]\n"
                  "body.multipart.note.filename=n.txt\n"
                  "body.multipart.note=<x> [D]\n"
                  "body.multipart.frm=frm [K]\n"
                  "body.multipart.frm.k=k [K]\n"
                  "body.multipart.frm.k=v\n"
                  "body.multipart=ignored preamble [A]\n");
    CHECK_EQ_INT(pts.nanomalies, 1);
}

TEST(multipart_malformed)
{
    req_b_t q;
    const char *t = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nok\r\n"
                    "--B\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n' OR 1=1 --";
    req_init(&q, "/", "");
    body(&q, "multipart/form-data; boundary=B", t, strlen(t));
    CHECK_EQ_INT(build(&q), 0);
    CHECK(strstr(listing, "body.multipart.a=a [K]\nbody.multipart.a=ok\n"
                          "body.multipart.q=q [K]\nbody.multipart.q=' OR 1=1 --\n"
                          "body.multipart=Content-Disposition: form-data; name=\"q\"\r\n\r\n' OR 1=1 -- [A]\n") != NULL);
    CHECK_EQ_INT(pts.nanomalies, 1);
    /* no boundary: the body as an anomaly */
    req_init(&q, "/", "");
    body(&q, "multipart/form-data", "x=<script>", 10);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.multipart=x=<script> [A]\n");
    /* boundary never seen */
    req_init(&q, "/", "");
    body(&q, "multipart/form-data; boundary=zz", "<script>", 8);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.multipart=<script> [A]\n");
    /* a part without Content-Disposition */
    req_init(&q, "/", "");
    body(&q, "multipart/form-data; boundary=B", "--B\r\nX-A: 1\r\n\r\nv\r\n--B--", 23);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.multipart.= [K]\nbody.multipart.=v\nbody.multipart=X-A: 1 [A]\n");
}

TEST(xml_body)
{
    const char *b = "<?xml version=\"1.0\"?>\n<!DOCTYPE order [ "
                    "<!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
                    "<order id=\"42\" xmlns:m=\"urn:m\"><m:item sku=\"a&amp;b\">&xxe;</m:item>"
                    "<note><![CDATA[<script>alert(1)</script>]]></note><?xml-stylesheet href=\"http://e/x.xsl\"?>"
                    "<q>%27 OR 1=1</q></order>";
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/soap+xml", b, strlen(b));
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"),
                  "body.xml!entity.xxe=<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
                  "body.xml!doctype=<!DOCTYPE order [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
                  "body.xml.order@id=42\n"
                  "body.xml.order@xmlns:m=urn:m\n"
                  "body.xml.order/m:item@sku=a&b\n"
                  "body.xml.order/m:item=&xxe;\n"
                  "body.xml.order/note=<script>alert(1)</script> [D]\n"
                  "body.xml.order?xml-stylesheet=href=\"http://e/x.xsl\" [D]\n"
                  "body.xml.order/q=' OR 1=1 [D]\n");
    const rp_waf_point_t *p = find("body.xml.order/note", 0);
    CHECK(p != NULL);
    if (p)
        CHECK_STR(p->raw, "<![CDATA[<script>alert(1)</script>]]>");
    CHECK_EQ_INT(pts.nanomalies, 0);
    /* broken XML: the points so far and the body as an anomaly */
    req_init(&q, "/", "");
    body(&q, "text/xml", "<a x=\"1\"><b>t</b><c>", 20);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.xml.a@x=1\nbody.xml.a/b=t\nbody.xml=<a x=\"1\"><b>t</b><c> [A]\n");
}

TEST(xml_billion_laughs)
{
    static char b[8192];
    size_t n = (size_t)snprintf(b, sizeof(b), "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for (int i = 1; i <= 9; i++) {
        n += (size_t)snprintf(b + n, sizeof(b) - n, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            n += (size_t)snprintf(b + n, sizeof(b) - n, i == 1 ? "&lol;" : "&lol%d;", i - 1);
        n += (size_t)snprintf(b + n, sizeof(b) - n, "\">");
    }
    size_t head = n;
    n += (size_t)snprintf(b + n, sizeof(b) - n, "]><lolz>&lol9;</lolz>");
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/xml", b, n);
    CHECK_EQ_INT(build(&q), 0);
    CHECK(strstr(listing, "body.xml.lolz=&lol9;\n") != NULL);
    CHECK(strstr(listing, "body.xml!entity.lol9=<!ENTITY lol9 \"&lol8;&lol8;") != NULL);
    CHECK(arena.total < (1u << 20));
    /* in an attribute: stopped, reported */
    n = head + (size_t)snprintf(b + head, sizeof(b) - head, "]><lolz a=\"&lol9;\"/>");
    req_init(&q, "/", "");
    body(&q, "application/xml", b, n);
    CHECK_EQ_INT(build(&q), 0);
    CHECK(strstr(listing, "body.xml.lolz@a") == NULL);
    CHECK_EQ_INT(pts.nanomalies, 1);
    CHECK(arena.total < (1u << 20));
}

static size_t gz(const char *in, size_t n, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t k = cap - z.avail_out;
    deflateEnd(&z);
    return k;
}

TEST(content_encoding)
{
    static unsigned char z[1 << 20];
    const char *js = "{\"q\":\"' OR 1=1 --\"}";
    size_t k = gz(js, strlen(js), z, sizeof(z));
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/json", (char *)z, k);
    hdr(&q, "Content-Encoding", "gzip");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json.q=q [K]\nbody.json.q=' OR 1=1 --\n");
    /* a bomb: capped, what came out is inspected, one anomaly */
    size_t big = 32u << 20;
    char *zeros = malloc(big);
    memset(zeros, ' ', big);
    memcpy(zeros, "{\"a\":\"", 6);
    k = gz(zeros, big, z, sizeof(z));
    free(zeros);
    req_init(&q, "/", "");
    body(&q, "application/json", (char *)z, k);
    hdr(&q, "Content-Encoding", "gzip");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_EQ_INT(pts.nanomalies, 2);   /* over the ratio; then the cut JSON */
    const rp_waf_point_t *p = find("body", 0);
    CHECK(p && (p->flags & RP_WAF_PT_ANOMALY));
    CHECK(arena.total < (8u << 20));
    /* corrupt; unknown coding */
    req_init(&q, "/", "");
    body(&q, "application/json", "\x1f\x8b\x08garbage", 10);
    hdr(&q, "Content-Encoding", "gzip");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body=\x1f\x8b\x08garbage [A]\n");
    req_init(&q, "/", "");
    body(&q, "application/json", "abc", 3);
    hdr(&q, "Content-Encoding", "br");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body=abc [A]\n");
    req_init(&q, "/", "");
    body(&q, "application/json", "[1]", 3);
    hdr(&q, "Content-Encoding", "identity");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("body"), "body.json[]=1 [N]\n");
}

static void b64(const unsigned char *in, size_t n, char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = tbl[(v >> 6) & 63];
        out[o++] = tbl[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = tbl[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = 0;
}

TEST(base64_gzip_and_budget)
{
    /* base64 of gzip is inflated (within max_value), and every inflation
     * of the request draws on one max_decompressed budget */
    static unsigned char z[4096];
    static char text[3000], enc[8192], query[32768];
    memset(text, 'A', sizeof(text) - 1);
    memcpy(text, "<script>", 8);
    size_t k = gz(text, strlen(text), z, sizeof(z));
    CHECK(k < 200);
    b64(z, k, enc);
    snprintf(query, sizeof(query), "a=%s&b=%s&c=%s", enc, enc, enc);
    for (char *c = query; *c; c++)
        if (*c == '+')
            *c = '-';   /* keep '+' out of the form: use the URL alphabet */
    for (char *c = query; *c; c++)
        if (*c == '/')
            *c = '_';
    lim.max_decompressed = 7000;
    req_b_t q;
    req_init(&q, "/", query);
    CHECK_EQ_INT(build(&q), 0);
    const rp_waf_point_t *a = find("query.a|base64", 0), *b = find("query.b|base64", 0),
                         *c = find("query.c|base64", 0);
    CHECK(a && a->value.n == 2999 && memcmp(a->value.p, "<script>", 8) == 0);
    CHECK(b && b->value.n == 2999);
    CHECK(c && c->value.n == 7000 - 2 * 2999 && (c->flags & RP_WAF_PT_ANOMALY));   /* what was left */
    CHECK(a && !(a->flags & RP_WAF_PT_ANOMALY));
    reset_limits();
}

TEST(max_points_overflow)
{
    /* the limit hits in the query: the rest of the query and every later
     * section are kept as raw anomaly points */
    lim.max_points = 6;
    req_b_t q;
    req_init(&q, "/a", "a=1&b=2&c=3&d=<script>");
    hdr(&q, "X-Y", "z");
    body(&q, "application/json", "{\"k\":\"v\"}", 9);
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(listing,
                  "path=/a\npath.0=a\n"
                  "query.a=a [K]\nquery.a=1\nquery.b=b [K]\nquery.b=2\n"
                  "query=c=3&d=<script> [A]\n"
                  "header.x-y=z [A]\n"
                  "header.content-type=application/json [A]\n"
                  "body={\"k\":\"v\"} [A]\n");
    CHECK(pts.overflow);
    CHECK_EQ_INT(pts.nanomalies, 4);
    /* rp__points_add: NULL past the limit, one anomaly point */
    rp_waf_point_t *p = rp__points_add(&pts, RP_STRLIT("x"), RP_STRLIT("r"), RP_STRLIT("v"), 1, 0, 0);
    CHECK(p == NULL);
    reset_limits();
    rp_arena_reset(&arena);
    memset(&pts, 0, sizeof(pts));
    pts.arena = &arena;
    lim.max_points = 1;
    pts.lim = &lim;
    p = rp__points_add(&pts, RP_STRLIT("x.y"), RP_STRLIT("r"), RP_STRLIT("v"), RP_WAF_SRC_QUERY, 0, 0);
    CHECK(p && p->src == RP_WAF_SRC_QUERY);
    CHECK(rp__points_add(&pts, RP_STRLIT("x.z"), RP_STRLIT("raw2"), RP_STRLIT("v2"), 1, 0, 0) == NULL);
    CHECK(rp__points_add(&pts, RP_STRLIT("x.w"), RP_STRLIT("raw3"), RP_STRLIT("v3"), 1, 0, 0) == NULL);
    CHECK(pts.overflow);
    CHECK_EQ_INT(pts.n, 2);
    CHECK_EQ_INT(pts.nanomalies, 1);
    CHECK_STR(pts.v[1].value, "raw2");
    CHECK(pts.v[1].flags & RP_WAF_PT_ANOMALY);
    reset_limits();
}

TEST(max_points_in_json)
{
    lim.max_points = 50;
    static char b[8192];
    size_t n = (size_t)snprintf(b, sizeof(b), "[");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%d", i ? "," : "", i);
    n += (size_t)snprintf(b + n, sizeof(b) - n, ",\"<script>\"]");
    req_b_t q;
    req_init(&q, "/", "");
    body(&q, "application/json", b, n);
    CHECK_EQ_INT(build(&q), 0);
    CHECK(pts.overflow);
    const rp_waf_point_t *p = find("body", 0);
    CHECK(p && (p->flags & RP_WAF_PT_ANOMALY) && p->raw.n > 9 &&
          memcmp(p->raw.p + p->raw.n - 11, "\"<script>\"]", 11) == 0);
    CHECK_EQ_INT(pts.n, 51);
    reset_limits();
}

TEST(max_value_cut)
{
    lim.max_value = 8;
    req_b_t q;
    req_init(&q, "/", "a=0123456789abcdef&b=%41%41%41%41%41%41%41");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("query"), "query.a=a [K]\nquery.a=01234567\nquery.b=b [K]\nquery.b=AA%4 [AD]\n");
    const rp_waf_point_t *p = find("query.a", 0);
    CHECK(p && p->raw.n == 8);
    reset_limits();
}

TEST(decoding_depth)
{
    /* %25 layers: each pass peels one, up to max_depth passes */
    req_b_t q;
    req_init(&q, "/", "a=%25252527&b=%2525252525252527");
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("query"), "query.a=a [K]\nquery.a=' [D]\nquery.b=b [K]\nquery.b=%252527 [AD]\n");
    /* base64 -> form -> base64 */
    req_init(&q, "/", "t=eD1QSE5qY21sd2REND0mYj0x");   /* x=PHNjcmlwdD4=&b=1 */
    CHECK_EQ_INT(build(&q), 0);
    CHECK_LISTING(only("query"),
                  "query.t=t [K]\n"
                  "query.t=eD1QSE5qY21sd2REND0mYj0x\n"
                  "query.t|base64=x=PHNjcmlwdD4=&b=1 [D] ^1\n");
}

TEST(never_fails_on_garbage)
{
    /* every byte value through every section */
    static char b[4096];
    for (size_t i = 0; i < sizeof(b); i++)
        b[i] = (char)(i * 131 + 7);
    static const char *types[] = { "application/json", "application/xml", "multipart/form-data; boundary=\x07",
                                   "application/x-www-form-urlencoded", "text/plain", "" };
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        req_b_t q;
        req_init(&q, "/", "");
        q.r.path = rp_str(b, 300);
        q.r.query = rp_str(b + 300, 300);
        hdr(&q, "Cookie", "a=\xff\x00;;=");
        q.h[0].value = rp_str(b + 600, 200);
        body(&q, types[t], b, sizeof(b));
        CHECK_EQ_INT(build(&q), 0);
        for (size_t i = 0; i < pts.n; i++) {
            CHECK(pts.v[i].value.n <= lim.max_value);
            CHECK(pts.v[i].path.n > 0);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Speed, reported not asserted.                                            */

TEST(speed_report)
{
    req_b_t q;
    req_init(&q, "/api/v1/users/42/orders", "page=2&limit=50&sort=created_at");
    hdr(&q, "Host", "api.example.com");
    hdr(&q, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36");
    hdr(&q, "Accept", "application/json, text/plain, */*");
    hdr(&q, "Accept-Language", "en-US,en;q=0.9");
    hdr(&q, "Accept-Encoding", "gzip, deflate, br");
    hdr(&q, "Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl");
    hdr(&q, "X-Request-Id", "3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b");
    hdr(&q, "X-Forwarded-For", "203.0.113.7");
    hdr(&q, "Connection", "keep-alive");
    hdr(&q, "Cookie", "session=abc123def456; theme=dark");
    int iters = 200000;
    uint64_t t0 = rp_now_us();
    for (int i = 0; i < iters; i++) {
        rp_arena_reset(&arena);
        memset(&pts, 0, sizeof(pts));
        pts.arena = &arena;
        pts.lim = &lim;
        rp__waf_points_build(&pts, &q.r);
    }
    uint64_t t1 = rp_now_us();
    printf("points: typical GET (%zu points) %.0f ns\n", pts.n, (double)(t1 - t0) * 1000.0 / iters);

    size_t cap = 64 * 1024, o = 0;
    char *doc = malloc(cap + 512);
    o += (size_t)snprintf(doc + o, cap - o, "{\"items\":[");
    for (int i = 0; o < cap - 400; i++)
        o += (size_t)snprintf(doc + o, cap + 512 - o,
                              "%s{\"id\":%d,\"name\":\"item number %d\",\"desc\":\"a plain ascii description "
                              "of the item that goes on for quite a while, as product copy does, with "
                              "enough words to look like the real thing in an API body\"}",
                              i ? "," : "", i, i);
    o += (size_t)snprintf(doc + o, cap + 512 - o, "]}");
    req_init(&q, "/", "");
    body(&q, "application/json", doc, o);
    iters = 2000;
    t0 = rp_now_us();
    for (int i = 0; i < iters; i++) {
        rp_arena_reset(&arena);
        memset(&pts, 0, sizeof(pts));
        pts.arena = &arena;
        pts.lim = &lim;
        rp__waf_points_build(&pts, &q.r);
    }
    t1 = rp_now_us();
    CHECK(!pts.overflow);
    printf("points: %zu-byte JSON (%zu points) %.0f MB/s\n", o, pts.n, (double)o * iters / (double)(t1 - t0));
    free(doc);
}

int main(void)
{
    rp_arena_init(&arena, 16384);
    reset_limits();
    RUN(limits_defaults);
    RUN(path_segments);
    RUN(query_pairs);
    RUN(query_encoded_names_and_malformed);
    RUN(headers_and_cookies);
    RUN(json_body);
    RUN(json_roots_and_types);
    RUN(broken_json);
    RUN(json_deep_nesting);
    RUN(key_points_distinct_names);
    RUN(form_body_and_sniffing);
    RUN(multipart_body);
    RUN(multipart_malformed);
    RUN(xml_body);
    RUN(xml_billion_laughs);
    RUN(content_encoding);
    RUN(base64_gzip_and_budget);
    RUN(max_points_overflow);
    RUN(max_points_in_json);
    RUN(max_value_cut);
    RUN(decoding_depth);
    RUN(never_fails_on_garbage);
    RUN(speed_report);
    rp_arena_dispose(&arena);
    TEST_MAIN_END();
}
