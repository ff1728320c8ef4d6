-- Open tasks listed the soonest due first (those without a day last): indexes in exactly
-- that order, so that a page of a person's open tasks (My work, the navigation) or of the
-- organisation's reads its rows in order and stops, instead of sorting every open task.
-- Partial, because done and cancelled tasks outnumber open ones as an organisation ages.
CREATE INDEX tasks_open_by_assignee ON tasks
    (org_id, assignee_id, (CASE WHEN due IS NULL THEN 1 ELSE 0 END), due, created_at, id)
    WHERE status IN ('open', 'in_progress');
CREATE INDEX tasks_open_by_due ON tasks
    (org_id, (CASE WHEN due IS NULL THEN 1 ELSE 0 END), due, created_at, id)
    WHERE status IN ('open', 'in_progress');
CREATE INDEX tasks_by_due ON tasks
    (org_id, (CASE WHEN due IS NULL THEN 1 ELSE 0 END), due, created_at, id);
