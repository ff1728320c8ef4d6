-- Evidence: files (their bytes live in the blob store, addressed by SHA-256) or links, each
-- supporting one or more systems, controls, requirements or risks.

CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    link TEXT NOT NULL,
    valid_from BIGINT,
    valid_until BIGINT,
    sha256 TEXT,
    size BIGINT,
    media_type TEXT,
    file_name TEXT,
    added_by TEXT NOT NULL,
    reminded_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX evidence_by_expiry ON evidence (org_id, valid_until);

CREATE TABLE evidence_targets (
    evidence_id TEXT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('system', 'control', 'requirement', 'risk')),
    target_id TEXT NOT NULL,
    -- The evidence's end of validity, repeated here so that "is there current evidence for
    -- each control" is answered from this index alone.
    valid_until BIGINT,
    PRIMARY KEY (evidence_id, kind, target_id)
);
CREATE INDEX evidence_targets_by_target ON evidence_targets (org_id, kind, target_id, valid_until);
