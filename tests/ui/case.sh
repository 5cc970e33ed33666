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

# Paging through the chronology: newest first, G to the oldest, g back.
newest=$(screen | grep '^>' | cut -c3-13)
keys G
sleep 0.3
oldest=$(screen | grep '^>' | cut -c3-13)
[ "$newest" != "$oldest" ] || fail "G did not move to the oldest note"
keys g
sleep 0.3
[ "$(screen | grep '^>' | cut -c3-13)" = "$newest" ] || fail "g did not come back to the newest note"
keys Space
sleep 0.3
keys b
sleep 0.3
[ "$(screen | grep '^>' | cut -c3-13)" != "" ] || fail "paging lost the selection"
# Amending the newest note: a new note of kind amendment pointing at it;
# the original is kept unchanged.
keys g
sleep 0.3
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
