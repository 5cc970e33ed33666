/* caredesk referral: the queue from the command line, through the same
 * replica functions as the desk. */
#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/query.h"
#include "caredesk/text.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk referral list [--format table|csv|json] [--all] [--team TEAM] [--mine]\n"
	"       caredesk referral show ID [--format text|json]\n"
	"       caredesk referral triage ID --priority red|amber|green [--decision D] [--reason TEXT]\n"
	"       caredesk referral allocate ID --to LOGIN\n";

static void bind_today(sqlite3_stmt *st, int i, const struct replica *r)
{
	char today[ISO_DATE_LEN];

	date_format(local_from_instant(replica_now(r)).date, today);
	sqlite3_bind_text(st, i, today, -1, SQLITE_TRANSIENT);
}

static int list_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "team", required_argument, NULL, 't' },
		{ "mine", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	enum out_format format = FORMAT_TABLE;
	const char *team = NULL;
	int all = 0, mine = 0, c, rc;
	struct replica *r;
	sqlite3_stmt *st;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'f' && parse_format(optarg, &format) == 0)
			continue;
		if (c == 'f')
			return app_usage_error(usage, "--format is table, csv or json");
		if (c == 'a')
			all = 1;
		else if (c == 't')
			team = optarg;
		else if (c == 'm')
			mine = 1;
		else
			return app_option_error(usage, argv, c);
	}
	if (optind < argc)
		return app_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	rc = app_open(app, &r);
	if (rc)
		return rc;
	st = app_prepare_listing(r, referral_listing(all), format);
	if (team)
		sqlite3_bind_text(st, 1, team, -1, SQLITE_TRANSIENT);
	if (mine)
		sqlite3_bind_text(st, 2, r->actor.worker_id, -1, SQLITE_TRANSIENT);
	bind_today(st, 4, r);
	write_rows(stdout, st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return 0;
}

static void print_fields(sqlite3_stmt *st)
{
	enum text_mode mode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? TEXT_MODE_UTF8
									  : TEXT_MODE_ASCII;
	char value[4096 * 4];

	for (int i = 0; i < sqlite3_column_count(st); i++) {
		const unsigned char *v = sqlite3_column_text(st, i);

		text_sanitise(v ? (const char *)v : "", mode, 4096, value, sizeof(value));
		printf("%-16s %s\n", sqlite3_column_name(st, i), value);
	}
}

static int show_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c, rc;
	struct replica *r;
	sqlite3_stmt *st;
	struct cd_error err;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'f')
			return app_option_error(usage, argv, c);
		if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
			return app_usage_error(usage, "--format is text or json");
		json = strcmp(optarg, "json") == 0;
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "referral show needs one referral ID");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	st = app_prepare_listing(r, referral_detail_listing(), json ? FORMAT_JSON : FORMAT_TABLE);
	sqlite3_bind_text(st, 1, argv[optind], -1, SQLITE_TRANSIENT);
	cd_error_clear(&err);
	if (sqlite3_step(st) != SQLITE_ROW) {
		cd_error_set(&err, CD_EX_NOINPUT, "referral", "no referral %s", argv[optind]);
		rc = app_fail(&err);
	} else {
		if (json)
			printf("%s\n", sqlite3_column_text(st, 0));
		else
			print_fields(st);
		sqlite3_finalize(st);
		st = NULL;
		if (audit_view(r, "referral", argv[optind], &err))
			rc = app_fail(&err);
	}
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}

static int triage_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "priority", required_argument, NULL, 'p' },
		{ "decision", required_argument, NULL, 'd' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *priority = NULL, *decision = NULL, *reason = NULL;
	struct replica *r;
	struct cd_error err;
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'p')
			priority = optarg;
		else if (c == 'd')
			decision = optarg;
		else if (c == 'r')
			reason = optarg;
		else
			return app_option_error(usage, argv, c);
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "referral triage needs one referral ID");
	if (!priority)
		return app_usage_error(usage, "referral triage needs --priority red|amber|green");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (referral_triage(r, argv[optind], priority, decision, reason, &err))
		rc = app_fail(&err);
	else
		printf("caredesk: referral %s triaged %s%s%s\n", argv[optind], priority,
		       decision ? ", decision " : "", decision ? decision : "");
	replica_close(&r);
	return rc;
}

static int allocate_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL;
	struct replica *r;
	struct cd_error err;
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 't')
			to = optarg;
		else
			return app_option_error(usage, argv, c);
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "referral allocate needs one referral ID");
	if (!to)
		return app_usage_error(usage, "referral allocate needs --to LOGIN");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (referral_allocate(r, argv[optind], to, &err))
		rc = app_fail(&err);
	else
		printf("caredesk: referral %s allocated to %s\n", argv[optind], to);
	replica_close(&r);
	return rc;
}

int cmd_referral(struct app *app, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct app *, int, char **);
	} subs[] = {
		{ "list", list_cmd }, { "show", show_cmd },
		{ "triage", triage_cmd }, { "allocate", allocate_cmd },
	};

	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		return app_usage_error(usage, "referral needs list, show, triage or allocate");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(app, argc - 1, argv + 1);
	return app_usage_error(usage, "unknown referral command '%s'", argv[1]);
}
