/* Workers: who may use this replica, in which team and role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/text.h"
#include "replica/internal.h"

static const char *const roles[] = { "duty", "practitioner", "mash", "manager", "admin" };

static int role_valid(const char *role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(role, roles[i]) == 0)
			return 1;
	return 0;
}

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

static int require_admin(struct replica *r, struct cd_error *err)
{
	if (strcmp(r->actor.role, "admin") == 0)
		return 0;
	return cd_error_set(err, CD_EX_NOPERM, NULL,
			    "only an admin worker can change who uses this replica");
}

static int validate(struct replica *r, const struct worker_input *in, char locality[CODE_MAX],
		    struct cd_error *err)
{
	if (!in->login || !login_valid(in->login))
		return cd_error_set(err, CD_EX_DATAERR, "login",
				    "'%s' is not a Unix login name", in->login ? in->login : "");
	if (!in->name || !*in->name || !text_is_valid_utf8(in->name, strlen(in->name)))
		return cd_error_set(err, CD_EX_DATAERR, "name", "a name is required (UTF-8 text)");
	if (!in->role || !role_valid(in->role))
		return cd_error_set(err, CD_EX_DATAERR, "role",
				    "'%s' is not a role (duty, practitioner, mash, manager, admin)",
				    in->role ? in->role : "");
	if (!in->team || team_locality(r, in->team, locality))
		return cd_error_set(err, CD_EX_DATAERR, "team", "unknown team '%s' (see data/teams.tsv)",
				    in->team ? in->team : "");
	return 0;
}

/* Insert, or re-enable and update a disabled or existing worker. */
static int upsert(struct replica *r, const char *action, const struct worker_input *in,
		  const char *locality, char id_out[UUID_STR_LEN], struct cd_error *err)
{
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN];
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
	bind_text(st, 5, in->role);
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
	return audit_append(r, action, "worker", id, in->login, err);
}

int worker_add(struct replica *r, const struct worker_input *in, char id_out[UUID_STR_LEN],
	       struct cd_error *err)
{
	char locality[CODE_MAX];

	if (require_admin(r, err) || validate(r, in, locality, err))
		return -1;
	if (txn_begin(r, "worker.add", err))
		return -1;
	if (upsert(r, "worker.add", in, locality, id_out, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

int worker_ensure_admin(struct replica *r, const char *login, const char *team,
			struct cd_error *err)
{
	struct worker_input in = { .login = login, .name = login, .team = team, .role = "admin" };
	char locality[CODE_MAX];
	sqlite3_stmt *st = replica_stmt(r, "SELECT 1 FROM worker WHERE login = ?1");
	int exists;

	bind_text(st, 1, login);
	exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (exists)
		return 0;
	if (validate(r, &in, locality, err))
		return -1;
	/* The first worker registers themself: there is no admin yet to act. */
	snprintf(r->actor.login, sizeof(r->actor.login), "%s", login);
	snprintf(r->actor.worker_login, sizeof(r->actor.worker_login), "%s", login);
	if (txn_begin(r, "worker.bootstrap", err))
		return -1;
	if (upsert(r, "worker.bootstrap", &in, locality, NULL, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}

static int lookup_active(struct replica *r, const char *login, char id[UUID_STR_LEN], int *active)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT id, active FROM worker WHERE login = ?1");
	int found;

	bind_text(st, 1, login);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, id, UUID_STR_LEN);
		*active = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

/* The leaver's open cases, collected first: allocating them changes the
 * index a running query would walk. */
static char (*open_cases_of(struct replica *r, const char *worker_id, int *n))[UUID_STR_LEN]
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT id FROM care_case WHERE allocated_to = ?1 "
					   "AND closed_at IS NULL ORDER BY id");
	char (*ids)[UUID_STR_LEN] = NULL;

	*n = 0;
	bind_text(st, 1, worker_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = cd_realloc(ids, (size_t)(*n + 1) * sizeof(*ids));
		column_copy(st, 0, ids[(*n)++], UUID_STR_LEN);
	}
	sqlite3_reset(st);
	return ids;
}

/* Each case goes to the new worker through case_allocate, so the
 * allocation history records the move like any other. */
static int reassign(struct replica *r, const char *from_login, const char *from_id,
		    const char *to_login, const char *to_id, int *moved, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN], reason[128];
	int n;
	char (*ids)[UUID_STR_LEN] = open_cases_of(r, from_id, &n);
	sqlite3_stmt *st;

	snprintf(reason, sizeof(reason), "reassigned: %s left", from_login);
	for (int i = 0; i < n; i++) {
		if (case_allocate(r, ids[i], to_login, reason, err)) {
			free(ids);
			return -1;
		}
	}
	free(ids);
	*moved = n;
	replica_now_iso(r, now);
	/* An allocated referral keeps its status; only the worker changes. */
	st = replica_stmt(r, "UPDATE referral SET allocated_to = ?2, updated_at = ?3, "
			     "version = version + 1 WHERE allocated_to = ?1 AND status = 'allocated'");
	bind_text(st, 1, from_id);
	bind_text(st, 2, to_id);
	bind_text(st, 3, now);
	return stmt_run(r, st, err, "reassigning referrals");
}

int worker_disable(struct replica *r, const char *login, const char *reassign_to,
		   int *moved_out, struct cd_error *err)
{
	char id[UUID_STR_LEN], to_id[UUID_STR_LEN] = "", now[ISO_INSTANT_LEN];
	int active, to_active = 0, moved = 0;
	sqlite3_stmt *st;

	if (require_admin(r, err))
		return -1;
	if (lookup_active(r, login, id, &active))
		return cd_error_set(err, CD_EX_NOINPUT, "login", "no worker '%s'", login);
	if (reassign_to && (lookup_active(r, reassign_to, to_id, &to_active) || !to_active))
		return cd_error_set(err, CD_EX_DATAERR, "reassign-to",
				    "'%s' is not an active worker", reassign_to);
	if (reassign_to && strcmp(id, to_id) == 0)
		return cd_error_set(err, CD_EX_DATAERR, "reassign-to",
				    "cannot reassign a leaver's cases to themself");
	if (txn_begin(r, "worker.disable", err))
		return -1;
	replica_now_iso(r, now);
	st = replica_stmt(r, "UPDATE worker SET active = 0, updated_at = ?2, version = version + 1 "
			     "WHERE id = ?1 AND active = 1");
	bind_text(st, 1, id);
	bind_text(st, 2, now);
	if (stmt_run(r, st, err, "disabling the worker") ||
	    (reassign_to && reassign(r, login, id, reassign_to, to_id, &moved, err)) ||
	    audit_append(r, "worker.disable", "worker", id, reassign_to ? reassign_to : "", err)) {
		txn_rollback(r);
		return -1;
	}
	if (moved_out)
		*moved_out = moved;
	return txn_commit(r, err);
}
