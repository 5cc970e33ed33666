/* The case view: one person's record.
 *
 * A header (name, NHS number, age and group, locality, current flags),
 * then what is open now (referrals in the queue, allocated cases and who
 * has them), family links, and the chronology newest first, read a page
 * at a time by keyset on (created_at, rowid) through note_by_person, so a
 * person with thousands of notes opens as fast as one with three.
 * Opening a record is audited, as incumbents' systems do. */
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/nhs.h"
#include "ui/form.h"
#include "ui/ui.h"

#define SUMMARY_LINES 6		/* referrals, cases and family, under the header */

static const char *const sql_notes_before =
	"SELECT n.rowid, n.created_at, n.kind, coalesce(w.login, '?'), n.body, n.id "
	"FROM note n LEFT JOIN worker w ON w.id = n.author "
	"WHERE n.person_id = ?1 AND (n.created_at, n.rowid) < (?2, ?3) "
	"ORDER BY n.created_at DESC, n.rowid DESC LIMIT ?4";
static const char *const sql_notes_after =
	"SELECT n.rowid, n.created_at, n.kind, coalesce(w.login, '?'), n.body, n.id "
	"FROM note n LEFT JOIN worker w ON w.id = n.author "
	"WHERE n.person_id = ?1 AND (n.created_at, n.rowid) > (?2, ?3) "
	"ORDER BY n.created_at, n.rowid LIMIT ?4";

struct note_row {
	sqlite3_int64 rowid;
	char id[UUID_STR_LEN];
	char at[ISO_INSTANT_LEN];
	char kind[16];
	char author[LOGIN_MAX];
	char body[512];
};

struct case_view {
	char title[512];
	char details[256];
	char flags[256];
	char summary[SUMMARY_LINES][256];
	int summary_count;
	char referral[UUID_STR_LEN];	/* the open referral t and a act on, or "" */
	long note_total;
	struct note_row *notes;
	int count, cap, sel;
	struct note_row top;	/* key of the first note shown; "~" for the newest */
};

static const char *text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

static int load_person(struct screen *s)
{
	struct case_view *c = s->state;
	struct ui *ui = s->ui;
	sqlite3_stmt *st = replica_stmt(ui->r,
		"SELECT family_name, given_name, nhs_number, date_of_birth, locality, postcode, "
		"restricted FROM person WHERE id = ?1");
	struct civil_date dob;
	int found;

	sqlite3_bind_text(st, 1, s->arg, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		int age = -1;
		char group = '?';
		char nhs[16] = "not traced";

		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			nhs_format(text(st, 2), nhs, sizeof(nhs));
		if (date_parse(text(st, 3), &dob) == 0) {
			struct civil_date today = local_from_instant(now_instant()).date;

			age = age_on(dob, today);
			group = age_group_letter(age_group_on(dob, today));
		}
		snprintf(c->title, sizeof(c->title), " %s, %s%s", text(st, 0), text(st, 1),
			 sqlite3_column_int(st, 6) ? "  (restricted)" : "");
		snprintf(c->details, sizeof(c->details),
			 " NHS %s   born %s, %d (%c)   %s   %s", nhs, text(st, 3), age, group,
			 text(st, 4), text(st, 5));
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

static void load_flags(struct screen *s)
{
	struct case_view *c = s->state;
	sqlite3_stmt *st = replica_stmt(s->ui->r,
		"SELECT type FROM flag WHERE person_id = ?1 AND end_date IS NULL ORDER BY type");
	size_t used = 0;

	c->flags[0] = '\0';
	sqlite3_bind_text(st, 1, s->arg, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && used < sizeof(c->flags) - 40)
		used += (size_t)snprintf(c->flags + used, sizeof(c->flags) - used, "%s%s",
					 used ? ", " : " Flags: ", text(st, 0));
	sqlite3_reset(st);
}

static void add_summary(struct case_view *c, const char *line)
{
	if (c->summary_count < SUMMARY_LINES)
		snprintf(c->summary[c->summary_count++], sizeof(c->summary[0]), "%s", line);
}

/* What is open now: referrals in the queue, cases and who has them, and
 * family links in both directions. */
static void load_summary(struct screen *s)
{
	struct case_view *c = s->state;
	struct replica *r = s->ui->r;
	sqlite3_stmt *st;
	char line[256], when[32];

	c->summary_count = 0;
	c->referral[0] = '\0';
	st = replica_stmt(r, "SELECT received_at, status, coalesce(priority, '-'), category, team, id "
			     "FROM referral WHERE person_id = ?1 AND (status = 'new' OR status = 'triaged') "
			     "ORDER BY decision_due_at LIMIT 2");
	sqlite3_bind_text(st, 1, s->arg, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ui_short_time(text(st, 0), when, sizeof(when));
		if (!c->referral[0])
			snprintf(c->referral, sizeof(c->referral), "%s", text(st, 5));
		snprintf(line, sizeof(line), " Referral %s  %s  %s  %s  %s", when, text(st, 1),
			 text(st, 2), text(st, 3), text(st, 4));
		add_summary(c, line);
	}
	sqlite3_reset(st);
	st = replica_stmt(r, "SELECT c.team, coalesce(w.login, 'unallocated'), "
			     "coalesce(c.next_review, '-'), c.opened_at FROM care_case c "
			     "LEFT JOIN worker w ON w.id = c.allocated_to "
			     "WHERE c.person_id = ?1 AND c.closed_at IS NULL ORDER BY c.opened_at LIMIT 2");
	sqlite3_bind_text(st, 1, s->arg, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(line, sizeof(line), " Case %s  allocated to %s  next review %s", text(st, 0),
			 text(st, 1), text(st, 2));
		add_summary(c, line);
	}
	sqlite3_reset(st);
	st = replica_stmt(r, "SELECT CASE WHEN l.person_id = ?1 THEN l.kind ELSE 'related (' || "
			     "l.kind || ')' END, p.given_name || ' ' || p.family_name "
			     "FROM relationship l JOIN person p ON p.id = CASE WHEN l.person_id = ?1 "
			     "THEN l.related_id ELSE l.person_id END "
			     "WHERE l.person_id = ?1 OR l.related_id = ?1 LIMIT 2");
	sqlite3_bind_text(st, 1, s->arg, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(line, sizeof(line), " Family: %s of %s", text(st, 0), text(st, 1));
		add_summary(c, line);
	}
	sqlite3_reset(st);
}

static int note_rows(const struct screen *s)
{
	/* title, details, flags, summary lines, a rule, then the chronology */
	int n = layout_list_rows(s->ui->rows) - 3 - SUMMARY_LINES;

	return n > 1 ? n : 1;
}

static int fetch_notes(struct screen *s, const char *sql, const struct note_row *key, int limit,
		       bool reverse, struct note_row *out)
{
	sqlite3_stmt *st = replica_stmt(s->ui->r, sql);
	int n = 0;

	sqlite3_bind_text(st, 1, s->arg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key->at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, key->rowid);
	sqlite3_bind_int(st, 4, limit);
	while (n < limit && sqlite3_step(st) == SQLITE_ROW) {
		struct note_row *r = &out[n++];

		r->rowid = sqlite3_column_int64(st, 0);
		snprintf(r->at, sizeof(r->at), "%s", text(st, 1));
		snprintf(r->kind, sizeof(r->kind), "%s", text(st, 2));
		snprintf(r->author, sizeof(r->author), "%s", text(st, 3));
		snprintf(r->body, sizeof(r->body), "%s", text(st, 4));
		snprintf(r->id, sizeof(r->id), "%s", text(st, 5));
	}
	sqlite3_reset(st);
	for (int i = 0; reverse && i < n / 2; i++) {
		struct note_row t = out[i];

		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

/* The page starting at c->top (inclusive), newest first. */
static void load_notes(struct screen *s)
{
	struct case_view *c = s->state;
	int n = note_rows(s);
	struct note_row key = c->top;

	if (n > c->cap) {
		c->notes = cd_realloc(c->notes, (size_t)n * sizeof(*c->notes));
		c->cap = n;
	}
	key.rowid++;		/* "< top" from just after it: top itself included */
	c->count = fetch_notes(s, sql_notes_before, &key, n, false, c->notes);
	if (c->sel >= c->count)
		c->sel = c->count ? c->count - 1 : 0;
}

static void count_notes(struct screen *s)
{
	struct case_view *c = s->state;
	sqlite3_stmt *st = replica_stmt(s->ui->r, "SELECT count(*) FROM note WHERE person_id = ?1");

	sqlite3_bind_text(st, 1, s->arg, -1, SQLITE_STATIC);
	c->note_total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
}

static void cv_reload(struct screen *s)
{
	load_person(s);
	load_flags(s);
	load_summary(s);
	count_notes(s);
	load_notes(s);
}

static int cv_open(struct screen *s)
{
	struct case_view *c = cd_calloc(1, sizeof(*c));
	struct cd_error err;

	s->state = c;
	snprintf(c->top.at, sizeof(c->top.at), "~");
	c->top.rowid = 0;
	if (load_person(s)) {
		ui_message(s->ui, "That person is no longer on this replica.");
		free(c);
		s->state = NULL;
		return -1;
	}
	memcpy(s->ui->last_person, s->arg, sizeof(s->ui->last_person));
	if (audit_view(s->ui->r, "person", s->arg, &err))
		ui_message(s->ui, "Could not record that you opened this record: %s", err.msg);
	cv_reload(s);
	return 0;
}

static void cv_close(struct screen *s)
{
	struct case_view *c = s->state;

	free(c->notes);
	free(c);
	s->state = NULL;
}

static void cv_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct case_view *c = s->state;
	struct ui *ui = s->ui;
	char right[64], line[640], when[32];
	int y = 1, n = note_rows(s);

	(void)rows;
	snprintf(right, sizeof(right), "%ld notes ", c->note_total);
	draw_title(ui, w, c->title, right);
	draw_text(ui, w, y++, 0, cols, c->details, A_NORMAL);
	draw_text(ui, w, y++, 0, cols, c->flags[0] ? c->flags : " No current flags",
		  c->flags[0] ? theme_attr(&ui->theme, ROLE_SAFEGUARDING) : A_NORMAL);
	for (int i = 0; i < SUMMARY_LINES; i++)
		draw_text(ui, w, y++, 0, cols, i < c->summary_count ? c->summary[i] : "", A_NORMAL);
	draw_text(ui, w, y++, 0, cols, " Chronology, newest first", theme_attr(&ui->theme, ROLE_HEADER));
	for (int i = 0; i < n; i++, y++) {
		const struct note_row *r = &c->notes[i];

		if (i >= c->count) {
			draw_text(ui, w, y, 0, cols, i == 0 ? " No notes yet." : "", A_NORMAL);
			continue;
		}
		ui_short_time(r->at, when, sizeof(when));
		snprintf(line, sizeof(line), "%s %-11s %-10s %-12s ", i == c->sel ? ">" : " ", when,
			 r->kind, r->author);
		draw_text(ui, w, y, 0, 37, line, i == c->sel ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL);
		draw_text(ui, w, y, 37, cols - 37, r->body, A_NORMAL);
	}
}

static int cv_step(struct screen *s, int delta)
{
	struct case_view *c = s->state;
	struct note_row one;

	if (c->count == 0)
		return ACT_HANDLED;
	if (c->sel + delta >= 0 && c->sel + delta < c->count) {
		c->sel += delta;
		return ACT_HANDLED | ACT_REDRAW;
	}
	if (delta > 0 && c->count == note_rows(s) &&
	    fetch_notes(s, sql_notes_before, &c->notes[c->count - 1], 1, false, &one) == 1) {
		c->top = c->notes[1];
		load_notes(s);
	} else if (delta < 0 && fetch_notes(s, sql_notes_after, &c->top, 1, false, &one) == 1) {
		c->top = one;
		load_notes(s);
	}
	return ACT_HANDLED | ACT_REDRAW;
}

static int cv_page(struct screen *s, bool down)
{
	struct case_view *c = s->state;
	int n = note_rows(s);
	struct note_row *buf;
	int got;

	if (c->count == 0)
		return ACT_HANDLED;
	buf = cd_calloc((size_t)n, sizeof(*buf));
	got = down ? fetch_notes(s, sql_notes_before, &c->notes[c->count - 1], n, false, buf)
		   : fetch_notes(s, sql_notes_after, &c->top, n, true, buf);
	if (got > 0) {
		c->top = buf[0];
		load_notes(s);
	}
	c->sel = down ? 0 : c->count - 1;
	free(buf);
	return ACT_HANDLED | ACT_REDRAW;
}

static int cv_jump(struct screen *s, bool oldest)
{
	struct case_view *c = s->state;
	struct note_row start = { .at = "", .rowid = 0 };

	if (oldest) {
		int n = note_rows(s);
		struct note_row *buf = cd_calloc((size_t)n, sizeof(*buf));
		int got = fetch_notes(s, sql_notes_after, &start, n, true, buf);

		if (got > 0)
			c->top = buf[0];
		free(buf);
		load_notes(s);
		c->sel = c->count ? c->count - 1 : 0;
	} else {
		snprintf(c->top.at, sizeof(c->top.at), "~");
		c->top.rowid = 0;
		c->sel = 0;
		load_notes(s);
	}
	return ACT_HANDLED | ACT_REDRAW;
}

/* Triage and allocation act on the person's first open referral. */
static int referral_form(struct screen *s, enum action a)
{
	struct case_view *c = s->state;

	if (!c->referral[0]) {
		ui_message(s->ui, "This person has no open referral.");
		return ACT_HANDLED | ACT_REDRAW;
	}
	if (a == ACTION_TRIAGE)
		form_triage(s->ui, c->referral);
	else
		form_allocate(s->ui, c->referral);
	return ACT_HANDLED | ACT_REDRAW;
}

static int cv_action(struct screen *s, enum action a)
{
	struct case_view *c = s->state;

	switch (a) {
	case ACTION_TRIAGE:
	case ACTION_ALLOCATE:
		return referral_form(s, a);
	case ACTION_NOTE:
		form_note(s->ui, s->arg, c->referral);
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_AMEND:
		if (c->count)
			form_amend(s->ui, c->notes[c->sel].id);
		return ACT_HANDLED | ACT_REDRAW;
	case ACTION_MOVE_DOWN: return cv_step(s, 1);
	case ACTION_MOVE_UP: return cv_step(s, -1);
	case ACTION_PAGE_DOWN: return cv_page(s, true);
	case ACTION_PAGE_UP: return cv_page(s, false);
	case ACTION_FIRST: return cv_jump(s, false);
	case ACTION_LAST: return cv_jump(s, true);
	default: return 0;
	}
}

const struct screen_ops case_screen = {
	.title = "Case",
	.where = ON_CASE,
	.open = cv_open,
	.reload = cv_reload,
	.draw = cv_draw,
	.action = cv_action,
	.close = cv_close,
};
