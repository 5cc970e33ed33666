-- caredesk replica schema, migration 5: what the sync agent knows.
--
-- Which desk action made each change, so central can tell a manager's
-- resolution of a conflict (which may edit a closed record) from an
-- ordinary edit.
ALTER TABLE outbox ADD COLUMN action TEXT NOT NULL DEFAULT '';

-- sync_state: the agent's own state on this host (central URI, pull
-- cursor, last success, offline since, the last error), written only when
-- it changes, as every write wakes every open desk.  Local, not synced.
CREATE TABLE sync_state (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- Changes central refused (a record that fails its rules there, such as a
-- second person with the same NHS number).  Kept here, shown on the desk
-- and by caredesk sync status, never dropped.  Local: each host keeps its
-- own rejects.
CREATE TABLE sync_reject (
	change_id TEXT PRIMARY KEY,
	txn_id TEXT NOT NULL,
	tbl TEXT NOT NULL,
	row_id TEXT NOT NULL,
	op TEXT NOT NULL,
	changes TEXT NOT NULL,
	worker TEXT NOT NULL,
	created_at TEXT NOT NULL,
	reason TEXT NOT NULL,
	rejected_at TEXT NOT NULL
) STRICT;

-- Records pulled before what they refer to: a checkpoint can hold a
-- referral whose person changed later (so comes in a later checkpoint), or
-- a family link to someone outside this replica's scope.  They wait here,
-- out of the tables (so every reference in the tables holds), and are
-- stored again with each pull until what they need has arrived.  Local.
CREATE TABLE sync_parked (
	tbl TEXT NOT NULL,
	row_id TEXT NOT NULL,
	row TEXT NOT NULL CHECK (json_valid(row)),
	parked_at TEXT NOT NULL,
	PRIMARY KEY (tbl, row_id)
) STRICT;

-- Conflicts kept for a person: two workers changed the same field of one
-- record (or an edit met a close).  Central keeps its value and writes one
-- row here per field, with both values, both workers and both times; the
-- row syncs to every replica that holds the record, and a manager's
-- resolution is an ordinary synced change to it.
CREATE TABLE sync_conflict (
	id TEXT PRIMARY KEY,
	tbl TEXT NOT NULL,
	row_id TEXT NOT NULL,
	field TEXT NOT NULL,
	kept_value TEXT,		-- JSON: the value central kept
	kept_worker TEXT NOT NULL,
	kept_at TEXT NOT NULL,
	other_value TEXT,		-- JSON: the value that met it
	other_worker TEXT NOT NULL,
	other_at TEXT NOT NULL,
	change_id TEXT NOT NULL,
	kind TEXT NOT NULL CHECK ((kind = 'same-field' OR kind = 'edit-after-close')),
	status TEXT NOT NULL DEFAULT 'open' CHECK ((status = 'open' OR status = 'resolved')),
	chosen_value TEXT,		-- JSON, once resolved
	resolved_by TEXT,
	resolved_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code),
	CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
) STRICT;
CREATE INDEX sync_conflict_open ON sync_conflict(status, created_at);
CREATE INDEX sync_conflict_by_row ON sync_conflict(tbl, row_id);

INSERT INTO sync_table (name, append_only) VALUES ('sync_conflict', 0);

-- The central store is a caredesk database too (same schema, same rules),
-- opened by caredesk-syncd; these two tables are used only there.
-- central_change: every change id ever pushed, once, with its outcome, so a
-- resent push (the acknowledgement was lost) gets the stored outcome back.
CREATE TABLE central_change (
	change_id TEXT PRIMARY KEY,
	txn_id TEXT NOT NULL,
	origin TEXT NOT NULL,		-- the replica that pushed it
	tbl TEXT NOT NULL,
	row_id TEXT NOT NULL,
	outcome TEXT NOT NULL CHECK ((outcome = 'applied' OR outcome = 'merged' OR
		outcome = 'conflict' OR outcome = 'rejected')),
	detail TEXT NOT NULL DEFAULT '',
	received_at TEXT NOT NULL
) STRICT;

-- central_row: the order of changes.  Each changed record gets the next
-- sequence number (its old entry goes), so a pull from cursor N is every
-- record changed after N, newest state only, in commit order.
CREATE TABLE central_row (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	tbl TEXT NOT NULL,
	row_id TEXT NOT NULL,
	locality TEXT NOT NULL,
	worker TEXT NOT NULL,		-- who changed it last, and when (for conflicts)
	at TEXT NOT NULL,
	UNIQUE (tbl, row_id)
) STRICT;
CREATE INDEX central_row_by_locality ON central_row(locality, seq);
