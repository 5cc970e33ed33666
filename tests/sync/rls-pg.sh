#!/bin/sh
# Row-level security on a PostgreSQL central (issue 4, test 8): desks in
# all four localities and the borough put records of every kind into
# central; then, for each locality's sync role and every table of the
# caredesk schema that has a locality, the role reads zero rows of any
# other locality (while central holds such rows: the test can fail), and
# cannot change them.  The roles lack BYPASSRLS and every such table has
# FORCE ROW LEVEL SECURITY.  The agent connects as the cluster's superuser
# throughout: its SET ROLE, not the URI, decides what a replica sees.
CENTRAL_KIND=postgresql
export CENTRAL_KIND
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

sync_setup
for l in north south central west borough; do
	new_replica "$l" "$l"
	sync_ok "$l"
done
cd_on "$T/north.db" worker add prac.north --name "Pat North" --team north-adults --role practitioner ||
	fail "worker add: $(cat "$T/err")"
# A handover item is acknowledged by another of its team (issue 14): the
# test user (central's worker of the borough-wide MASH, so that one Unix
# user may act on every locality's replica) writes them, for mash; this
# worker of the same team reads them back (made where the central is: a
# locality's desk does not change the borough-wide teams' workers).
"$CAREDESK_BIN" central worker add reader.north --name "Rea North" --locality borough --role duty \
	--central "$CENTRAL_URI" >"$T/out" 2>"$T/err" </dev/null || fail "central worker add: $(cat "$T/err")"
sync_ok north
for l in south central west borough; do
	sync_ok "$l"
done

# --- records of every kind, in every locality -------------------------------------
n=0
for l in north south central west borough; do
	n=$((n + 1))
	cat >"$T/$l.csv" <<CSV
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Rls$l,Ann,1950-01-0$n,CD$n 1AA,gp,social-care,no,Needs help at home
2026-11-21T11:00:00Z,Rls$l,Ben,2015-02-0$n,CD$n 2BB,school,safeguarding,yes,Bruising seen
CSV
	cd_on "$T/$l.db" import referrals "$T/$l.csv" || fail "$l import: $(cat "$T/err")"
	ref=$(q "$T/$l.db" "SELECT id FROM referral ORDER BY received_at LIMIT 1")
	person=$(q "$T/$l.db" "SELECT person_id FROM referral WHERE id = '$ref'")
	cd_on "$T/$l.db" note add --referral "$ref" --body "Seen in $l" || fail "$l note: $(cat "$T/err")"
	cd_on "$T/$l.db" referral triage "$ref" --priority amber --reason "From $l" ||
		fail "$l triage: $(cat "$T/err")"
	cd_on "$T/$l.db" handover add --situation "S $l" --background B --assessment A \
		--recommendation R --person "$person" || fail "$l handover: $(cat "$T/err")"
	item=$(q "$T/$l.db" "SELECT id FROM handover_item ORDER BY created_at DESC LIMIT 1")
	cd_on "$T/$l.db" --as reader.north handover ack "$item" --readback "Will see to it today" ||
		fail "$l ack: $(cat "$T/err")"
	sync_ok "$l"
done
# An allocation and a case in north, and a conflict kept for north.
ref=$(q "$T/north.db" "SELECT id FROM referral ORDER BY received_at LIMIT 1")
cd_on "$T/north.db" referral allocate "$ref" --to prac.north || fail "allocate: $(cat "$T/err")"
sync_ok north
sync_ok borough
two=$(q "$T/north.db" "SELECT id FROM referral ORDER BY received_at DESC LIMIT 1")
cd_on "$T/north.db" referral triage "$two" --priority red --reason "North says red" || fail "triage"
cd_on "$T/borough.db" referral triage "$two" --priority green --reason "Borough says green" || fail "triage"
for l in north borough north south central west borough; do
	sync_ok "$l"
done
[ "$(cq "SELECT count(*) FROM sync_conflict")" -ge 1 ] || fail "no conflict was made to test"

# --- every table with a locality ---------------------------------------------------
tables=$(cq "SELECT table_name FROM information_schema.columns WHERE table_schema = 'caredesk' AND column_name = 'locality' ORDER BY 1")
[ "$(echo "$tables" | wc -l)" -ge 14 ] || fail "expected every synced table and central's own two with a locality: $tables"
others=$(cq "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'caredesk' AND table_name NOT IN (SELECT table_name FROM information_schema.columns WHERE table_schema = 'caredesk' AND column_name = 'locality')")
[ "$others" = "central_meta synced_table" ] ||
	fail "tables without a locality besides central's id and table list: $others"

# as ROLE SQL: a query under a locality's sync role, as the agent makes it.
as() {
	psql -X -q -At -v ON_ERROR_STOP=1 -c "SET ROLE caredesk_sync_$1" -c "$2" 2>&1 | sed 's/^t$/1/; s/^f$/0/'
}

for t in $tables; do
	[ "$(cq "SELECT relforcerowsecurity AND relrowsecurity FROM pg_class WHERE oid = 'caredesk.\"$t\"'::regclass")" = 1 ] ||
		fail "$t does not have FORCE ROW LEVEL SECURITY"
	for l in north south central west; do
		foreign="locality NOT IN ('$l', 'borough')"
		# The order of changes shows a locality which records left it.
		[ "$t" = central_row ] && foreign="$foreign AND left_locality IS DISTINCT FROM '$l'"
		held=$(cq "SELECT count(*) FROM caredesk.\"$t\" WHERE $foreign")
		seen=$(as "$l" "SELECT count(*) FROM caredesk.\"$t\" WHERE $foreign")
		if [ "$t" = worker ]; then
			# The staff directory: every replica holds every worker.
			[ "$seen" = "$held" ] || fail "$l's role sees $seen of $held workers of other localities"
			continue
		fi
		[ "$seen" = 0 ] || fail "$l's sync role reads $seen row(s) of other localities in $t"
		changed=$(as "$l" "UPDATE caredesk.\"$t\" SET locality = '$l' WHERE $foreign" | sed -n 's/^UPDATE //p')
		[ -z "$changed" ] || [ "$changed" = 0 ] || fail "$l's sync role changed $changed row(s) of other localities in $t"
		case $t in
		person | referral | note | handover_item | central_row | central_change | audit_event)
			[ "$held" -gt 0 ] || fail "central holds no $t rows outside $l: the check above proves nothing"
			;;
		esac
		own=$(as "$l" "SELECT count(*) FROM caredesk.\"$t\" WHERE locality = '$l'")
		[ "$own" = "$(cq "SELECT count(*) FROM caredesk.\"$t\" WHERE locality = '$l'")" ] ||
			fail "$l's sync role does not see all of its own $t rows"
	done
	[ "$(as borough "SELECT count(*) FROM caredesk.\"$t\"")" = "$(cq "SELECT count(*) FROM caredesk.\"$t\"")" ] ||
		fail "the borough's sync role does not see every row of $t"
done
[ "$(cq "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'caredesk_sync_%' AND NOT rolbypassrls AND NOT rolsuper")" = 5 ] ||
	fail "the five sync roles are not all without BYPASSRLS: $(cq "SELECT rolname, rolbypassrls FROM pg_roles WHERE rolname LIKE 'caredesk_sync_%'")"
[ "$(as north "SELECT count(*) FROM caredesk.person WHERE family_name = 'Rlssouth'")" = 0 ] ||
	fail "north's role can find a south person by name"
# A locality can give a record away (caredesk.relocate), never take one.
south_person=$(cq "SELECT id FROM person WHERE locality = 'south' LIMIT 1")
[ "$(as north "SELECT caredesk.relocate('person', '$south_person', 'north')")" = 0 ] ||
	fail "north's role took a south person with caredesk.relocate"
[ "$(cq "SELECT locality FROM person WHERE id = '$south_person'")" = south ] ||
	fail "caredesk.relocate moved a south person for north's role"
[ "$(cq "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = 'caredesk_mover' AND u.rolname LIKE 'caredesk_sync_%'")" = 0 ] ||
	fail "a sync role may become caredesk_mover, which reads every row"

# --- what each replica received, through a superuser URI ---------------------------
for l in north south central west; do
	converged "$l" "$l"
	[ "$(q "$T/$l.db" "SELECT count(*) FROM person WHERE locality NOT IN ('$l', 'borough')")" = 0 ] ||
		fail "the $l replica holds people of other localities"
done
converged borough borough

# --- a host's own login, as IT would set one up ----------------------------------
pg_as_superuser "CREATE ROLE northhost LOGIN"
host_uri=$(echo "$CENTRAL_URI" | sed 's/user=[a-z_]*/user=northhost/')
cd_on "$T/host.db" init --locality north --central "$host_uri"
status=$?
[ "$status" = 77 ] || fail "a login without its sync role: init ended $status, not 77"
grep -q "GRANT caredesk_sync_north TO northhost" "$T/err" ||
	fail "the refusal does not say what to grant: $(cat "$T/err")"
[ -e "$T/host.db" ] && fail "a refused first sync left a replica"
pg_as_superuser "GRANT caredesk_sync_north TO northhost"
cd_on "$T/host.db" init --locality north --central "$host_uri" ||
	fail "init as a login granted caredesk_sync_north: $(cat "$T/err")"
converged host north

# --- central init again: a no-op on data, policies kept ---------------------------
before=$(cq "SELECT count(*) FROM central_row")
"$CAREDESK_BIN" central init "$CENTRAL_URI" >"$T/out" 2>&1 || fail "central init again: $(cat "$T/out")"
[ "$(cq "SELECT count(*) FROM central_row")" = "$before" ] || fail "central init again changed the data"
[ "$(as south "SELECT count(*) FROM caredesk.person WHERE locality = 'north'")" = 0 ] ||
	fail "after central init again, south's role reads north's people"
finish
