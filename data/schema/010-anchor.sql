-- caredesk schema, migration 10: an audit chain anchored at central, and
-- replica settings that cannot be changed behind caredesk's back.
--
-- audit_anchor: central's record of each origin's audit chain head (the
-- last event's seq and hash, as pushed), stored by the sync agent at each
-- sync.  caredesk check compares the replica's chain with it, so events
-- rewritten (every later hash recomputed) or deleted after they were
-- synced are reported, with no network.  `central` is the central store's
-- id; anchored_at is when this replica first had the record at that seq.
-- Local, not synced: it is central's word, kept here to check against.
CREATE TABLE audit_anchor (
	origin TEXT PRIMARY KEY,
	seq INTEGER NOT NULL CHECK (seq >= 1),
	hash TEXT NOT NULL,
	central TEXT NOT NULL,
	anchored_at TEXT NOT NULL
) STRICT;

-- replica_meta holds the central's address, the replica's identity and
-- role: written with sqlite3 alone, it could send every record elsewhere.
-- Like the synced tables (src/replica/capture.c) it and audit_anchor
-- refuse a write made without a txn_context row, that is outside a
-- caredesk transaction.  These guards are not the capture's (cap_*): a
-- bulk load keeps them, and caredesk check reports one dropped or changed
-- as it does any object the migrations make.
CREATE TRIGGER replica_meta_guard_insert BEFORE INSERT ON replica_meta
	WHEN NOT EXISTS (SELECT 1 FROM txn_context) BEGIN
	SELECT RAISE(ABORT, 'caredesk: replica_meta changed outside a caredesk action (no txn_context); use the caredesk commands');
END;
CREATE TRIGGER replica_meta_guard_update BEFORE UPDATE ON replica_meta
	WHEN NOT EXISTS (SELECT 1 FROM txn_context) BEGIN
	SELECT RAISE(ABORT, 'caredesk: replica_meta changed outside a caredesk action (no txn_context); use the caredesk commands');
END;
CREATE TRIGGER replica_meta_guard_delete BEFORE DELETE ON replica_meta
	WHEN NOT EXISTS (SELECT 1 FROM txn_context) BEGIN
	SELECT RAISE(ABORT, 'caredesk: replica_meta changed outside a caredesk action (no txn_context); use the caredesk commands');
END;
CREATE TRIGGER audit_anchor_guard_insert BEFORE INSERT ON audit_anchor
	WHEN NOT EXISTS (SELECT 1 FROM txn_context) BEGIN
	SELECT RAISE(ABORT, 'caredesk: audit_anchor changed outside a caredesk action (no txn_context); use the caredesk commands');
END;
CREATE TRIGGER audit_anchor_guard_update BEFORE UPDATE ON audit_anchor
	WHEN NOT EXISTS (SELECT 1 FROM txn_context) BEGIN
	SELECT RAISE(ABORT, 'caredesk: audit_anchor changed outside a caredesk action (no txn_context); use the caredesk commands');
END;
CREATE TRIGGER audit_anchor_guard_delete BEFORE DELETE ON audit_anchor
	WHEN NOT EXISTS (SELECT 1 FROM txn_context) BEGIN
	SELECT RAISE(ABORT, 'caredesk: audit_anchor changed outside a caredesk action (no txn_context); use the caredesk commands');
END;
