/* The desk's referral queue (see referral_queue.h). */
#include <stdio.h>

#include "caredesk/query.h"
#include "caredesk/referral_queue.h"
#include "replica/access_sql.h"
#include "replica/internal.h"
#include "replica/keyset.h"

/* Open, matching the filters ?3..?6, not moved away. */
#define QUEUE_WHERE \
	"WHERE (f.status = 'new' OR f.status = 'triaged') " \
	"AND (?3 IS NULL OR coalesce(f.priority, 'none') = ?3) AND (?4 IS NULL OR f.category = ?4) " \
	"AND (?5 IS NULL OR f.team = ?5) AND (?6 = 0 OR f.safeguarding = 1) " \
	"AND " SQL_NOT_ARCHIVED("referral", "f.id") " "
#define QUEUE_SELECT \
	"SELECT f.id, f.received_at, f.decision_due_at, f.priority, " SQL_PERSON_FAMILY("p") ", " \
	SQL_PERSON_GIVEN("p") ", p.date_of_birth, f.source, f.category, f.safeguarding, f.person_id " \
	"FROM referral f JOIN person p ON p.id = f.person_id " QUEUE_WHERE

static const char *const sql_page[] = {
	[PAGE_FROM] = QUEUE_SELECT "AND (f.decision_due_at, f.id) >= (?1, ?2) "
		      "ORDER BY f.decision_due_at, f.id LIMIT ?7",
	[PAGE_AFTER] = QUEUE_SELECT "AND (f.decision_due_at, f.id) > (?1, ?2) "
		       "ORDER BY f.decision_due_at, f.id LIMIT ?7",
	[PAGE_BEFORE] = QUEUE_SELECT "AND (f.decision_due_at, f.id) < (?1, ?2) "
			"ORDER BY f.decision_due_at DESC, f.id DESC LIMIT ?7",
};
static const char *const sql_before =
	"SELECT count(*) FROM referral f " QUEUE_WHERE "AND (f.decision_due_at, f.id) < (?1, ?2)";
static const char *const sql_count =
	"SELECT count(*) FROM referral f " QUEUE_WHERE "AND ?1 IS NULL AND ?2 IS NULL";
static const char *const sql_counts =
	"SELECT count(*), coalesce(sum(status = 'new'), 0), "
	"coalesce(sum(decision_due_at < ?1), 0), "
	"coalesce(sum(decision_due_at >= ?1 AND decision_due_at < ?2), 0) "
	"FROM referral WHERE (status = 'new' OR status = 'triaged') AND "
	SQL_NOT_ARCHIVED("referral", "referral.id");
static const char *const sql_category_after =
	"SELECT code FROM category_code WHERE code > ?1 ORDER BY code LIMIT 1";

static const char *page_sql(const void *filter, enum page_dir dir)
{
	(void)filter;
	return sql_page[dir];
}

static const char *count_sql(const void *filter, bool before)
{
	(void)filter;
	return before ? sql_before : sql_count;
}

/* Due times are ISO instants: "" sorts before all of them, "~" after. */
static void bind_key(sqlite3_stmt *st, enum page_dir dir, const void *key)
{
	const struct queue_row *k = key;

	bind_text(st, 1, k ? k->due : dir == PAGE_BEFORE ? "~" : "");
	bind_text(st, 2, k ? k->id : "");
}

static void bind_filter(sqlite3_stmt *st, const void *filter, int limit)
{
	const struct queue_filter *f = filter;

	bind_text_or_null(st, 3, f->priority);
	bind_text_or_null(st, 4, f->category);
	bind_text_or_null(st, 5, f->team);
	sqlite3_bind_int(st, 6, f->safeguarding);
	sqlite3_bind_int(st, 7, limit);
}

static void read_row(sqlite3_stmt *st, void *out)
{
	struct queue_row *row = out;

	column_copy(st, 0, row->id, sizeof(row->id));
	column_copy(st, 1, row->received, sizeof(row->received));
	column_copy(st, 2, row->due, sizeof(row->due));
	column_copy(st, 3, row->priority, sizeof(row->priority));
	column_copy(st, 4, row->family, sizeof(row->family));
	column_copy(st, 5, row->given, sizeof(row->given));
	column_copy(st, 6, row->dob, sizeof(row->dob));
	column_copy(st, 7, row->source, sizeof(row->source));
	column_copy(st, 8, row->category, sizeof(row->category));
	row->safeguarding = sqlite3_column_int(st, 9);
	column_copy(st, 10, row->person_id, sizeof(row->person_id));
}

const struct keyset referral_queue_keyset = {
	.what = "the referral queue",
	.row_size = sizeof(struct queue_row),
	.page_sql = page_sql,
	.count_sql = count_sql,
	.bind_key = bind_key,
	.bind_filter = bind_filter,
	.read_row = read_row,
};

int queue_counts(struct replica *r, const char *now, const char *tomorrow,
		 struct queue_counts *out, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_counts, err);
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, now);
	bind_text(st, 2, tomorrow);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->open = (long)sqlite3_column_int64(st, 0);
		out->new_count = (long)sqlite3_column_int64(st, 1);
		out->overdue = (long)sqlite3_column_int64(st, 2);
		out->due_today = (long)sqlite3_column_int64(st, 3);
	}
	return read_failed(r, st, rc, err, "the queue's counts") ? -1 : 0;
}

int category_after(struct replica *r, const char *after, char *out, size_t size,
		   struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_category_after, err);
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, after);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		column_copy(st, 0, out, size);
	if (read_failed(r, st, rc, err, "the category codes"))
		return -1;
	return rc == SQLITE_ROW;
}
