/* The audit trail: an append-only hash chain per origin.
 *
 * Each event's hash covers the previous event's hash from the same origin
 * (the replica that wrote it) and every field of the event, so removing,
 * reordering or editing an event breaks the chain that `caredesk check`
 * walks.  Chains are per origin because events pulled from other hosts
 * arrive interleaved with ours and must not break our chain or theirs.
 * Nested actions write one event: that of the outermost action. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/audit.h"
#include "caredesk/datetime.h"
#include "replica/internal.h"

void audit_hash(const struct audit_fields *f, char out[AUDIT_HASH_LEN])
{
	const char *parts[] = { f->prev_hash, f->id, f->origin, f->seq, f->at, f->actor, f->worker,
				f->action, f->tbl, f->record_id, f->detail, f->locality };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		cd_die("out of memory (hash context)");
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	/* A unit separator between fields keeps ("ab", "c") and ("a", "bc") apart. */
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
		EVP_DigestUpdate(ctx, "\x1f", 1);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int chain_tail(struct replica *r, long long *seq, char prev[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT seq, hash FROM audit_event WHERE origin = ?1 ORDER BY seq DESC LIMIT 1");

	bind_text(st, 1, r->replica_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		column_copy(st, 1, prev, AUDIT_HASH_LEN);
	} else {
		*seq = 0;
		snprintf(prev, AUDIT_HASH_LEN, "%s", AUDIT_ZERO_HASH);
	}
	sqlite3_reset(st);
	return 0;
}

int audit_append(struct replica *r, const char *action, const char *tbl, const char *record_id,
		 const char *detail, struct cd_error *err)
{
	char id[UUID_STR_LEN], at[ISO_INSTANT_LEN], seqs[24], prev[AUDIT_HASH_LEN];
	char hash[AUDIT_HASH_LEN];
	long long seq;
	struct audit_fields f;
	sqlite3_stmt *st;

	if (r->txn_depth != 1)
		return 0;
	chain_tail(r, &seq, prev);
	snprintf(seqs, sizeof(seqs), "%lld", seq + 1);
	id_new(&r->ids, id);
	replica_now_iso(r, at);
	f = (struct audit_fields){ .prev_hash = prev, .id = id, .origin = r->replica_id,
		.seq = seqs, .at = at, .actor = r->actor.login, .worker = r->actor.worker_login,
		.action = action, .tbl = tbl ? tbl : "", .record_id = record_id ? record_id : "",
		.detail = detail ? detail : "", .locality = r->locality };
	audit_hash(&f, hash);
	st = replica_stmt(r,
		"INSERT INTO audit_event (id, origin, seq, at, actor, worker, action, tbl, record_id, "
		"detail, prev_hash, hash, created_at, locality) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?4, ?13)");
	bind_text(st, 1, f.id);
	bind_text(st, 2, f.origin);
	sqlite3_bind_int64(st, 3, seq + 1);
	bind_text(st, 4, f.at);
	bind_text(st, 5, f.actor);
	bind_text(st, 6, f.worker);
	bind_text(st, 7, f.action);
	bind_text(st, 8, f.tbl);
	bind_text(st, 9, f.record_id);
	bind_text(st, 10, f.detail);
	bind_text(st, 11, f.prev_hash);
	bind_text(st, 12, hash);
	bind_text(st, 13, f.locality);
	return stmt_run(r, st, err, "writing the audit trail");
}

int audit_view(struct replica *r, const char *tbl, const char *record_id, struct cd_error *err)
{
	if (txn_begin(r, "view", err))
		return -1;
	if (audit_append(r, "view", tbl, record_id, "", err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}
