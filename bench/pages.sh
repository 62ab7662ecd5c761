#!/bin/sh
# Times "memscope pages" of a 64 GiB sparse reservation with 1 GiB touched,
# whole process, against the bare ways of reading pagemap, side by side in
# one run: a PAGEMAP_SCAN loop, pread in 1 MiB chunks, pread 8 bytes a page.
#
#   bench/pages.sh [RESERVED_GIB [TOUCHED_GIB [RUNS]]]   (64, 1, 11)
#
# Run from a built tree (after "make check").  Each figure is the median of
# RUNS wall-clock times; 8-byte pread runs three times only (it takes
# seconds).
set -eu
reserved=${1:-64} touched=${2:-1} runs=${3:-11}
. "$(dirname "$0")/lib.sh"
${CC:-cc} -O2 -o "$out/peers" "$top/bench/pagemap-peers.c"
start_helper "$build/tests/helpers/sparse" "$reserved" "$touched"

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
load
echo "$reserved GiB reserved, $touched GiB touched ($("$out/peers" scan $pid) pages present); median of $runs runs"
printf '%-40s %10s %8s\n' command ms "× scan"
row "bare PAGEMAP_SCAN loop" scan "$base"
row "memscope pages PID" pages "$base"
row "memscope pages --pread PID" pages_pread "$base"
row "memscope pages --exact PID (root)" exact "$base"
row "pread, 1 MiB chunks" pread "$base"
row "pread, 8 bytes a page" pread8 "$base"
