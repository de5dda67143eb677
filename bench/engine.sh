#!/usr/bin/env bash
# The detection engine alone: inspections/s and MB/s per core, and
# instructions per inspection from callgrind (stable across noisy runs).
#
#   bench/engine.sh [--seconds 2] [--no-callgrind]
#
# Builds bench/engine.c against build/librampart.a (run `make` first).
set -eu
cd "$(dirname "$0")/.."
SECONDS_PER=2
CALLGRIND=1
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER=$2; shift 2 ;;
        --no-callgrind) CALLGRIND=0; shift ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -f build/librampart.a ] || make -s
LIBS="$(make -s -f Makefile print-ldlibs 2>/dev/null || echo "-lyaml -lcares -lssl -lcrypto -lexpat -lz -lpthread -lm")"
cc -O2 -g -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -o build/bench-engine bench/engine.c build/librampart.a $LIBS
mkdir -p bench/results
out="bench/results/engine-$(date +%Y%m%d-%H%M%S).txt"
{
    echo "# engine alone, one thread ($(nproc) cores on this machine, load $(cut -d' ' -f1 /proc/loadavg))"
    build/bench-engine --seconds "$SECONDS_PER"
    if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1; then
        echo "# callgrind: instructions per inspection (1000 inspections minus 0, divided by 1000)"
        for w in get json1k json64k attack; do
            ir() {
                valgrind --tool=callgrind --callgrind-out-file=/dev/null build/bench-engine \
                    --workload "$w" --iterations "$1" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
            }
            a=$(ir 0); b=$(ir 1000)
            echo "$w $(( (b - a) / 1000 )) instructions/inspection"
        done
    fi
} | tee "$out"
echo "# saved to $out"
