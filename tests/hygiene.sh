#!/bin/sh
# Resource and signal hygiene: every program closes what it opens (valgrind's
# --track-fds), the exporter's descriptors do not grow with scrapes, a
# closed standard output (SIGPIPE) ends every command quietly, and SIGTERM
# or SIGINT ends memscope watch with whole output.
#
# The descriptor checks run valgrind themselves, so they run in the plain
# pass only: not under the sanitizers (valgrind cannot run their programs)
# nor in the valgrind pass (which would run valgrind under valgrind).
. "$SETUP"
command -v jq > /dev/null || skip_all "needs jq"

run_helper "$HELPERS/grow" "$TMP"
pid=$helper
"$MEMSCOPE" snap "$pid" -o "$TMP/a.json"

# real BIN: the program behind libtool's wrapper, with its library found
real() {
	bin=$(dirname "$1")/.libs/$(basename "$1")
	[ -x "$bin" ] || bin=$1
	echo "$bin"
}
LD_LIBRARY_PATH=$(dirname "$MEMSCOPE_BIN")/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH

# opened LOG: the descriptors valgrind saw open at exit that the program
# opened itself (the inherited ones are the shell's), one line each
opened() {
	awk '/Open (file descriptor|AF_[A-Z0-9]+ socket) [0-9]+/ { held = $0; next }
		held != "" { if ($0 !~ /inherited from parent/) print held; held = "" }' "$1"
}

# closes DESCRIPTION BIN ARGS...: BIN under valgrind --track-fds exits 0
# or 1 with no descriptor of its own left open
closes() {
	desc=$1 bin=$(real "$2")
	shift 2
	valgrind -q --track-fds=yes --log-file="$TMP/vg.log" "$bin" "$@" > "$TMP/out" 2> "$TMP/err"
	st=$?
	if [ $st -le 1 ] && [ -z "$(opened "$TMP/vg.log")" ]; then ok "$desc closes what it opens"
	else fail "$desc closes what it opens (exit $st)"; opened "$TMP/vg.log" | sed 's/^/#   /'
		head -3 "$TMP/err" | sed 's/^/#   /'; fi
}

if [ -n "${SANITIZED:-}" ] || [ -n "${MEMSCOPE_VALGRIND:-}" ] || ! command -v valgrind > /dev/null; then
	skip "descriptors at exit: valgrind runs here in the plain pass only"
else
	for cmd in maps summary pages layout "pages --exact" "snap --pages" "summary --working-set 0.1"; do
		# shellcheck disable=SC2086
		closes "memscope $cmd" "$MEMSCOPE_BIN" $cmd "$pid"
	done
	closes "memscope snap -o" "$MEMSCOPE_BIN" snap "$pid" -o "$TMP/b.json"
	closes "memscope diff" "$MEMSCOPE_BIN" diff "$TMP/a.json" "$pid"
	closes "memscope report" "$MEMSCOPE_BIN" report "$TMP/a.json" "$TMP/b.json" -o "$TMP/r.html"
	closes "memscope ps" "$MEMSCOPE_BIN" ps --classes rss
	closes "memscope kernel" "$MEMSCOPE_BIN" kernel
	closes "memscope watch" "$MEMSCOPE_BIN" watch "$pid" --count 2 --interval 0.1 --svg "$TMP/w.svg"
	closes "memscope run" "$MEMSCOPE_BIN" run --interval 0.05 -- sleep 0.2
	closes "memscope of a gone process" "$MEMSCOPE_BIN" maps 999999999
	closes "memscope-probe" "$PROBE_BIN" threshold
	if [ -n "${EXPORTER:-}" ]; then
		start_exporter vg valgrind -q --track-fds=yes --log-file="$TMP/vge.log" "$(real "$EXPORTER_BIN")" \
			--web.listen-address 127.0.0.1:0 --web.enable-process-api --web.ui-dir "$SRCDIR/web"
		for path in /metrics /api/v1/processes "/api/v1/snapshot/$pid?pages=1" /api/v1/kernel / /js/app.js /nothing; do
			code "$url$path" > /dev/null
		done
		curl -s -o /dev/null -F "a=@$TMP/a.json" -F "b=@$TMP/a.json" "$url/api/v1/diff"
		stop_exporters
		started=
		if [ -z "$(opened "$TMP/vge.log")" ]; then ok "memscope-exporter closes what it opens"
		else fail "memscope-exporter left descriptors open"; opened "$TMP/vge.log" | sed 's/^/#   /'; fi
	fi
fi

# ---- the exporter's descriptors do not grow with scrapes
if [ -n "${EXPORTER:-}" ]; then
	start_exporter fds "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.enable-process-api \
		--scrape.cache-ttl 0 --web.ui-dir "$SRCDIR/web"
	scrapes() {
		for i in $(seq "$1"); do
			for path in /metrics /api/v1/processes "/api/v1/snapshot/$pid" /api/v1/kernel / /nothing; do
				echo "url = \"$url$path\""
				echo "output = /dev/null"
			done
		done > "$TMP/urls"
		curl -s -K "$TMP/urls"
	}
	rounds=20
	[ -n "${MEMSCOPE_VALGRIND:-}" ] && rounds=4
	# held: its descriptors once no connection is open (curl gone, the
	# exporter may close its side a moment later)
	held() {
		i=0
		while [ "$(ls -l /proc/"$fds_pid"/fd | grep -c 'socket:')" -gt 1 ] && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		ls /proc/"$fds_pid"/fd | wc -l
	}
	scrapes 2
	before=$(held)
	scrapes "$rounds"
	after=$(held)
	if [ "$after" -eq "$before" ]; then ok "the exporter holds $after descriptors after 12 requests and after $((rounds * 6 + 12))"
	else fail "the exporter's descriptors grew from $before to $after"; ls -l /proc/"$fds_pid"/fd | sed 's/^/#   /'; fi
	stop_exporters
fi

# ---- a closed standard output: the command ends, quietly
# piped NAME COMMAND...: COMMAND's output read up to its first byte; it
# ends by SIGPIPE (141), or quietly with 0 or 1 where it noticed the pipe
# closed (EPIPE), having written all or not
piped() {
	name=$1
	shift
	{ "$@" 2> "$TMP/err"; echo $? > "$TMP/status"; } | head -c 1 > /dev/null
	st=$(cat "$TMP/status")
	case $st in
	0 | 1 | 141) if [ ! -s "$TMP/err" ]; then ok "$name, its output closed, ends quietly (status $st)"
		else fail "$name, its output closed, said something"; head -3 "$TMP/err" | sed 's/^/#   /'; fi ;;
	*) fail "$name, its output closed, exited $st"; head -3 "$TMP/err" | sed 's/^/#   /' ;;
	esac
}
piped "memscope watch" timeout 60 "$MEMSCOPE" watch "$pid" --interval 0.05
piped "memscope watch --json" timeout 60 "$MEMSCOPE" watch --json "$pid" --interval 0.05
piped "memscope maps" "$MEMSCOPE" maps "$pid"
piped "memscope snap" "$MEMSCOPE" snap --pages "$pid"
piped "memscope ps" "$MEMSCOPE" ps --classes rss
# its subject from a path of this test's own, to be found by it
cp "$(dirname "$PROBE_BIN")/probe-subject" "$TMP/subject"
piped "memscope-probe" timeout 120 env MEMSCOPE_PROBE_SUBJECT="$TMP/subject" "$PROBE" walkthrough
if ! pgrep -f "^$TMP/subject" > /dev/null; then ok "and its subject process is gone"
else fail "memscope-probe's subject process lingers"; fi

# ---- SIGTERM and SIGINT end memscope watch: every line whole, the chart written
for sig in TERM INT; do
	: > "$TMP/$sig.jsonl"
	"$MEMSCOPE" watch --json "$pid" --interval 0.05 --svg "$TMP/$sig.svg" > "$TMP/$sig.jsonl" 2> "$TMP/err" &
	w=$!
	i=0
	until [ "$(wc -l < "$TMP/$sig.jsonl")" -ge 3 ] || [ $i -ge 600 ]; do sleep 0.05; i=$((i + 1)); done
	kill -"$sig" $w
	wait $w
	st=$?
	if [ $st -eq 0 ] && jq -e . "$TMP/$sig.jsonl" > /dev/null 2>&1 && grep -q '</svg>' "$TMP/$sig.svg"
	then ok "SIG$sig: memscope watch exits 0, its lines whole and its chart written"
	else fail "SIG$sig: memscope watch exited $st"; tail -c 200 "$TMP/$sig.jsonl" | sed 's/^/#   /'; fi
done
finish
