/* caredesk worker: who may use this replica, in which team and role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/ids.h"
#include "caredesk/query.h"
#include "cli/commands.h"
#include "cli/identity.h"

enum { W_NAME, W_TEAM, W_ROLE };
static const struct opt_spec add_opts[] = {
	[W_NAME] = { "name", "NAME", "the worker's full name", OPT_REQUIRED, 0 },
	[W_TEAM] = { "team", "TEAM", "the team they work in", OPT_REQUIRED, 0 },
	[W_ROLE] = { "role", "ROLE[,ROLE...]", "their roles (default practitioner)", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int add_run(struct app *app, const struct args *a)
{
	struct worker_input in = { .login = a->operand[0], .name = a->value[W_NAME],
				   .team = a->value[W_TEAM],
				   .roles = a->value[W_ROLE] ? a->value[W_ROLE] : "practitioner" };
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = worker_add(r, &in, NULL, &err) ? app_fail(&err) : 0;
	if (rc == 0)
		printf("caredesk: %s may use this replica (%s, %s)\n", in.login, in.team, in.roles);
	replica_close(&r);
	return rc;
}

enum { S_ROLE, S_TEAM };
static const struct opt_spec set_opts[] = {
	[S_ROLE] = { "role", "ROLE[,ROLE...]", "their roles from now on", 0, 0 },
	[S_TEAM] = { "team", "TEAM", "the team they work in from now on", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int set_run(struct app *app, const struct args *a)
{
	const char *login = a->operand[0];
	struct replica *r;
	struct cd_error err;
	int rc;

	if (!a->value[S_ROLE] && !a->value[S_TEAM])
		return args_usage_error(a, "say what changes: --role, --team or both");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = worker_set(r, login, a->value[S_ROLE], a->value[S_TEAM], &err) ? app_fail(&err) : 0;
	if (rc == 0)
		printf("caredesk: %s changed%s%s%s%s\n", login, a->value[S_ROLE] ? "; roles " : "",
		       a->value[S_ROLE] ? a->value[S_ROLE] : "", a->value[S_TEAM] ? "; team " : "",
		       a->value[S_TEAM] ? a->value[S_TEAM] : "");
	replica_close(&r);
	return rc;
}

enum { D_TO, D_OVERRIDE };
static const struct opt_spec disable_opts[] = {
	[D_TO] = { "reassign-to", "LOGIN", "who takes their open cases and referrals", 0, 0 },
	[D_OVERRIDE] = { "override-reason", "TEXT", "why cases may cross the service", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const char *plural(int n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int disable_run(struct app *app, const struct args *a)
{
	const char *login = a->operand[0];
	struct reassignment to = { a->value[D_TO], a->value[D_OVERRIDE] };
	struct reassigned moved;
	struct replica *r;
	struct cd_error err;
	int rc;

	if (to.override_reason && !to.login)
		return args_usage_error(a, "--override-reason goes with --reassign-to");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = worker_disable(r, login, to.login ? &to : NULL, &moved, &err) ? app_fail(&err) : 0;
	if (rc == 0 && to.login)
		printf("caredesk: %s disabled; %d open %s and %d open %s moved to %s%s\n", login,
		       moved.cases, plural(moved.cases, "case", "cases"), moved.referrals,
		       plural(moved.referrals, "referral", "referrals"), to.login,
		       moved.across_services ? " (across services, override recorded)" : "");
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

enum { R_NAME, R_TEAM };
static const struct opt_spec recover_opts[] = {
	[R_NAME] = { "name", "NAME", "their full name (a login not yet a worker)", 0, 0 },
	[R_TEAM] = { "team", "TEAM", "their team (a login not yet a worker)", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

/* Root on the host, and only while no administrator is active: the
 * replica's file is root's to read and write anyway, so this gives no
 * power root lacks, and it leaves an audit event where editing the file
 * by hand would leave none. */
static int recover_run(struct app *app, const struct args *a)
{
	struct worker_input in = { .login = a->operand[0], .name = a->value[R_NAME],
				   .team = a->value[R_TEAM] };
	char user[LOGIN_MAX];
	struct replica *r;
	struct cd_error err;
	int rc;

	cd_error_clear(&err);
	if (getuid() != 0)
		return app_fail(&(struct cd_error){ .code = CD_EX_NOPERM,
			.msg = "worker recover is for root on this host (run it with sudo): it "
			       "makes an administrator when a replica has none" });
	if (identity_login(user, sizeof(user), &err))
		return app_fail(&err);
	rc = app_open_anonymous(app, app_replica_path(app), REPLICA_OPEN_EXISTING, &r);
	if (rc)
		return rc;
	if (worker_recover(r, user, &in, &err))
		rc = app_fail(&err);
	else
		printf("caredesk: %s is an administrator of this replica again (recovered by %s)\n",
		       in.login, user);
	replica_close(&r);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "add", "LOGIN", 1, add_opts, "let a Unix login use this replica", add_run },
	{ "set", "LOGIN", 1, set_opts, "change a worker's roles or team", set_run },
	{ "list", NULL, 0, app_list_opts, "the workers of this replica", list_run },
	{ "disable", "LOGIN", 1, disable_opts, "stop a leaver using it", disable_run },
	{ "recover", "LOGIN", 1, recover_opts, "root only: an administrator for a replica "
	  "that has none", recover_run },
};

const struct command_spec cmd_worker_spec = {
	"worker", "add, change, list and disable workers", verbs, 5,
	"  ROLE is practitioner, duty, mash, manager, pa (personal adviser), admin or\n"
	"  auditor; give several as --role duty,admin.  An admin changes any worker; a\n"
	"  team manager adds, changes and disables the workers of their own team, with\n"
	"  practice roles only.  The last active admin cannot be disabled; a replica\n"
	"  left with none is recovered by root on the host with worker recover.\n",
};
