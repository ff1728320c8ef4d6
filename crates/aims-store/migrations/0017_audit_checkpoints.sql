-- Signed checkpoints of each organisation's audit chain head, kept apart from the trail they
-- vouch for. A row here can be deleted by whoever writes to the database, but not made: the
-- signature needs a key the database does not hold.
CREATE TABLE audit_checkpoints (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
