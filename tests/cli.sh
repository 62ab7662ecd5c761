#!/bin/sh
# The memscope command: help, version, exit status, messages, output files.
. "$SETUP"

# ---- help and version
expect 0 "--help exits 0" "$MEMSCOPE" --help
has "$TMP/out" '^usage: memscope COMMAND' "--help prints the usage to stdout"
expect 0 "maps --help exits 0" "$MEMSCOPE" maps --help
expect 0 "--version exits 0" "$MEMSCOPE" --version
has "$TMP/out" '^memscope [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
expect 0 "snap --version exits 0" "$MEMSCOPE" snap --version

# ---- usage errors: exit 2, one line, and a hint
expect 2 "no arguments is a usage error" "$MEMSCOPE"
expect 2 "an unknown command" "$MEMSCOPE" frobnicate 1
has "$TMP/err" "^memscope: unknown command 'frobnicate'$" "names the unknown command"
for bad in abc 0 -5 12abc 99999999999 ''; do
	expect 2 "bad pid '$bad'" "$MEMSCOPE" maps "$bad"
	has "$TMP/err" "bad pid '$bad'|unknown option" "the message names '$bad'"
done
expect 2 "a missing pid" "$MEMSCOPE" summary
has "$TMP/err" "'summary' needs a PID" "says the pid is missing"
expect 2 "an extra argument" "$MEMSCOPE" maps 1 2
expect 2 "an unknown option" "$MEMSCOPE" maps --frob 1
has "$TMP/err" "unknown option '--frob'" "names the unknown option"
for opt in "diff --timeout" "snap 1 -o" "maps 1 --proc" "run --interval"; do
	# shellcheck disable=SC2086 # the command and its option, split
	expect 2 "$opt without its value" "$MEMSCOPE" $opt
	has "$TMP/err" "^memscope: '${opt##* }' needs a value$" "says '${opt##* }' needs a value"
done
expect 2 "-o goes with snap only" "$MEMSCOPE" maps -o "$TMP/x" 1
expect 2 "--proc that does not exist" "$MEMSCOPE" maps --proc "$TMP/nowhere" 1
one_line "$TMP/err" "that error is one line"

# ---- processes that are gone, or not ours
sleep 0 & gone=$!
wait $gone
expect 1 "a vanished pid exits 1" "$MEMSCOPE" maps $gone
has "$TMP/err" "^memscope: cannot inspect process '$gone': no such process$" "says it is gone"
one_line "$TMP/err" "that error is one line"
expect 1 "a vanished pid: snap too" "$MEMSCOPE" snap $gone

sleeper
# another user's process, seen unprivileged: as nobody, root's sleeper; as
# an ordinary user, a process of root's (one with memory: no kernel thread)
unpriv= theirs=
if [ "$(id -u)" -ne 0 ]; then
	unpriv=env theirs=$(roots_process)
	[ -n "$theirs" ] || unpriv=
elif can_be_nobody; then
	unpriv=as_nobody theirs=$SLEEPER
fi
if [ -n "$unpriv" ]; then
	expect 1 "another user's process exits 1" \
		$unpriv "$MEMSCOPE" maps "$theirs"
	has "$TMP/err" "cannot inspect process '$theirs': permission denied$" \
		"says permission denied"
	one_line "$TMP/err" "that error is one line"
else
	skip "permission denied: needs root to run as another user"
fi

# ---- output
expect 0 "maps of a live process" "$MEMSCOPE" maps $SLEEPER
rows=$(($(wc -l < "$TMP/out") - 2))
if [ "$rows" -eq "$(wc -l < /proc/$SLEEPER/maps)" ]; then ok "a row per region ($rows)"
else fail "rows: $rows, maps has $(wc -l < /proc/$SLEEPER/maps)"; fi
has "$TMP/out" '^ADDRESS +PERMS +CLASS +SIZE +RSS +PSS +USS +SWAP +NAME$' "maps has its header"
has "$TMP/out" ' code .*sleep$' "the executable's code is code"
has "$TMP/out" ' stack .*\[stack\]$' "[stack] is stack"
expect 0 "maps --bytes" "$MEMSCOPE" maps --bytes $SLEEPER
has "$TMP/out" '^[0-9a-f]+-[0-9a-f]+ r-xp +code +[0-9]+ +[0-9]+ ' "--bytes prints integers"
expect 0 "maps --json" "$MEMSCOPE" maps --json $SLEEPER
has "$TMP/out" '^\{"schema":"memscope-snapshot/1",' "maps --json is a snapshot document"
expect 0 "summary" "$MEMSCOPE" summary $SLEEPER
has "$TMP/out" "^process $SLEEPER \(sleep\)" "summary names the process"
has "$TMP/out" '^total +[0-9]+ ' "summary has a total"
has "$TMP/out" '^exe .*sleep$' "summary lists the executable"
has "$TMP/out" '^lib .*libc\.so' "summary lists libc"
expect 0 "summary --json" "$MEMSCOPE" summary --json $SLEEPER
has "$TMP/out" '"schema":"memscope-summary/1"' "summary --json has its schema"
if grep -q '"regions"' "$TMP/out"; then fail "summary --json has no regions"
else ok "summary --json has no regions"; fi
expect 2 "snap takes no --json" "$MEMSCOPE" snap --json $SLEEPER
expect 1 "a full disk is an error" sh -c "'$MEMSCOPE' maps $SLEEPER > /dev/full"
has "$TMP/err" "cannot write the output" "says the output was lost"

# ---- snap -o: all or nothing
echo precious > "$TMP/snap.json"
expect 1 "snap -o of a vanished pid fails" "$MEMSCOPE" snap -o "$TMP/snap.json" $gone
has "$TMP/snap.json" '^precious$' "the old file is left as it was"
if [ "$(ls "$TMP" | grep -c 'snap.json.')" -eq 0 ]; then ok "no temporary file is left"
else fail "a temporary file is left"; fi
expect 0 "snap -o of a live process" "$MEMSCOPE" snap --pretty -o "$TMP/snap.json" $SLEEPER
has "$TMP/snap.json" '"schema":[[:space:]]*"memscope-snapshot/1"' "the file is the snapshot"
has "$TMP/snap.json" '"class":[[:space:]]*"stack"' "with its regions"
expect 1 "snap -o into a missing folder" "$MEMSCOPE" snap -o "$TMP/no/such/x.json" $SLEEPER
has "$TMP/err" "cannot write '$TMP/no/such/x.json'" "names the file"

# ---- -o FILE: replaced only when a regular file; a link is followed, a
# device or FIFO written in place, a folder refused
ln -s snap.json "$TMP/link.json"
expect 0 "snap -o through a symbolic link" "$MEMSCOPE" snap -o "$TMP/link.json" $SLEEPER
if [ -L "$TMP/link.json" ]; then ok "the link is still a link"; else fail "the link was replaced"; fi
has "$TMP/snap.json" '^\{"schema":"memscope-snapshot/1",' "its target has the document"
chmod 600 "$TMP/snap.json"
expect 0 "snap -o over a file of mode 600" "$MEMSCOPE" snap -o "$TMP/snap.json" $SLEEPER
if [ "$(stat -c %a "$TMP/snap.json")" = 600 ]; then ok "the file keeps its mode"
else fail "the file's mode became $(stat -c %a "$TMP/snap.json")"; fi
ln -s "$TMP/new/../made.json" "$TMP/dangling.json"
mkdir "$TMP/new"
expect 0 "snap -o through a dangling link" "$MEMSCOPE" snap -o "$TMP/dangling.json" $SLEEPER
if [ -L "$TMP/dangling.json" ]; then ok "the dangling link is still a link"; else fail "the dangling link was replaced"; fi
has "$TMP/made.json" '^\{"schema":"memscope-snapshot/1",' "its target is made, with the document"
ln -s link.json "$TMP/link2.json"
expect 0 "snap -o through a link to a link" "$MEMSCOPE" snap -o "$TMP/link2.json" $SLEEPER
if [ -L "$TMP/link2.json" ] && [ -L "$TMP/link.json" ] && [ -f "$TMP/snap.json" ]; then
	ok "both links stay links"; else fail "a link of the chain was replaced"; fi
ln -s loop1 "$TMP/loop2"; ln -s loop2 "$TMP/loop1"
expect 1 "snap -o into a loop of links" "$MEMSCOPE" snap -o "$TMP/loop1" $SLEEPER
one_line "$TMP/err" "that error is one line"
rm -f "$TMP/fifo.out"
mkfifo "$TMP/fifo"
timeout 60 cat "$TMP/fifo" > "$TMP/fifo.out" &
reader=$!
expect 0 "snap -o into a FIFO" timeout 60 "$MEMSCOPE" snap -o "$TMP/fifo" $SLEEPER
[ -p "$TMP/fifo" ] || kill $reader 2> /dev/null  # replaced: the reader waits for ever
wait $reader
if [ -p "$TMP/fifo" ]; then ok "the FIFO is still a FIFO"; else fail "the FIFO was replaced"; fi
has "$TMP/fifo.out" '^\{"schema":"memscope-snapshot/1",' "the reader at the other end has the document"
if mknod "$TMP/null" c 1 3 2> /dev/null; then
	expect 0 "snap -o into a device node (of /dev/null)" "$MEMSCOPE" snap -o "$TMP/null" $SLEEPER
	if [ -c "$TMP/null" ]; then ok "the device is still a device"; else fail "the device was replaced"; fi
	if [ "$(ls "$TMP" | grep -c '^null\.')" -eq 0 ]; then ok "no temporary file beside it"
	else fail "a temporary file beside the device"; fi
else
	skip "-o into a device node: mknod needs root"
fi
mkdir "$TMP/folder"
expect 2 "snap -o into a folder is refused" "$MEMSCOPE" snap -o "$TMP/folder" $SLEEPER
has "$TMP/err" "^memscope: cannot write '$TMP/folder': it is a folder$" "says it is a folder"
one_line "$TMP/err" "that error is one line"
if [ -d "$TMP/folder" ] && [ -z "$(ls "$TMP/folder")" ]; then ok "the folder is left as it was"
else fail "the folder was changed"; fi
ln -s snap.json "$TMP/link.svg"
expect 0 "watch --svg through a symbolic link" "$MEMSCOPE" watch --count 1 --svg "$TMP/link.svg" $SLEEPER
if [ -L "$TMP/link.svg" ]; then ok "--svg keeps the link"; else fail "--svg replaced the link"; fi
has "$TMP/snap.json" '^<svg ' "--svg writes the link's target"
expect 2 "run -o into a folder is refused first" "$MEMSCOPE" run -o "$TMP/folder" -- touch "$TMP/ran"
if [ -e "$TMP/ran" ]; then fail "the command ran"; else ok "the command did not run"; fi

# ---- -o FILE: a path that names an open descriptor (/dev/stdout,
# /dev/fd/N, /proc/self/fd/N: a pipe there is no path) is written where it
# leads, appended to; what the caller's shell opened is never replaced
expect 0 "snap -o /dev/stdout into a pipe" \
	sh -c '"$0" snap -o /dev/stdout "$1" | cat' "$MEMSCOPE" $SLEEPER
has "$TMP/out" '^\{"schema":"memscope-snapshot/1",' "the pipe's reader has the document"
echo earlier > "$TMP/log"
expect 0 "snap -o /dev/stdout >> a file" \
	sh -c '"$0" snap -o /dev/stdout "$1" >> "$2"' "$MEMSCOPE" $SLEEPER "$TMP/log"
if [ "$(head -1 "$TMP/log")" = earlier ]; then ok "the file keeps its earlier line"
else fail "the file lost its earlier line"; fi
has "$TMP/log" '^\{"schema":"memscope-snapshot/1",' "and has the document after it"
if [ "$(ls "$TMP" | grep -c '^log\.')" -eq 0 ]; then ok "no temporary file beside it"
else fail "a temporary file beside it"; fi
expect 0 "snap -o /dev/fd/3 into a pipe" \
	sh -c '"$0" snap -o /dev/fd/3 "$1" 3>&1 > /dev/null | cat' "$MEMSCOPE" $SLEEPER
has "$TMP/out" '^\{"schema":"memscope-snapshot/1",' "the pipe's reader has the document"
expect 0 "snap -o /proc/self/fd/3 into a pipe" \
	sh -c '"$0" snap -o /proc/self/fd/3 "$1" 3>&1 > /dev/null | cat' "$MEMSCOPE" $SLEEPER
has "$TMP/out" '^\{"schema":"memscope-snapshot/1",' "the pipe's reader has the document"

# ---- -o FILE over a regular file: its mode, owner and other names kept
chmod 2750 "$TMP/snap.json"
expect 0 "snap -o over a file of mode 2750" "$MEMSCOPE" snap -o "$TMP/snap.json" $SLEEPER
if [ "$(stat -c %a "$TMP/snap.json")" = 2750 ]; then ok "the file keeps its setgid bit"
else fail "the file's mode became $(stat -c %a "$TMP/snap.json")"; fi
if [ "$(id -u)" -eq 0 ]; then
	chown 65534:65534 "$TMP/snap.json"
	expect 0 "as root, snap -o over a file of user 65534" \
		"$MEMSCOPE" snap -o "$TMP/snap.json" $SLEEPER
	if [ "$(stat -c %u:%g "$TMP/snap.json")" = 65534:65534 ]; then ok "the file keeps its owner"
	else fail "the file's owner became $(stat -c %u:%g "$TMP/snap.json")"; fi
else
	skip "the owner of a file of another user kept: needs root"
fi
echo precious > "$TMP/one.json"
ln "$TMP/one.json" "$TMP/other.json"
expect 1 "snap -o over a file of two names, of a vanished pid" \
	"$MEMSCOPE" snap -o "$TMP/one.json" $gone
has "$TMP/other.json" '^precious$' "the file is left as it was"
expect 0 "snap -o over a file of two names" "$MEMSCOPE" snap -o "$TMP/one.json" $SLEEPER
if [ "$TMP/one.json" -ef "$TMP/other.json" ]; then ok "the two names are still one file"
else fail "the names were split"; fi
has "$TMP/other.json" '^\{"schema":"memscope-snapshot/1",' "the other name has the document"
if [ "$(ls "$TMP" | grep -c '^one\.json\.')" -eq 0 ]; then ok "no temporary file is left"
else fail "a temporary file is left"; fi

# ---- pages: pagemap's view
expect 0 "pages of a live process" "$MEMSCOPE" pages $SLEEPER
has "$TMP/out" '^ADDRESS +PERMS +CLASS +SIZE +RAM +RES +SWAP +EXCL +FILE +USS\* +PSS\* +NAME$' \
	"pages has its header"
has "$TMP/out" ' stack +[0-9.]+K +[0-9.]+K +[0-9]+% .* +- +- \[stack\]$' \
	"without --exact, USS* and PSS* are not looked up"
expect 0 "pages --exact" "$MEMSCOPE" pages --exact $SLEEPER
if [ "$(id -u)" -eq 0 ]; then
	has "$TMP/out" ' stack .* [0-9.]+K +[0-9.]+K \[stack\]$' "as root, --exact gives USS* and PSS*"
else
	has "$TMP/out" '^USS\*, PSS\* \(exact, page by page\) unknown: /proc/kpageflags needs root' \
		"as a user, --exact says USS* and PSS* need root"
fi
has "$TMP/out" ' stack .*\[stack\]$' "pages lists the stack"
rows=$(grep -c '^[0-9a-f]*-[0-9a-f]* ' "$TMP/out")
if [ "$rows" -eq "$(wc -l < /proc/$SLEEPER/maps)" ]; then ok "pages: a row per region"
else fail "pages: $rows rows"; fi
expect 0 "pages --class code" "$MEMSCOPE" pages --class code $SLEEPER
if awk 'NR > 1 && $3 != "code"' "$TMP/out" | grep -q .; then fail "--class code shows only code"
else ok "--class code shows only code"; fi
stack=$(awk '/\[stack\]/ { split($1, a, "-"); print a[1] }' /proc/$SLEEPER/maps)
expect 0 "pages --region inside the stack" "$MEMSCOPE" pages --region "0x$stack" $SLEEPER
has "$TMP/out" 'stack .*\[stack\]$' "--region picks the stack"
if [ "$(wc -l < "$TMP/out")" -eq 2 ]; then ok "--region shows one region"
else fail "--region shows one region"; fi
expect 2 "pages --region of an unmapped address" "$MEMSCOPE" pages --region 0x10 $SLEEPER
has "$TMP/err" "no region holds address '0x10'" "says no region holds it"
expect 2 "pages --region of a bad address" "$MEMSCOPE" pages --region zz $SLEEPER
has "$TMP/err" "bad address 'zz'" "names the bad address"
expect 2 "pages --class of no class" "$MEMSCOPE" pages --class sparkly $SLEEPER
has "$TMP/err" "unknown class 'sparkly'" "names the unknown class"
expect 2 "--class and --region together" "$MEMSCOPE" pages --class code --region 0x1 $SLEEPER
expect 2 "--map goes with pages only" "$MEMSCOPE" maps --map $SLEEPER
expect 2 "--pages goes with snap only" "$MEMSCOPE" maps --pages $SLEEPER
COLUMNS=100 expect 0 "pages --map" "$MEMSCOPE" pages --map $SLEEPER
has "$TMP/out" 'stack +[0-9.]+K +[0-9]+%  \[[#+:s. ]+\] \[stack\]$' "--map draws a bar"
has "$TMP/out" '^PAGES, a cell each: # all in RAM' "--map ends with its legend"
if grep -q "$(printf '\033')" "$TMP/out"; then fail "--map into a file has no colour"
else ok "--map into a file has no colour"; fi
expect 0 "pages --pread" "$MEMSCOPE" pages --pread $SLEEPER
expect 0 "pages --json" "$MEMSCOPE" pages --json $SLEEPER
has "$TMP/out" '"pages_method":"pagemap-scan"' "pages --json names its method"
has "$TMP/out" '"pages":\{"present":[0-9]+,"swapped":0,' "pages --json has counts"
expect 0 "snap --pages --pread" "$MEMSCOPE" snap --pages --pread $SLEEPER
has "$TMP/out" '"pages_method":"pread"' "snap --pages --pread reads with pread"
expect 0 "snap without --pages" "$MEMSCOPE" snap $SLEEPER
if grep -q '"pages"' "$TMP/out"; then fail "snap alone has no pages"; else ok "snap alone has no pages"; fi
expect 1 "pages of a vanished pid" "$MEMSCOPE" pages $gone
has "$TMP/err" "no such process" "says it is gone"
if [ -n "$unpriv" ]; then
	expect 1 "pages of another user's process" \
		$unpriv "$MEMSCOPE" pages "$theirs"
	has "$TMP/err" "permission denied" "says permission denied"
	expect 0 "pages of one's own process, unprivileged" \
		$unpriv sh -c 'sleep 30 & "$0" pages --exact $!; s=$?; kill $!; exit $s' "$MEMSCOPE"
	has "$TMP/out" '^USS\*, PSS\* \(exact, page by page\) unknown: .*root' \
		"says why the exact figures are unknown"
else
	skip "pages as another user: needs root and setpriv"
fi

# ---- layout: the address space drawn
expect 0 "layout" env LANG=C.UTF-8 COLUMNS=100 "$MEMSCOPE" layout $SLEEPER
has "$TMP/out" "^process $SLEEPER \(sleep\): [0-9]+ regions" "layout names the process"
has "$TMP/out" '│ stack +[0-9.]+K +[█░]{10} +[0-9]+%  \[stack\] +│$' "the stack is a block with a bar"
has "$TMP/out" '┆·+ [0-9.]+[KMGTPE] unmapped ·+┆$' "gaps are squeezed and labelled"
if grep -q '^ffffffffff600000' /proc/$SLEEPER/maps; then
	has "$TMP/out" "┆·+ [0-9.]+E: the rest of user space, then the kernel's ·+┆$" \
		"the gap up to [vsyscall] is said to be the kernel's half"
else
	skip "no [vsyscall] here: no region in the kernel's half"
fi
first=$(grep -Eo '^[0-9a-f]{16}' "$TMP/out" | head -1)
last=$(grep -Eo '^[0-9a-f]{16}' "$TMP/out" | tail -1)
if [ "$first" \> "$last" ]; then ok "from high addresses to low"; else fail "order: $first .. $last"; fi
if grep -q "$(printf '\033')" "$TMP/out"; then fail "layout into a file has no colour"
else ok "layout into a file has no colour"; fi
expect 0 "layout --color=always" "$MEMSCOPE" layout --color always $SLEEPER
if grep -q "$(printf '\033')\[32mstack" "$TMP/out"; then ok "--color always colours the stack"
else fail "--color always colours the stack"; fi
expect 0 "layout without UTF-8" env LANG=C LC_ALL= LC_CTYPE= "$MEMSCOPE" layout $SLEEPER
has "$TMP/out" '^ +\| stack +[0-9.]+K +[#.]{10} ' "without UTF-8, plain characters"
expect 2 "--color takes always, never, auto" "$MEMSCOPE" layout --color sometimes $SLEEPER
expect 1 "layout of a vanished pid" "$MEMSCOPE" layout $gone

# ---- working set
expect 0 "summary --working-set" "$MEMSCOPE" summary --working-set 0.2 $SLEEPER
has "$TMP/out" '^CLASS +COUNT +VIRTUAL +RSS +PSS +USS +SWAP +WSS$' "summary has a WSS column"
has "$TMP/out" '^WSS: what it touched in the 0.2 s' "and says what it is"
wss=$("$MEMSCOPE" summary --bytes --working-set 0.2 $SLEEPER | awk '$1 == "total" { print $8 }')
rss=$("$MEMSCOPE" summary --bytes $SLEEPER | awk '$1 == "total" { print $4 }')
if [ "$wss" -lt "$rss" ]; then ok "a sleeping process touches less than it holds ($wss < $rss)"
else fail "working set $wss, rss $rss"; fi
expect 2 "--working-set takes seconds" "$MEMSCOPE" summary --working-set soon $SLEEPER
expect 2 "--working-set goes with summary and snap" "$MEMSCOPE" maps --working-set 1 $SLEEPER
if [ -n "$unpriv" ]; then
	expect 1 "--working-set of another user's process" \
		$unpriv "$MEMSCOPE" summary --working-set 0 "$theirs"
	has "$TMP/err" "permission denied" "says permission denied"
else
	skip "--working-set as another user: needs root and setpriv"
fi

# ---- fixtures: --proc, and a malformed file is bad input
expect 0 "--proc reads a saved tree" "$MEMSCOPE" maps --proc "$FIXTURES/proc" 4242
has "$TMP/out" 'thread-stack' "and classifies it"
cp -r "$FIXTURES/proc" "$TMP/proc"
printf '7f00-7f01 rw-p 00000000 00:00 0\nRss:  many kB\n' > "$TMP/proc/4242/smaps"
expect 2 "a malformed smaps exits 2" "$MEMSCOPE" maps --proc "$TMP/proc" 4242
has "$TMP/err" "smaps line 2: cannot parse 'Rss:  many kB'" "says where"
one_line "$TMP/err" "that error is one line"

# ---- names a process chose reach the terminal as text, never as control:
# escape sequences, C1 controls and bytes that are no UTF-8 become \ooo
cp -r "$FIXTURES/proc" "$TMP/hostile"
esc=$(printf '\033')
evil=$(printf 'a\033]0;x\007\302\233\377\342\202\254b')
sed -i "s|/usr/libexec/ms-layout|/usr/$evil|; s|(layout)|($evil)|" \
	"$TMP/hostile/4242/smaps" "$TMP/hostile/4242/maps" "$TMP/hostile/4242/stat"
"$MEMSCOPE" snap --proc "$TMP/hostile" -o "$TMP/hostile.json" 4242
"$MEMSCOPE" snap --proc "$FIXTURES/proc" -o "$TMP/plain.json" 4242
for cmd in maps summary layout diff; do
	if [ $cmd = diff ]; then
		"$MEMSCOPE" diff "$TMP/plain.json" "$TMP/hostile.json" > "$TMP/out" 2> "$TMP/err"
	else
		"$MEMSCOPE" $cmd --proc "$TMP/hostile" 4242 > "$TMP/out" 2> "$TMP/err"
	fi
	if grep -q "$esc" "$TMP/out" || grep -q "$(printf '\377')" "$TMP/out"; then
		fail "$cmd prints a name's control bytes as they are"
	# through a document (diff), a byte that is no UTF-8 came back U+FFFD
	elif grep -qF "a\\033]0;x\\007\\302\\233$([ $cmd = diff ] && echo � || printf '%s' '\377')€b" \
		"$TMP/out"; then
		ok "$cmd prints a name's control bytes as \\ooo, and its UTF-8 as it is"
	else
		fail "$cmd does not show the name: $(head -c 300 "$TMP/out")"
	fi
done

# ---- the man page describes the options --help lists, and no others
"$MEMSCOPE" --help | grep -Eo -- '--[a-z-]+' | sort -u > "$TMP/help-opts"
# described where it heads an entry of OPTIONS, not where other text names it
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MANPAGE" | grep -A1 '^\.TP' |
	grep -Eo -- '\\-\\-[a-z-]+' | sed 's/\\//g' | sort -u > "$TMP/man-opts"
if diff "$TMP/help-opts" "$TMP/man-opts" > "$TMP/diff"; then ok "man page and --help name the same options"
else fail "man page and --help differ:"; sed 's/^/#   /' "$TMP/diff"; fi

# ---- start-up: no network libraries on the path of memscope
if [ -n "${LIBTOOL:-}" ] && $LIBTOOL --mode=execute ldd "$MEMSCOPE_BIN" > "$TMP/ldd" 2>&1; then
	if grep -Eq 'curl|microhttpd' "$TMP/ldd"; then fail "memscope loads libcurl or libmicrohttpd"
	else ok "memscope loads neither libcurl nor libmicrohttpd"; fi
else
	skip "ldd of memscope"
fi

finish
