/* The form screen (see form.h). */
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "ui/form.h"

#define LABEL_COLS 14

void form_add_choice(struct form_field *f, const char *shown, const char *value)
{
	f->choices = cd_realloc(f->choices, (size_t)(f->count + 1) * sizeof(*f->choices));
	f->values = cd_realloc(f->values, (size_t)(f->count + 1) * sizeof(*f->values));
	f->choices[f->count] = cd_strdup(shown);
	f->values[f->count] = cd_strdup(value);
	f->count++;
}

const char *form_value(const struct form *f, int field)
{
	const struct form_field *x = &f->fields[field];

	if (x->kind == FIELD_TEXT)
		return x->edit.text;
	return x->count ? x->values[x->choice] : "";
}

void form_discard(struct form *f)
{
	for (int i = 0; i < f->count; i++) {
		for (int c = 0; c < f->fields[i].count; c++) {
			free(f->fields[i].choices[c]);
			free(f->fields[i].values[c]);
		}
		free(f->fields[i].choices);
		free(f->fields[i].values);
	}
	free(f);
}

static void form_close(struct screen *s)
{
	form_discard(s->state);
	s->state = NULL;
}

/* A focused text field shows the stretch of its text around the point
 * (the end of a long text while typing at the end), then '_' for the end
 * of the field; the terminal cursor sits at the point. */
static void draw_text_field(struct ui *ui, WINDOW *w, int y, const struct form_field *x,
			    int cols, attr_t attr)
{
	char value[FORM_TEXT_MAX + 64];
	int width = cols - LABEL_COLS - 2;
	size_t start = x->edit.point;
	int before = 0;

	/* Back from the point, a character at a time, while they fit. */
	while (start > 0) {
		size_t from = start;
		char one[8] = "";
		int cw;

		while (from > 0 && ((unsigned char)x->edit.text[--from] & 0xc0) == 0x80)
			;
		memcpy(one, x->edit.text + from, start - from < 4 ? start - from : 4);
		cw = text_display_width(one, ui->mode);
		if (before + cw > width)
			break;
		before += cw;
		start = from;
	}
	snprintf(value, sizeof(value), "%s_", x->edit.text + start);
	ui_cursor(ui, y, LABEL_COLS + before);
	draw_text(ui, w, y, LABEL_COLS, cols - LABEL_COLS, value, attr);
}

/* Where to wrap value so its first part fits width columns: after the
 * last blank that leaves a fitting head, else at width (a single long
 * word).  The byte offset, or strlen(value) when it all fits. */
static size_t wrap_at(struct ui *ui, const char *value, int width)
{
	size_t len = strlen(value), best = 0;
	char head[FORM_TEXT_MAX + 64];

	if (text_display_width(value, ui->mode) <= width)
		return len;
	for (size_t i = 1; i < len; i++) {
		if (value[i] != ' ')
			continue;
		memcpy(head, value, i);
		head[i] = '\0';
		if (text_display_width(head, ui->mode) > width)
			break;
		best = i + 1;
	}
	return best ? best : len;
}

/* A field's value on its row and, when it is too long for one (a
 * decision's "(closes the referral)", a worker's open cases), on the
 * blank row under it: wrapped, never cut at 80 columns. */
static void draw_value(struct ui *ui, WINDOW *w, int y, const char *value, int cols,
		       attr_t attr)
{
	int width = cols - LABEL_COLS;
	size_t cut = wrap_at(ui, value, width);
	char head[FORM_TEXT_MAX + 64];

	memcpy(head, value, cut);
	head[cut] = '\0';
	draw_text(ui, w, y, LABEL_COLS, width, head, attr);
	draw_text(ui, w, y + 1, 0, LABEL_COLS, "", A_NORMAL);
	draw_text(ui, w, y + 1, LABEL_COLS, width, value + cut, value[cut] ? attr : A_NORMAL);
}

static void draw_field(struct ui *ui, WINDOW *w, int y, const struct form_field *x, bool focus,
		       int cols)
{
	char value[FORM_TEXT_MAX + 64];
	attr_t attr = focus ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL;

	draw_text(ui, w, y, 0, LABEL_COLS, x->label, theme_attr(&ui->theme, STYLE_LABEL));
	if (x->kind == FIELD_TEXT && focus) {
		draw_text_field(ui, w, y, x, cols, attr);
		draw_text(ui, w, y + 1, 0, cols, "", A_NORMAL);
		return;
	}
	if (x->kind == FIELD_CHOICE)
		snprintf(value, sizeof(value), "%s %s %s", focus ? "<" : " ",
			 x->count ? x->choices[x->choice] : "(none)", focus ? ">" : " ");
	else
		snprintf(value, sizeof(value), "%s", x->edit.text);
	if (focus)
		ui_cursor(ui, y, LABEL_COLS);
	draw_value(ui, w, y, value, cols, attr);
}

static void form_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct form *f = s->state;
	struct ui *ui = s->ui;
	int list = layout_list_rows(rows), y = 2;

	draw_title(ui, w, f->title, "C-o save  C-c cancel ");
	draw_text(ui, w, 1, 0, cols, "", A_NORMAL);
	for (int i = 0; i < f->count && y < 2 + list; i++, y += 2) {
		draw_field(ui, w, y, &f->fields[i], i == f->focus && !f->confirming, cols);
	}
	while (y < 2 + list)
		draw_text(ui, w, y++, 0, cols, "", A_NORMAL);
	if (f->confirming)
		ui_message(ui, "Discard what you typed? y discards, n goes back to the form");
}

static int save(struct screen *s)
{
	struct form *f = s->state;
	struct cd_error err;

	cd_error_clear(&err);
	if (f->save(s->ui, f, &err)) {
		int gone = ui_check_worker(s->ui, &err);

		if (gone)
			return gone;
		ui_message(s->ui, "Not saved: %s%s%s", err.field, err.field[0] ? ": " : "", err.msg);
		return RUN_HANDLED | RUN_REDRAW;
	}
	ui_message(s->ui, "%s", f->saved_message ? f->saved_message : "Saved.");
	return RUN_HANDLED | RUN_POP;
}

static int confirm_key(struct screen *s, int key)
{
	struct form *f = s->state;

	if (key == 'y' || key == 'Y')
		return RUN_HANDLED | RUN_POP;
	if (key == 'n' || key == 'N' || key == 27) {
		f->confirming = false;
		ui_message(s->ui, "%s", "");
	}
	return RUN_HANDLED | RUN_REDRAW;
}

static int move_focus(struct form *f, int delta)
{
	f->focus = (f->focus + delta + f->count) % f->count;
	return RUN_HANDLED | RUN_REDRAW;
}

/* In a choice, Space and the letters h and l (as Left and Right) change
 * the choice; nothing else typed means anything there. */
static int choice_key(struct form_field *x, int key)
{
	if (x->count && (key == ' ' || key == 'l'))
		x->choice = (x->choice + 1) % x->count;
	else if (x->count && key == 'h')
		x->choice = (x->choice + x->count - 1) % x->count;
	else
		return RUN_HANDLED;
	return RUN_HANDLED | RUN_REDRAW;
}

/* Text goes into the focused field; every other key is looked up in the
 * bindings (form_command).  While asking whether to discard, only y and n. */
static int form_key(struct screen *s, int key)
{
	struct form *f = s->state;
	struct form_field *x = &f->fields[f->focus];

	if (f->confirming)
		return confirm_key(s, key);
	if (key < 32 || (key & (KEY_FUNCTION | KEY_ALT)))
		return 0;
	if (x->kind == FIELD_CHOICE)
		return choice_key(x, key);
	if (line_edit_type(&x->edit, key))
		f->dirty = true;
	return RUN_HANDLED | RUN_REDRAW;
}

static int step_choice(struct form_field *x, int delta)
{
	if (x->count)
		x->choice = (x->choice + delta + x->count) % x->count;
	return RUN_HANDLED | RUN_REDRAW;
}

static int form_command(struct screen *s, enum command a)
{
	struct form *f = s->state;
	struct form_field *x = &f->fields[f->focus];

	switch (a) {
	case CMD_SAVE:
		return save(s);
	case CMD_NEXT_FIELD:
		return move_focus(f, 1);
	case CMD_PREVIOUS_FIELD:
		return move_focus(f, -1);
	case CMD_NEXT_OR_SAVE:
		return f->focus == f->count - 1 ? save(s) : move_focus(f, 1);
	case CMD_CANCEL:
		if (!f->dirty)
			return RUN_HANDLED | RUN_POP;
		f->confirming = true;
		return RUN_HANDLED | RUN_REDRAW;
	case CMD_EDIT_LEFT:
	case CMD_EDIT_RIGHT:
		if (x->kind == FIELD_CHOICE)
			return step_choice(x, a == CMD_EDIT_LEFT ? -1 : 1);
		break;
	default:
		break;
	}
	if (x->kind == FIELD_TEXT) {
		size_t was = x->edit.len;

		if (!line_edit_do(&x->edit, a))
			return 0;
		f->dirty |= x->edit.len != was;
		return RUN_HANDLED | RUN_REDRAW;
	}
	/* An editing key in a choice (whose text is always empty): nothing to
	 * edit, but the key is the form's. */
	return line_edit_do(&x->edit, a) ? RUN_HANDLED : 0;
}

/* Hang-up with typing in a form that keeps drafts: keep it, to be offered
 * back next time.  Nothing typed is lost to a dropped connection. */
static void form_keep_work(struct screen *s)
{
	struct form *f = s->state;
	const char *values[DRAFT_FIELDS] = { 0 };
	struct cd_error err;

	if (!f->dirty || !f->draft_kind)
		return;
	for (int i = 0; i < f->count && i < DRAFT_FIELDS; i++)
		values[i] = form_value(f, i);
	draft_save(s->ui->r, f->draft_kind, f->record, values, &err);
}

/* Fill the form from the worker's draft of its kind, if there is one. */
static void restore_draft(struct ui *ui, struct form *f)
{
	char (*values)[DRAFT_VALUE_MAX];

	if (!f->draft_kind)
		return;
	values = cd_calloc(DRAFT_FIELDS, sizeof(*values));
	if (draft_take(ui->r, f->draft_kind, f->record, values) == 0) {
		for (int i = 0; i < f->count && i < DRAFT_FIELDS; i++) {
			struct form_field *x = &f->fields[i];

			if (x->kind == FIELD_TEXT)
				line_edit_set(&x->edit, values[i]);
			for (int c = 0; x->kind == FIELD_CHOICE && c < x->count; c++)
				if (strcmp(x->values[c], values[i]) == 0)
					x->choice = c;
		}
		f->dirty = true;
		ui_message(ui, "Here is what you were writing when your session ended.");
	}
	free(values);
}

const struct screen_ops form_screen = {
	.title = "Form",
	.id = SCREEN_FORM,
	.draw = form_draw,
	.command = form_command,
	.close = form_close,
	.key = form_key,
	.keep_work = form_keep_work,
};

int form_push(struct ui *ui, struct form *f)
{
	struct screen *s;

	if (ui_push(ui, &form_screen, f->record)) {
		form_discard(f);
		return -1;
	}
	s = ui_top(ui);
	s->state = f;
	restore_draft(ui, f);
	return 0;
}
