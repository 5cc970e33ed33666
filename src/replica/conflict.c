/* Resolving a conflict: a manager (or an admin) chooses which of the two
 * values a field keeps.  One action: the record gets the chosen value (if
 * it does not hold it already), the conflict is marked resolved with who,
 * when and what, and the audit trail says so; all of it is captured and
 * syncs like any other change. */
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/sync_rows.h"
#include "replica/internal.h"
#include "replica/lookup.h"

struct conflict {
	char tbl[64], row_id[UUID_STR_LEN + 8], field[64], status[16], locality[CODE_MAX];
	char *kept, *other;	/* JSON values, owned */
};

static int load_conflict(struct replica *r, const char *id, struct conflict *c,
			 struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT tbl, row_id, field, status, kept_value, "
					   "other_value, locality FROM sync_conflict WHERE id = ?1");
	int found;

	memset(c, 0, sizeof(*c));
	bind_text(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, c->tbl, sizeof(c->tbl));
		column_copy(st, 1, c->row_id, sizeof(c->row_id));
		column_copy(st, 2, c->field, sizeof(c->field));
		column_copy(st, 3, c->status, sizeof(c->status));
		c->kept = cd_strdup(sqlite3_column_type(st, 4) == SQLITE_NULL ? "null" :
				    (const char *)sqlite3_column_text(st, 4));
		c->other = cd_strdup(sqlite3_column_type(st, 5) == SQLITE_NULL ? "null" :
				     (const char *)sqlite3_column_text(st, 5));
		column_copy(st, 6, c->locality, sizeof(c->locality));
	}
	sqlite3_reset(st);
	return found ? 0 : cd_error_set(err, CD_EX_NOINPUT, "conflict", "no conflict %s", id);
}

/* {"field": value} for sync_row_patch; the value is JSON already. */
static int set_field(struct replica *r, const struct sync_table_def *t, const struct conflict *c,
		     const char *value, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT json_object(?1, json(?2))");
	char now[ISO_INSTANT_LEN];
	char *patch = NULL;
	int rc;

	bind_text(st, 1, c->field);
	bind_text(st, 2, value);
	if (sqlite3_step(st) == SQLITE_ROW)
		patch = cd_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (!patch)
		return cd_error_set(err, CD_EX_DATAERR, "conflict", "the value is not JSON");
	replica_now_iso(r, now);
	rc = sync_row_patch(r, t, c->row_id, patch, err) ||
	     sync_row_bump(r, t, c->row_id, now, err) ? -1 : 0;
	free(patch);
	return rc;
}

static int mark_resolved(struct replica *r, const char *id, const char *value,
			 struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st = replica_stmt(r,
		"UPDATE sync_conflict SET status = 'resolved', chosen_value = ?2, resolved_by = ?3, "
		"resolved_at = ?4, updated_at = ?4, version = version + 1 WHERE id = ?1");

	replica_now_iso(r, now);
	bind_text(st, 1, id);
	bind_text(st, 2, value);
	bind_text(st, 3, r->actor.worker_login);
	bind_text(st, 4, now);
	return stmt_run(r, st, err, "resolving the conflict");
}

static int resolve(struct replica *r, const char *id, const struct conflict *c,
		   const char *keep, struct cd_error *err)
{
	const struct sync_table_def *t = sync_table_find(r, c->tbl);
	const char *value = strcmp(keep, "kept") == 0 ? c->kept : c->other;
	char *current = NULL, detail[160];
	int rc;

	if (!t || !sync_table_column(t, c->field))
		return cd_error_set(err, CD_EX_DATAERR, "conflict", "%s.%s is not a synced field here",
				    c->tbl, c->field);
	rc = sync_row_json(r, t, c->row_id, &current, err);
	if (rc)
		return rc < 0 ? -1 : cd_error_set(err, CD_EX_NOINPUT, "conflict",
						  "the %s it is about is not on this replica", c->tbl);
	free(current);
	if (txn_begin(r, "conflict.resolve", err))
		return -1;
	snprintf(detail, sizeof(detail), "%s.%s: %s value", c->tbl, c->field, keep);
	if (set_field(r, t, c, value, err) || mark_resolved(r, id, value, err) ||
	    audit_append(r, "conflict.resolve", "sync_conflict", id, detail, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int conflict_resolve(struct replica *r, const char *id, const char *keep, struct cd_error *err)
{
	struct conflict c;
	struct perm_target where = { 0 };
	int rc;

	if (strcmp(keep, "kept") != 0 && strcmp(keep, "other") != 0)
		return cd_error_set(err, CD_EX_USAGE, "keep", "say kept (central's value) or other");
	/* Whether the worker may resolve any conflict, then this one: it is in
	 * the locality of the record it is about. */
	if (require_permission(r, PERM_CONFLICT_RESOLVE, NULL, err) || load_conflict(r, id, &c, err))
		return -1;
	where.locality = c.locality;
	if (require_permission(r, PERM_CONFLICT_RESOLVE, &where, err))
		rc = -1;
	else if (strcmp(c.status, "open") != 0)
		rc = cd_error_set(err, CD_EX_DATAERR, "conflict", "conflict %s is already resolved", id);
	else
		rc = resolve(r, id, &c, keep, err);
	free(c.kept);
	free(c.other);
	return rc;
}
