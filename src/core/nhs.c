/* NHS number validation and formatting (Modulus 11).
 * A number whose check digit comes out as 10 was never issued, so it is
 * invalid whatever its tenth digit says. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/nhs.h"

int nhs_check_digit(const char digits[9])
{
	int sum = 0;
	int check;

	for (int i = 0; i < 9; i++)
		sum += (digits[i] - '0') * (10 - i);
	check = 11 - sum % 11;
	if (check == 11)
		return 0;
	if (check == 10)
		return -1;
	return check;
}

bool nhs_valid(const char *s)
{
	int check;

	if (!s || strlen(s) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	check = nhs_check_digit(s);
	return check >= 0 && check == s[9] - '0';
}

/* Separators are allowed only between the 3-3-4 groups, as people write
 * them; "9 4 3 4 ..." is more likely a typing slip than a format. */
static bool separator_allowed_after(int ndigits)
{
	return ndigits == 3 || ndigits == 6;
}

int nhs_parse(const char *input, char out[11], const char **why)
{
	int n = 0;
	char sep = 0;

	for (const char *p = input; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n == 10) {
				*why = "more than ten digits";
				return -1;
			}
			out[n++] = *p;
		} else if ((*p == ' ' || *p == '-') && separator_allowed_after(n) &&
			   isdigit((unsigned char)p[1]) && (!sep || sep == *p)) {
			sep = *p;
		} else {
			*why = "not ten digits (written as 943 476 5919 or 9434765919)";
			return -1;
		}
	}
	out[n] = '\0';
	if (n != 10) {
		*why = "not ten digits (written as 943 476 5919 or 9434765919)";
		return -1;
	}
	if (nhs_check_digit(out) < 0) {
		*why = "check digit would be 10: not a number the NHS issues";
		return -1;
	}
	if (!nhs_valid(out)) {
		*why = "check digit does not match (mistyped?)";
		return -1;
	}
	return 0;
}

void nhs_format(const char *digits, char *out, size_t size)
{
	if (!digits || strlen(digits) != 10) {
		snprintf(out, size, "%s", digits ? digits : "");
		return;
	}
	snprintf(out, size, "%.3s %.3s %.4s", digits, digits + 3, digits + 6);
}
