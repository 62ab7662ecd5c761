#!/bin/sh
# The command table: every command in --help, in the man page and in its own
# --help; every option a command does not take refused, never ignored; and
# a /proc tree that cannot be opened is the same error in every command.
. "$SETUP"

# The commands --help lists, the man page's COMMANDS and SYNOPSIS list.
"$MEMSCOPE_BIN" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }' \
	| sort > "$TMP/help-cmds"
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$MANPAGE" | grep -A1 '^\.TP' \
	| sed -n 's/^\.BI\{0,1\} "\{0,1\}\([a-z]*\).*/\1/p' | sort > "$TMP/man-cmds"
sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$MANPAGE" | sed -n 's/^\.B memscope \([a-z]*\)$/\1/p' \
	| sort > "$TMP/synopsis-cmds"
if [ -s "$TMP/help-cmds" ] && diff "$TMP/help-cmds" "$TMP/man-cmds" > "$TMP/diff"; then
	ok "--help and the man page's COMMANDS name the same $(wc -l < "$TMP/help-cmds") commands"
else fail "--help and COMMANDS differ:"; sed 's/^/#   /' "$TMP/diff"; fi
if diff "$TMP/help-cmds" "$TMP/synopsis-cmds" > "$TMP/diff"; then
	ok "--help and the man page's SYNOPSIS name the same commands"
else fail "--help and SYNOPSIS differ:"; sed 's/^/#   /' "$TMP/diff"; fi

# A valid argument for each option that takes one; operands for a command.
arg_of() {
	case $1 in
	--class) echo anon ;; --region) echo 0x1000 ;; --color) echo never ;;
	--working-set) echo 0 ;; --proc) echo /proc ;; --fail-if) echo 'total.rss > +0' ;;
	--regions|--timeout|--count|--top) echo 1 ;; --interval) echo 1s ;;
	--sort) echo pss ;; --user) echo 0 ;; --name) echo x ;; --group-by) echo comm ;; --classes) echo rss ;;
	--svg|--output) echo "$TMP/never-written" ;; --cacert) echo /dev/null ;;
	esac
}
operands_of() {
	case $1 in diff) echo "$TMP/a $TMP/b" ;; run) echo "-- true" ;; ps|kernel) ;; *) echo 1 ;; esac
}

"$MEMSCOPE_BIN" --help | grep -Eo -- '^ +(-., )?--[a-z-]+' | grep -Eo -- '--[a-z-]+' \
	| grep -v -e --help -e --version > "$TMP/all-opts"
for cmd in $(cat "$TMP/help-cmds"); do
	expect 0 "$cmd --help exits 0" "$MEMSCOPE" "$cmd" --help
	has "$TMP/out" "^usage: memscope $cmd " "$cmd --help shows its usage"
	grep -Eo -- '--[a-z-]+' "$TMP/out" > "$TMP/takes"
	refused=0 wrong=""
	for opt in $(cat "$TMP/all-opts"); do
		grep -qx -- "$opt" "$TMP/takes" && continue
		arg=$(arg_of "$opt")
		# shellcheck disable=SC2046
		"$MEMSCOPE_BIN" "$cmd" "$opt" ${arg:+"$arg"} $(operands_of "$cmd") \
			> /dev/null 2> "$TMP/err"
		if [ $? -eq 2 ] && grep -q -- "^memscope: $opt goes with .*, not '$cmd'$" "$TMP/err"
		then refused=$((refused + 1)); else wrong="$wrong $opt"; fi
	done
	if [ -z "$wrong" ]; then ok "$cmd refuses the $refused options it does not take"
	else fail "$cmd does not refuse:$wrong"; fi
done
[ -e "$TMP/never-written" ] && fail "a refused -o or --svg wrote its file"

# --proc that cannot be opened: the same status and message everywhere
for cmd in maps summary snap pages layout watch; do
	for json in "" --json; do
		[ -n "$json" ] && ! grep -q "^$cmd$" "$TMP/help-cmds" && continue
		"$MEMSCOPE_BIN" "$cmd" --help | grep -q -- "$json" || continue
		expect 2 "$cmd $json --proc /nonexistent exits 2" \
			"$MEMSCOPE" "$cmd" $json --proc "$TMP/nowhere" 1
		has "$TMP/err" "^memscope: cannot open '$TMP/nowhere': No such file or directory$" \
			"$cmd $json says which tree it cannot open"
	done
done
expect 2 "run does not take --proc" "$MEMSCOPE" run --proc "$TMP/nowhere" -- true

finish
