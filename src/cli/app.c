/* What every subcommand shares: opening the replica as the right worker,
 * and reporting errors and usage the same way. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/query.h"
#include "caredesk/workday.h"
#include "caredesk/access.h"
#include "cli/commands.h"

int app_fail(const struct cd_error *err)
{
	char buf[1024];

	cd_error_format(err, buf, sizeof(buf));
	app_message(stderr, "caredesk: %s", buf);
	return err->code ? err->code : CD_EX_SOFTWARE;
}

const char *app_replica_path(const struct app *app)
{
	return app->opts.replica ? app->opts.replica : app->cfg.replica;
}

/* An embedded central has the replica schema, so it would open as a
 * borough-wide replica of every locality's records; scope is the
 * replica's to keep, so caredesk refuses it (file ownership keeps others
 * from reading it at all: caredesk-syncd(8)). */
static bool is_central(struct replica *r)
{
	char role[32];

	return replica_meta_get(r, "role", role, sizeof(role)) == 0 && strcmp(role, "central") == 0;
}

int app_open_anonymous(struct app *app, const char *path, int flags, struct replica **out)
{
	struct cd_error err;
	struct workcal *cal;

	cd_error_clear(&err);
	if (replica_open(path, flags, out, &err))
		return app_fail(&err);
	(*out)->timescales = app->cfg.timescales;
	access_set_break_glass(*out, app->cfg.break_glass_s);
	if (!(flags & REPLICA_OPEN_CREATE) && !(*out)->replica_id[0]) {
		cd_error_set(&err, CD_EX_NOINPUT, NULL,
			     "%s is not an initialised replica: make one with caredesk init", path);
		replica_close(out);
		return app_fail(&err);
	}
	if (is_central(*out)) {
		cd_error_set(&err, CD_EX_NOINPUT, NULL,
			     "%s is a central store, not a replica: it holds every locality's "
			     "records, and a desk opens only its locality's replica", path);
		replica_close(out);
		return app_fail(&err);
	}
	cal = replica_calendar(*out, &err);
	if (!cal) {
		replica_close(out);
		return app_fail(&err);
	}
	for (int i = 0; i < app->cfg.closure_count; i++)
		workcal_add(cal, app->cfg.closure_days[i]);
	return 0;
}

/* --as is for admins only, and the audit keeps both names; no setting in a
 * user-writable config can grant it. */
static int set_identity(struct app *app, struct replica *r, struct cd_error *err)
{
	if (replica_set_actor(r, app->login, NULL, err))
		return -1;
	if (!app->opts.as || strcmp(app->opts.as, app->login) == 0)
		return 0;
	if (!(r->actor.roles & ROLE_BIT(ROLE_ADMIN)))
		return cd_error_set(err, CD_EX_NOPERM, "as",
				    "only an admin worker may act as another worker; "
				    "'%s' is a %s worker", app->login, r->actor.roles_text);
	return replica_set_actor(r, app->login, app->opts.as, err);
}

int app_open(struct app *app, struct replica **out)
{
	struct cd_error err;
	int rc = app_open_anonymous(app, app_replica_path(app), REPLICA_OPEN_EXISTING, out);

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (set_identity(app, *out, &err) || referral_rederive_due(*out, NULL, &err)) {
		replica_close(out);
		return app_fail(&err);
	}
	return 0;
}

sqlite3_stmt *app_prepare_listing(struct replica *r, const struct listing *l, enum out_format f)
{
	char *sql = listing_sql(l, f == FORMAT_JSON ? LISTING_JSON_OBJECTS : LISTING_COLUMNS);
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		cd_die("listing %s: %s", l->name, sqlite3_errmsg(r->db));
	free(sql);
	return st;
}

int app_write_rows(sqlite3_stmt *st, enum out_format format)
{
	struct cd_error err;

	cd_error_clear(&err);
	return write_rows(stdout, st, format, &err) ? app_fail(&err) : 0;
}

/* Output lost on the way out is reported once: a command that already
 * failed on a write (CD_EX_IOERR) has said so. */
int app_finish_output(int rc)
{
	int lost = ferror(stdout), e = 0;

	if (fclose(stdout) != 0) {
		lost = 1;
		e = errno;
	}
	if (!lost || rc == CD_EX_IOERR)
		return rc;
	fprintf(stderr, "caredesk: writing to standard output failed: %s\n",
		strerror(e ? e : EIO));
	return rc ? rc : CD_EX_IOERR;
}

const struct opt_spec app_list_opts[] = {
	FORMAT_OPTION("table|csv|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

int app_list(struct app *app, const struct args *a, const char *table)
{
	enum out_format format = args_format(a, 0);
	struct replica *r;
	sqlite3_stmt *st;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	st = app_prepare_listing(r, export_listing(table), format);
	rc = app_write_rows(st, format);
	sqlite3_finalize(st);
	replica_close(&r);
	return rc;
}
