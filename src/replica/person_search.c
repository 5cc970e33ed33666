/* Finding people (see person_search.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/person_search.h"
#include "caredesk/query.h"
#include "replica/access_sql.h"
#include "replica/internal.h"

#define TYPED_MAX 256
#define MATCH_MAX 1024

static const char *const sql_count =
	"SELECT count(*) FROM (SELECT 1 FROM person_search WHERE person_search MATCH ?1 LIMIT ?2)";

#define SQL_SEARCH(order) \
	"SELECT p.id, " SQL_PERSON_FAMILY("p") ", " SQL_PERSON_GIVEN("p") ", p.date_of_birth, " \
	"p.nhs_number, p.postcode, p.locality, " SQL_PERSON_HIDDEN("p") " FROM person_search s JOIN person p ON p.rowid = s.rowid " \
	"WHERE person_search MATCH ?1 AND " SQL_NOT_ARCHIVED("person", "p.id") " " \
	"ORDER BY " order " LIMIT ?2"
static const char *const sql_search_ranked = SQL_SEARCH("rank");
static const char *const sql_search_many = SQL_SEARCH("s.rowid");

/* Append `"term"*` (quotes doubled) for one token, or a column-limited
 * form with `col`.  Returns false if it would not fit. */
static bool add_term(char *out, size_t size, const char *col, const char *tok, size_t n)
{
	size_t used = strlen(out);

	if (used + n * 2 + 32 >= size)
		return false;
	if (col)
		used += (size_t)snprintf(out + used, size - used, "%s : ", col);
	out[used++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (tok[i] == '"')
			out[used++] = '"';
		out[used++] = tok[i];
	}
	memcpy(out + used, "\"*", 3);
	return true;
}

static bool is_separator(char c)
{
	return isspace((unsigned char)c) || c == ',' || c == '-';
}

/* Every token typed, as prefix terms joined by AND; how many. */
static size_t add_tokens(const char *q, char *out, size_t size)
{
	size_t terms = 0;
	const char *p = q;

	while (*p) {
		const char *start;

		while (*p && is_separator(*p))
			p++;
		start = p;
		while (*p && !is_separator(*p))
			p++;
		if (p > start) {
			if (terms++)
				strcat(out, " AND ");
			if (!add_term(out, size, NULL, start, (size_t)(p - start)))
				break;
		}
	}
	return terms;
}

/* The MATCH expression for what was typed; "" when there is nothing to
 * look for.  Several tokens may also be one postcode or NHS number typed
 * with spaces: those columns are tried squashed as well. */
static void match_expression(const char *q, char *out, size_t size)
{
	char squashed[TYPED_MAX];
	size_t n = 0, terms;

	snprintf(out, size, "(");
	terms = add_tokens(q, out, size);
	if (!terms) {
		out[0] = '\0';
		return;
	}
	strcat(out, ")");
	for (const char *p = q; *p && n < sizeof(squashed) - 1; p++)
		if (!isspace((unsigned char)*p))
			squashed[n++] = (char)toupper((unsigned char)*p);
	squashed[n] = '\0';
	if (terms > 1 && n >= 2) {
		strcat(out, " OR ");
		add_term(out, size, "postcode", squashed, n);
		strcat(out, " OR ");
		add_term(out, size, "nhs_number", squashed, n);
	}
}

static int count_matches(struct replica *r, const char *match, bool *many, struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt_checked(r, sql_count, err);
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, match);
	sqlite3_bind_int(st, 2, PERSON_SEARCH_RANKED_MAX + 1);
	rc = sqlite3_step(st);
	*many = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > PERSON_SEARCH_RANKED_MAX;
	return read_failed(r, st, rc, err, "the search") ? -1 : 0;
}

static void read_match(sqlite3_stmt *st, struct person_match *m)
{
	column_copy(st, 0, m->id, sizeof(m->id));
	column_copy(st, 1, m->family, sizeof(m->family));
	column_copy(st, 2, m->given, sizeof(m->given));
	m->restricted = sqlite3_column_int(st, 7) != 0;
	/* A record restricted from this worker is found, as "restricted
	 * record", so they know to ask; nothing else is read out. */
	m->dob[0] = m->nhs[0] = m->postcode[0] = m->locality[0] = '\0';
	if (m->restricted)
		return;
	column_copy(st, 3, m->dob, sizeof(m->dob));
	column_copy(st, 4, m->nhs, sizeof(m->nhs));
	column_copy(st, 5, m->postcode, sizeof(m->postcode));
	column_copy(st, 6, m->locality, sizeof(m->locality));
}

int person_search(struct replica *r, const char *typed, struct person_match *out, int limit,
		  bool *many, struct cd_error *err)
{
	char match[MATCH_MAX];
	sqlite3_stmt *st;
	int n = 0, rc = SQLITE_DONE;

	*many = false;
	match_expression(typed, match, sizeof(match));
	if (!match[0] || limit < 1)
		return 0;
	if (count_matches(r, match, many, err))
		return -1;
	st = replica_stmt_checked(r, *many ? sql_search_many : sql_search_ranked, err);
	if (!st)
		return -1;
	bind_text(st, 1, match);
	sqlite3_bind_int(st, 2, limit);
	while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_match(st, &out[n++]);
	return read_failed(r, st, rc, err, "the search") ? -1 : n;
}
