/* caredesk referral: the queue from the command line, through the same
 * replica functions as the desk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/query.h"
#include "cli/commands.h"

static void bind_today(sqlite3_stmt *st, int i, const struct replica *r)
{
	char today[ISO_DATE_LEN];

	date_format(local_from_instant(replica_now(r)).date, today);
	sqlite3_bind_text(st, i, today, -1, SQLITE_TRANSIENT);
}

enum { L_FORMAT, L_ALL, L_TEAM, L_MINE };
static const struct opt_spec list_opts[] = {
	[L_FORMAT] = FORMAT_OPTION("table|csv|json"),
	[L_ALL] = { "all", NULL, "every referral, not only the open ones", 0, 0 },
	[L_TEAM] = { "team", "TEAM", "only this team's referrals", 0, 0 },
	[L_MINE] = { "mine", NULL, "only those allocated to you", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int list_run(struct app *app, const struct args *a)
{
	enum out_format format = args_format(a, L_FORMAT);
	struct replica *r;
	struct cd_error err;
	sqlite3_stmt *st;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (a->value[L_TEAM] && team_known(r, a->value[L_TEAM], &err)) {
		replica_close(&r);
		return app_fail(&err);
	}
	st = app_prepare_listing(r, referral_listing(a->value[L_ALL] != NULL), format);
	if (a->value[L_TEAM])
		sqlite3_bind_text(st, 1, a->value[L_TEAM], -1, SQLITE_TRANSIENT);
	if (a->value[L_MINE])
		sqlite3_bind_text(st, 2, r->actor.worker_id, -1, SQLITE_TRANSIENT);
	bind_today(st, 4, r);
	rc = app_write_rows(st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}

static void print_fields(sqlite3_stmt *st)
{
	for (int i = 0; i < sqlite3_column_count(st); i++)
		app_print_field(16, sqlite3_column_name(st, i),
				(const char *)sqlite3_column_text(st, i));
}

static const struct opt_spec show_opts[] = {
	FORMAT_OPTION("text|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

static int show_run(struct app *app, const struct args *a)
{
	int json = args_format(a, 0) == FORMAT_JSON;
	const char *id = a->operand[0];
	struct replica *r;
	sqlite3_stmt *st;
	struct cd_error err;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	st = app_prepare_listing(r, referral_detail_listing(), json ? FORMAT_JSON : FORMAT_TABLE);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	cd_error_clear(&err);
	if (sqlite3_step(st) != SQLITE_ROW) {
		cd_error_set(&err, CD_EX_NOINPUT, "referral", "no referral %s", id);
		rc = app_fail(&err);
	} else {
		if (json) {
			app_write_json(stdout, (const char *)sqlite3_column_text(st, 0));
			putchar('\n');
		}
		else
			print_fields(st);
		sqlite3_finalize(st);
		st = NULL;
		if (audit_view(r, "referral", id, &err))
			rc = app_fail(&err);
	}
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}

enum { T_PRIORITY, T_DECISION, T_REASON };
static const struct opt_spec triage_opts[] = {
	[T_PRIORITY] = { "priority", "red|amber|green", "how urgent", OPT_REQUIRED, 0 },
	[T_DECISION] = { "decision", "D", "a decision code (data/codes.tsv)", 0, 0 },
	[T_REASON] = { "reason", "TEXT", "why (needed for nfa and step-down)", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

/* The decision code stored, though its label may have been typed. */
static const char *said_code(struct replica *r, const char *decision, char code[CODE_MAX])
{
	return code_lookup(r, "decision", decision, code) == 0 ? code : decision;
}

static int triage_run(struct app *app, const struct args *a)
{
	const char *id = a->operand[0], *priority = a->value[T_PRIORITY];
	const char *decision = a->value[T_DECISION], *reason = a->value[T_REASON];
	struct replica *r;
	struct cd_error err;
	int rc;

	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (referral_triage(r, id, priority, decision, reason, &err)) {
		rc = app_fail(&err);
	} else {
		char code[CODE_MAX];

		printf("caredesk: referral %s triaged %s%s%s\n", id, priority,
		       decision ? ", decision " : "", decision ? said_code(r, decision, code) : "");
	}
	replica_close(&r);
	return rc;
}

static const struct opt_spec allocate_opts[] = {
	{ "to", "LOGIN", "the worker to allocate it to", OPT_REQUIRED, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int allocate_run(struct app *app, const struct args *a)
{
	const char *id = a->operand[0], *to = a->value[0];
	struct replica *r;
	struct cd_error err;
	int rc;

	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (referral_allocate(r, id, to, &err))
		rc = app_fail(&err);
	else
		printf("caredesk: referral %s allocated to %s\n", id, to);
	replica_close(&r);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "list", NULL, 0, list_opts, "open referrals, oldest due first", list_run },
	{ "show", "ID", 1, show_opts, "one referral, every field", show_run },
	{ "triage", "ID", 1, triage_opts, "set the priority, and the decision if made",
	  triage_run },
	{ "allocate", "ID", 1, allocate_opts, "allocate a referral to a worker", allocate_run },
};

const struct command_spec cmd_referral_spec = {
	"referral", "list, show, triage and allocate referrals", verbs, 4, NULL,
};
