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
	char role[16];
	int active;
};
int lookup_worker(struct replica *r, const char *login, struct worker_row *out);

/* The locality (sync scope) of a person or case; -1 if there is none.
 * New records take their locality from the record they belong to. */
int lookup_person_locality(struct replica *r, const char *person_id, char out[CODE_MAX]);
int lookup_case_locality(struct replica *r, const char *case_id, char out[CODE_MAX]);

/* Triage and allocation are for duty, MASH, manager and admin workers. */
int require_role(struct replica *r, const char *what, struct cd_error *err);

#endif
