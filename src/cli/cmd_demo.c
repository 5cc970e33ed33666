/* caredesk demo: a small borough to try the desk on, syncing live.
 *
 * The borough is generated once into central-store.db, an embedded
 * central store (with a busier queue over the last few days, so a duty
 * worker has something to triage this morning); each replica (one per
 * locality, one for the borough-wide teams) is then made by a first sync
 * from it, in a new file renamed into place when complete.  The invoking
 * user is a duty worker of the north locality team and an admin.  While
 * the desk is open a sync agent keeps the north replica in step, so the
 * status line is live.  Existing files are kept: the demo is made once
 * and then reopened. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/program.h"
#include "caredesk/sync.h"
#include "caredesk/sync_rows.h"
#include "cli/commands.h"
#include "cli/generator.h"

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

static int make_central(struct app *app, const char *dir, const char *central)
{
	struct generate_params p = { .people = DEMO_PEOPLE, .seed = DEMO_SEED,
				     .live_boost = DEMO_LIVE_BOOST, .scope = "borough" };
	char tmp[4096];
	struct replica *r;
	struct cd_error err;
	int rc;

	snprintf(tmp, sizeof(tmp), "%.3900s/central-store.db.new", dir);
	unlink(tmp);
	p.today = local_from_instant(now_instant()).date;
	printf("caredesk: making %s\n", central);
	fflush(stdout);
	rc = generate_replica(app, tmp, &p, "north-duty");
	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = app_open_anonymous(app, tmp, REPLICA_OPEN_EXISTING, &r);
	if (rc)
		return rc;
	if (central_seed(r, &err))
		rc = app_fail(&err);
	replica_close(&r);
	if (rc == 0 && rename(tmp, central) != 0) {
		fprintf(stderr, "caredesk: cannot make %s: %s\n", central, strerror(errno));
		rc = CD_EX_CANTCREAT;
	}
	return rc;
}

/* A replica's first sync goes into a new file, renamed into place only
 * when complete: a half-made replica is never opened. */
static int make_replica(struct app *app, const char *dir, const char *central, const char *scope)
{
	char path[4096], tmp[4096], uri[4200];
	struct replica *r;
	struct cd_error err;
	int rc;

	snprintf(path, sizeof(path), "%.3900s/replica-%.40s.db", dir, scope);
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%.4000s.new", path);
	unlink(tmp);
	snprintf(uri, sizeof(uri), "file:%s", central);
	printf("caredesk: making %s\n", path);
	rc = app_open_anonymous(app, tmp, REPLICA_OPEN_CREATE, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (replica_init(r, scope, &err) || sync_set_central_uri(r, uri, &err))
		rc = app_fail(&err);
	replica_close(&r);
	return rc ? rc : app_first_sync(tmp, path);
}

static int make_demo(struct app *app, const char dir[2048])
{
	static const char *const scopes[] = { "north", "south", "central", "west", "borough" };
	char central[4096], abs_dir[PATH_MAX];
	int rc = 0;

	if (!realpath(dir, abs_dir)) {
		fprintf(stderr, "caredesk: %s: %s\n", dir, strerror(errno));
		return CD_EX_CANTCREAT;
	}
	snprintf(central, sizeof(central), "%.3900s/central-store.db", abs_dir);
	if (access(central, F_OK) != 0)
		rc = make_central(app, abs_dir, central);
	for (size_t i = 0; rc == 0 && i < sizeof(scopes) / sizeof(scopes[0]); i++)
		rc = make_replica(app, abs_dir, central, scopes[i]);
	return rc;
}

static int run(struct app *app, const struct args *a)
{
	char dir[2048], path[4096];
	struct replica *r;
	pid_t agent = -1;
	int rc;

	if (a->value[0] && strlen(a->value[0]) >= sizeof(dir))
		return args_usage_error(a, "--dir is too long");
	if (a->value[0])
		snprintf(dir, sizeof(dir), "%s", a->value[0]);
	else
		default_dir(dir, sizeof(dir));
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
	/* The agent runs while the desk is open, and stops with it. */
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		app_run_agent(path, false, &agent);
	rc = app_desk_or_summary(app, r);
	replica_close(&r);
	if (agent > 0) {
		kill(agent, SIGTERM);
		waitpid(agent, NULL, 0);
	}
	return rc;
}

static const struct opt_spec opts[] = {
	{ "dir", "DIR", "where the demo lives", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct verb_spec verbs[] = {
	{ NULL, NULL, 0, opts, "make the demo borough if missing, then open the desk", run },
};

const struct command_spec cmd_demo_spec = {
	"demo", "make the demo borough and open it", verbs, 1,
	"  Makes the demo borough in DIR (default $XDG_DATA_HOME/caredesk/demo) if it\n"
	"  is not there yet: central-store.db (the embedded central store) and, synced\n"
	"  from it, replica-north.db, replica-south.db, replica-central.db,\n"
	"  replica-west.db and replica-borough.db; then opens the north desk with a\n"
	"  sync agent running.\n",
};
