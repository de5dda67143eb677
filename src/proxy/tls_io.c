/*
 * The transport under client and upstream connections: plain socket
 * calls, or OpenSSL on the same non-blocking socket.
 *
 * OpenSSL may need to write while we read (a TLS 1.3 key update) or read
 * while we write; both come back as EAGAIN here. The connection callbacks
 * of TLS connections therefore treat any readiness as both readable and
 * writable, and the drive loops simply retry. Renegotiation is off in the
 * contexts, so nothing else asks for the other direction.
 *
 * The error queue is per thread: every failing call leaves its reason in
 * a thread-local buffer (for the log line the caller writes) and clears
 * the queue, so the next SSL_get_error on this thread sees a clean state.
 */
#include "proxy_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

static _Thread_local char tls_err[200];

const char *rp__tls_error(void)
{
    return tls_err[0] ? tls_err : "TLS error";
}

void rp__tls_note_error(SSL *ssl)
{
    long vr = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    if (vr != X509_V_OK)
        snprintf(tls_err, sizeof(tls_err), "certificate verify failed: %s",
                 X509_verify_cert_error_string(vr));
    else
        snprintf(tls_err, sizeof(tls_err), "%s", reason ? reason : "TLS protocol error");
    ERR_clear_error();
}

/* Maps an SSL_read/SSL_write result to the read(2) convention. */
static ssize_t tls_result(SSL *ssl, int r)
{
    int err = SSL_get_error(ssl, r);
    switch (err) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (errno == 0)
            return 0; /* EOF without close_notify (IGNORE_UNEXPECTED_EOF) */
        snprintf(tls_err, sizeof(tls_err), "%s", strerror(errno));
        return -1;
    default:
        rp__tls_note_error(ssl);
        errno = EPROTO;
        return -1;
    }
}

ssize_t rp__io_read(int fd, SSL *ssl, void *p, size_t n)
{
    if (!ssl) {
        ssize_t k;
        do {
            k = read(fd, p, n);
        } while (k < 0 && errno == EINTR);
        return k;
    }
    errno = 0;
    int r = SSL_read(ssl, p, (int)RP_MIN(n, (size_t)INT_MAX));
    return r > 0 ? r : tls_result(ssl, r);
}

ssize_t rp__io_write(int fd, SSL *ssl, const void *p, size_t n)
{
    if (!ssl) {
        ssize_t k;
        do {
            k = send(fd, p, n, MSG_NOSIGNAL);
        } while (k < 0 && errno == EINTR);
        return k;
    }
    if (n == 0)
        return 0;
    errno = 0;
    int r = SSL_write(ssl, p, (int)RP_MIN(n, (size_t)INT_MAX));
    if (r > 0)
        return r;
    ssize_t k = tls_result(ssl, r);
    if (k == 0) {
        errno = EPIPE; /* the peer closed: writing is an error, not EOF */
        return -1;
    }
    return k;
}

void rp__tls_shutdown(SSL *ssl)
{
    if (ssl && SSL_is_init_finished(ssl)) {
        SSL_shutdown(ssl); /* queues close_notify; the socket is non-blocking */
        ERR_clear_error();
    }
}
