/*
 * Request and response head parsers (RFC 9112 sections 2-6), strict.
 *
 * Two phases per call:
 *   1. find_head(): locate the end of the head (the first empty line)
 *      with memchr over LFs, resuming where the previous call stopped
 *      (*scan). This phase also enforces the size limits (414/431) as
 *      soon as the buffered bytes prove them exceeded, and rejects a bare
 *      LF early so a client cannot park a never-ending head on us.
 *   2. once the head is complete, parse it in one pass: request/status
 *      line, then field lines with table-driven loops. Every line is
 *      known to end in CRLF (phase 1 checked each LF), so the inner loops
 *      need no bounds checks: the CR is their sentinel.
 *
 * Both phases depend only on the bytes, never on how they were split
 * across calls, so feeding a head in pieces gives the same verdict as
 * feeding it whole (the fuzz targets check this).
 *
 * *scan encodes (offset << 1) | request_line_done: the offset up to which
 * LFs have been examined, and whether the first line has been seen.
 */
#include "http/http_int.h"

#define DEFAULT_MAX_REQUEST_LINE 8192
#define DEFAULT_MAX_HEADER_BYTES 32768
#define DEFAULT_MAX_HEADERS 100
/* RFC 9112 2.2: "SHOULD ignore at least one empty line (CRLF) received
 * prior to the request-line". We skip this many and refuse more. */
#define MAX_LEADING_CRLF 4
/* Content-Length above 2^63-1 is refused (no signed overflow anywhere). */
#define MAX_CONTENT_LENGTH ((uint64_t)INT64_MAX)

void rp_http_limits_default(rp_http_limits_t *lim)
{
    lim->max_request_line = DEFAULT_MAX_REQUEST_LINE;
    lim->max_header_bytes = DEFAULT_MAX_HEADER_BYTES;
    lim->max_headers = DEFAULT_MAX_HEADERS;
}

/* ---------------------------------------------------------------------- */
/* Error reporting common to both parsers.                                  */

typedef struct perr {
    int status;
    const char *why;
    size_t pos;
} perr_t;

static int fail(perr_t *e, int status, const char *why, size_t pos)
{
    e->status = status;
    e->why = why;
    e->pos = pos;
    return RP_EINVAL;
}

/* ---------------------------------------------------------------------- */
/* Phase 1: find the end of the head.                                       */

typedef struct scan_cfg {
    size_t max_line;     /* request/status line, without CRLF */
    size_t max_head;     /* whole head from its first byte, CRLFCRLF included */
    int max_skip;        /* leading CRLFs tolerated */
    int line_status;     /* 414 (request) or 502 */
    int head_status;     /* 431 (request) or 502 */
    const char *line_why;
    /* Validates the first line [start, eol] (eol: its LF) as soon as it is
     * complete, so a bad request line is refused without waiting for the
     * rest of the head. */
    int (*line_cb)(const char *buf, size_t start, size_t eol, void *out, perr_t *e);
    void *out;
    int line_checked;    /* out: line_cb ran during this call ... */
    size_t eol;          /* ... on the line ending at this LF */
} scan_cfg_t;

/*
 * Returns 0 with [*start, *end) the head (leading empty lines skipped),
 * RP_EAGAIN, or RP_EINVAL with *e set. The limits only ever look at the
 * first max_line+2 / max_head bytes, so the answer for a prefix never
 * contradicts the answer for the whole input.
 */
static int find_head(const char *buf, size_t len, size_t *scan, scan_cfg_t *cfg,
                     size_t *start_out, size_t *end_out, perr_t *e)
{
    size_t start = 0;
    int skipped = 0;
    for (;;) {
        if (start >= len)
            return RP_EAGAIN;
        if (buf[start] == '\n')
            return fail(e, 400, "bare LF", start);
        if (buf[start] != '\r')
            break;
        if (start + 1 >= len)
            return RP_EAGAIN;
        if (buf[start + 1] != '\n')
            return fail(e, 400, "bare CR", start);
        if (skipped == cfg->max_skip)
            return fail(e, 400, cfg->max_skip ? "too many empty lines before the request line"
                                              : "empty line before the status line",
                        start);
        skipped++;
        start += 2;
    }
    size_t avail = len - start;
    size_t pos = *scan >> 1;
    int line_done = (int)(*scan & 1);
    if (pos < start)
        pos = start;

    if (!line_done) {
        size_t lim = avail;
        if (cfg->max_line < SIZE_MAX - 2 && lim > cfg->max_line + 2)
            lim = cfg->max_line + 2;
        if (lim > cfg->max_head)
            lim = cfg->max_head;
        const char *lf = pos < start + lim ? memchr(buf + pos, '\n', start + lim - pos) : NULL;
        if (!lf) {
            *scan = (start + lim) << 1;
            if (cfg->max_line < SIZE_MAX - 2 && lim >= cfg->max_line + 2)
                return fail(e, cfg->line_status, cfg->line_why, start + cfg->max_line);
            if (lim >= cfg->max_head)
                return fail(e, cfg->head_status, "header section too large", start + cfg->max_head);
            /* Every buffered byte belongs to the line but a final CR. */
            if (avail - (buf[len - 1] == '\r') > cfg->max_line)
                return fail(e, cfg->line_status, cfg->line_why, start + cfg->max_line);
            return RP_EAGAIN;
        }
        size_t i = (size_t)(lf - buf);
        size_t content = i - start - (buf[i - 1] == '\r');
        if (content > cfg->max_line)
            return fail(e, cfg->line_status, cfg->line_why, start + cfg->max_line);
        if (buf[i - 1] != '\r')
            return fail(e, 400, "bare LF", i);
        if (cfg->line_cb(buf, start, i, cfg->out, e) < 0)
            return RP_EINVAL;
        cfg->line_checked = 1;
        cfg->eol = i;
        pos = i + 1;
    }

    size_t lim = start + RP_MIN(avail, cfg->max_head);
    while (pos < lim) {
        const char *lf = memchr(buf + pos, '\n', lim - pos);
        if (!lf) {
            pos = lim;
            break;
        }
        size_t i = (size_t)(lf - buf);
        /* i >= start + 2: the first line's CRLF precedes it. */
        if (buf[i - 1] != '\r')
            return fail(e, 400, "bare LF", i);
        if (buf[i - 2] == '\n') {
            *start_out = start;
            *end_out = i + 1;
            return 0;
        }
        pos = i + 1;
    }
    *scan = (pos << 1) | 1;
    if (avail >= cfg->max_head)
        return fail(e, cfg->head_status, "header section too large", start + cfg->max_head);
    return RP_EAGAIN;
}

/* ---------------------------------------------------------------------- */
/* Phase 2: field lines and the framing they imply.                         */

typedef struct fields {
    rp_http_header_t *headers;
    size_t cap;          /* min(caller's capacity, max_headers) */
    size_t n;
    unsigned flags;
    uint64_t cl;
    rp_str_t host;
    int nhost;
    int chunked;         /* "chunked" seen */
    int te;              /* a Transfer-Encoding field seen */
    int is_request;
} fields_t;

/* Compares a field name (tchars only) with a lower-case literal. OR-ing
 * 0x20 lower-cases letters and maps no other tchar onto a letter or '-'. */
static int name_is(const char *p, const char *lit, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)(p[i] | 0x20) != (unsigned char)lit[i])
            return 0;
    return 1;
}

/* uri-host [ ":" port ], stricter than RFC 3986: reg-name is limited to
 * ALPHA DIGIT - . _ ~ (no sub-delims, no pct-encoding), an IP-literal to
 * hex digits, ':' and '.', the port to at most 5 digits <= 65535. */
static int host_valid(rp_str_t h)
{
    size_t i = 0;
    if (h.n == 0)
        return 0;
    if (h.p[0] == '[') {
        for (i = 1; i < h.n && (RP__CC(h.p[i], RP__CC_HEX) || h.p[i] == ':' || h.p[i] == '.'); i++)
            ;
        if (i < 3 || i >= h.n || h.p[i] != ']')
            return 0;
        i++;
    } else {
        while (i < h.n && RP__CC(h.p[i], RP__CC_HOST))
            i++;
        if (i == 0)
            return 0;
    }
    if (i == h.n)
        return 1;
    if (h.p[i] != ':')
        return 0;
    size_t ndig = h.n - i - 1;
    if (ndig == 0 || ndig > 5)
        return 0;
    uint64_t port;
    if (rp_str_to_u64(rp_str(h.p + i + 1, ndig), 65535, &port) < 0)
        return 0;
    return 1;
}

/*
 * A name that is not Content-Length / Transfer-Encoding but becomes one
 * once case, '-' and '_' are ignored ("Content_Length", "Transfer--Encoding").
 * CGI-style gateways map '_' and '-' to the same variable, so such a field
 * frames the body for some backends and not for us (desync corpus:
 * ambiguous). Refused.
 */
static int framing_lookalike(rp_str_t name)
{
    if (name.n < 13 || name.n > 64)
        return 0;
    size_t k = 0;
    while (k < name.n && (name.p[k] == '-' || name.p[k] == '_'))
        k++;
    int c0 = k < name.n ? name.p[k] | 0x20 : 0;
    const char *lit = c0 == 'c' ? "contentlength" : c0 == 't' ? "transferencoding" : NULL;
    const char *exact = c0 == 'c' ? "content-length" : "transfer-encoding";
    if (!lit)
        return 0;
    size_t ln = strlen(lit), j = 0;
    for (size_t i = 0; i < name.n; i++) {
        char ch = name.p[i];
        if (ch == '-' || ch == '_')
            continue;
        if (j >= ln || (unsigned char)(ch | 0x20) != (unsigned char)lit[j])
            return 0;
        j++;
    }
    if (j != ln)
        return 0;
    return !(name.n == ln + 1 && name_is(name.p, exact, ln + 1));
}

/* Applies the semantics of one field. Returns 0 or RP_EINVAL. */
static int field_semantics(fields_t *f, rp_str_t name, rp_str_t value, size_t pos, perr_t *e)
{
    const char *n = name.p;
    if (framing_lookalike(name))
        return fail(e, 400, "field name resembles Content-Length or Transfer-Encoding", pos);
    switch (name.n) {
    case 4:
        if (f->is_request && name_is(n, "host", 4)) {
            if (++f->nhost > 1)
                return fail(e, 400, "more than one Host", pos);
            if (!host_valid(value))
                return fail(e, 400, "invalid Host", pos);
            f->host = value;
        }
        return 0;
    case 6:
        if (name_is(n, "expect", 6) && rp__http_ieq_lit(value, "100-continue", 12))
            f->flags |= RP_HTTP_F_EXPECT_CONTINUE;
        return 0;
    case 7:
        if (name_is(n, "upgrade", 7))
            f->flags |= RP_HTTP_F_UPGRADE;
        return 0;
    case 10:
        if (name_is(n, "connection", 10)) {
            size_t i = 0;
            rp_str_t t;
            while (rp_str_next_list_elem(value, &i, &t)) {
                if (rp__http_ieq_lit(t, "close", 5))
                    f->flags |= RP_HTTP_F_CONN_CLOSE;
                else if (rp__http_ieq_lit(t, "keep-alive", 10))
                    f->flags |= RP_HTTP_F_CONN_KEEPALIVE;
                else
                    f->flags |= RP_HTTP_F_CONN_TOKENS;
            }
        }
        return 0;
    case 14:
        if (name_is(n, "content-length", 14)) {
            uint64_t v;
            /* 1*DIGIT only: no sign, no list ("5, 5" is refused: the
             * desync corpus rates it severe), no inner whitespace. */
            if (rp_str_to_u64(value, MAX_CONTENT_LENGTH, &v) < 0)
                return fail(e, 400, "invalid Content-Length", pos);
            if ((f->flags & RP_HTTP_F_HAS_CL) && f->cl != v)
                return fail(e, 400, "conflicting Content-Length values", pos);
            f->flags |= RP_HTTP_F_HAS_CL;
            f->cl = v;
        }
        return 0;
    case 17:
        if (name_is(n, "transfer-encoding", 17)) {
            size_t i = 0;
            int any = 0;
            rp_str_t c;
            f->te = 1;
            while (rp_str_next_list_elem(value, &i, &c)) {
                any = 1;
                if (!rp__http_ieq_lit(c, "chunked", 7))
                    return fail(e, 400, "unsupported transfer-coding", pos);
                if (f->chunked)
                    return fail(e, 400, "chunked applied more than once", pos);
                f->chunked = 1;
            }
            if (!any)
                return fail(e, 400, "empty Transfer-Encoding", pos);
            f->flags |= RP_HTTP_F_CHUNKED;
        }
        return 0;
    default:
        return 0;
    }
}

/*
 * Parses field lines from p (the byte after the first line's CRLF) up to
 * and including the empty line that ends the head at buf + end. Statuses
 * in *e are request-flavoured (400/431); the response parser maps them.
 */
static int parse_fields(const char *buf, const char *p, size_t end, fields_t *f, perr_t *e)
{
    for (;;) {
        const char *line = p;
        unsigned char c = (unsigned char)*p;
        if (c == '\r') {
            if (p[1] != '\n')
                return fail(e, 400, "bare CR", (size_t)(p - buf));
            /* The empty line: find_head() guarantees p + 2 == buf + end. */
            RP_BUG_ON((size_t)(p + 2 - buf) != end);
            return 0;
        }
        if (c == ' ' || c == '\t')
            return fail(e, 400, "obsolete line folding", (size_t)(p - buf));
        while (RP__CC(*p, RP__CC_TCHAR))
            p++;
        if (*p != ':') {
            if (p == line)
                return fail(e, 400, *p == ':' ? "empty field name" : "invalid character in field name",
                            (size_t)(p - buf));
            if (*p == ' ' || *p == '\t')
                return fail(e, 400, "whitespace before colon", (size_t)(p - buf));
            return fail(e, 400, "invalid character in field name", (size_t)(p - buf));
        }
        if (p == line)
            return fail(e, 400, "empty field name", (size_t)(p - buf));
        rp_str_t name = rp_str(line, (size_t)(p - line));
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *v = p;
        while (RP__CC(*p, RP__CC_FVAL))
            p++;
        if (*p != '\r')
            return fail(e, 400, *p == '\n' ? "bare LF" : "invalid character in field value",
                        (size_t)(p - buf));
        if (p[1] != '\n')
            return fail(e, 400, "bare CR", (size_t)(p - buf));
        const char *ve = p;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        rp_str_t value = rp_str(v, (size_t)(ve - v));
        p += 2;
        if (f->n >= f->cap)
            return fail(e, 431, "too many header fields", (size_t)(line - buf));
        f->headers[f->n].name = name;
        f->headers[f->n].value = value;
        f->n++;
        if (field_semantics(f, name, value, (size_t)(line - buf), e) < 0)
            return RP_EINVAL;
    }
}

static size_t fields_cap(size_t caller_cap, const rp_http_limits_t *lim)
{
    size_t max = lim->max_headers ? lim->max_headers : DEFAULT_MAX_HEADERS;
    return RP_MIN(caller_cap, max);
}

static void limits_resolve(const rp_http_limits_t *in, rp_http_limits_t *out)
{
    rp_http_limits_default(out);
    if (in) {
        if (in->max_request_line)
            out->max_request_line = in->max_request_line;
        if (in->max_header_bytes)
            out->max_header_bytes = in->max_header_bytes;
        if (in->max_headers)
            out->max_headers = in->max_headers;
    }
}

/* "HTTP/" DIGIT "." DIGIT at p with at least 8 bytes available. */
static int version_shape(const char *p)
{
    return memcmp(p, "HTTP/", 5) == 0 && RP__CC(p[5], RP__CC_DIGIT) && p[6] == '.' &&
           RP__CC(p[7], RP__CC_DIGIT);
}

/* ---------------------------------------------------------------------- */
/* Requests.                                                                */

static int reqfail(rp_http_request_t *req, const perr_t *e)
{
    req->error_status = e->status;
    req->error = e->why;
    req->error_pos = e->pos;
    return RP_EINVAL;
}

static int reqerr(rp_http_request_t *req, int status, const char *why, size_t pos)
{
    perr_t e = { status, why, pos };
    return reqfail(req, &e);
}

static int scheme_is(rp_str_t t, const char *lit, size_t n)
{
    return t.n >= n && rp__http_ieq_lit(rp_str(t.p, n), lit, n);
}

/* Splits a target path into path and query. */
static void split_query(const char *p, size_t n, rp_http_request_t *req)
{
    const char *q = memchr(p, '?', n);
    if (q) {
        req->path = rp_str(p, (size_t)(q - p));
        req->query = rp_str(q + 1, n - (size_t)(q - p) - 1);
    } else {
        req->path = rp_str(p, n);
        req->query = rp_str(p + n, 0);
    }
}

/* Classifies the request-target (RFC 9112 3.2). Returns 0 or RP_EINVAL. */
static int parse_target(rp_http_request_t *req, rp_str_t *authority, size_t tpos, perr_t *e)
{
    rp_str_t t = req->target;
    *authority = RP_STR_NULL;
    if (rp_str_eq(req->method, RP_STRLIT("CONNECT")))
        return fail(e, 501, "CONNECT is not supported", 0);
    if (t.p[0] == '/') {
        split_query(t.p, t.n, req);
        return 0;
    }
    if (t.n == 1 && t.p[0] == '*') {
        if (!rp_str_eq(req->method, RP_STRLIT("OPTIONS")))
            return fail(e, 400, "asterisk-form is only for OPTIONS", tpos);
        req->path = t;
        req->query = rp_str(t.p + 1, 0);
        return 0;
    }
    size_t skip;
    if (scheme_is(t, "http://", 7))
        skip = 7;
    else if (scheme_is(t, "https://", 8))
        skip = 8;
    else
        return fail(e, 400, "invalid request target", tpos);
    const char *a = t.p + skip, *te = t.p + t.n, *s = a;
    while (s < te && *s != '/' && *s != '?')
        s++;
    *authority = rp_str(a, (size_t)(s - a));
    if (!host_valid(*authority))
        return fail(e, 400, "invalid authority in absolute-form target", tpos + skip);
    if (s == te || *s == '?') {
        /* "http://h" or "http://h?q": the path is "/" (a static slice). */
        req->path = RP_STRLIT("/");
        req->query = s == te ? rp_str(te, 0) : rp_str(s + 1, (size_t)(te - s - 1));
    } else {
        split_query(s, (size_t)(te - s), req);
    }
    return 0;
}

/*
 * Request line [start, eol]: method SP target SP version CRLF. Fills
 * method, target, path, query, minor_version, and host when the target is
 * in absolute-form. Returns 0 or RP_EINVAL.
 */
static int request_line(const char *buf, size_t start, size_t eol, void *out, perr_t *e)
{
    rp_http_request_t *req = out;
    /* The loops stop at the CR at eol - 1 at the latest. */
    const char *p = buf + start, *m = p;
    while (RP__CC(*p, RP__CC_TCHAR))
        p++;
    if (p == m || *p != ' ')
        return fail(e, 400, "invalid method", (size_t)(p - buf));
    req->method = rp_str(m, (size_t)(p - m));
    const char *t = ++p;
    while (RP__CC(*p, RP__CC_TARGET))
        p++;
    if (p == t)
        return fail(e, 400, "empty or invalid request target", (size_t)(p - buf));
    if (*p != ' ')
        return fail(e, 400,
                    (size_t)(p - buf) == eol - 1 ? "missing HTTP version (HTTP/0.9 is not supported)"
                                                 : "invalid character in request target",
                    (size_t)(p - buf));
    req->target = rp_str(t, (size_t)(p - t));
    p++;
    size_t rem = eol + 1 - (size_t)(p - buf); /* version + CRLF */
    if (rem != 10 || !version_shape(p))
        return fail(e, 400, "invalid HTTP version", (size_t)(p - buf));
    if (p[5] != '1' || (p[7] != '0' && p[7] != '1'))
        return fail(e, 505, "HTTP version not supported", (size_t)(p - buf));
    req->minor_version = p[7] - '0';
    rp_str_t authority;
    if (parse_target(req, &authority, (size_t)(t - buf), e) < 0)
        return RP_EINVAL;
    req->host = authority;
    return 0;
}

int rp_http_parse_request(const char *buf, size_t len, rp_http_request_t *req,
                          const rp_http_limits_t *lim_in, size_t *scan)
{
    rp_http_limits_t lim;
    perr_t e = { 0, NULL, 0 };
    size_t start, end;
    size_t cap = req->num_headers;
    limits_resolve(lim_in, &lim);

    req->num_headers = 0;
    req->method = req->target = req->path = req->query = req->host = RP_STR_NULL;
    req->minor_version = 0;
    req->flags = 0;
    req->content_length = 0;
    req->keep_alive = 0;
    req->error_status = 0;
    req->error = NULL;
    req->error_pos = 0;

    scan_cfg_t cfg = { lim.max_request_line, lim.max_header_bytes, MAX_LEADING_CRLF, 414, 431,
                       "request line too long", request_line, req, 0, 0 };
    int r = find_head(buf, len, scan, &cfg, &start, &end, &e);
    if (r == RP_EAGAIN) {
        req->num_headers = cap; /* the caller retries with the same struct */
        return RP_EAGAIN;
    }
    if (r < 0)
        return reqfail(req, &e);
    /* The first line was checked by an earlier call: fill the fields again
     * (it passed then, so it passes now). */
    const char *eol = cfg.line_checked ? buf + cfg.eol : memchr(buf + start, '\n', end - start);
    RP_BUG_ON(eol == NULL);
    if (!cfg.line_checked && request_line(buf, start, (size_t)(eol - buf), req, &e) < 0)
        return reqfail(req, &e);
    const char *p = eol + 1;
    rp_str_t authority = req->host;

    fields_t f;
    memset(&f, 0, sizeof(f));
    f.headers = req->headers;
    f.cap = fields_cap(cap, &lim);
    f.is_request = 1;
    if (parse_fields(buf, p, end, &f, &e) < 0) {
        req->num_headers = f.n;
        return reqfail(req, &e);
    }
    req->num_headers = f.n;
    req->flags = f.flags;
    req->content_length = f.cl;

    if (f.nhost == 0 && req->minor_version == 1)
        return reqerr(req, 400, "missing Host", start);
    req->host = authority.p ? authority : f.host;
    if (f.te) {
        if (req->minor_version == 0)
            return reqerr(req, 400, "Transfer-Encoding in an HTTP/1.0 request", start);
        if (f.flags & RP_HTTP_F_HAS_CL)
            return reqerr(req, 400, "both Content-Length and Transfer-Encoding", start);
    }
    /* A body on GET/HEAD has no defined semantics; a server that ignores
     * it reads the body as the next request (desync corpus: ambiguous).
     * Content-Length: 0 is harmless and allowed. */
    if ((f.te || f.cl > 0) &&
        (rp_str_eq(req->method, RP_STRLIT("GET")) || rp_str_eq(req->method, RP_STRLIT("HEAD"))))
        return reqerr(req, 400, "body on a GET or HEAD request", start);
    /* RFC 9110 10.1.1: a 100-continue expectation in HTTP/1.0 is ignored. */
    if (req->minor_version == 0)
        req->flags &= ~(unsigned)RP_HTTP_F_EXPECT_CONTINUE;
    if (req->flags & RP_HTTP_F_CONN_CLOSE)
        req->keep_alive = 0;
    else
        req->keep_alive = req->minor_version == 1 || (req->flags & RP_HTTP_F_CONN_KEEPALIVE) != 0;
    return (int)end;
}

/* ---------------------------------------------------------------------- */
/* Responses.                                                               */

static int resfail(rp_http_response_t *res, const perr_t *e)
{
    res->error_status = 502;
    res->error = e->why;
    res->error_pos = e->pos;
    return RP_EINVAL;
}

static int reserr(rp_http_response_t *res, const char *why, size_t pos)
{
    perr_t e = { 502, why, pos };
    return resfail(res, &e);
}

/*
 * Status line [start, eol]: HTTP/1.x SP 3DIGIT [SP reason] CRLF. The only
 * leniency: "HTTP/1.1 200\r\n" (no SP before an empty reason).
 */
static int status_line(const char *buf, size_t start, size_t eol, void *out, perr_t *e)
{
    rp_http_response_t *res = out;
    const char *p = buf + start;
    if (eol + 1 - start < 14 || !version_shape(p) || p[8] != ' ')
        return fail(e, 502, "invalid status line", start);
    if (p[5] != '1' || (p[7] != '0' && p[7] != '1'))
        return fail(e, 502, "unsupported HTTP version", start);
    res->minor_version = p[7] - '0';
    p += 9;
    if (!RP__CC(p[0], RP__CC_DIGIT) || !RP__CC(p[1], RP__CC_DIGIT) || !RP__CC(p[2], RP__CC_DIGIT) ||
        p[0] == '0')
        return fail(e, 502, "invalid status code", (size_t)(p - buf));
    res->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    p += 3;
    if (*p == ' ') {
        const char *rs = ++p;
        while (RP__CC(*p, RP__CC_FVAL))
            p++;
        res->reason = rp_str(rs, (size_t)(p - rs));
    } else {
        res->reason = rp_str(p, 0);
    }
    if ((size_t)(p - buf) != eol - 1)
        return fail(e, 502, "invalid status line", (size_t)(p - buf));
    return 0;
}

int rp_http_parse_response(const char *buf, size_t len, rp_http_response_t *res,
                           const rp_http_limits_t *lim_in, size_t *scan)
{
    rp_http_limits_t lim;
    perr_t e = { 0, NULL, 0 };
    size_t start, end;
    size_t cap = res->num_headers;
    limits_resolve(lim_in, &lim);

    res->num_headers = 0;
    res->reason = RP_STR_NULL;
    res->status = res->minor_version = 0;
    res->flags = 0;
    res->content_length = 0;
    res->keep_alive = 0;
    res->error_status = 0;
    res->error = NULL;
    res->error_pos = 0;

    scan_cfg_t cfg = { lim.max_request_line, lim.max_header_bytes, 0, 502, 502,
                       "status line too long", status_line, res, 0, 0 };
    int r = find_head(buf, len, scan, &cfg, &start, &end, &e);
    if (r == RP_EAGAIN) {
        res->num_headers = cap;
        return RP_EAGAIN;
    }
    if (r < 0)
        return resfail(res, &e);
    const char *eol = cfg.line_checked ? buf + cfg.eol : memchr(buf + start, '\n', end - start);
    RP_BUG_ON(eol == NULL);
    if (!cfg.line_checked && status_line(buf, start, (size_t)(eol - buf), res, &e) < 0)
        return resfail(res, &e);
    const char *p = eol + 1;

    fields_t f;
    memset(&f, 0, sizeof(f));
    f.headers = res->headers;
    f.cap = fields_cap(cap, &lim);
    if (parse_fields(buf, p, end, &f, &e) < 0) {
        res->num_headers = f.n;
        return resfail(res, &e);
    }
    res->num_headers = f.n;
    res->flags = f.flags;
    res->content_length = f.cl;
    if (f.te) {
        if (res->minor_version == 0)
            return reserr(res, "Transfer-Encoding in an HTTP/1.0 response", start);
        if (f.flags & RP_HTTP_F_HAS_CL)
            return reserr(res, "both Content-Length and Transfer-Encoding", start);
    }
    if (res->flags & RP_HTTP_F_CONN_CLOSE)
        res->keep_alive = 0;
    else
        res->keep_alive = res->minor_version == 1 || (res->flags & RP_HTTP_F_CONN_KEEPALIVE) != 0;
    return (int)end;
}
