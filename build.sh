#!/bin/sh
# build.sh - the quick start on a fresh Debian 12 (or newer) machine.
#
#   ./build.sh demo    install what is missing, build, show memscope-probe's
#                      walkthrough and memscope at work
#   ./build.sh check   install what is missing, build with warnings as errors,
#                      run every test, then the same under ASan+UBSan and
#                      valgrind, then make distcheck, then (as root) every
#                      test as an ordinary user, then each fuzz target for
#                      30 seconds (clang, libFuzzer; tests/fuzz/run.sh)
#
# Packages come from Debian (apt-get, as root or through sudo).
set -eu
cd "$(dirname "$0")"
mode=${1:-demo}
jobs=$(nproc 2>/dev/null || echo 2)

packages="gcc make autoconf automake libtool pkg-config libproc2-dev libcjson-dev libcurl4-openssl-dev check procps"
# memscope-exporter's libraries
packages="$packages libmicrohttpd-dev libgnutls28-dev libyaml-dev libcrypt-dev zlib1g-dev"
[ "$mode" = check ] && packages="$packages valgrind util-linux jq chromium openssl clang libclang-rt-14-dev abigail-tools libjemalloc2 curl prometheus python3-prometheus-client wrk"
# npm, for the copy detector of the tests; a Node.js from elsewhere will do
[ "$mode" = check ] && ! command -v npm > /dev/null && packages="$packages nodejs npm"

install_missing() {
	missing=""
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "build.sh: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	$sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q $missing
}

build() { # build DIR CONFIGURE-ARGS...
	dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && "$OLDPWD/configure" -q "$@" && make -s -j"$jobs")
}

# what a failed test printed, so that a CI log shows why and not only how many
show_failures() { # show_failures DIR
	grep -rlE "^:test-result: (FAIL|ERROR)" --include="*.trs" "$1" 2>/dev/null |
		while read -r trs; do
			echo "== ${trs%.trs}.log (its last 60 lines)"
			tail -60 "${trs%.trs}.log"
		done
}

check_in() { # check_in DIR MAKE-ARGS...: make check in DIR, failures shown
	dir=$1
	shift
	make -s -C "$dir" check "$@" || { show_failures "$dir"; exit 1; }
}

# The tests as an ordinary user: the distribution built and installed by
# root in a folder that user can reach (the clone may sit in root's home),
# then every test run by the user, and make installcheck against root's
# install.  The user, memscope-test, is made if missing.
user_pass() {
	user=memscope-test
	id "$user" > /dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
	top=$(mktemp -d /tmp/memscope-user.XXXXXX)
	chmod 755 "$top"
	tar -xzf build/memscope-*.tar.gz -C "$top"
	src=$(echo "$top"/memscope-*)
	# the copy detector and the browser driver, as the clone has them
	cp -a tests/shape/node_modules "$src/tests/shape/"
	cp -a tests/web/node_modules "$src/tests/web/"
	mkdir "$top/build"
	(cd "$top/build" && "$src/configure" -q --enable-werror --prefix="$top/inst" &&
		make -s -j"$jobs" && make -s install && make -s -j"$jobs" check TESTS=) > /dev/null
	mkdir "$top/home"
	chown -R "$user:" "$top/build" "$top/home"
	as_user() { setpriv --reuid="$user" --regid="$user" --init-groups env HOME="$top/home" "$@"; }
	as_user make -s -C "$top/build" check || { show_failures "$top/build"; exit 1; }
	as_user make -s -C "$top/build" installcheck > /dev/null
	rm -rf "$top"
}

install_missing
[ -x configure ] || ./autogen.sh > /dev/null

# the copy detector (tests/shape-copies.sh) and the browser tests' driver
# (tests/web.sh: playwright-core, with Debian's chromium), at the versions
# their lock files pin
[ "$mode" = check ] && [ ! -x tests/shape/node_modules/.bin/jscpd ] &&
	npm ci --prefix tests/shape --no-audit --no-fund --loglevel=error
[ "$mode" = check ] && [ ! -d tests/web/node_modules/playwright-core ] &&
	npm ci --prefix tests/web --no-audit --no-fund --loglevel=error

case $mode in
demo)
	build build
	echo "== memscope-probe walkthrough   (malloc and free, step by step, measured)"
	build/memscope-probe walkthrough
	echo
	make -s -C build tests/helpers/layout
	dir=$(mktemp -d)
	mkfifo "$dir/in"
	build/tests/helpers/layout "$dir" < "$dir/in" > "$dir/report" &
	pid=$!
	exec 3> "$dir/in"
	while ! grep -q ready "$dir/report"; do sleep 0.1; done
	echo "== memscope summary $pid   (a process built to a known layout)"
	build/memscope summary $pid
	echo
	echo "== memscope maps $pid"
	build/memscope maps $pid
	exec 3>&-
	wait $pid
	rm -rf "$dir"
	;;
check)
	build build --enable-werror
	# tests/exporter-load.sh (MEMSCOPE_LOAD): the plain and sanitizer passes
	MEMSCOPE_LOAD=1 check_in build
	echo "== the same tests under ASan and UBSan"
	build build-asan --enable-werror --enable-sanitizers CFLAGS="-O1 -g"
	# tests/exit-race.sh: 20 kill rounds a command here, 4 under valgrind
	MEMSCOPE_LOAD=1 MEMSCOPE_RACE_ROUNDS=20 check_in build-asan
	echo "== the same tests under valgrind"
	build build-valgrind --enable-werror CFLAGS="-O0 -g"
	MEMSCOPE_VALGRIND=1 MEMSCOPE_TEST_REGIONS=5000 CK_DEFAULT_TIMEOUT=600 \
		check_in build-valgrind LOG_COMPILER="$PWD/tests/valgrind.sh"
	echo "== make distcheck"
	# the Prometheus server test stays out of distcheck, as of the valgrind pass
	MEMSCOPE_RACE_ROUNDS=4 MEMSCOPE_NO_SERVERS=1 make -s -C build distcheck > build/distcheck.log 2>&1 ||
		{ tail -40 build/distcheck.log; show_failures build; exit 1; }
	grep -A3 "archives ready for distribution" build/distcheck.log
	if [ "$(id -u)" -eq 0 ]; then
		echo "== the tests as an ordinary user (installed by root)"
		user_pass
	else
		echo "== the tests as root: not run (build.sh is not root); this pass was the ordinary user's"
	fi
	# after the rest, in a build of its own (build-fuzz, clang): never under
	# distcheck or valgrind
	echo "== each fuzz target for 30 seconds"
	for target in smaps snapshot kernel failif request config; do
		tests/fuzz/run.sh $target 30
	done
	;;
*)
	echo "usage: ./build.sh demo|check" >&2
	exit 2
	;;
esac
