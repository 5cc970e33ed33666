/* The desk's terminal and event loop.
 *
 * One loop: wait in poll() for a key, a signal or the next tick; apply the
 * key's command to the top screen; reload when the replica changed
 * (PRAGMA data_version, about once a second); lock when no key came for
 * the configured time (lock.h); draw what changed with one doupdate().
 * Idle, nothing is written but the minute clock.  The terminal going away
 * (SIGHUP, EOF or POLLHUP on stdin) ends the desk at once, without
 * spinning; SIGTERM and SIGINT restore the terminal and exit. */
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include "caredesk/datetime.h"
#include "caredesk/desk.h"
#include "caredesk/sync_state.h"
#include "ui/ui.h"

#define TICK_MS 1000
#define DEFAULT_ESCDELAY_MS 100

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

/* Whether the terminal set up by setupterm can put the cursor anywhere:
 * without that (TERM=dumb, an editor's shell buffer) curses can draw only
 * a line at a time and the desk would sit on a lone status line. */
static bool can_address_cursor(void)
{
	const char *cup = tigetstr("cup");

	return cup != NULL && cup != (const char *)-1;
}

/* An unknown TERM, or one that cannot address the cursor, must not crash,
 * hang or leave the terminal in a strange state: ask terminfo first,
 * quietly, and say what to try. */
static int check_terminal(void)
{
	const char *term = getenv("TERM");
	int err = 0;
	bool usable;

	if (!term || !*term || setupterm(term, STDOUT_FILENO, &err) != OK) {
		fprintf(stderr, "caredesk: unknown terminal type '%.24s': try TERM=vt100 or "
			"TERM=xterm-256color\n", term ? term : "");
		return -1;
	}
	usable = can_address_cursor();
	del_curterm(cur_term);
	if (!usable) {
		fprintf(stderr, "caredesk: TERM=%.24s cannot move the cursor; try TERM=vt100\n",
			term);
		return -1;
	}
	return 0;
}

static SCREEN *start_terminal(struct ui *ui, const struct desk_options *opt)
{
	SCREEN *scr;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return NULL;
	cd_set_die_hook(restore_terminal);
	/* raw: Ctrl-C, Ctrl-Z and Ctrl-S are keys, not signals or flow control. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	ui->cursor_hidden = opt && opt->cursor_hidden;
	curs_set(0);
	if (!getenv("ESCDELAY"))
		set_escdelay(opt && opt->escdelay_ms >= 0 ? opt->escdelay_ms : DEFAULT_ESCDELAY_MS);
	theme_start(&ui->theme);
	ui->mode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? TEXT_MODE_UTF8 : TEXT_MODE_ASCII;
	getmaxyx(stdscr, ui->rows, ui->cols);
	return scr;
}

static void draw_too_small(struct ui *ui)
{
	werase(stdscr);
	mvwaddnstr(stdscr, 0, 0, "Terminal too small:", ui->cols);
	mvwaddnstr(stdscr, 1, 0, "caredesk needs 80x24.", ui->cols);
}

/* The terminal cursor follows the selection (or the typing), so that a
 * screen reader or braille display reads what the worker is on; hidden
 * when there is no such place, or when the worker asked for it hidden. */
static void place_cursor(struct ui *ui)
{
	bool show = !ui->cursor_hidden && ui->cursor_y >= 0 && ui->cursor_y < ui->rows &&
		    ui->rows >= MIN_ROWS && ui->cols >= MIN_COLS;

	if (show)
		wmove(stdscr, ui->cursor_y, ui->cursor_x);
	/* leaveok: ncurses need not put the cursor back when it is hidden. */
	leaveok(stdscr, !show);
	curs_set(show ? 1 : 0);
}

static void draw(struct ui *ui)
{
	struct screen *s = ui_top(ui);

	if (ui->full_repaint) {
		werase(stdscr);
		ui->full_repaint = false;
	}
	if (ui->lock.locked) {
		lock_draw(ui, stdscr);
	} else if (ui->rows < MIN_ROWS || ui->cols < MIN_COLS) {
		draw_too_small(ui);
	} else if (s) {
		ui_cursor(ui, -1, 0);
		s->ops->draw(s, stdscr, ui->rows, ui->cols);
		draw_hints(ui, stdscr, screen_bit(s), s->ops->key != NULL);
		draw_status(ui, stdscr);
	}
	place_cursor(ui);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Another process committed (a second desk, an import, the sync agent)? */
static bool replica_changed(struct ui *ui)
{
	int64_t v = replica_data_version(ui->r);

	/* Unreadable: nothing to go on (reading everything each tick would
	 * flood the log); once readable again, read everything. */
	if (v < 0) {
		ui->data_version = -1;
		return false;
	}
	if (v == ui->data_version)
		return false;
	ui->data_version = v;
	return true;
}

/* The benchmark's probe (desk.h): off unless CAREDESK_TIMING names a file. */
static FILE *timing;

double desk_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void timing_open(void)
{
	const char *path = getenv("CAREDESK_TIMING");

	if (path && *path)
		timing = fopen(path, "a");
	/* A line at a time: the benchmark reads it while the desk runs. */
	if (timing)
		setvbuf(timing, NULL, _IOLBF, 0);
}

static void timing_note(const char *what, double since)
{
	if (timing)
		fprintf(timing, "%s %.3f\n", what, desk_clock_ms() - since);
}

/* The status line's sync state, read again whenever the data may have
 * changed (the agent writes it; our own writes fill the outbox). */
static void refresh_sync(struct ui *ui)
{
	sync_status_read(ui->r, &ui->sync);
}

static void reload_all(struct ui *ui)
{
	refresh_sync(ui);
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i].ops->reload)
			ui->stack[i].ops->reload(&ui->stack[i]);
}

/* SIGTSTP, as the terminal's own Ctrl-Z would send: under a job-control
 * shell the desk stops and fg brings it back.  Where nothing could continue
 * it (no job control: `ssh host caredesk`, an orphaned process group), the
 * kernel discards SIGTSTP and the desk stays put; SIGSTOP would freeze it. */
static void suspend(struct ui *ui)
{
	def_prog_mode();
	endwin();
	kill(getpid(), SIGTSTP);
	reset_prog_mode();
	ui->full_repaint = true;
	clearok(curscr, TRUE);
}

/* The agent watches the replica: a changed "requested" wakes it at once,
 * even while it is waiting to retry an unreachable central. */
static void ask_for_sync(struct ui *ui)
{
	char now[ISO_INSTANT_LEN];
	struct cd_error err;

	if (!ui->sync.configured) {
		ui_message(ui, "Sync is not configured on this replica.");
		return;
	}
	cd_error_clear(&err);
	instant_format(now_instant(), now);
	if (sync_state_set(ui->r, "requested", now, &err))
		ui_message(ui, "Could not ask the sync agent: %s", err.msg);
	else
		ui_message(ui, "Asked the sync agent to run now.");
}

/* Commands every screen shares; the rest go to the top screen. */
static int global_command(struct ui *ui, enum command a)
{
	switch (a) {
	case CMD_REPAINT:
		clearok(curscr, TRUE);
		ui->full_repaint = true;
		return RUN_HANDLED | RUN_REDRAW;
	case CMD_SUSPEND:
		suspend(ui);
		/* Brought back with fg at this terminal: someone is there. */
		lock_activity(&ui->lock, desk_clock_ms());
		return RUN_HANDLED | RUN_REDRAW;
	case CMD_HELP:
		ui_push(ui, screen_registry[SCREEN_HELP], NULL);
		return RUN_HANDLED | RUN_REDRAW;
	case CMD_SYNC_NOW:
		ask_for_sync(ui);
		return RUN_HANDLED | RUN_RELOAD;
	default:
		return 0;
	}
}

/* What the top screen left to the desk: back (or quit), a top-level
 * screen from the screen list, search. */
static int desk_command(struct ui *ui, enum command a)
{
	const struct screen_ops *top = screen_opened_by(a);

	if (a == CMD_BACK)
		return RUN_HANDLED | (ui->depth > 1 ? RUN_POP : RUN_QUIT);
	if (top) {
		while (ui->depth > 1)
			ui_pop(ui);
		/* The queue is at the bottom of the stack: it is back already. */
		if (ui_top(ui)->ops == top)
			return RUN_HANDLED | RUN_RELOAD;
		return ui_push(ui, top, NULL) == 0 ? RUN_HANDLED | RUN_REDRAW : RUN_HANDLED;
	}
	if (a == CMD_SEARCH)
		return ui_push(ui, screen_registry[SCREEN_SEARCH], NULL) == 0 ?
			       RUN_HANDLED | RUN_REDRAW : RUN_HANDLED;
	return 0;
}

static int finish_command(struct ui *ui, int flags);

/* A command that changes records, asked for by a worker whose roles hold
 * its permission over no record at all: say who may instead of opening a
 * form that could never be saved.  The worker is read again first, so a
 * role given or taken away meanwhile counts at once. */
static int refused_by_role(struct ui *ui, enum command a)
{
	int p = command_permission(a);
	struct cd_error err;

	if (p < 0)
		return 0;
	cd_error_clear(&err);
	if (replica_may(ui->r, p, &err) == 0)
		return 0;
	if (ui_check_worker(ui, &err))
		return RUN_HANDLED | RUN_QUIT;
	err.msg[0] = (char)toupper((unsigned char)err.msg[0]);
	ui_message(ui, "%s.", err.msg);
	return RUN_HANDLED | RUN_REDRAW;
}

int desk_do(struct ui *ui, enum command a)
{
	struct screen *s = ui_top(ui);
	int flags = refused_by_role(ui, a);

	if (flags)
		return finish_command(ui, flags);
	flags = global_command(ui, a);

	if (!flags)
		flags = s->ops->command(s, a);
	if (!(flags & RUN_HANDLED))
		flags = desk_command(ui, a);
	return finish_command(ui, flags);
}

static int dispatch(struct ui *ui, int key)
{
	struct screen *s = ui_top(ui);
	enum command a;
	int flags = s->ops->key ? s->ops->key(s, key) : 0;

	if (flags)
		return finish_command(ui, flags);
	a = bindings_lookup(&ui->keys, key, screen_bit(s));
	if (a == CMD_NONE)
		return 0;
	ui->message[0] = '\0';
	return desk_do(ui, a);
}

static int finish_command(struct ui *ui, int flags)
{
	if (flags & RUN_POP) {
		ui_pop(ui);
		flags |= RUN_RELOAD;
	}
	if (flags & RUN_RELOAD)
		refresh_sync(ui);
	if (flags & RUN_RELOAD && ui_top(ui) && ui_top(ui)->ops->reload)
		ui_top(ui)->ops->reload(ui_top(ui));
	return flags;
}

/* ESC then a key is Alt-key (terminals send either). */
static int read_key(bool *got)
{
	wint_t ch;
	int rc = wget_wch(stdscr, &ch);

	*got = rc != ERR;
	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES)
		return KEY_FUNCTION | (int)ch;
	if (ch == 27) {
		wint_t next;
		int next_rc = wget_wch(stdscr, &next);

		if (next_rc == OK && next > ' ' && next < 127)
			return KEY_ALT | (int)next;
		/* Not Alt: the key that followed (a resize, an arrow, Ctrl-L)
		 * is kept for the next read, never dropped. */
		if (next_rc == KEY_CODE_YES)
			ungetch((int)next);
		else if (next_rc == OK)
			unget_wch((wchar_t)next);
	}
	return (int)ch;
}

/* The next tick, or sooner when the lock falls due. */
static int ms_to_next_tick(const struct ui *ui)
{
	return lock_next_ms(&ui->lock, desk_clock_ms(), TICK_MS);
}

/* A signal (SIGWINCH for a resize: ncurses then reports KEY_RESIZE)
 * interrupts poll; only WAIT_INPUT promises bytes to read. */
enum wait_result { WAIT_TICK, WAIT_SIGNAL, WAIT_INPUT, WAIT_GONE };

static enum wait_result wait_input(const struct ui *ui)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	int n = poll(&p, 1, ms_to_next_tick(ui));

	if (n < 0)
		return errno == EINTR ? WAIT_SIGNAL : WAIT_GONE;
	if (n == 0)
		return WAIT_TICK;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return WAIT_GONE;
	return WAIT_INPUT;
}

static int handle_keys(struct ui *ui, bool readable, bool *gone)
{
	int flags = 0, keys = 0;

	for (;;) {
		bool got;
		int key = read_key(&got);

		if (!got)
			break;
		keys++;
		if (key == (KEY_FUNCTION | KEY_RESIZE)) {
			getmaxyx(stdscr, ui->rows, ui->cols);
			ui->full_repaint = true;
			flags |= RUN_REDRAW;
			continue;
		}
		/* A key, and only a key, is someone at the desk: a resize, a
		 * tick or another process's commit is not. */
		lock_activity(&ui->lock, desk_clock_ms());
		if (ui->lock.locked) {
			flags |= lock_key(ui, key, desk_clock_ms());
			continue;
		}
		flags |= dispatch(ui, key);
		if (flags & RUN_QUIT)
			break;
	}
	/* poll said readable yet nothing came: end of file on the terminal. */
	if (readable && keys == 0 && !stop_signal)
		*gone = true;
	return flags;
}

static void apply_key_settings(struct ui *ui, const struct desk_options *opt, int *bad)
{
	for (int i = 0; opt && i < opt->key_count; i++) {
		const struct config_key_setting *k = &opt->keys[i];
		enum command a;
		char why[160];

		if (command_by_name(k->command, &a)) {
			fprintf(stderr, "caredesk: %s:%d: keys.%s: no such command\n", k->file, k->line,
				k->command);
			*bad = 1;
		} else if (bindings_set(&ui->keys, a, k->keys, k->count, why, sizeof(why))) {
			fprintf(stderr, "caredesk: %s:%d: keys.%s: %s\n", k->file, k->line, k->command, why);
			*bad = 1;
		}
	}
}

static void apply_colour_settings(struct ui *ui, const struct desk_options *opt, int *bad)
{
	for (int i = 0; opt && i < opt->colour_count; i++) {
		const struct config_colour_setting *c = &opt->colours[i];
		char why[200];

		if (theme_set(&ui->theme, c->part, c->colour, why, sizeof(why))) {
			fprintf(stderr, "caredesk: %s:%d: colours.%s: %s\n", c->file, c->line, c->part,
				why);
			*bad = 1;
		}
	}
}

static void apply_settings(struct ui *ui, const struct desk_options *opt, int *bad)
{
	bindings_default(&ui->keys);
	theme_default(&ui->theme);
	apply_key_settings(ui, opt, bad);
	apply_colour_settings(ui, opt, bad);
}

/* The terminal went away or we were told to stop: screens keep what was
 * typed but not saved (a handover item becomes a draft). */
static void keep_unsaved_work(struct ui *ui)
{
	for (int i = ui->depth - 1; i >= 0; i--)
		if (ui->stack[i].ops->keep_work)
			ui->stack[i].ops->keep_work(&ui->stack[i]);
}

/* Returns true when the worker quit, false on hang-up or a signal. */
static bool run_loop(struct ui *ui, double started_ms)
{
	bool gone = false;

	draw(ui);
	timing_note("first-paint", started_ms);
	while (!stop_signal && !gone && ui->depth) {
		enum wait_result w = wait_input(ui);
		double input_ms = desk_clock_ms();
		int flags = 0;
		struct local_time lt;

		if (stop_signal || w == WAIT_GONE)
			return false;
		flags = handle_keys(ui, w == WAIT_INPUT, &gone);
		if (flags & RUN_QUIT)
			return true;
		if (replica_changed(ui)) {
			/* A worker disabled while their desk is open (here, or on
			 * another replica and pulled) leaves at once, not at their
			 * next change: what they were typing is kept as a draft. */
			if (!replica_actor_active(ui->r)) {
				ui->worker_gone = true;
				return true;
			}
			reload_all(ui);
			flags |= RUN_REDRAW;
		}
		if (lock_tick(ui, desk_clock_ms()))
			flags |= RUN_REDRAW;
		lt = local_from_instant(now_instant());
		if (lt.hour * 60 + lt.minute != ui->minute)
			flags |= RUN_REDRAW;
		if (flags & (RUN_REDRAW | RUN_RELOAD | RUN_POP | RUN_HANDLED))
			draw(ui);
		if (w == WAIT_INPUT && (flags & RUN_HANDLED))
			timing_note("key", input_ms);
	}
	/* The stack emptied (quit), or the terminal went away. */
	return !gone && !stop_signal;
}

int desk_check_options(const struct desk_options *opt)
{
	struct ui scratch = { 0 };
	int bad = 0;

	apply_settings(&scratch, opt, &bad);
	return bad ? 78 : 0;
}

int desk_run(struct replica *r, const struct desk_options *opt)
{
	struct ui ui = { .r = r };
	SCREEN *scr;
	int bad = 0;

	apply_settings(&ui, opt, &bad);
	if (bad)
		return 78;
	if (check_terminal())
		return 2;
	scr = start_terminal(&ui, opt);
	if (!scr) {
		fprintf(stderr, "caredesk: cannot start the terminal (TERM=%s)\n", getenv("TERM"));
		return 2;
	}
	replica_changed(&ui);
	refresh_sync(&ui);
	lock_init(&ui.lock, opt ? opt->lock : CONFIG_LOCK_PAM,
		  opt && opt->lock_after_s > 0 ? opt->lock_after_s : DEFAULT_LOCK_AFTER_S,
		  desk_clock_ms());
	timing_open();
	if (ui_push(&ui, &queue_screen, NULL) == 0 &&
	    (!run_loop(&ui, opt && opt->started_ms > 0 ? opt->started_ms : desk_clock_ms()) ||
	     ui.worker_gone))
		keep_unsaved_work(&ui);
	if (timing)
		fclose(timing);
	timing = NULL;
	while (ui.depth)
		ui_pop(&ui);
	endwin();
	delscreen(scr);
	if (ui.worker_gone) {
		fprintf(stderr, "caredesk: %s is no longer an active worker on this replica: the "
			"desk closed; anything you were typing is kept as a draft for you\n",
			r->actor.worker_login);
		return CD_EX_NOPERM;
	}
	return 0;
}
