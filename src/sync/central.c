/* A central store's decisions (see central.h), the same over every store
 * (store.h): one push is one store transaction; each replica transaction
 * inside it is a nested one, so a rejected change takes its whole desk
 * action back with it and the rest of the push still applies. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/audit.h"
#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "sync/central.h"
#include "sync/change.h"
#include "sync/fault.h"
#include "sync/store.h"
#include "sync/trust.h"

struct central {
	struct store *s;
	char scope[CODE_MAX];	/* the locality of the replica served */
	char fixed[CODE_MAX];	/* the only scope served, from the server's side */
	bool greeted;		/* hello has chosen the scope */
	bool moves;		/* the agent knows records that leave its scope */
	struct fault_point die_at;	/* CAREDESK_CENTRAL_DIE_AT */
};

enum outcome { OUT_APPLIED, OUT_MERGED, OUT_CONFLICT, OUT_REJECTED };

static const char *const outcome_names[] = { "applied", "merged", "conflict", "rejected" };

static void now_iso(char out[ISO_INSTANT_LEN])
{
	instant_format(now_instant(), out);
}

/* The fault tests' crash of the central between a push's commit and its
 * answer (CAREDESK_CENTRAL_DIE_AT=N: the Nth push this connection
 * commits), so a test lands it there every time instead of now and then.
 * An embedded central runs in caredesk-syncd, the server itself: it
 * SIGKILLs itself, and the agent loses the answer with the connection.
 * A PostgreSQL central's decisions run here in the agent, and the server
 * that must crash is postgres, which no code of ours runs in.  So the
 * agent SIGSTOPs itself, holding a committed push whose outcome it has not
 * yet taken in; the test, seeing it stopped, kills -9 the postmaster and
 * restarts it, then either kills the agent (the answer is lost, as with
 * syncd) or continues it (it takes in the outcome, and its next request
 * meets a dead connection).  A marker file and a wait would do the same
 * with more to go wrong; a stopped process is seen in /proc. */
static void arm_die_at(struct central *c, bool pg)
{
	fault_point_arm(&c->die_at, "CAREDESK_CENTRAL_DIE_AT", pg ? SIGSTOP : SIGKILL);
}

int central_open(const char *target, bool create, struct central **out, struct cd_error *err)
{
	struct store *s;
	int rc = store_is_pg_uri(target) ? store_pg_open(target, &s, err)
					 : store_sqlite_open(target, create, &s, err);

	*out = NULL;
	if (rc)
		return -1;
	*out = cd_calloc(1, sizeof(**out));
	(*out)->s = s;
	arm_die_at(*out, store_is_pg_uri(target));
	snprintf((*out)->scope, sizeof((*out)->scope), "borough");
	return 0;
}

void central_close(struct central **cp)
{
	if (!*cp)
		return;
	(*cp)->s->ops->close((*cp)->s);
	free(*cp);
	*cp = NULL;
}

static bool known_scope(const char *scope)
{
	for (size_t i = 0; i < STORE_LOCALITIES; i++)
		if (strcmp(scope, store_localities[i]) == 0)
			return true;
	return strcmp(scope, "borough") == 0;
}

int central_fix_scope(struct central *c, const char *scope, struct cd_error *err)
{
	if (!known_scope(scope))
		return cd_error_set(err, CD_EX_USAGE, NULL, "no locality is called '%.40s'", scope);
	snprintf(c->fixed, sizeof(c->fixed), "%s", scope);
	return 0;
}

/* A desk asking for a scope the server did not give it: refused, and the
 * refusal kept with central's outcomes, where its owner reads them. */
static int refuse_scope(struct central *c, json_t *request, const char *scope,
			struct cd_error *err)
{
	const char *origin = json_string_value(json_object_get(request, "replica"));
	char id[UUID_STR_LEN], detail[200];
	struct idgen ids = { 0 };
	struct cd_error ignored;
	json_t *note;

	id_new(&ids, id);
	snprintf(detail, sizeof(detail), "a request for %.40s on a connection that serves %.40s",
		 scope, c->fixed);
	note = json_pack("{s:s, s:s, s:s, s:s}", "change_id", id, "txn_id", "", "tbl", "",
			 "row_id", "");
	cd_error_clear(&ignored);
	if (c->s->ops->begin(c->s, &ignored) == 0) {
		if (c->s->ops->record_outcome(c->s, origin ? origin : "unknown", note, "rejected",
					      detail, &ignored) == 0)
			c->s->ops->commit(c->s, &ignored);
		else
			c->s->ops->rollback(c->s);
	}
	json_decref(note);
	return cd_error_set(err, CD_EX_NOPERM, NULL, "%s", detail);
}

/* The replica served says which locality it serves, once a connection:
 * the store reads and writes in that scope from then on. */
static int greet(struct central *c, json_t *request, const char *scope, struct cd_error *err)
{
	if (c->fixed[0] && strcmp(scope, c->fixed) != 0)
		return refuse_scope(c, request, scope, err);
	if (c->greeted)
		return strcmp(scope, c->scope) == 0 ? 0 :
			cd_error_set(err, CD_EX_PROTOCOL, NULL, "a request for %.40s after a hello "
				     "for %.40s", scope, c->scope);
	if (!known_scope(scope))
		return cd_error_set(err, CD_EX_PROTOCOL, NULL, "no locality is called '%.40s'",
				    scope);
	if (c->s->ops->hello(c->s, scope, err))
		return -1;
	snprintf(c->scope, sizeof(c->scope), "%s", scope);
	c->greeted = true;
	return 0;
}

/* Central's record of a replica's audit chain, for the replica to keep
 * (caredesk check compares its chain with it, with no network): set as
 * "anchor": {"seq", "hash"} on the answer when central holds any. */
static int add_anchor(struct central *c, json_t *answer, const char *origin,
		      struct cd_error *err)
{
	char hash[AUDIT_HASH_LEN], locality[CODE_MAX];
	long long seq = 0;
	int rc;

	if (!origin)
		return 0;
	rc = c->s->ops->chain_head(c->s, origin, &seq, hash, locality, err);
	if (rc < 0)
		return -1;
	/* None held is said too (seq 0), so the replica sends its chain from
	 * the start; a chain of another scope is not told at all: the
	 * replica id is the desk's word. */
	if (rc == 1)
		json_object_set_new(answer, "anchor", json_pack("{s:i, s:s}", "seq", 0, "hash", ""));
	else if (strcmp(locality, c->scope) == 0)
		json_object_set_new(answer, "anchor", json_pack("{s:I, s:s}", "seq",
								(json_int_t)seq, "hash", hash));
	return 0;
}

json_t *central_hello(struct central *c, json_t *request, struct cd_error *err)
{
	const char *scope = json_string_value(json_object_get(request, "scope"));
	json_t *answer;

	if (greet(c, request, scope ? scope : "borough", err))
		return NULL;
	/* Protocol 2 added the lines for records that moved away. */
	c->moves = json_integer_value(json_object_get(request, "protocol")) >= 2;
	answer = json_pack("{s:s, s:s, s:i, s:i}", "type", "hello", "central", c->s->ops->id(c->s),
			   "schema_min", c->s->ops->schema_min(c->s), "schema_max",
			   c->s->ops->schema_version(c->s));
	if (add_anchor(c, answer, json_string_value(json_object_get(request, "replica")), err)) {
		json_decref(answer);
		return NULL;
	}
	return answer;
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
	return c->s->ops->touch(c->s, tbl, id, store_scope_of(tbl, locality), worker, at, err);
}

/* --- records as JSON ------------------------------------------------------- */

static json_t *load_row(struct central *c, const struct store_table *t, const char *id,
			struct cd_error *err, int *rc)
{
	char *text = NULL;
	json_t *row = NULL;

	*rc = c->s->ops->load(c->s, t, id, &text, err);
	if (*rc == 0) {
		row = json_loads(text, JSON_DECODE_ANY, NULL);
		if (!row)
			*rc = cd_error_set(err, CD_EX_SOFTWARE, t->name,
					   "central holds a record it cannot read");
	}
	free(text);
	return row;
}

static int insert_row(struct central *c, const struct store_table *t, json_t *row,
		      struct cd_error *err)
{
	char *text = json_dumps(row, JSON_COMPACT);
	int rc = c->s->ops->insert(c->s, t, text, err);

	free(text);
	return rc;
}

static int patch_row(struct central *c, const struct store_table *t, const struct change *ch,
		     json_t *patch, struct cd_error *err)
{
	char *text = json_dumps(patch, JSON_COMPACT);
	int rc = c->s->ops->patch(c->s, t, ch->row_id, text, err);

	free(text);
	return rc;
}

/* --- conflicts -------------------------------------------------------------- */

static json_t *json_text(json_t *value)
{
	char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	json_t *s = json_string(text ? text : "null");

	free(text);
	return s;
}

/* One sync_conflict record: both values, both workers, both times. */
static int store_conflict(struct central *c, const struct change *ch, const char *field,
			  json_t *kept, json_t *other, const char *kind, const char *locality,
			  struct cd_error *err)
{
	const struct store_table *t = c->s->ops->table(c->s, "sync_conflict");
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], kworker[LOGIN_MAX], kat[ISO_INSTANT_LEN + 8];
	struct idgen ids = { 0 };
	json_t *row;
	int rc;

	if (!t)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "central has no sync_conflict table");
	/* Both sides must see it: the record's locality, or the whole borough
	 * when the edit came from a replica serving another. */
	if (!locality || strcmp(locality, c->scope) != 0)
		locality = "borough";
	id_new(&ids, id);
	now_iso(now);
	c->s->ops->last_change(c->s, ch->tbl, ch->row_id, kworker, sizeof(kworker), kat,
			       sizeof(kat));
	row = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, "
			"s:n, s:n, s:n, s:s, s:s, s:i, s:s}",
			"id", id, "tbl", ch->tbl, "row_id", ch->row_id, "field", field,
			"kept_value", json_text(kept), "kept_worker", kworker, "kept_at", kat,
			"other_value", json_text(other), "other_worker", ch->worker,
			"other_at", ch->created_at, "change_id", ch->change_id, "kind", kind,
			"status", "open", "chosen_value", "resolved_by", "resolved_at",
			"created_at", now, "updated_at", now, "version", 1, "locality", locality);
	rc = insert_row(c, t, row, err);
	json_decref(row);
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
static int keep_central(struct central *c, const struct store_table *t,
			const struct change *ch, const char *locality, struct cd_error *err)
{
	char worker[LOGIN_MAX], at[ISO_INSTANT_LEN + 8];

	c->s->ops->last_change(c->s, ch->tbl, ch->row_id, worker, sizeof(worker), at, sizeof(at));
	return c->s->ops->bump(c->s, t, ch->row_id, at, err) ||
	       touch_row(c, ch->tbl, ch->row_id, locality, worker, at, err) ? -1 : 0;
}

/* --- applying one change --------------------------------------------------- */

/* Every field must be a column central has: a field it would drop is an
 * edit lost, so the change is refused instead (central's schema is older). */
static bool unknown_field(const struct store_table *t, const struct change *ch, char *detail,
			  size_t dsize)
{
	const char *field;
	json_t *pair;

	json_object_foreach(ch->fields, field, pair) {
		if (!store_table_has_column(t, field)) {
			snprintf(detail, dsize, "%.60s has no field %.60s here (central's schema is "
				 "older)", ch->tbl, field);
			return true;
		}
	}
	return false;
}

/* The same record made twice (a worker registered on two hosts): equal
 * fields agree, different ones are conflicts. */
static enum outcome insert_again(struct central *c, const struct store_table *t,
				 const struct change *ch, json_t *current, char *detail,
				 size_t dsize, struct cd_error *err)
{
	const char *field;
	json_t *pair;
	int conflicts = 0, rc = 0;

	json_object_foreach(ch->fields, field, pair) {
		json_t *now = json_object_get(current, field), *want = json_array_get(pair, 1);

		if (json_equal(now, want))
			continue;
		rc = store_conflict(c, ch, field, now, want, "same-field", str(current, "locality"),
				    err);
		if (rc)
			break;
		conflicts++;
	}
	/* A new version, so the pusher takes central's values back. */
	if (rc == 0 && conflicts)
		rc = keep_central(c, t, ch, str(current, "locality"), err);
	if (rc) {
		snprintf(detail, dsize, "%.480s", err->msg);
		return OUT_REJECTED;
	}
	if (conflicts)
		snprintf(detail, dsize, "%d field%s kept for a person to decide", conflicts,
			 conflicts == 1 ? "" : "s");
	return conflicts ? OUT_CONFLICT : OUT_APPLIED;
}

static enum outcome apply_insert(struct central *c, const struct store_table *t,
				 const struct change *ch, char *detail, size_t dsize,
				 struct cd_error *err)
{
	json_t *row, *current, *pair;
	const char *field;
	int rc;

	current = load_row(c, t, ch->row_id, err, &rc);
	if (rc < 0) {
		snprintf(detail, dsize, "%.480s", err->msg);
		return OUT_REJECTED;
	}
	if (current) {
		enum outcome o = insert_again(c, t, ch, current, detail, dsize, err);
		json_decref(current);
		return o;
	}
	row = json_object();
	json_object_foreach(ch->fields, field, pair)
		json_object_set(row, field, json_array_get(pair, 1));
	if (t->has_version) {
		json_object_set_new(row, "version", json_integer(1));
		json_object_set_new(row, "updated_at", json_string(ch->created_at));
	}
	rc = insert_row(c, t, row, err);
	if (rc == 0)
		rc = touch_row(c, ch->tbl, ch->row_id, str(row, "locality"), ch->worker, ch->created_at,
			       err);
	json_decref(row);
	if (rc) {
		snprintf(detail, dsize, "%.480s", err->msg);
		return OUT_REJECTED;
	}
	return OUT_APPLIED;
}

static enum outcome apply_update(struct central *c, const struct store_table *t,
				 const struct change *ch, char *detail, size_t dsize,
				 struct cd_error *err)
{
	int rc, set = 0, conflicts = 0;
	json_t *current = load_row(c, t, ch->row_id, err, &rc), *pair, *patch;
	const char *field, *locality;
	bool closed;
	json_int_t version;

	if (!current) {
		snprintf(detail, dsize, "%.480s", rc < 0 ? err->msg : "central has no such record");
		return OUT_REJECTED;
	}
	locality = str(current, "locality");
	closed = meets_close(ch, current);
	patch = json_object();
	version = json_integer_value(json_object_get(current, "version"));
	json_object_foreach(ch->fields, field, pair) {
		json_t *old = json_array_get(pair, 0), *want = json_array_get(pair, 1);
		json_t *now = json_object_get(current, field);

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
	/* A record moving to another locality is ordered under the new one. */
	if (json_is_string(json_object_get(patch, "locality")))
		locality = json_string_value(json_object_get(patch, "locality"));
	rc = set ? patch_row(c, t, ch, patch, err) : 0;
	if (rc || (set && (c->s->ops->bump(c->s, t, ch->row_id, ch->created_at, err) ||
		    touch_row(c, ch->tbl, ch->row_id, locality, ch->worker, ch->created_at, err)))) {
		snprintf(detail, dsize, "%.480s", err->msg);
		json_decref(patch);
		json_decref(current);
		return OUT_REJECTED;
	}
	json_decref(patch);
	/* Nothing changed here, but the pusher's copy was not central's (a
	 * conflict, or fields changed since its base): a new version, so it
	 * takes central's back instead of keeping its own at an equal one. */
	if (!set && (conflicts || !(ch->has_base && ch->base_version == version)) &&
	    keep_central(c, t, ch, locality, err)) {
		snprintf(detail, dsize, "%.480s", err->msg);
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

static enum outcome apply_change(struct central *c, const char *origin, const struct change *ch,
				 char *detail, size_t dsize, struct cd_error *err)
{
	const struct store_table *t = c->s->ops->table(c->s, ch->tbl);
	int central_schema = c->s->ops->schema_version(c->s), rc;

	cd_error_clear(err);
	/* An audit event's fields are checked one by one below, and its chain
	 * must have no gap; the rest of a newer desk's action waits for an
	 * upgraded central. */
	if (ch->schema_version > central_schema && strcmp(ch->tbl, "audit_event") != 0) {
		snprintf(detail, dsize, "made with schema %d; central has %d: upgrade central",
			 ch->schema_version, central_schema);
		return OUT_REJECTED;
	}
	if (!t) {
		snprintf(detail, dsize, "%.60s is not a synced record", ch->tbl);
		return OUT_REJECTED;
	}
	if (unknown_field(t, ch, detail, dsize))
		return OUT_REJECTED;
	rc = trust_change(c->s, c->scope, origin, ch, detail, dsize, err);
	if (rc < 0)
		snprintf(detail, dsize, "%.480s", err->msg);
	if (rc)
		return OUT_REJECTED;
	if (strcmp(ch->op, "insert") == 0)
		return apply_insert(c, t, ch, detail, dsize, err);
	if (strcmp(ch->op, "update") == 0 && !t->append_only)
		return apply_update(c, t, ch, detail, dsize, err);
	snprintf(detail, dsize, "%.20s of %.60s is not accepted", ch->op, ch->tbl);
	return OUT_REJECTED;
}

/* --- a push ---------------------------------------------------------------- */

static json_t *result(const struct change *ch, enum outcome o, const char *detail)
{
	return json_pack("{s:s, s:s, s:s}", "change_id", ch->change_id, "outcome", outcome_names[o],
			 "detail", detail);
}

/* A rejected action's audit events are still its replica's history: each
 * that extends its chain is kept on its own, so central's record shows the
 * attempt and the chain has no gap (a gap would refuse every later event
 * from that replica).  An event that is itself the lie stays rejected. */
static int keep_audit_events(struct central *c, const char *origin, json_t *changes,
			     size_t first, size_t end, size_t bad, enum outcome *out,
			     char (*detail)[512], struct cd_error *err)
{
	const struct store_ops *ops = c->s->ops;
	char why[512];
	struct change ch;

	for (size_t i = first; i < end; i++) {
		read_change(json_array_get(changes, i), &ch);
		if (i == bad || strcmp(ch.tbl, "audit_event") != 0)
			continue;
		if (ops->begin(c->s, err))
			return -1;
		if (apply_change(c, origin, &ch, why, sizeof(why), err) != OUT_APPLIED) {
			ops->rollback(c->s);
			continue;
		}
		if (ops->commit(c->s, err))
			return -1;
		out[i - first] = OUT_APPLIED;
		snprintf(detail[i - first], sizeof(detail[0]), "the audit event is kept; the rest "
			 "of its action was rejected: %.400s", detail[bad - first]);
	}
	return 0;
}

/* A rejected action's records that central holds in the scope get a new
 * version, so the replica that pushed takes central's copy back at its
 * next pull: the refused change is kept there among the rejects, shown,
 * and the record is central's again, not a value no one else will see. */
static void give_back(struct central *c, json_t *changes, size_t first, size_t end,
		      struct cd_error *err)
{
	const struct store_ops *ops = c->s->ops;
	struct change ch;

	for (size_t i = first; i < end; i++) {
		const struct store_table *t;
		json_t *current;
		const char *locality;
		int rc;

		read_change(json_array_get(changes, i), &ch);
		t = ops->table(c->s, ch.tbl);
		if (!t || !t->has_version || t->append_only)
			continue;
		current = load_row(c, t, ch.row_id, err, &rc);
		locality = str(current, "locality");
		if (current && locality && trust_in_scope(c->scope, locality) &&
		    ops->begin(c->s, err) == 0) {
			if (keep_central(c, t, &ch, locality, err) == 0)
				ops->commit(c->s, err);
			else
				ops->rollback(c->s);
		}
		json_decref(current);
	}
	cd_error_clear(err);
}

/* One desk action's changes, [first, end) of the array: all of them or
 * none, in a nested transaction (its audit events aside). */
static int push_txn(struct central *c, const char *origin, json_t *changes, size_t first,
		    size_t end, json_t *results, struct cd_error *err)
{
	const struct store_ops *ops = c->s->ops;
	enum outcome *out = cd_calloc(end - first, sizeof(*out));
	char (*detail)[512] = cd_calloc(end - first, sizeof(*detail));
	struct change ch;
	size_t bad = end;
	int rc = 0;

	if (ops->begin(c->s, err)) {
		free(out);
		free(detail);
		return -1;
	}
	for (size_t i = first; i < end && bad == end; i++) {
		read_change(json_array_get(changes, i), &ch);
		out[i - first] = apply_change(c, origin, &ch, detail[i - first], sizeof(detail[0]),
					      err);
		if (out[i - first] == OUT_REJECTED)
			bad = i;
	}
	if (bad < end) {
		ops->rollback(c->s);
		for (size_t i = first; i < end; i++) {
			out[i - first] = OUT_REJECTED;
			if (i != bad)
				snprintf(detail[i - first], sizeof(detail[0]),
					 "rejected with the rest of its action: %.440s", detail[bad - first]);
		}
		rc = keep_audit_events(c, origin, changes, first, end, bad, out, detail, err);
		if (rc == 0)
			give_back(c, changes, first, end, err);
	} else if (ops->commit(c->s, err)) {
		free(out);
		free(detail);
		return -1;
	}
	for (size_t i = first; i < end && rc == 0; i++) {
		read_change(json_array_get(changes, i), &ch);
		rc = ops->record_outcome(c->s, origin, ch.obj, outcome_names[out[i - first]],
					 detail[i - first], err);
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

/* A resend: the whole action was decided before. */
static void resend(struct central *c, json_t *changes, size_t first, size_t end,
		   json_t *results)
{
	struct change ch;

	for (size_t k = first; k < end; k++) {
		json_t *seen;

		read_change(json_array_get(changes, k), &ch);
		seen = c->s->ops->seen_before(c->s, ch.change_id);
		json_array_append_new(results, seen ? seen : result(&ch, OUT_REJECTED,
			"part of an action central has seen before without it"));
	}
}

static int check_changes(json_t *changes, struct cd_error *err)
{
	struct change ch;

	for (size_t k = 0; k < json_array_size(changes); k++)
		if (read_change(json_array_get(changes, k), &ch))
			return cd_error_set(err, CD_EX_PROTOCOL, NULL,
					    "change %zu of the push is incomplete", k);
	return 0;
}

json_t *central_push(struct central *c, json_t *request, struct cd_error *err)
{
	json_t *changes = json_object_get(request, "changes");
	const char *origin = str(request, "replica"), *scope = str(request, "scope");
	json_t *results, *answer;
	struct cd_error ignored;
	size_t n = json_array_size(changes), i = 0;

	if (greet(c, request, scope ? scope : "borough", err))
		return NULL;
	if (!json_is_array(changes) || !origin) {
		cd_error_set(err, CD_EX_PROTOCOL, NULL, "a push needs its replica and its changes");
		return NULL;
	}
	if (check_changes(changes, err) || c->s->ops->begin(c->s, err))
		return NULL;
	results = json_array();
	while (i < n) {
		size_t end = i + 1;
		json_t *seen;

		while (end < n && strcmp(txn_of(changes, end), txn_of(changes, i)) == 0)
			end++;
		seen = c->s->ops->seen_before(c->s, str(json_array_get(changes, i), "change_id"));
		if (seen) {
			json_decref(seen);
			resend(c, changes, i, end, results);
		} else if (push_txn(c, origin, changes, i, end, results, err)) {
			c->s->ops->rollback(c->s);
			json_decref(results);
			return NULL;
		}
		i = end;
	}
	if (c->s->ops->commit(c->s, err)) {
		json_decref(results);
		return NULL;
	}
	fault_point_step(&c->die_at);
	answer = json_pack("{s:s, s:i, s:o}", "type", "push", "schema",
			   c->s->ops->schema_version(c->s), "results", results);
	/* The push is committed: an anchor that cannot be read now comes with
	 * the next sync's hello instead. */
	cd_error_clear(&ignored);
	add_anchor(c, answer, origin, &ignored);
	return answer;
}

/* --- a pull ----------------------------------------------------------------- */

json_t *central_pull(struct central *c, json_t *request, struct pull_body *body,
		     struct cd_error *err)
{
	const char *scope = str(request, "scope");
	json_t *cursor_j = json_object_get(request, "cursor");
	long long cursor = json_integer_value(cursor_j), head = 0, last = cursor;
	int limit = (int)json_integer_value(json_object_get(request, "limit"));
	bool more;

	memset(body, 0, sizeof(*body));
	if (!scope || !json_is_integer(cursor_j) || cursor < 0) {
		cd_error_set(err, CD_EX_PROTOCOL, NULL, "a pull needs a scope and a cursor");
		return NULL;
	}
	if (greet(c, request, scope, err))
		return NULL;
	if (limit < 1 || limit > 5000)
		limit = 1000;
	if (c->s->ops->pull(c->s, scope, c->moves, cursor, limit, body, &head, &last, err)) {
		free(body->text);
		memset(body, 0, sizeof(*body));
		return NULL;
	}
	more = body->lines == limit;
	/* Nothing more in scope: everything up to the head has been seen. */
	if (!more)
		last = head > last ? head : last;
	return json_pack("{s:s, s:i, s:i, s:I, s:I, s:b}", "type", "pull", "schema",
			 c->s->ops->schema_version(c->s), "count", body->lines, "upto",
			 (json_int_t)last, "head", (json_int_t)head, "more", more);
}

json_t *central_answer(struct central *c, json_t *request, struct pull_body *body,
		       struct cd_error *err)
{
	const char *type = json_string_value(json_object_get(request, "type"));

	memset(body, 0, sizeof(*body));
	if (!type) {
		cd_error_set(err, CD_EX_PROTOCOL, NULL, "a request without a type");
		return NULL;
	}
	if (strcmp(type, "hello") == 0)
		return central_hello(c, request, err);
	if (strcmp(type, "push") == 0)
		return central_push(c, request, err);
	if (strcmp(type, "pull") == 0)
		return central_pull(c, request, body, err);
	cd_error_set(err, CD_EX_PROTOCOL, NULL, "unknown request '%.40s'", type);
	return NULL;
}

/* --- central's own staff directory ------------------------------------------- */

/* The worker as a row for central: new, or the one central holds brought
 * to these values (and active again). */
static json_t *worker_row(json_t *current, const struct worker_input *in, const char *roles,
			  const char *locality, const char *now)
{
	json_t *row = current ? json_deep_copy(current) : json_object();

	if (!current) {
		char id[UUID_STR_LEN];

		id_for_login(in->login, id);
		json_object_set_new(row, "id", json_string(id));
		json_object_set_new(row, "created_at", json_string(now));
		json_object_set_new(row, "version", json_integer(1));
	} else {
		json_object_set_new(row, "version",
				    json_integer(json_integer_value(json_object_get(row, "version")) + 1));
	}
	json_object_set_new(row, "login", json_string(in->login));
	json_object_set_new(row, "name", json_string(in->name));
	json_object_set_new(row, "team", json_string(in->team));
	json_object_set_new(row, "role", json_string(roles));
	json_object_set_new(row, "active", json_integer(1));
	json_object_set_new(row, "updated_at", json_string(now));
	json_object_set_new(row, "locality", json_string(locality));
	return row;
}

static int put_worker(struct store *s, const struct worker_input *in, const char *roles,
		      const char *locality, const char *actor, struct cd_error *err)
{
	const struct store_table *t = s->ops->table(s, "worker");
	char now[ISO_INSTANT_LEN], *text = NULL;
	json_t *current = NULL, *row;
	int rc;

	if (!t)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "central has no worker table");
	rc = s->ops->worker(s, in->login, &text, err);
	if (rc < 0)
		return -1;
	if (rc == 0 && !(current = json_loads(text, 0, NULL))) {
		free(text);
		return cd_error_set(err, CD_EX_SOFTWARE, "worker", "central holds a worker it "
				    "cannot read");
	}
	free(text);
	now_iso(now);
	row = worker_row(current, in, roles, locality, now);
	text = json_dumps(row, JSON_COMPACT);
	if (!text)
		cd_die("out of memory");
	rc = current ? s->ops->patch(s, t, str(row, "id"), text, err) : s->ops->insert(s, t, text, err);
	if (rc == 0)
		rc = s->ops->touch(s, "worker", str(row, "id"), store_scope_of("worker", locality),
				   actor, now, err);
	free(text);
	json_decref(row);
	json_decref(current);
	return rc;
}

int central_add_worker(const char *target, const struct worker_input *in, const char *locality,
		       const char *actor, struct cd_error *err)
{
	char team_locality[CODE_MAX], roles[ROLES_TEXT_MAX];
	struct replica *rules;
	struct central *c;
	int rc;

	/* The replica's own rules, with its reference lists, check the worker. */
	if (replica_open(":memory:", REPLICA_OPEN_CREATE, &rules, err))
		return -1;
	rc = replica_init(rules, "borough", err) ||
	     worker_check_input(rules, in, team_locality, roles, err);
	replica_close(&rules);
	if (rc)
		return -1;
	if (strcmp(team_locality, locality) != 0)
		return cd_error_set(err, CD_EX_DATAERR, "team", "team %.40s is in %.40s, not %.40s",
				    in->team, team_locality, locality);
	if (strncmp(target, "file:", 5) == 0)
		target += 5;
	if (central_open(target, false, &c, err))
		return -1;
	rc = c->s->ops->hello(c->s, "borough", err);
	if (rc == 0 && (rc = c->s->ops->begin(c->s, err)) == 0) {
		rc = put_worker(c->s, in, roles, locality, actor, err);
		if (rc == 0)
			rc = c->s->ops->commit(c->s, err);
		else
			c->s->ops->rollback(c->s);
	}
	central_close(&c);
	return rc;
}

int central_init(const char *target, struct cd_error *err)
{
	struct store *s;

	if (store_is_pg_uri(target))
		return store_pg_init(target, err);
	if (strncmp(target, "file:", 5) == 0)
		target += 5;
	if (store_sqlite_open(target, true, &s, err))
		return -1;
	s->ops->close(s);
	return 0;
}
