/*
 * rfiparam.c - request-level: a URL in a parameter that old PHP
 * applications pass to include() unchecked (class "rfi_ssrf").
 *
 * ssrf.c judges a URL by where it points; a URL to an ordinary public
 * host passes there, since links are what parameters often carry. Some
 * parameter names, though, are known remote-file-inclusion sinks of
 * widely deployed PHP code (Mambo/Joomla mosConfig_absolute_path,
 * Geeklog _CONF[path], Gallery GALLERY_BASEDIR, ..., the OWASP CRS 931110
 * list): a URL there is an inclusion attempt whatever the host (85).
 * Only a value that starts with a fetchable scheme (http, https, ftp,
 * ftps, file) counts.
 *
 * Cost: the key points of the query and body once; no allocation.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

/* Parameter names of known RFI sinks (lower case, as sent). */
#define S RP_STRINIT
static const rp_str_t rfi_names[] = {
    S("mosconfig_absolute_path"), S("_conf[path]"), S("_server[document_root]"),
    S("gallery_basedir"), S("path[docroot]"), S("appserv_root"), S("config[root_dir]"),
};
#undef S

static const rp_str_t schemes[] = {
    RP_STRINIT("http://"), RP_STRINIT("https://"), RP_STRINIT("ftp://"), RP_STRINIT("ftps://"),
    RP_STRINIT("file://"),
};

void rp__waf_rfi_params(const rp_waf_request_t *req, const struct rp__points *pts,
                        rp__waf_ctx_t *ctx)
{
    (void)req;
    for (size_t i = 0; i + 1 < pts->n; i++) {
        const rp_waf_point_t *pt = &pts->v[i];
        if (!(pt->flags & RP_WAF_PT_KEY) || !(pt->src & (RP_WAF_SRC_QUERY | RP_WAF_SRC_BODY)))
            continue;
        int known = 0;
        for (size_t k = 0; k < RP_ARRAY_SIZE(rfi_names) && !known; k++)
            known = rp_str_ieq(pt->value, rfi_names[k]);
        if (!known)
            continue;
        const rp_waf_point_t *val = &pts->v[i + 1];
        if ((val->flags & RP_WAF_PT_KEY) || !rp_str_eq(val->path, pt->path))
            continue;
        rp_str_t v = rp_str_trim(val->value);
        for (size_t k = 0; k < RP_ARRAY_SIZE(schemes); k++) {
            if (!rp_str_ihas_prefix(v, schemes[k]))
                continue;
            rp__waf_match_t m;
            m.score = 85;
            m.off = (size_t)(v.p - val->value.p);
            m.len = v.n;
            snprintf(m.evidence, sizeof(m.evidence),
                     "rfi_ssrf: URL in %.*s, a known remote file inclusion parameter",
                     (int)RP_MIN(pt->value.n, (size_t)32), pt->value.p);
            rp__waf_report(ctx, RP_WAF_RFI_SSRF, val->path, val->raw, val->value, &m);
            break;
        }
    }
}
