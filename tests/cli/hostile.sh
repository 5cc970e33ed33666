#!/bin/sh
# Hostile text through every command that prints data (issue 15, section
# 5).  Names, reasons, a header, a yes/no value, an audit origin and a
# central's error carry OSC, CSI and DCS sequences, a BEL, C1 controls and a
# right-to-left override.  The rule: a message or table that quotes data is
# sanitised (no ESC, BEL, C1 or bidi byte reaches the terminal, wherever
# stderr goes); CSV keeps the data as it came; JSON keeps it too, with C1
# controls and bidi overrides as \uXXXX.  Before this, import diagnostics,
# check and sync status wrote them raw.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "${TESTS_SRCDIR:?}/cli/lib.sh"
setup
need_python
command -v sqlite3 >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && { echo "FAIL: no sqlite3 shell (CI=true)"; exit 1; }
	skip "no sqlite3 shell"
}

make_replica north
r worker set "$(id -un)" --role duty,manager,admin,auditor
[ "$CD_STATUS" = 0 ] || die "cannot make the test user an auditor: $(cat "$CD_ERR")"
ESC=$(printf '\033')
# The fixtures: a title-setting OSC, a screen-clearing CSI, a DCS, a BEL,
# C1 CSI (U+009B) and NEL (U+0085), and RLO (U+202E) with PDI (U+2069).
osc="${ESC}]0;PWNED$(printf '\007')"
csi="${ESC}[2J${ESC}[31m"
dcs="${ESC}P1;2q${ESC}\\"
c1=$(printf '\302\233\302\205')
rlo=$(printf '\342\200\256evil\342\201\251')
cat >"$T/in.csv" <<EOF
received_at,family_name,given_name,date_of_birth,postcode,source,category,safeguarding,reason,x${csi}
2026-11-20T10:00:00Z,Osc${osc}Family,Rlo${rlo}Given,1970-05-05,N1 2BB,gp,social-care,no,Reason ${csi} and ${dcs} and ${c1},
2026-11-20T10:05:00Z,Bad,Value,1970-05-06,N1 2BC,gp,social-care,maybe${osc},Reason,
EOF

# no_raw WHAT FILE: FILE holds none of the bytes that act on a terminal.
no_raw() {
	if py 'data = open(sys.argv[1], "rb").read()
bad = [b"\x1b", b"\x07", b"\xc2\x9b", b"\xc2\x85", b"\xe2\x80\xae", b"\xe2\x81\xa9"]
found = [repr(b) for b in bad if b in data]
assert not found, "raw " + ", ".join(found)' "$2"; then
		pass "$1: nothing raw"
	else
		fail "$1: terminal control bytes reached the output:"
		show "$2"
	fi
}

r import referrals "$T/in.csv"
expect_status 65 "import of the hostile file (one bad yes/no)"
no_raw "import's diagnostics (stderr)" "$CD_ERR"
no_raw "import's summary (stdout)" "$CD_OUT"
expect_stderr_contains "warning: unknown column"
expect_stderr_contains "safeguarding: 'maybe"
ref=$(referral_id "Osc${osc}Family")
[ -n "$ref" ] || die "the hostile referral was not imported"
person=$(sqlite3 "$REPLICA" "SELECT person_id FROM referral WHERE id = '$ref'")
cd_run --replica "$REPLICA" note add --referral "$ref" --body "Note ${osc} ${c1} ${rlo}"
expect_status 0 "a hostile note"
r handover add --team north-duty --body "Handover ${csi}${rlo}"

# Every listing and record, as a table and as text.
for cmd in "referral list" "referral list --all" "referral show $ref" "person show $person" \
	"handover list" "worker list" "access log --person $person" "conflicts list"; do
	# shellcheck disable=SC2086 # the command's words
	r $cmd
	[ "$CD_STATUS" = 0 ] || { fail "$cmd exited $CD_STATUS: $(cat "$CD_ERR")"; continue; }
	no_raw "$cmd" "$CD_OUT"
	no_raw "$cmd (stderr)" "$CD_ERR"
done

# CSV keeps the data exactly.
r export referrals --format csv
if py 'import csv
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
fam = [r["family_name"] for r in rows if r["family_name"].startswith("Osc")]
assert fam == [sys.argv[2]], fam' "$CD_OUT" "Osc${osc}Family"; then
	pass "export referrals --format csv keeps the name as it came"
else
	fail "export referrals --format csv changed the hostile name"
fi

# JSON keeps the data, with C1 and bidi as \u escapes, never raw.
for cmd in "referral list --format json" "referral show $ref --format json" \
	"person show $person --format json" "export referrals --format json" \
	"export notes --format json"; do
	# shellcheck disable=SC2086
	r $cmd
	[ "$CD_STATUS" = 0 ] || { fail "$cmd exited $CD_STATUS: $(cat "$CD_ERR")"; continue; }
	if py 'raw = open(sys.argv[1], "rb").read()
for b in (b"\xc2\x9b", b"\xc2\x85", b"\xe2\x80\xae", b"\xe2\x81\xa9"):
    assert b not in raw, "raw %r" % b
text = raw.decode("utf-8")
json.loads(text)
assert "\\u202E" in text or "\\u009B" in text, "no escape in %s" % text[:200]' "$CD_OUT"; then
		pass "$cmd: C1 and bidi escaped, valid JSON"
	else
		fail "$cmd: JSON not escaped as promised:"
		show "$CD_OUT"
	fi
done
r export referrals --format json
if py 'd = json.load(open(sys.argv[1], encoding="utf-8"))
g = [o["given_name"] for o in d if o["family_name"].startswith("Osc")]
assert g == [sys.argv[2]], g' "$CD_OUT" "Rlo${rlo}Given"; then
	pass "export referrals --format json: the data decodes as it came"
else
	fail "export referrals --format json lost the data behind its escapes"
fi

# sync status: a central's error as stored.
sqlite3 "$REPLICA" "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('last_error', 'central says ${osc}${c1}${rlo}')"
r sync central file:/srv/central.db
[ "$CD_STATUS" = 0 ] || die "cannot set the central's address: $(cat "$CD_ERR")"
r sync status
no_raw "sync status" "$CD_OUT"
expect_stdout_contains "central says"

# check: an audit origin renamed behind caredesk's back (triggers lifted).
ev=$(sqlite3 "$REPLICA" "SELECT id FROM audit_event ORDER BY seq DESC LIMIT 1")
sqlite3 "$REPLICA" "SELECT 'DROP TRIGGER \"' || name || '\";' FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_event'" >"$T/drop.sql"
sqlite3 "$REPLICA" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_event'" >"$T/create.sql"
sqlite3 "$REPLICA" "BEGIN; $(cat "$T/drop.sql") UPDATE audit_event SET origin = 'origin${osc}${rlo}' WHERE id = '$ev'; $(cat "$T/create.sql") COMMIT;" ||
	die "cannot rename the audit origin"
r check
expect_status 65 "check with a renamed origin"
no_raw "check" "$CD_OUT"
no_raw "check (stderr)" "$CD_ERR"
expect_stdout_contains "origin"
finish
