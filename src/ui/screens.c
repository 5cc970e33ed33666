/* The registry of screens, generated from the screen list (screens.h). */
#include <stddef.h>

#include "ui/ui.h"

const struct screen_ops *const screen_registry[SCREEN_COUNT] = {
#define X(id, ops, how) [SCREEN_##id] = &ops,
	SCREENS(X)
#undef X
};

/* TOP(command) -> that command; PUSHED -> none. */
#define TOP(command) CMD_##command
#define PUSHED CMD_NONE
static const enum command opened_by[SCREEN_COUNT] = {
#define X(id, ops, how) [SCREEN_##id] = how,
	SCREENS(X)
#undef X
};
#undef TOP
#undef PUSHED

const struct screen_ops *screen_opened_by(enum command a)
{
	for (int i = 0; a != CMD_NONE && i < SCREEN_COUNT; i++)
		if (opened_by[i] == a)
			return screen_registry[i];
	return NULL;
}
