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
