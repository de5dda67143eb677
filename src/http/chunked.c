/*
 * Chunked transfer-coding decoder (RFC 9112 7.1), incremental, zero-copy.
 *
 * A byte-at-a-time state machine for the framing (size lines, extensions,
 * CRLFs), which is small, and a bulk path for chunk data, which is not:
 * data is returned as a slice of the caller's buffer without copying.
 * The machine can stop and resume at any byte boundary, so splitting the
 * input anywhere yields the same data bytes and the same verdict (the fuzz
 * target checks this), with one exception the caller must know about:
 *
 *   A trailer field line is returned whole, as one slice. While a trailer
 *   line is incomplete the decoder returns RP_EAGAIN with *consumed
 *   pointing at the start of that line (so *consumed < len); the caller
 *   must keep the unconsumed bytes and present them again, followed by
 *   more input. line_len remembers how far the line was searched.
 *
 * Grammar accepted (strict):
 *   chunk      = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-size = 1*16HEXDIG, value < 2^63 (no sign, no "0x", no whitespace
 *                before it; whitespace after it only as BWS before ';')
 *   chunk-ext  = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )
 *   last-chunk = 1*"0" [ chunk-ext ] CRLF
 *   trailer    = *( field-line CRLF ) CRLF
 */
#include "http/http_int.h"

#define DEFAULT_MAX_TRAILER 8192
#define DEFAULT_MAX_EXT 1024
#define MAX_SIZE_DIGITS 16

enum {
    CS_SIZE0 = 0,     /* first hex digit of a chunk size */
    CS_SIZE,          /* further hex digits */
    CS_SEMI_WS,       /* BWS before ';' */
    CS_EXT_NAME0,     /* after ';': BWS then a token */
    CS_EXT_NAME,      /* inside the extension name */
    CS_EXT_NAME_WS,   /* BWS after the name: '=' or ';' next */
    CS_EXT_VAL0,      /* after '=': BWS then token or quoted-string */
    CS_EXT_VAL_TOK,   /* token value */
    CS_EXT_VAL_Q,     /* quoted-string value */
    CS_EXT_VAL_QESC,  /* after a backslash in a quoted-string */
    CS_EXT_VAL_END,   /* after the closing quote */
    CS_SIZE_LF,       /* after the CR ending the size line */
    CS_DATA,          /* chunk data, `remaining` bytes left */
    CS_DATA_CR,       /* CRLF after chunk data */
    CS_DATA_LF,
    CS_TRAILER,       /* at the start of a trailer line or the final CRLF */
    CS_END_LF,        /* after the CR of the final empty line */
    CS_DONE,
    CS_ERROR,
};

void rp_http_chunked_init(rp_http_chunked_t *c)
{
    memset(c, 0, sizeof(*c));
    c->state = CS_SIZE0;
}

static int hexval(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch |= 0x20;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

static int cerr(rp_http_chunked_t *c, const char *why)
{
    c->state = CS_ERROR;
    c->error = why;
    return RP_EINVAL;
}

static int go(rp_http_chunked_t *c, int state)
{
    c->state = state;
    return 0;
}

/* qdtext / quoted-pair second byte: HTAB, SP, VCHAR except '"' '\\', obs-text. */
static int is_qdtext(unsigned char ch)
{
    return RP__CC(ch, RP__CC_FVAL) && ch != '"' && ch != '\\';
}

/* Handles a byte of the size line after the digits. Returns 0 or -1. */
static int ext_byte(rp_http_chunked_t *c, unsigned char ch, size_t max_ext)
{
    int ws = ch == ' ' || ch == '\t';
    if (ch == '\n')
        return cerr(c, "bare LF in chunk size line");
    if (++c->line_len > max_ext)
        return cerr(c, "chunk extension too long");
    switch (c->state) {
    case CS_SEMI_WS:
        if (ws)
            return 0;
        if (ch == ';')
            return go(c, CS_EXT_NAME0);
        return cerr(c, "invalid chunk size");
    case CS_EXT_NAME0:
        if (ws)
            return 0;
        if (RP__CC(ch, RP__CC_TCHAR))
            return go(c, CS_EXT_NAME);
        return cerr(c, "invalid chunk extension");
    case CS_EXT_NAME:
        if (RP__CC(ch, RP__CC_TCHAR))
            return 0;
        break;
    case CS_EXT_NAME_WS:
        if (ws)
            return 0;
        if (ch == '=')
            return go(c, CS_EXT_VAL0);
        if (ch == ';')
            return go(c, CS_EXT_NAME0);
        return cerr(c, "invalid chunk extension");
    case CS_EXT_VAL0:
        if (ws)
            return 0;
        if (ch == '"')
            return go(c, CS_EXT_VAL_Q);
        if (RP__CC(ch, RP__CC_TCHAR))
            return go(c, CS_EXT_VAL_TOK);
        return cerr(c, "invalid chunk extension");
    case CS_EXT_VAL_TOK:
        if (RP__CC(ch, RP__CC_TCHAR))
            return 0;
        break;
    case CS_EXT_VAL_Q:
        if (ch == '"')
            return go(c, CS_EXT_VAL_END);
        if (ch == '\\')
            return go(c, CS_EXT_VAL_QESC);
        if (is_qdtext(ch))
            return 0;
        return cerr(c, "invalid quoted-string in chunk extension");
    case CS_EXT_VAL_QESC:
        if (RP__CC(ch, RP__CC_FVAL))
            return go(c, CS_EXT_VAL_Q);
        return cerr(c, "invalid quoted-pair in chunk extension");
    case CS_EXT_VAL_END:
        break;
    default:
        RP_BUG_ON(1);
    }
    /* After a name, a token value or a quoted value. */
    if (ch == '\r')
        return go(c, CS_SIZE_LF);
    if (ch == ';')
        return go(c, CS_EXT_NAME0);
    if (ws) {
        c->state = c->state == CS_EXT_NAME ? CS_EXT_NAME_WS : CS_SEMI_WS;
        return 0;
    }
    if (ch == '=' && c->state == CS_EXT_NAME)
        return go(c, CS_EXT_VAL0);
    return cerr(c, "invalid chunk extension");
}

/* The size line ended (LF after CR). Enter data or the trailer section. */
static void size_line_done(rp_http_chunked_t *c)
{
    c->line_len = 0;
    c->state = c->remaining ? CS_DATA : CS_TRAILER;
}

/* A trailer line starting at buf[pos]. See the file comment for the
 * partial-line contract. */
static int trailer_line(rp_http_chunked_t *c, const char *buf, size_t len, size_t pos,
                        size_t max_trailer, size_t *consumed, rp_str_t *data)
{
    size_t from = pos + c->line_len;
    const char *lf = from < len ? memchr(buf + from, '\n', len - from) : NULL;
    if (!lf) {
        if (c->trailer_bytes + (len - pos) > max_trailer)
            return cerr(c, "trailer section too large");
        c->line_len = len - pos;
        *consumed = pos;
        return RP_EAGAIN;
    }
    size_t i = (size_t)(lf - buf);
    if (i == pos || buf[i - 1] != '\r')
        return cerr(c, "bare LF in trailer section");
    size_t n = i - 1 - pos;
    if (c->trailer_bytes + n + 2 > max_trailer)
        return cerr(c, "trailer section too large");
    const char *why;
    size_t bad;
    if (buf[pos] == ' ' || buf[pos] == '\t')
        return cerr(c, "obsolete line folding in trailer section");
    if (rp__http_field_line_check(buf + pos, n, &why, &bad) < 0)
        return cerr(c, why);
    c->trailer_bytes += n + 2;
    c->line_len = 0;
    *data = rp_str(buf + pos, n);
    *consumed = i + 1;
    return RP_HTTP_CHUNK_TRAILER;
}

int rp_http_chunked_next(rp_http_chunked_t *c, const char *buf, size_t len, size_t *consumed,
                         rp_str_t *data)
{
    size_t max_ext = c->max_chunk_ext ? c->max_chunk_ext : DEFAULT_MAX_EXT;
    size_t max_trailer = c->max_trailer_bytes ? c->max_trailer_bytes : DEFAULT_MAX_TRAILER;
    size_t pos = 0;
    *consumed = 0;
    *data = RP_STR_NULL;
    if (c->state == CS_DONE)
        return RP_HTTP_CHUNK_DONE;
    if (c->state == CS_ERROR)
        return RP_EINVAL;

    while (pos < len) {
        unsigned char ch = (unsigned char)buf[pos];
        int d;
        switch (c->state) {
        case CS_DATA: {
            size_t n = len - pos;
            if ((uint64_t)n > c->remaining)
                n = (size_t)c->remaining;
            c->remaining -= n;
            if (c->remaining == 0)
                c->state = CS_DATA_CR;
            *data = rp_str(buf + pos, n);
            *consumed = pos + n;
            return RP_HTTP_CHUNK_DATA;
        }
        case CS_SIZE0:
            if ((d = hexval(ch)) < 0)
                return cerr(c, ch == '\n' ? "bare LF in chunk size line" : "invalid chunk size");
            c->remaining = (uint64_t)d;
            c->line_len = 1;
            c->state = CS_SIZE;
            break;
        case CS_SIZE:
            if ((d = hexval(ch)) >= 0) {
                if (++c->line_len > MAX_SIZE_DIGITS)
                    return cerr(c, "chunk size too long");
                c->remaining = (c->remaining << 4) | (uint64_t)d;
                if (c->remaining > (uint64_t)INT64_MAX)
                    return cerr(c, "chunk size overflow");
                break;
            }
            c->line_len = 0;
            if (ch == '\r') {
                c->state = CS_SIZE_LF;
            } else if (ch == ';') {
                c->state = CS_EXT_NAME0;
            } else if (ch == ' ' || ch == '\t') {
                c->state = CS_SEMI_WS;
            } else {
                return cerr(c, ch == '\n' ? "bare LF in chunk size line" : "invalid chunk size");
            }
            break;
        case CS_SEMI_WS:
        case CS_EXT_NAME0:
        case CS_EXT_NAME:
        case CS_EXT_NAME_WS:
        case CS_EXT_VAL0:
        case CS_EXT_VAL_TOK:
        case CS_EXT_VAL_Q:
        case CS_EXT_VAL_QESC:
        case CS_EXT_VAL_END:
            if (ext_byte(c, ch, max_ext) < 0)
                return RP_EINVAL;
            break;
        case CS_SIZE_LF:
            if (ch != '\n')
                return cerr(c, "bare CR in chunk size line");
            size_line_done(c);
            break;
        case CS_DATA_CR:
            if (ch != '\r')
                return cerr(c, "missing CRLF after chunk data");
            c->state = CS_DATA_LF;
            break;
        case CS_DATA_LF:
            if (ch != '\n')
                return cerr(c, "missing CRLF after chunk data");
            c->state = CS_SIZE0;
            break;
        case CS_TRAILER:
            if (ch == '\r' && c->line_len == 0) {
                if (c->trailer_bytes + 2 > max_trailer)
                    return cerr(c, "trailer section too large");
                c->state = CS_END_LF;
                break;
            }
            return trailer_line(c, buf, len, pos, max_trailer, consumed, data);
        case CS_END_LF:
            if (ch != '\n')
                return cerr(c, "bare CR at the end of the chunked body");
            c->state = CS_DONE;
            *consumed = pos + 1;
            return RP_HTTP_CHUNK_DONE;
        default:
            return cerr(c, "internal state error");
        }
        pos++;
    }
    *consumed = len;
    return RP_EAGAIN;
}
