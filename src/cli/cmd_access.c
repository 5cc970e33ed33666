/* caredesk access: the access audit.
 *
 * `access log --person ID` answers a subject access request ("who has
 * looked at my record?"); `--worker LOGIN`, "what did this worker open?".
 * `access review` lists break-glass and views of restricted records for
 * the privacy officer, who marks each reviewed.  All read the audit chain:
 * views, exports and break-glass are recorded there (audit_view,
 * export_begin, person_break_glass). */
#include <stdio.h>
#include <string.h>

#include "caredesk/access.h"
#include "caredesk/datetime.h"
#include "caredesk/query.h"
#include "cli/commands.h"

#define COLS(a) a, (int)(sizeof(a) / sizeof(a[0]))

static const struct column_def log_cols[] = {
	{ "event_id", "e.id", COL_TEXT, 36 },
	{ "at", "e.at", COL_TEXT, 20 },
	{ "worker", "e.worker", COL_TEXT, 14 },
	{ "actor", "e.actor", COL_TEXT, 10 },
	{ "action", "e.action", COL_TEXT, 17 },
	{ "tbl", "e.tbl", COL_TEXT, 8 },
	{ "record_id", "e.record_id", COL_TEXT, 36 },
	{ "locality", "e.locality", COL_TEXT, 8 },
	{ "replica", "e.origin", COL_TEXT, 36 },
	{ "reason", "e.detail", COL_TEXT, 30 },
};

/* ?1 person id or NULL, ?2 worker login or NULL, ?3 since (instant) or
 * NULL.  A person's log: views of the record and of their referrals, its
 * restriction and break-glass, and every export of a table that held them
 * (made after the record was). */
static const struct listing access_log = {
	"access", COLS(log_cols),
	"FROM audit_event e WHERE (?3 IS NULL OR e.at >= ?3) AND ("
	"(?1 IS NOT NULL AND ((e.tbl = 'person' AND e.record_id = ?1) "
	" OR (e.tbl = 'referral' AND e.record_id IN (SELECT id FROM referral WHERE person_id = ?1)) "
	" OR (e.action = 'export' AND e.detail IN ('people', 'referrals', 'notes', 'handover') "
	"  AND e.at >= (SELECT created_at FROM person WHERE id = ?1)))) "
	"OR (?2 IS NOT NULL AND e.worker = ?2 AND e.action IN ('view', 'break-glass', 'export', "
	" 'person.restrict', 'person.unrestrict')))",
	"ORDER BY e.at, e.origin, e.seq",
};

/* --since DATE (as shown or ISO): from local midnight that day. */
static int since_instant(const char *text, char out[ISO_INSTANT_LEN], struct cd_error *err)
{
	struct civil_date d;

	if (!text) {
		out[0] = '\0';
		return 0;
	}
	if (date_parse_typed(text, &d))
		return cd_error_set(err, CD_EX_USAGE, "since", "'%s' is not a date (DD/MM/YYYY or "
				    "YYYY-MM-DD)", text);
	instant_format(local_to_instant(d, 0, 0, 0), out);
	return 0;
}

static void bind_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

enum { G_PERSON, G_WORKER, G_SINCE, G_FORMAT };
static const struct opt_spec log_opts[] = {
	[G_PERSON] = { "person", "ID", "who has opened this person's record", 0, 0 },
	[G_WORKER] = { "worker", "LOGIN", "what this worker has opened", 0, 0 },
	[G_SINCE] = { "since", "DATE", "from this day on", 0, 0 },
	[G_FORMAT] = FORMAT_OPTION("table|csv|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

static int log_run(struct app *app, const struct args *a)
{
	const char *person = a->value[G_PERSON], *worker = a->value[G_WORKER];
	enum out_format format = args_format(a, G_FORMAT);
	char since[ISO_INSTANT_LEN];
	struct cd_error err;
	struct replica *r;
	sqlite3_stmt *st;
	int rc;

	cd_error_clear(&err);
	if (!person == !worker)
		return app_fail(&(struct cd_error){ .code = CD_EX_USAGE,
			.msg = "access log needs one of --person ID or --worker LOGIN" });
	if (since_instant(a->value[G_SINCE], since, &err))
		return app_fail(&err);
	rc = app_open(app, &r);
	if (rc)
		return rc;
	if (access_log_allowed(r, person, worker, &err)) {
		rc = app_fail(&err);
		replica_close(&r);
		return rc;
	}
	st = app_prepare_listing(r, &access_log, format);
	bind_or_null(st, 1, person);
	bind_or_null(st, 2, worker);
	bind_or_null(st, 3, since);
	rc = app_write_rows(st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}

enum { V_SINCE, V_FORMAT };
static const struct opt_spec review_opts[] = {
	[V_SINCE] = { "since", "DATE", "from this day on", 0, 0 },
	[V_FORMAT] = FORMAT_OPTION("table|csv|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

static int review_run(struct app *app, const struct args *a)
{
	enum out_format format = args_format(a, V_FORMAT);
	char since[ISO_INSTANT_LEN];
	const char *team_only = NULL;
	struct cd_error err;
	struct replica *r;
	sqlite3_stmt *st;
	int rc;

	cd_error_clear(&err);
	if (since_instant(a->value[V_SINCE], since, &err))
		return app_fail(&err);
	rc = app_open(app, &r);
	if (rc)
		return rc;
	if (access_review_allowed(r, &team_only, &err)) {
		rc = app_fail(&err);
		replica_close(&r);
		return rc;
	}
	st = app_prepare_listing(r, access_review_listing(), format);
	bind_or_null(st, 1, since);
	bind_or_null(st, 2, team_only);
	rc = app_write_rows(st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}

static const struct opt_spec reviewed_opts[] = {
	{ "note", "TEXT", "what the review found", OPT_REQUIRED, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int reviewed_run(struct app *app, const struct args *a)
{
	const char *id = a->operand[0];
	struct cd_error err;
	struct replica *r;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (access_mark_reviewed(r, id, a->value[0], &err))
		rc = app_fail(&err);
	else
		printf("caredesk: access event %s marked reviewed\n", id);
	replica_close(&r);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "log", NULL, 0, log_opts, "who opened a record, or what a worker opened", log_run },
	{ "review", NULL, 0, review_opts, "break-glass and views of restricted records",
	  review_run },
	{ "reviewed", "EVENT_ID", 1, reviewed_opts, "mark one reviewed, with a note",
	  reviewed_run },
};

const struct command_spec cmd_access_spec = {
	"access", "the access audit: who opened which record; break-glass review", verbs, 3,
	"  Every view of a person's record, every export and every break-glass is in\n"
	"  the audit chain.  Auditors may read all of it; a team manager, the log of\n"
	"  their team's records and workers, and the break-glass on their team's\n"
	"  records.  Only auditors mark events reviewed.\n",
};
