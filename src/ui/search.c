/* Search: people by name, NHS number or postcode, as you type.
 *
 * Every key re-runs one FTS5 query (person_search, with 2- and 3-letter
 * prefix indexes) for the first screenful.  What is typed is turned into
 * quoted prefix terms, so no input can be FTS5 syntax: "o'brien" and
 * "AND" are just text.  Digits also match NHS numbers without their
 * spaces, and a postcode matches with or without its space.  Restricted
 * people show by name only. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/nhs.h"
#include "caredesk/query.h"
#include "ui/ui.h"

#define QUERY_MAX 64
#define MATCH_MAX 1024

/* Ranking sorts every match, and "999" (every NHS number) or "a" matches
 * most of the borough: 1.3 s on the L tier.  So matches are counted up to
 * RANKED_MAX first; more than that are listed in index order, which FTS5
 * gives without a sort, and the worker is asked to type more. */
#define RANKED_MAX 500
#define STR_(x) #x
#define STR(x) STR_(x)

static const char *const sql_count =
	"SELECT count(*) FROM (SELECT 1 FROM person_search WHERE person_search MATCH ?1 LIMIT ?2)";

#define SQL_SEARCH(order) \
	"SELECT p.id, p.family_name, p.given_name, p.date_of_birth, p.nhs_number, p.postcode, " \
	"p.locality, p.restricted FROM person_search s JOIN person p ON p.rowid = s.rowid " \
	"WHERE person_search MATCH ?1 AND " SQL_NOT_ARCHIVED("person", "p.id") " " \
	"ORDER BY " order " LIMIT ?2"
static const char *const sql_search_ranked = SQL_SEARCH("rank");
static const char *const sql_search_many = SQL_SEARCH("s.rowid");

struct result {
	char id[UUID_STR_LEN];
	char name[420];
	char details[96];	/* born, NHS number, postcode, locality; "" if restricted */
};

struct search {
	char query[QUERY_MAX * 4 + 1];	/* UTF-8 as typed */
	size_t len;
	struct result *results;
	int count, cap, sel;
	bool many;		/* more than RANKED_MAX match */
};

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

/* The MATCH expression for what was typed; "" when there is nothing to
 * look for. */
static void match_expression(const char *q, char *out, size_t size)
{
	char squashed[QUERY_MAX * 4 + 1];
	size_t n = 0, terms = 0;
	const char *p = q;

	out[0] = '\0';
	strcat(out, "(");
	while (*p) {
		const char *start;

		while (*p && (isspace((unsigned char)*p) || *p == ',' || *p == '-'))
			p++;
		start = p;
		while (*p && !isspace((unsigned char)*p) && *p != ',' && *p != '-')
			p++;
		if (p > start) {
			if (terms++)
				strcat(out, " AND ");
			if (!add_term(out, size, NULL, start, (size_t)(p - start)))
				break;
		}
	}
	if (!terms) {
		out[0] = '\0';
		return;
	}
	strcat(out, ")");
	for (p = q; *p && n < sizeof(squashed) - 1; p++)
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

static void run_search(struct screen *s)
{
	struct search *se = s->state;
	struct ui *ui = s->ui;
	char match[MATCH_MAX];
	int limit = layout_list_rows(ui->rows) - 1;
	sqlite3_stmt *st;

	se->count = 0;
	se->sel = 0;
	se->many = false;
	match_expression(se->query, match, sizeof(match));
	if (!match[0] || limit < 1)
		return;
	if (limit > se->cap) {
		se->results = cd_realloc(se->results, (size_t)limit * sizeof(*se->results));
		se->cap = limit;
	}
	st = replica_stmt(ui->r, sql_count);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, RANKED_MAX + 1);
	se->many = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > RANKED_MAX;
	sqlite3_reset(st);
	st = replica_stmt(ui->r, se->many ? sql_search_many : sql_search_ranked);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, limit);
	while (se->count < limit && sqlite3_step(st) == SQLITE_ROW) {
		struct result *r = &se->results[se->count++];
		const char *nhs = (const char *)sqlite3_column_text(st, 4);
		char nhs_text[16] = "-";

		snprintf(r->id, sizeof(r->id), "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(r->name, sizeof(r->name), "%s, %s", (const char *)sqlite3_column_text(st, 1),
			 (const char *)sqlite3_column_text(st, 2));
		if (nhs)
			nhs_format(nhs, nhs_text, sizeof(nhs_text));
		if (sqlite3_column_int(st, 7))
			snprintf(r->details, sizeof(r->details), "(restricted record)");
		else
			snprintf(r->details, sizeof(r->details), "%s  NHS %-12s %-9.9s %.12s",
				 (const char *)sqlite3_column_text(st, 3), nhs_text,
				 (const char *)sqlite3_column_text(st, 5),
				 (const char *)sqlite3_column_text(st, 6));
	}
	sqlite3_reset(st);
	if (sqlite3_errcode(ui->r->db) != SQLITE_OK && sqlite3_errcode(ui->r->db) != SQLITE_DONE &&
	    sqlite3_errcode(ui->r->db) != SQLITE_ROW)
		ui_message(ui, "Search could not run: %s", sqlite3_errmsg(ui->r->db));
}

static int search_open(struct screen *s)
{
	s->state = cd_calloc(1, sizeof(struct search));
	return 0;
}

static void search_close(struct screen *s)
{
	struct search *se = s->state;

	free(se->results);
	free(se);
	s->state = NULL;
}

static void search_reload(struct screen *s)
{
	run_search(s);
}

static void search_draw(struct screen *s, WINDOW *w, int rows, int cols)
{
	struct search *se = s->state;
	struct ui *ui = s->ui;
	char prompt[QUERY_MAX * 4 + 64];
	int list = layout_list_rows(rows);

	draw_title(ui, w, " Search people", "Enter open  C-c back ");
	snprintf(prompt, sizeof(prompt), " Find: %s_%s", se->query,
		 se->many ? "   (over " STR(RANKED_MAX) " match: type more)" : "");
	draw_text(ui, w, 1, 0, cols, prompt, theme_attr(&ui->theme, ROLE_LABEL));
	for (int i = 0; i < list; i++) {
		int y = 2 + i;

		if (i >= se->count) {
			draw_text(ui, w, y, 0, cols,
				  i == 0 ? (se->len ? " Nobody matches." :
					    " Type a name, an NHS number or a postcode.") : "", A_NORMAL);
			continue;
		}
		draw_text(ui, w, y, 0, 1, i == se->sel ? ">" : " ", i == se->sel ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL);
		draw_text(ui, w, y, 1, 32, se->results[i].name, i == se->sel ? theme_attr(&ui->theme, ROLE_SELECTED) : A_NORMAL);
		draw_text(ui, w, y, 33, cols - 33, se->results[i].details, A_NORMAL);
	}
}

/* Remove the last character (not byte) typed. */
static void delete_char(struct search *se)
{
	while (se->len > 0) {
		unsigned char c = (unsigned char)se->query[--se->len];

		if ((c & 0xc0) != 0x80)
			break;
	}
	se->query[se->len] = '\0';
}

/* Typing: printable characters, Backspace, Ctrl-U; the list moves with
 * the arrows and Ctrl-N/Ctrl-P, as letters are text here. */
static int search_key(struct screen *s, int key)
{
	struct search *se = s->state;
	char utf8[4];
	size_t n;

	if (key == (KEY_FUNCTION | KEY_DOWN) || key == 14) {
		if (se->sel + 1 < se->count)
			se->sel++;
		return ACT_HANDLED | ACT_REDRAW;
	}
	if (key == (KEY_FUNCTION | KEY_UP) || key == 16) {
		if (se->sel > 0)
			se->sel--;
		return ACT_HANDLED | ACT_REDRAW;
	}
	if (key == 27)
		return ACT_HANDLED | ACT_POP;
	if (key == (KEY_FUNCTION | KEY_BACKSPACE) || key == 127 || key == 8) {
		delete_char(se);
	} else if (key == 21) {
		se->len = 0;
		se->query[0] = '\0';
	} else if (key >= 32 && !(key & (KEY_FUNCTION | KEY_ALT)) &&
		   text_is_safe_codepoint((wchar_t)key)) {
		n = text_utf8_encode((wchar_t)key, utf8);
		if (se->len + n >= sizeof(se->query) || se->len >= QUERY_MAX)
			return ACT_HANDLED;
		memcpy(se->query + se->len, utf8, n);
		se->len += n;
		se->query[se->len] = '\0';
	} else {
		return 0;
	}
	run_search(s);
	return ACT_HANDLED | ACT_REDRAW;
}

static int search_action(struct screen *s, enum action a)
{
	struct search *se = s->state;

	if (a == ACTION_OPEN && se->count) {
		char id[UUID_STR_LEN];

		memcpy(id, se->results[se->sel].id, sizeof(id));
		ui_push(s->ui, &case_screen, id);
		return ACT_HANDLED | ACT_REDRAW;
	}
	return 0;
}

const struct screen_ops search_screen = {
	.title = "Search",
	.where = ON_SEARCH,
	.open = search_open,
	.reload = search_reload,
	.draw = search_draw,
	.action = search_action,
	.close = search_close,
	.key = search_key,
};
