/* The desk's shared state and the screen abstraction.
 *
 * A screen is data plus a table of operations (as tig's views and tmux's
 * window modes): open, reload (the data changed: query again, keep the
 * selection by record id), draw, command (returns flags, never draws) and
 * close.  Screens stack: queue -> case (stack.c).  The screens are listed
 * once, in screens.h.  One loop (desk.c) owns the terminal; screens draw
 * only when asked, lists through the list driver (list.h). */
#ifndef CAREDESK_UI_UI_H
#define CAREDESK_UI_UI_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "caredesk/replica.h"
#include "caredesk/sync_state.h"
#include "caredesk/text.h"
#include "ui/keys.h"
#include "ui/lock.h"
#include "ui/theme.h"

#define SCREEN_STACK_MAX 8
#define MIN_ROWS 24
#define MIN_COLS 80

struct ui;
struct screen;

/* What running a command did, for the loop to act on. */
enum {
	RUN_HANDLED = 1,	/* the key meant something here */
	RUN_REDRAW = 2,		/* draw the screen again */
	RUN_RELOAD = 4,		/* query again, then draw */
	RUN_POP = 8,		/* close this screen */
	RUN_QUIT = 16,		/* leave the desk */
};

struct screen_ops {
	const char *title;
	enum screen_id id;	/* its line in screens.h */
	int (*open)(struct screen *s);
	void (*reload)(struct screen *s);
	void (*draw)(struct screen *s, WINDOW *w, int rows, int cols);
	int (*command)(struct screen *s, enum command a);
	void (*close)(struct screen *s);
	/* Text entry: offered every key before the bindings; returns flags
	 * (0: not consumed, look the key up as usual).  NULL for lists. */
	int (*key)(struct screen *s, int key);
	/* The terminal went away: keep unsaved work (may be NULL). */
	void (*keep_work)(struct screen *s);
};

struct screen {
	const struct screen_ops *ops;
	struct ui *ui;
	char arg[UUID_STR_LEN];	/* the record the screen is about, or "" */
	void *state;		/* owned by the screen; freed by close */
};

struct ui {
	struct replica *r;
	struct bindings keys;
	enum text_mode mode;	/* UTF-8 or ASCII-only terminal */
	struct theme theme;	/* attributes and colours of each part */
	int rows, cols;
	struct screen stack[SCREEN_STACK_MAX];
	int depth;
	char message[256];	/* one-line feedback under the list */
	int64_t data_version;	/* PRAGMA data_version when last loaded */
	int minute;		/* the minute the clock shows */
	char last_person[UUID_STR_LEN];	/* the record opened last, to link handover to */
	bool full_repaint;
	struct sync_status sync;	/* for the status line */
	/* Where the terminal cursor is left after a draw: the selected row of
	 * a list, the insertion point of a text field; -1: nowhere. */
	int cursor_y, cursor_x;
	bool cursor_hidden;	/* cursor = "hidden" in caredesk.conf */
	struct idle_lock lock;	/* drawn instead of the stack while locked */
	/* The worker was disabled (or removed) while the desk was open: it
	 * keeps what was typed as drafts, leaves and says why (desk_run). */
	bool worker_gone;
};

/* A screen's bit in the command table's masks. */
static inline unsigned screen_bit(const struct screen *s)
{
	return 1u << s->ops->id;
}

/* The screens by id, from the screen list (screens.c). */
extern const struct screen_ops *const screen_registry[SCREEN_COUNT];
/* The top-level screen a command opens (QUEUE, CASELOAD, ...), or NULL. */
const struct screen_ops *screen_opened_by(enum command a);

/* The screen stack (stack.c).  Push a screen about record `arg` (may be
 * NULL) and open it; -1 (and a message) if it could not open. */
int ui_push(struct ui *ui, const struct screen_ops *ops, const char *arg);
struct screen *ui_top(struct ui *ui);
void ui_pop(struct ui *ui);

/* Do command a on the top screen as its key would: the desk's own commands
 * (help, repaint, sync, suspend), then the screen's, then back and the
 * top-level screens.  Returns RUN_* flags; RUN_HANDLED is set whenever the
 * command meant something there (check_screens relies on it). */
int desk_do(struct ui *ui, enum command a);

/* Whether the worker's roles hold the permission a command needs on some
 * record (command_permission): the hint line and help leave out, and a
 * key press explains, a command they may never use. */
bool ui_may_use(const struct ui *ui, enum command a);
/* An action was refused: if the reason is that the worker is no longer
 * active, end the desk (RUN_QUIT, worker_gone) instead of going on; else
 * 0.  Every form's save and every guarded command asks. */
int ui_check_worker(struct ui *ui, const struct cd_error *err);

/* Set the one-line message shown above the hint line. */
void ui_message(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A read or write failed: the message line says what, and it is logged
 * (syslog) for whoever looks after the host. */
void ui_error(struct ui *ui, const struct cd_error *err);
/* Leave the terminal cursor at (y, x) after this draw. */
void ui_cursor(struct ui *ui, int y, int x);

/* The one way data reaches the screen: sanitised, clipped to `cols`
 * display columns and padded, at (y, x), with attributes. */
void draw_text(struct ui *ui, WINDOW *w, int y, int x, int cols, const char *text, attr_t attr);

/* How a red, amber or green priority is drawn (A_NORMAL for none). */
attr_t priority_attr(const struct ui *ui, const char *priority);

/* The title bar (top row), hint line and status line (bottom rows). */
void draw_title(struct ui *ui, WINDOW *w, const char *left, const char *right);
void draw_title_fit(struct ui *ui, WINDOW *w, const char *const *lefts, int nl,
		    const char *const *rights, int nr);
void draw_hints(struct ui *ui, WINDOW *w, unsigned where, bool typing);
void draw_status(struct ui *ui, WINDOW *w);
/* The sync state in a few words for the status line. */
void sync_summary(const struct sync_status *s, char *out, size_t size);

/* Rows a list gets between the title/header and the message/hint/status
 * lines (pure arithmetic, unit tested). */
int layout_list_rows(int screen_rows);

#define X(id, ops, how) extern const struct screen_ops ops;
SCREENS(X)
#undef X

/* Format an ISO instant as local "dd/mm HH:MM" ("?" if it is not one). */
void ui_short_time(const char *iso, char *out, size_t size);

#endif
