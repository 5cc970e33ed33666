/* Working days and due times.
 *
 * A working day is Monday to Friday and not a bank holiday of England and
 * Wales (loaded from data/, 2020-2035) nor a closure day the borough added.
 * Due times follow the contract in domain.md ("Due times"):
 *   1. take the local date and time of t; if the date is not a working day,
 *      t moves to 09:00 local on the next working day;
 *   2. the due moment is the same local wall-clock time on the Nth working
 *      day after that date;
 *   3. it is an instant (UTC); the UI shows it in local time.
 * N = 0 means "the same working day": due 17:00 local that day, or 17:00
 * on the next working day when t (after step 1) is already 17:00 or later. */
#ifndef CAREDESK_WORKDAY_H
#define CAREDESK_WORKDAY_H

#include <stdbool.h>
#include <stdint.h>

#include "caredesk/datetime.h"
#include "caredesk/error.h"

#define WORKDAY_START_HOUR 9
#define WORKDAY_SAME_DAY_DUE_HOUR 17

/* A set of non-working dates besides weekends.  Owned by whoever made it;
 * free with workcal_free. */
struct workcal;

struct workcal *workcal_new(void);
void workcal_free(struct workcal **cal);

/* Load a holiday file: one "YYYY-MM-DD" per line, optionally followed by
 * whitespace and a description; '#' starts a comment; blank lines ignored.
 * A bad line fails the whole load with FILE:LINE in err. */
int workcal_load(struct workcal *cal, const char *path, struct cd_error *err);

/* Add one closure date (duplicates are harmless). */
void workcal_add(struct workcal *cal, struct civil_date d);

bool workcal_is_holiday(const struct workcal *cal, struct civil_date d);
bool workcal_is_working_day(const struct workcal *cal, struct civil_date d);

/* The first working day on or after d / strictly after d. */
struct civil_date workcal_on_or_after(const struct workcal *cal, struct civil_date d);
struct civil_date workcal_next(const struct workcal *cal, struct civil_date d);

/* The nth working day after d (n >= 0; n = 0 returns d unchanged). */
struct civil_date workcal_add_working_days(const struct workcal *cal, struct civil_date d, int n);

/* Working days from a to b: the number of working days d with a < d <= b,
 * negative if b is before a.  Used to say "2 working days overdue". */
int workcal_between(const struct workcal *cal, struct civil_date a, struct civil_date b);

/* A fingerprint of the set of non-working days, to notice when the bank
 * holiday list or the closure days change. */
uint64_t workcal_fingerprint(const struct workcal *cal);

/* Due instant for a timescale of n working days from instant t, per the rule
 * above, in the process's local zone (see localzone_set). */
int64_t workcal_due(const struct workcal *cal, int64_t t, int n);

#endif
