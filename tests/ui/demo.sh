#!/bin/sh
# caredesk demo on a terminal (the contract of DESIGN 5): central-store.db
# and the five replicas in its directory, the north desk open as the
# invoking user, and a sync agent running while it is open, so a note
# written on the desk reaches central and the status line says so; the
# agent stops with the desk.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

# This test makes its demo itself, as a user's first run does.
CAREDESK_DEMO_CACHE=
ui_setup
for f in central-store.db replica-north.db replica-south.db replica-central.db \
	replica-west.db replica-borough.db; do
	[ -f "$T/demo/$f" ] || fail "the demo made no $f"
done
ls "$T/demo" | grep -q '\.new' && fail "the demo left a half-made file: $(ls "$T/demo")"
[ "$(sqlite3 "$T/demo/central-store.db" "SELECT value FROM replica_meta WHERE key = 'role'")" = central ] ||
	fail "central-store.db is not a central store"

# The demo itself, as a user runs it (the desk_start pane, with demo).
STARTS=$((STARTS + 1))
SOCK=caredesk-test-$$-$STARTS
tmux -L "$SOCK" -f /dev/null new-session -d -s a -x 80 -y 24 \
	"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 CAREDESK_NOW=$CAREDESK_NOW \
	CAREDESK_DATADIR=$CAREDESK_DATADIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME \
	CAREDESK_SYNC_BIN=$CAREDESK_SYNC_BIN CAREDESK_SYNCD=$CAREDESK_SYNCD \
	$CAREDESK_BIN demo --dir $T/demo; echo \$? >$T/exit; sleep 30"
# Making the borough takes seconds, many more under the sanitizers.
wait_for "Referral queue: north" 120
wait_for "sync: 09:30" 30
desk=$(desk_pid)
agent=$(pgrep -P "$desk" caredesk-sync | head -n 1)
[ -n "$agent" ] || fail "no sync agent runs beside the demo desk"

notes=$(sqlite3 "$T/demo/central-store.db" "SELECT count(*) FROM note")
keys n
wait_for " Add a note"
keys Tab
keys -l "Pushed by the demo's agent"
keys C-o
wait_for "Note added."
i=0
while [ "$(sqlite3 "$T/demo/central-store.db" "SELECT count(*) FROM note")" = "$notes" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(sqlite3 "$T/demo/central-store.db" "SELECT count(*) FROM note WHERE body = 'Pushed by the demo''s agent'")" = 1 ] ||
	fail "the note did not reach central within 30 s"
# The agent's push shows on the status line: nothing waiting.
wait_gone "waiting"
screen | grep -q "sync: 09:30  " || fail "the status line does not show the sync: $(screen | tail -n 1)"

keys q
[ "$(exit_status 15)" = 0 ] || fail "the demo desk did not quit with 0"
i=0
while [ -n "$agent" ] && kill -0 "$agent" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -n "$agent" ] && kill -0 "$agent" 2>/dev/null && fail "the sync agent outlived the desk"
finish
