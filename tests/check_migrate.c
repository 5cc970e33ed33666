/* Unit tests for schema migrations (src/replica/replica.c replica_migrate,
 * src/replica/capture.c capture_regenerate, the SQL in data/schema).
 *
 * From every earlier version: a file is brought to version v, given rows
 * that were valid then (raw SQL inside a txn_context, as an old caredesk
 * would have written them), migrated to the newest version, and must keep
 * every row, have the full set of capture triggers, find its people with
 * the search index and pass `caredesk check`, with its settings
 * (replica_meta) guarded from then on.  Also: two connections
 * migrating the same file, a failing migration leaving nothing half-done,
 * and the triggers following a column added later. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/audit.h"
#include "caredesk/replica.h"
#include "replica/internal.h"
#include "testlib.h"

#define T0 "2025-06-02T09:30:00Z"
#define OLD_REPLICA_ID "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static char dir[1024];
static char path[1100];

static void setup(void)
{
	tl_process_init();
	tl_mkdtemp(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/old.db", dir);
}

static void teardown(void)
{
	tl_rmtree(dir);
}

static sqlite3 *open_raw(void)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 5000);
	tl_exec(db, "PRAGMA foreign_keys = ON");
	return db;
}

/* The rows an older caredesk wrote, in the shape of migration 1, which
 * every later migration must keep valid. */
static const char old_rows_sql[] =
	"INSERT INTO worker (id, login, name, team, role, active, created_at, updated_at, version, "
	"locality) VALUES ('w-1', 'old.admin', 'Old Admin', 'north-duty', 'admin', 1, '" T0 "', '"
	T0 "', 1, 'north'), ('w-2', 'old.duty', 'Old Duty', 'north-duty', 'duty', 0, '" T0 "', '"
	T0 "', 3, 'north');"
	"INSERT INTO person (id, nhs_number, family_name, given_name, date_of_birth, address, "
	"postcode, restricted, created_at, updated_at, version, locality) VALUES "
	"('p-1', '9434765919', 'Smithson', 'Joanna', '1950-01-02', '1 High St', 'AB1 2CD', 0, '"
	T0 "', '" T0 "', 2, 'north'), "
	"('p-2', NULL, 'Ödegaard', 'Åse', '2012-07-07', '', 'ZZ1 1ZZ', 1, '" T0 "', '" T0 "', 1, "
	"'north');"
	"INSERT INTO relationship (id, person_id, related_id, kind, created_at, updated_at, version, "
	"locality) VALUES ('rel-1', 'p-1', 'p-2', 'carer', '" T0 "', '" T0 "', 1, 'north');"
	"INSERT INTO care_case (id, person_id, team, opened_at, allocated_to, next_review, "
	"created_at, updated_at, version, locality) VALUES ('c-1', 'p-1', 'north-adults', '" T0 "', "
	"'w-1', '2025-09-01', '" T0 "', '" T0 "', 2, 'north');"
	"INSERT INTO referral (id, person_id, received_at, source, reason, category, safeguarding, "
	"priority, status, decision_due_at, team, allocated_to, case_id, created_at, updated_at, "
	"version, locality) VALUES ('r-1', 'p-1', '" T0 "', 'gp', 'falls', 'health', 0, 'amber', "
	"'allocated', '2025-06-09T09:30:00Z', 'north-duty', 'w-1', 'c-1', '" T0 "', '" T0 "', 3, "
	"'north');"
	"INSERT INTO allocation (id, case_id, worker_id, allocated_by, allocated_at, reason, "
	"created_at, locality) VALUES ('a-1', 'c-1', 'w-1', 'w-1', '" T0 "', '', '" T0 "', 'north');"
	"INSERT INTO note (id, person_id, case_id, referral_id, author, kind, body, created_at, "
	"locality) VALUES ('n-1', 'p-1', 'c-1', 'r-1', 'w-1', 'visit', 'Visited; managing.', '" T0
	"', 'north');"
	"INSERT INTO note (id, person_id, author, kind, body, amends_id, created_at, locality) "
	"VALUES ('n-2', 'p-1', 'w-1', 'amendment', 'Managing with help.', 'n-1', '" T0 "', 'north');"
	"INSERT INTO handover_item (id, author, team, priority, situation, background, assessment, "
	"recommendation, person_id, created_at, locality) VALUES ('h-1', 'w-1', 'north-duty', "
	"'red', 'S', 'B', 'A', 'R', 'p-2', '" T0 "', 'north');"
	"INSERT INTO handover_ack (id, item_id, worker_id, readback, acked_at, created_at, locality) "
	"VALUES ('k-1', 'h-1', 'w-1', 'ok', '" T0 "', '" T0 "', 'north');"
	"INSERT INTO flag (id, person_id, type, start_date, detail, created_at, updated_at, version, "
	"locality) VALUES ('f-1', 'p-2', 'child-in-care', '2025-06-02', '', '" T0 "', '" T0 "', 1, "
	"'north');";

/* Rows per table after the old rows went in (audit_event: one event). */
static const struct {
	const char *table;
	int rows;
} old_counts[] = {
	{ "worker", 2 }, { "person", 2 }, { "relationship", 1 }, { "care_case", 1 },
	{ "referral", 1 }, { "allocation", 1 }, { "note", 2 }, { "handover_item", 1 },
	{ "handover_ack", 1 }, { "flag", 1 }, { "audit_event", 1 },
};

static long long old_rows_total(void)
{
	long long n = 0;

	for (int i = 0; i < N_CASES(old_counts); i++)
		n += old_counts[i].rows;
	return n;
}

/* One audit event with a correct hash, as the old version chained it. */
static void insert_old_audit_event(sqlite3 *db)
{
	struct audit_fields f = { .prev_hash = ZERO_HASH, .id = "e-1", .origin = OLD_REPLICA_ID,
		.seq = "1", .at = T0, .actor = "old.admin", .worker = "old.admin",
		.action = "person.create", .tbl = "person", .record_id = "p-1", .detail = "",
		.locality = "north" };
	char hash[AUDIT_HASH_LEN];
	sqlite3_stmt *st;
	const char *v[] = { f.id, f.origin, f.at, f.actor, f.worker, f.action, f.tbl, f.record_id,
			    f.detail, f.prev_hash, hash, f.locality };

	audit_hash(&f, hash);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
		"INSERT INTO audit_event (id, origin, seq, at, actor, worker, action, tbl, record_id, "
		"detail, prev_hash, hash, created_at, locality) "
		"VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?3, ?12)", -1, &st, NULL),
		SQLITE_OK);
	for (int i = 0; i < 12; i++)
		sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void insert_old_rows(sqlite3 *db, int version)
{
	struct cd_error err;
	char sql[256];

	cd_error_clear(&err);
	tl_exec(db, "BEGIN");
	ck_assert_msg(reference_load(db, &err) == 0, "%s", err.msg);
	tl_exec(db, "INSERT INTO replica_meta (key, value) VALUES ('replica_id', '" OLD_REPLICA_ID
		"'), ('locality', 'north')");
	snprintf(sql, sizeof(sql), "INSERT INTO txn_context (id, txn_id, worker, action, "
		 "schema_version, at) VALUES (1, 'old-txn', 'old.admin', 'seed', %d, '" T0 "')",
		 version);
	tl_exec(db, sql);
	tl_exec(db, old_rows_sql);
	insert_old_audit_event(db);
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
}

/* Every capture trigger capture.c makes, by name, for every synced table. */
static void assert_triggers(sqlite3 *db)
{
	static const char *const mutable_suffixes[] = { "guard_0", "guard_1", "guard_2", "insert",
							"update", "delete" };
	static const char *const append_suffixes[] = { "guard_0", "guard_1", "guard_2", "insert",
						       "append_only_1", "append_only_2" };
	sqlite3_stmt *st;
	int tables = 0;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT name, append_only FROM sync_table", -1, &st,
					    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		const char *const *suffixes = sqlite3_column_int(st, 1) ? append_suffixes
									: mutable_suffixes;
		char glob[96];

		tables++;
		snprintf(glob, sizeof(glob), "cap_%s_*", t);
		ck_assert_msg(tl_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
				     "AND tbl_name = ?1 AND name GLOB ?2", t, glob, NULL) == 6,
			      "table %s does not have its 6 capture triggers", t);
		for (int i = 0; i < 6; i++) {
			char name[128];

			snprintf(name, sizeof(name), "cap_%s_%s", t, suffixes[i]);
			ck_assert_msg(tl_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = "
					     "'trigger' AND name = ?1 AND tbl_name = ?2", name, t,
					     NULL) == 1, "trigger %s is missing", name);
		}
	}
	sqlite3_finalize(st);
	/* The tables with old rows, and sync_conflict from migration 5 on. */
	ck_assert_int_eq(tables, N_CASES(old_counts) +
			 (tl_int(db, "PRAGMA user_version", NULL) >= 5 ? 1 : 0));
	/* Nothing left over from an earlier generation either. */
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
				"name GLOB 'cap_*'", NULL), 6 * tables);
}

static long long search_rowid(sqlite3 *db, const char *query)
{
	/* The rowid of the only match, 0 for none, minus the count for more. */
	return tl_int(db, "SELECT CASE count(*) WHEN 1 THEN max(rowid) ELSE -count(*) END "
		      "FROM person_search WHERE person_search MATCH ?1", query, NULL);
}

START_TEST(test_from_version)
{
	const int from = _i, latest = replica_schema_version();
	struct replica *r = NULL;
	struct cd_error err;
	sqlite3 *db = open_raw();
	long long outbox_before = 0;
	char value[256];

	cd_error_clear(&err);
	ck_assert_msg(replica_migrate(db, from, &err) == 0, "to %d: %s", from, err.msg);
	ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), from);
	if (from == 0) {
		ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sqlite_schema", NULL), 0);
	} else {
		insert_old_rows(db, from);
		outbox_before = tl_int(db, "SELECT count(*) FROM outbox", NULL);
		/* The old version captured its own writes: one insert a row. */
		ck_assert_int_eq(outbox_before, old_rows_total());
	}

	ck_assert_msg(replica_migrate(db, latest, &err) == 0, "%d -> %d: %s", from, latest, err.msg);
	ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), latest);
	assert_triggers(db);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM txn_context", NULL), 0);
	ck_assert(sqlite3_get_autocommit(db));

	if (from == 0) {
		ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM person", NULL), 0);
		ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM person_search", NULL), 0);
		sqlite3_close(db);
		return;
	}

	/* Rows kept, values and versions untouched, the outbox not replayed. */
	for (int i = 0; i < N_CASES(old_counts); i++) {
		char sql[96];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", old_counts[i].table);
		ck_assert_msg(tl_int(db, sql, NULL) == old_counts[i].rows, "%s lost rows",
			      old_counts[i].table);
	}
	tl_text(db, value, sizeof(value), "SELECT family_name || '|' || given_name || '|' || "
		"restricted || '|' || version FROM person WHERE id = 'p-2'", NULL);
	ck_assert_str_eq(value, "Ödegaard|Åse|1|1");
	tl_text(db, value, sizeof(value), "SELECT status || '|' || version || '|' || case_id FROM "
		"referral WHERE id = 'r-1'", NULL);
	ck_assert_str_eq(value, "allocated|3|c-1");
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM outbox", NULL), outbox_before);
	/* The settings the old version wrote without a context are kept, and
	 * guarded from now on (migration 10). */
	ck_assert_int_ne(tl_exec_rc(db, "UPDATE replica_meta SET value = 'south' WHERE key = "
				    "'locality'", value, sizeof(value)), SQLITE_OK);
	ck_assert_msg(strstr(value, "replica_meta changed outside a caredesk action"), "%s", value);
	tl_text(db, value, sizeof(value), "SELECT value FROM replica_meta WHERE key = 'locality'",
		NULL);
	ck_assert_str_eq(value, "north");
	snprintf(value, sizeof(value), "%d", from);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM outbox WHERE schema_version <> ?1", value,
				NULL), 0);

	/* The search index knows the people who were there before it. */
	ck_assert_int_eq(search_rowid(db, "smi*"),
			 tl_int(db, "SELECT rowid FROM person WHERE id = 'p-1'", NULL));
	ck_assert_int_eq(search_rowid(db, "jo*"),
			 tl_int(db, "SELECT rowid FROM person WHERE id = 'p-1'", NULL));
	ck_assert_int_eq(search_rowid(db, "ode*"),
			 tl_int(db, "SELECT rowid FROM person WHERE id = 'p-2'", NULL));
	ck_assert_int_eq(search_rowid(db, "as*"),
			 tl_int(db, "SELECT rowid FROM person WHERE id = 'p-2'", NULL));
	ck_assert_int_eq(search_rowid(db, "943*"),
			 tl_int(db, "SELECT rowid FROM person WHERE id = 'p-1'", NULL));
	ck_assert_int_eq(search_rowid(db, "zz11*"),
			 tl_int(db, "SELECT rowid FROM person WHERE id = 'p-2'", NULL));
	ck_assert_int_eq(search_rowid(db, "nobody*"), 0);
	sqlite3_close(db);

	/* The migrated file is a whole replica: it opens, checks clean and
	 * captures new actions at the new version. */
	ck_assert_msg(replica_open(path, REPLICA_OPEN_EXISTING, &r, &err) == 0, "%s", err.msg);
	tl_set_now(r, TL_NOW);
	ck_assert_str_eq(r->replica_id, OLD_REPLICA_ID);
	{
		long problems = -1;
		const char *out = tl_check(r, &problems);
		char id[UUID_STR_LEN];
		struct tl_snap before;

		ck_assert_msg(problems == 0, "%ld problems after migrating from %d:\n%s", problems,
			      from, out);
		tl_act_as(r, "old.admin");
		/* An admin does no case work (issue 14): give them the duty role
		 * too, as an admin would, and record a person. */
		ck_assert_msg(worker_set(r, "old.admin", "duty,admin", NULL, &err) == 0, "%s",
			      err.msg);
		tl_snap(r, &before);
		tl_person(r, "Smithers", "Wendell", "1961-03-03", id);
		tl_assert_one_action(r, &before, "person.create", "person", id, 2);
		ck_assert_int_eq(tl_outbox_count(r, &before, "person", "insert", id), 1);
		ck_assert_int_eq(tl_int(r->db, "SELECT count(*) FROM person_search WHERE "
					"person_search MATCH 'smi*'", NULL), 2);
		/* The chain goes on from the old event. */
		ck_assert_int_eq(tl_int(r->db, "SELECT seq FROM audit_event WHERE record_id = ?1", id,
					NULL), 3);
		out = tl_check(r, &problems);
		ck_assert_msg(problems == 0, "%ld problems:\n%s", problems, out);
	}
	replica_close(&r);
}
END_TEST

/* Migrating in steps gives the same schema as migrating at once. */
/* Issue 14, defect 7: a referral whose case had closed stayed
 * "allocated" for ever.  Migration 8 closes it, as a change that syncs. */
START_TEST(test_outcomes_close_referrals_of_closed_cases)
{
	struct cd_error err;
	sqlite3 *db = open_raw();
	char value[256];

	cd_error_clear(&err);
	ck_assert_msg(replica_migrate(db, 7, &err) == 0, "to 7: %s", err.msg);
	insert_old_rows(db, 7);
	tl_exec(db, "BEGIN");
	tl_exec(db, "INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at) "
		"VALUES (1, 'old-close', 'old.admin', 'case.close', 7, '" T0 "')");
	tl_exec(db, "UPDATE care_case SET closed_at = '" T0 "', closure_reason = 'needs-met', "
		"version = version + 1 WHERE id = 'c-1'");
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
	tl_text(db, value, sizeof(value), "SELECT status FROM referral WHERE id = 'r-1'", NULL);
	ck_assert_str_eq(value, "allocated");

	ck_assert_msg(replica_migrate(db, 8, &err) == 0, "7 -> 8: %s", err.msg);
	tl_text(db, value, sizeof(value), "SELECT status || '|' || version FROM referral "
		"WHERE id = 'r-1'", NULL);
	ck_assert_str_eq(value, "closed|4");
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM outbox WHERE tbl = 'referral' AND "
				"row_id = 'r-1' AND op = 'update' AND json_extract(changes, "
				"'$.status[1]') = 'closed'", NULL), 1);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_stepwise_equals_direct)
{
	const int latest = replica_schema_version();
	static char a[1 << 20], b[1 << 20];
	char other[1100];
	struct cd_error err;
	sqlite3 *db = open_raw(), *db2;
	const char *sql = "SELECT group_concat(type || ':' || name || ':' || coalesce(sql, ''), "
			  "char(10)) FROM (SELECT * FROM sqlite_schema ORDER BY type, name)";

	cd_error_clear(&err);
	for (int v = 1; v <= latest; v++) {
		ck_assert_msg(replica_migrate(db, v, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), v);
	}
	tl_text(db, a, 1 << 20, sql, NULL);
	snprintf(other, sizeof(other), "%s/direct.db", dir);
	ck_assert_int_eq(sqlite3_open(other, &db2), SQLITE_OK);
	ck_assert_msg(replica_migrate(db2, latest, &err) == 0, "%s", err.msg);
	tl_text(db2, b, 1 << 20, sql, NULL);
	ck_assert_msg(strcmp(a, b) == 0, "stepwise and direct migration differ");
	sqlite3_close(db2);
	sqlite3_close(db);
}
END_TEST

/* Only version 1 and then on: there is no person_search until migration 2. */
START_TEST(test_partial_target)
{
	struct cd_error err;
	sqlite3 *db = open_raw();

	cd_error_clear(&err);
	ck_assert_int_eq(replica_migrate(db, 1, &err), 0);
	ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), 1);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'person_search'",
				NULL), 0);
	assert_triggers(db);
	/* A target below the current version does nothing. */
	ck_assert_int_eq(replica_migrate(db, replica_schema_version(), &err), 0);
	ck_assert_int_eq(replica_migrate(db, 1, &err), 0);
	ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), replica_schema_version());
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'person_search'",
				NULL), 1);
	sqlite3_close(db);
}
END_TEST

/* Two connections (two desks upgraded at once), one after the other. */
START_TEST(test_two_connections_sequential)
{
	const int latest = replica_schema_version();
	struct cd_error err;
	sqlite3 *a = open_raw(), *b = open_raw();
	long long objects;

	cd_error_clear(&err);
	ck_assert_msg(replica_migrate(a, latest, &err) == 0, "%s", err.msg);
	objects = tl_int(a, "SELECT count(*) FROM sqlite_schema", NULL);
	ck_assert_msg(replica_migrate(b, latest, &err) == 0, "second connection: %s", err.msg);
	ck_assert_int_eq(tl_int(b, "PRAGMA user_version", NULL), latest);
	ck_assert_int_eq(tl_int(b, "SELECT count(*) FROM sqlite_schema", NULL), objects);
	assert_triggers(b);
	sqlite3_close(b);
	sqlite3_close(a);
}
END_TEST

/* The race itself: connection B has read version 0 and waits for the
 * write lock while A migrates.  B's busy handler is where A gets to run,
 * so the interleaving is certain, not a matter of timing. */
struct race {
	sqlite3 *a;
	int ran;
	int rc;
	struct cd_error err;
};

static int let_a_migrate(void *arg, int tries)
{
	struct race *race = arg;

	if (tries > 50)
		return 0;
	if (!race->ran) {
		race->ran = 1;
		sqlite3_exec(race->a, "ROLLBACK", NULL, NULL, NULL);
		race->rc = replica_migrate(race->a, replica_schema_version(), &race->err);
	}
	return 1;
}

START_TEST(test_two_connections_racing)
{
	const int latest = replica_schema_version();
	struct race race = { 0 };
	struct cd_error err;
	sqlite3 *b;

	race.a = open_raw();
	tl_exec(race.a, "PRAGMA journal_mode = WAL");
	b = open_raw();
	/* A holds the write lock, as if it had begun migrating. */
	tl_exec(race.a, "BEGIN IMMEDIATE");
	sqlite3_busy_handler(b, let_a_migrate, &race);
	cd_error_clear(&err);
	ck_assert_msg(replica_migrate(b, latest, &err) == 0,
		      "B redid A's migration: %s", err.msg);
	ck_assert_msg(race.ran, "B never waited for A: the race did not happen");
	ck_assert_msg(race.rc == 0, "A: %s", race.err.msg);
	ck_assert_int_eq(tl_int(b, "PRAGMA user_version", NULL), latest);
	assert_triggers(b);
	ck_assert(sqlite3_get_autocommit(b));
	sqlite3_close(b);
	sqlite3_close(race.a);
}
END_TEST

/* A migration that fails leaves the file at the version before it, with
 * nothing of the failed migration in it and its capture triggers intact. */
START_TEST(test_failed_migration_is_atomic)
{
	struct cd_error err;
	sqlite3 *db = open_raw();
	struct replica *r = NULL;

	cd_error_clear(&err);
	ck_assert_int_eq(replica_migrate(db, 1, &err), 0);
	/* Something in the way of migration 2. */
	tl_exec(db, "CREATE TABLE person_search (x)");
	ck_assert_int_eq(replica_migrate(db, replica_schema_version(), &err), -1);
	ck_assert_int_eq(err.code, CD_EX_SOFTWARE);
	ck_assert_msg(strstr(err.msg, "002-person-search"), "%s", err.msg);
	ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), 1);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sqlite_schema WHERE name GLOB "
				"'person_search_*'", NULL), 0);
	assert_triggers(db);
	ck_assert(sqlite3_get_autocommit(db));
	sqlite3_close(db);

	/* And replica_open reports it rather than opening a half-made file. */
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_EXISTING, &r, &err), -1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.code, CD_EX_SOFTWARE);
}
END_TEST

/* The triggers are written from the table's columns: a column added by a
 * later migration is captured without anyone listing it. */
START_TEST(test_regenerate_follows_columns)
{
	struct tl_env env;
	struct tl_snap before;
	struct cd_error err;
	char id[UUID_STR_LEN], change[128];

	tl_env_open(&env, TL_LOCALITY);
	tl_person(env.r, "Ng", "May", "1970-05-05", id);
	cd_error_clear(&err);
	tl_exec(env.r->db, "BEGIN IMMEDIATE");
	tl_exec(env.r->db, "ALTER TABLE person ADD COLUMN pronouns TEXT");
	ck_assert_msg(capture_regenerate(env.r->db, &err) == 0, "%s", err.msg);
	tl_exec(env.r->db, "COMMIT");
	assert_triggers(env.r->db);

	tl_snap(env.r, &before);
	ck_assert_int_eq(txn_begin(env.r, "person.edit", &err), 0);
	tl_exec(env.r->db, "UPDATE person SET pronouns = 'she/her', version = version + 1");
	ck_assert_int_eq(audit_append(env.r, "person.edit", "person", id, "", &err), 0);
	ck_assert_int_eq(txn_commit(env.r, &err), 0);
	tl_assert_one_action(env.r, &before, "person.edit", "person", id, 2);
	tl_assert_update(env.r, &before, "person", id, 1, "pronouns");
	tl_change(env.r, &before, "person", "update", id, "pronouns", change, sizeof(change));
	ck_assert_str_eq(change, "[null,\"she/her\"]");
	tl_env_close(&env);
}
END_TEST

static Suite *migrate_suite(void)
{
	Suite *s = suite_create("migrate");
	TCase *tc = tcase_create("migrate");

	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_from_version, 0, replica_schema_version());
	tcase_add_test(tc, test_stepwise_equals_direct);
	tcase_add_test(tc, test_outcomes_close_referrals_of_closed_cases);
	tcase_add_test(tc, test_partial_target);
	tcase_add_test(tc, test_two_connections_sequential);
	tcase_add_test(tc, test_two_connections_racing);
	tcase_add_test(tc, test_failed_migration_is_atomic);
	tcase_add_test(tc, test_regenerate_follows_columns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(migrate_suite());
	int failed;

	/* Fork mode, unless CK_FORK says otherwise (CK_FORK=no for valgrind). */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
