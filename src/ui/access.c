/* What the desk lets this worker do: the permission table (caredesk/
 * permission.h) seen from the keyboard.  Kept apart from the desk's loop
 * so the hint line and help (draw.c, help.c) can ask without linking it. */
#include "caredesk/permission.h"
#include "ui/ui.h"

bool ui_may_use(const struct ui *ui, enum command a)
{
	int p = command_permission(a);

	return p < 0 || permission_any(ui->r->actor.roles, (enum permission)p);
}

int ui_check_worker(struct ui *ui, const struct cd_error *err)
{
	if (err->code != CD_EX_NOPERM || replica_actor_active(ui->r))
		return 0;
	ui->worker_gone = true;
	return RUN_HANDLED | RUN_QUIT;
}
