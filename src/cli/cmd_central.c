/* caredesk central init URI: make a central store, or bring one up to this
 * caredesk's schema.  The desk's binary never links libpq, so the work is
 * done by caredesk-syncd --init, run here with its exit status passed on. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caredesk/central_uri.h"
#include "caredesk/program.h"
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


static int run_syncd_init(const char *uri)
{
	char syncd[PATH_MAX];
	int status;
	pid_t pid;

	program_path("caredesk-syncd", "CAREDESK_SYNCD", syncd, sizeof(syncd));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "caredesk: cannot start %s: %s\n", syncd, strerror(errno));
		return CD_EX_SOFTWARE;
	}
	if (pid == 0) {
		execl(syncd, syncd, "--init", uri, (char *)NULL);
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
	rc = run_syncd_init(uri);
	if (rc == 0)
		printf("caredesk: central store %s is ready\n", uri);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "init", "URI", 1, NULL, "make a central store, or migrate it", init_run },
};

const struct command_spec cmd_central_spec = {
	"central", "make or migrate a central store", verbs, 1,
	"  Makes the central store at URI, or migrates it to this caredesk's schema:\n"
	"    file:/path/central.db       an embedded central (a SQLite file)\n"
	"    postgresql://host/database  schema caredesk, a sync role per locality\n"
	"                                (caredesk_sync_north ... _borough) and\n"
	"                                row-level security; the URI's user needs\n"
	"                                CREATEROLE.  Credentials come from ~/.pgpass\n"
	"                                or a service file, never from the URI.\n",
};
