#!/bin/sh
# Times "memscope maps" of a process with many regions against the kernel's
# own cost (cat of its smaps) and pmap -X, side by side in one run.
#
#   bench/maps.sh [REGIONS [RUNS]]      (defaults: 50000 regions, 21 runs)
#
# Run from a built tree (after "make check" or "make tests/helpers/regions").
# The commands take turns, so a change in the machine's load touches all of
# them alike; each figure is the median of RUNS wall-clock times.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
regions=${1:-50000} runs=${2:-21}
memscope=$top/tools/memscope
helper=$top/tests/helpers/regions
[ -x "$helper" ] || { echo "bench: build first (make tests/helpers/regions)" >&2; exit 2; }
# the real binary behind libtool's wrapper, so start-up is not the wrapper's
[ -x "$top/tools/.libs/memscope" ] && memscope=$top/tools/.libs/memscope &&
	export LD_LIBRARY_PATH="$top/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

out=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$out"' EXIT
mkfifo "$out/in"
"$helper" "$regions" < "$out/in" > "$out/ready" &
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
	time_one cat cat /proc/$pid/smaps
	time_one memscope "$memscope" maps $pid
	command -v pmap > /dev/null && time_one pmap pmap -X $pid
	i=$((i + 1))
done
base=$(median cat)
echo "process with $(wc -l < /proc/$pid/maps) regions, $(wc -c < /proc/$pid/smaps) bytes of smaps; median of $runs runs"
printf '%-32s %10s %8s\n' command ms "× cat"
for name in cat memscope pmap; do
	[ -f "$out/$name" ] || continue
	m=$(median $name)
	case $name in
	cat) label="cat /proc/PID/smaps" ;;
	memscope) label="memscope maps PID" ;;
	pmap) label="pmap -X PID" ;;
	esac
	awk -v l="$label" -v m="$m" -v b="$base" \
		'BEGIN { printf "%-32s %10.1f %8.2f\n", l, m / 1e6, m / b }'
done
