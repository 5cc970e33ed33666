/* The list driver (see list.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/list.h"

void list_init(struct list *l, const struct list_source *src)
{
	memset(l, 0, sizeof(*l));
	l->src = src;
	l->top = cd_calloc(1, src->row_size);
	l->at_start = true;
}

void list_free(struct list *l)
{
	free(l->rows);
	free(l->top);
	l->rows = l->top = NULL;
	l->count = l->cap = 0;
}

static const char *id_of(const struct list *l, const void *row)
{
	return (const char *)row + l->src->id_offset;
}

void *list_row(const struct list *l, int i)
{
	return l->rows + (size_t)i * l->src->row_size;
}

const void *list_selected(const struct list *l)
{
	return l->count && !l->failed[0] ? list_row(l, l->sel) : NULL;
}

static int shown(const struct screen *s, const struct list *l)
{
	int n = l->src->page_rows ? l->src->page_rows(s) : layout_list_rows(s->ui->rows);

	return n > 0 ? n : 1;
}

static void ensure(struct list *l, int n)
{
	if (n <= l->cap)
		return;
	l->rows = cd_realloc(l->rows, (size_t)n * l->src->row_size);
	l->cap = n;
}

static void set_top(struct list *l, const void *row)
{
	memcpy(l->top, row, l->src->row_size);
	l->at_start = false;
}

/* A read failed: say so where the rows were and on the status line, and
 * keep the page as it was (a failure is never an empty list). */
static void failed(struct screen *s, struct list *l, const struct cd_error *err)
{
	snprintf(l->failed, sizeof(l->failed), "%s", err->msg);
	ui_error(s->ui, err);
}

/* --- lists held whole ------------------------------------------------- */

static int index_of(const struct list *l, const char *rows, int n, const void *key)
{
	for (int i = 0; key && i < n; i++)
		if (strcmp(id_of(l, rows + (size_t)i * l->src->row_size), id_of(l, key)) == 0)
			return i;
	return -1;
}

static int array_fetch(struct screen *s, const struct list *l, enum page_dir dir, const void *key,
		       int limit, void *out)
{
	int n = 0;
	const char *rows = l->src->array(s, &n);
	int at = key ? index_of(l, rows, n, key) : dir == PAGE_BEFORE ? n : 0;
	int from, to;

	/* A key no longer in the array (the list changed): nothing from it. */
	if (at < 0)
		return 0;
	if (dir == PAGE_BEFORE) {
		to = at;
		from = to - limit > 0 ? to - limit : 0;
	} else {
		from = dir == PAGE_AFTER ? at + 1 : at;
		to = from + limit < n ? from + limit : n;
	}
	if (to <= from)
		return 0;
	memcpy(out, rows + (size_t)from * l->src->row_size, (size_t)(to - from) * l->src->row_size);
	return to - from;
}

/* Rows before key (NULL: rows in all). */
static long array_count(struct screen *s, const struct list *l, const void *key)
{
	int n = 0;
	const char *rows = l->src->array(s, &n);
	int at = key ? index_of(l, rows, n, key) : n;

	return at < 0 ? 0 : at;
}

/* --- reading ---------------------------------------------------------- */

static int fetch(struct screen *s, struct list *l, enum page_dir dir, const void *key, int limit,
		 void *out)
{
	struct cd_error err;
	int n;

	if (!l->src->keyset)
		return array_fetch(s, l, dir, key, limit, out);
	cd_error_clear(&err);
	n = keyset_page(s->ui->r, l->src->keyset, l->filter, dir, key, limit, out, &err);
	if (n < 0)
		failed(s, l, &err);
	return n;
}

static long count(struct screen *s, const struct list *l, const void *key, struct cd_error *err)
{
	if (!l->src->keyset)
		return array_count(s, l, key);
	return keyset_count(s->ui->r, l->src->keyset, l->filter, key, err);
}

/* Where the page is in the whole list, for "n of m". */
static void count_position(struct screen *s, struct list *l)
{
	struct cd_error err;

	cd_error_clear(&err);
	l->total = count(s, l, NULL, &err);
	if (l->count == 0 || l->at_start)
		l->before = 0;
	else if (l->total >= 0)
		l->before = count(s, l, l->top, &err);
	if (l->total < 0 || l->before < 0) {
		l->total = l->before = -1;
		if (err.msg[0])
			failed(s, l, &err);
	}
}

/* Read the page from the top key on, keeping the row with id keep_id (may
 * be NULL) selected if it is still there. */
static void load(struct screen *s, struct list *l, const char *keep_id)
{
	int rows = shown(s, l);
	char *fresh;
	int n;

	ensure(l, rows);
	fresh = cd_calloc((size_t)rows, l->src->row_size);
	n = fetch(s, l, PAGE_FROM, l->at_start ? NULL : l->top, rows, fresh);
	/* Everything from the top on went away: show the last page. */
	if (n == 0 && !l->at_start)
		n = fetch(s, l, PAGE_BEFORE, NULL, rows, fresh);
	if (n < 0) {
		free(fresh);
		return;
	}
	l->failed[0] = '\0';
	memcpy(l->rows, fresh, (size_t)n * l->src->row_size);
	free(fresh);
	l->count = n;
	/* A page read from the very start stays there, so a row that arrives
	 * ahead of the first one (an older referral imported, an earlier
	 * review) is shown when the page is read again. */
	if (l->count) {
		bool start = l->at_start;

		set_top(l, list_row(l, 0));
		l->at_start = start;
	}
	for (int i = 0; keep_id && i < l->count; i++)
		if (strcmp(id_of(l, list_row(l, i)), keep_id) == 0)
			l->sel = i;
	if (l->sel >= l->count)
		l->sel = l->count ? l->count - 1 : 0;
	count_position(s, l);
}

/* The selected record was pushed off the page (rows arrived above it):
 * if it is still where its key says, show the page that ends with it. */
static void follow_selected(struct screen *s, struct list *l, const void *was, const char *keep)
{
	int rows = shown(s, l);
	char *buf = cd_calloc((size_t)rows, l->src->row_size);

	if (fetch(s, l, PAGE_FROM, was, 1, buf) == 1 && strcmp(id_of(l, buf), keep) == 0) {
		if (rows > 1 && fetch(s, l, PAGE_BEFORE, was, rows - 1, buf) > 0)
			set_top(l, buf);
		else
			set_top(l, was);
		load(s, l, keep);
	}
	free(buf);
}

/* The selected row as last read, even while a read has failed (the page
 * is kept), so the selection survives a failure. */
static const void *held(const struct list *l)
{
	return l->count ? list_row(l, l->sel) : NULL;
}

void list_reload(struct screen *s, struct list *l)
{
	const void *sel = held(l);
	char keep[UUID_STR_LEN] = "";
	char *was = NULL;

	if (sel) {
		snprintf(keep, sizeof(keep), "%s", id_of(l, sel));
		/* A copy: loading the page overwrites the rows. */
		was = cd_malloc(l->src->row_size);
		memcpy(was, sel, l->src->row_size);
	}
	load(s, l, keep[0] ? keep : NULL);
	sel = list_selected(l);
	if (was && !l->failed[0] && (!sel || strcmp(id_of(l, sel), keep) != 0))
		follow_selected(s, l, was, keep);
	free(was);
}

void list_restart(struct screen *s, struct list *l)
{
	l->at_start = true;
	list_reload(s, l);
}

void list_rewind(struct screen *s, struct list *l)
{
	l->at_start = true;
	l->sel = 0;
	load(s, l, NULL);
}

static int step(struct screen *s, struct list *l, int delta)
{
	int rows = shown(s, l);
	char *one;
	char keep[UUID_STR_LEN];

	if (l->count == 0)
		return RUN_HANDLED;
	if (l->sel + delta >= 0 && l->sel + delta < l->count) {
		l->sel += delta;
		return RUN_HANDLED | RUN_REDRAW;
	}
	one = cd_malloc(l->src->row_size);
	if (delta > 0 && l->count == rows &&
	    fetch(s, l, PAGE_AFTER, list_row(l, l->count - 1), 1, one) == 1) {
		snprintf(keep, sizeof(keep), "%s", id_of(l, one));
		set_top(l, list_row(l, 1));
		load(s, l, keep);
	} else if (delta < 0 && fetch(s, l, PAGE_BEFORE, l->top, 1, one) == 1) {
		snprintf(keep, sizeof(keep), "%s", id_of(l, one));
		set_top(l, one);
		load(s, l, keep);
	}
	free(one);
	return RUN_HANDLED | RUN_REDRAW;
}

static int page(struct screen *s, struct list *l, bool down)
{
	int rows = shown(s, l);
	char *buf;
	int got;

	if (l->count == 0)
		return RUN_HANDLED;
	buf = cd_calloc((size_t)rows, l->src->row_size);
	got = down ? fetch(s, l, PAGE_AFTER, list_row(l, l->count - 1), rows, buf)
		   : fetch(s, l, PAGE_BEFORE, l->top, rows, buf);
	if (got > 0) {
		/* The selection keeps its place on the screen, as the rows
		 * under it change by a page. */
		int offset = l->sel;

		set_top(l, buf);
		load(s, l, NULL);
		l->sel = offset < l->count ? offset : l->count - 1;
	} else if (got == 0) {
		/* Already on the last (first) page: go to its last (first) row. */
		l->sel = down ? l->count - 1 : 0;
	}
	free(buf);
	return RUN_HANDLED | RUN_REDRAW;
}

static int jump(struct screen *s, struct list *l, bool last)
{
	int rows = shown(s, l);
	char *buf;
	int n;

	if (!last) {
		list_rewind(s, l);
		return RUN_HANDLED | RUN_REDRAW;
	}
	buf = cd_calloc((size_t)rows, l->src->row_size);
	n = fetch(s, l, PAGE_BEFORE, NULL, rows, buf);
	if (n > 0) {
		set_top(l, buf);
		load(s, l, NULL);
		l->sel = l->count ? l->count - 1 : 0;
	}
	free(buf);
	return RUN_HANDLED | RUN_REDRAW;
}

int list_command(struct screen *s, struct list *l, enum command a)
{
	bool move = a == CMD_MOVE_DOWN || a == CMD_MOVE_UP || a == CMD_PAGE_DOWN ||
		    a == CMD_PAGE_UP || a == CMD_FIRST || a == CMD_LAST;

	/* Nothing to move over: a move tries the read again instead. */
	if (move && l->failed[0]) {
		list_reload(s, l);
		return RUN_HANDLED | RUN_REDRAW;
	}
	switch (a) {
	case CMD_MOVE_DOWN: return step(s, l, 1);
	case CMD_MOVE_UP: return step(s, l, -1);
	case CMD_PAGE_DOWN: return page(s, l, true);
	case CMD_PAGE_UP: return page(s, l, false);
	case CMD_FIRST: return jump(s, l, false);
	case CMD_LAST: return jump(s, l, true);
	default: return 0;
	}
}

/* The rest of the list area under the rows: the selected row in full, or
 * blank lines when nothing is selected. */
static void draw_detail_pane(struct screen *s, struct list *l, WINDOW *w, int y)
{
	struct ui *ui = s->ui;
	int end = 2 + layout_list_rows(ui->rows);
	const void *sel = list_selected(l);

	if (sel)
		l->src->draw_detail(s, w, y, end - y, sel);
	else
		for (int i = y; i < end; i++)
			draw_text(ui, w, i, 0, ui->cols, "", A_NORMAL);
}

void list_draw(struct screen *s, struct list *l, WINDOW *w, int y)
{
	struct ui *ui = s->ui;
	int rows = shown(s, l);

	for (int i = 0; i < rows; i++) {
		if (l->failed[0]) {
			char line[600];

			snprintf(line, sizeof(line), " Could not read this list: %s", l->failed);
			draw_text(ui, w, y + i, 0, ui->cols, i == 0 ? line : "", A_NORMAL);
		} else if (i < l->count) {
			l->src->draw_row(s, w, y + i, list_row(l, i), i == l->sel);
		} else {
			draw_text(ui, w, y + i, 0, ui->cols, i == 0 && l->count == 0 ? l->src->empty : "",
				  A_NORMAL);
		}
	}
	if (l->src->draw_detail)
		draw_detail_pane(s, l, w, y + rows);
	ui_cursor(ui, y + (l->count && !l->failed[0] ? l->sel : 0), 0);
}

void list_position(const struct list *l, char *out, size_t size)
{
	if (l->count == 0 || l->failed[0])
		snprintf(out, size, "%s", "");
	else if (l->before < 0 || l->total < 0)
		snprintf(out, size, "%d of %d", l->sel + 1, l->count);
	else
		snprintf(out, size, "%ld of %ld", l->before + l->sel + 1, l->total);
}
