/* caredesk check: integrity of the replica (see replica_check). */
#include <stdio.h>

#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk check [--replica FILE]\n"
	"  Runs SQLite's quick_check and foreign key check, verifies every audit\n"
	"  chain and the outbox capture triggers, and compares the schema (tables,\n"
	"  indexes, triggers) with the one the migrations make.  Exit 0 when all\n"
	"  is well, 65 if a problem was found (each is printed).\n";

int cmd_check(struct app *app, int argc, char **argv)
{
	struct replica *r;
	struct cd_error err;
	long problems = 0;
	int rc;

	(void)argv;
	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 1)
		return app_usage_error(usage, "unexpected argument '%s'", argv[1]);
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (replica_check(r, stdout, &problems, &err))
		rc = app_fail(&err);
	else if (problems)
		rc = CD_EX_DATAERR;
	if (rc == 0)
		printf("caredesk: %s is consistent\n", app_replica_path(app));
	else if (problems)
		printf("caredesk: %s: %ld problem%s\n", app_replica_path(app), problems,
		       problems == 1 ? "" : "s");
	replica_close(&r);
	return rc;
}
