#!/bin/sh
# memscope-exporter, started on ephemeral loopback ports: every endpoint
# fetched by curl (libcurl); the 0.0.4 text passes promtool, the OpenMetrics
# text Python's strict parser; the snapshot endpoint serves memscope snap's
# document and memscope diff reads it; bad requests, hostile process names,
# idle and crowding clients, a broken config on SIGHUP; then TLS, client
# certificates and basic authentication on a second exporter.
. "$SETUP"
[ -n "${EXPORTER:-}" ] || skip_all "memscope-exporter is not built (configure --without-exporter)"
command -v curl > /dev/null && command -v jq > /dev/null || skip_all "needs curl and jq"
PY=/usr/bin/python3 # Debian's, beside python3-prometheus-client


# ---- the command line
expect 0 "--help exits 0" "$EXPORTER" --help
has "$TMP/out" '^usage: memscope-exporter' "--help prints the usage"
expect 0 "--version exits 0" "$EXPORTER" --version
expect 2 "an unknown option is a usage error" "$EXPORTER" --frob
# the man page's OPTIONS and --help name the same options
"$EXPORTER" --help | grep -o -- '--[a-zA-Z][a-zA-Z.-]*' | sort -u > "$TMP/help-opts"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$SRCDIR/docs/memscope-exporter.1" | awk 'p { print; p = 0 } /^\.TP/ { p = 1 }' |
	sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -o -- '--[a-zA-Z][a-zA-Z.-]*' | sort -u > "$TMP/man-opts"
if [ -s "$TMP/man-opts" ] && diff "$TMP/help-opts" "$TMP/man-opts" > "$TMP/d"; then ok "the man page and --help name the same options"
else fail "the man page and --help differ"; sed 's/^/#   /' "$TMP/d"; fi
expect 0 "--no-collector.kernel works" "$EXPORTER" --once --no-collector.kernel
if grep -q '^memscope_kernel' "$TMP/out"; then fail "kernel series without the kernel collector"
else ok "no kernel series without the kernel collector"; fi
# what only root may read of the kernel is served only when asked
if grep -q '^memscope_kernel_slab_cache_bytes{\|^memscope_kernel_vmalloc_bytes{' "$TMP/out"
then fail "slab caches or vmalloc served by default"; else ok "no slab cache or vmalloc series by default"; fi
if [ "$(id -u)" -eq 0 ]; then
	expect 0 "--collector.kernel.privileged works" "$EXPORTER" --once --collector.kernel.privileged
	if grep -q '^memscope_kernel_slab_cache_bytes{' "$TMP/out" && grep -q '^memscope_kernel_vmalloc_bytes{' "$TMP/out"
	then ok "with it, the slab caches and vmalloc are served"; else fail "no slab caches or vmalloc with --collector.kernel.privileged"; fi
else skip "needs root"; skip "needs root"; fi
printf 'groups:\n  - name: x\n    comn: [a]\n' > "$TMP/typo.yml"
expect 2 "a config with an unknown key is bad input" "$EXPORTER" --once --config "$TMP/typo.yml"
has "$TMP/err" "line 3: unknown key 'comn' in a group" "the message names the key and its line"
printf 'groups:\n  - name: x\n    cmdline: "((a{255}){255}){255}"\n' > "$TMP/huge.yml"
expect 2 "a regex glibc would take gigabytes over is bad input, at once" timeout 10 "$EXPORTER" --once --config "$TMP/huge.yml"
has "$TMP/err" "line 3: cmdline: a regular expression too large" "the message names the key and its line"
printf 'groups:\n  - name: x\n    cgroup: "%s"\n' "$(printf '(|(a*)+)%.0s' $(seq 25))" > "$TMP/loops.yml"
expect 2 "a loop over what may match nothing is bad input, at once" timeout 10 "$EXPORTER" --once --config "$TMP/loops.yml"
has "$TMP/err" "line 3: cgroup: a regular expression with a quantifier other than \{n\} after what may match nothing" "the message says why"
printf 'groups:\n  - name: x\n    name: y\n' > "$TMP/twice.yml"
expect 2 "a key given twice is bad input" "$EXPORTER" --once --config "$TMP/twice.yml"
has "$TMP/err" "line 3: key 'name' given twice \(first on line 2\)" "the message names both lines"
printf 'http_server_config:\n  headers:\n    X-Frame-Options: deny\nhttp_server_config:\n  http2: true\n' > "$TMP/webtwice.yml"
expect 2 "a web config with a section given twice is bad input" "$EXPORTER" --once --web.config.file "$TMP/webtwice.yml"
has "$TMP/err" "line 4: key 'http_server_config' given twice \(first on line 1\)" "the message names both lines"
expect 0 "--once exits 0" "$EXPORTER" --once
if command -v promtool > /dev/null; then
	promtool check metrics < "$TMP/out" > "$TMP/lint" 2>&1
	if [ $? -eq 0 ] && [ ! -s "$TMP/lint" ]; then ok "promtool check metrics prints nothing for --once"
	else fail "promtool check metrics complains"; sed 's/^/#   /' "$TMP/lint" | head; fi
else skip "promtool is not installed"; fi

# ---- an exporter watching a helper of known layout, and a hostile name
run_helper "$HELPERS/layout" "$TMP"
evil=$(printf 'ev"il\377\\x')
cp "$(command -v sleep)" "$TMP/$evil"
"$TMP/$evil" 600 &
KILL_AT_EXIT="${KILL_AT_EXIT:-} $!"
cat > "$TMP/watch.yml" << EOF
groups:
  - name: helper
    comm: [layout]
    cmdline: ['$TMP\$']
    classes: all
    pids: 2
  - name: "{{.Comm}}"
show_cmdline: true
EOF
start_exporter plain "$EXPORTER" --web.listen-address 127.0.0.1:0 --config "$TMP/watch.yml" \
	--web.enable-process-api --web.timeout 2 --web.max-connections-per-ip 3 --scrape.cache-ttl 0
base=$url
status_is 200 "/metrics answers" "$base/metrics"
cp "$TMP/body" "$TMP/metrics"
curl -s -o /dev/null -D "$TMP/head" "$base/metrics"
has "$TMP/head" '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "the 0.0.4 content type"
if command -v promtool > /dev/null; then
	promtool check metrics < "$TMP/metrics" > "$TMP/lint" 2>&1
	if [ $? -eq 0 ] && [ ! -s "$TMP/lint" ]; then ok "promtool check metrics prints nothing"
	else fail "promtool check metrics complains"; sed 's/^/#   /' "$TMP/lint" | head; fi
else skip "promtool is not installed"; fi
has "$TMP/metrics" '^memscope_group_processes\{group="ev\\"il�\\\\x"\} [1-9][0-9]*$' \
	"a name with a quote, a backslash and a bad byte is escaped and made UTF-8"
# the helper and the child it forks, both under this test's folder
rss=0
for p in $(pgrep -f "layout $TMP\$"); do
	rss=$((rss + $(rollup "$p" Rss)))
	KILL_AT_EXIT="$KILL_AT_EXIT $p" # the child lives on after its parent
done
got=$(sed -n 's/^memscope_group_resident_bytes{group="helper"} //p' "$TMP/metrics")
if [ -n "$got" ] && [ $((got - rss)) -le "$PAGE" ] && [ $((rss - got)) -le "$PAGE" ]; then
	ok "the helper group's resident bytes are its smaps_rollup's ($got)"
else fail "the helper group's resident bytes: '$got', smaps_rollup: $rss"; fi
has "$TMP/metrics" '^memscope_class_unique_bytes\{group="helper",class="heap"\} [0-9]+$' \
	"a group asking for classes has per-class unique bytes"
has "$TMP/metrics" "^memscope_process_resident_bytes\\{group=\"helper\",pid=\"$helper\",comm=\"layout\"\\} [0-9]+$" \
	"a group asking for PIDs has per-process series"
if grep -q '^memscope_class_.*group="layout"' "$TMP/metrics" || grep -q '^memscope_class_.*group="sleep"' "$TMP/metrics"
then fail "groups that did not ask have per-class series"; else ok "groups that did not ask have no per-class series"; fi

# OpenMetrics when the Accept header prefers it, and gzip when asked
code "$base/metrics" -H 'Accept: application/openmetrics-text; version=1.0.0, text/plain;q=0.5' > /dev/null
cp "$TMP/body" "$TMP/om"
if tail -n 1 "$TMP/om" | grep -qx '# EOF'; then ok "the OpenMetrics text ends with # EOF"; else fail "no # EOF"; fi
if [ -x "$PY" ] && "$PY" -c 'import prometheus_client' 2> /dev/null; then
	if "$PY" - "$TMP/om" > "$TMP/py" 2>&1 << 'EOF'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
n = sum(1 for f in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()) for s in f.samples)
print(n)
EOF
	then ok "the OpenMetrics text passes the strict parser ($(cat "$TMP/py") samples)"
	else fail "the strict OpenMetrics parser refuses it"; sed 's/^/#   /' "$TMP/py" | tail -3; fi
else skip "needs Debian's python3-prometheus-client"; fi
curl -s -D "$TMP/head" -o "$TMP/gz" -H 'Accept-Encoding: gzip' "$base/metrics"
if grep -qi '^Content-Encoding: gzip' "$TMP/head" && gzip -dc < "$TMP/gz" | grep -q '^memscope_group_processes'
then ok "gzip when asked"; else fail "no gzip"; fi
curl -s -I -o "$TMP/head" -w '%{http_code}' "$base/metrics" > "$TMP/code"
if [ "$(cat "$TMP/code")" = 200 ] && grep -qi '^Content-Length: [1-9]' "$TMP/head"; then ok "HEAD is answered like GET"
else fail "HEAD: $(cat "$TMP/code")"; fi

# ---- the JSON API: the documents the command line prints
status_is 200 "/ answers" "$base/"
status_is 200 "/-/healthy answers" "$base/-/healthy"
status_is 200 "/api/v1/kernel answers" "$base/api/v1/kernel"
if jq -e '.schema == "memscope-kernel/1" and .slab == null and .vmalloc == null and
	(.errors.slabinfo | test("not served")) and (.ledger | length) > 0' "$TMP/body" > /dev/null
then ok "the kernel document, without root's views unless asked"; else fail "not the kernel document, or root's views in it"; fi
status_is 200 "/api/v1/processes answers" "$base/api/v1/processes"
if jq -e --argjson p "$helper" '.schema == "memscope-ps/1" and any(.processes[]; .pid == $p and .comm == "layout")' "$TMP/body" > /dev/null
then ok "the process table lists the helper"; else fail "the helper is not in the process table"; fi
"$MEMSCOPE" ps --json > "$TMP/ps.json"
if [ "$(jq -c '[keys, (.processes[0] | keys)]' "$TMP/body")" = "$(jq -c '[keys, (.processes[0] | keys)]' "$TMP/ps.json")" ]
then ok "its keys are memscope ps --json's"; else fail "its keys differ from memscope ps --json's"; fi
status_is 200 "/api/v1/snapshot/PID answers" "$base/api/v1/snapshot/$helper"
# the document of a static helper (no shared library, whose PSS moves as
# other processes come and go) against memscope snap's
layout=$helper
run_helper "$HELPERS/regions" 50
code "$base/api/v1/snapshot/$helper" > /dev/null
cp "$TMP/body" "$TMP/served.json"
"$MEMSCOPE" snap "$helper" > "$TMP/snap.json"
strip='del(.taken_at, .took_ns)'
if [ "$(jq -cS "$strip" "$TMP/served.json")" = "$(jq -cS "$strip" "$TMP/snap.json")" ]
then ok "the snapshot document is memscope snap's but for its timing"
else fail "the snapshot document differs from memscope snap's"
	diff "$TMP/served.json" "$TMP/snap.json" | cut -c1-300 | head -5 | sed 's/^/#   /'; fi
expect 0 "memscope diff URL FILE reads the endpoint" "$MEMSCOPE" diff --json "$base/api/v1/snapshot/$helper" "$TMP/snap.json"
helper=$layout
status_is 200 "?pages=1 adds the pages" "$base/api/v1/snapshot/$helper?pages=1"
if jq -e '.regions[0].pages != null' "$TMP/body" > /dev/null; then ok "with pages"; else fail "no pages"; fi

# ---- bad requests get 4xx, and the exporter goes on
status_is 404 "an unknown path is 404" "$base/nothing"
for bad in abc 0 -1 99999999999 1.5 "$helper/x"; do
	status_is 400 "PID '$bad' is 400" "$base/api/v1/snapshot/$bad"
done
sleep 0 & gone=$!
wait $gone
status_is 404 "a gone process is 404" "$base/api/v1/snapshot/$gone"
status_is 404 "traversal is 404" "$base/../../etc/passwd" --path-as-is
status_is 404 "escaped traversal is 404" "$base/%2e%2e/%2e%2e/etc/passwd" --path-as-is
status_is 405 "POST is 405" "$base/metrics" -X POST -d x
big=$(head -c 40000 /dev/zero | tr '\0' a)
got=$(code "$base/metrics" -H "X-Big: $big")
case $got in 4??|000) ok "an oversized header is refused ($got)" ;; *) fail "an oversized header got $got" ;; esac
# a connection that sends nothing is closed after --web.timeout, others served meanwhile
"$PY" - "${base#http://}" > "$TMP/idle" 2>&1 << 'EOF' &
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
t = time.time()
s.settimeout(20)
print("closed" if s.recv(1) == b"" else "data", round(time.time() - t))
EOF
idle=$!
sleep 0.5
status_is 200 "served while a silent client waits" "$base/-/healthy"
wait $idle
has "$TMP/idle" '^closed [1-5]$' "the silent connection is closed by the timeout"
# the per-IP limit (3): a crowd from 127.0.0.2 is cut, 127.0.0.3 is served
"$PY" - "${base#http://}" > "$TMP/crowd" 2>&1 << 'EOF'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
held = []
for i in range(3):
    s = socket.socket(); s.bind(("127.0.0.2", 0)); s.connect((host, int(port))); held.append(s)
s = socket.socket(); s.bind(("127.0.0.2", 0)); s.connect((host, int(port)))
s.settimeout(5)
try:
    s.sendall(b"GET /-/healthy HTTP/1.0\r\n\r\n"); r = s.recv(100)
except OSError:
    r = b""
print("fourth:", "refused" if not r.startswith(b"HTTP/1.1 200") else "served")
o = socket.socket(); o.bind(("127.0.0.3", 0)); o.connect((host, int(port)))
o.settimeout(5); o.sendall(b"GET /-/healthy HTTP/1.0\r\n\r\n")
print("other:", "served" if o.recv(100).startswith(b"HTTP/1.1 200") else "refused")
EOF
has "$TMP/crowd" '^fourth: refused$' "a fourth connection from one address is refused"
has "$TMP/crowd" '^other: served$' "another address is served meanwhile"

# ---- SIGHUP: a broken config keeps the old one; a good one replaces it
printf 'groups: [\n' > "$TMP/watch.yml"
kill -HUP "$plain_pid"
sleep 0.5
has "$TMP/plain.err" "keeping the configuration loaded before" "a broken config is said and refused"
code "$base/metrics" > /dev/null
has "$TMP/body" '^memscope_group_processes\{group="helper"\} 2$' "the old groups are served"
has "$TMP/body" '^memscope_exporter_config_last_reload_successful 0$' "the failed reload shows"
printf 'groups:\n  - name: renamed\n    cmdline: ["%s$"]\n' "$TMP" > "$TMP/watch.yml"
kill -HUP "$plain_pid"
sleep 0.5
code "$base/metrics" > /dev/null
has "$TMP/body" '^memscope_group_processes\{group="renamed"\} 2$' "a good config replaces it"

# ---- the process API is off by default; unreadable processes as nobody
start_exporter closed "$EXPORTER" --web.listen-address '[::1]:0'
status_is 404 "the process API is off by default" "$url/api/v1/processes"
has "$TMP/body" 'web.enable-process-api' "and says how to turn it on"
status_is 200 "an IPv6 address serves" "$url/metrics"
if can_be_nobody; then
	exe=$EXPORTER
	[ "${NOBODY_STAGE:-.}" = . ] || exe=$NOBODY_STAGE/memscope-exporter
	start_exporter nobody setpriv --reuid=65534 --regid=65534 --clear-groups "$exe" \
		--web.listen-address 127.0.0.1:0 --web.enable-process-api
	status_is 403 "a process nobody may not read is 403" "$url/api/v1/snapshot/$helper"
	code "$url/metrics" > /dev/null
	if grep -Eq '^memscope_exporter_read_errors_total\{reason="permission"\} [1-9]' "$TMP/body" &&
		! grep -q '^memscope_group_resident_bytes{group="layout"}' "$TMP/body"
	then ok "unreadable processes are errors by reason, never zeros"
	else fail "unreadable processes are not counted as errors"; grep 'layout\|errors' "$TMP/body" | sed 's/^/#   /'; fi
elif [ "$(id -u)" -ne 0 ]; then
	# an ordinary user: a process of root's (with memory: no kernel thread)
	rootpid=$(roots_process)
	start_exporter user "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.enable-process-api
	status_is 403 "a process of root's is 403 to a user" "$url/api/v1/snapshot/$rootpid"
	code "$url/metrics" > /dev/null
	if grep -Eq '^memscope_exporter_read_errors_total\{reason="permission"\} [1-9]' "$TMP/body"
	then ok "unreadable processes are errors by reason, never zeros"
	else fail "unreadable processes are not counted as errors"; grep 'errors' "$TMP/body" | sed 's/^/#   /'; fi
else skip "cannot run as nobody"; skip "cannot run as nobody"; fi

# ---- TLS and basic authentication
if tls_files; then
	cat > "$TMP/web.yml" << EOF2
tls_server_config:
  cert_file: $TMP/server.crt
  key_file: $TMP/server.key
basic_auth_users:
  alice: $hash
http_server_config:
  headers:
    Strict-Transport-Security: max-age=31536000
EOF2
	if command -v promtool > /dev/null; then
		expect 0 "promtool check web-config accepts our web config" promtool check web-config "$TMP/web.yml"
	else skip "promtool is not installed"; fi
	start_exporter tls "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.config.file "$TMP/web.yml" \
		--web.enable-process-api --config "$TMP/watch.yml"
	case $url in https://*) ok "it serves https" ;; *) fail "it serves $url" ;; esac
	status_is 200 "the right user and password" "$url/metrics" --cacert "$TMP/ca.crt" -u alice:s3cret
	curl -s -D "$TMP/head" -o /dev/null --cacert "$TMP/ca.crt" -u alice:s3cret "$url/metrics"
	has "$TMP/head" '^Strict-Transport-Security: max-age=31536000' "the configured header is sent"
	# a renewed certificate is served without a restart
	(cd "$TMP" && openssl req -newkey rsa:2048 -nodes -subj /CN=renewed -keyout new.key -out new.csr 2> /dev/null &&
		openssl x509 -req -in new.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
			-extfile server.ext -out new.crt 2> /dev/null && mv new.key server.key && mv new.crt server.crt)
	curl -sv -o /dev/null --cacert "$TMP/ca.crt" -u alice:s3cret "$url/-/healthy" 2> "$TMP/v"
	has "$TMP/v" 'subject: CN=renewed' "a renewed certificate is served without a restart"
	status_is 401 "a wrong password is 401" "$url/metrics" --cacert "$TMP/ca.crt" -u alice:wrong
	status_is 401 "an unknown user is 401" "$url/metrics" --cacert "$TMP/ca.crt" -u mallory:s3cret
	status_is 401 "no credentials is 401" "$url/metrics" --cacert "$TMP/ca.crt"
	got=$(code "$url/metrics" -u alice:s3cret)
	case $got in 000) ok "an unknown certificate fails the client's check" ;; *) fail "an unknown certificate got $got" ;; esac
	"$MEMSCOPE" snap "$helper" > "$TMP/snap.json"
	expect 2 "diff without credentials fails" "$MEMSCOPE" diff --cacert "$TMP/ca.crt" "$url/api/v1/snapshot/$helper" "$TMP/snap.json"
	MEMSCOPE_HTTP_USER=alice MEMSCOPE_HTTP_PASSWORD=s3cret \
		expect 0 "diff --cacert with credentials from the environment" \
		"$MEMSCOPE" diff --cacert "$TMP/ca.crt" "$url/api/v1/snapshot/$helper" "$TMP/snap.json"
	printf 'machine 127.0.0.1 login alice password s3cret\n' > "$TMP/netrc"
	NETRC=$TMP/netrc expect 0 "diff --cacert with credentials from netrc" \
		"$MEMSCOPE" diff --cacert "$TMP/ca.crt" "$url/api/v1/snapshot/$helper" "$TMP/snap.json"
	# a client certificate required and verified
	cat > "$TMP/mtls.yml" << EOF2
tls_server_config:
  cert_file: $TMP/server.crt
  key_file: $TMP/server.key
  client_ca_file: $TMP/ca.crt
  client_auth_type: RequireAndVerifyClientCert
EOF2
	start_exporter mtls "$EXPORTER" --web.listen-address 127.0.0.1:0 --web.config.file "$TMP/mtls.yml"
	got=$(code "$url/metrics" --cacert "$TMP/ca.crt")
	case $got in 403|000) ok "no client certificate is refused ($got)" ;; *) fail "no client certificate got $got" ;; esac
	status_is 200 "a client certificate the CA signed is served" "$url/metrics" --cacert "$TMP/ca.crt" \
		--cert "$TMP/client.crt" --key "$TMP/client.key"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=stranger -keyout "$TMP/s.key" -out "$TMP/s.crt" 2> /dev/null
	got=$(code "$url/metrics" --cacert "$TMP/ca.crt" --cert "$TMP/s.crt" --key "$TMP/s.key")
	case $got in 403|000) ok "a certificate no CA signed is refused ($got)" ;; *) fail "a stranger's certificate got $got" ;; esac
else
	skip "needs openssl and Python's crypt"
fi
stop_exporters
finish
