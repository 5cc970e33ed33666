/* Pages of a list read by keyset.
 *
 * The desk never loads a whole table: each list reads the rows around a
 * key, through the index that orders it, so page 100 costs what page 1
 * costs.  A key is a row of the list (the columns it is ordered by are in
 * it); NULL means the very start (PAGE_FROM) or the very end
 * (PAGE_BEFORE).  Every reader fills `out` with rows in list order and
 * returns how many, or -1 with err when the query failed: a failure is
 * never an empty page. */
#ifndef CAREDESK_PAGE_H
#define CAREDESK_PAGE_H

#include <stddef.h>

enum page_dir {
	PAGE_FROM,	/* rows with key >= the given one, in order */
	PAGE_AFTER,	/* rows with key > the given one, in order */
	PAGE_BEFORE,	/* the rows just before the given key, returned in order */
};

/* Reverse n rows of `size` bytes in place: a PAGE_BEFORE query reads
 * backwards through the index and the caller wants list order. */
void page_reverse(void *rows, int n, size_t size);

#endif
