/* Shift handover: SBAR items from a worker to the next shift of their team,
 * and read-back acknowledgements appended by the receivers.  Items and
 * acknowledgements are both append-only. */
#include <stdbool.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/text.h"
#include "replica/internal.h"
#include "replica/lookup.h"

#define READBACK_MAX_BYTES 4000
/* A read-back says the handover back in the reader's own words: "ok" or
 * "seen" is not one (issue 14).  Counted in characters, not bytes. */
#define READBACK_MIN_WORDS 3
#define READBACK_MIN_CHARS 10

static bool readback_too_short(const char *text)
{
	int words = 0, chars = 0;
	bool in_word = false;

	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';

		if ((*p & 0xC0) != 0x80 && !space)
			chars++;
		if (!space && !in_word)
			words++;
		in_word = !space;
	}
	return words < READBACK_MIN_WORDS || chars < READBACK_MIN_CHARS;
}

static int check_link(struct replica *r, const char *sql, const char *id, const char *field,
		      struct cd_error *err)
{
	sqlite3_stmt *st;
	int found;

	if (!id || !*id)
		return 0;
	st = replica_stmt(r, sql);
	bind_text(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found ? 0 : cd_error_set(err, CD_EX_NOINPUT, field, "no %s %s", field, id);
}

int handover_add(struct replica *r, const struct handover_input *in, char id_out[UUID_STR_LEN],
		 struct cd_error *err)
{
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], locality[CODE_MAX];
	struct perm_target where = { 0 };
	enum priority p;
	sqlite3_stmt *st;

	/* The item is in the locality of the person (or case) it is about;
	 * one about neither is in the author's own. */
	if (lookup_person_locality(r, in->person_id, locality) == 0 ||
	    lookup_case_locality(r, in->case_id, locality) == 0)
		where.locality = locality;
	if (require_permission(r, PERM_HANDOVER_ADD, &where, err) || sbar_validate(&in->sbar, err))
		return -1;
	if (!in->priority || priority_parse(in->priority, &p))
		return cd_error_set(err, CD_EX_DATAERR, "priority", "'%s' is not red, amber or green",
				    in->priority ? in->priority : "");
	if (check_link(r, "SELECT 1 FROM person WHERE id = ?1", in->person_id, "person", err) ||
	    check_link(r, "SELECT 1 FROM care_case WHERE id = ?1", in->case_id, "case", err))
		return -1;
	if (txn_begin(r, "handover.add", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO handover_item (id, author, team, priority, situation, background, "
		"assessment, recommendation, person_id, case_id, created_at, locality) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
		"coalesce((SELECT locality FROM person WHERE id = ?9), "
		"(SELECT p.locality FROM care_case c JOIN person p ON p.id = c.person_id WHERE c.id = ?10), "
		"(SELECT locality FROM team WHERE code = ?3)))");
	bind_text(st, 1, id);
	bind_text(st, 2, r->actor.worker_id);
	bind_text(st, 3, r->actor.team);
	bind_text(st, 4, priority_name(p));
	bind_text(st, 5, in->sbar.situation);
	bind_text(st, 6, in->sbar.background);
	bind_text(st, 7, in->sbar.assessment);
	bind_text(st, 8, in->sbar.recommendation);
	bind_text_or_null(st, 9, in->person_id);
	bind_text_or_null(st, 10, in->case_id);
	bind_text(st, 11, now);
	if (stmt_run(r, st, err, "saving the handover item") ||
	    audit_append(r, "handover.add", "handover_item", id, priority_name(p), err)) {
		txn_rollback(r);
		return -1;
	}
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return txn_commit(r, err);
}

int handover_ack(struct replica *r, const char *item_id, const char *readback,
		 struct cd_error *err)
{
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN];
	struct record_scope scope;
	sqlite3_stmt *st;
	size_t n = readback ? strlen(readback) : 0;

	if (n > READBACK_MAX_BYTES || (n && !text_is_valid_utf8(readback, n)))
		return cd_error_set(err, CD_EX_DATAERR, "readback",
				    "must be UTF-8 text of at most %d bytes", READBACK_MAX_BYTES);
	if (check_link(r, "SELECT 1 FROM handover_item WHERE id = ?1", item_id, "handover item", err) ||
	    scope_of_handover(r, item_id, &scope) ||
	    require_permission(r, PERM_HANDOVER_ACK, &scope.target, err))
		return -1;
	if (readback_too_short(readback))
		return cd_error_set(err, CD_EX_DATAERR, "readback",
				    "say back what you understood: at least %d words and %d characters",
				    READBACK_MIN_WORDS, READBACK_MIN_CHARS);
	st = replica_stmt(r, "SELECT acked_at FROM handover_ack WHERE item_id = ?1 AND worker_id = ?2");
	bind_text(st, 1, item_id);
	bind_text(st, 2, r->actor.worker_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cd_error_set(err, CD_EX_DATAERR, "item", "you acknowledged this item at %s",
			     (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	if (txn_begin(r, "handover.ack", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO handover_ack (id, item_id, worker_id, readback, acked_at, created_at, "
		"locality) VALUES (?1, ?2, ?3, ?4, ?5, ?5, "
		"(SELECT locality FROM handover_item WHERE id = ?2))");
	bind_text(st, 1, id);
	bind_text(st, 2, item_id);
	bind_text(st, 3, r->actor.worker_id);
	bind_text(st, 4, readback ? readback : "");
	bind_text(st, 5, now);
	if (stmt_run(r, st, err, "saving the acknowledgement") ||
	    audit_append(r, "handover.ack", "handover_item", item_id, "", err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}
