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
# run ten times as many inputs.  In a directory of this run's, removed at
# the end: libFuzzer ends with _Exit, so the harnesses' own clean-up at
# exit never runs.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
fi
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-fuzz-run.XXXXXX") || exit 1
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
# AddressSanitizer keeps freed memory away from reuse for as long as its
# quarantine lasts, 256 MiB by default: the fast harnesses then touch new
# pages at every input, and run at two thirds of the speed.  No harness
# frees anywhere near 16 MiB in one input, so a use after free within one
# is still caught.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
export ASAN_OPTIONS

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
	opts=
	case $name in
	config)
		# libconfig 1.5's lost strings (lsan.supp); and its warnings
		# about unknown settings, a line an input, go unread
		# (-close_fd_mask: libFuzzer keeps its own copy of stderr for
		# its reports).
		lsan=suppressions=$fuzz/lsan.supp
		opts=-close_fd_mask=2 ;;
	csv)
		# A CSV record's states are all reached in a few hundred
		# bytes; longer inputs only make each run slower.
		opts=-max_len=1024 ;;
	sanitise)
		# Output is at most 127 columns; the longest check reads 340
		# bytes of text.
		opts=-max_len=512 ;;
	esac
	start=$(date +%s)
	LSAN_OPTIONS=$lsan ./tests/fuzz/fuzz_"$name" -max_total_time="$seconds" \
		-print_final_stats=1 -timeout=30 -artifact_prefix="$work/" $opts \
		"$work/corpus" >"$work/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
	runs=${runs:-0}
	secs=$(( $(date +%s) - start ))
	corpus=$(find "$work/corpus" -type f | wc -l)
	echo "$rc $runs $secs $corpus" >"$work/result"
}

# One harness's line (and, when it found something, its log's end and the
# input); adds to total and status.
report() {
	work=fuzz-work/$1
	read -r rc runs secs corpus <"$work/result" || { rc=1; runs=0; secs=1; corpus=0; }
	total=$((total + runs))
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: $1: $runs executions in ${secs}s ($((runs / (secs > 0 ? secs : 1)))/s), corpus $corpus inputs"
		return
	fi
	echo "fuzz: $1: FAILED (exit $rc) after $runs executions; the end of $work/log:"
	tail -n 40 "$work/log" | sed 's/^/    /'
	ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|    input: $work/|"
	status=1
}

# JOBS harnesses at a time, each batch reported as it ends.
total=0
status=0
batch=
for name in "$@"; do
	fuzz_one "$name" &
	batch="$batch $name"
	if [ $(echo $batch | wc -w) -ge "$jobs" ]; then
		wait
		for b in $batch; do report "$b"; done
		batch=
	fi
done
wait
for b in $batch; do report "$b"; done
echo "fuzz: total: $total executions"
exit $status
