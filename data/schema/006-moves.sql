-- caredesk schema, migration 6: records that move to another locality.
--
-- central_row.left_locality (used only in a central): the locality a
-- record last moved out of.  A pull from that locality's replica is told
-- the record left (and where to), so the replica archives its copy
-- instead of keeping it live, or deleting it.
ALTER TABLE central_row ADD COLUMN left_locality TEXT;
CREATE INDEX central_row_left ON central_row(left_locality, seq) WHERE left_locality IS NOT NULL;

-- sync_archived: records this replica held that moved to a locality it
-- does not serve.  They stay in their tables, as last seen (a case's
-- history is never deleted), and the desk's lists leave them out.  A
-- record that moves back is taken off this list by the pull that brings
-- it.  Local, not synced.
CREATE TABLE sync_archived (
	tbl TEXT NOT NULL,
	row_id TEXT NOT NULL,
	moved_to TEXT NOT NULL,
	archived_at TEXT NOT NULL,
	PRIMARY KEY (tbl, row_id)
) STRICT, WITHOUT ROWID;
