/* Relationships between people, for whole-family working.  A link is
 * stored once, in the direction given ("A is parent of B"); the case view
 * reads both directions. */
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "replica/internal.h"
#include "replica/lookup.h"

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
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], locality[CODE_MAX], related_locality[CODE_MAX];
	sqlite3_stmt *st;

	if (!kind || !kind_valid(kind))
		return cd_error_set(err, CD_EX_DATAERR, "kind",
				    "'%s' is not a relationship (parent, child, sibling, carer, "
				    "cared-for, household-member, partner)", kind ? kind : "");
	if (strcmp(person_id, related_id) == 0)
		return cd_error_set(err, CD_EX_DATAERR, "related", "a person cannot be linked to themself");
	if (lookup_person_locality(r, person_id, locality) ||
	    lookup_person_locality(r, related_id, related_locality))
		return cd_error_set(err, CD_EX_NOINPUT, "person", "no such person (%s or %s)",
				    person_id, related_id);
	if (txn_begin(r, "relationship.link", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO relationship (id, person_id, related_id, kind, created_at, updated_at, "
		"version, locality) VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1, ?6)");
	bind_text(st, 1, id);
	bind_text(st, 2, person_id);
	bind_text(st, 3, related_id);
	bind_text(st, 4, kind);
	bind_text(st, 5, now);
	bind_text(st, 6, locality);
	if (stmt_run(r, st, err, "linking the people") ||
	    audit_append(r, "relationship.link", "relationship", id, kind, err)) {
		txn_rollback(r);
		return -1;
	}
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return txn_commit(r, err);
}
