/* The desk's caseload (see caseload.h). */
#include "caredesk/caseload.h"
#include "caredesk/query.h"
#include "replica/internal.h"

#define CASELOAD_SELECT \
	"SELECT c.id, c.person_id, p.family_name || ', ' || p.given_name, p.date_of_birth, " \
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

static void read_row(sqlite3_stmt *st, struct case_row *row)
{
	column_copy(st, 0, row->id, sizeof(row->id));
	column_copy(st, 1, row->person, sizeof(row->person));
	column_copy(st, 2, row->name, sizeof(row->name));
	column_copy(st, 3, row->dob, sizeof(row->dob));
	column_copy(st, 4, row->flags, sizeof(row->flags));
	column_copy(st, 5, row->last, sizeof(row->last));
	column_copy(st, 6, row->review, sizeof(row->review));
	column_copy(st, 7, row->worker, sizeof(row->worker));
}

int caseload_page(struct replica *r, const struct caseload_owner *o, enum page_dir dir,
		  const struct case_row *key, int limit, struct case_row *out,
		  struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_page[o->team][dir], err);
	int n = 0, rc = SQLITE_DONE;

	if (!st)
		return -1;
	/* Review dates: "" (none) sorts first, "~" after every date. */
	bind_text(st, 1, key ? key->review : dir == PAGE_BEFORE ? "~" : "");
	bind_text(st, 2, key ? key->id : "");
	bind_text(st, 3, o->id);
	sqlite3_bind_int(st, 4, limit);
	while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, &out[n++]);
	if (read_failed(r, st, rc, err, "the caseload"))
		return -1;
	if (dir == PAGE_BEFORE)
		page_reverse(out, n, sizeof(*out));
	return n;
}

static long count_cases(struct replica *r, const struct caseload_owner *o,
			const struct case_row *key, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_count[o->team][key != NULL], err);
	long n;
	int rc;

	if (!st)
		return -1;
	if (key) {
		bind_text(st, 1, key->review);
		bind_text(st, 2, key->id);
	}
	bind_text(st, 3, o->id);
	rc = sqlite3_step(st);
	n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	return read_failed(r, st, rc, err, "the caseload") ? -1 : n;
}

long caseload_count(struct replica *r, const struct caseload_owner *o, struct cd_error *err)
{
	return count_cases(r, o, NULL, err);
}

long caseload_rows_before(struct replica *r, const struct caseload_owner *o,
			  const struct case_row *key, struct cd_error *err)
{
	return count_cases(r, o, key, err);
}
