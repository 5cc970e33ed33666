/* One person's record as the desk's case view reads it: the header, what
 * is open now (referrals, cases, family links), and the chronology newest
 * first, a page at a time by keyset on (created_at, rowid) through
 * note_by_person, so a person with thousands of notes opens as fast as
 * one with three.  Every reader returns -1 with err when its query failed. */
#ifndef CAREDESK_RECORD_VIEW_H
#define CAREDESK_RECORD_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "caredesk/keyset.h"
#include "caredesk/replica.h"

struct person_header {
	char family[208], given[208];
	char nhs[16];		/* digits, or "" when not traced */
	char dob[ISO_DATE_LEN];
	char locality[CODE_MAX];
	char postcode[16];
	bool restricted;
};

/* 1 found, 0 no such person, -1 with err. */
int person_header_read(struct replica *r, const char *person_id, struct person_header *out,
		       struct cd_error *err);

/* The person's current flag types, ", " between them ("" for none). */
int person_flags_read(struct replica *r, const char *person_id, char *out, size_t size,
		      struct cd_error *err);

struct open_referral_line {
	char id[UUID_STR_LEN];
	char received[ISO_INSTANT_LEN];
	char status[16], priority[8], category[32], team[CODE_MAX];
};
struct open_case_line {
	char team[CODE_MAX], worker[LOGIN_MAX], next_review[ISO_DATE_LEN];
};
struct family_line {
	char kind[80];		/* "mother", or "related (mother)" seen from the other side */
	char name[420];
};

/* At most `max` of each, soonest due / oldest first; how many, or -1. */
int person_open_referrals(struct replica *r, const char *person_id,
			  struct open_referral_line *out, int max, struct cd_error *err);
int person_open_cases(struct replica *r, const char *person_id, struct open_case_line *out,
		      int max, struct cd_error *err);
int person_family(struct replica *r, const char *person_id, struct family_line *out, int max,
		  struct cd_error *err);

struct note_row {
	int64_t rowid;
	char id[UUID_STR_LEN];
	char at[ISO_INSTANT_LEN];
	char kind[16];
	char author[LOGIN_MAX];
	char body[512];
};

/* The chronology is read through chronology_keyset (keyset.h), newest
 * first, filtered by the person's id. */

#endif
