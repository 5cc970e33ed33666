/* Unit tests for the replica file itself (src/replica/replica.c, meta.c,
 * reference.c, integrity.c and the guard triggers of capture.c): opening,
 * creating and refusing files, pragmas, reference data, replica_meta,
 * `caredesk check` (with central's record of the audit chain,
 * audit_anchor, from sync_state.c) and the triggers that stop writes made
 * behind caredesk's back.  Every test makes its own replica in a fresh
 * temporary directory; nothing SQLite crosses Check's fork. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/audit.h"
#include "caredesk/replica.h"
#include "caredesk/sync_state.h"
#include "testlib.h"

#define RAW_CONTEXT \
	"INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, capture) " \
	"VALUES (1, 'raw-txn', 'sqlite3', 'raw edit', 2, '2026-12-31T12:00:00Z', 1)"
#define RAW_PERSON \
	"INSERT INTO person (id, family_name, given_name, date_of_birth, created_at, updated_at, " \
	"locality) VALUES ('raw-person', 'Raw', 'Row', '1990-01-01', '2026-12-31T12:00:00Z', " \
	"'2026-12-31T12:00:00Z', 'north')"

static struct tl_env env;

static void setup(void)
{
	tl_env_open(&env, TL_LOCALITY);
}

static void teardown(void)
{
	tl_env_close(&env);
}

/* A fixture for tests that make their own files: just the directory. */
static char dir[1024];

static void dir_setup(void)
{
	tl_process_init();
	tl_mkdtemp(dir, sizeof(dir));
}

static void dir_teardown(void)
{
	tl_rmtree(dir);
}

static void in_dir(char *out, size_t size, const char *name)
{
	ck_assert_int_lt(snprintf(out, size, "%s/%s", dir, name), (int)size);
}

/* Every object of the schema, as one string. */
#define SCHEMA_TEXT_MAX (1 << 20)
static char schema_before[SCHEMA_TEXT_MAX], schema_after[SCHEMA_TEXT_MAX];

static void schema_text(sqlite3 *db, char *out)
{
	tl_text(db, out, SCHEMA_TEXT_MAX, "SELECT group_concat(type || ':' || name || ':' || "
		"coalesce(sql, ''), char(10)) FROM (SELECT * FROM sqlite_schema ORDER BY type, name)",
		NULL);
	ck_assert_int_lt(strlen(out), SCHEMA_TEXT_MAX - 1);
}

/* --- opening ---------------------------------------------------------- */

START_TEST(test_create_and_init)
{
	char path[1100], value[128];
	struct replica *r = NULL;
	struct cd_error err;

	in_dir(path, sizeof(path), "new.db");
	cd_error_clear(&err);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_CREATE, &r, &err), 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(r->schema_version, replica_schema_version());
	ck_assert_int_eq(tl_int(r->db, "PRAGMA user_version", NULL), replica_schema_version());
	ck_assert_int_ge(replica_schema_version(), 2);
	/* Not a replica of anywhere until init. */
	ck_assert_str_eq(r->replica_id, "");
	ck_assert_int_eq(replica_meta_get(r, "replica_id", NULL, 0), -1);

	tl_set_now(r, TL_NOW);
	ck_assert_msg(replica_init(r, "south", &err) == 0, "%s", err.msg);
	ck_assert_msg(id_is_valid(r->replica_id), "replica id '%s'", r->replica_id);
	ck_assert_str_eq(r->locality, "south");
	ck_assert_int_eq(replica_meta_get(r, "replica_id", value, sizeof(value)), 0);
	ck_assert_str_eq(value, r->replica_id);
	ck_assert_int_eq(replica_meta_get(r, "locality", value, sizeof(value)), 0);
	ck_assert_str_eq(value, "south");
	ck_assert_int_eq(replica_meta_get(r, "created_at", value, sizeof(value)), 0);
	ck_assert_str_eq(value, TL_NOW);
	replica_close(&r);
	ck_assert_ptr_null(r);

	/* The identity survives closing. */
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_EXISTING, &r, &err), 0);
	ck_assert_str_eq(r->locality, "south");
	ck_assert_msg(id_is_valid(r->replica_id), "replica id '%s'", r->replica_id);
	replica_close(&r);
}
END_TEST

START_TEST(test_reopen_is_idempotent)
{
	char id[UUID_STR_LEN], person[UUID_STR_LEN];
	struct tl_snap before;

	tl_person(env.r, "Adeyemi", "Tunde", "1975-06-01", person);
	snprintf(id, sizeof(id), "%s", env.r->replica_id);
	schema_text(env.r->db, schema_before);
	tl_snap(env.r, &before);
	for (int i = 0; i < 2; i++) {
		struct cd_error err;

		replica_close(&env.r);
		cd_error_clear(&err);
		ck_assert_msg(replica_open(env.path, REPLICA_OPEN_EXISTING, &env.r, &err) == 0, "%s",
			      err.msg);
		ck_assert_str_eq(env.r->replica_id, id);
		ck_assert_str_eq(env.r->locality, TL_LOCALITY);
		ck_assert_int_eq(env.r->schema_version, replica_schema_version());
		schema_text(env.r->db, schema_after);
		ck_assert_msg(strcmp(schema_before, schema_after) == 0, "reopening changed the schema");
		/* Reopening writes nothing: not a row, not an outbox entry. */
		tl_assert_unchanged(env.r, &before);
	}
}
END_TEST

/* Issue 15: the file deleted or replaced under an open replica.  A write
 * would go to an inode no one reads again; each write checks first. */
START_TEST(test_file_replaced_under_open_replica)
{
	char aside[1200], person[UUID_STR_LEN];
	struct cd_error err;
	FILE *fp;

	snprintf(aside, sizeof(aside), "%s.aside", env.path);
	ck_assert_int_eq(rename(env.path, aside), 0);
	cd_error_clear(&err);
	ck_assert_int_eq(replica_file_check(env.r, &err), -1);
	ck_assert_int_eq(err.code, CD_EX_IOERR);
	ck_assert_msg(strstr(err.msg, "was deleted, moved or replaced while open"), "%s", err.msg);
	cd_error_clear(&err);
	ck_assert_int_eq(txn_begin(env.r, "test", &err), -1);
	ck_assert_int_eq(env.r->txn_depth, 0);

	/* Another file in its place is no better. */
	fp = fopen(env.path, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	cd_error_clear(&err);
	ck_assert_int_eq(replica_file_check(env.r, &err), -1);
	ck_assert_int_eq(rename(aside, env.path), 0);

	/* Put back, it is the same file, and writes go on. */
	cd_error_clear(&err);
	ck_assert_int_eq(replica_file_check(env.r, &err), 0);
	tl_person(env.r, "Back", "Again", "1975-06-01", person);
}
END_TEST

START_TEST(test_init_twice_refused)
{
	struct tl_snap before;
	struct cd_error err;
	char id[UUID_STR_LEN];

	snprintf(id, sizeof(id), "%s", env.r->replica_id);
	tl_snap(env.r, &before);
	cd_error_clear(&err);
	ck_assert_int_eq(replica_init(env.r, "south", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_CANTCREAT);
	ck_assert_str_eq(env.r->replica_id, id);
	ck_assert_str_eq(env.r->locality, TL_LOCALITY);
	tl_assert_unchanged(env.r, &before);
}
END_TEST

START_TEST(test_init_unknown_locality)
{
	char path[1100];
	struct replica *r = NULL;
	struct cd_error err;

	in_dir(path, sizeof(path), "r.db");
	cd_error_clear(&err);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_CREATE, &r, &err), 0);
	ck_assert_int_eq(replica_init(r, "atlantis", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_USAGE);
	ck_assert_str_eq(err.field, "locality");
	ck_assert_msg(strstr(err.msg, "atlantis"), "%s", err.msg);
	ck_assert_str_eq(r->replica_id, "");
	ck_assert_int_eq(tl_int(r->db, "SELECT count(*) FROM replica_meta", NULL), 0);
	ck_assert_int_eq(tl_int(r->db, "SELECT count(*) FROM locality", NULL), 0);
	ck_assert(sqlite3_get_autocommit(r->db));
	/* Nothing half-done stands in the way of a good init. */
	ck_assert_msg(replica_init(r, "west", &err) == 0, "%s", err.msg);
	ck_assert_str_eq(r->locality, "west");
	replica_close(&r);
}
END_TEST

/* Reference data comes from data/: without it, init fails and leaves the
 * file as it was. */
START_TEST(test_init_without_data)
{
	char path[1100], saved[1100] = "";
	const char *was = getenv("CAREDESK_DATADIR");
	struct replica *r = NULL;
	struct cd_error err;
	int rc;

	in_dir(path, sizeof(path), "r.db");
	cd_error_clear(&err);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_CREATE, &r, &err), 0);
	if (was)
		snprintf(saved, sizeof(saved), "%s", was);
	setenv("CAREDESK_DATADIR", dir, 1);	/* no data files there */
	rc = replica_init(r, "north", &err);
	/* Put it back before asserting: without fork the next test shares it. */
	if (saved[0])
		setenv("CAREDESK_DATADIR", saved, 1);
	else
		unsetenv("CAREDESK_DATADIR");
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.code, CD_EX_NOINPUT);
	ck_assert_msg(strstr(err.msg, "localities.tsv"), "%s", err.msg);
	ck_assert_str_eq(r->replica_id, "");
	ck_assert_int_eq(tl_int(r->db, "SELECT count(*) FROM replica_meta", NULL), 0);
	ck_assert(sqlite3_get_autocommit(r->db));
	replica_close(&r);
}
END_TEST

START_TEST(test_newer_version_refused)
{
	char path[1100];
	struct replica *r = (struct replica *)&r;	/* must be reset to NULL */
	struct cd_error err;
	sqlite3 *db;
	char sql[64];

	in_dir(path, sizeof(path), "future.db");
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", replica_schema_version() + 1);
	tl_exec(db, sql);
	sqlite3_close(db);

	cd_error_clear(&err);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_EXISTING, &r, &err), -1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.code, CD_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "upgrade caredesk"), "%s", err.msg);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_CREATE, &r, &err), -1);
	ck_assert_int_eq(err.code, CD_EX_CONFIG);

	/* Refused, and left alone: not migrated. */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), replica_schema_version() + 1);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sqlite_schema", NULL), 0);
	sqlite3_close(db);
}
END_TEST

/* A file that is not a database at all is refused as "not a caredesk
 * replica", naming it, and left exactly as it was. */
START_TEST(test_not_a_database_refused)
{
	static const char text[] = "date,amount\n2026-01-01,12.50\n2026-01-02,3.10\n"
				   "this is a spreadsheet export, not a database\n";
	char path[1100], back[sizeof(text) + 16];
	struct replica *r = NULL;
	struct cd_error err;
	FILE *f;
	size_t n;

	in_dir(path, sizeof(path), "notes.csv");
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	cd_error_clear(&err);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_EXISTING, &r, &err), -1);
	ck_assert_ptr_null(r);
	ck_assert_msg(err.code == CD_EX_NOINPUT, "code %d: %s", err.code, err.msg);
	ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "not a caredesk replica"), "%s",
		      err.msg);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(back, 1, sizeof(back), f);
	fclose(f);
	ck_assert_uint_eq(n, strlen(text));
	ck_assert(memcmp(back, text, n) == 0);
}
END_TEST

/* Someone else's SQLite database is not a replica to be migrated: without
 * REPLICA_OPEN_CREATE it is refused and left alone (no caredesk tables
 * added, not switched to WAL). */
START_TEST(test_unrelated_database_refused)
{
	char path[1100], mode[32];
	struct replica *r = NULL;
	struct cd_error err;
	sqlite3 *db;
	bool opened;
	int rc;

	in_dir(path, sizeof(path), "recipes.db");
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	tl_exec(db, "CREATE TABLE recipe (name TEXT, minutes INTEGER);"
		"INSERT INTO recipe VALUES ('porridge', 10)");
	sqlite3_close(db);

	cd_error_clear(&err);
	rc = replica_open(path, REPLICA_OPEN_EXISTING, &r, &err);
	opened = r != NULL;
	replica_close(&r);	/* before asserting: nothing leaks if it opened */
	ck_assert_msg(rc == -1 && !opened, "opened and migrated someone else's database");
	ck_assert_msg(err.code == CD_EX_NOINPUT, "code %d: %s", err.code, err.msg);

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(tl_int(db, "PRAGMA user_version", NULL), 0);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sqlite_schema", NULL), 1);
	tl_text(db, mode, sizeof(mode), "PRAGMA journal_mode", NULL);
	ck_assert_str_eq(mode, "delete");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_missing_file_without_create)
{
	char path[1100];
	struct replica *r = NULL;
	struct cd_error err;

	in_dir(path, sizeof(path), "absent.db");
	cd_error_clear(&err);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_EXISTING, &r, &err), -1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.code, CD_EX_NOINPUT);
	ck_assert_msg(strstr(err.msg, path), "%s", err.msg);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_create_in_missing_directory)
{
	char path[1100];
	struct replica *r = NULL;
	struct cd_error err;

	in_dir(path, sizeof(path), "no/such/dir/replica.db");
	cd_error_clear(&err);
	ck_assert_int_eq(replica_open(path, REPLICA_OPEN_CREATE, &r, &err), -1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.code, CD_EX_CANTCREAT);
}
END_TEST

START_TEST(test_pragmas)
{
	char mode[32];
	sqlite3 *other;

	tl_text(env.r->db, mode, sizeof(mode), "PRAGMA journal_mode", NULL);
	ck_assert_str_eq(mode, "wal");
	ck_assert_int_eq(tl_int(env.r->db, "PRAGMA foreign_keys", NULL), 1);
	ck_assert_int_ge(tl_int(env.r->db, "PRAGMA busy_timeout", NULL), 1000);
	ck_assert_int_eq(tl_int(env.r->db, "PRAGMA synchronous", NULL), 1);	/* NORMAL */
	/* WAL is a property of the file: a plain connection sees it too. */
	ck_assert_int_eq(sqlite3_open(env.path, &other), SQLITE_OK);
	tl_text(other, mode, sizeof(mode), "PRAGMA journal_mode", NULL);
	ck_assert_str_eq(mode, "wal");
	sqlite3_close(other);
}
END_TEST

/* Foreign keys are not just switched on but enforced: a referral for a
 * person who does not exist is refused even inside a proper context. */
START_TEST(test_foreign_keys_enforced)
{
	char msg[256];
	sqlite3 *db = env.r->db;

	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	ck_assert_int_ne(tl_exec_rc(db,
		"INSERT INTO referral (id, person_id, received_at, source, category, decision_due_at, "
		"team, created_at, updated_at, locality) VALUES ('r1', 'nobody', 'x', 'gp', 'health', "
		"'x', 'north-duty', 'x', 'x', 'north')", msg, sizeof(msg)), SQLITE_OK);
	ck_assert_msg(strstr(msg, "FOREIGN KEY"), "%s", msg);
	tl_exec(db, "ROLLBACK");
}
END_TEST

/* --- reference data ---------------------------------------------------- */

static const struct {
	const char *table;
	int min_rows;
	const char *codes;	/* space-separated codes that must be present */
} reference_cases[] = {
	{ "locality", 5, "north south central west borough" },
	{ "team", 15, "north-duty south-duty central-duty west-duty mash children-in-care "
		      "care-leavers north-children north-adults" },
	{ "source_code", 10, "gp school police hospital ambulance housing family self "
			     "care-coordination other" },
	{ "category_code", 6, "safeguarding health social-care mental-health carer "
			      "hospital-discharge" },
	{ "decision_code", 1, "nfa s17 s47 assessment s42-enquiry" },
	{ "closure_reason_code", 1, "needs-met other" },
};

START_TEST(test_reference_data)
{
	char sql[160], codes[512];
	char *save = NULL;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", reference_cases[_i].table);
	ck_assert_int_ge(tl_int(env.r->db, sql, NULL), reference_cases[_i].min_rows);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE code = ?1",
		 reference_cases[_i].table);
	snprintf(codes, sizeof(codes), "%s", reference_cases[_i].codes);
	for (char *c = strtok_r(codes, " ", &save); c; c = strtok_r(NULL, " ", &save))
		ck_assert_msg(tl_int(env.r->db, sql, c, NULL) == 1, "%s lacks %s",
			      reference_cases[_i].table, c);
}
END_TEST

START_TEST(test_reference_shape)
{
	sqlite3 *db = env.r->db;

	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM locality", NULL), 5);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM team", NULL), 15);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM locality WHERE borough_wide", NULL), 1);
	ck_assert_int_eq(tl_int(db, "SELECT borough_wide FROM locality WHERE code = 'borough'",
				NULL), 1);
	/* Each locality has one all-age duty team that runs its queue. */
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM locality l WHERE NOT borough_wide AND "
				"(SELECT count(*) FROM team t WHERE t.locality = l.code AND "
				"t.service = 'all-age') <> 1", NULL), 0);
	ck_assert_int_eq(tl_int(db, "SELECT locality = 'borough' AND service = 'mash' FROM team "
				"WHERE code = 'mash'", NULL), 1);
	ck_assert_int_eq(tl_int(db, "SELECT closes FROM decision_code WHERE code = 'nfa'", NULL), 1);
	ck_assert_int_eq(tl_int(db, "SELECT closes FROM decision_code WHERE code = 's17'", NULL), 0);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM sync_table", NULL), 12);
}
END_TEST

/* --- replica_meta ------------------------------------------------------ */

START_TEST(test_meta_get_set)
{
	char value[64], small[4];
	struct cd_error err;

	cd_error_clear(&err);
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", value, sizeof(value)), -1);
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", NULL, 0), -1);
	ck_assert_int_eq(replica_meta_set(env.r, "central_uri", "file:/srv/central.db", &err), 0);
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", NULL, 0), 0);
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", value, sizeof(value)), 0);
	ck_assert_str_eq(value, "file:/srv/central.db");
	/* Setting again replaces. */
	ck_assert_int_eq(replica_meta_set(env.r, "central_uri", "ssh://hub/central.db", &err), 0);
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", value, sizeof(value)), 0);
	ck_assert_str_eq(value, "ssh://hub/central.db");
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM replica_meta WHERE key = "
				"'central_uri'", NULL), 1);
	/* A short buffer gets a terminated prefix, never an overflow. */
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", small, sizeof(small)), 0);
	ck_assert_str_eq(small, "ssh");
	/* Settings are local: never in the outbox. */
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM outbox WHERE changes LIKE "
				"'%central.db%'", NULL), 0);

	replica_close(&env.r);
	ck_assert_int_eq(replica_open(env.path, REPLICA_OPEN_EXISTING, &env.r, &err), 0);
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", value, sizeof(value)), 0);
	ck_assert_str_eq(value, "ssh://hub/central.db");
}
END_TEST

/* Issue 15: replica_meta holds the central's address and the replica's
 * identity.  Written with sqlite3 alone it is refused, as a synced table
 * is; inside a transaction with a txn_context row (as caredesk writes it)
 * it is not, and replica_meta_set makes its own when called alone. */
static const char *const meta_raw_writes[] = {
	"INSERT INTO replica_meta (key, value) VALUES ('central_uri', 'file:/elsewhere.db')",
	"UPDATE replica_meta SET value = 'south' WHERE key = 'locality'",
	"DELETE FROM replica_meta WHERE key = 'replica_id'",
};

START_TEST(test_meta_guard)
{
	sqlite3 *db = env.r->db;
	char msg[512], value[64];
	struct tl_snap before;
	struct cd_error err;

	tl_snap(env.r, &before);
	ck_assert_int_ne(tl_exec_rc(db, meta_raw_writes[_i], msg, sizeof(msg)), SQLITE_OK);
	ck_assert_msg(strstr(msg, "caredesk: replica_meta changed outside a caredesk action"), "%s",
		      msg);
	tl_assert_unchanged(env.r, &before);

	/* The same write inside a context goes through: the guard asks for a
	 * caredesk transaction, nothing more. */
	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	tl_exec(db, meta_raw_writes[_i]);
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "ROLLBACK");

	/* replica_meta_set alone, and inside an action that then fails. */
	cd_error_clear(&err);
	ck_assert_msg(replica_meta_set(env.r, "central_uri", "file:/srv/central.db", &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(env.r->txn_depth, 0);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM txn_context", NULL), 0);
	ck_assert_int_eq(txn_begin(env.r, "test.setting", &err), 0);
	ck_assert_msg(replica_meta_set(env.r, "central_uri", "file:/srv/other.db", &err) == 0, "%s",
		      err.msg);
	txn_rollback(env.r);
	ck_assert_int_eq(replica_meta_get(env.r, "central_uri", value, sizeof(value)), 0);
	ck_assert_str_eq(value, "file:/srv/central.db");
}
END_TEST

/* A guard dropped to write the file is reported by check like any other
 * object the migrations make. */
START_TEST(test_check_meta_guard_dropped)
{
	long problems = -1;
	const char *out;

	tl_exec(env.r->db, "DROP TRIGGER replica_meta_guard_update");
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 1 && strstr(out, "table replica_meta is missing trigger "
					      "replica_meta_guard_update"),
		      "%ld problems:\n%s", problems, out);
}
END_TEST

/* --- identity ---------------------------------------------------------- */

START_TEST(test_set_actor)
{
	struct cd_error err;

	tl_worker(env.r, "duty.north", "north-duty", "duty", NULL);
	cd_error_clear(&err);
	ck_assert_int_eq(replica_set_actor(env.r, TL_ADMIN, "duty.north", &err), 0);
	ck_assert_str_eq(env.r->actor.login, TL_ADMIN);
	ck_assert_str_eq(env.r->actor.worker_login, "duty.north");
	ck_assert_str_eq(env.r->actor.roles_text, "duty");
	ck_assert_str_eq(env.r->actor.team, "north-duty");
	ck_assert_str_eq(env.r->actor.locality, "north");
	ck_assert(id_is_valid(env.r->actor.worker_id));

	ck_assert_int_eq(replica_set_actor(env.r, "stranger", NULL, &err), -1);
	ck_assert_int_eq(err.code, CD_EX_NOPERM);
	ck_assert_msg(strstr(err.msg, "worker add stranger"), "%s", err.msg);
	ck_assert_int_eq(replica_set_actor(env.r, TL_ADMIN, "stranger", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_NOPERM);

	tl_act_as(env.r, TL_ADMIN);
	ck_assert_int_eq(worker_disable(env.r, "duty.north", NULL, NULL, &err), 0);
	ck_assert_int_eq(replica_set_actor(env.r, "duty.north", NULL, &err), -1);
	ck_assert_int_eq(err.code, CD_EX_NOPERM);
	ck_assert_msg(strstr(err.msg, "disabled"), "%s", err.msg);
	/* A refused actor is nobody: no role left over to act with. */
	ck_assert_str_eq(env.r->actor.roles_text, "");
}
END_TEST

/* --- caredesk check ------------------------------------------------------ */

START_TEST(test_check_fresh)
{
	long problems = -1;
	const char *out;

	tl_worker(env.r, "duty.north", "north-duty", "duty", NULL);
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 0, "%ld problems on a fresh replica:\n%s", problems, out);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_check_audit_altered)
{
	sqlite3 *db = env.r->db;
	char msg[256], id[UUID_STR_LEN], expect[128];
	long problems = -1;
	const char *out;

	tl_worker(env.r, "duty.north", "north-duty", "duty", NULL);
	ck_assert_int_ge(tl_int(db, "SELECT count(*) FROM audit_event", NULL), 2);
	tl_text(db, id, sizeof(id), "SELECT id FROM audit_event WHERE seq = 1", NULL);

	/* Append-only holds even inside a proper context. */
	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	ck_assert_int_ne(tl_exec_rc(db, "UPDATE audit_event SET detail = 'forged' WHERE seq = 1",
				    msg, sizeof(msg)), SQLITE_OK);
	ck_assert_msg(strstr(msg, "append-only"), "%s", msg);
	tl_exec(db, "ROLLBACK");

	/* Someone with sqlite3 and intent: drop the trigger and edit. */
	tl_exec(db, "DROP TRIGGER cap_audit_event_append_only_1");
	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	tl_exec(db, "UPDATE audit_event SET detail = 'forged' WHERE seq = 1");
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");

	out = tl_check(env.r, &problems);
	ck_assert_msg(problems >= 1, "tampering went unnoticed:\n%s", out);
	snprintf(expect, sizeof(expect), "event %s was altered", id);
	ck_assert_msg(strstr(out, expect), "expected '%s' in:\n%s", expect, out);
}
END_TEST

START_TEST(test_check_audit_removed)
{
	sqlite3 *db = env.r->db;
	long problems = -1;
	const char *out;

	tl_worker(env.r, "duty.north", "north-duty", "duty", NULL);
	tl_exec(db, "DROP TRIGGER cap_audit_event_append_only_2");
	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	tl_exec(db, "DELETE FROM audit_event WHERE seq = 1");
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems >= 1 && strstr(out, "out of sequence"), "%ld problems:\n%s", problems,
		      out);
}
END_TEST

/* Events pulled from another replica form their own chain: a whole one
 * does not disturb ours, a broken one is reported under its origin. */
static void insert_foreign_event(sqlite3 *db, const char *seq, const char *prev, char hash[65])
{
	struct audit_fields f = { .prev_hash = prev, .id = seq, .origin = "south-replica",
		.seq = seq, .at = "2026-12-30T09:00:00Z", .actor = "duty.south",
		.worker = "duty.south", .action = "note.add", .tbl = "note", .record_id = "n-x",
		.detail = "case-note", .locality = "south" };
	sqlite3_stmt *st;
	const char *v[] = { f.id, f.origin, f.seq, f.at, f.actor, f.worker, f.action, f.tbl,
			    f.record_id, f.detail, f.prev_hash, NULL, f.locality };

	audit_hash(&f, hash);
	v[11] = hash;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
		"INSERT INTO audit_event (id, origin, seq, at, actor, worker, action, tbl, record_id, "
		"detail, prev_hash, hash, created_at, locality) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10, ?11, ?12, ?4, ?13)", -1, &st, NULL), SQLITE_OK);
	for (int i = 0; i < 13; i++)
		sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

START_TEST(test_check_foreign_chain)
{
	sqlite3 *db = env.r->db;
	char h1[65], h2[65], h4[65], expect[128];
	long problems = -1;
	const char *out;

	/* As the pull applier writes them: not captured. */
	tl_exec(db, "BEGIN");
	tl_exec(db, "INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, capture) "
		"VALUES (1, 'pull-1', 'sync', 'pull', 2, '2026-12-31T12:00:00Z', 0)");
	insert_foreign_event(db, "1", "0000000000000000000000000000000000000000000000000000000000000000",
			     h1);
	insert_foreign_event(db, "2", h1, h2);
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
	/* Our own chain goes on from our own last event. */
	tl_worker(env.r, "duty.north", "north-duty", "duty", NULL);
	ck_assert_int_eq(tl_int(db, "SELECT max(seq) FROM audit_event WHERE origin = ?1",
				env.r->replica_id, NULL), 2);
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 0, "%ld problems:\n%s", problems, out);

	/* A gap in theirs (event 3 never arrived). */
	tl_exec(db, "BEGIN");
	tl_exec(db, "INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, capture) "
		"VALUES (1, 'pull-2', 'sync', 'pull', 2, '2026-12-31T12:00:00Z', 0)");
	insert_foreign_event(db, "4", h2, h4);
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
	out = tl_check(env.r, &problems);
	snprintf(expect, sizeof(expect), "audit chain of south-replica: event 4 is out of sequence");
	ck_assert_msg(problems == 1 && strstr(out, expect), "%ld problems:\n%s", problems, out);
}
END_TEST

START_TEST(test_check_stray_context)
{
	long problems = -1;
	const char *out;

	tl_exec(env.r->db, RAW_CONTEXT);	/* autocommit: it outlives its transaction */
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 1, "%ld problems:\n%s", problems, out);
	ck_assert_msg(strstr(out, "txn_context") && strstr(out, "raw-txn"), "%s", out);
}
END_TEST

START_TEST(test_check_dangling_reference)
{
	sqlite3 *db = env.r->db;
	long problems = -1;
	const char *out;

	tl_exec(db, "PRAGMA foreign_keys = OFF");
	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	tl_exec(db, "INSERT INTO note (id, person_id, author, kind, body, created_at, locality) "
		"VALUES ('n1', 'nobody', (SELECT id FROM worker), 'case-note', 'x', 'x', 'north')");
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
	tl_exec(db, "PRAGMA foreign_keys = ON");
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 1 && strstr(out, "a row of note refers to a missing person"),
		      "%ld problems:\n%s", problems, out);
}
END_TEST

/* Each trigger that capture.c makes is needed: without it a change either
 * escapes the outbox or an append-only record can be rewritten. */
static const struct {
	const char *table;
	const char *trigger;
} dropped_cases[] = {
	{ "person", "cap_person_insert" },
	{ "person", "cap_person_update" },
	{ "person", "cap_person_delete" },
	{ "person", "cap_person_guard_0" },
	{ "referral", "cap_referral_update" },
	{ "note", "cap_note_insert" },
	{ "note", "cap_note_append_only_1" },
	{ "audit_event", "cap_audit_event_insert" },
};

START_TEST(test_check_dropped_trigger)
{
	char sql[128], expect[128];
	long problems = -1;
	const char *out;

	snprintf(sql, sizeof(sql), "DROP TRIGGER %s", dropped_cases[_i].trigger);
	tl_exec(env.r->db, sql);
	out = tl_check(env.r, &problems);
	snprintf(expect, sizeof(expect), "table %s is missing trigger %s",
		 dropped_cases[_i].table, dropped_cases[_i].trigger);
	ck_assert_msg(problems >= 1 && strstr(out, expect),
		      "dropping %s went unreported (%ld problems):\n%s", dropped_cases[_i].trigger,
		      problems, out);
}
END_TEST

START_TEST(test_check_all_triggers_dropped)
{
	sqlite3 *db = env.r->db;
	long problems = -1;
	const char *out;

	tl_exec(db, "DROP TRIGGER cap_flag_insert; DROP TRIGGER cap_flag_update; "
		"DROP TRIGGER cap_flag_delete; DROP TRIGGER cap_flag_guard_0; "
		"DROP TRIGGER cap_flag_guard_1; DROP TRIGGER cap_flag_guard_2");
	out = tl_check(env.r, &problems);
	/* One problem per missing trigger, each naming it. */
	ck_assert_msg(problems == 6 && strstr(out, "table flag is missing trigger cap_flag_insert") &&
		      strstr(out, "table flag is missing trigger cap_flag_guard_2"),
		      "%ld problems:\n%s", problems, out);
}
END_TEST

/* --- guard triggers -------------------------------------------------------- */

static const char *const sync_tables[] = {
	"worker", "person", "relationship", "care_case", "referral", "allocation", "note",
	"handover_item", "handover_ack", "flag", "audit_event",
};

START_TEST(test_guard_insert)
{
	char sql[128], msg[512], expect[128];
	const char *t = sync_tables[_i];

	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM sync_table WHERE name = ?1", t,
				NULL), 1);
	snprintf(sql, sizeof(sql), "INSERT INTO %s DEFAULT VALUES", t);
	ck_assert_int_ne(tl_exec_rc(env.r->db, sql, msg, sizeof(msg)), SQLITE_OK);
	snprintf(expect, sizeof(expect), "caredesk: %s changed outside a caredesk action", t);
	ck_assert_msg(strstr(msg, expect), "%s: %s", t, msg);
}
END_TEST

START_TEST(test_guard_person)
{
	sqlite3 *db = env.r->db;
	char msg[512], person[UUID_STR_LEN];
	struct tl_snap before;

	tl_person(env.r, "Nowak", "Ewa", "1966-02-02", person);
	tl_snap(env.r, &before);
	ck_assert_int_ne(tl_exec_rc(db, RAW_PERSON, msg, sizeof(msg)), SQLITE_OK);
	ck_assert_msg(strstr(msg, "outside a caredesk action"), "%s", msg);
	ck_assert_int_ne(tl_exec_rc(db, "UPDATE person SET family_name = 'Novak'", msg, sizeof(msg)),
			 SQLITE_OK);
	ck_assert_msg(strstr(msg, "outside a caredesk action"), "%s", msg);
	ck_assert_int_ne(tl_exec_rc(db, "DELETE FROM person", msg, sizeof(msg)), SQLITE_OK);
	ck_assert_msg(strstr(msg, "outside a caredesk action"), "%s", msg);
	ck_assert_int_ne(tl_exec_rc(db, "UPDATE worker SET active = 0", msg, sizeof(msg)), SQLITE_OK);
	ck_assert_msg(strstr(msg, "worker changed outside a caredesk action"), "%s", msg);
	tl_assert_unchanged(env.r, &before);
}
END_TEST

/* Records for every append-only table, made the proper way. */
static void make_append_only_rows(struct replica *r)
{
	char person[UUID_STR_LEN], referral[UUID_STR_LEN], item[UUID_STR_LEN];
	struct note_input note = { .kind = "contact", .body = "Phoned the GP." };
	struct handover_input ho = { .sbar = { "S", "B", "A", "R" }, .priority = "amber" };
	struct cd_error err;

	cd_error_clear(&err);
	tl_person_referral(r, person, referral);
	note.person_id = person;
	ck_assert_msg(note_add(r, &note, NULL, &err) == 0, "%s", err.msg);
	ck_assert_msg(handover_add(r, &ho, item, &err) == 0, "%s", err.msg);
	tl_worker(r, "reader", TL_ADMIN_TEAM, "duty", NULL);
	tl_act_as(r, "reader");
	ck_assert_msg(handover_ack(r, item, "Read back in full", &err) == 0, "%s", err.msg);
	tl_act_as(r, TL_ADMIN);
	ck_assert_msg(referral_triage(r, referral, "green", NULL, NULL, &err) == 0, "%s", err.msg);
	ck_assert_msg(referral_allocate(r, referral, TL_ADMIN, &err) == 0, "%s", err.msg);
}

static const struct {
	const char *table;
	const char *sql;
} append_only_cases[] = {
	{ "note", "UPDATE note SET body = 'rewritten'" },
	{ "note", "DELETE FROM note" },
	{ "handover_ack", "UPDATE handover_ack SET readback = 'rewritten'" },
	{ "handover_ack", "DELETE FROM handover_ack" },
	{ "audit_event", "UPDATE audit_event SET detail = 'rewritten'" },
	{ "audit_event", "DELETE FROM audit_event" },
	{ "handover_item", "UPDATE handover_item SET situation = 'rewritten'" },
	{ "handover_item", "DELETE FROM handover_item" },
	{ "allocation", "UPDATE allocation SET reason = 'rewritten'" },
	{ "allocation", "DELETE FROM allocation" },
};

START_TEST(test_append_only)
{
	sqlite3 *db = env.r->db;
	char msg[512], sql[128], expect[96];
	struct tl_snap before;

	make_append_only_rows(env.r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", append_only_cases[_i].table);
	ck_assert_int_ge(tl_int(db, sql, NULL), 1);
	tl_snap(env.r, &before);
	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	ck_assert_int_ne(tl_exec_rc(db, append_only_cases[_i].sql, msg, sizeof(msg)), SQLITE_OK);
	snprintf(expect, sizeof(expect), "caredesk: %s is append-only", append_only_cases[_i].table);
	ck_assert_msg(strstr(msg, expect), "%s: %s", append_only_cases[_i].sql, msg);
	tl_exec(db, "ROLLBACK");
	tl_assert_unchanged(env.r, &before);
}
END_TEST

/* A raw write inside a context is captured; one marked as the pull
 * applier's own (capture = 0) is not. */
START_TEST(test_capture_flag)
{
	sqlite3 *db = env.r->db;
	struct tl_snap before;

	tl_snap(env.r, &before);
	tl_exec(db, "BEGIN");
	tl_exec(db, "INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, capture) "
		"VALUES (1, 'pull-1', 'sync', 'pull', 2, '2026-12-31T12:00:00Z', 0)");
	tl_exec(db, RAW_PERSON);
	tl_exec(db, "UPDATE person SET family_name = 'Pulled' WHERE id = 'raw-person'");
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM person WHERE id = 'raw-person'", NULL), 1);
	ck_assert_int_eq(tl_int(db, "SELECT coalesce(max(seq), 0) FROM outbox", NULL),
			 before.outbox_seq);

	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	tl_exec(db, "UPDATE person SET family_name = 'Edited', version = version + 1 "
		"WHERE id = 'raw-person'");
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
	ck_assert_int_eq(tl_outbox_count(env.r, &before, "person", "update", "raw-person"), 1);
	ck_assert_int_eq(tl_int(db, "SELECT count(*) FROM outbox WHERE seq > 0 AND txn_id = 'raw-txn' "
				"AND worker = 'sqlite3' AND base_version = 1 AND changes = "
				"'{\"family_name\":[\"Pulled\",\"Edited\"]}'", NULL), 1);
}
END_TEST

/* --- audit anchors (issue 15) ------------------------------------------------ */

/* This replica's chain head, as central would record it after a push. */
static long long own_head(char hash[AUDIT_HASH_LEN])
{
	long long seq = tl_int(env.r->db, "SELECT max(seq) FROM audit_event WHERE origin = ?1",
			       env.r->replica_id, NULL);
	char seqs[24];

	snprintf(seqs, sizeof(seqs), "%lld", seq);
	tl_text(env.r->db, hash, AUDIT_HASH_LEN, "SELECT hash FROM audit_event WHERE origin = ?1 "
		"AND seq = ?2", env.r->replica_id, seqs, NULL);
	return seq;
}

/* A replica with several events of its own, anchored at its head as a
 * sync would leave it; returns the anchored seq. */
static long long anchored_replica(void)
{
	char hash[AUDIT_HASH_LEN];
	struct cd_error err;
	long long seq;

	tl_worker(env.r, "duty.north", "north-duty", "duty", NULL);
	tl_worker(env.r, "prac.north", "north-adults", "practitioner", NULL);
	seq = own_head(hash);
	ck_assert_int_ge(seq, 3);
	cd_error_clear(&err);
	ck_assert_msg(sync_record_anchor(env.r, env.r->replica_id, seq, hash, "central-1", &err) == 0,
		      "%s", err.msg);
	return seq;
}

/* The append-only triggers of audit_event, lifted for a raw edit (inside
 * a context, as someone who knows the schema would write) and put back
 * exactly as they were, so only the edit is left for check to see. */
struct lifted {
	char update_sql[1024], delete_sql[1024];
};

static void lift_audit_triggers(sqlite3 *db, struct lifted *l)
{
	tl_text(db, l->update_sql, sizeof(l->update_sql), "SELECT sql FROM sqlite_schema WHERE "
		"name = 'cap_audit_event_append_only_1'", NULL);
	tl_text(db, l->delete_sql, sizeof(l->delete_sql), "SELECT sql FROM sqlite_schema WHERE "
		"name = 'cap_audit_event_append_only_2'", NULL);
	ck_assert(l->update_sql[0] && l->delete_sql[0]);
	tl_exec(db, "BEGIN");
	tl_exec(db, RAW_CONTEXT);
	tl_exec(db, "DROP TRIGGER cap_audit_event_append_only_1");
	tl_exec(db, "DROP TRIGGER cap_audit_event_append_only_2");
}

static void restore_audit_triggers(sqlite3 *db, const struct lifted *l)
{
	tl_exec(db, l->update_sql);
	tl_exec(db, l->delete_sql);
	tl_exec(db, "DELETE FROM txn_context");
	tl_exec(db, "COMMIT");
}

/* Recompute every hash of ORIGIN's chain from seq 1, as audit_hash does,
 * so that the chain links and hashes again after an edit. */
static void rehash_chain(sqlite3 *db, const char *origin)
{
	char prev[AUDIT_HASH_LEN] = "0000000000000000000000000000000000000000000000000000000000000000";
	long long last = tl_int(db, "SELECT coalesce(max(seq), 0) FROM audit_event WHERE origin = ?1",
				origin, NULL);
	sqlite3_stmt *get, *set;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT id, seq, at, actor, worker, action, tbl, "
					    "record_id, detail, locality FROM audit_event WHERE "
					    "origin = ?1 AND seq = ?2", -1, &get, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE audit_event SET prev_hash = ?1, hash = ?2 "
					    "WHERE id = ?3", -1, &set, NULL), SQLITE_OK);
	for (long long seq = 1; seq <= last; seq++) {
		char hash[AUDIT_HASH_LEN];
		struct audit_fields f;

		sqlite3_bind_text(get, 1, origin, -1, SQLITE_STATIC);
		sqlite3_bind_int64(get, 2, seq);
		if (sqlite3_step(get) != SQLITE_ROW) {
			sqlite3_reset(get);
			continue;
		}
		f = (struct audit_fields){ .prev_hash = prev, .id = column_text(get, 0),
			.origin = origin, .seq = column_text(get, 1), .at = column_text(get, 2),
			.actor = column_text(get, 3), .worker = column_text(get, 4),
			.action = column_text(get, 5), .tbl = column_text(get, 6),
			.record_id = column_text(get, 7), .detail = column_text(get, 8),
			.locality = column_text(get, 9) };
		audit_hash(&f, hash);
		sqlite3_bind_text(set, 1, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(set, 2, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(set, 3, f.id, -1, SQLITE_TRANSIENT);
		sqlite3_reset(get);
		ck_assert_int_eq(sqlite3_step(set), SQLITE_DONE);
		sqlite3_reset(set);
		snprintf(prev, sizeof(prev), "%s", hash);
	}
	sqlite3_finalize(get);
	sqlite3_finalize(set);
}

/* Edit (SQL, run with the triggers lifted) and rehash this replica's
 * chain, so that the chain alone no longer shows it. */
static void rewrite_chain(const char *sql)
{
	struct lifted l;

	lift_audit_triggers(env.r->db, &l);
	tl_exec(env.r->db, sql);
	rehash_chain(env.r->db, env.r->replica_id);
	restore_audit_triggers(env.r->db, &l);
}

/* The gap issue 15 names: an edit with every later hash recomputed passed
 * check.  With central's record of the head it is reported, and only it:
 * the chain itself links and hashes. */
START_TEST(test_anchor_rehash_reported)
{
	long long seq = anchored_replica();
	char expect[160];
	long problems = -1;
	const char *out;

	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 0, "%ld problems before the rewrite:\n%s", problems, out);
	rewrite_chain("UPDATE audit_event SET detail = 'someone else' WHERE seq = 2");
	out = tl_check(env.r, &problems);
	snprintf(expect, sizeof(expect), "problem: audit chain of %s: event %lld differs from "
		 "central's record (the chain was rewritten after it was synced)\n",
		 env.r->replica_id, seq);
	ck_assert_msg(problems == 1 && strstr(out, expect), "%ld problems:\n%s", problems, out);
}
END_TEST

/* Deleting the last events passed check too: nothing after them to be
 * out of sequence.  Any that central recorded are missed now. */
START_TEST(test_anchor_truncation_reported)
{
	long long seq = anchored_replica();
	char sql[128], expect[200];
	long problems = -1;
	const char *out;

	for (long long cut = seq; cut >= seq - 1; cut--) {
		struct lifted l;

		lift_audit_triggers(env.r->db, &l);
		snprintf(sql, sizeof(sql), "DELETE FROM audit_event WHERE seq >= %lld", cut);
		tl_exec(env.r->db, sql);
		restore_audit_triggers(env.r->db, &l);
		out = tl_check(env.r, &problems);
		snprintf(expect, sizeof(expect), "problem: audit chain of %s: event %lld, recorded at "
			 "central on " TL_NOW ", is missing here (events deleted after they were "
			 "synced)\n", env.r->replica_id, seq);
		ck_assert_msg(problems == 1 && strstr(out, expect), "cut from %lld: %ld problems:\n%s",
			      cut, problems, out);
	}
}
END_TEST

/* The limit, kept in caredesk(1): events written since the last sync have
 * no anchor, so someone who can write the file can still rewrite or
 * remove them, rehashed, unseen here (central holds what was pushed). */
START_TEST(test_anchor_unsynced_events_undetectable)
{
	long long seq = anchored_replica();
	char sql[160];
	long problems = -1;
	const char *out;

	tl_worker(env.r, "mash.north", "north-duty", "mash", NULL);
	tl_worker(env.r, "manager.north", "north-duty", "manager", NULL);
	ck_assert_int_ge(tl_int(env.r->db, "SELECT max(seq) FROM audit_event", NULL), seq + 2);
	snprintf(sql, sizeof(sql), "UPDATE audit_event SET detail = 'someone else' WHERE seq = %lld",
		 seq + 1);
	rewrite_chain(sql);
	snprintf(sql, sizeof(sql), "DELETE FROM audit_event WHERE seq > %lld", seq + 1);
	rewrite_chain(sql);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM audit_event WHERE detail = "
				"'someone else'", NULL), 1);
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 0, "%ld problems:\n%s", problems, out);
}
END_TEST

/* Central's record only moves forward, and only a change is written. */
START_TEST(test_anchor_never_goes_back)
{
	const char *id = env.r->replica_id;
	char head[AUDIT_HASH_LEN], stored[AUDIT_HASH_LEN], at[ISO_INSTANT_LEN];
	long long seq = anchored_replica();
	char seqs[24], before[48];
	sqlite3_int64 changes;
	struct cd_error err;

	own_head(head);
	snprintf(seqs, sizeof(seqs), "%lld", seq - 1);
	tl_text(env.r->db, stored, sizeof(stored), "SELECT hash FROM audit_event WHERE origin = ?1 "
		"AND seq = ?2", id, seqs, NULL);
	cd_error_clear(&err);
	ck_assert_int_eq(sync_record_anchor(env.r, id, seq - 1, stored, "central-1", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_DATAERR);
	snprintf(before, sizeof(before), "from event %lld to %lld", seq, seq - 1);
	ck_assert_msg(strstr(err.msg, "went back") && strstr(err.msg, before), "%s", err.msg);
	ck_assert_int_eq(sync_record_anchor(env.r, id, 0, "", "central-1", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_DATAERR);
	snprintf(seqs, sizeof(seqs), "%lld", seq);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM audit_anchor WHERE origin = ?1 AND "
				"seq = ?2 AND hash = ?3", id, seqs, head, NULL), 1);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM txn_context", NULL), 0);

	/* The same record again writes nothing (a write wakes every desk). */
	changes = sqlite3_total_changes64(env.r->db);
	tl_set_now(env.r, "2027-01-02T09:00:00Z");
	ck_assert_int_eq(sync_record_anchor(env.r, id, seq, head, "central-1", &err), 0);
	ck_assert_int_eq(sqlite3_total_changes64(env.r->db), changes);
	tl_text(env.r->db, at, sizeof(at), "SELECT anchored_at FROM audit_anchor", NULL);
	ck_assert_str_eq(at, TL_NOW);

	/* Forward, inside the caller's transaction (rolled back with it) and
	 * on its own. */
	tl_worker(env.r, "mash.north", "north-duty", "mash", NULL);
	seq = own_head(head);
	ck_assert_int_eq(txn_begin_uncaptured(env.r, "sync.pull", &err), 0);
	ck_assert_msg(sync_record_anchor(env.r, id, seq, head, "central-1", &err) == 0, "%s", err.msg);
	txn_rollback(env.r);
	snprintf(seqs, sizeof(seqs), "%lld", seq);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM audit_anchor WHERE seq = ?1", seqs,
				NULL), 0);
	ck_assert_msg(sync_record_anchor(env.r, id, seq, head, "central-1", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM audit_anchor WHERE origin = ?1 AND "
				"seq = ?2 AND hash = ?3 AND central = 'central-1' AND anchored_at = "
				"'2027-01-02T09:00:00Z'", id, seqs, head, NULL), 1);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM txn_context", NULL), 0);
}
END_TEST

/* A replica pointed at another central takes that central's record, even
 * one that holds fewer of its events (it starts from its own beginning):
 * only the same central may not go back. */
START_TEST(test_anchor_other_central)
{
	const char *id = env.r->replica_id;
	char head[AUDIT_HASH_LEN], first[AUDIT_HASH_LEN];
	long long seq = anchored_replica();
	struct cd_error err;

	own_head(head);
	tl_text(env.r->db, first, sizeof(first), "SELECT hash FROM audit_event WHERE origin = ?1 "
		"AND seq = 1", id, NULL);
	cd_error_clear(&err);
	ck_assert_int_eq(sync_record_anchor(env.r, id, 1, first, "central-1", &err), -1);
	ck_assert_msg(sync_record_anchor(env.r, id, 1, first, "central-2", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM audit_anchor WHERE origin = ?1 AND "
				"seq = 1 AND hash = ?2 AND central = 'central-2'", id, first, NULL), 1);
	/* From the new central it does not go back either. */
	ck_assert_int_eq(seq > 1, 1);
	ck_assert_msg(sync_record_anchor(env.r, id, seq, head, "central-2", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(sync_record_anchor(env.r, id, 1, first, "central-2", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_DATAERR);
}
END_TEST

/* The record is in the replica file: someone who rewrites the chain can
 * rewrite it too (with a context), and check is silent.  The next sync
 * stores central's record over it, and check reports the rewrite. */
START_TEST(test_anchor_forged_then_synced)
{
	long long seq = anchored_replica();
	char head[AUDIT_HASH_LEN], forged[AUDIT_HASH_LEN], expect[160];
	long problems = -1;
	struct cd_error err;
	const char *out;

	own_head(head);
	rewrite_chain("UPDATE audit_event SET detail = 'someone else' WHERE seq = 2");
	own_head(forged);
	ck_assert_str_ne(forged, head);
	tl_exec(env.r->db, "BEGIN");
	tl_exec(env.r->db, RAW_CONTEXT);
	tl_exec(env.r->db, "UPDATE audit_anchor SET hash = (SELECT hash FROM audit_event e WHERE "
		"e.origin = audit_anchor.origin AND e.seq = audit_anchor.seq)");
	tl_exec(env.r->db, "DELETE FROM txn_context");
	tl_exec(env.r->db, "COMMIT");
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 0, "%ld problems:\n%s", problems, out);

	cd_error_clear(&err);
	ck_assert_msg(sync_record_anchor(env.r, env.r->replica_id, seq, head, "central-1", &err) == 0,
		      "%s", err.msg);
	out = tl_check(env.r, &problems);
	snprintf(expect, sizeof(expect), "event %lld differs from central's record", seq);
	ck_assert_msg(problems == 1 && strstr(out, expect), "%ld problems:\n%s", problems, out);
}
END_TEST

/* What central says arrives from the network: a hash that is no hash, or
 * a record naming no origin or central, is refused and stores nothing;
 * seq 0 (central holds none of the chain) stores nothing either. */
static const struct {
	const char *origin, *hash, *central;
	long long seq;
} anchor_refusals[] = {
	{ "o-1", "not-a-hash", "central-1", 3 },
	{ "o-1", "ABCDEF0000000000000000000000000000000000000000000000000000000000", "central-1", 3 },
	{ "o-1", "00000000000000000000000000000000000000000000000000000000000000001", "central-1",
	  3 },
	{ "", "0000000000000000000000000000000000000000000000000000000000000000", "central-1", 3 },
	{ "o-1", "0000000000000000000000000000000000000000000000000000000000000000", "", 3 },
	{ "o-1", "0000000000000000000000000000000000000000000000000000000000000000", "central-1",
	  -1 },
};

START_TEST(test_anchor_refusals)
{
	struct cd_error err;

	cd_error_clear(&err);
	ck_assert_int_eq(sync_record_anchor(env.r, anchor_refusals[_i].origin, anchor_refusals[_i].seq,
					    anchor_refusals[_i].hash, anchor_refusals[_i].central,
					    &err), -1);
	ck_assert_int_eq(err.code, CD_EX_DATAERR);
	ck_assert_int_eq(sync_record_anchor(env.r, "o-1", 0, "", "central-1", &err), 0);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM audit_anchor", NULL), 0);
}
END_TEST

/* The anchor is guarded as replica_meta is: a stray sqlite3 write to it
 * is refused. */
START_TEST(test_anchor_guard)
{
	char msg[512];

	anchored_replica();
	ck_assert_int_ne(tl_exec_rc(env.r->db, "UPDATE audit_anchor SET seq = 1", msg, sizeof(msg)),
			 SQLITE_OK);
	ck_assert_msg(strstr(msg, "caredesk: audit_anchor changed outside a caredesk action"), "%s",
		      msg);
	ck_assert_int_ne(tl_exec_rc(env.r->db, "DELETE FROM audit_anchor", msg, sizeof(msg)),
			 SQLITE_OK);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM audit_anchor", NULL), 1);
}
END_TEST

/* --- bulk loading -------------------------------------------------------- */

START_TEST(test_bulk_mode)
{
	struct person_input in = { .family_name = "Bulk", .given_name = "Loaded",
		.date_of_birth = "1990-01-01" };
	char mode[32], a[UUID_STR_LEN], b[UUID_STR_LEN], c[UUID_STR_LEN];
	struct cd_error err;
	long problems = -1, triggers, outbox;
	const char *out;
	const char *count_triggers = "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
				     "AND name GLOB 'cap_*'";

	cd_error_clear(&err);
	triggers = tl_int(env.r->db, count_triggers, NULL);
	outbox = tl_int(env.r->db, "SELECT count(*) FROM outbox", NULL);
	ck_assert_int_gt(triggers, 10);
	ck_assert_msg(replica_bulk_mode(env.r, true, &err) == 0, "%s", err.msg);
	ck_assert(env.r->bulk);
	tl_text(env.r->db, mode, sizeof(mode), "PRAGMA journal_mode", NULL);
	ck_assert_str_eq(mode, "memory");
	ck_assert_int_eq(tl_int(env.r->db, "PRAGMA foreign_keys", NULL), 0);
	ck_assert_int_eq(tl_int(env.r->db, count_triggers, NULL), 0);

	/* A load is not captured: a captured outermost action is refused. */
	ck_assert_int_eq(txn_begin(env.r, "generate", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_SOFTWARE);
	ck_assert_int_eq(env.r->txn_depth, 0);
	cd_error_clear(&err);
	ck_assert_int_eq(txn_begin_uncaptured(env.r, "generate", &err), 0);
	ck_assert_int_eq(person_create(env.r, &in, a, &err), 0);
	ck_assert_int_eq(person_create(env.r, &in, b, &err), 0);
	ck_assert_int_eq(env.r->txn_depth, 1);
	ck_assert_int_eq(audit_append(env.r, "generate", "", "", "", &err), 0);
	ck_assert_int_eq(txn_commit(env.r, &err), 0);

	ck_assert_msg(replica_bulk_mode(env.r, false, &err) == 0, "%s", err.msg);
	ck_assert(!env.r->bulk);
	tl_text(env.r->db, mode, sizeof(mode), "PRAGMA journal_mode", NULL);
	ck_assert_str_eq(mode, "wal");
	ck_assert_int_eq(tl_int(env.r->db, "PRAGMA foreign_keys", NULL), 1);
	ck_assert_int_eq(tl_int(env.r->db, "PRAGMA synchronous", NULL), 1);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM person WHERE id IN (?1, ?2)", a, b,
				NULL), 2);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM outbox", NULL), outbox);
	/* The triggers are back: the next action is captured and guarded. */
	ck_assert_int_eq(tl_int(env.r->db, count_triggers, NULL), triggers);
	ck_assert_int_eq(person_create(env.r, &in, c, &err), 0);
	ck_assert_int_eq(tl_int(env.r->db, "SELECT count(*) FROM outbox WHERE row_id = ?1", c,
				NULL), 1);
	ck_assert_int_ne(sqlite3_exec(env.r->db, "DELETE FROM person", NULL, NULL, NULL),
			 SQLITE_OK);
	out = tl_check(env.r, &problems);
	ck_assert_msg(problems == 0, "%s", out);
}
END_TEST

/* Without savepoints a failing nested action abandons the whole load. */
START_TEST(test_bulk_mode_failure_abandons_load)
{
	struct person_input in = { .nhs_number = "9434765919", .family_name = "Bulk",
		.given_name = "Loaded", .date_of_birth = "1990-01-01" };
	struct cd_error err;
	struct tl_snap before;

	cd_error_clear(&err);
	tl_snap(env.r, &before);
	ck_assert_int_eq(replica_bulk_mode(env.r, true, &err), 0);
	ck_assert_int_eq(txn_begin_uncaptured(env.r, "generate", &err), 0);
	ck_assert_int_eq(person_create(env.r, &in, NULL, &err), 0);
	ck_assert_int_eq(person_create(env.r, &in, NULL, &err), -1);	/* same NHS number */
	ck_assert_int_eq(env.r->txn_depth, 0);
	ck_assert(sqlite3_get_autocommit(env.r->db));
	ck_assert_int_eq(replica_bulk_mode(env.r, false, &err), 0);
	tl_assert_unchanged(env.r, &before);
}
END_TEST

/* Foreign keys are checked once, when bulk mode ends. */
START_TEST(test_bulk_mode_checks_references)
{
	struct cd_error err;

	cd_error_clear(&err);
	ck_assert_int_eq(replica_bulk_mode(env.r, true, &err), 0);
	ck_assert_int_eq(txn_begin_uncaptured(env.r, "generate", &err), 0);
	tl_exec(env.r->db, "INSERT INTO note (id, person_id, author, kind, body, created_at, "
		"locality) VALUES ('n1', 'nobody', (SELECT id FROM worker), 'case-note', 'x', 'x', "
		"'north')");
	ck_assert_int_eq(txn_commit(env.r, &err), 0);
	ck_assert_int_eq(replica_bulk_mode(env.r, false, &err), -1);
	ck_assert_msg(strstr(err.msg, "note") && strstr(err.msg, "person"), "%s", err.msg);
}
END_TEST

static Suite *replica_suite(void)
{
	Suite *s = suite_create("replica");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_create_and_init);
	tcase_add_test(tc, test_init_unknown_locality);
	tcase_add_test(tc, test_init_without_data);
	tcase_add_test(tc, test_newer_version_refused);
	tcase_add_test(tc, test_missing_file_without_create);
	tcase_add_test(tc, test_not_a_database_refused);
	tcase_add_test(tc, test_unrelated_database_refused);
	tcase_add_test(tc, test_create_in_missing_directory);
	suite_add_tcase(s, tc);

	tc = tcase_create("replica");
	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reopen_is_idempotent);
	tcase_add_test(tc, test_file_replaced_under_open_replica);
	tcase_add_test(tc, test_init_twice_refused);
	tcase_add_test(tc, test_pragmas);
	tcase_add_test(tc, test_foreign_keys_enforced);
	tcase_add_loop_test(tc, test_reference_data, 0, N_CASES(reference_cases));
	tcase_add_test(tc, test_reference_shape);
	tcase_add_test(tc, test_meta_get_set);
	tcase_add_loop_test(tc, test_meta_guard, 0, N_CASES(meta_raw_writes));
	tcase_add_test(tc, test_set_actor);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_check_fresh);
	tcase_add_test(tc, test_check_audit_altered);
	tcase_add_test(tc, test_check_audit_removed);
	tcase_add_test(tc, test_check_foreign_chain);
	tcase_add_test(tc, test_check_stray_context);
	tcase_add_test(tc, test_check_dangling_reference);
	tcase_add_loop_test(tc, test_check_dropped_trigger, 0, N_CASES(dropped_cases));
	tcase_add_test(tc, test_check_all_triggers_dropped);
	tcase_add_test(tc, test_check_meta_guard_dropped);
	suite_add_tcase(s, tc);

	tc = tcase_create("anchor");
	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_anchor_rehash_reported);
	tcase_add_test(tc, test_anchor_truncation_reported);
	tcase_add_test(tc, test_anchor_unsynced_events_undetectable);
	tcase_add_test(tc, test_anchor_never_goes_back);
	tcase_add_test(tc, test_anchor_forged_then_synced);
	tcase_add_test(tc, test_anchor_other_central);
	tcase_add_loop_test(tc, test_anchor_refusals, 0, N_CASES(anchor_refusals));
	tcase_add_test(tc, test_anchor_guard);
	suite_add_tcase(s, tc);

	tc = tcase_create("guards");
	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_guard_insert, 0, N_CASES(sync_tables));
	tcase_add_test(tc, test_guard_person);
	tcase_add_loop_test(tc, test_append_only, 0, N_CASES(append_only_cases));
	tcase_add_test(tc, test_capture_flag);
	suite_add_tcase(s, tc);

	tc = tcase_create("bulk");
	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bulk_mode);
	tcase_add_test(tc, test_bulk_mode_failure_abandons_load);
	tcase_add_test(tc, test_bulk_mode_checks_references);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(replica_suite());
	int failed;

	/* Fork mode, unless CK_FORK says otherwise (CK_FORK=no for valgrind). */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
