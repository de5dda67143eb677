/*
 * fuzz_xml - rp__xml_parse (expat, no entity expansion) on arbitrary bytes.
 *
 * The first byte picks the depth and text limits; the rest is the
 * document (an exact-size copy). Checks: the result is a documented code
 * with err_pos <= n; paths are well-formed (non-empty, bounded); raw
 * slices that point into the document lie inside it; values respect the
 * text limit; memory stays bounded (libFuzzer's RSS limit: an expanding
 * billion-laughs would trip it); a second parse gives the same events.
 */
#include "waf/decode_int.h"

#include "fuzz_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct st {
    const char *in;
    size_t n, max_text;
    uint64_t h;
    size_t events;
} st_t;

static int cb(void *ud, rp__xml_event_t ev, rp_str_t path, rp_str_t raw, rp_str_t value)
{
    st_t *s = ud;
    s->events++;
    RP_BUG_ON(path.n == 0 || path.n > 1024 + 128 + 2);
    RP_BUG_ON(ev > RP__XML_ENTITY);
    if (ev == RP__XML_TEXT)
        RP_BUG_ON(value.n > s->max_text);
    if (raw.p >= s->in && raw.p <= s->in + s->n)
        RP_BUG_ON(!fz_inside(raw, s->in, s->n));
    if (ev == RP__XML_DOCTYPE || ev == RP__XML_ENTITY)
        RP_BUG_ON(!fz_inside(raw, s->in, s->n));
    s->h = rp_hash64(path.p, path.n) ^ (s->h * 31) ^ rp_hash64(value.p, value.n);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t depth = 1 + (data[0] & 31), max_text = (data[0] & 0x80) ? 16 : 65536;
    char *in = fz_dup(data + 1, size - 1);
    size_t n = size - 1;
    st_t a = { in, n, max_text, 0, 0 }, b = { in, n, max_text, 0, 0 };
    size_t e1 = 0, e2 = 0;
    int r1 = rp__xml_parse(in, n, depth, max_text, cb, &a, &e1);
    int r2 = rp__xml_parse(in, n, depth, max_text, cb, &b, &e2);
    RP_BUG_ON(r1 != 0 && r1 != -1 && r1 != -2 && r1 != -4);
    RP_BUG_ON(r1 != r2 || a.h != b.h || a.events != b.events || e1 != e2);
    RP_BUG_ON(e1 > n);
    free(in);
    return 0;
}
