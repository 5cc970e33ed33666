#!/bin/sh
# The case view and search in a real terminal: open from the queue, the
# golden case screen, search as you type by name, NHS number and postcode,
# hostile search input, paging through a long chronology, and the audit
# record of who opened what.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }

desk_start xterm-256color C.UTF-8
wait_for "Referral queue: north"
first=$(screen | sed -n 3p | cut -c30-50 | sed 's/ *$//')
keys Enter
wait_for "Chronology, newest first" && expect_golden case-first
screen | sed -n 1p | grep -qF "${first%%,*}" || fail "the case view is not the selected referral's person ('$first')"
keys q
wait_for "Referral queue: north"

# Opening a record is audited.
opened=$(sqlite3 "$REPLICA" "SELECT count(*) FROM audit_event WHERE action = 'view' AND tbl = 'person' AND worker = 'duty.north'")
[ "$opened" -ge 1 ] || fail "opening a case left no audit event"

# Search by name prefix, NHS number (spaced as printed) and postcode.
person=$(sqlite3 "$REPLICA" "SELECT p.family_name || '|' || p.given_name || '|' || p.nhs_number || '|' || p.postcode || '|' || p.id FROM person p JOIN note n ON n.person_id = p.id WHERE p.nhs_number IS NOT NULL GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1")
family=$(echo "$person" | cut -d'|' -f1)
nhs=$(echo "$person" | cut -d'|' -f3)
postcode=$(echo "$person" | cut -d'|' -f4)
spaced="$(echo "$nhs" | cut -c1-3) $(echo "$nhs" | cut -c4-6) $(echo "$nhs" | cut -c7-10)"
keys /
wait_for "Find: _"
keys -l "$spaced"
wait_for "NHS $spaced"
[ "$(screen | grep -c '^[> ][^ ].*NHS ')" = 1 ] || fail "NHS number search found more than one person"
keys C-u
keys -l "$postcode"
wait_for "$postcode"
keys C-u
keys -l "$(echo "$family" | cut -c1-3)"
wait_for "$family"
# "999" prefixes every NHS number: listed unranked, and the worker is
# asked to type more; then the full number finds the one person.
keys C-u
keys -l "999"
wait_for "(over 500 match: type more)"
[ "$(screen | grep -c '^[> ][^ ].*NHS 999')" -ge 10 ] || fail "a broad search listed too few people"
keys -l "$(echo "$nhs" | cut -c4-10)"
wait_for "NHS $spaced"
screen | grep -qF "type more" && fail "a narrow search still asks to type more"
# Hostile input is only text: FTS5 syntax, quotes and escapes find nothing, break nothing.
keys C-u
keys -l 'AND "OR* NEAR( ^'
wait_for "Nobody matches."
keys C-u
keys -l "$spaced"
wait_for "NHS $spaced"
keys Enter
wait_for "Chronology, newest first"
screen | sed -n 1p | grep -qF "$family" || fail "Enter on a search result did not open that person"

# Paging through the chronology, a page being 10 notes at 80x24: newest
# first; G selects the oldest on the last line; g the newest again; Space
# shows the 11th newest first and selects it; b shows the first page again
# with the newest selected (a page move keeps the selection's line, so
# Space then b comes back to the same note).  Each compared, from the kind
# on, with the replica's note at that place.
person_id=$(echo "$person" | cut -d'|' -f5)
notes=$(sqlite3 "$REPLICA" "SELECT count(*) FROM note WHERE person_id = '$person_id'")
[ "$notes" -ge 21 ] || fail "the demo's busiest person has only $notes notes"
# note_at N: kind, author and the body's start of the note at OFFSET N,
# newest first, as the chronology prints them (from display column 15; the
# author's column ends at 37, where the body starts).
note_at() {
	sqlite3 "$REPLICA" "SELECT substr(printf('%-10s %-12.12s%s', n.kind, coalesce(w.login, '?'), n.body), 1, 40) FROM note n LEFT JOIN worker w ON w.id = n.author WHERE n.person_id = '$person_id' ORDER BY n.created_at DESC, n.rowid DESC LIMIT 1 OFFSET $1"
}
[ "$(note_at 0)" != "$(note_at 9)" ] && [ "$(note_at 9)" != "$(note_at 10)" ] ||
	fail "the notes this test pages through cannot be told apart"
top=$(selected_row)
expect_selected "$top" "$(note_at 0)"
keys G
expect_selected $((top + 9)) "$(note_at $((notes - 1)))"
keys g
expect_selected "$top" "$(note_at 0)"
keys Space
expect_selected "$top" "$(note_at 10)"
keys b
expect_selected "$top" "$(note_at 0)"
screen | sed -n "${top}p" | grep -qF -- "$(note_at 0)" || fail "page up did not show the newest note first"
# A page move keeps the selection's line: from the page's third row.
keys j j Space
expect_selected $((top + 2)) "$(note_at 12)"
keys b
expect_selected $((top + 2)) "$(note_at 2)"
# Amending the newest note: a new note of kind amendment pointing at it;
# the original is kept unchanged.
keys g
expect_selected "$top" "$(note_at 0)"
newest_id=$(sqlite3 "$REPLICA" "SELECT id FROM note WHERE person_id = '$(echo "$person" | cut -d'|' -f5)' ORDER BY created_at DESC, rowid DESC LIMIT 1")
original=$(sqlite3 "$REPLICA" "SELECT body FROM note WHERE id = '$newest_id'")
keys e
wait_for " Amend the note"
keys C-u
keys -l "Corrected: seen on Tuesday, not Monday"
keys Enter
wait_for "Amendment added"
[ "$(sqlite3 "$REPLICA" "SELECT kind || '|' || body FROM note WHERE amends_id = '$newest_id'")" = \
	"amendment|Corrected: seen on Tuesday, not Monday" ] || fail "the amendment was not saved"
[ "$(sqlite3 "$REPLICA" "SELECT body FROM note WHERE id = '$newest_id'")" = "$original" ] ||
	fail "amending changed the original note"
wait_for "amendment"

# 1 goes straight back to the queue from any depth.
keys 1
wait_for "Referral queue: north"
keys q
[ "$(exit_status)" = 0 ] || fail "q did not quit"
finish
