#!/usr/bin/env python3
"""Prints the keyword hash table of src/waf/sqli.c (kw_slots) and the
keyword lengths by first letter (kw_lens) from its sql_keywords[] table.
Run it after editing the keyword list and paste the output over the old
tables; test_sqli fails until they agree.

    python3 bench/gen_sqli_kw_hash.py
"""
import os
import re
import sys

SLOTS_LOG2 = 10
SLOTS = 1 << SLOTS_LOG2


def kw_hash(word):
    # must match kw_hash() in sqli.c: the length and the first two and last
    # two bytes (names are upper case already)
    b = word.encode()
    n = len(b)
    key = (b[0] << 24) | (b[1] << 16) | (b[n - 2] << 8) | b[n - 1]
    return ((key * 0x9E3779B1 + n * 0x85EBCA77) & 0xFFFFFFFF) >> (32 - SLOTS_LOG2)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    src = open(os.path.join(root, "src/waf/sqli.c")).read()
    body = src[src.index("static const sql_kw_t sql_keywords[] = {"):]
    body = body[:body.index("\n};")]
    kws = re.findall(r'\{"([^"]+)",', body)
    slots = [0] * SLOTS
    for i, k in enumerate(kws):
        s = kw_hash(k) & (SLOTS - 1)
        while slots[s]:
            s = (s + 1) & (SLOTS - 1)
        slots[s] = i + 1
    out = sys.stdout
    out.write("static const uint16_t kw_slots[KW_SLOTS] = {\n")
    for i in range(0, SLOTS, 16):
        out.write("    " + ", ".join(str(v) for v in slots[i:i + 16]) + ",\n")
    out.write("};\n")
    lens = [0] * 32
    for k in kws:
        lens[ord(k[0]) & 31] |= 1 << len(k)
    out.write("\nstatic const uint32_t kw_lens[32] = {\n")
    for i in range(0, 32, 8):
        out.write("    " + ", ".join("0x%08x" % v for v in lens[i:i + 8]) + ",\n")
    out.write("};\n")


if __name__ == "__main__":
    main()
