/* Opening the desk, or, when there is no terminal to open it on (a script,
 * a pipe), printing the replica at a glance instead. */
#include <stdio.h>
#include <unistd.h>

#include "caredesk/datetime.h"
#include "caredesk/desk.h"
#include "caredesk/sync.h"
#include "cli/commands.h"

static long long count(struct replica *r, const char *sql, const char *now)
{
	sqlite3_stmt *st = replica_stmt(r, sql);
	long long n = 0;

	if (now)
		sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

void print_summary(struct replica *r, FILE *fp)
{
	char now[ISO_INSTANT_LEN];
	struct sync_status sync;

	instant_format(replica_now(r), now);
	fprintf(fp, "replica     %s (locality %s)\n", r->path, r->locality);
	fprintf(fp, "worker      %s (%s, %s)\n", r->actor.worker_login, r->actor.role, r->actor.team);
	fprintf(fp, "people      %lld\n", count(r, "SELECT count(*) FROM person", NULL));
	fprintf(fp, "queue       %lld open referrals: %lld new, %lld overdue\n",
		count(r, "SELECT count(*) FROM referral WHERE status = 'new' OR status = 'triaged'", NULL),
		count(r, "SELECT count(*) FROM referral WHERE status = 'new'", NULL),
		count(r, "SELECT count(*) FROM referral WHERE status IN ('new', 'triaged') "
			 "AND decision_due_at < ?1", now));
	fprintf(fp, "cases       %lld open\n",
		count(r, "SELECT count(*) FROM care_case WHERE closed_at IS NULL", NULL));
	fprintf(fp, "handover    %lld items not yet acknowledged\n",
		count(r, "SELECT count(*) FROM handover_item h WHERE NOT EXISTS "
			 "(SELECT 1 FROM handover_ack a WHERE a.item_id = h.id)", NULL));
	sync_status_read(r, &sync);
	if (!sync.configured)
		fprintf(fp, "sync        not configured; %ld changes waiting\n", sync.waiting);
	else
		fprintf(fp, "sync        %s, last success %s%s%s; %ld changes waiting, %ld conflicts, "
			"%ld rejected\n", sync.central, sync.last_success[0] ? sync.last_success : "never",
			sync.offline_since[0] ? ", offline since " : "", sync.offline_since,
			sync.waiting, sync.conflicts, sync.rejects);
}

int app_desk_or_summary(struct app *app, struct replica *r)
{
	struct desk_options opt = { .escdelay_ms = app->cfg.escdelay_ms, .keys = app->cfg.keys,
				    .key_count = app->cfg.key_count, .colours = app->cfg.colours,
				    .colour_count = app->cfg.colour_count,
				    .started_ms = app->started_ms,
				    .cursor_hidden = app->cfg.cursor_hidden,
				    .lock = app->cfg.lock,
				    .lock_after_s = app->cfg.lock_after_s };

	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return desk_run(r, &opt);
	print_summary(r, stdout);
	return 0;
}

int cmd_summary(struct app *app)
{
	struct replica *r;
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	rc = app_desk_or_summary(app, r);
	replica_close(&r);
	return rc;
}
