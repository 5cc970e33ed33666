#!/bin/sh
# The last test of make check: how many of the other tests were skipped,
# and why, printed where make prints (file descriptor 9, which
# AM_TESTS_FD_REDIRECT points at make's stderr) as well as in this test's
# own log.  A skip is automake's ":test-result: SKIP" in a test's .trs
# file; its reason is the test's "SKIP: why" line in its .log (a test
# that skipped without one is listed as giving no reason).
#
# Makefile.am makes this test's log depend on every other test's, so it
# runs after them all, and passes their logs in TEST_LOGS.
self=tests/tools/skip-summary.log
skipped=0
report=
for log in ${TEST_LOGS:-}; do
	[ "$log" = "$self" ] && continue
	trs=${log%.log}.trs
	[ -f "$trs" ] || continue
	grep -q '^:test-result: SKIP' "$trs" || continue
	skipped=$((skipped + 1))
	why=$(grep -h 'SKIP:' "$log" 2>/dev/null | sed 's/^.*SKIP: *//' | head -n 3 | paste -sd ';' -)
	report="$report
  ${log%.log}: ${why:-(it gave no reason: a skip must say why on a SKIP: line)}"
done
if [ "$skipped" -eq 0 ]; then
	summary="skip summary: no test was skipped"
else
	summary="skip summary: $skipped test(s) skipped:$report"
fi
echo "$summary"
# fd 9 is make's stderr when the harness set it up; otherwise say nothing more.
if { true >&9; } 2>/dev/null; then
	echo "$summary" >&9
fi
exit 0
