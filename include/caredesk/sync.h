/* The sync agent's work on one replica: push the outbox to the central
 * store, then pull what others changed, and keep the state the desk and
 * caredesk sync status show (sync_state).
 *
 * Push: whole desk actions, oldest first; each change's outcome comes back
 * and, in one transaction, its outbox row goes (a rejected one is kept in
 * sync_reject).  A lost answer means the outbox is unchanged and the same
 * change ids are sent again; central answers a resend with the stored
 * outcome, so nothing is applied twice.
 * Pull: one checkpoint at a time, stored with the new cursor in one
 * transaction, uncaptured; a record with changes still waiting keeps its
 * local value until they are pushed. */
#ifndef CAREDESK_SYNC_H
#define CAREDESK_SYNC_H

#include "caredesk/replica.h"

struct sync_report {
	long pushed;		/* changes central answered */
	long applied, merged, conflicts, rejected;
	long pulled;		/* records received */
	long stored;		/* of which were newer here and written */
	long parked;		/* times a record waited for one it refers to */
	long long cursor;	/* the pull cursor afterwards */
	long long head;		/* central's newest sequence number, as last seen */
};

/* Called after each pull checkpoint stored (rep as it stands), so a long
 * first sync can say how far it has got; NULL for none. */
void sync_set_progress(void (*fn)(const struct sync_report *rep));

/* The central store this replica syncs with (replica_meta central_uri):
 * 1 if none is set. */
int sync_central_uri(struct replica *r, char *out, size_t size);
int sync_set_central_uri(struct replica *r, const char *uri, struct cd_error *err);

/* One round: push everything waiting, then pull until up to date.  On
 * failure the replica is consistent (what was done stays done) and the
 * state says since when central has been unreachable. */
int sync_once(struct replica *r, struct sync_report *rep, struct cd_error *err);

/* The agent's own values in sync_state ("cursor", "last_success", ...):
 * get returns 1 when unset; set writes only a changed value. */
int sync_state_get(struct replica *r, const char *key, char *out, size_t size);
int sync_state_set(struct replica *r, const char *key, const char *value, struct cd_error *err);

/* The state as the desk shows it. */
struct sync_status {
	bool configured;
	char central[512];
	char last_success[32];	/* "" if never */
	char offline_since[32];	/* "" if the last attempt worked */
	char last_error[256];
	long waiting;		/* changes in the outbox */
	long conflicts;		/* open conflicts this replica holds */
	long rejects;		/* changes central refused */
	long parked;		/* pulled records waiting for one they refer to */
	long archived;		/* records that moved to another locality */
	long long cursor;
};
int sync_status_read(struct replica *r, struct sync_status *s);

#endif
