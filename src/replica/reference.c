/* Reference data from data/: localities, teams and code lists.
 *
 * These are the same on every host and keyed by code, so they are loaded
 * from the text files rather than synced.  Loading is an upsert: a borough
 * that adds a code to data/codes.tsv gets it on the next init or upgrade
 * without losing the codes its records already use. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/codes.h"
#include "caredesk/datadir.h"
#include "replica/internal.h"

#define TSV_MAX_FIELDS 6

struct tsv_line {
	long line;
	char *field[TSV_MAX_FIELDS];
	int count;
};

typedef int (*tsv_row_fn)(sqlite3 *db, const struct tsv_line *row, struct cd_error *err);

static void split_tabs(char *s, struct tsv_line *row)
{
	row->count = 0;
	s[strcspn(s, "\r\n")] = '\0';
	while (row->count < TSV_MAX_FIELDS) {
		row->field[row->count++] = s;
		s = strchr(s, '\t');
		if (!s)
			break;
		*s++ = '\0';
	}
}

static int tsv_each(sqlite3 *db, const char *name, int min_fields, tsv_row_fn fn,
		    struct cd_error *err)
{
	char path[4096];
	char *buf = NULL;
	size_t cap = 0;
	FILE *fp;
	struct tsv_line row = { 0 };
	int rc = 0;

	if (datadir_path(name, path, sizeof(path)) != 0)
		return cd_error_set(err, CD_EX_NOINPUT, NULL,
				    "data file %s not found (set CAREDESK_DATADIR?)", path);
	fp = fopen(path, "r");
	if (!fp)
		return cd_error_set(err, CD_EX_NOINPUT, NULL, "cannot read %s", path);
	while (rc == 0 && getline(&buf, &cap, fp) > 0) {
		row.line++;
		if (buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == '\0')
			continue;
		split_tabs(buf, &row);
		if (row.count < min_fields) {
			cd_error_at(err, path, row.line);
			rc = cd_error_set(err, CD_EX_CONFIG, NULL,
					  "expected %d tab-separated fields, found %d", min_fields,
					  row.count);
			break;
		}
		rc = fn(db, &row, err);
		if (rc)
			cd_error_at(err, path, row.line);
	}
	free(buf);
	fclose(fp);
	return rc;
}

static int run(sqlite3 *db, sqlite3_stmt *st, struct cd_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cd_error_set(err, CD_EX_CONFIG, NULL, "%s", sqlite3_errmsg(db));
	return 0;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		cd_die("reference data statement: %s", sqlite3_errmsg(db));
	return st;
}

static int load_locality(sqlite3 *db, const struct tsv_line *row, struct cd_error *err)
{
	sqlite3_stmt *st = prepare(db,
		"INSERT INTO locality (code, name, borough_wide) VALUES (?1, ?2, ?3) "
		"ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
		"borough_wide = excluded.borough_wide");

	sqlite3_bind_text(st, 1, row->field[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, row->field[1], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, atoi(row->field[2]) != 0);
	return run(db, st, err);
}

static int load_team(sqlite3 *db, const struct tsv_line *row, struct cd_error *err)
{
	sqlite3_stmt *st = prepare(db,
		"INSERT INTO team (code, name, service, locality) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (code) DO UPDATE SET name = excluded.name, service = excluded.service, "
		"locality = excluded.locality");

	for (int i = 0; i < 4; i++)
		sqlite3_bind_text(st, i + 1, row->field[i], -1, SQLITE_STATIC);
	return run(db, st, err);
}

/* Each list has its own table so that referral columns can reference it. */
static const struct {
	const char *list;
	const char *sql;
} code_tables[] = {
	{ "source", "INSERT INTO source_code (code, label) VALUES (?1, ?2) "
		    "ON CONFLICT (code) DO UPDATE SET label = excluded.label" },
	{ "category", "INSERT INTO category_code (code, label) VALUES (?1, ?2) "
		      "ON CONFLICT (code) DO UPDATE SET label = excluded.label" },
	{ "decision", "INSERT INTO decision_code (code, label, closes, age_group, needs_reason) "
		      "VALUES (?1, ?2, ?3, ?4, ?5) "
		      "ON CONFLICT (code) DO UPDATE SET label = excluded.label, "
		      "closes = excluded.closes, age_group = excluded.age_group, "
		      "needs_reason = excluded.needs_reason" },
	{ "closure", "INSERT INTO closure_reason_code (code, label) VALUES (?1, ?2) "
		     "ON CONFLICT (code) DO UPDATE SET label = excluded.label" },
};

/* A replica still at a schema before migration 8 (the migration tests
 * fill one) has decisions without an age group. */
#define DECISION_SQL_BEFORE_8 \
	"INSERT INTO decision_code (code, label, closes) VALUES (?1, ?2, ?3) " \
	"ON CONFLICT (code) DO UPDATE SET label = excluded.label, closes = excluded.closes"

static bool decisions_have_age(sqlite3 *db)
{
	sqlite3_stmt *st = prepare(db, "SELECT 1 FROM pragma_table_info('decision_code') "
				       "WHERE name = 'age_group'");
	bool has = sqlite3_step(st) == SQLITE_ROW;

	sqlite3_finalize(st);
	return has;
}

static int load_code(sqlite3 *db, const struct tsv_line *row, struct cd_error *err)
{
	char code[64];
	sqlite3_stmt *st;

	if (code_normalise(row->field[1], code, sizeof(code)) || strcmp(code, row->field[1]) != 0)
		return cd_error_set(err, CD_EX_CONFIG, "code",
				    "'%s' is not a canonical code (lower case, hyphens)", row->field[1]);
	for (size_t i = 0; i < sizeof(code_tables) / sizeof(code_tables[0]); i++) {
		if (strcmp(row->field[0], code_tables[i].list) != 0)
			continue;
		st = prepare(db, strcmp(code_tables[i].list, "decision") == 0 && !decisions_have_age(db)
					 ? DECISION_SQL_BEFORE_8 : code_tables[i].sql);
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, row->field[2], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, row->count > 3 && atoi(row->field[3]) != 0);
		if (sqlite3_bind_parameter_count(st) >= 5) {
			sqlite3_bind_text(st, 4, row->count > 4 ? row->field[4] : "any", -1,
					  SQLITE_STATIC);
			sqlite3_bind_int(st, 5, row->count > 5 && atoi(row->field[5]) != 0);
		}
		return run(db, st, err);
	}
	return cd_error_set(err, CD_EX_CONFIG, "list", "unknown code list '%s'", row->field[0]);
}

int reference_load(sqlite3 *db, struct cd_error *err)
{
	if (tsv_each(db, "localities.tsv", 3, load_locality, err) ||
	    tsv_each(db, "teams.tsv", 4, load_team, err) ||
	    tsv_each(db, "codes.tsv", 3, load_code, err))
		return -1;
	return 0;
}
