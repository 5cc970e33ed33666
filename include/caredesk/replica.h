/* The locality replica: one SQLite file shared by every desk process on the
 * host and the sync agent.
 *
 * Opening applies any pending migrations (numbered by PRAGMA user_version)
 * and regenerates the outbox capture triggers.  The file runs in WAL mode
 * with a busy timeout, so short write transactions from many processes
 * queue instead of failing.  A struct replica is owned by one process and
 * never crosses a fork. */
#ifndef CAREDESK_REPLICA_H
#define CAREDESK_REPLICA_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "caredesk/datetime.h"
#include "caredesk/error.h"
#include "caredesk/ids.h"
#include "caredesk/permission.h"
#include "caredesk/referral_rules.h"

struct workcal;
struct sync_tables;

#define LOGIN_MAX 65
#define CODE_MAX 49

/* Who is acting.  `login` is the Unix user that ran the process; the
 * worker fields describe the worker acted as (the same person unless an
 * admin used --as). */
struct actor {
	char login[LOGIN_MAX];
	char worker_id[UUID_STR_LEN];
	char worker_login[LOGIN_MAX];
	role_set roles;
	char roles_text[ROLES_TEXT_MAX];	/* as stored: "duty,admin" */
	char team[CODE_MAX];
	char locality[CODE_MAX];
};

struct replica {
	sqlite3 *db;
	char *path;			/* owned */
	char replica_id[UUID_STR_LEN];	/* this replica's origin for audit chains */
	char locality[CODE_MAX];	/* the locality this replica serves, or "borough" */
	struct actor actor;		/* set by replica_set_actor before any action */
	struct idgen ids;		/* where new record ids come from */
	struct workcal *cal;		/* owned: bank holidays and closure days, loaded
					 * from data/ when first needed */
	uint64_t holidays_fingerprint;	/* of the bank holiday list alone */
	struct timescales timescales;
	int64_t fixed_now;		/* non-zero: the clock for generated data */
	int64_t break_glass_s;		/* how long a break-glass lasts (access.c) */
	int txn_depth;		/* nested txn_begin calls */
	bool intake;			/* replica_begin_intake: records arrive from a
					 * feed (import, generate), not a worker */
	bool bulk;			/* replica_bulk_mode: no savepoints for nested
					 * actions; any failure abandons the whole load */
	int schema_version;
	uint64_t file_dev, file_ino;	/* the file opened at path (replica_open) */
	struct stmt_cache *stmts;	/* owned: prepared statements by SQL text */
	struct sync_tables *sync_tables;	/* owned: generated row SQL (sync_rows.h) */
	/* How replica_close frees sync_tables: set by sync_rows.c, which made
	 * them, so replica.c need not call into the file that calls it. */
	void (*sync_tables_free)(struct sync_tables *tables);
};

/* The schema version this binary writes (the newest migration). */
int replica_schema_version(void);

enum replica_open_flags {
	REPLICA_OPEN_EXISTING = 0,
	REPLICA_OPEN_CREATE = 1,	/* create the file if missing */
};

/* Open (and migrate) a replica.  On success *out is an owned replica to be
 * closed with replica_close.  A missing file without REPLICA_OPEN_CREATE is
 * err->code CD_EX_NOINPUT; a file newer than this binary is CD_EX_CONFIG. */
int replica_open(const char *path, int flags, struct replica **out, struct cd_error *err);
void replica_close(struct replica **r);

/* Make a new replica serving `locality`: schema, reference data from
 * data/ (localities, teams, code lists) and the replica's identity. */
int replica_init(struct replica *r, const char *locality, struct cd_error *err);

/* Apply migrations up to `target` (0 < target <= replica_schema_version()),
 * each in its own transaction, regenerating capture triggers with it. */
int replica_migrate(sqlite3 *db, int target, struct cd_error *err);

/* Bulk loading into a new replica (the generator): a rollback journal in
 * memory, no fsync, a large page cache, and nested actions without
 * savepoints (copying every touched page into a sub-journal per action
 * costs more than the inserts) and foreign keys checked once at the end
 * instead of per row while on; no guard or capture triggers, so its
 * outermost action must be uncaptured (txn_begin_uncaptured; a captured
 * one is refused).  Turning it off runs that check (failing if any row
 * lacks its parent), makes the triggers again and restores WAL, savepoints
 * and foreign keys.  Only for a file no other process has open. */
int replica_bulk_mode(struct replica *r, bool on, struct cd_error *err);

/* Replica-local settings (replica_meta). value_out may be NULL to test. */
int replica_meta_get(struct replica *r, const char *key, char *value_out, size_t size);
int replica_meta_set(struct replica *r, const char *key, const char *value, struct cd_error *err);

/* Look up the worker by login and make them the actor; `login` is the real
 * Unix user (for the audit trail).  CD_EX_NOPERM if not registered or
 * disabled. */
int replica_set_actor(struct replica *r, const char *login, const char *as_login,
		      struct cd_error *err);
/* Read the acting worker's row again (roles, team, active), as every
 * action does before it checks permission: a worker disabled or given
 * other roles while their desk is open is held to the new row at once.
 * -1 when the worker no longer exists. */
int replica_actor_refresh(struct replica *r, bool *active);
/* Whether the acting worker, read again, may use permission `p` on some
 * record (the desk hides a command for which they may not, and says why
 * when its key is pressed).  0 when they may; else CD_EX_NOPERM with one
 * line saying who may.  `p` is an enum permission (caredesk/permission.h). */
int replica_may(struct replica *r, int p, struct cd_error *err);
/* The acting worker is still active (read again from the replica). */
bool replica_actor_active(struct replica *r);

/* From here on, new people and referrals arrive from an intake feed
 * (import, generate): allowed to the roles that may import (administrators
 * run the feed) instead of those who record a referral by hand.
 * CD_EX_NOPERM when the actor may not import. */
int replica_begin_intake(struct replica *r, struct cd_error *err);

/* The working-day calendar (bank holidays from data/, plus closure days
 * the caller added); loads it on first use.  NULL with err on failure. */
struct workcal *replica_calendar(struct replica *r, struct cd_error *err);

/* The current instant for records: fixed_now when set, else now_instant(). */
static inline int64_t replica_now(const struct replica *r)
{
	return r->fixed_now ? r->fixed_now : now_instant();
}

/* SQLite's PRAGMA data_version: it changes when another connection (a
 * second desk, an import, the sync agent) commits; -1 if it could not be
 * read. */
int64_t replica_data_version(struct replica *r);

/* A prepared statement for sql, cached for the life of the replica (sql must
 * be a string literal or otherwise outlive r).  Reset and cleared on return;
 * borrowed, never finalised by the caller. */
sqlite3_stmt *replica_stmt(struct replica *r, const char *sql);
/* The same, for reads that must survive a damaged or changed schema (the
 * desk's lists): NULL with err instead of ending the program. */
sqlite3_stmt *replica_stmt_checked(struct replica *r, const char *sql, struct cd_error *err);

/* Integrity: quick_check, foreign keys, every audit chain (and central's
 * record of it, audit_anchor), no stray txn_context, a capture trigger
 * set for every synced table, the schema the migrations make.  Never
 * touches the network.  Each problem is a line on out; *problems counts
 * them.  -1 only if checking failed. */
int replica_check(struct replica *r, FILE *out, long *problems, struct cd_error *err);

/* For a file too damaged to open as a replica (replica_open said 65): open
 * it read-only, as nothing more, and write SQLite's quick_check of its
 * pages as problem lines; at least one. */
int replica_damage_report(const char *path, FILE *out, long *problems);

/* Turn the last SQLite error on r->db into err. */
int replica_sql_error(struct replica *r, struct cd_error *err, const char *what);

/* 0 if the file at r->path is still the one replica_open opened; else -1
 * with err (74): it was deleted, moved or replaced while open, and a write
 * now would be lost with the old file.  Every write transaction checks. */
int replica_file_check(struct replica *r, struct cd_error *err);


/* Transactions.  txn_begin starts (or joins) a write transaction named
 * for the audit trail by the action it carries; txn_commit ends it;
 * txn_rollback abandons it.  Only the outermost begin/commit start and end
 * the SQLite transaction; nested ones are savepoints, and a nested
 * rollback undoes only its own. */
int txn_begin(struct replica *r, const char *action, struct cd_error *err);
int txn_commit(struct replica *r, struct cd_error *err);
void txn_rollback(struct replica *r);

/* Begin a transaction whose writes are not captured into the outbox: the
 * pull applier's transactions and the initial load of generated data. */
int txn_begin_uncaptured(struct replica *r, const char *action, struct cd_error *err);


/* A column as text, "" for SQL NULL (valid until the statement steps or
 * resets): the one helper every layer reads text columns with. */
const char *column_text(sqlite3_stmt *st, int i);
#endif
