/* Help: generated from the command table for the screen below it, with
 * the keys as they are bound now (defaults or caredesk.conf).  A list like
 * any other, so it moves with the same keys. */
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ui/list.h"
#include "ui/ui.h"

struct help_line {
	char name[32];		/* the command's name: the row's id */
	char keys[96];
	const char *help;
};

struct help {
	unsigned where;		/* the screen whose keys are shown */
	bool typing;		/* that screen takes printable keys as text */
	const char *title;
	struct help_line *lines;
	int count;
	struct list list;
};

static const void *line_array(struct screen *s, int *n)
{
	const struct help *st = s->state;

	*n = st->count;
	return st->lines;
}

static void draw_line(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct help_line *l = row;
	struct ui *ui = s->ui;
	char line[256];

	snprintf(line, sizeof(line), "%s%-15s %s", selected ? ">" : " ", l->keys, l->help);
	draw_text(ui, w, y, 0, ui->cols, line,
		  selected ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL);
}

static const struct list_source help_lines = {
	.row_size = sizeof(struct help_line),
	.id_offset = offsetof(struct help_line, name),
	.array = line_array,
	.draw_row = draw_line,
	.empty = " No keys.",
};

/* Every key bound to a command, as named in caredesk.conf; where letters
 * are typed as text (search), only the keys that are not text, since the
 * others never reach the command there. */
static void all_keys(struct ui *ui, enum command a, bool typing, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < ui->keys.count && used + 16 < size; i++) {
		int key = ui->keys.map[i].key;
		char name[16];

		if (ui->keys.map[i].command != a)
			continue;
		if (typing && key >= 32 && !(key & (KEY_FUNCTION | KEY_ALT)))
			continue;
		keys_name(key, name, sizeof(name));
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "", name);
	}
}

static void add_lines(struct ui *ui, struct help *h)
{
	h->lines = cd_calloc(CMD_COUNT, sizeof(*h->lines));
	for (int a = 1; a < CMD_COUNT; a++) {
		const struct command_info *info = command_info((enum command)a);
		struct help_line *l = &h->lines[h->count];

		/* a command none of the worker's roles may use is left out; its
		 * key still says who may (desk_do) */
		if (!(info->screens & h->where) || !ui_may_use(ui, (enum command)a))
			continue;
		snprintf(l->name, sizeof(l->name), "%s", info->name);
		all_keys(ui, (enum command)a, h->typing, l->keys, sizeof(l->keys));
		if (!l->keys[0])
			continue;	/* no key reaches it here */
		l->help = info->help;
		h->count++;
	}
}

static int help_open(struct screen *s)
{
	struct ui *ui = s->ui;
	struct help *h = cd_calloc(1, sizeof(*h));
	struct screen *below = ui_top(ui);

	h->where = below ? screen_bit(below) : ON_QUEUE;
	h->typing = below && below->ops->key != NULL;
	h->title = below ? below->ops->title : "";
	add_lines(ui, h);
	list_init(&h->list, &help_lines);
	s->state = h;
	list_reload(s, &h->list);
	return 0;
}

static void help_close(struct screen *s)
{
	struct help *h = s->state;

	list_free(&h->list);
	free(h->lines);
	free(h);
	s->state = NULL;
}

static void help_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct help *h = s->state;
	struct ui *ui = s->ui;
	char title[128], right[64], at[48];

	(void)rows;
	snprintf(title, sizeof(title), " Help: %s", h->title);
	list_position(&h->list, at, sizeof(at));
	snprintf(right, sizeof(right), "%s%sq back ", at, at[0] ? "  " : "");
	draw_title(ui, w, title, right);
	draw_text(ui, w, 1, 0, cols, " Keys            What they do", theme_attr(&ui->theme, STYLE_HEADER));
	list_draw(s, &h->list, w, 2);
}

static int help_command(struct screen *s, enum command a)
{
	struct help *h = s->state;

	return list_command(s, &h->list, a);
}

const struct screen_ops help_screen = {
	.title = "Help",
	.id = SCREEN_HELP,
	.open = help_open,
	.draw = help_draw,
	.command = help_command,
	.close = help_close,
};
