/* SBAR validation: the same rules for the desk's form and the CLI. */
#include <ctype.h>
#include <string.h>

#include "caredesk/sbar.h"
#include "caredesk/text.h"

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int check_field(const char *name, const char *value, struct cd_error *err)
{
	size_t len;

	if (!value || is_blank(value))
		return cd_error_set(err, 65, name, "required: write what the next shift needs to know");
	len = strlen(value);
	if (len > SBAR_FIELD_MAX)
		return cd_error_set(err, 65, name, "too long (%zu bytes; at most %d)", len, SBAR_FIELD_MAX);
	if (!text_is_valid_utf8(value, len))
		return cd_error_set(err, 65, name, "not valid UTF-8 text");
	return 0;
}

int sbar_validate(const struct sbar *s, struct cd_error *err)
{
	if (check_field("situation", s->situation, err) ||
	    check_field("background", s->background, err) ||
	    check_field("assessment", s->assessment, err) ||
	    check_field("recommendation", s->recommendation, err))
		return -1;
	return 0;
}
