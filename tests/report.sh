#!/bin/sh
# memscope report: one snapshot, or two and their diff, as one HTML file
# that carries its own data (the very documents snap and diff --json
# print), allows its script and style by their SHA-256, and escapes what a
# process names (</script>, U+2028) so the page's markup cannot be broken
# out of.  (tests/web.sh opens these files in Chromium.)
. "$SETUP"
command -v jq > /dev/null || skip_all "needs jq"

# data FILE: the report's JSON block, as the browser reads it
data() {
	sed -n 's|.*<script type="application/json" id="memscope-data">\(.*\)</script>$|\1|p' "$1"
}

hostile='</script><img src=x onerror=alert(1)>'
sep=$(printf '\342\200\250') # U+2028
run_helper "$HELPERS/grow" "$TMP" "line${sep}separator"
"$MEMSCOPE" snap "$helper" -o "$TMP/sep.json"
run_helper "$HELPERS/grow" "$TMP" "$hostile"
"$MEMSCOPE" snap "$helper" -o "$TMP/a.json"
kill -USR1 "$helper"
i=0
until grep -q '^touched 9$' "$TMP/helper-2.out" || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
"$MEMSCOPE" snap "$helper" -o "$TMP/b.json"

expect 0 "report of one snapshot" "$MEMSCOPE" report "$TMP/a.json" -o "$TMP/one.html"
if data "$TMP/one.html" | jq -e --slurpfile a "$TMP/a.json" \
	'.schema == "memscope-report/1" and .snapshots == $a and .diff == null' > /dev/null
then ok "it carries the snapshot as snap wrote it, and no diff"; else fail "not the snapshot"; fi
expect 0 "report of two snapshots" "$MEMSCOPE" report "$TMP/a.json" "$TMP/b.json" -o "$TMP/two.html"
"$MEMSCOPE" diff --json "$TMP/a.json" "$TMP/b.json" > "$TMP/diff.json"
if data "$TMP/two.html" | jq -e --slurpfile a "$TMP/a.json" --slurpfile b "$TMP/b.json" \
	--slurpfile d "$TMP/diff.json" '.snapshots == $a + $b and .diff == $d[0]' > /dev/null
then ok "it carries both and diff --json's document"; else fail "not both and their diff"; fi
"$MEMSCOPE" report "$TMP/a.json" "$helper" > "$TMP/live.html"
if data "$TMP/live.html" | jq -e --argjson p "$helper" '.snapshots[1].pid == $p and .diff.regions != null' > /dev/null
then ok "a side may be a live PID, the page on standard output"; else fail "a PID as a side"; fi

# what a process names is data, not markup
"$MEMSCOPE" report "$TMP/sep.json" -o "$TMP/sep.html"
if ! grep -q '<img src=x' "$TMP/two.html" && ! grep -q "$sep" "$TMP/sep.html"; then
	ok "no '<' nor U+2028 of a name reaches the file as it is"
else fail "a name's markup is in the file"; fi
if data "$TMP/two.html" | jq -e --arg n "$hostile" \
	'.snapshots[0].comm == "</script><img s" and any(.snapshots[0].regions[]; .path | endswith($n))' > /dev/null &&
	data "$TMP/sep.html" | jq -e --arg s "$sep" 'any(.snapshots[0].regions[]; .path | endswith("line\($s)separator"))' > /dev/null
then ok "yet the data holds the names, whole"; else fail "a name was lost"; fi
if [ "$(grep -c '<script' "$TMP/two.html")" = 2 ]; then ok "two script elements: the page's and the data"
else fail "$(grep -c '<script' "$TMP/two.html") script elements"; fi

# the policy lets exactly the inlined script and style run
if command -v python3 > /dev/null; then
	if python3 - "$TMP/two.html" << 'PY'
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
def sha(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
assert "script-src " + sha(script) + ";" in csp, "script"
assert "style-src " + sha(style) + ";" in csp, "style"
assert "unsafe-inline" not in csp and "connect-src 'none'" in csp, "policy"
PY
	then ok "its Content-Security-Policy allows the script and style by their SHA-256, and no network"
	else fail "the policy does not match the inlined script and style"; fi
else skip "needs python3"; fi

# statuses and files
expect 1 "a gone process as a side is 1" "$MEMSCOPE" report "$TMP/a.json" 999999999
echo '{"schema": "memscope-snapshot/1"}' > "$TMP/bad.json"
expect 2 "a file that is no snapshot is 2" "$MEMSCOPE" report "$TMP/bad.json"
one_line "$TMP/err" "and said in one line"
expect 2 "three sides are a usage error" "$MEMSCOPE" report "$TMP/a.json" "$TMP/a.json" "$TMP/a.json"
expect 2 "no side is a usage error" "$MEMSCOPE" report
mkdir "$TMP/folder"
expect 2 "-o into a folder is refused" "$MEMSCOPE" report "$TMP/a.json" -o "$TMP/folder"
cp "$TMP/one.html" "$TMP/keep.html"
expect 2 "a bad side leaves -o's file as it was" "$MEMSCOPE" report "$TMP/bad.json" -o "$TMP/keep.html"
if cmp -s "$TMP/one.html" "$TMP/keep.html" && [ -z "$(ls -A "$TMP" | grep '^keep.html.')" ]
then ok "untouched, no temporary file left"; else fail "the file was changed"; fi
finish
