/* caredesk note: add to the chronology, or amend an earlier note. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "cli/commands.h"

static const char usage[] =
	"usage: caredesk note add (--person ID | --case ID | --referral ID) [--kind KIND]\n"
	"                         (--body TEXT | --body-file FILE)\n"
	"       caredesk note amend NOTE_ID (--body TEXT | --body-file FILE)\n"
	"  KIND is case-note (default), contact, visit, phone-call, meeting or decision.\n"
	"  --body-file - reads the text from standard input.\n";

#define BODY_FILE_MAX (1 << 20)

/* Read a whole file (or stdin for "-"); NULL with a message on failure. */
static char *read_body(const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *buf;
	size_t n;

	if (!fp) {
		fprintf(stderr, "caredesk: cannot read %s\n", path);
		return NULL;
	}
	buf = cd_malloc(BODY_FILE_MAX + 1);
	n = fread(buf, 1, BODY_FILE_MAX + 1, fp);
	if (fp != stdin)
		fclose(fp);
	if (n > BODY_FILE_MAX) {
		fprintf(stderr, "caredesk: %s: longer than %d bytes\n", path, BODY_FILE_MAX);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int run_note(struct app *app, int amend, struct note_input *in, const char *note_id)
{
	struct replica *r;
	struct cd_error err;
	char id[UUID_STR_LEN];
	int rc = app_open(app, &r);

	if (rc)
		return rc;
	cd_error_clear(&err);
	if (amend ? note_amend(r, note_id, in->body, id, &err) : note_add(r, in, id, &err))
		rc = app_fail(&err);
	else
		printf("%s\n", id);
	replica_close(&r);
	return rc;
}

static int note_cmd(struct app *app, int argc, char **argv, int amend)
{
	static const struct option opts[] = {
		{ "person", required_argument, NULL, 'p' },
		{ "case", required_argument, NULL, 'c' },
		{ "referral", required_argument, NULL, 'r' },
		{ "kind", required_argument, NULL, 'k' },
		{ "body", required_argument, NULL, 'b' },
		{ "body-file", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct note_input in = { 0 };
	const char *body_file = NULL;
	char *body = NULL;
	int c, rc;

	app_getopt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p': in.person_id = optarg; break;
		case 'c': in.case_id = optarg; break;
		case 'r': in.referral_id = optarg; break;
		case 'k': in.kind = optarg; break;
		case 'b': in.body = optarg; break;
		case 'B': body_file = optarg; break;
		default: return app_option_error(usage, argv, c);
		}
	}
	if (amend && (argc - optind != 1 || in.person_id || in.case_id || in.referral_id || in.kind))
		return app_usage_error(usage, "note amend takes a NOTE_ID and the new text");
	if (!amend && optind < argc)
		return app_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!amend && !in.person_id && !in.case_id && !in.referral_id)
		return app_usage_error(usage, "say who the note is about: --person, --case or --referral");
	if (!in.body == !body_file)
		return app_usage_error(usage, "give the text with either --body or --body-file");
	if (body_file) {
		body = read_body(body_file);
		if (!body)
			return CD_EX_NOINPUT;
		in.body = body;
	}
	rc = run_note(app, amend, &in, amend ? argv[optind] : NULL);
	free(body);
	return rc;
}

int cmd_note(struct app *app, int argc, char **argv)
{
	if (app->opts.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		return app_usage_error(usage, "note needs add or amend");
	if (strcmp(argv[1], "add") == 0)
		return note_cmd(app, argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "amend") == 0)
		return note_cmd(app, argc - 1, argv + 1, 1);
	return app_usage_error(usage, "unknown note command '%s'", argv[1]);
}
