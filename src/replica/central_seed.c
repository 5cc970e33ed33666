/* A replica file becomes a central store: the demo generates its borough
 * straight into the central file, then gives every record its place in
 * central's order so replicas can pull them.  Parents come before the
 * records that refer to them (a topological order of the synced tables by
 * their foreign keys, then each table in the order it was written), so a
 * first sync stores every record at once instead of making them wait. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/sync_rows.h"
#include "replica/internal.h"

#define TABLES_MAX 32

struct table_order {
	char name[TABLES_MAX][64];
	int count;
};

static int load_synced(struct replica *r, struct table_order *all)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT name FROM sync_table ORDER BY name");

	all->count = 0;
	while (sqlite3_step(st) == SQLITE_ROW && all->count < TABLES_MAX)
		column_copy(st, 0, all->name[all->count++], sizeof(all->name[0]));
	sqlite3_reset(st);
	return all->count;
}

static bool placed(const struct table_order *order, const char *name)
{
	for (int i = 0; i < order->count; i++)
		if (strcmp(order->name[i], name) == 0)
			return true;
	return false;
}

/* Every synced table `t` refers to (itself aside) is already placed. */
static bool parents_placed(struct replica *r, const char *t, const struct table_order *synced,
			   const struct table_order *order)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)");
	bool ok = true;

	bind_text(st, 1, t);
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		const char *parent = (const char *)sqlite3_column_text(st, 0);

		if (strcmp(parent, t) != 0 && placed(synced, parent) && !placed(order, parent))
			ok = false;
	}
	sqlite3_reset(st);
	return ok;
}

static int sort_tables(struct replica *r, struct table_order *order, struct cd_error *err)
{
	struct table_order synced;
	int n = load_synced(r, &synced);

	order->count = 0;
	while (order->count < n) {
		int before = order->count;

		for (int i = 0; i < n; i++)
			if (!placed(order, synced.name[i]) &&
			    parents_placed(r, synced.name[i], &synced, order))
				snprintf(order->name[order->count++], sizeof(order->name[0]), "%s",
					 synced.name[i]);
		if (order->count == before)
			return cd_error_set(err, CD_EX_SOFTWARE, NULL,
					    "the synced tables refer to each other in a circle");
	}
	return 0;
}

int central_seed(struct replica *r, struct cd_error *err)
{
	struct table_order order;
	int rc = 0;

	if (sort_tables(r, &order, err) || txn_begin_uncaptured(r, "central.seed", err))
		return -1;
	for (int i = 0; i < order.count && rc == 0; i++) {
		/* The name comes from sync_table, our own schema, never from data. */
		char *sql = NULL;

		if (asprintf(&sql, "INSERT OR IGNORE INTO central_row (tbl, row_id, locality, worker, at) "
				   "SELECT '%s', id, locality, 'caredesk', created_at FROM \"%s\" "
				   "ORDER BY rowid", order.name[i], order.name[i]) < 0)
			cd_die("out of memory");
		if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = replica_sql_error(r, err, "ordering the records of a new central store");
		free(sql);
	}
	if (rc == 0)
		rc = replica_meta_set(r, "role", "central", err);
	if (rc) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}
