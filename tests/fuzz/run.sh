#!/bin/sh
# tests/fuzz/run.sh TARGET SECONDS [LIBFUZZER-OPTION...]
#
# Runs a fuzz target (smaps, snapshot, kernel, failif, request or config)
# for SECONDS on its corpus, one process, and says what it found.  The
# target is built first when needed, in build-fuzz beside the sources
# (FUZZ_BUILD: another folder), configured with --enable-fuzzing CC=clang.
# New inputs go to BUILD/fuzz-TARGET/corpus, a crash to BUILD/fuzz-TARGET/
# (crash-..., replayed with BUILD/tests/fuzz/fuzz_TARGET FILE); the tree is
# left as it was.  The exit status is libFuzzer's: 0 when nothing was found.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: tests/fuzz/run.sh smaps|snapshot|kernel|failif|request|config SECONDS [OPTION...]" >&2; exit 2; }
target=$1 seconds=$2
shift 2
case $target in
smaps | snapshot | kernel | failif | request | config) ;;
*) echo "run.sh: no fuzz target '$target' (smaps, snapshot, kernel, failif, request, config)" >&2; exit 2 ;;
esac
build=${FUZZ_BUILD:-$top/build-fuzz}

[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh > /dev/null)
if [ ! -f "$build/Makefile" ]; then
	mkdir -p "$build"
	(cd "$build" && "$top/configure" -q --enable-werror --enable-fuzzing CC=clang)
fi
make -s -C "$build" -j2 "tests/fuzz/fuzz_$target"

work=$build/fuzz-$target
mkdir -p "$work/corpus"
log=$work/log
# The first folder takes what the run finds; the seeds and regressions are
# read, never written.
status=0
"$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 \
	-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	-dict="$top/tests/fuzz/$target.dict" -artifact_prefix="$work/" "$@" \
	"$work/corpus" "$top/tests/fuzz/corpus/$target" "$top/tests/fuzz/regressions/$target" \
	> "$log" 2>&1 || status=$?
if [ $status -ne 0 ]; then
	tail -40 "$log"
	echo "run.sh: fuzz_$target found a problem (status $status); the input: $(ls "$work"/crash-* "$work"/oom-* "$work"/timeout-* "$work"/leak-* 2>/dev/null | tail -1)" >&2
	exit $status
fi
# libFuzzer's final figures in one line: runs, time, rate, coverage
done=$(grep '^Done [0-9]* runs in' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]* ft: [0-9]* corp: [^ ]*')
echo "fuzz_$target: ${done#Done } ($rate/s), $cov"
