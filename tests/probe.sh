#!/bin/sh
# memscope-probe: every scenario through --json, checked step by step; the
# walkthrough and threads through --pause with memscope snap taken from
# outside; --hold; usage errors.
. "$SETUP"
command -v jq > /dev/null || { echo "Bail out! jq is needed (./build.sh check installs it)"; exit 99; }

# jq with hex(): "0x7f00" -> 32512 (addresses stay below 2^53)
JQ_DEFS='def hex: ltrimstr("0x") | explode |
	reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
	def holds($a): ($a | hex) >= (.start | hex) and ($a | hex) < (.end | hex);
	def same_heap: .before.heap.start == .after.heap.start and .before.heap.end == .after.heap.end;'

# run_json SCENARIO [OPTIONS]: its JSON lines in $TMP/SCENARIO.json
run_json() {
	name=$1
	shift
	expect 0 "$name --json $*" "$PROBE" "$name" --json "$@"
	cp "$TMP/out" "$TMP/$name.json"
}

# step FILE N FILTER DESCRIPTION: FILTER holds of step N (jq -s; .[N-1] is
# there as $prev)
step() {
	if jq -e -s "$JQ_DEFS .[$2 - 1] as \$prev | .[$2] | $3" "$1" > /dev/null 2>"$TMP/jqerr"; then
		ok "$4"
	else
		fail "$4"
		jq -c -s ".[$2]" "$1" 2>&1 | cut -c1-900 | sed 's/^/#   /'
		sed 's/^/#   /' "$TMP/jqerr"
	fi
}

# ---- usage
expect 0 "--help exits 0" "$PROBE" --help
has "$TMP/out" '^usage: memscope-probe SCENARIO' "--help prints the usage"
expect 0 "--version exits 0" "$PROBE" --version
has "$TMP/out" '^memscope-probe [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
expect 2 "no scenario" "$PROBE"
expect 2 "an unknown scenario" "$PROBE" frobnicate
has "$TMP/err" "^memscope-probe: unknown scenario 'frobnicate'$" "names it"
expect 2 "an unknown option" "$PROBE" walkthrough --frob
has "$TMP/err" "unknown option '--frob'" "names the option"
expect 2 "a bad size" "$PROBE" threshold --mmap-threshold 12Q
has "$TMP/err" "bad value '12Q' for --mmap-threshold" "names the value"
expect 2 "an option without its value" "$PROBE" threshold --mmap-threshold
has "$TMP/err" "^memscope-probe: '--mmap-threshold' needs a value$" "says it needs a value"
expect 2 "--threads 0" "$PROBE" threads --threads 0
expect 1 "no probe-subject to run" env MEMSCOPE_PROBE_SUBJECT="$TMP/none" "$PROBE" sbrk
has "$TMP/err" "^memscope-probe: cannot find probe-subject" "says what is missing"

"$PROBE_BIN" --help | grep -Eo -- '--[a-z-]+' | sort -u > "$TMP/help-opts"
# an option is described where it is a heading of OPTIONS, not where an
# example or another section names it
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$PROBE_MANPAGE" | grep -A1 '^\.TP' |
	grep -Eo -- '\\-\\-[a-z-]+' | sed 's/\\//g' | sort -u > "$TMP/man-opts"
if diff "$TMP/help-opts" "$TMP/man-opts" > "$TMP/diff"; then ok "man page and --help name the same options"
else fail "man page and --help differ:"; sed 's/^/#   /' "$TMP/diff"; fi
# the scenarios: --help lists the program's table; the man page its SCENARIOS
"$PROBE_BIN" --help | sed -n '/^scenarios:/,/^$/s/^  \([a-z]*\) .*/\1/p' | sort > "$TMP/help-scen"
sed -n '/^\.SH SCENARIOS/,/^\.SH /p' "$PROBE_MANPAGE" | grep -A1 '^\.TP' |
	sed -n 's/^\.B \([a-z]*\)$/\1/p' | sort > "$TMP/man-scen"
n=$(wc -l < "$TMP/help-scen")
if [ "$n" -ge 8 ] && diff "$TMP/help-scen" "$TMP/man-scen" > "$TMP/diff"; then
	ok "man page and --help describe the same $n scenarios"
else fail "the scenarios of --help ($n) and of the man page differ:"; sed 's/^/#   /' "$TMP/diff"; fi
expect 2 "a bad --threads" "$PROBE" threads --threads 2x
has "$TMP/err" "bad value '2x' for --threads" "names the value"
has "$TMP/err" "^Try 'memscope-probe --help'.$" "and says where help is"

# ---- walkthrough: A 30 KiB, B 40 KiB, C 200 KiB, D 100 KiB; free C, B, D
run_json walkthrough
f=$TMP/walkthrough.json
if [ "$(wc -l < "$f")" -eq 8 ]; then ok "walkthrough: a line per step and the baseline"
else fail "walkthrough: $(wc -l < "$f") lines, expected 8"; fi
step "$f" 0 '.schema == "memscope-probe/1" and .step == 0 and .before == null' \
	"the baseline comes first, schema memscope-probe/1"
step "$f" 1 '[.added[], .resized[] | select(.class != "heap")] == [] and .removed == []' \
	"malloc(30 KiB): no mapping but the heap's"
step "$f" 1 '.result as $a | .after.heap | holds($a)' "malloc(30 KiB): the heap holds A"
step "$f" 2 '.added == [] and .removed == [] and .resized == [] and same_heap' \
	"malloc(40 KiB): no new mapping, the heap as it was"
step "$f" 2 '.result as $a | .after.heap | holds($a)' "malloc(40 KiB): the heap holds B"
step "$f" 3 '([.added[] | select(.class == "anon" and .size >= 204800)] +
	[.resized[] | select(.class == "anon" and .size - .size_before >= 204800)]) | length == 1' \
	"malloc(200 KiB): an anonymous mapping of 200 KiB or more appears"
step "$f" 3 '.result as $c | same_heap and (.focus[0].region | .class == "anon" and holds($c))' \
	"malloc(200 KiB): C is in it, the heap does not change"
step "$f" 5 '.focus[0].address != null and .focus[0].region == null' \
	"free(C): C's mapping is gone"
if jq -e -s '.[5].focus[0].address == .[3].result' "$f" > /dev/null; then
	ok "free(C) looks where C was"; else fail "free(C) looks elsewhere"; fi
step "$f" 6 'same_heap and .added == [] and .removed == [] and .resized == []' \
	"free(B): the heap keeps its size"
# the probe counts calls with the syscalls tracepoints, whose ids are in tracefs
tracefs=""
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -r "$d/events/syscalls/sys_enter_mmap/id" ] && tracefs=$d
done
if [ "$(id -u)" -ne 0 ]; then
	skip "system call counts need root"
elif [ -z "$tracefs" ]; then
	skip "system call counts need tracefs (mount -t tracefs nodev /sys/kernel/tracing)"
	step "$f" 3 '.calls == null and .calls_inferred == ["mmap"]' \
		"without tracefs: calls not counted, but inferred (mmap)"
else
	step "$f" 3 '.calls.mmap == 1 and .calls.brk == 0' "malloc(200 KiB): one mmap, counted"
	step "$f" 5 '.calls.munmap == 1' "free(C): one munmap, counted"
	step "$f" 2 '.calls | [.[]] | add == 0' "malloc(40 KiB): no system call at all"
fi
if can_be_nobody; then
	expect 0 "walkthrough as nobody" as_nobody "$PROBE" walkthrough --json
	cp "$TMP/out" "$TMP/nobody.json"
	step "$TMP/nobody.json" 3 '.calls == null and .calls_inferred == ["mmap"]' \
		"as nobody: calls not counted, but inferred (mmap)"
	step "$TMP/nobody.json" 1 '.calls_inferred == ["brk"]' "as nobody: the first malloc's brk inferred"
	step "$TMP/nobody.json" 5 '.calls_inferred == ["munmap"] and .focus[0].region == null' \
		"as nobody: free(C) is a munmap"
	expect 0 "walkthrough for people as nobody" as_nobody "$PROBE" walkthrough
	has "$TMP/out" '^#3 C = malloc.* \| mmap \(inferred\) \|' "says the call was inferred"
	has "$TMP/out" '^#2 B = malloc.* \| no system call \(inferred\) \|' "says when it saw none"
	has "$TMP/out" '^#0 baseline \| system calls not counted \|' "says they are not counted"
else
	skip "the probe as another user: needs root"
fi
expect 0 "walkthrough for people" "$PROBE" walkthrough
has "$TMP/out" '^#3 C = malloc\(200 KiB\) = 0x[0-9a-f]+ \| .*mappings \+[01] ' \
	"a line a step for people"

# ---- lazy: Rss grows by exactly the pages written
run_json lazy
f=$TMP/lazy.json
step "$f" 1 '.after.virtual - .before.virtual >= 1073741824 and .focus[0].region.rss <= 8192' \
	"malloc(1 GiB): +1 GiB virtual, one page resident (malloc's header)"
for n in 2 3 4; do
	step "$f" $n '.touched > 0 and .focus[0].region.rss - $prev.focus[0].region.rss == .touched' \
		"lazy step $n: Rss grows by exactly the pages written"
	step "$f" $n '.after.minor_faults - .before.minor_faults >= .touched / 4096' \
		"lazy step $n: a minor fault a page at least"
done
step "$f" 2 '.touched == 4096' "one byte written is one page"
step "$f" 6 '.focus[0].region.rss == 0 and .focus[0].region.size == 1073741824' \
	"mmap(1 GiB): nothing resident"
step "$f" 7 '.zeros and .focus[0].region.rss == 0 and
	.after.minor_faults - .before.minor_faults >= 16384' \
	"reading fresh memory: zeros, faults, and still no Rss (the zero page)"
step "$f" 8 '.focus[0].region.rss - $prev.focus[0].region.rss == .touched and .touched == 67108864' \
	"writing it: Rss +64 MiB exactly"

# ---- sbrk
run_json sbrk
f=$TMP/sbrk.json
step "$f" 0 '.after.heap == null' "no heap before the first brk"
step "$f" 1 '.after.heap.size == 65536 and .after.heap.rss == 0' "sbrk(64 KiB): [heap] of 64 KiB, none resident"
step "$f" 2 '.after.heap.rss == 65536' "written: 64 KiB resident"
step "$f" 3 '.after.heap.size == 131072' "sbrk again: the heap follows"
step "$f" 4 '.after.heap == null' "sbrk(-128 KiB): the heap is gone"

# ---- threshold: mmap, then, after a free, the heap
run_json threshold
f=$TMP/threshold.json
step "$f" 1 '.focus[0].region.class == "anon"' "malloc(256 KiB) comes from mmap"
step "$f" 3 '.focus[0].region.class == "heap"' "after free, malloc(256 KiB) comes from the heap"
run_json threshold --mmap-threshold 128K
step "$TMP/threshold.json" 3 '.focus[0].region.class == "anon"' \
	"--mmap-threshold 128K: a fixed threshold, both from mmap"
run_json threshold --mmap-threshold 1M
step "$TMP/threshold.json" 1 '.focus[0].region.class == "heap"' \
	"--mmap-threshold 1M: 256 KiB from the heap at once"

# counted COUNT: whether system calls are counted here (root, tracefs)
counted() { [ "$(id -u)" -eq 0 ] && [ -n "$tracefs" ]; }

# ---- coalesce: two free neighbours merge; their joint size is served in place
run_json coalesce
f=$TMP/coalesce.json
step "$f" 2 '.result as $b | .after.heap | holds($b)' "coalesce: B is on the heap beside A"
if jq -e -s "$JQ_DEFS"' (.[2].result | hex) - (.[1].result | hex) <= 65536 + 64' "$f" > /dev/null
then ok "coalesce: B lies just above A"; else fail "coalesce: B is not A's neighbour"; fi
step "$f" 5 '.after.mallinfo.fordblks - $prev.after.mallinfo.fordblks >= 65536 and same_heap' \
	"free(B): 64 KiB more free, the heap as it was"
step "$f" 6 '.result == .focus[1].address and (.result as $d | .after.heap | holds($d))' \
	"malloc(128 KiB) after both frees is served where A was"
step "$f" 6 'same_heap and .added == [] and .removed == [] and .resized == [] and
	.calls_inferred == []' "the coalesced chunk: no new memory, no system call inferred"
if counted; then
	step "$f" 6 '.calls | [.[]] | add == 0' "the coalesced chunk: no system call, counted"
else skip "system call counts need root and tracefs"; fi

# ---- edge: one byte under the threshold the heap, at it a mapping
run_json edge
f=$TMP/edge.json
step "$f" 1 '.result == "0x20000"' "edge: the threshold is fixed at 128 KiB"
step "$f" 2 '.result as $a | .focus[0].region.class == "heap" and (.after.heap | holds($a))' \
	"malloc(128 KiB - 24): its chunk is under the threshold, from the heap"
step "$f" 3 '.result as $b | same_heap and
	(.focus[0].region | .class == "anon" and holds($b) and .size >= 131072)' \
	"malloc(128 KiB - 23): its chunk is the threshold, an anonymous mapping"
step "$f" 4 '.focus[0].region == null or .focus[0].region.size < $prev.focus[0].region.size' \
	"free(B) unmaps it"
if counted; then
	step "$f" 3 '.calls.mmap == 1 and .calls.brk == 0' "the one at the threshold: one mmap, counted"
	step "$f" 2 '.calls.mmap == 0' "the one under it: no mmap, counted"
else skip "system call counts need root and tracefs"; skip "the same, under it"; fi
run_json edge --mmap-threshold 64K
step "$TMP/edge.json" 2 '.focus[0].region.class == "heap"' "--mmap-threshold 64K: 64 KiB - 24 from the heap"
step "$TMP/edge.json" 3 '.focus[0].region.class == "anon" and .focus[0].region.size >= 65536' \
	"--mmap-threshold 64K: 64 KiB - 23 mapped"

# ---- purge: glibc trims, jemalloc purges; a large block mapped either way
run_json purge
f=$TMP/purge.json
step "$f" 2 '.focus[0].region.rss == $prev.focus[0].region.rss and .allocator == "glibc"' \
	"purge (glibc): free keeps the blocks' Rss"
step "$f" 3 '.after.rss - .before.rss <= -3670016' "malloc_trim(0) gives back 3.5 MiB or more"
step "$f" 4 '.focus[0].region.class == "anon" and .focus[0].region.size >= 67108864' \
	"malloc(64 MiB): a mapping of its own"
step "$f" 5 '.focus[0].region == null or .focus[0].region.size < 67108864' "free(64 MiB) unmaps it"
if [ -n "${MEMSCOPE_VALGRIND:-}" ] || [ -n "${SANITIZED:-}" ]; then
	for what in "no heap" "free keeps Rss" "purge gives it back" "a mapping of its own" \
		"free purges, the mapping stays"; do
		skip "jemalloc: $what (not under valgrind or the sanitizers: jemalloc is preloaded into the scenario's process)"
	done
elif ! "$PROBE" purge --json --allocator jemalloc > "$TMP/purge.json" 2> "$TMP/err"; then
	if grep -q "^memscope-probe: cannot load jemalloc into the scenario's process" "$TMP/err"; then
		for what in "no heap" "free keeps Rss" "purge gives it back" "a mapping of its own" \
			"free purges, the mapping stays"; do
			skip "jemalloc: $what (jemalloc is not installed: Debian's libjemalloc2)"
		done
	else fail "purge --allocator jemalloc failed"; sed 's/^/#   /' "$TMP/err"; fi
else
	f=$TMP/purge.json
	if jq -e -s 'all(.[]; .after.heap == null and .after.mallinfo == null and .allocator == "jemalloc")' "$f" > /dev/null
	then ok "jemalloc: no heap, no brk: its own mappings (and no mallinfo)"
	else fail "jemalloc: a heap, or mallinfo"; fi
	step "$f" 2 '.focus[0].region.rss == $prev.focus[0].region.rss and .calls_inferred == []' \
		"jemalloc: free keeps Rss (dirty pages kept for reuse)"
	step "$f" 3 '.after.rss - .before.rss <= -3670016 and .added == [] and .removed == []' \
		"jemalloc: the purge gives back 3.5 MiB or more, the mappings stay"
	step "$f" 4 '.result as $b | (.focus[0].region | .class == "anon" and holds($b) and .size >= 67108864)' \
		"jemalloc: malloc(64 MiB) gets a mapping of its own"
	step "$f" 5 '.focus[0].region.size >= 67108864 and .focus[0].region.rss < 1048576 and .removed == []' \
		"jemalloc: free(64 MiB) purges its pages, the mapping stays"
fi
expect 2 "an unknown allocator" "$PROBE" purge --allocator tcmalloc
has "$TMP/err" "^memscope-probe: --allocator takes glibc or jemalloc, not 'tcmalloc'$" "names it"

# ---- trim: free below the top keeps Rss, malloc_trim returns it
run_json trim
f=$TMP/trim.json
step "$f" 2 'same_heap and .focus[0].region.rss == $prev.focus[0].region.rss' \
	"free below the top: heap and Rss as they were"
step "$f" 3 'same_heap and $prev.focus[0].region.rss - .focus[0].region.rss >= 20 * 32768' \
	"malloc_trim(0): Rss drops, [heap] keeps its size"
step "$f" 4 '.after.heap.size < .before.heap.size' "free at the top: the heap shrinks"

# ---- fragment: a large heap, little in use
run_json fragment
f=$TMP/fragment.json
step "$f" 2 '.after.heap.size >= 4194304 and .after.mallinfo.uordblks <= 524288 and
	.focus[0].region.rss >= 3670016' "most freed: heap 4 MiB, in use < 512 KiB, Rss as large"
step "$f" 3 '.focus[0].region.rss < $prev.focus[0].region.rss / 2' "malloc_trim(0) returns most of it"

# ---- threads: stacks with guard pages
run_json threads --threads 3
f=$TMP/threads.json
step "$f" 2 '[.added[] | select(.class == "thread-stack" and .size >= 8388608 - 4096)] | length == 3' \
	"3 threads: 3 stacks of 8 MiB, classified thread-stack"
step "$f" 2 '[.added[] | select(.class == "guard" and .size == 4096)] | length == 3' \
	"each with a guard page"
step "$f" 3 '[.added[] | select(.class == "guard" and .size >= 60000000)] | length >= 1' \
	"a thread's first malloc reserves an arena"
run_json threads --threads 3 --arena-max 1
step "$TMP/threads.json" 3 '.added == []' "--arena-max 1: no arena added"

# ---- shared: Pss is half of Rss for memory two processes map
run_json shared
f=$TMP/shared.json
step "$f" 2 '.focus[0].region as $s | .focus[0].child as $c | $s.rss == 4194304 and
	$s.pss * 2 == $s.rss and $s.uss == 0 and $c.rss == 4194304 and $c.pss * 2 == $c.rss' \
	"shared: Rss whole in both, Pss half, USS none"
step "$f" 2 '.focus[1].region as $p | $p.pss * 2 == $p.rss and $p.uss == 0' \
	"private after fork: copy-on-write pages count half"
step "$f" 3 '.focus[1].region as $p | .focus[1].child as $c | $p.pss == $p.rss and
	$p.uss == 4194304 and $c.pss == $c.rss' "after the child writes: each its own"

# ---- --pause: memscope snap from outside between the steps
# paused SCENARIO [OPTIONS]: runs it with --pause --json; on_step sees each line
paused() {
	rm -f "$TMP/in" "$TMP/lines"
	mkfifo "$TMP/in" "$TMP/lines"
	"$PROBE" "$@" --pause --json < "$TMP/in" > "$TMP/lines" &
	probe=$!
	exec 5> "$TMP/in" 6< "$TMP/lines"
	while read -r line <&6; do
		on_step "$line"
		echo >&5
	done
	exec 5>&- 6<&-
	wait $probe
}

# what memscope snap sees from outside is what the probe printed: the same
# mappings, the same heap, at every step of every scenario
on_step() {
	steps=$((steps + 1))
	pid=$(echo "$1" | jq .pid)
	want=$(echo "$1" | jq -c '[.after.mappings, .after.heap.size // 0]')
	if ! "$MEMSCOPE_BIN" snap "$pid" > "$TMP/snap.json" 2> "$TMP/snap.err"; then
		differ="$differ $name:$(echo "$1" | jq .step)(snap failed)"
		return 0
	fi
	got=$(jq -c "$JQ_DEFS [(.regions | length),
		([.regions[] | select(.class == \"heap\") | (.end | hex) - (.start | hex)] | add // 0)]" \
		"$TMP/snap.json")
	[ "$got" = "$want" ] || differ="$differ $name:$(echo "$1" | jq .step)($got, not $want)"
}
for name in walkthrough lazy sbrk threshold trim fragment threads shared coalesce edge purge; do
	steps=0 differ=""
	paused $name
	if [ $steps -ge 5 ] && [ -z "$differ" ]; then
		ok "--pause $name: memscope snap from outside sees what the probe saw, $steps steps"
	else
		fail "--pause $name: $steps steps; differ:$differ"
	fi
done
if [ -n "${MEMSCOPE_VALGRIND:-}" ] || [ -n "${SANITIZED:-}" ]; then
	skip "--pause purge with jemalloc (not under valgrind or the sanitizers)"
elif [ -s "$TMP/purge.json" ] && jq -e -s '.[0].allocator == "jemalloc"' "$TMP/purge.json" > /dev/null; then
	steps=0 differ="" name=purge
	paused purge --allocator jemalloc
	if [ $steps -ge 5 ] && [ -z "$differ" ]; then
		ok "--pause purge with jemalloc: memscope snap from outside sees its mappings, $steps steps"
	else fail "--pause purge with jemalloc: $steps steps; differ:$differ"; fi
else skip "--pause purge with jemalloc: jemalloc is not installed"; fi

stacks=""
on_step() {
	[ "$(echo "$1" | jq .step)" -eq 2 ] || return 0
	"$MEMSCOPE_BIN" snap "$(echo "$1" | jq .pid)" > "$TMP/snap.json"
	stacks=$(jq '[.regions[] | select(.class == "thread-stack")] | length' "$TMP/snap.json")
}
paused threads --threads 4
if [ "$stacks" = 4 ]; then ok "--pause: memscope snap finds the 4 thread stacks"
else fail "--pause: memscope snap found '$stacks' thread stacks, expected 4"; fi

# ---- the kernel's allocators, seen in its views (root: slabinfo, vmallocinfo)
if [ "$(id -u)" -ne 0 ]; then
	skip "thp, slab and vmalloc: the kernel's views need root"
else
	# thp: 32 order-9 blocks taken, and given back (the whole machine's
	# figures move with other programs too: half the move is asked of them)
	run_json thp
	f=$TMP/thp.json
	if grep -q '\[always\]\|\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null; then
		step "$f" 2 '.focus[0].region.anon_huge == 67108864' \
			"thp: the 64 MiB written are in huge pages (AnonHugePages of the region)"
		step "$f" 2 '.kernel.anon_huge - $prev.kernel.anon_huge >= 33554432 and
			.kernel.free_huge < $prev.kernel.free_huge + 67108864 and .kernel.free_pcp != null' \
			"thp: the machine's AnonHugePages grows (the free blocks' fall: from outside, below)"
		# (the free blocks' return is not asked: a test beside this one may
		# take them as fast as they come back)
		step "$f" 3 '$prev.kernel.anon_huge - .kernel.anon_huge >= 33554432' \
			"thp: munmap gives the huge pages back"
		step "$f" 2 '(.kernel.free_blocks | length) >= 10' "thp: free blocks are listed per order"
	else
		skip "thp: transparent huge pages are off here"; skip "thp: the machine's figures"
		skip "thp: munmap"; skip "thp: free blocks per order"
	fi
	# slab: 20000 files made, removed, and the unused dentries and inodes dropped
	run_json slab
	f=$TMP/slab.json
	step "$f" 2 '.error == null and any(.kernel.slab_moves[]; .cache == "dentry" and .change >= 18000)' \
		"slab: 20000 files make the dentry cache grow by as many"
	step "$f" 2 '[.kernel.slab_moves[] | select(.cache | test("inode")) | .change] | max >= 18000' \
		"slab: and an inode cache too"
	if ls probe-slab-* > /dev/null 2>&1; then fail "slab left its folder behind"
	else ok "slab removes its folder"; fi
	# vmalloc: a 4 MiB BPF array map is a vmalloc area of 4 MiB
	run_json vmalloc
	f=$TMP/vmalloc.json
	if jq -e -s '.[1].error == null' "$f" > /dev/null; then
		step "$f" 1 '.kernel.vmalloc - $prev.kernel.vmalloc >= 3145728 and
			.kernel.vmalloc_moves[0].change >= 4194304' \
			"vmalloc: the map is 4 MiB of vmalloc, its caller named ($(jq -r -s '.[1].kernel.vmalloc_moves[0].caller' "$f"))"
		step "$f" 2 '$prev.kernel.vmalloc - .kernel.vmalloc >= 3145728' \
			"vmalloc: closed, it is freed"
	else
		skip "vmalloc: this kernel refused the BPF map ($(jq -r -s '.[1].error' "$f"))"
		skip "vmalloc: freed"
	fi

	# the same, from outside: memscope kernel at each step, the scenario paused
	on_step() {
		"$MEMSCOPE_BIN" kernel --json | jq -c --argjson page "$PAGE" '[.meminfo.AnonHugePages,
			([.buddy[].free_blocks | to_entries[] | select(.key >= 9) | .value * pow(2; .key) * $page] | add),
			([.slab.caches[] | select(.name == "dentry") | .active_objects] | add // 0),
			([.vmalloc.by_caller[] | select(.caller == "array_map_alloc") | .ram_bytes] | add // 0),
			([.buddy[].pcp_bytes // 0] | add)]' \
			>> "$TMP/outside"
	}
	# outside SCENARIO FILTER DESCRIPTION: FILTER holds of the steps' figures
	# ([AnonHugePages, free in blocks of 2 MiB+, dentries, array_map_alloc's RAM,
	# free on the per-CPU lists] a step, as .[N])
	# The machine's figures move with every test beside this one: three
	# runs at most, one in which the scenario's own move shows is enough.
	outside() {
		for try in 1 2 3; do
			: > "$TMP/outside"
			paused "$1" > /dev/null
			jq -e -s "$2" "$TMP/outside" > /dev/null && break
			jq -c -s . "$TMP/outside" > "$TMP/outside.$try"
		done
		if [ $try -le 3 ] && jq -e -s "$2" "$TMP/outside" > /dev/null; then ok "$3 (run $try)"
		else fail "$3"; sed 's/^/#   /' "$TMP"/outside.?; fi
	}
	if grep -q '\[always\]\|\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null; then
		# a huge page freed may wait on a CPU's list and be taken from there,
		# the buddy's counts unmoved: the blocks are taken from the two
		outside thp '.[2][0] - .[1][0] >= 33554432 and
			(.[1][1] + .[1][4]) - (.[2][1] + .[2][4]) >= 33554432 and
			.[2][0] - .[3][0] >= 33554432' \
			"thp, from outside: AnonHugePages up and down by 64 MiB, blocks of 2 MiB+ taken (the buddy's or the per-CPU lists')"
	else skip "thp, from outside: transparent huge pages are off here"; fi
	outside slab '.[2][2] - .[1][2] >= 18000 and .[2][2] - .[4][2] >= 15000' \
		"slab, from outside: the dentries grow by the 20000 files and go with drop_caches"
	if jq -e -s '.[1].error == null' "$TMP/vmalloc.json" > /dev/null; then
		outside vmalloc '.[1][3] - .[0][3] >= 4194304 and .[2][3] == .[0][3]' \
			"vmalloc, from outside: array_map_alloc holds 4 MiB more while the map lives"
	else skip "vmalloc, from outside: this kernel refused the BPF map"; fi
fi
if can_be_nobody; then
	expect 0 "thp as nobody" as_nobody "$PROBE" thp --json
	step "$TMP/out" 1 '.kernel.vmalloc == null and .kernel.slab_moves == null and .kernel.anon_huge != null' \
		"as nobody: slab and vmalloc null, the rest there"
else skip "the kernel scenarios as nobody: needs root"; fi

# ---- the process killed between two steps: exit 1, one line
rm -f "$TMP/in" "$TMP/lines"
mkfifo "$TMP/in" "$TMP/lines"
"$PROBE" walkthrough --pause --json < "$TMP/in" > "$TMP/lines" 2> "$TMP/err" &
probe=$!
exec 5> "$TMP/in" 6< "$TMP/lines"
read -r line <&6
kill -KILL "$(echo "$line" | jq .pid)"
echo >&5
cat <&6 > /dev/null
exec 5>&- 6<&-
wait $probe
st=$?
if [ $st -eq 1 ]; then ok "a killed scenario process: exit 1"; else fail "a killed scenario process: exit $st"; fi
has "$TMP/err" "^memscope-probe: the scenario's process (is gone|ended before its step 1)$" "says so"
if [ "$(wc -l < "$TMP/err")" -eq 1 ]; then ok "in one line"; else fail "in $(wc -l < "$TMP/err") lines"; fi

# ---- --hold: alive at the end until stdin closes
rm -f "$TMP/in"
mkfifo "$TMP/in"
: > "$TMP/held" # the probe's shell opens it only once the fifo has a writer
"$PROBE" sbrk --hold < "$TMP/in" > "$TMP/held" &
probe=$!
exec 5> "$TMP/in"
i=0
while [ "$(wc -l < "$TMP/held")" -lt 5 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.2
if kill -0 $probe 2> /dev/null; then ok "--hold: alive after the last step"; else fail "--hold: gone"; fi
exec 5>&-
wait $probe
st=$?
if [ $st -eq 0 ]; then ok "--hold: exits 0 once stdin closes"; else fail "--hold: exit $st"; fi

finish
