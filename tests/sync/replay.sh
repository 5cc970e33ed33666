#!/bin/sh
# Replayed and reordered delivery (issue 4, test 5), against either
# central (CENTRAL_KIND).  Three desks work and sync while the agent
# records every request it sends (CAREDESK_SYNC_TRACE).  Then:
# - every push is delivered to central again, late and newest first: each
#   change gets the outcome central recorded the first time, and central
#   changes not at all (no record, no order, no change id);
# - a second central receives the same pushes with the desks' streams
#   interleaved differently (each desk's own order kept, as one agent
#   never reorders its outbox): it ends with the same records and the
#   same outcome for every change as the first.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

sync_setup
CAREDESK_SYNC_TRACE=$T/trace
export CAREDESK_SYNC_TRACE
for r in north south borough; do
	new_replica "$r" "$r"
done
for r in north south borough north south borough; do
	sync_ok "$r"
done
prefix=$(wc -l <"$T/trace")

cat >"$T/north.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T10:00:00Z,Replay,Alf,1950-01-01,CD1 1AA,gp,social-care,no,Needs help at home
2026-11-21T11:00:00Z,Replay,Bea,2016-02-02,CD1 2BB,school,safeguarding,yes,Bruising seen
CSV
sed 's/CD1/CD7/; s/Replay,/Reorder,/' "$T/north.csv" >"$T/south.csv"
cd_on "$T/north.db" import referrals "$T/north.csv" || fail "import: $(cat "$T/err")"
sync_ok north
cd_on "$T/south.db" import referrals "$T/south.csv" || fail "import: $(cat "$T/err")"
sync_ok south
alf=$(q "$T/north.db" "SELECT f.id FROM referral f JOIN person p ON p.id = f.person_id WHERE p.given_name = 'Alf'")
dee=$(q "$T/south.db" "SELECT id FROM referral ORDER BY received_at LIMIT 1")
cd_on "$T/north.db" referral triage "$alf" --priority amber --reason "First look" || fail "triage"
sync_ok north
cd_on "$T/south.db" note add --referral "$dee" --body "South's note" || fail "note"
cd_on "$T/north.db" referral triage "$alf" --priority red --reason "Second look" || fail "triage"
sync_ok south
sync_ok north
sync_ok borough
cd_on "$T/borough.db" note add --referral "$alf" --body "MASH note" || fail "borough note: $(cat "$T/err")"
sync_ok borough
cd_on "$T/south.db" note add --referral "$dee" --body "South again" || fail "note"
sync_ok south
for r in north south borough; do
	sync_ok "$r"
done
unset CAREDESK_SYNC_TRACE
# The schema version travels with every message.
[ -z "$(grep -v '"schema":[0-9]' "$T/trace")" ] ||
	fail "requests without the schema version: $(grep -v '"schema":[0-9]' "$T/trace" | head -n 1)"
[ "$(cq "SELECT priority FROM referral WHERE id = '$alf'")" = red ] || fail "the clean run did not end red"

# target: what caredesk-syncd serves for this central.
if [ "$CENTRAL_KIND" = postgresql ]; then
	target=$CENTRAL_URI
else
	target=$CENTRAL
fi

# pushes FILE: the push requests of the trace after the set-up, in order.
grep -n '"type":"push"' "$T/trace" | awk -F: -v p="$prefix" '$1 > p' | cut -d: -f2- >"$T/pushes"
grep '"type":"push"' "$T/trace" | head -n "$(head -n "$prefix" "$T/trace" | grep -c '"type":"push"')" >"$T/setup-pushes"
[ "$(wc -l <"$T/pushes")" -ge 6 ] || die "the trace holds too few pushes to test with: $(wc -l <"$T/pushes")"

# deliver TARGET < REQUESTS: each request to central on a connection of
# its own (a push's scope holds for its connection); the answers, one a
# line, "change_id outcome".
deliver() {
	: >"$T/answers"
	while IFS= read -r _req; do
		printf '%s\n' "$_req" | "$CAREDESK_SYNCD" "$1" >"$T/answer" 2>>"$T/syncd.err" ||
			fail "caredesk-syncd refused a delivery: $(cat "$T/answer")"
		grep -q '"schema":[0-9]' "$T/answer" || fail "an answer without the schema version: $(cut -c1-80 "$T/answer")"
		q ":memory:" "SELECT json_extract(value, '\$.change_id') || ' ' || json_extract(value, '\$.outcome') FROM json_each(readfile('$T/answer'), '\$.results')" >>"$T/answers"
	done
}

# state: what a replay must not move (every record's place in the order,
# and the change ids recorded).
state() {
	cq "SELECT tbl || ' ' || row_id || ' ' || seq FROM central_row ORDER BY seq"
	cq "SELECT count(*) FROM central_change"
}

# --- late and newest first ---------------------------------------------------------
state >"$T/before"
cq "SELECT change_id || ' ' || outcome FROM central_change" | sort >"$T/recorded"
sed '1!G;h;$!d' "$T/pushes" | deliver "$target"
[ -s "$T/answers" ] || fail "the replayed pushes got no answers"
sort "$T/answers" | comm -23 - "$T/recorded" >"$T/new-answers"
[ -s "$T/new-answers" ] && fail "a replayed change got an outcome other than its first: $(head -n 3 "$T/new-answers")"
state >"$T/after"
cmp -s "$T/before" "$T/after" || fail "replayed pushes changed central: $(diff "$T/before" "$T/after" | head -n 5)"
[ "$(cq "SELECT priority FROM referral WHERE id = '$alf'")" = red ] ||
	fail "an old push replayed late took the referral back to $(cq "SELECT priority FROM referral WHERE id = '$alf'")"
for r in north south borough; do
	sync_ok "$r"
	converged "$r" "$r"
done

# --- the desks' streams interleaved differently, into a second central ----------------
if [ "$CENTRAL_KIND" = postgresql ]; then
	pg_as_superuser "CREATE DATABASE caredesk2" || die "cannot make a second database"
	target2=$(echo "$CENTRAL_URI" | sed 's|///caredesk?|///caredesk2?|')
	"$CAREDESK_SYNCD" --init "$target2" || die "cannot make the second central"
	cq2() {
		PGDATABASE=caredesk2 PGOPTIONS="-c search_path=caredesk" psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"
	}
else
	target2=$T/central2.db
	"$CAREDESK_SYNCD" --create "$target2" </dev/null || die "cannot make the second central"
	cq2() { q "$target2" "$1"; }
fi
case $target2 in postgresql:*) central_test_user "$target2" ;; *) central_test_user "file:$target2" ;; esac
deliver "$target2" <"$T/setup-pushes"
# South's pushes first, then north's, then the borough's.
for scope in south north borough; do
	grep "\"scope\":\"$scope\"" "$T/pushes"
done | deliver "$target2"
[ "$(wc -l <"$T/answers")" -gt 0 ] || fail "the second central answered nothing"

# rows CENTRAL-QUERY: every synced record but its bookkeeping time (and a
# conflict's own random id), in a stable order.
rows() {
	for _t in $(q "$T/north.db" "SELECT name FROM sync_table ORDER BY name"); do
		_drop="name <> 'updated_at'"
		[ "$_t" = sync_conflict ] && _drop="$_drop AND name <> 'id'"
		_cols=$(q "$T/north.db" "SELECT group_concat('coalesce(CAST(\"' || name || '\" AS TEXT), ''~'')', ' || ''|'' || ') FROM pragma_table_info('$_t') WHERE $_drop")
		"$1" "SELECT '$_t|' || $_cols FROM \"$_t\" ORDER BY 1"
	done
}
rows cq >"$T/rows1"
rows cq2 >"$T/rows2"
[ "$(wc -l <"$T/rows1")" -gt 20 ] || fail "too few records to compare: $(wc -l <"$T/rows1")"
cmp -s "$T/rows1" "$T/rows2" ||
	fail "reordered delivery ended in another state: $(diff "$T/rows1" "$T/rows2" | head -n 6)"
cq "SELECT change_id || ' ' || outcome FROM central_change ORDER BY 1" >"$T/outcomes1"
cq2 "SELECT change_id || ' ' || outcome FROM central_change ORDER BY 1" >"$T/outcomes2"
cmp -s "$T/outcomes1" "$T/outcomes2" ||
	fail "reordered delivery gave changes other outcomes: $(diff "$T/outcomes1" "$T/outcomes2" | head -n 4)"
finish
