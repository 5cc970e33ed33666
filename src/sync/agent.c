/* One sync round for a replica (see caredesk/sync.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/sync.h"
#include "caredesk/sync_rows.h"
#include "sync/agent.h"
#include "sync/fault.h"
#include "sync/transport.h"

#define PROTOCOL_VERSION 2	/* 2: lines for records that moved away */
#define PUSH_ACTIONS_MAX 200	/* desk actions per push */
#define PULL_ROWS_MAX 1000	/* records per checkpoint */

/* The fault tests' kill -9 at an exact point: with CAREDESK_SYNC_DIE_AT=N
 * the agent sends itself SIGKILL at its Nth step (a request sent, an
 * answer read, a record stored, a commit about to happen), so every point
 * of a round is reached, a lost answer included (central has committed,
 * the agent dies before reading).  Armed afresh each round. */
static struct fault_point die_at = { -1, SIGKILL };

static void step(void)
{
	fault_point_step(&die_at);
}

static void load_die_at(void)
{
	fault_point_arm(&die_at, "CAREDESK_SYNC_DIE_AT", SIGKILL);
}

/* CAREDESK_SYNC_BATCH, when set, caps both (for tests and slow links). */
static int batch_size(int fallback)
{
	const char *env = getenv("CAREDESK_SYNC_BATCH");
	int n = env ? atoi(env) : 0;

	return n > 0 && n < fallback ? n : fallback;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Central's record of this replica's audit chain, when an answer brings
 * one: kept, for caredesk check to compare the chain with offline, and
 * its seq in *held (else -1).  A record that went back (a central
 * restored from a backup) is said, not stored; the events central lacks
 * are sent again (mend_chain), and sync goes on. */
static int keep_anchor(struct replica *r, json_t *answer, struct sync_report *rep,
		       struct cd_error *err)
{
	long long *held = &rep->audit_held;
	json_t *anchor = json_object_get(answer, "anchor");
	json_t *seq = json_object_get(anchor, "seq");
	const char *hash = str(anchor, "hash");
	struct cd_error back;

	*held = -1;
	if (!anchor)
		return 0;
	if (!json_is_integer(seq) || !hash)
		return cd_error_set(err, CD_EX_PROTOCOL, NULL, "central's record of the audit "
				    "chain is not one");
	*held = json_integer_value(seq);
	cd_error_clear(&back);
	if (sync_record_anchor(r, r->replica_id, *held, hash, rep->central, &back) == 0)
		return 0;
	if (back.code != CD_EX_DATAERR)
		return cd_error_set(err, back.code, NULL, "%s", back.msg);
	snprintf(rep->warning, sizeof(rep->warning), "%.400s; the events it lacks are sent again",
		 back.msg);
	return 0;
}

static int hello(struct replica *r, struct transport *t, struct sync_report *rep,
		 struct cd_error *err)
{
	json_t *req = json_pack("{s:s, s:i, s:i, s:s, s:s}", "type", "hello", "protocol",
				PROTOCOL_VERSION, "schema", r->schema_version, "replica",
				r->replica_id, "scope", r->locality);
	json_t *ans = transport_call(t, req, err);
	int min, max, rc = 0;

	json_decref(req);
	if (!ans)
		return -1;
	min = (int)json_integer_value(json_object_get(ans, "schema_min"));
	max = (int)json_integer_value(json_object_get(ans, "schema_max"));
	snprintf(rep->central, sizeof(rep->central), "%s",
		 str(ans, "central") ? str(ans, "central") : "");
	if (r->schema_version < min)
		rc = cd_error_set(err, CD_EX_UNAVAILABLE, NULL,
				  "upgrade needed: central accepts schema %d to %d and this replica "
				  "has %d; changes wait here until caredesk is upgraded", min, max,
				  r->schema_version);
	if (rc == 0)
		rc = keep_anchor(r, ans, rep, err);
	json_decref(ans);
	return rc;
}

/* --- push ------------------------------------------------------------------- */

static json_t *outbox_change(sqlite3_stmt *st)
{
	json_t *changes = json_loads((const char *)sqlite3_column_text(st, 7), 0, NULL);
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:i, s:s}",
		"change_id", (const char *)sqlite3_column_text(st, 1),
		"txn_id", (const char *)sqlite3_column_text(st, 2),
		"tbl", (const char *)sqlite3_column_text(st, 3),
		"row_id", (const char *)sqlite3_column_text(st, 4),
		"op", (const char *)sqlite3_column_text(st, 5),
		"changes", changes ? changes : json_object(),
		"worker", (const char *)sqlite3_column_text(st, 8),
		"schema_version", sqlite3_column_int(st, 9),
		"created_at", (const char *)sqlite3_column_text(st, 10));

	json_object_set_new(c, "action", json_string((const char *)sqlite3_column_text(st, 11)));
	json_object_set_new(c, "base_version", sqlite3_column_type(st, 6) == SQLITE_NULL ?
				json_null() : json_integer(sqlite3_column_int64(st, 6)));
	return c;
}

/* The oldest whole desk actions waiting, as an array of changes. */
static json_t *outbox_batch(struct replica *r)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT o.seq, o.change_id, o.txn_id, o.tbl, o.row_id, o.op, o.base_version, "
		"o.changes, o.worker, o.schema_version, o.created_at, o.action FROM outbox o "
		"JOIN (SELECT txn_id, min(seq) AS first FROM outbox GROUP BY txn_id "
		"      ORDER BY first LIMIT ?1) b ON b.txn_id = o.txn_id ORDER BY b.first, o.seq");
	json_t *batch = json_array();

	sqlite3_bind_int(st, 1, batch_size(PUSH_ACTIONS_MAX));
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(batch, outbox_change(st));
	sqlite3_reset(st);
	return batch;
}

static void count_outcome(struct sync_report *rep, const char *outcome)
{
	rep->pushed++;
	if (strcmp(outcome, "applied") == 0)
		rep->applied++;
	else if (strcmp(outcome, "merged") == 0)
		rep->merged++;
	else if (strcmp(outcome, "conflict") == 0)
		rep->conflicts++;
	else
		rep->rejected++;
}

static int keep_reject(struct replica *r, const char *change_id, const char *reason,
		       struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st = replica_stmt(r,
		"INSERT OR IGNORE INTO sync_reject (change_id, txn_id, tbl, row_id, op, changes, worker, "
		"created_at, reason, rejected_at) SELECT change_id, txn_id, tbl, row_id, op, changes, "
		"worker, created_at, ?2, ?3 FROM outbox WHERE change_id = ?1");

	instant_format(now_instant(), now);
	sqlite3_bind_text(st, 1, change_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reason ? reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : replica_sql_error(r, err, "keeping a reject");
}

/* Central's answers, in one transaction: each answered change leaves the
 * outbox (a rejected one is kept in sync_reject first).  *cleared counts
 * the answers that named a change waiting here. */
static int record_results(struct replica *r, json_t *results, struct sync_report *rep,
			  size_t *cleared, struct cd_error *err)
{
	size_t i;
	json_t *res;

	if (txn_begin_uncaptured(r, "sync.ack", err))
		return -1;
	json_array_foreach(results, i, res) {
		const char *id = str(res, "change_id"), *outcome = str(res, "outcome");
		sqlite3_stmt *st;

		if (!id || !outcome)
			continue;
		if (strcmp(outcome, "rejected") == 0 && keep_reject(r, id, str(res, "detail"), err)) {
			txn_rollback(r);
			return -1;
		}
		st = replica_stmt(r, "DELETE FROM outbox WHERE change_id = ?1");
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			replica_sql_error(r, err, "clearing the outbox");
			txn_rollback(r);
			return -1;
		}
		if (sqlite3_changes(r->db) == 0)
			continue;	/* no change of ours: nothing to count */
		(*cleared)++;
		count_outcome(rep, outcome);
	}
	step();
	return txn_commit(r, err);
}

/* --- mending the audit chain at central ------------------------------------- */

#define MEND_EVENTS_MAX 500

/* One of this replica's audit events as a change to push: the whole row,
 * in a desk action of its own. */
static json_t *event_change(struct replica *r, const struct sync_table_def *t, const char *id,
			    long long held, struct cd_error *err)
{
	char *text = NULL, change_id[128];
	json_t *row, *changes, *value, *c;
	const char *col;

	if (sync_row_json(r, t, id, &text, err))
		return NULL;
	row = json_loads(text, 0, NULL);
	free(text);
	if (!row)
		return NULL;
	changes = json_object();
	json_object_foreach(row, col, value)
		json_object_set_new(changes, col, json_pack("[n, O]", value));
	/* A new change id for each head central reports: an earlier attempt's
	 * outcome must not answer for this one. */
	snprintf(change_id, sizeof(change_id), "mend-%.40s-%lld", id, held);
	c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:n, s:o, s:s, s:i, s:s, s:s}",
		      "change_id", change_id, "txn_id", change_id, "tbl", "audit_event",
		      "row_id", id, "op", "insert", "base_version", "changes", changes,
		      "worker", str(row, "worker") ? str(row, "worker") : "",
		      "schema_version", r->schema_version,
		      "created_at", str(row, "created_at") ? str(row, "created_at") : "",
		      "action", "audit.mend");
	json_decref(row);
	return c;
}

/* This replica's own audit events that central lacks and the outbox will
 * not bring: after central's last (held), before the first of its own
 * still waiting.  A gap there (an event refused before central kept
 * refused actions' events, a central restored from a backup, a replica
 * pointed at a new central) would otherwise refuse every later event. */
static json_t *lost_events(struct replica *r, long long held, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT e.id FROM audit_event e WHERE e.origin = ?1 AND e.seq > ?2 AND e.seq < "
		"coalesce((SELECT min(a.seq) FROM outbox o JOIN audit_event a ON a.id = o.row_id "
		"WHERE o.tbl = 'audit_event' AND a.origin = ?1), 9223372036854775807) "
		"ORDER BY e.seq LIMIT ?3");
	const struct sync_table_def *t = sync_table_find(r, "audit_event");
	json_t *lost = json_array();

	sqlite3_bind_text(st, 1, r->replica_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, held);
	sqlite3_bind_int(st, 3, MEND_EVENTS_MAX);
	while (t && sqlite3_step(st) == SQLITE_ROW) {
		json_t *c = event_change(r, t, (const char *)sqlite3_column_text(st, 0), held, err);

		if (!c) {
			sqlite3_reset(st);
			json_decref(lost);
			return NULL;
		}
		json_array_append_new(lost, c);
	}
	sqlite3_reset(st);
	return lost;
}

/* Send the lost events, oldest first; one central will not take is said
 * (it stays lost) and the round goes on. */
static int mend_chain(struct replica *r, struct transport *t, struct sync_report *rep,
		      struct cd_error *err)
{
	json_t *lost, *req, *ans, *res;
	size_t i;
	int rc;

	if (rep->audit_held < 0)
		return 0;
	lost = lost_events(r, rep->audit_held, err);
	if (!lost)
		return -1;
	if (json_array_size(lost) == 0) {
		json_decref(lost);
		return 0;
	}
	req = json_pack("{s:s, s:s, s:s, s:i, s:o}", "type", "push", "replica", r->replica_id,
			"scope", r->locality, "schema", r->schema_version, "changes", lost);
	step();
	ans = transport_call(t, req, err);
	json_decref(req);
	if (!ans)
		return -1;
	json_array_foreach(json_object_get(ans, "results"), i, res) {
		if (str(res, "outcome") && strcmp(str(res, "outcome"), "rejected") == 0)
			snprintf(rep->warning, sizeof(rep->warning), "central would not take an "
				 "audit event sent again: %.300s",
				 str(res, "detail") ? str(res, "detail") : "no reason given");
		else
			rep->mended++;
	}
	rc = keep_anchor(r, ans, rep, err);
	json_decref(ans);
	return rc;
}

static int push(struct replica *r, struct transport *t, struct sync_report *rep,
		struct cd_error *err)
{
	if (mend_chain(r, t, rep, err))
		return -1;
	for (;;) {
		json_t *batch = outbox_batch(r), *req, *ans;
		size_t n = json_array_size(batch), answered = 0;
		int rc;

		if (n == 0) {
			json_decref(batch);
			return 0;
		}
		req = json_pack("{s:s, s:s, s:s, s:i, s:o}", "type", "push", "replica",
				r->replica_id, "scope", r->locality, "schema", r->schema_version,
				"changes", batch);
		step();
		ans = transport_call(t, req, err);
		json_decref(req);
		if (!ans)
			return -1;
		step();
		rc = record_results(r, json_object_get(ans, "results"), rep, &answered, err);
		if (rc == 0)
			rc = keep_anchor(r, ans, rep, err);
		json_decref(ans);
		if (rc)
			return -1;
		/* Never loop on a central that answers nothing, or answers only
		 * changes this replica never sent: the batch would go again. */
		if (answered == 0)
			return cd_error_set(err, CD_EX_PROTOCOL, NULL,
					    "central answered none of the %zu change%s sent", n,
					    n == 1 ? "" : "s");
	}
}

/* --- pull ------------------------------------------------------------------- */

/* One record line: "seq TAB tbl TAB id TAB row" (row empty: central no
 * longer has the record; ">locality": it moved there, out of this
 * replica's scope). */
static int store_line(struct replica *r, struct sync_pull *p, char *line,
		      struct sync_report *rep, struct cd_error *err)
{
	char *tbl = strchr(line, '\t'), *id = tbl ? strchr(tbl + 1, '\t') : NULL;
	char *row = id ? strchr(id + 1, '\t') : NULL;
	const struct sync_table_def *t;
	bool stored = false;
	int rc;

	if (!row)
		return cd_error_set(err, CD_EX_PROTOCOL, NULL, "a record line that is not one");
	*tbl++ = *id++ = *row++ = '\0';
	rep->pulled++;
	t = sync_table_find(r, tbl);
	if (!t)		/* a record this (older) schema does not have */
		return 0;
	if (!*row)
		return sync_row_forget(r, t, id, err);
	if (*row == '>')
		return sync_pull_archive(p, t, id, row + 1, err);
	rc = sync_pull_store(p, t, id, row, &stored, err);
	if (stored)
		rep->stored++;
	return rc;
}

/* One checkpoint: every record and the new cursor, or nothing (a
 * connection lost halfway leaves the replica as it was). */
static int store_checkpoint(struct replica *r, struct transport *tr, int count, json_int_t upto,
			    struct sync_report *rep, struct cd_error *err)
{
	char cursor[32], *line = NULL;
	size_t cap = 0;
	struct sync_pull *p;
	long parked = 0;
	int rc = 0;

	if (txn_begin_uncaptured(r, "sync.pull", err))
		return -1;
	/* Records arrive in commit order, but a parent changed later comes
	 * after its children: references are checked once all are stored,
	 * and a record still missing one waits in sync_parked. */
	sqlite3_exec(r->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL);
	p = sync_pull_begin(r, err);
	if (!p)
		rc = -1;
	for (int i = 0; rc == 0 && i < count; i++) {
		rc = transport_read_line(tr, &line, &cap, err);
		if (rc == 0)
			rc = store_line(r, p, line, rep, err);
		step();
	}
	free(line);
	if (rc == 0)
		rc = sync_pull_finish(p, &parked, err);
	sync_pull_free(p);
	snprintf(cursor, sizeof(cursor), "%lld", (long long)upto);
	if (rc == 0)
		rc = sync_state_set(r, "cursor", cursor, err);
	if (rc) {
		txn_rollback(r);
		return -1;
	}
	step();
	if (txn_commit(r, err))
		return -1;
	rep->parked += parked;
	rep->cursor = upto;
	return 0;
}

static void (*progress)(const struct sync_report *rep);

void sync_set_progress(void (*fn)(const struct sync_report *rep))
{
	progress = fn;
}

static int pull(struct replica *r, struct transport *t, struct sync_report *rep,
		struct cd_error *err)
{
	char cursor_text[32];
	json_int_t cursor = 0;

	if (sync_state_get(r, "cursor", cursor_text, sizeof(cursor_text)) == 0)
		cursor = strtoll(cursor_text, NULL, 10);
	rep->cursor = cursor;
	for (;;) {
		json_t *req = json_pack("{s:s, s:s, s:s, s:I, s:i, s:i}", "type", "pull", "replica",
					r->replica_id, "scope", r->locality, "cursor", cursor,
					"limit", batch_size(PULL_ROWS_MAX), "schema",
					r->schema_version);
		json_t *ans = transport_call(t, req, err);
		json_int_t upto;
		bool more;
		int rc;

		json_decref(req);
		if (!ans)
			return -1;
		upto = json_integer_value(json_object_get(ans, "upto"));
		more = json_is_true(json_object_get(ans, "more"));
		rep->head = json_integer_value(json_object_get(ans, "head"));
		if (upto < cursor) {
			json_decref(ans);
			return cd_error_set(err, CD_EX_PROTOCOL, NULL,
					    "central went back from %lld to %lld: is it the same store?",
					    (long long)cursor, (long long)upto);
		}
		/* "More" that moves no further would keep the agent pulling for
		 * ever: a real central's "more" means a full batch, past cursor. */
		if (more && upto == cursor) {
			json_decref(ans);
			return cd_error_set(err, CD_EX_PROTOCOL, NULL,
					    "central said there was more but moved no further than %lld",
					    (long long)cursor);
		}
		rc = store_checkpoint(r, t, (int)json_integer_value(json_object_get(ans, "count")),
				      upto, rep, err);
		json_decref(ans);
		if (rc)
			return -1;
		cursor = upto;
		if (progress)
			progress(rep);
		if (!more)
			return 0;
	}
}

/* --- a round ----------------------------------------------------------------- */

static void note_result(struct replica *r, const struct cd_error *failure)
{
	char now[ISO_INSTANT_LEN], since[64];
	struct cd_error err;

	cd_error_clear(&err);
	instant_format(now_instant(), now);
	if (!failure) {
		sync_state_set(r, "last_success", now, &err);
		sync_state_set(r, "offline_since", "", &err);
		sync_state_set(r, "last_error", "", &err);
		return;
	}
	if (sync_state_get(r, "offline_since", since, sizeof(since)) != 0 || !since[0])
		sync_state_set(r, "offline_since", now, &err);
	sync_state_set(r, "last_error", failure->msg, &err);
}

int sync_exchange(struct replica *r, struct transport *t, struct sync_report *rep,
		  struct cd_error *err)
{
	int rc = hello(r, t, rep, err);

	if (rc == 0)
		rc = push(r, t, rep, err);
	if (rc == 0)
		rc = pull(r, t, rep, err);
	return rc;
}

int sync_once(struct replica *r, struct sync_report *rep, struct cd_error *err)
{
	char uri[512];
	struct transport t;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (!r->actor.login[0])
		snprintf(r->actor.login, sizeof(r->actor.login), "caredesk-sync");
	if (sync_central_uri(r, uri, sizeof(uri)))
		return cd_error_set(err, CD_EX_CONFIG, NULL,
				    "this replica has no central store: set one with caredesk sync "
				    "central URI");
	load_die_at();
	if (transport_open(&t, uri, err)) {
		note_result(r, err);
		return -1;
	}
	t.sent = step;
	rc = sync_exchange(r, &t, rep, err);
	transport_close(&t);
	note_result(r, rc ? err : NULL);
	return rc;
}
