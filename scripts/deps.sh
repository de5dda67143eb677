#!/bin/bash
# Installs Debian packages. Safe to run again; needs root (or sudo).
#   scripts/deps.sh            what Rampart needs to build and test
#   scripts/deps.sh PKG...     those packages instead (bench/deps.sh uses it)
set -eu
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
PKGS="build-essential pkg-config clang libclang-rt-14-dev libyaml-dev libssl-dev libc-ares-dev \
zlib1g-dev libsqlite3-dev libpcre2-dev libexpat1-dev python3 python3-yaml curl openssl cppcheck clang-tidy"
if [ $# -gt 0 ]; then PKGS="$*"; fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# npm for the OpenAPI validator (below), from Debian when the machine has none
if [ $# -eq 0 ] && ! command -v npm >/dev/null 2>&1; then missing="$missing npm"; fi
if [ -n "$missing" ]; then
    echo "installing:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Node tools for the integration tests (the OpenAPI validator of
# tests/integration/test_discovery.py), pinned by tests/package-lock.json and
# installed into tests/node_modules, never globally. Only when installing
# what Rampart needs (no arguments). A failure here is reported, not fatal:
# the tests that need the tool then fail (or skip with RAMPART_ALLOW_SKIP=1).
if [ $# -eq 0 ]; then
    ROOT=$(cd "$(dirname "$0")/.." && pwd)
    if ! command -v npm >/dev/null 2>&1; then
        echo "deps: npm not found: the OpenAPI validation test will fail" >&2
    elif [ ! -x "$ROOT/tests/node_modules/.bin/validate-api" ] ||
         [ "$ROOT/tests/package-lock.json" -nt "$ROOT/tests/node_modules/.package-lock.json" ]; then
        npm ci --prefix "$ROOT/tests" --no-audit --no-fund --loglevel=error >/dev/null ||
            echo "deps: npm ci --prefix tests failed: the OpenAPI validation test will fail" >&2
    fi
fi
