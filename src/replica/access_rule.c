/* Who may see a restricted record: the rule itself (see caredesk/access.h).
 *
 * One SQL view, temp.person_hidden, made on each connection when the
 * replica opens: the restricted people the acting worker may not see now.
 * It reads the actor and the clock through SQL functions bound to this
 * replica, so it is always current: a role taken away, a case reallocated
 * or a break-glass running out counts at the next read, with nothing to
 * refresh.  This file calls nothing of the replica's own (replica.c opens
 * through it), so the two do not depend on each other. */
#include <sqlite3.h>
#include <stdio.h>

#include "caredesk/access.h"
#include "caredesk/datetime.h"
#include "caredesk/permission.h"

/* --- the SQL functions the view reads ------------------------------------ */

static void result_text_or_null(sqlite3_context *c, const char *s)
{
	if (s && *s)
		sqlite3_result_text(c, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(c);
}

static void fn_worker_id(sqlite3_context *c, int n, sqlite3_value **v)
{
	const struct replica *r = sqlite3_user_data(c);

	(void)n;
	(void)v;
	result_text_or_null(c, r->actor.worker_id);
}

static void fn_login(sqlite3_context *c, int n, sqlite3_value **v)
{
	const struct replica *r = sqlite3_user_data(c);

	(void)n;
	(void)v;
	result_text_or_null(c, r->actor.worker_login);
}

static void fn_team(sqlite3_context *c, int n, sqlite3_value **v)
{
	const struct replica *r = sqlite3_user_data(c);

	(void)n;
	(void)v;
	result_text_or_null(c, r->actor.team);
}

/* caredesk_has_role('manager'): 1 when the actor holds the role. */
static void fn_has_role(sqlite3_context *c, int n, sqlite3_value **v)
{
	const struct replica *r = sqlite3_user_data(c);
	const char *name = n == 1 ? (const char *)sqlite3_value_text(v[0]) : NULL;
	role_set set = 0;
	char bad[32];

	sqlite3_result_int(c, name && roles_parse(name, &set, bad, sizeof(bad)) == 0 &&
				      (r->actor.roles & set) == set);
}

/* The earliest break-glass still in force: now less how long one lasts. */
static void fn_glass_since(sqlite3_context *c, int n, sqlite3_value **v)
{
	const struct replica *r = sqlite3_user_data(c);
	char since[ISO_INSTANT_LEN];

	(void)n;
	(void)v;
	instant_format(replica_now(r) - r->break_glass_s, since);
	sqlite3_result_text(c, since, -1, SQLITE_TRANSIENT);
}

/* Restricted people the actor may not see now.  Seen by: the worker
 * allocated an open case; a manager of that case's team; MASH while a
 * safeguarding referral of theirs is open; the actor's own break-glass
 * within the last break_glass_s. */
static const char *const sql_person_hidden =
	"CREATE TEMP VIEW IF NOT EXISTS person_hidden AS "
	"SELECT p.id FROM main.person p WHERE p.restricted = 1 AND NOT ("
	" EXISTS (SELECT 1 FROM main.care_case c WHERE c.person_id = p.id AND c.closed_at IS NULL"
	"  AND c.allocated_to = caredesk_worker_id())"
	" OR (caredesk_has_role('manager') AND EXISTS (SELECT 1 FROM main.care_case c"
	"  WHERE c.person_id = p.id AND c.closed_at IS NULL AND c.team = caredesk_team()))"
	" OR (caredesk_has_role('mash') AND EXISTS (SELECT 1 FROM main.referral f"
	"  WHERE f.person_id = p.id AND f.safeguarding = 1 AND f.status <> 'closed'))"
	" OR EXISTS (SELECT 1 FROM main.audit_event e WHERE e.record_id = p.id"
	"  AND e.action = 'break-glass' AND e.worker = caredesk_login()"
	"  AND e.at > caredesk_glass_since()))";

int access_install(struct replica *r, struct cd_error *err)
{
	static const struct {
		const char *name;
		int args;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{ "caredesk_worker_id", 0, fn_worker_id }, { "caredesk_login", 0, fn_login },
		{ "caredesk_team", 0, fn_team }, { "caredesk_has_role", 1, fn_has_role },
		{ "caredesk_glass_since", 0, fn_glass_since },
	};

	if (!r->break_glass_s)
		r->break_glass_s = BREAK_GLASS_DEFAULT_S;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (sqlite3_create_function(r->db, fns[i].name, fns[i].args, SQLITE_UTF8, r, fns[i].fn,
					    NULL, NULL) != SQLITE_OK)
			return cd_error_set(err, CD_EX_SOFTWARE, NULL, "installing the access rule: %s",
					    sqlite3_errmsg(r->db));
	if (sqlite3_exec(r->db, sql_person_hidden, NULL, NULL, NULL) != SQLITE_OK)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "installing the access rule: %s",
				    sqlite3_errmsg(r->db));
	return 0;
}
