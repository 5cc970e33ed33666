/* Relationships between people, for whole-family working.  A link is
 * stored once, in the direction given ("A is parent of B"); the case view
 * reads both directions. */
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "replica/internal.h"

static const char *const kinds[] = { "parent", "child", "sibling", "carer", "cared-for",
				     "household-member", "partner" };

static int kind_valid(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

int relationship_link(struct replica *r, const char *person_id, const char *related_id,
		      const char *kind, char id_out[UUID_STR_LEN], struct cd_error *err)
{
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	if (!kind || !kind_valid(kind))
		return cd_error_set(err, CD_EX_DATAERR, "kind",
				    "'%s' is not a relationship (parent, child, sibling, carer, "
				    "cared-for, household-member, partner)", kind ? kind : "");
	if (strcmp(person_id, related_id) == 0)
		return cd_error_set(err, CD_EX_DATAERR, "related", "a person cannot be linked to themself");
	if (action_begin(r, "relationship.link", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO relationship (id, person_id, related_id, kind, created_at, updated_at, "
		"version, locality) SELECT ?1, p.id, q.id, ?4, ?5, ?5, 1, p.locality "
		"FROM person p, person q WHERE p.id = ?2 AND q.id = ?3");
	bind_text(st, 1, id);
	bind_text(st, 2, person_id);
	bind_text(st, 3, related_id);
	bind_text(st, 4, kind);
	bind_text(st, 5, now);
	if (stmt_run(r, st, err, "linking the people"))
		goto fail;
	if (sqlite3_changes(r->db) == 0) {
		cd_error_set(err, CD_EX_NOINPUT, "person", "no such person (%s or %s)", person_id,
			     related_id);
		goto fail;
	}
	if (audit_append(r, "relationship.link", "relationship", id, kind, err))
		goto fail;
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return action_commit(r, err);
fail:
	action_rollback(r);
	return -1;
}
