/* NHS numbers: ten digits with a Modulus 11 check digit.
 * Weights 10..2 on the first nine digits; check = 11 - (sum mod 11);
 * 11 means 0 and 10 means the number can never have been issued. */
#ifndef CAREDESK_NHS_H
#define CAREDESK_NHS_H

#include <stdbool.h>
#include <stddef.h>

/* The check digit of the first nine digits, or -1 if it would be 10. */
int nhs_check_digit(const char digits[9]);

/* Parse user input: ten digits, optionally grouped by single spaces or
 * hyphens as 3 3 4.  On success writes the ten plain digits and a NUL to out
 * and returns 0; otherwise returns -1 with the reason in *why (static text). */
int nhs_parse(const char *input, char out[11], const char **why);

/* True if s is exactly ten digits with a correct check digit. */
bool nhs_valid(const char *s);

/* Format ten plain digits as "943 476 5919" into out (at least 13 bytes). */
void nhs_format(const char *digits, char *out, size_t size);

#endif
