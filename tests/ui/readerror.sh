#!/bin/sh
# A list the replica cannot read says so; it never shows as empty.  The
# referral table is renamed under a running desk (as a damaged or
# half-migrated replica would leave it): the queue must say that it could
# not read the list, with SQLite's reason, on the rows and on the message
# line, and never "No open referrals match."  Put back, the list returns
# with the selection where it was.  The same holds on the caseload, and a
# form whose choices cannot be read does not open.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }

break_table() {
	sqlite3 "$REPLICA" "PRAGMA legacy_alter_table = ON; ALTER TABLE $1 RENAME TO $1_away" ||
		fail "could not rename $1"
}
mend_table() {
	sqlite3 "$REPLICA" "PRAGMA legacy_alter_table = ON; ALTER TABLE $1_away RENAME TO $1" ||
		fail "could not rename $1 back"
}

desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
keys j j
wait_selected 5
selected=$(screen | grep '^>' | cut -c2-60)

break_table referral
# The desk notices the commit within a second or two and reads again.
wait_for "Could not read this list:" 10
screen | grep -qF "No open referrals match" && fail "a failed read showed as an empty queue"
screen | grep -q "Could not read this list: .*referral" ||
	fail "the rows do not name what failed: $(screen | grep 'Could not read')"
# The message line (above the hints and the status) carries it too.
screen | sed -n 22p | grep -qi "referral" ||
	fail "the message line does not carry the error: '$(screen | sed -n 22p)'"
screen | sed -n 1p | grep -q " of " && fail "the title still counts rows it could not read: $(screen | sed -n 1p)"
# A move on a list that failed tries the read again; it neither moves
# the selection nor shows the list empty.
keys j
sleep 0.3
wait_for "Could not read this list:"

mend_table referral
wait_gone "Could not read this list:"
wait_for "$selected"
[ "$(screen | grep '^>' | cut -c2-60)" = "$selected" ] ||
	fail "after the list came back the selection is on '$(screen | grep '^>' | cut -c2-60)', not '$selected'"

# The caseload reads through the same driver.
keys 2
wait_for "Caseload: my cases"
break_table care_case
wait_for "Could not read this list:" 10
screen | grep -qF "No open cases" && fail "a failed read showed as an empty caseload"
mend_table care_case
wait_gone "Could not read this list:"

# A form whose choices cannot be read does not open (a triage form with no
# decision codes would look as if there were none); the message line says
# why.
keys q
wait_for "Referral queue: north"
break_table decision_code
keys t
wait_for "decision codes" 10
screen | grep -qF " Triage" && fail "the triage form opened without its decision codes"
mend_table decision_code
keys t
wait_for " Triage"
screen | grep -qF "NFA" || screen | grep -qF "(not yet decided)" || fail "the triage form shows no decision"
keys C-c
wait_for "Referral queue: north"

keys q
[ "$(exit_status)" = 0 ] || fail "the desk did not quit cleanly after the failures"
finish
