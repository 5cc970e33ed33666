/* The list driver: every list on the desk moves the same way.
 *
 * A list screen supplies how to read its rows (a keyset page reader, see
 * caredesk/page.h, or an array it holds whole), how many rows it shows,
 * and how to draw one row.  The driver owns the rest: the page of rows,
 * the selection, moving a row, a page, to the first and the last; keeping
 * the selected record (by id) selected when the data changes; "n of m" for
 * the header; the empty and failed states; and the terminal cursor, left
 * on the selected row so that a screen reader or braille display follows
 * the selection.  So a key does the same thing on every list, and paging
 * pages by what is shown. */
#ifndef CAREDESK_UI_LIST_H
#define CAREDESK_UI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "caredesk/page.h"
#include "ui/ui.h"

struct list;

struct list_source {
	size_t row_size;
	/* Fill out with up to limit rows around key (NULL: the start or the
	 * end) in list order; how many, or -1 with err. */
	int (*fetch)(struct screen *s, enum page_dir dir, const void *key, int limit, void *out,
		     struct cd_error *err);
	const char *(*id_of)(const void *row);	/* a row's record id */
	/* Rows before key, and in all, for "n of m" (-1 with err). */
	long (*rows_before)(struct screen *s, const void *key, struct cd_error *err);
	long (*total)(struct screen *s, struct cd_error *err);
	/* Rows shown on this screen now (at least one). */
	int (*page_rows)(const struct screen *s);
	void (*draw_row)(struct screen *s, WINDOW *w, int y, const void *row, bool selected);
	const char *empty;	/* what an empty list says */
};

struct list {
	const struct list_source *src;
	char *rows;		/* owned: the page */
	int count, cap, sel;
	char *top;		/* owned: key of the first row shown */
	bool at_start;		/* the page is read from the very start */
	long before, total;	/* rows above the page, rows in all */
	char failed[512];	/* the last read's error, shown instead of the rows */
};

void list_init(struct list *l, const struct list_source *src);
void list_free(struct list *l);

/* The data changed: read the page again, keeping the selected record
 * selected (and in view) when it is still there. */
void list_reload(struct screen *s, struct list *l);
/* The same kind of rows read afresh from the start (my cases or my team's),
 * keeping the selected record selected when it is there too. */
void list_restart(struct screen *s, struct list *l);
/* Back to the first row (after a filter changed). */
void list_rewind(struct screen *s, struct list *l);

/* The moves (MOVE_UP/DOWN, PAGE_UP/DOWN, FIRST, LAST): ACT_* flags, or
 * 0 for any other action. */
int list_action(struct screen *s, struct list *l, enum action a);

/* Draw the page from row y; the cursor goes on the selected row. */
void list_draw(struct screen *s, struct list *l, WINDOW *w, int y);

/* "3 of 41" (or "" when empty) for the header. */
void list_position(const struct list *l, char *out, size_t size);

const void *list_selected(const struct list *l);	/* NULL when empty */
void *list_row(const struct list *l, int i);

/* A fetch over rows held in memory (an array of n rows of the source's
 * size, in list order), for lists read whole. */
int list_array_fetch(const struct list_source *src, const void *rows, int n, enum page_dir dir,
		     const void *key, int limit, void *out);
/* Rows before key in such an array. */
long list_array_before(const struct list_source *src, const void *rows, int n, const void *key);

#endif
