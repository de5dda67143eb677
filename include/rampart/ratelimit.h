/*
 * rampart/ratelimit.h - token buckets keyed by arbitrary bytes.
 *
 * One table serves every worker thread: keys are spread over up to 64
 * shards by a keyed hash, each shard with its own mutex, hash chains and
 * LRU list, so that two workers contend only when their keys land in the
 * same shard, for the few dozen nanoseconds a take lasts. Nothing is
 * allocated on the request path except, for keys of 73 to 256 bytes, a
 * 256-byte key block the first time a shard needs one (blocks are then
 * recycled).
 *
 * Keys are whatever identifies a client for a limit: the client address
 * as text, an API key header value, "route|address". Compose the limit
 * into the key when one client has several limits: a bucket refills with
 * the rate and burst of the take that touches it, so two limits sharing a
 * key would share one bucket.
 *
 * Memory is bounded by max_keys: each shard holds at most its share
 * (max_keys / shards, the remainder spread over the first ones). When a
 * new key arrives in a full shard, a bucket that has refilled to its burst
 * (as good as absent: forgetting it changes no answer) is evicted if one
 * is found among the 8 least recently used, else the least recently used
 * one (its client starts again from a full bucket: size max_keys for the
 * number of clients expected to be limited at once). Eviction is LRU per
 * shard, an approximation of a global LRU.
 *
 * Hashing: SipHash-1-3 with a random 128-bit key drawn at creation, so a
 * client cannot choose keys that collide into one chain. Keys of up to 256
 * bytes are stored and compared in full. Longer keys are identified by a
 * 128-bit keyed hash of their bytes (two SipHash-1-3 values under
 * independent keys): two different long keys share a bucket only if both
 * halves collide, about 2^-128 for a given pair, and clients cannot aim
 * for it without the secret keys.
 */
#ifndef RAMPART_RATELIMIT_H
#define RAMPART_RATELIMIT_H

#include "rampart/core.h"

typedef struct rp_ratelimit rp_ratelimit_t;

/* Creates a table of at most max_keys buckets (1 .. 2^37). Returns
 * NULL when max_keys is out of range or memory is short. The bucket
 * array is reserved up front (max_keys * 128 bytes of address space) but
 * pages are touched only as keys arrive. */
rp_ratelimit_t *rp_ratelimit_new(size_t max_keys);
/* Frees the table (NULL is a no-op). No take may be running. */
void rp_ratelimit_free(rp_ratelimit_t *rl);

/* Takes `cost` tokens (usually 1) from key's bucket, which refills at
 * `rate` tokens per second up to `burst`; a new key starts full. Returns
 * 1 when allowed. Returns 0 when limited, with *retry_after_ms (may be
 * NULL) the time until the bucket holds `cost` tokens, at least 1 ms:
 * a take at now_ms + *retry_after_ms succeeds if nothing else took
 * meanwhile. When it never will (cost > burst, or rate <= 0 and the bucket
 * short), *retry_after_ms is UINT64_MAX. A limited take consumes nothing.
 *
 * now_ms is the caller's monotonic clock (rp_now_ms(); tests pass their
 * own). Threads may pass slightly out-of-order times: a bucket never
 * moves backwards, so the total allowed for a key over any period stays
 * within burst + rate * period. NaN or negative rate, burst and cost count
 * as 0; an infinite rate refills the bucket at once. Thread-safe. */
int rp_ratelimit_take(rp_ratelimit_t *rl, rp_str_t key, double rate, double burst, double cost,
                      uint64_t now_ms, uint64_t *retry_after_ms);

typedef struct rp_ratelimit_stats {
    size_t keys;      /* buckets held now */
    uint64_t allowed; /* takes answered 1 */
    uint64_t limited; /* takes answered 0 */
    uint64_t evicted; /* buckets dropped to make room (refilled or LRU) */
} rp_ratelimit_stats_t;

/* A consistent snapshot per shard (shards are read one after another). */
void rp_ratelimit_get_stats(rp_ratelimit_t *rl, rp_ratelimit_stats_t *out);

/* Bytes allocated: bucket arrays and hash heads in full (their address
 * space), plus the long-key blocks in use or cached. For /metrics and for
 * tests that check the bound. */
size_t rp_ratelimit_memory(rp_ratelimit_t *rl);

#endif /* RAMPART_RATELIMIT_H */
