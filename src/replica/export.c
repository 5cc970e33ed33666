/* What `caredesk export TABLE` writes: one listing per contract name, with
 * a stable column order.  People are exported with NHS numbers as plain
 * digits; referrals carry the person's identifying fields beside person_id
 * (DESIGN 5).  Rows come out in key order, so the same replica always
 * exports the same bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "replica/access_sql.h"
#include "replica/internal.h"
#include "replica/lookup.h"

#define COLS(a) a, (int)(sizeof(a) / sizeof(a[0]))

static const struct column_def people_cols[] = {
	{ "id", "p.id", COL_TEXT, 0 },
	{ "nhs_number", SQL_PERSON_NHS("p"), COL_TEXT, 0 },
	{ "family_name", SQL_PERSON_FAMILY("p"), COL_TEXT, 0 },
	{ "given_name", SQL_PERSON_GIVEN("p"), COL_TEXT, 0 },
	{ "date_of_birth", "p.date_of_birth", COL_TEXT, 0 },
	{ "address", SQL_PERSON_ADDRESS("p"), COL_TEXT, 0 },
	{ "postcode", SQL_PERSON_POSTCODE("p"), COL_TEXT, 0 },
	{ "locality", "p.locality", COL_TEXT, 0 },
	{ "restricted", "p.restricted", COL_BOOL, 0 },
	{ "created_at", "p.created_at", COL_TEXT, 0 },
	{ "updated_at", "p.updated_at", COL_TEXT, 0 },
	{ "version", "p.version", COL_INT, 0 },
};

static const struct column_def referrals_cols[] = {
	{ "id", "f.id", COL_TEXT, 0 },
	{ "person_id", "f.person_id", COL_TEXT, 0 },
	{ "nhs_number", SQL_PERSON_NHS("p"), COL_TEXT, 0 },
	{ "family_name", SQL_PERSON_FAMILY("p"), COL_TEXT, 0 },
	{ "given_name", SQL_PERSON_GIVEN("p"), COL_TEXT, 0 },
	{ "date_of_birth", "p.date_of_birth", COL_TEXT, 0 },
	{ "received_at", "f.received_at", COL_TEXT, 0 },
	{ "source", "f.source", COL_TEXT, 0 },
	{ "category", "f.category", COL_TEXT, 0 },
	{ "safeguarding", "f.safeguarding", COL_BOOL, 0 },
	{ "reason", "f.reason", COL_TEXT, 0 },
	{ "priority", "f.priority", COL_TEXT, 0 },
	{ "status", "f.status", COL_TEXT, 0 },
	{ "decision", "f.decision", COL_TEXT, 0 },
	{ "decision_reason", "f.decision_reason", COL_TEXT, 0 },
	{ "decision_due_at", "f.decision_due_at", COL_TEXT, 0 },
	{ "decided_at", "f.decided_at", COL_TEXT, 0 },
	{ "decided_by", "d.login", COL_TEXT, 0 },
	{ "team", "f.team", COL_TEXT, 0 },
	{ "allocated_to", "w.login", COL_TEXT, 0 },
	{ "case_id", "f.case_id", COL_TEXT, 0 },
	{ "re_referral", "f.re_referral", COL_BOOL, 0 },
	{ "locality", "f.locality", COL_TEXT, 0 },
	{ "created_at", "f.created_at", COL_TEXT, 0 },
	{ "updated_at", "f.updated_at", COL_TEXT, 0 },
	{ "version", "f.version", COL_INT, 0 },
};

static const struct column_def cases_cols[] = {
	{ "id", "c.id", COL_TEXT, 0 },
	{ "person_id", "c.person_id", COL_TEXT, 0 },
	{ "team", "c.team", COL_TEXT, 0 },
	{ "opened_at", "c.opened_at", COL_TEXT, 0 },
	{ "closed_at", "c.closed_at", COL_TEXT, 0 },
	{ "closure_reason", "c.closure_reason", COL_TEXT, 0 },
	{ "allocated_to", "w.login", COL_TEXT, 0 },
	{ "next_review", "c.next_review", COL_TEXT, 0 },
	{ "locality", "c.locality", COL_TEXT, 0 },
	{ "created_at", "c.created_at", COL_TEXT, 0 },
	{ "updated_at", "c.updated_at", COL_TEXT, 0 },
	{ "version", "c.version", COL_INT, 0 },
};

static const struct column_def notes_cols[] = {
	{ "id", "n.id", COL_TEXT, 0 },
	{ "person_id", "n.person_id", COL_TEXT, 0 },
	{ "case_id", "n.case_id", COL_TEXT, 0 },
	{ "referral_id", "n.referral_id", COL_TEXT, 0 },
	{ "author", "w.login", COL_TEXT, 0 },
	{ "kind", "n.kind", COL_TEXT, 0 },
	/* the text of a note about a record restricted from the exporter */
	{ "body", "(CASE WHEN n.person_id IN (SELECT id FROM temp.person_hidden) THEN "
		  "'(restricted record)' ELSE n.body END)", COL_TEXT, 0 },
	{ "amends_id", "n.amends_id", COL_TEXT, 0 },
	{ "created_at", "n.created_at", COL_TEXT, 0 },
	{ "locality", "n.locality", COL_TEXT, 0 },
};

static const struct column_def handover_cols[] = {
	{ "id", "h.id", COL_TEXT, 0 },
	{ "author", "w.login", COL_TEXT, 0 },
	{ "team", "h.team", COL_TEXT, 0 },
	{ "priority", "h.priority", COL_TEXT, 0 },
	{ "situation", SQL_HANDOVER_TEXT("h.situation"), COL_TEXT, 0 },
	{ "background", SQL_HANDOVER_TEXT("h.background"), COL_TEXT, 0 },
	{ "assessment", SQL_HANDOVER_TEXT("h.assessment"), COL_TEXT, 0 },
	{ "recommendation", SQL_HANDOVER_TEXT("h.recommendation"), COL_TEXT, 0 },
	{ "person_id", "h.person_id", COL_TEXT, 0 },
	{ "case_id", "h.case_id", COL_TEXT, 0 },
	{ "created_at", "h.created_at", COL_TEXT, 0 },
	{ "acknowledged_by", "(SELECT group_concat(login, ' ') FROM (SELECT aw.login FROM "
			     "handover_ack a JOIN worker aw ON aw.id = a.worker_id "
			     "WHERE a.item_id = h.id ORDER BY a.acked_at, aw.login))", COL_TEXT, 0 },
	{ "locality", "h.locality", COL_TEXT, 0 },
	/* what each acknowledging worker read back, in the same order as
	 * acknowledged_by, one line each */
	{ "readbacks", "(SELECT group_concat(login || ': ' || readback, char(10)) FROM (SELECT "
		       "aw.login, a.readback FROM handover_ack a JOIN worker aw ON aw.id = "
		       "a.worker_id WHERE a.item_id = h.id ORDER BY a.acked_at, aw.login))", COL_TEXT, 0 },
};

static const struct column_def workers_cols[] = {
	{ "id", "id", COL_TEXT, 0 },
	{ "login", "login", COL_TEXT, 0 },
	{ "name", "name", COL_TEXT, 0 },
	{ "team", "team", COL_TEXT, 0 },
	{ "role", "role", COL_TEXT, 0 },
	{ "active", "active", COL_BOOL, 0 },
	{ "locality", "locality", COL_TEXT, 0 },
	{ "created_at", "created_at", COL_TEXT, 0 },
	{ "updated_at", "updated_at", COL_TEXT, 0 },
	{ "version", "version", COL_INT, 0 },
};

static const struct column_def teams_cols[] = {
	{ "code", "code", COL_TEXT, 0 },
	{ "name", "name", COL_TEXT, 0 },
	{ "service", "service", COL_TEXT, 0 },
	{ "locality", "locality", COL_TEXT, 0 },
};

static const struct column_def relationships_cols[] = {
	{ "id", "id", COL_TEXT, 0 },
	{ "person_id", "person_id", COL_TEXT, 0 },
	{ "related_id", "related_id", COL_TEXT, 0 },
	{ "kind", "kind", COL_TEXT, 0 },
	{ "locality", "locality", COL_TEXT, 0 },
	{ "created_at", "created_at", COL_TEXT, 0 },
	{ "updated_at", "updated_at", COL_TEXT, 0 },
	{ "version", "version", COL_INT, 0 },
};

static const struct column_def flags_cols[] = {
	{ "id", "id", COL_TEXT, 0 },
	{ "person_id", "person_id", COL_TEXT, 0 },
	{ "type", "type", COL_TEXT, 0 },
	{ "start_date", "start_date", COL_TEXT, 0 },
	{ "end_date", "end_date", COL_TEXT, 0 },
	{ "detail", "detail", COL_TEXT, 0 },
	{ "locality", "locality", COL_TEXT, 0 },
	{ "created_at", "created_at", COL_TEXT, 0 },
	{ "updated_at", "updated_at", COL_TEXT, 0 },
	{ "version", "version", COL_INT, 0 },
};

static const struct column_def audit_cols[] = {
	{ "id", "id", COL_TEXT, 0 },
	{ "origin", "origin", COL_TEXT, 0 },
	{ "seq", "seq", COL_INT, 0 },
	{ "at", "at", COL_TEXT, 0 },
	{ "actor", "actor", COL_TEXT, 0 },
	{ "worker", "worker", COL_TEXT, 0 },
	{ "action", "action", COL_TEXT, 0 },
	{ "tbl", "tbl", COL_TEXT, 0 },
	{ "record_id", "record_id", COL_TEXT, 0 },
	{ "detail", "detail", COL_TEXT, 0 },
	{ "prev_hash", "prev_hash", COL_TEXT, 0 },
	{ "hash", "hash", COL_TEXT, 0 },
	{ "locality", "locality", COL_TEXT, 0 },
};

static const struct listing exports[] = {
	{ "people", COLS(people_cols), "FROM person p", "ORDER BY p.id" },
	{ "referrals", COLS(referrals_cols),
	  "FROM referral f JOIN person p ON p.id = f.person_id "
	  "LEFT JOIN worker w ON w.id = f.allocated_to LEFT JOIN worker d ON d.id = f.decided_by",
	  "ORDER BY f.id" },
	{ "cases", COLS(cases_cols), "FROM care_case c LEFT JOIN worker w ON w.id = c.allocated_to",
	  "ORDER BY c.id" },
	{ "notes", COLS(notes_cols), "FROM note n JOIN worker w ON w.id = n.author", "ORDER BY n.id" },
	{ "handover", COLS(handover_cols), "FROM handover_item h JOIN worker w ON w.id = h.author",
	  "ORDER BY h.id" },
	{ "workers", COLS(workers_cols), "FROM worker", "ORDER BY login" },
	{ "teams", COLS(teams_cols), "FROM team", "ORDER BY code" },
	{ "relationships", COLS(relationships_cols), "FROM relationship", "ORDER BY id" },
	{ "flags", COLS(flags_cols), "FROM flag", "ORDER BY id" },
	{ "audit", COLS(audit_cols), "FROM audit_event", "ORDER BY origin, seq" },
};

const struct listing *export_listing(const char *table)
{
	for (size_t i = 0; i < sizeof(exports) / sizeof(exports[0]); i++)
		if (strcmp(exports[i].name, table) == 0)
			return &exports[i];
	return NULL;
}

/* People, notes and the audit name or describe people: they leave the
 * replica only with an administrator or an auditor, and each export is
 * recorded in the audit chain. */
static bool export_is_personal(const char *table)
{
	return strcmp(table, "people") == 0 || strcmp(table, "notes") == 0 ||
	       strcmp(table, "audit") == 0;
}

int export_begin(struct replica *r, const char *table, struct cd_error *err)
{
	bool personal = export_is_personal(table);

	if (require_permission(r, personal ? PERM_EXPORT_PERSONAL : PERM_EXPORT, NULL, err))
		return -1;
	if (!personal)
		return 0;
	if (txn_begin(r, "export", err))
		return -1;
	if (audit_append(r, "export", table, "", table, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

const char *export_table_names(void)
{
	return "people, referrals, cases, notes, handover, workers, teams, relationships, flags, "
	       "audit";
}
