/* What the desk's forms offer to choose from, read from the replica: the
 * decision codes, the workers a referral or case may go to (with their
 * open cases, so the load is visible), the closure reasons, and the text
 * a form starts from (a note being amended, the person a handover is
 * about).  Each returns how many rows (or 1/0 for one value), or -1 with
 * err: a form never opens on a list it could not read. */
#ifndef CAREDESK_FORM_CHOICES_H
#define CAREDESK_FORM_CHOICES_H

#include <stdbool.h>
#include <stddef.h>

#include "caredesk/error.h"
#include "caredesk/ids.h"
#include "caredesk/replica.h"

#define CHOICES_MAX 200

struct code_choice {
	char code[32];
	char label[160];
	bool closes;		/* a decision that closes the referral */
};

struct worker_choice {
	char login[LOGIN_MAX];
	char name[160];
	char team[32];
	int open_cases;
};

/* The decision codes lawful for this referral (by the person's age group
 * on the day it was received; all of them when that cannot be read),
 * those that close the referral last. */
int decision_choices(struct replica *r, const char *referral_id, struct code_choice *out, int max,
		     struct cd_error *err);
/* Closure reasons, "other" last. */
int closure_reason_choices(struct replica *r, struct code_choice *out, int max,
			   struct cd_error *err);

/* Active workers of the person's locality teams and of the referral's own
 * team, by team, fewest open cases first. */
int allocation_choices(struct replica *r, const char *referral_id, struct worker_choice *out,
		       int max, struct cd_error *err);
/* Active workers of the case's team, then of its locality's other teams,
 * fewest open cases first; not the worker it is allocated to. */
int reallocation_choices(struct replica *r, const char *case_id, struct worker_choice *out,
			 int max, struct cd_error *err);

/* A note's whole text, and a person's "Given Family": 1, 0 when there is
 * no such record, -1 with err. */
int note_text(struct replica *r, const char *note_id, char *out, size_t size,
	      struct cd_error *err);
int person_display_name(struct replica *r, const char *person_id, char *out, size_t size,
			struct cd_error *err);

#endif
