/* The referral queue as the desk reads it: open referrals (new or
 * triaged) in due order, a page at a time by keyset on (decision_due_at,
 * id) through the partial index the schema keeps for exactly this, with
 * the desk's filters; and the counts its title shows. */
#ifndef CAREDESK_REFERRAL_QUEUE_H
#define CAREDESK_REFERRAL_QUEUE_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "caredesk/page.h"
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

/* Up to `limit` rows around key (NULL: the start or the end), in queue
 * order; how many, or -1 with err. */
int queue_page(struct replica *r, const struct queue_filter *f, enum page_dir dir,
	       const struct queue_row *key, int limit, struct queue_row *out, struct cd_error *err);

/* How many rows match the filter, and how many of them come before key;
 * -1 with err. */
long queue_count(struct replica *r, const struct queue_filter *f, struct cd_error *err);
long queue_rows_before(struct replica *r, const struct queue_filter *f,
		       const struct queue_row *key, struct cd_error *err);

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
