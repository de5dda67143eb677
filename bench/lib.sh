# shellcheck shell=bash
# Shared helpers for the Rampart benchmarks. Source it; do not run it.
#
#   . "$(dirname "$0")/lib.sh"
#   bench_init            # temp dir in $BENCH_TMP, cleanup traps, ulimit -n
#   start_bg NAME cmd...  # runs cmd in its own process group, logs in $BENCH_TMP/NAME.log
#   wait_port PORT [SECS] NAME
#   free_port             # prints an unused 127.0.0.1 TCP port
#   make_tls_pki DIR; issue_tls_cert DIR NAME SAN   # test CA + EC P-256 leaves
#   start_nginx_tls_origin / start_nginx_tls_proxy / start_rampart_config
#
# Every process started with start_bg is killed (whole process group, TERM then
# KILL) on exit, on error (set -e) and on Ctrl-C / TERM. Only those processes
# are touched: they are addressed by the group id recorded at start.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BENCH_PIDS=()
BENCH_NAMES=()
BENCH_PORTS_USED=" "
BENCH_KEEP_TMP=${BENCH_KEEP_TMP:-0}

die() { echo "error: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

need_bin() {
    local b
    for b in "$@"; do
        command -v "$b" >/dev/null 2>&1 ||
            die "'$b' not found in PATH (run bench/deps.sh to install the benchmark dependencies)"
    done
}

bench_cleanup() {
    local i pid
    trap - EXIT INT TERM
    for i in "${!BENCH_PIDS[@]}"; do
        pid=${BENCH_PIDS[$i]}
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for i in "${!BENCH_PIDS[@]}"; do
        pid=${BENCH_PIDS[$i]}
        local n=0
        while kill -0 -- "-$pid" 2>/dev/null && [ $n -lt 30 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    BENCH_PIDS=()
    if [ -n "${BENCH_TMP:-}" ] && [ -d "$BENCH_TMP" ]; then
        if [ "$BENCH_KEEP_TMP" = 1 ]; then
            note "kept temp dir $BENCH_TMP"
        else
            rm -rf "$BENCH_TMP"
        fi
    fi
}

bench_init() {
    BENCH_TMP=$(mktemp -d /tmp/rampart-bench.XXXXXX)
    # shellcheck disable=SC2154
    trap 'rc=$?; bench_cleanup; exit $rc' EXIT
    trap 'echo "interrupted" >&2; exit 130' INT
    trap 'exit 143' TERM
    # the suite opens many sockets; go as high as the hard limit allows
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# warn_if_busy : the machine has few cores; anything else running skews results
warn_if_busy() {
    LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
    local busy
    busy=$(ps -eo pcpu=,pid=,comm= --sort=-pcpu | awk '$1 > 20 {print $3 "(" $2 ") " $1 "%"}' | head -3 | tr '\n' ' ')
    if [ -n "$busy" ]; then
        note "WARNING: other processes are using CPU: $busy(load $LOAD_START); results will be noisy"
    fi
}

# start_bg NAME cmd args... : starts cmd in a new session/process group
# (setsid execs in place, so $! is both its pid and its group id).
# Sets LAST_PID. BENCH_ENV="VAR=value ..." (no spaces inside values), if
# set, is added to cmd's environment (https.sh: OPENSSL_CONF).
start_bg() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    setsid ${BENCH_ENV:+env $BENCH_ENV} "$@" >"$BENCH_TMP/$name.log" 2>&1 </dev/null &
    LAST_PID=$!
    BENCH_PIDS+=("$LAST_PID")
    BENCH_NAMES+=("$name")
}

# stop_bg PID : stops one process group started by start_bg.
stop_bg() {
    local pid=$1 n=0 i
    kill -TERM -- "-$pid" 2>/dev/null || true
    while kill -0 -- "-$pid" 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for i in "${!BENCH_PIDS[@]}"; do
        [ "${BENCH_PIDS[$i]}" = "$pid" ] && unset 'BENCH_PIDS[i]'
    done
    return 0
}

alive() { kill -0 "$1" 2>/dev/null; }

# cpu_ticks PGID : user+system CPU time (clock ticks) of the group's processes
cpu_ticks() {
    local total=0 p v
    for p in $(pgrep -g "$1" 2>/dev/null); do
        v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || true
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

# wait_idle PGID [MAX_SECS] : waits (up to MAX_SECS, default 30) until the
# group uses at most 1 clock tick of CPU in 0.3 s, i.e. has finished what a
# load run left queued (a WAF still inspecting the bodies of requests wrk
# abandoned at the end of a run would slow the next run down). Returns 1 on
# timeout.
wait_idle() {
    local pg=$1 max=${2:-30} a b i=0
    a=$(cpu_ticks "$pg")
    while [ $i -lt $((max * 10 / 3)) ]; do
        sleep 0.3
        b=$(cpu_ticks "$pg")
        if [ $((b - a)) -le 1 ]; then return 0; fi
        a=$b
        i=$((i + 1))
    done
    return 1
}

# free_port : prints a currently unused loopback port, never the same twice
# in one run.
free_port() {
    local p
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        case "$BENCH_PORTS_USED" in *" $p "*) continue ;; esac
        BENCH_PORTS_USED="$BENCH_PORTS_USED$p "
        echo "$p"
        return 0
    done
    die "could not find a free port"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT SECS NAME [PID] : waits until 127.0.0.1:PORT accepts; returns
# 1 (showing NAME's log) on timeout or if PID dies first.
wait_port() {
    local port=$1 secs=${2:-10} name=${3:-server} pid=${4:-} i=0
    while ! port_open "$port"; do
        if [ -n "$pid" ] && ! alive "$pid"; then
            local st=0
            wait "$pid" 2>/dev/null || st=$?
            echo "error: $name exited (status $st) before listening on 127.0.0.1:$port;" \
                "output: $(wc -c <"$BENCH_TMP/$name.log" 2>/dev/null || echo 0) bytes" >&2
            show_log "$name"
            return 1
        fi
        i=$((i + 1))
        if [ $i -gt $((secs * 20)) ]; then
            echo "error: $name did not listen on 127.0.0.1:$port within ${secs}s" >&2
            show_log "$name"
            return 1
        fi
        sleep 0.05
    done
}

show_log() {
    local f="$BENCH_TMP/$1.log"
    [ -s "$f" ] || return 0
    echo "---- last lines of $1 output ($f) ----" >&2
    tail -n 20 "$f" >&2
    echo "----" >&2
}

# rss_kb PGID : sum of VmRSS (kB) over every process of the group (nginx
# master + workers, a multi-process Rampart, ...). Threads share their
# process's VmRSS, so each process is counted once.
rss_kb() {
    local pgid=$1 total=0 p v
    for p in $(pgrep -g "$pgid" 2>/dev/null); do
        v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

# pss_kb PGID : sum of Pss (kB) over the group: shared pages (code, libc, the
# nginx master's memory shared with its workers) are split between the
# processes instead of being counted once per process as VmRSS does.
pss_kb() {
    local pgid=$1 total=0 p v
    for p in $(pgrep -g "$pgid" 2>/dev/null); do
        v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

# ---- origin and proxies -----------------------------------------------------

# build_origin : compiles bench/origin.c into $BENCH_TMP/origin
build_origin() {
    need_bin cc
    cc -O2 -pthread -o "$BENCH_TMP/origin" "$BENCH_DIR/origin.c" || die "cannot build bench/origin.c"
}

# start_origin PORT [THREADS]
start_origin() {
    start_bg origin "$BENCH_TMP/origin" "$1" "${2:-1}"
    ORIGIN_PID=$LAST_PID
    wait_port "$1" 10 origin "$ORIGIN_PID" || die "origin did not start"
}

# The three proxies get the same shape: 2 workers, upstream keep-alive (256
# idle connections), no access log, X-Forwarded-For/-Proto added (Rampart adds
# those and more by default), client keep-alive without a request cap.

# nginx_proxy_conf DIR PORT ORIGIN_PORT [WORKERS] : prints start_nginx's
# nginx.conf. Variants (waf.sh) add lines through NGINX_MAIN_EXTRA (main
# context, e.g. load_module), NGINX_LOCATION_EXTRA (inside location /) and
# NGINX_ERROR_LEVEL (default warn); unset, the config is proxy.sh's.
nginx_proxy_conf() {
    local d=$1 port=$2 oport=$3 workers=${4:-2}
    cat <<EOF
daemon off;
master_process on;
${NGINX_MAIN_EXTRA:-}
worker_processes $workers;
worker_rlimit_nofile $(ulimit -Hn);
pid $d/nginx.pid;
error_log $d/error.log ${NGINX_ERROR_LEVEL:-warn};
events { worker_connections $(( $(ulimit -Hn) - 100 )); multi_accept on; }
http {
    access_log off;
    client_body_temp_path $d/client_body;
    proxy_temp_path $d/proxy;
    fastcgi_temp_path $d/fastcgi;
    uwsgi_temp_path $d/uwsgi;
    scgi_temp_path $d/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_max_body_size 1m;
    client_body_buffer_size 128k;
    upstream origin {
        server 127.0.0.1:$oport;
        keepalive 256;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
${NGINX_LOCATION_EXTRA:-}
        }
    }
}
EOF
}

# start_nginx PORT ORIGIN_PORT [WORKERS] : nginx_proxy_conf, started; dies if
# it does not listen. Sets NGINX_PID.
start_nginx() {
    local port=$1 oport=$2 workers=${3:-2} d="$BENCH_TMP/nginx-$1"
    need_bin nginx
    mkdir -p "$d"
    nginx_proxy_conf "$d" "$port" "$oport" "$workers" >"$d/nginx.conf"
    start_bg "nginx-$port" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
    NGINX_PID=$LAST_PID
    wait_port "$port" 10 "nginx-$port" "$NGINX_PID" || die "nginx did not start"
}

# start_haproxy PORT ORIGIN_PORT [THREADS]
start_haproxy() {
    local port=$1 oport=$2 threads=${3:-2} d="$BENCH_TMP/haproxy-$1"
    need_bin haproxy
    mkdir -p "$d"
    cat >"$d/haproxy.cfg" <<EOF
global
    nbthread $threads
    maxconn ${HAPROXY_MAXCONN:-$(( ($(ulimit -Hn) - 200) / 2 ))}
    tune.bufsize 16384
defaults
    mode http
    no log
    option http-keep-alive
    option forwardfor
    http-reuse always
    timeout connect 5s
    timeout client 120s
    timeout server 30s
    timeout http-request 30s
    timeout http-keep-alive 120s
frontend fe
    bind 127.0.0.1:$port
    http-request set-header X-Forwarded-Proto http
    default_backend be
backend be
    server origin 127.0.0.1:$oport
EOF
    haproxy -c -q -f "$d/haproxy.cfg" || die "haproxy rejected $d/haproxy.cfg"
    start_bg "haproxy-$port" haproxy -db -f "$d/haproxy.cfg"
    HAPROXY_PID=$LAST_PID
    wait_port "$port" 10 "haproxy-$port" "$HAPROXY_PID" || die "haproxy did not start"
}

RAMPART_BIN=${RAMPART_BIN:-$REPO_DIR/build/rampart}

rampart_available() {
    [ -x "$RAMPART_BIN" ] && "$RAMPART_BIN" --help >/dev/null 2>&1
}

# start_rampart PORT ORIGIN_PORT [WORKERS] [EXTRA_YAML] : returns 1 (after
# printing why) if the config is rejected or Rampart does not start listening.
start_rampart() {
    local port=$1 oport=$2 workers=${3:-2} extra=${4:-} d="$BENCH_TMP/rampart-$1"
    [ -x "$RAMPART_BIN" ] || { echo "error: Rampart binary $RAMPART_BIN not found (run make)" >&2; return 1; }
    mkdir -p "$d"
    cat >"$d/rampart.yaml" <<EOF
workers: $workers
log: {access_log: off}
# A plain proxy, like its peers here: the WAF (default: monitoring) is
# measured by bench/waf.sh.
waf: {mode: off}
listeners: [{listen: 127.0.0.1:$port}]
upstreams: [{name: origin, servers: ["127.0.0.1:$oport"], keepalive: 256}]
routes: [{path: /, upstream: origin}]
$extra
EOF
    if ! "$RAMPART_BIN" check -c "$d/rampart.yaml" >"$d/check.log" 2>&1; then
        cat "$d/check.log" >&2
        echo "error: rampart check rejected $d/rampart.yaml" >&2
        return 1
    fi
    start_bg "rampart-$port" "$RAMPART_BIN" run -c "$d/rampart.yaml"
    RAMPART_PID=$LAST_PID
    wait_port "$port" 10 "rampart-$port" "$RAMPART_PID"
}

# ---- TLS (https.sh) -----------------------------------------------------------

# make_tls_pki DIR : a test CA (EC P-256) in DIR/ca.key, DIR/ca.crt
make_tls_pki() {
    local d=$1
    need_bin openssl
    mkdir -p "$d"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ca.key" 2>/dev/null ||
        die "openssl genpkey failed"
    openssl req -x509 -new -key "$d/ca.key" -sha256 -days 30 -subj "/O=Rampart bench/CN=Rampart bench CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" -out "$d/ca.crt" 2>/dev/null || die "cannot make the bench CA"
}

# issue_tls_cert DIR NAME SAN : EC P-256 key DIR/NAME.key, leaf DIR/NAME.crt and
# DIR/NAME-chain.crt (leaf + CA), signed by DIR/ca.*; SAN like
# "DNS:origin.bench.test,IP:127.0.0.1" (the CN is NAME).
issue_tls_cert() {
    local d=$1 name=$2 san=$3
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/$name.key" 2>/dev/null ||
        die "openssl genpkey failed"
    openssl req -new -key "$d/$name.key" -subj "/CN=$name" -out "$d/$name.csr" 2>/dev/null ||
        die "openssl req failed for $name"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" "subjectAltName=$san" "subjectKeyIdentifier=hash" \
        "authorityKeyIdentifier=keyid:always" >"$d/$name.ext"
    openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
        -days 30 -sha256 -extfile "$d/$name.ext" -out "$d/$name.crt" 2>/dev/null || die "cannot sign $name"
    cat "$d/$name.crt" "$d/ca.crt" >"$d/$name-chain.crt"
}

# nginx_tls_common DIR : the http{} lines every TLS nginx instance shares
nginx_tls_common() {
    local d=$1
    cat <<EOF
    access_log off;
    client_body_temp_path $d/client_body;
    proxy_temp_path $d/proxy;
    fastcgi_temp_path $d/fastcgi;
    uwsgi_temp_path $d/uwsgi;
    scgi_temp_path $d/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;
EOF
}

# start_nginx_tls_origin PORT PKIDIR [WORKERS] : nginx answering every request
# over TLS with `return 200` and the same 209-byte JSON body as bench/origin.c,
# certificate PKIDIR/origin-chain.crt. Sets NGINX_ORIGIN_PID.
start_nginx_tls_origin() {
    local port=$1 pki=$2 workers=${3:-1} d="$BENCH_TMP/nginx-origin-$1"
    need_bin nginx
    mkdir -p "$d"
    cat >"$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
worker_rlimit_nofile $(ulimit -Hn);
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections $(( $(ulimit -Hn) - 100 )); multi_accept on; }
http {
$(nginx_tls_common "$d")
    server {
        listen 127.0.0.1:$port ssl backlog=4096;
        ssl_certificate $pki/origin-chain.crt;
        ssl_certificate_key $pki/origin.key;
        location / {
            default_type application/json;
            return 200 '{"status":"ok","service":"bench-origin","version":"1.4.2","request_id":"7f3c9a2e-41b8-4c2d-9e0f-5a6b7c8d9e01","data":{"id":48213,"name":"widget","price":19.99,"tags":["a","b","c"],"in_stock":true},"took_ms":3}';
        }
    }
}
EOF
    start_bg "nginx-origin-$port" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
    NGINX_ORIGIN_PID=$LAST_PID
    wait_port "$port" 10 "nginx-origin-$port" "$NGINX_ORIGIN_PID" || die "the nginx TLS origin did not start"
}

# start_nginx_tls_proxy PORT ORIGIN_PORT PKIDIR [WORKERS] : nginx terminating TLS
# (PKIDIR/proxy-chain.crt) and proxying over TLS to https://127.0.0.1:ORIGIN_PORT
# with SNI and verification as origin.bench.test (CA PKIDIR/ca.crt), upstream
# keep-alive and TLS session reuse. Sets NGINX_PID.
start_nginx_tls_proxy() {
    local port=$1 oport=$2 pki=$3 workers=${4:-2} d="$BENCH_TMP/nginx-$1"
    need_bin nginx
    mkdir -p "$d"
    cat >"$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
worker_rlimit_nofile $(ulimit -Hn);
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections $(( $(ulimit -Hn) - 100 )); multi_accept on; }
http {
$(nginx_tls_common "$d")
    upstream origin {
        server 127.0.0.1:$oport;
        keepalive 256;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$port ssl backlog=4096;
        ssl_certificate $pki/proxy-chain.crt;
        ssl_certificate_key $pki/proxy.key;
        location / {
            proxy_pass https://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host origin.bench.test;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_ssl_protocols TLSv1.2 TLSv1.3;
            proxy_ssl_server_name on;
            proxy_ssl_name origin.bench.test;
            proxy_ssl_verify on;
            proxy_ssl_verify_depth 2;
            proxy_ssl_trusted_certificate $pki/ca.crt;
            proxy_ssl_session_reuse on;
        }
    }
}
EOF
    start_bg "nginx-$port" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
    NGINX_PID=$LAST_PID
    wait_port "$port" 10 "nginx-$port" "$NGINX_PID" || die "nginx did not start"
}

# start_rampart_config PORT YAMLFILE : `rampart check -c` then `rampart run -c`.
# Returns 2 (after printing check's output) if check rejects the config, 1 if
# Rampart does not start listening on PORT. Sets RAMPART_PID.
start_rampart_config() {
    local port=$1 yaml=$2
    [ -x "$RAMPART_BIN" ] || { echo "error: Rampart binary $RAMPART_BIN not found (run make)" >&2; return 1; }
    if ! "$RAMPART_BIN" check -c "$yaml" >"$yaml.check.log" 2>&1; then
        sed 's/^/  /' "$yaml.check.log" >&2
        echo "rampart check rejected $yaml" >&2
        return 2
    fi
    start_bg "rampart-$port" "$RAMPART_BIN" run -c "$yaml"
    RAMPART_PID=$LAST_PID
    wait_port "$port" 10 "rampart-$port" "$RAMPART_PID"
}
