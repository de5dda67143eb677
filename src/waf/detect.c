/*
 * The detector table: which detector looks at which points. Adding an
 * attack class is a row here plus its file (see waf_int.h for the
 * interface). Order matters only for the order of findings.
 */
#include "waf/waf_int.h"

/* Trigger bytes must be necessary: every path of the detector to a
 * non-zero score needs one of them in the value (the fuzz targets check
 * it). The traversal detector's own precheck wants '.', '/', '\\', '@',
 * "0x" (so an 'x' or 'X') or a byte from 0xC0 up (the start of an
 * overlong or fullwidth '.' / '/'; any such byte lets the value in). */
#define TRAV_HI \
    "\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf" \
    "\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf" \
    "\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef" \
    "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff"

const rp__waf_detector_t rp__waf_detectors[] = {
    { "sqli-lexer", RP_WAF_SQLI, RP_WAF_SRC_ALL, rp__waf_sqli, NULL },
    /* the bytes of xss.c's xss_bytes table: a value with none is not read */
    { "xss-html", RP_WAF_XSS, RP_WAF_SRC_ALL, rp__waf_xss, "<\"'`:&{([=+\\!/.\xBC\xEF" },
    { "cmdi-shell", RP_WAF_CMDI, RP_WAF_SRC_ALL, rp__waf_cmdi, " \t\n;|&`$(<>/\\%{~!" },
    { "traversal-path", RP_WAF_TRAVERSAL, RP_WAF_SRC_ALL, rp__waf_traversal, "./\\@xX" TRAV_HI },
    { "ssrf-url", RP_WAF_RFI_SSRF, RP_WAF_SRC_ALL, rp__waf_ssrf, NULL },
    { "java-jndi", RP_WAF_JNDI, RP_WAF_SRC_ALL, rp__waf_jndi, NULL },
    { "ssti-template", RP_WAF_SSTI, RP_WAF_SRC_ALL, rp__waf_ssti, "{<#" },
    { "crlf-split", RP_WAF_CRLF, RP_WAF_SRC_ALL, rp__waf_crlf, "\r\n\\</" },
    { "xxe-dtd", RP_WAF_XXE, RP_WAF_SRC_ALL, rp__waf_xxe, "<" },
    { "nosqli-operator", RP_WAF_NOSQLI, RP_WAF_SRC_ALL, rp__waf_nosqli, "$'\"(=;" },
    { "ldapi-filter", RP_WAF_LDAPI, RP_WAF_SRC_ALL, rp__waf_ldapi, ")" },
    { "xpath-expr", RP_WAF_XPATH, RP_WAF_SRC_ALL, rp__waf_xpath, "(:*[|" },
    { "php-lexer", RP_WAF_PHP, RP_WAF_SRC_ALL, rp__waf_php, "($`=<:[{." },
    { "ssi-directive", RP_WAF_SSI, RP_WAF_SRC_ALL, rp__waf_ssi, "<$" },
    { "mail-command", RP_WAF_MAIL, RP_WAF_SRC_ALL, rp__waf_mail, "\r\n" },
    { "code-node", RP_WAF_CODE, RP_WAF_SRC_ALL, rp__waf_code, ".[($@_" },
    { "proto-pollution", RP_WAF_PROTO_POLLUTION, RP_WAF_SRC_ALL, rp__waf_proto, "_c" },
    { "data-uri", RP_WAF_RFI_SSRF, RP_WAF_SRC_ALL, rp__waf_datauri, ":" },
};

const size_t rp__waf_ndetectors = sizeof(rp__waf_detectors) / sizeof(rp__waf_detectors[0]);

/* Request-level detectors (see waf_int.h), run in this order. */
const rp__waf_req_detector_t rp__waf_req_detectors[] = {
    { "scanner-fingerprint", 1u << RP_WAF_SCANNER, rp__waf_scanner_check },
    { "protocol-anomaly", 1u << RP_WAF_PROTOCOL, rp__waf_protocol_check },
    { "protocol-confusion", 1u << RP_WAF_PROTOCOL, rp__waf_confusion },
    { "php-upload", 1u << RP_WAF_PHP, rp__waf_php_uploads },
    { "graphql-document", 1u << RP_WAF_GRAPHQL, rp__waf_graphql },
    { "session-fixation", 1u << RP_WAF_SESSION, rp__waf_session },
    { "rfi-param", 1u << RP_WAF_RFI_SSRF, rp__waf_rfi_params },
};

const size_t rp__waf_nreq_detectors =
    sizeof(rp__waf_req_detectors) / sizeof(rp__waf_req_detectors[0]);
