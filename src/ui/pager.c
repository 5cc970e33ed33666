/* Keyset paging (see pager.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/pager.h"

void pager_init(struct pager *p, size_t row_size,
		int (*fetch)(struct screen *, enum pager_fetch, const void *, int, void *),
		const char *(*id_of)(const void *))
{
	memset(p, 0, sizeof(*p));
	p->row_size = row_size;
	p->fetch = fetch;
	p->id_of = id_of;
	p->top = cd_calloc(1, row_size);
	p->at_start = true;
}

void pager_free(struct pager *p)
{
	free(p->rows);
	free(p->top);
	p->rows = p->top = NULL;
}

void *pager_row(const struct pager *p, int i)
{
	return p->rows + (size_t)i * p->row_size;
}

const void *pager_selected(const struct pager *p)
{
	return p->count ? pager_row(p, p->sel) : NULL;
}

static void ensure(struct pager *p, int n)
{
	if (n <= p->cap)
		return;
	p->rows = cd_realloc(p->rows, (size_t)n * p->row_size);
	p->cap = n;
}

static void set_top(struct pager *p, const void *row)
{
	memcpy(p->top, row, p->row_size);
	p->at_start = false;
}

void pager_rewind(struct pager *p)
{
	p->at_start = true;
	p->sel = 0;
}

void pager_load(struct screen *s, struct pager *p, int rows, const char *keep_id)
{
	ensure(p, rows);
	p->count = p->fetch(s, PAGER_FROM, p->at_start ? NULL : p->top, rows, p->rows);
	/* Everything from the top on went away: show the last page. */
	if (p->count == 0 && !p->at_start)
		p->count = p->fetch(s, PAGER_BEFORE, NULL, rows, p->rows);
	/* A page read from the very start stays there, so a row that arrives
	 * ahead of the first one (an older referral imported, an earlier
	 * review) is shown when the page is read again. */
	if (p->count) {
		bool start = p->at_start;

		set_top(p, pager_row(p, 0));
		p->at_start = start;
	}
	for (int i = 0; keep_id && i < p->count; i++)
		if (strcmp(p->id_of(pager_row(p, i)), keep_id) == 0)
			p->sel = i;
	if (p->sel >= p->count)
		p->sel = p->count ? p->count - 1 : 0;
}

int pager_step(struct screen *s, struct pager *p, int rows, int delta)
{
	char *one;
	char keep[UUID_STR_LEN];

	if (p->count == 0)
		return ACT_HANDLED;
	if (p->sel + delta >= 0 && p->sel + delta < p->count) {
		p->sel += delta;
		return ACT_HANDLED | ACT_REDRAW;
	}
	one = cd_malloc(p->row_size);
	if (delta > 0 && p->count == rows &&
	    p->fetch(s, PAGER_AFTER, pager_row(p, p->count - 1), 1, one) == 1) {
		snprintf(keep, sizeof(keep), "%s", p->id_of(one));
		set_top(p, pager_row(p, 1));
		pager_load(s, p, rows, keep);
	} else if (delta < 0 && p->fetch(s, PAGER_BEFORE, p->top, 1, one) == 1) {
		snprintf(keep, sizeof(keep), "%s", p->id_of(one));
		set_top(p, one);
		pager_load(s, p, rows, keep);
	}
	free(one);
	return ACT_HANDLED | ACT_REDRAW;
}

int pager_page(struct screen *s, struct pager *p, int rows, bool down)
{
	char *buf;
	int got;

	if (p->count == 0)
		return ACT_HANDLED;
	buf = cd_calloc((size_t)rows, p->row_size);
	got = down ? p->fetch(s, PAGER_AFTER, pager_row(p, p->count - 1), rows, buf)
		   : p->fetch(s, PAGER_BEFORE, p->top, rows, buf);
	if (got > 0) {
		set_top(p, buf);
		pager_load(s, p, rows, NULL);
		p->sel = down ? 0 : p->count - 1;
	} else {
		p->sel = down ? p->count - 1 : 0;
	}
	free(buf);
	return ACT_HANDLED | ACT_REDRAW;
}

int pager_jump(struct screen *s, struct pager *p, int rows, bool last)
{
	if (!last) {
		pager_rewind(p);
		pager_load(s, p, rows, NULL);
		return ACT_HANDLED | ACT_REDRAW;
	}
	ensure(p, rows);
	p->count = p->fetch(s, PAGER_BEFORE, NULL, rows, p->rows);
	if (p->count)
		set_top(p, pager_row(p, 0));
	p->sel = p->count ? p->count - 1 : 0;
	return ACT_HANDLED | ACT_REDRAW;
}

/* The selected record was pushed off the page (rows arrived above it):
 * if it is still where its key says, show the page that ends with it. */
static void follow_selected(struct screen *s, struct pager *p, int rows, const void *was,
			    const char *keep)
{
	char *buf = cd_calloc((size_t)rows, p->row_size);

	if (p->fetch(s, PAGER_FROM, was, 1, buf) == 1 && strcmp(p->id_of(buf), keep) == 0) {
		if (rows > 1 && p->fetch(s, PAGER_BEFORE, was, rows - 1, buf) > 0)
			set_top(p, buf);
		else
			set_top(p, was);
		pager_load(s, p, rows, keep);
	}
	free(buf);
}

void pager_reload(struct screen *s, struct pager *p, int rows)
{
	const void *sel = pager_selected(p);
	char keep[UUID_STR_LEN] = "";
	char *was = NULL;

	if (sel) {
		snprintf(keep, sizeof(keep), "%s", p->id_of(sel));
		/* A copy: loading the page overwrites the rows. */
		was = cd_malloc(p->row_size);
		memcpy(was, sel, p->row_size);
	}
	pager_load(s, p, rows, keep[0] ? keep : NULL);
	sel = pager_selected(p);
	if (was && (!sel || strcmp(p->id_of(sel), keep) != 0))
		follow_selected(s, p, rows, was, keep);
	free(was);
}

int pager_rows(const struct ui *ui)
{
	int n = layout_list_rows(ui->rows);

	return n > 0 ? n : 1;
}
