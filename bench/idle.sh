#!/usr/bin/env bash
# Memory cost of idle keep-alive connections: Rampart vs nginx (and HAProxy).
#
#   bench/idle.sh [--conns 10000] [--targets rampart,nginx[,haproxy]] [--keep-tmp]
#
# For each target, one at a time (2 workers each, in front of bench/origin.c):
# start it, warm it up with 64 requests, read its RSS (sum of VmRSS of all its
# processes), open --conns client connections that each make one full request
# and then stay idle, read the RSS again, check the connections are still
# open, close them and read the RSS a last time. See bench/README.md.
set -eu
. "$(dirname "$0")/lib.sh"

CONNS=10000
TARGETS="rampart,nginx"
HOLD=6
while [ $# -gt 0 ]; do
    case "$1" in
        --conns) CONNS=$2; shift 2 ;;
        --targets) TARGETS=$2; shift 2 ;;
        --keep-tmp) BENCH_KEEP_TMP=1; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done
case "$CONNS" in *[!0-9]*|'') die "--conns must be an integer" ;; esac

need_bin python3 cc setsid pgrep
bench_init
warn_if_busy
mkdir -p "$BENCH_DIR/results"
NOFILE=$(ulimit -n)
[ "$NOFILE" -gt $((CONNS + 200)) ] ||
    die "ulimit -n is $NOFILE (hard $(ulimit -Hn)); $CONNS idle connections need more than $((CONNS + 200))"
IFS=, read -r -a TGT <<<"$TARGETS"

build_origin
ORIGIN_PORT=$(free_port)
start_origin "$ORIGIN_PORT" 1

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

ROWS=()
JSON_ROWS=()
for t in "${TGT[@]}"; do
    port=$(free_port)
    pid=
    case "$t" in
        nginx) start_nginx "$port" "$ORIGIN_PORT" 2; pid=$NGINX_PID ;;
        haproxy)
            # HAProxy insists on 2 fds per maxconn (+ ~200) being available
            if [ $((2 * (CONNS + 100) + 250)) -gt "$(ulimit -Hn)" ]; then
                note "haproxy skipped: maxconn $((CONNS + 100)) needs ulimit -n >= $((2 * (CONNS + 100) + 250)), hard limit is $(ulimit -Hn)"
                ROWS+=("$t|SKIPPED: needs ulimit -n >= $((2 * (CONNS + 100) + 250))|||||")
                JSON_ROWS+=("{\"target\": \"$t\", \"failed\": \"skipped: ulimit -n too low\"}")
                continue
            fi
            HAPROXY_MAXCONN=$((CONNS + 100)) start_haproxy "$port" "$ORIGIN_PORT" 2
            pid=$HAPROXY_PID ;;
        rampart)
            if rampart_available &&
                start_rampart "$port" "$ORIGIN_PORT" 2 "limits: {max_connections: 20000}"; then
                pid=$RAMPART_PID
            fi ;;
        *) die "unknown target $t" ;;
    esac
    if [ -z "$pid" ]; then
        ROWS+=("$t|FAILED: did not start|||||")
        JSON_ROWS+=("{\"target\": \"$t\", \"failed\": \"did not start\"}")
        continue
    fi
    note "$t on 127.0.0.1:$port (pgid $pid)"
    python3 "$BENCH_DIR/idle_client.py" "$port" 64 --hold 0 --timeout 20 >"$BENCH_TMP/warm-$t.txt" || true
    sleep 1
    before=$(rss_kb "$pid")
    pss_before=$(pss_kb "$pid")
    nproc_t=$(pgrep -g "$pid" | wc -l)

    start_bg "client-$t" python3 "$BENCH_DIR/idle_client.py" "$port" "$CONNS" --hold "$HOLD" --timeout 120
    cpid=$LAST_PID
    for _ in $(seq 1 1300); do # at most 130 s
        grep -q '^READY' "$BENCH_TMP/client-$t.log" 2>/dev/null && break
        alive "$cpid" || break
        sleep 0.1
    done
    ready=$(grep '^READY' "$BENCH_TMP/client-$t.log" || echo "READY open=0 failed=$CONNS status=client-error")
    sleep 2
    with=$(rss_kb "$pid")
    pss_with=$(pss_kb "$pid")
    server_alive=yes
    alive "$pid" || server_alive=no
    for _ in $(seq 1 $(((HOLD + 10) * 10))); do
        alive "$cpid" || break
        sleep 0.1
    done
    stop_bg "$cpid"
    still=$(sed -n 's/^DONE still_open=//p' "$BENCH_TMP/client-$t.log")
    sleep 2
    after=$(rss_kb "$pid")
    open=${ready#*open=}
    open=${open%% *}
    failed=${ready#*failed=}
    failed=${failed%% *}
    status=${ready##*status=}
    delta=$((with - before))
    per=$(awk -v d="$delta" -v n="$open" 'BEGIN { if (n > 0) printf "%.1f", d / n; else print "-" }')
    ROWS+=("$t|$(mb "$before")|$(mb "$with")|$(mb "$delta")|$per|$(mb "$after")|$open/$failed/${still:-?}|$nproc_t|$(mb "$pss_before")|$(mb "$pss_with")")
    JSON_ROWS+=("{\"target\": \"$t\", \"processes\": $nproc_t, \"rss_kb_before\": $before, \"rss_kb_with_conns\": $with, \"rss_kb_after_close\": $after, \"pss_kb_before\": $pss_before, \"pss_kb_with_conns\": $pss_with, \"delta_kb\": $delta, \"kb_per_conn\": \"$per\", \"open\": $open, \"failed\": $failed, \"still_open_after_hold\": ${still:-null}, \"statuses\": \"$status\", \"server_alive\": \"$server_alive\"}")
    if [ "$server_alive" != yes ]; then
        note "$t died while holding the connections"
        show_log "$t-$port"
    fi
    if [ "${failed:-0}" != 0 ]; then note "$t: $failed connections failed (statuses: $status)"; fi
    stop_bg "$pid"
    sleep 1
done

TS=$(date +%Y%m%d-%H%M%S)
OUT="$BENCH_DIR/results/idle-$TS.json"
{
    echo "{\"benchmark\": \"idle\", \"date\": \"$(date -Iseconds)\", \"cpus\": $(nproc), \"conns\": $CONNS, \"workers\": 2,"
    echo " \"rampart_commit\": \"$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown)\","
    echo " \"results\": ["
    sep=""
    for r in "${JSON_ROWS[@]}"; do echo "  $sep$r"; sep=","; done
    echo "]}"
} >"$OUT"

echo
echo "$CONNS idle keep-alive connections (one request each), 2 workers, $(nproc) CPUs ($(date '+%Y-%m-%d %H:%M'))"
{
    echo "target|RSS before (MB)|RSS with conns (MB)|delta (MB)|KB/conn|RSS after close (MB)|open/failed/still open|procs|PSS before (MB)|PSS with conns (MB)"
    for r in "${ROWS[@]}"; do echo "$r"; done
} | python3 -c '
import sys
rows = [l.rstrip("\n").split("|") for l in sys.stdin]
w = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(len(rows[0]))]
for n, r in enumerate(rows):
    print("  ".join((c.ljust(w[i]) if i == 0 else c.rjust(w[i])) for i, c in enumerate(r)))
    if n == 0: print("  ".join("-" * x for x in w))
' | tee "${OUT%.json}.txt"
echo "JSON: $OUT"
