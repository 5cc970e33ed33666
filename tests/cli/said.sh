#!/bin/sh
# Every command that changes data says what it did (issue 14, defect 11;
# caredesk(1) COMMANDS): one that makes a record prints its id and
# nothing else; every other one prints exactly one line on standard
# output, naming what it changed.  Each changing command of caredesk(1) is
# run here once, on success, and its output checked line by line.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python
command -v "${CAREDESK_SYNC_BIN:-}" >/dev/null 2>&1 || skip "CAREDESK_SYNC_BIN is not set"

uuid_re='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

# said PATTERN: the last command succeeded and printed one line, matching
# the extended regular expression PATTERN.  (Standard error is a log: init
# --central passes on the agent's.)
said() {
	expect_status 0 || return 1
	_lines=$(wc -l <"$CD_OUT" | tr -d ' ')
	if [ "$_lines" != 1 ]; then
		fail "$CD_CMD: expected one line on stdout, got $_lines:"
		show "$CD_OUT"
		return 1
	fi
	if grep -Eq -e "$1" "$CD_OUT"; then
		pass "$CD_CMD: said '$1'"
	else
		fail "$CD_CMD: expected its line to match '$1'; it was:"
		show "$CD_OUT"
	fi
}

# --- a central store and a replica made from it ------------------------------
cd_run central init "file:$T/central.db"
said "^caredesk: central store file:$T/central.db is ready$"
REPLICA=$T/r.db
cd_run central worker add "$(id -un)" --locality north --role admin --central "file:$T/central.db"
said "^caredesk: $(id -un) is a worker of north-duty \(north\) at central, as admin$"
cd_run init --locality north --replica "$REPLICA" --central "file:$T/central.db"
said "^caredesk: made $REPLICA for north; $(id -un) works here as admin$"

# --- workers ----------------------------------------------------------------
r worker add duty.north --name "Duty North" --team north-duty --role duty
said "^caredesk: duty.north may use this replica \(north-duty, duty\)$"
r worker add prac.north --name "Prac North" --team north-adults --role practitioner
said "^caredesk: prac.north may use"
r worker add prac2.north --name "Prac Two" --team north-adults --role practitioner
said "^caredesk: prac2.north may use"
r worker add leaver.north --name "Leaver" --team north-adults --role practitioner
said "^caredesk: leaver.north may use"
# init made the invoking user an administrator only (no case access); the
# rest of this test triages and allocates, so it takes practice roles too.
r worker set "$(id -un)" --role duty,manager,admin
said "^caredesk: $(id -un) changed; roles duty,manager,admin"

# --- intake and the queue ----------------------------------------------------
cat >"$T/in.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-19T09:30:00Z,Bravo,Bea,1970-05-05,N1 2BB,gp,social-care,no,Needs help at home
EOF
r import referrals "$T/in.csv"
said "^caredesk: $T/in.csv: 1 referral imported, 0 rejected$"
bravo=$(referral_id Bravo)
[ -n "$bravo" ] || die "the imported referral is not in export referrals"
r referral triage "$bravo" --priority amber --decision assessment
said "^caredesk: referral $bravo triaged amber, decision assessment$"
r referral allocate "$bravo" --to prac.north
said "^caredesk: referral $bravo allocated to prac.north$"
export_to cases "$T/cases.csv"
case_id=$(csv_column "$T/cases.csv" id | head -n 1)
[ -n "$case_id" ] || die "allocating the referral opened no case"

# --- notes and handover (they make records: the id alone) --------------------
r note add --case "$case_id" --body "Rang the GP"
said "$uuid_re"
note=$(cat "$CD_OUT")
r note amend "$note" --body "Rang the practice nurse"
said "$uuid_re"
r handover add --situation "Bea alone at home" --background "Fall last week" \
	--assessment "Needs a visit" --recommendation "Visit today"
said "$uuid_re"
item=$(cat "$CD_OUT")
r --as duty.north handover ack "$item" --readback "Visit Bea today"
said "^caredesk: handover item $item acknowledged by duty.north$"

# --- the case ----------------------------------------------------------------
r --as prac.north case review "$case_id" --date 2026-12-14
said "^caredesk: case $case_id: next review 2026-12-14$"
r case reallocate "$case_id" --to prac2.north --reason "Caseload balance"
said "^caredesk: case $case_id reallocated to prac2.north$"
r --as prac2.north case close "$case_id" --reason needs-met
said "^caredesk: case $case_id closed: needs-met$"

# --- a worker leaves -----------------------------------------------------------
r worker disable leaver.north
said "^caredesk: leaver.north disabled"

# --- sync: a conflict kept, then resolved --------------------------------------
"$CAREDESK_SYNC_BIN" --once --replica "$REPLICA" </dev/null >/dev/null 2>"$T/sync.err" ||
	die "the first push failed: $(cat "$T/sync.err")"
cd_run init --locality north --replica "$T/r2.db" --central "file:$T/central.db"
said "^caredesk: made $T/r2.db for north"
cat >"$T/two.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-20T09:30:00Z,Charlie,Cal,1971-05-05,N1 3CC,gp,social-care,no,Needs help
EOF
r import referrals "$T/two.csv"
said "^caredesk: $T/two.csv: 1 referral imported, 0 rejected$"
charlie=$(referral_id Charlie)
"$CAREDESK_SYNC_BIN" --once --replica "$REPLICA" </dev/null >/dev/null 2>"$T/sync.err" ||
	die "the push of Charlie failed: $(cat "$T/sync.err")"
"$CAREDESK_SYNC_BIN" --once --replica "$T/r2.db" </dev/null >/dev/null 2>"$T/sync.err" ||
	die "r2's pull failed: $(cat "$T/sync.err")"
r referral triage "$charlie" --priority red
said "^caredesk: referral $charlie triaged red$"
cd_run --replica "$T/r2.db" referral triage "$charlie" --priority green
said "^caredesk: referral $charlie triaged green$"
for db in "$REPLICA" "$T/r2.db" "$REPLICA"; do
	"$CAREDESK_SYNC_BIN" --once --replica "$db" </dev/null >/dev/null 2>"$T/sync.err" ||
		die "sync of $db failed: $(cat "$T/sync.err")"
done
r conflicts list --format csv
cp "$CD_OUT" "$T/conflicts.csv"
conflict=$(csv_column "$T/conflicts.csv" id | head -n 1)
[ -n "$conflict" ] || die "the two triages made no conflict on $REPLICA"
r conflicts resolve "$conflict" --keep other
said "^caredesk: conflict $conflict resolved: the other value kept$"

r sync central "file:$T/other-central.db"
said "^caredesk: this replica now syncs with file:$T/other-central.db"

# --- generate ------------------------------------------------------------------
cd_run generate --people 20 --seed 3 --out "$T/gen.db"
said "^caredesk: made $T/gen.db: 20 people"

finish
