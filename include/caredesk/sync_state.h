/* What the sync agent keeps in the replica (sync_state, replica_meta), for
 * the desk and caredesk sync status to read without the sync library: the
 * replica's side of sync (src/replica/sync_state.c).  The agent's own
 * work is in sync.h. */
#ifndef CAREDESK_SYNC_STATE_H
#define CAREDESK_SYNC_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "caredesk/replica.h"

/* The central store this replica syncs with (replica_meta central_uri):
 * 1 if none is set. */
int sync_central_uri(struct replica *r, char *out, size_t size);
int sync_set_central_uri(struct replica *r, const char *uri, struct cd_error *err);
/* The same, for a worker changing it: administrators only. */
int sync_change_central(struct replica *r, const char *uri, struct cd_error *err);

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
