/* caredesk conflicts: the conflicts central kept for a person, and a
 * manager's choice between the two values. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk conflicts list [--all] [--format table|csv|json]\n"
	"       caredesk conflicts resolve CONFLICT_ID --keep kept|other\n"
	"  kept is the value central kept, other the one that met it.\n";

static int list(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	enum out_format format = FORMAT_TABLE;
	struct replica *r;
	sqlite3_stmt *st;
	bool all = false;
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'f') {
			if (parse_format(optarg, &format))
				return app_usage_error(usage, "--format is table, csv or json");
		} else
			return app_option_error(usage, argv, c);
	}
	if (optind < argc)
		return app_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	rc = app_open(app, &r);
	if (rc)
		return rc;
	st = app_prepare_listing(r, conflict_listing(all), format);
	write_rows(stdout, st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return 0;
}

static int resolve(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keep = NULL;
	struct replica *r;
	struct cd_error err;
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'k')
			return app_option_error(usage, argv, c);
		keep = optarg;
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "conflicts resolve takes one CONFLICT_ID");
	if (!keep || (strcmp(keep, "kept") != 0 && strcmp(keep, "other") != 0))
		return app_usage_error(usage, "say which value to keep: --keep kept or --keep other");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (conflict_resolve(r, argv[optind], keep, &err))
		rc = app_fail(&err);
	replica_close(&r);
	return rc;
}

int cmd_conflicts(struct app *app, int argc, char **argv)
{
	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return list(app, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "resolve") == 0)
		return resolve(app, argc - 1, argv + 1);
	return app_usage_error(usage, argc < 2 ? "conflicts needs list or resolve" :
				      "unknown conflicts command '%s'", argv[1]);
}
