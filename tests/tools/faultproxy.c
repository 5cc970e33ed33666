/* faultproxy: a loopback TCP proxy that misbehaves on request, for the
 * sync tests (issue 4) between the agent and PostgreSQL.
 *
 *   faultproxy PORTFILE TARGET CONTROL STATUS
 *
 * Listens on 127.0.0.1 (a free port, written to PORTFILE) and forwards
 * each connection to TARGET, a unix socket path or HOST:PORT.  CONTROL's
 * first line says how to behave, read again whenever it changes:
 *   pass         forward both ways
 *   delay MS     hold every chunk MS milliseconds first
 *   cut          close every connection and refuse new ones
 *   lose-commit  forward, but drop the first server reply that holds a
 *                COMMIT's CommandComplete and close both sides: the
 *                server has committed, the client never hears of it
 *   replay       send the client's bytes of the last finished connection
 *                to the server again, as a new connection, once
 * Each thing it did is appended to STATUS ("lost-commit", "replayed N"),
 * and "mode M" once a CONTROL line M is in force (after its replay), so a
 * test waits for that line instead of for time.
 * It ends on SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 32

struct link {
	int client, server;
	char *sent;		/* the client's bytes so far, for replay */
	size_t sent_len;
};

static struct link links[MAX_CONNS];
static int nlinks;
static char *last_sent;		/* the last finished connection's client bytes */
static size_t last_len;
static const char *target, *control_path, *status_path;
static char mode[64] = "pass";
static bool armed = true;	/* lose-commit and replay act once per change */
static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void note_status(const char *what, long n)
{
	FILE *fp = fopen(status_path, "a");

	if (fp) {
		if (n >= 0)
			fprintf(fp, "%s %ld\n", what, n);
		else
			fprintf(fp, "%s\n", what);
		fclose(fp);
	}
}

static int connect_target(void)
{
	int fd;

	if (target[0] == '/') {
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", target);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
	{
		struct sockaddr_in a = { .sin_family = AF_INET };
		const char *colon = strrchr(target, ':');
		char host[64];

		if (!colon || (size_t)(colon - target) >= sizeof(host))
			return -1;
		memcpy(host, target, (size_t)(colon - target));
		host[colon - target] = '\0';
		a.sin_port = htons((unsigned short)atoi(colon + 1));
		if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
			return -1;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
}

static void close_link(int i)
{
	close(links[i].client);
	close(links[i].server);
	free(last_sent);
	last_sent = links[i].sent;
	last_len = links[i].sent_len;
	links[i] = links[--nlinks];
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* CommandComplete ('C', length 11) with the tag COMMIT. */
static bool holds_commit(const char *p, size_t n)
{
	static const char tag[] = { 'C', 0, 0, 0, 11, 'C', 'O', 'M', 'M', 'I', 'T', 0 };

	return memmem(p, n, tag, sizeof(tag)) != NULL;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stopping)
		;
}

/* Move one chunk; false when the link is to be closed. */
static bool forward(struct link *l, bool from_client)
{
	char buf[65536];
	ssize_t n = read(from_client ? l->client : l->server, buf, sizeof(buf));

	if (n <= 0)
		return false;
	if (strncmp(mode, "delay ", 6) == 0)
		pause_ms(atol(mode + 6));
	if (from_client) {
		l->sent = realloc(l->sent, l->sent_len + (size_t)n);
		if (!l->sent)
			abort();
		memcpy(l->sent + l->sent_len, buf, (size_t)n);
		l->sent_len += (size_t)n;
	} else if (armed && strcmp(mode, "lose-commit") == 0 && holds_commit(buf, (size_t)n)) {
		armed = false;
		note_status("lost-commit", -1);
		return false;
	}
	return write_all(from_client ? l->server : l->client, buf, (size_t)n) == 0;
}

/* The last finished connection's client bytes, sent again; the server's
 * answers are read and dropped until it goes quiet. */
static void replay(void)
{
	char buf[65536];
	int fd = connect_target();
	struct pollfd p;

	if (fd < 0 || !last_sent) {
		note_status("replay-failed", -1);
		if (fd >= 0)
			close(fd);
		return;
	}
	write_all(fd, last_sent, last_len);
	shutdown(fd, SHUT_WR);
	p.fd = fd;
	p.events = POLLIN;
	while (poll(&p, 1, 2000) > 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			break;
	}
	close(fd);
	note_status("replayed", (long)last_len);
}

static void read_control(void)
{
	static struct timespec seen;
	struct stat st;
	char line[64] = "";
	FILE *fp;

	if (stat(control_path, &st) != 0 ||
	    (st.st_mtim.tv_sec == seen.tv_sec && st.st_mtim.tv_nsec == seen.tv_nsec))
		return;
	seen = st.st_mtim;
	fp = fopen(control_path, "r");
	if (!fp)
		return;
	if (fgets(line, sizeof(line), fp))
		line[strcspn(line, "\n")] = '\0';
	fclose(fp);
	snprintf(mode, sizeof(mode), "%s", line[0] ? line : "pass");
	armed = true;
	if (strcmp(mode, "cut") == 0)
		while (nlinks > 0)
			close_link(nlinks - 1);
	if (strcmp(mode, "replay") == 0) {
		armed = false;
		replay();
	}
	{
		char ack[80];

		snprintf(ack, sizeof(ack), "mode %s", mode);
		note_status(ack, -1);
	}
}

static void accept_one(int lfd)
{
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), s;

	if (c < 0)
		return;
	if (strcmp(mode, "cut") == 0 || nlinks == MAX_CONNS || (s = connect_target()) < 0) {
		close(c);
		return;
	}
	links[nlinks++] = (struct link){ .client = c, .server = s };
}

static int listen_loopback(const char *portfile)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	FILE *fp;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		perror("faultproxy: listen");
		exit(1);
	}
	fp = fopen(portfile, "w");
	if (!fp) {
		perror(portfile);
		exit(1);
	}
	fprintf(fp, "%d\n", ntohs(a.sin_port));
	fclose(fp);
	return fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	int lfd;

	if (argc != 5) {
		fprintf(stderr, "usage: faultproxy PORTFILE TARGET CONTROL STATUS\n");
		return 64;
	}
	target = argv[2];
	control_path = argv[3];
	status_path = argv[4];
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	lfd = listen_loopback(argv[1]);
	while (!stopping) {
		struct pollfd p[1 + 2 * MAX_CONNS];
		int n = 1;

		read_control();
		p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < nlinks; i++) {
			p[n++] = (struct pollfd){ .fd = links[i].client, .events = POLLIN };
			p[n++] = (struct pollfd){ .fd = links[i].server, .events = POLLIN };
		}
		if (poll(p, (nfds_t)n, 20) <= 0)
			continue;
		if (p[0].revents & POLLIN)
			accept_one(lfd);
		/* Backwards, so closing a link (the last moves into its place)
		 * leaves the ones still to look at where they were. */
		for (int i = nlinks - 1; i >= 0; i--) {
			bool ok = true;

			if (1 + 2 * i + 1 >= n)
				continue;
			if (p[1 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR))
				ok = forward(&links[i], true);
			if (ok && p[2 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR))
				ok = forward(&links[i], false);
			if (!ok)
				close_link(i);
		}
	}
	while (nlinks > 0)
		close_link(nlinks - 1);
	free(last_sent);
	return 0;
}
