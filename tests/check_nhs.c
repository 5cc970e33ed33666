/* NHS number rules: check digit, parsing as people type it, formatting. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/nhs.h"

static const struct {
	const char *input;
	const char *digits;	/* NULL: must be rejected */
} parse_cases[] = {
	{ "9434765919", "9434765919" },		/* domain.md's worked example */
	{ "943 476 5919", "9434765919" },
	{ "943-476-5919", "9434765919" },
	{ "9990000018", "9990000018" },		/* test range examples */
	{ "9990000026", "9990000026" },
	{ "4010232137", "4010232137" },
	{ "0000000000", "0000000000" },		/* check digit 11 counts as 0 */
	{ "9434765918", NULL },			/* wrong check digit */
	{ "9434765910", NULL },
	{ "1000000010", NULL },			/* check digit would be 10 */
	{ "943476591", NULL },			/* nine digits */
	{ "94347659190", NULL },		/* eleven */
	{ "943 4765919", "9434765919" },	/* one separator in a group boundary */
	{ "9 4 3 4 7 6 5 9 1 9", NULL },	/* separators inside groups */
	{ "943  476 5919", NULL },		/* double space */
	{ "943 476-5919", NULL },		/* mixed separators */
	{ " 9434765919", NULL },
	{ "9434765919 ", NULL },
	{ "94347659a9", NULL },
	{ "", NULL },
	{ "943\n476\n5919", NULL },
};

START_TEST(test_parse)
{
	char out[11];
	const char *why = NULL;
	int rc = nhs_parse(parse_cases[_i].input, out, &why);

	if (parse_cases[_i].digits) {
		ck_assert_msg(rc == 0, "'%s' rejected: %s", parse_cases[_i].input, why);
		ck_assert_str_eq(out, parse_cases[_i].digits);
	} else {
		ck_assert_msg(rc != 0, "'%s' accepted", parse_cases[_i].input);
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

START_TEST(test_check_digit)
{
	ck_assert_int_eq(nhs_check_digit("943476591"), 9);
	ck_assert_int_eq(nhs_check_digit("999000001"), 8);
	ck_assert_int_eq(nhs_check_digit("100000001"), -1);	/* sum 12: 11 - 1 = 10 */
	ck_assert_int_eq(nhs_check_digit("401023213"), 7);
	ck_assert_int_eq(nhs_check_digit("000000000"), 0);	/* 11 -> 0 */
}
END_TEST

/* Every number in a slice of the test range: valid exactly when the last
 * digit is the check digit and the check digit is not 10. */
START_TEST(test_valid_exhaustive_slice)
{
	char s[24];
	int valid = 0;

	for (long n = 9990000000L; n < 9990002000L; n++) {
		int check;

		snprintf(s, sizeof(s), "%ld", n);
		check = nhs_check_digit(s);
		ck_assert_int_eq(nhs_valid(s), check >= 0 && check == s[9] - '0');
		valid += nhs_valid(s);
	}
	/* one in ten per nine-digit prefix, less the prefixes whose check is 10 */
	ck_assert_int_gt(valid, 170);
	ck_assert_int_lt(valid, 200);
}
END_TEST

/* Anything that is not exactly ten digits is not an NHS number, even when
 * its first ten digits are one: a pasted "9434765919 1" trimmed of spaces
 * must not match the record of 943 476 5919. */
START_TEST(test_valid_rejects_wrong_length_and_null)
{
	ck_assert(nhs_valid("9434765919"));
	ck_assert(!nhs_valid("94347659191"));
	ck_assert(!nhs_valid("94347659190"));
	ck_assert(!nhs_valid("943476591"));
	ck_assert(!nhs_valid(""));
	ck_assert(!nhs_valid(NULL));
}
END_TEST

START_TEST(test_format)
{
	char out[16];

	nhs_format("9434765919", out, sizeof(out));
	ck_assert_str_eq(out, "943 476 5919");
	nhs_format("123", out, sizeof(out));
	ck_assert_str_eq(out, "123");
	nhs_format("9434765919", out, 5);
	ck_assert_str_eq(out, "943 ");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nhs");
	TCase *tc = tcase_create("rules");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof(parse_cases) / sizeof(parse_cases[0])));
	tcase_add_test(tc, test_check_digit);
	tcase_add_test(tc, test_valid_exhaustive_slice);
	tcase_add_test(tc, test_valid_rejects_wrong_length_and_null);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
