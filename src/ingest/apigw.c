/*
 * apigw.c - API Gateway access-log records -> rp_disc_obs_t.
 *
 * A record is the stage's JSON access-log template (aws.md section 1):
 * one flat object whose values are all strings ("$context.status" is
 * rendered "200"), "-" (or "" or a missing key) for unknown, extra fields
 * allowed. The fast path: one SAX pass over the line, keys mapped to a
 * field by a switch on their length, values kept as slices of the input
 * when they had no escapes (copied into a per-record arena otherwise), no
 * tree, no allocation beyond the arena reset. Nested values of extra
 * fields are skipped.
 *
 * Chunks are a JSON array of records (each element parsed on its own so a
 * broken element costs only itself) or JSON lines.
 */
#include "ingest_int.h"

#include <stdio.h>
#include <string.h>

enum field {
    F_NONE = 0,
    F_METHOD,
    F_PATH,
    F_STATUS,
    F_RESPLEN,
    F_REQTIME,
    F_REQEPOCH,
    F_RESPLAT,
    F_INTLAT,
    F_STAGE,
    F_DOMAIN,
    F_SRCIP,
    F_UA,
    F_RESPATH,
    F_ROUTEKEY,
    F_APIID,
    F_ENVELOPE,   /* awslogs / logEvents / messageType: not a record */
    F__N
};

#define KEYIS(lit) (k.n == sizeof(lit) - 1 && memcmp(k.p, lit, sizeof(lit) - 1) == 0)

/* Key -> field, by length first: one or two memcmp per key. */
static enum field map_key(rp_str_t k)
{
    switch (k.n) {
    case 2:
        return KEYIS("ip") ? F_SRCIP : F_NONE;
    case 4:
        return KEYIS("path") ? F_PATH : F_NONE;
    case 5:
        if (k.p[0] == 's')
            return KEYIS("stage") ? F_STAGE : F_NONE;
        return KEYIS("apiId") ? F_APIID : F_NONE;
    case 6:
        if (k.p[0] == 's')
            return KEYIS("status") ? F_STATUS : F_NONE;
        return KEYIS("method") ? F_METHOD : F_NONE;
    case 7:
        return KEYIS("awslogs") ? F_ENVELOPE : F_NONE;
    case 8:
        if (k.p[0] == 'r')
            return KEYIS("routeKey") ? F_ROUTEKEY : F_NONE;
        return KEYIS("sourceIp") ? F_SRCIP : F_NONE;
    case 9:
        if (k.p[0] == 'u')
            return KEYIS("userAgent") ? F_UA : F_NONE;
        return KEYIS("logEvents") ? F_ENVELOPE : F_NONE;
    case 10:
        if (k.p[0] == 'h')
            return KEYIS("httpMethod") ? F_METHOD : F_NONE;
        return KEYIS("domainName") ? F_DOMAIN : F_NONE;
    case 11:
        if (k.p[0] == 'r')
            return KEYIS("requestTime") ? F_REQTIME : F_NONE;
        return KEYIS("messageType") ? F_ENVELOPE : F_NONE;
    case 12:
        return KEYIS("resourcePath") ? F_RESPATH : F_NONE;
    case 14:
        return KEYIS("responseLength") ? F_RESPLEN : F_NONE;
    case 15:
        return KEYIS("responseLatency") ? F_RESPLAT : F_NONE;
    case 16:
        return KEYIS("requestTimeEpoch") ? F_REQEPOCH : F_NONE;
    case 18:
        return KEYIS("integrationLatency") ? F_INTLAT : F_NONE;
    default:
        return F_NONE;
    }
}

typedef struct rec {
    rp_ingest_t *in;
    const char *base, *end;   /* the input: values inside it need no copy */
    int depth;
    int envelope;
    int nomem;
    enum field cur;           /* the pending key's field (depth 1) */
    rp_str_t f[F__N];
} rec_t;

static int rec_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    rec_t *r = ud;
    RP_UNUSED(raw);
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN:
        if (r->depth == 0 && ev == RP_JSON_ARRAY_BEGIN)
            return 1;   /* not an object */
        r->depth++;
        r->cur = F_NONE;
        return 0;
    case RP_JSON_OBJECT_END:
    case RP_JSON_ARRAY_END:
        r->depth--;
        return 0;
    case RP_JSON_KEY:
        if (r->depth == 1) {
            r->cur = map_key(value);
            if (r->cur == F_ENVELOPE) {
                r->envelope = 1;
                return 1;
            }
        }
        return 0;
    case RP_JSON_STRING:
    case RP_JSON_NUMBER:
        if (r->depth == 0)
            return 1;   /* not an object */
        if (r->depth == 1 && r->cur != F_NONE) {
            if (value.n && (value.p < r->base || value.p >= r->end)) {
                /* Decoded from escapes into the parser's scratch: copy. */
                char *c = rp_arena_strndup(&r->in->rec, value.p, value.n);
                if (!c) {
                    r->nomem = 1;
                    return 1;
                }
                value.p = c;
            }
            r->f[r->cur] = value;
        }
        r->cur = F_NONE;
        return 0;
    default:   /* true, false, null: unknown */
        if (r->depth == 0)
            return 1;
        if (r->depth == 1 && r->cur != F_NONE)
            r->f[r->cur] = RP_STR_NULL;
        r->cur = F_NONE;
        return 0;
    }
}

static int unknown(rp_str_t s) { return s.n == 0 || (s.n == 1 && s.p[0] == '-'); }

/* Non-negative decimal with an optional fraction ("12", "3.5"); -1 when
 * unknown or not a number. */
static double parse_num(rp_str_t s)
{
    if (unknown(s))
        return -1;
    double v = 0;
    size_t i = 0;
    for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
        v = v * 10 + (s.p[i] - '0');
    if (i == 0)
        return -1;
    if (i < s.n && s.p[i] == '.') {
        double scale = 0.1;
        for (i++; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++, scale /= 10)
            v += (s.p[i] - '0') * scale;
    }
    return i == s.n ? v : -1;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int dig(rp_str_t s, size_t at, size_t n, int *out)
{
    int v = 0;
    if (at + n > s.n)
        return -1;
    for (size_t i = at; i < at + n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return -1;
        v = v * 10 + (s.p[i] - '0');
    }
    *out = v;
    return 0;
}

/* CLF "10/Oct/2000:13:55:36 -0700" -> Unix ms; -1 when not that. */
static int64_t parse_clf(rp_str_t s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int d, y, hh, mm, ss, oh, om;
    if (s.n < 26 || dig(s, 0, 2, &d) || s.p[2] != '/' || s.p[6] != '/' || dig(s, 7, 4, &y) ||
        s.p[11] != ':' || dig(s, 12, 2, &hh) || s.p[14] != ':' || dig(s, 15, 2, &mm) ||
        s.p[17] != ':' || dig(s, 18, 2, &ss) || s.p[20] != ' ' ||
        (s.p[21] != '+' && s.p[21] != '-') || dig(s, 22, 2, &oh) || dig(s, 24, 2, &om))
        return -1;
    unsigned mon = 0;
    while (mon < 12 && memcmp(months + 3 * mon, s.p + 3, 3) != 0)
        mon++;
    if (mon == 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    int64_t t = days_from_civil(y, mon + 1, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
    int64_t off = oh * 3600 + om * 60;
    t += s.p[21] == '+' ? -off : off;
    return t * 1000;
}

int rp__ingest_record(rp_ingest_t *in, const char *p, size_t n, int64_t fallback_ms)
{
    in->seq++;
    if (n > in->opts.max_line)
        return rp__ingest_fail(in, RP_INGEST_R_TOO_LONG, 0);
    rp_arena_reset(&in->rec);
    rp_arena_reset(&in->scratch);
    rec_t r;
    memset(&r, 0, sizeof(r));
    r.in = in;
    r.base = p;
    r.end = p + n;
    size_t pos = 0;
    int rc = rp_json_parse(p, n, in->opts.max_depth, &in->scratch, rec_cb, &r, &pos);
    if (r.envelope && !in->in_envelope && in->layer < RP_INGEST_MAX_LAYERS) {
        in->seq--;
        return rp_ingest_cloudwatch(in, p, n);
    }
    if (rc != RP_JSON_OK) {
        if (rc == RP_JSON_ABORTED)
            return rp__ingest_fail(in, r.nomem ? RP_INGEST_R_REJECTED
                                   : r.envelope ? RP_INGEST_R_LAYERS : RP_INGEST_R_NOT_OBJECT, 0);
        return rp__ingest_fail(in, rp__ingest_json_reason(rc, pos, n), pos);
    }

    rp_disc_obs_t o;
    memset(&o, 0, sizeof(o));
    rp_str_t *f = r.f;

    /* Template hints: resourcePath (REST) or the path of routeKey (HTTP). */
    rp_str_t hint = unknown(f[F_RESPATH]) ? RP_STR_NULL : f[F_RESPATH];
    rp_str_t rk_method = RP_STR_NULL;
    if (!hint.n && !unknown(f[F_ROUTEKEY])) {
        rp_str_t rk = f[F_ROUTEKEY];
        const char *sp = memchr(rk.p, ' ', rk.n);
        if (sp && sp + 1 < rk.p + rk.n && sp[1] == '/') {
            rk_method = rp_str(rk.p, (size_t)(sp - rk.p));
            hint = rp_str(sp + 1, (size_t)(rk.p + rk.n - sp - 1));
        }
    }
    if (hint.n && hint.p[0] != '/')
        hint = RP_STR_NULL;   /* "$default" and other non-paths */
    o.template_hint = hint;

    o.method = unknown(f[F_METHOD]) ? RP_STR_NULL : f[F_METHOD];
    if (!o.method.n && rk_method.n && !rp_str_eq(rk_method, RP_STRLIT("ANY")))
        o.method = rk_method;
    if (!o.method.n)
        return rp__ingest_fail(in, RP_INGEST_R_NO_METHOD, 0);

    o.stage = unknown(f[F_STAGE]) ? RP_STR_NULL : f[F_STAGE];
    rp_str_t path = unknown(f[F_PATH]) ? RP_STR_NULL : f[F_PATH];
    if (!path.n && hint.n)
        path = hint;   /* formats without "path" (the HTTP API default) */
    if (!path.n || path.p[0] != '/')
        return rp__ingest_fail(in, RP_INGEST_R_NO_PATH, 0);
    const char *q = memchr(path.p, '?', path.n);
    if (q) {
        o.query = rp_str(q + 1, (size_t)(path.p + path.n - q - 1));
        path.n = (size_t)(q - path.p);
    }
    /* "/prod/users/42" with stage "prod" -> "/users/42"; only then. */
    if (o.stage.n && path.n > o.stage.n && memcmp(path.p + 1, o.stage.p, o.stage.n) == 0 &&
        (path.n == o.stage.n + 1 || path.p[o.stage.n + 1] == '/')) {
        path.p += o.stage.n + 1;
        path.n -= o.stage.n + 1;
        if (path.n == 0)
            path = RP_STRLIT("/");
    }
    o.path = path;

    double st = parse_num(f[F_STATUS]);
    o.status = st >= 100 && st <= 999 && st == (int)st ? (int)st : 0;
    o.latency_ms = parse_num(f[F_RESPLAT]);
    o.integration_ms = parse_num(f[F_INTLAT]);
    double len = parse_num(f[F_RESPLEN]);
    o.resp_bytes = len >= 0 && len < 9e18 ? (int64_t)len : -1;

    o.time_ms = -1;
    double ep = parse_num(f[F_REQEPOCH]);
    if (ep > 0 && ep < 1e15)
        o.time_ms = ep < 1e11 ? (int64_t)(ep * 1000) : (int64_t)ep;   /* seconds or ms */
    if (o.time_ms < 0 && !unknown(f[F_REQTIME]))
        o.time_ms = parse_clf(f[F_REQTIME]);
    if (o.time_ms < 0)
        o.time_ms = fallback_ms >= 0 ? fallback_ms : 0;

    o.domain = unknown(f[F_DOMAIN]) ? RP_STR_NULL : f[F_DOMAIN];
    o.source = unknown(f[F_SRCIP]) ? RP_STR_NULL : f[F_SRCIP];
    if (in->opts.app)
        o.app = rp_str_c(in->opts.app);
    rp_disc_header_t ua = { RP_STRLIT("User-Agent"), f[F_UA] };
    if (!unknown(f[F_UA])) {
        o.headers = &ua;
        o.nheaders = 1;
    }
    if (in->cb && in->cb(in->ud, &o) != 0)
        return rp__ingest_fail(in, RP_INGEST_R_REJECTED, 0);
    in->st.records++;
    return 0;
}

int rp_ingest_apigw_record(rp_ingest_t *in, const char *p, size_t n)
{
    in->st.bytes += n;
    return rp__ingest_record(in, p, n, -1);
}

/* Ends of the elements of a JSON array, found without parsing them: a
 * bracket counter that knows strings and escapes. Each element is then
 * parsed on its own. Unbalanced input ends the array (the rest counted as
 * one malformed record). */
static uint64_t apigw_array(rp_ingest_t *in, const char *p, size_t n)
{
    uint64_t before = in->st.records;
    size_t i = 0;
    while (i < n && p[i] != '[')
        i++;
    i++;
    for (;;) {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i >= n) {
            in->seq++;
            rp__ingest_fail(in, RP_INGEST_R_TRUNCATED, n);
            break;
        }
        if (p[i] == ']')
            break;
        size_t start = i;
        int depth = 0, in_str = 0;
        for (; i < n; i++) {
            char c = p[i];
            if (in_str) {
                if (c == '\\')
                    i++;
                else if (c == '"')
                    in_str = 0;
            } else if (c == '"') {
                in_str = 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0)
                    break;
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        size_t end = i < n ? i : n;
        rp__ingest_record(in, p + start, end - start, -1);
        if (i >= n)
            break;
        if (p[i] == ',')
            i++;
        else
            break;   /* ']' */
    }
    return in->st.records - before;
}

void rp_ingest_line(rp_ingest_t *in, const char *p, size_t n)
{
    rp_str_t t = rp_str_trim(rp_str(p, n));
    while (t.n && (t.p[t.n - 1] == '\r' || t.p[t.n - 1] == '\n'))
        t.n--;
    if (t.n == 0)
        return;
    in->st.bytes += n;
    if (t.p[0] == '[' && t.n <= in->opts.max_line * 64) {
        apigw_array(in, t.p, t.n);
        return;
    }
    rp__ingest_record(in, t.p, t.n, -1);
}

uint64_t rp_ingest_apigw(rp_ingest_t *in, const char *p, size_t n)
{
    uint64_t before = in->st.records;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < n && p[i] == '[') {
        in->st.bytes += n;
        return apigw_array(in, p + i, n - i);
    }
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        rp_ingest_line(in, p + i, e - i);
        i = e + 1;
    }
    return in->st.records - before;
}
