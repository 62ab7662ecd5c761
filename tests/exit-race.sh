#!/bin/sh
# A process that exits or execs while memscope reads it: every run prints
# the whole truth (exit 0, every region) or exits 1 saying the process
# exited or was replaced by exec; never a partial result with exit 0.
#
# The process has tens of thousands of mappings, so that a read takes long
# enough to be cut, and it is killed (or made to exec) after a random delay
# up to one and a half times what a read of it takes.
#
# MEMSCOPE_RACE_ROUNDS sets the kill rounds per command (default 60: 228
# kills in all, snap, whose JSON costs more, half as many, layout a quarter;
# and 13 execs per command); the sanitizer pass runs 20, the valgrind pass 4.
. "$SETUP"

command -v jq > /dev/null || skip_all "needs jq"

n=${MEMSCOPE_TEST_REGIONS:-20000}
[ "$n" -gt 20000 ] && n=20000
rounds=60
[ -n "${MEMSCOPE_VALGRIND:-}" ] && rounds=4
rounds=${MEMSCOPE_RACE_ROUNDS:-$rounds}
whole=0 exited=0 replaced=0 gone=0 bad=0

# start_helper: a regions helper of n mappings in $HELPER, ready; its
# standard input stays open on fd 3 until stop_helper.
start_helper() {
	rm -f "$TMP/in" "$TMP/ready"
	mkfifo "$TMP/in"
	"$HELPERS/regions" "$n" < "$TMP/in" > "$TMP/ready" &
	HELPER=$!
	exec 3> "$TMP/in"
	while ! grep -q ready "$TMP/ready" 2> /dev/null; do sleep 0.01; done
	total=$(wc -l < /proc/$HELPER/maps)
}

stop_helper() {
	kill -9 "$HELPER" 2> /dev/null
	exec 3>&-
	wait "$HELPER" 2> /dev/null
}

# regions_in CMD: the regions the output of memscope CMD ($TMP/out) shows.
regions_in() {
	case $1 in
	maps) echo $(($(wc -l < "$TMP/out") - 2)) ;;
	pages) echo $(($(wc -l < "$TMP/out") - 1)) ;;
	summary) sed -n '1s/.*, \([0-9]*\) regions, .*/\1/p' "$TMP/out" ;;
	layout) sed -n '1s/^process [0-9]* (.*): \([0-9]*\) regions.*/\1/p' "$TMP/out" ;;
	snap) jq '.regions | length' "$TMP/o/snap.json" 2> /dev/null || echo -1 ;;
	json) jq '.regions | length' "$TMP/out" 2> /dev/null || echo -1 ;;
	esac
}

# judge CMD STATUS WANT: WANT is the region count a whole read shows.
judge() {
	if [ "$2" -eq 0 ]; then
		got=$(regions_in "$1")
		if [ "$got" = "$3" ]; then whole=$((whole + 1)); return; fi
		bad=$((bad + 1))
		echo "# $1: exit 0 with $got regions of $3"
	elif [ "$2" -eq 1 ] && grep -q 'replaced by exec while it was read$' "$TMP/err"; then
		replaced=$((replaced + 1))
	elif [ "$2" -eq 1 ] && grep -Eq 'exited while it was read$|zombie \(it exited' "$TMP/err"; then
		exited=$((exited + 1))
	elif [ "$2" -eq 1 ] && grep -q 'no such process$' "$TMP/err"; then
		gone=$((gone + 1)) # killed before memscope opened it
	else
		bad=$((bad + 1))
		echo "# $1: exit $2: $(cat "$TMP/err")"
	fi
	# maps streams a large table, and its --json a large document: a
	# failed read may leave rows, never the total line that ends a whole
	# table; a part of a document, never one that parses
	[ -s "$TMP/out" ] && [ "$2" -ne 0 ] &&
		{ { [ "$1" != maps ] && [ "$1" != json ]; } ||
		  { [ "$1" = maps ] && tail -n 1 "$TMP/out" | grep -q '^total '; } ||
		  { [ "$1" = json ] && jq -e . "$TMP/out" > /dev/null 2>&1; }; } && {
		bad=$((bad + 1))
		echo "# $1: exit $2, yet it printed $(wc -c < "$TMP/out") bytes"
	}
	[ "$1" = snap ] && [ "$2" -ne 0 ] &&
		{ [ "$(cat "$TMP/o/snap.json")" != before ] || [ "$(ls "$TMP/o")" != snap.json ]; } && {
		bad=$((bad + 1))
		echo "# snap -o: exit $2, yet the file changed: $(ls "$TMP/o")"
	}
}

# run_memscope CMD: memscope CMD of the helper; snap writes to a file that
# holds "before", which a failed read must leave as it was.
run_memscope() {
	if [ "$1" = snap ]; then
		mkdir -p "$TMP/o"
		echo before > "$TMP/o/snap.json"
		"$MEMSCOPE" snap -o "$TMP/o/snap.json" "${2:-$HELPER}" > "$TMP/out" 2> "$TMP/err"
	elif [ "$1" = json ]; then
		"$MEMSCOPE" maps --json "${2:-$HELPER}" > "$TMP/out" 2> "$TMP/err"
	else
		"$MEMSCOPE" "$1" "${2:-$HELPER}" > "$TMP/out" 2> "$TMP/err"
	fi
}

# took CMD: milliseconds a whole read of a live helper takes.
took() {
	t0=$(date +%s%N)
	run_memscope "$1"
	echo $((($(date +%s%N) - t0) / 1000000))
}

# race CMD SIGNAL ROUNDS: memscope CMD while SIGNAL hits the helper.
race() {
	cmd=$1 sig=$2 r=0
	start_helper
	ms=$(took "$cmd")
	judge "$cmd" 0 "$total" # the reference: a read of a live process is whole
	stop_helper
	while [ $r -lt "$3" ]; do
		start_helper
		delay=$(awk -v ms="$ms" -v s="$r$$" 'BEGIN { srand(s); printf "%.4f", rand() * ms * 1.5 / 1000 }')
		run_memscope "$cmd" &
		reader=$!
		sleep "$delay"
		kill -"$sig" "$HELPER"
		wait "$reader"
		status=$?
		if [ "$sig" = USR1 ]; then
			# a read that began after the exec is of "regions 1",
			# at whatever stage of its start it was (from the stack
			# alone to its own mapping): no more regions than now
			sleep 0.05
			small=$(wc -l < /proc/$HELPER/maps)
			want=$total
			got=$(regions_in "$cmd")
			[ "$status" -eq 0 ] && [ "$got" -le "$small" ] && want=$got
			# snap also says which program it read: the first's
			# arguments go with every region of the first
			if [ "$cmd" = snap ] && [ "$status" -eq 0 ] &&
				[ "$(jq -r '.argv[1] // ""' "$TMP/o/snap.json")" = "$n" ]; then
				want=$total
			fi
			judge "$cmd" "$status" "$want"
		else
			judge "$cmd" "$status" "$total"
		fi
		stop_helper
		r=$((r + 1))
	done
}

# ---- processes without memory to read
if [ "$(cat /proc/2/comm 2> /dev/null)" = kthreadd ]; then
	for cmd in maps summary snap pages layout; do
		expect 1 "$cmd of a kernel thread exits 1" "$MEMSCOPE" $cmd 2
		has "$TMP/err" "^memscope: cannot [a-z ]+ process '2': it is a kernel thread, with no user address space$" \
			"$cmd says it is a kernel thread"
		[ -s "$TMP/out" ] && fail "$cmd of a kernel thread printed something"
	done
else
	skip "kernel threads: pid 2 is no kthreadd here"
fi

# a child that exits while its parent, now sleep, never waits for it
sh -c 'sleep 0 & exec sleep 30' &
parent=$!
KILL_AT_EXIT="${KILL_AT_EXIT:-} $parent"
zombie=
while [ -z "$zombie" ]; do
	sleep 0.05
	for c in $(cat /proc/$parent/task/$parent/children 2> /dev/null); do
		grep -q '^State:.*Z' /proc/$c/status && zombie=$c
	done
done
for cmd in maps summary snap pages layout; do
	expect 1 "$cmd of a zombie exits 1" "$MEMSCOPE" $cmd "$zombie"
	has "$TMP/err" "^memscope: cannot [a-z ]+ process '$zombie': it is a zombie \\(it exited; its memory is gone\\)$" \
		"$cmd says it is a zombie"
done
kill "$parent"

# a main thread that exits before the other: the PID is a zombie, the
# memory lives on in the other thread
rm -f "$TMP/in" "$TMP/ready"
mkfifo "$TMP/in"
"$HELPERS/mainexit" < "$TMP/in" > "$TMP/ready" &
lonely=$!
exec 3> "$TMP/in"
while ! grep -q ready "$TMP/ready" 2> /dev/null; do sleep 0.01; done
while ! grep -q '^State:.*Z' /proc/$lonely/status; do sleep 0.01; done
thread=$(ls /proc/$lonely/task | grep -v "^$lonely\$")
expect 1 "summary of a process whose main thread exited exits 1" "$MEMSCOPE" summary $lonely
has "$TMP/err" "its main thread exited; its memory lives on in thread $thread: read that\$" \
	"and names the thread to read"
expect 0 "that thread reads" "$MEMSCOPE" summary "$thread"
exec 3>&-
wait $lonely

# a saved tree that lacks a file
cp -R "$FIXTURES/proc" "$TMP/tree"
chmod -R u+w "$TMP/tree"
rm "$TMP/tree/4242/smaps"
expect 1 "a saved tree without smaps exits 1" "$MEMSCOPE" summary --proc "$TMP/tree" 4242
has "$TMP/err" "^memscope: cannot inspect process '4242': the saved tree has no '4242/smaps'$" \
	"says which file the tree lacks"
one_line "$TMP/err" "that error is one line"

# ---- processes that exit or exec while they are read
for cmd in maps summary pages; do
	race "$cmd" KILL "$rounds"
done
race snap KILL $((rounds / 2 + 2))
race json KILL $((rounds / 2 + 2)) # the document on stdout
race layout KILL $((rounds / 4 + 1))
for cmd in maps summary snap pages layout; do
	race "$cmd" USR1 $((rounds / 5 + 1))
done

# ---- a process whose mappings change all the time while it is read
rm -f "$TMP/in" "$TMP/ready"
mkfifo "$TMP/in"
"$HELPERS/flip" 6000 < "$TMP/in" > "$TMP/ready" &
flipper=$!
exec 3> "$TMP/in"
while ! grep -q ready "$TMP/ready" 2> /dev/null; do sleep 0.01; done
churned=0 churn_bad=0 churn_ok=0
while [ $churned -lt $((rounds * 2)) ]; do
	for cmd in maps summary json; do
		run_memscope $cmd "$flipper"
		status=$?
		[ $status -eq 0 ] && churn_ok=$((churn_ok + 1))
		# a read started again cuts back what it wrote: one document
		if [ $status -eq 0 ] && [ $cmd = json ] &&
			[ "$(jq -s 'length' "$TMP/out" 2> /dev/null)" != 1 ]; then
			churn_bad=$((churn_bad + 1))
			echo "# json of a churning process: exit 0, but not one document"
		fi
		if [ $status -ne 0 ] && ! grep -q 'changed under each of' "$TMP/err"; then
			churn_bad=$((churn_bad + 1))
			echo "# $cmd of a churning process: exit $status: $(cat "$TMP/err")"
		fi
		churned=$((churned + 1))
	done
done
exec 3>&-
kill "$flipper" 2> /dev/null
wait "$flipper" 2> /dev/null
# giving up after a few tries is honest, but should be rare
if [ $churn_bad -eq 0 ] && [ $((churn_ok * 10)) -ge $((churned * 9)) ]; then
	ok "$churn_ok of $churned reads of a process whose mappings merge and split meanwhile are whole"
else fail "$churn_bad of $churned reads of a churning process failed"; fi

echo "# $whole whole, $exited exited, $replaced replaced by exec, $gone gone before the read, $bad wrong"
if [ "$bad" -eq 0 ]; then ok "no read of a process that exited or exec'd exits 0 with a partial result"
else fail "$bad reads were partial or said the wrong thing"; fi
# with a few rounds (valgrind) a miss is chance; with the full count the
# delays must have hit
if [ "$exited" -gt 0 ]; then ok "reads were cut by an exit ($exited) and said so"
elif [ "$rounds" -lt 20 ]; then skip "no read was cut by an exit in $rounds rounds"
else fail "no read was cut: the delays missed the reads"; fi
if [ "$replaced" -gt 0 ]; then ok "reads were cut by an exec ($replaced) and said so"
elif [ "$rounds" -lt 20 ]; then skip "no read was cut by an exec in $rounds rounds"
else fail "no read was cut by an exec"; fi
finish
