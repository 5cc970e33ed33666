/* Finding people by name, NHS number or postcode, as the desk's search
 * does on every key: one FTS5 query (person_search, with 2- and 3-letter
 * prefix indexes).  What is typed becomes quoted prefix terms, so no input
 * can be FTS5 syntax: "o'brien" and "AND" are just text.  Digits also
 * match NHS numbers without their spaces, and a postcode matches with or
 * without its space.  Restricted people are found by name only: their
 * details stay empty. */
#ifndef CAREDESK_PERSON_SEARCH_H
#define CAREDESK_PERSON_SEARCH_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/ids.h"
#include "caredesk/replica.h"

/* Ranking sorts every match, and "999" (every NHS number) or "a" matches
 * most of the borough: 1.3 s on the L tier.  So matches are counted up to
 * PERSON_SEARCH_RANKED_MAX first; more than that are listed in index
 * order, which FTS5 gives without a sort, and the worker is asked to type
 * more. */
#define PERSON_SEARCH_RANKED_MAX 500

struct person_match {
	char id[UUID_STR_LEN];
	char family[208], given[208];
	char dob[ISO_DATE_LEN];
	char nhs[16];		/* digits or "" */
	char postcode[16];
	char locality[CODE_MAX];
	bool restricted;
};

/* Up to `limit` people matching what was typed, best first (or in index
 * order when *many: over PERSON_SEARCH_RANKED_MAX match); how many (0
 * when nothing was typed that can be looked for), or -1 with err. */
int person_search(struct replica *r, const char *typed, struct person_match *out, int limit,
		  bool *many, struct cd_error *err);

#endif
