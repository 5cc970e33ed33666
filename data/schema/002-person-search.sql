-- caredesk replica schema, migration 2: search people as you type.
-- An external-content FTS5 index over person, kept current by triggers.
-- prefix='2 3' makes the short prefixes people type first cheap (DESIGN 7).
CREATE VIRTUAL TABLE person_search USING fts5(
	family_name, given_name, nhs_number, postcode,
	content='person', content_rowid='rowid',
	tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);

INSERT INTO person_search(rowid, family_name, given_name, nhs_number, postcode)
	SELECT rowid, family_name, given_name, coalesce(nhs_number, ''), replace(postcode, ' ', '')
	FROM person;

CREATE TRIGGER person_search_ai AFTER INSERT ON person BEGIN
	INSERT INTO person_search(rowid, family_name, given_name, nhs_number, postcode)
	VALUES (NEW.rowid, NEW.family_name, NEW.given_name, coalesce(NEW.nhs_number, ''),
		replace(NEW.postcode, ' ', ''));
END;

CREATE TRIGGER person_search_ad AFTER DELETE ON person BEGIN
	INSERT INTO person_search(person_search, rowid, family_name, given_name, nhs_number, postcode)
	VALUES ('delete', OLD.rowid, OLD.family_name, OLD.given_name, coalesce(OLD.nhs_number, ''),
		replace(OLD.postcode, ' ', ''));
END;

CREATE TRIGGER person_search_au AFTER UPDATE OF family_name, given_name, nhs_number, postcode ON person
BEGIN
	INSERT INTO person_search(person_search, rowid, family_name, given_name, nhs_number, postcode)
	VALUES ('delete', OLD.rowid, OLD.family_name, OLD.given_name, coalesce(OLD.nhs_number, ''),
		replace(OLD.postcode, ' ', ''));
	INSERT INTO person_search(rowid, family_name, given_name, nhs_number, postcode)
	VALUES (NEW.rowid, NEW.family_name, NEW.given_name, coalesce(NEW.nhs_number, ''),
		replace(NEW.postcode, ' ', ''));
END;
