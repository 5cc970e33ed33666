/* caredesk: the command line.  Global options are taken out first (they may
 * come before or after the subcommand), the configuration is read, and the
 * subcommand runs with the rest.  Exit codes follow sysexits(3). */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "caredesk/datetime.h"
#include "caredesk/desk.h"
#include "cli/commands.h"
#include "cli/identity.h"
#include <config.h>	/* autoconf's, from the build tree */

struct command {
	const char *name;
	int (*run)(struct app *app, int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "make a new replica for a locality" },
	{ "demo", cmd_demo, "make the demo borough and open it" },
	{ "generate", cmd_generate, "make a synthetic borough replica" },
	{ "import", cmd_import, "import referrals from RFC 4180 CSV" },
	{ "export", cmd_export, "write a table as CSV or JSON" },
	{ "referral", cmd_referral, "list, show, triage and allocate referrals" },
	{ "note", cmd_note, "add a note to the chronology" },
	{ "handover", cmd_handover, "write and acknowledge shift handover items" },
	{ "case", cmd_case, "set a case's review date, close or reallocate it" },
	{ "worker", cmd_worker, "add, list and disable workers" },
	{ "sync", cmd_sync, "the sync agent's state; the central store" },
	{ "conflicts", cmd_conflicts, "list and resolve sync conflicts" },
	{ "central", cmd_central, "make or migrate a central store" },
	{ "check", cmd_check, "check the replica's integrity" },
};

static const char usage_text[] =
	"usage: caredesk [--config FILE] [--replica FILE] [--as LOGIN] [COMMAND [ARGS]]\n"
	"\n"
	"Without a command, caredesk opens the desk for the current Unix user.\n"
	"Commands (each takes --help):\n";

static void usage(FILE *fp)
{
	fputs(usage_text, fp);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nSee caredesk(1) and caredesk.conf(5).\n", fp);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int setup(struct app *app)
{
	struct cd_error err;

	cd_error_clear(&err);
	if (config_load(app->opts.config, &app->cfg, &err))
		return app_fail(&err);
	if (localzone_set(app->cfg.timezone)) {
		cd_error_set(&err, CD_EX_CONFIG, "timezone",
			     "unknown time zone '%s' (is the tzdata package installed?)",
			     app->cfg.timezone);
		if (app->cfg.path)
			cd_error_at(&err, app->cfg.path, 0);
		return app_fail(&err);
	}
	if (now_init()) {
		cd_error_set(&err, CD_EX_USAGE, "CAREDESK_NOW",
			     "not an ISO 8601 time with a zone (e.g. 2026-11-23T09:00:00Z)");
		return app_fail(&err);
	}
	if (identity_login(app->login, sizeof(app->login), &err))
		return app_fail(&err);
	return desk_check_options(&(struct desk_options){ .keys = app->cfg.keys,
							   .key_count = app->cfg.key_count,
							   .colours = app->cfg.colours,
							   .colour_count = app->cfg.colour_count });
}

int main(int argc, char **argv)
{
	struct app app;
	struct cd_error err;
	const struct command *cmd = NULL;
	int rc;

	/* Replica files are shared by the caredesk group (DESIGN 6): keep
	 * -wal and -shm files group-writable, never world-readable. */
	umask(007);
	setlocale(LC_ALL, "");
	memset(&app, 0, sizeof(app));
	app.started_ms = desk_clock_ms();
	cd_error_clear(&err);
	if (global_opts_extract(&argc, argv, &app.opts, &err))
		return app_fail(&err);
	if (argc >= 2) {
		cmd = find_command(argv[1]);
		if (!cmd) {
			fprintf(stderr, "caredesk: unknown command '%s'\n", argv[1]);
			usage(stderr);
			return CD_EX_USAGE;
		}
	}
	if (app.opts.help && !cmd) {
		usage(stdout);
		return 0;
	}
	if (app.opts.version) {
		printf("caredesk %s (schema %d)\n", PACKAGE_VERSION, replica_schema_version());
		return 0;
	}
	/* Help needs no configuration, clock or identity: it must work even
	 * when those are what is wrong. */
	rc = app.opts.help ? 0 : setup(&app);
	if (rc == 0)
		rc = cmd ? cmd->run(&app, argc - 1, argv + 1) : cmd_summary(&app, argc - 1, argv + 1);
	config_free(&app.cfg);
	return rc;
}
