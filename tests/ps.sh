#!/bin/sh
# memscope ps: a row per process, its figures equal to its smaps_rollup;
# totals that are the sums; filters and order; another user's processes
# unknown, never 0; a scan that processes come and go under; a saved tree.
. "$SETUP"
command -v jq > /dev/null || skip_all "needs jq"

MIB=1048576
# sharers: a parent with 3 MiB of its own and its child with 6 MiB, who
# share 4 MiB of shmem (each one's Pss_Shmem is 2 MiB); run from a copy of
# this test's own, so that no other test's sharers (make check runs tests
# side by side) share its file's pages, its name or its path
own=$HELPERS/ps-$$
STAGES_AT_EXIT="${STAGES_AT_EXIT:-} $own"
mkdir -p "$own" && cp "$HELPERS/sharers" "$own/sharers"
run_helper "$own/sharers" 3 4
parent=${first% *} child=${first#* }

# ---- the figures of a row are smaps_rollup's
expect 0 "ps --json" "$MEMSCOPE" ps --json
cp "$TMP/out" "$TMP/all.json"
if jq -e '.schema == "memscope-ps/1" and (.processes | type == "array") and
	(.unreadable | type == "number") and (.taken_at | type == "number")' "$TMP/all.json" > /dev/null
then ok "the document has its schema, processes, totals and unreadable"
else fail "the document's shape"; fi
for pid in $parent $child; do
	row=$(jq -c ".processes[] | select(.pid == $pid)" "$TMP/all.json")
	want=$(printf '{"rss":%s,"pss":%s,"uss":%s,"swap":%s,"swap_pss":%s,"pss_anon":%s,"pss_file":%s,"pss_shmem":%s}' \
		"$(rollup $pid Rss)" "$(rollup $pid Pss)" \
		$(($(rollup $pid Private_Clean) + $(rollup $pid Private_Dirty))) \
		"$(rollup $pid Swap)" "$(rollup $pid SwapPss)" "$(rollup $pid Pss_Anon)" \
		"$(rollup $pid Pss_File)" "$(rollup $pid Pss_Shmem)")
	got=$(echo "$row" | jq -c '{rss, pss, uss, swap, swap_pss, pss_anon, pss_file, pss_shmem}')
	if [ "$got" = "$want" ]; then ok "process $pid: every figure is its smaps_rollup's"
	else fail "process $pid: $got, smaps_rollup $want"; fi
	if echo "$row" | jq -e ".pss_shmem == 2 * $MIB and .error == null and .comm == \"sharers\" and
		.cmdline == \"$own/sharers 3 4\" and .uid == $(id -u) and .threads == 1" > /dev/null
	then ok "process $pid: half of the 4 MiB shared, its facts read"
	else fail "process $pid: $row"; fi
done
if jq -e ".processes[] | select(.pid == $parent) | .uss >= 3 * $MIB and .uss < 4 * $MIB" \
	"$TMP/all.json" > /dev/null &&
	jq -e ".processes[] | select(.pid == $child) | .uss >= 6 * $MIB and .uss < 7 * $MIB and
		.ppid == $parent" "$TMP/all.json" > /dev/null
then ok "the USS of each is what it wrote of its own"
else fail "USS: $(jq -c ".processes[] | select(.pid == $parent or .pid == $child) | {pid, uss}" "$TMP/all.json")"; fi

# ---- totals are the sums; filters and order
if jq -e '[.processes[] | select(.error == null)] as $r | .totals as $t |
	all(("rss", "pss", "uss", "swap", "swap_pss"); . as $k | $t[$k] == ([$r[][$k]] | add // 0))' \
	"$TMP/all.json" > /dev/null
then ok "the totals are the sums of the readable rows"
else fail "the totals: $(jq -c .totals "$TMP/all.json")"; fi
expect 0 "ps --name selects by comm" "$MEMSCOPE" ps --json --name '^sharers$'
jq ".processes |= map(select(.cmdline | startswith(\"$own/\")))" "$TMP/out" > "$TMP/mine"
if jq -e "[.processes[].pid] == [$child, $parent]" "$TMP/mine" > /dev/null
then ok "--name '^sharers\$' takes comm"; else fail "--name by comm: $(jq -c '[.processes[].pid]' "$TMP/out")"; fi
expect 0 "ps --name selects by the command line" "$MEMSCOPE" ps --json --name "^$own/sharers "
if jq -e "[.processes[].pid] == [$child, $parent] and .totals.uss == ([.processes[].uss] | add) and
	.totals.pss_shmem == 4 * $MIB" "$TMP/out" > /dev/null
then ok "the two sharers, the larger first, and their sums"
else fail "--name sharers: $(jq -c '[.processes[] | {pid, uss}], .totals' "$TMP/out")"; fi
expect 0 "ps --name matches the command line" "$MEMSCOPE" ps --json --name "$own/sharers 3 4\$" --top 1 --sort pid
if jq -e "[.processes[].pid] == [$parent] and .totals.uss > .processes[0].uss" "$TMP/out" > /dev/null
then ok "--top 1 --sort pid: the parent alone, the totals still of both"
else fail "--top: $(jq -c . "$TMP/out")"; fi
for key in rss pss uss swap; do
	"$MEMSCOPE" ps --json --sort $key > "$TMP/sorted" 2>&1
	if jq -e "[.processes[] | select(.$key != null) | .$key] as \$v |
		[range(1; \$v | length) | select(\$v[.] > \$v[. - 1])] == []" "$TMP/sorted" > /dev/null
	then ok "--sort $key: the largest first"; else fail "--sort $key is not in order"; fi
done
expect 0 "ps --user 0" "$MEMSCOPE" ps --json --user "$(id -u)" --name "^$own/sharers "
has "$TMP/out" "\"pid\":$parent" "--user by uid keeps the user's processes"
expect 0 "ps --user nobody" "$MEMSCOPE" ps --json --user 65534 --name "^$own/sharers "
if jq -e '.processes == [] and .totals.rss == 0' "$TMP/out" > /dev/null
then ok "--user of another user leaves them out"; else fail "--user 65534: $(cat "$TMP/out")"; fi

# ---- groups: the sums of their rows
for by in comm user cgroup; do
	expect 0 "ps --group-by $by" "$MEMSCOPE" ps --json --group-by $by
	key=.$by; [ $by = user ] && key='(.user // (.uid | tostring))'
	[ $by = cgroup ] && key='(.cgroup // "-")'
	if jq -e --arg by $by "[.processes[] | select(.error == null)] as \$r | .group_by == \$by and
		(.groups | length > 0) and all(.groups[]; . as \$g |
		(\$g.rss == ([\$r[] | select($key == \$g.key) | .rss] | add // 0)) and
		(\$g.uss == ([\$r[] | select($key == \$g.key) | .uss] | add // 0))) and
		([.groups[].processes] | add) == (.processes | length)" "$TMP/out" > /dev/null
	then ok "--group-by $by: each group the sum of its processes, every process in one"
	else fail "--group-by $by: $(jq -c '.groups' "$TMP/out" | head -c 600)"; fi
done
expect 0 "ps --group-by comm, the table" "$MEMSCOPE" ps --group-by comm --name "^$own/sharers " --bytes
has "$TMP/out" "^COMM +COUNT +RSS +PSS +USS +SWAP$" "the groups' header"
has "$TMP/out" "^sharers +2 +$(($(rollup $parent Rss) + $(rollup $child Rss))) " \
	"the two sharers are one group of 2, their Rss summed"
expect 2 "an unknown --group-by" "$MEMSCOPE" ps --group-by pid

# ---- the files of every process (--objects): the sharers' executable is
# mapped by both, its figures the sums of their regions of it
expect 0 "ps --objects --json" "$MEMSCOPE" ps --objects --json
# of_file PID KEY: the sharers' object in that process's own summary
of_file() {
	"$MEMSCOPE" summary --json "$1" | jq --arg f "$own/sharers" ".objects[] | select(.path == \$f) | .$2"
}
file_sum() { echo $(($(of_file $parent "$1") + $(of_file $child "$1"))); }
if jq -e --arg f "$own/sharers" ".objects[] | select(.path == \$f) | .processes == 2 and
	.kind == \"exe\" and .rss == $(file_sum rss) and .pss == $(file_sum pss) and
	.uss == $(file_sum uss)" "$TMP/out" > /dev/null
then ok "--objects: the sharers' executable, mapped by 2, its Rss, Pss and USS the sums of each one's"
else fail "--objects: $(jq -c --arg f "$own/sharers" '.objects[] | select(.path == $f)' "$TMP/out")"; fi
if jq -e '[.objects[].pss] as $v | [range(1; $v | length) | select($v[.] > $v[. - 1])] == [] and
	all(.objects[]; .processes >= 1)' "$TMP/out" > /dev/null
then ok "--objects: the largest PSS first"; else fail "--objects is not in order"; fi
expect 0 "ps --objects, the table" "$MEMSCOPE" ps --objects --bytes
has "$TMP/out" "^ +RSS +PSS +USS +SWAP +PROCS KIND PATH$" "the files' header"
has "$TMP/out" "^ +$(file_sum rss) +$(file_sum pss) +$(file_sum uss) +0 +2 exe  $own/sharers$" \
	"a row: the sums, 2 processes, the kind and the path"
expect 2 "--objects is of every process: not with --name" "$MEMSCOPE" ps --objects --name x
expect 2 "--objects and --group-by exclude each other" "$MEMSCOPE" ps --objects --group-by user

# ---- a column per class: Rss from the fast read, PSS and USS from smaps,
# as summary gives them for each process
expect 0 "ps --classes rss --json" "$MEMSCOPE" ps --classes rss --json --name "^$own/sharers "
cp "$TMP/out" "$TMP/classes.json"
"$MEMSCOPE" summary --fast --json "$parent" > "$TMP/fast.json"
if jq -e --slurpfile s "$TMP/fast.json" ".classes_source == \"maps+pagemap\" and
	(.processes[] | select(.pid == $parent) | .classes) as \$c |
	all(\$s[0].classes | to_entries[]; .value.rss == \$c[.key].rss) and
	\$c[\"anon-shared\"].rss == 4 * $MIB and \$c.heap.pss == null" "$TMP/classes.json" > /dev/null
then ok "--classes rss: each class's Rss as summary --fast has it, the 4 MiB shared among them"
else fail "--classes rss: $(jq -c ".processes[] | select(.pid == $parent) | .classes" "$TMP/classes.json")"; fi
for what in pss uss; do
	expect 0 "ps --classes $what --json" "$MEMSCOPE" ps --classes $what --json --name "^$own/sharers "
	"$MEMSCOPE" summary --json "$parent" > "$TMP/full.json"
	if jq -e --slurpfile s "$TMP/full.json" ".classes_source == \"smaps\" and
		(.processes[] | select(.pid == $parent) | .classes) as \$c |
		all(\$s[0].classes | to_entries[]; .value.$what == \$c[.key].$what)" "$TMP/out" > /dev/null
	then ok "--classes $what: each class's $what as summary has it"
	else fail "--classes $what: $(jq -c ".processes[] | select(.pid == $parent) | .classes" "$TMP/out")"; fi
done
expect 0 "ps --classes rss, the table" "$MEMSCOPE" ps --classes rss --bytes --name "^$own/sharers "
has "$TMP/out" "^RSS per class, from maps and pagemap \\(without smaps\\)$" "the table says what its columns are"
has "$TMP/out" "^ +PID USER .* ANON-SHARED .* COMMAND$" "a column per class some row has"
expect 2 "an unknown --classes" "$MEMSCOPE" ps --classes vss
expect 2 "--classes is of processes: not with --objects" "$MEMSCOPE" ps --classes rss --objects

# ---- a progress line on a terminal's stderr, wiped at the end; none
# elsewhere (script gives the command a terminal)
if command -v script > /dev/null; then
	MEMSCOPE_PROGRESS_AFTER=0 script -qec "$MEMSCOPE ps --objects --top 1 > $TMP/table 2> /dev/tty" \
		/dev/null > "$TMP/tty" 2>&1
	if grep -q 'reading processes: [0-9]* of [0-9]*' "$TMP/tty" && grep -q "$(printf '\033\\[K')" "$TMP/tty" &&
		grep -q 'PROCS KIND PATH' "$TMP/table"; then
		ok "a scan on a terminal tells how far it has come, and wipes the line"
	else fail "no progress line: $(od -c "$TMP/tty" | head -n 5)"; fi
	MEMSCOPE_PROGRESS_AFTER=0 "$MEMSCOPE" ps --objects --top 1 > /dev/null 2> "$TMP/err"
	if [ -s "$TMP/err" ]; then fail "a progress line where stderr is no terminal"
	else ok "no progress line where stderr is no terminal"; fi
else
	skip "a progress line: needs script (util-linux)"
fi

# ---- the table
expect 0 "ps, the table" "$MEMSCOPE" ps --name "^$own/sharers " --bytes
has "$TMP/out" '^ +PID USER +RSS +PSS +USS +SWAP COMMAND$' "the header"
has "$TMP/out" "^ +$parent [^ ]+ +$(rollup $parent Rss) +$(rollup $parent Pss) .* $own/sharers 3 4\$" \
	"a row: pid, user, the figures in bytes, the command line"
has "$TMP/out" "^ +total +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ 2 processes$" "the totals row"

# ---- usage errors
expect 2 "ps takes no PID" "$MEMSCOPE" ps 1
expect 2 "an unknown --sort" "$MEMSCOPE" ps --sort size
has "$TMP/err" "^memscope: --sort takes .* not 'size'$" "says which fields it takes"
expect 2 "--top 0" "$MEMSCOPE" ps --top 0
expect 2 "a --name that is no regular expression" "$MEMSCOPE" ps --name '('
has "$TMP/err" "^memscope: --name takes a regular expression, not '\\(': [a-z]" \
	"says why, in lowercase"
expect 2 "a --user that names nobody" "$MEMSCOPE" ps --user no-such-user-here
has "$TMP/err" "^memscope: no user 'no-such-user-here'$" "says there is no such user"
expect 2 "--pages goes with snap, not ps" "$MEMSCOPE" ps --pages
expect 2 "a --proc that cannot be opened" "$MEMSCOPE" ps --proc "$TMP/nowhere"
has "$TMP/err" "^memscope: cannot open '$TMP/nowhere': No such file or directory$" \
	"says which tree it cannot open"

# ---- another user's processes: unknown, with the reason, never 0
if can_be_nobody; then
	expect 0 "ps as nobody" as_nobody "$MEMSCOPE" ps --json --name "^$own/sharers "
	if jq -e '.processes | length == 2 and all(.rss == null and .pss == null and .uss == null and
		.error == "permission denied" and .comm == "sharers")' "$TMP/out" > /dev/null &&
		jq -e '.unreadable == 2 and .totals.rss == 0' "$TMP/out" > /dev/null
	then ok "root's processes: figures null, the reason, counted apart"
	else fail "as nobody: $(cat "$TMP/out")"; fi
	expect 0 "ps as nobody, the table" as_nobody "$MEMSCOPE" ps --name "^$own/sharers "
	has "$TMP/out" "^ +$parent root +- +- +- +- " "the table shows - for what it cannot read"
	has "$TMP/out" '^2 processes could not be read \(permission denied\): run as root to see all$' \
		"the footer says how many, why, and what to do"
	# a row without classes once made the column heads read through NULL
	expect 0 "ps --classes rss as nobody, the table" as_nobody "$MEMSCOPE" ps --classes rss \
		--name "^$own/sharers "
	has "$TMP/out" "^ +$parent root +$own/sharers " "a row per process, without class figures"
elif [ "$(id -u)" -ne 0 ]; then
	# an ordinary user: root's processes are another user's
	expect 0 "ps of root's processes as a user" "$MEMSCOPE" ps --json --user 0
	if jq -e '.processes as $p | ($p | length) > 0 and
		all($p[]; .rss == null and .pss == null and .uss == null and .error == "permission denied") and
		.unreadable >= ($p | length) and .totals.rss == 0' "$TMP/out" > /dev/null
	then ok "as a user, root's processes: figures null, the reason, counted apart"
	else fail "root's processes as a user: $(jq -c '.processes[:3], .unreadable' "$TMP/out")"; fi
else
	skip "another user's processes: needs root and setpriv"
fi

# ---- a saved tree: names from its own passwd file; kernel threads and
# zombies left out; a process without smaps_rollup unknown; a hostile comm
tree=$TMP/tree
# proc PID COMM STATE FLAGS: a process directory with its stat
proc() {
	mkdir -p "$tree/$1"
	printf '%s (%b) %s 1 %s %s 0 -1 %s 0 0 0 0 0 0 0 0 20 0 1 0 500 1000 10\n' \
		"$1" "$2" "$3" "$1" "$1" "$4" > "$tree/$1/stat"
	printf 'Name:\tx\nUid:\t1000\t1000\t1000\t1000\n' > "$tree/$1/status"
	printf '0::/user.slice\n' > "$tree/$1/cgroup"
}
proc 100 'evil\033[31mname' S 4194560
printf 'evil\0--flag\0' > "$tree/100/cmdline"
printf '%s\n' '00400000-7ffd0000 ---p 00000000 00:00 0                          [rollup]' \
	'Rss:                 400 kB' 'Pss:                 300 kB' 'Pss_Anon:            200 kB' \
	'Pss_File:            100 kB' 'Pss_Shmem:             0 kB' 'Shared_Clean:        200 kB' \
	'Shared_Dirty:          0 kB' 'Private_Clean:        50 kB' 'Private_Dirty:       150 kB' \
	'Referenced:          400 kB' 'Anonymous:           200 kB' 'Swap:                 12 kB' \
	'SwapPss:               8 kB' 'Locked:                0 kB' > "$tree/100/smaps_rollup"
proc 200 kworker/0:1 I 2097152
proc 300 gone Z 4194560
proc 400 norollup S 4194560
mkdir -p "$tree/1/root/etc"
printf 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n' > "$tree/1/root/etc/passwd"
expect 0 "ps --proc of a saved tree" "$MEMSCOPE" ps --proc "$tree" --json --sort pid
if jq -e '[.processes[].pid] == [100, 400] and .unreadable == 1 and
	.processes[0] == (.processes[0] + {comm: "evil\u001b[31mname", cmdline: "evil --flag",
		user: "alice", uid: 1000, cgroup: "/user.slice", state: "S", rss: 409600,
		pss: 307200, uss: 204800, swap: 12288, swap_pss: 8192, error: null}) and
	.processes[1].rss == null and (.processes[1].error | test("no smaps_rollup")) and
	.totals.uss == 204800' "$TMP/out" > /dev/null
then ok "the tree's rows: its users, no kernel thread nor zombie, the unreadable one null"
else fail "the saved tree: $(cat "$TMP/out")"; fi
expect 0 "ps --proc, the table" "$MEMSCOPE" ps --proc "$tree" --sort pid
has "$TMP/out" '^ +100 alice .* evil --flag$' "a row of the tree"
if grep -q "$(printf '\033')" "$TMP/out"; then fail "the comm's escape reached the terminal"
else ok "no control byte of a name reaches the terminal"; fi
has "$TMP/out" '^1 process could not be read \(the saved tree has no smaps_rollup\)$' \
	"the footer gives the tree's reason"
# malformed input: passwd lines that do not parse are passed over; a
# smaps_rollup that does not parse makes its row unknown, with the reason
printf 'garbage\n:x:1000:1000::/:/bin/sh\nmallory:x:1000x:0::/:/bin/sh\nalice:x:1000:1000::/:/bin/sh\n' \
	> "$tree/1/root/etc/passwd"
proc 500 badrollup S 4194560
printf '00400000-7ffd0000 ---p 00000000 00:00 0 [rollup]\nRss: lots kB\n' > "$tree/500/smaps_rollup"
expect 0 "a tree with malformed files" "$MEMSCOPE" ps --proc "$tree" --json --sort pid
if jq -e '.processes[0].user == "alice" and .unreadable == 2 and
	(.processes[] | select(.pid == 500) | .rss == null and (.error | test("smaps_rollup")))' \
	"$TMP/out" > /dev/null
then ok "malformed passwd lines passed over; a malformed smaps_rollup is null with its reason"
else fail "malformed: $(cat "$TMP/out" "$TMP/err")"; fi
rm -r "$tree/500"
rm "$tree/1/root/etc/passwd"
expect 0 "a tree without a passwd file" "$MEMSCOPE" ps --proc "$tree" --json
if jq -e '.processes[0].user == null and .processes[0].uid == 1000' "$TMP/out" > /dev/null
then ok "without the tree's passwd file a uid stays a number"
else fail "no passwd: $(cat "$TMP/out")"; fi

# ---- processes that come and go during the scan
i=0
while [ $i -lt 4 ]; do
	sh -c 'while :; do /bin/true; done' &
	KILL_AT_EXIT="$KILL_AT_EXIT $!"
	i=$((i + 1))
done
bad=0 rounds=${MEMSCOPE_VALGRIND:+5}
i=0
while [ $i -lt "${rounds:-40}" ]; do
	"$MEMSCOPE" ps --json > "$TMP/churn" 2> "$TMP/err" && jq -e '.processes | length > 0' \
		"$TMP/churn" > /dev/null || bad=$((bad + 1))
	i=$((i + 1))
done
if [ $bad -eq 0 ]; then ok "${rounds:-40} scans while processes start and exit: none failed"
else fail "$bad of ${rounds:-40} scans failed: $(cat "$TMP/err")"; fi

finish
