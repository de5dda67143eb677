/*
 * rampart/http.h - strict, incremental, zero-copy HTTP/1.1 parsing.
 *
 * The parsers never allocate: the caller owns the header array and every
 * rp_str_t in the results points into the caller's input buffer, so the
 * buffer must stay put while the results are used.
 *
 * Return convention (all parse functions):
 *   > 0   bytes consumed (the whole header block, CRLFCRLF included)
 *   -2    (RP_EAGAIN) need more input; call again with the same buffer
 *         grown, passing the same *state so the scan resumes where it was
 *   -1    (RP_EINVAL) malformed or refused: see out->error_status (400, 414,
 *         431, 501, 505) and out->error (a static, loggable reason) and
 *         out->error_pos (offset of the offending byte)
 *
 * What is refused (never forwarded, so a proxy cannot be desynchronised):
 * both Content-Length and Transfer-Encoding; several Content-Length values
 * that differ (identical duplicates are folded into one); a
 * Transfer-Encoding whose final coding is not chunked, or with any coding
 * other than chunked (we do not decode gzip transfer-codings); chunked
 * given twice; obs-fold (a header line starting with SP/HTAB); whitespace
 * between field name and colon; empty field names; control characters or
 * non-tchar bytes in names; control characters other than HTAB in values
 * (obs-text 0x80-0xff is allowed in values); a bare LF or bare CR where
 * CRLF is required; a request line that is not exactly
 * "METHOD SP TARGET SP HTTP/1.x CRLF"; HTTP/0.9 (no version) and versions
 * other than HTTP/1.0 and HTTP/1.1 (505); a missing Host in HTTP/1.1, more
 * than one Host; targets with control characters, spaces or bytes >= 0x7f.
 *
 * Also refused (400), being ambiguous between implementations:
 * Content-Length that is not 1*DIGIT or exceeds 2^63-1, including lists
 * ("5, 5"); Transfer-Encoding in an HTTP/1.0 message; a body (CL > 0 or
 * TE) on GET or HEAD; field names that equal Content-Length or
 * Transfer-Encoding once case, '-' and '_' are ignored but are spelled
 * otherwise ("Content_Length", "Transfer--Encoding"); an empty Host, or a
 * Host/absolute-form authority that is not reg-name [":" port] with
 * reg-name limited to ALPHA DIGIT "-._~" (or an IP-literal "[...]",
 * port <= 65535; userinfo "@" is refused); CONNECT (501: we are not a
 * forward proxy); a request-target other than origin-form "/...",
 * absolute-form "http(s)://authority[/path][?query]" or "*" for OPTIONS.
 * Up to 4 empty lines (CRLF) before a request line are skipped and
 * included in the consumed count; a 5th is refused.
 *
 * Limits: max_request_line counts the request line without its CRLF; it
 * is enforced as soon as the buffered bytes prove it exceeded (414 before
 * the head is complete). max_header_bytes counts the head from the request
 * line to the final CRLFCRLF inclusive (431 as soon as that many bytes
 * hold no end). Field count above min(max_headers, caller capacity): 431.
 * A zero field in the limits struct means its default.
 *
 * The request (status) line is validated as soon as its CRLF arrives, so
 * "GET /\r\n" or "GET / HTTP/2.0\r\n" is refused without waiting for an
 * empty line. On RP_EAGAIN, num_headers is left as the caller's capacity so the same
 * struct can be passed again. On -1, error_pos is an offset into buf and
 * error a static string. The verdict never depends on how the input was
 * split across calls.
 */
#ifndef RAMPART_HTTP_H
#define RAMPART_HTTP_H

#include "rampart/core.h"

typedef struct rp_http_header {
    rp_str_t name;
    rp_str_t value; /* leading/trailing SP/HTAB stripped */
} rp_http_header_t;

typedef struct rp_http_limits {
    size_t max_request_line;  /* longer request line: 414 (default 8192) */
    size_t max_header_bytes;  /* longer header block: 431 (default 32768) */
    size_t max_headers;       /* more fields: 431 (default 100; bounded by caller's array) */
} rp_http_limits_t;

void rp_http_limits_default(rp_http_limits_t *lim);

/* Framing flags derived while parsing. */
enum {
    RP_HTTP_F_CHUNKED = 1u << 0,        /* Transfer-Encoding: chunked */
    RP_HTTP_F_HAS_CL = 1u << 1,         /* Content-Length present */
    RP_HTTP_F_CONN_CLOSE = 1u << 2,     /* Connection: close */
    RP_HTTP_F_CONN_KEEPALIVE = 1u << 3, /* Connection: keep-alive */
    RP_HTTP_F_EXPECT_CONTINUE = 1u << 4,/* Expect: 100-continue (HTTP/1.1 requests;
                                         * other Expect values leave it unset) */
    RP_HTTP_F_UPGRADE = 1u << 5,        /* Upgrade header present */
    RP_HTTP_F_CONN_TOKENS = 1u << 6,    /* Connection lists other field names */
};

typedef struct rp_http_request {
    rp_str_t method;
    rp_str_t target;   /* request-target as sent */
    rp_str_t path;     /* target up to '?' (absolute-form: the path part, or a
                        * static "/" when the target has none); "*" for
                        * asterisk-form */
    rp_str_t query;    /* after '?', without it; empty if none */
    rp_str_t host;     /* Host header value (or authority of absolute-form,
                        * which wins); empty only in HTTP/1.0 without Host */
    int minor_version; /* 0 or 1 */
    rp_http_header_t *headers; /* in: caller's array; out: filled */
    size_t num_headers;        /* in: capacity; out: count */
    uint64_t content_length;   /* valid when RP_HTTP_F_HAS_CL */
    unsigned flags;            /* RP_HTTP_F_* */
    int keep_alive;            /* after version and Connection rules */
    /* Error details when the parser returns -1. */
    int error_status;
    const char *error;
    size_t error_pos;
} rp_http_request_t;

typedef struct rp_http_response {
    int minor_version;
    int status;        /* 100..999 */
    rp_str_t reason;
    rp_http_header_t *headers;
    size_t num_headers;
    uint64_t content_length;
    unsigned flags;
    int keep_alive;
    int error_status;  /* 502 for any malformed upstream response */
    const char *error;
    size_t error_pos;
} rp_http_response_t;

/*
 * Parses a request head from buf[0..len). *scan is resume state: set it to
 * 0 before the first call for a message and pass it back unchanged on each
 * retry; it records how far the search for the end of the head has got so
 * a retry does not rescan. Limits may be NULL (defaults).
 */
int rp_http_parse_request(const char *buf, size_t len, rp_http_request_t *req,
                          const rp_http_limits_t *lim, size_t *scan);

/* Parses a response head (status line + fields). Same conventions; a
 * malformed response sets error_status 502. The status line is
 * "HTTP/1.x SP 3DIGIT SP reason CRLF"; the one leniency is that
 * "HTTP/1.1 204\r\n" (no SP before an empty reason) is accepted. No empty
 * lines are skipped before it; both CL and TE, TE in HTTP/1.0 and TE other
 * than chunked are refused (502) rather than resolved. Host is not
 * required. max_request_line bounds the status line. */
int rp_http_parse_response(const char *buf, size_t len, rp_http_response_t *res,
                           const rp_http_limits_t *lim, size_t *scan);

/*
 * Whether a response to `method` with `status` carries a body (RFC 9112
 * 6.3): no for HEAD, 1xx, 204, 304; yes otherwise.
 */
int rp_http_response_has_body(rp_str_t method, int status);

/* Method is "safe or idempotent" (GET HEAD OPTIONS TRACE PUT DELETE). */
int rp_http_method_idempotent(rp_str_t method);

/* 1 if c is a tchar (RFC 9110 5.6.2). */
int rp_http_is_tchar(unsigned char c);

/* Hop-by-hop header names that a proxy never forwards: Connection,
 * Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade
 * (RFC 9110 7.6.1). Case-insensitive. Names listed in Connection are
 * hop-by-hop too; the proxy checks those itself. */
int rp_http_is_hop_by_hop(rp_str_t name);

/* ---------------------------------------------------------------------- */
/* Chunked transfer-coding decoder (incremental, zero-copy).                */

typedef struct rp_http_chunked {
    int state;             /* internal */
    uint64_t remaining;    /* bytes left in the current chunk's data */
    size_t line_len;       /* bytes of the current size/trailer line seen */
    size_t trailer_bytes;  /* total trailer section bytes seen */
    size_t max_trailer_bytes; /* 0: default 8192 */
    size_t max_chunk_ext;     /* 0: default 1024 */
    const char *error;
} rp_http_chunked_t;

void rp_http_chunked_init(rp_http_chunked_t *c);

/*
 * Feeds buf[0..len). Consumes framing and stops at the next piece of chunk
 * data, at a trailer field line, or at the end of the message:
 *
 *   returns RP_HTTP_CHUNK_DATA     *data = next data bytes (points into
 *                                  buf), *consumed includes them
 *   returns RP_HTTP_CHUNK_TRAILER  *data = one complete trailer field line
 *                                  without its CRLF, validated as a field
 *   returns RP_HTTP_CHUNK_DONE     the final CRLF was consumed; the message
 *                                  ends at buf + *consumed
 *   returns RP_EAGAIN (-2)         more is needed. *consumed == len, except
 *                                  while a trailer field line is incomplete:
 *                                  then *consumed stops at the start of that
 *                                  line and the caller must present the
 *                                  unconsumed bytes again, followed by more
 *                                  input (so: on -2, read more; do not retry
 *                                  with the same bytes, which loops)
 *   returns RP_EINVAL (-1)         malformed: c->error says why (bad hex,
 *                                  size overflow, missing CRLF after data,
 *                                  bare LF, over-long extension or trailer,
 *                                  invalid trailer field)
 *
 * Chunk sizes are hex digits only (no sign, no 0x, no leading/trailing
 * whitespace); at most 16 hex digits and below 2^63; chunk extensions
 * (";name=value" with token/quoted-string syntax, BWS allowed around ';'
 * and '=') are validated and skipped. Trailer bytes (lines + CRLFs, the
 * final CRLF included) are bounded by max_trailer_bytes, the extension
 * bytes of one size line by max_chunk_ext. DONE and -1 are sticky: later
 * calls return them again with *consumed == 0.
 */
enum { RP_HTTP_CHUNK_DATA = 1, RP_HTTP_CHUNK_TRAILER = 2, RP_HTTP_CHUNK_DONE = 3 };
int rp_http_chunked_next(rp_http_chunked_t *c, const char *buf, size_t len,
                         size_t *consumed, rp_str_t *data);

#endif /* RAMPART_HTTP_H */
