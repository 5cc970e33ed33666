-- caredesk replica schema, migration 9: a draft for every form.
-- Migration 4 kept drafts of the handover form alone, one a worker.  A
-- worker disabled while their desk is open, or whose terminal goes away,
-- may be in the middle of any form: a triage, a closure, a note.  Each
-- such form keeps what was typed, for the record it was about (record_id;
-- '' for a form about no one record), so that a draft is only ever offered
-- back on the same record: never a triage typed for one child shown on
-- another's form.  Still local to this host: not synced, not shared.
CREATE TABLE draft_by_record (
	worker TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('handover', 'note', 'amend', 'triage', 'allocate',
					   'reallocate', 'review', 'close', 'acknowledge')),
	record_id TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL,		-- a JSON array of the form's values
	saved_at TEXT NOT NULL,
	PRIMARY KEY (worker, kind, record_id)
) STRICT;
INSERT INTO draft_by_record (worker, kind, record_id, fields, saved_at)
	SELECT worker, kind, '', fields, saved_at FROM draft;
DROP TABLE draft;
ALTER TABLE draft_by_record RENAME TO draft;
