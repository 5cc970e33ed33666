/* caredesk init: a new replica for one locality. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk init --locality LOCALITY [--central URI] [--replica FILE]\n"
	"  Makes a new replica serving LOCALITY (north, south, central, west or borough)\n"
	"  and registers you as its first admin worker.  --central names the central\n"
	"  store (file:/path, ssh://host/path or postgresql://...; never a password):\n"
	"  the replica is made as FILE.new, filled by a first sync and renamed into\n"
	"  place, so nothing half-filled is ever opened.\n";

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
	    (central && replica_meta_set(r, "central_uri", central, &err)) ||
	    worker_ensure_admin(r, app->login, team, &err)) {
		replica_close(&r);
		unlink(path);
		return app_fail(&err);
	}
	replica_close(&r);
	return 0;
}

/* With a central, the replica is made beside its place and filled first. */
static int made(struct app *app, const char *path, const char *locality, const char *central)
{
	char fresh[PATH_MAX];
	int rc;

	if (access(path, F_OK) == 0)
		return app_usage_error(usage, "%s already exists; caredesk init makes a new replica",
				       path);
	if (snprintf(fresh, sizeof(fresh), "%s.new", path) >= (int)sizeof(fresh))
		return app_usage_error(usage, "the replica's path is too long");
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

int cmd_init(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "locality", required_argument, NULL, 'l' },
		{ "central", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *locality = NULL, *central = NULL;
	struct cd_error err;
	int c;

	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'l')
			locality = optarg;
		else if (c == 'c')
			central = optarg;
		else
			return app_option_error(usage, argv, c);
	}
	if (optind < argc)
		return app_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!locality)
		return app_usage_error(usage, "--locality is required");
	cd_error_clear(&err);
	if (central && app_check_central_uri(central, &err))
		return app_fail(&err);
	return made(app, app_replica_path(app), locality, central);
}
