#!/bin/sh
# The one line editor, in search and in a form, driven in a real terminal:
# typing at the point after moving left, C-a/C-e, C-h/Backspace, C-d,
# C-w, C-k, C-u; the editing keys listed by help on the search screen
# (and the letters that are text there not advertised); an editing key
# rebound in caredesk.conf works and help shows the new key.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup

prompt() {
	screen | sed -n 2p | sed 's/ *$//'
}
expect_prompt() {
	_i=0
	while [ "$(prompt)" != " Find: $1" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(prompt)" = " Find: $1" ] || fail "$2: the Find line reads '$(prompt)', expected ' Find: $1'"
}

desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
keys /
wait_for "Find: _"
keys -l "rssi"
expect_prompt "rssi_" "typed"
keys Left Left Left
keys -l "o"
expect_prompt "rossi_" "o typed after three Lefts"
# The search ran on the edited text: Rossi results.
wait_for "Rossi"
keys C-a
keys -l "x"
expect_prompt "xrossi_" "C-a then x"
keys C-d
expect_prompt "xossi_" "C-d deletes under the cursor"
keys C-e BSpace
expect_prompt "xoss_" "C-e then Backspace"
keys C-h
expect_prompt "xos_" "C-h"
keys -l " kay"
keys C-w
expect_prompt "xos _" "C-w deletes the word before"
keys C-a Right Right C-k
expect_prompt "xo_" "C-k deletes to the end"
keys C-u
expect_prompt "_" "C-u clears"
# Help on search lists the editing keys; j (text here) is not offered.
keys F1
wait_for "Help: Search"
screen | grep -q "^.C-w  *Delete the word before the cursor" || fail "help on search does not list C-w"
screen | grep -q "^.j " && fail "help on search offers j, which is text there"
keys q
wait_for "Find: _"
keys C-c
wait_for "Referral queue: north"

# A form: the note's text field.
keys n
wait_for " Add a note"
keys Tab
keys -l "ring ward"
keys C-a
keys -l "Please "
wait_for "Please ring ward_"
keys C-w
wait_for "ring ward_"
keys C-c
wait_for "Discard"
keys y
wait_for "Referral queue: north"
keys q
[ "$(exit_status)" = 0 ] || fail "the desk did not quit"

# Rebound: kill_line on C-x (and no longer on C-u).
printf 'keys = { kill_line = ["C-x"]; };\n' >"$T/keys.conf"
desk_start xterm-256color C.UTF-8 --config "$T/keys.conf"
wait_for "Referral queue: north"
keys /
wait_for "Find: _"
keys -l "ross"
expect_prompt "ross_" "typed"
keys C-u
sleep 0.3
expect_prompt "ross_" "C-u, no longer bound"
keys C-x
expect_prompt "_" "C-x, kill_line rebound"
keys F1
wait_for "Help: Search"
screen | grep -q "^.C-x  *Clear the text" || fail "help does not show kill_line on C-x"
keys q
wait_for "Find: _"
keys C-c
wait_for "Referral queue: north"
keys q
finish
