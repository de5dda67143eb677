#!/bin/sh
# Runs libFuzzer targets.
#   sh tests/fuzz/run.sh run SECONDS BIN...    fuzz each BIN for SECONDS, starting
#                                              from a temp copy of its seed corpus
#   sh tests/fuzz/run.sh replay 0 BIN...       run each BIN over its committed
#                                              corpus only (no fuzzing)
# The seed corpus of build/fuzz/fuzz_X is tests/fuzz/corpus/fuzz_X/ (missing:
# an empty temp dir). Dictionary: tests/fuzz/X.dict, else tests/fuzz/X_Y.dict
# prefixes of the name without "fuzz_" (fuzz_http_request -> http_request.dict,
# then http.dict), first match wins. Fails if any target crashes.
set -u
mode=${1:-}; secs=${2:-}
if [ "$mode" != run ] && [ "$mode" != replay ] || [ -z "$secs" ]; then
    echo "usage: $0 run|replay SECONDS BIN..." >&2
    exit 2
fi
shift 2
here=$(cd "$(dirname "$0")" && pwd)
passed=0; failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rp-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# Prints the dictionary for a target name (fuzz_a_b_c), or nothing.
find_dict() {
    rest=${1#fuzz_}
    while [ -n "$rest" ]; do
        if [ -f "$here/$rest.dict" ]; then
            echo "$here/$rest.dict"
            return
        fi
        case $rest in
            *_*) rest=${rest%_*} ;;
            *) rest= ;;
        esac
    done
}

for bin in "$@"; do
    name=$(basename "$bin")
    log="$tmp/$name.log"
    corpus="$here/corpus/$name"
    if [ ! -x "$bin" ]; then
        echo "FAIL $name: not an executable"
        failed=$((failed + 1))
        continue
    fi
    if [ "$mode" = replay ]; then
        if [ -d "$corpus" ]; then
            dir=$corpus
        else
            dir="$tmp/$name.empty"; mkdir -p "$dir"
        fi
        "$bin" -runs=0 -artifact_prefix="$tmp/$name-" "$dir" >"$log" 2>&1
        rc=$?
        n=$(find "$dir" -type f | wc -l | tr -d ' ')
        what="replayed $n inputs"
    else
        dir="$tmp/$name.corpus"; mkdir -p "$dir"
        [ -d "$corpus" ] && cp -R "$corpus/." "$dir/"
        dict=$(find_dict "$name")
        set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$tmp/$name-" -print_final_stats=1
        [ -n "$dict" ] && set -- "$@" -dict="$dict"
        "$bin" "$@" "$dir" >"$log" 2>&1
        rc=$?
        execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
        what="${secs}s, ${execs:-?} execs${dict:+, dict $(basename "$dict")}"
    fi
    if [ $rc -eq 0 ]; then
        echo "ok   $name ($what)"
        passed=$((passed + 1))
    else
        echo "FAIL $name (exit $rc, $what)"
        grep -E 'ERROR|BUG|SUMMARY|Test unit written' "$log" | head -n 8 | sed 's/^/    /'
        for a in "$tmp/$name"-crash-* "$tmp/$name"-leak-* "$tmp/$name"-timeout-* "$tmp/$name"-oom-*; do
            [ -f "$a" ] && cp "$a" . && echo "    artifact saved: ./$(basename "$a")"
        done
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
