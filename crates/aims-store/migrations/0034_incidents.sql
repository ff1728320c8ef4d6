-- AI incidents (ISO/IEC 42001 A.8.4), numbered per organisation (INC-1, INC-2, ...; never
-- deleted, only closed). The reporting deadline is kept as computed from the EU AI Act
-- catalogue when the incident was last saved, so the register sorts and counts by it; the
-- reports sent (initial, complete, a deployer's notice to the provider) are JSON.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    system_id TEXT REFERENCES ai_systems (id) ON DELETE SET NULL,
    system_name TEXT NOT NULL,
    title TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    aware_at BIGINT NOT NULL,
    description TEXT NOT NULL,
    -- JSON: the kinds of harm.
    harms TEXT NOT NULL,
    people_affected BIGINT,
    severity TEXT NOT NULL,
    containment TEXT NOT NULL,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    -- JSON: the answers to the Article 3(49) questions.
    seriousness TEXT NOT NULL,
    -- JSON: the ids of the risks it bears on.
    risks TEXT NOT NULL,
    status TEXT NOT NULL,
    initial_report TEXT,
    complete_report TEXT,
    provider_notice TEXT,
    report_item TEXT,
    report_days BIGINT,
    report_due BIGINT,
    closing_note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    UNIQUE (org_id, number)
);
CREATE INDEX incidents_by_deadline ON incidents
    (org_id, status, (CASE WHEN report_due IS NULL THEN 1 ELSE 0 END), report_due, number);
CREATE INDEX incidents_by_system ON incidents (org_id, system_id);
