#!/bin/sh
# Restricted records, break-glass and the access audit (issue 14;
# caredesk(1) RESTRICTED RECORDS; DESIGN 5: person show|restrict|unrestrict,
# access log|review|reviewed).  Who sees a restricted person: the worker
# allocated their open case, that team's managers, MASH while a
# safeguarding referral is open, and whoever broke glass in the last
# break_glass_lasts.  Everyone else sees "restricted record" in lists,
# exports and command output, and person show refuses (77).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

make_replica north
me=$(id -un)
add_worker duty.north north-duty duty
add_worker prac.north north-adults practitioner
add_worker prac2.north north-adults practitioner
add_worker mgr.adults north-adults manager
add_worker mgr.children north-children manager
add_worker mash.one mash mash
add_worker aud.north north-duty auditor

printf '%s\n' \
	received_at,nhs_number,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason \
	'2026-11-20T09:00:00Z,9434765919,Alpha,Ann,1970-01-01,N1 1AA,gp,social-care,no,Needs help at home' \
	'2026-11-20T09:05:00Z,,Bravo,Bea,1971-02-02,N1 1AB,police,safeguarding,yes,Neighbour concerned' \
	>in.csv
r import referrals in.csv
expect_status 0 "import"
alpha_ref=$(referral_id Alpha)
bravo_ref=$(referral_id Bravo)
export_to referrals refs.csv
alpha=$(csv_lookup refs.csv id "$alpha_ref" person_id)
bravo=$(csv_lookup refs.csv id "$bravo_ref" person_id)
[ -n "$alpha" ] && [ -n "$bravo" ] || die "the imported people have no ids"
r referral triage "$alpha_ref" --priority amber --decision assessment
expect_status 0 "triage Alpha"
r referral allocate "$alpha_ref" --to prac.north
expect_status 0 "allocate Alpha to prac.north (north-adults)"
r --as prac.north note add --referral "$alpha_ref" --body "Visited Ann Alpha at home"
expect_status 0 "a note on Alpha"

# --- restricting: team managers and auditors, with a reason --------------
r --as prac.north person restrict "$alpha" --reason "Staff member as client"
expect_status 77 "a practitioner restricting a record"
r --as mgr.adults person restrict "$alpha" --reason "short"
expect_status 65 "a restriction without a sentence of reason"
r --as mgr.adults person restrict "$no_such_id" --reason "Staff member as client"
expect_status 66 "restricting an unknown person"
r --as mgr.adults person restrict "$alpha" --reason "Staff member as client"
expect_status 0 "a team manager restricting a record"
expect_stdout_contains "person $alpha restricted"
r --as mgr.adults person restrict "$alpha" --reason "Staff member as client"
expect_status 65 "restricting a restricted record again"
expect_stderr_contains "$alpha is restricted already"

# --- who sees it ---------------------------------------------------------
show_as() {
	r --as "$1" person show "$alpha" --format json
}
show_as prac.north
expect_status 0 "the allocated worker sees the record"
cp "$CD_OUT" shown.json
expect_eq "the allocated worker sees the name" Alpha \
	"$(py 'print(json.load(open(sys.argv[1]))["family_name"])' shown.json)"
expect_eq "person show says it is restricted" True \
	"$(py 'print(json.load(open(sys.argv[1]))["restricted"])' shown.json)"
show_as mgr.adults
expect_status 0 "a manager of the allocated worker's team sees the record"
for w in prac2.north mgr.children duty.north mash.one aud.north "$me"; do
	show_as "$w"
	expect_status 77 "$w opening a restricted record without breaking glass"
	expect_stderr_contains "is a restricted record"
	expect_stdout_lacks "Alpha"
done

# Lists, searches and exports show "restricted record" and nothing that
# identifies the person.
r --as duty.north referral list --all --format csv
expect_status 0
cp "$CD_OUT" list.csv
expect_eq "referral list: the name of a restricted record" "restricted record" \
	"$(csv_lookup list.csv id "$alpha_ref" family_name)"
expect_eq "referral list: no given name" "" "$(csv_lookup list.csv id "$alpha_ref" given_name)"
r --as prac.north referral list --all --format csv
cp "$CD_OUT" list.csv
expect_eq "the allocated worker's list names the person" Alpha \
	"$(csv_lookup list.csv id "$alpha_ref" family_name)"
export_to people people.csv
for col in family_name given_name nhs_number postcode address; do
	case "$(csv_lookup people.csv id "$alpha" "$col")" in
	*Alpha* | *Ann* | 9434765919 | "N1 1AA")
		fail "export people: an administrator's export shows the restricted $col" ;;
	*) pass "export people: $col redacted" ;;
	esac
done
expect_eq "export people: others unredacted" Bravo "$(csv_lookup people.csv id "$bravo" family_name)"
export_to notes notes.csv
expect_eq "export notes: a restricted record's note text" "(restricted record)" \
	"$(csv_lookup notes.csv person_id "$alpha" body)"
export_to referrals refs.csv
expect_eq "export referrals: the name" "restricted record" \
	"$(csv_lookup refs.csv id "$alpha_ref" family_name)"
expect_eq "export referrals: the NHS number" "" "$(csv_lookup refs.csv id "$alpha_ref" nhs_number)"

# --- break-glass --------------------------------------------------------
r --as prac2.north person show "$alpha" --break-glass "bored" --reason "Just looking at it"
expect_status 65 "break-glass with an unknown reason code"
r --as prac2.north person show "$alpha" --break-glass duty-cover --reason "cover"
expect_status 65 "break-glass without a sentence"
r --as prac2.north person show "$alpha" --break-glass duty-cover
expect_status 64 "break-glass without --reason"
r --as aud.north person show "$alpha" --break-glass other --reason "Wanted to see the record"
expect_status 77 "an auditor (no practice role) breaking glass"
r --as prac2.north person show "$alpha" --format json --break-glass "Duty cover" \
	--reason "Covering prac.north's visits today"
expect_status 0 "a practitioner breaking glass (the code by its label)"
expect_stdout_contains '"family_name":"Alpha"'
expect_stderr_contains "until 2026-11-23T13:00:00Z"
show_as prac2.north
expect_status 0 "break-glass lasts: a second look within 4 hours"
r --as prac2.north referral list --all --format csv
cp "$CD_OUT" list.csv
expect_eq "break-glass: the lists name the person too" Alpha \
	"$(csv_lookup list.csv id "$alpha_ref" family_name)"
CAREDESK_NOW=2026-11-23T13:00:01Z r --as prac2.north person show "$alpha"
expect_status 77 "break-glass has run out after 4 hours"
printf 'break_glass_lasts = "30m";\n' >glass.conf
CAREDESK_NOW=2026-11-23T09:30:01Z r --config glass.conf --as prac2.north person show "$alpha"
expect_status 77 "break_glass_lasts = 30m: the 09:00 break-glass is over at 09:30"
CAREDESK_NOW=2026-11-23T09:20:00Z r --config glass.conf --as prac2.north person show "$alpha"
expect_status 0 "break_glass_lasts = 30m: still open at 09:20"
mkdir -p "$XDG_CONFIG_HOME/caredesk"
printf 'break_glass_lasts = "24h";\n' >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
r --as prac2.north person show "$alpha"
expect_status 78 "a user's own file setting break_glass_lasts (host-only)"
expect_stderr_contains "break_glass_lasts: is a host-only setting"
rm "$XDG_CONFIG_HOME/caredesk/caredesk.conf"

# --- MASH sees a record while a safeguarding referral is open -----------
r person restrict "$bravo" --reason "High-profile person in the news"
expect_status 0 "a manager of the locality restricting a record"
r --as mash.one person show "$bravo"
expect_status 0 "MASH sees a restricted record with an open safeguarding referral"
r --as duty.north person show "$bravo"
expect_status 77 "a duty worker does not"

# --- the access log ----------------------------------------------------
r --as aud.north access log
expect_status 64 "access log with neither --person nor --worker"
r --as prac.north access log --person "$alpha"
expect_status 77 "a practitioner reading a record's access log"
r --as mgr.children access log --person "$alpha"
expect_status 77 "a manager of another team reading it"
# A record with no open case has no team: only auditors read its log, and
# the refusal says so (no "team manager of " naming nothing).
r --as mgr.adults access log --person "$bravo"
expect_status 77 "a manager reading the log of a record of no team"
expect_stderr_contains "only an auditor may read who has opened a record (you are"
r --as mgr.adults access log --person "$alpha" --format csv
expect_status 0 "the record's team manager reads its access log"
r --as aud.north access log --person "$alpha" --format csv
expect_status 0 "an auditor reads a record's access log"
cp "$CD_OUT" log.csv
if py 'rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
seen = {(r["worker"], r["action"]) for r in rows}
for want in [("prac.north", "view"), ("mgr.adults", "view"), ("prac2.north", "break-glass"),
             ("prac2.north", "view"), ("mgr.adults", "person.restrict"), (sys.argv[2], "export")]:
    assert want in seen, "no %s %s in %r" % (want + (sorted(seen),))
glass = [r for r in rows if r["action"] == "break-glass"][0]
assert glass["reason"] == "duty-cover: Covering prac.north'"'"'s visits today", glass["reason"]
assert glass["locality"] == "north" and glass["replica"], glass
refused = [r for r in rows if r["worker"] == "duty.north"]
assert not refused, "a refused look was logged as a view: %r" % refused' log.csv "$me" 2>problem; then
	pass "access log --person: views, break-glass, restriction and exports, with reasons"
else
	fail "access log --person: $(tail -n 1 problem)"
fi
r --as aud.north access log --worker prac2.north --format csv
expect_status 0
cp "$CD_OUT" wlog.csv
expect_eq "access log --worker: what prac2.north opened" "break-glass view view view" \
	"$(csv_column wlog.csv action | sort | tr '\n' ' ' | sed 's/ $//')"
r --as aud.north access log --worker prac2.north --since 2026-11-24 --format csv
cp "$CD_OUT" wlog.csv
expect_eq "access log --since a later day" 0 "$(csv_count wlog.csv)"

# --- review ------------------------------------------------------------
r --as prac.north access review
expect_status 77 "a practitioner listing access for review"
r --as mgr.adults access review --format csv
expect_status 0 "a team manager's recent break-glass list"
cp "$CD_OUT" mrev.csv
expect_eq "the manager's list: the break-glass on their team's record" "break-glass" \
	"$(csv_column mrev.csv action | sort -u | tr '\n' ' ' | sed 's/ $//')"
r --as aud.north access review --format csv
expect_status 0 "the auditor's review list"
cp "$CD_OUT" rev.csv
glass_event=$(py 'for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if r["action"] == "break-glass":
        print(r["event_id"])' rev.csv)
[ -n "$glass_event" ] || fail "the break-glass is not in access review"
views=$(py 'print(sum(1 for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
                if r["action"] == "view"))' rev.csv)
[ "$views" -ge 4 ] || fail "access review lists $views views of restricted records, expected at least 4"
r --as mgr.adults access reviewed "$glass_event" --note "Cover was arranged by the manager"
expect_status 77 "a manager marking an event reviewed"
r --as aud.north access reviewed "$glass_event" --note "ok"
expect_status 65 "a review without a sentence"
r --as aud.north access reviewed "$no_such_id" --note "Checked with the team manager"
expect_status 66 "reviewing an unknown event"
r --as aud.north access reviewed "$glass_event" --note "Checked with the team manager"
expect_status 0 "an auditor marking a break-glass reviewed"
expect_stdout_contains "marked reviewed"
r --as aud.north access reviewed "$glass_event" --note "Checked with the team manager"
expect_status 65 "reviewing the same event twice"
r --as aud.north access review --format csv
cp "$CD_OUT" rev.csv
expect_eq "reviewed_by after the review" aud.north "$(csv_lookup rev.csv event_id "$glass_event" reviewed_by)"
expect_eq "review_note" "Checked with the team manager" \
	"$(csv_lookup rev.csv event_id "$glass_event" review_note)"

# --- unrestricting --------------------------------------------------------
r --as prac.north person unrestrict "$alpha" --reason "No longer a member of staff"
expect_status 77 "a practitioner lifting a restriction"
r --as mgr.adults person unrestrict "$alpha" --reason "No longer a member of staff"
expect_status 0 "a team manager lifting a restriction"
r --as duty.north person show "$alpha"
expect_status 0 "an unrestricted record is open to all"
expect_stdout_contains "Alpha"
r --as duty.north person show "$alpha" --break-glass other --reason "No need for this at all"
expect_status 64 "break-glass on a record that is not restricted"
finish
