# shellcheck shell=sh
# Helpers for the end-to-end tests of the caredesk command line.
#
# Sourced by tests/cli/*.sh.  The harness (make check) sets CAREDESK_BIN (the
# built binary), CAREDESK_DATADIR (data/) and TESTS_SRCDIR (tests/).  Each
# test calls `setup`, runs the real binary through `cd_run`, checks what came
# out with the expect_* helpers and ends with `finish`.  A failed check prints
# one line saying what was expected and what came out, and the test goes on,
# so one run lists every broken promise; `finish` then exits 1.  Exit status
# 0 is a pass, 1 a failure, 77 a skip (automake's convention).

: "${CAREDESK_BIN:?CAREDESK_BIN must name the caredesk binary}"

T=					# this test's scratch directory
CD_STATUS=				# exit status of the last cd_run
CD_CMD=					# the last cd_run's arguments, for messages
CD_OUT=					# files holding its stdout and stderr
CD_ERR=
REPLICA=				# the replica made by make_replica
FAILURES=0
CHECKS=0

cleanup() {
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "${KEEP_TEST_DIR:-}" ]; then
			echo "kept $T"
		else
			chmod -R u+rwX "$T" 2>/dev/null
			rm -rf "$T"
		fi
	fi
}

# Make the scratch directory, arrange its removal, and give every command
# the fixed clock and an empty configuration directory.
setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-cli.XXXXXX") || {
		echo "ERROR: cannot make a temporary directory" >&2
		exit 99
	}
	trap cleanup EXIT
	trap 'exit 1' HUP INT TERM
	CAREDESK_NOW=2026-11-23T09:00:00Z
	XDG_CONFIG_HOME=$T/xdg
	mkdir "$XDG_CONFIG_HOME"
	export CAREDESK_NOW XDG_CONFIG_HOME
	[ -n "${CAREDESK_DATADIR:-}" ] && export CAREDESK_DATADIR
	CD_OUT=$T/stdout
	CD_ERR=$T/stderr
	if [ ! -x "$CAREDESK_BIN" ]; then
		echo "ERROR: $CAREDESK_BIN is not an executable" >&2
		exit 99
	fi
}

# Describe a failed check and carry on; finish() turns it into exit 1.
fail() {
	FAILURES=$((FAILURES + 1))
	echo "FAIL: $*"
}

# A check that passed (counted, and said when VERBOSE is set).
pass() {
	CHECKS=$((CHECKS + 1))
	[ -n "${VERBOSE_TESTS:-}" ] && echo "ok: $*"
	return 0
}

# Stop now: the rest of the test depends on what just failed.
die() {
	fail "$@"
	echo "FAIL: stopping: the remaining checks depend on this one"
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	if [ "$FAILURES" -gt 0 ]; then
		echo "$FAILURES check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# Show a captured stream, shortened, on one indented block (for messages).
show() {
	if [ -s "$1" ]; then
		head -c 2000 "$1" | sed 's/^/    | /'
		echo
	else
		echo "    (empty)"
	fi
}

# cd_run ARGS...: run the binary with ARGS, stdin from /dev/null, capturing
# stdout in $CD_OUT, stderr in $CD_ERR and the status in $CD_STATUS.
cd_run() {
	CD_CMD="caredesk $*"
	CD_STATUS=0
	"$CAREDESK_BIN" "$@" </dev/null >"$CD_OUT" 2>"$CD_ERR" || CD_STATUS=$?
	echo "$CD_STATUS" >"$T/status"
	return 0
}

# cd_run_as USER ARGS...: the same, as another Unix user (needs root).
cd_run_as() {
	_user=$1
	shift
	CD_CMD="(as $_user) caredesk $*"
	CD_STATUS=0
	runuser -u "$_user" -- env CAREDESK_NOW="$CAREDESK_NOW" \
		XDG_CONFIG_HOME="$XDG_CONFIG_HOME" CAREDESK_DATADIR="${CAREDESK_DATADIR:-}" \
		"$CAREDESK_BIN" "$@" </dev/null >"$CD_OUT" 2>"$CD_ERR" || CD_STATUS=$?
	echo "$CD_STATUS" >"$T/status"
	return 0
}

# r ARGS...: cd_run against the replica made by make_replica.
r() {
	cd_run --replica "$REPLICA" "$@"
}

expect_status() {
	if [ "$CD_STATUS" = "$1" ]; then
		pass "$CD_CMD: exit $1"
		return 0
	fi
	fail "$CD_CMD: expected exit status $1, got $CD_STATUS${2:+ ($2)}"
	echo "  stdout:"
	show "$CD_OUT"
	echo "  stderr:"
	show "$CD_ERR"
	return 1
}

_expect_contains() {
	if grep -F -e "$2" "$3" >/dev/null 2>&1; then
		pass "$CD_CMD: $1 has '$2'"
		return 0
	fi
	fail "$CD_CMD: expected $1 to contain '$2'; it was:"
	show "$3"
	return 1
}

_expect_not_contains() {
	if ! grep -F -e "$2" "$3" >/dev/null 2>&1; then
		pass "$CD_CMD: $1 lacks '$2'"
		return 0
	fi
	fail "$CD_CMD: expected $1 not to contain '$2'; it was:"
	show "$3"
	return 1
}

expect_stdout_contains() { _expect_contains stdout "$1" "$CD_OUT"; }
expect_stderr_contains() { _expect_contains stderr "$1" "$CD_ERR"; }
expect_stdout_lacks() { _expect_not_contains stdout "$1" "$CD_OUT"; }
expect_stderr_lacks() { _expect_not_contains stderr "$1" "$CD_ERR"; }

expect_stderr_empty() {
	if [ ! -s "$CD_ERR" ]; then
		pass "$CD_CMD: stderr empty"
		return 0
	fi
	fail "$CD_CMD: expected nothing on stderr; it was:"
	show "$CD_ERR"
	return 1
}

# expect_stderr_lines N: stderr holds exactly N lines.
expect_stderr_lines() {
	_n=$(wc -l <"$CD_ERR" | tr -d ' ')
	if [ "$_n" = "$1" ]; then
		pass "$CD_CMD: $1 stderr line(s)"
		return 0
	fi
	fail "$CD_CMD: expected $1 line(s) on stderr, got $_n:"
	show "$CD_ERR"
	return 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1 = '$2'"
		return 0
	fi
	fail "$1: expected '$2', got '$3'"
	return 1
}

# expect_file_exists PATH / expect_no_file PATH
expect_file_exists() {
	if [ -e "$1" ]; then
		pass "$1 exists"
		return 0
	fi
	fail "expected the file $1 to exist${2:+ ($2)}; it does not"
	return 1
}

expect_no_file() {
	if [ ! -e "$1" ]; then
		pass "$1 absent"
		return 0
	fi
	fail "expected no file $1${2:+ ($2)}; it exists"
	return 1
}

# make_replica LOCALITY: a new replica at $T/r.db (or $2), as $REPLICA.
# init registers the invoking user as an admin alone, who does no case
# work (issue 14); the tests' user also triages, allocates and manages
# the duty team, as a small team's duty manager would (tests/cli/
# permissions.sh holds each role to its own permissions).
make_replica() {
	REPLICA=${2:-$T/r.db}
	cd_run init --locality "$1" --replica "$REPLICA"
	if [ "$CD_STATUS" != 0 ]; then
		fail "$CD_CMD: expected exit 0, got $CD_STATUS"
		show "$CD_ERR"
		die "cannot make a replica"
	fi
	cd_run --replica "$REPLICA" worker set "$(id -un)" --role duty,manager,admin
	[ "$CD_STATUS" = 0 ] || die "cannot give the test user a practice role: $CD_ERR"
}

# python3 parses the CSV and JSON the binary writes.  Without it the test
# skips, except under CI=true, where a missing tool must not hide anything.
need_python() {
	if command -v python3 >/dev/null 2>&1; then
		return 0
	fi
	if [ "${CI:-}" = true ]; then
		echo "FAIL: python3 is needed to read CSV and JSON output (CI=true)"
		exit 1
	fi
	skip "python3 is needed to read CSV and JSON output"
}

# py SCRIPT ARGS...: run a python3 snippet (helpers csv/json imported).
py() {
	_script=$1
	shift
	python3 -c "import csv, io, json, sys
$_script" "$@"
}

# csv_count FILE: the number of data records (after the header) in a CSV.
csv_count() {
	py 'rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
print(max(len(rows) - 1, 0))' "$1"
}

# csv_header FILE: the header row, as written (line end removed).
csv_header() {
	head -n 1 "$1" | tr -d '\r'
}

# csv_column FILE COLUMN: that column of every data record, one a line.
csv_column() {
	py 'for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    print(row[sys.argv[2]])' "$1" "$2"
}

# csv_lookup FILE KEYCOL KEY COLUMN: COLUMN of the first record whose KEYCOL
# is KEY (nothing if there is none).
csv_lookup() {
	py 'for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row[sys.argv[2]] == sys.argv[3]:
        print(row[sys.argv[4]])
        break' "$1" "$2" "$3" "$4"
}

# export_count TABLE: how many rows `export TABLE` gives on $REPLICA.
export_count() {
	"$CAREDESK_BIN" --replica "$REPLICA" export "$1" --format csv </dev/null \
		>"$T/export-count.csv" 2>"$T/export-count.err" || {
		echo "export-failed"
		return 0
	}
	csv_count "$T/export-count.csv"
}

# export_to TABLE FILE: `export TABLE --format csv` on $REPLICA into FILE.
export_to() {
	"$CAREDESK_BIN" --replica "$REPLICA" export "$1" --format csv </dev/null >"$2" 2>"$T/export.err" ||
		fail "caredesk export $1 failed: $(cat "$T/export.err")"
}

# referral_id FAMILY_NAME: the id of that person's (first) referral.
referral_id() {
	export_to referrals "$T/referral-id.csv"
	csv_lookup "$T/referral-id.csv" family_name "$1" id
}

# add_worker LOGIN TEAM ROLE: register a worker (as the admin who ran init).
add_worker() {
	cd_run --replica "$REPLICA" worker add "$1" --name "Worker $1" --team "$2" --role "$3"
	expect_status 0 "worker add $1"
}

# need_other_user USER: the checks that follow run the binary as USER
# through runuser (cd_run_as), which needs root, that user, runuser, and a
# binary and data directory USER can reach.  Without any of them the whole
# test skips, saying why (and tests/tools/run-test.sh fails it under
# CI=true): no test passes with part of its checks left out.
need_other_user() {
	[ "$(id -u)" = 0 ] || skip "not root, so the binary cannot be run as another Unix user ($1)"
	id "$1" >/dev/null 2>&1 || skip "there is no Unix user '$1'"
	command -v runuser >/dev/null 2>&1 || skip "runuser is not installed"
	runuser -u "$1" -- "$CAREDESK_BIN" --version >/dev/null 2>&1 ||
		skip "'$1' cannot run $CAREDESK_BIN (a parent directory closed to others?)"
	if [ -n "${CAREDESK_DATADIR:-}" ] && ! runuser -u "$1" -- test -r "$CAREDESK_DATADIR/codes.tsv"; then
		skip "'$1' cannot read $CAREDESK_DATADIR"
	fi
}
