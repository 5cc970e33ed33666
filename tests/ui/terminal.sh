#!/bin/sh
# How the desk behaves on real terminals: too small and resized in any
# state, unknown TERM, hang-up, hostile stored text, another process's
# commit, and what it writes when idle or moving the cursor.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup

resize() {
	tmux -L "$SOCK" resize-window -t a -x "$1" -y "$2"
}

# Too small says so; back to 80x24 keeps the selection.
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
keys j j
wait_selected 5
resize 60 20
wait_for "Terminal too small"
resize 80 24
wait_for "Referral queue: north"
wait_selected 5
# A resize storm, in the list and in help, then still alive and whole.
i=0
while [ $i -lt 15 ]; do
	resize $((70 + i)) $((20 + i % 6))
	i=$((i + 1))
done
keys '?'
resize 100 30
resize 80 24
wait_for "Help: Referral queue"
keys q
wait_for "Referral queue: north"
wait_selected 5

# Nothing but the minute clock when idle (the clock is fixed here, so
# nothing at all), and a cursor move sends only what changed.  The resizes
# above may still be landing on a loaded machine: let them settle first.
sleep 1
tmux -L "$SOCK" pipe-pane -t a -o "cat >>$T/raw"
sleep 3
idle=$(wc -c <"$T/raw" 2>/dev/null || echo 0)
[ "$idle" -le 100 ] || fail "idle desk wrote $idle bytes in 3 s"
: >"$T/raw"
keys j
wait_selected 6
sleep 0.3
moved=$(wc -c <"$T/raw")
# Two rows' highlight, the "n of m" counter and the terminal cursor moved
# onto the new row: about a hundred bytes; a repaint would be thousands.
[ "$moved" -le 150 ] || fail "a cursor move wrote $moved bytes (at most 150 expected)"
tmux -L "$SOCK" pipe-pane -t a

# Another process's commit shows within 2 s, selection kept by record id
# (the hostile rows are overdue, so they sort above the selected one and
# push it down five lines); hostile names reach the screen only as visible
# placeholders.
: >"$T/raw"
tmux -L "$SOCK" pipe-pane -t a -o "cat >>$T/raw"
esc=$(printf '\033')
bel=$(printf '\007')
cr=$(printf '\r')
rlo=$(printf '\342\200\256')
cat >"$T/hostile.csv" <<CSV
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-19T09:00:00Z,"Evil${esc}]0;pwned${bel}",Title,2016-01-01,CD1 1AA,school,health,no,x
2026-11-19T09:01:00Z,"Red${esc}[31mText",Colour,2016-01-02,CD1 1AA,school,health,no,x
2026-11-19T09:02:00Z,"Back${cr}Over",Carriage,2016-01-03,CD1 1AA,school,health,no,x
2026-11-19T09:03:00Z,"${rlo}Reversed",Bidi,2016-01-04,CD1 1AA,school,health,no,x
2026-11-19T09:04:00Z,漢字テスト,Wide,2016-01-05,CD1 1AA,school,health,no,x
CSV
# The selected row's name (the name column: 30 on, 21 wide at 80 columns).
before=$(screen | sed -n 6p | cut -c30-50 | sed 's/ *$//')
[ -n "$before" ] || fail "no name on the selected line 6"
import_csv "$T/hostile.csv" || { cat "$T/import.out"; fail "import of hostile names failed"; }
wait_for "Title" 2
wait_for "Wide" 2
screen | grep -q "Evil␛]0;pwned␇" || fail "ESC and BEL in a name are not shown as placeholders"
screen | grep -q "Red␛\[31mText" || fail "a CSI sequence in a name is not shown as a placeholder"
screen | grep -q "Back␍Over" || fail "CR in a name is not shown as a placeholder"
screen | grep -q "�Reversed" || fail "a bidi override is not shown as a placeholder"
title=$(tmux -L "$SOCK" display-message -p -t a '#{pane_title}')
[ "$title" = pwned ] && fail "a name set the terminal title"
# The placeholders carry the same letters, so look for the real ESC byte.
grep -q "${esc}]0;pwned" "$T/raw" && fail "the raw output carries the OSC sequence from a name"
grep -q "${esc}\[31mText" "$T/raw" && fail "the raw output carries the CSI sequence from a name"
# Columns stay aligned after a wide name: the age group (C) starts at
# display column 51 and the source at 53, as on every other row.
wide=$(screen | grep "Wide")
[ "$(columns_at "C school" "$wide")" = 51 ] ||
	fail "the wide name misaligned its row: 'C school' at display column $(columns_at "C school" "$wide"), not 51: $wide"
[ "$(columns_at "C school" "$(screen | grep "Title")")" = 51 ] ||
	fail "a narrow row is not aligned as expected: $(screen | grep "Title")"
tmux -L "$SOCK" pipe-pane -t a
# Five rows arrived above the selected one: it is the same record, five
# lines lower (index-kept selection would stay on line 6, another person).
expect_selected 11 "$before"

# Hang-up: the terminal goes away; the desk exits within 2 s, no spinning.
pid=$(desk_pid)
[ -n "$pid" ] || fail "cannot find the desk's process"
tmux -L "$SOCK" kill-server
i=0
while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && {
	fail "the desk is still running 2 s after hang-up"
	kill -9 "$pid"
}
SOCK=

# An unknown TERM: one line naming a TERM to try, exit 2.
desk_start no-such-terminal C.UTF-8
[ "$(exit_status)" = 2 ] || fail "unknown TERM did not exit 2"
wait_for "try TERM=vt100"

# A terminal that cannot address the cursor (an SSH client sending no
# TERM gets "dumb", as does an editor's shell buffer) is refused the same
# way, at once, instead of a lone status line that waits for ever.
desk_start dumb C.UTF-8
[ "$(exit_status)" = 2 ] || fail "TERM=dumb did not exit 2 (status: $(exit_status))"
wait_for "TERM=dumb cannot move the cursor; try TERM=vt100"
desk_start "" C.UTF-8
[ "$(exit_status)" = 2 ] || fail "an empty TERM did not exit 2"
wait_for "try TERM=vt100"

# SIGTERM restores the terminal and exits.
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
kill -TERM "$(desk_pid)"
[ "$(exit_status)" != running ] || fail "SIGTERM did not end the desk"
finish
