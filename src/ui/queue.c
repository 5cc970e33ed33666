/* The referral queue, the desk's home screen.
 *
 * Open referrals (new or triaged) in due order, read a page at a time by
 * keyset on (decision_due_at, id) through the partial index the schema
 * keeps for exactly this, so the ten-year L tier opens as fast as the
 * demo.  Each row: received, due or time overdue (working-day aware, with
 * a '!' that needs no colour), priority, name, age group, source, category
 * and a safeguarding marker. */
#include <stdlib.h>
#include <string.h>

#include "caredesk/datetime.h"
#include "caredesk/query.h"
#include "caredesk/workday.h"
#include "ui/form.h"
#include "ui/pager.h"
#include "ui/ui.h"

#define QUEUE_SELECT \
	"SELECT f.id, f.received_at, f.decision_due_at, f.priority, p.family_name, " \
	"p.given_name, p.date_of_birth, f.source, f.category, f.safeguarding, f.person_id " \
	"FROM referral f JOIN person p ON p.id = f.person_id " \
	"WHERE (f.status = 'new' OR f.status = 'triaged') " \
	"AND (?3 IS NULL OR coalesce(f.priority, 'none') = ?3) AND (?4 IS NULL OR f.category = ?4) " \
	"AND (?5 IS NULL OR f.team = ?5) AND (?6 = 0 OR f.safeguarding = 1) " \
	"AND " SQL_NOT_ARCHIVED("referral", "f.id") " "

static const char *const sql_from =
	QUEUE_SELECT "AND (f.decision_due_at, f.id) >= (?1, ?2) "
	"ORDER BY f.decision_due_at, f.id LIMIT ?7";
static const char *const sql_after =
	QUEUE_SELECT "AND (f.decision_due_at, f.id) > (?1, ?2) "
	"ORDER BY f.decision_due_at, f.id LIMIT ?7";
static const char *const sql_before =
	QUEUE_SELECT "AND (f.decision_due_at, f.id) < (?1, ?2) "
	"ORDER BY f.decision_due_at DESC, f.id DESC LIMIT ?7";
static const char *const sql_counts =
	"SELECT count(*), coalesce(sum(status = 'new'), 0), "
	"coalesce(sum(decision_due_at < ?1), 0), "
	"coalesce(sum(decision_due_at >= ?1 AND decision_due_at < ?2), 0) "
	"FROM referral WHERE (status = 'new' OR status = 'triaged') AND "
	SQL_NOT_ARCHIVED("referral", "referral.id");

/* Columns other than the name's: marker 1, received 12, due 12, priority 4,
 * age group 2, source 11, category 15, safeguarding 2. */
#define QUEUE_FIXED_COLS 59

static const char *const priorities[] = { NULL, "red", "amber", "green", "none" };

struct row {
	char id[UUID_STR_LEN];
	char received[ISO_INSTANT_LEN], due[ISO_INSTANT_LEN];
	char priority[8];
	char name[420];
	char dob[ISO_DATE_LEN];
	char source[32], category[32];
	int safeguarding;
	char person_id[UUID_STR_LEN];
};

struct queue {
	struct pager pg;	/* the page of struct row */
	int priority;		/* index into priorities */
	int category;		/* 0: all; else nth category code */
	char category_code[32];
	bool mine, safeguarding;
	long open, new_count, overdue, due_today;
};

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

static void bind_filters(struct screen *s, sqlite3_stmt *st, int limit)
{
	struct queue *q = s->state;

	if (priorities[q->priority])
		sqlite3_bind_text(st, 3, priorities[q->priority], -1, SQLITE_STATIC);
	if (q->category)
		sqlite3_bind_text(st, 4, q->category_code, -1, SQLITE_STATIC);
	if (q->mine)
		sqlite3_bind_text(st, 5, s->ui->r->actor.team, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, q->safeguarding);
	sqlite3_bind_int(st, 7, limit);
}

static void read_row(sqlite3_stmt *st, struct row *r)
{
	char family[208], given[208];

	copy_col(st, 0, r->id, sizeof(r->id));
	copy_col(st, 1, r->received, sizeof(r->received));
	copy_col(st, 2, r->due, sizeof(r->due));
	copy_col(st, 3, r->priority, sizeof(r->priority));
	copy_col(st, 4, family, sizeof(family));
	copy_col(st, 5, given, sizeof(given));
	snprintf(r->name, sizeof(r->name), "%s, %s", family, given);
	copy_col(st, 6, r->dob, sizeof(r->dob));
	copy_col(st, 7, r->source, sizeof(r->source));
	copy_col(st, 8, r->category, sizeof(r->category));
	r->safeguarding = sqlite3_column_int(st, 9);
	copy_col(st, 10, r->person_id, sizeof(r->person_id));
}

/* Fill the page from the statement; reverse when it read backwards. */
static int fetch(struct screen *s, const char *sql, const struct row *key, int limit, bool backwards,
		 struct row *out)
{
	sqlite3_stmt *st = replica_stmt(s->ui->r, sql);
	int n = 0;

	sqlite3_bind_text(st, 1, key->due, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key->id, -1, SQLITE_STATIC);
	bind_filters(s, st, limit);
	while (n < limit && sqlite3_step(st) == SQLITE_ROW)
		read_row(st, &out[n++]);
	sqlite3_reset(st);
	for (int i = 0; backwards && i < n / 2; i++) {
		struct row t = out[i];

		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

static int page_rows(const struct screen *s)
{
	return pager_rows(s->ui);
}

static const char *row_id(const void *row)
{
	return ((const struct row *)row)->id;
}

static int queue_fetch(struct screen *s, enum pager_fetch how, const void *key, int limit,
		       void *out)
{
	static const struct row start = { .due = "" }, end = { .due = "~" };
	const struct row *k = key ? key : how == PAGER_BEFORE ? &end : &start;
	const char *sql = how == PAGER_FROM ? sql_from : how == PAGER_AFTER ? sql_after : sql_before;

	return fetch(s, sql, k, limit, how == PAGER_BEFORE, out);
}

static void load_counts(struct screen *s)
{
	struct queue *q = s->state;
	sqlite3_stmt *st = replica_stmt(s->ui->r, sql_counts);
	int64_t now = now_instant();
	struct local_time lt = local_from_instant(now);
	char now_iso[ISO_INSTANT_LEN], tomorrow[ISO_INSTANT_LEN];

	instant_format(now, now_iso);
	instant_format(local_to_instant(date_add_days(lt.date, 1), 0, 0, 0), tomorrow);
	sqlite3_bind_text(st, 1, now_iso, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, tomorrow, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		q->open = sqlite3_column_int64(st, 0);
		q->new_count = sqlite3_column_int64(st, 1);
		q->overdue = sqlite3_column_int64(st, 2);
		q->due_today = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
}

static void queue_reload(struct screen *s)
{
	struct queue *q = s->state;

	pager_reload(s, &q->pg, page_rows(s));
	load_counts(s);
}

static int queue_open(struct screen *s)
{
	struct queue *q = cd_calloc(1, sizeof(*q));

	pager_init(&q->pg, sizeof(struct row), queue_fetch, row_id);
	s->state = q;
	queue_reload(s);
	return 0;
}

static void queue_close(struct screen *s)
{
	struct queue *q = s->state;

	pager_free(&q->pg);
	free(q);
	s->state = NULL;
}

/* "23/11 08:15" in local time. */
void ui_short_time(const char *iso, char *out, size_t size)
{
	int64_t t;
	struct local_time lt;

	if (instant_parse(iso, &t)) {
		snprintf(out, size, "?");
		return;
	}
	lt = local_from_instant(t);
	snprintf(out, size, "%02d/%02d %02d:%02d", lt.date.day, lt.date.month, lt.hour, lt.minute);
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
static void draw_row(struct screen *s, WINDOW *w, int y, const struct row *r, bool selected)
{
	struct ui *ui = s->ui;
	/* Reverse video on the marker and the name only: enough to see on a
	 * monochrome terminal, and a cursor move then costs two short runs of
	 * characters instead of two whole rows. */
	attr_t attr = A_NORMAL, sel = selected ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL;
	char received[32], due[32], group[2] = { age_group(r->dob), 0 }, source[16], category[16];
	bool overdue;
	int name_cols = ui->cols - QUEUE_FIXED_COLS;
	int x[] = { 0, 1, 13, 25, 29, 29 + name_cols, 31 + name_cols, 42 + name_cols,
		    57 + name_cols };

	ui_short_time(r->received, received, sizeof(received));
	due_text(ui, r->due, due, sizeof(due), &overdue);
	draw_text(ui, w, y, x[0], 1, selected ? ">" : " ", sel);
	draw_text(ui, w, y, x[1], 12, received, attr);
	draw_text(ui, w, y, x[2], 12, due, overdue ? theme_attr(&ui->theme, ROLE_OVERDUE) : attr);
	draw_text(ui, w, y, x[3], 4, priority_label(r->priority), priority_attr(ui, r->priority));
	draw_text(ui, w, y, x[4], name_cols, r->name, sel);
	draw_text(ui, w, y, x[5], 2, group, attr);
	/* Codes are ASCII; each keeps a blank before the next column. */
	snprintf(source, sizeof(source), "%.10s", r->source);
	snprintf(category, sizeof(category), "%.14s", r->category);
	draw_text(ui, w, y, x[6], 11, source, attr);
	draw_text(ui, w, y, x[7], 15, category, attr);
	draw_text(ui, w, y, x[8], ui->cols - x[8], r->safeguarding ? "SG" : "",
		  r->safeguarding ? theme_attr(&ui->theme, ROLE_SAFEGUARDING) : attr);
}

static void queue_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct queue *q = s->state;
	struct ui *ui = s->ui;
	char left[160], right[96], header[160];
	int list = layout_list_rows(rows);

	(void)cols;
	snprintf(left, sizeof(left), " Referral queue: %s%s%s%s%s%s", ui->r->locality,
		 priorities[q->priority] ? "  priority " : "",
		 priorities[q->priority] ? priorities[q->priority] : "",
		 q->category ? "  " : "", q->category ? q->category_code : "",
		 q->mine ? "  my team" : "");
	snprintf(right, sizeof(right), "%s%ld open  %ld new  %ld due today  %ld overdue ",
		 q->safeguarding ? "safeguarding  " : "", q->open, q->new_count, q->due_today,
		 q->overdue);
	draw_title(ui, w, left, right);
	snprintf(header, sizeof(header), " %-12s%-12s%-4s%-*s%-2s%-11s%-15s%s", "Received", "Due",
		 "Pri", ui->cols - QUEUE_FIXED_COLS, "Name", "", "Source", "Category", "SG");
	draw_text(ui, w, 1, 0, ui->cols, header, theme_attr(&ui->theme, ROLE_HEADER));
	for (int i = 0; i < list; i++) {
		if (i < q->pg.count)
			draw_row(s, w, 2 + i, pager_row(&q->pg, i), i == q->pg.sel);
		else
			draw_text(ui, w, 2 + i, 0, ui->cols,
				  i == 0 && q->pg.count == 0 ? " No open referrals match." : "", A_NORMAL);
	}
}

/* The next category code after the current one, from the replica's list. */
static void next_category(struct screen *s)
{
	struct queue *q = s->state;
	sqlite3_stmt *st = replica_stmt(s->ui->r, "SELECT code FROM category_code WHERE code > ?1 "
						  "ORDER BY code LIMIT 1");

	sqlite3_bind_text(st, 1, q->category ? q->category_code : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		copy_col(st, 0, q->category_code, sizeof(q->category_code));
		q->category = 1;
	} else {
		q->category = 0;
		q->category_code[0] = '\0';
	}
	sqlite3_reset(st);
}

static int refilter(struct screen *s)
{
	struct queue *q = s->state;

	pager_rewind(&q->pg);
	pager_load(s, &q->pg, page_rows(s), NULL);
	return ACT_HANDLED | ACT_REDRAW;
}

static int queue_action(struct screen *s, enum action a)
{
	struct queue *q = s->state;
	const struct row *sel = pager_selected(&q->pg);
	int rows = page_rows(s);

	switch (a) {
	case ACTION_MOVE_DOWN: return pager_step(s, &q->pg, rows, 1);
	case ACTION_MOVE_UP: return pager_step(s, &q->pg, rows, -1);
	case ACTION_PAGE_DOWN: return pager_page(s, &q->pg, rows, true);
	case ACTION_PAGE_UP: return pager_page(s, &q->pg, rows, false);
	case ACTION_FIRST: return pager_jump(s, &q->pg, rows, false);
	case ACTION_LAST: return pager_jump(s, &q->pg, rows, true);
	case ACTION_QUEUE: return ACT_HANDLED;
	case ACTION_TRIAGE:
		if (sel)
			form_triage(s->ui, sel->id);
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_ALLOCATE:
		if (sel)
			form_allocate(s->ui, sel->id);
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_NOTE:
		if (sel)
			form_note(s->ui, sel->person_id, sel->id);
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_OPEN:
		if (sel)
			ui_push(s->ui, &case_screen, sel->person_id);
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_FILTER_PRIORITY:
		q->priority = (q->priority + 1) % (int)(sizeof(priorities) / sizeof(priorities[0]));
		return refilter(s);
	case ACTION_FILTER_CATEGORY:
		next_category(s);
		return refilter(s);
	case ACTION_FILTER_MINE:
		q->mine = !q->mine;
		return refilter(s);
	case ACTION_FILTER_SAFEGUARDING:
		q->safeguarding = !q->safeguarding;
		return refilter(s);
	default:
		return 0;
	}
}

const struct screen_ops queue_screen = {
	.title = "Referral queue",
	.where = ON_QUEUE,
	.open = queue_open,
	.reload = queue_reload,
	.draw = queue_draw,
	.action = queue_action,
	.close = queue_close,
};
