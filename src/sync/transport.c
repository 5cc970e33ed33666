/* Reaching a central store over a child process's stdio (see transport.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caredesk/central_uri.h"
#include "caredesk/program.h"
#include "sync/store.h"
#include "sync/transport.h"

int transport_check_uri(const char *uri, struct cd_error *err)
{
	return central_uri_check(uri, err);
}

/* argv for the child: syncd PATH, or ssh [options] -- HOST caredesk-syncd
 * 'PATH'.  The "--" ends ssh's options whatever the host says (it is
 * checked as well), and the path is quoted for the remote shell ssh hands
 * the command to.  ServerAlive* notices a central host that went away
 * without closing the connection. */
static int child_argv(const char *uri, char *syncd, size_t ssize, char *host, size_t hsize,
		      char *quoted, size_t qsize, const char *argv[12])
{
	char path[1024];
	int n = 0;

	if (strncmp(uri, "file:", 5) == 0) {
		program_path("caredesk-syncd", "CAREDESK_SYNCD", syncd, ssize);
		argv[0] = syncd;
		argv[1] = uri + 5;
		argv[2] = NULL;
		return 0;
	}
	if (central_uri_ssh_parts(uri, host, hsize, path, sizeof(path)) ||
	    (size_t)snprintf(quoted, qsize, "'%s'", path) >= qsize)
		return -1;
	argv[n++] = "ssh";
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = "ServerAliveInterval=15";
	argv[n++] = "-o";
	argv[n++] = "ServerAliveCountMax=4";
	argv[n++] = "--";
	argv[n++] = host;
	argv[n++] = "caredesk-syncd";
	argv[n++] = quoted;
	argv[n] = NULL;
	return 0;
}

static int read_timeout_s = 120;
static volatile sig_atomic_t alarm_fired;

void transport_set_read_timeout(int seconds)
{
	if (seconds > 0)
		read_timeout_s = seconds;
	store_pg_set_read_timeout(seconds);
}

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

int transport_open(struct transport *t, const char *uri, struct cd_error *err)
{
	int in[2], out[2];
	char syncd[PATH_MAX], host[256], quoted[1100];
	const char *argv[12];
	pid_t pid;

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	t->to_fd = -1;
	if (transport_check_uri(uri, err))
		return -1;
	/* A central that dies is an error to report, not a signal to die of. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(t->uri, sizeof(t->uri), "%s", uri);
	if (store_is_pg_uri(uri))
		return central_open(uri, false, &t->local, err);
	if (child_argv(uri, syncd, sizeof(syncd), host, sizeof(host), quoted, sizeof(quoted), argv))
		return cd_error_set(err, CD_EX_CONFIG, "central",
				    "the central's ssh host or path is too long");
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "cannot make pipes: %s",
				    strerror(errno));
	/* The read timeout's alarm handler, installed once for the child's
	 * transport (two calls a line, not four); no SA_RESTART, so the alarm
	 * interrupts a read. */
	{
		struct sigaction sa = { .sa_handler = on_alarm };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
	}
	pid = fork();
	if (pid < 0)
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "cannot start %s: %s", argv[0],
				    strerror(errno));
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "caredesk-sync: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->pid = pid;
	t->to_fd = in[1];
	t->from = fdopen(out[0], "r");
	if (!t->from) {
		transport_close(t);
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "cannot read from %s", argv[0]);
	}
	return 0;
}

/* getline on the child's stdout, given up after read_timeout_s: a central
 * that promised lines and went silent must not hold the agent (and the
 * replica's sync) for ever.  The alarm interrupts read(2) because the
 * handler is installed without SA_RESTART. */
static ssize_t timed_getline(struct transport *t, char **line, size_t *cap)
{
	ssize_t n;

	if (t->local)
		return getline(line, cap, t->from);
	alarm_fired = 0;
	alarm((unsigned)read_timeout_s);
	n = getline(line, cap, t->from);
	alarm(0);
	if (n < 0 && alarm_fired)
		t->stalled = true;
	return n;
}

static int stalled_error(const struct transport *t, struct cd_error *err)
{
	return cd_error_set(err, CD_EX_UNAVAILABLE, NULL,
			    "%s: the central stopped answering (nothing for %d s)", t->uri,
			    read_timeout_s);
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A PostgreSQL central: the answer is made here; a pull's lines are read
 * back from memory through the same FILE as a child's would be. */
static json_t *local_call(struct transport *t, json_t *request, struct cd_error *err)
{
	json_t *answer;

	if (t->from)
		fclose(t->from);
	t->from = NULL;
	free(t->body.text);
	answer = central_answer(t->local, request, &t->body, err);
	/* Central has committed; the answer is not yet in the agent's hands. */
	if (t->sent)
		t->sent();
	if (answer && t->body.len) {
		t->from = fmemopen(t->body.text, t->body.len, "r");
		if (!t->from) {
			json_decref(answer);
			cd_error_set(err, CD_EX_SOFTWARE, NULL, "out of memory reading a pull");
			return NULL;
		}
	}
	return answer;
}

/* CAREDESK_SYNC_TRACE=FILE: every request is appended to FILE, one line
 * each, for the tests that deliver them again, late or in another order. */
static void trace(const char *text)
{
	const char *path = getenv("CAREDESK_SYNC_TRACE");
	FILE *fp;

	if (!path || !*path || !(fp = fopen(path, "a")))
		return;
	fprintf(fp, "%s\n", text);
	fclose(fp);
}

json_t *transport_call(struct transport *t, json_t *request, struct cd_error *err)
{
	char *text = json_dumps(request, JSON_COMPACT);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	json_t *answer;
	json_error_t jerr;
	int rc;

	if (text)
		trace(text);
	if (t->local) {
		free(text);
		return local_call(t, request, err);
	}
	if (!text) {
		cd_error_set(err, CD_EX_SOFTWARE, NULL, "cannot encode a request");
		return NULL;
	}
	rc = write_all(t->to_fd, text, strlen(text));
	if (rc == 0)
		rc = write_all(t->to_fd, "\n", 1);
	free(text);
	if (rc) {
		cd_error_set(err, CD_EX_UNAVAILABLE, NULL, "%s: the central went away (%s)", t->uri,
			     strerror(errno));
		return NULL;
	}
	if (t->sent)
		t->sent();
	n = timed_getline(t, &line, &cap);
	if (n <= 0) {
		free(line);
		if (t->stalled)
			stalled_error(t, err);
		else
			cd_error_set(err, CD_EX_UNAVAILABLE, NULL,
				     "%s: the central closed the connection", t->uri);
		return NULL;
	}
	answer = json_loads(line, 0, &jerr);
	free(line);
	if (!answer) {
		cd_error_set(err, CD_EX_PROTOCOL, NULL, "%s: an answer that is not JSON (%s)", t->uri,
			     jerr.text);
		return NULL;
	}
	if (json_is_string(json_object_get(answer, "type")) &&
	    strcmp(json_string_value(json_object_get(answer, "type")), "error") == 0) {
		json_int_t code = json_integer_value(json_object_get(answer, "code"));
		const char *message = json_string_value(json_object_get(answer, "message"));

		cd_error_set(err, code ? (int)code : CD_EX_UNAVAILABLE, NULL, "%s: %s", t->uri,
			     message ? message : "an error");
		json_decref(answer);
		return NULL;
	}
	return answer;
}

int transport_read_line(struct transport *t, char **line, size_t *cap, struct cd_error *err)
{
	ssize_t n = timed_getline(t, line, cap);

	if (n < 0 && t->stalled)
		return stalled_error(t, err);
	if (n <= 0 || (*line)[n - 1] != '\n')
		return cd_error_set(err, CD_EX_UNAVAILABLE, NULL,
				    "%s: the central closed the connection mid-answer", t->uri);
	(*line)[n - 1] = '\0';
	return 0;
}

/* The child ends when its input does; one that does not (stalled, or
 * hostile) is ended after a grace period, so closing never hangs. */
static void reap(struct transport *t)
{
	int status;

	if (t->stalled)
		kill(t->pid, SIGTERM);
	for (int ms = 0; ms < 5000; ms += 10) {
		pid_t got = waitpid(t->pid, &status, WNOHANG);

		if (got == t->pid || (got < 0 && errno != EINTR))
			return;
		if (ms == 2000)
			kill(t->pid, SIGTERM);
		usleep(10000);
	}
	kill(t->pid, SIGKILL);
	while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
		;
}

void transport_close(struct transport *t)
{
	if (t->to_fd >= 0)
		close(t->to_fd);
	if (t->from)
		fclose(t->from);
	if (t->pid > 0)
		reap(t);
	central_close(&t->local);
	free(t->body.text);
	memset(&t->body, 0, sizeof(t->body));
	t->to_fd = -1;
	t->from = NULL;
	t->pid = -1;
}
