/* Unit tests for reading a command line against a command's table
 * (src/cli/args.c), the help written from it (usage.c), and row output
 * that must not hide a failed query or write (output.c).
 *
 * The parse cases are a table: argv, the exit status args_parse returns,
 * and what it should have read.  The command is a small one made for the
 * test, so a change to a real command's options cannot hide a parser
 * fault. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define ARGV_MAX	10

enum { A_BODY, A_BODY_FILE, A_KIND, A_ALL };

static int run_nothing(struct app *app, const struct args *a)
{
	(void)app;
	(void)a;
	return 0;
}

static const struct opt_spec add_opts[] = {
	[A_BODY] = { "body", "TEXT", "the text", OPT_REQUIRED | OPT_EXCLUSIVE, 1 },
	[A_BODY_FILE] = { "body-file", "FILE", "the text from FILE", OPT_REQUIRED | OPT_EXCLUSIVE,
			  1 },
	[A_KIND] = { "kind", "KIND", "the kind", 0, 0 },
	[A_ALL] = { "all", NULL, "a flag", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct opt_spec show_opts[] = {
	FORMAT_OPTION("text|json"),
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct verb_spec verbs[] = {
	{ "add", NULL, 0, add_opts, "add one", run_nothing },
	{ "show", "ID", 1, show_opts, "show one", run_nothing },
};

static const struct command_spec test_cmd = { "t", "a test command", verbs, 2, NULL };

struct parse_case {
	const char *argv[ARGV_MAX];	/* argv[0] is the command's name */
	int status;
	const char *body;		/* expected --body, or NULL */
	const char *operand;		/* expected first operand, or NULL */
	const char *replica;		/* expected global --replica, or NULL */
	int help;
};

static const struct parse_case parse_cases[] = {
	{ { "t", "add", "--body", "-h" }, 0, "-h", NULL, NULL, 0 },
	{ { "t", "add", "--body", "--help" }, 0, "--help", NULL, NULL, 0 },
	{ { "t", "add", "--body=--as" }, 0, "--as", NULL, NULL, 0 },
	{ { "t", "add", "--body", "--replica" }, 0, "--replica", NULL, NULL, 0 },
	{ { "t", "add", "--body", "x", "--replica", "r.db" }, 0, "x", NULL, "r.db", 0 },
	{ { "t", "--replica", "r.db", "add", "--body", "x" }, 0, "x", NULL, "r.db", 0 },
	{ { "t", "add", "--replica=r.db", "--body", "" }, 0, "", NULL, "r.db", 0 },
	{ { "t", "add", "--body", "x", "--", "--kind" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--body" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--body", "x", "--replica" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--body", "x", "--replica", "" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--kind", "k" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--body", "a", "--body-file", "f" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--body", "a", "--body", "b" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--body", "a", "--all=yes" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "add", "--body", "a", "--nope" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "frob" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "show", "--", "-x" }, 0, NULL, "-x", NULL, 0 },
	{ { "t", "show", "--format", "json", "ID" }, 0, NULL, "ID", NULL, 0 },
	{ { "t", "show", "ID", "--format", "xml" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "show" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	{ { "t", "show", "a", "b" }, CD_EX_USAGE, NULL, NULL, NULL, 0 },
	/* --help wins over what is missing, but not when it is a value. */
	{ { "t", "add", "-h" }, 0, NULL, NULL, NULL, 1 },
	{ { "t", "--help" }, 0, NULL, NULL, NULL, 1 },
	{ { "t", "show", "--help" }, 0, NULL, NULL, NULL, 1 },
};

static void quiet_stderr(void)
{
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
}

START_TEST(test_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	char *argv[ARGV_MAX + 1] = { NULL };
	struct global_opts g = { 0 };
	struct args a;
	int argc = 0, rc;

	while (argc < ARGV_MAX && c->argv[argc]) {
		argv[argc] = (char *)c->argv[argc];
		argc++;
	}
	quiet_stderr();
	rc = args_parse(&test_cmd, argc, argv, &g, &a);
	ck_assert_int_eq(rc, c->status);
	if (rc)
		return;
	ck_assert_int_eq(g.help, c->help);
	if (c->body)
		ck_assert_str_eq(a.value[A_BODY], c->body);
	if (c->operand)
		ck_assert_str_eq(a.operand[0], c->operand);
	if (c->replica)
		ck_assert_str_eq(g.replica, c->replica);
	else
		ck_assert_ptr_null(g.replica);
}
END_TEST

START_TEST(test_format_default_and_choice)
{
	char *show[] = { "t", "show", "ID", NULL };
	char *json[] = { "t", "show", "ID", "--format=json", NULL };
	struct global_opts g = { 0 };
	struct args a;

	ck_assert_int_eq(args_parse(&test_cmd, 3, show, &g, &a), 0);
	ck_assert_int_eq(args_format(&a, 0), FORMAT_TEXT);
	ck_assert_int_eq(args_parse(&test_cmd, 4, json, &g, &a), 0);
	ck_assert_int_eq(args_format(&a, 0), FORMAT_JSON);
}
END_TEST

/* Every option of the table is in the usage line and has a help line. */
START_TEST(test_help_from_table)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	args_help(fp, &test_cmd, NULL);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(text, "usage: caredesk t add (--body TEXT | --body-file FILE) "
					   "[--kind KIND] [--all]\n"));
	ck_assert_ptr_nonnull(strstr(text, "       caredesk t show ID [--format text|json]\n"));
	for (size_t i = 0; add_opts[i].name; i++) {
		char line[64];

		snprintf(line, sizeof(line), "\n    --%s", add_opts[i].name);
		ck_assert_msg(strstr(text, line), "no help line for --%s", add_opts[i].name);
	}
	ck_assert_ptr_nonnull(strstr(text, "output format (default text)"));
	ck_assert_ptr_nonnull(strstr(text, "\n    --replica FILE"));
	free(text);
}
END_TEST

/* A statement whose second step fails: integer overflow in abs(). */
static sqlite3_stmt *failing_rows(sqlite3 **db)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_open(":memory:", db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(*db,
					    "SELECT '1' AS a UNION ALL "
					    "SELECT abs(-9223372036854775807 - 1)",
					    -1, &st, NULL), SQLITE_OK);
	return st;
}

START_TEST(test_query_error_reported)
{
	static const enum out_format formats[] = { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct cd_error err;
	sqlite3 *db;
	sqlite3_stmt *st = failing_rows(&db);

	cd_error_clear(&err);
	ck_assert_int_eq(write_rows(fp, st, formats[_i], &err), -1);
	ck_assert_int_eq(err.code, CD_EX_SOFTWARE);
	ck_assert_ptr_nonnull(strstr(err.msg, "integer overflow"));
	fclose(fp);
	/* A JSON array cut short must not look complete. */
	if (formats[_i] == FORMAT_JSON)
		ck_assert_ptr_null(strchr(text, ']'));
	free(text);
	sqlite3_finalize(st);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_write_error_reported)
{
	FILE *fp = fopen("/dev/full", "w");
	struct cd_error err;
	sqlite3 *db;
	sqlite3_stmt *st;

	if (!fp)
		return;		/* no /dev/full on this system */
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT 'x' AS a", -1, &st, NULL), SQLITE_OK);
	cd_error_clear(&err);
	ck_assert_int_eq(write_rows(fp, st, FORMAT_CSV, &err), -1);
	ck_assert_int_eq(err.code, CD_EX_IOERR);
	ck_assert_ptr_nonnull(strstr(err.msg, "No space left on device"));
	fclose(fp);
	sqlite3_finalize(st);
	sqlite3_close(db);
}
END_TEST

static Suite *args_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse, 0, ARRAY_LEN(parse_cases));
	tcase_add_test(tc, test_format_default_and_choice);
	tcase_add_test(tc, test_help_from_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("output");
	tcase_add_loop_test(tc, test_query_error_reported, 0, 3);
	tcase_add_test(tc, test_write_error_reported);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(args_suite());
	int failed;

	/* Fork mode unless CK_FORK says otherwise (valgrind runs use no). */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
