/* Error names from the RP_ERRNO_MAP X-macro, and the bug trap. */
#include "rampart/core.h"

#include <stdio.h>
#include <stdlib.h>

const char *rp_strerror(int err)
{
    switch (err) {
#define XX(name, val, msg) \
    case (val):            \
        return msg;
        RP_ERRNO_MAP(XX)
#undef XX
    default:
        return "unknown error";
    }
}

void rp__bug(const char *file, int line, const char *cond)
{
    fprintf(stderr, "rampart: BUG at %s:%d: %s\n", file, line, cond);
    abort();
}

void *rp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "rampart: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

void *rp_xcalloc(size_t nmemb, size_t n)
{
    void *p = calloc(nmemb ? nmemb : 1, n ? n : 1);
    if (!p) {
        fprintf(stderr, "rampart: out of memory\n");
        abort();
    }
    return p;
}

void *rp_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "rampart: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

char *rp_xstrndup(const char *s, size_t n)
{
    char *p = rp_xmalloc(n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
