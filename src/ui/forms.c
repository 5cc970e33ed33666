/* The desk's forms: triage, allocation and notes.  Each saves through the
 * same replica function as its command (referral triage, referral
 * allocate, note add), so the rules, the audit event and the outbox are
 * the same whichever way a worker works. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/access.h"
#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/form_choices.h"
#include "ui/form.h"

/* Every form keeps what was typed as a draft of its kind, for its record,
 * if the terminal goes away or the worker is disabled before it is saved
 * (draft_save); the kinds are those the draft table allows. */
static struct form *new_form(const char *title, const char *draft_kind, const char *record)
{
	struct form *f = cd_calloc(1, sizeof(*f));

	snprintf(f->title, sizeof(f->title), " %s", title);
	snprintf(f->record, sizeof(f->record), "%s", record ? record : "");
	f->draft_kind = draft_kind;
	return f;
}

/* A form that could not read its choices does not open: the message line
 * says why (a form offering no choice would look as if there were none). */
static int not_opened(struct ui *ui, struct form *f, const struct cd_error *err)
{
	ui_error(ui, err);
	form_discard(f);
	return -1;
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
	struct form *f = new_form("Triage", "triage", referral_id);
	struct form_field *x;
	struct code_choice *codes;
	struct cd_error err;
	int n;

	x = add_field(f, "Priority", FIELD_CHOICE);
	form_add_choice(x, "red: act today", "red");
	form_add_choice(x, "amber: within the timescale", "amber");
	form_add_choice(x, "green: routine", "green");
	x->choice = 1;
	x = add_field(f, "Decision", FIELD_CHOICE);
	form_add_choice(x, "(not yet decided)", "");
	codes = cd_calloc(CHOICES_MAX, sizeof(*codes));
	cd_error_clear(&err);
	n = decision_choices(ui->r, referral_id, codes, CHOICES_MAX, &err);
	for (int i = 0; i < n; i++) {
		char shown[224];

		snprintf(shown, sizeof(shown), "%s: %s%s", codes[i].code, codes[i].label,
			 codes[i].closes ? " (closes the referral)" : "");
		form_add_choice(x, shown, codes[i].code);
	}
	free(codes);
	if (n < 0)
		return not_opened(ui, f, &err);
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

/* A choice of workers, each shown with their open cases so the load is
 * visible; read by `read` about record_id. */
static int add_worker_choices(struct ui *ui, struct form *f, const char *record_id,
			      int (*read)(struct replica *, const char *, struct worker_choice *,
					  int, struct cd_error *))
{
	struct form_field *x = add_field(f, "Worker", FIELD_CHOICE);
	struct worker_choice *w = cd_calloc(CHOICES_MAX, sizeof(*w));
	struct cd_error err;
	int n;

	cd_error_clear(&err);
	n = read(ui->r, record_id, w, CHOICES_MAX, &err);
	for (int i = 0; i < n; i++) {
		/* name, login, team and the count: room for the longest of each */
		char shown[sizeof(w->name) + sizeof(w->login) + sizeof(w->team) + 32];

		snprintf(shown, sizeof(shown), "%s (%s), %s, %d open case%s", w[i].name, w[i].login,
			 w[i].team, w[i].open_cases, w[i].open_cases == 1 ? "" : "s");
		form_add_choice(x, shown, w[i].login);
	}
	free(w);
	if (n < 0)
		ui_error(ui, &err);
	return n < 0 ? -1 : 0;
}

/* The workers allocation_choices offers (form_choices.h). */
int form_allocate(struct ui *ui, const char *referral_id)
{
	struct form *f = new_form("Allocate", "allocate", referral_id);

	if (add_worker_choices(ui, f, referral_id, allocation_choices)) {
		form_discard(f);
		return -1;
	}
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
	struct form *f = new_form("Add a note", "note", person_id);
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
	struct form *f = new_form("Amend the note (the original is kept)", "amend", note_id);
	struct form_field *x = add_field(f, "Corrected", FIELD_TEXT);
	char *text = cd_malloc(LINE_EDIT_BYTES + 1);
	struct cd_error err;
	int found;

	cd_error_clear(&err);
	found = note_text(ui->r, note_id, text, LINE_EDIT_BYTES + 1, &err);
	if (found > 0)
		line_edit_set(&x->edit, text);
	free(text);
	if (found < 0)
		return not_opened(ui, f, &err);
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
	struct form *f = new_form("Next review", "review", case_id);
	struct form_field *x = add_field(f, "Review on", FIELD_TEXT);
	struct civil_date d = date_add_days(local_from_instant(now_instant()).date, 28);
	char day[ISO_DATE_LEN];

	/* Four weeks on as a starting point, written as the caseload shows
	 * dates; the worker types over it, either way (date_parse_typed). */
	date_format_shown(d, day);
	line_edit_set(&x->edit, day);
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
	struct form *f = new_form("Close the case", "close", case_id);
	struct form_field *x = add_field(f, "Reason", FIELD_CHOICE);
	struct code_choice *reasons = cd_calloc(CHOICES_MAX, sizeof(*reasons));
	struct cd_error err;
	int n;

	cd_error_clear(&err);
	n = closure_reason_choices(ui->r, reasons, CHOICES_MAX, &err);
	for (int i = 0; i < n; i++)
		form_add_choice(x, reasons[i].label, reasons[i].code);
	free(reasons);
	if (n < 0)
		return not_opened(ui, f, &err);
	f->save = save_close;
	f->saved_message = "Case closed.";
	return form_push(ui, f);
}

static int save_reallocation(struct ui *ui, struct form *f, struct cd_error *err)
{
	return case_allocate(ui->r, f->record, form_value(f, 0), "reallocated", err);
}

/* The workers reallocation_choices offers (form_choices.h). */
int form_reallocate(struct ui *ui, const char *case_id)
{
	struct form *f = new_form("Reallocate the case", "reallocate", case_id);

	if (add_worker_choices(ui, f, case_id, reallocation_choices)) {
		form_discard(f);
		return -1;
	}
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
	struct form *f = new_form("Handover for the next shift", "handover", NULL);
	struct form_field *x = add_field(f, "Priority", FIELD_CHOICE);

	form_add_choice(x, "red", "red");
	form_add_choice(x, "amber", "amber");
	form_add_choice(x, "green", "green");
	x->choice = 1;
	x = add_field(f, "About", FIELD_CHOICE);
	form_add_choice(x, "nobody in particular", "");
	if (ui->last_person[0]) {
		char name[420];
		struct cd_error err;
		int found;

		cd_error_clear(&err);
		found = person_display_name(ui->r, ui->last_person, name, sizeof(name), &err);
		if (found < 0)
			return not_opened(ui, f, &err);
		if (found)
			form_add_choice(x, name, ui->last_person);
	}
	add_field(f, "Situation", FIELD_TEXT);
	add_field(f, "Background", FIELD_TEXT);
	add_field(f, "Assessment", FIELD_TEXT);
	add_field(f, "Recommend", FIELD_TEXT);
	f->focus = HO_S;
	f->save = save_handover;
	f->saved_message = "Handover item written.";
	return form_push(ui, f);
}

static int save_ack(struct ui *ui, struct form *f, struct cd_error *err)
{
	return handover_ack(ui->r, f->record, form_value(f, 0), err);
}

int form_acknowledge(struct ui *ui, const char *item_id)
{
	struct form *f = new_form("Acknowledge: read back what you will do", "acknowledge", item_id);

	add_field(f, "Read-back", FIELD_TEXT);
	f->save = save_ack;
	f->saved_message = "Acknowledged.";
	return form_push(ui, f);
}

/* --- break-glass --------------------------------------------------------- */

static int save_break_glass(struct ui *ui, struct form *f, struct cd_error *err)
{
	return person_break_glass(ui->r, f->record, form_value(f, 0), form_value(f, 1), NULL, err);
}

/* A restricted record opened in an emergency: a reason code and a
 * sentence; not kept as a draft (it is a moment's decision, not work). */
int form_break_glass(struct ui *ui, const char *person_id)
{
	struct form *f = new_form("Break glass: open a restricted record (audited)", NULL,
				  person_id);
	struct form_field *x = add_field(f, "Reason", FIELD_CHOICE);

#define GLASS_CHOICE(id, code, label) form_add_choice(x, label, code);
	BREAK_GLASS_CODES(GLASS_CHOICE)
#undef GLASS_CHOICE
	add_field(f, "Why", FIELD_TEXT);
	f->focus = 1;
	f->save = save_break_glass;
	f->saved_message = "Break-glass recorded: the record is open to you for a while (audited).";
	return form_push(ui, f);
}

/* --- access review ------------------------------------------------------ */

static int save_review_note(struct ui *ui, struct form *f, struct cd_error *err)
{
	return access_mark_reviewed(ui->r, f->record, form_value(f, 0), err);
}

int form_mark_reviewed(struct ui *ui, const char *event_id)
{
	struct form *f = new_form("Mark reviewed: what the review found", NULL, event_id);

	add_field(f, "Note", FIELD_TEXT);
	f->save = save_review_note;
	f->saved_message = "Marked reviewed.";
	return form_push(ui, f);
}
