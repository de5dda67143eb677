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
if [ -n "$missing" ]; then
    echo "installing:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
