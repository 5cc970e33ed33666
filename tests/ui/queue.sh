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

# Filters change the title and the rows, and come back.
keys s
wait_for "safeguarding" && screen | sed -n '3,20p' | grep -v '^ *$' | grep -v 'SG$' |
	grep -q . && fail "the safeguarding filter shows a row without SG"
keys s
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
keys g
wait_selected 3
keys C-f
sleep 0.3
first=$(screen | sed -n 3p)
keys C-b
sleep 0.3
[ "$(screen | sed -n 3p)" != "$first" ] || fail "page down then up shows the same first row"
# One row at a time past the bottom scrolls the list by one.
keys g
i=0
while [ $i -lt 19 ]; do
	keys j
	i=$((i + 1))
done
wait_selected 21
top=$(screen | sed -n 3p | cut -c2-30)
keys j
sleep 0.3
[ "$(selected_row)" = 21 ] || fail "moving past the bottom did not keep the selection on the last line"
[ "$(screen | sed -n 3p | cut -c2-30)" != "$top" ] || fail "moving past the bottom did not scroll"
keys q

finish
