/* Action transactions.
 *
 * One user action is one SQLite transaction and one sync unit.  It starts
 * with BEGIN IMMEDIATE (take the write lock now, so a busy replica makes us
 * wait at the start rather than fail halfway) and the txn_context row the
 * capture triggers read; it ends by deleting that row and committing, so a
 * txn_context row is never visible outside its own transaction.
 *
 * An action begun inside another is a savepoint: if it fails, only its own
 * writes are undone and the outer action decides what to do (an import
 * skips the bad row and carries on; an allocation gives up as a whole). */
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "replica/internal.h"

/* Nested actions are savepoints.  The statements are cached per depth, as
 * a bulk load (the generator) runs millions of them. */
#define SAVEPOINT_DEPTH_MAX 8

static const char *const savepoint_sql[3][SAVEPOINT_DEPTH_MAX + 1] = {
	{ "", "", "SAVEPOINT a2", "SAVEPOINT a3", "SAVEPOINT a4", "SAVEPOINT a5",
	  "SAVEPOINT a6", "SAVEPOINT a7", "SAVEPOINT a8" },
	{ "", "", "RELEASE a2", "RELEASE a3", "RELEASE a4", "RELEASE a5", "RELEASE a6",
	  "RELEASE a7", "RELEASE a8" },
	{ "", "", "ROLLBACK TO a2", "ROLLBACK TO a3", "ROLLBACK TO a4", "ROLLBACK TO a5",
	  "ROLLBACK TO a6", "ROLLBACK TO a7", "ROLLBACK TO a8" },
};

enum savepoint_verb { SP_BEGIN, SP_RELEASE, SP_ROLLBACK };

static int savepoint(struct replica *r, enum savepoint_verb verb, int depth, struct cd_error *err)
{
	if (depth >= 2 && depth <= SAVEPOINT_DEPTH_MAX)
		return stmt_run(r, replica_stmt(r, savepoint_sql[verb][depth]), err, "nested write");
	cd_die("actions nested %d deep", depth);
}

static int begin(struct replica *r, const char *action, int capture, struct cd_error *err)
{
	char txn_id[UUID_STR_LEN];
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	if (r->txn_depth > 0) {
		if (!r->bulk && savepoint(r, SP_BEGIN, r->txn_depth + 1, err))
			return -1;
		r->txn_depth++;
		return 0;
	}
	if (r->bulk && capture)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL,
				    "%s: a bulk load has no capture triggers; begin it uncaptured", action);
	/* A write to a file deleted or replaced under us would go to an inode
	 * no one will read again: the worker is told, and their form kept. */
	if (replica_file_check(r, err))
		return -1;
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return replica_sql_error(r, err, "starting a write");
	id_new(&r->ids, txn_id);
	replica_now_iso(r, now);
	st = replica_stmt(r, "INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, "
			     "capture) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)");
	bind_text(st, 1, txn_id);
	bind_text(st, 2, r->actor.worker_login[0] ? r->actor.worker_login : r->actor.login);
	bind_text(st, 3, action);
	sqlite3_bind_int(st, 4, r->schema_version);
	bind_text(st, 5, now);
	sqlite3_bind_int(st, 6, capture);
	if (stmt_run(r, st, err, "starting a write")) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	r->txn_depth = 1;
	return 0;
}

int txn_begin(struct replica *r, const char *action, struct cd_error *err)
{
	return begin(r, action, 1, err);
}

int txn_begin_uncaptured(struct replica *r, const char *action, struct cd_error *err)
{
	return begin(r, action, 0, err);
}

int txn_commit(struct replica *r, struct cd_error *err)
{
	if (r->txn_depth <= 0)
		cd_die("txn_commit without txn_begin");
	if (r->txn_depth > 1) {
		if (!r->bulk && savepoint(r, SP_RELEASE, r->txn_depth, err)) {
			txn_rollback(r);
			return -1;
		}
		r->txn_depth--;
		return 0;
	}
	r->txn_depth = 0;
	if (stmt_run(r, replica_stmt(r, "DELETE FROM txn_context"), err, "finishing a write") ||
	    sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		replica_sql_error(r, err, "saving");
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void txn_rollback(struct replica *r)
{
	if (r->txn_depth <= 0)
		return;
	if (r->txn_depth > 1 && !r->bulk) {
		if (savepoint(r, SP_ROLLBACK, r->txn_depth, NULL) == 0 &&
		    savepoint(r, SP_RELEASE, r->txn_depth, NULL) == 0) {
			r->txn_depth--;
			return;
		}
	}
	r->txn_depth = 0;
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
}
