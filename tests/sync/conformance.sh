#!/bin/sh
# The sync conformance core, against the embedded central store: three
# replicas (two localities and the borough-wide desk) stay in step; a
# resent push after a lost answer is not applied twice; the same field
# changed on two desks is one conflict with both values, kept for a person;
# different fields merge; an edit that meets a closed case or a closed
# referral is a conflict.
# Every scenario ends with the oracle (lib.sh).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

sync_setup
new_replica north north
new_replica south south
new_replica borough borough
for r in north south borough; do
	sync_ok "$r"
done
cd_on "$T/north.db" worker add prac.north --name "Pat North" --team north-adults --role practitioner ||
	fail "worker add: $(cat "$T/err")"
cd_on "$T/north.db" worker add prac2.north --name "Sam North" --team north-adults --role practitioner ||
	fail "worker add: $(cat "$T/err")"

# --- three desks stay in step ------------------------------------------------
cat >"$T/north.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Alpha,Alf,1950-01-01,CD1 1AA,gp,social-care,no,Needs help at home
2026-11-21T11:00:00Z,Bravo,Bea,1948-02-02,CD1 2BB,hospital,hospital-discharge,no,Going home Friday
2026-11-22T12:00:00Z,Charlie,Cal,2016-03-03,CD1 3CC,school,safeguarding,yes,Bruising seen
CSV
cat >"$T/south.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T09:00:00Z,Delta,Dee,1960-04-04,CD4 4DD,family,carer,no,Carer struggling
2026-11-22T15:00:00Z,Echo,Eve,1935-05-05,CD4 5EE,gp,health,no,Falls
CSV
cd_on "$T/north.db" import referrals "$T/north.csv" || fail "north import: $(cat "$T/err")"
cd_on "$T/south.db" import referrals "$T/south.csv" || fail "south import: $(cat "$T/err")"
alpha=$(q "$T/north.db" "SELECT f.id FROM referral f JOIN person p ON p.id = f.person_id WHERE p.family_name = 'Alpha'")
cd_on "$T/north.db" note add --referral "$alpha" --body "Rang the GP back" || fail "note: $(cat "$T/err")"
for r in north south borough; do
	remember_waiting "$r"
done
for r in north south borough north south; do
	sync_ok "$r"
done
converged north north
converged south south
converged borough borough
every_change_once
[ "$(q "$T/borough.db" "SELECT count(*) FROM referral")" = 5 ] ||
	fail "the borough desk does not hold all five referrals"
[ "$(q "$T/south.db" "SELECT count(*) FROM referral")" = 2 ] ||
	fail "the south desk holds referrals outside its locality"
[ "$(q "$T/north.db" "SELECT count(*) FROM sync_reject")" = 0 ] ||
	fail "north had changes rejected: $(q "$T/north.db" "SELECT reason FROM sync_reject")"

# --- a lost answer: the resend is deduplicated -------------------------------
cd_on "$T/north.db" note add --referral "$alpha" --body "Second call" || fail "note: $(cat "$T/err")"
remember_waiting north
q "$T/north.db" "VACUUM INTO '$T/north-before.db'"
sync_ok north
notes=$(cq "SELECT count(*) FROM note")
changes=$(cq "SELECT count(*) FROM central_change")
# As if the answer never came: the replica as it was before the push.
rm -f "$T/north.db" "$T/north.db-wal" "$T/north.db-shm"
mv "$T/north-before.db" "$T/north.db"
[ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" -gt 0 ] || fail "the restored replica has nothing waiting"
sync_ok north
[ "$(cq "SELECT count(*) FROM note")" = "$notes" ] || fail "a resent note was applied twice"
[ "$(cq "SELECT count(*) FROM central_change")" = "$changes" ] ||
	fail "a resent push recorded new changes"
grep -q "pushed [1-9]" "$T/sync.err" || fail "the resend was not answered: $(cat "$T/sync.err")"
converged north north
every_change_once

# --- the same field on two desks: one conflict with both values -------------
bravo=$(q "$T/north.db" "SELECT f.id FROM referral f JOIN person p ON p.id = f.person_id WHERE p.family_name = 'Bravo'")
cd_on "$T/north.db" referral triage "$bravo" --priority red --reason "Lives alone" ||
	fail "north triage: $(cat "$T/err")"
cd_on "$T/borough.db" referral triage "$bravo" --priority amber --reason "Lives alone" ||
	fail "borough triage: $(cat "$T/err")"
remember_waiting north
remember_waiting borough
sync_ok north
sync_ok borough
sync_ok north
conflicts=$(cq "SELECT count(*) FROM sync_conflict WHERE row_id = '$bravo'")
[ "$conflicts" = 1 ] || fail "expected one conflict on the referral, found $conflicts: $(cq "SELECT field, kept_value, other_value FROM sync_conflict WHERE row_id = '$bravo'")"
[ "$(cq "SELECT field || ' ' || kept_value || ' ' || other_value || ' ' || kind FROM sync_conflict WHERE row_id = '$bravo'")" = 'priority "red" "amber" same-field' ] ||
	fail "the conflict does not keep both values: $(cq "SELECT * FROM sync_conflict WHERE row_id = '$bravo'")"
[ "$(cq "SELECT outcome FROM central_change c JOIN (SELECT change_id FROM sync_conflict WHERE row_id = '$bravo') k USING (change_id)")" = conflict ] ||
	fail "the borough's change is not answered as a conflict"
for r in north borough; do
	[ "$(q "$T/$r.db" "SELECT priority FROM referral WHERE id = '$bravo'")" = red ] ||
		fail "$r does not show central's kept value"
	[ "$(q "$T/$r.db" "SELECT count(*) FROM sync_conflict WHERE row_id = '$bravo' AND status = 'open'")" = 1 ] ||
		fail "$r does not hold the open conflict"
done
converged north north
converged borough borough

# The conflict as caredesk conflicts list shows it, and a manager's choice.
cd_on "$T/borough.db" conflicts list --format csv || fail "conflicts list: $(cat "$T/err")"
head -n 1 "$T/out" | grep -q '^id,record_id,tbl,field,kept_value,kept_worker,kept_at,other_value,other_worker,other_at,' ||
	fail "conflicts list has the wrong columns: $(head -n 1 "$T/out")"
grep -q "$bravo,referral,priority" "$T/out" || fail "conflicts list does not show the referral's priority"
conflict=$(q "$T/borough.db" "SELECT id FROM sync_conflict WHERE row_id = '$bravo'")
cd_on "$T/south.db" --as prac.north conflicts resolve "$conflict" --keep other
status=$?
[ "$status" = 77 ] || fail "a practitioner resolving a conflict: exit $status, not 77: $(cat "$T/err")"
cd_on "$T/borough.db" conflicts resolve "$conflict" --keep other || fail "resolve: $(cat "$T/err")"
remember_waiting borough
sync_ok borough
sync_ok north
[ "$(cq "SELECT priority FROM referral WHERE id = '$bravo'")" = amber ] ||
	fail "the chosen value did not reach central"
[ "$(q "$T/north.db" "SELECT priority || ' ' || (SELECT status || ' ' || resolved_by FROM sync_conflict WHERE id = '$conflict') FROM referral WHERE id = '$bravo'")" = "amber resolved root" ] ||
	fail "north does not show the resolution"
[ "$(cq "SELECT count(*) FROM sync_conflict WHERE row_id = '$bravo'")" = 1 ] ||
	fail "resolving made another conflict"
[ "$(q "$T/borough.db" "SELECT count(*) FROM audit_event WHERE action = 'conflict.resolve' AND record_id = '$conflict'")" = 1 ] ||
	fail "the resolution is not in the audit trail"
converged north north
converged borough borough

# --- different fields merge; an edit meeting a close is a conflict ----------
cd_on "$T/north.db" referral allocate "$bravo" --to prac.north || fail "allocate: $(cat "$T/err")"
remember_waiting north
sync_ok north
sync_ok borough
case_id=$(q "$T/north.db" "SELECT case_id FROM referral WHERE id = '$bravo'")
[ -n "$case_id" ] || fail "the allocation made no case"
cd_on "$T/north.db" --as prac.north case review "$case_id" --date 2026-12-14 || fail "review: $(cat "$T/err")"
cd_on "$T/borough.db" case reallocate "$case_id" --to prac2.north --reason "Cover" ||
	fail "reallocate: $(cat "$T/err")"
remember_waiting north
remember_waiting borough
sync_ok north
sync_ok borough
sync_ok north
[ "$(cq "SELECT next_review || ' ' || (SELECT login FROM worker WHERE id = allocated_to) FROM care_case WHERE id = '$case_id'")" = "2026-12-14 prac2.north" ] ||
	fail "different fields did not merge: $(cq "SELECT next_review, allocated_to FROM care_case WHERE id = '$case_id'")"
[ "$(cq "SELECT count(*) FROM central_change WHERE row_id = '$case_id' AND outcome = 'merged'")" -ge 1 ] ||
	fail "no change to the case was answered merged"
[ "$(cq "SELECT count(*) FROM sync_conflict WHERE row_id = '$case_id'")" = 0 ] ||
	fail "different fields made a conflict"
cd_on "$T/north.db" --as prac2.north case close "$case_id" --reason needs-met || fail "close: $(cat "$T/err")"
cd_on "$T/borough.db" --as prac2.north case review "$case_id" --date 2027-01-04 || fail "review: $(cat "$T/err")"
remember_waiting north
remember_waiting borough
sync_ok north
sync_ok borough
sync_ok north
[ "$(cq "SELECT kind || ' ' || field FROM sync_conflict WHERE row_id = '$case_id'")" = "edit-after-close next_review" ] ||
	fail "an edit meeting a close is not a conflict: $(cq "SELECT kind, field FROM sync_conflict WHERE row_id = '$case_id'")"
[ "$(cq "SELECT closed_at IS NOT NULL AND next_review = '2026-12-14' FROM care_case WHERE id = '$case_id'")" = 1 ] ||
	fail "the closed case was changed by the late edit"
# A manager may still choose the late value for the closed case.
sync_ok borough
conflict=$(q "$T/borough.db" "SELECT id FROM sync_conflict WHERE row_id = '$case_id'")
cd_on "$T/borough.db" conflicts resolve "$conflict" --keep other || fail "resolve: $(cat "$T/err")"
remember_waiting borough
sync_ok borough
[ "$(cq "SELECT closed_at IS NOT NULL AND next_review = '2027-01-04' FROM care_case WHERE id = '$case_id'")" = 1 ] ||
	fail "a manager's resolution of an edit after close did not apply"
[ "$(cq "SELECT count(*) FROM sync_conflict WHERE row_id = '$case_id'")" = 1 ] ||
	fail "resolving the edit after close made another conflict"
# An edit that meets a closed referral is a conflict too: north closes
# Charlie's referral (a decision that ends it) while the borough desk,
# not yet seeing it, raises its priority.  Only the status marks the
# close, so without the rule the priority, unchanged by the close, would
# simply apply to a closed referral.
charlie=$(q "$T/north.db" "SELECT f.id FROM referral f JOIN person p ON p.id = f.person_id WHERE p.family_name = 'Charlie'")
cd_on "$T/north.db" referral triage "$charlie" --priority amber || fail "triage: $(cat "$T/err")"
remember_waiting north
sync_ok north
sync_ok borough
cd_on "$T/north.db" referral triage "$charlie" --priority amber --decision nfa \
	--reason "Support already in place from the GP" ||
	fail "closing triage: $(cat "$T/err")"
cd_on "$T/borough.db" referral triage "$charlie" --priority red || fail "borough triage: $(cat "$T/err")"
[ "$(q "$T/borough.db" "SELECT count(*) FROM outbox WHERE row_id = '$charlie' AND changes LIKE '%status%'")" = 0 ] ||
	fail "the borough's edit changes the status, so it would not test an edit meeting a close"
remember_waiting north
remember_waiting borough
sync_ok north
sync_ok borough
sync_ok north
[ "$(cq "SELECT kind || ' ' || field || ' ' || kept_value || ' ' || other_value FROM sync_conflict WHERE row_id = '$charlie'")" = 'edit-after-close priority "amber" "red"' ] ||
	fail "an edit meeting a closed referral is not a conflict with both values: $(cq "SELECT kind, field, kept_value, other_value FROM sync_conflict WHERE row_id = '$charlie'")"
[ "$(cq "SELECT outcome FROM central_change c JOIN (SELECT change_id FROM sync_conflict WHERE row_id = '$charlie') k USING (change_id)")" = conflict ] ||
	fail "the borough's edit of the closed referral is not answered as a conflict"
[ "$(cq "SELECT status || ' ' || priority FROM referral WHERE id = '$charlie'")" = "closed amber" ] ||
	fail "the closed referral was changed by the late edit: $(cq "SELECT status, priority FROM referral WHERE id = '$charlie'")"
for r in north borough; do
	[ "$(q "$T/$r.db" "SELECT status || ' ' || priority FROM referral WHERE id = '$charlie'")" = "closed amber" ] ||
		fail "$r does not show central's closed referral"
done
for r in north south borough; do
	sync_ok "$r"
done
converged north north
converged south south
converged borough borough
every_change_once

# --- a new replica, one record a checkpoint -----------------------------------
# The referrals were changed after their notes, so central's order puts
# notes before the referral they are about: such a record waits (parked)
# and is stored once what it refers to has arrived.
unsynced_replica north2 north
CAREDESK_SYNC_BATCH=1 sync_ok north2
grep -q "[1-9][0-9]* waited for a record" "$T/sync.err" ||
	fail "no record had to wait, so this did not test waiting: $(cat "$T/sync.err")"
converged north2 north
[ "$(q "$T/north2.db" "SELECT count(*) FROM sync_parked")" = 0 ] ||
	fail "records are still parked: $(q "$T/north2.db" "SELECT tbl FROM sync_parked")"
[ "$(q "$T/north2.db" "PRAGMA foreign_key_check" | wc -l)" = 0 ] ||
	fail "north2 holds records whose references do not hold"

# --- init --central: the first sync fills the replica before it exists --------
new_replica north3 north
[ -e "$T/north3.db.new" ] && fail "init left its .new file behind"
[ "$(q "$T/north3.db" "SELECT count(*) FROM referral")" = 3 ] ||
	fail "init --central did not fill the replica by a first sync"
converged north3 north
if [ "$CENTRAL_KIND" = embedded ]; then
	gone="file:$T/no-such-dir/central.db"
else
	gone="postgresql:///caredesk?host=$T/no-such-dir&port=5432"
fi
cd_on "$T/north4.db" init --locality north --central "$gone"
status=$?
[ "$status" = 69 ] || [ "$status" = 66 ] ||
	fail "init with an unreachable central ended $status: $(cat "$T/err")"
[ -e "$T/north4.db" ] || [ -e "$T/north4.db.new" ] && fail "init with an unreachable central left a replica"
finish
