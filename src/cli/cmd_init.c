/* caredesk init: a new replica for one locality. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/sync_state.h"
#include "cli/commands.h"

static int make(struct app *app, const char *path, const char *locality, const char *central)
{
	struct replica *r = NULL;
	struct cd_error err;
	char team[CODE_MAX];
	int rc;

	cd_error_clear(&err);
	rc = app_open_anonymous(app, path, REPLICA_OPEN_CREATE, &r);
	if (rc)
		return rc;
	snprintf(team, sizeof(team), "%s-duty", locality);
	if (strcmp(locality, "borough") == 0)
		snprintf(team, sizeof(team), "mash");
	if (replica_init(r, locality, &err) ||
	    (central && sync_set_central_uri(r, central, &err)) ||
	    worker_ensure_admin(r, app->login, team, "admin", &err)) {
		replica_close(&r);
		unlink(path);
		return app_fail(&err);
	}
	replica_close(&r);
	return 0;
}

/* With a central, the replica is made beside its place and filled first. */
static int made(struct app *app, const struct args *a, const char *locality,
		const char *central)
{
	const char *path = app_replica_path(app);
	char fresh[PATH_MAX];
	int rc;

	if (access(path, F_OK) == 0)
		return args_usage_error(a, "%s already exists; caredesk init makes a new replica",
					path);
	if (snprintf(fresh, sizeof(fresh), "%s.new", path) >= (int)sizeof(fresh))
		return args_usage_error(a, "the replica's path is too long");
	if (central) {
		unlink(fresh);
		rc = make(app, fresh, locality, central);
		if (rc == 0)
			rc = app_first_sync(fresh, path);
	} else {
		rc = make(app, path, locality, NULL);
	}
	if (rc == 0)
		printf("caredesk: made %s for %s; %s is its admin\n", path, locality, app->login);
	return rc;
}

enum { I_LOCALITY, I_CENTRAL };
static const struct opt_spec opts[] = {
	[I_LOCALITY] = { "locality", "LOCALITY", "the locality it serves", OPT_REQUIRED, 0 },
	[I_CENTRAL] = { "central", "URI", "the central store to sync with", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int run(struct app *app, const struct args *a)
{
	const char *central = a->value[I_CENTRAL];
	struct cd_error err;

	cd_error_clear(&err);
	if (central && app_check_central_uri(central, &err))
		return app_fail(&err);
	return made(app, a, a->value[I_LOCALITY], central);
}

static const struct verb_spec verbs[] = {
	{ NULL, NULL, 0, opts, "a new replica, with you as its first admin", run },
};

const struct command_spec cmd_init_spec = {
	"init", "make a new replica for a locality", verbs, 1,
	"  Makes a new replica serving LOCALITY (north, south, central, west or borough)\n"
	"  at --replica FILE and registers you as its first admin worker.  --central\n"
	"  names the central store (file:/path, ssh://host/path or postgresql://...;\n"
	"  never a password): the replica is made as FILE.new, filled by a first sync\n"
	"  and renamed into place, so nothing half-filled is ever opened.\n",
};
