/* Fuzzing caredesk-syncd's request handling (central_answer over a live
 * embedded central, src/sync/central.c and store_sqlite.c).
 *
 * An input is one connection: its lines are requests, each answered as
 * caredesk-syncd's serve loop answers it (a line that is not JSON gets a
 * protocol error).  Every request must get exactly one answer: an object
 * with a type, or a refusal with a code and a message; a pull's body must
 * hold as many record lines as its answer counts, each "seq TAB tbl TAB id
 * TAB row".
 *
 * The central is a real SQLite central made once per process.  Before
 * each input it is put back as it was made (its file rewritten from a copy
 * in memory), so every input meets the same central: a crash found is
 * reproduced by its input alone, and pushes do not pile up and slow the
 * run down.  FUZZ_VERBOSE=1 shows each answer, for reading an input the
 * fuzzer found. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/datetime.h"
#include "fuzz.h"
#include "sync/central.h"

/* The clock every input runs at, so stored times are the same each run. */
#define FUZZ_NOW "2026-11-23T09:30:00Z"

static char path[PATH_MAX];
static char *pristine;		/* the central's file as made */
static size_t pristine_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct central *c;
	struct cd_error err;

	(void)argc;
	(void)argv;
	setenv("CAREDESK_NOW", FUZZ_NOW, 1);
	if (now_init())
		fuzz_fail("CAREDESK_NOW");
	fuzz_path(path, "central.db");
	cd_error_clear(&err);
	if (central_open(path, true, &c, &err))
		fuzz_fail("cannot make a central: %s", err.msg);
	central_close(&c);	/* the last connection: the WAL is folded in */
	pristine = fuzz_read_file(path, &pristine_len);
	return 0;
}

/* A pull's record lines: as many as counted, each with its three tabs. */
static void check_body(json_t *reply, const struct pull_body *body)
{
	json_int_t count = json_integer_value(json_object_get(reply, "count"));
	int lines = 0;

	for (size_t i = 0, start = 0; i < body->len; i++) {
		int tabs = 0;

		if (body->text[i] != '\n')
			continue;
		for (size_t k = start; k < i; k++)
			tabs += body->text[k] == '\t';
		if (tabs < 3)
			fuzz_fail("a record line with %d tabs", tabs);
		lines++;
		start = i + 1;
	}
	if (lines != body->lines || count != lines)
		fuzz_fail("a pull counted %lld records and sent %d lines (body says %d)",
			  (long long)count, lines, body->lines);
	if (body->len && body->text[body->len - 1] != '\n')
		fuzz_fail("a pull body that does not end its last line");
}

/* One request line, answered as caredesk-syncd answers it. */
static void answer(struct central *c, const char *line)
{
	json_error_t jerr;
	json_t *request = json_loads(line, 0, &jerr), *reply = NULL;
	struct pull_body body = { 0 };
	struct cd_error err;
	char *text;

	cd_error_clear(&err);
	if (request)
		reply = central_answer(c, request, &body, &err);
	if (reply) {
		if (!json_is_string(json_object_get(reply, "type")))
			fuzz_fail("an answer without a type");
		if (strcmp(json_string_value(json_object_get(reply, "type")), "pull") == 0)
			check_body(reply, &body);
		else if (body.len)
			fuzz_fail("a body after a %s answer",
				  json_string_value(json_object_get(reply, "type")));
	} else if (request && (!err.code || !err.msg[0])) {
		fuzz_fail("a request refused without a code or a reason");
	}
	text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
	if (reply && !text)
		fuzz_fail("an answer that cannot be encoded");
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%.200s\n", text ? text : err.msg);
	free(text);
	free(body.text);
	json_decref(reply);
	json_decref(request);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *input = fuzz_string(data, size), *line, *save = NULL;
	struct central *c;
	struct cd_error err;

	fuzz_restore_db(path, pristine, pristine_len);
	cd_error_clear(&err);
	if (central_open(path, false, &c, &err))
		fuzz_fail("cannot open the central: %s", err.msg);
	for (line = strtok_r(input, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		answer(c, line);
	central_close(&c);
	free(input);
	return 0;
}
