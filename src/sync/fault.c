/* Crash points for the fault tests (see fault.h). */
#include <signal.h>
#include <stdlib.h>

#include "sync/fault.h"

void fault_point_arm(struct fault_point *f, const char *env, int sig)
{
	const char *value = getenv(env);

	f->left = value && *value ? atol(value) : -1;
	f->sig = sig;
}

void fault_point_step(struct fault_point *f)
{
	if (f->left > 0 && --f->left == 0)
		raise(f->sig);
}
