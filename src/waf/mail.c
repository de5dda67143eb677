/*
 * mail.c - SMTP, IMAP and POP3 command injection, mail header injection.
 *
 * An application that passes a value into a mail protocol conversation
 * (a webmail's folder name, a "from" address, a newsletter's subject)
 * lets a CR/LF in the value start a new command line. Every line after a
 * CR or LF is read as a command line (the first line never is: nothing
 * ends before it):
 *
 *   - SMTP: MAIL FROM:<..> and RCPT TO:<..> (90, 80 without the '<');
 *     EHLO/HELO with a host name (85; 60 in lower case); VRFY/EXPN with
 *     an argument (75); a lone DATA line, 90 when a later line is a lone
 *     "." (the end of a message);
 *   - IMAP: a tag then a command (a001 LOGIN, A1 SELECT INBOX,
 *     x CAPABILITY, d store 2 +FLAGS (\Deleted)): 85 when the tag has a
 *     digit and the command is in upper case or has IMAP arguments
 *     (INBOX, a sequence set 2:4 or 1:*, a (\Flag) list, a {n} literal,
 *     a quoted mailbox); a one-letter tag needs IMAP arguments (75) or an
 *     upper-case command alone (70);
 *   - POP3: RETR/DELE n (80), LIST n / TOP n m (75 upper case, 60 lower
 *     case when the value starts with the CR/LF), APOP user digest (90),
 *     USER/PASS x and AUTH mechanism in upper case (70);
 *   - lone upper-case verbs (QUIT, RSET, NOOP, STAT, CAPA, STARTTLS..):
 *     55 when the value starts with CR/LF (the injection shape), else 40;
 *   - mail headers: a value whose first line is an address (or empty) and
 *     a later line "Bcc:", "Cc:" or "To:" with an address (90), or
 *     "Subject:", "From:", "Reply-To:", "Content-Type:".. (75).
 *
 * Prose passes: "Quit smoking", "Data shows..", "list 3 things", "a list
 * of things", "To: the team" in a letter (its first line is not an
 * address). Header injection in general (CRLF into HTTP headers) is the
 * crlf detector's; this one knows only the mail shapes.
 *
 * Cost: no allocation, one pass over the lines; each line is read up to
 * LINE_LOOK bytes: linear in n.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define LINE_LOOK 256 /* bytes of a line examined */
#define WORDS 6       /* words of a line split */

typedef struct mres {
    int score;
    size_t off, len;
    const char *what;
    char name[16];
} mres_t;

static void hit(mres_t *r, int score, size_t off, size_t len, const char *what, const char *name,
                size_t nl)
{
    if (score <= r->score)
        return;
    r->score = score;
    r->off = off;
    r->len = len;
    r->what = what;
    if (nl >= sizeof(r->name))
        nl = sizeof(r->name) - 1;
    for (size_t k = 0; k < nl; k++)
        r->name[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
    r->name[nl] = '\0';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ci_eq(const char *s, size_t n, const char *w)
{
    return rp_str_ieq(rp_str(s, n), rp_str_c(w));
}

static int all_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            return 0;
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int has_char(const char *s, size_t n, int c)
{
    return memchr(s, c, n) != NULL;
}

/* An e-mail address: x@y.z (no blanks), possibly in <..>. */
static int is_addr(const char *s, size_t n)
{
    while (n > 0 && (s[0] == '<' || s[0] == '"')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == '>' || s[n - 1] == '"' || s[n - 1] == ',' || s[n - 1] == ';'))
        n--;
    const char *at = memchr(s, '@', n);
    if (!at || at == s)
        return 0;
    size_t d = (size_t)(at - s) + 1;
    if (d >= n || !has_char(s + d, n - d, '.'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t')
            return 0;
    return 1;
}

/* A line split into words (at blanks). */
typedef struct line {
    const char *p;
    size_t n;
    const char *w[WORDS];
    size_t wl[WORDS];
    int nw;   /* words found (at most WORDS) */
    int more; /* more words after the last one kept */
} line_t;

static void split(line_t *L)
{
    size_t i = 0;
    L->nw = 0;
    L->more = 0;
    while (i < L->n) {
        while (i < L->n && (L->p[i] == ' ' || L->p[i] == '\t'))
            i++;
        if (i >= L->n)
            break;
        size_t st = i;
        while (i < L->n && L->p[i] != ' ' && L->p[i] != '\t')
            i++;
        if (L->nw == WORDS) {
            L->more = 1;
            break;
        }
        L->w[L->nw] = L->p + st;
        L->wl[L->nw] = i - st;
        L->nw++;
    }
}

/* IMAP arguments: INBOX, 2:4, 1:*, (\Seen), {310}, "quoted", +FLAGS. */
static int imap_args(const line_t *L, int from)
{
    for (int k = from; k < L->nw; k++) {
        const char *w = L->w[k];
        size_t l = L->wl[k];
        if (ci_eq(w, l, "inbox") || ci_eq(w, l, "\"inbox\"") || ci_eq(w, l, "+flags") ||
            ci_eq(w, l, "-flags") || ci_eq(w, l, "flags") || ci_eq(w, l, "plain") ||
            ci_eq(w, l, "(flags)") || ci_eq(w, l, "(messages)") || ci_eq(w, l, "charset"))
            return 1;
        if (l >= 2 && w[0] == '(' && w[1] == '\\')
            return 1;
        if (l >= 3 && w[0] == '{' && w[l - 1] == '}' && all_digits(w + 1, l - 2))
            return 1;
        if (l >= 2 && w[0] == '"' && w[l - 1] == '"')
            return 1;
        /* a sequence set: 2:4, 231:233, 1:*, 2,4:6 */
        const char *c = memchr(w, ':', l);
        if (c && is_digit((unsigned char)w[0]) && (size_t)(c - w) + 1 < l) {
            size_t i = 0;
            while (i < l &&
                   (is_digit((unsigned char)w[i]) || w[i] == ':' || w[i] == ',' || w[i] == '*'))
                i++;
            if (i == l)
                return 1;
        }
    }
    return 0;
}

static const char *const imap_cmds[] = {
    "append",    "authenticate", "capability", "check",       "close",    "copy",      "create",
    "delete",    "enable",       "examine",    "expunge",     "fetch",    "getquota",  "idle",
    "list",      "login",        "logout",     "lsub",        "move",     "namespace", "noop",
    "rename",    "search",       "select",     "setacl",      "starttls", "status",    "store",
    "subscribe", "uid",          "unselect",   "unsubscribe",
};
/* Commands complete without arguments. */
static const char *const imap_alone[] = {"capability", "check",   "close",     "expunge",
                                         "idle",       "logout",  "namespace", "noop",
                                         "starttls",   "unselect"};

static int in_list(const char *w, size_t l, const char *const *t, size_t nt)
{
    for (size_t k = 0; k < nt; k++)
        if (ci_eq(w, l, t[k]))
            return 1;
    return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* One line after a CR/LF. `lead`: the value starts with CR/LF. `dot`: a
 * later line is a lone ".". `addr1`: the first line is an address or
 * empty. */
static void command_line(line_t *L, size_t off, int lead, int dot, int addr1, mres_t *r)
{
    split(L);
    if (L->nw == 0)
        return;
    const char *w0 = L->w[0];
    size_t l0 = L->wl[0];
    int up0 = all_upper(w0, l0);
    size_t span = L->n;

    /* SMTP MAIL FROM: / RCPT TO: (also "MAIL FROM:<a@b>" in one word) */
    if (ci_eq(w0, l0, "mail") || ci_eq(w0, l0, "rcpt")) {
        const char *p = w0 + l0;
        size_t rest = L->n - (size_t)(p - L->p);
        while (rest > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            rest--;
        }
        const char *kw = rp_lower((unsigned char)w0[0]) == 'm' ? "from:" : "to:";
        size_t kl = strlen(kw), j = 0;
        while (j < kl && j < rest && rp_lower((unsigned char)p[j]) == kw[j])
            j++;
        if (j == kl) {
            while (j < rest && p[j] == ' ')
                j++;
            int angle = j < rest && p[j] == '<';
            hit(r, angle ? 90 : (up0 ? 80 : 0), off, span, "SMTP command after a line break", w0,
                l0);
        }
        return;
    }
    if ((ci_eq(w0, l0, "ehlo") || ci_eq(w0, l0, "helo")) && L->nw == 2 && !L->more &&
        (has_char(L->w[1], L->wl[1], '.') || L->w[1][0] == '[')) {
        hit(r, up0 ? 85 : 60, off, span, "SMTP command after a line break", w0, l0);
        return;
    }
    if ((ci_eq(w0, l0, "vrfy") || ci_eq(w0, l0, "expn")) && L->nw >= 2) {
        hit(r, 75, off, span, "SMTP command after a line break", w0, l0);
        return;
    }
    if (L->nw == 1 && l0 == 4 && memcmp(w0, "DATA", 4) == 0) {
        hit(r, dot ? 90 : lead ? 55 : 40, off, span, "SMTP DATA after a line break", w0, l0);
        return;
    }
    /* POP3 */
    if ((ci_eq(w0, l0, "retr") || ci_eq(w0, l0, "dele")) && L->nw == 2 &&
        all_digits(L->w[1], L->wl[1])) {
        hit(r, 80, off, span, "POP3 command after a line break", w0, l0);
        return;
    }
    if ((ci_eq(w0, l0, "list") && L->nw == 2 && all_digits(L->w[1], L->wl[1])) ||
        (ci_eq(w0, l0, "top") && L->nw == 3 && all_digits(L->w[1], L->wl[1]) &&
         all_digits(L->w[2], L->wl[2]))) {
        hit(r, up0 ? 75 : lead ? 60 : 0, off, span, "POP3 command after a line break", w0, l0);
        return;
    }
    if (ci_eq(w0, l0, "apop") && L->nw == 3 && L->wl[2] == 32) {
        hit(r, 90, off, span, "POP3 command after a line break", w0, l0);
        return;
    }
    if (up0 && (ci_eq(w0, l0, "user") || ci_eq(w0, l0, "pass")) && L->nw == 2) {
        hit(r, 70, off, span, "POP3 command after a line break", w0, l0);
        return;
    }
    if (up0 && ci_eq(w0, l0, "auth") && L->nw >= 2 && L->nw <= 3 && !L->more &&
        ((all_upper(L->w[1], L->wl[1]) && L->wl[1] >= 4) || (L->nw == 3 && L->wl[2] >= 12))) {
        hit(r, 70, off, span, "SMTP/POP3 AUTH after a line break", w0, l0);
        return;
    }
    /* lone verbs */
    static const char *const lone[] = {"quit", "rset",     "noop", "stat", "capa",
                                       "uidl", "starttls", "turn", "help"};
    if (up0 && l0 >= 4 && (L->nw == 1 || (L->nw == 2 && ci_eq(w0, l0, "help"))) &&
        in_list(w0, l0, lone, NELEM(lone))) {
        hit(r, lead ? 55 : 40, off, span, "mail protocol command after a line break", w0, l0);
        return;
    }
    /* IMAP: tag command [args] */
    if (L->nw >= 2 && l0 <= 10) {
        size_t i = 0;
        int digit = 0;
        for (; i < l0 && is_alnum((unsigned char)w0[i]); i++)
            digit |= is_digit((unsigned char)w0[i]);
        const char *c = L->w[1];
        size_t cl = L->wl[1];
        if (i == l0 && in_list(c, cl, imap_cmds, NELEM(imap_cmds))) {
            int upc = all_upper(c, cl);
            int args = imap_args(L, 2) ||
                       (L->nw == 2 && in_list(c, cl, imap_alone, NELEM(imap_alone))) ||
                       (ci_eq(c, cl, "login") && L->nw == 4) ||
                       (ci_eq(c, cl, "uid") && L->nw >= 3 &&
                        in_list(L->w[2], L->wl[2], imap_cmds, NELEM(imap_cmds)));
            int sc = 0;
            if (digit && (upc || args))
                sc = 85;
            else if (digit)
                sc = lead ? 60 : 40;
            else if (l0 == 1 && args)
                sc = 75;
            else if (l0 == 1 && upc && L->nw == 2 && in_list(c, cl, imap_alone, NELEM(imap_alone)))
                sc = 70;
            if (sc)
                hit(r, sc, off, span, "IMAP command after a line break", c, cl);
            return;
        }
    }
    /* mail headers */
    if (addr1 && l0 >= 3 && w0[l0 - 1] == ':') {
        static const char *const to[] = {"bcc:", "cc:", "to:"};
        static const char *const other[] = {
            "subject:",      "from:",         "reply-to:",    "sender:",
            "content-type:", "mime-version:", "return-path:", "content-transfer-encoding:"};
        if (in_list(w0, l0, to, NELEM(to)) && L->nw >= 2 && is_addr(L->w[1], L->wl[1]))
            hit(r, 90, off, span, "mail header after a line break", w0, l0 - 1);
        else if (in_list(w0, l0, other, NELEM(other)) && L->nw >= 2)
            hit(r, 75, off, span, "mail header after a line break", w0, l0 - 1);
    }
}

/* The end of the line at i: the offset of the next CR or LF, n when none.
 * memchr finds the LF, then the CR is looked for only before it: each
 * byte is read once per line. */
static size_t eol(const char *s, size_t n, size_t i)
{
    const char *lf = i < n ? memchr(s + i, '\n', n - i) : NULL;
    size_t e = lf ? (size_t)(lf - s) : n;
    const char *cr = i < e ? memchr(s + i, '\r', e - i) : NULL;
    return cr ? (size_t)(cr - s) : e;
}

int rp__waf_mail(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    mres_t r;
    (void)src;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 3 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    const char *nl = memchr(s, '\n', n), *cr = memchr(s, '\r', n);
    if (!nl && !cr)
        return 0;
    memset(&r, 0, sizeof(r));
    int lead = s[0] == '\r' || s[0] == '\n';
    /* the first line: an address, or empty */
    size_t e1 = eol(s, n, 0);
    size_t b1 = 0;
    while (b1 < e1 && (s[b1] == ' ' || s[b1] == '\t'))
        b1++;
    int addr1 =
        e1 == b1 || is_addr(s + b1, e1 - b1) ||
        (e1 - b1 < LINE_LOOK && has_char(s + b1, e1 - b1, '<') && has_char(s + b1, e1 - b1, '@'));
    /* a lone "." line after the first: a '.' after e1 with a line break
     * before it and a line break or the end after it */
    int dot = 0;
    for (const char *d = e1 + 1 < n ? memchr(s + e1 + 1, '.', n - e1 - 1) : NULL; d && !dot;
         d = d + 1 < s + n ? memchr(d + 1, '.', (size_t)(s + n - d - 1)) : NULL) {
        size_t p = (size_t)(d - s);
        if ((s[p - 1] == '\n' || s[p - 1] == '\r') &&
            (p + 1 == n || s[p + 1] == '\r' || s[p + 1] == '\n'))
            dot = 1;
    }
    size_t i = e1;
    while (i < n && r.score < 90) {
        /* skip the line break(s) */
        while (i < n && (s[i] == '\r' || s[i] == '\n'))
            i++;
        size_t st = i;
        i = eol(s, n, i);
        if (i > st) {
            line_t L;
            L.p = s + st;
            L.n = i - st > LINE_LOOK ? LINE_LOOK : i - st;
            command_line(&L, st, lead, dot, addr1, &r);
        }
    }
    if (r.score <= 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : n;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "mail: %s%s%s%s", r.what, r.name[0] ? " (" : "",
             r.name, r.name[0] ? ")" : "");
    return m->score;
}
