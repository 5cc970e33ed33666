#!/bin/sh
# The two sync programs as an operator meets them (caredesk-sync(8),
# caredesk-syncd(8)): --help and --version answer without touching any
# data; usage errors and a bad CAREDESK_NOW exit 64 saying what was wrong;
# a missing replica, an unmakeable lock file, a second agent and a central
# that cannot be opened each end with their documented status and a
# message naming the file; and an agent left watching through an outage
# logs each failed round, backs off, pushes what was written meanwhile
# once central is back (without a restart), and stops cleanly on SIGTERM.  Embedded central only: the PostgreSQL central's own failures
# are scenarios-pg.sh's.
. "${TESTS_SRCDIR:?}/sync/lib.sh"
sync_setup

# run NAME PROGRAM ARGS...: the status in $status, output in $T/NAME.out
# and $T/NAME.err.
run() {
	_name=$1
	shift
	"$@" >"$T/$_name.out" 2>"$T/$_name.err" </dev/null
	status=$?
}

# --- --help and --version touch nothing --------------------------------------
# A config naming a replica that does not exist: were any program to open
# it, a file would appear.
mkdir -p "$XDG_CONFIG_HOME/caredesk"
printf 'replica = "%s";\n' "$T/untouched.db" >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
for prog in "$CAREDESK_BIN" "$CAREDESK_SYNC_BIN" "$CAREDESK_SYNCD"; do
	name=${prog##*/}
	run help "$prog" --help
	[ "$status" = 0 ] || fail "$name --help exited $status: $(cat "$T/help.err")"
	grep -q "^usage: $name " "$T/help.out" || fail "$name --help printed no usage on stdout"
	[ -s "$T/help.err" ] && fail "$name --help wrote to stderr: $(cat "$T/help.err")"
	run version "$prog" --version
	[ "$status" = 0 ] || fail "$name --version exited $status: $(cat "$T/version.err")"
	[ "$(wc -l <"$T/version.out")" = 1 ] && grep -Eq "^$name [0-9]+\.[0-9]+\.[0-9]+( |\$)" "$T/version.out" ||
		fail "$name --version did not print one line '$name VERSION': $(cat "$T/version.out")"
	[ -s "$T/version.err" ] && fail "$name --version wrote to stderr: $(cat "$T/version.err")"
done
# Given with work to do, --version still only answers.
run version "$CAREDESK_SYNC_BIN" --watch --version
[ "$status" = 0 ] && grep -q "^caredesk-sync " "$T/version.out" ||
	fail "caredesk-sync --watch --version did not just print the version ($status)"
run version "$CAREDESK_SYNCD" --create --version "$T/made.db"
[ "$status" = 0 ] && grep -q "^caredesk-syncd " "$T/version.out" ||
	fail "caredesk-syncd --create --version did not just print the version ($status)"
for f in "$T/untouched.db" "$T/untouched.db.sync-lock" "$T/made.db"; do
	[ -e "$f" ] && fail "--help or --version made $f"
done
rm -f "$XDG_CONFIG_HOME/caredesk/caredesk.conf"

# --- usage errors --------------------------------------------------------------
# expect_usage NAME ARGS...: exit 64 with the usage on stderr, nothing on stdout.
expect_usage() {
	_what=$*
	run usage "$@"
	[ "$status" = 64 ] || fail "$_what: exited $status, not 64"
	grep -q "^usage: " "$T/usage.err" || fail "$_what: no usage on stderr: $(cat "$T/usage.err")"
	[ -s "$T/usage.out" ] && fail "$_what: wrote to stdout: $(cat "$T/usage.out")"
}
expect_usage "$CAREDESK_SYNC_BIN" --no-such-option
expect_usage "$CAREDESK_SYNC_BIN" --once extra-operand
expect_usage "$CAREDESK_SYNC_BIN" --interval 0
expect_usage "$CAREDESK_SYNC_BIN" --interval soon
expect_usage "$CAREDESK_SYNCD" --no-such-option "$CENTRAL"
expect_usage "$CAREDESK_SYNCD"
expect_usage "$CAREDESK_SYNCD" "$CENTRAL" "$T/second.db"
run usage "$CAREDESK_SYNC_BIN" --once --replica ''
[ "$status" = 64 ] || fail "caredesk-sync --replica '' exited $status, not 64"

CAREDESK_NOW=yesterday run now "$CAREDESK_SYNC_BIN" --once --replica "$T/untouched.db"
[ "$status" = 64 ] || fail "caredesk-sync with CAREDESK_NOW=yesterday exited $status, not 64"
grep -q "CAREDESK_NOW: not an ISO 8601 time" "$T/now.err" ||
	fail "caredesk-sync did not say CAREDESK_NOW is wrong: $(cat "$T/now.err")"
CAREDESK_NOW=yesterday run now "$CAREDESK_SYNCD" "$CENTRAL"
[ "$status" = 64 ] || fail "caredesk-syncd with CAREDESK_NOW=yesterday exited $status, not 64"
grep -q "CAREDESK_NOW: not an ISO 8601 time" "$T/now.err" ||
	fail "caredesk-syncd did not say CAREDESK_NOW is wrong: $(cat "$T/now.err")"
[ -e "$T/untouched.db" ] && fail "caredesk-sync with a bad CAREDESK_NOW made its replica"

# --- a central is not a replica -------------------------------------------------------
# Issue 15: an embedded central has the replica schema and opened as a
# borough-wide replica of every locality's records.  caredesk refuses it,
# for every command and the desk.
for args in "export people" "referral list" "check" ""; do
	# shellcheck disable=SC2086 # the command's words
	run central "$CAREDESK_BIN" --replica "$CENTRAL" $args
	[ "$status" = 66 ] || fail "caredesk --replica CENTRAL $args exited $status, not 66"
	grep -q "$CENTRAL is a central store, not a replica" "$T/central.err" ||
		fail "caredesk --replica CENTRAL $args did not say why: $(cat "$T/central.err")"
	[ -s "$T/central.out" ] && fail "caredesk --replica CENTRAL $args printed: $(head -n 2 "$T/central.out")"
done

# --- the agent's own failures -----------------------------------------------------
run missing "$CAREDESK_SYNC_BIN" --once --replica "$T/missing.db"
[ "$status" = 66 ] || fail "a missing replica: caredesk-sync exited $status, not 66"
grep -q "$T/missing.db" "$T/missing.err" || fail "a missing replica is not named: $(cat "$T/missing.err")"
[ -e "$T/missing.db" ] && fail "caredesk-sync made the missing replica"

# The lock file sits beside the replica: a path it cannot be made at.
run lock "$CAREDESK_SYNC_BIN" --once --replica /dev/null/north.db
[ "$status" = 73 ] || fail "an unmakeable lock file: caredesk-sync exited $status, not 73"
grep -q "cannot open /dev/null/north.db.sync-lock" "$T/lock.err" ||
	fail "the lock file is not named: $(cat "$T/lock.err")"

new_replica north north
# A second agent for the same replica: this shell holds the lock as a
# running agent would.
exec 9>"$T/north.db.sync-lock"
flock -n 9 || die "cannot take the agent's lock"
run second "$CAREDESK_SYNC_BIN" --once --replica "$T/north.db" 9>&-
[ "$status" = 75 ] || fail "a second agent exited $status, not 75"
grep -q "another caredesk-sync is already running for $T/north.db" "$T/second.err" ||
	fail "a second agent did not say why: $(cat "$T/second.err")"
exec 9>&-
sync_ok north
[ "$(stat -c %a "$T/north.db.sync-lock")" = 600 ] ||
	fail "the agent's lock file is $(stat -c %a "$T/north.db.sync-lock"), not 600"

# Issue 15: whoever can open the lock can hold it and stop the agent.  One
# owned by another user (a desk user who made it first) is refused, not
# used; a symbolic link is not followed; under systemd the lock lives in
# the unit's private RuntimeDirectory, not beside the shared replica.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$T/north.db.sync-lock"
	run theirs "$CAREDESK_SYNC_BIN" --once --replica "$T/north.db"
	[ "$status" = 77 ] || fail "a lock file owned by another user: the agent exited $status, not 77"
	grep -q "north.db.sync-lock belongs to another user" "$T/theirs.err" ||
		fail "a lock file owned by another user was not named: $(cat "$T/theirs.err")"
	chown 0 "$T/north.db.sync-lock"
elif [ "${CI:-}" = true ]; then
	fail "not root under CI: the lock owned by another user is untested"
fi
mv "$T/north.db.sync-lock" "$T/real-lock"
ln -s "$T/real-lock" "$T/north.db.sync-lock"
run link "$CAREDESK_SYNC_BIN" --once --replica "$T/north.db"
[ "$status" = 73 ] || fail "a lock file that is a symbolic link: the agent exited $status, not 73"
rm -f "$T/north.db.sync-lock" "$T/real-lock"
mkdir -m 700 "$T/run"
RUNTIME_DIRECTORY=$T/run run private "$CAREDESK_SYNC_BIN" --once --replica "$T/north.db"
[ "$status" = 0 ] || fail "the agent with a RuntimeDirectory exited $status: $(cat "$T/private.err")"
[ -f "$T/run/north.db.sync-lock" ] || fail "under systemd the lock is not in the RuntimeDirectory"
[ -e "$T/north.db.sync-lock" ] && fail "under systemd the lock was made beside the shared replica"

# --- syncd's own failures -----------------------------------------------------------
# A central that does not exist, without --create: the agent reads only
# stdout, so the reason goes there as an error answer as well as to stderr.
run nocentral "$CAREDESK_SYNCD" "$T/nowhere.db"
[ "$status" = 0 ] && fail "caredesk-syncd served a central that does not exist"
grep -q "$T/nowhere.db" "$T/nocentral.err" || fail "syncd did not name the missing central: $(cat "$T/nocentral.err")"
python3 - "$T/nocentral.out" "$status" <<-'PY' || fail "syncd's answer about a missing central is not an error answer with its status"
	import json, sys
	lines = open(sys.argv[1]).read().splitlines()
	a = json.loads(lines[0])
	assert len(lines) == 1 and a["type"] == "error" and a["code"] == int(sys.argv[2]), lines
	assert "nowhere.db" in a["message"], a
PY
[ -e "$T/nowhere.db" ] && fail "caredesk-syncd made a central without --create"
run init "$CAREDESK_SYNCD" --init /dev/null/central.db
[ "$status" = 0 ] && fail "caredesk-syncd --init made a central under /dev/null"
grep -q "^caredesk-syncd: /dev/null/central.db: " "$T/init.err" ||
	fail "syncd --init did not name the central it could not make: $(cat "$T/init.err")"
# A request that is not JSON is answered, and the next one still served.
printf 'not json\n{"type":"hello"}\n' | "$CAREDESK_SYNCD" "$CENTRAL" >"$T/garbage.out" 2>"$T/garbage.err"
python3 - "$T/garbage.out" <<-'PY' || fail "syncd did not answer a line that is not JSON and go on: $(cat "$T/garbage.out")"
	import json, sys
	lines = open(sys.argv[1]).read().splitlines()
	first = json.loads(lines[0])
	assert first["type"] == "error" and "not JSON" in first["message"], first
	assert len(lines) == 2 and json.loads(lines[1])["type"], lines
PY

# --- an agent watching through an outage -----------------------------------------------
# wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s; false at the deadline.
wait_until() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
failed_rounds() { grep -c "caredesk-sync: .*$CENTRAL" "$T/watch.err"; }
at_least_failed() { [ "$(failed_rounds)" -ge "$1" ]; }
outbox_empty() { [ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" = 0 ]; }

cat >"$T/people.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Outage,Ann,1950-01-01,CD1 1AA,gp,social-care,no,Before the outage
CSV
cd_on "$T/north.db" import referrals "$T/people.csv" || fail "import: $(cat "$T/err")"
sync_ok north
central_down
person=$(q "$T/north.db" "SELECT id FROM person ORDER BY id LIMIT 1")
cd_on "$T/north.db" note add --person "$person" --body "Written while central was away" ||
	fail "note add while central was away: $(cat "$T/err")"
"$CAREDESK_SYNC_BIN" --watch --interval 600 --replica "$T/north.db" >"$T/watch.out" 2>"$T/watch.err" </dev/null &
agent=$!
wait_until 30 at_least_failed 2 ||
	fail "an agent with central away did not log its failed rounds: $(cat "$T/watch.err")"
outbox_empty && fail "the note left the outbox with central away"
central_up
# A worker's "sync now" (S on the desk) leaves a new request.
q "$T/north.db" "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('requested', '2026-11-23T09:31:00Z')"
wait_until 60 outbox_empty || fail "the watching agent did not push once central was back: $(tail -n 3 "$T/watch.err")"
[ "$(cq "SELECT count(*) FROM note WHERE body = 'Written while central was away'")" = 1 ] ||
	fail "the note written during the outage is not on central"
kill -TERM "$agent"
wait "$agent"
status=$?
[ "$status" = 0 ] || fail "the watching agent did not stop cleanly on SIGTERM ($status)"
[ -s "$T/watch.out" ] && fail "the watching agent wrote to stdout: $(head -n 2 "$T/watch.out")"
finish
