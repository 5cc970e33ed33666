/* The referral queue as the desk reads it: open referrals (new or
 * triaged) in due order, a page at a time by keyset on (decision_due_at,
 * id) through the partial index the schema keeps for exactly this, with
 * the desk's filters; and the counts its title shows. */
#ifndef CAREDESK_REFERRAL_QUEUE_H
#define CAREDESK_REFERRAL_QUEUE_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "caredesk/keyset.h"
#include "caredesk/replica.h"

/* NULL (or false) leaves a filter off. */
struct queue_filter {
	const char *priority;	/* red, amber, green, or "none" for not yet triaged */
	const char *category;	/* a category code */
	const char *team;	/* a team code */
	bool safeguarding;	/* only safeguarding concerns */
};

struct queue_row {
	char id[UUID_STR_LEN];
	char received[ISO_INSTANT_LEN], due[ISO_INSTANT_LEN];
	char priority[8];
	char family[208], given[208];
	char dob[ISO_DATE_LEN];
	char source[32], category[32];
	int safeguarding;
	char person_id[UUID_STR_LEN];
};

/* The queue's rows are read through referral_queue_keyset (keyset.h), in
 * due order, with a struct queue_filter. */

/* The title's figures over every open referral: overdue is due before
 * `now`, due today between `now` and `tomorrow` (local midnight), both
 * ISO instants. */
struct queue_counts {
	long open, new_count, overdue, due_today;
};
int queue_counts(struct replica *r, const char *now, const char *tomorrow,
		 struct queue_counts *out, struct cd_error *err);

/* The category code after `after` ("" for the first) in code order into
 * out: 1 found, 0 past the last, -1 with err. */
int category_after(struct replica *r, const char *after, char *out, size_t size,
		   struct cd_error *err);

#endif
