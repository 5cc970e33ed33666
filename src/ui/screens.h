/* The desk's one list of screens.
 *
 * X(ID, ops, how it opens): ID names the screen (SCREEN_ID, and its bit
 * ON_ID in the command table's masks), ops is its struct screen_ops, and
 * the last column says how it is reached:
 *   TOP(command) a top-level screen: that command, from any screen, closes
 *                everything above the queue and opens it;
 *   PUSHED       opened on top of another by a screen (a record, help,
 *                search, a form).
 * The screen ids, their bits, the masks below and the registry the desk
 * looks screens up in (screens.c) all come from this list, so adding a
 * screen is one line here. */
#ifndef CAREDESK_UI_SCREENS_H
#define CAREDESK_UI_SCREENS_H

#define SCREENS(X) \
	X(QUEUE, queue_screen, TOP(QUEUE)) \
	X(CASELOAD, caseload_screen, TOP(CASELOAD)) \
	X(HANDOVER, handover_screen, TOP(HANDOVER)) \
	X(CASE, case_screen, PUSHED) \
	X(SEARCH, search_screen, PUSHED) \
	X(HELP, help_screen, PUSHED) \
	X(FORM, form_screen, PUSHED) \
	X(CONFLICTS, conflicts_screen, TOP(CONFLICTS)) \
	X(ACCESS, access_review_screen, TOP(ACCESS_REVIEW))

enum screen_id {
#define X(id, ops, how) SCREEN_##id,
	SCREENS(X)
#undef X
	SCREEN_COUNT
};

/* A screen's bit in a command's mask. */
enum screen_bit {
#define X(id, ops, how) ON_##id = 1u << SCREEN_##id,
	SCREENS(X)
#undef X
	ON_ALL = (1u << SCREEN_COUNT) - 1,
	/* Every screen but forms, which take every key as text. */
	ON_DESK = ON_ALL & ~ON_FORM,
	/* The lists, which move with the list driver's keys. */
	ON_LISTS = ON_QUEUE | ON_CASELOAD | ON_HANDOVER | ON_CASE | ON_HELP | ON_CONFLICTS |
		   ON_SEARCH | ON_ACCESS,
};

#endif
