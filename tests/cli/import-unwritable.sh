#!/bin/sh
# `caredesk import referrals` when the input's directory is not writable
# (DESIGN 5, "Import outcome"): the rejects go to FILE.rejects.csv in the
# current directory instead, the message says where, and the good records
# are still imported.  Root writes anywhere, so as root the import runs as
# `nobody` through runuser; without that user (or runuser) the test skips
# as a whole, saying why (and fails under CI=true).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python
[ "$(id -u)" = 0 ] && need_other_user nobody

header=received_at,nhs_number,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason
cd "$T" || exit 99
make_replica north

# expect_reject FILE LINE FIELD: stderr has a line "FILE:LINE: FIELD: reason".
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

mkdir ro work
printf '%s\n' "$header" \
	'2026-11-22T09:00:00Z,,Readonly,Good,1995-01-01,N10 1AA,gp,health,no,fine' \
	'2026-11-22T09:05:00Z,,Readonly,Bad,1995-01-02,N10 1AB,carrier-pigeon,health,no,bad source' \
	>ro/in.csv
if [ "$(id -u)" = 0 ]; then
	# Root writes anywhere: run this case as another user.
	runas=nobody
	r worker add nobody --name Nobody --team north-duty --role duty
	expect_status 0
	chmod 0755 "$T" ro
	chmod 0777 work
	chmod 0666 "$REPLICA"
	chmod 0777 "$T"		# the replica's -wal and -shm files go beside it
else
	runas=$(id -un)
	chmod 0555 ro
fi
before_refs=$(export_count referrals)
cd work || exit 99
if [ "$runas" = "$(id -un)" ]; then
	cd_run --replica "$REPLICA" import referrals "$T/ro/in.csv"
else
	cd_run_as "$runas" --replica "$REPLICA" import referrals "$T/ro/in.csv"
fi
cd "$T" || exit 99
expect_status 65 "import from an unwritable directory"
expect_reject "$T/ro/in.csv" 3 source
expect_no_file "$T/ro/in.csv.rejects.csv" "the input's directory is not writable"
expect_file_exists "$T/work/in.csv.rejects.csv" "rejects in the current directory"
cat "$CD_OUT" "$CD_ERR" >said.txt
if grep -F "in.csv.rejects.csv" said.txt >/dev/null && ! grep -F "$T/ro/in.csv.rejects.csv" said.txt >/dev/null; then
	pass "the message says where the rejects went"
else
	fail "$CD_CMD: expected a message naming the rejects file in the current directory ($T/work/in.csv.rejects.csv); output was:"
	show said.txt
fi
if [ -f "$T/work/in.csv.rejects.csv" ]; then
	expect_eq "records in the rejects file in the current directory" 1 "$(csv_count "$T/work/in.csv.rejects.csv")"
fi
expect_eq "the good record was still imported" $((before_refs + 1)) "$(export_count referrals)"
chmod 0755 "$T/ro"

r check
expect_status 0 "check at the end"

finish
