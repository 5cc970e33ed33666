/* Synthetic borough data, reproducible from a seed.
 *
 * The model draws people in households (families with parents, children
 * and siblings, couples, people living alone), then each person's history
 * of referrals over ten years with the proportions of domain.md: age
 * groups, localities, sources and categories by age group, safeguarding,
 * re-referrals, triage decisions, allocation, case lengths, chronology,
 * flags, and shift handover with read-back.  Every record is written
 * through the same replica actions the desk uses, so generated data obeys
 * every rule real data does.
 *
 * Only the seed, the number of people and "today" decide the output.  Ids
 * come from a generator seeded per person, so a replica that holds only one
 * locality (the demo's) has the same ids for the same records as the whole
 * borough. */
#ifndef CAREDESK_CLI_GENERATOR_H
#define CAREDESK_CLI_GENERATOR_H

#include <stdint.h>
#include <stdio.h>

#include "caredesk/datetime.h"
#include "caredesk/replica.h"

struct generate_params {
	long people;
	uint64_t seed;
	struct civil_date today;	/* the desk's morning: generation stops at 08:45 local */
	const char *scope;		/* NULL: the whole borough; else one locality's people */
	int live_boost;			/* extra referrals a locality a day in the last days */
	FILE *progress;			/* NULL: quiet */
};

/* Fill an initialised, empty replica; the caller has made it and registered
 * its admin.  Runs as one uncaptured transaction: all or nothing. */
int generate_borough(struct replica *r, const struct generate_params *p, struct cd_error *err);

/* The instant generation treats as "now" for a given today. */
int64_t generate_now(struct civil_date today);

#endif
