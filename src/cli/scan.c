/*
 * rampart scan: the detection engine on requests read from files.
 *
 *   rampart scan [--json] [--points] [--block-score N] [--classes LIST] FILE... | -
 *
 * A FILE is a raw HTTP/1.x request as it came off the wire, a JSON-lines
 * file of requests, or a HAR file (sniffed from the content). JSON-lines
 * objects: {"id", "method", "uri", "headers": {..} or [[name, value]..],
 * "body" or "body_b64"} or {"id", "raw" or "raw_b64"}.
 *
 * A raw request the HTTP/1.1 parser refuses (bare LF, two Content-Length
 * values, an invalid Host..) is what the proxy answers with 4xx and never
 * forwards: it gets a verdict, blocked, with one finding of class
 * protocol (score 100, "rejected by the HTTP parser (<reason>)") and, in
 * JSON, "rejected": true and the status the proxy would answer.
 *
 * Exit status: 0 when no request would be blocked with the default
 * policy, 1 when at least one would, 2 on an error (an unreadable file,
 * a line that is not JSON, an incomplete request head: printed, and
 * scanning goes on with the other requests).
 */
#include "cli.h"

#include "rampart/http.h"
#include "rampart/json.h"
#include "rampart/waf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* ---------------------------------------------------------------------- */
/* A small JSON tree built from the SAX parser (input files only).          */

typedef struct jnode jnode_t;
struct jnode {
    rp_json_event_t type;   /* OBJECT_BEGIN, ARRAY_BEGIN or a scalar event */
    rp_str_t s;             /* scalar text (strings unescaped) */
    rp_str_t *keys;         /* objects */
    jnode_t **kids;
    size_t n, cap;
    jnode_t *parent;
};

typedef struct jbuild {
    rp_arena_t *arena;      /* the tree */
    rp_arena_t scratch;     /* the parser's */
    jnode_t *root, *cur;
    rp_str_t pending_key;
} jbuild_t;

static jnode_t *jnew(jbuild_t *b, rp_json_event_t t)
{
    jnode_t *n = rp_arena_calloc(b->arena, sizeof(*n));
    n->type = t;
    return n;
}

static void jattach(jbuild_t *b, jnode_t *n)
{
    n->parent = b->cur;
    if (!b->cur) {
        b->root = n;
        return;
    }
    jnode_t *p = b->cur;
    if (p->n == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 8;
        jnode_t **k = rp_arena_alloc(b->arena, ncap * sizeof(*k));
        rp_str_t *ks = rp_arena_alloc(b->arena, ncap * sizeof(*ks));
        if (p->n) {
            memcpy(k, p->kids, p->n * sizeof(*k));
            memcpy(ks, p->keys, p->n * sizeof(*ks));
        }
        p->kids = k;
        p->keys = ks;
        p->cap = ncap;
    }
    p->keys[p->n] = b->pending_key;
    p->kids[p->n++] = n;
    b->pending_key = RP_STR_NULL;
}

static int jcb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    jbuild_t *b = ud;
    (void)raw;
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN: {
        jnode_t *n = jnew(b, ev);
        jattach(b, n);
        b->cur = n;
        break;
    }
    case RP_JSON_OBJECT_END:
    case RP_JSON_ARRAY_END:
        b->cur = b->cur ? b->cur->parent : NULL;
        break;
    case RP_JSON_KEY:
        b->pending_key = rp_str(rp_arena_strndup(b->arena, value.p, value.n), value.n);
        break;
    default: {
        jnode_t *n = jnew(b, ev);
        n->s = rp_str(rp_arena_strndup(b->arena, value.p, value.n), value.n);
        jattach(b, n);
        break;
    }
    }
    return 0;
}

/* Parses s into a tree in `arena`. Returns the root or NULL (*why set). */
static jnode_t *jparse(rp_arena_t *arena, const char *s, size_t n, const char **why, size_t *pos)
{
    jbuild_t b;
    memset(&b, 0, sizeof(b));
    b.arena = arena;
    rp_arena_init(&b.scratch, 4096);
    int r = rp_json_parse(s, n, 256, &b.scratch, jcb, &b, pos);
    rp_arena_dispose(&b.scratch);
    if (r != RP_JSON_OK) {
        *why = r == RP_JSON_TOO_DEEP ? "JSON nested too deeply" : "invalid JSON";
        return NULL;
    }
    return b.root;
}

static const jnode_t *jget(const jnode_t *o, const char *key)
{
    if (!o || o->type != RP_JSON_OBJECT_BEGIN)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (rp_str_eq(o->keys[i], rp_str_c(key)))
            return o->kids[i];
    return NULL;
}

static int jis_str(const jnode_t *n)
{
    return n && n->type == RP_JSON_STRING;
}

/* ---------------------------------------------------------------------- */
/* Requests.                                                                */

typedef struct scan_opts {
    int json, points;
    const rp_waf_t *waf;
    rp_waf_scratch_t *scratch;
    unsigned blocked, errors, requests;
} scan_opts_t;

#define MAX_HEADERS 256

typedef struct req_in {
    rp_waf_request_t r;
    rp_waf_header_t hdrs[MAX_HEADERS];
} req_in_t;

static void split_uri(rp_str_t uri, rp_waf_request_t *r)
{
    /* absolute-form: keep from the path on */
    if (uri.n > 7 && (rp_str_has_prefix(uri, RP_STRLIT("http://")) ||
                      rp_str_has_prefix(uri, RP_STRLIT("https://")))) {
        const char *p = memchr(uri.p + 8, '/', uri.n - 8);
        uri = p ? rp_str(p, uri.n - (size_t)(p - uri.p)) : RP_STRLIT("/");
    }
    const char *q = memchr(uri.p, '?', uri.n);
    if (q) {
        r->path = rp_str(uri.p, (size_t)(q - uri.p));
        r->query = rp_str(q + 1, uri.n - r->path.n - 1);
    } else {
        r->path = uri;
        r->query = RP_STR_NULL;
    }
    const char *hash = memchr(r->query.p ? r->query.p : "", '#', r->query.n);
    if (hash)
        r->query.n = (size_t)(hash - r->query.p);
}

static int b64_decode(rp_arena_t *a, rp_str_t in, rp_str_t *out)
{
    char *buf = rp_arena_alloc(a, in.n / 4 * 3 + 4);
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    int n1 = 0, n2 = 0;
    if (!ctx)
        return -1;
    EVP_DecodeInit(ctx);
    int r = EVP_DecodeUpdate(ctx, (unsigned char *)buf, &n1, (const unsigned char *)in.p, (int)in.n);
    if (r >= 0)
        r = EVP_DecodeFinal(ctx, (unsigned char *)buf + n1, &n2);
    EVP_ENCODE_CTX_free(ctx);
    if (r < 0)
        return -1;
    *out = rp_str(buf, (size_t)n1 + (size_t)n2);
    return 0;
}

/* Why the HTTP/1.1 parser refused a request: the live proxy answers it
 * with this status and never forwards it. */
typedef struct reject {
    const char *why;    /* the parser's reason (static) */
    int status;         /* 400, 414, 431, 501, 505 */
    size_t pos;         /* offset of the offending byte */
    rp_str_t raw;       /* the request bytes */
} reject_t;

/* A raw HTTP/1.x request: head by our parser, body by its framing (or the
 * rest of the input when it has none). Returns 0; -1 with *why when the
 * input is not a request at all (an incomplete head); -2 when the parser
 * rejects it (*rej says why). */
static int parse_raw(rp_arena_t *a, rp_str_t raw, req_in_t *in, const char **why, reject_t *rej)
{
    rp_http_header_t h[MAX_HEADERS];
    rp_http_request_t req;
    rp_http_limits_t lim;
    rp_http_limits_default(&lim);
    lim.max_headers = MAX_HEADERS;
    lim.max_header_bytes = 1 << 20;
    lim.max_request_line = 1 << 20;
    memset(&req, 0, sizeof(req));
    req.headers = h;
    req.num_headers = MAX_HEADERS;
    size_t scan = 0;
    int r = rp_http_parse_request(raw.p, raw.n, &req, &lim, &scan);
    if (r == RP_EINVAL) {
        rej->why = req.error ? req.error : "malformed";
        rej->status = req.error_status ? req.error_status : 400;
        rej->pos = RP_MIN(req.error_pos, raw.n);
        rej->raw = raw;
        return -2;
    }
    if (r < 0) {
        *why = "incomplete HTTP request head";
        return -1;
    }
    memset(&in->r, 0, sizeof(in->r));
    in->r.method = req.method;
    split_uri(req.target, &in->r);
    for (size_t i = 0; i < req.num_headers; i++) {
        in->hdrs[i].name = h[i].name;
        in->hdrs[i].value = h[i].value;
    }
    in->r.headers = in->hdrs;
    in->r.nheaders = req.num_headers;
    rp_str_t rest = rp_str(raw.p + r, raw.n - (size_t)r);
    if (req.flags & RP_HTTP_F_CHUNKED) {
        rp_buf_t body;
        rp_buf_init(&body);
        rp_http_chunked_t ck;
        rp_http_chunked_init(&ck);
        size_t off = 0;
        for (;;) {
            size_t used = 0;
            rp_str_t data;
            int k = rp_http_chunked_next(&ck, rest.p + off, rest.n - off, &used, &data);
            off += used;
            if (k == RP_HTTP_CHUNK_DATA)
                rp_buf_append(&body, data.p, data.n);
            else if (k != RP_HTTP_CHUNK_TRAILER)
                break;
        }
        in->r.body = rp_str(rp_arena_strndup(a, body.p ? body.p : "", body.len), body.len);
        rp_buf_dispose(&body);
    } else if (req.flags & RP_HTTP_F_HAS_CL) {
        in->r.body = rp_str(rest.p, RP_MIN(rest.n, (size_t)req.content_length));
    } else {
        in->r.body = rest;
    }
    return 0;
}

/* One JSON-lines object (or a HAR request) into a request. */
static int parse_obj(rp_arena_t *a, const jnode_t *o, req_in_t *in, const char **why,
                     reject_t *rej)
{
    const jnode_t *raw = jget(o, "raw"), *raw64 = jget(o, "raw_b64");
    if (jis_str(raw) || jis_str(raw64)) {
        rp_str_t bytes = raw ? raw->s : RP_STR_NULL;
        if (!jis_str(raw) && b64_decode(a, raw64->s, &bytes) < 0) {
            *why = "raw_b64 is not base64";
            return -1;
        }
        return parse_raw(a, bytes, in, why, rej);
    }
    const jnode_t *m = jget(o, "method"), *u = jget(o, "uri");
    if (!u)
        u = jget(o, "url"); /* HAR */
    if (!jis_str(u)) {
        *why = "a request needs \"uri\" (or \"raw\")";
        return -1;
    }
    memset(&in->r, 0, sizeof(in->r));
    in->r.method = jis_str(m) ? m->s : RP_STRLIT("GET");
    split_uri(u->s, &in->r);
    size_t nh = 0;
    const jnode_t *hs = jget(o, "headers");
    if (hs && hs->type == RP_JSON_OBJECT_BEGIN) {
        for (size_t i = 0; i < hs->n && nh < MAX_HEADERS; i++) {
            if (!jis_str(hs->kids[i]))
                continue;
            in->hdrs[nh].name = hs->keys[i];
            in->hdrs[nh++].value = hs->kids[i]->s;
        }
    } else if (hs && hs->type == RP_JSON_ARRAY_BEGIN) {
        for (size_t i = 0; i < hs->n && nh < MAX_HEADERS; i++) {
            const jnode_t *e = hs->kids[i];
            if (e->type == RP_JSON_ARRAY_BEGIN && e->n == 2 && jis_str(e->kids[0]) && jis_str(e->kids[1])) {
                in->hdrs[nh].name = e->kids[0]->s;
                in->hdrs[nh++].value = e->kids[1]->s;
            } else if (e->type == RP_JSON_OBJECT_BEGIN && jis_str(jget(e, "name")) &&
                       jis_str(jget(e, "value"))) { /* HAR */
                in->hdrs[nh].name = jget(e, "name")->s;
                in->hdrs[nh++].value = jget(e, "value")->s;
            }
        }
    }
    in->r.headers = in->hdrs;
    in->r.nheaders = nh;
    const jnode_t *body = jget(o, "body"), *b64 = jget(o, "body_b64");
    const jnode_t *post = jget(o, "postData"); /* HAR */
    if (post && jis_str(jget(post, "text")))
        body = jget(post, "text");
    if (jis_str(body)) {
        in->r.body = body->s;
    } else if (jis_str(b64) && b64_decode(a, b64->s, &in->r.body) < 0) {
        *why = "body_b64 is not base64";
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Output.                                                                  */

static void json_str(FILE *out, const char *s, size_t n)
{
    rp_buf_t b;
    rp_buf_init(&b);
    rp_buf_append_json_str(&b, s, n);
    fputc('"', out);
    if (b.len)
        fwrite(b.p, 1, b.len, out);
    fputc('"', out);
    rp_buf_dispose(&b);
}

/* rej: not NULL when the verdict is the HTTP parser's refusal (see
 * scan_rejected). */
static void report(scan_opts_t *o, const char *file, const char *id, const rp_waf_verdict_t *v,
                   const reject_t *rej)
{
    FILE *out = stdout;
    if (o->json) {
        fputs("{\"file\":", out);
        json_str(out, file, strlen(file));
        fputs(",\"id\":", out);
        json_str(out, id, strlen(id));
        if (rej)
            fprintf(out, ",\"rejected\":true,\"http_status\":%d", rej->status);
        fprintf(out, ",\"blocked\":%s,\"score\":%d,\"attacks\":[", v->block ? "true" : "false", v->score);
        int first = 1;
        for (int a = 0; a < RP_WAF_ATTACK__COUNT; a++) {
            if (!(v->attacks & (1u << a)))
                continue;
            fprintf(out, "%s\"%s\"", first ? "" : ",", rp_waf_attack_name((rp_waf_attack_t)a));
            first = 0;
        }
        fprintf(out, "],\"points\":%zu,\"anomalies\":%zu,\"findings\":[", v->npoints, v->nanomalies);
        for (size_t i = 0; i < v->nfindings; i++) {
            const rp_waf_finding_t *f = &v->findings[i];
            fprintf(out, "%s{\"attack\":\"%s\",\"score\":%d,\"point\":", i ? "," : "",
                    rp_waf_attack_name(f->attack), f->score);
            json_str(out, f->point, strlen(f->point));
            fputs(",\"raw\":", out);
            json_str(out, f->raw, strlen(f->raw));
            fputs(",\"decoded\":", out);
            json_str(out, f->decoded, strlen(f->decoded));
            fputs(",\"evidence\":", out);
            json_str(out, f->evidence, strlen(f->evidence));
            fputc('}', out);
        }
        fputs("]}\n", out);
        return;
    }
    fprintf(out, "%s%s%s: %s", file, id[0] ? "#" : "", id, v->block ? "BLOCK" : v->nfindings ? "suspicious" : "clean");
    if (v->score)
        fprintf(out, " score %d", v->score);
    for (int a = 0, first = 1; a < RP_WAF_ATTACK__COUNT; a++) {
        if (!(v->attacks & (1u << a)))
            continue;
        fprintf(out, "%s%s", first ? " attacks " : ",", rp_waf_attack_name((rp_waf_attack_t)a));
        first = 0;
    }
    if (rej)
        fprintf(out, " (rejected by the HTTP parser: %d)\n", rej->status);
    else
        fprintf(out, " (%zu points%s)\n", v->npoints, v->nanomalies ? ", anomalies" : "");
    for (size_t i = 0; i < v->nfindings; i++) {
        const rp_waf_finding_t *f = &v->findings[i];
        fprintf(out, "  %-9s %3d  %s = %s\n            %s\n", rp_waf_attack_name(f->attack), f->score,
                f->point, f->decoded, f->evidence);
    }
}

static void report_points(scan_opts_t *o)
{
    size_t n;
    const rp_waf_point_t *p = rp_waf_points(o->scratch, &n);
    for (size_t i = 0; i < n; i++) {
        char v[200];
        size_t k = 0;
        for (size_t j = 0; j < p[i].value.n && k + 5 < sizeof(v); j++) {
            unsigned char ch = (unsigned char)p[i].value.p[j];
            if (ch >= 0x20 && ch < 0x7f)
                v[k++] = (char)ch;
            else
                k += (size_t)snprintf(v + k, sizeof(v) - k, "\\x%02x", ch);
        }
        v[k] = '\0';
        printf("    point %.*s%s%s = %s\n", (int)p[i].path.n, p[i].path.p,
               p[i].flags & RP_WAF_PT_KEY ? " (key)" : "",
               p[i].flags & RP_WAF_PT_ANOMALY ? " (anomaly)" : "", v);
    }
}

static void scan_error(scan_opts_t *o, const char *file, const char *id, const char *why)
{
    o->errors++;
    if (o->json) {
        fputs("{\"file\":", stdout);
        json_str(stdout, file, strlen(file));
        fputs(",\"id\":", stdout);
        json_str(stdout, id, strlen(id));
        fputs(",\"error\":", stdout);
        json_str(stdout, why, strlen(why));
        fputs("}\n", stdout);
    }
    fprintf(stderr, "rampart scan: %s%s%s: %s\n", file, id[0] ? "#" : "", id, why);
}

/* Log-safe copy of s: printable ASCII as is, the rest as \xNN, cut with
 * "..." to fit cap. */
static void excerpt(char *out, size_t cap, const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        int plain = ch >= 0x20 && ch < 0x7f && ch != '\\';
        if (k + (plain ? 1 : 4) + 4 > cap) {
            memcpy(out + k, "...", 3);
            k += 3;
            break;
        }
        if (plain)
            out[k++] = (char)ch;
        else
            k += (size_t)snprintf(out + k, cap - k, "\\x%02x", ch);
    }
    out[k] = '\0';
}

/* A request the HTTP/1.1 parser refuses is never forwarded: the proxy
 * answers 4xx/5xx. Its honest verdict is "blocked as a protocol
 * violation": one finding of class protocol, score 100, with the parser's
 * reason and the bytes around the offending one. */
static void scan_rejected(scan_opts_t *o, const char *file, const char *id, const reject_t *rej)
{
    rp_waf_verdict_t v;
    memset(&v, 0, sizeof(v));
    o->requests++;
    o->blocked++;
    v.attacks = 1u << RP_WAF_PROTOCOL;
    v.score = 100;
    v.block = 1;
    v.nfindings = v.nfindings_total = 1;
    rp_waf_finding_t *f = &v.findings[0];
    f->attack = RP_WAF_PROTOCOL;
    f->score = 100;
    snprintf(f->point, sizeof(f->point), "request");
    size_t from = rej->pos > 24 ? rej->pos - 24 : 0;
    excerpt(f->raw, sizeof(f->raw), rej->raw.p, rej->raw.n);
    excerpt(f->decoded, sizeof(f->decoded), rej->raw.p + from, rej->raw.n - from);
    snprintf(f->evidence, sizeof(f->evidence), "protocol: rejected by the HTTP parser (%s)", rej->why);
    report(o, file, id, &v, rej);
}

static void scan_one(scan_opts_t *o, const char *file, const char *id, const req_in_t *in)
{
    rp_waf_verdict_t v;
    o->requests++;
    if (rp_waf_inspect(o->waf, o->scratch, &in->r, &v) != 0) {
        scan_error(o, file, id, "out of memory");
        return;
    }
    if (v.block)
        o->blocked++;
    report(o, file, id, &v, NULL);
    if (o->points && !o->json)
        report_points(o);
}

/* ---------------------------------------------------------------------- */
/* Files.                                                                   */

static int read_all(const char *path, rp_buf_t *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return -errno;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rp_buf_append(b, chunk, n);
    int err = ferror(f) ? -EIO : 0;
    if (f != stdin)
        fclose(f);
    return err;
}

static void scan_jsonl(scan_opts_t *o, const char *file, rp_str_t text)
{
    size_t line = 0, pos = 0;
    while (pos < text.n) {
        const char *nl = memchr(text.p + pos, '\n', text.n - pos);
        size_t end = nl ? (size_t)(nl - text.p) : text.n;
        rp_str_t l = rp_str_trim(rp_str(text.p + pos, end - pos));
        pos = end + 1;
        line++;
        if (l.n == 0)
            continue;
        rp_arena_t a;
        rp_arena_init(&a, 8192);
        char idbuf[64];
        snprintf(idbuf, sizeof(idbuf), "%zu", line);
        const char *why = NULL;
        size_t epos = 0;
        reject_t rej;
        int r;
        jnode_t *obj = jparse(&a, l.p, l.n, &why, &epos);
        req_in_t *in = rp_arena_calloc(&a, sizeof(*in));
        const char *id = idbuf;
        const jnode_t *jid = jget(obj, "id");
        if (jis_str(jid))
            id = rp_arena_strndup(&a, jid->s.p, jid->s.n);
        if (!obj || obj->type != RP_JSON_OBJECT_BEGIN) {
            char msg[120];
            snprintf(msg, sizeof(msg), "line %zu: %s", line, why ? why : "not a JSON object");
            scan_error(o, file, idbuf, msg);
        } else if ((r = parse_obj(&a, obj, in, &why, &rej)) == -2) {
            scan_rejected(o, file, id, &rej);
        } else if (r < 0) {
            scan_error(o, file, id, why);
        } else {
            scan_one(o, file, id, in);
        }
        rp_arena_dispose(&a);
    }
}

static void scan_file(scan_opts_t *o, const char *file)
{
    rp_buf_t b;
    rp_buf_init(&b);
    int r = read_all(file, &b);
    if (r < 0) {
        char msg[200];
        snprintf(msg, sizeof(msg), "cannot read: %s", strerror(-r));
        scan_error(o, file, "", msg);
        rp_buf_dispose(&b);
        return;
    }
    rp_str_t text = rp_str(b.p ? b.p : "", b.len);
    rp_str_t t = rp_str_trim(text);
    if (t.n > 0 && t.p[0] == '{') {
        /* HAR (one JSON document with log.entries) or JSON lines. */
        rp_arena_t a;
        rp_arena_init(&a, 65536);
        const char *why = NULL;
        size_t epos = 0;
        jnode_t *doc = jparse(&a, t.p, t.n, &why, &epos);
        const jnode_t *entries = jget(jget(doc, "log"), "entries");
        if (entries && entries->type == RP_JSON_ARRAY_BEGIN) {
            for (size_t i = 0; i < entries->n; i++) {
                char id[32];
                snprintf(id, sizeof(id), "entry%zu", i + 1);
                const jnode_t *rq = jget(entries->kids[i], "request");
                req_in_t *in = rp_arena_calloc(&a, sizeof(*in));
                reject_t rej;
                int pr = rq ? parse_obj(&a, rq, in, &why, &rej) : -1;
                if (pr == -2)
                    scan_rejected(o, file, id, &rej);
                else if (pr < 0)
                    scan_error(o, file, id, rq ? why : "entry without a request");
                else
                    scan_one(o, file, id, in);
            }
        } else {
            scan_jsonl(o, file, text);
        }
        rp_arena_dispose(&a);
    } else if (t.n > 0) {
        rp_arena_t a;
        rp_arena_init(&a, 4096);
        req_in_t *in = rp_arena_calloc(&a, sizeof(*in));
        const char *why = NULL;
        reject_t rej;
        int pr = parse_raw(&a, text, in, &why, &rej);
        if (pr == -2)
            scan_rejected(o, file, "", &rej);
        else if (pr < 0)
            scan_error(o, file, "", why);
        else
            scan_one(o, file, "", in);
        rp_arena_dispose(&a);
    } else {
        scan_error(o, file, "", "empty file");
    }
    rp_buf_dispose(&b);
}

void rp__cli_usage_scan(FILE *out)
{
    fprintf(out,
            "usage: rampart scan [--json] [--points] [--block-score N] [--classes LIST] FILE... | -\n"
            "\n"
            "Inspects requests offline with the detection engine and prints a verdict\n"
            "for each: attack classes, score, and for each finding the point, the\n"
            "decoded payload and the evidence.\n"
            "\n"
            "A FILE is a raw HTTP/1.x request, a JSON-lines file of requests\n"
            "({\"id\",\"method\",\"uri\",\"headers\",\"body\"|\"body_b64\"} or {\"id\",\"raw\"|\"raw_b64\"}\n"
            "per line) or a HAR file; - reads standard input.\n"
            "\n"
            "  --json           one JSON object per request (with the file name)\n"
            "  --points         also list every point the request was decoded into\n"
            "  --block-score N  score at which a request counts as blocked (default 50)\n"
            "  --classes LIST   detect only these attack classes (comma-separated: sqli,xss)\n"
            "\n"
            "A raw request the HTTP parser rejects is reported blocked, as a protocol\n"
            "violation (\"rejected\": true in JSON): the proxy answers it with 400.\n"
            "\n"
            "Exit status: 0 when no request would be blocked, 1 when one would,\n"
            "2 on an error (unreadable file, invalid JSON, incomplete request).\n");
}

/* "sqli,xss" -> attack bits. */
static int parse_classes(const char *list, unsigned *bits)
{
    *bits = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        char name[32];
        if (l == 0 || l >= sizeof(name)) {
            fprintf(stderr, "rampart scan: bad --classes list '%s'\n", list);
            return -1;
        }
        memcpy(name, p, l);
        name[l] = '\0';
        int a = rp_waf_attack_from_name(name);
        if (a < 0) {
            fprintf(stderr, "rampart scan: unknown attack class '%s'\n", name);
            return -1;
        }
        *bits |= 1u << a;
        p += l + (e ? 1 : 0);
    }
    if (*bits == 0) {
        fprintf(stderr, "rampart scan: empty --classes list\n");
        return -1;
    }
    return 0;
}

int rp__cli_scan(int argc, char **argv)
{
    scan_opts_t o;
    memset(&o, 0, sizeof(o));
    rp_waf_opts_t wo;
    memset(&wo, 0, sizeof(wo));
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            o.json = 1;
        } else if (strcmp(argv[i], "--points") == 0) {
            o.points = 1;
        } else if (strcmp(argv[i], "--block-score") == 0 && i + 1 < argc) {
            wo.block_score = atoi(argv[++i]);
            if (wo.block_score < 1 || wo.block_score > 100) {
                fprintf(stderr, "rampart scan: --block-score must be 1..100\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--classes") == 0 && i + 1 < argc) {
            if (parse_classes(argv[++i], &wo.attacks) < 0)
                return 2;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            rp__cli_usage_scan(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "rampart scan: unknown option %s\n", argv[i]);
            rp__cli_usage_scan(stderr);
            return 2;
        } else {
            nfiles++;
        }
    }
    if (nfiles == 0) {
        rp__cli_usage_scan(stderr);
        return 2;
    }
    rp_waf_t *waf = rp_waf_new(&wo);
    o.scratch = rp_waf_scratch_new();
    if (!waf || !o.scratch) {
        fprintf(stderr, "rampart scan: out of memory\n");
        return 2;
    }
    o.waf = waf;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--block-score") == 0 || strcmp(argv[i], "--classes") == 0) {
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            continue;
        scan_file(&o, argv[i]);
    }
    if (!o.json)
        printf("%u request(s), %u would be blocked, %u error(s)\n", o.requests, o.blocked, o.errors);
    rp_waf_scratch_free(o.scratch);
    rp_waf_free(waf);
    fflush(stdout);
    return o.errors ? 2 : o.blocked ? 1 : 0;
}
