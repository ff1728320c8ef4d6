-- Controls and the Statement of Applicability: the organisation's own controls beside the
-- catalogue's, one implementation record per control, the obligations each classified
-- system owes (so the SoA can see them without reading classification JSON), and the SoA
-- versions generated and approved as documents.

CREATE TABLE own_controls (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE control_implementations (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    control_id TEXT NOT NULL,
    facts TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, control_id)
);

CREATE TABLE system_obligations (
    system_id TEXT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    requirement TEXT NOT NULL,
    PRIMARY KEY (system_id, requirement)
);
CREATE INDEX system_obligations_by_requirement ON system_obligations (org_id, requirement, system_id);

CREATE TABLE soa_versions (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    snapshot TEXT NOT NULL,
    generated_at BIGINT NOT NULL,
    generated_by TEXT NOT NULL,
    approved_by TEXT,
    approved_at BIGINT,
    PRIMARY KEY (org_id, version)
);
