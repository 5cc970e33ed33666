# shellcheck shell=sh
# Driving the real desk in a real terminal: tmux.
#
# Each test gets its own tmux server (-L, a socket of its own), a fixed
# clock, and a copy of the demo borough (made once per make check, in
# CAREDESK_DEMO_CACHE; made afresh when that is not set).  Screens are read
# with capture-pane and compared with golden files; waiting is a bounded
# poll for text, never a fixed sleep.  The harness sets CAREDESK_BIN,
# CAREDESK_DATADIR and TESTS_SRCDIR.

: "${CAREDESK_BIN:?CAREDESK_BIN must name the caredesk binary}"

T=
SOCK=
STARTS=0
FAILURES=0

ui_cleanup() {
	[ -n "$SOCK" ] && tmux -L "$SOCK" kill-server 2>/dev/null
	[ -n "$T" ] && [ -d "$T" ] && rm -rf "$T"
}

ui_setup() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "SKIP: tmux is not installed"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	fi
	T=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-ui.XXXXXX") || exit 99
	trap ui_cleanup EXIT
	trap 'exit 1' HUP INT TERM
	CAREDESK_NOW=2026-11-23T09:30:00Z
	XDG_CONFIG_HOME=$T/xdg
	mkdir "$XDG_CONFIG_HOME"
	export CAREDESK_NOW XDG_CONFIG_HOME CAREDESK_DATADIR
	if [ -n "${CAREDESK_DEMO_CACHE:-}" ] && [ -f "$CAREDESK_DEMO_CACHE/replica-north.db" ]; then
		# The demo made once for the whole run (make check); each copy
		# syncs with its own central.  replica_meta takes a write only
		# with a transaction context, as caredesk writes it; not with
		# caredesk sync central, whose audit event would be a change
		# waiting on every golden screen.
		cp -R "$CAREDESK_DEMO_CACHE" "$T/demo" || exit 99
		for _r in "$T"/demo/replica-*.db; do
			sqlite3 "$_r" "BEGIN;
INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at)
	VALUES (1, lower(hex(randomblob(16))), 'test', 'test.demo-copy', (SELECT user_version FROM pragma_user_version), '$CAREDESK_NOW');
UPDATE replica_meta SET value = 'file:$T/demo/central-store.db' WHERE key = 'central_uri';
DELETE FROM txn_context;
COMMIT;" || exit 99
		done
	else
		"$CAREDESK_BIN" demo --dir "$T/demo" >"$T/demo.log" 2>&1 </dev/null || {
			cat "$T/demo.log"
			echo "ERROR: caredesk demo failed" >&2
			exit 99
		}
	fi
	REPLICA=$T/demo/replica-north.db
}

fail() {
	FAILURES=$((FAILURES + 1))
	echo "FAIL: $*"
}

finish() {
	if [ "$FAILURES" -gt 0 ]; then
		echo "$FAILURES failure(s)"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# desk_start TERM LANG [ARGS...]: the desk in an 80x24 pane, in tmux
# session "a" (a test may start more desks in other sessions).  The pane
# runs a shell line that records the desk's exit status, so tests can see
# how it ended.
desk_start() {
	_term=$1
	_lang=$2
	shift 2
	# A fresh server each time: a killed one may still hold its socket.
	[ -n "$SOCK" ] && tmux -L "$SOCK" kill-server 2>/dev/null
	STARTS=$((STARTS + 1))
	SOCK=caredesk-test-$$-$STARTS
	rm -f "$T/exit"
	# TERM is set inside the command: tmux overrides -e TERM.
	tmux -L "$SOCK" -f /dev/null new-session -d -s a -x 80 -y 24 \
		"env TERM=$_term LANG=$_lang LC_ALL=$_lang CAREDESK_NOW=$CAREDESK_NOW \
		CAREDESK_DATADIR=$CAREDESK_DATADIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME ${DESK_ENV:-} \
		$CAREDESK_BIN --replica $REPLICA --as ${DESK_AS:-duty.north} $*; echo \$? >$T/exit; sleep 30"
	tmux -L "$SOCK" set-option -g remain-on-exit on >/dev/null
}

screen() {
	tmux -L "$SOCK" capture-pane -p -t a
}

keys() {
	tmux -L "$SOCK" send-keys -t a "$@"
}

# wait_for TEXT [SECONDS]: until the pane shows TEXT (fixed string).
wait_for() {
	_i=0
	_limit=$((${2:-5} * 10))
	while [ $_i -lt $_limit ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "screen never showed '$1'"
	screen | sed 's/^/    | /'
	return 1
}

# wait_gone TEXT: until the pane no longer shows TEXT.
wait_gone() {
	_i=0
	while [ $_i -lt 50 ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "screen still shows '$1'"
	return 1
}

# expect_golden NAME: the pane equals tests/ui/golden/NAME.txt.  With
# UPDATE_GOLDEN=1 the file is written instead (review the diff!).
expect_golden() {
	_golden=$TESTS_SRCDIR/ui/golden/$1.txt
	screen >"$T/screen.txt"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T/screen.txt" "$_golden"
		return 0
	fi
	if ! cmp -s "$_golden" "$T/screen.txt"; then
		fail "screen differs from golden $1"
		diff -u "$_golden" "$T/screen.txt" | sed 's/^/    /'
	fi
}

# selected_row: the screen line (1-based) carrying the selection marker.
selected_row() {
	screen | grep -n '^>' | head -n 1 | cut -d: -f1
}

# wait_selected ROW: until the selection marker is on screen line ROW.
wait_selected() {
	_i=0
	while [ $_i -lt 30 ]; do
		[ "$(selected_row)" = "$1" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "selection is on line $(selected_row), expected $1"
	# The screen as it stood, so a rare miss can be read from the log.
	screen | sed 's/^/    | /'
	return 1
}

# exit_status [SECONDS]: the desk's exit status once it has ended.
exit_status() {
	_i=0
	_limit=$((${1:-3} * 10))
	while [ $_i -lt $_limit ]; do
		if [ -s "$T/exit" ]; then
			cat "$T/exit"
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "running"
}

# desk_pid: the caredesk process in the pane (the pane runs sh, which runs
# env, which execs caredesk).
desk_pid() {
	_sh=$(tmux -L "$SOCK" display-message -p -t a '#{pane_pid}')
	pgrep -P "$_sh" caredesk | head -n 1
}

# import_csv FILE: import referrals into the desk's replica from another
# process, as the contract's intake would.
import_csv() {
	"$CAREDESK_BIN" --replica "$REPLICA" import referrals "$1" >"$T/import.out" 2>&1 </dev/null
}

# wait_line N TEXT [SECONDS]: until screen line N (1-based) holds TEXT
# (fixed string); the line as it stood is shown on failure.
wait_line() {
	_i=0
	_limit=$((${3:-5} * 10))
	while [ $_i -lt $_limit ]; do
		screen | sed -n "${1}p" | grep -qF -- "$2" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "screen line $1 never showed '$2'"
	screen | sed 's/^/    | /'
	return 1
}

# expect_selected ROW TEXT: the selection marker is on screen line ROW and
# that line holds TEXT (a record's name: the selection follows the record,
# not the position).  Polls, as wait_selected does.
expect_selected() {
	_i=0
	while [ $_i -lt 30 ]; do
		[ "$(selected_row)" = "$1" ] && screen | sed -n "${1}p" | grep -qF -- "$2" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "expected '$2' selected on line $1; the selection is on line $(selected_row)"
	screen | sed 's/^/    | /'
	return 1
}

# columns_at TEXT LINE: the display column (1-based, by display width, not
# bytes: a wide character counts two) where TEXT first starts in LINE, or
# nothing when LINE does not hold it.
columns_at() {
	case $2 in *"$1"*) ;; *) return 1 ;; esac
	_pre=${2%%"$1"*}
	echo $(($(printf '%s\n' "$_pre" | LC_ALL=C.UTF-8 wc -L) + 1))
}

# desk_read_bytes: how many bytes the desk has read so far (read(2) and
# pread(2), from /proc).  Idle, the desk reads nothing: a change means it
# has read a key from the terminal.
desk_read_bytes() {
	sed -n 's/^rchar: //p' "/proc/$(desk_pid)/io"
}

# wait_desk_read BEFORE: until the desk has read more than BEFORE bytes.
wait_desk_read() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ "$(desk_read_bytes)" -gt "$1" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "the desk never read the key sent"
	return 1
}

# The pane with its attributes, for the golden screens' .attr files: each
# line's text with every change of attribute marked inline as {bold+rev},
# {red}, {ul}, ... and {} for back to plain; a literal "{" is doubled.
# The format is described at the top of tests/ui/screens.sh.  capture-pane
# -N keeps trailing blanks, so a reverse-video blank at the end of a line
# counts; blanks in the plain attribute are trimmed as in the .txt files.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
SCREEN_ATTRS_AWK='
function clear_sgr() {
	bold = dim = italic = ul = blink = rev = hidden = strike = 0
	fg = bg = other = ""
}
function style(   t) {
	t = ""
	if (bold) t = t "+bold"
	if (dim) t = t "+dim"
	if (italic) t = t "+italic"
	if (ul) t = t "+ul"
	if (blink) t = t "+blink"
	if (rev) t = t "+rev"
	if (hidden) t = t "+hidden"
	if (strike) t = t "+strike"
	if (fg != "") t = t "+" fg
	if (bg != "") t = t "+on-" bg
	return substr(t other, 2)
}
function sgr(params,   n, p, i, v) {
	n = split(params, p, ";")
	if (n == 0)
		clear_sgr()
	for (i = 1; i <= n; i++) {
		v = p[i]
		if (v == "" || v == "0") clear_sgr()
		else if (v == "1") bold = 1
		else if (v == "2") dim = 1
		else if (v == "3") italic = 1
		else if (v == "4") ul = 1
		else if (v == "5") blink = 1
		else if (v == "7") rev = 1
		else if (v == "8") hidden = 1
		else if (v == "9") strike = 1
		else if (v == "22") bold = dim = 0
		else if (v == "23") italic = 0
		else if (v == "24") ul = 0
		else if (v == "25") blink = 0
		else if (v == "27") rev = 0
		else if (v == "28") hidden = 0
		else if (v == "29") strike = 0
		else if (v ~ /^3[0-7]$/) fg = colour[v - 29]
		else if (v == "39") fg = ""
		else if (v ~ /^4[0-7]$/) bg = colour[v - 39]
		else if (v == "49") bg = ""
		else if (v ~ /^9[0-7]$/) fg = "bright-" colour[v - 89]
		else if (v ~ /^10[0-7]$/) bg = "bright-" colour[v - 99]
		else if ((v == "38" || v == "48") && p[i + 1] == "5") {
			if (v == "38") fg = "colour" p[i + 2]
			else bg = "colour" p[i + 2]
			i += 2
		} else
			other = other "+sgr" v	# shown, never dropped
	}
}
function add(text) {
	if (text == "")
		return
	gsub(/[{]/, "{{", text)
	runs++
	run_style[runs] = style()
	run_text[runs] = text
}
BEGIN {
	esc = sprintf("%c", 27)
	split("black red green yellow blue magenta cyan white", colour, " ")
	clear_sgr()
}
{
	line = $0
	runs = 0
	while ((i = index(line, esc "[")) > 0) {
		add(substr(line, 1, i - 1))
		line = substr(line, i + 2)
		match(line, /^[0-9;:]*/)
		params = substr(line, 1, RLENGTH)
		final = substr(line, RLENGTH + 1, 1)
		line = substr(line, RLENGTH + 2)
		if (final == "m")
			sgr(params)
		else
			add("\\e[" params final)	# not an attribute: shown as text
	}
	add(line)
	while (runs > 0 && run_style[runs] == "") {
		sub(/ +$/, "", run_text[runs])
		if (run_text[runs] != "")
			break
		runs--
	}
	out = ""
	cur = ""
	for (k = 1; k <= runs; k++) {
		if (run_style[k] != cur)
			out = out "{" run_style[k] "}"
		cur = run_style[k]
		out = out run_text[k]
	}
	if (cur != "")
		out = out "{}"
	print out
}'

# screen_attrs: the pane as text with its attribute runs marked.
screen_attrs() {
	tmux -L "$SOCK" capture-pane -p -e -N -t a | awk "$SCREEN_ATTRS_AWK"
}

# capture_settled FILE: the pane with its attributes (capture-pane -e -N)
# in FILE, once two captures in a row agree, so a screen caught in the
# middle of a redraw is never compared (a bounded poll).
capture_settled() {
	tmux -L "$SOCK" capture-pane -p -e -N -t a >"$1"
	_i=0
	while [ $_i -lt 30 ]; do
		sleep 0.1
		tmux -L "$SOCK" capture-pane -p -e -N -t a >"$1.again"
		cmp -s "$1" "$1.again" && return 0
		mv "$1.again" "$1"
		_i=$((_i + 1))
	done
	fail "the screen never settled"
	return 1
}

# expect_golden_attrs NAME: the pane equals tests/ui/golden/NAME.txt (its
# text) and NAME.attr (its text with attribute runs), both from one
# capture.  With UPDATE_GOLDEN=1 both files are written instead.
expect_golden_attrs() {
	_golden=$TESTS_SRCDIR/ui/golden/$1
	capture_settled "$T/screen.raw" || return 1
	sed "s/$(printf '\033')\[[0-9;:]*[A-Za-z]//g; s/ *\$//" "$T/screen.raw" >"$T/screen.txt"
	awk "$SCREEN_ATTRS_AWK" "$T/screen.raw" >"$T/screen.attr"
	for _ext in txt attr; do
		if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
			cp "$T/screen.$_ext" "$_golden.$_ext"
		elif ! cmp -s "$_golden.$_ext" "$T/screen.$_ext"; then
			fail "screen differs from golden $1.$_ext"
			diff -u "$_golden.$_ext" "$T/screen.$_ext" | sed 's/^/    /'
		fi
	done
}
