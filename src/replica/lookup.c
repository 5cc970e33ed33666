/* Small lookups the actions share: codes, teams, workers, records. */
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/codes.h"
#include "replica/internal.h"
#include "replica/lookup.h"

/* Each list's codes with their labels, in data/codes.tsv's order. */
static const char *const code_sql[] = {
	[CODE_SOURCE] = "SELECT code, label, 0 FROM source_code ORDER BY rowid",
	[CODE_CATEGORY] = "SELECT code, label, 0 FROM category_code ORDER BY rowid",
	[CODE_DECISION] = "SELECT code, label, closes FROM decision_code ORDER BY rowid",
	[CODE_CLOSURE] = "SELECT code, label, 0 FROM closure_reason_code ORDER BY rowid",
};

/* Labels are longer than codes: room for a typed label, normalised. */
#define LABEL_MAX 256

/* How a row matches what was typed: its code, or its label spelt as a code. */
enum code_match { MATCH_NONE, MATCH_LABEL, MATCH_CODE };

static enum code_match code_row_match(sqlite3_stmt *st, const char *want)
{
	char label[LABEL_MAX];
	const char *code = (const char *)sqlite3_column_text(st, 0);
	const char *text = (const char *)sqlite3_column_text(st, 1);

	if (code && strcmp(code, want) == 0)
		return MATCH_CODE;
	if (text && code_normalise(text, label, sizeof(label)) == 0 && strcmp(label, want) == 0)
		return MATCH_LABEL;
	return MATCH_NONE;
}

/* People type what they read: the code (gp) or the label the desk and
 * codes.tsv show ("Care co-ordination centre"), in any case, with space,
 * hyphen and underscore alike.  A code wins over another row's label that
 * reads the same.  A list is a dozen rows, so it is scanned. */
int lookup_code(struct replica *r, enum code_list list, const char *input, char out[CODE_MAX],
		int *closes)
{
	char want[LABEL_MAX];
	sqlite3_stmt *st;
	enum code_match best = MATCH_NONE;

	if (!input || code_normalise(input, want, sizeof(want)))
		return -1;
	st = replica_stmt(r, code_sql[list]);
	while (best != MATCH_CODE && sqlite3_step(st) == SQLITE_ROW) {
		enum code_match m = code_row_match(st, want);

		if (m <= best)
			continue;
		best = m;
		column_copy(st, 0, out, CODE_MAX);
		if (closes)
			*closes = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return best != MATCH_NONE ? 0 : -1;
}

int code_lookup(struct replica *r, const char *list, const char *input, char out[CODE_MAX])
{
	static const char *const names[] = {
		[CODE_SOURCE] = "source", [CODE_CATEGORY] = "category",
		[CODE_DECISION] = "decision", [CODE_CLOSURE] = "closure",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(list, names[i]) == 0)
			return lookup_code(r, (enum code_list)i, input, out, NULL);
	return -1;
}

int code_refuse(struct replica *r, enum code_list list, const char *field, const char *input,
		struct cd_error *err)
{
	static const char *const what[] = {
		[CODE_SOURCE] = "source", [CODE_CATEGORY] = "category",
		[CODE_DECISION] = "decision", [CODE_CLOSURE] = "closure reason",
	};
	sqlite3_stmt *st = replica_stmt(r, code_sql[list]);
	char codes[400] = "";
	size_t n = 0;

	/* Written from the list itself, so it names every code there is. */
	while (sqlite3_step(st) == SQLITE_ROW && n < sizeof(codes))
		n += (size_t)snprintf(codes + n, sizeof(codes) - n, "%s%s", n ? ", " : "",
				      (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return cd_error_set(err, CD_EX_DATAERR, field,
			    "'%.60s' is not a %s: use one of %s (or its label in data/codes.tsv)",
			    input ? input : "", what[list], codes);
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

int team_known(struct replica *r, const char *code, struct cd_error *err)
{
	struct team_row t;
	sqlite3_stmt *st;
	char teams[600] = "";
	size_t n = 0;

	if (lookup_team(r, code, &t) == 0)
		return 0;
	st = replica_stmt(r, "SELECT code FROM team ORDER BY code");
	while (sqlite3_step(st) == SQLITE_ROW && n < sizeof(teams))
		n += (size_t)snprintf(teams + n, sizeof(teams) - n, "%s%s", n ? ", " : "",
				      (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return cd_error_set(err, CD_EX_DATAERR, "team", "unknown team '%.60s': use one of %s",
			    code, teams);
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
		column_copy(st, 3, out->roles, sizeof(out->roles));
		out->active = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int require_permission(struct replica *r, enum permission p, const struct perm_target *target,
		       struct cd_error *err)
{
	struct perm_actor a;
	char why[512];
	bool active;

	if (replica_actor_refresh(r, &active))
		return cd_error_set(err, CD_EX_NOPERM, NULL, "'%s' is not a worker on this replica",
				    r->actor.worker_login[0] ? r->actor.worker_login : r->actor.login);
	a = (struct perm_actor){ .login = r->actor.worker_login, .worker_id = r->actor.worker_id,
		.roles = r->actor.roles, .team = r->actor.team, .locality = r->actor.locality,
		.active = active };
	if (permission_check(&a, p, target, why, sizeof(why)) == 0)
		return 0;
	return cd_error_set(err, CD_EX_NOPERM, NULL, "%s", why);
}

int replica_may(struct replica *r, int p, struct cd_error *err)
{
	if (p < 0 || p >= PERM_COUNT)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "no such permission (%d)", p);
	return require_permission(r, (enum permission)p, NULL, err);
}

bool replica_actor_active(struct replica *r)
{
	bool active = false;

	return replica_actor_refresh(r, &active) == 0 && active;
}

int replica_begin_intake(struct replica *r, struct cd_error *err)
{
	if (require_permission(r, PERM_IMPORT, NULL, err))
		return -1;
	r->intake = true;
	return 0;
}

int require_intake(struct replica *r, const char *locality, struct cd_error *err)
{
	struct perm_target where = { .locality = locality };

	return require_permission(r, r->intake ? PERM_IMPORT : PERM_CONTACT, &where, err);
}

/* Fill a record scope from a row of (owner, team, locality). */
static int scope_from(struct replica *r, const char *sql, const char *id, const char *noun,
		      struct record_scope *out)
{
	sqlite3_stmt *st = replica_stmt(r, sql);
	int found;

	memset(out, 0, sizeof(*out));
	bind_text(st, 1, id ? id : "");
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, out->owner_id, sizeof(out->owner_id));
		column_copy(st, 1, out->team, sizeof(out->team));
		column_copy(st, 2, out->locality, sizeof(out->locality));
	}
	sqlite3_reset(st);
	out->target = (struct perm_target){ .owner_id = out->owner_id[0] ? out->owner_id : NULL,
		.owner_noun = noun, .team = out->team, .locality = out->locality };
	return found ? 0 : -1;
}

int scope_of_referral(struct replica *r, const char *id, struct record_scope *out)
{
	return scope_from(r, "SELECT coalesce(allocated_to, ''), team, locality FROM referral "
			     "WHERE id = ?1", id, "the allocated worker", out);
}

int scope_of_case(struct replica *r, const char *id, struct record_scope *out)
{
	return scope_from(r, "SELECT coalesce(allocated_to, ''), team, locality FROM care_case "
			     "WHERE id = ?1", id, "the allocated worker", out);
}

/* A note belongs to its case's team, or (no case) to its author's. */
int scope_of_note(struct replica *r, const char *id, struct record_scope *out)
{
	return scope_from(r, "SELECT n.author, coalesce(c.team, w.team), n.locality FROM note n "
			     "JOIN worker w ON w.id = n.author "
			     "LEFT JOIN care_case c ON c.id = n.case_id WHERE n.id = ?1",
			  id, "its author", out);
}

int scope_of_handover(struct replica *r, const char *id, struct record_scope *out)
{
	return scope_from(r, "SELECT author, team, locality FROM handover_item WHERE id = ?1", id,
			  "its author", out);
}

/* A person's records belong to their locality; no one owns the person. */
int scope_of_person(struct replica *r, const char *id, struct record_scope *out)
{
	/* A person's team is the team of their newest open case, and its
	 * allocated worker their owner; with no open case, only the locality. */
	return scope_from(r,
			  "SELECT coalesce(c.allocated_to, ''), coalesce(c.team, ''), p.locality "
			  "FROM person p LEFT JOIN care_case c ON c.id = (SELECT id FROM care_case "
			  "WHERE person_id = p.id AND closed_at IS NULL ORDER BY opened_at DESC, id "
			  "LIMIT 1) WHERE p.id = ?1",
			  id, "the allocated worker", out);
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
