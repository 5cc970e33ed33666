/* What the sync agent keeps in the replica (sync_state, replica_meta,
 * audit_anchor), for the desk, caredesk sync status and caredesk check to
 * read without the sync library: the replica's side of sync
 * (src/replica/sync_state.c).  The agent's own work is in sync.h. */
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

/* Central's record of an origin's audit chain head (audit_anchor): the
 * last event of ORIGIN's chain that central holds, SEQ and HASH as pushed,
 * from the central whose id is CENTRAL_ID (all borrowed).  caredesk check
 * compares the replica's chain with it.  Written only when SEQ or HASH
 * changes (not at each sync: every write wakes every open desk); SEQ 0
 * (central holds none of ORIGIN's events) stores nothing.  Inside the caller's
 * transaction, or in one of its own ("sync.anchor").  From one central it
 * never goes back: a SEQ lower than the stored one is refused (CD_EX_DATAERR) and
 * the stored record kept, since a central that says so has itself lost
 * events (or the stored record was changed: either is a finding, and the
 * refusal is the agent's error at each sync until someone looks).
 * A record from another central (the replica was pointed at a new one)
 * replaces the stored one whatever its SEQ.
 * Another HASH for the stored SEQ replaces it: the stored one is
 * in a file others can write, central's is the word check needs.  A HASH
 * that is not SHA-256 in lower-case hex, a negative SEQ, or an empty
 * ORIGIN or CENTRAL_ID is refused (CD_EX_DATAERR). */
int sync_record_anchor(struct replica *r, const char *origin, long long seq, const char *hash,
		       const char *central_id, struct cd_error *err);

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
