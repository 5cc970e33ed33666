#!/bin/sh
# Codes and labels (issue 14, defect 9; DESIGN 5): wherever a code is typed
# (import, referral triage --decision, case close --reason) the code or its
# label from data/codes.tsv is accepted, in any case, with space, hyphen and
# underscore alike, and stored as the code.  A value that is neither is
# refused (65) with one line naming every code of its list, as
# data/codes.tsv has them (the message is read from the list, so a code
# added there, like health-visitor, is never missing from it).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python
: "${CAREDESK_DATADIR:?CAREDESK_DATADIR must name data/}"

make_replica north
add_worker prac.north north-adults practitioner

# codes LIST: every code of LIST in data/codes.tsv, one a line.
codes() {
	awk -F '\t' -v list="$1" '$1 == list { print $2 }' "$CAREDESK_DATADIR/codes.tsv"
}

# expect_every_code LIST: the last command's stderr names each code of LIST.
expect_every_code() {
	[ -n "$(codes "$1")" ] || fail "data/codes.tsv has no $1 codes"
	for c in $(codes "$1"); do
		expect_stderr_contains " $c"
	done
	expect_stderr_lines 1
}

# --- import: labels as the code list writes them, and in other cases ---------
header=received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
printf '%s\n' "$header" \
	"2026-11-20T09:00:00Z,Label,Ann,1970-01-01,N1 1AA,Care Co-ordination Centre,Carer's needs,no,label" \
	'2026-11-20T09:05:00Z,Label,Bob,1970-01-02,N1 1AB,AMBULANCE SERVICE,hospital_discharge,no,label' \
	'2026-11-20T09:10:00Z,Label,Cat,1970-01-03,N1 1AC,self referral,Social-Care Need,no,label' \
	'2026-11-20T09:15:00Z,Label,Dan,1970-01-04,N1 1AD,health visitor,health,no,code' \
	>labels.csv
r import referrals labels.csv
expect_status 0 "import of codes given by their labels"
expect_stderr_empty
export_to referrals refs.csv
expect_eq "Ann's source (Care Co-ordination Centre)" care-coordination "$(csv_lookup refs.csv given_name Ann source)"
expect_eq "Ann's category (Carer's needs)" carer "$(csv_lookup refs.csv given_name Ann category)"
expect_eq "Bob's source (AMBULANCE SERVICE)" ambulance "$(csv_lookup refs.csv given_name Bob source)"
expect_eq "Cat's source (self referral)" self "$(csv_lookup refs.csv given_name Cat source)"
expect_eq "Cat's category (Social-Care Need)" social-care "$(csv_lookup refs.csv given_name Cat category)"
expect_eq "Dan's source (health visitor)" health-visitor "$(csv_lookup refs.csv given_name Dan source)"

# --- import: neither a code nor a label --------------------------------------
printf '%s\n' "$header" \
	'2026-11-20T09:20:00Z,Bad,Eve,1970-01-05,N1 1AE,carrier pigeon,health,no,bad' \
	>badsource.csv
r import referrals badsource.csv
expect_status 65 "an unknown source"
expect_stderr_contains "badsource.csv:2: source: 'carrier pigeon' is not a source"
expect_every_code source
printf '%s\n' "$header" \
	'2026-11-20T09:20:00Z,Bad,Fay,1970-01-06,N1 1AF,gp,gossip,no,bad' \
	>badcategory.csv
r import referrals badcategory.csv
expect_status 65 "an unknown category"
expect_stderr_contains "category: 'gossip' is not a category"
expect_every_code category

# --- triage: a decision by its label ------------------------------------------
ann=$(csv_lookup refs.csv given_name Ann id)
bob=$(csv_lookup refs.csv given_name Bob id)
r referral triage "$ann" --priority amber --decision "care act needs ASSESSMENT"
expect_status 0 "a decision given by its label"
export_to referrals refs.csv
expect_eq "Ann's decision" assessment "$(csv_lookup refs.csv id "$ann" decision)"
r referral triage "$bob" --priority amber --decision "a long chat"
expect_status 65 "an unknown decision"
expect_stderr_contains "decision: 'a long chat' is not a decision"
expect_every_code decision

# --- case close: a closure reason by its label --------------------------------
r referral allocate "$ann" --to prac.north
expect_status 0
export_to cases cases.csv
case_id=$(csv_column cases.csv id | head -n 1)
[ -n "$case_id" ] || die "allocating Ann's referral opened no case"
r --as prac.north case close "$case_id" --reason "it's over"
expect_status 65 "an unknown closure reason"
expect_stderr_contains "reason: 'it's over' is not a closure reason"
expect_every_code closure
r --as prac.north case close "$case_id" --reason "moved out of the BOROUGH"
expect_status 0 "a closure reason given by its label"
expect_stdout_contains "closed: moved-away"
export_to cases cases.csv
expect_eq "closure reason stored as its code" moved-away "$(csv_lookup cases.csv id "$case_id" closure_reason)"

finish
