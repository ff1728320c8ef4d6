-- An AI system may be kept in the inventory while outside the AI management system's scope
-- (clause 4.3), with the reason; the dashboard counts those, through the partial index.
ALTER TABLE ai_systems ADD COLUMN out_of_scope TEXT NOT NULL DEFAULT '';
CREATE INDEX ai_systems_out_of_scope ON ai_systems (org_id) WHERE out_of_scope <> '';
