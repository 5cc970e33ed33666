/* Search: people by name, NHS number or postcode, as you type.
 *
 * Every key reads the best few screenfuls of matches again (person_search
 * in the replica says how); they are a list like any other, moved with
 * the arrows (letters are text here).  Restricted people show by name
 * only. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/nhs.h"
#include "caredesk/person_search.h"
#include "ui/line_edit.h"
#include "ui/list.h"
#include "ui/ui.h"

#define QUERY_MAX 64
#define STR_(x) #x
#define STR(x) STR_(x)

struct search {
	struct line_edit query;	/* what is typed on the Find line */
	struct person_match *results;
	int count, cap;
	bool many;		/* more than PERSON_SEARCH_RANKED_MAX match */
	struct list list;	/* pages over results */
};

static const void *result_array(struct screen *s, int *n)
{
	const struct search *st = s->state;

	*n = st->count;
	return st->results;
}

static void draw_result(struct screen *s, WINDOW *w, int y, const void *row, bool selected)
{
	const struct person_match *m = row;
	struct ui *ui = s->ui;
	attr_t sel = selected ? theme_attr(&ui->theme, STYLE_SELECTED) : A_NORMAL;
	char name[420], details[96], nhs[16] = "-";

	snprintf(name, sizeof(name), "%s, %s", m->family, m->given);
	if (m->nhs[0])
		nhs_format(m->nhs, nhs, sizeof(nhs));
	if (m->restricted)
		snprintf(details, sizeof(details), "(restricted record)");
	else
		snprintf(details, sizeof(details), "%s  NHS %-12s %-9.9s %.12s", m->dob, nhs,
			 m->postcode, m->locality);
	draw_text(ui, w, y, 0, 1, selected ? ">" : " ", sel);
	draw_text(ui, w, y, 1, 32, name, sel);
	draw_text(ui, w, y, 33, ui->cols - 33, details, A_NORMAL);
}

static const struct list_source search_results = {
	.row_size = sizeof(struct person_match),
	.id_offset = offsetof(struct person_match, id),
	.array = result_array,
	.draw_row = draw_result,
	.empty = " Nobody matches.",
};

/* Up to a few screenfuls of the best matches, read again on every key. */
#define RESULTS_PAGES 4

static void run_search(struct screen *s)
{
	struct search *se = s->state;
	int limit = layout_list_rows(s->ui->rows) * RESULTS_PAGES;
	struct cd_error err;
	int n;

	if (limit < 1)
		limit = 1;
	if (limit > se->cap) {
		se->results = cd_realloc(se->results, (size_t)limit * sizeof(*se->results));
		se->cap = limit;
	}
	cd_error_clear(&err);
	n = person_search(s->ui->r, se->query.text, se->results, limit, &se->many, &err);
	if (n < 0) {
		snprintf(se->list.failed, sizeof(se->list.failed), "%s", err.msg);
		ui_error(s->ui, &err);
		return;
	}
	se->count = n;
	list_rewind(s, &se->list);
}

static int search_open(struct screen *s)
{
	struct search *se = cd_calloc(1, sizeof(struct search));

	list_init(&se->list, &search_results);
	se->query.max_chars = QUERY_MAX;
	s->state = se;
	return 0;
}

static void search_close(struct screen *s)
{
	struct search *se = s->state;

	list_free(&se->list);
	free(se->results);
	free(se);
	s->state = NULL;
}

static void search_reload(struct screen *s)
{
	run_search(s);
}

static void search_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct search *se = s->state;
	struct ui *ui = s->ui;
	char prompt[LINE_EDIT_BYTES + 96], right[96], at[48];
	int x;

	(void)rows;
	list_position(&se->list, at, sizeof(at));
	snprintf(right, sizeof(right), "%s%sEnter open  C-c back ", at, at[0] ? "  " : "");
	draw_title(ui, w, " Search people", right);
	snprintf(prompt, sizeof(prompt), " Find: %s_%s", se->query.text,
		 se->many ? "   (over " STR(PERSON_SEARCH_RANKED_MAX) " match: type more)" : "");
	draw_text(ui, w, 1, 0, cols, prompt, theme_attr(&ui->theme, STYLE_LABEL));
	if (!se->query.len && !se->list.failed[0]) {
		draw_text(ui, w, 2, 0, cols, " Type a name, an NHS number or a postcode.", A_NORMAL);
		for (int y = 3; y < 2 + layout_list_rows(rows); y++)
			draw_text(ui, w, y, 0, cols, "", A_NORMAL);
	} else {
		list_draw(s, &se->list, w, 2);
	}
	/* Typing goes on at the prompt, so the cursor waits there. */
	x = 7 + line_edit_point_width(&se->query, ui->mode);
	ui_cursor(ui, 1, x < cols ? x : cols - 1);
}

/* Typing goes into the query; every other key (the editing keys, the
 * arrows, Ctrl-N and Ctrl-P, Esc) is looked up in the bindings. */
static int search_key(struct screen *s, int key)
{
	struct search *se = s->state;
	size_t was = se->query.len;

	if (!line_edit_type(&se->query, key))
		return 0;
	if (se->query.len != was)
		run_search(s);
	return RUN_HANDLED | RUN_REDRAW;
}

static int search_command(struct screen *s, enum command a)
{
	struct search *se = s->state;
	const struct person_match *sel = list_selected(&se->list);
	int flags = list_command(s, &se->list, a);
	size_t was = se->query.len;

	if (flags)
		return flags;
	if (line_edit_do(&se->query, a)) {
		if (se->query.len != was)
			run_search(s);
		return RUN_HANDLED | RUN_REDRAW;
	}
	if (a != CMD_OPEN)
		return 0;
	if (sel) {
		/* A copy: opening the record may reload this list. */
		char id[UUID_STR_LEN];

		memcpy(id, sel->id, sizeof(id));
		ui_push(s->ui, &case_screen, id);
	}
	return RUN_HANDLED | RUN_REDRAW;
}

const struct screen_ops search_screen = {
	.title = "Search",
	.id = SCREEN_SEARCH,
	.open = search_open,
	.reload = search_reload,
	.draw = search_draw,
	.command = search_command,
	.close = search_close,
	.key = search_key,
};
