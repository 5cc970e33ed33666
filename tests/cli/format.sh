#!/bin/sh
# --format on every command that has it (one helper serves them all), and
# output that cannot be written: standard output on a full disk (/dev/full)
# is a message on stderr and exit 74 (EX_IOERR), never a silent 0.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

make_replica north
cat >"$T/in.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category
2026-11-20T09:00:00Z,Bravo,Bea,1970-05-05,N1 2BB,gp,social-care
CSV
r import referrals "$T/in.csv"
expect_status 0 "import"
bravo=$(referral_id Bravo)
r handover add --situation S --background B --assessment A --recommendation R
expect_status 0 "handover add"

# is_json FILE / is_csv FILE: the output parses as that format.
is_json() { py 'json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
is_csv() { head -n 1 "$1" | grep -q ',' && py 'list(csv.reader(open(sys.argv[1])))' "$1"; }
is_table() { head -n 1 "$1" | grep -q "$(printf '\t')"; }

# --- each command's formats, and a bad one ------------------------------------
for spec in "referral list:table csv json" "worker list:table csv json" \
	"handover list:table csv json" "conflicts list:table csv json" \
	"export referrals:csv json" "referral show $bravo:text json"; do
	command=${spec%%:*}
	formats=${spec#*:}
	for f in $formats; do
		# shellcheck disable=SC2086 # the command is several words
		r $command --format "$f"
		expect_status 0 "$command --format $f"
		case $f in
		json) is_json "$CD_OUT" || fail "$command --format json: not JSON" ;;
		csv) is_csv "$CD_OUT" || fail "$command --format csv: not CSV" ;;
		table) is_table "$CD_OUT" || fail "$command --format table: no tab-separated header" ;;
		text) expect_stdout_contains "$bravo" ;;
		esac
	done
	# The first format listed is the default.
	first=${formats%% *}
	# shellcheck disable=SC2086
	r $command
	cp "$CD_OUT" "$T/default"
	# shellcheck disable=SC2086
	r $command --format "$first"
	if cmp -s "$CD_OUT" "$T/default"; then
		pass "$command: $first is the default"
	else
		fail "$command: without --format the output is not --format $first"
	fi
	# shellcheck disable=SC2086
	r $command --format xml
	expect_status 64 "$command --format xml"
	expect_stderr_contains "--format is"
	expect_stderr_contains "usage: caredesk ${command%% *}"
	expect_stdout_lacks "<"
done

# --- a full disk ------------------------------------------------------------------
if [ ! -w /dev/full ]; then
	[ "${CI:-}" = true ] && { echo "FAIL: /dev/full is needed (CI=true)"; finish; }
	echo "SKIP: no /dev/full here: the full-disk checks were not run"
	finish
fi
# full ARGS...: run against the replica with stdout on /dev/full.
full() {
	CD_CMD="caredesk $* >/dev/full"
	CD_STATUS=0
	"$CAREDESK_BIN" --replica "$REPLICA" "$@" </dev/null >/dev/full 2>"$CD_ERR" || CD_STATUS=$?
}
for args in "referral list" "referral list --format json" "referral list --format csv" \
	"export people" "export referrals --format json" "worker list" "handover list" \
	"conflicts list" "referral show $bravo" "sync status" "check" "--help" "referral --help" \
	"--version"; do
	# shellcheck disable=SC2086
	full $args
	expect_status 74 "writing to a full disk"
	expect_stderr_contains "No space left on device"
	expect_stderr_lines 1
done
# A write that is done before the output is lost: the note is kept, the
# id that could not be printed is reported.
before=$(export_count notes)
full note add --referral "$bravo" --body "written to a full disk"
expect_status 74 "note add with stdout on a full disk"
expect_stderr_contains "No space left on device"
expect_eq "the note was saved" $((before + 1)) "$(export_count notes)"

# A closed pipe: the listing stops (SIGPIPE, 141) or reports the failure (74).
cd_run generate --people 300 --seed 7 --out "$T/big.db"
expect_status 0 "generate"
status=$( ("$CAREDESK_BIN" --replica "$T/big.db" export notes; echo $? >"$T/pipe-status") |
	head -c 10 >/dev/null; cat "$T/pipe-status")
case $status in
141 | 74) pass "export into a closed pipe: exit $status" ;;
*) fail "export into a closed pipe: expected 141 or 74, got $status" ;;
esac

finish
