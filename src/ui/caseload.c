/* The caseload: my open cases, or with T my team's, in review order.
 *
 * Read a page at a time by keyset on (coalesce(next_review, ''), id)
 * through the case_open_by_worker/team indexes of migration 3.  Each row:
 * person, age group, current flags, last contact (the newest note), next
 * review (overdue marked '!') and the allocated worker. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/caseload.h"
#include "caredesk/datetime.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/ui.h"

struct caseload {
	struct list list;	/* of struct case_row */
	bool team;
	struct caseload_owner owner;	/* the list's filter */
};

/* Whose cases the list reads: mine, or my team's. */
static void set_owner(const struct screen *s, struct caseload *c)
{
	const struct actor *me = &s->ui->r->actor;

	c->owner = (struct caseload_owner){ .team = c->team, .id = c->team ? me->team : me->worker_id };
}

static void draw_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected);

static const struct list_source caseload_rows = {
	.row_size = sizeof(struct case_row),
	.id_offset = offsetof(struct case_row, id),
	.keyset = &caseload_keyset,
	.draw_row = draw_row,
	.empty = " No open cases.",
};

static void caseload_reload(struct screen *s)
{
	struct caseload *c = s->state;

	list_reload(s, &c->list);
}

static int caseload_open(struct screen *s)
{
	struct caseload *c = cd_calloc(1, sizeof(*c));

	list_init(&c->list, &caseload_rows);
	set_owner(s, c);
	c->list.filter = &c->owner;
	s->state = c;
	caseload_reload(s);
	return 0;
}

static void caseload_close(struct screen *s)
{
	struct caseload *c = s->state;

	list_free(&c->list);
	free(c);
	s->state = NULL;
}

static void draw_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct case_row *r = row;
	struct ui *ui = s->ui;
	struct civil_date dob, review, today = local_from_instant(now_instant()).date;
	char group[2] = "?", last[32] = "-", due[16] = "-";
	int name_cols = ui->cols - 62;
	attr_t sel = selected ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL;

	if (date_parse(r->dob, &dob) == 0)
		group[0] = age_group_letter(age_group_on(dob, today));
	if (r->last[0])
		ui_short_time(r->last, last, sizeof(last));
	if (date_parse(r->review, &review) == 0)
		snprintf(due, sizeof(due), "%s%02d/%02d/%04d", date_compare(review, today) < 0 ? "!" : " ",
			 review.day, review.month, review.year);
	draw_text(ui, w, y, 0, 1, selected ? ">" : " ", sel);
	draw_text(ui, w, y, 1, name_cols - 1, r->name, sel);
	draw_text(ui, w, y, name_cols, 1, "", A_NORMAL);
	draw_text(ui, w, y, 1 + name_cols, 2, group, A_NORMAL);
	/* Flags are cut a column early: the blank keeps a long flag from
	 * running into the last contact's date. */
	draw_text(ui, w, y, 3 + name_cols, 17, r->flags, A_NORMAL);
	draw_text(ui, w, y, 20 + name_cols, 1, "", A_NORMAL);
	draw_text(ui, w, y, 21 + name_cols, 13, last, A_NORMAL);
	draw_text(ui, w, y, 34 + name_cols, 12, due, date_compare(review, today) < 0 ?
		  theme_attr(&ui->theme, STYLE_OVERDUE) : A_NORMAL);
	draw_text(ui, w, y, 46 + name_cols, ui->cols - 46 - name_cols, r->worker, A_NORMAL);
}

static void caseload_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct caseload *c = s->state;
	struct ui *ui = s->ui;
	char left[160], right[96], header[160], at[48];

	(void)rows;
	snprintf(left, sizeof(left), " Caseload: %s", c->team ? ui->r->actor.team : "my cases");
	list_position(&c->list, at, sizeof(at));
	snprintf(right, sizeof(right), "%s%s%ld open ", at, at[0] ? "  " : "",
		 c->list.total > 0 ? c->list.total : 0);
	draw_title(ui, w, left, right);
	snprintf(header, sizeof(header), " %-*s%-2s%-18s%-13s%-12s%s", cols - 62, "Person", "",
		 "Flags", "Last contact", " Review", "Worker");
	draw_text(ui, w, 1, 0, cols, header, theme_attr(&ui->theme, STYLE_HEADER));
	list_draw(s, &c->list, w, 2);
}

static int selected_command(struct screen *s, enum command a, const struct case_row *r)
{
	switch (a) {
	case CMD_OPEN: ui_push(s->ui, &case_screen, r->person); break;
	case CMD_NOTE: form_note(s->ui, r->person, NULL); break;
	case CMD_REVIEW: form_review(s->ui, r->id); break;
	case CMD_CLOSE_CASE: form_close_case(s->ui, r->id); break;
	case CMD_ALLOCATE: form_reallocate(s->ui, r->id); break;
	default: return 0;
	}
	return RUN_HANDLED | RUN_REDRAW;
}

static int caseload_command(struct screen *s, enum command a)
{
	struct caseload *c = s->state;
	const struct case_row *r = list_selected(&c->list);
	int flags = list_command(s, &c->list, a);

	if (flags)
		return flags;
	switch (a) {
	case CMD_CASELOAD:
		return RUN_HANDLED;
	case CMD_TEAM_TOGGLE:
		c->team = !c->team;
		set_owner(s, c);
		list_restart(s, &c->list);
		return RUN_HANDLED | RUN_REDRAW;
	case CMD_OPEN:
	case CMD_NOTE:
	case CMD_REVIEW:
	case CMD_CLOSE_CASE:
	case CMD_ALLOCATE:
		/* On an empty list these keys do nothing, quietly. */
		return r ? selected_command(s, a, r) : RUN_HANDLED;
	default:
		return 0;
	}
}

const struct screen_ops caseload_screen = {
	.title = "Caseload",
	.id = SCREEN_CASELOAD,
	.open = caseload_open,
	.reload = caseload_reload,
	.draw = caseload_draw,
	.command = caseload_command,
	.close = caseload_close,
};
