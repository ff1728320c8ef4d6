-- Red-team runs recorded against AI systems. The journal of every attempt is evidence (a
-- blob addressed by its SHA-256); this table keeps the figures that lists and trends need.

CREATE TABLE redteam_runs (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    run_id TEXT NOT NULL,
    name TEXT NOT NULL,
    tool TEXT NOT NULL,
    target TEXT NOT NULL,
    started_at TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'thresholds_exceeded', 'run_errors')),
    judged BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    attack_success_bp BIGINT NOT NULL,
    journal_sha256 TEXT NOT NULL,
    evidence_id TEXT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    summary TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX redteam_runs_by_system ON redteam_runs (org_id, system_id, created_at);
