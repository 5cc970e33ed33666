/* Read-only listings: the referral list, exports and summaries.
 *
 * A listing is a static description of columns (name, SQL expression,
 * kind) and the FROM clause that feeds them.  From it we build the query
 * for each output format: plain values for tables and CSV, one
 * json_object per row for JSON (SQLite's JSON functions do the quoting).
 * Only these static definitions go into SQL text; every value from a user
 * is a bound parameter. */
#ifndef CAREDESK_QUERY_H
#define CAREDESK_QUERY_H

#include <sqlite3.h>
#include <stdbool.h>

#include "caredesk/replica.h"

/* SQL: the record `col` of table `tbl` has not moved to a locality this
 * replica does not serve (sync_archived): the desk's lists leave such
 * records out, though they stay in their tables as last seen. */
#define SQL_NOT_ARCHIVED(tbl, col) \
	"NOT EXISTS (SELECT 1 FROM sync_archived arch WHERE arch.tbl = '" tbl "' " \
	"AND arch.row_id = " col ")"

enum col_kind {
	COL_TEXT,	/* text or NULL */
	COL_INT,	/* integer */
	COL_BOOL,	/* 0/1 stored; "yes"/"no" in CSV and tables, true/false in JSON */
};

struct column_def {
	const char *name;
	const char *expr;
	enum col_kind kind;
	int width;	/* columns in a table listing */
};

struct listing {
	const char *name;
	const struct column_def *cols;
	int ncols;
	const char *from;	/* "FROM ... [WHERE ...]", parameters ?1.. */
	const char *order;	/* "ORDER BY ..." */
};

enum listing_shape { LISTING_COLUMNS, LISTING_JSON_OBJECTS };

/* SQL text for the listing (owned by the caller: free()). */
char *listing_sql(const struct listing *l, enum listing_shape shape);

/* Export listings by the contract's table names (people, referrals, cases,
 * notes, handover, workers, teams, relationships, flags, audit); NULL if
 * unknown. */
const struct listing *export_listing(const char *table);
/* Before exporting `table`: CD_EX_NOPERM unless the actor may (people,
 * notes and the audit: administrators and auditors); those three are
 * recorded in the audit chain. */
int export_begin(struct replica *r, const char *table, struct cd_error *err);
const char *export_table_names(void);	/* "people, referrals, ..." */

/* The referral list (DESIGN 5 columns): open referrals (new or triaged),
 * or all of them.  Parameters: ?1 team or NULL, ?2 worker id for --mine or
 * NULL, ?4 today's local date (for the age group). */
const struct listing *referral_listing(bool all);

/* Conflicts kept for a person: the open ones, or all. */
const struct listing *conflict_listing(bool all);

/* One referral as referral show prints it; parameter ?1 is the id. */
const struct listing *referral_detail_listing(void);

#endif
