/* Text that is safe to put on a terminal, measured in columns.
 *
 * Everything stored (names, notes, reasons) may hold bytes a hostile or
 * careless sender put there.  The one drawing path of the UI passes all data
 * through text_sanitise, which turns anything that could act on the terminal
 * or reorder or hide text into a visible placeholder, and clips by display
 * width so wide and combining characters keep columns aligned. */
#ifndef CAREDESK_TEXT_H
#define CAREDESK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Placeholders, chosen so that they are visible and never control the
 * terminal.  In UTF-8 mode a control character U+00XX shows as the
 * symbol for it where one exists (U+2400 block: "␛" for ESC) and any
 * other unsafe code point as U+FFFD; in ASCII mode (non-UTF-8 locale)
 * C0 controls show as "^X" and everything else non-ASCII as "?". */
enum text_mode {
	TEXT_MODE_UTF8,		/* the terminal takes UTF-8 */
	TEXT_MODE_ASCII,	/* LANG=C and friends: only printable ASCII goes out */
};

/* What the terminal may show of code point c: true for printable characters
 * and false for C0/C1 controls, DEL, bidi embeddings/overrides/isolates
 * (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C), zero-width
 * characters (U+200B..U+200D, U+2060, U+FEFF), line/paragraph separators
 * (U+2028, U+2029), surrogates, noncharacters and unassigned planes beyond
 * U+10FFFF. */
bool text_is_safe_codepoint(wchar_t c);

/* Decode UTF-8 from s (len bytes) into *cp; returns the number of bytes
 * used (1..4).  Invalid, overlong or truncated sequences yield U+FFFD and
 * consume one byte, so decoding always makes progress. */
size_t text_utf8_decode(const char *s, size_t len, wchar_t *cp);

/* Encode cp as UTF-8 into out (4 bytes room); returns bytes written. */
size_t text_utf8_encode(wchar_t cp, char out[4]);

/* Display columns of one safe code point: 0 for combining marks, 2 for wide
 * East Asian characters and emoji, 1 otherwise.  Does not depend on the
 * locale, so tests and every terminal agree. */
int text_codepoint_width(wchar_t c);

/* Sanitise src (NUL-terminated UTF-8, possibly invalid) for display in at
 * most max_cols columns, writing NUL-terminated text to out (out_size bytes).
 * Unsafe code points become placeholders (counted at their own width); a
 * wide character that would straddle the limit is left out; combining marks
 * at the start of text attach to nothing and are shown as placeholders.
 * Returns the number of columns written (<= max_cols). */
int text_sanitise(const char *src, enum text_mode mode, int max_cols, char *out, size_t out_size);

/* Display width src would take once sanitised, unclipped. */
int text_display_width(const char *src, enum text_mode mode);

/* Like text_sanitise, then pads with spaces to exactly `cols` columns
 * (for table cells). */
int text_cell(const char *src, enum text_mode mode, int cols, char *out, size_t out_size);

/* True if s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool text_is_valid_utf8(const char *s, size_t len);

/* The noun for a count: one when n is 1, many otherwise ("1 change",
 * "2 changes", "0 changes").  Borrowed: returns one of its arguments. */
const char *text_plural(long n, const char *one, const char *many);

#endif
