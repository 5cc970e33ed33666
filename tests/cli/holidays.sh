#!/bin/sh
# A bank holiday list update applies to due times not yet passed
# (domain.md): they are derived again, the move is audited, and due times
# already passed or of referrals no longer open stay as they were.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

setup

# A private copy of data/ whose holiday list the test can change.
cp -R "$CAREDESK_DATADIR" "$T/data"
CAREDESK_DATADIR=$T/data
export CAREDESK_DATADIR
make_replica north

cat >"$T/in.csv" <<'CSV'
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
2026-11-23T08:00:00Z,Future,Child,2016-05-01,CD1 1AA,school,health,no,due tomorrow
2026-11-20T08:00:00Z,Past,Child,2016-05-02,CD1 1AB,school,health,no,due already passed
CSV
r import referrals "$T/in.csv"
expect_status 0

due_of() {
	r referral list --format csv
	awk -F, -v name="$1" '$6 == name { print $3 }' "$CD_OUT"
}

expect_eq "due before the update" 2026-11-24T08:00:00Z "$(due_of Future)"
expect_eq "passed due before the update" 2026-11-23T08:00:00Z "$(due_of Past)"

# Opening again with the same list changes nothing and audits nothing.
r export audit --format csv
before=$(grep -c referral.rederive "$CD_OUT")
expect_eq "no re-derivation without a change" 0 "$before"

# A one-off holiday tomorrow, announced after receipt.
printf '2026-11-24  One-off bank holiday\n' >>"$T/data/bank-holidays-england-wales.txt"
expect_eq "due moves past the new holiday" 2026-11-25T08:00:00Z "$(due_of Future)"
expect_eq "a passed due time stays" 2026-11-23T08:00:00Z "$(due_of Past)"
r export audit --format csv
expect_eq "the re-derivation is audited once" 1 "$(grep -c referral.rederive "$CD_OUT")"

# The replica stays consistent (audit chain, foreign keys, triggers).
r check
expect_status 0
finish
