/* Synced records as JSON rows (see sync_rows.h).
 *
 * For each table in sync_table the SQL to read a row as one JSON object
 * and to write one back is generated from PRAGMA table_info the first time
 * it is needed, and kept for the life of the replica, so replica_stmt can
 * cache the prepared statements by their (stable) text.  Names come from
 * our own schema only; every value is bound. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/datetime.h"
#include "caredesk/sync_rows.h"
#include "replica/internal.h"

struct sync_table_def {
	char *name;
	bool append_only, has_version;
	char **cols;
	int ncols;
	char *select_sql;	/* SELECT json_object(...) FROM t WHERE id = ?1 */
	char *insert_sql;	/* INSERT INTO t (...) VALUES (?1 ->> '$.c', ...) */
	char *store_sql;	/* insert, or update when newer (pull) */
	char *delete_sql;
	char *bump_sql;
	char *patch_sql;	/* set the columns named in a JSON object, all at once */
	char *refs_sql;		/* 1 if every reference of the record holds */
};

struct sync_tables {
	struct sync_table_def *t;
	int count;
};

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		cd_die("out of memory");
	return s;
}

/* s = s + piece; both owned by the caller, piece freed. */
static char *append(char *s, char *piece)
{
	char *out = format("%s%s", s ? s : "", piece);

	free(s);
	free(piece);
	return out;
}

static void load_columns(sqlite3 *db, struct sync_table_def *t)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &st,
			       NULL) != SQLITE_OK)
		cd_die("reading the columns of %s: %s", t->name, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);

		t->cols = cd_realloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*t->cols));
		t->cols[t->ncols++] = cd_strdup(col);
		if (strcmp(col, "version") == 0)
			t->has_version = true;
	}
	sqlite3_finalize(st);
}

/* "a IS NULL OR EXISTS (...) AND ..." for every foreign key of the table,
 * over a record's JSON: a pulled record is checked before it is stored
 * (PRAGMA foreign_key_check would read every row: 8M notes on the L
 * tier, and append-only records cannot be taken out again). */
static char *references_sql(sqlite3 *db, const struct sync_table_def *t)
{
	sqlite3_stmt *st;
	char *cond = NULL;

	if (sqlite3_prepare_v2(db, "SELECT \"table\", \"from\", coalesce(\"to\", 'rowid') "
			       "FROM pragma_foreign_key_list(?1)", -1, &st, NULL) != SQLITE_OK)
		cd_die("reading the references of %s: %s", t->name, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *parent = (const char *)sqlite3_column_text(st, 0);
		const char *from = (const char *)sqlite3_column_text(st, 1);
		const char *to = (const char *)sqlite3_column_text(st, 2);

		cond = append(cond, format("%s(?1 ->> '$.\"%s\"' IS NULL OR EXISTS (SELECT 1 FROM "
					   "\"%s\" p WHERE p.\"%s\" = ?1 ->> '$.\"%s\"'))",
					   cond ? " AND " : "", from, parent, to, from));
	}
	sqlite3_finalize(st);
	char *sql;

	if (!cond)
		cond = format("1");
	sql = format("SELECT %s", cond);
	free(cond);
	return sql;
}

static void build_sql(struct sync_table_def *t)
{
	char *obj = NULL, *cols = NULL, *vals = NULL, *sets = NULL, *patch = NULL;

	for (int i = 0; i < t->ncols; i++) {
		const char *c = t->cols[i], *sep = i ? ", " : "";

		obj = append(obj, format("%s'%s', \"%s\"", sep, c, c));
		cols = append(cols, format("%s\"%s\"", sep, c));
		vals = append(vals, format("%s?1 ->> '$.\"%s\"'", sep, c));
		sets = append(sets, format("%s\"%s\" = excluded.\"%s\"", sep, c, c));
		patch = append(patch, format("%s\"%s\" = CASE WHEN json_type(?2, '$.\"%s\"') IS NULL "
					     "THEN \"%s\" ELSE json_extract(?2, '$.\"%s\"') END",
					     sep, c, c, c, c));
	}
	t->select_sql = format("SELECT json_object(%s) FROM \"%s\" WHERE id = ?1", obj, t->name);
	t->insert_sql = format("INSERT INTO \"%s\" (%s) VALUES (%s)", t->name, cols, vals);
	if (t->has_version)
		t->store_sql = format("INSERT INTO \"%s\" (%s) VALUES (%s) ON CONFLICT (id) DO UPDATE "
				      "SET %s WHERE excluded.version > \"%s\".version", t->name, cols,
				      vals, sets, t->name);
	else
		t->store_sql = format("INSERT INTO \"%s\" (%s) VALUES (%s) ON CONFLICT DO NOTHING",
				      t->name, cols, vals);
	t->delete_sql = format("DELETE FROM \"%s\" WHERE id = ?1", t->name);
	t->bump_sql = t->has_version ? format("UPDATE \"%s\" SET version = version + 1, "
					      "updated_at = ?2 WHERE id = ?1", t->name)
				     : NULL;
	/* One statement, so table CHECKs see the record whole (status and
	 * allocated_to change together). */
	t->patch_sql = format("UPDATE \"%s\" SET %s WHERE id = ?1", t->name, patch);
	free(patch);
	free(obj);
	free(cols);
	free(vals);
	free(sets);
}

static struct sync_tables *load_tables(struct replica *r)
{
	struct sync_tables *all = cd_calloc(1, sizeof(*all));
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, "SELECT name, append_only FROM sync_table ORDER BY name", -1,
			       &st, NULL) != SQLITE_OK)
		cd_die("reading sync_table: %s", sqlite3_errmsg(r->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct sync_table_def *t;

		all->t = cd_realloc(all->t, (size_t)(all->count + 1) * sizeof(*all->t));
		t = &all->t[all->count++];
		memset(t, 0, sizeof(*t));
		t->name = cd_strdup((const char *)sqlite3_column_text(st, 0));
		t->append_only = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < all->count; i++) {
		load_columns(r->db, &all->t[i]);
		build_sql(&all->t[i]);
		all->t[i].refs_sql = references_sql(r->db, &all->t[i]);
	}
	return all;
}

/* The replica frees them on close (replica.h). */
static void sync_tables_free(struct sync_tables *all)
{
	if (!all)
		return;
	for (int i = 0; i < all->count; i++) {
		struct sync_table_def *t = &all->t[i];

		for (int c = 0; c < t->ncols; c++)
			free(t->cols[c]);
		free(t->cols);
		free(t->patch_sql);
		free(t->refs_sql);
		free(t->name);
		free(t->select_sql);
		free(t->insert_sql);
		free(t->store_sql);
		free(t->delete_sql);
		free(t->bump_sql);
	}
	free(all->t);
	free(all);
}

const struct sync_table_def *sync_table_find(struct replica *r, const char *name)
{
	if (!r->sync_tables) {
		r->sync_tables = load_tables(r);
		r->sync_tables_free = sync_tables_free;
	}
	for (int i = 0; name && i < r->sync_tables->count; i++)
		if (strcmp(r->sync_tables->t[i].name, name) == 0)
			return &r->sync_tables->t[i];
	return NULL;
}

bool sync_table_append_only(const struct sync_table_def *t)
{
	return t->append_only;
}

bool sync_table_has_version(const struct sync_table_def *t)
{
	return t->has_version;
}

const char *sync_table_name(const struct sync_table_def *t)
{
	return t->name;
}

int sync_table_column_count(const struct sync_table_def *t)
{
	return t->ncols;
}

const char *sync_table_column_at(const struct sync_table_def *t, int i)
{
	return i >= 0 && i < t->ncols ? t->cols[i] : NULL;
}

static int column_index(const struct sync_table_def *t, const char *name)
{
	for (int i = 0; name && i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return i;
	return -1;
}

const char *sync_table_column(const struct sync_table_def *t, const char *name)
{
	int i = column_index(t, name);

	return i < 0 ? NULL : t->cols[i];
}

int sync_row_json(struct replica *r, const struct sync_table_def *t, const char *id, char **json,
		  struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, t->select_sql);
	int rc;

	*json = NULL;
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*json = cd_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return replica_sql_error(r, err, "reading a record to sync");
}

static bool has_pending_changes(struct replica *r, const char *tbl, const char *id)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT 1 FROM outbox WHERE tbl = ?1 AND row_id = ?2 LIMIT 1");
	bool pending;

	bind_text(st, 1, tbl);
	bind_text(st, 2, id);
	pending = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return pending;
}

static bool row_id(struct replica *r, const char *row_json, char *out, size_t size)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT ?1 ->> '$.id'");
	bool ok;

	bind_text(st, 1, row_json);
	ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT;
	if (ok)
		column_copy(st, 0, out, size);
	sqlite3_reset(st);
	return ok;
}

int sync_row_store(struct replica *r, const struct sync_table_def *t, const char *row_json,
		   bool *stored, struct cd_error *err)
{
	char id[128];
	sqlite3_stmt *st;

	*stored = false;
	if (!row_id(r, row_json, id, sizeof(id)))
		return cd_error_set(err, CD_EX_PROTOCOL, t->name, "a row without an id");
	if (has_pending_changes(r, t->name, id))
		return 0;
	st = replica_stmt(r, t->store_sql);
	bind_text(st, 1, row_json);
	if (stmt_run(r, st, err, "storing a pulled record"))
		return -1;
	*stored = sqlite3_changes(r->db) > 0;
	return 0;
}

int sync_row_forget(struct replica *r, const struct sync_table_def *t, const char *id,
		    struct cd_error *err)
{
	sqlite3_stmt *st;

	if (has_pending_changes(r, t->name, id))
		return 0;
	st = replica_stmt(r, t->delete_sql);
	bind_text(st, 1, id);
	return stmt_run(r, st, err, "removing a record central no longer has");
}

int sync_row_insert(struct replica *r, const struct sync_table_def *t, const char *row_json,
		    struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, t->insert_sql);

	bind_text(st, 1, row_json);
	if (sqlite3_step(st) == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return cd_error_set(err, CD_EX_DATAERR, t->name, "%s", sqlite3_errmsg(r->db));
}

int sync_row_patch(struct replica *r, const struct sync_table_def *t, const char *id,
		   const char *patch_json, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r, t->patch_sql);

	bind_text(st, 1, id);
	bind_text(st, 2, patch_json);
	if (sqlite3_step(st) == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return cd_error_set(err, CD_EX_DATAERR, t->name, "%s", sqlite3_errmsg(r->db));
}

int sync_row_bump(struct replica *r, const struct sync_table_def *t, const char *id,
		  const char *at, struct cd_error *err)
{
	sqlite3_stmt *st;

	if (!t->bump_sql)
		return 0;
	st = replica_stmt(r, t->bump_sql);
	bind_text(st, 1, id);
	bind_text(st, 2, at);
	return stmt_run(r, st, err, "recording a synced change");
}

/* --- a pull's checkpoint ----------------------------------------------------- */

/* A pulled record waiting for one it refers to. */
struct waiting {
	const struct sync_table_def *t;
	char *row;
};

struct sync_pull {
	struct replica *r;
	struct waiting *rows;
	int count, cap;
	bool outbox_empty;	/* then no record has local changes to keep */
	bool none_archived;	/* then no record is to be taken off sync_archived */
};

static void wait_for_references(struct sync_pull *p, const struct sync_table_def *t,
				const char *row)
{
	if (p->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->rows = cd_realloc(p->rows, (size_t)p->cap * sizeof(*p->rows));
	}
	p->rows[p->count].t = t;
	p->rows[p->count++].row = cd_strdup(row);
}

static bool references_hold(struct replica *r, const struct sync_table_def *t, const char *row)
{
	sqlite3_stmt *st = replica_stmt(r, t->refs_sql);
	bool ok;

	bind_text(st, 1, row);
	ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	return ok;
}

static int store(struct sync_pull *p, const struct sync_table_def *t, const char *id,
		 const char *row_json, bool *stored, struct cd_error *err)
{
	sqlite3_stmt *st;

	*stored = false;
	if (!p->outbox_empty && has_pending_changes(p->r, t->name, id))
		return 0;
	st = replica_stmt(p->r, t->store_sql);
	bind_text(st, 1, row_json);
	if (stmt_run(p->r, st, err, "storing a pulled record"))
		return -1;
	*stored = sqlite3_changes(p->r->db) > 0;
	return 0;
}

/* A record central sends in full is in this replica's scope (again). */
static int unarchive(struct sync_pull *p, const struct sync_table_def *t, const char *id,
		     struct cd_error *err)
{
	sqlite3_stmt *st;

	if (p->none_archived)
		return 0;
	st = replica_stmt(p->r, "DELETE FROM sync_archived WHERE tbl = ?1 AND row_id = ?2");
	bind_text(st, 1, t->name);
	bind_text(st, 2, id);
	return stmt_run(p->r, st, err, "taking a record back from the archive");
}

int sync_pull_store(struct sync_pull *p, const struct sync_table_def *t, const char *id,
		    const char *row_json, bool *stored, struct cd_error *err)
{
	*stored = false;
	if (unarchive(p, t, id, err))
		return -1;
	if (!references_hold(p->r, t, row_json)) {
		wait_for_references(p, t, row_json);
		return 0;
	}
	return store(p, t, id, row_json, stored, err);
}

int sync_pull_archive(struct sync_pull *p, const struct sync_table_def *t, const char *id,
		      const char *moved_to, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN], *row = NULL;
	sqlite3_stmt *st;
	int held = sync_row_json(p->r, t, id, &row, err);

	free(row);
	if (held != 0)		/* never held here (or unreadable): nothing to keep */
		return held < 0 ? -1 : 0;
	instant_format(now_instant(), now);
	st = replica_stmt(p->r, "INSERT INTO sync_archived (tbl, row_id, moved_to, archived_at) "
				"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tbl, row_id) DO UPDATE "
				"SET moved_to = excluded.moved_to");
	bind_text(st, 1, t->name);
	bind_text(st, 2, id);
	bind_text(st, 3, moved_to);
	bind_text(st, 4, now);
	p->none_archived = false;
	return stmt_run(p->r, st, err, "archiving a record that moved away");
}

/* Records parked by earlier pulls wait with this checkpoint's. */
static int unpark(struct sync_pull *p, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(p->r, "SELECT tbl, row FROM sync_parked ORDER BY rowid");
	int n = 0;

	while (sqlite3_step(st) == SQLITE_ROW) {
		const struct sync_table_def *t =
			sync_table_find(p->r, (const char *)sqlite3_column_text(st, 0));

		if (t)
			wait_for_references(p, t, (const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_reset(st);
	return n ? stmt_run(p->r, replica_stmt(p->r, "DELETE FROM sync_parked"), err,
			    "taking parked records back")
		 : 0;
}

struct sync_pull *sync_pull_begin(struct replica *r, struct cd_error *err)
{
	struct sync_pull *p = cd_calloc(1, sizeof(*p));
	sqlite3_stmt *st = replica_stmt(r, "SELECT NOT EXISTS (SELECT 1 FROM outbox)");

	p->r = r;
	p->outbox_empty = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	st = replica_stmt(r, "SELECT NOT EXISTS (SELECT 1 FROM sync_archived)");
	p->none_archived = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	if (unpark(p, err)) {
		sync_pull_free(p);
		return NULL;
	}
	return p;
}

static int park(struct sync_pull *p, const struct waiting *w, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN], id[128];
	sqlite3_stmt *st;

	if (!row_id(p->r, w->row, id, sizeof(id)))
		return cd_error_set(err, CD_EX_PROTOCOL, w->t->name, "a row without an id");
	st = replica_stmt(p->r,
		"INSERT INTO sync_parked (tbl, row_id, row, parked_at) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (tbl, row_id) DO UPDATE SET row = excluded.row, "
		"parked_at = excluded.parked_at");
	replica_now_iso(p->r, now);
	bind_text(st, 1, w->t->name);
	bind_text(st, 2, id);
	bind_text(st, 3, w->row);
	bind_text(st, 4, now);
	return stmt_run(p->r, st, err, "parking a record");
}

int sync_pull_finish(struct sync_pull *p, long *parked, struct cd_error *err)
{
	bool progress = true;

	*parked = 0;
	/* Each record stored may be what another was waiting for. */
	while (progress) {
		progress = false;
		for (int i = 0; i < p->count; i++) {
			struct waiting *w = &p->rows[i];
			bool stored;

			char id[128];

			if (!w->t || !references_hold(p->r, w->t, w->row))
				continue;
			if (!row_id(p->r, w->row, id, sizeof(id)))
				return cd_error_set(err, CD_EX_PROTOCOL, w->t->name, "a row without an id");
			if (store(p, w->t, id, w->row, &stored, err))
				return -1;
			w->t = NULL;
			progress = true;
		}
	}
	for (int i = 0; i < p->count; i++) {
		if (!p->rows[i].t)
			continue;
		if (park(p, &p->rows[i], err))
			return -1;
		(*parked)++;
	}
	return 0;
}

void sync_pull_free(struct sync_pull *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->count; i++)
		free(p->rows[i].row);
	free(p->rows);
	free(p);
}
