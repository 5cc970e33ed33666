-- caredesk schema, migration 8: lawful decisions, and referrals that end.
--
-- decision_code.age_group: the age group a decision is lawful for on the
-- day the referral was received (s47 is for children, s42 for adults);
-- needs_reason: the decision must say why (no further action, step-down).
-- Loaded from data/codes.tsv like the rest of the code list.
ALTER TABLE decision_code ADD COLUMN age_group TEXT NOT NULL DEFAULT 'any'
	CHECK (age_group IN ('child', 'adult', 'any'));
ALTER TABLE decision_code ADD COLUMN needs_reason INTEGER NOT NULL DEFAULT 0
	CHECK (needs_reason IN (0, 1));
-- A replica made before this version loaded the code list at its init,
-- without these columns: bring its decisions up to data/codes.tsv's.
UPDATE decision_code SET age_group = 'child'
	WHERE code IN ('s17', 's47', 'immediate-protection', 'early-help');
UPDATE decision_code SET age_group = 'adult'
	WHERE code IN ('assessment', 's42-enquiry', 'community-health');
UPDATE decision_code SET needs_reason = 1 WHERE code = 'nfa';
INSERT OR IGNORE INTO decision_code (code, label, closes, age_group, needs_reason) VALUES
	('strategy-discussion', 'Strategy discussion (significant harm suspected)', 0, 'child', 0),
	('other-enquiry', 'Other safeguarding enquiry', 0, 'adult', 0),
	('step-down', 'Step down to universal or community services', 1, 'any', 1);

-- A referral's life ends with its case: a referral still "allocated" to a
-- case that has closed is closed now, as case_close does from this
-- version on.  The change is an ordinary captured action (so it reaches
-- the central and the other replicas), and the number mended is recorded
-- in the audit of this replica's migration (migration_report, read by
-- replica.c and printed once).
INSERT INTO txn_context (id, txn_id, worker, action, schema_version, at, capture)
	VALUES (1, lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
		substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) ||
		'-' || lower(hex(randomblob(6))), 'migration', 'migration.close-ended-referrals', 8,
		strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 1);
CREATE TEMP TABLE IF NOT EXISTS migration_report (line TEXT NOT NULL);
INSERT INTO temp.migration_report (line)
	SELECT 'closed ' || count(*) || ' referral' || CASE count(*) WHEN 1 THEN '' ELSE 's' END ||
		' still allocated to a case that had closed'
	FROM referral f JOIN care_case c ON c.id = f.case_id
	WHERE f.status = 'allocated' AND c.closed_at IS NOT NULL
	HAVING count(*) > 0;
UPDATE referral SET status = 'closed', updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
	version = version + 1
	WHERE status = 'allocated' AND case_id IN (SELECT id FROM care_case WHERE closed_at IS NOT NULL);
DELETE FROM txn_context;
