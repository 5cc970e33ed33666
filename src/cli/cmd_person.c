/* caredesk person: one person's record, and restricting it.
 *
 * `person show` is a view of the record and is audited as one.  A record
 * restricted from the worker is refused (77) unless they break glass,
 * which is itself audited and lasts the configured time
 * (caredesk/access.h). */
#include <stdio.h>
#include <string.h>

#include "caredesk/access.h"
#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "cli/commands.h"

enum { S_FORMAT, S_GLASS, S_REASON };
static const struct opt_spec show_opts[] = {
	[S_FORMAT] = FORMAT_OPTION("text|json"),
	[S_GLASS] = { "break-glass", "CODE", "open a restricted record (audited)", 0, 0 },
	[S_REASON] = { "reason", "TEXT", "why you break glass, in a sentence", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

/* One object with the fields of caredesk(1) person show.  The person's age
 * and age group are today's (local date, bound as ?2 and ?3); care status
 * and personal adviser come with the care-leaver journeys (none yet). */
static const char *const sql_person_json =
	"SELECT json_object('id', p.id, 'nhs_number', p.nhs_number, 'family_name', p.family_name, "
	"'given_name', p.given_name, 'date_of_birth', p.date_of_birth, 'age', ?2, "
	"'age_group', ?3, 'locality', p.locality, 'address', p.address, 'postcode', p.postcode, "
	"'restricted', json(CASE WHEN p.restricted THEN 'true' ELSE 'false' END), "
	"'care_status', 'none', 'personal_adviser', NULL, "
	"'relationships', (SELECT json_group_array(json_object('id', l.id, 'type', l.kind, "
	"'person_id', CASE WHEN l.person_id = p.id THEN l.related_id ELSE l.person_id END)) "
	"FROM relationship l WHERE l.person_id = p.id OR l.related_id = p.id)) "
	"FROM person p WHERE p.id = ?1";

static int age_today(struct replica *r, const char *person_id, int *age)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT date_of_birth FROM person WHERE id = ?1");
	struct civil_date dob;
	int found;

	sqlite3_bind_text(st, 1, person_id, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(st) == SQLITE_ROW &&
		date_parse((const char *)sqlite3_column_text(st, 0), &dob) == 0;
	sqlite3_reset(st);
	if (found)
		*age = age_on(dob, local_from_instant(replica_now(r)).date);
	return found ? 0 : -1;
}

/* The record as text, one "field value" line each, sanitised for the
 * terminal: the JSON object's fields in order. */
static void print_text(struct replica *r, const char *json)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT key, CASE WHEN type IN ('array', 'object') "
					   "THEN json(value) ELSE coalesce(value, '') END "
					   "FROM json_each(?1)");

	sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		app_print_field(17, (const char *)sqlite3_column_text(st, 0),
				(const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
}

static int print_person(struct replica *r, const char *id, bool json, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, sql_person_json);
	int age = 0;

	if (age_today(r, id, &age))
		return cd_error_set(err, CD_EX_NOINPUT, "person", "no person with id '%s'", id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, age);
	sqlite3_bind_text(st, 3, age < 18 ? "child" : "adult", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return replica_sql_error(r, err, "reading the person");
	}
	if (json) {
		app_write_json(stdout, (const char *)sqlite3_column_text(st, 0));
		putchar('\n');
	} else {
		print_text(r, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return 0;
}

/* Restricted from this worker: refused, or opened by breaking glass. */
static int open_restricted(struct replica *r, const char *id, const struct args *a,
			   struct cd_error *err)
{
	char until[ISO_INSTANT_LEN];

	if (!a->value[S_GLASS])
		return cd_error_set(err, CD_EX_NOPERM, "person", "%s is a restricted record: only its "
				    "allocated worker, their team manager or MASH (while a "
				    "safeguarding referral is open) may see it; to open it in an "
				    "emergency, give --break-glass CODE --reason TEXT (audited)", id);
	if (!a->value[S_REASON])
		return cd_error_set(err, CD_EX_USAGE, "reason", "--break-glass needs --reason TEXT");
	if (person_break_glass(r, id, a->value[S_GLASS], a->value[S_REASON], until, err))
		return -1;
	fprintf(stderr, "caredesk: break-glass recorded; you may open %s until %s\n", id, until);
	return 0;
}

static int show_run(struct app *app, const struct args *a)
{
	const char *id = a->operand[0];
	bool json = args_format(a, S_FORMAT) == FORMAT_JSON;
	struct replica *r;
	struct cd_error err;
	int visible, rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	visible = person_visible(r, id, &err);
	if (visible < 0 || (!visible && open_restricted(r, id, a, &err)) ||
	    (visible && a->value[S_GLASS] &&
	     cd_error_set(&err, CD_EX_USAGE, "break-glass", "%s is not restricted from you: no "
			  "need to break glass", id)) ||
	    print_person(r, id, json, &err) || audit_view(r, "person", id, &err))
		rc = app_fail(&err);
	replica_close(&r);
	return rc;
}

static const struct opt_spec restrict_opts[] = {
	{ "reason", "TEXT", "why, in a sentence (staff member as client...)", OPT_REQUIRED, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int set_restricted(struct app *app, const struct args *a, bool on)
{
	const char *id = a->operand[0];
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (person_restrict(r, id, on, a->value[0], &err))
		rc = app_fail(&err);
	else
		printf("caredesk: person %s %s\n", id, on ? "restricted" : "no longer restricted");
	replica_close(&r);
	return rc;
}

static int restrict_run(struct app *app, const struct args *a)
{
	return set_restricted(app, a, true);
}

static int unrestrict_run(struct app *app, const struct args *a)
{
	return set_restricted(app, a, false);
}

static const struct verb_spec verbs[] = {
	{ "show", "ID", 1, show_opts, "one person's record (a view, audited)", show_run },
	{ "restrict", "ID", 1, restrict_opts, "restrict a record to those who work with them",
	  restrict_run },
	{ "unrestrict", "ID", 1, restrict_opts, "lift a restriction", unrestrict_run },
};

const struct command_spec cmd_person_spec = {
	"person", "show a person's record; restrict it", verbs, 3,
	"  A restricted record is seen only by the worker allocated the person's open\n"
	"  case, that team's managers, and MASH while a safeguarding referral of\n"
	"  theirs is open.  Anyone in practice may break glass to open it, giving a\n"
	"  reason code and a sentence; that is audited, lasts break_glass_lasts\n"
	"  (caredesk.conf(5), default 4h) and is reviewed by the privacy officer.\n"
	"  CODE is safeguarding-emergency, clinical-emergency, duty-cover or other.\n",
};
