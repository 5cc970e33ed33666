/* caredesk note: add to the chronology, or amend an earlier note. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/actions.h"
#include "cli/commands.h"

enum { N_PERSON, N_CASE, N_REFERRAL, N_KIND, N_BODY, N_BODY_FILE };
enum { GROUP_ABOUT = 1, GROUP_TEXT };

static const struct opt_spec add_opts[] = {
	[N_PERSON] = { "person", "ID", "the person the note is about", OPT_REQUIRED, GROUP_ABOUT },
	[N_CASE] = { "case", "ID", "the case it is about", OPT_REQUIRED, GROUP_ABOUT },
	[N_REFERRAL] = { "referral", "ID", "the referral it is about", OPT_REQUIRED, GROUP_ABOUT },
	[N_KIND] = { "kind", "KIND", "the kind of note (default case-note)", 0, 0 },
	[N_BODY] = { "body", "TEXT", "the note's text", OPT_REQUIRED | OPT_EXCLUSIVE, GROUP_TEXT },
	[N_BODY_FILE] = { "body-file", "FILE", "read the text from FILE (- for stdin)",
			  OPT_REQUIRED | OPT_EXCLUSIVE, GROUP_TEXT },
	{ NULL, NULL, NULL, 0, 0 },
};

/* amend takes only the text: a correction stays about what it corrects. */
enum { A_BODY, A_BODY_FILE };
static const struct opt_spec amend_opts[] = {
	[A_BODY] = { "body", "TEXT", "the corrected text", OPT_REQUIRED | OPT_EXCLUSIVE, 1 },
	[A_BODY_FILE] = { "body-file", "FILE", "read the text from FILE (- for stdin)",
			  OPT_REQUIRED | OPT_EXCLUSIVE, 1 },
	{ NULL, NULL, NULL, 0, 0 },
};

#define BODY_FILE_MAX (1 << 20)

/* Read a whole file (or stdin for "-") into *out: 0, or an exit status
 * with a message.  A NUL byte is refused, not taken as the end: the text
 * after it would be lost without a word (the importer refuses it too). */
static int read_body(const char *path, char **out)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *nul;
	char *buf;
	size_t n;

	*out = NULL;
	if (!fp) {
		fprintf(stderr, "caredesk: cannot read %s: %s\n", path, strerror(errno));
		return CD_EX_NOINPUT;
	}
	buf = cd_malloc(BODY_FILE_MAX + 1);
	n = fread(buf, 1, BODY_FILE_MAX + 1, fp);
	if (fp != stdin)
		fclose(fp);
	if (n > BODY_FILE_MAX) {
		fprintf(stderr, "caredesk: %s: longer than %d bytes\n", path, BODY_FILE_MAX);
		free(buf);
		return CD_EX_DATAERR;
	}
	nul = memchr(buf, '\0', n);
	if (nul) {
		fprintf(stderr, "caredesk: %s: byte %zu is a NUL byte: a note is text; "
			"nothing was added\n", path, (size_t)(nul - buf) + 1);
		free(buf);
		return CD_EX_DATAERR;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
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

/* The text from --body, or read from --body-file into *owned. */
static int take_body(const char *body, const char *body_file, const char **out, char **owned)
{
	int rc;

	*owned = NULL;
	*out = body;
	if (!body_file)
		return 0;
	rc = read_body(body_file, owned);
	*out = *owned;
	return rc;
}

static int add_run(struct app *app, const struct args *a)
{
	struct note_input in = { .person_id = a->value[N_PERSON], .case_id = a->value[N_CASE],
				 .referral_id = a->value[N_REFERRAL], .kind = a->value[N_KIND] };
	char *owned;
	int rc = take_body(a->value[N_BODY], a->value[N_BODY_FILE], &in.body, &owned);

	if (rc == 0)
		rc = run_note(app, 0, &in, NULL);
	free(owned);
	return rc;
}

static int amend_run(struct app *app, const struct args *a)
{
	struct note_input in = { 0 };
	char *owned;
	int rc = take_body(a->value[A_BODY], a->value[A_BODY_FILE], &in.body, &owned);

	if (rc == 0)
		rc = run_note(app, 1, &in, a->operand[0]);
	free(owned);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "add", NULL, 0, add_opts, "add a note to a person's, case's or referral's chronology",
	  add_run },
	{ "amend", "NOTE_ID", 1, amend_opts, "correct a note with a new one that amends it",
	  amend_run },
};

const struct command_spec cmd_note_spec = {
	"note", "add a note to the chronology", verbs, 2,
	"  KIND is case-note (default), contact, visit, phone-call, meeting or decision.\n"
	"  --body-file - reads the text from standard input.\n",
};
