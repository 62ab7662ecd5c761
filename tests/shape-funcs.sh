#!/bin/sh
# No function in lib/ or tools/ longer than a screen: 60 lines between its
# opening and closing brace.  A function body opens with "{" and closes with
# "}", each alone at the start of a line (the kernel's and git's layout,
# which the sources keep); an initialiser or a struct never does.
. "$SETUP"
LIMIT=60

cd "$SRCDIR" || exit 1
files=$(find lib tools -name '*.c' | sort)
[ -n "$files" ] || skip_all "no sources under '$SRCDIR'"

# prints FILE:LINE NAME LENGTH for each function body over the limit, and
# the count of functions read last
# shellcheck disable=SC2086
awk -v limit=$LIMIT '
	/^[A-Za-z_].*\(/ { head = $0; headline = FNR }
	/^\{/ { start = FNR; next }
	/^\}/ && start {
		n = FNR - start - 1
		total++
		if (n > limit) {
			name = head; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
			printf "%s:%d %s %d\n", FILENAME, headline, name, n
		}
		start = 0
	}
	END { printf "functions %d\n", total }
' $files > "$TMP/long"

count=$(sed -n 's/^functions //p' "$TMP/long")
if [ "${count:-0}" -gt 100 ]; then ok "read $count functions"; else
	fail "read only ${count:-0} functions: is the layout still a brace a line?"; fi
sed -i '/^functions /d' "$TMP/long"
while read -r where name length; do
	fail "$name ($where) is $length lines long, over $LIMIT"
done < "$TMP/long"
[ -s "$TMP/long" ] || ok "no function is longer than $LIMIT lines"
finish
