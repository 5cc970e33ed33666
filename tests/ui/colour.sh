#!/bin/sh
# Colour only adds: on a colour terminal the overdue due time, the
# safeguarding column and priorities are coloured as configured; NO_COLOR
# and a monochrome terminal get none, and the same markers still carry the
# meaning.  Read with capture-pane -e, which keeps the SGR sequences.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
esc=$(printf '\033')

coloured_screen() {
	tmux -L "$SOCK" capture-pane -p -e -t a >"$T/sgr"
}

# The demo's queue has an overdue referral and a safeguarding one.
overdue_row() {
	grep 'late' "$T/sgr" | head -n 1
}

sg_row() {
	grep 'SG$' "$T/sgr" | grep -v 'Received' | head -n 1
}

# Defaults: overdue red (31), safeguarding magenta (35).
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
coloured_screen
overdue_row | grep -q "${esc}\[1m${esc}\[31m!" ||
	fail "the overdue due time is not bold red by default: $(overdue_row | cat -v)"
sg_row | grep -q "${esc}\[35mSG" ||
	fail "the safeguarding marker is not magenta by default: $(sg_row | cat -v)"

# NO_COLOR (set, not empty): no colour at all, the markers stay.
DESK_ENV=NO_COLOR=1 desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
coloured_screen
grep -q "${esc}\[3[0-7]m\|${esc}\[38;5" "$T/sgr" &&
	fail "NO_COLOR still coloured the screen: $(grep "${esc}\[3[0-7]m" "$T/sgr" | head -n 1 | cat -v)"
overdue_row | grep -q "![0-9][0-9]*[mhd] late" || fail "without colour the overdue marker is gone"
sg_row | grep -q "SG" || fail "without colour the safeguarding marker is gone"

# A monochrome vt100: no colour, same markers.
desk_start vt100 C
wait_for "Referral queue: north"
coloured_screen
grep -q "${esc}\[3[0-7]m" "$T/sgr" && fail "a vt100 was sent colour"
overdue_row | grep -q "![0-9][0-9]*[mhd] late" || fail "on a vt100 the overdue marker is gone"

# Configured: overdue blue, title white on blue (and not reversed),
# safeguarding none.
cat >"$T/colours.conf" <<'CONF'
colours = {
	overdue = "blue";
	title = "white on blue";
	safeguarding = "none";
};
CONF
desk_start xterm-256color C.UTF-8 --config "$T/colours.conf"
wait_for "Referral queue: north"
coloured_screen
[ -n "$(sg_row)" ] || fail "the configured screen shows no safeguarding row to check"
overdue_row | grep -q "${esc}\[1m${esc}\[34m!" ||
	fail "colours.overdue = blue was not used: $(overdue_row | cat -v)"
sg_row | grep -q "${esc}\[35m" && fail "colours.safeguarding = none still coloured SG"
head -n 1 "$T/sgr" | grep -q "${esc}\[1m${esc}\[37m${esc}\[44m Referral queue" ||
	head -n 1 "$T/sgr" | grep -q "${esc}\[1;37;44m Referral queue" ||
	fail "colours.title = white on blue was not used: $(head -n 1 "$T/sgr" | cat -v)"
head -n 1 "$T/sgr" | grep -q "${esc}\[[0-9;]*7m Referral" &&
	fail "a title with a background is still reversed"

# A bad colour or part: FILE:LINE, exit 78, no desk.
# bad_setting LINE MESSAGE: a colours group holding LINE is refused, named.
bad_setting() {
	printf 'colours = {\n\t%s\n};\n' "$1" >"$T/bad.conf"
	"$CAREDESK_BIN" --config "$T/bad.conf" --replica "$REPLICA" --as duty.north referral list \
		>"$T/bad.out" 2>&1 </dev/null
	rc=$?
	[ "$rc" = 78 ] || fail "'$1' exited $rc, not 78"
	grep -qF "$T/bad.conf:2: $2" "$T/bad.out" ||
		fail "'$1' is not named with file and line: $(cat "$T/bad.out")"
}
bad_setting 'overdue = "purple";' "colours.overdue: 'purple' is not a colour"
bad_setting 'border = "red";' "colours.border: no such part of the screen"
bad_setting 'overdue = 3;' "colours.overdue"
finish
