/* Fuzzing the text sanitiser (src/core/text.c), the one path every stored
 * string takes to the terminal.  Not only "no crash": what comes out must
 * be unable to act on a terminal.  For any input, in either mode and for
 * any width and buffer size:
 *   - the output is valid UTF-8 (printable ASCII alone in ASCII mode);
 *   - it holds no C0 or C1 control, no DEL, so no ESC and no CSI; no bidi
 *     embedding, override or isolate; nothing text_is_safe_codepoint
 *     refuses;
 *   - it fits: its width (text_display_width) is the returned width, at
 *     most max_cols, and its bytes stay inside out_size;
 *   - sanitising it again changes nothing;
 *   - text_cell pads to exactly its width when the buffer has room.
 * The first two bytes choose the mode, width and buffer size; the rest is
 * the text. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/text.h"
#include "fuzz.h"

/* Room enough for any output of the widest case: a 4-byte sequence per
 * column, and a guard band beyond the size text_sanitise is told. */
#define OUT_MAX 1024
#define GUARD 64
#define GUARD_BYTE 0xA5

struct job {
	enum text_mode mode;
	int max_cols;
	size_t out_size;
	const char *src;
};

/* The mode from the first byte's low bit and the width (0..127) from its
 * others; from the second, a buffer of 1..16 bytes half the time (where
 * the room for the NUL and a cut sequence matter) or else 512..1020. */
static struct job job_from(const uint8_t *data, const char *src)
{
	struct job j;

	j.mode = (data[0] & 1) ? TEXT_MODE_ASCII : TEXT_MODE_UTF8;
	j.max_cols = data[0] >> 1;
	j.out_size = data[1] < 128 ? (size_t)data[1] % 16 + 1 : (size_t)data[1] * 4;
	j.src = src;
	return j;
}

static bool is_bidi_control(wchar_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200E || c == 0x200F || c == 0x061C;
}

/* Every code point of out is one a terminal shows, never obeys. */
static void check_safe(const char *out, enum text_mode mode)
{
	size_t len = strlen(out);

	if (!text_is_valid_utf8(out, len))
		fuzz_fail("output is not valid UTF-8");
	while (len > 0) {
		wchar_t c;
		size_t n = text_utf8_decode(out, len, &c);

		if (c < 0x20 || (c >= 0x7F && c < 0xA0))
			fuzz_fail("control character U+%04X in output", (unsigned)c);
		if (is_bidi_control(c) || !text_is_safe_codepoint(c))
			fuzz_fail("unsafe code point U+%04X in output", (unsigned)c);
		if (mode == TEXT_MODE_ASCII && c > 0x7E)
			fuzz_fail("non-ASCII U+%04X in ASCII mode", (unsigned)c);
		out += n;
		len -= n;
	}
}

static void check_guard(const unsigned char *buf, size_t out_size)
{
	for (size_t i = out_size; i < out_size + GUARD; i++)
		if (buf[i] != GUARD_BYTE)
			fuzz_fail("wrote byte %zu of a %zu-byte buffer", i + 1, out_size);
}

/* text_sanitise's promises; its output goes to out (OUT_MAX bytes), its
 * width is returned. */
static int check_sanitise(const struct job *j, char *out)
{
	unsigned char buf[OUT_MAX + GUARD];
	char again[OUT_MAX];
	int cols;

	memset(buf, GUARD_BYTE, sizeof(buf));
	cols = text_sanitise(j->src, j->mode, j->max_cols, (char *)buf, j->out_size);
	check_guard(buf, j->out_size);
	memcpy(out, buf, j->out_size);
	if (strlen(out) >= j->out_size)
		fuzz_fail("output of %zu bytes in a %zu-byte buffer", strlen(out), j->out_size);
	check_safe(out, j->mode);
	if (cols < 0 || cols > j->max_cols)
		fuzz_fail("width %d for at most %d columns", cols, j->max_cols);
	if (text_display_width(out, j->mode) != cols)
		fuzz_fail("said %d columns, output takes %d", cols, text_display_width(out, j->mode));
	if (text_sanitise(out, j->mode, j->max_cols, again, sizeof(again)) != cols ||
	    strcmp(again, out) != 0)
		fuzz_fail("sanitising the output again changed it");
	return cols;
}

/* text_cell is the sanitised text (out, cols wide), then spaces: to
 * exactly max_cols when the buffer has room for them. */
static void check_cell(const struct job *j, const char *out, int cols)
{
	unsigned char buf[OUT_MAX + GUARD];
	char *cell = (char *)buf;
	size_t len = strlen(out), room;
	int got;

	memset(buf, GUARD_BYTE, sizeof(buf));
	got = text_cell(j->src, j->mode, j->max_cols, cell, j->out_size);
	check_guard(buf, j->out_size);
	if (strncmp(cell, out, len) != 0)
		fuzz_fail("a cell that does not start with the sanitised text");
	for (size_t i = len; cell[i]; i++)
		if (cell[i] != ' ')
			fuzz_fail("a cell padded with byte 0x%02x", (unsigned char)cell[i]);
	if (got != cols + (int)(strlen(cell) - len))
		fuzz_fail("a cell of %zu columns said %d", cols + strlen(cell) - len, got);
	room = j->out_size - 1 - len;
	if (got != j->max_cols && room >= (size_t)(j->max_cols - cols))
		fuzz_fail("a cell of %d columns for %d with room to spare", got, j->max_cols);
}

/* The unclipped width is what a sanitise wide enough for it all gives (an
 * input byte becomes at most 3 output bytes: "\x01" is U+2401). */
static void check_unclipped(const char *src, enum text_mode mode)
{
	char out[OUT_MAX];

	if (strlen(src) * 3 >= sizeof(out))
		return;
	if (text_sanitise(src, mode, OUT_MAX, out, sizeof(out)) != text_display_width(src, mode))
		fuzz_fail("unclipped width %d, sanitised whole %d", text_display_width(src, mode),
			  text_sanitise(src, mode, OUT_MAX, out, sizeof(out)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[OUT_MAX];
	struct job j;
	char *src;
	int cols;

	if (size < 2)
		return 0;
	src = fuzz_string(data + 2, size - 2);
	j = job_from(data, src);
	cols = check_sanitise(&j, out);
	check_cell(&j, out, cols);
	check_unclipped(src, j.mode);
	free(src);
	return 0;
}
