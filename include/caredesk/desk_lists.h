/* Small lists the desk reads whole: the team's shift handover and the sync
 * conflicts waiting for a person.  Both are short by nature (today's items,
 * a few conflicts), so each is read up to a limit and paged in memory. */
#ifndef CAREDESK_DESK_LISTS_H
#define CAREDESK_DESK_LISTS_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "caredesk/replica.h"

struct handover_row {
	char id[UUID_STR_LEN];
	char priority[8];
	char at[ISO_INSTANT_LEN];
	char author[LOGIN_MAX];
	char sbar[4][1024];	/* situation, background, assessment, recommendation */
	char acked[256];	/* who has acknowledged it, or "" */
	char person[256];	/* who it is about, or "" */
	bool mine;		/* the reader has acknowledged it */
	char readbacks[1024];	/* "login: read-back; ..." in the order given, or "" */
};

/* The team's items nobody has acknowledged yet, oldest first, then those
 * written since `since` (an ISO instant: local midnight) that have been;
 * at most max; how many, or -1 with err.  `worker_id` is the reader. */
int handover_rows(struct replica *r, const char *team, const char *worker_id, const char *since,
		  struct handover_row *out, int max, struct cd_error *err);

/* How many items the acting worker has to acknowledge: addressed to their
 * team, not written by them, acknowledged by nobody yet.  The desk's
 * handover title and the CLI summary both print this figure.  0 or -1
 * with err. */
int handover_to_acknowledge(struct replica *r, long *out, struct cd_error *err);

/* A conflict as `caredesk conflicts list` shows it (the same listing):
 * values are their JSON text, "null" for none. */
struct conflict_row {
	char id[UUID_STR_LEN], tbl[32], row_id[UUID_STR_LEN], field[40], kind[24];
	char kept[256], kept_worker[LOGIN_MAX], kept_at[ISO_INSTANT_LEN + 8];
	char other[256], other_worker[LOGIN_MAX], other_at[ISO_INSTANT_LEN + 8];
};

/* The open conflicts, oldest first, at most max; how many, or -1. */
int conflict_rows(struct replica *r, struct conflict_row *out, int max, struct cd_error *err);

#endif
