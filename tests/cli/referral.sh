#!/bin/sh
# The referral queue from the command line (DESIGN 5 "Scriptable details"):
# referral list columns and order, list/show JSON, triage and allocate with
# the status rules (77 for a move the rules forbid, 65 for bad values, 66 for
# an unknown id), notes and their amendments, handover add/ack/list, and the
# decision due times of domain.md "Due times (contract)" through import.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

me=$(id -un)
list_header="id,received_at,decision_due_at,status,priority,family_name,given_name,date_of_birth,age_group,source,category,safeguarding,team,allocated_to"
no_such_id=01a20828-0000-7000-8000-000000000000
iso_utc='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

make_replica north
add_worker duty.north north-duty duty
add_worker duty2.north north-duty duty
add_worker prac.north north-adults practitioner

# Now is Mon 23 Nov 2026 09:00 UTC (GMT).  Imported in an order that is not
# the due order: Bravo (adult, 5 working days) is due last.
cat >"$T/in.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-19T09:30:00Z,Bravo,Bea,1970-05-05,N1 2BB,gp,social-care,no,Needs help at home
2026-11-20T10:00:00Z,Alpha,Alf,2015-01-01,N1 1AA,school,health,no,Worried about attendance
2026-11-23T08:00:00Z,Charlie,Cal,2016-02-02,N1 3CC,family,carer,no,Young carer
2026-11-22T12:00:00Z,Delta,Dee,1960-06-06,N1 4DD,police,safeguarding,yes,Concern raised by police
EOF
r import referrals "$T/in.csv"
expect_status 0 "import of four referrals"
expect_eq "referrals imported" 4 "$(export_count referrals)"
alpha=$(referral_id Alpha)
bravo=$(referral_id Bravo)
charlie=$(referral_id Charlie)
delta=$(referral_id Delta)
if [ -z "$alpha" ] || [ -z "$bravo" ] || [ -z "$charlie" ] || [ -z "$delta" ]; then
	die "the imported referrals are not all in export referrals"
fi

# --- referral list -----------------------------------------------------------------
r referral list --format csv
expect_status 0
cp "$CD_OUT" "$T/list.csv"
expect_eq "referral list --format csv header" "$list_header" "$(csv_header "$T/list.csv")"
expect_eq "open referrals listed" 4 "$(csv_count "$T/list.csv")"
expect_eq "referral list order (oldest due first)" "Alpha Charlie Delta Bravo" \
	"$(csv_column "$T/list.csv" family_name | tr '\n' ' ' | sed 's/ $//')"
if py 'rows = list(csv.DictReader(open(sys.argv[1], newline="")))
due = [r["decision_due_at"] for r in rows]
assert due == sorted(due), due' "$T/list.csv"; then
	pass "referral list sorted by decision_due_at"
else
	fail "referral list --format csv is not sorted by decision_due_at:"
	show "$T/list.csv"
fi
expect_eq "Alpha's age group" child "$(csv_lookup "$T/list.csv" id "$alpha" age_group)"
expect_eq "Bravo's age group" adult "$(csv_lookup "$T/list.csv" id "$bravo" age_group)"
expect_eq "Delta's safeguarding" yes "$(csv_lookup "$T/list.csv" id "$delta" safeguarding)"
expect_eq "Alpha's status" new "$(csv_lookup "$T/list.csv" id "$alpha" status)"

# --team: only that team's referrals (Delta, safeguarding, went to the
# MASH); a team that does not exist is an error, not an empty list.
r referral list --team mash --format csv
expect_status 0 "referral list --team mash"
expect_eq "the MASH's referrals" "Delta" "$(csv_column "$CD_OUT" family_name | tr '\n' ' ' | sed 's/ $//')"
r referral list --team north-duty --format csv
expect_eq "north duty's referrals" "Alpha Charlie Bravo" "$(csv_column "$CD_OUT" family_name | tr '\n' ' ' | sed 's/ $//')"
r referral list --team nosuchteam
expect_status 65 "referral list --team nosuchteam"
expect_stderr_contains "unknown team 'nosuchteam': use one of "
expect_stderr_contains "north-duty"
[ -s "$CD_OUT" ] && fail "referral list --team nosuchteam printed a list"

r referral list --format json
expect_status 0
if py 'want = sys.argv[2].split(",")
d = json.load(open(sys.argv[1]))
assert isinstance(d, list), "not an array"
assert len(d) == 4, "%d objects" % len(d)
for o in d:
    assert isinstance(o, dict), "not an object: %r" % (o,)
    assert sorted(o) == sorted(want), "keys %r" % sorted(o)
due = [o["decision_due_at"] for o in d]
assert due == sorted(due), "order %r" % due' "$CD_OUT" "$list_header"; then
	pass "referral list --format json"
else
	fail "referral list --format json: expected an array of 4 objects with keys $list_header, oldest due first; got:"
	show "$CD_OUT"
fi

r referral list
expect_status 0 "referral list as a table"
expect_stdout_contains "Alpha"

r referral list --format csv --team mash
expect_status 0
cp "$CD_OUT" "$T/mash.csv"
expect_eq "referral list --team mash" "$delta" "$(csv_column "$T/mash.csv" id)"

# --- referral show ------------------------------------------------------------------
r referral show "$alpha" --format json
expect_status 0
cp "$CD_OUT" "$T/show.json"
if py 'o = json.load(open(sys.argv[1]))
assert isinstance(o, dict), "not one object"
for k in ("id", "status", "priority", "received_at", "decision_due_at", "person_id",
          "source", "reason", "category", "safeguarding", "decision", "decided_at",
          "decided_by", "team"):
    assert k in o, "no key " + k
assert o["id"] == sys.argv[2], o["id"]' "$T/show.json" "$alpha"; then
	pass "referral show --format json keys"
else
	fail "referral show ID --format json: expected one object with keys id, status, priority, received_at, decision_due_at, person_id, source, reason, category, safeguarding, decision, decided_at, decided_by, team; got:"
	show "$T/show.json"
fi
jget() { py 'v = json.load(open(sys.argv[1]))[sys.argv[2]]
print("" if v is None else v)' "$T/show.json" "$1"; }
expect_eq "show: received_at" 2026-11-20T10:00:00Z "$(jget received_at)"
expect_eq "show: decision_due_at (child, 1 working day)" 2026-11-23T10:00:00Z "$(jget decision_due_at)"
expect_eq "show: status" new "$(jget status)"
expect_eq "show: reason" "Worried about attendance" "$(jget reason)"

r referral show "$alpha"
expect_status 0 "referral show as text"
expect_stdout_contains "$alpha"

r export audit --format csv
expect_eq "referral show is audited as a view" yes \
	"$(py 'for row in csv.DictReader(open(sys.argv[1], newline="")):
    if row["action"] == "view" and row["record_id"] == sys.argv[2]:
        print("yes"); break' "$CD_OUT" "$alpha")"

r referral show "$no_such_id" --format json
expect_status 66 "referral show of an unknown id"
expect_stderr_contains "$no_such_id"

# --- triage -----------------------------------------------------------------------------
r referral triage "$alpha" --priority red --decision s17 --reason "Needs a child in need assessment"
expect_status 0 "triage with --priority --decision --reason"
r referral show "$alpha" --format json
cp "$CD_OUT" "$T/show.json"
expect_eq "after triage: priority" red "$(jget priority)"
expect_eq "after triage: status" triaged "$(jget status)"
expect_eq "after triage: decision" s17 "$(jget decision)"
expect_eq "after triage: decided_by" "$me" "$(jget decided_by)"
expect_eq "after triage: decided_at" "$CAREDESK_NOW" "$(jget decided_at)"
expect_eq "after triage: decision_due_at unchanged (priority never moves it)" \
	2026-11-23T10:00:00Z "$(jget decision_due_at)"
for k in received_at decision_due_at decided_at; do
	if jget "$k" | grep -E "$iso_utc" >/dev/null; then
		pass "$k is ISO 8601 UTC"
	else
		fail "referral show: $k should be ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ), got '$(jget "$k")'"
	fi
done
export_to referrals "$T/refs.csv"
expect_eq "export referrals: decision_reason" "Needs a child in need assessment" \
	"$(csv_lookup "$T/refs.csv" id "$alpha" decision_reason)"

r referral triage "$bravo" --priority purple
expect_status 65 "triage with a bad priority"
expect_stderr_contains "purple"
r referral triage "$bravo" --priority amber --decision maybe-later
expect_status 65 "triage with an unknown decision"
expect_stderr_contains "maybe-later"
r referral triage "$bravo"
expect_status 64 "triage without --priority"
r referral triage "$no_such_id" --priority red
expect_status 66 "triage of an unknown id"
expect_stderr_contains "$no_such_id"
export_to referrals "$T/refs.csv"
expect_eq "Bravo untouched by refused triages: status" new "$(csv_lookup "$T/refs.csv" id "$bravo" status)"
expect_eq "Bravo untouched by refused triages: priority" "" "$(csv_lookup "$T/refs.csv" id "$bravo" priority)"

# A practitioner does not triage.
r --as prac.north referral triage "$bravo" --priority amber
expect_status 77 "triage by a practitioner"

# --- allocate -------------------------------------------------------------------------
r referral allocate "$bravo" --to prac.north
expect_status 77 "allocate before triage (new -> allocated is not allowed)"
export_to referrals "$T/refs.csv"
expect_eq "Bravo still new after the refused allocation" new "$(csv_lookup "$T/refs.csv" id "$bravo" status)"
expect_eq "no case made by the refused allocation" 0 "$(export_count cases)"

r referral triage "$bravo" --priority green
expect_status 0
r referral allocate "$bravo" --to prac.north
expect_status 0 "allocate a triaged referral"
r referral show "$bravo" --format json
cp "$CD_OUT" "$T/show.json"
expect_eq "after allocate: status" allocated "$(jget status)"
expect_eq "after allocate: allocated_to" prac.north "$(jget allocated_to)"
# (Whether an allocated referral stays in the default queue is the code's
# reading of "open"; --all shows it either way.)
r referral list --format csv --all
cp "$CD_OUT" "$T/list.csv"
expect_eq "referral list: allocated_to" prac.north "$(csv_lookup "$T/list.csv" id "$bravo" allocated_to)"
expect_eq "referral list: status" allocated "$(csv_lookup "$T/list.csv" id "$bravo" status)"
export_to referrals "$T/refs.csv"
bravo_person=$(csv_lookup "$T/refs.csv" id "$bravo" person_id)
bravo_case=$(csv_lookup "$T/refs.csv" id "$bravo" case_id)
export_to cases "$T/cases.csv"
expect_eq "cases after one allocation" 1 "$(csv_count "$T/cases.csv")"
expect_eq "the case is the referral's person's" "$bravo_person" "$(csv_column "$T/cases.csv" person_id)"
expect_eq "the case is allocated to the worker" prac.north "$(csv_column "$T/cases.csv" allocated_to)"
expect_eq "the case is open" "" "$(csv_column "$T/cases.csv" closed_at)"
if [ -n "$bravo_case" ]; then
	expect_eq "the referral points at the case" "$bravo_case" "$(csv_column "$T/cases.csv" id)"
fi

r --as prac.north referral list --format csv --all --mine
expect_status 0
cp "$CD_OUT" "$T/mine.csv"
expect_eq "referral list --all --mine (as prac.north)" "$bravo" "$(csv_column "$T/mine.csv" id)"

r referral allocate "$alpha" --to ghost.worker
if [ "$CD_STATUS" = 0 ]; then
	fail "$CD_CMD: allocating to an unknown worker should fail"
else
	pass "allocate to an unknown worker refused (exit $CD_STATUS)"
fi
export_to referrals "$T/refs.csv"
expect_eq "Alpha still triaged after the refused allocation" triaged \
	"$(csv_lookup "$T/refs.csv" id "$alpha" status)"
r referral allocate "$no_such_id" --to prac.north
expect_status 66 "allocate an unknown id"
# A worker without a practice role could neither see nor close the case.
add_worker it.north north-duty admin
r referral allocate "$alpha" --to it.north
expect_status 65 "allocate to an administrator without a practice role"
expect_stderr_contains "it.north holds no practice role (admin)"
r referral allocate "$alpha"
expect_status 64 "allocate without --to"

# A decision that closes the referral takes it out of the default list.
r referral triage "$charlie" --priority green --decision nfa
expect_status 65 "nfa without a reason"
expect_stderr_contains "reason"
r referral triage "$charlie" --priority green --decision nfa --reason "GP already arranging support"
expect_status 0 "triage with a closing decision"
r referral show "$charlie" --format json
cp "$CD_OUT" "$T/show.json"
expect_eq "status after decision nfa" closed "$(jget status)"
r referral list --format csv
cp "$CD_OUT" "$T/list.csv"
expect_eq "closed referral not in the default list" "" "$(csv_lookup "$T/list.csv" id "$charlie" id)"
expect_eq "no closed referral in the default list" "" "$(csv_column "$T/list.csv" status | grep -x closed)"
expect_eq "a triaged referral stays in the default list" triaged "$(csv_lookup "$T/list.csv" id "$alpha" status)"
expect_eq "a new referral is in the default list" new "$(csv_lookup "$T/list.csv" id "$delta" status)"
r referral list --format csv --all
cp "$CD_OUT" "$T/list.csv"
expect_eq "closed referral in list --all" closed "$(csv_lookup "$T/list.csv" id "$charlie" status)"
r referral allocate "$charlie" --to prac.north
expect_status 77 "allocate a closed referral"
r referral triage "$charlie" --priority red
expect_status 77 "triage a closed referral"

# --- notes --------------------------------------------------------------------------
r note add --referral "$bravo" --body "Spoke to the GP, who will visit"
expect_status 0 "note add --referral"
note=$(head -n 1 "$CD_OUT")
export_to notes "$T/notes.csv"
expect_eq "notes after one add" 1 "$(csv_count "$T/notes.csv")"
expect_eq "note add printed the note's id" "$note" "$(csv_column "$T/notes.csv" id)"
expect_eq "note body" "Spoke to the GP, who will visit" "$(csv_lookup "$T/notes.csv" id "$note" body)"
expect_eq "note referral_id" "$bravo" "$(csv_lookup "$T/notes.csv" id "$note" referral_id)"
expect_eq "note person_id (the referral's person)" "$bravo_person" "$(csv_lookup "$T/notes.csv" id "$note" person_id)"
expect_eq "note author" "$me" "$(csv_lookup "$T/notes.csv" id "$note" author)"
expect_eq "note kind (default)" case-note "$(csv_lookup "$T/notes.csv" id "$note" kind)"

r note amend "$note" --body "Spoke to the practice nurse, not the GP"
expect_status 0 "note amend"
amendment=$(head -n 1 "$CD_OUT")
export_to notes "$T/notes.csv"
expect_eq "notes after an amendment (append-only)" 2 "$(csv_count "$T/notes.csv")"
expect_eq "the amended note is unchanged" "Spoke to the GP, who will visit" \
	"$(csv_lookup "$T/notes.csv" id "$note" body)"
expect_eq "the amendment's body" "Spoke to the practice nurse, not the GP" \
	"$(csv_lookup "$T/notes.csv" id "$amendment" body)"
expect_eq "the amendment points at the note" "$note" "$(csv_lookup "$T/notes.csv" id "$amendment" amends_id)"
expect_eq "the amendment keeps the referral" "$bravo" "$(csv_lookup "$T/notes.csv" id "$amendment" referral_id)"

r note add --case "$bravo_case" --kind visit --body "Home visit done"
expect_status 0 "note add --case --kind visit"
r note add --person "$bravo_person" --body "Phoned daughter"
expect_status 0 "note add --person"
r note add --referral "$no_such_id" --body "Nobody"
expect_status 66 "note add to an unknown referral"
r note amend "$no_such_id" --body "Nothing"
expect_status 66 "note amend of an unknown note"
r note add --referral "$bravo" --body "   "
expect_status 65 "note add with an empty body"
r note add --referral "$bravo" --kind gossip --body "x"
expect_status 65 "note add with an unknown kind"
r note add --body "About nobody"
expect_status 64 "note add without --person, --case or --referral"
expect_eq "notes after the refused adds" 4 "$(export_count notes)"

# --- handover -------------------------------------------------------------------------
r handover add --situation "Bravo lives alone" --background "Fall last week" \
	--assessment "At risk of another fall" --recommendation "Ring GP at 10" --person "$bravo_person"
expect_status 0 "handover add"
item=$(head -n 1 "$CD_OUT")
r handover list --format csv
expect_status 0
cp "$CD_OUT" "$T/handover.csv"
expect_eq "handover items" 1 "$(csv_count "$T/handover.csv")"
expect_eq "handover add printed the item's id" "$item" "$(csv_column "$T/handover.csv" id)"
expect_eq "handover situation" "Bravo lives alone" "$(csv_lookup "$T/handover.csv" id "$item" situation)"
expect_eq "handover recommendation" "Ring GP at 10" "$(csv_lookup "$T/handover.csv" id "$item" recommendation)"
expect_eq "handover author" "$me" "$(csv_lookup "$T/handover.csv" id "$item" author)"
expect_eq "not yet acknowledged" "" "$(csv_lookup "$T/handover.csv" id "$item" acknowledged_by)"

# Only a member of the receiving team other than the author acknowledges,
# with a read-back of at least 3 words and 10 characters (issue 14).
r handover ack "$item" --readback "Will ring GP at 10"
expect_status 77 "the author acknowledging their own item"
r --as prac.north handover ack "$item" --readback "Will ring GP at 10"
expect_status 77 "a worker of another team acknowledging"
r --as duty.north handover ack "$item" --readback "Noted"
expect_status 65 "a read-back of one word"
r --as duty.north handover ack "$item" --readback "ok ok ok"
expect_status 65 "a read-back of three words but under 10 characters"
r --as duty.north handover ack "$item" --readback "Will ring GP at 10"
expect_status 0 "handover ack"
r --as duty.north handover ack "$item" --readback "Will ring GP at 10"
if [ "$CD_STATUS" = 0 ]; then
	fail "$CD_CMD: a second acknowledgement by the same worker should be refused; exit 0"
else
	pass "double ack refused (exit $CD_STATUS)"
fi
r --as duty2.north handover ack "$item" --readback "Noted, ringing the GP at ten"
expect_status 0 "handover ack by a second worker"
r handover list --format csv
cp "$CD_OUT" "$T/handover.csv"
acked=$(csv_lookup "$T/handover.csv" id "$item" acknowledged_by)
expect_eq "acknowledged_by (each acknowledging worker once)" "duty.north duty2.north" \
	"$(echo "$acked" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "acknowledged_by has two names (no duplicate ack)" 2 "$(echo "$acked" | wc -w | tr -d ' ')"
if py 'rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
row = [r for r in rows if r["id"] == sys.argv[2]][0]
want = "duty.north: Will ring GP at 10\nduty2.north: Noted, ringing the GP at ten"
assert row["readbacks"] == want, "readbacks %r, expected %r" % (row["readbacks"], want)' \
	"$T/handover.csv" "$item" 2>"$T/problem"; then
	pass "handover list: each read-back with who gave it"
else
	fail "handover list: $(tail -n 1 "$T/problem")"
fi

r handover ack "$no_such_id"
expect_status 66 "ack of an unknown handover item"
r handover add --situation S --background B --recommendation R
expect_status 65 "handover add without an assessment"
r handover add --situation S --background B --assessment A --recommendation R --priority purple
expect_status 65 "handover add with a bad priority"
r handover list --format json
expect_status 0
if py 'd = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 1 and isinstance(d[0], dict)' "$CD_OUT"; then
	pass "handover list --format json"
else
	fail "handover list --format json: expected an array of one object; got:"
	show "$CD_OUT"
fi

r check
expect_status 0 "check after the referral work"

# --- due times (domain.md, "Due times (contract)") ---------------------------------------
# The four worked examples (children: 1 working day), the adult defaults (5
# working days; 1 for a safeguarding concern), through import, on a fresh
# replica with the clock after every receipt.
make_replica north "$T/due.db"
CAREDESK_NOW=2026-12-24T17:00:00Z
cat >"$T/due.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-12-24T16:00:00Z,Christmas,Eve,2015-06-01,N2 1AA,school,health,no,25 and 28 Dec are bank holidays
2026-03-27T16:00:00Z,Clocks,Change,2015-06-02,N2 1AB,school,health,no,GMT to BST
2026-04-04T11:00:00Z,Easter,Saturday,2015-06-03,N2 1AC,school,health,no,weekend then Easter Monday
2026-04-02T10:30:00Z,Good,Friday,2015-06-04,N2 1AD,school,health,no,Good Friday and Easter Monday
2026-11-16T10:00:00Z,Adult,Request,1970-01-01,N2 1AE,gp,social-care,no,5 working days
2026-12-23T12:00:00Z,Adult,Holidays,1970-01-02,N2 1AF,gp,social-care,no,5 working days over Christmas and New Year
2026-10-22T13:00:00Z,Adult,Autumn,1970-01-03,N2 1AG,gp,health,no,5 working days across the end of BST
2026-11-20T14:00:00Z,Adult,Concern,1970-01-04,N2 1AH,police,safeguarding,yes,adult safeguarding concern
2026-11-19T10:00:00Z,Birthday,Eve,2008-11-20,N2 1AI,gp,social-care,no,17 on the day received: a child
2026-11-20T10:00:00Z,Birthday,Day,2008-11-20,N2 1AJ,gp,social-care,no,18 on the day received: an adult
2026-06-19T23:30:00Z,Birthday,Midnight,2008-06-20,N2 1AK,gp,social-care,no,00:30 BST on the 18th birthday
EOF
r import referrals "$T/due.csv"
expect_status 0 "import of the due-time examples"
export_to referrals "$T/due-refs.csv"
while read -r family given due why; do
	got=$(py 'for row in csv.DictReader(open(sys.argv[1], newline="")):
    if row["family_name"] == sys.argv[2] and row["given_name"] == sys.argv[3]:
        print(row["decision_due_at"])' "$T/due-refs.csv" "$family" "$given")
	expect_eq "decision_due_at for $family $given ($why)" "$due" "$got"
done <<'EOF'
Christmas Eve 2026-12-29T16:00:00Z child,_Thu_24_Dec_16:00
Clocks Change 2026-03-30T15:00:00Z child,_Fri_27_Mar_16:00_GMT
Easter Saturday 2026-04-08T08:00:00Z child,_Sat_4_Apr_11:00
Good Friday 2026-04-07T10:30:00Z child,_Thu_2_Apr_10:30
Adult Request 2026-11-23T10:00:00Z adult,_5_working_days_from_Mon_16_Nov
Adult Holidays 2027-01-04T12:00:00Z adult,_5_working_days_from_Wed_23_Dec
Adult Autumn 2026-10-29T14:00:00Z adult,_14:00_BST_to_14:00_GMT_after_the_clocks_change
Adult Concern 2026-11-23T14:00:00Z adult_safeguarding_concern,_1_working_day
Birthday Eve 2026-11-20T10:00:00Z a_child_the_day_before_the_18th_birthday
Birthday Day 2026-11-27T10:00:00Z an_adult_on_the_18th_birthday
Birthday Midnight 2026-06-29T08:00:00Z adult_on_the_local_date;_Sat_00:30_BST_starts_Mon_09:00
EOF

# Priority set at triage never moves the due time.
christmas=$(csv_lookup "$T/due-refs.csv" family_name Christmas id)
r referral triage "$christmas" --priority red
expect_status 0
r referral show "$christmas" --format json
cp "$CD_OUT" "$T/show.json"
expect_eq "due time after triage red" 2026-12-29T16:00:00Z "$(jget decision_due_at)"

# Local time is Europe/London unless the configuration's timezone says
# otherwise: in UTC the clocks never change, so 16:00 stays 16:00 UTC.
make_replica north "$T/utc.db"
mkdir -p "$XDG_CONFIG_HOME/caredesk"
echo 'timezone = "UTC";' >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
printf '%s\n' "received_at,family_name,given_name,date_of_birth,source,category" \
	"2026-03-27T16:00:00Z,Utc,Clocks,2015-06-02,school,health" >"$T/utc.csv"
r import referrals "$T/utc.csv"
expect_status 0 "import with timezone = \"UTC\" configured"
export_to referrals "$T/utc-refs.csv"
expect_eq "due time with timezone UTC (no clock change)" 2026-03-30T16:00:00Z \
	"$(csv_lookup "$T/utc-refs.csv" family_name Utc decision_due_at)"
echo 'timezone = "Mars/Olympus_Mons";' >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
r referral list
expect_status 78 "an unknown timezone in the configuration"
expect_stderr_contains "Mars/Olympus_Mons"
rm -f "$XDG_CONFIG_HOME/caredesk/caredesk.conf"

finish
