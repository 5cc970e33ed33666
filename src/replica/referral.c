/* Referrals: receipt, triage and allocation.
 *
 * The decision due time is fixed at receipt from the person's age group on
 * the day received and the category (the configured timescales), counted in
 * working days; triage sets the priority, which orders the queue but never
 * moves the due time.  Status changes go through referral_rules so only the
 * allowed moves happen, whoever calls. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/text.h"
#include "caredesk/workday.h"
#include "replica/internal.h"
#include "replica/lookup.h"

#define REASON_MAX_BYTES 20000
#define FUTURE_TOLERANCE_SECONDS 3600
#define RE_REFERRAL_DAYS 365

struct referral_row {
	char status[16];
	char person_id[UUID_STR_LEN];
	int version;
};

static int load_referral(struct replica *r, const char *id, struct referral_row *out,
			 struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT status, person_id, version FROM referral "
					   "WHERE id = ?1");
	int found;

	bind_text(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, out->status, sizeof(out->status));
		column_copy(st, 1, out->person_id, sizeof(out->person_id));
		out->version = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (!found)
		return cd_error_set(err, CD_EX_NOINPUT, "referral", "no referral %s", id);
	return 0;
}

static int person_dob(struct replica *r, const char *person_id, struct civil_date *dob,
		      char locality[CODE_MAX], struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT date_of_birth, locality FROM person WHERE id = ?1");
	int found;

	bind_text(st, 1, person_id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		date_parse((const char *)sqlite3_column_text(st, 0), dob);
		column_copy(st, 1, locality, CODE_MAX);
	}
	sqlite3_reset(st);
	if (!found)
		return cd_error_set(err, CD_EX_NOINPUT, "person", "no person %s", person_id ? person_id : "");
	return 0;
}

static int check_transition(const char *from_name, enum referral_status to, struct cd_error *err)
{
	enum referral_status from;

	if (referral_status_parse(from_name, &from) || !referral_transition_allowed(from, to))
		return cd_error_set(err, CD_EX_NOPERM, "status",
				    "the referral is %s; it cannot become %s", from_name,
				    referral_status_name(to));
	return 0;
}

static int is_re_referral(struct replica *r, const char *person_id, int64_t received)
{
	char since[ISO_INSTANT_LEN], at[ISO_INSTANT_LEN];
	sqlite3_stmt *st = replica_stmt(r, "SELECT 1 FROM referral WHERE person_id = ?1 "
					   "AND received_at >= ?2 AND received_at < ?3 LIMIT 1");
	int found;

	instant_format(received - (int64_t)RE_REFERRAL_DAYS * 86400, since);
	instant_format(received, at);
	bind_text(st, 1, person_id);
	bind_text(st, 2, since);
	bind_text(st, 3, at);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* Safeguarding concerns go to the MASH, the single front door; everything
 * else to the duty team of the person's locality. */
static int route(struct replica *r, const struct referral_input *in, const char *category,
		 const char *person_locality, struct team_row *team, struct cd_error *err)
{
	if (in->team && *in->team) {
		if (lookup_team(r, in->team, team))
			return cd_error_set(err, CD_EX_DATAERR, "team", "unknown team '%s'", in->team);
		return 0;
	}
	if ((in->safeguarding || strcmp(category, "safeguarding") == 0) && lookup_team(r, "mash", team) == 0)
		return 0;
	if (lookup_duty_team(r, person_locality, team) == 0 || lookup_team(r, "mash", team) == 0)
		return 0;
	return cd_error_set(err, CD_EX_DATAERR, "team", "no duty team for locality '%s'",
			    person_locality);
}

struct receipt {
	char source[CODE_MAX], category[CODE_MAX];
	int64_t received, due;
	struct team_row team;
	char locality[CODE_MAX];	/* the person's: a referral syncs with its person */
	int re_referral;
};

static int validate_receipt(struct replica *r, const struct referral_input *in, struct receipt *out,
			    struct cd_error *err)
{
	struct civil_date dob;
	struct workcal *cal;
	int days;

	if (!in->received_at || instant_parse(in->received_at, &out->received))
		return cd_error_set(err, CD_EX_DATAERR, "received_at",
				    "'%s' is not an ISO 8601 time with a zone (2026-11-23T09:15:00Z)",
				    in->received_at ? in->received_at : "");
	if (out->received > replica_now(r) + FUTURE_TOLERANCE_SECONDS)
		return cd_error_set(err, CD_EX_DATAERR, "received_at",
				    "%s is more than an hour in the future (clock wrong at the sender?)",
				    in->received_at);
	if (lookup_code(r, CODE_SOURCE, in->source, out->source, NULL))
		return code_refuse(r, CODE_SOURCE, "source", in->source, err);
	if (lookup_code(r, CODE_CATEGORY, in->category, out->category, NULL))
		return code_refuse(r, CODE_CATEGORY, "category", in->category, err);
	if (in->reason && (strlen(in->reason) > REASON_MAX_BYTES ||
			   !text_is_valid_utf8(in->reason, strlen(in->reason))))
		return cd_error_set(err, CD_EX_DATAERR, "reason",
				    "must be UTF-8 text of at most %d bytes", REASON_MAX_BYTES);
	if (person_dob(r, in->person_id, &dob, out->locality, err) ||
	    route(r, in, out->category, out->locality, &out->team, err))
		return -1;
	cal = replica_calendar(r, err);
	if (!cal)
		return -1;
	days = timescale_decision_days(&r->timescales,
				       age_group_on(dob, local_from_instant(out->received).date),
				       out->category, in->safeguarding);
	out->due = workcal_due(cal, out->received, days);
	out->re_referral = is_re_referral(r, in->person_id, out->received);
	return 0;
}

int referral_receive(struct replica *r, const struct referral_input *in,
		     char id_out[UUID_STR_LEN], struct cd_error *err)
{
	struct receipt rc;
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], received[ISO_INSTANT_LEN], due[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	if (validate_receipt(r, in, &rc, err) || require_intake(r, rc.locality, err))
		return -1;
	if (txn_begin(r, "referral.receive", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	instant_format(rc.received, received);
	instant_format(rc.due, due);
	st = replica_stmt(r,
		"INSERT INTO referral (id, person_id, received_at, source, reason, category, "
		"safeguarding, status, decision_due_at, team, re_referral, created_at, updated_at, "
		"version, locality) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8, ?9, ?10, ?11, ?11, "
		"1, ?12)");
	bind_text(st, 1, id);
	bind_text(st, 2, in->person_id);
	bind_text(st, 3, received);
	bind_text(st, 4, rc.source);
	bind_text(st, 5, in->reason ? in->reason : "");
	bind_text(st, 6, rc.category);
	sqlite3_bind_int(st, 7, in->safeguarding);
	bind_text(st, 8, due);
	bind_text(st, 9, rc.team.code);
	sqlite3_bind_int(st, 10, rc.re_referral);
	bind_text(st, 11, now);
	bind_text(st, 12, rc.locality);
	if (stmt_run(r, st, err, "saving the referral") ||
	    audit_append(r, "referral.receive", "referral", id, rc.team.code, err)) {
		txn_rollback(r);
		return -1;
	}
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return txn_commit(r, err);
}

/* A decision must fit the person's age group on the day the referral was
 * received (a child is under 18: s47 is for children, s42 for adults), and
 * some decisions must say why. */
int referral_age_group(struct replica *r, const char *referral_id, enum age_group *out)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT p.date_of_birth, f.received_at FROM referral f JOIN person p "
		"ON p.id = f.person_id WHERE f.id = ?1");
	struct civil_date dob;
	int64_t received = 0;
	int found;

	bind_text(st, 1, referral_id ? referral_id : "");
	found = sqlite3_step(st) == SQLITE_ROW &&
		date_parse(column_text(st, 0), &dob) == 0 &&
		instant_parse(column_text(st, 1), &received) == 0;
	sqlite3_reset(st);
	if (found)
		*out = age_group_on(dob, local_from_instant(received).date);
	return found ? 0 : -1;
}

static int decision_lawful(struct replica *r, const char *referral_id, const char *code,
			   const char *reason, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT d.age_group, d.needs_reason, d.label, p.date_of_birth, f.received_at "
		"FROM referral f JOIN person p ON p.id = f.person_id, decision_code d "
		"WHERE f.id = ?1 AND d.code = ?2");
	char group[8] = "", label[128] = "", dob_text[ISO_DATE_LEN] = "";
	int needs_reason = 0, found;
	struct civil_date dob;
	int64_t received = 0;

	bind_text(st, 1, referral_id);
	bind_text(st, 2, code);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, group, sizeof(group));
		needs_reason = sqlite3_column_int(st, 1);
		column_copy(st, 2, label, sizeof(label));
		column_copy(st, 3, dob_text, sizeof(dob_text));
		instant_parse(column_text(st, 4), &received);
	}
	sqlite3_reset(st);
	if (!found || date_parse(dob_text, &dob))
		return 0;	/* the lookups before this one have said what is missing */
	if (strcmp(group, "any") != 0) {
		enum age_group age = age_group_on(dob, local_from_instant(received).date);
		bool child = age == AGE_GROUP_CHILD;

		if (child != (strcmp(group, "child") == 0))
			return cd_error_set(err, CD_EX_DATAERR, "decision",
					    "%s is a decision for %s; this person was %s on the day the "
					    "referral was received", label,
					    child ? "adults" : "children", child ? "a child (under 18)" :
					    "an adult");
	}
	if (needs_reason && (!reason || !*reason))
		return cd_error_set(err, CD_EX_DATAERR, "reason", "%s needs a reason", label);
	return 0;
}

int referral_triage(struct replica *r, const char *referral_id, const char *priority,
		    const char *decision, const char *reason, struct cd_error *err)
{
	struct referral_row ref;
	enum priority p;
	enum referral_status to = REFERRAL_TRIAGED;
	char code[CODE_MAX] = "", now[ISO_INSTANT_LEN], detail[128];
	int closes = 0;
	struct record_scope scope;
	sqlite3_stmt *st;

	if (scope_of_referral(r, referral_id, &scope) == 0 &&
	    require_permission(r, PERM_TRIAGE, &scope.target, err))
		return -1;
	if (!priority || priority_parse(priority, &p))
		return cd_error_set(err, CD_EX_DATAERR, "priority", "'%s' is not red, amber or green",
				    priority ? priority : "");
	if (decision && *decision && lookup_code(r, CODE_DECISION, decision, code, &closes))
		return code_refuse(r, CODE_DECISION, "decision", decision, err);
	if (reason && !text_is_valid_utf8(reason, strlen(reason)))
		return cd_error_set(err, CD_EX_DATAERR, "reason", "not valid UTF-8 text");
	if (closes)
		to = REFERRAL_CLOSED;
	if (load_referral(r, referral_id, &ref, err) || check_transition(ref.status, to, err) ||
	    (code[0] && decision_lawful(r, referral_id, code, reason, err)))
		return -1;
	if (txn_begin(r, "referral.triage", err))
		return -1;
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"UPDATE referral SET priority = ?2, status = ?3, "
		"decision = coalesce(?4, decision), decision_reason = coalesce(?5, decision_reason), "
		"decided_at = CASE WHEN ?4 IS NULL THEN decided_at ELSE ?6 END, "
		"decided_by = CASE WHEN ?4 IS NULL THEN decided_by ELSE ?7 END, "
		"updated_at = ?6, version = version + 1 WHERE id = ?1");
	bind_text(st, 1, referral_id);
	bind_text(st, 2, priority_name(p));
	bind_text(st, 3, referral_status_name(to));
	bind_text_or_null(st, 4, code);
	bind_text_or_null(st, 5, reason);
	bind_text(st, 6, now);
	bind_text(st, 7, r->actor.worker_id);
	snprintf(detail, sizeof(detail), "priority=%s%s%s", priority_name(p), code[0] ? " decision=" : "",
		 code);
	if (stmt_run(r, st, err, "saving the triage") ||
	    audit_append(r, "referral.triage", "referral", referral_id, detail, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

/* The open case of this person in this team, if there is one. */
static int open_case_in_team(struct replica *r, const char *person_id, const char *team,
			     char id[UUID_STR_LEN])
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT id FROM care_case WHERE person_id = ?1 "
					   "AND team = ?2 AND closed_at IS NULL LIMIT 1");
	int found;

	bind_text(st, 1, person_id);
	bind_text(st, 2, team);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		column_copy(st, 0, id, UUID_STR_LEN);
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int referral_allocate(struct replica *r, const char *referral_id, const char *worker_login,
		      struct cd_error *err)
{
	struct referral_row ref;
	struct record_scope scope;
	struct worker_row w;
	char case_id[UUID_STR_LEN], now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	if (load_referral(r, referral_id, &ref, err) || scope_of_referral(r, referral_id, &scope) ||
	    require_permission(r, PERM_ALLOCATE, &scope.target, err) ||
	    check_transition(ref.status, REFERRAL_ALLOCATED, err))
		return -1;
	if (!worker_login || lookup_worker(r, worker_login, &w) || !w.active)
		return cd_error_set(err, CD_EX_DATAERR, "to", "'%s' is not an active worker",
				    worker_login ? worker_login : "");
	if (may_hold_case(r, &w, scope.locality, err))
		return -1;
	if (txn_begin(r, "referral.allocate", err))
		return -1;
	if (open_case_in_team(r, ref.person_id, w.team, case_id) &&
	    case_open(r, ref.person_id, w.team, case_id, err))
		goto fail;
	if (case_allocate_unchecked(r, case_id, worker_login, "allocated from referral", err))
		goto fail;
	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE referral SET status = 'allocated', allocated_to = ?2, "
			     "case_id = ?3, updated_at = ?4, version = version + 1 WHERE id = ?1");
	bind_text(st, 1, referral_id);
	bind_text(st, 2, w.id);
	bind_text(st, 3, case_id);
	bind_text(st, 4, now);
	if (stmt_run(r, st, err, "saving the allocation") ||
	    audit_append(r, "referral.allocate", "referral", referral_id, worker_login, err))
		goto fail;
	return txn_commit(r, err);
fail:
	txn_rollback(r);
	return -1;
}

/* Which bank holiday list the due times were derived from.  Only that list
 * triggers a new derivation: it is the same for every user of the host,
 * while timescales are fixed at receipt (domain.md) and closure days come
 * from each user's configuration, which must not make due times flip
 * between readers. */
static void calendar_stamp(const struct replica *r, char out[96])
{
	snprintf(out, 96, "holidays %016llx", (unsigned long long)r->holidays_fingerprint);
}

static int rederive_one(struct replica *r, const struct workcal *cal, sqlite3_stmt *row,
			int *changed, struct cd_error *err)
{
	struct civil_date dob;
	int64_t received, due;
	char now[ISO_INSTANT_LEN], new_due[ISO_INSTANT_LEN];
	const char *category = (const char *)sqlite3_column_text(row, 3);
	sqlite3_stmt *st;
	int days;

	if (instant_parse((const char *)sqlite3_column_text(row, 1), &received) ||
	    date_parse((const char *)sqlite3_column_text(row, 2), &dob))
		return 0;	/* the schema's checks make this unreachable */
	days = timescale_decision_days(&r->timescales,
				       age_group_on(dob, local_from_instant(received).date), category,
				       sqlite3_column_int(row, 4));
	due = workcal_due(cal, received, days);
	instant_format(due, new_due);
	if (strcmp(new_due, (const char *)sqlite3_column_text(row, 5)) == 0)
		return 0;
	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE referral SET decision_due_at = ?2, updated_at = ?3, "
			     "version = version + 1 WHERE id = ?1");
	bind_text(st, 1, (const char *)sqlite3_column_text(row, 0));
	bind_text(st, 2, new_due);
	bind_text(st, 3, now);
	(*changed)++;
	return stmt_run(r, st, err, "updating a due time");
}

static int rederive_all(struct replica *r, const struct workcal *cal, int *changed,
			struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;
	int rc = 0;

	replica_now_iso(r, now);
	/* Not replica_stmt: the loop below uses the cache while this runs. */
	if (sqlite3_prepare_v2(r->db,
			       "SELECT f.id, f.received_at, p.date_of_birth, f.category, f.safeguarding, "
			       "f.decision_due_at FROM referral f JOIN person p ON p.id = f.person_id "
			       "WHERE (f.status = 'new' OR f.status = 'triaged') AND f.decision_due_at > ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return replica_sql_error(r, err, "reading due times");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = rederive_one(r, cal, st, changed, err);
	sqlite3_finalize(st);
	return rc;
}

int referral_rederive_due(struct replica *r, int *changed_out, struct cd_error *err)
{
	struct workcal *cal = replica_calendar(r, err);
	char stamp[96], stored[96] = "";
	int changed = 0;

	if (changed_out)
		*changed_out = 0;
	if (!cal)
		return -1;
	calendar_stamp(r, stamp);
	if (replica_meta_get(r, "due_times_from", stored, sizeof(stored)) == 0 &&
	    strcmp(stamp, stored) == 0)
		return 0;
	if (txn_begin(r, "referral.rederive", err))
		return -1;
	if (rederive_all(r, cal, &changed, err) ||
	    replica_meta_set(r, "due_times_from", stamp, err) ||
	    (changed && audit_append(r, "referral.rederive", "referral", "", stamp, err))) {
		txn_rollback(r);
		return -1;
	}
	if (changed_out)
		*changed_out = changed;
	return txn_commit(r, err);
}
