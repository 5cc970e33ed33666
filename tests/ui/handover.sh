#!/bin/sh
# Shift handover with the keyboard alone: last shift's items waiting,
# SBAR shown in full at 80x24, read-back acknowledgement recorded with who
# and when, writing an item (a missing field named), and an item being
# written when the connection drops kept as a draft and offered back.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
q() {
	sqlite3 "$REPLICA" "$1"
}

# Issue 14, defect 12: "to acknowledge" is the team's items not written
# by the reader (duty.north) that nobody has acknowledged, on the desk as
# in the summary.
pending=$(q "SELECT count(*) FROM handover_item h WHERE h.team = 'north-duty' AND h.author IS NOT (SELECT id FROM worker WHERE login = 'duty.north') AND NOT EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id)")
summary=$("$CAREDESK_BIN" --replica "$REPLICA" --as duty.north </dev/null 2>&1 | grep '^handover ')
case "$summary" in
"handover    $pending item to acknowledge" | "handover    $pending items to acknowledge") ;;
*) fail "the summary's handover count is not the desk's $pending: $summary" ;;
esac
[ "$pending" -ge 1 ] || fail "the demo left no handover items from last shift"

desk_start vt100 C
wait_for "Referral queue: north"
keys 3
wait_for "Handover: north-duty"
wait_for "$pending to acknowledge"
expect_golden handover-vt100
item=$(q "SELECT h.id FROM handover_item h WHERE h.team = 'north-duty' AND NOT EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id) ORDER BY h.created_at LIMIT 1")
# All four parts of the selected item are on screen.
for part in S B A R; do
	screen | grep -q "^$part " || fail "the SBAR part $part is not shown"
done

# Read-back acknowledgement.
keys a
wait_for " Acknowledge"
keys -l "Will ring the ward at 10"
keys Enter
wait_for "Acknowledged."
[ "$(q "SELECT w.login || '|' || a.readback || '|' || a.acked_at FROM handover_ack a JOIN worker w ON w.id = a.worker_id WHERE a.item_id = '$item'")" = \
	"duty.north|Will ring the ward at 10|$CAREDESK_NOW" ] || fail "the read-back was not recorded with who and when"
wait_for "$((pending - 1)) to acknowledge"

# Writing: a missing recommendation is named and nothing is lost.
keys w
wait_for " Handover for the next shift"
keys -l "Mr Hall discharged tonight"
keys Tab
keys -l "Lives alone"
keys Tab
keys -l "At risk of falls"
keys Tab Enter
wait_for "Not saved: recommendation: required"
keys -l "Check the carer arrived by 8pm"
keys Enter
wait_for "Handover item written."
[ "$(q "SELECT w.login || '|' || h.situation || '|' || h.recommendation || '|' || h.priority FROM handover_item h JOIN worker w ON w.id = h.author WHERE h.situation = 'Mr Hall discharged tonight'")" = \
	"duty.north|Mr Hall discharged tonight|Check the carer arrived by 8pm|amber" ] ||
	fail "the handover item was not saved as written"

# The read-back is shown with the item it answers (issue 14).  Another of
# the team acknowledges today's item from the command line; acknowledged
# items sort after those waiting, so look for it from the end of the list.
hall=$(q "SELECT id FROM handover_item WHERE situation = 'Mr Hall discharged tonight'")
reader=$(q "SELECT login FROM worker WHERE team = 'north-duty' AND active AND login <> 'duty.north' AND (role LIKE '%duty%' OR role LIKE '%manager%') ORDER BY login LIMIT 1")
"$CAREDESK_BIN" --replica "$REPLICA" --as "$reader" handover ack "$hall" \
	--readback "Will ring the carer at 8pm" >/dev/null 2>"$T/ack.err" </dev/null ||
	fail "$reader could not acknowledge the item: $(cat "$T/ack.err")"
keys G
i=0
while ! screen | grep -q "Read back by $reader: Will ring the carer at 8pm" && [ $i -lt 12 ]; do
	keys k
	sleep 0.2
	i=$((i + 1))
done
if ! screen | grep -q "Read back by $reader: Will ring the carer at 8pm"; then
	fail "the read-back is not shown with the acknowledged item"
	screen | sed 's/^/    | /'
fi
keys g

# The connection drops while writing: the item comes back next time.
keys w
wait_for " Handover for the next shift"
keys -l "Half a situation"
# Shown, so the desk holds it in the form when the terminal goes.
wait_for "Half a situation"
pid=$(desk_pid)
tmux -L "$SOCK" kill-server
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
SOCK=
[ "$(q "SELECT count(*) FROM draft WHERE worker = 'duty.north' AND kind = 'handover' AND fields LIKE '%Half a situation%'")" = 1 ] ||
	fail "the unsaved item was not kept as a draft on hang-up"
desk_start vt100 C
wait_for "Referral queue: north"
keys 3 w
wait_for "Half a situation"
wait_for "what you were writing"
[ "$(q "SELECT count(*) FROM draft")" = 0 ] || fail "the draft was not taken back"
# Ctrl-C asks before discarding it.
keys C-c
wait_for "Discard what you typed?"
keys y
wait_for "Handover: north-duty"
keys q q
[ "$(exit_status)" = 0 ] || fail "q q did not quit"

# Paging: more items than the five rows shown.  Space and C-f (which ?
# advertises as "Next page") page by what is shown; at the last page they
# go to the last item; b, C-b and g come back; "n of m" says where.
for i in 1 2 3 4; do
	"$CAREDESK_BIN" --replica "$REPLICA" --as duty.north handover add --priority green \
		--situation "Paging item $i" --background "b" --assessment "a" --recommendation "r" >/dev/null ||
		fail "could not add handover item $i"
done
# The list: items nobody has acknowledged, then today's (GMT: midnight UTC).
total=$(q "SELECT count(*) FROM handover_item h WHERE h.team = 'north-duty' AND (NOT EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id) OR h.created_at >= '2026-11-23T00:00:00Z')")
[ "$total" -ge 8 ] || fail "only $total handover items to page through"
title() {
	screen | sed -n 1p | sed 's/  */ /g'
}
expect_at() {
	_i=0
	while ! title | grep -qF " $1 of $total " && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	title | grep -qF " $1 of $total " || fail "$2: the title reads '$(title)', not '$1 of $total'"
}
desk_start vt100 C
wait_for "Referral queue: north"
keys 3
wait_for "Handover: north-duty"
expect_at 1 "opened"
keys Space
expect_at 6 "Space"
[ "$(selected_row)" = 3 ] || fail "Space did not select the first row of the next page (line $(selected_row))"
# The second page is 6-10: Space goes on to a third page, or to the last
# item if there is none.  A page move keeps the selection's place on the
# screen, so b from there goes back five rows.
if [ "$total" -le 10 ]; then second=$total; else second=11; fi
back=$((second - 5))
keys Space
expect_at "$second" "Space again"
# vt100 has no PgUp/PgDn keys: its page keys are C-b/b and C-f.
keys b
expect_at "$back" "b (previous page)"
keys g
expect_at 1 "g"
keys C-f
expect_at 6 "C-f (next page)"
keys C-b
expect_at 1 "C-b (previous page)"
keys G
expect_at "$total" "G"
keys q q
[ "$(exit_status)" = 0 ] || fail "q q did not quit"
finish
