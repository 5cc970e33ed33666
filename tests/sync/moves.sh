#!/bin/sh
# A record that moves to another locality (issue 4: "records leaving the
# scope are archived, not deleted"), against either central: a person and
# their referral move from north to south.  The south desk receives them;
# every north replica keeps its copy, as last seen, archived out of the
# desk's lists (never deleted, and never sent the record's new content);
# moved back, they are live in north again.  No desk command moves a
# record yet (a transfer is to come), so the move here is written as such
# a command would write it: one captured action on the north replica.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

sync_setup
for r in north south borough north2; do
	case $r in north2) l=north ;; *) l=$r ;; esac
	new_replica "$r" "$l"
done
for r in north south borough north2; do
	sync_ok "$r"
done
cat >"$T/north.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Mover,Mo,1950-01-01,CD1 1AA,gp,social-care,no,Moving to the south
2026-11-21T11:00:00Z,Stayer,Sam,1951-01-01,CD1 2BB,gp,social-care,no,Staying north
CSV
cd_on "$T/north.db" import referrals "$T/north.csv" || fail "import: $(cat "$T/err")"
person=$(q "$T/north.db" "SELECT id FROM person WHERE family_name = 'Mover'")
ref=$(q "$T/north.db" "SELECT id FROM referral WHERE person_id = '$person'")
cd_on "$T/north.db" note add --referral "$ref" --body "Before the move" || fail "note: $(cat "$T/err")"
for r in north north2 south borough; do
	sync_ok "$r"
done
[ "$(q "$T/north2.db" "SELECT count(*) FROM referral WHERE id = '$ref'")" = 1 ] ||
	fail "north2 does not hold the referral before the move"

# move DB PERSON REFERRAL LOCALITY TEAM: one captured action, as a transfer would be.
move() {
	q "$1" "BEGIN;
INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at)
	VALUES (1, lower(hex(randomblob(16))), 'root', 'referral.transfer', (SELECT user_version FROM pragma_user_version), '2026-11-23T09:40:00Z');
UPDATE person SET locality = '$4', version = version + 1 WHERE id = '$2';
UPDATE referral SET locality = '$4', team = '$5', version = version + 1 WHERE id = '$3';
DELETE FROM txn_context;
COMMIT;" || fail "the move could not be written"
}

move "$T/north.db" "$person" "$ref" south south-duty
remember_waiting north
for r in north south north2 borough north; do
	sync_ok "$r"
done

# --- the south desk has them; north keeps them archived ----------------------------
[ "$(q "$T/south.db" "SELECT locality || ' ' || team FROM referral WHERE id = '$ref'")" = "south south-duty" ] ||
	fail "the south desk did not receive the moved referral"
cd_on "$T/south.db" referral list --format csv || fail "south referral list: $(cat "$T/err")"
grep -q "$ref" "$T/out" || fail "the moved referral is not in the south queue"
for r in north north2; do
	[ "$(q "$T/$r.db" "SELECT count(*) FROM referral WHERE id = '$ref'")" = 1 ] ||
		fail "$r deleted the referral that moved away"
	[ "$(q "$T/$r.db" "SELECT count(*) FROM person WHERE id = '$person'")" = 1 ] ||
		fail "$r deleted the person who moved away"
	[ "$(q "$T/$r.db" "SELECT tbl || ' ' || moved_to FROM sync_archived ORDER BY tbl")" = "person south
referral south" ] || fail "$r did not archive what moved: $(q "$T/$r.db" "SELECT * FROM sync_archived")"
	cd_on "$T/$r.db" referral list --format csv || fail "$r referral list: $(cat "$T/err")"
	grep -q "$ref" "$T/out" && fail "the referral that moved away is still in $r's queue"
	grep -q "Stayer" "$T/out" || fail "$r's queue lost the referral that stayed"
	[ "$(q "$T/$r.db" "SELECT count(*) FROM note WHERE body = 'Before the move'")" = 1 ] ||
		fail "$r lost the note written before the move"
done
cd_on "$T/north2.db" sync status
grep -q "^archived      2 (moved to another locality)" "$T/out" ||
	fail "sync status does not count the archived records: $(cat "$T/out")"
# north2 never wrote the move: its copy is the one from before.
[ "$(q "$T/north2.db" "SELECT locality FROM referral WHERE id = '$ref'")" = north ] ||
	fail "north2 was sent the moved record's new content"

# --- south works on it; north hears nothing of it --------------------------------------
cd_on "$T/south.db" note add --referral "$ref" --body "After the move" || fail "south note: $(cat "$T/err")"
for r in south north2 north borough; do
	sync_ok "$r"
done
[ "$(q "$T/north2.db" "SELECT count(*) FROM note WHERE body = 'After the move'")" = 0 ] ||
	fail "north2 received south's note on the moved referral"
[ "$(q "$T/borough.db" "SELECT count(*) FROM note WHERE body = 'After the move'")" = 1 ] ||
	fail "the borough desk did not receive south's note"
converged south south
converged borough borough
if [ "$CENTRAL_KIND" = postgresql ]; then
	[ "$(psql -X -q -At -c "SET ROLE caredesk_sync_north" -c "SELECT count(*) FROM caredesk.referral WHERE id = '$ref'")" = 0 ] ||
		fail "north's sync role can read the referral that moved to south"
fi

# --- moved back: live in north again ------------------------------------------------
move "$T/south.db" "$person" "$ref" north north-duty
remember_waiting south
for r in south north north2 borough; do
	sync_ok "$r"
done
for r in north north2; do
	[ "$(q "$T/$r.db" "SELECT count(*) FROM sync_archived")" = 0 ] ||
		fail "$r still archives what moved back: $(q "$T/$r.db" "SELECT * FROM sync_archived")"
	cd_on "$T/$r.db" referral list --format csv || fail "$r referral list: $(cat "$T/err")"
	grep -q "$ref" "$T/out" || fail "the referral that moved back is not in $r's queue"
	converged "$r" north
done
[ "$(q "$T/south.db" "SELECT tbl FROM sync_archived ORDER BY tbl" | paste -sd' ')" = "person referral" ] ||
	fail "south did not archive what moved back north"
converged south south
every_change_once
finish
