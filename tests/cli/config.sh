#!/bin/sh
# caredesk.conf(5) as the real binary reads it: errors name FILE:LINE and
# exit 78, unknown settings only warn, the search order finds
# $XDG_CONFIG_HOME/caredesk/caredesk.conf, and timescales and closure_days
# move the due times `import referrals` computes.  The shipped example
# data/caredesk.conf changes nothing, commented out or not.
#
# Environment (make check sets it): CAREDESK_BIN (the built caredesk),
# CAREDESK_DATADIR (the source tree's data/), TESTS_SRCDIR (its tests/).
# Exit 0 pass, 1 fail.

set -u

fails=0
fail() {
	echo "config.sh: FAIL: $*"
	fails=$((fails + 1))
}

if [ -z "${CAREDESK_BIN:-}" ] || [ ! -x "$CAREDESK_BIN" ]; then
	echo "config.sh: FAIL: set CAREDESK_BIN to the built caredesk"
	exit 1
fi
if [ -z "${CAREDESK_DATADIR:-}" ] && [ -n "${TESTS_SRCDIR:-}" ]; then
	CAREDESK_DATADIR=$TESTS_SRCDIR/../data
	export CAREDESK_DATADIR
fi
example=
for f in "${TESTS_SRCDIR:-/nonexistent}/../data/caredesk.conf" \
	"${CAREDESK_DATADIR:-/nonexistent}/caredesk.conf"; do
	if [ -r "$f" ]; then
		example=$f
		break
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-config.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Monday 23 November 2026, 09:00 GMT; no user configuration unless a test
# makes one.
CAREDESK_NOW=2026-11-23T09:00:00Z
XDG_CONFIG_HOME=$tmp/no-xdg
export CAREDESK_NOW XDG_CONFIG_HOME

# run ARGS...: run caredesk; $rc, $tmp/out and $tmp/err hold the outcome.
run() {
	"$CAREDESK_BIN" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# show: what the last run printed, for a failure report.
show() {
	sed 's/^/    stdout: /' "$tmp/out"
	sed 's/^/    stderr: /' "$tmp/err"
}

# expect_error WHAT CONF PATTERN...: caredesk with CONF exits 78 and its
# stderr holds every PATTERN (fixed strings).
expect_error() {
	what=$1
	conf=$2
	shift 2
	run --config "$conf" --replica "$replica" referral list
	if [ "$rc" -ne 78 ]; then
		fail "$what: exit $rc, expected 78"
		show
		return
	fi
	for pattern in "$@"; do
		if ! grep -Fq -- "$pattern" "$tmp/err"; then
			fail "$what: stderr does not say '$pattern'"
			show
		fi
	done
}

# import CONF FAMILY_NAME DATE_OF_BIRTH CATEGORY: one referral received
# Monday 23 November 2026 08:00 UTC, imported under CONF.
import() {
	printf '%s\r\n' \
		'received_at,family_name,given_name,date_of_birth,source,category,safeguarding' \
		"2026-11-23T08:00:00Z,$2,Ann,$3,gp,$4,no" >"$tmp/in.csv"
	run --config "$1" --replica "$replica" import referrals "$tmp/in.csv"
	if [ "$rc" -ne 0 ]; then
		fail "import of $2 under $1: exit $rc"
		show
	fi
}

# due FAMILY_NAME: the decision_due_at `referral list --format csv` shows.
due() {
	"$CAREDESK_BIN" --config "$empty" --replica "$replica" referral list --format csv --all |
		tr -d '\r' | awk -F, -v n="$1" '$6 == n { print $3 }'
}

# expect_due FAMILY_NAME DUE WHY
expect_due() {
	got=$(due "$1")
	if [ "$got" != "$2" ]; then
		fail "$3: decision_due_at of $1 is '$got', expected $2"
	fi
}

empty=$tmp/empty.conf
: >"$empty"
replica=$tmp/r.db
run --config "$empty" init --locality north --replica "$replica"
if [ "$rc" -ne 0 ]; then
	echo "config.sh: FAIL: caredesk init: exit $rc"
	show
	exit 1
fi

# --- errors: FILE:LINE and exit 78 --------------------------------------
c=$tmp/syntax.conf
printf '%s\n' '# a syntax error on line 3' 'replica = "r.db";' 'timezone == "Europe/London";' >"$c"
expect_error "a syntax error" "$c" "$c:3:"

c=$tmp/type.conf
printf '%s\n' '# a number where a string belongs, line 3' '' 'timezone = 5;' >"$c"
expect_error "timezone = 5" "$c" "$c:3:" "timezone"

c=$tmp/range.conf
printf '%s\n' 'timescales = {' '    child = 61;' '};' >"$c"
expect_error "timescales.child = 61" "$c" "$c:2:" "child"

c=$tmp/shape.conf
printf '%s\n' 'timescales = 3;' >"$c"
expect_error "timescales = 3" "$c" "$c:1:" "timescales"

c=$tmp/closure.conf
printf '%s\n' '' 'closure_days = ["2026-12-24", "24/12/2026"];' >"$c"
expect_error "a closure day not YYYY-MM-DD" "$c" "$c:2:" "closure_days"

c=$tmp/zone.conf
printf '%s\n' 'timezone = "Nowhere/Nope";' >"$c"
expect_error "timezone = \"Nowhere/Nope\"" "$c" "$c" "Nowhere/Nope"

expect_error "--config naming a missing file" "$tmp/missing.conf" "$tmp/missing.conf"

# --- an unknown setting warns, and the command still runs ----------------
c=$tmp/unknown.conf
printf '%s\n' 'timezone = "Europe/London";' 'frobnicate = 1;' >"$c"
run --config "$c" --replica "$replica" referral list --format csv
if [ "$rc" -ne 0 ]; then
	fail "an unknown setting: exit $rc, expected 0"
	show
elif ! grep -Fq "$c:2:" "$tmp/err" || ! grep -Fq frobnicate "$tmp/err"; then
	fail "an unknown setting: no warning naming $c:2: and frobnicate"
	show
elif ! grep -q '^id,received_at,decision_due_at,' "$tmp/out"; then
	fail "an unknown setting: referral list printed no listing"
	show
fi

# Global options after the subcommand work the same.
run --replica "$replica" referral list --format csv --config "$c"
if [ "$rc" -ne 0 ] || ! grep -Fq "$c:2:" "$tmp/err"; then
	fail "--config after the subcommand was not read (exit $rc)"
	show
fi

# --- timescales and closure days move due times --------------------------
# An adult's social care request: 5 working days by default, Monday 08:00
# GMT to the next Monday.
import "$empty" Default 1960-01-01 social-care
expect_due Default 2026-11-30T08:00:00Z "default adult_other (5)"

c=$tmp/adult3.conf
printf '%s\n' 'timescales = { adult_other = 3; };' >"$c"
import "$c" Three 1960-01-01 social-care
expect_due Three 2026-11-26T08:00:00Z "timescales.adult_other = 3"

# A child: 1 working day, Tuesday; Tuesday closed makes it Wednesday.
import "$empty" Child 2015-01-01 health
expect_due Child 2026-11-24T08:00:00Z "default child timescale (1)"

c=$tmp/closed.conf
printf '%s\n' 'closure_days = ["2026-11-24"];' >"$c"
import "$c" Closed 2015-01-01 health
expect_due Closed 2026-11-25T08:00:00Z "closure_days = [\"2026-11-24\"]"

# Same working day: due 17:00 local (GMT in November).
c=$tmp/same.conf
printf '%s\n' 'timescales = { adult_safeguarding = 0; };' >"$c"
import "$c" Sameday 1950-01-01 safeguarding
expect_due Sameday 2026-11-23T17:00:00Z "timescales.adult_safeguarding = 0"

# --- the search order: $XDG_CONFIG_HOME/caredesk/caredesk.conf -----------
mkdir -p "$tmp/xdg/caredesk"
printf 'replica = "%s";\ntimescales = { adult_other = 2; };\n' "$replica" \
	>"$tmp/xdg/caredesk/caredesk.conf"
printf '%s\r\n' 'received_at,family_name,given_name,date_of_birth,source,category' \
	'2026-11-23T08:00:00Z,Xdg,Ann,1960-01-01,gp,social-care' >"$tmp/in.csv"
XDG_CONFIG_HOME=$tmp/xdg "$CAREDESK_BIN" import referrals "$tmp/in.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "\$XDG_CONFIG_HOME/caredesk/caredesk.conf was not used (import without --config or --replica: exit $rc)"
	show
else
	expect_due Xdg 2026-11-25T08:00:00Z "timescales from \$XDG_CONFIG_HOME/caredesk/caredesk.conf"
fi

# --config wins over $XDG_CONFIG_HOME.
printf 'frobnicate = 1;\n' >"$tmp/xdg/caredesk/caredesk.conf"
XDG_CONFIG_HOME=$tmp/xdg "$CAREDESK_BIN" --config "$empty" --replica "$replica" referral list \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ]; then
	fail "--config did not take precedence over \$XDG_CONFIG_HOME (exit $rc)"
	show
fi

# --- the shipped example changes nothing ---------------------------------
if [ -z "$example" ]; then
	fail "cannot find data/caredesk.conf (set TESTS_SRCDIR or CAREDESK_DATADIR)"
else
	# What the commands print under the example is exactly what they print
	# with no configuration at all: the listing (every referral so far, in
	# both formats) and the due times of new referrals of each timescale.
	same_as_empty() {
		for fmt in table csv; do
			run --config "$empty" --replica "$replica" referral list --all --format "$fmt"
			cp "$tmp/out" "$tmp/want.$fmt"
			if [ "$rc" -ne 0 ] || [ "$(wc -l <"$tmp/want.$fmt")" -lt 3 ]; then
				fail "referral list --format $fmt under an empty configuration: exit $rc, or too few rows to compare"
				show
			fi
			run --config "$1" --replica "$replica" referral list --all --format "$fmt"
			if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ]; then
				fail "$2: referral list --format $fmt: exit $rc or a message"
				show
			elif ! cmp -s "$tmp/want.$fmt" "$tmp/out"; then
				fail "$2: referral list --format $fmt differs from the one with no configuration:"
				diff "$tmp/want.$fmt" "$tmp/out" | sed 's/^/    /'
			fi
		done
	}
	same_as_empty "$example" "data/caredesk.conf as shipped"
	import "$example" Shipped 1960-01-01 social-care
	expect_due Shipped 2026-11-30T08:00:00Z "data/caredesk.conf as shipped (adult_other 5)"
	import "$example" Shippedchild 2015-01-01 health
	expect_due Shippedchild 2026-11-24T08:00:00Z "data/caredesk.conf as shipped (child 1)"
	import "$example" Shippedsafe 1960-01-01 safeguarding
	expect_due Shippedsafe 2026-11-24T08:00:00Z "data/caredesk.conf as shipped (adult_safeguarding 1)"
	# With every "#" removed it sets every setting to its default.
	sed 's/^#//' "$example" >"$tmp/uncommented.conf"
	same_as_empty "$tmp/uncommented.conf" "data/caredesk.conf uncommented"
	if ! grep -q '^[a-z_]* *=' "$tmp/uncommented.conf"; then
		fail "data/caredesk.conf uncommented sets nothing: settings must be commented out with '#'"
	fi
	import "$tmp/uncommented.conf" Example 1960-01-01 social-care
	expect_due Example 2026-11-30T08:00:00Z "data/caredesk.conf uncommented (defaults)"
	import "$tmp/uncommented.conf" Examplechild 2015-01-01 health
	expect_due Examplechild 2026-11-24T08:00:00Z "data/caredesk.conf uncommented (defaults)"
	import "$tmp/uncommented.conf" Examplesafe 1960-01-01 safeguarding
	expect_due Examplesafe 2026-11-24T08:00:00Z "data/caredesk.conf uncommented (defaults)"
fi

if [ "$fails" -gt 0 ]; then
	echo "config.sh: $fails failure(s)"
	exit 1
fi
exit 0
