/* caredesk case: what the caseload screen does, from the command line:
 * set the next review date, close a case with a reason, reallocate it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk case review CASE_ID --date YYYY-MM-DD\n"
	"       caredesk case close CASE_ID --reason REASON\n"
	"       caredesk case reallocate CASE_ID --to LOGIN [--reason TEXT]\n"
	"  REASON is a closure reason code from data/codes.tsv.\n";

enum case_verb { CASE_REVIEW, CASE_CLOSE, CASE_REALLOCATE };

static int run(struct app *app, enum case_verb verb, const char *id, const char *value,
	       const char *reason)
{
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r), failed;

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (verb == CASE_REVIEW)
		failed = case_set_review(r, id, value, &err);
	else if (verb == CASE_CLOSE)
		failed = case_close(r, id, value, &err);
	else
		failed = case_allocate(r, id, value, reason ? reason : "", &err);
	rc = failed ? app_fail(&err) : 0;
	replica_close(&r);
	return rc;
}

static int case_cmd(struct app *app, enum case_verb verb, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "reason", required_argument, NULL, 'r' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *date = NULL, *reason = NULL, *to = NULL, *value;
	int c;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd': date = optarg; break;
		case 'r': reason = optarg; break;
		case 't': to = optarg; break;
		default: return app_option_error(usage, argv, c);
		}
	}
	if (argc - optind != 1)
		return app_usage_error(usage, "case %s takes one CASE_ID", argv[0]);
	value = verb == CASE_REVIEW ? date : verb == CASE_CLOSE ? reason : to;
	if (!value)
		return app_usage_error(usage, "case %s needs %s", argv[0],
				       verb == CASE_REVIEW ? "--date" :
				       verb == CASE_CLOSE ? "--reason" : "--to");
	if (verb == CASE_REVIEW && reason)
		return app_usage_error(usage, "case review takes no --reason");
	return run(app, verb, argv[optind], value, verb == CASE_REALLOCATE ? reason : NULL);
}

int cmd_case(struct app *app, int argc, char **argv)
{
	static const struct {
		const char *name;
		enum case_verb verb;
	} verbs[] = { { "review", CASE_REVIEW }, { "close", CASE_CLOSE },
		      { "reallocate", CASE_REALLOCATE } };

	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		return app_usage_error(usage, "case needs review, close or reallocate");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return case_cmd(app, verbs[i].verb, argc - 1, argv + 1);
	return app_usage_error(usage, "unknown case command '%s'", argv[1]);
}
