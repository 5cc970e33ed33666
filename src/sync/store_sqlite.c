/* The embedded central's store (see store.h): a caredesk SQLite database
 * opened like a replica, with central_change and central_row added by
 * migration 5.  Its writes run as uncaptured actions (a txn_context row
 * with capture = 0), so the guard triggers are satisfied and nothing goes
 * to an outbox; the schema's own rules (references, NHS number once,
 * checks) decide what it refuses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/sync_rows.h"
#include "sync/central.h"
#include "sync/store.h"

struct sqlite_table {
	struct store_table pub;
	const struct sync_table_def *def;
};

struct sqlite_store {
	struct store base;
	struct replica *r;
	char id[UUID_STR_LEN];
	struct sqlite_table *tables;
	int ntables;
};

static struct sqlite_store *of(struct store *s)
{
	return (struct sqlite_store *)s;
}

static const struct sync_table_def *def_of(const struct store_table *t)
{
	return ((const struct sqlite_table *)t)->def;
}

static int sq_hello(struct store *s, const char *scope, struct cd_error *err)
{
	(void)s;
	(void)scope;
	(void)err;
	return 0;
}

static const char *sq_id(struct store *s)
{
	return of(s)->id;
}

static int sq_schema_version(struct store *s)
{
	(void)s;
	return replica_schema_version();
}

/* Kept for the life of the store, so the pointers handed out stay good:
 * the array is made once, for every synced table, at open. */
static void load_tables(struct sqlite_store *s)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->r->db, "SELECT name FROM sync_table ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK)
		cd_die("reading the synced tables: %s", sqlite3_errmsg(s->r->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const struct sync_table_def *def = sync_table_find(s->r, name);
		struct sqlite_table *t;

		if (!def)
			continue;
		s->tables = cd_realloc(s->tables, (size_t)(s->ntables + 1) * sizeof(*s->tables));
		t = &s->tables[s->ntables++];
		memset(t, 0, sizeof(*t));
		t->def = def;
		t->pub.name = cd_strdup(name);
		t->pub.append_only = sync_table_append_only(def);
		t->pub.has_version = sync_table_has_version(def);
		t->pub.ncols = sync_table_column_count(def);
		t->pub.cols = cd_calloc((size_t)t->pub.ncols + 1, sizeof(*t->pub.cols));
		for (int k = 0; k < t->pub.ncols; k++)
			t->pub.cols[k] = cd_strdup(sync_table_column_at(def, k));
	}
	sqlite3_finalize(st);
}

static int sq_schema_min(struct store *s)
{
	char value[16];

	if (replica_meta_get(of(s)->r, "schema_min", value, sizeof(value)) == 0 && atoi(value) > 0)
		return atoi(value);
	return CENTRAL_SCHEMA_MIN;
}

static const struct store_table *sq_table(struct store *s, const char *name)
{
	for (int i = 0; i < of(s)->ntables; i++)
		if (strcmp(of(s)->tables[i].pub.name, name) == 0)
			return &of(s)->tables[i].pub;
	return NULL;
}

static int sq_begin(struct store *s, struct cd_error *err)
{
	return txn_begin_uncaptured(of(s)->r, "sync.push", err);
}

static int sq_commit(struct store *s, struct cd_error *err)
{
	return txn_commit(of(s)->r, err);
}

static void sq_rollback(struct store *s)
{
	txn_rollback(of(s)->r);
}

static int sq_load(struct store *s, const struct store_table *t, const char *id, char **json,
		   struct cd_error *err)
{
	return sync_row_json(of(s)->r, def_of(t), id, json, err);
}

static int sq_insert(struct store *s, const struct store_table *t, const char *row_json,
		     struct cd_error *err)
{
	return sync_row_insert(of(s)->r, def_of(t), row_json, err);
}

static int sq_patch(struct store *s, const struct store_table *t, const char *id,
		    const char *patch_json, struct cd_error *err)
{
	return sync_row_patch(of(s)->r, def_of(t), id, patch_json, err);
}

static int sq_bump(struct store *s, const struct store_table *t, const char *id, const char *at,
		   struct cd_error *err)
{
	return sync_row_bump(of(s)->r, def_of(t), id, at, err);
}

/* The locality the record leaves, if this change moves it (else the one
 * it left before, still owed to that locality's replicas): NULL if none. */
static char *left_locality(struct replica *r, const char *tbl, const char *id, const char *scope)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT locality, left_locality FROM central_row "
					   "WHERE tbl = ?1 AND row_id = ?2");
	char *left = NULL;

	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *was = (const char *)sqlite3_column_text(st, 0);
		const char *before = (const char *)sqlite3_column_text(st, 1);

		if (strcmp(was, scope) != 0)
			left = cd_strdup(was);
		else if (before)
			left = cd_strdup(before);
	}
	sqlite3_reset(st);
	return left;
}

static int sq_touch(struct store *s, const char *tbl, const char *id, const char *scope,
		    const char *worker, const char *at, struct cd_error *err)
{
	struct replica *r = of(s)->r;
	char *left = left_locality(r, tbl, id, scope);
	sqlite3_stmt *st = replica_stmt(r, "DELETE FROM central_row WHERE tbl = ?1 AND row_id = ?2");
	int rc = 0;

	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		free(left);
		return replica_sql_error(r, err, "ordering a change");
	}
	st = replica_stmt(r, "INSERT INTO central_row (tbl, row_id, locality, worker, at, "
			     "left_locality) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, worker, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, left, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = replica_sql_error(r, err, "ordering a change");
	free(left);
	return rc;
}

static void sq_last_change(struct store *s, const char *tbl, const char *id, char *worker,
			   size_t wsize, char *at, size_t asize)
{
	sqlite3_stmt *st = replica_stmt(of(s)->r, "SELECT worker, at FROM central_row "
						  "WHERE tbl = ?1 AND row_id = ?2");

	snprintf(worker, wsize, "unknown");
	snprintf(at, asize, "unknown");
	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(worker, wsize, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(at, asize, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
}

static int sq_worker(struct store *s, const char *login, char **json, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(of(s)->r, "SELECT id FROM worker WHERE login = ?1");
	const struct store_table *t = sq_table(s, "worker");
	char id[UUID_STR_LEN + 8];
	int rc;

	*json = NULL;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(id, sizeof(id), "%s", column_text(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return replica_sql_error(of(s)->r, err, "looking up a worker");
	if (!t)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "central has no worker table");
	return rc == SQLITE_DONE ? 1 : sq_load(s, t, id, json, err);
}

static int sq_chain_head(struct store *s, const char *origin, long long *seq,
			 char hash[AUDIT_HASH_LEN], char locality[CODE_MAX], struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(of(s)->r, "SELECT seq, hash, locality FROM audit_event "
						  "WHERE origin = ?1 ORDER BY seq DESC LIMIT 1");
	int rc;

	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(hash, AUDIT_HASH_LEN, "%s", column_text(st, 1));
		snprintf(locality, CODE_MAX, "%s", column_text(st, 2));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW ? 0 : 1;
	return replica_sql_error(of(s)->r, err, "reading an audit chain");
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int sq_record_outcome(struct store *s, const char *origin, json_t *change,
			     const char *outcome, const char *detail, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st = replica_stmt(of(s)->r,
		"INSERT INTO central_change (change_id, txn_id, origin, tbl, row_id, outcome, detail, "
		"received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

	instant_format(now_instant(), now);
	sqlite3_bind_text(st, 1, str(change, "change_id"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, str(change, "txn_id"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, str(change, "tbl"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, str(change, "row_id"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0
		: replica_sql_error(of(s)->r, err, "recording an outcome");
}

static json_t *sq_seen_before(struct store *s, const char *change_id)
{
	sqlite3_stmt *st = replica_stmt(of(s)->r, "SELECT outcome, detail FROM central_change "
						  "WHERE change_id = ?1");
	json_t *stored = NULL;

	sqlite3_bind_text(st, 1, change_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		stored = json_pack("{s:s, s:s, s:s}", "change_id", change_id, "outcome",
				   (const char *)sqlite3_column_text(st, 0), "detail",
				   (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return stored;
}

static long long head_seq(struct replica *r)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT coalesce(max(seq), 0) FROM central_row");
	long long head = 0;

	if (sqlite3_step(st) == SQLITE_ROW)
		head = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return head;
}

/* Is a record of `locality` one the scope's replica holds? */
static bool in_scope(const char *scope, const char *tbl, const char *locality)
{
	return strcmp(scope, "borough") == 0 || strcmp(locality, scope) == 0 ||
	       strcmp(locality, "borough") == 0 || strcmp(tbl, "worker") == 0;
}

/* The scope test keeps tbl = 'worker' for central files written before
 * store_scope_of gave the staff directory the borough's scope. */
static int pull_rows(struct sqlite_store *s, const char *scope, bool moves, long long cursor,
		     int limit, long long *last, struct pull_body *body, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(s->r,
		"SELECT seq, tbl, row_id, locality FROM central_row WHERE seq > ?1 AND (?2 = 'borough' "
		"OR locality = ?2 OR locality = 'borough' OR tbl = 'worker' OR (?4 AND "
		"left_locality = ?2)) ORDER BY seq LIMIT ?3");
	int rc;

	*last = cursor;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	sqlite3_bind_int(st, 4, moves);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tbl = (const char *)sqlite3_column_text(st, 1);
		const char *id = (const char *)sqlite3_column_text(st, 2);
		const char *locality = (const char *)sqlite3_column_text(st, 3);
		const struct sync_table_def *t = sync_table_find(s->r, tbl);
		char *text = NULL;

		*last = sqlite3_column_int64(st, 0);
		if (!in_scope(scope, tbl, locality)) {
			char moved[CODE_MAX + 2];

			snprintf(moved, sizeof(moved), ">%s", locality);
			pull_body_add(body, *last, tbl, id, moved);
			continue;
		}
		if (t && sync_row_json(s->r, t, id, &text, err) < 0) {
			sqlite3_reset(st);
			return -1;
		}
		pull_body_add(body, *last, tbl, id, text);
		free(text);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return replica_sql_error(s->r, err, "reading changes to send");
	return 0;
}

static int sq_pull(struct store *st, const char *scope, bool moves, long long cursor, int limit,
		   struct pull_body *body, long long *head, long long *last, struct cd_error *err)
{
	struct sqlite_store *s = of(st);
	int rc;

	/* One read transaction: the rows and the head are one checkpoint. */
	if (sqlite3_exec(s->r->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return replica_sql_error(s->r, err, "starting a pull");
	*head = head_seq(s->r);
	rc = pull_rows(s, scope, moves, cursor, limit, last, body, err);
	sqlite3_exec(s->r->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

static void sq_close(struct store *st)
{
	struct sqlite_store *s = of(st);

	for (int i = 0; i < s->ntables; i++) {
		for (int k = 0; k < s->tables[i].pub.ncols; k++)
			free(s->tables[i].pub.cols[k]);
		free(s->tables[i].pub.cols);
		free(s->tables[i].pub.name);
	}
	free(s->tables);
	replica_close(&s->r);
	free(s);
}

static const struct store_ops sqlite_ops = {
	.hello = sq_hello,
	.id = sq_id,
	.schema_version = sq_schema_version,
	.schema_min = sq_schema_min,
	.table = sq_table,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.load = sq_load,
	.insert = sq_insert,
	.patch = sq_patch,
	.bump = sq_bump,
	.touch = sq_touch,
	.worker = sq_worker,
	.chain_head = sq_chain_head,
	.last_change = sq_last_change,
	.record_outcome = sq_record_outcome,
	.seen_before = sq_seen_before,
	.pull = sq_pull,
	.close = sq_close,
};

/* A file that is no caredesk database at all is, to the agent, a central
 * it cannot use (69), like a replica file named as central: the words are
 * about a central, not a replica. */
static int not_a_central(const char *path, struct cd_error *err)
{
	if (err->code == CD_EX_NOINPUT)
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL,
				    "%s is not a caredesk central store: make one with "
				    "caredesk central init", path);
	return -1;
}

int store_sqlite_open(const char *path, bool create, struct store **out, struct cd_error *err)
{
	struct sqlite_store *s;
	struct replica *r;

	*out = NULL;
	/* To the agent a missing or foreign central is a central it cannot
	 * use (69, caredesk-sync(8)), not a missing replica of its own (66);
	 * the fix is central init, not init. */
	if (!create && access(path, F_OK) != 0)
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL,
				    "no central store at %s (%s): make one with caredesk central init",
				    path, strerror(errno));
	if (replica_open(path, create ? REPLICA_OPEN_CREATE : REPLICA_OPEN_EXISTING, &r, err))
		return not_a_central(path, err);
	if (replica_meta_get(r, "role", NULL, 0) != 0) {
		if (!create) {
			replica_close(&r);
			return cd_error_set(err, CD_EX_UNAVAILABLE, NULL,
					    "%s is not a caredesk central store: make one with "
					    "caredesk central init", path);
		}
		if (replica_init(r, "borough", err) || replica_meta_set(r, "role", "central", err)) {
			replica_close(&r);
			return -1;
		}
	}
	s = cd_calloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->r = r;
	snprintf(r->actor.login, sizeof(r->actor.login), "caredesk-syncd");
	replica_meta_get(r, "replica_id", s->id, sizeof(s->id));
	load_tables(s);
	*out = &s->base;
	return 0;
}
