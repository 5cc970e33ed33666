/* A PostgreSQL central's store (see store.h).
 *
 * Schema "caredesk" holds one table per synced table, with the columns,
 * primary key, unique keys and references of the replica schema, so a
 * borough can query and pg_dump its central like any database; plus
 *   central_meta    central's id and schema version;
 *   synced_table    what central knows of each synced table;
 *   central_row     the order of changes (seq from central_seq);
 *   central_change  every change id once, with its outcome.
 * store_pg_init makes or migrates all of it (pg_init.c's DDL is generated
 * from the replica schema the binary carries).
 *
 * The agent connects with whatever the URI names (even a superuser) and
 * then SET ROLEs to the sync role of its replica's locality, which row-level
 * security (FORCE'd, roles without BYPASSRLS) confines to that locality and
 * the borough's records; the pull query also filters by scope itself.
 * Every push transaction first takes one advisory lock, so pushes commit
 * one at a time and sequence order is commit order: a pull that has seen
 * seq N has seen everything committed before it. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libpq-fe.h>

#include "caredesk/datetime.h"
#include "sync/central.h"
#include "sync/store.h"
#include "sync/store_pg.h"

struct pg_store {
	struct store base;
	PGconn *conn;
	char id[64];
	char scope[CODE_MAX];	/* the sync role's locality, from hello */
	int schema_version, schema_min;
	int depth;		/* nested transactions open */
	struct store_table *tables;
	int ntables;
	char *pull_sql;		/* generated from the tables at open */
	struct prepared *prepared;	/* statements parsed once a connection */
	int nprepared;
	/* A patch that moves a record to another locality: done after the
	 * version bump that follows it, as the row is not ours once moved. */
	struct {
		const struct store_table *t;
		char id[UUID_STR_LEN];
		char locality[CODE_MAX];
	} move;
};

/* A statement this connection has prepared: a push runs a handful of
 * statements for every change, and parsing and planning each anew costs
 * as much as running it. */
struct prepared {
	char *sql;
	char name[16];
};

static struct pg_store *of(struct store *s)
{
	return (struct pg_store *)s;
}

/* --- talking to the server ------------------------------------------------------ */

static int read_timeout_s = 120;
static const PGconn *stalled;	/* the connection whose server stopped answering */

void store_pg_set_read_timeout(int seconds)
{
	if (seconds > 0)
		read_timeout_s = seconds;
}

/* The answer to what was just sent (`sent`: PQsend*'s return), as PQexec
 * would give it, waiting at most central.read_timeout for each part.  A
 * server that says nothing for that long (a session stuck behind a lock,
 * a frozen host whose kernel still acknowledges every packet, which TCP
 * keepalives cannot see) is given up on: the connection is shut down, so
 * every later call on it fails at once, and pg_error says why. */
static PGresult *await_answer(PGconn *conn, int sent)
{
	PGresult *res, *kept = NULL;

	if (!sent)
		return NULL;
	for (;;) {
		while (PQisBusy(conn)) {
			struct pollfd p = { .fd = PQsocket(conn), .events = POLLIN };
			int n = poll(&p, 1, read_timeout_s * 1000);

			if (n < 0 && errno == EINTR)
				continue;
			/* Silent for too long, or the socket cannot be waited on:
			 * either way, no answer is coming that can be trusted. */
			if (n <= 0) {
				stalled = n == 0 ? conn : stalled;
				shutdown(PQsocket(conn), SHUT_RDWR);
				break;
			}
			if (!PQconsumeInput(conn))
				break;
		}
		res = PQgetResult(conn);
		if (!res)
			return kept;
		/* The first error is the answer, as PQexec has it. */
		if (kept && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
			PQclear(res);
		} else {
			PQclear(kept);
			kept = res;
		}
	}
}

/* An error from the server: a lost connection is an unavailable central
 * (69, tried again later), anything else the statement's own failure. */
int pg_error(PGconn *conn, PGresult *res, struct cd_error *err, const char *doing)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	char text[400];
	size_t n;

	if (conn == stalled)
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "PostgreSQL central: the server "
				    "stopped answering (nothing for %d s) while %s", read_timeout_s,
				    doing);

	if (!msg || !*msg)
		msg = PQerrorMessage(conn);
	snprintf(text, sizeof(text), "%s", msg && *msg ? msg : "no answer");
	n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	if (PQstatus(conn) != CONNECTION_OK)
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "PostgreSQL central: %s while %s",
				    text, doing);
	return cd_error_set(err, CD_EX_DATAERR, NULL, "%s", text);
}

/* Run a statement with text parameters; the result (owned by the caller)
 * or NULL with err set. */
PGresult *pg_run(PGconn *conn, const char *sql, int nparams, const char *const *params,
		 struct cd_error *err, const char *doing)
{
	PGresult *res = await_answer(conn, PQsendQueryParams(conn, sql, nparams, NULL, params,
							       NULL, NULL, 0));
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	pg_error(conn, res, err, doing);
	PQclear(res);
	return NULL;
}

int pg_exec(PGconn *conn, const char *sql, struct cd_error *err, const char *doing)
{
	PGresult *res = pg_run(conn, sql, 0, NULL, err, doing);

	PQclear(res);
	return res ? 0 : -1;
}

/* The connection: the URI as libpq reads it, with the TLS and timeout
 * settings the agent put in the environment (PGSSLMODE and the rest).
 * Over TCP, a link that goes silent is noticed within about a minute
 * rather than the system's two hours; the URI may say otherwise (its
 * settings come after these, so they win). */
int pg_connect(const char *uri, PGconn **out, struct cd_error *err)
{
	const char *const keys[] = { "keepalives_idle", "keepalives_interval", "keepalives_count",
				     "tcp_user_timeout", "dbname", "fallback_application_name",
				     NULL };
	const char *const values[] = { "20", "5", "4", "60000", uri, "caredesk", NULL };
	PGconn *conn;

	/* A new connection may take a closed one's address: forget which one
	 * stalled before a failure to connect is put into words. */
	stalled = NULL;
	conn = PQconnectdbParams(keys, values, 1);

	*out = NULL;
	if (!conn)
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "out of memory connecting");
	if (PQstatus(conn) != CONNECTION_OK) {
		pg_error(conn, NULL, err, "connecting");
		PQfinish(conn);
		return -1;
	}
	*out = conn;
	return 0;
}

/* Run `sql` as a statement prepared on this connection (the first time
 * it is seen, it is prepared). */
static PGresult *run(struct pg_store *s, const char *sql, int nparams, const char *const *params,
		     struct cd_error *err, const char *doing)
{
	struct prepared *p = NULL;
	PGresult *res;
	ExecStatusType st;

	for (int i = 0; i < s->nprepared && !p; i++)
		if (strcmp(s->prepared[i].sql, sql) == 0)
			p = &s->prepared[i];
	if (!p) {
		char name[16];

		snprintf(name, sizeof(name), "cd%d", s->nprepared);
		res = await_answer(s->conn, PQsendPrepare(s->conn, name, sql, nparams, NULL));
		if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
			pg_error(s->conn, res, err, doing);
			PQclear(res);
			return NULL;
		}
		PQclear(res);
		s->prepared = cd_realloc(s->prepared, (size_t)(s->nprepared + 1) * sizeof(*p));
		p = &s->prepared[s->nprepared++];
		p->sql = cd_strdup(sql);
		snprintf(p->name, sizeof(p->name), "%s", name);
	}
	res = await_answer(s->conn, PQsendQueryPrepared(s->conn, p->name, nparams, params, NULL,
							 NULL, 0));
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	pg_error(s->conn, res, err, doing);
	PQclear(res);
	return NULL;
}

/* --- what central knows -------------------------------------------------------- */

static bool is_identifier(const char *s)
{
	if (!*s || strlen(s) > 60)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static void add_column(struct store_table *t, const char *col)
{
	t->cols = cd_realloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*t->cols));
	t->cols[t->ncols++] = cd_strdup(col);
}

/* The names go into generated SQL, so each must be a plain identifier as
 * our own schema writes them; anything else means a damaged central. */
static int load_table(struct store_table *t, const char *name, const char *cols,
		      struct cd_error *err)
{
	char *list = cd_strdup(cols), *save = NULL;

	t->name = cd_strdup(name);
	for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		if (!is_identifier(c)) {
			free(list);
			return cd_error_set(err, CD_EX_CONFIG, NULL, "central's synced_table names "
					    "a column '%.60s' of %.60s", c, name);
		}
		add_column(t, c);
	}
	free(list);
	return is_identifier(name) ? 0 : cd_error_set(err, CD_EX_CONFIG, NULL,
		"central's synced_table names a table '%.60s'", name);
}

static int load_tables(struct pg_store *s, struct cd_error *err)
{
	PGresult *res = pg_run(s->conn, "SELECT name, append_only, has_version, columns "
				       "FROM caredesk.synced_table ORDER BY name", 0, NULL, err,
			       "reading the synced tables");

	if (!res)
		return -1;
	s->ntables = PQntuples(res);
	s->tables = cd_calloc((size_t)s->ntables + 1, sizeof(*s->tables));
	for (int i = 0; i < s->ntables; i++) {
		struct store_table *t = &s->tables[i];

		t->append_only = PQgetvalue(res, i, 1)[0] == 't';
		t->has_version = PQgetvalue(res, i, 2)[0] == 't';
		if (load_table(t, PQgetvalue(res, i, 0), PQgetvalue(res, i, 3), err)) {
			PQclear(res);
			return -1;
		}
	}
	PQclear(res);
	return 0;
}

/* central's id and schema window, readable by any login (central init
 * grants them to PUBLIC: they say nothing of anyone), before the sync
 * role is taken. */
static int load_meta(struct pg_store *s, struct cd_error *err)
{
	PGresult *res = await_answer(s->conn, PQsendQuery(s->conn, "SELECT key, value FROM "
							   "caredesk.central_meta"));

	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

		if (state && (strcmp(state, "42P01") == 0 || strcmp(state, "3F000") == 0))
			cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "this database is not a caredesk "
				     "central store (make it with caredesk central init URI)");
		else
			pg_error(s->conn, res, err, "reading central's id");
		PQclear(res);
		return -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		if (strcmp(PQgetvalue(res, i, 0), "central_id") == 0)
			snprintf(s->id, sizeof(s->id), "%s", PQgetvalue(res, i, 1));
		else if (strcmp(PQgetvalue(res, i, 0), "schema_version") == 0)
			s->schema_version = atoi(PQgetvalue(res, i, 1));
		else if (strcmp(PQgetvalue(res, i, 0), "schema_min") == 0)
			s->schema_min = atoi(PQgetvalue(res, i, 1));
	}
	PQclear(res);
	if (s->schema_min < 1)
		s->schema_min = CENTRAL_SCHEMA_MIN;
	if (!s->id[0] || s->schema_version < 1)
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "central_meta lacks central's id or "
				    "schema version: run caredesk central init again");
	return 0;
}

/* One statement for a pull: the order, and each record as JSON from its
 * own table (a scalar subquery by primary key per line); for a record
 * that has left the scope ($4: the agent knows moves), only where it went. */
static char *pull_sql(const struct pg_store *s)
{
	size_t cap = 512 + (size_t)s->ntables * 160, len = 0;
	char *sql = cd_malloc(cap);

	len += (size_t)snprintf(sql + len, cap - len, "SELECT r.seq, r.tbl, r.row_id, CASE WHEN $2 <> "
				"'borough' AND r.locality NOT IN ($2, 'borough') THEN '>' || r.locality "
				"ELSE CASE r.tbl");
	for (int i = 0; i < s->ntables; i++) {
		const char *n = s->tables[i].name;

		len += (size_t)snprintf(sql + len, cap - len, " WHEN '%s' THEN (SELECT to_jsonb(t)::text "
					"FROM caredesk.\"%s\" t WHERE t.id = r.row_id)", n, n);
	}
	snprintf(sql + len, cap - len, " END END FROM caredesk.central_row r WHERE r.seq > $1 AND "
		 "($2 = 'borough' OR r.locality = $2 OR r.locality = 'borough' OR "
		 "($4 AND r.left_locality = $2)) ORDER BY r.seq LIMIT $3");
	return sql;
}

/* --- the store -------------------------------------------------------------------- */

static int pg_hello(struct store *st, const char *scope, struct cd_error *err)
{
	char sql[96];
	PGresult *res;
	const char *state;

	/* scope is one of central.c's known localities, never free text. */
	snprintf(sql, sizeof(sql), "SET ROLE caredesk_sync_%s", scope);
	snprintf(of(st)->scope, sizeof(of(st)->scope), "%s", scope);
	res = await_answer(of(st)->conn, PQsendQuery(of(st)->conn, sql));
	if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		return 0;
	}
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state && (strcmp(state, "42501") == 0 || strcmp(state, "42704") == 0)) {
		/* Not granted, or central init never made it: IT's to mend. */
		cd_error_set(err, CD_EX_NOPERM, NULL, "this login (%s) may not sync as %s: the DBA "
			     "grants it with GRANT caredesk_sync_%s TO %s, after caredesk central "
			     "init", PQuser(of(st)->conn), scope, scope, PQuser(of(st)->conn));
	} else {
		pg_error(of(st)->conn, res, err, "taking the locality's sync role");
	}
	PQclear(res);
	return -1;
}

static const char *pg_id(struct store *s)
{
	return of(s)->id;
}

static int pg_schema_version(struct store *s)
{
	return of(s)->schema_version;
}

static int pg_schema_min(struct store *s)
{
	return of(s)->schema_min;
}

static const struct store_table *pg_table(struct store *st, const char *name)
{
	for (int i = 0; i < of(st)->ntables; i++)
		if (strcmp(of(st)->tables[i].name, name) == 0)
			return &of(st)->tables[i];
	return NULL;
}

static int pg_begin(struct store *st, struct cd_error *err)
{
	struct pg_store *s = of(st);

	if (s->depth == 0) {
		if (pg_exec(s->conn, "BEGIN", err, "starting a push") ||
		    pg_exec(s->conn, "SELECT pg_advisory_xact_lock(" PUSH_LOCK_KEY ")", err,
			    "waiting for other pushes")) {
			pg_exec(s->conn, "ROLLBACK", NULL, "abandoning a push");
			return -1;
		}
	} else {
		char sql[64];

		snprintf(sql, sizeof(sql), "SAVEPOINT action_%d", s->depth);
		if (pg_exec(s->conn, sql, err, "starting a desk action"))
			return -1;
	}
	s->depth++;
	return 0;
}

static void pg_rollback(struct store *st)
{
	struct pg_store *s = of(st);
	struct cd_error ignored;
	char sql[96];

	s->move.t = NULL;
	if (s->depth <= 0)
		return;
	s->depth--;
	if (s->depth == 0) {
		pg_exec(s->conn, "ROLLBACK", &ignored, "abandoning a push");
		return;
	}
	snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT action_%d", s->depth);
	pg_exec(s->conn, sql, &ignored, "abandoning a desk action");
	snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT action_%d", s->depth);
	pg_exec(s->conn, sql, &ignored, "abandoning a desk action");
}

static int pg_commit(struct store *st, struct cd_error *err)
{
	struct pg_store *s = of(st);
	char sql[64];

	if (s->depth <= 0)
		cd_die("store commit without begin");
	if (s->depth == 1) {
		s->depth = 0;
		if (pg_exec(s->conn, "COMMIT", err, "committing a push")) {
			pg_exec(s->conn, "ROLLBACK", NULL, "abandoning a push");
			return -1;
		}
		return 0;
	}
	snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT action_%d", s->depth - 1);
	if (pg_exec(s->conn, sql, err, "finishing a desk action")) {
		pg_rollback(st);
		return -1;
	}
	s->depth--;
	return 0;
}

static int pg_load(struct store *st, const struct store_table *t, const char *id, char **json,
		   struct cd_error *err)
{
	char sql[160];
	const char *params[1] = { id };
	PGresult *res;
	int rc;

	*json = NULL;
	snprintf(sql, sizeof(sql), "SELECT to_jsonb(t)::text FROM caredesk.\"%s\" t WHERE t.id = $1",
		 t->name);
	res = run(of(st), sql, 1, params, err, "reading a record");
	if (!res)
		return -1;
	rc = PQntuples(res) ? 0 : 1;
	if (rc == 0)
		*json = cd_strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* "c1", "c2": the table's columns that the JSON object names. */
static char *column_list(const struct store_table *t, json_t *obj, int *count)
{
	size_t cap = 16, len = 0;
	char *list = cd_malloc(cap);

	list[0] = '\0';
	*count = 0;
	for (int i = 0; i < t->ncols; i++) {
		size_t need = strlen(t->cols[i]) + 5;

		if (!json_object_get(obj, t->cols[i]))
			continue;
		if (len + need >= cap) {
			cap = (cap + need) * 2;
			list = cd_realloc(list, cap);
		}
		len += (size_t)snprintf(list + len, cap - len, "%s\"%s\"", *count ? ", " : "",
					t->cols[i]);
		(*count)++;
	}
	return list;
}

/* A record moving to another locality: its sync role could not read the
 * row once moved, so PostgreSQL would refuse the update; caredesk.relocate
 * (pg_init.c) moves it, once it has checked the row is the caller's. */
static int relocate(struct pg_store *s, const struct store_table *t, const char *id,
		    const char *locality, struct cd_error *err)
{
	const char *params[3] = { t->name, id, locality };
	PGresult *res = run(s, "SELECT caredesk.relocate($1, $2, $3)", 3, params, err,
			       "moving a record to another locality");
	int rc;

	if (!res)
		return -1;
	rc = PQgetvalue(res, 0, 0)[0] == 't' ? 0 :
		cd_error_set(err, CD_EX_DATAERR, t->name, "central has no such record here");
	PQclear(res);
	return rc;
}

/* Write the JSON object's columns: an insert, or the set part of a patch.
 * jsonb_populate_record turns each JSON value into its column's type. */
static int write_row(struct pg_store *s, const struct store_table *t, const char *id,
		     const char *row, struct cd_error *err)
{
	json_t *obj = json_loads(row, 0, NULL);
	const char *params[2];
	char *cols, *sql = NULL, *json;
	PGresult *res;
	int n, rc;

	if (!json_is_object(obj)) {
		json_decref(obj);
		return cd_error_set(err, CD_EX_SOFTWARE, t->name, "a record that is not an object");
	}
	if (id && json_is_string(json_object_get(obj, "locality"))) {
		s->move.t = t;
		snprintf(s->move.id, sizeof(s->move.id), "%s", id);
		snprintf(s->move.locality, sizeof(s->move.locality), "%s",
			 json_string_value(json_object_get(obj, "locality")));
		json_object_del(obj, "locality");
	}
	json = json_dumps(obj, JSON_COMPACT);
	cols = column_list(t, obj, &n);
	json_decref(obj);
	params[0] = json;
	params[1] = id;
	if (n == 0) {
		free(cols);
		free(json);
		return 0;
	}
	if (!id)
		rc = asprintf(&sql, "INSERT INTO caredesk.\"%s\" (%s) SELECT %s FROM "
			      "jsonb_populate_record(NULL::caredesk.\"%s\", $1::jsonb)", t->name, cols,
			      cols, t->name);
	else
		rc = asprintf(&sql, "UPDATE caredesk.\"%s\" SET (%s) = (SELECT %s FROM "
			      "jsonb_populate_record(NULL::caredesk.\"%s\", $1::jsonb)) WHERE id = $2",
			      t->name, cols, cols, t->name);
	free(cols);
	if (rc < 0)
		cd_die("out of memory");
	res = run(s, sql, id ? 2 : 1, params, err, "storing a record");
	free(sql);
	free(json);
	rc = !res ? -1 : id && strcmp(PQcmdTuples(res), "1") != 0 ?
		cd_error_set(err, CD_EX_DATAERR, t->name, "central has no such record") : 0;
	PQclear(res);
	return rc;
}

static int pg_insert(struct store *st, const struct store_table *t, const char *row_json,
		     struct cd_error *err)
{
	return write_row(of(st), t, NULL, row_json, err);
}

static int pg_patch(struct store *st, const struct store_table *t, const char *id,
		    const char *patch_json, struct cd_error *err)
{
	return write_row(of(st), t, id, patch_json, err);
}

/* The move a patch left pending, now that the row is otherwise done. */
static int finish_move(struct pg_store *s, struct cd_error *err)
{
	int rc;

	if (!s->move.t)
		return 0;
	rc = relocate(s, s->move.t, s->move.id, s->move.locality, err);
	s->move.t = NULL;
	return rc;
}

static int pg_bump(struct store *st, const struct store_table *t, const char *id, const char *at,
		   struct cd_error *err)
{
	const char *params[2] = { id, at };
	char sql[160];
	PGresult *res;

	if (!t->has_version)
		return finish_move(of(st), err);
	snprintf(sql, sizeof(sql), "UPDATE caredesk.\"%s\" SET version = version + 1, "
		 "updated_at = $2 WHERE id = $1", t->name);
	res = run(of(st), sql, 2, params, err, "recording a synced change");
	PQclear(res);
	return res ? finish_move(of(st), err) : -1;
}

static int touch_insert(struct pg_store *s, const char *const params[5], bool *added,
			struct cd_error *err)
{
	PGresult *res = run(s,
		"INSERT INTO caredesk.central_row (seq, tbl, row_id, locality, worker, at) "
		"VALUES (nextval('caredesk.central_seq'), $1, $2, $3, $4, $5) "
		"ON CONFLICT (tbl, row_id) DO NOTHING", 5, params, err, "ordering a change");

	if (!res)
		return -1;
	*added = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	return 0;
}

static int touch_update(struct pg_store *s, const char *const params[5], bool *done,
			struct cd_error *err)
{
	PGresult *res = run(s,
		"UPDATE caredesk.central_row SET seq = nextval('caredesk.central_seq'), "
		"left_locality = CASE WHEN locality <> $3 THEN locality ELSE left_locality END, "
		"locality = $3, worker = $4, at = $5 WHERE tbl = $1 AND row_id = $2", 5, params, err,
		"ordering a change");

	if (!res)
		return -1;
	*done = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	return 0;
}

/* A new entry, else the record's entry moved to the end.  Most changes
 * pushed are new records in the pusher's own scope (every desk action has
 * its audit event), so there the insert is tried first.  An ON CONFLICT
 * insert must be able to read its row back, so a record going to another
 * locality is updated first, then inserted plainly if it was new. */
static int pg_touch(struct store *st, const char *tbl, const char *id, const char *scope,
		    const char *worker, const char *at, struct cd_error *err)
{
	struct pg_store *s = of(st);
	const char *const params[5] = { tbl, id, scope, worker, at };
	bool ours = strcmp(s->scope, "borough") == 0 || strcmp(scope, s->scope) == 0 ||
		    strcmp(scope, "borough") == 0;
	bool done = false;
	PGresult *res;

	if (finish_move(s, err))
		return -1;
	if (ours && (touch_insert(s, params, &done, err) || done))
		return done ? 0 : -1;
	if (touch_update(s, params, &done, err) || done)
		return done ? 0 : -1;
	if (ours)
		return cd_error_set(err, CD_EX_DATAERR, tbl, "central's order has no entry for this "
				    "record here");
	res = run(s, "INSERT INTO caredesk.central_row (seq, tbl, row_id, locality, worker, at) "
		     "VALUES (nextval('caredesk.central_seq'), $1, $2, $3, $4, $5)", 5, params, err,
		  "ordering a change");
	PQclear(res);
	return res ? 0 : -1;
}

static void pg_last_change(struct store *st, const char *tbl, const char *id, char *worker,
			   size_t wsize, char *at, size_t asize)
{
	const char *params[2] = { tbl, id };
	struct cd_error ignored;
	PGresult *res = run(of(st), "SELECT worker, at FROM caredesk.central_row "
					     "WHERE tbl = $1 AND row_id = $2", 2, params, &ignored,
			       "reading who changed a record");

	snprintf(worker, wsize, "unknown");
	snprintf(at, asize, "unknown");
	if (res && PQntuples(res)) {
		snprintf(worker, wsize, "%s", PQgetvalue(res, 0, 0));
		snprintf(at, asize, "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
}

static int pg_worker(struct store *st, const char *login, char **json, struct cd_error *err)
{
	const char *params[1] = { login };
	PGresult *res = run(of(st), "SELECT to_jsonb(w)::text FROM caredesk.worker w "
				    "WHERE w.login = $1", 1, params, err, "looking up a worker");
	int rc;

	*json = NULL;
	if (!res)
		return -1;
	rc = PQntuples(res) ? 0 : 1;
	if (rc == 0)
		*json = cd_strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

static int pg_chain_head(struct store *st, const char *origin, long long *seq,
			 char hash[AUDIT_HASH_LEN], char locality[CODE_MAX], struct cd_error *err)
{
	const char *params[1] = { origin };
	PGresult *res = run(of(st), "SELECT seq, hash, locality FROM caredesk.audit_event "
				    "WHERE origin = $1 ORDER BY seq DESC LIMIT 1", 1, params, err,
			    "reading an audit chain");
	int rc;

	if (!res)
		return -1;
	rc = PQntuples(res) ? 0 : 1;
	if (rc == 0) {
		*seq = atoll(PQgetvalue(res, 0, 0));
		snprintf(hash, AUDIT_HASH_LEN, "%s", PQgetvalue(res, 0, 1));
		snprintf(locality, CODE_MAX, "%s", PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return rc;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int pg_record_outcome(struct store *st, const char *origin, json_t *change,
			     const char *outcome, const char *detail, struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	const char *params[8];
	PGresult *res;

	instant_format(now_instant(), now);
	params[0] = str(change, "change_id");
	params[1] = str(change, "txn_id");
	params[2] = origin;
	params[3] = str(change, "tbl");
	params[4] = str(change, "row_id");
	params[5] = outcome;
	params[6] = detail;
	params[7] = now;
	/* The locality is the sync role's own: outcomes are read back by
	 * resends from the same replica, under the same role. */
	res = run(of(st),
		"INSERT INTO caredesk.central_change (change_id, txn_id, origin, tbl, row_id, "
		"outcome, detail, received_at, locality) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
		"coalesce(substring(current_user from '^caredesk_sync_(.*)$'), 'borough'))", 8, params, err,
		"recording an outcome");
	PQclear(res);
	return res ? 0 : -1;
}

static json_t *pg_seen_before(struct store *st, const char *change_id)
{
	const char *params[1] = { change_id };
	struct cd_error ignored;
	PGresult *res = run(of(st), "SELECT outcome, detail FROM caredesk.central_change "
					     "WHERE change_id = $1", 1, params, &ignored,
			       "looking for a change sent before");
	json_t *stored = NULL;

	if (res && PQntuples(res))
		stored = json_pack("{s:s, s:s, s:s}", "change_id", change_id, "outcome",
				   PQgetvalue(res, 0, 0), "detail", PQgetvalue(res, 0, 1));
	PQclear(res);
	return stored;
}

static int pull_rows(struct pg_store *s, const char *scope, bool moves, long long cursor,
		     int limit, struct pull_body *body, long long *last, struct cd_error *err)
{
	char cur[24], lim[16];
	const char *params[4] = { cur, scope, lim, moves ? "true" : "false" };
	PGresult *res;

	snprintf(cur, sizeof(cur), "%lld", cursor);
	snprintf(lim, sizeof(lim), "%d", limit);
	res = run(s, s->pull_sql, 4, params, err, "reading changes to send");
	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		*last = atoll(PQgetvalue(res, i, 0));
		pull_body_add(body, *last, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
			      PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3));
	}
	PQclear(res);
	return 0;
}

static int pg_pull(struct store *st, const char *scope, bool moves, long long cursor, int limit,
		   struct pull_body *body, long long *head, long long *last, struct cd_error *err)
{
	struct pg_store *s = of(st);
	PGresult *res;
	int rc;

	*last = cursor;
	/* One snapshot: the rows and the head are one checkpoint. */
	if (pg_exec(s->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err,
		    "starting a pull"))
		return -1;
	res = pg_run(s->conn, "SELECT coalesce(max(seq), 0) FROM caredesk.central_row", 0, NULL,
		     err, "reading central's head");
	rc = res ? 0 : -1;
	if (res) {
		*head = atoll(PQgetvalue(res, 0, 0));
		PQclear(res);
		rc = pull_rows(s, scope, moves, cursor, limit, body, last, err);
	}
	pg_exec(s->conn, rc ? "ROLLBACK" : "COMMIT", rc ? NULL : err, "ending a pull");
	return rc;
}

static void pg_close(struct store *st)
{
	struct pg_store *s = of(st);

	if (stalled == s->conn)
		stalled = NULL;
	for (int i = 0; i < s->ntables; i++) {
		for (int k = 0; k < s->tables[i].ncols; k++)
			free(s->tables[i].cols[k]);
		free(s->tables[i].cols);
		free(s->tables[i].name);
	}
	free(s->tables);
	for (int i = 0; i < s->nprepared; i++)
		free(s->prepared[i].sql);
	free(s->prepared);
	free(s->pull_sql);
	PQfinish(s->conn);
	free(s);
}

static const struct store_ops pg_ops = {
	.hello = pg_hello,
	.id = pg_id,
	.schema_version = pg_schema_version,
	.schema_min = pg_schema_min,
	.table = pg_table,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.load = pg_load,
	.insert = pg_insert,
	.patch = pg_patch,
	.bump = pg_bump,
	.touch = pg_touch,
	.worker = pg_worker,
	.chain_head = pg_chain_head,
	.last_change = pg_last_change,
	.record_outcome = pg_record_outcome,
	.seen_before = pg_seen_before,
	.pull = pg_pull,
	.close = pg_close,
};

int store_pg_open(const char *uri, struct store **out, struct cd_error *err)
{
	struct pg_store *s = cd_calloc(1, sizeof(*s));

	*out = NULL;
	s->base.ops = &pg_ops;
	if (pg_connect(uri, &s->conn, err) || load_meta(s, err) || load_tables(s, err)) {
		pg_close(&s->base);
		return -1;
	}
	s->pull_sql = pull_sql(s);
	*out = &s->base;
	return 0;
}
