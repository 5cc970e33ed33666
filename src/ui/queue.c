/* The referral queue, the desk's home screen.
 *
 * Open referrals (new or triaged) in due order, read a page at a time by
 * keyset on (decision_due_at, id) through the partial index the schema
 * keeps for exactly this, so the ten-year L tier opens as fast as the
 * demo.  Each row: received, due or time overdue (working-day aware, with
 * a '!' that needs no colour), priority, name, age group, source, category
 * and a safeguarding marker. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/datetime.h"
#include "caredesk/referral_queue.h"
#include "caredesk/workday.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/ui.h"

/* Columns other than the name's: marker 1, received 12, due 12, priority 4,
 * age group 2, source 11, category 15, safeguarding 2. */
#define QUEUE_FIXED_COLS 59

static const char *const priorities[] = { NULL, "red", "amber", "green", "none" };

struct queue {
	struct list list;	/* of struct queue_row */
	int priority;		/* index into priorities */
	char category[32];	/* "" for all */
	bool mine, safeguarding;
	struct queue_filter filter;	/* the list's, from the four above */
	struct queue_counts counts;
};

/* The filters as the replica takes them, from the keys' choices. */
static void set_filter(const struct screen *s, struct queue *q)
{
	q->filter = (struct queue_filter){
		.priority = priorities[q->priority],
		.category = q->category[0] ? q->category : NULL,
		.team = q->mine ? s->ui->r->actor.team : NULL,
		.safeguarding = q->safeguarding,
	};
}

static void draw_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected);

static const struct list_source queue_rows = {
	.row_size = sizeof(struct queue_row),
	.id_offset = offsetof(struct queue_row, id),
	.keyset = &referral_queue_keyset,
	.draw_row = draw_row,
	.empty = " No open referrals match.",
};

static void load_counts(struct screen *s)
{
	struct queue *q = s->state;
	int64_t now = now_instant();
	struct local_time lt = local_from_instant(now);
	char now_iso[ISO_INSTANT_LEN], tomorrow[ISO_INSTANT_LEN];
	struct cd_error err;

	instant_format(now, now_iso);
	instant_format(local_to_instant(date_add_days(lt.date, 1), 0, 0, 0), tomorrow);
	cd_error_clear(&err);
	if (queue_counts(s->ui->r, now_iso, tomorrow, &q->counts, &err))
		ui_error(s->ui, &err);
}

static void queue_reload(struct screen *s)
{
	struct queue *q = s->state;

	list_reload(s, &q->list);
	load_counts(s);
}

static int queue_open(struct screen *s)
{
	struct queue *q = cd_calloc(1, sizeof(*q));

	list_init(&q->list, &queue_rows);
	set_filter(s, q);
	q->list.filter = &q->filter;
	s->state = q;
	queue_reload(s);
	return 0;
}

static void queue_close(struct screen *s)
{
	struct queue *q = s->state;

	list_free(&q->list);
	free(q);
	s->state = NULL;
}

/* The due column: the due time, or how late in working days (hours when
 * less than a working day), marked with '!'.  A referral is late once its
 * due time has passed, not at it: the same rule as the overdue count in the
 * title and in `caredesk summary` (decision_due_at < now). */
static void due_text(struct ui *ui, const char *iso, char *out, size_t size, bool *overdue)
{
	int64_t due, now = now_instant();
	struct workcal *cal = replica_calendar(ui->r, NULL);

	*overdue = false;
	if (instant_parse(iso, &due) || due >= now || !cal) {
		ui_short_time(iso, out, size);
		return;
	}
	*overdue = true;
	{
		int days = workcal_between(cal, local_from_instant(due).date,
					   local_from_instant(now).date);
		long minutes = (long)((now - due) / 60);

		if (days >= 1)
			snprintf(out, size, "!%dwd late", days);
		else if (minutes >= 60)
			snprintf(out, size, "!%ldh late", minutes / 60);
		else
			snprintf(out, size, "!%ldm late", minutes);
	}
}

static char age_group(const char *dob)
{
	struct civil_date d;

	if (date_parse(dob, &d))
		return '?';
	return age_group_letter(age_group_on(d, local_from_instant(now_instant()).date));
}

static const char *priority_label(const char *p)
{
	if (strcmp(p, "red") == 0)
		return "Red";
	if (strcmp(p, "amber") == 0)
		return "Amb";
	if (strcmp(p, "green") == 0)
		return "Grn";
	return "-";
}

/* Column layout at any width of 80 or more: the name takes the slack. */
static void draw_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct queue_row *r = row;
	struct ui *ui = s->ui;
	/* Reverse video on the marker and the name only: enough to see on a
	 * monochrome terminal, and a cursor move then costs two short runs of
	 * characters instead of two whole rows. */
	attr_t attr = A_NORMAL, sel = selected ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL;
	char received[32], due[32], group[2] = { age_group(r->dob), 0 }, source[16], category[16];
	char name[420];
	bool overdue;
	int name_cols = ui->cols - QUEUE_FIXED_COLS;
	int x[] = { 0, 1, 13, 25, 29, 29 + name_cols, 31 + name_cols, 42 + name_cols,
		    57 + name_cols };

	ui_short_time(r->received, received, sizeof(received));
	due_text(ui, r->due, due, sizeof(due), &overdue);
	snprintf(name, sizeof(name), "%s, %s", r->family, r->given);
	draw_text(ui, w, y, x[0], 1, selected ? ">" : " ", sel);
	draw_text(ui, w, y, x[1], 12, received, attr);
	draw_text(ui, w, y, x[2], 12, due, overdue ? theme_attr(&ui->theme, STYLE_OVERDUE) : attr);
	draw_text(ui, w, y, x[3], 4, priority_label(r->priority), priority_attr(ui, r->priority));
	draw_text(ui, w, y, x[4], name_cols, name, sel);
	draw_text(ui, w, y, x[5], 2, group, attr);
	/* Codes are ASCII; each keeps a blank before the next column. */
	snprintf(source, sizeof(source), "%.10s", r->source);
	snprintf(category, sizeof(category), "%.14s", r->category);
	draw_text(ui, w, y, x[6], 11, source, attr);
	draw_text(ui, w, y, x[7], 15, category, attr);
	draw_text(ui, w, y, x[8], ui->cols - x[8], r->safeguarding ? "SG" : "",
		  r->safeguarding ? theme_attr(&ui->theme, STYLE_SAFEGUARDING) : attr);
}

static void queue_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct queue *q = s->state;
	struct ui *ui = s->ui;
	char left[2][160], header[160], at[48];
	char right[4][128];
	const char *choices[4], *lefts[2] = { left[0], left[1] };
	const struct queue_counts *n = &q->counts;
	const char *pri = priorities[q->priority];

	(void)rows;
	(void)cols;
	/* The filters by name; with several on, abbreviated (caredesk(1),
	 * THE DESK): "Queue", "SG", the priority alone, "mine", so the counts
	 * beside them are never cut. */
	snprintf(left[0], sizeof(left[0]), " Referral queue: %s%s%s%s%s%s%s", ui->r->locality,
		 q->safeguarding ? "  safeguarding" : "", pri ? "  priority " : "", pri ? pri : "",
		 q->category[0] ? "  " : "", q->category, q->mine ? "  my team" : "");
	snprintf(left[1], sizeof(left[1]), " Queue: %s%s%s%s%s%s%s", ui->r->locality,
		 q->safeguarding ? "  SG" : "", pri ? "  " : "", pri ? pri : "",
		 q->category[0] ? "  " : "", q->category, q->mine ? "  mine" : "");
	list_position(&q->list, at, sizeof(at));
	/* The counts, least urgent dropped first when a filter's name leaves
	 * no room: overdue and due today are what a duty worker acts on. */
	snprintf(right[0], sizeof(right[0]), "%s%s%ld open  %ld new  %ld due today  %ld overdue ",
		 at, at[0] ? "  " : "", n->open, n->new_count, n->due_today, n->overdue);
	snprintf(right[1], sizeof(right[1]), "%s%s%ld open  %ld due today  %ld overdue ", at,
		 at[0] ? "  " : "", n->open, n->due_today, n->overdue);
	snprintf(right[2], sizeof(right[2]), "%s%s%ld due today  %ld overdue ", at,
		 at[0] ? "  " : "", n->due_today, n->overdue);
	snprintf(right[3], sizeof(right[3]), "%s%s%ld overdue ", at, at[0] ? "  " : "", n->overdue);
	for (int i = 0; i < 4; i++)
		choices[i] = right[i];
	draw_title_fit(ui, w, lefts, 2, choices, 4);
	snprintf(header, sizeof(header), " %-12s%-12s%-4s%-*s%-2s%-11s%-15s%s", "Received", "Due",
		 "Pri", ui->cols - QUEUE_FIXED_COLS, "Name", "", "Source", "Category", "SG");
	draw_text(ui, w, 1, 0, ui->cols, header, theme_attr(&ui->theme, STYLE_HEADER));
	list_draw(s, &q->list, w, 2);
}

/* The next category code after the current one, from the replica's list;
 * past the last, back to all. */
static void next_category(struct screen *s)
{
	struct queue *q = s->state;
	char next[sizeof(q->category)];
	struct cd_error err;
	int found;

	cd_error_clear(&err);
	found = category_after(s->ui->r, q->category, next, sizeof(next), &err);
	if (found < 0)
		ui_error(s->ui, &err);
	else
		snprintf(q->category, sizeof(q->category), "%s", found ? next : "");
}

static int refilter(struct screen *s)
{
	struct queue *q = s->state;

	set_filter(s, q);
	list_rewind(s, &q->list);
	return RUN_HANDLED | RUN_REDRAW;
}

static int selected_command(struct screen *s, enum command a, const struct queue_row *sel)
{
	switch (a) {
	case CMD_TRIAGE:
		form_triage(s->ui, sel->id);
		break;
	case CMD_ALLOCATE:
		form_allocate(s->ui, sel->id);
		break;
	case CMD_NOTE:
		form_note(s->ui, sel->person_id, sel->id);
		break;
	case CMD_OPEN:
		ui_push(s->ui, &case_screen, sel->person_id);
		break;
	default:
		return 0;
	}
	return RUN_HANDLED | RUN_REDRAW;
}

static int queue_command(struct screen *s, enum command a)
{
	struct queue *q = s->state;
	const struct queue_row *sel = list_selected(&q->list);
	int flags = list_command(s, &q->list, a);

	if (flags)
		return flags;
	switch (a) {
	case CMD_QUEUE:
		return RUN_HANDLED;
	case CMD_FILTER_PRIORITY:
		q->priority = (q->priority + 1) % (int)(sizeof(priorities) / sizeof(priorities[0]));
		return refilter(s);
	case CMD_FILTER_CATEGORY:
		next_category(s);
		return refilter(s);
	case CMD_FILTER_MINE:
		q->mine = !q->mine;
		return refilter(s);
	case CMD_FILTER_SAFEGUARDING:
		q->safeguarding = !q->safeguarding;
		return refilter(s);
	case CMD_TRIAGE:
	case CMD_ALLOCATE:
	case CMD_NOTE:
	case CMD_OPEN:
		/* On an empty list these keys do nothing, quietly. */
		return sel ? selected_command(s, a, sel) : RUN_HANDLED;
	default:
		return 0;
	}
}

const struct screen_ops queue_screen = {
	.title = "Referral queue",
	.id = SCREEN_QUEUE,
	.open = queue_open,
	.reload = queue_reload,
	.draw = queue_draw,
	.command = queue_command,
	.close = queue_close,
};
