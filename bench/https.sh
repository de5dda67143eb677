#!/usr/bin/env bash
# HTTPS benchmark: Rampart vs nginx, both terminating TLS and proxying over TLS.
#
#   bench/https.sh [--duration 6] [--connections 64] [--threads 2] [--reps 3]
#                  [--quick] [--targets origin,nginx,rampart]
#                  [--workloads keepalive,handshake,resumed] [--origin-workers 1] [--keep-tmp]
#
# Makes a CA and EC P-256 certificates with openssl, starts an nginx HTTPS
# origin (`return 200` + JSON), then nginx and Rampart, each terminating TLS
# with the same certificate and forwarding over TLS (verified, SNI
# origin.bench.test, upstream keep-alive) to the origin. wrk measures
# keep-alive GETs over HTTPS and new TLS connections per request (full and
# resumed handshakes). Each cell runs --reps times, interleaved; medians are
# reported. --quick = 1 rep of 4 s. Output: a table on stdout and
# bench/results/https-<timestamp>.json. See bench/README.md.
set -eu
. "$(dirname "$0")/lib.sh"

DURATION=6
CONNECTIONS=64
THREADS=2
REPS=3
WARMUP=1
ORIGIN_WORKERS=1
TARGETS="origin,nginx,rampart"
WORKLOADS="keepalive,handshake,resumed"
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --quick) REPS=1; DURATION=4; shift ;;
        --targets) TARGETS=$2; shift 2 ;;
        --workloads) WORKLOADS=$2; shift 2 ;;
        --origin-workers) ORIGIN_WORKERS=$2; shift 2 ;;
        --keep-tmp) BENCH_KEEP_TMP=1; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done
case "$DURATION$CONNECTIONS$THREADS$REPS$ORIGIN_WORKERS" in *[!0-9]*) die "numeric options must be integers" ;; esac

need_bin wrk curl python3 openssl nginx setsid pgrep timeout
bench_init
warn_if_busy
RAW="$BENCH_TMP/raw"
PKI="$BENCH_TMP/pki"
mkdir -p "$RAW" "$BENCH_DIR/results"
IFS=, read -r -a TGT <<<"$TARGETS"
IFS=, read -r -a WL <<<"$WORKLOADS"
for w in "${WL[@]}"; do
    case "$w" in keepalive|handshake|resumed) ;; *) die "unknown workload $w" ;; esac
done

# ---- certificates -------------------------------------------------------------
make_tls_pki "$PKI"
issue_tls_cert "$PKI" origin "DNS:origin.bench.test,IP:127.0.0.1"
issue_tls_cert "$PKI" proxy "DNS:proxy.bench.test,DNS:localhost,IP:127.0.0.1"
note "EC P-256 CA and certificates in $PKI"

# wrk resumes TLS sessions: after Connection: close it reconnects with the
# ticket it was given (checked with nginx's $ssl_session_reused). The
# "handshake" workload therefore runs against a second instance of each server
# whose OpenSSL issues no TLS 1.3 tickets (system_default NumTickets = 0 via
# OPENSSL_CONF), so that every connection is a full handshake.
NOTICKETS_CNF="$BENCH_TMP/openssl-notickets.cnf"
cat >"$NOTICKETS_CNF" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
NumTickets = 0
EOF

# ---- servers ------------------------------------------------------------------
# PORT[t] serves keepalive and resumed, PORT[t-nt] (no tickets) serves handshake
declare -A PORT PID DEAD SNI
ORIGIN_PORT=$(free_port)
start_nginx_tls_origin "$ORIGIN_PORT" "$PKI" "$ORIGIN_WORKERS"
note "origin (nginx, $ORIGIN_WORKERS worker, TLS) on 127.0.0.1:$ORIGIN_PORT"

write_rampart_yaml() {   # FILE PORT
    cat >"$1" <<EOF
workers: 2
log: { level: warn, access_log: "off" }
waf: { mode: off }   # a plain TLS proxy, like nginx here
listeners:
  - listen: 127.0.0.1:$2
    name: public
    tls:
      certificates:
        - cert: $PKI/proxy-chain.crt
          key: $PKI/proxy.key
upstreams:
  - name: origin
    servers: ["https://127.0.0.1:$ORIGIN_PORT"]
    keepalive: 256
    tls:
      ca_file: $PKI/ca.crt
      sni: origin.bench.test
routes:
  - { name: all, path: /, upstream: origin, rewrite_host: origin.bench.test }
EOF
}

need_nt=0
for w in "${WL[@]}"; do if [ "$w" = handshake ]; then need_nt=1; fi; done

# start_target TARGET NOTICKETS(0|1)
start_target() {
    local t=$1 nt=$2 key=$1 env="" port rc
    if [ "$nt" = 1 ]; then key="$1-nt"; env="OPENSSL_CONF=$NOTICKETS_CNF"; fi
    port=$(free_port)
    PORT[$key]=$port
    case "$t" in
        origin)
            if [ "$nt" = 1 ]; then
                BENCH_ENV=$env start_nginx_tls_origin "$port" "$PKI" "$ORIGIN_WORKERS"
                PID[$key]=$NGINX_ORIGIN_PID
            else
                PORT[$key]=$ORIGIN_PORT
                PID[$key]=$NGINX_ORIGIN_PID
            fi
            SNI[$t]=origin.bench.test ;;
        nginx)
            BENCH_ENV=$env start_nginx_tls_proxy "$port" "$ORIGIN_PORT" "$PKI" 2
            PID[$key]=$NGINX_PID
            SNI[$t]=proxy.bench.test ;;
        rampart)
            SNI[$t]=proxy.bench.test
            if ! rampart_available; then
                DEAD[$key]="rampart not available: '$RAMPART_BIN --help' failed (run make)"
                return 0
            fi
            mkdir -p "$BENCH_TMP/rampart-$port"
            write_rampart_yaml "$BENCH_TMP/rampart-$port/rampart.yaml" "$port"
            rc=0
            BENCH_ENV=$env start_rampart_config "$port" "$BENCH_TMP/rampart-$port/rampart.yaml" || rc=$?
            PID[$key]=${RAMPART_PID:-0}
            if [ $rc = 2 ]; then
                DEAD[$key]="skipped: 'rampart check' rejects the TLS config (no TLS support in this build?)"
            elif [ $rc != 0 ]; then
                DEAD[$key]="rampart did not start listening (see the error above)"
            fi ;;
        *) die "unknown target $t" ;;
    esac
    if [ -z "${DEAD[$key]:-}" ]; then note "$key on 127.0.0.1:${PORT[$key]}"; else note "$key: ${DEAD[$key]}"; fi
}

for t in "${TGT[@]}"; do
    start_target "$t" 0
    if [ $need_nt = 1 ]; then
        if [ "$t" = rampart ] && [ -n "${DEAD[rampart]:-}" ]; then
            DEAD[rampart-nt]=${DEAD[rampart]}
        else
            start_target "$t" 1
        fi
    fi
done

# ---- workloads ----------------------------------------------------------------
GET_PATH='/api/v1/products?category=books&sort=price_asc&page=3&limit=50&q=distributed+systems'
GET_HEADERS=(
    -H 'Accept: application/json, text/plain, */*'
    -H 'Accept-Language: en-US,en;q=0.9,fr;q=0.8'
    -H 'Accept-Encoding: gzip, deflate, br'
    -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
    -H 'Cookie: session_id=8f14e45fceea167a5a36dedd4bea2543; theme=dark; locale=en_US'
    -H 'Cache-Control: no-cache'
)

# logname KEY : the start_bg log name of a server instance
logname() {
    case "$1" in
        origin) echo "nginx-origin-$ORIGIN_PORT" ;;
        origin-nt) echo "nginx-origin-${PORT[origin-nt]:-none}" ;;
        *) echo "${1%-nt}-${PORT[$1]:-none}" ;;
    esac
}

portkey() { if [ "$2" = handshake ]; then echo "$1-nt"; else echo "$1"; fi; }   # TARGET WORKLOAD

# run_wrk WORKLOAD PORT DURATION
run_wrk() {
    local wl=$1 port=$2 dur=$3 url="https://127.0.0.1:$2$GET_PATH"
    local common=(-t "$THREADS" -c "$CONNECTIONS" -d "${dur}s" --timeout 2s --latency "${GET_HEADERS[@]}")
    case "$wl" in
        keepalive) timeout $((dur + 30)) wrk "${common[@]}" "$url" ;;
        handshake|resumed) timeout $((dur + 30)) wrk "${common[@]}" -H 'Connection: close' "$url" ;;
    esac
}

# preflight KEY TARGET : a verified HTTPS GET (curl, --cacert, the SNI of the
# certificate) must come back 200 with the origin's body; then tls_probe.py
# records the TLS version, cipher and whether a session can be resumed.
declare -A PROBE
preflight() {
    local key=$1 t=$2 port=${PORT[$1]} out
    out=$(curl -s -m 5 --cacert "$PKI/ca.crt" --resolve "${SNI[$t]}:$port:127.0.0.1" \
        -o "$BENCH_TMP/pf.body" -w '%{http_code}' "${GET_HEADERS[@]}" "https://${SNI[$t]}:$port$GET_PATH" 2>&1) || true
    if [ "$out" != 200 ] || ! grep -q bench-origin "$BENCH_TMP/pf.body"; then
        DEAD[$key]="preflight HTTPS GET answered '$out': $(head -c 200 "$BENCH_TMP/pf.body" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
    PROBE[$key]=$(python3 "$BENCH_DIR/tls_probe.py" "$port" "${SNI[$t]}" "$PKI/ca.crt" "$GET_PATH") || {
        DEAD[$key]="TLS probe failed: ${PROBE[$key]}"
        return 1
    }
}

for t in "${TGT[@]}"; do
    for key in "$t" "$t-nt"; do
        [ -n "${PORT[$key]:-}" ] || continue
        [ -z "${DEAD[$key]:-}" ] || continue
        if ! preflight "$key" "$t"; then
            note "$key: ${DEAD[$key]}"
            show_log "$(logname "$key")"
        fi
    done
done
for key in "${!PROBE[@]}"; do note "probe $key: ${PROBE[$key]}"; done
for t in "${TGT[@]}"; do
    case "${PROBE[$t-nt]:-}" in *'"resumed": true'*)
        note "WARNING: $t-nt still resumes sessions: its handshake row is not all full handshakes" ;;
    esac
done

# ---- runs ---------------------------------------------------------------------
ncells=0
for t in "${TGT[@]}"; do for wl in "${WL[@]}"; do
    if [ -z "${DEAD[$(portkey "$t" "$wl")]:-}" ]; then ncells=$((ncells + 1)); fi
done; done
est=$(( ncells * (REPS * DURATION + WARMUP) + ncells * REPS / 2 + 5 ))
note "$ncells cells x $REPS reps x ${DURATION}s, wrk -t$THREADS -c$CONNECTIONS; about $((est / 60))m$((est % 60))s"

for rep in $(seq 1 "$REPS"); do
    for wl in "${WL[@]}"; do
        n=${#TGT[@]}
        for i in $(seq 0 $((n - 1))); do
            t=${TGT[$(( (i + rep - 1) % n ))]}   # rotate the order each rep
            key=$(portkey "$t" "$wl")
            f="$RAW/${wl}__${t}__${rep}.txt"
            if [ -n "${DEAD[$key]:-}" ]; then
                echo "FAILED: ${DEAD[$key]}" >"$f"
                continue
            fi
            if [ "$rep" = 1 ] && [ "$WARMUP" -gt 0 ]; then
                run_wrk "$wl" "${PORT[$key]}" "$WARMUP" >/dev/null 2>&1 || true
            fi
            note "rep $rep/$REPS  $wl  $key"
            if ! run_wrk "$wl" "${PORT[$key]}" "$DURATION" >"$f" 2>&1; then
                sed -i '1s/^/FAILED: wrk exited with an error: /' "$f"
            fi
            if ! alive "${PID[$key]}"; then
                DEAD[$key]="$key process died during $wl rep $rep"
                note "${DEAD[$key]}"
                show_log "$(logname "$key")"
                echo "FAILED: ${DEAD[$key]}" >"$f"
            fi
            grep -E 'Non-2xx|Socket errors' "$f" >&2 || true
            sleep 0.5
        done
    done
done

# ---- report -------------------------------------------------------------------
for t in "${TGT[@]}"; do
    [ "$t" = rampart ] || continue
    for key in rampart rampart-nt; do
        lf="$BENCH_TMP/rampart-${PORT[$key]:-none}.log"
        if [ -s "$lf" ]; then
            note "$key stderr/stdout (last 10 lines):"
            tail -n 10 "$lf" >&2
        fi
    done
done

probes_json() {
    local key sep=""
    printf '{'
    for key in "${!PROBE[@]}"; do printf '%s"%s": %s' "$sep" "$key" "${PROBE[$key]}"; sep=", "; done
    printf '}'
}

TS=$(date +%Y%m%d-%H%M%S)
OUT="$BENCH_DIR/results/https-$TS.json"
python3 - "$BENCH_TMP/meta.json" <<EOF
import json, os, platform, subprocess, sys
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception: return ""
cpu = ""
for l in open("/proc/cpuinfo"):
    if l.startswith("model name"): cpu = l.split(":", 1)[1].strip(); break
json.dump({
  "benchmark": "https", "date": "$(date -Iseconds)", "host": platform.node(),
  "kernel": platform.release(), "cpus": os.cpu_count(), "cpu_model": cpu,
  "duration_s": $DURATION, "connections": $CONNECTIONS, "wrk_threads": $THREADS, "reps": $REPS,
  "targets": "$TARGETS".split(","), "workloads": "$WORKLOADS".split(","),
  "workload_notes": {
    "keepalive": "HTTPS GET on keep-alive connections: req/s",
    "handshake": "one request per new TLS connection, server issues no tickets: req/s = full handshakes/s",
    "resumed": "one request per new TLS connection, wrk resumes with the server's ticket when it gets one: req/s = handshakes/s",
  },
  "proxy_workers": 2, "origin": "nginx return 200 over TLS, $ORIGIN_WORKERS worker(s)",
  "certificates": "EC P-256 leaf + CA chain, made with openssl at run time",
  "tls_probes": json.loads(r'''$(probes_json)'''),
  "versions": {"nginx": sh("nginx -v 2>&1"), "wrk": sh("wrk -v 2>&1 | head -1"),
               "openssl": sh("openssl version"),
               "rampart_commit": sh("git -C '$REPO_DIR' describe --always --dirty")},
  "loadavg_at_start": "$LOAD_START".split(),
  "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
}, open(sys.argv[1], "w"), indent=2)
EOF
echo
echo "HTTPS: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, median of $REPS, $(nproc) CPUs, rampart $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) ($(date "+%Y-%m-%d %H:%M"))"
python3 "$BENCH_DIR/wrk_report.py" "$RAW" "$BENCH_TMP/meta.json" "$OUT" | tee "${OUT%.json}.txt"
