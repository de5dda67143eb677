#!/usr/bin/env bash
# API discovery from access logs: `rampart discover` throughput (lines/s on
# one core, pinned with taskset -c 0) and memory per 1,000 endpoints (peak
# RSS of a run with many endpoints minus one with few, scaled).
#
#   bench/discovery.sh [--lines MILLIONS] [--endpoints N]
#
# Lines come from tests/integration/discovery_traffic.py (the 66-template
# ground-truth API, API Gateway's JSON access-log format, ~480 bytes a
# line). The memory runs use resourcePath hints so the endpoint count is
# exactly what was asked for. Needs build/rampart (make).
set -eu
cd "$(dirname "$0")/.."
MLINES=2
NEP=20000
while [ $# -gt 0 ]; do
    case "$1" in
        --lines) MLINES=$2; shift 2 ;;
        --endpoints) NEP=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -x build/rampart ] || make -s -j2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rp-disc-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p bench/results
out="bench/results/discovery-$(date +%Y%m%d-%H%M%S).txt"
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"

# Runs rampart discover on the given files; prints "wall_s cpu_s maxrss_kb".
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if p.returncode != 0:
    sys.stderr.write(p.stderr)
    sys.exit(1)
sys.stderr.write(p.stderr)
print("%.3f %.3f %d" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss))
PY
}

n=$((MLINES * 1000000))
echo "generating $n access-log lines..."
python3 tests/integration/discovery_traffic.py 200000 > "$tmp/base.jsonl"
: > "$tmp/lines.jsonl"
while [ "$(wc -l < "$tmp/lines.jsonl")" -lt "$n" ]; do cat "$tmp/base.jsonl" >> "$tmp/lines.jsonl"; done
head -n "$n" "$tmp/lines.jsonl" > "$tmp/n.jsonl"
bytes=$(stat -c %s "$tmp/n.jsonl")

echo "generating endpoint-count runs..."
python3 - "$tmp" "$NEP" <<'PY'
import json, sys
tmp, nep = sys.argv[1], int(sys.argv[2])
def write(name, count, reps):
    with open("%s/%s" % (tmp, name), "w") as f:
        for r in range(reps):
            for k in range(count):
                t = "/svc%d/items/{id}" % k
                rec = {"httpMethod": "GET", "path": "/prod/svc%d/items/%d" % (k, r * 7 + 1), "stage": "prod",
                       "status": "200", "responseLatency": str(5 + r), "responseLength": "100",
                       "requestTimeEpoch": str(1700000000000 + r), "resourcePath": t,
                       "domainName": "x.execute-api.eu-west-1.amazonaws.com", "sourceIp": "10.0.0.%d" % (r % 200)}
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")
write("many.jsonl", nep, 6)
write("few.jsonl", 10, nep * 6 // 10)
PY

{
    echo "# rampart discover, $(nproc) cores on this machine, load $(cut -d' ' -f1 /proc/loadavg), pinned: ${PIN:-no}"
    read -r wall cpu rss < <(measure $PIN build/rampart discover --quiet --app bench "$tmp/n.jsonl")
    python3 -c "
n, b, wall, cpu = $n, $bytes, $wall, $cpu
print('throughput: %d lines (%.0f MB) in %.2f s wall, %.2f s CPU: %.0f lines/s per core (CPU), %.0f lines/s wall, %.0f MB/s'
      % (n, b / 1e6, wall, cpu, n / cpu, n / wall, b / 1e6 / cpu))"
    echo "peak RSS (66 endpoints, $n lines): ${rss} kB"
    read -r _ _ rss_many < <(measure build/rampart discover --app bench --min-requests 1 --max-endpoints $((NEP * 2)) "$tmp/many.jsonl")
    read -r _ _ rss_few < <(measure build/rampart discover --app bench --min-requests 1 --max-endpoints $((NEP * 2)) "$tmp/few.jsonl")
    python3 -c "
many, few, nep = $rss_many, $rss_few, $NEP
print('memory: %d endpoints peak RSS %d kB, 10 endpoints %d kB (same line count): %.0f kB per 1,000 endpoints'
      % (nep, many, few, (many - few) * 1000.0 / (nep - 10)))"
} 2>&1 | tee "$out"
echo "written: $out"
