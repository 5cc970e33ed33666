#!/bin/sh
# make fuzz's runner (in the --enable-fuzz build):
#
#   run.sh SRCDIR SECONDS JOBS NAME...
#
# runs tests/fuzz/fuzz_NAME under libFuzzer for SECONDS over a scratch
# copy of its seeds and regression inputs in fuzz-work/NAME/, JOBS
# harnesses at a time, then prints each one's executions and the total.
# Exit 1 when any found something (its input is left as
# fuzz-work/NAME/crash-*, leak-*, timeout-*, oom-*; its log is
# fuzz-work/NAME/log) or could not run.
set -u
srcdir=$1
seconds=$2
jobs=$3
shift 3
fuzz=$srcdir/tests/fuzz

# UndefinedBehaviorSanitizer reports are findings too; sanitizer reports
# and crash inputs come out through libFuzzer.
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CAREDESK_DATADIR=$srcdir/data
XDG_CONFIG_HOME=/nonexistent
export UBSAN_OPTIONS CAREDESK_DATADIR XDG_CONFIG_HOME
# The harnesses' own files (a central, a replica, a config) on tmpfs where
# there is one: SQLite's syncs cost nothing there, and the sync harnesses
# run ten times as many inputs.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi

# One harness; its one-line result goes to fuzz-work/NAME/result.
fuzz_one() {
	name=$1
	work=fuzz-work/$name
	rm -rf "$work"
	mkdir -p "$work/corpus"
	for d in "$fuzz/corpus/$name" "$fuzz/regressions/$name"; do
		[ -d "$d" ] && find "$d" -type f ! -name '.*' -exec cp {} "$work/corpus/" \;
	done
	lsan=
	quiet=
	if [ "$name" = config ]; then
		# libconfig 1.5's one known leak (lsan.supp); and its warnings
		# about unknown settings, a line an input, go unread
		# (-close_fd_mask: libFuzzer keeps its own copy of stderr for
		# its reports).
		lsan=suppressions=$fuzz/lsan.supp
		quiet=-close_fd_mask=2
	fi
	start=$(date +%s)
	LSAN_OPTIONS=$lsan ./tests/fuzz/fuzz_"$name" -max_total_time="$seconds" \
		-print_final_stats=1 -timeout=30 -artifact_prefix="$work/" $quiet \
		"$work/corpus" >"$work/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
	runs=${runs:-0}
	secs=$(( $(date +%s) - start ))
	corpus=$(find "$work/corpus" -type f | wc -l)
	echo "$rc $runs $secs $corpus" >"$work/result"
}

i=0
for name in "$@"; do
	fuzz_one "$name" &
	i=$((i + 1))
	[ $((i % jobs)) -eq 0 ] && wait
done
wait

total=0
status=0
for name in "$@"; do
	work=fuzz-work/$name
	read -r rc runs secs corpus <"$work/result" || { rc=1; runs=0; secs=1; corpus=0; }
	total=$((total + runs))
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: $name: $runs executions in ${secs}s ($((runs / (secs > 0 ? secs : 1)))/s), corpus $corpus inputs"
		continue
	fi
	echo "fuzz: $name: FAILED (exit $rc) after $runs executions; the end of $work/log:"
	tail -n 40 "$work/log" | sed 's/^/    /'
	ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|    input: $work/|"
	status=1
done
echo "fuzz: total: $total executions"
exit $status
