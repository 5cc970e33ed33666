/* The schema migrations embedded from data/schema at build time. */
#ifndef CAREDESK_REPLICA_MIGRATIONS_H
#define CAREDESK_REPLICA_MIGRATIONS_H

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int migration_count;

#endif
