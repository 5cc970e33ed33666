/* The desk's caseload (see caseload.h). */
#include "caredesk/caseload.h"
#include "caredesk/query.h"
#include "replica/access_sql.h"
#include "replica/internal.h"
#include "replica/keyset.h"

#define CASELOAD_SELECT \
	"SELECT c.id, c.person_id, " SQL_PERSON_SORTNAME("p") ", p.date_of_birth, " \
	"(SELECT group_concat(type, ' ') FROM flag g WHERE g.person_id = p.id AND g.end_date IS NULL), " \
	"(SELECT max(n.created_at) FROM note n WHERE n.person_id = p.id), " \
	"coalesce(c.next_review, ''), coalesce(w.login, '-') " \
	"FROM care_case c JOIN person p ON p.id = c.person_id LEFT JOIN worker w ON w.id = c.allocated_to "
/* Two statements rather than one with a CASE: each uses its own index. */
#define MINE "WHERE c.allocated_to = ?3 AND c.closed_at IS NULL AND " LIVE
#define TEAM "WHERE c.team = ?3 AND c.closed_at IS NULL AND " LIVE
#define LIVE SQL_NOT_ARCHIVED("care_case", "c.id") " "
#define FORWARD(op) "AND (coalesce(c.next_review, ''), c.id) " op " (?1, ?2) " \
	"ORDER BY coalesce(c.next_review, ''), c.id LIMIT ?4"
#define BACKWARD "AND (coalesce(c.next_review, ''), c.id) < (?1, ?2) " \
	"ORDER BY coalesce(c.next_review, '') DESC, c.id DESC LIMIT ?4"
#define COUNT "SELECT count(*) FROM care_case c "
#define BEFORE "AND (coalesce(c.next_review, ''), c.id) < (?1, ?2)"

/* [team][direction] */
static const char *const sql_page[2][3] = {
	{ CASELOAD_SELECT MINE FORWARD(">="), CASELOAD_SELECT MINE FORWARD(">"),
	  CASELOAD_SELECT MINE BACKWARD },
	{ CASELOAD_SELECT TEAM FORWARD(">="), CASELOAD_SELECT TEAM FORWARD(">"),
	  CASELOAD_SELECT TEAM BACKWARD },
};
/* [team][before key] */
static const char *const sql_count[2][2] = {
	{ COUNT MINE, COUNT MINE BEFORE },
	{ COUNT TEAM, COUNT TEAM BEFORE },
};

static const char *page_sql(const void *filter, enum page_dir dir)
{
	return sql_page[((const struct caseload_owner *)filter)->team][dir];
}

static const char *count_sql(const void *filter, bool before)
{
	return sql_count[((const struct caseload_owner *)filter)->team][before];
}

/* Review dates: "" (none) sorts first, "~" after every date. */
static void bind_key(sqlite3_stmt *st, enum page_dir dir, const void *key)
{
	const struct case_row *k = key;

	bind_text(st, 1, k ? k->review : dir == PAGE_BEFORE ? "~" : "");
	bind_text(st, 2, k ? k->id : "");
}

static void bind_filter(sqlite3_stmt *st, const void *filter, int limit)
{
	bind_text(st, 3, ((const struct caseload_owner *)filter)->id);
	sqlite3_bind_int(st, 4, limit);
}

static void read_row(sqlite3_stmt *st, void *out)
{
	struct case_row *row = out;

	column_copy(st, 0, row->id, sizeof(row->id));
	column_copy(st, 1, row->person, sizeof(row->person));
	column_copy(st, 2, row->name, sizeof(row->name));
	column_copy(st, 3, row->dob, sizeof(row->dob));
	column_copy(st, 4, row->flags, sizeof(row->flags));
	column_copy(st, 5, row->last, sizeof(row->last));
	column_copy(st, 6, row->review, sizeof(row->review));
	column_copy(st, 7, row->worker, sizeof(row->worker));
}

const struct keyset caseload_keyset = {
	.what = "the caseload",
	.row_size = sizeof(struct case_row),
	.page_sql = page_sql,
	.count_sql = count_sql,
	.bind_key = bind_key,
	.bind_filter = bind_filter,
	.read_row = read_row,
};
