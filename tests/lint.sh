#!/bin/sh
# Static checks: cppcheck, banned functions, layering (lower layers never
# include upper ones: core -> net/http -> config -> proxy -> cli).
set -eu
cd "$(dirname "$0")/.."
status=0

echo "lint: cppcheck"
cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
    --inline-suppr --suppress=missingIncludeSystem -D__GNUC__ -Iinclude -Isrc src || status=1

echo "lint: clang-tidy (.clang-tidy)"
if command -v clang-tidy >/dev/null 2>&1; then
    ls src/*/*.c | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 4 sh -c \
        'clang-tidy -quiet "$@" -- -std=c11 -D_GNU_SOURCE -Iinclude -Isrc 2>/dev/null' sh \
        > /tmp/rampart-tidy.$$ || true
    if grep -E "(warning|error):" /tmp/rampart-tidy.$$; then
        echo "lint: clang-tidy found problems"; status=1
    fi
    rm -f /tmp/rampart-tidy.$$
else
    echo "lint: clang-tidy not installed"; status=1
fi

echo "lint: banned functions"
if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets)\s*\(' -r src include; then
    echo "lint: banned function used (use rp_buf_*, snprintf, memcpy with bounds)"; status=1
fi

echo "lint: layering"
check_layer() { # dir, forbidden include pattern
    if grep -nE "#include \"(rampart/)?($2)" -r "$1" 2>/dev/null; then
        echo "lint: $1 includes a higher layer ($2)"; status=1
    fi
}
check_layer src/core 'net|http|config|proxy|waf|discovery'
check_layer src/net 'http|config|proxy|waf|discovery'
check_layer src/http 'net|config|proxy|waf|discovery'
check_layer src/config 'net\.h|http|proxy|discovery|waf/'   # rampart/waf.h: class names
check_layer src/discovery 'net|http|config|proxy|waf|store|ingest'
check_layer src/ingest 'net|http|config|proxy|waf|store'
check_layer src/store 'net|http|config|proxy|waf|ingest'
check_layer src/waf 'net|http|config|proxy|discovery'
exit $status
