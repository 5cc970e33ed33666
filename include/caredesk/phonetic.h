/* Phonetic keys for catching duplicate people (American Soundex, as the
 * incumbent case systems use).  Non-letters are ignored, so "O'Brien" and
 * "OBrien" agree; names with no ASCII letters get an empty key and never
 * match phonetically (the date of birth and postcode still can). */
#ifndef CAREDESK_PHONETIC_H
#define CAREDESK_PHONETIC_H

#define SOUNDEX_LEN 5

void soundex(const char *name, char out[SOUNDEX_LEN]);

#endif
