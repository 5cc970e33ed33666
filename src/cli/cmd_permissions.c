/* caredesk permissions: the permission table itself (src/core/permission.c),
 * one row a permission, one column a role, each cell the widest scope that
 * role holds it over.  The manual's table is checked against this output
 * (tests/cli/man.sh) and the permission test drives every cell
 * (tests/cli/permissions.sh).  It needs no replica: the rules are the
 * program's, not the data's. */
#include <stdio.h>

#include "caredesk/permission.h"
#include "cli/commands.h"

static const struct opt_spec opts[] = {
	FORMAT_OPTION("table|csv|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

static void write_table(void)
{
	printf("%-18s", "permission");
	for (int r = 0; r < ROLE_COUNT; r++)
		printf(r < ROLE_COUNT - 1 ? " %-12s" : " %s\n", role_code((enum role)r));
	for (int p = 0; p < PERM_COUNT; p++) {
		printf("%-18s", permission_name((enum permission)p));
		for (int r = 0; r < ROLE_COUNT; r++)
			printf(r < ROLE_COUNT - 1 ? " %-12s" : " %s\n",
			       scope_name(permission_scope((enum permission)p, (enum role)r)));
	}
	printf("\nScopes: own = records allocated to or written by the worker; team = their\n"
	       "team's; locality = their locality's (a borough-wide team's: every locality's);\n"
	       "any = every record this replica holds.  A handover item's author may not\n"
	       "acknowledge it.\n");
}

/* Names and scopes are our own ASCII words: nothing to quote or escape. */
static void write_csv(void)
{
	printf("permission,description");
	for (int r = 0; r < ROLE_COUNT; r++)
		printf(",%s", role_code((enum role)r));
	printf("\n");
	for (int p = 0; p < PERM_COUNT; p++) {
		printf("%s,\"%s\"", permission_name((enum permission)p),
		       permission_doing((enum permission)p));
		for (int r = 0; r < ROLE_COUNT; r++)
			printf(",%s", scope_name(permission_scope((enum permission)p, (enum role)r)));
		printf("\n");
	}
}

static void write_json(void)
{
	printf("[");
	for (int p = 0; p < PERM_COUNT; p++) {
		printf("%s{\"permission\":\"%s\",\"description\":\"%s\"", p ? "," : "",
		       permission_name((enum permission)p), permission_doing((enum permission)p));
		for (int r = 0; r < ROLE_COUNT; r++)
			printf(",\"%s\":\"%s\"", role_code((enum role)r),
			       scope_name(permission_scope((enum permission)p, (enum role)r)));
		printf("}");
	}
	printf("]\n");
}

static int run(struct app *app, const struct args *a)
{
	enum out_format format = args_format(a, 0);

	(void)app;
	if (format == FORMAT_CSV)
		write_csv();
	else if (format == FORMAT_JSON)
		write_json();
	else
		write_table();
	return 0;
}

static const struct verb_spec verbs[] = {
	{ NULL, NULL, 0, opts, "who may do what: roles, permissions and scopes", run },
};

const struct command_spec cmd_permissions_spec = {
	"permissions", "the permission table: which role may do what, on which records", verbs, 1,
	"  One row a permission, one column a role; each cell is the widest scope the\n"
	"  role holds it over: own, team, locality, any, or - (not at all).  The\n"
	"  replica's actions check this table, so the desk and the command line agree.\n",
};
