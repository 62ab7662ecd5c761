#!/bin/sh
# Times "memscope maps", "summary" and "snap" of a process with many regions
# against the kernel's own cost (cat of its smaps) and pmap -X, side by side
# in one run.
#
#   bench/maps.sh [REGIONS [RUNS]]      (defaults: 50000 regions, 21 runs)
#
# Run from a built tree (after "make check").  The commands take turns, so
# a change in the machine's load touches all of them alike; each figure is
# the median of RUNS wall-clock times.  Each command's peak resident memory
# is measured once more, on its own (bench/peak.c).
set -eu
regions=${1:-50000} runs=${2:-21}
. "$(dirname "$0")/lib.sh"
allow_maps "$regions"
start_helper "$build/tests/helpers/regions" "$regions"

i=0
while [ $i -lt "$runs" ]; do
	time_one cat cat /proc/$pid/smaps
	time_one memscope "$memscope" maps $pid
	time_one summary "$memscope" summary $pid
	time_one snap "$memscope" snap $pid
	command -v pmap > /dev/null && time_one pmap pmap -X $pid
	i=$((i + 1))
done
for c in maps summary snap; do peak $c "$memscope" $c $pid; done
peak cat cat /proc/$pid/smaps
command -v pmap > /dev/null && peak pmap pmap -X $pid
mv "$out/maps.peak" "$out/memscope.peak"
base=$(median cat)
load
echo "process with $(wc -l < /proc/$pid/maps) regions, $(wc -c < /proc/$pid/smaps) bytes of smaps; median of $runs runs"
printf '%-40s %10s %8s %10s\n' command ms "× cat" "peak MiB"
row "cat /proc/PID/smaps" cat "$base"
row "memscope maps PID" memscope "$base"
row "memscope summary PID" summary "$base"
row "memscope snap PID" snap "$base"
row "pmap -X PID" pmap "$base"
