/* A replica's own settings (replica_meta: its identity and locality,
 * central's address) and the making of a new replica (replica_init).
 *
 * replica_meta refuses a write without a txn_context row (migration 10),
 * as the synced tables do, so every write here is inside an action: the
 * caller's, or one of its own.  Kept apart from replica.c, which the
 * actions of txn.c use, so that the two do not use each other. */
#include <stdio.h>

#include "caredesk/datetime.h"
#include "caredesk/replica.h"
#include "replica/internal.h"

/* In the caller's action, or one of its own: not captured, as the
 * settings are local, never synced. */
int replica_meta_set(struct replica *r, const char *key, const char *value, struct cd_error *err)
{
	sqlite3_stmt *st;

	if (txn_begin_uncaptured(r, "replica.setting", err))
		return -1;
	st = replica_stmt(r, "INSERT INTO replica_meta (key, value) VALUES (?1, ?2) "
			     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	if (stmt_run(r, st, err, "saving replica setting")) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int replica_init(struct replica *r, const char *locality, struct cd_error *err)
{
	char id[UUID_STR_LEN];
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;
	int known;

	if (r->replica_id[0])
		return cd_error_set(err, CD_EX_CANTCREAT, NULL, "%s is already a replica for %s",
				    r->path, r->locality);
	/* An action like any other: replica_meta takes no write without one. */
	if (txn_begin_uncaptured(r, "replica.init", err))
		return -1;
	if (reference_load(r->db, err))
		goto fail;
	st = replica_stmt(r, "SELECT 1 FROM locality WHERE code = ?1");
	bind_text(st, 1, locality);
	known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!known) {
		cd_error_set(err, CD_EX_USAGE, "locality",
			     "unknown locality '%s' (see data/localities.tsv)", locality);
		goto fail;
	}
	id_new(&r->ids, id);
	instant_format(replica_now(r), now);
	if (replica_meta_set(r, "replica_id", id, err) ||
	    replica_meta_set(r, "locality", locality, err) ||
	    replica_meta_set(r, "created_at", now, err) || txn_commit(r, err))
		goto fail;
	replica_load_identity(r);
	return 0;
fail:
	txn_rollback(r);
	return -1;
}
