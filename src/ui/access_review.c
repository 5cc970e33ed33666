/* Access review (key A): break-glass and views of restricted records, for
 * the privacy officer, who marks each reviewed with a note (r); a team
 * manager sees the break-glass on their own team's records here, as a
 * "recent break-glass" list.  The same events as caredesk access review
 * (access_review_rows). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/access.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/ui.h"

#define LIST_ROWS 10		/* the rest of the screen shows the selected one */
#define EVENTS_MAX 500

struct access_review {
	struct access_event_row *rows;
	int count, waiting;
	const char *team_only;	/* a manager's list: their team's records */
	struct list list;
};

static const void *event_array(struct screen *s, int *n)
{
	const struct access_review *a = s->state;

	*n = a->count;
	return a->rows;
}

static int page_rows(const struct screen *s)
{
	(void)s;
	return LIST_ROWS;
}

static void draw_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct access_event_row *e = row;
	struct ui *ui = s->ui;
	attr_t attr = selected ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL;
	char line[640], when[32];

	ui_short_time(e->at, when, sizeof(when));
	snprintf(line, sizeof(line), "%s%-11s %-14.14s %-11s %.8s  %s", e->reviewed_by[0] ? " " : "*",
		 when, e->worker, e->action, e->person_id, e->reason);
	draw_text(ui, w, y, 0, 1, selected ? ">" : " ", attr);
	draw_text(ui, w, y, 1, ui->cols - 1, line, attr);
}

static void draw_detail(struct screen *s, WINDOW *w, int y, int rows, const void *row)
{
	const struct access_event_row *e = row;
	struct ui *ui = s->ui;
	char line[1200];
	int end = y + rows;

	snprintf(line, sizeof(line), " %s by %s, record %s", e->action, e->worker, e->person_id);
	draw_text(ui, w, y++, 0, ui->cols, line, theme_attr(&ui->theme, STYLE_LABEL));
	if (e->reason[0]) {
		snprintf(line, sizeof(line), " Why: %s", e->reason);
		draw_text(ui, w, y++, 0, ui->cols, line, A_NORMAL);
	}
	if (e->reviewed_by[0])
		snprintf(line, sizeof(line), " Reviewed by %s: %s", e->reviewed_by, e->review_note);
	else
		snprintf(line, sizeof(line), " Not yet reviewed");
	draw_text(ui, w, y++, 0, ui->cols, line, A_NORMAL);
	while (y < end)
		draw_text(ui, w, y++, 0, ui->cols, "", A_NORMAL);
}

static const struct list_source event_list = {
	.row_size = sizeof(struct access_event_row),
	.id_offset = offsetof(struct access_event_row, id),
	.array = event_array,
	.page_rows = page_rows,
	.draw_row = draw_row,
	.draw_detail = draw_detail,
	.empty = " No break-glass and no views of restricted records to review.",
};

static void review_reload(struct screen *s)
{
	struct access_review *a = s->state;
	struct cd_error err;
	int n;

	cd_error_clear(&err);
	n = access_review_rows(s->ui->r, a->team_only, a->rows, EVENTS_MAX, &err);
	if (n < 0) {
		snprintf(a->list.failed, sizeof(a->list.failed), "%s", err.msg);
		ui_error(s->ui, &err);
		return;
	}
	a->count = n;
	a->waiting = 0;
	for (int i = 0; i < n; i++)
		a->waiting += !a->rows[i].reviewed_by[0];
	list_reload(s, &a->list);
}

static int review_open(struct screen *s)
{
	struct access_review *a = cd_calloc(1, sizeof(*a));
	struct cd_error err;

	cd_error_clear(&err);
	if (access_review_allowed(s->ui->r, &a->team_only, &err)) {
		ui_message(s->ui, "%s.", err.msg);
		free(a);
		return -1;
	}
	a->rows = cd_calloc(EVENTS_MAX, sizeof(*a->rows));
	list_init(&a->list, &event_list);
	s->state = a;
	review_reload(s);
	return 0;
}

static void review_close(struct screen *s)
{
	struct access_review *a = s->state;

	list_free(&a->list);
	free(a->rows);
	free(a);
	s->state = NULL;
}

static void review_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct access_review *a = s->state;
	struct ui *ui = s->ui;
	char right[96], at[48];

	(void)rows;
	list_position(&a->list, at, sizeof(at));
	snprintf(right, sizeof(right), "%s%s%d to review ", at, at[0] ? "  " : "", a->waiting);
	draw_title(ui, w, a->team_only ? " Recent break-glass" : " Access review", right);
	draw_text(ui, w, 1, 0, cols, "  When        Worker         Action      Record    Why",
		  theme_attr(&ui->theme, STYLE_HEADER));
	list_draw(s, &a->list, w, 2);
}

static int review_command(struct screen *s, enum command a)
{
	struct access_review *st = s->state;
	const struct access_event_row *sel;
	int flags = list_command(s, &st->list, a);

	if (flags)
		return flags;
	switch (a) {
	case CMD_ACCESS_REVIEW:
		return RUN_HANDLED;
	case CMD_MARK_REVIEWED:
		sel = list_selected(&st->list);
		if (sel && sel->reviewed_by[0])
			ui_message(s->ui, "Reviewed already, by %s.", sel->reviewed_by);
		else if (sel)
			form_mark_reviewed(s->ui, sel->id);
		return RUN_HANDLED | RUN_REDRAW;
	default:
		return 0;
	}
}

const struct screen_ops access_review_screen = {
	.title = "Access review",
	.id = SCREEN_ACCESS,
	.open = review_open,
	.reload = review_reload,
	.draw = review_draw,
	.command = review_command,
	.close = review_close,
};
