-- caredesk schema, migration 7: a worker holds one or more roles.
--
-- worker.role becomes a comma-separated list of role codes ("duty,admin"),
-- stored in the permission table's order (src/core/permission.c).  The
-- check accepts any order but no duplicate, no unknown code and no empty
-- list: removing each known ",code," once must leave a lone comma.  SQLite
-- cannot change a CHECK in place, so the table is rebuilt (the procedure of
-- https://www.sqlite.org/lang_altertable.html#otheralter: foreign keys are
-- off for this migration and checked before it commits).  The roles of
-- existing workers are kept as they are: each held one role.
CREATE TABLE worker_new (
	id TEXT PRIMARY KEY,
	login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 64),
	name TEXT NOT NULL,
	team TEXT NOT NULL REFERENCES team(code),
	role TEXT NOT NULL CHECK (
		replace(replace(replace(replace(replace(replace(replace(',' || role || ',',
			',practitioner,', ','), ',duty,', ','), ',mash,', ','), ',manager,', ','),
			',pa,', ','), ',admin,', ','), ',auditor,', ',') = ','),
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	locality TEXT NOT NULL REFERENCES locality(code)
) STRICT;
INSERT INTO worker_new (id, login, name, team, role, active, created_at, updated_at, version,
		locality)
	SELECT id, login, name, team, role, active, created_at, updated_at, version, locality
	FROM worker;
DROP TABLE worker;
ALTER TABLE worker_new RENAME TO worker;
CREATE INDEX worker_by_team ON worker(team, active);
