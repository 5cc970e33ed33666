/* caredesk generate: a synthetic borough as a standalone replica. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "cli/commands.h"
#include "cli/generator.h"

static const char usage[] =
	"usage: caredesk generate --people N --seed S --out FILE [--today YYYY-MM-DD]\n"
	"  Makes FILE, a borough-wide replica of N synthetic people with ten years of\n"
	"  referrals, cases, chronology and handover.  The same N, S and today give\n"
	"  the same data, to the byte in every export.  NHS numbers are from the\n"
	"  999 test range.  You are registered as its admin.\n";

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
	    worker_ensure_admin(r, app->login, admin_team, &err) ||
	    replica_set_actor(r, app->login, NULL, &err) || replica_bulk_mode(r, true, &err) ||
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

int cmd_generate(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "people", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "today", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct generate_params p = { 0 };
	const char *out = NULL, *today = NULL;
	unsigned long long seed = 0;
	int have_seed = 0, c, rc;
	time_t began = time(NULL);

	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'p') {
			if (parse_long(optarg, 1, PEOPLE_MAX, &p.people))
				return app_usage_error(usage, "--people must be 1 to %d", PEOPLE_MAX);
		} else if (c == 's') {
			if (parse_seed(optarg, &seed))
				return app_usage_error(usage, "--seed must be a whole number");
			have_seed = 1;
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 't') {
			today = optarg;
		} else {
			return app_option_error(usage, argv, c);
		}
	}
	if (optind < argc)
		return app_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!p.people || !have_seed || !out)
		return app_usage_error(usage, "generate needs --people, --seed and --out");
	if (today && date_parse(today, &p.today))
		return app_usage_error(usage, "--today must be a date, YYYY-MM-DD");
	if (!today)
		p.today = local_from_instant(now_instant()).date;
	if (access(out, F_OK) == 0)
		return app_usage_error(usage, "%s already exists; generate makes a new file", out);
	p.seed = seed;
	p.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	rc = generate_replica(app, out, &p, "mash");
	if (rc == 0)
		printf("caredesk: made %s: %ld people (seed %llu) in %lds\n", out, p.people, seed,
		       (long)(time(NULL) - began));
	return rc;
}
