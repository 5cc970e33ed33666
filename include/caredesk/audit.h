/* The audit chain's hash, shared by the writer and by `caredesk check`. */
#ifndef CAREDESK_AUDIT_H
#define CAREDESK_AUDIT_H

#define AUDIT_HASH_LEN 65	/* SHA-256 in hex plus NUL */
/* The prev_hash of a chain's first event. */
#define AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The fields an event's hash covers, as stored (all borrowed text). */
struct audit_fields {
	const char *prev_hash, *id, *origin, *seq, *at, *actor, *worker, *action, *tbl,
		*record_id, *detail, *locality;
};

void audit_hash(const struct audit_fields *f, char out[AUDIT_HASH_LEN]);

#endif
