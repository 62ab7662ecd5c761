#!/bin/sh
# What tests/exit-race.sh leaves out: a read is of one process, whole, or
# an error (exit 1, saying why); never two processes mixed, never a crash.
#
# - A recycled PID.  In a PID namespace of its own (unshare; as another
#   user than root, in a user namespace too), tests/helpers/recycle puts
#   a process at one PID and, on a word, kills it and puts another there,
#   of another layout (8000 regions of private memory, 2000 of shared);
#   each writes its maps down once it is ready.  A read of maps, snap,
#   summary or pages that has the process open when it is replaced shows
#   exactly the regions of one of the two (snap: with that one's comm and
#   argv) or exits 1; ps --classes and ps --objects never give the row of
#   one the classes or the files of the other; watch ends when its process
#   exits and never goes on with the next one at its PID.
# - A vfork child, read while it shares its parent's memory, that execs
#   at a moment drawn around the read: the read is of the parent's memory
#   (its regions, its argv, its pages in RAM) or of the new program's, or
#   exit 1.
# - A process that maps and unmaps without pause, one whose threads start
#   and end without pause (the thread-stack search reads each thread),
#   and processes that start and exit by the hundred (tests/helpers/stir):
#   snap, summary, maps and ps print documents and tables that hold
#   together (regions ascending and apart; totals the sums of the regions,
#   of the classes, of the rows; numbers where the doc says numbers) and
#   exit 0, or 1 saying why, never 2 and never a crash.
#
# Delays are drawn around how long a read takes here, never asserted.
# MEMSCOPE_RACE_ROUNDS (60; the sanitizer pass 20, valgrind 4) sets the
# rounds: a quarter of it and one per command of each part.

# ---- inside the PID namespace (the test runs itself there): says "ok
# WHAT", "fail WHAT", "skip WHY" and "# ..." lines, which the test counts
if [ "${1:-}" = --in-namespace ]; then
	set -u
	NS=$2 R=$3 NA=8000 NB=2000
	cd "$NS" || exit 1
	X=$(($(cat /proc/sys/kernel/pid_max) / 2 + 1000)) # far above what forks here reach
	mkfifo in
	"$HELPERS/recycle" $X "$NS" $NA $NB < in > out 2> err &
	controller=$!
	exec 3> in
	until grep -q '^ready$' out 2> /dev/null; do
		kill -0 $controller 2> /dev/null ||
			{ echo "skip a recycled PID: $(cat out err | head -n 1)"; exit 0; }
		sleep 0.01
	done
	cur=a serial=1 lines=2

	# swap: the process at X killed, one of the other layout put there;
	# its serial in $serial, the one before in $old
	swap() {
		old=$serial
		if [ $cur = a ]; then cur=b; else cur=a; fi
		echo $cur >&3
		lines=$((lines + 1))
		i=0
		while [ "$(wc -l < out)" -lt $lines ]; do
			[ $i -lt 3000 ] && kill -0 $controller 2> /dev/null ||
				{ echo "fail the recycle helper stopped: $(cat err)"; exit 1; }
			sleep 0.01
			i=$((i + 1))
		done
		serial=$(tail -n 1 out | cut -d' ' -f4)
	}
	# layout SERIAL: a or b
	layout() { sed -n "s/^at [0-9]* \\([ab]\\) $1\$/\\1/p" out; }
	# ranges CMD: the regions memscope CMD printed (o.CMD) as the helper
	# wrote them down: START-END, hex without 0x or leading zeros
	ranges() {
		case $1 in
		maps) awk 'NR > 1 && $1 != "total" { print $1 }' o.maps ;;
		pages) awk 'NR > 1 { print $1 }' o.pages ;;
		snap) jq -r '.regions[] | .start + "-" + .end' o.snap 2> /dev/null ;;
		esac | sed 's/0x//g; s/^0*//; s/-0*/-/'
	}
	# whose CMD SERIAL: true when memscope CMD showed process SERIAL whole
	whose() {
		sed 's/^0*//; s/-0*/-/' "$2.maps" > want
		if [ "$1" = summary ]; then
			[ "$(sed -n '1s/.*, \([0-9]*\) regions, .*/\1/p' o.summary)" = "$(wc -l < want)" ]
		else
			ranges "$1" > got && cmp -s got want
		fi
	}
	run() { # run CMD: memscope CMD of X in the background, in $reader
		case $1 in
		maps|pages) "$MEMSCOPE" "$1" --bytes $X > "o.$1" 2> e & ;;
		*) "$MEMSCOPE" "$1" $X > "o.$1" 2> e & ;;
		esac
		reader=$!
	}
	# opened: waits until memscope has the directory of X open (so that
	# what it reads is of the process there now, or of none)
	opened() {
		i=0
		while [ $i -lt 20000 ] && kill -0 $reader 2> /dev/null; do
			for f in /proc/$reader/fd/*; do
				[ "$f" -ef /proc/$X ] && return 0
			done
			i=$((i + 1))
		done
	}
	# draw MS: a delay in seconds, up to 1.2 times MS milliseconds (drawn
	# before memscope starts, so that awk's start does not add to it)
	draw() { awk -v ms="$1" -v s="$r$(date +%N)" 'BEGIN { srand(s); printf "%.4f", rand() * ms * 1.2 / 1000 }'; }

	whole=0 later=0 gone=0 replaced=0 bad=0
	for cmd in maps snap summary pages; do
		# how long a read takes once the process is open
		run $cmd
		opened
		t0=$(date +%s%N)
		wait $reader
		st=$?
		ms=$((($(date +%s%N) - t0) / 1000000 + 1))
		if [ $st -ne 0 ] || ! whose $cmd $serial; then
			bad=$((bad + 1))
			echo "# $cmd of a live process at $X: exit $st, not what it wrote down: $(head -c 300 e)"
		fi
		echo "# $cmd: a read takes $ms ms once the process is open"
		r=0
		while [ $r -lt "$R" ]; do
			d=$(draw $ms)
			run $cmd
			opened
			sleep $d
			swap
			wait $reader
			st=$?
			if [ $st -eq 0 ] && whose $cmd $old; then
				whole=$((whole + 1))
				if [ $cmd = snap ] && ! jq -e --arg w "$(layout $old)" \
					'.comm == "recycle-" + $w and .argv[2] == $w' o.snap > /dev/null; then
					bad=$((bad + 1))
					echo "# snap: the regions of process $old ($(layout $old)), the facts $(jq -c '[.comm, .argv]' o.snap)"
				fi
			elif [ $st -eq 0 ] && whose $cmd $serial; then
				later=$((later + 1))
			elif [ $st -eq 1 ] && grep -Eq "exited while it was read\$|no such process\$|its pid now names another\$" e; then
				gone=$((gone + 1))
			elif [ $st -eq 1 ] && grep -q "replaced by exec while it was read\$" e; then
				replaced=$((replaced + 1))
			else
				bad=$((bad + 1))
				echo "# $cmd: exit $st, $(ranges $cmd | wc -l) regions; the processes had $(wc -l < $old.maps) and $(wc -l < $serial.maps): $(head -c 300 e)"
			fi
			# what a failed read printed is never whole
			if [ $st -ne 0 ] && [ -s o.$cmd ] && { [ $cmd = summary ] ||
				{ [ $cmd = maps ] && grep -q '^total ' o.maps; } ||
				{ [ $cmd = snap ] && jq -e . o.snap > /dev/null 2>&1; }; }; then
				bad=$((bad + 1))
				echo "# $cmd: exit $st, yet its output is whole"
			fi
			rm -f $old.maps
			r=$((r + 1))
		done
	done
	echo "# recycled PID: $whole reads whole of the process first there, $later of the next, $gone cut (it exited), $replaced said 'replaced by exec', $bad wrong"
	if [ $bad -eq 0 ]; then echo "ok maps, snap, summary, pages of a PID recycled during the read: one process whole, or exit 1"
	else echo "fail $bad reads of a recycled PID mixed two processes or said the wrong thing"; fi
	if [ $gone -gt 0 ] || [ "$R" -lt 5 ]; then echo "ok reads were cut by the exit ($gone)"
	else echo "fail no read was cut: the delays missed the reads"; fi

	# ps: the classes and the files of a row are of the row's process.  a
	# writes private memory (32 MiB) and b shared memory, at every stage of
	# their start: a's classes have no anon-shared, b's little anon (under
	# 4 MiB: a sanitizer's runtime takes 2 MiB of it)
	t0=$(date +%s%N)
	"$MEMSCOPE" ps --json --classes rss > ps.json 2> e
	ms=$((($(date +%s%N) - t0) / 1000000 + 1))
	psbad=0 rows=0 r=0
	while [ $r -lt "$R" ]; do
		if [ $((r % 2)) -eq 0 ]; then flag=--classes; else flag=--objects; fi
		d=$(draw $ms)
		if [ $flag = --classes ]; then "$MEMSCOPE" ps --json --classes rss > ps.json 2> e &
		else "$MEMSCOPE" ps --json --objects > ps.json 2> e & fi
		reader=$!
		sleep $d
		swap
		wait $reader
		st=$?
		row=$(jq -c ".processes[] | select(.pid == $X) | {cmdline, rss, classes}" ps.json 2> /dev/null)
		w=$(echo "$row" | jq -r '.cmdline | split(" ")[2] // ""' 2> /dev/null)
		[ -n "$row" ] && rows=$((rows + 1))
		if [ $st -ne 0 ]; then
			psbad=$((psbad + 1))
			echo "# ps $flag: exit $st: $(head -c 300 e)"
		elif [ $flag = --classes ] && [ -n "$row" ] && ! echo "$row" | jq -e --arg w "$w" \
			'.classes == null or if $w == "a" then .classes["anon-shared"].rss == 0
				elif $w == "b" then .classes.anon.rss < 4194304 else true end' > /dev/null; then
			psbad=$((psbad + 1))
			echo "# ps --classes: the row of process '$w' has the classes of another: $row"
		elif [ $flag = --objects ]; then
			for f in a b; do
				if jq -e --arg p "$NS/$f.map" 'any(.objects[]; .path == $p)' ps.json > /dev/null &&
					! jq -e --arg f $f ".processes | any(.pid == $X and (.cmdline | split(\" \")[2]) == \$f)" \
						ps.json > /dev/null; then
					psbad=$((psbad + 1))
					echo "# ps --objects: $f.map is counted, but no row is of a process that maps it"
				fi
			done
		fi
		rm -f $old.maps
		r=$((r + 1))
	done
	if [ $psbad -eq 0 ]; then echo "ok ps --classes and --objects while the PID is recycled ($rows rows of it): no row mixes two processes"
	else echo "fail $psbad scans of ps mixed two processes or failed"; fi

	# watch: samples a tenth of a second apart, the process replaced after
	# the first
	count=$(wc -l < $serial.maps)
	"$MEMSCOPE" watch --json --interval 100ms --count 6 $X > w.json 2> e &
	reader=$!
	i=0
	while [ ! -s w.json ] && [ $i -lt 3000 ] && kill -0 $reader 2> /dev/null; do
		sleep 0.01
		i=$((i + 1))
	done
	swap
	wait $reader
	st=$?
	others=$(jq -c "select(.total.count != $count) | .total.count" w.json | wc -l)
	if [ $st -eq 0 ] && [ "$others" -eq 0 ] && [ -s w.json ]; then
		echo "ok watch ends when its process exits, never goes on with the next one at its PID"
	else
		echo "fail watch of a recycled PID: exit $st, $others of $(wc -l < w.json) samples of another process" \
			"(regions: $(jq -c .total.count w.json | tr '\n' ' ')where its process had $count): $(head -c 200 e)"
	fi
	exec 3>&-
	wait $controller
	exit 0
fi

. "$SETUP"
command -v jq > /dev/null || skip_all "needs jq"

rounds=60
[ -n "${MEMSCOPE_VALGRIND:-}" ] && rounds=4
rounds=${MEMSCOPE_RACE_ROUNDS:-$rounds}
R=$((rounds / 4 + 1))

# lines FILE N: waits until FILE has N lines (30 s at most)
lines() {
	i=0
	while [ "$(cat "$1" 2> /dev/null | wc -l)" -lt "$2" ]; do
		[ $i -lt 3000 ] || return 1
		sleep 0.01
		i=$((i + 1))
	done
}

# run_memscope CMD PID: memscope CMD of PID, its output in $TMP/out
run_memscope() {
	case $1 in
	maps|pages) "$MEMSCOPE" "$1" --bytes "$2" > "$TMP/out" 2> "$TMP/err" ;;
	json) "$MEMSCOPE" summary --json "$2" > "$TMP/out" 2> "$TMP/err" ;;
	*) "$MEMSCOPE" "$1" "$2" > "$TMP/out" 2> "$TMP/err" ;;
	esac
}

# regions_in CMD: the regions a whole read's output shows
regions_in() {
	case $1 in
	maps) echo $(($(wc -l < "$TMP/out") - 2)) ;;
	pages) echo $(($(wc -l < "$TMP/out") - 1)) ;;
	summary) sed -n '1s/.*, \([0-9]*\) regions, .*/\1/p' "$TMP/out" ;;
	snap) jq '.regions | length' "$TMP/out" 2> /dev/null || echo -1 ;;
	esac
}

# ---- a recycled PID, in a PID namespace of its own
if [ "$(id -u)" -eq 0 ]; then ns="unshare --pid --fork --mount-proc"
else ns="unshare --user --map-root-user --pid --fork --mount-proc"; fi
if ! command -v unshare > /dev/null || ! $ns true 2> /dev/null; then
	skip "a recycled PID: no PID namespace of our own here ($ns)"
else
	mkdir "$TMP/ns"
	$ns sh "$0" --in-namespace "$TMP/ns" $R > "$TMP/ns.out" 2> "$TMP/ns.err"
	st=$?
	while read -r kind what; do
		case $kind in
		ok) ok "$what" ;;
		fail) fail "$what" ;;
		skip) skip "$what" ;;
		'#') echo "# $what" ;;
		*) fail "the part in the PID namespace said: $kind $what" ;;
		esac
	done < "$TMP/ns.out"
	[ $st -eq 0 ] || fail "the part in the PID namespace exited $st: $(head -c 300 "$TMP/ns.err")"
fi

# ---- a vfork child read while it shares its parent's memory, then execs
N=${MEMSCOPE_TEST_REGIONS:-6000}
[ "$N" -gt 6000 ] && N=6000
mkfifo "$TMP/vin"
"$HELPERS/vforker" "$N" < "$TMP/vin" > "$TMP/vout" &
vforker=$!
exec 4> "$TMP/vin" # it ends, and its children with it, once this closes
lines "$TMP/vout" 1
P=$(wc -l < /proc/$vforker/maps) # the parent's regions
vlines=1
# spawn: a vfork child, in $child, waiting to exec
spawn() {
	echo spawn >&4
	vlines=$((vlines + 1))
	lines "$TMP/vout" $vlines
	child=$(tail -n 1 "$TMP/vout" | sed -n 's/^child //p')
}
# execs: the child execs; waits until it and its parent have said so
execs() {
	echo exec >&4
	vlines=$((vlines + 2))
	lines "$TMP/vout" $vlines
}
spawn
expect 0 "a vfork child that has not exec'd reads" "$MEMSCOPE" snap "$child"
if jq -e --argjson p "$P" --arg n "$N" '(.regions | length) == $p and .argv[1] == $n' "$TMP/out" > /dev/null
then ok "its regions and argv are its parent's, whose memory it shares"
else fail "a vfork child's snap: $(jq -c '[(.regions | length), .argv]' "$TMP/out"), its parent has $P regions"; fi
execs
S=$(wc -l < /proc/$child/maps) # the new program's regions, once started
kill -9 "$child"
# how long memscope takes to start, before it reads anything
t0=$(date +%s%N)
"$MEMSCOPE" --version > /dev/null
start=$((($(date +%s%N) - t0) / 1000000))
vwhole=0 vnew=0 vcut=0 vbad=0
for cmd in maps snap summary pages; do
	spawn
	t0=$(date +%s%N)
	run_memscope $cmd "$child"
	ms=$((($(date +%s%N) - t0) / 1000000 + 1))
	execs
	kill -9 "$child"
	r=0
	while [ $r -lt $R ]; do
		spawn
		# the exec drawn from near the end of memscope's start to past
		# the end of its read
		d=$(awk -v a=$((start * 4 / 5)) -v b=$((ms * 6 / 5)) -v s="$r$(date +%N)" \
			'BEGIN { srand(s); printf "%.4f", (a + rand() * (b - a)) / 1000 }')
		run_memscope $cmd "$child" &
		reader=$!
		sleep $d
		execs
		wait $reader
		st=$?
		got=$(regions_in $cmd)
		argv1=
		[ $cmd = snap ] && argv1=$(jq -r '.argv[1]' "$TMP/out" 2> /dev/null)
		if [ $st -eq 0 ] && [ "$got" = "$P" ]; then
			# the parent's memory: its argv, its pages in RAM
			if [ $cmd = snap ] && [ "$argv1" != "$N" ]; then
				vbad=$((vbad + 1))
				echo "# snap: the parent's $P regions, but the argv of the program exec'd: $argv1"
			elif [ $cmd = pages ] &&
				[ "$(awk -v pg="$PAGE" '$4 == 2 * pg && $5 == pg' "$TMP/out" | wc -l)" -lt $((N - 2)) ]; then
				vbad=$((vbad + 1))
				echo "# pages: the parent's $P regions, without their pages in RAM (the exec'd program's pagemap?)"
			else vwhole=$((vwhole + 1)); fi
		elif [ $st -eq 0 ] && [ "$got" -lt $((P / 2)) ] 2> /dev/null; then
			# the new program, at some stage of its start ($S regions
			# once started)
			if [ $cmd = snap ] && [ "$argv1" != exec ]; then
				vbad=$((vbad + 1))
				echo "# snap: $got regions of the program exec'd, but the argv of its parent: $argv1"
			else vnew=$((vnew + 1)); fi
		elif [ $st -eq 1 ] && grep -Eq 'replaced by exec while it was read$|exited while it was read$' "$TMP/err"; then
			vcut=$((vcut + 1))
		else
			vbad=$((vbad + 1))
			echo "# $cmd of a vfork child: exit $st, $got regions (its parent $P, the new program $S): $(head -c 300 "$TMP/err")"
		fi
		kill -9 "$child"
		r=$((r + 1))
	done
done
echo "# vfork: $vwhole reads of the memory shared with the parent, $vnew of the program exec'd, $vcut exit 1, $vbad wrong"
if [ $vbad -eq 0 ]; then ok "reads of a vfork child that execs meanwhile are of one address space, with its facts"
else fail "$vbad reads of a vfork child that exec'd mixed its parent's memory and the new program's"; fi
exec 4>&-
wait "$vforker"

# ---- processes that change without pause
# snap_holds FILE: a snapshot document whose parts agree (regions
# ascending and apart, totals and classes the sums of the regions), which
# memscope's own reader, checking every count (diff), takes (not under
# valgrind: the reader is not what races here)
snap_holds() {
	jq -e 'def key: [length, .];
		. as $d | (.regions | length) as $n | .regions as $r |
		.totals.count == $n and
		all($r[]; (.start | key) < (.end | key)) and
		all(range(1; $n); ($r[. - 1].end | key) <= ($r[.].start | key)) and
		all("rss", "pss", "uss", "swap"; . as $k | $d.totals[$k] == ([$r[][$k]] | add // 0)) and
		([.classes[].count] | add) == $n and
		all("rss", "pss", "uss", "swap"; . as $k | $d.totals[$k] == ([$d.classes[][$k]] | add // 0))' \
		"$1" > /dev/null && "${MEMSCOPE_BIN:-$MEMSCOPE}" diff "$1" "$1" > /dev/null 2>&1
}
# summary_holds FILE: summary --json, its classes summing to its totals
summary_holds() {
	jq -e '. as $d | .schema == "memscope-summary/1" and (.totals.count | type) == "number" and
		all("count", "size", "rss", "pss", "uss", "swap"; . as $k |
			$d.totals[$k] == ([$d.classes[][$k]] | add // 0))' "$1" > /dev/null
}
# maps_holds FILE: maps --bytes, its rows ascending and apart, its total
# line their count and their sums
maps_holds() {
	awk 'function k(a) { return sprintf("%20s", a) }
		NR == 1 { next }
		$1 == "total" { t = 1; ok = $2 == n && $4 == rss && $5 == pss && $6 == uss && $7 == swap; next }
		{ split($1, a, "-"); if (k(a[1]) >= k(a[2]) || (n && k(a[1]) < k(last))) bad = 1
		  last = a[2]; n++; rss += $5; pss += $6; uss += $7; swap += $8 }
		END { exit !(t && ok && !bad) }' "$1"
}
# ps_holds FILE: ps --json, its totals the sums of its readable rows, the
# count of the others unreadable; a row has numbers where it was read,
# nulls and its error where not, and no process is there twice
ps_holds() {
	jq -e '. as $d | [.processes[] | select(.error == null)] as $r |
		all("rss", "pss", "uss", "swap", "swap_pss"; . as $k | $d.totals[$k] == ([$r[][$k]] | add // 0)) and
		.unreadable == ([.processes[] | select(.error != null)] | length) and
		([.processes[].pid] | length) == ([.processes[].pid] | unique | length) and
		all(.processes[]; (.pid, .ppid, .threads | type == "number") and
			(.state | test("^[^ZX]$")) and (.comm | type) == "string" and (.cmdline | type) == "string") and
		all($r[]; (.uid, .started_at, .rss, .pss, .uss, .swap, .swap_pss | type == "number") and
			(.classes == null or all(.classes[]; (.rss | type) == "number"))) and
		all(.processes[] | select(.error != null); .rss == null and .pss == null and .uss == null and
			(.error | type) == "string") and
		(.objects == null or all(.objects[]; .processes >= 1 and (.rss | type) == "number"))' \
		"$1" > /dev/null
}

# stir MODE N COMMANDS...: each command R times while a process stirs;
# every output holds together, exit 0 or 1 (saying why), never a crash
stir() {
	mode=$1 n=$2
	shift 2
	rm -f "$TMP/sin"
	mkfifo "$TMP/sin"
	"$HELPERS/stir" "$mode" "$n" < "$TMP/sin" > "$TMP/sout" &
	stirrer=$!
	exec 5> "$TMP/sin"
	lines "$TMP/sout" 1
	total=0 whole=0 sbad=0 stacks=0
	for cmd do
		r=0
		while [ $r -lt $R ]; do
			case $cmd in
			ps) "$MEMSCOPE" ps --json > "$TMP/out" 2> "$TMP/err" ;;
			ps-classes) "$MEMSCOPE" ps --json --classes pss --name '^stir$' > "$TMP/out" 2> "$TMP/err" ;;
			ps-objects) "$MEMSCOPE" ps --json --objects > "$TMP/out" 2> "$TMP/err" ;;
			ps-table) "$MEMSCOPE" ps > "$TMP/out" 2> "$TMP/err" ;;
			*) run_memscope $cmd $stirrer ;;
			esac
			st=$?
			total=$((total + 1))
			case $st:$cmd in
			0:snap) snap_holds "$TMP/out" ;;
			0:json) summary_holds "$TMP/out" ;;
			0:maps) maps_holds "$TMP/out" ;;
			0:ps-table) [ -s "$TMP/out" ] ;;
			0:ps*) ps_holds "$TMP/out" ;;
			1:ps*) false ;;
			1:*) grep -q "changed under each of 5 reads\$" "$TMP/err" ;;
			*) false ;;
			esac
			if [ $? -eq 0 ]; then
				[ $st -eq 0 ] && whole=$((whole + 1))
			else
				sbad=$((sbad + 1))
				echo "# $cmd of a process stirring its $mode: exit $st, $(head -c 200 "$TMP/err")"
			fi
			[ $st:$cmd = 0:snap ] && jq -e '.classes["thread-stack"].count > 0' "$TMP/out" > /dev/null &&
				stacks=$((stacks + 1))
			r=$((r + 1))
		done
	done
	exec 5>&-
	wait $stirrer
	st=$?
	made=$(sed -n 's/^stirred //p' "$TMP/sout")
	# giving up after five tries is honest, but should not be the rule;
	# under valgrind, where a read takes twenty times as long as the
	# stirring allows, it is (the count is said, not asked)
	if [ $sbad -ne 0 ]; then fail "$sbad of $total reads ($*) while a process stirred its $mode went wrong"
	elif [ $((whole * 2)) -lt $total ] && [ -z "${MEMSCOPE_VALGRIND:-}" ]; then fail "only $whole of $total reads ($*) while a process stirred its $mode were whole"
	else ok "$whole of $total reads ($*) while a process stirs its $mode ($made made) hold together"; fi
	[ $st -eq 0 ] || fail "the helper stir $mode exited $st"
}
stir maps 2000 snap json maps ps
stir threads 40 snap json maps
if [ $stacks -gt 0 ]; then ok "thread stacks were found in $stacks of the snapshots of a process whose threads come and go"
elif [ $R -lt 5 ]; then skip "no thread stack was found in $R snapshots"
else fail "no snapshot of a process with 40 threads found a thread stack"; fi
stir procs 60 ps ps-classes ps-objects ps-table
finish
