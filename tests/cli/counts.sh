#!/bin/sh
# Counts that agree (issue 14, defect 12): the summary `caredesk` prints
# without a terminal gives each figure as the desk does, from the same
# replica function, with the right plural.  "To acknowledge", for a
# worker: handover items addressed to their team, not written by them,
# that nobody has acknowledged.  (tests/ui/handover.sh checks the desk's
# title against the same definition.)
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup

make_replica north
add_worker duty.north north-duty duty
add_worker duty2.north north-duty duty
add_worker prac.north north-adults practitioner

# summary_line AS KEY: the summary's line starting KEY, for worker AS.
summary_line() {
	cd_run --replica "$REPLICA" --as "$1"
	[ "$CD_STATUS" = 0 ] || fail "the summary as $1 ended $CD_STATUS: $(cat "$CD_ERR")"
	grep "^$2 " "$CD_OUT"
}

item() {
	cd_run --replica "$REPLICA" --as "$1" handover add --situation "$2" --background B \
		--assessment A --recommendation R
	expect_status 0 "handover add by $1"
	cat "$CD_OUT"
}

# Two items from duty.north to its own team, one from prac.north to
# north-adults.
first=$(item duty.north "First")
item duty.north "Second" >/dev/null
item prac.north "Adults" >/dev/null
expect_eq "duty.north wrote both: none for them" \
	"handover    0 items to acknowledge" "$(summary_line duty.north handover)"
expect_eq "duty2.north receives both" \
	"handover    2 items to acknowledge" "$(summary_line duty2.north handover)"
expect_eq "prac.north's own item is not theirs to acknowledge" \
	"handover    0 items to acknowledge" "$(summary_line prac.north handover)"
cd_run --replica "$REPLICA" --as duty2.north handover ack "$first" --readback "Will do the first"
expect_status 0 "ack of the first item"
expect_eq "one left, in the singular" \
	"handover    1 item to acknowledge" "$(summary_line duty2.north handover)"

# The queue line: the figures of the desk's queue title, plural or not.
cat >"$T/in.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-19T09:30:00Z,Bravo,Bea,1970-05-05,N1 2BB,gp,social-care,no,Needs help at home
CSV
r import referrals "$T/in.csv"
expect_status 0
expect_eq "one open referral, not 'referrals'" \
	"queue       1 open referral: 1 new, 0 due today, 0 overdue" "$(summary_line duty.north queue)"

# The sync line: the number `sync status` gives, with its noun agreeing
# ("1 change", never "1 changes").
line=$(summary_line duty.north sync)
r sync status
n=$(sed -n 's/^waiting *\([0-9]*\) .*/\1/p' "$CD_OUT")
[ -n "$n" ] || fail "sync status gave no waiting count: $(cat "$CD_OUT")"
noun=changes
[ "$n" = 1 ] && noun=change
expect_eq "the summary's changes waiting" "not configured; $n $noun waiting" "${line#sync        }"

finish
