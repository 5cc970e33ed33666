/* Drafts: unsaved form contents kept when the terminal goes away (see
 * migration 4).  One per worker and kind, of up to DRAFT_FIELDS values;
 * taking a draft removes it. */
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "replica/internal.h"

int draft_save(struct replica *r, const char *kind, const char *record_id,
	       const char *const values[DRAFT_FIELDS], struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO draft (worker, kind, fields, saved_at, record_id) VALUES (?1, ?2, "
		"json_array(?3, ?4, ?5, ?6, ?7, ?8), ?9, ?10) "
		"ON CONFLICT (worker, kind, record_id) DO UPDATE SET fields = excluded.fields, "
		"saved_at = excluded.saved_at");
	bind_text(st, 1, r->actor.worker_login);
	bind_text(st, 2, kind);
	for (int i = 0; i < DRAFT_FIELDS; i++)
		bind_text(st, 3 + i, values[i] ? values[i] : "");
	bind_text(st, 9, now);
	bind_text(st, 10, record_id ? record_id : "");
	return stmt_run(r, st, err, "keeping a draft");
}

int draft_take(struct replica *r, const char *kind, const char *record_id,
	       char values[DRAFT_FIELDS][DRAFT_VALUE_MAX])
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT json_extract(fields, '$[0]'), json_extract(fields, '$[1]'), "
		"json_extract(fields, '$[2]'), json_extract(fields, '$[3]'), "
		"json_extract(fields, '$[4]'), json_extract(fields, '$[5]') "
		"FROM draft WHERE worker = ?1 AND kind = ?2 AND record_id = ?3");
	int found;

	bind_text(st, 1, r->actor.worker_login);
	bind_text(st, 2, kind);
	bind_text(st, 3, record_id ? record_id : "");
	found = sqlite3_step(st) == SQLITE_ROW;
	for (int i = 0; found && i < DRAFT_FIELDS; i++)
		column_copy(st, i, values[i], DRAFT_VALUE_MAX);
	sqlite3_reset(st);
	if (!found)
		return -1;
	st = replica_stmt(r, "DELETE FROM draft WHERE worker = ?1 AND kind = ?2 AND record_id = ?3");
	bind_text(st, 1, r->actor.worker_login);
	bind_text(st, 2, kind);
	bind_text(st, 3, record_id ? record_id : "");
	return stmt_run(r, st, NULL, "taking a draft") ? -1 : 0;
}
