/*
 * decode_int.h - private interfaces of the request decoders (json.c,
 * decode.c, form.c, multipart.c, xml.c, points.c), shared by those files,
 * their unit tests and fuzzers. The engine (waf.c) only needs waf_int.h.
 *
 * Conventions: every function takes untrusted bytes as (pointer, length),
 * reads nothing past the length, allocates nothing unless it is given an
 * arena, and makes progress on every step of its loops. Decoders that write
 * into `out` never write more bytes than they read, so `out` may be the
 * input itself (in-place decoding), which points.c relies on.
 */
#ifndef RAMPART_WAF_DECODE_INT_H
#define RAMPART_WAF_DECODE_INT_H

#include "rampart/core.h"
#include "waf/waf_int.h"

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* UTF-8 (decode.c).                                                        */

#define RP__UTF8_REPLACEMENT 0xFFFDu

/* Writes code point cp (<= 0x10FFFF, not a surrogate: the caller maps
 * those to U+FFFD) as UTF-8 into out (4 bytes room); returns the length. */
static inline size_t rp__utf8_put(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* rp__utf8_check() result bits. */
enum {
    RP__UTF8_INVALID = 1u << 0,  /* a byte sequence that is not UTF-8 */
    RP__UTF8_OVERLONG = 1u << 1, /* overlong forms (C0 AF for '/'): rp__utf8_unoverlong folds them */
};

/* 0 when s is valid UTF-8, else RP__UTF8_* bits. Overlong forms and
 * encoded surrogates count as INVALID too; OVERLONG says some of them can
 * be rewritten. */
unsigned rp__utf8_check(const char *s, size_t n);

/* Rewrites overlong 2/3/4-byte forms (with valid continuation bytes) as
 * the shortest form of the same code point (the IIS "%c0%af" trick);
 * other bytes are copied. out: n bytes, may be s. */
size_t rp__utf8_unoverlong(const char *s, size_t n, char *out);

/* rp__pct_decode() that also reports malformed escapes ('%' not followed
 * by two hex digits or 'u' and four) in *bad. */
size_t rp__pct_decode_ex(const char *s, size_t n, char *out, int plus_space, int *changed,
                         int *bad);

/* rp__scan_specials() bits: which decoders a value may need. */
enum {
    RP__SB_PCT = 1u << 0,   /* '%' */
    RP__SB_AMP = 1u << 1,   /* '&' */
    RP__SB_BSL = 1u << 2,   /* '\\' */
    RP__SB_PLUS = 1u << 3,  /* '+' */
    RP__SB_HIGH = 1u << 4,  /* a byte >= 0x80 */
    RP__SB_EQ = 1u << 5,    /* '=' */
};

/* RP__SB_* for the bytes s contains. Most values contain none: SSE2 (or
 * eight bytes at a time without it) says so, and only values that have
 * some are looked at byte by byte. rp__scan_specials_scalar() is the
 * portable path, for tests comparing both. */
unsigned rp__scan_specials(const char *s, size_t n);
unsigned rp__scan_specials_scalar(const char *s, size_t n);

/* rp__base64_plausible() (waf_int.h) without SSE2, for tests comparing
 * both paths. */
int rp__base64_plausible_scalar(const char *s, size_t n);

/* 1 when s starts like a gzip member (1f 8b 08) or a zlib stream. */
int rp__looks_compressed(const char *s, size_t n);

/* ---------------------------------------------------------------------- */
/* Forms, query strings, cookies (form.c).                                  */

typedef struct rp__kv {
    rp_str_t key;    /* raw, still encoded */
    rp_str_t value;  /* raw; for cookies without the surrounding quotes */
    rp_str_t vraw;   /* the value as written (cookies: with the quotes) */
    rp_str_t raw;    /* the whole pair as it appears ("a=b", "c=\"d\"") */
    int has_eq;      /* 0 for "flag" without '=' */
} rp__kv_t;

/* Next pair of a query string or x-www-form-urlencoded body: pairs are
 * separated by '&' (and ';' when semicolon); empty pairs are skipped.
 * Returns 1 with *kv filled, 0 at the end. *pos starts at 0. */
int rp__form_next(rp_str_t s, size_t *pos, int semicolon, rp__kv_t *kv);

/* Next cookie of a Cookie header value ("a=b; c=d", ';' separated,
 * blanks around pairs ignored, "quoted" values unquoted). */
int rp__cookie_next(rp_str_t s, size_t *pos, rp__kv_t *kv);

/* 1 when s looks like an urlencoded form ("a=b&c=d", "x=1"): every pair
 * has a non-empty name made of URL-safe name characters, and at least one
 * pair has '='. Used to sniff bodies and string values. */
int rp__form_plausible(const char *s, size_t n);

/* Turns a decoded parameter name into its point-path form: "a[b][c]" ->
 * "a.b.c", "a[]" -> "a[]", "a[b][]" -> "a.b[]"; anything that is not
 * bracket syntax is kept as it is. Writes at most cap bytes; returns the
 * length written. */
size_t rp__form_name_path(const char *name, size_t n, char *out, size_t cap);

/* ---------------------------------------------------------------------- */
/* multipart/form-data (multipart.c).                                       */

#define RP__MP_BOUNDARY_MAX 200

/* Part flags. */
enum {
    RP__MP_TRUNCATED = 1u << 0,   /* the body ended inside this part */
    RP__MP_BAD_HEADERS = 1u << 1, /* header block malformed or unterminated */
    RP__MP_NO_NAME = 1u << 2,     /* no Content-Disposition name */
};

typedef struct rp__mp_part {
    rp_str_t name;           /* Content-Disposition name (raw, unquoted) */
    rp_str_t filename;       /* filename="..." (raw) */
    rp_str_t filename_star;  /* filename*=charset'lang'value: the value part, still %-encoded */
    rp_str_t ctype;          /* the part's Content-Type value, or empty */
    rp_str_t headers;        /* the part's header block */
    rp_str_t body;           /* the part's content */
    int has_filename;        /* filename or filename* present */
    unsigned flags;          /* RP__MP_* */
} rp__mp_part_t;

/* Global anomalies (rp__multipart_t.anomalies). */
enum {
    RP__MP_NO_DELIMITER = 1u << 0, /* no opening boundary line at all */
    RP__MP_NO_CLOSE = 1u << 1,     /* ended without the closing delimiter */
    RP__MP_JUNK = 1u << 2,         /* text after a delimiter on its line */
    RP__MP_PREAMBLE = 1u << 3,     /* non-blank preamble or epilogue */
};

typedef struct rp__multipart {
    const char *p;
    size_t n, pos;
    char dash[2 + RP__MP_BOUNDARY_MAX];  /* "--" boundary */
    size_t dashn;
    int state;               /* 0 before the first delimiter, 1 in parts, 2 done */
    rp_str_t preamble, epilogue;
    unsigned anomalies;      /* RP__MP_* (global) */
} rp__multipart_t;

/* Extracts the boundary parameter of a multipart Content-Type value.
 * Returns 0, or -1 when there is none or it is longer than
 * RP__MP_BOUNDARY_MAX. */
int rp__multipart_boundary(rp_str_t content_type, rp_str_t *boundary);

/* Starts iterating body with the given boundary (1..RP__MP_BOUNDARY_MAX
 * bytes, checked by the caller through rp__multipart_boundary). */
void rp__multipart_init(rp__multipart_t *m, rp_str_t boundary, rp_str_t body);

/* Next part: 1 with *part filled, 0 when there are no more (m->anomalies
 * and the preamble/epilogue then say what was odd). */
int rp__multipart_next(rp__multipart_t *m, rp__mp_part_t *part);

/* Value of parameter `name` (case-insensitive) in a header value of the
 * form "token; a=b; c=\"d\"". Returns 1 when found. */
int rp__header_param(rp_str_t hv, rp_str_t name, rp_str_t *value);

/* ---------------------------------------------------------------------- */
/* XML through expat (xml.c).                                               */

typedef enum rp__xml_event {
    RP__XML_TEXT = 0,  /* element text: path "order/item" */
    RP__XML_ATTR,      /* attribute: path "order/item@id" */
    RP__XML_PI,        /* processing instruction: path "?target", value its data */
    RP__XML_DOCTYPE,   /* the DOCTYPE declaration: path "!doctype", value its text */
    RP__XML_ENTITY,    /* an entity declaration: path "!entity.name", value its text */
} rp__xml_event_t;

/* path: relative (no "body.xml." prefix). raw: the bytes in the input
 * when known (leaf element text, declarations), else equal to value.
 * value: valid only during the call. Return non-zero to stop. */
typedef int (*rp__xml_cb)(void *ud, rp__xml_event_t ev, rp_str_t path, rp_str_t raw,
                          rp_str_t value);

/* Parses an XML document without loading or expanding any entity (the
 * DOCTYPE and entity declarations are reported as events, references in
 * text are kept as "&name;"). Element nesting beyond max_depth stops the
 * parse. Returns 0, -1 malformed (*err_pos: byte offset), -2 too deep,
 * -3 stopped by the callback, -4 out of memory. */
int rp__xml_parse(const char *s, size_t n, size_t max_depth, size_t max_text, rp__xml_cb cb,
                  void *ud, size_t *err_pos);

#endif /* RAMPART_WAF_DECODE_INT_H */
