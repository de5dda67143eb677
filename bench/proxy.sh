#!/usr/bin/env bash
# Reverse-proxy throughput/latency benchmark: Rampart vs nginx vs HAProxy.
#
#   bench/proxy.sh [--duration 8] [--connections 64] [--threads 2] [--reps 3]
#                  [--quick] [--targets origin,nginx,haproxy,rampart] [--keep-tmp]
#
# Starts bench/origin.c (built here) and the three proxies in front of it, all
# on 127.0.0.1 with free ports, then runs wrk for three workloads against the
# origin directly and through each proxy. Each (workload, target) cell is run
# --reps times, interleaved (rep 1 of every cell, then rep 2, ...), and the
# median is reported. --quick = 1 rep of 5 s. Output: a table on stdout and
# bench/results/proxy-<timestamp>.json. See bench/README.md.
set -eu
. "$(dirname "$0")/lib.sh"

DURATION=8
CONNECTIONS=64
THREADS=2
REPS=3
WARMUP=1
TARGETS="origin,nginx,haproxy,rampart"
WORKLOADS="get,post1k,post64k"
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --quick) REPS=1; DURATION=5; shift ;;
        --targets) TARGETS=$2; shift 2 ;;
        --workloads) WORKLOADS=$2; shift 2 ;;
        --keep-tmp) BENCH_KEEP_TMP=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done
case "$DURATION$CONNECTIONS$THREADS$REPS" in *[!0-9]*) die "numeric options must be integers" ;; esac

need_bin wrk curl python3 cc setsid pgrep timeout
bench_init
warn_if_busy
RAW="$BENCH_TMP/raw"
mkdir -p "$RAW" "$BENCH_DIR/results"
IFS=, read -r -a TGT <<<"$TARGETS"
IFS=, read -r -a WL <<<"$WORKLOADS"

# ---- servers ------------------------------------------------------------------
declare -A PORT PID DEAD
build_origin
ORIGIN_PORT=$(free_port)
start_origin "$ORIGIN_PORT" 1
PORT[origin]=$ORIGIN_PORT
PID[origin]=$ORIGIN_PID
note "origin (bench/origin.c, 1 thread) on 127.0.0.1:$ORIGIN_PORT"

for t in "${TGT[@]}"; do
    case "$t" in
        origin) ;;
        nginx)
            PORT[nginx]=$(free_port)
            start_nginx "${PORT[nginx]}" "$ORIGIN_PORT" 2
            PID[nginx]=$NGINX_PID ;;
        haproxy)
            PORT[haproxy]=$(free_port)
            start_haproxy "${PORT[haproxy]}" "$ORIGIN_PORT" 2
            PID[haproxy]=$HAPROXY_PID ;;
        rampart)
            if ! rampart_available; then
                DEAD[rampart]="rampart not available: '$RAMPART_BIN --help' failed (run make)"
                note "${DEAD[rampart]}"
                continue
            fi
            PORT[rampart]=$(free_port)
            if ! start_rampart "${PORT[rampart]}" "$ORIGIN_PORT" 2; then
                DEAD[rampart]="rampart did not start listening (see the error above)"
            fi
            PID[rampart]=${RAMPART_PID:-0} ;;
        *) die "unknown target $t" ;;
    esac
    if [ "$t" != origin ] && [ -z "${DEAD[$t]:-}" ]; then note "$t on 127.0.0.1:${PORT[$t]}"; fi
done

# ---- workloads ----------------------------------------------------------------
GET_PATH='/api/v1/products?category=books&sort=price_asc&page=3&limit=50&q=distributed+systems'
GET_HEADERS=(
    -H 'Accept: application/json, text/plain, */*'
    -H 'Accept-Language: en-US,en;q=0.9,fr;q=0.8'
    -H 'Accept-Encoding: gzip, deflate, br'
    -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
    -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQ4MjEzIiwic2NvcGUiOiJyZWFkIHdyaXRlIiwiZXhwIjoxNzE2MDAwMDAwfQ.3q2-8Kx1vJtZ0cYp9w4nR7mLhA5eQ0sVbU1dF6gTiXo'
    -H 'Cookie: session_id=8f14e45fceea167a5a36dedd4bea2543; theme=dark; _ga=GA1.2.1234567890.1716000000; locale=en_US'
    -H 'X-Request-Source: web-frontend'
    -H 'Cache-Control: no-cache'
    -H 'Referer: https://shop.example.com/catalog/books?page=2'
    -H 'X-Api-Version: 2024-05-01'
)

# wrk_cmd WORKLOAD PORT DURATION : prints nothing, runs wrk
run_wrk() {
    local wl=$1 port=$2 dur=$3 base="http://127.0.0.1:$2"
    local common=(-t "$THREADS" -c "$CONNECTIONS" -d "${dur}s" --timeout 2s --latency)
    case "$wl" in
        get) timeout $((dur + 30)) wrk "${common[@]}" "${GET_HEADERS[@]}" "$base$GET_PATH" ;;
        post1k) timeout $((dur + 30)) wrk "${common[@]}" -s "$BENCH_DIR/wrk/post_json.lua" "$base/api/v1/orders" -- 1024 ;;
        post64k) timeout $((dur + 30)) wrk "${common[@]}" -s "$BENCH_DIR/wrk/post_json.lua" "$base/api/v1/orders" -- 65536 ;;
        *) die "unknown workload $wl" ;;
    esac
}

# preflight TARGET : one GET and one 64 KB POST must come back 200 with the
# origin's body, otherwise the target is marked failed.
preflight() {
    local t=$1 port=${PORT[$1]} out code
    out=$(curl -s -m 5 -o "$BENCH_TMP/pf.body" -w '%{http_code}' "${GET_HEADERS[@]}" "http://127.0.0.1:$port$GET_PATH" 2>&1) || true
    if [ "$out" != 200 ] || ! grep -q bench-origin "$BENCH_TMP/pf.body"; then
        DEAD[$t]="preflight GET answered '$out': $(head -c 200 "$BENCH_TMP/pf.body" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
    head -c 65536 /dev/zero | tr '\0' 'x' | sed 's/^/{"pad":"/; s/$/"}/' >"$BENCH_TMP/pf.json"
    code=$(curl -s -m 5 -o "$BENCH_TMP/pf.body" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @"$BENCH_TMP/pf.json" "http://127.0.0.1:$port/api/v1/orders" 2>&1) || true
    if [ "$code" != 200 ] || ! grep -q bench-origin "$BENCH_TMP/pf.body"; then
        DEAD[$t]="preflight 64 KB POST answered '$code': $(head -c 200 "$BENCH_TMP/pf.body" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
}

for t in "${TGT[@]}"; do
    if [ -n "${DEAD[$t]:-}" ]; then continue; fi
    if ! preflight "$t"; then
        note "$t: ${DEAD[$t]}"
        show_log "$t-${PORT[$t]}"
    fi
done

# ---- runs ---------------------------------------------------------------------
ncells=0
for t in "${TGT[@]}"; do if [ -z "${DEAD[$t]:-}" ]; then ncells=$((ncells + 1)); fi; done
est=$(( ncells * ${#WL[@]} * (REPS * (DURATION + 1) + WARMUP + 1) ))
note "$ncells targets x ${#WL[@]} workloads x $REPS reps x ${DURATION}s, wrk -t$THREADS -c$CONNECTIONS; about $((est / 60))m$((est % 60))s"

logname() { if [ "$1" = origin ]; then echo origin; else echo "$1-${PORT[$1]:-none}"; fi; }

for rep in $(seq 1 "$REPS"); do
    for wl in "${WL[@]}"; do
        n=${#TGT[@]}
        for i in $(seq 0 $((n - 1))); do
            t=${TGT[$(( (i + rep - 1) % n ))]}   # rotate the order each rep
            f="$RAW/${wl}__${t}__${rep}.txt"
            if [ -n "${DEAD[$t]:-}" ]; then
                echo "FAILED: ${DEAD[$t]}" >"$f"
                continue
            fi
            if [ "$rep" = 1 ] && [ "$WARMUP" -gt 0 ]; then
                run_wrk "$wl" "${PORT[$t]}" "$WARMUP" >/dev/null 2>&1 || true
            fi
            note "rep $rep/$REPS  $wl  $t"
            if ! run_wrk "$wl" "${PORT[$t]}" "$DURATION" >"$f" 2>&1; then
                sed -i '1s/^/FAILED: wrk exited with an error: /' "$f"
            fi
            if ! alive "${PID[$t]}"; then
                DEAD[$t]="$t process died during $wl rep $rep"
                note "${DEAD[$t]}"
                show_log "$(logname "$t")"
                echo "FAILED: ${DEAD[$t]}" >"$f"
            fi
            grep -E 'Non-2xx|Socket errors' "$f" >&2 || true
            sleep 0.5
        done
    done
done

# ---- report -------------------------------------------------------------------
for t in "${TGT[@]}"; do
    case "$t" in origin) ;; *)
        lf="$BENCH_TMP/$(logname "$t").log"
        if [ -s "$lf" ]; then
            note "$t stderr/stdout (last 10 lines):"
            tail -n 10 "$lf" >&2
        fi ;;
    esac
done

TS=$(date +%Y%m%d-%H%M%S)
OUT="$BENCH_DIR/results/proxy-$TS.json"
python3 - "$BENCH_TMP/meta.json" <<EOF
import json, os, platform, subprocess, sys
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception: return ""
cpu = ""
for l in open("/proc/cpuinfo"):
    if l.startswith("model name"): cpu = l.split(":", 1)[1].strip(); break
json.dump({
  "benchmark": "proxy", "date": "$(date -Iseconds)", "host": platform.node(),
  "kernel": platform.release(), "cpus": os.cpu_count(), "cpu_model": cpu,
  "duration_s": $DURATION, "connections": $CONNECTIONS, "wrk_threads": $THREADS, "reps": $REPS,
  "targets": "$TARGETS".split(","), "workloads": "$WORKLOADS".split(","),
  "proxy_workers": 2, "origin": "bench/origin.c, 1 thread",
  "versions": {"nginx": sh("nginx -v 2>&1"), "haproxy": sh("haproxy -v | head -1"),
               "wrk": sh("wrk -v 2>&1 | head -1"),
               "rampart_commit": sh("git -C '$REPO_DIR' describe --always --dirty")},
  "loadavg_at_start": "$LOAD_START".split(),
  "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
}, open(sys.argv[1], "w"), indent=2)
EOF
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, median of $REPS, $(nproc) CPUs, rampart $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) ($(date "+%Y-%m-%d %H:%M"))"
python3 "$BENCH_DIR/wrk_report.py" "$RAW" "$BENCH_TMP/meta.json" "$OUT" | tee "${OUT%.json}.txt"
