#!/bin/sh
# The referral queue in a real terminal: golden screens under
# xterm-256color/UTF-8 and vt100/LANG=C, moving, paging, filters, help, and
# quitting with q and with Ctrl-C.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup

desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north" && expect_golden queue-xterm
keys j j
wait_selected 5
keys Down
wait_selected 6
keys k
wait_selected 5
# G: the last open referral (the demo's queue fits on one screen).
open=$(sqlite3 "$REPLICA" "SELECT count(*) FROM referral WHERE status IN ('new', 'triaged')")
[ "$open" -le 19 ] || fail "the demo queue ($open) no longer fits one screen; adjust this test"
keys G
wait_selected $((2 + open))
keys g
wait_selected 3

# Filters change the title and the rows, and come back.  The safeguarding
# filter shows exactly the open safeguarding referrals, first due first,
# and none of the others.
name_where() {
	sqlite3 "$REPLICA" "SELECT substr(p.family_name || ', ' || p.given_name, 1, 20) FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status IN ('new', 'triaged') AND $1 ORDER BY f.decision_due_at, f.id LIMIT 1"
}
sg=$(name_where "f.safeguarding = 1")
plain=$(name_where "f.safeguarding = 0")
sg_count=$(sqlite3 "$REPLICA" "SELECT count(*) FROM referral WHERE status IN ('new', 'triaged') AND safeguarding = 1")
[ -n "$sg" ] && [ -n "$plain" ] || fail "the demo queue needs a safeguarding and another referral"
keys s
wait_for "north  safeguarding"
# "n of m" counts the filtered list; the counts beside it the whole queue.
screen | sed -n 1p | grep -qF "1 of $sg_count  $open open" ||
	fail "the filtered title does not read '1 of $sg_count  $open open': $(screen | sed -n 1p)"
wait_line 3 "$sg"
screen | grep -qF -- "$plain" && fail "the safeguarding filter shows '$plain', not a safeguarding referral"
[ "$(screen | sed -n '3,21p' | grep -c '^[> ][0-9]')" = "$sg_count" ] ||
	fail "the safeguarding filter shows $(screen | sed -n '3,21p' | grep -c '^[> ][0-9]') rows, not $sg_count"
screen | sed -n '3,21p' | grep '^[> ][0-9]' | grep -v 'SG$' |
	grep -q . && fail "the safeguarding filter shows a row without SG"
keys s
wait_for "$plain"
keys p
wait_for "priority red"
keys p p p p
wait_gone "priority"

# Help is generated from the action table and goes back with q.
keys '?'
wait_for "Help: Referral queue" && expect_golden help-queue
keys q
wait_for "Referral queue: north"

# q at the top quits cleanly with status 0; so does Ctrl-C.
keys q
[ "$(exit_status)" = 0 ] || fail "q did not quit with status 0"
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
keys C-c
[ "$(exit_status)" = 0 ] || fail "Ctrl-C did not quit with status 0"

# A monochrome vt100 in the C locale: no colour, ASCII only, same keys.
desk_start vt100 C
wait_for "Referral queue: north" && expect_golden queue-vt100
screen | LC_ALL=C grep -q '[^ -~]' && fail "vt100/LANG=C screen has non-ASCII characters"
keys q

# Lateness in the due column, with the clock fixed at Monday 23/11 09:30:
# children's referrals are due one working day after receipt, so these are
# two working days, one working day (only 17.5 working hours), three hours
# and 25 minutes late, one not yet due, and at the edges: exactly an hour
# late, 59 minutes late, and due this very minute (not late: the overdue
# count in the title agrees, decision_due_at < now).
cat >"$T/late.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-18T10:00:00Z,Lateness,Twodays,2016-01-01,CD1 1AA,school,health,no,late
2026-11-19T16:00:00Z,Lateness,Oneday,2016-01-01,CD1 1AA,school,health,no,late
2026-11-20T06:00:00Z,Lateness,Hours,2016-01-01,CD1 1AA,school,health,no,late
2026-11-20T09:05:00Z,Lateness,Minutes,2016-01-01,CD1 1AA,school,health,no,late
2026-11-23T08:00:00Z,Lateness,Notyet,2016-01-01,CD1 1AA,school,health,no,late
2026-11-20T08:30:00Z,Lateness,Onehour,2016-01-01,CD1 1AA,school,health,no,late
2026-11-20T08:31:00Z,Lateness,Fiftynine,2016-01-01,CD1 1AA,school,health,no,late
2026-11-20T09:30:00Z,Lateness,Duenow,2016-01-01,CD1 1AA,school,health,no,late
CSV
import_csv "$T/late.csv" || fail "importing the late referrals failed: $(cat "$T/import.out")"
[ "$(sqlite3 "$REPLICA" "SELECT group_concat(f.decision_due_at, ' ') FROM (SELECT f.decision_due_at FROM referral f JOIN person p ON p.id = f.person_id WHERE p.family_name = 'Lateness' ORDER BY f.decision_due_at) f")" = \
	"2026-11-19T10:00:00Z 2026-11-20T16:00:00Z 2026-11-23T06:00:00Z 2026-11-23T08:30:00Z 2026-11-23T08:31:00Z 2026-11-23T09:05:00Z 2026-11-23T09:30:00Z 2026-11-24T08:00:00Z" ] ||
	fail "the late referrals are not due when this test expects"
desk_start xterm-256color C.UTF-8
wait_for "Lateness, Notyet"
# due_is GIVEN TEXT: the due column (display columns 14-25) of that row.
due_is() {
	_due=$(screen | grep -F "Lateness, $1" | cut -c14-25 | sed 's/ *$//')
	[ "$_due" = "$2" ] || fail "Lateness, $1 shows due '$_due', not '$2'"
}
due_is Twodays "!2wd late"
due_is Oneday "!1wd late"
due_is Hours "!3h late"
due_is Minutes "!25m late"
due_is Notyet "24/11 08:00"
due_is Onehour "!1h late"
due_is Fiftynine "!59m late"
due_is Duenow "23/11 09:30"
keys q
[ "$(exit_status)" = 0 ] || fail "q did not quit"

# Paging by keyset over more than a screenful: 60 referrals due one after
# another (adults, received a minute apart a week ago, so due in order).
{
	echo "received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason"
	i=10
	while [ $i -lt 70 ]; do
		echo "2026-11-16T10:$i:00Z,Pager$i,Test,1970-01-01,CD1 1AA,gp,social-care,no,paging"
		i=$((i + 1))
	done
} | sed 's/T10:\([6-9]\)\([0-9]\):/T11:\1\2:/' >"$T/page.csv"
# minutes 60-69 are not times: move them to 11:00-11:09
sed -i 's/T11:6\([0-9]\):/T11:0\1:/' "$T/page.csv"
"$CAREDESK_BIN" --replica "$REPLICA" import referrals "$T/page.csv" >/dev/null 2>&1 ||
	fail "importing the paging referrals failed"
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
keys /
keys C-c
last=$(sqlite3 "$REPLICA" "SELECT p.family_name FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status IN ('new', 'triaged') ORDER BY f.decision_due_at DESC, f.id DESC LIMIT 1")
keys G
wait_for "$last"
screen | grep '^>' | grep -qF "$last" || fail "G did not select the last referral ($last)"
keys k
wait_selected 20
# A page is 19 rows (lines 3-21): page down from the top shows the 20th
# referral first and selects it; page up shows the first page again and
# selects its first row: a page move keeps the selection's place on the
# screen, so PgDn then PgUp comes back to the same record.
# nth N: the name of the open referral at OFFSET N in the queue's order.
nth() {
	sqlite3 "$REPLICA" "SELECT substr(p.family_name || ', ' || p.given_name, 1, 20) FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status IN ('new', 'triaged') ORDER BY f.decision_due_at, f.id LIMIT 1 OFFSET $1"
}
keys g
wait_selected 3
keys C-f
wait_line 3 "$(nth 19)"
expect_selected 3 "$(nth 19)"
keys C-b
wait_line 3 "$(nth 0)"
expect_selected 3 "$(nth 0)"
# On the first page of a list longer than a page, "n of m" counts the
# whole list, not the page's rows (list_position's `before < 0` made
# `<= 0` passed every test before this one).
total=$(sqlite3 "$REPLICA" "SELECT count(*) FROM referral WHERE status IN ('new', 'triaged')")
[ "$total" -gt 19 ] || fail "the queue ($total) fits one page here; this check needs more"
screen | sed -n 1p | grep -qF "1 of $total  " ||
	fail "the first page's title does not read '1 of $total': $(screen | sed -n 1p)"
# From the middle of a page: the selection stays on its line.
keys j j j C-f
wait_line 3 "$(nth 19)"
expect_selected 6 "$(nth 22)"
keys C-b
wait_line 3 "$(nth 0)"
expect_selected 6 "$(nth 3)"
# One row at a time past the bottom scrolls the list by exactly one.
keys g
wait_selected 3
i=0
while [ $i -lt 18 ]; do
	keys j
	i=$((i + 1))
done
expect_selected 21 "$(nth 18)"
wait_line 3 "$(nth 0)"
keys j
wait_line 3 "$(nth 1)"
expect_selected 21 "$(nth 19)"
# The selected record on the last line, and a referral arrives that sorts
# first: the selected record, pushed one row down, stays selected on the
# last line, the list scrolled by one to keep it (the new referral just
# above the page).  The title's count shows the reload has happened.
keys g
wait_selected 3
i=0
while [ $i -lt 18 ]; do
	keys j
	i=$((i + 1))
done
last_row=$(nth 18)
expect_selected 21 "$last_row"
before_open=$(sqlite3 "$REPLICA" "SELECT count(*) FROM referral WHERE status IN ('new', 'triaged')")
printf '%s\n%s\n' "received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason" \
	"2026-11-17T08:00:00Z,Arrived,Above,2016-01-01,CD1 1AA,school,health,no,x" >"$T/above.csv"
import_csv "$T/above.csv" || fail "importing the referral above failed: $(cat "$T/import.out")"
wait_for " $((before_open + 1)) open"
expect_selected 21 "$last_row"
[ "$(nth 0)" = "Arrived, Above" ] || fail "the new referral does not sort first"
wait_line 3 "$(nth 1)"

# Scrolled down a page, the selection three rows into it, and a referral
# arrives between the page's first row and the selected one: the page
# keeps its first row, the new one shows in its place, and the selected
# record, pushed down one line, stays selected (kept by record id, not
# by row, and the page does not jump).
keys g
wait_selected 3
keys C-f
wait_line 3 "$(nth 19)"
keys j j j
expect_selected 6 "$(nth 22)"
kept=$(nth 22)
above=$(nth 21)
# An adult referral received 30 s after the row above the selection: due
# between that row and the selected one.
received=$(sqlite3 "$REPLICA" "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', f.received_at, '+30 seconds') FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status IN ('new', 'triaged') ORDER BY f.decision_due_at, f.id LIMIT 1 OFFSET 21")
printf '%s\n%s\n' "received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason" \
	"$received,Between,Rows,1970-01-01,CD1 1AA,gp,social-care,no,x" >"$T/between.csv"
before_open=$(sqlite3 "$REPLICA" "SELECT count(*) FROM referral WHERE status IN ('new', 'triaged')")
import_csv "$T/between.csv" || fail "importing the referral between failed: $(cat "$T/import.out")"
wait_for " $((before_open + 1)) open"
[ "$(nth 22)" = "Between, Rows" ] || fail "the new referral does not sort just above the selected one: $(nth 21) / $(nth 22) / $(nth 23)"
wait_line 3 "$(nth 19)"
expect_selected 7 "$kept"
screen | sed -n 6p | grep -qF "Between, Rows" || fail "the new referral is not on line 6: $(screen | sed -n 6p)"
[ -n "$above" ] || fail "no row above the selection"
keys q

finish
