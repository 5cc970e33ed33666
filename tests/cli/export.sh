#!/bin/sh
# `caredesk export TABLE [--format csv|json]` (DESIGN 5 "Scriptable
# details"): every contract table name exports in both formats; CSV has a
# header row and JSON is an array of objects with the same columns; referrals
# carry the person's identifying fields beside person_id; NHS numbers are
# plain digits; column order is stable (the same bytes twice, the same header
# empty or full); an unknown table is a usage error.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

tables="people referrals cases notes handover workers teams relationships flags audit"
cd "$T" || exit 99

# Headers of an empty replica, to compare with a full one's.
make_replica north "$T/empty.db"
for t in $tables; do
	r export "$t" --format csv
	expect_status 0 "export $t (empty replica)"
	csv_header "$CD_OUT" >"empty-$t.header"
done

# A replica with something in every table the CLI can fill.
make_replica north
add_worker duty.north north-duty duty
add_worker prac.north north-adults practitioner
header=received_at,nhs_number,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
printf '%s\n' "$header" \
	'2026-11-20T09:00:00Z,943 476 5919,Spaced,Sam,1970-03-04,N1 1AA,gp,social-care,no,NHS number with spaces' \
	'2026-11-20T09:10:00Z,999-000-0018,Hyphen,Hal,2012-05-06,N1 1AB,school,health,no,NHS number with hyphens' \
	'2026-11-20T09:20:00Z,9990000026,Plain,Pat,1980-07-08,N1 1AC,police,safeguarding,yes,"reason, with ""quotes""' \
	'and a second line"' \
	'2026-11-20T09:30:00Z,,Smith,John,2010-01-01,N1 1AD,school,health,no,no NHS number' \
	'2026-11-20T09:40:00Z,,Smyth,John,2010-01-01,N1 1AD,school,health,no,probable duplicate' \
	>in.csv
r import referrals in.csv
expect_status 0 "import for the export tests"
export_to referrals refs.csv
spaced=$(csv_lookup refs.csv family_name Spaced id)
r referral triage "$spaced" --priority amber --decision assessment --reason "Care Act assessment"
expect_status 0
r referral allocate "$spaced" --to prac.north
expect_status 0
r note add --referral "$spaced" --body "First contact, by phone"
expect_status 0
r handover add --situation S --background B --assessment A --recommendation R
expect_status 0
item=$(head -n 1 "$CD_OUT")
r --as duty.north handover ack "$item" --readback "Will do all four"
expect_status 0

# audit_only_grows: a second export of the audit is the first one, byte
# for byte, followed by exactly the records of the two exports since.
audit_only_grows() {
	r export audit --format csv
	_n=$(wc -l <audit.csv)
	if head -n "$_n" "$CD_OUT" | cmp -s - audit.csv; then
		pass "export audit: earlier rows unchanged"
	else
		fail "export audit --format csv: rows already exported changed on a second run"
	fi
	expect_eq "export audit: the rows added are the two exports since" "export export" \
		"$(tail -n +$((_n + 1)) "$CD_OUT" | cut -d, -f7 | tr '\n' ' ' | sed 's/ $//')"
}

# --- every table, both formats -------------------------------------------------------------
for t in $tables; do
	r export "$t" --format csv
	expect_status 0 "export $t --format csv"
	cp "$CD_OUT" "$t.csv"
	r export "$t" --format json
	expect_status 0 "export $t --format json"
	cp "$CD_OUT" "$t.json"
	# JSON: an array of objects whose keys, in order, are the CSV header;
	# the same number of rows in both.
	if py 'rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows, "CSV output is empty: no header row"
head = rows[0]
assert head and all(head), "bad header %r" % head
assert len(set(head)) == len(head), "repeated column in %r" % head
for row in rows[1:]:
    assert len(row) == len(head), "row of %d fields under a header of %d" % (len(row), len(head))
d = json.load(open(sys.argv[2], encoding="utf-8"))
assert isinstance(d, list), "JSON is not an array"
# Every export is audited, the audit itself included: its JSON, made after
# the CSV, holds one more row (the record of the CSV export).
extra = 1 if sys.argv[3] == "audit" else 0
assert len(d) == len(rows) - 1 + extra, "%d JSON objects, %d CSV rows" % (len(d), len(rows) - 1)
for o in d:
    assert isinstance(o, dict), "JSON element is not an object: %r" % (o,)
    assert list(o) == head, "JSON keys %r differ from the CSV header %r" % (list(o), head)' \
		"$t.csv" "$t.json" "$t" 2>"$t.problem"; then
		pass "export $t: CSV header and JSON objects agree"
	else
		fail "export $t: $(tail -n 1 "$t.problem")"
	fi
	expect_eq "export $t: header the same on an empty and a full replica" \
		"$(cat "empty-$t.header")" "$(csv_header "$t.csv")"
	# The same replica exports the same bytes; the audit only grows, by
	# the record of each export.
	if [ "$t" = audit ]; then
		audit_only_grows
		continue
	fi
	r export "$t" --format csv
	if cmp -s "$CD_OUT" "$t.csv"; then
		pass "export $t csv stable"
	else
		fail "export $t --format csv: two runs on an unchanged replica differ"
	fi
	r export "$t" --format json
	if cmp -s "$CD_OUT" "$t.json"; then
		pass "export $t json stable"
	else
		fail "export $t --format json: two runs on an unchanged replica differ"
	fi
done

# Every table the CLI can fill has rows.
for t in people referrals cases notes handover workers teams flags audit; do
	n=$(csv_count "$t.csv")
	if [ "$n" -gt 0 ]; then
		pass "export $t has rows"
	else
		fail "export $t: expected rows after import, triage, allocate, note and handover; got none"
	fi
done
expect_eq "people exported" 5 "$(csv_count people.csv)"
expect_eq "referrals exported" 5 "$(csv_count referrals.csv)"
expect_eq "workers exported" 3 "$(csv_count workers.csv)"

# --- referrals carry the person's identity beside person_id --------------------------------
if py 'rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
people = {p["id"]: p for p in csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8"))}
for k in ("person_id", "nhs_number", "family_name", "given_name", "date_of_birth"):
    assert k in rows[0], "no column " + k
for r in rows:
    p = people[r["person_id"]]
    for k in ("nhs_number", "family_name", "given_name", "date_of_birth"):
        assert r[k] == p[k], "%s: referral has %r, person %r" % (k, r[k], p[k])' \
	referrals.csv people.csv 2>problem.txt; then
	pass "export referrals carries the person's fields"
else
	fail "export referrals: expected person_id with the person's nhs_number, family_name, given_name and date_of_birth: $(tail -n 1 problem.txt)"
fi
expect_eq "referral of Plain: reason with quotes and a line end" \
	"$(printf 'reason, with "quotes"\nand a second line')" "$(csv_lookup referrals.csv family_name Plain reason)"

# --- NHS numbers are plain digits ------------------------------------------------------------
for t in people referrals; do
	expect_eq "export $t csv: NHS number given as '943 476 5919'" 9434765919 \
		"$(csv_lookup "$t.csv" family_name Spaced nhs_number)"
	expect_eq "export $t csv: NHS number given as '999-000-0018'" 9990000018 \
		"$(csv_lookup "$t.csv" family_name Hyphen nhs_number)"
	expect_eq "export $t csv: NHS number given as '9990000026'" 9990000026 \
		"$(csv_lookup "$t.csv" family_name Plain nhs_number)"
	expect_eq "export $t csv: no NHS number" "" "$(csv_lookup "$t.csv" family_name Smith nhs_number)"
	got=$(py 'import re
for o in json.load(open(sys.argv[1], encoding="utf-8")):
    v = o["nhs_number"]
    if v is None:
        continue
    if not re.fullmatch(r"[0-9]{10}", str(v)):
        print("%s: %r" % (o["family_name"], v))' "$t.json")
	expect_eq "export $t json: NHS numbers that are not plain digits" "" "$got"
done
if grep -E '[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}' people.csv people.json referrals.csv referrals.json >/dev/null; then
	fail "export: an NHS number is written with separators:"
	grep -E '[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}' people.csv people.json referrals.csv referrals.json
else
	pass "no separated NHS numbers"
fi

# --- unknown table -------------------------------------------------------------------------
r export patients --format csv
expect_status 64 "export of an unknown table"
expect_stderr_contains "patients"
expect_stdout_lacks "id"
r export referral
expect_status 64 "export of a table name that is not in the contract (singular)"

finish
