/* Referral statuses, priorities and decision timescales (see the header for
 * the state diagram).  Tables rather than switch statements, so the rules
 * read as data and the tests can walk every pair. */
#include <string.h>

#include "caredesk/referral_rules.h"

static const char *const status_names[REFERRAL_STATUS_COUNT] = {
	[REFERRAL_NEW] = "new",
	[REFERRAL_TRIAGED] = "triaged",
	[REFERRAL_ALLOCATED] = "allocated",
	[REFERRAL_CLOSED] = "closed",
};

/* allowed[from][to] */
static const bool allowed[REFERRAL_STATUS_COUNT][REFERRAL_STATUS_COUNT] = {
	[REFERRAL_NEW] = { [REFERRAL_TRIAGED] = true, [REFERRAL_CLOSED] = true },
	[REFERRAL_TRIAGED] = { [REFERRAL_TRIAGED] = true, [REFERRAL_ALLOCATED] = true,
			       [REFERRAL_CLOSED] = true },
	[REFERRAL_ALLOCATED] = { [REFERRAL_ALLOCATED] = true, [REFERRAL_CLOSED] = true },
	[REFERRAL_CLOSED] = { false },
};

static const char *const priority_names[PRIORITY_COUNT] = {
	[PRIORITY_RED] = "red",
	[PRIORITY_AMBER] = "amber",
	[PRIORITY_GREEN] = "green",
};

const char *referral_status_name(enum referral_status s)
{
	return (unsigned)s < REFERRAL_STATUS_COUNT ? status_names[s] : "?";
}

int referral_status_parse(const char *name, enum referral_status *out)
{
	for (int i = 0; i < REFERRAL_STATUS_COUNT; i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum referral_status)i;
			return 0;
		}
	}
	return -1;
}

bool referral_status_is_open(enum referral_status s)
{
	return s == REFERRAL_NEW || s == REFERRAL_TRIAGED;
}

bool referral_transition_allowed(enum referral_status from, enum referral_status to)
{
	if ((unsigned)from >= REFERRAL_STATUS_COUNT || (unsigned)to >= REFERRAL_STATUS_COUNT)
		return false;
	return allowed[from][to];
}

const char *priority_name(enum priority p)
{
	return (unsigned)p < PRIORITY_COUNT ? priority_names[p] : "?";
}

int priority_parse(const char *name, enum priority *out)
{
	for (int i = 0; i < PRIORITY_COUNT; i++) {
		if (strcmp(name, priority_names[i]) == 0) {
			*out = (enum priority)i;
			return 0;
		}
	}
	return -1;
}

void timescales_default(struct timescales *t)
{
	t->child = 1;
	t->adult_safeguarding = 1;
	t->adult_other = 5;
}

int timescale_decision_days(const struct timescales *t, enum age_group group,
			    const char *category, bool safeguarding)
{
	if (group == AGE_GROUP_CHILD)
		return t->child;
	if (safeguarding || (category && strcmp(category, "safeguarding") == 0))
		return t->adult_safeguarding;
	return t->adult_other;
}
