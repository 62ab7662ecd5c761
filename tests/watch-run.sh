#!/bin/sh
# memscope watch and memscope run: samples, the change since the start,
# peaks caught just before memory is given back, the command's status, the
# series as JSON and as an SVG that headless Chromium opens.
. "$SETUP"
command -v jq > /dev/null || { echo "watch-run.sh: jq is needed (./build.sh check installs it)"; exit 99; }

check() {
	if jq -e "$2" "$1" > /dev/null 2>&1; then ok "$3"; else
		fail "$3"; jq -c "$2" "$1" 2>&1 | head -c 400 | sed 's/^/#   /'; fi
}

# ---- watch: --count samples, JSON lines, the change since the first
sleeper
expect 0 "watch --count 3 --interval 100ms --json" "$MEMSCOPE" watch --count 3 --interval 100ms --json $SLEEPER
if [ "$(wc -l < "$TMP/out")" -eq 3 ]; then ok "three samples, a line each"; else fail "$(wc -l < "$TMP/out") lines"; fi
jq -s . "$TMP/out" > "$TMP/samples.json"
check "$TMP/samples.json" 'all(.schema == "memscope-sample/1" and .pid == '"$SLEEPER"')' "schema and pid on every line"
check "$TMP/samples.json" '.[0].since_start.total.rss == 0 and .[2].t > .[1].t and .[1].t > .[0].t' \
	"the first changes nothing; time goes on"
check "$TMP/samples.json" '.[0].total.rss == ([.[0].classes[].rss] | add)' "the total is the sum of the classes"
expect 0 "watch for people" "$MEMSCOPE" watch --count 2 --interval 50ms $SLEEPER
has "$TMP/out" '^total +[0-9.]+[KMG] +0 ' "a total row with no change"
has "$TMP/out" '^memscope watch [0-9]+ +sample 2' "says which sample"

# a heap that grows while watched: memscope-probe sbrk, paused
rm -f "$TMP/in" "$TMP/lines" "$TMP/w"
mkfifo "$TMP/in" "$TMP/lines" "$TMP/w"
"$PROBE_BIN" sbrk --pause --json < "$TMP/in" > "$TMP/lines" &
probe=$!
exec 5> "$TMP/in" 6< "$TMP/lines"
read -r line <&6
echo >&5; read -r line <&6                          # sbrk(64 KiB): nothing resident
pid=$(echo "$line" | jq .pid)
"$MEMSCOPE" watch --count 2 --interval 2s --json "$pid" > "$TMP/w" &
watcher=$!
exec 8< "$TMP/w"
read -r first <&8                                  # the first sample is taken
echo >&5; read -r line <&6                          # then 64 KiB written
read -r second <&8
exec 8<&-
wait $watcher
echo "$second" > "$TMP/second.json"
check "$TMP/second.json" '.since_start.classes.heap.rss == 65536' "watch: the heap +64 KiB since the start, exactly"
echo >&5; read -r line <&6; echo >&5; read -r line <&6; echo >&5
exec 5>&- 6<&-
wait $probe

# the process goes: watch ends, exit 0
sleep ${MEMSCOPE_VALGRIND:+4}${MEMSCOPE_VALGRIND:-1} & # valgrind takes seconds to start
short=$!
expect 0 "watch until the process exits" "$MEMSCOPE" watch --interval 200ms --json $short
has "$TMP/err" "^memscope: process '$short' exited$" "says it exited"
expect 1 "watch a process that is not there" "$MEMSCOPE" watch $short
expect 0 "watch --svg" "$MEMSCOPE" watch --count 3 --interval 50ms --svg "$TMP/watch.svg" $SLEEPER
has "$TMP/watch.svg" '^<svg xmlns="http://www.w3.org/2000/svg"' "an SVG document"
expect 2 "--count goes with watch" "$MEMSCOPE" summary --count 2 $SLEEPER
expect 2 "a bad interval" "$MEMSCOPE" watch --interval 5x $SLEEPER

# ---- run: the command's status, and what it used
expect 3 "run exits with the command's status" "$MEMSCOPE" run -- sh -c 'exit 3'
has "$TMP/err" "^memscope run: 'sh' exited with status 3 after" "the report says so"
has "$TMP/err" '^total ' "the report has a total"
expect 137 "a command killed by SIGKILL: 128 + 9" "$MEMSCOPE" run -- sh -c 'kill -KILL $$'
expect 127 "a command that is not there" "$MEMSCOPE" run -- "$TMP/no-such-command"
has "$TMP/err" "^memscope: cannot run '$TMP/no-such-command': No such file" "says so"
expect 2 "run needs a command" "$MEMSCOPE" run
expect 2 "run --json: -o is its JSON" "$MEMSCOPE" run --json -- true
expect 0 "run keeps the command's own options" "$MEMSCOPE" run -- ls -d /
has "$TMP/out" '^/$' "the command's output is its own"

# memscope-probe walkthrough: the peak heap and anonymous mappings.  (In a
# sanitizer build the probe is sanitized too, and LeakSanitizer cannot work
# in a traced process: its leak check is off there, memscope's is not.)
expect 0 "run -- memscope-probe walkthrough" "$MEMSCOPE" run -o "$TMP/walk.json" --svg "$TMP/walk.svg" \
	-- env ASAN_OPTIONS=detect_leaks=0 "$PROBE_BIN" walkthrough
has "$TMP/err" '^heap +[0-9.]+[KMGT]? ' "the report has the heap's peak"
has "$TMP/err" '^anon +[0-9.]+[KMGT]? ' "and the anonymous mappings'"
check "$TMP/walk.json" '.schema == "memscope-series/1" and .exit_status == 0 and (.samples | length) > 2' \
	"the series: schema memscope-series/1, the status, the samples"
check "$TMP/walk.json" '.peak.classes.heap.size >= 307200 and .peak.classes.anon.size >= 204800' \
	"peak heap (D's 300 KiB heap at least) and anon (C's 200 KiB at least)"
check "$TMP/walk.json" '.peak.classes.heap.rss >= ([.samples[].classes.heap.rss] | max)' "the peak is the largest sample"

# a peak between two ticks: lazy writes 65 MiB, then frees it at once; with
# one tick in ten seconds only the sample before munmap can see it
expect 0 "run --interval 10s -- memscope-probe lazy" "$MEMSCOPE" run --interval 10s -o "$TMP/lazy.json" \
	-- env ASAN_OPTIONS=detect_leaks=0 "$PROBE_BIN" lazy
check "$TMP/lazy.json" ".peak.classes.anon.rss >= 65 * 1048576 + 2 * $PAGE" \
	"the 65 MiB written peak is caught before munmap (and two pages more at least)"
check "$TMP/lazy.json" '.peak.classes.anon.rss - .final.classes.anon.rss >= 60 * 1048576' \
	"and is gone at the end"

# -o into a folder that is not there: an error, the status of memscope
expect 1 "run -o into nowhere" "$MEMSCOPE" run -o "$TMP/none/x.json" -- true
has "$TMP/err" "cannot write '$TMP/none/x.json'" "says so"

# ---- the SVG in a browser
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
# a profile of its own: the user running the tests may have no home to write to
headless() {
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TMP/chromium" "$@"
}
if [ -n "$browser" ]; then
	headless --dump-dom "file://$TMP/walk.svg" \
		> "$TMP/dom" 2> /dev/null
	if grep -q '<svg' "$TMP/dom" && ! grep -q 'parsererror' "$TMP/dom"; then
		ok "Chromium opens the SVG without a parse error"
	else
		fail "Chromium did not take the SVG"; head -c 600 "$TMP/dom" | sed 's/^/#   /'
	fi
	for c in code heap anon; do
		grep -Eq "<path class=\"series\" data-class=\"$c\" [^>]* d=\"M[0-9.]+ [0-9.]+ (L[0-9.]+ [0-9.]+ ){3,}" "$TMP/dom" &&
			ok "the browser's document draws the $c series" || fail "no $c series in the browser's document"
	done
	headless --window-size=900,480 --screenshot="$TMP/walk.png" "file://$TMP/walk.svg" > /dev/null 2>&1
	if [ "$(wc -c < "$TMP/walk.png" 2> /dev/null || echo 0)" -gt 10000 ]; then
		ok "a screenshot of the chart ($(wc -c < "$TMP/walk.png") bytes of PNG)"
	else
		fail "no screenshot of the chart"
	fi
else
	skip "no Chromium to open the SVG (./build.sh check installs it)"
fi

finish
