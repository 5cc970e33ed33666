#!/bin/sh
# Commands no other test drove end to end (found by make coverage): `case
# review|close|reallocate`, `note add|amend --body-file` and `generate`.
# Each promise is checked on what the replica holds afterwards (through
# export), and each refusal on its exit status (DESIGN 5: 64 usage, 65 bad
# data, 66 missing input, 77 not permitted) and its one line on stderr.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python

no_such_id=01a20828-0000-7000-8000-000000000000

make_replica north
add_worker duty.north north-duty duty
add_worker prac.north north-adults practitioner

cat >"$T/in.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-19T09:30:00Z,Bravo,Bea,1970-05-05,N1 2BB,gp,social-care,no,Needs help at home
EOF
r import referrals "$T/in.csv"
expect_status 0 "import of one referral"
bravo=$(referral_id Bravo)
[ -n "$bravo" ] || die "the imported referral is not in export referrals"
r referral triage "$bravo" --priority amber --decision assessment
expect_status 0 "triage"
r referral allocate "$bravo" --to prac.north
expect_status 0 "allocation opens a case"
export_to cases "$T/cases.csv"
case_id=$(csv_column "$T/cases.csv" id | head -n 1)
[ -n "$case_id" ] || die "allocating the referral opened no case"

# case_field COLUMN: that column of the case, as export cases shows it now.
case_field() {
	export_to cases "$T/cases.csv"
	csv_lookup "$T/cases.csv" id "$case_id" "$1"
}

# --- case: usage -------------------------------------------------------------
r case --help
expect_status 0
expect_stdout_contains "usage: caredesk case review CASE_ID --date DATE"
r case
expect_status 64 "case without a verb"
expect_stderr_contains "case needs review, close or reallocate"
r case reopen "$case_id"
expect_status 64 "unknown case verb"
expect_stderr_contains "unknown case command 'reopen'"
r case review --date 2026-12-14
expect_status 64 "case review without an id"
expect_stderr_contains "case review takes one CASE_ID"
r case review "$case_id"
expect_status 64 "case review without --date"
expect_stderr_contains "case review needs --date"
r case close "$case_id"
expect_status 64 "case close without --reason"
expect_stderr_contains "case close needs --reason"
r case reallocate "$case_id"
expect_status 64 "case reallocate without --to"
expect_stderr_contains "case reallocate needs --to"
r case review "$case_id" --date 2026-12-14 --reason needs-met
expect_status 64 "case review with a --reason"
expect_stderr_contains "unknown option '--reason'"
r case review "$case_id" --frequency weekly
expect_status 64 "an unknown option"
expect_eq "a refused case command changed nothing" "" "$(case_field next_review)"

# --- case review ---------------------------------------------------------------
# Issue 14, defect 10: a date as the desk shows it (DD/MM/YYYY) or ISO;
# a day that does not exist, or a review in the past, refused (65) with
# one line saying why.  Now is 23/11/2026.
for bad in 31/02/2027 29/02/2027 2026-02-30 12/31/2026 31/12/26 tomorrow; do
	r --as prac.north case review "$case_id" --date "$bad"
	expect_status 65 "a review date that is no date: $bad"
	expect_stderr_contains "'$bad' is not a date (DD/MM/YYYY or YYYY-MM-DD)"
	expect_stderr_lines 1
done
expect_eq "next review after a refused date" "" "$(case_field next_review)"
r --as prac.north case review "$case_id" --date 22/11/2026
expect_status 65 "a review date in the past"
expect_stderr_contains "22/11/2026 is in the past (today is 23/11/2026)"
expect_stderr_lines 1
r --as prac.north case review "$case_id" --date 2025-12-31
expect_status 65 "an ISO review date in the past"
expect_stderr_contains "31/12/2025 is in the past"
expect_eq "next review after a date in the past" "" "$(case_field next_review)"
# Issue 15: at most a year ahead (reviews are at least yearly); 9999 was
# a raw CHECK failure, a typo that would hide the case from every overdue list.
for far in 24/11/2027 2300-01-01 9999-12-31; do
	r --as prac.north case review "$case_id" --date "$far"
	expect_status 65 "a review date more than a year ahead: $far"
	expect_stderr_contains "is more than a year ahead: reviews are at least yearly"
	expect_stderr_lines 1
done
expect_eq "next review after a date too far ahead" "" "$(case_field next_review)"
r --as prac.north case review "$case_id" --date 23/11/2027
expect_status 0 "a review a year ahead to the day"
expect_eq "next review a year ahead" 2027-11-23 "$(case_field next_review)"
r --as prac.north case review "$case_id" --date 31/12/2026
expect_status 0 "a review date as the desk shows it"
expect_stdout_contains "next review 2026-12-31"
expect_eq "next review typed DD/MM/YYYY" 2026-12-31 "$(case_field next_review)"
r --as prac.north case review "$case_id" --date 23/11/2026
expect_status 0 "a review today"
expect_eq "next review today" 2026-11-23 "$(case_field next_review)"
r --as prac.north case review "$no_such_id" --date 2026-12-14
expect_status 66 "review of an unknown case"
expect_stderr_contains "no case $no_such_id"
r --as prac.north case review "$case_id" --date 2026-12-14
expect_status 0 "case review"
expect_stderr_empty
expect_eq "next review" 2026-12-14 "$(case_field next_review)"

# --- case reallocate -------------------------------------------------------------
r case reallocate "$case_id" --to nobody.here
expect_status 65 "reallocation to an unknown login"
expect_stderr_contains "'nobody.here' is not an active worker"
expect_eq "allocated after a refused reallocation" prac.north "$(case_field allocated_to)"
cd_run --replica "$REPLICA" --as prac.north case reallocate "$case_id" --to duty.north
expect_status 77 "a practitioner may not reallocate"
expect_eq "allocated after a refused reallocation" prac.north "$(case_field allocated_to)"
r case reallocate "$case_id" --to duty.north --reason "prac.north on leave"
expect_status 0 "case reallocate"
expect_eq "allocated after reallocation" duty.north "$(case_field allocated_to)"

# --- case close ------------------------------------------------------------------
r --as duty.north case close "$case_id" --reason finished
expect_status 65 "a closure reason not in data/codes.tsv"
expect_stderr_contains "'finished' is not"
expect_eq "closed_at after a refused close" "" "$(case_field closed_at)"
r --as duty.north case close "$no_such_id" --reason needs-met
expect_status 66 "close of an unknown case"
# Issue 14: the allocated worker or a manager of the case's team closes it;
# the worker it was reallocated away from may not.
r --as prac.north case close "$case_id" --reason "Needs met"
expect_status 77 "a close by a worker no longer allocated"
expect_stderr_contains "only the allocated worker or a team manager of north-adults may close a case"
r --as duty.north case close "$case_id" --reason "Needs met"
expect_status 0 "case close (a code matched without regard to case and spacing)"
expect_eq "closure reason" needs-met "$(case_field closure_reason)"
expect_eq "closed_at" 2026-11-23T09:00:00Z "$(case_field closed_at)"
r --as duty.north case review "$case_id" --date 2027-01-04
expect_status 77 "review of a closed case"
expect_stderr_contains "case $case_id is closed"
expect_eq "next review of a closed case" 2026-12-14 "$(case_field next_review)"
r case reallocate "$case_id" --to prac.north
expect_status 77 "reallocation of a closed case"
r --as duty.north case close "$case_id" --reason other
expect_status 77 "closing a closed case again"
expect_eq "closure reason after a second close" needs-met "$(case_field closure_reason)"

# --- note --body-file -----------------------------------------------------------
note_count() { export_count notes; }
notes_before=$(note_count)
r note
expect_status 64 "note without a verb"
expect_stderr_contains "note needs add or amend"
r note delete x
expect_status 64 "unknown note verb"
expect_stderr_contains "unknown note command 'delete'"
r note add --body "no subject"
expect_status 64 "a note about nobody"
expect_stderr_contains "note add needs --person, --case or --referral"
r note add --referral "$bravo"
expect_status 64 "a note without text"
expect_stderr_contains "note add needs --body or --body-file"
printf 'x\n' >"$T/one.txt"
r note add --referral "$bravo" --body x --body-file "$T/one.txt"
expect_status 64 "both --body and --body-file"
expect_stderr_contains "note add takes only one of --body or --body-file"
r note add --referral "$bravo" --body x stray
expect_status 64 "a stray argument"
expect_stderr_contains "unexpected argument 'stray'"
r note add --referral "$bravo" --body-file "$T/missing.txt"
expect_status 66 "a body file that does not exist"
expect_stderr_contains "cannot read $T/missing.txt"
# One byte over the 1 MiB the command reads: refused whole, not cut.
head -c 1048577 /dev/zero | tr '\0' 'a' >"$T/big.txt"
r note add --referral "$bravo" --body-file "$T/big.txt"
expect_status 65 "a body file over 1 MiB"
expect_stderr_contains "longer than 1048576 bytes"
# A NUL byte is refused, not taken as the end of the text (issue 15): the
# words after it would be lost without a word.
printf 'Seen at home.\000Mother says she is afraid of him.\n' >"$T/nul.txt"
r note add --referral "$bravo" --body-file "$T/nul.txt"
expect_status 65 "a body file with a NUL byte"
expect_stderr_contains "$T/nul.txt: byte 14 is a NUL byte"
printf ' \n\t\n' >"$T/blank.txt"
r note add --referral "$bravo" --body-file "$T/blank.txt"
expect_status 65 "a body file of blanks"
expect_stderr_contains "a note needs some text"
r note add --referral "$bravo" --kind gossip --body x
expect_status 65 "an unknown note kind"
expect_stderr_contains "'gossip' is not a note kind"
expect_eq "notes after the refusals" "$notes_before" "$(note_count)"

printf 'Rang the GP.\nLine two, "quoted".\n' >"$T/body.txt"
r note add --case "$case_id" --kind phone-call --body-file "$T/body.txt"
expect_status 0 "note add --body-file"
note_id=$(head -n 1 "$CD_OUT")
export_to notes "$T/notes.csv"
expect_eq "the note's body is the file's text" "$(cat "$T/body.txt")" \
	"$(csv_lookup "$T/notes.csv" id "$note_id" body)"
expect_eq "the note's kind" phone-call "$(csv_lookup "$T/notes.csv" id "$note_id" kind)"
expect_eq "the note's case" "$case_id" "$(csv_lookup "$T/notes.csv" id "$note_id" case_id)"

# --body-file - reads standard input (cd_run gives /dev/null, so by hand).
CD_CMD="caredesk note amend $note_id --body-file -"
CD_STATUS=0
printf 'Rang the GP at 10, not 9.\n' | "$CAREDESK_BIN" --replica "$REPLICA" note amend "$note_id" \
	--body-file - >"$CD_OUT" 2>"$CD_ERR" || CD_STATUS=$?
expect_status 0 "note amend --body-file -"
amend_id=$(head -n 1 "$CD_OUT")
export_to notes "$T/notes.csv"
expect_eq "the amendment's body is stdin" "Rang the GP at 10, not 9." \
	"$(csv_lookup "$T/notes.csv" id "$amend_id" body)"
expect_eq "the amendment points at the note" "$note_id" \
	"$(csv_lookup "$T/notes.csv" id "$amend_id" amends_id)"
expect_eq "an amendment keeps the note's case" "$case_id" \
	"$(csv_lookup "$T/notes.csv" id "$amend_id" case_id)"
expect_eq "the amended note is kept as it was" "$(cat "$T/body.txt")" \
	"$(csv_lookup "$T/notes.csv" id "$note_id" body)"
r note amend "$note_id" --kind visit --body y
expect_status 64 "note amend with --kind"
expect_stderr_contains "unknown option '--kind'"
r note amend "$no_such_id" --body y
expect_status 66 "amending an unknown note"
expect_stderr_contains "no note $no_such_id"

# --- generate ----------------------------------------------------------------------
gen() { cd_run generate "$@"; }
gen --people 5 --seed 1
expect_status 64 "generate without --out"
expect_stderr_contains "generate needs --out"
gen
expect_status 64 "generate without any option"
expect_stderr_contains "generate needs --people, --seed and --out"
gen --people 0 --seed 1 --out "$T/g0.db"
expect_status 64 "--people 0"
expect_stderr_contains "--people must be 1 to 2000000"
gen --people 2000001 --seed 1 --out "$T/g0.db"
expect_status 64 "--people over the limit"
gen --people 5x --seed 1 --out "$T/g0.db"
expect_status 64 "--people not a number"
gen --people 5 --seed -3 --out "$T/g0.db"
expect_status 64 "a negative --seed"
expect_stderr_contains "--seed must be a whole number"
gen --people 5 --seed 1 --today 31/02/2026 --out "$T/g0.db"
expect_status 64 "--today not a date"
expect_stderr_contains "--today must be a date, DD/MM/YYYY or YYYY-MM-DD"
gen --people 5 --seed 1 --out "$T/g0.db" extra
expect_status 64 "a stray argument"
expect_no_file "$T/g0.db" "a refused generate makes no file"
gen --people 5 --seed 1 --out "$REPLICA"
expect_status 64 "generate over an existing file"
expect_stderr_contains "already exists; generate makes a new file"
expect_eq "the existing replica is untouched (its notes)" "$(note_count)" \
	"$(export_count notes)"

# The same --people, --seed and --today give the same data to the byte,
# whether --today is typed ISO or as the desk shows dates (b); another seed
# gives other data.
for f in a b c; do
	seed=7
	[ "$f" = c ] && seed=8
	today=2026-11-23
	[ "$f" = b ] && today=23/11/2026
	gen --people 12 --seed "$seed" --today "$today" --out "$T/gen-$f.db"
	expect_status 0 "generate $f"
	expect_stdout_contains "caredesk: made $T/gen-$f.db: 12 people (seed $seed)"
done
for table in people referrals notes; do
	for f in a b c; do
		"$CAREDESK_BIN" --replica "$T/gen-$f.db" export "$table" --format json \
			</dev/null >"$T/gen-$f.$table.json" 2>"$T/gen-$f.err" ||
			fail "export $table from gen-$f.db: $(cat "$T/gen-$f.err")"
	done
	if cmp -s "$T/gen-a.$table.json" "$T/gen-b.$table.json"; then
		pass "generate: $table the same for the same seed"
	else
		fail "generate: export $table differs between two runs with seed 7"
	fi
done
expect_eq "people generated" 12 \
	"$(py 'print(len(json.load(open(sys.argv[1]))))' "$T/gen-a.people.json")"
if cmp -s "$T/gen-a.people.json" "$T/gen-c.people.json"; then
	fail "generate: seeds 7 and 8 gave the same people"
else
	pass "generate: another seed, other people"
fi
# NHS numbers come from the 999 test range (usage text, DESIGN 5).
bad_nhs=$(py 'print(sum(1 for p in json.load(open(sys.argv[1]))
          if p["nhs_number"] and not p["nhs_number"].startswith("999")))' "$T/gen-a.people.json")
expect_eq "generated NHS numbers outside the 999 range" 0 "$bad_nhs"
cd_run --replica "$T/gen-a.db" check
expect_status 0 "caredesk check on a generated replica"

finish
