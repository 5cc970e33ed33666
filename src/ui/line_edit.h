/* One line of text being typed, edited at a point: the search's Find line
 * and every text field of a form.
 *
 * Characters are typed at the point; the editing keys are commands in the
 * command table (edit_left, delete_back, kill_line, ...), so they can be
 * rebound, and show in help and in the manual.  The text is UTF-8 and the
 * point always sits between characters, never inside one. */
#ifndef CAREDESK_UI_LINE_EDIT_H
#define CAREDESK_UI_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "caredesk/text.h"
#include "ui/command.h"

#define LINE_EDIT_BYTES 4000

struct line_edit {
	char text[LINE_EDIT_BYTES + 1];
	size_t len;		/* bytes of text */
	size_t point;		/* byte offset where typing goes */
	size_t max_chars;	/* at most this many characters (0: as many as fit) */
};

/* Replace the text; the point goes to its end. */
void line_edit_set(struct line_edit *e, const char *text);

/* A key typed as text: true when it is text (inserted at the point, or
 * refused because the line is full); false for keys that are not text. */
bool line_edit_type(struct line_edit *e, int key);

/* An editing command (CMD_EDIT_* ... CMD_KILL_WORD in command.h): true
 * when a is one (done, even if it changed nothing), false for any other. */
bool line_edit_do(struct line_edit *e, enum command a);

/* Display columns of the text before the point, for the terminal cursor. */
int line_edit_point_width(const struct line_edit *e, enum text_mode mode);

#endif
