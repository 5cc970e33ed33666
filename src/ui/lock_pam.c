/* The idle lock's password check through PAM (see lock.h).
 *
 * The service is "caredesk" ($(sysconfdir)/pam.d/caredesk, installed from
 * data/pam.d/caredesk), so a site chooses the modules (pam_unix, LDAP,
 * sss, faillock) without a change here.  The password was typed on the
 * lock screen already, so the conversation answers the one hidden prompt
 * with it and refuses anything else it would have to ask the worker. */
#include <security/pam_appl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/lock.h"

#define LOCK_PAM_SERVICE "caredesk"

struct conv_data {
	const char *password;	/* borrowed from the lock */
	bool answered;		/* the password went to one prompt already */
	char *why;		/* PAM's own message for the worker, if any */
	size_t size;
	unsigned delay_us;	/* the fail delay the modules asked for */
};

static void drop_responses(struct pam_response *r, int n)
{
	for (int i = 0; i < n; i++)
		if (r[i].resp) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
}

/* One message: 0, or -1 for a question we cannot answer (a second hidden
 * prompt, such as a one-time code, or one asked with echo). */
static int answer(const struct pam_message *m, struct pam_response *r, struct conv_data *d)
{
	switch (m->msg_style) {
	case PAM_PROMPT_ECHO_OFF:
		if (d->answered)
			return -1;
		d->answered = true;
		r->resp = strdup(d->password);
		return r->resp ? 0 : -1;
	case PAM_ERROR_MSG:
	case PAM_TEXT_INFO:
		snprintf(d->why, d->size, "%s", m->msg ? m->msg : "");
		return 0;
	default:
		return -1;
	}
}

/* PAM owns the responses (it frees them, and each resp), as its
 * conversation contract says; on failure we free what we made. */
static int converse(int n, const struct pam_message **msg, struct pam_response **resp,
		    void *appdata)
{
	struct pam_response *r;

	if (n <= 0)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		if (answer(msg[i], &r[i], appdata)) {
			drop_responses(r, n);
			return PAM_CONV_ERR;
		}
	*resp = r;
	return PAM_SUCCESS;
}

/* Linux-PAM's fail delay (pam_unix asks for about two seconds): kept,
 * not slept, so the desk stays responsive and the lock enforces it. */
static void record_delay(int retval, unsigned usec, void *appdata)
{
	struct conv_data *d = appdata;

	if (retval != PAM_SUCCESS && usec > d->delay_us)
		d->delay_us = usec;
}

static void set_items(pam_handle_t *pamh)
{
	const char *tty = ttyname(STDIN_FILENO);

	/* The terminal, for the modules' logs (pam_unix names it). */
	if (tty)
		pam_set_item(pamh, PAM_TTY, tty);
	/* PAM takes the function through its void * item interface. */
	pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)record_delay);
}

static void describe(pam_handle_t *pamh, int rc, char *why, size_t size)
{
	if (why[0])
		return;	/* a module said why in its own words */
	if (rc == PAM_AUTH_ERR || rc == PAM_USER_UNKNOWN || rc == PAM_MAXTRIES)
		snprintf(why, size, "Wrong password.");
	else if (rc == PAM_NEW_AUTHTOK_REQD)
		snprintf(why, size, "Your password has expired: ask IT to reset it.");
	else
		snprintf(why, size, "Cannot check the password: %s.", pam_strerror(pamh, rc));
}

int lock_pam_check(const char *login, const char *password, char *why, size_t size,
		   unsigned *delay_ms)
{
	struct conv_data d = { .password = password, .why = why, .size = size };
	struct pam_conv conv = { converse, &d };
	pam_handle_t *pamh = NULL;
	int rc;

	why[0] = '\0';
	*delay_ms = 0;
	rc = pam_start(LOCK_PAM_SERVICE, login, &conv, &pamh);
	if (rc != PAM_SUCCESS) {
		snprintf(why, size, "Cannot start PAM: %s.", pam_strerror(pamh, rc));
		return -1;
	}
	set_items(pamh);
	rc = pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK);
	/* An account expired or disabled while the desk was open stays locked. */
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS)
		describe(pamh, rc, why, size);
	*delay_ms = d.delay_us / 1000;
	pam_end(pamh, rc);
	return rc == PAM_SUCCESS ? 0 : -1;
}
