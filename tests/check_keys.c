/* The desk's key names, bindings and layout arithmetic. */
#include <check.h>
#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/ui.h"

static const struct {
	const char *name;
	int key;		/* -1: not a key */
} names[] = {
	{ "a", 'a' }, { "?", '?' }, { "Space", ' ' }, { "space", ' ' }, { "Enter", '\r' },
	{ "C-f", 6 }, { "C-F", 6 }, { "c-l", 12 }, { "M-x", KEY_ALT | 'x' },
	{ "PgDn", KEY_FUNCTION | KEY_NPAGE }, { "Home", KEY_FUNCTION | KEY_HOME },
	{ "F1", KEY_FUNCTION | KEY_F(1) }, { "F12", KEY_FUNCTION | KEY_F(12) },
	{ "F13", -1 }, { "F0", -1 }, { "C-", -1 }, { "C-1", -1 }, { "", -1 }, { "ab", -1 },
	{ " ", ' ' }, { "\x1b", -1 }, { "Fx", -1 },
};

START_TEST(test_parse)
{
	int key = 0;
	int rc = keys_parse(names[_i].name, &key);

	if (names[_i].key < 0) {
		ck_assert_msg(rc != 0, "'%s' parsed", names[_i].name);
	} else {
		ck_assert_msg(rc == 0, "'%s' not parsed", names[_i].name);
		ck_assert_int_eq(key, names[_i].key);
	}
}
END_TEST

/* Every name keys_name writes reads back as the same key. */
START_TEST(test_name_round_trip)
{
	int key = 0, back = 0;
	char name[16];

	if (names[_i].key < 0 || keys_parse(names[_i].name, &key))
		return;
	keys_name(key, name, sizeof(name));
	ck_assert_int_eq(keys_parse(name, &back), 0);
	ck_assert_int_eq(back, key);
}
END_TEST

/* The contract: every action has a plain or Ctrl key first, because vt100
 * has no function keys; PgDn and friends are only aliases.  The arrows are
 * allowed first: vt100 has them (its terminfo's kcub1, kcuf1, kcuu1, kcud1),
 * and the line editor's Left and Right have no Ctrl key free in search,
 * where C-b and C-f page the results. */
static bool every_terminal_has(int key)
{
	return !(key & (KEY_FUNCTION | KEY_ALT)) || key == (KEY_FUNCTION | KEY_LEFT) ||
	       key == (KEY_FUNCTION | KEY_RIGHT) || key == (KEY_FUNCTION | KEY_UP) ||
	       key == (KEY_FUNCTION | KEY_DOWN);
}

START_TEST(test_every_action_has_a_plain_key)
{
	for (int a = 1; a < CMD_COUNT; a++) {
		const struct command_info *info = command_info((enum command)a);
		char first[32];
		int key;

		sscanf(info->keys, "%31s", first);
		ck_assert_msg(keys_parse(first, &key) == 0, "%s: bad key '%s'", info->name, first);
		ck_assert_msg(every_terminal_has(key),
			      "%s: first key %s is not a plain, Ctrl or arrow key", info->name, first);
		ck_assert_msg(key != 0x13 && key != 0x11, "%s: Ctrl-S/Ctrl-Q are flow control",
			      info->name);
	}
}
END_TEST

/* Help lines are " keys(15) help": at 80 columns the help text has 63
 * (one kept for the edge), so no description is cut off. */
START_TEST(test_help_fits_80_columns)
{
	for (int a = 1; a < CMD_COUNT; a++) {
		const struct command_info *info = command_info((enum command)a);

		ck_assert_msg(strlen(info->help) <= 62, "%s: help text of %zu characters is cut at 80 "
			      "columns", info->name, strlen(info->help));
	}
}
END_TEST

START_TEST(test_bindings)
{
	struct bindings b;
	const char *page[] = { "C-d", "Space" };
	const char *bad[] = { "Nope" };
	char why[160];

	bindings_default(&b);
	ck_assert_int_eq(bindings_lookup(&b, 'j', ON_QUEUE), CMD_MOVE_DOWN);
	ck_assert_int_eq(bindings_lookup(&b, KEY_FUNCTION | KEY_NPAGE, ON_QUEUE), CMD_PAGE_DOWN);
	ck_assert_int_eq(bindings_lookup(&b, '\n', ON_QUEUE), bindings_lookup(&b, '\r', ON_QUEUE));
	ck_assert_int_eq(bindings_lookup(&b, 'p', ON_HELP), CMD_NONE);	/* queue only */
	ck_assert_int_eq(bindings_set(&b, CMD_PAGE_DOWN, page, 2, why, sizeof(why)), 0);
	ck_assert_int_eq(bindings_lookup(&b, 4, ON_QUEUE), CMD_PAGE_DOWN);
	ck_assert_int_eq(bindings_lookup(&b, 6, ON_QUEUE), CMD_NONE);	/* C-f unbound now */
	ck_assert_int_ne(bindings_set(&b, CMD_PAGE_DOWN, bad, 1, why, sizeof(why)), 0);
	ck_assert(strstr(why, "Nope") != NULL);
	ck_assert_int_eq(bindings_lookup(&b, 4, ON_QUEUE), CMD_PAGE_DOWN);	/* kept */
}
END_TEST

START_TEST(test_action_names)
{
	enum command a;

	ck_assert_int_eq(command_by_name("page_down", &a), 0);
	ck_assert_int_eq(a, CMD_PAGE_DOWN);
	ck_assert_int_ne(command_by_name("pagedown", &a), 0);
}
END_TEST

START_TEST(test_layout)
{
	ck_assert_int_eq(layout_list_rows(24), 19);
	ck_assert_int_eq(layout_list_rows(5), 0);
	ck_assert_int_eq(layout_list_rows(3), 0);
	ck_assert_int_eq(layout_list_rows(60), 55);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("keys");
	SRunner *sr;
	int failed, n = (int)(sizeof(names) / sizeof(names[0]));

	tcase_add_loop_test(tc, test_parse, 0, n);
	tcase_add_loop_test(tc, test_name_round_trip, 0, n);
	tcase_add_test(tc, test_every_action_has_a_plain_key);
	tcase_add_test(tc, test_help_fits_80_columns);
	tcase_add_test(tc, test_bindings);
	tcase_add_test(tc, test_action_names);
	tcase_add_test(tc, test_layout);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
