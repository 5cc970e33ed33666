#!/bin/sh
# The caseload with the keyboard alone, as a practitioner: my cases in
# review order, a new review date, a note, reallocation, closing a case,
# and my team's cases; each checked in the replica.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
q() {
	sqlite3 "$REPLICA" "$1"
}

# The practitioner with the most open cases in the north.
me=$(q "SELECT w.login FROM worker w JOIN care_case c ON c.allocated_to = w.id AND c.closed_at IS NULL GROUP BY w.id ORDER BY count(*) DESC, w.login LIMIT 1")
team=$(q "SELECT team FROM worker WHERE login = '$me'")
open=$(q "SELECT count(*) FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$me' AND c.closed_at IS NULL")
[ "$open" -ge 2 ] || fail "the demo gives $me only $open open cases"

# desk_start runs as duty.north; this test needs the practitioner.
tmux -L "$SOCK" kill-server 2>/dev/null
STARTS=$((STARTS + 1))
SOCK=caredesk-test-$$-$STARTS
tmux -L "$SOCK" -f /dev/null new-session -d -s a -x 80 -y 24 \
	"env TERM=vt100 LANG=C LC_ALL=C CAREDESK_NOW=$CAREDESK_NOW CAREDESK_DATADIR=$CAREDESK_DATADIR \
	XDG_CONFIG_HOME=$XDG_CONFIG_HOME $CAREDESK_BIN --replica $REPLICA --as $me; echo \$? >$T/exit; sleep 30"
wait_for "Referral queue"
keys 2
wait_for "Caseload: my cases"
wait_for "$open open"
first=$(q "SELECT c.id FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$me' AND c.closed_at IS NULL ORDER BY coalesce(c.next_review, ''), c.id LIMIT 1")
person=$(q "SELECT person_id FROM care_case WHERE id = '$first'")

# A new review date, typed over the suggested one.  Issue 14, defect 10:
# the form suggests a date as the caseload shows dates (four weeks on from
# 23/11/2026), refuses a day in the past saying why, and takes the shown
# form DD/MM/YYYY as well as ISO.
review_before=$(q "SELECT coalesce(next_review, '-') FROM care_case WHERE id = '$first'")
keys r
wait_for " Next review"
wait_for "21/12/2026"
keys C-u
keys -l "22/11/2026"
keys Enter
wait_for "Not saved: review: 22/11/2026 is in the past (today is 23/11/2026)"
keys C-u
keys -l "31/02/2027"
keys Enter
wait_for "Not saved: review: '31/02/2027' is not a date (DD/MM/YYYY or YYYY-MM-DD)"
[ "$(q "SELECT coalesce(next_review, '-') FROM care_case WHERE id = '$first'")" = "$review_before" ] ||
	fail "a refused review date was saved"
keys C-u
keys -l "15/01/2027"
keys Enter
wait_for "Review date set."
[ "$(q "SELECT next_review FROM care_case WHERE id = '$first'")" = 2027-01-15 ] ||
	fail "the review date was not saved"
keys g
wait_selected 3

# A note on the selected person.
sel_person=$(q "SELECT c.person_id FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$me' AND c.closed_at IS NULL ORDER BY coalesce(c.next_review, ''), c.id LIMIT 1")
keys n
wait_for " Add a note"
keys Tab
keys -l "Phoned; review brought forward"
keys Tab Enter
wait_for "Note added."
[ "$(q "SELECT count(*) FROM note n JOIN worker w ON w.id = n.author WHERE n.person_id = '$sel_person' AND w.login = '$me' AND n.body = 'Phoned; review brought forward'")" = 1 ] ||
	fail "the note was not saved for the selected person"

# Close the selected case with a reason: it leaves the caseload.
case_id=$(q "SELECT c.id FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$me' AND c.closed_at IS NULL ORDER BY coalesce(c.next_review, ''), c.id LIMIT 1")
keys x
wait_for " Close the case"
keys Enter
wait_for "Case closed."
[ -n "$(q "SELECT closed_at FROM care_case WHERE id = '$case_id' AND closure_reason IS NOT NULL")" ] ||
	fail "the case was not closed with a reason"
wait_for "$((open - 1)) open"

# Reallocation is for duty workers and managers: a practitioner is told so
# on the key, and no form opens that could never be saved (issue 14).
keys g a
wait_for "Only a duty worker, a MASH worker or a team manager may allocate a"
screen | grep -q " Reallocate the case" && fail "the reallocation form opened for a practitioner"
wait_for "Caseload: my cases"

# My team's cases: the title names the team and, at its right end, the
# count of the team's open cases in the replica.  The case selected in my
# cases stays selected (it is one of the team's too), and is where "n of m"
# says it is.
mine_selected=$(screen | grep '^>' | cut -c2-19)
keys T
wait_for "Caseload: $team"
[ "$(screen | grep '^>' | cut -c2-19)" = "$mine_selected" ] ||
	fail "T lost the selected case: '$mine_selected' became '$(screen | grep '^>' | cut -c2-19)'"
team_open=$(q "SELECT count(*) FROM care_case WHERE team = '$team' AND closed_at IS NULL")
[ "$team_open" -gt "$((open - 1))" ] || fail "the team has only $team_open open cases"
i=0
until screen | sed -n 1p | sed 's/ *$//' | grep -qx " Caseload: $team  *[1-9][0-9]* of $team_open  $team_open open" || [ $i -ge 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
screen | sed -n 1p | sed 's/ *$//' | grep -qx " Caseload: $team  *[1-9][0-9]* of $team_open  $team_open open" ||
	fail "the team view's title does not end with '$team_open open': $(screen | sed -n 1p)"
keys 1
wait_for "Referral queue"
keys q
[ "$(exit_status)" = 0 ] || fail "q did not quit"

# The team's manager reallocates the practitioner's next case.
manager=$(q "SELECT login FROM worker WHERE team = '$team' AND role = 'manager' LIMIT 1")
case_id=$(q "SELECT c.id FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$me' AND c.closed_at IS NULL ORDER BY coalesce(c.next_review, ''), c.id LIMIT 1")
STARTS=$((STARTS + 1))
tmux -L "$SOCK" kill-server 2>/dev/null
SOCK=caredesk-test-$$-$STARTS
tmux -L "$SOCK" -f /dev/null new-session -d -s a -x 80 -y 24 \
	"env TERM=vt100 LANG=C LC_ALL=C CAREDESK_NOW=$CAREDESK_NOW CAREDESK_DATADIR=$CAREDESK_DATADIR \
	XDG_CONFIG_HOME=$XDG_CONFIG_HOME $CAREDESK_BIN --replica $REPLICA --as $manager; sleep 30"
wait_for "Referral queue"
keys 2 T
wait_for "Caseload: $team"
row=$(screen | grep -n "$me" | head -n 1 | cut -d: -f1)
name=$(q "SELECT p.family_name FROM care_case c JOIN person p ON p.id = c.person_id WHERE c.id = '$case_id'")
i=3
while [ "$i" -lt "${row:-3}" ]; do
	keys j
	i=$((i + 1))
done
wait_selected "${row:-3}"
case_id=$(q "SELECT c.id FROM care_case c JOIN person p ON p.id = c.person_id WHERE c.team = '$team' AND c.closed_at IS NULL ORDER BY coalesce(c.next_review, ''), c.id LIMIT 1 OFFSET $(( ${row:-3} - 3 ))")
keys a
wait_for " Reallocate the case"
to=$(screen | sed -n 3p | sed 's/.*(\([^)]*\)).*/\1/')
keys Enter
wait_for "Case reallocated."
[ "$(q "SELECT w.login FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE c.id = '$case_id'")" = "$to" ] ||
	fail "the case was not reallocated to $to"
[ "$(q "SELECT count(*) FROM allocation a JOIN worker w ON w.id = a.worker_id WHERE a.case_id = '$case_id' AND w.login = '$to'")" = 1 ] ||
	fail "the reallocation left no allocation history"
: "$person $name"

# Selection by record id: the practitioner selects the third case; another
# process reallocates to them two of the team's cases whose reviews come
# before all of theirs.  The list shows them at the top and the same case
# stays selected, two lines lower (kept by row index, line 5 would now
# hold someone else).
mine=$(q "SELECT count(*) FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$me' AND c.closed_at IS NULL")
[ "$mine" -ge 3 ] || fail "$me has only $mine open cases left"
my_first=$(q "SELECT coalesce(c.next_review, '') FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$me' AND c.closed_at IS NULL ORDER BY coalesce(c.next_review, ''), c.id LIMIT 1")
moved=$(q "SELECT c.id FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE c.team = '$team' AND w.login <> '$me' AND c.closed_at IS NULL AND coalesce(c.next_review, '') < '$my_first' ORDER BY coalesce(c.next_review, ''), c.id LIMIT 2")
[ "$(echo "$moved" | grep -c .)" = 2 ] || fail "the team has no two cases reviewed before $me's first"
DESK_AS=$me desk_start vt100 C
wait_for "Referral queue"
keys 2
wait_for "Caseload: my cases"
wait_for "$mine open"
keys j j
wait_selected 5
# The name column: 2 to 18 at 80 columns.
sel_name=$(screen | sed -n 5p | cut -c2-18 | sed 's/ *$//')
[ -n "$sel_name" ] || fail "no name on the selected line"
for c in $moved; do
	"$CAREDESK_BIN" --replica "$REPLICA" --as duty.north case reallocate "$c" --to "$me" \
		>"$T/realloc.out" 2>&1 </dev/null || fail "reallocating $c failed: $(cat "$T/realloc.out")"
done
first_name=$(q "SELECT substr(p.family_name || ', ' || p.given_name, 1, 17) FROM care_case c JOIN person p ON p.id = c.person_id WHERE c.id = '$(echo "$moved" | head -n 1)'")
wait_for "$((mine + 2)) open"
wait_line 3 "$first_name"
expect_selected 7 "$sel_name"
keys q
finish
