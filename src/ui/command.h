/* The desk's one list of commands: what each key does.
 *
 * Each command has a name (for caredesk.conf's keys group), default keys
 * (key names as keys_parse reads them: a plain, Ctrl or arrow key first,
 * then any aliases), the screens it belongs to, and help text.  (The
 * domain's functions are *actions*, caredesk/actions.h; the replica's
 * units of writing are *transactions*.)  The enum, the
 * default bindings, the config parser, the hint line and the help screen
 * come from this list, so they cannot drift; tests/cli/man.sh checks the
 * manual's key table against it both ways.  A command's screens are bits
 * from the screen list (screens.h); check_screens proves that each screen
 * handles every command its bit claims. */
#ifndef CAREDESK_UI_COMMAND_H
#define CAREDESK_UI_COMMAND_H

#include "ui/screens.h"

/* X(ENUM, name, "keys", screens, hint, "help text")
 * hint: short label for the hint line, or NULL to keep it off the line. */
#define COMMANDS(X) \
	X(QUEUE, "queue", "1", ON_DESK & ~ON_SEARCH, NULL, "Referral queue") \
	X(CASELOAD, "caseload", "2", ON_DESK & ~ON_SEARCH, NULL, "Caseload: my cases") \
	X(HANDOVER, "handover", "3", ON_DESK & ~ON_SEARCH, NULL, "Shift handover of my team") \
	X(CONFLICTS, "conflicts", "C", ON_DESK & ~ON_SEARCH, NULL, \
	  "Sync conflicts kept for a person to decide") \
	X(ACCESS_REVIEW, "access_review", "A", ON_DESK & ~ON_SEARCH, NULL, \
	  "Access review: break-glass and views of restricted records") \
	X(MOVE_DOWN, "move_down", "j C-n Down", ON_LISTS, NULL, "Move down") \
	X(MOVE_UP, "move_up", "k C-p Up", ON_LISTS, NULL, "Move up") \
	X(PAGE_DOWN, "page_down", "C-f Space PgDn", ON_LISTS, NULL, "Next page") \
	X(PAGE_UP, "page_up", "C-b b PgUp", ON_LISTS, NULL, "Previous page") \
	X(FIRST, "first", "g Home", ON_LISTS, NULL, "First row") \
	X(LAST, "last", "G End", ON_LISTS, NULL, "Last row") \
	X(OPEN, "open", "Enter", ON_QUEUE | ON_CASELOAD | ON_SEARCH, "Open", \
	  "Open the person's record") \
	X(SEARCH, "search", "/", ON_DESK & ~ON_SEARCH, "Find", \
	  "Search people by name, NHS number or postcode") \
	X(TRIAGE, "triage", "t", ON_QUEUE | ON_CASE, "Triage", \
	  "Triage the referral: priority, decision and reason") \
	X(ALLOCATE, "allocate", "a", ON_QUEUE | ON_CASELOAD | ON_CASE, "Allocate", \
	  "Allocate the referral, or reallocate the case, to a worker") \
	X(NOTE, "note", "n", ON_QUEUE | ON_CASELOAD | ON_CASE, "Note", \
	  "Add a note to the chronology") \
	X(AMEND, "amend", "e", ON_CASE, "Amend", \
	  "Correct the selected note with a new one (the original stays)") \
	X(BREAK_GLASS, "break_glass", "!", ON_CASE, NULL, \
	  "Open a restricted record in an emergency, saying why (audited)") \
	X(REVIEW, "review", "r", ON_CASELOAD, "Review", "Set the case's next review date") \
	X(CLOSE_CASE, "close_case", "x", ON_CASELOAD, "Close", "Close the case, with a reason") \
	X(TEAM_TOGGLE, "team_toggle", "T", ON_CASELOAD, "Team", \
	  "Show my team's open cases, or only mine") \
	X(WRITE_HANDOVER, "write_handover", "w", ON_HANDOVER, "Write", \
	  "Write a handover item for the next shift (SBAR)") \
	X(ACKNOWLEDGE, "acknowledge", "a", ON_HANDOVER, "Acknowledge", \
	  "Acknowledge the selected item with a read-back") \
	X(KEEP_KEPT, "keep_kept", "K", ON_CONFLICTS, "Keep", \
	  "Resolve: keep the value central kept (managers)") \
	X(KEEP_OTHER, "keep_other", "O", ON_CONFLICTS, "Other", \
	  "Resolve: take the other value instead (managers)") \
	X(MARK_REVIEWED, "mark_reviewed", "r", ON_ACCESS, "Reviewed", \
	  "Mark the selected event reviewed, with a note (auditors)") \
	X(FILTER_PRIORITY, "filter_priority", "p", ON_QUEUE, "Pri", \
	  "Filter by priority: all, red, amber, green, not yet triaged") \
	X(FILTER_CATEGORY, "filter_category", "c", ON_QUEUE, "Cat", \
	  "Filter by category, one after another, then all") \
	X(FILTER_MINE, "filter_mine", "m", ON_QUEUE, "Mine", "Only my team's referrals") \
	X(FILTER_SAFEGUARDING, "filter_safeguarding", "s", ON_QUEUE, "SG", \
	  "Only safeguarding concerns") \
	X(SAVE, "save", "C-o", ON_FORM, "Save", "Save the form") \
	X(NEXT_FIELD, "next_field", "Tab C-n Down", ON_FORM, "Next", "Next field") \
	X(PREVIOUS_FIELD, "previous_field", "C-p BTab Up", ON_FORM, NULL, "Previous field") \
	X(NEXT_OR_SAVE, "next_or_save", "Enter", ON_FORM, NULL, \
	  "Next field; on the last field, save") \
	X(CANCEL, "cancel", "C-c Esc", ON_FORM, "Cancel", \
	  "Leave the form (asks first if anything was typed)") \
	X(EDIT_LEFT, "edit_left", "Left", ON_FORM | ON_SEARCH, NULL, \
	  "Back one character; in a choice, the previous one") \
	X(EDIT_RIGHT, "edit_right", "Right", ON_FORM | ON_SEARCH, NULL, \
	  "On one character; in a choice, the next one") \
	X(EDIT_HOME, "edit_home", "C-a", ON_FORM | ON_SEARCH, NULL, "To the start of the text") \
	X(EDIT_END, "edit_end", "C-e", ON_FORM | ON_SEARCH, NULL, "To the end of the text") \
	X(DELETE_BACK, "delete_back", "C-h Backspace DEL", ON_FORM | ON_SEARCH, NULL, \
	  "Delete the character before the cursor") \
	X(DELETE_CHAR, "delete_char", "C-d Delete", ON_FORM | ON_SEARCH, NULL, \
	  "Delete the character under the cursor") \
	X(KILL_LINE, "kill_line", "C-u", ON_FORM | ON_SEARCH, NULL, "Clear the text") \
	X(KILL_TO_END, "kill_to_end", "C-k", ON_FORM | ON_SEARCH, NULL, \
	  "Delete from the cursor to the end") \
	X(KILL_WORD, "kill_word", "C-w", ON_FORM | ON_SEARCH, NULL, \
	  "Delete the word before the cursor") \
	X(HELP, "help", "? F1", ON_DESK & ~ON_HELP, "Help", "Help for this screen") \
	X(REPAINT, "repaint", "C-l", ON_ALL, NULL, "Repaint the screen") \
	X(SYNC_NOW, "sync_now", "S", ON_DESK & ~ON_SEARCH, NULL, "Ask the sync agent to run now") \
	X(SUSPEND, "suspend", "C-z", ON_ALL, NULL, "Suspend the desk (fg to return)") \
	X(BACK, "back", "q C-c Esc", ON_DESK, "Quit", "Back; quit from the top screen")

enum command {
	CMD_NONE = 0,
#define X(e, name, keys, screens, hint, help) CMD_##e,
	COMMANDS(X)
#undef X
	CMD_COUNT
};

struct command_info {
	const char *name;
	const char *keys;
	unsigned screens;
	const char *hint;
	const char *help;
};

const struct command_info *command_info(enum command a);
/* The permission (enum permission) a command needs, or -1 for none: the
 * desk hides the command from a worker none of whose roles holds it, and
 * says why when its key is pressed; the replica checks it again, against
 * the record, when the change is made. */
int command_permission(enum command a);
int command_by_name(const char *name, enum command *out);

#endif
