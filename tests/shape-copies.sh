#!/bin/sh
# No block of six lines or more repeated in lib/ or tools/: a copy is a
# function waiting to be written.  The detector is jscpd, at the version
# pinned in tests/shape/package.json; `npm ci --prefix tests/shape` installs
# it (./build.sh check does).  A block counts from 30 tokens on, so that
# six closing braces in a row are no copy.
. "$SETUP"

jscpd=$SRCDIR/tests/shape/node_modules/.bin/jscpd
[ -x "$jscpd" ] && command -v node > /dev/null ||
	skip_all "jscpd is not installed (npm ci --prefix tests/shape)"
command -v jq > /dev/null || skip_all "needs jq"
want=$(jq -r '.devDependencies.jscpd' "$SRCDIR/tests/shape/package.json")
have=$("$jscpd" --version 2> /dev/null)
if [ "$have" = "$want" ]; then ok "jscpd $have, as pinned"; else
	fail "jscpd is $have, not the pinned $want (npm ci --prefix tests/shape)"; fi

cd "$SRCDIR" || exit 1
if "$jscpd" --silent --min-lines 6 --min-tokens 30 --format c --reporters json \
	--output "$TMP/report" lib tools > "$TMP/log" 2>&1; then
	ok "jscpd read lib/ and tools/"
else
	fail "jscpd did not run"; sed 's/^/#   /' "$TMP/log"
fi
report=$TMP/report/jscpd-report.json
sources=$(jq '.statistics.total.sources' "$report" 2> /dev/null)
if [ "${sources:-0}" -gt 30 ]; then ok "it read $sources files"; else
	fail "it read ${sources:-no} files"; fi
jq -r '.duplicates[] | "\(.firstFile.name):\(.firstFile.start)-\(.firstFile.end) repeats in " +
	"\(.secondFile.name):\(.secondFile.start)-\(.secondFile.end) (\(.lines) lines)"' \
	"$report" > "$TMP/copies" 2> /dev/null
while read -r copy; do fail "$copy"; done < "$TMP/copies"
[ -s "$TMP/copies" ] || ok "no block of six lines or more is repeated"
finish
