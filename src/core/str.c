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
