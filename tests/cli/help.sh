#!/bin/sh
# --help and usage come from each command's option table (issue 13): every
# option a command's table declares (src/cli/cmd_*.c) is in its usage lines
# and has a line of its own in --help; a usage error shows the same usage
# lines as --help, so the two cannot drift apart.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup

src=$TESTS_SRCDIR/../src/cli
[ -r "$src/cmd_note.c" ] || die "cannot read the command tables in $src"

# table_options FILE: the option names its tables declare, one a line:
# { "name", NULL|"VALUE", "help", FLAGS, GROUP } (FLAGS perhaps on the
# next line) and FORMAT_OPTION(...) (the list verbs' app_list_opts too).
table_options() {
	sed -n 's/.*{ "\([a-z][a-z-]*\)", \(NULL\|"[^"]*"\), "[^"]*",\( [A-Z0-9].*\)\{0,1\}$/\1/p' "$1"
	grep -q 'FORMAT_OPTION(\|app_list_opts' "$1" && echo format
}

checked=0
for file in "$src"/cmd_*.c; do
	cmd=${file##*/cmd_}
	cmd=${cmd%.c}
	[ "$cmd" = summary ] && continue
	cd_run "$cmd" --help
	expect_status 0 "$cmd --help" || continue
	# The usage lines are the first paragraph; the option list follows.
	sed '/^$/q' "$CD_OUT" >"$T/usage"
	sed '1,/^$/d' "$CD_OUT" >"$T/options"
	table_options "$file" | sort -u >"$T/declared"
	while read -r opt; do
		checked=$((checked + 1))
		if grep -Eq -- "--$opt([^a-z-]|\$)" "$T/usage"; then
			pass "$cmd usage names --$opt"
		else
			fail "caredesk $cmd --help: the usage lines do not name --$opt (declared in ${file##*/})"
			show "$T/usage"
		fi
		if grep -Eq -- "^    --$opt( |\$)" "$T/options"; then
			pass "$cmd --help lists --$opt"
		else
			fail "caredesk $cmd --help: no line of help for --$opt (declared in ${file##*/})"
			show "$T/options"
		fi
	done <"$T/declared"
	# Nothing in --help that no table declares (global options aside).
	sed -n 's/^    --\([a-z][a-z-]*\).*/\1/p' "$T/options" | sort -u >"$T/listed"
	while read -r opt; do
		case $opt in config | replica | as | help | version) continue ;; esac
		grep -qx -- "$opt" "$T/declared" ||
			fail "caredesk $cmd --help lists --$opt, which no table in ${file##*/} declares"
	done <"$T/listed"
	# Each verb's usage error shows that verb's usage line(s), as --help does.
	verbs=$(sed -n "s/^\(usage:\)\{0,1\} *caredesk $cmd \([a-z][a-z-]*\)\( .*\)\{0,1\}\$/\2/p" "$T/usage")
	for verb in $verbs; do
		cd_run "$cmd" "$verb" --help
		sed '/^$/q' "$CD_OUT" | sed '/^$/d' >"$T/verb-usage"
		cd_run "$cmd" "$verb" --no-such-option
		expect_status 64 "$cmd $verb --no-such-option"
		sed '1d' "$CD_ERR" >"$T/error-usage"
		if cmp -s "$T/verb-usage" "$T/error-usage"; then
			pass "$cmd $verb: usage error shows the --help usage"
		else
			fail "caredesk $cmd $verb: the usage error's usage differs from --help's:"
			show "$T/error-usage"
			show "$T/verb-usage"
		fi
	done
done
[ "$checked" -gt 30 ] || fail "only $checked options found in the command tables; is the pattern out of date?"

# The top-level usage names the global options from their table.
cd_run --help
expect_status 0
for opt in --config --replica --as; do
	expect_stdout_contains "[$opt "
done

# Nothing --help writes is wider than 80 columns.
for file in "$src"/cmd_*.c; do
	cmd=${file##*/cmd_}
	cmd=${cmd%.c}
	[ "$cmd" = summary ] && continue
	"$CAREDESK_BIN" "$cmd" --help 2>/dev/null | awk -v c="$cmd" \
		'length > 80 { print "FAIL: caredesk " c " --help: a line of " length " columns: " $0; bad = 1 }
		END { exit bad }' || FAILURES=$((FAILURES + 1))
done

finish
