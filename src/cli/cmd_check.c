/* caredesk check: integrity of the replica (see replica_check). */
#include <stdio.h>

#include "cli/commands.h"

static int run(struct app *app, const struct args *a)
{
	struct replica *r;
	struct cd_error err;
	long problems = 0;
	int rc = app_open(app, &r);

	(void)a;
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

static const struct verb_spec verbs[] = {
	{ NULL, NULL, 0, NULL, "the replica's integrity", run },
};

const struct command_spec cmd_check_spec = {
	"check", "check the replica's integrity", verbs, 1,
	"  Runs SQLite's quick_check and foreign key check, verifies every audit\n"
	"  chain and the outbox capture triggers, and compares the schema (tables,\n"
	"  indexes, triggers) with the one the migrations make.  Exit 0 when all\n"
	"  is well, 65 if a problem was found (each is printed).\n",
};
