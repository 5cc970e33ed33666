/* The embedded central store (see central.h).
 *
 * Central is a caredesk database opened like a replica; its writes run as
 * uncaptured actions (a txn_context row with capture = 0), so the guard
 * triggers are satisfied and nothing goes to an outbox.  One push is one
 * SQLite transaction; each replica transaction inside it is a savepoint,
 * so a rejected change takes its whole desk action back with it and the
 * rest of the push still applies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/sync_rows.h"
#include "sync/central.h"

struct central {
	struct replica *r;
	char id[UUID_STR_LEN];
	char scope[CODE_MAX];	/* the pushing replica's locality */
};

enum outcome { OUT_APPLIED, OUT_MERGED, OUT_CONFLICT, OUT_REJECTED };

static const char *const outcome_names[] = { "applied", "merged", "conflict", "rejected" };

/* One pushed change, as central reads it. */
struct change {
	json_t *obj;		/* borrowed from the request */
	const char *change_id, *txn_id, *tbl, *row_id, *op, *worker, *created_at;
	const char *action;	/* the desk action that made it ("" if unknown) */
	json_t *fields;		/* {"col": [old, new], ...} */
	json_int_t base_version;
	bool has_base;
	int schema_version;
};

static void now_iso(char out[ISO_INSTANT_LEN])
{
	instant_format(now_instant(), out);
}

int central_open(const char *path, bool create, struct central **out, struct cd_error *err)
{
	struct central *c;
	struct replica *r;

	*out = NULL;
	if (replica_open(path, create ? REPLICA_OPEN_CREATE : REPLICA_OPEN_EXISTING, &r, err))
		return -1;
	if (replica_meta_get(r, "role", NULL, 0) != 0) {
		if (!create) {
			replica_close(&r);
			return cd_error_set(err, CD_EX_NOINPUT, NULL, "%s is not a caredesk central store",
					    path);
		}
		if (replica_init(r, "borough", err) || replica_meta_set(r, "role", "central", err)) {
			replica_close(&r);
			return -1;
		}
	}
	c = cd_calloc(1, sizeof(*c));
	c->r = r;
	snprintf(r->actor.login, sizeof(r->actor.login), "caredesk-syncd");
	replica_meta_get(r, "replica_id", c->id, sizeof(c->id));
	*out = c;
	return 0;
}

void central_close(struct central **cp)
{
	if (!*cp)
		return;
	replica_close(&(*cp)->r);
	free(*cp);
	*cp = NULL;
}

json_t *central_hello(struct central *c, json_t *request, struct cd_error *err)
{
	(void)request;
	(void)err;
	return json_pack("{s:s, s:s, s:i, s:i}", "type", "hello", "central", c->id, "schema_min",
			 CENTRAL_SCHEMA_MIN, "schema_max", replica_schema_version());
}

/* --- reading a change ------------------------------------------------------ */

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int read_change(json_t *obj, struct change *ch)
{
	json_t *base = json_object_get(obj, "base_version");

	memset(ch, 0, sizeof(*ch));
	ch->obj = obj;
	ch->change_id = str(obj, "change_id");
	ch->txn_id = str(obj, "txn_id");
	ch->tbl = str(obj, "tbl");
	ch->row_id = str(obj, "row_id");
	ch->op = str(obj, "op");
	ch->worker = str(obj, "worker");
	ch->created_at = str(obj, "created_at");
	ch->action = str(obj, "action") ? str(obj, "action") : "";
	ch->fields = json_object_get(obj, "changes");
	ch->has_base = json_is_integer(base);
	ch->base_version = ch->has_base ? json_integer_value(base) : 0;
	ch->schema_version = (int)json_integer_value(json_object_get(obj, "schema_version"));
	if (!ch->change_id || !ch->txn_id || !ch->tbl || !ch->row_id || !ch->op || !ch->worker ||
	    !ch->created_at || !json_is_object(ch->fields))
		return -1;
	return 0;
}

/* --- the order of changes ------------------------------------------------- */

/* The record changed: give it the next sequence number, with who and when. */
static int touch_row(struct central *c, const char *tbl, const char *id, const char *locality,
		     const char *worker, const char *at, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(c->r, "DELETE FROM central_row WHERE tbl = ?1 AND row_id = ?2");

	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return replica_sql_error(c->r, err, "ordering a change");
	st = replica_stmt(c->r, "INSERT INTO central_row (tbl, row_id, locality, worker, at) "
				"VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, locality ? locality : "borough", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, worker, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, at, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return replica_sql_error(c->r, err, "ordering a change");
	return 0;
}

/* Who last changed the record, and when (for a conflict's "kept" side). */
static void last_change(struct central *c, const char *tbl, const char *id, char *worker,
			size_t wsize, char *at, size_t asize)
{
	sqlite3_stmt *st = replica_stmt(c->r, "SELECT worker, at FROM central_row "
					      "WHERE tbl = ?1 AND row_id = ?2");

	snprintf(worker, wsize, "unknown");
	snprintf(at, asize, "unknown");
	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(worker, wsize, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(at, asize, "%s", (const char *)sqlite3_column_text(st, 1));
	}
}

/* --- conflicts -------------------------------------------------------------- */

static int store_conflict(struct central *c, const struct change *ch, const char *field,
			  json_t *kept, json_t *other, const char *kind, const char *locality,
			  struct cd_error *err)
{
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], kworker[LOGIN_MAX], kat[ISO_INSTANT_LEN + 8];
	char *kept_text = json_dumps(kept, JSON_ENCODE_ANY | JSON_COMPACT);
	char *other_text = json_dumps(other, JSON_ENCODE_ANY | JSON_COMPACT);
	sqlite3_stmt *st;
	int rc;

	/* Both sides must see it: the record's locality, or the whole borough
	 * when the edit came from a replica serving another. */
	if (!locality || strcmp(locality, c->scope) != 0)
		locality = "borough";

	id_new(&c->r->ids, id);
	now_iso(now);
	last_change(c, ch->tbl, ch->row_id, kworker, sizeof(kworker), kat, sizeof(kat));
	st = replica_stmt(c->r,
		"INSERT INTO sync_conflict (id, tbl, row_id, field, kept_value, kept_worker, kept_at, "
		"other_value, other_worker, other_at, change_id, kind, created_at, updated_at, "
		"locality) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ch->tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ch->row_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, kept_text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, kworker, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, kat, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, other_text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, ch->worker, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, ch->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, ch->change_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, locality, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : replica_sql_error(c->r, err, "keeping a conflict");
	free(kept_text);
	free(other_text);
	return rc ? rc : touch_row(c, "sync_conflict", id, locality, ch->worker, now, err);
}

/* An edit that meets a closed case or referral is a conflict as a whole:
 * reopening by accident is worse than asking (unless the edit is the
 * closing or reopening itself, or a manager's resolution). */
static bool meets_close(const struct change *ch, json_t *current)
{
	/* A manager resolving a conflict has seen the record closed. */
	if (strcmp(ch->action, "conflict.resolve") == 0)
		return false;
	if (strcmp(ch->tbl, "care_case") == 0)
		return !json_is_null(json_object_get(current, "closed_at")) &&
		       !json_object_get(ch->fields, "closed_at");
	if (strcmp(ch->tbl, "referral") == 0) {
		const char *status = str(current, "status");

		return status && strcmp(status, "closed") == 0 && !json_object_get(ch->fields, "status");
	}
	return false;
}

/* After a conflict that changed nothing here, the record still gets a new
 * version and sequence number: the replica that pushed holds its own value
 * under the version it based the edit on, and must take central's back.
 * The last change stays the kept side's. */
static int keep_central(struct central *c, const struct sync_table_def *t,
			const struct change *ch, const char *locality, struct cd_error *err)
{
	char worker[LOGIN_MAX], at[ISO_INSTANT_LEN + 8];

	last_change(c, ch->tbl, ch->row_id, worker, sizeof(worker), at, sizeof(at));
	return sync_row_bump(c->r, t, ch->row_id, at, err) ||
	       touch_row(c, ch->tbl, ch->row_id, locality, worker, at, err) ? -1 : 0;
}

/* --- applying one change --------------------------------------------------- */

static json_t *load_row(struct central *c, const struct sync_table_def *t, const char *id,
			struct cd_error *err, int *rc)
{
	char *text = NULL;
	json_t *row = NULL;

	*rc = sync_row_json(c->r, t, id, &text, err);
	if (*rc == 0) {
		row = json_loads(text, JSON_DECODE_ANY, NULL);
		if (!row)
			*rc = cd_error_set(err, CD_EX_SOFTWARE, t ? sync_table_name(t) : NULL,
					   "central holds a record it cannot read");
	}
	free(text);
	return row;
}

static enum outcome apply_insert(struct central *c, const struct sync_table_def *t,
				 const struct change *ch, char *detail, size_t dsize,
				 struct cd_error *err)
{
	json_t *row = json_object(), *current;
	const char *field;
	json_t *pair;
	char *text;
	int rc;

	json_object_foreach(ch->fields, field, pair)
		json_object_set(row, field, json_array_get(pair, 1));
	if (sync_table_has_version(t)) {
		json_object_set_new(row, "version", json_integer(1));
		json_object_set_new(row, "updated_at", json_string(ch->created_at));
	}
	current = load_row(c, t, ch->row_id, err, &rc);
	if (rc < 0) {
		json_decref(row);
		return OUT_REJECTED;
	}
	if (current) {
		int conflicts = 0;

		/* The same record made twice (a worker registered on two hosts):
		 * equal fields agree, different ones are conflicts. */
		json_object_foreach(ch->fields, field, pair) {
			json_t *now = json_object_get(current, field), *want = json_array_get(pair, 1);

			if (!json_equal(now, want) &&
			    store_conflict(c, ch, field, now, want, "same-field",
					   str(current, "locality"), err) == 0)
				conflicts++;
		}
		/* A new version, so the pusher takes central's values back. */
		rc = conflicts ? keep_central(c, t, ch, str(current, "locality"), err) : 0;
		json_decref(current);
		json_decref(row);
		if (rc) {
			snprintf(detail, dsize, "%.480s", err->msg);
			return OUT_REJECTED;
		}
		if (conflicts)
			snprintf(detail, dsize, "%d field%s kept for a person to decide", conflicts,
				 conflicts == 1 ? "" : "s");
		return conflicts ? OUT_CONFLICT : OUT_APPLIED;
	}
	text = json_dumps(row, JSON_COMPACT);
	rc = sync_row_insert(c->r, t, text, err);
	free(text);
	if (rc == 0)
		rc = touch_row(c, ch->tbl, ch->row_id, str(row, "locality"), ch->worker, ch->created_at,
			       err);
	json_decref(row);
	if (rc) {
		snprintf(detail, dsize, "%s", err->msg);
		return OUT_REJECTED;
	}
	return OUT_APPLIED;
}

static int patch_row(struct central *c, const struct sync_table_def *t, const struct change *ch,
		     json_t *patch, struct cd_error *err)
{
	char *text = json_dumps(patch, JSON_COMPACT);
	int rc = sync_row_patch(c->r, t, ch->row_id, text, err);

	free(text);
	return rc;
}

static enum outcome apply_update(struct central *c, const struct sync_table_def *t,
				 const struct change *ch, char *detail, size_t dsize,
				 struct cd_error *err)
{
	int rc, set = 0, conflicts = 0;
	json_t *current = load_row(c, t, ch->row_id, err, &rc), *pair, *patch;
	const char *field, *locality;
	bool closed;
	json_int_t version;

	if (!current) {
		snprintf(detail, dsize, "%s", rc < 0 ? err->msg : "central has no such record");
		return OUT_REJECTED;
	}
	locality = str(current, "locality");
	closed = meets_close(ch, current);
	patch = json_object();
	version = json_integer_value(json_object_get(current, "version"));
	json_object_foreach(ch->fields, field, pair) {
		json_t *old = json_array_get(pair, 0), *want = json_array_get(pair, 1);
		json_t *now = json_object_get(current, field);

		if (!sync_table_column(t, field)) {
			snprintf(detail, dsize, "%s has no field %s here (central's schema is older)",
				 ch->tbl, field);
			json_decref(current);
			json_decref(patch);
			return OUT_REJECTED;
		}
		if (json_equal(now, want))
			continue;
		rc = 0;
		if (!closed && json_equal(now, old)) {
			json_object_set(patch, field, want);
			set++;
		} else {
			rc = store_conflict(c, ch, field, now, want,
					    closed ? "edit-after-close" : "same-field", locality, err);
			conflicts++;
		}
		if (rc) {
			snprintf(detail, dsize, "%.60s: %.400s", field, err->msg);
			json_decref(current);
			json_decref(patch);
			return OUT_REJECTED;
		}
	}
	rc = set ? patch_row(c, t, ch, patch, err) : 0;
	json_decref(patch);
	if (rc || (set && (sync_row_bump(c->r, t, ch->row_id, ch->created_at, err) ||
		    touch_row(c, ch->tbl, ch->row_id, locality, ch->worker, ch->created_at, err)))) {
		snprintf(detail, dsize, "%.480s", err->msg);
		json_decref(current);
		return OUT_REJECTED;
	}
	if (!set && conflicts && keep_central(c, t, ch, locality, err)) {
		snprintf(detail, dsize, "%s", err->msg);
		json_decref(current);
		return OUT_REJECTED;
	}
	json_decref(current);
	if (conflicts) {
		snprintf(detail, dsize, "%d field%s kept for a person to decide", conflicts,
			 conflicts == 1 ? "" : "s");
		return OUT_CONFLICT;
	}
	return ch->has_base && ch->base_version == version ? OUT_APPLIED : OUT_MERGED;
}

static enum outcome apply_change(struct central *c, const struct change *ch, char *detail,
				 size_t dsize, struct cd_error *err)
{
	const struct sync_table_def *t = sync_table_find(c->r, ch->tbl);

	cd_error_clear(err);
	if (ch->schema_version > replica_schema_version()) {
		snprintf(detail, dsize, "made with schema %d; central has %d: upgrade central",
			 ch->schema_version, replica_schema_version());
		return OUT_REJECTED;
	}
	if (!t) {
		snprintf(detail, dsize, "%s is not a synced record", ch->tbl);
		return OUT_REJECTED;
	}
	if (strcmp(ch->op, "insert") == 0)
		return apply_insert(c, t, ch, detail, dsize, err);
	if (strcmp(ch->op, "update") == 0 && !sync_table_append_only(t))
		return apply_update(c, t, ch, detail, dsize, err);
	snprintf(detail, dsize, "%s of %s is not accepted", ch->op, ch->tbl);
	return OUT_REJECTED;
}

/* --- a push ---------------------------------------------------------------- */

static int record_outcome(struct central *c, const char *origin, const struct change *ch,
			  enum outcome o, const char *detail, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st = replica_stmt(c->r,
		"INSERT INTO central_change (change_id, txn_id, origin, tbl, row_id, outcome, detail, "
		"received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

	now_iso(now);
	sqlite3_bind_text(st, 1, ch->change_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ch->txn_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ch->tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ch->row_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, outcome_names[o], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0
					       : replica_sql_error(c->r, err, "recording an outcome");
}

/* The stored outcome of a change id seen before, as a result object. */
static json_t *seen_before(struct central *c, const char *change_id)
{
	sqlite3_stmt *st = replica_stmt(c->r, "SELECT outcome, detail FROM central_change "
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

static json_t *result(const struct change *ch, enum outcome o, const char *detail)
{
	return json_pack("{s:s, s:s, s:s}", "change_id", ch->change_id, "outcome", outcome_names[o],
			 "detail", detail);
}

/* One desk action's changes, [first, end) of the array: all of them or
 * none, in a savepoint. */
static int push_txn(struct central *c, const char *origin, json_t *changes, size_t first,
		    size_t end, json_t *results, struct cd_error *err)
{
	enum outcome *out = cd_calloc(end - first, sizeof(*out));
	char (*detail)[512] = cd_calloc(end - first, sizeof(*detail));
	struct change ch;
	size_t bad = end;
	int rc = 0;

	if (action_begin_uncaptured(c->r, "sync.push", err)) {
		free(out);
		free(detail);
		return -1;
	}
	for (size_t i = first; i < end && bad == end; i++) {
		read_change(json_array_get(changes, i), &ch);
		out[i - first] = apply_change(c, &ch, detail[i - first], sizeof(detail[0]), err);
		if (out[i - first] == OUT_REJECTED)
			bad = i;
	}
	if (bad < end) {
		action_rollback(c->r);
		for (size_t i = first; i < end; i++) {
			out[i - first] = OUT_REJECTED;
			if (i != bad)
				snprintf(detail[i - first], sizeof(detail[0]),
					 "rejected with the rest of its action: %.440s", detail[bad - first]);
		}
	} else if (action_commit(c->r, err)) {
		free(out);
		free(detail);
		return -1;
	}
	for (size_t i = first; i < end && rc == 0; i++) {
		read_change(json_array_get(changes, i), &ch);
		rc = record_outcome(c, origin, &ch, out[i - first], detail[i - first], err);
		json_array_append_new(results, result(&ch, out[i - first], detail[i - first]));
	}
	free(out);
	free(detail);
	return rc;
}

static const char *txn_of(json_t *changes, size_t i)
{
	return str(json_array_get(changes, i), "txn_id");
}

json_t *central_push(struct central *c, json_t *request, struct cd_error *err)
{
	json_t *changes = json_object_get(request, "changes");
	const char *origin = str(request, "replica"), *scope = str(request, "scope");
	json_t *results = json_array();
	size_t n = json_array_size(changes), i = 0;
	struct change ch;

	snprintf(c->scope, sizeof(c->scope), "%s", scope ? scope : "borough");
	if (!json_is_array(changes) || !origin) {
		json_decref(results);
		cd_error_set(err, CD_EX_PROTOCOL, NULL, "a push needs its replica and its changes");
		return NULL;
	}
	for (size_t k = 0; k < n; k++) {
		if (read_change(json_array_get(changes, k), &ch)) {
			json_decref(results);
			cd_error_set(err, CD_EX_PROTOCOL, NULL, "change %zu of the push is incomplete", k);
			return NULL;
		}
	}
	if (action_begin_uncaptured(c->r, "sync.push", err)) {
		json_decref(results);
		return NULL;
	}
	while (i < n) {
		size_t end = i + 1;
		json_t *seen;

		while (end < n && strcmp(txn_of(changes, end), txn_of(changes, i)) == 0)
			end++;
		read_change(json_array_get(changes, i), &ch);
		seen = seen_before(c, ch.change_id);
		if (seen) {
			/* A resend: the whole action was decided before. */
			json_decref(seen);
			for (size_t k = i; k < end; k++) {
				read_change(json_array_get(changes, k), &ch);
				seen = seen_before(c, ch.change_id);
				json_array_append_new(results, seen ? seen : result(&ch, OUT_REJECTED,
					"part of an action central has seen before without it"));
			}
		} else if (push_txn(c, origin, changes, i, end, results, err)) {
			action_rollback(c->r);
			json_decref(results);
			return NULL;
		}
		i = end;
	}
	if (action_commit(c->r, err)) {
		json_decref(results);
		return NULL;
	}
	return json_pack("{s:s, s:o}", "type", "push", "results", results);
}

/* --- a pull ----------------------------------------------------------------- */

static json_int_t head_seq(struct central *c)
{
	sqlite3_stmt *st = replica_stmt(c->r, "SELECT coalesce(max(seq), 0) FROM central_row");
	json_int_t head = 0;

	if (sqlite3_step(st) == SQLITE_ROW)
		head = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return head;
}

/* Append one record line: "seq TAB tbl TAB id TAB row", the row empty
 * for a record central no longer has.  Names are our own identifiers and
 * JSON text never holds a raw tab or newline, so the line splits safely. */
static void add_line(struct pull_body *b, long long seq, const char *tbl, const char *id,
		     const char *row)
{
	size_t need = 64 + strlen(tbl) + strlen(id) + (row ? strlen(row) : 0);
	int n;

	if (b->len + need > b->cap) {
		b->cap = (b->cap + need) * 2;
		b->text = cd_realloc(b->text, b->cap);
	}
	n = snprintf(b->text + b->len, b->cap - b->len, "%lld\t%s\t%s\t%s\n", seq, tbl, id,
		     row ? row : "");
	b->len += (size_t)n;
	b->lines++;
}

static int pull_rows(struct central *c, const char *scope, json_int_t cursor, int limit,
		     json_int_t *last, struct pull_body *body, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(c->r,
		"SELECT seq, tbl, row_id FROM central_row WHERE seq > ?1 AND (?2 = 'borough' OR "
		"locality = ?2 OR locality = 'borough' OR tbl = 'worker') ORDER BY seq LIMIT ?3");
	int rc;

	*last = cursor;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tbl = (const char *)sqlite3_column_text(st, 1);
		const char *id = (const char *)sqlite3_column_text(st, 2);
		const struct sync_table_def *t = sync_table_find(c->r, tbl);
		char *text = NULL;

		*last = sqlite3_column_int64(st, 0);
		if (t && sync_row_json(c->r, t, id, &text, err) < 0) {
			sqlite3_reset(st);
			return -1;
		}
		add_line(body, *last, tbl, id, text);
		free(text);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return replica_sql_error(c->r, err, "reading changes to send");
	return 0;
}

json_t *central_pull(struct central *c, json_t *request, struct pull_body *body,
		     struct cd_error *err)
{
	const char *scope = str(request, "scope");
	json_t *cursor_j = json_object_get(request, "cursor");
	json_int_t cursor = json_integer_value(cursor_j), head, last;
	int limit = (int)json_integer_value(json_object_get(request, "limit")), rc;
	bool more;

	memset(body, 0, sizeof(*body));
	if (!scope || !json_is_integer(cursor_j) || cursor < 0) {
		cd_error_set(err, CD_EX_PROTOCOL, NULL, "a pull needs a scope and a cursor");
		return NULL;
	}
	if (limit < 1 || limit > 5000)
		limit = 1000;
	/* One read transaction: the rows and the head are one checkpoint. */
	if (sqlite3_exec(c->r->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		replica_sql_error(c->r, err, "starting a pull");
		return NULL;
	}
	head = head_seq(c);
	rc = pull_rows(c, scope, cursor, limit, &last, body, err);
	sqlite3_exec(c->r->db, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		free(body->text);
		memset(body, 0, sizeof(*body));
		return NULL;
	}
	more = body->lines == limit;
	/* Nothing more in scope: everything up to the head has been seen. */
	if (!more)
		last = head > last ? head : last;
	return json_pack("{s:s, s:i, s:I, s:I, s:b}", "type", "pull", "count", body->lines, "upto",
			 last, "head", head, "more", more);
}
