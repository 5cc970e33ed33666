/* caredesk export TABLE: a table as CSV (header row) or JSON (array of
 * objects), in a stable column and row order. */
#include <stdio.h>
#include <string.h>

#include "caredesk/query.h"
#include "cli/commands.h"

static const struct opt_spec opts[] = {
	FORMAT_OPTION("csv|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

static int run(struct app *app, const struct args *a)
{
	enum out_format format = args_format(a, 0);
	const struct listing *l = export_listing(a->operand[0]);
	struct replica *r;
	struct cd_error err;
	sqlite3_stmt *st;
	int rc;

	if (!l)
		return args_usage_error(a, "unknown table '%s' (one of %s)", a->operand[0],
					export_table_names());
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (export_begin(r, a->operand[0], &err)) {
		replica_close(&r);
		return app_fail(&err);
	}
	st = app_prepare_listing(r, l, format);
	rc = app_write_rows(st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ NULL, "TABLE", 1, opts, "a table as CSV or JSON", run },
};

const struct command_spec cmd_export_spec = {
	"export", "write a table as CSV or JSON", verbs, 1,
	"  TABLE is one of people, referrals, cases, notes, handover, workers, teams,\n"
	"  relationships, flags, audit.  CSV (the default) has a header row.\n",
};
