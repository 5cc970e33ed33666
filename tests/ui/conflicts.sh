#!/bin/sh
# The conflicts screen (C): two desks triage the same referral with
# different priorities on two replicas of the demo; after both sync, the
# north desk lists one conflict with both values, workers and times; a
# duty worker may not choose, an admin may (O: the other value), and the
# choice is in the replica, audited, ready to sync.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
BOROUGH=$T/demo/replica-borough.db
ref=$(sqlite3 "$REPLICA" "SELECT id FROM referral WHERE status = 'new' ORDER BY decision_due_at, id LIMIT 1")
"$CAREDESK_BIN" --replica "$REPLICA" referral triage "$ref" --priority red --reason "Seen today" \
	>/dev/null 2>"$T/err" </dev/null || fail "north triage: $(cat "$T/err")"
"$CAREDESK_BIN" --replica "$BOROUGH" referral triage "$ref" --priority green --reason "Seen today" \
	>/dev/null 2>"$T/err" </dev/null || fail "borough triage: $(cat "$T/err")"
for r in "$REPLICA" "$BOROUGH" "$REPLICA"; do
	"$CAREDESK_SYNC_BIN" --once --replica "$r" >/dev/null 2>"$T/err" </dev/null ||
		fail "sync: $(cat "$T/err")"
done
[ "$(sqlite3 "$REPLICA" "SELECT count(*) FROM sync_conflict WHERE status = 'open'")" = 1 ] ||
	fail "the two triages did not make one conflict"

desk_start xterm-256color C.UTF-8
wait_for "1 conflict"
keys C
wait_for "Sync conflicts"
wait_for "1 open"
screen | grep -q '^>referral *priority *"red" *"green"' || fail "the conflict row does not show both values"
wait_for 'Kept:  "red"  (root'
wait_for 'Other: "green"  (root'
keys O
# The desk says who may instead of trying (issue 14): wrapped, not cut.
wait_for "Only a team manager or an administrator may resolve a sync conflict"
keys q
desk_start xterm-256color C.UTF-8 --as root
wait_for "Referral queue: north"
keys C
wait_for "1 open"
keys O
wait_for "Resolved: the other value kept."
wait_for "No conflicts: nothing waits for a decision."
[ "$(sqlite3 "$REPLICA" "SELECT f.priority || ' ' || k.status || ' ' || k.resolved_by FROM referral f, sync_conflict k WHERE f.id = '$ref'")" = "green resolved root" ] ||
	fail "the choice is not in the replica: $(sqlite3 "$REPLICA" "SELECT priority FROM referral WHERE id = '$ref'")"
[ "$(sqlite3 "$REPLICA" "SELECT count(*) FROM outbox WHERE tbl = 'sync_conflict'")" -ge 1 ] ||
	fail "the resolution is not waiting to sync"
keys q
keys q
finish
