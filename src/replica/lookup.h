/* Lookups shared by the replica's action files. */
#ifndef CAREDESK_REPLICA_LOOKUP_H
#define CAREDESK_REPLICA_LOOKUP_H

#include "caredesk/replica.h"

enum code_list { CODE_SOURCE, CODE_CATEGORY, CODE_DECISION, CODE_CLOSURE };

/* Find input in the list by its code or its label, matched as codes are
 * (codes.h); out gets the canonical code and *closes (may be NULL)
 * whether a decision ends the referral.  -1 if it is neither. */
int lookup_code(struct replica *r, enum code_list list, const char *input, char out[CODE_MAX],
		int *closes);
/* Set err (CD_EX_DATAERR on field) refusing input as a value of the list,
 * naming every code the list holds; returns -1. */
int code_refuse(struct replica *r, enum code_list list, const char *field, const char *input,
		struct cd_error *err);

struct team_row {
	char code[CODE_MAX];
	char service[24];
	char locality[CODE_MAX];
};
int lookup_team(struct replica *r, const char *code, struct team_row *out);
/* The locality's all-age duty team, which runs its referral queue. */
int lookup_duty_team(struct replica *r, const char *locality, struct team_row *out);

struct worker_row {
	char id[UUID_STR_LEN];
	char login[LOGIN_MAX];
	char team[CODE_MAX];
	char roles[ROLES_TEXT_MAX];
	int active;
};
int lookup_worker(struct replica *r, const char *login, struct worker_row *out);

/* The locality (sync scope) of a person or case; -1 if there is none.
 * New records take their locality from the record they belong to. */
int lookup_person_locality(struct replica *r, const char *person_id, char out[CODE_MAX]);
int lookup_case_locality(struct replica *r, const char *case_id, char out[CODE_MAX]);

/* Whether the actor may (src/core/permission.c's table), after reading
 * their worker row again; CD_EX_NOPERM with the table's one-line reason
 * when not.  target NULL: the permission is not about one record. */
int require_permission(struct replica *r, enum permission p, const struct perm_target *target,
		       struct cd_error *err);

/* New people and referrals: by hand (PERM_CONTACT in that locality) or
 * from a feed after replica_begin_intake (PERM_IMPORT). */
int require_intake(struct replica *r, const char *locality, struct cd_error *err);

/* Who owns a record, and its team and locality, for require_permission.
 * -1 when there is no such record (the target then names nothing). */
struct record_scope {
	char owner_id[UUID_STR_LEN];
	char team[CODE_MAX];
	char locality[CODE_MAX];
	struct perm_target target;	/* points into this struct */
};
int scope_of_referral(struct replica *r, const char *id, struct record_scope *out);
int scope_of_case(struct replica *r, const char *id, struct record_scope *out);
int scope_of_note(struct replica *r, const char *id, struct record_scope *out);
int scope_of_handover(struct replica *r, const char *id, struct record_scope *out);
int scope_of_person(struct replica *r, const char *id, struct record_scope *out);

/* Allocate without asking permission: for an action that has already been
 * allowed (a referral's allocation, a leaver's reassignment). */
int case_allocate_unchecked(struct replica *r, const char *case_id, const char *worker_login,
			    const char *reason, struct cd_error *err);
/* CD_EX_DATAERR unless w may hold a case of `locality`: they do case work
 * (a practice role) in that locality or a borough-wide team. */
int may_hold_case(struct replica *r, const struct worker_row *w, const char *locality,
		  struct cd_error *err);

#endif
