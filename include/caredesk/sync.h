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
 * local value until they are pushed.  What it leaves in the replica for
 * the desk to show is in sync_state.h. */
#ifndef CAREDESK_SYNC_H
#define CAREDESK_SYNC_H

#include "caredesk/replica.h"
#include "caredesk/sync_state.h"

struct sync_report {
	long pushed;		/* changes central answered */
	long applied, merged, conflicts, rejected;
	long pulled;		/* records received */
	long stored;		/* of which were newer here and written */
	long parked;		/* times a record waited for one it refers to */
	long long cursor;	/* the pull cursor afterwards */
	long long head;		/* central's newest sequence number, as last seen */
	char central[64];	/* central's id, from its hello */
	long long audit_held;	/* central's last event of this replica's chain (-1: not said) */
	long mended;		/* audit events central lacked, sent again */
	char warning[512];	/* something to say that did not stop the round ("" if none) */
};

/* Called after each pull checkpoint stored (rep as it stands), so a long
 * first sync can say how far it has got; NULL for none. */
void sync_set_progress(void (*fn)(const struct sync_report *rep));

/* One round: push everything waiting, then pull until up to date.  On
 * failure the replica is consistent (what was done stays done) and the
 * state says since when central has been unreachable. */
int sync_once(struct replica *r, struct sync_report *rep, struct cd_error *err);

#endif
