/* caredesk export TABLE: a table as CSV (header row) or JSON (array of
 * objects), in a stable column and row order. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/query.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk export TABLE [--format csv|json]\n"
	"  TABLE is one of people, referrals, cases, notes, handover, workers, teams,\n"
	"  relationships, flags, audit.  CSV (the default) has a header row.\n";

int cmd_export(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	enum out_format format = FORMAT_CSV;
	const struct listing *l;
	struct replica *r;
	sqlite3_stmt *st;
	int c, rc;

	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'f')
			return app_option_error(usage, argv, c);
		if (parse_format(optarg, &format) || format == FORMAT_TABLE)
			return app_usage_error(usage, "--format is csv or json");
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "export needs one TABLE");
	l = export_listing(argv[optind]);
	if (!l)
		return app_usage_error(usage, "unknown table '%s' (one of %s)", argv[optind],
				       export_table_names());
	rc = app_open(app, &r);
	if (rc)
		return rc;
	st = app_prepare_listing(r, l, format);
	write_rows(stdout, st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("caredesk: export: writing");
		return CD_EX_IOERR;
	}
	return 0;
}
