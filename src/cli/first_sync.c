/* Running the sync agent from caredesk itself: the demo's agent beside the
 * desk, and a new replica's first sync.  caredesk never links the sync
 * code (nor libpq); it starts caredesk-sync. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caredesk/program.h"
#include "cli/commands.h"

/* How the agent is run: one round, a new file's first, or watching. */
static int run_agent(const char *replica, const char *mode, pid_t *pid_out)
{
	char bin[PATH_MAX + 32];
	pid_t pid;
	int status;

	program_path("caredesk-sync", "CAREDESK_SYNC_BIN", bin, sizeof(bin));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const char *argv[] = { bin, mode, "--replica", replica, NULL };

		if (pid_out) {
			/* Its messages would land on the desk's screen. */
			FILE *null = freopen("/dev/null", "w", stderr);

			(void)null;
		}
		execvp(bin, (char *const *)argv);
		fprintf(stderr, "caredesk: cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	if (pid_out) {
		*pid_out = pid;
		return 0;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int app_run_agent(const char *replica, bool once, pid_t *pid)
{
	return run_agent(replica, once ? "--once" : "--watch", once ? NULL : pid);
}

/* The first sync's agent lock was for the new file's name. */
static void drop_lock(const char *fresh)
{
	char lock[PATH_MAX + 16];

	snprintf(lock, sizeof(lock), "%.*s.sync-lock", PATH_MAX, fresh);
	unlink(lock);
}

int app_first_fill(const char *fresh, const char *path)
{
	int rc = run_agent(fresh, "--first", NULL);

	if (rc != 0) {
		fprintf(stderr, "caredesk: the first sync of %s failed; nothing was made\n", path);
		rc = rc > 0 && rc < 128 && rc != 127 ? rc : CD_EX_UNAVAILABLE;
		app_discard_fresh(fresh);
	}
	return rc;
}

void app_discard_fresh(const char *fresh)
{
	unlink(fresh);
	drop_lock(fresh);
}

int app_place_replica(const char *fresh, const char *path)
{
	int rc = 0;

	if (rename(fresh, path) != 0) {
		fprintf(stderr, "caredesk: cannot make %s: %s\n", path, strerror(errno));
		rc = CD_EX_CANTCREAT;
		unlink(fresh);
	}
	drop_lock(fresh);
	return rc;
}

int app_first_sync(const char *fresh, const char *path)
{
	int rc = app_first_fill(fresh, path);

	return rc ? rc : app_place_replica(fresh, path);
}
