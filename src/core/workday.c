/* Working days and due times.
 *
 * A calendar is the set of non-working dates besides weekends (bank holidays
 * and borough closure days), kept as a sorted array of day numbers: a few
 * hundred entries at most, looked up by binary search on every step of a
 * due-time calculation.  Due times follow domain.md ("Due times") and are
 * worked out on local wall-clock readings, then turned back into instants,
 * so a deadline keeps its local time across a change of the clocks. */

/* POSIX.1-2008 (setenv, tzset, localtime_r, getline, mkstemp) under
 * -std=c11 even when the build does not define _GNU_SOURCE. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/workday.h"

struct workcal {
	int64_t *days;		/* sorted, no duplicates */
	size_t len;
	size_t cap;
};

struct workcal *workcal_new(void)
{
	return cd_calloc(1, sizeof(struct workcal));
}

void workcal_free(struct workcal **cal)
{
	if (!cal || !*cal)
		return;
	free((*cal)->days);
	free(*cal);
	*cal = NULL;
}

/* Index of the first entry >= day (len when there is none). */
static size_t lower_bound(const struct workcal *cal, int64_t day)
{
	size_t lo = 0, hi = cal->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void add_day(struct workcal *cal, int64_t day)
{
	size_t i = lower_bound(cal, day);

	if (i < cal->len && cal->days[i] == day)
		return;
	if (cal->len == cal->cap) {
		cal->cap = cal->cap ? cal->cap * 2 : 64;
		cal->days = cd_realloc(cal->days, cal->cap * sizeof(*cal->days));
	}
	memmove(cal->days + i + 1, cal->days + i, (cal->len - i) * sizeof(*cal->days));
	cal->days[i] = day;
	cal->len++;
}

void workcal_add(struct workcal *cal, struct civil_date d)
{
	add_day(cal, date_to_days(d));
}

/* Cut a '#' comment and surrounding whitespace; returns the start of what
 * is left, which may be empty. */
static char *line_strip(char *line)
{
	char *hash = strchr(line, '#');
	char *end;

	if (hash)
		*hash = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && strchr(" \t\r\n\v\f", end[-1]))
		*--end = '\0';
	return line;
}

/* One non-blank line: a date, then optionally whitespace and a description. */
static int parse_line(const char *text, struct civil_date *d, struct cd_error *err)
{
	size_t n = strcspn(text, " \t");
	char date[ISO_DATE_LEN];

	if (n != ISO_DATE_LEN - 1)
		return cd_error_set(err, CD_EX_DATAERR, NULL,
				    "expected a date as YYYY-MM-DD at the start of the line, found \"%.*s\"",
				    (int)(n > 40 ? 40 : n), text);
	memcpy(date, text, n);
	date[n] = '\0';
	if (date_parse(date, d) != 0)
		return cd_error_set(err, CD_EX_DATAERR, NULL,
				    "\"%s\" is not a real date in the form YYYY-MM-DD", date);
	return 0;
}

/* Reads every line into tmp so that a bad line leaves the caller's calendar
 * as it was. */
static int load_lines(FILE *f, struct workcal *tmp, const char *path, struct cd_error *err)
{
	char *line = NULL;
	size_t size = 0;
	long lineno = 0;
	int rc = 0;

	while (getline(&line, &size, f) != -1) {
		struct civil_date d;
		char *text = line;

		lineno++;
		/* A byte-order mark from a Windows editor is not part of the date. */
		if (lineno == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
			text += 3;
		text = line_strip(text);
		if (!*text)
			continue;
		if (parse_line(text, &d, err) != 0) {
			cd_error_at(err, path, lineno);
			rc = -1;
			break;
		}
		workcal_add(tmp, d);
	}
	if (rc == 0 && ferror(f)) {
		cd_error_at(err, path, lineno + 1);
		rc = cd_error_set(err, CD_EX_IOERR, NULL, "read error: %s", strerror(errno));
	}
	free(line);
	return rc;
}

int workcal_load(struct workcal *cal, const char *path, struct cd_error *err)
{
	struct workcal *tmp;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (!f) {
		cd_error_at(err, path, 0);
		return cd_error_set(err, CD_EX_NOINPUT, NULL, "cannot open holiday file: %s",
				    strerror(errno));
	}
	tmp = workcal_new();
	rc = load_lines(f, tmp, path, err);
	fclose(f);
	if (rc == 0) {
		for (size_t i = 0; i < tmp->len; i++)
			add_day(cal, tmp->days[i]);
	}
	workcal_free(&tmp);
	return rc;
}

static bool day_is_holiday(const struct workcal *cal, int64_t day)
{
	size_t i = lower_bound(cal, day);

	return i < cal->len && cal->days[i] == day;
}

bool workcal_is_holiday(const struct workcal *cal, struct civil_date d)
{
	return day_is_holiday(cal, date_to_days(d));
}

bool workcal_is_working_day(const struct workcal *cal, struct civil_date d)
{
	return date_weekday(d) < 5 && !workcal_is_holiday(cal, d);
}

/* Terminates: the holiday set is finite, so a Monday past its end exists. */
struct civil_date workcal_on_or_after(const struct workcal *cal, struct civil_date d)
{
	while (!workcal_is_working_day(cal, d))
		d = date_add_days(d, 1);
	return d;
}

struct civil_date workcal_next(const struct workcal *cal, struct civil_date d)
{
	return workcal_on_or_after(cal, date_add_days(d, 1));
}

struct civil_date workcal_add_working_days(const struct workcal *cal, struct civil_date d, int n)
{
	for (int i = 0; i < n; i++)
		d = workcal_next(cal, d);
	return d;
}

/* Weekdays among all days up to and including day number x, counted from
 * a fixed Monday; only differences of this are meaningful. */
static int64_t weekdays_through(int64_t x)
{
	int64_t y = x + 3;	/* day 0 was a Thursday: shift so 0 is a Monday */
	int64_t weeks = y / 7, rest = y % 7;

	if (rest < 0) {
		rest += 7;
		weeks--;
	}
	return weeks * 5 + (rest + 1 < 5 ? rest + 1 : 5);
}

/* Working days d with a < d <= b, for a <= b (day numbers). */
static int64_t working_days_in(const struct workcal *cal, int64_t a, int64_t b)
{
	int64_t count = weekdays_through(b) - weekdays_through(a);

	for (size_t i = lower_bound(cal, a + 1); i < cal->len && cal->days[i] <= b; i++) {
		if (date_weekday(date_from_days(cal->days[i])) < 5)
			count--;
	}
	return count;
}

int workcal_between(const struct workcal *cal, struct civil_date a, struct civil_date b)
{
	int64_t da = date_to_days(a), db = date_to_days(b);

	if (da <= db)
		return (int)working_days_in(cal, da, db);
	return -(int)working_days_in(cal, db, da);
}

int64_t workcal_due(const struct workcal *cal, int64_t t, int n)
{
	struct local_time lt = local_from_instant(t);
	struct civil_date day = lt.date;
	int hh = lt.hour, mm = lt.minute, ss = lt.second;

	if (!workcal_is_working_day(cal, day)) {
		day = workcal_on_or_after(cal, day);
		hh = WORKDAY_START_HOUR;
		mm = 0;
		ss = 0;
	}
	if (n > 0)
		return local_to_instant(workcal_add_working_days(cal, day, n), hh, mm, ss);
	/* Same working day: by close of business, or the next day's close
	 * when the work arrived after it. */
	if (hh >= WORKDAY_SAME_DAY_DUE_HOUR)
		day = workcal_next(cal, day);
	return local_to_instant(day, WORKDAY_SAME_DAY_DUE_HOUR, 0, 0);
}

/* FNV-1a over the sorted non-working days: equal calendars give equal
 * fingerprints, and any added or removed day changes it. */
uint64_t workcal_fingerprint(const struct workcal *cal)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < cal->len; i++) {
		uint64_t d = (uint64_t)cal->days[i];

		for (int b = 0; b < 8; b++) {
			h ^= (d >> (8 * b)) & 0xff;
			h *= 0x100000001b3ULL;
		}
	}
	return h;
}
