/* caredesk-syncd: serve an embedded central store over stdin and stdout.
 *
 *   caredesk-syncd [--create] [--scope LOCALITY] /path/central.db
 *
 * The sync agent starts it (locally for file:, through ssh for ssh://) and
 * sends one JSON request a line; each gets one JSON answer a line.  Many
 * syncd processes may serve one file at once: SQLite's locking orders
 * their pushes, and each push is one transaction.  It ends when its input
 * ends.
 *
 * The scope served is the server's word, never the desk's: --scope, which
 * a desk's ssh key forces (authorized_keys command=...).  Without it, only
 * the central file's owner (or root) is served, in the scope the hello
 * names: they could rewrite the file anyway, so nothing is given away. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <config.h>	/* autoconf's, from the build tree */

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "sync/central.h"

static void usage(FILE *fp)
{
	fputs("usage: caredesk-syncd [--create] [--scope LOCALITY] CENTRAL.db\n"
	      "       caredesk-syncd --init CENTRAL\n"
	      "       caredesk-syncd --add-worker LOGIN --locality L --role R --team T\n"
	      "                      [--name NAME] CENTRAL\n"
	      "       caredesk-syncd --help | --version\n"
	      "Serve a caredesk central store to one sync agent over stdin and stdout.\n"
	      "  --create   make the central store if the file does not exist\n"
	      "  --scope    serve LOCALITY only (north, south, central, west or borough),\n"
	      "             whatever the desk asks; a desk's ssh key forces it\n"
	      "  --init     make or migrate the central store CENTRAL (a file, file:/path or\n"
	      "             postgresql://...) and exit; caredesk central init runs this\n"
	      "  --add-worker  add LOGIN to central's staff directory (or update them)\n"
	      "             and exit; caredesk central worker add runs this\n", fp);
}

/* caredesk central init: the desk's binary never links libpq, so the
 * making of a PostgreSQL central happens here. */
static int init(const char *target)
{
	struct cd_error err;

	cd_error_clear(&err);
	if (central_init(target, &err) == 0)
		return 0;
	fprintf(stderr, "caredesk-syncd: %s: %s\n", target, err.msg);
	return err.code ? err.code : CD_EX_SOFTWARE;
}

/* Without --scope the caller must be the central's owner (or root), and
 * never someone sshd let in: a desk's key forces --scope. */
static int check_caller(const char *path, struct cd_error *err)
{
	struct stat sb;
	struct passwd *pw;

	if (getenv("SSH_CONNECTION") || getenv("SSH_ORIGINAL_COMMAND"))
		return cd_error_set(err, CD_EX_NOPERM, NULL, "over ssh the scope comes from "
				    "authorized_keys: command=\"caredesk-syncd --scope LOCALITY %.200s\"",
				    path);
	if (getuid() == 0 || stat(path, &sb) != 0 || sb.st_uid == getuid())
		return 0;
	pw = getpwuid(getuid());
	return cd_error_set(err, CD_EX_NOPERM, NULL, "%.64s does not own %.200s: a desk is served "
			    "with --scope LOCALITY, from its ssh key's authorized_keys line",
			    pw ? pw->pw_name : "this user", path);
}

/* caredesk central worker add: central's own staff directory. */
static int add_worker(const char *target, const struct worker_input *in, const char *locality)
{
	struct passwd *pw = getpwuid(getuid());
	struct cd_error err;

	cd_error_clear(&err);
	if (!in->roles || !in->team || !locality) {
		fputs("caredesk-syncd: --add-worker needs --locality, --role and --team\n", stderr);
		return CD_EX_USAGE;
	}
	if (central_add_worker(target, in, locality, pw ? pw->pw_name : "root", &err) == 0)
		return 0;
	fprintf(stderr, "caredesk-syncd: %s: %s\n", target, err.msg);
	return err.code ? err.code : CD_EX_SOFTWARE;
}

static json_t *error_answer(const struct cd_error *err)
{
	return json_pack("{s:s, s:i, s:s}", "type", "error", "code", err->code ? err->code : 70,
			 "message", err->msg[0] ? err->msg : "failed");
}

/* One line: encoded whole, then written at once (json_dumpf writes a
 * token at a time, a tenth of a large pull's time). */
static void send_answer(json_t *reply, const struct pull_body *body)
{
	char *text = json_dumps(reply, JSON_COMPACT);

	if (text) {
		fputs(text, stdout);
		free(text);
	}
	fputc('\n', stdout);
	if (body && body->len)
		fwrite(body->text, 1, body->len, stdout);
	fflush(stdout);
}

static int serve(struct central *c)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0) {
		struct cd_error err;
		json_error_t jerr;
		json_t *request = json_loads(line, 0, &jerr), *reply;
		struct pull_body body = { 0 };

		cd_error_clear(&err);
		if (!request)
			cd_error_set(&err, CD_EX_PROTOCOL, NULL, "a request that is not JSON: %s",
				     jerr.text);
		reply = request ? central_answer(c, request, &body, &err) : NULL;
		if (!reply)
			reply = error_answer(&err);
		send_answer(reply, &body);
		free(body.text);
		json_decref(reply);
		json_decref(request);
	}
	free(line);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "create", no_argument, NULL, 'c' },
		{ "scope", required_argument, NULL, 's' },
		{ "add-worker", required_argument, NULL, 'w' },
		{ "locality", required_argument, NULL, 'l' },
		{ "role", required_argument, NULL, 'r' },
		{ "team", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "init", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct central *c = NULL;
	struct cd_error err;
	const char *scope = NULL, *locality = NULL;
	struct worker_input worker = { 0 };
	int create = 0, make = 0, opt, rc;

	umask(007);
	setlocale(LC_ALL, "");
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'c') {
			create = 1;
		} else if (opt == 's') {
			scope = optarg;
		} else if (opt == 'w') {
			worker.login = optarg;
		} else if (opt == 'l') {
			locality = optarg;
		} else if (opt == 'r') {
			worker.roles = optarg;
		} else if (opt == 't') {
			worker.team = optarg;
		} else if (opt == 'n') {
			worker.name = optarg;
		} else if (opt == 'i') {
			make = 1;
		} else if (opt == 'h') {
			usage(stdout);
			return 0;
		} else if (opt == 'V') {
			printf("caredesk-syncd %s\n", PACKAGE_VERSION);
			return 0;
		} else {
			usage(stderr);
			return CD_EX_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return CD_EX_USAGE;
	}
	cd_error_clear(&err);
	if (now_start(&err)) {
		char why[600];

		cd_error_format(&err, why, sizeof(why));
		fprintf(stderr, "caredesk-syncd: %s\n", why);
		return err.code;
	}
	if (make)
		return init(argv[optind]);
	if (worker.login) {
		if (!worker.name)
			worker.name = worker.login;
		return add_worker(argv[optind], &worker, locality);
	}
	if ((!scope && check_caller(argv[optind], &err)) ||
	    central_open(argv[optind], create, &c, &err) ||
	    (scope && central_fix_scope(c, scope, &err))) {
		/* Say it on stderr and to the agent, which reads only stdout. */
		json_t *reply = error_answer(&err);

		fprintf(stderr, "caredesk-syncd: %s\n", err.msg);
		send_answer(reply, NULL);
		json_decref(reply);
		central_close(&c);
		return err.code ? err.code : 70;
	}
	rc = serve(c);
	central_close(&c);
	return rc;
}
