/* Small lookups the actions share: codes, teams, workers, records. */
#include <string.h>

#include "caredesk/codes.h"
#include "replica/internal.h"
#include "replica/lookup.h"

int lookup_code(struct replica *r, enum code_list list, const char *input, char out[CODE_MAX],
		int *closes)
{
	static const char *const sql[] = {
		[CODE_SOURCE] = "SELECT 0 FROM source_code WHERE code = ?1",
		[CODE_CATEGORY] = "SELECT 0 FROM category_code WHERE code = ?1",
		[CODE_DECISION] = "SELECT closes FROM decision_code WHERE code = ?1",
		[CODE_CLOSURE] = "SELECT 0 FROM closure_reason_code WHERE code = ?1",
	};
	sqlite3_stmt *st;
	int found;

	if (!input || code_normalise(input, out, CODE_MAX))
		return -1;
	st = replica_stmt(r, sql[list]);
	bind_text(st, 1, out);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found && closes)
		*closes = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return found ? 0 : -1;
}

const char *code_list_hint(enum code_list list)
{
	static const char *const hints[] = {
		[CODE_SOURCE] = "a source from data/codes.tsv (gp, school, police, hospital, "
				"ambulance, housing, family, self, care-coordination, other)",
		[CODE_CATEGORY] = "a category from data/codes.tsv (safeguarding, health, "
				  "social-care, mental-health, carer, hospital-discharge)",
		[CODE_DECISION] = "a decision from data/codes.tsv (e.g. s17, s47, assessment, "
				  "s42-enquiry, information-advice, signpost, nfa)",
		[CODE_CLOSURE] = "a closure reason from data/codes.tsv (needs-met, transferred, "
				 "moved-away, declined, died, no-longer-eligible, other)",
	};
	return hints[list];
}

int lookup_team(struct replica *r, const char *code, struct team_row *out)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT code, service, locality FROM team WHERE code = ?1");
	int found;

	bind_text(st, 1, code);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, out->code, sizeof(out->code));
		column_copy(st, 1, out->service, sizeof(out->service));
		column_copy(st, 2, out->locality, sizeof(out->locality));
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int lookup_duty_team(struct replica *r, const char *locality, struct team_row *out)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT code FROM team WHERE locality = ?1 "
					   "AND service = 'all-age' ORDER BY code LIMIT 1");
	char code[CODE_MAX];
	int found;

	bind_text(st, 1, locality);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		column_copy(st, 0, code, sizeof(code));
	sqlite3_reset(st);
	return found ? lookup_team(r, code, out) : -1;
}

int lookup_worker(struct replica *r, const char *login, struct worker_row *out)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT id, login, team, role, active FROM worker WHERE login = ?1");
	int found;

	bind_text(st, 1, login);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, out->id, sizeof(out->id));
		column_copy(st, 1, out->login, sizeof(out->login));
		column_copy(st, 2, out->team, sizeof(out->team));
		column_copy(st, 3, out->role, sizeof(out->role));
		out->active = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int require_role(struct replica *r, const char *what, struct cd_error *err)
{
	static const char *const allowed[] = { "duty", "mash", "manager", "admin" };

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(r->actor.role, allowed[i]) == 0)
			return 0;
	return cd_error_set(err, CD_EX_NOPERM, NULL,
			    "%s needs a duty, MASH, manager or admin worker (you are %s)", what,
			    r->actor.role[0] ? r->actor.role : "not a worker");
}

static int locality_of(struct replica *r, const char *sql, const char *id, char out[CODE_MAX])
{
	sqlite3_stmt *st;
	int found;

	if (!id || !*id)
		return -1;
	st = replica_stmt(r, sql);
	bind_text(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		column_copy(st, 0, out, CODE_MAX);
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int lookup_person_locality(struct replica *r, const char *person_id, char out[CODE_MAX])
{
	return locality_of(r, "SELECT locality FROM person WHERE id = ?1", person_id, out);
}

int lookup_case_locality(struct replica *r, const char *case_id, char out[CODE_MAX])
{
	return locality_of(r, "SELECT locality FROM care_case WHERE id = ?1", case_id, out);
}
