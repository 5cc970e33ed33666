/* Sync conflicts (key C): what central kept for a person to decide, oldest
 * first; the selected one's values, workers and times in full below the
 * list.  K keeps central's value, O takes the other one: a manager's or
 * an admin's choice, through the same conflict_resolve as caredesk
 * conflicts resolve. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/desk_lists.h"
#include "ui/list.h"
#include "ui/ui.h"

#define LIST_ROWS 8		/* the rest of the screen shows the selected one */
#define CONFLICTS_MAX 200	/* few at a time: each is a person's decision */

struct conflicts {
	struct conflict_row *rows;
	int count;
	struct list list;	/* pages over rows */
};

static const void *conflict_array(struct screen *s, int *n)
{
	const struct conflicts *st = s->state;

	*n = st->count;
	return st->rows;
}

static int page_rows(const struct screen *s)
{
	(void)s;
	return LIST_ROWS;
}

static void draw_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct conflict_row *r = row;
	struct ui *ui = s->ui;
	attr_t attr = selected ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL;
	char line[640];
	int cols = ui->cols;

	snprintf(line, sizeof(line), "%-11.11s %-14.14s %-15.15s %.*s", r->tbl, r->field, r->kept,
		 cols > 45 ? cols - 45 : 1, r->other);
	draw_text(ui, w, y, 0, 1, selected ? ">" : " ", attr);
	draw_text(ui, w, y, 1, cols - 1, line, attr);
}

static void draw_detail(struct screen *s, WINDOW *w, int y, int rows, const void *row);

static const struct list_source conflict_list = {
	.row_size = sizeof(struct conflict_row),
	.id_offset = offsetof(struct conflict_row, id),
	.array = conflict_array,
	.page_rows = page_rows,
	.draw_row = draw_row,
	.draw_detail = draw_detail,
	.empty = " No conflicts: nothing waits for a decision.",
};

static void conflicts_reload(struct screen *s)
{
	struct conflicts *c = s->state;
	struct cd_error err;
	int n;

	cd_error_clear(&err);
	n = conflict_rows(s->ui->r, c->rows, CONFLICTS_MAX, &err);
	if (n < 0) {
		/* Keep what is shown; the list says what failed. */
		snprintf(c->list.failed, sizeof(c->list.failed), "%s", err.msg);
		ui_error(s->ui, &err);
		return;
	}
	c->count = n;
	list_reload(s, &c->list);
}

static int conflicts_open(struct screen *s)
{
	struct conflicts *c = cd_calloc(1, sizeof(*c));

	c->rows = cd_calloc(CONFLICTS_MAX, sizeof(*c->rows));
	list_init(&c->list, &conflict_list);
	s->state = c;
	conflicts_reload(s);
	return 0;
}

static void conflicts_close(struct screen *s)
{
	struct conflicts *c = s->state;

	list_free(&c->list);
	free(c->rows);
	free(c);
	s->state = NULL;
}

static void draw_detail(struct screen *s, WINDOW *w, int y, int rows, const void *row)
{
	struct ui *ui = s->ui;
	const struct conflict_row *r = row;
	char line[640], when[32];
	int end = y + rows;

	snprintf(line, sizeof(line), " %s %s, field %s (%s)", r->tbl, r->row_id, r->field, r->kind);
	draw_text(ui, w, y++, 0, ui->cols, line, theme_attr(&ui->theme, STYLE_LABEL));
	ui_short_time(r->kept_at, when, sizeof(when));
	snprintf(line, sizeof(line), " Kept:  %s  (%s, %s)", r->kept, r->kept_worker, when);
	draw_text(ui, w, y++, 0, ui->cols, line, A_NORMAL);
	ui_short_time(r->other_at, when, sizeof(when));
	snprintf(line, sizeof(line), " Other: %s  (%s, %s)", r->other, r->other_worker, when);
	draw_text(ui, w, y++, 0, ui->cols, line, A_NORMAL);
	while (y < end)
		draw_text(ui, w, y++, 0, ui->cols, "", A_NORMAL);
}

static void conflicts_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct conflicts *c = s->state;
	struct ui *ui = s->ui;
	char right[96], at[48];

	(void)rows;
	list_position(&c->list, at, sizeof(at));
	snprintf(right, sizeof(right), "%s%s%d open ", at, at[0] ? "  " : "", c->count);
	draw_title(ui, w, " Sync conflicts", right);
	draw_text(ui, w, 1, 0, cols, " Record      Field          Kept            Other",
		  theme_attr(&ui->theme, STYLE_HEADER));
	list_draw(s, &c->list, w, 2);
}

static int resolve(struct screen *s, const char *keep)
{
	struct conflicts *c = s->state;
	const struct conflict_row *sel = list_selected(&c->list);
	struct cd_error err;

	if (!sel)
		return RUN_HANDLED;
	cd_error_clear(&err);
	if (conflict_resolve(s->ui->r, sel->id, keep, &err))
		ui_message(s->ui, "Not resolved: %s", err.msg);
	else
		ui_message(s->ui, "Resolved: %s kept.", strcmp(keep, "kept") == 0 ?
			   "central's value" : "the other value");
	return RUN_HANDLED | RUN_RELOAD;
}

static int conflicts_command(struct screen *s, enum command a)
{
	struct conflicts *c = s->state;
	int flags = list_command(s, &c->list, a);

	if (flags)
		return flags;
	switch (a) {
	case CMD_CONFLICTS: return RUN_HANDLED;
	case CMD_KEEP_KEPT: return resolve(s, "kept");
	case CMD_KEEP_OTHER: return resolve(s, "other");
	default: return 0;
	}
}

const struct screen_ops conflicts_screen = {
	.title = "Sync conflicts",
	.id = SCREEN_CONFLICTS,
	.open = conflicts_open,
	.reload = conflicts_reload,
	.draw = conflicts_draw,
	.command = conflicts_command,
	.close = conflicts_close,
};
