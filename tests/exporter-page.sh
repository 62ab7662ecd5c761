#!/bin/sh
# memscope-exporter serves the page (web/) and compares two snapshots:
# files of one shape only from --web.ui-dir, with their types, a
# Content-Security-Policy and an ETag; POST /api/v1/diff answers what
# "memscope diff --json" prints for the same two files, and refuses what
# is not two snapshots, a page of another origin, and a body too large.
. "$SETUP"
[ -n "${EXPORTER:-}" ] || skip_all "memscope-exporter is not built (configure --without-exporter)"
command -v curl > /dev/null && command -v jq > /dev/null || skip_all "needs curl and jq"

# a folder of the page's shape, with what must stay out of reach beside it
ui=$TMP/ui
mkdir -p "$ui/js" "$ui/.git"
echo '<!DOCTYPE html><title>t</title>' > "$ui/index.html"
echo 'body{}' > "$ui/style.css"
echo '"use strict";' > "$ui/js/app.js"
echo secret > "$ui/.git/config.js"
echo secret > "$TMP/outside.js"
ln -s "$TMP/outside.js" "$ui/js/link.js"
start_exporter page "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.enable-process-api \
	--web.ui-dir "$ui"
base=$url

# ---- the page's files
curl -s -D "$TMP/head" -o "$TMP/body" "$base/"
if grep -qi '^Content-Type: text/html; charset=utf-8' "$TMP/head" && cmp -s "$TMP/body" "$ui/index.html"
then ok "/ is index.html, as HTML"; else fail "/ is not index.html"; sed 's/^/#   /' "$TMP/head"; fi
if grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self';" "$TMP/head"
then ok "with a Content-Security-Policy allowing the page's own scripts alone"
else fail "no Content-Security-Policy"; fi
curl -s -D "$TMP/head" -o /dev/null "$base/js/app.js"
if grep -qi '^Content-Type: text/javascript' "$TMP/head"; then ok "a script as JavaScript"; else fail "a script's type"; fi
curl -s -D "$TMP/head" -o /dev/null "$base/style.css"
if grep -qi '^Content-Type: text/css' "$TMP/head"; then ok "the style sheet as CSS"; else fail "the style sheet's type"; fi
etag=$(sed -n 's/^ETag: *//Ip' "$TMP/head" | tr -d '\r')
status_is 304 "a revalidation with its ETag is 304" "$base/style.css" -H "If-None-Match: $etag"
echo 'body{color:red}' > "$ui/style.css"
status_is 200 "an edited file is served anew" "$base/style.css" -H "If-None-Match: $etag"
for path in /js/../index.html /%2e%2e/outside.js /.git/config.js /js/link.js /js/missing.js \
	/index.htm /JS/app.js /js/app.js.bak; do
	status_is 404 "$path is 404" "$base$path" --path-as-is
done
if ! grep -q secret "$TMP/body"; then ok "nothing outside the page was served"; else fail "served a secret"; fi

# ---- POST /api/v1/diff: memscope diff's document
run_helper "$HELPERS/grow" "$TMP"
"$MEMSCOPE" snap "$helper" -o "$TMP/a.json"
kill -USR1 "$helper"
i=0
until grep -q '^touched 9$' "$TMP/helper-1.out" || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
"$MEMSCOPE" snap "$helper" -o "$TMP/b.json"
"$MEMSCOPE" diff --json "$TMP/a.json" "$TMP/b.json" > "$TMP/cli.json"
status_is 200 "two snapshots posted are compared" "$base/api/v1/diff" -F "a=@$TMP/a.json" -F "b=@$TMP/b.json"
if jq -e '.a.source == "a.json" and .b.source == "b.json"' "$TMP/body" > /dev/null &&
	jq -S 'del(.a.source, .b.source)' "$TMP/body" > "$TMP/http.n" &&
	jq -S 'del(.a.source, .b.source)' "$TMP/cli.json" > "$TMP/cli.n" && cmp -s "$TMP/http.n" "$TMP/cli.n"
then ok "the answer is memscope diff --json's, each side named by its file"
else fail "the answer differs from memscope diff --json"; diff "$TMP/cli.n" "$TMP/http.n" | head -5 | sed 's/^/#   /'; fi
if jq -e '[.regions[] | select(.change == "grown" and .class == "anon" and .delta.rss == 8388608)] | length == 1' \
	"$TMP/body" > /dev/null
then ok "the region grown by 8 MiB is in it"; else fail "the grown region is missing"; fi

status_is 405 "GET on the diff is 405" "$base/api/v1/diff"
curl -s -D "$TMP/head" -o /dev/null "$base/api/v1/diff"
if grep -qi '^Allow: POST' "$TMP/head"; then ok "saying POST"; else fail "no Allow: POST"; fi
status_is 400 "a side that is no snapshot is 400" "$base/api/v1/diff" -F "a=@$TMP/a.json" -F "b=@$ui/index.html"
has "$TMP/body" "^'b' is not a snapshot" "and says which"
status_is 400 "a missing side is 400" "$base/api/v1/diff" -F "a=@$TMP/a.json"
status_is 415 "a body that is no form is 415" "$base/api/v1/diff" -H 'Content-Type: application/json' -d '{}'
status_is 403 "a page of another origin is refused" "$base/api/v1/diff" -H 'Origin: http://example.com' \
	-F "a=@$TMP/a.json" -F "b=@$TMP/b.json"
status_is 200 "the page's own origin is served" "$base/api/v1/diff" -H "Origin: $base" \
	-F "a=@$TMP/a.json" -F "b=@$TMP/b.json"
status_is 413 "a body over 64 MiB is refused before it is read" "$base/api/v1/diff" \
	-H 'Content-Type: multipart/form-data; boundary=x' -H 'Content-Length: 67108865' --data-binary ''
# a chunked body past the bound: the connection closed, the exporter serving on
head -c 70000000 /dev/zero | curl -s -o /dev/null -H 'Transfer-Encoding: chunked' \
	-F "a=@-;filename=a" -F "b=@$TMP/b.json" --max-time 20 "$base/api/v1/diff" 2> /dev/null
status_is 200 "after a chunked body past the bound, the next diff is served" "$base/api/v1/diff" \
	-F "a=@$TMP/a.json" -F "b=@$TMP/b.json"

# without the process API: no diff, and a plain landing page without a page
start_exporter bare "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.ui-dir "$TMP/none"
status_is 404 "the diff needs the process API" "$url/api/v1/diff" -F "a=@$TMP/a.json" -F "b=@$TMP/b.json"
has "$TMP/body" "the process API is off" "and says so"
status_is 200 "without the page's folder, / still answers" "$url/"
has "$TMP/bare.err" "the page is not served: cannot open" "and the exporter says why"
stop_exporters
finish
