/* caredesk check: integrity of the replica (see replica_check). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

/* Each problem line names what it found: an audit origin, a table, a
 * value read from a possibly hostile or damaged file.  They are gathered
 * and printed sanitised, never as raw file bytes. */
static void print_lines(char *text)
{
	char *line, *next;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		app_message(stdout, "%s", line);
	}
}

static int check_lines(struct replica *r, long *problems, struct cd_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc;

	if (!mem)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "out of memory");
	rc = replica_check(r, mem, problems, err);
	fclose(mem);
	print_lines(text);
	free(text);
	return rc;
}

/* The file would not open as a replica because it is damaged: say what
 * SQLite finds of its pages, and that it is damaged (65). */
static int damage(struct app *app)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	long problems = 0;

	if (!mem)
		return CD_EX_SOFTWARE;
	replica_damage_report(app_replica_path(app), mem, &problems);
	fclose(mem);
	print_lines(text);
	free(text);
	app_message(stdout, "caredesk: %s: %ld problem%s", app_replica_path(app), problems,
		    problems == 1 ? "" : "s");
	return CD_EX_DATAERR;
}

static int run(struct app *app, const struct args *a)
{
	struct replica *r;
	struct cd_error err;
	long problems = 0;
	int rc = app_open(app, &r);

	(void)a;
	if (rc == CD_EX_DATAERR)
		return damage(app);
	if (rc)
		return rc;
	cd_error_clear(&err);
	if (check_lines(r, &problems, &err))
		rc = app_fail(&err);
	else if (problems)
		rc = CD_EX_DATAERR;
	if (rc == 0)
		printf("caredesk: %s is consistent\n", app_replica_path(app));
	else if (problems)
		printf("caredesk: %s: %ld problem%s\n", app_replica_path(app), problems,
		       problems == 1 ? "" : "s");
	replica_close(&r);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ NULL, NULL, 0, NULL, "the replica's integrity", run },
};

const struct command_spec cmd_check_spec = {
	"check", "check the replica's integrity", verbs, 1,
	"  Runs SQLite's quick_check and foreign key check, verifies every audit\n"
	"  chain (and that it still holds the last event central recorded of it\n"
	"  at the last sync) and the outbox capture triggers, and compares the\n"
	"  schema (tables, indexes, triggers) with the one the migrations make.\n"
	"  Never reaches central.  Exit 0 when all is well, 65 if a problem was\n"
	"  found (each is printed).\n",
};
