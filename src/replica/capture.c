/* Outbox capture triggers, generated from the schema itself.
 *
 * For every table in sync_table we create:
 *   - guard triggers that refuse any write made without a txn_context row,
 *     so an edit behind caredesk's back fails loudly instead of escaping
 *     the outbox (and the sync);
 *   - for append-only tables, triggers that refuse UPDATE and DELETE;
 *   - capture triggers that append an outbox row for each insert, update
 *     and delete, carrying the transaction id, the base version and the
 *     changed columns with old and new values, unless the transaction is
 *     the pull applier's own (txn_context.capture = 0).
 * The triggers are written from PRAGMA table_info after every migration, so
 * a column added later is captured without anyone remembering to.  Table and
 * column names come from our own schema, never from data; values are never
 * spliced into SQL. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/error.h"
#include "replica/internal.h"

/* Bookkeeping columns, never compared for conflicts and not sent as changes. */
static int is_bookkeeping(const char *col)
{
	return strcmp(col, "updated_at") == 0 || strcmp(col, "version") == 0;
}

/* A version 4 UUID from SQLite's own randomness, so the change id needs no
 * application function and the triggers work in any connection. */
#define SQL_UUID4 \
	"(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || " \
	"substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || " \
	"substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))"

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		size_t room = b->cap - b->len;
		int n;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			cd_die("formatting trigger SQL failed");
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = cd_realloc(b->s, b->cap);
	}
}

struct columns {
	char **names;
	int count;
	int has_version;
};

static void columns_free(struct columns *c)
{
	for (int i = 0; i < c->count; i++)
		free(c->names[i]);
	free(c->names);
	memset(c, 0, sizeof(*c));
}

static int columns_load(sqlite3 *db, const char *table, struct columns *c, struct cd_error *err)
{
	sqlite3_stmt *st;

	memset(c, 0, sizeof(*c));
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &st,
			       NULL) != SQLITE_OK)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		c->names = cd_realloc(c->names, (size_t)(c->count + 1) * sizeof(*c->names));
		c->names[c->count++] = cd_strdup(name);
		if (strcmp(name, "version") == 0)
			c->has_version = 1;
	}
	sqlite3_finalize(st);
	if (c->count == 0)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "sync_table names '%s', which has no columns",
				    table);
	return 0;
}

static void add_guards(struct strbuf *b, const char *t, int append_only)
{
	static const char *const ops[] = { "INSERT", "UPDATE", "DELETE" };

	for (int i = 0; i < 3; i++) {
		sb_add(b, "CREATE TRIGGER \"cap_%s_guard_%d\" BEFORE %s ON \"%s\" "
			  "WHEN NOT EXISTS (SELECT 1 FROM txn_context) BEGIN SELECT RAISE(ABORT, "
			  "'caredesk: %s changed outside a caredesk action (no txn_context); "
			  "use the caredesk commands'); END;\n", t, i, ops[i], t, t);
	}
	if (!append_only)
		return;
	for (int i = 1; i < 3; i++) {
		sb_add(b, "CREATE TRIGGER \"cap_%s_append_only_%d\" BEFORE %s ON \"%s\" BEGIN "
			  "SELECT RAISE(ABORT, 'caredesk: %s is append-only: add a new record "
			  "instead'); END;\n", t, i, ops[i], t, t);
	}
}

/* Whether the outbox has its action column yet (migration 5 adds it; the
 * triggers of earlier migrations are made without it). */
static bool outbox_action;

static void add_outbox_insert(struct strbuf *b, const char *t, const char *op,
			      const char *base_version, const char *changes, const char *extra_where)
{
	sb_add(b, "INSERT INTO outbox (change_id, txn_id, tbl, row_id, op, base_version, changes, "
		  "worker, schema_version, created_at%s) SELECT %s, c.txn_id, '%s', %s, '%s', %s, %s, "
		  "c.worker, c.schema_version, c.at%s FROM txn_context c%s;",
	       outbox_action ? ", action" : "", SQL_UUID4, t,
	       strcmp(op, "delete") ? "NEW.id" : "OLD.id", op, base_version, changes,
	       outbox_action ? ", c.action" : "", extra_where);
}

static void add_insert_capture(struct strbuf *b, const char *t, const struct columns *c)
{
	struct strbuf changes = { 0 };

	sb_add(&changes, "json_object(");
	for (int i = 0, n = 0; i < c->count; i++) {
		if (is_bookkeeping(c->names[i]))
			continue;
		sb_add(&changes, "%s'%s', json_array(NULL, NEW.\"%s\")", n++ ? ", " : "",
		       c->names[i], c->names[i]);
	}
	sb_add(&changes, ")");
	sb_add(b, "CREATE TRIGGER \"cap_%s_insert\" AFTER INSERT ON \"%s\" "
		  "WHEN (SELECT capture FROM txn_context) = 1 BEGIN ", t, t);
	add_outbox_insert(b, t, "insert", "NULL", changes.s, "");
	sb_add(b, " END;\n");
	free(changes.s);
}

static void add_update_capture(struct strbuf *b, const char *t, const struct columns *c)
{
	struct strbuf changes = { 0 };

	sb_add(&changes, ", (SELECT (SELECT json_group_object(col, json(val)) FROM (");
	for (int i = 0, n = 0; i < c->count; i++) {
		const char *col = c->names[i];

		if (is_bookkeeping(col))
			continue;
		sb_add(&changes, "%sSELECT '%s' AS col, json_array(OLD.\"%s\", NEW.\"%s\") AS val "
				 "WHERE OLD.\"%s\" IS NOT NEW.\"%s\"",
		       n++ ? " UNION ALL " : "", col, col, col, col, col);
	}
	sb_add(&changes, "))");
	sb_add(b, "CREATE TRIGGER \"cap_%s_update\" AFTER UPDATE ON \"%s\" "
		  "WHEN (SELECT capture FROM txn_context) = 1 BEGIN ", t, t);
	/* An update that changed only bookkeeping columns is not a change. */
	sb_add(&changes, " AS changes) ch WHERE ch.changes <> '{}'");
	add_outbox_insert(b, t, "update", c->has_version ? "OLD.version" : "NULL", "ch.changes",
			  changes.s);
	sb_add(b, " END;\n");
	free(changes.s);
}

static void add_delete_capture(struct strbuf *b, const char *t, const struct columns *c)
{
	struct strbuf changes = { 0 };

	sb_add(&changes, "json_object(");
	for (int i = 0, n = 0; i < c->count; i++) {
		if (is_bookkeeping(c->names[i]))
			continue;
		sb_add(&changes, "%s'%s', json_array(OLD.\"%s\", NULL)", n++ ? ", " : "",
		       c->names[i], c->names[i]);
	}
	sb_add(&changes, ")");
	sb_add(b, "CREATE TRIGGER \"cap_%s_delete\" AFTER DELETE ON \"%s\" "
		  "WHEN (SELECT capture FROM txn_context) = 1 BEGIN ", t, t);
	add_outbox_insert(b, t, "delete", c->has_version ? "OLD.version" : "NULL", changes.s, "");
	sb_add(b, " END;\n");
	free(changes.s);
}

int capture_drop(sqlite3 *db, struct cd_error *err)
{
	sqlite3_stmt *st;
	struct strbuf b = { 0 };
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'trigger' "
				   "AND name GLOB 'cap_*'", -1, &st, NULL) != SQLITE_OK)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "%s", sqlite3_errmsg(db));
	sb_add(&b, "%s", "");
	while (sqlite3_step(st) == SQLITE_ROW)
		sb_add(&b, "DROP TRIGGER \"%s\";\n", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (sqlite3_exec(db, b.s, NULL, NULL, NULL) != SQLITE_OK)
		rc = cd_error_set(err, CD_EX_SOFTWARE, NULL, "dropping triggers: %s", sqlite3_errmsg(db));
	free(b.s);
	return rc;
}

static int create_table_triggers(sqlite3 *db, const char *t, int append_only, struct cd_error *err)
{
	struct columns c;
	struct strbuf b = { 0 };
	int rc = 0;

	if (columns_load(db, t, &c, err))
		return -1;
	add_guards(&b, t, append_only);
	add_insert_capture(&b, t, &c);
	if (!append_only) {
		add_update_capture(&b, t, &c);
		add_delete_capture(&b, t, &c);
	}
	if (sqlite3_exec(db, b.s, NULL, NULL, NULL) != SQLITE_OK)
		rc = cd_error_set(err, CD_EX_SOFTWARE, NULL, "creating capture triggers on %s: %s", t,
				  sqlite3_errmsg(db));
	free(b.s);
	columns_free(&c);
	return rc;
}

int capture_regenerate(sqlite3 *db, struct cd_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	outbox_action = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('outbox') WHERE name = 'action'",
			       -1, &st, NULL) == SQLITE_OK) {
		outbox_action = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}

	if (capture_drop(db, err))
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT name, append_only FROM sync_table ORDER BY name", -1,
			       &st, NULL) != SQLITE_OK)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "%s", sqlite3_errmsg(db));
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char *t = cd_strdup((const char *)sqlite3_column_text(st, 0));

		rc = create_table_triggers(db, t, sqlite3_column_int(st, 1), err);
		free(t);
	}
	sqlite3_finalize(st);
	return rc;
}
