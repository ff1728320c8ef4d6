-- The risk register: each organisation's method (JSON, one row), its risks, and the systems
-- and controls each risk names. A risk's full facts are JSON; the columns beside them are
-- what lists filter and sort on, including the levels the method gives its scores (kept
-- current by aims whenever a risk or the method changes).

CREATE TABLE risk_methods (
    org_id TEXT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE risks (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    search_key TEXT NOT NULL,
    facts TEXT NOT NULL,
    status TEXT NOT NULL,
    treatment TEXT NOT NULL,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    risk_source TEXT,
    inherent_level BIGINT NOT NULL,
    residual_level BIGINT NOT NULL,
    inherent_likelihood BIGINT NOT NULL,
    inherent_impact BIGINT NOT NULL,
    residual_likelihood BIGINT NOT NULL,
    residual_impact BIGINT NOT NULL,
    review_due BIGINT,
    accepted_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    accepted_at BIGINT,
    acceptance_note TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    UNIQUE (org_id, number)
);
CREATE INDEX risks_by_level ON risks (org_id, residual_level, number);
CREATE INDEX risks_by_status ON risks (org_id, status, number);
CREATE INDEX risks_by_updated ON risks (org_id, updated_at);
CREATE INDEX risks_by_review ON risks (org_id, review_due);

CREATE TABLE risk_systems (
    risk_id TEXT NOT NULL REFERENCES risks (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, system_id)
);
CREATE INDEX risk_systems_by_system ON risk_systems (org_id, system_id, risk_id);

CREATE TABLE risk_controls (
    risk_id TEXT NOT NULL REFERENCES risks (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    control_id TEXT NOT NULL,
    PRIMARY KEY (risk_id, control_id)
);
CREATE INDEX risk_controls_by_control ON risk_controls (org_id, control_id, risk_id);
