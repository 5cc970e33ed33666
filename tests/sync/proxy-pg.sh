#!/bin/sh
# The agent and a PostgreSQL central through a misbehaving TCP link
# (tests/tools/faultproxy), issue 4's tests 2, 3 and 5 on the wire:
# - the reply to a push's COMMIT is lost (central committed, the agent
#   never heard): the resend is deduplicated;
# - the link is cut: the desk keeps working, says it is offline, and
#   catches up when the link is back;
# - a slow link still converges;
# - a whole finished session replayed byte for byte to the server changes
#   nothing;
# - caredesk.conf's central.sslmode reaches libpq (the test server has no
#   TLS, so "require" must fail and name SSL).
CENTRAL_KIND=postgresql
export CENTRAL_KIND
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"
: "${FAULTPROXY:?FAULTPROXY must name tests/tools/faultproxy}"

sync_setup
echo pass >"$T/control"
: >"$T/status"
"$FAULTPROXY" "$T/port" "$PG_DIR/sock/.s.PGSQL.$PGPORT" "$T/control" "$T/status" &
proxy=$!
trap 'kill "$proxy" 2>/dev/null; central_cleanup; [ -n "${KEEP_TEST_DIR:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -s "$T/port" ] || die "the proxy did not start"
WIRE_URI="postgresql://$PGUSER@127.0.0.1:$(cat "$T/port")/caredesk?sslmode=disable"

# control MODE: tell the proxy, and wait (at most 10 s) until it says the
# mode is in force (a replay done).  The file is replaced whole, so the
# proxy never reads it half written, and again until its time stamp
# changes, as the proxy goes by that.
control() {
	_acks=$(grep -c '^mode ' "$T/status")
	_stamp=$(stat -c %y "$T/control")
	_i=0
	while :; do
		echo "$1" >"$T/control.new"
		mv "$T/control.new" "$T/control"
		[ "$(stat -c %y "$T/control")" != "$_stamp" ] && break
		_i=$((_i + 1))
		[ $_i -lt 1000 ] || die "the control file's time stamp does not change"
	done
	_i=0
	while [ "$(grep -c '^mode ' "$T/status")" -le "$_acks" ] ||
		[ "$(grep '^mode ' "$T/status" | tail -n 1)" != "mode $1" ]; do
		[ $_i -lt 1000 ] || die "the proxy did not take up '$1': $(tail -n 3 "$T/status")"
		sleep 0.01
		_i=$((_i + 1))
	done
}

cd_on "$T/north.db" init --locality north --central "$WIRE_URI" || die "init: $(cat "$T/err")"
new_replica borough borough
sync_ok north
sync_ok borough
cat >"$T/north.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Wire,Wendy,1950-01-01,CD1 1AA,gp,social-care,no,Needs help at home
CSV
cd_on "$T/north.db" import referrals "$T/north.csv" || fail "import: $(cat "$T/err")"
ref=$(q "$T/north.db" "SELECT id FROM referral LIMIT 1")
remember_waiting north
sync_ok north

# --- the reply to COMMIT is lost -----------------------------------------------------
cd_on "$T/north.db" note add --referral "$ref" --body "Lost answer" || fail "note: $(cat "$T/err")"
remember_waiting north
control lose-commit
sync north && fail "the agent carried on after losing central's answer"
grep -q lost-commit "$T/status" || fail "the proxy never saw a COMMIT to lose"
[ "$(cq "SELECT count(*) FROM note WHERE body = 'Lost answer'")" = 1 ] ||
	fail "central did not commit the push whose answer was lost"
[ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" -gt 0 ] ||
	fail "the replica forgot changes central never acknowledged to it"
changes=$(cq "SELECT count(*) FROM central_change")
control pass
sync_ok north
[ "$(cq "SELECT count(*) FROM note WHERE body = 'Lost answer'")" = 1 ] || fail "the resend was applied twice"
[ "$(cq "SELECT count(*) FROM central_change")" = "$changes" ] || fail "the resend recorded new changes"
converged north north
every_change_once

# --- a cut link ----------------------------------------------------------------------
control cut
cd_on "$T/north.db" note add --referral "$ref" --body "During the cut" || fail "a desk write during the cut: $(cat "$T/err")"
remember_waiting north
sync north
status=$?
[ "$status" = 69 ] || fail "with the link cut the agent ended $status, not 69 (central unavailable)"
cd_on "$T/north.db" sync status
grep -q "^offline since" "$T/out" || fail "north does not say it is offline: $(cat "$T/out")"
control pass
sync_ok north
sync_ok borough
converged north north
converged borough borough

# --- a slow link -----------------------------------------------------------------------
control "delay 40"
cd_on "$T/north.db" note add --referral "$ref" --body "Slowly" || fail "note: $(cat "$T/err")"
remember_waiting north
sync_ok north
control pass
converged north north

# --- a finished session replayed ----------------------------------------------------------
cd_on "$T/north.db" note add --referral "$ref" --body "Replayed" || fail "note: $(cat "$T/err")"
remember_waiting north
sync_ok north
notes=$(cq "SELECT count(*) FROM note")
changes=$(cq "SELECT count(*) FROM central_change")
head=$(cq "SELECT max(seq) FROM central_row")
control replay
grep -q "^replayed [1-9]" "$T/status" || fail "the proxy did not replay a session: $(cat "$T/status")"
[ "$(cq "SELECT count(*) FROM note")" = "$notes" ] || fail "a replayed session added notes"
[ "$(cq "SELECT count(*) FROM central_change")" = "$changes" ] || fail "a replayed session recorded changes"
[ "$(cq "SELECT max(seq) FROM central_row")" = "$head" ] || fail "a replayed session reordered records"
control pass
sync_ok north
sync_ok borough
converged north north
converged borough borough
every_change_once

# --- caredesk.conf's TLS setting reaches libpq ------------------------------------------
cd_on "$T/north.db" sync central "postgresql://$PGUSER@127.0.0.1:$(cat "$T/port")/caredesk" ||
	fail "sync central: $(cat "$T/err")"
printf 'central = { sslmode = "require"; connect_timeout = 5; };\n' >"$T/tls.conf"
"$CAREDESK_SYNC_BIN" --config "$T/tls.conf" --once --replica "$T/north.db" >"$T/sync.out" 2>"$T/sync.err" &&
	fail "sslmode = require reached a server without TLS"
grep -qi "ssl" "$T/sync.err" || fail "the refusal does not name SSL: $(cat "$T/sync.err")"
printf 'central = { sslmode = "disable"; };\n' >"$T/plain.conf"
"$CAREDESK_SYNC_BIN" --config "$T/plain.conf" --once --replica "$T/north.db" >"$T/sync.out" 2>"$T/sync.err" ||
	fail "sslmode = disable: $(cat "$T/sync.err")"
finish
