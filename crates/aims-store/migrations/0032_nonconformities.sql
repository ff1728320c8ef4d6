-- Nonconformities (ISO/IEC 42001 10.2), numbered per organisation (NC-1, NC-2, ...; never
-- deleted, only withdrawn, so a number is never given twice). Corrective actions are tasks
-- whose source is the nonconformity; the last verification of them is kept on the row.
CREATE TABLE nonconformities (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT NOT NULL,
    system_id TEXT REFERENCES ai_systems (id) ON DELETE SET NULL,
    -- JSON: the requirements and controls not met, as evidence targets.
    requirements TEXT NOT NULL,
    source TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    grade TEXT NOT NULL,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    detected_on BIGINT NOT NULL,
    containment TEXT NOT NULL,
    correction TEXT NOT NULL,
    root_cause TEXT NOT NULL,
    cause_category TEXT,
    status TEXT NOT NULL,
    withdrawn_reason TEXT NOT NULL,
    -- JSON: the last verification (who, when, whether the actions worked, note, evidence).
    verification TEXT,
    reopened BIGINT NOT NULL,
    closed_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    UNIQUE (org_id, number)
);
CREATE INDEX nonconformities_by_status ON nonconformities (org_id, status, detected_on);
CREATE INDEX nonconformities_by_owner ON nonconformities (org_id, owner_id, status);
