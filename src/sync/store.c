/* What central.c and every store share (store.h): the localities, the
 * scope of a record, a table's columns and the lines of a pull.  Kept
 * apart from central.c, which opens the stores, so that the stores and
 * pg_init.c depend on this file and central.c on them, never both ways. */
#include <stdio.h>
#include <string.h>

#include "caredesk/central_uri.h"
#include "sync/central.h"
#include "sync/store.h"

const char *const store_localities[STORE_LOCALITIES] = { "north", "south", "central", "west" };

bool store_table_has_column(const struct store_table *t, const char *col)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], col) == 0)
			return true;
	return false;
}

const char *store_scope_of(const char *tbl, const char *locality)
{
	if (strcmp(tbl, "worker") == 0 || !locality)
		return "borough";
	return locality;
}

bool store_is_pg_uri(const char *uri)
{
	return central_uri_is_pg(uri);
}

/* Append one record line: "seq TAB tbl TAB id TAB row", the row empty
 * for a record central no longer has.  Names are our own identifiers and
 * JSON text never holds a raw tab or newline, so the line splits safely. */
void pull_body_add(struct pull_body *b, long long seq, const char *tbl, const char *id,
		   const char *row)
{
	size_t need = 64 + strlen(tbl) + strlen(id) + (row ? strlen(row) : 0);
	int n;

	if (b->len + need > b->cap) {
		b->cap = (b->cap + need) * 2;
		b->text = cd_realloc(b->text, b->cap);
	}
	n = snprintf(b->text + b->len, b->cap - b->len, "%lld\t%s\t%s\t%s\n", seq, tbl, id,
		     row ? row : "");
	b->len += (size_t)n;
	b->lines++;
}
