/*
 * fuzz_json - rp_json_parse on arbitrary bytes.
 *
 * The first byte picks the depth limit (0..63 or 4096+); the rest, in an
 * exact-size copy, is the document. Checks:
 *   - the result is one of the documented codes, err_pos <= n;
 *   - every raw slice lies inside the input, and a string without
 *     backslashes comes as that very slice (no copy);
 *   - events nest: BEGIN/END pairs match, KEY only directly in an
 *     object and always followed by a value, depth never over the limit,
 *     and on success everything closed with exactly one root value;
 *   - a second parse gives the same events (hash) and result;
 *   - stopping at the k-th event returns ABORTED after exactly k events.
 */
#include "rampart/json.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct st {
    const char *in;
    size_t n, max_depth;
    uint64_t h;
    size_t events, stop_at;
    char kinds[8192];   /* 'o' / 'a' per open level */
    size_t depth;
    int want_value;     /* after a KEY */
    int roots;
} st_t;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static int cb(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw)
{
    st_t *s = ud;
    s->events++;
    s->h = mix(s->h, &ev, sizeof(ev));
    s->h = mix(s->h, value.p, value.n);
    RP_BUG_ON(!fz_inside(raw, s->in, s->n));
    if (s->depth == 0 && ev != RP_JSON_OBJECT_END && ev != RP_JSON_ARRAY_END)
        s->roots++;
    switch (ev) {
    case RP_JSON_OBJECT_BEGIN:
    case RP_JSON_ARRAY_BEGIN:
        RP_BUG_ON(s->depth && s->kinds[s->depth - 1] == 'o' && !s->want_value);
        RP_BUG_ON(s->depth >= s->max_depth || s->depth >= sizeof(s->kinds));
        s->kinds[s->depth++] = ev == RP_JSON_OBJECT_BEGIN ? 'o' : 'a';
        s->want_value = 0;
        RP_BUG_ON(raw.n != 1);
        break;
    case RP_JSON_OBJECT_END:
    case RP_JSON_ARRAY_END:
        RP_BUG_ON(s->depth == 0 || s->want_value);
        RP_BUG_ON(s->kinds[--s->depth] != (ev == RP_JSON_OBJECT_END ? 'o' : 'a'));
        break;
    case RP_JSON_KEY:
        RP_BUG_ON(s->depth == 0 || s->kinds[s->depth - 1] != 'o' || s->want_value);
        s->want_value = 1;
        break;
    default:
        RP_BUG_ON(s->depth && s->kinds[s->depth - 1] == 'o' && !s->want_value);
        s->want_value = 0;
        break;
    }
    if (ev == RP_JSON_KEY || ev == RP_JSON_STRING) {
        if (!memchr(raw.p, '\\', raw.n))
            RP_BUG_ON(value.p != raw.p || value.n != raw.n);
        RP_BUG_ON(value.n > raw.n);
    }
    if (ev == RP_JSON_NUMBER || ev == RP_JSON_TRUE || ev == RP_JSON_FALSE || ev == RP_JSON_NULL)
        RP_BUG_ON(value.p != raw.p || value.n != raw.n || raw.n == 0);
    return s->stop_at && s->events >= s->stop_at;
}

static int run(const char *in, size_t n, size_t max_depth, size_t stop_at, st_t *s)
{
    rp_arena_t a;
    rp_arena_init(&a, 1024);
    memset(s, 0, sizeof(*s));
    s->in = in;
    s->n = n;
    s->max_depth = max_depth;
    s->stop_at = stop_at;
    s->h = 1469598103934665603ull;
    size_t err = (size_t)-1;
    int rc = rp_json_parse(in, n, max_depth, &a, cb, s, &err);
    RP_BUG_ON(rc != RP_JSON_OK && rc != RP_JSON_SYNTAX && rc != RP_JSON_TOO_DEEP &&
              rc != RP_JSON_ABORTED);
    RP_BUG_ON(err > n);
    if (rc == RP_JSON_OK) {
        RP_BUG_ON(s->depth != 0 || s->roots != 1 || err != 0);
    }
    rp_arena_dispose(&a);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t max_depth = data[0] < 0xf0 ? (size_t)(data[0] & 63) : 4096 + (size_t)data[0];
    char *in = fz_dup(data + 1, size - 1);
    size_t n = size - 1;
    static st_t s1, s2;
    int rc1 = run(in, n, max_depth, 0, &s1);
    int rc2 = run(in, n, max_depth, 0, &s2);
    RP_BUG_ON(rc1 != rc2 || s1.h != s2.h || s1.events != s2.events);
    if (s1.events > 1) {
        size_t k = 1 + (size_t)(rp_hash64(data, size) % (s1.events - 1));
        int rc3 = run(in, n, max_depth, k, &s2);
        RP_BUG_ON(rc3 != RP_JSON_ABORTED || s2.events != k);
    }
    free(in);
    return 0;
}
