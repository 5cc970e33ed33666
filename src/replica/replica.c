/* Opening, migrating and describing a replica file.
 *
 * The pragmas here are what let many desk processes and one sync agent share
 * the file: WAL so readers never block the writer, a busy timeout so writers
 * queue rather than fail, foreign keys on (SQLite's default is off). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/replica.h"
#include "caredesk/datadir.h"
#include "caredesk/workday.h"
#include "caredesk/sync_rows.h"
#include "caredesk/access.h"
#include "replica/internal.h"
#include "replica/migrations.h"

#define BUSY_TIMEOUT_MS 10000

struct stmt_cache {
	const char **sql;
	sqlite3_stmt **stmt;
	int count, cap;
};

int replica_schema_version(void)
{
	return migrations[migration_count - 1].version;
}

/* A replica whose pages are damaged (a truncated copy, a disk fault) is
 * bad data to report (65), not a missing replica: caredesk check names
 * the damage, and a backup is the way back. */
static int damaged(struct replica *r, const char *path, struct cd_error *err)
{
	return cd_error_set(err, CD_EX_DATAERR, NULL,
			    "%s is damaged (%s): caredesk check reports what; restore it from a "
			    "backup", path, sqlite3_errmsg(r->db));
}

/* A full disk or a failed write is the host's to fix (74), with the
 * operating system's own words ("No space left on device", "File too
 * large") beside SQLite's "disk I/O error"; the transaction it happened
 * in is rolled back whole, so nothing is half-stored. */
static int io_error(struct replica *r, struct cd_error *err, const char *what)
{
	int sys = sqlite3_system_errno(r->db);

	if (sys)
		return cd_error_set(err, CD_EX_IOERR, NULL, "%s: %s (%s)", what,
				    sqlite3_errmsg(r->db), strerror(sys));
	return cd_error_set(err, CD_EX_IOERR, NULL, "%s: %s", what, sqlite3_errmsg(r->db));
}

int replica_sql_error(struct replica *r, struct cd_error *err, const char *what)
{
	int rc = sqlite3_extended_errcode(r->db);
	int code = CD_EX_SOFTWARE;

	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		code = CD_EX_DATAERR;
	else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = CD_EX_TEMPFAIL;
	else if ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN ||
		 (rc & 0xff) == SQLITE_PERM)
		code = CD_EX_CANTCREAT;
	else if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
		return io_error(r, err, what);
	else if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		return damaged(r, r->path ? r->path : "the replica", err);
	return cd_error_set(err, code, NULL, "%s: %s", what, sqlite3_errmsg(r->db));
}

static int exec(sqlite3 *db, const char *sql, struct cd_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = sqlite3_errcode(db) & 0xff;

		if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
			cd_error_set(err, CD_EX_DATAERR, NULL, "the replica is damaged (%s): caredesk "
				     "check reports what; restore it from a backup",
				     msg ? msg : sqlite3_errmsg(db));
		else
			cd_error_set(err, CD_EX_SOFTWARE, NULL, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* PRAGMA user_version takes no bound parameter; the value is our own
 * integer, never data. */
static int set_user_version(sqlite3 *db, int v, struct cd_error *err)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	return exec(db, sql, err);
}

/* A migration may rebuild a table that others reference (SQLite cannot
 * change a CHECK in place), which needs foreign keys off while it runs:
 * so the dangling references are counted before and after it instead, and
 * it may not add one.  (A replica damaged before is still migrated, so
 * that `caredesk check` can open it and name the damage.) */
static long dangling_references(sqlite3 *db)
{
	sqlite3_stmt *st;
	long n = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return n;
}

static int run_migration_sql(sqlite3 *db, const struct migration *m, struct cd_error *err)
{
	long before = dangling_references(db), after;

	if (exec(db, m->sql, err))
		return -1;
	after = dangling_references(db);
	if (before < 0 || after < 0 || after > before)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "it would leave %ld references dangling",
				    after - before);
	return 0;
}

static int migrate_in_transaction(sqlite3 *db, const struct migration *m, struct cd_error *err)
{
	if (exec(db, "BEGIN IMMEDIATE", err))
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (user_version(db) >= m->version)
		return exec(db, "COMMIT", err);
	if (run_migration_sql(db, m, err) || capture_regenerate(db, err) ||
	    set_user_version(db, m->version, err) || exec(db, "COMMIT", err)) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "migration %s failed: %s",
				    m->name, msg);
	}
	return 0;
}

/* A migration that mends data says what it changed (temp.migration_report,
 * filled by its SQL): once, on stderr and in the system log, as it runs. */
static void report_migration(sqlite3 *db, const struct migration *m)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT line FROM temp.migration_report", -1, &st, NULL) !=
	    SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		fprintf(stderr, "caredesk: migration %s: %s\n", m->name, line ? line : "");
		syslog(LOG_NOTICE, "migration %s: %s", m->name, line ? line : "");
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "DROP TABLE temp.migration_report", NULL, NULL, NULL);
}

static int apply_migration(sqlite3 *db, const struct migration *m, struct cd_error *err)
{
	int rc;

	/* PRAGMA foreign_keys does nothing inside a transaction. */
	if (exec(db, "PRAGMA foreign_keys = OFF", err))
		return -1;
	rc = migrate_in_transaction(db, m, err);
	if (rc == 0)
		report_migration(db, m);
	if (exec(db, "PRAGMA foreign_keys = ON", rc ? NULL : err))
		return -1;
	return rc;
}

int replica_migrate(sqlite3 *db, int target, struct cd_error *err)
{
	int current = user_version(db);

	if (current < 0)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "cannot read schema version: %s",
				    sqlite3_errmsg(db));
	for (int i = 0; i < migration_count; i++) {
		const struct migration *m = &migrations[i];

		if (m->version <= current || m->version > target)
			continue;
		if (apply_migration(db, m, err))
			return -1;
	}
	return 0;
}

static int configure_connection(sqlite3 *db, struct cd_error *err)
{
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	/* trusted_schema stays on: SQLite 3.40's JSON functions, which the
	 * capture triggers use, are not marked innocuous there.  The default
	 * 4 KiB pages: 8 KiB ones were faster at 20k people but much slower
	 * on the L tier's bulk load (measured). */
	return exec(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
		    "PRAGMA synchronous = NORMAL;", err);
}

void replica_load_identity(struct replica *r)
{
	replica_meta_get(r, "replica_id", r->replica_id, sizeof(r->replica_id));
	replica_meta_get(r, "locality", r->locality, sizeof(r->locality));
}

static bool has_schema(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool any = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
		any = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return any;
}

/* Before anything writes to the file: is it ours?  A file that is not a
 * database, or someone else's database, is refused untouched (opening must
 * never add our schema to it or switch it to WAL). */
static int check_version(struct replica *r, const char *path, int flags, struct cd_error *err)
{
	int v = user_version(r->db);

	if (v < 0 && (sqlite3_errcode(r->db) & 0xff) == SQLITE_CORRUPT)
		return damaged(r, path, err);
	if (v < 0)
		return cd_error_set(err, CD_EX_NOINPUT, NULL, "%s: not a caredesk replica (%s)",
				    path, sqlite3_errmsg(r->db));
	if (v == 0 && !(flags & REPLICA_OPEN_CREATE))
		return cd_error_set(err, CD_EX_NOINPUT, NULL, "%s: not a caredesk replica%s", path,
				    has_schema(r->db) ? " (it is some other SQLite database)"
						      : "; make one with caredesk init");
	if (v > replica_schema_version())
		return cd_error_set(err, CD_EX_CONFIG, NULL,
				    "%s has schema version %d but this caredesk knows only up to %d: "
				    "upgrade caredesk", path, v, replica_schema_version());
	return 0;
}

/* Each caredesk process is single-threaded and owns its connections, so
 * SQLite's mutexes and allocation statistics are pure overhead (a tenth of
 * a bulk load's time).  This must run before SQLite is first used; if a
 * program already used it, the calls fail harmlessly and the defaults
 * stay. */
static void configure_library(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void remember_file(struct replica *r)
{
	struct stat sb;

	if (stat(r->path, &sb) == 0) {
		r->file_dev = (uint64_t)sb.st_dev;
		r->file_ino = (uint64_t)sb.st_ino;
	}
}

/* Every worker's process reads and writes the one replica, so a file this
 * user cannot read and write is a permission to fix (77, naming who owns
 * it), not a missing or foreign replica: SQLite would open it read-only
 * and fail later as "not a caredesk replica". */
static int refuse_unwritable(const char *path, const struct stat *sb, struct cd_error *err)
{
	const struct passwd *pw;
	const struct group *gr;
	char owner[64], group[64];

	if (access(path, R_OK | W_OK) == 0 || errno != EACCES)
		return 0;
	pw = getpwuid(sb->st_uid);
	gr = getgrgid(sb->st_gid);
	snprintf(owner, sizeof(owner), "%s", pw ? pw->pw_name : "?");
	snprintf(group, sizeof(group), "%s", gr ? gr->gr_name : "?");
	return cd_error_set(err, CD_EX_NOPERM, NULL,
			    "%s is not open to you to read and write (owner %s, group %s, mode "
			    "%04o): a worker needs to be in its group, with the file "
			    "group-writable", path, owner, group, (unsigned)(sb->st_mode & 07777));
}

int replica_open(const char *path, int flags, struct replica **out, struct cd_error *err)
{
	struct replica *r;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct stat sb;

	*out = NULL;
	configure_library();
	if (!(flags & REPLICA_OPEN_CREATE) && stat(path, &sb) != 0) {
		if (errno == EACCES)
			return cd_error_set(err, CD_EX_NOPERM, NULL,
					    "cannot reach %s: a directory on its path is closed to "
					    "you (Permission denied)", path);
		return cd_error_set(err, CD_EX_NOINPUT, NULL,
				    "no replica at %s (%s): make one with caredesk init", path,
				    strerror(errno));
	}
	if (!(flags & REPLICA_OPEN_CREATE) && refuse_unwritable(path, &sb, err))
		return -1;
	if (flags & REPLICA_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;

	r = cd_calloc(1, sizeof(*r));
	r->path = cd_strdup(path);
	r->stmts = cd_calloc(1, sizeof(*r->stmts));
	timescales_default(&r->timescales);
	if (sqlite3_open_v2(path, &r->db, oflags, NULL) != SQLITE_OK) {
		cd_error_set(err, CD_EX_CANTCREAT, NULL, "cannot open %s: %s", path,
			     r->db ? sqlite3_errmsg(r->db) : "out of memory");
		replica_close(&r);
		return -1;
	}
	/* A larger lookaside pool serves most of SQLite's small allocations
	 * without malloc (statements with triggers make many); it can only be
	 * set before the first statement. */
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 1200, 500);
	sqlite3_busy_timeout(r->db, BUSY_TIMEOUT_MS);
	if (check_version(r, path, flags, err) || configure_connection(r->db, err) ||
	    replica_migrate(r->db, replica_schema_version(), err)) {
		replica_close(&r);
		return -1;
	}
	r->schema_version = user_version(r->db);
	remember_file(r);
	replica_load_identity(r);
	if (access_install(r, err)) {
		replica_close(&r);
		return -1;
	}
	*out = r;
	return 0;
}

int replica_file_check(struct replica *r, struct cd_error *err)
{
	const char *file = sqlite3_db_filename(r->db, "main");
	struct stat sb;

	/* An in-memory replica (the rules central checks a worker by) has
	 * no file to lose. */
	if (!file || !*file)
		return 0;
	if (stat(r->path, &sb) == 0 && (uint64_t)sb.st_dev == r->file_dev &&
	    (uint64_t)sb.st_ino == r->file_ino)
		return 0;
	return cd_error_set(err, CD_EX_IOERR, NULL,
			    "%s was deleted, moved or replaced while open: nothing saved; start "
			    "caredesk again", r->path);
}

void replica_close(struct replica **rp)
{
	struct replica *r = *rp;

	if (!r)
		return;
	if (r->stmts) {
		for (int i = 0; i < r->stmts->count; i++)
			sqlite3_finalize(r->stmts->stmt[i]);
		free(r->stmts->sql);
		free(r->stmts->stmt);
		free(r->stmts);
	}
	if (r->db)
		sqlite3_close(r->db);
	workcal_free(&r->cal);
	if (r->sync_tables)
		r->sync_tables_free(r->sync_tables);
	free(r->path);
	free(r);
	*rp = NULL;
}

sqlite3_stmt *replica_stmt(struct replica *r, const char *sql)
{
	struct cd_error err;
	sqlite3_stmt *st = replica_stmt_checked(r, sql, &err);

	if (!st)
		cd_die("%s\n%s", err.msg, sql);
	return st;
}

sqlite3_stmt *replica_stmt_checked(struct replica *r, const char *sql, struct cd_error *err)
{
	struct stmt_cache *c = r->stmts;
	sqlite3_stmt *st;

	for (int i = 0; i < c->count; i++) {
		if (c->sql[i] == sql) {
			sqlite3_reset(c->stmt[i]);
			sqlite3_clear_bindings(c->stmt[i]);
			return c->stmt[i];
		}
	}
	if (sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		cd_error_set(err, CD_EX_SOFTWARE, NULL, "cannot prepare a query: %s",
			     sqlite3_errmsg(r->db));
		return NULL;
	}
	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->sql = cd_realloc(c->sql, (size_t)c->cap * sizeof(*c->sql));
		c->stmt = cd_realloc(c->stmt, (size_t)c->cap * sizeof(*c->stmt));
	}
	c->sql[c->count] = sql;
	c->stmt[c->count++] = st;
	return st;
}

int replica_meta_get(struct replica *r, const char *key, char *value_out, size_t size)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT value FROM replica_meta WHERE key = ?1");
	int found;

	bind_text(st, 1, key);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found && value_out)
		column_copy(st, 0, value_out, size);
	sqlite3_reset(st);
	return found ? 0 : -1;
}

void replica_now_iso(const struct replica *r, char out[21])
{
	instant_format(replica_now(r), out);
}

/* The worker's row into the actor's worker fields: 1 found, 0 not. */
static int actor_load(struct replica *r, const char *worker_login, int *active)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT w.id, w.login, w.role, w.team, t.locality, w.active "
		"FROM worker w JOIN team t ON t.code = w.team WHERE w.login = ?1");
	char bad[ROLES_TEXT_MAX];

	bind_text(st, 1, worker_login);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	column_copy(st, 0, r->actor.worker_id, sizeof(r->actor.worker_id));
	column_copy(st, 1, r->actor.worker_login, sizeof(r->actor.worker_login));
	column_copy(st, 2, r->actor.roles_text, sizeof(r->actor.roles_text));
	column_copy(st, 3, r->actor.team, sizeof(r->actor.team));
	column_copy(st, 4, r->actor.locality, sizeof(r->actor.locality));
	*active = sqlite3_column_int(st, 5);
	sqlite3_reset(st);
	/* The schema's check admits only known roles; a row that still fails
	 * to parse grants nothing. */
	if (roles_parse(r->actor.roles_text, &r->actor.roles, bad, sizeof(bad)))
		r->actor.roles = 0;
	return 1;
}

int replica_set_actor(struct replica *r, const char *login, const char *as_login,
		      struct cd_error *err)
{
	const char *who = as_login ? as_login : login;
	int active = 0;

	if (!actor_load(r, who, &active)) {
		memset(&r->actor, 0, sizeof(r->actor));
		return cd_error_set(err, CD_EX_NOPERM, NULL,
				    "'%s' is not a worker on this replica; an admin can add them "
				    "with: caredesk worker add %s --name NAME --team TEAM", who, who);
	}
	snprintf(r->actor.login, sizeof(r->actor.login), "%s", login);
	if (!active) {
		memset(&r->actor, 0, sizeof(r->actor));
		return cd_error_set(err, CD_EX_NOPERM, NULL,
				    "worker '%s' is disabled on this replica; an admin can re-enable "
				    "them with: caredesk worker add %s ...", who, who);
	}
	return 0;
}

int replica_actor_refresh(struct replica *r, bool *active)
{
	char login[LOGIN_MAX];
	int on = 0;

	*active = false;
	if (!r->actor.worker_login[0])
		return -1;
	snprintf(login, sizeof(login), "%s", r->actor.worker_login);
	if (!actor_load(r, login, &on))
		return -1;
	*active = on != 0;
	return 0;
}

void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int stmt_run(struct replica *r, sqlite3_stmt *st, struct cd_error *err, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return replica_sql_error(r, err, what);
}

const char *column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

void column_copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
	snprintf(out, size, "%s", column_text(st, i));
}

struct workcal *replica_calendar(struct replica *r, struct cd_error *err)
{
	char path[4096];
	struct workcal *cal;

	if (r->cal)
		return r->cal;
	if (datadir_path("bank-holidays-england-wales.txt", path, sizeof(path)) != 0) {
		cd_error_set(err, CD_EX_NOINPUT, NULL,
			     "bank holiday list %s not found (set CAREDESK_DATADIR?)", path);
		return NULL;
	}
	cal = workcal_new();
	if (workcal_load(cal, path, err)) {
		workcal_free(&cal);
		return NULL;
	}
	r->cal = cal;
	r->holidays_fingerprint = workcal_fingerprint(cal);
	return cal;
}

static int bulk_foreign_key_check(struct replica *r, struct cd_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(r->db, "SELECT \"table\", \"parent\" FROM pragma_foreign_key_check",
			       -1, &st, NULL) != SQLITE_OK)
		return replica_sql_error(r, err, "checking foreign keys");
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = cd_error_set(err, CD_EX_SOFTWARE, NULL,
				  "bulk load left a row of %s without its %s",
				  (const char *)sqlite3_column_text(st, 0),
				  (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc;
}

int replica_bulk_mode(struct replica *r, bool on, struct cd_error *err)
{
	/* Foreign keys are checked once for the whole load at the end: per row
	 * they cost more (163 s against 142 s of CPU on the L tier).  The guard
	 * and capture triggers are dropped for the load and made again after
	 * it: a load is not captured anyway, and running them per row was a
	 * third of the generator's instructions (callgrind, 1000 people). */
	if (on) {
		if (exec(r->db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;"
			 "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
			 "PRAGMA foreign_keys = OFF;", err) ||
		    capture_drop(r->db, err))
			return -1;
		r->bulk = true;
		return 0;
	}
	r->bulk = false;
	if (bulk_foreign_key_check(r, err) || capture_regenerate(r->db, err))
		return -1;
	return exec(r->db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
		    "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000; PRAGMA optimize;", err);
}

int64_t replica_data_version(struct replica *r)
{
	struct cd_error err;
	sqlite3_stmt *st = replica_stmt_checked(r, "PRAGMA data_version", &err);
	int64_t v = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}
