/* The desk: caredesk's full-screen interface for one worker. */
#ifndef CAREDESK_DESK_H
#define CAREDESK_DESK_H

#include <stdbool.h>

#include "caredesk/config.h"
#include "caredesk/replica.h"

/* The desk's settings, which the CLI takes from the configuration. */
struct desk_options {
	int escdelay_ms;		/* -1: ESCDELAY from the environment, else 100 */
	const struct config_key_setting *keys;	/* borrowed */
	int key_count;
	const struct config_colour_setting *colours;	/* borrowed */
	int colour_count;
	double started_ms;		/* desk_clock_ms() when the process began */
	bool cursor_hidden;		/* cursor = "hidden": no cursor on the selection */
	enum config_lock lock;		/* the idle lock: pam (0, the default), blank, none */
	int lock_after_s;		/* seconds without a key; 0: DEFAULT_LOCK_AFTER_S */
};

/* A monotonic clock in milliseconds, for the timings the benchmark reads:
 * with CAREDESK_TIMING=FILE the desk appends "first-paint MS" (from
 * started_ms to the first screen on the terminal) and "key MS" (from input
 * ready to the screen updated) lines to FILE. */
double desk_clock_ms(void);

/* Check the key and colour settings against the action table and the
 * parts of the screen, printing FILE:LINE for each bad one; 0 if all are
 * good, 78 otherwise.  Every command runs this,
 * so a bad binding is found when the configuration is read, not only when
 * someone next opens the desk. */
int desk_check_options(const struct desk_options *opt);

/* Run the desk on the controlling terminal (stdin/stdout) as the replica's
 * actor until the worker quits or the terminal goes away.  Returns an exit
 * status: 0, 2 for a terminal it cannot drive (after one line saying which
 * TERM to try), 78 for bad key settings. */
int desk_run(struct replica *r, const struct desk_options *opt);

#endif
