#!/bin/sh
# Every screen at 80x24, golden, on a colour xterm in UTF-8 and on a
# monochrome vt100 in the C locale (ASCII only): the queue, its help, the
# caseload (mine and the team's), handover, the case view and its help,
# search as typed, the sync conflicts, and the triage, allocate, note and
# handover forms.
# The clock is fixed by CAREDESK_NOW, so no masking is needed.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
# A practitioner with open cases, for the caseload.
me=$(sqlite3 "$REPLICA" "SELECT w.login FROM worker w JOIN care_case c ON c.allocated_to = w.id AND c.closed_at IS NULL GROUP BY w.id ORDER BY count(*) DESC, w.login LIMIT 1")
[ -n "$me" ] || fail "the demo has no practitioner with open cases"

# visit NAME KEYS... TEXT: press KEYS, wait for TEXT, compare with the
# golden NAME-$tag.
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
	wait_for "$1" && expect_golden "$_name-$tag"
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
done
finish
