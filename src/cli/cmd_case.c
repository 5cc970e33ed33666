/* caredesk case: what the caseload screen does, from the command line:
 * set the next review date, close a case with a reason, reallocate it. */
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "cli/commands.h"

static int run(struct app *app, const struct args *a, const char *value, const char *reason,
	       int (*act)(struct replica *, const char *, const char *, const char *,
			  struct cd_error *), void (*say)(struct replica *, const char *id, const char *value))
{
	struct replica *r;
	struct cd_error err;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	rc = act(r, a->operand[0], value, reason, &err) ? app_fail(&err) : 0;
	if (rc == 0)
		say(r, a->operand[0], value);
	replica_close(&r);
	return rc;
}

/* The domain's three calls, in one shape so that one run serves them. */
static int set_review(struct replica *r, const char *id, const char *date, const char *unused,
		      struct cd_error *err)
{
	(void)unused;
	return case_set_review(r, id, date, err);
}

static int close_case(struct replica *r, const char *id, const char *reason,
		      const char *unused, struct cd_error *err)
{
	(void)unused;
	return case_close(r, id, reason, err);
}

static int reallocate(struct replica *r, const char *id, const char *to, const char *reason,
		      struct cd_error *err)
{
	return case_allocate(r, id, to, reason ? reason : "", err);
}

/* Each verb's one line on success, saying what it did (caredesk(1)). */
static void said_review(struct replica *r, const char *id, const char *date)
{
	struct civil_date d;
	char iso[ISO_DATE_LEN];

	(void)r;
	/* The date stored, though it may have been typed DD/MM/YYYY. */
	if (date_parse_typed(date, &d) == 0) {
		date_format(d, iso);
		date = iso;
	}
	printf("caredesk: case %s: next review %s\n", id, date);
}

static void said_close(struct replica *r, const char *id, const char *reason)
{
	char code[CODE_MAX];

	/* The code stored, though a label may have been typed. */
	printf("caredesk: case %s closed: %s\n", id,
	       code_lookup(r, "closure", reason, code) == 0 ? code : reason);
}

static void said_reallocate(struct replica *r, const char *id, const char *to)
{
	(void)r;
	printf("caredesk: case %s reallocated to %s\n", id, to);
}

static const struct opt_spec review_opts[] = {
	{ "date", "DATE", "next review, DD/MM/YYYY or YYYY-MM-DD (not past)",
	  OPT_REQUIRED, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct opt_spec close_opts[] = {
	{ "reason", "REASON", "a closure reason code", OPT_REQUIRED, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct opt_spec reallocate_opts[] = {
	{ "to", "LOGIN", "the worker who takes the case", OPT_REQUIRED, 0 },
	{ "reason", "TEXT", "why, for the chronology", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static int review_run(struct app *app, const struct args *a)
{
	return run(app, a, a->value[0], NULL, set_review, said_review);
}

static int close_run(struct app *app, const struct args *a)
{
	return run(app, a, a->value[0], NULL, close_case, said_close);
}

static int reallocate_run(struct app *app, const struct args *a)
{
	return run(app, a, a->value[0], a->value[1], reallocate, said_reallocate);
}

static const struct verb_spec verbs[] = {
	{ "review", "CASE_ID", 1, review_opts, "set the next review date", review_run },
	{ "close", "CASE_ID", 1, close_opts, "close a case with a reason", close_run },
	{ "reallocate", "CASE_ID", 1, reallocate_opts, "give the case to another worker",
	  reallocate_run },
};

const struct command_spec cmd_case_spec = {
	"case", "set a case's review date, close or reallocate it", verbs, 3,
	"  REASON is a closure reason code from data/codes.tsv.\n",
};
