#!/bin/sh
# `caredesk import referrals FILE.csv` against its contract (DESIGN 5,
# "Referral CSV for import referrals" and "Import outcome"): RFC 4180 input
# (quotes, embedded line ends, doubled quotes, UTF-8, a byte-order mark, CRLF,
# columns in any order), unknown columns warned, a missing required column
# refused, code values matched loosely, each bad record reported as
# FILE:LINE: field: reason with the line where it starts, rejects written to
# FILE.rejects.csv (the current directory when that is not writable is
# import-unwritable.sh), the one-hour future limit,
# control characters kept, duplicate people handled without blocking.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

header=received_at,nhs_number,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
cd "$T" || exit 99
make_replica north

# expect_reject FILE LINE FIELD: stderr has a line "FILE:LINE: FIELD: reason"
# (after the program's "caredesk: " prefix, if any) with a reason.
expect_reject() {
	if sed 's/^caredesk: //' "$CD_ERR" |
		awk -v p="$1:$2: $3: " 'index($0, p) == 1 && length($0) > length(p) { found = 1 }
			END { exit !found }'; then
		pass "$CD_CMD: reject $1:$2: $3"
		return 0
	fi
	fail "$CD_CMD: expected a stderr line '$1:$2: $3: REASON'; stderr was:"
	show "$CD_ERR"
	return 1
}

# reject_lines: how many "FILE:LINE: field: reason" lines stderr has.
reject_lines() {
	sed 's/^caredesk: //' "$CD_ERR" | grep -c -E '^[^:]+:[0-9]+: [a-z_]+: ' | tr -d ' '
}

# --- a file with good and bad records -------------------------------------------------
# Line numbers matter: records 3-5, 8-9 and 19-20 span several physical lines.
printf '%s\n' "$header" \
	'2026-11-20T10:00:00Z,,Ok,One,2015-01-01,N1 1AA,school,health,no,plain' \
	'2026-11-20T10:05:00Z,,"Multi, Line",Two,2015-01-02,N1 1AB,gp,health,no,"first line' \
	'second line, with comma' \
	'third ""quoted"" line"' \
	'2026-11-20T10:10:00Z,,Bad,Source,2015-01-03,N1 1AC,carrier-pigeon,health,no,bad source' \
	'2026-11-20T10:15:00Z,,Bad,Category,2015-01-04,N1 1AD,gp,astrology,no,bad category' \
	'2026-11-20T10:20:00Z,,"Bad' \
	'Date",Three,2015-02-30,N1 1AE,gp,health,no,"bad dob, on a multi-line record"' \
	'2026-11-20T10:25:00Z,9434765918,Bad,Nhs,2015-01-05,N1 1AF,gp,health,no,bad check digit' \
	'2026-11-20T10:30:00Z,,Too,Few,2015-01-06,N1 1AG,gp,health,no' \
	'2026-11-20T10:35:00Z,,Too,Many,2015-01-07,N1 1AH,gp,health,no,reason,extra' \
	'2026-11-20T10:40:00Z,,Bad"Quote,Four,2015-01-08,N1 1AI,gp,health,no,malformed quote' \
	'2026-11-20T10:45:00Z,,After,Quote,2015-01-09,N1 1AJ,gp,health,no,imported after the malformed quote' \
	'not-a-time,,Bad,Time,2015-01-10,N1 1AK,gp,health,no,bad received_at' \
	'2026-11-20T10:50:00Z,,Bad,Safeguarding,2015-01-11,N1 1AL,gp,health,perhaps,bad yes/no' \
	'2026-11-20T10:55:00Z,,,Nameless,2015-01-12,N1 1AM,gp,health,no,no family name' \
	'2026-11-20T11:00:00Z,,Last,Good,2015-01-13,N1 1AN,Care Coordination,HOSPITAL_DISCHARGE,YES,codes spelt differently' \
	'2026-11-20T11:05:00Z,,"Quoted' \
	'Name"oops,Five,2015-01-14,N1 1AO,gp,health,no,characters after a closing quote' \
	'2026-11-20T11:10:00Z,,Final,Row,2015-01-15,N1 1AP,gp,health,no,imported after a bad multi-line quote' \
	'2026-11-20T11:15:00Z,,Bad,Again,2015-01-16,N1 1AQ,gp,nonsense,no,line 22 proves the count' \
	>mixed.csv

r import referrals mixed.csv
expect_status 65 "import with rejected records"
expect_reject mixed.csv 6 source
expect_reject mixed.csv 7 category
expect_reject mixed.csv 8 date_of_birth
expect_reject mixed.csv 10 nhs_number
expect_reject mixed.csv 15 received_at
expect_reject mixed.csv 16 safeguarding
expect_reject mixed.csv 17 family_name
expect_reject mixed.csv 22 category
# wrong number of fields and malformed quoting: any field name will do
for line in 11 12 13 19; do
	if sed 's/^caredesk: //' "$CD_ERR" | grep -E "^mixed\\.csv:$line: [a-z_]+: ." >/dev/null; then
		pass "reject at line $line"
	else
		fail "$CD_CMD: expected a stderr line 'mixed.csv:$line: FIELD: REASON'; stderr was:"
		show "$CD_ERR"
	fi
done
expect_eq "rejected records reported on stderr (one line each)" 12 "$(reject_lines)"
expect_eq "referrals committed from mixed.csv" 5 "$(export_count referrals)"
export_to referrals refs.csv
for name in Ok Multi Last After Final; do
	case $name in
	Multi) family="Multi, Line" ;;
	*) family=$name ;;
	esac
	expect_eq "imported: $family" "$family" "$(csv_lookup refs.csv family_name "$family" family_name)"
done
expect_eq "embedded line ends, commas and doubled quotes kept" \
	"$(printf 'first line\nsecond line, with comma\nthird "quoted" line')" \
	"$(csv_lookup refs.csv family_name "Multi, Line" reason)"
expect_eq "source 'Care Coordination' matched" care-coordination "$(csv_lookup refs.csv family_name Last source)"
expect_eq "category 'HOSPITAL_DISCHARGE' matched" hospital-discharge "$(csv_lookup refs.csv family_name Last category)"
expect_eq "safeguarding 'YES' read as yes" yes "$(csv_lookup refs.csv family_name Last safeguarding)"

# The rejects file: the input path + ".rejects.csv", the header plus an error
# column, one re-quoted record per rejected row, every row as wide as the header.
expect_file_exists mixed.csv.rejects.csv "rejects beside the input"
if [ -f mixed.csv.rejects.csv ]; then
	py 'want_header = sys.argv[2].split(",") + ["error"]
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
problems = []
if rows[0] != want_header:
    problems.append("header is %r, expected %r" % (rows[0], want_header))
if len(rows) - 1 != 12:
    problems.append("%d rejected records, expected 12" % (len(rows) - 1))
for i, row in enumerate(rows[1:], 2):
    if len(row) != len(rows[0]):
        problems.append("row %d has %d fields, the header %d: %r" % (i, len(row), len(rows[0]), row))
    elif not row[-1]:
        problems.append("row %d has an empty error column: %r" % (i, row))
for p in problems:
    print(p)' mixed.csv.rejects.csv "$header" >rejects-problems.txt
	if [ -s rejects-problems.txt ]; then
		fail "mixed.csv.rejects.csv is not the header + error column with one record a row:"
		show rejects-problems.txt
	else
		pass "rejects file shape"
	fi
	# Records that were well-formed CSV come back field for field.
	check_reject() {
		got=$(py 'import re
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
want = sys.argv[2:-1]
for row in rows[1:]:
    if row[:len(want)] == want:
        print("ok" if row[len(want)].startswith(sys.argv[-1] + ": ") else "error column: %r" % row[len(want)])
        break
else:
    print("missing")' mixed.csv.rejects.csv "$@")
		expect_eq "rejects file record for $3 $4" ok "$got"
	}
	check_reject 2026-11-20T10:10:00Z "" Bad Source 2015-01-03 "N1 1AC" carrier-pigeon health no "bad source" source
	check_reject 2026-11-20T10:20:00Z "" "$(printf 'Bad\nDate')" Three 2015-02-30 "N1 1AE" gp health no \
		"bad dob, on a multi-line record" date_of_birth
	check_reject 2026-11-20T10:25:00Z 9434765918 Bad Nhs 2015-01-05 "N1 1AF" gp health no "bad check digit" nhs_number
	check_reject not-a-time "" Bad Time 2015-01-10 "N1 1AK" gp health no "bad received_at" received_at
fi

# Read again after a failure: the valid rows come in again (attached to the
# same people or flagged), the same rows are rejected, the rejects file is
# rewritten, and the replica stays consistent.
r check
expect_status 0 "check after an import with rejects"
r import referrals mixed.csv
expect_status 65 "the same file imported again"
expect_eq "rejected records reported again" 12 "$(reject_lines)"
expect_eq "referrals after importing mixed.csv twice" 10 "$(export_count referrals)"
expect_eq "rejects file rewritten, not appended" 12 "$(csv_count mixed.csv.rejects.csv)"
r check
expect_status 0 "check after importing the same file twice"

# --- blank lines are skipped, never rejected ---------------------------------------------
# On a replica of its own.  Blank lines with LF and with CRLF ends, a run of
# them between records, one right after the header and one at the very
# end: none is a record, none a reject, and the line numbers of the records
# after them stay physical lines (the bad category is on line 9).
main_replica=$REPLICA
REPLICA=$T/blank.db
make_replica north "$REPLICA"
printf '%s\r\n' "$header" '' \
	'2026-11-21T09:00:00Z,,Blank,Alpha,1990-01-01,N4 1AA,gp,health,no,after a CRLF blank line' \
	>blank.csv
printf '%s\n' '' \
	'2026-11-21T09:05:00Z,,Blank,Bravo,1990-01-02,N4 1AB,gp,health,no,after an LF blank line' \
	'' '' >>blank.csv
printf '%s\r\n' '' \
	'2026-11-21T09:10:00Z,,Blank,Charlie,1990-01-03,N4 1AC,gp,astrology,no,bad category on line 9' \
	'2026-11-21T09:15:00Z,,Blank,Delta,1990-01-04,N4 1AD,gp,health,no,the last record' \
	'' >>blank.csv
expect_eq "blank.csv's line 9 is the bad record" "Blank,Charlie" \
	"$(sed -n 9p blank.csv | cut -d, -f3,4)"
r import referrals blank.csv
expect_status 65 "import with blank lines and one bad record"
expect_eq "only the bad record is a reject (no blank line is)" 1 "$(reject_lines)"
expect_reject blank.csv 9 category
cat "$CD_OUT" "$CD_ERR" >blank-said.txt
if grep -F "3 referrals imported, 1 rejected" blank-said.txt >/dev/null; then
	pass "blank.csv: 3 imported, 1 rejected"
else
	fail "$CD_CMD: expected '3 referrals imported, 1 rejected'; output was:"
	show blank-said.txt
fi
expect_eq "referrals from blank.csv" 3 "$(export_count referrals)"
if [ -f blank.csv.rejects.csv ]; then
	expect_eq "records in blank.csv's rejects file" 1 "$(csv_count blank.csv.rejects.csv)"
	expect_eq "the rejected record is Charlie" Charlie "$(csv_column blank.csv.rejects.csv given_name)"
else
	fail "no blank.csv.rejects.csv for the bad record"
fi

# Only blank lines after the records: a clean import, no rejects file.
printf '%s\n' "$header" \
	'2026-11-21T09:20:00Z,,Blank,Echo,1990-01-05,N4 1AE,gp,health,no,then only blank lines' \
	'' >trailing.csv
printf '\r\n\r\n' >>trailing.csv
r import referrals trailing.csv
expect_status 0 "import of a file ending in blank lines"
expect_eq "no reject lines for trailing blank lines" 0 "$(reject_lines)"
expect_no_file trailing.csv.rejects.csv "blank lines are not rejects"
expect_eq "referrals after trailing.csv" 4 "$(export_count referrals)"
REPLICA=$main_replica

# --- all good: exit 0 ------------------------------------------------------------------
printf '%s\n' "$header" \
	'2026-11-21T10:00:00Z,,Good,Only,1990-01-01,N3 1AA,hospital,health,no,all fine' >good.csv
r import referrals good.csv
expect_status 0 "import with no rejected records"
expect_eq "no reject lines for a clean file" 0 "$(reject_lines)"
expect_eq "referrals after good.csv" 11 "$(export_count referrals)"

# --- BOM, CRLF, columns in any order, UTF-8, an unknown column ----------------------------
{
	printf '\357\273\277source,reason,date_of_birth,referrer_phone,given_name,family_name,category,received_at,safeguarding,postcode\r\n'
	printf 'police,"Zoë said ""help"", twice",2014-07-07,0123,Zoë,Ó Briain,Mental Health,2026-11-21T11:00:00Z,no,N4 1AA\r\n'
	printf 'Self,Nguyễn asked for help,1950-08-08,,Thị,Nguyễn,carer,2026-11-21T12:00:00Z,No,N4 1AB\r\n'
	printf 'ambulance,"line one\r\nline two",1960-09-09,,Ann,Crlf,hospital discharge,2026-11-21T13:00:00Z,no,N4 1AC\r\n'
} >bom.csv
r import referrals bom.csv
expect_status 0 "import of a CRLF file with a BOM, shuffled and unknown columns"
expect_stderr_contains "bom.csv:1:"
expect_stderr_contains "referrer_phone"
expect_stderr_contains "warning"
expect_stderr_lacks "received_at"
expect_stdout_contains "3 referrals imported"
expect_eq "referrals after bom.csv" 14 "$(export_count referrals)"
r export referrals --format json
cp "$CD_OUT" refs.json
# jfield FAMILY FIELD: FIELD of the referral of FAMILY, from refs.json, as
# Python's repr so control characters show.
jfield() {
	py 'for o in json.load(open(sys.argv[1], encoding="utf-8")):
    if o["family_name"] == sys.argv[2]:
        print(ascii(o[sys.argv[3]]))
        break' refs.json "$1" "$2"
}
expect_eq "UTF-8 family name kept" "'\\xd3 Briain'" "$(jfield "Ó Briain" family_name)"
expect_eq "UTF-8 given name kept" "'Zo\\xeb'" "$(jfield "Ó Briain" given_name)"
expect_eq "quoted reason with comma and doubled quotes" "'Zo\\xeb said \"help\", twice'" "$(jfield "Ó Briain" reason)"
expect_eq "category 'Mental Health' matched" "'mental-health'" "$(jfield "Ó Briain" category)"
expect_eq "source 'Self' matched" "'self'" "$(jfield "Nguyễn" source)"
expect_eq "Vietnamese name kept" "'Th\\u1ecb'" "$(jfield "Nguyễn" given_name)"
expect_eq "category 'hospital discharge' matched" "'hospital-discharge'" "$(jfield Crlf category)"
expect_eq "CRLF inside quotes kept as data" "'line one\\r\\nline two'" "$(jfield Crlf reason)"
expect_eq "the last field of a CRLF line has no CR" "'N4 1AC'" \
	"$(export_to people people.csv; py 'for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row["family_name"] == "Crlf":
        print(ascii(row["postcode"]))' people.csv)"

# Line numbers in a CRLF file with a BOM: a record spanning lines 2-3, a
# bad record on line 4, a good one on line 5.
{
	printf '\357\273\277%s\r\n' "$header"
	printf '2026-11-21T13:10:00Z,,Crlf,Multi,1961-01-01,N4 2AA,gp,health,no,"two\r\nlines"\r\n'
	printf '2026-11-21T13:20:00Z,,Crlf,Bad,1961-01-02,N4 2AB,gp,health,maybe,bad safeguarding\r\n'
	printf '2026-11-21T13:30:00Z,,Crlf,Last,1961-01-03,N4 2AC,gp,health,no,fine\r\n'
} >crlf-bad.csv
r import referrals crlf-bad.csv
expect_status 65 "CRLF file with a bad record"
expect_reject crlf-bad.csv 4 safeguarding
expect_eq "reject lines for crlf-bad.csv" 1 "$(reject_lines)"
expect_stdout_contains "2 referrals imported"

# --- control characters are data -------------------------------------------------------
{
	printf '%s\n' "$header"
	printf '2026-11-21T14:00:00Z,,Escape,Esc,1991-01-01,N5 1AA,gp,health,no,"red \033[31malert\033[0m here"\n'
	printf '2026-11-21T14:05:00Z,,Carriage,Cr,1991-01-02,N5 1AB,gp,health,no,"before\rafter"\n'
	printf '2026-11-21T14:10:00Z,,Bell,Tab,1991-01-03,N5 1AC,gp,health,no,bell \007 and tab \t unquoted\n'
} >ctl.csv
r import referrals ctl.csv
expect_status 0 "import of fields holding control characters"
expect_eq "no reject lines for control characters" 0 "$(reject_lines)"
r export referrals --format json
cp "$CD_OUT" refs.json
expect_eq "ESC kept in the reason" "'red \\x1b[31malert\\x1b[0m here'" "$(jfield Escape reason)"
expect_eq "CR inside quotes kept in the reason" "'before\\rafter'" "$(jfield Carriage reason)"
expect_eq "BEL and TAB kept in the reason" "'bell \\x07 and tab \\t unquoted'" "$(jfield Bell reason)"

# ... and never reach a terminal as control sequences (DESIGN 7).
{
	printf '%s\n' "$header"
	printf '2026-11-21T14:15:00Z,,"Evil\033]0;pwned\007\033[2J",Name,1991-01-04,N5 1AD,gp,health,no,"x\033[31my"\n'
} >evil.csv
r import referrals evil.csv
expect_status 0 "import of a name holding escape sequences"
export_to referrals refs.csv
evil=$(py 'for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row["family_name"].startswith("Evil"):
        print(row["id"])' refs.csv)
r referral list
expect_status 0
if tr -d '\n\t' <"$CD_OUT" | LC_ALL=C grep -q '[[:cntrl:]]'; then
	fail "$CD_CMD: the table output carries control characters from stored text"
else
	pass "referral list (table) neutralises control characters"
fi
expect_stdout_contains "Evil"
r referral show "$evil"
expect_status 0
if tr -d '\n' <"$CD_OUT" | LC_ALL=C grep -q '[[:cntrl:]]'; then
	fail "$CD_CMD: the text output carries control characters from stored text"
else
	pass "referral show (text) neutralises control characters"
fi

# --- the one-hour future limit (now is 2026-11-23T09:00:00Z) -----------------------------
printf '%s\n' "$header" \
	'2026-11-23T09:59:00Z,,Future,FiftyNine,1992-01-01,N6 1AA,gp,health,no,59 minutes ahead' \
	'2026-11-23T10:00:00Z,,Future,Sixty,1992-01-02,N6 1AB,gp,health,no,exactly one hour ahead' \
	'2026-11-23T10:00:01Z,,Future,SixtyOne,1992-01-03,N6 1AC,gp,health,no,one hour and a second ahead' \
	'2026-11-24T09:00:00Z,,Future,Day,1992-01-04,N6 1AD,gp,health,no,a day ahead' \
	'2026-11-23T10:30:00+01:00,,Future,Offset,1992-01-05,N6 1AE,gp,health,no,09:30 UTC written with an offset' \
	>future.csv
r import referrals future.csv
expect_status 65 "import with receipts more than an hour ahead"
expect_reject future.csv 4 received_at
expect_reject future.csv 5 received_at
expect_eq "future rows rejected" 2 "$(reject_lines)"
export_to referrals refs.csv
expect_eq "59 minutes ahead accepted" 2026-11-23T09:59:00Z \
	"$(csv_lookup refs.csv given_name FiftyNine received_at)"
expect_eq "exactly one hour ahead accepted (not more than an hour)" 2026-11-23T10:00:00Z \
	"$(csv_lookup refs.csv given_name Sixty received_at)"
expect_eq "a zone offset stored as UTC" 2026-11-23T09:30:00Z \
	"$(csv_lookup refs.csv given_name Offset received_at)"
expect_eq "one hour and a second ahead not imported" "" "$(csv_lookup refs.csv given_name SixtyOne id)"

# --- locality column ----------------------------------------------------------------------
printf '%s\n' "$header,locality" \
	'2026-11-21T15:00:00Z,,Southern,Sam,1993-01-01,S1 1AA,gp,health,no,from the south,south' \
	'2026-11-21T15:05:00Z,,Nowhere,Nat,1993-01-02,S1 1AB,gp,health,no,unknown locality,atlantis' \
	'2026-11-21T15:10:00Z,,Default,Dan,1993-01-03,S1 1AC,gp,health,no,locality left empty,' \
	>locality.csv
r import referrals locality.csv
expect_status 65 "import with an unknown locality"
expect_reject locality.csv 3 locality
export_to people people.csv
expect_eq "locality column sets the person's locality" south "$(csv_lookup people.csv family_name Southern locality)"
expect_eq "an empty locality is the desk's own" north "$(csv_lookup people.csv family_name Default locality)"

# --- a missing required column: nothing imported --------------------------------------------
before_refs=$(export_count referrals)
before_people=$(export_count people)
for col in received_at family_name given_name date_of_birth source category; do
	hdr=$(echo "$header" | tr ',' '\n' | grep -v -x "$col" | tr '\n' ',' | sed 's/,$//')
	py 'import sys
hdr = sys.argv[1].split(",")
full = dict(zip(sys.argv[2].split(","), ["2026-11-21T16:00:00Z", "", "Missing", "Column", "1994-01-01", "N7 1AA", "gp", "health", "no", "x"]))
with open(sys.argv[3], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(hdr)
    w.writerow([full[h] for h in hdr])' "$hdr" "$header" "missing-$col.csv"
	r import referrals "missing-$col.csv"
	expect_status 65 "header without $col"
	expect_stderr_contains "$col"
	expect_stderr_contains "missing-$col.csv"
done
expect_eq "nothing imported without a required column (referrals)" "$before_refs" "$(export_count referrals)"
expect_eq "nothing imported without a required column (people)" "$before_people" "$(export_count people)"

# --- a file that is not there ------------------------------------------------------------
r import referrals "$T/no-such-file.csv"
expect_status 66 "import of a nonexistent file"
expect_stderr_contains "no-such-file.csv"

# --- duplicate people never block ---------------------------------------------------------
make_replica north "$T/dup.db"
printf '%s\n' "$header" \
	'2026-11-20T09:00:00Z,9434765919,Exact,Eve,2012-03-04,N8 1AA,gp,health,no,first referral' \
	'2026-11-20T09:10:00Z,,Smith,John,2010-01-01,N8 1AB,school,health,no,first referral' \
	>dup1.csv
r import referrals dup1.csv
expect_status 0
expect_eq "people after the first file" 2 "$(export_count people)"
printf '%s\n' "$header" \
	'2026-11-21T09:00:00Z,9434765919,Exact,Evie,2012-03-04,N9 9ZZ,police,health,no,same NHS number' \
	'2026-11-21T09:10:00Z,,Smyth,John,2010-01-01,N8 1AB,school,health,no,sounds like Smith' \
	>dup2.csv
r import referrals dup2.csv
expect_status 0 "import with an exact and a probable match"
expect_stdout_contains "possible duplicate"
expect_eq "people: the exact NHS match attached, the probable match created" 3 "$(export_count people)"
expect_eq "referrals after both files" 4 "$(export_count referrals)"
export_to referrals refs.csv
expect_eq "both referrals with NHS number 9434765919 are one person" 1 \
	"$(py 'print(len({r["person_id"] for r in csv.DictReader(open(sys.argv[1], newline="")) if r["nhs_number"] == "9434765919"}))' refs.csv)"
smyth=$(csv_lookup refs.csv family_name Smyth person_id)
smith=$(csv_lookup refs.csv family_name Smith person_id)
if [ -n "$smyth" ] && [ "$smyth" != "$smith" ]; then
	pass "Smyth is a new person"
else
	fail "import: Smyth (probable match of Smith) should be a new person; Smyth=$smyth Smith=$smith"
fi
export_to flags flags.csv
expect_eq "flags after the probable match" 1 "$(csv_count flags.csv)"
expect_eq "the flag is a possible duplicate" possible-duplicate "$(csv_column flags.csv type)"
expect_eq "the flag is on the new person" "$smyth" "$(csv_column flags.csv person_id)"
r check
expect_status 0 "check after the duplicate handling"

# Issue 14, defect 8: a probable match in a row that is then rejected (an
# unknown category) stores no flag, so the summary counts no duplicate.
printf '%s\n' "$header" \
	'2026-11-22T09:10:00Z,,Smithe,John,2010-01-01,N8 1AB,school,no-such-category,no,rejected' \
	>dup3.csv
r import referrals dup3.csv
expect_status 65 "import of a rejected probable match"
expect_stdout_contains "0 referrals imported, 1 rejected"
expect_stdout_lacks "possible duplicate"
export_to flags flags3.csv
expect_eq "flags after the rejected probable match" 1 "$(csv_count flags3.csv)"

r check
expect_status 0 "check at the end"

finish
