/* Helpers shared by the replica's own files; not part of its interface. */
#ifndef CAREDESK_REPLICA_INTERNAL_H
#define CAREDESK_REPLICA_INTERNAL_H

#include <sqlite3.h>

#include "caredesk/replica.h"

/* Regenerate the guard, append-only and outbox capture triggers of every
 * table listed in sync_table (inside the caller's transaction). */
int capture_regenerate(sqlite3 *db, struct cd_error *err);
/* Drop them all (a bulk load, which capture_regenerate ends). */
int capture_drop(sqlite3 *db, struct cd_error *err);

/* Read the replica's id and locality from replica_meta into r. */
void replica_load_identity(struct replica *r);

/* Load localities, teams and code lists from data/ (upsert). */
int reference_load(sqlite3 *db, struct cd_error *err);

/* Bind helpers: NULL or "" binds SQL NULL for the _or_null variant. */
void bind_text(sqlite3_stmt *st, int i, const char *s);
void bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/* Run a prepared statement expecting no rows (SQLITE_DONE); -1 with err. */
int stmt_run(struct replica *r, sqlite3_stmt *st, struct cd_error *err, const char *what);

/* The current instant formatted for storage. */
void replica_now_iso(const struct replica *r, char out[21]);

/* Copy column i of the current row as text into out (NULL -> ""). */
void column_copy(sqlite3_stmt *st, int i, char *out, size_t size);

/* A short list about one record: sql takes the record's id as ?1 and the
 * row limit as ?2; read_row fills one row of row_size bytes.  Read into
 * out: how many rows, or -1 with err naming `what`. */
struct rows_about {
	const char *sql;
	const char *what;
	size_t row_size;
	void (*read_row)(sqlite3_stmt *st, void *row);
};
int read_rows_about(struct replica *r, const struct rows_about *q, const char *id, void *out,
		    int max, struct cd_error *err);

/* After the last sqlite3_step of a read (rc its result): reset st, and
 * true with err ("what: message") when that step failed rather than gave
 * a row or the end. */
int read_failed(struct replica *r, sqlite3_stmt *st, int rc, struct cd_error *err,
		const char *what);

#endif
