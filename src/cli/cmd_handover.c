/* caredesk handover: write SBAR items for the next shift, acknowledge
 * (read back) the ones left for you, and list them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk handover add --situation S --background B --assessment A\n"
	"                             --recommendation R [--priority red|amber|green]\n"
	"                             [--person ID] [--case ID]\n"
	"       caredesk handover ack ITEM_ID [--readback TEXT]\n"
	"       caredesk handover list [--format table|csv|json]\n";

static int add_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "situation", required_argument, NULL, 's' },
		{ "background", required_argument, NULL, 'b' },
		{ "assessment", required_argument, NULL, 'a' },
		{ "recommendation", required_argument, NULL, 'r' },
		{ "priority", required_argument, NULL, 'p' },
		{ "person", required_argument, NULL, 'P' },
		{ "case", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct handover_input in = { .priority = "amber" };
	struct replica *r;
	struct cd_error err;
	char id[UUID_STR_LEN];
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's': in.sbar.situation = optarg; break;
		case 'b': in.sbar.background = optarg; break;
		case 'a': in.sbar.assessment = optarg; break;
		case 'r': in.sbar.recommendation = optarg; break;
		case 'p': in.priority = optarg; break;
		case 'P': in.person_id = optarg; break;
		case 'c': in.case_id = optarg; break;
		default: return app_option_error(usage, argv, c);
		}
	}
	if (optind < argc)
		return app_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (handover_add(r, &in, id, &err))
		rc = app_fail(&err);
	else
		printf("%s\n", id);
	replica_close(&r);
	return rc;
}

static int ack_cmd(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "readback", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *readback = NULL;
	struct replica *r;
	struct cd_error err;
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'r')
			readback = optarg;
		else
			return app_option_error(usage, argv, c);
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "handover ack needs one ITEM_ID");
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (handover_ack(r, argv[optind], readback, &err))
		rc = app_fail(&err);
	else
		printf("caredesk: handover item %s acknowledged by %s\n", argv[optind],
		       r->actor.worker_login);
	replica_close(&r);
	return rc;
}


int cmd_handover(struct app *app, int argc, char **argv)
{
	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		return app_usage_error(usage, "handover needs add, ack or list");
	if (strcmp(argv[1], "add") == 0)
		return add_cmd(app, argc - 1, argv + 1);
	if (strcmp(argv[1], "ack") == 0)
		return ack_cmd(app, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return app_list_command(app, argc - 1, argv + 1, usage, "handover");
	return app_usage_error(usage, "unknown handover command '%s'", argv[1]);
}
