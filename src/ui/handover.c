/* Shift handover (key 3): the team's SBAR items, those I have not yet
 * acknowledged first, then today's; the selected item's situation,
 * background, assessment and recommendation shown in full below the list.
 * w writes an item for the next shift; a acknowledges the selected one
 * with a read-back, recorded with who and when. */
#include <stdlib.h>
#include <string.h>

#include "caredesk/datetime.h"
#include "caredesk/query.h"
#include "ui/form.h"
#include "ui/ui.h"

#define LIST_ROWS 5		/* the rest of the screen shows the selected item */

/* My team's items nobody has acknowledged yet, oldest first, then today's
 * acknowledged ones; both sets are small and recent, so a limit is the
 * only paging needed. */
static const char *const sql_items =
	"SELECT h.id, h.priority, h.created_at, coalesce(w.login, '?'), h.situation, h.background, "
	"h.assessment, h.recommendation, "
	"(SELECT group_concat(aw.login, ', ') FROM handover_ack a JOIN worker aw ON aw.id = a.worker_id "
	" WHERE a.item_id = h.id), "
	"(SELECT p.given_name || ' ' || p.family_name FROM person p WHERE p.id = h.person_id), "
	"EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id AND a.worker_id = ?2) "
	"FROM handover_item h LEFT JOIN worker w ON w.id = h.author "
	"WHERE h.team = ?1 AND (NOT EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id) "
	"OR h.created_at >= ?3) AND " SQL_NOT_ARCHIVED("handover_item", "h.id") " "
	"ORDER BY EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id), h.created_at "
	"LIMIT ?4";

struct item {
	char id[UUID_STR_LEN];
	char priority[8];
	char at[ISO_INSTANT_LEN];
	char author[LOGIN_MAX];
	char sbar[4][1024];
	char acked[256];	/* who has acknowledged it, or "" */
	char person[256];
	bool mine;		/* I have acknowledged it */
};

struct handover {
	struct item *items;
	int count, sel, first;
	long unacked;
};

static void copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

#define ITEMS_MAX 200

static void handover_reload(struct screen *s)
{
	struct handover *h = s->state;
	struct replica *r = s->ui->r;
	sqlite3_stmt *st = replica_stmt(r, sql_items);
	struct local_time lt = local_from_instant(now_instant());
	char since[ISO_INSTANT_LEN], keep[UUID_STR_LEN] = "";

	if (h->count)
		memcpy(keep, h->items[h->sel].id, sizeof(keep));
	instant_format(local_to_instant(lt.date, 0, 0, 0), since);
	sqlite3_bind_text(st, 1, r->actor.team, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->actor.worker_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, since, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, ITEMS_MAX);
	h->count = 0;
	h->unacked = 0;
	while (h->count < ITEMS_MAX && sqlite3_step(st) == SQLITE_ROW) {
		struct item *it = &h->items[h->count++];

		copy(st, 0, it->id, sizeof(it->id));
		copy(st, 1, it->priority, sizeof(it->priority));
		copy(st, 2, it->at, sizeof(it->at));
		copy(st, 3, it->author, sizeof(it->author));
		for (int k = 0; k < 4; k++)
			copy(st, 4 + k, it->sbar[k], sizeof(it->sbar[k]));
		copy(st, 8, it->acked, sizeof(it->acked));
		copy(st, 9, it->person, sizeof(it->person));
		it->mine = sqlite3_column_int(st, 10);
		if (!it->acked[0])
			h->unacked++;
	}
	sqlite3_reset(st);
	for (int i = 0; keep[0] && i < h->count; i++)
		if (strcmp(h->items[i].id, keep) == 0)
			h->sel = i;
	if (h->sel >= h->count)
		h->sel = h->count ? h->count - 1 : 0;
}

static int handover_open(struct screen *s)
{
	struct handover *h = cd_calloc(1, sizeof(*h));

	h->items = cd_calloc(ITEMS_MAX, sizeof(*h->items));
	s->state = h;
	handover_reload(s);
	return 0;
}

static void handover_close(struct screen *s)
{
	struct handover *h = s->state;

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

static void draw_item(struct ui *ui, WINDOW *w, int y, int rows, const struct item *it)
{
	static const char *const labels[] = { "S ", "B ", "A ", "R " };
	char line[1024];
	int end = y + rows;

	snprintf(line, sizeof(line), " %s priority, from %s%s%s; %s%s", it->priority, it->author,
		 it->person[0] ? ", about " : "", it->person,
		 it->acked[0] ? "acknowledged by " : "not yet acknowledged", it->acked);
	draw_text(ui, w, y++, 0, ui->cols, line, priority_attr(ui, it->priority));
	for (int k = 0; k < 4 && y < end; k++) {
		int max = end - y - (3 - k);

		draw_text(ui, w, y, 0, 2, labels[k], theme_attr(&ui->theme, ROLE_LABEL));
		y += draw_wrapped(ui, w, y, 2, ui->cols - 2, it->sbar[k], max > 1 ? max : 1);
	}
	while (y < end)
		draw_text(ui, w, y++, 0, ui->cols, "", A_NORMAL);
}

static void handover_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct handover *h = s->state;
	struct ui *ui = s->ui;
	char left[128], right[64], line[1200], when[32];
	int list = layout_list_rows(rows);

	snprintf(left, sizeof(left), " Handover: %s", ui->r->actor.team);
	snprintf(right, sizeof(right), "%ld to acknowledge ", h->unacked);
	draw_title(ui, w, left, right);
	/* Column 1 holds the '*' of an item nobody has acknowledged, so the
	 * headings start one further in, over the columns they name. */
	draw_text(ui, w, 1, 0, cols, "  Pri    Written      From          Situation",
		  theme_attr(&ui->theme, ROLE_HEADER));
	if (h->sel < h->first)
		h->first = h->sel;
	if (h->sel >= h->first + LIST_ROWS)
		h->first = h->sel - LIST_ROWS + 1;
	for (int i = 0; i < LIST_ROWS; i++) {
		int k = h->first + i;

		if (k >= h->count) {
			draw_text(ui, w, 2 + i, 0, cols, i == 0 && h->count == 0 ?
				  " Nothing to hand over." : "", A_NORMAL);
			continue;
		}
		ui_short_time(h->items[k].at, when, sizeof(when));
		snprintf(line, sizeof(line), "%s%-6s %-12s %-13s %s", h->items[k].acked[0] ? " " : "*",
			 h->items[k].priority, when, h->items[k].author, h->items[k].sbar[0]);
		draw_text(ui, w, 2 + i, 0, 1, k == h->sel ? ">" : " ", k == h->sel ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL);
		draw_text(ui, w, 2 + i, 1, cols - 1, line,
			  k == h->sel ? theme_attr(&ui->theme, ROLE_SELECTED) : priority_attr(ui, h->items[k].priority));
	}
	if (h->count)
		draw_item(ui, w, 2 + LIST_ROWS, list - LIST_ROWS, &h->items[h->sel]);
	else
		for (int y = 2 + LIST_ROWS; y < 2 + list; y++)
			draw_text(ui, w, y, 0, cols, "", A_NORMAL);
}

static int handover_action(struct screen *s, enum action a)
{
	struct handover *h = s->state;

	switch (a) {
	case ACTION_MOVE_DOWN:
		if (h->sel + 1 < h->count)
			h->sel++;
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_MOVE_UP:
		if (h->sel > 0)
			h->sel--;
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_FIRST:
		h->sel = 0;
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_LAST:
		h->sel = h->count ? h->count - 1 : 0;
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_HANDOVER:
		return ACT_HANDLED;
	case ACTION_WRITE_HANDOVER:
		form_handover(s->ui);
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_ACKNOWLEDGE:
		if (!h->count)
			return ACT_HANDLED;
		if (h->items[h->sel].mine) {
			ui_message(s->ui, "You acknowledged this item already.");
			return ACT_HANDLED | ACT_REDRAW;
		}
		form_acknowledge(s->ui, h->items[h->sel].id);
		return ACT_HANDLED | ACT_REDRAW;
	default:
		return 0;
	}
}

const struct screen_ops handover_screen = {
	.title = "Handover",
	.where = ON_HANDOVER,
	.open = handover_open,
	.reload = handover_reload,
	.draw = handover_draw,
	.action = handover_action,
	.close = handover_close,
};
