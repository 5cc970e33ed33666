/* The desk's case view reads (see record_view.h). */
#include <stdio.h>

#include "caredesk/record_view.h"
#include "replica/access_sql.h"
#include "replica/internal.h"
#include "replica/keyset.h"

static const char *const sql_header =
	"SELECT " SQL_PERSON_FAMILY("p") ", " SQL_PERSON_GIVEN("p") ", " SQL_PERSON_NHS("p") ", "
	"p.date_of_birth, p.locality, " SQL_PERSON_POSTCODE("p") ", p.restricted "
	"FROM person p WHERE p.id = ?1";
static const char *const sql_flags =
	"SELECT type FROM flag WHERE person_id = ?1 AND end_date IS NULL ORDER BY type";
static const char *const sql_referrals =
	"SELECT id, received_at, status, coalesce(priority, '-'), category, team FROM referral "
	"WHERE person_id = ?1 AND (status = 'new' OR status = 'triaged') "
	"ORDER BY decision_due_at LIMIT ?2";
static const char *const sql_cases =
	"SELECT c.team, coalesce(w.login, 'unallocated'), coalesce(c.next_review, '-') "
	"FROM care_case c LEFT JOIN worker w ON w.id = c.allocated_to "
	"WHERE c.person_id = ?1 AND c.closed_at IS NULL ORDER BY c.opened_at LIMIT ?2";
static const char *const sql_family =
	"SELECT CASE WHEN l.person_id = ?1 THEN l.kind ELSE 'related (' || l.kind || ')' END, "
	SQL_PERSON_NAME("p") " "
	"FROM relationship l JOIN person p ON p.id = CASE WHEN l.person_id = ?1 "
	"THEN l.related_id ELSE l.person_id END "
	"WHERE l.person_id = ?1 OR l.related_id = ?1 LIMIT ?2";

#define NOTE_SELECT \
	"SELECT n.rowid, n.created_at, n.kind, coalesce(w.login, '?'), n.body, n.id " \
	"FROM note n LEFT JOIN worker w ON w.id = n.author WHERE n.person_id = ?1 "
/* Newest first: "from" and "after" read down the index, "before" up it. */
static const char *const sql_notes[] = {
	[PAGE_FROM] = NOTE_SELECT "AND (n.created_at, n.rowid) <= (?2, ?3) "
		      "ORDER BY n.created_at DESC, n.rowid DESC LIMIT ?4",
	[PAGE_AFTER] = NOTE_SELECT "AND (n.created_at, n.rowid) < (?2, ?3) "
		       "ORDER BY n.created_at DESC, n.rowid DESC LIMIT ?4",
	[PAGE_BEFORE] = NOTE_SELECT "AND (n.created_at, n.rowid) > (?2, ?3) "
			"ORDER BY n.created_at, n.rowid LIMIT ?4",
};
static const char *const sql_note_count = "SELECT count(*) FROM note WHERE person_id = ?1";
static const char *const sql_notes_newer =
	"SELECT count(*) FROM note WHERE person_id = ?1 AND (created_at, rowid) > (?2, ?3)";

int person_header_read(struct replica *r, const char *person_id, struct person_header *out,
		       struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_header, err);
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, person_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		column_copy(st, 0, out->family, sizeof(out->family));
		column_copy(st, 1, out->given, sizeof(out->given));
		column_copy(st, 2, out->nhs, sizeof(out->nhs));
		column_copy(st, 3, out->dob, sizeof(out->dob));
		column_copy(st, 4, out->locality, sizeof(out->locality));
		column_copy(st, 5, out->postcode, sizeof(out->postcode));
		out->restricted = sqlite3_column_int(st, 6) != 0;
	}
	if (read_failed(r, st, rc, err, "the person's record"))
		return -1;
	return rc == SQLITE_ROW;
}

int person_flags_read(struct replica *r, const char *person_id, char *out, size_t size,
		      struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_flags, err);
	size_t used = 0;
	int rc = SQLITE_DONE;

	out[0] = '\0';
	if (!st)
		return -1;
	bind_text(st, 1, person_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && used + 2 < size) {
		int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
				 (const char *)sqlite3_column_text(st, 0));

		used = n > 0 && (size_t)n < size - used ? used + (size_t)n : size - 1;
	}
	return read_failed(r, st, rc, err, "the person's flags") ? -1 : 0;
}

static void read_referral_line(sqlite3_stmt *st, void *row)
{
	struct open_referral_line *l = row;

	column_copy(st, 0, l->id, sizeof(l->id));
	column_copy(st, 1, l->received, sizeof(l->received));
	column_copy(st, 2, l->status, sizeof(l->status));
	column_copy(st, 3, l->priority, sizeof(l->priority));
	column_copy(st, 4, l->category, sizeof(l->category));
	column_copy(st, 5, l->team, sizeof(l->team));
}

int person_open_referrals(struct replica *r, const char *person_id,
			  struct open_referral_line *out, int max, struct cd_error *err)
{
	static const struct rows_about q = { sql_referrals, "the person's referrals",
					     sizeof(*out), read_referral_line };

	return read_rows_about(r, &q, person_id, out, max, err);
}

static void read_case_line(sqlite3_stmt *st, void *row)
{
	struct open_case_line *l = row;

	column_copy(st, 0, l->team, sizeof(l->team));
	column_copy(st, 1, l->worker, sizeof(l->worker));
	column_copy(st, 2, l->next_review, sizeof(l->next_review));
}

int person_open_cases(struct replica *r, const char *person_id, struct open_case_line *out,
		      int max, struct cd_error *err)
{
	static const struct rows_about q = { sql_cases, "the person's cases", sizeof(*out),
					     read_case_line };

	return read_rows_about(r, &q, person_id, out, max, err);
}

static void read_family_line(sqlite3_stmt *st, void *row)
{
	struct family_line *l = row;

	column_copy(st, 0, l->kind, sizeof(l->kind));
	column_copy(st, 1, l->name, sizeof(l->name));
}

int person_family(struct replica *r, const char *person_id, struct family_line *out, int max,
		  struct cd_error *err)
{
	static const struct rows_about q = { sql_family, "the person's family", sizeof(*out),
					     read_family_line };

	return read_rows_about(r, &q, person_id, out, max, err);
}

static const char *notes_page_sql(const void *filter, enum page_dir dir)
{
	(void)filter;
	return sql_notes[dir];
}

static const char *notes_count_sql(const void *filter, bool before)
{
	(void)filter;
	return before ? sql_notes_newer : sql_note_count;
}

/* No key: from the newest ("~" after every instant), or back from the
 * oldest ("" before them all). */
static void bind_note_key(sqlite3_stmt *st, enum page_dir dir, const void *key)
{
	const struct note_row *k = key;

	bind_text(st, 2, k ? k->at : dir == PAGE_BEFORE ? "" : "~");
	sqlite3_bind_int64(st, 3, k ? k->rowid : dir == PAGE_BEFORE ? 0 : INT64_MAX);
}

static void bind_person(sqlite3_stmt *st, const void *filter, int limit)
{
	bind_text(st, 1, filter);
	sqlite3_bind_int(st, 4, limit);
}

static void read_note(sqlite3_stmt *st, void *out)
{
	struct note_row *row = out;

	row->rowid = sqlite3_column_int64(st, 0);
	column_copy(st, 1, row->at, sizeof(row->at));
	column_copy(st, 2, row->kind, sizeof(row->kind));
	column_copy(st, 3, row->author, sizeof(row->author));
	column_copy(st, 4, row->body, sizeof(row->body));
	column_copy(st, 5, row->id, sizeof(row->id));
}

const struct keyset chronology_keyset = {
	.what = "the chronology",
	.row_size = sizeof(struct note_row),
	.page_sql = notes_page_sql,
	.count_sql = notes_count_sql,
	.bind_key = bind_note_key,
	.bind_filter = bind_person,
	.read_row = read_note,
};
