#!/bin/bash
# The whole test suite, as CI runs it: install dependencies, build, run
# unit tests, fuzz-corpus replay and integration tests; then the same
# under AddressSanitizer + UndefinedBehaviorSanitizer; then each fuzz target
# briefly; then lint. Stops at the first failing stage; the last line sums
# every stage's "N passed, N failed".
#   FUZZ_SECONDS=N  seconds per fuzz target (default 10)
#   QUICK=1         skip the sanitizer pass and fuzzing (local iteration)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
JOBS=$(nproc 2>/dev/null || echo 2)
LOG=$(mktemp "${TMPDIR:-/tmp}/rampart-test.XXXXXX")
trap 'rm -f "$LOG"' EXIT

# stage NAME CMD...: runs CMD with its output shown and kept for the summary.
stage() {
    local name=$1
    shift
    printf '\n=== %s ===\n' "$name"
    "$@" 2>&1 | tee -a "$LOG"
}

stage "build" make -j"$JOBS" all
stage "unit tests" make -j"$JOBS" unit
stage "fuzz corpus replay" make -j"$JOBS" fuzz-replay
stage "integration tests" make integration
stage "corpus tests (detection and false-positive floors)" make corpus

if [ "${QUICK:-0}" != 1 ]; then
    stage "unit tests under ASan+UBSan" make -j"$JOBS" SANITIZE=address,undefined all unit
    stage "integration tests under ASan+UBSan" \
        env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        make SANITIZE=address,undefined integration
    stage "fuzzing (${FUZZ_SECONDS:-10}s per target)" \
        make -j"$JOBS" fuzz-run FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
fi
stage "lint" make lint

echo
awk '/^[a-z]+: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
     END { printf "all stages: %d passed, %d failed\n", p, f }' "$LOG"
