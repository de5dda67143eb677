/*
 * tls.c - OpenSSL contexts built from the config at load time.
 *
 * Certificates, keys and CA files are config: a file that is missing,
 * unreadable, not PEM or not matching its key is a load error naming the
 * file (an expired certificate only gets a warning), so `rampart check` catches it and a reload with
 * it keeps the old config (and the old certificates) running. A reload
 * re-reads every file, which is how renewed certificates are picked up.
 *
 * Listener contexts: one SSL_CTX per certificate. The first is the
 * default; the servername callback switches a handshake to the context
 * whose certificate names match the client's SNI (exact, then wildcard,
 * as X509_check_host does). TLS 1.2 and 1.3 only, server cipher order,
 * no renegotiation, no compression, ALPN "http/1.1", stateless session
 * tickets plus a server-side session cache for TLS 1.2 session ids.
 *
 * Upstream contexts: peer verification on unless turned off, against the
 * configured CA file or OpenSSL's default paths (which honour
 * SSL_CERT_FILE and SSL_CERT_DIR like curl does); ALPN "http/1.1"; client
 * session caching is left to the proxy (it keeps the sessions per pool).
 */
#include "config/config_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

static int read_files = 1;

void rp__conf_set_files(int on)
{
    read_files = on;
}

int rp__conf_get_files(void)
{
    return read_files;
}

/* The last OpenSSL error as text ("no start line", "key values mismatch"),
 * clearing the queue. */
static const char *ssl_reason(char *buf, size_t cap)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    snprintf(buf, cap, "%s", r ? r : "unknown OpenSSL error");
    ERR_clear_error();
    return buf;
}

static int parse_min_version(rp__conf_ctx_t *ctx, const rp__cnode_t *at, const char *v)
{
    if (!v || strcmp(v, "1.2") == 0)
        return TLS1_2_VERSION;
    if (strcmp(v, "1.3") == 0)
        return TLS1_3_VERSION;
    rp__conf_err(ctx, at, "min_version must be \"1.2\" or \"1.3\"");
    return -1;
}

static int file_readable(rp__conf_ctx_t *ctx, const rp__cnode_t *at, const char *what, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        rp__conf_err(ctx, at, "cannot open %s '%s': %s", what, path, strerror(errno));
        return -1;
    }
    fclose(f);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Listener side.                                                           */

static const unsigned char alpn_http11[] = { 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };

static int alpn_select_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                          const unsigned char *in, unsigned int inlen, void *arg)
{
    unsigned char *sel = NULL;
    if (SSL_select_next_proto(&sel, outlen, alpn_http11, sizeof(alpn_http11), in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK; /* e.g. h2 only: go on without ALPN */
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

static int servername_cb(SSL *ssl, int *alert, void *arg)
{
    const rp_conf_listener_tls_t *t = arg;
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name || t->ncerts < 2)
        return SSL_TLSEXT_ERR_OK;
    size_t n = strlen(name);
    for (size_t i = 0; i < t->ncerts; i++) {
        X509 *x = SSL_CTX_get0_certificate(t->ctx[i]);
        if (x && X509_check_host(x, name, n, 0, NULL) == 1) {
            if (i > 0)
                SSL_set_SSL_CTX(ssl, t->ctx[i]);
            return SSL_TLSEXT_ERR_OK;
        }
    }
    return SSL_TLSEXT_ERR_OK; /* no match: the default certificate, as nginx does */
}

static SSL_CTX *server_ctx(rp__conf_ctx_t *ctx, const rp__cnode_t *at, rp_conf_listener_tls_t *t,
                           const rp_conf_cert_t *cert, int minv)
{
    char why[160];
    SSL_CTX *sc = SSL_CTX_new(TLS_server_method());
    if (!sc) {
        rp__conf_err(ctx, at, "cannot create a TLS context: %s", ssl_reason(why, sizeof(why)));
        return NULL;
    }
    SSL_CTX_set_min_proto_version(sc, minv);
    SSL_CTX_set_options(sc, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                (t->session_tickets ? 0 : SSL_OP_NO_TICKET));
    SSL_CTX_set_mode(sc, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                             SSL_MODE_RELEASE_BUFFERS);
    if (t->ciphers && SSL_CTX_set_cipher_list(sc, t->ciphers) != 1) {
        rp__conf_err(ctx, at, "invalid TLS cipher list '%s': %s", t->ciphers,
                     ssl_reason(why, sizeof(why)));
        SSL_CTX_free(sc);
        return NULL;
    }
    if (SSL_CTX_use_certificate_chain_file(sc, cert->cert) != 1) {
        rp__conf_err(ctx, at, "cannot load certificate chain '%s': %s", cert->cert,
                     ssl_reason(why, sizeof(why)));
        SSL_CTX_free(sc);
        return NULL;
    }
    if (SSL_CTX_use_PrivateKey_file(sc, cert->key, SSL_FILETYPE_PEM) != 1) {
        /* OpenSSL checks the key against the certificate while loading it. */
        unsigned long e = ERR_peek_last_error();
        if (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH)
            rp__conf_err(ctx, at, "private key '%s' does not match certificate '%s'", cert->key,
                         cert->cert);
        else
            rp__conf_err(ctx, at, "cannot load private key '%s': %s", cert->key,
                         ssl_reason(why, sizeof(why)));
        ERR_clear_error();
        SSL_CTX_free(sc);
        return NULL;
    }
    if (SSL_CTX_check_private_key(sc) != 1) {
        rp__conf_err(ctx, at, "private key '%s' does not match certificate '%s'", cert->key, cert->cert);
        ERR_clear_error();
        SSL_CTX_free(sc);
        return NULL;
    }
    X509 *x = SSL_CTX_get0_certificate(sc);
    if (x && X509_cmp_time(X509_get0_notAfter(x), NULL) < 0)
        rp_log_warn("%s: certificate '%s' has expired", ctx->file, cert->cert);
    static const unsigned char sid_ctx[] = "rampart";
    SSL_CTX_set_session_id_context(sc, sid_ctx, sizeof(sid_ctx) - 1);
    SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(sc, 20000);
    SSL_CTX_set_timeout(sc, (long)(t->session_timeout_ms / 1000));
    SSL_CTX_set_alpn_select_cb(sc, alpn_select_cb, NULL);
    SSL_CTX_set_tlsext_servername_callback(sc, servername_cb);
    SSL_CTX_set_tlsext_servername_arg(sc, t);
    return sc;
}

int rp__conf_tls_listener(rp__conf_ctx_t *ctx, const rp__cnode_t *at, rp_conf_listener_tls_t *t)
{
    int minv = parse_min_version(ctx, at, t->min_version);
    if (minv < 0)
        return -1;
    if (t->ncerts == 0) {
        rp__conf_err(ctx, at, "tls needs at least one certificate (cert and key)");
        return -1;
    }
    for (size_t i = 0; i < t->ncerts; i++) {
        if (!t->certs[i].cert || !t->certs[i].key) {
            rp__conf_err(ctx, at, "certificate %zu needs both 'cert' and 'key'", i + 1);
            return -1;
        }
    }
    if (!read_files)
        return 0;
    int bad = 0;
    for (size_t i = 0; i < t->ncerts; i++)
        bad |= file_readable(ctx, at, "certificate", t->certs[i].cert) |
               file_readable(ctx, at, "private key", t->certs[i].key);
    if (bad)
        return -1;
    t->ctx = rp_xcalloc(t->ncerts, sizeof(SSL_CTX *));
    for (size_t i = 0; i < t->ncerts; i++) {
        t->ctx[i] = server_ctx(ctx, at, t, &t->certs[i], minv);
        if (!t->ctx[i]) {
            rp__conf_tls_free_listener(t);
            return -1;
        }
    }
    /* Session tickets are sealed and opened with the keys of the context
     * a handshake starts on (the default one), whichever certificate SNI
     * then selects, so resumption works across certificates. */
    return 0;
}

void rp__conf_tls_free_listener(rp_conf_listener_tls_t *t)
{
    if (!t->ctx)
        return;
    for (size_t i = 0; i < t->ncerts; i++)
        SSL_CTX_free(t->ctx[i]);
    free(t->ctx);
    t->ctx = NULL;
}

/* ---------------------------------------------------------------------- */
/* Upstream side.                                                           */

int rp__conf_tls_upstream(rp__conf_ctx_t *ctx, const rp__cnode_t *at, rp_conf_upstream_tls_t *t)
{
    char why[160];
    int minv = parse_min_version(ctx, at, t->min_version);
    if (minv < 0)
        return -1;
    if (!read_files)
        return 0;
    if (t->ca_file && file_readable(ctx, at, "CA file", t->ca_file) < 0)
        return -1;
    SSL_CTX *sc = SSL_CTX_new(TLS_client_method());
    if (!sc) {
        rp__conf_err(ctx, at, "cannot create a TLS context: %s", ssl_reason(why, sizeof(why)));
        return -1;
    }
    SSL_CTX_set_min_proto_version(sc, minv);
    SSL_CTX_set_options(sc, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(sc, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                             SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_alpn_protos(sc, alpn_http11, sizeof(alpn_http11));
    SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    if (t->ca_file) {
        if (SSL_CTX_load_verify_locations(sc, t->ca_file, NULL) != 1) {
            rp__conf_err(ctx, at, "cannot load CA file '%s': %s", t->ca_file,
                         ssl_reason(why, sizeof(why)));
            SSL_CTX_free(sc);
            return -1;
        }
    } else if (SSL_CTX_set_default_verify_paths(sc) != 1) {
        rp__conf_err(ctx, at, "cannot load the default trust store: %s", ssl_reason(why, sizeof(why)));
        SSL_CTX_free(sc);
        return -1;
    }
    SSL_CTX_set_verify(sc, t->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    t->ctx = sc;
    return 0;
}

void rp__conf_tls_free_upstream(rp_conf_upstream_tls_t *t)
{
    SSL_CTX_free(t->ctx);
    t->ctx = NULL;
}
