/* Unit tests for working days and due times (src/core/workday.c).
 *
 * The calendar under test is the real data/bank-holidays-england-wales.txt
 * (found through CAREDESK_DATADIR) in Europe/London, so these tables double
 * as a check of the shipped holiday list.  The due-time rows include every
 * worked example of domain.md ("Due times") verbatim. */

/* POSIX.1-2008 (setenv, tzset, localtime_r, getline, mkstemp) under
 * -std=c11 even when the build does not define _GNU_SOURCE. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/workday.h"

#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define HOLIDAY_FILE "bank-holidays-england-wales.txt"

static struct workcal *cal;

static struct civil_date day_of(const char *iso)
{
	struct civil_date d = { 0, 0, 0 };

	ck_assert_msg(date_parse(iso, &d) == 0, "test data: bad date %s", iso);
	return d;
}

static int64_t at(const char *iso)
{
	int64_t t = 0;

	ck_assert_msg(instant_parse(iso, &t) == 0, "test data: bad instant %s", iso);
	return t;
}

/* The build runs tests with CAREDESK_DATADIR set to the source data/;
 * the fallbacks are for running a test binary by hand. */
static void holiday_path(char *buf, size_t size)
{
	const char *dir = getenv("CAREDESK_DATADIR");

	if (!dir || !*dir)
		dir = access("../data/" HOLIDAY_FILE, R_OK) == 0 ? "../data" : "data";
	snprintf(buf, size, "%s/%s", dir, HOLIDAY_FILE);
}

static void setup(void)
{
	char path[1024];
	struct cd_error err;

	ck_assert_int_eq(localzone_set("Europe/London"), 0);
	holiday_path(path, sizeof(path));
	cal = workcal_new();
	cd_error_clear(&err);
	if (workcal_load(cal, path, &err) != 0) {
		char msg[1024];

		cd_error_format(&err, msg, sizeof(msg));
		ck_abort_msg("cannot load the holiday list: %s", msg);
	}
}

static void teardown(void)
{
	workcal_free(&cal);
}

/* Working days --------------------------------------------------------- */

static const struct {
	const char *date;
	bool holiday, working;
} day_cases[] = {
	/* domain.md's 2026 and 2027 lists */
	{ "2026-01-01", true, false }, { "2026-04-03", true, false },
	{ "2026-04-06", true, false }, { "2026-05-04", true, false },
	{ "2026-05-25", true, false }, { "2026-08-31", true, false },
	{ "2026-12-25", true, false }, { "2026-12-28", true, false },
	{ "2027-01-01", true, false }, { "2027-03-26", true, false },
	{ "2027-03-29", true, false }, { "2027-05-03", true, false },
	{ "2027-05-31", true, false }, { "2027-08-30", true, false },
	{ "2027-12-27", true, false }, { "2027-12-28", true, false },
	/* one-off days */
	{ "2020-05-08", true, false }, { "2020-05-04", false, true },
	{ "2022-06-02", true, false }, { "2022-06-03", true, false },
	{ "2022-05-30", false, true }, { "2022-09-19", true, false },
	{ "2023-05-08", true, false }, { "2023-05-01", true, false },
	/* substitute days */
	{ "2021-12-27", true, false }, { "2021-12-28", true, false },
	{ "2022-01-03", true, false }, { "2022-12-27", true, false },
	{ "2023-01-02", true, false }, { "2033-01-03", true, false },
	/* the edges of the list */
	{ "2020-01-01", true, false }, { "2035-12-26", true, false },
	/* weekends are not holidays, but not working days either */
	{ "2026-12-26", false, false }, { "2026-12-27", false, false },
	{ "2026-01-03", false, false }, { "2026-01-04", false, false },
	/* ordinary weekdays, and days around the holidays */
	{ "2026-01-02", false, true }, { "2026-04-02", false, true },
	{ "2026-04-07", false, true }, { "2026-12-24", false, true },
	{ "2026-12-29", false, true }, { "2026-12-31", false, true },
	{ "2027-01-04", false, true }, { "2024-02-29", false, true },
};

START_TEST(test_working_day)
{
	struct civil_date d = day_of(day_cases[_i].date);

	ck_assert_msg(workcal_is_holiday(cal, d) == day_cases[_i].holiday, "%s holiday",
		      day_cases[_i].date);
	ck_assert_msg(workcal_is_working_day(cal, d) == day_cases[_i].working, "%s working",
		      day_cases[_i].date);
}
END_TEST

/* Each year has the usual eight bank holidays except 2022 and 2023. */
static const struct {
	int year, count;
} year_cases[] = {
	{ 2020, 8 }, { 2021, 8 }, { 2022, 10 }, { 2023, 9 }, { 2024, 8 }, { 2025, 8 },
	{ 2026, 8 }, { 2027, 8 }, { 2028, 8 }, { 2029, 8 }, { 2030, 8 }, { 2031, 8 },
	{ 2032, 8 }, { 2033, 8 }, { 2034, 8 }, { 2035, 8 },
};

START_TEST(test_holidays_per_year)
{
	struct civil_date d = { year_cases[_i].year, 1, 1 };
	int count = 0;

	for (; d.year == year_cases[_i].year; d = date_add_days(d, 1)) {
		if (workcal_is_holiday(cal, d)) {
			ck_assert_msg(date_weekday(d) < 5, "holiday at a weekend");
			count++;
		}
	}
	ck_assert_int_eq(count, year_cases[_i].count);
}
END_TEST

static const struct {
	const char *from, *on_or_after, *next;
} step_cases[] = {
	{ "2026-01-12", "2026-01-12", "2026-01-13" },	/* Mon */
	{ "2026-01-16", "2026-01-16", "2026-01-19" },	/* Fri */
	{ "2026-01-17", "2026-01-19", "2026-01-19" },	/* Sat */
	{ "2026-01-18", "2026-01-19", "2026-01-19" },	/* Sun */
	{ "2026-04-02", "2026-04-02", "2026-04-07" },	/* before Easter */
	{ "2026-04-03", "2026-04-07", "2026-04-07" },	/* Good Friday */
	{ "2026-12-24", "2026-12-24", "2026-12-29" },
	{ "2026-12-25", "2026-12-29", "2026-12-29" },
	{ "2026-12-31", "2026-12-31", "2027-01-04" },
	{ "2027-12-24", "2027-12-24", "2027-12-29" },
};

START_TEST(test_steps)
{
	struct civil_date d = day_of(step_cases[_i].from);

	ck_assert_int_eq(date_compare(workcal_on_or_after(cal, d),
				      day_of(step_cases[_i].on_or_after)), 0);
	ck_assert_int_eq(date_compare(workcal_next(cal, d), day_of(step_cases[_i].next)), 0);
}
END_TEST

static const struct {
	const char *from;
	int n;
	const char *to;
} add_cases[] = {
	{ "2026-01-12", 0, "2026-01-12" },
	{ "2026-01-17", 0, "2026-01-17" },	/* n = 0 leaves even a Saturday */
	{ "2026-01-12", 1, "2026-01-13" },
	{ "2026-01-12", 5, "2026-01-19" },
	{ "2026-01-16", 1, "2026-01-19" },
	{ "2026-04-02", 1, "2026-04-07" },
	{ "2026-12-22", 5, "2026-12-31" },
	{ "2026-12-30", 5, "2027-01-07" },
	{ "2026-03-26", 45, "2026-06-03" },	/* an assessment's 45 days */
	{ "2022-05-27", 4, "2022-06-06" },
};

START_TEST(test_add_working_days)
{
	struct civil_date got = workcal_add_working_days(cal, day_of(add_cases[_i].from),
							 add_cases[_i].n);
	char buf[ISO_DATE_LEN];

	date_format(got, buf);
	ck_assert_str_eq(buf, add_cases[_i].to);
}
END_TEST

static const struct {
	const char *a, *b;
	int n;
} between_cases[] = {
	{ "2026-01-12", "2026-01-12", 0 },
	{ "2026-01-12", "2026-01-16", 4 },
	{ "2026-01-16", "2026-01-19", 1 },
	{ "2026-01-17", "2026-01-18", 0 },
	{ "2026-01-16", "2026-01-18", 0 },
	{ "2026-12-24", "2026-12-29", 1 },
	{ "2026-12-29", "2026-12-24", -1 },
	{ "2026-12-31", "2027-01-04", 1 },
	{ "2027-01-04", "2026-12-31", -1 },
	{ "2026-04-02", "2026-04-07", 1 },
	{ "2022-05-27", "2022-06-06", 4 },
	{ "2026-01-01", "2026-12-31", 253 },
	{ "2025-12-31", "2026-12-31", 253 },
	{ "2026-12-31", "2025-12-31", -253 },
	{ "2019-12-31", "2035-12-31", 4043 },
	{ "1969-12-29", "1970-01-05", 5 },
};

START_TEST(test_between)
{
	ck_assert_int_eq(workcal_between(cal, day_of(between_cases[_i].a),
					 day_of(between_cases[_i].b)),
			 between_cases[_i].n);
}
END_TEST

/* between undoes add_working_days from any working day. */
START_TEST(test_between_inverts_add)
{
	struct civil_date d = { 2025, 12, 1 };

	for (; d.year < 2028; d = date_add_days(d, 3)) {
		struct civil_date start = workcal_on_or_after(cal, d);

		for (int n = 0; n <= 60; n += 7) {
			struct civil_date end = workcal_add_working_days(cal, start, n);

			ck_assert_int_eq(workcal_between(cal, start, end), n);
			ck_assert_int_eq(workcal_between(cal, end, start), -n);
		}
	}
}
END_TEST

/* Due times -------------------------------------------------------------- */

static const struct {
	const char *received;
	int n;
	const char *due;
} due_cases[] = {
	/* domain.md's worked examples (1 working day) */
	{ "2026-12-24T16:00:00Z", 1, "2026-12-29T16:00:00Z" },
	{ "2026-03-27T16:00:00Z", 1, "2026-03-30T15:00:00Z" },
	{ "2026-04-04T11:00:00Z", 1, "2026-04-08T08:00:00Z" },
	{ "2026-04-02T10:30:00Z", 1, "2026-04-07T10:30:00Z" },
	/* five working days (adult requests) */
	{ "2026-01-12T10:00:00Z", 5, "2026-01-19T10:00:00Z" },
	{ "2026-03-25T14:00:00Z", 5, "2026-04-01T13:00:00Z" },
	{ "2026-05-01T08:00:00Z", 5, "2026-05-11T08:00:00Z" },
	{ "2026-12-22T09:15:00Z", 5, "2026-12-31T09:15:00Z" },
	{ "2026-12-30T12:00:00Z", 5, "2027-01-07T12:00:00Z" },
	{ "2026-10-23T16:00:00Z", 5, "2026-10-30T17:00:00Z" },
	/* the same working day: by 17:00 local, else the next day's 17:00 */
	{ "2026-01-12T10:00:00Z", 0, "2026-01-12T17:00:00Z" },
	{ "2026-01-12T16:59:59Z", 0, "2026-01-12T17:00:00Z" },
	{ "2026-01-12T17:00:00Z", 0, "2026-01-13T17:00:00Z" },
	{ "2026-06-15T10:00:00Z", 0, "2026-06-15T16:00:00Z" },
	{ "2026-06-15T15:59:59Z", 0, "2026-06-15T16:00:00Z" },
	{ "2026-06-15T16:00:00Z", 0, "2026-06-16T16:00:00Z" },
	{ "2026-01-16T17:30:00Z", 0, "2026-01-19T17:00:00Z" },
	{ "2026-01-17T11:00:00Z", 0, "2026-01-19T17:00:00Z" },
	{ "2026-12-24T18:00:00Z", 0, "2026-12-29T17:00:00Z" },
	{ "2026-12-31T23:30:00Z", 0, "2027-01-04T17:00:00Z" },
	{ "2026-03-27T17:30:00Z", 0, "2026-03-30T16:00:00Z" },
	/* received on a Saturday: starts Monday 09:00 local */
	{ "2026-01-17T11:00:00Z", 1, "2026-01-20T09:00:00Z" },
	{ "2026-01-17T11:00:00Z", 5, "2026-01-26T09:00:00Z" },
	{ "2026-06-13T23:30:00Z", 1, "2026-06-16T08:00:00Z" },
	/* received on Christmas Day: starts Tue 29 December 09:00 */
	{ "2026-12-25T10:00:00Z", 1, "2026-12-30T09:00:00Z" },
	{ "2026-12-25T10:00:00Z", 0, "2026-12-29T17:00:00Z" },
	{ "2027-12-24T12:00:00Z", 1, "2027-12-29T12:00:00Z" },
	/* across the new year, and on New Year's Day */
	{ "2026-12-31T15:00:00Z", 1, "2027-01-04T15:00:00Z" },
	{ "2027-01-01T08:00:00Z", 1, "2027-01-05T09:00:00Z" },
	/* the local date counts, not the UTC one: Mon 00:30 BST is Sun UTC */
	{ "2026-06-14T23:30:00Z", 1, "2026-06-15T23:30:00Z" },
	/* Sunday of the spring change, and the autumn change */
	{ "2026-03-29T00:30:00Z", 1, "2026-03-31T08:00:00Z" },
	{ "2026-10-23T16:00:00Z", 1, "2026-10-26T17:00:00Z" },
	{ "2026-10-25T00:30:00Z", 1, "2026-10-27T09:00:00Z" },
	/* a MASH allowing two working days */
	{ "2026-04-02T10:30:00Z", 2, "2026-04-08T10:30:00Z" },
	/* seconds are kept */
	{ "2026-01-12T10:11:12Z", 1, "2026-01-13T10:11:12Z" },
};

START_TEST(test_due)
{
	char buf[ISO_INSTANT_LEN];

	instant_format(workcal_due(cal, at(due_cases[_i].received), due_cases[_i].n), buf);
	ck_assert_msg(strcmp(buf, due_cases[_i].due) == 0, "received %s + %d: due %s, expected %s",
		      due_cases[_i].received, due_cases[_i].n, buf, due_cases[_i].due);
}
END_TEST

/* A closure day the borough adds moves due times like a bank holiday. */
START_TEST(test_due_with_closure)
{
	char buf[ISO_INSTANT_LEN];

	workcal_add(cal, day_of("2026-01-13"));
	workcal_add(cal, day_of("2026-01-13"));
	ck_assert(workcal_is_holiday(cal, day_of("2026-01-13")));
	instant_format(workcal_due(cal, at("2026-01-12T10:00:00Z"), 1), buf);
	ck_assert_str_eq(buf, "2026-01-14T10:00:00Z");
	instant_format(workcal_due(cal, at("2026-01-13T10:00:00Z"), 1), buf);
	ck_assert_str_eq(buf, "2026-01-15T09:00:00Z");
	ck_assert_int_eq(workcal_between(cal, day_of("2026-01-12"), day_of("2026-01-16")), 3);
}
END_TEST

/* Closure days the borough adds, wherever they fall: on a weekend (already
 * not a working day, so they must not be counted twice), on a bank holiday
 * (the same day twice), next to a weekend, or at an end of the range.
 * Each row adds up to three closures (NULL: none) to the real calendar and
 * checks between(a, b), the nth working day after a, and a due time. */
static const struct {
	const char *closed[3];
	const char *a, *b;
	int between;		/* workcal_between(a, b) */
	int n;
	const char *nth;	/* workcal_add_working_days(a, n) */
	const char *received;
	const char *due;	/* workcal_due(received, n) */
} closure_cases[] = {
	/* a Saturday closure changes nothing */
	{ { "2026-01-17" }, "2026-01-16", "2026-01-19", 1, 1, "2026-01-19",
	  "2026-01-16T10:00:00Z", "2026-01-19T10:00:00Z" },
	{ { "2026-01-17" }, "2026-01-12", "2026-01-23", 9, 5, "2026-01-19",
	  "2026-01-17T11:00:00Z", "2026-01-26T09:00:00Z" },
	/* the weekend closure at either end of the range */
	{ { "2026-01-17" }, "2026-01-12", "2026-01-17", 4, 4, "2026-01-16",
	  "2026-01-12T10:00:00Z", "2026-01-16T10:00:00Z" },
	{ { "2026-01-17" }, "2026-01-17", "2026-01-19", 1, 1, "2026-01-19",
	  "2026-01-17T11:00:00Z", "2026-01-20T09:00:00Z" },
	/* backwards across it */
	{ { "2026-01-17" }, "2026-01-19", "2026-01-16", -1, 0, "2026-01-19",
	  "2026-01-16T18:00:00Z", "2026-01-19T17:00:00Z" },
	/* a Sunday closure, and both days of a weekend */
	{ { "2026-01-18" }, "2026-01-16", "2026-01-19", 1, 1, "2026-01-19",
	  "2026-01-18T11:00:00Z", "2026-01-20T09:00:00Z" },
	{ { "2026-01-17", "2026-01-18" }, "2026-01-15", "2026-01-20", 3, 3, "2026-01-20",
	  "2026-01-15T10:00:00Z", "2026-01-20T10:00:00Z" },
	/* a long weekend: Saturday, Sunday and the Monday closed */
	{ { "2026-01-17", "2026-01-18", "2026-01-19" }, "2026-01-16", "2026-01-20", 1, 1,
	  "2026-01-20", "2026-01-16T10:00:00Z", "2026-01-20T10:00:00Z" },
	/* a Monday closure next to the weekend */
	{ { "2026-01-19" }, "2026-01-16", "2026-01-19", 0, 1, "2026-01-20",
	  "2026-01-16T10:00:00Z", "2026-01-20T10:00:00Z" },
	{ { "2026-01-19" }, "2026-01-16", "2026-01-20", 1, 2, "2026-01-21",
	  "2026-01-19T10:00:00Z", "2026-01-22T09:00:00Z" },
	/* a Friday closure next to the weekend */
	{ { "2026-01-16" }, "2026-01-15", "2026-01-19", 1, 1, "2026-01-19",
	  "2026-01-15T10:00:00Z", "2026-01-19T10:00:00Z" },
	{ { "2026-01-16" }, "2026-01-16", "2026-01-19", 1, 0, "2026-01-16",
	  "2026-01-16T10:00:00Z", "2026-01-19T17:00:00Z" },
	/* on a bank holiday (Christmas Day, a Friday), and on the weekend between
	 * it and the substitute Boxing Day */
	{ { "2026-12-25" }, "2026-12-24", "2026-12-29", 1, 1, "2026-12-29",
	  "2026-12-24T16:00:00Z", "2026-12-29T16:00:00Z" },
	{ { "2026-12-26", "2026-12-27" }, "2026-12-24", "2026-12-29", 1, 5, "2027-01-05",
	  "2026-12-25T10:00:00Z", "2027-01-06T09:00:00Z" },
	{ { "2026-12-25", "2026-12-26", "2026-12-29" }, "2026-12-24", "2026-12-31", 2, 2,
	  "2026-12-31", "2026-12-24T16:00:00Z", "2026-12-31T16:00:00Z" },
	/* a weekend closure over a year: 253 working days in 2026 stay 253 */
	{ { "2026-03-07", "2026-08-30", "2026-11-21" }, "2025-12-31", "2026-12-31", 253, 0,
	  "2025-12-31", "2026-08-30T10:00:00Z", "2026-09-01T16:00:00Z" },
	/* a weekday closure in the same year takes one away */
	{ { "2026-03-07", "2026-08-28", "2026-11-21" }, "2025-12-31", "2026-12-31", 252, 0,
	  "2025-12-31", "2026-08-28T10:00:00Z", "2026-09-01T16:00:00Z" },
};

static void add_closures(int row)
{
	for (int i = 0; i < 3 && closure_cases[row].closed[i]; i++)
		workcal_add(cal, day_of(closure_cases[row].closed[i]));
}

START_TEST(test_closure_between)
{
	add_closures(_i);
	ck_assert_msg(workcal_between(cal, day_of(closure_cases[_i].a),
				      day_of(closure_cases[_i].b)) == closure_cases[_i].between,
		      "closed %s %s %s: between %s and %s is %d working days, expected %d",
		      closure_cases[_i].closed[0], closure_cases[_i].closed[1]
		      ? closure_cases[_i].closed[1] : "", closure_cases[_i].closed[2]
		      ? closure_cases[_i].closed[2] : "", closure_cases[_i].a, closure_cases[_i].b,
		      workcal_between(cal, day_of(closure_cases[_i].a), day_of(closure_cases[_i].b)),
		      closure_cases[_i].between);
}
END_TEST

START_TEST(test_closure_add)
{
	char buf[ISO_DATE_LEN];

	add_closures(_i);
	date_format(workcal_add_working_days(cal, day_of(closure_cases[_i].a), closure_cases[_i].n),
		    buf);
	ck_assert_msg(strcmp(buf, closure_cases[_i].nth) == 0, "closed %s: %s + %d is %s, expected %s",
		      closure_cases[_i].closed[0], closure_cases[_i].a, closure_cases[_i].n, buf,
		      closure_cases[_i].nth);
}
END_TEST

START_TEST(test_closure_due)
{
	char buf[ISO_INSTANT_LEN];

	add_closures(_i);
	instant_format(workcal_due(cal, at(closure_cases[_i].received), closure_cases[_i].n), buf);
	ck_assert_msg(strcmp(buf, closure_cases[_i].due) == 0, "closed %s: received %s + %d: due %s, "
		      "expected %s", closure_cases[_i].closed[0], closure_cases[_i].received,
		      closure_cases[_i].n, buf, closure_cases[_i].due);
}
END_TEST

/* The counting shortcut (weekdays by arithmetic, less the closures) agrees
 * with counting day by day, for closures on every kind of day: each
 * Saturday, some Sundays and weekdays, over every pair of dates in a
 * quarter. */
START_TEST(test_closure_between_by_day)
{
	static const char *const closed[] = { "2026-02-01", "2026-02-02", "2026-02-13",
		"2026-03-01", "2026-03-20", "2026-03-23" };
	struct civil_date first = day_of("2026-01-01"), last = day_of("2026-03-31");

	for (struct civil_date d = day_of("2026-01-03"); date_to_days(d) <= date_to_days(last);
	     d = date_add_days(d, 7))
		workcal_add(cal, d);
	for (int i = 0; i < N_CASES(closed); i++)
		workcal_add(cal, day_of(closed[i]));
	for (struct civil_date a = first; date_to_days(a) <= date_to_days(last);
	     a = date_add_days(a, 1)) {
		int count = 0;

		for (struct civil_date b = a; date_to_days(b) <= date_to_days(last);
		     b = date_add_days(b, 1)) {
			char sa[ISO_DATE_LEN], sb[ISO_DATE_LEN];

			if (date_to_days(b) > date_to_days(a) && workcal_is_working_day(cal, b))
				count++;
			date_format(a, sa);
			date_format(b, sb);
			ck_assert_msg(workcal_between(cal, a, b) == count,
				      "between %s and %s: %d, counted day by day %d", sa, sb,
				      workcal_between(cal, a, b), count);
			ck_assert_msg(workcal_between(cal, b, a) == -count,
				      "between %s and %s: %d, counted day by day %d", sb, sa,
				      workcal_between(cal, b, a), -count);
		}
	}
}
END_TEST

/* An empty calendar knows only weekends. */
START_TEST(test_empty_calendar)
{
	struct workcal *empty = workcal_new();
	char buf[ISO_INSTANT_LEN];

	ck_assert(workcal_is_working_day(empty, day_of("2026-12-25")));
	ck_assert(!workcal_is_working_day(empty, day_of("2026-12-26")));
	instant_format(workcal_due(empty, at("2026-12-24T16:00:00Z"), 1), buf);
	ck_assert_str_eq(buf, "2026-12-25T16:00:00Z");
	ck_assert_int_eq(workcal_between(empty, day_of("2026-12-24"), day_of("2026-12-31")), 5);
	workcal_free(&empty);
	ck_assert_ptr_null(empty);
	workcal_free(&empty);
	workcal_free(NULL);
}
END_TEST

/* Loading ---------------------------------------------------------------- */

/* Writes text to a new temporary file; the caller unlinks path. */
static void write_temp(const char *text, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, size, "%s/check_workday.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static const struct {
	const char *text;
	long line;
	const char *says;	/* part of the message */
} load_bad_cases[] = {
	{ "2026-06-01 New Year\n2026-02-30 Bad\n", 2, "\"2026-02-30\" is not a real date" },
	{ "# header\n\n2026-13-01\n", 3, "not a real date" },
	{ "2026-1-01  Short month\n", 1, "expected a date as YYYY-MM-DD" },
	{ "01/01/2026\n", 1, "\"01/01/2026\" is not a real date in the form YYYY-MM-DD" },
	{ "2026-06-01Closure\n", 1, "found \"2026-06-01Closure\"" },
	{ "2026-06-01\n  2026-06-02 indented\nclosure day\n", 3, "found \"closure\"" },
	{ "2026-06-01\r\n2026-06-0x\r\n", 2, "2026-06-0x" },
	{ "2026-06-01\n\n\n\n# four\n2026-06-31\n", 6, "not a real date" },
	{ "2026-06-01 x\n2026-06-02 y\n2026-00-03 z", 3, "not a real date" },
};

START_TEST(test_load_bad)
{
	struct workcal *c = workcal_new();
	struct cd_error err;
	char path[512];
	int rc;

	write_temp(load_bad_cases[_i].text, path, sizeof(path));
	cd_error_clear(&err);
	rc = workcal_load(c, path, &err);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.code, CD_EX_DATAERR);
	ck_assert_str_eq(err.file, path);
	ck_assert_int_eq(err.line, load_bad_cases[_i].line);
	ck_assert_msg(strstr(err.msg, load_bad_cases[_i].says) != NULL, "message: %s", err.msg);
	/* a failed load adds nothing, not even the good lines before it */
	ck_assert(!workcal_is_holiday(c, day_of("2026-06-01")));
	ck_assert_int_eq(workcal_load(c, path, NULL), -1);
	unlink(path);
	workcal_free(&c);
}
END_TEST

static const struct {
	const char *text;
	const char *holidays[3];
} load_ok_cases[] = {
	{ "", { NULL } },
	{ "# only a comment\n\n   \n", { NULL } },
	{ "2026-06-01\n", { "2026-06-01", NULL } },
	{ "2026-06-01", { "2026-06-01", NULL } },
	{ "2026-06-01  Closure day\n2026-06-02\tTraining day\n", { "2026-06-01", "2026-06-02", NULL } },
	{ "2026-06-01 # the comment # more\n2026-06-01 dup\n", { "2026-06-01", NULL } },
	{ "  2026-06-01 indented\r\n\t2026-06-03\r\n", { "2026-06-01", "2026-06-03", NULL } },
	{ "\xEF\xBB\xBF" "2026-06-02 after a byte-order mark\n", { "2026-06-02", NULL } },
	{ "2026-06-03 Closure #1 (staff day)\n", { "2026-06-03", NULL } },
};

START_TEST(test_load_ok)
{
	struct workcal *c = workcal_new();
	struct cd_error err;
	char path[512];
	int expected = 0;

	write_temp(load_ok_cases[_i].text, path, sizeof(path));
	cd_error_clear(&err);
	ck_assert_int_eq(workcal_load(c, path, &err), 0);
	unlink(path);
	for (int k = 0; load_ok_cases[_i].holidays[k]; k++) {
		ck_assert(workcal_is_holiday(c, day_of(load_ok_cases[_i].holidays[k])));
		expected++;
	}
	/* 1-5 June 2026 are Monday to Friday: the rest are working days */
	ck_assert_int_eq(workcal_between(c, day_of("2026-05-31"), day_of("2026-06-05")),
			 5 - expected);
	workcal_free(&c);
}
END_TEST

/* Loading adds to what is there: a borough's closures over the bank holidays. */
START_TEST(test_load_adds)
{
	char path[512];

	write_temp("2026-06-01 Borough closure\n", path, sizeof(path));
	ck_assert_int_eq(workcal_load(cal, path, NULL), 0);
	unlink(path);
	ck_assert(workcal_is_holiday(cal, day_of("2026-06-01")));
	ck_assert(workcal_is_holiday(cal, day_of("2026-12-25")));
}
END_TEST

START_TEST(test_load_missing)
{
	struct workcal *c = workcal_new();
	struct cd_error err;
	char buf[1024];

	cd_error_clear(&err);
	ck_assert_int_eq(workcal_load(c, "/nonexistent/holidays.txt", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_NOINPUT);
	ck_assert_str_eq(err.file, "/nonexistent/holidays.txt");
	ck_assert_int_eq(err.line, 0);
	cd_error_format(&err, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "/nonexistent/holidays.txt: cannot open") == buf, "%s", buf);
	workcal_free(&c);
}
END_TEST

/* A directory opens for reading but cannot be read: an I/O error, not an
 * empty holiday file that would silently count closure days as working. */
START_TEST(test_load_directory)
{
	struct workcal *c = workcal_new();
	struct cd_error err;
	const char *dir = getenv("TMPDIR");

	cd_error_clear(&err);
	ck_assert_int_eq(workcal_load(c, dir && *dir ? dir : "/tmp", &err), -1);
	ck_assert_int_eq(err.code, CD_EX_IOERR);
	ck_assert_msg(strstr(err.msg, "read error") != NULL, "message: %s", err.msg);
	workcal_free(&c);
}
END_TEST

/* The fingerprint is stamped on every due time a replica computes, so that
 * two hosts with different closure days can be told apart.  Known answers
 * from an independent FNV-1a over the little-endian day numbers (1970-01-01
 * is day 0); the 1969 day is negative, so all eight bytes are used. */
START_TEST(test_fingerprint_known_answers)
{
	struct workcal *c = workcal_new();
	struct workcal *same = workcal_new();

	ck_assert_uint_eq(workcal_fingerprint(c), 0xcbf29ce484222325ULL);
	workcal_add(c, day_of("2026-06-01"));
	ck_assert_uint_eq(workcal_fingerprint(c), 0x7e843a38e7f7e2c8ULL);
	workcal_add(c, day_of("1969-12-25"));
	ck_assert_uint_eq(workcal_fingerprint(c), 0x3cff2ac8bd2c0356ULL);
	/* the order days were added in does not matter */
	workcal_add(same, day_of("1969-12-25"));
	workcal_add(same, day_of("2026-06-01"));
	ck_assert_uint_eq(workcal_fingerprint(same), workcal_fingerprint(c));
	workcal_free(&c);
	workcal_free(&same);
}
END_TEST

static Suite *workday_suite(void)
{
	Suite *s = suite_create("workday");
	TCase *tc;

	tc = tcase_create("calendar");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_working_day, 0, N_CASES(day_cases));
	tcase_add_loop_test(tc, test_holidays_per_year, 0, N_CASES(year_cases));
	tcase_add_loop_test(tc, test_steps, 0, N_CASES(step_cases));
	tcase_add_loop_test(tc, test_add_working_days, 0, N_CASES(add_cases));
	tcase_add_loop_test(tc, test_between, 0, N_CASES(between_cases));
	tcase_add_test(tc, test_between_inverts_add);
	suite_add_tcase(s, tc);

	tc = tcase_create("due");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_due, 0, N_CASES(due_cases));
	tcase_add_test(tc, test_due_with_closure);
	tcase_add_loop_test(tc, test_closure_between, 0, N_CASES(closure_cases));
	tcase_add_loop_test(tc, test_closure_add, 0, N_CASES(closure_cases));
	tcase_add_loop_test(tc, test_closure_due, 0, N_CASES(closure_cases));
	tcase_add_test(tc, test_closure_between_by_day);
	tcase_add_test(tc, test_empty_calendar);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_load_bad, 0, N_CASES(load_bad_cases));
	tcase_add_loop_test(tc, test_load_ok, 0, N_CASES(load_ok_cases));
	tcase_add_test(tc, test_load_adds);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_load_directory);
	tcase_add_test(tc, test_fingerprint_known_answers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(workday_suite());
	int failed;

	/* A crash fails one test, not the run. */
	/* Fork mode unless CK_FORK says otherwise (valgrind runs use no). */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
