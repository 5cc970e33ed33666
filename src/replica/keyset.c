/* The one keyset reader (see caredesk/keyset.h). */
#include "replica/internal.h"
#include "replica/keyset.h"

int keyset_page(struct replica *r, const struct keyset *k, const void *filter, enum page_dir dir,
		const void *key, int limit, void *out, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, k->page_sql(filter, dir), err);
	char *rows = out;
	int n = 0, rc = SQLITE_DONE;

	if (!st)
		return -1;
	k->bind_key(st, dir, key);
	k->bind_filter(st, filter, limit);
	while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
		k->read_row(st, rows + (size_t)n++ * k->row_size);
	if (read_failed(r, st, rc, err, k->what))
		return -1;
	/* A page before the key is read backwards through the index. */
	if (dir == PAGE_BEFORE)
		page_reverse(out, n, k->row_size);
	return n;
}

long keyset_count(struct replica *r, const struct keyset *k, const void *filter, const void *key,
		  struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, k->count_sql(filter, key != NULL), err);
	long n;
	int rc;

	if (!st)
		return -1;
	if (key)
		k->bind_key(st, PAGE_FROM, key);
	k->bind_filter(st, filter, 0);
	rc = sqlite3_step(st);
	n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	return read_failed(r, st, rc, err, k->what) ? -1 : n;
}
