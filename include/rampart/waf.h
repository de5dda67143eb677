/*
 * rampart/waf.h - the detection engine: a request in, a verdict out.
 *
 * A pure library (no sockets, no globals, no locks): the proxy, the
 * command line (`rampart scan`), the fuzzers and the benchmarks call the
 * same code. An rp_waf_t is immutable once made and may be shared by
 * threads; each thread inspects with its own rp_waf_scratch_t.
 *
 * Inspection decodes the request into points - every value the request
 * carries, with the path that reaches it, after recursive decoding
 * ("query.id", "header.user-agent", "cookie.session", "path.2",
 * "body.json.items[].name", "body.form.comment",
 * "body.multipart.avatar.filename", "body.xml.order/item@id",
 * "body.json.data|base64|json.cmd") - and runs every detector on every
 * point it applies to. GraphQL documents (an application/graphql body,
 * the "query" member of a JSON body or batch) give a point per string
 * argument: "body.graphql.user.posts(filter).title",
 * "body.json.query|graphql.user(id)", "body.graphql...Frag.user(id)"
 * (inside fragment Frag); findings about a document as a whole sit at
 * synthetic points: "body.graphql#introspection", "...#depth",
 * "body.json#batch". The verdict lists the attack classes found, a
 * score, and for each finding the point, the raw and decoded payload
 * (truncated, escaped for logs) and the evidence (the token fingerprint
 * or rule that matched), so that every verdict can be explained.
 */
#ifndef RAMPART_WAF_H
#define RAMPART_WAF_H

#include "rampart/core.h"

/* ---------------------------------------------------------------------- */
/* Request model.                                                           */

typedef struct rp_waf_header {
    rp_str_t name;
    rp_str_t value;
} rp_waf_header_t;

typedef struct rp_waf_request {
    rp_str_t method;
    rp_str_t path;                   /* raw, percent-encoded, without the query */
    rp_str_t query;                  /* raw, after '?', without it; may be empty */
    const rp_waf_header_t *headers;  /* as received (Cookie, Content-Type included) */
    size_t nheaders;
    rp_str_t body;                   /* possibly only the first body_limit bytes */
    int body_truncated;              /* the body was longer than `body` */
} rp_waf_request_t;

/* ---------------------------------------------------------------------- */
/* Points.                                                                  */

/* Where a point comes from. */
enum {
    RP_WAF_SRC_PATH = 1u << 0,
    RP_WAF_SRC_QUERY = 1u << 1,
    RP_WAF_SRC_HEADER = 1u << 2,
    RP_WAF_SRC_COOKIE = 1u << 3,
    RP_WAF_SRC_BODY = 1u << 4,
    RP_WAF_SRC_ALL = 0x1f,
};

/* Point flags. */
enum {
    RP_WAF_PT_KEY = 1u << 0,       /* the value is a name (parameter, JSON key) */
    RP_WAF_PT_ANOMALY = 1u << 1,   /* undecodable input kept as raw text */
    RP_WAF_PT_DECODED = 1u << 2,   /* value differs from raw (a decoder ran) */
    RP_WAF_PT_NUMBER = 1u << 3,    /* a JSON number / boolean / null */
    RP_WAF_PT_STRUCTURED = 1u << 4,/* a parsed document whose values are points of their
                                    * own (a GraphQL document): only its syntax is here,
                                    * so the per-value detectors skip it */
};

typedef struct rp_waf_point {
    rp_str_t path;      /* "query.id", "body.json.items[].name", "body.json.data|base64|json.cmd",
                         * "body.json.query|graphql.user(id)" */
    rp_str_t raw;       /* the bytes as they appear in the request (or the enclosing decoded value) */
    rp_str_t value;     /* fully decoded */
    unsigned src;       /* RP_WAF_SRC_* */
    unsigned flags;     /* RP_WAF_PT_* */
    unsigned depth;     /* decoder nesting (0: straight from the request) */
} rp_waf_point_t;

/* ---------------------------------------------------------------------- */
/* Verdict.                                                                 */

typedef enum rp_waf_attack {
    RP_WAF_SQLI = 0,
    RP_WAF_XSS,
    RP_WAF_CMDI,
    RP_WAF_TRAVERSAL,
    RP_WAF_RFI_SSRF,
    RP_WAF_SSTI,
    RP_WAF_JNDI,
    RP_WAF_NOSQLI,
    RP_WAF_LDAPI,
    RP_WAF_XXE,
    RP_WAF_CRLF,
    RP_WAF_PHP,
    RP_WAF_SCANNER,
    RP_WAF_PROTOCOL,
    RP_WAF_XPATH,
    RP_WAF_MAIL,       /* IMAP/SMTP/POP3 command injection */
    RP_WAF_SSI,        /* server-side includes */
    RP_WAF_GRAPHQL,    /* introspection, abusive depth/aliases/batches */
    RP_WAF_CODE,       /* server-side code injection: Node.js, Ruby, Perl */
    RP_WAF_PROTO_POLLUTION, /* JavaScript prototype pollution (__proto__, constructor.prototype) */
    RP_WAF_SESSION,    /* session fixation: a session id or a cookie set from a parameter */
    RP_WAF_ATTACK__COUNT
} rp_waf_attack_t;

/* "sqli", "xss", "cmdi", ... */
const char *rp_waf_attack_name(rp_waf_attack_t a);

#define RP_WAF_PAYLOAD_MAX 160   /* bytes kept of raw/decoded payloads in a finding */
#define RP_WAF_EVIDENCE_MAX 128

typedef struct rp_waf_finding {
    rp_waf_attack_t attack;
    int score;                              /* 1..100: how sure / how bad */
    char point[128];                        /* the point's path, cut to fit */
    char raw[RP_WAF_PAYLOAD_MAX + 1];       /* around the match, printable ASCII, '\\xNN' escapes */
    char decoded[RP_WAF_PAYLOAD_MAX + 1];
    char evidence[RP_WAF_EVIDENCE_MAX];     /* "sqli fingerprint s&sos in '..' context" */
} rp_waf_finding_t;

#define RP_WAF_MAX_FINDINGS 16

typedef struct rp_waf_verdict {
    unsigned attacks;                       /* bit (1u << rp_waf_attack_t) per class found */
    int score;                              /* highest finding score, 0 when clean */
    int block;                              /* the default policy would block: score >= block_score */
    size_t npoints;                         /* points inspected */
    size_t nanomalies;                      /* points that could not be decoded */
    size_t nfindings;                       /* kept (at most RP_WAF_MAX_FINDINGS) ... */
    size_t nfindings_total;                 /* ... of this many */
    rp_waf_finding_t findings[RP_WAF_MAX_FINDINGS];
} rp_waf_verdict_t;

/* ---------------------------------------------------------------------- */
/* Engine.                                                                  */

typedef struct rp_waf_limits {
    unsigned max_depth;          /* decoder nesting (default 5) */
    size_t max_points;           /* points per request (default 2048); more: anomaly */
    size_t max_json_depth;       /* default 64 */
    size_t max_value;            /* bytes of one value inspected (default 64 KiB) */
    size_t max_decompressed;     /* gzip/deflate output cap (default 4 MiB) */
    unsigned max_ratio;          /* decompression ratio cap (default 100) */
} rp_waf_limits_t;

typedef struct rp_waf_opts {
    rp_waf_limits_t limits;      /* zeros: defaults */
    int block_score;             /* verdict.block threshold (default 50) */
    unsigned attacks;            /* classes to detect (0: all) */
} rp_waf_opts_t;

typedef struct rp_waf rp_waf_t;
typedef struct rp_waf_scratch rp_waf_scratch_t;

rp_waf_t *rp_waf_new(const rp_waf_opts_t *opts);
void rp_waf_free(rp_waf_t *w);

/* Per-thread working memory, reused across requests (an arena reset at
 * each inspection). */
rp_waf_scratch_t *rp_waf_scratch_new(void);
void rp_waf_scratch_free(rp_waf_scratch_t *s);

/* Inspects one request. Always fills v; returns 0, or RP_ENOMEM (then v
 * says what was found before memory ran out). */
int rp_waf_inspect(const rp_waf_t *w, rp_waf_scratch_t *s, const rp_waf_request_t *req,
                   rp_waf_verdict_t *v);

/* Exclusions: findings of the classes in `attacks` (bits; 0 = every
 * class) on points matching `point` (exact path, or a prefix when it ends
 * with '*'; empty = every point) are not reported. Fixes false positives
 * without turning detection off. */
typedef struct rp_waf_exclusion {
    unsigned attacks;
    rp_str_t point;
} rp_waf_exclusion_t;

int rp_waf_inspect_ex(const rp_waf_t *w, rp_waf_scratch_t *s, const rp_waf_request_t *req,
                      const rp_waf_exclusion_t *ex, size_t nex, rp_waf_verdict_t *v);

/* "sqli" -> RP_WAF_SQLI; -1 when unknown. */
int rp_waf_attack_from_name(const char *name);

/* The points of the last inspection with this scratch (valid until the
 * next one): for `rampart scan --points`, tests and discovery. */
const rp_waf_point_t *rp_waf_points(const rp_waf_scratch_t *s, size_t *n);

#endif /* RAMPART_WAF_H */
