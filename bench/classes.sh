#!/bin/sh
# Times "memscope summary --fast" (maps and one PAGEMAP_SCAN walk: Rss and
# Swap per region and class, under the smaps floor) of a process with many
# regions against the kernel's own cost of smaps (cat), of maps alone, and
# the full "memscope summary", side by side in one run.
#
#   bench/classes.sh [REGIONS [RUNS]]   (defaults: 50000 regions, 21 runs)
#
# Run from a built tree (after "make check").  Each figure is the median of
# RUNS wall-clock times.
set -eu
regions=${1:-50000} runs=${2:-21}
. "$(dirname "$0")/lib.sh"
allow_maps "$regions"
start_helper "$build/tests/helpers/regions" "$regions"

i=0
while [ $i -lt "$runs" ]; do
	time_one cat cat /proc/$pid/smaps
	time_one maps cat /proc/$pid/maps
	time_one fast "$memscope" summary --fast $pid
	time_one summary "$memscope" summary $pid
	i=$((i + 1))
done
base=$(median cat)
load
echo "process with $(wc -l < /proc/$pid/maps) regions; median of $runs runs"
printf '%-40s %10s %8s\n' command ms "× cat"
row "cat /proc/PID/smaps" cat "$base"
row "cat /proc/PID/maps" maps "$base"
row "memscope summary --fast PID" fast "$base"
row "memscope summary PID" summary "$base"
