/* Help: generated from the action table for the screen below it, with
 * the keys as they are bound now (defaults or caredesk.conf). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

struct help {
	unsigned where;		/* the screen whose keys are shown */
	const char *title;
	int first;		/* first line shown */
	int lines;
};

static int help_open(struct screen *s)
{
	struct ui *ui = s->ui;
	struct help *h = cd_calloc(1, sizeof(*h));
	struct screen *below = ui_top(ui);

	h->where = below ? below->ops->where : ON_QUEUE;
	h->title = below ? below->ops->title : "";
	for (int a = 1; a < ACTION_COUNT; a++)
		if (action_info((enum action)a)->screens & h->where)
			h->lines++;
	s->state = h;
	return 0;
}

static void help_close(struct screen *s)
{
	free(s->state);
	s->state = NULL;
}

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

static void help_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct help *h = s->state;
	struct ui *ui = s->ui;
	char title[128], keys[96], line[256];
	int list = layout_list_rows(rows), y = 2, n = 0;

	snprintf(title, sizeof(title), " Help: %s", h->title);
	draw_title(ui, w, title, "q back ");
	draw_text(ui, w, 1, 0, cols, " Keys            What they do", theme_attr(&ui->theme, ROLE_HEADER));
	for (int a = 1; a < ACTION_COUNT && y < 2 + list; a++) {
		const struct action_info *info = action_info((enum action)a);

		if (!(info->screens & h->where) || n++ < h->first)
			continue;
		all_keys(ui, (enum action)a, keys, sizeof(keys));
		snprintf(line, sizeof(line), " %-15s %s", keys, info->help);
		draw_text(ui, w, y++, 0, cols, line, A_NORMAL);
	}
	while (y < 2 + list)
		draw_text(ui, w, y++, 0, cols, "", A_NORMAL);
}

static int help_action(struct screen *s, enum action a)
{
	struct help *h = s->state;
	int list = layout_list_rows(s->ui->rows);
	int last = h->lines > list ? h->lines - list : 0;

	switch (a) {
	case ACTION_MOVE_DOWN:
	case ACTION_PAGE_DOWN:
		h->first += a == ACTION_MOVE_DOWN ? 1 : list;
		break;
	case ACTION_MOVE_UP:
	case ACTION_PAGE_UP:
		h->first -= a == ACTION_MOVE_UP ? 1 : list;
		break;
	case ACTION_FIRST:
		h->first = 0;
		break;
	case ACTION_LAST:
		h->first = last;
		break;
	default:
		return 0;
	}
	if (h->first > last)
		h->first = last;
	if (h->first < 0)
		h->first = 0;
	return ACT_HANDLED | ACT_REDRAW;
}

const struct screen_ops help_screen = {
	.title = "Help",
	.where = ON_HELP,
	.open = help_open,
	.draw = help_draw,
	.action = help_action,
	.close = help_close,
};
