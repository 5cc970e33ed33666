/* Unit tests for the user actions (include/caredesk/actions.h, the files
 * of src/replica that implement them, and the transactions of txn.c).
 *
 * Every action is driven down its success path and through its
 * validation failures, table by table, on a real replica file.  After each
 * success: exactly one new audit event naming the actor, the worker and
 * the action; every outbox row of the action under one transaction id;
 * inserts, updates and their changed columns as [old, new] with the base
 * version.  After each failure: the file exactly as before (every table,
 * the outbox and the audit trail) and no txn_context left behind.  Also:
 * nested actions and savepoints, uncaptured actions, due times, routing,
 * re-referrals, due times re-derived after a holiday list update, person
 * matching and the audit hash chain.  Clock: TL_NOW (Thu 31 Dec 2026
 * 12:00 UTC) unless a test sets another. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/form_choices.h"
#include "caredesk/audit.h"
#include "caredesk/datadir.h"
#include "caredesk/datetime.h"
#include "caredesk/replica.h"
#include "caredesk/workday.h"
#include "testlib.h"

#define R (env.r)
#define UNKNOWN_ID "00000000-0000-7000-8000-000000000000"
#define BAD_UTF8 "caf\xc3\x28"	/* a lead byte followed by no continuation */

static struct tl_env env;
static struct cd_error err;
static struct tl_snap before;

/* The fixture's workers, and an adult with a new referral. */
static char id_admin[UUID_STR_LEN], id_duty[UUID_STR_LEN], id_prac1[UUID_STR_LEN],
	id_prac2[UUID_STR_LEN], id_mgr[UUID_STR_LEN], id_mash[UUID_STR_LEN];
static char person_id[UUID_STR_LEN], referral_id[UUID_STR_LEN];

static void setup(void)
{
	tl_env_open(&env, TL_LOCALITY);
	cd_error_clear(&err);
	tl_text(R->db, id_admin, sizeof(id_admin), "SELECT id FROM worker WHERE login = ?1",
		TL_ADMIN, NULL);
	tl_worker(R, "duty1", "north-duty", "duty", id_duty);
	tl_worker(R, "prac1", "north-adults", "practitioner", id_prac1);
	tl_worker(R, "prac2", "north-adults", "practitioner", id_prac2);
	tl_worker(R, "mgr1", "north-adults", "manager", id_mgr);
	tl_worker(R, "mash1", "mash", "mash", id_mash);
	tl_person_referral(R, person_id, referral_id);
}

static void teardown(void)
{
	tl_env_close(&env);
}

/* Refused with this code and (unless NULL) this field. */
#define ASSERT_REFUSED(rc, code, field) refused_at(__FILE__, __LINE__, rc, code, field)

static void refused_at(const char *file, int line, int rc, int code, const char *field)
{
	if (rc != -1)
		_ck_assert_failed(file, line, "refused", "accepted (%d); expected refusal %d", rc,
				  code);
	if (err.code != code)
		_ck_assert_failed(file, line, "refused", "code %d, expected %d (%s: %s)", err.code,
				  code, err.field, err.msg);
	if (field && strcmp(err.field, field) != 0)
		_ck_assert_failed(file, line, "refused", "field '%s', expected '%s' (%s)", err.field,
				  field, err.msg);
	mark_point();
}

#define ASSERT_OK(rc) ck_assert_msg((rc) == 0, "refused: %d %s: %s", err.code, err.field, err.msg)

/* One column of one row, as text. */
static const char *value_of(const char *sql, const char *id)
{
	static char buf[4][512];
	static int next;
	char *out = buf[next++ % 4];

	tl_text(R->db, out, sizeof(buf[0]), sql, id, NULL);
	return out;
}

static long long version_of(const char *table, const char *id)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT version FROM %s WHERE id = ?1", table);
	return tl_int(R->db, sql, id, NULL);
}

static const char *change_of(const char *tbl, const char *op, const char *id, const char *col)
{
	static char buf[2][512];
	static int next;
	char *out = buf[next++ % 2];

	tl_change(R, &before, tbl, op, id, col, out, sizeof(buf[0]));
	return out;
}

/* Act as `login` for the next call. */
static void as(const char *login)
{
	tl_act_as(R, login);
}

/* Bring a referral to a status, as the admin; the actor is restored. */
static void referral_to(const char *id, const char *status)
{
	char previous[LOGIN_MAX];

	snprintf(previous, sizeof(previous), "%s", R->actor.worker_login);
	as(TL_ADMIN);
	if (strcmp(status, "triaged") == 0 || strcmp(status, "allocated") == 0)
		ASSERT_OK(referral_triage(R, id, "amber", NULL, NULL, &err));
	if (strcmp(status, "allocated") == 0)
		ASSERT_OK(referral_allocate(R, id, "prac1", &err));
	if (strcmp(status, "closed") == 0)
		ASSERT_OK(referral_triage(R, id, "green", "nfa", "no role for us", &err));
	ck_assert_str_eq(value_of("SELECT status FROM referral WHERE id = ?1", id), status);
	as(previous);
}

static void disabled_worker(const char *login)
{
	tl_worker(R, login, "north-adults", "practitioner", NULL);
	as(TL_ADMIN);
	ASSERT_OK(worker_disable(R, login, NULL, NULL, &err));
}

/* --- workers ------------------------------------------------------------ */

START_TEST(test_worker_add)
{
	struct worker_input in = { "nurse.kay", "Kay Adebayo", "north-adults", "practitioner" };
	char id[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(worker_add(R, &in, id, &err));
	tl_assert_one_action(R, &before, "worker.add", "worker", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "worker", "insert", id), 1);
	ck_assert_str_eq(change_of("worker", "insert", id, "login"), "[null,\"nurse.kay\"]");
	ck_assert_str_eq(change_of("worker", "insert", id, "role"), "[null,\"practitioner\"]");
	ck_assert_str_eq(change_of("worker", "insert", id, "active"), "[null,1]");
	/* Bookkeeping is never sent as a change. */
	ck_assert_str_eq(change_of("worker", "insert", id, "version"), "<absent>");
	ck_assert_str_eq(change_of("worker", "insert", id, "updated_at"), "<absent>");
	ck_assert_str_eq(value_of("SELECT name || '|' || team || '|' || role || '|' || active || "
				  "'|' || locality || '|' || version FROM worker WHERE id = ?1", id),
			 "Kay Adebayo|north-adults|practitioner|1|north|1");
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE record_id = ?1", id),
			 "nurse.kay team=north-adults roles=practitioner");
	/* The new worker can act at once. */
	as("nurse.kay");
	ck_assert_str_eq(R->actor.worker_id, id);
}
END_TEST

/* Adding a leaver again re-enables them in place: same id, one update. */
START_TEST(test_worker_add_again)
{
	struct worker_input in = { "prac2", "Pat Two", "north-children", "duty" };
	char id[UUID_STR_LEN];
	long long version;

	ASSERT_OK(worker_disable(R, "prac2", NULL, NULL, &err));
	version = version_of("worker", id_prac2);
	tl_snap(R, &before);
	ASSERT_OK(worker_add(R, &in, id, &err));
	ck_assert_str_eq(id, id_prac2);
	tl_assert_one_action(R, &before, "worker.add", "worker", id_prac2, 2);
	tl_assert_update(R, &before, "worker", id_prac2, version, "active,name,role,team");
	ck_assert_str_eq(change_of("worker", "update", id_prac2, "active"), "[0,1]");
	ck_assert_str_eq(change_of("worker", "update", id_prac2, "team"),
			 "[\"north-adults\",\"north-children\"]");
	ck_assert_int_eq(version_of("worker", id_prac2), version + 1);
}
END_TEST

#define LONG_LOGIN "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"	/* 65 */

static const struct {
	const char *actor;
	struct worker_input in;
	int code;
	const char *field;
} worker_add_bad[] = {
	{ "duty1", { "new.one", "New One", "north-duty", "duty" }, CD_EX_NOPERM, "" },
	{ "mgr1", { "new.one", "New One", "north-duty", "duty" }, CD_EX_NOPERM, "" },
	{ "prac1", { "new.one", "New One", "north-duty", "duty" }, CD_EX_NOPERM, "" },
	{ TL_ADMIN, { "new one", "New One", "north-duty", "duty" }, CD_EX_DATAERR, "login" },
	{ TL_ADMIN, { "-new", "New One", "north-duty", "duty" }, CD_EX_DATAERR, "login" },
	{ TL_ADMIN, { "new/one", "New One", "north-duty", "duty" }, CD_EX_DATAERR, "login" },
	{ TL_ADMIN, { "", "New One", "north-duty", "duty" }, CD_EX_DATAERR, "login" },
	{ TL_ADMIN, { NULL, "New One", "north-duty", "duty" }, CD_EX_DATAERR, "login" },
	{ TL_ADMIN, { LONG_LOGIN, "New One", "north-duty", "duty" }, CD_EX_DATAERR, "login" },
	{ TL_ADMIN, { "new.one", "", "north-duty", "duty" }, CD_EX_DATAERR, "name" },
	{ TL_ADMIN, { "new.one", NULL, "north-duty", "duty" }, CD_EX_DATAERR, "name" },
	{ TL_ADMIN, { "new.one", BAD_UTF8, "north-duty", "duty" }, CD_EX_DATAERR, "name" },
	{ TL_ADMIN, { "new.one", "New One", "nowhere", "duty" }, CD_EX_DATAERR, "team" },
	{ TL_ADMIN, { "new.one", "New One", NULL, "duty" }, CD_EX_DATAERR, "team" },
	{ TL_ADMIN, { "new.one", "New One", "north-duty", "boss" }, CD_EX_DATAERR, "role" },
	{ TL_ADMIN, { "new.one", "New One", "north-duty", "," }, CD_EX_DATAERR, "role" },
	{ TL_ADMIN, { "new.one", "New One", "north-duty", "duty,boss" }, CD_EX_DATAERR, "role" },
	/* A team manager staffs their own team, with practice roles only. */
	{ "mgr1", { "new.one", "New One", "north-adults", "manager" }, CD_EX_NOPERM, "role" },
	{ "mgr1", { "new.one", "New One", "north-adults", "practitioner,admin" }, CD_EX_NOPERM,
	  "role" },
	{ TL_ADMIN, { "new.one", "New One", "north-duty", NULL }, CD_EX_DATAERR, "role" },
};

START_TEST(test_worker_add_refused)
{
	char id[UUID_STR_LEN];

	as(worker_add_bad[_i].actor);
	tl_snap(R, &before);
	ASSERT_REFUSED(worker_add(R, &worker_add_bad[_i].in, id, &err), worker_add_bad[_i].code,
		       worker_add_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

/* A login of 64 characters is the longest allowed. */
START_TEST(test_worker_add_longest_login)
{
	struct worker_input in = { LONG_LOGIN, "Long Login", "north-duty", "duty" };
	char login[LOGIN_MAX];

	snprintf(login, sizeof(login), "%.64s", LONG_LOGIN);
	in.login = login;
	tl_snap(R, &before);
	ASSERT_OK(worker_add(R, &in, NULL, &err));
	tl_assert_one_action(R, &before, "worker.add", "worker", NULL, 2);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM worker WHERE login = ?1", login, NULL),
			 1);
}
END_TEST

START_TEST(test_worker_disable_reassign)
{
	char case2[UUID_STR_LEN], closed_case[UUID_STR_LEN];
	long long v_worker, v_case1, v_case2, v_referral;
	const char *case1;
	struct reassignment to = { "prac2", NULL };
	struct reassigned moved = { -1, -1, -1 };

	/* prac1 holds: the referral's case (allocated), another open case and
	 * a closed one. */
	referral_to(referral_id, "allocated");
	case1 = value_of("SELECT case_id FROM referral WHERE id = ?1", referral_id);
	ASSERT_OK(case_open(R, person_id, "north-adults", case2, &err));
	ASSERT_OK(case_allocate(R, case2, "prac1", "", &err));
	ASSERT_OK(case_open(R, person_id, "mash", closed_case, &err));
	ASSERT_OK(case_allocate(R, closed_case, "prac1", "", &err));
	as("prac1");
	ASSERT_OK(case_close(R, closed_case, "needs-met", &err));
	as(TL_ADMIN);
	v_worker = version_of("worker", id_prac1);
	v_case1 = version_of("care_case", case1);
	v_case2 = version_of("care_case", case2);
	v_referral = version_of("referral", referral_id);

	tl_snap(R, &before);
	ASSERT_OK(worker_disable(R, "prac1", &to, &moved, &err));
	ck_assert_int_eq(moved.cases, 2);
	ck_assert_int_eq(moved.referrals, 1);
	ck_assert_int_eq(moved.across_services, 0);
	/* worker, two cases and their allocation history rows, the referral
	 * and the audit event */
	tl_assert_one_action(R, &before, "worker.disable", "worker", id_prac1, 7);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM allocation WHERE worker_id = ?1 "
				"AND reason = 'reassigned: prac1 left'", id_prac2, NULL), 2);
	tl_assert_update(R, &before, "worker", id_prac1, v_worker, "active");
	ck_assert_str_eq(change_of("worker", "update", id_prac1, "active"), "[1,0]");
	tl_assert_update(R, &before, "care_case", case1, v_case1, "allocated_to");
	tl_assert_update(R, &before, "care_case", case2, v_case2, "allocated_to");
	tl_assert_update(R, &before, "referral", referral_id, v_referral, "allocated_to");
	ck_assert_int_eq(tl_outbox_count(R, &before, "care_case", "update", closed_case), 0);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM care_case WHERE allocated_to = ?1 "
				"AND closed_at IS NULL", id_prac2, NULL), 2);
	ck_assert_str_eq(value_of("SELECT allocated_to FROM care_case WHERE id = ?1", closed_case),
			 id_prac1);
	ck_assert_str_eq(value_of("SELECT allocated_to FROM referral WHERE id = ?1", referral_id),
			 id_prac2);
	ck_assert_str_eq(value_of("SELECT status FROM referral WHERE id = ?1", referral_id),
			 "allocated");
	ck_assert_int_eq(tl_int(R->db, "SELECT active FROM worker WHERE id = ?1", id_prac1, NULL), 0);
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE action = 'worker.disable' "
				  "AND record_id = ?1", id_prac1), "prac1 reassign-to=prac2");
}
END_TEST

/* Defect 2 of issue 14: a leaver's closed work keeps its worker.  Closing
 * a case closes its referral; neither moves when the worker leaves. */
START_TEST(test_worker_disable_keeps_closed_work)
{
	struct reassignment to = { "prac2", NULL };
	struct reassigned moved;
	const char *case_id;

	referral_to(referral_id, "allocated");
	case_id = value_of("SELECT case_id FROM referral WHERE id = ?1", referral_id);
	as("prac1");
	ASSERT_OK(case_close(R, case_id, "needs-met", &err));
	ck_assert_str_eq(value_of("SELECT status FROM referral WHERE id = ?1", referral_id),
			 "closed");
	as(TL_ADMIN);
	ASSERT_OK(worker_disable(R, "prac1", &to, &moved, &err));
	ck_assert_int_eq(moved.cases, 0);
	ck_assert_int_eq(moved.referrals, 0);
	ck_assert_str_eq(value_of("SELECT allocated_to FROM referral WHERE id = ?1", referral_id),
			 id_prac1);
	ck_assert_str_eq(value_of("SELECT allocated_to FROM care_case WHERE id = ?1", case_id),
			 id_prac1);
}
END_TEST

/* Defect 3 of issue 14: an adults' case does not go to a children's
 * worker unless someone says why, and the reason is kept. */
START_TEST(test_worker_disable_across_services)
{
	struct reassignment to = { "kids1", NULL };
	struct reassigned moved;
	const char *case_id;

	tl_worker(R, "kids1", "north-children", "practitioner", NULL);
	referral_to(referral_id, "allocated");
	case_id = value_of("SELECT case_id FROM referral WHERE id = ?1", referral_id);
	tl_snap(R, &before);
	ASSERT_REFUSED(worker_disable(R, "prac1", &to, &moved, &err), CD_EX_DATAERR, "reassign-to");
	ck_assert_msg(strstr(err.msg, "--override-reason") != NULL, "%s", err.msg);
	tl_assert_unchanged(R, &before);
	to.override_reason = "adults team has no capacity; agreed with both managers";
	ASSERT_OK(worker_disable(R, "prac1", &to, &moved, &err));
	ck_assert_int_eq(moved.cases, 1);
	ck_assert_int_eq(moved.across_services, 1);
	ck_assert_str_eq(value_of("SELECT reason FROM allocation WHERE case_id = ?1 "
				  "ORDER BY allocated_at DESC, rowid DESC LIMIT 1", case_id),
			 "reassigned: prac1 left; across services: adults team has no capacity; "
			 "agreed with both managers");
	ck_assert_msg(strstr(value_of("SELECT detail FROM audit_event WHERE action = "
				      "'worker.disable'", NULL), "override: adults team") != NULL,
		      "the override is audited");
}
END_TEST

/* Defect 1 of issue 14: the last active administrator stays. */
START_TEST(test_last_admin_kept)
{
	tl_snap(R, &before);
	ASSERT_REFUSED(worker_disable(R, TL_ADMIN, NULL, NULL, &err), CD_EX_DATAERR, "login");
	ck_assert_msg(strstr(err.msg, "last active administrator") != NULL, "%s", err.msg);
	ASSERT_REFUSED(worker_set(R, TL_ADMIN, "duty", NULL, &err), CD_EX_DATAERR, "login");
	tl_assert_unchanged(R, &before);
	/* With a second administrator, either may go. */
	tl_worker(R, "it.two", "north-duty", "admin", NULL);
	ASSERT_OK(worker_set(R, TL_ADMIN, "duty,manager", NULL, &err));
	as("it.two");
	ASSERT_REFUSED(worker_disable(R, "it.two", NULL, NULL, &err), CD_EX_DATAERR, "login");
}
END_TEST

START_TEST(test_worker_disable_alone)
{
	struct reassigned moved = { -1, -1, -1 };
	long long version;

	referral_to(referral_id, "allocated");
	version = version_of("worker", id_prac1);
	tl_snap(R, &before);
	ASSERT_OK(worker_disable(R, "prac1", NULL, &moved, &err));
	ck_assert_int_eq(moved.cases, 0);
	tl_assert_one_action(R, &before, "worker.disable", "worker", id_prac1, 2);
	tl_assert_update(R, &before, "worker", id_prac1, version, "active");
	/* Left for a manager: nothing else moves. */
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM care_case WHERE allocated_to = ?1",
				id_prac1, NULL), 1);
	tl_snap(R, &before);
	ASSERT_REFUSED(replica_set_actor(R, "prac1", NULL, &err), CD_EX_NOPERM, NULL);
	tl_assert_unchanged(R, &before);
}
END_TEST

static const struct {
	const char *actor, *login, *reassign_to;
	int code;
	const char *field;
} worker_disable_bad[] = {
	{ "duty1", "prac1", NULL, CD_EX_NOPERM, "" },
	{ "mgr1", "duty1", "prac2", CD_EX_NOPERM, "" },
	{ "prac2", "prac1", NULL, CD_EX_NOPERM, "" },
	{ TL_ADMIN, "nobody", NULL, CD_EX_NOINPUT, "login" },
	{ TL_ADMIN, "prac1", "nobody", CD_EX_DATAERR, "reassign-to" },
	{ TL_ADMIN, "prac1", "gone1", CD_EX_DATAERR, "reassign-to" },
	{ TL_ADMIN, "prac1", "prac1", CD_EX_DATAERR, "reassign-to" },
};

START_TEST(test_worker_disable_refused)
{
	struct reassignment to = { worker_disable_bad[_i].reassign_to, NULL };
	struct reassigned moved;

	disabled_worker("gone1");
	referral_to(referral_id, "allocated");
	as(worker_disable_bad[_i].actor);
	tl_snap(R, &before);
	ASSERT_REFUSED(worker_disable(R, worker_disable_bad[_i].login, to.login ? &to : NULL,
				      &moved, &err),
		       worker_disable_bad[_i].code, worker_disable_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

START_TEST(test_worker_ensure_admin)
{
	/* The fixture's replica: the first event is the bootstrap. */
	ck_assert_str_eq(value_of("SELECT action || '|' || actor || '|' || worker FROM audit_event "
				  "WHERE seq = ?1", "1"), "worker.bootstrap|admin|admin");
	ck_assert_str_eq(value_of("SELECT record_id FROM audit_event WHERE seq = ?1", "1"), id_admin);
	ck_assert_str_eq(value_of("SELECT role || '|' || team || '|' || active FROM worker "
				  "WHERE id = ?1", id_admin), TL_ADMIN_ROLES "|north-duty|1");

	/* Already registered (as anything): nothing happens, no promotion. */
	tl_snap(R, &before);
	ASSERT_OK(worker_ensure_admin(R, TL_ADMIN, "south-duty", NULL, &err));
	ASSERT_OK(worker_ensure_admin(R, "prac1", "north-duty", NULL, &err));
	tl_assert_unchanged(R, &before);
	ck_assert_str_eq(value_of("SELECT role FROM worker WHERE login = ?1", "prac1"),
			 "practitioner");

	ASSERT_REFUSED(worker_ensure_admin(R, "it.person", "nowhere", NULL, &err), CD_EX_DATAERR, "team");
	ASSERT_REFUSED(worker_ensure_admin(R, "it person", "north-duty", NULL, &err), CD_EX_DATAERR,
		       "login");
	tl_assert_unchanged(R, &before);

	ASSERT_OK(worker_ensure_admin(R, "it.person", "south-duty", NULL, &err));
	tl_assert_one_action(R, &before, "worker.bootstrap", "worker", NULL, 2);
	ck_assert_str_eq(value_of("SELECT role || '|' || team || '|' || locality FROM worker "
				  "WHERE login = ?1", "it.person"), "admin|south-duty|south");
}
END_TEST

/* --- acting as another worker ------------------------------------------- */

START_TEST(test_acting_as)
{
	char id[UUID_STR_LEN];

	ASSERT_OK(replica_set_actor(R, TL_ADMIN, "duty1", &err));
	tl_snap(R, &before);
	tl_person(R, "Begum", "Rina", "1991-09-09", id);
	tl_assert_one_action(R, &before, "person.create", "person", id, 2);
	/* Both are recorded: who ran it and whom they acted as. */
	ck_assert_str_eq(value_of("SELECT actor || ' as ' || worker FROM audit_event "
				  "WHERE record_id = ?1", id), "admin as duty1");
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM outbox WHERE row_id = ?1 AND "
				"worker = 'duty1'", id, NULL), 1);
}
END_TEST

/* --- people ------------------------------------------------------------- */

START_TEST(test_person_create)
{
	struct person_input in = { .nhs_number = "943 476 5919", .family_name = "O'Neill",
		.given_name = "Siân", .date_of_birth = "1950-01-02", .address = "1 Mill Lane",
		.postcode = "AB1 2CD", .restricted = true };
	char id[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(person_create(R, &in, id, &err));
	tl_assert_one_action(R, &before, "person.create", "person", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "person", "insert", id), 1);
	ck_assert_str_eq(change_of("person", "insert", id, "nhs_number"), "[null,\"9434765919\"]");
	ck_assert_str_eq(change_of("person", "insert", id, "given_name"), "[null,\"Siân\"]");
	ck_assert_str_eq(change_of("person", "insert", id, "restricted"), "[null,1]");
	ck_assert_str_eq(change_of("person", "insert", id, "id"),
			 value_of("SELECT json_array(NULL, ?1)", id));
	ck_assert_str_eq(value_of("SELECT nhs_number || '|' || family_name || '|' || given_name || "
				  "'|' || date_of_birth || '|' || address || '|' || postcode || "
				  "'|' || restricted || '|' || locality || '|' || version || '|' || "
				  "created_at FROM person WHERE id = ?1", id),
			 "9434765919|O'Neill|Siân|1950-01-02|1 Mill Lane|AB1 2CD|1|north|1|"
			 TL_NOW);
}
END_TEST

START_TEST(test_person_create_minimal)
{
	struct person_input in = { .nhs_number = "", .family_name = "Lee", .given_name = "Jo",
		.date_of_birth = "2026-12-31", .locality = "south" };
	char id[UUID_STR_LEN];

	/* Born today is not the future; no NHS number yet is allowed.  (The
	 * MASH records referrals from every locality.) */
	as("mash1");
	tl_snap(R, &before);
	ASSERT_OK(person_create(R, &in, id, &err));
	tl_assert_one_action(R, &before, "person.create", "person", id, 2);
	ck_assert_str_eq(value_of("SELECT coalesce(nhs_number, 'NULL') || '|' || address || '|' || "
				  "postcode || '|' || restricted || '|' || locality FROM person "
				  "WHERE id = ?1", id), "NULL|||0|south");
	ck_assert_str_eq(change_of("person", "insert", id, "nhs_number"), "[null,null]");
}
END_TEST

/* "Today" is the local date, as everywhere else: just after midnight in
 * summer (23:30 UTC) a baby born that day is not born in the future. */
START_TEST(test_person_born_today_local)
{
	struct person_input in = { .family_name = "Newborn", .given_name = "Baby",
		.date_of_birth = "2026-07-02" };
	char id[UUID_STR_LEN];

	tl_set_now(R, "2026-07-01T23:30:00Z");
	tl_snap(R, &before);
	ASSERT_OK(person_create(R, &in, id, &err));
	tl_assert_one_action(R, &before, "person.create", "person", id, 2);
	/* The next local day is still the future. */
	in.date_of_birth = "2026-07-03";
	tl_snap(R, &before);
	ASSERT_REFUSED(person_create(R, &in, id, &err), CD_EX_DATAERR, "date_of_birth");
	tl_assert_unchanged(R, &before);
}
END_TEST

static const struct {
	const char *nhs, *family, *given, *dob, *postcode, *locality;
	int code;
	const char *field;
} person_bad[] = {
	{ "9434765918", "Smith", "Ann", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "nhs_number" },
	{ "12345", "Smith", "Ann", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "nhs_number" },
	{ "943476591X", "Smith", "Ann", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "nhs_number" },
	{ "1000000010", "Smith", "Ann", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "nhs_number" },
	{ NULL, "", "Ann", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "family_name" },
	{ NULL, NULL, "Ann", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "family_name" },
	{ NULL, "Smith", "", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "given_name" },
	{ NULL, "Smith", BAD_UTF8, "1980-01-01", NULL, NULL, CD_EX_DATAERR, "given_name" },
	{ NULL, "Smith", "Ann", "2020-02-30", NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", "1980-1-1", NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", "01/01/1980", NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", "", NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", NULL, NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", "2027-01-01", NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", "2099-06-30", NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", "1899-12-31", NULL, NULL, CD_EX_DATAERR, "date_of_birth" },
	{ NULL, "Smith", "Ann", "1980-01-01", "ABCDEFGHIJKLMNOPQ", NULL, CD_EX_DATAERR, "postcode" },
	{ NULL, "Smith", "Ann", "1980-01-01", BAD_UTF8, NULL, CD_EX_DATAERR, "postcode" },
	/* These two fail inside the transaction, at the database. */
	{ NULL, "Smith", "Ann", "1980-01-01", NULL, "atlantis", CD_EX_DATAERR, "locality" },
	{ "999 000 0018", "Smith", "Ann", "1980-01-01", NULL, NULL, CD_EX_DATAERR, "nhs_number" },
};

START_TEST(test_person_create_refused)
{
	struct person_input in = { .nhs_number = person_bad[_i].nhs,
		.family_name = person_bad[_i].family, .given_name = person_bad[_i].given,
		.date_of_birth = person_bad[_i].dob, .postcode = person_bad[_i].postcode,
		.locality = person_bad[_i].locality };
	struct person_input holder = { .nhs_number = "9990000018", .family_name = "Holder",
		.given_name = "Number", .date_of_birth = "1970-01-01" };
	char id[UUID_STR_LEN] = "";

	as("mash1");
	ASSERT_OK(person_create(R, &holder, NULL, &err));
	tl_snap(R, &before);
	ASSERT_REFUSED(person_create(R, &in, id, &err), person_bad[_i].code, person_bad[_i].field);
	tl_assert_unchanged(R, &before);
	ck_assert_str_eq(id, "");
}
END_TEST

static const struct {
	const char *nhs, *family, *given, *dob, *postcode;
	enum person_match expect;
} match_cases[] = {
	{ "9434765919", "Jones", "Mary", "1999-09-09", NULL, PERSON_MATCH_EXACT },
	{ "943-476-5919", NULL, NULL, NULL, NULL, PERSON_MATCH_EXACT },
	{ NULL, "Smyth", "John", "2010-03-05", "AB1 2CD", PERSON_MATCH_PROBABLE },
	{ NULL, "Smith", "Jon", "2010-03-05", NULL, PERSON_MATCH_PROBABLE },
	{ NULL, "SMITH", "john", "2010-03-05", "ab12cd", PERSON_MATCH_PROBABLE },
	{ NULL, "Smith", "John", "2010-05-03", "AB1 2CD", PERSON_MATCH_PROBABLE },
	{ "", "Smythe", "Johnny", "2010-05-03", "", PERSON_MATCH_PROBABLE },
	/* A valid NHS number nobody has still leaves the probable check. */
	{ "9990000018", "Smith", "John", "2010-03-05", NULL, PERSON_MATCH_PROBABLE },
	{ NULL, "Smith", "John", "2010-03-06", "AB1 2CD", PERSON_MATCH_NONE },
	{ NULL, "Smith", "John", "2011-03-05", "AB1 2CD", PERSON_MATCH_NONE },
	{ NULL, "Smith", "John", "2010-03-15", "AB1 2CD", PERSON_MATCH_NONE },
	{ NULL, "Smith", "John", "2010-03-05", "ZZ9 9ZZ", PERSON_MATCH_NONE },
	{ NULL, "Brown", "John", "2010-03-05", "AB1 2CD", PERSON_MATCH_NONE },
	{ NULL, "Smith", "Mary", "2010-03-05", "AB1 2CD", PERSON_MATCH_NONE },
	{ "9434765918", "Jones", "Mary", "1999-09-09", NULL, PERSON_MATCH_NONE },
	{ NULL, "Smith", "John", "not a date", NULL, PERSON_MATCH_NONE },
};

START_TEST(test_person_find_match)
{
	struct person_input seed = { .nhs_number = "9434765919", .family_name = "Smith",
		.given_name = "John", .date_of_birth = "2010-03-05", .postcode = "AB1 2CD" };
	struct person_input in = { .nhs_number = match_cases[_i].nhs,
		.family_name = match_cases[_i].family, .given_name = match_cases[_i].given,
		.date_of_birth = match_cases[_i].dob, .postcode = match_cases[_i].postcode };
	char seeded[UUID_STR_LEN], found[UUID_STR_LEN] = "";
	enum person_match m;

	ASSERT_OK(person_create(R, &seed, seeded, &err));
	tl_snap(R, &before);
	m = person_find_match(R, &in, found);
	ck_assert_int_eq(m, match_cases[_i].expect);
	if (m != PERSON_MATCH_NONE)
		ck_assert_str_eq(found, seeded);
	/* Looking writes nothing. */
	tl_assert_unchanged(R, &before);
}
END_TEST

/* A search typed before the names are: no names, no probable match (and
 * no crash), even when someone shares the date of birth. */
static const struct {
	const char *family, *given;
} match_missing_cases[] = {
	{ NULL, "John" }, { "Smith", NULL }, { NULL, NULL }, { "", "" },
};

START_TEST(test_person_find_match_missing_names)
{
	struct person_input seed = { .family_name = "Smith", .given_name = "John",
		.date_of_birth = "2010-03-05", .postcode = "AB1 2CD" };
	struct person_input in = { .family_name = match_missing_cases[_i].family,
		.given_name = match_missing_cases[_i].given, .date_of_birth = "2010-03-05" };
	char found[UUID_STR_LEN] = "";

	ASSERT_OK(person_create(R, &seed, NULL, &err));
	ck_assert_int_eq(person_find_match(R, &in, found), PERSON_MATCH_NONE);
}
END_TEST

START_TEST(test_person_flag)
{
	char flag[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(person_flag(R, person_id, "adult-at-risk", "lives alone", &err));
	tl_text(R->db, flag, sizeof(flag), "SELECT id FROM flag WHERE person_id = ?1", person_id,
		NULL);
	tl_assert_one_action(R, &before, "person.flag", "flag", flag, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "flag", "insert", flag), 1);
	ck_assert_str_eq(value_of("SELECT type || '|' || start_date || '|' || coalesce(end_date, "
				  "'open') || '|' || detail || '|' || locality FROM flag "
				  "WHERE id = ?1", flag),
			 "adult-at-risk|2026-12-31|open|lives alone|north");
}
END_TEST

/* The flag starts on the local date: 23:30 UTC in summer is tomorrow. */
START_TEST(test_person_flag_local_date)
{
	tl_set_now(R, "2026-07-01T23:30:00Z");
	ASSERT_OK(person_flag(R, person_id, "risk-to-staff", NULL, &err));
	ck_assert_str_eq(value_of("SELECT start_date FROM flag WHERE person_id = ?1", person_id),
			 "2026-07-02");
}
END_TEST

static const struct {
	const char *person, *type;
	int code;
	const char *field;
} flag_bad[] = {
	{ NULL, "vip", CD_EX_DATAERR, "type" },
	{ NULL, "Adult At Risk", CD_EX_DATAERR, "type" },
	{ UNKNOWN_ID, "adult-at-risk", CD_EX_NOINPUT, "person" },
};

START_TEST(test_person_flag_refused)
{
	tl_snap(R, &before);
	ASSERT_REFUSED(person_flag(R, flag_bad[_i].person ? flag_bad[_i].person : person_id,
				   flag_bad[_i].type, "", &err), flag_bad[_i].code, flag_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

/* --- relationships ------------------------------------------------------ */

START_TEST(test_relationship_link)
{
	char child[UUID_STR_LEN], id[UUID_STR_LEN];

	tl_person(R, "Okafor", "Ada", "2016-02-02", child);
	tl_snap(R, &before);
	ASSERT_OK(relationship_link(R, person_id, child, "parent", id, &err));
	tl_assert_one_action(R, &before, "relationship.link", "relationship", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "relationship", "insert", id), 1);
	ck_assert_str_eq(value_of("SELECT kind || '|' || locality FROM relationship WHERE id = ?1",
				  id), "parent|north");
	ck_assert_str_eq(value_of("SELECT person_id FROM relationship WHERE id = ?1", id), person_id);
	ck_assert_str_eq(value_of("SELECT related_id FROM relationship WHERE id = ?1", id), child);
}
END_TEST

static const struct {
	int related;	/* 0: the other person, 1: the person themself, 2: unknown */
	int unknown_first;
	const char *kind;
	int code;
	const char *field;
} link_bad[] = {
	{ 0, 0, "cousin", CD_EX_DATAERR, "kind" },
	{ 0, 0, NULL, CD_EX_DATAERR, "kind" },
	{ 1, 0, "sibling", CD_EX_DATAERR, "related" },
	{ 2, 0, "sibling", CD_EX_NOINPUT, "person" },
	{ 0, 1, "sibling", CD_EX_NOINPUT, "person" },
	{ 0, 0, "carer", CD_EX_DATAERR, NULL },		/* already linked so */
};

START_TEST(test_relationship_refused)
{
	char other[UUID_STR_LEN];
	const char *a = link_bad[_i].unknown_first ? UNKNOWN_ID : person_id;
	const char *b = link_bad[_i].related == 0 ? other :
			link_bad[_i].related == 1 ? person_id : UNKNOWN_ID;

	tl_person(R, "Okafor", "Ben", "1979-03-03", other);
	ASSERT_OK(relationship_link(R, person_id, other, "carer", NULL, &err));
	tl_snap(R, &before);
	ASSERT_REFUSED(relationship_link(R, a, b, link_bad[_i].kind, NULL, &err), link_bad[_i].code,
		       link_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

/* --- referrals: receipt ------------------------------------------------- */

START_TEST(test_referral_receive)
{
	struct referral_input in = { .person_id = person_id, .received_at = "2026-12-30T10:00:00Z",
		.source = "school", .category = "social-care", .reason = "Missed visits" };
	char id[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(referral_receive(R, &in, id, &err));
	tl_assert_one_action(R, &before, "referral.receive", "referral", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "referral", "insert", id), 1);
	ck_assert_str_eq(change_of("referral", "insert", id, "status"), "[null,\"new\"]");
	ck_assert_str_eq(change_of("referral", "insert", id, "priority"), "[null,null]");
	/* Five working days for an adult; New Year's Day is not one. */
	ck_assert_str_eq(value_of("SELECT received_at || '|' || decision_due_at || '|' || status || "
				  "'|' || coalesce(priority, '-') || '|' || source || '|' || "
				  "category || '|' || safeguarding || '|' || team || '|' || "
				  "locality || '|' || reason || '|' || version FROM referral "
				  "WHERE id = ?1", id),
			 "2026-12-30T10:00:00Z|2027-01-07T10:00:00Z|new|-|school|social-care|0|"
			 "north-duty|north|Missed visits|1");
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE record_id = ?1", id),
			 "north-duty");
}
END_TEST

static const struct {
	const char *source, *source_code, *category, *category_code;
} spelling_cases[] = {
	{ "Care Coordination", "care-coordination", "Mental Health", "mental-health" },
	{ "care_coordination", "care-coordination", "hospital_discharge", "hospital-discharge" },
	{ "CARE-COORDINATION", "care-coordination", "SOCIAL CARE", "social-care" },
	{ "  GP ", "gp", "Carer", "carer" },
	{ "Health  Visitor", "health-visitor", "social-care", "social-care" },
	{ "self", "self", "health", "health" },
	/* A code's label, as data/codes.tsv and the desk write it (issue 14, defect 9). */
	{ "Care Co-ordination Centre", "care-coordination", "Carer's needs", "carer" },
	{ "ambulance_SERVICE", "ambulance", "Hospital discharge", "hospital-discharge" },
};

START_TEST(test_referral_code_spelling)
{
	struct referral_input in = { .person_id = person_id, .received_at = "2026-12-30T10:00:00Z",
		.source = spelling_cases[_i].source, .category = spelling_cases[_i].category };
	char id[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(referral_receive(R, &in, id, &err));
	tl_assert_one_action(R, &before, "referral.receive", "referral", id, 2);
	ck_assert_str_eq(value_of("SELECT source FROM referral WHERE id = ?1", id),
			 spelling_cases[_i].source_code);
	ck_assert_str_eq(value_of("SELECT category FROM referral WHERE id = ?1", id),
			 spelling_cases[_i].category_code);
}
END_TEST

static const struct {
	const char *dob, *received_at, *category;
	bool safeguarding;
	const char *team;	/* asked for, or NULL */
	const char *expect_received, *expect_due, *expect_team, *expect_locality;
} due_cases[] = {
	/* A child: one working day, over Christmas and the Boxing Day substitute. */
	{ "2015-05-05", "2026-12-24T16:00:00Z", "social-care", false, NULL,
	  "2026-12-24T16:00:00Z", "2026-12-29T16:00:00Z", "north-duty", "north" },
	/* An adult, not safeguarding: five working days. */
	{ "1980-04-01", "2026-11-23T09:00:00Z", "health", false, NULL,
	  "2026-11-23T09:00:00Z", "2026-11-30T09:00:00Z", "north-duty", "north" },
	/* Safeguarding, by flag or by category, goes to the MASH: one day. */
	{ "1980-04-01", "2026-11-23T09:00:00Z", "health", true, NULL,
	  "2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z", "mash", "north" },
	{ "1980-04-01", "2026-11-23T09:00:00Z", "safeguarding", false, NULL,
	  "2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z", "mash", "north" },
	{ "2015-05-05", "2026-11-23T09:00:00Z", "safeguarding", true, NULL,
	  "2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z", "mash", "north" },
	/* Summer time: the same local wall-clock time, 09:30 BST. */
	{ "1980-04-01", "2026-07-01T08:30:00Z", "health", false, NULL,
	  "2026-07-01T08:30:00Z", "2026-07-08T08:30:00Z", "north-duty", "north" },
	{ "1980-04-01", "2026-07-01T09:30:00+01:00", "health", false, NULL,
	  "2026-07-01T08:30:00Z", "2026-07-08T08:30:00Z", "north-duty", "north" },
	/* Received on a Saturday: counted from 09:00 on Monday. */
	{ "1980-04-01", "2026-11-28T10:00:00Z", "health", false, NULL,
	  "2026-11-28T10:00:00Z", "2026-12-07T09:00:00Z", "north-duty", "north" },
	/* Eighteen on the day received is an adult; the day before, a child. */
	{ "2008-11-23", "2026-11-23T09:00:00Z", "health", false, NULL,
	  "2026-11-23T09:00:00Z", "2026-11-30T09:00:00Z", "north-duty", "north" },
	{ "2008-11-24", "2026-11-23T09:00:00Z", "health", false, NULL,
	  "2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z", "north-duty", "north" },
	/* Age on the local date: 23:30 UTC on 1 July is 2 July in London. */
	{ "2008-07-02", "2026-07-01T23:30:00Z", "health", false, NULL,
	  "2026-07-01T23:30:00Z", "2026-07-08T23:30:00Z", "north-duty", "north" },
	/* A team asked for by name wins; the locality stays the person's. */
	{ "1980-04-01", "2026-11-23T09:00:00Z", "health", false, "south-adults",
	  "2026-11-23T09:00:00Z", "2026-11-30T09:00:00Z", "south-adults", "north" },
	{ "1980-04-01", "2026-11-23T09:00:00Z", "health", true, "north-duty",
	  "2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z", "north-duty", "north" },
};

START_TEST(test_referral_due_and_route)
{
	struct referral_input in = { .received_at = due_cases[_i].received_at, .source = "police",
		.category = due_cases[_i].category, .safeguarding = due_cases[_i].safeguarding,
		.team = due_cases[_i].team };
	char person[UUID_STR_LEN], id[UUID_STR_LEN], expect[256];

	tl_person(R, "Case", "Test", due_cases[_i].dob, person);
	in.person_id = person;
	tl_snap(R, &before);
	ASSERT_OK(referral_receive(R, &in, id, &err));
	tl_assert_one_action(R, &before, "referral.receive", "referral", id, 2);
	snprintf(expect, sizeof(expect), "%s|%s|%s|%s", due_cases[_i].expect_received,
		 due_cases[_i].expect_due, due_cases[_i].expect_team, due_cases[_i].expect_locality);
	ck_assert_str_eq(value_of("SELECT received_at || '|' || decision_due_at || '|' || team || "
				  "'|' || locality FROM referral WHERE id = ?1", id), expect);
}
END_TEST

/* Up to an hour ahead of the clock is tolerated (clocks differ a little). */
START_TEST(test_referral_received_an_hour_ahead)
{
	struct referral_input in = { .person_id = person_id, .received_at = "2026-12-31T13:00:00Z",
		.source = "gp", .category = "health" };
	char id[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(referral_receive(R, &in, id, &err));
	tl_assert_one_action(R, &before, "referral.receive", "referral", id, 2);
}
END_TEST

static const struct {
	bool unknown_person;
	const char *received_at, *source, *category, *team, *reason;
	int code;
	const char *field;
} receive_bad[] = {
	{ false, "2026-11-23T09:00:00", "gp", "health", NULL, NULL, CD_EX_DATAERR, "received_at" },
	{ false, "2026-11-23", "gp", "health", NULL, NULL, CD_EX_DATAERR, "received_at" },
	{ false, "yesterday", "gp", "health", NULL, NULL, CD_EX_DATAERR, "received_at" },
	{ false, "", "gp", "health", NULL, NULL, CD_EX_DATAERR, "received_at" },
	{ false, NULL, "gp", "health", NULL, NULL, CD_EX_DATAERR, "received_at" },
	{ false, "2026-12-31T13:00:01Z", "gp", "health", NULL, NULL, CD_EX_DATAERR, "received_at" },
	{ false, "2026-12-31T14:30:00+01:00", "gp", "health", NULL, NULL, CD_EX_DATAERR,
	  "received_at" },
	{ false, "2027-12-31T09:00:00Z", "gp", "health", NULL, NULL, CD_EX_DATAERR, "received_at" },
	{ false, "2026-11-23T09:00:00Z", "fax", "health", NULL, NULL, CD_EX_DATAERR, "source" },
	{ false, "2026-11-23T09:00:00Z", "", "health", NULL, NULL, CD_EX_DATAERR, "source" },
	{ false, "2026-11-23T09:00:00Z", NULL, "health", NULL, NULL, CD_EX_DATAERR, "source" },
	{ false, "2026-11-23T09:00:00Z", "gp", "housing-need", NULL, NULL, CD_EX_DATAERR,
	  "category" },
	{ false, "2026-11-23T09:00:00Z", "gp", NULL, NULL, NULL, CD_EX_DATAERR, "category" },
	{ false, "2026-11-23T09:00:00Z", "gp", "health", "nowhere", NULL, CD_EX_DATAERR, "team" },
	{ false, "2026-11-23T09:00:00Z", "gp", "health", NULL, BAD_UTF8, CD_EX_DATAERR, "reason" },
	{ true, "2026-11-23T09:00:00Z", "gp", "health", NULL, NULL, CD_EX_NOINPUT, "person" },
};

START_TEST(test_referral_receive_refused)
{
	struct referral_input in = {
		.person_id = receive_bad[_i].unknown_person ? UNKNOWN_ID : person_id,
		.received_at = receive_bad[_i].received_at, .source = receive_bad[_i].source,
		.category = receive_bad[_i].category, .team = receive_bad[_i].team,
		.reason = receive_bad[_i].reason };
	char id[UUID_STR_LEN] = "";

	tl_snap(R, &before);
	ASSERT_REFUSED(referral_receive(R, &in, id, &err), receive_bad[_i].code,
		       receive_bad[_i].field);
	tl_assert_unchanged(R, &before);
	ck_assert_str_eq(id, "");
}
END_TEST

static const struct {
	int days_before;	/* the earlier referral; -1: none; -2: another person's */
	int expect;
} rereferral_cases[] = {
	{ -1, 0 }, { -2, 0 }, { 1, 1 }, { 30, 1 }, { 300, 1 }, { 364, 1 }, { 366, 0 }, { 400, 0 },
	{ 3650, 0 },
};

START_TEST(test_re_referral)
{
	const char *now = "2026-12-30T10:00:00Z";
	char person[UUID_STR_LEN], other[UUID_STR_LEN], id[UUID_STR_LEN], earlier[ISO_INSTANT_LEN];
	int days = rereferral_cases[_i].days_before;

	tl_person(R, "Again", "Referred", "1960-01-01", person);
	tl_person(R, "Someone", "Else", "1960-01-01", other);
	if (days != -1) {
		instant_format(tl_instant(now) - (int64_t)(days < 0 ? 10 : days) * 86400, earlier);
		tl_referral(R, days == -2 ? other : person, earlier, id);
		ck_assert_int_eq(tl_int(R->db, "SELECT re_referral FROM referral WHERE id = ?1", id,
					NULL), 0);
	}
	tl_referral(R, person, now, id);
	ck_assert_int_eq(tl_int(R->db, "SELECT re_referral FROM referral WHERE id = ?1", id, NULL),
			 rereferral_cases[_i].expect);
}
END_TEST

/* Due times follow the bank holiday list: with the list unchanged since
 * the replica last looked, nothing is written (and a closure day of one
 * user's configuration does not move anyone's due times). */
START_TEST(test_referral_rederive_settled)
{
	struct civil_date closure = { 2027, 1, 4 };
	struct workcal *cal;
	int changed = -1;

	/* First look: the stamp is recorded; nothing moved, so no audit
	 * event and nothing for the outbox. */
	tl_snap(R, &before);
	ASSERT_OK(referral_rederive_due(R, &changed, &err));
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(replica_meta_get(R, "due_times_from", NULL, 0), 0);
	ck_assert_int_eq(tl_int(R->db, "SELECT coalesce(max(seq), 0) FROM outbox", NULL),
			 before.outbox_seq);
	ck_assert_int_eq(tl_int(R->db, "SELECT coalesce(max(rowid), 0) FROM audit_event", NULL),
			 before.audit_seq);

	cal = replica_calendar(R, &err);
	ck_assert_ptr_nonnull(cal);
	workcal_add(cal, closure);
	tl_snap(R, &before);
	ASSERT_OK(referral_rederive_due(R, NULL, &err));
	tl_assert_unchanged(R, &before);
	/* The cheap path still says how many moved: none. */
	changed = -1;
	ASSERT_OK(referral_rederive_due(R, &changed, &err));
	ck_assert_int_eq(changed, 0);
	tl_assert_unchanged(R, &before);
}
END_TEST

/* A copy of data/'s bank holiday list with one day added, in dir. */
static void holidays_with(const char *dir, const char *extra_line)
{
	char from[1100], to[1100], line[512];
	FILE *in, *out;

	ck_assert_int_eq(datadir_path("bank-holidays-england-wales.txt", from, sizeof(from)), 0);
	snprintf(to, sizeof(to), "%s/bank-holidays-england-wales.txt", dir);
	in = fopen(from, "r");
	out = fopen(to, "w");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	while (fgets(line, sizeof(line), in))
		fputs(line, out);
	fprintf(out, "%s\n", extra_line);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

/* A one-off bank holiday published later moves the due time of every open
 * referral not yet due, in one audited action, and then it is settled. */
START_TEST(test_referral_rederive_holiday_added)
{
	char triaged[UUID_STR_LEN], allocated[UUID_STR_LEN], closed[UUID_STR_LEN],
		overdue[UUID_STR_LEN], data[1024], saved[1100] = "";
	const char *was = getenv("CAREDESK_DATADIR");
	int changed = -1, rc;

	/* The fixture's referral: adult, received Wed 30 Dec 10:00, due Thu
	 * 7 Jan; three more like it in other states, one already due. */
	tl_referral(R, person_id, "2026-12-30T10:00:00Z", triaged);
	tl_referral(R, person_id, "2026-12-30T10:00:00Z", allocated);
	tl_referral(R, person_id, "2026-12-30T10:00:00Z", closed);
	tl_referral(R, person_id, "2026-12-21T10:00:00Z", overdue);
	referral_to(triaged, "triaged");
	referral_to(allocated, "allocated");
	referral_to(closed, "closed");
	ck_assert_str_eq(value_of("SELECT decision_due_at FROM referral WHERE id = ?1", overdue),
			 "2026-12-30T10:00:00Z");
	ASSERT_OK(referral_rederive_due(R, NULL, &err));

	/* Monday 4 January becomes a bank holiday; the desk opens again. */
	tl_mkdtemp(data, sizeof(data));
	holidays_with(data, "2027-01-04  One-off bank holiday");
	replica_close(&R);
	ASSERT_OK(replica_open(env.path, REPLICA_OPEN_EXISTING, &R, &err));
	tl_set_now(R, TL_NOW);
	as("duty1");
	if (was)
		snprintf(saved, sizeof(saved), "%s", was);
	setenv("CAREDESK_DATADIR", data, 1);
	tl_snap(R, &before);
	rc = referral_rederive_due(R, &changed, &err);
	/* Put it back before asserting: without fork the next test shares it. */
	if (saved[0])
		setenv("CAREDESK_DATADIR", saved, 1);
	else
		unsetenv("CAREDESK_DATADIR");
	ASSERT_OK(rc);
	ck_assert_int_eq(changed, 2);
	tl_assert_one_action(R, &before, "referral.rederive", "referral", "", 3);
	tl_assert_update(R, &before, "referral", referral_id, 1, "decision_due_at");
	tl_assert_update(R, &before, "referral", triaged, 2, "decision_due_at");
	ck_assert_str_eq(change_of("referral", "update", referral_id, "decision_due_at"),
			 "[\"2027-01-07T10:00:00Z\",\"2027-01-08T10:00:00Z\"]");
	ck_assert_int_eq(tl_outbox_count(R, &before, "referral", "update", allocated), 0);
	ck_assert_int_eq(tl_outbox_count(R, &before, "referral", "update", closed), 0);
	ck_assert_int_eq(tl_outbox_count(R, &before, "referral", "update", overdue), 0);
	ck_assert_str_eq(value_of("SELECT decision_due_at FROM referral WHERE id = ?1", overdue),
			 "2026-12-30T10:00:00Z");

	/* And then it is settled again. */
	tl_snap(R, &before);
	ASSERT_OK(referral_rederive_due(R, NULL, &err));
	tl_assert_unchanged(R, &before);
}
END_TEST

/* --- referrals: triage -------------------------------------------------- */

START_TEST(test_triage_priority)
{
	tl_snap(R, &before);
	ASSERT_OK(referral_triage(R, referral_id, "red", NULL, NULL, &err));
	tl_assert_one_action(R, &before, "referral.triage", "referral", referral_id, 2);
	tl_assert_update(R, &before, "referral", referral_id, 1, "priority,status");
	ck_assert_str_eq(change_of("referral", "update", referral_id, "priority"), "[null,\"red\"]");
	ck_assert_str_eq(change_of("referral", "update", referral_id, "status"),
			 "[\"new\",\"triaged\"]");
	ck_assert_str_eq(value_of("SELECT status || '|' || priority || '|' || coalesce(decision, "
				  "'-') || '|' || coalesce(decided_at, '-') || '|' || version FROM "
				  "referral WHERE id = ?1", referral_id), "triaged|red|-|-|2");
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE action = 'referral.triage' "
				  "AND record_id = ?1", referral_id), "priority=red");

	/* Triage again: only what changed, from version 2. */
	tl_snap(R, &before);
	ASSERT_OK(referral_triage(R, referral_id, "green", NULL, NULL, &err));
	tl_assert_one_action(R, &before, "referral.triage", "referral", referral_id, 2);
	tl_assert_update(R, &before, "referral", referral_id, 2, "priority");
	ck_assert_str_eq(change_of("referral", "update", referral_id, "priority"),
			 "[\"red\",\"green\"]");
}
END_TEST

START_TEST(test_triage_decision)
{
	tl_snap(R, &before);
	ASSERT_OK(referral_triage(R, referral_id, "amber", "Assessment", "Needs an assessment",
				  &err));
	tl_assert_one_action(R, &before, "referral.triage", "referral", referral_id, 2);
	tl_assert_update(R, &before, "referral", referral_id, 1,
			 "decided_at,decided_by,decision,decision_reason,priority,status");
	ck_assert_str_eq(value_of("SELECT status || '|' || decision || '|' || decision_reason || "
				  "'|' || decided_at FROM referral WHERE id = ?1", referral_id),
			 "triaged|assessment|Needs an assessment|" TL_NOW);
	ck_assert_str_eq(value_of("SELECT decided_by FROM referral WHERE id = ?1", referral_id),
			 id_admin);
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE action = 'referral.triage' "
				  "AND record_id = ?1", referral_id),
			 "priority=amber decision=assessment");
}
END_TEST

/* Defect 6 of issue 14: a decision must fit the person's age group on
 * the day the referral was received, and NFA and step-down say why. */
START_TEST(test_triage_unlawful_decision)
{
	char child[UUID_STR_LEN], child_referral[UUID_STR_LEN];
	char turned[UUID_STR_LEN], turned_referral[UUID_STR_LEN];

	as("duty1");
	tl_snap(R, &before);
	ASSERT_REFUSED(referral_triage(R, referral_id, "amber", "s47", "", &err), CD_EX_DATAERR,
		       "decision");
	ck_assert_msg(strstr(err.msg, "decision for children"), "%s", err.msg);
	ASSERT_REFUSED(referral_triage(R, referral_id, "amber", "nfa", NULL, &err), CD_EX_DATAERR,
		       "reason");
	ASSERT_REFUSED(referral_triage(R, referral_id, "amber", "step-down", "", &err),
		       CD_EX_DATAERR, "reason");
	tl_assert_unchanged(R, &before);

	/* Twelve years old: s42 is refused, s47 allowed. */
	tl_person(R, "Young", "Sam", "2014-06-01", child);
	tl_referral(R, child, "2026-12-30T10:00:00Z", child_referral);
	ASSERT_REFUSED(referral_triage(R, child_referral, "red", "s42-enquiry", NULL, &err),
		       CD_EX_DATAERR, "decision");
	ck_assert_msg(strstr(err.msg, "decision for adults"), "%s", err.msg);
	ASSERT_OK(referral_triage(R, child_referral, "red", "s47", NULL, &err));

	/* The day of the referral decides: a child then is a child for it,
	 * though eighteen today. */
	tl_person(R, "Older", "Ali", "2008-12-31", turned);
	tl_referral(R, turned, "2026-12-30T10:00:00Z", turned_referral);
	ASSERT_OK(referral_triage(R, turned_referral, "amber", "s17", NULL, &err));
}
END_TEST

static bool offers(const struct code_choice *c, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (strcmp(c[i].code, code) == 0)
			return true;
	return false;
}

/* The desk's triage form offers only the decisions lawful for the
 * referral's age group (and those for either), so none it offers is
 * refused on save. */
START_TEST(test_decision_choices_by_age)
{
	struct code_choice c[64];
	char child[UUID_STR_LEN], child_referral[UUID_STR_LEN];
	int n;

	as("duty1");
	tl_person(R, "Young", "Sam", "2014-06-01", child);
	tl_referral(R, child, "2026-12-30T10:00:00Z", child_referral);
	n = decision_choices(R, child_referral, c, 64, &err);
	ck_assert_int_gt(n, 0);
	ck_assert(offers(c, n, "s17") && offers(c, n, "s47") && offers(c, n, "nfa"));
	ck_assert(!offers(c, n, "s42-enquiry") && !offers(c, n, "assessment"));
	n = decision_choices(R, referral_id, c, 64, &err);
	ck_assert(offers(c, n, "s42-enquiry") && offers(c, n, "assessment") && offers(c, n, "nfa"));
	ck_assert(!offers(c, n, "s17") && !offers(c, n, "s47"));
	n = decision_choices(R, NULL, c, 64, &err);
	ck_assert(offers(c, n, "s17") && offers(c, n, "s42-enquiry"));
}
END_TEST

/* A decision that closes ends the referral, from any open status. */
static const struct {
	const char *from, *decision, *code;
	const char *status;
} closing_cases[] = {
	{ "new", "nfa", "nfa", "closed" },
	{ "new", "NFA", "nfa", "closed" },
	{ "new", "Information Advice", "information-advice", "closed" },
	{ "new", "signpost", "signpost", "closed" },
	{ "new", "step_down", "step-down", "closed" },
	{ "triaged", "nfa", "nfa", "closed" },
	{ "allocated", "nfa", "nfa", "closed" },
	{ "new", "other enquiry", "other-enquiry", "triaged" },
	{ "triaged", "s42 enquiry", "s42-enquiry", "triaged" },
};

START_TEST(test_triage_closing_decision)
{
	char expect[96];

	referral_to(referral_id, closing_cases[_i].from);
	tl_snap(R, &before);
	ASSERT_OK(referral_triage(R, referral_id, "green", closing_cases[_i].decision,
				  "Threshold not met", &err));
	tl_assert_one_action(R, &before, "referral.triage", "referral", referral_id, 2);
	snprintf(expect, sizeof(expect), "%s|%s", closing_cases[_i].status, closing_cases[_i].code);
	ck_assert_str_eq(value_of("SELECT status || '|' || decision FROM referral WHERE id = ?1",
				  referral_id), expect);
	if (strcmp(closing_cases[_i].status, "closed") == 0)
		ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM referral WHERE id = ?1 AND "
					"status <> 'closed'", referral_id, NULL), 0);
}
END_TEST

static const struct {
	const char *state;	/* the referral's status first, or "unknown" */
	const char *actor, *priority, *decision, *reason;
	int code;
	const char *field;
} triage_bad[] = {
	{ "new", TL_ADMIN, "purple", NULL, NULL, CD_EX_DATAERR, "priority" },
	{ "new", TL_ADMIN, "", NULL, NULL, CD_EX_DATAERR, "priority" },
	{ "new", TL_ADMIN, NULL, NULL, NULL, CD_EX_DATAERR, "priority" },
	{ "new", TL_ADMIN, "red", "maybe", NULL, CD_EX_DATAERR, "decision" },
	{ "new", TL_ADMIN, "red", "s17", BAD_UTF8, CD_EX_DATAERR, "reason" },
	{ "unknown", TL_ADMIN, "red", NULL, NULL, CD_EX_NOINPUT, "referral" },
	{ "closed", TL_ADMIN, "red", NULL, NULL, CD_EX_NOPERM, "status" },
	{ "closed", TL_ADMIN, "red", "nfa", NULL, CD_EX_NOPERM, "status" },
	{ "closed", "duty1", "amber", "s17", NULL, CD_EX_NOPERM, "status" },
	{ "allocated", TL_ADMIN, "red", NULL, NULL, CD_EX_NOPERM, "status" },
	{ "new", "prac1", "red", NULL, NULL, CD_EX_NOPERM, "" },
	{ "triaged", "prac2", "red", "nfa", NULL, CD_EX_NOPERM, "" },
};

START_TEST(test_triage_refused)
{
	const char *id = referral_id;

	if (strcmp(triage_bad[_i].state, "unknown") == 0)
		id = UNKNOWN_ID;
	else
		referral_to(referral_id, triage_bad[_i].state);
	as(triage_bad[_i].actor);
	tl_snap(R, &before);
	ASSERT_REFUSED(referral_triage(R, id, triage_bad[_i].priority, triage_bad[_i].decision,
				       triage_bad[_i].reason, &err),
		       triage_bad[_i].code, triage_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

/* Who may triage and allocate: duty, MASH, manager and admin workers. */
static const struct {
	const char *actor;
	bool allowed;
} role_cases[] = {
	{ TL_ADMIN, true }, { "duty1", true }, { "mash1", true }, { "mgr1", true },
	{ "prac1", false },
};

START_TEST(test_triage_and_allocate_roles)
{
	as(role_cases[_i].actor);
	tl_snap(R, &before);
	if (role_cases[_i].allowed) {
		ASSERT_OK(referral_triage(R, referral_id, "amber", NULL, NULL, &err));
		tl_assert_one_action(R, &before, "referral.triage", "referral", referral_id, 2);
		tl_snap(R, &before);
		ASSERT_OK(referral_allocate(R, referral_id, "prac2", &err));
		tl_assert_one_action(R, &before, "referral.allocate", "referral", referral_id, 5);
	} else {
		ASSERT_REFUSED(referral_triage(R, referral_id, "amber", NULL, NULL, &err),
			       CD_EX_NOPERM, "");
		tl_assert_unchanged(R, &before);
		referral_to(referral_id, "triaged");
		tl_snap(R, &before);
		ASSERT_REFUSED(referral_allocate(R, referral_id, "prac2", &err), CD_EX_NOPERM, "");
		tl_assert_unchanged(R, &before);
	}
}
END_TEST

/* --- referrals: allocation ---------------------------------------------- */

START_TEST(test_allocate_opens_case)
{
	char case_id[UUID_STR_LEN], allocation[UUID_STR_LEN];

	referral_to(referral_id, "triaged");
	tl_snap(R, &before);
	ASSERT_OK(referral_allocate(R, referral_id, "prac1", &err));
	/* One action: one audit event and one transaction for all of it,
	 * though it opened and allocated a case on the way. */
	tl_assert_one_action(R, &before, "referral.allocate", "referral", referral_id, 5);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM audit_event WHERE action IN "
				"('case.open', 'case.allocate')", NULL), 0);
	tl_text(R->db, case_id, sizeof(case_id), "SELECT case_id FROM referral WHERE id = ?1",
		referral_id, NULL);
	tl_text(R->db, allocation, sizeof(allocation), "SELECT id FROM allocation WHERE case_id = ?1",
		case_id, NULL);
	ck_assert_int_eq(tl_outbox_count(R, &before, "care_case", "insert", case_id), 1);
	tl_assert_update(R, &before, "care_case", case_id, 1, "allocated_to");
	ck_assert_int_eq(tl_outbox_count(R, &before, "allocation", "insert", allocation), 1);
	tl_assert_update(R, &before, "referral", referral_id, 2, "allocated_to,case_id,status");
	ck_assert_str_eq(change_of("referral", "update", referral_id, "status"),
			 "[\"triaged\",\"allocated\"]");
	ck_assert_str_eq(value_of("SELECT status || '|' || version FROM referral WHERE id = ?1",
				  referral_id), "allocated|3");
	ck_assert_str_eq(value_of("SELECT allocated_to FROM referral WHERE id = ?1", referral_id),
			 id_prac1);
	/* The case is in the worker's team, for the referral's person. */
	ck_assert_str_eq(value_of("SELECT team || '|' || locality || '|' || opened_at || '|' || "
				  "(closed_at IS NULL) FROM care_case WHERE id = ?1", case_id),
			 "north-adults|north|" TL_NOW "|1");
	ck_assert_str_eq(value_of("SELECT person_id FROM care_case WHERE id = ?1", case_id),
			 person_id);
	ck_assert_str_eq(value_of("SELECT allocated_to FROM care_case WHERE id = ?1", case_id),
			 id_prac1);
	ck_assert_str_eq(value_of("SELECT worker_id || '|' || allocated_by || '|' || reason FROM "
				  "allocation WHERE id = ?1", allocation),
			 value_of("SELECT ?1 || '|' || (SELECT id FROM worker WHERE login = 'admin') "
				  "|| '|allocated from referral'", id_prac1));
}
END_TEST

START_TEST(test_allocate_uses_open_case)
{
	char case_id[UUID_STR_LEN];

	ASSERT_OK(case_open(R, person_id, "north-adults", case_id, &err));
	referral_to(referral_id, "triaged");
	tl_snap(R, &before);
	ASSERT_OK(referral_allocate(R, referral_id, "prac2", &err));
	tl_assert_one_action(R, &before, "referral.allocate", "referral", referral_id, 4);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM care_case", NULL), 1);
	ck_assert_str_eq(value_of("SELECT case_id FROM referral WHERE id = ?1", referral_id),
			 case_id);
	tl_assert_update(R, &before, "care_case", case_id, 1, "allocated_to");

	/* Reallocation within the team: the same case, a second allocation. */
	tl_snap(R, &before);
	ASSERT_OK(referral_allocate(R, referral_id, "prac1", &err));
	tl_assert_one_action(R, &before, "referral.allocate", "referral", referral_id, 4);
	tl_assert_update(R, &before, "referral", referral_id, 3, "allocated_to");
	tl_assert_update(R, &before, "care_case", case_id, 2, "allocated_to");
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM allocation WHERE case_id = ?1", case_id,
				NULL), 2);
}
END_TEST

static const struct {
	const char *state, *actor, *to;
	int code;
	const char *field;
} allocate_bad[] = {
	{ "new", TL_ADMIN, "prac1", CD_EX_NOPERM, "status" },
	{ "closed", TL_ADMIN, "prac1", CD_EX_NOPERM, "status" },
	{ "unknown", TL_ADMIN, "prac1", CD_EX_NOINPUT, "referral" },
	{ "triaged", TL_ADMIN, "nobody", CD_EX_DATAERR, "to" },
	{ "triaged", TL_ADMIN, NULL, CD_EX_DATAERR, "to" },
	{ "triaged", TL_ADMIN, "gone1", CD_EX_DATAERR, "to" },
	{ "triaged", "prac1", "prac2", CD_EX_NOPERM, "" },
	/* Issue 14, defect 5: a north case given to a south worker would
	 * never reach the south replica: refused, with the transfer named. */
	{ "triaged", TL_ADMIN, "south1", CD_EX_DATAERR, "to" },
	/* nor to a worker who does no case work (could not see or close it) */
	{ "triaged", TL_ADMIN, "itonly", CD_EX_DATAERR, "to" },
};

START_TEST(test_allocate_refused)
{
	const char *id = referral_id;

	disabled_worker("gone1");
	tl_worker(R, "south1", "south-adults", "practitioner", NULL);
	tl_worker(R, "itonly", "north-duty", "admin", NULL);
	if (strcmp(allocate_bad[_i].state, "unknown") == 0)
		id = UNKNOWN_ID;
	else
		referral_to(referral_id, allocate_bad[_i].state);
	as(allocate_bad[_i].actor);
	tl_snap(R, &before);
	ASSERT_REFUSED(referral_allocate(R, id, allocate_bad[_i].to, &err), allocate_bad[_i].code,
		       allocate_bad[_i].field);
	tl_assert_unchanged(R, &before);
	if (allocate_bad[_i].to && strcmp(allocate_bad[_i].to, "south1") == 0)
		ck_assert_msg(strstr(err.msg, "transfer it to a south team"), "%s", err.msg);
	if (allocate_bad[_i].to && strcmp(allocate_bad[_i].to, "itonly") == 0)
		ck_assert_msg(strstr(err.msg, "holds no practice role"), "%s", err.msg);
}
END_TEST

/* A failure after the nested case was opened and allocated undoes all of
 * it: the allocation gives up as a whole.  The failure is injected with a
 * trigger, first on the referral's own update, then inside the nested
 * case allocation. */
static const char *const allocate_fault_triggers[] = {
	"CREATE TRIGGER test_fault BEFORE UPDATE OF status ON referral "
	"WHEN NEW.status = 'allocated' BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
	"CREATE TRIGGER test_fault BEFORE INSERT ON allocation "
	"BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
};

START_TEST(test_allocate_fault_rolls_back)
{
	referral_to(referral_id, "triaged");
	tl_exec(R->db, allocate_fault_triggers[_i]);
	tl_snap(R, &before);
	ck_assert_int_eq(referral_allocate(R, referral_id, "prac1", &err), -1);
	ck_assert_msg(strstr(err.msg, "injected fault"), "%s", err.msg);
	tl_assert_unchanged(R, &before);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM care_case", NULL), 0);
}
END_TEST

/* --- cases ---------------------------------------------------------------- */

START_TEST(test_case_open)
{
	char id[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(case_open(R, person_id, "north-children", id, &err));
	tl_assert_one_action(R, &before, "case.open", "care_case", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "care_case", "insert", id), 1);
	ck_assert_str_eq(value_of("SELECT team || '|' || locality || '|' || opened_at || '|' || "
				  "coalesce(allocated_to, '-') || '|' || version FROM care_case "
				  "WHERE id = ?1", id), "north-children|north|" TL_NOW "|-|1");
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE record_id = ?1", id),
			 "north-children");

	/* A borough-wide team's case still syncs with its person's locality:
	 * a replica that holds the case must hold the person too. */
	ASSERT_OK(case_open(R, person_id, "children-in-care", id, &err));
	ck_assert_str_eq(value_of("SELECT team || '|' || locality FROM care_case WHERE id = ?1", id),
			 "children-in-care|north");
}
END_TEST

static const struct {
	const char *person, *team;
	int code;
	const char *field;
} case_open_bad[] = {
	{ NULL, "nowhere", CD_EX_DATAERR, "team" },
	{ NULL, NULL, CD_EX_DATAERR, "team" },
	{ UNKNOWN_ID, "north-adults", CD_EX_NOINPUT, "person" },
};

START_TEST(test_case_open_refused)
{
	char id[UUID_STR_LEN] = "";

	tl_snap(R, &before);
	ASSERT_REFUSED(case_open(R, case_open_bad[_i].person ? case_open_bad[_i].person : person_id,
				 case_open_bad[_i].team, id, &err),
		       case_open_bad[_i].code, case_open_bad[_i].field);
	tl_assert_unchanged(R, &before);
	ck_assert_str_eq(id, "");
}
END_TEST

START_TEST(test_case_allocate)
{
	char id[UUID_STR_LEN], allocation[UUID_STR_LEN];

	ASSERT_OK(case_open(R, person_id, "north-adults", id, &err));
	as("mgr1");
	tl_snap(R, &before);
	ASSERT_OK(case_allocate(R, id, "prac2", "caseload balance", &err));
	tl_assert_one_action(R, &before, "case.allocate", "care_case", id, 3);
	tl_assert_update(R, &before, "care_case", id, 1, "allocated_to");
	ck_assert_str_eq(change_of("care_case", "update", id, "allocated_to"),
			 value_of("SELECT json_array(NULL, ?1)", id_prac2));
	tl_text(R->db, allocation, sizeof(allocation), "SELECT id FROM allocation WHERE case_id = ?1",
		id, NULL);
	ck_assert_int_eq(tl_outbox_count(R, &before, "allocation", "insert", allocation), 1);
	ck_assert_str_eq(value_of("SELECT reason || '|' || allocated_at || '|' || locality FROM "
				  "allocation WHERE id = ?1", allocation),
			 "caseload balance|" TL_NOW "|north");
	ck_assert_str_eq(value_of("SELECT allocated_by FROM allocation WHERE id = ?1", allocation),
			 id_mgr);
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE action = 'case.allocate'",
				  NULL), "prac2");
}
END_TEST

static const struct {
	const char *which;	/* open, closed, unknown */
	const char *actor, *to;
	int code;
	const char *field;
} case_allocate_bad[] = {
	{ "unknown", TL_ADMIN, "prac1", CD_EX_NOINPUT, "case" },
	{ "closed", TL_ADMIN, "prac1", CD_EX_NOPERM, "case" },
	{ "open", TL_ADMIN, "nobody", CD_EX_DATAERR, "to" },
	{ "open", TL_ADMIN, NULL, CD_EX_DATAERR, "to" },
	{ "open", TL_ADMIN, "gone1", CD_EX_DATAERR, "to" },
	{ "open", "prac1", "prac2", CD_EX_NOPERM, "" },
};

static void make_case(const char *which, char id[UUID_STR_LEN])
{
	if (strcmp(which, "unknown") == 0) {
		snprintf(id, UUID_STR_LEN, "%s", UNKNOWN_ID);
		return;
	}
	ASSERT_OK(case_open(R, person_id, "north-adults", id, &err));
	if (strcmp(which, "closed") == 0) {
		as("mgr1");
		ASSERT_OK(case_close(R, id, "needs-met", &err));
		as(TL_ADMIN);
	}
}

START_TEST(test_case_allocate_refused)
{
	char id[UUID_STR_LEN];

	disabled_worker("gone1");
	make_case(case_allocate_bad[_i].which, id);
	as(case_allocate_bad[_i].actor);
	tl_snap(R, &before);
	ASSERT_REFUSED(case_allocate(R, id, case_allocate_bad[_i].to, NULL, &err),
		       case_allocate_bad[_i].code, case_allocate_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

START_TEST(test_case_close)
{
	char id[UUID_STR_LEN];

	ASSERT_OK(case_open(R, person_id, "north-adults", id, &err));
	as("mgr1");	/* the team's manager: the case has no worker yet */
	tl_snap(R, &before);
	ASSERT_OK(case_close(R, id, "Needs Met", &err));
	tl_assert_one_action(R, &before, "case.close", "care_case", id, 2);
	tl_assert_update(R, &before, "care_case", id, 1, "closed_at,closure_reason");
	ck_assert_str_eq(change_of("care_case", "update", id, "closure_reason"),
			 "[null,\"needs-met\"]");
	ck_assert_str_eq(value_of("SELECT closed_at || '|' || closure_reason || '|' || version FROM "
				  "care_case WHERE id = ?1", id), TL_NOW "|needs-met|2");
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE action = 'case.close' AND "
				  "record_id = ?1", id), "needs-met");
}
END_TEST

static const struct {
	const char *which, *reason;
	int code;
	const char *field;
} case_close_bad[] = {
	{ "open", "bored", CD_EX_DATAERR, "reason" },
	{ "open", "", CD_EX_DATAERR, "reason" },
	{ "open", NULL, CD_EX_DATAERR, "reason" },
	{ "unknown", "needs-met", CD_EX_NOINPUT, "case" },
	{ "closed", "needs-met", CD_EX_NOPERM, "case" },
};

START_TEST(test_case_close_refused)
{
	char id[UUID_STR_LEN];

	make_case(case_close_bad[_i].which, id);
	as("mgr1");
	tl_snap(R, &before);
	ASSERT_REFUSED(case_close(R, id, case_close_bad[_i].reason, &err), case_close_bad[_i].code,
		       case_close_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

START_TEST(test_case_set_review)
{
	char id[UUID_STR_LEN];

	ASSERT_OK(case_open(R, person_id, "north-adults", id, &err));
	as("mgr1");
	tl_snap(R, &before);
	ASSERT_OK(case_set_review(R, id, "2027-02-01", &err));
	tl_assert_one_action(R, &before, "case.review", "care_case", id, 2);
	tl_assert_update(R, &before, "care_case", id, 1, "next_review");
	ck_assert_str_eq(change_of("care_case", "update", id, "next_review"),
			 "[null,\"2027-02-01\"]");
	tl_snap(R, &before);
	ASSERT_OK(case_set_review(R, id, "2027-03-01", &err));
	tl_assert_update(R, &before, "care_case", id, 2, "next_review");
	ck_assert_str_eq(change_of("care_case", "update", id, "next_review"),
			 "[\"2027-02-01\",\"2027-03-01\"]");
}
END_TEST

static const struct {
	const char *which, *date;
	int code;
	const char *field;
} review_bad[] = {
	{ "open", "2027-02-30", CD_EX_DATAERR, "review" },
	{ "open", "next week", CD_EX_DATAERR, "review" },
	{ "open", "", CD_EX_DATAERR, "review" },
	{ "open", NULL, CD_EX_DATAERR, "review" },
	{ "closed", "2027-02-01", CD_EX_NOPERM, "case" },
	{ "unknown", "2027-02-01", CD_EX_NOINPUT, "case" },
};

START_TEST(test_case_set_review_refused)
{
	char id[UUID_STR_LEN];

	make_case(review_bad[_i].which, id);
	tl_snap(R, &before);
	ASSERT_REFUSED(case_set_review(R, id, review_bad[_i].date, &err), review_bad[_i].code,
		       review_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

/* --- chronology ----------------------------------------------------------- */

START_TEST(test_note_add)
{
	struct note_input in = { .person_id = person_id, .body = "Spoke to Grace by phone." };
	char id[UUID_STR_LEN];

	as("prac1");
	tl_snap(R, &before);
	ASSERT_OK(note_add(R, &in, id, &err));
	tl_assert_one_action(R, &before, "note.add", "note", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "note", "insert", id), 1);
	ck_assert_str_eq(change_of("note", "insert", id, "body"),
			 "[null,\"Spoke to Grace by phone.\"]");
	ck_assert_str_eq(value_of("SELECT kind || '|' || body || '|' || coalesce(case_id, '-') || "
				  "'|' || coalesce(amends_id, '-') || '|' || created_at || '|' || "
				  "locality FROM note WHERE id = ?1", id),
			 "case-note|Spoke to Grace by phone.|-|-|" TL_NOW "|north");
	ck_assert_str_eq(value_of("SELECT author FROM note WHERE id = ?1", id), id_prac1);
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE record_id = ?1", id),
			 "case-note");
}
END_TEST

/* The person comes from the case or the referral when not given. */
START_TEST(test_note_add_derives_person)
{
	char case_id[UUID_STR_LEN], id[UUID_STR_LEN];
	struct note_input via_case = { .kind = "visit", .body = "Home visit." };
	struct note_input via_referral = { .kind = "phone-call", .body = "Called the referrer." };
	struct note_input all = { .kind = "meeting", .body = "Strategy meeting." };

	ASSERT_OK(case_open(R, person_id, "north-adults", case_id, &err));
	via_case.case_id = case_id;
	via_referral.referral_id = referral_id;
	all.person_id = person_id;
	all.case_id = case_id;
	all.referral_id = referral_id;

	tl_snap(R, &before);
	ASSERT_OK(note_add(R, &via_case, id, &err));
	tl_assert_one_action(R, &before, "note.add", "note", id, 2);
	ck_assert_str_eq(value_of("SELECT person_id FROM note WHERE id = ?1", id), person_id);
	ck_assert_str_eq(value_of("SELECT case_id FROM note WHERE id = ?1", id), case_id);

	tl_snap(R, &before);
	ASSERT_OK(note_add(R, &via_referral, id, &err));
	tl_assert_one_action(R, &before, "note.add", "note", id, 2);
	ck_assert_str_eq(value_of("SELECT person_id FROM note WHERE id = ?1", id), person_id);
	ck_assert_str_eq(value_of("SELECT referral_id FROM note WHERE id = ?1", id), referral_id);

	tl_snap(R, &before);
	ASSERT_OK(note_add(R, &all, id, &err));
	tl_assert_one_action(R, &before, "note.add", "note", id, 2);
	ck_assert_str_eq(value_of("SELECT kind FROM note WHERE id = ?1", id), "meeting");
}
END_TEST

enum link { L_NONE, L_OWN, L_UNKNOWN, L_OTHER };

static const struct {
	enum link person, kase, referral;
	const char *kind, *body;
	int code;
	const char *field;
} note_bad[] = {
	{ L_OWN, L_NONE, L_NONE, NULL, "", CD_EX_DATAERR, "body" },
	{ L_OWN, L_NONE, L_NONE, NULL, NULL, CD_EX_DATAERR, "body" },
	{ L_OWN, L_NONE, L_NONE, NULL, " \t\r\n ", CD_EX_DATAERR, "body" },
	{ L_OWN, L_NONE, L_NONE, NULL, BAD_UTF8, CD_EX_DATAERR, "body" },
	{ L_OWN, L_NONE, L_NONE, "gossip", "Text.", CD_EX_DATAERR, "kind" },
	{ L_OWN, L_NONE, L_NONE, "amendment", "Text.", CD_EX_DATAERR, "kind" },
	{ L_OWN, L_NONE, L_NONE, "system", "Text.", CD_EX_DATAERR, "kind" },
	{ L_NONE, L_NONE, L_NONE, NULL, "Text.", CD_EX_DATAERR, "person" },
	{ L_UNKNOWN, L_NONE, L_NONE, NULL, "Text.", CD_EX_NOINPUT, "person" },
	{ L_NONE, L_UNKNOWN, L_NONE, NULL, "Text.", CD_EX_NOINPUT, "case" },
	{ L_NONE, L_NONE, L_UNKNOWN, NULL, "Text.", CD_EX_NOINPUT, "referral" },
	{ L_OWN, L_OTHER, L_NONE, NULL, "Text.", CD_EX_DATAERR, "person" },
	{ L_OWN, L_NONE, L_OTHER, NULL, "Text.", CD_EX_DATAERR, "person" },
	{ L_NONE, L_OWN, L_OTHER, NULL, "Text.", CD_EX_DATAERR, "person" },
};

START_TEST(test_note_add_refused)
{
	char other[UUID_STR_LEN], own_case[UUID_STR_LEN], other_case[UUID_STR_LEN],
		other_referral[UUID_STR_LEN], id[UUID_STR_LEN] = "";
	const char *const persons[] = { NULL, person_id, UNKNOWN_ID, other };
	const char *const cases[] = { NULL, own_case, UNKNOWN_ID, other_case };
	const char *const referrals[] = { NULL, referral_id, UNKNOWN_ID, other_referral };
	struct note_input in = { .kind = note_bad[_i].kind, .body = note_bad[_i].body };

	tl_person(R, "Other", "Person", "1985-05-05", other);
	tl_referral(R, other, "2026-12-30T11:00:00Z", other_referral);
	ASSERT_OK(case_open(R, person_id, "north-adults", own_case, &err));
	ASSERT_OK(case_open(R, other, "north-adults", other_case, &err));
	in.person_id = persons[note_bad[_i].person];
	in.case_id = cases[note_bad[_i].kase];
	in.referral_id = referrals[note_bad[_i].referral];
	tl_snap(R, &before);
	ASSERT_REFUSED(note_add(R, &in, id, &err), note_bad[_i].code, note_bad[_i].field);
	tl_assert_unchanged(R, &before);
	ck_assert_str_eq(id, "");
}
END_TEST

START_TEST(test_note_length)
{
	static char body[100000 + 2];
	size_t max = 100000;
	struct note_input in = { .person_id = person_id, .kind = "contact" };
	char id[UUID_STR_LEN];

	memset(body, 'x', max + 1);
	body[max + 1] = '\0';
	in.body = body;
	tl_snap(R, &before);
	ASSERT_REFUSED(note_add(R, &in, id, &err), CD_EX_DATAERR, "body");
	tl_assert_unchanged(R, &before);
	body[max] = '\0';
	ASSERT_OK(note_add(R, &in, id, &err));
	tl_assert_one_action(R, &before, "note.add", "note", id, 2);
	ck_assert_int_eq(tl_int(R->db, "SELECT length(body) FROM note WHERE id = ?1", id, NULL),
			 (long long)max);
}
END_TEST

START_TEST(test_note_amend)
{
	char case_id[UUID_STR_LEN], original[UUID_STR_LEN], id[UUID_STR_LEN];
	struct note_input in = { .referral_id = referral_id, .kind = "visit",
		.body = "Visited on Monday." };

	ASSERT_OK(case_open(R, person_id, "north-adults", case_id, &err));
	in.case_id = case_id;
	ASSERT_OK(note_add(R, &in, original, &err));
	/* Not its author, nor a manager of its case's team: refused. */
	as("duty1");
	tl_snap(R, &before);
	ASSERT_REFUSED(note_amend(R, original, "Correction.", id, &err), CD_EX_NOPERM, "");
	tl_assert_unchanged(R, &before);
	/* The case team's manager may; the amendment records who. */
	as("mgr1");
	ASSERT_OK(note_amend(R, original, "Correction: visited on Tuesday.", id, &err));
	tl_assert_one_action(R, &before, "note.amend", "note", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "note", "insert", id), 1);
	ck_assert_str_ne(id, original);
	ck_assert_str_eq(value_of("SELECT kind || '|' || body FROM note WHERE id = ?1", id),
			 "amendment|Correction: visited on Tuesday.");
	ck_assert_str_eq(value_of("SELECT amends_id FROM note WHERE id = ?1", id), original);
	ck_assert_str_eq(value_of("SELECT person_id || case_id || referral_id FROM note "
				  "WHERE id = ?1", id),
			 value_of("SELECT person_id || case_id || referral_id FROM note "
				  "WHERE id = ?1", original));
	ck_assert_str_eq(value_of("SELECT author FROM note WHERE id = ?1", id), id_mgr);
	/* The original stands as written. */
	ck_assert_str_eq(value_of("SELECT kind || '|' || body FROM note WHERE id = ?1", original),
			 "visit|Visited on Monday.");
	ck_assert_str_eq(value_of("SELECT detail FROM audit_event WHERE record_id = ?1", id),
			 original);
}
END_TEST

static const struct {
	bool unknown;
	const char *body;
	int code;
	const char *field;
} amend_bad[] = {
	{ true, "Correction.", CD_EX_NOINPUT, "note" },
	{ false, "", CD_EX_DATAERR, "body" },
	{ false, NULL, CD_EX_DATAERR, "body" },
	{ false, "\n", CD_EX_DATAERR, "body" },
	{ false, BAD_UTF8, CD_EX_DATAERR, "body" },
};

START_TEST(test_note_amend_refused)
{
	struct note_input in = { .person_id = person_id, .body = "Original." };
	char original[UUID_STR_LEN], id[UUID_STR_LEN] = "";

	ASSERT_OK(note_add(R, &in, original, &err));
	tl_snap(R, &before);
	ASSERT_REFUSED(note_amend(R, amend_bad[_i].unknown ? UNKNOWN_ID : original,
				  amend_bad[_i].body, id, &err), amend_bad[_i].code,
		       amend_bad[_i].field);
	tl_assert_unchanged(R, &before);
	ck_assert_str_eq(id, "");
}
END_TEST

/* --- handover --------------------------------------------------------------- */

static const struct handover_input good_handover = {
	.sbar = { "Grace fell at home", "Lives alone; two falls this month",
		  "At risk overnight", "Visit first thing and check the key safe" },
	.priority = "red",
};

START_TEST(test_handover_add)
{
	struct handover_input in = good_handover;
	char id[UUID_STR_LEN];

	in.person_id = person_id;
	as("duty1");
	tl_snap(R, &before);
	ASSERT_OK(handover_add(R, &in, id, &err));
	tl_assert_one_action(R, &before, "handover.add", "handover_item", id, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "handover_item", "insert", id), 1);
	ck_assert_str_eq(value_of("SELECT team || '|' || priority || '|' || situation || '|' || "
				  "recommendation || '|' || locality || '|' || "
				  "coalesce(case_id, '-') FROM handover_item WHERE id = ?1", id),
			 "north-duty|red|Grace fell at home|Visit first thing and check the key "
			 "safe|north|-");
	ck_assert_str_eq(value_of("SELECT author FROM handover_item WHERE id = ?1", id), id_duty);
	ck_assert_str_eq(value_of("SELECT person_id FROM handover_item WHERE id = ?1", id),
			 person_id);
}
END_TEST

static const struct {
	const char *s, *b, *a, *r, *priority;
	bool unknown_person, unknown_case;
	int code;
	const char *field;
} handover_bad[] = {
	{ NULL, "B", "A", "R", "red", false, false, CD_EX_DATAERR, "situation" },
	{ "S", "", "A", "R", "red", false, false, CD_EX_DATAERR, "background" },
	{ "S", "B", "   ", "R", "red", false, false, CD_EX_DATAERR, "assessment" },
	{ "S", "B", "A", NULL, "red", false, false, CD_EX_DATAERR, "recommendation" },
	{ "S", "B", "A", "\t\n", "red", false, false, CD_EX_DATAERR, "recommendation" },
	{ "S", "B", BAD_UTF8, "R", "red", false, false, CD_EX_DATAERR, "assessment" },
	{ "S", "B", "A", "R", "urgent", false, false, CD_EX_DATAERR, "priority" },
	{ "S", "B", "A", "R", NULL, false, false, CD_EX_DATAERR, "priority" },
	{ "S", "B", "A", "R", "red", true, false, CD_EX_NOINPUT, "person" },
	{ "S", "B", "A", "R", "red", false, true, CD_EX_NOINPUT, "case" },
};

START_TEST(test_handover_add_refused)
{
	struct handover_input in = {
		.sbar = { handover_bad[_i].s, handover_bad[_i].b, handover_bad[_i].a,
			  handover_bad[_i].r },
		.priority = handover_bad[_i].priority,
		.person_id = handover_bad[_i].unknown_person ? UNKNOWN_ID : person_id,
		.case_id = handover_bad[_i].unknown_case ? UNKNOWN_ID : NULL,
	};
	char id[UUID_STR_LEN] = "";

	tl_snap(R, &before);
	ASSERT_REFUSED(handover_add(R, &in, id, &err), handover_bad[_i].code,
		       handover_bad[_i].field);
	tl_assert_unchanged(R, &before);
	ck_assert_str_eq(id, "");
}
END_TEST

START_TEST(test_handover_ack)
{
	char item[UUID_STR_LEN], ack[UUID_STR_LEN];

	as("duty1");
	ASSERT_OK(handover_add(R, &good_handover, item, &err));
	/* Its author, and anyone outside the receiving team, may not. */
	tl_snap(R, &before);
	ASSERT_REFUSED(handover_ack(R, item, "Will visit at 9", &err), CD_EX_NOPERM, "");
	ck_assert_msg(strstr(err.msg, "another member of north-duty"), "%s", err.msg);
	as("mgr1");
	ASSERT_REFUSED(handover_ack(R, item, "Will visit at 9", &err), CD_EX_NOPERM, "");
	ck_assert_msg(strstr(err.msg, "a member of north-duty"), "%s", err.msg);
	/* A read-back is the item said back: three words and ten characters. */
	as(TL_ADMIN);
	ASSERT_REFUSED(handover_ack(R, item, "ok", &err), CD_EX_DATAERR, "readback");
	ASSERT_REFUSED(handover_ack(R, item, "seen it ok", &err), CD_EX_DATAERR, "readback");
	ASSERT_REFUSED(handover_ack(R, item, "understoodcompletely", &err), CD_EX_DATAERR,
		       "readback");
	tl_assert_unchanged(R, &before);
	ASSERT_OK(handover_ack(R, item, "Will visit at 9", &err));
	tl_text(R->db, ack, sizeof(ack), "SELECT id FROM handover_ack WHERE item_id = ?1", item, NULL);
	tl_assert_one_action(R, &before, "handover.ack", "handover_item", item, 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "handover_ack", "insert", ack), 1);
	ck_assert_str_eq(value_of("SELECT readback || '|' || acked_at || '|' || locality FROM "
				  "handover_ack WHERE id = ?1", ack), "Will visit at 9|" TL_NOW "|north");
	ck_assert_str_eq(value_of("SELECT worker_id FROM handover_ack WHERE id = ?1", ack), id_admin);

	/* Once per worker: a second read-back is refused and names the first. */
	tl_set_now(R, "2026-12-31T15:00:00Z");
	tl_snap(R, &before);
	ASSERT_REFUSED(handover_ack(R, item, "again and again, yes", &err), CD_EX_DATAERR, "item");
	ck_assert_msg(strstr(err.msg, TL_NOW), "%s", err.msg);
	tl_assert_unchanged(R, &before);

	/* Another worker of the team acknowledges on their own account. */
	tl_worker(R, "duty2", "north-duty", "duty", NULL);
	as("duty2");
	tl_snap(R, &before);
	ASSERT_OK(handover_ack(R, item, "Visit at nine, noted", &err));
	tl_assert_one_action(R, &before, "handover.ack", "handover_item", item, 2);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM handover_ack WHERE item_id = ?1", item,
				NULL), 2);
}
END_TEST

static const struct {
	bool unknown;
	const char *readback;
	int code;
	const char *field;
} ack_bad[] = {
	{ true, "Read back in full", CD_EX_NOINPUT, "handover item" },
	{ false, BAD_UTF8, CD_EX_DATAERR, "readback" },
};

START_TEST(test_handover_ack_refused)
{
	char item[UUID_STR_LEN];

	as("duty1");
	ASSERT_OK(handover_add(R, &good_handover, item, &err));
	as(TL_ADMIN);
	tl_snap(R, &before);
	ASSERT_REFUSED(handover_ack(R, ack_bad[_i].unknown ? UNKNOWN_ID : item, ack_bad[_i].readback,
				    &err), ack_bad[_i].code, ack_bad[_i].field);
	tl_assert_unchanged(R, &before);
}
END_TEST

START_TEST(test_handover_readback_length)
{
	char item[UUID_STR_LEN], readback[4002];

	as("duty1");
	ASSERT_OK(handover_add(R, &good_handover, item, &err));
	as(TL_ADMIN);
	memset(readback, 'r', 4001);
	memcpy(readback, "one two ", 8);
	readback[4001] = '\0';
	tl_snap(R, &before);
	ASSERT_REFUSED(handover_ack(R, item, readback, &err), CD_EX_DATAERR, "readback");
	tl_assert_unchanged(R, &before);
	readback[4000] = '\0';
	ASSERT_OK(handover_ack(R, item, readback, &err));
	tl_assert_one_action(R, &before, "handover.ack", "handover_item", item, 2);
}
END_TEST

/* --- viewing --------------------------------------------------------------- */

START_TEST(test_audit_view)
{
	tl_snap(R, &before);
	ASSERT_OK(audit_view(R, "person", person_id, &err));
	/* Only the audit event itself goes to the outbox. */
	tl_assert_one_action(R, &before, "view", "person", person_id, 1);
}
END_TEST

/* --- transactions ----------------------------------------------------------- */

/* An outer action with nested ones (as an import runs rows): a nested
 * action that fails undoes only itself, and the rest commits as one unit
 * with the outer action's single audit event. */
START_TEST(test_nested_failure_rolls_back_savepoint)
{
	struct person_input holder = { .nhs_number = "9990000018", .family_name = "Holder",
		.given_name = "Number", .date_of_birth = "1970-01-01" };
	struct person_input dup = { .nhs_number = "9990000018", .family_name = "Duplicate",
		.given_name = "Row", .date_of_birth = "1971-01-01" };
	struct person_input good = { .family_name = "Second", .given_name = "Row",
		.date_of_birth = "1972-01-01" };
	char id[UUID_STR_LEN];

	ASSERT_OK(person_create(R, &holder, NULL, &err));
	tl_snap(R, &before);
	ASSERT_OK(txn_begin(R, "import.referrals", &err));
	ck_assert_int_eq(R->txn_depth, 1);
	/* Fails at the database (NHS number taken), inside its savepoint. */
	ASSERT_REFUSED(person_create(R, &dup, NULL, &err), CD_EX_DATAERR, "nhs_number");
	ck_assert_int_eq(R->txn_depth, 1);
	ASSERT_OK(person_create(R, &good, id, &err));
	ck_assert_int_eq(R->txn_depth, 1);
	ASSERT_OK(audit_append(R, "import.referrals", "", "", "2 rows, 1 rejected", &err));
	ASSERT_OK(txn_commit(R, &err));

	tl_assert_one_action(R, &before, "import.referrals", "", "", 2);
	ck_assert_int_eq(tl_outbox_count(R, &before, "person", "insert", id), 1);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM person WHERE family_name = 'Second'",
				NULL), 1);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM person WHERE family_name = "
				"'Duplicate'", NULL), 0);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM audit_event WHERE action = "
				"'person.create' AND record_id = ?1", id, NULL), 0);
}
END_TEST

/* A nested action rolled back after it wrote undoes exactly its own
 * writes, those of actions nested in it included. */
START_TEST(test_nested_rollback_after_writes)
{
	char a[UUID_STR_LEN], b[UUID_STR_LEN], c[UUID_STR_LEN];
	struct note_input note = { .body = "About B." };

	tl_snap(R, &before);
	ASSERT_OK(txn_begin(R, "batch", &err));
	tl_person(R, "Alpha", "A", "1980-01-01", a);
	ASSERT_OK(txn_begin(R, "batch.part", &err));
	ck_assert_int_eq(R->txn_depth, 2);
	tl_person(R, "Bravo", "B", "1980-01-01", b);
	note.person_id = b;
	ASSERT_OK(note_add(R, &note, NULL, &err));
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM person WHERE id = ?1", b, NULL), 1);
	txn_rollback(R);
	ck_assert_int_eq(R->txn_depth, 1);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM person WHERE id = ?1", b, NULL), 0);
	tl_person(R, "Charlie", "C", "1980-01-01", c);
	ASSERT_OK(audit_append(R, "batch", "", "", "", &err));
	ASSERT_OK(txn_commit(R, &err));

	tl_assert_one_action(R, &before, "batch", NULL, NULL, 3);
	ck_assert_int_eq(tl_outbox_count(R, &before, "person", "insert", a), 1);
	ck_assert_int_eq(tl_outbox_count(R, &before, "person", "insert", b), 0);
	ck_assert_int_eq(tl_outbox_count(R, &before, "person", "insert", c), 1);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM note", NULL), 0);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM person WHERE id IN (?1, ?2)", a, c,
				NULL), 2);
}
END_TEST

/* Abandoning the outer action abandons everything, nested work included. */
START_TEST(test_outer_rollback)
{
	char a[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(txn_begin(R, "batch", &err));
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM txn_context WHERE action = 'batch'",
				NULL), 1);
	tl_person(R, "Alpha", "A", "1980-01-01", a);
	ASSERT_OK(audit_append(R, "batch", "", "", "", &err));
	txn_rollback(R);
	tl_assert_unchanged(R, &before);
	/* Rolling back with nothing open is harmless. */
	txn_rollback(R);
	tl_assert_unchanged(R, &before);
}
END_TEST

/* The pull applier's and the generator's transactions are not captured:
 * their writes (the audit event included) never reach the outbox. */
START_TEST(test_uncaptured_action)
{
	char a[UUID_STR_LEN];

	tl_snap(R, &before);
	ASSERT_OK(txn_begin_uncaptured(R, "sync.pull", &err));
	ck_assert_int_eq(tl_int(R->db, "SELECT capture FROM txn_context", NULL), 0);
	tl_person(R, "Pulled", "From Central", "1980-01-01", a);
	ASSERT_OK(referral_triage(R, referral_id, "red", NULL, NULL, &err));
	ASSERT_OK(audit_append(R, "sync.pull", "", "", "", &err));
	ASSERT_OK(txn_commit(R, &err));
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM person WHERE id = ?1", a, NULL), 1);
	ck_assert_str_eq(value_of("SELECT status FROM referral WHERE id = ?1", referral_id),
			 "triaged");
	ck_assert_int_eq(tl_int(R->db, "SELECT coalesce(max(seq), 0) FROM outbox", NULL),
			 before.outbox_seq);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM txn_context", NULL), 0);
	ck_assert_int_eq(R->txn_depth, 0);
	/* The next ordinary action is captured again. */
	tl_snap(R, &before);
	tl_person(R, "Local", "Again", "1980-01-01", a);
	tl_assert_one_action(R, &before, "person.create", "person", a, 2);
}
END_TEST

/* Each action is its own transaction: two actions, two transaction ids,
 * and the txn_context row never outlives either. */
START_TEST(test_actions_are_separate_units)
{
	char a[UUID_STR_LEN], b[UUID_STR_LEN];
	char ob[32];

	tl_snap(R, &before);
	snprintf(ob, sizeof(ob), "%lld", before.outbox_seq);
	tl_person(R, "Alpha", "A", "1980-01-01", a);
	tl_person(R, "Bravo", "B", "1980-01-01", b);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(DISTINCT txn_id) FROM outbox WHERE seq > ?1", ob,
				NULL), 2);
	ck_assert_int_eq(tl_int(R->db, "SELECT count(*) FROM txn_context", NULL), 0);
	/* And an action's txn_id is the same on its record and audit rows. */
	ck_assert_int_eq(tl_int(R->db, "SELECT count(DISTINCT txn_id) FROM outbox WHERE seq > ?1 AND "
				"(row_id = ?2 OR row_id = (SELECT id FROM audit_event WHERE "
				"record_id = ?2))", ob, a, NULL), 1);
}
END_TEST

/* --- the audit chain -------------------------------------------------------- */

static void several_actions(void)
{
	struct note_input note = { .person_id = person_id, .body = "Chronology entry." };
	char item[UUID_STR_LEN];

	as("duty1");
	ASSERT_OK(referral_triage(R, referral_id, "amber", "assessment", "why", &err));
	ASSERT_OK(referral_allocate(R, referral_id, "prac1", &err));
	as("prac1");
	ASSERT_OK(note_add(R, &note, NULL, &err));
	ASSERT_OK(handover_add(R, &good_handover, item, &err));
	as("mgr1");
	ASSERT_OK(handover_ack(R, item, "Read back: all clear", &err));
	ASSERT_OK(audit_view(R, "person", person_id, &err));
	ASSERT_OK(replica_set_actor(R, TL_ADMIN, "mash1", &err));
	ASSERT_OK(person_flag(R, person_id, "adult-at-risk", "", &err));
}

START_TEST(test_audit_chain)
{
	sqlite3_stmt *st;
	char prev[AUDIT_HASH_LEN];
	long long expect_seq = 1;
	long problems = -1;
	const char *out;

	several_actions();
	snprintf(prev, sizeof(prev), "%064d", 0);
	ck_assert_int_eq(sqlite3_prepare_v2(R->db,
		"SELECT id, origin, seq, at, actor, worker, action, tbl, record_id, detail, locality, "
		"prev_hash, hash FROM audit_event ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c[13];
		char hash[AUDIT_HASH_LEN];
		struct audit_fields f;

		for (int i = 0; i < 13; i++)
			c[i] = (const char *)sqlite3_column_text(st, i);
		f = (struct audit_fields){ .id = c[0], .origin = c[1], .seq = c[2], .at = c[3],
			.actor = c[4], .worker = c[5], .action = c[6], .tbl = c[7],
			.record_id = c[8], .detail = c[9], .locality = c[10], .prev_hash = c[11] };
		ck_assert_int_eq(sqlite3_column_int64(st, 2), expect_seq);
		ck_assert_str_eq(f.origin, R->replica_id);
		ck_assert_str_eq(f.locality, TL_LOCALITY);
		ck_assert_msg(strcmp(f.prev_hash, prev) == 0, "event %lld does not link to %lld",
			      expect_seq, expect_seq - 1);
		audit_hash(&f, hash);
		ck_assert_int_eq(strlen(hash), AUDIT_HASH_LEN - 1);
		ck_assert_msg(strcmp(hash, c[12]) == 0, "event %lld: stored %s, computed %s",
			      expect_seq, c[12], hash);
		snprintf(prev, sizeof(prev), "%s", c[12]);
		expect_seq++;
	}
	sqlite3_finalize(st);
	/* the fixture's 6 workers and 2 records, then the 7 actions */
	ck_assert_int_eq(expect_seq - 1, 15);
	ck_assert_str_eq(value_of("SELECT actor || ' as ' || worker FROM audit_event WHERE "
				  "action = ?1", "person.flag"), "admin as mash1");
	out = tl_check(R, &problems);
	ck_assert_msg(problems == 0, "%s", out);
}
END_TEST

/* The hash covers every field, and field boundaries: changing any one
 * field, or moving a character across a boundary, changes it. */
START_TEST(test_audit_hash_covers_fields)
{
	struct audit_fields base = { .prev_hash = "p", .id = "i", .origin = "o", .seq = "1",
		.at = "t", .actor = "a", .worker = "w", .action = "x", .tbl = "tb",
		.record_id = "r", .detail = "d", .locality = "l" };
	const char **fields[] = { &base.prev_hash, &base.id, &base.origin, &base.seq, &base.at,
				  &base.actor, &base.worker, &base.action, &base.tbl,
				  &base.record_id, &base.detail, &base.locality };
	char h0[AUDIT_HASH_LEN], h1[AUDIT_HASH_LEN];
	struct audit_fields moved = base;

	audit_hash(&base, h0);
	audit_hash(&base, h1);
	ck_assert_str_eq(h0, h1);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *saved = *fields[i];

		*fields[i] = "changed";
		audit_hash(&base, h1);
		ck_assert_msg(strcmp(h0, h1) != 0, "field %zu is not covered by the hash", i);
		*fields[i] = saved;
	}
	moved.tbl = "t";
	moved.record_id = "br";
	audit_hash(&moved, h1);
	ck_assert_str_ne(h0, h1);
	ck_assert_str_eq(h0, "d23dcbef86035941f63884a55dec3581390f3f84ca66e78f4589f3eb3be2a86a");
	/* Known values: SHA-256 of the twelve fields, each ended by 0x1f. */
	{
		struct audit_fields empty = { "", "", "", "", "", "", "", "", "", "", "", "" };

		audit_hash(&empty, h1);
		ck_assert_str_eq(h1, "d1b9a8adfa6bf19c9e17ca00c2be09e09f4d2097094c95c03cabcf23401ee5ec");
	}
}
END_TEST

static Suite *actions_suite(bool forking)
{
	Suite *s = suite_create("actions");
	TCase *tc;

#define TCASE(name) do { \
	tc = tcase_create(name); \
	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_set_timeout(tc, 60); \
	suite_add_tcase(s, tc); \
} while (0)

	TCASE("workers");
	tcase_add_test(tc, test_worker_add);
	tcase_add_test(tc, test_worker_add_again);
	tcase_add_loop_test(tc, test_worker_add_refused, 0, N_CASES(worker_add_bad));
	tcase_add_test(tc, test_worker_add_longest_login);
	tcase_add_test(tc, test_worker_disable_reassign);
	tcase_add_test(tc, test_worker_disable_alone);
	tcase_add_loop_test(tc, test_worker_disable_refused, 0, N_CASES(worker_disable_bad));
	tcase_add_test(tc, test_worker_ensure_admin);
	tcase_add_test(tc, test_worker_disable_keeps_closed_work);
	tcase_add_test(tc, test_worker_disable_across_services);
	tcase_add_test(tc, test_last_admin_kept);
	tcase_add_test(tc, test_acting_as);

	TCASE("people");
	tcase_add_test(tc, test_person_create);
	tcase_add_test(tc, test_person_create_minimal);
	tcase_add_test(tc, test_person_born_today_local);
	tcase_add_loop_test(tc, test_person_create_refused, 0, N_CASES(person_bad));
	tcase_add_loop_test(tc, test_person_find_match, 0, N_CASES(match_cases));
	/* Only where a crash fails one test rather than the whole run. */
	if (forking)
		tcase_add_loop_test(tc, test_person_find_match_missing_names, 0,
				    N_CASES(match_missing_cases));
	tcase_add_test(tc, test_person_flag);
	tcase_add_test(tc, test_person_flag_local_date);
	tcase_add_loop_test(tc, test_person_flag_refused, 0, N_CASES(flag_bad));
	tcase_add_test(tc, test_relationship_link);
	tcase_add_loop_test(tc, test_relationship_refused, 0, N_CASES(link_bad));

	TCASE("referrals");
	tcase_add_test(tc, test_referral_receive);
	tcase_add_loop_test(tc, test_referral_code_spelling, 0, N_CASES(spelling_cases));
	tcase_add_loop_test(tc, test_referral_due_and_route, 0, N_CASES(due_cases));
	tcase_add_test(tc, test_referral_received_an_hour_ahead);
	tcase_add_loop_test(tc, test_referral_receive_refused, 0, N_CASES(receive_bad));
	tcase_add_loop_test(tc, test_re_referral, 0, N_CASES(rereferral_cases));
	tcase_add_test(tc, test_referral_rederive_settled);
	tcase_add_test(tc, test_referral_rederive_holiday_added);
	tcase_add_test(tc, test_triage_priority);
	tcase_add_test(tc, test_triage_decision);
	tcase_add_test(tc, test_triage_unlawful_decision);
	tcase_add_test(tc, test_decision_choices_by_age);
	tcase_add_loop_test(tc, test_triage_closing_decision, 0, N_CASES(closing_cases));
	tcase_add_loop_test(tc, test_triage_refused, 0, N_CASES(triage_bad));
	tcase_add_loop_test(tc, test_triage_and_allocate_roles, 0, N_CASES(role_cases));
	tcase_add_test(tc, test_allocate_opens_case);
	tcase_add_test(tc, test_allocate_uses_open_case);
	tcase_add_loop_test(tc, test_allocate_refused, 0, N_CASES(allocate_bad));
	tcase_add_loop_test(tc, test_allocate_fault_rolls_back, 0,
			    N_CASES(allocate_fault_triggers));

	TCASE("cases");
	tcase_add_test(tc, test_case_open);
	tcase_add_loop_test(tc, test_case_open_refused, 0, N_CASES(case_open_bad));
	tcase_add_test(tc, test_case_allocate);
	tcase_add_loop_test(tc, test_case_allocate_refused, 0, N_CASES(case_allocate_bad));
	tcase_add_test(tc, test_case_close);
	tcase_add_loop_test(tc, test_case_close_refused, 0, N_CASES(case_close_bad));
	tcase_add_test(tc, test_case_set_review);
	tcase_add_loop_test(tc, test_case_set_review_refused, 0, N_CASES(review_bad));

	TCASE("chronology");
	tcase_add_test(tc, test_note_add);
	tcase_add_test(tc, test_note_add_derives_person);
	tcase_add_loop_test(tc, test_note_add_refused, 0, N_CASES(note_bad));
	tcase_add_test(tc, test_note_length);
	tcase_add_test(tc, test_note_amend);
	tcase_add_loop_test(tc, test_note_amend_refused, 0, N_CASES(amend_bad));

	TCASE("handover");
	tcase_add_test(tc, test_handover_add);
	tcase_add_loop_test(tc, test_handover_add_refused, 0, N_CASES(handover_bad));
	tcase_add_test(tc, test_handover_ack);
	tcase_add_loop_test(tc, test_handover_ack_refused, 0, N_CASES(ack_bad));
	tcase_add_test(tc, test_handover_readback_length);
	tcase_add_test(tc, test_audit_view);

	TCASE("transactions");
	tcase_add_test(tc, test_nested_failure_rolls_back_savepoint);
	tcase_add_test(tc, test_nested_rollback_after_writes);
	tcase_add_test(tc, test_outer_rollback);
	tcase_add_test(tc, test_uncaptured_action);
	tcase_add_test(tc, test_actions_are_separate_units);

	TCASE("audit");
	tcase_add_test(tc, test_audit_chain);
	tcase_add_test(tc, test_audit_hash_covers_fields);
#undef TCASE
	return s;
}

int main(void)
{
	const char *fork_env = getenv("CK_FORK");
	bool forking = !fork_env || strcmp(fork_env, "no") != 0;
	SRunner *sr = srunner_create(actions_suite(forking));
	int failed;

	/* Fork mode, unless CK_FORK says otherwise (CK_FORK=no for valgrind). */
	if (!fork_env)
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
