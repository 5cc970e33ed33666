/* Forms: a few labelled fields (choices and text), filled with the
 * keyboard alone, saved through one replica action.
 *
 * Every key but text is a command of the command table (command.h):
 * next_field, previous_field, next_or_save (Enter: save on the last
 * field), save, cancel (asks before discarding what was typed), and the
 * line editor's keys (line_edit.h) in text fields; in a choice, Space,
 * Left and Right change the choice.  A failed save keeps everything typed
 * and says what was wrong. */
#ifndef CAREDESK_UI_FORM_H
#define CAREDESK_UI_FORM_H

#include "ui/line_edit.h"
#include "ui/ui.h"

#define FORM_FIELDS_MAX 6
#define FORM_TEXT_MAX LINE_EDIT_BYTES

enum field_kind { FIELD_CHOICE, FIELD_TEXT };

struct form_field {
	const char *label;
	enum field_kind kind;
	char **choices;		/* owned: shown text of each choice */
	char **values;		/* owned: the value each choice stands for */
	int count, choice;
	struct line_edit edit;	/* a text field's text */
};

struct form {
	char title[160];
	char record[UUID_STR_LEN];	/* what the form acts on */
	struct form_field fields[FORM_FIELDS_MAX];
	int count, focus;
	bool dirty, confirming;
	/* Save through a replica action; fill err on failure. */
	int (*save)(struct ui *ui, struct form *f, struct cd_error *err);
	const char *saved_message;
	const char *draft_kind;	/* kept as a draft on hang-up, or NULL */
};

/* Add a choice (both strings copied) to a field. */
void form_add_choice(struct form_field *f, const char *shown, const char *value);

/* The value of the chosen entry, or the typed text. */
const char *form_value(const struct form *f, int field);

/* Free a form that was not pushed (its choices could not be read). */
void form_discard(struct form *f);

/* Push a form screen; the form (allocated by the caller with cd_calloc)
 * becomes the screen's and is freed when it closes. */
int form_push(struct ui *ui, struct form *f);

/* The forms of the desk's commands, for the selected referral or person. */
int form_triage(struct ui *ui, const char *referral_id);
int form_allocate(struct ui *ui, const char *referral_id);
int form_note(struct ui *ui, const char *person_id, const char *referral_id);
int form_review(struct ui *ui, const char *case_id);
int form_close_case(struct ui *ui, const char *case_id);
int form_reallocate(struct ui *ui, const char *case_id);
int form_amend(struct ui *ui, const char *note_id);
int form_handover(struct ui *ui);
int form_acknowledge(struct ui *ui, const char *item_id);
int form_break_glass(struct ui *ui, const char *person_id);
int form_mark_reviewed(struct ui *ui, const char *event_id);

#endif
