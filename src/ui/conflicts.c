/* Sync conflicts (key C): what central kept for a person to decide, oldest
 * first; the selected one's values, workers and times in full below the
 * list.  K keeps central's value, O takes the other one: a manager's or
 * an admin's choice, through the same conflict_resolve as caredesk
 * conflicts resolve. */
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "ui/ui.h"

#define LIST_ROWS 8		/* the rest of the screen shows the selected one */
#define CONFLICTS_MAX 200	/* few at a time: each is a person's decision */

static const char *const sql_conflicts =
	"SELECT id, tbl, row_id, field, coalesce(kept_value, 'null'), kept_worker, kept_at, "
	"coalesce(other_value, 'null'), other_worker, other_at, kind FROM sync_conflict "
	"WHERE status = 'open' ORDER BY created_at, id LIMIT ?1";

struct conflict_row {
	char id[UUID_STR_LEN], tbl[32], row_id[UUID_STR_LEN], field[40], kind[24];
	char kept[256], kept_worker[LOGIN_MAX], kept_at[ISO_INSTANT_LEN + 8];
	char other[256], other_worker[LOGIN_MAX], other_at[ISO_INSTANT_LEN + 8];
};

struct conflicts {
	struct conflict_row *rows;
	int count, sel, first;
};

static void copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

static void conflicts_reload(struct screen *s)
{
	struct conflicts *c = s->state;
	sqlite3_stmt *st = replica_stmt(s->ui->r, sql_conflicts);
	char keep[UUID_STR_LEN] = "";

	if (c->sel < c->count)
		memcpy(keep, c->rows[c->sel].id, sizeof(keep));
	c->count = 0;
	sqlite3_bind_int(st, 1, CONFLICTS_MAX);
	while (c->count < CONFLICTS_MAX && sqlite3_step(st) == SQLITE_ROW) {
		struct conflict_row *r = &c->rows[c->count++];

		copy(st, 0, r->id, sizeof(r->id));
		copy(st, 1, r->tbl, sizeof(r->tbl));
		copy(st, 2, r->row_id, sizeof(r->row_id));
		copy(st, 3, r->field, sizeof(r->field));
		copy(st, 4, r->kept, sizeof(r->kept));
		copy(st, 5, r->kept_worker, sizeof(r->kept_worker));
		copy(st, 6, r->kept_at, sizeof(r->kept_at));
		copy(st, 7, r->other, sizeof(r->other));
		copy(st, 8, r->other_worker, sizeof(r->other_worker));
		copy(st, 9, r->other_at, sizeof(r->other_at));
		copy(st, 10, r->kind, sizeof(r->kind));
	}
	sqlite3_reset(st);
	/* Keep the selection on the same conflict, by id. */
	c->sel = c->sel < c->count ? c->sel : (c->count ? c->count - 1 : 0);
	for (int i = 0; keep[0] && i < c->count; i++)
		if (strcmp(c->rows[i].id, keep) == 0)
			c->sel = i;
}

static int conflicts_open(struct screen *s)
{
	struct conflicts *c = cd_calloc(1, sizeof(*c));

	c->rows = cd_calloc(CONFLICTS_MAX, sizeof(*c->rows));
	s->state = c;
	conflicts_reload(s);
	return 0;
}

static void conflicts_close(struct screen *s)
{
	struct conflicts *c = s->state;

	free(c->rows);
	free(c);
	s->state = NULL;
}

static void draw_detail(struct ui *ui, WINDOW *w, int y, int rows, const struct conflict_row *r)
{
	char line[640], when[32];
	int end = y + rows;

	snprintf(line, sizeof(line), " %s %s, field %s (%s)", r->tbl, r->row_id, r->field, r->kind);
	draw_text(ui, w, y++, 0, ui->cols, line, theme_attr(&ui->theme, ROLE_LABEL));
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
	char right[64], line[640];
	int list = layout_list_rows(rows);

	snprintf(right, sizeof(right), "%d open ", c->count);
	draw_title(ui, w, " Sync conflicts", right);
	draw_text(ui, w, 1, 0, cols, " Record      Field          Kept            Other",
		  theme_attr(&ui->theme, ROLE_HEADER));
	if (c->sel < c->first)
		c->first = c->sel;
	if (c->sel >= c->first + LIST_ROWS)
		c->first = c->sel - LIST_ROWS + 1;
	for (int i = 0; i < LIST_ROWS; i++) {
		int k = c->first + i;
		attr_t attr = k == c->sel ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL;

		if (k >= c->count) {
			draw_text(ui, w, 2 + i, 0, cols, i == 0 && c->count == 0 ?
				  " No conflicts: nothing waits for a decision." : "", A_NORMAL);
			continue;
		}
		snprintf(line, sizeof(line), "%-11.11s %-14.14s %-15.15s %.*s", c->rows[k].tbl,
			 c->rows[k].field, c->rows[k].kept, cols > 45 ? cols - 45 : 1, c->rows[k].other);
		draw_text(ui, w, 2 + i, 0, 1, k == c->sel ? ">" : " ", attr);
		draw_text(ui, w, 2 + i, 1, cols - 1, line, attr);
	}
	if (c->count)
		draw_detail(ui, w, 2 + LIST_ROWS, list - LIST_ROWS, &c->rows[c->sel]);
	else
		for (int y = 2 + LIST_ROWS; y < 2 + list; y++)
			draw_text(ui, w, y, 0, cols, "", A_NORMAL);
}

static int resolve(struct screen *s, const char *keep)
{
	struct conflicts *c = s->state;
	struct cd_error err;

	if (!c->count)
		return ACT_HANDLED;
	cd_error_clear(&err);
	if (conflict_resolve(s->ui->r, c->rows[c->sel].id, keep, &err))
		ui_message(s->ui, "Not resolved: %s", err.msg);
	else
		ui_message(s->ui, "Resolved: %s kept.", strcmp(keep, "kept") == 0 ?
			   "central's value" : "the other value");
	return ACT_HANDLED | ACT_RELOAD;
}

static int conflicts_action(struct screen *s, enum action a)
{
	struct conflicts *c = s->state;
	int list = layout_list_rows(s->ui->rows);

	switch (a) {
	case ACTION_MOVE_DOWN: c->sel++; break;
	case ACTION_MOVE_UP: c->sel--; break;
	case ACTION_PAGE_DOWN: c->sel += list; break;
	case ACTION_PAGE_UP: c->sel -= list; break;
	case ACTION_FIRST: c->sel = 0; break;
	case ACTION_LAST: c->sel = c->count - 1; break;
	case ACTION_KEEP_KEPT: return resolve(s, "kept");
	case ACTION_KEEP_OTHER: return resolve(s, "other");
	default: return 0;
	}
	if (c->sel >= c->count)
		c->sel = c->count - 1;
	if (c->sel < 0)
		c->sel = 0;
	return ACT_HANDLED | ACT_REDRAW;
}

const struct screen_ops conflicts_screen = {
	.title = "Sync conflicts",
	.where = ON_CONFLICTS,
	.open = conflicts_open,
	.reload = conflicts_reload,
	.draw = conflicts_draw,
	.action = conflicts_action,
	.close = conflicts_close,
};
