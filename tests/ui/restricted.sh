#!/bin/sh
# A restricted record on the desk (issue 14; caredesk(1) RESTRICTED
# RECORDS): a duty worker who is not allocated the person's case sees
# "restricted record" in the queue and search, and a case view with
# nothing of the record until they break glass (!): a reason code and a
# sentence, audited; then the record opens, its title saying until when.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
q() {
	sqlite3 "$REPLICA" "$1"
}
cli() {
	"$CAREDESK_BIN" --replica "$REPLICA" "$@" >"$T/cli.out" 2>"$T/cli.err" </dev/null ||
		fail "caredesk $*: $(cat "$T/cli.err")"
}

# The first referral of duty.north's queue whose person duty.north does
# not hold a case of.
row=$(q "SELECT f.person_id || '|' || p.family_name || '|' || p.given_name FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status IN ('new', 'triaged') AND f.safeguarding = 0 AND NOT EXISTS (SELECT 1 FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE c.person_id = p.id AND c.closed_at IS NULL AND w.login = 'duty.north') ORDER BY f.decision_due_at, f.id LIMIT 1")
person=${row%%|*}
rest=${row#*|}
family=${rest%%|*}
given=${rest#*|}
[ -n "$person" ] && [ -n "$family" ] || { fail "no referral in the demo queue to restrict"; finish; }
cli worker add aud.north --name "Audit North" --team north-duty --role auditor
cli worker add writer.north --name "Writer North" --team north-duty --role duty
cli --as writer.north handover add --person "$person" --priority amber \
	--situation "Visit at 14 High Street tonight" --background "Lives alone" \
	--assessment "Low mood" --recommendation "Ring before 6"
cli --as aud.north person restrict "$person" --reason "Member of staff as a client"
views_before=$(q "SELECT count(*) FROM audit_event WHERE worker = 'duty.north' AND action = 'view' AND record_id = '$person'")

desk_start vt100 C
wait_for "Referral queue: north"
wait_for "restricted record"
screen | grep -q "$family, $given" && fail "the queue shows the restricted person's name"

# The handover item about the person shows neither who nor what, on the
# desk as in an export.
keys 3
wait_for "Handover: north-duty"
seen=
i=0
while [ $i -lt 15 ]; do
	screen | grep -q "14 High Street" && { fail "the handover shows the text of an item about a restricted record"; break; }
	screen | grep -q "about restricted record" && seen=yes
	keys j
	sleep 0.1
	i=$((i + 1))
done
[ "$seen" = yes ] || fail "the handover item about the restricted record never showed as such"
keys q
wait_for "Referral queue: north"

# Search finds the record, as "restricted record", and nothing else of it.
keys /
keys -l "$family"
wait_for "restricted record"
keys C-c
wait_for "Referral queue: north"

# Open it from the queue: nothing of the record shows.
selected_row_text() {
	screen | grep '^>'
}
i=0
while ! selected_row_text | grep -q "restricted record" && [ $i -lt 25 ]; do
	keys j
	sleep 0.1
	i=$((i + 1))
done
keys Enter
wait_for "Only the allocated worker, their team manager and MASH see this record."
wait_for "press ! to break glass"
screen | grep -q "$family" && fail "the case view shows the restricted person's name"
screen | grep -q "Chronology" && fail "the case view shows the chronology of a restricted record"
[ "$(q "SELECT count(*) FROM audit_event WHERE worker = 'duty.north' AND action = 'view' AND record_id = '$person'")" = "$views_before" ] ||
	fail "a view was audited although nothing of the record was shown"
keys n
wait_for "A restricted record: press ! to break glass first."

# Break glass: a code and a sentence.
keys '!'
wait_for "Break glass: open a restricted record (audited)"
keys -l "Covering the allocated worker today"
keys C-o
wait_for "Break-glass recorded"
wait_for "$family, $given  BREAK-GLASS until 23/11 13:30 (audited)"
wait_for "Chronology, newest first"
[ "$(q "SELECT count(*) FROM audit_event WHERE worker = 'duty.north' AND action = 'break-glass' AND record_id = '$person' AND detail = 'safeguarding-emergency: Covering the allocated worker today'")" = 1 ] ||
	fail "the break-glass is not in the audit with its code and reason"
[ "$(q "SELECT count(*) FROM audit_event WHERE worker = 'duty.north' AND action = 'view' AND record_id = '$person'")" = $((views_before + 1)) ] ||
	fail "the view after breaking glass was not audited once"
keys q
wait_for "Referral queue: north"
wait_for "$family, $given"
# A duty worker may not open the access review; the key says who may.
keys A
wait_for "or an auditor may read who has opened a record"
keys q
[ "$(exit_status)" = 0 ] || fail "the desk did not quit"

# The auditor's screen: the break-glass waits for review; r marks it
# reviewed with a note.
DESK_AS=aud.north desk_start vt100 C
wait_for "Referral queue: north"
keys A
wait_for " Access review"
wait_for "Why: safeguarding-emergency: Covering the allocated worker today"
screen | grep -q '^>\*.*duty.north *break-glass' || {
	fail "the break-glass is not the first row, starred as not reviewed"
	screen | sed 's/^/    | /'
}
keys r
wait_for "Mark reviewed: what the review found"
keys -l "Checked with the team manager: cover arranged"
keys C-o
wait_for "Marked reviewed."
wait_for "Reviewed by aud.north: Checked with the team manager: cover arranged"
event=$(q "SELECT id FROM audit_event WHERE worker = 'duty.north' AND action = 'break-glass' AND record_id = '$person'")
[ "$(q "SELECT worker || '|' || detail FROM audit_event WHERE action = 'access.reviewed' AND record_id = '$event'")" = \
	"aud.north|Checked with the team manager: cover arranged" ] || fail "the review is not in the audit chain"
keys q q
[ "$(exit_status)" = 0 ] || fail "the auditor's desk did not quit"
finish
