/* Code values (sources, categories, decisions...) as people type them.
 * Lists live in data/codes.tsv and in the replica's code table; matching
 * ignores case and treats space, hyphen and underscore alike, so
 * "Care Coordination", "care_coordination" and "CARE-COORDINATION" are one
 * code.  The canonical spelling is lower case with hyphens. */
#ifndef CAREDESK_CODES_H
#define CAREDESK_CODES_H

#include <stddef.h>

/* Normalise in to its canonical spelling in out; leading and trailing
 * blanks are dropped and runs of separators fold to one hyphen.  Returns
 * -1 if the result would not fit or is empty. */
int code_normalise(const char *in, char *out, size_t size);

#endif
