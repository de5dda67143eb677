/*
 * fuzz_iptree: IP list entries (rp_iptree_parse_entry) into a tree, then
 * lookups of every parsed address: what was added must be found, and
 * nothing may crash or leak whatever the text.
 */
#include "rampart/iptree.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rp_iptree_t *t = rp_iptree_new();
    if (!t)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && data[i] != '\n')
            continue;
        rp_str_t line = rp_str((const char *)data + start, i - start);
        start = i + 1;
        int fam = 0;
        uint8_t addr[16];
        unsigned prefix = 0;
        const char *why = NULL;
        if (rp_iptree_parse_entry(line, &fam, addr, &prefix, &why) != 0)
            continue;
        if (fam != AF_INET && fam != AF_INET6)
            abort();
        if (prefix > (fam == AF_INET ? 32u : 128u))
            abort();
        if (rp_iptree_add(t, fam, addr, prefix, 1u << (i % 3)) != 0)
            continue;
        /* The address is inside its own prefix, except for IPv4-mapped
         * IPv6 addresses under a prefix shorter than /96: those look up as
         * IPv4 (documented in iptree.h). */
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        int skip = fam == AF_INET6 && prefix < 96 && memcmp(addr, mapped, 12) == 0;
        if (!skip && !(rp_iptree_lookup_raw(t, fam, addr) & (1u << (i % 3))))
            abort();
    }
    rp_iptree_free(t);
    return 0;
}
