#!/usr/bin/env bash
# WAF benchmark: Rampart (block mode, full inspection) vs nginx + ModSecurity
# v3 + OWASP CRS (paranoia level 1) vs plain nginx, same origin, same machine.
#
#   bench/waf.sh [--duration 7] [--connections 64] [--threads 2] [--reps 3]
#                [--timeout 10] [--quick] [--targets nginx,modsec,rampart[,origin]]
#                [--workloads get,post1k,post64k,mixed] [--paranoia 1] [--keep-tmp]
#
# Starts bench/origin.c, nginx (proxy.sh's config), nginx with the Debian
# ModSecurity module and CRS (target "modsec") and Rampart with `waf: {mode:
# block}`, all on free 127.0.0.1 ports. Preflight: each WAF must answer an
# SQLi with 403 and a benign GET with 200 (else that target is skipped), and
# the mixed workload's 100 requests are sent once to record what each target
# blocks. Then wrk runs each (workload, target) cell --reps times, interleaved;
# medians are reported with ratios to nginx and to nginx+ModSecurity.
# --quick = 1 rep of 5 s. Output: a table on stdout and
# bench/results/waf-<timestamp>.json. See bench/README.md.
set -eu
. "$(dirname "$0")/lib.sh"

DURATION=7
CONNECTIONS=64
THREADS=2
REPS=3
TIMEOUT=10
WARMUP=1
PARANOIA=1
TARGETS="nginx,modsec,rampart"
WORKLOADS="get,post1k,post64k,mixed"
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --quick) REPS=1; DURATION=5; shift ;;
        --targets) TARGETS=$2; shift 2 ;;
        --workloads) WORKLOADS=$2; shift 2 ;;
        --paranoia) PARANOIA=$2; shift 2 ;;
        --keep-tmp) BENCH_KEEP_TMP=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done
case "$DURATION$CONNECTIONS$THREADS$REPS$PARANOIA$TIMEOUT" in *[!0-9]*) die "numeric options must be integers" ;; esac
case "$PARANOIA" in 1|2|3|4) ;; *) die "--paranoia must be 1 to 4" ;; esac

need_bin wrk curl python3 cc nginx setsid pgrep timeout
bench_init
warn_if_busy
RAW="$BENCH_TMP/raw"
mkdir -p "$RAW" "$BENCH_DIR/results"
IFS=, read -r -a TGT <<<"$TARGETS"
IFS=, read -r -a WL <<<"$WORKLOADS"
for t in "${TGT[@]}"; do
    case "$t" in origin|nginx|modsec|rampart) ;; *) die "unknown target $t (origin, nginx, modsec, rampart)" ;; esac
done
for w in "${WL[@]}"; do
    case "$w" in get|post1k|post64k|mixed) ;; *) die "unknown workload $w (get, post1k, post64k, mixed)" ;; esac
done

# Every request carries a name in Host: wrk would send Host: 127.0.0.1:PORT,
# which OWASP CRS scores (920350, "Host header is a numeric IP address") and
# which no real client of an API sends. (The waf_*.lua scripts do the same.)
HOST=api.bench.test
ATTACK_PATH="/?id=1%27%20or%20%271%27%3D%271"            # /?id=1' or '1'='1
BENIGN_PATH="/api/v1/products?category=books&sort=price_asc&page=3"

# ---- ModSecurity + CRS --------------------------------------------------------
# Debian: libnginx-mod-http-modsecurity (connector + libmodsecurity3) and
# modsecurity-crs. All files are generated in $BENCH_TMP/modsec; the system's
# /etc/nginx and /etc/modsecurity are only read.
MODSEC_DIR="$BENCH_TMP/modsec"
CRS_RULES=/usr/share/modsecurity-crs/rules
MODSEC_MODULE=""
MODSEC_BASE=""
CRS_SETUP_SRC=""

first_file() { local f; for f in "$@"; do if [ -f "$f" ]; then echo "$f"; return 0; fi; done; return 1; }

# set_directive FILE NAME VALUE : replaces every active "NAME ..." line of a
# ModSecurity config with "NAME VALUE", or appends it if there is none.
set_directive() {
    local f=$1 name=$2 value=$3
    if grep -Eq "^[[:space:]]*$name([[:space:]]|\$)" "$f"; then
        sed -i -E "s|^[[:space:]]*$name([[:space:]].*)?\$|$name $value|" "$f"
    else
        echo "$name $value" >>"$f"
    fi
}

# setup_modsec : writes $MODSEC_DIR/main.conf; prints why and returns 1 if a
# piece is missing.
setup_modsec() {
    local mod
    MODSEC_MODULE=$(first_file /usr/lib/nginx/modules/ngx_http_modsecurity_module.so \
        /usr/share/nginx/modules/ngx_http_modsecurity_module.so) || {
        mod=$(sed -n 's/.*load_module[[:space:]]*\([^;]*\);.*/\1/p' \
            /usr/share/nginx/modules-available/mod-http-modsecurity.conf 2>/dev/null | head -1)
        case "$mod" in /*) ;; ?*) mod="/usr/share/nginx/$mod" ;; esac
        if [ -n "$mod" ] && [ -f "$mod" ]; then MODSEC_MODULE=$mod; else
            echo "the ModSecurity nginx module is not installed (bench/deps.sh: libnginx-mod-http-modsecurity)"
            return 1
        fi
    }
    # the recommended base config: Debian ships it as
    # /etc/modsecurity/modsecurity.conf-recommended (with libapache2-mod-security2)
    # or, with the nginx connector, as docs/modsecurity/modsecurity.conf
    MODSEC_BASE=$(first_file /etc/modsecurity/modsecurity.conf-recommended \
        /usr/share/nginx/docs/modsecurity/modsecurity.conf /etc/nginx/modsecurity.conf) || {
        echo "no modsecurity.conf-recommended found (bench/deps.sh: libnginx-mod-http-modsecurity)"
        return 1
    }
    CRS_SETUP_SRC=$(first_file /usr/share/modsecurity-crs/crs-setup.conf.example \
        /etc/modsecurity/crs/crs-setup.conf.example /etc/modsecurity/crs/crs-setup.conf) || {
        echo "no CRS crs-setup.conf(.example) found (bench/deps.sh: modsecurity-crs)"
        return 1
    }
    if ! ls "$CRS_RULES"/REQUEST-9*.conf >/dev/null 2>&1; then
        echo "no CRS rules in $CRS_RULES (bench/deps.sh: modsecurity-crs)"
        return 1
    fi
    local umap
    umap=$(first_file "$(dirname "$MODSEC_BASE")/unicode.mapping" /usr/share/nginx/docs/modsecurity/unicode.mapping \
        /etc/modsecurity/unicode.mapping /etc/nginx/unicode.mapping) || {
        echo "no unicode.mapping next to $MODSEC_BASE"
        return 1
    }
    mkdir -p "$MODSEC_DIR/tmp"
    chmod 1777 "$MODSEC_DIR/tmp"
    cp "$umap" "$MODSEC_DIR/unicode.mapping"
    cp "$MODSEC_BASE" "$MODSEC_DIR/modsecurity.conf"
    local c="$MODSEC_DIR/modsecurity.conf"
    set_directive "$c" SecRuleEngine On
    set_directive "$c" SecRequestBodyAccess On
    set_directive "$c" SecResponseBodyAccess Off
    set_directive "$c" SecAuditEngine Off
    set_directive "$c" SecAuditLog /dev/null
    set_directive "$c" SecDebugLogLevel 0
    set_directive "$c" SecStatusEngine Off
    set_directive "$c" SecTmpDir "$MODSEC_DIR/tmp/"
    set_directive "$c" SecDataDir "$MODSEC_DIR/tmp/"
    set_directive "$c" SecUnicodeMapFile "$MODSEC_DIR/unicode.mapping 20127"
    sed -i -E 's|^[[:space:]]*SecDebugLog[[:space:]].*$|# (waf.sh) no debug log|' "$c"
    # crs-setup: the example as shipped (anomaly scoring, blocking at an
    # inbound score of 5) with the paranoia level set explicitly
    if grep -Eq '^[[:space:]]*"?id:900000' "$CRS_SETUP_SRC"; then
        echo "$CRS_SETUP_SRC already sets the paranoia level (rule 900000 is active); waf.sh sets it itself"
        return 1
    fi
    # a Debian conffile: say whether it is still the packaged example
    local want
    want=$(dpkg-query -W -f='${Conffiles}\n' modsecurity-crs 2>/dev/null | awk -v f="$CRS_SETUP_SRC" '$1 == f {print $2}')
    if [ -n "$want" ]; then
        if [ "$(md5sum <"$CRS_SETUP_SRC" | cut -d' ' -f1)" = "$want" ]; then CRS_SETUP_STATE="as packaged"
        else CRS_SETUP_STATE="LOCALLY MODIFIED"; fi
    fi
    cp "$CRS_SETUP_SRC" "$MODSEC_DIR/crs-setup.conf"
    cat >>"$MODSEC_DIR/crs-setup.conf" <<EOF

# (waf.sh) paranoia level
SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=$PARANOIA"
EOF
    cat >"$MODSEC_DIR/main.conf" <<EOF
# generated by bench/waf.sh
Include $MODSEC_DIR/modsecurity.conf
Include $MODSEC_DIR/crs-setup.conf
Include $CRS_RULES/*.conf
EOF
}

# start_modsec PORT : nginx_proxy_conf + the ModSecurity module and rules.
# Returns 1 (after printing why) if nginx -t rejects it or it does not listen.
start_modsec() {
    local port=$1 d="$BENCH_TMP/nginx-$1"
    mkdir -p "$d"
    # error_log crit: ModSecurity logs every blocked request at "error" and
    # every matched rule at "info"; Rampart runs with events: {log: off}
    NGINX_MAIN_EXTRA="load_module $MODSEC_MODULE;" NGINX_ERROR_LEVEL=crit \
    NGINX_LOCATION_EXTRA="            modsecurity on;
            modsecurity_rules_file $MODSEC_DIR/main.conf;" \
        nginx_proxy_conf "$d" "$port" "$ORIGIN_PORT" 2 >"$d/nginx.conf"
    # nginx -t at notice level, to see ModSecurity's rule count and errors
    sed "s|^error_log .*|error_log $d/test.log notice;|" "$d/nginx.conf" >"$d/nginx-test.conf"
    if ! nginx -t -q -p "$d" -c "$d/nginx-test.conf" -e "$d/test.log" >"$d/test.out" 2>&1; then
        tail -n 20 "$d/test.out" "$d/test.log" 2>/dev/null >&2
        echo "nginx -t rejects $d/nginx.conf" >&2
        return 1
    fi
    MODSEC_LOADED=$(grep -o 'ModSecurity-nginx v[^ ]* ([^)]*)' "$d/test.log" 2>/dev/null | head -1 || true)
    start_bg "nginx-$port" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
    PID[modsec]=$LAST_PID
    wait_port "$port" 20 "nginx-$port" "$LAST_PID"
}

# ---- servers ------------------------------------------------------------------
declare -A PORT PID DEAD
MODSEC_LOADED=""
CRS_SETUP_STATE=""
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
        modsec)
            PORT[modsec]=$(free_port)
            PID[modsec]=0
            if ! setup_modsec >"$BENCH_TMP/modsec-setup.txt" || ! [ -s "$MODSEC_DIR/main.conf" ]; then
                DEAD[modsec]="skipped: $(cat "$BENCH_TMP/modsec-setup.txt")"
            elif ! start_modsec "${PORT[modsec]}"; then
                DEAD[modsec]="nginx + ModSecurity did not start (see the error above)"
            else
                note "modsec: $MODSEC_MODULE, $MODSEC_LOADED, base config $MODSEC_BASE, CRS $CRS_SETUP_SRC (${CRS_SETUP_STATE:-?}) + $CRS_RULES, paranoia $PARANOIA"
            fi ;;
        rampart)
            PID[rampart]=0
            if ! rampart_available; then
                DEAD[rampart]="skipped: rampart not available: '$RAMPART_BIN --help' failed (run make)"
            else
                PORT[rampart]=$(free_port)
                d="$BENCH_TMP/rampart-${PORT[rampart]}"
                mkdir -p "$d"
                cat >"$d/rampart.yaml" <<EOF
workers: 2
log: { level: warn, access_log: "off" }
waf:
  mode: block
  events: { log: "off" }
listeners: [ { listen: "127.0.0.1:${PORT[rampart]}" } ]
upstreams: [ { name: origin, servers: ["127.0.0.1:$ORIGIN_PORT"], keepalive: 256 } ]
routes: [ { path: /, upstream: origin } ]
EOF
                rc=0
                start_rampart_config "${PORT[rampart]}" "$d/rampart.yaml" || rc=$?
                PID[rampart]=${RAMPART_PID:-0}
                if [ $rc = 2 ]; then
                    DEAD[rampart]="skipped: 'rampart check' rejects the waf config (no WAF in this build?)"
                elif [ $rc != 0 ]; then
                    DEAD[rampart]="rampart did not start listening (see the error above)"
                fi
            fi ;;
    esac
    if [ "$t" != origin ]; then
        if [ -z "${DEAD[$t]:-}" ]; then note "$t on 127.0.0.1:${PORT[$t]}"; else note "$t: ${DEAD[$t]}"; fi
    fi
done

logname() { if [ "$1" = origin ]; then echo origin; else echo "$1-${PORT[$1]:-none}" | sed 's/^modsec-/nginx-/'; fi; }
is_waf() { [ "$1" = modsec ] || [ "$1" = rampart ]; }

# ---- preflight ----------------------------------------------------------------
# http_status TARGET PATH : status of a GET with a few browser headers
http_status() {
    curl -s -m 10 -o "$BENCH_TMP/pf.body" -w '%{http_code}' -H "Host: $HOST" \
        -H 'Accept: application/json' -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0' \
        "http://127.0.0.1:${PORT[$1]}$2" 2>/dev/null || true
}

preflight() {
    local t=$1 code
    code=$(http_status "$t" "$BENIGN_PATH")
    if [ "$code" != 200 ] || ! grep -q bench-origin "$BENCH_TMP/pf.body"; then
        DEAD[$t]="preflight: a benign GET $BENIGN_PATH answered '$code', not 200 with the origin's body"
        return 1
    fi
    code=$(http_status "$t" "$ATTACK_PATH")
    if is_waf "$t" && [ "$code" != 403 ]; then
        DEAD[$t]="preflight: the SQLi GET /?id=1' or '1'='1 answered '$code', not 403: the WAF does not block"
        return 1
    fi
    note "preflight $t: benign GET 200, SQLi GET $code"
}

# mixed_check TARGET : waf_mixed.lua's 100 requests once, on one connection
declare -A MIXCHK
mixed_check() {
    local t=$1 f="$BENCH_TMP/mixed-check-$1.txt" sum
    timeout 30 wrk -t1 -c1 -d3s -H "Host: $HOST" -s "$BENCH_DIR/wrk/waf_mixed_check.lua" \
        "http://127.0.0.1:${PORT[$t]}/" -- "$f" >"$f.wrk" 2>&1 || true
    if [ ! -s "$f" ]; then
        MIXCHK[$t]='{"error": "incomplete: fewer than 100 responses in 3 s"}'
        note "mixed check $t: incomplete (fewer than 100 responses in 3 s)"
        return 0
    fi
    sum=$(python3 - "$f" "$t" <<'PYEOF'
import json, sys
rows = [l.rstrip("\n").split(" ", 3) for l in open(sys.argv[1]) if l.strip()]
waf = sys.argv[2] in ("modsec", "rampart")
ben = [r for r in rows if r[1] == "benign"]
att = [r for r in rows if r[1] == "attack"]
bad = [" ".join(r) for r in rows if (r[2] != "200") if r[1] == "benign" or not waf] + \
      [" ".join(r) for r in att if waf and r[2] != "403"]
print(json.dumps({"benign": len(ben), "benign_200": sum(r[2] == "200" for r in ben),
                  "attacks": len(att), "attacks_403": sum(r[2] == "403" for r in att),
                  "unexpected": bad}))
PYEOF
)
    MIXCHK[$t]=$sum
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("# mixed check %s: benign %d/%d answered 200, attacks %d/%d answered 403%s" % (sys.argv[2], d["benign_200"], d["benign"], d["attacks_403"], d["attacks"], "".join("\n#   unexpected: " + u for u in d["unexpected"])))' "$sum" "$t" >&2
}

has_mixed=0
for w in "${WL[@]}"; do if [ "$w" = mixed ]; then has_mixed=1; fi; done
for t in "${TGT[@]}"; do
    if [ -n "${DEAD[$t]:-}" ]; then continue; fi
    if ! preflight "$t"; then
        note "$t: ${DEAD[$t]}"
        show_log "$(logname "$t")"
        continue
    fi
    if [ $has_mixed = 1 ]; then mixed_check "$t"; fi
done

# ---- workloads ----------------------------------------------------------------
run_wrk() {   # WORKLOAD PORT DURATION
    local wl=$1 base="http://127.0.0.1:$2" dur=$3
    local common=(-t "$THREADS" -c "$CONNECTIONS" -d "${dur}s" --timeout "${TIMEOUT}s" --latency -H "Host: $HOST")
    local cap=$((dur + TIMEOUT + 30))
    case "$wl" in
        get) timeout $cap wrk "${common[@]}" -s "$BENCH_DIR/wrk/api_get.lua" "$base/" ;;
        post1k) timeout $cap wrk "${common[@]}" -s "$BENCH_DIR/wrk/waf_post_json.lua" "$base/api/v1/orders" -- 1024 ;;
        post64k) timeout $cap wrk "${common[@]}" -s "$BENCH_DIR/wrk/waf_post_json.lua" "$base/api/v1/orders" -- 65536 ;;
        mixed) timeout $cap wrk "${common[@]}" -s "$BENCH_DIR/wrk/waf_mixed.lua" "$base/" ;;
    esac
}

ncells=0
for t in "${TGT[@]}"; do if [ -z "${DEAD[$t]:-}" ]; then ncells=$((ncells + ${#WL[@]})); fi; done
est=$(( ncells * (REPS * (DURATION + 1) + WARMUP + 2) ))
note "$ncells cells x $REPS reps x ${DURATION}s, wrk -t$THREADS -c$CONNECTIONS; about $((est / 60))m$((est % 60))s"

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
                run_wrk "$wl" "${PORT[$t]}" "$WARMUP" >"$f.warmup" 2>&1 || true
                wait_idle "${PID[$t]}" 30 || true
                # benign workloads must not be blocked: the warm-up shows it early
                if [ "$wl" != mixed ] && grep -q 'Non-2xx' "$f.warmup"; then
                    note "WARNING: $t answered non-2xx to benign $wl requests in the warm-up: $(grep 'Non-2xx' "$f.warmup" | tr -s ' ')"
                fi
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
            # a WAF may still be inspecting what wrk left in flight: let it finish
            if [ -z "${DEAD[$t]:-}" ] && ! wait_idle "${PID[$t]}" 30; then
                note "WARNING: $t still busy 30 s after the $wl run"
            fi
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

mixchk_json() {
    local t sep=""
    printf '{'
    for t in "${!MIXCHK[@]}"; do printf '%s"%s": %s' "$sep" "$t" "${MIXCHK[$t]}"; sep=", "; done
    printf '}'
}
dead_json() {
    local t sep=""
    printf '{'
    for t in "${!DEAD[@]}"; do
        printf '%s"%s": %s' "$sep" "$t" "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "${DEAD[$t]}")"
        sep=", "
    done
    printf '}'
}
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }
CRS_VER=$(grep -ho "ver:'OWASP_CRS/[0-9.]*'" "$CRS_RULES"/REQUEST-901-INITIALIZATION.conf 2>/dev/null | head -1 | sed "s/ver:'OWASP_CRS\///; s/'//" || true)

TS=$(date +%Y%m%d-%H%M%S)
OUT="$BENCH_DIR/results/waf-$TS.json"
export WAF_MIXCHK WAF_DEAD
WAF_MIXCHK=$(mixchk_json)
WAF_DEAD=$(dead_json)
python3 - "$BENCH_TMP/meta.json" <<EOF
import json, os, platform, subprocess, sys
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception: return ""
cpu = ""
for l in open("/proc/cpuinfo"):
    if l.startswith("model name"): cpu = l.split(":", 1)[1].strip(); break
json.dump({
  "benchmark": "waf", "date": "$(date -Iseconds)", "host": platform.node(),
  "kernel": platform.release(), "cpus": os.cpu_count(), "cpu_model": cpu,
  "duration_s": $DURATION, "connections": $CONNECTIONS, "wrk_threads": $THREADS, "reps": $REPS,
  "targets": "$TARGETS".split(","), "workloads": "$WORKLOADS".split(","),
  "ratio_bases": ["nginx", "modsec"], "split_errors": True, "all_responses_workloads": ["mixed"],
  "workload_notes": {
    "get": "GET, 3 query parameters, browser headers, bearer token, cookies (wrk/api_get.lua)",
    "post1k": "POST of a 1 KiB JSON order (wrk/waf_post_json.lua)",
    "post64k": "POST of a 64 KiB JSON order, ~700 JSON values (wrk/waf_post_json.lua)",
    "mixed": "95% benign GET/POST, 5% SQLi/XSS in query and bodies (wrk/waf_mixed.lua); req/s counts every answer, 403s included; a blocking WAF should show 5.0% non-2xx",
  },
  "notes": ["modsec = nginx + ModSecurity v3 + OWASP CRS $CRS_VER, paranoia level $PARANOIA, anomaly scoring (blocks at inbound score 5)",
            "rampart = waf: {mode: block}, full inspection"],
  "proxy_workers": 2, "origin": "bench/origin.c, 1 thread", "host_header": "$HOST",
  "modsec": {"module": "$MODSEC_MODULE", "loaded": "$MODSEC_LOADED",
             "base_config": "$MODSEC_BASE", "crs_setup": "$CRS_SETUP_SRC", "crs_setup_state": "$CRS_SETUP_STATE",
             "crs_rules": "$CRS_RULES",
             "paranoia_level": $PARANOIA,
             "settings": "SecRuleEngine On, SecRequestBodyAccess On, SecResponseBodyAccess Off, SecAuditEngine Off, no debug log, nginx error_log crit"},
  "rampart_waf": "mode: block, events: {log: off}",
  "mixed_check": json.loads(os.environ["WAF_MIXCHK"]),
  "skipped": json.loads(os.environ["WAF_DEAD"]),
  "versions": {"nginx": sh("nginx -v 2>&1"), "wrk": sh("wrk -v 2>&1 | head -1"),
               "libmodsecurity3": "$(pkgver libmodsecurity3)",
               "libnginx-mod-http-modsecurity": "$(pkgver libnginx-mod-http-modsecurity)",
               "modsecurity-crs": "$(pkgver modsecurity-crs)", "crs": "$CRS_VER",
               "rampart_commit": sh("git -C '$REPO_DIR' describe --always --dirty")},
  "loadavg_at_start": "$LOAD_START".split(),
  "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
}, open(sys.argv[1], "w"), indent=2)
EOF
echo
echo "WAF: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, median of $REPS, $(nproc) CPUs, rampart $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) ($(date "+%Y-%m-%d %H:%M"))"
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), libmodsecurity3 $(pkgver libmodsecurity3), ModSecurity-nginx $(pkgver libnginx-mod-http-modsecurity), CRS $CRS_VER (PL$PARANOIA)"
python3 "$BENCH_DIR/wrk_report.py" "$RAW" "$BENCH_TMP/meta.json" "$OUT" >"$BENCH_TMP/report.txt"
{
    grep -v '^JSON: ' "$BENCH_TMP/report.txt" | sed '${/^$/d}'
    if [ $has_mixed = 1 ]; then
        echo "mixed preflight (the 100-request cycle sent once):"
        for t in "${TGT[@]}"; do
            [ -n "${MIXCHK[$t]:-}" ] || continue
            python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("  %-8s %s" % (sys.argv[2], d["error"] if "error" in d else "benign %d/%d -> 200, attacks %d/%d -> 403%s" % (d["benign_200"], d["benign"], d["attacks_403"], d["attacks"], "".join("\n           unexpected: " + u for u in d["unexpected"]))))' "${MIXCHK[$t]}" "$t"
        done
    fi
    echo
    echo "JSON: $OUT"
} | tee "${OUT%.json}.txt"
