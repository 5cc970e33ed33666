/* RFC 4180 CSV: a reader that knows which physical line each record starts
 * on, and a writer that quotes only what needs quoting.
 *
 * Referral files come from other systems and from hand-edited spreadsheets,
 * so the reader is strict about quoting (a stray quote is an error, not a
 * guess) but never lets one bad record take the rest of the file with it: it
 * reports the record and picks up again at the next physical line.  Input is
 * read a byte at a time through stdio with a small push-back stack of our
 * own, because peeking past a CR or a possible byte-order mark needs more
 * than the single ungetc(3) that C guarantees.
 *
 * A quote opened and never closed would take every line after it into one
 * field: one stray quote in a 20,000-line file made one reject of the lot.
 * So a quoted field may span at most field_lines physical lines and hold
 * at most field_bytes bytes; past either, the record is rejected as an
 * unterminated quote (its text up to the end of the quote's own line) and
 * the lines read after that one are read again as records of their own,
 * from a replay buffer the reader keeps while a quoted field spans lines. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/csv.h"
#include "caredesk/error.h"

/* A record that outgrows this is a runaway quote or not CSV at all; holding
 * the whole file in memory to find out helps nobody. */
#define CSV_RECORD_MAX	(1024L * 1024L)

#define CSV_PUSHBACK	4

#define CSV_FIELD_BYTES_DEFAULT	(64L * 1024L)
#define CSV_FIELD_LINES_DEFAULT	100L

/* Bytes to hand out again, in order, before reading fp. */
struct csv_bytes {
	char *data;
	size_t len;
	size_t pos;
	size_t cap;
};

struct csv_reader {
	FILE *fp;			/* borrowed */
	int pushback[CSV_PUSHBACK];	/* bytes to hand out before reading fp */
	int npushback;
	long line;			/* physical line of the next byte */
	long record_bytes;		/* bytes consumed by the current record */
	bool started;			/* byte-order mark dealt with */
	bool done;			/* nothing more to return but CSV_END */
	const char *error;		/* text for the last CSV_MALFORMED */
	char error_text[200];		/* error, when it needs numbers */
	long field_bytes;		/* limits on one quoted field */
	long field_lines;

	/* While a quoted field runs past its first line: where it began, how
	 * far its text had got at the end of that line, and every byte read
	 * since (raw), to read again if the quote turns out to be a runaway. */
	long quote_line;
	size_t quote_first_len;
	bool recording;
	struct csv_bytes raw;
	struct csv_bytes replay;

	char *buf;			/* field text, each field NUL-terminated */
	size_t len;
	size_t cap;
	size_t *starts;			/* offset in buf of each field */
	size_t nfields;
	size_t starts_cap;
	char **fields;			/* handed to the caller, rebuilt per record */
	size_t fields_cap;
};

/* Where the parser stands inside a field when something goes wrong: the
 * malformed-record text is rebuilt from it. */
enum csv_field_state {
	CSV_UNQUOTED,
	CSV_IN_QUOTES,
	CSV_AFTER_QUOTE,
};

struct csv_reader *csv_reader_new(FILE *fp)
{
	struct csv_reader *r = cd_calloc(1, sizeof(*r));

	r->fp = fp;
	r->line = 1;
	r->field_bytes = CSV_FIELD_BYTES_DEFAULT;
	r->field_lines = CSV_FIELD_LINES_DEFAULT;
	return r;
}

void csv_reader_limits(struct csv_reader *r, long field_bytes, long field_lines)
{
	if (field_bytes > 0)
		r->field_bytes = field_bytes < CSV_RECORD_MAX ? field_bytes : CSV_RECORD_MAX;
	if (field_lines > 0)
		r->field_lines = field_lines;
}

void csv_reader_free(struct csv_reader **r)
{
	if (!r || !*r)
		return;
	free((*r)->buf);
	free((*r)->starts);
	free((*r)->fields);
	free((*r)->raw.data);
	free((*r)->replay.data);
	free(*r);
	*r = NULL;
}

const char *csv_reader_error(const struct csv_reader *r)
{
	return r->error ? r->error : "";
}

static void bytes_put(struct csv_bytes *b, char c)
{
	if (b->len == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->data = cd_realloc(b->data, b->cap);
	}
	b->data[b->len++] = c;
}

static int reader_next_byte(struct csv_reader *r)
{
	if (r->npushback > 0)
		return r->pushback[--r->npushback];
	if (r->replay.pos < r->replay.len)
		return (unsigned char)r->replay.data[r->replay.pos++];
	return getc(r->fp);
}

/* Every byte handed out while recording is kept in raw, and every byte
 * pushed back is taken off it again, so raw is exactly what was consumed. */
static int reader_getc(struct csv_reader *r)
{
	int c = reader_next_byte(r);

	if (r->recording && c != EOF)
		bytes_put(&r->raw, (char)c);
	return c;
}

static void reader_ungetc(struct csv_reader *r, int c)
{
	if (c != EOF && r->npushback < CSV_PUSHBACK) {
		r->pushback[r->npushback++] = c;
		if (r->recording && r->raw.len > 0)
			r->raw.len--;
	}
}

/* Skip a UTF-8 byte-order mark, but only at the very start: anywhere else
 * those bytes are data. */
static void reader_skip_bom(struct csv_reader *r)
{
	static const int bom[3] = { 0xEF, 0xBB, 0xBF };
	int got[3];
	int n;

	r->started = true;
	for (n = 0; n < 3; n++) {
		got[n] = reader_getc(r);
		if (got[n] != bom[n])
			break;
	}
	if (n == 3)
		return;
	/* push back in reverse so they come out in order */
	for (; n >= 0; n--)
		reader_ungetc(r, got[n]);
}

static void buf_putc(struct csv_reader *r, char c)
{
	if (r->len + 1 >= r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->buf = cd_realloc(r->buf, r->cap);
	}
	r->buf[r->len++] = c;
}

static void record_begin_field(struct csv_reader *r)
{
	if (r->nfields == r->starts_cap) {
		r->starts_cap = r->starts_cap ? r->starts_cap * 2 : 16;
		r->starts = cd_realloc(r->starts, r->starts_cap * sizeof(*r->starts));
	}
	r->starts[r->nfields++] = r->len;
}

static void record_end_field(struct csv_reader *r)
{
	buf_putc(r, '\0');
}

static void record_reset(struct csv_reader *r)
{
	r->len = 0;
	r->nfields = 0;
	r->record_bytes = 0;
	/* A record that ended malformed inside a multi-line quoted field (a
	 * NUL, the record cap) leaves nothing to read again. */
	r->recording = false;
	r->raw.len = 0;
}

/* Pointers into buf are only taken once the record is complete, since buf
 * may move while it grows. */
static void record_publish(struct csv_reader *r, struct csv_record *rec, long line)
{
	size_t i;

	if (r->nfields > r->fields_cap) {
		r->fields_cap = r->nfields;
		r->fields = cd_realloc(r->fields, r->fields_cap * sizeof(*r->fields));
	}
	for (i = 0; i < r->nfields; i++)
		r->fields[i] = r->buf + r->starts[i];
	rec->fields = r->fields;
	rec->count = r->nfields;
	rec->line = line;
}

/* A byte of the current record, counted against CSV_RECORD_MAX. */
static int record_getc(struct csv_reader *r)
{
	int c = reader_getc(r);

	if (c != EOF)
		r->record_bytes++;
	return c;
}

static void record_ungetc(struct csv_reader *r, int c)
{
	if (c == EOF)
		return;
	reader_ungetc(r, c);
	r->record_bytes--;
}

/* True if c, just read outside quotes, ends the physical line; a CR counts
 * only when a LF or the end of input follows, otherwise it is data. */
static bool at_line_end(struct csv_reader *r, int c)
{
	int next;

	if (c == '\n') {
		r->line++;
		return true;
	}
	if (c != '\r')
		return false;
	next = reader_getc(r);
	if (next == '\n') {
		r->record_bytes++;
		r->line++;
		return true;
	}
	reader_ungetc(r, next);
	return next == EOF;
}

/* Consume the rest of the physical line; with keep, append it (without the
 * line end, and without NUL bytes, which a C string cannot hold) to the
 * current field while the record stays under the cap. */
static void skip_line(struct csv_reader *r, bool keep)
{
	int c;

	while ((c = reader_getc(r)) != EOF) {
		if (at_line_end(r, c))
			return;
		r->record_bytes++;
		if (keep && c != '\0' && r->record_bytes <= CSV_RECORD_MAX)
			buf_putc(r, (char)c);
	}
}

/* Replace the parsed text of a quoted field by what it looked like in the
 * file, quotes and all, so a rejected record can be shown and re-written as
 * it came in. */
static void field_restore_quotes(struct csv_reader *r, bool closed)
{
	size_t start = r->starts[r->nfields - 1];
	size_t n = r->len - start;
	char *text = cd_malloc(n + 1);
	size_t i;

	if (n > 0)
		memcpy(text, r->buf + start, n);
	r->len = start;
	buf_putc(r, '"');
	for (i = 0; i < n; i++) {
		if (text[i] == '"')
			buf_putc(r, '"');
		buf_putc(r, text[i]);
	}
	if (closed)
		buf_putc(r, '"');
	free(text);
}

/* Finish a malformed record: the offending field gets its own text, the
 * offending byte and the rest of the line, and reading resumes on the next
 * line.  c is the offending byte, or EOF. */
static enum csv_status record_malformed(struct csv_reader *r, struct csv_record *rec,
					long line, enum csv_field_state state, int c,
					const char *why)
{
	if (state != CSV_UNQUOTED)
		field_restore_quotes(r, state == CSV_AFTER_QUOTE);
	if (c == EOF) {
		r->done = true;
	} else {
		if (c != '\0')
			buf_putc(r, (char)c);
		skip_line(r, true);
	}
	record_end_field(r);
	record_publish(r, rec, line);
	r->error = why;
	return CSV_MALFORMED;
}

/* The cap was hit: keep what was read, drop the rest of the line. */
static enum csv_status record_too_long(struct csv_reader *r, struct csv_record *rec, long line)
{
	skip_line(r, false);
	record_end_field(r);
	record_publish(r, rec, line);
	r->error = "record longer than 1 MiB";
	return CSV_MALFORMED;
}

/* Open a field: a quote as its very first byte makes it a quoted field. */
static enum csv_field_state field_open(struct csv_reader *r)
{
	int c;

	record_begin_field(r);
	c = record_getc(r);
	if (c == '"') {
		r->quote_line = r->line;
		return CSV_IN_QUOTES;
	}
	record_ungetc(r, c);
	return CSV_UNQUOTED;
}

/* The quoted field's first line has ended: keep its text so far (without
 * the CR of a CRLF) and start keeping every byte read, in case the quote
 * is a runaway and those lines must be read again. */
static void quote_spans_lines(struct csv_reader *r)
{
	size_t start = r->starts[r->nfields - 1];

	r->quote_first_len = r->len;
	if (r->quote_first_len > start && r->buf[r->quote_first_len - 1] == '\r')
		r->quote_first_len--;
	r->raw.len = 0;
	r->recording = true;
}

static void quote_closed(struct csv_reader *r)
{
	r->recording = false;
	r->raw.len = 0;
}

/* One byte inside quotes.  Returns false when c was the closing quote. */
static bool quoted_byte(struct csv_reader *r, int c)
{
	if (c == '"') {
		int next = reader_getc(r);

		if (next != '"') {
			reader_ungetc(r, next);
			quote_closed(r);
			return false;
		}
		r->record_bytes++;
	} else if (c == '\n') {
		r->line++;	/* quoted line ends are data, but still physical lines */
		if (!r->recording)
			quote_spans_lines(r);
	}
	buf_putc(r, (char)c);
	return true;
}

/* Hand out again, before anything not yet read, every byte read since the
 * runaway quote's line ended. */
static void replay_since_quote_line(struct csv_reader *r)
{
	struct csv_bytes again = { 0 };

	for (size_t i = 0; i < r->raw.len; i++)
		bytes_put(&again, r->raw.data[i]);
	while (r->npushback > 0)
		bytes_put(&again, (char)r->pushback[--r->npushback]);
	for (size_t i = r->replay.pos; i < r->replay.len; i++)
		bytes_put(&again, r->replay.data[i]);
	free(r->replay.data);
	r->replay = again;
	quote_closed(r);
}

/* A quoted field past its limits, or open at the end of input after its
 * line: the record is rejected with the field's text up to the end of the
 * quote's own line, and the lines after that are read again.  at_end says
 * the end of input came first. */
static enum csv_status quote_runaway(struct csv_reader *r, struct csv_record *rec, long line,
				     bool at_end)
{
	long lines = r->line - r->quote_line;

	if (at_end && r->raw.len > 0 && r->raw.data[r->raw.len - 1] != '\n')
		lines++;	/* the last line has no line end */
	if (at_end)
		snprintf(r->error_text, sizeof(r->error_text),
			 "unterminated quote starting at line %ld: it ran %ld lines to the end of "
			 "the file; reading resumes at line %ld", r->quote_line, lines,
			 r->quote_line + 1);
	else if (lines >= r->field_lines)
		snprintf(r->error_text, sizeof(r->error_text),
			 "unterminated quote starting at line %ld: not closed within %ld lines; "
			 "reading resumes at line %ld", r->quote_line, r->field_lines,
			 r->quote_line + 1);
	else
		snprintf(r->error_text, sizeof(r->error_text),
			 "unterminated quote starting at line %ld: not closed within %ld bytes "
			 "(%ld lines); reading resumes at line %ld", r->quote_line, r->field_bytes,
			 lines + 1, r->quote_line + 1);
	r->len = r->quote_first_len;
	field_restore_quotes(r, false);
	record_end_field(r);
	record_publish(r, rec, line);
	replay_since_quote_line(r);
	r->line = r->quote_line + 1;
	r->error = r->error_text;
	return CSV_MALFORMED;
}

/* A quoted field still on its first line that is over field_bytes: the
 * line is the record's, as for any malformed one. */
static enum csv_status quote_too_long(struct csv_reader *r, struct csv_record *rec, long line)
{
	skip_line(r, false);
	record_end_field(r);
	record_publish(r, rec, line);
	snprintf(r->error_text, sizeof(r->error_text),
		 "quoted field longer than %ld bytes, starting at line %ld", r->field_bytes,
		 r->quote_line);
	r->error = r->error_text;
	return CSV_MALFORMED;
}

static bool quote_over_limits(const struct csv_reader *r)
{
	long bytes = (long)(r->len - r->starts[r->nfields - 1]);

	return bytes > r->field_bytes || r->line - r->quote_line + 1 > r->field_lines;
}

static enum csv_status record_parse(struct csv_reader *r, struct csv_record *rec, long line)
{
	enum csv_field_state state = field_open(r);

	for (;;) {
		int c;

		if (r->record_bytes > CSV_RECORD_MAX)
			return record_too_long(r, rec, line);
		c = record_getc(r);
		if (c == EOF && ferror(r->fp))
			return CSV_IO_ERROR;
		if (c == '\0')
			return record_malformed(r, rec, line, state, c, "NUL byte in field");
		if (state == CSV_IN_QUOTES) {
			if (c == EOF && r->recording)
				return quote_runaway(r, rec, line, true);
			if (c == EOF)
				return record_malformed(r, rec, line, state, c,
							"quoted field not closed at end of file");
			if (!quoted_byte(r, c))
				state = CSV_AFTER_QUOTE;
			else if (quote_over_limits(r))
				return r->recording ? quote_runaway(r, rec, line, false)
						    : quote_too_long(r, rec, line);
			continue;
		}
		if (c == EOF || at_line_end(r, c)) {
			record_end_field(r);
			record_publish(r, rec, line);
			return CSV_RECORD;
		}
		if (c == ',') {
			record_end_field(r);
			state = field_open(r);
		} else if (state == CSV_AFTER_QUOTE) {
			return record_malformed(r, rec, line, state, c,
						"characters after a closing quote");
		} else if (c == '"') {
			return record_malformed(r, rec, line, state, c,
						"quote inside an unquoted field");
		} else {
			buf_putc(r, (char)c);
		}
	}
}

enum csv_status csv_read(struct csv_reader *r, struct csv_record *rec)
{
	int c;

	rec->fields = NULL;
	rec->count = 0;
	rec->line = r->line;
	record_reset(r);
	if (r->done)
		return CSV_END;
	if (!r->started)
		reader_skip_bom(r);
	c = reader_getc(r);
	if (c == EOF) {
		if (ferror(r->fp))
			return CSV_IO_ERROR;
		r->done = true;
		return CSV_END;
	}
	reader_ungetc(r, c);
	return record_parse(r, rec, r->line);
}

static bool field_needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return false;
	if (strpbrk(s, ",\"\r\n"))
		return true;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	/* a field starting with a byte-order mark at the start of a file would
	 * lose it on the way back in */
	return strncmp(s, "\xEF\xBB\xBF", 3) == 0;
}

void csv_write_field(FILE *fp, const char *s)
{
	if (!s)
		s = "";
	if (!field_needs_quotes(s)) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

void csv_write_record(FILE *fp, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			putc(',', fp);
		csv_write_field(fp, fields[i]);
	}
	fputs("\r\n", fp);
}
