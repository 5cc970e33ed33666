/* Dates, instants and local time.
 *
 * An instant is seconds since the Unix epoch, UTC (int64_t), stored and
 * exchanged as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ", which sorts as text.
 * A civil date is a day in the proleptic Gregorian calendar with no zone.
 * Local time is one IANA zone for the whole process (Europe/London unless the
 * configuration says otherwise), read from the system's zoneinfo so that
 * summer time follows the published rules rather than code of ours. */
#ifndef CAREDESK_DATETIME_H
#define CAREDESK_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caredesk/error.h"

struct civil_date {
	int year;	/* e.g. 2026 */
	int month;	/* 1..12 */
	int day;	/* 1..31 */
};

/* Local wall-clock reading of an instant. */
struct local_time {
	struct civil_date date;
	int hour, minute, second;
	int weekday;		/* 0 = Monday .. 6 = Sunday */
	bool dst;
};

#define ISO_INSTANT_LEN 21	/* "2026-03-27T16:00:00Z" plus NUL */
#define ISO_DATE_LEN 11		/* "2026-03-27" plus NUL */

/* Calendar arithmetic (pure, zone-free). */
bool date_is_valid(struct civil_date d);
bool date_is_leap_year(int year);
int date_days_in_month(int year, int month);
int64_t date_to_days(struct civil_date d);		/* days since 1970-01-01 */
struct civil_date date_from_days(int64_t days);
struct civil_date date_add_days(struct civil_date d, int64_t n);
int date_weekday(struct civil_date d);			/* 0 = Monday .. 6 = Sunday */
int date_compare(struct civil_date a, struct civil_date b);	/* <0, 0, >0 */

/* Strict "YYYY-MM-DD" that names a real day; 0 on success, -1 otherwise. */
int date_parse(const char *s, struct civil_date *out);
void date_format(struct civil_date d, char out[ISO_DATE_LEN]);

/* A date as a person types it, wherever one is typed (desk forms, command
 * options): ISO 8601 "YYYY-MM-DD", or the form the desk shows, day first,
 * "DD/MM/YYYY" (one-digit day and month allowed, the year always four
 * digits: "03/04/2026" is 3 April, never 4 March).  Blanks around it are
 * ignored.  0 on success; -1 if it is neither form or names no real day
 * (31/02/2026).  DATE_TYPED_FORMS names the forms for messages. */
int date_parse_typed(const char *s, struct civil_date *out);
#define DATE_TYPED_FORMS "DD/MM/YYYY or YYYY-MM-DD"
/* "DD/MM/YYYY", as the desk shows a date. */
void date_format_shown(struct civil_date d, char out[ISO_DATE_LEN]);

/* Age in completed years on a date; -1 if `on` is before the birth.
 * Someone born on 29 February has their birthday on 1 March in common years
 * (the usual reading in England of when a leap-day birthday falls). */
int age_on(struct civil_date birth, struct civil_date on);

/* Under 18 on the given date: children's services; adults otherwise. */
enum age_group { AGE_GROUP_CHILD, AGE_GROUP_ADULT };
enum age_group age_group_on(struct civil_date birth, struct civil_date on);
char age_group_letter(enum age_group g);	/* 'C' or 'A' */

/* Instants.  instant_parse accepts "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with
 * "Z" or a "+HH:MM"/"-HH:MM" offset (a space may replace the T); a time
 * without a zone is rejected, because guessing one mis-times referrals. */
int instant_parse(const char *s, int64_t *out);
void instant_format(int64_t t, char out[ISO_INSTANT_LEN]);
struct civil_date instant_utc_date(int64_t t);

/* The process's local zone.  localzone_set returns -1 if the zone is not in
 * the system's zoneinfo (an unknown name would otherwise silently be UTC). */
int localzone_set(const char *zone_name);
const char *localzone_name(void);
struct local_time local_from_instant(int64_t t);

/* The instant at which local wall-clock time on date d reads hh:mm:ss.  In
 * the spring gap the time is read as if the clocks had not yet changed (an
 * hour later than asked); in the autumn overlap the earlier reading wins. */
int64_t local_to_instant(struct civil_date d, int hh, int mm, int ss);

/* "Now": CAREDESK_NOW (ISO 8601) when set, the system clock otherwise.
 * now_init parses the variable once: 0, NOW_MALFORMED, or
 * NOW_OUT_OF_RANGE when now (either clock) is outside the years
 * NOW_YEAR_MIN..NOW_YEAR_MAX.  Every deadline is counted forward from now,
 * so a clock far out (9999, or 1970 after a flat clock battery) would give
 * due dates no one can meet or read: that is a fault to report, not a day
 * to work.  now_start is now_init with the reason in err: 64 for
 * CAREDESK_NOW, 71 (EX_OSERR) for the system clock. */
#define NOW_YEAR_MIN 2000
#define NOW_YEAR_MAX 2199
enum { NOW_MALFORMED = -1, NOW_OUT_OF_RANGE = -2 };
int now_init(void);
int now_start(struct cd_error *err);
int64_t now_instant(void);

/* A span of time as a person writes it in a setting: a whole number
 * followed by a unit, "s" (seconds), "m" (minutes) or "h" (hours), as in
 * "90s", "10m", "1h"; a number alone is in default_unit_seconds (60 makes
 * "10" ten minutes).  No sign, blank or fraction, and at most a day (a
 * longer span in a setting is a typo, not a wish).  0 with *seconds set,
 * or -1 if s is not such a span. */
#define DURATION_MAX_SECONDS 86400
int duration_parse(const char *s, int default_unit_seconds, int64_t *seconds);

#endif
