#!/bin/sh
# A desk that lies (issue 15 §2), against either central: whoever can
# write a replica file can put anything in its outbox, under any worker's
# name, and the agent pushes it.  Central decides from its own records:
# the worker must be one of its own, active and of the replica's scope;
# a record must be in the scope (a replica may give one away, never take
# another's); only an admin changes workers and roles; an audit event
# must extend its origin's chain.  Each lie is rejected with its reason,
# recorded at central, and reaches no other replica.  The scope itself is
# the server's: caredesk-syncd --scope refuses a hello for another one.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

sync_setup
for w in "nduty north duty" "nmgr north manager" "sduty south duty" "gone north duty" \
	"nadmin north admin" "mduty borough duty"; do
	set -- $w
	team=$2-duty
	[ "$2" = borough ] && team=mash
	"$CAREDESK_BIN" central worker add "$1" --locality "$2" --role "$3" --central "$CENTRAL_URI" \
		>"$T/out" 2>"$T/err" </dev/null || die "central worker add $1: $(cat "$T/err")"
	grep -q "$1 is a worker of $team ($2) at central, as $3" "$T/out" ||
		fail "central worker add $1 said: $(cat "$T/out")"
done
new_replica north north
new_replica south south
cd_on "$T/north.db" worker disable gone || die "disable gone: $(cat "$T/err")"
sync_ok north
[ "$(cq "SELECT active FROM worker WHERE login = 'gone'")" = 0 ] ||
	fail "the admin's disabling of 'gone' did not reach central"

# --- central worker add: what it refuses -----------------------------------------
"$CAREDESK_BIN" central worker add x1 --locality north --role wizard --central "$CENTRAL_URI" \
	>"$T/out" 2>"$T/err" </dev/null
[ $? = 65 ] || fail "central worker add with an unknown role did not end 65"
"$CAREDESK_BIN" central worker add x2 --locality north --team south-duty --role duty \
	--central "$CENTRAL_URI" >"$T/out" 2>"$T/err" </dev/null
[ $? = 65 ] && grep -q "south-duty is in south, not north" "$T/err" ||
	fail "central worker add with another locality's team: $(cat "$T/err")"
"$CAREDESK_BIN" central worker add x3 --locality north --role duty \
	--central "ssh://centralhost/srv/central.db" >"$T/out" 2>"$T/err" </dev/null
[ $? = 64 ] || fail "central worker add over ssh did not end 64"
[ "$(cq "SELECT count(*) FROM worker WHERE login IN ('x1', 'x2', 'x3')")" = 0 ] ||
	fail "a refused central worker add wrote a worker"

# --- init --central: the workers are central's -----------------------------------
# A central whose staff directory lacks this user: init makes no replica
# (it used to register its user as an admin, which central now refuses).
if [ "$CENTRAL_KIND" = embedded ]; then
	"$CAREDESK_SYNCD" --create "$T/bare.db" </dev/null || die "cannot make a second central"
	cd_on "$T/stranger.db" init --locality north --central "file:$T/bare.db"
	status=$?
	[ "$status" = 77 ] && grep -q "is not an active worker of north at central" "$T/err" ||
		fail "init --central by no worker of central ended $status: $(cat "$T/err")"
	[ -e "$T/stranger.db" ] || [ -e "$T/stranger.db.new" ] &&
		fail "init --central by no worker of central left a replica"
	[ "$(q "$T/bare.db" "SELECT count(*) FROM worker")" = 0 ] ||
		fail "init --central registered its user at central"
fi
[ "$(cq "SELECT count(*) FROM worker WHERE login = '$(id -un)'")" = 1 ] ||
	fail "the test user is not central's worker once"

# forge DB WORKER ACTION SQL: one action written straight into a replica
# file, captured as a desk's would be (what anyone who can write the file
# can do without caredesk).
forge() {
	q "$1" "BEGIN;
INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at)
	VALUES (1, lower(hex(randomblob(16))), '$2', '$3', (SELECT user_version FROM pragma_user_version), '2026-11-23T09:40:00Z');
$4;
DELETE FROM txn_context;
COMMIT;" || fail "the forged $3 could not be written"
}

# plant DB SQL: a write the agent's own pull would make (not captured).
plant() {
	q "$1" "BEGIN;
INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, capture)
	VALUES (1, lower(hex(randomblob(16))), 'x', 'sync.pull', (SELECT user_version FROM pragma_user_version), '2026-11-23T09:40:00Z', 0);
$2;
DELETE FROM txn_context;
COMMIT;" || fail "the planted row could not be written"
}

person_sql() { # ID LOCALITY FAMILY
	echo "INSERT INTO person (id, family_name, given_name, date_of_birth, created_at, updated_at, version, locality)
	VALUES ('$1', '$3', 'Forged', '1980-01-01', '2026-11-23T09:40:00Z', '2026-11-23T09:40:00Z', 1, '$2')"
}

worker_sql() { # ID LOGIN ROLE
	echo "INSERT INTO worker (id, login, name, team, role, active, created_at, updated_at, version, locality)
	VALUES ('$1', '$2', '$2', 'north-duty', '$3', 1, '2026-11-23T09:40:00Z', '2026-11-23T09:40:00Z', 1, 'north')"
}

# rejected WHAT TBL ROW_ID REASON: central refused the change and kept why.
rejected() {
	cq "SELECT outcome || ' ' || detail FROM central_change WHERE tbl = '$2' AND row_id = '$3'" >"$T/outcomes"
	grep "^rejected " "$T/outcomes" | grep -qF "$4" ||
		fail "$1: central answered '$(cat "$T/outcomes")', not a rejection saying '$4'"
}

# --- who made it -----------------------------------------------------------------
forge "$T/north.db" mallory worker.bootstrap "$(worker_sql f0000000-0000-4000-8000-000000000001 mallory admin)"
forge "$T/north.db" nduty worker.add "$(worker_sql f0000000-0000-4000-8000-000000000002 mallory2 admin)"
forge "$T/north.db" nduty worker.set "UPDATE worker SET role = 'duty,admin', version = version + 1 WHERE login = 'nduty'"
forge "$T/north.db" nobody person.add "$(person_sql f0000000-0000-4000-8000-000000000003 north Nobody)"
forge "$T/north.db" sduty person.add "$(person_sql f0000000-0000-4000-8000-000000000004 north Southerner)"
forge "$T/north.db" gone person.add "$(person_sql f0000000-0000-4000-8000-000000000005 north Gone)"
sync north
grep -q "rejected" "$T/sync.err" || fail "the agent did not report the rejections: $(cat "$T/sync.err")"
rejected "a self-made admin" worker f0000000-0000-4000-8000-000000000001 "'mallory' is not a worker at central"
rejected "an admin made by a duty worker" worker f0000000-0000-4000-8000-000000000002 "'nduty' is not an admin"
rejected "a duty worker's own promotion" worker "$(q "$T/north.db" "SELECT id FROM worker WHERE login = 'nduty'")" "'nduty' is not an admin"
rejected "a change by no worker" person f0000000-0000-4000-8000-000000000003 "'nobody' is not a worker at central"
rejected "a south worker on the north replica" person f0000000-0000-4000-8000-000000000004 "'sduty' works in south, and this replica serves north"
rejected "a disabled worker" person f0000000-0000-4000-8000-000000000005 "'gone' is disabled at central"
# A host can name any of its own workers, an admin among them: so a desk
# never makes an admin (that is done where the central is), nor touches a
# borough-wide team's worker, who acts in every locality.
forge "$T/north.db" nadmin worker.add "$(worker_sql f0000000-0000-4000-8000-000000000007 mallory3 admin)"
forge "$T/north.db" nadmin worker.set "UPDATE worker SET role = 'duty,admin', version = version + 1 WHERE login = 'nmgr'"
forge "$T/north.db" nadmin worker.disable "UPDATE worker SET active = 0, version = version + 1 WHERE login = 'mduty'"
forge "$T/north.db" nadmin worker.add "$(worker_sql f0000000-0000-4000-8000-000000000008 newduty duty)"
sync north
rejected "an admin made by naming an admin" worker f0000000-0000-4000-8000-000000000007 "an admin is made where the central is"
rejected "a promotion to admin by naming an admin" worker "$(q "$T/north.db" "SELECT id FROM worker WHERE login = 'nmgr'")" "an admin is made where the central is"
rejected "a MASH worker disabled from north" worker "$(q "$T/north.db" "SELECT id FROM worker WHERE login = 'mduty'")" "a worker of borough is not north's to change"
[ "$(cq "SELECT count(*) FROM worker WHERE login = 'newduty' AND role = 'duty' AND active = 1")" = 1 ] ||
	fail "a north admin's new duty worker did not reach central"
[ "$(cq "SELECT role FROM worker WHERE login = 'nmgr'")" = manager ] || fail "nmgr became an admin at central"
[ "$(cq "SELECT active FROM worker WHERE login = 'mduty'")" = 1 ] || fail "north disabled a MASH worker"
[ "$(cq "SELECT count(*) FROM worker WHERE login IN ('mallory', 'mallory2', 'mallory3')")" = 0 ] ||
	fail "central holds a forged worker"
[ "$(cq "SELECT role FROM worker WHERE login = 'nduty'")" = duty ] ||
	fail "a duty worker promoted themself at central"
[ "$(cq "SELECT count(*) FROM person WHERE given_name = 'Forged'")" = 0 ] ||
	fail "central holds a forged person"

# --- where the record is -----------------------------------------------------------
forge "$T/north.db" nduty person.add "$(person_sql f0000000-0000-4000-8000-000000000006 south Taken)"
sync north
rejected "a south person pushed by north" person f0000000-0000-4000-8000-000000000006 "a person in south, outside this replica's scope (north)"
# A south record edited from north: the attacker plants central's row, then edits it.
cat >"$T/south.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Southfield,Sam,1950-01-01,CD1 1AA,gp,social-care,no,South referral
CSV
cd_on "$T/south.db" import referrals "$T/south.csv" || fail "south import: $(cat "$T/err")"
sync_ok south
sp=$(q "$T/south.db" "SELECT id FROM person WHERE family_name = 'Southfield'")
[ -n "$sp" ] || die "no south person"
plant "$T/north.db" "$(person_sql "$sp" south Southfield)"
forge "$T/north.db" nduty person.edit "UPDATE person SET family_name = 'Hijacked', version = version + 1 WHERE id = '$sp'"
forge "$T/north.db" nduty person.move "UPDATE person SET locality = 'north', version = version + 1 WHERE id = '$sp'"
sync north
# A PostgreSQL central reads under north's sync role, which cannot see
# the south person at all: to it there is no such record.
if [ "$CENTRAL_KIND" = postgresql ]; then
	why="central has no such record"
else
	why="the person is in south, outside this replica's scope (north)"
fi
rejected "a south person edited from north" person "$sp" "$why"
[ "$(cq "SELECT family_name || ' ' || locality FROM person WHERE id = '$sp'")" = "Southfield south" ] ||
	fail "north changed or took a south person: $(cq "SELECT family_name, locality FROM person WHERE id = '$sp'")"
sync_ok south
[ "$(q "$T/south.db" "SELECT count(*) FROM person WHERE given_name = 'Forged' OR family_name = 'Hijacked'")" = 0 ] ||
	fail "a lie from north reached the south replica"

# --- a change that is true still applies ----------------------------------------------
cat >"$T/north.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Northcote,Nia,1950-01-01,CD1 1AA,gp,social-care,no,North referral
CSV
cd_on "$T/north.db" --as nduty import referrals "$T/north.csv" || fail "north import: $(cat "$T/err")"
sync_ok north
[ "$(cq "SELECT count(*) FROM person WHERE family_name = 'Northcote' AND locality = 'north'")" = 1 ] ||
	fail "a north duty worker's true import did not reach central"

# --- a PostgreSQL central that stops answering --------------------------------------------
# A session holds the push lock and never lets go (a DBA's open
# transaction): to the agent the server has gone silent, and TCP
# keepalives cannot tell.  It gives up after central.read_timeout (2 s
# here), says so, and keeps its outbox; once the lock goes, it pushes.
if [ "$CENTRAL_KIND" = postgresql ]; then
	sed 's/Northcote/Stallwood/' "$T/north.csv" >"$T/stall.csv"
	cd_on "$T/north.db" --as nduty import referrals "$T/stall.csv" || fail "stall import: $(cat "$T/err")"
	waiting=$(q "$T/north.db" "SELECT count(*) FROM outbox")
	psql -X -q -At -c "SELECT pg_advisory_lock(7306380616455713905)" -c "SELECT pg_sleep(60)" \
		>/dev/null 2>&1 &
	holder=$!
	i=0
	until [ "$(cq "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" -ge 1 ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "the lock holder never took the push lock"
		sleep 0.1
	done
	mkdir -p "$XDG_CONFIG_HOME/caredesk"
	printf 'central = { read_timeout = 2; };\n' >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
	started=$(date +%s)
	sync north
	status=$?
	took=$(($(date +%s) - started))
	[ "$status" = 69 ] && grep -q "the server stopped answering (nothing for 2 s)" "$T/sync.err" ||
		fail "a silent PostgreSQL central: the agent ended $status: $(cat "$T/sync.err")"
	[ "$took" -le 20 ] || fail "the agent waited ${took} s on a silent central (read_timeout 2 s)"
	[ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" = "$waiting" ] ||
		fail "the agent lost its outbox to a silent central"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	rm -f "$XDG_CONFIG_HOME/caredesk/caredesk.conf"
	sync_ok north
	[ "$(cq "SELECT count(*) FROM person WHERE family_name = 'Stallwood'")" = 1 ] ||
		fail "the change held by a silent central did not arrive once it answered"
fi

# --- an export's record cannot be taken back -----------------------------------------------
# Exports are audited (issue 14); a forged delete or edit of that event
# is refused, and central keeps it as pushed.
cd_on "$T/north.db" export people || fail "export people: $(cat "$T/err")"
sync_ok north
ev=$(q "$T/north.db" "SELECT id FROM audit_event WHERE action = 'export' AND tbl = 'people' ORDER BY seq DESC LIMIT 1")
[ -n "$ev" ] && [ "$(cq "SELECT action FROM audit_event WHERE id = '$ev'")" = export ] ||
	fail "the export's audit event did not reach central"
q "$T/north.db" "INSERT INTO outbox (change_id, txn_id, tbl, row_id, op, base_version, changes, worker, schema_version, created_at, action)
	VALUES ('forged-delete', 'forged-delete', 'audit_event', '$ev', 'delete', NULL, '{}', 'nduty', (SELECT user_version FROM pragma_user_version), '2026-11-23T09:40:00Z', 'audit.forge'),
	('forged-edit', 'forged-edit', 'audit_event', '$ev', 'update', 1, '{\"action\":[\"export\",\"view\"]}', 'nduty', (SELECT user_version FROM pragma_user_version), '2026-11-23T09:40:00Z', 'audit.forge')" ||
	fail "the forged outbox rows could not be written"
sync north
rejected "a forged change of an export's audit event" audit_event "$ev" "an audit event is never changed"
[ "$(cq "SELECT count(*) FROM central_change WHERE change_id IN ('forged-delete', 'forged-edit') AND outcome = 'rejected'")" = 2 ] ||
	fail "the forged delete and edit of an export's audit event were not both rejected"
[ "$(cq "SELECT action FROM audit_event WHERE id = '$ev'")" = export ] ||
	fail "a forged change took back the export's audit event"

# --- a gap in the audit chain is mended ------------------------------------------------------
# A replica pointed at a new central, or a central restored from a backup,
# lacks events the outbox will never bring again; so did any event
# refused before central kept a refused action's events.  Each would
# refuse every later event.  The agent sends the events central lacks,
# oldest first, and the chain at central is the replica's own.
north_id=$(q "$T/north.db" "SELECT value FROM replica_meta WHERE key = 'replica_id'")
south_id=$(q "$T/south.db" "SELECT value FROM replica_meta WHERE key = 'replica_id'")
if [ "$CENTRAL_KIND" = embedded ]; then
	"$CAREDESK_SYNCD" --create "$T/central2.db" </dev/null || die "cannot make a second central"
	central_test_user "file:$T/central2.db"
	q "$T/north.db" ".backup '$T/north-copy.db'" || die "cannot copy north"
	cd_on "$T/north-copy.db" sync central "file:$T/central2.db" || fail "sync central: $(cat "$T/err")"
	"$CAREDESK_SYNC_BIN" --once --replica "$T/north-copy.db" >"$T/sync.out" 2>"$T/sync.err" </dev/null ||
		fail "the copy's first sync with a new central: $(cat "$T/sync.err")"
	grep -q "sent [0-9]* audit events central lacked again" "$T/sync.err" ||
		fail "the agent did not say it mended the chain: $(cat "$T/sync.err")"
	chain="SELECT group_concat(seq || ':' || hash, ' ') FROM (SELECT seq, hash FROM audit_event WHERE origin = '$north_id' ORDER BY seq)"
	[ "$(q "$T/central2.db" "$chain")" = "$(q "$T/north-copy.db" "$chain")" ] ||
		fail "the new central does not hold the replica's whole chain"
	[ "$(q "$T/north-copy.db" "SELECT seq FROM audit_anchor WHERE origin = '$north_id'")" = \
		"$(q "$T/north-copy.db" "SELECT max(seq) FROM audit_event WHERE origin = '$north_id'")" ] ||
		fail "the copy's record of its chain is not its head after mending"
	cd_on "$T/north-copy.db" check || fail "check after mending: $(cat "$T/out" "$T/err")"

	# A host cannot write into another scope's chain by naming its replica
	# id, nor learn how far it runs.
	s_head=$(q "$T/south.db" "SELECT seq || ' ' || hash FROM audit_event WHERE origin = '$south_id' ORDER BY seq DESC LIMIT 1")
	python3 - "$south_id" "$s_head" >"$T/spoof.json" <<'PY'
import hashlib, json, sys
origin, head = sys.argv[1], sys.argv[2].split()
seq, prev = int(head[0]) + 1, head[1]
ev = {'id': 'f0000000-0000-4000-8000-000000000020', 'origin': origin, 'seq': seq,
      'at': '2026-11-23T09:40:00Z', 'actor': 'x', 'worker': 'nduty', 'action': 'spoof',
      'tbl': '', 'record_id': '', 'detail': '', 'prev_hash': prev,
      'created_at': '2026-11-23T09:40:00Z', 'locality': 'north'}
parts = [prev, ev['id'], origin, str(seq), ev['at'], ev['actor'], ev['worker'], ev['action'],
         ev['tbl'], ev['record_id'], ev['detail'], ev['locality']]
ev['hash'] = hashlib.sha256(''.join(p + '\x1f' for p in parts).encode()).hexdigest()
change = {'change_id': 'spoof-1', 'txn_id': 'spoof-1', 'tbl': 'audit_event', 'row_id': ev['id'],
          'op': 'insert', 'worker': 'nduty', 'created_at': ev['created_at'], 'schema_version': 1,
          'changes': {k: [None, v] for k, v in ev.items()}}
print(json.dumps({'type': 'hello', 'protocol': 2, 'scope': 'north', 'replica': origin}))
print(json.dumps({'type': 'push', 'scope': 'north', 'replica': origin, 'changes': [change]}))
PY
	"$CAREDESK_SYNCD" --scope north "$CENTRAL" <"$T/spoof.json" >"$T/out" 2>"$T/err"
	sed -n 1p "$T/out" | grep -q '"anchor"' && fail "central told north how far south's chain runs"
	sed -n 2p "$T/out" | grep -q "audit chain is south's, and this replica serves north" ||
		fail "an event pushed into south's chain from north: $(sed -n 2p "$T/out")"
	[ "$(cq "SELECT count(*) FROM audit_event WHERE action = 'spoof'")" = 0 ] ||
		fail "central holds an event pushed into another scope's chain"
fi

# --- the audit chain ---------------------------------------------------------------------
audit_sql() { # ID ORIGIN SEQ PREV HASH [LOCALITY]
	echo "INSERT INTO audit_event (id, origin, seq, at, actor, worker, action, tbl, record_id, detail, prev_hash, hash, created_at, locality)
	VALUES ('$1', '$2', $3, '2026-11-23T09:40:00Z', 'x', 'nduty', 'forged', '', '', '', '$4', '$5', '2026-11-23T09:40:00Z', '${6:-north}')"
}
# event_hash ID ORIGIN SEQ PREV LOCALITY: the hash audit_sql's event must
# carry to be a true link of its chain (src/replica/audit.c).
event_hash() {
	python3 -c 'import hashlib, sys
i, origin, seq, prev, loc = sys.argv[1:6]
parts = [prev, i, origin, seq, "2026-11-23T09:40:00Z", "x", "nduty", "forged", "", "", "", loc]
print(hashlib.sha256("".join(p + "\x1f" for p in parts).encode()).hexdigest())' "$@"
}
# Central's record of each replica's own chain comes back at every sync
# and is kept there for check (issue 15 §4): it is central's head.
for r in north south; do
	id=$(q "$T/$r.db" "SELECT value FROM replica_meta WHERE key = 'replica_id'")
	want=$(cq "SELECT seq || ' ' || hash FROM audit_event WHERE origin = '$id' ORDER BY seq DESC LIMIT 1")
	got=$(q "$T/$r.db" "SELECT seq || ' ' || hash FROM audit_anchor WHERE origin = '$id'")
	[ -n "$want" ] && [ "$got" = "$want" ] ||
		fail "$r keeps '$got' as central's record of its chain; central holds '$want'"
	[ -n "$(q "$T/$r.db" "SELECT central FROM audit_anchor WHERE origin = '$id' AND central <> ''")" ] ||
		fail "$r's record of its chain does not say which central holds it"
done
s_head=$(q "$T/south.db" "SELECT seq FROM audit_event WHERE origin = '$south_id' ORDER BY seq DESC LIMIT 1")
forge "$T/north.db" nduty audit.forge "$(audit_sql f0000000-0000-4000-8000-000000000010 "$south_id" $((s_head + 1)) 0 0)"
sync north
rejected "an audit event of another replica" audit_event f0000000-0000-4000-8000-000000000010 "an audit event of replica $south_id, pushed by $north_id"
# An event whose hash is not its content's, next to central's last of
# north's chain; and on south a true link of its chain, but put in the
# borough's trail, which every replica pulls.
c_head=$(cq "SELECT seq || ' ' || hash FROM audit_event WHERE origin = '$north_id' ORDER BY seq DESC LIMIT 1")
set -- $c_head
forge "$T/north.db" nduty audit.forge "$(audit_sql f0000000-0000-4000-8000-000000000011 "$north_id" $(($1 + 1)) "$2" bad)"
sync north
rejected "an audit event with a bad hash" audit_event f0000000-0000-4000-8000-000000000011 "does not match its hash"
c_head=$(cq "SELECT seq || ' ' || hash FROM audit_event WHERE origin = '$south_id' ORDER BY seq DESC LIMIT 1")
set -- $c_head
h=$(event_hash f0000000-0000-4000-8000-000000000012 "$south_id" $(($1 + 1)) "$2" borough)
forge "$T/south.db" sduty audit.forge "$(audit_sql f0000000-0000-4000-8000-000000000012 "$south_id" $(($1 + 1)) "$2" "$h" borough)"
sync south
rejected "an audit event put in the borough's trail from south" audit_event f0000000-0000-4000-8000-000000000012 "an audit event of borough from a replica serving south"
[ "$(cq "SELECT count(*) FROM audit_event WHERE action = 'forged'")" = 0 ] ||
	fail "central holds a forged audit event"
sync north
[ "$(q "$T/north.db" "SELECT count(*) FROM audit_event WHERE id = 'f0000000-0000-4000-8000-000000000012'")" = 0 ] ||
	fail "south's forged event in the borough's trail reached the north replica"
cd_on "$T/north.db" check
[ $? = 65 ] || fail "check on the replica holding the forged event did not report it"

# --- the scope is the server's (embedded central: caredesk-syncd) ---------------------------
if [ "$CENTRAL_KIND" = embedded ]; then
	printf '{"type":"hello","protocol":2,"schema":%s,"scope":"south","replica":"%s"}\n' \
		"$(q "$T/north.db" "PRAGMA user_version")" "$north_id" |
		"$CAREDESK_SYNCD" --scope north "$CENTRAL" >"$T/out" 2>"$T/err"
	grep -q '"code":77' "$T/out" && grep -q "a request for south on a connection that serves north" "$T/out" ||
		fail "syncd --scope north answered a hello for south: $(cat "$T/out")"
	[ "$(cq "SELECT count(*) FROM central_change WHERE origin = '$north_id' AND detail LIKE 'a request for south%'")" = 1 ] ||
		fail "central did not record the refused hello"
	printf '{"type":"hello","protocol":2,"scope":"north","replica":"%s"}\n' "$north_id" |
		"$CAREDESK_SYNCD" --scope north "$CENTRAL" >"$T/out" 2>"$T/err"
	grep -q '"type":"hello"' "$T/out" || fail "syncd --scope north refused its own scope: $(cat "$T/out")"
	"$CAREDESK_SYNCD" --scope nowhere "$CENTRAL" </dev/null >"$T/out" 2>"$T/err"
	[ $? = 64 ] || fail "syncd --scope nowhere did not end 64"
	SSH_CONNECTION="192.0.2.1 5000 192.0.2.2 22" "$CAREDESK_SYNCD" "$CENTRAL" </dev/null >"$T/out" 2>"$T/err"
	[ $? = 77 ] && grep -q "over ssh the scope comes from authorized_keys" "$T/err" ||
		fail "syncd over ssh without --scope was not refused: $(cat "$T/err")"
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
		# A central another user may even write: still not theirs to scope.
		mkdir "$T/open" && cp "$CENTRAL" "$T/open/central.db" &&
			chmod 711 "$T" && chmod 755 "$T/open" && chmod 666 "$T/open/central.db" ||
			die "cannot make an open central"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$CAREDESK_SYNCD" "$T/open/central.db" \
			</dev/null >"$T/out" 2>"$T/err"
		[ $? = 77 ] && grep -q "does not own" "$T/err" ||
			fail "syncd for a user who does not own central was not refused: $(cat "$T/err")"
		chmod 700 "$T"
	fi
fi
finish
