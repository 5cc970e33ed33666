#!/bin/sh
# Recovery of a replica with no active administrator (issue 14; caredesk(1)
# RECOVERY, worker recover): root on the host only, only while no
# administrator is active, audited with root as the actor.  A replica gets
# there when its administrators are disabled elsewhere and synced; here the
# rows are changed directly, as a pull would, past the guard triggers.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python
need_other_user nobody
command -v sqlite3 >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && die "sqlite3 is needed (CI=true)"
	skip "no sqlite3 shell"
}
me=$(id -un)

make_replica north
# The worker to recover is a real Unix user, so that afterwards they can
# act as themselves (the invoking root is among the administrators gone).
add_worker nobody north-adults practitioner

r worker recover nobody
expect_status 65 "recovery while an administrator is active"
expect_stderr_contains "has an active administrator"

# Every administrator gone, as a synced disable would leave it.
sqlite3 "$REPLICA" "BEGIN; INSERT INTO txn_context (id, txn_id, worker, action, schema_version,
	at, capture) VALUES (1, 'test', 'test', 'test', 1, '2026-11-23T09:00:00Z', 0);
	UPDATE worker SET active = 0 WHERE role LIKE '%admin%'; DELETE FROM txn_context; COMMIT;" \
	2>"$T/sql.err" || die "cannot disable the administrators directly: $(cat "$T/sql.err")"
r worker add nobody.else --name "No Body" --team north-duty
expect_status 77 "no administrator left: no one may add a worker"

chmod 0666 "$REPLICA"
chmod 0777 "$T"
cd_run_as nobody --replica "$REPLICA" worker recover nobody
expect_status 77 "recovery by a user who is not root"
expect_stderr_contains "root on this host"
r worker recover new.admin
expect_status 65 "recovering a login that is no worker, without --name and --team"
r worker recover nobody
expect_status 0 "root recovering a replica with no administrator"
expect_stdout_contains "nobody is an administrator of this replica again (recovered by $me)"
cd_run_as nobody --replica "$REPLICA" worker list --format csv
cp "$CD_OUT" workers.csv
expect_eq "roles after recovery: kept, and admin" "practitioner,admin" \
	"$(csv_lookup workers.csv login nobody role)"
expect_eq "team kept" north-adults "$(csv_lookup workers.csv login nobody team)"
expect_eq "active again" yes "$(csv_lookup workers.csv login nobody active)"
cd_run_as nobody --replica "$REPLICA" worker add nobody.else --name "No Body" --team north-duty
expect_status 0 "the recovered administrator adds a worker"
cd_run_as nobody --replica "$REPLICA" worker list --format csv
cp "$CD_OUT" workers.csv
expect_eq "the root-run recovery left root as it was" no "$(csv_lookup workers.csv login "$me" active)"
cd_run_as nobody --replica "$REPLICA" export audit --format csv
cp "$CD_OUT" audit.csv
if py 'rows = [r for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
        if r["action"] == "worker.recover"]
assert len(rows) == 1, "%d worker.recover events" % len(rows)
assert rows[0]["actor"] == sys.argv[2] and rows[0]["worker"] == "nobody", rows[0]' audit.csv "$me" \
	2>problem; then
	pass "the recovery is in the audit chain, root as the actor"
else
	fail "audit: $(tail -n 1 problem)"
fi
r worker recover nobody
expect_status 65 "a second recovery while nobody is an active administrator"
cd_run_as nobody --replica "$REPLICA" check
expect_status 0 "the recovered replica passes caredesk check"
finish
