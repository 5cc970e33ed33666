/* The one line editor of forms and search: typing at the point, moving and
 * deleting by characters (never inside a UTF-8 sequence), the kill keys,
 * the limits, and unsafe characters refused. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/line_edit.h"

static void type(struct line_edit *e, const char *ascii)
{
	for (const char *c = ascii; *c; c++)
		ck_assert(line_edit_type(e, (unsigned char)*c));
}

START_TEST(test_type_at_point)
{
	struct line_edit e = { .max_chars = 0 };

	type(&e, "abc");
	ck_assert_str_eq(e.text, "abc");
	ck_assert_uint_eq(e.point, 3);
	line_edit_do(&e, CMD_EDIT_LEFT);
	line_edit_do(&e, CMD_EDIT_LEFT);
	type(&e, "X");
	ck_assert_str_eq(e.text, "aXbc");
	ck_assert_uint_eq(e.point, 2);
	line_edit_do(&e, CMD_EDIT_HOME);
	type(&e, "<");
	line_edit_do(&e, CMD_EDIT_END);
	type(&e, ">");
	ck_assert_str_eq(e.text, "<aXbc>");
	ck_assert_uint_eq(e.len, strlen(e.text));
}
END_TEST

/* "Wiśniewski": ś is two bytes; moving and deleting step over it whole. */
START_TEST(test_utf8_by_character)
{
	struct line_edit e = { .max_chars = 0 };

	line_edit_set(&e, "Wi\xc5\x9bn");
	line_edit_do(&e, CMD_EDIT_LEFT);	/* before n */
	line_edit_do(&e, CMD_EDIT_LEFT);	/* before ś */
	ck_assert_uint_eq(e.point, 2);
	line_edit_do(&e, CMD_EDIT_RIGHT);
	ck_assert_uint_eq(e.point, 4);
	ck_assert_int_eq(line_edit_point_width(&e, TEXT_MODE_UTF8), 3);
	line_edit_do(&e, CMD_DELETE_BACK);
	ck_assert_str_eq(e.text, "Win");
	ck_assert_uint_eq(e.point, 2);
	ck_assert(line_edit_type(&e, 0x15b));	/* ś typed back */
	ck_assert_str_eq(e.text, "Wi\xc5\x9bn");
	line_edit_do(&e, CMD_EDIT_LEFT);
	line_edit_do(&e, CMD_DELETE_CHAR);
	ck_assert_str_eq(e.text, "Win");
}
END_TEST

START_TEST(test_kills)
{
	struct line_edit e = { .max_chars = 0 };

	line_edit_set(&e, "ring the  ward at ten");
	line_edit_do(&e, CMD_KILL_WORD);
	ck_assert_str_eq(e.text, "ring the  ward at ");
	line_edit_do(&e, CMD_KILL_WORD);
	ck_assert_str_eq(e.text, "ring the  ward ");
	for (int i = 0; i < 6; i++)
		line_edit_do(&e, CMD_EDIT_LEFT);
	/* Between the two blanks: back over one blank, then "the". */
	line_edit_do(&e, CMD_KILL_WORD);
	ck_assert_str_eq(e.text, "ring  ward ");
	ck_assert_uint_eq(e.point, 5);
	line_edit_do(&e, CMD_KILL_TO_END);
	ck_assert_str_eq(e.text, "ring ");
	line_edit_do(&e, CMD_KILL_LINE);
	ck_assert_str_eq(e.text, "");
	ck_assert_uint_eq(e.point, 0);
	/* At the edges nothing happens, and nothing breaks. */
	ck_assert(line_edit_do(&e, CMD_DELETE_BACK));
	ck_assert(line_edit_do(&e, CMD_DELETE_CHAR));
	ck_assert(line_edit_do(&e, CMD_EDIT_LEFT));
	ck_assert(line_edit_do(&e, CMD_KILL_WORD));
	ck_assert_str_eq(e.text, "");
}
END_TEST

START_TEST(test_limits)
{
	struct line_edit e = { .max_chars = 3 };

	type(&e, "abcd");		/* the d is taken as text but not kept */
	ck_assert_str_eq(e.text, "abc");
	ck_assert(line_edit_type(&e, 0x15b));
	ck_assert_str_eq(e.text, "abc");
	/* The byte limit: a full buffer of ś takes no half character. */
	e.max_chars = 0;
	line_edit_set(&e, "");
	for (int i = 0; i < LINE_EDIT_BYTES; i++)
		line_edit_type(&e, 0x15b);
	ck_assert_uint_eq(e.len, LINE_EDIT_BYTES);
	ck_assert_uint_eq(strlen(e.text), LINE_EDIT_BYTES);
}
END_TEST

/* What could forge a screen is never put in a field; keys that are not
 * text are left to the bindings. */
START_TEST(test_refused_and_not_text)
{
	struct line_edit e = { .max_chars = 0 };

	ck_assert(line_edit_type(&e, 0x202e));	/* right-to-left override */
	ck_assert(line_edit_type(&e, 0x3164));	/* Hangul filler */
	ck_assert_str_eq(e.text, "");
	ck_assert(!line_edit_type(&e, 27));
	ck_assert(!line_edit_type(&e, 21));
	ck_assert(!line_edit_type(&e, KEY_FUNCTION | 0x104));
	ck_assert(!line_edit_type(&e, KEY_ALT | 'x'));
	ck_assert(!line_edit_do(&e, CMD_MOVE_DOWN));
	ck_assert(!line_edit_do(&e, CMD_SAVE));
}
END_TEST

static Suite *line_edit_suite(void)
{
	Suite *s = suite_create("line_edit");
	TCase *tc = tcase_create("edit");

	tcase_add_test(tc, test_type_at_point);
	tcase_add_test(tc, test_utf8_by_character);
	tcase_add_test(tc, test_kills);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_refused_and_not_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(line_edit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
