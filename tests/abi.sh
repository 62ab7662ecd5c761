#!/bin/sh
# The library's ABI against the record of every interface it has had
# (lib/abi/interface-C-age-A.xml, made by abidw): the ABI built is the one
# recorded for its libtool version (current C, age A), and each interface
# changed from the one before as its number says (memscope(3), "Versions"):
# an addition is the next C with the next A; a removal or any change that
# breaks a caller is the next C with age 0, and so a new soname.
. "$SETUP"

abi=$SRCDIR/lib/abi
libs=$(dirname "$MEMSCOPE_BIN")/lib/.libs
command -v abidw > /dev/null && command -v abidiff > /dev/null || skip_all "needs abigail-tools"
so=$(ls "$libs"/libmemscope.so.*.*.* 2> /dev/null | head -n 1)
[ -n "$so" ] || skip_all "no shared library in '$libs'"

# libmemscope.so.MAJOR.AGE.REVISION, as libtool names it: C = MAJOR + AGE
v=${so##*.so.}
major=${v%%.*} age=${v#*.} age=${age%%.*}
current=$((major + age))
record=$abi/interface-$current-age-$age.xml

# From interface 3 on the structs are opaque: what changes inside one is no
# change of the ABI (lib/abi/opaque.suppr names them)
opaque() { [ "$1" -ge 3 ] && echo "--suppressions $abi/opaque.suppr"; }

# the ABI of the library built, as the records are made (make abi-record)
abidw --headers-dir "$SRCDIR/lib" --no-corpus-path --no-comp-dir-path \
	--out-file "$TMP/built.xml" "$so" 2> "$TMP/abidw.err" ||
	skip_all "abidw cannot read '$so': $(head -n 1 "$TMP/abidw.err")"
grep -q "<function-decl name='ms_snapshot_take'" "$TMP/built.xml" ||
	skip_all "'$so' has no debugging information (built without -g?)"

if [ ! -f "$record" ]; then
	fail "interface $current (age $age) is not recorded: 'make abi-record' writes $record"
elif abidiff $(opaque $current) "$record" "$TMP/built.xml" > "$TMP/diff" 2>&1; then
	ok "the ABI built is interface $current's, as recorded"
else
	sed 's/^/# /' "$TMP/diff" | head -n 40
	fail "the ABI differs from interface $current's: give it a new number (memscope(3), Versions) and record it"
fi

# each record against the one before it
prev=
for f in $(ls "$abi"/interface-*-age-*.xml | sort -t- -k2,2n); do
	name=${f##*/interface-} c=${name%%-*} a=${name#*-age-} a=${a%.xml}
	grep -q "soname='libmemscope.so.$((c - a))'" "$f" ||
		fail "${f##*/}: its soname is not libmemscope.so.$((c - a))"
	if [ -n "$prev" ]; then
		abidiff $(opaque $pc) "$prev" "$f" > "$TMP/diff" 2>&1
		status=$?
		if [ $status -eq 0 ]; then
			fail "${f##*/}: no change from ${prev##*/}, yet a new interface"
		elif [ $((status & 8)) -ne 0 ] && [ "$a" -eq 0 ] && [ "$c" -gt "$pc" ]; then
			ok "${f##*/}: breaks ${prev##*/}, with a new soname"
		elif [ $((status & 8)) -ne 0 ]; then
			fail "${f##*/}: breaks ${prev##*/}, so its age must be 0"
		elif [ $((status & 4)) -ne 0 ] && [ "$c" -eq $((pc + 1)) ] && [ "$a" -eq $((pa + 1)) ]; then
			ok "${f##*/}: adds to ${prev##*/}"
		else
			fail "${f##*/}: adds to ${prev##*/}, so it is interface $((pc + 1)), age $((pa + 1))"
		fi
	fi
	prev=$f pc=$c pa=$a
done
[ -n "$prev" ] || fail "no interface is recorded in '$abi'"
finish
