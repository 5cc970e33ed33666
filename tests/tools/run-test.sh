#!/bin/sh
# The log compiler every test runs under (make check): run-test.sh PROGRAM
# [ARGS...] runs the test as it is and passes its exit status on, except
# that a skip (exit 77, automake's convention) is a failure when CI=true.
# CI must not pass on checks that never ran, whatever the test itself
# does about a missing tool, so this is decided here, once, for all of
# them.  The test's own "SKIP: why" line, above in its log, says why;
# outside CI tests/tools/skip-summary.sh lists those reasons at the end.
#
# The test's output is not captured or piped here: daemons a test starts
# may keep its stdout open, and a pipe would then wait for them.
if [ $# -eq 0 ]; then
	echo "usage: run-test.sh PROGRAM [ARGS...]" >&2
	exit 99
fi
"$@"
rc=$?
if [ "$rc" -eq 77 ] && [ "${CI:-}" = true ]; then
	echo "FAIL: skipped (exit 77) with CI=true: in CI every test must run (the SKIP: line above says why it did not)"
	exit 1
fi
exit "$rc"
