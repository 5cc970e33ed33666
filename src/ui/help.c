/* Help: generated from the action table for the screen below it, with
 * the keys as they are bound now (defaults or caredesk.conf).  A list like
 * any other, so it moves with the same keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/list.h"
#include "ui/ui.h"

struct help_line {
	char name[32];		/* the action's name: the row's id */
	char keys[96];
	const char *help;
};

struct help {
	unsigned where;		/* the screen whose keys are shown */
	const char *title;
	struct help_line *lines;
	int count;
	struct list list;
};

static const char *line_id(const void *row)
{
	return ((const struct help_line *)row)->name;
}

static int lines_fetch(struct screen *s, enum page_dir dir, const void *key, int limit, void *out,
		       struct cd_error *err)
{
	struct help *h = s->state;

	(void)err;
	return list_array_fetch(h->list.src, h->lines, h->count, dir, key, limit, out);
}

static long lines_before(struct screen *s, const void *key, struct cd_error *err)
{
	struct help *h = s->state;

	(void)err;
	return list_array_before(h->list.src, h->lines, h->count, key);
}

static long lines_total(struct screen *s, struct cd_error *err)
{
	(void)err;
	return ((struct help *)s->state)->count;
}

static int page_rows(const struct screen *s)
{
	return layout_list_rows(s->ui->rows);
}

static void draw_line(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct help_line *l = row;
	struct ui *ui = s->ui;
	char line[256];

	snprintf(line, sizeof(line), "%s%-15s %s", selected ? ">" : " ", l->keys, l->help);
	draw_text(ui, w, y, 0, ui->cols, line,
		  selected ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL);
}

static const struct list_source help_lines = {
	.row_size = sizeof(struct help_line),
	.fetch = lines_fetch,
	.id_of = line_id,
	.rows_before = lines_before,
	.total = lines_total,
	.page_rows = page_rows,
	.draw_row = draw_line,
	.empty = " No keys.",
};

/* Every key bound to an action, as named in caredesk.conf. */
static void all_keys(struct ui *ui, enum action a, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < ui->keys.count && used + 16 < size; i++) {
		char name[16];

		if (ui->keys.map[i].action != a)
			continue;
		keys_name(ui->keys.map[i].key, name, sizeof(name));
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "", name);
	}
}

static void add_lines(struct ui *ui, struct help *h)
{
	h->lines = cd_calloc(ACTION_COUNT, sizeof(*h->lines));
	for (int a = 1; a < ACTION_COUNT; a++) {
		const struct action_info *info = action_info((enum action)a);
		struct help_line *l = &h->lines[h->count];

		if (!(info->screens & h->where))
			continue;
		snprintf(l->name, sizeof(l->name), "%s", info->name);
		all_keys(ui, (enum action)a, l->keys, sizeof(l->keys));
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
	draw_text(ui, w, 1, 0, cols, " Keys            What they do", theme_attr(&ui->theme, ROLE_HEADER));
	list_draw(s, &h->list, w, 2);
}

static int help_action(struct screen *s, enum action a)
{
	struct help *h = s->state;

	return list_action(s, &h->list, a);
}

const struct screen_ops help_screen = {
	.title = "Help",
	.id = SCREEN_HELP,
	.open = help_open,
	.draw = help_draw,
	.action = help_action,
	.close = help_close,
};
