# shellcheck shell=sh
# Helpers for the sync tests: a central store, replicas that sync with it,
# and the oracle every test ends with.
#
# The oracle (issue 4): each replica equals central's scope row by row
# (every synced column but the bookkeeping updated_at), nothing is waiting
# in an outbox, and every change id a replica had waiting exists exactly
# once centrally.  The harness sets CAREDESK_BIN, CAREDESK_SYNC_BIN,
# CAREDESK_SYNCD, CAREDESK_DATADIR and TESTS_SRCDIR.
#
# CENTRAL_KIND=postgresql runs the same test against a PostgreSQL central
# in a throwaway cluster (tests/tools/pg-cluster.sh); the default is the
# embedded central.  Tests read central through cq, never directly.

: "${CAREDESK_BIN:?CAREDESK_BIN must name the caredesk binary}"
: "${CAREDESK_SYNC_BIN:?CAREDESK_SYNC_BIN must name the caredesk-sync binary}"
: "${CAREDESK_SYNCD:?CAREDESK_SYNCD must name the caredesk-syncd binary}"
export CAREDESK_SYNCD

T=
FAILURES=0
CENTRAL=
CENTRAL_URI=
CENTRAL_KIND=${CENTRAL_KIND:-embedded}

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
	trap 'central_cleanup; [ -n "${KEEP_TEST_DIR:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
	trap 'exit 1' HUP INT TERM
	CAREDESK_NOW=2026-11-23T09:30:00Z
	XDG_CONFIG_HOME=$T/xdg
	mkdir "$XDG_CONFIG_HOME"
	export CAREDESK_NOW XDG_CONFIG_HOME CAREDESK_DATADIR
	if [ "$CENTRAL_KIND" = postgresql ]; then
		. "${TESTS_SRCDIR:?}/tools/pg-cluster.sh"
		pg_cluster_start "$T/pg"
		CENTRAL_URI=$PG_URI
		"$CAREDESK_SYNCD" --init "$CENTRAL_URI" || die "cannot make the PostgreSQL central"
	else
		CENTRAL=$T/central.db
		CENTRAL_URI=file:$CENTRAL
		"$CAREDESK_SYNCD" --create "$CENTRAL" </dev/null || die "cannot make the central store"
	fi
	# Central takes changes only from its own workers (issue 15): the
	# test user is made one where the central is, in a borough-wide team,
	# so one Unix user may act on every locality's replica.
	central_test_user "$CENTRAL_URI"
	echo "central: $CENTRAL_KIND"
}

# central_test_user URI: the test user, a worker at that central.
central_test_user() {
	"$CAREDESK_BIN" central worker add "$(id -un)" --locality borough \
		--role duty,mash,manager,admin --central "$1" >"$T/out" 2>"$T/err" </dev/null ||
		die "cannot add the test user at central $1: $(cat "$T/err")"
}

central_cleanup() {
	[ "$CENTRAL_KIND" = postgresql ] && pg_cluster_destroy
	return 0
}

# cq SQL: a query on central as its owner (every locality), booleans as
# 1 and 0, columns split by |, as the sqlite3 shell gives them.
cq() {
	if [ "$CENTRAL_KIND" = postgresql ]; then
		PGOPTIONS="-c search_path=caredesk" psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" |
			sed 's/^t$/1/; s/^f$/0/'
	else
		q "$CENTRAL" "$1"
	fi
}

# central_down / central_up: central unreachable for a while (a network
# cut), then back.
central_down() {
	if [ "$CENTRAL_KIND" = postgresql ]; then
		pg_cluster_stop
	else
		mv "$CENTRAL" "$T/central.away"
	fi
}

central_up() {
	if [ "$CENTRAL_KIND" = postgresql ]; then
		pg_cluster_restart
	else
		mv "$T/central.away" "$CENTRAL"
	fi
}

# central_schema_min N: the oldest replica schema central accepts (as a
# newer caredesk's central init would raise it).  An embedded central's
# replica_meta takes a write only in a transaction with its context.
central_schema_min() {
	if [ "$CENTRAL_KIND" = postgresql ]; then
		cq "UPDATE central_meta SET value = '$1' WHERE key = 'schema_min'"
	else
		q "$CENTRAL" "BEGIN; $(meta_context test.schema-min)
INSERT OR REPLACE INTO replica_meta (key, value) VALUES ('schema_min', '$1');
DELETE FROM txn_context; COMMIT;" || fail "cannot set central's schema_min to $1"
	fi
}

# meta_context ACTION: the txn_context row a caredesk transaction begins
# with, which replica_meta's guard asks for (SQL, for inside a BEGIN).
meta_context() {
	echo "INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at)
	VALUES (1, lower(hex(randomblob(16))), 'test', '$1', (SELECT user_version FROM pragma_user_version), '2026-11-23T09:40:00Z');"
}

# central_crash_at NAME N FATE: one agent round on NAME, one desk action a
# push, whose central crashes after committing its Nth push and before
# answering it (CAREDESK_CENTRAL_DIE_AT; see central.c).  caredesk-syncd
# SIGKILLs itself there.  On PostgreSQL the agent stops itself there; the
# server is killed -9 and restarted, and then the agent is killed (FATE 2:
# the answer is lost) or continued (FATE 1: it takes in the answer and its
# next request meets the dead connection).  Either way the round must end
# as the crash says: 69 (central unavailable), or 137 when killed.
# CRASH_ANSWERED says whether the agent took in the Nth answer.
CRASH_ANSWERED=no
central_crash_at() {
	CRASH_ANSWERED=no
	_want=69
	CAREDESK_SYNC_BATCH=1 CAREDESK_CENTRAL_DIE_AT=$2 \
		"$CAREDESK_SYNC_BIN" --once --replica "$T/$1.db" >"$T/sync.out" 2>"$T/sync.err" </dev/null &
	_agent=$!
	if [ "$CENTRAL_KIND" = postgresql ]; then
		if wait_stopped "$_agent"; then
			pg_cluster_kill
			pg_cluster_restart
			if [ "$3" = 1 ]; then
				CRASH_ANSWERED=yes
				kill -CONT "$_agent"
			else
				_want=137
				kill -9 "$_agent"
			fi
		else
			kill -9 "$_agent" 2>/dev/null
			fail "central never reached commit $2: $(cat "$T/sync.err")"
		fi
	fi
	wait "$_agent" 2>/dev/null
	_status=$?
	[ "$_status" = "$_want" ] ||
		fail "with central crashed after commit $2 the agent ended $_status, not $_want: $(cat "$T/sync.err")"
}

# wait_stopped PID: wait (at most 60 s) until the process is stopped by a
# signal; false if it ended first or never stopped.  The state is read
# with the shell's own read, not a new process per poll.
wait_stopped() {
	_i=0
	while [ $_i -lt 6000 ]; do
		_state=
		{ read -r _stat <"/proc/$1/stat"; } 2>/dev/null && _state=${_stat##*) } &&
			_state=${_state%% *}
		case $_state in
		T | t) return 0 ;;
		'' | Z | X) return 1 ;;
		esac
		sleep 0.01
		_i=$((_i + 1))
	done
	return 1
}

# cd REPLICA ARGS...: caredesk on a replica; output in $T/out, $T/err.
cd_on() {
	_r=$1
	shift
	"$CAREDESK_BIN" --replica "$_r" "$@" >"$T/out" 2>"$T/err" </dev/null
}

# practice_roles NAME: the invoking user also holds practice roles, MASH
# among them so that one Unix user may triage and write notes on every
# locality's replica, as these tests do.  With a central they are central's
# (sync_setup); a standalone replica's init registers its maker as an
# admin only, so the roles are given there and pushed when it joins.
practice_roles() {
	cd_on "$T/$1.db" worker list --format csv || die "worker list on $1: $(cat "$T/err")"
	if ! grep -q "^[^,]*,$(id -un),.*duty,mash,manager,admin" "$T/out"; then
		cd_on "$T/$1.db" worker set "$(id -un)" --role duty,mash,manager,admin ||
			die "cannot give the test user practice roles on $1: $(cat "$T/err")"
	fi
}

# new_replica NAME LOCALITY: $T/NAME.db, syncing with the central; the
# test user's roles are given and synced before anything else waits.
new_replica() {
	cd_on "$T/$1.db" init --locality "$2" --central "$CENTRAL_URI" ||
		die "cannot make replica $1: $(cat "$T/err")"
	practice_roles "$1"
	sync "$1" || die "cannot sync the test user's roles from $1: $(cat "$T/sync.err")"
}

# unsynced_replica NAME LOCALITY: $T/NAME.db made standalone, then
# pointed at the central: it catches up by ordinary pulls, not a first
# sync (as an existing replica joining a central does).
unsynced_replica() {
	cd_on "$T/$1.db" init --locality "$2" || die "cannot make replica $1: $(cat "$T/err")"
	practice_roles "$1"
	cd_on "$T/$1.db" sync central "$CENTRAL_URI" || die "cannot point $1 at central: $(cat "$T/err")"
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

# in_scope SCOPE TABLE: the SQL condition for a row central sends SCOPE.
in_scope() {
	if [ "$1" = borough ] || [ "$2" = worker ]; then
		echo "true"
	else
		echo "(locality = '$1' OR locality = 'borough')"
	fi
}

# differences DB TABLE SCOPE: "MISSING EXTRA", the rows of TABLE at central
# (in SCOPE) not in the replica DB as they are, and the other way round.
# A record central rejected stays on its replica, shown with the reason
# (sync_reject), and one that moved to another locality stays archived
# (sync_archived): accounted for, so not extras.
# PostgreSQL's rows are compared as JSON with the replica's, loaded into a
# temporary table.
differences() {
	_in=$(in_scope "$3" "$2")
	_kept="id NOT IN (SELECT row_id FROM main.sync_reject) AND id NOT IN (SELECT row_id FROM main.sync_archived)"
	if [ "$CENTRAL_KIND" = postgresql ]; then
		_obj=$(q "$1" "SELECT 'json_object(' || group_concat('''' || name || ''', \"' || name || '\"', ', ') || ')' FROM pragma_table_info('$2') WHERE name <> 'updated_at'")
		q "$1" "SELECT $_obj FROM \"$2\"" >"$T/rows.json"
		q "$1" "SELECT $_obj FROM \"$2\" WHERE $_kept" >"$T/kept.json"
		psql -X -q -At -v ON_ERROR_STOP=1 <<SQL | tr '\n' ' '
CREATE TEMP TABLE r (row jsonb);
CREATE TEMP TABLE rk (row jsonb);
\\copy r FROM '$T/rows.json' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')
\\copy rk FROM '$T/kept.json' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')
CREATE TEMP VIEW c AS SELECT to_jsonb(t) - 'updated_at' AS row FROM caredesk."$2" t WHERE $_in;
SELECT count(*) FROM (SELECT row FROM c EXCEPT SELECT row FROM r) x;
SELECT count(*) FROM (SELECT row FROM rk EXCEPT SELECT row FROM c) y;
SQL
	else
		_cols=$(q "$1" "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info('$2') WHERE name <> 'updated_at'")
		q "$1" "ATTACH '$CENTRAL' AS c; SELECT (SELECT count(*) FROM (SELECT $_cols FROM c.\"$2\" WHERE $_in EXCEPT SELECT $_cols FROM main.\"$2\")) || ' ' || (SELECT count(*) FROM (SELECT $_cols FROM main.\"$2\" WHERE $_kept EXCEPT SELECT $_cols FROM c.\"$2\" WHERE $_in))"
	fi
}

# converged NAME SCOPE: the replica equals central's scope, nothing waits.
converged() {
	_db=$T/$1.db
	for _t in $(q "$_db" "SELECT name FROM sync_table ORDER BY name"); do
		_diff=$(differences "$_db" "$_t" "$2")
		_missing=${_diff%% *}
		_extra=$(echo "$_diff" | awk '{ print $2 }')
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
	_found=$(cq "WITH w(id) AS (VALUES $(cat "$T/ids.sql")) SELECT count(*) FROM w JOIN central_change c ON c.change_id = w.id")
	[ "$_found" = "$_n" ] || fail "central holds $_found of the $_n change ids pushed"
	_twice=$(cq "SELECT count(*) FROM (SELECT change_id FROM central_change GROUP BY change_id HAVING count(*) > 1) x")
	[ "$_twice" = 0 ] || fail "central holds $_twice change id(s) more than once"
}
