/* The caseload as the desk reads it: a worker's open cases, or a team's,
 * in review order, a page at a time by keyset on
 * (coalesce(next_review, ''), id) through the case_open_by_worker/team
 * indexes of migration 3. */
#ifndef CAREDESK_CASELOAD_H
#define CAREDESK_CASELOAD_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "caredesk/page.h"
#include "caredesk/replica.h"

/* Whose cases: one worker's (by worker id) or one team's. */
struct caseload_owner {
	bool team;
	const char *id;		/* worker id, or team code */
};

struct case_row {
	char id[UUID_STR_LEN];
	char person[UUID_STR_LEN];
	char name[420];		/* "Family, Given" */
	char dob[ISO_DATE_LEN];
	char flags[128];	/* current flags, space separated */
	char last[ISO_INSTANT_LEN];	/* the newest note, or "" */
	char review[ISO_DATE_LEN];	/* next review, or "" */
	char worker[LOGIN_MAX];	/* allocated worker's login, or "-" */
};

/* Up to `limit` rows around key (NULL: the start or the end), in review
 * order; how many, or -1 with err. */
int caseload_page(struct replica *r, const struct caseload_owner *o, enum page_dir dir,
		  const struct case_row *key, int limit, struct case_row *out,
		  struct cd_error *err);

/* All the owner's open cases, and those before key; -1 with err. */
long caseload_count(struct replica *r, const struct caseload_owner *o, struct cd_error *err);
long caseload_rows_before(struct replica *r, const struct caseload_owner *o,
			  const struct case_row *key, struct cd_error *err);

#endif
