#!/bin/sh
# What "memscope run" costs the command it runs, side by side in one run:
# the command alone, under /usr/bin/time -v (the kernel's max Rss, no
# sampling), and under memscope run (samples every 100 ms, before every
# call that gives memory back, and at exit).
#
#   bench/run.sh [CHURN [RUNS]]     (1000 cycles of mmap, write 1 MiB, munmap; 11 runs)
#
# churn is the worst case: each of its munmap calls stops it for a sample.
# "true" shows the fixed cost of starting, tracing and reporting.
set -eu
churn=${1:-1000} runs=${2:-11}
. "$(dirname "$0")/lib.sh"
${CC:-cc} -O2 -o "$out/churn" "$top/bench/churn.c"
timev=$(command -v /usr/bin/time || true)

i=0
while [ $i -lt "$runs" ]; do
	time_one bare "$out/churn" "$churn"
	[ -n "$timev" ] && time_one timev "$timev" -v "$out/churn" "$churn" 2> /dev/null
	time_one run "$memscope" run -- "$out/churn" "$churn" 2> /dev/null
	time_one true_bare true
	time_one true_run "$memscope" run -- true 2> /dev/null
	i=$((i + 1))
done
base=$(median bare)
load
echo "churn $churn (mmap, write 1 MiB, munmap, $churn times); median of $runs runs"
printf '%-40s %10s %8s\n' command ms "× alone"
row "churn alone" bare "$base"
row "/usr/bin/time -v churn" timev "$base"
row "memscope run -- churn" run "$base"
base=$(median true_bare)
printf '%-40s %10s %8s\n' command ms "× alone"
row "true alone" true_bare "$base"
row "memscope run -- true" true_run "$base"
