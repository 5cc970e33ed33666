/* Workers: who may use this replica, in which team and role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/text.h"
#include "replica/internal.h"
#include "replica/lookup.h"

/* Logins are Unix user names: keep to the portable set so that they print
 * and compare safely everywhere. */
static int login_valid(const char *login)
{
	size_t n = strlen(login);

	if (n == 0 || n >= LOGIN_MAX || login[0] == '-')
		return 0;
	for (const char *p = login; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			return 0;
	}
	return 1;
}

static int team_locality(struct replica *r, const char *team, char out[CODE_MAX])
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT locality FROM team WHERE code = ?1");
	int found;

	bind_text(st, 1, team);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		column_copy(st, 0, out, CODE_MAX);
	sqlite3_reset(st);
	return found ? 0 : -1;
}

/* Roles only an administrator may give: a team manager runs a team, not
 * the service or its audit. */
#define ADMIN_GIVEN_ROLES (ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR))

static int may_staff_team(struct replica *r, const char *team, struct cd_error *err)
{
	struct perm_target t = { .team = team };

	return require_permission(r, PERM_STAFF, &t, err);
}

static int may_give_roles(struct replica *r, role_set roles, struct cd_error *err)
{
	if (!(roles & ADMIN_GIVEN_ROLES) || (r->actor.roles & ROLE_BIT(ROLE_ADMIN)))
		return 0;
	return cd_error_set(err, CD_EX_NOPERM, "role",
			    "only an administrator may give the manager, admin or auditor role");
}

static int parse_roles(const char *text, role_set *out, char canonical[ROLES_TEXT_MAX],
		       struct cd_error *err)
{
	char bad[ROLES_TEXT_MAX];

	if (!text || roles_parse(text, out, bad, sizeof(bad)))
		return cd_error_set(err, CD_EX_DATAERR, "role", "'%s' is not a role (%s)",
				    bad[0] ? bad : (text ? text : ""), roles_hint());
	roles_format(*out, canonical, ROLES_TEXT_MAX);
	return 0;
}

static int validate(struct replica *r, const struct worker_input *in, char locality[CODE_MAX],
		    char roles[ROLES_TEXT_MAX], role_set *set, struct cd_error *err)
{
	if (!in->login || !login_valid(in->login))
		return cd_error_set(err, CD_EX_DATAERR, "login",
				    "'%s' is not a Unix login name", in->login ? in->login : "");
	if (!in->name || !*in->name || !text_is_valid_utf8(in->name, strlen(in->name)))
		return cd_error_set(err, CD_EX_DATAERR, "name", "a name is required (UTF-8 text)");
	if (parse_roles(in->roles, set, roles, err))
		return -1;
	if (!in->team || team_locality(r, in->team, locality))
		return cd_error_set(err, CD_EX_DATAERR, "team", "unknown team '%s' (see data/teams.tsv)",
				    in->team ? in->team : "");
	return 0;
}

int worker_check_input(struct replica *r, const struct worker_input *in,
		       char locality[CODE_MAX], char roles[ROLES_TEXT_MAX], struct cd_error *err)
{
	role_set set;

	return validate(r, in, locality, roles, &set, err);
}

/* Insert, or re-enable and update a disabled or existing worker. */
static int upsert(struct replica *r, const char *action, const struct worker_input *in,
		  const char *roles, const char *locality, char id_out[UUID_STR_LEN],
		  struct cd_error *err)
{
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], detail[LOGIN_MAX + ROLES_TEXT_MAX + CODE_MAX];
	sqlite3_stmt *st;

	id_for_login(in->login, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO worker (id, login, name, team, role, active, created_at, updated_at, "
		"version, locality) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6, 1, ?7) "
		"ON CONFLICT (login) DO UPDATE SET name = excluded.name, team = excluded.team, "
		"role = excluded.role, active = 1, updated_at = excluded.updated_at, "
		"version = version + 1, locality = excluded.locality RETURNING id");
	bind_text(st, 1, id);
	bind_text(st, 2, in->login);
	bind_text(st, 3, in->name);
	bind_text(st, 4, in->team);
	bind_text(st, 5, roles);
	bind_text(st, 6, now);
	bind_text(st, 7, locality);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return replica_sql_error(r, err, "saving the worker");
	}
	column_copy(st, 0, id, sizeof(id));
	sqlite3_reset(st);
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	snprintf(detail, sizeof(detail), "%s team=%s roles=%s", in->login, in->team, roles);
	return audit_append(r, action, "worker", id, detail, err);
}

struct worker_now {
	char id[UUID_STR_LEN];
	char team[CODE_MAX];
	char name[256];
	role_set roles;
	int active;
};

static int worker_read(struct replica *r, const char *login, struct worker_now *out)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT id, team, name, role, active FROM worker "
					   "WHERE login = ?1");
	int found;

	memset(out, 0, sizeof(*out));
	bind_text(st, 1, login ? login : "");
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		char bad[ROLES_TEXT_MAX];

		column_copy(st, 0, out->id, sizeof(out->id));
		column_copy(st, 1, out->team, sizeof(out->team));
		column_copy(st, 2, out->name, sizeof(out->name));
		if (roles_parse(column_text(st, 3), &out->roles, bad, sizeof(bad)))
			out->roles = 0;
		out->active = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

/* Active administrators other than `except_id`. */
static int other_active_admins(struct replica *r, const char *except_id)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT role FROM worker WHERE active = 1 AND id <> ?1");
	char bad[ROLES_TEXT_MAX];
	role_set roles;
	int n = 0;

	bind_text(st, 1, except_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (roles_parse(column_text(st, 0), &roles, bad, sizeof(bad)) == 0 &&
		    (roles & ROLE_BIT(ROLE_ADMIN)))
			n++;
	sqlite3_reset(st);
	return n;
}

/* Without an active administrator no one can add, enable or change a
 * worker: keep the last one (caredesk(1), RECOVERY, for a replica that
 * has lost them all anyway). */
static int keeps_an_admin(struct replica *r, const char *login, const struct worker_now *w,
			  role_set new_roles, bool disabling, struct cd_error *err)
{
	bool was = w->active && (w->roles & ROLE_BIT(ROLE_ADMIN));
	bool stays = !disabling && (new_roles & ROLE_BIT(ROLE_ADMIN));

	if (!was || stays || other_active_admins(r, w->id) > 0)
		return 0;
	return cd_error_set(err, CD_EX_DATAERR, "login",
			    "%s is the last active administrator of this replica; add another "
			    "first (caredesk worker add LOGIN --name NAME --team TEAM --role admin)",
			    login);
}

int worker_add(struct replica *r, const struct worker_input *in, char id_out[UUID_STR_LEN],
	       struct cd_error *err)
{
	char locality[CODE_MAX], roles[ROLES_TEXT_MAX];
	struct worker_now old;
	role_set set;

	if (validate(r, in, locality, roles, &set, err) || may_staff_team(r, in->team, err) ||
	    may_give_roles(r, set, err))
		return -1;
	/* Re-adding an existing worker moves them: their old team's manager
	 * must be able to let them go too. */
	if (worker_read(r, in->login, &old) == 0 &&
	    (may_staff_team(r, old.team, err) || may_give_roles(r, old.roles & ~set, err) ||
	     keeps_an_admin(r, in->login, &old, set, false, err)))
		return -1;
	if (txn_begin(r, "worker.add", err))
		return -1;
	if (upsert(r, "worker.add", in, roles, locality, id_out, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int worker_set(struct replica *r, const char *login, const char *roles_text, const char *team,
	       struct cd_error *err)
{
	struct worker_now w;
	struct worker_input in;
	char locality[CODE_MAX], roles[ROLES_TEXT_MAX];
	role_set set;

	if (worker_read(r, login, &w))
		return cd_error_set(err, CD_EX_NOINPUT, "login", "no worker '%s'", login ? login : "");
	in = (struct worker_input){ .login = login, .name = w.name, .team = team ? team : w.team };
	if (roles_text) {
		in.roles = roles_text;
	} else {
		roles_format(w.roles, roles, sizeof(roles));
		in.roles = roles;
	}
	if (validate(r, &in, locality, roles, &set, err) || may_staff_team(r, w.team, err) ||
	    may_staff_team(r, in.team, err) || may_give_roles(r, set ^ w.roles, err) ||
	    keeps_an_admin(r, login, &w, set, !w.active, err))
		return -1;
	if (!w.active)
		return cd_error_set(err, CD_EX_DATAERR, "login",
				    "%s is disabled; enable them with caredesk worker add", login);
	if (txn_begin(r, "worker.set", err))
		return -1;
	if (upsert(r, "worker.set", &in, roles, locality, NULL, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int worker_ensure_admin(struct replica *r, const char *login, const char *team,
			const char *roles_text, struct cd_error *err)
{
	struct worker_input in = { .login = login, .name = login, .team = team,
				   .roles = roles_text ? roles_text : "admin" };
	char locality[CODE_MAX], roles[ROLES_TEXT_MAX];
	role_set set;
	sqlite3_stmt *st = replica_stmt(r, "SELECT 1 FROM worker WHERE login = ?1");
	int exists;

	bind_text(st, 1, login);
	exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (exists)
		return 0;
	if (validate(r, &in, locality, roles, &set, err))
		return -1;
	if (!(set & ROLE_BIT(ROLE_ADMIN)))
		return cd_error_set(err, CD_EX_SOFTWARE, "role", "the first worker must be an admin");
	/* The first worker registers themself: there is no admin yet to act. */
	snprintf(r->actor.login, sizeof(r->actor.login), "%s", login);
	snprintf(r->actor.worker_login, sizeof(r->actor.worker_login), "%s", login);
	if (txn_begin(r, "worker.bootstrap", err))
		return -1;
	if (upsert(r, "worker.bootstrap", &in, roles, locality, NULL, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int worker_recover(struct replica *r, const char *unix_user, const struct worker_input *given,
		   struct cd_error *err)
{
	struct worker_now w;
	struct worker_input in = *given;
	char locality[CODE_MAX], roles[ROLES_TEXT_MAX], with_admin[ROLES_TEXT_MAX];
	role_set set;
	bool known = worker_read(r, given->login, &w) == 0;

	if (other_active_admins(r, ""))
		return cd_error_set(err, CD_EX_DATAERR, NULL, "this replica has an active administrator: "
				    "ask them (caredesk worker list shows who); recovery is only for "
				    "a replica that has none");
	/* A known worker keeps their name, team and roles, and gains admin. */
	if (known) {
		in.name = in.name ? in.name : w.name;
		in.team = in.team ? in.team : w.team;
		roles_format(w.roles | ROLE_BIT(ROLE_ADMIN), with_admin, sizeof(with_admin));
		in.roles = with_admin;
	} else {
		in.roles = "admin";
	}
	if (validate(r, &in, locality, roles, &set, err))
		return -1;
	/* No worker may act: the audit names the Unix user who ran it (root)
	 * and the worker made administrator. */
	snprintf(r->actor.login, sizeof(r->actor.login), "%s", unix_user);
	snprintf(r->actor.worker_login, sizeof(r->actor.worker_login), "%s", in.login);
	if (txn_begin(r, "worker.recover", err))
		return -1;
	if (upsert(r, "worker.recover", &in, roles, locality, NULL, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

/* A team's side of the service: children's or adults'.  All-age teams
 * (the duty teams, the MASH) take either. */
enum service_line { LINE_EITHER, LINE_CHILDREN, LINE_ADULTS };

static enum service_line line_of_service(const char *service)
{
	if (strcmp(service, "adults") == 0)
		return LINE_ADULTS;
	if (strcmp(service, "children") == 0 || strcmp(service, "children-in-care") == 0 ||
	    strcmp(service, "care-leavers") == 0)
		return LINE_CHILDREN;
	return LINE_EITHER;
}

static enum service_line team_line(struct replica *r, const char *team)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT service FROM team WHERE code = ?1");
	enum service_line line = LINE_EITHER;

	bind_text(st, 1, team);
	if (sqlite3_step(st) == SQLITE_ROW)
		line = line_of_service(column_text(st, 0));
	sqlite3_reset(st);
	return line;
}

/* The leaver's open cases, collected first: allocating them changes the
 * index a running query would walk.  *crossing counts those whose team
 * is on the other side of the service from the new worker's team. */
static char (*open_cases_of(struct replica *r, const char *worker_id, enum service_line to_line,
			    int *n, int *crossing))[UUID_STR_LEN]
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT c.id, t.service FROM care_case c "
					   "JOIN team t ON t.code = c.team WHERE c.allocated_to = ?1 "
					   "AND c.closed_at IS NULL ORDER BY c.id");
	char (*ids)[UUID_STR_LEN] = NULL;

	*n = 0;
	*crossing = 0;
	bind_text(st, 1, worker_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		enum service_line line = line_of_service(column_text(st, 1));

		if (to_line != LINE_EITHER && line != LINE_EITHER && line != to_line)
			(*crossing)++;
		ids = cd_realloc(ids, (size_t)(*n + 1) * sizeof(*ids));
		column_copy(st, 0, ids[(*n)++], UUID_STR_LEN);
	}
	sqlite3_reset(st);
	return ids;
}

/* Only live work moves: open cases, and the open referrals (new, triaged,
 * or allocated to a case still open).  A closed case keeps the worker who
 * held it, so its history still says who did the work. */
static int reassign_referrals(struct replica *r, const char *from_id, const char *to_id,
			      int *moved, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE referral SET allocated_to = ?2, updated_at = ?3, "
			     "version = version + 1 WHERE allocated_to = ?1 AND status <> 'closed' "
			     "AND (case_id IS NULL OR case_id IN (SELECT id FROM care_case "
			     "WHERE closed_at IS NULL))");
	bind_text(st, 1, from_id);
	bind_text(st, 2, to_id);
	bind_text(st, 3, now);
	if (stmt_run(r, st, err, "reassigning referrals"))
		return -1;
	*moved = sqlite3_changes(r->db);
	return 0;
}

/* Each case goes to the new worker through case_allocate, so the
 * allocation history records the move like any other. */
static int reassign(struct replica *r, const char *from_login, const char *from_id,
		    const struct reassignment *to, struct reassigned *moved, struct cd_error *err)
{
	char reason[320];
	struct worker_now w;
	int n, crossing;
	char (*ids)[UUID_STR_LEN];

	if (worker_read(r, to->login, &w))
		return cd_error_set(err, CD_EX_DATAERR, "reassign-to", "no worker '%s'", to->login);
	ids = open_cases_of(r, from_id, team_line(r, w.team), &n, &crossing);
	if (crossing && !(to->override_reason && *to->override_reason)) {
		free(ids);
		return cd_error_set(err, CD_EX_DATAERR, "reassign-to",
				    "%d of %s's open cases are on the other side of the service from "
				    "%s (team %s); give --override-reason to move them anyway", crossing,
				    from_login, to->login, w.team);
	}
	if (crossing)
		snprintf(reason, sizeof(reason), "reassigned: %s left; across services: %s",
			 from_login, to->override_reason);
	else
		snprintf(reason, sizeof(reason), "reassigned: %s left", from_login);
	for (int i = 0; i < n; i++) {
		if (case_allocate_unchecked(r, ids[i], to->login, reason, err)) {
			free(ids);
			return -1;
		}
	}
	free(ids);
	moved->cases = n;
	moved->across_services = crossing;
	return reassign_referrals(r, from_id, w.id, &moved->referrals, err);
}

static int check_reassignee(const struct worker_now *leaver, const struct worker_now *to,
			    const char *to_login, struct cd_error *err)
{
	if (!to->active)
		return cd_error_set(err, CD_EX_DATAERR, "reassign-to",
				    "'%s' is not an active worker", to_login);
	if (strcmp(leaver->id, to->id) == 0)
		return cd_error_set(err, CD_EX_DATAERR, "reassign-to",
				    "cannot reassign a leaver's cases to themself");
	return 0;
}

int worker_disable(struct replica *r, const char *login, const struct reassignment *to,
		   struct reassigned *moved, struct cd_error *err)
{
	struct worker_now w, dest;
	struct reassigned none = { 0, 0, 0 };
	char now[ISO_INSTANT_LEN], detail[LOGIN_MAX + 400];
	sqlite3_stmt *st;

	if (!moved)
		moved = &none;
	*moved = none;
	if (worker_read(r, login, &w))
		return cd_error_set(err, CD_EX_NOINPUT, "login", "no worker '%s'", login ? login : "");
	if (may_staff_team(r, w.team, err) || may_give_roles(r, w.roles, err) ||
	    keeps_an_admin(r, login, &w, w.roles, true, err))
		return -1;
	if (to && worker_read(r, to->login, &dest))
		return cd_error_set(err, CD_EX_DATAERR, "reassign-to", "'%s' is not an active worker",
				    to->login);
	if (to && check_reassignee(&w, &dest, to->login, err))
		return -1;
	if (txn_begin(r, "worker.disable", err))
		return -1;
	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE worker SET active = 0, updated_at = ?2, version = version + 1 "
			     "WHERE id = ?1 AND active = 1");
	bind_text(st, 1, w.id);
	bind_text(st, 2, now);
	snprintf(detail, sizeof(detail), "%s%s%s%s%s", login, to ? " reassign-to=" : "",
		 to ? to->login : "", to && to->override_reason ? " override: " : "",
		 to && to->override_reason ? to->override_reason : "");
	if (stmt_run(r, st, err, "disabling the worker") ||
	    (to && reassign(r, login, w.id, to, moved, err)) ||
	    audit_append(r, "worker.disable", "worker", w.id, detail, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}
