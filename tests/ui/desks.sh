#!/bin/sh
# Two desks on one replica, and the keys every screen shares:
# - another desk's commit shows within 2 s with the selection kept;
# - a resize in a form or in search keeps what was typed;
# - Ctrl-L repaints everything; Ctrl-Z under a job-control shell suspends
#   (the terminal restored) and fg brings the desk back redrawn; without
#   job control Ctrl-Z leaves the desk running;
# - Esc then a key within the ESC delay is Alt with that key; Esc alone
#   goes back; ESCDELAY and the escdelay setting change the delay;
# - SIGINT from outside restores the terminal.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }

resize() {
	tmux -L "$SOCK" resize-window -t "$1" -x "$2" -y "$3"
}

# desk_b: a second desk, in a second session of the same tmux server.
desk_b() {
	tmux -L "$SOCK" new-session -d -s b -x 80 -y 24 \
		"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 CAREDESK_NOW=$CAREDESK_NOW \
		CAREDESK_DATADIR=$CAREDESK_DATADIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME \
		$CAREDESK_BIN --replica $REPLICA --as duty.north; sleep 30"
}

screen_b() {
	tmux -L "$SOCK" capture-pane -p -t b
}

# wait_b TEXT: until desk B shows TEXT, within 2 s (the contract).
wait_b() {
	_i=0
	while [ $_i -lt 20 ]; do
		screen_b | grep -qF -- "$1" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "desk B never showed '$1' within 2 s"
	screen_b | sed 's/^/    | /'
	return 1
}

# --- two desks on one replica -------------------------------------------
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
desk_b
wait_b "Referral queue: north"
# B selects the fourth row; A triages the first referral not yet triaged,
# found in the replica with the queue's own order.
tmux -L "$SOCK" send-keys -t b j j j
i=0
while [ "$(screen_b | grep -n '^>' | cut -d: -f1)" != 6 ] && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
# Rows are compared by name, found by name on the screen.
b_selected=$(sqlite3 "$REPLICA" "SELECT p.family_name || ', ' || p.given_name FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status IN ('new', 'triaged') ORDER BY f.decision_due_at, f.id LIMIT 1 OFFSET 3")
screen_b | grep '^>' | grep -qF "$b_selected" || fail "desk B's fourth row is not $b_selected"
target=$(sqlite3 "$REPLICA" "SELECT f.id || '|' || p.family_name || '|' || (SELECT count(*) FROM referral g WHERE g.status IN ('new', 'triaged') AND (g.decision_due_at, g.id) < (f.decision_due_at, f.id)) FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status = 'new' ORDER BY f.decision_due_at, f.id LIMIT 1")
name2=$(echo "$target" | cut -d'|' -f2)
before=$(echo "$target" | cut -d'|' -f3)
[ -n "$name2" ] || fail "the demo queue has no referral to triage"
i=0
while [ $i -lt "$before" ]; do
	keys j
	i=$((i + 1))
done
wait_selected $((3 + before))
keys t
wait_for " Triage"
keys Left Tab Tab
keys -l "Checked with the GP"
keys Enter
wait_for "Triage saved."
# B sees it, and keeps its own selection on the same person.
i=0
while ! screen_b | grep -F -- "$name2" | grep -q "Red" && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
screen_b | grep -F -- "$name2" | grep -q "Red" ||
	fail "desk B did not show desk A's triage within 2 s: $(screen_b | grep -F -- "$name2")"
screen_b | grep '^>' | grep -qF -- "$b_selected" ||
	fail "desk B lost its selection ($b_selected) when A's change arrived"
# Two referrals imported by another process, overdue, so they sort above
# everything: B shows them at the top and keeps its selection on the same
# record, two lines lower (kept by row index it would stay on line 6 and
# select someone else).
cat >"$T/early.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-18T10:00:00Z,Earlier,First,2016-01-01,CD1 1AA,school,health,no,x
2026-11-18T11:00:00Z,Earlier,Second,2016-01-01,CD1 1AA,school,health,no,x
CSV
import_csv "$T/early.csv" || fail "importing the early referrals failed: $(cat "$T/import.out")"
wait_b "Earlier, Second"
screen_b | sed -n 3p | grep -qF "Earlier, First" || fail "desk B does not show the new first referral at the top"
i=0
while [ "$(screen_b | grep -n '^>' | cut -d: -f1)" != 8 ] && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
screen_b | sed -n 8p | grep -q "^>.*$b_selected" || {
	fail "desk B's selection did not stay on $b_selected (now line 8) when rows arrived above it"
	screen_b | sed 's/^/    | /'
}
# And the other way: B adds a note; A's case view of that person shows it.
keys Enter
wait_for "Chronology, newest first"
tmux -L "$SOCK" send-keys -t b n
wait_b " Add a note"
tmux -L "$SOCK" send-keys -t b Tab
tmux -L "$SOCK" send-keys -t b -l "Rang back from desk B"
tmux -L "$SOCK" send-keys -t b C-o
wait_b "Note added."
sel_b_person=$b_selected
keys q
wait_for "Referral queue: north"
# Open B's person on A: move A's selection to that row, counted from
# where the rows are on A's screen.
cur=$(selected_row)
row=$(screen | grep -nF -- "$sel_b_person" | head -n 1 | cut -d: -f1)
[ -n "$row" ] || fail "desk A does not show $sel_b_person"
while [ "${row:-$cur}" -gt "$cur" ]; do
	keys j
	cur=$((cur + 1))
done
while [ "${row:-$cur}" -lt "$cur" ]; do
	keys k
	cur=$((cur - 1))
done
expect_selected "$row" "$sel_b_person"
keys Enter
wait_for "Rang back from desk B" 2
keys q
wait_for "Referral queue: north"
tmux -L "$SOCK" kill-session -t b

# --- resize in a form and in search keeps the typing ---------------------
keys t
wait_for " Triage"
keys Tab Tab
keys -l "Half-typed reason"
wait_for "Half-typed reason_"
resize a 100 30
resize a 60 20
wait_for "Terminal too small"
resize a 80 24
wait_for "Half-typed reason_"
keys C-c
wait_for "Discard"
keys y
wait_for "Referral queue: north"
keys /
wait_for "Find: _"
keys -l "wis"
wait_for "Find: wis_"
resize a 90 28
resize a 80 24
wait_for "Find: wis_"
keys Escape
wait_for "Referral queue: north"

# --- Ctrl-L repaints everything -----------------------------------------
# A full repaint clears the terminal and writes every line again: the
# bytes through the pane say so (a clear, and over a thousand bytes); the
# pane then shows every part of the screen.
: >"$T/raw"
tmux -L "$SOCK" pipe-pane -t a -o "cat >>$T/raw"
keys C-l
# Until the repaint has come through (a loaded machine is slow).
i=0
while [ $i -lt 50 ] && [ "$(wc -c <"$T/raw")" -lt 1000 ]; do
	sleep 0.1
	i=$((i + 1))
done
tmux -L "$SOCK" pipe-pane -t a
painted=$(wc -c <"$T/raw")
[ "$painted" -ge 1000 ] || fail "Ctrl-L wrote only $painted bytes: not a full repaint"
grep -q "$(printf '\033')\[2J" "$T/raw" || fail "Ctrl-L did not clear the terminal before repainting"
for part in "Referral queue: north" "Received" "duty.north, north-duty"; do
	wait_for "$part"
done

# --- Ctrl-Z: no job control, no stop ------------------------------------
# The pane's desk runs under a shell without job control, so nobody could
# continue it (an "ssh host caredesk" login is the same): Ctrl-Z must
# leave it running and answering, never frozen.
pid=$(desk_pid)
line=$(selected_row)
keys C-z
sleep 0.5
[ "$(ps -o stat= -p "$pid" | cut -c1)" = T ] &&
	{ fail "Ctrl-Z stopped a desk that nothing could continue"; kill -CONT "$pid"; }
keys k
wait_selected $((line - 1))
keys j
wait_selected "$line"

# --- Ctrl-Z under a job-control shell: stop, terminal restored, fg ------
# As a duty worker's login shell runs it: Ctrl-Z gives the shell back with
# the terminal off the alternate screen; fg brings the desk back redrawn.
tmux -L "$SOCK" new-session -d -s j -x 80 -y 24 \
	"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 CAREDESK_NOW=$CAREDESK_NOW \
	CAREDESK_DATADIR=$CAREDESK_DATADIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME PS1='shell> ' sh -i"
screen_j() {
	tmux -L "$SOCK" capture-pane -p -t j
}
wait_j() {
	i=0
	while ! screen_j | grep -qF -- "$1" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	screen_j | grep -qF -- "$1" || { fail "the job-control pane never showed '$1'"; screen_j | sed 's/^/    | /'; }
}
wait_j "shell>"
tmux -L "$SOCK" send-keys -t j -l "$CAREDESK_BIN --replica $REPLICA --as duty.north"
tmux -L "$SOCK" send-keys -t j Enter
wait_j "Referral queue: north"
jsh=$(tmux -L "$SOCK" display-message -p -t j '#{pane_pid}')
jpid=$(pgrep -P "$jsh" caredesk | head -n 1)
[ "$(tmux -L "$SOCK" display-message -p -t j '#{alternate_on}')" = 1 ] ||
	fail "the desk is not on the alternate screen"
tmux -L "$SOCK" send-keys -t j C-z
i=0
while [ "$(ps -o stat= -p "$jpid" | cut -c1)" != T ] && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(ps -o stat= -p "$jpid" | cut -c1)" = T ] || fail "Ctrl-Z did not stop the desk under a job-control shell"
[ "$(tmux -L "$SOCK" display-message -p -t j '#{alternate_on}')" = 0 ] ||
	fail "suspended, the desk left the terminal on its alternate screen"
tmux -L "$SOCK" send-keys -t j -l "fg"
tmux -L "$SOCK" send-keys -t j Enter
wait_j "Referral queue: north"
[ "$(tmux -L "$SOCK" display-message -p -t j '#{alternate_on}')" = 1 ] ||
	fail "resumed, the desk is not back on its screen"
# Still answering keys.
tmux -L "$SOCK" send-keys -t j q
i=0
while kill -0 "$jpid" 2>/dev/null && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$jpid" 2>/dev/null && fail "resumed, the desk did not answer q"

# --- Esc x is Alt-x; Esc alone goes back --------------------------------
keys Enter
wait_for "Chronology, newest first"
# Esc and j in one write: Alt-j, which nothing is bound to; no way back.
# Then ? as a marker: the help that opens names the screen it was opened
# on, the case view, not the queue Esc alone would have gone back to.
keys Escape j
keys '?'
wait_for " Help: "
screen | grep -qF "Help: Case" || fail "Esc j (Alt-j) went back like Esc alone: $(screen | head -n 1)"
keys q
wait_for "Chronology, newest first"
keys Escape
wait_for "Referral queue: north"

# ESCDELAY from the environment: Esc, a pause longer than the default
# delay but shorter than the one set, then a key is still Alt-key.  No
# clock in the test: the pause is measured by a second desk with the
# default delay (on its own copy of the replica, so that nothing it writes
# wakes the first): once desk A has read the Esc (the bytes it has read
# grow), Esc is sent to desk C, and when C has gone back, at least C's
# default delay has passed since A read its Esc.  Then j, then ? as the
# marker: A's help must name the case view.
cp "$REPLICA" "$T/control.db"
# alt_after_default_delay WHAT: the sequence above on desk A (in a case view).
alt_after_default_delay() {
	tmux -L "$SOCK" new-session -d -s c -x 80 -y 24 \
		"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 CAREDESK_NOW=$CAREDESK_NOW \
		CAREDESK_DATADIR=$CAREDESK_DATADIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME \
		$CAREDESK_BIN --replica $T/control.db --as duty.north; sleep 30"
	_i=0
	until tmux -L "$SOCK" capture-pane -p -t c | grep -qF "Referral queue: north" || [ $_i -ge 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	tmux -L "$SOCK" send-keys -t c '?'
	until tmux -L "$SOCK" capture-pane -p -t c | grep -qF "Help: Referral queue" || [ $_i -ge 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	read0=$(desk_read_bytes)
	keys Escape
	wait_desk_read "$read0"
	tmux -L "$SOCK" send-keys -t c Escape
	until tmux -L "$SOCK" capture-pane -p -t c | grep -qF "Referral queue: north" || [ $_i -ge 150 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	tmux -L "$SOCK" capture-pane -p -t c | grep -qF "Referral queue: north" ||
		fail "the control desk never went back on Esc"
	keys j '?'
	wait_for " Help: "
	screen | grep -qF "Help: Case" ||
		fail "with $1, Esc and j further apart than the default delay were not Alt-j: $(screen | head -n 1)"
	tmux -L "$SOCK" kill-session -t c
}
DESK_ENV=ESCDELAY=30000 desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
keys Enter
wait_for "Chronology, newest first"
alt_after_default_delay "ESCDELAY=30000"
# The escdelay setting, when ESCDELAY is not set (2000 ms, its maximum).
printf 'escdelay = 2000;\n' >"$T/esc.conf"
desk_start xterm-256color C.UTF-8 --config "$T/esc.conf"
wait_for "Referral queue: north"
keys Enter
wait_for "Chronology, newest first"
alt_after_default_delay "escdelay = 2000"
# Default 100 ms: Esc alone goes back once the delay has passed (nothing
# follows it), and the j that follows then moves the queue's selection.
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
keys Enter
wait_for "Chronology, newest first"
keys Escape
wait_for "Referral queue: north"
keys j
wait_selected 4
# Esc and a key that cannot make an Alt key (an arrow, a resize) in one
# write: Esc goes back and the key that followed still counts (it was
# dropped, and a resize lost that way left the desk drawing for the old
# size, its status line off the screen).
keys Enter
wait_for "Chronology, newest first"
keys Escape Down
wait_for "Referral queue: north"
wait_selected 5

# --- the status line shows the sync agent's state; S asks it to run -----
# The demo replica synced at 09:30 (CAREDESK_NOW).
desk_start xterm-256color C.UTF-8
wait_for "sync: 09:30"
keys q
# Central gone: the agent fails, the desk says since when, and counts
# what waits.
"$CAREDESK_BIN" --replica "$REPLICA" sync central "file:$T/nowhere/central.db" >/dev/null 2>&1 ||
	fail "could not point the replica at another central"
"$CAREDESK_SYNC_BIN" --once --replica "$REPLICA" >/dev/null 2>&1 &&
	fail "caredesk-sync --once succeeded without a central"
desk_start xterm-256color C.UTF-8
wait_for "sync: offline since 09:30"
keys n
wait_for " Add a note"
keys Tab
keys -l "Written while offline"
keys C-o
wait_for "Note added."
waiting=$(sqlite3 "$REPLICA" "SELECT count(*) FROM outbox")
wait_for "sync: offline since 09:30, $waiting waiting"
keys S
wait_for "Asked the sync agent to run now."
[ "$(sqlite3 "$REPLICA" "SELECT value FROM sync_state WHERE key = 'requested'")" = "$CAREDESK_NOW" ] ||
	fail "S did not leave a request for the agent"
keys q
desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"

# --- SIGINT from outside restores the terminal --------------------------
[ "$(tmux -L "$SOCK" display-message -p -t a '#{alternate_on}')" = 1 ] ||
	fail "the desk is not on the alternate screen"
kill -INT "$(desk_pid)"
[ "$(exit_status)" != running ] || fail "SIGINT did not end the desk"
[ "$(tmux -L "$SOCK" display-message -p -t a '#{alternate_on}')" = 0 ] ||
	fail "after SIGINT the terminal is still on the desk's alternate screen"
finish
