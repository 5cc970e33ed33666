/* The caseload: my open cases, or with T my team's, in review order.
 *
 * Read a page at a time by keyset on (coalesce(next_review, ''), id)
 * through the case_open_by_worker/team indexes of migration 3.  Each row:
 * person, age group, current flags, last contact (the newest note), next
 * review (overdue marked '!') and the allocated worker. */
#include <stdlib.h>
#include <string.h>

#include "caredesk/datetime.h"
#include "caredesk/query.h"
#include "ui/form.h"
#include "ui/pager.h"
#include "ui/ui.h"

#define CASELOAD_SELECT \
	"SELECT c.id, c.person_id, p.family_name || ', ' || p.given_name, p.date_of_birth, " \
	"(SELECT group_concat(type, ' ') FROM flag g WHERE g.person_id = p.id AND g.end_date IS NULL), " \
	"(SELECT max(n.created_at) FROM note n WHERE n.person_id = p.id), " \
	"coalesce(c.next_review, ''), coalesce(w.login, '-') " \
	"FROM care_case c JOIN person p ON p.id = c.person_id LEFT JOIN worker w ON w.id = c.allocated_to "
#define MINE "WHERE c.allocated_to = ?3 AND c.closed_at IS NULL AND " LIVE
#define TEAM "WHERE c.team = ?3 AND c.closed_at IS NULL AND " LIVE
#define LIVE SQL_NOT_ARCHIVED("care_case", "c.id") " "
#define FORWARD(op) "AND (coalesce(c.next_review, ''), c.id) " op " (?1, ?2) " \
	"ORDER BY coalesce(c.next_review, ''), c.id LIMIT ?4"
#define BACKWARD "AND (coalesce(c.next_review, ''), c.id) < (?1, ?2) " \
	"ORDER BY coalesce(c.next_review, '') DESC, c.id DESC LIMIT ?4"

/* [team][from, after, before] */
static const char *const sql[2][3] = {
	{ CASELOAD_SELECT MINE FORWARD(">="), CASELOAD_SELECT MINE FORWARD(">"),
	  CASELOAD_SELECT MINE BACKWARD },
	{ CASELOAD_SELECT TEAM FORWARD(">="), CASELOAD_SELECT TEAM FORWARD(">"),
	  CASELOAD_SELECT TEAM BACKWARD },
};


struct case_row {
	char id[UUID_STR_LEN];
	char person[UUID_STR_LEN];
	char name[420];
	char dob[ISO_DATE_LEN];
	char flags[128];
	char last[ISO_INSTANT_LEN];
	char review[ISO_DATE_LEN];
	char worker[LOGIN_MAX];
};

struct caseload {
	struct pager pg;	/* the page of struct case_row */
	bool team;
	long total;
};

static void copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

static int fetch(struct screen *s, enum pager_fetch which, const void *keyp, int limit,
		 void *outp)
{
	static const struct case_row start = { .review = "" }, end = { .review = "~" };
	const struct case_row *key = keyp ? keyp : which == PAGER_BEFORE ? &end : &start;
	struct case_row *out = outp;
	struct caseload *c = s->state;
	struct actor *me = &s->ui->r->actor;
	sqlite3_stmt *st = replica_stmt(s->ui->r, sql[c->team][which]);
	int n = 0;

	sqlite3_bind_text(st, 1, key->review, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->team ? me->team : me->worker_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, limit);
	while (n < limit && sqlite3_step(st) == SQLITE_ROW) {
		struct case_row *r = &out[n++];

		copy(st, 0, r->id, sizeof(r->id));
		copy(st, 1, r->person, sizeof(r->person));
		copy(st, 2, r->name, sizeof(r->name));
		copy(st, 3, r->dob, sizeof(r->dob));
		copy(st, 4, r->flags, sizeof(r->flags));
		copy(st, 5, r->last, sizeof(r->last));
		copy(st, 6, r->review, sizeof(r->review));
		copy(st, 7, r->worker, sizeof(r->worker));
	}
	sqlite3_reset(st);
	for (int i = 0; which == PAGER_BEFORE && i < n / 2; i++) {
		struct case_row t = out[i];

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
	return ((const struct case_row *)row)->id;
}

static void count_cases(struct screen *s)
{
	struct caseload *c = s->state;
	struct actor *me = &s->ui->r->actor;
	sqlite3_stmt *st = replica_stmt(s->ui->r,
		"SELECT count(*) FROM care_case WHERE closed_at IS NULL AND "
		"CASE WHEN ?2 THEN team = ?1 ELSE allocated_to = ?1 END AND "
		SQL_NOT_ARCHIVED("care_case", "care_case.id"));

	sqlite3_bind_text(st, 1, c->team ? me->team : me->worker_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, c->team);
	c->total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
}

static void caseload_reload(struct screen *s)
{
	struct caseload *c = s->state;

	pager_reload(s, &c->pg, page_rows(s));
	count_cases(s);
}

static int caseload_open(struct screen *s)
{
	struct caseload *c = cd_calloc(1, sizeof(*c));

	pager_init(&c->pg, sizeof(struct case_row), fetch, row_id);
	s->state = c;
	caseload_reload(s);
	return 0;
}

static void caseload_close(struct screen *s)
{
	struct caseload *c = s->state;

	pager_free(&c->pg);
	free(c);
	s->state = NULL;
}

static void draw_row(struct screen *s, WINDOW *w, int y, const struct case_row *r, bool selected)
{
	struct ui *ui = s->ui;
	struct civil_date dob, review, today = local_from_instant(now_instant()).date;
	char group[2] = "?", last[32] = "-", due[16] = "-";
	int name_cols = ui->cols - 62;
	attr_t sel = selected ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL;

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
		  theme_attr(&ui->theme, ROLE_OVERDUE) : A_NORMAL);
	draw_text(ui, w, y, 46 + name_cols, ui->cols - 46 - name_cols, r->worker, A_NORMAL);
}

static void caseload_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct caseload *c = s->state;
	struct ui *ui = s->ui;
	char left[160], right[64], header[160];
	int list = layout_list_rows(rows);

	snprintf(left, sizeof(left), " Caseload: %s", c->team ? ui->r->actor.team : "my cases");
	snprintf(right, sizeof(right), "%ld open ", c->total);
	draw_title(ui, w, left, right);
	snprintf(header, sizeof(header), " %-*s%-2s%-18s%-13s%-12s%s", cols - 62, "Person", "",
		 "Flags", "Last contact", " Review", "Worker");
	draw_text(ui, w, 1, 0, cols, header, theme_attr(&ui->theme, ROLE_HEADER));
	for (int i = 0; i < list; i++) {
		if (i < c->pg.count)
			draw_row(s, w, 2 + i, pager_row(&c->pg, i), i == c->pg.sel);
		else
			draw_text(ui, w, 2 + i, 0, cols, i == 0 && c->pg.count == 0 ? " No open cases." : "",
				  A_NORMAL);
	}
}

static int caseload_action(struct screen *s, enum action a)
{
	struct caseload *c = s->state;
	const struct case_row *r = pager_selected(&c->pg);
	int rows = page_rows(s);

	switch (a) {
	case ACTION_MOVE_DOWN: return pager_step(s, &c->pg, rows, 1);
	case ACTION_MOVE_UP: return pager_step(s, &c->pg, rows, -1);
	case ACTION_PAGE_DOWN: return pager_page(s, &c->pg, rows, true);
	case ACTION_PAGE_UP: return pager_page(s, &c->pg, rows, false);
	case ACTION_FIRST: return pager_jump(s, &c->pg, rows, false);
	case ACTION_LAST: return pager_jump(s, &c->pg, rows, true);
	case ACTION_CASELOAD: return ACT_HANDLED;
	case ACTION_TEAM_TOGGLE:
		c->team = !c->team;
		pager_rewind(&c->pg);
		caseload_reload(s);
		return ACT_HANDLED | ACT_REDRAW;
	default:
		break;
	}
	if (!r)
		return 0;
	switch (a) {
	case ACTION_OPEN: ui_push(s->ui, &case_screen, r->person); break;
	case ACTION_NOTE: form_note(s->ui, r->person, NULL); break;
	case ACTION_REVIEW: form_review(s->ui, r->id); break;
	case ACTION_CLOSE_CASE: form_close_case(s->ui, r->id); break;
	case ACTION_ALLOCATE: form_reallocate(s->ui, r->id); break;
	default: return 0;
	}
	return ACT_HANDLED | ACT_REDRAW;
}

const struct screen_ops caseload_screen = {
	.title = "Caseload",
	.where = ON_CASELOAD,
	.open = caseload_open,
	.reload = caseload_reload,
	.draw = caseload_draw,
	.action = caseload_action,
	.close = caseload_close,
};
