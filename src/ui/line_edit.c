/* The one line editor (see line_edit.h). */
#include <string.h>

#include "ui/keys.h"
#include "ui/line_edit.h"

static bool continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += !continuation(s[i]);
	return n;
}

static size_t char_before(const struct line_edit *e, size_t at)
{
	while (at > 0 && continuation(e->text[--at]))
		;
	return at;
}

static size_t char_after(const struct line_edit *e, size_t at)
{
	if (at < e->len)
		at++;
	while (at < e->len && continuation(e->text[at]))
		at++;
	return at;
}

/* Remove the bytes [from, to). */
static void cut(struct line_edit *e, size_t from, size_t to)
{
	memmove(e->text + from, e->text + to, e->len - to + 1);
	e->len -= to - from;
	e->point = from;
}

void line_edit_set(struct line_edit *e, const char *text)
{
	size_t n = strlen(text);

	if (n > LINE_EDIT_BYTES) {
		n = LINE_EDIT_BYTES;
		while (n > 0 && continuation(text[n]))
			n--;
	}
	memcpy(e->text, text, n);
	e->text[n] = '\0';
	e->len = e->point = n;
}

bool line_edit_type(struct line_edit *e, int key)
{
	char utf8[4];
	size_t n;

	if (key < 32 || (key & (KEY_FUNCTION | KEY_ALT)))
		return false;
	/* Text, but nothing a screen could be forged with (escapes, bidi
	 * overrides, invisible fillers): refused like a full line. */
	if (!text_is_safe_codepoint((wchar_t)key))
		return true;
	n = text_utf8_encode((wchar_t)key, utf8);
	if (e->len + n > LINE_EDIT_BYTES || (e->max_chars && chars(e->text, e->len) >= e->max_chars))
		return true;
	memmove(e->text + e->point + n, e->text + e->point, e->len - e->point + 1);
	memcpy(e->text + e->point, utf8, n);
	e->len += n;
	e->point += n;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Back over blanks, then over the word before them (as a shell's C-w). */
static size_t word_before(const struct line_edit *e)
{
	size_t at = e->point;

	while (at > 0 && is_space(e->text[at - 1]))
		at--;
	while (at > 0 && !is_space(e->text[at - 1]))
		at--;
	return at;
}

bool line_edit_do(struct line_edit *e, enum command a)
{
	switch (a) {
	case CMD_EDIT_LEFT:
		e->point = char_before(e, e->point);
		return true;
	case CMD_EDIT_RIGHT:
		e->point = char_after(e, e->point);
		return true;
	case CMD_EDIT_HOME:
		e->point = 0;
		return true;
	case CMD_EDIT_END:
		e->point = e->len;
		return true;
	case CMD_DELETE_BACK:
		cut(e, char_before(e, e->point), e->point);
		return true;
	case CMD_DELETE_CHAR:
		cut(e, e->point, char_after(e, e->point));
		return true;
	case CMD_KILL_LINE:
		cut(e, 0, e->len);
		return true;
	case CMD_KILL_TO_END:
		cut(e, e->point, e->len);
		return true;
	case CMD_KILL_WORD:
		cut(e, word_before(e), e->point);
		return true;
	default:
		return false;
	}
}

int line_edit_point_width(const struct line_edit *e, enum text_mode mode)
{
	char before[LINE_EDIT_BYTES + 1];

	memcpy(before, e->text, e->point);
	before[e->point] = '\0';
	return text_display_width(before, mode);
}
