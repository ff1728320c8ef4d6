-- The AI system inventory: systems, their components, and every EU AI Act classification
-- recorded for them. Lists of short labels (roles, geography, tags) are stored as
-- ",a,b," so that one LIKE filters them the same way on both engines; search_key
-- holds the lower-cased words a text search looks at, computed by aims (Unicode-aware on
-- both engines).

CREATE TABLE ai_systems (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    search_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    description TEXT NOT NULL,
    intended_use TEXT NOT NULL,
    foreseeable_misuse TEXT NOT NULL,
    users TEXT NOT NULL,
    affected_persons TEXT NOT NULL,
    deployment_context TEXT NOT NULL,
    geography TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL,
    roles TEXT NOT NULL,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    autonomy TEXT NOT NULL,
    human_oversight TEXT NOT NULL,
    decisions_about_people TEXT NOT NULL,
    status TEXT NOT NULL,
    tags TEXT NOT NULL,
    class TEXT,
    class_version BIGINT,
    classified_at BIGINT,
    class_needs_review BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL
);
CREATE UNIQUE INDEX ai_systems_name ON ai_systems (org_id, name_key);
CREATE INDEX ai_systems_by_updated ON ai_systems (org_id, updated_at);
CREATE INDEX ai_systems_by_stage ON ai_systems (org_id, lifecycle_stage, name_key);
CREATE INDEX ai_systems_by_status ON ai_systems (org_id, status, name_key);
CREATE INDEX ai_systems_by_class ON ai_systems (org_id, class, name_key);

CREATE TABLE ai_components (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('model', 'dataset', 'supplier')),
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    provider TEXT NOT NULL,
    licence TEXT NOT NULL,
    description TEXT NOT NULL,
    model_type TEXT NOT NULL,
    model_card_url TEXT NOT NULL,
    hosting TEXT NOT NULL,
    source TEXT NOT NULL,
    provenance TEXT NOT NULL,
    personal_data BIGINT NOT NULL,
    quality_checks TEXT NOT NULL,
    bom_ref TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX ai_components_by_system ON ai_components (org_id, system_id, kind, name);

CREATE TABLE ai_system_classifications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    class TEXT NOT NULL,
    answers TEXT NOT NULL,
    result TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    decided_by TEXT NOT NULL,
    UNIQUE (system_id, version)
);
CREATE INDEX ai_system_classifications_by_org ON ai_system_classifications (org_id, system_id);
