/* What each part of the screen looks like: an attribute that works on a
 * monochrome vt100 (reverse, bold, underline) plus, where the terminal has
 * colour and NO_COLOR is not set, a colour pair.  Colour only adds: every
 * meaning (selection, overdue, safeguarding, priority) is also carried by
 * the attribute or a text marker. */
#ifndef CAREDESK_UI_THEME_H
#define CAREDESK_UI_THEME_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* name, monochrome attribute, default colour ("" for none) */
#define STYLES(X) \
	X(NORMAL, "normal", A_NORMAL, "") \
	X(TITLE, "title", A_REVERSE | A_BOLD, "") \
	X(STATUS, "status", A_REVERSE, "") \
	X(HEADER, "header", A_UNDERLINE, "") \
	X(SELECTED, "selected", A_REVERSE, "") \
	X(MESSAGE, "message", A_BOLD, "") \
	X(LABEL, "label", A_BOLD, "") \
	X(OVERDUE, "overdue", A_BOLD, "red") \
	X(SAFEGUARDING, "safeguarding", A_BOLD, "magenta") \
	X(RED, "red", A_BOLD, "red") \
	X(AMBER, "amber", A_NORMAL, "yellow") \
	X(GREEN, "green", A_NORMAL, "green")

enum style {
#define X(id, name, mono, colour) STYLE_##id,
	STYLES(X)
#undef X
	STYLE_COUNT
};

struct theme {
	bool colour;			/* colour pairs are in use */
	short fg[STYLE_COUNT], bg[STYLE_COUNT];	/* -1: the terminal's default */
	bool has_colour[STYLE_COUNT];
};

/* The built-in colours (not yet started on a terminal). */
void theme_default(struct theme *t);

/* Set a role's colour from a setting: "red", "white on blue", "default on
 * cyan", a colour number 0-255 in either place, or "none".  Returns -1 with
 * a reason in `why` for an unknown role or colour. */
int theme_set(struct theme *t, const char *role, const char *value, char *why, size_t why_size);

/* Start colour on the current terminal if it has it and NO_COLOR is unset;
 * otherwise every role stays monochrome. */
void theme_start(struct theme *t);

/* The attribute to draw a role with. */
attr_t theme_attr(const struct theme *t, enum style r);

#endif
