#!/bin/sh
# Issue 14: the desk and the permission table.  A command none of the
# worker's roles may use is left off the hint line and the help screen, and
# its key says who may instead of opening a form that could never be saved.
# Defect 4: a worker disabled while their desk is open is refused at their
# next change; the desk says so, keeps what they were typing as a draft
# (for the record it was about, never shown on another) and leaves cleanly.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
q() {
	sqlite3 "$REPLICA" "$1"
}
cd_admin() {
	"$CAREDESK_BIN" --replica "$REPLICA" "$@" >"$T/cli.out" 2>"$T/cli.err" </dev/null ||
		fail "caredesk $*: $(cat "$T/cli.err")"
}

# --- an administrator without a practice role -------------------------------
cd_admin worker add it.north --name "IT North" --team north-duty --role admin
DESK_AS=it.north desk_start vt100 C
wait_for "Referral queue: north"
wait_for "?:Help"
line=$(screen | grep '?:Help')
case "$line" in
*Triage* | *Allocate* | *Note*) fail "the hint line offers an administrator case work: $line" ;;
esac
keys t
# The refusal names who may; wider than the screen, it wraps (never cut).
wait_for "Only a duty worker, a MASH worker or a team manager may triage a referral"
wait_for "are an administrator of north-duty)."
screen | grep -q " Triage " && fail "t opened the triage form for an administrator"
keys a
wait_for "Only a duty worker, a MASH worker or a team manager may allocate a referral"
keys '?'
wait_for "Help: Referral queue"
screen | grep -Eq 'Triage the referral|Allocate the referral|Add a note' &&
	fail "help lists case work for an administrator"
screen | grep -q 'Search people by name' || fail "help lost the commands an administrator may use"
keys q q
[ "$(exit_status)" = 0 ] || fail "q q did not quit"

# The same desk for a duty worker offers them (the hint line is built from
# the same table).
desk_start vt100 C
wait_for "Referral queue: north"
screen | grep '?:Help' | grep -q 't:Triage' || fail "a duty worker's hint line lacks t:Triage"
keys q
[ "$(exit_status)" = 0 ] || fail "q did not quit"

# --- defect 4: disabled while the desk is open ------------------------------
cd_admin worker add cover.north --name "Cover North" --team north-duty --role duty
first=$(q "SELECT r.id FROM referral r WHERE r.status IN ('new', 'triaged') ORDER BY r.decision_due_at, r.received_at, r.id LIMIT 1")
DESK_AS=cover.north desk_start vt100 C
wait_for "Referral queue: north"
selected=$(q "SELECT id FROM referral WHERE id = '$first'")
keys t
wait_for " Triage"
keys Tab Tab
keys -l "Half a triage reason"
wait_for "Half a triage reason"
cd_admin worker disable cover.north
status_before=$(q "SELECT status || '|' || coalesce(priority, '') || '|' || version FROM referral WHERE id = '$first'")
keys C-o
status=$(exit_status 5)
[ "$status" = 77 ] || fail "the disabled worker's desk ended with $status, expected 77"
wait_for "cover.north is no longer an active worker on this replica" ||
	screen | sed 's/^/    | /'
[ "$(q "SELECT status || '|' || coalesce(priority, '') || '|' || version FROM referral WHERE id = '$first'")" = "$status_before" ] ||
	fail "the disabled worker's triage was saved"
[ "$(q "SELECT count(*) FROM audit_event WHERE worker = 'cover.north' AND action LIKE '%triage%'")" = 0 ] ||
	fail "an audit event was written for the refused triage"
drafts=$(q "SELECT kind || '|' || record_id FROM draft WHERE worker = 'cover.north' AND fields LIKE '%Half a triage reason%'")
[ -n "$selected" ] && [ "$drafts" = "triage|$first" ] ||
	fail "the unsaved triage was not kept as a draft of that referral: '$drafts' (first '$first')"

# Enabled again, the draft comes back on the same referral and only there.
cd_admin worker add cover.north --name "Cover North" --team north-duty --role duty
DESK_AS=cover.north desk_start vt100 C
wait_for "Referral queue: north"
keys j t
wait_for " Triage"
sleep 0.3
screen | grep -q "Half a triage reason" && fail "a triage draft was offered on another referral"
keys C-c
wait_for "Referral queue: north"
keys k t
wait_for "Half a triage reason" || screen | sed 's/^/    | /'
[ "$(q "SELECT count(*) FROM draft WHERE worker = 'cover.north'")" = 0 ] ||
	fail "the draft was not taken back"
keys C-c
wait_for "Discard what you typed?"
keys y q
[ "$(exit_status)" = 0 ] || fail "the desk did not quit"

# Disabled while only reading, with no key pressed: the desk notices the
# change (as it notices any commit) and leaves, keeping a half-typed note.
DESK_AS=cover.north desk_start vt100 C
wait_for "Referral queue: north"
keys n
wait_for " Add a note"
keys Tab
keys -l "Half a note"
wait_for "Half a note"
cd_admin worker disable cover.north
status=$(exit_status 5)
[ "$status" = 77 ] || fail "a desk left open by a disabled worker ended with $status, expected 77"
wait_for "cover.north is no longer an active worker on this replica"
[ "$(q "SELECT kind FROM draft WHERE worker = 'cover.north' AND fields LIKE '%Half a note%'")" = note ] ||
	fail "the half-typed note was not kept as a draft"

finish
