#!/bin/sh
# Every screen at 80x24, golden, on a colour xterm in UTF-8 and on a
# monochrome vt100 in the C locale (ASCII only): the queue (at the demo's
# morning, filtered to safeguarding concerns, and a week later with rows
# working days and hours late), its help, the caseload (mine and the team's), handover, the case view and its
# help, search as typed, the sync conflicts, and the triage, allocate, note
# and handover forms.  tests/ui/golden/README says, one line a golden, what
# each one shows and what a reviewer should check in it against DESIGN.md
# and caredesk(1); the comparison reads only the .txt and .attr files.
#
# Each screen NAME-TERM has two goldens, both from one capture
# (capture-pane -p -e -N, taken once two captures in a row agree):
#   NAME-TERM.txt   the text as capture-pane -p gives it: trailing blanks
#                   trimmed, 24 lines;
#   NAME-TERM.attr  the same text with each change of attribute marked
#                   where it happens: {bold+rev} starts a run, {} goes back
#                   to plain.  A run names its attributes (bold dim italic
#                   ul blink rev hidden strike, in that order), then its
#                   foreground colour (red, yellow, colour196, ...), then
#                   its background as on-COLOUR; any other SGR shows as
#                   sgrN, never dropped.  Every line starts plain and ends
#                   with {} if a run is open, so lines read on their own; a
#                   literal "{" in the text is written "{{".  Trailing
#                   blanks are kept when they carry an attribute (a
#                   reverse-video title bar runs to column 80).
# For example a queue row with the selection, a red late marker and a
# safeguarding flag:
#   {rev}>{}20/11 07:57 {bold+red}!1h late    {}-   {rev}Boateng, Ngozi ...
# The clock is masked by fixing it: CAREDESK_NOW gives the desk its time
# (the status line's clock and every lateness), so the goldens hold no
# real time.  UPDATE_GOLDEN=1 writes the goldens instead of comparing:
# review the diff of both files, and the README line, before committing.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
# A practitioner with open cases, for the caseload.
me=$(sqlite3 "$REPLICA" "SELECT w.login FROM worker w JOIN care_case c ON c.allocated_to = w.id AND c.closed_at IS NULL GROUP BY w.id ORDER BY count(*) DESC, w.login LIMIT 1")
[ -n "$me" ] || fail "the demo has no practitioner with open cases"

# visit NAME KEYS... TEXT: press KEYS, wait for TEXT, compare with the
# goldens NAME-$tag.txt and NAME-$tag.attr.
visit() {
	_name=$1
	shift
	_keys=
	while [ $# -gt 1 ]; do
		_keys="$_keys $1"
		shift
	done
	# shellcheck disable=SC2086
	[ -n "$_keys" ] && keys $_keys
	wait_for "$1" && expect_golden_attrs "$_name-$tag"
}

# Each terminal sees the same replica: opening a record writes an audit
# event (a change waiting to sync), so every pass starts from a copy.
sqlite3 "$REPLICA" "VACUUM INTO '$T/pristine.db'"
for setting in "xterm xterm-256color C.UTF-8" "vt100 vt100 C"; do
	# shellcheck disable=SC2086
	set -- $setting
	tag=$1
	rm -f "$REPLICA" "$REPLICA-wal" "$REPLICA-shm"
	cp "$T/pristine.db" "$REPLICA"
	desk_start "$2" "$3"
	visit queue "Referral queue: north"
	# s: only safeguarding concerns, named in the title with the counts.
	visit queue-sg s "north  safeguarding"
	keys s
	wait_gone "north  safeguarding"
	visit queue-help '?' "Help: Referral queue"
	visit conflicts q C "Sync conflicts"
	visit handover q 3 "Handover: north-duty"
	visit handover-write w "Handover for the next shift"
	keys C-c
	wait_for "Handover: north-duty"
	visit case 1 Enter "Chronology, newest first"
	visit case-help '?' "Help: Case"
	visit triage q t " Triage"
	visit allocate C-c a " Allocate"
	visit note C-c n " Add a note"
	keys C-c q
	wait_for "Referral queue: north"
	keys /
	wait_for "Find: _"
	keys -l "ros"
	visit search "Find: ros_"
	keys Escape
	wait_for "Referral queue: north"
	DESK_AS=$me desk_start "$2" "$3"
	wait_for "Referral queue: north"
	visit caseload 2 "Caseload: my cases"
	visit caseload-team T "Caseload: north-"
	# A week on, Monday 30/11 09:45, with nothing decided since: rows due
	# on 23/11 are 5 working days late, those due on Friday 27/11 one
	# (the weekend does not count), and this morning's a few hours or
	# minutes late.  The selection is moved to the third row.
	rm -f "$REPLICA" "$REPLICA-wal" "$REPLICA-shm"
	cp "$T/pristine.db" "$REPLICA"
	_now=$CAREDESK_NOW
	CAREDESK_NOW=2026-11-30T09:45:00Z
	desk_start "$2" "$3"
	CAREDESK_NOW=$_now
	wait_for "Referral queue: north" && wait_for "Mon 30/11 09:45" && wait_selected 3
	keys j j
	wait_selected 5 && expect_golden_attrs "queue-late-$tag"
done
finish
