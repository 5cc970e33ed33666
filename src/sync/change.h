/* One pushed change as central reads it (central.c) and judges it
 * (trust.c).  Every pointer is borrowed from the push request. */
#ifndef CAREDESK_SYNC_CHANGE_H
#define CAREDESK_SYNC_CHANGE_H

#include <stdbool.h>
#include <jansson.h>

struct change {
	json_t *obj;		/* the change object */
	const char *change_id, *txn_id, *tbl, *row_id, *op, *worker, *created_at;
	const char *action;	/* the desk action that made it ("" if unknown) */
	json_t *fields;		/* {"col": [old, new], ...} */
	json_int_t base_version;
	bool has_base;
	int schema_version;
};

#endif
