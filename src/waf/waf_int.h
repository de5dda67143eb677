/*
 * waf_int.h - internals of the detection engine, shared by src/waf only
 * (and by its unit tests, fuzzers and benchmarks).
 *
 *   points.c     request -> points: path segments, query, headers,
 *                cookies, body by content type, recursive decoding
 *   decode.c     percent (incl. %uXXXX), HTML entities, JS escapes,
 *                base64 sniffing, gzip/deflate with a ratio limit
 *   form.c       query strings / urlencoded forms / cookies
 *   json.c       the JSON parser (rampart/json.h), SAX style
 *   multipart.c  multipart/form-data
 *   xml.c        XML through expat, entities never expanded
 *   sqli.c       SQL lexer + injection decision
 *   xss.c        HTML tokenizer + JavaScript context check
 *   cmdi.c       shell lexer: commands after separators and substitutions
 *   traversal.c  path traversal and sensitive files (LFI)
 *   ssrf.c       URLs to internal addresses, dangerous schemes, RFI
 *   jndi.c       Log4Shell lookups, Java deserialization, EL/OGNL
 *   ssti.c       template injection (Jinja, Twig, Freemarker, Velocity, ERB..)
 *   scanner.c    attack tools and scanners: User-Agent products, their
 *                headers, probe markers, out-of-band callback domains
 *   protocol.c   protocol anomalies: odd methods, counts, sizes, NUL
 *                bytes, undecodable values (low-severity findings)
 *   crlf.c       CRLF injection: response splitting, header injection, smuggling
 *   xxe.c        XML external entities, entity expansion, XInclude
 *   confusion.c  request-level: Content-Type/Cookie/mod_proxy parser confusion
 *   nosqli.c     MongoDB operators in keys/brackets/objects, $where JavaScript
 *   ldapi.c      LDAP filter injection: a value that closes (attr=..) and adds
 *   xpath.c      XPath injection: literal breakout, axes, functions over paths
 *   node.c       Node.js/Ruby/Perl code injection, prototype pollution,
 *                data: URIs carrying documents (the PHP data wrapper)
 *   session.c    request-level: session fixation (session-id parameters
 *                from off-site, cookies set from a value)
 *   rfiparam.c   request-level: URLs in parameters known for remote file
 *                inclusion (_CONF[path], mosConfig_absolute_path..)
 *   detect.c     the detector table
 *   waf.c        engine, scratch, inspection, verdict
 *
 * Every parser here takes untrusted bytes: bounded recursion, bounded
 * output, no reads past n, never a loop without progress. Each has a
 * libFuzzer target under tests/fuzz/.
 */
#ifndef RAMPART_WAF_INT_H
#define RAMPART_WAF_INT_H

#include "rampart/core.h"
#include "rampart/waf.h"

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* Detectors.                                                               */

/* A detector's answer for one value. */
typedef struct rp__waf_match {
    int score;                            /* 0: nothing found; else 1..100 */
    size_t off, len;                      /* the matching span in the value (for the excerpt) */
    char evidence[RP_WAF_EVIDENCE_MAX];   /* why, for a human: "fingerprint s&1c (quote ')" */
} rp__waf_match_t;

/* Looks at one decoded value. `pt_flags` are the point's RP_WAF_PT_* and
 * `src` its RP_WAF_SRC_* (a detector may be stricter for some sources).
 * Returns m->score (0 = benign). Must be pure and thread-safe. */
typedef int (*rp__waf_detect_fn)(const char *s, size_t n, unsigned src, unsigned pt_flags,
                                 rp__waf_match_t *m);

typedef struct rp__waf_detector {
    const char *name;                     /* "sqli-lexer" */
    rp_waf_attack_t attack;
    unsigned sources;                     /* RP_WAF_SRC_* it inspects */
    rp__waf_detect_fn detect;
    /* Cheap prefilter: when not NULL, a value containing none of these
     * bytes cannot match and the detector is skipped. */
    const char *trigger_bytes;
} rp__waf_detector_t;

extern const rp__waf_detector_t rp__waf_detectors[];
extern const size_t rp__waf_ndetectors;

/* Request-level detectors (scanner fingerprints, protocol anomalies,
 * GraphQL documents): each sees the request and all its points once,
 * after the per-value detectors, and reports what it finds through
 * rp__waf_report(). Pure and thread-safe like the others. */
typedef struct rp__waf_ctx rp__waf_ctx_t;   /* the inspection in progress (waf.c) */
struct rp__points;
typedef void (*rp__waf_req_fn)(const rp_waf_request_t *req, const struct rp__points *pts,
                               rp__waf_ctx_t *ctx);

typedef struct rp__waf_req_detector {
    const char *name;       /* "scanner-fingerprint" */
    unsigned attacks;       /* bits (1u << rp_waf_attack_t) it may report */
    rp__waf_req_fn check;
} rp__waf_req_detector_t;

extern const rp__waf_req_detector_t rp__waf_req_detectors[];
extern const size_t rp__waf_nreq_detectors;

/* Reports a finding of class `a` on a point: `path` names it (an existing
 * point's path, or a synthetic one: "request.method", "request.params",
 * "body.graphql.depth"), raw/value are what the excerpts show. A class not
 * enabled, or excluded on that path, is dropped here. m->score 1..100. */
void rp__waf_report(rp__waf_ctx_t *ctx, rp_waf_attack_t a, rp_str_t path, rp_str_t raw,
                    rp_str_t value, const rp__waf_match_t *m);

/* sqli.c */
int rp__waf_sqli(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* SQL tokens, exposed for tests and the fuzzer. */
typedef struct rp__sql_token {
    char type;          /* a fingerprint letter: see sqli.c */
    uint32_t pos, len;  /* span in the input */
} rp__sql_token_t;
/* Tokenizes s as if it started in `context` (0: bare, '\'' or '"': inside
 * a string literal opened by the query). Returns the number of tokens
 * written (at most max). */
size_t rp__sql_tokenize(const char *s, size_t n, char context, rp__sql_token_t *out, size_t max);

/* xss.c */
int rp__waf_xss(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

typedef struct rp__html_token {
    char type;          /* see xss.c: 't' tag open, 'c' tag close, 'a' attr name, 'v' attr value, 'x' text, '!' comment/doctype */
    uint32_t pos, len;
} rp__html_token_t;
size_t rp__html_tokenize(const char *s, size_t n, rp__html_token_t *out, size_t max);

/* cmdi.c: OS command injection (sh, cmd.exe, PowerShell) */
int rp__waf_cmdi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);
/* 1 when cmdi.c's command tables are sorted (its lookups are binary searches). */
int rp__cmdi_tables_sorted(void);

/* traversal.c: path traversal above the root, sensitive files (LFI) */
int rp__waf_traversal(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);
/* 1 when traversal.c's sensitive names are grouped by first byte in order. */
int rp__traversal_table_sorted(void);

/* ssrf.c: URLs to internal or metadata addresses, dangerous schemes, RFI */
int rp__waf_ssrf(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* jndi.c: Log4Shell lookups, Java deserialization, EL/OGNL, gadget classes */
int rp__waf_jndi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* ssti.c: template syntax whose expression is code */
int rp__waf_ssti(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* Request-level detectors (rp__waf_req_fn). */
/* scanner.c */
void rp__waf_scanner_check(const rp_waf_request_t *req, const struct rp__points *pts,
                           rp__waf_ctx_t *ctx);
/* protocol.c */
void rp__waf_protocol_check(const rp_waf_request_t *req, const struct rp__points *pts,
                            rp__waf_ctx_t *ctx);

/* The User-Agent tokenizer of scanner.c, exposed for tests and the fuzzer:
 * products ("sqlmap/1.7", name and version) and comment parts ("Nmap
 * Scripting Engine" in "(compatible; Nmap Scripting Engine; ...)"),
 * trimmed. Returns the number of items written (at most max); reads at
 * most the first 4096 bytes. */
enum { RP__UA_PRODUCT = 'p', RP__UA_COMMENT = 'c' };
typedef struct rp__ua_item {
    char kind;           /* RP__UA_PRODUCT or RP__UA_COMMENT */
    uint32_t pos, len;   /* span in the input */
} rp__ua_item_t;
size_t rp__ua_tokenize(const char *s, size_t n, rp__ua_item_t *out, size_t max);
/* A User-Agent value: the score of the tool it names (0: none), evidence
 * "scanner: sqlmap User-Agent", the span of the item. */
int rp__waf_scanner_ua(const char *s, size_t n, rp__waf_match_t *m);
/* crlf.c: CR/LF followed by a header, status line or request line */
int rp__waf_crlf(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* xxe.c: external entities, parameter entities, entity expansion, XInclude */
int rp__waf_xxe(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* confusion.c (request-level, class protocol): a media type in the
 * Content-Type parameters, RFC 2109 $Version cookies, mod_proxy unix: */
void rp__waf_confusion(const rp_waf_request_t *req, const struct rp__points *pts,
                       rp__waf_ctx_t *ctx);
/* nosqli.c: MongoDB query operators where a value was expected, $where JS */
int rp__waf_nosqli(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* ldapi.c: LDAP filter injection (the value closes the assertion) */
int rp__waf_ldapi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* xpath.c: XPath injection (literal breakout, axis steps, functions over paths) */
int rp__waf_xpath(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* node.c: server-side JavaScript/Ruby/Perl code (class code), prototype
 * pollution (class prototype), data: URIs with documents (class rfi_ssrf) */
int rp__waf_code(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);
int rp__waf_proto(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);
int rp__waf_datauri(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* session.c (request-level, class session_fixation) */
void rp__waf_session(const rp_waf_request_t *req, const struct rp__points *pts,
                     rp__waf_ctx_t *ctx);
/* rfiparam.c (request-level, class rfi_ssrf) */
void rp__waf_rfi_params(const rp_waf_request_t *req, const struct rp__points *pts,
                        rp__waf_ctx_t *ctx);

/* ---------------------------------------------------------------------- */
/* Decoders (decode.c). Each writes at most the stated size into out and
 * returns the length written.                                              */

/* %XX and %uXXXX (as UTF-8); '+' as space when plus_space; invalid escapes
 * are kept as they are. out: n bytes. *changed set when anything decoded. */
size_t rp__pct_decode(const char *s, size_t n, char *out, int plus_space, int *changed);
/* &lt; &#39; &#x3c; &amp;... (named: the common ones, with or without ';').
 * out: n bytes. */
size_t rp__html_unescape(const char *s, size_t n, char *out, int *changed);
/* \uXXXX, \xXX, \NNN octal, \n \t \\ \' \" and CSS-style \HH. out: n bytes. */
size_t rp__js_unescape(const char *s, size_t n, char *out, int *changed);
/* 1 if s looks like base64 (standard or URL alphabet, length >= 16, decodes
 * to mostly printable text or to something another decoder recognises). */
int rp__base64_plausible(const char *s, size_t n);
/* Decodes base64 (both alphabets, padding optional). out: n*3/4+3 bytes.
 * Returns the length, or (size_t)-1 when s is not base64. */
size_t rp__base64_decode(const char *s, size_t n, char *out);
/* gzip (gzip=1) or zlib/raw deflate (gzip=0) into arena memory, stopping at
 * max_out bytes or max_ratio * n. Returns 0, -1 on a corrupt stream, -2
 * when a limit was hit (what was inflated so far is in *out). */
int rp__inflate(const char *s, size_t n, int gzip, size_t max_out, unsigned max_ratio,
                rp_arena_t *arena, rp_str_t *out);

/* ---------------------------------------------------------------------- */
/* Points (points.c).                                                       */

typedef struct rp__points {
    rp_waf_point_t *v;
    size_t n, cap;
    rp_arena_t *arena;               /* paths, decoded values, the array itself */
    const rp_waf_limits_t *lim;      /* defaults applied */
    size_t nanomalies;
    int overflow;                    /* max_points reached: the rest was not decoded */
} rp__points_t;

/* Decodes req into pts (arena and lim set by the caller, n = 0). Never
 * fails on malformed input (it becomes anomaly points); returns 0 or
 * RP_ENOMEM. */
int rp__waf_points_build(rp__points_t *pts, const rp_waf_request_t *req);

/* Adds one point (path copied into the arena). Returns the point or NULL
 * when max_points is reached or memory ran out. */
rp_waf_point_t *rp__points_add(rp__points_t *pts, rp_str_t path, rp_str_t raw, rp_str_t value,
                               unsigned src, unsigned flags, unsigned depth);

/* Fills lim's zero fields with the defaults. */
void rp__waf_limits_defaults(rp_waf_limits_t *lim);

#endif /* RAMPART_WAF_INT_H */
