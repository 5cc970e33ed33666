/* caredesk handover: write SBAR items for the next shift, acknowledge
 * (read back) the ones left for you, and list them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "cli/commands.h"

enum { H_SITUATION, H_BACKGROUND, H_ASSESSMENT, H_RECOMMENDATION, H_PRIORITY, H_PERSON,
       H_CASE };
static const struct opt_spec add_opts[] = {
	[H_SITUATION] = { "situation", "S", "what is happening now", OPT_BY_RULE, 0 },
	[H_BACKGROUND] = { "background", "B", "what led to it", OPT_BY_RULE, 0 },
	[H_ASSESSMENT] = { "assessment", "A", "what you think is going on", OPT_BY_RULE, 0 },
	[H_RECOMMENDATION] = { "recommendation", "R", "what the next shift should do",
			       OPT_BY_RULE, 0 },
	[H_PRIORITY] = { "priority", "red|amber|green", "how urgent (default amber)", 0, 0 },
	[H_PERSON] = { "person", "ID", "the person it is about", 0, 0 },
	[H_CASE] = { "case", "ID", "the case it is about", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int add_run(struct app *app, const struct args *a)
{
	struct handover_input in = {
		.sbar = { .situation = a->value[H_SITUATION], .background = a->value[H_BACKGROUND],
			  .assessment = a->value[H_ASSESSMENT],
			  .recommendation = a->value[H_RECOMMENDATION] },
		.priority = a->value[H_PRIORITY] ? a->value[H_PRIORITY] : "amber",
		.person_id = a->value[H_PERSON], .case_id = a->value[H_CASE],
	};
	struct replica *r;
	struct cd_error err;
	char id[UUID_STR_LEN];
	int rc = app_open(app, &r);

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

static const struct opt_spec ack_opts[] = {
	{ "readback", "TEXT", "what you understood, in your words", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int ack_run(struct app *app, const struct args *a)
{
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (handover_ack(r, a->operand[0], a->value[0], &err))
		rc = app_fail(&err);
	else
		printf("caredesk: handover item %s acknowledged by %s\n", a->operand[0],
		       r->actor.worker_login);
	replica_close(&r);
	return rc;
}

static int list_run(struct app *app, const struct args *a)
{
	return app_list(app, a, "handover");
}

static const struct verb_spec verbs[] = {
	{ "add", NULL, 0, add_opts, "an SBAR item for the next shift", add_run },
	{ "ack", "ITEM_ID", 1, ack_opts, "acknowledge an item left for you", ack_run },
	{ "list", NULL, 0, app_list_opts, "the handover items", list_run },
};

const struct command_spec cmd_handover_spec = {
	"handover", "write and acknowledge shift handover items", verbs, 3, NULL,
};
