/* UUIDv7 identifiers and the seeded generator behind reproducible data. */
#include <ctype.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

#include "caredesk/ids.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Lemire's rejection keeps the result unbiased for any n. */
uint64_t rng_below(struct rng *r, uint64_t n)
{
	uint64_t limit = (UINT64_MAX - n + 1) % n;	/* 2^64 mod n */
	uint64_t x;

	do
		x = rng_next(r);
	while (x < limit);
	return x % n;
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

int rng_range(struct rng *r, int lo, int hi)
{
	return lo + (int)rng_below(r, (uint64_t)(hi - lo) + 1);
}

static int64_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void id_new(struct idgen *g, char out[UUID_STR_LEN])
{
	uuid_t u = { 0 };
	int64_t ms;

	if (g && g->rng) {
		for (int i = 0; i < 16; i += 8) {
			uint64_t x = rng_next(g->rng);

			memcpy(u + i, &x, 8);
		}
		ms = g->ms++;
	} else {
		uuid_generate_random(u);
		ms = clock_ms();
	}
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)((uint64_t)ms >> (40 - 8 * i));
	u[6] = (unsigned char)(0x70 | (u[6] & 0x0f));	/* version 7 */
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f));	/* RFC 9562 variant */
	uuid_unparse_lower(u, out);
}

/* The namespace of worker ids: a login names one person borough-wide (it
 * is their Unix user name), so every replica that registers a login makes
 * the same record, and central sees one worker, not two that collide. */
static const uuid_t worker_namespace = { 0x5c, 0x0d, 0x3e, 0x1a, 0x8b, 0x2f, 0x4e, 0x61,
					 0x9a, 0x47, 0x13, 0xc2, 0x6d, 0xe0, 0x55, 0x9b };

void id_for_login(const char *login, char out[UUID_STR_LEN])
{
	uuid_t u;

	uuid_generate_sha1(u, worker_namespace, login, strlen(login));
	uuid_unparse_lower(u, out);
}

int id_is_valid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (!s || strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}
