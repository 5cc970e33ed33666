/* caredesk: the command line.  The global options before the command are
 * read first; the command's own options and any global ones after it are
 * read in one pass from its table (args.h); then the configuration is
 * read and the verb runs.  Exit codes follow sysexits(3). */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "caredesk/datetime.h"
#include "caredesk/desk.h"
#include "cli/commands.h"
#include "cli/identity.h"
#include <config.h>	/* autoconf's, from the build tree */

static const struct command_spec *const commands[] = {
	&cmd_init_spec, &cmd_demo_spec, &cmd_generate_spec, &cmd_import_spec, &cmd_export_spec,
	&cmd_referral_spec, &cmd_note_spec, &cmd_handover_spec, &cmd_case_spec, &cmd_worker_spec,
	&cmd_sync_spec, &cmd_conflicts_spec, &cmd_central_spec, &cmd_check_spec, &cmd_permissions_spec,
	&cmd_person_spec, &cmd_access_spec,
};

/* The top-level usage: the global options with values, from their table. */
static void usage(FILE *fp)
{
	fputs("usage: caredesk", fp);
	for (int i = 0; i < GLOBAL_OPTION_COUNT; i++)
		if (global_options[i].value)
			fprintf(fp, " [--%s %s]", global_options[i].name, global_options[i].value);
	fputs(" [COMMAND [ARGS]]\n\n"
	      "Without a command, caredesk opens the desk for the current Unix user.\n"
	      "Commands (each takes --help):\n", fp);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-11s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nSee caredesk(1) and caredesk.conf(5).\n", fp);
}

static const struct command_spec *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
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
	if (now_start(&err))
		return app_fail(&err);
	if (identity_login(app->login, sizeof(app->login), &err))
		return app_fail(&err);
	return desk_check_options(&(struct desk_options){ .keys = app->cfg.keys,
							   .key_count = app->cfg.key_count,
							   .colours = app->cfg.colours,
							   .colour_count = app->cfg.colour_count });
}

/* The command line read: 0, or the exit status of a usage error. */
static int parse(struct app *app, int argc, char **argv, const struct command_spec **cmd,
		 struct args *a)
{
	int first, rc = args_parse_globals(argc, argv, &app->opts, &first);

	if (rc) {
		usage(stderr);
		return rc;
	}
	if (first >= argc)
		return 0;
	*cmd = find_command(argv[first]);
	if (!*cmd) {
		fprintf(stderr, "caredesk: unknown command '%s'\n", argv[first]);
		usage(stderr);
		return CD_EX_USAGE;
	}
	return args_parse(*cmd, argc - first, argv + first, &app->opts, a);
}

/* Help and version need no configuration, clock or identity: they must
 * work even when those are what is wrong. */
static int run(struct app *app, const struct command_spec *cmd, const struct args *a)
{
	int rc;

	if (app->opts.help) {
		if (cmd)
			args_help(stdout, cmd, a->verb);
		else
			usage(stdout);
		return 0;
	}
	if (app->opts.version) {
		printf("caredesk %s (schema %d)\n", PACKAGE_VERSION, replica_schema_version());
		return 0;
	}
	rc = setup(app);
	if (rc == 0)
		rc = cmd ? a->verb->run(app, a) : cmd_summary(app);
	config_free(&app->cfg);
	return rc;
}

int main(int argc, char **argv)
{
	struct app app;
	const struct command_spec *cmd = NULL;
	struct args a;
	int rc;

	/* Replica files are shared by the caredesk group (DESIGN 6): keep
	 * -wal and -shm files group-writable, never world-readable. */
	umask(007);
	setlocale(LC_ALL, "");
	memset(&app, 0, sizeof(app));
	memset(&a, 0, sizeof(a));
	app.started_ms = desk_clock_ms();
	rc = parse(&app, argc, argv, &cmd, &a);
	if (rc == 0)
		rc = run(&app, cmd, &a);
	return app_finish_output(rc);
}
