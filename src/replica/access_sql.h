/* The SQL every list, search and export uses to show a person: a record
 * restricted from the acting worker (temp.person_hidden, access.c) shows
 * as "restricted record", with no NHS number, address or postcode.  P is
 * the alias of the person row in the query ("p").  Only displays use
 * these: the rules (age group, timescales) read the person as stored. */
#ifndef CAREDESK_REPLICA_ACCESS_SQL_H
#define CAREDESK_REPLICA_ACCESS_SQL_H

#define SQL_PERSON_HIDDEN(P) \
	"(" P ".restricted = 1 AND " P ".id IN (SELECT id FROM temp.person_hidden))"
#define SQL_PERSON_FIELD(P, FIELD, HIDDEN_AS) \
	"(CASE WHEN " SQL_PERSON_HIDDEN(P) " THEN " HIDDEN_AS " ELSE " P "." FIELD " END)"

#define SQL_PERSON_FAMILY(P) SQL_PERSON_FIELD(P, "family_name", "'restricted record'")
#define SQL_PERSON_GIVEN(P) SQL_PERSON_FIELD(P, "given_name", "''")
#define SQL_PERSON_NHS(P) SQL_PERSON_FIELD(P, "nhs_number", "NULL")
#define SQL_PERSON_POSTCODE(P) SQL_PERSON_FIELD(P, "postcode", "''")
#define SQL_PERSON_ADDRESS(P) SQL_PERSON_FIELD(P, "address", "''")
/* "Given Family", or "restricted record". */
#define SQL_PERSON_NAME(P) \
	"(CASE WHEN " SQL_PERSON_HIDDEN(P) " THEN 'restricted record' ELSE " P ".given_name || ' ' || " \
	P ".family_name END)"
/* "Family, Given", or "restricted record". */
#define SQL_PERSON_SORTNAME(P) \
	"(CASE WHEN " SQL_PERSON_HIDDEN(P) " THEN 'restricted record' ELSE " P ".family_name || ', ' || " \
	P ".given_name END)"

/* The text of a handover item (alias h) about a record restricted from
 * the reader: not shown, on the desk as in an export. */
#define SQL_HANDOVER_TEXT(col) \
	"(CASE WHEN h.person_id IN (SELECT id FROM temp.person_hidden) THEN '(restricted record)' " \
	"ELSE " col " END)"

#endif
