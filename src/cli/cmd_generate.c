/* caredesk generate: a synthetic borough as a standalone replica. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "cli/commands.h"
#include "cli/generator.h"

#define PEOPLE_MAX 2000000

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_seed(const char *s, unsigned long long *out)
{
	char *end;

	errno = 0;
	if (*s == '-')
		return -1;
	*out = strtoull(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

/* Make a new replica for generated data: its own identity and the invoking
 * admin come from the seed too, so two runs agree byte for byte. */
int generate_replica(struct app *app, const char *path, const struct generate_params *p,
		     const char *admin_team)
{
	struct replica *r = NULL;
	struct cd_error err;
	struct rng ids;
	int rc;

	cd_error_clear(&err);
	rc = app_open_anonymous(app, path, REPLICA_OPEN_CREATE, &r);
	if (rc)
		return rc;
	rng_seed(&ids, p->seed ^ 0x7265706c696361ULL);
	r->ids = (struct idgen){ .rng = &ids, .ms = generate_now(p->today) * 1000 - 1000000 };
	r->fixed_now = generate_now(p->today);
	if (replica_init(r, p->scope ? p->scope : "borough", &err) ||
	    worker_ensure_admin(r, app->login, admin_team, "duty,admin", &err) ||
	    replica_set_actor(r, app->login, NULL, &err) || replica_begin_intake(r, &err) ||
	    replica_bulk_mode(r, true, &err) ||
	    generate_borough(r, p, &err) ||
	    replica_bulk_mode(r, false, &err)) {
		rc = app_fail(&err);
		replica_close(&r);
		unlink(path);
		return rc;
	}
	replica_close(&r);
	return 0;
}

enum { G_PEOPLE, G_SEED, G_OUT, G_TODAY };
static const struct opt_spec opts[] = {
	[G_PEOPLE] = { "people", "N", "how many people", OPT_REQUIRED, 0 },
	[G_SEED] = { "seed", "S", "the random seed (a whole number)", OPT_REQUIRED, 0 },
	[G_OUT] = { "out", "FILE", "the new replica", OPT_REQUIRED, 0 },
	[G_TODAY] = { "today", "DATE", "its last day, DD/MM/YYYY or YYYY-MM-DD (today)",
		      0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

/* The parameters from the options; a usage error's status otherwise. */
static int read_params(const struct args *a, struct generate_params *p)
{
	const char *today = a->value[G_TODAY];
	unsigned long long seed;

	if (parse_long(a->value[G_PEOPLE], 1, PEOPLE_MAX, &p->people))
		return args_usage_error(a, "--people must be 1 to %d", PEOPLE_MAX);
	if (parse_seed(a->value[G_SEED], &seed))
		return args_usage_error(a, "--seed must be a whole number");
	p->seed = seed;
	if (today && date_parse_typed(today, &p->today))
		return args_usage_error(a, "--today must be a date, " DATE_TYPED_FORMS);
	if (!today)
		p->today = local_from_instant(now_instant()).date;
	return 0;
}

static int run(struct app *app, const struct args *a)
{
	struct generate_params p = { 0 };
	const char *out = a->value[G_OUT];
	time_t began = time(NULL);
	int rc = read_params(a, &p);

	if (rc)
		return rc;
	if (access(out, F_OK) == 0)
		return args_usage_error(a, "%s already exists; generate makes a new file", out);
	p.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	rc = generate_replica(app, out, &p, "north-duty");
	if (rc == 0)
		printf("caredesk: made %s: %ld people (seed %llu) in %lds\n", out, p.people,
		       (unsigned long long)p.seed, (long)(time(NULL) - began));
	return rc;
}

static const struct verb_spec verbs[] = {
	{ NULL, NULL, 0, opts, "a synthetic borough as a standalone replica", run },
};

const struct command_spec cmd_generate_spec = {
	"generate", "make a synthetic borough replica", verbs, 1,
	"  Makes FILE, a borough-wide replica of N synthetic people with ten years of\n"
	"  referrals, cases, chronology and handover.  The same N, S and today give\n"
	"  the same data, to the byte in every export.  NHS numbers are from the\n"
	"  999 test range.  You are registered as its admin.\n",
};
