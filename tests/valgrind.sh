#!/bin/sh
# Runs a test under valgrind's memcheck: any error, or memory lost for good,
# makes the test fail with status 97.  Shell tests run as they are; the
# memscope they run is wrapped by tests/memscope-valgrind (make check
# MEMSCOPE_VALGRIND=1 sets that up).
case $1 in
*.sh) exec "$@" ;;
esac
exec "$LIBTOOL" --mode=execute valgrind -q --error-exitcode=97 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect "$@"
