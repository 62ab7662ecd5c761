#!/bin/sh
# Times "memscope kernel" against the floor: one cat of the files it reads
# (meminfo, buddyinfo, zoneinfo, slabinfo, vmallocinfo), which is the
# kernel's own cost of writing them plus one process started, as memscope
# is one process; free -b and slabtop -o (procps) beside them when there.
# The commands take turns within each round, so drift hits all alike.
#
#   bench/kernel.sh [RUNS]      (default: 21 runs; as root: slabinfo and
#                                vmallocinfo are root's alone)
#
# Run from a built tree.  Each figure is the median of RUNS wall-clock times.
set -eu
runs=${1:-21}
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "bench/kernel.sh: run as root (slabinfo and vmallocinfo)" >&2; exit 1; }
files="/proc/meminfo /proc/buddyinfo /proc/zoneinfo /proc/slabinfo /proc/vmallocinfo"

i=0
while [ $i -lt "$runs" ]; do
	# shellcheck disable=SC2086
	time_one floor cat $files
	time_one memscope "$memscope" kernel
	time_one json "$memscope" kernel --json
	command -v free > /dev/null && time_one free free -b
	command -v slabtop > /dev/null && time_one slabtop slabtop -o
	i=$((i + 1))
done
base=$(median floor)
load
echo "$(wc -l < /proc/vmallocinfo) vmalloc areas, $(($(wc -l < /proc/slabinfo) - 2)) slab caches;" \
	"median of $runs runs"
printf '%-40s %10s %8s %10s\n' command ms "× floor" ""
row "cat of the five files (the floor)" floor "$base"
row "memscope kernel" memscope "$base"
row "memscope kernel --json" json "$base"
row "free -b (meminfo alone)" free "$base"
row "slabtop -o (slabinfo alone)" slabtop "$base"
