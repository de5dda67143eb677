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
 *   php.c        PHP lexer: open tags, calls, variable functions, wrappers,
 *                serialized objects, php.ini directives; PHP uploads
 *   ssi.c        server-side includes and ESI tags
 *   mail.c       SMTP/IMAP/POP3 commands and mail headers after a CR/LF
 *   graphql.c    GraphQL lexer + parser (string arguments become points) and
 *                the request-level check: introspection, abusive documents
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

/* Writes prefix then what into out[cap] (a match's evidence), cut to fit:
 * what snprintf "%s%s" writes, without the formatting machinery. */
void rp__waf_evidence(char *out, size_t cap, const char *prefix, const char *what);

/* Reports a finding of class `a` on a point: `path` names it (an existing
 * point's path, or a synthetic one: "request.method", "request.params",
 * "body.graphql.depth"), raw/value are what the excerpts show. A class not
 * enabled, or excluded on that path, is dropped here. m->score 1..100. */
void rp__waf_report(rp__waf_ctx_t *ctx, rp_waf_attack_t a, rp_str_t path, rp_str_t raw,
                    rp_str_t value, const rp__waf_match_t *m);

/* cmdi.c: a Markdown code fence at line start i (up to 3 spaces, then 3
 * or more backticks or tildes): the end of that line (the '\n' or n), or
 * 0 when the line is not a fence. Shared with php.c. */
size_t rp__md_fence_line(const unsigned char *u, size_t n, size_t i);

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
/* php.c: PHP code injection (CRS 933) */
int rp__waf_php(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);
/* A file name's verdict: a PHP script, a double extension, a session file. */
int rp__php_filename(const char *name, size_t n, rp__waf_match_t *m);
/* Request level: the multipart filenames and X-Filename headers. */
void rp__waf_php_uploads(const rp_waf_request_t *req, const struct rp__points *pts,
                         rp__waf_ctx_t *ctx);

/* ssi.c: server-side includes (<!--#exec ..-->) and ESI (<esi:include ..>) */
int rp__waf_ssi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

/* mail.c: SMTP/IMAP/POP3 command injection, mail header injection */
int rp__waf_mail(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m);

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
/* GraphQL (graphql.c): executable documents, October 2021 spec.            */

/* What makes a document abusive (query-cost denial of service): beyond
 * any of these it is reported at a blocking score. */
#define RP_GQL_MAX_DEPTH 15             /* nested selection sets, fragments expanded */
#define RP_GQL_MAX_ALIASES 30           /* aliases in one document, fragments expanded */
#define RP_GQL_MAX_FIELDS 1000          /* fields in one document, fragments expanded */
#define RP_GQL_MAX_DIRECTIVES 50        /* directives on one location (@a@a@a..) */
#define RP_GQL_MAX_DIRECTIVES_ALL 200   /* directives in one document */
#define RP_GQL_MAX_BATCH 10             /* operations in one batched JSON body */
#define RP_GQL_SCORE_INTROSPECTION 45   /* __schema / __type: suspicious, not blocked */
#define RP_GQL_SCORE_ABUSE 60           /* over a limit above */
#define RP_GQL_SCORE_ABUSE_2X 70        /* at least twice a limit */
#define RP_GQL_SCORE_CYCLE 80           /* a fragment spreading itself */

/* What bounds the parser itself. */
#define RP_GQL_MAX_NEST 64              /* selection sets + list/object values + list types */
#define RP_GQL_MAX_TOKENS 200000
#define RP_GQL_PATH_CAP 256             /* bytes of an argument's path in the document */
#define RP_GQL_NAME_CAP 64              /* bytes of one name in that path */
#define RP_GQL_MAX_DEFS 256             /* operations + fragments analysed */
#define RP_GQL_MAX_SPREADS 2048         /* fragment spreads analysed */

/* One operation or fragment definition (the fragment graph; caller memory). */
typedef struct rp__gql_def {
    rp_str_t name;                  /* the fragment's name; empty for an operation */
    uint32_t depth, fields, aliases; /* its own, then with its fragments expanded */
    uint32_t first, nspreads;       /* its spreads in rp__gql_t.spreads */
    uint32_t cursor;                /* the graph walk's state */
    int32_t parent;
    uint8_t is_frag, color;
} rp__gql_def_t;

typedef struct rp__gql_spread {
    rp_str_t name;                  /* ...name */
    uint32_t depth;                 /* the level of the selection set it stands in (1: top) */
    int32_t target;                 /* the fragment's definition, -1: unknown */
} rp__gql_spread_t;

/* What one document asks for. */
typedef struct rp__gql_stats {
    uint32_t depth;                 /* deepest field (1: top level), fragments expanded */
    uint32_t aliases, fields;       /* fragments expanded, saturating at 1<<30 */
    uint32_t directives;            /* most directives on one location */
    uint32_t directives_all;
    uint32_t ops, frags, spreads, strings;
    const char *introspection;      /* "__schema", "__type" or NULL */
    size_t introspection_off;       /* where, in the document */
    size_t deep_off;                /* where the deepest field (of the text) is */
    rp_str_t cycle;                 /* a fragment on a spread cycle (n = 0: none) */
    int too_many;                   /* more definitions/spreads than the graph holds */
} rp__gql_stats_t;

/* A string argument value (regular or """block""" string): path is where
 * it stands, relative to the document (".user.posts(filter).title",
 * "...F.user(id)", ".$name" for a variable's default, ".a@include(if)");
 * raw the text between the quotes. A non-zero return stops the calls
 * (the parse goes on, for the statistics). */
typedef int (*rp__gql_string_cb)(void *ud, rp_str_t path, rp_str_t raw, int block);

enum { RP_GQL_OK = 0, RP_GQL_SYNTAX = -1, RP_GQL_LIMIT = -2 };

typedef struct rp__gql {
    /* In (zero the struct, then set): */
    rp__gql_string_cb on_string;    /* may be NULL */
    void *ud;
    rp__gql_def_t *defs;            /* the fragment graph's memory; NULL: no graph */
    size_t defs_cap;
    rp__gql_spread_t *spreads;
    size_t spreads_cap;
    /* Out: */
    rp__gql_stats_t st;
    size_t err_off;                 /* a malformed document: where */
    const char *err;                /* and why */
    /* The parser's own. */
    const char *s;
    size_t n, pos, ntok;
    int tt, rc;
    size_t toff, tlen;
    unsigned nest;
    rp__gql_def_t *cur, spare;
    size_t ndefs, nspreads;
    char path[RP_GQL_PATH_CAP];
    size_t plen;
} rp__gql_t;

/* Parses the executable document s[0..n) (the struct zeroed and its In
 * fields set). Returns RP_GQL_OK, RP_GQL_SYNTAX (malformed: err, err_off)
 * or RP_GQL_LIMIT (too deep or too many tokens: the rest not parsed);
 * g->st holds what was seen in every case. No allocation, no recursion
 * deeper than RP_GQL_MAX_NEST, linear time. */
int rp__gql_parse(rp__gql_t *g, const char *s, size_t n);

/* The value of a string token whose text between the quotes is raw:
 * escapes undone (\n, \", \uXXXX, \u{..}) or, for a block string, the
 * indentation removed. out: raw.n bytes. Returns the length. */
size_t rp__gql_string_value(rp_str_t raw, int block, char *out);

/* 1 when s starts as a GraphQL document would ('{', or query / mutation /
 * subscription / fragment followed by what they take): tells a document
 * in a JSON "query" member from a search string. */
int rp__gql_looks_document(const char *s, size_t n);

/* The highest score a document's statistics call for (0: nothing). */
int rp__gql_worst(const rp__gql_stats_t *st);

/* The request-level check (detect.c): findings for the documents
 * points.c kept in pts->gql. */
struct rp__points;
void rp__waf_graphql(const rp_waf_request_t *req, const struct rp__points *pts, rp__waf_ctx_t *ctx);

/* ---------------------------------------------------------------------- */
/* Points (points.c).                                                       */

/* A GraphQL document with something to report, for rp__waf_graphql. */
typedef struct rp__gql_doc {
    rp_str_t path;                   /* "body.graphql", "body.json.query|graphql" */
    rp_str_t text;                   /* the document */
    rp__gql_stats_t st;
} rp__gql_doc_t;

#define RP__GQL_KEPT 4

typedef struct rp__points {
    rp_waf_point_t *v;
    size_t n, cap;
    rp_arena_t *arena;               /* paths, decoded values, the array itself */
    const rp_waf_limits_t *lim;      /* defaults applied */
    size_t nanomalies;
    int overflow;                    /* max_points reached: the rest was not decoded */
    struct {
        size_t ndocs;                /* GraphQL documents parsed */
        size_t nkept;
        rp__gql_doc_t kept[RP__GQL_KEPT];   /* those with findings (the worst ones) */
        uint32_t batch;              /* most operations in one batched JSON body */
        rp_str_t batch_path;         /* that body's path ("body.json") */
    } gql;
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
