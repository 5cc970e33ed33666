/* What the sync agent knows, kept in the replica (sync_state) for the desk
 * and caredesk sync status to read.  Written only when a value changes:
 * every write wakes every open desk's data_version poll. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/central_uri.h"
#include "caredesk/sync_state.h"
#include "replica/internal.h"
#include "replica/lookup.h"

int sync_state_get(struct replica *r, const char *key, char *out, size_t size)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT value FROM sync_state WHERE key = ?1");
	int rc = 1;

	if (size)
		out[0] = '\0';
	bind_text(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (size)
			column_copy(st, 0, out, size);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

int sync_state_set(struct replica *r, const char *key, const char *value, struct cd_error *err)
{
	char old[1024];
	sqlite3_stmt *st;

	if (sync_state_get(r, key, old, sizeof(old)) == 0 && strcmp(old, value) == 0)
		return 0;
	st = replica_stmt(r, "INSERT INTO sync_state (key, value) VALUES (?1, ?2) "
			     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	return stmt_run(r, st, err, "saving the sync state");
}

int sync_central_uri(struct replica *r, char *out, size_t size)
{
	return replica_meta_get(r, "central_uri", out, size) == 0 && out[0] ? 0 : 1;
}

int sync_change_central(struct replica *r, const char *uri, struct cd_error *err)
{
	if (require_permission(r, PERM_CENTRAL_SET, NULL, err))
		return -1;
	return sync_set_central_uri(r, uri, err);
}

/* The address is checked here as well as where it is used, and every
 * change is an audit event: the address decides where every record goes. */
int sync_set_central_uri(struct replica *r, const char *uri, struct cd_error *err)
{
	if (central_uri_check(uri, err) || txn_begin(r, "central.set", err))
		return -1;
	if (replica_meta_set(r, "central_uri", uri, err) ||
	    audit_append(r, "central.set", "replica_meta", "central_uri", uri, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

static long count(struct replica *r, const char *sql)
{
	sqlite3_stmt *st = replica_stmt(r, sql);
	long n = 0;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

int sync_status_read(struct replica *r, struct sync_status *s)
{
	char cursor[32];

	memset(s, 0, sizeof(*s));
	s->configured = sync_central_uri(r, s->central, sizeof(s->central)) == 0;
	sync_state_get(r, "last_success", s->last_success, sizeof(s->last_success));
	sync_state_get(r, "offline_since", s->offline_since, sizeof(s->offline_since));
	sync_state_get(r, "last_error", s->last_error, sizeof(s->last_error));
	if (sync_state_get(r, "cursor", cursor, sizeof(cursor)) == 0)
		s->cursor = strtoll(cursor, NULL, 10);
	s->waiting = count(r, "SELECT count(*) FROM outbox");
	s->conflicts = count(r, "SELECT count(*) FROM sync_conflict WHERE status = 'open'");
	s->rejects = count(r, "SELECT count(*) FROM sync_reject");
	s->parked = count(r, "SELECT count(*) FROM sync_parked");
	s->archived = count(r, "SELECT count(*) FROM sync_archived");
	return 0;
}
