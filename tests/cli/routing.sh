#!/bin/sh
# Where an imported referral goes (DESIGN: safeguarding to the MASH, the
# single front door; everything else to the duty team of the person's
# locality; a locality with no duty team of its own, such as the
# borough-wide desk's, to the MASH rather than nowhere).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

header=received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason,locality
cd "$T" || exit 99

# team_of FAMILY: the team of that person's referral on $REPLICA.
team_of() {
	export_to referrals "$T/routed.csv"
	csv_lookup "$T/routed.csv" family_name "$1" team
}

make_replica north
printf '%s\n' "$header" \
	'2026-11-20T10:00:00Z,Plain,North,1950-01-01,N1 1AA,gp,health,no,plain,' \
	'2026-11-20T10:05:00Z,Flagged,North,2015-01-01,N1 1AB,school,health,yes,safeguarding yes,' \
	'2026-11-20T10:10:00Z,Category,North,2015-01-02,N1 1AC,school,safeguarding,no,category safeguarding,' \
	'2026-11-20T10:15:00Z,Plain,South,1950-01-02,S1 1AA,gp,health,no,a person of the south,south' \
	'2026-11-20T10:20:00Z,Plain,Borough,1950-01-03,B1 1AA,gp,health,no,borough-wide person,borough' \
	>north.csv
r import referrals north.csv
expect_status 0 "import on the north desk"
expect_eq "plain referral on the north desk" north-duty "$(team_of Plain)"
expect_eq "safeguarding yes" mash "$(team_of Flagged)"
expect_eq "category safeguarding" mash "$(team_of Category)"
export_to referrals "$T/routed.csv"
expect_eq "a south person's referral to the south duty team" south-duty \
	"$(py 'for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row["given_name"] == "South":
        print(row["team"])' "$T/routed.csv")"
expect_eq "a borough-wide person's referral (no duty team there) to the MASH" mash \
	"$(py 'for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row["given_name"] == "Borough":
        print(row["team"])' "$T/routed.csv")"

# The borough-wide desk: its own people have no duty team; never a reject.
make_replica borough "$T/borough.db"
printf '%s\n' "$header" \
	'2026-11-20T11:00:00Z,Wide,One,1950-01-04,B1 1AB,gp,health,no,plain on the borough desk,' \
	>borough.csv
r import referrals borough.csv
expect_status 0 "a plain referral on the borough-wide desk"
expect_eq "plain referral on the borough-wide desk to the MASH" mash "$(team_of Wide)"
finish
