#!/bin/sh
# memscope kernel on this machine: the ledger adds up to MemTotal and
# leaves little unaccounted; 256 MiB a helper writes moves the process
# anonymous part by as much; the buddy allocator's figures are buddyinfo's;
# as an unprivileged user the root-only views are null, with the reason;
# a saved tree that does not parse is bad input.
. "$SETUP"
command -v jq > /dev/null || skip_all "needs jq"
# unprivileged: the user this runs as, or nobody when root
unprivileged=
if [ "$(id -u)" -ne 0 ]; then unprivileged=env
elif can_be_nobody; then unprivileged=as_nobody; fi
if [ -n "$unprivileged" ]; then
	$unprivileged "$MEMSCOPE" kernel --json > "$TMP/k.json" 2> "$TMP/err"
	if jq -e '.slab == null and .vmalloc == null and
		(.errors.slabinfo | test("permission denied")) and
		(.errors.vmallocinfo | test("permission denied")) and (.buddy | length) > 0' \
		"$TMP/k.json" > /dev/null
	then ok "unprivileged, slab and vmalloc are null with the reason"
	else fail "unprivileged: $(jq -c .errors "$TMP/k.json")"; sed 's/^/#   /' "$TMP/err"; fi
	$unprivileged "$MEMSCOPE" kernel > "$TMP/out" 2> "$TMP/err"
	has "$TMP/out" '^not read: slabinfo: permission denied' "unprivileged, the screen says what it could not read"
else skip "needs setpriv to be nobody"; skip "the same, on the screen"; fi

mkdir -p "$TMP/tree"
printf 'MemTotal 1000 kB\n' > "$TMP/tree/meminfo"
expect 2 "a meminfo that does not parse is bad input" "$MEMSCOPE" kernel --proc "$TMP/tree"
has "$TMP/err" "^memscope: cannot read the memory of '$TMP/tree': meminfo: line 1 does not parse$" \
	"and says which file and line"
one_line "$TMP/err" "in one line"
rm "$TMP/tree/meminfo"
expect 1 "a tree without meminfo cannot be read" "$MEMSCOPE" kernel --proc "$TMP/tree"

[ "$(id -u)" -eq 0 ] || {
	skip "the rest needs root (slabinfo and vmallocinfo)"
	finish
	exit
}


expect 0 "memscope kernel --json exits 0" "$MEMSCOPE" kernel --json
cp "$TMP/out" "$TMP/k.json"
if jq -e '.schema == "memscope-kernel/1" and (.slab.caches | length) > 0 and
	(.vmalloc.by_caller | length) > 0 and (.buddy | length) > 0 and .errors == {}' \
	"$TMP/k.json" > /dev/null; then ok "every view is read as root"
else fail "a view is missing as root"; jq -c .errors "$TMP/k.json" | sed 's/^/#   /'; fi
# the files change as they are read: a read whose parts went past MemTotal
# (overcounted) is read again, three reads at most
sums=""
for try in 1 2 3; do
	[ $try -eq 1 ] || "$MEMSCOPE" kernel --json > "$TMP/k.json"
	sums="$sums $(jq -c '[([.ledger[].bytes] | add) + .unaccounted, .mem_total, .overcounted]' "$TMP/k.json")"
	jq -e '([.ledger[].bytes] | add) + .unaccounted == .mem_total and .overcounted == 0' \
		"$TMP/k.json" > /dev/null && break
done
if [ $try -le 3 ] && jq -e '.overcounted == 0' "$TMP/k.json" > /dev/null &&
	jq -e '([.ledger[].bytes] | add) + .unaccounted == .mem_total' "$TMP/k.json" > /dev/null
then ok "the parts and unaccounted add up to MemTotal (read $try)"
else fail "the parts do not add up: [parts + unaccounted, MemTotal, overcounted]:$sums"; fi
if jq -e '[.ledger[].name] | length == (unique | length)' "$TMP/k.json" > /dev/null
then ok "no part is named twice"; else fail "a part is named twice"; fi
share=$(jq '.unaccounted * 1000 / .mem_total | floor' "$TMP/k.json")
if [ "$share" -lt 50 ]; then ok "unaccounted is $share per mille of MemTotal (under 5%)"
else fail "unaccounted is $share per mille of MemTotal"; fi

# anon: the process anonymous part, in bytes
anon() { "$MEMSCOPE" kernel --json | jq '.ledger[] | select(.name == "anon") | .bytes'; }
# within ±8 MiB of 256 MiB
near() { [ $(($1 - (256 << 20))) -le $((8 << 20)) ] && [ $(((256 << 20) - $1)) -le $((8 << 20)) ]; }
# Other programs allocate and free too: AnonPages is the machine's, and the
# suite runs tests side by side (under ASan, each process maps a shadow of
# its own).  The helper writes and frees its 256 MiB up to ten times; a try
# in which nothing else moved shows the move, and none would if the part
# did not follow the helper.
moved="" try=0
while [ $try -lt 10 ]; do
	try=$((try + 1))
	before=$(anon)
	run_helper "$HELPERS/anon" 256
	during=$(anon)
	kill "$helper"; wait "$helper" 2> /dev/null
	after=$(anon)
	up=$((during - before)) down=$((during - after))
	moved="$moved $((up >> 20))/$((down >> 20))"
	near $up && near $down && break
done
if near $up && near $down; then
	ok "256 MiB written and freed moves the anon part by $((up >> 10)) and $((down >> 10)) KiB (try $try)"
else fail "256 MiB written and freed moved the anon part (MiB up/down):$moved"; fi

# buddy: each zone's free bytes between buddyinfo's just before and just after
cat /proc/buddyinfo > "$TMP/buddy.before"
"$MEMSCOPE" kernel --json > "$TMP/k.json"
cat /proc/buddyinfo > "$TMP/buddy.after"
free_of() { # FILE: "zone pages" a line
	awk '{ s = 0; for (i = 5; i <= NF; i++) s += $i * 2 ^ (i - 5); print $4, s }' "$1"
}
free_of "$TMP/buddy.before" > "$TMP/fb"
free_of "$TMP/buddy.after" > "$TMP/fa"
jq -r --argjson page "$PAGE" '.buddy[] | "\(.zone) \(.free_bytes / $page)"' "$TMP/k.json" > "$TMP/fm"
bad=$(join "$TMP/fb" "$TMP/fa" | join - "$TMP/fm" | awk '{
	lo = $2 < $3 ? $2 : $3; hi = $2 < $3 ? $3 : $2
	if ($4 < lo - 1024 || $4 > hi + 1024) print $1 }')
zones=$(wc -l < "$TMP/fm")
if [ "$zones" -eq "$(wc -l < /proc/buddyinfo)" ] && [ -z "$bad" ]; then
	ok "the free pages of each of $zones zones are buddyinfo's, within its churn"
else fail "the buddy allocator's figures are not buddyinfo's:$bad"; fi

expect 0 "memscope kernel --pagetypes --top 3 exits 0" "$MEMSCOPE" kernel --pagetypes --top 3
has "$TMP/out" '^  unaccounted ' "the screen shows what is unaccounted"
has "$TMP/out" '^slab caches, the 3 largest of [0-9]+$' "--top 3 shows three slab caches"
has "$TMP/out" '^  0 [A-Za-z0-9]+ Movable +[0-9]' "--pagetypes shows the free blocks per migrate type"
"$MEMSCOPE" kernel --pagetypes --json > "$TMP/k.json"
if jq -e '.pagetypes.zones[0].free_blocks | has("Movable")' "$TMP/k.json" > /dev/null
then ok "--pagetypes reads the free blocks per migrate type"
else fail "--pagetypes has no migrate types"; fi

finish
