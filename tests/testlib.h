/* Helpers shared by the replica test programs (check_replica, check_migrate,
 * check_actions).
 *
 * Every test works on a real SQLite file in a fresh temporary directory
 * made inside the test itself: Check runs each test in a forked child, and
 * a SQLite handle must never cross a fork.  The helpers that assert take
 * the caller's file and line (through the macros below), so a failure
 * points at the test, not at this file. */
#ifndef CAREDESK_TESTLIB_H
#define CAREDESK_TESTLIB_H

#include <check.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "caredesk/actions.h"
#include "caredesk/replica.h"

#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The clock every replica made by tl_replica_new starts with. */
#define TL_NOW "2026-12-31T12:00:00Z"
#define TL_LOCALITY "north"
#define TL_ADMIN "admin"
#define TL_ADMIN_TEAM "north-duty"
/* The fixtures' all-rounder: an administrator who also triages, allocates
 * and manages north-duty, so a test can set the scene as one worker.
 * Permission tests act as workers with one role each. */
#define TL_ADMIN_ROLES "duty,manager,admin"

/* Per process: zone Europe/London, CAREDESK_NOW = TL_NOW and, unless the
 * caller set it, CAREDESK_DATADIR pointing at the source tree's data/.
 * Call at the start of every test (or fixture): tests fork. */
void tl_process_init(void);

/* Unchecked fixture (runs in the parent, once per test case): a base
 * directory under $TMPDIR (or /tmp) for the test case's own directories,
 * removed with everything in it afterwards, even after a crashed test. */
void tl_base_setup(void);
void tl_base_teardown(void);

/* A fresh directory inside the base (or $TMPDIR without one); tl_rmtree
 * removes a directory and everything in it. */
void tl_mkdtemp(char *out, size_t size);
void tl_rmtree(const char *dir);

/* A test's replica: a temporary directory with replica.db in it. */
struct tl_env {
	char dir[1024];
	char path[1100];
	struct replica *r;
};

/* Make the directory, create and initialise a replica for `locality`,
 * register TL_ADMIN (team TL_ADMIN_TEAM) and act as them, clock TL_NOW. */
void tl_env_open(struct tl_env *e, const char *locality);
void tl_env_close(struct tl_env *e);

/* Create, initialise and register the admin on an arbitrary path. */
struct replica *tl_replica_new(const char *path, const char *locality);

/* The replica's clock (r->fixed_now) from an ISO 8601 instant. */
void tl_set_now(struct replica *r, const char *iso);
int64_t tl_instant(const char *iso);

/* Add an active worker (acting as TL_ADMIN for it, then restoring the
 * previous actor); id_out may be NULL. */
#define tl_worker(r, login, team, role, id_out) \
	tl_worker_at(__FILE__, __LINE__, r, login, team, role, id_out)
void tl_worker_at(const char *file, int line, struct replica *r, const char *login,
		  const char *team, const char *role, char id_out[UUID_STR_LEN]);

/* Act as a registered worker (the Unix login is the worker's own). */
#define tl_act_as(r, login) tl_act_as_at(__FILE__, __LINE__, r, login)
void tl_act_as_at(const char *file, int line, struct replica *r, const char *login);

/* A person (no NHS number, postcode "AB1 2CD") and a referral for them. */
#define tl_person(r, family, given, dob, id_out) \
	tl_person_at(__FILE__, __LINE__, r, family, given, dob, id_out)
void tl_person_at(const char *file, int line, struct replica *r, const char *family,
		  const char *given, const char *dob, char id_out[UUID_STR_LEN]);
#define tl_referral(r, person_id, received_at, id_out) \
	tl_referral_at(__FILE__, __LINE__, r, person_id, received_at, id_out)
void tl_referral_at(const char *file, int line, struct replica *r, const char *person_id,
		    const char *received_at, char id_out[UUID_STR_LEN]);
/* Both at once: an adult (1980-04-01) referred by a GP for social care. */
#define tl_person_referral(r, person_out, referral_out) \
	tl_person_referral_at(__FILE__, __LINE__, r, person_out, referral_out)
void tl_person_referral_at(const char *file, int line, struct replica *r,
			   char person_out[UUID_STR_LEN], char referral_out[UUID_STR_LEN]);

/* Raw SQL for assertions.  Parameters are text, bound in order, and the
 * list ends with NULL.  tl_int returns the first column of the first row
 * (failing the test if there is none); tl_text copies it ("" for NULL). */
#define tl_int(db, ...) tl_int_at(__FILE__, __LINE__, db, __VA_ARGS__)
long long tl_int_at(const char *file, int line, sqlite3 *db, const char *sql, ...)
	__attribute__((sentinel));
#define tl_text(db, out, size, ...) tl_text_at(__FILE__, __LINE__, db, out, size, __VA_ARGS__)
void tl_text_at(const char *file, int line, sqlite3 *db, char *out, size_t size, const char *sql,
		...) __attribute__((sentinel));
/* Run SQL that must succeed / return the SQLite result and copy the
 * message (msg may be NULL). */
#define tl_exec(db, sql) tl_exec_at(__FILE__, __LINE__, db, sql)
void tl_exec_at(const char *file, int line, sqlite3 *db, const char *sql);
int tl_exec_rc(sqlite3 *db, const char *sql, char *msg, size_t size);

/* A picture of the whole file: per table (the planner's sqlite_stat
 * tables aside), its row count and an order-independent hash of every
 * row's values. */
#define TL_MAX_TABLES 96
struct tl_snap {
	long long outbox_seq;	/* max(outbox.seq) */
	long long audit_seq;	/* max(audit_event.rowid) */
	int ntables;
	struct {
		char name[64];
		long long rows;
		uint64_t hash;
	} t[TL_MAX_TABLES];
};
void tl_snap(struct replica *r, struct tl_snap *s);

/* After a failed action: the file is exactly as it was, txn_context is
 * empty and no action is left open. */
#define tl_assert_unchanged(r, before) tl_assert_unchanged_at(__FILE__, __LINE__, r, before)
void tl_assert_unchanged_at(const char *file, int line, struct replica *r,
			    const struct tl_snap *before);

/* After a successful action: exactly one new audit event (action, tbl,
 * record_id as given, NULL to skip; actor and worker from r->actor), every
 * new outbox row in one transaction carrying the worker and the schema
 * version, `outbox_rows` new outbox rows in all (-1 to skip), txn_context
 * empty, no action open. */
#define tl_assert_one_action(r, before, action, tbl, record_id, outbox_rows) \
	tl_assert_one_action_at(__FILE__, __LINE__, r, before, action, tbl, record_id, outbox_rows)
void tl_assert_one_action_at(const char *file, int line, struct replica *r,
			     const struct tl_snap *before, const char *action, const char *tbl,
			     const char *record_id, long long outbox_rows);

/* New outbox rows since `before` for (tbl, op, row_id). */
long long tl_outbox_count(struct replica *r, const struct tl_snap *before, const char *tbl,
			  const char *op, const char *row_id);

/* The one new update row for (tbl, row_id): its base_version must be
 * base_version and its changed columns, sorted and joined by commas, must
 * be `keys`; each value must be a two-element [old, new] array whose old
 * value differs from the new. */
#define tl_assert_update(r, before, tbl, row_id, base_version, keys) \
	tl_assert_update_at(__FILE__, __LINE__, r, before, tbl, row_id, base_version, keys)
void tl_assert_update_at(const char *file, int line, struct replica *r,
			 const struct tl_snap *before, const char *tbl, const char *row_id,
			 long long base_version, const char *keys);

/* The JSON text of one change's [old, new] for column `col` of the new
 * (tbl, op, row_id) outbox row, e.g. "[1,0]" or "[null,\"red\"]". */
#define tl_change(r, before, tbl, op, row_id, col, out, size) \
	tl_change_at(__FILE__, __LINE__, r, before, tbl, op, row_id, col, out, size)
void tl_change_at(const char *file, int line, struct replica *r, const struct tl_snap *before,
		  const char *tbl, const char *op, const char *row_id, const char *col, char *out,
		  size_t size);

/* Run replica_check and return what it printed (a static buffer, valid
 * until the next call: nothing to free when an assertion fails). */
const char *tl_check(struct replica *r, long *problems);

#endif
