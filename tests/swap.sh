#!/bin/sh
# Swap, for real: with no swap on the machine the test adds a swap file
# (root), has the sharers helper push its private pages out (MADV_PAGEOUT),
# and checks what memscope says of them against smaps.  Where swap cannot be
# added, it says so and skips.
. "$SETUP"
command -v jq > /dev/null || skip_all "needs jq"

swapfile=
if [ "$(awk 'NR > 1' /proc/swaps | wc -l)" -eq 0 ]; then
	[ "$(id -u)" -eq 0 ] && command -v mkswap > /dev/null && command -v swapon > /dev/null ||
		skip_all "no swap, and adding a swap file needs root, mkswap and swapon"
	# beside the build, not in a tmpfs (no swap file there)
	swapfile=$(mktemp "${TMPDIR:-/var/tmp}/memscope-swap.XXXXXX")
	STAGES_AT_EXIT="${STAGES_AT_EXIT:-} $swapfile"
	# the helper first, so that swapoff has nothing to bring back
	trap 'for p in ${KILL_AT_EXIT:-}; do kill -9 "$p" 2> /dev/null; { wait "$p"; } 2> /dev/null; done
		swapoff "$swapfile" 2> /dev/null; cleanup' EXIT
	if ! { dd if=/dev/zero of="$swapfile" bs=1M count=64 status=none && chmod 600 "$swapfile" &&
		mkswap "$swapfile" > /dev/null 2>&1 && swapon "$swapfile" 2> "$TMP/err"; }; then
		skip_all "cannot add a swap file here: $(head -n 1 "$TMP/err")"
	fi
	echo "# added a swap file of 64 MiB for the test: $swapfile"
fi

run_helper "$HELPERS/sharers" 3 4 pageout
parent=${first% *} child=${first#* }

[ "$(rollup $parent Swap)" -gt 0 ] ||
	skip_all "MADV_PAGEOUT swapped nothing out (a cgroup without swap?)"
echo "# swapped out: parent $(rollup $parent Swap) bytes, child $(rollup $child Swap)"

expect 0 "ps --json" "$MEMSCOPE" ps --json --name '^sharers$' --sort pid
for pid in $parent $child; do
	got=$(jq -c ".processes[] | select(.pid == $pid) | [.swap, .swap_pss, .rss, .uss]" "$TMP/out")
	want="[$(rollup $pid Swap),$(rollup $pid SwapPss),$(rollup $pid Rss),$(($(rollup $pid Private_Clean) + $(rollup $pid Private_Dirty)))]"
	if [ "$got" = "$want" ]; then ok "process $pid: swap, swap_pss, rss and uss are smaps_rollup's"
	else fail "process $pid: $got, smaps_rollup $want"; fi
done
if jq -e ".totals.swap == $(($(rollup $parent Swap) + $(rollup $child Swap))) and
	.totals.swap_pss == $(($(rollup $parent SwapPss) + $(rollup $child SwapPss)))" "$TMP/out" > /dev/null
then ok "the totals' swap is the sum"; else fail "totals: $(jq -c .totals "$TMP/out")"; fi
# the private pages went out, and were mapped by one process each
if [ "$(rollup $parent Swap)" -ge $((2 * 1048576)) ] &&
	[ "$(rollup $parent SwapPss)" -eq "$(rollup $parent Swap)" ]
then ok "most of the parent's 3 MiB is swapped, its SwapPss all its own"
else fail "parent: Swap $(rollup $parent Swap), SwapPss $(rollup $parent SwapPss)"; fi

# a snapshot's swap per region is smaps'
expect 0 "snap of the parent" "$MEMSCOPE" snap "$parent"
smaps=$(awk '$1 == "Swap:" { s += $2 * 1024 } END { print s }' /proc/$parent/smaps)
if jq -e ".totals.swap == $smaps" "$TMP/out" > /dev/null
then ok "the snapshot's swap is smaps' ($smaps bytes)"
else fail "snap: $(jq -c .totals.swap "$TMP/out"), smaps $smaps"; fi

# under the smaps floor: each region's Swap from pagemap is smaps'
for pid in $parent $child; do
	"$MEMSCOPE" maps --fast --json "$pid" 2> "$TMP/err" |
		jq -r '.regions[] | "\(.start) \(.swap)"' > "$TMP/fast"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); s = a[1]; sub(/^0+/, "", s); s = "0x" s }
	     /^Swap:/ { print s, $2 * 1024 }' /proc/$pid/smaps > "$TMP/smaps"
	if [ -s "$TMP/fast" ] && diff "$TMP/smaps" "$TMP/fast" > "$TMP/diff"; then
		ok "process $pid: maps --fast has each region's Swap as smaps"
	else fail "process $pid: maps --fast's swap differs:"; head -n 5 "$TMP/diff" "$TMP/err" | sed 's/^/#   /'; fi
done

finish
