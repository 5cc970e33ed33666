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
		return x->text;
	return x->count ? x->values[x->choice] : "";
}

static void form_free(struct form *f)
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
	form_free(s->state);
	s->state = NULL;
}

static void draw_field(struct ui *ui, WINDOW *w, int y, const struct form_field *x, bool focus,
		       int cols)
{
	char value[FORM_TEXT_MAX + 64];
	attr_t attr = focus ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL;

	draw_text(ui, w, y, 0, LABEL_COLS, x->label, theme_attr(&ui->theme, ROLE_LABEL));
	if (x->kind == FIELD_CHOICE)
		snprintf(value, sizeof(value), "%s %s %s", focus ? "<" : " ",
			 x->count ? x->choices[x->choice] : "(none)", focus ? ">" : " ");
	else if (focus) {
		/* Show the end of a long text, where the typing is. */
		int width = cols - LABEL_COLS - 2;
		const char *start = x->text;
		int shown = text_display_width(start, ui->mode);

		while (shown > width && *start) {
			start++;
			while ((*start & 0xc0) == 0x80)
				start++;
			shown = text_display_width(start, ui->mode);
		}
		snprintf(value, sizeof(value), "%s_", start);
		/* The terminal cursor on the '_', where the next character goes. */
		ui_cursor(ui, y, LABEL_COLS + shown);
	} else {
		snprintf(value, sizeof(value), "%s", x->text);
	}
	if (focus && x->kind == FIELD_CHOICE)
		ui_cursor(ui, y, LABEL_COLS);
	draw_text(ui, w, y, LABEL_COLS, cols - LABEL_COLS, value, attr);
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
		draw_text(ui, w, y + 1, 0, cols, "", A_NORMAL);
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
		ui_message(s->ui, "Not saved: %s%s%s", err.field, err.field[0] ? ": " : "", err.msg);
		return ACT_HANDLED | ACT_REDRAW;
	}
	ui_message(s->ui, "%s", f->saved_message ? f->saved_message : "Saved.");
	return ACT_HANDLED | ACT_POP;
}

static void type_char(struct form_field *x, int key)
{
	char utf8[4];
	size_t n = text_utf8_encode((wchar_t)key, utf8);

	if (x->len + n > FORM_TEXT_MAX)
		return;
	memcpy(x->text + x->len, utf8, n);
	x->len += n;
	x->text[x->len] = '\0';
}

static void delete_char(struct form_field *x)
{
	while (x->len > 0) {
		unsigned char c = (unsigned char)x->text[--x->len];

		if ((c & 0xc0) != 0x80)
			break;
	}
	x->text[x->len] = '\0';
}

static int confirm_key(struct screen *s, int key)
{
	struct form *f = s->state;

	if (key == 'y' || key == 'Y')
		return ACT_HANDLED | ACT_POP;
	if (key == 'n' || key == 'N' || key == 27) {
		f->confirming = false;
		ui_message(s->ui, "%s", "");
	}
	return ACT_HANDLED | ACT_REDRAW;
}

static int move_focus(struct form *f, int delta)
{
	f->focus = (f->focus + delta + f->count) % f->count;
	return ACT_HANDLED | ACT_REDRAW;
}

static int edit_key(struct form *f, struct form_field *x, int key)
{
	if (x->kind == FIELD_CHOICE) {
		if (x->count == 0)
			return 0;
		if (key == ' ' || key == (KEY_FUNCTION | KEY_RIGHT) || key == 'l')
			x->choice = (x->choice + 1) % x->count;
		else if (key == (KEY_FUNCTION | KEY_LEFT) || key == 'h')
			x->choice = (x->choice + x->count - 1) % x->count;
		else
			return 0;
	} else if (key == (KEY_FUNCTION | KEY_BACKSPACE) || key == 127 || key == 8) {
		delete_char(x);
	} else if (key == 21) {
		x->len = 0;
		x->text[0] = '\0';
	} else if (key >= 32 && !(key & (KEY_FUNCTION | KEY_ALT)) &&
		   text_is_safe_codepoint((wchar_t)key)) {
		type_char(x, key);
	} else {
		return 0;
	}
	f->dirty = true;
	return ACT_HANDLED | ACT_REDRAW;
}

/* A form takes every key: nothing typed may fall through to a list
 * binding (typing "q" in a reason must not close the form). */
static int form_key(struct screen *s, int key)
{
	struct form *f = s->state;
	int handled;

	if (f->confirming)
		return confirm_key(s, key);
	if (key == 3 || key == 27) {	/* Ctrl-C, Esc */
		if (!f->dirty)
			return ACT_HANDLED | ACT_POP;
		f->confirming = true;
		return ACT_HANDLED | ACT_REDRAW;
	}
	if (key == 15)			/* Ctrl-O */
		return save(s);
	if (key == '\t' || key == (KEY_FUNCTION | KEY_DOWN))
		return move_focus(f, 1);
	if (key == (KEY_FUNCTION | KEY_BTAB) || key == (KEY_FUNCTION | KEY_UP))
		return move_focus(f, -1);
	if (key == '\r' || key == '\n' || key == (KEY_FUNCTION | KEY_ENTER))
		return f->focus == f->count - 1 ? save(s) : move_focus(f, 1);
	handled = edit_key(f, &f->fields[f->focus], key);
	/* Other control keys (Ctrl-L, Ctrl-Z) keep their meaning. */
	if (!handled && (key < 32 || (key & KEY_FUNCTION)))
		return 0;
	return handled ? handled : ACT_HANDLED;
}

static int form_action(struct screen *s, enum action a)
{
	(void)s;
	(void)a;
	return 0;
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
	draft_save(s->ui->r, f->draft_kind, values, &err);
}

/* Fill the form from the worker's draft of its kind, if there is one. */
static void restore_draft(struct ui *ui, struct form *f)
{
	char (*values)[DRAFT_VALUE_MAX];

	if (!f->draft_kind)
		return;
	values = cd_calloc(DRAFT_FIELDS, sizeof(*values));
	if (draft_take(ui->r, f->draft_kind, values) == 0) {
		for (int i = 0; i < f->count && i < DRAFT_FIELDS; i++) {
			struct form_field *x = &f->fields[i];

			if (x->kind == FIELD_TEXT) {
				snprintf(x->text, sizeof(x->text), "%s", values[i]);
				x->len = strlen(x->text);
			}
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
	.action = form_action,
	.close = form_close,
	.key = form_key,
	.keep_work = form_keep_work,
};

int form_push(struct ui *ui, struct form *f)
{
	struct screen *s;

	if (ui_push(ui, &form_screen, f->record)) {
		form_free(f);
		return -1;
	}
	s = ui_top(ui);
	s->state = f;
	restore_draft(ui, f);
	return 0;
}
