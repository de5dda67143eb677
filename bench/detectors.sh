#!/usr/bin/env bash
# Cost of detection breadth: the engine with only the SQLi and XSS
# detectors against the engine with every detector, on the same mixed
# corpus (generated benign API traffic + the OWASP CRS regression
# requests). Issue 5's budget: all detectors cost at most 1.30x the
# SQLi+XSS-only engine.
#
#   bench/detectors.sh [--benign N] [--runs R] [--no-callgrind]
#
# Figures: instructions spent inside rp_waf_inspect_ex per request
# (callgrind, --toggle-collect: stable on a noisy machine) and the median
# wall time of R runs of `rampart scan` (JSON-lines parsing included, so
# the wall-time ratio understates the engine's).
set -eu
cd "$(dirname "$0")/.."
BENIGN=2000
RUNS=5
CALLGRIND=1
while [ $# -gt 0 ]; do
    case "$1" in
        --benign) BENIGN=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --no-callgrind) CALLGRIND=0; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -x build/rampart ] || make -s
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rp-det.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 tests/corpus/benign.py -n "$BENIGN" -o "$tmp/benign.jsonl"
python3 tests/corpus/crs.py --write "$tmp/crs.jsonl" >/dev/null
cat "$tmp/benign.jsonl" "$tmp/crs.jsonl" > "$tmp/mixed.jsonl"
nreq=$(wc -l < "$tmp/mixed.jsonl")
mkdir -p bench/results
out="bench/results/detectors-$(date +%Y%m%d-%H%M%S).txt"
BASE=sqli,xss
{
    echo "# detectors: $nreq requests ($BENIGN benign + CRS), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
    median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    wall() { # classes...
        for _ in $(seq "$RUNS"); do
            s=$(date +%s.%N)
            build/rampart scan --json "$@" "$tmp/mixed.jsonl" >/dev/null || true
            e=$(date +%s.%N)
            echo "$e - $s" | bc
        done | median
    }
    wb=$(wall --classes "$BASE")
    wa=$(wall)
    printf "wall (median of %d): sqli+xss %.3f s, all %.3f s, ratio %.2f\n" "$RUNS" "$wb" "$wa" \
        "$(echo "$wa / $wb" | bc -l)"
    if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1; then
        ir() {
            valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=rp_waf_inspect_ex \
                build/rampart scan --json "$@" "$tmp/mixed.jsonl" 2>&1 >/dev/null |
                sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
        }
        ib=$(ir --classes "$BASE")
        ia=$(ir)
        echo "engine instructions per request: sqli+xss $((ib / nreq)), all $((ia / nreq)), ratio $(echo "scale=2; $ia / $ib" | bc)"
        # The budget's base: the SQLi+XSS-only engine before the speed work
        # on detection breadth (c0cd872 with --classes sqli,xss: 39,825 per
        # request on the --benign 500 corpus of the day, 40,161 on today's).
        echo "budget 1.30 x 39,825 = 51,772 per request: every class costs $(echo "scale=2; $ia / $nreq / 39825" | bc) x that base"
    fi
} | tee "$out"
echo "# saved to $out"
