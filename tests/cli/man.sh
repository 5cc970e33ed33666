#!/bin/sh
# The manual pages: mandoc's lint is clean and the pages fit 80 columns;
# every command `caredesk --help` lists, every subcommand and option its
# usage names, is documented in caredesk(1); every action of the desk's
# action table (src/ui/command.h) has an entry under Keys in caredesk(1)
# that gives exactly its default keys, and every entry there is an action;
# every setting of the example data/caredesk.conf is documented in
# caredesk.conf(5).
#
# Environment (make check sets it): MANDOC (path of mandoc, or "no"),
# MAN_DIR (the man/ directory), CAREDESK_BIN (the built caredesk),
# TESTS_SRCDIR (the source tree's tests/).  Without mandoc the lint is
# skipped (exit 77 when everything else passed), except with CI=true.
# Exit 0 pass, 1 fail, 77 skip.

set -u

fails=0
fail() {
	echo "man.sh: FAIL: $*"
	fails=$((fails + 1))
}

if [ -z "${MAN_DIR:-}" ] && [ -n "${TESTS_SRCDIR:-}" ]; then
	MAN_DIR=$TESTS_SRCDIR/../man
fi
if [ -z "${MAN_DIR:-}" ] || [ ! -d "$MAN_DIR" ]; then
	echo "man.sh: FAIL: set MAN_DIR to the man/ directory of the source tree"
	exit 1
fi
if [ -n "${TESTS_SRCDIR:-}" ]; then
	srcdir=$TESTS_SRCDIR/..
else
	srcdir=$MAN_DIR/..
fi
page1=$MAN_DIR/caredesk.1
page5=$MAN_DIR/caredesk.conf.5
example=$srcdir/data/caredesk.conf
actions=$srcdir/src/ui/command.h
for f in "$page1" "$page5" "$example" "$actions"; do
	if [ ! -r "$f" ]; then
		echo "man.sh: FAIL: cannot read $f"
		exit 1
	fi
done
if [ -z "${CAREDESK_BIN:-}" ] || [ ! -x "$CAREDESK_BIN" ]; then
	echo "man.sh: FAIL: set CAREDESK_BIN to the built caredesk"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The page's source with "\-" as "-", so "Fl \-format" (which renders
# as --format: Fl adds one hyphen) reads "Fl -format".
sed 's/\\-/-/g' "$page1" >"$tmp/page1"
sed 's/\\-/-/g' "$page5" >"$tmp/page5"

# documented_command "referral list": an item of the COMMANDS list,
# ".It Cm referral list ..." or ".Cm referral list ..." right after ".It Xo"
# (a mere mention such as ".Cm check ." elsewhere does not count).
documented_command() {
	awk -v want="$1" '
	function starts(line, p) {
		return substr(line, 1, length(p)) == p &&
			(length(line) == length(p) || substr(line, length(p) + 1, 1) == " ")
	}
	starts($0, ".It Cm " want) || (prev == ".It Xo" && starts($0, ".Cm " want)) { found = 1 }
	{ prev = $0 }
	END { exit !found }' "$tmp/page1"
}

# --- every command of `caredesk --help` ---------------------------------
if ! "$CAREDESK_BIN" --help >"$tmp/help" 2>"$tmp/help.err"; then
	fail "caredesk --help exited non-zero: $(cat "$tmp/help.err")"
fi
sed -n '/^Commands/,$s/^  \([a-z][a-z-]*\)  *[^ ].*/\1/p' "$tmp/help" >"$tmp/commands"
if [ ! -s "$tmp/commands" ]; then
	fail "found no commands in the output of caredesk --help"
fi

# A config that sets nothing, so that no host or user file is read.
: >"$tmp/empty.conf"
while read -r cmd; do
	if ! documented_command "$cmd"; then
		fail "caredesk.1 does not document the command '$cmd' (no '.It Cm $cmd' in COMMANDS)"
	fi
	if ! "$CAREDESK_BIN" --config "$tmp/empty.conf" "$cmd" --help >"$tmp/usage" 2>"$tmp/usage.err"; then
		fail "caredesk $cmd --help exited non-zero: $(head -n 1 "$tmp/usage.err")"
		continue
	fi
	# Subcommands: "caredesk referral list ..." names "referral list".
	sed -n 's/^\(usage:\)\{0,1\} *caredesk \([a-z][a-z-]*\) \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\2 \3/p' \
		"$tmp/usage" | sort -u >"$tmp/subs"
	while read -r sub; do
		if ! documented_command "$sub"; then
			fail "caredesk.1 does not document '$sub' (caredesk $cmd --help names it)"
		fi
	done <"$tmp/subs"
	# Options: every --name in the usage text.
	grep -o -- '--[a-z][a-z-]*' "$tmp/usage" | sort -u >"$tmp/opts"
	while read -r opt; do
		if ! grep -Eq -- "Fl ${opt#-}([^a-z-]|\$)" "$tmp/page1"; then
			fail "caredesk.1 does not document $opt (caredesk $cmd --help names it)"
		fi
	done <"$tmp/opts"
done <"$tmp/commands"

# The global options and the top-level ones.
for opt in --config --replica --as --help --version; do
	if ! grep -Eq -- "Fl ${opt#-}([^a-z-]|\$)" "$tmp/page1"; then
		fail "caredesk.1 does not document the global option $opt"
	fi
done

# --- every action of the desk, under Keys in caredesk(1) -----------------
# The action table is an X-macro, one X(ENUM, "name", "keys", screens,
# hint, "help") an action, continued over lines ending in a backslash.
# Join those lines, then take the name and the default keys (key names
# separated by spaces, the first a plain or Ctrl key) from each X(...).
# The manual must give exactly those keys, in that order, for each action,
# and document no action the table lacks: checked both ways.
awk '{
	if (sub(/\\$/, "")) {
		buf = buf $0 " "
		next
	}
	buf = buf $0
	while (match(buf, /X\([A-Z][A-Z0-9_]*,[ \t]*"[^"]*",[ \t]*"[^"]*"/)) {
		split(substr(buf, RSTART, RLENGTH), q, "\"")
		print q[2] "\t" q[4]
		buf = substr(buf, RSTART + RLENGTH)
	}
	buf = ""
}' "$actions" >"$tmp/actions"
if [ ! -s "$tmp/actions" ]; then
	fail "found no actions in $actions (X(ENUM, \"name\", \"keys\", ...) lines)"
fi

# The Keys subsection of caredesk(1), with the roff escapes a key name may
# need undone: "\&?" is "?", "\e" a backslash, "\(dq" a double quote.
awk '$0 == ".Ss Keys" { on = 1; next } on && /^\.S[hs]( |$)/ { on = 0 } on' "$tmp/page1" |
	sed 's/\\&//g; s/\\(dq/"/g; s/\\(aq/'"'"'/g; s/\\e/\\/g' >"$tmp/keys"
if [ ! -s "$tmp/keys" ]; then
	fail "caredesk.1 has no '.Ss Keys' subsection listing the desk's actions"
fi

# key_entry NAME: the lines of the entry ".It Cm NAME ..." under Keys, up
# to the next item or the end of the list; false if there is none.
key_entry() {
	NAME=$1 awk '
	/^\.(It|El)( |$)/ { on = 0 }
	/^\.It Cm / && $3 == ENVIRON["NAME"] { on = 1; found = 1 }
	on { print }
	END { exit !found }' "$tmp/keys"
}

tab=$(printf '\t')
while IFS="$tab" read -r name keys; do
	if ! key_entry "$name" >"$tmp/entry"; then
		fail "caredesk.1 does not document the action '$name' (no '.It Cm $name' under Keys)"
		continue
	fi
	if [ -z "$keys" ]; then
		fail "src/ui/command.h gives the action '$name' no default key"
		continue
	fi
	# Every default key, in order, and no other: ".It Cm page_down Pq Ic
	# C\-f , Space , PgDn" documents "C-f Space PgDn".
	documented=$(sed -n '1s/^\.It Cm [^ ]* Pq Ic //p' "$tmp/entry" | sed 's/\\-/-/g; s/ , / /g')
	if [ "$documented" != "$keys" ]; then
		fail "caredesk.1 Keys: the entry for '$name' gives the keys '$documented'; src/ui/command.h binds '$keys'"
	fi
done <"$tmp/actions"

# And no entry for an action that is gone or was renamed.
sed -n 's/^\.It Cm \([^ ]*\).*/\1/p' "$tmp/keys" >"$tmp/documented"
while read -r name; do
	if ! cut -f1 "$tmp/actions" | grep -Fqx -- "$name"; then
		fail "caredesk.1 Keys documents '$name', which is not an action in src/ui/command.h"
	fi
done <"$tmp/documented"

# --- every setting of data/caredesk.conf ----------------------------------
# The example comments prose with "//" and disables settings with "#", so
# "#name = ..." (or "name = ...") at the start of a line is a top-level
# setting and an indented one is a member of a group.
sed -n 's/^#\{0,1\}\([A-Za-z][A-Za-z0-9_-]*\)[ 	]*[=:].*/\1/p' "$example" >"$tmp/settings"
sed -n 's/^#\{0,1\}[ 	][ 	]*\([A-Za-z][A-Za-z0-9_-]*\)[ 	]*[=:].*/\1/p' "$example" >>"$tmp/settings"
if [ ! -s "$tmp/settings" ]; then
	fail "found no settings in $example"
fi
while read -r name; do
	if ! grep -Eq "^\.It Cm $name( |\$)" "$tmp/page5"; then
		fail "caredesk.conf.5 does not document the setting '$name' of data/caredesk.conf"
	fi
done <"$tmp/settings"

# --- the permission table, as caredesk(1) prints it and the binary holds it -
# Every cell of the tables under ROLES AND PERMISSIONS (split by role so
# each fits 80 columns) is the binary's own (`caredesk permissions`), and
# every cell of the binary's is in the manual: "permission role scope"
# triples from both, sorted and compared.
if ! "$CAREDESK_BIN" --config "$tmp/empty.conf" permissions --format csv >"$tmp/perm.csv" 2>"$tmp/perm.err"; then
	fail "caredesk permissions --format csv failed: $(cat "$tmp/perm.err")"
fi
# The description column is always quoted: drop it, then split on commas.
sed -e '1s/,description,/,/' -e 's/,"[^"]*",/,/' "$tmp/perm.csv" | awk -F, '
	NR == 1 { for (i = 2; i <= NF; i++) role[i] = $i; next }
	{ for (i = 2; i <= NF; i++) print $1, role[i], $i }' | sort >"$tmp/perm.binary"
awk -F '\t' '
	/^\.Sh ROLES AND PERMISSIONS/ { in_section = 1; next }
	/^\.Sh / { in_section = 0 }
	!in_section { next }
	/^\.TS/ { in_table = 1; row = 0; next }
	/^\.TE/ { in_table = 0; next }
	!in_table { next }
	/\.$/ && row == 0 && NF == 1 { next }
	row == 0 { for (i = 2; i <= NF; i++) role[i] = $i; row = 1; next }
	{ for (i = 2; i <= NF; i++) print $1, role[i], $i }' "$page1" | sort >"$tmp/perm.manual"
if [ ! -s "$tmp/perm.binary" ]; then
	fail "caredesk permissions --format csv printed no table"
elif ! diff -u "$tmp/perm.binary" "$tmp/perm.manual" >"$tmp/perm.diff"; then
	fail "the permission tables of caredesk(1) differ from caredesk permissions (- binary, + manual):"
	sed -n '3,$p' "$tmp/perm.diff" | grep '^[-+]'
fi

# --- lint and width (needs mandoc) ----------------------------------------
skipped=0
if [ -z "${MANDOC:-}" ] || [ "$MANDOC" = no ]; then
	if [ "${CI:-}" = true ]; then
		fail "mandoc is not installed (MANDOC=${MANDOC:-}); CI needs it"
	else
		echo "man.sh: SKIP: mandoc is not installed, so the pages were not linted"
		skipped=1
	fi
else
	for page in "$MAN_DIR"/*.[1-9]; do
		[ -e "$page" ] || continue
		if ! "$MANDOC" -T lint -W warning "$page" >"$tmp/lint" 2>&1 || [ -s "$tmp/lint" ]; then
			fail "mandoc -T lint -W warning $page:"
			cat "$tmp/lint"
		fi
		# Terminals may be 80 columns wide: no rendered line may be wider.
		bs=$(printf '\b')
		if ! "$MANDOC" -T ascii -O width=80 "$page" >"$tmp/render" 2>&1; then
			fail "mandoc -T ascii could not render $page"
		fi
		sed "s/.$bs//g" "$tmp/render" | awk 'length > 80' >"$tmp/wide"
		if [ -s "$tmp/wide" ]; then
			fail "$page renders lines wider than 80 columns:"
			cat "$tmp/wide"
		fi
	done
fi

if [ "$fails" -gt 0 ]; then
	echo "man.sh: $fails failure(s)"
	exit 1
fi
[ "$skipped" -eq 1 ] && exit 77
exit 0
