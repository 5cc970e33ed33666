/* caredesk conflicts: the conflicts central kept for a person, and a
 * manager's choice between the two values. */
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "cli/commands.h"

enum { L_ALL, L_FORMAT };
static const struct opt_spec list_opts[] = {
	[L_ALL] = { "all", NULL, "resolved conflicts too", 0, 0 },
	[L_FORMAT] = FORMAT_OPTION("table|csv|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

static int list_run(struct app *app, const struct args *a)
{
	enum out_format format = args_format(a, L_FORMAT);
	struct replica *r;
	sqlite3_stmt *st;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	st = app_prepare_listing(r, conflict_listing(a->value[L_ALL] != NULL), format);
	rc = app_write_rows(st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}

static const struct opt_spec resolve_opts[] = {
	{ "keep", "kept|other", "which value to keep", OPT_REQUIRED | OPT_CHOICE, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int resolve_run(struct app *app, const struct args *a)
{
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (conflict_resolve(r, a->operand[0], a->value[0], &err))
		rc = app_fail(&err);
	else
		printf("caredesk: conflict %s resolved: %s kept\n", a->operand[0],
		       strcmp(a->value[0], "kept") == 0 ? "central's value" : "the other value");
	replica_close(&r);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "list", NULL, 0, list_opts, "conflicts waiting for a person to decide", list_run },
	{ "resolve", "CONFLICT_ID", 1, resolve_opts, "keep one of the two values", resolve_run },
};

const struct command_spec cmd_conflicts_spec = {
	"conflicts", "list and resolve sync conflicts", verbs, 2,
	"  kept is the value central kept, other the one that met it.\n",
};
