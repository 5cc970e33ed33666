#!/bin/sh
# The terminal cursor follows the selection, so that a screen reader or
# braille display (speakup, brltty) reads the row the worker is on: on
# every list it sits at the start of the selected row; where text is typed
# (search, a form field) it sits after the text.  cursor = "hidden" in
# caredesk.conf hides it; any other value is refused with file and line.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup

cursor() {
	tmux -L "$SOCK" display-message -p -t a '#{cursor_flag} #{cursor_y} #{cursor_x}'
}
# expect_cursor WHERE ROW COL: the cursor shown at 1-based ROW, 0-based COL.
expect_cursor() {
	_want="1 $(($2 - 1)) $3"
	_i=0
	while [ "$(cursor)" != "$_want" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(cursor)" = "$_want" ] || fail "$1: cursor (shown row col) is '$(cursor)', expected '$_want'"
}

desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
expect_cursor "queue opened" "$(selected_row)" 0
keys j j
wait_selected 5
expect_cursor "queue after j j" 5 0
keys G
i=0
while [ "$(selected_row)" -lt 10 ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
expect_cursor "queue after G" "$(selected_row)" 0

# The case view: the cursor on the selected note.
keys g Enter
wait_for "Chronology, newest first"
row=$(selected_row)
if [ -n "$row" ]; then
	expect_cursor "case view" "$row" 0
fi
keys q
wait_for "Referral queue: north"

# Help is a list too.
keys '?'
wait_for "Help: Referral queue"
keys j j
wait_selected 5
expect_cursor "help after j j" 5 0
keys q
wait_for "Referral queue: north"

# Search: the cursor after what is typed on the Find line.
keys /
wait_for "Find: _"
keys -l "ros"
wait_for "Find: ros"
line=$(screen | grep -n "Find: ros" | cut -d: -f1)
col=$(screen | sed -n "${line}p" | sed 's/Find: ros.*/Find: ros/' | wc -c)
expect_cursor "search prompt" "$line" $((col - 1))
keys C-c
wait_for "Referral queue: north"

# A form: the cursor on the focused choice, then in the text field after
# its text.
keys n
wait_for " Add a note"
line=$(screen | grep -n "< case-note >" | cut -d: -f1)
expect_cursor "note form, kind" "$line" 14
keys Tab
keys -l "abc"
wait_for "abc_"
line=$(screen | grep -n "abc_" | cut -d: -f1)
col=$(screen | sed -n "${line}p" | sed 's/abc_.*/abc/' | wc -c)
expect_cursor "note form" "$line" $((col - 1))
keys C-c
wait_for "Discard"
keys y
wait_for "Referral queue: north"
keys q
[ "$(exit_status)" = 0 ] || fail "the desk did not quit"

# cursor = "hidden": no cursor anywhere.
printf 'cursor = "hidden";\n' >"$T/hidden.conf"
desk_start xterm-256color C.UTF-8 --config "$T/hidden.conf"
wait_for "Referral queue: north"
keys j
wait_selected 4
[ "$(cursor | cut -d' ' -f1)" = 0 ] || fail "cursor = \"hidden\" still shows the cursor: $(cursor)"
keys q

# A value that is neither: refused, naming the file, line and setting.
printf '\n\ncursor = "blinking";\n' >"$T/bad.conf"
out=$("$CAREDESK_BIN" --config "$T/bad.conf" --replica "$REPLICA" --as duty.north referral list 2>&1)
rc=$?
[ "$rc" = 78 ] || fail "a bad cursor setting exited $rc, not 78"
echo "$out" | grep -qF "$T/bad.conf:3" || fail "the bad cursor setting's message names no file:line: $out"
echo "$out" | grep -q "cursor" || fail "the bad cursor setting's message names no setting: $out"
finish
