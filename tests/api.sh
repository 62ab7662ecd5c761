#!/bin/sh
# The library's interface, three times over: what libmemscope.so exports,
# what memscope.h declares, and what memscope(3) documents are the same
# functions.  A function missing from any of the three is named.
. "$SETUP"

so=$(dirname "$MEMSCOPE_BIN")/lib/.libs/libmemscope.so
header=$SRCDIR/lib/memscope.h
manpage=$SRCDIR/docs/memscope.3
command -v nm > /dev/null || skip_all "needs nm"
[ -f "$so" ] || skip_all "no shared library at '$so'"

# exported: defined dynamic symbols, less the version node
nm -D --defined-only "$so" | awk '{ sub(/@.*/, "", $3); if ($3 !~ /^MEMSCOPE_/) print $3 }' |
	sort -u > "$TMP/exported"
# declared: a line that starts a prototype, "TYPE ms_name(" (the header
# writes one a line); static inline ones apart: not exported
grep -E '^[a-z].*[ *]ms_[a-z0-9_]+\(' "$header" | grep -v '^static inline' | grep -v '^typedef' |
	sed -E 's/^[^(]*[ *](ms_[a-z0-9_]+)\(.*/\1/' | sort -u > "$TMP/declared"
grep -E '^static inline .*[ *]ms_[a-z0-9_]+\(' "$header" |
	sed -E 's/^[^(]*[ *](ms_[a-z0-9_]+)\(.*/\1/' | sort -u > "$TMP/inline"
# documented: the SYNOPSIS, a .BI line a prototype
sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$manpage" | grep -E '^\.BI "' | grep -v '"typedef ' |
	sed -nE 's/^\.BI "[^(]*[ *](ms_[a-z0-9_]+)\(.*/\1/p' | sort -u > "$TMP/documented"

n=$(wc -l < "$TMP/exported")
if [ "$n" -ge 20 ]; then ok "the library exports $n functions"; else
	fail "the library exports only $n functions: is '$so' the library?"; fi

# missing LIST-A LIST-B WHAT: each name of A not in B is a failure
missing() {
	comm -23 "$TMP/$1" "$TMP/$2" > "$TMP/missing"
	while read -r name; do fail "$name: $3"; done < "$TMP/missing"
	[ -s "$TMP/missing" ] || ok "every $1 function is $2 too"
}
missing exported declared "exported, but memscope.h does not declare it"
missing declared exported "declared in memscope.h, but the library does not export it"
cat "$TMP/declared" "$TMP/inline" | sort -u > "$TMP/public"
missing public documented "in memscope.h, but not in memscope(3)'s SYNOPSIS"
missing documented public "in memscope(3), but not in memscope.h"
finish
