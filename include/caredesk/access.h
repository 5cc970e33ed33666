/* Restricted records, break-glass and the access audit (caredesk(1)
 * RESTRICTED RECORDS).
 *
 * A person's record may be restricted (a member of staff as a client, a
 * high-profile person, witness protection).  Then only the worker allocated
 * their open case, the managers of that worker's team, MASH while a
 * safeguarding referral of theirs is open, and anyone who has broken glass
 * in the last few hours see who it is: everyone else sees "restricted
 * record" in every list, search, export and command's output.
 *
 * Every read of this rule goes through the SQL of replica/access_sql.h,
 * which asks the temp view person_hidden this file installs on every
 * connection, so a list and an export cannot disagree. */
#ifndef CAREDESK_ACCESS_H
#define CAREDESK_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "caredesk/error.h"
#include "caredesk/ids.h"
#include "caredesk/replica.h"

#define BREAK_GLASS_DEFAULT_S (4 * 3600)
#define RESTRICTED_LABEL "restricted record"

/* The break-glass reason codes, as typed and stored. */
#define BREAK_GLASS_CODES(X) \
	X(SAFEGUARDING, "safeguarding-emergency", "safeguarding emergency") \
	X(CLINICAL, "clinical-emergency", "clinical emergency") \
	X(DUTY_COVER, "duty-cover", "duty cover") \
	X(OTHER, "other", "other")

/* Install the SQL functions and the temp view the visibility rule uses, on
 * this replica's connection (replica_open does it). */
int access_install(struct replica *r, struct cd_error *err);

/* How long a break-glass lasts (seconds; config break_glass_lasts). */
void access_set_break_glass(struct replica *r, int64_t seconds);

/* 1 when the acting worker may see the person, 0 when the record is
 * restricted from them, -1 (CD_EX_NOINPUT) when there is no such person. */
int person_visible(struct replica *r, const char *person_id, struct cd_error *err);

/* Restrict (on) or unrestrict a person's record, with a reason; audited as
 * person.restrict or person.unrestrict.  Team managers and auditors. */
int person_restrict(struct replica *r, const char *person_id, bool on, const char *reason,
		    struct cd_error *err);

/* Break glass: open a restricted record for BREAK_GLASS lasts, with a code
 * (BREAK_GLASS_CODES, or its label) and a sentence saying why; audited as
 * break-glass.  `until` (may be NULL) receives when the access ends. */
int person_break_glass(struct replica *r, const char *person_id, const char *code,
		       const char *reason, char until[ISO_INSTANT_LEN], struct cd_error *err);

/* When the acting worker's break-glass on the person ends: 1 and `until`
 * filled while one is in force, else 0. */
int break_glass_active(struct replica *r, const char *person_id, char until[ISO_INSTANT_LEN]);

/* Mark a break-glass or a view of a restricted record reviewed, with a
 * note; audited as access.reviewed (auditors). */
int access_mark_reviewed(struct replica *r, const char *event_id, const char *note,
			 struct cd_error *err);

/* May the actor read the access log of this person (or this worker, when
 * person_id is NULL)?  Auditors, and the team manager of the record (or of
 * the worker).  0 or -1 with err (CD_EX_NOPERM, CD_EX_NOINPUT). */
int access_log_allowed(struct replica *r, const char *person_id, const char *worker_login,
		       struct cd_error *err);

/* May the actor list access events for review?  Auditors see all;
 * a team manager sees the break-glass on their team's records (*team_only
 * set to their team). */
int access_review_allowed(struct replica *r, const char **team_only, struct cd_error *err);

/* The review list of `access review` (caredesk/query.h listing): ?1 since
 * (an instant) or NULL, ?2 a team (a manager's list) or NULL. */
struct listing;
const struct listing *access_review_listing(void);

/* The same events for the desk's review screen: not yet reviewed first,
 * newest first; at most max; how many, or -1 with err. */
struct access_event_row {
	char id[UUID_STR_LEN];
	char at[ISO_INSTANT_LEN + 8];
	char worker[LOGIN_MAX];
	char action[24];
	char person_id[UUID_STR_LEN];
	char reason[512];
	char reviewed_by[LOGIN_MAX];	/* "" while not reviewed */
	char review_note[512];
};
int access_review_rows(struct replica *r, const char *team_only, struct access_event_row *out,
		       int max, struct cd_error *err);

#endif
