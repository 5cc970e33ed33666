/* The idle lock (see lock.h): when to lock, the lock screen, and the
 * password typed on it.  The desk's loop asks lock_tick each turn and
 * hands the lock every key while it is locked; the screen stack is never
 * touched, so whatever was open (a form half filled in, its cursor and
 * field) is there as it was once the desk is unlocked. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <wchar.h>

#include "caredesk/datetime.h"
#include "ui/lock.h"
#include "ui/ui.h"

#define CTRL(c) ((c) & 0x1f)

void lock_init(struct idle_lock *l, enum config_lock mode, int after_s, double now_ms)
{
	memset(l, 0, sizeof(*l));
	l->mode = mode;
	l->after_ms = after_s * 1000.0;
	l->last_key_ms = now_ms;
}

void lock_activity(struct idle_lock *l, double now_ms)
{
	l->last_key_ms = now_ms;
}

/* Nothing typed stays in memory longer than it must. */
static void forget_password(struct idle_lock *l)
{
	explicit_bzero(l->password, sizeof(l->password));
	l->len = 0;
}

int lock_next_ms(const struct idle_lock *l, double now_ms, int cap)
{
	double next = cap;

	if (!l->locked && l->mode != CONFIG_LOCK_NONE && l->last_key_ms + l->after_ms - now_ms < next)
		next = l->last_key_ms + l->after_ms - now_ms;
	if (l->locked && l->wait_until_ms > 0 && l->wait_until_ms - now_ms < next)
		next = l->wait_until_ms - now_ms;
	/* Rounded up: poll waking a fraction early would find nothing due
	 * and go round again with a timeout of 0. */
	return next <= 0 ? 0 : (int)(next + 0.999);
}

static void start(struct ui *ui)
{
	struct idle_lock *l = &ui->lock;

	l->locked = true;
	l->wait_until_ms = 0;
	l->message[0] = '\0';
	forget_password(l);
	ui->full_repaint = true;
	syslog(LOG_AUTHPRIV | LOG_INFO, "caredesk: desk of %s (worker %s) locked after %d s "
	       "without a key", ui->r->actor.login, ui->r->actor.worker_login,
	       (int)(l->after_ms / 1000));
}

static void unlock(struct ui *ui)
{
	struct idle_lock *l = &ui->lock;

	if (l->mode == CONFIG_LOCK_PAM)
		syslog(LOG_AUTHPRIV | LOG_INFO, "caredesk: desk of %s (worker %s) unlocked",
		       ui->r->actor.login, ui->r->actor.worker_login);
	l->locked = false;
	l->failures = 0;
	l->wait_until_ms = 0;
	l->message[0] = '\0';
	forget_password(l);
	/* Everything the lock screen covered is drawn again. */
	ui->full_repaint = true;
}

bool lock_tick(struct ui *ui, double now_ms)
{
	struct idle_lock *l = &ui->lock;

	if (!l->locked) {
		if (l->mode == CONFIG_LOCK_NONE || now_ms - l->last_key_ms < l->after_ms)
			return false;
		start(ui);
		return true;
	}
	if (l->wait_until_ms > 0 && now_ms >= l->wait_until_ms) {
		l->wait_until_ms = 0;
		snprintf(l->message, sizeof(l->message), "You may try again.");
		return true;
	}
	return false;
}

/* Wrong passwords beyond the free tries wait 5 s, 10 s, 20 s ... 5 min. */
static double backoff_ms(int failures)
{
	double ms = LOCK_WAIT_FIRST_MS;

	if (failures <= LOCK_FREE_TRIES)
		return 0;
	for (int i = LOCK_FREE_TRIES + 1; i < failures && ms < LOCK_WAIT_MAX_MS; i++)
		ms *= 2;
	return ms < LOCK_WAIT_MAX_MS ? ms : LOCK_WAIT_MAX_MS;
}

static void refused(struct ui *ui, const char *why, unsigned pam_delay_ms, double now_ms)
{
	struct idle_lock *l = &ui->lock;
	double wait = backoff_ms(++l->failures);

	/* The host's own record of it, as for a failed login. */
	syslog(LOG_AUTHPRIV | LOG_NOTICE, "caredesk: unlock failed for %s (worker %s), %d in a "
	       "row: %s", ui->r->actor.login, ui->r->actor.worker_login, l->failures, why);
	if (pam_delay_ms > wait)
		wait = pam_delay_ms;
	if (wait <= 0) {
		snprintf(l->message, sizeof(l->message), "%s Still locked.", why);
		return;
	}
	l->wait_until_ms = now_ms + wait;
	snprintf(l->message, sizeof(l->message), "%s Still locked: wait %d seconds, then try again.",
		 why, (int)((wait + 999) / 1000));
}

static int submit(struct ui *ui, double now_ms)
{
	struct idle_lock *l = &ui->lock;
	char why[sizeof(l->message) - 48];
	unsigned delay_ms = 0;
	int rc;

	if (l->len == 0) {
		snprintf(l->message, sizeof(l->message), "Type your password, then press Enter.");
		return RUN_HANDLED | RUN_REDRAW;
	}
	rc = lock_pam_check(ui->r->actor.login, l->password, why, sizeof(why), &delay_ms);
	forget_password(l);
	/* A module may have written to the terminal behind curses' back
	 * (stderr): the next draw repaints every cell. */
	clearok(curscr, TRUE);
	if (rc == 0)
		unlock(ui);
	else
		refused(ui, why, delay_ms, now_ms);
	return RUN_HANDLED | RUN_REDRAW;
}

/* A typed character, in the terminal's encoding (the one the password was
 * set in); one that does not fit is dropped, and the check will fail. */
static void type_char(struct idle_lock *l, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || l->len + n >= sizeof(l->password))
		return;
	memcpy(l->password + l->len, mb, n);
	l->len += n;
}

/* Backspace takes off the last character, all of its bytes. */
static void erase_char(struct idle_lock *l)
{
	while (l->len > 0 && ((unsigned char)l->password[--l->len] & 0xc0) == 0x80)
		l->password[l->len] = '\0';
	l->password[l->len] = '\0';
}

static bool is_enter(int key)
{
	return key == '\r' || key == '\n' || key == (KEY_FUNCTION | KEY_ENTER);
}

static bool is_backspace(int key)
{
	return key == 127 || key == CTRL('H') || key == (KEY_FUNCTION | KEY_BACKSPACE);
}

static int password_key(struct ui *ui, int key, double now_ms)
{
	struct idle_lock *l = &ui->lock;

	if (is_enter(key))
		return submit(ui, now_ms);
	if (is_backspace(key))
		erase_char(l);
	else if (key == CTRL('U') || key == 27)
		forget_password(l);
	else if (key >= 32 && !(key & (KEY_FUNCTION | KEY_ALT)))
		type_char(l, key);
	/* The first key after a refusal clears it: the worker sees that the
	 * keys are taken, though nothing typed is shown. */
	if (l->wait_until_ms == 0)
		l->message[0] = '\0';
	return RUN_HANDLED | RUN_REDRAW;
}

int lock_key(struct ui *ui, int key, double now_ms)
{
	struct idle_lock *l = &ui->lock;

	/* The key that wakes a blank lock does nothing else: it must not act
	 * on a screen the worker cannot yet see. */
	if (l->mode != CONFIG_LOCK_PAM) {
		unlock(ui);
		return RUN_HANDLED | RUN_REDRAW;
	}
	if (key == CTRL('L')) {
		clearok(curscr, TRUE);
		return RUN_HANDLED | RUN_REDRAW;
	}
	if (l->wait_until_ms > now_ms) {
		/* Typed while waiting: not a try, and not kept. */
		forget_password(l);
		return RUN_HANDLED;
	}
	return password_key(ui, key, now_ms);
}

static void draw_line(struct ui *ui, WINDOW *w, int y, const char *text, attr_t attr)
{
	if (y < ui->rows)
		draw_text(ui, w, y, 2, ui->cols - 2, text, attr);
}

void lock_draw(struct ui *ui, WINDOW *w)
{
	const struct idle_lock *l = &ui->lock;
	const struct actor *a = &ui->r->actor;
	struct local_time lt = local_from_instant(now_instant());
	char line[256];

	werase(w);
	draw_text(ui, w, 0, 0, ui->cols, "caredesk: locked", theme_attr(&ui->theme, STYLE_TITLE));
	draw_line(ui, w, 3, "This desk is locked. Nothing of the records is shown.", A_BOLD);
	if (strcmp(a->login, a->worker_login) != 0)
		snprintf(line, sizeof(line), "Worker: %s (%s, acting as %s)", a->worker_login, a->login,
			 a->worker_login);
	else
		snprintf(line, sizeof(line), "Worker: %s", a->worker_login);
	draw_line(ui, w, 5, line, A_NORMAL);
	ui_cursor(ui, -1, 0);
	if (l->mode == CONFIG_LOCK_PAM) {
		snprintf(line, sizeof(line), "To resume, type the password of %s and press Enter.",
			 a->login);
		draw_line(ui, w, 7, line, A_NORMAL);
		draw_line(ui, w, 9, "Password:", theme_attr(&ui->theme, STYLE_LABEL));
		ui_cursor(ui, 9, 12);
	} else {
		draw_line(ui, w, 7, "To resume, press any key.", A_NORMAL);
	}
	draw_line(ui, w, 11, l->message, theme_attr(&ui->theme, STYLE_MESSAGE));
	/* The loop redraws when the minute changes; nothing here shows it. */
	ui->minute = lt.hour * 60 + lt.minute;
}
