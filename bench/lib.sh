# bench/lib.sh - sourced by the benchmarks: the built memscope, a helper
# process kept alive on a pipe, and wall-clock timing by medians.

# Run from the build tree (the source tree, or a separate build folder).
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(pwd)
[ -x "$build/memscope" ] || build=$top
memscope=$build/memscope
# the real binary behind libtool's wrapper, so start-up is not the wrapper's
[ -x "$build/.libs/memscope" ] && memscope=$build/.libs/memscope &&
	export LD_LIBRARY_PATH="$build/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
out=$(mktemp -d)
map_count_was=
trap 'exec 3>&-; rm -rf "$out"; [ -z "$map_count_was" ] ||
	echo "$map_count_was" > /proc/sys/vm/max_map_count' EXIT

# allow_maps N: a process may have N mappings and some to spare; as root
# vm.max_map_count is raised for the benchmark and put back after it.
allow_maps() {
	limit=$(cat /proc/sys/vm/max_map_count)
	[ "$limit" -ge $(($1 + 1000)) ] && return 0
	if [ "$(id -u)" -eq 0 ] && echo $(($1 + 1000)) > /proc/sys/vm/max_map_count 2> /dev/null; then
		map_count_was=$limit
		echo "(vm.max_map_count raised from $limit to $(($1 + 1000)) for the run)"
	fi
}

# start_helper PROGRAM ARGS...: runs it until the benchmark ends; sets $pid
# once it has printed "ready".
start_helper() {
	[ -x "$1" ] || { echo "bench: build first (make check)" >&2; exit 2; }
	mkfifo "$out/in"
	"$@" < "$out/in" > "$out/ready" &
	pid=$!
	exec 3> "$out/in"
	while ! grep -q ready "$out/ready" 2> /dev/null; do
		kill -0 $pid 2> /dev/null || {
			echo "bench: '$1' ended before it was ready (more regions than" \
				"vm.max_map_count, $(cat /proc/sys/vm/max_map_count), allows?)" >&2
			exit 1
		}
		sleep 0.1
	done
}

now() { date +%s%N; }

# time_one NAME COMMAND...: appends one wall time (ns) to $out/NAME
time_one() {
	name=$1
	shift
	t0=$(now)
	"$@" > /dev/null
	echo $(($(now) - t0)) >> "$out/$name"
}

# peak NAME COMMAND...: the command's peak resident memory (KiB) into
# $out/NAME.peak, measured once (bench/peak.c, built on first use)
peak() {
	[ -x "$out/peak" ] || ${CC:-cc} -O2 -o "$out/peak" "$top/bench/peak.c"
	name=$1
	shift
	"$out/peak" "$@" > "$out/$name.peak"
}

median() { sort -n "$out/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# row LABEL NAME BASE: one line of the table, the median and its ratio, and
# the peak memory where peak measured it
row() {
	[ -f "$out/$2" ] || return 0
	kib=$(cat "$out/$2.peak" 2> /dev/null || echo -)
	awk -v l="$1" -v m="$(median "$2")" -v b="$3" -v k="$kib" \
		'BEGIN { printf "%-40s %10.1f %8.2f %10s\n", l, m / 1e6, m / b,
			 k == "-" ? "-" : sprintf("%.1f", k / 1024) }'
}

# load: the machine's load averages and cores, for the figures' record
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"; }
