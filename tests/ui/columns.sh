#!/bin/sh
# Nothing that carries meaning is cut at 80x24 (issue 14, defect 13), read
# from the screen of the real desk in tmux:
# - the queue's title with every filter on keeps the overdue count and
#   names each filter (abbreviated by caredesk(1)'s rule: Queue, SG, the
#   priority alone, mine);
# - every decision of the triage form is shown whole, "(closes the
#   referral)" and the closing '>' included, wrapped onto the row below;
# - every worker of the allocate form is shown whole, with their open
#   cases as the replica counts them.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/lib.sh"

ui_setup
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 shell"; [ "${CI:-}" = true ] && exit 1; exit 77; }
q() {
	sqlite3 "$REPLICA" "$1"
}

# field ROW: a form field's value as shown on ROW (1-based) and, wrapped,
# on the row below it; the 14-column label left out.
field() {
	screen | sed -n "$1p;$(($1 + 1))p" | cut -c15- | sed 's/ *$//' | tr '\n' ' ' | sed 's/ *$//'
}

# wait_field ROW TEXT: until field ROW reads TEXT exactly.
wait_field() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ "$(field "$1")" = "$2" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "the field on row $1 never read '$2'; it read '$(field "$1")'"
	screen | sed 's/^/    | /'
	return 1
}

desk_start vt100 C
wait_for "Referral queue: north"

# --- the queue's title, every filter on ------------------------------------------
overdue=$(q "SELECT count(*) FROM referral WHERE status IN ('new', 'triaged') AND decision_due_at < '$CAREDESK_NOW'")
keys s p p c c c m
wait_for " Queue: north  SG  amber  hospital-discharge  mine"
title=$(screen | sed -n 1p | sed 's/ *$//')
case "$title" in
*" $overdue overdue") ;;
*) fail "the title with every filter on lost the overdue count ($overdue): '$title'" ;;
esac
keys s p p p c c c c m
wait_for " Referral queue: north  "

# --- triage: every decision whole -------------------------------------------------
keys t
wait_for " Triage"
keys Tab
wait_field 5 "< (not yet decided) >"
# The form offers the decisions for the age group of the selected
# referral (the first of the queue) on the day it was received.
group=$(q "SELECT CASE WHEN date(p.date_of_birth, '+18 years') > date(f.received_at) THEN 'child' ELSE 'adult' END FROM referral f JOIN person p ON p.id = f.person_id WHERE f.status IN ('new', 'triaged') ORDER BY f.decision_due_at, f.id LIMIT 1")
q "SELECT code || ': ' || label || CASE closes WHEN 1 THEN ' (closes the referral)' ELSE '' END FROM decision_code WHERE age_group IN ('any', '$group') ORDER BY closes, code" >"$T/decisions"
[ -s "$T/decisions" ] || fail "no decision codes in the replica"
while IFS= read -r shown; do
	keys Right
	wait_field 5 "< $shown >" || break
done <"$T/decisions"
keys C-c
wait_gone " Triage"

# --- allocate: every worker whole, with their open cases ------------------------------
keys a
wait_for " Allocate"
seen=
for _ in $(seq 1 40); do
	shown=$(field 3)
	login=$(echo "$shown" | sed -n 's/^< .* (\([^)]*\)), .*$/\1/p')
	[ -n "$login" ] || { fail "the worker field is cut or unreadable: '$shown'"; break; }
	case " $seen " in *" $login "*) break ;; esac
	seen="$seen $login"
	n=$(q "SELECT count(*) FROM care_case c JOIN worker w ON w.id = c.allocated_to WHERE w.login = '$login' AND c.closed_at IS NULL")
	cases=cases
	[ "$n" = 1 ] && cases=case
	case "$shown" in
	*", $n open $cases >") ;;
	*) fail "the worker field for $login does not end '$n open $cases >': '$shown'" ;;
	esac
	keys Right
	_i=0
	while [ "$(field 3)" = "$shown" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
done
[ "$(echo "$seen" | wc -w)" -ge 2 ] || fail "the allocate form offered fewer than two workers: $seen"
keys C-c
finish
