#!/bin/sh
# Times one scrape of memscope-exporter with N sleeping processes running
# against the floor (bench/psfloor.c: exactly the /proc files of every
# process that the collection reads, read and nothing else) and Debian's
# prometheus-process-exporter with smaps gathering on, side by side in one
# run; compares their "resident" figures for the sleepers; then scrapes
# memscope-exporter SCRAPES times and prints its resident memory as it goes.
#
#   bench/exporter.sh [PROCESSES [RUNS [SCRAPES [SECONDS]]]]
#       (defaults: 500 sleepers, 21 runs, 10000 scrapes, the soak given up
#        after 1800 seconds)
#
# Run from a built tree.  Every exporter collects anew on each scrape
# (memscope-exporter with --scrape.cache-ttl 0; process-exporter has no
# cache) and groups every process by its name; the sleepers are sleep
# started through a link named bench-sleep, so their group holds them alone.
# A scrape is timed by curl's time_total (from the request to the last byte,
# without curl's own start), asked with Accept-Encoding: gzip as Prometheus
# asks; the floor is timed as started and waited for, less what starting
# true takes.  Each figure is the median of RUNS.  The CPU time of a scrape
# is told beside its wall time: with many processes memscope-exporter reads
# them in two threads, the floor in one.
#
# Where unshare may (as root), it all runs in a PID namespace of its own,
# with a /proc of its own: "every process" is then the sleepers, the
# exporters and the floor, and another process mapping gigabytes elsewhere
# on the machine (whose smaps_rollup alone can take longer than 500
# sleepers') weighs on no figure.  BENCH_HOST=1 reads the whole machine.
set -eu
procs=${1:-500} runs=${2:-21} scrapes=${3:-10000} limit=${4:-1800}
if [ -z "${BENCH_NS:-}" ] && [ "${BENCH_HOST:-}" != 1 ] && command -v unshare > /dev/null &&
	unshare --pid --fork --mount-proc --kill-child true 2> /dev/null; then
	export BENCH_NS=1
	exec unshare --pid --fork --mount-proc --kill-child sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
exporter=$build/memscope-exporter
# the real binary, not libtool's wrapper, so that its RSS is the exporter's
[ -x "$build/.libs/memscope-exporter" ] && exporter=$build/.libs/memscope-exporter &&
	export LD_LIBRARY_PATH="$build/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
[ -x "$exporter" ] || { echo "bench: build memscope-exporter first" >&2; exit 2; }
command -v curl > /dev/null || { echo "bench: needs curl" >&2; exit 2; }
pe=$(command -v prometheus-process-exporter || true)

kids=
trap 'exec 3>&-; [ -z "$kids" ] || kill $kids 2> /dev/null; rm -rf "$out"' EXIT
trap 'exit 130' HUP INT TERM

${CC:-cc} -O2 -o "$out/psfloor" "$top/bench/psfloor.c"
load

# the sleepers, bounded in time should this script be killed outright
ln -s "$(command -v sleep)" "$out/bench-sleep"
i=0
while [ $i -lt "$procs" ]; do
	"$out/bench-sleep" $((limit + 900)) &
	kids="$kids $!"
	i=$((i + 1))
done
i=0
until [ "$(pgrep -c -x -P $$ bench-sleep || true)" -ge "$procs" ]; do
	[ $i -lt 300 ] || { echo "bench: the sleepers did not start" >&2; exit 1; }
	sleep 0.1
	i=$((i + 1))
done

# start NAME SED-SCRIPT COMMAND...: runs it until the benchmark ends; its
# base URL, which the sed script finds in its standard error, in $url
start() {
	name=$1 find=$2
	shift 2
	"$@" 2> "$out/$name.err" > /dev/null &
	kids="$kids $!"
	eval "${name}_pid=$!"
	i=0
	until url=$(sed -n "$find" "$out/$name.err" | head -n 1) && [ -n "$url" ]; do
		[ $i -lt 300 ] || { echo "bench: $name did not start:" >&2; cat "$out/$name.err" >&2; exit 1; }
		sleep 0.1
		i=$((i + 1))
	done
	eval "${name}_url=\$url"
}
ms_find='s/.*listening on \(http:\/\/[^ ]*\)$/\1/p'
pe_find='s/.*msg="Listening on" address=\([^ ]*\).*/http:\/\/\1/p'
start ms "$ms_find" "$exporter" --web.listen-address 127.0.0.1:0 --scrape.cache-ttl 0
start msp "$ms_find" "$exporter" --web.listen-address 127.0.0.1:0 --scrape.cache-ttl 0 \
	--no-collector.kernel
if [ -n "$pe" ]; then
	printf 'process_names:\n  - name: "{{.Comm}}"\n    cmdline: [".+"]\n' > "$out/pe.yml"
	start pe "$pe_find" "$pe" -web.listen-address 127.0.0.1:0 -config.path "$out/pe.yml" \
		-gather-smaps=true -threads=false
	start ped "$pe_find" "$pe" -web.listen-address 127.0.0.1:0 -config.path "$out/pe.yml" \
		-gather-smaps=true
fi

# scrape NAME URL: appends the time of one GET of URL (ns) to $out/NAME
scrape() {
	r=$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{http_code} %{time_total}' \
		--max-time 120 "$2") || true
	case $r in
	200\ *) echo "${r#* }" | awk '{ printf "%.0f\n", $1 * 1e9 }' >> "$out/$1" ;;
	*) echo "bench: $2 answered '$r'" >&2; exit 1 ;;
	esac
}
# one untimed scrape each: process-exporter finds its groups on its first
scrape warm "$ms_url/metrics"
scrape warm "$msp_url/metrics"
[ -z "$pe" ] || { scrape warm "$pe_url/metrics"; scrape warm "$ped_url/metrics"; }
# ticks PID: the CPU time its threads, living and gone, have taken
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
exporters="ms msp ${pe:+pe ped}"
for n in $exporters; do
	eval "ticks \$${n}_pid" > "$out/$n.cpu"
done

i=0
while [ $i -lt "$runs" ]; do
	time_one floor "$out/psfloor"
	scrape ms "$ms_url/metrics"
	scrape msp "$msp_url/metrics"
	[ -z "$pe" ] || { scrape pe "$pe_url/metrics"; scrape ped "$ped_url/metrics"; }
	scrape http "$ms_url/-/healthy"
	time_one exec true
	i=$((i + 1))
done

# each exporter's CPU time per scrape (ms) and its resident memory now
# (KiB); the floor's CPU time per run, RUNS more runs in a subshell whose
# children they alone are, and its peak resident memory
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
for n in $exporters; do
	eval "pid=\$${n}_pid"
	t=$(($(ticks "$pid") - $(cat "$out/$n.cpu")))
	awk -v t=$t -v hz="$hz" -v r="$runs" 'BEGIN { print t * 1000 / hz / r }' > "$out/$n.cpu"
	rss "$pid" > "$out/$n.peak"
done
(
	i=0
	while [ $i -lt "$runs" ]; do
		"$out/psfloor" > /dev/null
		i=$((i + 1))
	done
	times
) | awk -v r="$runs" 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
	print ((u[1] + s[1]) * 60 + u[2] + s[2]) * 1000 / r }' > "$out/net.cpu"
peak net "$out/psfloor"

# the floor less starting a program, as curl's start is not in the scrapes
awk -v e="$(median exec)" '{ print $1 - e }' "$out/floor" > "$out/net"
base=$(median net) cbase=$(cat "$out/net.cpu")
# line LABEL NAME: a row of the table
line() {
	[ -f "$out/$2" ] || return 0
	awk -v l="$1" -v m="$(median "$2")" -v b="$base" -v c="$(cat "$out/$2.cpu")" \
		-v cb="$cbase" -v k="$(cat "$out/$2.peak")" 'BEGIN {
		printf "%-40s %8.1f %8.2f %8.1f %8.2f %8.1f\n", l, m / 1e6, m / b, c, c / cb, k / 1024 }'
}
load
if [ -n "${BENCH_NS:-}" ]; then
	where="in a PID namespace of their own"
else
	where="the machine's; the largest: $(ps -eo rss=,comm= --sort=-rss | awk 'NR == 1 {
		printf "%s, %.0f MiB resident", $2, $1 / 1024 }')"
fi
echo "$("$out/psfloor") processes ($procs of them bench-sleep), $where; median of $runs runs"
printf '%-40s %8s %8s %8s %8s %8s\n' "one scrape" ms "× floor" "CPU ms" "× floor" "RSS MiB"
line "the floor (the same reads, nothing else)" net
line "memscope-exporter" ms
line "memscope-exporter --no-collector.kernel" msp
line "process-exporter -threads=false" pe
line "process-exporter (and per thread name)" ped
awk -v h="$(median http)" -v e="$(median exec)" 'BEGIN {
	printf "(starting a program, %.2f ms for true, taken off the floor; an HTTP round trip,\n", e / 1e6
	printf "%.2f ms for curl'\''s GET of /-/healthy, not taken off the scrapes)\n", h / 1e6 }'
[ -z "$pe" ] || echo "process-exporter: $("$pe" -version 2>&1 | head -n 1)"

# what each calls the sleepers' memory
curl -s -o "$out/ms.txt" "$ms_url/metrics"
[ -z "$pe" ] || curl -s -o "$out/pe.txt" "$pe_url/metrics"
ms_val() { awk -v m="memscope_group_$1" '$1 == m "{group=\"bench-sleep\"}" { print $2 }' "$out/ms.txt"; }
# pe_val METRIC [MEMTYPE]
pe_val() {
	awk -v m="namedprocess_namegroup_$1" -v t="${2:-}" 'index($1, m "{") == 1 &&
		index($1, "groupname=\"bench-sleep\"") && (t == "" || index($1, "memtype=\"" t "\"")) {
		print $2 + 0 }' "$out/pe.txt"
}
mib() { awk -v v="${1:-}" 'BEGIN { if (v == "") print "-"; else printf "%.1f\n", v / 1048576 }'; }
printf '%-28s %10s %10s %10s %10s\n' "the bench-sleep group, MiB" resident proportional unique processes
printf '%-28s %10s %10s %10s %10s\n' memscope-exporter "$(mib "$(ms_val resident_bytes)")" \
	"$(mib "$(ms_val proportional_bytes)")" "$(mib "$(ms_val unique_bytes)")" "$(ms_val processes)"
[ -z "$pe" ] || printf '%-28s %10s %10s %10s %10s\n' process-exporter "$(mib "$(pe_val memory_bytes resident)")" \
	"$(mib "$(pe_val memory_bytes proportionalResident)")" - "$(pe_val num_procs)"

# the soak: SCRAPES scrapes of memscope-exporter, 100 to a curl (one
# connection kept alive), its resident memory after each thousand
echo "soak: $scrapes scrapes of memscope-exporter (--scrape.cache-ttl 0), one after another"
printf '%8s %10s %8s\n' scrapes "RSS MiB" seconds
t0=$(date +%s) count=0
at() { printf '%8d %10s %8d\n' $count "$(mib $(($(rss "$ms_pid") * 1024)))" $(($(date +%s) - t0)); }
at
first=
while [ $count -lt "$scrapes" ]; do
	n=$((scrapes - count))
	[ $n -le 100 ] || n=100
	ok=$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{http_code}\n' --max-time 120 \
		"$ms_url/metrics?[1-$n]" | grep -c '^200$' || true)
	[ "$ok" -eq $n ] || { echo "bench: $ok of $n scrapes answered 200" >&2; break; }
	count=$((count + n))
	[ $((count % 1000)) -ne 0 ] || { at; [ -n "$first" ] || first=$(rss "$ms_pid"); }
	[ $(($(date +%s) - t0)) -lt "$limit" ] || { echo "(given up after $limit seconds)"; break; }
done
[ $((count % 1000)) -eq 0 ] || at
secs=$(($(date +%s) - t0))
awk -v d=$count -v s=$secs -v r="$(rss "$ms_pid")" -v h="$(hwm "$ms_pid")" -v f="${first:-}" 'BEGIN {
	printf "after %d scrapes (%.1f ms each): RSS %.1f MiB, peak %.1f MiB", d,
		s * 1000 / (d ? d : 1), r / 1024, h / 1024
	if (f != "")
		printf ", %+.0f KiB since the 1000th", r - f
	printf "\n" }'
load
