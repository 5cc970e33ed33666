#!/bin/sh
# More of issue 4's scenarios, against the embedded central store or a
# PostgreSQL one (CENTRAL_KIND):
# - a network cut with edits on three desks, then heal: all converge and
#   no queue stalls (test 3);
# - a change made by a newer schema is rejected visibly, kept, never
#   dropped, and the rest still applies; a desk older than central's
#   window keeps working and keeps its outbox, saying "upgrade needed",
#   until central accepts it again (test 6);
# - six processes writing to one replica while the agent runs: every
#   write pushed, none refused as busy (test 7);
# - an ssh:// central, through ssh (a stand-in ssh that runs the command
#   here, as sshd would there), embedded only.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

sync_setup
new_replica north north
new_replica south south
new_replica borough borough
for r in north south borough north south; do
	sync_ok "$r"
done

note_on() {
	_id=$(q "$T/$1.db" "SELECT id FROM person ORDER BY id LIMIT 1")
	cd_on "$T/$1.db" note add --person "$_id" --body "$2" || fail "note on $1: $(cat "$T/err")"
}

# --- a network cut, then heal --------------------------------------------------
cat >"$T/people.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Cutover,Ann,1950-01-01,CD1 1AA,gp,social-care,no,Before the cut
CSV
cd_on "$T/north.db" import referrals "$T/people.csv" || fail "import: $(cat "$T/err")"
sed 's/CD1 1AA/CD4 4AA/; s/Cutover,Ann/Cutover,Bob/' "$T/people.csv" >"$T/south.csv"
cd_on "$T/south.db" import referrals "$T/south.csv" || fail "import: $(cat "$T/err")"
for r in north south borough north south borough; do
	sync_ok "$r"
done
central_down
for r in north south borough; do
	note_on "$r" "Written during the cut on $r"
	note_on "$r" "And another on $r"
	sync "$r"
	status=$?
	# Issue 14, defect 14: central unavailable is 69 (caredesk-sync(8)),
	# and a missing embedded central names the command that makes one.
	[ "$status" = 69 ] || fail "$r: caredesk-sync --once with its central gone ended $status, not 69: $(cat "$T/sync.err")"
	if [ "$CENTRAL_KIND" = embedded ]; then
		grep -q "caredesk central init" "$T/sync.err" ||
			fail "$r: the missing central's message does not name caredesk central init: $(cat "$T/sync.err")"
	fi
	cd_on "$T/$r.db" sync status || fail "sync status on $r: $(cat "$T/err")"
	grep -q "^offline since" "$T/out" || fail "$r does not say it is offline: $(cat "$T/out")"
	grep -q "^waiting       4 changes" "$T/out" || fail "$r does not count its 4 waiting changes: $(cat "$T/out")"
	remember_waiting "$r"
done
central_up
for r in north south borough north south borough; do
	sync_ok "$r"
done
for r in north south; do
	converged "$r" "$r"
	cd_on "$T/$r.db" sync status
	grep -q "^offline since" "$T/out" && fail "$r still says it is offline after the heal"
done
converged borough borough
every_change_once

# --- a change from a newer schema -----------------------------------------------
note_on north "From a newer caredesk"
note_on north "From this caredesk"
newer=$(q "$T/north.db" "SELECT txn_id FROM outbox ORDER BY seq LIMIT 1")
q "$T/north.db" "UPDATE outbox SET schema_version = schema_version + 1 WHERE txn_id = '$newer'"
sync_ok north
[ "$(q "$T/north.db" "SELECT count(*) FROM sync_reject WHERE txn_id = '$newer' AND reason LIKE '%upgrade central%'")" -ge 1 ] ||
	fail "a newer schema's change was not rejected visibly: $(q "$T/north.db" "SELECT reason FROM sync_reject")"
[ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" = 0 ] || fail "the outbox did not drain"
[ "$(cq "SELECT count(*) FROM note WHERE body = 'From this caredesk'")" = 1 ] ||
	fail "the change after the rejected one did not apply"
[ "$(cq "SELECT count(*) FROM note WHERE body = 'From a newer caredesk'")" = 0 ] ||
	fail "the newer schema's change was applied"
cd_on "$T/north.db" sync status
# The newer desk's note is rejected; its audit event is kept (no gap in
# the chain), so one reject.
grep -q "^rejects       1" "$T/out" || fail "sync status does not count the rejects: $(cat "$T/out")"

# --- an older desk: central's window has moved past it ------------------------------
version=$(q "$T/north.db" "PRAGMA user_version")
central_schema_min $((version + 1))
note_on north "Waiting for an upgrade"
waiting=$(q "$T/north.db" "SELECT count(*) FROM outbox")
sync north && fail "an older desk synced with a central past its schema"
grep -q "upgrade needed" "$T/sync.err" || fail "the older desk does not say upgrade needed: $(cat "$T/sync.err")"
[ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" = "$waiting" ] || fail "the older desk lost its outbox"
note_on north "Still working offline"
cd_on "$T/north.db" sync status
grep -q "upgrade needed" "$T/out" || fail "sync status does not say upgrade needed: $(cat "$T/out")"
[ "$(cq "SELECT count(*) FROM note WHERE body = 'Waiting for an upgrade'")" = 0 ] ||
	fail "central took changes from a schema outside its window"
remember_waiting north
central_schema_min "$version"
sync_ok north
[ "$(cq "SELECT count(*) FROM note WHERE body IN ('Waiting for an upgrade', 'Still working offline')")" = 2 ] ||
	fail "the older desk's waiting changes did not arrive once central accepted it"
converged north north

# --- pushes at once: central's order is the order of commits -----------------------
# Three desks push at the same time, again and again, while a fourth pulls
# a few records at a time throughout.  Were a change's place in central's
# order not its commit's, the reader could move its cursor past a change
# that committed after it read, and never receive it.
new_replica reader borough
writers_at_once=
for r in north south borough; do
	(
		i=0
		while [ $i -lt 8 ]; do
			note_on "$r" "At once from $r $i"
			"$CAREDESK_SYNC_BIN" --once --replica "$T/$r.db" >/dev/null 2>>"$T/at-once.err"
			i=$((i + 1))
		done
	) &
	writers_at_once="$writers_at_once $!"
done
# still_writing: a writer of the three is still at work.
still_writing() {
	for _w in $writers_at_once; do
		kill -0 "$_w" 2>/dev/null && return 0
	done
	return 1
}
while still_writing; do
	CAREDESK_SYNC_BATCH=3 "$CAREDESK_SYNC_BIN" --once --replica "$T/reader.db" >/dev/null 2>&1
done
# shellcheck disable=SC2086
wait $writers_at_once
for r in north south borough; do
	remember_waiting "$r"
	sync_ok "$r"
done
sync_ok reader
[ "$(cq "SELECT count(*) FROM note WHERE body LIKE 'At once from %'")" = 24 ] ||
	fail "central holds $(cq "SELECT count(*) FROM note WHERE body LIKE 'At once from %'") of the 24 notes pushed at once"
[ "$(q "$T/reader.db" "SELECT count(*) FROM note WHERE body LIKE 'At once from %'")" = 24 ] ||
	fail "the reader missed notes pushed while it pulled: $(q "$T/reader.db" "SELECT count(*) FROM note WHERE body LIKE 'At once from %'") of 24"
converged reader borough

# --- a long pull says how far it has got ---------------------------------------------
unsynced_replica late borough
CAREDESK_SYNC_BATCH=5 CAREDESK_SYNC_PROGRESS=0 "$CAREDESK_SYNC_BIN" --once --syslog \
	--replica "$T/late.db" >"$T/sync.out" 2>"$T/sync.err" </dev/null ||
	fail "a late replica's catch-up failed: $(cat "$T/sync.err")"
grep -q "^caredesk-sync: catching up: [0-9]* records in [0-9]* s, [0-9]*% of the way" "$T/sync.err" ||
	fail "a long pull did not report its progress: $(head -n 3 "$T/sync.err")"
[ "$(grep -c "catching up" "$T/sync.err")" -ge 3 ] || fail "a long pull reported its progress only once"
converged late borough

# --- six writers and the agent ---------------------------------------------------
"$CAREDESK_SYNC_BIN" --watch --interval 1 --replica "$T/south.db" >/dev/null 2>"$T/agent.err" </dev/null &
agent=$!
person=$(q "$T/south.db" "SELECT id FROM person ORDER BY id LIMIT 1")
w=0
writers=
while [ $w -lt 6 ]; do
	(
		i=0
		while [ $i -lt 15 ]; do
			"$CAREDESK_BIN" --replica "$T/south.db" note add --person "$person" \
				--body "Writer $w note $i" >/dev/null 2>>"$T/writer-$w.err" </dev/null ||
				echo "write $i failed" >>"$T/writer-$w.err"
			i=$((i + 1))
		done
	) &
	writers="$writers $!"
	w=$((w + 1))
done
for pid in $writers; do
	wait "$pid"
done
i=0
while [ "$(q "$T/south.db" "SELECT count(*) FROM outbox")" != 0 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$agent"
wait "$agent"
status=$?
[ "$status" = 0 ] || fail "the agent did not stop cleanly on SIGTERM ($status)"
cat "$T"/writer-*.err >"$T/writers.err" 2>/dev/null
[ -s "$T/writers.err" ] && fail "writers were refused: $(head -n 3 "$T/writers.err")"
[ "$(q "$T/south.db" "SELECT count(*) FROM note WHERE body LIKE 'Writer %'")" = 90 ] ||
	fail "the six writers' notes are not all on the replica"
[ "$(cq "SELECT count(*) FROM note WHERE body LIKE 'Writer %'")" = 90 ] ||
	fail "the agent did not push every write: $(cq "SELECT count(*) FROM note WHERE body LIKE 'Writer %'") of 90"
grep -qi "busy\|locked" "$T/agent.err" && fail "the agent met a busy replica: $(grep -i "busy\|locked" "$T/agent.err" | head -n 1)"

# --- a central that is not one ----------------------------------------------------
# Pointed at a database that is not a central store, the agent says so and
# exits 69 (caredesk-sync(8)): the fix is central init, not a new replica.
# expect_not_central URI WORDS: one round against URI from a stray replica.
expect_not_central() {
	cd_on "$T/stray.db" sync central "$1" || fail "sync central $1: $(cat "$T/err")"
	sync stray
	_status=$?
	[ "$_status" = 69 ] || fail "a central that is not one ($1): the agent exited $_status, not 69"
	grep -q "$2" "$T/sync.err" || fail "a central that is not one ($1) was not named as such: $(cat "$T/sync.err")"
}
cd_on "$T/stray.db" init --locality north || die "cannot make a stray replica: $(cat "$T/err")"
if [ "$CENTRAL_KIND" = postgresql ]; then
	pg_as_superuser "CREATE DATABASE notcentral" || die "cannot make a second database"
	PGDATABASE=notcentral pg_as_superuser "CREATE TABLE visits (id int)" || die "cannot fill it"
	expect_not_central "$(echo "$CENTRAL_URI" | sed 's|///caredesk?|///notcentral?|')" \
		"this database is not a caredesk central store"
	# A central whose own record of itself is gone.
	cq "UPDATE central_meta SET key = 'lost_id' WHERE key = 'central_id'"
	expect_not_central_meta() {
		sync stray
		_status=$?
		[ "$_status" = 69 ] || fail "a central without its id: the agent exited $_status, not 69"
		grep -q "central_meta lacks central's id" "$T/sync.err" ||
			fail "a central without its id was not named as such: $(cat "$T/sync.err")"
	}
	cd_on "$T/stray.db" sync central "$CENTRAL_URI" || fail "sync central: $(cat "$T/err")"
	expect_not_central_meta
	cq "UPDATE central_meta SET key = 'central_id' WHERE key = 'lost_id'"
else
	sqlite3 "$T/other.db" "CREATE TABLE visits (id int)"
	expect_not_central "file:$T/other.db" "$T/other.db is not a caredesk central store"
	printf 'not a database at all, but long enough to be read as one\n' >"$T/garbage.db"
	expect_not_central "file:$T/garbage.db" "$T/garbage.db is not a caredesk central store"
	expect_not_central "file:$T/north.db" "$T/north.db is not a caredesk central store"
	[ "$(wc -c <"$T/garbage.db")" -lt 100 ] || fail "the agent wrote to a file that is not a central"
fi
for r in north south; do
	sync_ok "$r"
	converged "$r" "$r"
done

# --- an ssh:// central --------------------------------------------------------------
# A stand-in ssh: checks the options the agent gives, then runs the
# command as sshd would on the host, through a shell (which takes the
# path's quotes off).  (The embedded central only: ssh is how
# caredesk-syncd is reached.)
if [ "$CENTRAL_KIND" = embedded ]; then
	mkdir "$T/bin"
	ln -s "$CAREDESK_SYNCD" "$T/bin/caredesk-syncd"
	cat >"$T/bin/ssh" <<-SH
	#!/bin/sh
	want="-o BatchMode=yes -o ServerAliveInterval=15 -o ServerAliveCountMax=4 --"
	[ "\$1 \$2 \$3 \$4 \$5 \$6 \$7" = "\$want" ] || { echo "ssh: expected \$want, got \$*" >&2; exit 255; }
	shift 7
	[ "\$1" = centralhost ] || { echo "ssh: unexpected host \$1" >&2; exit 255; }
	shift
	[ "\$1" = caredesk-syncd ] || { echo "ssh: unexpected command \$1" >&2; exit 255; }
	[ "\$2" = "'$CENTRAL'" ] || { echo "ssh: the path is not quoted: \$2" >&2; exit 255; }
	PATH="$T/bin:\$PATH" exec sh -c "\$*"
	SH
	chmod +x "$T/bin/ssh"
	PATH="$T/bin:$PATH" cd_on "$T/west.db" init --locality west --central "ssh://centralhost$CENTRAL" ||
		fail "init with an ssh central: $(cat "$T/err")"
	PATH="$T/bin:$PATH" sync_ok west
	converged west west

	# Issue 15: an address that makes ssh run a command.  The host went to
	# ssh as its own argument with no "--", so "-oProxyCommand=..." ran as
	# the agent's user.  Refused where it is typed (64) and where it is
	# read (78).  Written into the replica's record with sqlite3 alone it
	# is refused by replica_meta's guard; planted by someone who writes
	# the file with a transaction context, the agent refuses it before
	# starting ssh.  Each change of address is audited.
	rm -f "$T/pwned"
	for evil in "ssh://-oProxyCommand=touch $T/pwned/srv/central.db" \
		"ssh://centralhost/srv/central.db;touch $T/pwned" "ssh://user@-oProxyCommand=x/c.db" \
		"ssh://centralhost/srv/\$(touch $T/pwned)" "$(printf 'ssh://host/c.db\033]0;x\007')"; do
		cd_on "$T/west.db" sync central "$evil"
		_status=$?
		[ "$_status" = 64 ] || fail "sync central '$evil' exited $_status, not 64"
		grep -q "is not a central store" "$T/err" || fail "sync central '$evil': $(cat "$T/err")"
		grep -q "$(printf '\033')" "$T/err" && fail "sync central echoed an escape sequence"
		cd_on "$T/evil.db" init --locality west --central "$evil"
		_status=$?
		[ "$_status" = 64 ] || fail "init --central '$evil' exited $_status, not 64"
	done
	[ "$(q "$T/west.db" "SELECT value FROM replica_meta WHERE key = 'central_uri'")" = "ssh://centralhost$CENTRAL" ] ||
		fail "a refused address replaced the central's"
	planted="ssh://-oProxyCommand=touch\${IFS}$T/pwned/srv/c.db"
	if q "$T/west.db" "UPDATE replica_meta SET value = '$planted' WHERE key = 'central_uri'" 2>"$T/guard.err"; then
		fail "replica_meta took a write made with sqlite3 alone"
	else
		grep -q "replica_meta changed outside a caredesk action" "$T/guard.err" ||
			fail "the write with sqlite3 alone was refused, but not by the guard: $(cat "$T/guard.err")"
	fi
	[ "$(q "$T/west.db" "SELECT value FROM replica_meta WHERE key = 'central_uri'")" = "ssh://centralhost$CENTRAL" ] ||
		fail "a write refused by the guard changed the central's address"
	q "$T/west.db" "BEGIN; $(meta_context test.plant)
UPDATE replica_meta SET value = '$planted' WHERE key = 'central_uri';
DELETE FROM txn_context; COMMIT;" || fail "cannot plant the address with a transaction context"
	[ "$(q "$T/west.db" "SELECT value FROM replica_meta WHERE key = 'central_uri'")" = "$planted" ] ||
		fail "the address was not planted"
	PATH="$T/bin:$PATH" sync west
	_status=$?
	[ "$_status" = 78 ] || fail "an address planted with sqlite3: the agent exited $_status, not 78: $(cat "$T/sync.err")"
	[ -e "$T/pwned" ] && fail "an ssh address ran a command"
	cd_on "$T/west.db" sync central "ssh://centralhost$CENTRAL" || fail "sync central back: $(cat "$T/err")"
	[ "$(q "$T/west.db" "SELECT count(*) FROM audit_event WHERE action = 'central.set' AND detail = 'ssh://centralhost$CENTRAL'")" = 2 ] ||
		fail "a change of central address is not audited: $(q "$T/west.db" "SELECT action, detail FROM audit_event WHERE action = 'central.set'")"
	PATH="$T/bin:$PATH" sync_ok west
fi
finish
