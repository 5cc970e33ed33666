/* Keyset paging for the desk's lists.
 *
 * A list screen keeps one page of rows and the key of its first row, and
 * reads pages by keyset through its indexes: "from this key on", "after
 * this key", "before this key".  The pager holds the page and the moves
 * (one row, a page, the first and last rows) and asks the screen only to
 * fetch; so no list ever loads a whole table and page 100 costs what page
 * 1 costs. */
#ifndef CAREDESK_UI_PAGER_H
#define CAREDESK_UI_PAGER_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/ui.h"

enum pager_fetch {
	PAGER_FROM,	/* rows with key >= the given one, in order */
	PAGER_AFTER,	/* rows with key > the given one, in order */
	PAGER_BEFORE,	/* the rows just before the given key, returned in order */
};

struct pager {
	size_t row_size;
	/* Fill `out` with up to `limit` rows, in list order; return how many.
	 * A NULL key means from the very start (FROM) or the very end
	 * (BEFORE). */
	int (*fetch)(struct screen *s, enum pager_fetch how, const void *key, int limit, void *out);
	const char *(*id_of)(const void *row);	/* a row's record id */
	char *rows;		/* owned: the page */
	int count, cap, sel;
	char *top;		/* owned: key of the first row shown; NULL: the start */
	bool at_start;
};

void pager_init(struct pager *p, size_t row_size,
		int (*fetch)(struct screen *, enum pager_fetch, const void *, int, void *),
		const char *(*id_of)(const void *));
void pager_free(struct pager *p);

/* Read the page from the top key on, keeping the row with id keep_id (may
 * be NULL) selected if it is still there; `rows` rows fit the screen. */
void pager_load(struct screen *s, struct pager *p, int rows, const char *keep_id);

/* The data changed: read the page again, keeping the selected record. */
void pager_reload(struct screen *s, struct pager *p, int rows);

/* Rows a list page has on this screen (at least one). */
int pager_rows(const struct ui *ui);

/* Back to the start (after a filter changed). */
void pager_rewind(struct pager *p);

/* The moves; each returns ACT_* flags. */
int pager_step(struct screen *s, struct pager *p, int rows, int delta);
int pager_page(struct screen *s, struct pager *p, int rows, bool down);
int pager_jump(struct screen *s, struct pager *p, int rows, bool last);

void *pager_row(const struct pager *p, int i);
const void *pager_selected(const struct pager *p);	/* NULL when empty */

#endif
