#!/bin/sh
# memscope-exporter under load and abuse, on loopback only, bounded in
# count and time.  One exporter (the response cache off, the process API
# on, a group reading every class of short-lived processes) takes for
# MEMSCOPE_LOAD_SECONDS (60) at once: Debian's wrk on /metrics (12
# connections, plain, gzip and OpenMetrics in turn) and on
# /api/v1/processes (4); 1,000 processes forked and exiting meanwhile
# (tests/helpers/churn); slow clients holding connections (requests never
# ended, requests sent a byte at a time, answers read 512 bytes at a
# time); malformed and oversized requests.  No answer is 5xx, every answer
# is 200, what a slow client ended or read whole is answered whole, each
# bad request gets a 4xx or a closed connection, and a collection cut by
# --scrape.timeout (its documented answer: a 200 without the group's class
# series, one reason="deadline" read error) is at most 1% of them.  Then a
# second exporter, the cache off too, serves MEMSCOPE_LOAD_SCRAPES
# (10,000) scrapes one after another: its RSS grows by less than 512 KiB
# from the tenth of them (1,000) to the last (not under ASan, whose
# allocator keeps freed memory).  Each exporter exits 0 on SIGTERM (under
# ASan: nothing leaked).  The figures measured are printed as # lines.
#
# It takes minutes: it runs only with MEMSCOPE_LOAD=1, which CI sets.
# shellcheck disable=SC1090 # the build says where it is
. "$SETUP"
# a signal ends the test through the exit trap, which stops the servers
trap 'exit 1' HUP INT PIPE TERM
[ -n "${EXPORTER:-}" ] || skip_all "memscope-exporter is not built (configure --without-exporter)"
[ -z "${MEMSCOPE_VALGRIND:-}" ] || skip_all "the load test stays out of the valgrind pass"
[ -z "${MEMSCOPE_NO_SERVERS:-}" ] || skip_all "MEMSCOPE_NO_SERVERS is set: no servers started"
[ -n "${MEMSCOPE_LOAD:-}" ] ||
	skip_all "the load test (minutes of wrk and 10,000 scrapes) runs with MEMSCOPE_LOAD=1"
PY=/usr/bin/python3 # Debian's
for tool in wrk curl "$PY"; do
	command -v "$tool" > /dev/null || skip_all "needs $tool"
done
SPAN=${MEMSCOPE_LOAD_SECONDS:-60}
SCRAPES=${MEMSCOPE_LOAD_SCRAPES:-10000}
case $SPAN$SCRAPES in *[!0-9]*) skip_all "MEMSCOPE_LOAD_SECONDS and MEMSCOPE_LOAD_SCRAPES take whole numbers" ;; esac
if [ "$SPAN" -lt 10 ] || [ "$SCRAPES" -lt 10 ]; then
	skip_all "MEMSCOPE_LOAD_SECONDS takes 10 or more, MEMSCOPE_LOAD_SCRAPES 10 or more"
fi
CHURN=1000 # processes forked over the span
[ -x "$HELPERS/churn" ] || { fail "no helper $HELPERS/churn"; finish; exit 1; }
t_start=$(date +%s)

# alive PID: the process runs (a zombie, exited but not yet waited for, does not)
alive() {
	state=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}
# rss PID: VmRSS in KiB
rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
# show FILE: FILE as TAP diagnostics
show() { tail -n 20 "$1" | sed 's/^/#   /'; }
# metric NAME{LABELS}: its value in the last /metrics fetched ($TMP/body), 0 when absent
metric() { awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$TMP/body"; }

# ---- the scripts: wrk's tally of answers by status, the clients in Python
cat > "$TMP/tally.lua" << 'EOF'
-- each thread counts its answers by status; done() adds them up
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
	codes = {}
	n = 0
	variants = { {}, { ["Accept-Encoding"] = "gzip" },
		{ ["Accept"] = "application/openmetrics-text; version=1.0.0" } }
end
function request()
	n = n + 1
	return wrk.format(nil, nil, variants[n % 3 + 1])
end
function response(status, headers, body) codes[status] = (codes[status] or 0) + 1 end
function done(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		for s, k in pairs(t:get("codes")) do all[s] = (all[s] or 0) + k end
	end
	for s, k in pairs(all) do io.write(string.format("status %d %d\n", s, k)) end
	local e = summary.errors
	io.write(string.format("answers %d\nsocket_errors %d %d %d %d\ntimeouts %d\n", summary.requests,
		e.connect, e.read, e.write, e.status, e.timeout))
	io.write(string.format("latency_ms %.1f %.1f\n", latency.mean / 1000, latency.max / 1000))
end
EOF

# slow clients, each from an address of its own: requests never ended
# (127.0.0.2), requests sent a byte at a time (127.0.0.3), answers read 512
# bytes at a time through a 4 KiB receive buffer (127.0.0.4).  A line each.
cat > "$TMP/slow.py" << 'EOF'
import socket, sys, threading, time
host, port = sys.argv[1].rsplit(":", 1)
port, span = int(port), float(sys.argv[2])
out, lock = [], threading.Lock()

def say(*words):
    with lock:
        out.append(" ".join(str(w) for w in words))

def connect(src, rcvbuf=0):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((src, 0))
    s.connect((host, port))
    return s

def read_all(s, chunk=65536, pause=0.0, until=0.0):
    """what came until the server closed: the bytes, and "closed", "reset"
    or "timeout" (nothing for 60 s)"""
    data, end = b"", "closed"
    s.settimeout(60)
    try:
        while True:
            d = s.recv(chunk if time.time() < until else 65536)
            if not d:
                break
            data += d
            if time.time() < until:
                time.sleep(pause)
    except socket.timeout:
        end = "timeout"
    except OSError:
        end = "reset"
    return data, end

def whole(data):
    """the status, and whether the body is as long as Content-Length says"""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].split(b" ")[1].decode() if lines[0].startswith(b"HTTP/") else "none"
    length = [int(l.split(b":")[1]) for l in lines if l.lower().startswith(b"content-length:")]
    return status, "whole" if length and length[0] == len(body) else "cut (%d bytes)" % len(body)

def silent(i):
    s = connect("127.0.0.2")
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    t = time.time()
    data, end = read_all(s)
    say("silent", i, end if not data else "answered", round(time.time() - t))

def trickle(i):
    s = connect("127.0.0.3")
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    step, t = min(0.5, span * 0.5 / len(req)), time.time()
    try:
        for b in req:
            s.send(bytes([b]))
            time.sleep(step)
    except OSError:
        say("trickle", i, "cut while sending", round(time.time() - t))
        return
    status, body = whole(read_all(s)[0])
    say("trickle", i, status, body, round(time.time() - t))

def reader(i):
    s = connect("127.0.0.4", 4096)
    t = time.time()
    s.sendall(b"GET /api/v1/processes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status, body = whole(read_all(s, 512, 0.25, t + span * 0.5)[0])
    say("reader", i, status, body, round(time.time() - t))

threads = [threading.Thread(target=f, args=(i,)) for f in (silent, trickle, reader) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("\n".join(sorted(out)))
EOF

# malformed and oversized requests, one connection each: "STATUS NAME", the
# status of the answer or "closed" (nothing came back)
cat > "$TMP/bad.py" << 'EOF'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
big = b"a" * 100000
H = b"Host: x\r\n"
cases = [
    ("an unknown method", b"FROB /metrics HTTP/1.1\r\n" + H + b"\r\n"),
    ("HTTP/9.9", b"GET /metrics HTTP/9.9\r\n" + H + b"\r\n"),
    ("a protocol not HTTP", b"GET /metrics HTXP/1.1\r\n" + H + b"\r\n"),
    ("no protocol (HTTP/0.9)", b"GET /metrics\r\n\r\n"),
    ("a URI of 100 kB", b"GET /" + big + b" HTTP/1.1\r\n" + H + b"\r\n"),
    ("a request line of 100 kB never ended", b"GET /" + big),
    ("an absolute URI with a host of 20 kB", b"GET http://" + big[:20000] + b"/metrics HTTP/1.1\r\n" + H + b"\r\n"),
    ("a NUL in the request line", b"GET /me\0trics HTTP/1.1\r\n" + H + b"\r\n"),
    ("bad escapes in the path", b"GET /%zz%00%ff HTTP/1.1\r\n" + H + b"\r\n"),
    ("a header line without a colon", b"GET /metrics HTTP/1.1\r\n" + H + b"NoColonHere\r\n\r\n"),
    ("2,000 headers", b"GET /metrics HTTP/1.1\r\n" + H + b"".join(b"X-%d: y\r\n" % i for i in range(2000)) + b"\r\n"),
    ("Content-Length: 10^22", b"GET /metrics HTTP/1.1\r\n" + H + b"Content-Length: 99999999999999999999999\r\n\r\n"),
    ("Content-Length: -1", b"GET /metrics HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n\r\n"),
    ("two Content-Lengths", b"GET /metrics HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nContent-Length: 7\r\n\r\n12345"),
    ("a GET with a body", b"GET /metrics HTTP/1.1\r\n" + H + b"Content-Length: 10\r\n\r\n0123456789"),
    ("Content-Length and chunked", b"POST /api/v1/diff HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    ("a bad chunk", b"GET /metrics HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nzzzz\r\nabc\r\n"),
    ("a diff's form of 10^12 bytes", b"POST /api/v1/diff HTTP/1.1\r\n" + H + b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000000000\r\n\r\n--b\r\n"),
    ("4 kB of binary", bytes(range(256)) * 16),
    ("a TLS ClientHello", bytes.fromhex("16030100a5010000a10303") + b"\0" * 160),
    ("5,000 carriage returns", b"\r" * 5000),
]
for name, data in cases:
    s = socket.create_connection((host, int(port)))
    s.settimeout(20)
    r = b""
    try:
        s.sendall(data)
        while b"\r\n" not in r:
            d = s.recv(4096)
            if not d:
                break
            r += d
    except OSError:
        pass
    s.close()
    line = r.split(b"\r\n", 1)[0].split(b" ")
    print(line[1].decode() if r.startswith(b"HTTP/") and len(line) > 1 else "closed", name)
EOF

# n scrapes one after another on one connection, in turn plain, gzip and
# OpenMetrics, a process table and a kernel document every 100th: the
# exporter's VmRSS (KiB) after each thousandth, and answers not 200
cat > "$TMP/scrape.py" << 'EOF'
import http.client, sys, time
host, port = sys.argv[1].rsplit(":", 1)
pid, n = sys.argv[2], int(sys.argv[3])
kinds = [{}, {"Accept-Encoding": "gzip"}, {"Accept": "application/openmetrics-text; version=1.0.0"}]
def rss():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
conn, bad, t = http.client.HTTPConnection(host, int(port), timeout=60), {}, time.time()
def get(path, headers):
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200 or not body:
        bad[r.status] = bad.get(r.status, 0) + 1
for i in range(1, n + 1):
    get("/metrics", kinds[i % 3])
    if i % 100 == 0:
        get("/api/v1/processes", {})
        get("/api/v1/kernel", {})
    if i % max(1, n // 10) == 0:
        print("rss", i, rss(), flush=True)
print("bad", sum(bad.values()), " ".join("%s:%d" % kv for kv in sorted(bad.items())))
print("seconds %.1f" % (time.time() - t))
EOF

# ---- the exporter under load
# (the group's name is not "churn": that is the helper's own command name,
# which the second rule would put in the same group)
cat > "$TMP/watch.yml" << 'EOF'
groups:
  - name: children
    comm: [churn0, churn1, churn2, churn3, churn4, churn5, churn6, churn7]
    classes: all
    pids: 3
  - name: "{{.Comm}}"
show_cmdline: true
EOF
start_exporter load "$EXPORTER" --web.listen-address 127.0.0.1:0 --config "$TMP/watch.yml" \
	--scrape.cache-ttl 0 --web.enable-process-api --web.timeout 5
# shellcheck disable=SC2154 # load_pid, url: set by start_exporter
pid=$load_pid base=$url
status_is 200 "the exporter answers" "$base/metrics"
rss_before=$(rss "$pid")
echo "# load: $SPAN s of wrk on /metrics (2 threads, 12 connections) and /api/v1/processes (1, 4);" \
	"$CHURN processes forked meanwhile"

"$HELPERS/churn" $CHURN "$SPAN" 40 > "$TMP/churn.out" 2>&1 &
churn=$!
wrk -t2 -c12 -d"${SPAN}s" --timeout 60s -s "$TMP/tally.lua" "$base/metrics" > "$TMP/wrk-metrics" 2>&1 &
wrk_m=$!
wrk -t1 -c4 -d"${SPAN}s" --timeout 60s -s "$TMP/tally.lua" "$base/api/v1/processes" > "$TMP/wrk-api" 2>&1 &
wrk_a=$!
KILL_AT_EXIT="${KILL_AT_EXIT:-} $churn $wrk_m $wrk_a"
sleep 2
"$PY" "$TMP/slow.py" "${base#http://}" "$SPAN" > "$TMP/slow" 2>&1 &
slow=$!
KILL_AT_EXIT="$KILL_AT_EXIT $slow"

# the bad requests, while the rest goes on
"$PY" "$TMP/bad.py" "${base#http://}" > "$TMP/bad" 2>&1
while read -r got name; do
	case $got in
	4??|closed) ok "$name: $got" ;;
	# libmicrohttpd's answer, before the exporter sees the request (RFC 9110 15.6.6)
	505) if [ "$name" = HTTP/9.9 ]; then ok "$name: 505 HTTP Version Not Supported"; else fail "$name: 505"; fi ;;
	*) fail "$name: $got" ;;
	esac
done < "$TMP/bad"
[ "$(wc -l < "$TMP/bad")" -ge 21 ] || { fail "the bad requests did not all run"; show "$TMP/bad"; }
status_is 200 "after the bad requests, /-/healthy answers" "$base/-/healthy"

# others are served while the slow clients hold their connections
# (one probe at least: a load shortened by MEMSCOPE_LOAD_SECONDS may be over)
probes=0 probes_ok=0
while [ $probes -eq 0 ] || { alive $wrk_m && [ $probes -lt 100 ]; }; do
	got=$(code "$base/-/healthy" --max-time 30)
	probes=$((probes + 1))
	[ "$got" = 200 ] && probes_ok=$((probes_ok + 1))
	sleep 2
done
if [ $probes -gt 0 ] && [ $probes_ok -eq $probes ]; then ok "/-/healthy answers 200 throughout the load ($probes tries)"
else fail "/-/healthy answered 200 to $probes_ok of $probes tries during the load"; fi
wait $wrk_m
wait $wrk_a
wait $slow
wait $churn
st=$?

# the slow clients
# slow KIND PATTERN WHAT: the 4 clients of KIND each said PATTERN
slow() {
	if [ "$(grep -Ec "^$1 [0-9]+ $2 " "$TMP/slow")" -eq 4 ]; then ok "4 $3"
	else fail "not all 4 $3"; show "$TMP/slow"; fi
}
slow silent '(closed|reset)' "requests never ended: closed by --web.timeout"
slow trickle '200 whole' "requests sent a byte at a time: answered 200, whole"
slow reader '200 whole' "answers read 512 bytes at a time: 200, whole"
sed 's/^/# slow client: /' "$TMP/slow"

# the churn
if [ $st -eq 0 ] && grep -q "^churned $CHURN processes" "$TMP/churn.out"; then ok "$(cat "$TMP/churn.out")"
else fail "the churn helper exited $st"; show "$TMP/churn.out"; fi

# wrk's answers
for w in metrics api; do
	f=$TMP/wrk-$w
	answers=$(awk '$1 == "answers" { print $2 }' "$f")
	fives=$(awk '$1 == "status" && $2 >= 500 { s += $3 } END { print s + 0 }' "$f")
	oks=$(awk '$1 == "status" && $2 == 200 { s += $3 } END { print s + 0 }' "$f")
	socket=$(awk '$1 == "socket_errors" { print $2 + $3 + $4 }' "$f")
	timeouts=$(awk '$1 == "timeouts" { print $2 }' "$f")
	echo "# wrk $w: $answers answers, $(sed -n 's/^Requests\/sec: *//p' "$f") a second," \
		"latency mean and max $(awk '$1 == "latency_ms" { print $2 " and " $3 }' "$f") ms;" \
		"by status: $(awk '$1 == "status" { printf "%s%s %s", s, $2, $3; s = ", " }' "$f");" \
		"socket errors $socket, timeouts (60 s) $timeouts"
	eval "answers_$w=\${answers:-0}"
	if [ "${answers:-0}" -gt 0 ] && [ "$fives" -eq 0 ]; then ok "wrk $w: no 5xx in $answers answers"
	else fail "wrk $w: $fives 5xx in ${answers:-no} answers"; show "$f"; fi
	if [ "${answers:-0}" -gt 0 ] && [ "$oks" -eq "$answers" ] && [ "$socket" -eq 0 ] && [ "$timeouts" -eq 0 ]
	then ok "wrk $w: every request answered 200"
	else fail "wrk $w: $oks of ${answers:-no} answers 200, $socket socket errors, $timeouts timeouts"; show "$f"; fi
done

# the collections cut by --scrape.timeout, and the reads the churn made fail
status_is 200 "after the load, /metrics answers" "$base/metrics"
deadline=$(metric 'memscope_exporter_read_errors_total{reason="deadline"}')
echo "# load: read errors by reason: gone $(metric 'memscope_exporter_read_errors_total{reason="gone"}')," \
	"permission $(metric 'memscope_exporter_read_errors_total{reason="permission"}')," \
	"deadline $deadline, other $(metric 'memscope_exporter_read_errors_total{reason="other"}')"
# shellcheck disable=SC2154 # answers_metrics: set by the eval above
if [ $((deadline * 100)) -le "$answers_metrics" ]; then
	ok "collections cut by the deadline: $deadline, at most 1% of $answers_metrics"
else fail "collections cut by the deadline: $deadline of $answers_metrics"; fi
if alive "$pid"; then ok "the exporter runs after the load"; else fail "the exporter is gone"; show "$TMP/load.err"; fi
echo "# load: the exporter's VmRSS $rss_before KiB before, $(rss "$pid") KiB after"
stop_exporters
# shellcheck disable=SC2034 # read by stop_exporters
started="" # stopped: the next stop_exporters stops the next alone
t_load=$(date +%s)
echo "# load phase: $((t_load - t_start)) s"

# ---- scrapes one after another, the cache off
start_exporter steady "$EXPORTER" --web.listen-address 127.0.0.1:0 --config "$TMP/watch.yml" \
	--scrape.cache-ttl 0 --web.enable-process-api
# shellcheck disable=SC2154 # steady_pid: set by start_exporter
"$PY" "$TMP/scrape.py" "${url#http://}" "$steady_pid" "$SCRAPES" > "$TMP/scrapes" 2>&1
nbad=$(awk '$1 == "bad" { print $2 }' "$TMP/scrapes")
if [ "${nbad:-x}" = 0 ]; then ok "$SCRAPES scrapes, each answered 200"
else fail "$SCRAPES scrapes: ${nbad:-?} not answered 200"; show "$TMP/scrapes"; fi
first=$(awk -v n=$((SCRAPES / 10)) '$1 == "rss" && $2 == n { print $3 }' "$TMP/scrapes")
last=$(awk -v n="$SCRAPES" '$1 == "rss" && $2 == n { print $3 }' "$TMP/scrapes")
echo "# $SCRAPES scrapes in $(awk '$1 == "seconds" { print $2 }' "$TMP/scrapes") s;" \
	"VmRSS (KiB) after each tenth: $(awk '$1 == "rss" { printf "%s%s", s, $3; s = " " }' "$TMP/scrapes")"
if [ -n "${SANITIZED:-}" ]; then
	skip "RSS growth: ASan's allocator keeps freed memory in quarantine (VmRSS $first to $last KiB)"
elif [ -n "$first" ] && [ -n "$last" ] && [ $((last - first)) -lt 512 ]; then
	ok "VmRSS grew by $((last - first)) KiB from scrape $((SCRAPES / 10)) to $SCRAPES (< 512 KiB)"
else fail "VmRSS grew from ${first:-?} KiB at scrape $((SCRAPES / 10)) to ${last:-?} KiB at $SCRAPES"; fi
code "$url/metrics" > /dev/null
deadline=$(metric 'memscope_exporter_read_errors_total{reason="deadline"}')
if [ $((deadline * 100)) -le "$SCRAPES" ]; then ok "collections cut by the deadline: $deadline, at most 1%"
else fail "collections cut by the deadline: $deadline of $SCRAPES"; fi
stop_exporters
echo "# scrape phase: $(($(date +%s) - t_load)) s; in all $(($(date +%s) - t_start)) s"
finish
