/* caredesk central init postgresql://...: make or migrate a PostgreSQL
 * central (see store_pg.c for what it holds).
 *
 * The tables follow the replica schema this binary carries, read from an
 * in-memory replica: each synced table with its columns (types mapped,
 * NOT NULL and literal defaults kept), primary key, unique keys and its
 * references between synced tables.  Checks written in SQLite's dialect
 * are not carried over; every replica applies them before a change is
 * pushed.  Running it again adds what a newer schema has (tables,
 * columns, keys) and leaves data alone.  Names in the generated DDL come
 * from our own schema; every value is a bound parameter or escaped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/ids.h"
#include "caredesk/replica.h"
#include "sync/central.h"
#include "sync/store.h"
#include "sync/store_pg.h"


struct ddl {
	PGconn *conn;
	sqlite3 *schema;	/* the in-memory replica's */
	struct cd_error *err;
};

static int run(struct ddl *d, const char *sql)
{
	return pg_exec(d->conn, sql, d->err, "making the central schema");
}

static int runf(struct ddl *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int runf(struct ddl *d, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&sql, fmt, ap);
	va_end(ap);
	if (rc < 0)
		cd_die("out of memory");
	rc = run(d, sql);
	free(sql);
	return rc;
}

static sqlite3_stmt *prepare(struct ddl *d, const char *sql, const char *table)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(d->schema, sql, -1, &st, NULL) != SQLITE_OK)
		cd_die("reading the replica schema: %s", sqlite3_errmsg(d->schema));
	if (table)
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	return st;
}

/* --- the bookkeeping tables ------------------------------------------------------ */

static const char *const bookkeeping[] = {
	"CREATE SCHEMA IF NOT EXISTS caredesk",
	"CREATE TABLE IF NOT EXISTS caredesk.central_meta (key text PRIMARY KEY, "
	"value text NOT NULL)",
	"CREATE TABLE IF NOT EXISTS caredesk.synced_table (name text PRIMARY KEY, "
	"append_only boolean NOT NULL, has_version boolean NOT NULL, columns text NOT NULL)",
	"CREATE SEQUENCE IF NOT EXISTS caredesk.central_seq",
	"CREATE TABLE IF NOT EXISTS caredesk.central_row (seq bigint NOT NULL UNIQUE, "
	"tbl text NOT NULL, row_id text NOT NULL, locality text NOT NULL, worker text NOT NULL, "
	"at text NOT NULL, PRIMARY KEY (tbl, row_id))",
	"CREATE INDEX IF NOT EXISTS central_row_by_locality ON caredesk.central_row (locality, seq)",
	"ALTER TABLE caredesk.central_row ADD COLUMN IF NOT EXISTS left_locality text",
	"CREATE INDEX IF NOT EXISTS central_row_left ON caredesk.central_row (left_locality, seq) "
	"WHERE left_locality IS NOT NULL",
	"CREATE TABLE IF NOT EXISTS caredesk.central_change (change_id text PRIMARY KEY, "
	"txn_id text NOT NULL, origin text NOT NULL, tbl text NOT NULL, row_id text NOT NULL, "
	"locality text NOT NULL, outcome text NOT NULL CHECK (outcome IN ('applied', 'merged', "
	"'conflict', 'rejected')), detail text NOT NULL, received_at text NOT NULL)",
	NULL,
};

/* central's id once; the schema version raised, never lowered. */
static int write_meta(struct ddl *d)
{
	char id[UUID_STR_LEN], version[16];
	const char *p_id[1] = { id }, *p_version[1] = { version };
	struct idgen ids = { 0 };
	PGresult *res;

	id_new(&ids, id);
	snprintf(version, sizeof(version), "%d", replica_schema_version());
	res = pg_run(d->conn, "SELECT value::int FROM caredesk.central_meta "
			      "WHERE key = 'schema_version'", 0, NULL, d->err, "reading the schema");
	if (!res)
		return -1;
	if (PQntuples(res) && atoi(PQgetvalue(res, 0, 0)) > replica_schema_version()) {
		cd_error_set(d->err, CD_EX_CONFIG, NULL, "this central has schema %s and this "
			     "caredesk %d: upgrade caredesk first", PQgetvalue(res, 0, 0),
			     replica_schema_version());
		PQclear(res);
		return -1;
	}
	PQclear(res);
	res = pg_run(d->conn, "INSERT INTO caredesk.central_meta VALUES ('central_id', $1) "
			      "ON CONFLICT (key) DO NOTHING", 1, p_id, d->err, "naming central");
	PQclear(res);
	if (!res)
		return -1;
	res = pg_run(d->conn, "INSERT INTO caredesk.central_meta VALUES ('schema_version', $1) "
			      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", 1, p_version,
		     d->err, "recording the schema");
	PQclear(res);
	if (!res)
		return -1;
	snprintf(version, sizeof(version), "%d", CENTRAL_SCHEMA_MIN);
	res = pg_run(d->conn, "INSERT INTO caredesk.central_meta VALUES ('schema_min', $1) "
			      "ON CONFLICT (key) DO UPDATE SET value = greatest(central_meta.value::int, "
			      "excluded.value::int)::text", 1, p_version, d->err,
		     "recording the oldest schema accepted");
	PQclear(res);
	return res ? 0 : -1;
}

/* --- one synced table ---------------------------------------------------------------- */

static const char *pg_type(const char *sqlite_type)
{
	if (strcmp(sqlite_type, "INTEGER") == 0)
		return "bigint";
	if (strcmp(sqlite_type, "REAL") == 0)
		return "double precision";
	if (strcmp(sqlite_type, "BLOB") == 0)
		return "bytea";
	return "text";
}

/* A default we can carry: a number, or a quoted string literal. */
static bool literal_default(const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'')
		return strchr(v + 1, '\'') == v + n - 1;
	if (*v == '-')
		v++;
	if (!*v)
		return false;
	for (; *v; v++)
		if (*v < '0' || *v > '9')
			return false;
	return true;
}

/* The table (every synced table's key is its text id), then each other
 * column, "name type NOT NULL DEFAULT ...", added if missing: a column a
 * newer schema added to a table made before it.  The comma-joined column
 * names go to *names. */
static int create_table(struct ddl *d, const char *tbl, char **names, bool *has_version)
{
	sqlite3_stmt *st = prepare(d, "SELECT name, type, \"notnull\", dflt_value "
				      "FROM pragma_table_info(?1) WHERE pk = 0 ORDER BY cid", tbl);
	char *list = cd_strdup("id");
	int rc = runf(d, "CREATE TABLE IF NOT EXISTS caredesk.\"%s\" (\"id\" text PRIMARY KEY)",
		      tbl);

	*has_version = false;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *col = column_text(st, 0), *dflt = column_text(st, 3);
		char *joined;

		rc = runf(d, "ALTER TABLE caredesk.\"%s\" ADD COLUMN IF NOT EXISTS \"%s\" %s%s%s%s",
			  tbl, col, pg_type(column_text(st, 1)),
			  sqlite3_column_int(st, 2) ? " NOT NULL" : "",
			  literal_default(dflt) ? " DEFAULT " : "", literal_default(dflt) ? dflt : "");
		if (strcmp(col, "version") == 0)
			*has_version = true;
		if (asprintf(&joined, "%s,%s", list, col) < 0)
			cd_die("out of memory");
		free(list);
		list = joined;
	}
	sqlite3_finalize(st);
	*names = list;
	return rc;
}

static int unique_keys(struct ddl *d, const char *tbl)
{
	sqlite3_stmt *st = prepare(d,
		"SELECT group_concat('\"' || ii.name || '\"', ', '), group_concat(ii.name, '_') "
		"FROM pragma_index_list(?1) il, pragma_index_info(il.name) ii "
		"WHERE il.\"unique\" = 1 AND il.origin <> 'pk' AND il.partial = 0 "
		"GROUP BY il.name", tbl);
	int rc = 0;

	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = runf(d, "CREATE UNIQUE INDEX IF NOT EXISTS \"%s_%s_key\" ON caredesk.\"%s\" (%s)",
			  tbl, column_text(st, 1), tbl, column_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

static bool constraint_exists(struct ddl *d, const char *name)
{
	const char *params[1] = { name };
	PGresult *res = pg_run(d->conn, "SELECT 1 FROM pg_constraint WHERE conname = $1 AND "
					"connamespace = 'caredesk'::regnamespace", 1, params, NULL,
			       "reading the references");
	bool found = res && PQntuples(res) > 0;

	PQclear(res);
	return found;
}

/* References between synced tables (those to the replica's own reference
 * lists, teams and codes, are the replicas' to check). */
static int references(struct ddl *d, const char *tbl)
{
	sqlite3_stmt *st = prepare(d,
		"SELECT f.\"table\", f.\"from\", coalesce(f.\"to\", 'id') "
		"FROM pragma_foreign_key_list(?1) f JOIN sync_table s ON s.name = f.\"table\"", tbl);
	int rc = 0;

	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char name[160];

		snprintf(name, sizeof(name), "%s_%s_fkey", tbl, column_text(st, 1));
		if (!constraint_exists(d, name))
			rc = runf(d, "ALTER TABLE caredesk.\"%s\" ADD CONSTRAINT \"%s\" FOREIGN KEY "
				  "(\"%s\") REFERENCES caredesk.\"%s\" (\"%s\")", tbl, name,
				  column_text(st, 1), column_text(st, 0), column_text(st, 2));
	}
	sqlite3_finalize(st);
	return rc;
}

static int describe(struct ddl *d, const char *tbl, bool append_only, bool has_version,
		    const char *names)
{
	const char *params[4] = { tbl, append_only ? "true" : "false",
				  has_version ? "true" : "false", names };
	PGresult *res = pg_run(d->conn,
		"INSERT INTO caredesk.synced_table VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO "
		"UPDATE SET append_only = excluded.append_only, has_version = excluded.has_version, "
		"columns = excluded.columns", 4, params, d->err, "describing a synced table");

	PQclear(res);
	return res ? 0 : -1;
}

static int synced_tables(struct ddl *d)
{
	sqlite3_stmt *st = prepare(d, "SELECT name, append_only FROM sync_table ORDER BY name", NULL);
	int rc = 0;

	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *tbl = column_text(st, 0);
		char *names = NULL;
		bool has_version;

		rc = create_table(d, tbl, &names, &has_version) || unique_keys(d, tbl) ||
		     describe(d, tbl, sqlite3_column_int(st, 1) != 0, has_version, names);
		free(names);
	}
	sqlite3_reset(st);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = references(d, column_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

/* --- roles and row-level security --------------------------------------------------- */

static int make_role(struct ddl *d, const char *scope, const char *name)
{
	char role[64];
	const char *params[1] = { role };
	PGresult *res;
	bool exists, member;

	if (name)
		snprintf(role, sizeof(role), "%s", name);
	else
		snprintf(role, sizeof(role), "caredesk_sync_%s", scope);
	res = pg_run(d->conn, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", 1,
		     params, d->err, "reading the roles");
	if (!res)
		return -1;
	exists = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!exists && runf(d, "CREATE ROLE %s NOLOGIN NOBYPASSRLS", role))
		return -1;
	res = pg_run(d->conn, "SELECT pg_has_role(current_user, $1, 'MEMBER')", 1, params, d->err,
		     "reading the roles");
	if (!res)
		return -1;
	member = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	/* Whoever makes central may sync as any locality; each host's own
	 * login is granted its locality's role by the DBA. */
	return (!member && runf(d, "GRANT %s TO CURRENT_USER", role)) ||
	       runf(d, "GRANT USAGE ON SCHEMA caredesk TO %s", role) ||
	       runf(d, "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA caredesk TO %s", role) ||
	       runf(d, "REVOKE INSERT, UPDATE ON caredesk.central_meta, caredesk.synced_table "
		       "FROM %s", role) ||
	       runf(d, "GRANT USAGE, SELECT ON SEQUENCE caredesk.central_seq TO %s", role) ? -1 : 0;
}

/* Each locality's role reads and changes its own and the borough's rows;
 * it may write a row into another locality (a record moving, a conflict
 * both sides must see) but not read it back.  The staff directory
 * (worker) every replica holds.  In the order of changes a locality also
 * sees the entries of records that left it (which table, which id, where
 * to: so its replica archives them), never the records.  The borough's
 * role sees everything. */
static int policies(struct ddl *d, const char *tbl)
{
	bool directory = strcmp(tbl, "worker") == 0, order = strcmp(tbl, "central_row") == 0;
	int rc = runf(d, "ALTER TABLE caredesk.\"%s\" ENABLE ROW LEVEL SECURITY", tbl) ||
		 runf(d, "ALTER TABLE caredesk.\"%s\" FORCE ROW LEVEL SECURITY", tbl);

	for (size_t i = 0; rc == 0 && i < STORE_LOCALITIES; i++) {
		const char *l = store_localities[i];
		char scope[128];

		snprintf(scope, sizeof(scope), "%s", directory ? "true" : "");
		if (!directory)
			snprintf(scope, sizeof(scope), "locality IN ('%s', 'borough')%s%s%s", l,
				 order ? " OR left_locality = '" : "", order ? l : "", order ? "'" : "");
		rc = runf(d, "DROP POLICY IF EXISTS sync_%s_read ON caredesk.\"%s\"", l, tbl) ||
		     runf(d, "DROP POLICY IF EXISTS sync_%s_add ON caredesk.\"%s\"", l, tbl) ||
		     runf(d, "DROP POLICY IF EXISTS sync_%s_change ON caredesk.\"%s\"", l, tbl) ||
		     runf(d, "CREATE POLICY sync_%s_read ON caredesk.\"%s\" FOR SELECT TO "
			     "caredesk_sync_%s USING (%s)", l, tbl, l, scope) ||
		     runf(d, "CREATE POLICY sync_%s_add ON caredesk.\"%s\" FOR INSERT TO "
			     "caredesk_sync_%s WITH CHECK (true)", l, tbl, l) ||
		     runf(d, "CREATE POLICY sync_%s_change ON caredesk.\"%s\" FOR UPDATE TO "
			     "caredesk_sync_%s USING (%s) WITH CHECK (true)", l, tbl, l, scope);
	}
	return rc || runf(d, "DROP POLICY IF EXISTS sync_borough ON caredesk.\"%s\"", tbl) ||
	       runf(d, "CREATE POLICY sync_borough ON caredesk.\"%s\" TO caredesk_sync_borough "
		       "USING (true) WITH CHECK (true)", tbl) ? -1 : 0;
}

/* caredesk.relocate(tbl, id, locality): a record moving out of the
 * caller's locality.  It runs as caredesk_mover (a NOLOGIN role whose
 * policy sees every row, and which no sync role is a member of), after
 * checking the row is in the scope of the sync role the caller has taken:
 * a locality can give a record away, never take another's. */
static const char relocate_sql[] =
	"CREATE OR REPLACE FUNCTION caredesk.relocate(tbl text, row_id text, to_locality text) "
	"RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = caredesk, pg_temp AS $$\n"
	"DECLARE\n"
	"  scope text := substring(current_setting('role') from '^caredesk_sync_(.*)$');\n"
	"  moved int;\n"
	"BEGIN\n"
	"  IF scope IS NULL THEN\n"
	"    RAISE EXCEPTION 'caredesk.relocate is for the sync roles';\n"
	"  END IF;\n"
	"  IF NOT EXISTS (SELECT 1 FROM caredesk.synced_table WHERE name = tbl) THEN\n"
	"    RAISE EXCEPTION 'no synced table %', tbl;\n"
	"  END IF;\n"
	"  EXECUTE format('UPDATE caredesk.%I SET locality = $1 WHERE id = $2 AND ($3 = ''borough'' '\n"
	"    'OR locality = $3 OR locality = ''borough'')', tbl) USING to_locality, row_id, scope;\n"
	"  GET DIAGNOSTICS moved = ROW_COUNT;\n"
	"  RETURN moved = 1;\n"
	"END\n$$";

static int mover(struct ddl *d)
{
	sqlite3_stmt *st = prepare(d, "SELECT name FROM sync_table ORDER BY name", NULL);
	int rc = make_role(d, "mover", "caredesk_mover") ||
		 run(d, "GRANT CREATE ON SCHEMA caredesk TO caredesk_mover") || run(d, relocate_sql) ||
		 run(d, "ALTER FUNCTION caredesk.relocate(text, text, text) OWNER TO caredesk_mover") ||
		 run(d, "REVOKE ALL ON FUNCTION caredesk.relocate(text, text, text) FROM PUBLIC");

	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = runf(d, "DROP POLICY IF EXISTS mover ON caredesk.\"%s\"", column_text(st, 0)) ||
		     runf(d, "CREATE POLICY mover ON caredesk.\"%s\" TO caredesk_mover USING (true) "
			     "WITH CHECK (true)", column_text(st, 0));
	sqlite3_finalize(st);
	for (size_t i = 0; rc == 0 && i < STORE_LOCALITIES; i++)
		rc = runf(d, "GRANT EXECUTE ON FUNCTION caredesk.relocate(text, text, text) TO "
			     "caredesk_sync_%s", store_localities[i]);
	return rc || run(d, "GRANT EXECUTE ON FUNCTION caredesk.relocate(text, text, text) TO "
			    "caredesk_sync_borough") ? -1 : 0;
}

static int security(struct ddl *d)
{
	sqlite3_stmt *st = prepare(d, "SELECT name FROM sync_table ORDER BY name", NULL);
	/* Any login may read central's id, schema window and table list (they
	 * say nothing of anyone), so an agent learns them before it takes its
	 * sync role, and a login not granted one is told so. */
	int rc = run(d, "GRANT USAGE ON SCHEMA caredesk TO PUBLIC") ||
		 run(d, "GRANT SELECT ON caredesk.central_meta, caredesk.synced_table TO PUBLIC");

	for (size_t i = 0; rc == 0 && i < STORE_LOCALITIES; i++)
		rc = make_role(d, store_localities[i], NULL);
	if (rc == 0)
		rc = make_role(d, "borough", NULL);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = policies(d, column_text(st, 0));
	sqlite3_finalize(st);
	return rc || policies(d, "central_row") || policies(d, "central_change") || mover(d) ? -1 : 0;
}

/* --- all of it --------------------------------------------------------------------------- */

static int build(struct ddl *d)
{
	if (run(d, "BEGIN") || run(d, "SELECT pg_advisory_xact_lock(" PUSH_LOCK_KEY ")") ||
	    run(d, "SET LOCAL client_min_messages = warning"))
		return -1;
	for (int i = 0; bookkeeping[i]; i++)
		if (run(d, bookkeeping[i]))
			return -1;
	return write_meta(d) || synced_tables(d) || security(d) || run(d, "COMMIT") ? -1 : 0;
}

int store_pg_init(const char *uri, struct cd_error *err)
{
	struct replica *schema;
	struct ddl d = { .err = err };
	int rc;

	if (replica_open(":memory:", REPLICA_OPEN_CREATE, &schema, err))
		return -1;
	d.schema = schema->db;
	if (pg_connect(uri, &d.conn, err)) {
		replica_close(&schema);
		return -1;
	}
	rc = build(&d);
	PQfinish(d.conn);
	replica_close(&schema);
	return rc;
}
