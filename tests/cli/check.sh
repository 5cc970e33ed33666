#!/bin/sh
# `caredesk check` on damaged replicas (DESIGN 5, caredesk(1) "check").
#
# A real replica is made through the command line (workers, an import, a
# note, so every audit chain has several events), then copied once per kind
# of damage, and each copy is damaged in one way with the sqlite3 shell, as
# someone editing the file behind caredesk's back would: an audit event
# altered without its hash, an event deleted from the middle of a chain,
# a chain rewritten (rehashed) or cut short after central recorded its
# head, a capture trigger, a search trigger or replica_meta's guard
# dropped, a guard trigger emptied, a
# trigger added, an index dropped, a dangling reference written with
# foreign keys off, a transaction context left behind.  For each, check must
# exit 65 (EX_DATAERR) and name the problem: the table, the row or event and
# the trigger or index.  A control copy lifted and restored the same way
# but left whole must still be consistent (exit 0), so it is the damage,
# not the tooling, that check reports.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup

if ! command -v sqlite3 >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && { echo "FAIL: sqlite3 (the shell) is needed to damage a replica (CI=true)"; exit 1; }
	skip "sqlite3 (the shell) is needed to damage a replica"
fi

# --- a real replica -------------------------------------------------------------
make_replica north
BASE=$REPLICA
add_worker duty.north north-duty duty
add_worker prac.north north-adults practitioner
cat >"$T/in.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-19T09:30:00Z,Bravo,Bea,1970-05-05,N1 2BB,gp,social-care,no,Needs help at home
2026-11-20T10:00:00Z,Alpha,Alf,2015-01-01,N1 1AA,school,health,no,Worried about attendance
EOF
r import referrals "$T/in.csv"
expect_status 0 "import of two referrals"
need_python
alpha=$(referral_id Alpha)
[ -n "$alpha" ] || die "no referral for Alpha after the import"
r note add --referral "$alpha" --body "Spoke to the school"
expect_status 0 "note add"
r check
expect_status 0 "check on the undamaged replica"
expect_stdout_contains "is consistent"

events=$(sqlite3 "$BASE" "SELECT count(*) FROM audit_event WHERE origin = (SELECT value FROM replica_meta WHERE key = 'replica_id')")
[ "${events:-0}" -ge 4 ] || die "expected at least 4 audit events in this replica's chain, got '$events'"
ev2=$(sqlite3 "$BASE" "SELECT id FROM audit_event WHERE seq = 2 AND origin = (SELECT value FROM replica_meta WHERE key = 'replica_id')")
ev3=$(sqlite3 "$BASE" "SELECT id FROM audit_event WHERE seq = 3 AND origin = (SELECT value FROM replica_meta WHERE key = 'replica_id')")
[ -n "$ev2" ] && [ -n "$ev3" ] || die "cannot find the second and third audit events"

# fresh NAME: a copy of the base replica as $REPLICA (WAL folded in first).
fresh() {
	REPLICA=$T/$1.db
	sqlite3 "$BASE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null || die "cannot checkpoint $BASE"
	cp "$BASE" "$REPLICA" || die "cannot copy $BASE"
}

# damage SQL...: run SQL on $REPLICA in the sqlite3 shell, foreign keys off.
damage() {
	if ! printf 'PRAGMA foreign_keys = OFF;\n%s\n' "$*" | sqlite3 -bail "$REPLICA" >"$T/damage.out" 2>&1; then
		cat "$T/damage.out"
		die "could not damage $REPLICA with: $*"
	fi
}

# behind_back TABLE SQL: run SQL with TABLE's triggers (the guards, the
# append-only rule, the capture) lifted and then put back exactly as they
# were, as someone who knows the schema would edit the file.
behind_back() {
	_t=$1
	shift
	sqlite3 "$REPLICA" "SELECT 'DROP TRIGGER \"' || name || '\";' FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = '$_t'" >"$T/drop.sql" &&
		sqlite3 "$REPLICA" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = '$_t'" >"$T/create.sql" ||
		die "cannot read the triggers of $_t"
	[ -s "$T/drop.sql" ] || die "table $_t has no triggers to lift"
	damage "BEGIN; $(cat "$T/drop.sql") $* $(cat "$T/create.sql") COMMIT;"
}

# expect_damage WHAT TEXT...: check on $REPLICA exits 65, prints each TEXT on
# a problem line, and ends with the count of problems.
expect_damage() {
	_what=$1
	shift
	r check
	expect_status 65 "check on a replica with $_what"
	for _text in "$@"; do
		if grep -F -e "$_text" "$CD_OUT" | grep -q '^problem: '; then
			pass "check names $_what: $_text"
		else
			fail "check on a replica with $_what: no problem line naming '$_text'; stdout was:"
			show "$CD_OUT"
		fi
	done
	expect_stdout_lacks "is consistent"
	if grep -Eq "^caredesk: $REPLICA: [1-9][0-9]* problems?$" "$CD_OUT"; then
		pass "check counts the problems with $_what"
	else
		fail "check on a replica with $_what: no 'N problem(s)' line; stdout was:"
		show "$CD_OUT"
	fi
}

# --- the control: triggers lifted and put back, nothing changed --------------------
fresh control
behind_back audit_event "UPDATE audit_event SET detail = detail WHERE id = '$ev2';"
r check
expect_status 0 "check after triggers were lifted and restored unchanged"
expect_stdout_contains "is consistent"

# --- an audit event altered without its hash ---------------------------------------
fresh altered
behind_back audit_event "UPDATE audit_event SET detail = 'someone else' WHERE id = '$ev2';"
expect_damage "an altered audit event" "event $ev2 was altered"

fresh altered-actor
behind_back audit_event "UPDATE audit_event SET actor = 'mallory' WHERE id = '$ev3';"
expect_damage "an audit event's actor changed" "event $ev3 was altered"

# --- an event deleted from the middle of a chain -----------------------------------
fresh deleted
behind_back audit_event "DELETE FROM audit_event WHERE id = '$ev2';"
expect_damage "an audit event deleted from the middle" "event $ev3 is out of sequence"

# --- the chain rewritten or cut short after a sync (issue 15) -----------------------
# Every later hash recomputed after an edit, or the last events deleted,
# the chain still links and hashes.  What shows it is central's record of
# the chain's head (audit_anchor), which the agent stores at each sync and
# check compares with, without the network.  Events written since that
# record, and a replica that never synced, have nothing to compare with:
# those stay consistent here (caredesk(1), "check"; central holds what was
# pushed).
origin=$(sqlite3 "$BASE" "SELECT value FROM replica_meta WHERE key = 'replica_id'")
head=$(sqlite3 "$BASE" "SELECT max(seq) FROM audit_event WHERE origin = '$origin'")
[ "${head:-0}" -ge 4 ] || die "expected at least 4 events in this replica's chain, got '$head'"

# seq_hash SEQ: the hash of event SEQ of this replica's chain in $REPLICA.
seq_hash() {
	sqlite3 "$REPLICA" "SELECT hash FROM audit_event WHERE origin = '$origin' AND seq = $1"
}

# anchor SEQ HASH: central's record of this replica's chain as the agent
# stores it, in a transaction with its context (audit_anchor is guarded).
anchor() {
	damage "BEGIN; INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at) VALUES (1, lower(hex(randomblob(16))), 'caredesk-sync', 'sync.anchor', (SELECT user_version FROM pragma_user_version), '2026-11-23T10:00:00Z'); INSERT INTO audit_anchor (origin, seq, hash, central, anchored_at) VALUES ('$origin', $1, '$2', 'central-test', '2026-11-23T10:00:00Z'); DELETE FROM txn_context; COMMIT;"
}

# rehash: recompute every hash of this replica's chain in $REPLICA, as
# someone who read src/replica/audit.c would after an edit: SHA-256 over
# the previous hash and the event's fields, each followed by 0x1f.
rehash() {
	python3 - "$REPLICA" "$origin" >"$T/rehash.sql" <<'PY' || die "cannot compute the hashes"
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
prev = "0" * 64
for row in db.execute("SELECT id, origin, seq, at, actor, worker, action, tbl, record_id, "
                      "detail, locality FROM audit_event WHERE origin = ? ORDER BY seq",
                      (sys.argv[2],)):
    text = "".join(str(f) + "\x1f" for f in (prev,) + row)
    h = hashlib.sha256(text.encode("utf-8")).hexdigest()
    print("UPDATE audit_event SET prev_hash = '%s', hash = '%s' WHERE id = '%s';" % (prev, h, row[0]))
    prev = h
PY
	behind_back audit_event "$(cat "$T/rehash.sql")"
}

# The control: the rehash of a whole chain changes nothing, and an anchor
# that matches is consistent.
fresh anchored
rehash
anchor "$head" "$(seq_hash "$head")"
r check
expect_status 0 "check with central's record of the head, chain rehashed unchanged"
expect_stdout_contains "is consistent"

# The guard: the anchor written with sqlite3 alone is refused.
if sqlite3 "$REPLICA" "UPDATE audit_anchor SET seq = 1" 2>"$T/guard.err"; then
	fail "audit_anchor was written without a caredesk transaction"
elif grep -q "audit_anchor changed outside a caredesk action" "$T/guard.err"; then
	pass "audit_anchor refuses a write without a caredesk transaction"
else
	fail "audit_anchor write refused, but not by the guard: $(cat "$T/guard.err")"
fi

fresh rehashed-unsynced
behind_back audit_event "UPDATE audit_event SET detail = 'someone else' WHERE id = '$ev2';"
rehash
r check
expect_status 0 "check of a rehashed chain never synced (the documented limit)"
expect_stdout_contains "is consistent"

fresh rehashed
anchor "$head" "$(seq_hash "$head")"
behind_back audit_event "UPDATE audit_event SET detail = 'someone else' WHERE id = '$ev2';"
rehash
expect_damage "an edited audit chain rehashed after a sync" \
	"audit chain of $origin: event $head differs from central's record (the chain was rewritten after it was synced)"
expect_stdout_lacks "was altered"

fresh cut-short
anchor "$head" "$(seq_hash "$head")"
behind_back audit_event "DELETE FROM audit_event WHERE origin = '$origin' AND seq >= $((head - 1));"
expect_damage "the last synced audit events deleted" \
	"audit chain of $origin: event $head, recorded at central on 2026-11-23T10:00:00Z, is missing here (events deleted after they were synced)"

fresh after-anchor
anchor $((head - 2)) "$(seq_hash $((head - 2)))"
behind_back audit_event "DELETE FROM audit_event WHERE origin = '$origin' AND seq = $head; UPDATE audit_event SET detail = 'someone else' WHERE origin = '$origin' AND seq = $((head - 1));"
rehash
r check
expect_status 0 "check of events rewritten after the last sync (the documented limit)"
expect_stdout_contains "is consistent"

# --- dropped triggers --------------------------------------------------------------
fresh no-capture
damage "DROP TRIGGER cap_person_insert;"
expect_damage "a dropped capture trigger" "table person is missing trigger cap_person_insert"

fresh no-guard
damage "DROP TRIGGER cap_referral_guard_1;"
expect_damage "a dropped guard trigger" "table referral is missing trigger cap_referral_guard_1"

fresh no-append-only
damage "DROP TRIGGER cap_audit_event_append_only_1;"
expect_damage "a dropped append-only trigger" \
	"table audit_event is missing trigger cap_audit_event_append_only_1"

fresh no-search
damage "DROP TRIGGER person_search_ai;"
expect_damage "a dropped search trigger" "table person is missing trigger person_search_ai"

fresh no-meta-guard
damage "DROP TRIGGER replica_meta_guard_update;"
expect_damage "replica_meta's guard dropped" "table replica_meta is missing trigger replica_meta_guard_update"

# --- a guard emptied, a trigger added ---------------------------------------------
fresh emptied-guard
damage "BEGIN; DROP TRIGGER cap_note_guard_0; CREATE TRIGGER cap_note_guard_0 BEFORE INSERT ON note BEGIN SELECT 1; END; COMMIT;"
expect_damage "an emptied guard trigger" "trigger cap_note_guard_0 of table note differs"

fresh extra-trigger
damage "CREATE TRIGGER quiet_delete AFTER INSERT ON note BEGIN DELETE FROM flag; END;"
expect_damage "a trigger added by hand" "trigger quiet_delete on table note is not one the migrations make"

# --- a missing index ---------------------------------------------------------------
fresh no-index
damage "DROP INDEX audit_by_record;"
expect_damage "a dropped index" "table audit_event is missing index audit_by_record"

# --- a dangling reference ----------------------------------------------------------
fresh dangling
rowid=$(sqlite3 "$REPLICA" "SELECT rowid FROM referral WHERE id = '$alpha'")
behind_back referral "UPDATE referral SET person_id = '01a20828-0000-7000-8000-00000000dead' WHERE id = '$alpha';"
expect_damage "a referral pointing at no person" \
	"a row of referral refers to a missing person (rowid $rowid)"

fresh dangling-note
behind_back note "UPDATE note SET author = '01a20828-0000-7000-8000-00000000dead';"
expect_damage "a note whose author is no worker" "a row of note refers to a missing worker"

# --- a transaction context left behind ----------------------------------------------
fresh stray
damage "INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, capture) SELECT 1, 'txn-left', id, 'referral.triage', 6, '2026-11-23T09:00:00Z', 1 FROM worker LIMIT 1;"
expect_damage "a leftover transaction context" "txn_context holds a committed row (txn-left, referral.triage)"

# --- several at once: each named, and counted -----------------------------------------
fresh several
damage "DROP INDEX audit_by_record; DROP TRIGGER cap_flag_update;"
expect_damage "two problems" "missing index audit_by_record" "missing trigger cap_flag_update"
expect_stdout_contains "2 problems"

# --- a file too damaged to open as a replica (issue 15) -------------------------------------
# A truncated copy and pages overwritten (with escape sequences among the
# garbage): check used to say "'root' is not a worker" (77) or exit 70.
# Now it opens the file as far as it can, names the damage, exits 65 and
# prints no raw byte of the file; other commands say it is damaged (65).
# no_escape FILE: no ESC or BEL byte in FILE.
no_escape() { ! grep -q "$(printf '[\033\007]')" "$1"; }
fresh truncated
size=$(stat -c %s "$REPLICA")
truncate -s $((size / 2)) "$REPLICA"
r check
expect_status 65 "check of a truncated replica"
expect_stderr_contains "truncated.db is damaged (database disk image is malformed)"
expect_stdout_contains "problem: "
expect_stdout_contains "1 problem"
r referral list
expect_status 65 "referral list on a truncated replica"
expect_stderr_contains "is damaged"
fresh overwritten
python3 - "$REPLICA" <<'PY' || die "cannot overwrite the pages"
import os, sys
f = open(sys.argv[1], "r+b")
for off in range(8192, os.path.getsize(sys.argv[1]), 16384):
    f.seek(off)
    f.write(b"\x1b]0;PWNED\x07\x1b[2J garbage " * 40)
PY
r check
expect_status 65 "check of a replica with overwritten pages"
expect_stdout_contains "problem: "
no_escape "$CD_OUT" && no_escape "$CD_ERR" || fail "check printed raw bytes of a damaged file"
printf 'not a database at all, and long enough to be taken for one if it were\n' >"$T/text.db"
cd_run --replica "$T/text.db" check
expect_status 66 "check of a file that is no database"
expect_stderr_contains "not a caredesk replica"

finish
