/* caredesk demo: a small borough to try the desk on.
 *
 * One replica per locality and one for the borough-wide teams, generated
 * from the same seed (so the same person has the same id in each), with a
 * busier queue over the last few days so a duty worker has something to
 * triage this morning.  The invoking user is a duty worker of the north
 * locality team and an admin.  Existing replicas are kept: the demo is
 * made once and then reopened. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "cli/commands.h"
#include "cli/generator.h"

static const char usage[] =
	"usage: caredesk demo [--dir DIR]\n"
	"  Makes the demo borough in DIR (default $XDG_DATA_HOME/caredesk/demo) if it\n"
	"  is not there yet: replica-north.db, replica-south.db, replica-central.db,\n"
	"  replica-west.db and replica-borough.db, then opens the north desk.\n";

#define DEMO_PEOPLE 4000
#define DEMO_SEED 2026
#define DEMO_LIVE_BOOST 5

static int mkdir_p(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0770) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(buf, 0770) != 0 && errno != EEXIST ? -1 : 0;
}

static void default_dir(char out[2048], size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(out, size, "%s/caredesk/demo", xdg);
	else
		snprintf(out, size, "%s/.local/share/caredesk/demo", home && *home ? home : ".");
}

static int make_demo(struct app *app, const char dir[2048])
{
	static const char *const scopes[] = { "north", "south", "central", "west", "borough" };
	struct generate_params p = { .people = DEMO_PEOPLE, .seed = DEMO_SEED,
				     .live_boost = DEMO_LIVE_BOOST };
	char path[4096], team[CODE_MAX];

	p.today = local_from_instant(now_instant()).date;
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		int rc;

		snprintf(path, sizeof(path), "%s/replica-%s.db", dir, scopes[i]);
		if (access(path, F_OK) == 0)
			continue;
		snprintf(team, sizeof(team), "%s-duty", scopes[i]);
		p.scope = scopes[i];
		printf("caredesk: making %s\n", path);
		fflush(stdout);
		rc = generate_replica(app, path, &p, strcmp(scopes[i], "borough") ? team : "mash");
		if (rc)
			return rc;
	}
	return 0;
}

int cmd_demo(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[2048], path[4096];
	struct replica *r;
	int c, rc;

	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	default_dir(dir, sizeof(dir));
	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'd')
			return app_option_error(usage, argv, c);
		if (strlen(optarg) >= sizeof(dir))
			return app_usage_error(usage, "--dir is too long");
		snprintf(dir, sizeof(dir), "%s", optarg);
	}
	if (optind < argc)
		return app_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (mkdir_p(dir) != 0) {
		fprintf(stderr, "caredesk: cannot make %s: %s\n", dir, strerror(errno));
		return CD_EX_CANTCREAT;
	}
	rc = make_demo(app, dir);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/replica-north.db", dir);
	app->opts.replica = path;
	rc = app_open(app, &r);
	if (rc)
		return rc;
	rc = app_desk_or_summary(app, r);
	replica_close(&r);
	return rc;
}
