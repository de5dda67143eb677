/*
 * The detector table: which detector looks at which points. Adding an
 * attack class is a row here plus its file (see waf_int.h for the
 * interface). Order matters only for the order of findings.
 */
#include "waf/waf_int.h"

const rp__waf_detector_t rp__waf_detectors[] = {
    { "sqli-lexer", RP_WAF_SQLI, RP_WAF_SRC_ALL, rp__waf_sqli, NULL },
    { "xss-html", RP_WAF_XSS, RP_WAF_SRC_ALL, rp__waf_xss, NULL },
    { "cmdi-shell", RP_WAF_CMDI, RP_WAF_SRC_ALL, rp__waf_cmdi, NULL },
    { "traversal-path", RP_WAF_TRAVERSAL, RP_WAF_SRC_ALL, rp__waf_traversal, NULL },
    { "ssrf-url", RP_WAF_RFI_SSRF, RP_WAF_SRC_ALL, rp__waf_ssrf, NULL },
    { "java-jndi", RP_WAF_JNDI, RP_WAF_SRC_ALL, rp__waf_jndi, NULL },
    { "ssti-template", RP_WAF_SSTI, RP_WAF_SRC_ALL, rp__waf_ssti, NULL },
};

const size_t rp__waf_ndetectors = sizeof(rp__waf_detectors) / sizeof(rp__waf_detectors[0]);

/* Request-level detectors (see waf_int.h): each runs once per request,
 * after the per-value ones. */
const rp__waf_req_detector_t rp__waf_req_detectors[] = {
    { "graphql-document", 1u << RP_WAF_GRAPHQL, rp__waf_graphql },
};

const size_t rp__waf_nreq_detectors =
    sizeof(rp__waf_req_detectors) / sizeof(rp__waf_req_detectors[0]);
