#!/bin/sh
# The command line's shape (DESIGN 5): --help and --version, usage errors
# (exit 64, usage on stderr), global options before or after the
# subcommand, a missing replica (66), init's refusals, check, and a bad
# configuration (78).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup

# --- help and version ------------------------------------------------------
cd_run --help
expect_status 0
expect_stdout_contains "usage: caredesk"

cd_run -h
expect_status 0
expect_stdout_contains "usage: caredesk"

cd_run --version
expect_status 0
expect_stdout_contains "caredesk"
if [ "$(wc -l <"$CD_OUT" | tr -d ' ')" != 1 ]; then
	fail "caredesk --version: expected one line; got:"
	show "$CD_OUT"
fi

# --- usage errors ------------------------------------------------------------
cd_run frobnicate
expect_status 64 "unknown command"
expect_stderr_contains "frobnicate"
expect_stderr_contains "usage: caredesk"
expect_stdout_lacks "usage:"

cd_run --frobnicate
expect_status 64 "unknown global option"
expect_stderr_contains "--frobnicate"
expect_stderr_contains "usage:"

make_replica north
cd_run --replica "$REPLICA" referral list --frobnicate
expect_status 64 "unknown option of a subcommand"
expect_stderr_contains "--frobnicate"
expect_stderr_contains "usage: caredesk referral"

cd_run --replica "$REPLICA" export people --format xml
expect_status 64 "bad --format value"
expect_stderr_contains "usage:"

cd_run --replica "$REPLICA" referral frobnicate
expect_status 64 "unknown referral subcommand"
expect_stderr_contains "usage:"

cd_run referral list --replica
expect_status 64 "--replica without its value"
expect_stderr_contains "--replica"

cd_run --replica "$REPLICA" export
expect_status 64 "export without a TABLE"
expect_stderr_contains "usage:"

# --- every command answers --help (exit 0, usage on stdout) -----------------
for c in init import export referral note handover worker check generate demo central sync \
	conflicts; do
	cd_run "$c" --help
	expect_status 0 "$c --help"
	expect_stdout_contains "usage: caredesk $c"
	cd_run --help "$c"
	expect_status 0 "--help before $c"
	expect_stdout_contains "usage: caredesk $c"
done
for c in "referral list" "referral show" "referral triage" "referral allocate" \
	"note add" "note amend" "handover add" "handover ack" "handover list" \
	"worker add" "worker list" "worker disable" "import referrals"; do
	# shellcheck disable=SC2086 # split "referral list" into two words
	cd_run $c --help
	expect_status 0 "$c --help"
	expect_stdout_contains "usage: caredesk"
done

# --- global options anywhere -------------------------------------------------
for form in before after equals-before equals-after; do
	case $form in
	before) cd_run --replica "$REPLICA" referral list --format csv ;;
	after) cd_run referral list --format csv --replica "$REPLICA" ;;
	equals-before) cd_run --replica="$REPLICA" referral list --format csv ;;
	equals-after) cd_run referral list --replica="$REPLICA" --format csv ;;
	esac
	expect_status 0 "--replica $form the subcommand"
	expect_stdout_contains "id,received_at,decision_due_at"
	expect_stderr_empty
done
cd_run worker list --format csv --replica "$REPLICA" --as "$(id -un)"
expect_status 0 "--as after the subcommand"
cd_run --as="$(id -un)" --replica "$REPLICA" worker list --format csv
expect_status 0 "--as=LOGIN before the subcommand"

# --- a missing replica -------------------------------------------------------
cd_run --replica "$T/nowhere.db" referral list
expect_status 66 "missing replica file"
expect_stderr_contains "$T/nowhere.db"
expect_no_file "$T/nowhere.db" "a read command must not create a replica"

cd_run --replica "$T/nowhere.db" check
expect_status 66 "check on a missing replica file"
expect_stderr_contains "$T/nowhere.db"

cd_run --replica "$T/nowhere.db" import referrals "$T/nowhere.csv"
expect_status 66 "import with neither replica nor input"

# --- init --------------------------------------------------------------------
cd_run --replica "$REPLICA" check
expect_status 0 "check on a fresh replica"

cp "$REPLICA" "$T/before.db"
cd_run init --locality south --replica "$REPLICA"
if [ "$CD_STATUS" = 0 ]; then
	fail "$CD_CMD: init over an existing replica should be refused; it exited 0"
else
	pass "init twice refused (exit $CD_STATUS)"
fi
expect_stderr_contains "$REPLICA"
expect_stderr_contains "exists"
if cmp -s "$REPLICA" "$T/before.db"; then
	pass "refused init left the replica alone"
else
	fail "init refused on $REPLICA but changed the file"
fi
cd_run --replica "$REPLICA" worker list --format csv
expect_status 0
expect_stdout_contains ",north"
expect_stdout_lacks ",south"

cd_run init --locality atlantis --replica "$T/atlantis.db"
expect_status 64 "init with an unknown locality"
expect_stderr_contains "atlantis"
expect_no_file "$T/atlantis.db" "failed init"
expect_no_file "$T/atlantis.db-wal" "failed init"
expect_no_file "$T/atlantis.db-shm" "failed init"
expect_no_file "$T/atlantis.db-journal" "failed init"

cd_run init --replica "$T/nolocality.db"
expect_status 64 "init without --locality"
expect_stderr_contains "--locality"
expect_no_file "$T/nolocality.db"

for loc in south central west borough; do
	cd_run init --locality "$loc" --replica "$T/$loc.db"
	expect_status 0 "init --locality $loc"
	cd_run --replica "$T/$loc.db" check
	expect_status 0 "check on the $loc replica"
done

# A file that is not a replica is not opened as one.
echo "not a database" >"$T/junk.db"
cd_run --replica "$T/junk.db" referral list
if [ "$CD_STATUS" = 0 ]; then
	fail "$CD_CMD: a file that is not a replica was accepted"
else
	pass "junk file refused (exit $CD_STATUS)"
fi

# --- configuration -----------------------------------------------------------
cd_run --config "$T/missing.conf" --replica "$REPLICA" referral list
expect_status 78 "--config naming a missing file"
expect_stderr_contains "$T/missing.conf"

printf 'timezone = "Europe/London";\nreplica = \n' >"$T/broken.conf"
cd_run --config "$T/broken.conf" --replica "$REPLICA" referral list
expect_status 78 "a configuration with a syntax error"
expect_stderr_contains "$T/broken.conf:"

mkdir -p "$XDG_CONFIG_HOME/caredesk"
printf 'replica = "%s";\n' "$REPLICA" >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
cd_run referral list --format csv
expect_status 0 "replica named by \$XDG_CONFIG_HOME/caredesk/caredesk.conf"
cd_run --replica "$T/nowhere.db" referral list
expect_status 66 "--replica overrides the configuration's replica"
rm -f "$XDG_CONFIG_HOME/caredesk/caredesk.conf"

finish
