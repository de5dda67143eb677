/*
 * errors.c - the list of positioned config errors.
 *
 * Every message starts lowercase and names what is wrong; the position
 * points at the offending key or value ("file:line:col: msg"). Errors not
 * tied to a line (unreadable file, quick-start arguments) print as
 * "file: msg".
 */
#include "config/config_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void rp_conf_errors_init(rp_conf_errors_t *e)
{
    e->v = NULL;
    e->n = 0;
}

void rp_conf_errors_dispose(rp_conf_errors_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].file);
        free(e->v[i].msg);
    }
    free(e->v);
    e->v = NULL;
    e->n = 0;
}

void rp_conf_errors_print(const rp_conf_errors_t *e, FILE *out)
{
    for (size_t i = 0; i < e->n; i++) {
        const rp_conf_error_t *x = &e->v[i];
        if (x->line)
            fprintf(out, "%s:%u:%u: %s\n", x->file, x->line, x->col, x->msg);
        else
            fprintf(out, "%s: %s\n", x->file, x->msg);
    }
}

static void push(rp__conf_ctx_t *ctx, unsigned line, unsigned col, const char *msg)
{
    ctx->nerr++;
    if (!ctx->errs)
        return;
    if (ctx->nerr > RP__CONF_MAX_ERRORS + 1)
        return;
    if (ctx->nerr == RP__CONF_MAX_ERRORS + 1) {
        msg = "too many errors, giving up listing them";
        line = col = 0;
    }
    if (ctx->no_positions)
        line = col = 0;
    rp_conf_errors_t *e = ctx->errs;
    e->v = rp_xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
    rp_conf_error_t *x = &e->v[e->n++];
    x->file = rp_xstrndup(ctx->file, strlen(ctx->file));
    x->line = line;
    x->col = line ? col : 0;
    x->msg = rp_xstrndup(msg, strlen(msg));
}

static void vpush(rp__conf_ctx_t *ctx, unsigned line, unsigned col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void vpush(rp__conf_ctx_t *ctx, unsigned line, unsigned col, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    push(ctx, line, col, msg);
}

void rp__conf_err_at(rp__conf_ctx_t *ctx, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpush(ctx, line, col, fmt, ap);
    va_end(ap);
}

void rp__conf_err(rp__conf_ctx_t *ctx, const rp__cnode_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpush(ctx, n ? n->line : 0, n ? n->col : 0, fmt, ap);
    va_end(ap);
}

const char *rp__conf_show(const char *s, size_t n, char *buf, size_t cap)
{
    size_t max = cap > 4 ? cap - 4 : 0, j = 0;
    if (max > 60)
        max = 60;
    for (size_t i = 0; i < n && j < max; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[j++] = (c >= 0x20 && c < 0x7f) || c >= 0x80 ? (char)c : '?';
    }
    if (n > max && cap >= 4) {
        memcpy(buf + j, "...", 3);
        j += 3;
    }
    if (cap)
        buf[j < cap ? j : cap - 1] = '\0';
    return buf;
}
