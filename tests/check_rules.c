/* Referral rules, SBAR, code spelling, Soundex and ids. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/codes.h"
#include "caredesk/ids.h"
#include "caredesk/phonetic.h"
#include "caredesk/referral_rules.h"
#include "caredesk/sbar.h"

/* Every (from, to) pair: exactly the moves of the state diagram. */
START_TEST(test_transitions)
{
	static const char *const allowed[] = {
		"new>triaged", "new>closed", "triaged>triaged", "triaged>allocated",
		"triaged>closed", "allocated>allocated", "allocated>closed",
	};
	enum referral_status from = (enum referral_status)(_i / REFERRAL_STATUS_COUNT);
	enum referral_status to = (enum referral_status)(_i % REFERRAL_STATUS_COUNT);
	char pair[32];
	bool expect = false;

	snprintf(pair, sizeof(pair), "%s>%s", referral_status_name(from), referral_status_name(to));
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		expect |= strcmp(pair, allowed[i]) == 0;
	ck_assert_msg(referral_transition_allowed(from, to) == expect, "%s", pair);
}
END_TEST

START_TEST(test_status_and_priority_names)
{
	enum referral_status s;
	enum priority p;

	for (int i = 0; i < REFERRAL_STATUS_COUNT; i++) {
		ck_assert_int_eq(referral_status_parse(referral_status_name((enum referral_status)i), &s), 0);
		ck_assert_int_eq(s, i);
	}
	ck_assert_int_ne(referral_status_parse("open", &s), 0);
	ck_assert_int_eq(priority_parse("amber", &p), 0);
	ck_assert_int_eq(p, PRIORITY_AMBER);
	ck_assert_int_ne(priority_parse("Red", &p), 0);
	ck_assert(!referral_transition_allowed(REFERRAL_STATUS_COUNT, REFERRAL_NEW));
	ck_assert(!referral_status_is_open(REFERRAL_CLOSED));
	ck_assert(!referral_status_is_open(REFERRAL_ALLOCATED));
	ck_assert(referral_status_is_open(REFERRAL_TRIAGED));
	ck_assert(referral_status_is_open(REFERRAL_NEW));
}
END_TEST

static const struct {
	enum age_group group;
	const char *category;
	bool safeguarding;
	int days;
} timescale_cases[] = {
	{ AGE_GROUP_CHILD, "safeguarding", true, 1 },
	{ AGE_GROUP_CHILD, "health", false, 1 },
	{ AGE_GROUP_ADULT, "safeguarding", false, 1 },
	{ AGE_GROUP_ADULT, "health", true, 1 },	/* the flag makes it a concern */
	{ AGE_GROUP_ADULT, "social-care", false, 5 },
	{ AGE_GROUP_ADULT, "hospital-discharge", false, 5 },
};

START_TEST(test_timescales)
{
	struct timescales t;

	timescales_default(&t);
	ck_assert_int_eq(timescale_decision_days(&t, timescale_cases[_i].group,
						 timescale_cases[_i].category,
						 timescale_cases[_i].safeguarding),
			 timescale_cases[_i].days);
}
END_TEST

START_TEST(test_timescales_configured)
{
	struct timescales t = { .child = 2, .adult_safeguarding = 0, .adult_other = 7 };

	ck_assert_int_eq(timescale_decision_days(&t, AGE_GROUP_CHILD, "health", false), 2);
	ck_assert_int_eq(timescale_decision_days(&t, AGE_GROUP_ADULT, "safeguarding", false), 0);
	ck_assert_int_eq(timescale_decision_days(&t, AGE_GROUP_ADULT, "carer", false), 7);
}
END_TEST

static const struct {
	const char *s, *b, *a, *r;
	const char *bad_field;	/* NULL: valid */
} sbar_cases[] = {
	{ "S", "B", "A", "R", NULL },
	{ "", "B", "A", "R", "situation" },
	{ "S", "  \n\t", "A", "R", "background" },
	{ "S", "B", NULL, "R", "assessment" },
	{ "S", "B", "A", "", "recommendation" },
	{ "S", "B", "A", "\xff\xfe", "recommendation" },
	{ "Zoë \xe2\x80\xae", "B", "A", "R", NULL },	/* bidi override is data, shown safely */
};

START_TEST(test_sbar)
{
	struct sbar s = { sbar_cases[_i].s, sbar_cases[_i].b, sbar_cases[_i].a, sbar_cases[_i].r };
	struct cd_error err;

	cd_error_clear(&err);
	if (!sbar_cases[_i].bad_field) {
		ck_assert_int_eq(sbar_validate(&s, &err), 0);
	} else {
		ck_assert_int_ne(sbar_validate(&s, &err), 0);
		ck_assert_str_eq(err.field, sbar_cases[_i].bad_field);
	}
}
END_TEST

START_TEST(test_sbar_too_long)
{
	char *big = malloc(SBAR_FIELD_MAX + 2);
	struct sbar s = { "S", "B", "A", big };
	struct cd_error err;

	memset(big, 'x', SBAR_FIELD_MAX);
	big[SBAR_FIELD_MAX] = '\0';
	ck_assert_int_eq(sbar_validate(&s, &err), 0);
	big[SBAR_FIELD_MAX] = 'x';
	big[SBAR_FIELD_MAX + 1] = '\0';
	ck_assert_int_ne(sbar_validate(&s, &err), 0);
	ck_assert_str_eq(err.field, "recommendation");
	free(big);
}
END_TEST

static const struct {
	const char *in, *out;
} code_cases[] = {
	{ "Care Coordination", "care-coordination" },
	{ "care_coordination", "care-coordination" },
	{ "CARE-COORDINATION", "care-coordination" },
	{ "  gp ", "gp" },
	{ "mental - health", "mental-health" },
	{ "hospital__discharge", "hospital-discharge" },
	{ "", NULL },
	{ " - _ ", NULL },
};

START_TEST(test_code_normalise)
{
	char out[32];
	int rc = code_normalise(code_cases[_i].in, out, sizeof(out));

	if (code_cases[_i].out) {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, code_cases[_i].out);
	} else {
		ck_assert_int_ne(rc, 0);
	}
}
END_TEST

static const struct {
	const char *name, *key;
} soundex_cases[] = {
	{ "Robert", "R163" }, { "Rupert", "R163" }, { "Rubin", "R150" },
	{ "Ashcraft", "A261" }, { "Tymczak", "T522" }, { "Pfister", "P236" },
	{ "O'Brien", "O165" }, { "OBrien", "O165" }, { "Lee", "L000" },
	{ "Honeyman", "H555" }, { "", "" }, { "Łukasz", "U220" },
};

START_TEST(test_soundex)
{
	char key[SOUNDEX_LEN];

	soundex(soundex_cases[_i].name, key);
	ck_assert_str_eq(key, soundex_cases[_i].key);
}
END_TEST

START_TEST(test_ids)
{
	struct rng a, b;
	struct idgen ga = { &a, 1795000000000 }, gb = { &b, 1795000000000 };
	char x[UUID_STR_LEN], y[UUID_STR_LEN], z[UUID_STR_LEN];

	rng_seed(&a, 42);
	rng_seed(&b, 42);
	id_new(&ga, x);
	id_new(&gb, y);
	ck_assert_str_eq(x, y);			/* same seed, same id */
	ck_assert(id_is_valid(x));
	ck_assert_int_eq(x[14], '7');		/* version 7 */
	ck_assert(strchr("89ab", x[19]));	/* RFC 9562 variant */
	gb.ms += 1;
	id_new(&gb, z);
	ck_assert_int_lt(strcmp(x, z), 0);	/* later time sorts later */
	id_new(NULL, z);
	ck_assert(id_is_valid(z));
	ck_assert(!id_is_valid("not-a-uuid"));
	for (int i = 0; i < 10000; i++) {
		int v = rng_range(&a, -3, 3);

		ck_assert(v >= -3 && v <= 3);
		ck_assert(rng_unit(&a) < 1.0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("rules");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_transitions, 0, REFERRAL_STATUS_COUNT * REFERRAL_STATUS_COUNT);
	tcase_add_test(tc, test_status_and_priority_names);
	tcase_add_loop_test(tc, test_timescales, 0,
			    (int)(sizeof(timescale_cases) / sizeof(timescale_cases[0])));
	tcase_add_test(tc, test_timescales_configured);
	tcase_add_loop_test(tc, test_sbar, 0, (int)(sizeof(sbar_cases) / sizeof(sbar_cases[0])));
	tcase_add_test(tc, test_sbar_too_long);
	tcase_add_loop_test(tc, test_code_normalise, 0,
			    (int)(sizeof(code_cases) / sizeof(code_cases[0])));
	tcase_add_loop_test(tc, test_soundex, 0,
			    (int)(sizeof(soundex_cases) / sizeof(soundex_cases[0])));
	tcase_add_test(tc, test_ids);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
