/* caredesk worker: who may use this replica, in which team and role. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk worker add LOGIN --name NAME --team TEAM [--role ROLE]\n"
	"       caredesk worker list [--format table|csv|json]\n"
	"       caredesk worker disable LOGIN [--reassign-to LOGIN]\n"
	"  ROLE is duty, practitioner, mash, manager or admin (default practitioner).\n"
	"  Adding and disabling workers needs an admin worker.\n";

static int worker_add_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "team", required_argument, NULL, 't' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct worker_input in = { .role = "practitioner" };
	struct replica *r;
	struct cd_error err;
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'n')
			in.name = optarg;
		else if (c == 't')
			in.team = optarg;
		else if (c == 'r')
			in.role = optarg;
		else
			return app_option_error(usage, argv, c);
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "worker add needs exactly one LOGIN");
	if (!in.name || !in.team)
		return app_usage_error(usage, "worker add needs --name and --team");
	in.login = argv[optind];
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = worker_add(r, &in, NULL, &err) ? app_fail(&err) : 0;
	if (rc == 0)
		printf("caredesk: %s may use this replica (%s, %s)\n", in.login, in.team, in.role);
	replica_close(&r);
	return rc;
}

static int worker_disable_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reassign-to", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL;
	struct replica *r;
	struct cd_error err;
	int c, rc, moved = 0;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'r')
			to = optarg;
		else
			return app_option_error(usage, argv, c);
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "worker disable needs exactly one LOGIN");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = worker_disable(r, argv[optind], to, &moved, &err) ? app_fail(&err) : 0;
	if (rc == 0 && to)
		printf("caredesk: %s disabled; %d open case%s moved to %s\n", argv[optind], moved,
		       moved == 1 ? "" : "s", to);
	else if (rc == 0)
		printf("caredesk: %s disabled; their open cases stay allocated to them until "
		       "reallocated\n", argv[optind]);
	replica_close(&r);
	return rc;
}


int cmd_worker(struct app *app, int argc, char **argv)
{
	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		return app_usage_error(usage, "worker needs add, list or disable");
	if (strcmp(argv[1], "add") == 0)
		return worker_add_cmd(app, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return app_list_command(app, argc - 1, argv + 1, usage, "workers");
	if (strcmp(argv[1], "disable") == 0)
		return worker_disable_cmd(app, argc - 1, argv + 1);
	return app_usage_error(usage, "unknown worker command '%s'", argv[1]);
}
