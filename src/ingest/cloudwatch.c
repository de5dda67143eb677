/*
 * cloudwatch.c - CloudWatch Logs subscription events (aws.md section 2).
 *
 *   {"awslogs":{"data":"<base64 of gzip of the envelope>"}}
 *   envelope: {"owner", "logGroup", "logStream", "subscriptionFilters",
 *              "messageType": "DATA_MESSAGE" | "CONTROL_MESSAGE",
 *              "logEvents": [{"id", "timestamp", "message": "<record>"}]}
 *
 * Each DATA_MESSAGE logEvents[].message is an access-log record (a JSON
 * string holding JSON: parsed again by apigw.c); the event's timestamp
 * stands in when the record has no time. CONTROL_MESSAGE envelopes are
 * counted apart and never become traffic. The envelope is one SAX pass;
 * when "messageType" comes after "logEvents" (JSON does not order keys)
 * the events met before it are parsed in a second pass.
 */
#include "ingest_int.h"

#include <string.h>

enum { MT_UNKNOWN = 0, MT_DATA, MT_CONTROL, MT_OTHER };

typedef struct env {
    rp_ingest_t *in;
    int depth;
    int key1;            /* depth-1 key: 1 messageType, 2 logEvents, 0 other */
    int ekey;            /* logEvents[] object key: 1 message, 2 timestamp */
    int type;
    int pass2;           /* second pass: only events below boundary */
    size_t event;        /* index of the current logEvents[] element */
    size_t boundary;     /* events before this index wait for messageType */
    int has_msg, msg_bad;
    int64_t ts;
    rp_buf_t msg;
    int nomem;
} env_t;

static void event_done(env_t *e)
{
    rp_ingest_t *in = e->in;
    size_t idx = e->event++;
    if (e->pass2 ? idx >= e->boundary : e->type == MT_UNKNOWN) {
        if (!e->pass2)
            e->boundary = idx + 1;
        return;
    }
    if (e->type != MT_DATA)
        return;
    if (!e->has_msg) {
        in->seq++;
        rp__ingest_fail(in, RP_INGEST_R_MESSAGE, 0);
        return;
    }
    /* A message that is not a JSON object is no access-log record. */
    size_t i = 0;
    while (i < e->msg.len && (e->msg.p[i] == ' ' || e->msg.p[i] == '\t'))
        i++;
    if (i >= e->msg.len || e->msg.p[i] != '{') {
        in->seq++;
        rp__ingest_fail(in, RP_INGEST_R_MESSAGE, 0);
        return;
    }
    rp__ingest_record(in, e->msg.p, e->msg.len, e->ts);
}

static int env_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    env_t *e = ud;
    RP_UNUSED(raw);
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN:
        if (e->depth == 0 && ev != RP_JSON_OBJECT_BEGIN)
            return 1;
        if (e->depth == 1 && e->key1 == 2 && ev != RP_JSON_ARRAY_BEGIN)
            return 1;
        if (e->depth == 2 && e->key1 == 2) {
            if (ev != RP_JSON_OBJECT_BEGIN)
                return 1;
            e->has_msg = 0;
            e->ts = -1;
            e->msg.len = 0;
        }
        e->depth++;
        e->ekey = 0;
        return 0;
    case RP_JSON_OBJECT_END:
    case RP_JSON_ARRAY_END:
        e->depth--;
        if (e->depth == 2 && e->key1 == 2 && ev == RP_JSON_OBJECT_END)
            event_done(e);
        if (e->depth == 1)
            e->key1 = 0;
        return 0;
    case RP_JSON_KEY:
        if (e->depth == 1)
            e->key1 = rp_str_eq(value, RP_STRLIT("messageType")) ? 1
                      : rp_str_eq(value, RP_STRLIT("logEvents")) ? 2 : 0;
        else if (e->depth == 3 && e->key1 == 2)
            e->ekey = rp_str_eq(value, RP_STRLIT("message")) ? 1
                      : rp_str_eq(value, RP_STRLIT("timestamp")) ? 2 : 0;
        return 0;
    case RP_JSON_STRING:
    case RP_JSON_NUMBER:
        if (e->depth == 0)
            return 1;
        if (e->depth == 1 && e->key1 == 1) {
            if (ev != RP_JSON_STRING)
                return 1;
            int t = rp_str_eq(value, RP_STRLIT("DATA_MESSAGE")) ? MT_DATA
                    : rp_str_eq(value, RP_STRLIT("CONTROL_MESSAGE")) ? MT_CONTROL : MT_OTHER;
            if (!e->pass2)
                e->type = t;
            return t == MT_OTHER;
        }
        if (e->depth == 3 && e->key1 == 2) {
            if (e->ekey == 1 && ev == RP_JSON_STRING) {
                e->msg.len = 0;
                if (rp_buf_append(&e->msg, value.p, value.n) != 0) {
                    e->nomem = 1;
                    return 1;
                }
                e->has_msg = 1;
            } else if (e->ekey == 2 && ev == RP_JSON_NUMBER) {
                uint64_t t;
                rp_str_t v = value;
                const char *dot = memchr(v.p, '.', v.n);
                if (dot)
                    v.n = (size_t)(dot - v.p);
                if (rp_str_to_u64(v, UINT64_C(1) << 52, &t) == 0)
                    e->ts = (int64_t)t;
            }
            e->ekey = 0;
        }
        return 0;
    default:
        if (e->depth == 0)
            return 1;
        e->ekey = 0;
        return 0;
    }
}

static int run_env(rp_ingest_t *in, env_t *e, const char *p, size_t n, size_t *pos)
{
    e->depth = 0;
    e->key1 = e->ekey = 0;
    e->event = 0;
    rp_arena_reset(&in->scratch2);
    return rp_json_parse(p, n, in->opts.max_depth, &in->scratch2, env_cb, e, pos);
}

int rp__ingest_envelope(rp_ingest_t *in, const char *p, size_t n)
{
    env_t e;
    memset(&e, 0, sizeof(e));
    e.in = in;
    rp_buf_init(&e.msg);
    size_t pos = 0;
    in->in_envelope++;
    int rc = run_env(in, &e, p, n, &pos);
    if (rc == RP_JSON_OK && e.type == MT_DATA && e.boundary > 0) {
        e.pass2 = 1;
        rc = run_env(in, &e, p, n, &pos);
    }
    in->in_envelope--;
    rp_buf_dispose(&e.msg);
    if (rc != RP_JSON_OK) {
        in->seq++;
        if (rc == RP_JSON_ABORTED)
            return rp__ingest_fail(in, e.nomem ? RP_INGEST_R_REJECTED : RP_INGEST_R_ENVELOPE, 0);
        return rp__ingest_fail(in, rp__ingest_json_reason(rc, pos, n), pos);
    }
    if (e.type == MT_CONTROL) {
        in->st.control++;
        return 0;
    }
    if (e.type != MT_DATA) {
        in->seq++;
        return rp__ingest_fail(in, RP_INGEST_R_ENVELOPE, 0);
    }
    in->st.envelopes++;
    return 0;
}

/* The {"awslogs":{"data":...}} wrapper: data decoded in the callback
 * (its value may have had escapes such as "\/"). */
typedef struct wrap {
    rp_ingest_t *in;
    rp_buf_t *out;
    int depth, key1, key2, found, bad;
} wrap_t;

static int wrap_cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    wrap_t *w = ud;
    RP_UNUSED(raw);
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN:
        w->depth++;
        return 0;
    case RP_JSON_OBJECT_END:
    case RP_JSON_ARRAY_END:
        w->depth--;
        if (w->depth == 1)
            w->key1 = 0;
        return 0;
    case RP_JSON_KEY:
        if (w->depth == 1)
            w->key1 = rp_str_eq(value, RP_STRLIT("awslogs"));
        else if (w->depth == 2)
            w->key2 = w->key1 && rp_str_eq(value, RP_STRLIT("data"));
        return 0;
    case RP_JSON_STRING:
        if (w->depth == 2 && w->key2) {
            w->out->len = 0;
            if (rp_ingest_base64(value.p, value.n, w->out) != 0) {
                w->bad = 1;
                return 1;
            }
            w->found = 1;
        }
        w->key2 = 0;
        return 0;
    default:
        w->key2 = 0;
        return 0;
    }
}

int rp_ingest_cloudwatch(rp_ingest_t *in, const char *p, size_t n)
{
    int L = in->layer;
    if (L >= RP_INGEST_MAX_LAYERS) {
        in->seq++;
        return rp__ingest_fail(in, RP_INGEST_R_LAYERS, 0);
    }
    if (L == 0)
        in->st.bytes += n;
    /* A gzip'd envelope (Firehose records, files). */
    if (n >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b) {
        rp_buf_t *g = &in->gz[L];
        g->len = 0;
        int rc = rp_ingest_gunzip(&in->opts, (const unsigned char *)p, n, g);
        if (rc) {
            in->seq++;
            return rp__ingest_fail(in, (rp_ingest_reason_t)(rc - 1), 0);
        }
        in->st.inflated += g->len;
        in->layer++;
        rc = rp__ingest_envelope(in, g->p, g->len);
        in->layer--;
        return rc;
    }
    if (!rp_str_eq(rp__ingest_first_key(p, n), RP_STRLIT("awslogs"))) {
        /* Maybe {"awslogs"...} with a later first key: the wrapper parse
         * below finds it; a plain envelope goes straight to its parser. */
        rp_str_t k = rp__ingest_first_key(p, n);
        if (k.n && !rp_str_eq(k, RP_STRLIT("awslogs")))
            return rp__ingest_envelope(in, p, n);
    }
    wrap_t w;
    memset(&w, 0, sizeof(w));
    w.in = in;
    w.out = &in->b64[L ? 1 : 0];
    size_t pos = 0;
    rp_arena_reset(&in->scratch2);
    int rc = rp_json_parse(p, n, in->opts.max_depth, &in->scratch2, wrap_cb, &w, &pos);
    if (rc != RP_JSON_OK || !w.found) {
        in->seq++;
        if (w.bad)
            return rp__ingest_fail(in, RP_INGEST_R_BASE64, 0);
        if (rc == RP_JSON_OK || rc == RP_JSON_ABORTED)
            return rp__ingest_fail(in, RP_INGEST_R_ENVELOPE, 0);
        return rp__ingest_fail(in, rp__ingest_json_reason(rc, pos, n), pos);
    }
    rp_buf_t *g = &in->gz[L];
    g->len = 0;
    int zr = rp_ingest_gunzip(&in->opts, (const unsigned char *)w.out->p, w.out->len, g);
    if (zr) {
        in->seq++;
        return rp__ingest_fail(in, (rp_ingest_reason_t)(zr - 1), 0);
    }
    in->st.inflated += g->len;
    in->layer++;
    rc = rp__ingest_envelope(in, g->p, g->len);
    in->layer--;
    return rc;
}
