#!/bin/sh
# Times "memscope ps" with about N processes running (a helper and its
# children, each with memory of its own) against the floor (bench/psfloor.c:
# exactly the /proc files memscope ps reads, read and nothing else), ps -eo
# pid,rss,comm (no USS nor PSS) and smem -t, side by side in one run.
#
#   bench/ps.sh [PROCESSES [RUNS]]      (defaults: 1000 processes, 21 runs)
#
# Run from a built tree.  Each figure is the median of RUNS wall-clock times
# (smem, which takes a second or more, runs a third as often).
set -eu
procs=${1:-1000} runs=${2:-21}
. "$(dirname "$0")/lib.sh"
${CC:-cc} -O2 -o "$out/many" "$top/bench/many.c"
${CC:-cc} -O2 -o "$out/psfloor" "$top/bench/psfloor.c"
start_helper "$out/many" "$procs" 256

i=0
while [ $i -lt "$runs" ]; do
	time_one floor "$out/psfloor"
	time_one memscope "$memscope" ps
	time_one json "$memscope" ps --json
	time_one ps ps -eo pid,rss,comm
	command -v smem > /dev/null && [ $((i % 3)) -eq 0 ] && time_one smem smem -t
	i=$((i + 1))
done
base=$(median floor)
load
echo "$("$out/psfloor") processes; median of $runs runs"
printf '%-40s %10s %8s %10s\n' command ms "× floor" ""
row "the floor (the same reads, nothing else)" floor "$base"
row "memscope ps" memscope "$base"
row "memscope ps --json" json "$base"
row "ps -eo pid,rss,comm" ps "$base"
row "smem -t" smem "$base"
[ -f "$out/smem" ] && awk -v s="$(median smem)" -v m="$(median memscope)" \
	'BEGIN { printf "smem -t takes %.1f times as long as memscope ps\n", s / m }'
