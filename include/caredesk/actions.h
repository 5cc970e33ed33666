/* One function per user action.  The desk and the command line call these
 * and nothing else to change a replica.
 *
 * Each action validates its input through core, writes in one transaction
 * that starts with the txn_context row (so the outbox captures it as one
 * unit), and appends one audit event in that same transaction.  An action
 * called from inside another (allocate opening a case) runs in a savepoint
 * of the outer transaction and shares its audit event: if it fails, its own
 * writes are undone and the outer action decides whether to go on.  On failure nothing is written and err
 * says what was wrong: CD_EX_DATAERR for bad input, CD_EX_NOINPUT for a
 * record that does not exist, CD_EX_NOPERM for a move not allowed.
 *
 * Words, one meaning each: an *action* is one of these domain functions
 * (the audit trail names it); a *transaction* is the replica's unit of
 * writing (txn_begin, replica.h); a *command* is what a key does on the
 * desk (src/ui/command.h) or what the command line runs. */
#ifndef CAREDESK_ACTIONS_H
#define CAREDESK_ACTIONS_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/replica.h"
#include "caredesk/sbar.h"

/* Append an audit event for the current action (who, what, record). */
int audit_append(struct replica *r, const char *action, const char *tbl, const char *record_id,
		 const char *detail, struct cd_error *err);

/* Record that the actor viewed a record (its own small transaction). */
int audit_view(struct replica *r, const char *tbl, const char *record_id, struct cd_error *err);

/* --- workers ----------------------------------------------------------- */
/* Administrators change any worker; a team manager adds, changes and
 * disables the workers of their own team, with practice roles only. */
struct worker_input {
	const char *login;
	const char *name;
	const char *team;	/* team code */
	const char *roles;	/* "duty" or "duty,admin": see caredesk/permission.h */
};
int worker_add(struct replica *r, const struct worker_input *in, char id_out[UUID_STR_LEN],
	       struct cd_error *err);
/* Check a worker as worker_add would (login, name, roles, team), with no
 * one acting: the team's locality and the roles as stored come back.
 * Central's own staff directory is written this way (caredesk central
 * worker add), where there is no replica's admin to ask. */
int worker_check_input(struct replica *r, const struct worker_input *in,
		       char locality[CODE_MAX], char roles[ROLES_TEXT_MAX], struct cd_error *err);
/* Change an active worker's roles and/or team (NULL: keep). */
int worker_set(struct replica *r, const char *login, const char *roles, const char *team,
	       struct cd_error *err);

/* Who takes a leaver's work, and why when it crosses the service: a case
 * of a children's team going to a worker of an adults' team, or back. */
struct reassignment {
	const char *login;
	const char *override_reason;	/* NULL: refuse a move across services */
};
struct reassigned {
	int cases;		/* open cases moved */
	int referrals;		/* open referrals moved */
	int across_services;	/* of the cases, how many crossed the service */
};
/* Disable a leaver; their open cases and open referrals go to `to` (an
 * active worker) or, when NULL, are left for a manager.  Closed work keeps
 * the worker who did it.  The last active administrator cannot be
 * disabled. */
int worker_disable(struct replica *r, const char *login, const struct reassignment *to,
		   struct reassigned *moved, struct cd_error *err);
/* Register the Unix user as an active worker with `roles` (which must
 * include admin; NULL: admin alone) if no worker has that login: init,
 * generate and demo do this so a new replica is usable at once. */
int worker_ensure_admin(struct replica *r, const char *login, const char *team,
			const char *roles, struct cd_error *err);

/* Recovery of a replica with no active administrator (caredesk(1)
 * RECOVERY): make `in->login` an active administrator, keeping a known
 * worker's name, team and roles (in->name and in->team, when given, win);
 * a new login needs both.  Audited as worker.recover with `unix_user` as
 * the actor.  The caller checks that the user is root on the host;
 * refused (65) while any administrator is active. */
int worker_recover(struct replica *r, const char *unix_user, const struct worker_input *in,
		   struct cd_error *err);

/* --- people ------------------------------------------------------------ */
struct person_input {
	const char *nhs_number;		/* NULL or "" when not yet traced; any 3 3 4 spacing */
	const char *family_name;
	const char *given_name;
	const char *date_of_birth;	/* YYYY-MM-DD */
	const char *address;
	const char *postcode;
	const char *locality;		/* NULL: the replica's own */
	bool restricted;
};
int person_create(struct replica *r, const struct person_input *in, char id_out[UUID_STR_LEN],
		  struct cd_error *err);

enum person_match {
	PERSON_MATCH_NONE,
	PERSON_MATCH_EXACT,	/* same NHS number */
	PERSON_MATCH_PROBABLE,	/* same sounding name, date of birth near, postcode alike */
};
/* Look for an existing person like `in`; on a match id_out names them. */
enum person_match person_find_match(struct replica *r, const struct person_input *in,
				    char id_out[UUID_STR_LEN]);

/* Flag a person (possible-duplicate, adult-at-risk...). */
int person_flag(struct replica *r, const char *person_id, const char *type, const char *detail,
		struct cd_error *err);

/* --- relationships ----------------------------------------------------- */
int relationship_link(struct replica *r, const char *person_id, const char *related_id,
		      const char *kind, char id_out[UUID_STR_LEN], struct cd_error *err);

/* --- referrals --------------------------------------------------------- */
struct referral_input {
	const char *person_id;
	const char *received_at;	/* ISO 8601 with zone */
	const char *source;		/* any spelling code_normalise accepts */
	const char *category;
	bool safeguarding;
	const char *reason;
	const char *team;		/* NULL: the duty team of the person's locality,
					 * or MASH for safeguarding concerns */
};
int referral_receive(struct replica *r, const struct referral_input *in,
		     char id_out[UUID_STR_LEN], struct cd_error *err);

/* The person's age group on the day the referral was received, which
 * decides the lawful decisions (DESIGN 5); -1 if the referral or the
 * dates cannot be read. */
int referral_age_group(struct replica *r, const char *referral_id, enum age_group *out);

/* Set priority (required) and, optionally, the decision and its reason.  A
 * decision that closes (data/codes.tsv) closes the referral. */
int referral_triage(struct replica *r, const char *referral_id, const char *priority,
		    const char *decision, const char *reason, struct cd_error *err);

/* Due times follow the bank holiday list in force: when data/'s list has
 * changed since this replica last looked (a one-off holiday added), derive
 * the due time of every open referral not yet due again, in one audited
 * action (domain.md: an update applies to due times not yet passed).
 * Timescales stay as fixed at receipt.  Cheap when nothing changed.
 * *changed (may be NULL) counts the referrals whose due time moved. */
int referral_rederive_due(struct replica *r, int *changed, struct cd_error *err);

/* Allocate to a worker: opens a case for the person in the worker's team
 * when none is open there, and allocates it. */
int referral_allocate(struct replica *r, const char *referral_id, const char *worker_login,
		      struct cd_error *err);

/* --- codes ------------------------------------------------------------- */
/* The code a worker means by input, typed as the code or as its label in
 * data/codes.tsv (matched as codes.h says), in the list named by list:
 * "source", "category", "decision" or "closure".  -1 if it is neither, or
 * the list is unknown.  Actions use the same match, so a command can say
 * what it stored. */
int code_lookup(struct replica *r, const char *list, const char *input, char out[CODE_MAX]);

/* 0 if code is a team on this replica; else -1 with err (65) naming
 * every team there is, so a mistyped filter is an error, not an empty
 * list. */
int team_known(struct replica *r, const char *code, struct cd_error *err);

/* --- cases ------------------------------------------------------------- */
int case_open(struct replica *r, const char *person_id, const char *team,
	      char id_out[UUID_STR_LEN], struct cd_error *err);
int case_allocate(struct replica *r, const char *case_id, const char *worker_login,
		  const char *reason, struct cd_error *err);
int case_close(struct replica *r, const char *case_id, const char *reason, struct cd_error *err);
int case_set_review(struct replica *r, const char *case_id, const char *date,
		    struct cd_error *err);

/* --- conflicts ----------------------------------------------------------- */
/* Keep "kept" (the value central kept) or "other" (the one that met it)
 * in the field of a conflict; a manager or an admin only. */
int conflict_resolve(struct replica *r, const char *id, const char *keep, struct cd_error *err);

/* --- chronology -------------------------------------------------------- */
struct note_input {
	const char *person_id;		/* required unless case_id or referral_id names one */
	const char *case_id;		/* optional */
	const char *referral_id;	/* optional */
	const char *kind;		/* case-note, contact, visit, phone-call, meeting, decision */
	const char *body;
};
int note_add(struct replica *r, const struct note_input *in, char id_out[UUID_STR_LEN],
	     struct cd_error *err);
/* A correction: a new note of kind "amendment" pointing at the original. */
int note_amend(struct replica *r, const char *note_id, const char *body,
	       char id_out[UUID_STR_LEN], struct cd_error *err);

/* --- handover ---------------------------------------------------------- */
struct handover_input {
	struct sbar sbar;
	const char *priority;		/* red, amber, green */
	const char *person_id;		/* optional link */
	const char *case_id;		/* optional link */
};
int handover_add(struct replica *r, const struct handover_input *in, char id_out[UUID_STR_LEN],
		 struct cd_error *err);
/* Read-back: the receiving worker acknowledges an item, once. */
int handover_ack(struct replica *r, const char *item_id, const char *readback,
		 struct cd_error *err);

/* --- drafts ------------------------------------------------------------ */
#define DRAFT_FIELDS 6
#define DRAFT_VALUE_MAX 4001

/* Keep what the actor was typing in a form of this kind about this record
 * (NULL or "": a form about no one record), replacing any earlier draft of
 * theirs for the same, when the terminal goes away or the worker is
 * disabled before saving.  Kept for the worker alone, on this host. */
int draft_save(struct replica *r, const char *kind, const char *record_id,
	       const char *const values[DRAFT_FIELDS], struct cd_error *err);

/* Take the actor's draft of this kind about this record back (and remove
 * it); -1 if none.  A draft is never offered on another record. */
int draft_take(struct replica *r, const char *kind, const char *record_id,
	       char values[DRAFT_FIELDS][DRAFT_VALUE_MAX]);

#endif
