#!/bin/sh
# Identity (DESIGN 5, "Identity (contract)"): init registers whoever made
# the replica as its admin; workers are added, listed and disabled (a
# leaver's open cases reassigned); --as is for admins only and the audit
# keeps both names; an unregistered, disabled or unknown login gets one line
# and exit 77.  The cases that need a second Unix user are identity-other.sh.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

me=$(id -un)
# The replica lives where another Unix user can reach it (see cd_run_as).
chmod 0755 "$T"
mkdir -m 0777 "$T/shared"
# init itself, not make_replica (which gives the test user practice roles
# after): what init registers is checked below.
REPLICA=$T/shared/r.db
cd_run init --locality north --replica "$REPLICA"
expect_status 0 "init" || die "cannot make a replica"

# --- init registered the invoking user as an active admin -------------------
r worker list --format csv
expect_status 0
cp "$CD_OUT" "$T/workers.csv"
expect_eq "worker list header" "id,login,name,team,role,active,locality,created_at,updated_at,version" \
	"$(csv_header "$T/workers.csv")"
expect_eq "workers after init" 1 "$(csv_count "$T/workers.csv")"
expect_eq "login registered by init" "$me" "$(csv_column "$T/workers.csv" login)"
expect_eq "role of the user who ran init" admin "$(csv_lookup "$T/workers.csv" login "$me" role)"
# An administrator alone does no case work (issue 14); the rest of this
# test does, as the other tests' replicas do.
r worker set "$me" --role duty,manager,admin
expect_status 0 "the test user takes practice roles"
expect_eq "init's admin is active" yes "$(csv_lookup "$T/workers.csv" login "$me" active)"
expect_eq "init's admin team (north locality)" north "$(csv_lookup "$T/workers.csv" login "$me" locality)"

r
expect_status 0 "the replica is usable at once by whoever made it"

# --- worker add / list ---------------------------------------------------------
add_worker duty.north north-duty duty
add_worker prac.one north-children practitioner
add_worker prac.two north-children practitioner
cd_run --replica "$REPLICA" worker add mgr.north --name "Manager North" --team north-duty --role manager
expect_status 0

r worker add noteam --name "No Team" --team atlantis-duty
expect_status 65 "worker add with an unknown team"
expect_stderr_contains "atlantis-duty"
r worker add norole --name "No Role" --team north-duty --role wizard
expect_status 65 "worker add with an unknown role"
expect_stderr_contains "wizard"
r worker add "bad login" --name "Bad" --team north-duty
expect_status 65 "worker add with a login that is no Unix login"
r worker add noname --team north-duty
expect_status 64 "worker add without --name"

r worker list --format csv
expect_status 0
cp "$CD_OUT" "$T/workers.csv"
expect_eq "workers after adding four" 5 "$(csv_count "$T/workers.csv")"
expect_eq "duty.north role" duty "$(csv_lookup "$T/workers.csv" login duty.north role)"
expect_eq "duty.north team" north-duty "$(csv_lookup "$T/workers.csv" login duty.north team)"
expect_eq "duty.north name" "Worker duty.north" "$(csv_lookup "$T/workers.csv" login duty.north name)"
expect_eq "prac.one role (given)" practitioner "$(csv_lookup "$T/workers.csv" login prac.one role)"
expect_eq "mgr.north role" manager "$(csv_lookup "$T/workers.csv" login mgr.north role)"
expect_eq "mgr.north name (with a space)" "Manager North" "$(csv_lookup "$T/workers.csv" login mgr.north name)"
expect_eq "noteam was not added" "" "$(csv_lookup "$T/workers.csv" login noteam login)"

r worker list --format json
expect_status 0
if py 'd = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 5, d
assert all(isinstance(o, dict) and "login" in o and "role" in o for o in d)' "$CD_OUT"; then
	pass "worker list --format json"
else
	fail "worker list --format json: expected an array of 5 worker objects; got:"
	show "$CD_OUT"
fi

# --- --as by an admin: acts as the worker, the audit keeps both ------------------
printf 'received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason\n%s\n%s\n' \
	'2026-11-20T10:00:00Z,Leaver,Lee,2015-03-01,N1 1AA,school,health,no,Case for the leaver' \
	'2026-11-20T11:00:00Z,Asker,Ann,2016-04-02,N1 1AB,gp,health,no,Triaged via --as' >"$T/in.csv"
r import referrals "$T/in.csv"
expect_status 0 "import of two referrals"
asker=$(referral_id Asker)
leaver=$(referral_id Leaver)
if [ -z "$asker" ] || [ -z "$leaver" ]; then
	die "the imported referrals are not in export referrals"
fi

r --as duty.north referral triage "$asker" --priority amber --reason "acting as duty"
expect_status 0 "admin --as duty.north triage"
r --as=duty.north worker list --format csv
expect_status 0 "--as=LOGIN"
r export audit --format csv
expect_status 0
cp "$CD_OUT" "$T/audit.csv"
row=$(py 'for row in csv.DictReader(open(sys.argv[1], newline="")):
    if row["action"] == "referral.triage" and row["record_id"] == sys.argv[2]:
        print(row["actor"] + " " + row["worker"])' "$T/audit.csv" "$asker")
expect_eq "audit actor and worker of the triage made with --as duty.north" "$me duty.north" "$row"
# A decision made through --as is the worker's decision.
r --as duty.north referral triage "$asker" --priority red --decision s17
expect_status 0
export_to referrals "$T/refs.csv"
expect_eq "decided_by after a decision made with --as duty.north" duty.north \
	"$(csv_lookup "$T/refs.csv" id "$asker" decided_by)"

# --as the invoking user's own login is no impersonation.
r --as "$me" worker list --format csv
expect_status 0 "--as one's own login"

# A worker acting through --as has that worker's rights, not the admin's.
r --as duty.north worker add someone --name Someone --team north-duty
expect_status 77 "worker add by an admin acting as a duty worker"
r --as prac.one referral triage "$leaver" --priority red
expect_status 77 "triage by an admin acting as a practitioner"

# --- --as an unknown or disabled login ---------------------------------------------
r --as ghost.worker referral list
expect_status 77 "--as an unknown login"
expect_stderr_contains "ghost.worker"
expect_stderr_lines 1

# --- worker disable --reassign-to ---------------------------------------------------
r --as duty.north referral triage "$leaver" --priority green
expect_status 0
r --as duty.north referral allocate "$leaver" --to prac.one
expect_status 0
export_to cases "$T/cases.csv"
expect_eq "case allocated before the leaver goes" prac.one "$(csv_column "$T/cases.csv" allocated_to)"

r --as duty.north worker disable prac.one --reassign-to prac.two
expect_status 77 "worker disable by a non-admin"

r worker disable prac.one --reassign-to ghost.worker
expect_status 65 "worker disable --reassign-to an unknown worker"
r worker disable nobody.here
expect_status 66 "worker disable of an unknown login"

r worker disable prac.one --reassign-to prac.two
expect_status 0 "worker disable --reassign-to"
export_to cases "$T/cases.csv"
expect_eq "open case moved to the --reassign-to worker" prac.two \
	"$(csv_column "$T/cases.csv" allocated_to)"
r worker list --format csv
cp "$CD_OUT" "$T/workers.csv"
expect_eq "disabled worker is listed inactive" no "$(csv_lookup "$T/workers.csv" login prac.one active)"
expect_eq "the other worker stays active" yes "$(csv_lookup "$T/workers.csv" login prac.two active)"

r --as prac.one referral list
expect_status 77 "--as a disabled worker"
expect_stderr_contains "prac.one"
expect_stderr_lines 1

r worker disable prac.two
expect_status 0 "worker disable without --reassign-to"

r worker disable mgr.north --reassign-to mgr.north
if [ "$CD_STATUS" = 0 ]; then
	fail "$CD_CMD: reassigning a leaver's cases to themself should be refused"
fi

r check
expect_status 0 "check after the identity changes"

finish
