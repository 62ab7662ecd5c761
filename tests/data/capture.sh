#!/bin/sh
# Saves what libmemscope reads of a live process as a fixture tree:
#   capture.sh PID DEST NEWPID [FROM=TO ...]
# DEST/NEWPID/ gets maps, smaps, smaps_rollup, stat, status, cmdline, the
# syscall file of each thread, exe (a file holding the path), and root/ with
# the first 64 bytes of every mapped file (enough for the ELF check).  FROM=TO
# pairs rewrite paths, so a fixture names no build machine's folders.  DEST/stat and
# DEST/sys/kernel/osrelease come from this machine.
set -eu
pid=$1 dest=$2 new=$3
shift 3
sub=""
for pair in "$@"; do
	sub="$sub -e s|${pair%%=*}|${pair#*=}|g"
done
fix() { if [ -n "$sub" ]; then sed $sub; else cat; fi; }
out=$dest/$new
mkdir -p "$out/task" "$out/root" "$dest/sys/kernel"
grep btime /proc/stat > "$dest/stat"
cat /proc/sys/kernel/osrelease > "$dest/sys/kernel/osrelease"
for f in maps smaps smaps_rollup status; do fix < /proc/$pid/$f > "$out/$f"; done
sed "s/^$pid /$new /" /proc/$pid/stat > "$out/stat"
fix < /proc/$pid/cmdline > "$out/cmdline"
readlink /proc/$pid/exe | fix > "$out/exe"   # a file: tar would drop the link
for t in /proc/$pid/task/*; do
	tid=${t##*/}
	[ "$tid" = "$pid" ] && tid=$new
	mkdir -p "$out/task/$tid"
	cat "$t/syscall" > "$out/task/$tid/syscall"
done
awk '$6 ~ /^\// && $5 != 0 { print $6 }' /proc/$pid/maps | sort -u |
while read -r path; do
	[ -f "$path" ] || continue
	stub=$out/root$(printf '%s\n' "$path" | fix)
	mkdir -p "${stub%/*}"
	head -c 64 "$path" > "$stub"
done
