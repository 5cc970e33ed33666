/* The idle lock: a desk left without a key for the configured time
 * (caredesk.conf: lock_after, default ten minutes) hides everything it
 * shows behind a lock screen, until the worker types their password
 * (lock = "pam", checked through PAM, service "caredesk") or presses any
 * key (lock = "blank").  The screens underneath, a half-typed form
 * included, are left exactly as they were: the lock never touches the
 * screen stack, it only draws instead of it and takes the keys.
 *
 * Idle time runs on the monotonic clock from the last key read, so
 * neither CAREDESK_NOW, a change of the wall clock nor the desk's own
 * timers (the data_version poll, the minute clock) count as activity. */
#ifndef CAREDESK_UI_LOCK_H
#define CAREDESK_UI_LOCK_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "caredesk/config.h"

#define LOCK_PASSWORD_MAX 256
/* Wrong passwords allowed before each further one makes the next wait
 * longer (5 s, then 10, 20, ... up to 5 minutes). */
#define LOCK_FREE_TRIES 2
#define LOCK_WAIT_FIRST_MS 5000.0
#define LOCK_WAIT_MAX_MS 300000.0

struct ui;

struct idle_lock {
	enum config_lock mode;
	double after_ms;		/* idle time before the lock */
	double last_key_ms;		/* desk_clock_ms() of the last key read */
	bool locked;
	char password[LOCK_PASSWORD_MAX];	/* typed so far; never drawn, wiped after use */
	size_t len;
	int failures;			/* wrong passwords since the last unlock */
	double wait_until_ms;		/* no try before this; 0: none */
	char message[160];		/* the lock screen's own message line */
};

/* Set up from the configuration; `now_ms` counts as the last key. */
void lock_init(struct idle_lock *l, enum config_lock mode, int after_s, double now_ms);

/* A key was read (by the desk, or by the lock): the idle time starts again. */
void lock_activity(struct idle_lock *l, double now_ms);

/* Milliseconds until the lock has something to do (lock, or end a wait),
 * at most `cap`; 0 when it is due now. */
int lock_next_ms(const struct idle_lock *l, double now_ms, int cap);

/* Time passed: lock the desk when it has been idle long enough, end a
 * wait that is over.  True when the screen must be drawn again. */
bool lock_tick(struct ui *ui, double now_ms);

/* A key while locked: typed into the password, which Enter checks
 * (unlocking the desk when it is right); in blank mode any key unlocks.
 * Returns RUN_* flags for the loop. */
int lock_key(struct ui *ui, int key, double now_ms);

/* The lock screen over the whole terminal: no record, message or form
 * of the desk shows through. */
void lock_draw(struct ui *ui, WINDOW *w);

/* PAM (lock_pam.c): is `password` the password of Unix user `login`, and
 * may the account still be used?  0 if so; -1 otherwise, with a line for
 * the worker in `why` and in *delay_ms the wait PAM asks for before the
 * next try (its fail delay, which the lock keeps without blocking). */
int lock_pam_check(const char *login, const char *password, char *why, size_t size,
		   unsigned *delay_ms);

#endif
