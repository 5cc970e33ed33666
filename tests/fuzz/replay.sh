#!/bin/sh
# make check's run of the fuzz harnesses: each once over its seed corpus
# (tests/fuzz/corpus/NAME) and its regression inputs
# (tests/fuzz/regressions/NAME), with the ordinary compiler and whatever
# sanitizers this build has (the CI's ASan build included), so an input
# that once broke something is run again in every build.  Fuzzing
# itself is make fuzz.
set -u
src=${TESTS_SRCDIR:?TESTS_SRCDIR must name the tests directory}/fuzz
bin=${CAREDESK_BUILDDIR:?CAREDESK_BUILDDIR must name the build directory}/tests/fuzz
status=0
for name in csv config sanitise syncd agent; do
	set -- "$src/corpus/$name"
	[ -d "$src/regressions/$name" ] && set -- "$@" "$src/regressions/$name"
	# libconfig 1.5's lost strings, for this harness alone (lsan.supp).
	lsan=${LSAN_OPTIONS:-}
	[ "$name" = config ] && lsan="${lsan:+$lsan:}suppressions=$src/lsan.supp"
	echo "replay $name:"
	if ! LSAN_OPTIONS=$lsan "$bin/replay_$name" "$@"; then
		echo "FAIL: replay_$name"
		status=1
	fi
done
exit $status
