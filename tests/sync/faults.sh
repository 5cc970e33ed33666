#!/bin/sh
# Faults against a central store (issue 4, tests 1 and 9), embedded or
# PostgreSQL (CENTRAL_KIND): kill -9 the agent at random points while it
# pushes and while it pulls, and kill the central's server (caredesk-syncd,
# or the PostgreSQL server, then restarted) mid-push; after each, the
# replica is whole (integrity, references, audit chains), and in the end
# the oracle holds: nothing lost, nothing applied twice, no partial
# checkpoint.  FAULT_ROUNDS sets the rounds of each (50 here; more in
# make check-long).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

ROUNDS=${FAULT_ROUNDS:-50}
sync_setup
new_replica north north
sync_ok north

# until_progress AGENT QUERY START: wait (at most 3 s) until QUERY on
# north no longer gives START or the agent has ended, so the kill that
# follows lands while the round is under way rather than before it.
until_progress() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ "$(q "$T/$4.db" "$2")" = "$3" ] && [ $_i -lt 300 ]; do
		sleep 0.01
		_i=$((_i + 1))
	done
}

# random SEED MAX: a number from 1 to MAX.
random() {
	awk -v s="$$$1" -v m="$2" 'BEGIN { srand(s); print 1 + int(rand() * m) }'
}

# pause SEED MAX: a random pause of 0 to MAX ms.
pause() {
	sleep "0.$(printf '%03d' "$(awk -v s="$$$1" -v m="$2" 'BEGIN { srand(s); print int(rand() * m) }')")"
}

# whole NAME: the replica is consistent after a kill.
whole() {
	"$CAREDESK_BIN" --replica "$T/$1.db" check >"$T/check.out" 2>&1 ||
		fail "after a kill, $1 is not consistent: $(head -n 3 "$T/check.out")"
	[ -z "$(q "$T/$1.db" "PRAGMA foreign_key_check")" ] ||
		fail "after a kill, $1 holds a record whose references do not hold"
}

# batch N: eight referrals for north in one import, and a note on six of
# them (a desk action each), so a push has actions to get through.
batch() {
	{
		echo "received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason"
		i=0
		while [ $i -lt 8 ]; do
			echo "2026-11-2$((i % 3))T1$i:00:00Z,Fault$1x$i,Test,1970-01-0$((i % 9 + 1)),CD1 1AA,gp,health,no,round $1"
			i=$((i + 1))
		done
	} >"$T/batch.csv"
	cd_on "$T/north.db" import referrals "$T/batch.csv" || fail "import: $(cat "$T/err")"
	for id in $(q "$T/north.db" "SELECT f.id FROM referral f JOIN person p ON p.id = f.person_id WHERE p.family_name LIKE 'Fault$1x%' LIMIT 6"); do
		cd_on "$T/north.db" note add --referral "$id" --body "Round $1" || fail "note: $(cat "$T/err")"
	done
	remember_waiting north
}

# midway BEFORE: the outbox shrank but is not empty (a kill landed
# between two pushes of one round); counted so the test shows it tested.
midway=0
count_midway() {
	_now=$(q "$T/north.db" "SELECT count(*) FROM outbox")
	[ "$_now" -gt 0 ] && [ "$_now" -lt "$1" ] && midway=$((midway + 1))
}

# --- kill -9 the agent while it pushes ---------------------------------------
# The agent dies by SIGKILL at a random one of its steps (a request sent,
# an answer read, a commit about to happen: CAREDESK_SYNC_DIE_AT), so the
# kills cover every point of a push, a lost answer included.
n=0
while [ $n -lt "$ROUNDS" ]; do
	batch "$n"
	before=$(q "$T/north.db" "SELECT count(*) FROM outbox")
	CAREDESK_SYNC_BATCH=1 CAREDESK_SYNC_DIE_AT=$(random "$n" 20) \
		"$CAREDESK_SYNC_BIN" --once --replica "$T/north.db" >/dev/null 2>&1
	status=$?
	[ "$status" = 137 ] || [ "$status" = 0 ] || fail "the agent ended with $status, not by the kill"
	whole north
	count_midway "$before"
	n=$((n + 1))
done
[ "$midway" -ge $((ROUNDS / 5)) ] || fail "only $midway of $ROUNDS kills landed mid-push"
echo "kills mid-push: $midway of $ROUNDS"

# --- kill the central's server mid-push ----------------------------------------
n=0
while [ $n -lt $((ROUNDS / 2)) ]; do
	batch "s$n"
	before=$(q "$T/north.db" "SELECT count(*) FROM outbox")
	CAREDESK_SYNC_BATCH=1 "$CAREDESK_SYNC_BIN" --once --replica "$T/north.db" >/dev/null 2>&1 &
	agent=$!
	until_progress "$agent" "SELECT count(*) FROM outbox" "$before" north
	pause "s$n" 8
	central_crash "$agent"
	whole north
	n=$((n + 1))
done
sync_ok north
converged north north
every_change_once

# --- kill -9 the agent while it pulls ------------------------------------------
unsynced_replica fresh north
head=$(cq "SELECT max(seq) FROM central_row")
last_cursor=0
pulled_midway=0
n=0
while [ $n -lt "$ROUNDS" ]; do
	CAREDESK_SYNC_BATCH=7 CAREDESK_SYNC_DIE_AT=$(random "p$n" 60) \
		"$CAREDESK_SYNC_BIN" --once --replica "$T/fresh.db" >/dev/null 2>&1
	whole fresh
	# The cursor never runs ahead of what is stored: every record central
	# sent up to it is here (or parked, waiting for one it refers to).
	cursor=$(q "$T/fresh.db" "SELECT coalesce((SELECT value FROM sync_state WHERE key = 'cursor'), 0)")
	cq "SELECT row_id FROM central_row r WHERE r.seq <= $cursor AND r.tbl = 'note' AND (r.locality = 'north' OR r.locality = 'borough')" |
		sed "s/.*/('&')/" | paste -sd, >"$T/sent.sql"
	missing=0
	[ -s "$T/sent.sql" ] &&
		missing=$(q "$T/fresh.db" "WITH sent(id) AS (VALUES $(cat "$T/sent.sql")) SELECT count(*) FROM sent WHERE NOT EXISTS (SELECT 1 FROM note n WHERE n.id = sent.id) AND NOT EXISTS (SELECT 1 FROM sync_parked k WHERE k.row_id = sent.id)")
	[ "$missing" = 0 ] || fail "after a kill, the cursor ($cursor) is ahead of $missing note(s)"
	[ "$cursor" -gt "$last_cursor" ] && [ "$cursor" -lt "$head" ] && pulled_midway=$((pulled_midway + 1))
	last_cursor=$cursor
	n=$((n + 1))
done
[ "$pulled_midway" -ge $((ROUNDS / 10)) ] || fail "only $pulled_midway of $ROUNDS kills landed mid-pull"
echo "kills mid-pull: $pulled_midway of $ROUNDS"
remember_waiting fresh
sync_ok fresh
sync_ok north
converged fresh north
converged north north
every_change_once
[ "$(cq "SELECT count(*) FROM note WHERE body LIKE 'Round %'")" = $((6 * ROUNDS + 6 * (ROUNDS / 2))) ] ||
	fail "central holds $(cq "SELECT count(*) FROM note WHERE body LIKE 'Round %'") round notes, expected $((6 * ROUNDS + 6 * (ROUNDS / 2)))"
finish
