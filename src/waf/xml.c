/*
 * xml.c - XML bodies through expat, without ever expanding an entity.
 *
 * Expat never loads anything by itself (no external entity handler is
 * set). Two more things keep entity tricks out:
 *   - a default handler is installed, which makes expat pass references
 *     to internal general entities in content to it instead of expanding
 *     them; we keep them in the text as written ("&xxe;"), so a billion-
 *     laughs document costs what it weighs;
 *   - references in attribute values are always expanded by expat, so the
 *     billion-laughs protection is tightened (amplification 2.0 above
 *     4 KiB): any real expansion stops the parse, which the caller reports
 *     as an anomaly.
 * The DOCTYPE and each entity declaration are reported as events with
 * their text as written, so the XXE detector sees
 * `<!ENTITY x SYSTEM "file:///etc/passwd">`.
 *
 * Expat allocates with malloc; so does this file (the element stack and
 * the text buffer), and everything is freed before returning.
 */
#include "waf/decode_int.h"

#include <limits.h>
#include <stdlib.h>

/* The billion-laughs knobs are declared only when XML_DTD is defined;
 * Debian's expat is built with it (expat_config.h). */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>

#define PATH_CAP 1024
#define NAME_CAP 128

typedef struct frame {
    size_t plen;     /* path length before this element's name */
    size_t tstart;   /* where this element's text starts in text[] */
    size_t cstart;   /* input offset just after the start tag */
    int has_child;
} frame_t;

typedef struct xctx {
    XML_Parser xp;
    const char *base;
    size_t n;
    rp__xml_cb cb;
    void *ud;
    size_t max_depth, max_text;
    int rc;                 /* 0, or -2/-3/-4 once stopped */
    char path[PATH_CAP + NAME_CAP + 2];
    size_t plen;
    frame_t *frames;
    size_t depth, fcap;
    char *text;
    size_t tlen, tcap;
    size_t doctype_start;   /* offset of "<!DOCTYPE" */
} xctx_t;

static void stop(xctx_t *x, int rc)
{
    if (x->rc == 0)
        x->rc = rc;
    XML_StopParser(x->xp, XML_FALSE);
}

static int emit(xctx_t *x, rp__xml_event_t ev, rp_str_t raw, rp_str_t value)
{
    if (x->rc)
        return -1;
    if (x->cb(x->ud, ev, rp_str(x->path, x->plen), raw, value) != 0) {
        stop(x, -3);
        return -1;
    }
    return 0;
}

/* Appends sep + s (cut to NAME_CAP) to the path when there is room. */
static void path_push(xctx_t *x, char sep, const char *s, size_t n)
{
    n = RP_MIN(n, (size_t)NAME_CAP);
    if (x->plen + 1 + n > PATH_CAP)
        return;
    if (sep)
        x->path[x->plen++] = sep;
    memcpy(x->path + x->plen, s, n);
    x->plen += n;
}

/* The input slice [off, off + len) when it lies inside the document. */
static int input_slice(const xctx_t *x, XML_Index off, size_t len, rp_str_t *out)
{
    if (off < 0 || (size_t)off > x->n || len > x->n - (size_t)off)
        return 0;
    *out = rp_str(x->base + off, len);
    return 1;
}

static void text_append(xctx_t *x, const char *s, size_t len)
{
    if (x->depth == 0 || x->rc)
        return;
    size_t have = x->tlen - x->frames[x->depth - 1].tstart;
    if (have >= x->max_text)
        return;
    len = RP_MIN(len, x->max_text - have);
    if (x->tcap - x->tlen < len) {
        size_t cap = x->tcap ? x->tcap : 256;
        while (cap - x->tlen < len)
            cap *= 2;
        char *t = realloc(x->text, cap);
        if (!t) {
            stop(x, -4);
            return;
        }
        x->text = t;
        x->tcap = cap;
    }
    memcpy(x->text + x->tlen, s, len);
    x->tlen += len;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx_t *x = ud;
    if (x->rc)
        return;
    if (x->depth >= x->max_depth) {
        stop(x, -2);
        return;
    }
    if (x->depth == x->fcap) {
        size_t cap = x->fcap ? x->fcap * 2 : 16;
        frame_t *f = realloc(x->frames, cap * sizeof(*f));
        if (!f) {
            stop(x, -4);
            return;
        }
        x->frames = f;
        x->fcap = cap;
    }
    if (x->depth)
        x->frames[x->depth - 1].has_child = 1;
    frame_t *f = &x->frames[x->depth++];
    f->plen = x->plen;
    f->tstart = x->tlen;
    f->has_child = 0;
    XML_Index at = XML_GetCurrentByteIndex(x->xp);
    f->cstart = at >= 0 ? (size_t)at + (size_t)XML_GetCurrentByteCount(x->xp) : 0;
    path_push(x, x->depth > 1 ? '/' : 0, name, strlen(name));
    for (size_t i = 0; atts[i] && atts[i + 1]; i += 2) {
        size_t keep = x->plen;
        path_push(x, '@', atts[i], strlen(atts[i]));
        rp_str_t v = rp_str_c(atts[i + 1]);
        int r = emit(x, RP__XML_ATTR, v, v);
        x->plen = keep;
        if (r)
            return;
    }
}

static int blank_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xctx_t *x = ud;
    RP_UNUSED(name);
    if (x->rc || x->depth == 0)
        return;
    frame_t *f = &x->frames[x->depth - 1];
    rp_str_t value = rp_str(x->text ? x->text + f->tstart : "", x->tlen - f->tstart);
    if (value.n && !blank_only(value.p, value.n)) {
        rp_str_t raw = value;
        XML_Index at = XML_GetCurrentByteIndex(x->xp);
        /* A leaf's raw text is what lies between its tags. */
        if (!f->has_child && at >= 0 && (size_t)at >= f->cstart)
            input_slice(x, (XML_Index)f->cstart, (size_t)at - f->cstart, &raw);
        if (emit(x, RP__XML_TEXT, raw, value))
            return;
    }
    x->tlen = f->tstart;
    x->plen = f->plen;
    x->depth--;
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len)
{
    if (len > 0)
        text_append(ud, s, (size_t)len);
}

/* Everything expat does not report otherwise. Entity references in
 * content arrive here unexpanded; keep them in the text as written. */
static void XMLCALL on_default(void *ud, const XML_Char *s, int len)
{
    if (len >= 3 && s[0] == '&' && s[len - 1] == ';')
        text_append(ud, s, (size_t)len);
}

static void XMLCALL on_pi(void *ud, const XML_Char *target, const XML_Char *data)
{
    xctx_t *x = ud;
    if (x->rc)
        return;
    size_t keep = x->plen;
    path_push(x, '?', target, strlen(target));
    rp_str_t v = rp_str_c(data), raw = v;
    input_slice(x, XML_GetCurrentByteIndex(x->xp), (size_t)XML_GetCurrentByteCount(x->xp), &raw);
    emit(x, RP__XML_PI, raw, v);
    x->plen = keep;
}

/* Start of the markup declaration that contains offset `at`: the last
 * "<!" at or before it. */
static size_t decl_start(const xctx_t *x, size_t at)
{
    size_t i = RP_MIN(at, x->n > 0 ? x->n - 1 : 0);
    for (;;) {
        if (i + 1 < x->n && x->base[i] == '<' && x->base[i + 1] == '!')
            return i;
        if (i == 0)
            return at;
        i--;
    }
}

/* End (just past '>') of the declaration whose literals start at `at`. */
static size_t decl_end(const xctx_t *x, size_t at)
{
    char q = 0;
    for (size_t i = at; i < x->n; i++) {
        char c = x->base[i];
        if (q) {
            if (c == q)
                q = 0;
        } else if (c == '"' || c == '\'') {
            q = c;
        } else if (c == '>') {
            return i + 1;
        }
    }
    return x->n;
}

static void XMLCALL on_doctype_start(void *ud, const XML_Char *name, const XML_Char *sysid,
                                     const XML_Char *pubid, int has_internal)
{
    xctx_t *x = ud;
    RP_UNUSED(name);
    RP_UNUSED(sysid);
    RP_UNUSED(pubid);
    RP_UNUSED(has_internal);
    XML_Index at = XML_GetCurrentByteIndex(x->xp);
    x->doctype_start = at >= 0 ? decl_start(x, (size_t)at) : 0;
}

static void XMLCALL on_doctype_end(void *ud)
{
    xctx_t *x = ud;
    if (x->rc)
        return;
    XML_Index at = XML_GetCurrentByteIndex(x->xp);
    size_t end = at >= 0 ? (size_t)at + (size_t)XML_GetCurrentByteCount(x->xp) : x->n;
    end = RP_MIN(end, x->n);
    size_t st = RP_MIN(x->doctype_start, end);
    rp_str_t raw = rp_str(x->base + st, end - st);
    size_t keep = x->plen;
    path_push(x, 0, "!doctype", 8);
    emit(x, RP__XML_DOCTYPE, raw, raw);
    x->plen = keep;
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    xctx_t *x = ud;
    RP_UNUSED(value);
    RP_UNUSED(value_len);
    RP_UNUSED(base);
    RP_UNUSED(sysid);
    RP_UNUSED(pubid);
    RP_UNUSED(notation);
    if (x->rc)
        return;
    /* Expat points at the declaration's literal: widen to "<!ENTITY ... >". */
    XML_Index at = XML_GetCurrentByteIndex(x->xp);
    size_t a = at >= 0 ? RP_MIN((size_t)at, x->n) : 0;
    size_t st = decl_start(x, a), end = decl_end(x, a);
    rp_str_t raw = rp_str(x->base + st, end - st);
    size_t keep = x->plen;
    path_push(x, 0, "!entity.", 8);
    if (is_param)
        path_push(x, 0, "%", 1);
    path_push(x, 0, name, strlen(name));
    emit(x, RP__XML_ENTITY, raw, raw);
    x->plen = keep;
}

int rp__xml_parse(const char *s, size_t n, size_t max_depth, size_t max_text, rp__xml_cb cb,
                  void *ud, size_t *err_pos)
{
    xctx_t x;
    memset(&x, 0, sizeof(x));
    x.base = s;
    x.n = n;
    x.cb = cb;
    x.ud = ud;
    x.max_depth = max_depth;
    x.max_text = max_text ? max_text : SIZE_MAX;
    x.xp = XML_ParserCreate(NULL);
    if (!x.xp)
        return -4;
    XML_SetUserData(x.xp, &x);
    XML_SetElementHandler(x.xp, on_start, on_end);
    XML_SetCharacterDataHandler(x.xp, on_chars);
    XML_SetDefaultHandler(x.xp, on_default);   /* no internal entity expansion in content */
    XML_SetProcessingInstructionHandler(x.xp, on_pi);
    XML_SetDoctypeDeclHandler(x.xp, on_doctype_start, on_doctype_end);
    XML_SetEntityDeclHandler(x.xp, on_entity);
    XML_SetParamEntityParsing(x.xp, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(x.xp, 2.0f);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(x.xp, 4096);

    int rc = 0;
    size_t off = 0;
    do {
        /* XML_Parse takes an int length. */
        size_t chunk = RP_MIN(n - off, (size_t)INT_MAX / 2);
        int last = off + chunk == n;
        if (XML_Parse(x.xp, s + off, (int)chunk, last) != XML_STATUS_OK) {
            if (x.rc) {
                rc = x.rc;
            } else {
                rc = XML_GetErrorCode(x.xp) == XML_ERROR_NO_MEMORY ? -4 : -1;
            }
            break;
        }
        off += chunk;
    } while (off < n);
    if (rc == 0 && x.rc)
        rc = x.rc;
    if (err_pos) {
        XML_Index at = XML_GetCurrentByteIndex(x.xp);
        *err_pos = rc && at >= 0 ? RP_MIN((size_t)at, n) : 0;
    }
    XML_ParserFree(x.xp);
    free(x.frames);
    free(x.text);
    return rc;
}
