/* Writing listing rows as a table, CSV or JSON.
 *
 * JSON rows arrive already built by SQLite (one json_object per row, see
 * query.h), so here they are only joined into an array.  Table cells go
 * through the same sanitiser as the desk: a name can never put an escape
 * sequence on a terminal, even from a CLI listing. */
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/csv.h"
#include "caredesk/text.h"
#include "cli/commands.h"

#define CELL_MAX 40

static enum text_mode terminal_mode(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? TEXT_MODE_UTF8 : TEXT_MODE_ASCII;
}

static const char *value(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

static void write_table(FILE *fp, sqlite3_stmt *st)
{
	enum text_mode mode = terminal_mode();
	int n = sqlite3_column_count(st);
	char cell[CELL_MAX * 4 + 1];

	for (int i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? "\t" : "", sqlite3_column_name(st, i));
	fputc('\n', fp);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			text_sanitise(value(st, i), mode, CELL_MAX, cell, sizeof(cell));
			fprintf(fp, "%s%s", i ? "\t" : "", cell[0] ? cell : "-");
		}
		fputc('\n', fp);
	}
}

static void write_csv(FILE *fp, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);
	const char *fields[64];

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		fields[i] = sqlite3_column_name(st, i);
	csv_write_record(fp, fields, (size_t)n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			fields[i] = value(st, i);
		csv_write_record(fp, fields, (size_t)n);
	}
}

static void write_json(FILE *fp, sqlite3_stmt *st)
{
	int rows = 0;

	fputc('[', fp);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(fp, "%s\n%s", rows++ ? "," : "", value(st, 0));
	fputs(rows ? "\n]\n" : "]\n", fp);
}

void write_rows(FILE *fp, sqlite3_stmt *st, enum out_format format)
{
	switch (format) {
	case FORMAT_TABLE:
		write_table(fp, st);
		break;
	case FORMAT_CSV:
		write_csv(fp, st);
		break;
	case FORMAT_JSON:
		write_json(fp, st);
		break;
	}
}
