/* caredesk-sync: the sync agent, one per replica.
 *
 *   caredesk-sync [--once | --watch] [--interval SECONDS]
 *                 [--replica FILE] [--config FILE]
 *   caredesk-sync --help | --version
 *
 * --once pushes what is waiting and pulls until up to date, then exits
 * (0, or 69 when central cannot be reached).  --watch (the default) keeps
 * doing so: at once when this host's desks write, every --interval
 * seconds otherwise, backing off with jitter while central is unreachable.
 * A lock file beside the replica keeps it to one agent per replica.
 * What it does goes to stderr (the journal, under systemd) and, with
 * --syslog, to syslog as well. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <config.h>	/* autoconf's, from the build tree */

#include "caredesk/config.h"
#include "caredesk/datetime.h"
#include "caredesk/sync.h"
#include "caredesk/text.h"
#include "sync/transport.h"

#define DEFAULT_INTERVAL 30
#define BACKOFF_MAX 300

static volatile sig_atomic_t stopping;
static bool to_syslog;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void usage(FILE *fp)
{
	fputs("usage: caredesk-sync [--once | --watch] [--interval SECONDS]\n"
	      "                     [--replica FILE] [--config FILE]\n"
	      "Push this replica's changes to its central store and pull everyone else's.\n"
	      "  --once          one round, then exit (69 if central is unreachable)\n"
	      "  --first         --once for a new replica file no desk has open, loaded\n"
	      "                  in bulk (caredesk init --central uses it)\n"
	      "  --watch         keep in step until stopped (the default)\n"
	      "  --interval S    seconds between rounds when nothing changes here (30)\n"
	      "  --syslog        log to syslog as well as to standard error\n"
	      "  --replica FILE  the replica (else caredesk.conf's replica)\n"
	      "  --config FILE   read FILE, not the usual caredesk.conf\n", fp);
}

/* One line of the log: stderr, and syslog when asked for. */
static void say(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int priority, const char *fmt, ...)
{
	char raw[1200], line[1200 * 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* A central's message is anyone's text: never raw on a terminal or
	 * in the journal. */
	text_sanitise(raw, TEXT_MODE_UTF8, 1200, line, sizeof(line));
	fprintf(stderr, "caredesk-sync: %s\n", line);
	if (to_syslog)
		syslog(priority, "%s", line);
}

/* caredesk.conf's central group reaches libpq as its own environment
 * variables (a setting written into the central URI still wins), so
 * the PostgreSQL store needs no settings of its own. */
static void central_settings_to_libpq(const struct central_settings *c)
{
	char seconds[16];

	if (c->sslmode)
		setenv("PGSSLMODE", c->sslmode, 1);
	if (c->sslrootcert)
		setenv("PGSSLROOTCERT", c->sslrootcert, 1);
	if (c->sslcert)
		setenv("PGSSLCERT", c->sslcert, 1);
	if (c->sslkey)
		setenv("PGSSLKEY", c->sslkey, 1);
	snprintf(seconds, sizeof(seconds), "%d", c->connect_timeout ? c->connect_timeout : 10);
	setenv("PGCONNECT_TIMEOUT", seconds, c->connect_timeout != 0);
}

static int fail(const struct cd_error *err)
{
	char buf[1024];

	cd_error_format(err, buf, sizeof(buf));
	say(LOG_ERR, "%s", buf);
	return err->code ? err->code : CD_EX_SOFTWARE;
}

/* One agent per replica: an exclusive lock, held for the life of the
 * process.  Whoever can open the lock file can hold it and stop the agent,
 * so it lives where only the agent's user writes: systemd's
 * RuntimeDirectory ($RUNTIME_DIRECTORY, mode 0700) when the unit gives
 * one, else beside the replica; either way it is made 0600, never through
 * a symbolic link, and one owned by another user is refused. */
static void lock_path(const char *replica, char *out, size_t size)
{
	const char *run = getenv("RUNTIME_DIRECTORY");
	const char *base = strrchr(replica, '/');

	if (run && *run)
		snprintf(out, size, "%s/%s.sync-lock", run, base ? base + 1 : replica);
	else
		snprintf(out, size, "%s.sync-lock", replica);
}

static int take_lock(const char *replica, int *fd_out, struct cd_error *err)
{
	char path[4096];
	struct stat sb;
	int fd;

	lock_path(replica, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EACCES)
		return cd_error_set(err, CD_EX_NOPERM, NULL, "cannot open %s: %s (it belongs to "
				    "another user: remove it)", path, strerror(errno));
	if (fd < 0)
		return cd_error_set(err, CD_EX_CANTCREAT, NULL, "cannot open %s: %s", path,
				    strerror(errno));
	if (fstat(fd, &sb) != 0 || sb.st_uid != geteuid()) {
		close(fd);
		return cd_error_set(err, CD_EX_NOPERM, NULL, "%s belongs to another user, who could "
				    "hold it and stop the agent: remove it", path);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return cd_error_set(err, CD_EX_TEMPFAIL, NULL,
				    "another caredesk-sync is already running for %s", replica);
	}
	*fd_out = fd;
	return 0;
}

static void report(const struct sync_report *rep)
{
	if (rep->warning[0])
		say(LOG_WARNING, "%s", rep->warning);
	if (rep->mended)
		say(LOG_NOTICE, "sent %ld audit event%s central lacked again", rep->mended,
		    rep->mended == 1 ? "" : "s");
	if (rep->pushed == 0 && rep->stored == 0)
		return;
	say(LOG_INFO, "pushed %ld (%ld applied, %ld merged, %ld conflicts, %ld rejected), "
	    "pulled %ld (%ld newer, %ld waited for a record they refer to), cursor %lld",
	    rep->pushed, rep->applied, rep->merged, rep->conflicts, rep->rejected, rep->pulled,
	    rep->stored, rep->parked, rep->cursor);
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A long pull (a first sync, or a replica far behind) says how far it has
 * got every five seconds (CAREDESK_SYNC_PROGRESS seconds): records so
 * far, and the cursor against central's head (sequence numbers, so the
 * share is approximate). */
static struct {
	bool started;
	double at, last, every;
	long long from;
} pace = { .every = 5 };

static void on_progress(const struct sync_report *rep)
{
	double now = seconds_now();

	if (!pace.started) {
		pace.started = true;
		pace.at = pace.last = now;
		pace.from = rep->cursor;
		return;
	}
	if (now - pace.last < pace.every || rep->head <= pace.from)
		return;
	pace.last = now;
	say(LOG_INFO, "catching up: %ld records in %.0f s, %lld%% of the way to central's head",
	    rep->pulled, now - pace.at, (rep->cursor - pace.from) * 100 / (rep->head - pace.from));
}

/* One round, with its progress counted from its start. */
static int round_once(struct replica *r, struct sync_report *rep, struct cd_error *err)
{
	pace.started = false;
	return sync_once(r, rep, err);
}

/* --first: the first sync of a new replica file that no desk has open
 * (caredesk init --central's FILE.new).  It is loaded as a generated
 * replica is: without the journal, the guard and capture triggers or
 * per-row foreign key checks, which are all made and run once at the end;
 * a crash leaves only a .new file that init removes. */
static int first_round(struct replica *r, struct sync_report *rep, struct cd_error *err)
{
	int rc;

	if (replica_bulk_mode(r, true, err))
		return -1;
	rc = round_once(r, rep, err);
	if (replica_bulk_mode(r, false, rc ? NULL : err))
		rc = -1;
	return rc;
}

static long long data_version(struct replica *r)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(r->db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/* Seconds to wait after `failures` failed rounds in a row: doubling up to
 * five minutes, with jitter so many hosts do not retry in step. */
static int backoff(int failures, unsigned *seed)
{
	int base = failures > 8 ? BACKOFF_MAX : 1 << failures;

	if (base > BACKOFF_MAX)
		base = BACKOFF_MAX;
	return base / 2 + (int)(rand_r(seed) % (unsigned)(base + 1));
}

static int watch(struct replica *r, int interval)
{
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	int failures = 0;

	while (!stopping) {
		struct sync_report rep;
		struct cd_error err;
		long long seen;
		char asked[64];
		int wait, waited = 0;

		cd_error_clear(&err);
		if (round_once(r, &rep, &err) == 0) {
			report(&rep);
			failures = 0;
			wait = interval;
		} else {
			fail(&err);
			failures++;
			wait = backoff(failures, &seed);
		}
		/* Our own state writes moved data_version: start counting here. */
		seen = data_version(r);
		sync_state_get(r, "requested", asked, sizeof(asked));
		while (!stopping && waited < wait) {
			char now_asked[64];

			sleep(1);
			waited++;
			if (data_version(r) == seen)
				continue;
			seen = data_version(r);
			/* A desk wrote: push it now.  While central is away, only a
			 * worker's "sync now" (S on the desk) cuts the wait short. */
			if (failures == 0)
				break;
			sync_state_get(r, "requested", now_asked, sizeof(now_asked));
			if (strcmp(now_asked, asked) != 0)
				break;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "first", no_argument, NULL, 'f' },
		{ "watch", no_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		CONFIG_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct config_args g = { 0 };
	struct config cfg;
	struct cd_error err;
	struct replica *r = NULL;
	int once = 0, first = 0, interval = DEFAULT_INTERVAL, opt, lock_fd = -1, rc;
	const char *path;
	struct sigaction sa = { .sa_handler = on_stop };

	umask(007);
	setlocale(LC_ALL, "");
	cd_error_clear(&err);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int taken = config_args_take(opt, optarg, &g, &err);

		if (taken < 0)
			return fail(&err);
		if (taken)
			continue;
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == 'V') {
			printf("caredesk-sync %s\n", PACKAGE_VERSION);
			return 0;
		}
		if (opt == 'o')
			once = 1;
		else if (opt == 'f')
			once = first = 1;
		else if (opt == 'w')
			once = 0;
		else if (opt == 'i' && atoi(optarg) > 0)
			interval = atoi(optarg);
		else if (opt == 's')
			to_syslog = true;
		else {
			usage(stderr);
			return CD_EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return CD_EX_USAGE;
	}
	if (now_start(&err))
		return fail(&err);
	if (to_syslog)
		openlog("caredesk-sync", LOG_PID, LOG_DAEMON);
	sync_set_progress(on_progress);
	if (getenv("CAREDESK_SYNC_PROGRESS"))
		pace.every = atof(getenv("CAREDESK_SYNC_PROGRESS"));
	if (config_load(g.config, &cfg, &err))
		return fail(&err);
	central_settings_to_libpq(&cfg.central);
	if (cfg.central.read_timeout)
		transport_set_read_timeout(cfg.central.read_timeout);
	path = config_replica_path(&g, &cfg);
	rc = take_lock(path, &lock_fd, &err) || replica_open(path, REPLICA_OPEN_EXISTING, &r, &err);
	if (rc) {
		config_free(&cfg);
		if (lock_fd >= 0)
			close(lock_fd);
		return fail(&err);
	}
	snprintf(r->actor.login, sizeof(r->actor.login), "caredesk-sync");
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (once) {
		struct sync_report rep;

		rc = (first ? first_round(r, &rep, &err) : round_once(r, &rep, &err)) ? fail(&err) : 0;
		if (rc == 0)
			report(&rep);
	} else {
		rc = watch(r, interval);
	}
	replica_close(&r);
	config_free(&cfg);
	close(lock_fd);
	return rc;
}
