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

#include "caredesk/access.h"
#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/nhs.h"
#include "caredesk/record_view.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/ui.h"

#define SUMMARY_LINES 6		/* referrals, cases and family, under the header */
#define SUMMARY_EACH 2		/* of each kind at most */

struct case_view {
	char title[512];
	char details[256];
	char flags[256];
	char summary[SUMMARY_LINES][640];
	int summary_count;
	char referral[UUID_STR_LEN];	/* the open referral t and a act on, or "" */
	struct list notes;	/* the chronology, of struct note_row */
	/* A restricted record this worker may not see: nothing of it is read
	 * or shown until they break glass (caredesk/access.h). */
	bool hidden;
	bool viewed;		/* the view is in the audit chain */
};

/* Read the header; 1 found, 0 gone, -1 failed (said on the message line). */
static int load_person(struct screen *s)
{
	struct case_view *c = s->state;
	struct person_header h;
	struct cd_error err;
	struct civil_date dob;
	int found, age = -1;
	char group = '?', nhs[16] = "not traced";

	cd_error_clear(&err);
	found = person_header_read(s->ui->r, s->arg, &h, &err);
	if (found <= 0) {
		if (found < 0)
			ui_error(s->ui, &err);
		return found;
	}
	if (h.nhs[0])
		nhs_format(h.nhs, nhs, sizeof(nhs));
	if (date_parse(h.dob, &dob) == 0) {
		struct civil_date today = local_from_instant(now_instant()).date;

		age = age_on(dob, today);
		group = age_group_letter(age_group_on(dob, today));
	}
	snprintf(c->title, sizeof(c->title), " %s, %s%s", h.family, h.given,
		 h.restricted ? "  (restricted)" : "");
	if (h.restricted) {
		char until[ISO_INSTANT_LEN];

		/* The banner: open by break-glass, until when (every screen of
		 * the record has this title). */
		if (break_glass_active(s->ui->r, s->arg, until)) {
			char shown[32];

			ui_short_time(until, shown, sizeof(shown));
			snprintf(c->title, sizeof(c->title), " %s, %s  BREAK-GLASS until %s (audited)",
				 h.family, h.given, shown);
		}
	}
	snprintf(c->details, sizeof(c->details), " NHS %s   born %s, %d (%c)   %s   %s", nhs, h.dob,
		 age, group, h.locality, h.postcode);
	return 1;
}

static void load_flags(struct screen *s)
{
	struct case_view *c = s->state;
	char types[200];
	struct cd_error err;

	cd_error_clear(&err);
	c->flags[0] = '\0';
	if (person_flags_read(s->ui->r, s->arg, types, sizeof(types), &err))
		ui_error(s->ui, &err);
	else if (types[0])
		snprintf(c->flags, sizeof(c->flags), " Flags: %s", types);
}

static void add_summary(struct case_view *c, const char *line)
{
	if (c->summary_count < SUMMARY_LINES)
		snprintf(c->summary[c->summary_count++], sizeof(c->summary[0]), "%s", line);
}

static void summarise_referrals(struct screen *s, struct cd_error *err)
{
	struct case_view *c = s->state;
	struct open_referral_line refs[SUMMARY_EACH];
	char line[640], when[32];
	int n = person_open_referrals(s->ui->r, s->arg, refs, SUMMARY_EACH, err);

	if (n > 0)
		snprintf(c->referral, sizeof(c->referral), "%s", refs[0].id);
	for (int i = 0; i < n; i++) {
		ui_short_time(refs[i].received, when, sizeof(when));
		snprintf(line, sizeof(line), " Referral %s  %s  %s  %s  %s", when, refs[i].status,
			 refs[i].priority, refs[i].category, refs[i].team);
		add_summary(c, line);
	}
}

static void summarise_cases(struct screen *s, struct cd_error *err)
{
	struct open_case_line cases[SUMMARY_EACH];
	char line[640];
	int n = person_open_cases(s->ui->r, s->arg, cases, SUMMARY_EACH, err);

	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), " Case %s  allocated to %s  next review %s", cases[i].team,
			 cases[i].worker, cases[i].next_review);
		add_summary(s->state, line);
	}
}

static void summarise_family(struct screen *s, struct cd_error *err)
{
	struct family_line family[SUMMARY_EACH];
	char line[640];
	int n = person_family(s->ui->r, s->arg, family, SUMMARY_EACH, err);

	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), " Family: %.79s of %.419s", family[i].kind, family[i].name);
		add_summary(s->state, line);
	}
}

/* What is open now: referrals in the queue, cases and who has them, and
 * family links in both directions. */
static void load_summary(struct screen *s)
{
	struct case_view *c = s->state;
	struct cd_error err;

	cd_error_clear(&err);
	c->summary_count = 0;
	c->referral[0] = '\0';
	summarise_referrals(s, &err);
	summarise_cases(s, &err);
	summarise_family(s, &err);
	if (err.msg[0])
		ui_error(s->ui, &err);
}

static int note_rows(const struct screen *s)
{
	/* title, details, flags, summary lines, a rule, then the chronology */
	return layout_list_rows(s->ui->rows) - 3 - SUMMARY_LINES;
}

static void draw_note(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct note_row *r = row;
	struct ui *ui = s->ui;
	char line[160], when[32];

	ui_short_time(r->at, when, sizeof(when));
	snprintf(line, sizeof(line), "%s %-11s %-10s %-12s ", selected ? ">" : " ", when, r->kind,
		 r->author);
	draw_text(ui, w, y, 0, 37, line, selected ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL);
	draw_text(ui, w, y, 37, ui->cols - 37, r->body, A_NORMAL);
}

static const struct list_source chronology = {
	.row_size = sizeof(struct note_row),
	.id_offset = offsetof(struct note_row, id),
	.keyset = &chronology_keyset,
	.page_rows = note_rows,
	.draw_row = draw_note,
	.empty = " No notes yet.",
};

/* Whether the record is restricted from this worker now (a break-glass
 * may just have opened it, or run out); the first time it is visible, the
 * view goes into the audit chain. */
static void check_access(struct screen *s)
{
	struct case_view *c = s->state;
	struct cd_error err;
	int seen;

	cd_error_clear(&err);
	seen = person_visible(s->ui->r, s->arg, &err);
	c->hidden = seen == 0;
	if (seen < 0)
		ui_error(s->ui, &err);
	if (seen != 1 || c->viewed)
		return;
	c->viewed = true;
	if (audit_view(s->ui->r, "person", s->arg, &err))
		ui_message(s->ui, "Could not record that you opened this record: %s", err.msg);
}

static void show_restricted(struct screen *s)
{
	struct case_view *c = s->state;

	snprintf(c->details, sizeof(c->details), " Only the allocated worker, their team manager "
		 "and MASH see this record.");
	snprintf(c->flags, sizeof(c->flags), " In an emergency, press ! to break glass: you "
		 "give a reason, and it is audited.");
	c->summary_count = 0;
	c->referral[0] = '\0';
}

static void cv_reload(struct screen *s)
{
	struct case_view *c = s->state;

	check_access(s);
	if (load_person(s) == 0)
		ui_message(s->ui, "That person is no longer on this replica.");
	if (c->hidden) {
		show_restricted(s);
		return;
	}
	load_flags(s);
	load_summary(s);
	list_reload(s, &c->notes);
}

static int cv_open(struct screen *s)
{
	struct case_view *c = cd_calloc(1, sizeof(*c));

	s->state = c;
	list_init(&c->notes, &chronology);
	c->notes.filter = s->arg;	/* the person's notes */
	if (load_person(s) <= 0) {
		if (!s->ui->message[0])
			ui_message(s->ui, "That person is no longer on this replica.");
		list_free(&c->notes);
		free(c);
		s->state = NULL;
		return -1;
	}
	memcpy(s->ui->last_person, s->arg, sizeof(s->ui->last_person));
	cv_reload(s);
	return 0;
}

static void cv_close(struct screen *s)
{
	struct case_view *c = s->state;

	list_free(&c->notes);
	free(c);
	s->state = NULL;
}

static void cv_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct case_view *c = s->state;
	struct ui *ui = s->ui;
	char right[96], at[48], rule[96];
	int y = 1;

	(void)rows;
	list_position(&c->notes, at, sizeof(at));
	snprintf(right, sizeof(right), "%ld notes ", c->notes.total > 0 ? c->notes.total : 0);
	draw_title(ui, w, c->title, right);
	draw_text(ui, w, y++, 0, cols, c->details, A_NORMAL);
	draw_text(ui, w, y++, 0, cols, c->flags[0] ? c->flags : " No current flags",
		  c->flags[0] ? theme_attr(&ui->theme, STYLE_SAFEGUARDING) : A_NORMAL);
	for (int i = 0; i < SUMMARY_LINES; i++)
		draw_text(ui, w, y++, 0, cols, i < c->summary_count ? c->summary[i] : "", A_NORMAL);
	if (c->hidden) {
		while (y < 2 + layout_list_rows(ui->rows))
			draw_text(ui, w, y++, 0, cols, "", A_NORMAL);
		return;
	}
	snprintf(rule, sizeof(rule), " Chronology, newest first%s%s", at[0] ? ": " : "", at);
	draw_text(ui, w, y++, 0, cols, rule, theme_attr(&ui->theme, STYLE_HEADER));
	list_draw(s, &c->notes, w, y);
}

/* Triage and allocation act on the person's first open referral. */
static int referral_form(struct screen *s, enum command a)
{
	struct case_view *c = s->state;

	if (!c->referral[0]) {
		ui_message(s->ui, "This person has no open referral.");
		return RUN_HANDLED | RUN_REDRAW;
	}
	if (a == CMD_TRIAGE)
		form_triage(s->ui, c->referral);
	else
		form_allocate(s->ui, c->referral);
	return RUN_HANDLED | RUN_REDRAW;
}

static int cv_command(struct screen *s, enum command a)
{
	struct case_view *c = s->state;
	const struct note_row *sel;
	int flags;

	if (a == CMD_BREAK_GLASS) {
		if (!c->hidden)
			ui_message(s->ui, "This record is open to you: no need to break glass.");
		else
			form_break_glass(s->ui, s->arg);
		return RUN_HANDLED | RUN_REDRAW;
	}
	if (c->hidden && (a == CMD_TRIAGE || a == CMD_ALLOCATE || a == CMD_NOTE || a == CMD_AMEND)) {
		ui_message(s->ui, "A restricted record: press ! to break glass first.");
		return RUN_HANDLED | RUN_REDRAW;
	}
	sel = list_selected(&c->notes);
	flags = list_command(s, &c->notes, a);
	if (flags)
		return flags;
	switch (a) {
	case CMD_TRIAGE:
	case CMD_ALLOCATE:
		return referral_form(s, a);
	case CMD_NOTE:
		form_note(s->ui, s->arg, c->referral);
		return RUN_HANDLED | RUN_REDRAW;
	case CMD_AMEND:
		if (sel)
			form_amend(s->ui, sel->id);
		return RUN_HANDLED | RUN_REDRAW;
	default:
		return 0;
	}
}

const struct screen_ops case_screen = {
	.title = "Case",
	.id = SCREEN_CASE,
	.open = cv_open,
	.reload = cv_reload,
	.draw = cv_draw,
	.command = cv_command,
	.close = cv_close,
};
