#!/bin/sh
# How the command line is read (DESIGN 5, issue 13): an option's value is
# its value whatever it looks like ("--body -h" is a note that says "-h",
# not a request for help); global options before, between and after the
# command; "--" ends the options; an option without its value is a usage
# error naming it (64).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup

if ! command -v sqlite3 >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && { echo "FAIL: sqlite3 (the shell) is needed to read notes back (CI=true)"; exit 1; }
	skip "sqlite3 (the shell) is needed to read notes back"
fi

make_replica north
cat >"$T/in.csv" <<'EOF'
received_at,family_name,given_name,date_of_birth,postcode,source,category
2026-11-20T09:00:00Z,Bravo,Bea,1970-05-05,N1 2BB,gp,social-care
EOF
r import referrals "$T/in.csv"
expect_status 0 "import"
bravo=$(referral_id Bravo)
[ -n "$bravo" ] || die "no referral id for Bravo"

# note_body ID: the text of a note, read back from the replica itself.
note_body() {
	sqlite3 "$REPLICA" "SELECT body FROM note WHERE id = '$1'"
}

# expect_note TEXT: the last cd_run saved a note saying exactly TEXT.
expect_note() {
	expect_status 0 "a note whose text is '$1'" || return 1
	expect_stdout_lacks "usage:"
	_id=$(head -n 1 "$CD_OUT")
	expect_eq "$CD_CMD: the note saved" "$1" "$(note_body "$_id")"
}

# --- a value that looks like an option is the value --------------------------
for text in -h --help --version --as --replica --config --body -- -; do
	r note add --referral "$bravo" --body "$text"
	expect_note "$text"
done
r note add --referral "$bravo" --body=--as
expect_note "--as"
r note add --referral "$bravo" --body=-h
expect_note "-h"
r note add --body "--referral" --referral "$bravo"
expect_note "--referral"
# The same after the command, with the global option given there too.
cd_run note add --body -h --replica "$REPLICA" --referral "$bravo"
expect_note "-h"
notes=$(sqlite3 "$REPLICA" "SELECT count(*) FROM note")
expect_eq "notes saved, one for each" 13 "$notes"

# A global option's value is not taken for an option either.
cd_run --replica "$REPLICA" --as --help worker list
expect_status 77 "--as --help: a login named --help"
expect_stdout_lacks "usage:"

# --- "--" ends the options ------------------------------------------------------
r note add --referral "$bravo" --body x -- --kind
expect_status 64 "an option after --"
expect_stderr_contains "unexpected argument '--kind'"
r referral show -- --help
expect_status 66 "an id after -- that looks like --help"
expect_stderr_contains "no referral --help"
r referral show -- "$bravo"
expect_status 0 "an id after --"
expect_stdout_contains "$bravo"

# --- an option without its value --------------------------------------------------
for opt in --body --referral --kind --body-file; do
	r note add --referral "$bravo" --body x "$opt"
	expect_status 64 "$opt at the end"
	expect_stderr_contains "option $opt needs a value"
	expect_stderr_contains "usage: caredesk note add"
done
for opt in --replica --config --as; do
	cd_run --replica "$REPLICA" referral list "$opt"
	expect_status 64 "$opt at the end"
	expect_stderr_contains "option $opt needs a value"
	cd_run "$opt"
	expect_status 64 "$opt alone"
	expect_stderr_contains "option $opt needs a value"
done
cd_run --replica "" referral list
expect_status 64 "--replica with an empty value"
expect_stderr_contains "option --replica needs a value"
r referral list --format
expect_status 64 "--format at the end"
expect_stderr_contains "option --format needs a value"
r referral triage "$bravo" --priority
expect_status 64 "--priority at the end"
expect_stderr_contains "option --priority needs a value"
r note add --referral "$bravo" --body x --body y
expect_status 64 "an option given twice"
expect_stderr_contains "option --body given twice"

# --- global options before, between and after ----------------------------------
me=$(id -un)
for form in before between after equals-after as-after config-after; do
	case $form in
	before) cd_run --replica "$REPLICA" referral list --format csv ;;
	between) cd_run referral --replica "$REPLICA" list --format csv ;;
	after) cd_run referral list --format csv --replica "$REPLICA" ;;
	equals-after) cd_run referral list --format=csv --replica="$REPLICA" ;;
	as-after) cd_run referral list --format csv --replica "$REPLICA" --as "$me" ;;
	config-after) cd_run referral list --config /dev/null --format csv --replica "$REPLICA" ;;
	esac
	expect_status 0 "global options $form"
	expect_stdout_contains "id,received_at,decision_due_at"
	expect_stdout_contains "$bravo"
	expect_stderr_empty
done
cd_run referral list --replica "$REPLICA" --config "$T/missing.conf"
expect_status 78 "--config after the command is read"
expect_stderr_contains "$T/missing.conf"
cd_run note add --referral "$bravo" --as nobody.here --body x --replica "$REPLICA"
expect_status 77 "--as after the command is acted on"
cd_run note --help add
expect_status 0 "--help between the command and its verb"
expect_stdout_contains "usage: caredesk note add"
cd_run note add --referral "$bravo" --help
expect_status 0 "--help after the verb"
expect_stdout_contains "usage: caredesk note add"

finish
