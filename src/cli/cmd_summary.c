/* Opening the desk, or, when there is no terminal to open it on (a script,
 * a pipe), printing the replica at a glance instead. */
#include <stdio.h>
#include <unistd.h>

#include "caredesk/datetime.h"
#include "caredesk/desk.h"
#include "caredesk/desk_lists.h"
#include "caredesk/referral_queue.h"
#include "caredesk/text.h"
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

/* The queue line: the figures the desk's queue title shows, from the
 * same function (queue_counts), so the two never disagree. */
static void print_queue(struct replica *r, FILE *fp)
{
	struct local_time lt = local_from_instant(replica_now(r));
	char now[ISO_INSTANT_LEN], tomorrow[ISO_INSTANT_LEN];
	struct queue_counts n = { 0 };
	struct cd_error err;

	instant_format(replica_now(r), now);
	instant_format(local_to_instant(date_add_days(lt.date, 1), 0, 0, 0), tomorrow);
	cd_error_clear(&err);
	if (queue_counts(r, now, tomorrow, &n, &err)) {
		fprintf(fp, "queue       could not be read: %s\n", err.msg);
		return;
	}
	fprintf(fp, "queue       %ld open %s: %ld new, %ld due today, %ld overdue\n", n.open,
		text_plural(n.open, "referral", "referrals"), n.new_count, n.due_today, n.overdue);
}

/* The handover line: what the desk's handover title counts as "to
 * acknowledge" for this worker (handover_to_acknowledge). */
static void print_handover(struct replica *r, FILE *fp)
{
	struct cd_error err;
	long n = 0;

	cd_error_clear(&err);
	if (handover_to_acknowledge(r, &n, &err))
		fprintf(fp, "handover    could not be read: %s\n", err.msg);
	else
		fprintf(fp, "handover    %ld %s to acknowledge\n", n, text_plural(n, "item", "items"));
}

static void print_sync(struct replica *r, FILE *fp)
{
	struct sync_status sync;
	const char *changes;

	sync_status_read(r, &sync);
	changes = text_plural(sync.waiting, "change", "changes");
	if (!sync.configured) {
		fprintf(fp, "sync        not configured; %ld %s waiting\n", sync.waiting, changes);
		return;
	}
	fprintf(fp, "sync        %s, last success %s%s%s; %ld %s waiting, %ld %s, %ld rejected\n",
		sync.central, sync.last_success[0] ? sync.last_success : "never",
		sync.offline_since[0] ? ", offline since " : "", sync.offline_since, sync.waiting,
		changes, sync.conflicts, text_plural(sync.conflicts, "conflict", "conflicts"),
		sync.rejects);
}

void print_summary(struct replica *r, FILE *fp)
{
	long long people = count(r, "SELECT count(*) FROM person", NULL);
	long long cases = count(r, "SELECT count(*) FROM care_case WHERE closed_at IS NULL", NULL);

	fprintf(fp, "replica     %s (locality %s)\n", r->path, r->locality);
	fprintf(fp, "worker      %s (%s, %s)\n", r->actor.worker_login, r->actor.roles_text, r->actor.team);
	fprintf(fp, "people      %lld\n", people);
	print_queue(r, fp);
	fprintf(fp, "cases       %lld open\n", cases);
	print_handover(r, fp);
	print_sync(r, fp);
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
