-- Roles of the management system (who answers for what, and what they must know), the
-- people who hold each, and the training, attestation, qualification and AI literacy
-- records of each person.

CREATE TABLE aims_roles (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    responsibilities TEXT NOT NULL,
    -- JSON arrays of text: the competences a holder needs, and the clauses and controls
    -- (`framework:item`) the role serves.
    competences TEXT NOT NULL,
    refs TEXT NOT NULL,
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL
);
CREATE INDEX aims_roles_by_name ON aims_roles (org_id, name);

CREATE TABLE aims_role_holders (
    role_id TEXT NOT NULL REFERENCES aims_roles (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The order the holders were named in.
    position BIGINT NOT NULL,
    PRIMARY KEY (role_id, user_id)
);
CREATE INDEX aims_role_holders_by_person ON aims_role_holders (org_id, user_id);

CREATE TABLE training_records (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    -- Days, as the micros of their start in UTC.
    completed_on BIGINT NOT NULL,
    expires_on BIGINT,
    provider TEXT NOT NULL,
    notes TEXT NOT NULL,
    -- The evidence that shows it; the record stays, without it, when the evidence goes.
    evidence_id TEXT REFERENCES evidence (id) ON DELETE SET NULL,
    -- JSON array of text: the competences it gives.
    competences TEXT NOT NULL,
    recorded_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL
);
CREATE INDEX training_records_by_person ON training_records (org_id, user_id, completed_on);
-- What the reminder job reads across organisations: records lapsing soon.
CREATE INDEX training_records_by_expiry ON training_records (expires_on);
