/* SBAR handover items: Situation, Background, Assessment, Recommendation.
 * All four are required, because a handover without a recommendation is the
 * kind that gets read and not acted on. */
#ifndef CAREDESK_SBAR_H
#define CAREDESK_SBAR_H

#include "caredesk/error.h"

#define SBAR_FIELD_MAX 4000	/* bytes per field: a screenful, not an essay */

struct sbar {
	const char *situation;		/* borrowed */
	const char *background;
	const char *assessment;
	const char *recommendation;
};

/* 0 if every field is present, non-blank, valid UTF-8 and within
 * SBAR_FIELD_MAX; otherwise -1 with the field named in err. */
int sbar_validate(const struct sbar *s, struct cd_error *err);

#endif
