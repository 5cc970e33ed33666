/* The screen list and the action table agree: every action whose mask
 * names a screen is handled on that screen, run through the desk's own
 * dispatch (desk_do) on a real replica, with ncurses on /dev/null.  A
 * screen that claims a key it ignores would advertise it in help and on
 * the hint line and then do nothing; a new screen bit that an "all
 * screens" mask forgot would lose q, ? and C-l.  Both fail here. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "ui/ui.h"

static struct tl_env env;
static char person[UUID_STR_LEN], referral[UUID_STR_LEN];
static SCREEN *term;
static FILE *term_out, *term_in;

static void setup(void)
{
	tl_process_init();
	tl_env_open(&env, TL_LOCALITY);
	tl_person_referral(env.r, person, referral);
	/* Suspend (C-z) must not stop the test; ncurses leaves an ignored
	 * SIGTSTP alone. */
	signal(SIGTSTP, SIG_IGN);
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	term_out = fopen("/dev/null", "w");
	term_in = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(term_out);
	ck_assert_ptr_nonnull(term_in);
	term = newterm(NULL, term_out, term_in);
	ck_assert_ptr_nonnull(term);
	set_term(term);
}

static void teardown(void)
{
	endwin();
	delscreen(term);
	fclose(term_out);
	fclose(term_in);
	tl_env_close(&env);
}

static void ui_start(struct ui *ui)
{
	memset(ui, 0, sizeof(*ui));
	ui->r = env.r;
	ui->rows = 24;
	ui->cols = 80;
	ui->mode = TEXT_MODE_UTF8;
	bindings_default(&ui->keys);
	theme_default(&ui->theme);
	ck_assert_int_eq(ui_push(ui, screen_registry[SCREEN_QUEUE], NULL), 0);
}

static void ui_stop(struct ui *ui)
{
	while (ui->depth)
		ui_pop(ui);
}

/* Bring screen id to the top as a worker would reach it. */
static void reach(struct ui *ui, enum screen_id id)
{
	switch (id) {
	case SCREEN_QUEUE:
		break;
	case SCREEN_CASE:
		ck_assert_int_eq(ui_push(ui, screen_registry[SCREEN_CASE], person), 0);
		break;
	case SCREEN_SEARCH:
	case SCREEN_HELP:
		ck_assert_int_eq(ui_push(ui, screen_registry[id], NULL), 0);
		break;
	case SCREEN_FORM:
		/* A note on the queue's selected referral opens a form. */
		desk_do(ui, CMD_NOTE);
		break;
	default: {
		/* A top-level screen: the action the screen list opens it by. */
		enum command open = CMD_NONE;

		for (int a = 1; a < CMD_COUNT; a++)
			if (screen_opened_by((enum command)a) == screen_registry[id])
				open = (enum command)a;
		ck_assert_msg(open != CMD_NONE, "screen %s has no way to open it",
			      screen_registry[id]->title);
		desk_do(ui, open);
	}
	}
	ck_assert_msg(ui->depth > 0 && ui_top(ui)->ops == screen_registry[id],
		      "could not reach the %s screen", screen_registry[id]->title);
}

/* _i is a screen id: every action its bit claims is handled there. */
START_TEST(test_every_claimed_action_is_handled)
{
	enum screen_id id = (enum screen_id)_i;
	int claimed = 0;

	for (int a = 1; a < CMD_COUNT; a++) {
		const struct command_info *info = command_info((enum command)a);
		struct ui ui;
		int flags;

		if (!(info->screens & (1u << id)))
			continue;
		claimed++;
		ui_start(&ui);
		reach(&ui, id);
		flags = desk_do(&ui, (enum command)a);
		ck_assert_msg(flags & RUN_HANDLED, "the %s screen claims %s (%s) but does not handle it",
			      screen_registry[id]->title, info->name, info->keys);
		ui_stop(&ui);
	}
	/* Every screen at least repaints and suspends. */
	ck_assert_int_ge(claimed, 2);
}
END_TEST

/* The masks come from the screen list: the masks every screen shares
 * name every screen, whatever the number of screens. */
START_TEST(test_shared_actions_reach_every_screen)
{
	static const enum command everywhere[] = { CMD_REPAINT, CMD_SUSPEND };
	static const enum command every_desk_screen[] = { CMD_BACK };

	for (int i = 0; i < N_CASES(everywhere); i++)
		ck_assert_uint_eq(command_info(everywhere[i])->screens, ON_ALL);
	for (int i = 0; i < N_CASES(every_desk_screen); i++)
		for (int id = 0; id < SCREEN_COUNT; id++)
			if (id != SCREEN_FORM)
				ck_assert_msg(command_info(every_desk_screen[i])->screens & (1u << id),
					      "%s is not on the %s screen",
					      command_info(every_desk_screen[i])->name,
					      screen_registry[id]->title);
	ck_assert_uint_eq(ON_ALL, (1u << SCREEN_COUNT) - 1);
}
END_TEST

/* The registry holds every screen of the list under its own id. */
START_TEST(test_registry_matches_ids)
{
	for (int id = 0; id < SCREEN_COUNT; id++) {
		ck_assert_ptr_nonnull(screen_registry[id]);
		ck_assert_int_eq(screen_registry[id]->id, id);
	}
}
END_TEST

/* No key does two things on one screen: the default bindings give each
 * key at most one action per screen. */
START_TEST(test_no_key_bound_twice_on_a_screen)
{
	struct bindings b;

	bindings_default(&b);
	for (int i = 0; i < b.count; i++)
		for (int j = i + 1; j < b.count; j++) {
			unsigned both = command_info(b.map[i].command)->screens &
					command_info(b.map[j].command)->screens;

			if (b.map[i].key != b.map[j].key || b.map[i].command == b.map[j].command)
				continue;
			ck_assert_msg(!both, "one key is bound to both %s and %s on a screen",
				      command_info(b.map[i].command)->name,
				      command_info(b.map[j].command)->name);
		}
}
END_TEST

static Suite *screens_suite(void)
{
	Suite *s = suite_create("screens");
	TCase *tc = tcase_create("actions");

	tcase_add_unchecked_fixture(tc, tl_base_setup, tl_base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_every_claimed_action_is_handled, 0, SCREEN_COUNT);
	tcase_add_test(tc, test_shared_actions_reach_every_screen);
	tcase_add_test(tc, test_registry_matches_ids);
	tcase_add_test(tc, test_no_key_bound_twice_on_a_screen);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(screens_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
