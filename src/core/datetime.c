/* Dates, instants and local time.
 *
 * Calendar arithmetic is done on day numbers (days since 1970-01-01) with
 * the days-from-civil algorithm, so it is exact for any year and never
 * touches the C library's notion of a zone.  Only the mapping between an
 * instant and a local wall-clock reading goes through the system zoneinfo
 * (TZ plus localtime_r), because summer time rules are published data, not
 * something we want to re-encode here. */

/* POSIX.1-2008 (setenv, tzset, localtime_r, getline, mkstemp) under
 * -std=c11 even when the build does not define _GNU_SOURCE. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caredesk/datetime.h"

#define SECS_PER_DAY 86400
#define ZONE_NAME_MAX 128

/* Floor division and modulo: day numbers before 1970 are negative and must
 * still land on the right day and weekday. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

bool date_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && date_is_leap_year(year))
		return 29;
	return days[month - 1];
}

/* Years are limited to what "YYYY-MM-DD" can carry, so every valid date
 * formats and parses back to itself. */
bool date_is_valid(struct civil_date d)
{
	if (d.year < 1 || d.year > 9999)
		return false;
	if (d.month < 1 || d.month > 12)
		return false;
	return d.day >= 1 && d.day <= date_days_in_month(d.year, d.month);
}

/* Howard Hinnant's days_from_civil: years start in March so the leap day
 * is the last day of the (shifted) year, and an era is 400 years. */
int64_t date_to_days(struct civil_date d)
{
	int64_t y = (int64_t)d.year - (d.month <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;				/* 0..399 */
	int64_t mp = (d.month + 9) % 12;			/* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + d.day - 1;		/* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* 0..146096 */

	return era * 146097 + doe - 719468;
}

struct civil_date date_from_days(int64_t days)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	struct civil_date d;

	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

struct civil_date date_add_days(struct civil_date d, int64_t n)
{
	return date_from_days(date_to_days(d) + n);
}

/* 1970-01-01 was a Thursday (3 when Monday is 0). */
int date_weekday(struct civil_date d)
{
	return (int)floor_mod(date_to_days(d) + 3, 7);
}

int date_compare(struct civil_date a, struct civil_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

/* Read exactly n ASCII digits; strtol would accept signs and spaces. */
static bool parse_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DD" at s, not necessarily followed by NUL; checks the day exists. */
static bool parse_date_prefix(const char *s, struct civil_date *out)
{
	struct civil_date d;

	if (!parse_digits(s, 4, &d.year) || s[4] != '-' ||
	    !parse_digits(s + 5, 2, &d.month) || s[7] != '-' ||
	    !parse_digits(s + 8, 2, &d.day))
		return false;
	if (!date_is_valid(d))
		return false;
	*out = d;
	return true;
}

int date_parse(const char *s, struct civil_date *out)
{
	struct civil_date d;

	if (!s || strlen(s) != ISO_DATE_LEN - 1 || !parse_date_prefix(s, &d))
		return -1;
	*out = d;
	return 0;
}

/* One or two digits at *s, advancing *s past them. */
static bool take_day_or_month(const char **s, int *out)
{
	int n = 0;

	while (n < 3 && (*s)[n] >= '0' && (*s)[n] <= '9')
		n++;
	if (n < 1 || n > 2 || !parse_digits(*s, n, out))
		return false;
	*s += n;
	return true;
}

/* "D/M/YYYY", day first (the form the desk shows); a four-digit year,
 * since "01/02/03" could be any of three centuries. */
static bool parse_shown_date(const char *s, struct civil_date *out)
{
	struct civil_date d;

	if (!take_day_or_month(&s, &d.day) || *s++ != '/' ||
	    !take_day_or_month(&s, &d.month) || *s++ != '/' ||
	    !parse_digits(s, 4, &d.year) || s[4] != '\0' || !date_is_valid(d))
		return false;
	*out = d;
	return true;
}

int date_parse_typed(const char *s, struct civil_date *out)
{
	char buf[16];
	size_t len;

	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strchr(buf, '/'))
		return parse_shown_date(buf, out) ? 0 : -1;
	return date_parse(buf, out);
}

/* Writes the last n decimal digits of v (v >= 0), zero-padded.  Fixed
 * widths keep the text sortable, and a date outside years 1..9999 (never a
 * valid one) is cut rather than allowed to overrun the buffer. */
static char *put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* "YYYY-MM-DD" without the NUL; returns the end. */
static char *put_date(char *p, struct civil_date d)
{
	p = put_digits(p, d.year < 0 ? 0 : d.year, 4);
	*p++ = '-';
	p = put_digits(p, d.month < 0 ? 0 : d.month, 2);
	*p++ = '-';
	return put_digits(p, d.day < 0 ? 0 : d.day, 2);
}

void date_format(struct civil_date d, char out[ISO_DATE_LEN])
{
	*put_date(out, d) = '\0';
}

void date_format_shown(struct civil_date d, char out[ISO_DATE_LEN])
{
	char *p = put_digits(out, d.day < 0 ? 0 : d.day, 2);

	*p++ = '/';
	p = put_digits(p, d.month < 0 ? 0 : d.month, 2);
	*p++ = '/';
	*put_digits(p, d.year < 0 ? 0 : d.year, 4) = '\0';
}

/* The birthday in a given year; a 29 February birthday falls on 1 March
 * when that year has no 29 February. */
static struct civil_date birthday_in(struct civil_date birth, int year)
{
	struct civil_date b = { year, birth.month, birth.day };

	if (birth.month == 2 && birth.day == 29 && !date_is_leap_year(year)) {
		b.month = 3;
		b.day = 1;
	}
	return b;
}

int age_on(struct civil_date birth, struct civil_date on)
{
	int age;

	if (!date_is_valid(birth) || !date_is_valid(on) || date_compare(on, birth) < 0)
		return -1;
	age = on.year - birth.year;
	if (date_compare(on, birthday_in(birth, on.year)) < 0)
		age--;
	return age;
}

/* An unborn child (a pre-birth referral, age -1) is still a child. */
enum age_group age_group_on(struct civil_date birth, struct civil_date on)
{
	return age_on(birth, on) >= 18 ? AGE_GROUP_ADULT : AGE_GROUP_CHILD;
}

char age_group_letter(enum age_group g)
{
	return g == AGE_GROUP_ADULT ? 'A' : 'C';
}

/* Parses "[:SS[.fraction]]" after HH:MM; the fraction is dropped because
 * instants are whole seconds. */
static const char *parse_seconds(const char *p, int *sec)
{
	*sec = 0;
	if (*p != ':')
		return p;
	if (!parse_digits(p + 1, 2, sec))
		return NULL;
	p += 3;
	if (*p == '.' || *p == ',') {
		p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* "Z" or "+HH:MM"/"-HH:MM" ending the string; *offset is seconds east. */
static bool parse_zone(const char *p, int *offset)
{
	int hh, mm, sign;

	if (p[0] == 'Z' && p[1] == '\0') {
		*offset = 0;
		return true;
	}
	if (*p != '+' && *p != '-')
		return false;
	sign = *p == '-' ? -1 : 1;
	if (!parse_digits(p + 1, 2, &hh) || p[3] != ':' ||
	    !parse_digits(p + 4, 2, &mm) || p[6] != '\0')
		return false;
	if (hh > 23 || mm > 59)
		return false;
	*offset = sign * (hh * 3600 + mm * 60);
	return true;
}

int instant_parse(const char *s, int64_t *out)
{
	struct civil_date d;
	const char *p;
	int hh, mm, ss, offset;

	if (!s || strnlen(s, ISO_DATE_LEN) < ISO_DATE_LEN - 1 || !parse_date_prefix(s, &d))
		return -1;
	p = s + ISO_DATE_LEN - 1;
	if (*p != 'T' && *p != ' ')
		return -1;
	if (!parse_digits(p + 1, 2, &hh) || p[3] != ':' || !parse_digits(p + 4, 2, &mm))
		return -1;
	p = parse_seconds(p + 6, &ss);
	if (!p || !parse_zone(p, &offset))
		return -1;
	/* Leap seconds (SS = 60) cannot be represented in Unix time. */
	if (hh > 23 || mm > 59 || ss > 59)
		return -1;
	*out = date_to_days(d) * SECS_PER_DAY + hh * 3600 + mm * 60 + ss - offset;
	return 0;
}

void instant_format(int64_t t, char out[ISO_INSTANT_LEN])
{
	int64_t secs = floor_mod(t, SECS_PER_DAY);
	char *p = put_date(out, date_from_days(floor_div(t, SECS_PER_DAY)));

	*p++ = 'T';
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	*p++ = 'Z';
	*p = '\0';
}

struct civil_date instant_utc_date(int64_t t)
{
	return date_from_days(floor_div(t, SECS_PER_DAY));
}

static char zone_name[ZONE_NAME_MAX];

/* Zone names come from configuration; they must not be able to name a file
 * outside the zoneinfo directory. */
static bool zone_name_is_safe(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= ZONE_NAME_MAX || name[0] == '/' || strstr(name, ".."))
		return false;
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-.", *p)))
			return false;
	}
	return true;
}

/* A real zone file starts with "TZif"; this keeps directories and the
 * index files that live beside the zones (zone.tab, tzdata.zi) out. */
static bool zone_file_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	char magic[4];
	FILE *f;
	bool ok;

	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	     memcmp(magic, "TZif", sizeof(magic)) == 0;
	fclose(f);
	return ok;
}

int localzone_set(const char *name)
{
	if (!name || !zone_name_is_safe(name) || !zone_file_exists(name))
		return -1;
	if (setenv("TZ", name, 1) != 0)
		return -1;
	tzset();
	snprintf(zone_name, sizeof(zone_name), "%s", name);
	return 0;
}

/* Before localzone_set the process runs on whatever TZ says, or on the
 * system's own zone (/etc/localtime) when TZ is unset. */
const char *localzone_name(void)
{
	const char *tz;

	if (zone_name[0])
		return zone_name;
	tz = getenv("TZ");
	return tz && *tz ? tz : "localtime";
}

/* Seconds east of UTC at instant t, from the tm that localtime_r gave:
 * the wall-clock reading minus the instant (no reliance on tm_gmtoff). */
static int64_t tm_offset(const struct tm *tm, int64_t t)
{
	struct civil_date d = { tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday };
	int64_t wall = date_to_days(d) * SECS_PER_DAY +
		       tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec;

	return wall - t;
}

static bool local_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	if ((int64_t)tt != t)
		return false;
	return localtime_r(&tt, tm) != NULL;
}

/* Offset at t; 0 when the C library cannot convert t (far outside its
 * range), which keeps callers total. */
static int64_t offset_at(int64_t t)
{
	struct tm tm;

	return local_tm(t, &tm) ? tm_offset(&tm, t) : 0;
}

struct local_time local_from_instant(int64_t t)
{
	struct local_time lt;
	struct tm tm;

	if (!local_tm(t, &tm)) {
		int secs = (int)floor_mod(t, SECS_PER_DAY);

		lt.date = instant_utc_date(t);
		lt.hour = secs / 3600;
		lt.minute = secs / 60 % 60;
		lt.second = secs % 60;
		lt.weekday = date_weekday(lt.date);
		lt.dst = false;
		return lt;
	}
	lt.date.year = tm.tm_year + 1900;
	lt.date.month = tm.tm_mon + 1;
	lt.date.day = tm.tm_mday;
	lt.hour = tm.tm_hour;
	lt.minute = tm.tm_min;
	lt.second = tm.tm_sec;
	lt.weekday = (tm.tm_wday + 6) % 7;
	lt.dst = tm.tm_isdst > 0;
	return lt;
}

/* mktime's choice in a gap or an overlap is unspecified (and glibc's depends
 * on tm_isdst), so the rule in the header is applied explicitly: the offsets
 * in force a day either side of the reading bracket any one change of
 * clocks; a candidate is real when the zone agrees with it; of two real ones
 * the earlier wins; with none (the spring gap) the offset from before the
 * change is used, which reads the time as if the clocks had not moved. */
int64_t local_to_instant(struct civil_date d, int hh, int mm, int ss)
{
	int64_t wall = date_to_days(d) * SECS_PER_DAY + (int64_t)hh * 3600 + mm * 60 + ss;
	int64_t off_before = offset_at(wall - SECS_PER_DAY);
	int64_t off_after = offset_at(wall + SECS_PER_DAY);
	int64_t a = wall - off_before;
	int64_t b = wall - off_after;
	bool a_real = offset_at(a) == off_before;
	bool b_real = offset_at(b) == off_after;

	if (a_real && b_real)
		return a < b ? a : b;
	if (b_real)
		return b;
	return a;
}

static bool now_ready;
static bool now_fixed;
static int64_t now_value;

static bool year_in_range(int64_t t)
{
	int year = instant_utc_date(t).year;

	return year >= NOW_YEAR_MIN && year <= NOW_YEAR_MAX;
}

int now_init(void)
{
	const char *s = getenv("CAREDESK_NOW");

	now_ready = true;
	now_fixed = false;
	if (s && *s) {
		if (instant_parse(s, &now_value) != 0)
			return NOW_MALFORMED;
		now_fixed = true;
	}
	return year_in_range(now_instant()) ? 0 : NOW_OUT_OF_RANGE;
}

int now_start(struct cd_error *err)
{
	char shown[ISO_INSTANT_LEN];
	int rc = now_init();

	if (rc == 0)
		return 0;
	if (rc == NOW_MALFORMED)
		return cd_error_set(err, CD_EX_USAGE, "CAREDESK_NOW",
				    "not an ISO 8601 time with a zone (e.g. 2026-11-23T09:00:00Z)");
	instant_format(now_instant(), shown);
	if (now_fixed)
		return cd_error_set(err, CD_EX_USAGE, "CAREDESK_NOW",
				    "%s is outside the years %d to %d caredesk works in", shown,
				    NOW_YEAR_MIN, NOW_YEAR_MAX);
	return cd_error_set(err, CD_EX_OSERR, NULL,
			    "the system clock reads %s, outside the years %d to %d caredesk "
			    "works in: set the clock right before using caredesk", shown,
			    NOW_YEAR_MIN, NOW_YEAR_MAX);
}

/* Without now_init the variable is still honoured; a malformed value then
 * falls back to the system clock, since nobody is there to report it. */
int64_t now_instant(void)
{
	if (!now_ready)
		now_init();
	if (now_fixed)
		return now_value;
	return (int64_t)time(NULL);
}

/* The seconds in one unit letter, or 0 for a letter that is not a unit. */
static int64_t unit_seconds(char unit)
{
	switch (unit) {
	case 's':
		return 1;
	case 'm':
		return 60;
	case 'h':
		return 3600;
	default:
		return 0;
	}
}

int duration_parse(const char *s, int default_unit_seconds, int64_t *seconds)
{
	int64_t n = 0, unit = default_unit_seconds;
	const char *p = s;

	if (!s || *p < '0' || *p > '9')
		return -1;
	/* Digits are checked against the limit as they come, so a long run
	 * of them cannot overflow before it is refused. */
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > DURATION_MAX_SECONDS)
			return -1;
	}
	if (*p) {
		unit = unit_seconds(*p);
		if (unit == 0 || p[1] != '\0')
			return -1;
	}
	if (unit <= 0 || n * unit > DURATION_MAX_SECONDS)
		return -1;
	*seconds = n * unit;
	return 0;
}
