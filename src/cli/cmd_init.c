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
	/* With a central, the workers come from central's staff directory:
	 * registering oneself there is what central refuses from any desk. */
	if (replica_init(r, locality, &err) ||
	    (central && sync_set_central_uri(r, central, &err)) ||
	    (!central && worker_ensure_admin(r, app->login, team, "admin", &err))) {
		replica_close(&r);
		unlink(path);
		return app_fail(&err);
	}
	replica_close(&r);
	return 0;
}

/* After the first sync, the new replica's staff directory is central's:
 * its maker must be an active worker of the locality there, or the
 * replica would be one no one may use.  The roles, for the message. */
static int central_knows(struct app *app, const char *fresh, const char *locality,
			 char roles[ROLES_TEXT_MAX])
{
	struct replica *r;
	sqlite3_stmt *st;
	int rc = app_open_anonymous(app, fresh, REPLICA_OPEN_EXISTING, &r);
	bool known;

	if (rc)
		return rc;
	st = replica_stmt(r, "SELECT role FROM worker WHERE login = ?1 AND active = 1 AND "
			     "(?2 = 'borough' OR locality = ?2 OR locality = 'borough')");
	sqlite3_bind_text(st, 1, app->login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, locality, -1, SQLITE_STATIC);
	known = sqlite3_step(st) == SQLITE_ROW;
	if (known)
		snprintf(roles, ROLES_TEXT_MAX, "%s", column_text(st, 0));
	sqlite3_reset(st);
	replica_close(&r);
	if (known)
		return 0;
	app_message(stderr, "caredesk: %s is not an active worker of %s at central; nothing was "
		    "made.  An admin adds them where the central is: caredesk central worker add "
		    "%s --locality %s --role ROLES", app->login, locality, app->login, locality);
	return CD_EX_NOPERM;
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
		char roles[ROLES_TEXT_MAX] = "";

		unlink(fresh);
		rc = make(app, fresh, locality, central);
		if (rc == 0)
			rc = app_first_fill(fresh, path);
		if (rc == 0) {
			rc = central_knows(app, fresh, locality, roles);
			if (rc)
				app_discard_fresh(fresh);
		}
		if (rc == 0)
			rc = app_place_replica(fresh, path);
		if (rc == 0)
			app_message(stdout, "caredesk: made %s for %s; %s works here as %s", path,
				    locality, app->login, roles);
		return rc;
	}
	rc = make(app, path, locality, NULL);
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
	{ NULL, NULL, 0, opts, "a new replica, with you as its first admin or from a central",
	  run },
};

const struct command_spec cmd_init_spec = {
	"init", "make a new replica for a locality", verbs, 1,
	"  Makes a new replica serving LOCALITY (north, south, central, west or borough)\n"
	"  at --replica FILE.  Standalone, it registers you as its first admin.\n"
	"  --central names the central store (file:/path, ssh://host/path or\n"
	"  postgresql://...; never a password): the replica is made as FILE.new,\n"
	"  filled by a first sync and renamed into place, so nothing half-filled\n"
	"  is ever opened.  Its workers are central's: you must be an active worker\n"
	"  of LOCALITY there (caredesk central worker add, where the central is).\n",
};
