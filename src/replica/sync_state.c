/* What the sync agent knows, kept in the replica (sync_state) for the desk
 * and caredesk sync status to read, and central's record of each audit
 * chain (audit_anchor) for caredesk check.  Written only when a value
 * changes: every write wakes every open desk's data_version poll. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/audit.h"
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

/* What central says comes from the network: its hash must look like the
 * ones audit_hash makes before check compares a chain with it. */
static bool is_hash(const char *s)
{
	size_t n = strlen(s);

	return n == AUDIT_HASH_LEN - 1 && strspn(s, "0123456789abcdef") == n;
}

static int anchor_refused(const char *origin, long long seq, const char *hash,
			  const char *central_id, struct cd_error *err)
{
	if (!origin[0] || !central_id[0])
		return cd_error_set(err, CD_EX_DATAERR, NULL,
				    "central's record of an audit chain names no %s",
				    origin[0] ? "central" : "origin");
	if (seq < 0 || (seq > 0 && !is_hash(hash)))
		return cd_error_set(err, CD_EX_DATAERR, NULL,
				    "central's record of the audit chain of %s is not an event "
				    "(seq %lld, hash '%.80s')", origin, seq, hash);
	return 0;
}

/* 1 and the stored seq and hash if this origin has an anchor from
 * central `central_id`, 0 if it has none (or one from another central). */
static int anchor_stored(struct replica *r, const char *origin, const char *central_id,
			 long long *seq, char hash[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT seq, hash FROM audit_anchor "
					   "WHERE origin = ?1 AND central = ?2");
	int found;

	bind_text(st, 1, origin);
	bind_text(st, 2, central_id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		*seq = sqlite3_column_int64(st, 0);
		column_copy(st, 1, hash, AUDIT_HASH_LEN);
	}
	sqlite3_reset(st);
	return found;
}

/* The upsert's WHERE keeps the rule in the statement too: an anchor only
 * moves forward, whatever was read before it. */
static int anchor_write(struct replica *r, const char *origin, long long seq, const char *hash,
			const char *central_id, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	if (txn_begin_uncaptured(r, "sync.anchor", err))
		return -1;
	replica_now_iso(r, now);
	st = replica_stmt(r, "INSERT INTO audit_anchor (origin, seq, hash, central, anchored_at) "
			     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (origin) DO UPDATE SET "
			     "seq = excluded.seq, hash = excluded.hash, central = excluded.central, "
			     "anchored_at = excluded.anchored_at WHERE excluded.seq >= audit_anchor.seq "
			     "OR excluded.central <> audit_anchor.central");
	bind_text(st, 1, origin);
	sqlite3_bind_int64(st, 2, seq);
	bind_text(st, 3, hash);
	bind_text(st, 4, central_id);
	bind_text(st, 5, now);
	if (stmt_run(r, st, err, "saving central's record of the audit chain")) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int sync_record_anchor(struct replica *r, const char *origin, long long seq, const char *hash,
		       const char *central_id, struct cd_error *err)
{
	char old_hash[AUDIT_HASH_LEN] = "";
	long long old_seq = 0;
	int known;

	if (anchor_refused(origin, seq, hash, central_id, err))
		return -1;
	/* A replica pointed at another central takes that central's record
	 * (from its own beginning); only the same central may not go back. */
	known = anchor_stored(r, origin, central_id, &old_seq, old_hash);
	if (known && seq < old_seq)
		return cd_error_set(err, CD_EX_DATAERR, NULL,
				    "central's record of the audit chain of %s went back from event "
				    "%lld to %lld: central lost events it held, or the record here "
				    "was changed; the record of %lld is kept", origin, old_seq, seq,
				    old_seq);
	/* Another hash for the same event is central's word against the
	 * file's, which anyone who can write the file could have changed:
	 * central's is stored, and check says if the chain differs from it. */
	if (seq == 0 || (known && seq == old_seq && strcmp(hash, old_hash) == 0))
		return 0;
	return anchor_write(r, origin, seq, hash, central_id, err);
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
