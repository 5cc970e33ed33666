/* Restricted records and break-glass (see caredesk/access.h): reading the
 * rule access_rule.c installs, restricting, breaking glass, reviewing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "caredesk/access.h"
#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/permission.h"
#include "caredesk/query.h"
#include "caredesk/text.h"
#include "replica/internal.h"
#include "replica/lookup.h"

#define REASON_MIN_CHARS 10

static const struct {
	const char *code;
	const char *label;
} glass_codes[] = {
#define GLASS_CODE(id, code, label) { code, label },
	BREAK_GLASS_CODES(GLASS_CODE)
#undef GLASS_CODE
};

void access_set_break_glass(struct replica *r, int64_t seconds)
{
	r->break_glass_s = seconds > 0 ? seconds : BREAK_GLASS_DEFAULT_S;
}

/* --- reading the rule ---------------------------------------------------- */

int person_visible(struct replica *r, const char *person_id, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT p.restricted = 0 OR p.id NOT IN (SELECT id FROM temp.person_hidden) "
		"FROM person p WHERE p.id = ?1");
	int rc, seen = 0;

	bind_text(st, 1, person_id ? person_id : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		seen = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return seen ? 1 : 0;
	if (rc != SQLITE_DONE)
		return replica_sql_error(r, err, "reading who may see a record");
	return cd_error_set(err, CD_EX_NOINPUT, "person", "no person with id '%s'",
			    person_id ? person_id : "");
}

int break_glass_active(struct replica *r, const char *person_id, char until[ISO_INSTANT_LEN])
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT max(at) FROM audit_event WHERE record_id = ?1 AND action = 'break-glass' "
		"AND worker = ?2 AND at > caredesk_glass_since()");
	int64_t at;
	int found = 0;

	bind_text(st, 1, person_id ? person_id : "");
	bind_text(st, 2, r->actor.worker_login);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    instant_parse(column_text(st, 0), &at) == 0) {
		instant_format(at + r->break_glass_s, until);
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

/* --- changing it --------------------------------------------------------- */

static int reason_given(const char *reason, const char *field, struct cd_error *err)
{
	size_t n = reason ? strlen(reason) : 0;

	if (n > 4000 || (n && !text_is_valid_utf8(reason, n)))
		return cd_error_set(err, CD_EX_DATAERR, field, "the reason must be UTF-8 text of at most "
				    "4000 bytes");
	if (text_display_width(reason ? reason : "", TEXT_MODE_UTF8) < REASON_MIN_CHARS)
		return cd_error_set(err, CD_EX_DATAERR, field, "say why in a sentence (at least %d "
				    "characters)", REASON_MIN_CHARS);
	return 0;
}

static int restricted_now(struct replica *r, const char *person_id, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT restricted FROM person WHERE id = ?1");
	int rc, on = 0;

	bind_text(st, 1, person_id ? person_id : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		on = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return cd_error_set(err, CD_EX_NOINPUT, "person", "no person with id '%s'",
				    person_id ? person_id : "");
	return on;
}

int person_restrict(struct replica *r, const char *person_id, bool on, const char *reason,
		    struct cd_error *err)
{
	struct record_scope scope;
	const char *action = on ? "person.restrict" : "person.unrestrict";
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;
	int was = restricted_now(r, person_id, err);

	if (was < 0 || scope_of_person(r, person_id, &scope) ||
	    require_permission(r, PERM_RESTRICT, &scope.target, err) ||
	    reason_given(reason, "reason", err))
		return -1;
	if (was == (on ? 1 : 0))
		return cd_error_set(err, CD_EX_DATAERR, "person", on ? "%s is restricted already" :
				    "%s is not restricted", person_id);
	replica_now_iso(r, now);
	if (txn_begin(r, action, err))
		return -1;
	st = replica_stmt(r, "UPDATE person SET restricted = ?2, updated_at = ?3, "
			     "version = version + 1 WHERE id = ?1");
	bind_text(st, 1, person_id);
	sqlite3_bind_int(st, 2, on ? 1 : 0);
	bind_text(st, 3, now);
	if (stmt_run(r, st, err, "restricting the record") ||
	    audit_append(r, action, "person", person_id, reason, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

/* The code as stored, from the code or its label in any case. */
static const char *glass_code(const char *input)
{
	char spaced[64];

	for (size_t i = 0; input && i < sizeof(glass_codes) / sizeof(glass_codes[0]); i++) {
		snprintf(spaced, sizeof(spaced), "%s", glass_codes[i].code);
		for (char *c = spaced; *c; c++)
			if (*c == '-')
				*c = ' ';
		if (strcasecmp(input, glass_codes[i].code) == 0 || strcasecmp(input, spaced) == 0 ||
		    strcasecmp(input, glass_codes[i].label) == 0)
			return glass_codes[i].code;
	}
	return NULL;
}

int person_break_glass(struct replica *r, const char *person_id, const char *code,
		       const char *reason, char until[ISO_INSTANT_LEN], struct cd_error *err)
{
	const char *stored = glass_code(code);
	char detail[4200];

	if (restricted_now(r, person_id, err) < 0 || require_permission(r, PERM_BREAK_GLASS, NULL, err))
		return -1;
	if (!stored)
		return cd_error_set(err, CD_EX_DATAERR, "break-glass", "'%s' is not a break-glass "
				    "reason: safeguarding-emergency, clinical-emergency, duty-cover or "
				    "other", code ? code : "");
	if (reason_given(reason, "reason", err))
		return -1;
	snprintf(detail, sizeof(detail), "%s: %s", stored, reason);
	if (txn_begin(r, "break-glass", err))
		return -1;
	if (audit_append(r, "break-glass", "person", person_id, detail, err)) {
		txn_rollback(r);
		return -1;
	}
	if (txn_commit(r, err))
		return -1;
	if (until)
		instant_format(replica_now(r) + r->break_glass_s, until);
	return 0;
}

/* An event an auditor reviews: a break-glass, or a view of a record that
 * is restricted.  0 when it is one and not yet reviewed. */
static int reviewable(struct replica *r, const char *event_id, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT e.action = 'break-glass' OR (e.action = 'view' AND e.tbl = 'person' AND "
		"EXISTS (SELECT 1 FROM person p WHERE p.id = e.record_id AND p.restricted = 1)), "
		"EXISTS (SELECT 1 FROM audit_event v WHERE v.action = 'access.reviewed' "
		"AND v.record_id = e.id) FROM audit_event e WHERE e.id = ?1");
	int rc, kind = 0, done = 0;

	bind_text(st, 1, event_id ? event_id : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		kind = sqlite3_column_int(st, 0);
		done = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return cd_error_set(err, CD_EX_NOINPUT, "event", "no audit event with id '%s'",
				    event_id ? event_id : "");
	if (!kind)
		return cd_error_set(err, CD_EX_DATAERR, "event", "%s is neither a break-glass nor a "
				    "view of a restricted record", event_id);
	if (done)
		return cd_error_set(err, CD_EX_DATAERR, "event", "%s has been reviewed already",
				    event_id);
	return 0;
}

int access_mark_reviewed(struct replica *r, const char *event_id, const char *note,
			 struct cd_error *err)
{
	if (require_permission(r, PERM_ACCESS_REVIEW, NULL, err) || reviewable(r, event_id, err) ||
	    reason_given(note, "note", err))
		return -1;
	if (txn_begin(r, "access.reviewed", err))
		return -1;
	if (audit_append(r, "access.reviewed", "audit_event", event_id, note, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int access_log_allowed(struct replica *r, const char *person_id, const char *worker_login,
		       struct cd_error *err)
{
	struct record_scope scope;
	struct worker_row w;

	if (person_id) {
		if (scope_of_person(r, person_id, &scope))
			return cd_error_set(err, CD_EX_NOINPUT, "person", "no person with id '%s'",
					    person_id);
		return require_permission(r, PERM_ACCESS_LOG, &scope.target, err);
	}
	if (lookup_worker(r, worker_login, &w))
		return cd_error_set(err, CD_EX_NOINPUT, "worker", "no worker '%s'",
				    worker_login ? worker_login : "");
	memset(&scope, 0, sizeof(scope));
	snprintf(scope.team, sizeof(scope.team), "%s", w.team);
	scope.target = (struct perm_target){ .team = scope.team };
	return require_permission(r, PERM_ACCESS_LOG, &scope.target, err);
}

int access_review_allowed(struct replica *r, const char **team_only, struct cd_error *err)
{
	struct perm_target own_team = { .team = r->actor.team, .locality = r->actor.locality };

	*team_only = NULL;
	if (require_permission(r, PERM_ACCESS_REVIEW, NULL, err) == 0)
		return 0;
	if (require_permission(r, PERM_ACCESS_LOG, &own_team, err))
		return -1;
	*team_only = r->actor.team;
	return 0;
}

/* --- the review list: one definition for the desk and the command line -- */

#define REVIEWED(col) \
	"(SELECT v." col " FROM audit_event v WHERE v.action = 'access.reviewed' " \
	"AND v.record_id = e.id ORDER BY v.at LIMIT 1)"
/* ?1 since or NULL; ?2 a team, for a team manager: the break-glass on the
 * records of their team's open cases; else every break-glass and every
 * view of a record that is restricted. */
#define REVIEW_FROM \
	"FROM audit_event e WHERE (?1 IS NULL OR e.at >= ?1) AND (e.action = 'break-glass' " \
	"OR (?2 IS NULL AND e.action = 'view' AND e.tbl = 'person' AND EXISTS (SELECT 1 FROM " \
	"person p WHERE p.id = e.record_id AND p.restricted = 1))) " \
	"AND (?2 IS NULL OR EXISTS (SELECT 1 FROM care_case c WHERE c.person_id = e.record_id " \
	"AND c.closed_at IS NULL AND c.team = ?2)) "

static const struct column_def review_cols[] = {
	{ "event_id", "e.id", COL_TEXT, 36 },
	{ "at", "e.at", COL_TEXT, 20 },
	{ "worker", "e.worker", COL_TEXT, 14 },
	{ "action", "e.action", COL_TEXT, 11 },
	{ "person_id", "e.record_id", COL_TEXT, 36 },
	{ "reason", "e.detail", COL_TEXT, 30 },
	{ "reviewed_at", REVIEWED("at"), COL_TEXT, 20 },
	{ "reviewed_by", REVIEWED("worker"), COL_TEXT, 12 },
	{ "review_note", REVIEWED("detail"), COL_TEXT, 30 },
};

static const struct listing review_listing = {
	"access", review_cols, (int)(sizeof(review_cols) / sizeof(review_cols[0])), REVIEW_FROM,
	"ORDER BY e.at, e.origin, e.seq",
};

const struct listing *access_review_listing(void)
{
	return &review_listing;
}

/* The desk's list: those not yet reviewed first, newest first. */
static const char *const sql_review_rows =
	"SELECT e.id, e.at, e.worker, e.action, e.record_id, e.detail, "
	"coalesce(" REVIEWED("worker") ", ''), coalesce(" REVIEWED("detail") ", '') "
	REVIEW_FROM "ORDER BY " REVIEWED("at") " IS NOT NULL, e.at DESC, e.id LIMIT ?3";

int access_review_rows(struct replica *r, const char *team_only, struct access_event_row *out,
		       int max, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_review_rows, err);
	int n = 0, rc = SQLITE_DONE;

	if (!st)
		return replica_sql_error(r, err, "the access review");
	sqlite3_bind_null(st, 1);
	bind_text_or_null(st, 2, team_only);
	sqlite3_bind_int(st, 3, max);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct access_event_row *e = &out[n++];

		column_copy(st, 0, e->id, sizeof(e->id));
		column_copy(st, 1, e->at, sizeof(e->at));
		column_copy(st, 2, e->worker, sizeof(e->worker));
		column_copy(st, 3, e->action, sizeof(e->action));
		column_copy(st, 4, e->person_id, sizeof(e->person_id));
		column_copy(st, 5, e->reason, sizeof(e->reason));
		column_copy(st, 6, e->reviewed_by, sizeof(e->reviewed_by));
		column_copy(st, 7, e->review_note, sizeof(e->review_note));
	}
	return read_failed(r, st, rc, err, "the access review") ? -1 : n;
}
