-- caredesk replica schema, migration 4: drafts.
-- What a worker was typing when their terminal went away (a dropped SSH
-- session, a closed window), kept for them alone and offered back the next
-- time they open the same form.  Local to this host: not synced, not
-- shared with other workers.
CREATE TABLE draft (
	worker TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind = 'handover' OR kind = 'note'),
	fields TEXT NOT NULL,		-- a JSON array of the form's values
	saved_at TEXT NOT NULL,
	PRIMARY KEY (worker, kind)
) STRICT;
