/* `caredesk check`: is this replica whole?
 *
 * SQLite's quick_check and foreign_key_check for the file itself, then our
 * own invariants: each origin's audit chain links and hashes correctly, no
 * txn_context row outlived its transaction, and every synced table has its
 * capture triggers (a replica edited by an older tool might not). */
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

static void foreign_keys(struct replica *r, FILE *out, long *problems)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, "SELECT \"table\", \"parent\" FROM pragma_foreign_key_check",
			       -1, &st, NULL) != SQLITE_OK) {
		problem(out, problems, "foreign_key_check: %s", sqlite3_errmsg(r->db));
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		problem(out, problems, "a row of %s refers to a missing %s",
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
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
		struct audit_fields f = { .id = col(st, 0), .origin = col(st, 1), .seq = col(st, 2),
			.at = col(st, 3), .actor = col(st, 4), .worker = col(st, 5), .action = col(st, 6),
			.tbl = col(st, 7), .record_id = col(st, 8), .detail = col(st, 9),
			.locality = col(st, 10), .prev_hash = col(st, 11) };

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
		if (strcmp(hash, col(st, 12)) != 0)
			problem(out, problems, "audit chain of %s: event %s was altered", f.origin, f.id);
		snprintf(prev, sizeof(prev), "%s", col(st, 12));
		expect = sqlite3_column_int64(st, 2) + 1;
	}
	sqlite3_finalize(st);
}

static void stray_context(struct replica *r, FILE *out, long *problems)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT txn_id, action FROM txn_context");

	while (sqlite3_step(st) == SQLITE_ROW)
		problem(out, problems, "txn_context holds a committed row (%s, %s)", col(st, 0),
			col(st, 1));
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
		const char *table = col(st, 0);
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

int replica_check(struct replica *r, FILE *out, long *problems, struct cd_error *err)
{
	(void)err;
	*problems = 0;
	quick_check(r, out, problems);
	foreign_keys(r, out, problems);
	audit_chains(r, out, problems);
	stray_context(r, out, problems);
	capture_triggers(r, out, problems);
	return 0;
}
