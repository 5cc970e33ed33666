/* Central checks each pushed change against its own records (see
 * trust.h): the worker, the record's locality, who may change staff and
 * roles, and each origin's audit chain. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/audit.h"
#include "caredesk/replica.h"
#include "sync/trust.h"

bool trust_in_scope(const char *scope, const char *locality)
{
	return strcmp(scope, "borough") == 0 || strcmp(locality, scope) == 0 ||
	       strcmp(locality, "borough") == 0;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The value the change gives `field` (NULL if it leaves it alone). */
static json_t *new_value(const struct change *ch, const char *field)
{
	return json_array_get(json_object_get(ch->fields, field), 1);
}

static int refuse(char *detail, size_t dsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *detail, size_t dsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, dsize, fmt, ap);
	va_end(ap);
	return 1;
}

/* --- who made it ------------------------------------------------------------ */

/* The change's worker as central knows them: real, active, and working in
 * the scope (a borough-wide team's worker works in every locality). */
static int check_worker(struct store *s, const char *scope, const struct change *ch,
			json_t **worker, char *detail, size_t dsize, struct cd_error *err)
{
	char *text = NULL;
	const char *locality;
	int rc = s->ops->worker(s, ch->worker, &text, err);

	*worker = NULL;
	if (rc)
		return rc < 0 ? -1 : refuse(detail, dsize, "'%.64s' is not a worker at central",
					    ch->worker);
	*worker = json_loads(text, 0, NULL);
	free(text);
	if (!*worker)
		return cd_error_set(err, CD_EX_SOFTWARE, "worker", "central holds a worker it "
				    "cannot read");
	if (json_integer_value(json_object_get(*worker, "active")) != 1)
		return refuse(detail, dsize, "'%.64s' is disabled at central", ch->worker);
	locality = str(*worker, "locality");
	if (!locality || !trust_in_scope(scope, locality))
		return refuse(detail, dsize, "'%.64s' works in %.32s, and this replica serves %.32s",
			      ch->worker, locality ? locality : "no locality", scope);
	return 0;
}

/* Does a worker's row (or a role list itself) hold `role`? */
static bool holds_role(json_t *worker, const char *role)
{
	const char *roles = json_is_string(worker) ? json_string_value(worker) : str(worker, "role");
	size_t n = strlen(role);

	for (const char *p = roles; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
		if (strncmp(p, role, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* --- where the record is ----------------------------------------------------- */

/* A new record is in the scope; a changed one was in it.  A replica may
 * give a record away (a transfer: it is then archived there), never take
 * another's; a worker, though, stays in the scope of whoever changes them. */
static int check_locality(struct store *s, const char *scope, const struct change *ch,
			  char *detail, size_t dsize, struct cd_error *err)
{
	const struct store_table *t = s->ops->table(s, ch->tbl);
	json_t *after = new_value(ch, "locality"), *current;
	const char *before;
	char *text = NULL;
	int rc;

	if (!t || !store_table_has_column(t, "locality"))
		return 0;
	if (after && (!json_is_string(after) ||
		      ((strcmp(ch->op, "insert") == 0 || strcmp(ch->tbl, "worker") == 0) &&
		       !trust_in_scope(scope, json_string_value(after)))))
		return refuse(detail, dsize, "a %.60s in %.32s, outside this replica's scope (%.32s)",
			      ch->tbl, json_is_string(after) ? json_string_value(after) : "no locality",
			      scope);
	if (strcmp(ch->op, "insert") == 0)
		return after ? 0 : refuse(detail, dsize, "a %.60s without its locality", ch->tbl);
	rc = s->ops->load(s, t, ch->row_id, &text, err);
	if (rc)
		return rc < 0 ? -1 : 0;	/* no such record: applying it says so */
	current = json_loads(text, 0, NULL);
	free(text);
	before = str(current, "locality");
	rc = before && trust_in_scope(scope, before) ? 0 :
		refuse(detail, dsize, "the %.60s is in %.32s, outside this replica's scope (%.32s)",
		       ch->tbl, before ? before : "no locality", scope);
	json_decref(current);
	return rc;
}

/* --- staff and roles ----------------------------------------------------------- */

/* A worker's row as central holds it (NULL if none). */
static json_t *current_row(struct store *s, const struct change *ch, struct cd_error *err,
			   int *rc)
{
	const struct store_table *t = s->ops->table(s, ch->tbl);
	char *text = NULL;
	json_t *row = NULL;

	*rc = t ? s->ops->load(s, t, ch->row_id, &text, err) : 1;
	if (*rc == 0)
		row = json_loads(text, 0, NULL);
	free(text);
	*rc = *rc < 0 ? -1 : 0;
	return row;
}

/* Staff changes from a desk: by an admin of the scope, about a worker of
 * that very scope before and after (a locality's admin does not touch the
 * borough-wide teams, whose workers act in every locality), and never the
 * making of an admin.  A desk's host can name any of its own workers, an
 * admin among them, so admin is given only where the central is (central
 * worker add), whose owner central can trust. */
static int check_staff(struct store *s, const char *scope, const struct change *ch,
		       json_t *actor, char *detail, size_t dsize, struct cd_error *err)
{
	json_t *after_role = new_value(ch, "role"), *after_loc = new_value(ch, "locality"), *now;
	const char *before_loc;
	bool was_admin;
	int rc;

	if (!holds_role(actor, "admin"))
		return refuse(detail, dsize, "'%.64s' is not an admin: only an admin changes workers "
			      "and their roles", ch->worker);
	now = current_row(s, ch, err, &rc);
	if (rc < 0)
		return -1;
	before_loc = str(now, "locality");
	was_admin = now && holds_role(now, "admin");
	if (strcmp(scope, "borough") != 0 &&
	    ((before_loc && strcmp(before_loc, scope) != 0) ||
	     (json_is_string(after_loc) && strcmp(json_string_value(after_loc), scope) != 0)))
		rc = refuse(detail, dsize, "a worker of %.32s is not %.32s's to change",
			    json_is_string(after_loc) && strcmp(json_string_value(after_loc), scope)
			    ? json_string_value(after_loc) : before_loc, scope);
	else if (json_is_string(after_role) && !was_admin && holds_role(after_role, "admin"))
		rc = refuse(detail, dsize, "an admin is made where the central is (caredesk central "
			    "worker add), not by a desk");
	json_decref(now);
	return rc;
}

/* --- the audit chain --------------------------------------------------------- */

static const char *field_text(const struct change *ch, const char *field)
{
	return json_string_value(new_value(ch, field));
}

/* An event central already holds, sent again (a replica mending a gap
 * sends what it cannot tell arrived): the same event at the same place
 * is taken, and applying it changes nothing. */
static bool already_held(struct store *s, const struct change *ch, long long seq,
			 const char *hash, struct cd_error *err)
{
	int rc;
	json_t *held = current_row(s, ch, err, &rc);
	bool same = held && json_integer_value(json_object_get(held, "seq")) == seq &&
		    str(held, "hash") && strcmp(str(held, "hash"), hash) == 0;

	json_decref(held);
	return same;
}

/* A pushed audit event extends its origin's chain as central holds it:
 * the next seq, the last hash as prev_hash, and a hash of its own content.
 * Only the replica that wrote a chain pushes it, and a replica's events
 * are of the locality it serves: a host cannot write into the chain of a
 * replica of another scope, nor put events in other localities' trails. */
static int check_chain(struct store *s, const char *scope, const char *origin,
		       const struct change *ch, char *detail, size_t dsize, struct cd_error *err)
{
	json_t *seq_j = new_value(ch, "seq");
	long long seq = json_integer_value(seq_j), head = 0;
	char seq_text[24], head_hash[AUDIT_HASH_LEN] = AUDIT_ZERO_HASH, hash[AUDIT_HASH_LEN];
	char head_locality[CODE_MAX] = "";
	struct audit_fields f = {
		.prev_hash = field_text(ch, "prev_hash"), .id = field_text(ch, "id"),
		.origin = field_text(ch, "origin"), .seq = seq_text, .at = field_text(ch, "at"),
		.actor = field_text(ch, "actor"), .worker = field_text(ch, "worker"),
		.action = field_text(ch, "action"), .tbl = field_text(ch, "tbl"),
		.record_id = field_text(ch, "record_id"), .detail = field_text(ch, "detail"),
		.locality = field_text(ch, "locality"),
	};
	const char *stored = field_text(ch, "hash");
	int rc;

	if (strcmp(ch->op, "insert") != 0)
		return refuse(detail, dsize, "an audit event is never changed");
	if (!json_is_integer(seq_j) || !f.prev_hash || !f.id || !f.origin || !f.at || !f.actor ||
	    !f.worker || !f.action || !f.tbl || !f.record_id || !f.detail || !f.locality || !stored ||
	    strcmp(f.id, ch->row_id) != 0)
		return refuse(detail, dsize, "an incomplete audit event");
	if (strcmp(f.origin, origin) != 0)
		return refuse(detail, dsize, "an audit event of replica %.40s, pushed by %.40s",
			      f.origin, origin);
	if (strcmp(f.locality, scope) != 0)
		return refuse(detail, dsize, "an audit event of %.32s from a replica serving %.32s",
			      f.locality, scope);
	rc = s->ops->chain_head(s, origin, &head, head_hash, head_locality, err);
	if (rc < 0)
		return -1;
	if (rc == 0 && strcmp(head_locality, scope) != 0)
		return refuse(detail, dsize, "replica %.40s's audit chain is %.32s's, and this replica "
			      "serves %.32s", origin, head_locality, scope);
	if (seq <= head && already_held(s, ch, seq, stored, err))
		return 0;
	if (seq != head + 1)
		return refuse(detail, dsize, "audit event %lld of %.40s does not follow central's "
			      "last, %lld", seq, origin, head);
	if (strcmp(f.prev_hash, head_hash) != 0)
		return refuse(detail, dsize, "audit event %lld of %.40s does not follow the event "
			      "before it as central holds it", seq, origin);
	snprintf(seq_text, sizeof(seq_text), "%lld", seq);
	audit_hash(&f, hash);
	if (strcmp(hash, stored) != 0)
		return refuse(detail, dsize, "audit event %lld of %.40s does not match its hash",
			      seq, origin);
	return 0;
}

/* --- a change ------------------------------------------------------------------ */

int trust_change(struct store *s, const char *scope, const char *origin,
		 const struct change *ch, char *detail, size_t dsize, struct cd_error *err)
{
	json_t *worker = NULL;
	int rc;

	/* An audit event is history, not an edit: its chain vouches for it,
	 * and refusing one for its worker would break the chain for good. */
	if (strcmp(ch->tbl, "audit_event") == 0) {
		rc = check_chain(s, scope, origin, ch, detail, dsize, err);
		return rc ? rc : check_locality(s, scope, ch, detail, dsize, err);
	}
	rc = check_worker(s, scope, ch, &worker, detail, dsize, err);
	if (rc == 0)
		rc = check_locality(s, scope, ch, detail, dsize, err);
	if (rc == 0 && strcmp(ch->tbl, "worker") == 0)
		rc = check_staff(s, scope, ch, worker, detail, dsize, err);
	json_decref(worker);
	return rc;
}
