/*
 * schema_disc.c - the `discovery` section (API discovery: the live-traffic
 * feed, the store, the /ingest endpoints) and its cross-checks with the
 * listeners' `ingest:` paths. Secrets (the ingest token, the Firehose
 * access key) are read from files here, at load and at each reload.
 */
#include "config/config_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DI(f) RP__FIELD(rp_conf_discovery_t, f)
static const rp__conf_key_t discovery_keys[] = {
    { "enabled", RP__CT_BOOL, 0, 0, "false", DI(enabled), NULL, NULL, 0 },
    { "store", RP__CT_STRING, 0, 0, NULL, DI(store), NULL, NULL, RP__CF_NO_RELOAD },
    { "min_requests", RP__CT_UINT, 1, 1000000, "5", DI(min_requests), NULL, NULL, 0 },
    { "save_interval", RP__CT_DURATION, 1000, 86400000, "30s", DI(save_interval_ms), NULL, NULL, 0 },
    { "body_sample_percent", RP__CT_UINT, 0, 100, "10", DI(body_sample_percent), NULL, NULL, 0 },
    { "max_body", RP__CT_SIZE, 0, 1 << 20, "16k", DI(max_body), NULL, NULL, 0 },
    { "queue", RP__CT_UINT, 16, 1 << 20, "4096", DI(queue), NULL, NULL, RP__CF_NO_RELOAD },
    { "max_apps", RP__CT_UINT, 1, 100000, "256", DI(max_apps), NULL, NULL, 0 },
    { "max_endpoints", RP__CT_UINT, 1, 10000000, "5000", DI(max_endpoints), NULL, NULL, 0 },
    { "ingest_token_file", RP__CT_STRING, 0, 0, NULL, DI(ingest_token_file), NULL, NULL, 0 },
    { "firehose_access_key_file", RP__CT_STRING, 0, 0, NULL, DI(firehose_key_file), NULL, NULL, 0 },
    { "ingest_max_body", RP__CT_SIZE, 1024, 256u << 20, "64m", DI(ingest_max_body), NULL, NULL, 0 },
};
#undef DI
const rp__conf_section_t rp__conf_discovery_sec = { "discovery", discovery_keys,
                                                    RP_ARRAY_SIZE(discovery_keys) };

static void read_secret(rp__conf_ctx_t *ctx, const rp__cnode_t *at, const char *what, const char *path,
                        unsigned char **out, size_t *outlen)
{
    unsigned char buf[4097];
    size_t n = 0;
    int r = rp_conf_read_secret(path, buf, sizeof(buf), &n);
    if (r < 0) {
        rp__conf_err(ctx, at, "cannot read %s '%s': %s", what, path, strerror(-r));
        return;
    }
    if (n > 4096)
        rp__conf_err(ctx, at, "%s longer than 4096 bytes", what);
    else if (n < 16)
        rp__conf_err(ctx, at, "%s must be at least 16 bytes", what);
    else {
        *out = rp_xmalloc(n);
        memcpy(*out, buf, n);
        *outlen = n;
    }
    memset(buf, 0, sizeof(buf));
}

void rp__conf_finish_discovery(rp__conf_ctx_t *ctx, const rp__cnode_t *root, rp_conf_t *c)
{
    rp_conf_discovery_t *d = &c->discovery;
    const rp__cnode_t *dn = rp__cnode_get(root, "discovery");
    if (d->ingest_token_file)
        read_secret(ctx, rp__conf_key_node(dn, "ingest_token_file"), "ingest token",
                    d->ingest_token_file, &d->ingest_token, &d->ingest_token_len);
    if (d->firehose_key_file)
        read_secret(ctx, rp__conf_key_node(dn, "firehose_access_key_file"), "Firehose access key",
                    d->firehose_key_file, &d->firehose_key, &d->firehose_key_len);
    /* An ingest path needs discovery on and a credential. */
    const rp__cnode_t *ln = rp__cnode_get(root, "listeners");
    for (size_t i = 0; i < c->nlisteners; i++) {
        const rp_conf_listener_t *l = &c->listeners[i];
        if (!l->ingest_path)
            continue;
        const rp__cnode_t *item = ln && ln->kind == RP__CN_SEQ && i < ln->nkids ? ln->kids[i] : NULL;
        const rp__cnode_t *at = item ? rp__conf_key_node(item, "ingest") : NULL;
        if (!d->enabled)
            rp__conf_err(ctx, at, "listener ingest path needs discovery.enabled: true");
        else if (!d->ingest_token_file && !d->firehose_key_file)
            rp__conf_err(ctx, at, "listener ingest path needs discovery.ingest_token_file "
                                  "(or firehose_access_key_file)");
        if (l->metrics_path && strncmp(l->metrics_path, l->ingest_path, strlen(l->ingest_path)) == 0)
            rp__conf_err(ctx, at, "ingest path overlaps the metrics path");
    }
}

void rp__conf_free_discovery(rp_conf_t *c)
{
    rp_conf_discovery_t *d = &c->discovery;
    free(d->store);
    free(d->ingest_token_file);
    free(d->firehose_key_file);
    if (d->ingest_token) {
        memset(d->ingest_token, 0, d->ingest_token_len);
        free(d->ingest_token);
    }
    if (d->firehose_key) {
        memset(d->firehose_key, 0, d->firehose_key_len);
        free(d->firehose_key);
    }
}
