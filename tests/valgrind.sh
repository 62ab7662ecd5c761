#!/bin/sh
# Runs a C test under valgrind's memcheck (LOG_COMPILER): any error, or
# memory lost for good, makes the test fail with status 97.  The shell tests
# are not run through it; the memscope they run is wrapped by
# tests/memscope-valgrind instead (make check MEMSCOPE_VALGRIND=1).
exec "$LIBTOOL" --mode=execute valgrind -q --error-exitcode=97 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect "$@"
