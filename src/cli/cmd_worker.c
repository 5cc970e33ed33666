/* caredesk worker: who may use this replica, in which team and role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "cli/commands.h"

enum { W_NAME, W_TEAM, W_ROLE };
static const struct opt_spec add_opts[] = {
	[W_NAME] = { "name", "NAME", "the worker's full name", OPT_REQUIRED, 0 },
	[W_TEAM] = { "team", "TEAM", "the team they work in", OPT_REQUIRED, 0 },
	[W_ROLE] = { "role", "ROLE", "their role (default practitioner)", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int add_run(struct app *app, const struct args *a)
{
	struct worker_input in = { .login = a->operand[0], .name = a->value[W_NAME],
				   .team = a->value[W_TEAM],
				   .role = a->value[W_ROLE] ? a->value[W_ROLE] : "practitioner" };
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = worker_add(r, &in, NULL, &err) ? app_fail(&err) : 0;
	if (rc == 0)
		printf("caredesk: %s may use this replica (%s, %s)\n", in.login, in.team, in.role);
	replica_close(&r);
	return rc;
}

static const struct opt_spec disable_opts[] = {
	{ "reassign-to", "LOGIN", "who takes their open cases", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int disable_run(struct app *app, const struct args *a)
{
	const char *login = a->operand[0], *to = a->value[0];
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r), moved = 0;

	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = worker_disable(r, login, to, &moved, &err) ? app_fail(&err) : 0;
	if (rc == 0 && to)
		printf("caredesk: %s disabled; %d open case%s moved to %s\n", login, moved,
		       moved == 1 ? "" : "s", to);
	else if (rc == 0)
		printf("caredesk: %s disabled; their open cases stay allocated to them until "
		       "reallocated\n", login);
	replica_close(&r);
	return rc;
}

static int list_run(struct app *app, const struct args *a)
{
	return app_list(app, a, "workers");
}

static const struct verb_spec verbs[] = {
	{ "add", "LOGIN", 1, add_opts, "let a Unix login use this replica", add_run },
	{ "list", NULL, 0, app_list_opts, "the workers of this replica", list_run },
	{ "disable", "LOGIN", 1, disable_opts, "stop a leaver using it", disable_run },
};

const struct command_spec cmd_worker_spec = {
	"worker", "add, list and disable workers", verbs, 3,
	"  ROLE is duty, practitioner, mash, manager or admin (default practitioner).\n"
	"  Adding and disabling workers needs an admin worker.\n",
};
