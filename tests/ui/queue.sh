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
keys G
wait_selected 13
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
finish
