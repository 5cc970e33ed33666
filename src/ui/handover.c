/* Shift handover (key 3): the team's SBAR items, those I have not yet
 * acknowledged first, then today's; the selected item's situation,
 * background, assessment and recommendation shown in full below the list.
 * w writes an item for the next shift; a acknowledges the selected one
 * with a read-back, recorded with who and when. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/datetime.h"
#include "caredesk/desk_lists.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/ui.h"

#define LIST_ROWS 5		/* the rest of the screen shows the selected item */
/* Today's items and those not yet acknowledged: few, so read whole. */
#define ITEMS_MAX 200

struct handover {
	struct handover_row *items;
	int count;
	long unacked;
	struct list list;	/* pages over items */
};

static const void *item_array(struct screen *s, int *n)
{
	const struct handover *st = s->state;

	*n = st->count;
	return st->items;
}

static int page_rows(const struct screen *s)
{
	(void)s;
	return LIST_ROWS;
}

static void draw_item_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected);

static void draw_item(struct screen *s, WINDOW *w, int y, int rows, const void *row);

static const struct list_source handover_items = {
	.row_size = sizeof(struct handover_row),
	.id_offset = offsetof(struct handover_row, id),
	.array = item_array,
	.page_rows = page_rows,
	.draw_row = draw_item_row,
	.draw_detail = draw_item,
	.empty = " Nothing to hand over.",
};

/* Read the items again; on failure keep the ones shown, and the list says
 * what failed.  0 or -1. */
static int read_items(struct screen *s)
{
	struct handover *h = s->state;
	struct replica *r = s->ui->r;
	struct local_time lt = local_from_instant(now_instant());
	char since[ISO_INSTANT_LEN];
	struct cd_error err;
	int n;

	instant_format(local_to_instant(lt.date, 0, 0, 0), since);
	cd_error_clear(&err);
	n = handover_rows(r, r->actor.team, r->actor.worker_id, since, h->items, ITEMS_MAX, &err);
	if (n < 0) {
		snprintf(h->list.failed, sizeof(h->list.failed), "%s", err.msg);
		ui_error(s->ui, &err);
		return -1;
	}
	h->count = n;
	/* The same figure as the CLI summary's, from the same function. */
	if (handover_to_acknowledge(r, &h->unacked, &err)) {
		ui_error(s->ui, &err);
		return -1;
	}
	return 0;
}

static void handover_reload(struct screen *s)
{
	struct handover *h = s->state;

	if (read_items(s) == 0)
		list_reload(s, &h->list);
}

static int handover_open(struct screen *s)
{
	struct handover *h = cd_calloc(1, sizeof(*h));

	h->items = cd_calloc(ITEMS_MAX, sizeof(*h->items));
	list_init(&h->list, &handover_items);
	s->state = h;
	handover_reload(s);
	return 0;
}

static void handover_close(struct screen *s)
{
	struct handover *h = s->state;

	list_free(&h->list);
	free(h->items);
	free(h);
	s->state = NULL;
}

/* Word-wrap text into lines of at most `cols` display columns, drawing at
 * most `max` lines from row y; returns the rows used. */
static int draw_wrapped(struct ui *ui, WINDOW *w, int y, int x, int cols, const char *text, int max)
{
	char line[1024];
	int used = 0;

	while (*text && used < max) {
		size_t fit = 0, last_space = 0, n = strlen(text);

		/* the longest prefix that fits, preferring a break at a space */
		while (fit < n) {
			size_t next = fit + 1;

			while (next < n && ((unsigned char)text[next] & 0xc0) == 0x80)
				next++;
			if (next >= sizeof(line))
				break;
			memcpy(line, text, next);
			line[next] = '\0';
			if (text_display_width(line, ui->mode) > cols)
				break;
			if (text[fit] == ' ')
				last_space = fit;
			fit = next;
		}
		if (fit < n && last_space > 0)
			fit = last_space + 1;
		if (fit == 0)
			fit = 1;
		memcpy(line, text, fit);
		line[fit] = '\0';
		draw_text(ui, w, y + used++, x, cols, line, A_NORMAL);
		text += fit;
	}
	return used;
}

static void draw_item(struct screen *s, WINDOW *w, int y, int rows, const void *row)
{
	struct ui *ui = s->ui;
	const struct handover_row *it = row;
	static const char *const labels[] = { "S ", "B ", "A ", "R " };
	char line[1100];	/* "Read back by " and the read-backs */
	int end = y + rows;

	snprintf(line, sizeof(line), " %s priority, from %s%s%s; %s%s", it->priority, it->author,
		 it->person[0] ? ", about " : "", it->person,
		 it->acked[0] ? "acknowledged by " : "not yet acknowledged", it->acked);
	draw_text(ui, w, y++, 0, ui->cols, line, priority_attr(ui, it->priority));
	/* Each part keeps a row for every part after it: the read-back, when
	 * there is one, is shown with the item it answers. */
	int after = it->readbacks[0] ? 1 : 0;

	for (int k = 0; k < 4 && y < end; k++) {
		int max = end - y - (3 - k) - after;

		draw_text(ui, w, y, 0, 2, labels[k], theme_attr(&ui->theme, STYLE_LABEL));
		y += draw_wrapped(ui, w, y, 2, ui->cols - 2, it->sbar[k], max > 1 ? max : 1);
	}
	if (after && y < end) {
		snprintf(line, sizeof(line), "Read back by %s", it->readbacks);
		y += draw_wrapped(ui, w, y, 0, ui->cols, line, end - y);
	}
	while (y < end)
		draw_text(ui, w, y++, 0, ui->cols, "", A_NORMAL);
}

/* Column 1 holds the '*' of an item nobody has acknowledged. */
static void draw_item_row(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct handover_row *it = row;
	struct ui *ui = s->ui;
	attr_t sel = theme_attr(&ui->theme, STYLE_SELECTED);
	char line[1200], when[32];

	ui_short_time(it->at, when, sizeof(when));
	snprintf(line, sizeof(line), "%s%-6s %-12s %-13s %s", it->acked[0] ? " " : "*",
		 it->priority, when, it->author, it->sbar[0]);
	draw_text(ui, w, y, 0, 1, selected ? ">" : " ", selected ? sel : A_NORMAL);
	draw_text(ui, w, y, 1, ui->cols - 1, line, selected ? sel : priority_attr(ui, it->priority));
}

static void handover_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct handover *h = s->state;
	struct ui *ui = s->ui;
	char left[128], right[96], at[48];

	(void)rows;
	snprintf(left, sizeof(left), " Handover: %s", ui->r->actor.team);
	list_position(&h->list, at, sizeof(at));
	snprintf(right, sizeof(right), "%s%s%ld to acknowledge ", at, at[0] ? "  " : "", h->unacked);
	draw_title(ui, w, left, right);
	/* The headings start one further in, over the columns they name. */
	draw_text(ui, w, 1, 0, cols, "  Pri    Written      From          Situation",
		  theme_attr(&ui->theme, STYLE_HEADER));
	list_draw(s, &h->list, w, 2);
}

static int acknowledge(struct screen *s, const struct handover_row *it)
{
	if (!it)
		return RUN_HANDLED;
	if (it->mine) {
		ui_message(s->ui, "You acknowledged this item already.");
		return RUN_HANDLED | RUN_REDRAW;
	}
	form_acknowledge(s->ui, it->id);
	return RUN_HANDLED | RUN_REDRAW;
}

static int handover_command(struct screen *s, enum command a)
{
	struct handover *h = s->state;
	int flags = list_command(s, &h->list, a);

	if (flags)
		return flags;
	switch (a) {
	case CMD_HANDOVER:
		return RUN_HANDLED;
	case CMD_WRITE_HANDOVER:
		form_handover(s->ui);
		return RUN_HANDLED | RUN_REDRAW;
	case CMD_ACKNOWLEDGE:
		return acknowledge(s, list_selected(&h->list));
	default:
		return 0;
	}
}

const struct screen_ops handover_screen = {
	.title = "Handover",
	.id = SCREEN_HANDOVER,
	.open = handover_open,
	.reload = handover_reload,
	.draw = handover_draw,
	.command = handover_command,
	.close = handover_close,
};
