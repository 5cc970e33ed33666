/* Reaching a central store: one JSON message a line, each way.
 *
 *   file:/path/central.db   caredesk-syncd /path/central.db, spawned here
 *   ssh://host/path         ssh host caredesk-syncd /path, over its stdio
 *   postgresql://...        no child: the central's answers are made here,
 *                           over libpq (central.c over store_pg.c)
 *
 * Every request gets one answer; an answer of type "error" carries the
 * central's message.  A transport that dies mid-exchange is an
 * unavailable central (69), never a half-applied answer: the replica
 * changes only after a whole answer has arrived. */
#ifndef CAREDESK_SYNC_TRANSPORT_H
#define CAREDESK_SYNC_TRANSPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "caredesk/error.h"
#include "sync/central.h"

struct transport {
	void (*sent)(void);	/* called between a request and its answer, or NULL */
	pid_t pid;		/* the spawned syncd or ssh */
	int to_fd;		/* its stdin */
	FILE *from;		/* its stdout */
	char uri[512];
	struct central *local;	/* a PostgreSQL central, answered in-process */
	struct pull_body body;	/* its last pull's lines, read through `from` */
	bool stalled;		/* an answer's next line never came */
};

/* Start talking to the central at `uri`. */
int transport_open(struct transport *t, const char *uri, struct cd_error *err);

/* Send `request` (not consumed) and wait for the answer (owned by the
 * caller); NULL with err on failure. */
json_t *transport_call(struct transport *t, json_t *request, struct cd_error *err);

/* Read one more line of an answer (a pull's record lines), without its
 * newline, into *line (grown as needed; the caller frees it). */
int transport_read_line(struct transport *t, char **line, size_t *cap, struct cd_error *err);

/* Close the pipes and reap the child (ended first if it stalled). */
void transport_close(struct transport *t);

/* How long to wait for each line of an answer from a spawned syncd or ssh
 * before the central is taken as stalled (69); 120 s unless set
 * (caredesk.conf central.read_timeout). */
void transport_set_read_timeout(int seconds);

/* Is `uri` a central store's? */
int transport_check_uri(const char *uri, struct cd_error *err);

#endif
