/* Where a central store keeps records: the storage under central.c.
 *
 * central.c decides every pushed change's outcome (one semantics for every
 * central); a store only reads and writes.  Two stores implement it:
 *   store_sqlite.c  an embedded central, a caredesk SQLite database;
 *   store_pg.c      a PostgreSQL central, one table per synced table,
 *                   read through a sync role per locality under row-level
 *                   security.
 * Records cross this interface as JSON text objects, one key a column. */
#ifndef CAREDESK_SYNC_STORE_H
#define CAREDESK_SYNC_STORE_H

#include <stdbool.h>
#include <jansson.h>

#include "caredesk/audit.h"
#include "caredesk/error.h"
#include "caredesk/replica.h"

struct pull_body;

/* A synced table as central has it. */
struct store_table {
	char *name;
	bool append_only, has_version;
	char **cols;
	int ncols;
};

bool store_table_has_column(const struct store_table *t, const char *col);

/* Which replicas receive a record: its locality, except the staff
 * directory, which every replica holds (records of any locality name
 * workers of any team). */
const char *store_scope_of(const char *tbl, const char *locality);

/* The localities a replica may serve besides the borough-wide scope
 * ("borough"): each has its own sync role on a PostgreSQL central. */
#define STORE_LOCALITIES 4
extern const char *const store_localities[STORE_LOCALITIES];

struct store;

struct store_ops {
	/* A replica serving `scope` says hello (PostgreSQL: SET ROLE). */
	int (*hello)(struct store *s, const char *scope, struct cd_error *err);
	const char *(*id)(struct store *s);
	/* The window of replica schemas central accepts changes from: its
	 * own version, and the oldest (raised when a migration makes older
	 * desks' changes unsafe to apply; they then wait, "upgrade needed"). */
	int (*schema_version)(struct store *s);
	int (*schema_min)(struct store *s);
	const struct store_table *(*table)(struct store *s, const char *name);

	/* Write transactions nest: the outer one is a push, an inner one a
	 * desk action that commits or rolls back on its own. */
	int (*begin)(struct store *s, struct cd_error *err);
	int (*commit)(struct store *s, struct cd_error *err);
	void (*rollback)(struct store *s);

	/* The record as JSON text (owned by the caller): 0, 1 if there is
	 * none, -1 on error. */
	int (*load)(struct store *s, const struct store_table *t, const char *id, char **json,
		    struct cd_error *err);
	int (*insert)(struct store *s, const struct store_table *t, const char *row_json,
		      struct cd_error *err);
	/* Set the columns named in patch_json, leaving the others. */
	int (*patch)(struct store *s, const struct store_table *t, const char *id,
		     const char *patch_json, struct cd_error *err);
	/* A new version (and updated_at = at) without a change of value. */
	int (*bump)(struct store *s, const struct store_table *t, const char *id, const char *at,
		    struct cd_error *err);

	/* The record changed: the next sequence number, with who and when;
	 * a record whose scope changed remembers the one it left. */
	int (*touch)(struct store *s, const char *tbl, const char *id, const char *scope,
		     const char *worker, const char *at, struct cd_error *err);
	/* The worker whose login is `login`, as JSON text (owned by the
	 * caller): 0, 1 if central has none, -1 on error. */
	int (*worker)(struct store *s, const char *login, char **json, struct cd_error *err);
	/* The newest audit event central holds from `origin` (a replica id):
	 * 0 with its seq, hash and locality, 1 if none, -1 on error. */
	int (*chain_head)(struct store *s, const char *origin, long long *seq,
			  char hash[AUDIT_HASH_LEN], char locality[CODE_MAX], struct cd_error *err);
	/* Who changed the record last, and when ("unknown" if not known). */
	void (*last_change)(struct store *s, const char *tbl, const char *id, char *worker,
			    size_t wsize, char *at, size_t asize);

	/* Each change id once, with its outcome; seen_before returns the
	 * stored result object, or NULL for a change id never seen. */
	int (*record_outcome)(struct store *s, const char *origin, json_t *change,
			      const char *outcome, const char *detail, struct cd_error *err);
	json_t *(*seen_before)(struct store *s, const char *change_id);

	/* One checkpoint: records in `scope` changed after `cursor`, at most
	 * `limit`, in commit order, as lines in *body; *head is the newest
	 * committed sequence number, *last the last one sent.  With `moves`
	 * (an agent that knows them), a record that left the scope comes as
	 * a line whose row is ">locality", where it went, never its content. */
	int (*pull)(struct store *s, const char *scope, bool moves, long long cursor, int limit,
		    struct pull_body *body, long long *head, long long *last,
		    struct cd_error *err);

	void (*close)(struct store *s);
};

struct store {
	const struct store_ops *ops;
};

/* Open a store: a path (embedded) or a postgresql:// URI. */
int store_sqlite_open(const char *path, bool create, struct store **out, struct cd_error *err);
int store_pg_open(const char *uri, struct store **out, struct cd_error *err);

/* How long a PostgreSQL central may say nothing before the agent gives
 * up on it (central.read_timeout; caredesk-syncd's pipes have their own,
 * in transport.c). */
void store_pg_set_read_timeout(int seconds);

/* Make or migrate a PostgreSQL central: schema, sync roles, policies. */
int store_pg_init(const char *uri, struct cd_error *err);

/* Is `uri` a PostgreSQL connection URI? */
bool store_is_pg_uri(const char *uri);

/* A pull line: "seq TAB tbl TAB id TAB row" (row empty: central no
 * longer has it; ">locality": it moved out of the scope). */
void pull_body_add(struct pull_body *b, long long seq, const char *tbl, const char *id,
		   const char *row);

#endif
