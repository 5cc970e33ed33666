#!/bin/sh
# The clock at its edges (issue 15, section 7): every deadline is counted
# forward from now, so a now outside the years 2000 to 2199 is a fault to
# report, not a day to work.  CAREDESK_NOW=9999-12-31T23:59:59Z gave due
# dates in year 0000; a system clock reset to 1970 (a flat clock battery)
# would give due dates fifty years overdue.  Each program refuses to start
# (64 for CAREDESK_NOW, 71 for the system clock) and says which clock is
# wrong; a now just inside the edge still works, its due dates readable.
# The system clock is set per process with faketime(1).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
: "${CAREDESK_SYNC_BIN:?}" "${CAREDESK_SYNCD:?}"
if ! command -v faketime >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && { echo "FAIL: faketime is needed to set the system clock (CI=true)"; exit 1; }
	skip "faketime is needed to set the system clock (apt-get install faketime)"
fi

make_replica north
cat >"$T/in.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Edge,Eve,1970-05-05,N1 2BB,gp,social-care,no,Needs help at home
EOF

# --- CAREDESK_NOW outside the years --------------------------------------------
for far in 9999-12-31T23:59:59Z 1970-01-01T00:00:00Z 1999-12-31T23:59:59Z 2200-01-01T00:00:00Z; do
	CAREDESK_NOW=$far cd_run --replica "$REPLICA" import referrals "$T/in.csv"
	expect_status 64 "CAREDESK_NOW=$far"
	expect_stderr_contains "CAREDESK_NOW: $far is outside the years 2000 to 2199 caredesk works in"
	expect_stderr_lines 1
done
expect_eq "referrals after the refusals" 0 "$(export_count referrals)"
for prog in "$CAREDESK_SYNC_BIN" "$CAREDESK_SYNCD"; do
	CAREDESK_NOW=9999-12-31T23:59:59Z "$prog" --once --replica "$REPLICA" >"$T/p.out" 2>"$T/p.err" </dev/null
	status=$?
	[ "$prog" = "$CAREDESK_SYNCD" ] && {
		CAREDESK_NOW=9999-12-31T23:59:59Z "$prog" "$T/central.db" >"$T/p.out" 2>"$T/p.err" </dev/null
		status=$?
	}
	expect_eq "${prog##*/} with CAREDESK_NOW in 9999: exit" 64 "$status"
	grep -q "CAREDESK_NOW: 9999-12-31T23:59:59Z is outside the years 2000 to 2199" "$T/p.err" ||
		fail "${prog##*/} did not say CAREDESK_NOW is out of range: $(cat "$T/p.err")"
done

# --- the system clock outside the years ---------------------------------------------
# ASan insists on being first in the library list; faketime preloads itself.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS
CD_CMD="caredesk (clock at 1970) import"
CD_STATUS=0
env -u CAREDESK_NOW faketime '1970-01-02 09:00:00' "$CAREDESK_BIN" --replica "$REPLICA" \
	import referrals "$T/in.csv" >"$CD_OUT" 2>"$CD_ERR" </dev/null || CD_STATUS=$?
expect_status 71 "the system clock in 1970"
expect_stderr_contains "the system clock reads 1970-01-02T"
expect_stderr_contains "outside the years 2000 to 2199 caredesk works in: set the clock right"
expect_eq "referrals after a wrong clock" 0 "$(export_count referrals)"
env -u CAREDESK_NOW faketime '2300-06-01 09:00:00' "$CAREDESK_SYNC_BIN" --once --replica "$REPLICA" \
	>"$T/p.out" 2>"$T/p.err" </dev/null
expect_eq "caredesk-sync with the clock in 2300: exit" 71 "$?"
grep -q "the system clock reads 2300-06-01T" "$T/p.err" || fail "caredesk-sync did not name the clock: $(cat "$T/p.err")"
# A clock that is right passes through faketime too: the refusal is the year's.
env -u CAREDESK_NOW faketime '2026-11-23 09:00:00' "$CAREDESK_BIN" --replica "$REPLICA" \
	referral list >"$T/p.out" 2>"$T/p.err" </dev/null
expect_eq "caredesk with the clock in 2026: exit" 0 "$?"

# --- just inside the edge ------------------------------------------------------------
# The last day of 2199: a referral received then is due in 2200 (after
# the closure days of the new year), and its due time reads as such.
sed 's/^2026-11-20T10:00:00Z/2199-12-31T10:00:00Z/' "$T/in.csv" >"$T/edge.csv"
CAREDESK_NOW=2199-12-31T12:00:00Z cd_run --replica "$REPLICA" import referrals "$T/edge.csv"
expect_status 0 "an import on the last day of 2199"
CAREDESK_NOW=2199-12-31T12:00:00Z cd_run --replica "$REPLICA" referral list --format csv
expect_status 0 "referral list on the last day of 2199"
due=$(csv_column "$CD_OUT" decision_due_at)
case $due in
22[0-9][0-9]-[01][0-9]-[0-3][0-9]T*) pass "due $due" ;;
*) fail "a referral received on 31/12/2199 is due '$due', not a date in 2200" ;;
esac
finish
