/*
 * multipart.c - multipart/form-data (RFC 7578, RFC 2046 section 5.1).
 *
 * An iterator over the parts of a body held in memory. Delimiters are
 * "--boundary" at the start of the body or after a line break (CRLF or a
 * bare LF: both are seen in the wild, and an application that accepts one
 * must not hide a part from us); the part's content ends before the line
 * break that precedes the next delimiter. Anything odd - no delimiter, a
 * body that ends inside a part, junk after a delimiter, a preamble or
 * epilogue with text - is reported (flags) and parsing goes on with what
 * can be recovered: the caller turns those into anomaly points.
 */
#include "waf/decode_int.h"

static inline int is_blank(char c) { return c == ' ' || c == '\t'; }

static rp_str_t trim(rp_str_t s)
{
    while (s.n && (is_blank(s.p[0]) || s.p[0] == '\r' || s.p[0] == '\n')) {
        s.p++;
        s.n--;
    }
    while (s.n && (is_blank(s.p[s.n - 1]) || s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
        s.n--;
    return s;
}

int rp__header_param(rp_str_t hv, rp_str_t name, rp_str_t *value)
{
    size_t i = 0;
    /* Skip the leading token ("form-data", "multipart/form-data"). */
    while (i < hv.n && hv.p[i] != ';')
        i++;
    while (i < hv.n) {
        i++;   /* ';' */
        while (i < hv.n && is_blank(hv.p[i]))
            i++;
        size_t ks = i;
        while (i < hv.n && hv.p[i] != '=' && hv.p[i] != ';')
            i++;
        rp_str_t key = rp_str(hv.p + ks, i - ks);
        while (key.n && is_blank(key.p[key.n - 1]))
            key.n--;
        rp_str_t val = rp_str(hv.p + i, 0);
        if (i < hv.n && hv.p[i] == '=') {
            i++;
            while (i < hv.n && is_blank(hv.p[i]))
                i++;
            if (i < hv.n && hv.p[i] == '"') {
                /* quoted-string; a backslash escapes the next byte */
                size_t vs = ++i;
                while (i < hv.n && hv.p[i] != '"') {
                    if (hv.p[i] == '\\' && i + 1 < hv.n)
                        i++;
                    i++;
                }
                val = rp_str(hv.p + vs, i - vs);
                if (i < hv.n)
                    i++;
                while (i < hv.n && hv.p[i] != ';')
                    i++;
            } else {
                size_t vs = i;
                while (i < hv.n && hv.p[i] != ';')
                    i++;
                val = rp_str(hv.p + vs, i - vs);
                while (val.n && is_blank(val.p[val.n - 1]))
                    val.n--;
            }
        }
        if (rp_str_ieq(key, name)) {
            *value = val;
            return 1;
        }
    }
    return 0;
}

int rp__multipart_boundary(rp_str_t content_type, rp_str_t *boundary)
{
    rp_str_t b;
    if (!rp__header_param(content_type, RP_STRLIT("boundary"), &b) || b.n == 0 ||
        b.n > RP__MP_BOUNDARY_MAX)
        return -1;
    *boundary = b;
    return 0;
}

void rp__multipart_init(rp__multipart_t *m, rp_str_t boundary, rp_str_t body)
{
    memset(m, 0, sizeof(*m));
    m->p = body.p;
    m->n = body.n;
    size_t bn = RP_MIN(boundary.n, (size_t)RP__MP_BOUNDARY_MAX);
    m->dash[0] = m->dash[1] = '-';
    memcpy(m->dash + 2, boundary.p, bn);
    m->dashn = 2 + bn;
}

/* Offset of the next delimiter at or after `from` that starts a line (at
 * the very start of the body or right after '\n'), or (size_t)-1. Only
 * line starts can hold one: jump from '\n' to '\n' (memchr) and compare
 * there, rather than search the delimiter everywhere (memmem) and look
 * back at what precedes each match. */
static size_t find_delim(const rp__multipart_t *m, size_t from)
{
    if (from >= m->n || m->n - from < m->dashn)
        return (size_t)-1;
    if (from == 0 && memcmp(m->p, m->dash, m->dashn) == 0)
        return 0;
    /* a delimiter at off >= from has its '\n' at off - 1 >= from - 1 */
    size_t at = from ? from - 1 : 0;
    const char *q;
    while ((q = memchr(m->p + at, '\n', m->n - at)) != NULL) {
        size_t off = (size_t)(q - m->p) + 1;
        if (m->n - off < m->dashn)
            return (size_t)-1;
        if (memcmp(m->p + off, m->dash, m->dashn) == 0)
            return off;
        at = off;
    }
    return (size_t)-1;
}

/* The line break before a delimiter at off belongs to the delimiter. */
static size_t content_end(const rp__multipart_t *m, size_t start, size_t off)
{
    if (off > start && m->p[off - 1] == '\n')
        off--;
    if (off > start && m->p[off - 1] == '\r')
        off--;
    return off;
}

/* After "--boundary" at off: 1 for a closing delimiter, 0 for a part
 * delimiter; *next is the first byte after the delimiter line. */
static int delim_line(rp__multipart_t *m, size_t off, size_t *next)
{
    size_t i = off + m->dashn;
    int close = 0;
    if (m->n - i >= 2 && m->p[i] == '-' && m->p[i + 1] == '-') {
        close = 1;
        i += 2;
    }
    size_t ls = i;
    while (i < m->n && m->p[i] != '\n')
        i++;
    /* Only transport padding (blanks) and CR may sit before the LF. */
    for (size_t k = ls; k < i; k++) {
        if (!is_blank(m->p[k]) && !(m->p[k] == '\r' && k + 1 == i)) {
            m->anomalies |= RP__MP_JUNK;
            break;
        }
    }
    *next = i < m->n ? i + 1 : i;
    return close;
}

static void part_headers(rp_str_t hdrs, rp__mp_part_t *part)
{
    size_t i = 0;
    int have_cd = 0;
    while (i < hdrs.n) {
        size_t ls = i;
        while (i < hdrs.n && hdrs.p[i] != '\n')
            i++;
        rp_str_t line = rp_str(hdrs.p + ls, i - ls);
        if (i < hdrs.n)
            i++;
        if (line.n && line.p[line.n - 1] == '\r')
            line.n--;
        if (line.n == 0)
            continue;
        const char *colon = memchr(line.p, ':', line.n);
        if (!colon) {
            part->flags |= RP__MP_BAD_HEADERS;
            continue;
        }
        rp_str_t name = trim(rp_str(line.p, (size_t)(colon - line.p)));
        rp_str_t val = trim(rp_str(colon + 1, (size_t)(line.p + line.n - (colon + 1))));
        if (rp_str_ieq(name, RP_STRLIT("content-disposition")) && !have_cd) {
            have_cd = 1;
            rp_str_t v;
            if (rp__header_param(val, RP_STRLIT("name"), &v))
                part->name = v;
            else
                part->flags |= RP__MP_NO_NAME;
            if (rp__header_param(val, RP_STRLIT("filename"), &v)) {
                part->filename = v;
                part->has_filename = 1;
            }
            if (rp__header_param(val, RP_STRLIT("filename*"), &v)) {
                /* RFC 8187: charset'language'value */
                const char *q1 = memchr(v.p, '\'', v.n);
                const char *q2 = q1 ? memchr(q1 + 1, '\'', v.n - (size_t)(q1 + 1 - v.p)) : NULL;
                if (q2)
                    v = rp_str(q2 + 1, v.n - (size_t)(q2 + 1 - v.p));
                part->filename_star = v;
                part->has_filename = 1;
            }
        } else if (rp_str_ieq(name, RP_STRLIT("content-type")) && part->ctype.n == 0) {
            part->ctype = val;
        }
    }
    if (!have_cd)
        part->flags |= RP__MP_NO_NAME;
}

int rp__multipart_next(rp__multipart_t *m, rp__mp_part_t *part)
{
    if (m->state == 2)
        return 0;
    if (m->state == 0) {
        size_t off = find_delim(m, 0);
        if (off == (size_t)-1) {
            m->anomalies |= RP__MP_NO_DELIMITER;
            m->preamble = rp_str(m->p, m->n);
            m->state = 2;
            return 0;
        }
        m->preamble = rp_str(m->p, content_end(m, 0, off));
        if (trim(m->preamble).n)
            m->anomalies |= RP__MP_PREAMBLE;
        size_t next;
        if (delim_line(m, off, &next)) {
            /* closing delimiter first: no parts */
            m->epilogue = rp_str(m->p + next, m->n - next);
            if (trim(m->epilogue).n)
                m->anomalies |= RP__MP_PREAMBLE;
            m->state = 2;
            return 0;
        }
        m->pos = next;
        m->state = 1;
    }
    /* m->pos: the first byte of a part (its headers). */
    memset(part, 0, sizeof(*part));
    size_t hs = m->pos, he, bs;
    /* Headers end at the first empty line: "\r\n\r\n", "\n\n" or a mix. */
    size_t i = hs;
    for (;;) {
        if (i < m->n && m->p[i] == '\n') {   /* empty first line: no headers */
            he = i;
            bs = i + 1;
            break;
        }
        if (m->n - i >= 2 && m->p[i] == '\r' && m->p[i + 1] == '\n' && i == hs) {
            he = i;
            bs = i + 2;
            break;
        }
        const char *lf = memchr(m->p + i, '\n', m->n - i);
        if (!lf) {
            he = bs = m->n;
            part->flags |= RP__MP_BAD_HEADERS | RP__MP_TRUNCATED;
            break;
        }
        i = (size_t)(lf - m->p) + 1;
        if (i < m->n && m->p[i] == '\n') {
            he = i;
            bs = i + 1;
            break;
        }
        if (m->n - i >= 2 && m->p[i] == '\r' && m->p[i + 1] == '\n') {
            he = i;
            bs = i + 2;
            break;
        }
        /* A delimiter inside the header block: the part has no body. */
        if (m->n - i >= m->dashn && memcmp(m->p + i, m->dash, m->dashn) == 0) {
            he = bs = i;
            part->flags |= RP__MP_BAD_HEADERS;
            break;
        }
    }
    /* the header block without the line break that ends its last line */
    size_t hend = he;
    if (hend > hs && m->p[hend - 1] == '\n')
        hend--;
    if (hend > hs && m->p[hend - 1] == '\r')
        hend--;
    part->headers = rp_str(m->p + hs, hend - hs);
    part_headers(part->headers, part);

    size_t off = find_delim(m, bs);
    if (off == (size_t)-1) {
        part->body = rp_str(m->p + bs, m->n - bs);
        part->flags |= RP__MP_TRUNCATED;
        m->anomalies |= RP__MP_NO_CLOSE;
        m->state = 2;
        return 1;
    }
    part->body = rp_str(m->p + bs, content_end(m, bs, off) - bs);
    size_t next;
    if (delim_line(m, off, &next)) {
        m->epilogue = rp_str(m->p + next, m->n - next);
        if (trim(m->epilogue).n)
            m->anomalies |= RP__MP_PREAMBLE;
        m->state = 2;
    } else if (next >= m->n) {
        /* A part delimiter that ends the body: no closing delimiter. */
        m->anomalies |= RP__MP_NO_CLOSE;
        m->state = 2;
    } else {
        m->pos = next;
    }
    return 1;
}
