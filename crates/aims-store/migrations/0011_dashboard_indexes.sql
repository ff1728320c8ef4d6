-- The dashboard counts systems whose classification needs review; few do, so a partial index
-- answers without reading the inventory.
CREATE INDEX ai_systems_needing_review ON ai_systems (org_id) WHERE class_needs_review = 1;

-- Open risks at or above a level, and open risks overdue for review, are counted from the
-- index alone once it carries the status: no row of a large register is read to count it.
DROP INDEX risks_by_level;
CREATE INDEX risks_by_level ON risks (org_id, residual_level, number, status);
DROP INDEX risks_by_review;
CREATE INDEX risks_by_review ON risks (org_id, review_due, status);
