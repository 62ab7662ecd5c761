#!/bin/sh
# Under the smaps floor: "maps --fast" and "summary --fast" give every
# region's Rss and Swap from maps and pagemap alone, equal to smaps' for
# processes of known layout, the shared zero page (mapped, yet no Rss in
# smaps) included; the columns they cannot fill are left out, and say so.
. "$SETUP"
command -v jq > /dev/null || skip_all "needs jq"

# smaps_rows PID: "start rss swap" a region, as maps --fast --json has them
smaps_rows() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); s = a[1]; sub(/^0+/, "", s); s = "0x" (s == "" ? "0" : s) }
	     /^Rss:/ { r = $2 * 1024 } /^Swap:/ { print s, r, $2 * 1024 }' /proc/$1/smaps
}
# same PID WHAT: maps --fast equals smaps, region by region
same() {
	"$MEMSCOPE" maps --fast --json "$1" > "$TMP/fast.json" 2> "$TMP/err"
	jq -r '.regions[] | "\(.start) \(.rss) \(.swap)"' "$TMP/fast.json" > "$TMP/fast"
	smaps_rows "$1" > "$TMP/smaps"
	if [ -s "$TMP/fast" ] && diff "$TMP/smaps" "$TMP/fast" > "$TMP/diff"; then
		ok "$2: Rss and Swap of each of $(wc -l < "$TMP/fast") regions are smaps'"
	else fail "$2 differs from smaps:"; head -n 5 "$TMP/diff" "$TMP/err" | sed 's/^/#   /'; fi
}

run_helper "$HELPERS/sharers" 3 4
parent=${first% *} child=${first#* }
run_helper "$HELPERS/regions" 3000
regions=$helper

same "$parent" "the sharers' parent (private, shared, zero-page memory)"
same "$child" "the sharers' child"
same "$regions" "a process of 3000 regions"

# the zero page is there, and left out
"$MEMSCOPE" pages --json "$parent" > "$TMP/pages.json" 2> /dev/null
"$MEMSCOPE" maps --fast --json "$parent" > "$TMP/fast.json" 2> /dev/null
# the region holding them (merged with the 3 MiB beside it): present pages
# but the zero ones
zero=$(jq -c '[.regions[] | select(.pages.zero >= 256) | {start, rss: ((.pages.present - .pages.zero) * '"$PAGE"')}][0] // empty' \
	"$TMP/pages.json")
if [ -n "$zero" ] && jq -e --argjson z "$zero" '.regions[] | select(.start == $z.start) | .rss == $z.rss' \
	"$TMP/fast.json" > /dev/null
then ok "the 256 pages of the shared zero page are mapped, and left out of Rss as smaps does"
else fail "the zero pages: $zero, $(jq -c '[.regions[] | {start, rss}]' "$TMP/fast.json")"; fi

# the document: the shape of a full one, null where it cannot know
expect 0 "summary --fast --json" "$MEMSCOPE" summary --fast --json "$parent"
cp "$TMP/out" "$TMP/fast-summary.json"
expect 0 "summary --json" "$MEMSCOPE" summary --json "$parent"
if jq -e --slurpfile full "$TMP/out" '.source == "maps+pagemap" and
	([paths | map(tostring) | join(".")] | sort) == ([$full[0] | paths | map(tostring) | join(".")] | sort) and
	.totals.pss == null and .totals.uss == null and .totals.rss == $full[0].totals.rss and
	.totals.swap == $full[0].totals.swap and
	all(.classes | to_entries[]; .value.rss == $full[0].classes[.key].rss)' \
	"$TMP/fast-summary.json" > /dev/null
then ok "summary --fast --json: the keys of summary --json, its Rss per class, PSS and USS null"
else fail "summary --fast --json: $(jq -c '.totals' "$TMP/fast-summary.json")"; fi

# the tables leave out what they cannot fill, and say so
expect 0 "summary --fast" "$MEMSCOPE" summary --fast "$parent"
has "$TMP/out" '^fast read: RSS and SWAP from pagemap' "summary --fast says what it leaves out"
has "$TMP/out" '^CLASS +COUNT +VIRTUAL +RSS +SWAP$' "summary --fast: VIRTUAL, RSS and SWAP"
expect 0 "maps --fast" "$MEMSCOPE" maps --fast "$parent"
has "$TMP/out" '^ADDRESS +PERMS +CLASS +SIZE +RSS +SWAP +NAME$' "maps --fast: SIZE, RSS and SWAP"
expect 2 "--fast has no Referenced for --working-set" "$MEMSCOPE" summary --fast --working-set 0 "$parent"
expect 2 "--fast goes with maps and summary" "$MEMSCOPE" snap --fast "$parent"
sleep 0 & gone=$!
wait $gone
expect 1 "--fast of a process that is gone" "$MEMSCOPE" summary --fast $gone

finish
