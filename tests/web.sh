#!/bin/sh
# The page (web/) in a real browser: Debian's Chromium driven by
# playwright-core (tests/web/run.mjs, pinned in tests/web/package.json;
# `npm ci --prefix tests/web` installs it) against memscope-exporter serving
# web/ from the source tree, and against memscope report's files opened
# from disk. The helpers: grow (a heap, a thread stack and a mapping that
# grows on SIGUSR1), grow again under a name made of markup, and regions
# (50,000 mappings). run.mjs prints a line per check; they become TAP here.
. "$SETUP"
[ -n "${EXPORTER:-}" ] || skip_all "memscope-exporter is not built (configure --without-exporter)"
[ -z "${MEMSCOPE_VALGRIND:-}" ] || skip_all "a browser under valgrind's pass tells nothing more"
[ -z "${MEMSCOPE_NO_SERVERS:-}" ] || skip_all "MEMSCOPE_NO_SERVERS is set"
[ -x /usr/bin/chromium ] || skip_all "needs Debian's chromium (/usr/bin/chromium)"
[ -d "$SRCDIR/tests/web/node_modules/playwright-core" ] && command -v node > /dev/null ||
	skip_all "playwright-core is not installed (npm ci --prefix tests/web)"

# ---- the processes the page looks at
run_helper "$HELPERS/grow" "$TMP"
GROW_PID=$helper GROW_OUT=$TMP/helper-$helpers.out
EVIL_NAME='</script><img src=x onerror=alert(1)>'
mkdir "$TMP/evil"
run_helper "$HELPERS/grow" "$TMP/evil" "$EVIL_NAME"
EVIL_PID=$helper EVIL_OUT=$TMP/helper-$helpers.out
run_helper "$HELPERS/regions" 50000
REGIONS_PID=$helper

# ---- the files: two snapshots a step of growth apart, their diff, reports
"$MEMSCOPE" snap "$GROW_PID" -o "$TMP/a.json"
kill -USR1 "$GROW_PID"
i=0
until grep -q '^touched' "$GROW_OUT"; do
	[ $i -lt 100 ] || break
	sleep 0.05
	i=$((i + 1))
done
"$MEMSCOPE" snap "$GROW_PID" -o "$TMP/b.json"
expect 0 "memscope diff --json of the two snapshots" "$MEMSCOPE" diff --json "$TMP/a.json" "$TMP/b.json"
cp "$TMP/out" "$TMP/diff.json"
expect 0 "memscope report of one snapshot (a PID)" "$MEMSCOPE" report "$EVIL_PID" -o "$TMP/one.html"
expect 0 "memscope report of two snapshots (files)" "$MEMSCOPE" report "$TMP/a.json" "$TMP/b.json" -o "$TMP/two.html"

# ---- the exporter, serving web/ from the source tree
cat > "$TMP/watch.yml" << EOF
groups:
  - name: "{{.Comm}}"
show_cmdline: true
EOF
start_exporter plain "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.enable-process-api \
	--web.ui-dir "$SRCDIR/web" --config "$TMP/watch.yml"
BASE=$url

# ---- a second one over TLS with basic auth (tls_files: tests/setup)
TLS_URL=
if tls_files; then
	cat > "$TMP/web.yml" << EOF
tls_server_config:
  cert_file: $TMP/server.crt
  key_file: $TMP/server.key
basic_auth_users:
  alice: $hash
EOF
	start_exporter tls "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.enable-process-api \
		--web.ui-dir "$SRCDIR/web" --web.config.file "$TMP/web.yml" --config "$TMP/watch.yml"
	TLS_URL=$url
fi

# ---- the browser
SCREENSHOTS=${SCREENSHOTS:-$PWD/tests/screenshots} # kept: make clean removes them
mkdir -p "$SCREENSHOTS"
DOCS_SHOT=
[ "${MEMSCOPE_SCREENSHOT_DOCS:-}" != 1 ] || DOCS_SHOT=$SRCDIR/docs/web-process.png
export BASE GROW_PID GROW_OUT EVIL_PID EVIL_OUT EVIL_NAME REGIONS_PID TLS_URL SCREENSHOTS DOCS_SHOT
export REPORT1="$TMP/one.html" REPORT2="$TMP/two.html" SNAP_A="$TMP/a.json" SNAP_B="$TMP/b.json" DIFF="$TMP/diff.json"
export TLS_USER=alice TLS_PASSWORD=s3cret
timeout 420 node "$SRCDIR/tests/web/run.mjs" > "$TMP/browser" 2> "$TMP/browser.err"
st=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) fail "${line#not ok - }" ;;
	"skip - "*) skip "${line#skip - }" ;;
	"#"*) echo "$line" ;;
	esac
done < "$TMP/browser"
if [ $st -eq 0 ]; then ok "the browser driver ran to its end"
else fail "the browser driver exited $st"; tail -n 5 "$TMP/browser.err" | sed 's/^/#   /'; fi
echo "# screenshots in $SCREENSHOTS"
finish
