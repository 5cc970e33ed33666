/* Unit tests for dates, instants and local time (src/core/datetime.c).
 *
 * Rules here are tabular, so each test walks a table of cases with
 * tcase_add_loop_test: a failing row names itself in the message.  Local
 * time is checked against Europe/London from the system zoneinfo, around the
 * 2026 changes of the clocks (29 March and 25 October, 01:00 UTC). */

/* POSIX.1-2008 (setenv, tzset, localtime_r, getline, mkstemp) under
 * -std=c11 even when the build does not define _GNU_SOURCE. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caredesk/datetime.h"

#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct civil_date ymd(int y, int m, int d)
{
	struct civil_date c = { y, m, d };

	return c;
}

static int64_t at(const char *iso)
{
	int64_t t = 0;

	ck_assert_msg(instant_parse(iso, &t) == 0, "test data: bad instant %s", iso);
	return t;
}

static void london(void)
{
	ck_assert_int_eq(localzone_set("Europe/London"), 0);
}

/* Calendar arithmetic ---------------------------------------------------- */

static const struct {
	int year;
	bool leap;
} leap_cases[] = {
	{ 2024, true }, { 2025, false }, { 2026, false }, { 2028, true },
	{ 1900, false }, { 2000, true }, { 2100, false }, { 2400, true },
	{ 1600, true }, { 4, true }, { 1, false },
};

START_TEST(test_leap_year)
{
	ck_assert_msg(date_is_leap_year(leap_cases[_i].year) == leap_cases[_i].leap,
		      "year %d", leap_cases[_i].year);
}
END_TEST

static const struct {
	int year, month, days;
} dim_cases[] = {
	{ 2026, 1, 31 }, { 2026, 2, 28 }, { 2024, 2, 29 }, { 2000, 2, 29 },
	{ 1900, 2, 28 }, { 2026, 4, 30 }, { 2026, 6, 30 }, { 2026, 9, 30 },
	{ 2026, 11, 30 }, { 2026, 12, 31 }, { 2026, 0, 0 }, { 2026, 13, 0 },
};

START_TEST(test_days_in_month)
{
	ck_assert_int_eq(date_days_in_month(dim_cases[_i].year, dim_cases[_i].month),
			 dim_cases[_i].days);
}
END_TEST

/* Day numbers and weekdays checked against Python's datetime. */
/* Dates as people type them (issue 14, defect 10): the desk's own
 * DD/MM/YYYY and ISO 8601, each to the same day. */
static const struct {
	const char *text;
	struct civil_date date;
} typed_ok_cases[] = {
	{ "31/12/2026", { 2026, 12, 31 } },
	{ "2026-12-31", { 2026, 12, 31 } },
	/* Looks ambiguous to an American reader: day first, always. */
	{ "03/04/2026", { 2026, 4, 3 } },
	{ "12/01/2027", { 2027, 1, 12 } },
	{ "3/4/2026", { 2026, 4, 3 } },
	{ "29/02/2028", { 2028, 2, 29 } },
	{ "  14/12/2026 ", { 2026, 12, 14 } },
	{ "\t2026-12-14\t", { 2026, 12, 14 } },
};

START_TEST(test_date_parse_typed_ok)
{
	struct civil_date d;

	ck_assert_msg(date_parse_typed(typed_ok_cases[_i].text, &d) == 0, "refused \"%s\"",
		      typed_ok_cases[_i].text);
	ck_assert_msg(date_compare(d, typed_ok_cases[_i].date) == 0, "\"%s\" read as %d-%d-%d",
		      typed_ok_cases[_i].text, d.year, d.month, d.day);
}
END_TEST

static const char *const typed_bad_cases[] = {
	"31/02/2026",		/* no such day */
	"29/02/2027",		/* not a leap year */
	"31/04/2026", "00/12/2026", "12/00/2026", "32/01/2026",
	"12/31/2026",		/* month first, as in the US: no thirteenth month */
	"31/12/26",		/* two-digit year: which century? */
	"31/12/02026", "031/12/2026", "31-12-2026", "31.12.2026", "2026/12/31",
	"31/12/2026x", "31 /12/2026", "+1/12/2026", "31//2026", "/12/2026", "31/12/",
	"", "   ", "2026-02-30", "tomorrow", "31/12/2026 10:00",
};

START_TEST(test_date_parse_typed_bad)
{
	struct civil_date d = { 1, 2, 3 };

	ck_assert_msg(date_parse_typed(typed_bad_cases[_i], &d) == -1, "accepted \"%s\"",
		      typed_bad_cases[_i]);
	ck_assert_int_eq(d.year, 1);
}
END_TEST

START_TEST(test_date_parse_typed_null)
{
	struct civil_date d;

	ck_assert_int_eq(date_parse_typed(NULL, &d), -1);
}
END_TEST

START_TEST(test_date_format_shown)
{
	char buf[ISO_DATE_LEN];
	struct civil_date d;

	date_format_shown((struct civil_date){ 2027, 1, 5 }, buf);
	ck_assert_str_eq(buf, "05/01/2027");
	/* What the desk shows reads back as the same day. */
	ck_assert_int_eq(date_parse_typed(buf, &d), 0);
	ck_assert_int_eq(date_compare(d, (struct civil_date){ 2027, 1, 5 }), 0);
}
END_TEST

static const struct {
	struct civil_date date;
	int64_t days;
	int weekday;
} day_cases[] = {
	{ { 1970, 1, 1 }, 0, 3 },
	{ { 1969, 12, 31 }, -1, 2 },
	{ { 2000, 3, 1 }, 11017, 2 },
	{ { 1900, 3, 1 }, -25508, 3 },
	{ { 1600, 2, 29 }, -135081, 1 },
	{ { 2008, 2, 29 }, 13938, 4 },
	{ { 2026, 3, 29 }, 20541, 6 },
	{ { 2026, 10, 25 }, 20751, 6 },
	{ { 1, 1, 1 }, -719162, 0 },
	{ { 9999, 12, 31 }, 2932896, 4 },
};

START_TEST(test_days_round_trip)
{
	struct civil_date d = day_cases[_i].date;
	struct civil_date back;

	ck_assert_int_eq(date_to_days(d), day_cases[_i].days);
	back = date_from_days(day_cases[_i].days);
	ck_assert_int_eq(date_compare(back, d), 0);
	ck_assert_int_eq(date_weekday(d), day_cases[_i].weekday);
}
END_TEST

/* Every day of four centuries maps to the next day number and back.  Plain
 * comparisons in the loop, one assertion at the first bad day: Check's
 * assertions are too slow for 150,000 rounds under a sanitiser. */
START_TEST(test_days_continuous)
{
	int64_t first = date_to_days(ymd(1899, 12, 31));
	int64_t last = date_to_days(ymd(2300, 12, 31));
	struct civil_date prev = date_from_days(first - 1);

	for (int64_t n = first; n <= last; n++) {
		struct civil_date d = date_from_days(n);

		if (!date_is_valid(d) || date_to_days(d) != n || date_compare(d, prev) <= 0 ||
		    date_weekday(d) != (date_weekday(prev) + 1) % 7)
			ck_abort_msg("day %lld: %04d-%02d-%02d", (long long)n, d.year, d.month, d.day);
		prev = d;
	}
}
END_TEST

static const struct {
	struct civil_date from;
	int64_t n;
	struct civil_date to;
} add_cases[] = {
	{ { 2026, 12, 31 }, 1, { 2027, 1, 1 } },
	{ { 2027, 1, 1 }, -1, { 2026, 12, 31 } },
	{ { 2024, 2, 28 }, 1, { 2024, 2, 29 } },
	{ { 2026, 2, 28 }, 1, { 2026, 3, 1 } },
	{ { 2026, 3, 1 }, 0, { 2026, 3, 1 } },
	{ { 2026, 1, 31 }, 365, { 2027, 1, 31 } },
	{ { 2024, 1, 31 }, 366, { 2025, 1, 31 } },
};

START_TEST(test_add_days)
{
	struct civil_date got = date_add_days(add_cases[_i].from, add_cases[_i].n);

	ck_assert_int_eq(date_compare(got, add_cases[_i].to), 0);
}
END_TEST

static const struct {
	struct civil_date a, b;
	int sign;
} compare_cases[] = {
	{ { 2026, 1, 1 }, { 2026, 1, 1 }, 0 },
	{ { 2025, 12, 31 }, { 2026, 1, 1 }, -1 },
	{ { 2026, 2, 1 }, { 2026, 1, 31 }, 1 },
	{ { 2026, 1, 2 }, { 2026, 1, 1 }, 1 },
};

START_TEST(test_compare)
{
	int c = date_compare(compare_cases[_i].a, compare_cases[_i].b);

	ck_assert_int_eq((c > 0) - (c < 0), compare_cases[_i].sign);
}
END_TEST

static const struct {
	const char *text;
	struct civil_date date;
} date_ok_cases[] = {
	{ "2026-03-27", { 2026, 3, 27 } },
	{ "2024-02-29", { 2024, 2, 29 } },
	{ "2000-02-29", { 2000, 2, 29 } },
	{ "0001-01-01", { 1, 1, 1 } },
	{ "9999-12-31", { 9999, 12, 31 } },
	{ "2026-12-31", { 2026, 12, 31 } },
};

START_TEST(test_date_parse_ok)
{
	struct civil_date d;
	char buf[ISO_DATE_LEN];

	ck_assert_int_eq(date_parse(date_ok_cases[_i].text, &d), 0);
	ck_assert_int_eq(date_compare(d, date_ok_cases[_i].date), 0);
	date_format(d, buf);
	ck_assert_str_eq(buf, date_ok_cases[_i].text);
}
END_TEST

static const char *const date_bad_cases[] = {
	"", "2026", "2026-02-30", "2026-02-29", "1900-02-29", "2026-13-01",
	"2026-00-10", "2026-04-31", "2026-01-00", "2026-01-32", "0000-01-01",
	"26-03-27", "2026-3-27", "2026-03-7", "2026/03/27", "2026-03-27 ",
	" 2026-03-27", "2026-03-27x", "+026-03-27", "2026-+3-27", "2026-03-27T10:00Z",
	"abcd-ef-gh", "27-03-2026",
};

START_TEST(test_date_parse_bad)
{
	struct civil_date d = { 1, 2, 3 };

	ck_assert_msg(date_parse(date_bad_cases[_i], &d) == -1, "accepted \"%s\"",
		      date_bad_cases[_i]);
	ck_assert_int_eq(d.year, 1);
}
END_TEST

START_TEST(test_date_parse_null)
{
	struct civil_date d;

	ck_assert_int_eq(date_parse(NULL, &d), -1);
}
END_TEST

static const struct {
	struct civil_date date;
	bool valid;
} valid_cases[] = {
	{ { 2026, 2, 28 }, true }, { { 2026, 2, 29 }, false }, { { 2024, 2, 29 }, true },
	{ { 2026, 0, 1 }, false }, { { 2026, 13, 1 }, false }, { { 2026, 6, 31 }, false },
	{ { 2026, 6, 0 }, false }, { { 2026, 6, -1 }, false }, { { 0, 1, 1 }, false },
	{ { 10000, 1, 1 }, false },
};

START_TEST(test_date_valid)
{
	ck_assert(date_is_valid(valid_cases[_i].date) == valid_cases[_i].valid);
}
END_TEST

/* Ages ------------------------------------------------------------------- */

static const struct {
	struct civil_date birth, on;
	int age;
	enum age_group group;
} age_cases[] = {
	/* leap-day birthday: 1 March in common years */
	{ { 2008, 2, 29 }, { 2026, 2, 28 }, 17, AGE_GROUP_CHILD },
	{ { 2008, 2, 29 }, { 2026, 3, 1 }, 18, AGE_GROUP_ADULT },
	{ { 2008, 2, 29 }, { 2025, 2, 28 }, 16, AGE_GROUP_CHILD },
	{ { 2008, 2, 29 }, { 2025, 3, 1 }, 17, AGE_GROUP_CHILD },
	{ { 2008, 2, 29 }, { 2012, 2, 28 }, 3, AGE_GROUP_CHILD },
	{ { 2008, 2, 29 }, { 2012, 2, 29 }, 4, AGE_GROUP_CHILD },
	{ { 2008, 2, 29 }, { 2008, 2, 29 }, 0, AGE_GROUP_CHILD },
	/* 18th birthday: a child the day before, an adult on the day */
	{ { 2008, 6, 15 }, { 2026, 6, 14 }, 17, AGE_GROUP_CHILD },
	{ { 2008, 6, 15 }, { 2026, 6, 15 }, 18, AGE_GROUP_ADULT },
	{ { 2008, 6, 15 }, { 2026, 6, 16 }, 18, AGE_GROUP_ADULT },
	{ { 2009, 1, 1 }, { 2026, 12, 31 }, 17, AGE_GROUP_CHILD },
	{ { 2009, 1, 1 }, { 2027, 1, 1 }, 18, AGE_GROUP_ADULT },
	/* 17th birthday */
	{ { 2009, 3, 10 }, { 2026, 3, 9 }, 16, AGE_GROUP_CHILD },
	{ { 2009, 3, 10 }, { 2026, 3, 10 }, 17, AGE_GROUP_CHILD },
	/* born on 28 Feb or 1 Mar, in a leap year */
	{ { 2008, 2, 28 }, { 2026, 2, 28 }, 18, AGE_GROUP_ADULT },
	{ { 2008, 3, 1 }, { 2026, 2, 28 }, 17, AGE_GROUP_CHILD },
	{ { 2008, 3, 1 }, { 2026, 3, 1 }, 18, AGE_GROUP_ADULT },
	/* elderly, and not yet born (a pre-birth referral is a child's) */
	{ { 1930, 5, 20 }, { 2026, 5, 19 }, 95, AGE_GROUP_ADULT },
	{ { 2026, 9, 1 }, { 2026, 8, 31 }, -1, AGE_GROUP_CHILD },
	{ { 2026, 5, 1 }, { 2026, 5, 1 }, 0, AGE_GROUP_CHILD },
};

START_TEST(test_age_on)
{
	int age = age_on(age_cases[_i].birth, age_cases[_i].on);

	ck_assert_msg(age == age_cases[_i].age, "row %d: age %d, expected %d", _i, age,
		      age_cases[_i].age);
	ck_assert(age_group_on(age_cases[_i].birth, age_cases[_i].on) == age_cases[_i].group);
}
END_TEST

START_TEST(test_age_group_letter)
{
	ck_assert_int_eq(age_group_letter(AGE_GROUP_CHILD), 'C');
	ck_assert_int_eq(age_group_letter(AGE_GROUP_ADULT), 'A');
}
END_TEST

/* Instants --------------------------------------------------------------- */

static const struct {
	const char *text;
	int64_t t;
} instant_ok_cases[] = {
	{ "1970-01-01T00:00:00Z", 0 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "2026-03-27T16:00:00Z", 1774627200 },
	{ "2026-03-27T16:00Z", 1774627200 },
	{ "2026-03-27 16:00:00Z", 1774627200 },
	{ "2026-03-27T16:00:00.999Z", 1774627200 },
	{ "2026-03-27T16:00:00,5Z", 1774627200 },
	{ "2026-03-27T16:00:00+00:00", 1774627200 },
	{ "2026-03-27T16:00:00-00:00", 1774627200 },
	{ "2026-03-27T17:00:00+01:00", 1774627200 },
	{ "2026-03-27T11:30:00-04:30", 1774627200 },
	{ "2026-03-28T01:00:00+09:00", 1774627200 },
	{ "2026-03-29T01:00:00Z", 1774746000 },
	{ "2026-10-25T01:00:00Z", 1792890000 },
	{ "2026-10-25T02:00:00+01:00", 1792890000 },
	{ "2024-02-29T23:59:59Z", 1709251199 },
};

START_TEST(test_instant_parse_ok)
{
	int64_t t = 12345;

	ck_assert_msg(instant_parse(instant_ok_cases[_i].text, &t) == 0, "rejected %s",
		      instant_ok_cases[_i].text);
	ck_assert_int_eq(t, instant_ok_cases[_i].t);
}
END_TEST

static const char *const instant_bad_cases[] = {
	"", "2026-03-27", "2026-03-27T16:00:00", "2026-03-27T16:00",
	"2026-03-27T16Z", "2026-03-27T24:00:00Z", "2026-03-27T23:60:00Z",
	"2026-03-27T23:59:60Z", "2026-13-27T16:00:00Z", "2026-02-30T16:00:00Z",
	"2026-02-29T00:00:00Z", "2026-03-27X16:00:00Z", "2026-03-27T16:00:00z",
	"2026-03-27T16:00:00 Z", "2026-03-27T16:00:00Z ", "2026-03-27T16:00:00ZZ",
	"2026-03-27T16:00:00+01", "2026-03-27T16:00:00+0100", "2026-03-27T16:00:00+24:00",
	"2026-03-27T16:00:00+01:60", "2026-03-27T16:00:00.Z", "2026-03-27T16:00:.5Z",
	"2026-03-27T6:00:00Z", "2026-03-27T16:0:00Z", "2026-03-27T16:00:0Z",
	"2026-03-27T-1:00:00Z", "2026-03-27T16:00:00GMT", "2026-03-27T16:00:00BST",
	"27/03/2026 16:00Z", "2026-03-27TT16:00:00Z", "2026-03-2",
};

START_TEST(test_instant_parse_bad)
{
	int64_t t = 12345;

	ck_assert_msg(instant_parse(instant_bad_cases[_i], &t) == -1, "accepted \"%s\"",
		      instant_bad_cases[_i]);
	ck_assert_int_eq(t, 12345);
}
END_TEST

static const struct {
	int64_t t;
	const char *text;
} instant_format_cases[] = {
	{ 0, "1970-01-01T00:00:00Z" },
	{ -1, "1969-12-31T23:59:59Z" },
	{ -86400, "1969-12-31T00:00:00Z" },
	{ 1774627200, "2026-03-27T16:00:00Z" },
	{ 1709251199, "2024-02-29T23:59:59Z" },
	{ 1709251200, "2024-03-01T00:00:00Z" },
	{ 1798761599, "2026-12-31T23:59:59Z" },
	{ 1798761600, "2027-01-01T00:00:00Z" },
	{ 253402300799, "9999-12-31T23:59:59Z" },
};

START_TEST(test_instant_format)
{
	char buf[ISO_INSTANT_LEN];
	int64_t back;

	instant_format(instant_format_cases[_i].t, buf);
	ck_assert_str_eq(buf, instant_format_cases[_i].text);
	ck_assert_int_eq(instant_parse(buf, &back), 0);
	ck_assert_int_eq(back, instant_format_cases[_i].t);
}
END_TEST

/* Text sorts as time: formatted instants compare like the numbers. */
START_TEST(test_instant_sorts_as_text)
{
	char a[ISO_INSTANT_LEN], b[ISO_INSTANT_LEN];

	for (int64_t t = -100000; t < 4000000000; t += 9876541) {
		instant_format(t, a);
		instant_format(t + 1, b);
		ck_assert_int_lt(strcmp(a, b), 0);
	}
}
END_TEST

static const struct {
	int64_t t;
	struct civil_date date;
} utc_date_cases[] = {
	{ 0, { 1970, 1, 1 } },
	{ -1, { 1969, 12, 31 } },
	{ 1774627200, { 2026, 3, 27 } },
	{ 1798761599, { 2026, 12, 31 } },
	{ 1798761600, { 2027, 1, 1 } },
};

START_TEST(test_instant_utc_date)
{
	struct civil_date d = instant_utc_date(utc_date_cases[_i].t);

	ck_assert_int_eq(date_compare(d, utc_date_cases[_i].date), 0);
}
END_TEST

/* Local time (Europe/London) --------------------------------------------- */

static const struct {
	const char *utc;
	struct civil_date date;
	int hour, minute, second, weekday;
	bool dst;
} local_cases[] = {
	{ "2026-03-29T00:59:59Z", { 2026, 3, 29 }, 0, 59, 59, 6, false },
	{ "2026-03-29T01:00:00Z", { 2026, 3, 29 }, 2, 0, 0, 6, true },
	{ "2026-10-25T00:59:59Z", { 2026, 10, 25 }, 1, 59, 59, 6, true },
	{ "2026-10-25T01:00:00Z", { 2026, 10, 25 }, 1, 0, 0, 6, false },
	{ "2026-03-27T16:00:00Z", { 2026, 3, 27 }, 16, 0, 0, 4, false },
	{ "2026-03-30T15:00:00Z", { 2026, 3, 30 }, 16, 0, 0, 0, true },
	{ "2026-06-30T23:30:00Z", { 2026, 7, 1 }, 0, 30, 0, 2, true },
	{ "2026-12-31T23:59:59Z", { 2026, 12, 31 }, 23, 59, 59, 3, false },
	{ "2027-01-01T00:00:00Z", { 2027, 1, 1 }, 0, 0, 0, 4, false },
};

START_TEST(test_local_from_instant)
{
	struct local_time lt = local_from_instant(at(local_cases[_i].utc));

	ck_assert_int_eq(date_compare(lt.date, local_cases[_i].date), 0);
	ck_assert_int_eq(lt.hour, local_cases[_i].hour);
	ck_assert_int_eq(lt.minute, local_cases[_i].minute);
	ck_assert_int_eq(lt.second, local_cases[_i].second);
	ck_assert_int_eq(lt.weekday, local_cases[_i].weekday);
	ck_assert(lt.dst == local_cases[_i].dst);
}
END_TEST

static const struct {
	struct civil_date date;
	int hh, mm, ss;
	const char *utc;
} to_instant_cases[] = {
	{ { 2026, 3, 27 }, 16, 0, 0, "2026-03-27T16:00:00Z" },
	{ { 2026, 3, 30 }, 16, 0, 0, "2026-03-30T15:00:00Z" },
	{ { 2026, 7, 1 }, 0, 30, 0, "2026-06-30T23:30:00Z" },
	/* spring: 00:59:59 GMT is the last second before the change */
	{ { 2026, 3, 29 }, 0, 59, 59, "2026-03-29T00:59:59Z" },
	/* the gap 01:00-02:00 is read as GMT: an hour later on the clock */
	{ { 2026, 3, 29 }, 1, 0, 0, "2026-03-29T01:00:00Z" },
	{ { 2026, 3, 29 }, 1, 30, 0, "2026-03-29T01:30:00Z" },
	{ { 2026, 3, 29 }, 1, 59, 59, "2026-03-29T01:59:59Z" },
	{ { 2026, 3, 29 }, 2, 0, 0, "2026-03-29T01:00:00Z" },
	{ { 2026, 3, 29 }, 9, 0, 0, "2026-03-29T08:00:00Z" },
	/* autumn: 01:00-02:00 happens twice; the earlier (BST) reading wins */
	{ { 2026, 10, 25 }, 0, 59, 59, "2026-10-24T23:59:59Z" },
	{ { 2026, 10, 25 }, 1, 0, 0, "2026-10-25T00:00:00Z" },
	{ { 2026, 10, 25 }, 1, 30, 0, "2026-10-25T00:30:00Z" },
	{ { 2026, 10, 25 }, 1, 59, 59, "2026-10-25T00:59:59Z" },
	{ { 2026, 10, 25 }, 2, 0, 0, "2026-10-25T02:00:00Z" },
	{ { 2026, 10, 25 }, 17, 0, 0, "2026-10-25T17:00:00Z" },
};

START_TEST(test_local_to_instant)
{
	int64_t t = local_to_instant(to_instant_cases[_i].date, to_instant_cases[_i].hh,
				     to_instant_cases[_i].mm, to_instant_cases[_i].ss);
	char buf[ISO_INSTANT_LEN];

	instant_format(t, buf);
	ck_assert_str_eq(buf, to_instant_cases[_i].utc);
}
END_TEST

/* Outside the gap, reading an instant's local time back gives the instant. */
START_TEST(test_local_round_trip)
{
	for (int64_t t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 1800) {
		struct local_time lt = local_from_instant(t);
		int64_t back = local_to_instant(lt.date, lt.hour, lt.minute, lt.second);

		/* in the autumn overlap the GMT half reads back as BST */
		if (back != t)
			ck_assert_int_eq(back, t - 3600);
	}
}
END_TEST

static const struct {
	const char *name;
	int rc;
} zone_cases[] = {
	{ "Europe/London", 0 }, { "UTC", 0 }, { "America/New_York", 0 },
	{ "Etc/GMT+5", 0 }, { "Europe/Nowhere", -1 }, { "", -1 },
	{ "/etc/localtime", -1 }, { "../zoneinfo/Europe/London", -1 },
	{ "Europe/../Europe/London", -1 }, { "Europe", -1 }, { "zone.tab", -1 },
	{ "Europe/London ", -1 }, { "Europe/London\n", -1 }, { "Europe\\London", -1 },
};

START_TEST(test_localzone_set)
{
	int rc = localzone_set(zone_cases[_i].name);

	ck_assert_msg(rc == zone_cases[_i].rc, "zone \"%s\": %d", zone_cases[_i].name, rc);
	if (rc == 0) {
		ck_assert_str_eq(localzone_name(), zone_cases[_i].name);
		ck_assert_str_eq(getenv("TZ"), zone_cases[_i].name);
	}
}
END_TEST

/* A rejected name leaves the previous zone in force. */
START_TEST(test_localzone_keeps_previous)
{
	london();
	ck_assert_int_eq(localzone_set("Mars/Olympus_Mons"), -1);
	ck_assert_str_eq(localzone_name(), "Europe/London");
	ck_assert_int_eq(local_from_instant(at("2026-07-01T12:00:00Z")).hour, 13);
	ck_assert_int_eq(localzone_set("America/New_York"), 0);
	ck_assert_int_eq(local_from_instant(at("2026-07-01T12:00:00Z")).hour, 8);
}
END_TEST

/* TZDIR points the zone lookup elsewhere (as it does for the C library). */
START_TEST(test_localzone_tzdir)
{
	char dir[] = "/tmp/check_datetime.XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("TZDIR", dir, 1);
	ck_assert_int_eq(localzone_set("Europe/London"), -1);
	unsetenv("TZDIR");
	ck_assert_int_eq(localzone_set("Europe/London"), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Now -------------------------------------------------------------------- */

START_TEST(test_now_fixed)
{
	setenv("CAREDESK_NOW", "2026-03-27T16:00:00Z", 1);
	ck_assert_int_eq(now_init(), 0);
	ck_assert_int_eq(now_instant(), 1774627200);
	setenv("CAREDESK_NOW", "2026-03-27T17:00:00+01:00", 1);
	ck_assert_int_eq(now_init(), 0);
	ck_assert_int_eq(now_instant(), 1774627200);
}
END_TEST

START_TEST(test_now_malformed)
{
	setenv("CAREDESK_NOW", "2026-03-27 16:00", 1);
	ck_assert_int_eq(now_init(), -1);
	setenv("CAREDESK_NOW", "yesterday", 1);
	ck_assert_int_eq(now_init(), -1);
}
END_TEST

START_TEST(test_now_clock)
{
	int64_t before, got, after;

	unsetenv("CAREDESK_NOW");
	ck_assert_int_eq(now_init(), 0);
	before = (int64_t)time(NULL);
	got = now_instant();
	after = (int64_t)time(NULL);
	ck_assert_int_ge(got, before);
	ck_assert_int_le(got, after);
}
END_TEST

/* Without now_init the variable is still read, once. */
START_TEST(test_now_lazy)
{
	setenv("CAREDESK_NOW", "2027-01-01T00:00:00Z", 1);
	ck_assert_int_eq(now_instant(), 1798761600);
}
END_TEST

/* Durations as lock_after takes them (a number alone is minutes) ---------- */

static const struct {
	const char *text;
	int64_t seconds;
} duration_ok_cases[] = {
	{ "10", 600 }, { "10m", 600 }, { "3s", 3 }, { "90s", 90 }, { "1h", 3600 },
	{ "0", 0 }, { "0s", 0 }, { "24h", 86400 }, { "1440", 86400 }, { "86400s", 86400 },
	{ "007m", 420 },
};

START_TEST(test_duration_ok)
{
	int64_t got = -1;

	ck_assert_msg(duration_parse(duration_ok_cases[_i].text, 60, &got) == 0, "'%s' refused",
		      duration_ok_cases[_i].text);
	ck_assert_msg(got == duration_ok_cases[_i].seconds, "'%s' gave %lld",
		      duration_ok_cases[_i].text, (long long)got);
}
END_TEST

/* Refused, with the result left as it was: signs, blanks, fractions,
 * other units, more than a day, digits enough to overflow. */
static const char *const duration_bad_cases[] = {
	"", "m", "-1", "+5", " 5", "5 ", "5 m", "1.5m", "5M", "5d", "5ms", "5mm", "10x",
	"25h", "1441", "86401s", "99999999999999999999999", "0x10", "h1",
};

START_TEST(test_duration_bad)
{
	int64_t got = 12345;

	ck_assert_msg(duration_parse(duration_bad_cases[_i], 60, &got) == -1, "'%s' accepted",
		      duration_bad_cases[_i]);
	ck_assert_int_eq(got, 12345);
}
END_TEST

/* The unit of a bare number is the caller's. */
START_TEST(test_duration_default_unit)
{
	int64_t got = 0;

	ck_assert_int_eq(duration_parse("45", 1, &got), 0);
	ck_assert_int_eq(got, 45);
	ck_assert_int_eq(duration_parse("2", 3600, &got), 0);
	ck_assert_int_eq(got, 7200);
	ck_assert_int_eq(duration_parse(NULL, 60, &got), -1);
}
END_TEST

static Suite *datetime_suite(void)
{
	Suite *s = suite_create("datetime");
	TCase *tc;

	tc = tcase_create("calendar");
	tcase_add_loop_test(tc, test_leap_year, 0, N_CASES(leap_cases));
	tcase_add_loop_test(tc, test_days_in_month, 0, N_CASES(dim_cases));
	tcase_add_loop_test(tc, test_days_round_trip, 0, N_CASES(day_cases));
	tcase_add_test(tc, test_days_continuous);
	tcase_add_loop_test(tc, test_add_days, 0, N_CASES(add_cases));
	tcase_add_loop_test(tc, test_compare, 0, N_CASES(compare_cases));
	tcase_add_loop_test(tc, test_date_parse_ok, 0, N_CASES(date_ok_cases));
	tcase_add_loop_test(tc, test_date_parse_bad, 0, N_CASES(date_bad_cases));
	tcase_add_test(tc, test_date_parse_null);
	tcase_add_loop_test(tc, test_date_parse_typed_ok, 0, N_CASES(typed_ok_cases));
	tcase_add_loop_test(tc, test_date_parse_typed_bad, 0, N_CASES(typed_bad_cases));
	tcase_add_test(tc, test_date_parse_typed_null);
	tcase_add_test(tc, test_date_format_shown);
	tcase_add_loop_test(tc, test_date_valid, 0, N_CASES(valid_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("age");
	tcase_add_loop_test(tc, test_age_on, 0, N_CASES(age_cases));
	tcase_add_test(tc, test_age_group_letter);
	suite_add_tcase(s, tc);

	tc = tcase_create("instant");
	tcase_add_loop_test(tc, test_instant_parse_ok, 0, N_CASES(instant_ok_cases));
	tcase_add_loop_test(tc, test_instant_parse_bad, 0, N_CASES(instant_bad_cases));
	tcase_add_loop_test(tc, test_instant_format, 0, N_CASES(instant_format_cases));
	tcase_add_test(tc, test_instant_sorts_as_text);
	tcase_add_loop_test(tc, test_instant_utc_date, 0, N_CASES(utc_date_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("local");
	tcase_add_checked_fixture(tc, london, NULL);
	tcase_add_loop_test(tc, test_local_from_instant, 0, N_CASES(local_cases));
	tcase_add_loop_test(tc, test_local_to_instant, 0, N_CASES(to_instant_cases));
	tcase_add_test(tc, test_local_round_trip);
	tcase_add_loop_test(tc, test_localzone_set, 0, N_CASES(zone_cases));
	tcase_add_test(tc, test_localzone_keeps_previous);
	tcase_add_test(tc, test_localzone_tzdir);
	suite_add_tcase(s, tc);

	tc = tcase_create("now");
	tcase_add_test(tc, test_now_fixed);
	tcase_add_test(tc, test_now_malformed);
	tcase_add_test(tc, test_now_clock);
	tcase_add_test(tc, test_now_lazy);
	suite_add_tcase(s, tc);

	tc = tcase_create("duration");
	tcase_add_loop_test(tc, test_duration_ok, 0, N_CASES(duration_ok_cases));
	tcase_add_loop_test(tc, test_duration_bad, 0, N_CASES(duration_bad_cases));
	tcase_add_test(tc, test_duration_default_unit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(datetime_suite());
	int failed;

	/* Each test in its own process: a crash fails one test, and the
	 * environment changes (TZ, CAREDESK_NOW) do not leak between tests. */
	/* Fork mode unless CK_FORK says otherwise (valgrind runs use no). */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
