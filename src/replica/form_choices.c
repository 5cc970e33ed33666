/* The desk's form choices (see form_choices.h). */
#include "caredesk/actions.h"
#include "caredesk/form_choices.h"
#include "replica/access_sql.h"
#include "replica/internal.h"

static const char *const sql_decisions =
	"SELECT code, label, closes FROM decision_code WHERE ?1 IS NULL OR age_group = 'any' "
	"OR age_group = ?1 ORDER BY closes, code LIMIT ?2";
static const char *const sql_closure_reasons =
	"SELECT code, label, 0 FROM closure_reason_code ORDER BY code = 'other', code LIMIT ?2";
#define WORKER_SELECT(cases) \
	"SELECT w.login, w.name, w.team, (SELECT count(*) FROM care_case " cases \
	" WHERE " cases ".allocated_to = w.id AND " cases ".closed_at IS NULL) AS open_cases "
/* Workers who do case work: a practice role (PRACTICE_ROLES, caredesk/
 * permission.h); may_hold_case refuses the others, so they are not offered. */
#define DOES_CASE_WORK \
	"(instr(',' || w.role || ',', ',practitioner,') OR instr(',' || w.role || ',', ',duty,') " \
	"OR instr(',' || w.role || ',', ',mash,') OR instr(',' || w.role || ',', ',manager,') " \
	"OR instr(',' || w.role || ',', ',pa,')) "
static const char *const sql_allocation =
	WORKER_SELECT("c")
	"FROM referral f JOIN person p ON p.id = f.person_id "
	"JOIN worker w ON w.active = 1 JOIN team t ON t.code = w.team "
	"WHERE f.id = ?1 AND (t.locality = p.locality OR w.team = f.team) AND " DOES_CASE_WORK
	"ORDER BY w.team, open_cases, w.login LIMIT ?2";
static const char *const sql_reallocation =
	WORKER_SELECT("o")
	"FROM care_case c JOIN worker w ON w.active = 1 JOIN team t ON t.code = w.team "
	"WHERE c.id = ?1 AND (w.team = c.team OR t.locality = c.locality) AND " DOES_CASE_WORK
	"AND w.id IS NOT c.allocated_to ORDER BY w.team <> c.team, w.team, open_cases, w.login "
	"LIMIT ?2";
static const char *const sql_note_text = "SELECT body FROM note WHERE id = ?1";
static const char *const sql_person_name =
	"SELECT " SQL_PERSON_NAME("p") " FROM person p WHERE p.id = ?1";

/* The lists take no record: ?1 is left unbound (NULL), ?2 is the limit. */
static void read_code(sqlite3_stmt *st, void *row)
{
	struct code_choice *c = row;

	column_copy(st, 0, c->code, sizeof(c->code));
	column_copy(st, 1, c->label, sizeof(c->label));
	c->closes = sqlite3_column_int(st, 2) != 0;
}

static void read_worker(sqlite3_stmt *st, void *row)
{
	struct worker_choice *w = row;

	column_copy(st, 0, w->login, sizeof(w->login));
	column_copy(st, 1, w->name, sizeof(w->name));
	column_copy(st, 2, w->team, sizeof(w->team));
	w->open_cases = sqlite3_column_int(st, 3);
}

int decision_choices(struct replica *r, const char *referral_id, struct code_choice *out, int max,
		     struct cd_error *err)
{
	static const struct rows_about q = { sql_decisions, "the decision codes", sizeof(*out),
					     read_code };
	enum age_group g;
	const char *group = NULL;

	if (referral_age_group(r, referral_id, &g) == 0)
		group = g == AGE_GROUP_CHILD ? "child" : "adult";
	return read_rows_about(r, &q, group, out, max, err);
}

int closure_reason_choices(struct replica *r, struct code_choice *out, int max,
			   struct cd_error *err)
{
	static const struct rows_about q = { sql_closure_reasons, "the closure reasons",
					     sizeof(*out), read_code };

	return read_rows_about(r, &q, NULL, out, max, err);
}

int allocation_choices(struct replica *r, const char *referral_id, struct worker_choice *out,
		       int max, struct cd_error *err)
{
	static const struct rows_about q = { sql_allocation, "the workers to choose from",
					     sizeof(*out), read_worker };

	return read_rows_about(r, &q, referral_id, out, max, err);
}

int reallocation_choices(struct replica *r, const char *case_id, struct worker_choice *out,
			 int max, struct cd_error *err)
{
	static const struct rows_about q = { sql_reallocation, "the workers to choose from",
					     sizeof(*out), read_worker };

	return read_rows_about(r, &q, case_id, out, max, err);
}

static int one_text(struct replica *r, const char *sql, const char *id, const char *what,
		    char *out, size_t size, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql, err);
	int rc, found;

	if (!st)
		return -1;
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW;
	if (found)
		column_copy(st, 0, out, size);
	return read_failed(r, st, rc, err, what) ? -1 : found;
}

int note_text(struct replica *r, const char *note_id, char *out, size_t size,
	      struct cd_error *err)
{
	return one_text(r, sql_note_text, note_id, "the note", out, size, err);
}

int person_display_name(struct replica *r, const char *person_id, char *out, size_t size,
			struct cd_error *err)
{
	return one_text(r, sql_person_name, person_id, "the person", out, size, err);
}
