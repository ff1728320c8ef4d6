-- The day the earliest open treatment action of a risk is due, kept on the risk so that the
-- register can list risks with actions overdue and aims can make their tasks without reading
-- every risk's facts. NULL until computed (risks stored before this column are computed by the
-- reminders job in batches); the largest BIGINT when no open action has a due day.
ALTER TABLE risks ADD COLUMN action_due BIGINT;
CREATE INDEX risks_by_action_due ON risks (org_id, action_due);
CREATE INDEX risks_action_due_all ON risks (action_due);
