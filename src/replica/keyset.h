/* What describes one keyset list (see caredesk/keyset.h); the lists'
 * files define one each. */
#ifndef CAREDESK_REPLICA_KEYSET_H
#define CAREDESK_REPLICA_KEYSET_H

#include <sqlite3.h>
#include <stdbool.h>

#include "caredesk/keyset.h"

struct keyset {
	const char *what;	/* "the referral queue", for error messages */
	size_t row_size;
	/* The statement for a page in direction dir, or for a count (of the
	 * rows before a key, or of all), under this filter. */
	const char *(*page_sql)(const void *filter, enum page_dir dir);
	const char *(*count_sql)(const void *filter, bool before);
	/* Bind a key's ordering columns, or the edge a NULL key stands for
	 * in direction dir. */
	void (*bind_key)(sqlite3_stmt *st, enum page_dir dir, const void *key);
	/* Bind the filter, and the row limit of a page statement. */
	void (*bind_filter)(sqlite3_stmt *st, const void *filter, int limit);
	void (*read_row)(sqlite3_stmt *st, void *row);
};

#endif
