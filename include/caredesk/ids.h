/* Record identifiers and reproducible randomness.
 *
 * Records get UUIDs where they are created.  We use version 7 (RFC 9562):
 * a millisecond timestamp then random bits, so new keys land at the end of
 * the primary-key index instead of at random places in it, which keeps
 * bulk loads and the sync outbox fast.  The random part comes from
 * libuuid; the generator instead draws it from a seeded generator so that
 * the same seed gives the same identifiers. */
#ifndef CAREDESK_IDS_H
#define CAREDESK_IDS_H

#include <stdint.h>

#define UUID_STR_LEN 37		/* 36 characters plus NUL */

/* splitmix64-seeded xoshiro256**: small, fast, and the same on every
 * platform, which is what reproducible test data needs. */
struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);		/* uniform in [0, n), n > 0 */
double rng_unit(struct rng *r);				/* uniform in [0, 1) */
int rng_range(struct rng *r, int lo, int hi);		/* uniform in [lo, hi] */

/* Where ids come from: the system's randomness, or a seeded rng (borrowed)
 * with a clock the caller advances (for generated data). */
struct idgen {
	struct rng *rng;	/* NULL: libuuid randomness and the real clock */
	int64_t ms;		/* with rng: the timestamp to embed, advanced by
				 * one per id so ids sort in the order made */
};

void id_new(struct idgen *g, char out[UUID_STR_LEN]);
int id_is_valid(const char *s);

/* A worker's record id: a name-based (version 5) UUID of the login, the
 * same on every replica. */
void id_for_login(const char *login, char out[UUID_STR_LEN]);

#endif
