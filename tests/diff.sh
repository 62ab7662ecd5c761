#!/bin/sh
# memscope diff: a heap grown by a known amount shows exactly that; every
# --fail-if operator and unit on both sides of its threshold; bad snapshot
# files; a snapshot served over HTTP on loopback; an unreachable URL.
. "$SETUP"
command -v jq > /dev/null || { echo "diff.sh: jq is needed (./build.sh check installs it)"; exit 99; }

# ---- snapshots of a process that moves its break by known amounts:
# memscope-probe sbrk, paused after each step
rm -f "$TMP/in" "$TMP/lines"
mkfifo "$TMP/in" "$TMP/lines"
"$PROBE_BIN" sbrk --pause --json < "$TMP/in" > "$TMP/lines" &
probe=$!
exec 5> "$TMP/in" 6< "$TMP/lines"
next_step() { read -r line <&6; pid=$(echo "$line" | jq .pid); }
next_step                                          # baseline
echo >&5; next_step                                # sbrk(64 KiB): 64 KiB, none resident
"$MEMSCOPE" snap -o "$TMP/a.json" "$pid"
echo >&5; next_step                                # written: 64 KiB resident
"$MEMSCOPE" snap -o "$TMP/b.json" "$pid"
expect 0 "diff a file and a live pid" "$MEMSCOPE" diff --json "$TMP/a.json" "$pid"
cp "$TMP/out" "$TMP/live.json"
echo >&5; next_step                                # sbrk again: 128 KiB
"$MEMSCOPE" snap -o "$TMP/c.json" "$pid"
echo >&5; next_step
echo >&5
exec 5>&- 6<&-
wait $probe

# check FILE FILTER DESCRIPTION: jq FILTER holds of FILE
check() {
	if jq -e "$2" "$1" > /dev/null; then ok "$3"; else fail "$3"; jq -c "$2" "$1" | head -c 600 | sed 's/^/#   /'; fi
}

expect 0 "diff a b --json" "$MEMSCOPE" diff --json "$TMP/a.json" "$TMP/b.json"
cp "$TMP/out" "$TMP/ab.json"
check "$TMP/ab.json" '.schema == "memscope-diff/1"' "schema memscope-diff/1"
jq -c '[.totals | .size, .rss, .pss, .uss, .swap, .count]' "$TMP/a.json" > "$TMP/a.totals"
jq -c '[.total.a | .size, .rss, .pss, .uss, .swap, .count]' "$TMP/ab.json" > "$TMP/ab.totals"
if cmp -s "$TMP/a.totals" "$TMP/ab.totals"; then ok "A's figures in the diff are A's totals, each under its key"
else fail "A's figures differ: $(cat "$TMP/ab.totals"), A has $(cat "$TMP/a.totals")"; fi
check "$TMP/ab.json" '.classes.heap.delta == {"size": 0, "rss": 65536, "pss": 65536, "uss": 65536, "swap": 0, "count": 0}' \
	"written 64 KiB: heap Rss, Pss and USS +65536 exactly, size 0"
check "$TMP/ab.json" '[.regions[] | select(.class == "heap")] | length == 1 and .[0].change == "grown" and .[0].delta.rss == 65536' \
	"the heap region: grown, Rss +65536"
check "$TMP/live.json" '.classes.heap.delta.rss == 65536 and .b.source != "'"$TMP/b.json"'"' \
	"a live PID as a side: the same +65536"
expect 0 "diff b c --json" "$MEMSCOPE" diff --json "$TMP/b.json" "$TMP/c.json"
check "$TMP/out" '.classes.heap.delta.size == 65536 and .classes.heap.delta.rss == 0' \
	"sbrk(64 KiB) again: heap size +65536, Rss +0"
check "$TMP/out" '.regions[0].change == "grown" and .regions[0].class == "heap" and .regions[0].a.start == .regions[0].b.start' \
	"the heap matched by its start, grown"
expect 0 "diff for people" "$MEMSCOPE" diff --bytes "$TMP/a.json" "$TMP/b.json"
has "$TMP/out" '^heap +0 +\+65536 +\+65536 +\+65536 +0 +\+0 ' "the heap row: +65536 (--bytes)"
has "$TMP/out" '^grown +heap ' "the region, grown"
expect 0 "diff from standard input" sh -c "\"$MEMSCOPE\" diff --json - \"$TMP/b.json\" < \"$TMP/a.json\""
check "$TMP/out" '.classes.heap.delta.rss == 65536' "- reads standard input"
expect 2 "both sides -" "$MEMSCOPE" diff - -

# output that cannot be written: the check could not run (2), not "held" (1)
expect 2 "diff into a full disk" sh -c "'$MEMSCOPE' diff '$TMP/a.json' '$TMP/b.json' > /dev/full"
has "$TMP/err" "^memscope: cannot write the output" "says the output was lost"
one_line "$TMP/err" "in one line"
expect 2 "diff --json into a full disk" sh -c "'$MEMSCOPE' diff --json '$TMP/a.json' '$TMP/b.json' > /dev/full"
expect 2 "diff into a full disk, an expression held" \
	sh -c "'$MEMSCOPE' diff --fail-if 'heap.rss > +0' '$TMP/a.json' '$TMP/b.json' > /dev/full"

# ---- --fail-if: each operator and unit on both sides of its threshold
# gate CODE EXPR [A B]: diff with --fail-if EXPR exits CODE
gate() {
	code=$1 expr=$2
	a=${3:-$TMP/a.json} b=${4:-$TMP/b.json}
	"$MEMSCOPE" diff --fail-if "$expr" "$a" "$b" > /dev/null 2> "$TMP/err"
	got=$?
	if [ $got -eq "$code" ]; then ok "--fail-if '$expr' exits $code"
	else fail "--fail-if '$expr' exits $got, expected $code"; sed 's/^/#   /' "$TMP/err"; fi
}
gate 1 'heap.rss > +63KiB';  gate 0 'heap.rss > +64KiB'
gate 1 'heap.rss >= +64KiB'; gate 0 'heap.rss >= +65KiB'
gate 1 'heap.rss < +65KiB';  gate 0 'heap.rss < +64KiB'
gate 1 'heap.rss <= +64KiB'; gate 0 'heap.rss <= +63KiB'
gate 1 'heap.rss >= +65536B'; gate 0 'heap.rss >= +65537B'
gate 1 'heap.rss >= +0.0625MiB'; gate 0 'heap.rss > +0.0625MiB'
gate 1 'heap.rss > +0.00005GiB'; gate 0 'heap.rss > +0.0001GiB'
gate 1 'heap.rss >= +65.536kB'; gate 0 'heap.rss > +65.536kB'
gate 1 'heap.rss > +0.065MB'; gate 0 'heap.rss > +0.066MB'
gate 1 'heap.rss > +0.00000005TiB'; gate 0 'heap.rss > +0.0000001TiB'
gate 1 'heap.rss > +0.00000006TB'; gate 0 'heap.rss > +0.00000007TB'
gate 1 'heap.rss < +1GB'; gate 0 'heap.rss >= +1GB'
gate 1 'heap.rss>+0'; gate 0 'heap.size>+0'
gate 1 'total.rss > +1%'; gate 0 'total.rss > +50%'
gate 1 'heap.uss > +63KiB'; gate 1 'total.rss >= +64KiB'; gate 1 'heap.pss >= +64KiB'; gate 0 'total.swap > +0'
gate 1 'heap.count >= +0'; gate 0 'heap.count > +0'; gate 1 'total.count < +1'
# the units memscope prints (+64K, +1.5M, 8.0E: powers of 1024) are taken back
gate 1 'heap.rss > +63K'; gate 0 'heap.rss > +64K'; gate 1 'heap.rss >= +64.0K'
gate 1 'heap.rss >= +0.0625M'; gate 0 'heap.rss > +0.0625M'; gate 0 'total.rss > +1M'
gate 0 'heap.rss > +1.5G'; gate 1 'heap.rss < +1T'; gate 1 'heap.rss < +1P'; gate 1 'heap.rss < +1E'
gate 1 'heap.rss < +1PiB'; gate 1 'heap.rss < +1EiB'; gate 1 'heap.rss > -8E'; gate 0 'heap.rss > +15.9E'
gate 1 'heap.rss < -63KiB' "$TMP/b.json" "$TMP/a.json"
gate 0 'heap.rss < -64KiB' "$TMP/b.json" "$TMP/a.json"
gate 1 'heap.rss <= -64KiB' "$TMP/b.json" "$TMP/a.json"
gate 1 'total.rss < -1%' "$TMP/b.json" "$TMP/a.json"
gate 0 'total.rss < -50%' "$TMP/b.json" "$TMP/a.json"

"$MEMSCOPE" diff --fail-if 'heap.rss > +1KiB' --fail-if 'total.swap > +0' --fail-if 'heap.size > +0' \
	"$TMP/a.json" "$TMP/b.json" > /dev/null 2> "$TMP/err"
st=$?
if [ $st -eq 1 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ]; then ok "three expressions, one held: exit 1, one line"
else fail "three expressions: exit $st, $(wc -l < "$TMP/err") lines"; fi
has "$TMP/err" "^memscope: fail-if 'heap.rss > \+1KiB' held: the change was \+64K, the threshold \+1.0K$" \
	"names the expression that held, with the change"
# a threshold of 2^63 bytes is +8.0E, not -8.0E
expect 1 "a threshold of 2^63 bytes" "$MEMSCOPE" diff --fail-if 'heap.rss < +8E' "$TMP/a.json" "$TMP/b.json"
has "$TMP/err" "the change was \+64K, the threshold \+8\.0E$" "is printed +8.0E"
expect 1 "a threshold of -2^63 bytes" "$MEMSCOPE" diff --fail-if 'heap.rss > -8EiB' "$TMP/a.json" "$TMP/b.json"
has "$TMP/err" "the threshold -8\.0E$" "is printed -8.0E"
expect 1 "a threshold of 2^63 bytes, --bytes" "$MEMSCOPE" diff --bytes --fail-if 'heap.rss < +8E' \
	"$TMP/a.json" "$TMP/b.json"
has "$TMP/err" "the change was \+65536, the threshold \+9223372036854775808$" "is printed +9223372036854775808"
expect 1 "a threshold of 2^63 bytes, --json" "$MEMSCOPE" diff --json --fail-if 'heap.rss < +8E' \
	"$TMP/a.json" "$TMP/b.json"
has "$TMP/out" '"delta":65536,"threshold":9223372036854775808\}' "is an exact integer in JSON"
"$MEMSCOPE" diff --json --fail-if 'heap.rss > +1KiB' "$TMP/a.json" "$TMP/b.json" > "$TMP/out" 2> /dev/null
check "$TMP/out" '.fail_if == [{"expr": "heap.rss > +1KiB", "holds": true, "delta": 65536, "threshold": 1024}]' \
	"--json lists the expressions and what they gave"

# a line break in an expression is shown as \012: the message stays one line
expect 2 "a --fail-if holding a line break is refused" "$MEMSCOPE" diff --fail-if "heap.rss > +
1KiB" "$TMP/a.json" "$TMP/b.json"
one_line "$TMP/err" "in one line, the break written as an octal escape"
expect 1 "a --fail-if after a tab holds" "$MEMSCOPE" diff --fail-if "	heap.rss >= +0" "$TMP/a.json" "$TMP/b.json"
one_line "$TMP/err" "said in one line, the tab written as an octal escape"
for bad in 'heap.rss > 10MiB' 'heap.rss >> +1KiB' 'nothing.rss > +1KiB' 'heap.bogus > +1KiB' \
	'heap.rss > +1XB' 'heap.count > +1KiB' 'heap.rss' '' 'heap.rss > +' 'heap.rss > +1 KiB' \
	'heap.rss > +16E' 'heap.rss < -16EiB' 'heap.rss > +20000P' 'heap.rss > +1e30B' 'heap.rss > +1e300TB' \
	'heap.count > +1e30' 'heap.count > +18446744073709551616' 'total.rss < -55555555555555555555%' 'heap.rss > +1KK' 'heap.rss > +1k'; do
	expect 2 "malformed --fail-if '$bad'" "$MEMSCOPE" diff --fail-if "$bad" "$TMP/a.json" "$TMP/b.json"
	one_line "$TMP/err" "one line for '$bad'"
done

# ---- snapshot files that are not: exit 2, one line naming the file
head -c 300 "$TMP/a.json" > "$TMP/truncated.json"
echo 'hello' > "$TMP/text.json"
: > "$TMP/empty.json"
echo '[1, 2, 3]' > "$TMP/array.json"
echo '{"schema": "memscope-snapshot/1", "regions": "many"}' > "$TMP/shape.json"
sed 's|"memscope-snapshot/1"|"memscope-snapshot/9"|' "$TMP/a.json" > "$TMP/newer.json"
for f in truncated text empty array shape newer; do
	expect 2 "a $f file" "$MEMSCOPE" diff "$TMP/$f.json" "$TMP/b.json"
	one_line "$TMP/err" "$f: one line"
	has "$TMP/err" "'$TMP/$f.json'" "$f: names the file"
done
has "$TMP/err" "newer" "a newer schema says so"
# a snapshot that disagrees with itself, or nests too deep: refused with the reason
jq -c '.regions = [.regions[1], .regions[0]] + .regions[2:]' "$TMP/a.json" > "$TMP/unsorted.json"
jq -c ".totals.rss += $PAGE" "$TMP/a.json" > "$TMP/sum.json"
jq -c '.classes.heap.count += 1' "$TMP/a.json" > "$TMP/count.json"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]" }' \
	> "$TMP/deep.json"
sed 's/"inode":[0-9]*/"inode":18446744073709551616/' "$TMP/a.json" > "$TMP/range.json"
for f in unsorted:'regions\[1\]: below regions\[0\] \(unsorted\)' sum:'totals\.rss: not the sum of the regions' \
	count:'classes\.heap\.count: not the number of regions' deep:'nested deeper than 1000 levels' \
	range:'regions\[0\]\.inode: out of range'; do
	expect 2 "a snapshot: ${f%%:*}" "$MEMSCOPE" diff "$TMP/${f%%:*}.json" "$TMP/b.json"
	one_line "$TMP/err" "${f%%:*}: one line"
	has "$TMP/err" "${f#*:}" "${f%%:*}: says why"
done
# objects or regions of the wrong shape once freed a pointer twice (exit 134)
i=0
for edit in 'del(.objects)' '.objects = 5' '.objects = {}' '.regions = "many"' '.regions = {}' \
	'del(.regions)'; do
	i=$((i + 1))
	jq -c "$edit" "$TMP/a.json" > "$TMP/arr$i.json"
	expect 2 "a snapshot with $edit" "$MEMSCOPE" diff "$TMP/arr$i.json" "$TMP/b.json"
	one_line "$TMP/err" "$edit: one line"
	has "$TMP/err" "(objects|regions): expected an array" "$edit: says which is not an array"
done
expect 2 "truncated, as the second side" "$MEMSCOPE" diff "$TMP/a.json" "$TMP/truncated.json"
grep -q truncated "$TMP/err" && ok "says truncated" || fail "does not say truncated: $(cat "$TMP/err")"
expect 2 "a file that is not there" "$MEMSCOPE" diff "$TMP/none.json" "$TMP/b.json"
has "$TMP/err" "cannot read '$TMP/none.json': No such file" "says it is not there"
sleep 0 & gone=$!
wait $gone
expect 2 "a vanished pid as a side" "$MEMSCOPE" diff "$TMP/a.json" $gone
expect 2 "diff needs two sides" "$MEMSCOPE" diff "$TMP/a.json"
expect 2 "--fail-if goes with diff only" "$MEMSCOPE" summary --fail-if 'total.rss > +0' $$

# The URL checks need memscope-fetch, which a build --without-libcurl leaves out.
url_checks() {
	# ---- over HTTP on loopback
	serve() { # serve FILE ARGS...: a server until the test ends; $port
		rm -f "$TMP/sin" "$TMP/sport"
		mkfifo "$TMP/sin"
		"$HELPERS/serve" "$@" < "$TMP/sin" > "$TMP/sport" &
		KILL_AT_EXIT="${KILL_AT_EXIT:-} $!"
		exec 7> "$TMP/sin"
		i=0
		while ! grep -q port "$TMP/sport" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		port=$(sed -n 's/^port //p' "$TMP/sport")
	}
	serve "$TMP/a.json"
	url="http://127.0.0.1:$port/a.json"
	expect 0 "diff URL file" "$MEMSCOPE" diff --json "$url" "$TMP/b.json"
	jq -c 'del(.a.source)' "$TMP/out" > "$TMP/by-url"
	"$MEMSCOPE" diff --json "$TMP/a.json" "$TMP/b.json" | jq -c 'del(.a.source)' > "$TMP/by-file"
	if cmp -s "$TMP/by-url" "$TMP/by-file"; then ok "a snapshot served over HTTP diffs like the file"
	else fail "over HTTP the diff differs"; fi
	expect 2 "a URL that is not found" "$MEMSCOPE" diff "http://127.0.0.1:$port/missing" "$TMP/b.json"
	has "$TMP/err" "^memscope: cannot fetch 'http://127.0.0.1:$port/missing': .*404" "says 404"
	one_line "$TMP/err" "in one line"
	exec 7>&-

	serve "$TMP/a.json" --auth ms:secret
	url="http://127.0.0.1:$port/a.json"
	expect 2 "no credentials: 401" env -u MEMSCOPE_HTTP_USER HOME="$TMP" "$MEMSCOPE" diff "$url" "$TMP/b.json"
	has "$TMP/err" "401" "says 401"
	expect 0 "credentials from the environment" env MEMSCOPE_HTTP_USER=ms MEMSCOPE_HTTP_PASSWORD=secret \
		"$MEMSCOPE" diff "$url" "$TMP/b.json"
	printf 'machine 127.0.0.1 login ms password secret\n' > "$TMP/netrc"
	chmod 600 "$TMP/netrc"
	expect 0 "credentials from a netrc file" env NETRC="$TMP/netrc" "$MEMSCOPE" diff "$url" "$TMP/b.json"
	exec 7>&-

	# ---- over HTTPS: a self-signed certificate fails unless --insecure
	if command -v openssl > /dev/null &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
			-keyout "$TMP/key.pem" -out "$TMP/cert.pem" > /dev/null 2>&1; then
		(cd "$TMP" && exec openssl s_server -accept 127.0.0.1:0 -cert cert.pem -key key.pem \
			-WWW < /dev/null > "$TMP/tls" 2>&1) &
		KILL_AT_EXIT="${KILL_AT_EXIT:-} $!"
		i=0
		while ! grep -q '^ACCEPT' "$TMP/tls" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		url="https://127.0.0.1:$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$TMP/tls")/a.json"
		expect 2 "https with a self-signed certificate" "$MEMSCOPE" diff "$url" "$TMP/b.json"
		has "$TMP/err" "^memscope: cannot fetch '$url': SSL certificate problem" "says why"
		one_line "$TMP/err" "in one line"
		expect 0 "https --insecure" "$MEMSCOPE" diff --insecure --json "$url" "$TMP/b.json"
		jq -c 'del(.a.source)' "$TMP/out" > "$TMP/by-url"
		if cmp -s "$TMP/by-url" "$TMP/by-file"; then ok "over HTTPS it diffs like the file"
		else fail "over HTTPS the diff differs"; fi
	else
		skip "https: openssl cannot make a certificate here"
	fi

	expect 2 "an unreachable URL" "$MEMSCOPE" diff --timeout 2 "http://127.0.0.1:1/a.json" "$TMP/b.json"
	has "$TMP/err" "^memscope: cannot fetch 'http://127.0.0.1:1/a.json': .*connect" "says it cannot connect"
	one_line "$TMP/err" "in one line"
	serve "$TMP/a.json" --silent
	expect 2 "a server that never answers, --timeout 1" timeout 30 "$MEMSCOPE" diff --timeout 1 \
		"http://127.0.0.1:$port/a.json" "$TMP/b.json"
	has "$TMP/err" "no answer within the timeout" "ends at the timeout, and says so"
	exec 7>&-

	# ---- memscope-fetch on its own: the conventions of every program
	fetch=$(dirname "$MEMSCOPE_BIN")/memscope-fetch
	expect 0 "memscope-fetch --help" "$fetch" --help
	has "$TMP/out" '^usage: memscope-fetch ' "shows its usage"
	expect 0 "memscope-fetch --version" "$fetch" --version
	has "$TMP/out" '^memscope-fetch [0-9]+\.[0-9]+\.[0-9]+$' "prints its version"
	for t in 0 3601 10s ''; do
		expect 2 "memscope-fetch --timeout '$t'" "$fetch" --timeout "$t" "http://127.0.0.1:1/"
		has "$TMP/err" "^memscope-fetch: --timeout takes seconds \(1 to 3600\), not '$t'$" \
			"names the value '$t'"
	done
	expect 2 "memscope-fetch --timeout without its value" "$fetch" --timeout
	has "$TMP/err" "^memscope-fetch: '--timeout' needs a value$" "says it needs a value"
	expect 2 "memscope-fetch without a URL" "$fetch"
	expect 2 "memscope-fetch with two URLs" "$fetch" "http://127.0.0.1:1/" "http://127.0.0.1:2/"

	# ---- libcurl stays out of memscope; memscope-fetch has it
	if [ -n "${LIBTOOL:-}" ] && $LIBTOOL --mode=execute ldd "$MEMSCOPE_BIN" > "$TMP/ldd" 2>&1; then
		grep -q curl "$TMP/ldd" && fail "memscope links libcurl" || ok "memscope does not link libcurl"
		fetch=$(dirname "$MEMSCOPE_BIN")/memscope-fetch
		ldd "$fetch" 2> /dev/null | grep -q libcurl && ok "memscope-fetch links libcurl" ||
			fail "memscope-fetch does not link libcurl"
	else
		skip "ldd"
	fi
}
if [ -x "$(dirname "$MEMSCOPE_BIN")/memscope-fetch" ]; then
	url_checks
else
	expect 2 "without libcurl, a URL" "$MEMSCOPE" diff "http://127.0.0.1:1/a.json" "$TMP/b.json"
	has "$TMP/err" "built without libcurl" "says memscope is built without libcurl"
	skip "the URL checks: memscope is built without libcurl"
fi

finish
