#!/bin/sh
# Benchmark: sync throughput through each central store, embedded and
# PostgreSQL (a throwaway cluster, as in make check).
#
#   bench/sync.sh [REFERRALS]     (default 5000)
#
# For each central: a north desk imports REFERRALS referrals (a person, a
# referral and an audit event each, in one desk action per import batch)
# and its agent pushes them: changes pushed a second.  A second north desk,
# synced before the import, catches up: its time.  A new borough desk is
# made by a first sync of everything: records pulled a second.  Run from a
# built tree (build/, or the CAREDESK_* variables); the machine should be
# otherwise idle.
set -eu
n=${1:-5000}
here=$(cd "$(dirname "$0")/.." && pwd)
CAREDESK_BIN=${CAREDESK_BIN:-$here/build/caredesk}
CAREDESK_SYNC_BIN=${CAREDESK_SYNC_BIN:-$here/build/caredesk-sync}
CAREDESK_SYNCD=${CAREDESK_SYNCD:-$here/build/caredesk-syncd}
CAREDESK_DATADIR=${CAREDESK_DATADIR:-$here/data}
TESTS_SRCDIR=$here/tests
XDG_CONFIG_HOME=/nonexistent
export CAREDESK_BIN CAREDESK_SYNC_BIN CAREDESK_SYNCD CAREDESK_DATADIR TESTS_SRCDIR XDG_CONFIG_HOME
[ -x "$CAREDESK_BIN" ] || { echo "bench: no $CAREDESK_BIN; build first" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-bench-sync.XXXXXX")
. "$here/tests/tools/pg-cluster.sh"
trap 'pg_cluster_destroy; rm -rf "$T"' EXIT

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

awk -v n="$n" 'BEGIN {
	print "received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason"
	for (i = 0; i < n; i++)
		printf "2026-11-%02dT%02d:%02d:00Z,Bench%06d,Pat,19%02d-0%d-1%d,CD1 %dAA,gp,social-care,no,Benchmark referral %d\n",
			1 + i % 20, 8 + i % 9, i % 60, i, 30 + i % 60, 1 + i % 9, i % 9, 1 + i % 9, i
}' >"$T/referrals.csv"

run() {
	kind=$1 uri=$2 dir=$T/$1
	mkdir -p "$dir"
	for r in north north2; do
		"$CAREDESK_BIN" --replica "$dir/$r.db" init --locality north --central "$uri" >/dev/null
	done
	"$CAREDESK_BIN" --replica "$dir/north.db" import referrals "$T/referrals.csv" >/dev/null
	changes=$(sqlite3 "$dir/north.db" "SELECT count(*) FROM outbox")
	a=$(now)
	"$CAREDESK_SYNC_BIN" --once --replica "$dir/north.db" 2>/dev/null
	b=$(now)
	"$CAREDESK_SYNC_BIN" --once --replica "$dir/north2.db" 2>/dev/null
	c=$(now)
	"$CAREDESK_BIN" --replica "$dir/borough.db" init --locality borough --central "$uri" >/dev/null
	d=$(now)
	records=$(sqlite3 "$dir/borough.db" "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM referral) + (SELECT count(*) FROM audit_event) + (SELECT count(*) FROM worker)")
	printf 'bench: %-10s push %6d changes in %6ss: %6s changes/s | catch-up of a north desk %6ss | first sync %6d records in %6ss: %6s records/s\n' \
		"$kind" "$changes" "$(secs "$a" "$b")" "$(rate "$changes" "$a" "$b")" "$(secs "$b" "$c")" \
		"$records" "$(secs "$c" "$d")" "$(rate "$records" "$c" "$d")"
}

"$CAREDESK_SYNCD" --create "$T/central.db" </dev/null
run embedded "file:$T/central.db"
pg_cluster_start "$T/pg"
"$CAREDESK_SYNCD" --init "$PG_URI"
run postgresql "$PG_URI"
