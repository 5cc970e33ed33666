/* caredesk central init URI: make a central store, or bring one up to this
 * caredesk's schema; caredesk central worker add: a worker in central's own
 * staff directory (a locality's first admin).  The desk's binary never
 * links libpq, so the work is done by caredesk-syncd, run here with its
 * exit status passed on. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caredesk/central_uri.h"
#include "caredesk/program.h"
#include "caredesk/sync_state.h"
#include "cli/commands.h"

/* The URI is stored in a file every desk user can read: no secrets in it. */
int app_check_central_uri(const char *uri, struct cd_error *err)
{
	const char *at, *colon;

	/* Typed on the command line, a bad address is a usage error. */
	if (central_uri_check(uri, err)) {
		err->code = CD_EX_USAGE;
		return -1;
	}
	if (!central_uri_is_pg(uri))
		return 0;
	at = strchr(uri, '@');
	colon = strchr(strstr(uri, "//") + 2, ':');
	if (at && colon && colon < at)
		return cd_error_set(err, CD_EX_USAGE, "central",
				    "the URI holds a password; keep it in ~/.pgpass or a service "
				    "file instead (the replica is readable by every desk user)");
	if (strstr(uri, "password="))
		return cd_error_set(err, CD_EX_USAGE, "central",
				    "the URI holds a password; keep it in ~/.pgpass or a service "
				    "file instead (the replica is readable by every desk user)");
	return 0;
}


/* caredesk-syncd with these arguments (argv[0] left for its path). */
static int run_syncd(const char **argv)
{
	char syncd[PATH_MAX];
	int status;
	pid_t pid;

	program_path("caredesk-syncd", "CAREDESK_SYNCD", syncd, sizeof(syncd));
	argv[0] = syncd;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "caredesk: cannot start %s: %s\n", syncd, strerror(errno));
		return CD_EX_SOFTWARE;
	}
	if (pid == 0) {
		execv(syncd, (char *const *)argv);
		fprintf(stderr, "caredesk: cannot run %s: %s\n", syncd, strerror(errno));
		_exit(CD_EX_SOFTWARE);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return CD_EX_SOFTWARE;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "caredesk: %s ended by signal %d\n", syncd, WTERMSIG(status));
	return CD_EX_SOFTWARE;
}

static int init_run(struct app *app, const struct args *a)
{
	const char *uri = a->operand[0];
	struct cd_error err;
	int rc;

	(void)app;
	cd_error_clear(&err);
	if (app_check_central_uri(uri, &err))
		return app_fail(&err);
	if (strncmp(uri, "ssh://", 6) == 0)
		return args_usage_error(a, "make an embedded central on its own host, with "
					"caredesk central init file:/path");
	rc = run_syncd((const char *[]){ NULL, "--init", uri, NULL });
	if (rc == 0)
		printf("caredesk: central store %s is ready\n", uri);
	return rc;
}

/* The central named by --central, or the one this replica syncs with. */
static int central_of(struct app *app, const struct args *a, const char *given, char *out,
		      size_t size)
{
	struct cd_error err;

	cd_error_clear(&err);
	if (given) {
		snprintf(out, size, "%s", given);
	} else {
		struct replica *r;
		int rc;

		if (access(app_replica_path(app), F_OK) != 0)
			return args_usage_error(a, "name the central with --central URI");
		rc = app_open_anonymous(app, app_replica_path(app), REPLICA_OPEN_EXISTING, &r);
		if (rc)
			return rc;
		rc = sync_central_uri(r, out, size);
		replica_close(&r);
		if (rc)
			return args_usage_error(a, "%s syncs with no central: name it with "
						"--central URI", app_replica_path(app));
	}
	if (app_check_central_uri(out, &err))
		return app_fail(&err);
	if (strncmp(out, "ssh://", 6) == 0)
		return args_usage_error(a, "run this on the central's own host, with "
					"--central file:/path");
	return 0;
}

enum { W_LOCALITY, W_ROLE, W_TEAM, W_NAME, W_CENTRAL };
static const struct opt_spec worker_opts[] = {
	[W_LOCALITY] = { "locality", "LOCALITY", "the locality they work in", OPT_REQUIRED, 0 },
	[W_ROLE] = { "role", "ROLES", "their roles (admin, duty, manager...)", OPT_REQUIRED, 0 },
	[W_TEAM] = { "team", "TEAM", "their team (default: the locality's duty team)", 0, 0 },
	[W_NAME] = { "name", "NAME", "their full name (default: the login)", 0, 0 },
	[W_CENTRAL] = { "central", "URI", "the central (default: this replica's)", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int worker_run(struct app *app, const struct args *a)
{
	const char *locality = a->value[W_LOCALITY];
	char uri[1024], team[CODE_MAX + 8];
	int rc;

	if (strcmp(a->operand[0], "add") != 0)
		return args_usage_error(a, "'%s': the verb is central worker add", a->operand[0]);
	rc = central_of(app, a, a->value[W_CENTRAL], uri, sizeof(uri));
	if (rc)
		return rc;
	if (a->value[W_TEAM])
		snprintf(team, sizeof(team), "%.40s", a->value[W_TEAM]);
	else if (strcmp(locality, "borough") == 0)
		snprintf(team, sizeof(team), "mash");
	else
		snprintf(team, sizeof(team), "%.40s-duty", locality);
	rc = run_syncd((const char *[]){ NULL, "--add-worker", a->operand[1], "--locality",
					 locality, "--role", a->value[W_ROLE], "--team", team,
					 "--name", a->value[W_NAME] ? a->value[W_NAME] : a->operand[1],
					 uri, NULL });
	if (rc == 0)
		app_message(stdout, "caredesk: %s is a worker of %s (%s) at central, as %s",
			    a->operand[1], team, locality, a->value[W_ROLE]);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "init", "URI", 1, NULL, "make a central store, or migrate it", init_run },
	{ "worker", "add LOGIN", 2, worker_opts, "add a worker to central's staff directory",
	  worker_run },
};

const struct command_spec cmd_central_spec = {
	"central", "make or migrate a central store; its staff directory", verbs, 2,
	"  Makes the central store at URI, or migrates it to this caredesk's schema:\n"
	"    file:/path/central.db       an embedded central (a SQLite file)\n"
	"    postgresql://host/database  schema caredesk, a sync role per locality\n"
	"                                (caredesk_sync_north ... _borough) and\n"
	"                                row-level security; the URI's user needs\n"
	"                                CREATEROLE.  Credentials come from ~/.pgpass\n"
	"                                or a service file, never from the URI.\n"
	"  central worker add LOGIN puts a worker in central's staff directory, or\n"
	"  updates them there: a locality's first admin, before any replica of it\n"
	"  exists (init --central takes its workers from central).  Central takes\n"
	"  a change only from an active worker of the replica's scope, and changes\n"
	"  to workers and roles only from an admin of it.\n",
};
