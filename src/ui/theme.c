/* Roles, their monochrome attributes and their colours (see theme.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/theme.h"

static const struct {
	const char *name;
	attr_t mono;
	const char *colour;
} styles[STYLE_COUNT] = {
#define X(id, name, mono, colour) { name, mono, colour },
	STYLES(X)
#undef X
};

static const char *const colour_names[] = { "black", "red", "green", "yellow", "blue",
					    "magenta", "cyan", "white" };

/* One colour word: a name, "default" (-1) or a number 0-255. */
static int parse_colour(const char *word, size_t len, short *out)
{
	char buf[16], *end;
	long n;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, word, len);
	buf[len] = '\0';
	if (strcasecmp(buf, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(colour_names) / sizeof(colour_names[0]); i++) {
		if (strcasecmp(buf, colour_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	}
	n = strtol(buf, &end, 10);
	if (*end || end == buf || n < 0 || n > 255)
		return -1;
	*out = (short)n;
	return 0;
}

static int parse_spec(const char *spec, short *fg, short *bg)
{
	const char *on = strstr(spec, " on ");
	size_t fg_len = on ? (size_t)(on - spec) : strlen(spec);

	*bg = -1;
	if (parse_colour(spec, fg_len, fg))
		return -1;
	if (on)
		return parse_colour(on + 4, strlen(on + 4), bg);
	return 0;
}

static int style_by_name(const char *name)
{
	for (int r = 0; r < STYLE_COUNT; r++)
		if (strcmp(name, styles[r].name) == 0)
			return r;
	return -1;
}

int theme_set(struct theme *t, const char *role, const char *value, char *why, size_t why_size)
{
	int r = style_by_name(role);
	short fg, bg;

	if (r < 0) {
		snprintf(why, why_size, "no such part of the screen (title, status, header, selected, "
			 "message, label, overdue, safeguarding, red, amber, green, normal)");
		return -1;
	}
	if (strcmp(value, "none") == 0) {
		t->has_colour[r] = false;
		return 0;
	}
	if (parse_spec(value, &fg, &bg)) {
		snprintf(why, why_size, "'%s' is not a colour: say e.g. \"red\", \"white on blue\", "
			 "\"default on 4\" or \"none\"", value);
		return -1;
	}
	t->fg[r] = fg;
	t->bg[r] = bg;
	t->has_colour[r] = true;
	return 0;
}

void theme_default(struct theme *t)
{
	char why[160];

	memset(t, 0, sizeof(*t));
	for (int r = 0; r < STYLE_COUNT; r++) {
		t->fg[r] = t->bg[r] = -1;
		if (styles[r].colour[0])
			theme_set(t, styles[r].name, styles[r].colour, why, sizeof(why));
	}
}

void theme_start(struct theme *t)
{
	const char *no_color = getenv("NO_COLOR");

	/* no-color.org: set and not empty means no colour. */
	t->colour = has_colors() && !(no_color && *no_color);
	if (!t->colour)
		return;
	start_color();
	use_default_colors();
	for (int r = 0; r < STYLE_COUNT; r++) {
		if (!t->has_colour[r])
			continue;
		/* A colour the terminal lacks falls back to the attribute alone. */
		if (t->fg[r] >= COLORS || t->bg[r] >= COLORS || r + 1 >= COLOR_PAIRS)
			t->has_colour[r] = false;
		else
			init_pair((short)(r + 1), t->fg[r], t->bg[r]);
	}
}

attr_t theme_attr(const struct theme *t, enum style r)
{
	attr_t a = styles[r].mono;

	if (!t->colour || !t->has_colour[r])
		return a;
	/* A background colour marks the part by itself; reversed on top of
	 * it, white on blue would show as blue on white. */
	if (t->bg[r] >= 0)
		a &= ~(attr_t)A_REVERSE;
	return a | (attr_t)COLOR_PAIR(r + 1);
}
