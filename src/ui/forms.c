/* The desk's forms: triage, allocation and notes.  Each saves through the
 * same replica function as its command (referral triage, referral
 * allocate, note add), so the rules, the audit event and the outbox are
 * the same whichever way a worker works. */
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "ui/form.h"

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

static struct form *new_form(const char *title, const char *record)
{
	struct form *f = cd_calloc(1, sizeof(*f));

	snprintf(f->title, sizeof(f->title), " %s", title);
	snprintf(f->record, sizeof(f->record), "%s", record ? record : "");
	return f;
}

static struct form_field *add_field(struct form *f, const char *label, enum field_kind kind)
{
	struct form_field *x = &f->fields[f->count++];

	x->label = label;
	x->kind = kind;
	return x;
}

/* --- triage ------------------------------------------------------------ */

static int save_triage(struct ui *ui, struct form *f, struct cd_error *err)
{
	const char *decision = form_value(f, 1);

	return referral_triage(ui->r, f->record, form_value(f, 0), *decision ? decision : NULL,
			       *form_value(f, 2) ? form_value(f, 2) : NULL, err);
}

int form_triage(struct ui *ui, const char *referral_id)
{
	struct form *f = new_form("Triage", referral_id);
	struct form_field *x;
	sqlite3_stmt *st;

	x = add_field(f, "Priority", FIELD_CHOICE);
	form_add_choice(x, "red: act today", "red");
	form_add_choice(x, "amber: within the timescale", "amber");
	form_add_choice(x, "green: routine", "green");
	x->choice = 1;
	x = add_field(f, "Decision", FIELD_CHOICE);
	form_add_choice(x, "(not yet decided)", "");
	st = replica_stmt(ui->r, "SELECT code, label, closes FROM decision_code ORDER BY closes, code");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char shown[160];

		snprintf(shown, sizeof(shown), "%s: %s%s", col(st, 0), col(st, 1),
			 sqlite3_column_int(st, 2) ? " (closes the referral)" : "");
		form_add_choice(x, shown, col(st, 0));
	}
	sqlite3_reset(st);
	add_field(f, "Reason", FIELD_TEXT);
	f->save = save_triage;
	f->saved_message = "Triage saved.";
	return form_push(ui, f);
}

/* --- allocation -------------------------------------------------------- */

static int save_allocation(struct ui *ui, struct form *f, struct cd_error *err)
{
	return referral_allocate(ui->r, f->record, form_value(f, 0), err);
}

/* Fill a choice with the workers a query returns (login, name, team, open
 * cases), shown with their open cases so the load is visible. */
static void add_worker_choices(struct form_field *x, sqlite3_stmt *st, const char *record_id)
{
	sqlite3_bind_text(st, 1, record_id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char shown[256];

		snprintf(shown, sizeof(shown), "%s (%s), %s, %d open case%s", col(st, 1), col(st, 0),
			 col(st, 2), sqlite3_column_int(st, 3),
			 sqlite3_column_int(st, 3) == 1 ? "" : "s");
		form_add_choice(x, shown, col(st, 0));
	}
	sqlite3_reset(st);
}

/* Workers of the person's locality teams and of the referral's own team,
 * each with their open cases, fewest first within a team. */
int form_allocate(struct ui *ui, const char *referral_id)
{
	struct form *f = new_form("Allocate", referral_id);

	add_worker_choices(add_field(f, "Worker", FIELD_CHOICE), replica_stmt(ui->r,
		"SELECT w.login, w.name, w.team, (SELECT count(*) FROM care_case c "
		"WHERE c.allocated_to = w.id AND c.closed_at IS NULL) AS open_cases "
		"FROM referral f JOIN person p ON p.id = f.person_id "
		"JOIN worker w ON w.active = 1 JOIN team t ON t.code = w.team "
		"WHERE f.id = ?1 AND (t.locality = p.locality OR w.team = f.team) "
		"ORDER BY w.team, open_cases, w.login"), referral_id);
	f->save = save_allocation;
	f->saved_message = "Allocated.";
	return form_push(ui, f);
}

/* --- notes ------------------------------------------------------------- */

static int save_note(struct ui *ui, struct form *f, struct cd_error *err)
{
	/* The form is about the person; the About field may name the referral. */
	struct note_input in = { .person_id = f->record, .kind = form_value(f, 0),
				 .body = form_value(f, 1) };

	if (*form_value(f, 2))
		in.referral_id = form_value(f, 2);
	return note_add(ui->r, &in, NULL, err);
}

int form_note(struct ui *ui, const char *person_id, const char *referral_id)
{
	static const char *const kinds[] = { "case-note", "contact", "visit", "phone-call",
					     "meeting", "decision" };
	struct form *f = new_form("Add a note", person_id);
	struct form_field *x = add_field(f, "Kind", FIELD_CHOICE);

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		form_add_choice(x, kinds[i], kinds[i]);
	add_field(f, "Note", FIELD_TEXT);
	x = add_field(f, "About", FIELD_CHOICE);
	if (referral_id && *referral_id)
		form_add_choice(x, "this referral", referral_id);
	form_add_choice(x, "the person", "");
	f->save = save_note;
	f->saved_message = "Note added.";
	return form_push(ui, f);
}

static int save_amendment(struct ui *ui, struct form *f, struct cd_error *err)
{
	return note_amend(ui->r, f->record, form_value(f, 0), NULL, err);
}

/* A correction is a new note pointing at the original, which stays as it
 * was; the form starts from the original's whole text (the list shows only
 * its start). */
int form_amend(struct ui *ui, const char *note_id)
{
	struct form *f = new_form("Amend the note (the original is kept)", note_id);
	struct form_field *x = add_field(f, "Corrected", FIELD_TEXT);
	sqlite3_stmt *st = replica_stmt(ui->r, "SELECT body FROM note WHERE id = ?1");

	sqlite3_bind_text(st, 1, note_id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(x->text, sizeof(x->text), "%s", col(st, 0));
	sqlite3_reset(st);
	x->len = strlen(x->text);
	f->save = save_amendment;
	f->saved_message = "Amendment added; the original note is kept.";
	return form_push(ui, f);
}

/* --- cases ------------------------------------------------------------- */

static int save_review(struct ui *ui, struct form *f, struct cd_error *err)
{
	return case_set_review(ui->r, f->record, form_value(f, 0), err);
}

int form_review(struct ui *ui, const char *case_id)
{
	struct form *f = new_form("Next review", case_id);
	struct form_field *x = add_field(f, "Review on", FIELD_TEXT);
	struct civil_date d = date_add_days(local_from_instant(now_instant()).date, 28);

	/* Four weeks on as a starting point; the worker types over it. */
	date_format(d, x->text);
	x->len = strlen(x->text);
	f->save = save_review;
	f->saved_message = "Review date set.";
	return form_push(ui, f);
}

static int save_close(struct ui *ui, struct form *f, struct cd_error *err)
{
	return case_close(ui->r, f->record, form_value(f, 0), err);
}

int form_close_case(struct ui *ui, const char *case_id)
{
	struct form *f = new_form("Close the case", case_id);
	struct form_field *x = add_field(f, "Reason", FIELD_CHOICE);
	sqlite3_stmt *st = replica_stmt(ui->r, "SELECT code, label FROM closure_reason_code ORDER BY "
					      "code = 'other', code");

	while (sqlite3_step(st) == SQLITE_ROW)
		form_add_choice(x, col(st, 1), col(st, 0));
	sqlite3_reset(st);
	f->save = save_close;
	f->saved_message = "Case closed.";
	return form_push(ui, f);
}

static int save_reallocation(struct ui *ui, struct form *f, struct cd_error *err)
{
	return case_allocate(ui->r, f->record, form_value(f, 0), "reallocated", err);
}

/* Workers of the case's team and of its locality's teams, fewest open
 * cases first within each team. */
int form_reallocate(struct ui *ui, const char *case_id)
{
	struct form *f = new_form("Reallocate the case", case_id);

	add_worker_choices(add_field(f, "Worker", FIELD_CHOICE), replica_stmt(ui->r,
		"SELECT w.login, w.name, w.team, (SELECT count(*) FROM care_case o "
		"WHERE o.allocated_to = w.id AND o.closed_at IS NULL) AS open_cases "
		"FROM care_case c JOIN worker w ON w.active = 1 JOIN team t ON t.code = w.team "
		"WHERE c.id = ?1 AND (w.team = c.team OR t.locality = c.locality) "
		"AND w.id IS NOT c.allocated_to ORDER BY w.team <> c.team, w.team, open_cases, w.login"),
		case_id);
	f->save = save_reallocation;
	f->saved_message = "Case reallocated.";
	return form_push(ui, f);
}

/* --- handover ---------------------------------------------------------- */

enum { HO_PRIORITY, HO_LINK, HO_S, HO_B, HO_A, HO_R };

static int save_handover(struct ui *ui, struct form *f, struct cd_error *err)
{
	struct handover_input in = {
		.sbar = { form_value(f, HO_S), form_value(f, HO_B), form_value(f, HO_A),
			  form_value(f, HO_R) },
		.priority = form_value(f, HO_PRIORITY),
	};

	if (*form_value(f, HO_LINK))
		in.person_id = form_value(f, HO_LINK);
	return handover_add(ui->r, &in, NULL, err);
}

/* Situation, background, assessment, recommendation: all four required
 * (sbar_validate says which is missing); optionally about the person
 * whose record was opened last. */
int form_handover(struct ui *ui)
{
	struct form *f = new_form("Handover for the next shift", NULL);
	struct form_field *x = add_field(f, "Priority", FIELD_CHOICE);

	form_add_choice(x, "red", "red");
	form_add_choice(x, "amber", "amber");
	form_add_choice(x, "green", "green");
	x->choice = 1;
	x = add_field(f, "About", FIELD_CHOICE);
	form_add_choice(x, "nobody in particular", "");
	if (ui->last_person[0]) {
		sqlite3_stmt *st = replica_stmt(ui->r, "SELECT given_name || ' ' || family_name "
						      "FROM person WHERE id = ?1");

		sqlite3_bind_text(st, 1, ui->last_person, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			form_add_choice(x, col(st, 0), ui->last_person);
		sqlite3_reset(st);
	}
	add_field(f, "Situation", FIELD_TEXT);
	add_field(f, "Background", FIELD_TEXT);
	add_field(f, "Assessment", FIELD_TEXT);
	add_field(f, "Recommend", FIELD_TEXT);
	f->focus = HO_S;
	f->save = save_handover;
	f->saved_message = "Handover item written.";
	f->draft_kind = "handover";
	return form_push(ui, f);
}

static int save_ack(struct ui *ui, struct form *f, struct cd_error *err)
{
	return handover_ack(ui->r, f->record, form_value(f, 0), err);
}

int form_acknowledge(struct ui *ui, const char *item_id)
{
	struct form *f = new_form("Acknowledge: read back what you will do", item_id);

	add_field(f, "Read-back", FIELD_TEXT);
	f->save = save_ack;
	f->saved_message = "Acknowledged.";
	return form_push(ui, f);
}
