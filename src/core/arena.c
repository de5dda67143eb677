/*
 * Arena: a chain of blocks, bump allocation, freed at once.
 *
 * Each request owns one. Allocation failures return NULL (the request path
 * must not abort); oversized allocations get a block of their own.
 */
#include "rampart/core.h"

#include <stdlib.h>

struct rp_arena_block {
    rp_arena_block_t *next;
    size_t size;
    size_t used;
    _Alignas(16) char data[];
};

struct rp_arena_cleanup {
    rp_arena_cleanup_t *next;
    void (*cb)(void *);
    void *data;
};

#define RP_ARENA_ALIGN 16

void rp_arena_init(rp_arena_t *a, size_t block_size)
{
    a->head = NULL;
    a->cleanups = NULL;
    a->block_size = block_size ? block_size : 4096;
    a->total = 0;
}

static rp_arena_block_t *arena_new_block(rp_arena_t *a, size_t size)
{
    rp_arena_block_t *b = malloc(sizeof(*b) + size);
    if (!b)
        return NULL;
    b->size = size;
    b->used = 0;
    a->total += size;
    return b;
}

void *rp_arena_alloc(rp_arena_t *a, size_t n)
{
    n = (n + RP_ARENA_ALIGN - 1) & ~(size_t)(RP_ARENA_ALIGN - 1);
    if (n == 0)
        n = RP_ARENA_ALIGN;
    rp_arena_block_t *b = a->head;
    if (b && b->size - b->used >= n) {
        void *p = b->data + b->used;
        b->used += n;
        return p;
    }
    if (n > a->block_size / 4) {
        /* Big object: own block, linked behind the head so the head keeps
         * serving small allocations. */
        rp_arena_block_t *big = arena_new_block(a, n);
        if (!big)
            return NULL;
        big->used = n;
        if (b) {
            big->next = b->next;
            b->next = big;
        } else {
            big->next = NULL;
            a->head = big;
        }
        return big->data;
    }
    rp_arena_block_t *nb = arena_new_block(a, a->block_size);
    if (!nb)
        return NULL;
    nb->next = b;
    a->head = nb;
    nb->used = n;
    return nb->data;
}

void *rp_arena_calloc(rp_arena_t *a, size_t n)
{
    void *p = rp_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *rp_arena_strndup(rp_arena_t *a, const char *s, size_t n)
{
    char *p = rp_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int rp_arena_add_cleanup(rp_arena_t *a, void (*cb)(void *), void *data)
{
    rp_arena_cleanup_t *c = rp_arena_alloc(a, sizeof(*c));
    if (!c)
        return RP_ENOMEM;
    c->cb = cb;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
    return 0;
}

static void arena_run_cleanups(rp_arena_t *a)
{
    rp_arena_cleanup_t *c = a->cleanups;
    a->cleanups = NULL;
    while (c) {
        rp_arena_cleanup_t *next = c->next;
        c->cb(c->data);
        c = next;
    }
}

void rp_arena_reset(rp_arena_t *a)
{
    arena_run_cleanups(a);
    rp_arena_block_t *keep = NULL, *b = a->head;
    a->total = 0;
    while (b) {
        rp_arena_block_t *next = b->next;
        if (!keep && b->size == a->block_size) {
            keep = b;
        } else {
            free(b);
        }
        b = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
        a->total = keep->size;
    }
    a->head = keep;
}

void rp_arena_dispose(rp_arena_t *a)
{
    arena_run_cleanups(a);
    rp_arena_block_t *b = a->head;
    while (b) {
        rp_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}
