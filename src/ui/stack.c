/* The screen stack: queue -> case -> form.  Kept apart from the loop
 * (desk.c) so that screens can open screens without depending on it. */
#include <stdio.h>
#include <string.h>

#include "ui/ui.h"

int ui_push(struct ui *ui, const struct screen_ops *ops, const char *arg)
{
	struct screen *s;

	if (ui->depth == SCREEN_STACK_MAX)
		return -1;
	s = &ui->stack[ui->depth];
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ui = ui;
	snprintf(s->arg, sizeof(s->arg), "%s", arg ? arg : "");
	if (ops->open && ops->open(s) != 0)
		return -1;
	ui->depth++;
	ui->full_repaint = true;
	return 0;
}

struct screen *ui_top(struct ui *ui)
{
	return ui->depth ? &ui->stack[ui->depth - 1] : NULL;
}

void ui_pop(struct ui *ui)
{
	struct screen *s = ui_top(ui);

	if (!s)
		return;
	if (s->ops->close)
		s->ops->close(s);
	ui->depth--;
	ui->full_repaint = true;
}
