#!/bin/sh
# Times "memscope pages" of a 64 GiB sparse reservation with 1 GiB touched,
# whole process, against the bare ways of reading pagemap, side by side in
# one run: a PAGEMAP_SCAN loop, pread in 1 MiB chunks, pread 8 bytes a page.
#
#   bench/pages.sh [RESERVED_GIB [TOUCHED_GIB [RUNS]]]   (64, 1, 11)
#
# Run from a built tree (after "make check" or "make tests/helpers/sparse").
# Each figure is the median of RUNS wall-clock times; 8-byte pread is run
# three times only (it takes seconds).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
reserved=${1:-64} touched=${2:-1} runs=${3:-11}
memscope=$top/tools/memscope
helper=$top/tests/helpers/sparse
[ -x "$helper" ] || { echo "bench: build first (make tests/helpers/sparse)" >&2; exit 2; }
[ -x "$top/tools/.libs/memscope" ] && memscope=$top/tools/.libs/memscope &&
	export LD_LIBRARY_PATH="$top/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

out=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$out"' EXIT
${CC:-cc} -O2 -o "$out/peers" "$top/bench/pagemap-peers.c"
mkfifo "$out/in"
"$helper" "$reserved" "$touched" < "$out/in" > "$out/ready" &
pid=$!
exec 3> "$out/in"
while ! grep -q ready "$out/ready" 2>/dev/null; do sleep 0.1; done

now() { date +%s%N; }
time_one() { # NAME COMMAND...: appends one wall time (ns) to $out/NAME
	name=$1
	shift
	t0=$(now)
	"$@" > /dev/null
	echo $(($(now) - t0)) >> "$out/$name"
}
median() { sort -n "$out/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

i=0
while [ $i -lt "$runs" ]; do
	time_one scan "$out/peers" scan $pid
	time_one pages "$memscope" pages $pid
	time_one pages_pread "$memscope" pages --pread $pid
	time_one pread "$out/peers" pread $pid
	[ $i -lt 3 ] && time_one pread8 "$out/peers" pread8 $pid
	[ "$(id -u)" -eq 0 ] && time_one exact "$memscope" pages --exact $pid
	i=$((i + 1))
done
base=$(median scan)
echo "$reserved GiB reserved, $touched GiB touched ($("$out/peers" scan $pid) pages present); median of $runs runs"
printf '%-40s %10s %8s\n' command ms "× scan"
for name in scan pages pages_pread exact pread pread8; do
	[ -f "$out/$name" ] || continue
	case $name in
	scan) label="bare PAGEMAP_SCAN loop" ;;
	pages) label="memscope pages PID" ;;
	pages_pread) label="memscope pages --pread PID" ;;
	exact) label="memscope pages --exact PID (root)" ;;
	pread) label="pread, 1 MiB chunks" ;;
	pread8) label="pread, 8 bytes a page" ;;
	esac
	awk -v l="$label" -v m="$(median $name)" -v b="$base" \
		'BEGIN { printf "%-40s %10.1f %8.2f\n", l, m / 1e6, m / b }'
done
