#!/bin/sh
# Hostile and malformed requests to the embedded central's server,
# caredesk-syncd, over its real pipes (the driver is coverage-protocol.py):
# text that is not JSON, a request that is not an object, types of the
# wrong kind, missing fields, unknown operations and localities, 4 and 8 MB
# lines, a request for another locality than the connection's hello,
# pushes with incomplete changes, unknown tables, fields and operations, a
# schema newer than central's, a good change in an action with a bad one.
# Each gets its exact answer (error 76 and the message, or the change
# rejected with its reason), the server answers the next request, and
# nothing reaches central's records.  Then the pull limit on a central with
# more than 1000 records in scope: 1 to 5000 is taken as asked (5000 gives
# all of them), 5001, 0, negative and absurd limits are 1000.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/lib.sh"

command -v python3 >/dev/null 2>&1 || {
	echo "SKIP: python3 is needed to drive caredesk-syncd"
	[ "${CI:-}" = true ] && exit 1
	exit 77
}
sync_setup
[ "$CENTRAL_KIND" = embedded ] || die "this test is for the embedded central"
new_replica north north
sync_ok north

# 600 referrals: each a person and a referral at central, over 1000 lines.
python3 - "$T/many.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason\n")
    for i in range(600):
        f.write("2026-11-20T%02d:%02d:00Z,Many%03d,Pat,1950-01-01,CD1 %dAA,gp,health,no,number %d\n"
                % (8 + i // 60, i % 60, i, i % 9, i))
PY
cd_on "$T/north.db" import referrals "$T/many.csv" || fail "import: $(cat "$T/err")"
remember_waiting north
i=0
while [ "$(q "$T/north.db" "SELECT count(*) FROM outbox")" != 0 ] && [ $i -lt 20 ]; do
	sync_ok north
	i=$((i + 1))
done

python3 "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/coverage-protocol.py" \
	"$CAREDESK_SYNCD" "$CENTRAL" "$T" || fail "caredesk-syncd's answers (above)"
if [ -s "$T/syncd.err" ]; then
	echo "caredesk-syncd's stderr:"
	head -c 2000 "$T/syncd.err"
fi

# The desk is untouched by all of it.
sync_ok north
converged north north
every_change_once
finish
