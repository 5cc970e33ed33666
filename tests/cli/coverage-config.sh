#!/bin/sh
# caredesk.conf(5) groups no other test read (found by make coverage):
# the shape of keys, colours and central, and escdelay's range.  A setting
# of the wrong shape is an error naming FILE:LINE and the setting, exit 78,
# before the command does anything; a good one is accepted and an unknown
# member of central only warns.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup

make_replica north
c=$T/caredesk.conf

# bad_conf WHAT MESSAGE LINE...: a config of those lines fails every
# command with exit 78 and "FILE:N: MESSAGE" (N is the line of the marker
# '@' at the start of a line, which is dropped), and runs nothing.
bad_conf() {
	_what=$1 _msg=$2
	shift 2
	: >"$c"
	_n=0 _at=
	for _l in "$@"; do
		_n=$((_n + 1))
		case $_l in @*) _at=$_n _l=${_l#@} ;; esac
		printf '%s\n' "$_l" >>"$c"
	done
	cd_run --config "$c" --replica "$REPLICA" worker add late.one --name Late \
		--team north-duty --role duty
	expect_status 78 "$_what"
	expect_stderr_contains "caredesk: $c:$_at: $_msg"
	expect_stderr_lines 1
}

bad_conf "keys member not a list" \
	"keys.page_down: must be a list of key names" \
	'keys = {' '@  page_down = "C-f";' '};'
bad_conf "keys member an empty list" \
	"keys.page_down: must be a list of key names" \
	'keys = {' '@  page_down = [];' '};'
bad_conf "a key name that is not a string" \
	"keys.page_down: key names must be strings" \
	'keys = {' '@  page_down = [1, 2];' '};'
bad_conf "a colour that is not a string" \
	'colours.overdue: must be a string, e.g. "red" or "white on blue"' \
	'colours = {' '  title = "white on blue";' '@  overdue = 3;' '};'
bad_conf "an unknown sslmode" \
	"central.sslmode: must be disable, allow, prefer, require, verify-ca or verify-full" \
	'# TLS to the central' '@central = { sslmode = "sometimes"; };'
bad_conf "sslmode not a string" \
	"sslmode: must be a string in double quotes" \
	'@central = { sslmode = 1; };'
bad_conf "connect_timeout 0" \
	"central.connect_timeout: must be 1 to 600 seconds, a whole number" \
	'@central = { connect_timeout = 0; };'
bad_conf "connect_timeout 601" \
	"central.connect_timeout: must be 1 to 600 seconds, a whole number" \
	'central = {' '  sslmode = "require";' '@  connect_timeout = 601;' '};'
bad_conf "connect_timeout a string" \
	"central.connect_timeout: must be 1 to 600 seconds, a whole number" \
	'@central = { connect_timeout = "10"; };'
bad_conf "sslrootcert not a string" \
	"sslrootcert: must be a string in double quotes" \
	'@central = { sslrootcert = 5; };'
bad_conf "central not a group" \
	"central: has the wrong shape (see caredesk.conf(5))" \
	'@central = "postgresql://x/y";'
bad_conf "colours not a group" \
	"colours: has the wrong shape (see caredesk.conf(5))" \
	'@colours = ["red"];'
bad_conf "escdelay not a number" \
	"escdelay: must be milliseconds, a whole number" \
	'@escdelay = "100";'
bad_conf "escdelay over 2000" \
	"escdelay: must be 0 to 2000 milliseconds" \
	'@escdelay = 2001;'
bad_conf "escdelay negative" \
	"escdelay: must be 0 to 2000 milliseconds" \
	'@escdelay = -1;'
expect_eq "workers after the refused commands" 1 "$(export_count workers)"

# Every member well formed: accepted; an unknown member of central warns
# (FILE:LINE) and the command goes on.
cat >"$c" <<'EOF'
escdelay = 0;
keys = { page_down = ["C-f", "Space"]; };
colours = { overdue = "red"; title = "white on blue"; };
central = {
  sslmode = "verify-full";
  sslrootcert = "/etc/caredesk/central-ca.pem";
  sslcert = "/etc/caredesk/host.crt";
  sslkey = "/etc/caredesk/host.key";
  connect_timeout = 600;
  compression = true;
};
EOF
cd_run --config "$c" --replica "$REPLICA" worker add late.one --name Late --team north-duty --role duty
expect_status 0 "a config with every group well formed"
expect_stderr_contains "caredesk: $c:10: warning: unknown setting 'central.compression' ignored"
expect_stderr_lines 1
expect_eq "workers after the accepted command" 2 "$(export_count workers)"

# --config must name a readable file.
cd_run --config "$T/none.conf" --replica "$REPLICA" worker list
expect_status 78 "--config naming no file"
expect_stderr_contains "cannot read $T/none.conf"

finish
