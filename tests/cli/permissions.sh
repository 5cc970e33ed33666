#!/bin/sh
# Every action as every role on the command line (issue 14; caredesk(1)
# ROLES AND PERMISSIONS).  The test is driven by the binary's own table:
# for each row of `caredesk permissions --format csv` and each role column
# it makes workers holding only that role and runs the permission's
# command(s) through `--as`:
#
#   - where the cell allows it, as a worker right at the edge of the cell's
#     scope (own: the allocated worker or author; team: a worker of the
#     record's team; locality: a worker of another team of the record's
#     locality; any: a worker of another locality), expecting exit 0 and
#     the change to be there afterwards (read back through export);
#   - where the cell is narrower than `any`, as a worker just outside it
#     (own: another worker of the same role and team; team: the same role
#     in a neighbouring team; locality: the same role in another locality;
#     -: the same role in the record's own team, and for a case the
#     allocated worker), expecting exit 77, one line on stderr naming what
#     was refused, and the replica byte for byte as it was.
#
# So a change to the table, or to how an action asks it (the record it
# names, the scope helpers of src/replica/lookup.c), that makes the two
# disagree fails here.  Every row of the table must be mapped to its
# commands below or listed, with the reason, in EXCEPTIONS; a new
# permission without either fails the test, and so does a mapping or an
# exception for a permission the table no longer has.
#
# All records live in the north locality of one replica (with a central
# store and a second replica, only to make real sync conflicts).  Workers
# are named ROLE.TEAM (ROLE.TEAM.b for a second one), keepers (the owners
# and authors that are no cell's subject) keeper.TEAM; each is made once.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python
# The conflict.resolve cells need real conflicts, which need the sync
# agent: without it the test fails rather than leave those cells untried.
[ -x "${CAREDESK_SYNC_BIN:-}" ] ||
	die "CAREDESK_SYNC_BIN does not name the caredesk-sync binary: conflict.resolve cannot be tried"

# Permissions the command line cannot drive, each with its reason.  A row
# listed here is not tried; keep the list short and every reason true.
#   referral.receive: "record a new referral" is asked (require_intake,
#     src/replica/lookup.c) only by person_create and referral_receive
#     outside an intake, and no command (nor the desk) calls them so:
#     `import`, `generate` and `demo` take the intake path, which asks
#     `import` instead, and `referral` has no verb that records one
#     (checked below, so this exception fails the day such a verb appears).
EXCEPTIONS="referral.receive"
REFERRAL_VERBS="list show triage allocate"

TAB=$(printf '\t')
me=$(id -un)
OUTSIDE_TEAM=south-adults	# a team of another locality than the records'
PERSONAL_TABLES="people notes audit"	# export.personal: "export people, notes or the audit"
KEEPER_ROLES=practitioner,duty,mash,manager,pa
READBACK="Will visit Bea today"
SEQ=0				# numbers names, bodies and dates made unique
NEAR_TRIES=0			# attempts the table allows (expected exit 0)
FAR_TRIES=0			# attempts it does not (expected exit 77)
CELLS=0
NEAR_CELLS=0			# cells tried where allowed
FAR_CELLS=0			# cells tried just outside (or, for -, nearest)
MADE=" "			# logins made so far
COVERED=" "			# permissions tried
CELL=				# "permission/role=scope", for messages
DESC=				# the permission's description, as refusals say it

# --- the table ---------------------------------------------------------------
cd_run permissions --format csv
expect_status 0 "permissions --format csv" || die "cannot read the permission table"
cp "$CD_OUT" "$T/permissions.csv"
header=$(csv_header "$T/permissions.csv")
case $header in
permission,description,?*) ;;
*) die "permissions --format csv: the header is not permission,description,ROLE...: $header" ;;
esac
ROLES=$(echo "${header#permission,description,}" | tr ',' ' ')
# perm<TAB>role<TAB>scope, one cell a line; perm<TAB>description.
py 'rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
cells = open(sys.argv[2], "w")
descs = open(sys.argv[3], "w")
for row in rows:
    descs.write(row["permission"] + "\t" + row["description"] + "\n")
    for role in list(row)[2:]:
        cells.write(row["permission"] + "\t" + role + "\t" + row[role] + "\n")' \
	"$T/permissions.csv" "$T/cells" "$T/descs" || die "cannot parse the permission table"
[ -s "$T/cells" ] || die "the permission table has no cells"

desc_of() {
	awk -F "$TAB" -v p="$1" '$1 == p { print $2; exit }' "$T/descs"
}

# The team a role's worker is usually in (a record the test makes for the
# role's own scope lives there).
home_team() {
	case $1 in
	practitioner | manager) echo north-adults ;;
	duty | admin | auditor) echo north-duty ;;
	mash) echo mash ;;
	pa) echo care-leavers ;;
	*) return 1 ;;
	esac
}

# A team of the same locality as TEAM (borough-wide: another borough team).
sibling_team() {
	case $1 in
	north-adults) echo north-children ;;
	north-children | north-duty) echo north-adults ;;
	mash | care-leavers) echo children-in-care ;;
	children-in-care) echo care-leavers ;;
	*) return 1 ;;
	esac
}

# A team of the records' locality (north) other than TEAM.
locality_team() {
	if [ "$1" = north-adults ]; then echo north-children; else echo north-adults; fi
}

for role in $ROLES; do
	home_team "$role" >/dev/null ||
		fail "the table has a role '$role' this test has no team for: add it to home_team"
done

# --- helpers -----------------------------------------------------------------
next() { SEQ=$((SEQ + 1)); }

# worker LOGIN TEAM ROLES: W=LOGIN, a worker of TEAM holding ROLES, made
# (by the test user, an admin) on first use.  Not for $(...): it sets W.
worker() {
	W=$1
	case $MADE in *" $1 "*) return 0 ;; esac
	cd_run --replica "$REPLICA" worker add "$1" --name "Worker $1" --team "$2" --role "$3"
	expect_status 0 "making the worker $1 ($3 of $2)" || die "cannot make the worker $1"
	MADE="$MADE$1 "
}

# role_worker ROLE TEAM [TAG]: W = a worker holding only ROLE, in TEAM.
role_worker() {
	worker "$1.$2${3:+.$3}" "$2" "$1"
}

# keeper TEAM [TAG]: W = a worker of TEAM holding every practice role; an
# owner or author who is not the subject of any cell.
keeper() {
	worker "keeper.$1${2:+.$2}" "$1" "$KEEPER_ROLES"
}

# pick ROLE SCOPE TEAM: NEAR and FAR, the workers to try on a record of
# TEAM in the north (empty: none).  For own, the record must be owned by
# ROLE.TEAM (role_worker ROLE TEAM); for -, the nearest worker is that one.
pick() {
	NEAR=
	FAR=
	case $2 in
	own)
		role_worker "$1" "$3"
		NEAR=$W
		role_worker "$1" "$3" b
		FAR=$W
		;;
	team)
		role_worker "$1" "$3"
		NEAR=$W
		role_worker "$1" "$(sibling_team "$3")"
		FAR=$W
		;;
	locality)
		role_worker "$1" "$(locality_team "$3")"
		NEAR=$W
		role_worker "$1" "$OUTSIDE_TEAM"
		FAR=$W
		;;
	any)
		role_worker "$1" "$OUTSIDE_TEAM"
		NEAR=$W
		;;
	-)
		role_worker "$1" "$3"
		FAR=$W
		;;
	esac
}

# owner_team ROLE SCOPE: the team of the record the cell is tried on when
# records have owners: the role's own for own and - (the nearest record is
# its own), else north-adults (owned by its keeper).
owner_team() {
	case $2 in
	own | -) home_team "$1" ;;
	*) echo north-adults ;;
	esac
}

# drive FUNCTION ARGS...: FUNCTION FAR 77 ARGS, then FUNCTION NEAR 0 ARGS
# (the refusal first: it must leave the record as it was for the other).
drive() {
	_fn=$1
	shift
	[ -n "$FAR" ] && "$_fn" "$FAR" 77 "$@"
	[ -n "$NEAR" ] && "$_fn" "$NEAR" 0 "$@"
	return 0
}

# The replica's bytes, to prove a refusal changed nothing at all.
snap() {
	cat "$REPLICA" "$REPLICA-wal" 2>/dev/null | cksum >"$T/snap"
}

# try WORKER EXPECT ARGS...: run ARGS as WORKER; check the exit status the
# table promises and, for a refusal, its one line and an untouched replica.
# Returns 0 when EXPECT came out.
try() {
	_who=$1
	_want=$2
	shift 2
	if [ "$_want" = 0 ]; then NEAR_TRIES=$((NEAR_TRIES + 1)); else FAR_TRIES=$((FAR_TRIES + 1)); fi
	snap
	r --as "$_who" "$@"
	cat "$REPLICA" "$REPLICA-wal" 2>/dev/null | cksum >"$T/snap.after"
	if [ "$_want" = 0 ]; then
		expect_status 0 "$CELL: the table lets $_who do it"
		return
	fi
	if cmp -s "$T/snap" "$T/snap.after"; then
		pass "$CD_CMD: the replica is as it was"
	else
		fail "$CELL: $CD_CMD was to be refused, and the replica changed"
	fi
	expect_status 77 "$CELL: the table does not let $_who do it" || return 1
	expect_stderr_lines 1
	expect_stderr_contains "caredesk: only "
	expect_stderr_contains " may $DESC (you are "
}

# python3 starts slowly on a loaded machine, so the checks made after every
# attempt read the CSV with awk: RFC 4180 records (quoted fields, doubled
# quotes, line breaks inside quotes), the header naming the columns.
# csv_rows FILE COLUMN...: those columns of every record, tab separated.
csv_rows() {
	_file=$1
	shift
	awk -v want="$*" '
	function parse(line, f,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c != "\"") cur = cur c
				else if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
				else q = 0
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	{
		sub(/\r$/, "")
		rec = (pending == "") ? $0 : pending "\n" $0
		if (gsub(/"/, "\"", rec) % 2) { pending = rec; next }
		pending = ""
		n = parse(rec, f)
		if (!header) {
			for (i = 1; i <= n; i++) col[f[i]] = i
			k = split(want, w, " ")
			for (i = 1; i <= k; i++)
				if (!(w[i] in col)) { print "(no column " w[i] ")"; exit }
			header = 1
			next
		}
		out = ""
		for (i = 1; i <= k; i++) out = out (i > 1 ? "\t" : "") f[col[w[i]]]
		print out
	}' "$_file"
}

# get TABLE KEYCOL KEY COLUMN...: those columns (space separated) of the
# first record of `export TABLE` whose KEYCOL is KEY, as the test user
# sees it now; nothing when there is none.
get() {
	_table=$1
	_keycol=$2
	_key=$3
	shift 3
	"$CAREDESK_BIN" --replica "$REPLICA" export "$_table" --format csv </dev/null >"$T/get.csv" \
		2>"$T/get.err" || {
		echo "(export $_table failed: $(cat "$T/get.err"))"
		return 0
	}
	csv_rows "$T/get.csv" "$_keycol" "$@" |
		awk -F "$TAB" -v key="$_key" '$1 == key { $1 = ""; sub(/^ /, ""); print; exit }'
}

# conflict_field ID COLUMN: from `conflicts list --all`.
conflict_field() {
	"$CAREDESK_BIN" --replica "$REPLICA" conflicts list --all --format csv </dev/null \
		>"$T/conflicts-now.csv" 2>&1 || {
		echo "(conflicts list failed)"
		return 0
	}
	csv_rows "$T/conflicts-now.csv" id "$2" |
		awk -F "$TAB" -v key="$1" '$1 == key { print $2; exit }'
}

# The pool of referrals imported at the start (north adults, status new):
# take_ref sets REF to the next one.
POOL_N=0
take_ref() {
	POOL_N=$((POOL_N + 1))
	REF=$(sed -n "${POOL_N}p" "$T/pool")
	[ -n "$REF" ] || die "the pool of referrals ran out (take more than $((POOL_N - 1)))"
}

# make_case OWNER: CASE = a new open case allocated to OWNER (a referral of
# the pool, triaged and allocated by the test user).
make_case() {
	take_ref
	cd_run --replica "$REPLICA" referral triage "$REF" --priority amber
	expect_status 0 "triage to make a case for $1" || die "cannot triage $REF"
	cd_run --replica "$REPLICA" referral allocate "$REF" --to "$1"
	expect_status 0 "allocation to make a case for $1" || die "cannot allocate $REF to $1"
	CASE=$(get referrals id "$REF" case_id)
	[ -n "$CASE" ] || die "allocating $REF to $1 opened no case"
}

# make_note AUTHOR OPTION ID: NOTE = a new note by AUTHOR about that
# referral (--referral) or case (--case).
make_note() {
	next
	cd_run --replica "$REPLICA" --as "$1" note add "$2" "$3" --body "Note $SEQ by $1"
	expect_status 0 "a note by $1 to amend" || die "$1 cannot write the note the cell needs"
	NOTE=$(cat "$CD_OUT")
}

# make_item AUTHOR: ITEM = a new handover item by AUTHOR (of AUTHOR's team).
make_item() {
	next
	cd_run --replica "$REPLICA" --as "$1" handover add --situation "Item $SEQ by $1" \
		--background "Fall last week" --assessment "Needs a visit" --recommendation "Visit"
	expect_status 0 "a handover item by $1 to acknowledge" || die "$1 cannot write the item"
	ITEM=$(cat "$CD_OUT")
}

# --- the replica, its central, and records made once ------------------------
REPLICA=$T/r.db
cd_run central init "file:$T/central.db"
expect_status 0 "central init" || die "cannot make a central store"
cd_run central worker add "$me" --locality north --role admin --central "file:$T/central.db"
expect_status 0 "central worker add" || die "cannot make the test user central's admin"
cd_run init --locality north --replica "$REPLICA" --central "file:$T/central.db"
expect_status 0 "init" || die "cannot make the replica"
# The test user (an admin, so --as works) also triages and allocates to
# make the records; every cell is tried --as a worker of one role.
cd_run --replica "$REPLICA" worker set "$me" --role duty,manager,admin
expect_status 0 "the test user's roles" || die "cannot give the test user a practice role"

# The pool: 120 adults of the north, received before now.
{
	echo "received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason"
	i=1
	while [ "$i" -le 120 ]; do
		echo "2026-11-19T09:30:00Z,Pool$i,Bea,1970-05-05,N1 2BB,gp,social-care,no,Needs help at home"
		i=$((i + 1))
	done
} >"$T/pool.csv"
r import referrals "$T/pool.csv"
expect_status 0 "importing the pool" || die "cannot import the pool of referrals"
export_to referrals "$T/referrals.csv"
py 'rows = {r["family_name"]: r["id"] for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))}
for i in range(1, 121):
    print(rows.get("Pool%d" % i, ""))' "$T/referrals.csv" >"$T/pool"
[ "$(grep -c . "$T/pool")" = 120 ] || die "the pool's 120 referrals are not all in export referrals"

# One referral notes are written about, and its person for handover items.
take_ref
NOTE_REF=$REF
NOTE_PERSON=$(get referrals id "$NOTE_REF" person_id)
NOTE_TEAM=$(get referrals id "$NOTE_REF" team)
if [ -z "$NOTE_PERSON" ] || [ -z "$NOTE_TEAM" ]; then
	die "the note referral has no person or team"
fi

# Conflicts (one a role at most): the same referral triaged red here and
# green on a second replica of the same central; red reaches central first,
# so each is an open same-field conflict here, kept red, other green.
"$CAREDESK_SYNC_BIN" --once --replica "$REPLICA" </dev/null >/dev/null 2>"$T/sync.err" ||
	die "the first push failed: $(cat "$T/sync.err")"
cd_run init --locality north --replica "$T/r2.db" --central "file:$T/central.db"
expect_status 0 "init of the second replica" || die "cannot make the second replica"
: >"$T/conflict-refs"
for role in $ROLES; do
	take_ref
	echo "$REF" >>"$T/conflict-refs"
	cd_run --replica "$REPLICA" referral triage "$REF" --priority red
	expect_status 0 "triage red here" || die "cannot triage $REF"
	cd_run --replica "$T/r2.db" referral triage "$REF" --priority green
	expect_status 0 "triage green on the second replica" || die "cannot triage $REF on r2"
done
for db in "$REPLICA" "$T/r2.db" "$REPLICA"; do
	"$CAREDESK_SYNC_BIN" --once --replica "$db" </dev/null >/dev/null 2>"$T/sync.err" ||
		die "sync of $db failed: $(cat "$T/sync.err")"
done
r conflicts list --format csv
expect_status 0 "conflicts list"
py 'refs = open(sys.argv[2]).read().split()
for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row["tbl"] == "referral" and row["field"] == "priority" and row["record_id"] in refs:
        print(row["id"])' "$CD_OUT" "$T/conflict-refs" >"$T/conflicts"
[ "$(grep -c . "$T/conflicts")" = "$(grep -c . "$T/conflict-refs")" ] ||
	die "expected an open conflict on the priority of each of $(grep -c . "$T/conflict-refs") referrals; conflicts list gave: $(cat "$CD_OUT")"
CONFLICT_N=0

# The export tables, as `export --help` lists them.
cd_run export --help
TABLES=$(tr '\n' ' ' <"$CD_OUT" | sed -n 's/.*TABLE is one of \([^.]*\)\..*/\1/p' | tr -d ',')
[ -n "$TABLES" ] || die "export --help does not list its tables"
for t in $PERSONAL_TABLES; do
	case " $TABLES " in
	*" $t "*) ;;
	*) fail "export --help does not list $t (export.personal)" ;;
	esac
done

# --- each permission: its record(s), command(s) and effect ------------------
# cell_PERM ROLE SCOPE tries one cell; the *_try functions take WORKER
# EXPECT (0 or 77) and the record, and check what the replica holds after.

# referral.triage: `referral triage ID --priority P` on a new referral.
triage_try() {
	try "$1" "$2" referral triage "$3" --priority red
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: $3 after $1 triaged it" "triaged red" \
			"$(get referrals id "$3" status priority)"
	else
		expect_eq "$CELL: $3 after $1 was refused" "new" "$(get referrals id "$3" status)"
	fi
}
cell_referral_triage() {
	take_ref
	pick "$1" "$2" "$(get referrals id "$REF" team)"
	drive triage_try "$REF"
}

# referral.allocate: `referral allocate ID --to LOGIN` on a triaged
# referral, and `case reallocate ID --to LOGIN` on an open case.
allocate_try() {
	try "$1" "$2" referral allocate "$3" --to "$4"
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: $3 after $1 allocated it" "allocated $4" \
			"$(get referrals id "$3" status allocated_to)"
	else
		expect_eq "$CELL: $3 after $1 was refused" "triaged " \
			"$(get referrals id "$3" status allocated_to)"
	fi
}
reallocate_try() {
	_before=$(get cases id "$3" allocated_to)
	if [ "$_before" = "$TO_A" ]; then _to=$TO_B; else _to=$TO_A; fi
	try "$1" "$2" case reallocate "$3" --to "$_to" --reason "Caseload balance"
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: case $3 after $1 reallocated it" "$_to" "$(get cases id "$3" allocated_to)"
	else
		expect_eq "$CELL: case $3 after $1 was refused" "$_before" "$(get cases id "$3" allocated_to)"
	fi
}
REALLOCATE_CASE=
cell_referral_allocate() {
	keeper north-adults
	TO_A=$W
	keeper north-adults b
	TO_B=$W
	take_ref
	cd_run --replica "$REPLICA" referral triage "$REF" --priority amber
	expect_status 0 "triage before allocation" || die "cannot triage $REF"
	pick "$1" "$2" "$(get referrals id "$REF" team)"
	drive allocate_try "$REF" "$TO_A"
	if [ -z "$REALLOCATE_CASE" ]; then
		make_case "$TO_A"
		REALLOCATE_CASE=$CASE
	fi
	pick "$1" "$2" "$(get cases id "$REALLOCATE_CASE" team)"
	drive reallocate_try "$REALLOCATE_CASE"
}

# import: `import referrals FILE.csv` of one new referral.
import_try() {
	next
	_name=Import$SEQ
	printf '%s\n%s\n' "received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason" \
		"2026-11-20T09:30:00Z,$_name,Ida,1980-03-03,N1 5EE,gp,social-care,no,Needs help" \
		>"$T/$_name.csv"
	try "$1" "$2" import referrals "$T/$_name.csv"
	_id=$(get referrals family_name "$_name" id)
	if [ "$2" = 0 ]; then
		if [ -n "$_id" ]; then
			pass "$CELL: $_name imported"
		else
			fail "$CELL: $1's import said 0 and there is no referral for $_name"
		fi
	elif [ -z "$_id" ]; then
		pass "$CELL: $_name not imported"
	else
		fail "$CELL: $1's import was refused and the referral for $_name is there"
	fi
}
cell_import() {
	pick "$1" "$2" "$(home_team "$1")"
	drive import_try
}

# case.close: `case close ID --reason needs-met` on an open case.
close_try() {
	try "$1" "$2" case close "$3" --reason needs-met
	_closed=$(get cases id "$3" closed_at)
	if [ "$2" = 0 ]; then
		if [ -n "$_closed" ]; then
			pass "$CELL: case $3 closed"
		else
			fail "$CELL: $1's case close said 0 and case $3 is still open"
		fi
	elif [ -z "$_closed" ]; then
		pass "$CELL: case $3 still open"
	else
		fail "$CELL: $1's case close was refused and case $3 is closed ($_closed)"
	fi
}
# The case a cell is tried on: the role's own (own, -) or a keeper's.  A
# role without case work (admin, auditor) holds no case (may_hold_case
# refuses the allocation): for its "-" it is tried on a keeper's case of
# its team, the nearest record it could reach.
case_for_cell() {
	RT=$(owner_team "$1" "$2")
	case $1:$2 in
	admin:* | auditor:*) keeper "$RT" ;;
	*:own | *:-) role_worker "$1" "$RT" ;;
	*) keeper "$RT" ;;
	esac
	make_case "$W"
}
cell_case_close() {
	case_for_cell "$1" "$2"
	pick "$1" "$2" "$RT"
	drive close_try "$CASE"
}

# case.review: `case review ID --date DATE`, a date later than now.
review_try() {
	next
	_date=$(printf '2027-%02d-%02d' $((SEQ / 28 % 12 + 1)) $((SEQ % 28 + 1)))
	_before=$(get cases id "$3" next_review)
	try "$1" "$2" case review "$3" --date "$_date"
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: next review of case $3 after $1 set it" "$_date" \
			"$(get cases id "$3" next_review)"
	else
		expect_eq "$CELL: next review of case $3 after $1 was refused" "$_before" \
			"$(get cases id "$3" next_review)"
	fi
}
cell_case_review() {
	case_for_cell "$1" "$2"
	pick "$1" "$2" "$RT"
	drive review_try "$CASE"
}

# note.add: `note add --referral ID --body TEXT` about a north referral.
note_add_try() {
	next
	_body="Note $SEQ by $1"
	try "$1" "$2" note add --referral "$3" --body "$_body"
	_author=$(get notes body "$_body" author)
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: the author of the note '$_body'" "$1" "$_author"
	else
		expect_eq "$CELL: notes with the refused body '$_body'" "" "$_author"
	fi
}
cell_note_add() {
	pick "$1" "$2" "$NOTE_TEAM"
	drive note_add_try "$NOTE_REF"
}

# note.amend: `note amend NOTE_ID --body TEXT`.
AMEND_CASE=
note_amend_try() {
	next
	_body="Amended $SEQ by $1"
	try "$1" "$2" note amend "$3" --body "$_body"
	_amends=$(get notes body "$_body" amends_id)
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: the note '$_body' amends" "$3" "$_amends"
	else
		expect_eq "$CELL: notes with the refused body '$_body'" "" "$_amends"
	fi
}
cell_note_amend() {
	RT=$(owner_team "$1" "$2")
	case $2 in
	own)
		# The role's own note about a referral: of the author's team.
		role_worker "$1" "$RT"
		make_note "$W" --referral "$NOTE_REF"
		;;
	-)
		# A note of the role's team (a role that may not amend one may
		# not write one either).
		keeper "$RT"
		make_note "$W" --referral "$NOTE_REF"
		;;
	*)
		# A note about a case of RT, written by a worker of the team
		# next door: the note is the case's team's, not its author's.
		if [ -z "$AMEND_CASE" ]; then
			keeper "$RT"
			make_case "$W"
			AMEND_CASE=$CASE
		fi
		keeper "$(sibling_team "$RT")"
		make_note "$W" --case "$AMEND_CASE"
		;;
	esac
	pick "$1" "$2" "$RT"
	drive note_amend_try "$NOTE"
}

# handover.add: `handover add ... --person ID` about a north person.
handover_add_try() {
	next
	_sit="Situation $SEQ by $1"
	try "$1" "$2" handover add --situation "$_sit" --background "Fall last week" \
		--assessment "Needs a visit" --recommendation "Visit today" --person "$3"
	_author=$(get handover situation "$_sit" author)
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: the author of the item '$_sit'" "$1" "$_author"
	else
		expect_eq "$CELL: items with the refused situation '$_sit'" "" "$_author"
	fi
}
cell_handover_add() {
	pick "$1" "$2" "$NOTE_TEAM"
	drive handover_add_try "$NOTE_PERSON"
}

# handover.ack: `handover ack ID --readback TEXT` on an item of a team.
handover_ack_try() {
	_before=$(get handover id "$3" acknowledged_by)
	try "$1" "$2" handover ack "$3" --readback "$READBACK"
	_after=$(get handover id "$3" acknowledged_by)
	if [ "$2" = 0 ]; then
		case $_after in
		*"$1"*) pass "$CELL: $1 acknowledged item $3" ;;
		*) fail "$CELL: $1's ack said 0 and item $3 is acknowledged by '$_after'" ;;
		esac
	else
		expect_eq "$CELL: item $3's acknowledgements after $1 was refused" "$_before" "$_after"
	fi
}
cell_handover_ack() {
	case $2 in
	locality | any) RT=north-adults ;;
	*) RT=$(home_team "$1") ;;
	esac
	if [ "$2" = own ]; then role_worker "$1" "$RT"; else keeper "$RT"; fi
	_author=$W
	make_item "$_author"
	# Beyond the table: its author may never acknowledge it.
	snap
	r --as "$_author" handover ack "$ITEM" --readback "$READBACK"
	expect_status 77 "$CELL: the author $_author acknowledging their own item"
	expect_stderr_contains "may not acknowledge a handover item"
	cat "$REPLICA" "$REPLICA-wal" 2>/dev/null | cksum >"$T/snap.after"
	cmp -s "$T/snap" "$T/snap.after" || fail "$CELL: the author's refused ack changed the replica"
	pick "$1" "$2" "$RT"
	drive handover_ack_try "$ITEM"
}

# export: `export TABLE` for every table but the personal ones; what comes
# out is what the test user (an admin) gets.
export_try() {
	_table=$3
	"$CAREDESK_BIN" --replica "$REPLICA" export "$_table" --format csv </dev/null \
		>"$T/export-admin.csv" 2>/dev/null
	try "$1" "$2" export "$_table" --format csv
	if [ "$2" = 0 ]; then
		if [ "$_table" = audit ]; then
			# The export is itself audited: the worker's has one row more
			# than the admin's just before, saying so.
			_rows=$(csv_rows "$CD_OUT" worker action tbl | grep -c "^$1${TAB}export${TAB}audit\$")
			expect_eq "$CELL: rows of $1's audit export saying $1 exported the audit" 1 "$_rows"
			expect_eq "$CELL: rows of $1's audit export" \
				"$(($(csv_rows "$T/export-admin.csv" id | wc -l) + 1))" \
				"$(csv_rows "$CD_OUT" id | wc -l | tr -d ' ')"
		elif cmp -s "$T/export-admin.csv" "$CD_OUT"; then
			pass "$CELL: $1's export $_table is the admin's"
		else
			fail "$CELL: $1's export $_table differs from the admin's"
			show "$CD_OUT"
		fi
	elif [ -s "$CD_OUT" ]; then
		fail "$CELL: $1's refused export $_table wrote:"
		show "$CD_OUT"
	fi
}
cell_export() {
	pick "$1" "$2" "$(home_team "$1")"
	for t in $TABLES; do
		case " $PERSONAL_TABLES " in *" $t "*) continue ;; esac
		drive export_try "$t"
	done
}
cell_export_personal() {
	pick "$1" "$2" "$(home_team "$1")"
	for t in $PERSONAL_TABLES; do
		drive export_try "$t"
	done
}

# worker.change: `worker add|set|disable` on a practitioner of north-adults.
# A victim is made (by the test user) for each attempt that may succeed.
worker_try() {
	next
	_new=new$SEQ
	try "$1" "$2" worker add "$_new" --name "New $SEQ" --team "$3" --role practitioner
	_team=$(get workers login "$_new" team)
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: the team of $_new after $1 added them" "$3" "$_team"
	else
		expect_eq "$CELL: the team of $_new after $1 was refused" "" "$_team"
	fi
	next
	worker "victim$SEQ" "$3" practitioner
	try "$1" "$2" worker set "$W" --role practitioner,pa
	_roles=$(get workers login "$W" role)
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: the roles of $W after $1 set them" "practitioner,pa" "$_roles"
	else
		expect_eq "$CELL: the roles of $W after $1 was refused" "practitioner" "$_roles"
	fi
	try "$1" "$2" worker disable "$W"
	_active=$(get workers login "$W" active)
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: $W after $1 disabled them" "no" "$_active"
	else
		expect_eq "$CELL: $W after $1 was refused" "yes" "$_active"
	fi
}
cell_worker_change() {
	pick "$1" "$2" north-adults
	drive worker_try north-adults
}

# conflict.resolve: `conflicts resolve ID --keep other` on an open conflict
# about a north referral (kept red, other green).
resolve_try() {
	try "$1" "$2" conflicts resolve "$3" --keep other
	_status=$(conflict_field "$3" status)
	_priority=$(get referrals id "$4" priority)
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: conflict $3 after $1 resolved it (status, by, priority)" \
			"resolved $1 green" "$_status $(conflict_field "$3" resolved_by) $_priority"
	else
		expect_eq "$CELL: conflict $3 after $1 was refused (status, priority)" "open red" \
			"$_status $_priority"
	fi
}
cell_conflict_resolve() {
	CONFLICT_N=$((CONFLICT_N + 1))
	_conflict=$(sed -n "${CONFLICT_N}p" "$T/conflicts")
	[ -n "$_conflict" ] || die "no open conflict left for $CELL"
	_ref=$(conflict_field "$_conflict" record_id)
	pick "$1" "$2" "$(get referrals id "$_ref" team)"
	drive resolve_try "$_conflict" "$_ref"
}

# central.set: `sync central URI`.
central_try() {
	next
	_uri=file:$T/central-$SEQ.db
	"$CAREDESK_BIN" --replica "$REPLICA" sync status </dev/null >"$T/status-before" 2>&1
	try "$1" "$2" sync central "$_uri"
	"$CAREDESK_BIN" --replica "$REPLICA" sync status </dev/null >"$T/status-after" 2>&1
	_central=$(sed -n 's/^central  *//p' "$T/status-after")
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: the central after $1 set it" "$_uri" "$_central"
	else
		expect_eq "$CELL: the central after $1 was refused" \
			"$(sed -n 's/^central  *//p' "$T/status-before")" "$_central"
	fi
}
cell_central_set() {
	pick "$1" "$2" "$(home_team "$1")"
	drive central_try
}

# person.restrict: `person restrict ID --reason TEXT` on the person of a
# fresh referral of the north (no open case: the locality's record).
restrict_try() {
	try "$1" "$2" person restrict "$3" --reason "Staff member as client"
	if [ "$2" = 0 ]; then
		expect_eq "$CELL: $3 after $1 restricted it" yes "$(get people id "$3" restricted)"
	else
		expect_eq "$CELL: $3 after $1 was refused" no "$(get people id "$3" restricted)"
	fi
}
cell_person_restrict() {
	take_ref
	pick "$1" "$2" north-adults
	drive restrict_try "$(get referrals id "$REF" person_id)"
}

# The break-glass events in the audit, one id a line, oldest first.
glass_events() {
	"$CAREDESK_BIN" --replica "$REPLICA" export audit --format csv </dev/null >"$T/audit.csv" \
		2>/dev/null
	csv_rows "$T/audit.csv" action worker id | awk -F "$TAB" -v who="$1" \
		'$1 == "break-glass" && (who == "" || $2 == who) { print $3 }'
}

# person.break-glass: `person show ID --break-glass CODE --reason TEXT` on
# a record restricted from the worker (a north-adults case's person,
# restricted by the test user, a manager of the locality).
glass_try() {
	_before=$(glass_events "$1" | grep -c .)
	try "$1" "$2" person show "$3" --break-glass other --reason "Covering the visit today"
	expect_eq "$CELL: break-glass events by $1" $((_before + ($2 == 0 ? 1 : 0))) \
		"$(glass_events "$1" | grep -c .)"
}
cell_person_break_glass() {
	keeper north-adults
	make_case "$W"
	_person=$(get cases id "$CASE" person_id)
	r person restrict "$_person" --reason "High-profile person in the news"
	expect_status 0 "restricting the record for $CELL" || return
	pick "$1" "$2" north-adults
	drive glass_try "$_person"
}

# access.log: `access log --person ID` about the person of a case of
# north-adults (the record's team).
log_try() {
	try "$1" "$2" access log --person "$3" --format csv
	[ "$2" = 0 ] && expect_stdout_contains "event_id,at,worker"
	return 0
}
cell_access_log() {
	keeper north-adults
	make_case "$W"
	pick "$1" "$2" north-adults
	drive log_try "$(get cases id "$CASE" person_id)"
}

# access.review: `access reviewed EVENT --note TEXT` on a break-glass the
# test user made (a north-adults case's person, restricted for it).
reviewed_try() {
	try "$1" "$2" access reviewed "$3" --note "Checked with the team manager"
	"$CAREDESK_BIN" --replica "$REPLICA" export audit --format csv </dev/null >"$T/audit.csv" \
		2>/dev/null
	_n=$(csv_rows "$T/audit.csv" action record_id | awk -F "$TAB" -v e="$3" \
		'$1 == "access.reviewed" && $2 == e' | grep -c .)
	expect_eq "$CELL: reviews of $3 after $1 tried" "$([ "$2" = 0 ] && echo 1 || echo 0)" "$_n"
}
cell_access_review() {
	keeper north-adults
	make_case "$W"
	_person=$(get cases id "$CASE" person_id)
	r person restrict "$_person" --reason "Witness protection applies"
	expect_status 0 "restricting the record for $CELL" || return
	r person show "$_person" --break-glass duty-cover --reason "Covering the duty desk today"
	expect_status 0 "a break-glass to review for $CELL" || return
	pick "$1" "$2" north-adults
	drive reviewed_try "$(glass_events "$me" | tail -n 1)"
}

# --- every cell ---------------------------------------------------------------
MAPPED="referral.triage referral.allocate import case.close case.review note.add note.amend"
MAPPED="$MAPPED handover.add handover.ack export export.personal worker.change"
MAPPED="$MAPPED conflict.resolve central.set person.restrict person.break-glass access.log"
MAPPED="$MAPPED access.review"

while IFS=$TAB read -r perm role scope <&3; do
	case " $EXCEPTIONS " in *" $perm "*) continue ;; esac
	CELL="$perm/$role=$scope"
	DESC=$(desc_of "$perm")
	home_team "$role" >/dev/null || continue	# failed above
	case $scope in
	own | team | locality | any | -) ;;
	*)
		fail "$CELL: '$scope' is not a scope (own, team, locality, any or -)"
		continue
		;;
	esac
	case " $MAPPED " in
	*" $perm "*) ;;
	*)
		fail "the table's permission $perm is mapped to no command here: add a cell_ function or list it in EXCEPTIONS with the reason"
		continue
		;;
	esac
	CELLS=$((CELLS + 1))
	[ "$scope" != - ] && NEAR_CELLS=$((NEAR_CELLS + 1))
	[ "$scope" != any ] && FAR_CELLS=$((FAR_CELLS + 1))
	"cell_$(echo "$perm" | tr '.-' '__')" "$role" "$scope"
	COVERED="$COVERED$perm "
done 3<"$T/cells"

# Every mapping and every exception names a permission the table has.
for perm in $MAPPED $EXCEPTIONS; do
	grep -q "^$perm$TAB" "$T/descs" ||
		fail "this test maps or excepts '$perm', which the permission table no longer has"
done
for perm in $MAPPED; do
	case $COVERED in
	*" $perm "*) ;;
	*) grep -q "^$perm$TAB" "$T/descs" && fail "$perm was not tried" ;;
	esac
done
# The exception for referral.receive holds only while no verb records a
# referral by hand.
cd_run referral --help
verbs=$(sed -n 's/^ *\(usage:\)\{0,1\} *caredesk referral \([a-z-]*\).*/\2/p' "$CD_OUT" | sort -u | tr '\n' ' ')
expect_eq "the verbs of caredesk referral (a new one may record a referral: map referral.receive)" \
	"$(echo "$REFERRAL_VERBS" | tr ' ' '\n' | sort | tr '\n' ' ')" "$verbs"

echo "$CELLS cells of $(grep -c . "$T/cells") tried ($EXCEPTIONS excepted): $NEAR_CELLS where allowed, $FAR_CELLS outside; $NEAR_TRIES attempts the table allows, $FAR_TRIES it refuses"
if [ "$NEAR_TRIES" = 0 ] || [ "$FAR_TRIES" = 0 ]; then
	fail "no attempt of one kind was made: $NEAR_TRIES allowed, $FAR_TRIES refused"
fi
finish
