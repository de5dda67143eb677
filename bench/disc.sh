#!/usr/bin/env bash
# The discovery aggregator alone: ns per rp_disc_add (access-log and live
# observations of known endpoints) and memory per 1,000 endpoints.
#
#   bench/disc.sh [--adds N]
#
# Builds bench/disc_bench.c against build/librampart.a (run `make` first).
set -eu
cd "$(dirname "$0")/.."
[ -f build/librampart.a ] || make -s
LIBS="$(make -s -f Makefile print-ldlibs 2>/dev/null || echo "-lyaml -lcares -lssl -lcrypto -lexpat -lz -lsqlite3 -lpthread -lm")"
cc -O2 -g -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -o build/bench-disc bench/disc_bench.c build/librampart.a $LIBS
mkdir -p bench/results
out="bench/results/disc-$(date +%Y%m%d-%H%M%S).txt"
{
    echo "# discovery aggregator alone, one thread ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
    build/bench-disc "$@"
} | tee "$out"
echo "# saved to $out"
