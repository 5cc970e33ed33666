/* The desk's long lists, read a page at a time by keyset (see page.h):
 * one reader for all of them, each list described once by a struct
 * keyset in the replica.
 *
 *   referral_queue_keyset  rows struct queue_row, filter struct queue_filter
 *   caseload_keyset        rows struct case_row, filter struct caseload_owner
 *   chronology_keyset      rows struct note_row, filter the person id (char *)
 *
 * A list screen names its keyset and its filter; nothing else of the list
 * is written per screen. */
#ifndef CAREDESK_KEYSET_H
#define CAREDESK_KEYSET_H

#include "caredesk/error.h"
#include "caredesk/page.h"

struct replica;
struct keyset;

extern const struct keyset referral_queue_keyset;
extern const struct keyset caseload_keyset;
extern const struct keyset chronology_keyset;

/* Up to limit rows around key (a row of the list; NULL: the start, or the
 * end for PAGE_BEFORE) into out, in list order: how many, or -1 with err. */
int keyset_page(struct replica *r, const struct keyset *k, const void *filter, enum page_dir dir,
		const void *key, int limit, void *out, struct cd_error *err);

/* The rows of the list (key NULL), or those before key: -1 with err. */
long keyset_count(struct replica *r, const struct keyset *k, const void *filter, const void *key,
		  struct cd_error *err);

#endif
