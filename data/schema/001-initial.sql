-- caredesk replica schema, migration 1.
--
-- Every table is STRICT; every enumerated column has a CHECK (written as
-- OR-ed comparisons: SQLite 3.40 builds a temporary index for a CHECK's
-- IN list on every insert, which more than doubles the cost of a bulk
-- load); code lists
-- (sources, categories, decisions, closure reasons) are tables loaded from
-- data/codes.tsv so a borough can extend them, and referenced by foreign key.
-- Synced records carry a UUID key, created_at, updated_at, version (mutable
-- rows) and locality (the sync scope) from this first migration, and the
-- capture triggers that fill the outbox are generated from sync_table after
-- every migration (see src/replica/capture.c).  Times are ISO 8601 UTC text
-- ("2026-11-23T09:00:00Z"), which sorts in time order.

-- Reference data: the same on every host, keyed by code rather than UUID so
-- every replica agrees without syncing it.
CREATE TABLE locality (
	code TEXT PRIMARY KEY CHECK (code GLOB '[a-z]*' AND length(code) <= 32),
	name TEXT NOT NULL,
	borough_wide INTEGER NOT NULL DEFAULT 0 CHECK (borough_wide IN (0, 1))
) STRICT;

CREATE TABLE team (
	code TEXT PRIMARY KEY CHECK (code GLOB '[a-z]*' AND length(code) <= 48),
	name TEXT NOT NULL,
	service TEXT NOT NULL CHECK ((service = 'children' OR service = 'adults' OR
		service = 'all-age' OR service = 'mash' OR service = 'children-in-care' OR
		service = 'care-leavers')),
	locality TEXT NOT NULL REFERENCES locality(code)
) STRICT;

CREATE TABLE source_code (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE category_code (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE decision_code (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	closes INTEGER NOT NULL DEFAULT 0 CHECK (closes IN (0, 1))	-- the decision ends the referral
) STRICT;
CREATE TABLE closure_reason_code (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;

-- Local to this host, never synced.
CREATE TABLE replica_meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE sync_table (
	name TEXT PRIMARY KEY,
	append_only INTEGER NOT NULL CHECK (append_only IN (0, 1))
) STRICT;

-- Written first by every write transaction and deleted before it commits:
-- the capture triggers read it, and refuse a synced write without it, so an
-- edit made behind caredesk's back fails loudly instead of escaping the
-- outbox.  capture = 0 marks the pull applier's own transactions.
CREATE TABLE txn_context (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	txn_id TEXT NOT NULL,
	worker TEXT NOT NULL,
	action TEXT NOT NULL,
	schema_version INTEGER NOT NULL,
	at TEXT NOT NULL,
	capture INTEGER NOT NULL DEFAULT 1 CHECK (capture IN (0, 1))
) STRICT;

CREATE TABLE outbox (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	change_id TEXT NOT NULL UNIQUE,
	txn_id TEXT NOT NULL,
	tbl TEXT NOT NULL,
	row_id TEXT NOT NULL,
	op TEXT NOT NULL CHECK ((op = 'insert' OR op = 'update' OR op = 'delete')),
	base_version INTEGER,
	changes TEXT NOT NULL CHECK (json_valid(changes)),	-- {"col": [old, new], ...}
	worker TEXT NOT NULL,
	schema_version INTEGER NOT NULL,
	created_at TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_by_txn ON outbox(txn_id, seq);
CREATE INDEX outbox_by_row ON outbox(tbl, row_id);

-- Synced records.
CREATE TABLE worker (
	id TEXT PRIMARY KEY,
	login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 64),
	name TEXT NOT NULL,
	team TEXT NOT NULL REFERENCES team(code),
	role TEXT NOT NULL CHECK ((role = 'duty' OR role = 'practitioner' OR role = 'mash' OR
		role = 'manager' OR role = 'admin')),
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code)
) STRICT;
CREATE INDEX worker_by_team ON worker(team, active);

CREATE TABLE person (
	id TEXT PRIMARY KEY,
	nhs_number TEXT UNIQUE CHECK (nhs_number IS NULL OR
		(length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*')),
	family_name TEXT NOT NULL,
	given_name TEXT NOT NULL,
	date_of_birth TEXT NOT NULL CHECK (date_of_birth GLOB
		'[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
	address TEXT NOT NULL DEFAULT '',
	postcode TEXT NOT NULL DEFAULT '',
	restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code)
) STRICT;
CREATE INDEX person_by_name ON person(family_name COLLATE NOCASE, given_name COLLATE NOCASE);
CREATE INDEX person_by_dob ON person(date_of_birth);
CREATE INDEX person_by_postcode ON person(postcode);

CREATE TABLE relationship (
	id TEXT PRIMARY KEY,
	person_id TEXT NOT NULL REFERENCES person(id),
	related_id TEXT NOT NULL REFERENCES person(id) CHECK (related_id <> person_id),
	kind TEXT NOT NULL CHECK ((kind = 'parent' OR kind = 'child' OR kind = 'sibling' OR
		kind = 'carer' OR kind = 'cared-for' OR kind = 'household-member' OR
		kind = 'partner')),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code),
	UNIQUE (person_id, related_id, kind)
) STRICT;
CREATE INDEX relationship_by_related ON relationship(related_id);

CREATE TABLE care_case (
	id TEXT PRIMARY KEY,
	person_id TEXT NOT NULL REFERENCES person(id),
	team TEXT NOT NULL REFERENCES team(code),
	opened_at TEXT NOT NULL,
	closed_at TEXT,
	closure_reason TEXT REFERENCES closure_reason_code(code),
	allocated_to TEXT REFERENCES worker(id),
	next_review TEXT CHECK (next_review IS NULL OR next_review GLOB
		'[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code),
	CHECK ((closed_at IS NULL) = (closure_reason IS NULL))
) STRICT;
CREATE INDEX case_by_person ON care_case(person_id);
-- The caseload: a worker's open cases in review order, keyset-paged by (next_review, id).
CREATE INDEX case_open_by_worker ON care_case(allocated_to, next_review, id)
	WHERE closed_at IS NULL;
CREATE INDEX case_open_by_team ON care_case(team, next_review, id)
	WHERE closed_at IS NULL;

CREATE TABLE referral (
	id TEXT PRIMARY KEY,
	person_id TEXT NOT NULL REFERENCES person(id),
	received_at TEXT NOT NULL,
	source TEXT NOT NULL REFERENCES source_code(code),
	reason TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL REFERENCES category_code(code),
	safeguarding INTEGER NOT NULL DEFAULT 0 CHECK (safeguarding IN (0, 1)),
	priority TEXT CHECK (priority IS NULL OR (priority = 'red' OR priority = 'amber' OR
		priority = 'green')),
	status TEXT NOT NULL DEFAULT 'new' CHECK ((status = 'new' OR status = 'triaged' OR
		status = 'allocated' OR status = 'closed')),
	decision TEXT REFERENCES decision_code(code),
	decision_reason TEXT,
	decision_due_at TEXT NOT NULL,
	decided_at TEXT,
	decided_by TEXT REFERENCES worker(id),
	team TEXT NOT NULL REFERENCES team(code),
	allocated_to TEXT REFERENCES worker(id),
	case_id TEXT REFERENCES care_case(id),
	re_referral INTEGER NOT NULL DEFAULT 0 CHECK (re_referral IN (0, 1)),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code),
	CHECK (status <> 'allocated' OR allocated_to IS NOT NULL)
) STRICT;
CREATE INDEX referral_by_person ON referral(person_id, received_at);
-- The queue: open referrals by due time, keyset-paged by (decision_due_at, id).
-- Open means waiting for a decision or an allocation; an allocated referral
-- has become a case and leaves the queue.  Queries repeat this exact
-- condition so the planner can use the partial indexes.
CREATE INDEX referral_open_by_due ON referral(decision_due_at, id)
	WHERE status = 'new' OR status = 'triaged';
CREATE INDEX referral_open_by_team ON referral(team, decision_due_at, id)
	WHERE status = 'new' OR status = 'triaged';
CREATE INDEX referral_by_received ON referral(received_at);

CREATE TABLE allocation (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES care_case(id),
	worker_id TEXT NOT NULL REFERENCES worker(id),
	allocated_by TEXT NOT NULL REFERENCES worker(id),
	allocated_at TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	locality TEXT NOT NULL REFERENCES locality(code)
) STRICT;
CREATE INDEX allocation_by_case ON allocation(case_id, allocated_at);

-- Chronology.  Append-only: a correction is a new note that amends an
-- earlier one.  Newest first by (person_id, created_at), ties by rowid.  The
-- chronology is the person's, so a case's notes are read through this index
-- too: a second index on case_id would cost every insert for no query.
CREATE TABLE note (
	id TEXT PRIMARY KEY,
	person_id TEXT NOT NULL REFERENCES person(id),
	case_id TEXT REFERENCES care_case(id),
	referral_id TEXT REFERENCES referral(id),
	author TEXT NOT NULL REFERENCES worker(id),
	kind TEXT NOT NULL CHECK ((kind = 'case-note' OR kind = 'contact' OR kind = 'visit' OR
		kind = 'phone-call' OR kind = 'meeting' OR kind = 'decision' OR
		kind = 'amendment' OR kind = 'system')),
	body TEXT NOT NULL CHECK (length(body) > 0),
	amends_id TEXT REFERENCES note(id),
	created_at TEXT NOT NULL,
	locality TEXT NOT NULL REFERENCES locality(code),
	CHECK ((kind = 'amendment') = (amends_id IS NOT NULL))
) STRICT;
CREATE INDEX note_by_person ON note(person_id, created_at);

CREATE TABLE handover_item (
	id TEXT PRIMARY KEY,
	author TEXT NOT NULL REFERENCES worker(id),
	team TEXT NOT NULL REFERENCES team(code),
	priority TEXT NOT NULL CHECK ((priority = 'red' OR priority = 'amber' OR
		priority = 'green')),
	situation TEXT NOT NULL,
	background TEXT NOT NULL,
	assessment TEXT NOT NULL,
	recommendation TEXT NOT NULL,
	person_id TEXT REFERENCES person(id),
	case_id TEXT REFERENCES care_case(id),
	created_at TEXT NOT NULL,
	locality TEXT NOT NULL REFERENCES locality(code)
) STRICT;
CREATE INDEX handover_by_team ON handover_item(team, created_at);

CREATE TABLE handover_ack (
	id TEXT PRIMARY KEY,
	item_id TEXT NOT NULL REFERENCES handover_item(id),
	worker_id TEXT NOT NULL REFERENCES worker(id),
	readback TEXT NOT NULL DEFAULT '',
	acked_at TEXT NOT NULL,
	created_at TEXT NOT NULL,
	locality TEXT NOT NULL REFERENCES locality(code),
	UNIQUE (item_id, worker_id)
) STRICT;

CREATE TABLE flag (
	id TEXT PRIMARY KEY,
	person_id TEXT NOT NULL REFERENCES person(id),
	type TEXT NOT NULL CHECK ((type = 'child-protection-plan' OR type = 'child-in-care' OR
		type = 'care-leaver' OR type = 'adult-at-risk' OR type = 'risk-to-staff' OR
		type = 'possible-duplicate')),
	start_date TEXT NOT NULL,
	end_date TEXT,
	detail TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code),
	CHECK (end_date IS NULL OR end_date >= start_date)
) STRICT;
CREATE INDEX flag_by_person ON flag(person_id, type);

-- Who did or viewed what.  A hash chain per origin (the replica that wrote
-- the event), so events pulled from other hosts never break this one's.
CREATE TABLE audit_event (
	id TEXT PRIMARY KEY,
	origin TEXT NOT NULL,
	seq INTEGER NOT NULL CHECK (seq >= 1),
	at TEXT NOT NULL,
	actor TEXT NOT NULL,		-- the Unix login that ran the command
	worker TEXT NOT NULL,		-- the worker acted as (differs with --as)
	action TEXT NOT NULL,
	tbl TEXT NOT NULL DEFAULT '',
	record_id TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	created_at TEXT NOT NULL,
	locality TEXT NOT NULL REFERENCES locality(code),
	UNIQUE (origin, seq)
) STRICT;
CREATE INDEX audit_by_record ON audit_event(record_id);

INSERT INTO sync_table (name, append_only) VALUES
	('worker', 0), ('person', 0), ('relationship', 0), ('care_case', 0),
	('referral', 0), ('allocation', 1), ('note', 1), ('handover_item', 1),
	('handover_ack', 1), ('flag', 0), ('audit_event', 1);
