/* The list driver: every list on the desk moves the same way.
 *
 * A list screen supplies where its rows come from (a keyset list of the
 * replica with its filter, see caredesk/keyset.h, or an array it holds
 * whole) and how to draw one row.  The driver owns the rest: the page of rows,
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

#include "caredesk/keyset.h"
#include "ui/ui.h"

struct list;

struct list_source {
	size_t row_size;
	size_t id_offset;	/* where in a row its record id is */
	/* Where the rows come from: the replica, a page at a time by keyset
	 * (with the list's filter), or an array the screen holds whole (n
	 * rows in list order). */
	const struct keyset *keyset;
	const void *(*array)(struct screen *s, int *n);
	/* Rows shown (at least one); NULL: the screen's list area. */
	int (*page_rows)(const struct screen *s);
	void (*draw_row)(struct screen *s, WINDOW *w, int y, const void *row, bool selected);
	/* A list with a detail pane under its rows (handover, conflicts):
	 * draw the selected row in full in `rows` lines from y; NULL: none. */
	void (*draw_detail)(struct screen *s, WINDOW *w, int y, int rows, const void *row);
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
	const void *filter;	/* the keyset's filter (the screen's, borrowed) */
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

/* The moves (MOVE_UP/DOWN, PAGE_UP/DOWN, FIRST, LAST): RUN_* flags, or
 * 0 for any other command. */
int list_command(struct screen *s, struct list *l, enum command a);

/* Draw the page from row y, and the detail pane (if any) under it down to
 * the screen's list area; the cursor goes on the selected row. */
void list_draw(struct screen *s, struct list *l, WINDOW *w, int y);

/* "3 of 41" (or "" when empty) for the header. */
void list_position(const struct list *l, char *out, size_t size);

const void *list_selected(const struct list *l);	/* NULL when empty */
void *list_row(const struct list *l, int i);

#endif
