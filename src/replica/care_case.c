/* Cases (episodes of involvement): open, allocate, review, close.
 * Allocation history is kept in the allocation table; the case row holds
 * the current worker for the caseload list. */
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "replica/internal.h"
#include "replica/lookup.h"

static int case_is_open(struct replica *r, const char *case_id, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT closed_at IS NULL FROM care_case WHERE id = ?1");
	int found, open = 0;

	bind_text(st, 1, case_id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		open = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (!found)
		return cd_error_set(err, CD_EX_NOINPUT, "case", "no case %s", case_id);
	if (!open)
		return cd_error_set(err, CD_EX_NOPERM, "case", "case %s is closed", case_id);
	return 0;
}

int case_open(struct replica *r, const char *person_id, const char *team,
	      char id_out[UUID_STR_LEN], struct cd_error *err)
{
	struct team_row t;
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	char person_locality[CODE_MAX];

	if (!team || lookup_team(r, team, &t))
		return cd_error_set(err, CD_EX_DATAERR, "team", "unknown team '%s'", team ? team : "");
	if (lookup_person_locality(r, person_id, person_locality))
		return cd_error_set(err, CD_EX_NOINPUT, "person", "no person %s", person_id);
	if (txn_begin(r, "case.open", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO care_case (id, person_id, team, opened_at, created_at, updated_at, "
		"version, locality) VALUES (?1, ?2, ?3, ?4, ?4, ?4, 1, ?5)");
	bind_text(st, 1, id);
	bind_text(st, 2, person_id);
	bind_text(st, 3, t.code);
	bind_text(st, 4, now);
	/* The person's locality: a case syncs with its person, even one held
	 * by a borough-wide team. */
	bind_text(st, 5, person_locality);
	if (stmt_run(r, st, err, "opening the case") ||
	    audit_append(r, "case.open", "care_case", id, t.code, err))
		goto fail;
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return txn_commit(r, err);
fail:
	txn_rollback(r);
	return -1;
}

/* A case stays in its person's locality, which is what its replicas hold:
 * a worker of another locality would never see it after sync.  Moving a
 * case there is a transfer (issue 17), not an allocation.  Borough-wide
 * teams work in every locality. */
int may_hold_case(struct replica *r, const struct worker_row *w, const char *locality,
		  struct cd_error *err)
{
	struct team_row t;
	role_set roles = 0;
	char bad[32];

	/* An administrator or auditor alone could neither see nor close it. */
	if (roles_parse(w->roles, &roles, bad, sizeof(bad)) || !(roles & PRACTICE_ROLES))
		return cd_error_set(err, CD_EX_DATAERR, "to",
				    "%s holds no practice role (%s): allocate to a worker who does "
				    "case work", w->login, w->roles);
	if (lookup_team(r, w->team, &t) || strcmp(t.locality, "borough") == 0 ||
	    strcmp(t.locality, locality) == 0)
		return 0;
	return cd_error_set(err, CD_EX_DATAERR, "to",
			    "%s works in %s (team %s) and this record is %s's: a case cannot be "
			    "allocated across localities; transfer it to a %s team instead",
			    w->login, t.locality, t.code, locality, t.locality);
}

int case_allocate(struct replica *r, const char *case_id, const char *worker_login,
		  const char *reason, struct cd_error *err)
{
	struct record_scope scope;

	if (case_is_open(r, case_id, err) || scope_of_case(r, case_id, &scope) ||
	    require_permission(r, PERM_ALLOCATE, &scope.target, err))
		return -1;
	return case_allocate_unchecked(r, case_id, worker_login, reason, err);
}

int case_allocate_unchecked(struct replica *r, const char *case_id, const char *worker_login,
			    const char *reason, struct cd_error *err)
{
	struct worker_row w;
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], locality[CODE_MAX];
	sqlite3_stmt *st;

	if (case_is_open(r, case_id, err))
		return -1;
	if (!worker_login || lookup_worker(r, worker_login, &w) || !w.active)
		return cd_error_set(err, CD_EX_DATAERR, "to", "'%s' is not an active worker",
				    worker_login ? worker_login : "");
	if (lookup_case_locality(r, case_id, locality) ||
	    may_hold_case(r, &w, locality, err))
		return -1;
	if (txn_begin(r, "case.allocate", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE care_case SET allocated_to = ?2, updated_at = ?3, "
			     "version = version + 1 WHERE id = ?1");
	bind_text(st, 1, case_id);
	bind_text(st, 2, w.id);
	bind_text(st, 3, now);
	if (stmt_run(r, st, err, "allocating the case"))
		goto fail;
	st = replica_stmt(r,
		"INSERT INTO allocation (id, case_id, worker_id, allocated_by, allocated_at, reason, "
		"created_at, locality) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, "
		"(SELECT locality FROM care_case WHERE id = ?2))");
	bind_text(st, 1, id);
	bind_text(st, 2, case_id);
	bind_text(st, 3, w.id);
	bind_text(st, 4, r->actor.worker_id);
	bind_text(st, 5, now);
	bind_text(st, 6, reason ? reason : "");
	if (stmt_run(r, st, err, "recording the allocation") ||
	    audit_append(r, "case.allocate", "care_case", case_id, worker_login, err))
		goto fail;
	return txn_commit(r, err);
fail:
	txn_rollback(r);
	return -1;
}

/* A referral's life ends with its case: closing the case closes the
 * referrals that led to it, so none stays "allocated" for ever. */
static int close_referrals_of(struct replica *r, const char *case_id, const char *now,
			      struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, "UPDATE referral SET status = 'closed', updated_at = ?2, "
					   "version = version + 1 WHERE case_id = ?1 "
					   "AND status <> 'closed'");

	bind_text(st, 1, case_id);
	bind_text(st, 2, now);
	return stmt_run(r, st, err, "closing the case's referrals");
}

int case_close(struct replica *r, const char *case_id, const char *reason, struct cd_error *err)
{
	char code[CODE_MAX], now[ISO_INSTANT_LEN];
	struct record_scope scope;
	sqlite3_stmt *st;

	if (lookup_code(r, CODE_CLOSURE, reason, code, NULL))
		return code_refuse(r, CODE_CLOSURE, "reason", reason, err);
	if (case_is_open(r, case_id, err) || scope_of_case(r, case_id, &scope) ||
	    require_permission(r, PERM_CASE_CLOSE, &scope.target, err))
		return -1;
	if (txn_begin(r, "case.close", err))
		return -1;
	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE care_case SET closed_at = ?2, closure_reason = ?3, "
			     "updated_at = ?2, version = version + 1 WHERE id = ?1");
	bind_text(st, 1, case_id);
	bind_text(st, 2, now);
	bind_text(st, 3, code);
	if (stmt_run(r, st, err, "closing the case") || close_referrals_of(r, case_id, now, err) ||
	    audit_append(r, "case.close", "care_case", case_id, code, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

/* A review is at most a year ahead: the Care Act's reviews are at least
 * yearly and a child's plan is reviewed more often still, so a later date
 * is a typo (9999 for 2026) that would hide a case from every overdue
 * list for good. */
static struct civil_date a_year_after(struct civil_date d)
{
	struct civil_date y = { d.year + 1, d.month, d.day };

	/* 29 February's year on is 28 February. */
	if (y.day > date_days_in_month(y.year, y.month))
		y.day = date_days_in_month(y.year, y.month);
	return y;
}

/* A review date as typed (DD/MM/YYYY or ISO), from today to a year ahead:
 * a review set in the past would be overdue the moment it was saved. */
static int review_date_check(struct replica *r, const char *date, struct civil_date *d,
			     struct cd_error *err)
{
	struct civil_date today = local_from_instant(replica_now(r)).date;
	char shown[ISO_DATE_LEN], today_shown[ISO_DATE_LEN];

	if (date_parse_typed(date, d))
		return cd_error_set(err, CD_EX_DATAERR, "review", "'%.16s' is not a date (%s)",
				    date ? date : "", DATE_TYPED_FORMS);
	date_format_shown(*d, shown);
	date_format_shown(today, today_shown);
	/* Short enough for the desk's message line at 80 columns. */
	if (date_compare(*d, today) < 0)
		return cd_error_set(err, CD_EX_DATAERR, "review", "%s is in the past (today is %s)",
				    shown, today_shown);
	if (date_compare(*d, a_year_after(today)) > 0)
		return cd_error_set(err, CD_EX_DATAERR, "review",
				    "%s is more than a year ahead: reviews are at least yearly",
				    shown);
	return 0;
}

int case_set_review(struct replica *r, const char *case_id, const char *date,
		    struct cd_error *err)
{
	struct civil_date d;
	struct record_scope scope;
	char canonical[ISO_DATE_LEN], now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	if (review_date_check(r, date, &d, err) || case_is_open(r, case_id, err) ||
	    scope_of_case(r, case_id, &scope) ||
	    require_permission(r, PERM_CASE_REVIEW, &scope.target, err))
		return -1;
	if (txn_begin(r, "case.review", err))
		return -1;
	date_format(d, canonical);
	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE care_case SET next_review = ?2, updated_at = ?3, "
			     "version = version + 1 WHERE id = ?1");
	bind_text(st, 1, case_id);
	bind_text(st, 2, canonical);
	bind_text(st, 3, now);
	if (stmt_run(r, st, err, "setting the review") ||
	    audit_append(r, "case.review", "care_case", case_id, canonical, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}
