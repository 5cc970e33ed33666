/* Crash points for the fault tests: a process that sends itself a signal
 * at an exact, counted step, so a test lands a crash where it means to
 * instead of where a timer happens to fall.
 *
 *   CAREDESK_SYNC_DIE_AT=N     the agent, at its Nth step (agent.c);
 *   CAREDESK_CENTRAL_DIE_AT=N  central, at its Nth push committed and not
 *                              yet answered (central.c).
 *
 * Unset, a point costs one comparison. */
#ifndef CAREDESK_SYNC_FAULT_H
#define CAREDESK_SYNC_FAULT_H

struct fault_point {
	long left;	/* steps still to take; 0 or less: never */
	int sig;	/* what the process does to itself there */
};

/* Arm `f` from the environment variable `env` (a step count), to send
 * `sig` at that step; unset, empty or not a number: disarmed. */
void fault_point_arm(struct fault_point *f, const char *env, int sig);

/* One step: at the armed one, raise the signal (and carry on from here
 * if the signal lets the process live, as SIGSTOP then SIGCONT does). */
void fault_point_step(struct fault_point *f);

#endif
