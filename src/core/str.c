/* String slice helpers. Pure functions over rp_str_t. */
#include "rampart/core.h"

int rp_str_ieq(rp_str_t a, rp_str_t b)
{
    if (a.n != b.n)
        return 0;
    for (size_t i = 0; i < a.n; i++) {
        unsigned x = (unsigned char)a.p[i], y = (unsigned char)b.p[i];
        /* equal, or the same ASCII letter in the other case */
        if (x != y && ((x ^ y) != 0x20 || (unsigned)((x | 0x20) - 'a') >= 26))
            return 0;
    }
    return 1;
}

int rp_str_ihas_suffix(rp_str_t s, rp_str_t suffix)
{
    if (s.n < suffix.n)
        return 0;
    return rp_str_ieq(rp_str(s.p + s.n - suffix.n, suffix.n), suffix);
}

/* s[0..n) equals lower[0..n) once folded to lower case. */
static int ieq_lower(const char *s, const char *lower, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rp_lower((unsigned char)s[i]) != (unsigned char)lower[i])
            return 0;
    return 1;
}

size_t rp_str_ifind(rp_str_t s, size_t from, rp_str_t w)
{
    if (from > s.n || s.n - from < w.n)
        return (size_t)-1;
    if (w.n == 0)
        return from;
    /* A byte of w that is not a letter is the same in any case: memchr
     * finds where it is, and only there is w compared. */
    size_t a = 0;
    while (a < w.n && w.p[a] >= 'a' && w.p[a] <= 'z')
        a++;
    if (a < w.n) {
        for (size_t q = from + a; q < s.n;) {
            const char *p = memchr(s.p + q, w.p[a], s.n - q);
            if (!p)
                break;
            q = (size_t)(p - s.p);
            size_t i = q - a;
            if (i + w.n > s.n)
                break;
            if (ieq_lower(s.p + i, w.p, w.n))
                return i;
            q++;
        }
        return (size_t)-1;
    }
    /* letters only: x | 0x20 is the lower case of a letter */
    unsigned char c0 = (unsigned char)w.p[0];
    for (size_t i = from; i + w.n <= s.n; i++)
        if (((unsigned char)s.p[i] | 0x20) == c0 && ieq_lower(s.p + i, w.p, w.n))
            return i;
    return (size_t)-1;
}

rp_str_t rp_str_trim(rp_str_t s)
{
    while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.n--;
    }
    while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

int rp_str_to_u64(rp_str_t s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (s.n == 0)
        return -1;
    for (size_t i = 0; i < s.n; i++) {
        unsigned d = (unsigned char)s.p[i] - '0';
        if (d > 9)
            return -1;
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int rp_str_next_list_elem(rp_str_t list, size_t *pos, rp_str_t *elem)
{
    while (*pos < list.n) {
        size_t start = *pos, end = start;
        while (end < list.n && list.p[end] != ',')
            end++;
        *pos = end < list.n ? end + 1 : end;
        rp_str_t e = rp_str_trim(rp_str(list.p + start, end - start));
        if (e.n > 0) {
            *elem = e;
            return 1;
        }
    }
    return 0;
}
