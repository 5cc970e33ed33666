/* Helpers shared by the replica test programs (see testlib.h). */
#include <check.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/datetime.h"
#include "testlib.h"

static void failf(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

static void failf(const char *file, int line, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	_ck_assert_failed(file, line, "testlib", "%s", msg);
}

void tl_process_init(void)
{
	static const char *const data_dirs[] = { "data", "../data", "../../data" };
	const char *dir = getenv("CAREDESK_DATADIR");

	ck_assert_int_eq(localzone_set("Europe/London"), 0);
	ck_assert_int_eq(setenv("CAREDESK_NOW", TL_NOW, 1), 0);
	ck_assert_int_eq(now_init(), 0);
	if (dir && *dir)
		return;
	for (size_t i = 0; i < sizeof(data_dirs) / sizeof(data_dirs[0]); i++) {
		char probe[PATH_MAX], real[PATH_MAX];

		snprintf(probe, sizeof(probe), "%s/codes.tsv", data_dirs[i]);
		if (access(probe, R_OK) == 0 && realpath(data_dirs[i], real)) {
			setenv("CAREDESK_DATADIR", real, 1);
			return;
		}
	}
	/* Otherwise the source data/ that the build compiled in is used. */
}

/* The directory the current test case's temporary directories go in,
 * made by tl_base_setup in the parent process so that tl_base_teardown
 * removes them even when a forked test dies before its own teardown. */
static char base_dir[1024];

void tl_base_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(base_dir, sizeof(base_dir), "%s/caredesk-test.XXXXXX", tmp);
	if (!mkdtemp(base_dir)) {
		perror(base_dir);
		base_dir[0] = '\0';
	}
}

void tl_base_teardown(void)
{
	if (base_dir[0])
		tl_rmtree(base_dir);
	base_dir[0] = '\0';
}

void tl_mkdtemp(char *out, size_t size)
{
	const char *tmp = base_dir[0] ? base_dir : getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	ck_assert_int_lt(snprintf(out, size, "%s/test.XXXXXX", tmp), (int)size);
	ck_assert_msg(mkdtemp(out) != NULL, "mkdtemp %s failed", out);
}

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

void tl_rmtree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int64_t tl_instant(const char *iso)
{
	int64_t t = 0;

	ck_assert_msg(instant_parse(iso, &t) == 0, "test data: bad instant %s", iso);
	return t;
}

void tl_set_now(struct replica *r, const char *iso)
{
	r->fixed_now = tl_instant(iso);
}

struct replica *tl_replica_new(const char *path, const char *locality)
{
	struct replica *r = NULL;
	struct cd_error err;

	cd_error_clear(&err);
	ck_assert_msg(replica_open(path, REPLICA_OPEN_CREATE, &r, &err) == 0, "open %s: %s", path,
		      err.msg);
	r->fixed_now = tl_instant(TL_NOW);
	ck_assert_msg(replica_init(r, locality, &err) == 0, "init: %s", err.msg);
	ck_assert_msg(worker_ensure_admin(r, TL_ADMIN, TL_ADMIN_TEAM, TL_ADMIN_ROLES, &err) == 0, "admin: %s",
		      err.msg);
	ck_assert_msg(replica_set_actor(r, TL_ADMIN, NULL, &err) == 0, "actor: %s", err.msg);
	return r;
}

void tl_env_open(struct tl_env *e, const char *locality)
{
	memset(e, 0, sizeof(*e));
	tl_process_init();
	tl_mkdtemp(e->dir, sizeof(e->dir));
	snprintf(e->path, sizeof(e->path), "%s/replica.db", e->dir);
	e->r = tl_replica_new(e->path, locality);
}

void tl_env_close(struct tl_env *e)
{
	replica_close(&e->r);
	if (e->dir[0])
		tl_rmtree(e->dir);
	e->dir[0] = '\0';
}

void tl_act_as_at(const char *file, int line, struct replica *r, const char *login)
{
	struct cd_error err;

	cd_error_clear(&err);
	if (replica_set_actor(r, login, NULL, &err) != 0)
		failf(file, line, "cannot act as %s: %s", login, err.msg);
}

void tl_worker_at(const char *file, int line, struct replica *r, const char *login,
		  const char *team, const char *role, char id_out[UUID_STR_LEN])
{
	struct worker_input in = { .login = login, .name = login, .team = team, .roles = role };
	char previous[LOGIN_MAX];
	struct cd_error err;

	snprintf(previous, sizeof(previous), "%s", r->actor.worker_login);
	tl_act_as_at(file, line, r, TL_ADMIN);
	cd_error_clear(&err);
	if (worker_add(r, &in, id_out, &err) != 0)
		failf(file, line, "worker_add %s: %s", login, err.msg);
	if (previous[0])
		tl_act_as_at(file, line, r, previous);
}

void tl_person_at(const char *file, int line, struct replica *r, const char *family,
		  const char *given, const char *dob, char id_out[UUID_STR_LEN])
{
	struct person_input in = { .family_name = family, .given_name = given,
		.date_of_birth = dob, .postcode = "AB1 2CD" };
	struct cd_error err;

	cd_error_clear(&err);
	if (person_create(r, &in, id_out, &err) != 0)
		failf(file, line, "person_create %s %s: %s", given, family, err.msg);
}

void tl_referral_at(const char *file, int line, struct replica *r, const char *person_id,
		    const char *received_at, char id_out[UUID_STR_LEN])
{
	struct referral_input in = { .person_id = person_id, .received_at = received_at,
		.source = "gp", .category = "social-care", .reason = "needs support at home" };
	struct cd_error err;

	cd_error_clear(&err);
	if (referral_receive(r, &in, id_out, &err) != 0)
		failf(file, line, "referral_receive: %s", err.msg);
}

void tl_person_referral_at(const char *file, int line, struct replica *r,
			   char person_out[UUID_STR_LEN], char referral_out[UUID_STR_LEN])
{
	tl_person_at(file, line, r, "Okafor", "Grace", "1980-04-01", person_out);
	tl_referral_at(file, line, r, person_out, "2026-12-30T10:00:00Z", referral_out);
}

static sqlite3_stmt *prepare_bound(const char *file, int line, sqlite3 *db, const char *sql,
				   va_list ap)
{
	sqlite3_stmt *st;
	const char *arg;
	int i = 1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		failf(file, line, "prepare \"%s\": %s", sql, sqlite3_errmsg(db));
	while ((arg = va_arg(ap, const char *)) != NULL)
		sqlite3_bind_text(st, i++, arg, -1, SQLITE_TRANSIENT);
	return st;
}

long long tl_int_at(const char *file, int line, sqlite3 *db, const char *sql, ...)
{
	sqlite3_stmt *st;
	long long v;
	va_list ap;
	int rc;

	va_start(ap, sql);
	st = prepare_bound(file, line, db, sql, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", rc == SQLITE_DONE ? "no row" : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		failf(file, line, "\"%s\": %s", sql, msg);
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

void tl_text_at(const char *file, int line, sqlite3 *db, char *out, size_t size, const char *sql,
		...)
{
	sqlite3_stmt *st;
	const unsigned char *s;
	va_list ap;
	int rc;

	va_start(ap, sql);
	st = prepare_bound(file, line, db, sql, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", rc == SQLITE_DONE ? "no row" : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		failf(file, line, "\"%s\": %s", sql, msg);
	}
	s = sqlite3_column_text(st, 0);
	snprintf(out, size, "%s", s ? (const char *)s : "");
	sqlite3_finalize(st);
}

void tl_exec_at(const char *file, int line, sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		char copy[512];

		snprintf(copy, sizeof(copy), "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		failf(file, line, "\"%s\": %s", sql, copy);
	}
}

int tl_exec_rc(sqlite3 *db, const char *sql, char *msg, size_t size)
{
	char *m = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &m);

	if (msg)
		snprintf(msg, size, "%s", m ? m : "");
	sqlite3_free(m);
	return rc;
}

/* FNV-1a over one row's columns, each tagged with its type. */
static uint64_t row_hash(sqlite3_stmt *st)
{
	uint64_t h = 1469598103934665603ULL;
	int n = sqlite3_column_count(st);

	for (int i = 0; i < n; i++) {
		int type = sqlite3_column_type(st, i);
		const unsigned char *p = sqlite3_column_blob(st, i);
		int len = sqlite3_column_bytes(st, i);

		h = (h ^ (uint64_t)(type + 0x100 * i)) * 1099511628211ULL;
		for (int k = 0; p && k < len; k++)
			h = (h ^ p[k]) * 1099511628211ULL;
	}
	return h;
}

void tl_snap(struct replica *r, struct tl_snap *s)
{
	sqlite3_stmt *tables;

	memset(s, 0, sizeof(*s));
	s->outbox_seq = tl_int(r->db, "SELECT coalesce(max(seq), 0) FROM outbox", NULL);
	s->audit_seq = tl_int(r->db, "SELECT coalesce(max(rowid), 0) FROM audit_event", NULL);
	ck_assert_int_eq(sqlite3_prepare_v2(r->db,
		"SELECT name FROM sqlite_schema WHERE type = 'table' "
		"AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_stat%' ORDER BY name",
		-1, &tables, NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char sql[160];
		sqlite3_stmt *st;
		int i = s->ntables++;

		ck_assert_int_lt(i, TL_MAX_TABLES);
		snprintf(s->t[i].name, sizeof(s->t[i].name), "%s",
			 (const char *)sqlite3_column_text(tables, 0));
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", s->t[i].name);
		ck_assert_int_eq(sqlite3_prepare_v2(r->db, sql, -1, &st, NULL), SQLITE_OK);
		/* A sum of row hashes does not depend on the order rows come in. */
		while (sqlite3_step(st) == SQLITE_ROW) {
			s->t[i].rows++;
			s->t[i].hash += row_hash(st);
		}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(tables);
}

static void assert_closed(const char *file, int line, struct replica *r)
{
	long long ctx = tl_int(r->db, "SELECT count(*) FROM txn_context", NULL);

	if (ctx != 0)
		failf(file, line, "txn_context holds %lld rows after the action", ctx);
	if (r->txn_depth != 0)
		failf(file, line, "txn_depth is %d after the action", r->txn_depth);
	if (!sqlite3_get_autocommit(r->db))
		failf(file, line, "a transaction is still open after the action");
}

void tl_assert_unchanged_at(const char *file, int line, struct replica *r,
			    const struct tl_snap *before)
{
	struct tl_snap now;

	assert_closed(file, line, r);
	tl_snap(r, &now);
	if (now.ntables != before->ntables)
		failf(file, line, "the schema changed: %d tables, was %d", now.ntables,
		      before->ntables);
	for (int i = 0; i < now.ntables; i++) {
		if (strcmp(now.t[i].name, before->t[i].name) != 0)
			failf(file, line, "table %s appeared", now.t[i].name);
		if (now.t[i].rows != before->t[i].rows)
			failf(file, line, "table %s has %lld rows, had %lld", now.t[i].name,
			      now.t[i].rows, before->t[i].rows);
		if (now.t[i].hash != before->t[i].hash)
			failf(file, line, "a row of table %s changed", now.t[i].name);
	}
}

void tl_assert_one_action_at(const char *file, int line, struct replica *r,
			     const struct tl_snap *before, const char *action, const char *tbl,
			     const char *record_id, long long outbox_rows)
{
	char seq[32], ob[32], version[16], got[256];
	long long n;

	assert_closed(file, line, r);
	snprintf(seq, sizeof(seq), "%lld", before->audit_seq);
	snprintf(ob, sizeof(ob), "%lld", before->outbox_seq);
	n = tl_int(r->db, "SELECT count(*) FROM audit_event WHERE rowid > ?1", seq, NULL);
	if (n != 1)
		failf(file, line, "%lld new audit events for %s, expected 1", n, action);
	tl_text(r->db, got, sizeof(got), "SELECT action FROM audit_event WHERE rowid > ?1", seq,
		NULL);
	if (strcmp(got, action) != 0)
		failf(file, line, "audit action '%s', expected '%s'", got, action);
	tl_text(r->db, got, sizeof(got), "SELECT actor FROM audit_event WHERE rowid > ?1", seq, NULL);
	if (strcmp(got, r->actor.login) != 0)
		failf(file, line, "audit actor '%s', expected '%s'", got, r->actor.login);
	tl_text(r->db, got, sizeof(got), "SELECT worker FROM audit_event WHERE rowid > ?1", seq,
		NULL);
	if (strcmp(got, r->actor.worker_login) != 0)
		failf(file, line, "audit worker '%s', expected '%s'", got, r->actor.worker_login);
	tl_text(r->db, got, sizeof(got), "SELECT origin FROM audit_event WHERE rowid > ?1", seq,
		NULL);
	if (strcmp(got, r->replica_id) != 0)
		failf(file, line, "audit origin '%s', expected this replica '%s'", got, r->replica_id);
	if (tbl) {
		tl_text(r->db, got, sizeof(got), "SELECT tbl FROM audit_event WHERE rowid > ?1", seq,
			NULL);
		if (strcmp(got, tbl) != 0)
			failf(file, line, "audit tbl '%s', expected '%s'", got, tbl);
	}
	if (record_id) {
		tl_text(r->db, got, sizeof(got), "SELECT record_id FROM audit_event WHERE rowid > ?1",
			seq, NULL);
		if (strcmp(got, record_id) != 0)
			failf(file, line, "audit record '%s', expected '%s'", got, record_id);
	}

	n = tl_int(r->db, "SELECT count(DISTINCT txn_id) FROM outbox WHERE seq > ?1", ob, NULL);
	if (n != 1)
		failf(file, line, "%s wrote outbox rows under %lld transaction ids, expected 1",
		      action, n);
	n = tl_int(r->db, "SELECT count(*) FROM outbox o WHERE o.seq > ?1 AND o.tbl = 'audit_event' "
		   "AND o.op = 'insert' AND o.row_id = (SELECT id FROM audit_event WHERE rowid > ?2)",
		   ob, seq, NULL);
	if (n != 1)
		failf(file, line, "the audit event of %s is in the outbox %lld times", action, n);
	snprintf(version, sizeof(version), "%d", replica_schema_version());
	n = tl_int(r->db, "SELECT count(*) FROM outbox WHERE seq > ?1 AND (worker <> ?2 "
		   "OR schema_version <> ?3 OR length(change_id) <> 36)", ob,
		   r->actor.worker_login, version, NULL);
	if (n != 0)
		failf(file, line, "%lld outbox rows of %s lack the worker, schema version or a "
		      "change id", n, action);
	if (outbox_rows >= 0) {
		n = tl_int(r->db, "SELECT count(*) FROM outbox WHERE seq > ?1", ob, NULL);
		if (n != outbox_rows)
			failf(file, line, "%s wrote %lld outbox rows, expected %lld", action, n,
			      outbox_rows);
	}
}

long long tl_outbox_count(struct replica *r, const struct tl_snap *before, const char *tbl,
			  const char *op, const char *row_id)
{
	char ob[32];

	snprintf(ob, sizeof(ob), "%lld", before->outbox_seq);
	return tl_int(r->db, "SELECT count(*) FROM outbox WHERE seq > ?1 AND tbl = ?2 AND op = ?3 "
		      "AND row_id = ?4", ob, tbl, op, row_id, NULL);
}

void tl_assert_update_at(const char *file, int line, struct replica *r,
			 const struct tl_snap *before, const char *tbl, const char *row_id,
			 long long base_version, const char *keys)
{
	char ob[32], got[512];
	long long n;

	snprintf(ob, sizeof(ob), "%lld", before->outbox_seq);
	n = tl_outbox_count(r, before, tbl, "update", row_id);
	if (n != 1)
		failf(file, line, "%lld update rows for %s %s, expected 1", n, tbl, row_id);
	n = tl_int(r->db, "SELECT coalesce(base_version, -1) FROM outbox WHERE seq > ?1 AND tbl = ?2 "
		   "AND op = 'update' AND row_id = ?3", ob, tbl, row_id, NULL);
	if (n != base_version)
		failf(file, line, "base_version %lld for %s %s, expected %lld", n, tbl, row_id,
		      base_version);
	tl_text(r->db, got, sizeof(got),
		"SELECT coalesce((SELECT group_concat(key, ',') FROM (SELECT j.key FROM json_each("
		"o.changes) j ORDER BY j.key)), '') FROM outbox o WHERE o.seq > ?1 AND o.tbl = ?2 "
		"AND o.op = 'update' AND o.row_id = ?3", ob, tbl, row_id, NULL);
	if (strcmp(got, keys) != 0)
		failf(file, line, "update of %s changed {%s}, expected {%s}", tbl, got, keys);
	n = tl_int(r->db, "SELECT count(*) FROM outbox o, json_each(o.changes) j WHERE o.seq > ?1 "
		   "AND o.tbl = ?2 AND o.op = 'update' AND o.row_id = ?3 AND (j.type <> 'array' OR "
		   "json_array_length(j.value) <> 2 OR "
		   "json_extract(j.value, '$[0]') IS json_extract(j.value, '$[1]'))",
		   ob, tbl, row_id, NULL);
	if (n != 0)
		failf(file, line, "%lld changes of %s are not [old, new] pairs that differ", n, tbl);
}

void tl_change_at(const char *file, int line, struct replica *r, const struct tl_snap *before,
		  const char *tbl, const char *op, const char *row_id, const char *col, char *out,
		  size_t size)
{
	char ob[32], path[96];

	snprintf(ob, sizeof(ob), "%lld", before->outbox_seq);
	snprintf(path, sizeof(path), "$.\"%s\"", col);
	if (tl_outbox_count(r, before, tbl, op, row_id) != 1)
		failf(file, line, "no single %s row for %s %s in the outbox", op, tbl, row_id);
	tl_text_at(file, line, r->db, out, size,
		   "SELECT coalesce(json_extract(changes, ?5), '<absent>') FROM outbox "
		   "WHERE seq > ?1 AND tbl = ?2 AND op = ?3 AND row_id = ?4",
		   ob, tbl, op, row_id, path, NULL);
}

const char *tl_check(struct replica *r, long *problems)
{
	static char buf[64 * 1024];
	FILE *out = fmemopen(buf, sizeof(buf), "w");
	struct cd_error err;

	ck_assert_ptr_nonnull(out);
	cd_error_clear(&err);
	ck_assert_msg(replica_check(r, out, problems, &err) == 0, "replica_check: %s", err.msg);
	fclose(out);
	buf[sizeof(buf) - 1] = '\0';
	return buf;
}
