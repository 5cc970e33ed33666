/* Synced records as JSON rows, for the sync agent and the central store.
 *
 * A row travels as one JSON object of all its columns.  The SQL that reads
 * and writes rows is generated once per table from the schema (PRAGMA
 * table_info), like the capture triggers, so a column added by a migration
 * syncs without anyone remembering to.  Table and column names given by a
 * peer are looked up in that list and never reach SQL themselves; values
 * are always bound. */
#ifndef CAREDESK_SYNC_ROWS_H
#define CAREDESK_SYNC_ROWS_H

#include <stdbool.h>

#include "caredesk/replica.h"

struct sync_table_def;

/* The synced table called `name`, or NULL if there is none. */
const struct sync_table_def *sync_table_find(struct replica *r, const char *name);
bool sync_table_append_only(const struct sync_table_def *t);
bool sync_table_has_version(const struct sync_table_def *t);
const char *sync_table_name(const struct sync_table_def *t);
/* Its columns in table order: i from 0 to count - 1. */
int sync_table_column_count(const struct sync_table_def *t);
const char *sync_table_column_at(const struct sync_table_def *t, int i);
/* The column called `name` (its name as the schema spells it), or NULL. */
const char *sync_table_column(const struct sync_table_def *t, const char *name);

/* The record as a JSON object in *json (malloc'd, the caller's); 0 if
 * found, 1 if there is no such record, -1 on error. */
int sync_row_json(struct replica *r, const struct sync_table_def *t, const char *id,
		  char **json, struct cd_error *err);

/* Pull: store a row from central unless this replica has changes to it
 * still waiting to be pushed (they keep the local value) or already holds
 * this version or a newer one.  *stored says whether it was written.  Call
 * inside an uncaptured action. */
int sync_row_store(struct replica *r, const struct sync_table_def *t, const char *row_json,
		   bool *stored, struct cd_error *err);

/* Pull: a record central no longer has.  Kept if it has local changes. */
int sync_row_forget(struct replica *r, const struct sync_table_def *t, const char *id,
		    struct cd_error *err);

/* Central: insert a new record from a row object; CD_EX_DATAERR with the
 * rule it broke when the schema refuses it. */
int sync_row_insert(struct replica *r, const struct sync_table_def *t, const char *row_json,
		    struct cd_error *err);

/* Central: set the columns named in `patch_json` (a JSON object of
 * column: value) of a record in one statement. */
int sync_row_patch(struct replica *r, const struct sync_table_def *t, const char *id,
		   const char *patch_json, struct cd_error *err);

/* Central: after a record's columns were set, its version goes up by one
 * and updated_at becomes `at`. */
int sync_row_bump(struct replica *r, const struct sync_table_def *t, const char *id,
		  const char *at, struct cd_error *err);

/* Pull: one checkpoint's records, stored inside an uncaptured action.
 * Records arrive in central's order, which can put a record before one it
 * refers to (changed later, or outside this replica's scope).  store
 * stores a record whose references hold (as sync_row_store) and keeps the
 * others waiting; finish stores each waiting record once what it needs has
 * been stored, and parks the rest in sync_parked, so the checkpoint
 * commits with every reference holding and no record lost.  begin takes
 * back the records earlier pulls parked.  *parked counts them. */
struct sync_pull;
struct sync_pull *sync_pull_begin(struct replica *r, struct cd_error *err);
/* A record that moved to `moved_to`, a locality this replica does not
 * serve: kept as last seen, listed in sync_archived (the desk's lists
 * leave it out).  A record never held here is no concern of this replica.
 * A record stored by sync_pull_store comes off the list. */
int sync_pull_archive(struct sync_pull *p, const struct sync_table_def *t, const char *id,
		      const char *moved_to, struct cd_error *err);
int sync_pull_store(struct sync_pull *p, const struct sync_table_def *t, const char *id,
		    const char *row_json, bool *stored, struct cd_error *err);
int sync_pull_finish(struct sync_pull *p, long *parked, struct cd_error *err);
void sync_pull_free(struct sync_pull *p);

/* Make this replica file a central store holding its records: each gets
 * its place in central's order, parents first (the demo generates its
 * borough this way). */
int central_seed(struct replica *r, struct cd_error *err);

#endif
