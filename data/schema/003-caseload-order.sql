-- caredesk replica schema, migration 3: the caseload in review order.
-- A case may have no review date yet; ordering and keyset paging by
-- coalesce(next_review, '') puts those first and keeps every key
-- comparable, which a NULL in a row value would not be.
DROP INDEX case_open_by_worker;
DROP INDEX case_open_by_team;
CREATE INDEX case_open_by_worker ON care_case(allocated_to, coalesce(next_review, ''), id)
	WHERE closed_at IS NULL;
CREATE INDEX case_open_by_team ON care_case(team, coalesce(next_review, ''), id)
	WHERE closed_at IS NULL;

-- "The open case of this person in this team" (allocation) must not walk a
-- team's open cases: key the person index by team too, so that lookup is
-- two equalities on one index.
DROP INDEX case_by_person;
CREATE INDEX case_by_person ON care_case(person_id, team);
