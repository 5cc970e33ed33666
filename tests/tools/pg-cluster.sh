# shellcheck shell=sh
# A throwaway PostgreSQL cluster for the tests, sourced by them:
#   pg_cluster_start DIR   initdb in DIR/data, unix socket in DIR/sock only,
#                          trust auth (the directory is private), fsync off;
#                          exports PGHOST, PGPORT, PGUSER, PGDATABASE and
#                          sets PG_URI to a fresh database's URI.
#   pg_cluster_stop        stop it (immediately: nothing in it is kept).
#   pg_cluster_destroy     stop it and remove what it made.
#   pg_cluster_kill        kill -9 the postmaster, as a crash would.
#   pg_cluster_restart     start it again after a kill or a stop.
#   pg_as_superuser SQL    psql as the cluster's superuser, quietly.
# initdb refuses to run as root, so as root the cluster runs as nobody.
# Without PostgreSQL a test skips (77), except in CI, where it fails.

PG_DIR=
PG_OWN_DIR=
PG_BIN=

pg_find_bin() {
	for _d in ${PG_BINDIR:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		[ -x "$_d/initdb" ] && { PG_BIN=$_d; return 0; }
	done
	_i=$(command -v initdb 2>/dev/null) && { PG_BIN=$(dirname "$_i"); return 0; }
	return 1
}

pg_run_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

pg_cluster_start() {
	if ! pg_find_bin || ! command -v psql >/dev/null 2>&1; then
		echo "SKIP: no PostgreSQL server (initdb) or psql here"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	fi
	PG_DIR=$1
	if [ "$(id -u)" = 0 ]; then
		# nobody must reach the directory: a private one of its own under
		# /tmp, whatever TMPDIR's parents allow.
		PG_DIR=$(mktemp -d /tmp/caredesk-pg.XXXXXX) || exit 99
		PG_OWN_DIR=$PG_DIR
		chmod 755 "$PG_DIR"
		mkdir "$PG_DIR/sock"
		chown nobody "$PG_DIR" "$PG_DIR/sock"
		chmod 700 "$PG_DIR/sock"
	else
		mkdir -p "$PG_DIR/sock"
	fi
	pg_run_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U caredesk_admin --auth=trust \
		--no-sync -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log"; echo "ERROR: initdb failed"; exit 99; }
	PGHOST=$PG_DIR/sock
	PGPORT=5432
	PGUSER=caredesk_admin
	PGDATABASE=postgres
	export PGHOST PGPORT PGUSER PGDATABASE
	pg_cluster_restart
	psql -q -X -v ON_ERROR_STOP=1 -c "CREATE DATABASE caredesk" >/dev/null ||
		{ echo "ERROR: cannot make the test database"; exit 99; }
	PG_URI="postgresql:///caredesk?host=$PGHOST&port=$PGPORT&user=$PGUSER"
	PGDATABASE=caredesk
}

# The server runs as this shell's child (not daemonised by pg_ctl), so a
# killed postmaster is reaped here: in a container whose init does not
# reap, a daemon's zombie would hold its pid and block the restart.
PG_PID=

pg_cluster_restart() {
	_try=0
	while :; do
		pg_run_as_owner "$PG_BIN/postgres" -D "$PG_DIR/data" -k "$PG_DIR/sock" \
			-c listen_addresses= -F -c max_connections=40 >>"$PG_DIR/server.log" 2>&1 &
		PG_PID=$!
		_i=0
		while kill -0 "$PG_PID" 2>/dev/null && [ $_i -lt 300 ]; do
			"$PG_BIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT" && return 0
			sleep 0.1
			_i=$((_i + 1))
		done
		# The old server's last processes may still hold its shared
		# memory for a moment after a kill: try again.
		wait "$PG_PID" 2>/dev/null
		_try=$((_try + 1))
		[ $_try -lt 20 ] || { tail -n 20 "$PG_DIR/server.log"; echo "ERROR: PostgreSQL did not start"; exit 99; }
		sleep 0.25
	done
}

pg_cluster_stop() {
	if [ -n "$PG_PID" ]; then
		pg_run_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
		wait "$PG_PID" 2>/dev/null
		PG_PID=
	fi
	return 0
}

# pg_cluster_destroy: stop it for good, and remove the directory it made.
pg_cluster_destroy() {
	pg_cluster_stop
	[ -n "$PG_OWN_DIR" ] && [ -z "${KEEP_TEST_DIR:-}" ] && rm -rf "$PG_OWN_DIR"
	return 0
}

pg_cluster_kill() {
	kill -9 "$(head -n 1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null
	wait "$PG_PID" 2>/dev/null
	PG_PID=
	return 0
}

pg_as_superuser() {
	psql -q -X -At -v ON_ERROR_STOP=1 -c "$1"
}
