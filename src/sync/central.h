/* A central store orders every replica's changes: an embedded one (a
 * caredesk database, served by caredesk-syncd) or a PostgreSQL one (reached
 * by the agent itself through libpq); store.h is where each keeps them.
 * Central decides each pushed change's outcome, the same way over both:
 *   applied   the record was as the editor last saw it;
 *   merged    others changed other fields since: both kept;
 *   conflict  the same field changed, or an edit met a closed record:
 *             central keeps its value and stores both (sync_conflict);
 *   rejected  the schema refuses it: stored and returned, never dropped. */
#ifndef CAREDESK_SYNC_CENTRAL_H
#define CAREDESK_SYNC_CENTRAL_H

#include <jansson.h>

#include "caredesk/replica.h"

struct worker_input;

/* The oldest replica schema a central made by this caredesk accepts
 * changes from (the first with sync_conflict and the central tables); a
 * central keeps its own, raised by later versions' central init. */
#define CENTRAL_SCHEMA_MIN 5

struct central;

/* Open the central at `target`: an embedded central's file (made if
 * missing with `create`) or a postgresql:// URI. */
int central_open(const char *target, bool create, struct central **out, struct cd_error *err);
void central_close(struct central **c);

/* Serve `scope` only, whatever a request asks: the server's own word
 * (caredesk-syncd --scope, from authorized_keys).  A request for another
 * scope is refused (77) and recorded with central's outcomes. */
int central_fix_scope(struct central *c, const char *scope, struct cd_error *err);

/* The answer to hello: central's id and the schema window.  The hello's
 * scope (the replica's locality) holds for the rest of the connection. */
json_t *central_hello(struct central *c, json_t *request, struct cd_error *err);

/* Apply pushed changes (an array of change objects, whole transactions)
 * in one transaction; returns {"results": [{change_id, outcome, detail}]}.
 * A change id seen before gets its stored outcome again. */
json_t *central_push(struct central *c, json_t *request, struct cd_error *err);

/* The records of a pull, one line each after the answer's own line:
 * "seq TAB tbl TAB id TAB row-json" (row empty: central no longer has it).
 * A large pull is mostly records; as lines, neither side builds a JSON
 * tree for them. */
struct pull_body {
	char *text;		/* owned */
	size_t len, cap;
	int lines;
};

/* Records changed after `cursor` within `scope`, at most `limit`, in
 * commit order: the answer {"count": N, "upto": N, "head": N, "more": b}
 * and the N record lines in *body. */
json_t *central_pull(struct central *c, json_t *request, struct pull_body *body,
		     struct cd_error *err);

/* Answer one request (hello, push or pull) of the protocol; a pull's
 * record lines go to *body. */
json_t *central_answer(struct central *c, json_t *request, struct pull_body *body,
		       struct cd_error *err);

/* Add a worker to central's staff directory, or bring one there up to
 * these values (active again): a locality's first admin, made where the
 * central is, with no desk to ask.  `actor` is the Unix user doing it. */
int central_add_worker(const char *target, const struct worker_input *in, const char *locality,
		       const char *actor, struct cd_error *err);

/* Make or migrate the central at `target` (a file, file: URI or
 * postgresql:// URI). */
int central_init(const char *target, struct cd_error *err);

#endif
