-- Impact assessments of AI systems. Each save adds an immutable version holding the whole
-- content as JSON; the assessment row carries the latest version, the approved one, and the
-- next review date so that lists and the dashboard need no JSON.

CREATE TABLE impact_assessments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    version BIGINT NOT NULL,
    approved_version BIGINT,
    approved_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    approved_by_label TEXT,
    approved_at BIGINT,
    next_review BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX impact_assessments_by_system ON impact_assessments (org_id, system_id);

CREATE TABLE impact_assessment_versions (
    assessment_id TEXT NOT NULL REFERENCES impact_assessments (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version)
);
