/* The desk's short lists (see desk_lists.h). */
#include <stdio.h>
#include <stdlib.h>

#include "caredesk/desk_lists.h"
#include "caredesk/query.h"
#include "replica/access_sql.h"
#include "replica/internal.h"

static const char *const sql_handover =
	"SELECT h.id, h.priority, h.created_at, coalesce(w.login, '?'), " SQL_HANDOVER_TEXT("h.situation")
	", " SQL_HANDOVER_TEXT("h.background") ", " SQL_HANDOVER_TEXT("h.assessment") ", "
	SQL_HANDOVER_TEXT("h.recommendation") ", "
	"(SELECT group_concat(aw.login, ', ') FROM handover_ack a JOIN worker aw ON aw.id = a.worker_id "
	" WHERE a.item_id = h.id), "
	"(SELECT " SQL_PERSON_NAME("p") " FROM person p WHERE p.id = h.person_id), "
	"EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id AND a.worker_id = ?2), "
	"(SELECT group_concat(login || ': ' || readback, '; ') FROM (SELECT aw.login, a.readback "
	" FROM handover_ack a JOIN worker aw ON aw.id = a.worker_id WHERE a.item_id = h.id "
	" ORDER BY a.acked_at, aw.login)) "
	"FROM handover_item h LEFT JOIN worker w ON w.id = h.author "
	"WHERE h.team = ?1 AND (NOT EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id) "
	"OR h.created_at >= ?3) AND " SQL_NOT_ARCHIVED("handover_item", "h.id") " "
	"ORDER BY EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id), h.created_at, h.id "
	"LIMIT ?4";

static void read_handover(sqlite3_stmt *st, struct handover_row *row)
{
	column_copy(st, 0, row->id, sizeof(row->id));
	column_copy(st, 1, row->priority, sizeof(row->priority));
	column_copy(st, 2, row->at, sizeof(row->at));
	column_copy(st, 3, row->author, sizeof(row->author));
	for (int k = 0; k < 4; k++)
		column_copy(st, 4 + k, row->sbar[k], sizeof(row->sbar[k]));
	column_copy(st, 8, row->acked, sizeof(row->acked));
	column_copy(st, 9, row->person, sizeof(row->person));
	row->mine = sqlite3_column_int(st, 10) != 0;
	column_copy(st, 11, row->readbacks, sizeof(row->readbacks));
}

int handover_rows(struct replica *r, const char *team, const char *worker_id, const char *since,
		  struct handover_row *out, int max, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_handover, err);
	int n = 0, rc = SQLITE_DONE;

	if (!st)
		return -1;
	bind_text(st, 1, team);
	bind_text(st, 2, worker_id);
	bind_text(st, 3, since);
	sqlite3_bind_int(st, 4, max);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_handover(st, &out[n++]);
	return read_failed(r, st, rc, err, "the handover") ? -1 : n;
}

/* The one definition of "to acknowledge" (issue 14, defect 12): items
 * addressed to the worker's team, not written by them, that nobody has
 * acknowledged yet. */
static const char *const sql_to_acknowledge =
	"SELECT count(*) FROM handover_item h WHERE h.team = ?1 AND h.author IS NOT ?2 "
	"AND NOT EXISTS (SELECT 1 FROM handover_ack a WHERE a.item_id = h.id) "
	"AND " SQL_NOT_ARCHIVED("handover_item", "h.id");

int handover_to_acknowledge(struct replica *r, long *out, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_to_acknowledge, err);
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, r->actor.team);
	bind_text(st, 2, r->actor.worker_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(st, 0);
	return read_failed(r, st, rc, err, "the handover count") ? -1 : 0;
}

/* A value as JSON text: SQL NULL is the JSON null. */
static void copy_as_json(sqlite3_stmt *st, int i, char *out, size_t size)
{
	bool null = sqlite3_column_type(st, i) == SQLITE_NULL;

	column_copy(st, i, out, size);
	if (null)
		snprintf(out, size, "%s", "null");
}

/* The listing's columns by position (query.c, conflict_cols). */
enum conflict_col { C_ID, C_ROW, C_TBL, C_FIELD, C_KEPT, C_KEPT_WORKER, C_KEPT_AT, C_OTHER, C_OTHER_WORKER,
       C_OTHER_AT, C_KIND };

static void read_conflict(sqlite3_stmt *st, struct conflict_row *row)
{
	column_copy(st, C_ID, row->id, sizeof(row->id));
	column_copy(st, C_TBL, row->tbl, sizeof(row->tbl));
	column_copy(st, C_ROW, row->row_id, sizeof(row->row_id));
	column_copy(st, C_FIELD, row->field, sizeof(row->field));
	copy_as_json(st, C_KEPT, row->kept, sizeof(row->kept));
	column_copy(st, C_KEPT_WORKER, row->kept_worker, sizeof(row->kept_worker));
	column_copy(st, C_KEPT_AT, row->kept_at, sizeof(row->kept_at));
	copy_as_json(st, C_OTHER, row->other, sizeof(row->other));
	column_copy(st, C_OTHER_WORKER, row->other_worker, sizeof(row->other_worker));
	column_copy(st, C_OTHER_AT, row->other_at, sizeof(row->other_at));
	column_copy(st, C_KIND, row->kind, sizeof(row->kind));
}

/* One definition of "the open conflicts" for the desk and the command:
 * the statement is built from the command's listing each time (the list
 * is read only when the data changed, and is short). */
int conflict_rows(struct replica *r, struct conflict_row *out, int max, struct cd_error *err)
{
	char *sql = listing_sql(conflict_listing(false), LISTING_COLUMNS);
	sqlite3_stmt *st = NULL;
	int n = 0, rc;

	rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return replica_sql_error(r, err, "the conflicts");
	}
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_conflict(st, &out[n++]);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		n = replica_sql_error(r, err, "the conflicts");
	sqlite3_finalize(st);
	return n;
}
