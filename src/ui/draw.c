/* Drawing: every piece of stored text reaches the terminal through
 * draw_text, which sanitises (controls, escapes, bidi and zero-width
 * characters become visible placeholders) and clips by display width, so
 * a name or note can never act on the terminal or misalign a column.
 * Selection and urgency never rely on colour: reverse video and a text
 * marker carry them on a monochrome vt100, and colour (theme.c) only adds. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "caredesk/datetime.h"
#include "ui/ui.h"

#define CELL_BYTES(cols) ((size_t)(cols) * 4 + 8)

void draw_text(struct ui *ui, WINDOW *w, int y, int x, int cols, const char *text, attr_t attr)
{
	char buf[CELL_BYTES(512)];

	if (cols <= 0)
		return;
	if (cols > 512)
		cols = 512;
	text_cell(text ? text : "", ui->mode, cols, buf, sizeof(buf));
	/* The pair travels in attr (COLOR_PAIR); wattr_set takes it apart. */
	wattr_set(w, attr & ~(attr_t)A_COLOR, (short)PAIR_NUMBER(attr), NULL);
	mvwaddstr(w, y, x, buf);
	wattr_set(w, A_NORMAL, 0, NULL);
}

attr_t priority_attr(const struct ui *ui, const char *priority)
{
	if (!priority)
		return A_NORMAL;
	if (strcmp(priority, "red") == 0)
		return theme_attr(&ui->theme, STYLE_RED);
	if (strcmp(priority, "amber") == 0)
		return theme_attr(&ui->theme, STYLE_AMBER);
	if (strcmp(priority, "green") == 0)
		return theme_attr(&ui->theme, STYLE_GREEN);
	return A_NORMAL;
}

void ui_message(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
}

void ui_error(struct ui *ui, const struct cd_error *err)
{
	ui_message(ui, "%s", err->msg);
	syslog(LOG_ERR, "caredesk desk (%s): %s", ui->r->actor.worker_login, err->msg);
}

void ui_cursor(struct ui *ui, int y, int x)
{
	ui->cursor_y = y;
	ui->cursor_x = x;
}

/* "23/11 08:15" in local time. */
void ui_short_time(const char *iso, char *out, size_t size)
{
	int64_t t;
	struct local_time lt;

	if (instant_parse(iso, &t)) {
		snprintf(out, size, "?");
		return;
	}
	lt = local_from_instant(t);
	snprintf(out, size, "%02d/%02d %02d:%02d", lt.date.day, lt.date.month, lt.hour, lt.minute);
}

int layout_list_rows(int screen_rows)
{
	/* title, column header, message, hint, status */
	int rows = screen_rows - 5;

	return rows > 0 ? rows : 0;
}

void draw_title(struct ui *ui, WINDOW *w, const char *left, const char *right)
{
	int rlen = text_display_width(right, ui->mode);
	/* The right part (counts, keys) may take what a short left part
	 * leaves, less a blank; only when both are long is it held to half. */
	int limit = ui->cols - text_display_width(left, ui->mode) - 1;

	if (limit < ui->cols / 2)
		limit = ui->cols / 2;
	if (rlen > limit)
		rlen = limit;
	draw_text(ui, w, 0, 0, ui->cols - rlen, left, theme_attr(&ui->theme, STYLE_TITLE));
	draw_text(ui, w, 0, ui->cols - rlen, rlen, right, theme_attr(&ui->theme, STYLE_TITLE) & ~(attr_t)A_BOLD);
}

/* A title whose parts each come in forms from fullest to shortest (the
 * right part's counts, least urgent dropped first; the left part's names
 * abbreviated): the fullest left beside which some right form fits whole
 * is drawn with the fullest right that fits, so nothing is cut at 80
 * columns; the shortest of both only if nothing fits. */
void draw_title_fit(struct ui *ui, WINDOW *w, const char *const *lefts, int nl,
		    const char *const *rights, int nr)
{
	for (int l = 0; l < nl; l++) {
		int room = ui->cols - text_display_width(lefts[l], ui->mode) - 1;

		for (int i = 0; i < nr; i++) {
			if (text_display_width(rights[i], ui->mode) <= room) {
				draw_title(ui, w, lefts[l], rights[i]);
				return;
			}
		}
	}
	draw_title(ui, w, lefts[nl - 1], rights[nr - 1]);
}

/* The key to show for a command on the hint line: the first bound to it,
 * or, where letters are typed as text, the first that is not taken as text
 * (F1 for help, C-c for back in search); "" when every key is text. */
static void hint_key(const struct bindings *b, enum command a, bool typing, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < b->count; i++) {
		int key = b->map[i].key;

		if (b->map[i].command != a)
			continue;
		/* as search_key reads it: a character, not a function or Alt key */
		if (typing && key >= 32 && !(key & (KEY_FUNCTION | KEY_ALT)))
			continue;
		keys_name(key, out, size);
		return;
	}
}

/* Where a message wider than the screen breaks: after the last space that
 * leaves the first part within `cols` columns (0: no such space). */
static size_t message_break(const char *msg, int cols, enum text_mode mode)
{
	char part[sizeof(((struct ui *)0)->message)];
	size_t at = 0;

	for (size_t i = 0; i < sizeof(part) - 1 && msg[i]; i++) {
		if (msg[i] != ' ')
			continue;
		memcpy(part, msg, i);
		part[i] = '\0';
		if (text_display_width(part, mode) > cols)
			break;
		at = i;
	}
	return at;
}

/* The message line.  A message wider than the screen (a refusal naming who
 * may, an error with its field) is never cut: it wraps at a space onto the
 * row above, over the list's last row until the next key clears it. */
static void draw_message(struct ui *ui, WINDOW *w)
{
	attr_t attr = theme_attr(&ui->theme, STYLE_MESSAGE);
	size_t at;
	char first[sizeof(ui->message)];

	if (text_display_width(ui->message, ui->mode) <= ui->cols ||
	    !(at = message_break(ui->message, ui->cols, ui->mode)) || ui->rows < 6) {
		draw_text(ui, w, ui->rows - 3, 0, ui->cols, ui->message, attr);
		return;
	}
	memcpy(first, ui->message, at);
	first[at] = '\0';
	draw_text(ui, w, ui->rows - 4, 0, ui->cols, first, attr);
	draw_text(ui, w, ui->rows - 3, 0, ui->cols, ui->message + at + 1, attr);
}

/* "Enter:Open t:Triage ... ?:Help q:Quit" from the command table, keys as
 * bound now.  When the line is too long, items go from the middle so
 * help and quit are always shown. */
void draw_hints(struct ui *ui, WINDOW *w, unsigned where, bool typing)
{
	char items[CMD_COUNT][48], line[512] = "";
	int n = 0, width = 0, keep_last = 0;

	for (int a = 1; a < CMD_COUNT; a++) {
		const struct command_info *info = command_info((enum command)a);
		char key[16];

		if (!info->hint || !(info->screens & where) || !ui_may_use(ui, (enum command)a))
			continue;
		hint_key(&ui->keys, (enum command)a, typing, key, sizeof(key));
		if (!key[0])
			continue;
		snprintf(items[n], sizeof(items[n]), "%s:%s", key,
			 a == CMD_BACK && ui->depth > 1 ? "Back" : info->hint);
		width += (int)strlen(items[n]) + (n ? 1 : 0);
		if (a == CMD_HELP || a == CMD_BACK)
			keep_last++;
		n++;
	}
	while (width > ui->cols && n > keep_last) {
		int drop = n - keep_last - 1;

		width -= (int)strlen(items[drop]) + 1;
		memmove(items[drop], items[drop + 1], (size_t)(n - drop - 1) * sizeof(items[0]));
		n--;
	}
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, items[i]);
	}
	draw_text(ui, w, ui->rows - 2, 0, ui->cols, line, A_NORMAL);
	draw_message(ui, w);
}

/* "not configured", "09:12", "offline since 08:40, 5 waiting", with
 * conflicts and rejects when there are any: short, as the line is shared
 * with the worker's name and the clock. */
void sync_summary(const struct sync_status *s, char *out, size_t size)
{
	char when[32] = "";
	size_t n;

	if (!s->configured) {
		snprintf(out, size, "not configured");
		return;
	}
	if (s->offline_since[0]) {
		ui_short_time(s->offline_since, when, sizeof(when));
		n = (size_t)snprintf(out, size, "offline since %s", strchr(when, ' ') ?
				     strchr(when, ' ') + 1 : when);
	} else if (s->last_success[0]) {
		ui_short_time(s->last_success, when, sizeof(when));
		n = (size_t)snprintf(out, size, "%s", strchr(when, ' ') ? strchr(when, ' ') + 1 : when);
	} else {
		n = (size_t)snprintf(out, size, "not yet");
	}
	if (n < size && s->waiting)
		n += (size_t)snprintf(out + n, size - n, ", %ld waiting", s->waiting);
	if (n < size && s->conflicts)
		n += (size_t)snprintf(out + n, size - n, ", %ld conflict%s", s->conflicts,
				      s->conflicts == 1 ? "" : "s");
	if (n < size && s->rejects)
		snprintf(out + n, size - n, ", %ld rejected", s->rejects);
}

void draw_status(struct ui *ui, WINDOW *w)
{
	char left[160], right[96];
	struct local_time lt = local_from_instant(now_instant());
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

	char sync[44];	/* with the name and the clock, within 80 columns */

	snprintf(left, sizeof(left), " %s, %s", ui->r->actor.worker_login, ui->r->actor.team);
	sync_summary(&ui->sync, sync, sizeof(sync));
	snprintf(right, sizeof(right), "sync: %s  %s %02d/%02d %02d:%02d ", sync,
		 days[lt.weekday], lt.date.day, lt.date.month, lt.hour, lt.minute);
	ui->minute = lt.hour * 60 + lt.minute;
	draw_text(ui, w, ui->rows - 1, 0, ui->cols - (int)strlen(right), left, theme_attr(&ui->theme, STYLE_STATUS));
	/* the two halves never run into each other */
	draw_text(ui, w, ui->rows - 1, ui->cols - (int)strlen(right), (int)strlen(right), right,
		  theme_attr(&ui->theme, STYLE_STATUS));
}
