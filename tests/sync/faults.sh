#!/bin/sh
# Faults against a central store (issue 4, tests 1 and 9), embedded or
# PostgreSQL (CENTRAL_KIND): kill -9 the agent at random points while it
# pushes and while it pulls, and crash the central's server (caredesk-syncd,
# or the PostgreSQL server, then restarted) between a push's commit and its
# answer; after each, the replica is whole (caredesk check, references),
# and in the end the oracle holds: nothing lost, nothing applied twice, no
# partial checkpoint.  FAULT_ROUNDS sets the rounds of each (50 here; more
# in make check-long).
#
# Every kill point comes from FAULT_SEED (by default the time and this
# shell's PID), printed at the start and with each round: a failing run
# is replayed with FAULT_SEED=that number.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

ROUNDS=${FAULT_ROUNDS:-50}
SEED=${FAULT_SEED:-$((($(date +%s) + $$ * 7919) % 1000000007))}
case $SEED in
'' | *[!0-9]*) die "FAULT_SEED must be a number, not '$SEED'" ;;
esac
echo "fault seed: $SEED (replay with FAULT_SEED=$SEED)"
sync_setup
new_replica north north
sync_ok north

# random SECTION ROUND MAX: a number from 1 to MAX, the same for the same
# seed, section (a small number) and round: the (1000 SECTION + ROUND)th
# draw of a Park-Miller generator started at the seed (every product
# stays below 2^53, so any awk gets the same numbers).
random() {
	awk -v s="$SEED" -v k="$1" -v n="$2" -v m="$3" 'BEGIN {
		p = 2147483647
		h = (s % (p - 1)) + 1
		for (i = 0; i <= k * 1000 + n; i++)
			h = (h * 48271) % p
		print 1 + int(h / p * m)
	}'
}

# outbox_after NAME K: the changes waiting on NAME beyond its K oldest
# desk actions.
outbox_after() {
	q "$T/$1.db" "SELECT count(*) FROM outbox WHERE txn_id NOT IN (SELECT txn_id FROM outbox GROUP BY txn_id ORDER BY min(seq) LIMIT $2)"
}

# waiting_at_central NAME: how many of the changes waiting on NAME central
# has already committed (their answer was lost).
waiting_at_central() {
	_w=$(q "$T/$1.db" "SELECT change_id FROM outbox" | sed "s/.*/('&')/" | paste -sd,)
	if [ -n "$_w" ]; then
		cq "WITH w(id) AS (VALUES $_w) SELECT count(*) FROM w JOIN central_change c ON c.change_id = w.id"
	else
		echo 0
	fi
}

# behind_cursor NAME SCOPE CURSOR: how many records of any synced table
# central ordered in SCOPE up to CURSOR are neither on NAME nor parked
# there; the first few, as table|id, in $T/missing.
behind_cursor() {
	cq "SELECT tbl || '|' || row_id FROM central_row WHERE seq <= $3 AND (locality = '$2' OR locality = 'borough')" |
		sed "s/^\([^|]*\)|\(.*\)$/('\1', '\2')/" | paste -sd, >"$T/sent.sql"
	if [ -z "$(cat "$T/sent.sql")" ]; then
		: >"$T/missing"
		echo 0
		return
	fi
	# One EXISTS a synced table, from the replica's own list of them.
	_here=$(q "$T/$1.db" "SELECT group_concat('(s.tbl = ''' || name || ''' AND EXISTS (SELECT 1 FROM \"' || name || '\" x WHERE x.id = s.id))', ' OR ') FROM sync_table")
	q "$T/$1.db" "WITH s(tbl, id) AS (VALUES $(cat "$T/sent.sql")) SELECT s.tbl || '|' || s.id FROM s WHERE NOT ($_here) AND NOT EXISTS (SELECT 1 FROM sync_parked k WHERE k.tbl = s.tbl AND k.row_id = s.id)" >"$T/missing.all"
	head -n 5 "$T/missing.all" | paste -sd' ' >"$T/missing"
	wc -l <"$T/missing.all" | tr -d ' '
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
	at=$(random 1 "$n" 20)
	echo "push round $n: the agent dies at step $at"
	CAREDESK_SYNC_BATCH=1 CAREDESK_SYNC_DIE_AT=$at \
		"$CAREDESK_SYNC_BIN" --once --replica "$T/north.db" >/dev/null 2>&1
	status=$?
	[ "$status" = 137 ] || [ "$status" = 0 ] ||
		fail "push round $n (FAULT_SEED=$SEED): the agent ended with $status, not by the kill"
	whole north
	count_midway "$before"
	n=$((n + 1))
done
[ "$midway" -ge $((ROUNDS / 5)) ] || fail "only $midway of $ROUNDS kills landed mid-push"
echo "kills mid-push: $midway of $ROUNDS"

# --- crash the central's server between a push's commit and its answer -------
# Central crashes after committing the Nth push of the round (each push one
# desk action: CAREDESK_SYNC_BATCH=1), N from the seed: syncd kills itself
# there; on PostgreSQL the agent holds there while the server is killed -9
# and restarted, and is then killed or let go on (lib.sh's central_crash_at).
# Each round must leave exactly the actions before N answered (and N too
# when the agent went on), the Nth committed at central but still waiting
# here when its answer was lost; its resend, next round, is the one
# every_change_once counts once.
sync_ok north
central_midway=0
lost=0
n=0
while [ $n -lt $((ROUNDS / 2)) ]; do
	batch "s$n"
	before=$(q "$T/north.db" "SELECT count(*) FROM outbox")
	actions=$(q "$T/north.db" "SELECT count(DISTINCT txn_id) FROM outbox")
	at=$(random 2 "$n" "$actions")
	fate=$(random 3 "$n" 2)
	if [ "$CENTRAL_KIND" = postgresql ]; then
		[ "$fate" = 1 ] && after="goes on" || after="is killed"
		echo "central round $n: PostgreSQL crashes after commit $at of $actions, then the agent $after"
	else
		echo "central round $n: caredesk-syncd dies after commit $at of $actions"
	fi
	# What must wait after the round: the changes of action N on, or of
	# N + 1 on if the agent took in N's answer.
	left=$(outbox_after north $((at - 1)))
	left_answered=$(outbox_after north "$at")
	central_crash_at north "$at" "$fate"
	whole north
	# An embedded central killed mid-write is a file to check too.
	if [ "$CENTRAL_KIND" = embedded ]; then
		[ "$(q "$CENTRAL" "PRAGMA integrity_check")" = ok ] &&
			[ -z "$(q "$CENTRAL" "PRAGMA foreign_key_check")" ] ||
			fail "central round $n (FAULT_SEED=$SEED): the central file is damaged"
	fi
	at_central=$(waiting_at_central north)
	if [ "$CRASH_ANSWERED" = yes ]; then
		left=$left_answered
		[ "$at_central" = 0 ] ||
			fail "central round $n (FAULT_SEED=$SEED): $at_central change(s) central answered still wait"
	else
		[ "$at_central" -gt 0 ] ||
			fail "central round $n (FAULT_SEED=$SEED): no committed push was left unanswered: the crash missed the point between commit and answer"
		lost=$((lost + 1))
	fi
	now=$(q "$T/north.db" "SELECT count(*) FROM outbox")
	[ "$now" = "$left" ] ||
		fail "central round $n (FAULT_SEED=$SEED): $now change(s) wait, not $left: the crash was not after commit $at"
	[ "$now" -gt 0 ] && [ "$now" -lt "$before" ] && central_midway=$((central_midway + 1))
	n=$((n + 1))
done
[ "$central_midway" -ge $((ROUNDS / 8)) ] ||
	fail "only $central_midway of $((ROUNDS / 2)) central crashes landed mid-push"
echo "central crashes mid-push: $central_midway of $((ROUNDS / 2)), answers lost: $lost"
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
	at=$(random 4 "$n" 60)
	echo "pull round $n: the agent dies at step $at"
	CAREDESK_SYNC_BATCH=7 CAREDESK_SYNC_DIE_AT=$at \
		"$CAREDESK_SYNC_BIN" --once --replica "$T/fresh.db" >/dev/null 2>&1
	whole fresh
	# The cursor never runs ahead of what is stored: every record of every
	# synced table central sent up to it is here (or parked, waiting for
	# one it refers to).
	cursor=$(q "$T/fresh.db" "SELECT coalesce((SELECT value FROM sync_state WHERE key = 'cursor'), 0)")
	missing=$(behind_cursor fresh north "$cursor")
	[ "$missing" = 0 ] ||
		fail "pull round $n (FAULT_SEED=$SEED): the cursor ($cursor) is ahead of $missing record(s): $(cat "$T/missing")"
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
