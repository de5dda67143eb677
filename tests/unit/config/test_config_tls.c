/* TLS, API Gateway and DNS config: listener certificates loaded into real
 * SSL_CTXs (checked by in-memory handshakes: SNI picks the certificate,
 * ALPN, protocol versions, tickets), upstream TLS (verification against a
 * CA file), the api_gateway shorthand, the dns section and the https
 * quick start. Certificates are generated here (OpenSSL 3 API) into a
 * temporary directory that is removed at the end. */
#include "config/config_int.h"
#include "test.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdarg.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* ---------------------------------------------------------------------- */
/* Fixtures: a CA, two leaf certificates signed by it, odd files.           */

static char dir[64];
/* a.test (leaf only), *.b.test (leaf + CA chain), the CA, a second CA that
 * signed nothing here, a P-256 key and an Ed25519 key belonging to no
 * certificate, and a file that is not PEM at all. */
static char a_crt[128], a_key[128], b_crt[128], b_key[128], ca_crt[128], ca2_crt[128];
static char other_key[128], ed_key[128], garbage[128], missing[128];

static rp_conf_t *load(const char *yaml, rp_conf_errors_t *e)
{
    rp_conf_errors_init(e);
    return rp_conf_load_string("t.yaml", yaml, strlen(yaml), e);
}

static int has_err(const rp_conf_errors_t *e, unsigned line, unsigned col, const char *frag)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].line == line && e->v[i].col == col && strstr(e->v[i].msg, frag) &&
            strcmp(e->v[i].file, "t.yaml") == 0)
            return 1;
    return 0;
}

/* Loading yaml must fail with an error at line:col containing frag. */
static int expect_err(const char *yaml, unsigned line, unsigned col, const char *frag)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load(yaml, &e);
    int ok = c == NULL && has_err(&e, line, col, frag);
    if (!ok) {
        fprintf(stderr, "wanted %u:%u '%s' (%s), got:\n", line, col, frag,
                c ? "but it loaded" : "load failed");
        rp_conf_errors_print(&e, stderr);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
    return ok;
}
#define CHECK_ERR(yaml, line, col, frag) CHECK(expect_err((yaml), (line), (col), (frag)))

/* The 1-based column, within its line, of the first `needle` in y, plus
 * skip (for positions of generated text whose length depends on paths). */
static unsigned col_of(const char *y, const char *needle, size_t skip)
{
    const char *p = strstr(y, needle);
    if (!p)
        abort();
    const char *bol = p;
    while (bol > y && bol[-1] != '\n')
        bol--;
    return (unsigned)(p - bol + skip) + 1;
}

/* Loads yaml that must be valid; prints the errors otherwise. */
static rp_conf_t *load_ok(const char *yaml)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load(yaml, &e);
    if (!c || e.n) {
        fprintf(stderr, "unexpected errors loading:\n%s\n", yaml);
        rp_conf_errors_print(&e, stderr);
    }
    rp_conf_errors_dispose(&e);
    return c;
}

static void add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, v3, nid, value);
    if (!ext || X509_add_ext(x, ext, -1) != 1) {
        fprintf(stderr, "cannot add extension %d=%s\n", nid, value);
        abort();
    }
    X509_EXTENSION_free(ext);
}

/* A certificate for key; self-signed when issuer is NULL. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *san, X509 *issuer,
                       EVP_PKEY *issuer_key, int ca, long serial)
{
    X509 *x = X509_new();
    if (!x)
        abort();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
    add_ext(x, &v3, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_ext(x, &v3, NID_key_usage,
            ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    if (!ca)
        add_ext(x, &v3, NID_ext_key_usage, "serverAuth");
    if (san)
        add_ext(x, &v3, NID_subject_alt_name, san);
    if (X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) <= 0)
        abort();
    return x;
}

static void set_path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void write_certs(const char *path, X509 *a, X509 *b)
{
    FILE *f = fopen(path, "w");
    if (!f || PEM_write_X509(f, a) != 1 || (b && PEM_write_X509(f, b) != 1))
        abort();
    fclose(f);
}

static void write_key(const char *path, EVP_PKEY *k)
{
    FILE *f = fopen(path, "w");
    if (!f || PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) != 1)
        abort();
    fclose(f);
}

static void fixtures_make(void)
{
    snprintf(dir, sizeof(dir), "/tmp/rampart-tls-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    set_path(a_crt, sizeof(a_crt), "a.crt");
    set_path(a_key, sizeof(a_key), "a.key");
    set_path(b_crt, sizeof(b_crt), "b.crt");
    set_path(b_key, sizeof(b_key), "b.key");
    set_path(ca_crt, sizeof(ca_crt), "ca.crt");
    set_path(ca2_crt, sizeof(ca2_crt), "ca2.crt");
    set_path(other_key, sizeof(other_key), "other.key");
    set_path(ed_key, sizeof(ed_key), "ed25519.key");
    set_path(garbage, sizeof(garbage), "garbage.pem");
    set_path(missing, sizeof(missing), "no-such-file.pem");

    EVP_PKEY *cak = EVP_EC_gen("P-256"), *ca2k = EVP_EC_gen("P-256");
    EVP_PKEY *ak = EVP_EC_gen("P-256"), *bk = EVP_EC_gen("P-256"), *ok = EVP_EC_gen("P-256");
    EVP_PKEY *ek = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!cak || !ca2k || !ak || !bk || !ok || !ek)
        abort();
    X509 *ca = make_cert(cak, "Rampart Test CA", NULL, NULL, NULL, 1, 1);
    X509 *ca2 = make_cert(ca2k, "Rampart Other CA", NULL, NULL, NULL, 1, 2);
    X509 *a = make_cert(ak, "a.test", "DNS:a.test", ca, cak, 0, 3);
    X509 *b = make_cert(bk, "*.b.test", "DNS:*.b.test", ca, cak, 0, 4);
    write_certs(ca_crt, ca, NULL);
    write_certs(ca2_crt, ca2, NULL);
    write_certs(a_crt, a, NULL);
    write_certs(b_crt, b, ca); /* leaf first, then the chain */
    write_key(a_key, ak);
    write_key(b_key, bk);
    write_key(other_key, ok);
    write_key(ed_key, ek);
    FILE *f = fopen(garbage, "w");
    if (!f)
        abort();
    fputs("this is not a PEM file\n", f);
    fclose(f);
    X509_free(ca);
    X509_free(ca2);
    X509_free(a);
    X509_free(b);
    EVP_PKEY_free(cak);
    EVP_PKEY_free(ca2k);
    EVP_PKEY_free(ak);
    EVP_PKEY_free(bk);
    EVP_PKEY_free(ok);
    EVP_PKEY_free(ek);
}

static void fixtures_remove(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];
    while (d && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    if (rmdir(dir) != 0)
        perror("rmdir");
}

/* ---------------------------------------------------------------------- */
/* In-memory handshakes.                                                    */

typedef struct hs {
    int ok;
    char cn[128];       /* subject CN of the certificate the client got */
    char alpn[32];      /* "" when none was negotiated */
    int version;        /* TLS1_2_VERSION, TLS1_3_VERSION */
    char cipher[64];
    int reused;
    int has_ticket;     /* the client's session holds a ticket */
    SSL_SESSION *sess;  /* the client's session, when want_session */
} hs_t;

/* Pumps both ends of a BIO pair until both finished or one failed. */
static int pump(SSL *c, SSL *s)
{
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 200 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = SSL_do_handshake(c);
            if (r == 1)
                cdone = 1;
            else if (SSL_get_error(c, r) != SSL_ERROR_WANT_READ &&
                     SSL_get_error(c, r) != SSL_ERROR_WANT_WRITE)
                return 0;
        }
        if (!sdone) {
            int r = SSL_do_handshake(s);
            if (r == 1)
                sdone = 1;
            else if (SSL_get_error(s, r) != SSL_ERROR_WANT_READ &&
                     SSL_get_error(s, r) != SSL_ERROR_WANT_WRITE)
                return 0;
        }
    }
    return cdone && sdone;
}

/* One handshake: the server side on sctx (a listener context), the client
 * on cctx with the given SNI (NULL: none), ALPN list (wire format, NULL:
 * none), highest version (0: any) and session to resume (may be NULL). */
static hs_t handshake(SSL_CTX *sctx, SSL_CTX *cctx, const char *sni, const unsigned char *alpn,
                      unsigned alpn_len, int max_version, SSL_SESSION *resume, int want_session)
{
    hs_t h;
    memset(&h, 0, sizeof(h));
    SSL *s = SSL_new(sctx), *c = SSL_new(cctx);
    BIO *bc = NULL, *bs = NULL;
    if (!s || !c || BIO_new_bio_pair(&bc, 0, &bs, 0) != 1)
        abort();
    SSL_set_bio(c, bc, bc);
    SSL_set_bio(s, bs, bs);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    if (sni)
        SSL_set_tlsext_host_name(c, sni);
    if (alpn)
        SSL_set_alpn_protos(c, alpn, alpn_len);
    if (max_version)
        SSL_set_max_proto_version(c, max_version);
    if (resume)
        SSL_set_session(c, resume);
    h.ok = pump(c, s);
    if (h.ok) {
        X509 *peer = SSL_get0_peer_certificate(c);
        if (peer)
            X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, h.cn,
                                      sizeof(h.cn));
        const unsigned char *p = NULL;
        unsigned n = 0;
        SSL_get0_alpn_selected(c, &p, &n);
        if (p && n < sizeof(h.alpn))
            memcpy(h.alpn, p, n);
        h.version = SSL_version(c);
        snprintf(h.cipher, sizeof(h.cipher), "%s", SSL_get_cipher_name(c));
        h.reused = SSL_session_reused(c);
        /* TLS 1.3 tickets arrive after the handshake: let the client read them. */
        char byte;
        SSL_read(c, &byte, 1);
        SSL_SESSION *sess = SSL_get1_session(c);
        h.has_ticket = sess && SSL_SESSION_has_ticket(sess);
        if (want_session)
            h.sess = sess;
        else
            SSL_SESSION_free(sess);
        /* a clean close: sessions of connections that just vanish are
         * dropped from the caches by OpenSSL */
        SSL_shutdown(c);
        SSL_shutdown(s);
    }
    ERR_clear_error();
    SSL_free(c);
    SSL_free(s);
    return h;
}

/* A client context trusting `ca` (verification on, so a broken chain fails
 * the handshake). */
static SSL_CTX *client_ctx(const char *ca)
{
    SSL_CTX *cc = SSL_CTX_new(TLS_client_method());
    if (!cc || SSL_CTX_load_verify_locations(cc, ca, NULL) != 1)
        abort();
    SSL_CTX_set_verify(cc, SSL_VERIFY_PEER, NULL);
    return cc;
}

static const unsigned char alpn_h2_h11[] = "\x02h2\x08http/1.1";
static const unsigned char alpn_h2[] = "\x02h2";

/* ---------------------------------------------------------------------- */
/* Listener TLS.                                                            */

static char ybuf[4096];

#define RESP "routes:\n  - respond: {status: 204}\n"

/* listeners: one at 127.0.0.1:8443 whose tls mapping (line 3, key at
 * column 5) is the given flow text. */
static const char *tls_listener(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *tls_listener(const char *fmt, ...)
{
    char tls[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tls, sizeof(tls), fmt, ap);
    va_end(ap);
    snprintf(ybuf, sizeof(ybuf), "listeners:\n  - listen: 127.0.0.1:8443\n    tls: %s\n" RESP, tls);
    return ybuf;
}

TEST(listener_shorthand)
{
    rp_conf_t *c = load_ok(tls_listener("{cert: \"%s\", key: \"%s\"}", a_crt, a_key));
    CHECK(c != NULL);
    if (!c)
        return;
    rp_conf_listener_tls_t *t = &c->listeners[0].tls;
    CHECK_EQ_INT(t->ncerts, 1);
    CHECK(t->ctx != NULL);
    CHECK_STR(rp_str_c(t->certs[0].cert), a_crt);
    CHECK_STR(rp_str_c(t->certs[0].key), a_key);
    CHECK_STR(rp_str_c(t->min_version), "1.2");
    CHECK(t->ciphers == NULL);
    CHECK_EQ_INT(t->session_tickets, 1);
    CHECK_EQ_INT(t->session_timeout_ms, 3600000);
    if (t->ctx) {
        CHECK(t->ctx[0] != NULL);
        CHECK_EQ_INT(SSL_CTX_get_min_proto_version(t->ctx[0]), TLS1_2_VERSION);
        CHECK_EQ_INT(SSL_CTX_get_options(t->ctx[0]) & SSL_OP_NO_TICKET, 0);
        CHECK_EQ_INT(SSL_CTX_get_timeout(t->ctx[0]), 3600);
        /* the context holds the certificate and key: a handshake works */
        SSL_CTX *cc = client_ctx(ca_crt);
        hs_t h = handshake(t->ctx[0], cc, "a.test", NULL, 0, 0, NULL, 0);
        CHECK(h.ok);
        CHECK_STR(rp_str_c(h.cn), "a.test");
        CHECK_EQ_INT(h.version, TLS1_3_VERSION);
        SSL_CTX_free(cc);
    }
    rp_conf_destroy(c);

    /* a plain listener has no TLS */
    c = load_ok("listeners:\n  - listen: 127.0.0.1:8080\n" RESP);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->listeners[0].tls.ctx == NULL);
        CHECK_EQ_INT(c->listeners[0].tls.ncerts, 0);
    }
    rp_conf_destroy(c);
}

static const char *two_certs(const char *extra)
{
    snprintf(ybuf, sizeof(ybuf),
             "listeners:\n"
             "  - listen: 127.0.0.1:8443\n"
             "    tls:\n"
             "      certificates:\n"
             "        - {cert: \"%s\", key: \"%s\"}\n"
             "        - cert: \"%s\"\n"
             "          key: \"%s\"\n"
             "%s" RESP,
             a_crt, a_key, b_crt, b_key, extra);
    return ybuf;
}

TEST(listener_certificates_list)
{
    rp_conf_t *c = load_ok(two_certs(""));
    CHECK(c != NULL);
    if (!c)
        return;
    rp_conf_listener_tls_t *t = &c->listeners[0].tls;
    CHECK_EQ_INT(t->ncerts, 2);
    CHECK(t->ctx != NULL);
    if (t->ctx) {
        CHECK(t->ctx[0] != NULL && t->ctx[1] != NULL && t->ctx[0] != t->ctx[1]);
        /* one context per certificate, in order */
        char cn[64] = "";
        X509_NAME_get_text_by_NID(X509_get_subject_name(SSL_CTX_get0_certificate(t->ctx[1])),
                                  NID_commonName, cn, sizeof(cn));
        CHECK_STR(rp_str_c(cn), "*.b.test");
    }
    CHECK_STR(rp_str_c(t->certs[1].cert), b_crt);
    CHECK_STR(rp_str_c(t->certs[1].key), b_key);
    rp_conf_destroy(c);
}

TEST(listener_options)
{
    /* min_version 1.3: TLS 1.2 clients are turned away */
    rp_conf_t *c = load_ok(tls_listener("{cert: \"%s\", key: \"%s\", min_version: \"1.3\"}", a_crt,
                                        a_key));
    CHECK(c != NULL);
    if (c) {
        SSL_CTX *s = c->listeners[0].tls.ctx ? c->listeners[0].tls.ctx[0] : NULL;
        CHECK(s != NULL);
        if (s) {
            CHECK_EQ_INT(SSL_CTX_get_min_proto_version(s), TLS1_3_VERSION);
            SSL_CTX *cc = client_ctx(ca_crt);
            CHECK(!handshake(s, cc, "a.test", NULL, 0, TLS1_2_VERSION, NULL, 0).ok);
            hs_t h = handshake(s, cc, "a.test", NULL, 0, 0, NULL, 0);
            CHECK(h.ok);
            CHECK_EQ_INT(h.version, TLS1_3_VERSION);
            SSL_CTX_free(cc);
        }
    }
    rp_conf_destroy(c);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\", min_version: \"1.1\"}", a_crt, a_key), 3,
              5, "min_version must be \"1.2\" or \"1.3\"");
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\", min_version: 1.0}", a_crt, a_key), 3, 5,
              "min_version must be");

    /* session_tickets: false turns tickets off (TLS 1.2 sessions carry none) */
    c = load_ok(tls_listener("{cert: \"%s\", key: \"%s\", session_tickets: false}", a_crt, a_key));
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->listeners[0].tls.session_tickets, 0);
        SSL_CTX *s = c->listeners[0].tls.ctx ? c->listeners[0].tls.ctx[0] : NULL;
        CHECK(s != NULL);
        if (s) {
            CHECK(SSL_CTX_get_options(s) & SSL_OP_NO_TICKET);
            SSL_CTX *cc = client_ctx(ca_crt);
            hs_t h = handshake(s, cc, "a.test", NULL, 0, TLS1_2_VERSION, NULL, 1);
            CHECK(h.ok);
            CHECK_EQ_INT(h.has_ticket, 0);
            /* sessions still resume through the server's session-id cache */
            hs_t r = handshake(s, cc, "a.test", NULL, 0, TLS1_2_VERSION, h.sess, 0);
            CHECK(r.ok);
            CHECK_EQ_INT(r.reused, 1);
            SSL_SESSION_free(h.sess);
            SSL_CTX_free(cc);
        }
    }
    rp_conf_destroy(c);
    const char *y = tls_listener("{cert: \"%s\", key: \"%s\", session_tickets: sometimes}", a_crt,
                                 a_key);
    CHECK_ERR(y, 3, col_of(y, "sometimes", 0), "session_tickets must be true or false");

    /* a TLS 1.2 cipher list is applied; a bad one is an error at tls */
    c = load_ok(tls_listener("{cert: \"%s\", key: \"%s\", ciphers: ECDHE-ECDSA-AES128-GCM-SHA256, "
                             "session_timeout: 5m}",
                             a_crt, a_key));
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(rp_str_c(c->listeners[0].tls.ciphers), "ECDHE-ECDSA-AES128-GCM-SHA256");
        CHECK_EQ_INT(c->listeners[0].tls.session_timeout_ms, 300000);
        SSL_CTX *s = c->listeners[0].tls.ctx ? c->listeners[0].tls.ctx[0] : NULL;
        CHECK(s != NULL);
        if (s) {
            CHECK_EQ_INT(SSL_CTX_get_timeout(s), 300);
            SSL_CTX *cc = client_ctx(ca_crt);
            hs_t h = handshake(s, cc, "a.test", NULL, 0, TLS1_2_VERSION, NULL, 0);
            CHECK(h.ok);
            CHECK_STR(rp_str_c(h.cipher), "ECDHE-ECDSA-AES128-GCM-SHA256");
            /* a client that only offers a cipher outside the list fails */
            SSL_CTX_set_cipher_list(cc, "ECDHE-ECDSA-AES256-GCM-SHA384");
            CHECK(!handshake(s, cc, "a.test", NULL, 0, TLS1_2_VERSION, NULL, 0).ok);
            SSL_CTX_free(cc);
        }
    }
    rp_conf_destroy(c);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\", ciphers: NOT-A-CIPHER}", a_crt, a_key), 3,
              5, "invalid TLS cipher list 'NOT-A-CIPHER'");
}

/* The listener with a.test (default) and *.b.test answering each SNI. */
TEST(sni_alpn_versions)
{
    rp_conf_t *c = load_ok(two_certs(""));
    CHECK(c != NULL);
    if (!c || !c->listeners[0].tls.ctx)
        goto out;
    SSL_CTX *s = c->listeners[0].tls.ctx[0];
    SSL_CTX *cc = client_ctx(ca_crt);
    static const struct {
        const char *sni;
        const char *cn;
    } cases[] = {
        { "a.test", "a.test" },
        { "x.b.test", "*.b.test" },
        { "X.B.TEST", "*.b.test" },      /* names compare case-insensitively */
        { "unknown.test", "a.test" },    /* no match: the first certificate */
        { "b.test", "a.test" },          /* a wildcard does not cover its parent */
        { "y.x.b.test", "a.test" },      /* nor two labels */
        { NULL, "a.test" },              /* no SNI at all */
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(cases); i++) {
        hs_t h = handshake(s, cc, cases[i].sni, alpn_h2_h11, sizeof(alpn_h2_h11) - 1, 0, NULL, 0);
        CHECK(h.ok);
        if (strcmp(h.cn, cases[i].cn) != 0)
            fprintf(stderr, "SNI %s: got certificate '%s', want '%s'\n",
                    cases[i].sni ? cases[i].sni : "(none)", h.cn, cases[i].cn);
        CHECK_STR(rp_str_c(h.cn), cases[i].cn);
        CHECK_STR(rp_str_c(h.alpn), "http/1.1");
    }

    /* ALPN: h2 only is not refused, it just gets no protocol */
    hs_t h = handshake(s, cc, "x.b.test", alpn_h2, sizeof(alpn_h2) - 1, 0, NULL, 0);
    CHECK(h.ok);
    CHECK_STR(rp_str_c(h.cn), "*.b.test");
    CHECK_STR(rp_str_c(h.alpn), "");
    h = handshake(s, cc, "a.test", NULL, 0, 0, NULL, 0);
    CHECK(h.ok);
    CHECK_STR(rp_str_c(h.alpn), "");

    /* TLS 1.2 and 1.3 both work, on either certificate */
    h = handshake(s, cc, "x.b.test", alpn_h2_h11, sizeof(alpn_h2_h11) - 1, TLS1_2_VERSION, NULL, 0);
    CHECK(h.ok);
    CHECK_EQ_INT(h.version, TLS1_2_VERSION);
    CHECK_STR(rp_str_c(h.cn), "*.b.test");
    CHECK_STR(rp_str_c(h.alpn), "http/1.1");
    h = handshake(s, cc, "a.test", NULL, 0, TLS1_3_VERSION, NULL, 0);
    CHECK(h.ok);
    CHECK_EQ_INT(h.version, TLS1_3_VERSION);

    /* TLS 1.1 is refused, even by a client willing to go that low */
    SSL_CTX *old = SSL_CTX_new(TLS_client_method());
    if (!old)
        abort();
    SSL_CTX_set_security_level(old, 0);
    SSL_CTX_set_cipher_list(old, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(old, TLS1_VERSION);
    CHECK(!handshake(s, old, "a.test", NULL, 0, TLS1_1_VERSION, NULL, 0).ok);
    CHECK(!handshake(s, old, "a.test", NULL, 0, TLS1_VERSION, NULL, 0).ok);
    /* the same client allowed up to 1.2 gets in: the refusal was the version */
    CHECK(handshake(s, old, "a.test", NULL, 0, TLS1_2_VERSION, NULL, 0).ok);
    SSL_CTX_free(old);

    /* Resumption through the second certificate's context: the ticket the
     * default context issued opens again (TLS 1.3 and 1.2). */
    for (int v = 0; v < 2; v++) {
        int ver = v ? TLS1_2_VERSION : TLS1_3_VERSION;
        hs_t first = handshake(s, cc, "x.b.test", NULL, 0, ver, NULL, 1);
        CHECK(first.ok);
        CHECK_EQ_INT(first.has_ticket, 1);
        CHECK_EQ_INT(first.reused, 0);
        hs_t again = handshake(s, cc, "x.b.test", NULL, 0, ver, first.sess, 0);
        CHECK(again.ok);
        CHECK_EQ_INT(again.reused, 1);
        CHECK_STR(rp_str_c(again.cn), "*.b.test");
        SSL_SESSION_free(first.sess);
    }
    SSL_CTX_free(cc);

    /* the chain is verified by a client trusting another CA: it fails */
    cc = client_ctx(ca2_crt);
    CHECK(!handshake(s, cc, "a.test", NULL, 0, 0, NULL, 0).ok);
    SSL_CTX_free(cc);
out:
    rp_conf_destroy(c);
}

TEST(listener_errors)
{
    char frag[512];
    /* the file is named; the position is the tls key (line 3, col 5) */
    snprintf(frag, sizeof(frag), "cannot open certificate '%s'", missing);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\"}", missing, a_key), 3, 5, frag);
    snprintf(frag, sizeof(frag), "cannot open private key '%s'", missing);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\"}", a_crt, missing), 3, 5, frag);
    snprintf(frag, sizeof(frag), "cannot load certificate chain '%s'", garbage);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\"}", garbage, a_key), 3, 5, frag);
    snprintf(frag, sizeof(frag), "cannot load private key '%s'", garbage);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\"}", a_crt, garbage), 3, 5, frag);
    /* another key of the same type, and a key of another type */
    snprintf(frag, sizeof(frag), "private key '%s' does not match certificate '%s'", other_key,
             a_crt);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\"}", a_crt, other_key), 3, 5, frag);
    snprintf(frag, sizeof(frag), "private key '%s' does not match certificate '%s'", ed_key, a_crt);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\"}", a_crt, ed_key), 3, 5, frag);
    snprintf(frag, sizeof(frag), "private key '%s' does not match certificate '%s'", a_key, b_crt);
    CHECK_ERR(tls_listener("{cert: \"%s\", key: \"%s\"}", b_crt, a_key), 3, 5, frag);

    /* a bad second certificate is reported too, naming it */
    snprintf(ybuf, sizeof(ybuf),
             "listeners:\n  - listen: 127.0.0.1:8443\n    tls:\n      certificates:\n"
             "        - {cert: \"%s\", key: \"%s\"}\n        - {cert: \"%s\", key: \"%s\"}\n" RESP,
             a_crt, a_key, b_crt, other_key);
    snprintf(frag, sizeof(frag), "private key '%s' does not match certificate '%s'", other_key,
             b_crt);
    CHECK_ERR(ybuf, 3, 5, frag);

    /* certificates and cert/key together, in either order: at the second */
    const char *both = tls_listener("{cert: \"%s\", key: \"%s\", certificates: [{cert: \"%s\", "
                                    "key: \"%s\"}]}",
                                    a_crt, a_key, b_crt, b_key);
    CHECK_ERR(both, 3, col_of(both, "[{", 0),
              "give either 'certificates' or 'cert' and 'key', not both");
    both = tls_listener("{certificates: [{cert: \"%s\", key: \"%s\"}], cert: \"%s\"}", b_crt, b_key,
                        a_crt);
    CHECK_ERR(both, 3, col_of(both, "], cert: ", 9),
              "give either 'certificates' or 'cert' and 'key', not both");

    /* no certificate at all */
    CHECK_ERR(tls_listener("{}"), 3, 5, "tls needs at least one certificate");
    CHECK_ERR(tls_listener("{min_version: \"1.3\"}"), 3, 5, "tls needs at least one certificate");
    CHECK_ERR(tls_listener("{certificates: []}"), 3, 5, "tls needs at least one certificate");
    CHECK_ERR(tls_listener("yes"), 3, 10, "expected a mapping");
    const char *y = tls_listener("{cert: \"%s\", key: \"%s\", port: 1}", a_crt, a_key);
    CHECK_ERR(y, 3, col_of(y, "port:", 0), "unknown key 'port' in tls");

    /* a health-check listener stays plain HTTP */
    snprintf(ybuf, sizeof(ybuf),
             "listeners:\n  - listen: 127.0.0.1:8080\n  - listen: 127.0.0.1:8081\n"
             "    health: /healthz\n    tls: {cert: \"%s\", key: \"%s\"}\n" RESP,
             a_crt, a_key);
    CHECK_ERR(ybuf, 5, 5, "health-check listeners speak plain HTTP");
    /* errors of two listeners are all reported, each at its own tls */
    snprintf(ybuf, sizeof(ybuf),
             "listeners:\n  - listen: 127.0.0.1:8443\n    tls: {cert: \"%s\", key: \"%s\"}\n"
             "  - listen: 127.0.0.1:8444\n    tls: {cert: \"%s\", key: \"%s\"}\n" RESP,
             missing, a_key, a_crt, other_key);
    CHECK_ERR(ybuf, 3, 5, "cannot open certificate");
    CHECK_ERR(ybuf, 5, 5, "does not match certificate");
}

/* Loading yaml must fail with an error on `line` containing frag, and no
 * message may show a NULL string ("(null)"). */
static int expect_clean_err(const char *yaml, unsigned line, const char *frag)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load(yaml, &e);
    int found = 0, nulls = 0;
    for (size_t i = 0; i < e.n; i++) {
        found |= e.v[i].line == line && strstr(e.v[i].msg, frag) != NULL;
        nulls |= strstr(e.v[i].msg, "(null)") != NULL;
    }
    int ok = c == NULL && found && !nulls;
    if (!ok) {
        fprintf(stderr, "wanted line %u '%s' and no '(null)', got:\n", line, frag);
        rp_conf_errors_print(&e, stderr);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
    return ok;
}

/* Half a certificate (cert without key, or a list item missing one) must
 * be reported as such, never by handing a NULL path to fopen(). */
TEST(listener_half_certificate)
{
    CHECK(expect_clean_err(tls_listener("{cert: \"%s\"}", a_crt), 3, "key"));
    CHECK(expect_clean_err(tls_listener("{key: \"%s\"}", a_key), 3, "cert"));
    CHECK(expect_clean_err(tls_listener("{certificates: [{cert: \"%s\"}]}", a_crt), 3,
                           "missing 'key' in certificate"));
    CHECK(expect_clean_err(tls_listener("{certificates: [x]}"), 3, "expected a mapping"));
}

/* `certificates: []` followed by cert/key is the "not both" error (and
 * leaks nothing). */
TEST(listener_empty_list_then_cert)
{
    const char *y = tls_listener("{certificates: [], cert: \"%s\", key: \"%s\"}", a_crt, a_key);
    CHECK_ERR(y, 3, col_of(y, "[], cert: ", 10),
              "give either 'certificates' or 'cert' and 'key', not both");
}

/* An empty `tls:` (YAML null) on a listener is an error, not a silent
 * plain-HTTP listener. */
TEST(listener_null_tls)
{
    CHECK_ERR("listeners:\n  - listen: 127.0.0.1:8443\n    tls:\n" RESP, 3, 5,
              "tls needs at least one certificate");
}

/* ---------------------------------------------------------------------- */
/* Upstream TLS.                                                            */

#define LIS "listeners:\n  - listen: 127.0.0.1:8080\n"
#define TO_U "routes:\n  - upstream: u\n"

/* One upstream "u" (item at line 4, its keys at column 5) with `body`
 * (lines from 5 on, indented by 4). */
static const char *upstream(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *upstream(const char *fmt, ...)
{
    char body[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    snprintf(ybuf, sizeof(ybuf), LIS "upstreams:\n  - name: u\n%s" TO_U, body);
    return ybuf;
}

TEST(upstream_tls)
{
    rp_conf_t *c = load_ok(upstream("    servers: [\"https://127.0.0.1:8443\"]\n"));
    CHECK(c != NULL);
    if (c) {
        rp_conf_upstream_t *u = &c->upstreams[0];
        CHECK_EQ_INT(u->servers[0].tls, 1);
        CHECK_EQ_INT(u->servers[0].port, 8443);
        CHECK(u->tls.ctx != NULL);
        CHECK_EQ_INT(u->tls.verify, 1);
        CHECK(u->tls.ca_file == NULL);
        CHECK(u->tls.sni == NULL);
        CHECK_STR(rp_str_c(u->tls.min_version), "1.2");
        if (u->tls.ctx) {
            CHECK_EQ_INT(SSL_CTX_get_verify_mode(u->tls.ctx), SSL_VERIFY_PEER);
            CHECK_EQ_INT(SSL_CTX_get_min_proto_version(u->tls.ctx), TLS1_2_VERSION);
        }
    }
    rp_conf_destroy(c);

    /* plain http: no context */
    c = load_ok(upstream("    servers: [\"127.0.0.1:8080\", \"http://127.0.0.1:8081\"]\n"));
    CHECK(c != NULL);
    if (c)
        CHECK(c->upstreams[0].tls.ctx == NULL);
    rp_conf_destroy(c);

    /* the context verifies against ca_file: a real handshake with a listener
     * using a certificate from that CA succeeds, from another CA fails,
     * and with verify: false it goes through anyway. ALPN is http/1.1. */
    rp_conf_t *l = load_ok(two_certs(""));
    CHECK(l != NULL);
    SSL_CTX *srv = l && l->listeners[0].tls.ctx ? l->listeners[0].tls.ctx[0] : NULL;
    CHECK(srv != NULL);
    c = load_ok(upstream("    servers: [\"https://127.0.0.1:8443\", \"http://127.0.0.1:8080\"]\n"
                         "    tls: {ca_file: \"%s\", sni: x.b.test, min_version: \"1.3\"}\n",
                         ca_crt));
    CHECK(c != NULL);
    if (c && srv) {
        rp_conf_upstream_tls_t *t = &c->upstreams[0].tls;
        CHECK_STR(rp_str_c(t->ca_file), ca_crt);
        CHECK_STR(rp_str_c(t->sni), "x.b.test");
        CHECK_STR(rp_str_c(t->min_version), "1.3");
        CHECK(t->ctx != NULL);
        if (t->ctx) {
            CHECK_EQ_INT(SSL_CTX_get_min_proto_version(t->ctx), TLS1_3_VERSION);
            hs_t h = handshake(srv, t->ctx, t->sni, NULL, 0, 0, NULL, 0);
            CHECK(h.ok);
            CHECK_STR(rp_str_c(h.cn), "*.b.test");
            CHECK_STR(rp_str_c(h.alpn), "http/1.1");
            CHECK_EQ_INT(h.version, TLS1_3_VERSION);
        }
    }
    rp_conf_destroy(c);
    c = load_ok(upstream("    servers: [\"https://127.0.0.1:8443\"]\n"
                         "    tls: {ca_file: \"%s\"}\n", ca2_crt));
    CHECK(c != NULL);
    if (c && srv && c->upstreams[0].tls.ctx)
        CHECK(!handshake(srv, c->upstreams[0].tls.ctx, "a.test", NULL, 0, 0, NULL, 0).ok);
    rp_conf_destroy(c);
    c = load_ok(upstream("    servers: [\"https://127.0.0.1:8443\"]\n"
                         "    tls: {ca_file: \"%s\", verify: false}\n", ca2_crt));
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->upstreams[0].tls.verify, 0);
        CHECK(c->upstreams[0].tls.ctx != NULL);
        if (c->upstreams[0].tls.ctx) {
            CHECK_EQ_INT(SSL_CTX_get_verify_mode(c->upstreams[0].tls.ctx), SSL_VERIFY_NONE);
            if (srv)
                CHECK(handshake(srv, c->upstreams[0].tls.ctx, "a.test", NULL, 0, 0, NULL, 0).ok);
        }
    }
    rp_conf_destroy(c);
    rp_conf_destroy(l);

    c = load_ok(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {verify: no}\n"));
    CHECK(c != NULL);
    if (c)
        CHECK_EQ_INT(c->upstreams[0].tls.verify, 0);
    rp_conf_destroy(c);
}

TEST(upstream_tls_errors)
{
    char frag[512];
    /* positions: the tls key of the upstream (line 6, column 5) */
    snprintf(frag, sizeof(frag), "cannot open CA file '%s'", missing);
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {ca_file: \"%s\"}\n",
                       missing),
              6, 5, frag);
    snprintf(frag, sizeof(frag), "cannot load CA file '%s'", garbage);
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {ca_file: \"%s\"}\n",
                       garbage),
              6, 5, frag);
    CHECK_ERR(upstream("    servers: [\"127.0.0.1:8443\"]\n    tls:\n      verify: false\n"), 6, 5,
              "tls settings need https:// servers");
    CHECK_ERR(upstream("    servers: [\"http://a.example:80\"]\n    tls: {ca_file: \"%s\"}\n",
                       ca_crt),
              6, 5, "tls settings need https:// servers");
    /* a verify that is not a plain boolean: at the value (6:19) */
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {verify: maybe}\n"), 6,
              19, "verify must be true or false");
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {verify: \"true\"}\n"),
              6, 19, "verify must be true or false");
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {verify: [true]}\n"),
              6, 19, "verify must be true or false");
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {verify: 1}\n"),
              6, 19, "verify must be true or false");
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {min_version: \"1.1\"}\n"),
              6, 5, "min_version must be");
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {cert: x}\n"), 6, 11,
              "unknown key 'cert' in tls");
    /* a directory is not a CA file */
    snprintf(frag, sizeof(frag), "cannot load CA file '%s'", dir);
    CHECK_ERR(upstream("    servers: [\"https://127.0.0.1:8443\"]\n    tls: {ca_file: \"%s\"}\n",
                       dir),
              6, 5, frag);
}

/* Host names are left to the runtime resolver; literals are filled in. */
TEST(servers_not_resolved)
{
    rp_conf_t *c = load_ok(upstream("    servers: [\"https://origin.example.com\", "
                                    "\"127.0.0.1:8080\", \"http://[::1]:81\", "
                                    "\"http://no-such-host.invalid:8000\"]\n"));
    CHECK(c != NULL);
    if (!c)
        return;
    rp_conf_upstream_t *u = &c->upstreams[0];
    CHECK_EQ_INT(u->nservers, 4);
    CHECK_STR(rp_str_c(u->servers[0].host), "origin.example.com");
    CHECK_EQ_INT(u->servers[0].addrlen, 0);
    CHECK_EQ_INT(u->servers[0].addr.ss_family, AF_UNSPEC);
    CHECK_EQ_INT(u->servers[0].port, 443);
    CHECK_EQ_INT(u->servers[0].tls, 1);
    CHECK_EQ_INT(u->servers[1].addrlen, sizeof(struct sockaddr_in));
    CHECK_EQ_INT(u->servers[1].addr.ss_family, AF_INET);
    CHECK_EQ_INT(ntohs(((struct sockaddr_in *)&u->servers[1].addr)->sin_port), 8080);
    CHECK_EQ_INT(u->servers[1].tls, 0);
    CHECK_EQ_INT(u->servers[2].addrlen, sizeof(struct sockaddr_in6));
    CHECK_EQ_INT(ntohs(((struct sockaddr_in6 *)&u->servers[2].addr)->sin6_port), 81);
    /* a name that can never resolve still loads */
    CHECK_STR(rp_str_c(u->servers[3].host), "no-such-host.invalid");
    CHECK_EQ_INT(u->servers[3].addrlen, 0);
    CHECK_EQ_INT(u->servers[3].port, 8000);
    CHECK(u->tls.ctx != NULL); /* one https server is enough */
    rp_conf_destroy(c);
}

/* ---------------------------------------------------------------------- */
/* API Gateway.                                                             */

#define GW_NAME "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
#define VPCE "vpce-0abc-def.execute-api.eu-west-1.vpce.amazonaws.com"

TEST(apigw_regional)
{
    rp_conf_t *c = load_ok(upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1, "
                                    "stage: prod}\n"));
    CHECK(c != NULL);
    if (!c)
        return;
    rp_conf_upstream_t *u = &c->upstreams[0];
    CHECK_EQ_INT(u->nservers, 1);
    CHECK_STR(rp_str_c(u->servers[0].text), "https://" GW_NAME ":443");
    CHECK_STR(rp_str_c(u->servers[0].host), GW_NAME);
    CHECK_EQ_INT(u->servers[0].port, 443);
    CHECK_EQ_INT(u->servers[0].tls, 1);
    CHECK_EQ_INT(u->servers[0].addrlen, 0);
    CHECK_STR(rp_str_c(u->host), GW_NAME);
    CHECK_STR(rp_str_c(u->tls.sni), GW_NAME);
    CHECK_STR(rp_str_c(u->api_gateway.hostname), GW_NAME);
    CHECK_STR(rp_str_c(u->api_gateway.api_id), "a1b2c3d4e5");
    CHECK_STR(rp_str_c(u->api_gateway.region), "eu-west-1");
    CHECK_STR(rp_str_c(u->api_gateway.stage), "prod");
    CHECK_EQ_INT(u->api_gateway.endpoint, RP_APIGW_REGIONAL);
    CHECK(u->api_gateway.vpc_endpoint == NULL);
    CHECK_EQ_INT(u->api_gateway.port, 443);
    CHECK_STR(rp_str_c(u->path_prefix), "/prod");
    CHECK_EQ_INT(u->nset_headers, 0);
    CHECK(u->tls.ctx != NULL);
    CHECK_EQ_INT(u->tls.verify, 1);
    rp_conf_destroy(c);

    /* no stage: no prefix; another port shows in the server */
    c = load_ok(upstream("    api_gateway:\n      api_id: zz9\n      region: us-east-2\n"
                         "      endpoint: regional\n      port: 8443\n"));
    CHECK(c != NULL);
    if (c) {
        u = &c->upstreams[0];
        CHECK(u->path_prefix == NULL);
        CHECK_STR(rp_str_c(u->servers[0].text),
                  "https://zz9.execute-api.us-east-2.amazonaws.com:8443");
        CHECK_EQ_INT(u->servers[0].port, 8443);
        CHECK_STR(rp_str_c(u->host), "zz9.execute-api.us-east-2.amazonaws.com");
    }
    rp_conf_destroy(c);
}

TEST(apigw_private)
{
    rp_conf_t *c = load_ok(upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1, "
                                    "stage: prod, endpoint: private}\n"));
    CHECK(c != NULL);
    if (c) {
        rp_conf_upstream_t *u = &c->upstreams[0];
        CHECK_EQ_INT(u->api_gateway.endpoint, RP_APIGW_PRIVATE);
        CHECK_EQ_INT(u->nservers, 1);
        CHECK_STR(rp_str_c(u->servers[0].text), "https://" GW_NAME ":443");
        CHECK_STR(rp_str_c(u->servers[0].host), GW_NAME);
        CHECK_STR(rp_str_c(u->host), GW_NAME);
        CHECK_STR(rp_str_c(u->tls.sni), GW_NAME);
        CHECK_STR(rp_str_c(u->path_prefix), "/prod");
        CHECK_EQ_INT(u->nset_headers, 1);
        if (u->nset_headers == 1) {
            CHECK_STR(rp_str_c(u->set_headers[0].name), "x-apigw-api-id");
            CHECK_STR(rp_str_c(u->set_headers[0].value), "a1b2c3d4e5");
        }
    }
    rp_conf_destroy(c);

    /* through an interface endpoint: connect to it, name the API */
    c = load_ok(upstream("    api_gateway:\n      api_id: a1b2c3d4e5\n      region: eu-west-1\n"
                         "      endpoint: private\n      vpc_endpoint: " VPCE "\n"
                         "    set_headers: {X-Extra: one}\n"));
    CHECK(c != NULL);
    if (c) {
        rp_conf_upstream_t *u = &c->upstreams[0];
        CHECK_EQ_INT(u->nservers, 1);
        CHECK_STR(rp_str_c(u->servers[0].host), VPCE);
        CHECK_STR(rp_str_c(u->servers[0].text), "https://" VPCE ":443");
        CHECK_EQ_INT(u->servers[0].tls, 1);
        CHECK_EQ_INT(u->servers[0].addrlen, 0);
        CHECK_STR(rp_str_c(u->host), GW_NAME);
        CHECK_STR(rp_str_c(u->tls.sni), GW_NAME);
        CHECK_STR(rp_str_c(u->api_gateway.hostname), GW_NAME);
        CHECK_STR(rp_str_c(u->api_gateway.vpc_endpoint), VPCE);
        CHECK(u->path_prefix == NULL);
        /* the user's headers stay, the API id is added */
        CHECK_EQ_INT(u->nset_headers, 2);
        if (u->nset_headers == 2) {
            CHECK_STR(rp_str_c(u->set_headers[0].name), "X-Extra");
            CHECK_STR(rp_str_c(u->set_headers[1].name), "x-apigw-api-id");
            CHECK_STR(rp_str_c(u->set_headers[1].value), "a1b2c3d4e5");
        }
    }
    rp_conf_destroy(c);
}

TEST(apigw_overrides)
{
    rp_conf_t *c = load_ok(upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1, "
                                    "stage: prod, endpoint: private}\n"
                                    "    host: api.example.com\n"
                                    "    path_prefix: /v2\n"
                                    "    tls: {sni: sni.example.com, ca_file: \"%s\"}\n",
                                    ca_crt));
    CHECK(c != NULL);
    if (c) {
        rp_conf_upstream_t *u = &c->upstreams[0];
        CHECK_STR(rp_str_c(u->host), "api.example.com");
        CHECK_STR(rp_str_c(u->tls.sni), "sni.example.com");
        CHECK_STR(rp_str_c(u->path_prefix), "/v2");
        CHECK_STR(rp_str_c(u->tls.ca_file), ca_crt);
        CHECK(u->tls.ctx != NULL);
        /* the server is still the derived one */
        CHECK_STR(rp_str_c(u->servers[0].host), GW_NAME);
        CHECK_STR(rp_str_c(u->api_gateway.hostname), GW_NAME);
    }
    rp_conf_destroy(c);
    /* an override only of the host keeps the derived SNI, and vice versa */
    c = load_ok(upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1}\n"
                         "    tls: {sni: sni.example.com}\n"));
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(rp_str_c(c->upstreams[0].host), GW_NAME);
        CHECK_STR(rp_str_c(c->upstreams[0].tls.sni), "sni.example.com");
    }
    rp_conf_destroy(c);
}

/* A private API Gateway upstream whose set_headers already has
 * x-apigw-api-id (any case) keeps the user's value, once. */
TEST(apigw_api_id_header_once)
{
    rp_conf_errors_t e;
    rp_conf_t *c = load(upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1, "
                                 "endpoint: private}\n    set_headers: {X-Apigw-Api-Id: other}\n"),
                        &e);
    if (c) {
        size_t n = 0;
        for (size_t i = 0; i < c->upstreams[0].nset_headers; i++)
            n += rp_str_ieq(rp_str_c(c->upstreams[0].set_headers[i].name),
                            RP_STRLIT("x-apigw-api-id"));
        CHECK_EQ_INT(n, 1);
    } else {
        CHECK(e.n > 0);
    }
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&e);
}

TEST(apigw_errors)
{
    CHECK_ERR(upstream("    servers: [\"https://x.example.com\"]\n"
                       "    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1}\n"),
              5, 5, "an api_gateway upstream derives its servers; remove 'servers'");
    /* value errors sit at the value: "    api_gateway: {api_id: " is 26
     * columns, so api_id's value is at 27 and region's (after
     * "a1b2c3d4e5, region: ") at 47 */
    CHECK_ERR(upstream("    api_gateway: {api_id: a1b2c3d4e5, region: Europe}\n"), 5, 47,
              "region must look like eu-west-1");
    CHECK_ERR(upstream("    api_gateway: {api_id: a1b2c3d4e5, region: euwest1}\n"), 5, 47,
              "region must look like eu-west-1");
    CHECK_ERR(upstream("    api_gateway: {api_id: A1B2C3D4E5, region: eu-west-1}\n"), 5, 27,
              "api_id must be the API's id");
    CHECK_ERR(upstream("    api_gateway: {api_id: a1b2.c3d4, region: eu-west-1}\n"), 5, 27,
              "api_id must be the API's id");
    const char *y = upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1, stage: a/b}\n");
    CHECK_ERR(y, 5, col_of(y, "a/b", 0), "stage must be a stage name like prod");
    /* vpc_endpoint needs endpoint: private (default regional, or explicit) */
    CHECK_ERR(upstream("    api_gateway:\n      api_id: a1b2c3d4e5\n      region: eu-west-1\n"
                       "      vpc_endpoint: " VPCE "\n"),
              8, 7, "vpc_endpoint applies to endpoint: private");
    CHECK_ERR(upstream("    api_gateway:\n      api_id: a1b2c3d4e5\n      region: eu-west-1\n"
                       "      endpoint: regional\n      vpc_endpoint: " VPCE "\n"),
              9, 7, "vpc_endpoint applies to endpoint: private");
    CHECK_ERR(upstream("    api_gateway:\n      api_id: a1b2c3d4e5\n      region: eu-west-1\n"
                       "      endpoint: private\n      vpc_endpoint: \"https://" VPCE "\"\n"),
              9, 21, "vpc_endpoint must be the endpoint's DNS name");
    y = upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1, endpoint: edge}\n");
    CHECK_ERR(y, 5, col_of(y, "edge", 0), "endpoint must be regional or private");
    CHECK_ERR(upstream("    api_gateway: {api_id: a1b2c3d4e5}\n"), 5, 18,
              "missing 'region' in api_gateway");
    CHECK_ERR(upstream("    api_gateway:\n      region: eu-west-1\n"), 6, 7,
              "missing 'api_id' in api_gateway");
    y = upstream("    api_gateway: {api_id: a1b2c3d4e5, region: eu-west-1, port: 0}\n");
    CHECK_ERR(y, 5, col_of(y, "0}", 0), "port must be between 1 and 65535");
    /* neither servers nor api_gateway: at the upstream item */
    CHECK_ERR(upstream("    keepalive: 4\n"), 4, 5, "missing 'servers' in upstream (or 'api_gateway')");
    /* several problems at once are all reported */
    y = upstream("    api_gateway: {api_id: A_B, region: Europe, endpoint: regional, "
                 "vpc_endpoint: " VPCE "}\n");
    CHECK_ERR(y, 5, col_of(y, "A_B", 0), "api_id must be");
    CHECK_ERR(y, 5, col_of(y, "Europe", 0), "region must look like");
    CHECK_ERR(y, 5, col_of(y, "vpc_endpoint:", 0), "vpc_endpoint applies to endpoint: private");
}

/* ---------------------------------------------------------------------- */
/* dns.                                                                     */

static uint16_t port_of(const struct sockaddr_storage *ss)
{
    return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
                                          : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

TEST(dns)
{
    rp_conf_t *c = load_ok(LIS RESP);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->dns.min_ttl_ms, 5000);
        CHECK_EQ_INT(c->dns.max_ttl_ms, 300000);
        CHECK_EQ_INT(c->dns.timeout_ms, 2000);
        CHECK_EQ_INT(c->dns.retry_ms, 5000);
        CHECK_STR(rp_str_c(c->dns.family), "any");
        CHECK_EQ_INT(c->dns.nservers, 0);
        CHECK(c->dns.servers == NULL);
    }
    rp_conf_destroy(c);

    c = load_ok("dns:\n  servers: [\"127.0.0.1:5353\", \"10.0.0.2\", \"[::1]:53\", \"fd00::2\"]\n"
                "  min_ttl: 1s\n  max_ttl: 1h\n  timeout: 500ms\n  retry: 30s\n  family: ipv6\n"
                LIS RESP);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->dns.nservers, 4);
        if (c->dns.nservers == 4) {
            char a[INET6_ADDRSTRLEN];
            CHECK_EQ_INT(c->dns.servers[0].ss_family, AF_INET);
            CHECK_EQ_INT(port_of(&c->dns.servers[0]), 5353);
            inet_ntop(AF_INET, &((struct sockaddr_in *)&c->dns.servers[0])->sin_addr, a, sizeof(a));
            CHECK_STR(rp_str_c(a), "127.0.0.1");
            CHECK_EQ_INT(c->dns.servers[1].ss_family, AF_INET);
            CHECK_EQ_INT(port_of(&c->dns.servers[1]), 53);
            inet_ntop(AF_INET, &((struct sockaddr_in *)&c->dns.servers[1])->sin_addr, a, sizeof(a));
            CHECK_STR(rp_str_c(a), "10.0.0.2");
            CHECK_EQ_INT(c->dns.servers[2].ss_family, AF_INET6);
            CHECK_EQ_INT(port_of(&c->dns.servers[2]), 53);
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&c->dns.servers[2])->sin6_addr, a,
                      sizeof(a));
            CHECK_STR(rp_str_c(a), "::1");
            CHECK_EQ_INT(c->dns.servers[3].ss_family, AF_INET6);
            CHECK_EQ_INT(port_of(&c->dns.servers[3]), 53);
        }
        CHECK_EQ_INT(c->dns.min_ttl_ms, 1000);
        CHECK_EQ_INT(c->dns.max_ttl_ms, 3600000);
        CHECK_EQ_INT(c->dns.timeout_ms, 500);
        CHECK_EQ_INT(c->dns.retry_ms, 30000);
        CHECK_STR(rp_str_c(c->dns.family), "ipv6");
    }
    rp_conf_destroy(c);

    /* a single server needs no list */
    c = load_ok("dns: {servers: \"10.0.0.3:5300\", family: ipv4}\n" LIS RESP);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(c->dns.nservers, 1);
        if (c->dns.nservers)
            CHECK_EQ_INT(port_of(&c->dns.servers[0]), 5300);
        CHECK_STR(rp_str_c(c->dns.family), "ipv4");
    }
    rp_conf_destroy(c);

    CHECK_ERR("dns:\n  servers: [\"10.0.0.2\", \"dns.example.com\"]\n" LIS RESP, 2, 25,
              "invalid DNS server 'dns.example.com'");
    CHECK_ERR("dns:\n  servers: [\"dns.example.com:53\"]\n" LIS RESP, 2, 13, "invalid DNS server");
    CHECK_ERR("dns:\n  servers: [\"udp://10.0.0.2:53\"]\n" LIS RESP, 2, 13, "invalid DNS server");
    CHECK_ERR("dns:\n  servers: [\"10.0.0.2:99999\"]\n" LIS RESP, 2, 13, "invalid DNS server");
    CHECK_ERR("dns:\n  servers: [[10.0.0.2]]\n" LIS RESP, 2, 13, "invalid DNS server");
    CHECK_ERR("dns:\n  family: ipv5\n" LIS RESP, 2, 11, "family must be any, ipv4 or ipv6");
    CHECK_ERR("dns:\n  timeout: 2m\n" LIS RESP, 2, 12, "timeout must be between");
    CHECK_ERR("dns:\n  min_ttl: 10ms\n" LIS RESP, 2, 12, "min_ttl must be between");
    CHECK_ERR("dns:\n  resolver: x\n" LIS RESP, 2, 3, "unknown key 'resolver' in dns");
}

/* ---------------------------------------------------------------------- */
/* Quick start.                                                             */

TEST(quickstart_https)
{
    rp_conf_errors_t e;
    rp_conf_errors_init(&e);
    rp_conf_t *c = rp_conf_quickstart("127.0.0.1:18080", "https://origin.example.com/base", &e);
    rp_conf_errors_print(&e, stderr);
    CHECK(c != NULL);
    CHECK_EQ_INT(e.n, 0);
    if (c) {
        CHECK_EQ_INT(c->nupstreams, 1);
        rp_conf_upstream_t *u = &c->upstreams[0];
        CHECK_EQ_INT(u->nservers, 1);
        CHECK_STR(rp_str_c(u->servers[0].text), "https://origin.example.com");
        CHECK_STR(rp_str_c(u->servers[0].host), "origin.example.com");
        CHECK_EQ_INT(u->servers[0].tls, 1);
        CHECK_EQ_INT(u->servers[0].port, 443);
        CHECK_EQ_INT(u->servers[0].addrlen, 0);
        CHECK_STR(rp_str_c(u->host), "origin.example.com");
        CHECK(u->tls.ctx != NULL);
        CHECK_EQ_INT(u->tls.verify, 1);
        CHECK(u->tls.ca_file == NULL);
        CHECK_EQ_INT(c->nroutes, 1);
        CHECK_STR(rp_str_c(c->routes[0].add_prefix), "/base");
        CHECK_STR(rp_str_c(c->routes[0].upstream), "origin");
        CHECK(c->listeners[0].tls.ctx == NULL);
    }
    rp_conf_destroy(c);

    /* a literal address: no Host to send, no prefix */
    c = rp_conf_quickstart("18080", "https://127.0.0.1:8443", &e);
    CHECK(c != NULL);
    if (c) {
        rp_conf_upstream_t *u = &c->upstreams[0];
        CHECK(u->host == NULL);
        CHECK_EQ_INT(u->servers[0].tls, 1);
        CHECK_EQ_INT(u->servers[0].port, 8443);
        CHECK_EQ_INT(u->servers[0].addrlen, sizeof(struct sockaddr_in));
        CHECK(u->tls.ctx != NULL);
        CHECK(c->routes[0].add_prefix == NULL);
        CHECK_STR(rp_str_c(c->listeners[0].listen), ":18080");
    }
    rp_conf_destroy(c);
    c = rp_conf_quickstart("127.0.0.1:18080", "https://[::1]:8443/", &e);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->upstreams[0].host == NULL);
        CHECK_EQ_INT(c->upstreams[0].servers[0].addr.ss_family, AF_INET6);
        CHECK(c->routes[0].add_prefix == NULL);
    }
    rp_conf_destroy(c);
    /* plain http to a name: the client's Host is kept */
    c = rp_conf_quickstart("127.0.0.1:18080", "http://origin.example.com:8080", &e);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->upstreams[0].host == NULL);
        CHECK(c->upstreams[0].tls.ctx == NULL);
        CHECK_EQ_INT(c->upstreams[0].servers[0].addrlen, 0);
    }
    rp_conf_destroy(c);
    CHECK_EQ_INT(e.n, 0);
    rp_conf_errors_dispose(&e);
}

int main(void)
{
    fixtures_make();
    RUN(listener_shorthand);
    RUN(listener_certificates_list);
    RUN(listener_options);
    RUN(sni_alpn_versions);
    RUN(listener_errors);
    RUN(listener_half_certificate);
    RUN(listener_empty_list_then_cert);
    RUN(listener_null_tls);
    RUN(upstream_tls);
    RUN(upstream_tls_errors);
    RUN(servers_not_resolved);
    RUN(apigw_regional);
    RUN(apigw_private);
    RUN(apigw_overrides);
    RUN(apigw_errors);
    RUN(apigw_api_id_header_once);
    RUN(dns);
    RUN(quickstart_https);
    ERR_clear_error();
    fixtures_remove();
    TEST_MAIN_END();
}
