/* RFC 4180 CSV reading and writing.
 *
 * The reader reports the physical line on which each record starts, so an
 * import can say "in.csv:17: date_of_birth: ..." even when an earlier field
 * held quoted newlines.  It accepts CRLF or LF line ends, a UTF-8 byte-order
 * mark at the very start, quoted fields with doubled quotes and embedded
 * newlines and commas.  Malformed quoting is an error for that record, and
 * reading resumes at the next line so one bad record never hides the rest. */
#ifndef CAREDESK_CSV_H
#define CAREDESK_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct csv_record {
	char **fields;		/* NUL-terminated fields, owned by the reader */
	size_t count;
	long line;		/* physical line (1-based) where the record starts */
};

struct csv_reader;

/* Read from fp (borrowed: the caller closes it).  Returns an owned reader. */
struct csv_reader *csv_reader_new(FILE *fp);
void csv_reader_free(struct csv_reader **r);

/* The most one quoted field may hold: field_bytes bytes (at most 1 MiB)
 * over field_lines physical lines; 0 keeps the default (64 KiB, 100
 * lines).  A quote still open past either is an unterminated quote: that
 * record is malformed, and the lines after the quote's own are read again
 * as records, so one stray quote costs one record, not the file. */
void csv_reader_limits(struct csv_reader *r, long field_bytes, long field_lines);

enum csv_status {
	CSV_RECORD,		/* *rec holds a record, valid until the next call */
	CSV_END,		/* no more input */
	CSV_MALFORMED,		/* the record at rec->line is malformed (see csv_reader_error);
				 * *rec holds the fields as far as they could be read, the
				 * rest of the offending physical line taken as one field's
				 * text, and reading resumes at the next physical line */
	CSV_IO_ERROR,		/* read error; errno is set */
};

/* Read the next record.  A blank line is a record with one empty field. */
enum csv_status csv_read(struct csv_reader *r, struct csv_record *rec);

/* Why the last CSV_MALFORMED happened (static text). */
const char *csv_reader_error(const struct csv_reader *r);

/* Write one field, quoted only when it needs to be (comma, quote, CR, LF,
 * leading or trailing space). */
void csv_write_field(FILE *fp, const char *s);

/* Write a record of n fields followed by CRLF, as RFC 4180 says. */
void csv_write_record(FILE *fp, const char *const *fields, size_t n);

#endif
