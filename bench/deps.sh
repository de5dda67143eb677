#!/bin/sh
# Installs what the benchmark suite needs on Debian. Safe to run again; needs
# root (or sudo). Rampart's own build deps: scripts/deps.sh.
#   wrk         load generator (proxy.sh)
#   nginx       peer proxy (proxy.sh, idle.sh)
#   haproxy     peer proxy (proxy.sh, optionally idle.sh)
#   python3     report aggregation, free-port picking, idle-connection client
#   curl        preflight checks (proxy.sh, https.sh)
#   openssl     test CA and certificates (https.sh)
#   gcc         builds bench/origin.c
#   procps      pgrep (RSS summed over a process group)
#   util-linux  setsid (each server in its own process group)
#   coreutils   timeout, mktemp
#   valgrind    instruction counts (engine.sh, callgrind)
#   libnginx-mod-http-modsecurity  nginx + ModSecurity v3 (libmodsecurity3) (waf.sh)
#   modsecurity-crs                OWASP Core Rule Set for ModSecurity (waf.sh)
set -eu
exec sh "$(dirname "$0")/../scripts/deps.sh" wrk nginx haproxy python3 curl openssl gcc procps util-linux coreutils valgrind \
    libnginx-mod-http-modsecurity modsecurity-crs
# The Debian nginx/haproxy packages may enable system services; the suite does
# not use them: it runs its own instances on free 127.0.0.1 ports.
