/* What central takes on trust from a desk: nothing it can check itself.
 *
 * A desk's host can write its replica file, outbox included, so a pushed
 * change says whatever its writer wanted: which worker made it, which
 * locality the record is in, which audit events came before.  Central
 * holds the truth of each (its staff directory, its records, each
 * origin's audit chain as pushed) and checks every change against it
 * before applying it, the same over every store.  The scope is never the
 * desk's word either: caredesk-syncd takes it from its own command line
 * (authorized_keys), and PostgreSQL from the sync role the login holds. */
#ifndef CAREDESK_SYNC_TRUST_H
#define CAREDESK_SYNC_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "caredesk/error.h"
#include "sync/change.h"
#include "sync/store.h"

/* Does a replica serving `scope` hold records of `locality`? */
bool trust_in_scope(const char *scope, const char *locality);

/* May a replica serving `scope`, pushing as `origin`, make change `ch`?
 * 0 yes; 1 no, with the reason in detail; -1 on a store error. */
int trust_change(struct store *s, const char *scope, const char *origin,
		 const struct change *ch, char *detail, size_t dsize, struct cd_error *err);

#endif
