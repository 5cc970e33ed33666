/* `caredesk check`: is this replica whole?
 *
 * SQLite's quick_check and foreign_key_check for the file itself, then our
 * own invariants: each origin's audit chain links and hashes correctly and
 * still holds, unchanged, the last event central recorded of it, no
 * txn_context row outlived its transaction, every synced table has its
 * capture triggers (a replica edited by an older tool might not), and the
 * schema is exactly what the migrations make: an index, a search trigger
 * or a table dropped or rewritten by hand is named, not left to show up
 * later as a slow or wrong answer. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/audit.h"
#include "replica/internal.h"

static void problem(FILE *out, long *problems, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(FILE *out, long *problems, const char *fmt, ...)
{
	va_list ap;

	fputs("problem: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	(*problems)++;
}

static void quick_check(struct replica *r, FILE *out, long *problems)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		problem(out, problems, "quick_check: %s", sqlite3_errmsg(r->db));
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		if (msg && strcmp(msg, "ok") != 0)
			problem(out, problems, "quick_check: %s", msg);
	}
	sqlite3_finalize(st);
}

int replica_damage_report(const char *path, FILE *out, long *problems)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;

	*problems = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		problem(out, problems, "%s cannot be opened: %s", path,
			db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return 0;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		problem(out, problems, "%s is damaged beyond a check of its pages: %s", path,
			sqlite3_errmsg(db));
		sqlite3_close(db);
		return 0;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		if (msg && strcmp(msg, "ok") != 0)
			problem(out, problems, "quick_check: %s", msg);
	}
	if (*problems == 0)
		problem(out, problems, "%s: %s", path, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

static void foreign_keys(struct replica *r, FILE *out, long *problems)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, "SELECT \"table\", \"parent\", rowid "
			       "FROM pragma_foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
		problem(out, problems, "foreign_key_check: %s", sqlite3_errmsg(r->db));
		return;
	}
	/* The rowid says which row: every table here has one. */
	while (sqlite3_step(st) == SQLITE_ROW)
		problem(out, problems, "a row of %s refers to a missing %s (rowid %lld)",
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(long long)sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
}

/* Walk every chain in (origin, seq) order: seq must count up from 1, each
 * prev_hash must be the previous hash, and each hash must recompute. */
static void audit_chains(struct replica *r, FILE *out, long *problems)
{
	sqlite3_stmt *st;
	char origin[UUID_STR_LEN + 64] = "", prev[AUDIT_HASH_LEN] = "";
	long long expect = 1;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT id, origin, seq, at, actor, worker, action, tbl, record_id, "
			       "detail, locality, prev_hash, hash FROM audit_event ORDER BY origin, seq",
			       -1, &st, NULL) != SQLITE_OK) {
		problem(out, problems, "audit: %s", sqlite3_errmsg(r->db));
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char hash[AUDIT_HASH_LEN];
		struct audit_fields f = { .id = column_text(st, 0), .origin = column_text(st, 1), .seq = column_text(st, 2),
			.at = column_text(st, 3), .actor = column_text(st, 4), .worker = column_text(st, 5), .action = column_text(st, 6),
			.tbl = column_text(st, 7), .record_id = column_text(st, 8), .detail = column_text(st, 9),
			.locality = column_text(st, 10), .prev_hash = column_text(st, 11) };

		if (strcmp(origin, f.origin) != 0) {
			snprintf(origin, sizeof(origin), "%s", f.origin);
			snprintf(prev, sizeof(prev), "%064d", 0);
			expect = 1;
		}
		if (sqlite3_column_int64(st, 2) != expect)
			problem(out, problems, "audit chain of %s: event %s is out of sequence "
				"(missing events before it?)", f.origin, f.id);
		else if (strcmp(f.prev_hash, prev) != 0)
			problem(out, problems, "audit chain of %s: event %s does not follow its "
				"predecessor", f.origin, f.id);
		audit_hash(&f, hash);
		if (strcmp(hash, column_text(st, 12)) != 0)
			problem(out, problems, "audit chain of %s: event %s was altered", f.origin, f.id);
		snprintf(prev, sizeof(prev), "%s", column_text(st, 12));
		expect = sqlite3_column_int64(st, 2) + 1;
	}
	sqlite3_finalize(st);
}

/* A chain rewritten with every later hash recomputed, or cut short, still
 * links and hashes: audit_chains cannot see it.  Central's record of each
 * chain's head (audit_anchor, stored at each sync) can: the anchored
 * event must still be here with the hash central holds, and since each
 * hash covers the one before it, audit_chains then vouches for every
 * earlier event.  Events written since the last sync have no anchor yet. */
static void audit_anchors(struct replica *r, FILE *out, long *problems)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT a.origin, a.seq, a.anchored_at, a.hash, e.hash FROM audit_anchor a "
			       "LEFT JOIN audit_event e ON e.origin = a.origin AND e.seq = a.seq "
			       "ORDER BY a.origin", -1, &st, NULL) != SQLITE_OK) {
		problem(out, problems, "audit anchors: %s", sqlite3_errmsg(r->db));
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *origin = column_text(st, 0);
		long long seq = sqlite3_column_int64(st, 1);

		if (sqlite3_column_type(st, 4) == SQLITE_NULL)
			problem(out, problems, "audit chain of %s: event %lld, recorded at central on "
				"%s, is missing here (events deleted after they were synced)", origin,
				seq, column_text(st, 2));
		else if (strcmp(column_text(st, 3), column_text(st, 4)) != 0)
			problem(out, problems, "audit chain of %s: event %lld differs from central's "
				"record (the chain was rewritten after it was synced)", origin, seq);
	}
	sqlite3_finalize(st);
}

static void stray_context(struct replica *r, FILE *out, long *problems)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT txn_id, action FROM txn_context");

	while (sqlite3_step(st) == SQLITE_ROW)
		problem(out, problems, "txn_context holds a committed row (%s, %s)", column_text(st, 0),
			column_text(st, 1));
	sqlite3_reset(st);
}

static bool trigger_exists(struct replica *r, const char *name)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' "
					   "AND name = ?1");
	bool found;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* Every trigger capture.c makes, by name: without one, writes to that
 * table escape the guard, the append-only rule or the outbox. */
static void capture_triggers(struct replica *r, FILE *out, long *problems)
{
	static const char *const common[] = { "guard_0", "guard_1", "guard_2", "insert" };
	static const char *const mutable[] = { "update", "delete" };
	static const char *const append_only[] = { "append_only_1", "append_only_2" };
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, "SELECT name, append_only FROM sync_table ORDER BY name", -1,
			       &st, NULL) != SQLITE_OK) {
		problem(out, problems, "sync_table: %s", sqlite3_errmsg(r->db));
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *table = column_text(st, 0);
		const char *const *extra = sqlite3_column_int(st, 1) ? append_only : mutable;
		char name[128];

		for (int i = 0; i < 6; i++) {
			snprintf(name, sizeof(name), "cap_%s_%s", table, i < 4 ? common[i] : extra[i - 4]);
			if (!trigger_exists(r, name))
				problem(out, problems, "table %s is missing trigger %s (its changes would "
					"escape the checks or the sync)", table, name);
		}
	}
	sqlite3_finalize(st);
}

enum schema_match { SCHEMA_ABSENT, SCHEMA_SAME, SCHEMA_DIFFERENT };

/* Is there an object NAME through LOOKUP's connection, of TYPE and with
 * this SQL text (NULL: any)? */
static enum schema_match schema_object(sqlite3_stmt *lookup, const char *name, const char *type,
				       const char *sql)
{
	enum schema_match m = SCHEMA_ABSENT;

	sqlite3_bind_text(lookup, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(lookup) == SQLITE_ROW)
		m = strcmp(column_text(lookup, 0), type) == 0 && (!sql || strcmp(column_text(lookup, 1), sql) == 0)
			    ? SCHEMA_SAME : SCHEMA_DIFFERENT;
	sqlite3_reset(lookup);
	return m;
}

/* Statistics tables come and go with PRAGMA optimize; they are not schema. */
#define SCHEMA_SQL "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema " \
	"WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name"
#define LOOKUP_SQL "SELECT type, coalesce(sql, '') FROM sqlite_schema WHERE name = ?1"

/* Walk every object of FROM's schema and look it up in TO's.  With
 * FROM the expected schema, each must be present and unchanged (a missing
 * capture trigger is left to capture_triggers, which says what its loss
 * means; a changed one, a guard emptied say, is reported here).  With FROM
 * the replica, each must be one the migrations make: a trigger or table
 * added by hand could change or leak what caredesk writes. */
static void schema_walk(sqlite3 *from, sqlite3 *to, bool from_expected, FILE *out,
			long *problems)
{
	sqlite3_stmt *all, *lookup;

	if (sqlite3_prepare_v2(from, SCHEMA_SQL, -1, &all, NULL) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(to, LOOKUP_SQL, -1, &lookup, NULL) != SQLITE_OK) {
		sqlite3_finalize(all);
		return;
	}
	while (sqlite3_step(all) == SQLITE_ROW) {
		const char *type = column_text(all, 0), *name = column_text(all, 1), *tbl = column_text(all, 2);
		enum schema_match m = schema_object(lookup, name, type,
						    from_expected ? column_text(all, 3) : NULL);

		if (!from_expected) {
			if (m == SCHEMA_ABSENT)
				problem(out, problems, "%s %s on table %s is not one the migrations "
					"make", type, name, tbl);
		} else if (m == SCHEMA_DIFFERENT)
			problem(out, problems, "%s %s of table %s differs from the one the "
				"migrations make (changed by hand?)", type, name, tbl);
		else if (m == SCHEMA_ABSENT &&
			 (strcmp(type, "trigger") != 0 || strncmp(name, "cap_", 4) != 0))
			problem(out, problems, "table %s is missing %s %s (the migrations make it)",
				tbl, type, name);
	}
	sqlite3_finalize(lookup);
	sqlite3_finalize(all);
}

/* Compare the replica's schema with a fresh one built in memory by the
 * same migrations (and capture triggers) up to the replica's version. */
static int schema_matches(struct replica *r, FILE *out, long *problems, struct cd_error *err)
{
	sqlite3 *want = NULL;

	if (sqlite3_open_v2(":memory:", &want, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		sqlite3_close(want);
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "cannot open a scratch database");
	}
	if (replica_migrate(want, r->schema_version, err)) {
		sqlite3_close(want);
		return -1;
	}
	schema_walk(want, r->db, true, out, problems);
	schema_walk(r->db, want, false, out, problems);
	sqlite3_close(want);
	return 0;
}

int replica_check(struct replica *r, FILE *out, long *problems, struct cd_error *err)
{
	*problems = 0;
	quick_check(r, out, problems);
	foreign_keys(r, out, problems);
	audit_chains(r, out, problems);
	audit_anchors(r, out, problems);
	stray_context(r, out, problems);
	capture_triggers(r, out, problems);
	return schema_matches(r, out, problems, err);
}
