/* The exchange at the heart of a sync round, apart from how the central is
 * reached.  sync_once (caredesk/sync.h) opens the transport and records the
 * round's outcome in sync_state; between the two it calls this.  The fuzz
 * harness tests/fuzz/fuzz_agent.c calls it too, over a transport whose
 * answers come from memory, so a hostile central's bytes meet exactly the
 * code a real one's do. */
#ifndef CAREDESK_SYNC_AGENT_H
#define CAREDESK_SYNC_AGENT_H

#include "caredesk/sync.h"
#include "sync/transport.h"

/* Hello, push everything waiting, then pull until up to date, over t
 * (open, borrowed).  On failure the replica is consistent: what was done
 * stays done, a checkpoint cut short is not stored. */
int sync_exchange(struct replica *r, struct transport *t, struct sync_report *rep,
		  struct cd_error *err);

#endif
