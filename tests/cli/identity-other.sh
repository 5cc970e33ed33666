#!/bin/sh
# Identity with a second Unix user (DESIGN 5, "Identity (contract)"): a
# login that is not registered, one registered as a practitioner (who may
# not use --as, not even through a configuration file claiming admin), and
# one disabled and re-enabled, each running the real binary as that user.
# It runs the binary as `nobody` through runuser, so it needs root; without
# root, the user or runuser it skips as a whole (and fails under CI=true).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
other=nobody
need_other_user "$other"

me=$(id -un)
# The replica lives where another Unix user can reach it (see cd_run_as).
chmod 0755 "$T"
mkdir -m 0777 "$T/shared"
make_replica north "$T/shared/r.db"
add_worker duty.north north-duty duty

# Issue 15: a replica the user may not read and write is a permission to
# fix (77, with who owns it), not "no replica ... make one with caredesk
# init" (66) nor "not a caredesk replica".
chmod 0640 "$REPLICA"
cd_run_as "$other" --replica "$REPLICA" referral list
expect_status 77 "a replica the user cannot read"
expect_stderr_contains "$REPLICA is not open to you to read and write (owner $me, group $(id -gn), mode 0640)"
expect_stderr_lacks "caredesk init"
chmod 0644 "$REPLICA"
cd_run_as "$other" --replica "$REPLICA" referral list
expect_status 77 "a replica the user can read but not write"
expect_stderr_contains "mode 0644"
chmod 0700 "$T/shared"
cd_run_as "$other" --replica "$REPLICA" referral list
expect_status 77 "a replica behind a closed directory"
expect_stderr_contains "cannot reach $REPLICA: a directory on its path is closed to you"
chmod 0777 "$T/shared"
chmod 0666 "$REPLICA"

cd_run_as "$other" --replica "$REPLICA" referral list
expect_status 77 "an unregistered Unix login"
expect_stderr_lines 1
expect_stderr_contains "$other"
expect_stderr_contains "worker add"

r worker add "$other" --name "Other User" --team north-children --role practitioner
expect_status 0
cd_run_as "$other" --replica "$REPLICA" referral list --format csv
expect_status 0 "a registered practitioner runs a command as themself"
expect_stdout_contains "id,received_at"

cd_run_as "$other" --replica "$REPLICA" --as duty.north referral list
expect_status 77 "--as by a non-admin"
expect_stderr_lines 1
cd_run_as "$other" --replica "$REPLICA" --as "$me" referral list
expect_status 77 "--as an admin by a non-admin"

# No user-writable configuration can grant --as.
mkdir -p "$XDG_CONFIG_HOME/caredesk"
printf '%s\n' 'as = "duty.north";' 'admin = true;' 'role = "admin";' \
	'worker = { role = "admin"; login = "duty.north"; };' >"$XDG_CONFIG_HOME/caredesk/caredesk.conf"
chmod -R a+rwX "$XDG_CONFIG_HOME"
cd_run_as "$other" --replica "$REPLICA" --as duty.north referral list
expect_status 77 "--as by a non-admin with a config that claims admin"
rm -f "$XDG_CONFIG_HOME/caredesk/caredesk.conf"

r worker disable "$other"
expect_status 0
cd_run_as "$other" --replica "$REPLICA" referral list
expect_status 77 "a disabled Unix login"
expect_stderr_lines 1
expect_stderr_contains "$other"
expect_stderr_contains "disabled"

r worker add "$other" --name "Other User" --team north-children --role practitioner
expect_status 0 "worker add re-enables a disabled worker"
cd_run_as "$other" --replica "$REPLICA" referral list
expect_status 0 "the re-enabled worker runs commands again"

# A host-only setting (break_glass_lasts, the idle lock) comes from a file
# named by --config only when that file is the host's: owned by root and
# writable by no one else.  A worker's own file cannot lengthen their
# break-glass or switch off their idle lock.
for setting in 'break_glass_lasts = "24h";' 'lock = "none";'; do
	printf '%s\n' "$setting" >"$T/shared/own.conf"
	chown "$other" "$T/shared/own.conf"
	cd_run_as "$other" --config "$T/shared/own.conf" --replica "$REPLICA" referral list
	expect_status 78 "another user's own --config setting '$setting'"
	expect_stderr_contains "own.conf:1: ${setting%% *}: is a host-only setting"
	chown root "$T/shared/own.conf"
	chmod 0666 "$T/shared/own.conf"
	cd_run_as "$other" --config "$T/shared/own.conf" --replica "$REPLICA" referral list
	expect_status 78 "'$setting' from root's --config file that others may write"
	chmod 0644 "$T/shared/own.conf"
	cd_run_as "$other" --config "$T/shared/own.conf" --replica "$REPLICA" referral list
	expect_status 0 "'$setting' from root's --config file, writable by root alone"
done

r check
expect_status 0 "check after another user's runs"

finish
