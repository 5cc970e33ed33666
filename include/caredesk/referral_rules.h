/* Referral rules: statuses and the moves allowed between them, priorities,
 * and the decision timescale that fixes a referral's due time at receipt.
 *
 *   new --triage--> triaged --allocate--> allocated --close--> closed
 *    |                |  ^ re-triage        | ^ reallocate
 *    +---close--------+--+                  +-+
 * A closed referral stays closed: a new concern is a new referral (and is
 * counted as a re-referral), which keeps the timescales honest. */
#ifndef CAREDESK_REFERRAL_RULES_H
#define CAREDESK_REFERRAL_RULES_H

#include <stdbool.h>

#include "caredesk/datetime.h"

enum referral_status {
	REFERRAL_NEW,
	REFERRAL_TRIAGED,
	REFERRAL_ALLOCATED,
	REFERRAL_CLOSED,
	REFERRAL_STATUS_COUNT
};

enum priority {
	PRIORITY_RED,
	PRIORITY_AMBER,
	PRIORITY_GREEN,
	PRIORITY_COUNT
};

const char *referral_status_name(enum referral_status s);
int referral_status_parse(const char *name, enum referral_status *out);
/* Open: in the queue, waiting for a decision or an allocation.  An
 * allocated referral has become a case and left the queue. */
bool referral_status_is_open(enum referral_status s);
bool referral_transition_allowed(enum referral_status from, enum referral_status to);

const char *priority_name(enum priority p);
int priority_parse(const char *name, enum priority *out);

/* Working days allowed for the decision on a referral, by age group and
 * category (domain.md "Due times"); a borough may change each in the config.
 * adult_safeguarding = 0 means "the same working day". */
struct timescales {
	int child;
	int adult_safeguarding;
	int adult_other;
};

void timescales_default(struct timescales *t);

/* The decision timescale for a referral.  An adult referral counts as a
 * safeguarding concern when its category is safeguarding or it carries the
 * safeguarding flag. */
int timescale_decision_days(const struct timescales *t, enum age_group group,
			    const char *category, bool safeguarding);

#endif
