/* The caseload as the desk reads it: a worker's open cases, or a team's,
 * in review order, a page at a time by keyset on
 * (coalesce(next_review, ''), id) through the case_open_by_worker/team
 * indexes of migration 3. */
#ifndef CAREDESK_CASELOAD_H
#define CAREDESK_CASELOAD_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "caredesk/keyset.h"
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

/* The rows are read through caseload_keyset (keyset.h), in review order,
 * with a struct caseload_owner. */

#endif
