/* Reading rows for the desk: a step that failed is an error the caller
 * reports, never the end of the rows. */
#include "replica/internal.h"

int read_failed(struct replica *r, sqlite3_stmt *st, int rc, struct cd_error *err,
		const char *what)
{
	int failed = rc != SQLITE_ROW && rc != SQLITE_DONE;

	/* The message first: reset starts the statement over. */
	if (failed)
		replica_sql_error(r, err, what);
	sqlite3_reset(st);
	return failed;
}

int read_rows_about(struct replica *r, const struct rows_about *q, const char *id, void *out,
		    int max, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, q->sql, err);
	char *rows = out;
	int n = 0, rc = SQLITE_DONE;

	/* A statement first prepared after the schema broke fails here, not
	 * in the step: say what could not be read all the same. */
	if (!st)
		return replica_sql_error(r, err, q->what);
	bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, max);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		q->read_row(st, rows + (size_t)n++ * q->row_size);
	return read_failed(r, st, rc, err, q->what) ? -1 : n;
}
