#!/bin/sh
# memscope-exporter scraped by a real Prometheus server: two exporters with
# different configs, one Prometheus scraping both; /api/v1/query gives each
# one's helper group the resident bytes of its processes' smaps_rollup,
# within a page; both targets are up; the config that asks for classes has
# class series and the other has none; each /metrics passes promtool.
# shellcheck disable=SC1090 # the build says where it is
. "$SETUP"
# a signal ends the test through the exit trap, which stops the servers
trap 'exit 1' HUP INT PIPE TERM
[ -n "${EXPORTER:-}" ] || skip_all "memscope-exporter is not built (configure --without-exporter)"
[ -z "${MEMSCOPE_NO_SERVERS:-}" ] || skip_all "MEMSCOPE_NO_SERVERS is set: no servers started"
[ -z "${MEMSCOPE_VALGRIND:-}" ] || skip_all "a Prometheus server test stays out of the valgrind pass"
for tool in prometheus curl jq; do
	command -v $tool > /dev/null || skip_all "needs $tool"
done

# alive PID: the process runs (a zombie, exited but not yet waited for, does not)
alive() {
	state=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}
# stop PID: TERM, up to 10 s to exit, then KILL; waited for
stop() {
	kill "$1" 2> /dev/null
	i=0
	while alive "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	alive "$1" && kill -9 "$1" 2> /dev/null
	wait "$1" 2> /dev/null
	KILL_AT_EXIT=$(echo " $KILL_AT_EXIT " | sed "s/ $1 / /") # its PID may be another's now
}
# show FILE [PREFIX]: FILE as TAP diagnostics, its last line too when unended
show() { tail -n 40 "$1" | awk -v p="#   ${2:-}" '{ print p $0 }'; }
# bail WHY LOG...: a check that stops the test: says why, shows the logs
bail() {
	fail "$1"
	shift
	for log do echo "# ${log##*/}:"; show "$log"; done
	finish
	exit 1
}

# The helper, from a copy of this test's own: its comm is no other test's
# (make check runs tests side by side, exporter.sh watches "layout" too).
# layout forks a child, of the same comm: the group is both.
own=$HELPERS/prom-$$
name=promlay$$
STAGES_AT_EXIT="${STAGES_AT_EXIT:-} $own"
{ mkdir -p "$own" && cp "$HELPERS/layout" "$own/$name"; } || bail "cannot copy the helper to $own"
run_helper "$own/$name" "$TMP"
# the child outlives a helper killed at the end: it is killed too
# shellcheck disable=SC2154 # fifo: set by run_helper
child=$(sed -n 's/^child \([0-9][0-9]*\)$/\1/p' "$fifo.out")
KILL_AT_EXIT="${KILL_AT_EXIT:-} $child"
# group_rss: the sum of the Rss of every process whose comm is the helper's
group_rss() {
	grep -lx "$name" /proc/[0-9]*/comm 2> /dev/null | while read -r c; do
		c=${c#/proc/}
		rollup "${c%/comm}" Rss 2> /dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}

# ---- two exporters, different configs
cat > "$TMP/a.yml" << EOF
groups:
  - name: helper-a
    comm: [$name]
  - name: "{{.Comm}}"
EOF
cat > "$TMP/b.yml" << EOF
groups:
  - name: helper-b
    comm: [$name]
    classes: resident
EOF
# start_exporter NAME CONFIG: runs it until the test ends; its host:port in $NAME_addr
start_exporter() {
	"$EXPORTER" --web.listen-address 127.0.0.1:0 --config "$2" 2> "$TMP/$1.err" &
	KILL_AT_EXIT="${KILL_AT_EXIT:-} $!"
	eval "$1_pid=$!"
	i=0
	until addr=$(sed -n 's/^memscope-exporter: listening on http:\/\/\([^ /]*\)$/\1/p' "$TMP/$1.err" |
		head -n 1) && [ -n "$addr" ]; do
		[ $i -lt 100 ] || bail "exporter $1 did not say it listens within 10 s" "$TMP/$1.err"
		sleep 0.1
		i=$((i + 1))
	done
	eval "$1_addr=$addr"
	ok "exporter $1 listens on $addr"
}
start_exporter a "$TMP/a.yml"
start_exporter b "$TMP/b.yml"
# shellcheck disable=SC2154 # set by start_exporter
exporters="$a_pid $b_pid"

# ---- Prometheus, on a free loopback port, scraping both every second
# free_port: a port nothing listens on just now (Python's bind to port 0, or
# a guess where there is no Python; a start that loses the race is retried)
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' \
		2> /dev/null || echo $((20000 + ($$ * 7 + $(date +%S) * 131 + tries * 997) % 40000))
}
# shellcheck disable=SC2154 # set by start_exporter
cat > "$TMP/prometheus.yml" << EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: memscope-a
    static_configs:
      - targets: ['$a_addr']
  - job_name: memscope-b
    static_configs:
      - targets: ['$b_addr']
EOF
if command -v promtool > /dev/null; then
	expect 0 "promtool check config accepts the Prometheus config" promtool check config "$TMP/prometheus.yml"
else skip "promtool is not installed"; fi
tries=0 prom=""
while [ -z "$prom" ] && [ $tries -lt 3 ]; do
	tries=$((tries + 1))
	port=$(free_port)
	rm -rf "$TMP/data"
	prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
		--web.listen-address="127.0.0.1:$port" --log.level=warn > "$TMP/prom.log" 2>&1 &
	pid=$!
	KILL_AT_EXIT="${KILL_AT_EXIT:-} $pid"
	i=0
	while [ $i -lt 300 ]; do
		alive $pid || break
		if [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/-/ready")" = "Prometheus Server is Ready." ]
		then prom=$pid; break; fi
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$prom" ] && break
	stop $pid
	# only a port lost to another program is worth another try
	grep -q 'address already in use' "$TMP/prom.log" || break
	echo "# port $port was taken: trying another"
done
[ -n "$prom" ] || bail "Prometheus did not become ready within 30 s (try $tries)" "$TMP/prom.log"
ok "Prometheus is ready on 127.0.0.1:$port"
api=http://127.0.0.1:$port/api/v1/query

# query PROMQL: the result vector, as compact JSON lines of [labels, value]
query() {
	curl -s --max-time 5 "$api" --data-urlencode "query=$1" > "$TMP/q.json" 2> /dev/null &&
		jq -ce '.status == "success"' "$TMP/q.json" > /dev/null &&
		jq -c '.data.result[] | [.metric, .value[1]]' "$TMP/q.json"
}
# value PROMQL: the value of the first series, or nothing
value() { query "$1" | head -n 1 | jq -r '.[1]'; }

# ---- each exporter's helper group: its resident bytes as Prometheus
# stored them, within a page of the helper's smaps_rollup read just then.
# The helper holds still; a first query may come before the first scrape.
for x in a b; do
	q="memscope_group_resident_bytes{job=\"memscope-$x\",group=\"helper-$x\"}"
	end=$(($(date +%s) + 30)) got="" rss="" near=""
	while :; do
		got=$(value "$q")
		rss=$(group_rss)
		case $got in
		'' | *[!0-9]*) ;;
		*) [ $((got - rss)) -le "$PAGE" ] && [ $((rss - got)) -le "$PAGE" ] && near=1 && break ;;
		esac
		[ "$(date +%s)" -lt $end ] || break
		sleep 0.5
	done
	if [ -n "$near" ]; then
		ok "Prometheus has helper-$x's resident bytes from exporter $x: $got, smaps_rollup $rss"
	else
		fail "helper-$x's resident bytes in Prometheus: '$got', smaps_rollup: $rss (a page: $PAGE; 30 s of tries)"
		show "$TMP/q.json" "query: "
		eval "addr=\$${x}_addr"
		curl -s --max-time 5 -o "$TMP/metrics" "http://$addr/metrics"
		grep "^memscope_group_.*{group=\"helper-$x\"}" "$TMP/metrics" > "$TMP/lines"
		show "$TMP/lines" "exporter $x: "
		show "$TMP/$x.err" "exporter $x: "
		show "$TMP/prom.log" "prometheus: "
	fi
done

# ---- both targets up; each config as it was written
for x in a b; do
	got=$(value "up{job=\"memscope-$x\"}")
	if [ "$got" = 1 ]; then ok "exporter $x's target is up"
	else fail "up of exporter $x: '$got'"; show "$TMP/q.json"; fi
done
query 'memscope_group_resident_bytes{group=~"helper-.*"}' > "$TMP/groups"
if [ "$(jq -r '"\(.[0].job) \(.[0].group)"' "$TMP/groups" | sort | tr '\n' ' ')" = \
	"memscope-a helper-a memscope-b helper-b " ]
then ok "each exporter names the helper's group as its own config says"
else fail "the helper's groups in Prometheus"; show "$TMP/groups"; fi
if query 'memscope_class_resident_bytes{job="memscope-b",group="helper-b"}' > "$TMP/classes" &&
	n=$(wc -l < "$TMP/classes") && [ "$n" -gt 0 ] && grep -q '"class":"anon"' "$TMP/classes"
then ok "B's group asks for classes: $n class series, anon among them"
else fail "B's group asks for classes, Prometheus has none"; show "$TMP/q.json"; fi
# A's scrapes are in (the resident bytes above), so none now is none at all
if query 'count({job="memscope-a",__name__=~"memscope_class_.*"})' > "$TMP/classes" &&
	[ ! -s "$TMP/classes" ] && [ -n "$(value 'memscope_group_processes{job="memscope-a",group="helper-a"}')" ]
then ok "A's groups ask for no classes: A has no class series"
else fail "A has class series, or Prometheus did not answer"; show "$TMP/q.json"; fi

# ---- each exporter's /metrics passes promtool
for x in a b; do
	eval "addr=\$${x}_addr"
	if ! command -v promtool > /dev/null; then skip "promtool is not installed"; continue; fi
	curl -s --max-time 10 -o "$TMP/metrics" "http://$addr/metrics"
	if promtool check metrics < "$TMP/metrics" > "$TMP/lint" 2>&1 && [ ! -s "$TMP/lint" ] &&
		[ -s "$TMP/metrics" ]
	then ok "promtool check metrics prints nothing for exporter $x"
	else fail "promtool check metrics on exporter $x"; show "$TMP/lint"; fi
done

# ---- stop the servers, each waited for before the data folder goes
stop "$prom"
for p in $exporters; do stop "$p"; done
finish
