/*
 * Rate limiter: a sharded table of token buckets (see rampart/ratelimit.h
 * for the contract).
 *
 * Layout. A key's SipHash-1-3 value picks the shard (top bits) and the
 * hash chain within it (low bits). A shard is a mutex, an array of
 * 128-byte buckets addressed by 32-bit indices (0 = none; entry 0 is never
 * used), an array of chain heads (a power of two at least the shard's
 * capacity, so chains average under one entry), a free list threaded
 * through the chain links, and an LRU list (head = most recently used).
 * Shards are 64-byte aligned so that two shards' locks and counters never
 * share a cache line. Buckets past the high-water mark are never touched,
 * so a large table costs address space, not resident memory, until used.
 *
 * Keys of up to 72 bytes (addresses, UUIDs, most API keys) live inside the
 * bucket; 73 to 256 bytes in a 256-byte block from a per-shard cache
 * (malloc'd the first time, recycled on eviction, freed with the table);
 * longer keys are replaced by a second, independent 64-bit keyed hash.
 *
 * Tokens are doubles. A take is allowed when the bucket holds cost tokens
 * within RL_EPS (1e-9 of a token), which absorbs the rounding of the
 * refill arithmetic, and the retry time aims at cost - RL_EPS/2, so that a
 * take at exactly now + retry_after succeeds despite rounding, while a
 * take a millisecond earlier is refused unless it lacked less than 1e-9 of
 * a token.
 */
#include "rampart/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define RL_MAX_SHARDS 64
#define RL_MIN_KEYS_PER_SHARD 16 /* fewer shards for small tables: better LRU */
#define RL_INLINE 72             /* key bytes stored inside the bucket */
#define RL_MAX_KEY 256           /* longer keys are hashed */
#define RL_BLOCK 256             /* long-key block size */
#define RL_KLEN_HASHED 0xffffu   /* klen of a hashed (> RL_MAX_KEY) key */
#define RL_EVICT_SCAN 8          /* LRU entries examined for a refilled bucket */
#define RL_EPS 1e-9

typedef struct rl_entry {
    uint64_t hash;     /* SipHash of the key under rl->k0 */
    double tokens;     /* at last_ms */
    double rate;       /* of the last take, for the eviction check */
    double burst;      /* of the last take */
    uint64_t last_ms;  /* newest time seen for this bucket */
    uint32_t chain;    /* next in hash chain, or next free */
    uint32_t lru_prev; /* towards the most recently used */
    uint32_t lru_next; /* towards the least recently used */
    uint16_t klen;     /* 0..RL_MAX_KEY, or RL_KLEN_HASHED */
    uint16_t pad;
    union {
        char inl[RL_INLINE]; /* klen <= RL_INLINE */
        char *ext;           /* RL_INLINE < klen <= RL_MAX_KEY: a block */
        uint64_t hash2;      /* RL_KLEN_HASHED: SipHash under rl->k1 */
    } key;
} rl_entry_t;

_Static_assert(sizeof(rl_entry_t) == 128, "a bucket is two cache lines");

typedef struct rl_shard {
    _Alignas(64) pthread_mutex_t lock;
    rl_entry_t *e;     /* e[1..cap] */
    uint32_t *heads;   /* mask + 1 chain heads */
    uint32_t mask;
    uint32_t cap;      /* buckets this shard may hold */
    uint32_t used;     /* high-water mark: e[1..used] have been handed out */
    uint32_t count;    /* buckets held */
    uint32_t free;     /* free list head (through chain) */
    uint32_t lru_head; /* most recently used */
    uint32_t lru_tail; /* least recently used */
    void *blocks;      /* cached long-key blocks (next pointer in the first bytes) */
    size_t nblocks;    /* long-key blocks allocated, in use or cached */
    uint64_t allowed, limited, evicted;
} rl_shard_t;

struct rp_ratelimit {
    uint64_t k0[2];      /* SipHash key: bucket and shard choice */
    uint64_t k1[2];      /* second, independent key: hashed long keys */
    unsigned shard_bits; /* log2 of the number of shards */
    rl_shard_t *shards;
};

/* ---------------------------------------------------------------------- */
/* SipHash (Aumasson & Bernstein), c compression and d finalisation rounds;
 * 1-3 here as in Rust's and Python's hash tables. */

static inline uint64_t rl_rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

static inline uint64_t rl_load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

#define RL_SIPROUND                                                                         \
    do {                                                                                    \
        v0 += v1;                                                                           \
        v1 = rl_rotl(v1, 13);                                                               \
        v1 ^= v0;                                                                           \
        v0 = rl_rotl(v0, 32);                                                               \
        v2 += v3;                                                                           \
        v3 = rl_rotl(v3, 16);                                                               \
        v3 ^= v2;                                                                           \
        v0 += v3;                                                                           \
        v3 = rl_rotl(v3, 21);                                                               \
        v3 ^= v0;                                                                           \
        v2 += v1;                                                                           \
        v1 = rl_rotl(v1, 17);                                                               \
        v1 ^= v2;                                                                           \
        v2 = rl_rotl(v2, 32);                                                               \
    } while (0)

static inline uint64_t rl_siphash(const uint64_t k[2], const void *data, size_t n, int c, int d)
{
    uint64_t v0 = 0x736f6d6570736575ull ^ k[0];
    uint64_t v1 = 0x646f72616e646f6dull ^ k[1];
    uint64_t v2 = 0x6c7967656e657261ull ^ k[0];
    uint64_t v3 = 0x7465646279746573ull ^ k[1];
    const uint8_t *p = data;
    const uint8_t *end = p + (n & ~(size_t)7);
    for (; p != end; p += 8) {
        uint64_t m = rl_load_le64(p);
        v3 ^= m;
        for (int i = 0; i < c; i++)
            RL_SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)n << 56;
    for (size_t i = 0; i < (n & 7); i++)
        b |= (uint64_t)p[i] << (8 * i);
    v3 ^= b;
    for (int i = 0; i < c; i++)
        RL_SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    for (int i = 0; i < d; i++)
        RL_SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static inline uint64_t rl_hash(const uint64_t k[2], rp_str_t s)
{
    return rl_siphash(k, s.n ? s.p : "", s.n, 1, 3);
}

/* ---------------------------------------------------------------------- */
/* Creation.                                                                */

static void rl_shard_dispose(rl_shard_t *s)
{
    if (s->e) {
        for (uint32_t i = s->lru_head; i != 0; i = s->e[i].lru_next)
            if (s->e[i].klen != RL_KLEN_HASHED && s->e[i].klen > RL_INLINE)
                free(s->e[i].key.ext);
    }
    while (s->blocks) {
        void *next;
        memcpy(&next, s->blocks, sizeof(next));
        free(s->blocks);
        s->blocks = next;
    }
    free(s->e);
    free(s->heads);
    pthread_mutex_destroy(&s->lock);
}

static int rl_shard_init(rl_shard_t *s, uint32_t cap)
{
    memset(s, 0, sizeof(*s));
    uint32_t nheads = 1;
    while (nheads < cap)
        nheads <<= 1;
    s->cap = cap;
    s->mask = nheads - 1;
    s->e = malloc(((size_t)cap + 1) * sizeof(*s->e));
    s->heads = calloc(nheads, sizeof(*s->heads));
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s->e);
        free(s->heads);
        return RP_ENOMEM;
    }
    if (!s->e || !s->heads) {
        rl_shard_dispose(s);
        return RP_ENOMEM;
    }
    return 0;
}

/* Seeds the hash keys. getrandom does not fail on Linux >= 3.17; should it,
 * the table still works, with keys an attacker could guess. */
static void rl_seed(rp_ratelimit_t *rl)
{
    uint64_t k[4];
    if (rp_random_bytes(k, sizeof(k)) != 0) {
        rp_log_warn("ratelimit: no random bytes; hash keys are guessable");
        uint64_t x = rp_now_us() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)rl;
        for (int i = 0; i < 4; i++) {
            x += 0x9e3779b97f4a7c15ull; /* splitmix64 */
            uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            k[i] = z ^ (z >> 31);
        }
    }
    rl->k0[0] = k[0];
    rl->k0[1] = k[1];
    rl->k1[0] = k[2];
    rl->k1[1] = k[3];
}

rp_ratelimit_t *rp_ratelimit_new(size_t max_keys)
{
    unsigned bits = 0;
    while (bits < 6 && ((size_t)RL_MIN_KEYS_PER_SHARD << (bits + 1)) <= max_keys)
        bits++;
    size_t nshards = (size_t)1 << bits;
    if (max_keys == 0 || max_keys / nshards >= ((size_t)1 << 31))
        return NULL; /* 32-bit indices, and chain heads a power of two */
    rp_ratelimit_t *rl = calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    rl->shard_bits = bits;
    rl->shards = aligned_alloc(64, nshards * sizeof(*rl->shards));
    if (!rl->shards) {
        free(rl);
        return NULL;
    }
    for (size_t i = 0; i < nshards; i++) {
        /* max_keys in total: the remainder goes one each to the first shards */
        uint32_t cap = (uint32_t)(max_keys / nshards + (i < max_keys % nshards ? 1 : 0));
        if (rl_shard_init(&rl->shards[i], cap) != 0) {
            while (i-- > 0)
                rl_shard_dispose(&rl->shards[i]);
            free(rl->shards);
            free(rl);
            return NULL;
        }
    }
    rl_seed(rl);
    return rl;
}

void rp_ratelimit_free(rp_ratelimit_t *rl)
{
    if (!rl)
        return;
    for (size_t i = 0; i < ((size_t)1 << rl->shard_bits); i++)
        rl_shard_dispose(&rl->shards[i]);
    free(rl->shards);
    free(rl);
}

/* ---------------------------------------------------------------------- */
/* Buckets within a shard (lock held).                                      */

static inline const char *rl_key_bytes(const rl_entry_t *e)
{
    return e->klen > RL_INLINE ? e->key.ext : e->key.inl;
}

static uint32_t rl_find(const rl_shard_t *s, uint64_t h, uint64_t h2, rp_str_t key)
{
    for (uint32_t i = s->heads[h & s->mask]; i != 0; i = s->e[i].chain) {
        const rl_entry_t *e = &s->e[i];
        if (e->hash != h)
            continue;
        if (key.n > RL_MAX_KEY) {
            if (e->klen == RL_KLEN_HASHED && e->key.hash2 == h2)
                return i;
        } else if (e->klen == key.n && (key.n == 0 || memcmp(rl_key_bytes(e), key.p, key.n) == 0)) {
            return i;
        }
    }
    return 0;
}

static void rl_lru_unlink(rl_shard_t *s, uint32_t i)
{
    rl_entry_t *e = &s->e[i];
    if (e->lru_prev)
        s->e[e->lru_prev].lru_next = e->lru_next;
    else
        s->lru_head = e->lru_next;
    if (e->lru_next)
        s->e[e->lru_next].lru_prev = e->lru_prev;
    else
        s->lru_tail = e->lru_prev;
}

static void rl_lru_push_front(rl_shard_t *s, uint32_t i)
{
    rl_entry_t *e = &s->e[i];
    e->lru_prev = 0;
    e->lru_next = s->lru_head;
    if (s->lru_head)
        s->e[s->lru_head].lru_prev = i;
    else
        s->lru_tail = i;
    s->lru_head = i;
}

/* Tokens in e at now (never more than burst; time never runs backwards). */
static inline double rl_tokens_at(const rl_entry_t *e, double rate, double burst, uint64_t now)
{
    double t = e->tokens;
    if (now > e->last_ms && rate > 0)
        t += (double)(now - e->last_ms) * rate / 1000.0;
    return t < burst ? t : burst;
}

static void rl_remove(rl_shard_t *s, uint32_t i)
{
    rl_entry_t *e = &s->e[i];
    uint32_t *link = &s->heads[e->hash & s->mask];
    while (*link != i) {
        RP_BUG_ON(*link == 0);
        link = &s->e[*link].chain;
    }
    *link = e->chain;
    rl_lru_unlink(s, i);
    if (e->klen != RL_KLEN_HASHED && e->klen > RL_INLINE) {
        memcpy(e->key.ext, &s->blocks, sizeof(s->blocks)); /* to the block cache */
        s->blocks = e->key.ext;
    }
    e->chain = s->free;
    s->free = i;
    s->count--;
}

/* Makes room in a full shard: a bucket that has refilled to its burst
 * among the least recently used few if there is one (forgetting it changes
 * nothing), else the least recently used. */
static void rl_evict(rl_shard_t *s, uint64_t now)
{
    uint32_t victim = s->lru_tail;
    uint32_t i = s->lru_tail;
    for (int n = 0; n < RL_EVICT_SCAN && i != 0; n++, i = s->e[i].lru_prev) {
        const rl_entry_t *e = &s->e[i];
        if (rl_tokens_at(e, e->rate, e->burst, now) + RL_EPS >= e->burst) {
            victim = i;
            break;
        }
    }
    RP_BUG_ON(victim == 0);
    rl_remove(s, victim);
    s->evicted++;
}

/* Adds a bucket for key, evicting one if the shard is full. Returns its
 * index, or 0 if a long-key block could not be allocated. */
static uint32_t rl_insert(rl_shard_t *s, uint64_t h, uint64_t h2, rp_str_t key, uint64_t now)
{
    char *block = NULL;
    if (s->count == s->cap)
        rl_evict(s, now);
    if (key.n > RL_INLINE && key.n <= RL_MAX_KEY) {
        if (s->blocks) {
            block = s->blocks;
            memcpy(&s->blocks, block, sizeof(s->blocks));
        } else {
            block = malloc(RL_BLOCK);
            if (!block)
                return 0;
            s->nblocks++;
        }
    }
    uint32_t i;
    if (s->free) {
        i = s->free;
        s->free = s->e[i].chain;
    } else {
        RP_BUG_ON(s->used >= s->cap);
        i = ++s->used;
    }
    rl_entry_t *e = &s->e[i];
    e->hash = h;
    if (key.n > RL_MAX_KEY) {
        e->klen = RL_KLEN_HASHED;
        e->key.hash2 = h2;
    } else {
        e->klen = (uint16_t)key.n;
        if (block) {
            memcpy(block, key.p, key.n);
            e->key.ext = block;
        } else if (key.n > 0) {
            memcpy(e->key.inl, key.p, key.n);
        }
    }
    e->pad = 0;
    e->tokens = 0; /* set by the caller */
    e->last_ms = now;
    e->chain = s->heads[h & s->mask];
    s->heads[h & s->mask] = i;
    rl_lru_push_front(s, i);
    s->count++;
    return i;
}

/* ---------------------------------------------------------------------- */
/* Taking tokens.                                                           */

/* Milliseconds until `need` more tokens have accrued at rate (per second). */
static uint64_t rl_retry_ms(double need, double rate)
{
    if (!(rate > 0))
        return UINT64_MAX;
    double ms = ceil((need - RL_EPS / 2) * 1000.0 / rate);
    if (ms < 1)
        return 1;
    if (!(ms < 18446744073709549568.0)) /* the largest double below 2^64 */
        return UINT64_MAX;
    return (uint64_t)ms;
}

int rp_ratelimit_take(rp_ratelimit_t *rl, rp_str_t key, double rate, double burst, double cost,
                      uint64_t now_ms, uint64_t *retry_after_ms)
{
    uint64_t retry_sink;
    if (!retry_after_ms)
        retry_after_ms = &retry_sink;
    if (!(rate >= 0))
        rate = 0;
    if (!(burst >= 0))
        burst = 0;
    if (!(cost >= 0))
        cost = 0;

    uint64_t h = rl_hash(rl->k0, key);
    uint64_t h2 = key.n > RL_MAX_KEY ? rl_hash(rl->k1, key) : 0;
    rl_shard_t *s = &rl->shards[rl->shard_bits ? h >> (64 - rl->shard_bits) : 0];

    pthread_mutex_lock(&s->lock);
    double tokens;
    uint32_t i = rl_find(s, h, h2, key);
    if (i != 0) {
        tokens = rl_tokens_at(&s->e[i], rate, burst, now_ms);
        if (i != s->lru_head) {
            rl_lru_unlink(s, i);
            rl_lru_push_front(s, i);
        }
    } else {
        i = rl_insert(s, h, h2, key, now_ms);
        if (i == 0) {
            /* No memory for the key: let the request through (failing
             * closed would turn memory pressure into an outage). */
            s->allowed++;
            pthread_mutex_unlock(&s->lock);
            return 1;
        }
        tokens = burst; /* a new key starts full */
    }
    rl_entry_t *e = &s->e[i];
    e->rate = rate;
    e->burst = burst;
    if (now_ms > e->last_ms)
        e->last_ms = now_ms; /* never backwards: see the header */

    int allowed;
    if (tokens + RL_EPS >= cost) {
        tokens -= cost;
        if (tokens < 0)
            tokens = 0;
        allowed = 1;
        s->allowed++;
    } else {
        allowed = 0;
        s->limited++;
        uint64_t ms = cost > burst + RL_EPS ? UINT64_MAX : rl_retry_ms(cost - tokens, rate);
        /* The bucket's clock may be ahead of this caller's (see above). */
        uint64_t ahead = e->last_ms - now_ms;
        *retry_after_ms = ms > UINT64_MAX - ahead ? UINT64_MAX : ms + ahead;
    }
    e->tokens = tokens;
    pthread_mutex_unlock(&s->lock);
    return allowed;
}

/* ---------------------------------------------------------------------- */
/* Statistics.                                                              */

void rp_ratelimit_get_stats(rp_ratelimit_t *rl, rp_ratelimit_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!rl)
        return;
    for (size_t i = 0; i < ((size_t)1 << rl->shard_bits); i++) {
        rl_shard_t *s = &rl->shards[i];
        pthread_mutex_lock(&s->lock);
        out->keys += s->count;
        out->allowed += s->allowed;
        out->limited += s->limited;
        out->evicted += s->evicted;
        pthread_mutex_unlock(&s->lock);
    }
}

size_t rp_ratelimit_memory(rp_ratelimit_t *rl)
{
    if (!rl)
        return 0;
    size_t n = sizeof(*rl);
    for (size_t i = 0; i < ((size_t)1 << rl->shard_bits); i++) {
        rl_shard_t *s = &rl->shards[i];
        pthread_mutex_lock(&s->lock);
        n += sizeof(*s) + ((size_t)s->cap + 1) * sizeof(*s->e) +
             ((size_t)s->mask + 1) * sizeof(*s->heads) + s->nblocks * RL_BLOCK;
        pthread_mutex_unlock(&s->lock);
    }
    return n;
}
