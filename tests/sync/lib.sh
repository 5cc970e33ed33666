# shellcheck shell=sh
# Helpers for the sync tests: a central store, replicas that sync with it,
# and the oracle every test ends with.
#
# The oracle (issue 4): each replica equals central's scope row by row
# (every synced column but the bookkeeping updated_at), nothing is waiting
# in an outbox, and every change id a replica had waiting exists exactly
# once centrally.  The harness sets CAREDESK_BIN, CAREDESK_SYNC_BIN,
# CAREDESK_SYNCD, CAREDESK_DATADIR and TESTS_SRCDIR.

: "${CAREDESK_BIN:?CAREDESK_BIN must name the caredesk binary}"
: "${CAREDESK_SYNC_BIN:?CAREDESK_SYNC_BIN must name the caredesk-sync binary}"
: "${CAREDESK_SYNCD:?CAREDESK_SYNCD must name the caredesk-syncd binary}"
export CAREDESK_SYNCD

T=
FAILURES=0
CENTRAL=

fail() {
	FAILURES=$((FAILURES + 1))
	echo "FAIL: $*"
}

die() {
	echo "ERROR: $*"
	exit 99
}

finish() {
	if [ "$FAILURES" -gt 0 ]; then
		echo "$FAILURES failure(s)"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

sync_setup() {
	command -v sqlite3 >/dev/null 2>&1 || {
		echo "SKIP: no sqlite3 shell"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	}
	T=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-sync.XXXXXX") || exit 99
	trap '[ -n "${KEEP_TEST_DIR:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
	trap 'exit 1' HUP INT TERM
	CAREDESK_NOW=2026-11-23T09:30:00Z
	XDG_CONFIG_HOME=$T/xdg
	mkdir "$XDG_CONFIG_HOME"
	export CAREDESK_NOW XDG_CONFIG_HOME CAREDESK_DATADIR
	CENTRAL=$T/central.db
	"$CAREDESK_SYNCD" --create "$CENTRAL" </dev/null || die "cannot make the central store"
}

# cd REPLICA ARGS...: caredesk on a replica; output in $T/out, $T/err.
cd_on() {
	_r=$1
	shift
	"$CAREDESK_BIN" --replica "$_r" "$@" >"$T/out" 2>"$T/err" </dev/null
}

# new_replica NAME LOCALITY: $T/NAME.db, syncing with the central.
new_replica() {
	cd_on "$T/$1.db" init --locality "$2" --central "file:$CENTRAL" ||
		die "cannot make replica $1: $(cat "$T/err")"
}

# sync NAME: one round of the agent; its exit status.
sync() {
	"$CAREDESK_SYNC_BIN" --once --replica "$T/$1.db" >"$T/sync.out" 2>"$T/sync.err" </dev/null
}

sync_ok() {
	sync "$1" || fail "caredesk-sync --once on $1 failed: $(cat "$T/sync.err")"
}

# q DB SQL: the sqlite3 shell, waiting for a writer instead of failing.
q() {
	sqlite3 -cmd ".timeout 5000" "$1" "$2"
}

# remember_waiting NAME: add the change ids waiting on NAME to the list
# every one of which must reach central exactly once.
remember_waiting() {
	q "$T/$1.db" "SELECT change_id FROM outbox" >>"$T/waiting-ids"
}

# converged NAME SCOPE: the replica equals central's scope, nothing waits.
converged() {
	_db=$T/$1.db
	for _t in $(q "$_db" "SELECT name FROM sync_table ORDER BY name"); do
		_cols=$(q "$_db" "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info('$_t') WHERE name <> 'updated_at'")
		if [ "$2" = borough ] || [ "$_t" = worker ]; then
			_in=1
		else
			_in="locality = '$2' OR locality = 'borough'"
		fi
		_missing=$(q "$_db" "ATTACH '$CENTRAL' AS c; SELECT count(*) FROM (SELECT $_cols FROM c.\"$_t\" WHERE $_in EXCEPT SELECT $_cols FROM main.\"$_t\")")
		_extra=$(q "$_db" "ATTACH '$CENTRAL' AS c; SELECT count(*) FROM (SELECT $_cols FROM main.\"$_t\" EXCEPT SELECT $_cols FROM c.\"$_t\" WHERE $_in)")
		[ "$_missing" = 0 ] || fail "$1: $_missing row(s) of $_t at central are missing or different here"
		[ "$_extra" = 0 ] || fail "$1: $_extra row(s) of $_t here are not at central as they are here"
	done
	_waiting=$(q "$_db" "SELECT count(*) FROM outbox")
	[ "$_waiting" = 0 ] || fail "$1: $_waiting change(s) still waiting in the outbox"
}

# every_change_once: each remembered change id is at central exactly once.
every_change_once() {
	[ -s "$T/waiting-ids" ] || { fail "no change ids were remembered"; return; }
	# A change still waiting when remembered again is one change.
	_n=$(sort -u "$T/waiting-ids" | wc -l)
	sort -u "$T/waiting-ids" | sed "s/.*/('&')/" | paste -sd, >"$T/ids.sql"
	_found=$(q "$CENTRAL" "WITH w(id) AS (VALUES $(cat "$T/ids.sql")) SELECT count(*) FROM w JOIN central_change c ON c.change_id = w.id")
	[ "$_found" = "$_n" ] || fail "central holds $_found of the $_n change ids pushed"
	_twice=$(q "$CENTRAL" "SELECT count(*) FROM (SELECT change_id FROM central_change GROUP BY change_id HAVING count(*) > 1)")
	[ "$_twice" = 0 ] || fail "central holds $_twice change id(s) more than once"
}
