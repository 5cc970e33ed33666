#!/bin/sh
# Hostile and malformed requests to the embedded central's server,
# caredesk-syncd, over its real pipes (the driver is coverage-protocol.py):
# text that is not JSON, a request that is not an object, types of the
# wrong kind, missing fields, unknown operations and localities, 4 and 8 MB
# lines, a request for another locality than the connection's hello,
# pushes with incomplete changes, unknown tables, fields and operations, a
# schema newer than central's, a good change in an action with a bad one.
# Each gets its exact answer (error 76 and the message, or the change
# rejected with its reason), the server answers the next request, and
# nothing reaches central's records.  Then the pull limit on a central with
# more than 1000 records in scope: 1 to 5000 is taken as asked (5000 gives
# all of them), 5001, 0, negative and absurd limits are 1000.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

command -v python3 >/dev/null 2>&1 || {
	echo "SKIP: python3 is needed to drive caredesk-syncd"
	[ "${CI:-}" = true ] && exit 1
	exit 77
}
sync_setup
[ "$CENTRAL_KIND" = embedded ] || die "this test is for the embedded central"
new_replica north north
sync_ok north

# 600 referrals: each a person and a referral at central, over 1000 lines.
python3 - "$T/many.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason\n")
    for i in range(600):
        f.write("2026-11-20T%02d:%02d:00Z,Many%03d,Pat,1950-01-01,CD1 %dAA,gp,health,no,number %d\n"
                % (8 + i // 60, i % 60, i, i % 9, i))
PY
cd_on "$T/north.db" import referrals "$T/many.csv" || fail "import: $(cat "$T/err")"
remember_waiting north
i=0
while [ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" != 0 ] && [ $i -lt 20 ]; do
	sync_ok north
	i=$((i + 1))
done

python3 "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/coverage-protocol.py" \
	"$CAREDESK_SYNCD" "$CENTRAL" "$T" || fail "caredesk-syncd's answers (above)"
if [ -s "$T/syncd.err" ]; then
	echo "caredesk-syncd's stderr:"
	head -c 2000 "$T/syncd.err"
fi

# The desk is untouched by all of it.
sync_ok north
converged north north
every_change_once

# --- a hostile central: the agent's protocol paths -------------------------------------
# caredesk-sync runs tests/sync/hostile-central.py in place of caredesk-syncd
# (CAREDESK_SYNCD); HOSTILE_MODE picks its misbehaviour.  Each round must
# end with the status and message below, and leave the replica as it was:
# the outbox, the pull cursor, the records and the rejects.
hostile_bin=${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/hostile-central.py
state() {
	q "$T/north.db" "SELECT (SELECT count(*) FROM outbox) || ' ' || (SELECT group_concat(key || '=' || value) FROM sync_state WHERE key = 'cursor') || ' ' || (SELECT count(*) FROM worker) || ' ' || (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM sync_reject)"
}
# hostile MODE STATUS MESSAGE: one agent round against the hostile central.
hostile() {
	_before=$(state)
	_status=0
	HOSTILE_MODE=$1 CAREDESK_SYNCD=$hostile_bin timeout 60 \
		"$CAREDESK_SYNC_BIN" --once --replica "$T/north.db" >"$T/sync.out" 2>"$T/sync.err" </dev/null ||
		_status=$?
	[ "$_status" = "$2" ] || fail "hostile central ($1): the agent ended $_status, not $2: $(cat "$T/sync.err")"
	grep -F -e "$3" "$T/sync.err" >/dev/null ||
		fail "hostile central ($1): expected '$3' on stderr, got: $(cat "$T/sync.err")"
	[ "$(state)" = "$_before" ] ||
		fail "hostile central ($1): the replica changed from '$_before' to '$(state)'"
}
uri=file:$CENTRAL
# Nothing waiting: hello and pull.
hostile close 69 "$uri: the central closed the connection"
hostile not-json 76 "$uri: an answer that is not JSON"
hostile error 76 "$uri: central says no"
hostile error-no-code 69 "$uri: an error"
hostile newer-schema 69 "upgrade needed: central accepts schema 99 to 99"
hostile pull-back 76 "central went back from"
hostile pull-bad-line 76 "a record line that is not one"
hostile pull-short 69 "$uri: the central closed the connection mid-answer"
hostile pull-bad-row 76 "worker: a row without an id"
# "More", for ever, without moving: the agent pulled for ever (found by
# reading the code while fuzzing).
hostile pull-more-stuck 76 "central said there was more but moved no further than"
# Central's record of the replica's audit chain (issue 15 §4): one that is
# not a record is refused (76); one that goes back (a central restored
# from a backup, or a record here changed) is said and not kept, and the
# events central lacks are sent again, the round going on.
hostile anchor-bad 76 "central's record of the audit chain is not one"
anchor=$(q "$T/north.db" "SELECT seq || ' ' || hash || ' ' || central FROM audit_anchor")
[ -n "$anchor" ] || fail "north keeps no record of its audit chain from central"
: >"$T/hostile.log"
HOSTILE_LOG=$T/hostile.log HOSTILE_CENTRAL_ID=${anchor##* } hostile anchor-back 0 "went back from event"
grep -q "the events it lacks are sent again" "$T/sync.err" ||
	fail "a central whose record went back: the agent did not say it sends them again"
grep -q '"audit.mend"' "$T/hostile.log" ||
	fail "a central whose record went back was not sent the events it lacks"
[ "$(q "$T/north.db" "SELECT seq || ' ' || hash || ' ' || central FROM audit_anchor")" = "$anchor" ] ||
	fail "a central whose record went back changed the one kept"
# A central that goes silent (issue 15): the agent waited for ever.  Now it
# gives up after central.read_timeout seconds for any line (2 here), ends
# the stalled child and says so; the replica is as it was.
mkdir -p "$XDG_CONFIG_HOME/caredesk"
printf 'central = { read_timeout = 2; };\n' >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
hostile stall 69 "$uri: the central stopped answering (nothing for 2 s)"
hostile pull-stall 69 "$uri: the central stopped answering (nothing for 2 s)"
pgrep -f "hostile-central.py" >/dev/null && fail "a stalled central was left running"
rm -f "$XDG_CONFIG_HOME/caredesk/caredesk.conf"
# A change waiting: pushes central answers wrongly.
cd_on "$T/north.db" worker add hostile.north --name "Hostile North" --team north-adults --role practitioner ||
	fail "worker add: $(cat "$T/err")"
hostile push-none 76 "central answered none of the 2 changes sent"
hostile push-strangers 76 "central answered none of the 2 changes sent"
# The same change, answered properly by the real central, goes through.
sync_ok north
converged north north
finish
