/*
 * ldapi.c - LDAP filter injection (RFC 4515).
 *
 * An application builds a search filter by pasting the value into an
 * assertion: "(uid=" VALUE ")" or "(&(uid=" VALUE ")(userPassword=..))".
 * The value is read as the rest of that assertion value. In a well-formed
 * value the parentheses are escaped (\28 \29), so the injection is:
 *
 *   1. the first parenthesis of the value is a ')' that closes the
 *      assertion (one or more, blanks allowed: CRS tests use whitespace
 *      evasion), and
 *   2. what follows is the start of new filter components:
 *        '(' attr filtertype     (uid=*)  (cn>=bob)  (sn~=x)  (cn:dn:=x)
 *        '(' '&' | '|' | '!'     (&)  (|(uid=*  (!(x=1))
 *        '&' | '|' | '!' then '(' attr filtertype
 *      or a NUL byte (C servers cut the filter there: "*)\0").
 *
 * A value whose first parenthesis is '(' is not a breakout: it cannot be
 * inside an assertion value (an LDAP filter written whole, "(see above)",
 * "(a+b)*c"). Wildcards alone (jo*) and e-mail addresses have no ')'.
 *
 * Scores: one new component 75 (filter operator alone 80); a presence
 * assertion (attr=*) or the absolute filters (&) (|) 85; two or more
 * components 90; NUL after the closing parenthesis 70.
 *
 * Cost: one pass over the value, no allocation.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define LDAP_MAX_COMP 8 /* components examined after the breakout */

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t skip_blank(const char *s, size_t n, size_t i)
{
    while (i < n && is_blank((unsigned char)s[i]))
        i++;
    return i;
}

/*
 * An attribute description and a filter type from i: keystring
 * (ALPHA *(ALPHA / DIGIT / '-')) or numericoid, ";option"s, then '=',
 * '~=', '>=', '<=' or an extensible match (":dn", ":rule" ... ":=").
 * Blanks are allowed before the filter type (lenient servers, evasion).
 * Returns the offset after the filter type, or 0 when it is not one;
 * *presence is set for "attr=*" followed by ')' or the end.
 */
static size_t attr_filter(const char *s, size_t n, size_t i, int *presence)
{
    size_t j = i;
    *presence = 0;
    if (j < n && is_alpha((unsigned char)s[j])) {
        while (j < n && (is_alpha((unsigned char)s[j]) || is_digit((unsigned char)s[j]) || s[j] == '-'))
            j++;
    } else if (j < n && is_digit((unsigned char)s[j])) {
        while (j < n && (is_digit((unsigned char)s[j]) || s[j] == '.'))
            j++;
    } else if (!(j < n && s[j] == ':')) {
        return 0; /* (:dn:2.4.6.8.10:=x) has no attribute */
    }
    while (j < n && s[j] == ';') { /* options: cn;lang-en */
        j++;
        size_t o = j;
        while (j < n && (is_alpha((unsigned char)s[j]) || is_digit((unsigned char)s[j]) || s[j] == '-'))
            j++;
        if (j == o)
            return 0;
    }
    j = skip_blank(s, n, j);
    if (j >= n)
        return 0;
    if (s[j] == '=') {
        j++;
    } else if ((s[j] == '~' || s[j] == '>' || s[j] == '<') && j + 1 < n && s[j + 1] == '=') {
        j += 2;
    } else if (s[j] == ':') {
        /* extensible: (":dn")? (":" oid)? ":=" */
        size_t lim = j + 64 < n ? j + 64 : n;
        while (j < lim && (s[j] == ':' || is_alpha((unsigned char)s[j]) || is_digit((unsigned char)s[j]) ||
                           s[j] == '.' || s[j] == '-')) {
            if (s[j] == ':' && j + 1 < n && s[j + 1] == '=')
                break;
            j++;
        }
        if (!(j + 1 < n && s[j] == ':' && s[j + 1] == '='))
            return 0;
        j += 2;
    } else {
        return 0;
    }
    size_t k = skip_blank(s, n, j);
    if (k < n && s[k] == '*') {
        size_t e = skip_blank(s, n, k + 1);
        if (e >= n || s[e] == ')')
            *presence = 1;
    }
    return j;
}

int rp__waf_ldapi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    (void)src;
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 2 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;

    /* 1. the first parenthesis must close the assertion */
    size_t i = 0;
    while (i < n && s[i] != '(' && s[i] != ')')
        i++;
    if (i >= n || s[i] == '(')
        return 0;
    size_t brk = i;
    while (i < n && (s[i] == ')' || is_blank((unsigned char)s[i])))
        i++;

    /* 2. what follows: new filter components */
    int score = 0, ncomp = 0, strong = 0, op = 0;
    const char *what = NULL;
    if (i < n && s[i] == '\0') {
        score = 70;
        what = "NUL byte after a closing parenthesis cuts the filter";
        i++;
    }
    while (!score && i < n && ncomp < LDAP_MAX_COMP) {
        size_t j = i;
        int bang = 0;
        if (s[j] == '&' || s[j] == '|' || s[j] == '!') { /* )!(sn=*  )&(cn=x */
            j = skip_blank(s, n, j + 1);
            if (j >= n || s[j] != '(')
                break;
            bang = 1;
        }
        if (s[j] != '(')
            break;
        j = skip_blank(s, n, j + 1);
        int presence = 0;
        size_t e;
        if (j >= n) {
            if (!bang)
                break; /* a lone "(" */
            e = j;
        } else if (s[j] == '&' || s[j] == '|' || s[j] == '!') {
            /* (& (| (!: an operator, then components, ')' or the end */
            size_t k = skip_blank(s, n, j + 1);
            if (k < n && s[k] != '(' && s[k] != ')' && s[k] != '\0')
                break;
            if (k < n && s[k] == ')' && s[j] != '!')
                strong = 1; /* (&) (|): the absolute true/false filters */
            if (k >= n || s[k] == '(')
                strong = strong || ncomp > 0;
            what = "value closes the filter and adds an & | ! filter";
            op = 1;
            ncomp++;
            while (k < n && (s[k] == ')' || is_blank((unsigned char)s[k])))
                k++;
            i = k;
            continue;
        } else if ((e = attr_filter(s, n, j, &presence)) != 0) {
            /* the assertion value, up to its ')' */
            while (e < n && s[e] != ')' && s[e] != '(')
                e++;
        } else {
            break;
        }
        if (presence)
            strong = 1;
        what = presence ? "value closes the filter and adds a presence filter (attr=*)"
                        : "value closes the filter and adds an (attr=..) filter";
        ncomp++;
        while (e < n && (s[e] == ')' || is_blank((unsigned char)s[e])))
            e++;
        if (e < n && s[e] == '\0') {
            strong = 1;
            e++;
        }
        i = e;
    }
    if (!score && ncomp) {
        score = ncomp >= 2 ? 90 : strong ? 85 : op ? 80 : 75;
        if (ncomp >= 2)
            what = "value closes the filter and adds several filter components";
    }
    if (!score)
        return 0;
    m->score = score;
    m->off = brk;
    m->len = (i > brk ? i : n) - brk;
    if (m->len > n - m->off)
        m->len = n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "ldapi: %s", what);
    return score;
}
