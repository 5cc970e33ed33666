/* Talking to a PostgreSQL central: shared by its store (store_pg.c) and
 * the making of its schema (pg_init.c). */
#ifndef CAREDESK_SYNC_STORE_PG_H
#define CAREDESK_SYNC_STORE_PG_H

#include <libpq-fe.h>

#include "caredesk/error.h"

/* The advisory lock every push (and central init) takes first, so pushes
 * commit one at a time: any key will do, so long as all take the same. */
#define PUSH_LOCK_KEY "7306380616455713905"

/* Connect to `uri` (TLS and timeouts the libpq way: PGSSLMODE and the
 * rest, which the agent sets from caredesk.conf's central group). */
int pg_connect(const char *uri, PGconn **out, struct cd_error *err);

/* Run one statement with text parameters: the result, owned by the
 * caller, or NULL with err set (CD_EX_UNAVAILABLE if the connection is
 * lost).  err may be NULL where a failure is expected. */
PGresult *pg_run(PGconn *conn, const char *sql, int nparams, const char *const *params,
		 struct cd_error *err, const char *doing);
int pg_exec(PGconn *conn, const char *sql, struct cd_error *err, const char *doing);
int pg_error(PGconn *conn, PGresult *res, struct cd_error *err, const char *doing);

#endif
