-- The dashboard counts systems whose classification needs review; few do, so a partial index
-- answers without reading the inventory.
CREATE INDEX ai_systems_needing_review ON ai_systems (org_id) WHERE class_needs_review = 1;
